"""Run callables under a wall-clock budget in forked child processes.

A SymPy computation cannot be interrupted from another thread, and ``signal.alarm`` only reaches
Python bytecode of the main thread.  Each piece of evidence therefore runs in a forked child; the parent
waits on a pipe with a deadline and kills the child when the deadline passes.  A killed child is a
``timeout``, never a pass.  ``run_many`` keeps up to ``jobs`` children alive at once.

The child inherits the parent's memory (``fork``), so the callable need not be picklable; only its
return value travels back through the pipe.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
import traceback
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any, Callable, Iterable, Iterator

_CTX = mp.get_context("fork")


@dataclass(frozen=True)
class Finished:
    """The result of one budgeted call."""

    status: str  # "ok", "timeout" or "error"
    value: Any = None
    error: str = ""
    seconds: float = 0.0


def budget_scale() -> float:
    """Multiplier for every budget, from ``VERIFY_BUDGET_SCALE`` (default 1; use >1 on slow machines)."""
    raw = os.environ.get("VERIFY_BUDGET_SCALE", "1")
    try:
        scale = float(raw)
    except ValueError:
        raise ValueError(f"VERIFY_BUDGET_SCALE must be a positive number, got {raw!r}") from None
    if not scale > 0:
        raise ValueError(f"VERIFY_BUDGET_SCALE must be a positive number, got {raw!r}")
    return scale


def _child(fn: Callable[[], Any], conn, blas_threads: int | None) -> None:  # pragma: no cover - in the child
    try:
        if blas_threads is not None:
            from .threads import limit_blas_threads

            limit_blas_threads(blas_threads)
        value = fn()
        try:
            conn.send(("ok", value, ""))
        except Exception as exc:  # unpicklable result
            conn.send(("error", None, f"result could not be sent back: {exc!r}"))
    except BaseException as exc:  # noqa: BLE001 - report everything, including SystemExit
        tb = traceback.format_exception(type(exc), exc, exc.__traceback__)
        conn.send(("error", None, f"{type(exc).__name__}: {exc}\n" + "".join(tb[-6:])))
    finally:
        conn.close()
        os._exit(0)


class _Running:
    def __init__(self, key: Any, fn: Callable[[], Any], budget: float, blas_threads: int | None = None):
        self.key = key
        self.budget = budget
        self.reader, writer = _CTX.Pipe(duplex=False)
        self.proc = _CTX.Process(target=_child, args=(fn, writer, blas_threads), daemon=True)
        self.start = time.perf_counter()
        self.proc.start()
        writer.close()
        self.deadline = self.start + budget

    def collect(self) -> Finished:
        seconds = time.perf_counter() - self.start
        try:
            status, value, error = self.reader.recv()
        except (EOFError, OSError):
            self.proc.join(1)
            code = self.proc.exitcode
            status, value, error = "error", None, f"the check's process died (exit code {code})"
        self.reader.close()
        self.proc.join()
        return Finished(status, value, error, seconds)

    def kill(self) -> Finished:
        self.proc.kill()
        self.proc.join()
        self.reader.close()
        return Finished("timeout", None, f"stopped after its budget of {self.budget:.3g} s", self.budget)


def run_with_budget(fn: Callable[[], Any], budget: float) -> Finished:
    """Run ``fn()`` in a forked child; return its value, or a timeout/error record."""
    return next(iter(run_many([(None, fn, budget)], jobs=1)))[1]


def run_many(
    tasks: Iterable[tuple[Any, Callable[[], Any], float]], jobs: int = 1
) -> Iterator[tuple[Any, Finished]]:
    """Run ``(key, fn, budget)`` tasks, at most ``jobs`` at once; yield ``(key, Finished)`` as they end.

    With several jobs, each child's BLAS gets ``max(1, cores // jobs)`` threads so that parallel
    children do not oversubscribe the cores.
    """
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    blas_threads = max(1, (os.cpu_count() or 1) // jobs) if jobs > 1 else None
    pending = iter(tasks)
    running: list[_Running] = []
    exhausted = False
    try:
        while True:
            while not exhausted and len(running) < jobs:
                try:
                    key, fn, budget = next(pending)
                except StopIteration:
                    exhausted = True
                    break
                running.append(_Running(key, fn, budget, blas_threads))
            if not running:
                return
            now = time.perf_counter()
            timeout = max(0.0, min(r.deadline for r in running) - now)
            ready = wait([r.reader for r in running], timeout=timeout)
            now = time.perf_counter()
            for r in list(running):
                if r.reader in ready:
                    running.remove(r)
                    yield r.key, r.collect()
                elif now >= r.deadline:
                    running.remove(r)
                    yield r.key, r.kill()
    finally:
        for r in running:  # interrupted (Ctrl-C, generator closed): leave no orphans
            r.proc.kill()
            r.proc.join()
