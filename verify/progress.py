"""Terminal output shared by the faces: a rich console and the evidence run with a progress bar."""

from __future__ import annotations

import sys


def console(stderr: bool = False):
    """A rich console on stdout (or stderr); 160 columns when the stream is not a terminal."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
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
