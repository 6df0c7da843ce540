#!/usr/bin/env python
"""Benchmark of the segment aggregation kernels (verify.aggregation.kernels).

Usage::

    python benchmarks/bench_aggregation.py                      # 2M edges x 64 channels, float64
    python benchmarks/bench_aggregation.py --quick              # 200k edges x 16 channels
    python benchmarks/bench_aggregation.py --baseline old.py    # also time another kernels.py (before/after)
    python benchmarks/bench_aggregation.py --memory --edges 5000000   # peak memory of each kernel
    python benchmarks/bench_aggregation.py --json               # machine-readable output

Everything is measured in one run and reported as ratios (machines are noisy); each timing is the
minimum over ``--repeat`` rounds, and the rounds interleave all variants so that they see the same
load.  Input: positive messages in [0.5, 1.5) (valid for both kernels and
inside PyG's clamp range), ``E`` edges, ``C`` channels, ``N = E / 20`` nodes, an unsorted random
index.  Timed:

* ``ours``: the public kernels (softmax with ``--t``, power mean with ``--q``, default 3.3: a
  generic exponent, ``exp(q log z)``) with all the threads the process may use
  (``VERIFY_NUM_THREADS``), and with one thread;
* ``exp pass``: one ``np.exp(x, out=buf)`` over the E x C input (the elementwise floor: the softmax
  needs at least one exponential per element), and ``read``: one ``x.max()`` (the memory floor);
* ``pyg``: ``torch_geometric.nn.aggr.SoftmaxAggregation(t, learn=False)`` /
  ``PowerMeanAggregation(p=q)`` on CPU with ``torch.set_num_threads`` equal to our thread count;
* ``baseline`` (``--baseline FILE``): the same kernels from another ``kernels.py`` (e.g. the
  previous version, ``git show HEAD:verify/aggregation/kernels.py > /tmp/old.py``).

``--memory`` runs each kernel in a fresh child process and reports the peak traced allocation
(``tracemalloc``; NumPy reports its buffers to it) during the call, minus the output, and the
child's peak RSS minus the RSS after building the input.
"""
from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import platform
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from verify.aggregation import kernels  # noqa: E402


def _best(fn, repeat):
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _data(E, C, N, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((E, C))
    x += 0.5
    idx = rng.integers(0, N, size=E)
    return x, idx


def _load(path):
    spec = importlib.util.spec_from_file_location("bench_baseline_kernels", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _cpu_flags():
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("flags"):
                    fl = line.split(":", 1)[1].split()
                    return " ".join(f for f in fl if f.startswith(("avx", "sse4", "fma")))
    except OSError:
        pass
    return "?"


def _memory_child(kind, E, C, q, t):
    """Run in a child: peak memory of one kernel call."""
    import resource
    import tracemalloc

    N = max(1, E // 20)
    x, idx = _data(E, C, N)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    if kind == "softmax":
        out = kernels.softmax_aggregate(x, idx, N, t)
    else:
        out = kernels.power_mean_aggregate(x, idx, N, q)
    cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"kind": kind, "input_bytes": x.nbytes + idx.nbytes, "output_bytes": out.nbytes,
                      "traced_peak_bytes": peak, "traced_peak_minus_output": peak - out.nbytes,
                      "rss_peak_growth_bytes": (rss1 - rss0) * 1024,
                      "threads": kernels._num_threads()}))


def memory(a):
    rows = []
    for kind in ("softmax", "power_mean"):
        cmd = [sys.executable, os.path.abspath(__file__), "--_memory-child", kind,
               "--edges", str(a.edges), "--channels", str(a.channels), "--q", str(a.q), "--t", str(a.t)]
        res = subprocess.run(cmd, capture_output=True, text=True, check=True)
        rows.append(json.loads(res.stdout.strip().splitlines()[-1]))
    if a.json:
        print(json.dumps(rows, indent=2))
        return rows
    mb = 1 << 20
    print(f"peak memory, E={a.edges:,} x C={a.channels} float64 (input {rows[0]['input_bytes'] / mb:.0f} MiB, "
          f"output {rows[0]['output_bytes'] / mb:.1f} MiB), {rows[0]['threads']} threads")
    for r in rows:
        print(f"  {r['kind']:<11} traced peak {r['traced_peak_bytes'] / mb:8.1f} MiB "
              f"(minus output {r['traced_peak_minus_output'] / mb:7.1f} MiB); "
              f"max RSS growth during the call {r['rss_peak_growth_bytes'] / mb:8.1f} MiB")
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--edges", type=int, default=2_000_000)
    ap.add_argument("--channels", type=int, default=64)
    ap.add_argument("--nodes", type=int, default=None, help="default: edges // 20")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--t", type=float, default=1.0, help="softmax inverse temperature (default 1)")
    ap.add_argument("--q", type=float, default=3.3, help="power-mean exponent (default 3.3)")
    ap.add_argument("--no-pyg", action="store_true")
    ap.add_argument("--baseline", default=None, help="path of another kernels.py to time as well")
    ap.add_argument("--quick", action="store_true", help="200k edges x 16 channels")
    ap.add_argument("--memory", action="store_true", help="peak memory of each kernel (child processes)")
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    ap.add_argument("--_memory-child", dest="memory_child", default=None, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.quick:
        a.edges, a.channels = 200_000, 16
    if a.memory_child:
        return _memory_child(a.memory_child, a.edges, a.channels, a.q, a.t)
    if a.memory:
        return memory(a)
    E, C = a.edges, a.channels
    N = a.nodes or max(1, E // 20)
    x, idx = _data(E, C, N)
    nth = kernels._num_threads()
    res = {"edges": E, "channels": C, "nodes": N, "repeat": a.repeat, "t": a.t, "q": a.q,
           "dtype": "float64", "ours_threads": nth, "machine": platform.machine(),
           "cpu_count": os.cpu_count(), "cpu_flags": _cpu_flags(), "numpy": np.__version__,
           "times_s": {}, "ratios": {}}
    T = res["times_s"]
    kinds = {"softmax": ("softmax_aggregate", a.t), "power_mean": ("power_mean_aggregate", a.q)}

    buf = np.empty_like(x)
    buf.fill(0.0)                                 # touch the pages: time the pass, not page faults
    T["exp_pass"] = _best(lambda: np.exp(x, out=buf), a.repeat)
    del buf
    T["read"] = _best(lambda: x.max(), a.repeat)

    # every variant is timed once per round and the rounds are interleaved, so that all of them
    # sample the same (noisy) machine; the minimum over the rounds is kept
    variants = []

    def with_threads(fn, n):
        def run():
            old_env = os.environ.get("VERIFY_NUM_THREADS")
            os.environ["VERIFY_NUM_THREADS"] = str(n)
            try:
                fn()
            finally:
                if old_env is None:
                    os.environ.pop("VERIFY_NUM_THREADS", None)
                else:
                    os.environ["VERIFY_NUM_THREADS"] = old_env
        return run

    base_mod = _load(a.baseline) if a.baseline else None
    for k, (fname, p) in kinds.items():
        fn = getattr(kernels, fname)
        variants.append((f"{k}_ours", with_threads(lambda fn=fn, p=p: fn(x, idx, N, p), nth)))
        variants.append((f"{k}_ours_1t", with_threads(lambda fn=fn, p=p: fn(x, idx, N, p), 1)))
        if base_mod is not None:
            base = getattr(base_mod, fname)
            variants.append((f"{k}_baseline", lambda base=base, p=p: base(x, idx, N, p)))

    if not a.no_pyg:
        try:
            import torch
            from torch_geometric.nn.aggr import PowerMeanAggregation, SoftmaxAggregation
        except Exception as exc:  # pragma: no cover - depends on the machine
            res["pyg"] = f"not available: {exc!r}"
        else:
            import torch_geometric
            res["torch"] = torch.__version__
            res["torch_geometric"] = torch_geometric.__version__
            xt = torch.from_numpy(x)
            it = torch.from_numpy(idx)
            mods = {"softmax": SoftmaxAggregation(t=a.t, learn=False), "power_mean": PowerMeanAggregation(p=a.q)}
            torch.set_num_threads(nth)
            res["pyg_threads"] = nth

            def pyg(m):
                def run():
                    with torch.no_grad():
                        m(xt, it, dim_size=N)
                return run
            for k, m in mods.items():
                variants.append((f"{k}_pyg", pyg(m)))

    for name, _ in variants:
        T[name] = float("inf")
    for _ in range(a.repeat):
        for name, run in variants:
            T[name] = min(T[name], _best(run, 1))

    R = res["ratios"]
    for k in kinds:
        ours = T[f"{k}_ours"]
        R[f"{k}_ours_over_exp_pass"] = ours / T["exp_pass"]
        R[f"{k}_ours_over_read"] = ours / T["read"]
        R[f"{k}_1t_over_ours"] = T[f"{k}_ours_1t"] / ours
        if f"{k}_pyg" in T:
            R[f"{k}_pyg_over_ours"] = T[f"{k}_pyg"] / ours
        if f"{k}_baseline" in T:
            R[f"{k}_baseline_over_ours"] = T[f"{k}_baseline"] / ours

    if a.json:
        print(json.dumps(res, indent=2))
        return res
    print(f"segment aggregation benchmark: E={E:,} edges x C={C} channels float64, N={N:,} nodes, "
          f"unsorted index, min of {a.repeat}; t={a.t:g}, q={a.q:g}; {nth} threads (ours and PyG)")
    print(f"  cpu flags: {res['cpu_flags']}")
    print(f"  one np.exp(x, out=buf) pass {T['exp_pass']:.3f} s, one read of x (x.max()) {T['read']:.3f} s")
    print(f"{'kernel':<11} {'variant':<28} {'time [s]':>9}  ratio")
    for k in kinds:
        ours = T[f"{k}_ours"]
        print(f"{k:<11} {f'ours ({nth} threads)':<28} {ours:>9.3f}  ours/exp pass = "
              f"{R[f'{k}_ours_over_exp_pass']:.2f}, ours/read = {R[f'{k}_ours_over_read']:.1f}")
        print(f"{k:<11} {'ours (1 thread)':<28} {T[f'{k}_ours_1t']:>9.3f}  1 thread/{nth} threads = "
              f"{R[f'{k}_1t_over_ours']:.2f}")
        if f"{k}_baseline" in T:
            print(f"{k:<11} {'baseline ' + os.path.basename(a.baseline):<28} {T[f'{k}_baseline']:>9.3f}  "
                  f"baseline/ours = {R[f'{k}_baseline_over_ours']:.2f}")
        if f"{k}_pyg" in T:
            print(f"{k:<11} {f'PyG CPU ({nth} threads)':<28} {T[f'{k}_pyg']:>9.3f}  pyg/ours = "
                  f"{R[f'{k}_pyg_over_ours']:.2f}")
    if isinstance(res.get("pyg"), str):
        print("  PyG", res["pyg"])
    return res


if __name__ == "__main__":
    main()
