"""``verify check``: run a user's aggregation against the mpmath references, case by case.

The user's function is called as ``f(x, index, num_segments, t)`` (softmax) or
``f(x, index, num_segments, q)`` (power mean), with ``x`` of shape (E, C), ``index`` of shape (E,) and
``eta = 0``; it returns an array-like of shape (num_segments, C) (numpy array, torch tensor, list).
Each call runs in a forked child under a time limit, so a function that crashes the interpreter or
hangs is reported, not fatal.

Error measure: ``|got - ref| / spacing(scale)`` where ``scale`` is the segment's largest ``|m_u|``
in the checked dtype: errors in units in the last place *of the segment's scale*. A softmax or power
mean is a weighted average of the ``m_u``, so a backward-stable implementation is within a few such
units even where the result itself is close to zero after cancellation.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

import mpmath
import numpy as np

from ..core.budget import run_many
from .cases import CASES, KINDS, Case


class CheckError(ValueError):
    """A usage problem: unknown kind, a target that cannot be loaded, a bad option."""


@dataclass(frozen=True)
class CaseResult:
    case: Case
    status: str  # ok | wrong | nan | shape | raised | timeout
    max_err: float = 0.0  # in ULP of the segment scale
    where: tuple[int, int] | None = None
    got: float | None = None
    expected: float | None = None
    message: str = ""
    seconds: float = 0.0
    reference: np.ndarray | None = field(default=None, repr=False)
    output: np.ndarray | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


# --------------------------------------------------------------------------------------------- targets
def _builtin_verify(kind: str) -> Callable:
    from ..aggregation import kernels

    fn = kernels.softmax_aggregate if kind == "softmax" else kernels.power_mean_aggregate
    return lambda x, index, n, p: fn(x, index, n, p)


def _builtin_naive(kind: str) -> Callable:
    """The textbook formulas, unshifted and unscaled: what ``verify check`` is there to catch."""

    def softmax(x, index, n, t):
        num = np.zeros((n, x.shape[1]), x.dtype)
        den = np.zeros((n, x.shape[1]), x.dtype)
        with np.errstate(all="ignore"):  # the overflow is the point: it shows up as NaN/inf outputs
            w = np.exp(t * x)
            np.add.at(num, index, w * x)
            np.add.at(den, index, w)
            return np.where(den > 0, num / den, 0)

    def power_mean(x, index, n, q):
        s = np.zeros((n, x.shape[1]), x.dtype)
        c = np.zeros(n, x.dtype)
        with np.errstate(all="ignore"):
            np.add.at(s, index, x**q)
            np.add.at(c, index, 1)
            return np.where(c[:, None] > 0, (s / np.maximum(c, 1)[:, None]) ** (1 / q), 0)

    return softmax if kind == "softmax" else power_mean


def _builtin_pyg(kind: str) -> Callable:
    try:
        import torch
        from torch_geometric.nn import aggr
    except ImportError as exc:
        raise CheckError(f"target 'pyg' needs torch and torch_geometric ({exc}); "
                         f"pip install torch==2.13.0 torch_geometric") from None

    def run(x, index, n, p):
        xt, it = torch.from_numpy(np.ascontiguousarray(x)), torch.from_numpy(index.astype(np.int64))
        mod = aggr.SoftmaxAggregation(t=float(p), learn=False) if kind == "softmax" \
            else aggr.PowerMeanAggregation(p=float(p), learn=False)
        with torch.no_grad():
            return mod(xt, it, dim_size=n).numpy()

    return run


BUILTINS: dict[str, tuple[Callable[[str], Callable], str]] = {
    "verify": (_builtin_verify, "this package's kernels (verify.aggregation)"),
    "naive": (_builtin_naive, "the unshifted textbook formula with np.add.at (a deliberately fragile baseline)"),
    "pyg": (_builtin_pyg, "PyTorch Geometric's SoftmaxAggregation / PowerMeanAggregation (learn=False)"),
}


def load_target(kind: str, target: str, torch_inputs: bool = False) -> Callable:
    """Resolve ``target``: a built-in name, ``package.module:function`` or ``path/to/file.py:function``."""
    if kind not in KINDS:
        raise CheckError(f"unknown kind {kind!r}: choose one of {', '.join(KINDS)}")
    if target in BUILTINS:
        fn = BUILTINS[target][0](kind)
    else:
        if ":" not in target:
            raise CheckError(f"target {target!r} must be a built-in ({', '.join(BUILTINS)}), "
                             f"'package.module:function' or 'path/to/file.py:function'")
        mod_name, _, attr = target.rpartition(":")
        try:
            if mod_name.endswith(".py") or "/" in mod_name:
                path = Path(mod_name)
                if not path.is_file():
                    raise CheckError(f"target file {path} does not exist")
                spec = importlib.util.spec_from_file_location(f"verify_check_target_{path.stem}", path)
                module = importlib.util.module_from_spec(spec)
                sys.modules[spec.name] = module
                spec.loader.exec_module(module)
            else:
                module = importlib.import_module(mod_name)
        except CheckError:
            raise
        except Exception as exc:  # noqa: BLE001 - the user's module failed to import
            raise CheckError(f"could not import {mod_name!r}: {type(exc).__name__}: {exc}") from None
        fn = getattr(module, attr, None)
        if fn is None or not callable(fn):
            raise CheckError(f"{mod_name!r} has no callable {attr!r}")
        try:
            inspect.signature(fn).bind(None, None, None, None)
        except TypeError:
            raise CheckError(f"{target} must accept (x, index, num_segments, {KINDS[kind]})") from None
        except ValueError:
            pass  # builtins without a signature: just try
    if torch_inputs:
        return _torch_wrapper(fn)
    return fn


def _torch_wrapper(fn: Callable) -> Callable:
    def call(x, index, n, p):
        import torch

        return fn(torch.from_numpy(np.ascontiguousarray(x)), torch.from_numpy(index.astype(np.int64)), n, p)

    return call


def _as_numpy(out: Any) -> np.ndarray:
    if hasattr(out, "detach"):
        out = out.detach().cpu().numpy()
    return np.asarray(out)


# ------------------------------------------------------------------------------------------- references
def reference(kind: str, case: Case, dps: int = 60) -> np.ndarray:
    """The mpmath reference (object array of mpf), eta = 0, empty segments 0."""
    from ..aggregation import reference as ref

    fn = ref.softmax_aggregate_mp if kind == "softmax" else ref.power_mean_aggregate_mp
    n, c = case.num_segments, case.x.shape[1]
    out = np.empty((n, c), dtype=object)
    with mpmath.workdps(dps):
        for s in range(n):
            rows = case.x[case.index == s]
            for ch in range(c):
                out[s, ch] = fn([mpmath.mpf(float(v)) for v in rows[:, ch]], case.param, 0, dps=dps) \
                    if rows.shape[0] else mpmath.mpf(0)
    return out


def compare(kind: str, case: Case, got: np.ndarray, ref: np.ndarray) -> CaseResult:
    dt = case.dtype
    if got.shape != ref.shape:
        return CaseResult(case, "shape", message=f"returned shape {got.shape}, expected {ref.shape}")
    got = got.astype(np.float64) if got.dtype != dt else got
    bad = ~np.isfinite(got)
    if bad.any():
        s, ch = map(int, np.argwhere(bad)[0])
        return CaseResult(case, "nan", np.inf, (s, ch), float(got[s, ch]), float(ref[s, ch]),
                          f"{int(bad.sum())} non-finite outputs where the reference is finite")
    errs = np.zeros(got.shape)
    with mpmath.workdps(60):
        for s in range(got.shape[0]):
            rows = case.x[case.index == s]
            scale = float(np.max(np.abs(rows))) if rows.size else 0.0
            for ch in range(got.shape[1]):
                sc = scale if scale > 0 else float(abs(ref[s, ch]))
                unit = np.spacing(dt.type(sc)) if sc > 0 else np.finfo(dt).smallest_subnormal
                errs[s, ch] = float(abs(mpmath.mpf(float(got[s, ch])) - ref[s, ch]) / mpmath.mpf(float(unit)))
    s, ch = map(int, np.unravel_index(np.argmax(errs), errs.shape))
    return CaseResult(case, "ok", float(errs[s, ch]), (s, ch), float(got[s, ch]), float(ref[s, ch]),
                      reference=ref, output=got)


def run_check(kind: str, target: str, dtypes=("float64", "float32"), tol_ulp: float = 16.0,
              timeout: float = 10.0, torch_inputs: bool = False, case_filter: str | None = None,
              jobs: int = 1, on_result: Callable[[CaseResult], None] | None = None) -> list[CaseResult]:
    """Run every case of ``kind`` for each dtype through ``target``; return one result per case."""
    if not tol_ulp > 0:
        raise CheckError(f"--ulp must be positive, got {tol_ulp}")
    if not timeout > 0:
        raise CheckError(f"--timeout must be positive, got {timeout}")
    fn = load_target(kind, target, torch_inputs)
    cases: list[Case] = []
    for dt in dtypes:
        try:
            dtype = np.dtype(dt)
        except TypeError:
            raise CheckError(f"unknown dtype {dt!r}") from None
        if dtype not in (np.float32, np.float64):
            raise CheckError(f"dtype must be float32 or float64, got {dt!r}")
        cases += [c for c in CASES[kind](dtype) if case_filter is None or case_filter in f"{c.name} [{dtype.name}]"]
    if not cases:
        raise CheckError(f"no case matches {case_filter!r}; run `verify check {kind} {target} --list` for names")

    def call(case: Case):
        return lambda: _as_numpy(fn(case.x.copy(), case.index.copy(), case.num_segments, case.param))

    tasks = [(k, call(c), timeout) for k, c in enumerate(cases)]
    results: dict[int, CaseResult] = {}
    for k, fin in run_many(tasks, jobs=jobs):
        case = cases[k]
        if fin.status == "timeout":
            res = CaseResult(case, "timeout", message=f"no answer within {timeout:g} s", seconds=fin.seconds)
        elif fin.status == "error":
            res = CaseResult(case, "raised", message=fin.error.strip().splitlines()[0], seconds=fin.seconds)
        else:
            res = compare(kind, case, fin.value, reference(kind, case))
            res = replace(res, seconds=fin.seconds,
                          status="wrong" if res.status == "ok" and res.max_err > tol_ulp else res.status)
        results[k] = res
        if on_result:
            on_result(res)
    return [results[k] for k in range(len(cases))]
