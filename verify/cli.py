"""Command line: ``verify list``, ``verify prove``, ``verify report``, ``verify check``.

Exit status: 0 when every computed verdict equals the recorded one (``prove``) or the report was
written; 1 when some verdict differs or some evidence was undecided/timed out/errored; 2 for a usage
error (unknown claim id, bad option).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Sequence

from . import __version__
from .progress import console, run_with_progress

EPILOG_MAIN = """\
examples:
  verify list                      every claim with its source in the seed and its recorded verdict
  verify list agg                  only the aggregation claims (any dotted prefix works)
  verify prove                     decide every claim; exit 1 if a verdict differs from the recorded one
  verify prove pe.score --jobs 2   decide the score claims of Ex 1a on two cores
  verify prove --json > out.json   machine-readable records (id, verdict, evidence, figures, seconds)
  verify prove --mutants           also check that every claim's mutants are killed by its evidence
  verify report -o build           LaTeX derivations, figures and build/report.pdf
  verify check softmax mymod:agg   run your softmax aggregation against the mpmath references

Each claim is a statement or code cell of the seed worksheet. Its verdict is computed from evidence:
exact SymPy proofs (every derivation step checked), mpmath precision ladders (>= 50 digits), numpy
cross-checks per dtype (error in ULP) and concrete counterexamples. Every piece of evidence runs in its
own process under a time budget; a timeout counts as undecided, never as a pass.
Set VERIFY_BUDGET_SCALE=2 to double every budget on a slow machine.
"""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="verify",
        description="Decide the claims of the seed worksheet (positional encodings, GNN aggregations) "
        "from computed evidence.",
        epilog=EPILOG_MAIN,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"verify {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    lp = sub.add_parser("list", help="list claims (id, source, recorded verdict, title)",
                        description="List the claims, optionally only those matching ids or dotted prefixes.")
    lp.add_argument("selectors", nargs="*", metavar="ID|PREFIX", help="claim ids or dotted prefixes (pe, agg.seed)")
    lp.add_argument("--json", action="store_true", help="print JSON instead of a table")

    pp = sub.add_parser(
        "prove", help="decide claims from evidence and print the table",
        description="Run every piece of evidence of the selected claims (each in its own process under "
        "its time budget) and compare the computed verdict with the recorded one.",
        epilog="exit status: 0 all verdicts as recorded (and, with --mutants, every mutant killed); 1 some verdict "
        "differs, some evidence is undecided, or a mutant survived; 2 usage error",
    )
    pp.add_argument("selectors", nargs="*", metavar="ID|PREFIX",
                    help="claim ids or dotted prefixes; 'agg...' or 'agg*' also match by plain prefix")
    pp.add_argument("--json", action="store_true", help="print a JSON list of claim records on stdout")
    pp.add_argument("--jobs", "-j", type=_positive_int, default=min(2, os.cpu_count() or 1),
                    help="evidence checks run at once (default: %(default)s)")
    pp.add_argument("--no-progress", action="store_true", help="do not show the progress bar")
    pp.add_argument("--verbose", "-v", action="store_true", help="print every evidence detail")
    pp.add_argument("--mutants", action="store_true",
                    help="also run every claim's mutants (its statement changed the way the seed goes wrong) "
                    "through the same evidence; each must be decided differently from the original (killed)")

    rp = sub.add_parser(
        "report", help="write LaTeX derivations, figures and the PDF report",
        description="Decide every claim, then write DIR/derivations/<topic>.tex, DIR/figures/*.pdf, "
        "DIR/report.tex and DIR/report.pdf (the PDF needs pdflatex; without it the .tex is left "
        "for you to compile).",
    )
    rp.add_argument("-o", "--output", default="verify-report", metavar="DIR",
                    help="output folder (default: %(default)s)")
    rp.add_argument("--tex-only", action="store_true",
                    help="write only DIR/derivations/*.tex (what the repository commits in derivations/)")
    rp.add_argument("--jobs", "-j", type=_positive_int, default=min(2, os.cpu_count() or 1),
                    help="evidence checks run at once (default: %(default)s)")
    rp.add_argument("--no-progress", action="store_true", help="do not show the progress bar")

    cp = sub.add_parser(
        "check", help="run your aggregation against the high-precision references",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Call your implementation on named cases (ordinary neighbourhoods and the awkward ones: "
        "saturated and infinite parameters, ties, overflow-prone values, empty segments, float32) and "
        "compare every output with an mpmath reference at 60 digits.",
        epilog="""\
TARGET is one of
  verify                 this package's kernels
  naive                  the unshifted textbook formula (shows what the check catches)
  pyg                    PyTorch Geometric's SoftmaxAggregation / PowerMeanAggregation
  package.module:func    your function, importable
  path/to/file.py:func   your function, from a file
Your function is called as func(x, index, num_segments, t) for softmax (q for power_mean), x of shape
(E, C), index of shape (E,), eta = 0, and returns shape (num_segments, C) (numpy, torch or list).
Errors are in ULP of the segment's scale max|m_u| (a weighted average is within a few of them when it
is computed stably). Each call runs in its own process: a crash or a hang is reported, not fatal.

examples:
  verify check softmax naive                       see how the textbook formula fails
  verify check power_mean pyg --dtype float64      PyTorch Geometric's power mean
  verify check softmax my_gnn.aggr:softmax_agg --torch
  verify check softmax naive --case 't=1, |x|~700' --show   inputs and outputs of one case
exit status: 0 every case within tolerance; 1 some case wrong, crashed or timed out; 2 usage error""")
    cp.add_argument("kind", choices=["softmax", "power_mean"], help="which aggregation")
    cp.add_argument("target", help="built-in name, package.module:function or path/file.py:function")
    cp.add_argument("--dtype", action="append", choices=["float64", "float32"],
                    help="dtype(s) to check (repeatable; default both)")
    cp.add_argument("--ulp", type=float, default=16.0, help="tolerance in ULP of the segment scale "
                    "(default: %(default)s)")
    cp.add_argument("--timeout", type=float, default=10.0, help="seconds allowed per call (default: %(default)s)")
    cp.add_argument("--torch", action="store_true", help="pass torch tensors instead of numpy arrays")
    cp.add_argument("--case", metavar="TEXT", help="only the cases whose name contains TEXT")
    cp.add_argument("--show", action="store_true", help="print each case's inputs, reference and output")
    cp.add_argument("--list", action="store_true", help="list the case names and exit")
    cp.add_argument("--json", action="store_true", help="print JSON records instead of a table")
    cp.add_argument("--jobs", "-j", type=_positive_int, default=1, help="cases run at once (default: 1)")
    return p


def _positive_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {v}")
    return v


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    from .core.topic import UnknownClaim

    try:
        if args.command == "list":
            return _cmd_list(args)
        if args.command == "prove":
            return _cmd_prove(args)
        if args.command == "report":
            return _cmd_report(args)
        if args.command == "check":
            return _cmd_check(args)
    except UnknownClaim as exc:
        print(f"verify {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("verify: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and closed: not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except ValueError as exc:  # includes verify.check.CheckError
        print(f"verify {args.command}: {exc}", file=sys.stderr)
        return 2
    parser.error(f"unknown command {args.command!r}")
    return 2


def _cmd_list(args) -> int:
    from rich.table import Table

    from .core.topic import select

    claims = select(args.selectors)
    if args.json:
        print(json.dumps([{"id": c.id, "source": c.source, "title": c.title, "recorded": c.recorded,
                           "statement": c.statement_text(), "condition": c.condition_text() or None,
                           "depth": c.depth or None, "depth_note": c.depth_note or None,
                           "mutants": [m.name for m in c.mutants]} for c in claims], indent=2, ensure_ascii=False))
        return 0
    table = Table(title=f"{len(claims)} claims", show_lines=False)
    for col in ("claim", "source", "recorded", "title"):
        table.add_column(col, overflow="fold")
    for c in claims:
        rec = c.recorded + (f" ({c.condition_text()})" if c.recorded == "holds_if" else "")
        table.add_row(c.id, c.source, rec, c.title)
    console().print(table)
    return 0


_MARK = {True: "[green]✓[/]", False: "[red]✗[/]"}
_VERDICT_STYLE = {"holds": "green", "refuted": "yellow", "holds_if": "cyan", "undecided": "red",
                  "inconsistent": "red"}


def _cmd_prove(args) -> int:
    from rich.markup import escape
    from rich.table import Table

    from .core.topic import select

    claims = select(args.selectors)
    mutant_results = []
    if args.mutants:
        results, mutant_results = run_with_progress(claims, args.jobs, not args.no_progress, mutants=True)
    else:
        results = run_with_progress(claims, args.jobs, not args.no_progress)
    bad = [r for r in results if not r.ok or any(rec.status not in ("holds", "refuted") for rec in r.records)]
    survived = [m for m in mutant_results if not m.killed]
    if args.json:
        out = [r.to_json() for r in results]
        if args.mutants:
            by_claim: dict = {}
            for m in mutant_results:
                by_claim.setdefault(m.claim.id, []).append(m.to_json())
            for rec in out:
                rec["mutants"] = by_claim.get(rec["id"], [])
        print(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        table = Table(title=f"verify prove: {len(results)} claims", show_lines=True)
        table.add_column("claim", overflow="fold", max_width=34)
        table.add_column("source", overflow="fold", max_width=16)
        table.add_column("recorded", overflow="fold")
        table.add_column("verdict", overflow="fold")
        table.add_column("evidence", overflow="fold")
        table.add_column("s", justify="right")
        for r in results:
            style = _VERDICT_STYLE.get(r.verdict, "")
            ev = "\n".join(f"{_MARK[rec.agrees]} {escape(rec.key)}: {escape(rec.figure)}" for rec in r.records)
            verdict = f"[{style}]{r.verdict}[/]" + ("" if r.ok else " [red bold](≠ recorded)[/]")
            table.add_row(escape(r.claim.id), escape(r.claim.source), r.claim.recorded, verdict, ev,
                          f"{r.seconds:.1f}")
        con = console()
        con.print(table)
        n_ev = sum(len(r.records) for r in results)
        n_ok = sum(rec.agrees for r in results for rec in r.records)
        summary = f"{len(results) - len(bad)}/{len(results)} verdicts as recorded; {n_ok}/{n_ev} evidence agree"
        con.print(f"[{'green' if not bad else 'red'} bold]{summary}[/]")
        if bad or args.verbose:
            for r in results:
                for rec in r.records:
                    if args.verbose or not rec.agrees:
                        con.print(f"\n[bold]{escape(rec.test_id)}[/] {rec.status} (expected {rec.expected}): "
                                  f"{escape(rec.figure)}")
                        if rec.detail:
                            con.print(escape(rec.detail))
        if args.mutants:
            _print_mutants(con, mutant_results, claims, args.verbose)
    return 0 if not bad and not survived else 1


def _print_mutants(con, mutant_results, claims, verbose: bool) -> None:
    from rich.markup import escape
    from rich.table import Table

    killed = sum(m.killed for m in mutant_results)
    without = [c.id for c in claims if not c.mutants]
    table = Table(title=f"mutants: {killed}/{len(mutant_results)} killed", show_lines=False)
    for col in ("mutant", "how it differs", "expected", "decided", "decisive evidence"):
        table.add_column(col, overflow="fold")
    for m in mutant_results:
        if m.killed and not verbose:
            continue
        mark = "[green]killed[/]" if m.killed else "[red bold]survived[/]"
        table.add_row(escape(m.test_id), escape(m.mutant.why), m.expected, f"{m.verdict} {mark}",
                      escape(m.summary()))
    if table.row_count:
        con.print(table)
    rate = f"{killed}/{len(mutant_results)}" if mutant_results else "0/0"
    con.print(f"[{'green' if killed == len(mutant_results) else 'red'} bold]mutants killed: {rate}[/]"
              + (f"; {len(without)} claims without a mutant: {', '.join(without)}" if without else ""))


def _cmd_report(args) -> int:
    from pathlib import Path

    from .report.build import build_report

    out = Path(args.output)
    return build_report(out, jobs=args.jobs, tex_only=args.tex_only, progress=not args.no_progress)


def _cmd_check(args) -> int:
    from rich.markup import escape
    from rich.table import Table

    from .check import CASES, run_check

    dtypes = tuple(args.dtype or ("float64", "float32"))
    if args.list:
        for dt in dtypes:
            for c in CASES[args.kind](dt):
                print(f"{c.name} [{dt}]  -- {c.why}")
        return 0
    results = run_check(args.kind, args.target, dtypes=dtypes, tol_ulp=args.ulp, timeout=args.timeout,
                        torch_inputs=args.torch, case_filter=args.case, jobs=args.jobs)
    failed = [r for r in results if not r.ok]
    if args.json:
        print(json.dumps([{"case": r.case.name, "dtype": r.case.dtype.name, "status": r.status,
                           "max_err_ulp": None if r.max_err == float("inf") else r.max_err,
                           "where": r.where, "got": r.got, "expected": r.expected, "message": r.message}
                          for r in results], indent=2))
        return 0 if not failed else 1
    con = console()
    table = Table(title=f"verify check {args.kind} {args.target}: {len(results) - len(failed)}/{len(results)} "
                  f"cases within {args.ulp:g} ULP", show_lines=False)
    for col in ("case", "dtype", "status", "max err (ULP)", "worst: segment, channel: got vs expected"):
        table.add_column(col, overflow="fold")
    for r in results:
        style = "green" if r.ok else "red"
        err = "" if r.status in ("raised", "timeout", "shape") else ("inf" if r.max_err == float("inf")
                                                                      else f"{r.max_err:.3g}")
        where = escape(r.message) if r.where is None else (
            f"[{r.where[0]}, {r.where[1]}]: {r.got!r} vs {r.expected!r}")
        table.add_row(escape(r.case.name), r.case.dtype.name, f"[{style}]{r.status}[/]", err, where)
    con.print(table)
    if failed:
        con.print("[bold]reproduce a failing case (inputs, reference, output):[/]")
        for r in failed:
            con.print(escape(f"  verify check {args.kind} {args.target} --case '{r.case.name} [{r.case.dtype.name}]' "
                             f"--show{' --torch' if args.torch else ''}"))
    if args.show:
        import numpy as np

        with np.printoptions(precision=17, linewidth=120):
            for r in results:
                con.print(f"\n[bold]{escape(r.case.name)} [{r.case.dtype.name}][/]: {escape(r.case.why)}")
                con.print(escape("import numpy as np\n" + r.case.literal()))
                if r.reference is not None:
                    con.print("reference (60 digits, rounded):")
                    con.print(escape(str(r.reference.astype(float))))
                    con.print("output:")
                    con.print(escape(str(r.output)))
                elif r.message:
                    con.print(escape(r.message))
    return 0 if not failed else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
