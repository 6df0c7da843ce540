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
from .progress import run_with_progress

EPILOG_MAIN = """\
examples:
  verify list                      every claim with its source in the seed and its recorded verdict
  verify list agg                  only the aggregation claims (any dotted prefix works)
  verify prove                     decide every claim; exit 1 if a verdict differs from the recorded one
  verify prove pe.score --jobs 2   decide the score claims of Ex 1a on two cores
  verify prove --json > out.json   machine-readable records (id, verdict, evidence, figures, seconds)
  verify prove --mutants           also check that every claim's mutants are killed by its evidence
  verify report -o build           decide everything once: the prove table, then LaTeX, figures, build/report.pdf
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
        description="Decide every claim and run every mutant once, print the table of `verify prove --mutants`, "
        "then write DIR/derivations/<topic>.tex, DIR/figures/*.pdf, DIR/report.tex and DIR/report.pdf (the PDF "
        "needs pdflatex; without it the .tex is left for you to compile). The report's first pages list what "
        "the seed gets wrong.",
        epilog="Example: `verify report -o verify-report` (about 2-3 minutes on two cores). Exit status: as "
        "`verify prove --mutants` (0 every verdict as recorded and every mutant killed, 1 otherwise), and 1 if "
        "pdflatex is installed but fails.",
    )
    rp.add_argument("-o", "--output", default="verify-report", metavar="DIR",
                    help="output folder (default: %(default)s)")
    rp.add_argument("--tex-only", action="store_true",
                    help="write only DIR/derivations/*.tex (what the repository commits in derivations/)")
    rp.add_argument("--jobs", "-j", type=_positive_int, default=min(2, os.cpu_count() or 1),
                    help="evidence checks run at once (default: %(default)s)")
    rp.add_argument("--no-progress", action="store_true", help="do not show the progress bar")

    from .check.cli import add_parser as add_check_parser

    add_check_parser(sub)
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
            from .check.cli import main as check_main

            return check_main(args)
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
    from .core.topic import select
    from .progress import print_list

    claims = select(args.selectors)
    if args.json:
        print(json.dumps([{"id": c.id, "source": c.source, "title": c.title, "recorded": c.recorded,
                           "statement": c.statement_text(), "condition": c.condition_text() or None,
                           "depth": c.depth or None, "depth_note": c.depth_note or None,
                           "mutants": [m.name for m in c.mutants]} for c in claims], indent=2, ensure_ascii=False))
        return 0
    print_list(claims)
    return 0


def _cmd_prove(args) -> int:
    from .core.topic import select
    from .progress import print_prove

    claims = select(args.selectors)
    mutant_results = []
    if args.mutants:
        results, mutant_results = run_with_progress(claims, args.jobs, not args.no_progress, mutants=True)
    else:
        results = run_with_progress(claims, args.jobs, not args.no_progress)
    if args.json:
        bad = [r for r in results if not r.ok or any(rec.status not in ("holds", "refuted") for rec in r.records)]
        survived = [m for m in mutant_results if not m.killed]
        out = [r.to_json() for r in results]
        if args.mutants:
            by_claim: dict = {}
            for m in mutant_results:
                by_claim.setdefault(m.claim.id, []).append(m.to_json())
            for rec in out:
                rec["mutants"] = by_claim.get(rec["id"], [])
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0 if not bad and not survived else 1
    return print_prove(results, mutant_results if args.mutants else None, claims, args.verbose)


def _cmd_report(args) -> int:
    from pathlib import Path

    from .progress import print_prove
    from .report.build import build_report

    out = Path(args.output)
    claims = []

    def show(results, mutant_results):  # the table and exit status of `verify prove --mutants`, from this run
        claims.extend(r.claim for r in results)
        return print_prove(results, mutant_results, claims)

    sections = [] if args.tex_only else [_third_party_section(args.jobs, not args.no_progress)]
    return build_report(out, jobs=args.jobs, tex_only=args.tex_only, progress=not args.no_progress,
                        sections=sections, on_results=show)


def _third_party_section(jobs: int, progress: bool):
    """The report's appendix "Third-party implementations": ``verify check`` run now on the seed's get_E,
    the textbook formulas, PyTorch Geometric's aggregations (when installed) and this package's own code."""
    from .check.survey import latex_table, survey
    from .report.build import ReportSection

    def tell(i, n, command):
        if progress:
            print(f"third-party survey [{i + 1}/{n}] {command}", file=sys.stderr, flush=True)

    rows = survey(progress=tell, jobs=jobs)
    intro = ("Each row is one run of \\texttt{verify check} made while this report was built (the figures depend "
             "on the machine, so they are not part of the committed derivations). \\emph{passed} counts the "
             "cases within tolerance; \\emph{what it gets wrong} is generated from the failing cases' names, "
             "statuses and diagnoses. Reproduce a row with the command in its \\emph{options} column, e.g. "
             "\\texttt{verify check power\\_mean pyg -{}-torch -{}-grad}.\n\n")
    return ReportSection("Third-party implementations", intro + latex_table(rows), "appendix")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
