"""BLAS threads of the current process.

Evidence runs in forked children, ``jobs`` at a time; each child's OpenBLAS would start as many threads as
there are cores, so parallel children oversubscribe the machine and small multithreaded ``matmul`` calls
slow down by an order of magnitude.  :func:`limit_blas_threads` sets every loaded OpenBLAS (numpy's and
scipy's, found through ``/proc/self/maps``) to a number of threads; without OpenBLAS it does nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
from typing import Any, Iterator


def _openblas_controls() -> list[tuple[Any, Any]]:
    """(set, get) function pairs of every OpenBLAS loaded in this process (found via /proc/self/maps)."""
    try:
        with open("/proc/self/maps", encoding="utf-8") as fh:
            paths = sorted({line.split()[-1] for line in fh if "openblas" in line.lower() and ".so" in line})
    except OSError:
        return []
    found = []
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for suffix in ("scipy_openblas_{}_num_threads64_", "scipy_openblas_{}_num_threads", "openblas_{}_num_threads64_",
                       "openblas_{}_num_threads"):
            setter, getter = suffix.format("set"), suffix.format("get")
            if hasattr(lib, setter) and hasattr(lib, getter):
                found.append((getattr(lib, setter), getattr(lib, getter)))
                break
    return found


def limit_blas_threads(n: int) -> int:
    """Set every loaded OpenBLAS to ``n`` threads; return how many libraries were set."""
    controls = _openblas_controls()
    for set_, _ in controls:
        set_(ctypes.c_int(n))
    return len(controls)


@contextlib.contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Run BLAS on one thread inside the block (restored afterwards).

    Evidence runs in parallel forked children on a shared machine; many small multithreaded ``matmul`` calls
    then oversubscribe the cores and slow down by an order of magnitude.  Without OpenBLAS this is a no-op.
    """
    controls = _openblas_controls()
    old = [int(get()) for _, get in controls]
    for set_, _ in controls:
        set_(ctypes.c_int(1))
    try:
        yield
    finally:
        for (set_, _), n in zip(controls, old):
            set_(ctypes.c_int(n))
