"""Gradient cases of ``verify check --torch --grad`` (softmax, power mean) and the built-in torch targets.

A gradient case calls the target ``f(x, index, num_segments, p)`` on torch tensors, ``x`` (E, C) and the
0-dim parameter ``p`` (``t`` or ``q``) both requiring grad, and takes the vector-Jacobian product of a fixed,
seeded cotangent ``G`` (num_segments, C): the gradients of ``sum(G * out)`` with respect to ``x`` and ``p``.
They are compared with closed forms evaluated in mpmath at 60 digits (more for tiny ``q``):

* softmax ``S = |N|^eta sum_u w_u m_u``, ``w = softmax(t m)``:
  ``dS/dm_u = |N|^eta w_u (1 + t (m_u - S0))``, ``dS/dt = |N|^eta Var_w(m)`` (``S0 = S |N|^-eta``;
  ``t = ±inf``: ``w`` the tie weights ``1/k``, ``dS/dt = 0``);
* power mean ``P = |N|^eta ((1/|N|) sum_u m_u^q)^(1/q)``:
  ``dP/dm_u = |N|^eta (1/|N|) (m_u / P0)^(q-1)``, ``dP/dq = P (sum_u w_u log m_u - log P0) / q`` with
  ``w_u = m_u^q / sum_v m_v^q`` (``q = 0``: ``P Var(log m) / 2``); for ``q < 0`` and ``k`` zero neighbours
  ``P = 0``, ``dP/dq = 0`` and ``dP/dm_zero = |N|^eta (1/k) (k/|N|)^(1/q)`` (the one-sided derivative
  ``|N|^(eta - 1/q)`` for one zero); ``q = ±inf`` like ``t = ±inf``.

Each closed form is itself checked against ``mpmath.diff`` of the value in ``tests/check/test_grad.py``.

Error measure (documented in the README): ``|got - ref| / spacing(scale)`` in the checked dtype, where
``scale`` is the first-order error bound of a backward-stable evaluation divided by the unit roundoff:

* output: ``|N|^eta max_u |m_u|`` (as the forward cases);
* ``d/dx`` per segment and channel: ``|G| |N|^eta max_u w_u (|1 + t (m_u - S0)| (1 + |t| |m_u - m*|) + |t| M)``
  (softmax, ``M = max_u |m_u|``, ``m*`` the extremum) and ``|G| max_u |dP/dm_u| (1 + |q - 1| (1 + L))``
  (power mean, ``L = max_u |log(m_u / P0)|``);
* ``d/dp`` (one number): ``sum_{s,c} |G| |N|^eta sum_u w_u (d_u^2 (1 + |t| |m_u - m*|) + 2 |d_u| M)`` with
  ``d_u = m_u - S0`` (softmax) and ``sum_{s,c} |G| P (|dlogP/dq| + Lw (1 + max_u |log m_u|))`` with
  ``Lw = sum_u w_u |log(m_u / P0)|`` (power mean).

A target whose forward output is right and whose gradient is wrong gets status ``grad``; the message names
the gradient (``x`` or ``t``/``q``) and where (edge row, channel, segment).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import mpmath
import numpy as np

from .cases import KINDS as PARAMS

__all__ = ["GradCase", "grad_cases", "grad_call", "grad_reference", "grad_compare", "torch_builtin",
           "softmax_grad_mp", "power_mean_grad_mp"]

DPS = 60


# ------------------------------------------------------------------------------------------------ cases
@dataclass(frozen=True)
class GradCase:
    """Inputs of one gradient case: ``x`` (E, C), ``index`` (E,), the parameter, ``eta``, cotangent ``G``."""

    name: str
    x: np.ndarray
    index: np.ndarray
    num_segments: int
    param: float
    why: str = ""
    eta: float = 0.0
    G: np.ndarray = field(default=None, repr=False)

    @property
    def dtype(self) -> np.dtype:
        return self.x.dtype

    def literal(self) -> str:
        """Python source that recreates the inputs, the cotangent and the gradient call."""
        dt = self.x.dtype.name
        arr = lambda a: np.array2string(a, separator=", ", threshold=10**6, floatmode="unique")  # noqa: E731
        pname = "t" if self.name.startswith("grad softmax") else "q"
        return (f"import torch\n"
                f"x = torch.tensor(np.array({arr(self.x)}, dtype=np.{dt}), requires_grad=True)\n"
                f"index = torch.tensor({self.index.tolist()})\n"
                f"num_segments = {self.num_segments}\n"
                f"{pname} = torch.tensor({_pylit(self.param)}, dtype=torch.{dt}, requires_grad=True)\n"
                f"G = torch.tensor(np.array({arr(self.G)}, dtype=np.{dt}))  # cotangent\n"
                f"out = f(x, index, num_segments, {pname}{', eta=' + repr(self.eta) if self.eta else ''})\n"
                f"gx, g{pname} = torch.autograd.grad((G * out).sum(), [x, {pname}])")


def _pylit(v: float) -> str:
    if np.isinf(v):
        return "float('inf')" if v > 0 else "-float('inf')"
    return repr(float(v))


def _segments(rng, sizes) -> np.ndarray:
    index = np.repeat(np.arange(len(sizes)), sizes)
    rng.shuffle(index)
    return index


def grad_cases(kind_name: str, dtype, options: dict | None = None) -> list[GradCase]:
    """The gradient cases of ``kind_name`` in ``dtype`` (deterministic; names start with ``grad ``)."""
    options = options or {}
    dtype = np.dtype(dtype)
    f32 = dtype == np.float32
    rng = np.random.default_rng(20240611 if kind_name == "softmax" else 20240612)
    out: list[GradCase] = []

    def add(label, x, index, p, why, num_segments=None, eta=0.0):
        ns = int(index.max()) + 1 if num_segments is None else num_segments
        x = np.ascontiguousarray(x, dtype=dtype)
        G = np.random.default_rng([7, len(out)]).standard_normal((ns, x.shape[1])).astype(dtype)
        out.append(GradCase(f"grad {kind_name}({label})", x, index.astype(np.int64), ns, float(p), why,
                            float(eta), G))

    sizes = (1, 2, 3, 5, 8, 13)
    idx = _segments(rng, sizes)
    E = idx.size
    if kind_name == "softmax":
        x = rng.standard_normal((E, 3))
        for t in (1.0, -2.0, 0.0):
            add(f"t={t:g}", x, idx, t, "ordinary neighbourhoods of sizes 1..13, three channels")
        ties = np.repeat(np.array([[1.0, -2.0], [1.0, -2.0], [0.5, 3.0], [1.0, 3.0]]), 2, axis=0)
        tidx = np.array([0, 0, 0, 0, 1, 1, 1, 1])
        add("t=10, ties", ties, tidx, 10.0, "tied maxima: the gradient is shared by the ties, no NaN")
        near = x.copy()
        near[::3] = np.round(near[::3], 1)
        near[1::3] = near[::3][: near[1::3].shape[0]] + np.float64(2.0 ** -20)
        for t in (1e3, 1e5, 1e8):
            add(f"t={t:g}, saturated", near, idx, t,
                "saturated softmax (near-ties 2^-20 apart): Var_w small, no overflow, no NaN")
        add("t=inf, ties", ties, tidx, np.inf, "the limit t = inf: the maximum, ties share the gradient, dS/dt = 0")
        big = 80.0 if f32 else 700.0
        add(f"t=1, |x|~{big:g}", rng.standard_normal((E, 3)) * big, idx, 1.0,
            "exp(t x) overflows unless shifted by the segment maximum")
        add("t=2, empty segments", x, idx, 2.0, "segments 6 and 7 have no neighbours: output 0, no gradient",
            num_segments=8)
        if options.get("eta"):
            add("t=1.5, eta=0.5", x, idx, 1.5, "degree scaling |N|^eta in the gradients", eta=0.5)
    else:
        x = np.abs(rng.standard_normal((E, 3))) + 0.05
        for q in (1.0, 2.0, 0.5, -1.0):
            add(f"q={q:g}", x, idx, q, "ordinary positive neighbourhoods of sizes 1..13")
        for q in (1e-3, -1e-3, 1e-6, -1e-6):
            add(f"q={q:g}", x, idx, q, "a learnable q near 0: dP/dq = P KL(w||u)/q^2 cancels unless expanded")
        add("q=0", x, idx, 0.0, "q exactly 0 (the geometric mean): dP/dq = P Var(log m)/2, finite")
        ties = np.repeat(np.array([[1.0, 2.0], [1.0, 2.0], [0.5, 3.0], [1.0, 3.0]]), 2, axis=0)
        tidx = np.array([0, 0, 0, 0, 1, 1, 1, 1])
        add("q=inf, ties", ties, tidx, np.inf, "the limit q = inf: the maximum, ties share the gradient")
        zeros = x.copy()
        zeros[np.unique(idx, return_index=True)[1][1:]] = 0.0       # one zero in each segment but the first
        for q in (-1.0, -2.5):
            add(f"q={q:g}, zeros", zeros, idx, q,
                "a zero neighbour with q < 0: P = 0, dP/dq = 0, dP/dm_zero = |N|^(-1/q), finite")
        add("q=2, zeros", zeros, idx, 2.0, "zero neighbours with q > 1: their gradient is 0")
        xl = np.abs(rng.standard_normal((E, 3))) * 1e3 + 1.0
        add("q=3, x up to 1e3", xl, idx, 3.0, "values above 100 (PyTorch Geometric clamps x to [1e-4, 100])")
        qb = 20.0 if f32 else 150.0
        add(f"q={qb:g}, x~1e3", xl, idx, qb, "q large: x^q overflows unless scaled by the segment maximum")
        add("q=2, empty segments", x, idx, 2.0, "segments 6 and 7 have no neighbours: output 0, no gradient",
            num_segments=8)
        if options.get("eta"):
            add("q=1.5, eta=0.5", x, idx, 1.5, "degree scaling |N|^eta in the gradients", eta=0.5)
    return out


# ----------------------------------------------------------------------------------------------- calling
def grad_call(kind_name: str, fn: Callable, case: GradCase, options: dict | None = None) -> Callable[[], dict]:
    """A thunk (run in a forked child) returning the output and both gradients as numpy / floats."""
    options = options or {}
    pass_eta = bool(options.get("eta")) or case.eta != 0

    def thunk() -> dict:
        import torch

        x = torch.from_numpy(case.x.copy()).requires_grad_(True)
        index = torch.from_numpy(case.index.copy())
        p = torch.tensor(case.param, dtype=x.dtype, requires_grad=True)
        out = fn(x, index, case.num_segments, p, **({"eta": case.eta} if pass_eta else {}))
        if not torch.is_tensor(out):
            arr = np.asarray(out)
            return {"out": arr, "typed": hasattr(out, "dtype"), "gx": None, "gp": None,
                    "note": f"the target returned {type(out).__name__}, not a torch tensor: no gradient flows"}
        res = {"out": out.detach().cpu().numpy(), "typed": True, "gx": None, "gp": None, "note": ""}
        if tuple(out.shape) != case.G.shape:
            return res
        if not out.requires_grad:
            res["note"] = "the output does not require grad (it is not connected to x or the parameter)"
            return res
        G = torch.from_numpy(case.G).to(device=out.device, dtype=out.dtype)
        gx, gp = torch.autograd.grad((G * out).sum(), [x, p], allow_unused=True)
        res["gx"] = None if gx is None else gx.detach().cpu().numpy()
        res["gp"] = None if gp is None else float(gp.detach().cpu())
        return res

    return thunk


# ------------------------------------------------------------------------------------- closed forms (mp)
def _mp(v) -> mpmath.mpf:
    return v if isinstance(v, mpmath.mpf) else mpmath.mpf(float(v))


def softmax_grad_mp(vals, t, eta=0.0):
    """Softmax aggregation of one segment and its closed-form derivatives, at the current mp precision.

    Returns ``(S, dS/dm [list], dS/dt, scale_x, scale_t)``; the scales are the error bounds of the module
    docstring without the cotangent (``scale_x`` is the per-segment maximum).
    """
    m = [_mp(v) for v in vals]
    n = len(m)
    t = _mp(t)
    c = mpmath.mpf(n) ** _mp(eta)
    M = max(abs(v) for v in m)
    if mpmath.isinf(t):
        ext = max(m) if t > 0 else min(m)
        k = sum(1 for v in m if v == ext)
        w = [mpmath.mpf(1) / k if v == ext else mpmath.mpf(0) for v in m]
        S0 = ext
        return c * S0, [c * wu for wu in w], mpmath.mpf(0), c * max(w), mpmath.mpf(0)
    ext = max(m) if t >= 0 else min(m)
    e = [mpmath.exp(t * (v - ext)) for v in m]
    Z = mpmath.fsum(e)
    w = [eu / Z for eu in e]
    S0 = mpmath.fsum([wu * v for wu, v in zip(w, m)])
    d = [v - S0 for v in m]
    gx = [c * wu * (1 + t * du) for wu, du in zip(w, d)]
    gt = c * mpmath.fsum([wu * du * du for wu, du in zip(w, d)])
    at = abs(t)
    sx = c * max(wu * (abs(1 + t * du) * (1 + at * abs(v - ext)) + at * M) for wu, du, v in zip(w, d, m))
    st = c * mpmath.fsum([wu * (du * du * (1 + at * abs(v - ext)) + 2 * abs(du) * M)
                          for wu, du, v in zip(w, d, m)])
    return c * S0, gx, gt, sx, st


def power_mean_grad_mp(vals, q, eta=0.0):
    """Power mean of one segment (``m >= 0``) and its closed-form derivatives, at the current mp precision.

    Returns ``(P, dP/dm [list], dP/dq, scale_x, scale_q)`` (conventions at zeros and ties: module docstring).
    ``dP/dm`` is ``+inf`` at a zero neighbour when ``0 < q < 1`` (a vertical tangent).
    """
    m = [_mp(v) for v in vals]
    n = len(m)
    q = _mp(q)
    c = mpmath.mpf(n) ** _mp(eta)
    zero = mpmath.mpf(0)
    pos = [v for v in m if v > 0]
    k0 = n - len(pos)
    if mpmath.isinf(q):
        ext = max(m) if q > 0 else min(m)
        k = sum(1 for v in m if v == ext)
        w = [mpmath.mpf(1) / k if v == ext else zero for v in m]
        return c * ext, [c * wu for wu in w], zero, c * max(w), zero
    if not pos or (k0 and q <= 0):                   # P = 0: all zeros, or a zero with q <= 0
        if k0 == n:
            gz = mpmath.mpf(1) / n
        elif q == 0:
            gz = mpmath.inf
        else:
            gz = (mpmath.mpf(k0) / n) ** (1 / q) / k0
        gx = [c * gz if v == 0 else zero for v in m]
        sx = c * gz * (1 + (abs(mpmath.log(mpmath.mpf(k0) / n) / q) if q and k0 < n else 0))
        return zero, gx, zero, sx, zero
    extra = 2 * int(-mpmath.log10(abs(q))) + 10 if 0 < abs(q) < 1 else 0   # two cancellations near q = 0
    with mpmath.extradps(extra):
        return _power_mean_regular(m, pos, q, c)


def _power_mean_regular(m, pos, q, c):
    n = len(m)
    zero = mpmath.mpf(0)
    logs = [mpmath.log(v) for v in pos]
    if q == 0:
        lbar = mpmath.fsum(logs) / n
        logP0 = lbar
        dlog = mpmath.fsum([(lu - lbar) ** 2 for lu in logs]) / n / 2
        w = [mpmath.mpf(1) / n] * n
    else:
        ext = max(logs) if q > 0 else min(logs)
        e = [mpmath.exp(q * (lu - ext)) for lu in logs]
        s = mpmath.fsum(e)
        logP0 = ext + mpmath.log(s / n) / q
        wpos = [eu / s for eu in e]
        dlog = (mpmath.fsum([wu * lu for wu, lu in zip(wpos, logs)]) - logP0) / q
        it = iter(wpos)
        w = [next(it) if v > 0 else zero for v in m]
    P0 = mpmath.exp(logP0)
    gx = []
    for v in m:
        if v > 0:
            gx.append(c * (v / P0) ** (q - 1) / n)
        else:
            gx.append(zero if q > 1 else (c / n if q == 1 else mpmath.inf))
    gq = c * P0 * dlog
    L = max(abs(mpmath.log(v / P0)) for v in pos)
    Lw = mpmath.fsum([wu * abs(mpmath.log(v / P0)) for wu, v in zip(w, m) if v > 0])
    lmax = max(abs(lu) for lu in logs)
    finite = [abs(g) for g in gx if mpmath.isfinite(g)]
    sx = max(finite) * (1 + abs(q - 1) * (1 + L)) if finite else zero
    sq = c * P0 * (abs(dlog) + Lw * (1 + lmax))
    return +(c * P0), [+g for g in gx], +gq, +sx, +sq


def _work_dps(kind_name: str, p: float) -> int:
    if kind_name == "power_mean" and p != 0 and np.isfinite(p) and abs(p) < 1:
        return DPS + 2 * int(-np.log10(abs(p))) + 10
    return DPS + 10


def grad_reference(kind_name: str, case: GradCase, options: dict | None = None) -> dict:
    """Closed-form value, gradients and error scales of ``case`` at 60 digits (object arrays of mpf)."""
    from ..aggregation import reference as ref

    fn = softmax_grad_mp if kind_name == "softmax" else power_mean_grad_mp
    value = ref.softmax_aggregate_mp if kind_name == "softmax" else ref.power_mean_aggregate_mp
    n, C = case.num_segments, case.x.shape[1]
    out = np.empty((n, C), dtype=object)
    gx = np.empty(case.x.shape, dtype=object)
    out_scale = np.zeros((n, C))
    gx_scale = np.zeros(case.x.shape)
    gp = mpmath.mpf(0)
    gp_scale = mpmath.mpf(0)
    sizes = np.bincount(case.index, minlength=n)
    with mpmath.workdps(_work_dps(kind_name, case.param)):
        for s in range(n):
            rows = np.flatnonzero(case.index == s)
            for ch in range(C):
                if rows.size == 0:
                    out[s, ch] = mpmath.mpf(0)
                    continue
                vals = [float(v) for v in case.x[rows, ch]]
                _, g, dp, sx, sp = fn(vals, case.param, case.eta)
                out[s, ch] = value(vals, case.param, case.eta, dps=DPS)
                Gs = mpmath.mpf(float(case.G[s, ch]))
                for r, gu in zip(rows, g):
                    gx[r, ch] = Gs * gu
                    gx_scale[r, ch] = float(abs(Gs) * sx)
                gp += Gs * dp
                gp_scale += abs(Gs) * sp
                out_scale[s, ch] = float(np.max(np.abs(case.x[rows, ch]))) * float(sizes[s]) ** case.eta
    return {"out": out, "gx": gx, "gp": gp, "out_scale": out_scale, "gx_scale": gx_scale,
            "gp_scale": float(gp_scale)}


# ------------------------------------------------------------------------------------------- comparison
def _unit(scale: float, dtype: np.dtype) -> float:
    fin = np.finfo(dtype)
    if not scale > 0:
        return float(fin.smallest_subnormal)
    if scale >= fin.max:
        return float(np.spacing(fin.max))
    return float(np.spacing(dtype.type(scale)))


def _ulp_errors(got: np.ndarray, ref: np.ndarray, scale: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Errors in ULP of the scale; inf where got is non-finite and ref finite (or the reverse)."""
    errs = np.zeros(got.shape)
    with mpmath.workdps(DPS):
        for pos in np.ndindex(got.shape):
            g, r = float(got[pos]), ref[pos]
            if not np.isfinite(g) or not mpmath.isfinite(r):
                errs[pos] = 0.0 if (g == float(r)) else np.inf
                continue
            errs[pos] = float(abs(mpmath.mpf(g) - r) / mpmath.mpf(_unit(float(scale[pos]), dtype)))
    return errs


def _grad_errors(case: GradCase, got: dict, ref: dict) -> dict:
    """ULP errors of both gradients: worst entry of d/dx (or None if missing), error of d/dp."""
    dt = case.dtype
    gx, gp = got.get("gx"), got.get("gp")
    res = {"gx": gx, "gp": gp, "ex": np.inf, "at": None, "nonfin_x": 0, "ep": np.inf, "gx_shape_ok": True}
    if gx is not None:
        if gx.shape != ref["gx"].shape:
            res["gx_shape_ok"] = False
        else:
            ex = _ulp_errors(gx.astype(np.float64), ref["gx"], ref["gx_scale"], dt)
            u, ch = map(int, np.unravel_index(np.argmax(ex), ex.shape)) if ex.size else (0, 0)
            res.update(ex=float(ex[u, ch]) if ex.size else 0.0, at=(u, ch),
                       nonfin_x=int(np.sum(~np.isfinite(gx) & np.isfinite(ref["gx"].astype(float)))))
    if gp is not None:
        res["ep"] = float(_ulp_errors(np.array([gp]), np.array([ref["gp"]], dtype=object),
                                      np.array([ref["gp_scale"]]), dt)[0])
    return res


def _grad_parts(kind_name: str, case: GradCase, e: dict, ref: dict, tol_ulp: float) -> list[str]:
    """Words for each failing gradient (empty when both are within ``tol_ulp``)."""
    pname = PARAMS[kind_name]
    parts = []
    gx_ref = ref["gx"].astype(float)
    if e["gx"] is None:
        parts.append("no gradient with respect to x reaches the input")
    elif not e["gx_shape_ok"]:
        parts.append(f"gradient with respect to x has shape {e['gx'].shape}, expected {gx_ref.shape}")
    elif e["ex"] > tol_ulp:
        u, ch = e["at"]
        parts.append(f"gradient with respect to x wrong at edge row {u} (segment {int(case.index[u])}), "
                     f"channel {ch}: expected {float(gx_ref[u, ch])!r}, got {float(e['gx'][u, ch])!r}"
                     + (f" ({e['ex']:.3g} ULP)" if np.isfinite(e["ex"]) else "")
                     + (f"; {e['nonfin_x']} non-finite entries" if e["nonfin_x"] else ""))
    if e["gp"] is None:
        parts.append(f"no gradient with respect to {pname} reaches the parameter (not used through autograd)")
    elif e["ep"] > tol_ulp:
        parts.append(f"gradient with respect to {pname}: expected {float(ref['gp'])!r}, got {e['gp']!r}"
                     + (f" ({e['ep']:.3g} ULP)" if np.isfinite(e["ep"]) else ""))
    return parts


def grad_compare(kind_name: str, case: GradCase, got: dict, ref: dict, tol_ulp: float,
                 options: dict | None = None):
    """The case's :class:`~verify.check.run.CaseResult`.

    The forward output decides first (``shape``, ``dtype``, ``nan``, ``wrong``; the gradients' state is then
    added to the message); with a right output, a gradient above ``tol_ulp`` (or missing, or non-finite
    where the reference is finite) gives ``grad``, naming the gradient and where.
    """
    from .run import CaseResult

    pname = PARAMS[kind_name]
    dt = case.dtype
    out = got["out"]
    reff = ref["out"].astype(float)
    common = dict(reference=reff, output=out)
    if out.shape != reff.shape:
        return CaseResult(case, "shape", message=f"returned shape {out.shape}, expected {reff.shape} "
                          f"(num_segments, channels)", **common)
    if got.get("typed") and out.dtype != dt:
        return CaseResult(case, "dtype", message=f"returned {out.dtype.name} for {dt.name} inputs", **common)
    out = out.astype(dt)
    e = _grad_errors(case, got, ref)
    parts = _grad_parts(kind_name, case, e, ref, tol_ulp)
    grad_words = ("; gradients: " + "; ".join(parts)) if parts else "; gradients within tolerance"
    diag = _grad_diagnosis(kind_name, case, e["gx"], e["gp"], ref) if parts else ""
    bad = ~np.isfinite(out)
    if bad.any():
        s, ch = map(int, np.argwhere(bad)[0])
        return CaseResult(case, "nan", np.inf, (s, ch), float(out[s, ch]), float(reff[s, ch]),
                          f"{int(bad.sum())} non-finite outputs; first at segment {s}, channel {ch}: expected "
                          f"{float(reff[s, ch])!r}, got {float(out[s, ch])!r}" + grad_words,
                          diagnosis=diag, **common)
    errs = _ulp_errors(out, ref["out"], ref["out_scale"], dt)
    s, ch = map(int, np.unravel_index(np.argmax(errs), errs.shape))
    worst = float(errs[s, ch])
    if worst > tol_ulp:
        return CaseResult(case, "wrong", worst, (s, ch), float(out[s, ch]), float(reff[s, ch]),
                          f"forward output, segment {s}, channel {ch}: expected {float(reff[s, ch])!r}, "
                          f"got {float(out[s, ch])!r} ({worst:.3g} ULP)" + grad_words, diagnosis=diag, **common)
    gx_ref = ref["gx"].astype(float)
    if parts:
        at = e["at"] if e["gx"] is not None and e["ex"] > tol_ulp else None
        g_got = float(e["gx"][at]) if at else e["gp"]
        g_exp = float(gx_ref[at]) if at else float(ref["gp"])
        note = got.get("note", "")
        return CaseResult(case, "grad", max(e["ex"], e["ep"]), at, g_got, g_exp,
                          "forward right; " + "; ".join(parts) + (f" ({note})" if note else ""),
                          reference=gx_ref, output=e["gx"], diagnosis=diag)
    u, c2 = e["at"]
    return CaseResult(case, "ok", max(worst, e["ex"], e["ep"]), (u, c2), float(e["gx"][u, c2]),
                      float(gx_ref[u, c2]), f"output {worst:.3g} ULP, d/dx {e['ex']:.3g} ULP (edge row {u}, "
                      f"channel {c2}), d/d{pname} {e['ep']:.3g} ULP", **common)


def _grad_diagnosis(kind_name: str, case: GradCase, gx, gp, ref: dict) -> str:
    """Recognised patterns: a detached softmax denominator; PyG's clamp of the power mean to [1e-4, 100]."""
    if gx is None:
        return ""
    G = case.G.astype(np.float64)[case.index]
    x = case.x.astype(np.float64)
    if kind_name == "softmax" and np.isfinite(case.param):
        # S = sum e m / Z with Z detached: dS/dm_u = w_u (1 + t m_u)
        t = case.param
        with np.errstate(all="ignore"):
            ext = np.full((case.num_segments, x.shape[1]), -np.inf)
            np.maximum.at(ext, case.index, x * np.sign(t or 1.0))
            e = np.exp(t * (x - ext[case.index] * np.sign(t or 1.0)))
            Z = np.zeros_like(ext)
            np.add.at(Z, case.index, e)
            w = e / Z[case.index]
            detached = G * w * (1 + t * x)
        if np.allclose(gx, detached, rtol=1e-4, atol=1e-6) and not np.allclose(detached, ref["gx"].astype(float),
                                                                               rtol=1e-4, atol=1e-6):
            return ("d/dx equals w_u (1 + t m_u): the softmax denominator sum_v exp(t m_v) is detached from the "
                    "graph (the - t w_u S term is missing)")
    if kind_name == "power_mean":
        if not np.all(np.isfinite(gx)) or (gp is not None and not np.isfinite(gp)):
            if case.param == 0 or abs(case.param) < 1e-2:
                return (f"non-finite gradient near q = 0 (q = {case.param:g}): (mean x^q)^(1/q) differentiated "
                        f"directly (1/q and the cancellation of KL(w||u)/q^2)")
            if np.any(x == 0):
                return "non-finite gradient at zero neighbours (x^q with q < 0 at x = 0)"
            return "non-finite gradient"
        if np.any(x > 100) and np.all(gx[x > 100] == 0) and np.any(ref["gx"].astype(float)[x > 100] != 0):
            return "d/dx is 0 for every input above 100: the inputs are clamped to [.., 100] (as PyTorch Geometric)"
    return ""


# ------------------------------------------------------------------------------------- built-in targets
def torch_builtin(kind_name: str, target_name: str) -> Callable:
    """``f(x, index, num_segments, p)`` over torch tensors, differentiable in ``x`` and the 0-dim ``p``.

    ``pyg``: PyTorch Geometric's ``SoftmaxAggregation`` / ``PowerMeanAggregation`` with ``learn=True`` and the
    parameter replaced by ``p`` through ``torch.func.functional_call`` (the gradient flows to ``p``).
    ``verify``: this package's ``verify.torch`` modules, the same way (they also accept ``eta=``).
    """
    from .run import CheckError

    if kind_name not in PARAMS:
        raise CheckError(f"no torch built-in for kind {kind_name!r}")
    if target_name == "pyg":
        try:
            from torch_geometric.nn import aggr as mods
        except ImportError as exc:
            raise CheckError(f"TARGET 'pyg' needs torch and torch_geometric ({exc}); "
                             f"pip install torch torch_geometric") from None
        pname = "t" if kind_name == "softmax" else "p"
        cls = mods.SoftmaxAggregation if kind_name == "softmax" else mods.PowerMeanAggregation

        def pyg(x, index, num_segments, p):
            from torch.func import functional_call

            mod = cls(**{pname: 1.0}, learn=True)
            return functional_call(mod, {pname: p.reshape(1)}, (x, index), {"dim_size": num_segments})

        return pyg
    if target_name == "verify":
        try:
            from .. import torch as vt
        except ImportError as exc:
            raise CheckError(f"TARGET 'verify' with --torch needs torch ({exc}); pip install torch") from None
        pname = "t" if kind_name == "softmax" else "p"
        cls = vt.SoftmaxAggregation if kind_name == "softmax" else vt.PowerMeanAggregation

        def verify_torch(x, index, num_segments, p, eta=0.0):
            from torch.func import functional_call

            mod = cls(**{pname: 1.0}, learn=True, eta=eta)
            return functional_call(mod, {pname: p}, (x, index), {"dim_size": num_segments})

        return verify_torch
    raise CheckError(f"no torch built-in {target_name!r}: choose pyg or verify")
