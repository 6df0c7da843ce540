"""Terminal output shared by the faces: a rich console and the evidence run with a progress bar."""

from __future__ import annotations

import sys


def console(stderr: bool = False):
    """A rich console on stdout (or stderr); 160 columns when the stream is not a terminal."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else 160
    return Console(file=stream, width=width, highlight=False, soft_wrap=False)


def run_with_progress(claims, jobs: int, show: bool):
    """Run the evidence of ``claims`` with a progress bar on stderr (when it is a terminal)."""
    from .core.runner import run_evidence

    total = sum(len(c.evidence) for c in claims)
    if not show or not sys.stderr.isatty():
        return run_evidence(claims, jobs=jobs)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("[bold]proving"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.description}"), console=console(stderr=True), transient=True) as prog:
        task = prog.add_task("", total=total)

        def tick(rec):
            prog.update(task, advance=1, description=rec.test_id)

        return run_evidence(claims, jobs=jobs, on_record=tick)
