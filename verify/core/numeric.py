"""High-precision and floating-point evidence.

* :func:`ladder` evaluates a quantity at rising mpmath precision; a value still moving as the precision
  rises is not yet a result.
* :func:`mp_identity_evidence` checks ``lhs(point) == rhs(point)`` at many points along a precision ladder.
* :func:`counterexample_evidence` checks that ``lhs != rhs`` at one concrete point, at every rung of the
  ladder (the gap must not shrink with precision, so it is not rounding).
* :func:`limit_ladder_evidence` shows ``|f(x_k) - L|`` shrinking towards a limit, at growing precision,
  and optionally that it follows a predicted bound.
* :func:`ulp_error` measures a floating-point array against an mpmath reference in units in the last place.

mpmath precision is global state: everything here uses ``mpmath.workdps`` so no check leaks into another.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import mpmath
import numpy as np

from .claim import Evidence, Outcome

DEFAULT_LADDER = (30, 50, 80, 120)


def fmt(x: Any, digits: int = 2) -> str:
    """Deterministic short form of a number: ``3.1e-52``, ``0.5``, ``12``."""
    x = mpmath.mpf(x) if not isinstance(x, (int, np.integer)) else x
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    if x == 0:
        return "0"
    if mpmath.isinf(x):
        return "inf" if x > 0 else "-inf"
    return mpmath.nstr(x, digits, min_fixed=-3, max_fixed=4, strip_zeros=True)


def ladder(fn: Callable[[], Any], dps: Sequence[int] = DEFAULT_LADDER) -> list[tuple[int, Any]]:
    """Evaluate ``fn()`` under each working precision of ``dps``; return ``[(dps, value), ...]``."""
    out = []
    for d in dps:
        with mpmath.workdps(d):
            out.append((d, fn()))
    return out


def settled_digits(values: Sequence[tuple[int, Any]]) -> float:
    """Digits on which the last two rungs of a ladder agree (inf when equal)."""
    (_, a), (_, b) = values[-2], values[-1]
    with mpmath.workdps(values[-1][0] + 10):
        a, b = mpmath.mpmathify(a), mpmath.mpmathify(b)
        diff = abs(a - b)
        if diff == 0:
            return float("inf")
        scale = max(abs(b), mpmath.mpf(1))
        return float(-mpmath.log10(diff / scale))


def mp_identity_evidence(
    lhs: Callable[..., Any],
    rhs: Callable[..., Any],
    points: Sequence[Sequence[Any]],
    label: str = "",
    about: str = "statement",
    dps: Sequence[int] = (50, 100),
    budget: float = 60.0,
    describe: Callable[[Sequence[Any]], str] | None = None,
) -> Evidence:
    """``lhs(*pt) == rhs(*pt)`` at every point, checked at each precision of ``dps`` (first >= 50).

    Holds when the relative gap at the top precision is below ``10**(-(top - 10))`` at every point.
    Refuted when some point has a gap that does not shrink as the precision rises (a real difference).
    """
    if min(dps) < 50:
        raise ValueError(f"dps ladder must start at 50 digits or more, got {tuple(dps)}")
    points = [tuple(p) for p in points]

    def run() -> Outcome:
        worst_gap, worst_pt = mpmath.mpf(0), None
        gaps_per_level = []
        for d in dps:
            with mpmath.workdps(d):
                level = []
                for pt in points:
                    a, b = lhs(*pt), rhs(*pt)
                    gap = _rel_gap(a, b)
                    level.append(gap)
                gaps_per_level.append((d, level))
        top, top_gaps = gaps_per_level[-1]
        tol = mpmath.mpf(10) ** (-(top - 10))
        for i, g in enumerate(top_gaps):
            if g > worst_gap:
                worst_gap, worst_pt = g, points[i]
        where = describe(worst_pt) if (describe and worst_pt is not None) else str(worst_pt)
        if worst_gap <= tol:
            return Outcome("holds", f"max rel. gap {fmt(worst_gap)} over {len(points)} points at {top} digits",
                           data={"max_rel_gap": float(worst_gap), "points": len(points), "dps": list(dps)})
        # a real difference is one that is the same at every rung of the ladder
        low_gap = gaps_per_level[0][1][points.index(worst_pt)]
        if abs(low_gap - worst_gap) <= mpmath.mpf(10) ** (-(dps[0] - 10)) * max(worst_gap, 1):
            return Outcome("refuted", f"rel. gap {fmt(worst_gap)} at {where} (stable over {list(dps)} digits)",
                           f"lhs != rhs at {where}", data={"max_rel_gap": float(worst_gap)})
        return Outcome("undecided", f"gap {fmt(worst_gap)} still moving with precision at {where}")

    return Evidence("mpmath", run, label=label, about=about, budget=budget,
                    description=f"identity at {len(points)} points, precision ladder {list(dps)} digits")


def _rel_gap(a: Any, b: Any) -> Any:
    if isinstance(a, mpmath.matrix) or isinstance(b, mpmath.matrix):
        a, b = mpmath.matrix(a), mpmath.matrix(b)
        if (a.rows, a.cols) != (b.rows, b.cols):
            return mpmath.inf
        num = mpmath.mnorm(a - b, "f")
        den = max(mpmath.mnorm(b, "f"), mpmath.mpf(1))
        return num / den
    a, b = mpmath.mpmathify(a), mpmath.mpmathify(b)
    return abs(a - b) / max(abs(b), mpmath.mpf(1))


def counterexample_evidence(
    lhs: Callable[[], Any],
    rhs: Callable[[], Any],
    where: str,
    label: str = "",
    about: str = "statement",
    dps: Sequence[int] = (50, 100),
    budget: float = 30.0,
    tex: str | None = None,
) -> Evidence:
    """A concrete input (described by ``where``) at which ``lhs() != rhs()``, confirmed at every precision.

    ``lhs``/``rhs`` take no arguments and compute both sides at the input under the current mpmath
    precision.  ``refuted`` when the gap is the same (to 10 digits) at every rung and far above rounding;
    ``holds`` when the sides agree to the working precision (then this is no counterexample).
    """

    def run() -> Outcome:
        vals = []
        for d in dps:
            with mpmath.workdps(d):
                a, b = lhs(), rhs()
                vals.append((d, a, b, _rel_gap(a, b)))
        d_top, a, b, gap = vals[-1]
        d_low, _, _, gap_low = vals[0]
        with mpmath.workdps(d_top):
            if gap <= mpmath.mpf(10) ** (-(d_top - 10)):
                return Outcome("holds", f"no counterexample at {where}: sides agree to {d_top - 10} digits")
            stable = abs(gap - gap_low) <= mpmath.mpf(10) ** (-10) * gap
            fig = f"{where}: {_short(a)} vs {_short(b)}"
            detail = f"at {where}: lhs = {mpmath.nstr(a, 15) if not isinstance(a, mpmath.matrix) else a}, " \
                     f"rhs = {mpmath.nstr(b, 15) if not isinstance(b, mpmath.matrix) else b}, " \
                     f"relative gap {mpmath.nstr(gap, 5)} at {d_top} digits and {mpmath.nstr(gap_low, 5)} at {d_low}"
            if not stable:
                return Outcome("undecided", f"gap moving with precision at {where}", detail)
            return Outcome("refuted", fig, detail, data={"rel_gap": float(gap), "where": where}, tex=tex)

    return Evidence("counterexample", run, label=label, about=about, budget=budget,
                    description=f"concrete counterexample at {where}, checked at {list(dps)} digits")


def _short(v: Any) -> str:
    if isinstance(v, mpmath.matrix):
        return f"[{v.rows}x{v.cols} matrix]"
    return fmt(v, 6)


def limit_ladder_evidence(
    f: Callable[[Any], Any],
    limit: Callable[[], Any],
    xs: Sequence[Any],
    label: str = "",
    about: str = "statement",
    bound: Callable[[Any], Any] | None = None,
    dps: Sequence[int] | None = None,
    budget: float = 60.0,
    describe: str = "",
) -> Evidence:
    """Show ``f(x) -> limit`` along ``xs`` (ordered towards the limit point).

    ``f`` is evaluated at ``xs[k]`` with working precision ``dps[k]`` (default: 50 digits plus enough to
    resolve the distance).  Holds when the distances ``|f(x_k) - L|`` decrease monotonically, the last
    one is at least 10**8 times smaller than the first (or exactly 0), and, if ``bound`` is given,
    ``|f(x_k) - L| <= bound(x_k)`` at every rung (the predicted rate).  Refuted when the distance stalls
    away from zero (the last rung no smaller than the first, or the last two rungs within 1 % of each
    other while the distance is still nonzero).
    """
    xs = list(xs)
    if len(xs) < 3:
        raise ValueError("a limit ladder needs at least 3 points")
    dps = list(dps) if dps is not None else [50 + 10 * k for k in range(len(xs))]
    if len(dps) != len(xs) or min(dps) < 50:
        raise ValueError("dps must have one entry (>= 50) per point")

    def run() -> Outcome:
        dists, ratios = [], []
        for x, d in zip(xs, dps):
            with mpmath.workdps(d):
                L = limit()
                v = f(x)
                dist = abs(mpmath.mpmathify(v) - mpmath.mpmathify(L))
                dists.append(dist)
                if bound is not None:
                    b = mpmath.mpmathify(bound(x))
                    ratios.append(dist / b if b > 0 else (mpmath.inf if dist > 0 else mpmath.mpf(0)))
        data = {"distances": [fmt(d, 3) for d in dists], "dps": dps}
        fig = f"|f - L|: {fmt(dists[0])} -> {fmt(dists[-1])} over {len(xs)} rungs"
        if bound is not None:
            worst = max(ratios)
            data["max_dist_over_bound"] = float(worst)
            fig += f"; max dist/bound {fmt(worst)}"
            if worst > 1:
                return Outcome("refuted", fig + " (bound violated)", data=data)
        monotone = all(b <= a for a, b in zip(dists, dists[1:]))
        if dists[-1] == 0 or (monotone and dists[-1] * 10**8 <= dists[0]):
            return Outcome("holds", fig, data=data)
        if dists[-1] >= dists[0]:
            return Outcome("refuted", fig + " (not approaching)", data=data)
        if dists[-1] > 0 and abs(dists[-1] - dists[-2]) <= dists[-1] / 100:
            return Outcome("refuted", fig + f" (stalls at distance {fmt(dists[-1])})", data=data)
        return Outcome("undecided", fig + " (not yet conclusive)", data=data)

    return Evidence("mpmath", run, label=label, about=about, budget=budget,
                    description=describe or f"precision ladder over {len(xs)} points towards the limit")


def ulp_error(computed: np.ndarray, reference: Sequence[Any], dtype: Any) -> np.ndarray:
    """Error of ``computed`` in units in the last place of ``dtype`` at the reference value.

    ``reference`` is an iterable of mpmath numbers (same number of elements as ``computed``).  The
    difference is formed in mpmath (exact for the float input).  At a reference of 0 the spacing of the
    smallest subnormal is used.  Infinite references must match exactly (0 error) or give ``inf``.
    """
    dtype = np.dtype(dtype)
    comp = np.asarray(computed).ravel()
    ref = list(np.asarray(reference, dtype=object).ravel())
    if comp.size != len(ref):
        raise ValueError(f"computed has {comp.size} elements but reference has {len(ref)}")
    out = np.empty(comp.size, dtype=np.float64)
    tiny = np.finfo(dtype).smallest_subnormal
    with mpmath.workdps(60):
        for k, (c, r) in enumerate(zip(comp, ref)):
            r = mpmath.mpmathify(r)
            if mpmath.isinf(r) or np.isinf(c):
                out[k] = 0.0 if (np.isinf(c) and mpmath.isinf(r) and (c > 0) == (r > 0)) else np.inf
                continue
            if np.isnan(c):
                out[k] = np.inf
                continue
            spacing = np.spacing(np.abs(dtype.type(float(r)))) if r != 0 else tiny
            if not np.isfinite(spacing) or spacing == 0:
                spacing = tiny
            out[k] = float(abs(mpmath.mpf(float(c)) - r) / mpmath.mpf(float(spacing)))
    return out


def dtype_tolerance_ulp(dtype: Any, n_ops: int = 1) -> float:
    """A default tolerance in ULP for a result of ``n_ops`` rounded operations (``4 * n_ops``)."""
    np.dtype(dtype)  # validate
    return 4.0 * max(1, n_ops)
