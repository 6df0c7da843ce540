"""High-precision and floating-point evidence.

* :func:`ladder` evaluates a quantity at rising mpmath precision; a value still moving as the precision
  rises is not yet a result.
* :func:`ulp_error` measures a floating-point array against an mpmath reference in units in the last place.

Evidence computed from a claim's statement (each builder returns an :class:`Evidence` whose ``run`` takes
the proposition, so a mutant of the statement runs through it unchanged):

* :func:`at_points` — the statement's relations at instances along a precision ladder, a violation
  certified by an arb enclosure (:func:`certify_violation`);
* :func:`limit_ladder` — the statement's limits along a ladder towards the point (never one finite point);
* :func:`exact_limit` — the exact SymPy limit at instances, a difference certified by arb;
* :func:`counterexample` — one instance where the statement fails, certified;
* :func:`float_ladder` — a floating-point implementation approaching the statement's limit, in ULP.

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


def _short(v: Any) -> str:
    if isinstance(v, mpmath.matrix):
        if v.rows * v.cols <= 4:  # small enough to read: the entries, row by row
            return "[" + ", ".join("[" + ", ".join(fmt(x, 6) for x in (v[r, c] for c in range(v.cols))) + "]"
                                   for r in range(v.rows)) + "]"
        return f"[{v.rows}x{v.cols} matrix]"
    return fmt(v, 6)


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


# ================================================================================================
# Evidence computed from the statement (the claim's SymPy parts), so that a mutant runs through it
# ================================================================================================

def _parts(prop: Any) -> tuple:
    from .statement import Statement

    stmt = prop.statement
    if not isinstance(stmt, Statement):
        raise TypeError("this evidence needs a SymPy statement (verify.core.statement)")
    return stmt.parts()


def _work(prop: Any, instances: Sequence[dict], kind: type) -> tuple[list, list[dict]] | Outcome:
    """The statement's parts of ``kind`` (``Rel`` or ``Lim``) and the instances the proposition speaks
    about, or an *undecided* outcome saying which of the two is missing."""
    parts = [p for p in _parts(prop) if isinstance(p, kind)]
    if not parts:
        what = "relation" if kind.__name__ == "Rel" else "limit"
        return Outcome("undecided", f"no {what} in the statement")
    insts = _instances_for(prop, instances)
    if not insts:
        return Outcome("undecided", "no instance satisfies the condition")
    return parts, insts


def _instances_for(prop: Any, instances: Sequence[dict]) -> list[dict]:
    """The instances the proposition speaks about: those in the domain of its symbols (their SymPy
    assumptions: positive, nonnegative, integer ...) that satisfy its condition (if any)."""
    from .statement import satisfies

    syms = prop.statement.free_symbols() if hasattr(prop.statement, "free_symbols") else set()
    return [inst for inst in instances if in_domain(inst, syms) and satisfies(prop.condition, inst)]


def in_domain(instance: dict, symbols: Any) -> bool:
    """Whether an instance's values respect the assumptions of the statement's symbols."""
    from .statement import VectorSymbol, _to_sympy

    for sym in symbols:
        if sym not in instance:
            continue
        val = instance[sym]
        if isinstance(sym, VectorSymbol):
            checks = [(_to_sympy(v), sym.element) for v in (val if isinstance(val, (tuple, list)) else (val,))]
        elif isinstance(sym, __import__("sympy").Symbol):
            if isinstance(val, (tuple, list)):
                continue
            checks = [(_to_sympy(val), {k: getattr(sym, f"is_{k}") for k in
                                        ("positive", "nonnegative", "negative", "integer") if getattr(sym, f"is_{k}")})]
        else:
            continue
        for v, req in checks:
            if not getattr(v, "is_number", False):
                continue
            for key, want in req.items():
                if want and key in ("positive", "nonnegative", "negative", "integer") and getattr(v, f"is_{key}") is False:
                    return False
    return True


def _rel_gap_value(a: Any, b: Any, rel: str) -> Any:
    """Signed violation of ``a rel b`` (> 0 means violated), relative to the scale of the sides."""
    if isinstance(a, mpmath.matrix) or isinstance(b, mpmath.matrix):
        return _rel_gap(a, b) if rel == "==" else mpmath.inf
    a, b = mpmath.mpmathify(a), mpmath.mpmathify(b)
    if isinstance(a, mpmath.mpc) or isinstance(b, mpmath.mpc):
        if rel != "==":
            return mpmath.inf
        return abs(a - b) / max(abs(b), mpmath.mpf(1))
    scale = max(abs(a), abs(b), mpmath.mpf(1))
    d = (a - b) / scale
    return {"==": abs(d), "<=": d, "<": d, ">=": -d, ">": -d}[rel]


def _violated(v: Any, rel: str, tol: Any) -> bool:
    if rel in ("<", ">"):
        return v >= -tol if rel == "<" or rel == ">" else False
    return v > tol


def _eval_rel(part: Any, inst: dict, dps: int) -> tuple[Any, Any, Any]:
    from .evaluate import evaluate

    with mpmath.workdps(dps):
        a, b = evaluate(part.lhs, inst), evaluate(part.rhs, inst)
        return a, b, _rel_gap_value(a, b, part.rel)


def at_points(instances: Sequence[dict], label: str = "", about: str = "statement",
              dps: Sequence[int] = (50, 100), budget: float = 60.0, description: str = "",
              certify: bool = True) -> Evidence:
    """The statement's relations (``Rel`` parts) evaluated at concrete instances along a precision ladder.

    ``holds`` when every part holds at every instance (equalities to ``10^-(top-10)`` relative, strict
    inequalities with a margin above that); ``refuted`` when some part fails at an instance by a gap that
    is stable across the ladder, certified by an arb enclosure when every node has an arb implementation.
    ``Lim`` parts are skipped here (use :func:`limit_ladder` / :func:`exact_limit`).  For evidence about
    a condition, only the instances satisfying the condition are used.
    """
    if min(dps) < 50:
        raise ValueError(f"dps ladder must start at 50 digits or more, got {tuple(dps)}")
    instances = [dict(i) for i in instances]

    def run(prop: Any) -> Outcome:
        from .statement import Rel, describe_instance

        work = _work(prop, instances, Rel)
        if isinstance(work, Outcome):
            return work
        parts, insts = work
        worst, n_checked = mpmath.mpf(-1), 0
        top = dps[-1]
        for inst in insts:
            for k, part in enumerate(parts):
                try:
                    a, b, v = _eval_rel(part, inst, top)
                except Exception as exc:  # noqa: BLE001 - outside the domain
                    return Outcome("undecided", f"cannot evaluate part {k + 1} at {describe_instance(inst)}: {exc}")
                n_checked += 1
                tol = mpmath.mpf(10) ** (-(top - 10))
                bad = (v >= -tol) if part.rel in ("<", ">") else (v > tol)
                worst = max(worst, v)
                if bad:
                    _, _, v_low = _eval_rel(part, inst, dps[0])
                    stable = abs(v_low - v) <= mpmath.mpf(10) ** (-(dps[0] - 15)) * max(abs(v), mpmath.mpf(1))
                    where = describe_instance(inst)
                    if not stable:
                        return Outcome("undecided", f"gap still moving with precision at {where}")
                    fig = f"fails at {where}: {_short(a)} {part.rel} {_short(b)} is false"
                    data = {"where": where, "part": k + 1, "violation": fmt(v, 4)}
                    if certify:
                        cert = certify_violation(part, inst)
                        data["certified"] = cert["certified"]
                        data["enclosure"] = cert["text"]
                        fig += f"; arb: {cert['text']}"
                    return Outcome("refuted", fig, f"part {k + 1}: lhs = {_short(a)}, rhs = {_short(b)}", data=data)
        fig = (f"{n_checked} checks at {len(insts)} instances hold at {top} digits "
               f"(largest relative violation {fmt(max(worst, mpmath.mpf(0)))})")
        ineq = [(part, inst) for inst in insts for part in parts if part.rel != "=="]
        n_cert = sum(certify_holds(part, inst) for part, inst in ineq) if certify and ineq else 0
        if ineq and certify:
            fig += f"; {n_cert}/{len(ineq)} inequalities certified by arb"
        return Outcome("holds", fig, data={"instances": len(insts), "dps": list(dps),
                                           "inequalities_certified": [n_cert, len(ineq)]})

    return Evidence("mpmath", run, label=label, about=about, budget=budget,
                    description=description or f"the statement at {len(instances)} instances, precision ladder "
                                               f"{list(dps)} digits")


def certify_holds(part: Any, inst: dict, prec_bits: int = 256) -> bool:
    """Whether an arb enclosure of ``lhs - rhs`` proves the inequality ``part`` at the instance."""
    from .evaluate import CannotEvaluate, evaluate

    try:
        import flint
    except ImportError:  # pragma: no cover
        return False
    try:
        d = evaluate(part.lhs, inst, "arb", prec=prec_bits) - evaluate(part.rhs, inst, "arb", prec=prec_bits)
        if isinstance(d, flint.arb_mat):
            return False
        return bool({"<=": d <= 0, "<": d < 0, ">=": d >= 0, ">": d > 0}[part.rel])
    except (CannotEvaluate, ValueError, ZeroDivisionError, TypeError, AttributeError):
        return False


def certify_violation(part: Any, inst: dict, prec_bits: int = 256) -> dict:
    """Enclose ``lhs - rhs`` of a relation at an instance in an arb ball (python-flint).

    ``certified`` is true when the ball proves the relation false: excludes 0 for ``==``, lies in the
    violating half-line for an inequality.  Where arb cannot evaluate a node, ``certified`` is false and
    the text says why.
    """
    from .evaluate import CannotEvaluate, ball_text, evaluate

    try:
        import flint
    except ImportError:  # pragma: no cover
        return {"certified": False, "text": "python-flint not installed"}
    old = flint.ctx.prec
    flint.ctx.prec = prec_bits
    try:
        a, b = evaluate(part.lhs, inst, "arb"), evaluate(part.rhs, inst, "arb")
        d = a - b
        if isinstance(d, flint.arb_mat):
            entries = [d[i, j] for i in range(d.nrows()) for j in range(d.ncols())]
            hit = [e for e in entries if not e.contains(0)]
            ok = part.rel == "==" and bool(hit)
            return {"certified": ok, "text": (f"entry gap {ball_text(hit[0])} excludes 0" if hit else
                                              "every entry's gap ball contains 0")}
        ok = {"==": not d.contains(0), "<=": d > 0, "<": d >= 0, ">=": d < 0, ">": d <= 0}[part.rel]
        return {"certified": bool(ok), "text": f"lhs - rhs in {ball_text(d)}" + (" (certified)" if ok else
                                                                                  " (not certified)")}
    except (CannotEvaluate, ValueError, ZeroDivisionError) as exc:
        return {"certified": False, "text": f"no enclosure: {exc}"}
    finally:
        flint.ctx.prec = old


def approach(point: Any, rungs: Sequence[int] = (1, 2, 3, 4, 5, 6), side: str = "+") -> list:
    """Parameter values moving to ``point``: ``10^k`` towards ``+∞``, ``-10^k`` towards ``-∞``,
    ``point ± 10^-k`` towards a finite point (``side`` ``"+"`` from above, ``"-"`` from below)."""
    import sympy

    if point == sympy.oo:
        return [mpmath.mpf(10) ** k for k in rungs]
    if point == -sympy.oo:
        return [-mpmath.mpf(10) ** k for k in rungs]
    p = mpmath.mpf(int(point)) if sympy.sympify(point).is_Integer else mpmath.mpf(str(sympy.N(point, 60)))
    sgn = 1 if side == "+" else -1
    return [p + sgn * mpmath.mpf(10) ** (-k) for k in rungs]


def _ladder_at(part: Any, inst: dict, xs: Sequence[Any], dps: Sequence[int]) -> tuple[list, Any]:
    from .evaluate import evaluate

    dists, limit_value = [], None
    for x, d in zip(xs, dps):
        with mpmath.workdps(d):
            env = dict(inst)
            env[part.var] = x
            v = evaluate(part.expr, env)
            if isinstance(v, mpmath.mpc) and abs(mpmath.im(v)) < mpmath.mpf(10) ** (-(d - 10)):
                v = mpmath.re(v)
            if part.value is None:
                dists.append(v)
                continue
            L = evaluate(part.value, inst)
            limit_value = L
            dists.append(abs(v - L))
    return dists, limit_value


def _ladder_decision(dists: list) -> tuple[str, str]:
    """holds / refuted / undecided for distances |f(x_k) - L| along a ladder (at least 3 rungs).

    A ladder cannot tell a stall from a limit approached slower than any power over its range (``x^-1/1000``
    towards ``+oo`` moves by under 1 % per rung): such a statement needs :func:`exact_limit` instead.
    """
    if len(dists) < 3:
        return "undecided", "a ladder needs at least 3 rungs"
    first, last = dists[0], dists[-1]
    monotone = all(b <= a for a, b in zip(dists, dists[1:]))
    if last == 0 or (monotone and last * 10**8 <= first) or (monotone and last <= mpmath.mpf(10) ** -40):
        return "holds", "approaching"
    if last >= first and last > mpmath.mpf(10) ** -30:
        return "refuted", "not approaching"
    if last > 0 and abs(dists[-1] - dists[-2]) <= dists[-1] / 100 and last > mpmath.mpf(10) ** -30:
        return "refuted", f"stalls at distance {fmt(last)}"
    return "undecided", "not yet conclusive"


def limit_ladder(instances: Sequence[dict], xs: Sequence[Any] | None = None, rungs: Sequence[int] = (2, 4, 6, 8, 10, 12),
                 label: str = "", about: str = "statement", rate: Any = None, budget: float = 60.0,
                 dps: Sequence[int] | None = None, description: str = "") -> Evidence:
    """The statement's limits (``Lim`` parts) at instances: ``|f(x_k) - L|`` along ``x_k -> point`` with
    the point, ``f`` and ``L`` read from the statement.

    ``holds`` when the distance decreases to below ``10^-8`` of its first value (or 0) at every instance
    (and, with ``rate`` a SymPy expression in the limit variable and the instance symbols, stays below
    it); ``refuted`` when it stalls away from 0 (last rungs within 1 %) or does not decrease: evidence
    about the limit, never about one finite point.  Both sides of a two-sided finite limit are taken.
    ``xs`` overrides the ladder (values in the limit variable); ``dps`` the precision per rung (default
    50 + 10 k).
    """
    instances = [dict(i) for i in instances]

    def run(prop: Any) -> Outcome:
        import sympy

        from .evaluate import evaluate
        from .statement import Lim, describe_instance

        work = _work(prop, instances, Lim)
        if isinstance(work, Outcome):
            return work
        parts, insts = work
        figs, data = [], {}
        for part in parts:
            sides = part.directions() if part.point not in (sympy.oo, -sympy.oo) else ("+",)
            for inst in insts:
                for side in sides:
                    ladder_x = list(xs) if xs is not None else approach(part.point, rungs, side)
                    ladder_dps = list(dps) if dps is not None else [50 + 10 * k for k in range(len(ladder_x))]
                    where = describe_instance(inst) + (f", {part.var}->{sympy.sstr(part.point)}{side}"
                                                       if len(sides) > 1 else "")
                    try:
                        dists, _ = _ladder_at(part, inst, ladder_x, ladder_dps)
                    except Exception as exc:  # noqa: BLE001
                        return Outcome("undecided", f"cannot evaluate at {where}: {exc}")
                    if part.value is None:  # "the limit exists": successive differences must shrink
                        diffs = [abs(b - a) for a, b in zip(dists, dists[1:])]
                        finding, why = _ladder_decision(diffs)
                        if finding == "refuted":
                            return Outcome("refuted", f"no limit at {where}: f = " + ", ".join(fmt(v) for v in dists)
                                           + f" ({why})", data={"values": [fmt(v, 4) for v in dists]})
                        if finding != "holds":
                            return Outcome("undecided", f"convergence not shown at {where}")
                        figs.append(f"{where}: f settles (successive differences {fmt(diffs[0])} -> {fmt(diffs[-1])})")
                        continue
                    finding, why = _ladder_decision(dists)
                    if rate is not None and finding != "refuted":
                        for x, dist, d in zip(ladder_x, dists, ladder_dps):
                            with mpmath.workdps(d):
                                env = dict(inst)
                                env[part.var] = x
                                bnd = evaluate(rate, env)
                                if dist > bnd * (1 + mpmath.mpf(10) ** -30):
                                    return Outcome("refuted", f"rate violated at {where}, {part.var}={fmt(x)}: "
                                                              f"|f - L| = {fmt(dist)} > {fmt(bnd)}")
                    fig = f"{where}: |f - L| {fmt(dists[0])} -> {fmt(dists[-1])}"
                    data[where] = [fmt(v, 3) for v in dists]
                    if finding == "refuted":
                        return Outcome("refuted", fig + f" ({why})", data={"distances": data[where]})
                    if finding == "undecided":
                        return Outcome("undecided", fig + f" ({why})", data={"distances": data[where]})
                    figs.append(fig)
        n = len(figs)
        head = figs[0] if n == 1 else f"{n} ladders approach the limit; e.g. {figs[0]}"
        return Outcome("holds", head + ("" if rate is None else "; within the predicted rate"),
                       data={"distances": data})

    return Evidence("mpmath", run, label=label, about=about, budget=budget,
                    description=description or "distance to the claimed limit along a ladder towards the point, "
                                               "at growing precision" + (", against the predicted rate" if rate is not None else ""))


def exact_limit(instances: Sequence[dict], label: str = "", about: str = "statement", budget: float = 60.0,
                description: str = "") -> Evidence:
    """Exact limits at instances: each ``Lim`` part, with the instance substituted and every quantity
    replaced by its explicit SymPy form, goes to SymPy's Gruntz algorithm; the result is compared with the
    claimed value exactly, and a difference is enclosed in an arb ball (a certified refutation).

    A limit ``±oo`` where a finite value (or existence) is claimed refutes as well.
    """
    instances = [dict(i) for i in instances]

    def run(prop: Any) -> Outcome:
        import sympy

        from .statement import Lim, Rel, describe_instance, explicit
        from .symbolic import is_zero

        work = _work(prop, instances, Lim)
        if isinstance(work, Outcome):
            return work
        parts, insts = work
        shown = []
        for part in parts:
            for inst in insts:
                concrete = part.subs(inst)
                f = explicit(concrete.expr)
                where = describe_instance(inst)
                if f.atoms(sympy.Function) and any(getattr(type(a), "mp_impl", None) for a in f.atoms(sympy.Function)):
                    return Outcome("undecided", f"no explicit SymPy form at {where}")
                for d in concrete.directions():
                    try:
                        val = sympy.limit(f, part.var, part.point, d)
                    except Exception as exc:  # noqa: BLE001
                        return Outcome("undecided", f"SymPy could not take the limit at {where} ({type(exc).__name__})")
                    if val.has(sympy.Limit) or val.has(sympy.AccumBounds):
                        return Outcome("undecided", f"SymPy could not take the limit at {where}")
                    side = "" if len(concrete.directions()) == 1 else d
                    if val in (sympy.oo, -sympy.oo, sympy.zoo):
                        if concrete.value is not None and concrete.value == val:
                            continue
                        return Outcome("refuted", f"at {where}: the limit{side} is {sympy.sstr(val)} (exact)",
                                       data={"where": where, "limit": sympy.sstr(val), "certified": True})
                    if concrete.value is None:
                        shown.append(f"{where}: {sympy.sstr(val)}")
                        continue
                    target = explicit(concrete.value)
                    z = is_zero(val - target)
                    if z is True:
                        if f"{where}: {sympy.sstr(val)}" not in shown:
                            shown.append(f"{where}: {sympy.sstr(val)}")
                        continue
                    cert = certify_violation(Rel(val, target, "=="), {})
                    if cert["certified"] or z is False:
                        return Outcome("refuted", f"at {where}: exact limit{side} {_sstr(val)} vs claimed "
                                                  f"{_sstr(target)}; arb: {cert['text']}",
                                       data={"where": where, "limit": sympy.sstr(val), "claimed": sympy.sstr(target),
                                             "certified": cert["certified"], "enclosure": cert["text"]})
                    return Outcome("undecided", f"at {where}: limit {_sstr(val)}, equality with {_sstr(target)} "
                                                f"not decided")
        return Outcome("holds", f"exact limit at {len(insts)} instance(s): " + "; ".join(shown[:2])
                       + (" ..." if len(shown) > 2 else ""), data={"limits": shown})

    return Evidence("symbolic", run, label=label, about=about, budget=budget,
                    description=description or "exact limit (SymPy, Gruntz) at concrete instances")


def _sstr(e: Any) -> str:
    import sympy

    s = sympy.sstr(e)
    return s if len(s) <= 40 else sympy.sstr(sympy.N(e, 12))


def counterexample(instance: dict, label: str = "", about: str = "statement", budget: float = 60.0,
                   tex: str | None = None, description: str = "") -> Evidence:
    """A concrete instance at which the statement fails, decided from the statement.

    ``Rel`` parts are evaluated at 50 and 100 digits (the gap must be stable) and enclosed in arb balls
    (certified when the ball proves the relation false); ``Lim`` parts are decided by the exact limit at
    the instance (never by the value at one finite parameter).  ``holds`` when the statement is true at
    the instance (then it is no counterexample).
    """
    pts = at_points([instance], dps=(50, 100))
    lim = exact_limit([instance])

    def run(prop: Any) -> Outcome:
        from .statement import Lim, Rel

        parts = _parts(prop)
        outs = []
        if any(isinstance(p, Rel) for p in parts):
            outs.append(pts.run(prop))
        if any(isinstance(p, Lim) for p in parts):
            outs.append(lim.run(prop))
        for o in outs:
            if o.finding == "refuted":
                return Outcome("refuted", o.figure, o.detail, data=o.data, tex=tex)
        for o in outs:
            if o.finding == "undecided":
                return o
        return Outcome("holds", "no counterexample: " + "; ".join(o.figure for o in outs))

    from .statement import describe_instance

    return Evidence("counterexample", run, label=label, about=about, budget=budget,
                    description=description or f"counterexample at {describe_instance(instance)}, certified by arb")


def limit_probe(statement: Any, trials: int = 3, seed: int = 0) -> dict | None:
    """A random instance of a ``Lim`` statement's other symbols at which the ladder towards the point
    stalls away from the claimed value (``None`` if none is found)."""
    import random

    from .symbolic import random_point

    rng = random.Random(seed)
    for _ in range(trials):
        try:
            inst = random_point([statement.expr, statement.value], rng, {})
            inst.pop(statement.var, None)
            dists, _ = _ladder_at(statement, inst, approach(statement.point, (2, 4, 6, 8)), [60, 70, 80, 90])
        except Exception:  # noqa: BLE001
            continue
        finding, why = _ladder_decision(dists)
        if finding == "refuted":
            from .symbolic import _show_point

            return {"point": _show_point(inst), "value": f"|f - L| -> {fmt(dists[-1])} ({why})"}
    return None


def float_ladder(fn: Callable[[dict, Any, Any], Any], instances: Sequence[dict], xs: Sequence[Any],
                 dtypes: Sequence[str] = ("float32", "float64"), tol_ulp: float = 4.0, label: str = "",
                 about: str = "statement", budget: float = 60.0, description: str = "") -> Evidence:
    """A floating-point implementation against the statement's limit, at parameters *approaching* the
    limit point (never at the point itself, where a kernel may special-case the answer).

    ``fn(instance, x, dtype)`` returns the implementation's value at parameter ``x`` (a float of
    ``dtype``).  For every ``Lim`` part and instance, the claimed value ``L`` is evaluated from the
    statement at 60 digits and the error of ``fn`` at each ``x`` is measured in ULP of ``L``.  ``holds``
    when the error at the last rung is within ``tol_ulp`` for every dtype; ``refuted`` when it is above
    and the last two rungs agree (the implementation has settled somewhere else).
    """
    instances = [dict(i) for i in instances]
    xs = list(xs)

    def run(prop: Any) -> Outcome:
        from .evaluate import evaluate
        from .statement import Lim, describe_instance

        work = _work(prop, instances, Lim)
        if isinstance(work, Outcome):
            return work
        parts, insts = work
        worst = 0.0
        for part in parts:
            for inst in insts:
                with mpmath.workdps(60):
                    L = evaluate(part.value, inst)
                for dt in dtypes:
                    errs = [float(ulp_error(np.asarray([fn(inst, x, dt)]), [L], dt)[0]) for x in xs]
                    where = f"{describe_instance(inst)} [{dt}]"
                    if errs[-1] > tol_ulp and len(errs) >= 2:
                        settled = abs(errs[-1] - errs[-2]) <= 0.01 * errs[-1] or np.isinf(errs[-1])
                        if settled:
                            return Outcome("refuted", f"{where}: {fmt(errs[-1])} ULP from the claimed limit at "
                                                      f"{part.var}={fmt(xs[-1])} (settled)",
                                           data={"ulp": [fmt(e, 3) for e in errs]})
                        return Outcome("undecided", f"{where}: still {fmt(errs[-1])} ULP away at the last rung")
                    worst = max(worst, errs[-1])
        return Outcome("holds", f"within {fmt(worst)} ULP of the claimed limit at {parts[0].var}={fmt(xs[-1])} "
                                f"({', '.join(dtypes)})", data={"max_ulp": worst})

    return Evidence("numpy", run, label=label, about=about, budget=budget,
                    description=description or "the implementation near the limit point against the claimed "
                                               "limit, per dtype, in ULP")
