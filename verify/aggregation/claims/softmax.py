r"""Claims ``agg.softmax.*``: the softmax aggregation ``S(m; λ, η) = n^η Σ_u softmax(m; λ)_u m_u``.

Every statement is a SymPy object over the quantities of :mod:`verify.aggregation.quantities` and the extra
quantities defined here (the tie structure of a neighbourhood: ``k`` maximisers, the gap ``Δ`` to the second
distinct value, the distances ``d_u`` of the other messages to the max), so every piece of evidence reads the
statement it tests and a mutant runs through the same evidence.

General-``n`` proofs are chains of steps over SymPy sums with a symbolic upper bound.  The one fact the chains
take from the *definitions* of ``k`` and ``d_u`` is the partition of the index set into the maximisers and the
others (:func:`split_check`): ``Σ_{u=1}^n g(m_u) = k g(max) + Σ_{u=1}^{n-k} g(max - d_u)`` for any ``g``;
every step is then exact algebra (sums made linear, their summands compared term by term) or a sign argument,
and every accepted custom step is cross-checked numerically by the engine at random neighbourhoods (the
quantities evaluate consistently with the messages).

Helpers shared with :mod:`.lse` live here too: the bound tie-pattern limits (:func:`tie_pattern_limits`), the
custom step checks (:func:`split_check`, :func:`termwise_check`, :func:`sign_check`, :func:`equal_check`,
:func:`by_definition`) and the conditioned derivation (:func:`conditioned_derivation`).
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import mpmath
import sympy as sp

from verify.core.claim import Claim, Evidence, Mutant, Outcome, Prop, Squeeze, Step
from verify.core.evaluate import CannotEvaluate
from verify.core.numeric import at_points, counterexample, exact_limit, fmt, limit_ladder
from verify.core.statement import All, Lim, Quantity, Rel, VectorSymbol, explicit, quantity, unfold
from verify.core.symbolic import derivation_evidence, every_part, prove

from .. import general_proofs as gp
from .. import theory as th
from ..kernel_claims import softmax_limit_float_evidence
from ..quantities import S, _base, card, eta, lam, m, n_, u_, vmax, vmin, vsum
from .inputs import RANDOM, SPREAD, TIES, TWO_LEVEL

try:
    import flint
except ImportError:  # pragma: no cover
    flint = None

mpf = mpmath.mpf

#: λ > 0 (limits at +∞ and the gap bounds)
lam_p = sp.Symbol("lambda", positive=True)
#: λ = (1 + t)/Δ parametrises the condition λΔ ≥ 1 (t ≥ 0)
t_ = sp.Symbol("t", nonnegative=True)
_s = sp.Symbol("s", nonnegative=True)
_x = sp.Symbol("x", positive=True)
_xn = sp.Symbol("x", nonnegative=True)


# ==============================================================================================================
# the tie structure of a neighbourhood, as quantities (mpmath and arb)
# ==============================================================================================================

def _int_arg(i: Any) -> int:
    if flint is not None and isinstance(i, flint.arb):
        ok, v = i.unique_fmpz()
        if not ok:
            raise CannotEvaluate(f"index {i} is not a certain integer")
        return int(v)
    v = mpmath.mpf(i)
    if v != int(v):
        raise CannotEvaluate(f"index {i} is not an integer")
    return int(v)


def _mp_levels(ms: Sequence[Any]) -> tuple[Any, int, list]:
    """``(max, k, distances of the other messages to the max, ascending)``."""
    top = max(ms)
    k = sum(1 for x in ms if x == top)
    return top, k, sorted(top - x for x in ms if x != top)


def _arb_levels(ms: Sequence[Any]) -> tuple[Any, int, list]:
    """The same in arb balls.  A message is a maximiser when its ball is identical to the max's ball (the
    messages come from the same exact decimal: equal strings give identical balls), another message when it
    is certainly below; anything else (overlapping, different balls) cannot be decided."""
    from verify.core.evaluate import _arb_extreme

    top = _arb_extreme(list(ms), True)
    k, rest = 0, []
    for x in ms:
        if x.mid() == top.mid() and x.rad() == top.rad():
            k += 1
        elif x < top:
            rest.append(top - x)
        else:
            raise CannotEvaluate("a tie with the max cannot be decided in arb")
    if k == 0:
        raise CannotEvaluate("no certain maximiser in arb")
    return top, k, sorted(rest, key=lambda b: float(b.mid()))


def _kmax(levels: Callable) -> Callable:
    def f(ms: Any) -> Any:
        _, k, _ = levels(ms)
        return mpmath.mpf(k) if levels is _mp_levels else flint.arb(k)
    return f


def _delta(levels: Callable) -> Callable:
    def f(ms: Any) -> Any:
        _, _, rest = levels(ms)
        if not rest:
            raise CannotEvaluate("Δ is undefined: all messages are equal")
        if levels is _mp_levels:
            return rest[0]
        from verify.core.evaluate import _arb_extreme
        return _arb_extreme(rest, False)
    return f


def _dist(levels: Callable) -> Callable:
    def f(ms: Any, u: Any) -> Any:
        _, _, rest = levels(ms)
        j = _int_arg(u)
        if not 1 <= j <= len(rest):
            raise CannotEvaluate(f"d_{j} is undefined: {len(rest)} messages below the max")
        return rest[j - 1]
    return f


def _explicit_levels(ms: Any) -> tuple[Any, int, list] | None:
    """The tie structure of a tuple of numbers (``None`` for symbolic entries: no explicit form)."""
    vals = list(ms.args)
    if not all(isinstance(v, sp.Number) for v in vals):
        return None
    top = sp.Max(*vals)
    k = sum(1 for v in vals if v == top)
    return top, k, sorted(top - v for v in vals if v != top)


def _explicit_k(ms: Any) -> Any:
    lv = _explicit_levels(ms)
    return None if lv is None else sp.Integer(lv[1])


def _explicit_delta(ms: Any) -> Any:
    lv = _explicit_levels(ms)
    return None if lv is None or not lv[2] else lv[2][0]


#: number of maximisers ``k = #{u : m_u = max}``
kmax = quantity("kmax", _kmax(_mp_levels), arb=_kmax(_arb_levels), nargs=1, integer=True, positive=True,
                latex=r"k_{{{0}}}", text="k({0})", explicit=_explicit_k)
#: gap ``Δ = max − max{m_u : m_u < max}`` (undefined when all messages are equal)
Delta = quantity("Delta", _delta(_mp_levels), arb=_delta(_arb_levels), nargs=1, positive=True,
                 latex=r"\Delta_{{{0}}}", text="Delta({0})", explicit=_explicit_delta)
#: ``d_u``: the distance of the ``u``-th non-maximiser to the max (ascending, ``u = 1 .. n − k``; ``d_1 = Δ``)
dist = quantity("dist", _dist(_mp_levels), arb=_dist(_arb_levels), nargs=2, positive=True,
                latex=r"d_{{{0},{1}}}", text="d({0}, {1})")


def _entry(ms: Any, u: Any) -> Any:
    j = _int_arg(u)
    if not 1 <= j <= len(ms):
        raise CannotEvaluate(f"no entry {j} in a tuple of {len(ms)}")
    return ms[j - 1]


#: ``m_u``: the ``u``-th entry of the tuple (links the tuple to the indexed ``m[u]`` of the general-n forms)
entry = quantity("entry", _entry, arb=_entry, nargs=2, latex=r"{0}_{{{1}}}", text="{0}[{1}]")


def same_tuple(ms: Any, size: Any = n_, index: Any = u_) -> Any:
    """The condition "the indexed ``m[u]``, ``u = 1..n`` of the general-``n`` forms are the entries of the tuple
    ``m``": ``n = |m|`` and ``Σ_u (m[u] − m_u)² = 0``.  Used as ``Step.where`` of the steps that pass from the
    tuple notation (quantities) to the indexed notation: the engine's sampled cross-check then compares the two
    sides only at points where both notations denote the same tuple (the probes bind ``m[u]`` and ``n`` to the
    tuple ``m``; a size symbol sampled on its own, such as ``K`` for ``σ``, is filtered out here)."""
    b = _base(ms)
    return sp.And(sp.Eq(size, card(ms)), sp.Eq(sp.Sum((b[index] - entry(ms, index)) ** 2, (index, 1, size)), 0))


#: the general-n forms of the statements about ``m`` use ``m[u]``, ``u = 1..n``
SAME_M = same_tuple(m)


# --- the derivative and the variance under the softmax weights ---------------------------------------------------
def _dS_mp(ms: Any, l: Any, e: Any) -> Any:
    """``∂S/∂λ`` by numerical differentiation of ``S`` (mpmath.diff at the working precision): computed
    independently of the variance formula it is compared with."""
    return mpmath.diff(lambda x: th.softmax_agg(ms, x, e), l)


def _dS_unfold(ms: Any, l: Any, e: Any) -> Any:
    if not isinstance(l, sp.Symbol):
        return None
    return sp.Derivative(S(ms, l, e).unfold(), l)


def _wvar_unfold(ms: Any, l: Any) -> Any:
    b = _base(ms)
    Z = sp.Sum(sp.exp(l * b[u_]), (u_, 1, n_))
    return (sp.Sum(b[u_] ** 2 * sp.exp(l * b[u_]), (u_, 1, n_)) / Z
            - (sp.Sum(b[u_] * sp.exp(l * b[u_]), (u_, 1, n_)) / Z) ** 2)


def _wvar_explicit(ms: Any, l: Any) -> Any:
    xs = list(ms.args)
    Z = sum(sp.exp(l * x) for x in xs)
    return sum(x ** 2 * sp.exp(l * x) for x in xs) / Z - (sum(x * sp.exp(l * x) for x in xs) / Z) ** 2


def _arb_wvar(ms: Any, l: Any) -> Any:
    w = [(l * (x - ms[0])).exp() for x in ms]  # any common shift: the weights are ratios
    Z = _arb_total(w)
    mu = _arb_total([wi * x for wi, x in zip(w, ms)]) / Z
    return _arb_total([wi * (x - mu) ** 2 for wi, x in zip(w, ms)]) / Z


def _arb_total(xs: Sequence[Any]) -> Any:
    out = flint.arb(0)
    for x in xs:
        out += x
    return out


def _arb_Z(ms: Any, l: Any) -> Any:
    out = flint.arb(0)
    for x in ms:
        out += (l * x).exp()
    return out


#: ``∂S(m; λ, η)/∂λ``
dS = quantity("dS", _dS_mp, nargs=3, unfold=_dS_unfold,
              latex=r"\frac{{\partial S_{{{0}}}}}{{\partial\lambda}}\left({1}, {2}\right)", text="dS/dlambda({0}; {1}, {2})")
#: ``Var_w(m) = Σ w_u m_u² − (Σ w_u m_u)²`` with ``w = softmax(m; λ)``
wvar = quantity("wvar", lambda ms, l: th.softmax_variance(ms, l), arb=_arb_wvar, nargs=2, unfold=_wvar_unfold,
                explicit=_wvar_explicit, latex=r"\operatorname{{Var}}_{{w}}\left({0}; {1}\right)",
                text="Var_w({0}; {1})")
#: ``Z(m; λ) = Σ_u e^{λ m_u}``
Zs = quantity("Zs", lambda ms, l: mpmath.fsum(mpmath.exp(l * x) for x in ms), arb=_arb_Z, nargs=2, positive=True,
              unfold=lambda ms, l: sp.Sum(sp.exp(l * _base(ms)[u_]), (u_, 1, n_)),
              explicit=lambda ms, l: sum(sp.exp(l * x) for x in ms.args),
              latex=r"Z\left({0}; {1}\right)", text="Z({0}; {1})")


# ==============================================================================================================
# custom step checks (general n): the partition of the index set, linear sums, term-wise comparison
# ==============================================================================================================

#: quantities replaced by plain symbols (with the assumptions their definitions give) inside the algebra
_REAL = sp.Symbol("max", real=True), sp.Symbol("min", real=True)


def _symbolize(expr: Any) -> Any:
    """Replace the tuple quantities ``max, min, n, k, Δ`` by symbols carrying their known signs (the max of
    reals is real, ``n ≥ k ≥ 1`` integers, ``Δ > 0``); quantities with other arguments are left alone."""
    reps = {}
    for q in sp.sympify(expr).atoms(Quantity):
        if len(q.args) != 1 or not isinstance(q.args[0], VectorSymbol):
            continue
        name = type(q).__name__
        if name == "vmax":
            reps[q] = _REAL[0]
        elif name == "vmin":
            reps[q] = _REAL[1]
        elif name == "card":
            reps[q] = n_
        elif name == "kmax":
            reps[q] = sp.Symbol("k", integer=True, positive=True)
        elif name == "Delta":
            reps[q] = sp.Symbol("Delta", positive=True)
    return sp.sympify(expr).xreplace(reps)


def linear_sums(expr: Any, count: bool = True) -> Any:
    """Every single-index ``Sum`` made linear: its summand expanded (``exp`` of a sum split), each term's
    factors free of the index pulled out, and (``count``) a summand free of the index counted
    (``Σ_{u=a}^b c = (b-a+1) c``; else kept as ``c Σ 1``)."""

    def lin(s: sp.Sum) -> Any:
        if len(s.limits) != 1:
            return s
        i, a, b = s.limits[0]
        out = sp.Integer(0)
        for term in sp.Add.make_args(sp.expand(s.function)):
            c, rest = term.as_independent(i, as_Add=False)
            out += c * ((b - a + 1) if rest == 1 and count else sp.Sum(rest, (i, a, b)))
        return out

    return sp.sympify(expr).replace(lambda e: isinstance(e, sp.Sum), lin)


def _generic(f: Any, index: Any) -> Any:
    """The summand with every ``d(m, index)`` (a distance quantity at the summation index) replaced by a
    positive symbol ``x`` and every ``m[index]`` by a real symbol."""
    reps = {}
    for q in sp.sympify(f).atoms(Quantity):
        if len(q.args) == 2 and q.args[1] == index and type(q).__name__ in ("dist", "odist"):
            reps[q] = _x if type(q).__name__ == "dist" else _xn
    for ix in sp.sympify(f).atoms(sp.Indexed):
        if ix.indices == (index,):
            reps[ix] = sp.Symbol(f"{ix.base.label}_{index}", real=True)
    return sp.sympify(f).xreplace(reps)


def _abstract_sums(expr: Any) -> Any:
    """Replace every remaining ``Sum`` by a symbol, non-negative when its generic term provably is (a finite
    sum of non-negative terms, possibly empty), positive when its terms are positive and the range
    ``1..hi`` is provably non-empty (``hi >= 1``)."""
    reps = {}
    for j, s in enumerate(sorted(sp.sympify(expr).atoms(sp.Sum), key=sp.default_sort_key)):
        g = _generic(s.function, s.limits[0][0]) if len(s.limits) == 1 else s.function
        nonneg = bool(g.is_nonnegative) or th._sign_known(g, sums=False)
        lo, hi = s.limits[0][1:] if len(s.limits) == 1 else (None, None)
        if g.is_positive and lo == 1 and (hi - 1).is_nonnegative:
            reps[s] = sp.Symbol(f"Sigma_{j}", positive=True)
        else:
            reps[s] = sp.Symbol(f"Sigma_{j}", nonnegative=True) if nonneg else sp.Symbol(f"Sigma_{j}", real=True)
    return sp.sympify(expr).xreplace(reps)


def _logs_apart(expr: Any) -> Any:
    """``log(a b) = log a + log b`` where SymPy knows the factors positive (after factoring common terms)."""
    return sp.expand_log(sp.sympify(expr).replace(lambda e: isinstance(e, sp.log),
                                                  lambda e: sp.log(sp.factor_terms(e.args[0]))))


def _vanishes(d: Any) -> bool:
    d = _abstract_sums(_symbolize(linear_sums(d)))
    for simp in (sp.cancel, lambda e: sp.cancel(_logs_apart(e)), sp.simplify):
        try:
            if simp(d) == 0:
                return True
        except Exception:  # noqa: BLE001 - a simplifier failing is just "not shown"
            continue
    return False


def equal_check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
    """``lhs == rhs`` once every sum is linear (constants out, sums of constants counted) and the sums are
    abstracted: ``J`` equal terms, a factor pulled out of a sum ..."""
    if _vanishes(sp.sympify(lhs) - sp.sympify(rhs)):
        return True, "equal after making the sums linear (constants out, Σ_{u=1}^J c = J c)"
    return None, "not shown equal"


def _partition(expr: Any, kind: str) -> Any:
    """Unfold every ``S`` / ``lse`` / ``Zs`` of a message tuple and split each of its sums over
    ``u = 1..n`` by the tie structure: ``kind="k"``: the ``k`` maximisers and the ``n − k`` others at
    ``max − d_u``; ``kind="one"``: one maximiser and the ``n − 1`` others at ``max − d'_u`` (``d' ≥ 0``)."""
    expr = sp.sympify(expr)
    reps = {}
    for q in expr.atoms(Quantity):
        if type(q).__name__ not in ("S", "lse", "Zs", "wvar") or not isinstance(q.args[0], VectorSymbol):
            continue
        ms = q.args[0]
        b, top = _base(ms), vmax(ms)

        def part(s: sp.Sum, ms=ms, b=b, top=top) -> Any:
            g = s.function
            if kind == "k":
                return (kmax(ms) * g.xreplace({b[u_]: top})
                        + sp.Sum(g.xreplace({b[u_]: top - dist(ms, u_)}), (u_, 1, card(ms) - kmax(ms))))
            from .lse import odist
            return g.xreplace({b[u_]: top}) + sp.Sum(g.xreplace({b[u_]: top - odist(ms, u_)}), (u_, 1, card(ms) - 1))

        U = q.unfold().replace(lambda e: isinstance(e, sp.Sum) and e.limits == ((u_, 1, n_),), part)
        reps[q] = U.xreplace({n_: card(ms)})
    return expr.xreplace(reps)


def split_check(kind: str = "k") -> Callable[[Any, Any], tuple[bool | None, str]]:
    """``Step.check``: the two sides agree once ``S``/``lse`` are unfolded and their sums over ``u = 1..n``
    split by the tie structure (:func:`_partition`: a re-indexing of a finite sum, true for every summand),
    then made linear and compared exactly."""
    what = ("the k maximisers and the n − k others at max − d_u" if kind == "k"
            else "one maximiser and the n − 1 others at max − d'_u")

    def check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
        d = sp.sympify(lhs) - sp.sympify(rhs)
        dp = _partition(d, kind)
        if dp == d:
            return None, "no aggregation of a message tuple to split"
        if _vanishes(dp):
            return True, f"sums over u = 1..n split into {what}; then equal term by term"
        return None, "after the split the sides were not shown equal"

    return check


def sign_check(lhs: Any, rhs: Any, rel: str = "<=") -> tuple[bool | None, str]:
    """``lhs <= rhs`` (or ``>=``) by the sign of the difference: sums of non-negative terms abstracted as
    non-negative symbols, the tuple quantities as symbols with their signs, then SymPy's assumptions."""
    d = (sp.sympify(rhs) - sp.sympify(lhs)) if rel == "<=" else (sp.sympify(lhs) - sp.sympify(rhs))
    d = _abstract_sums(_symbolize(linear_sums(d)))
    if th._sign_known(d, sums=False):
        return True, "the difference is >= 0 (sums of non-negative terms, signs of n, k, Δ)"
    return None, f"sign of {sp.sstr(d)[:80]} not shown"


def termwise_check(subs: dict, var: Any, rel: str = "<=", why: str = ""
                   ) -> Callable[[Any, Any], tuple[bool | None, str]]:
    """``Step.check``: ``rhs − lhs`` (for ``<=``) is one sum ``Σ_{u=1}^J h_u`` once the sums are linear and
    combined (constants moved inside); its generic term, with ``d_u = x`` and ``subs`` (the definitional
    bounds of ``d_u``, e.g. ``x = Δ + s``, ``s ≥ 0``), is proved ``≥ 0`` in ``var`` (:func:`theory.prove_nonneg`)."""

    def check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
        d = (sp.sympify(rhs) - sp.sympify(lhs)) if rel == "<=" else (sp.sympify(lhs) - sp.sympify(rhs))
        d = sp.expand(_symbolize(linear_sums(d, count=False)))
        groups: dict = {}
        rest = sp.Integer(0)
        for term in sp.Add.make_args(d):
            sums = [f for f in sp.Mul.make_args(term) if isinstance(f, sp.Sum)]
            if len(sums) == 1 and len(sums[0].limits) == 1:
                s = sums[0]
                groups.setdefault(s.limits, []).append(sp.Mul(*[f for f in sp.Mul.make_args(term) if f is not s])
                                                       * s.function)
            else:
                rest += term
        if len(groups) != 1 or sp.cancel(rest) != 0:
            return None, "the difference is not one sum over a common range"
        (limits, hs), = groups.items()
        h = _generic(sp.Add(*hs), limits[0][0]).xreplace({k: _symbolize(v) for k, v in subs.items()})
        ok, reason = th.prove_nonneg(sp.simplify(h), var)
        if ok:
            return True, f"term by term{': ' + why if why else ''} ({reason})"
        return None, f"generic term {sp.sstr(h)[:80]} not shown >= 0"

    return check


def by_definition(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
    """``Step.check``: the right side is the left side with its quantities unfolded to their general-``n``
    definitions (structural identity, no simplification: it works under limits and derivatives)."""
    L, R = sp.sympify(lhs), sp.sympify(rhs)
    if unfold(L) == R or unfold(R) == L or (unfold(L) == unfold(R) and L.atoms(Quantity) | R.atoms(Quantity)):
        return True, "the quantity's general-n definition (unfolded)"
    return None, "the sides are not the same after unfolding the definitions"


def notation_check(msgs: Any) -> Callable[[Any, Any], tuple[bool | None, str]]:
    """``Step.check``: ``max_{1≤u≤n} m_u`` / ``min_{1≤u≤n} m_u`` of the general proofs is ``vmax(m)`` /
    ``vmin(m)`` and ``n`` is ``card(m)`` (the same objects in two notations); then exact comparison."""

    def check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
        b = _base(msgs)
        reps = {gp.SeqMax(b[gp.u], sp.Tuple(gp.u, 1, gp.n)): vmax(msgs),
                gp.SeqMin(b[gp.u], sp.Tuple(gp.u, 1, gp.n)): vmin(msgs)}
        L = sp.sympify(lhs).xreplace(reps).xreplace({gp.n: card(msgs)})
        if sp.expand(L - sp.sympify(rhs)) == 0:
            return True, "max_u m_u = max(m), min_u m_u = min(m), n = |N| (notation)"
        return None, f"{sp.sstr(L)} is not the right side"

    return check


# ==============================================================================================================
# evidence bound to the statement
# ==============================================================================================================

def ordered_messages(pattern: Sequence[int], base: str = "m") -> list:
    """Symbolic messages ``m_1 ≤ … ≤ m_n`` with the ties of ``pattern`` (block sizes) and strict increases
    ``d_j > 0`` between blocks (:func:`theory.ordered_messages`)."""
    return th.ordered_messages(pattern, base=base)


def _shift_exponents(f: Any, var: Any, ref: Any) -> Any | None:
    """``f`` with every ``exp(a)`` written ``exp(var·ref) · exp(a − var·ref)``; when the result does not
    depend on the common factor (a ratio of sums of exponentials), the factor is dropped (exactly), so every
    exponent is ``var`` times a combination of the gaps ``d`` (Gruntz then knows the signs).  ``None`` when
    ``f`` is not of that kind."""
    E = sp.Symbol("E_ref", positive=True)
    g = f.replace(lambda e: isinstance(e, sp.exp) and e.has(var),
                  lambda e: E * sp.exp(sp.expand(e.args[0] - var * ref)))
    if g == f:
        return f
    if sp.cancel(g).has(E):
        g = _logs_apart(g).subs(sp.log(E), var * ref)
        if g.has(E):
            return None
        return g
    return g.subs(E, 1)


def tie_pattern_limits(sizes: Sequence[int] = (1, 2, 3, 4, 5), msgs: Any = m, label: str = "",
                       budget: float = 40.0, about: str = "statement", ties: bool = True) -> Evidence:
    """Exact limits of the statement's ``Lim`` parts for every tie pattern of ``n`` ordered symbolic messages
    ``m_1 ≤ … ≤ m_n`` (``2^(n−1)`` patterns per ``n``), from the statement itself: the message tuple ``msgs``
    is bound to the symbolic messages, every quantity replaced by its explicit form, and SymPy's Gruntz
    algorithm takes the limit of the statement's expression, compared exactly with the statement's value.
    (Towards ``±∞`` the exponentials are first shifted by the max / min message, an exact rewriting.)

    Fixed-size evidence: it proves the limit for ``n ≤ max(sizes)``, every ordering and every tie.  With
    ``ties=False`` one tuple of ``n`` independent real symbols per size (for limits where order and ties play
    no role)."""
    sizes = tuple(sizes)

    def run(prop: Prop) -> Outcome:
        parts = [p for p in prop.statement.parts() if isinstance(p, Lim)]
        if not parts:
            return Outcome("undecided", "no limit in the statement")
        count = 0
        for part in parts:
            for n in sizes:
                for pat in (th.tie_patterns(n) if ties else [(1,) * n]):
                    ms = ordered_messages(pat) if ties else list(sp.symbols(f"{msgs}_1:{n + 1}", real=True))
                    concrete = part.subs({msgs: tuple(ms)})
                    f, target = explicit(concrete.expr), explicit(concrete.value)
                    if any(isinstance(a, Quantity) for a in f.atoms(sp.Function)) or \
                            any(isinstance(a, Quantity) for a in target.atoms(sp.Function)):
                        return Outcome("undecided", f"no explicit form at the pattern {pat}")
                    if part.point in (sp.oo, -sp.oo):
                        ref = ms[-1] if part.point == sp.oo else ms[0]  # the dominant exponential
                        f2 = _shift_exponents(f, part.var, ref)
                        f = f2 if f2 is not None else f
                    elif f.has(sp.log):  # log a − log b = log(a/b) for positive a, b (SymPy checks the signs)
                        f = sp.logcombine(sp.expand(f * part.var)) / part.var
                    for d in part.directions():
                        try:
                            val = sp.limit(f, part.var, part.point, d)
                        except Exception as exc:  # noqa: BLE001
                            return Outcome("undecided", f"pattern {pat}: SymPy could not take the limit "
                                                        f"({type(exc).__name__})")
                        if val.has(sp.Limit) or val.has(sp.AccumBounds):
                            return Outcome("undecided", f"pattern {pat}: SymPy left the limit unevaluated")
                        diff = sp.simplify(val - target)
                        if diff != 0:
                            where = f"n={n}, ties {pat}" if ties else f"n={n}"
                            return Outcome("refuted", f"{where}: limit {sp.sstr(val)} != {sp.sstr(target)}",
                                           data={"pattern": list(pat), "limit": sp.sstr(val),
                                                 "claimed": sp.sstr(target)})
                        count += 1
        what = "every tie pattern of" if ties else "symbolic tuples of"
        return Outcome("holds", f"{count} exact limits: {what} n = {sizes[0]}..{sizes[-1]} "
                                f"{'ordered messages' if ties else 'real entries'}", data={"patterns": count})

    what = ("every tie pattern of n = {}..{} ordered symbolic messages" if ties
            else "n = {}..{} independent real symbols").format(sizes[0], sizes[-1])
    return Evidence("symbolic", run, label=label or f"N={sizes[0]}..{sizes[-1]}", budget=budget, about=about,
                    description=f"fixed-size: exact limit of the statement's expression for {what} (SymPy, Gruntz)")


def condition_covered(condition: Any, sub: dict, s: Any, lo: Any) -> tuple[bool, str]:
    """Whether every instance satisfying ``condition`` is covered by the parametrisation ``sub`` of the proof
    (``s ≥ lo``): the condition rewritten with ``sub`` must imply ``s ≥ lo`` (SymPy's inequality solver)."""
    if condition is None:
        return False, "no condition: the proof covers only λΔ >= 1"
    cond = sp.sympify(condition).xreplace(sub)
    try:
        sol = sp.solve_univariate_inequality(cond, s, relational=False)
    except Exception as exc:  # noqa: BLE001
        return False, f"cannot solve the condition for {s} ({type(exc).__name__})"
    ok = sol.is_subset(sp.Interval(lo, sp.oo))
    return bool(ok), f"the condition is {s} in {sol}" + ("" if ok else f", not inside [{lo}, oo)")


def conditioned_derivation(steps: Sequence[Any], part: int, lam_sym: Any, scale: Any, label: str = "",
                           budget: float = 40.0, description: str = "") -> Evidence:
    """Derivation of the ``part``-th part of the statement under the condition ``λ·scale ≥ 1``: the proof is
    written for ``λ = (1 + t)/scale``, ``t ≥ 0`` (so every step, and the engine's numeric cross-check of the
    custom steps, sees only admissible λ); the evidence first checks that the claim's condition implies
    ``λ·scale ≥ 1`` (else the proof does not cover it: undecided), then proves the statement's part with that
    substitution (:func:`verify.core.symbolic.prove`, a chain from its left to its right side)."""
    steps = tuple(steps)
    s = sp.Symbol("s_cond", positive=True)

    def run(prop: Prop) -> Outcome:
        p = prop.statement.parts()[part]
        ok, why = condition_covered(prop.condition, {lam_sym: s / scale}, s, 1)
        if not ok:
            return Outcome("undecided", f"the proof assumes λΔ >= 1 ({why})")
        sub = {lam_sym: (1 + t_) / scale}
        out = prove(Rel(p.lhs.xreplace(sub), p.rhs.xreplace(sub), p.rel), steps)
        return Outcome(out.finding, out.figure + "; with λ = (1 + t)/Δ, t >= 0 (the condition)", out.detail,
                       data=out.data)

    return Evidence("symbolic", run, label=label, about="condition", budget=budget,
                    description=description or "derivation under the condition (λ = (1+t)/Δ, t >= 0), each step "
                                               "checked exactly by SymPy")


def ratio_ladder(instances: Sequence[dict], lam_sym: Any, scale: Any, rungs: Sequence[int], part: int,
                 label: str = "", about: str = "statement", budget: float = 40.0) -> Evidence:
    """Tightness of the statement's bound: ``lhs/rhs`` of its ``part``-th relation along ``λ·scale = r`` for
    ``r`` in ``rungs`` (enough digits to resolve ``e^{−r}``).  ``refuted`` when a ratio exceeds 1 (the bound
    fails there); ``holds`` when every ratio is ``≤ 1`` and the last is within ``10^-3`` of 1 (the bound is
    attained asymptotically, so its constant cannot be lowered); else ``undecided`` (not shown tight)."""
    from verify.core.evaluate import evaluate
    from verify.core.statement import describe_instance, satisfies

    def run(prop: Prop) -> Outcome:
        p = prop.statement.parts()[part]
        figs = []
        for inst in instances:
            ratios = []
            for r in rungs:
                d = 60 + int(r / 2.3)
                with mpmath.workdps(d):
                    env = dict(inst)
                    env[lam_sym] = mpf(r) / evaluate(scale, inst)
                    if not satisfies(prop.condition, env):
                        continue
                    a, b = evaluate(p.lhs, env), evaluate(p.rhs, env)
                    ratios.append(a / b)
                    if a / b > 1 + mpf(10) ** -40:
                        return Outcome("refuted", f"{describe_instance(inst)}, λΔ={r}: lhs/rhs = {fmt(a / b, 6)} > 1")
            if not ratios:
                return Outcome("undecided", "no rung satisfies the condition")
            fig = f"{describe_instance(inst)}: lhs/rhs " + " -> ".join(fmt(x, 4) for x in ratios)
            if abs(1 - ratios[-1]) > mpf(10) ** -3:
                return Outcome("undecided", fig + " (not shown tight)")
            figs.append(fig)
        return Outcome("holds", "; ".join(figs) + " (<= 1, -> 1: attained asymptotically)")

    return Evidence("mpmath", run, label=label, about=about, budget=budget,
                    description=f"lhs/rhs of the bound along λΔ = {', '.join(map(str, rungs))}: never above 1, "
                                f"tending to 1")


def _gap_ladder_xs(msgs: tuple, rungs: Sequence[int] = (1, 10, 100, 1000)) -> tuple[list, list]:
    """λ with λΔ = rungs for the neighbourhood (λ → +∞), and the digits each rung needs to resolve
    ``e^{−λΔ}`` (plus 60 guard digits)."""
    with mpmath.workdps(30):
        _, _, rest = _mp_levels([mpf(v) for v in msgs])
        delta = rest[0]
        xs = [mpf(r) / delta for r in rungs]
    return xs, [60 + int(r / 2.3) for r in rungs]


def _neg(msgs: tuple) -> tuple:
    return tuple(v[1:] if v.startswith("-") else "-" + v for v in msgs)


# ==============================================================================================================
# the claims
# ==============================================================================================================

_mb = sp.IndexedBase("m", real=True)
_MEAN_N = card(m) ** (eta - 1) * vsum(m)  # n^(η−1) Σ_u m_u

#: the spread D = max − min enters the rate |S(λ) − S(0)| ≤ |λ| n^η D²/4 (derivative = variance ≤ D²/4)
_RATE = card(m) ** eta * sp.Abs(lam) * (vmax(m) - vmin(m)) ** 2 / 4

# --- the pieces of the general-n chains (λ > 0) ------------------------------------------------------------------
_k, _J, _D = kmax(m), card(m) - kmax(m), vmax(m) - vmin(m)


def _N(l: Any) -> Any:
    """``Σ_{u=1}^{n−k} d_u e^{−λ d_u}``: ``max − S/n^η`` times the softmax normaliser."""
    return sp.Sum(dist(m, u_) * sp.exp(-l * dist(m, u_)), (u_, 1, _J))


def _E(l: Any) -> Any:
    """``Σ_{u=1}^{n−k} e^{−λ d_u}``."""
    return sp.Sum(sp.exp(-l * dist(m, u_)), (u_, 1, _J))


def _gap(l: Any) -> Any:
    return _N(l) / (_k + _E(l))


_D_GE_d = termwise_check({_x: _D - _s}, _s, why="d_u <= D = max − min")
_Delta_LE_d = termwise_check({_x: Delta(m) + _s}, _s, why="e^{−λ d_u} <= e^{−λΔ} since d_u >= Δ, λ > 0")

#: 0 <= max − S/n^η (chain from 0)
GAP_NONNEG_STEPS = (
    Step(None, _gap(lam_p), "<=", why="a sum of non-negative terms over a positive denominator", check=sign_check),
    Step(None, vmax(m) - S(m, lam_p, eta) / card(m) ** eta,
         why="split the sums: k maximisers (d = 0) and n − k others at max − d_u; softmax weights sum to 1",
         check=split_check("k")),
)

#: max − S/n^η <= (n−k)/k (max − min) e^{−λΔ} for every λ > 0
GAP_SPREAD_STEPS = (
    Step(None, _gap(lam_p), why="split the sums: k maximisers and n − k others at max − d_u",
         check=split_check("k")),
    Step(None, _N(lam_p) / _k, "<=", why="the denominator k + Σ e^{−λ d_u} is >= k", check=sign_check),
    Step(None, sp.Sum(dist(m, u_) * sp.exp(-lam_p * Delta(m)), (u_, 1, _J)) / _k, "<=",
         why="term-wise e^{−λ d_u} <= e^{−λΔ}: d_u >= Δ, λ > 0", check=_Delta_LE_d),
    Step(None, sp.Sum(_D * sp.exp(-lam_p * Delta(m)), (u_, 1, _J)) / _k, "<=", why="term-wise d_u <= D = max − min",
         check=_D_GE_d),
    Step(None, _J * _D * sp.exp(-lam_p * Delta(m)) / _k, why="n − k equal terms", check=equal_check),
)

#: under λ = (1+t)/Δ (λΔ >= 1): max − S/n^η <= (n−k)/k Δ e^{−λΔ}
_lt = (1 + t_) / Delta(m)
GAP_TIGHT_STEPS = (
    Step(None, _gap(_lt), why="split the sums: k maximisers and n − k others at max − d_u", check=split_check("k")),
    Step(None, _N(_lt) / _k, "<=", why="the denominator k + Σ e^{−λ d_u} is >= k", check=sign_check),
    Step(None, sp.Sum(Delta(m) * sp.exp(-_lt * Delta(m)), (u_, 1, _J)) / _k, "<=",
         why="term-wise d e^{−λd} <= Δ e^{−λΔ} for d >= Δ >= 1/λ (x e^{−λx} decreases for x >= 1/λ)",
         check=termwise_check({_x: Delta(m) + _s}, _s, why="d e^{−λd} decreasing for d >= 1/λ")),
    Step(None, _J * Delta(m) * sp.exp(-(1 + t_)) / _k, why="n − k equal terms; λΔ = 1 + t", check=equal_check),
)

#: the squeeze for lim_{λ→∞} S = n^η max: n^η (max − (n−k)/k D e^{−λΔ}) <= S <= n^η max
_c = card(m) ** eta
MAX_SQUEEZE = Squeeze(
    lower=_c * (vmax(m) - _J * _D * sp.exp(-lam_p * Delta(m)) / _k),
    upper=_c * vmax(m),
    lower_steps=(
        Step(None, _c * (vmax(m) - sp.Sum(_D * sp.exp(-lam_p * Delta(m)), (u_, 1, _J)) / _k),
             why="n − k equal terms", check=equal_check),
        Step(None, _c * (vmax(m) - sp.Sum(dist(m, u_) * sp.exp(-lam_p * Delta(m)), (u_, 1, _J)) / _k), "<=",
             why="term-wise d_u <= D; n^η > 0", check=_D_GE_d),
        Step(None, _c * (vmax(m) - _N(lam_p) / _k), "<=", why="term-wise e^{−λ d_u} <= e^{−λΔ}",
             check=_Delta_LE_d),
        Step(None, _c * (vmax(m) - _gap(lam_p)), "<=", why="k + Σ e^{−λ d_u} >= k", check=sign_check),
        Step(None, S(m, lam_p, eta), why="split the sums: k maximisers and n − k others at max − d_u",
             check=split_check("k")),
    ),
    upper_steps=(
        Step(None, _c * (vmax(m) - _gap(lam_p)), why="split the sums: k maximisers and n − k others",
             check=split_check("k")),
        Step(None, _c * vmax(m), "<=", why="the gap is a sum of non-negative terms; n^η > 0", check=sign_check),
    ),
    why="n^η (max − (n−k)/k D e^{−λΔ}) <= S <= n^η max, and e^{−λΔ} → 0 (Δ > 0)",
)


def _shown_from(lhs: Any, steps: Sequence[Step]) -> tuple:
    """The chain as shown in the report for a part of a conjunction: its first step with the part's left side
    written out (the evidence runs the same chain from the statement itself)."""
    import dataclasses

    return (dataclasses.replace(steps[0], lhs=lhs),) + tuple(steps[1:])


def _min_limit_steps() -> tuple:
    """``lim_{λ→−∞} S(m; λ, η) = n^η min m``: the statement's limit unfolded to the general-``n`` definition,
    then :func:`verify.aggregation.general_proofs.softmax_min_limit_steps` (substitution ``λ = −μ``, the
    symmetry ``S(−μ; m) = −S(μ; −m)``, the max limit for ``−m``, ``max(−m) = −min m``), then notation."""
    steps = gp.softmax_min_limit_steps()
    lemma = tuple(Step(s.lhs, s.rhs, s.relation, why="lemma (symmetry): " + s.why, check=s.check, lemma=True)
                  for s in gp.softmax_symmetry_steps())
    return ((Step(None, steps[0].lhs, why="definition of S (general n)", check=by_definition, where=SAME_M),)
            + lemma + steps
            + (Step(None, card(m) ** eta * vmin(m), why="notation: min_u m_u = min(m), n = |N|",
                    check=notation_check(m), where=SAME_M),))


def _zero_limit_steps() -> tuple:
    """``lim_{λ→0} S(m; λ, η) = n^(η−1) Σ m``: unfolded, then
    :func:`verify.aggregation.general_proofs.softmax_zero_limit_steps` (continuity at 0, ``Σ_u 1 = n``)."""
    steps = gp.softmax_zero_limit_steps()
    return ((Step(None, steps[0].lhs, why="definition of S (general n)", check=by_definition, where=SAME_M),)
            + steps + (Step(None, _MEAN_N, why="notation: n = |N|, Σ_u m[u] = Σ_u m_u", where=SAME_M),))


def _pairwise_variance(sizes: Sequence[int] = (1, 2, 3, 4, 5), budget: float = 40.0) -> Evidence:
    """Fixed-size proof of a ``Rel(wvar(m, λ), bound, ">=")`` part of the statement: for ``n`` symbolic
    messages ``m_1 ≤ … ≤ m_n`` (gaps ``d_j ≥ 0``: every ordering, every tie), the statement's two sides in
    explicit form, and the certificate ``lhs − rhs = Σ_{(i,j) ≠ (1,n), i<j} w_i w_j (m_i − m_j)² / Z²``
    (the pairwise form of the variance without its (max, min) pair), checked exactly; the certificate is a sum
    of non-negative terms.  When the identity fails, ``lhs − rhs`` is evaluated at random gaps: a negative
    value refutes the part."""
    import random

    def run(prop: Prop) -> Outcome:
        parts = [p for p in prop.statement.parts() if isinstance(p, Rel) and p.lhs.has(wvar)]
        if not parts:
            return Outcome("undecided", "no variance inequality in the statement")
        b = sp.Symbol("m_1", real=True)
        l = sp.Symbol("lambda", real=True)
        for part in parts:
            if part.rel not in (">=", "<="):
                return Outcome("undecided", "not an inequality")
            for n in sizes:
                ds = sp.symbols(f"d_2:{n + 1}", nonnegative=True)
                ms = [b + sum(ds[:j]) for j in range(n)]
                inst = {m: tuple(ms), lam: l}
                L = explicit(Rel(part.lhs, part.rhs).subs(inst).lhs)
                R = explicit(Rel(part.lhs, part.rhs).subs(inst).rhs)
                diff = (L - R) if part.rel == ">=" else (R - L)
                w = [sp.exp(l * x) for x in ms]
                Z = sum(w)
                cert = sum(w[i] * w[j] * (ms[i] - ms[j]) ** 2 for i in range(n) for j in range(i + 1, n)
                           if (i, j) != (0, n - 1)) / Z ** 2
                if sp.simplify(sp.expand(sp.simplify(diff - cert))) == 0:
                    continue
                rng = random.Random(n)
                for _ in range(30):
                    vals = {b: sp.Rational(rng.randint(-30, 30), 10), l: sp.Rational(rng.randint(-40, 40), 10)}
                    vals.update({d: sp.Rational(rng.randint(0, 30), 10) for d in ds})
                    v = sp.N(diff.xreplace(vals), 30)
                    if v < -sp.Float(10) ** -20:
                        return Outcome("refuted", f"n={n}: lhs − rhs = {sp.N(v, 6)} < 0 at "
                                                  + ", ".join(f"{k}={vals[k]}" for k in [b, l] + list(ds)))
                return Outcome("undecided", f"n={n}: lhs − rhs is not the pairwise certificate")
        return Outcome("holds", f"n = {sizes[0]}..{sizes[-1]}: lhs − rhs = the other pairs w_i w_j (m_i − m_j)²/Z² "
                                f">= 0 (exact)")

    return Evidence("symbolic", run, label=f"pairwise:N={sizes[0]}..{sizes[-1]}", budget=budget,
                    description="fixed-size: the variance in pairwise form, exactly, for every ordering and tie")


# --- inputs of the gap claims -------------------------------------------------------------------------------
_GAP_CEX = ("0", "0.9", "1")  # Δ = 0.1: λ = 1 gives λΔ = 0.1 < 1 and the bound fails


def _lam_for(msgs: tuple, r: Any) -> Any:
    """The exact λ with λΔ = r for a neighbourhood of decimal strings (a SymPy rational)."""
    vals = [sp.Rational(v) for v in msgs]
    top = max(vals)
    delta = top - max(v for v in vals if v != top)
    return sp.Rational(r) / delta


def _gap_instances(rs: Sequence[str]) -> list[dict]:
    out = []
    for msgs, e in ((RANDOM, 0), (TIES, 1), (TWO_LEVEL, "0.5"), (_GAP_CEX, 0), (SPREAD, 0)):
        for r in rs:
            out.append({m: msgs, lam_p: _lam_for(msgs, r), eta: e})
    return out


#: λΔ < 1 with many maximisers and messages at distance 1/λ: x e^{−x} < 1/e, the bound fails (λΔ = 1/4, 1/2)
_FAR = [{m: ("1",) * 10 + ("0.75",) + ("0",) * 5, lam_p: 1, eta: 0},
        {m: ("1",) * 20 + ("0.5",) + ("0",) * 5, lam_p: 1, eta: 1}]

_G = vmax(m) - S(m, lam_p, eta) / card(m) ** eta  # max − S/n^η
_B_TIGHT = _J / _k * Delta(m) * sp.exp(-lam_p * Delta(m))
_B_SPREAD = _J / _k * _D * sp.exp(-lam_p * Delta(m))
_COND = sp.Ge(lam_p * Delta(m), 1)

LIMIT_MAX = Claim(
    id="agg.softmax.limit_max", source="Ex 2a (theory)",
    title="Softmax aggregation tends to n^η max as λ → +∞ (ties allowed)",
    display=r"\lim_{\lambda\to+\infty} S(\lambda,\eta) = |\mathcal N|^{\eta}\max_u m_u",
    statement=Lim(S(m, lam_p, eta), lam_p, sp.oo, card(m) ** eta * vmax(m)),
    recorded="holds", assumptions=(r"m_u \in \mathbb R", r"\eta \in \mathbb R"),
    derivation=(MAX_SQUEEZE,),
    evidence=[
        derivation_evidence([MAX_SQUEEZE], label="general_n", budget=50),
        tie_pattern_limits(label="tie_patterns:N=1..5"),
        limit_ladder([{m: RANDOM, eta: 1}], xs=_gap_ladder_xs(RANDOM)[0], dps=_gap_ladder_xs(RANDOM)[1],
                     rate=card(m) ** eta * _B_TIGHT, label="ladder:random",
                     description="|S(λ) − n^η max| at λΔ = 1, 10, 100, 1000 against n^η (n−k)/k Δ e^{−λΔ}"),
        limit_ladder([{m: TIES, eta: "-0.5"}], xs=_gap_ladder_xs(TIES)[0], dps=_gap_ladder_xs(TIES)[1],
                     rate=card(m) ** eta * _B_TIGHT, label="ladder:ties",
                     description="|S(λ) − n^η max| at λΔ = 1 … 1000 with tied maximisers, against the rate"),
        limit_ladder([{m: SPREAD, eta: "0.5"}], xs=_gap_ladder_xs(SPREAD)[0], dps=_gap_ladder_xs(SPREAD)[1],
                     rate=card(m) ** eta * _B_TIGHT, label="ladder:spread",
                     description="|S(λ) − n^η max| at λΔ = 1 … 1000 for a spread of 16 orders of magnitude"),
        exact_limit([{m: ("1", "2"), eta: 2}, {m: ("0.5", "3", "3"), eta: 1}, {m: ("-2", "-2"), eta: "0.5"}],
                    label="exact"),
        softmax_limit_float_evidence([{m: RANDOM, eta: 1}, {m: TIES, eta: "0.5"}], label="float"),
    ],
    mutants=(
        Mutant("min_not_max", Lim(S(m, lam_p, eta), lam_p, sp.oo, card(m) ** eta * vmin(m)),
               why="the other end: n^η min (the limit at −∞)"),
        Mutant("drop_n_eta", Lim(S(m, lam_p, eta), lam_p, sp.oo, vmax(m)),
               why="the factor n^η dropped: max (the limit of the softmax average, not of S)"),
    ),
    depth="general",
    depth_note="general n by the squeeze n^η(max − (n−k)/k D e^{−λΔ}) <= S <= n^η max; exact limits for every "
               "tie pattern of n <= 5 (fixed-size) and ladders at instances",
    note=r"General $|\mathcal N| = n$ with $k \ge 1$ maximisers: $0 \le \max - S/n^\eta \le "
         r"\frac{n-k}{k}(\max-\min)\,e^{-\lambda\Delta} \to 0$ (the squeeze below, valid for every $\lambda>0$; "
         r"for $\lambda\Delta\ge1$ the sharper $\frac{n-k}{k}\Delta e^{-\lambda\Delta}$ of "
         r"\texttt{agg.softmax.gap\_bound} is the rate the ladders check). "
         r"Exhaustive exact limits for every tie pattern of $n \le 5$ ordered messages "
         r"$m_1 \le \dots \le m_n$ ($2^{n-1}$ patterns each).",
)

LIMIT_MIN = Claim(
    id="agg.softmax.limit_min", source="Ex 2a (theory)",
    title="Softmax aggregation tends to n^η min as λ → −∞",
    display=r"\lim_{\lambda\to-\infty} S(\lambda,\eta) = |\mathcal N|^{\eta}\min_u m_u",
    statement=Lim(S(m, lam, eta), lam, -sp.oo, card(m) ** eta * vmin(m)),
    recorded="holds",
    derivation=_min_limit_steps(),
    evidence=[
        derivation_evidence(_min_limit_steps(), label="general_n", budget=40),
        tie_pattern_limits(label="tie_patterns:N=1..5"),
        limit_ladder([{m: RANDOM, eta: 1}], xs=[-x for x in _gap_ladder_xs(_neg(RANDOM))[0]],
                     dps=_gap_ladder_xs(_neg(RANDOM))[1], label="ladder:random",
                     description="|S(λ) − n^η min| at |λ|Δ' = 1 … 1000 (Δ' the gap above the min)"),
        limit_ladder([{m: TIES, eta: "0.5"}], xs=[-x for x in _gap_ladder_xs(_neg(TIES))[0]],
                     dps=_gap_ladder_xs(_neg(TIES))[1], label="ladder:ties"),
        exact_limit([{m: ("1", "2"), eta: 2}, {m: ("0.5", "0.5", "3"), eta: 1}], label="exact"),
        softmax_limit_float_evidence([{m: RANDOM, eta: 1}, {m: TIES, eta: "0.5"}], label="float"),
    ],
    mutants=(
        Mutant("max_not_min", Lim(S(m, lam, eta), lam, -sp.oo, card(m) ** eta * vmax(m)),
               why="the other end: n^η max"),
        Mutant("drop_n_eta", Lim(S(m, lam, eta), lam, -sp.oo, vmin(m)), why="the factor n^η dropped"),
    ),
    depth="general",
    depth_note="general n from the max limit by the symmetry S(−λ; m) = −S(λ; −m) (general_proofs); exact "
               "limits for every tie pattern of n <= 5",
    note=r"By the symmetry $S(-\lambda, \eta; m) = -S(\lambda, \eta; -m)$ this is the max limit for $-m$.",
)

#: S(m; 0, η) = n^(η−1) Σ m (general n).  ``where=SAME_M`` on the steps that change notation (tuple ↔ indexed)
_AT_ZERO_STEPS = (
    Step(None, n_ ** eta * sp.Sum(_mb[u_], (u_, 1, n_)) / n_, why="definition; exp(0) = 1 and Σ_u 1 = n",
         where=SAME_M),
    Step(None, n_ ** (eta - 1) * sp.Sum(_mb[u_], (u_, 1, n_)), why="n^η / n = n^(η−1)"),
    Step(None, _MEAN_N, why="notation: n = |N|, Σ_u m[u] = Σ_u m_u", where=SAME_M),
)

AT_ZERO = Claim(
    id="agg.softmax.at_zero", source="Ex 2a (theory)",
    title="At λ = 0 (and as λ → 0) softmax aggregation is n^(η-1) Σ m_u",
    display=r"S(0,\eta) = \lim_{\lambda\to0} S(\lambda,\eta) = |\mathcal N|^{\eta-1}\sum_u m_u",
    statement=All(Rel(S(m, 0, eta), _MEAN_N), Lim(S(m, lam, eta), lam, 0, _MEAN_N)),
    recorded="holds",
    derivation=_AT_ZERO_STEPS,
    evidence=[
        derivation_evidence(_AT_ZERO_STEPS, label="lambda=0", part=0),
        at_points([{m: RANDOM, eta: 1}, {m: SPREAD, eta: 0}, {m: TIES, eta: "0.5"}], label="lambda=0"),
        limit_ladder([{m: RANDOM, eta: 1}, {m: RANDOM, eta: 0}], rate=_RATE,
                     label="ladder", description="|S(λ) − n^(η−1) Σ m| as λ → 0±, against |λ| n^η D²/4"),
        limit_ladder([{m: SPREAD, eta: 0}], rungs=(12, 14, 16, 18, 20, 22), rate=_RATE, label="ladder:spread",
                     description="the same for a spread of 16 orders of magnitude (λ from 1e-12)"),
        exact_limit([{m: ("1", "2"), eta: 0}, {m: ("0.5", "3", "3"), eta: 1}], label="exact"),
        derivation_evidence(_zero_limit_steps(), label="general_n:limit", part=1),
        softmax_limit_float_evidence([{m: RANDOM, eta: 1}, {m: TIES, eta: 0}], label="float"),
    ],
    corrects="agg.seed.2a_limit_zero_result",
    mutants=(
        Mutant("eta_exponent", All(Rel(S(m, 0, eta), card(m) ** eta * vsum(m)), Lim(S(m, lam, eta), lam, 0,
                                                                                      card(m) ** eta * vsum(m))),
               why="off by one in the exponent: n^η Σ m (the sum, not the mean)"),
        Mutant("seed_value", All(Rel(S(m, 0, eta), card(m) ** eta), Lim(S(m, lam, eta), lam, 0, card(m) ** eta)),
               why="the seed's value n^η Σ_u m_u / Σ_w m_w = n^η"),
    ),
    depth="general",
    depth_note="S(0) and the limit λ → 0 for general n (the limit by continuity at 0: general_proofs); ladders "
               "and exact limits at instances",
    note=r"Continuity at $0$ with the rate $|S(\lambda) - S(0)| \le |\lambda|\, n^\eta D^2/4$: "
         r"$\partial_\lambda S = n^\eta \operatorname{Var}_{w}(m) \le n^\eta D^2/4$ (Popoviciu), $D = \max - \min$.",
)

_VAR_BOUND = sp.exp(lam * (vmax(m) + vmin(m))) * (vmax(m) - vmin(m)) ** 2 / Zs(m, lam) ** 2
_VAR_POINTS = [{m: msgs, lam: l, eta: e} for msgs in (RANDOM, TIES, ("1e-8", "1", "2"), ("2", "2"))
               for l in ("-3", "0", "0.5", "4") for e in (0, 1)]


def _differentiate(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
    """``Step.check``: SymPy evaluates the derivative (through the sums) and the difference simplifies to 0."""
    if sp.simplify(sp.sympify(lhs).doit() - rhs) == 0:
        return True, "SymPy differentiates the sums; the difference simplifies to 0"
    return None, "derivative not shown equal"


#: dS/dλ = n^η Var_w (general n)
_DERIV_STEPS = (
    Step(None, sp.Derivative(S(m, lam, eta).unfold(), lam), why="definition of S (general n)", check=by_definition,
         where=SAME_M),
    Step(None, wvar(m, lam).unfold() * n_ ** eta,
         why="quotient rule on the sums: n^η (Σ m² e^{λm}/Z − (Σ m e^{λm}/Z)²)", check=_differentiate),
    Step(None, card(m) ** eta * wvar(m, lam), why="definition of Var_w; n = |N|", where=SAME_M),
)

DERIVATIVE_VARIANCE = Claim(
    id="agg.softmax.derivative_variance", source="Ex 2a (theory)",
    title="dS/dλ is n^η times the variance of m under the softmax weights; S is increasing",
    display=r"\frac{\partial S}{\partial\lambda} = |\mathcal N|^{\eta}\Big(\sum_u w_u m_u^2 - "
            r"\big(\sum_u w_u m_u\big)^2\Big) \ge 0,\ \text{strict unless all } m_u \text{ equal}",
    statement=All(Rel(dS(m, lam, eta), card(m) ** eta * wvar(m, lam)), Rel(wvar(m, lam), _VAR_BOUND, ">=")),
    recorded="holds", assumptions=(r"w = \operatorname{softmax}(m;\lambda)",),
    reading="'Strict unless all m_u equal' is checked as the quantitative bound Var_w(m) >= w_max w_min (max − min)² "
            "(the (max, min) pair of the pairwise form), which is > 0 iff max > min.",
    derivation=_shown_from(dS(m, lam, eta), _DERIV_STEPS),
    evidence=[
        every_part([derivation_evidence(_DERIV_STEPS, label="general_n", part=0), _pairwise_variance()],
                   label="parts"),
        at_points(_VAR_POINTS, label="points"),
    ],
    mutants=(
        Mutant("drop_n_eta", All(Rel(dS(m, lam, eta), wvar(m, lam)), Rel(wvar(m, lam), _VAR_BOUND, ">=")),
               why="the factor n^η dropped"),
        Mutant("no_mean_square", All(Rel(dS(m, lam, eta), card(m) ** eta * (wvar(m, lam) + S(m, lam, 0) ** 2)),
                                     Rel(wvar(m, lam), _VAR_BOUND, ">=")),
               why="the second moment Σ w m² without the square of the mean"),
        Mutant("popoviciu_reversed", All(Rel(dS(m, lam, eta), card(m) ** eta * wvar(m, lam)),
                                         Rel(wvar(m, lam), (vmax(m) - vmin(m)) ** 2 / 4, ">=")),
               why="Popoviciu's bound Var <= D²/4 read the wrong way round"),
    ),
    depth="fixed-size",
    depth_note="dS/dλ = n^η Var_w for general n; the lower bound on Var_w (strictness) proved for n <= 5",
    note=r"$\operatorname{Var}_w(m) = \frac{1}{Z^2}\sum_{i<j} e^{\lambda m_i} e^{\lambda m_j}(m_i-m_j)^2$ "
         r"is a sum of non-negative terms; keeping only the (max, min) pair gives "
         r"$\operatorname{Var}_w(m) \ge w_{\max} w_{\min} (\max-\min)^2$, positive unless all $m_u$ coincide; so "
         r"$S$ is strictly increasing in $\lambda$ for $\eta$ fixed (any sign of $|\mathcal N|^\eta > 0$).",
)

GAP_BOUND = Claim(
    id="agg.softmax.gap_bound", source="Ex 2a (theory)",
    title="Tight rate: 0 ≤ max - S/n^η ≤ (n-k)/k * Δ * exp(-λ Δ)",
    display=r"0 \le \max_u m_u - \frac{S(\lambda,\eta)}{|\mathcal N|^{\eta}} \le "
            r"\frac{|\mathcal N|-k}{k}\,\Delta\,e^{-\lambda\Delta}",
    statement=All(Rel(0, _G, "<="), Rel(_G, _B_TIGHT, "<=")),
    condition=_COND, recorded="holds_if",
    assumptions=(r"k = \#\{u : m_u = \max\}", r"\Delta = \max - \max\{m_u : m_u < \max\} > 0", r"\lambda > 0"),
    derivation=_shown_from(_G.xreplace({lam_p: _lt}), GAP_TIGHT_STEPS),
    evidence=[
        every_part([derivation_evidence(GAP_NONNEG_STEPS, label="nonneg", about="condition", part=0),
                    conditioned_derivation(GAP_TIGHT_STEPS, 1, lam_p, Delta(m), label="bound")],
                   label="general_n", about="condition"),
        at_points(_gap_instances(["1", "2", "5", "20"]) + _FAR, label="points", about="condition",
                  description="the statement at λΔ = 1, 2, 5, 20 (and at λΔ = 1/4, 1/2 outside the condition: "
                              "10 or 20 maximisers, far messages)"),
        ratio_ladder([{m: TWO_LEVEL, eta: 0}], lam_p, Delta(m), (1, 10, 100, 1000, 10000), part=1,
                     label="tightness", about="condition"),
        counterexample({m: _GAP_CEX, lam_p: 1, eta: 0}, label="lambda_delta=0.1",
                       tex=r"\[ m = (0, 0.9, 1),\ \lambda = 1\ (\lambda\Delta = 0.1):\ \max - S = 0.2017 > "
                           r"\tfrac{n-k}{k}\Delta e^{-\lambda\Delta} = 0.1810 \]"),
    ],
    mutants=(
        Mutant("weak_condition", condition=sp.Ge(lam_p * Delta(m), sp.Rational(1, 10)),
               why="the condition weakened to λΔ >= 1/10"),
        Mutant("no_condition", condition=None, why="the condition dropped"),
    ),
    depth="general",
    depth_note="general n (chains over sums with symbolic n, under λ = (1+t)/Δ); tightness at one instance",
    note=r"Tight: for $m$ with $k$ maximisers and all others at $\max-\Delta$, "
         r"$(\max - S)/\text{bound} = 1/(1 + \frac{n-k}{k}e^{-\lambda\Delta}) \to 1$. "
         r"For small $\lambda$ ($\lambda\Delta < 1$) far-away messages dominate and the bound fails; the "
         r"bound valid for every $\lambda > 0$ is $\frac{n-k}{k}(\max-\min)e^{-\lambda\Delta}$ "
         r"(\texttt{agg.softmax.gap\_bound\_all}).",
)

_ALL_POINTS = [{m: msgs, lam_p: l, eta: 0} for msgs in (RANDOM, TIES, SPREAD, _GAP_CEX)
               for l in ("1e-9", "0.01", "1", "10")]

GAP_BOUND_ALL = Claim(
    id="agg.softmax.gap_bound_all", source="Ex 2a (theory)",
    title="For every λ > 0: max - S/n^η ≤ (n-k)/k (max - min) exp(-λ Δ)",
    display=r"0 \le \max_u m_u - \frac{S(\lambda,\eta)}{|\mathcal N|^{\eta}} \le "
            r"\frac{|\mathcal N|-k}{k}\,(\max_u m_u - \min_u m_u)\,e^{-\lambda\Delta}",
    statement=All(Rel(0, _G, "<="), Rel(_G, _B_SPREAD, "<=")),
    recorded="holds", assumptions=(r"\lambda > 0",),
    derivation=_shown_from(_G, GAP_SPREAD_STEPS),
    evidence=[
        every_part([derivation_evidence(GAP_NONNEG_STEPS, label="nonneg", part=0),
                    derivation_evidence(GAP_SPREAD_STEPS, label="bound", part=1)], label="general_n"),
        at_points(_ALL_POINTS, label="grid"),
    ],
    mutants=(
        Mutant("gap_for_spread", All(Rel(0, _G, "<="), Rel(_G, _B_TIGHT, "<=")),
               why="Δ in place of the spread max − min (the tight bound, without its condition λΔ >= 1)"),
        Mutant("exponent_spread", All(Rel(0, _G, "<="), Rel(_G, _J / _k * _D * sp.exp(-lam_p * _D), "<=")),
               why="the spread in the exponent too: e^{−λ(max − min)}"),
    ),
    depth="general", depth_note="general n: chains over sums with symbolic n",
    note=r"Here $D = \Delta + s$ is the spread; the sum runs over the $J = n-k$ non-maximisers.",
)

CLAIMS = [LIMIT_MAX, LIMIT_MIN, AT_ZERO, DERIVATIVE_VARIANCE, GAP_BOUND, GAP_BOUND_ALL]
