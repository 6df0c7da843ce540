"""The kinds ``verify check`` knows, and the two aggregation kinds (softmax, power mean).

A *kind* (the protocol of /work/check_protocol.md, summarised in :class:`Kind`) says how a target is
called, which named cases it runs on, how the high-precision reference is computed and how an output is
compared with it.  :func:`registry` returns every kind: ``softmax`` and ``power_mean`` (here) and
``encoding`` (``verify.check.encoding.ENCODING``, when that module is installed).

The aggregation target is called as ``f(x, index, num_segments, t)`` (softmax) or
``f(x, index, num_segments, q)`` (power mean), ``x`` of shape (E, C), ``index`` of shape (E,); when its
signature has a parameter ``eta``, it is passed ``eta=`` explicitly (0 for the ordinary cases, and the
cases at eta in {1/2, 1, -1} are added).  Error measure: ``|got - ref| / unit`` with ``unit = eps *
scale * max(1, kappa)`` (:func:`error_units`): ``scale`` the segment's largest ``|m_u|`` times ``|N|^eta``
and ``kappa`` the condition of the entry, computed from the high-precision reference, so that a
backward-stable implementation is within a few units also where the case is ill-conditioned (the softmax
at large ``|t| * spread(m)``).  Diagnoses are decided from the output: degree scaling first (output /
reference a power of ``|N|``), then, at an infinite parameter, whether the output is the segment extreme.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
from typing import Any, Callable, Protocol

import mpmath
import numpy as np

from .cases import CASES, KINDS as PARAMS, Case, eta_cases, output_array as _as_numpy


class Kind(Protocol):  # pragma: no cover - a description, implemented by the kind objects
    name: str
    summary: str
    signature: str

    def validate_target(self, fn: Callable, options: dict) -> None: ...
    def cases(self, dtype: np.dtype, options: dict) -> list: ...
    def call(self, fn: Callable, case: Any, options: dict) -> Callable[[], object]: ...
    def reference(self, case: Any, options: dict) -> object: ...
    def compare(self, case: Any, got: object, ref: object, tol_ulp: float, options: dict): ...


def grad_module():
    """``verify.check.grad`` when installed (the gradient cases of ``--grad``), else None."""
    if importlib.util.find_spec("verify.check.grad") is None:
        return None
    return importlib.import_module("verify.check.grad")


def accepts_eta(fn: Callable) -> bool:
    """True when ``fn`` has a parameter named ``eta`` that can be passed by keyword."""
    try:
        par = inspect.signature(fn).parameters.get("eta")
    except (TypeError, ValueError):
        return False
    return par is not None and par.kind in (par.POSITIONAL_OR_KEYWORD, par.KEYWORD_ONLY)


# --------------------------------------------------------------------------------------------- built-ins
def _builtin_verify(kind: str) -> Callable:
    from ..aggregation import kernels

    fn = kernels.softmax_aggregate if kind == "softmax" else kernels.power_mean_aggregate

    def verify_kernel(x, index, num_segments, p, eta=0.0):
        return fn(x, index, num_segments, p, eta)

    return verify_kernel


def _builtin_naive(kind: str) -> Callable:
    """The textbook formulas, unshifted and unscaled: what ``verify check`` is there to catch."""

    def softmax(x, index, n, t, eta=0.0):
        num = np.zeros((n, x.shape[1]), x.dtype)
        den = np.zeros((n, x.shape[1]), x.dtype)
        cnt = np.bincount(index, minlength=n).astype(x.dtype)
        with np.errstate(all="ignore"):  # the overflow is the point: it shows up as NaN/inf outputs
            w = np.exp(t * x)
            np.add.at(num, index, w * x)
            np.add.at(den, index, w)
            return np.where(den > 0, num / den * np.where(cnt > 0, cnt, 1)[:, None] ** eta, 0)

    def power_mean(x, index, n, q, eta=0.0):
        s = np.zeros((n, x.shape[1]), x.dtype)
        c = np.zeros(n, x.dtype)
        with np.errstate(all="ignore"):
            np.add.at(s, index, x**q)
            np.add.at(c, index, 1)
            c1 = np.maximum(c, 1)[:, None]
            return np.where(c[:, None] > 0, (s / c1) ** (1 / q) * c1**eta, 0)

    return softmax if kind == "softmax" else power_mean


def _builtin_pyg(kind: str) -> Callable:
    try:
        import torch
        from torch_geometric.nn import aggr
    except ImportError as exc:
        from .run import CheckError

        raise CheckError(f"TARGET 'pyg' needs torch and torch_geometric ({exc}); "
                         f"pip install torch torch_geometric") from None

    def pyg(x, index, n, p):
        xt, it = torch.from_numpy(np.ascontiguousarray(x)), torch.from_numpy(index.astype(np.int64))
        mod = aggr.SoftmaxAggregation(t=float(p), learn=False) if kind == "softmax" \
            else aggr.PowerMeanAggregation(p=float(p), learn=False)
        with torch.no_grad():
            return mod(xt, it, dim_size=n).numpy()

    return pyg


# ------------------------------------------------------------------------------------------ the kind
class AggregationKind:
    """``softmax`` or ``power_mean``: a segment-wise aggregation ``f(x, index, num_segments, p[, eta])``."""

    builtins = {
        "verify": "this package's kernels (verify.aggregation.kernels; with --torch the verify.torch modules)",
        "naive": "the unshifted textbook formula with np.add.at (a deliberately fragile baseline)",
        "pyg": "PyTorch Geometric's SoftmaxAggregation / PowerMeanAggregation (learn=False; with --torch "
               "learn=True, the parameter differentiable)",
    }

    supports_grad = True  # --grad: the gradient cases of verify.check.grad

    def __init__(self, name: str, summary: str):
        self.name = name
        self.summary = summary
        self.param = PARAMS[name]
        self.signature = f"f(x, index, num_segments, {self.param}[, eta=...])"

    # --- targets
    def load_builtin(self, target: str, options: dict) -> Callable:
        if options.get("torch"):
            grad = grad_module()
            if grad is None or target not in ("pyg", "verify"):
                from .run import CheckError

                raise CheckError(f"TARGET {target!r} has no torch version (--torch); drop --torch to check it")
            return _torch_builtin(grad.torch_builtin(self.name, target))
        return {"verify": _builtin_verify, "naive": _builtin_naive, "pyg": _builtin_pyg}[target](self.name)

    def validate_target(self, fn: Callable, options: dict) -> None:
        from .run import CheckError

        try:
            sig = inspect.signature(fn)
        except (TypeError, ValueError):
            return  # builtins without a signature: just try
        try:
            sig.bind(None, None, None, None)
        except TypeError:
            want = f"(x, index, num_segments, {self.param})"
            pars = list(sig.parameters.values())
            positional = [q for q in pars if q.kind in (q.POSITIONAL_ONLY, q.POSITIONAL_OR_KEYWORD)]
            var_pos = any(q.kind == q.VAR_POSITIONAL for q in pars)
            extra = [q.name for q in positional[4:] if q.default is q.empty]
            extra += [q.name for q in pars if q.kind == q.KEYWORD_ONLY and q.default is q.empty and q.name != "eta"]
            if len(positional) < 4 and not var_pos:
                kw_only = [q.name for q in pars if q.kind == q.KEYWORD_ONLY]
                why = (f"{'parameters' if len(kw_only) > 1 else 'parameter'} {', '.join(map(repr, kw_only))} "
                       f"{'are' if len(kw_only) > 1 else 'is'} keyword-only (after *), but the four "
                       f"arguments are passed by position" if kw_only and len(positional) + len(kw_only) >= 4
                       else f"it takes {len(positional)} positional parameter(s), 4 are passed")
            elif extra:
                why = (f"it also requires {', '.join(map(repr, extra))}, which is not passed: "
                       f"give {'it' if len(extra) == 1 else 'them'} a default")
            else:
                why = "the four arguments cannot be bound"
            raise CheckError(f"TARGET must accept {want}: {why}; its signature is {sig}") from None

    # --- cases
    def cases(self, dtype, options: dict) -> list:
        dtype = np.dtype(dtype)
        out: list = list(CASES[self.name](dtype))
        if options.get("eta"):
            out += eta_cases(self.name, dtype)
        if options.get("grad"):
            grad = grad_module()
            if grad is not None:
                out += list(grad.grad_cases(self.name, dtype, options))
        return out

    def _is_grad(self, case) -> bool:
        grad = grad_module() if not isinstance(case, Case) else None
        return grad is not None and isinstance(case, grad.GradCase)

    def call(self, fn: Callable, case, options: dict) -> Callable[[], object]:
        if self._is_grad(case):
            return grad_module().grad_call(self.name, fn, case, options)
        kwargs = {"eta": case.eta} if options.get("eta") else {}
        use_torch = bool(options.get("torch"))

        def thunk():
            x, index = case.x.copy(), case.index.copy()
            if use_torch:
                import torch

                x, index = torch.from_numpy(x), torch.from_numpy(index)
            out = fn(x, index, case.num_segments, case.param, **kwargs)
            return _as_numpy(out)

        return thunk

    # --- reference and comparison
    def reference(self, case, options: dict, dps: int = 60):
        if self._is_grad(case):
            return grad_module().grad_reference(self.name, case, options)
        from ..aggregation import reference as ref

        fn = ref.softmax_aggregate_mp if self.name == "softmax" else ref.power_mean_aggregate_mp
        n, c = case.num_segments, case.x.shape[1]
        out = np.empty((n, c), dtype=object)
        with mpmath.workdps(dps):
            for s in range(n):
                rows = case.x[case.index == s]
                for ch in range(c):
                    out[s, ch] = fn([mpmath.mpf(float(v)) for v in rows[:, ch]], case.param, case.eta, dps=dps) \
                        if rows.shape[0] else mpmath.mpf(0)
        return out

    def compare(self, case, got, ref, tol_ulp: float, options: dict):
        if self._is_grad(case):
            return grad_module().grad_compare(self.name, case, got, ref, tol_ulp, options)
        from .run import CaseResult

        got, typed = got["out"], got["typed"]
        reff = ref.astype(float)
        dt = case.dtype
        if got.shape != ref.shape:
            return CaseResult(case, "shape", message=f"returned shape {got.shape}, expected {ref.shape} "
                              f"(num_segments, channels)", reference=reff, output=got)
        widened = typed and got.dtype != dt
        got = got.astype(dt) if got.dtype != dt and not typed else got
        bad = ~np.isfinite(got)
        if bad.any():
            s, ch = map(int, np.argwhere(bad)[0])
            return CaseResult(case, "nan", np.inf, (s, ch), float(got[s, ch]), float(reff[s, ch]),
                              f"{_plural(int(bad.sum()), 'non-finite output')} where the reference is finite; first at "
                              f"segment {s}, channel {ch}: expected {float(reff[s, ch])!r}, got {float(got[s, ch])!r}",
                              reference=reff, output=got, diagnosis=_nonfinite_diagnosis(self.name, case, got, bad))
        sizes = np.bincount(case.index, minlength=case.num_segments)
        units = error_units(self.name, case, reff)
        errs = np.zeros(got.shape)
        with mpmath.workdps(60):
            for s in range(got.shape[0]):
                for ch in range(got.shape[1]):
                    errs[s, ch] = float(abs(mpmath.mpf(float(got[s, ch])) - ref[s, ch]) / mpmath.mpf(float(units[s, ch])))
        s, ch = map(int, np.unravel_index(np.argmax(errs), errs.shape))
        g, e = float(got[s, ch]), float(reff[s, ch])
        status, message, diagnosis = "ok", f"segment {s}, channel {ch}: expected {e!r}, got {g!r}", ""
        if errs[s, ch] > tol_ulp:
            status = "wrong"
            diagnosis = _wrong_diagnosis(self.name, case, got, reff, sizes, errs > tol_ulp)
            if not diagnosis and dt == np.float64:
                diagnosis = _float32_diagnosis(got, errs, tol_ulp)
        if widened:
            status = "dtype"
            message = f"returned {got.dtype.name} for {dt.name} inputs (a {dt.name} result was asked for); " + message
        return CaseResult(case, status, float(errs[s, ch]), (s, ch), g, e, message, reference=reff, output=got,
                          diagnosis=diagnosis)


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _segment_max(values: np.ndarray, index: np.ndarray, n: int, fill: float = -np.inf) -> np.ndarray:
    out = np.full((n,) + values.shape[1:], fill)
    np.maximum.at(out, index, values)
    return out


def error_units(kind: str, case: Case, ref: np.ndarray) -> np.ndarray:
    """The unit of error of each output entry: ``eps * scale * max(1, kappa)`` (an honest error model).

    ``scale = max_u |m_u| * |N|^eta`` (the segment's largest message, degree-scaled) and ``kappa`` the
    condition number of the entry with respect to relative perturbations of the messages,
    ``kappa = sum_u |dS/dm_u * m_u| / scale``: a backward-stable implementation (each ``m_u`` perturbed by a
    few eps, which rounding ``t * m_u`` alone already does) is within a few units.  For the softmax
    ``dS/dm_u = |N|^eta w_u (1 + t (m_u - S0))`` (``S0`` the unscaled result, ``w`` the softmax weights),
    evaluated from the high-precision reference ``ref``.  The check also tolerates the common log-domain
    formulation ``exp(t m - logsumexp(t m)) m``: its log-weights are differences of numbers of size
    ``Z = |t| max_v |m_v|`` and carry an absolute rounding error of about ``eps Z`` (the shifted form
    ``exp(t (m - max m))``, used by this package's kernels, avoids most of it); that effect,
    ``eps Z sum_u w_u |m_u|``, is added to the numerator of ``kappa`` for finite ``t`` (``t = 30`` on values
    of order 2 gives ``kappa`` about 60).  This is a deliberate allowance, so at saturated ``t`` the
    tolerance is loose (about 3.5e-7 relative at ``t = 1e8``, ``|m| ~ 1``, 16 units); the unsaturated cases
    still catch a float64 result computed in float32.  The power mean is
    homogeneous of degree 1 in
    the ``m_u`` with positive weights, so ``kappa = P / scale <= 1``.  An entry with ``scale = 0`` (an empty
    segment, all messages 0) must be exact: its unit is the smallest subnormal.
    """
    dt = np.dtype(case.dtype)
    x = case.x.astype(np.float64)
    idx, n = case.index, case.num_segments
    sizes = np.bincount(idx, minlength=n).astype(np.float64)
    degree = np.where(sizes > 0, np.maximum(sizes, 1) ** case.eta, 0.0)[:, None]
    amax = _segment_max(np.abs(x), idx, n, fill=0.0)
    scale = amax * degree
    cond = scale.copy()
    if kind == "softmax" and case.param != 0:
        t = case.param
        with np.errstate(all="ignore"):
            s0 = np.where(degree > 0, ref / np.where(degree > 0, degree, 1.0), 0.0)[idx]
            if np.isinf(t):
                z = x if t > 0 else -x
                top = _segment_max(z, idx, n)[idx]
                w = (z == top).astype(np.float64)
                slope = np.ones_like(x)  # w_u t (m_u - S0) -> 0 in the limit
            else:
                z = t * x
                w = np.exp(z - _segment_max(z, idx, n)[idx])
                slope = 1.0 + t * (x - s0)
            den = np.zeros((n, x.shape[1]))
            np.add.at(den, idx, w)
            w = w / den[idx]
            term = np.where(w > 0, w * np.abs(slope) * np.abs(x), 0.0)
            if np.isfinite(t):  # the log-weights are formed from numbers of size |t| max|m_u|
                zmax = abs(t) * amax[idx]
                term = term + np.where(w > 0, w * zmax * np.abs(x), 0.0)
        kappa = np.zeros((n, x.shape[1]))
        np.add.at(kappa, idx, term)
        cond = np.maximum(scale, np.where(np.isfinite(kappa), kappa, 0.0) * degree)
    unit = np.finfo(dt).eps * cond
    return np.where(unit > 0, unit, float(np.finfo(dt).smallest_subnormal))


def _float32_diagnosis(got: np.ndarray, errs: np.ndarray, tol_ulp: float) -> str:
    """'computed in float32?' when a float64 result is wrong by float32-sized errors only, every entry a
    float32 number (what a float32 computation widened to float64 returns)."""
    ratio = np.finfo(np.float32).eps / np.finfo(np.float64).eps
    worst = float(np.max(errs)) / ratio
    with np.errstate(all="ignore"):
        as32 = np.array_equal(got.astype(np.float32).astype(np.float64), got.astype(np.float64))
    if as32 and worst <= tol_ulp:
        return (f"the errors are of float32 size ({worst:.2g} units of float32 eps at most): "
                f"computed in float32?")
    return ""


def _torch_builtin(fn: Callable) -> Callable:
    """A ``verify.check.grad.torch_builtin`` callable that also accepts a float parameter (forward cases)."""

    def as_tensor(p, x):
        import torch

        return p if torch.is_tensor(p) else torch.tensor(float(p), dtype=x.dtype)

    if accepts_eta(fn):
        def torch_target_eta(x, index, num_segments, p, eta=0.0):
            return fn(x, index, num_segments, as_tensor(p, x), eta=eta)

        return torch_target_eta

    def torch_target(x, index, num_segments, p):
        return fn(x, index, num_segments, as_tensor(p, x))

    return torch_target


#: PyTorch Geometric's PowerMeanAggregation(clamp_min=1e-4, clamp_max=100) defaults: a pattern the
#: power-mean diagnosis recognises (torch_geometric/nn/aggr/basic.py, PowerMeanAggregation.__init__).
PYG_CLAMP = (1e-4, 100.0)


def _close(a: np.ndarray, b: np.ndarray, dtype: np.dtype) -> bool:
    """``a`` equals ``b`` to a few hundred ULP of the dtype (candidate patterns are computed in float64)."""
    tol = 512 * np.finfo(dtype).eps
    with np.errstate(all="ignore"):
        return bool(np.all(np.isfinite(a)) and np.all(np.abs(a - b) <= tol * np.maximum(np.abs(b), 1e-300)))


def _wrong_diagnosis(kind: str, case: Case, got: np.ndarray, ref: np.ndarray, sizes: np.ndarray,
                     bad: np.ndarray) -> str:
    """Name the pattern of the wrong entries ``bad`` when the OUTPUT shows one, else ''.

    Recognised, in this order: only empty segments wrong; output / reference one power of the segment size
    (degree scaling); at an infinite parameter, an output that is not the segment maximum/minimum times
    ``|N|^eta`` (the limit not handled; the other extreme named when it is that); for the power mean, the
    direct formula (mean x^q)^(1/q) in float64 (loses the digits for |q| tiny) and PyTorch Geometric's clamps
    (:data:`PYG_CLAMP`).
    """
    empty = sizes == 0
    if bad[empty].any() and not bad[~empty].any():
        vals = np.unique(got[bad])
        return (f"only the empty segments (no neighbours) are wrong: they give "
                f"{', '.join(f'{v:g}' for v in vals[:3])} instead of 0")
    eta = _eta_diagnosis(case, got, ref, sizes)
    if eta:
        return eta
    if not np.isfinite(case.param):
        return _limit_diagnosis(kind, case, got, sizes, bad)
    if kind == "power_mean" and case.param != 0:
        x = case.x.astype(np.float64)
        n = np.maximum(sizes, 1)[:, None].astype(np.float64)
        lo, hi = PYG_CLAMP
        with np.errstate(all="ignore"):
            s = np.zeros((case.num_segments, x.shape[1]))
            np.add.at(s, case.index, np.clip(x, lo, hi) ** case.param)
            clamped = np.clip(s / n, lo, hi) ** (1 / case.param) * n ** case.eta
            s = np.zeros((case.num_segments, x.shape[1]))
            np.add.at(s, case.index, x ** case.param)
            direct = (s / n) ** (1 / case.param) * n ** case.eta
        if abs(case.param) < 1e-3 and _close(got[bad], direct[bad], np.dtype(np.float64)):
            return (f"the output is the direct formula (mean x^q)^(1/q), which loses about "
                    f"{-np.log10(abs(case.param)):.0f} digits at q = {case.param:g}: expand around the geometric mean")
        if _close(got[bad], clamped[bad], case.dtype):
            return (f"the output is clamp(mean(clamp(x, {lo:g}, {hi:g})^q), {lo:g}, {hi:g})^(1/q): inputs and the "
                    f"mean of powers are clipped to [{lo:g}, {hi:g}] (PyTorch Geometric's clamp_min/clamp_max)")
    return ""


def _extremes(case: Case, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The segment maximum and minimum times ``|N|^eta`` (0 for empty segments), in float64."""
    x = case.x.astype(np.float64)
    n = case.num_segments
    with np.errstate(all="ignore"):
        deg = np.where(sizes > 0, np.maximum(sizes, 1).astype(np.float64) ** case.eta, 0.0)[:, None]
        hi = np.where(deg > 0, _segment_max(x, case.index, n), 0.0) * deg
        lo = np.where(deg > 0, -_segment_max(-x, case.index, n), 0.0) * deg
    return hi, lo


def _limit_diagnosis(kind: str, case: Case, got: np.ndarray, sizes: np.ndarray, bad: np.ndarray) -> str:
    """At ``t`` or ``q = +-inf``: say the limit is not handled only when the output is not the extreme."""
    p = PARAMS[kind]
    hi, lo = _extremes(case, sizes)
    want, other = (hi, lo) if case.param > 0 else (lo, hi)
    what, other_what = ("maximum", "minimum") if case.param > 0 else ("minimum", "maximum")
    g = got.astype(np.float64)
    if _close(g[bad], want[bad], np.dtype(np.float32)):
        return ""  # the extreme, to float32 accuracy: an accuracy problem, not the limit
    base = want / np.where(sizes > 0, np.maximum(sizes, 1).astype(np.float64) ** case.eta, 1.0)[:, None]
    with np.errstate(all="ignore"):
        factor = g / base
    rows = (sizes > 0) & np.all(base != 0, axis=1) & np.all(np.isfinite(factor), axis=1)
    if rows.any() and got.shape[1] > 1 and np.allclose(factor[rows], factor[rows][:, :1], rtol=1e-5, atol=0) \
            and not np.allclose(factor[rows], 1.0, rtol=1e-5):
        eg = ", ".join(f"{factor[s, 0]:.4g} at |N| = {sizes[s]}" for s in np.flatnonzero(rows)[:3])
        return (f"the output is the segment {what} times a factor that depends on the segment only ({eg}), "
                f"not |N|^{case.eta:g}: the degree scaling is off, the limit is handled")
    if _close(g[bad], other[bad], case.dtype):
        return (f"the output is the segment {other_what}, not the {what}: the sign of the limit "
                f"{p} = {case.param:g} is swapped")
    return (f"the limit {p} = {case.param:g} is not handled: the output is not the segment {what}"
            + (f" times |N|^{case.eta:g}" if case.eta else ""))


def _eta_diagnosis(case: Case, got: np.ndarray, ref: np.ndarray, sizes: np.ndarray) -> str:
    """'the output scales as |N|^a (an extra factor |N|^k)' when output / reference is one power of |N|."""
    multi = (sizes > 1)[:, None] & (np.abs(ref) > 0) & np.isfinite(got) & (got != 0)
    if multi.sum() < 2:
        return ""
    with np.errstate(all="ignore"):
        ratio = got / ref
        k = np.log(np.abs(ratio)) / np.log(np.where(sizes > 1, sizes, 2))[:, None]
    k = k[multi]
    if np.all(ratio[multi] > 0) and np.ptp(k) < 1e-3 and abs(k.mean()) > 1e-3:
        extra = float(k.mean())
        return (f"the output scales as |N|^{case.eta + extra:.3g} (an extra factor |N|^{extra:.3g}) on every "
                f"segment: eta = {case.eta:g} asks for |N|^{case.eta:g}")
    if got.shape[1] > 1 and case.eta != 0:  # one factor per segment, not a power of |N|
        deg = np.maximum(sizes, 1).astype(np.float64) ** case.eta
        with np.errstate(all="ignore"):
            factor = got / (ref / deg[:, None])
        rows = (sizes > 0) & np.all(ref != 0, axis=1) & np.all(np.isfinite(factor), axis=1)
        f = factor[rows]
        if rows.sum() >= 2 and np.allclose(f, f[:, :1], rtol=1e-5, atol=0) and not np.allclose(f[:, 0], deg[rows]):
            eg = ", ".join(f"{factor[s, 0]:.4g} at |N| = {sizes[s]}" for s in np.flatnonzero(rows)[:3])
            return (f"the output is the eta = 0 result times a factor per segment ({eg}) that is not "
                    f"|N|^{case.eta:g}: the degree scaling is off")
    return ""


def _nonfinite_diagnosis(kind: str, case: Case, got: np.ndarray, bad: np.ndarray) -> str:
    """Explain NaN/inf outputs from where they are: the textbook formula's overflow pattern, or just where.

    The overflow is named only when the non-finite entries are those where the unshifted ``exp(t x)``
    (unscaled ``x^q``) overflows, give or take entries where every term underflows (0/0, which an
    implementation may map to NaN or to 0); otherwise the message says what is seen.
    """
    sizes = np.bincount(case.index, minlength=case.num_segments)
    filled = np.broadcast_to((sizes > 0)[:, None], bad.shape)
    kinds_seen = sorted({str(v) for v in got[bad].astype(np.float64)})
    seen = f"{_plural(int(bad.sum()), 'non-finite entr' + ('y' if bad.sum() == 1 else 'ie'))} " \
           f"({', '.join(kinds_seen)}) of {int(filled.sum())}"
    seen = seen.replace("entrie ", "entries ").replace("entrys", "entries")
    if case.param != 0:
        over, under = _overflow_masks(kind, case)
        over, under, b = over & filled, under & filled, bad & filled
        if over.any() and not (over & ~b).any() and not (b & ~(over | under)).any():
            p = PARAMS[kind]
            if not np.isfinite(case.param):
                what = "maximum" if case.param > 0 else "minimum"
                return (f"the limit {p} = {case.param:g} is not handled: non-finite exactly where the textbook "
                        f"formula gives inf/inf; expected the segment {what}")
            if kind == "softmax":
                fin = np.finfo(case.dtype)
                return (f"non-finite exactly where exp(t x) overflows (t x > log(max {case.dtype.name}) = "
                        f"{np.log(float(fin.max)):.4g}): shift by the segment maximum")
            return f"non-finite exactly where x^q leaves the {case.dtype.name} range: scale by the segment maximum"
    return f"{seen}: not where the textbook formula overflows"


def _overflow_masks(kind: str, case: Case) -> tuple[np.ndarray, np.ndarray]:
    """(overflow, underflow) of the unshifted / unscaled textbook formula, per segment x channel."""
    fin = np.finfo(case.dtype)
    x = case.x.astype(np.float64)
    idx, n = case.index, case.num_segments
    big, small = np.log(float(fin.max)), np.log(float(fin.smallest_subnormal))
    with np.errstate(all="ignore"):
        if kind == "softmax":
            z = case.param * x
            z = np.where(np.isnan(z), 0.0, z)
            top = _segment_max(z, idx, n)
            return top > big, top < small  # exp(t x) = inf somewhere: inf/inf; = 0 everywhere: 0/0
        lg = case.param * np.log(np.where(x > 0, x, 1.0))
        lg = np.where(np.isnan(lg), 0.0, lg)
        top = _segment_max(lg, idx, n)
        return top > big, np.zeros_like(top, dtype=bool)


SOFTMAX = AggregationKind("softmax", "softmax aggregation |N|^eta sum_u softmax(t m)_u m_u per segment")
POWER_MEAN = AggregationKind("power_mean", "power-mean aggregation |N|^eta ((1/|N|) sum_u m_u^q)^(1/q) per segment")


def registry() -> dict[str, Any]:
    """Every kind by name: softmax, power_mean, and encoding when ``verify.check.encoding`` exists."""
    kinds: dict[str, Any] = {"softmax": SOFTMAX, "power_mean": POWER_MEAN}
    if importlib.util.find_spec("verify.check.encoding") is not None:
        enc = importlib.import_module("verify.check.encoding").ENCODING
        kinds[enc.name] = enc
    return kinds
