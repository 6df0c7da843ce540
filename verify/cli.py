"""Command line: ``verify list``, ``verify prove``, ``verify report``.

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

EPILOG_MAIN = """\
examples:
  verify list                      every claim with its source in the seed and its recorded verdict
  verify list agg                  only the aggregation claims (any dotted prefix works)
  verify prove                     decide every claim; exit 1 if a verdict differs from the recorded one
  verify prove pe.score --jobs 2   decide the score claims of Ex 1a on two cores
  verify prove --json > out.json   machine-readable records (id, verdict, evidence, figures, seconds)
  verify report -o build           LaTeX derivations, figures and build/report.pdf

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
        epilog="exit status: 0 all verdicts as recorded; 1 some verdict differs or is undecided; 2 usage error",
    )
    pp.add_argument("selectors", nargs="*", metavar="ID|PREFIX",
                    help="claim ids or dotted prefixes; 'agg...' or 'agg*' also match by plain prefix")
    pp.add_argument("--json", action="store_true", help="print a JSON list of claim records on stdout")
    pp.add_argument("--jobs", "-j", type=_positive_int, default=min(2, os.cpu_count() or 1),
                    help="evidence checks run at once (default: %(default)s)")
    pp.add_argument("--no-progress", action="store_true", help="do not show the progress bar")
    pp.add_argument("--verbose", "-v", action="store_true", help="print every evidence detail")

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
    except UnknownClaim as exc:
        print(f"verify {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("verify: interrupted", file=sys.stderr)
        return 130
    except ValueError as exc:
        print(f"verify {args.command}: {exc}", file=sys.stderr)
        return 2
    parser.error(f"unknown command {args.command!r}")
    return 2


def _console(stderr: bool = False):
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else 160
    return Console(file=stream, width=width, highlight=False, soft_wrap=False)


def _cmd_list(args) -> int:
    from rich.table import Table

    from .core.topic import select

    claims = select(args.selectors)
    if args.json:
        print(json.dumps([{"id": c.id, "source": c.source, "title": c.title, "recorded": c.recorded,
                           "statement": c.statement_text()} for c in claims], indent=2, ensure_ascii=False))
        return 0
    table = Table(title=f"{len(claims)} claims", show_lines=False)
    for col in ("claim", "source", "recorded", "title"):
        table.add_column(col, overflow="fold")
    for c in claims:
        rec = c.recorded + (f" ({c.condition_text()})" if c.recorded == "holds_if" else "")
        table.add_row(c.id, c.source, rec, c.title)
    _console().print(table)
    return 0


def run_with_progress(claims, jobs: int, show: bool):
    """Run the evidence of ``claims`` with a progress bar on stderr (when it is a terminal)."""
    from .core.runner import run_evidence

    total = sum(len(c.evidence) for c in claims)
    if not show or not sys.stderr.isatty():
        return run_evidence(claims, jobs=jobs)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("[bold]proving"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.description}"), console=_console(stderr=True), transient=True) as prog:
        task = prog.add_task("", total=total)

        def tick(rec):
            prog.update(task, advance=1, description=rec.test_id)

        return run_evidence(claims, jobs=jobs, on_record=tick)


_MARK = {True: "[green]✓[/]", False: "[red]✗[/]"}
_VERDICT_STYLE = {"holds": "green", "refuted": "yellow", "holds_if": "cyan", "undecided": "red",
                  "inconsistent": "red"}


def _cmd_prove(args) -> int:
    from rich.markup import escape
    from rich.table import Table

    from .core.topic import select

    claims = select(args.selectors)
    results = run_with_progress(claims, args.jobs, not args.no_progress)
    bad = [r for r in results if not r.ok]
    if args.json:
        print(json.dumps([r.to_json() for r in results], indent=2, ensure_ascii=False))
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
        con = _console()
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
    return 0 if not bad else 1


def _cmd_report(args) -> int:
    from pathlib import Path

    from .report.build import build_report

    out = Path(args.output)
    return build_report(out, jobs=args.jobs, tex_only=args.tex_only, progress=not args.no_progress)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
