"""Mathematics of the interpolating aggregations (seed Ex 2), in mpmath and SymPy.

Definitions (one neighbourhood ``N(v)`` with messages ``m_u``, ``n = |N(v)|``):

* softmax aggregation ``S(λ, η) = n^η Σ_u softmax(m; λ)_u m_u`` with
  ``softmax(m; λ)_u = exp(λ m_u) / Σ_w exp(λ m_w)``; ``λ ∈ [-∞, ∞]`` (``±∞``: the limits max / min);
* power mean ``M_q(m) = ((1/n) Σ_u m_u^q)^(1/q)`` for ``m_u ≥ 0`` (``q = 0``: geometric mean,
  ``q = ±∞``: max / min; ``q < 0`` or ``q = 0`` with a zero entry: 0, the continuous extension),
  power-mean aggregation ``P(q, η) = n^η M_q(m)``;
* log-sum-exp ``lse(σ; λ) = (1/λ) log Σ_i exp(λ σ_i)`` and ``softargmax(σ; λ) = ∇_σ lse(σ; λ)``.

The numerical functions evaluate under the *current* mpmath precision (callers use ``mpmath.workdps``);
they are written without cancellation where it matters (shifts by the max, gaps ``max - m_u``).

The symbolic helpers are custom step checks for :class:`verify.core.claim.Step` (claims ``agg.*``):
:func:`prove_nonneg` (a monotonicity argument SymPy's sign assumptions cannot make), :func:`termwise`
(an inequality between two sums with the same range, proved on the generic term), :func:`limit_check`
and :func:`limit_check` (limits by SymPy's Gruntz algorithm, cross-checked in mpmath); squeezes are the core
:class:`verify.core.claim.Squeeze` step, which reads the statement's own expression and limit.
"""

from __future__ import annotations

import itertools
from typing import Any, Callable, Sequence

import mpmath
import sympy

# --------------------------------------------------------------------------------------------------
# mpmath: the quantities themselves
# --------------------------------------------------------------------------------------------------


def _mpf_list(values: Sequence[Any]) -> list:
    vals = [mpmath.mpf(v) for v in values]
    if not vals:
        raise ValueError("a neighbourhood needs at least one message")
    return vals


def softmax_weights(m: Sequence[Any], lam: Any) -> list:
    """``softmax(m; λ)`` (shifted by the max of ``λ m`` so no exponential overflows).

    ``λ = ±∞`` gives the uniform distribution on the maximisers / minimisers (the limit).
    """
    m = _mpf_list(m)
    lam = mpmath.mpf(lam)
    if mpmath.isinf(lam):
        target = max(m) if lam > 0 else min(m)
        hits = [1 if x == target else 0 for x in m]
        k = sum(hits)
        return [mpmath.mpf(h) / k for h in hits]
    top = max(lam * x for x in m)
    e = [mpmath.exp(lam * x - top) for x in m]
    z = mpmath.fsum(e)
    return [x / z for x in e]


def softmax_agg(m: Sequence[Any], lam: Any, eta: Any = 0) -> Any:
    """``S(λ, η) = n^η Σ_u softmax(m; λ)_u m_u``."""
    m = _mpf_list(m)
    w = softmax_weights(m, lam)
    return mpmath.mpf(len(m)) ** eta * mpmath.fsum(wi * x for wi, x in zip(w, m))


def softmax_variance(m: Sequence[Any], lam: Any) -> Any:
    """``Var_{softmax(λ)}(m) = Σ w_u m_u² − (Σ w_u m_u)²``, computed as ``Σ w_u (m_u − mean_w)²``."""
    m = _mpf_list(m)
    w = softmax_weights(m, lam)
    mu = mpmath.fsum(wi * x for wi, x in zip(w, m))
    return mpmath.fsum(wi * (x - mu) ** 2 for wi, x in zip(w, m))


def gap_structure(m: Sequence[Any]) -> tuple[Any, int, Any, Any]:
    """``(max, k, Δ, D)``: the max, the number of maximisers, the gap to the second distinct value and
    the spread ``max − min`` (``Δ = D = 0`` when all messages are equal)."""
    m = _mpf_list(m)
    top = max(m)
    k = sum(1 for x in m if x == top)
    rest = [x for x in m if x != top]
    if not rest:
        return top, k, mpmath.mpf(0), mpmath.mpf(0)
    return top, k, top - max(rest), top - min(m)


def softmax_gap(m: Sequence[Any], lam: Any) -> Any:
    """``max(m) − S(λ, 0)`` without cancellation: ``Σ_u d_u e^{−λ d_u} / Σ_u e^{−λ d_u}``, ``d_u = max − m_u``."""
    m = _mpf_list(m)
    top = max(m)
    lam = mpmath.mpf(lam)
    d = [top - x for x in m]
    e = [mpmath.exp(-lam * di) for di in d]
    return mpmath.fsum(di * ei for di, ei in zip(d, e)) / mpmath.fsum(e)


def softmax_gap_bound(m: Sequence[Any], lam: Any) -> Any:
    """The tight bound ``((n − k)/k) Δ e^{−λΔ}`` on ``max − S(λ, 0)`` (claim ``agg.softmax.gap_bound``).

    Valid for ``λΔ ≥ 1``; asymptotically attained (ratio → 1) when every non-maximiser equals
    ``max − Δ``.
    """
    m = _mpf_list(m)
    _, k, delta, _ = gap_structure(m)
    return mpmath.mpf(len(m) - k) / k * delta * mpmath.exp(-mpmath.mpf(lam) * delta)


def softmax_gap_bound_spread(m: Sequence[Any], lam: Any) -> Any:
    """The bound ``((n − k)/k) (max − min) e^{−λΔ}``, valid for every ``λ > 0``."""
    m = _mpf_list(m)
    _, k, delta, spread = gap_structure(m)
    return mpmath.mpf(len(m) - k) / k * spread * mpmath.exp(-mpmath.mpf(lam) * delta)


def power_mean(m: Sequence[Any], q: Any) -> Any:
    """``M_q(m) = ((1/n) Σ m_u^q)^(1/q)`` for ``m_u ≥ 0`` with its continuous extensions.

    ``q = 0``: geometric mean; ``q = ±∞``: max / min; a zero entry with ``q ≤ 0``: 0.
    Raises ``ValueError`` for a negative entry (use :func:`power_mean_any` to see what happens there).
    """
    m = _mpf_list(m)
    if any(x < 0 for x in m):
        raise ValueError("the power mean is defined for non-negative messages only")
    q = mpmath.mpf(q)
    n = len(m)
    if mpmath.isinf(q):
        return max(m) if q > 0 else min(m)
    if q <= 0 and any(x == 0 for x in m):
        return mpmath.mpf(0)
    if q == 0:
        return mpmath.exp(mpmath.fsum(mpmath.log(x) for x in m) / n)
    top = max(m)  # factor out the max: (1/n Σ (m_u/top)^q)^(1/q) * top, no overflow
    return top * (mpmath.fsum((x / top) ** q for x in m) / n) ** (1 / q)


def power_mean_agg(m: Sequence[Any], q: Any, eta: Any = 0) -> Any:
    """``P(q, η) = n^η M_q(m)``."""
    return mpmath.mpf(len(m)) ** eta * power_mean(m, q)


def power_mean_any(m: Sequence[Any], q: Any) -> Any:
    """The formula ``((1/n) Σ m_u^q)^(1/q)`` taken literally in the complex plane (principal branches),
    for *any* real messages: used only to exhibit what goes wrong outside the domain ``m_u ≥ 0``."""
    m = [mpmath.mpf(x) for x in m]
    q = mpmath.mpf(q)
    s = mpmath.fsum(mpmath.power(mpmath.mpc(x), q) for x in m) / len(m)
    return mpmath.power(s, 1 / q)


def lse(sigma: Sequence[Any], lam: Any) -> Any:
    """``lse(σ; λ) = (1/λ) log Σ_i exp(λ σ_i)`` (``λ ≠ 0``), evaluated as ``c + (1/λ) log Σ e^{λσ_i − λc}``."""
    s = _mpf_list(sigma)
    lam = mpmath.mpf(lam)
    if lam == 0:
        raise ValueError("lse(σ; λ) is undefined at λ = 0")
    c = max(s) if lam > 0 else min(s)
    return c + mpmath.log(mpmath.fsum(mpmath.exp(lam * (x - c)) for x in s)) / lam


def softargmax(sigma: Sequence[Any], lam: Any) -> list:
    """``softargmax(σ; λ) = softmax(σ; λ)`` (the vector of weights)."""
    return softmax_weights(sigma, lam)


# --------------------------------------------------------------------------------------------------
# SymPy: symbols for ordered neighbourhoods
# --------------------------------------------------------------------------------------------------


def tie_patterns(n: int) -> list[tuple[int, ...]]:
    """Every way ``m_1 ≤ … ≤ m_n`` can tie: compositions of ``n`` (block sizes of equal values), in a
    fixed order; ``2^(n−1)`` of them."""
    if n < 1:
        raise ValueError("n must be positive")
    out = []
    for cuts in itertools.product((False, True), repeat=n - 1):
        sizes, size = [], 1
        for cut in cuts:
            if cut:
                sizes.append(size)
                size = 1
            else:
                size += 1
        sizes.append(size)
        out.append(tuple(sizes))
    return out


def ordered_messages(pattern: Sequence[int], base: str = "m", first_positive: bool = False) -> list:
    """Symbolic messages ``m_1 ≤ … ≤ m_n`` with the ties of ``pattern`` (block sizes) and strict
    increases between blocks: ``m = b, …, b, b + d_2, …, b + d_2 + d_3, …`` with positive ``d``'s."""
    b = sympy.Symbol(f"{base}_1", positive=True) if first_positive else sympy.Symbol(f"{base}_1", real=True)
    ds = sympy.symbols(f"d_2:{len(pattern) + 1}", positive=True)
    out, level = [], b
    for j, size in enumerate(pattern):
        if j > 0:
            level = level + ds[j - 1]
        out.extend([level] * size)
    return out


# --------------------------------------------------------------------------------------------------
# SymPy: custom step checks
# --------------------------------------------------------------------------------------------------


def abstract_sums(expr: Any) -> Any:
    """Replace every ``Sum`` whose generic term is provably ``≥ 0`` by a fresh non-negative symbol
    (a finite sum of non-negative terms, possibly empty, is non-negative); others are left alone."""
    expr = sympy.sympify(expr)
    reps = {}
    for j, sm in enumerate(sorted(expr.atoms(sympy.Sum), key=sympy.default_sort_key)):
        if len(sm.limits) == 1 and _sign_known(_generic(sm.function, sm.limits[0][0]), sums=False):
            reps[sm] = sympy.Symbol(f"Sigma_{j}", nonnegative=True)
    return expr.xreplace(reps)


def _sign_known(expr: Any, sums: bool = True) -> bool:
    """Whether SymPy can show ``expr ≥ 0`` (after simplification; sums of non-negative terms abstracted)."""
    e = sympy.sympify(expr)
    if sums and e.has(sympy.Sum):
        e = abstract_sums(e)
    if e.is_nonnegative:
        return True
    for simp in (sympy.factor, sympy.simplify, lambda x: sympy.factor(sympy.simplify(x))):
        try:
            if simp(e).is_nonnegative:
                return True
        except Exception:  # noqa: BLE001 - a simplifier failing is just "not shown"
            continue
    return False


def prove_nonneg(expr: Any, var: sympy.Symbol, depth: int = 4) -> tuple[bool | None, str]:
    """Prove ``expr ≥ 0`` for ``var ∈ [0, ∞)`` (other symbols under their assumptions).

    Either SymPy knows the sign, or (monotonicity argument) ``expr(0) ≥ 0`` and ``∂expr/∂var ≥ 0``,
    the latter proved the same way, at most ``depth`` derivatives deep.  ``var`` must be declared
    non-negative or positive.  Returns ``(True, reason)`` or ``(None, reason)`` (not shown).
    """
    expr = sympy.sympify(expr)
    if _sign_known(expr):
        return True, "sign known from the assumptions"
    if depth <= 0:
        return None, f"could not show {sympy.sstr(expr)} >= 0"
    # a product (or sum) of parts that are each >= 0 is >= 0; try the expression and its factored form
    candidates = [expr] if isinstance(expr, (sympy.Mul, sympy.Add)) else []
    factored = sympy.factor(expr)
    if factored != expr and isinstance(factored, (sympy.Mul, sympy.Add)):
        candidates.append(factored)
    for cand in candidates:
        if all(prove_nonneg(part, var, depth - 1)[0] for part in cand.args):
            kind = "factor" if isinstance(cand, sympy.Mul) else "term"
            return True, f"every {kind} of {sympy.sstr(cand)} is >= 0"
    if depth <= 0:
        return None, f"could not show {sympy.sstr(expr)} >= 0"
    at0 = sympy.simplify(expr.subs(var, 0))
    if not (at0 == 0 or _sign_known(at0)):
        return None, f"value at {var}=0 not shown >= 0: {sympy.sstr(at0)}"
    ok, why = prove_nonneg(sympy.diff(expr, var), var, depth - 1)
    if ok:
        return True, f"value at {var}=0 is {sympy.sstr(at0)} >= 0 and d/d{var} >= 0 ({why})"
    return None, why


def _generic(expr: Any, index: sympy.Symbol) -> Any:
    """Replace every ``base[index]`` by a scalar symbol carrying the base's assumptions."""
    expr = sympy.sympify(expr)
    reps = {}
    for ix in expr.atoms(sympy.Indexed):
        if ix.indices == (index,):
            assumptions = {k: v for k, v in ix.base.label.assumptions0.items()
                           if k in ("positive", "nonnegative", "real", "negative")}
            reps[ix] = sympy.Symbol(f"{ix.base.label}_{index}", **assumptions)
    return expr.xreplace(reps)


def _split_sum(expr: Any) -> tuple[Any, Any]:
    """``c * Sum(...)`` -> ``(c, Sum(...))`` (``c`` free of sums); anything else -> ``(1, expr)``."""
    expr = sympy.sympify(expr)
    if isinstance(expr, sympy.Mul):
        c, rest = expr.as_independent(sympy.Sum)
        return c, rest
    return sympy.Integer(1), expr


def termwise(relation: str, substitute: dict | None = None, var: sympy.Symbol | None = None
             ) -> Callable[[Any, Any], tuple[bool | None, str]]:
    """Check ``Σ_i a_i <relation> Σ_i b_i`` (two ``Sum`` over the same range) term by term.

    The generic terms are formed with scalar symbols for ``x[i]``; ``substitute`` rewrites them
    (e.g. ``d_i = Δ + s``) and the sign of ``b − a`` (or ``a − b``) is proved by :func:`prove_nonneg`
    in ``var`` (or from the assumptions alone).  Summing term-wise inequalities over the same finite
    range preserves them: that is the whole argument.
    """
    if relation not in ("<=", ">="):
        raise ValueError("termwise handles <= and >=")

    def check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
        (cl, lhs), (cr, rhs) = _split_sum(lhs), _split_sum(rhs)
        if not (isinstance(lhs, sympy.Sum) and isinstance(rhs, sympy.Sum)):
            return None, "termwise needs a (positive multiple of a) Sum on each side"
        if sympy.simplify(cl - cr) != 0 or not cl.is_positive:
            return None, "the sums carry different (or not positive) factors"
        if lhs.limits != rhs.limits or len(lhs.limits) != 1:
            return None, "the two sums run over different ranges"
        index = lhs.limits[0][0]
        a, b = _generic(lhs.function, index), _generic(rhs.function, index)
        diff = (b - a) if relation == "<=" else (a - b)
        if substitute:
            diff = diff.subs(substitute)
        if var is None:
            ok = _sign_known(diff)
            return (True, "generic term: sign known from the assumptions") if ok else \
                (None, f"generic term {sympy.sstr(diff)} not shown >= 0")
        ok, why = prove_nonneg(diff, var)
        return ok, f"generic term: {why}"

    return check


def _numeric_limit(expr: Any, var: sympy.Symbol, point: Any, rng_seed: int = 1) -> tuple[Any, Any]:
    """Evaluate ``expr`` near ``point`` (random values for the other symbols, 60 digits), at two
    distances; returns the two values (for a cross-check of a symbolic limit)."""
    import random

    rng = random.Random(rng_seed)
    others = sorted((s for s in expr.free_symbols if s != var), key=str)
    vals = {}
    for s in others:
        if s.is_integer:
            vals[s] = rng.randint(2, 6)
        elif s.is_positive or s.is_nonnegative:
            vals[s] = sympy.Rational(rng.randint(5, 40), 10)
        else:
            vals[s] = sympy.Rational(rng.randint(-40, 40), 10)
    e = expr.subs(vals)
    if point in (sympy.oo, -sympy.oo):
        sgn = 1 if point == sympy.oo else -1
        pts = [sgn * sympy.Integer(10) ** 4, sgn * sympy.Integer(10) ** 8]
    else:
        pts = [point + sympy.Rational(1, 10 ** 6), point + sympy.Rational(1, 10 ** 12)]
    return tuple(sympy.N(e.subs(var, p), 60) for p in pts), vals


def limit_check(var: sympy.Symbol, point: Any, direction: str = "+"
                ) -> Callable[[Any, Any], tuple[bool | None, str]]:
    """Check ``lim_{var→point} f = rhs`` where ``lhs`` is ``Limit(f, var, point)`` or ``f``: SymPy's
    Gruntz algorithm computes the limit exactly; an mpmath evaluation close to the point must agree
    (a symbolic limit is never trusted alone)."""

    def check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
        f = lhs.args[0] if isinstance(lhs, sympy.Limit) else lhs
        val = sympy.limit(f, var, point, direction)
        if isinstance(val, sympy.Limit) or val.has(sympy.Limit):
            return None, "SymPy could not evaluate the limit"
        diff = sympy.simplify(val - rhs)
        if diff != 0:
            return False, f"SymPy finds the limit {sympy.sstr(val)}, not {sympy.sstr(rhs)}"
        (v1, v2), vals = _numeric_limit(f - rhs, var, point)
        if not (abs(v2) <= abs(v1) or abs(v2) < sympy.Float(10) ** -20):
            return None, f"numeric cross-check does not approach: {v1} then {v2} at {vals}"
        return True, f"Gruntz: limit = {sympy.sstr(val)}; mpmath cross-check |f - L| {sympy.N(abs(v1), 3)} -> " \
                     f"{sympy.N(abs(v2), 3)}"

    return check


def nonneg_check(var: sympy.Symbol, substitute: dict | None = None
                 ) -> Callable[[Any, Any], tuple[bool | None, str]]:
    """Check ``lhs <= rhs`` (scalar) by proving ``rhs − lhs ≥ 0`` with :func:`prove_nonneg` in ``var``
    after ``substitute``."""

    def check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
        d = sympy.sympify(rhs) - sympy.sympify(lhs)
        if substitute:
            d = d.subs(substitute)
        return prove_nonneg(d, var)

    return check
