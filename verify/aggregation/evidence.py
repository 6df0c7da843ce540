"""Evidence builders used by the aggregation claims (``agg.*``), generic enough for other topics.

* :func:`tie_pattern_limit_evidence` — a symbolic limit for every tie pattern of ``n`` ordered symbols
  (``2^(n−1)`` patterns), each computed by SymPy's Gruntz algorithm and cross-checked in mpmath.
* :func:`mp_predicate_evidence` — a predicate checked at named cases at two precisions (≥ 50 digits);
  the figure is the worst margin.
* :func:`divergence_evidence` — a quantity that grows without bound along a sequence (refutes a claimed
  finite limit or a claimed convergence).
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import mpmath
import sympy

from verify.core.claim import Evidence, Outcome
from verify.core.numeric import fmt

from .theory import _numeric_limit, ordered_messages, tie_patterns


def tie_pattern_limit_evidence(
    n: int,
    build: Callable[[list], tuple[Any, Any]],
    var: sympy.Symbol,
    point: Any,
    direction: str = "+",
    first_positive: bool = False,
    budget: float = 60.0,
) -> Evidence:
    """For every tie pattern of ``m_1 ≤ … ≤ m_n``: ``lim_{var→point} expr == expected``.

    ``build(messages)`` returns ``(expr, expected)`` for the symbolic ordered messages (see
    :func:`verify.aggregation.theory.ordered_messages`).  Holds when every limit equals the expected
    value exactly and an mpmath evaluation near the point moves towards it; refuted when SymPy finds a
    different limit for some pattern.
    """

    def run() -> Outcome:
        pats = tie_patterns(n)
        lines = []
        for pat in pats:
            ms = ordered_messages(pat, first_positive=first_positive)
            expr, expected = build(ms)
            val = sympy.limit(expr, var, point, direction)
            if isinstance(val, sympy.Limit) or val.has(sympy.Limit):
                return Outcome("undecided", f"pattern {pat}: SymPy left the limit unevaluated")
            diff = sympy.simplify(val - expected)
            if diff != 0:
                return Outcome("refuted", f"pattern {pat}: limit {sympy.sstr(val)} != {sympy.sstr(expected)}",
                               "\n".join(lines))
            (v1, v2), _ = _numeric_limit(expr - expected, var, point)
            if not (abs(v2) <= abs(v1) or abs(v2) < sympy.Float(10) ** -20):
                return Outcome("undecided", f"pattern {pat}: numeric cross-check does not approach")
            lines.append(f"ties {pat}: limit = {sympy.sstr(val)}")
        return Outcome("holds", f"{len(pats)}/{len(pats)} tie patterns exact", "\n".join(lines),
                       data={"patterns": len(pats)})

    return Evidence("symbolic", run, label=f"N={n}", budget=budget,
                    description=f"exact limit for all {2 ** (n - 1)} tie patterns of {n} ordered messages")


def mp_predicate_evidence(
    margin: Callable[[Any], Any],
    cases: Sequence[tuple[str, Any]],
    label: str = "",
    about: str = "statement",
    what: str = "margin",
    dps: Sequence[int] = (50, 80),
    budget: float = 30.0,
    strict: bool = False,
) -> Evidence:
    """``margin(case) ≥ 0`` (or ``> 0`` if ``strict``) at every named case, at each precision of ``dps``.

    ``margin`` returns an mpmath number (evaluated under the current precision).  Holds when every
    margin is non-negative (positive) at every precision, with the minimum reported; refuted at the first
    case whose margin is negative by more than rounding at every precision.
    """
    if min(dps) < 50:
        raise ValueError("dps must be at least 50")

    def run() -> Outcome:
        worst, worst_name = None, ""
        for d in dps:
            with mpmath.workdps(d):
                tol = mpmath.mpf(10) ** (-(d - 10))
                for name, case in cases:
                    v = mpmath.mpmathify(margin(case))
                    if v < -tol or (strict and v <= tol):
                        return Outcome("refuted", f"{what} {fmt(v)} at {name}",
                                       f"margin {mpmath.nstr(v, 15)} at {name} ({d} digits)",
                                       data={"case": name, "margin": float(v)})
                    if d == dps[-1] and (worst is None or v < worst):
                        worst, worst_name = v, name
        return Outcome("holds", f"min {what} {fmt(worst)} over {len(cases)} cases ({worst_name})",
                       data={"min_margin": float(worst), "cases": len(cases)})

    return Evidence("mpmath", run, label=label, about=about, budget=budget,
                    description=f"{what} checked at {len(cases)} cases, {list(dps)} digits")


def divergence_evidence(
    f: Callable[[Any], Any],
    xs: Sequence[Any],
    label: str = "",
    about: str = "statement",
    dps: int = 60,
    what: str = "|f|",
    budget: float = 30.0,
) -> Evidence:
    """Refutes a claimed finite limit / convergence: ``|f(x_k)|`` increases along ``xs`` by at least a
    factor 10 per rung (so the sequence is not Cauchy).  ``holds`` (the claim survives) otherwise."""

    def run() -> Outcome:
        with mpmath.workdps(dps):
            vals = [abs(mpmath.mpmathify(f(x))) for x in xs]
        growing = all(b >= 10 * a for a, b in zip(vals, vals[1:]))
        fig = f"{what}: {' -> '.join(fmt(v) for v in vals)}"
        if growing:
            return Outcome("refuted", fig + " (unbounded)", data={"values": [fmt(v, 3) for v in vals]})
        return Outcome("holds", fig + " (no divergence shown)", data={"values": [fmt(v, 3) for v in vals]})

    return Evidence("mpmath", run, label=label, about=about, budget=budget,
                    description=f"{what} along {len(xs)} points, {dps} digits")
