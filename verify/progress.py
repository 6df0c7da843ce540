"""Terminal output shared by the faces: a rich console and the evidence run with a progress bar."""

from __future__ import annotations

import sys


def console(stderr: bool = False):
    """A rich console on stdout (or stderr): as wide as ``$COLUMNS`` when it is set, else the terminal's
    width, else (a pipe or a file) 160 columns."""
    import os

    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) >= 40:
        width = int(columns)
    else:
        width = None if stream.isatty() else 160
    return Console(file=stream, width=width, highlight=False, soft_wrap=False, emoji=False)


def run_with_progress(claims, jobs: int, show: bool, mutants: bool = False):
    """Run the evidence of ``claims`` (and, with ``mutants``, every mutant through the statement-bound
    evidence) with a progress bar on stderr when it is a terminal.  Returns the claim results, or
    ``(claim results, mutant results)`` with ``mutants``."""
    from .core.runner import iter_mutant_items, run_evidence, run_mutants

    total = sum(len(c.evidence) for c in claims)
    if mutants:
        total += sum(1 for _ in iter_mutant_items(claims))

    def go(tick=None):
        res = run_evidence(claims, jobs=jobs, on_record=tick)
        if not mutants:
            return res
        return res, run_mutants(claims, jobs=jobs, on_record=tick)

    if not show or not sys.stderr.isatty():
        return go()
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("[bold]proving"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.description}"), console=console(stderr=True), transient=True) as prog:
        task = prog.add_task("", total=total)

        def tick(rec):
            prog.update(task, advance=1, description=rec.test_id)

        return go(tick)


# --- plain text of claims, and the tables of ``verify list`` and ``verify prove`` -----------------------------


def plain(obj) -> str:
    """A statement or condition (SymPy statement, SymPy boolean or LaTeX string) as readable plain text:
    its LaTeX turned into Unicode text (``W_{KE}^T W_{QX}``, ``lim_{λ → ∞}``, ``‖X‖_F^2``), never raw LaTeX."""
    from .core.statement import Statement, condition_latex
    from .report.mathtext import latex_to_text

    if obj is None:
        return ""
    if isinstance(obj, Statement):
        return latex_to_text(obj.latex())
    return latex_to_text(condition_latex(obj))


_MARK = {True: "[green]✓[/]", False: "[red]✗[/]"}
_VERDICT_STYLE = {"holds": "green", "refuted": "yellow", "holds_if": "cyan", "undecided": "red",
                  "inconsistent": "red"}


def _id_width(ids) -> int:
    return max((len(i) for i in ids), default=10)


def list_table(claims):
    """The table of ``verify list``: claim id (never cut) with its source, recorded verdict, the title and
    the statement (and condition) in plain text, wrapped at word boundaries to the console width."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"{len(claims)} claims", show_lines=True)
    table.add_column("claim / source", min_width=_id_width(c.id for c in claims), overflow="fold")
    table.add_column("recorded", no_wrap=True)
    table.add_column("title and statement", overflow="fold", ratio=1)
    for c in claims:
        text = f"[bold]{escape(c.title)}[/]\n[dim]{escape(plain(c.statement))}[/]"
        if c.condition is not None:
            text += f"\n[cyan]if[/] {escape(plain(c.condition))}"
        table.add_row(f"{escape(c.id)}\n[dim]{escape(c.source)}[/]", c.recorded, text)
    return table


#: Below this many columns the tables become blocks: the id on its own line, the rest indented under it.
NARROW = 110


def _print_blocks(con, blocks) -> None:
    """Print ``(head, [lines])`` blocks: the head (claim id first) unwrapped, each line wrapped at word
    boundaries and indented by 4."""
    from rich.padding import Padding
    from rich.text import Text

    for head, lines in blocks:
        con.print(Text.from_markup(head), overflow="ignore", crop=False)
        for line in lines:
            con.print(Padding(Text.from_markup(line), (0, 0, 0, 4)))


def print_list(claims) -> None:
    """``verify list``: a table, or blocks on a console narrower than :data:`NARROW` columns."""
    from rich.markup import escape

    con = console()
    if con.width >= NARROW:
        con.print(list_table(claims))
        return
    con.print(f"[bold]{len(claims)} claims[/]")
    blocks = []
    for c in claims:
        lines = [f"[dim]{escape(c.source)}[/]", f"[bold]{escape(c.title)}[/]", escape(plain(c.statement))]
        if c.condition is not None:
            lines.append(f"[cyan]if[/] {escape(plain(c.condition))}")
        blocks.append((f"[bold]{escape(c.id)}[/]  {c.recorded}", lines))
    _print_blocks(con, blocks)


def prove_table(results):
    """The table of ``verify prove``: claim id (never cut), computed verdict (and the recorded one where
    they differ), the statement in plain text and every piece of evidence with its figure."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"verify prove: {len(results)} claims", show_lines=True)
    table.add_column("claim / source", min_width=_id_width(r.claim.id for r in results), overflow="fold")
    table.add_column("verdict", no_wrap=True)
    table.add_column("statement; evidence", overflow="fold", ratio=1)
    table.add_column("s", justify="right", no_wrap=True)
    for r in results:
        c = r.claim
        style = _VERDICT_STYLE.get(r.verdict, "")
        verdict = f"[{style}]{r.verdict}[/]" + ("" if r.ok else f"\n[red bold]≠ recorded[/]\n[red]{c.recorded}[/]")
        lines = [f"[dim]{escape(plain(c.statement))}[/]"]
        if c.condition is not None:
            lines.append(f"[cyan]if[/] {escape(plain(c.condition))}")
        lines += [f"{_MARK[rec.agrees]} {escape(rec.key)}: {escape(rec.figure)}" for rec in r.records]
        table.add_row(f"{escape(c.id)}\n[dim]{escape(c.source)}[/]", verdict, "\n".join(lines), f"{r.seconds:.1f}")
    return table


def print_prove(results, mutant_results=None, claims=(), verbose: bool = False) -> int:
    """Print the table of ``verify prove`` (and, given ``mutant_results``, the mutants); return its exit
    status: 0 when every verdict is as recorded and every piece of evidence decided (and every mutant
    killed), else 1."""
    from rich.markup import escape

    bad = [r for r in results if not r.ok or any(rec.status not in ("holds", "refuted") for rec in r.records)]
    survived = [m for m in (mutant_results or []) if not m.killed]
    con = console()
    if con.width >= NARROW:
        con.print(prove_table(results))
    else:
        con.print(f"[bold]verify prove: {len(results)} claims[/]")
        blocks = []
        for r in results:
            c = r.claim
            style = _VERDICT_STYLE.get(r.verdict, "")
            head = (f"[bold]{escape(c.id)}[/]  [{style}]{r.verdict}[/]"
                    + ("" if r.ok else f" [red bold]≠ recorded {c.recorded}[/]") + f"  {r.seconds:.1f} s")
            lines = [f"[dim]{escape(c.source)}: {escape(plain(c.statement))}[/]"]
            if c.condition is not None:
                lines.append(f"[cyan]if[/] {escape(plain(c.condition))}")
            lines += [f"{_MARK[rec.agrees]} {escape(rec.key)}: {escape(rec.figure)}" for rec in r.records]
            blocks.append((head, lines))
        _print_blocks(con, blocks)
    n_ev = sum(len(r.records) for r in results)
    n_ok = sum(rec.agrees for r in results for rec in r.records)
    summary = f"{len(results) - len(bad)}/{len(results)} verdicts as recorded; {n_ok}/{n_ev} evidence agree"
    con.print(f"[{'green' if not bad else 'red'} bold]{summary}[/]")
    if bad or verbose:
        for r in results:
            for rec in r.records:
                if verbose or not rec.agrees:
                    con.print(f"\n[bold]{escape(rec.test_id)}[/] {rec.status} (expected {rec.expected}): "
                              f"{escape(rec.figure)}")
                    if rec.detail:
                        con.print(escape(rec.detail))
    if mutant_results is not None:
        print_mutants(con, mutant_results, claims, verbose)
    return 0 if not bad and not survived else 1


def print_mutants(con, mutant_results, claims, verbose: bool) -> None:
    """The mutants that survived (all of them with ``verbose``) and the kill count."""
    from rich.markup import escape
    from rich.table import Table

    killed = sum(m.killed for m in mutant_results)
    without = [c.id for c in claims if not c.mutants]
    table = Table(title=f"mutants: {killed}/{len(mutant_results)} killed", show_lines=True)
    table.add_column("claim / mutant", min_width=_id_width(m.claim.id for m in mutant_results), overflow="fold")
    table.add_column("how it differs", overflow="fold", ratio=1)
    table.add_column("expected / decided", no_wrap=True)
    table.add_column("decisive evidence", overflow="fold", ratio=1)
    blocks = []
    for m in mutant_results:
        if m.killed and not verbose:
            continue
        mark = "[green]killed[/]" if m.killed else "[red bold]survived[/]"
        blocks.append((f"[bold]{escape(m.claim.id)}[/] mutant:{escape(m.mutant.name)}  expected {m.expected}, "
                       f"decided {m.verdict} {mark}", [escape(m.mutant.why), escape(m.summary())]))
        table.add_row(f"{escape(m.claim.id)}\n[dim]mutant:{escape(m.mutant.name)}[/]", escape(m.mutant.why),
                      f"{m.expected}\n{m.verdict} {mark}", escape(m.summary()))
    if table.row_count and con.width >= NARROW:
        con.print(table)
    elif blocks:
        con.print(f"[bold]mutants: {killed}/{len(mutant_results)} killed[/]")
        _print_blocks(con, blocks)
    for m in mutant_results:
        if not m.killed:
            con.print(f"survived: {escape(m.test_id)}", overflow="ignore", crop=False)
            con.print(f"  rerun: python -m pytest 'tests/test_claims.py::{escape(m.test_id)}'", overflow="ignore",
                      crop=False)
    rate = f"{killed}/{len(mutant_results)}" if mutant_results else "0/0"
    con.print(f"[{'green' if killed == len(mutant_results) else 'red'} bold]mutants killed: {rate}[/]"
              + (f"; {len(without)} claims without a mutant: {', '.join(without)}" if without else ""))
