#!/usr/bin/env python
"""Benchmark of sparse repeated aggregation (verify.oversmoothing.propagate) on a large random graph.

Usage::

    python benchmarks/bench_oversmoothing.py [--edges 1000000 --nodes 50000 --channels 64 --layers 64]
    python benchmarks/bench_oversmoothing.py --quick          # 100k edges x 16 channels x 16 layers
    python benchmarks/bench_oversmoothing.py --json           # machine-readable output

The graph: ``--edges`` undirected edges between uniformly random distinct node pairs (duplicates merged,
weight = multiplicity), given to ``propagate`` as a scipy CSR matrix; self loops on (the default).
Everything is measured in one run and reported as ratios (machines are noisy); each time is the minimum
over ``--repeat`` runs, and the peak memory is measured in a separate run under ``tracemalloc`` (numpy
reports its buffers to it).  For each aggregation we report

* ``time``: ``propagate(A, X, L, aggregation)`` for ``L`` layers, per layer, and per layer over the
  ``bound``: one bare ``scipy.sparse`` product ``Ã @ X`` (the prebuilt CSR matrix, not timed to build)
  -- the cost floor of one linear layer;
* ``peak``: peak traced memory during the call, and the same minus the returned array
  (``(L + 1) n C`` numbers, which the API returns by design): the working memory.  The kernel-based
  aggregations hold one ``E x C`` message buffer (``E = nnz(Ã)``) plus the kernel's blocks.

A dense ``n x n`` operator would need ``8 n^2`` bytes (20 GB at the default ``n = 50000``); nothing here
forms one.  ``softmax`` and ``max`` go through the segment kernels (an ``E x C`` gather per layer), so they
run fewer layers (``--kernel-layers``).  At the end, the Dirichlet energy of one layer and the MAD over
the edges are timed on the same graph (``O(nnz C)`` each).
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import sys
import time
import tracemalloc

import numpy as np
import scipy
import scipy.sparse as sp

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from verify.oversmoothing import dirichlet_energy, mad, propagate  # noqa: E402
from verify.oversmoothing.graph import add_self_loops  # noqa: E402


def _best(fn, repeat):
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _peak(fn):
    gc.collect()
    tracemalloc.start()
    try:
        res = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    size = res.nbytes
    del res
    gc.collect()
    return peak, size


def random_graph(n, m, seed=0):
    """Symmetric CSR adjacency with ``m`` random undirected edges (no self loops) on ``n`` nodes."""
    rng = np.random.default_rng(seed)
    u = rng.integers(0, n, size=m)
    v = rng.integers(0, n - 1, size=m)
    v += v >= u                                   # distinct endpoints, uniform
    A = sp.coo_array((np.ones(m), (u, v)), shape=(n, n))
    A = sp.csr_array(A + A.T)
    A.sum_duplicates()
    A.sort_indices()
    return A


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--edges", type=int, default=1_000_000, help="undirected edges")
    ap.add_argument("--nodes", type=int, default=50_000)
    ap.add_argument("--channels", type=int, default=64)
    ap.add_argument("--layers", type=int, default=64)
    ap.add_argument("--kernel-layers", type=int, default=8, help="layers for softmax and max")
    ap.add_argument("--t", type=float, default=1.0, help="softmax inverse temperature")
    ap.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="100k edges, 10k nodes, 16 channels, 16 layers")
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    a = ap.parse_args(argv)
    if a.quick:
        a.edges, a.nodes, a.channels, a.layers, a.kernel_layers = 100_000, 10_000, 16, 16, 4
    n, C, L = a.nodes, a.channels, a.layers
    A = random_graph(n, a.edges)
    At = add_self_loops(A)
    dt = np.dtype(a.dtype)
    X = np.random.default_rng(1).random((n, C)).astype(dt)
    At_dt = sp.csr_array(At, dtype=dt)
    res = {"nodes": n, "undirected_edges": a.edges, "nnz_A": int(A.nnz), "nnz_A_tilde": int(At.nnz),
           "channels": C, "layers": L, "kernel_layers": a.kernel_layers, "dtype": a.dtype, "repeat": a.repeat,
           "machine": platform.machine(), "cpu_count": os.cpu_count(), "numpy": np.__version__,
           "scipy": scipy.__version__, "cases": {}}
    bound = _best(lambda: At_dt @ X, max(3, a.repeat))
    res["bound_spmm_s"] = bound
    cases = [("mean", L, {}), ("gcn", L, {}), ("softmax", a.kernel_layers, {"t": a.t}),
             ("max", a.kernel_layers, {})]
    for agg, layers, kw in cases:
        def run(agg=agg, layers=layers, kw=kw):
            return propagate(A, X, layers, agg, **kw)
        t = _best(run, a.repeat)
        peak, size = _peak(run)
        res["cases"][agg] = {"layers": layers, "time_s": t, "per_layer_s": t / layers,
                             "per_layer_over_bound": t / layers / bound, "peak_bytes": peak, "out_bytes": size,
                             "working_bytes": peak - size}
    out = propagate(A, X, 1, "mean")
    res["dirichlet_energy_s"] = _best(lambda: dirichlet_energy(A, out[1]), a.repeat)
    res["mad_edges_s"] = _best(lambda: mad(A, out[1]), a.repeat)
    res["mad_all_pairs_s"] = _best(lambda: mad(None, out[1]), a.repeat)
    del out
    res["ru_maxrss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    if a.json:
        print(json.dumps(res, indent=2))
        return res
    mb = 1 / 2 ** 20
    print(f"oversmoothing propagation benchmark: n={n:,} nodes, {a.edges:,} undirected edges "
          f"(nnz(A)={A.nnz:,}, nnz(A+I)={At.nnz:,}), C={C} channels, {a.dtype}, min of {a.repeat}")
    print(f"  bound: one bare CSR product (A+I) @ X = {bound * 1e3:.1f} ms;  "
          f"a dense n x n operator would take {8 * n * n / 2 ** 30:.1f} GiB")
    print(f"{'aggregation':<11} {'layers':>6} {'total [s]':>10} {'per layer [ms]':>15} {'layer/bound':>12} "
          f"{'peak [MiB]':>11} {'output [MiB]':>13} {'working [MiB]':>14}")
    for agg, r in res["cases"].items():
        print(f"{agg:<11} {r['layers']:>6} {r['time_s']:>10.2f} {r['per_layer_s'] * 1e3:>15.1f} "
              f"{r['per_layer_over_bound']:>12.2f} {r['peak_bytes'] * mb:>11.0f} {r['out_bytes'] * mb:>13.0f} "
              f"{r['working_bytes'] * mb:>14.0f}")
    print(f"measures on one layer: dirichlet_energy {res['dirichlet_energy_s'] * 1e3:.0f} ms, "
          f"mad over edges {res['mad_edges_s'] * 1e3:.0f} ms, mad over all pairs {res['mad_all_pairs_s'] * 1e3:.0f} ms")
    print(f"process peak RSS {res['ru_maxrss_bytes'] * mb:.0f} MiB")
    return res


if __name__ == "__main__":
    main()
