"""Evidence about the numpy kernels (``verify.aggregation.kernels``).

Statement-bound (use these):

* :func:`softmax_limit_float_evidence` / :func:`power_mean_limit_float_evidence` — the kernel at parameters
  APPROACHING the limit point of each ``Lim`` part of a claim's statement (and of each ``Rel`` part
  ``K(m, p0, η) == rhs`` at a special parameter ``p0``), against the statement's limit value, per dtype, in
  ULP; built on :func:`verify.core.numeric.float_ladder`.  Kind ``numpy`` (machine-dependent figures).
  The ``agg.kernel.*`` accuracy claims themselves are in :mod:`verify.aggregation.claims.kernel`.

Never evaluate a kernel AT a limit parameter (``t = ±inf``, ``0``; ``q = ±inf``, ``0``, ``1``) as evidence of
the limit: the kernels special-case exactly these parameters and return max/min/mean/geometric mean, so such
a check would be circular.  :func:`kernel_errors` feeds the accuracy figure.
"""

from __future__ import annotations

import importlib.util
from typing import Any, Sequence

import mpmath
import numpy as np

from verify.core.claim import Evidence, Outcome
from verify.core.numeric import fmt

#: Stated bound for well-conditioned values (κ ≤ KAPPA_ILL), both dtypes.
ULP_BOUND = 16.0
DTYPES = ("float32", "float64")


def kernels_available() -> bool:
    return all(importlib.util.find_spec(f"verify.aggregation.{m}") is not None
               for m in ("kernels", "reference", "accuracy"))


FLOAT_LADDER_INF = (1e2, 1e4, 1e8, 1e16)
FLOAT_LADDER_ZERO = (1e-4, 1e-8, 1e-12, 1e-16, 1e-24)
FLOAT_LADDER_ONE = (1e-4, 1e-8, 1e-12, 1e-15)  # then the float64 neighbour of the point


def softmax_limit_float_evidence(instances: Sequence[dict], xs: Sequence[float] | None = None,
                                 label: str = "float", dtypes: Sequence[str] = DTYPES,
                                 tol_ulp: float = 4.0, about: str = "statement",
                                 budget: float = 30.0, description: str = "") -> Evidence:
    r"""The numpy ``softmax_aggregate`` kernel near the limit point of each ``Lim`` part of the statement,
    against the statement's limit value, in ULP (kind ``numpy``: the figures depend on the machine).

    Usage (in a claim whose statement has ``Lim(S(m, lam, eta), lam, point, value)`` parts)::

        from verify.aggregation.kernel_claims import softmax_limit_float_evidence
        evidence=[..., softmax_limit_float_evidence([{m: RANDOM, eta: 1}, {m: TIES, eta: 0}], label="float")]

    ``instances`` bind the quantities' symbols (:mod:`verify.aggregation.quantities`: ``m`` or ``mpos`` to a
    tuple of decimal strings, ``eta`` ...; ``lam`` is the limit variable and must not be bound).
    A ``Rel`` part ``S(msgs, p0, eta) == rhs`` at a number ``p0`` (``λ = 0``) is read as the limit towards
    ``p0`` (continuity in the parameter), so it is checked near ``p0`` as well, never at it.
    Each ``Lim`` part's expression must be an ``S(msgs, param, eta)`` node; the kernel is called with the
    node's OWN arguments evaluated at the instance (messages, ``η``) and with ``param`` evaluated at the
    ladder value of the limit variable, so a mutated expression changes the kernel call too.
    ``xs`` are the values of the limit variable, ordered towards the point and never at it (towards a finite
    point: the approach from above, mirrored for the side from below of a two-sided limit); ``None`` picks
    them from the statement's point: ``±(1e2, 1e4, 1e8, 1e16)`` towards ``±oo``, ``±(1e-4, 1e-8, 1e-12,
    1e-16, 1e-24)`` towards ``0`` (both sides of a two-sided limit), ``p ± (1e-4, 1e-8, 1e-12, 1e-15)`` and
    then the float64 neighbour of ``p`` towards another finite ``p``.
    Per dtype, the messages are rounded to the dtype first and the statement's limit value is evaluated
    (60 digits) at the ROUNDED messages, so the figure measures the kernel, not the input rounding; then
    :func:`verify.core.numeric.float_ladder` decides: ``holds`` when the last rung is within ``tol_ulp``
    ULP for every part, instance, side and dtype; ``refuted`` when it has settled farther away.
    """
    return _limit_float_evidence("softmax", instances, xs, label, dtypes, tol_ulp, about, budget, description)


def power_mean_limit_float_evidence(instances: Sequence[dict], xs: Sequence[float] | None = None,
                                    label: str = "float", dtypes: Sequence[str] = DTYPES,
                                    tol_ulp: float = 4.0, about: str = "statement",
                                    budget: float = 30.0, description: str = "") -> Evidence:
    r"""The numpy ``power_mean_aggregate`` kernel near the limit point of each ``Lim`` part, against the
    statement's limit value, in ULP (kind ``numpy``).

    Usage (a statement with ``Lim(P(mpos, q, eta), q, point, value)`` or ``Lim(M(mpos, q), q, point, value)``
    parts; ``M`` is the kernel with ``η = 0``)::

        from verify.aggregation.kernel_claims import power_mean_limit_float_evidence
        evidence=[..., power_mean_limit_float_evidence([{mpos: POS}, {mpos: SMALL}], label="float")]

    Everything else as :func:`softmax_limit_float_evidence` (``q`` is the limit variable; towards ``q -> 1``
    the default ladder is ``1 ± (1e-4, 1e-8, 1e-12, 1e-15)`` then ``nextafter(1, ±inf)``; a ``Rel`` part
    ``P(m, 1, η) == rhs`` is read as that limit).
    """
    return _limit_float_evidence("power_mean", instances, xs, label, dtypes, tol_ulp, about, budget, description)


def _default_xs(point: Any, side: str) -> list[float]:
    import sympy

    if point == sympy.oo:
        return list(FLOAT_LADDER_INF)
    if point == -sympy.oo:
        return [-x for x in FLOAT_LADDER_INF]
    p = float(point)
    sgn = 1.0 if side == "+" else -1.0
    if p == 0:
        return [sgn * h for h in FLOAT_LADDER_ZERO]
    return [p + sgn * h for h in FLOAT_LADDER_ONE] + [float(np.nextafter(p, sgn * np.inf))]


def _kernel_node(kind: str, expr: Any) -> tuple[Any, Any, Any] | None:
    """``(messages, parameter, eta)`` of the statement's kernel quantity node (``None`` if it is not one)."""
    import sympy

    from .quantities import M, P, S

    if kind == "softmax" and isinstance(expr, S):
        return expr.args[0], expr.args[1], expr.args[2]
    if kind == "power_mean" and isinstance(expr, P):
        return expr.args[0], expr.args[1], expr.args[2]
    if kind == "power_mean" and isinstance(expr, M):
        return expr.args[0], expr.args[1], sympy.Integer(0)
    return None


def _rel_as_limit(kind: str, part: Any) -> Any:
    """A ``Rel`` part ``K(m, p0, η) == rhs`` with a kernel node ``K`` at a number ``p0`` (``λ = 0``, ``q = 1``
    ...), read as ``lim_{t -> p0} K(m, t, η) = rhs`` (the kernel's function is continuous in its parameter),
    so the kernel is evaluated NEAR ``p0``, never at the special-cased value itself; else ``None``."""
    import sympy

    from verify.core.statement import Lim, Rel

    if not isinstance(part, Rel) or part.rel != "==":
        return None
    node = _kernel_node(kind, part.lhs)
    if node is None or not node[1].is_number:
        return None
    t = sympy.Dummy("lambda" if kind == "softmax" else "q", real=True)
    expr = part.lhs.func(*[t if k == 1 else a for k, a in enumerate(part.lhs.args)])
    return Lim(expr, t, node[1], part.rhs)


def _round_instance(inst: dict, msgs: Any, dtype: str) -> tuple[dict, np.ndarray]:
    """The instance with the message tuple rounded to ``dtype`` (exact binary floats) and the array."""
    from verify.core.evaluate import evaluate

    with mpmath.workdps(60):
        vals = evaluate(msgs, inst)
    arr = np.asarray([float(v) for v in vals], dtype=np.float64).astype(dtype)
    out = dict(inst)
    if msgs in inst:
        out[msgs] = tuple(float(v) for v in arr)
    return out, arr


def _limit_float_evidence(kind: str, instances: Sequence[dict], xs: Sequence[float] | None, label: str,
                          dtypes: Sequence[str], tol_ulp: float, about: str, budget: float,
                          description: str) -> Evidence:
    from verify.core.claim import Prop
    from verify.core.numeric import float_ladder
    from verify.core.statement import Lim

    instances = [dict(i) for i in instances]
    xs_given = None if xs is None else [float(x) for x in xs]
    if xs_given is not None and len(xs_given) < 2:
        raise ValueError("a float ladder needs at least 2 values")
    what = "softmax_aggregate" if kind == "softmax" else "power_mean_aggregate"

    def run(prop: Any) -> Outcome:
        import sympy

        from verify.core.evaluate import evaluate
        from verify.core.statement import Statement

        from . import kernels

        if not isinstance(prop.statement, Statement):
            return Outcome("undecided", "no SymPy statement to read")
        parts = [p for p in prop.statement.parts() if isinstance(p, Lim)]
        parts += [_rel_as_limit(kind, p) for p in prop.statement.parts() if _rel_as_limit(kind, p) is not None]
        if not parts:
            return Outcome("undecided", "no limit (or kernel value at a limit parameter) in the statement")
        kernel = kernels.softmax_aggregate if kind == "softmax" else kernels.power_mean_aggregate
        figs, worst, rows = [], 0.0, {}
        for part in parts:
            node = _kernel_node(kind, part.expr)
            if node is None:
                return Outcome("undecided", f"the limit of {sympy.sstr(part.expr)} is not a {what} quantity")
            msgs, param, eta_arg = node
            sides = ("+",) if part.point in (sympy.oo, -sympy.oo) else part.directions()
            for side in sides:
                if xs_given is None:
                    ladder = _default_xs(part.point, side)
                elif side == "-" and part.point.is_finite:  # the given approach from above, mirrored
                    ladder = [2 * float(part.point) - x for x in xs_given]
                else:
                    ladder = xs_given
                if any(x == float(part.point) for x in ladder if part.point.is_finite) or \
                        any(np.isinf(x) for x in ladder):
                    return Outcome("undecided", "a ladder value is the limit point itself (circular)")
                for dt in dtypes:
                    rounded = [_round_instance(inst, msgs, dt)[0] for inst in instances]

                    def fn(inst: dict, x: float, dtype: str) -> float:
                        arr = _round_instance(inst, msgs, dtype)[1]  # already rounded: idempotent
                        env = dict(inst)
                        env[part.var] = x
                        with mpmath.workdps(30):
                            p = float(evaluate(param, env))
                            e = float(evaluate(eta_arg, inst))
                        return kernel(arr, np.zeros(arr.size, dtype=np.int64), 1, p, e)[0]

                    ev = float_ladder(fn, rounded, ladder, dtypes=(dt,), tol_ulp=tol_ulp)
                    out = ev.run(Prop(part, prop.condition))
                    where = f"{sympy.sstr(part.var)}->{sympy.sstr(part.point)}" + (side if len(sides) > 1 else "")
                    if out.finding != "holds":
                        return Outcome(out.finding, f"{where}: {out.figure}", out.detail,
                                       data=dict(out.data, limit=where, dtype=dt))
                    w = float(out.data.get("max_ulp", 0.0))
                    worst = max(worst, w)
                    rows[f"{where} [{dt}]"] = w
                    figs.append(where)
        n = len(rows)
        return Outcome("holds", f"{what} within {fmt(worst)} ULP of the claimed limit near the point "
                                f"({n} ladder(s): {', '.join(sorted(set(figs)))}; {', '.join(dtypes)})",
                       data={"max_ulp": worst, "per_ladder": rows})

    return Evidence("numpy", run, label=label, about=about, budget=budget,
                    description=description or f"the numpy {what} kernel at parameters approaching the limit "
                                               f"point (never at it) against the statement's limit, per dtype, "
                                               f"in ULP (tolerance {fmt(tol_ulp)})")


def kernel_errors() -> dict[tuple[str, str], list[float]]:
    """Worst error per case of each sweep (for the figure): ``{(kind, dtype): [max_ulp per case]}``."""
    from .accuracy import sweep

    return {(k, d): [c.max_ulp for c in sweep(k, d, seed=0).cases]
            for k in ("softmax", "power_mean") for d in DTYPES}
