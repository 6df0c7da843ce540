#!/usr/bin/env python
"""Benchmark of the torch modules (verify.torch) beside PyTorch Geometric's, on the CPU.

Usage::

    python benchmarks/bench_torch.py                          # 200k edges x 64 channels, float32 and float64
    python benchmarks/bench_torch.py --edges 2000000          # a larger size
    python benchmarks/bench_torch.py --threads 2 --repeat 5 --t 1.0 --q 3.3 --json

Everything is measured in one run (``torch.set_num_threads(--threads)``, default 2) and reported as
ratios ``ours / pyg`` (below 1: ours is faster); each timing is the minimum over ``--repeat`` runs.  For
softmax (``--t``) and power mean (``--q``) and each dtype we time, on a random unsorted index with
``--nodes`` segments (default E/16):

* ``fwd``: the forward pass under ``torch.no_grad()`` (``learn=False``);
* ``fwd+bwd``: forward and backward of ``(G * out).sum()`` with ``x`` and the parameter requiring grad
  (``learn=True``), G a fixed random cotangent.

Inputs to the power mean are ``|randn| + 0.05`` scaled into [0.05, 5] so that PyG's clamp to [1e-4, 100]
does not change them (its clamp makes it give a different value otherwise; see ``verify check power_mean
pyg --torch --grad``).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import torch  # noqa: E402

import verify.torch as ours  # noqa: E402


def _best(fn, repeat: int) -> float:
    fn()                                    # warm-up (allocator, lazy init)
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _modules(kind: str, p: float, learn: bool):
    from torch_geometric.nn import aggr as pyg

    if kind == "softmax":
        return ours.SoftmaxAggregation(t=p, learn=learn), pyg.SoftmaxAggregation(t=p, learn=learn)
    return ours.PowerMeanAggregation(p=p, learn=learn), pyg.PowerMeanAggregation(p=p, learn=learn)


def bench(edges: int, channels: int, nodes: int, repeat: int, t: float, q: float, dtypes) -> list[dict]:
    g = torch.Generator().manual_seed(0)
    index = torch.randint(0, nodes, (edges,), generator=g)
    rows = []
    for dt in dtypes:
        dtype = getattr(torch, dt)
        x_s = torch.randn(edges, channels, generator=g, dtype=dtype)
        x_p = (torch.rand(edges, channels, generator=g, dtype=dtype) * 4.95 + 0.05)
        G = torch.randn(nodes, channels, generator=g, dtype=dtype)
        for kind, p, x in (("softmax", t, x_s), ("power_mean", q, x_p)):
            res = {}
            for mode in ("fwd", "fwd+bwd"):
                mine, theirs = _modules(kind, p, learn=(mode == "fwd+bwd"))
                mine, theirs = mine.to(dtype), theirs.to(dtype)
                for name, mod in (("verify", mine), ("pyg", theirs)):
                    if mode == "fwd":
                        def run(mod=mod):
                            with torch.no_grad():
                                mod(x, index, dim_size=nodes)
                    else:
                        def run(mod=mod):
                            xx = x.detach().requires_grad_()
                            out = mod(xx, index, dim_size=nodes)
                            (G * out).sum().backward()
                    res[(mode, name)] = _best(run, repeat)
            for mode in ("fwd", "fwd+bwd"):
                a, b = res[(mode, "verify")], res[(mode, "pyg")]
                rows.append({"kind": kind, "dtype": dt, "mode": mode, "verify_s": a, "pyg_s": b, "ratio": a / b})
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="example: python benchmarks/bench_torch.py --edges 2000000 --repeat 3")
    ap.add_argument("--edges", type=int, default=200_000, help="number of edges E (default 200000)")
    ap.add_argument("--channels", type=int, default=64, help="channels C (default 64)")
    ap.add_argument("--nodes", type=int, default=None, help="segments (default E // 16)")
    ap.add_argument("--repeat", type=int, default=3, help="timings per measurement, minimum taken (default 3)")
    ap.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    ap.add_argument("--t", type=float, default=1.0, help="softmax t (default 1.0)")
    ap.add_argument("--q", type=float, default=3.3, help="power mean q (default 3.3)")
    ap.add_argument("--dtype", action="append", choices=["float32", "float64"],
                    help="dtype(s) to time (default both)")
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = ap.parse_args(argv)
    try:
        import torch_geometric  # noqa: F401
    except ImportError:
        print("bench_torch: torch_geometric is not installed; pip install torch_geometric", file=sys.stderr)
        return 2
    torch.set_num_threads(args.threads)
    nodes = args.nodes or max(1, args.edges // 16)
    rows = bench(args.edges, args.channels, nodes, args.repeat, args.t, args.q,
                 args.dtype or ["float32", "float64"])
    meta = {"edges": args.edges, "channels": args.channels, "nodes": nodes, "threads": args.threads,
            "torch": torch.__version__, "machine": platform.machine(), "processor": platform.processor()}
    if args.json:
        print(json.dumps({"meta": meta, "rows": rows}, indent=2))
        return 0
    print(f"E={args.edges} x C={args.channels}, {nodes} segments, unsorted index, {args.threads} threads, "
          f"torch {torch.__version__}; min of {args.repeat}")
    print(f"{'kind':11} {'dtype':8} {'mode':8} {'verify [s]':>11} {'pyg [s]':>9} {'verify/pyg':>11}")
    for r in rows:
        print(f"{r['kind']:11} {r['dtype']:8} {r['mode']:8} {r['verify_s']:11.4f} {r['pyg_s']:9.4f} "
              f"{r['ratio']:11.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
