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

from .claim import Evidence, Outcome, Prop, Squeeze, Step

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
        try:
            e = simp(expr)
        except Exception:  # noqa: BLE001 - a simplifier that fails on an expression decides nothing
            continue
        if e == 0:
            return True
        if e.is_zero is False and e.is_number:
            return False
    return None


def _free_real_symbols(expr: Any) -> list[sympy.Symbol]:
    return sorted((s for s in sympy.sympify(expr).free_symbols if isinstance(s, sympy.Symbol)), key=str)


def _sample_value(assumptions: dict, rng: random.Random) -> Any:
    if assumptions.get("integer"):
        lo = 1 if assumptions.get("positive") else (0 if assumptions.get("nonnegative") else -7)
        return rng.randint(lo, lo + 5)
    if assumptions.get("positive"):
        return mpmath.mpf(rng.uniform(0.05, 4.0))
    if assumptions.get("nonnegative"):
        return mpmath.mpf(rng.uniform(0.0, 4.0))
    if assumptions.get("negative"):
        return -mpmath.mpf(rng.uniform(0.05, 4.0))
    return mpmath.mpf(rng.uniform(-4.0, 4.0))


def _assumptions(sym: Any) -> dict:
    from .statement import VectorSymbol

    if isinstance(sym, VectorSymbol):
        return sym.element
    keys = ("integer", "positive", "nonnegative", "negative", "real")
    return {k: getattr(sym, f"is_{k}") for k in keys if getattr(sym, f"is_{k}", None)}


def _sample(sym: sympy.Symbol, rng: random.Random) -> Any:
    return _sample_value(_assumptions(sym), rng)


def random_point(exprs: Sequence[Any], rng: random.Random, fixed: dict | None = None) -> dict:
    """A random point for every free symbol, vector symbol, indexed base and matrix symbol of ``exprs``
    (respecting their assumptions).  Vector symbols come first: a vector's ``size_symbol`` (``n``) is bound
    to its length and an indexed base of the same name to its entries (1-based), so a quantity and its
    general-n definition agree at the point; then integer symbols, since matrix shapes and sum bounds use
    them."""
    from .statement import VectorSymbol

    env: dict = dict(fixed or {})
    exprs = [sympy.sympify(e) for e in exprs]
    syms: set = set()
    labels: set = set()
    for e in exprs:
        syms |= set(e.free_symbols)
        labels |= {b.label for b in e.atoms(sympy.IndexedBase)}
        for ms in e.atoms(sympy.MatrixSymbol):  # matrix sizes are symbols too (p, n): sample them
            for d in ms.shape:
                syms |= set(sympy.sympify(d).free_symbols)
    vectors = {}
    for s in sorted((s for s in syms if isinstance(s, VectorSymbol)), key=str):
        if s not in env:
            lo, hi = s.size
            env[s] = tuple(_sample_value(s.element, rng) for _ in range(rng.randint(lo, hi)))
        vectors[s.name] = env[s]
        if s.size_symbol is not None and s.size_symbol not in env:
            env[s.size_symbol] = len(env[s])
    for s in sorted(syms, key=lambda s: (not getattr(s, "is_integer", False), str(s))):
        if s in env or s in labels or isinstance(s, (sympy.Indexed, sympy.IndexedBase, VectorSymbol)):
            continue
        if isinstance(s, sympy.Symbol):
            env[s] = _sample(s, rng)
    for e in exprs:
        for base in sorted(e.atoms(sympy.IndexedBase), key=str):
            if base in env or base.label in env:
                continue
            if str(base.label) in vectors:
                vec = vectors[str(base.label)]

                def entry(*idx, _v=vec):
                    if len(idx) != 1 or not 1 <= int(idx[0]) <= len(_v):
                        raise ValueError("index outside the vector")
                    return _v[int(idx[0]) - 1]

                env[base.label] = entry
                continue
            assumptions = _assumptions(base.label)
            cache: dict = {}
            seed = rng.random()

            def value(*idx, _cache=cache, _a=assumptions, _seed=seed):
                if idx not in _cache:
                    _cache[idx] = _sample_value(_a, random.Random(hash((_seed,) + idx)))
                return _cache[idx]

            env[base.label] = value
        for ms in sorted(e.atoms(sympy.MatrixSymbol), key=str):
            if ms in env:
                continue
            from .evaluate import evaluate

            rows, cols = (int(evaluate(d, env)) for d in ms.shape)
            env[ms] = [[_sample_value({}, rng) for _ in range(cols)] for _ in range(rows)]
    return env


def probe(lhs: Any, rhs: Any, rel: str = "==", trials: int = 40, dps: int = 50, seed: int = 0,
          fixed: dict | None = None, where: Any = None) -> dict | None:
    """Look for a point (respecting the symbols' assumptions) where ``lhs <rel> rhs`` fails.

    Both sides are evaluated by :func:`verify.core.evaluate.evaluate` (quantities by their own mpmath
    implementation, finite sums term by term).  Only a clear violation counts (relative gap above
    ``10^(-dps/2)``).  Returns the point and the two values, or ``None`` if every sampled point agreed.
    """
    from .evaluate import CannotEvaluate, evaluate

    rng = random.Random(seed)
    with mpmath.workdps(dps):
        tol = mpmath.mpf(10) ** (-(dps // 2))
        for _ in range(trials):
            try:
                point = random_point([lhs, rhs] + ([where] if where is not None else []), rng, fixed)
                if where is not None and not evaluate(where, point):
                    continue
                a, b = evaluate(lhs, point), evaluate(rhs, point)
            except (CannotEvaluate, ZeroDivisionError, ValueError, OverflowError, TypeError):
                continue
            if isinstance(a, mpmath.matrix) or isinstance(b, mpmath.matrix):
                try:
                    d = mpmath.mnorm(mpmath.matrix(a) - mpmath.matrix(b), "f")
                except Exception:  # noqa: BLE001 - shapes differ: a failure of equality
                    d = mpmath.inf
                scale = 1 + mpmath.mnorm(mpmath.matrix(b), "f") if not mpmath.isinf(d) else 1
                v = d
                bad = rel == "==" and d > tol * scale
            else:
                if isinstance(a, mpmath.mpc) or isinstance(b, mpmath.mpc):
                    if abs(mpmath.im(a)) > tol or abs(mpmath.im(b)) > tol:
                        continue
                    a, b = mpmath.re(a), mpmath.re(b)
                v = a - b
                scale = 1 + abs(a) + abs(b)
                bad = {"==": abs(v) > tol * scale, "<=": v > tol * scale, "<": v > tol * scale,
                       ">=": v < -tol * scale, ">": v < -tol * scale}[rel]
            if bad:
                return {"point": _show_point(point), "value": mpmath.nstr(v, 8),
                        "lhs": _short(a), "rhs": _short(b)}
    return None


def _short(v: Any) -> str:
    if isinstance(v, mpmath.matrix):
        if v.rows * v.cols <= 4:  # small enough to read: the entries, row by row
            return "[" + ", ".join("[" + ", ".join(mpmath.nstr(x, 8) for x in (v[r, c] for c in range(v.cols))) + "]"
                                   for r in range(v.rows)) + "]"
        return f"[{v.rows}x{v.cols} matrix]"
    return mpmath.nstr(v, 8)


def _show_point(point: dict) -> dict:
    out = {}
    for k, v in sorted(point.items(), key=lambda kv: str(kv[0])):
        if callable(v) or isinstance(v, list):
            continue
        if isinstance(v, tuple):
            out[str(k)] = "(" + ", ".join(mpmath.nstr(mpmath.mpf(x), 6) for x in v) + ")"
        elif isinstance(v, int):
            out[str(k)] = str(v)
        else:
            out[str(k)] = mpmath.nstr(mpmath.mpf(v), 8)
    return out


def numeric_probe(expr: Any, rel: str = "==", trials: int = 40, dps: int = 50, seed: int = 0) -> dict | None:
    """:func:`probe` of ``expr <rel> 0``."""
    return probe(expr, sympy.Integer(0), rel, trials=trials, dps=dps, seed=seed)


_FLIP = {"<=": ">=", "<": ">", ">=": "<=", ">": "<", "==": "=="}


def check_step(step: Step, lhs: Any) -> tuple[bool | None, str]:
    """Check one step whose left side is ``lhs``; return (verified?, explanation).

    A custom ``check`` decides first; when it accepts, the step is cross-checked at sampled points and
    rejected where the two sides differ (a custom check that ignores its arguments cannot pass a false
    step).  Quantities with a definition are unfolded when the plain check cannot decide.
    """
    rhs = step.rhs
    if step.check is not None:
        res = step.check(lhs, rhs)
        ok, why = (res[0], res[1]) if isinstance(res, tuple) else (res, "custom check")
        if ok is True:
            cex = _cross_check(lhs, rhs, step.relation, step.where)
            if cex:
                return False, (f"the custom check accepted the step, but the sides differ at {cex['point']}: "
                               f"{cex['lhs']} vs {cex['rhs']}")
        return ok, why
    from .statement import Quantity, unfold

    L, R = sympy.sympify(lhs), sympy.sympify(rhs)
    if not _is_matrix(L) and (L.atoms(Quantity) or R.atoms(Quantity)):
        uL, uR = unfold(L), unfold(R)
        if (uL, uR) != (L, R):  # quantities with a definition: decide on the definitions first
            ok, why = _default_check(uL, uR, step.relation, step.where)
            if ok is not None:
                return ok, "by definition: " + why
    return _default_check(lhs, rhs, step.relation, step.where)


def _cross_check(lhs: Any, rhs: Any, rel: str, where: Any = None) -> dict | None:
    """A sampled counterexample to ``lhs <rel> rhs`` (matrices and expectations are skipped)."""
    try:
        if _is_matrix(lhs) or _is_matrix(rhs):
            return None
        return probe(lhs, rhs, rel, trials=12, seed=1, where=where)
    except Exception:  # noqa: BLE001 - a cross-check that cannot run leaves the custom check's answer
        return None


def _default_check(lhs: Any, rhs: Any, relation: str, where: Any = None) -> tuple[bool | None, str]:
    if relation == "==":
        z = is_zero(lhs - rhs) if not _is_matrix(lhs) else is_zero(sympy.expand(lhs - rhs))
        if z is True:
            return True, "difference simplifies to 0"
        if _is_matrix(lhs):
            return (False if z is False else None), "matrix difference not shown to vanish"
        cex = probe(lhs, rhs, "==", where=where)
        if cex:
            return False, f"sides differ at {cex['point']}: {cex['lhs']} vs {cex['rhs']}"
        return None, "SymPy could not simplify the difference to 0 (no counterexample found by sampling)"
    # inequality: reduce to  d <rel> 0  with d = lhs - rhs, then ask SymPy's assumptions
    d = sympy.simplify(sympy.sympify(lhs) - sympy.sympify(rhs))
    known = {"<=": d.is_nonpositive, "<": d.is_negative, ">=": d.is_nonnegative, ">": d.is_positive}[relation]
    if known is True:
        return True, "sign of lhs - rhs follows from the assumptions"
    if known is False:
        return False, "SymPy proves the opposite sign"
    cex = probe(lhs, rhs, relation, where=where)
    if cex:
        return False, f"fails at {cex['point']}: {cex['lhs']} vs {cex['rhs']}"
    return None, "SymPy could not establish the sign of lhs - rhs (no counterexample found by sampling)"


def check_steps(steps: Sequence[Step]) -> Outcome:
    """Check free-standing steps (each on its own left side, ``lhs=None`` continuing the previous
    ``rhs``); ``holds`` iff every step is verified.  This proves the steps, *not* a statement: claims
    use :func:`prove`, which binds the chain to the statement's two sides."""
    if not steps:
        return Outcome("undecided", "no steps")
    prev_rhs = None
    lines = []
    for n, step in enumerate(steps, 1):
        lhs = step.lhs if step.lhs is not None else prev_rhs
        if lhs is None:
            return Outcome("undecided", f"step {n} has no left side", "the first step needs an explicit lhs")
        ok, why = check_step(step, lhs)
        lines.append(_line(n, step.relation, ok, why))
        if ok is False:
            return Outcome("refuted", f"step {n}/{len(steps)} is false", "\n".join(lines),
                           data={"failed_step": n, "steps": len(steps)})
        if ok is None:
            return Outcome("undecided", f"step {n}/{len(steps)} undecided", "\n".join(lines),
                           data={"undecided_step": n, "steps": len(steps)})
        prev_rhs = step.rhs
    return Outcome("holds", f"{len(steps)}/{len(steps)} steps verified", "\n".join(lines),
                   data={"steps": len(steps)})


def _line(n: Any, rel: str, ok: bool | None, why: str) -> str:
    return f"step {n} ({rel}): {'verified' if ok else 'FALSE' if ok is False else 'undecided'} - {why}"


# --- derivations bound to statements ------------------------------------------------------------------------

_STRENGTH = {"==": 0, "<=": 1, "<": 2, ">=": 1, ">": 2}
_DIRECTION = {"==": 0, "<=": -1, "<": -1, ">=": 1, ">": 1}


def compose(a: str, b: str) -> str | None:
    """The relation of ``x a y b z`` between ``x`` and ``z`` (``None`` when the directions clash)."""
    if a == "==":
        return b
    if b == "==":
        return a
    if _DIRECTION[a] != _DIRECTION[b]:
        return None
    strict = "<" in (a, b) or ">" in (a, b)
    return ("<" if strict else "<=") if _DIRECTION[a] < 0 else (">" if strict else ">=")


def implies(proved: str | None, claimed: str) -> bool:
    """Whether ``x proved z`` implies ``x claimed z``."""
    if proved is None:
        return False
    if proved == claimed:
        return True
    return {("==", "<="), ("==", ">="), ("<", "<="), (">", ">=")}.__contains__((proved, claimed))


def _same(a: Any, b: Any) -> bool:
    try:
        return sympy.sympify(a) == sympy.sympify(b)
    except Exception:  # noqa: BLE001
        return False


def _sides(statement: Any) -> tuple[Any, Any, str]:
    from .statement import Lim, Rel

    if isinstance(statement, Rel):
        return statement.lhs, statement.rhs, statement.rel
    if isinstance(statement, Lim):
        return statement.limit_expr(), statement.value, "=="
    raise TypeError(f"a derivation proves a Rel or a Lim, not {type(statement).__name__}")


def prove(statement: Any, steps: Sequence[Any], where: Any = None) -> Outcome:
    """Check that ``steps`` prove ``statement`` (a :class:`~verify.core.statement.Rel` or
    :class:`~verify.core.statement.Lim`): the chain starts at the statement's left side (for a limit,
    ``Limit(expr, var, point)``), every step is verified, a restated left side is checked to equal the
    current expression, the last right side is the statement's right side (checked when not identical),
    and the composed relation implies the statement's.  Lemma steps are checked on their own.

    When the chain does not prove the statement, the statement itself is probed at sampled points
    (satisfying ``where``, the condition of a ``holds_if`` claim, when given): ``refuted`` only with a point
    where it fails; otherwise ``undecided`` (a failed proof is not a disproof).
    """
    from .statement import Lim

    lhs0, target, claimed = _sides(statement)
    cur, composite, lines, problem = lhs0, "==", [], None
    chain_steps = 0
    for n, step in enumerate(steps, 1):
        if isinstance(step, Squeeze):
            ok, why = _check_squeeze(statement, step, cur) if isinstance(statement, Lim) else (
                None, "a squeeze proves a limit statement")
            lines.append(_line(n, "squeeze", ok, why))
            if ok is not True:
                problem = problem or f"step {n} (squeeze) {'is false' if ok is False else 'undecided'}"
                break
            cur, chain_steps = target, chain_steps + 1
            continue
        if step.lemma:
            ok, why = check_step(step, step.lhs)
            lines.append(_line(f"{n} (lemma)", step.relation, ok, why))
            if ok is not True:
                problem = problem or f"lemma {n} {'is false' if ok is False else 'undecided'}"
                break
            continue
        if step.lhs is not None and not _same(step.lhs, cur):
            ok, why = check_step(Step(cur, step.lhs, "=="), cur)
            lines.append(_line(f"{n} (restates the current expression)", "==", ok, why))
            if ok is not True:
                problem = problem or (f"step {n} starts from a new left side that is not the current expression "
                                      f"({'differs' if ok is False else 'not shown equal'}); declare it lemma=True "
                                      f"if it is a side fact")
                break
        ok, why = check_step(step, cur if step.lhs is None else step.lhs)
        lines.append(_line(n, step.relation, ok, why))
        if ok is not True:
            problem = problem or f"step {n}/{len(steps)} {'is false' if ok is False else 'undecided'}"
            break
        composite = compose(composite, step.relation)
        if composite is None:
            problem = f"step {n} turns the direction of the chain (≤ after ≥)"
            break
        cur, chain_steps = step.rhs, chain_steps + 1
    if problem is None and not _same(cur, target):
        ok, why = check_step(Step(cur, target, "=="), cur)
        lines.append(_line("end (the statement's right side)", "==", ok, why))
        if ok is not True:
            problem = ("the chain ends at " + sympy.sstr(cur)[:60] + ", not at the statement's right side "
                       f"({'they differ' if ok is False else 'not shown equal'})")
    if problem is None and not implies(composite, claimed):
        problem = f"the chain proves '{composite}' but the statement claims '{claimed}'"
    detail = "\n".join(lines)
    if problem is None:
        return Outcome("holds", f"{chain_steps} step{'s' if chain_steps != 1 else ''} from the left side to the "
                                f"right side verified"
                       + (f" (+{sum(1 for s in steps if getattr(s, 'lemma', False))} lemmas)"
                          if any(getattr(s, "lemma", False) for s in steps) else ""),
                       detail, data={"steps": chain_steps})
    return _disprove_or_undecided(statement, problem, detail, where)


def _disprove_or_undecided(statement: Any, problem: str, detail: str, where: Any = None) -> Outcome:
    from .numeric import limit_probe
    from .statement import Lim

    if isinstance(statement, Lim):
        cex = limit_probe(statement)
        if cex:
            return Outcome("refuted", f"{problem}; the limit differs at {cex['point']}: {cex['value']}",
                           detail + f"\nlimit probe: {cex}", data={"counterexample": cex})
    else:
        cex = probe(statement.lhs, statement.rhs, statement.rel, where=where)
        if cex:
            return Outcome("refuted", f"{problem}; the statement fails at {cex['point']}: "
                                      f"{cex['lhs']} vs {cex['rhs']}",
                           detail + f"\nprobe: {cex}", data={"counterexample": cex})
    return Outcome("undecided", problem, detail)


def _check_squeeze(statement: Any, sq: Squeeze, cur: Any) -> tuple[bool | None, str]:
    """``lower <= f <= upper`` (each by its chain) and both bounds tend to the statement's value."""
    from .statement import Rel

    f, var, point, value = statement.expr, statement.var, statement.point, statement.value
    if not _same(cur, statement.limit_expr()):
        return None, "a squeeze must be the first step of the limit proof"
    reasons = []
    for name, rel, steps in (("lower <= f", Rel(sq.lower, f, "<="), sq.lower_steps),
                             ("f <= upper", Rel(f, sq.upper, "<="), sq.upper_steps)):
        out = prove(rel, steps) if steps else _single(rel)
        if out.finding != "holds":
            return (False if out.finding == "refuted" else None), f"{name}: {out.figure}"
        reasons.append(f"{name}: {out.figure}")
    for name, bound in (("lim lower", sq.lower), ("lim upper", sq.upper)):
        ok, why = limit_equals(bound, var, point, value, statement.directions())
        if ok is not True:
            return ok, f"{name}: {why}"
        reasons.append(f"{name} = {sympy.sstr(value)}: {why}")
    return True, "; ".join(reasons)


def _single(rel: Any) -> Outcome:
    ok, why = check_step(Step(rel.lhs, rel.rhs, rel.rel), rel.lhs)
    return Outcome({True: "holds", False: "refuted", None: "undecided"}[ok], why)


def limit_equals(f: Any, var: Any, point: Any, value: Any, directions: Sequence[str] = ("+",)
                 ) -> tuple[bool | None, str]:
    """``lim_{var->point} f == value`` by SymPy's Gruntz algorithm, cross-checked numerically."""
    from .numeric import limit_probe
    from .statement import Lim

    vals = []
    for d in directions:
        try:
            val = sympy.limit(f, var, point, d)
        except Exception as exc:  # noqa: BLE001
            return None, f"SymPy could not evaluate the limit ({type(exc).__name__})"
        if val.has(sympy.Limit):
            return None, "SymPy could not evaluate the limit"
        vals.append(val)
        z = is_zero(val - value)
        if z is not True:
            if z is False or probe(val, value, "=="):
                return False, f"SymPy finds the limit {sympy.sstr(val)}, not {sympy.sstr(value)}"
            return None, f"SymPy finds {sympy.sstr(val)}; equality with {sympy.sstr(value)} not shown"
    cex = limit_probe(Lim(f, var, point, value))
    if cex:
        return False, f"SymPy finds {sympy.sstr(vals[0])} but the numeric cross-check differs: {cex}"
    return True, f"Gruntz: limit = {sympy.sstr(vals[0])}, cross-checked numerically"


def derivation_evidence(steps: Sequence[Any], label: str = "", about: str = "statement",
                        budget: float = 60.0, description: str = "", part: int | None = None) -> Evidence:
    """Symbolic evidence that ``steps`` prove the claim's statement (or its ``part``-th part of an
    :class:`~verify.core.statement.All`); see :func:`prove`.  The statement comes from the proposition
    the evidence is run on, so a mutated statement is checked against the same chain."""
    steps = tuple(steps)

    def run(prop: Prop) -> Outcome:
        from .statement import Statement

        stmt = prop.statement
        if not isinstance(stmt, Statement):
            return Outcome("undecided", "the statement is not a SymPy statement: nothing to bind the chain to")
        parts = stmt.parts()
        if part is None and len(parts) > 1:
            return Outcome("undecided", "the statement has several parts: say which part the chain proves")
        return prove(parts[part or 0], steps, where=prop.condition)

    return Evidence("symbolic", run, label=label, about=about, budget=budget,
                    description=description or "derivation from the left side to the right side, each step "
                                               "checked exactly by SymPy")


def chains_evidence(chains: Sequence[Sequence[Any]], label: str = "general_n", about: str = "statement",
                    budget: float = 40.0, description: str = "") -> Evidence:
    """Symbolic evidence that ``chains[i]`` proves part ``i`` of the statement (an
    :class:`~verify.core.statement.All`), for every part: one piece of evidence for the whole conjunction, so
    a mutant of any one part is caught by it (a proof of one part alone confirms nothing about the whole)."""
    chains = [tuple(c) for c in chains]

    def run(prop: Prop) -> Outcome:
        parts = prop.statement.parts()
        if len(parts) != len(chains):
            return Outcome("undecided", f"{len(chains)} chains for {len(parts)} parts")
        outs = [prove(p, c, where=prop.condition) for p, c in zip(parts, chains)]
        lines = [f"part {k + 1}: {o.finding} - {o.figure}\n{o.detail}" for k, o in enumerate(outs)]
        for k, o in enumerate(outs):
            if o.finding == "refuted":
                return Outcome("refuted", f"part {k + 1}: {o.figure}", "\n".join(lines), data=dict(o.data))
        for k, o in enumerate(outs):
            if o.finding != "holds":
                return Outcome("undecided", f"part {k + 1}: {o.figure}", "\n".join(lines))
        steps = sum(o.data.get("steps", 0) for o in outs)
        return Outcome("holds", f"{len(parts)} parts, {steps} steps from the left sides to the right sides verified",
                       "\n".join(lines), data={"parts": len(parts), "steps": steps})

    return Evidence("symbolic", run, label=label, about=about, budget=budget,
                    description=description or "one chain per part of the statement, from its left side to its "
                                               "right side, each step checked exactly by SymPy")


def every_part(pieces: Sequence[Evidence], label: str = "", about: str = "statement", budget: float = 60.0,
               description: str = "") -> Evidence:
    """One piece of evidence for a conjunction (``All``): each of ``pieces`` (bound evidence, typically one
    derivation per part) runs on the same proposition; ``holds`` only when every piece holds, ``refuted``
    when some piece refutes, else ``undecided``."""
    pieces = tuple(pieces)
    kind = pieces[0].kind

    def run(prop: Prop) -> Outcome:
        outs = [ev.execute(prop) for ev in pieces]
        for ev, o in zip(pieces, outs):
            if o.finding == "refuted":
                return Outcome("refuted", f"{ev.label or ev.kind}: {o.figure}", o.detail, data=o.data, tex=o.tex)
        detail = "\n\n".join(f"[{ev.label or ev.kind}] {o.figure}\n{o.detail}" for ev, o in zip(pieces, outs))
        figure = "; ".join(f"{ev.label or ev.kind}: {o.figure}" for ev, o in zip(pieces, outs))
        if all(o.finding == "holds" for o in outs):
            return Outcome("holds", figure, detail, data={ev.label or ev.kind: o.data for ev, o in zip(pieces, outs)})
        return Outcome("undecided", figure, detail)

    return Evidence(kind, run, label=label, about=about, budget=budget,
                    description=description or "every part of the statement: " + "; ".join(
                        ev.description for ev in pieces))


def identity_evidence(label: str = "", about: str = "statement", budget: float = 60.0,
                      part: int | None = None) -> Evidence:
    """Symbolic evidence that the statement (a ``Rel``) holds in one step: its difference simplifies."""
    return derivation_evidence([], label=label, about=about, budget=budget, part=part,
                               description="the statement's two sides compared exactly by SymPy")
