"""Exact evidence: derivations as chains of small steps, each one checked by SymPy.

A step ``lhs <rel> rhs`` is *verified* only by exact symbolic means (``expand``/``trigsimp``/
``simplify`` of the difference reaching zero, or SymPy's sign assumptions for inequalities, or the
step's own ``check``).  When SymPy cannot decide, the difference is evaluated at random points with
mpmath: a point where the step is false *refutes* it; agreement everywhere only leaves it undecided,
because sampling is not a proof.
"""

from __future__ import annotations

import random
from typing import Any, Callable, Sequence

import mpmath
import sympy

from .claim import Evidence, Outcome, Step

_SIMPLIFIERS: tuple[Callable[[Any], Any], ...] = (
    lambda e: sympy.expand(e),
    lambda e: sympy.expand(sympy.expand_trig(e)),
    lambda e: sympy.trigsimp(sympy.expand(e)),
    lambda e: sympy.simplify(e),
)


def _is_matrix(e: Any) -> bool:
    return isinstance(e, (sympy.MatrixBase, sympy.MatrixExpr))


def is_zero(expr: Any) -> bool | None:
    """``True`` if ``expr`` is exactly zero, ``False`` if provably nonzero, ``None`` if unknown."""
    if _is_matrix(expr):
        e = expr.doit() if isinstance(expr, sympy.MatrixExpr) else expr
        if isinstance(e, sympy.MatrixExpr):
            e = sympy.expand(e)
            if e == sympy.ZeroMatrix(*e.shape) or e == 0:
                return True
            return None
        results = [is_zero(x) for x in e]
        if all(r is True for r in results):
            return True
        if any(r is False for r in results):
            return False
        return None
    expr = sympy.sympify(expr)
    for simp in _SIMPLIFIERS:
        e = simp(expr)
        if e == 0:
            return True
        if e.is_zero is False and e.is_number:
            return False
    return None


def _free_real_symbols(expr: Any) -> list[sympy.Symbol]:
    return sorted((s for s in sympy.sympify(expr).free_symbols if isinstance(s, sympy.Symbol)), key=str)


def _sample(sym: sympy.Symbol, rng: random.Random) -> Any:
    if sym.is_integer:
        lo = 1 if sym.is_positive else (0 if sym.is_nonnegative else -7)
        return rng.randint(lo, lo + 9)
    if sym.is_positive:
        return mpmath.mpf(rng.uniform(0.05, 4.0))
    if sym.is_nonnegative:
        return mpmath.mpf(rng.uniform(0.0, 4.0))
    if sym.is_negative:
        return -mpmath.mpf(rng.uniform(0.05, 4.0))
    return mpmath.mpf(rng.uniform(-4.0, 4.0))


def numeric_probe(expr: Any, rel: str = "==", trials: int = 40, dps: int = 50, seed: int = 0) -> dict | None:
    """Look for a point (respecting the symbols' assumptions) where ``expr <rel> 0`` fails.

    Returns the failing point and the value there, or ``None`` if every sampled point satisfied it.
    """
    expr = sympy.sympify(expr)
    syms = _free_real_symbols(expr)
    if not syms:
        return None
    rng = random.Random(seed)
    with mpmath.workdps(dps):
        tol = mpmath.mpf(10) ** (-(dps // 2))
        for _ in range(trials):
            point = {s: _sample(s, rng) for s in syms}
            try:
                val = sympy.N(expr.subs(point), dps)
            except Exception:  # noqa: BLE001 - a point outside the domain is simply skipped
                continue
            if not val.is_real:
                continue
            v = mpmath.mpf(str(val))
            scale = 1 + abs(v)
            # only a clear violation counts as a counterexample (equality within tol is not one)
            bad = {"==": abs(v) > tol * scale, "<=": v > tol * scale, "<": v > tol * scale,
                   ">=": v < -tol * scale, ">": v < -tol * scale}
            if bad[rel]:
                return {"point": {str(k): str(sympy.Float(v_, 8)) for k, v_ in point.items()},
                        "value": mpmath.nstr(v, 8)}
    return None


_FLIP = {"<=": ">=", "<": ">", ">=": "<=", ">": "<", "==": "=="}


def check_step(step: Step, lhs: Any) -> tuple[bool | None, str]:
    """Check one step whose left side is ``lhs``; return (verified?, explanation)."""
    rhs = step.rhs
    if step.check is not None:
        res = step.check(lhs, rhs)
        if isinstance(res, tuple):
            return res[0], res[1]
        return res, "custom check"
    if step.relation == "==":
        z = is_zero(lhs - rhs) if not _is_matrix(lhs) else is_zero(sympy.expand(lhs - rhs))
        if z is True:
            return True, "difference simplifies to 0"
        if _is_matrix(lhs):
            return (False if z is False else None), "matrix difference not shown to vanish"
        cex = numeric_probe(lhs - rhs, "==")
        if cex:
            return False, f"sides differ at {cex['point']}: lhs - rhs = {cex['value']}"
        return None, "SymPy could not simplify the difference to 0 (no counterexample found by sampling)"
    # inequality: reduce to  d <rel> 0  with d = lhs - rhs, then ask SymPy's assumptions
    d = sympy.simplify(sympy.sympify(lhs) - sympy.sympify(rhs))
    known = {"<=": d.is_nonpositive, "<": d.is_negative, ">=": d.is_nonnegative, ">": d.is_positive}[step.relation]
    if known is True:
        return True, "sign of lhs - rhs follows from the assumptions"
    if known is False:
        return False, "SymPy proves the opposite sign"
    cex = numeric_probe(d, step.relation)
    if cex:
        return False, f"fails at {cex['point']}: lhs - rhs = {cex['value']}"
    return None, "SymPy could not establish the sign of lhs - rhs (no counterexample found by sampling)"


def check_steps(steps: Sequence[Step]) -> Outcome:
    """Check a derivation; ``holds`` iff every step is verified, ``refuted`` if one is false."""
    if not steps:
        return Outcome("undecided", "no steps")
    prev_rhs = None
    lines = []
    for n, step in enumerate(steps, 1):
        lhs = step.lhs if step.lhs is not None else prev_rhs
        if lhs is None:
            return Outcome("undecided", f"step {n} has no left side", "the first step needs an explicit lhs")
        ok, why = check_step(step, lhs)
        lines.append(f"step {n} ({step.relation}): {'verified' if ok else 'FALSE' if ok is False else 'undecided'}"
                     f" - {why}")
        if ok is False:
            return Outcome("refuted", f"step {n}/{len(steps)} is false", "\n".join(lines),
                           data={"failed_step": n, "steps": len(steps)})
        if ok is None:
            return Outcome("undecided", f"step {n}/{len(steps)} undecided", "\n".join(lines),
                           data={"undecided_step": n, "steps": len(steps)})
        prev_rhs = step.rhs
    return Outcome("holds", f"{len(steps)}/{len(steps)} steps verified", "\n".join(lines),
                   data={"steps": len(steps)})


def derivation_evidence(steps: Sequence[Step], label: str = "", about: str = "statement",
                        budget: float = 60.0, description: str = "") -> Evidence:
    """Symbolic evidence that checks every step of ``steps`` (the claim's derivation)."""
    steps = tuple(steps)
    return Evidence("symbolic", lambda: check_steps(steps), label=label, about=about, budget=budget,
                    description=description or "each derivation step checked exactly by SymPy")


def identity_evidence(lhs: Any, rhs: Any, label: str = "", about: str = "statement", budget: float = 60.0,
                      relation: str = "==") -> Evidence:
    """Symbolic evidence for a single identity/inequality ``lhs <relation> rhs``."""
    return derivation_evidence([Step(lhs, rhs, relation)], label=label, about=about, budget=budget)
