"""The ``verify check`` subcommand: its parser (:func:`add_parser`) and its body (:func:`main`)."""

from __future__ import annotations

import argparse
import json
import math
import sys

from ..cli import _positive_int
from .kinds import registry

CONVENTIONS = ("seed-formula", "seed-code", "transformer")

EPILOG = """\
KIND is one of
{kinds}

TARGET is one of
{builtins}
  package.module:func    your function, imported as `python -m` would (current directory first)
  path/to/file.py:func   your function, from a file
Aggregations are called as func(x, index, num_segments, t) for softmax (q for power_mean), x of shape
(E, C), index of shape (E,), and return shape (num_segments, C) (numpy, torch or list). When func has a
parameter `eta` it gets eta= explicitly, and cases at eta = 1/2, 1, -1 are added. A float32 case must
return float32 (status `dtype` otherwise).
Error model (--ulp counts these units): aggregations eps * scale * max(1, kappa), with scale =
max|m_u| |N|^eta the segment's scale and kappa = sum_u |dS/dm_u * m_u| / scale the condition of the case
from the high-precision reference (softmax: dS/dm_u = |N|^eta w_u (1 + t (m_u - S)), plus the rounding of
the log-weights, numbers of size |t| max|m_u|; power mean: kappa <= 1). Encodings: eps * max(1, |theta|),
theta the angle; f(n, p) is checked in float32 only when it has a `dtype=` parameter. The default
--convention is transformer.
Each call runs in its own process: a crash or a hang is reported, not fatal; after a timeout the target's
remaining cases are `not run` (neither passed nor failed: the timeout is the failure).

examples:
  verify check softmax naive                       see how the textbook formula fails
  verify check power_mean pyg --dtype float64      PyTorch Geometric's power mean
  verify check softmax my_gnn.aggr:softmax_agg --torch
  verify check softmax naive --case 't=1, |x|~700' --show   inputs, reference and output of one case
  verify check power_mean verify --list            the case names and what each catches
{more}
exit status: 0 every case within tolerance; 1 some case wrong, non-finite, of the wrong shape or dtype,
raised, crashed or timed out; 2 usage error (the message names the argument)"""


def _epilog() -> str:
    from .run import builtin_targets

    kinds = registry()
    kind_lines = "\n".join(f"  {k:<22} {v.summary}\n  {'':<22} called as {v.signature}" for k, v in kinds.items())
    by_name: dict[str, dict[str, list[str]]] = {}  # name -> description -> kinds
    for k, v in kinds.items():
        for name, desc in builtin_targets(v).items():
            by_name.setdefault(name, {}).setdefault(desc, []).append(k)
    lines = []
    for name, descs in by_name.items():
        for i, (desc, ks) in enumerate(descs.items()):
            which = "" if len(ks) == len(kinds) else f" [{', '.join(ks)}]"
            lines.append(f"  {name if i == 0 else '':<22} {desc}{which}")
    builtins = "\n".join(lines)
    more = []
    if "encoding" in kinds:
        more.append("  verify check encoding mymod:pos_enc --positions-first   (convention transformer, the default)")
        more.append("  verify check encoding seed --convention seed-code      the seed's get_E: exit 0")
        more.append("  verify check encoding seed --convention seed-formula   exit 1, diagnosed")
    more.append("  verify check softmax verify --torch --grad      gradients against closed forms")
    return EPILOG.format(kinds=kind_lines, builtins=builtins, more="\n".join(more))


def _positive_float(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not v > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return v


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``check`` to ``subparsers`` (of ``verify``'s parser); return the new parser."""
    kinds = registry()
    cp = subparsers.add_parser(
        "check", help="run your implementation against the high-precision references",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Call your implementation on named cases (ordinary inputs and the awkward ones: "
        "saturated and infinite parameters, ties, overflow-prone values, empty segments, float32, degree "
        "scaling eta; for encodings odd p, n = 1, large positions) and compare every output with an mpmath "
        "reference at 60 digits.",
        epilog=_epilog())
    cp.add_argument("kind", metavar="KIND", choices=list(kinds), help=f"what is checked: {', '.join(kinds)}")
    cp.add_argument("target", metavar="TARGET", nargs="?",
                    help="built-in name, package.module:function or path/file.py:function "
                    "(optional with --list)")
    cp.add_argument("--dtype", action="append", choices=["float64", "float32"],
                    help="dtype(s) to check (repeatable; default: both)")
    cp.add_argument("--ulp", type=_positive_float, default=16.0,
                    help="tolerance in error units, see below (default: %(default)s)")
    cp.add_argument("--timeout", type=_positive_float, default=10.0,
                    help="seconds allowed per call; after a timeout the remaining cases are not run "
                    "(default: %(default)s)")
    cp.add_argument("--torch", action="store_true", help="pass torch tensors instead of numpy arrays")
    cp.add_argument("--grad", action="store_true",
                    help="also check gradients w.r.t. x and the parameter (needs --torch; softmax, power_mean)")
    cp.add_argument("--convention", choices=CONVENTIONS,
                    help="encoding: which definition is the reference (default: transformer)")
    cp.add_argument("--positions-first", action="store_true",
                    help="encoding: func(n, p) returns n x p (positions first) instead of p x n")
    cp.add_argument("--case", metavar="TEXT", help="only the cases whose 'name [dtype]' contains TEXT")
    cp.add_argument("--show", action="store_true",
                    help="print each case's inputs, reference and output (and a raised error's traceback)")
    cp.add_argument("--list", action="store_true",
                    help="list the case names (with --case: the matching ones; with --json: as JSON) and exit; "
                    "without TARGET, every case a target can get")
    cp.add_argument("--json", action="store_true", help="print JSON records instead of a table")
    cp.add_argument("--jobs", "-j", type=_positive_int, default=1, help="cases run at once (default: 1)")
    return cp


def main(args) -> int:
    """Run ``verify check`` for parsed ``args``; return the exit status (0 pass, 1 a failing case, 2 usage)."""
    from .run import CheckError

    try:
        return _main(args)
    except CheckError as exc:
        print(f"verify check: {exc}", file=sys.stderr)
        return 2


def _fmt_array(a) -> str:
    import numpy as np

    with np.printoptions(precision=17, linewidth=120, threshold=2000):
        return str(np.asarray(a))


def _jnum(v):
    """A JSON-safe number: None stays None, NaN and infinities become strings ('nan', 'inf', '-inf')."""
    if v is None:
        return None
    v = float(v)
    return v if math.isfinite(v) else str(v)


def _list(args, dtypes) -> int:
    from .run import CheckError, get_kind, plan_check

    if args.target is not None:
        plan = plan_check(args.kind, args.target, dtypes, args.case, torch=args.torch, grad=args.grad,
                          convention=args.convention, positions_first=args.positions_first)
        cases = plan.cases
    else:  # every case a target can get: eta cases included (a target with an `eta` parameter)
        kind_obj = get_kind(args.kind)
        options = {"torch": args.torch, "grad": args.grad, "convention": args.convention,
                   "positions_first": args.positions_first, "eta": True}
        cases = [c for dt in dtypes for c in kind_obj.cases(dt, options)
                 if args.case is None or args.case in f"{c.name} [{c.dtype.name}]"]
        if not cases:
            raise CheckError(f"--case {args.case!r}: no case matches; `verify check {args.kind} --list` "
                             f"prints the names")
    if args.json:
        print(json.dumps([{"case": c.name, "dtype": c.dtype.name, "why": c.why} for c in cases], indent=2))
    else:
        for c in cases:
            print(f"{c.name} [{c.dtype.name}]  -- {c.why}")
    return 0


def _main(args) -> int:
    from rich.markup import escape
    from rich.table import Table

    from ..progress import console
    from .api import describe, repro_line, summary_line
    from .run import plan_check, run_cases

    dtypes = tuple(args.dtype or ("float64", "float32"))
    if args.kind != "encoding" and (args.convention or args.positions_first):
        flag = "--convention" if args.convention else "--positions-first"
        print(f"verify check: {flag} applies to KIND encoding only, not {args.kind}", file=sys.stderr)
        return 2
    if args.grad and not args.torch:
        print("verify check: --grad requires --torch (gradients are taken with torch.autograd)", file=sys.stderr)
        return 2
    if args.list:
        return _list(args, dtypes)
    if args.target is None:
        print(f"verify check: TARGET is required (only --list works without it), e.g. "
              f"`verify check {args.kind} verify`", file=sys.stderr)
        return 2
    plan = plan_check(args.kind, args.target, dtypes, args.case, torch=args.torch,
                      grad=args.grad, convention=args.convention, positions_first=args.positions_first)
    results = run_cases(plan, args.ulp, args.timeout, args.jobs)
    failed = [r for r in results if r.failed]
    nothing = not failed and not any(r.ok for r in results)
    status = 1 if failed else 2 if nothing else 0

    def line(r):
        return repro_line(args.kind, args.target, r, plan.options, args.ulp, args.timeout)

    if args.json:
        print(json.dumps([{"case": r.case.name, "dtype": r.case.dtype.name, "status": r.status,
                           "max_err_ulp": None if r.status in ("raised", "timeout", "not run", "shape")
                           else _jnum(r.max_err),
                           "where": list(r.where) if r.where is not None else None, "got": _jnum(r.got),
                           "expected": _jnum(r.expected), "message": r.message, "diagnosis": r.diagnosis,
                           "seconds": r.seconds, **({"reproduce": line(r)} if r.failed else {})}
                          for r in results], indent=2, allow_nan=False))
        if nothing:
            print("verify check: nothing was checked: every case was not run", file=sys.stderr)
        return status
    con = console()
    table = Table(title=escape(summary_line(args.kind, args.target, results, args.ulp)), show_lines=False)
    table.add_column("case", ratio=1, min_width=12)
    table.add_column("dtype", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("max err", justify="right", no_wrap=True)
    for r in results:
        style = "green" if r.ok else "red" if r.failed else "yellow"
        err = "" if r.status in ("raised", "timeout", "shape", "not run") or r.where is None else (
            "inf" if r.max_err == float("inf") else f"{r.max_err:.3g}")
        table.add_row(escape(r.case.name), r.case.dtype.name, f"[{style}]{r.status}[/]", err)
    con.print(table)
    con.print(escape(f"max err: in units of the case's error scale ({_UNIT_TEXT[args.kind]}); "
                     f"tolerance {args.ulp:g}"))
    not_run = [r for r in results if r.status == "not run"]
    if not_run:
        con.print(escape(f"{len(not_run)} not run: {not_run[0].message}"))
    if nothing:
        con.print("[red]nothing was checked: every case was not run[/]")
    if failed:
        con.print("\n[bold]failures[/] (message, diagnosis, and the line that reproduces each):")
        for r in failed:
            con.print(escape(f"- {describe(r)}"))
            con.print(escape(f"    {line(r)}"), soft_wrap=True)
    if args.show:
        for r in results:
            con.print(f"\n[bold]{escape(r.case.name)} [{r.case.dtype.name}][/]: {escape(r.case.why)}")
            con.print(escape("import numpy as np\n" + r.case.literal()))
            if not r.ok:
                con.print(escape(describe(r)))
            if r.traceback:
                con.print("traceback (last frames):")
                con.print(escape(r.traceback))
            if r.reference is not None:
                con.print("reference (60 digits, rounded):")
                con.print(escape(_fmt_array(r.reference)))
            if r.output is not None:
                con.print("output:")
                con.print(escape(_fmt_array(r.output)))
    return status


#: What "max err" counts in, per kind (the error models of verify.check.kinds and verify.check.encoding).
_UNIT_TEXT = {"softmax": "eps * scale * max(1, kappa), scale = max|m_u| |N|^eta, kappa the condition number",
              "power_mean": "eps * max|m_u| |N|^eta",
              "encoding": "eps * max(1, |theta|), theta the angle"}
