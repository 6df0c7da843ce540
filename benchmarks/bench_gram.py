"""Benchmark: closed-form Gram (``encoding_gram``) against building E and forming ``E.T @ E``.

    python benchmarks/bench_gram.py            # n in {256, 1024, 4096}, p in {256, 512}
    python benchmarks/bench_gram.py --quick    # n in {256, 1024}, p = 256, fewer repeats
    python benchmarks/bench_gram.py --json     # machine-readable rows

Each timing is the minimum over repeats (wall clock, ``time.perf_counter``).  The closed form costs
``O(n p + n^2)``, the direct route ``O(n p)`` for E plus ``O(n^2 p)`` for the product.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from verify.positional import encoding_gram, sinusoidal_encoding  # noqa: E402


def _best(fn, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def run(ns, ps, repeats: int, convention: str) -> list[dict]:
    rows = []
    for p in ps:
        for n in ns:
            def direct():
                E = sinusoidal_encoding(n, p, convention=convention)
                return E.T @ E

            def closed():
                return encoding_gram(n, p, convention=convention)

            err = float(np.abs(direct() - closed()).max())
            t_direct, t_closed = _best(direct, repeats), _best(closed, repeats)
            rows.append({"n": n, "p": p, "convention": convention, "direct_s": t_direct, "closed_s": t_closed,
                         "speedup": t_direct / t_closed, "max_abs_diff": err})
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, 2 repeats")
    ap.add_argument("--json", action="store_true", help="print JSON rows instead of a table")
    ap.add_argument("--convention", default="seed-code", help="encoding convention (default seed-code)")
    args = ap.parse_args(argv)
    ns, ps, repeats = ((256, 1024), (256,), 2) if args.quick else ((256, 1024, 4096), (256, 512), 5)
    rows = run(ns, ps, repeats, args.convention)
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    print(f"{'n':>6} {'p':>5} {'E.T@E (ms)':>11} {'closed (ms)':>12} {'speedup':>8} {'max|diff|':>10}")
    for r in rows:
        print(f"{r['n']:>6} {r['p']:>5} {1e3 * r['direct_s']:>11.2f} {1e3 * r['closed_s']:>12.2f} "
              f"{r['speedup']:>8.2f} {r['max_abs_diff']:>10.1e}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
