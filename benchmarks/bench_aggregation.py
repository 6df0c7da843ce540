#!/usr/bin/env python
"""Benchmark of the segment aggregation kernels (verify.aggregation.kernels).

Usage::

    python benchmarks/bench_aggregation.py [--edges 5000000 --channels 64 --nodes N --repeat 3]
    python benchmarks/bench_aggregation.py --quick          # 200k edges x 16 channels
    python benchmarks/bench_aggregation.py --json           # machine-readable output

Everything is measured in one run and reported as ratios (machines are noisy);
each timing is the minimum over ``--repeat`` runs.  For each kernel
(softmax with ``--t``, power mean with ``--q``) we time

* ``ours``: the public kernel on an unsorted random index (the sort is included;
  it is also timed on its own as ``sort``);
* ``bound``: the elementwise lower bound -- one ``np.exp`` (softmax) or
  ``np.power`` (power mean) pass over the E x C input into a preallocated
  buffer, plus a segment sum by a prebuilt scipy CSR matrix (N x E) times that
  buffer (building the matrix is not timed);
* ``naive``: a straightforward numpy implementation with ``np.maximum.at`` /
  ``np.add.at`` (unscaled power mean), timed on the first ``--naive-edges``
  edges and compared with ``ours`` on the same subset;
* ``pyg``: ``torch_geometric.nn.aggr.SoftmaxAggregation(t, learn=False)`` /
  ``PowerMeanAggregation(p=q)`` on CPU with ``torch.set_num_threads`` equal to
  the number of threads our kernel uses (1), and also with all cores.

Memory: the input is E*C*8 bytes (2.56 GB at the default size); the bound
needs one more such buffer, PyG temporarily about four more.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import sys
import time

import numpy as np
import scipy.sparse as sp

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


def _naive_softmax(x, idx, N, t):
    C = x.shape[1]
    mx = np.full((N, C), -np.inf)
    np.maximum.at(mx, idx, x)
    w = x - mx[idx]
    w *= t
    np.exp(w, out=w)
    s = np.zeros((N, C))
    np.add.at(s, idx, w)
    w *= x
    num = np.zeros((N, C))
    np.add.at(num, idx, w)
    with np.errstate(invalid="ignore", divide="ignore"):
        return num / s


def _naive_power_mean(x, idx, N, q):
    C = x.shape[1]
    w = np.power(x, q)
    s = np.zeros((N, C))
    np.add.at(s, idx, w)
    cnt = np.bincount(idx, minlength=N)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.power(s / cnt, 1.0 / q)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--edges", type=int, default=5_000_000)
    ap.add_argument("--channels", type=int, default=64)
    ap.add_argument("--nodes", type=int, default=None, help="default: edges // 20")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--t", type=float, default=1.0, help="softmax inverse temperature")
    ap.add_argument("--q", type=float, default=2.3,
                    help="power-mean exponent (default 2.3: a generic exponent that goes through "
                         "np.power; integer and half-integer q <= 8 use a faster multiply/sqrt path)")
    ap.add_argument("--naive-edges", type=int, default=500_000,
                    help="edges used for the (slow) naive np.*.at versions")
    ap.add_argument("--no-pyg", action="store_true")
    ap.add_argument("--no-naive", action="store_true")
    ap.add_argument("--quick", action="store_true", help="200k edges x 16 channels")
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    a = ap.parse_args(argv)
    if a.quick:
        a.edges, a.channels = 200_000, 16
    E, C = a.edges, a.channels
    N = a.nodes or max(1, E // 20)
    rng = np.random.default_rng(0)
    # positive messages in [0.5, 1.5): valid for both kernels and inside PyG's clamp range
    x = rng.random((E, C))
    x += 0.5
    idx = rng.integers(0, N, size=E)
    res = {"edges": E, "channels": C, "nodes": N, "repeat": a.repeat, "t": a.t, "q": a.q,
           "dtype": "float64", "ours_threads": 1, "machine": platform.machine(),
           "cpu_count": os.cpu_count(), "numpy": np.__version__, "times_s": {}, "ratios": {}}
    T = res["times_s"]

    T["sort"] = _best(lambda: kernels._Layout(idx, N), a.repeat)

    A = sp.csr_matrix((np.ones(E), (idx, np.arange(E))), shape=(N, E))
    buf = np.empty_like(x)

    # ---------------- softmax ----------------
    T["softmax_ours"] = _best(lambda: kernels.softmax_aggregate(x, idx, N, a.t), a.repeat)

    def bound_soft_exp_only():
        np.exp(x, out=buf)
        return A @ buf

    T["softmax_bound"] = _best(bound_soft_exp_only, a.repeat)
    # ---------------- power mean -------------
    T["power_mean_ours"] = _best(lambda: kernels.power_mean_aggregate(x, idx, N, a.q), a.repeat)

    def bound_pow():
        np.power(x, a.q, out=buf)
        return A @ buf

    T["power_mean_bound"] = _best(bound_pow, a.repeat)
    del buf, A
    gc.collect()

    # ---------------- naive (subset) ---------
    if not a.no_naive:
        En = min(E, a.naive_edges)
        xs, ids = x[:En], idx[:En]
        rep = max(1, min(a.repeat, 2))
        res["naive_edges"] = En
        T["softmax_ours_subset"] = _best(lambda: kernels.softmax_aggregate(xs, ids, N, a.t), a.repeat)
        T["softmax_naive_subset"] = _best(lambda: _naive_softmax(xs, ids, N, a.t), rep)
        T["power_mean_ours_subset"] = _best(lambda: kernels.power_mean_aggregate(xs, ids, N, a.q), a.repeat)
        T["power_mean_naive_subset"] = _best(lambda: _naive_power_mean(xs, ids, N, a.q), rep)

    # ---------------- PyG --------------------
    if not a.no_pyg:
        try:
            import torch
            from torch_geometric.nn.aggr import PowerMeanAggregation, SoftmaxAggregation
        except Exception as exc:  # pragma: no cover - depends on the machine
            res["pyg"] = f"not available: {exc!r}"
        else:
            res["torch"] = torch.__version__
            xt = torch.from_numpy(x)
            it = torch.from_numpy(idx)
            soft = SoftmaxAggregation(t=a.t, learn=False)
            pm = PowerMeanAggregation(p=a.q)
            old = torch.get_num_threads()
            for nth in sorted({1, os.cpu_count() or 1}):
                torch.set_num_threads(nth)
                with torch.no_grad():
                    T[f"softmax_pyg_{nth}t"] = _best(lambda: soft(xt, it, dim_size=N), a.repeat)
                    gc.collect()
                    T[f"power_mean_pyg_{nth}t"] = _best(lambda: pm(xt, it, dim_size=N), a.repeat)
                    gc.collect()
            torch.set_num_threads(old)
            res["pyg_threads"] = sorted({1, os.cpu_count() or 1})

    R = res["ratios"]
    for k in ("softmax", "power_mean"):
        ours = T[f"{k}_ours"]
        R[f"{k}_ours_over_bound"] = ours / T[f"{k}_bound"]
        R[f"{k}_sort_share"] = T["sort"] / ours
        if f"{k}_naive_subset" in T:
            R[f"{k}_naive_over_ours"] = T[f"{k}_naive_subset"] / T[f"{k}_ours_subset"]
        for key in list(T):
            if key.startswith(f"{k}_pyg_"):
                R[f"{key}_over_ours"] = T[key] / ours

    if a.json:
        print(json.dumps(res, indent=2))
        return res
    print(f"segment aggregation benchmark: E={E:,} edges x C={C} channels float64, "
          f"N={N:,} nodes, unsorted index, min of {a.repeat}; t={a.t:g}, q={a.q:g}")
    print(f"  our kernels use 1 thread; sort (layout) {T['sort']:.3f} s")
    print(f"{'kernel':<11} {'variant':<26} {'time [s]':>10} {'ratio':>28}")
    for k in ("softmax", "power_mean"):
        ours = T[f"{k}_ours"]
        print(f"{k:<11} {'ours (incl. sort)':<26} {ours:>10.3f} {'':>28}")
        name = "np.exp + CSR sum" if k == "softmax" else "np.power + CSR sum"
        print(f"{k:<11} {'bound: ' + name:<26} {T[f'{k}_bound']:>10.3f} "
              f"{'ours/bound = %.2f' % R[f'{k}_ours_over_bound']:>28}")
        if f"{k}_naive_subset" in T:
            print(f"{k:<11} {'naive np.*.at (%d edges)' % res['naive_edges']:<26} "
                  f"{T[f'{k}_naive_subset']:>10.3f} "
                  f"{'naive/ours = %.1f' % R[f'{k}_naive_over_ours']:>28}")
        for key in sorted(T):
            if key.startswith(f"{k}_pyg_"):
                nth = key.rsplit("_", 1)[1]
                print(f"{k:<11} {'PyG CPU ' + nth.replace('t', ' thread(s)'):<26} {T[key]:>10.3f} "
                      f"{'pyg/ours = %.2f' % R[key + '_over_ours']:>28}")
    if isinstance(res.get("pyg"), str):
        print("  PyG", res["pyg"])
    return res


if __name__ == "__main__":
    main()
