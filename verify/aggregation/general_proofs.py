r"""General proofs (symbolic ``K``, ``n``) for the aggregation theory of Ex 2, as chains of checked steps.

SymPy cannot take these limits itself: ``sympy.limit`` raises ``NotImplementedError: Don't know how to
calculate the mrv of 'Sum(exp(m[u]/_p), (u, 1, n))'`` for a ``Sum`` with a symbolic bound (SymPy 1.14,
both for the softmax aggregation at ``λ → 0`` and for the power mean at ``q → 0``).  So every limit below
is reduced to facts SymPy *can* check, one step each:

* continuity (:func:`continuity_limit_check`): the expression is built from constants, the variable,
  ``+``, ``×``, ``exp``, ``log`` of something positive at the point, powers (negative ones of something
  nonzero at the point, non-integer or variable ones of something positive there) and finite ``Sum``s (bounds
  free of the variable) of such terms; then the limit is the value at the point, and the value is compared
  with the claimed right side;
* the definition of the derivative (:func:`derivative_quotient_check`): ``g(0) = 0`` and ``g`` regular at 0
  (same grammar) give ``lim g(q)/q = g'(0)``; the derivative itself is SymPy's ``diff`` of the ``Sum``;
* structure of limits (:func:`limit_of_equal`, :func:`outer_continuous`, :func:`limit_substitution`):
  equal functions have equal limits, ``lim F(f) = F(lim f)`` for ``F`` continuous at the limit, a change of
  variable ``λ = −μ``;
* an already proved theorem applied to other messages (:func:`by_theorem`: the max limits of claims
  ``agg.softmax.limit_max``, ``agg.pm.limit_max``, instantiated at ``−m`` and ``1/m``);
* order reversal (:func:`monotone_extremum_check`): ``max_u φ(m_u) = φ(min_u m_u)`` for ``φ`` decreasing,
  where SymPy proves ``φ' < 0`` under the messages' assumptions.

When a check cannot prove its step, the difference of the two sides is evaluated at concrete sizes and
random data (50 digits, :func:`probe`); a clear difference is a counterexample (``False``, refuted).

Symbols (assumptions): ``K, n`` positive integers; ``i, j, u`` positive integers (indices); ``σ_i, m_u`` real
(``IndexedBase(..., real=True)``), ``m⁺_u > 0`` for the power mean (``IndexedBase("m", positive=True)``,
printed ``m``); ``λ`` real and nonzero in the gradient, real in the limits; ``q`` real, nonzero; ``η`` real.

:data:`STATEMENTS` maps every proof to the SymPy ``lhs`` and ``rhs`` of the statement it proves.
"""

from __future__ import annotations

import random
from typing import Any, Callable, Sequence

import sympy as sp

from verify.core.claim import Step
from verify.core.statement import Lim, Rel
from verify.positional.checks import sum_identity

# --- symbols ---------------------------------------------------------------------------------------------------
K = sp.Symbol("K", integer=True, positive=True)
n = sp.Symbol("n", integer=True, positive=True)
i, j, u = sp.symbols("i j u", integer=True, positive=True)
eta = sp.Symbol("eta", real=True)
lam = sp.Symbol("lambda", real=True)                 # limits in λ (two-sided at 0, at ±∞)
lam_nz = sp.Symbol("lambda", real=True, nonzero=True)  # lse(σ; λ) needs λ ≠ 0
mu = sp.Symbol("mu", real=True)                      # λ = −μ
q = sp.Symbol("q", real=True, nonzero=True)
r = sp.Symbol("r", real=True, nonzero=True)          # q = −r
sig = sp.IndexedBase("sigma", real=True)
m = sp.IndexedBase("m", real=True)
mpos = sp.IndexedBase("m", positive=True)


class SeqMax(sp.Function):
    """``max_{u=a..b} f(u)``: ``SeqMax(f, Tuple(u, a, b))``; with integer bounds ``doit`` gives ``Max``."""

    def doit(self, **hints: Any) -> Any:
        f, (v, a, b) = self.args
        if a.is_Integer and b.is_Integer:
            return sp.Max(*[f.subs(v, t) for t in range(int(a), int(b) + 1)])
        return self

    def _latex(self, printer: Any, exp: Any = None) -> str:
        return _extremum_latex("max", self, printer, exp)


class SeqMin(sp.Function):
    """``min_{u=a..b} f(u)``: ``SeqMin(f, Tuple(u, a, b))``; with integer bounds ``doit`` gives ``Min``."""

    def doit(self, **hints: Any) -> Any:
        f, (v, a, b) = self.args
        if a.is_Integer and b.is_Integer:
            return sp.Min(*[f.subs(v, t) for t in range(int(a), int(b) + 1)])
        return self

    def _latex(self, printer: Any, exp: Any = None) -> str:
        return _extremum_latex("min", self, printer, exp)


def _extremum_latex(name: str, e: Any, printer: Any, exp: Any = None) -> str:
    f, (v, a, b) = e.args
    body = printer._print(f)
    if not isinstance(f, (sp.Symbol, sp.Indexed)):
        body = rf"\left({body}\right)"
    out = rf"\{name}_{{{printer._print(a)} \le {printer._print(v)} \le {printer._print(b)}}} {body}"
    return rf"\left({out}\right)^{{{exp}}}" if exp is not None else out


def seq_max(f: Any) -> Any:
    return SeqMax(f, sp.Tuple(u, 1, n))


def seq_min(f: Any) -> Any:
    return SeqMin(f, sp.Tuple(u, 1, n))


# --- the quantities --------------------------------------------------------------------------------------------
def softmax_agg(l: Any, msg: Any = m[u]) -> Any:
    """``S(λ; m) = n^η Σ_u e^{λ m_u} m_u / Σ_u e^{λ m_u}`` (``msg`` is the generic message ``m_u``)."""
    return n**eta * sp.Sum(sp.exp(l * msg) * msg, (u, 1, n)) / sp.Sum(sp.exp(l * msg), (u, 1, n))


def power_mean(qq: Any, msg: Any = mpos[u]) -> Any:
    """``M_q(m) = ((1/n) Σ_u m_u^q)^{1/q}``."""
    return (sp.Sum(msg**qq, (u, 1, n)) / n) ** (1 / qq)


LSE = sp.log(sp.Sum(sp.exp(lam_nz * sig[i]), (i, 1, K))) / lam_nz
SOFTARGMAX_j = sp.exp(lam_nz * sig[j]) / sp.Sum(sp.exp(lam_nz * sig[i]), (i, 1, K))
G_PM = sp.log(sp.Sum(mpos[u] ** q, (u, 1, n)) / n)   # g(q) = log((1/n) Σ m_u^q)
GEOMETRIC = sp.Product(mpos[u], (u, 1, n)) ** (1 / n)

# the max limits (proved elsewhere: claims agg.softmax.limit_max and agg.pm.limit_max), as templates
SOFTMAX_MAX_THEOREM = (sp.Limit(softmax_agg(mu), mu, sp.oo), n**eta * seq_max(m[u]))
PM_MAX_THEOREM = (sp.Limit(power_mean(r), r, sp.oo), seq_max(mpos[u]))


# --- numeric counterexample search ----------------------------------------------------------------------------
def probe(expr: Any, sizes: Sequence[dict], seed: int = 0, dps: int = 50) -> str | None:
    """Evaluate ``expr`` (a difference that should vanish) at the concrete ``sizes`` (values for the integer
    symbols: ``K, n, j`` ...), random messages (respecting their base's sign) and random reals; return the
    point if it is clearly nonzero.  Expressions still holding ``Limit``/``Subs`` are skipped."""
    rnd = random.Random(seed)
    for size in sizes:
        try:
            e = sp.sympify(expr).subs(size).doit()
        except Exception:  # noqa: BLE001 - not evaluable here: no counterexample from this size
            continue
        if e.has(sp.Limit, sp.Sum, sp.Product, SeqMax, SeqMin):
            continue
        vals = {}
        for a in e.atoms(sp.Indexed):
            v = sp.Rational(rnd.randint(1, 40), 10)
            vals[a] = v if a.base.label.is_positive or a.is_positive else v - 2
        for s in e.free_symbols:
            if isinstance(s, sp.Symbol):
                v = sp.Rational(rnd.randint(1, 30), 10)
                vals[s] = v if (s.is_positive or s.is_nonnegative) else v * rnd.choice((1, -1))
        try:
            val = sp.N(e.xreplace(vals), dps)
        except Exception:  # noqa: BLE001
            continue
        if val.is_number and val.is_real and abs(val) > sp.Float(10, dps) ** (-dps // 2):
            shown = ", ".join(f"{k_}={v_}" for k_, v_ in list(size.items()) + list(vals.items())[:6])
            return f"at {shown}: lhs - rhs = {sp.N(val, 8)}"
    return None


SIZES_N = tuple({n: t} for t in (1, 2, 3, 4))


def _equal(a: Any, b: Any) -> bool:
    """``a == b`` by expansion, :func:`sum_identity` or ``simplify``."""
    d = sp.sympify(a) - sp.sympify(b)
    if sp.expand(d) == 0:
        return True
    if d.has(sp.Limit):  # simplify/doit would try (and fail) to evaluate a limit of a Sum
        return False
    try:
        return bool(sum_identity(a, b)[0]) or sp.simplify(d) == 0
    except Exception:  # noqa: BLE001 - a simplifier failing is just "not shown"
        return False


def _refute_or_undecided(diff: Any, sizes: Sequence[dict], why: str) -> tuple[bool | None, str]:
    cex = probe(diff, sizes)
    return (False, f"false: {cex}") if cex else (None, why)


def equal_or_probe(sizes: Sequence[dict] = SIZES_N) -> Callable[[Any, Any], tuple[bool | None, str]]:
    """``Step.check``: ``lhs == rhs`` by expansion / :func:`sum_identity` / ``simplify``; else a probe."""

    def check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
        if _equal(lhs, rhs):
            return True, "equal (expansion of the sums, constants pulled out of the sums)"
        return _refute_or_undecided(lhs - rhs, sizes, "not shown equal")

    return check


# --- regularity (continuity / smoothness) at a point --------------------------------------------------------
def _positive_at(e: Any, var: sp.Symbol, point: Any) -> bool:
    v = sp.sympify(e).subs(var, point)
    for cand in (v, v.doit(), sp.simplify(v.doit())):
        if cand.is_positive:
            return True
    return False


def _nonzero_at(e: Any, var: sp.Symbol, point: Any) -> bool:
    v = sp.sympify(e).subs(var, point)
    return any(c.is_nonzero for c in (v, v.doit(), sp.simplify(v.doit())))


def regular_at(e: Any, var: sp.Symbol, point: Any) -> tuple[bool, str]:
    """Whether ``e`` is real-analytic in ``var`` near ``point`` (hence continuous and differentiable there),
    by its construction; returns ``(ok, reason)``.

    Accepted: constants (free of ``var``), ``var``, ``+``, ``×``, ``exp``, ``log(a)`` with ``a(point) > 0``,
    ``a^c`` with ``c`` a non-negative integer constant, ``a^c`` with ``c`` a negative integer and
    ``a(point) ≠ 0``, ``a^b`` otherwise with ``a(point) > 0``, and ``Sum(f, (u, lo, hi))`` with bounds free
    of ``var`` (a finite sum) and ``f`` accepted for the generic ``u``.
    """
    e = sp.sympify(e)
    if var not in e.free_symbols:
        return True, ""
    if e == var:
        return True, ""
    if isinstance(e, (sp.Add, sp.Mul)):
        for a in e.args:
            ok, why = regular_at(a, var, point)
            if not ok:
                return ok, why
        return True, ""
    if isinstance(e, sp.exp):
        return regular_at(e.args[0], var, point)
    if isinstance(e, sp.log):
        if not _positive_at(e.args[0], var, point):
            return False, f"log argument not shown positive at {var}={point}: {sp.sstr(e.args[0])}"
        return regular_at(e.args[0], var, point)
    if isinstance(e, sp.Pow):
        b, c = e.args
        if var not in c.free_symbols and c.is_integer and c.is_nonnegative:
            return regular_at(b, var, point)
        if var not in c.free_symbols and c.is_integer:
            if not _nonzero_at(b, var, point):
                return False, f"base of a negative power not shown nonzero at {var}={point}: {sp.sstr(b)}"
        elif not _positive_at(b, var, point):
            return False, f"base of a real power not shown positive at {var}={point}: {sp.sstr(b)}"
        for a in (b, c):
            ok, why = regular_at(a, var, point)
            if not ok:
                return ok, why
        return True, ""
    if isinstance(e, sp.Sum):
        for v_, lo, hi in e.limits:
            if var in lo.free_symbols or var in hi.free_symbols or not (lo.is_integer and hi.is_integer):
                return False, "a Sum whose bounds depend on the variable (or are not integers)"
        return regular_at(e.function, var, point)
    return False, f"no regularity rule for {type(e).__name__}"


# --- checks ---------------------------------------------------------------------------------------------------
def continuity_limit_check(var: sp.Symbol, point: Any = 0, sizes: Sequence[dict] = SIZES_N
                           ) -> Callable[[Any, Any], tuple[bool | None, str]]:
    """``Step.check`` for ``Limit(f, var, point) == rhs``: ``f`` regular at the (finite) point
    (:func:`regular_at`), so the limit is ``f(point)``, which must equal ``rhs``."""
    point = sp.sympify(point)

    def check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
        if not (isinstance(lhs, sp.Limit) and lhs.args[1] == var and lhs.args[2] == point and point.is_finite):
            return None, f"lhs is not a limit {var} -> {point} (a finite point)"
        f = lhs.args[0]
        ok, why = regular_at(f, var, point)
        if not ok:
            return None, f"continuity not shown: {why}"
        value = f.subs(var, point)
        if _equal(value, rhs):
            return True, f"continuous at {var} = {point} (finite sums of continuous terms, denominators nonzero " \
                         f"there); value {sp.sstr(value)}"
        return _refute_or_undecided(value - rhs, sizes, f"value at the point {sp.sstr(value)} not shown = rhs")

    return check


def derivative_check(wrt: Any, sizes: Sequence[dict] = SIZES_N) -> Callable[[Any, Any], tuple[bool | None, str]]:
    """``Step.check`` for ``Derivative(f, wrt) == rhs``: SymPy differentiates ``f`` (through the ``Sum``,
    producing ``KroneckerDelta``); the result must equal ``rhs``."""

    def check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
        if not (isinstance(lhs, sp.Derivative) and lhs.variables == (wrt,)):
            return None, f"lhs is not d/d{wrt}"
        d = sp.diff(lhs.expr, wrt)
        if _equal(d, rhs):
            return True, f"sympy.diff: {sp.sstr(d)}"
        return _refute_or_undecided(d - rhs, sizes, "derivative not shown = rhs")

    return check


def delta_sum_check(index: sp.Symbol, lo: Any, hi: Any, sizes: Sequence[dict]
                    ) -> Callable[[Any, Any], tuple[bool | None, str]]:
    """``Step.check``: evaluate the ``Sum``s with a ``KroneckerDelta`` in ``lhs`` (``doit``) and resolve the
    resulting ``Piecewise`` with ``lo <= index <= hi`` (``refine``); compare with ``rhs``."""

    def check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
        reps = {s: s.doit() for s in sp.sympify(lhs).atoms(sp.Sum) if s.has(sp.KroneckerDelta)}
        if not reps:
            return None, "no Kronecker-delta sum in lhs"
        ev = sp.refine(sp.sympify(lhs).xreplace(reps), sp.Q.ge(index, lo) & sp.Q.le(index, hi))
        if ev.has(sp.Piecewise, sp.KroneckerDelta):
            return None, f"delta sum not resolved: {sp.sstr(ev)}"
        if _equal(ev, rhs):
            return True, f"Σ_i f(i) δ_i{index} = f({index}) for {lo} <= {index} <= {hi}: {sp.sstr(ev)}"
        return _refute_or_undecided(ev - rhs, sizes, "evaluated delta sum not shown = rhs")

    return check


def limit_of_equal(inner: Callable[[Any, Any], Any]) -> Callable[[Any, Any], tuple[bool | None, str]]:
    """``Step.check`` for ``Limit(f, x, a) == Limit(h, x, a)``: ``inner(f, h)`` shows ``f == h`` (for every
    ``x``), so the limits are the same (one exists iff the other does)."""

    def check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
        if not (isinstance(lhs, sp.Limit) and isinstance(rhs, sp.Limit) and lhs.args[1:] == rhs.args[1:]):
            return None, "not two limits of the same kind"
        res = inner(lhs.args[0], rhs.args[0])
        ok, why = res if isinstance(res, tuple) else (res, "")
        if ok:
            return True, f"the functions under the limit are equal ({why})"
        return ok, f"functions under the limit: {why}"

    return check


def positive_power_check(sizes: Sequence[dict] = SIZES_N) -> Callable[[Any, Any], tuple[bool | None, str]]:
    """``Step.check``: ``A^b == exp(b log A)`` for bases SymPy proves positive (the definition of a real
    power); both sides are rewritten with ``exp`` and compared."""

    def check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
        pows = [pw for pw in sp.sympify(lhs).atoms(sp.Pow) if not pw.exp.is_Integer]
        if not all(pw.base.is_positive for pw in pows):
            return None, "a base of a real power is not shown positive"
        a, b = sp.sympify(lhs).rewrite(sp.exp), sp.sympify(rhs).rewrite(sp.exp)
        if _equal(a, b) or _equal(sp.expand_log(a), sp.expand_log(b)):
            return True, "A^b = exp(b log A) for A > 0"
        return _refute_or_undecided(lhs - rhs, sizes, "not shown equal after writing powers with exp")

    return check


def outer_continuous(F: sp.Lambda, why: str) -> Callable[[Any, Any], tuple[bool | None, str]]:
    """``Step.check`` for ``Limit(F(f), x, a) == F(Limit(f, x, a))`` with ``F`` continuous at ``lim f``
    (``why`` says why; e.g. ``exp`` everywhere, ``1/y`` at ``y ≠ 0``, ``c·y``)."""

    def check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
        lims = sp.sympify(rhs).atoms(sp.Limit)
        if len(lims) != 1 or not isinstance(lhs, sp.Limit):
            return None, "expected lim F(f) = F(lim f)"
        inner = lims.pop()
        f, rest = inner.args[0], inner.args[1:]
        if lhs.args[1:] != rest:
            return None, "the limits differ in variable, point or direction"
        if sp.expand(lhs.args[0] - F(f)) != 0 or sp.expand(rhs - F(inner)) != 0:
            return None, f"step is not lim F(f) = F(lim f) for F = {sp.sstr(F)}"
        return True, f"F = {sp.sstr(F)} continuous at the limit: {why}"

    return check


def limit_substitution(old: sp.Symbol, new_expr: Any, new: sp.Symbol, sizes: Sequence[dict] = SIZES_N
                       ) -> Callable[[Any, Any], tuple[bool | None, str]]:
    """``Step.check`` for ``Limit(f, old, a) == Limit(h, new, b)`` with ``old = new_expr(new)`` a strictly
    monotone bijection sending ``new → b`` to ``old → a``: ``h = f(new_expr)`` (checked) and ``lim new_expr = a``."""

    def check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
        if not (isinstance(lhs, sp.Limit) and isinstance(rhs, sp.Limit) and lhs.args[1] == old and rhs.args[1] == new):
            return None, "expected two limits in the given variables"
        d = sp.diff(new_expr, new)
        if not (d.is_positive or d.is_negative):
            return None, f"{sp.sstr(new_expr)} not shown strictly monotone"
        if sp.limit(new_expr, new, rhs.args[2]) != lhs.args[2]:
            return False, f"{old} = {sp.sstr(new_expr)} does not tend to {lhs.args[2]}"
        f_sub = lhs.args[0].subs(old, new_expr)
        if _equal(f_sub, rhs.args[0]):
            return True, f"substitution {old} = {sp.sstr(new_expr)} ({new} -> {rhs.args[2]})"
        return _refute_or_undecided(f_sub - rhs.args[0], sizes, "substituted function differs")

    return check


def derivative_quotient_check(var: sp.Symbol, point: Any = 0) -> Callable[[Any, Any], tuple[bool | None, str]]:
    """``Step.check`` for ``Limit(g/(var − point), var, point) == Subs(Derivative(g, var), var, point)``:
    ``g(point) = 0`` (checked) and ``g`` differentiable at the point (:func:`regular_at`), so the limit is
    the derivative there, by definition."""

    def check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
        if not (isinstance(lhs, sp.Limit) and lhs.args[1] == var and lhs.args[2] == point):
            return None, f"lhs is not a limit {var} -> {point}"
        num, den = lhs.args[0].as_numer_denom()
        if sp.expand(den - (var - point)) != 0:
            return None, f"lhs is not g({var})/({var} - {point})"
        g0 = sp.simplify(num.subs(var, point).doit())
        if g0 != 0:
            return None, f"g({point}) = {sp.sstr(g0)} is not shown 0"
        ok, why = regular_at(num, var, point)
        if not ok:
            return None, f"differentiability not shown: {why}"
        target = sp.Subs(sp.Derivative(num, var), var, point)
        if rhs == target or _equal(rhs.doit(), sp.diff(num, var).subs(var, point)):
            return True, f"g({point}) = 0 and g is differentiable at {point}: (g({var}) - g({point}))/({var} - " \
                         f"{point}) -> g'({point})"
        return None, "rhs is not g'(point)"

    return check


def derivative_value_check(sizes: Sequence[dict] = SIZES_N) -> Callable[[Any, Any], tuple[bool | None, str]]:
    """``Step.check``: evaluate the ``Subs(Derivative(...))`` in ``lhs`` (``doit``: ``diff`` of the ``Sum``,
    then the point) and compare with ``rhs``."""

    def check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
        if not sp.sympify(lhs).has(sp.Subs, sp.Derivative):
            return None, "no derivative to evaluate"
        ev = sp.sympify(lhs).doit()
        if _equal(ev, rhs):
            return True, f"derivative evaluated: {sp.sstr(ev)}"
        return _refute_or_undecided(ev - rhs, sizes, f"{sp.sstr(ev)} not shown = rhs")

    return check


def under(F: Callable[[Any], Any], inner: Callable[[Any, Any], Any]) -> Callable[[Any, Any], tuple[bool | None, str]]:
    """``Step.check`` for ``F(a) == F(b)`` (``F`` a SymPy function class such as ``exp``): ``inner(a, b)``."""

    def check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
        if not (isinstance(lhs, F) and isinstance(rhs, F)):
            return None, f"expected {F.__name__}(a) = {F.__name__}(b)"
        res = inner(lhs.args[0], rhs.args[0])
        return res if isinstance(res, tuple) else (res, "")

    return check


def log_product_check(sizes: Sequence[dict] = SIZES_N) -> Callable[[Any, Any], tuple[bool | None, str]]:
    """``Step.check`` for ``exp(A) == P^c`` with ``P`` a finite ``Product`` of positive factors:
    ``log(P^c) = c Σ log(factor)`` (``expand_log``, valid for positive factors) must equal ``A``."""

    def check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
        if not isinstance(lhs, sp.exp):
            return None, "lhs is not exp(...)"
        if not sp.sympify(rhs).is_positive:
            return None, "rhs not shown positive"
        log_rhs = sp.expand_log(sp.log(rhs))
        if _equal(lhs.args[0], log_rhs):
            return True, f"log of the right side is {sp.sstr(log_rhs)} (positive factors), exp is injective"
        return _refute_or_undecided(lhs - rhs, sizes, "logs not shown equal")

    return check


def by_theorem(theorem: tuple[Any, Any], sub: dict, name: str, sizes: Sequence[dict] = SIZES_N
               ) -> Callable[[Any, Any], tuple[bool | None, str]]:
    """``Step.check``: ``lhs == rhs`` is ``F(T_lhs) == F(T_rhs)`` for the theorem ``T_lhs == T_rhs`` with the
    messages replaced by ``sub`` (``{m[u]: −m[u]}``): ``lhs`` must contain the instance of ``T_lhs``, and
    replacing it there by the instance of ``T_rhs`` must give ``rhs``.  The substituted messages must keep the
    theorem's hypotheses (real, or positive, as the theorem's message base)."""
    t_lhs, t_rhs = theorem

    def check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
        for old, new in sub.items():
            need = "positive" if old.base.label.is_positive else "real"
            if getattr(new, f"is_{need}") is not True:
                return None, f"{sp.sstr(new)} not shown {need} (hypothesis of {name})"
        il, ir = t_lhs.xreplace(sub), t_rhs.xreplace(sub)
        if not sp.sympify(lhs).has(il):
            return None, f"lhs does not contain the instance {sp.sstr(il)} of {name}"
        applied = sp.sympify(lhs).xreplace({il: ir})
        how = f"{name} with {', '.join(f'{sp.sstr(a)} -> {sp.sstr(b)}' for a, b in sub.items())}"
        if sp.expand(applied - rhs) == 0:
            return True, how
        return _refute_or_undecided(applied - rhs, sizes, f"{how} gives {sp.sstr(applied)}, not rhs")

    return check


def monotone_extremum_check(msg: Any, sizes: Sequence[dict] = SIZES_N) -> Callable[[Any, Any], tuple[bool | None, str]]:
    """``Step.check``: rewrite every ``max_u φ(m_u)`` / ``min_u φ(m_u)`` in ``lhs`` as ``φ(min_u m_u)`` /
    ``φ(max_u m_u)`` when SymPy proves ``φ' < 0`` (``φ(max) / φ(min)`` when ``φ' > 0``) for ``t`` with the
    messages' assumptions; then compare with ``rhs``."""
    base = msg.base
    t = sp.Symbol("t", positive=True) if base.label.is_positive else sp.Symbol("t", real=True)
    notes: list = []

    def rewrite(e: Any) -> Any:
        f, lim = e.args
        phi = f.xreplace({msg: t})
        if phi.has(base):
            return e
        d = sp.diff(phi, t)
        same = SeqMax if isinstance(e, SeqMax) else SeqMin
        other = SeqMin if same is SeqMax else SeqMax
        if phi == t:
            return e
        if d.is_negative:
            notes.append(f"{sp.sstr(phi)} decreasing")
            return phi.xreplace({t: other(msg, lim)})
        if d.is_positive:
            notes.append(f"{sp.sstr(phi)} increasing")
            return phi.xreplace({t: same(msg, lim)})
        return e

    def check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
        notes.clear()
        ev = sp.sympify(lhs).replace(lambda e: isinstance(e, (SeqMax, SeqMin)), rewrite)
        if not notes:
            return None, "no max/min of a monotone function of the messages in lhs"
        if sp.expand(ev - rhs) == 0:
            return True, f"order: {'; '.join(notes)}, so it swaps (keeps) max and min"
        return _refute_or_undecided(ev - rhs, sizes, f"after the rewrite {sp.sstr(ev)} is not rhs")

    return check


# --- the proofs -----------------------------------------------------------------------------------------------
def softargmax_gradient_steps() -> tuple[Step, ...]:
    r"""``∂/∂σ_j [(1/λ) log Σ_{i=1}^K e^{λσ_i}] = e^{λσ_j} / Σ_{i=1}^K e^{λσ_i}`` for every ``K ≥ 1`` and
    ``1 ≤ j ≤ K``.

    Assumptions: ``K, i, j`` positive integers, ``σ_i`` real, ``λ`` real nonzero.  Step 1
    (:func:`derivative_check`): SymPy's ``diff`` of the ``Sum`` (chain rule, ``∂σ_i/∂σ_j = δ_ij``).  Step 2
    (:func:`delta_sum_check`): the delta sum is ``Piecewise((λ e^{λσ_j}, j ≤ K), (0, True))``, resolved with
    ``1 ≤ j ≤ K``.
    """
    Z = sp.Sum(sp.exp(lam_nz * sig[i]), (i, 1, K))
    sizes = tuple({K: a, j: b} for a, b in ((1, 1), (2, 1), (2, 2), (3, 2), (4, 3)))
    return (
        Step(sp.Derivative(LSE, sig[j]), sp.Sum(lam_nz * sp.exp(lam_nz * sig[i]) * sp.KroneckerDelta(i, j), (i, 1, K))
             / (lam_nz * Z), why="chain rule through log and the sum; ∂σ_i/∂σ_j = δ_ij",
             check=derivative_check(sig[j], sizes), where=(j >= 1) & (j <= K)),
        Step(None, SOFTARGMAX_j, why="the delta keeps the term i = j (1 ≤ j ≤ K); λ/λ = 1",
             check=delta_sum_check(j, 1, K, sizes), where=(j >= 1) & (j <= K)),
    )


def softmax_zero_limit_steps() -> tuple[Step, ...]:
    r"""``lim_{λ→0} n^η Σ_u e^{λm_u} m_u / Σ_u e^{λm_u} = n^{η−1} Σ_u m_u`` (two-sided) for every ``n ≥ 1``.

    Assumptions: ``n`` positive integer, ``m_u`` real, ``η`` real.  Step 1 (:func:`continuity_limit_check`):
    numerator and denominator are finite sums of entire functions of ``λ``; the denominator at 0 is
    ``Σ_u 1 = n > 0``; so the limit is the value at ``λ = 0``.  Step 2 (:func:`sum_identity`, via
    :func:`equal_or_probe`): ``Σ_u 1 = n``.
    """
    return (
        Step(sp.Limit(softmax_agg(lam), lam, 0, "+-"), n**eta * sp.Sum(m[u], (u, 1, n)) / sp.Sum(1, (u, 1, n)),
             why="continuous at λ = 0: finite sums of e^{λm_u}(m_u), denominator Σ_u 1 = n ≠ 0 there",
             check=continuity_limit_check(lam, 0)),
        Step(None, n ** (eta - 1) * sp.Sum(m[u], (u, 1, n)), why="Σ_u 1 = n", check=equal_or_probe()),
    )


def power_mean_zero_limit_steps() -> tuple[Step, ...]:
    r"""``lim_{q→0} ((1/n) Σ_u m_u^q)^{1/q} = (Π_u m_u)^{1/n}`` (two-sided) for every ``n ≥ 1``, ``m_u > 0``.

    With ``g(q) = log((1/n) Σ_u m_u^q)``: ``M_q = exp(g(q)/q)``, ``g(0) = 0``, so ``g(q)/q → g'(0) =
    (1/n) Σ_u log m_u``.  Checks: 1 :func:`limit_of_equal` + :func:`positive_power_check` (``A^{1/q} =
    exp(log(A)/q)``, ``A > 0``); 2 :func:`outer_continuous` (``exp`` continuous; the inner limit exists by
    steps 3–4); 3 :func:`derivative_quotient_check` under ``exp`` (``g(0) = 0``, ``g`` differentiable at 0 by
    :func:`regular_at`); 4 :func:`derivative_value_check` under ``exp`` (SymPy's ``diff`` of the ``Sum``);
    5 :func:`log_product_check` (``log Π m_u = Σ log m_u``).
    """
    x = sp.Symbol("y")
    return (
        Step(sp.Limit(power_mean(q), q, 0, "+-"), sp.Limit(sp.exp(G_PM / q), q, 0, "+-"),
             why="A^{1/q} = exp(log(A)/q), A = (1/n) Σ m_u^q > 0", check=limit_of_equal(positive_power_check())),
        Step(None, sp.exp(sp.Limit(G_PM / q, q, 0, "+-")), why="exp is continuous (the inner limit exists: next steps)",
             check=outer_continuous(sp.Lambda(x, sp.exp(x)), "exp is continuous on R")),
        Step(None, sp.exp(sp.Subs(sp.Derivative(G_PM, q), q, 0)),
             why="g(0) = log((1/n) Σ_u 1) = 0 and g is differentiable at 0: g(q)/q = (g(q) − g(0))/(q − 0) → g'(0)",
             check=under(sp.exp, derivative_quotient_check(q, 0))),
        Step(None, sp.exp(sp.Sum(sp.log(mpos[u]), (u, 1, n)) / n),
             why="g'(q) = Σ_u m_u^q log m_u / Σ_u m_u^q; at q = 0: (1/n) Σ_u log m_u",
             check=under(sp.exp, derivative_value_check())),
        Step(None, GEOMETRIC, why="Σ_u log m_u = log Π_u m_u (m_u > 0)", check=log_product_check()),
    )


def softmax_symmetry_steps() -> tuple[Step, ...]:
    """Side lemma ``S(−λ; m) = −S(λ; −m)`` for every ``n ≥ 1`` (``m_u`` real, ``λ`` real): exp(−λ m_u) =
    exp(λ (−m_u)) and the sign of ``−m_u`` leaves the sum (:func:`equal_or_probe`: ``sum_identity``)."""
    return (Step(softmax_agg(-lam), -softmax_agg(lam, -m[u]),
                 why="e^{−λ m_u} = e^{λ(−m_u)}; Σ_u (−m_u) w_u = −Σ_u m_u w_u",
                 check=equal_or_probe()),)


def softmax_min_limit_steps() -> tuple[Step, ...]:
    r"""``lim_{λ→−∞} S(λ; m) = n^η min_u m_u`` for every ``n ≥ 1`` from the max limit
    ``lim_{μ→∞} S(μ; m) = n^η max_u m_u`` (claim ``agg.softmax.limit_max``, any real messages).

    Checks: 1 :func:`limit_substitution` (``λ = −μ``); 2 :func:`limit_of_equal` with the symmetry
    (side lemma :func:`softmax_symmetry_steps`); 3 :func:`outer_continuous` (``y ↦ −y``); 4 :func:`by_theorem`
    (the max limit for the real messages ``−m_u``); 5 :func:`monotone_extremum_check` (``t ↦ −t`` is
    decreasing: ``max_u(−m_u) = −min_u m_u``).
    """
    y = sp.Symbol("y")
    return (
        Step(sp.Limit(softmax_agg(lam), lam, -sp.oo), sp.Limit(softmax_agg(-mu), mu, sp.oo), why="λ = −μ",
             check=limit_substitution(lam, -mu, mu)),
        Step(None, sp.Limit(-softmax_agg(mu, -m[u]), mu, sp.oo), why="S(−μ; m) = −S(μ; −m)",
             check=limit_of_equal(equal_or_probe())),
        Step(None, -sp.Limit(softmax_agg(mu, -m[u]), mu, sp.oo), why="constant factor −1 (the limit exists: next step)",
             check=outer_continuous(sp.Lambda(y, -y), "y ↦ −y is continuous")),
        Step(None, -n**eta * seq_max(-m[u]), why="the max limit (agg.softmax.limit_max) for the messages −m_u",
             check=by_theorem(SOFTMAX_MAX_THEOREM, {m[u]: -m[u]}, "agg.softmax.limit_max")),
        Step(None, n**eta * seq_min(m[u]), why="max_u(−m_u) = −min_u m_u", check=monotone_extremum_check(m[u])),
    )


def power_mean_symmetry_steps() -> tuple[Step, ...]:
    """Side lemma ``M_{−q}(m) = 1/M_q(1/m)`` for every ``n ≥ 1``, ``m_u > 0``, ``q ≠ 0``: ``(1/m_u)^q =
    m_u^{−q}`` and ``1/A^{1/q} = A^{−1/q}`` for positive bases (:func:`equal_or_probe`)."""
    return (Step(power_mean(-q), 1 / power_mean(q, 1 / mpos[u]),
                 why="(1/m_u)^q = m_u^{−q}; 1/A^{1/q} = A^{−1/q} (A > 0)",
                 check=equal_or_probe()),)


def power_mean_min_limit_steps() -> tuple[Step, ...]:
    r"""``lim_{q→−∞} M_q(m) = min_u m_u`` for every ``n ≥ 1``, ``m_u > 0``, from the max limit
    ``lim_{r→∞} M_r(m) = max_u m_u`` (claim ``agg.pm.limit_max``).

    Checks: 1 :func:`limit_substitution` (``q = −r``); 2 :func:`limit_of_equal` with the symmetry (side lemma
    :func:`power_mean_symmetry_steps`); 3 :func:`outer_continuous` (``y ↦ 1/y``, continuous at the limit
    ``max_u 1/m_u > 0`` of step 4); 4 :func:`by_theorem` (the max limit for the positive messages
    ``1/m_u``); 5 :func:`monotone_extremum_check` (``t ↦ 1/t`` decreasing on ``t > 0``).
    """
    y = sp.Symbol("y")
    return (
        Step(sp.Limit(power_mean(q), q, -sp.oo), sp.Limit(power_mean(-r), r, sp.oo), why="q = −r",
             check=limit_substitution(q, -r, r)),
        Step(None, sp.Limit(1 / power_mean(r, 1 / mpos[u]), r, sp.oo), why="M_{−r}(m) = 1/M_r(1/m)",
             check=limit_of_equal(equal_or_probe())),
        Step(None, 1 / sp.Limit(power_mean(r, 1 / mpos[u]), r, sp.oo),
             why="y ↦ 1/y is continuous at the (positive) limit of the next step",
             check=outer_continuous(sp.Lambda(y, 1 / y), "1/y is continuous at y = max_u 1/m_u > 0")),
        Step(None, 1 / seq_max(1 / mpos[u]), why="the max limit (agg.pm.limit_max) for the messages 1/m_u > 0",
             check=by_theorem(PM_MAX_THEOREM, {mpos[u]: 1 / mpos[u]}, "agg.pm.limit_max")),
        Step(None, seq_min(mpos[u]), why="max_u 1/m_u = 1/min_u m_u (1/t decreasing on t > 0)",
             check=monotone_extremum_check(mpos[u])),
    )


#: For each proof: the statement's SymPy sides (``lhs``, ``rhs``), the bound statement (``statement``: ``Rel``,
#: or ``Lim`` for a limit, whose ``limit_expr()`` is the chain's first lhs) for
#: :func:`verify.core.symbolic.prove`, the proof function (chain from lhs to rhs) and side lemmas.
STATEMENTS: dict[str, dict[str, Any]] = {
    "softargmax_gradient": {"lhs": sp.Derivative(LSE, sig[j]), "rhs": SOFTARGMAX_j,
                            "steps": softargmax_gradient_steps, "lemmas": (),
                            "assumptions": ("K positive integer", "1 <= j <= K", "sigma_i real", "lambda != 0")},
    "softmax_zero_limit": {"lhs": sp.Limit(softmax_agg(lam), lam, 0, "+-"),
                           "rhs": n ** (eta - 1) * sp.Sum(m[u], (u, 1, n)),
                           "steps": softmax_zero_limit_steps, "lemmas": (),
                           "assumptions": ("n positive integer", "m_u real", "eta real")},
    "power_mean_zero_limit": {"lhs": sp.Limit(power_mean(q), q, 0, "+-"), "rhs": GEOMETRIC,
                              "steps": power_mean_zero_limit_steps, "lemmas": (),
                              "assumptions": ("n positive integer", "m_u > 0")},
    "softmax_symmetry": {"lhs": softmax_agg(-lam), "rhs": -softmax_agg(lam, -m[u]), "steps": softmax_symmetry_steps,
                         "lemmas": (), "assumptions": ("n positive integer", "m_u real")},
    "softmax_min_limit": {"lhs": sp.Limit(softmax_agg(lam), lam, -sp.oo), "rhs": n**eta * seq_min(m[u]),
                          "steps": softmax_min_limit_steps, "lemmas": (softmax_symmetry_steps,),
                          "assumptions": ("n positive integer", "m_u real", "agg.softmax.limit_max")},
    "power_mean_symmetry": {"lhs": power_mean(-q), "rhs": 1 / power_mean(q, 1 / mpos[u]),
                            "steps": power_mean_symmetry_steps, "lemmas": (),
                            "assumptions": ("n positive integer", "m_u > 0", "q != 0")},
    "power_mean_min_limit": {"lhs": sp.Limit(power_mean(q), q, -sp.oo), "rhs": seq_min(mpos[u]),
                             "steps": power_mean_min_limit_steps, "lemmas": (power_mean_symmetry_steps,),
                             "assumptions": ("n positive integer", "m_u > 0", "agg.pm.limit_max")},
}


def _statement(lhs: Any, rhs: Any) -> Any:
    if isinstance(lhs, sp.Limit):
        f, var, point, _ = lhs.args
        return Lim(f, var, point, rhs, "+-")
    return Rel(lhs, rhs)


for _entry in STATEMENTS.values():
    _entry["statement"] = _statement(_entry["lhs"], _entry["rhs"])
