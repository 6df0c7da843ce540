r"""Claims ``agg.seed.2b*``: the seed's derivation of Ex 2b (power-mean aggregation), step by step.

The seed writes ``pma(v, m, q, η) = |N|^η ((1/|N|) Σ_u m_u^q)^(1/q)`` (here :data:`P`), evaluates it at
``q = 1``, factors out ``(1/|N|)^(1/q)``, takes ``q → ∞`` and proves the step ``(*)``
``lim (Σ_u m_u^q)^(1/q) = max_u m_u`` through ``S = Σ_u (m_u/max)^q``, ``1 ≤ S ≤ p`` and a squeeze.

Quantities of this module (besides :mod:`verify.aggregation.quantities`):

=====================  ========================================================================
``psum(m, q)``         ``Σ_u m_u^q``
``Sr(m, q)``           the seed's ``S = Σ_u (m_u / max_v m_v)^q``
``gap(m, u)``          ``c_u = log(max / m_(u))`` for the messages sorted increasingly, so that
                       ``m_(u) = max · e^{-c_u}``, ``c_u ≥ 0`` and ``c_n = 0`` (the maximiser last)
=====================  ========================================================================

The general-``n`` proofs are chains whose every expression is written in these quantities of the one
neighbourhood ``m`` (so the engine's numeric cross-checks evaluate both sides on the same tuple).  The
custom step checks reason in a generic model: ``|N| = n``, ``max = M > 0`` and ``S = T`` with ``T`` the
seed's ``S``; ``Σ_u m_u^q = M^q S`` (lemma, by definition of ``S``) and ``P = n^η (Σ_u m_u^q / n)^(1/q)``
(definition of ``P``, checked against its unfolded SymPy form).  An inequality that uses ``1 ≤ S`` (a
lemma) substitutes ``T = 1 + x``, one that uses ``S ≤ n`` substitutes ``T = n/(1 + x)``, ``x ≥ 0``, and
proves the sign for every ``x ≥ 0`` (:func:`verify.aggregation.theory.prove_nonneg`).

The chain of ``1 ≤ S ≤ |N|`` writes the messages sorted as ``m_(u) = max · e^{−c_u}`` with the quantity
``gap`` of the same tuple, so every step, including the representation, is cross-checked numerically on
the sampled neighbourhood itself.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

import mpmath
import sympy as sp

from verify.core.claim import Claim, Evidence, Mutant, Outcome, Prop, Squeeze, Step
from verify.core.evaluate import CannotEvaluate
from verify.core.numeric import at_points, counterexample, exact_limit, limit_ladder
from verify.core.statement import All, Lim, Quantity, Rel, quantity, unfold
from verify.core.symbolic import derivation_evidence, probe, prove

from ..quantities import P, _base, card, eta, mpos, n_, u_, vmax, vsum
from ..theory import prove_nonneg
from .inputs import POS, RANDOM, SMALL, SPREAD, TIES, TWO_LEVEL

try:
    import flint
except ImportError:  # pragma: no cover
    flint = None

m = mpos
#: q > 0 throughout Ex 2b (the limit q → ∞; the factorisation and the S identity use q > 0)
q = sp.Symbol("q", positive=True)
#: the seed's bound p in 1 ≤ S ≤ p (a constant of the instance; the intended reading is p = |N|)
p = sp.Symbol("p", positive=True)

#: small neighbourhoods for exact limits (SymPy's Gruntz is fast on them; on m = (0.7, 1.9, 1.2) it cannot
#: decide the sign of a log ratio for Σ m^q / max and raises NotImplementedError)
PAIR = ("1", "2")
TIE3 = ("2", "2", "1")  # the max tied: S → 2


# ==================================================================================================
# Quantities of Ex 2b
# ==================================================================================================

def _arb_max(xs: tuple) -> Any:
    from verify.core.evaluate import _arb_extreme

    return _arb_extreme(list(xs), True)


def _arb_sum(xs: Any) -> Any:
    out = flint.arb(0)
    for x in xs:
        out = out + x
    return out


def _mp_psum(ms: tuple, x: Any) -> Any:
    return mpmath.fsum(mpmath.power(v, x) for v in ms)


def _mp_ratio_sum(ms: tuple, x: Any) -> Any:
    top = max(ms)
    return mpmath.fsum(mpmath.power(v / top, x) for v in ms)


def _arb_ratio_sum(ms: tuple, x: Any) -> Any:
    top = _arb_max(ms)
    return _arb_sum((v / top) ** x for v in ms)


def _mp_gap(ms: tuple, u: Any) -> Any:
    k = int(u)
    if k != u or not 1 <= k <= len(ms):
        raise CannotEvaluate(f"gap index {u} outside 1..{len(ms)}")
    srt = sorted(ms)
    return mpmath.log(srt[-1] / srt[k - 1])


psum = quantity(
    "psum", _mp_psum, arb=lambda ms, x: _arb_sum(v ** x for v in ms), nargs=2,
    latex=r"\sum_u {0}_u^{{{1}}}", text="psum({0}; {1})",
    unfold=lambda ms, x: sp.Sum(_base(ms)[u_] ** x, (u_, 1, n_)),
    explicit=lambda ms, x: sp.Add(*[v ** x for v in ms.args]),
    positive=True,
)
Sr = quantity(
    "Sr", _mp_ratio_sum, arb=_arb_ratio_sum, nargs=2,
    latex=r"S\left({0}; {1}\right)", text="S({0}; {1})",
    explicit=lambda ms, x: sp.Add(*[(v / sp.Max(*ms.args)) ** x for v in ms.args]),
    positive=True,
)
gap = quantity("gap", _mp_gap, nargs=2, latex=r"c_{{{1}}}\left({0}\right)", text="c_{1}({0})", nonnegative=True)

_MX = sp.Symbol("M", positive=True)  # the generic max in the model
_T = sp.Symbol("T", positive=True)  # the generic S in the model
_X = sp.Symbol("x", nonnegative=True)  # slack in T = 1 + x or T = n/(1 + x)
_C = sp.Symbol("c", nonnegative=True)  # a generic gap c_u


# ==================================================================================================
# Custom step checks (each decides from its arguments; the engine cross-checks accepted steps)
# ==================================================================================================

def _quantities(*exprs: Any) -> list:
    out: set = set()
    for e in exprs:
        out |= sp.sympify(e).atoms(Quantity)
    return sorted(out, key=sp.default_sort_key)


def _common_mq(*exprs: Any) -> tuple[Any, Any] | None:
    """The one neighbourhood and the one exponent the quantities of ``exprs`` speak about."""
    ms, qs = set(), set()
    for a in _quantities(*exprs):
        ms.add(a.args[0])
        if type(a) in (psum, Sr, P):
            qs.add(a.args[1])
    if len(ms) > 1 or len(qs) > 1:
        return None
    return (next(iter(ms)) if ms else m), (next(iter(qs)) if qs else q)


def _sum_pull_out(s: Any) -> Any:
    """``Σ_u c·f(u) = c Σ_u f(u)`` for factors ``c`` independent of the summation index."""
    if not isinstance(s, sp.Sum) or len(s.limits) != 1:
        return s
    idx = s.limits[0][0]
    const, dep = sp.expand_power_base(s.function, force=False).as_independent(idx, as_Add=False)
    return const * sp.Sum(dep, *s.limits)


def _definitions(expr: Any, mq: tuple[Any, Any]) -> Any:
    """``expr`` with ``Σ_u m_u^q``, ``S`` and ``max`` replaced by their definitions over ``m[u], u = 1..n``
    and ``max = M`` a generic positive number (the identities below hold for every ``M > 0``)."""
    ms, x = mq
    reps = {}
    for a in _quantities(expr):
        t = type(a)
        if t is psum:
            reps[a] = sp.Sum(_base(ms)[u_] ** a.args[1], (u_, 1, n_))
        elif t is Sr:
            reps[a] = sp.Sum((_base(ms)[u_] / _MX) ** a.args[1], (u_, 1, n_))
        elif t is vmax:
            reps[a] = _MX
        elif t is card:
            reps[a] = n_
        else:
            return None
    return sp.sympify(expr).xreplace(reps)


def _pull_max(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
    """Definition of ``S``: ``Σ_u (m_u/M)^q = M^{-q} Σ_u m_u^q`` (``m_u ≥ 0, M > 0``: the power of a
    product of non-negative factors splits, and the constant ``M^{-q}`` leaves the sum); then the powers
    of positive numbers combine.  Used for ``(Σ m^q)^{1/q}/max = S^{1/q}`` and ``Σ m^q = max^q S``."""
    mq = _common_mq(lhs, rhs)
    if mq is None:
        return None, "the two sides speak about different neighbourhoods or exponents"
    L, R = _definitions(lhs, mq), _definitions(rhs, mq)
    if L is None or R is None:
        return None, "a quantity other than Σ m^q, S, max, |N| appears"
    sums = {}
    for side in (L, R):
        for s in side.atoms(sp.Sum):
            sums[s] = _sum_pull_out(s)
    L, R = L.xreplace(sums), R.xreplace(sums)
    base = sp.Sum(_base(mq[0])[u_] ** mq[1], (u_, 1, n_))
    sigma = sp.Symbol("Sigma", positive=True)  # Σ_u m_u^q > 0
    d = sp.simplify(sp.powsimp(sp.expand_power_base((L - R).xreplace({base: sigma}), force=False)))
    if d == 0:
        return True, "definition of S: Σ (m_u/M)^q = M^(−q) Σ m_u^q; powers of positive numbers combine"
    return None, f"difference after pulling M^(−q) out of S: {sp.sstr(d)[:80]}"


def _model(expr: Any) -> Any:
    """``expr`` in the generic model ``|N| = n, max = M, S = T, Σ m^q = M^q T, P = n^η (M^q T/n)^{1/q}``
    (``None`` when a quantity has no place in it or the quantities speak of different ``m``/``q``)."""
    mq = _common_mq(expr)
    if mq is None:
        return None
    reps = {}
    for a in _quantities(expr):
        t = type(a)
        if t is card:
            reps[a] = n_
        elif t is vmax:
            reps[a] = _MX
        elif t is Sr:
            reps[a] = _T
        elif t is psum:
            reps[a] = _MX ** a.args[1] * _T
        elif t is P:
            ms, x, e = a.args
            # the definition of P, as the quantities module unfolds it: n^η (Σ_u m_u^q / n)^(1/q)
            if sp.simplify(unfold(a) - n_ ** e * (unfold(psum(ms, x)) / n_) ** (1 / x)) != 0:
                return None
            reps[a] = n_ ** e * (_MX ** x * _T / n_) ** (1 / x)
        else:
            return None
    return sp.sympify(expr).xreplace(reps)


def _model_eq(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
    """``lhs == rhs`` in the model (definitions of P and S; powers of positive numbers)."""
    L, R = _model(lhs), _model(rhs)
    if L is None or R is None or _common_mq(lhs, rhs) is None:
        return None, "outside the model (|N|, max, S, Σ m^q, P of one neighbourhood and one q)"
    d = sp.simplify(sp.powsimp(sp.expand_power_base(L - R, force=False)))
    if d == 0:
        return True, "definitions of P and S (Σ m^q = max^q S); powers of positive numbers combine"
    return None, f"not shown equal in the model: {sp.sstr(d)[:80]}"


def _model_le(bound: str) -> Callable[[Any, Any], tuple[bool | None, str]]:
    """``lhs <= rhs`` in the model for every ``S`` allowed by the lemma: ``bound="lower"`` (``1 ≤ S``:
    ``T = 1 + x``) or ``"upper"`` (``S ≤ n``: ``T = n/(1 + x)``), ``x ≥ 0``."""
    sub = {"lower": 1 + _X, "upper": n_ / (1 + _X)}[bound]
    lemma = {"lower": "1 ≤ S", "upper": "S ≤ |N|"}[bound]

    def check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
        L, R = _model(lhs), _model(rhs)
        if L is None or R is None or _common_mq(lhs, rhs) is None:
            return None, "outside the model (|N|, max, S, Σ m^q, P of one neighbourhood and one q)"
        d = (R - L).xreplace({_T: sub})
        if d.has(_T):
            return None, "T left after the substitution"
        ok, why = prove_nonneg(sp.powsimp(sp.expand_power_base(d, force=False)), _X)
        if ok is True:
            return True, f"{lemma} (lemma): with S = {sp.sstr(sub)}, x ≥ 0: rhs − lhs ≥ 0 ({why})"
        return None, f"with S = {sp.sstr(sub)}: {why}"

    return check


def _gap_sum(ms: Any, x: Any) -> Any:
    """``Σ_{u=1}^{n−1} e^{−q c_u}``: the terms of ``S`` other than the maximiser's."""
    return sp.Sum(sp.exp(-x * gap(ms, u_)), (u_, 1, card(ms) - 1))


def _representation(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
    """``S(m; q) = 1 + Σ_{u<n} e^{−q c_u}``: sort the messages (a sum does not depend on the order), write
    ``m_(u) = M e^{−c_u}`` (``c_u ≥ 0``, ``c_n = 0`` for the maximiser), so ``(m_(u)/M)^q = e^{−q c_u}``
    and the last term is ``e^0 = 1``."""
    s_side, other = (lhs, rhs) if isinstance(lhs, Sr) else (rhs, lhs) if isinstance(rhs, Sr) else (None, None)
    if s_side is None:
        return None, "one side must be S(m; q)"
    ms, x = s_side.args
    term = sp.powsimp((_MX * sp.exp(-_C) / _MX) ** x, force=False)
    if sp.expand(term - sp.exp(-x * _C)) != 0:
        return None, "(M e^{−c}/M)^q = e^{−qc} not shown"
    expected = sp.exp(-x * 0) + _gap_sum(ms, x)  # the maximiser's term (c_n = 0) split off
    if other != expected and sp.expand(other - expected) != 0:
        return None, "the other side is not 1 + Σ_{u<n} e^{−q c_u} of the same m and q"
    return True, "m_(u) = max·e^{−c_u} (sorted, c_n = 0): (m_(u)/max)^q = e^{−q c_u}, the maximiser gives e^0 = 1"


def _generic_terms(lhs: Any, rhs: Any) -> tuple[Any, Any, Any] | None:
    """``(f, g, limits)`` for ``lhs = a + Σ f``, ``rhs = a + Σ g`` over the same range (a missing sum is
    ``Σ 0``), the generic terms with ``c_u`` replaced by a non-negative symbol ``c``."""
    ls = [t for t in sp.Add.make_args(lhs) if isinstance(t, sp.Sum)]
    rs = [t for t in sp.Add.make_args(rhs) if isinstance(t, sp.Sum)]
    if len(ls) > 1 or len(rs) > 1:
        return None
    lrest = lhs - (ls[0] if ls else 0)
    rrest = rhs - (rs[0] if rs else 0)
    if sp.simplify(lrest - rrest) != 0:
        return None
    if not ls:  # lhs = a, rhs = a + Σ g: compare Σ 0 with Σ g
        if not rs:
            return None
        ls = [sp.Sum(sp.Integer(0), *rs[0].limits)]
    if not rs:
        rs = [sp.Sum(sp.Integer(0), *ls[0].limits)]
    if ls[0].limits != rs[0].limits:
        return None
    generic = {g: _C for g in (ls[0].function.atoms(gap) | rs[0].function.atoms(gap))}
    return ls[0].function.xreplace(generic), rs[0].function.xreplace(generic), ls[0].limits


def _termwise_le(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
    """``a + Σ_u f(c_u) <= a + Σ_u g(c_u)`` over the same range because ``g(c) − f(c) ≥ 0`` for every
    ``c ≥ 0`` (a sum of non-negative terms, possibly empty, is non-negative)."""
    parts = _generic_terms(sp.sympify(lhs), sp.sympify(rhs))
    if parts is None:
        return None, "not two sums over the same range (plus the same rest)"
    f, g, _ = parts
    if any(not (s.is_positive or s.is_nonnegative) for s in (g - f).free_symbols - {_C}):
        return None, "generic term depends on symbols of unknown sign"
    ok, why = prove_nonneg(g - f, _C)
    if ok is True:
        return True, f"term by term: {sp.sstr(g)} − ({sp.sstr(f)}) ≥ 0 for c ≥ 0 ({why})"
    return None, f"generic term {sp.sstr(g - f)} not shown ≥ 0: {why}"


def _delegate(steps_for: Callable[[Any, Any], tuple], rel: str) -> Callable[[Any, Any], tuple[bool | None, str]]:
    """A lemma ``lhs rel rhs`` checked by the chain ``steps_for(m, q)`` bound to it (see :func:`prove`)."""

    def check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
        mq = _common_mq(lhs, rhs)
        if mq is None:
            return None, "the lemma mixes neighbourhoods or exponents"
        out = prove(Rel(lhs, rhs, rel), steps_for(*mq))
        ok = {"holds": True, "refuted": False}.get(out.finding)
        return ok, f"chain: {out.figure}"

    return check


def _implied_by(condition: Any) -> Callable[[Any, Any], tuple[bool | None, str]]:
    """``lhs <= rhs`` from the claim's condition: some conjunct ``a ≥ b`` (or ``b ≤ a``) with
    ``(rhs − lhs) − (a − b) ≥ 0`` by the assumptions."""

    def check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
        if condition is None:
            return None, "no condition to use"
        target = sp.sympify(rhs) - sp.sympify(lhs)
        conjuncts = condition.args if isinstance(condition, sp.And) else (condition,)
        for c in conjuncts:
            if isinstance(c, (sp.Ge, sp.Gt)):
                g = c.lhs - c.rhs
            elif isinstance(c, (sp.Le, sp.Lt)):
                g = c.rhs - c.lhs
            else:
                continue
            d = sp.simplify(target - g)
            if d == 0 or d.is_nonnegative:
                return True, f"the condition {sp.sstr(c)} gives {sp.sstr(lhs)} <= {sp.sstr(rhs)}"
        return None, f"the condition {sp.sstr(condition)} does not give {sp.sstr(lhs)} <= {sp.sstr(rhs)}"

    return check


# ==================================================================================================
# Chains (general n): 1 ≤ S ≤ n, and the lemmas the squeezes use
# ==================================================================================================

def _s_lower_steps(ms: Any = m, x: Any = q) -> tuple:
    """``1 <= S(m; q)``: the maximiser contributes 1, every other term is ≥ 0."""
    return (
        Step(None, 1 + _gap_sum(ms, x), "<=", why="the other terms e^{−q c_u} ≥ 0", check=_termwise_le),
        Step(None, Sr(ms, x), "==", why="m_(u) = max·e^{−c_u}, sorted so that c_n = 0", check=_representation),
    )


def _s_upper_steps(ms: Any = m, x: Any = q) -> tuple:
    """``S(m; q) <= |N|``: every term ``e^{−q c_u} ≤ 1`` (``c_u ≥ 0``, ``q > 0``)."""
    return (
        Step(None, 1 + _gap_sum(ms, x), "==", why="m_(u) = max·e^{−c_u}, sorted so that c_n = 0",
             check=_representation),
        Step(None, 1 + sp.Sum(sp.Integer(1), (u_, 1, card(ms) - 1)), "<=", why="term-wise e^{−q c_u} ≤ 1",
             check=_termwise_le),
        Step(None, card(ms), "==", why="count the terms"),
    )


def _lemma_lower(ms: Any = m, x: Any = q) -> Step:
    return Step(sp.Integer(1), Sr(ms, x), "<=", lemma=True, why="1 ≤ S (agg.seed.2b_s_bounds)",
                check=_delegate(_s_lower_steps, "<="))


def _lemma_upper(ms: Any = m, x: Any = q) -> Step:
    return Step(Sr(ms, x), card(ms), "<=", lemma=True, why="S ≤ |N| (agg.seed.2b_s_bounds, p = |N|)",
                check=_delegate(_s_upper_steps, "<="))


def _lemma_pull(ms: Any = m, x: Any = q) -> Step:
    return Step(psum(ms, x), vmax(ms) ** x * Sr(ms, x), "==", lemma=True,
                why="definition of S: Σ m^q = max^q S (agg.seed.2b_s_identity)", check=_pull_max)


#: the seed's S^(1/q) squeezed between 1 and |N|^(1/q)
S_SQUEEZE = Squeeze(
    lower=sp.Integer(1), upper=card(m) ** (1 / q),
    lower_steps=(_lemma_lower(), Step(None, Sr(m, q) ** (1 / q), "<=", why="x ↦ x^{1/q} increasing, 1 ≤ S",
                                      check=_model_le("lower"))),
    upper_steps=(_lemma_upper(), Step(None, card(m) ** (1 / q), "<=", why="x ↦ x^{1/q} increasing, S ≤ |N|",
                                      check=_model_le("upper"))),
    why="1 ≤ S^{1/q} ≤ |N|^{1/q}, and both bounds tend to 1",
)

#: (Σ m^q)^(1/q)/max squeezed between 1 and |N|^(1/q) (the same squeeze, through the S identity)
RATIO_SQUEEZE = Squeeze(
    lower=sp.Integer(1), upper=card(m) ** (1 / q),
    lower_steps=(_lemma_lower(), _lemma_pull(),
                 Step(None, Sr(m, q) ** (1 / q), "<=", why="x ↦ x^{1/q} increasing, 1 ≤ S",
                      check=_model_le("lower")),
                 Step(None, psum(m, q) ** (1 / q) / vmax(m), "==", why="S identity (Σ m^q = max^q S)",
                      check=_model_eq)),
    upper_steps=(_lemma_upper(), _lemma_pull(),
                 Step(None, Sr(m, q) ** (1 / q), "==", why="S identity (Σ m^q = max^q S)", check=_model_eq),
                 Step(None, card(m) ** (1 / q), "<=", why="x ↦ x^{1/q} increasing, S ≤ |N|",
                      check=_model_le("upper"))),
    why="1 ≤ (Σ m^q)^{1/q}/max = S^{1/q} ≤ |N|^{1/q}, and both bounds tend to 1",
)

_P_IN_S = card(m) ** eta * card(m) ** (-1 / q) * vmax(m) * Sr(m, q) ** (1 / q)  # |N|^η |N|^{−1/q} max S^{1/q}

#: P squeezed between |N|^η |N|^{−1/q} max and |N|^η max
P_SQUEEZE = Squeeze(
    lower=card(m) ** eta * card(m) ** (-1 / q) * vmax(m), upper=card(m) ** eta * vmax(m),
    lower_steps=(_lemma_lower(), _lemma_pull(),
                 Step(None, _P_IN_S, "<=", why="1 ≤ S", check=_model_le("lower")),
                 Step(None, P(m, q, eta), "==", why="factorisation; Σ m^q = max^q S", check=_model_eq)),
    upper_steps=(_lemma_upper(), _lemma_pull(),
                 Step(None, _P_IN_S, "==", why="factorisation; Σ m^q = max^q S", check=_model_eq),
                 Step(None, card(m) ** eta * vmax(m), "<=", why="S ≤ |N|", check=_model_le("upper"))),
    why="|N|^η |N|^{−1/q} max ≤ P ≤ |N|^η max, and |N|^{−1/q} → 1",
)


def _conditional_proof(builders: tuple[Callable[[Any], tuple], ...], label: str = "general_n") -> Evidence:
    """Symbolic evidence about the condition: part ``k`` of the statement is proved by the chain
    ``builders[k](condition)``, built with the proposition's own condition (a weakened condition cannot
    give the step it is used for).  When a chain fails, the statement is probed at points satisfying the
    condition: refuted only with such a point."""

    def run(prop: Prop) -> Outcome:
        parts = prop.statement.parts()
        if len(parts) != len(builders):
            return Outcome("undecided", f"the statement has {len(parts)} parts, the proof {len(builders)} chains")
        figs, details = [], []
        for k, (part, build) in enumerate(zip(parts, builders), 1):
            out = prove(part, build(prop.condition))
            details.append(f"part {k}: {out.figure}\n{out.detail}")
            if out.finding != "holds":
                cex = probe(part.lhs, part.rhs, part.rel, where=prop.condition, trials=60)
                if cex:
                    return Outcome("refuted", f"part {k} fails under the condition at {cex['point']}: "
                                              f"{cex['lhs']} vs {cex['rhs']}", "\n".join(details))
                return Outcome("undecided", f"part {k}: {out.figure}", "\n".join(details))
            figs.append(f"part {k}: {out.figure}")
        return Outcome("holds", "; ".join(figs), "\n".join(details))

    return Evidence("symbolic", run, label=label, about="condition", budget=60,
                    description="each part by a chain of checked steps for general |N|, the last step from "
                                "the condition")


# ==================================================================================================
# The claims, in seed order
# ==================================================================================================

_MEAN_N = card(m) ** (eta - 1) * vsum(m)
_Q1_STEPS = (Step(None, _MEAN_N, why="definition of P at q = 1: n^η (Σ_u m_u / n)^1 = n^(η−1) Σ_u m_u"),)
_FACT_STEPS = (Step(None, card(m) ** eta * (1 / card(m)) ** (1 / q) * psum(m, q) ** (1 / q),
                    why="definition of P; (Σ/n)^(1/q) = n^(−1/q) Σ^(1/q) for Σ = Σ_u m_u^q > 0"),)
_UNDERBRACE_STEPS = (
    Step(None, sp.exp(sp.Limit(-sp.log(card(m)) / q, q, sp.oo)),
         why="(1/|N|)^(1/q) = exp(−log|N|/q), and exp is continuous"),
    Step(None, sp.Integer(1), why="log|N| is fixed as q → ∞, so the exponent tends to 0 and e^0 = 1"),
)

Q1 = Claim(
    id="agg.seed.2b_q1", source="Ex 2b step 2",
    title="Seed: pma(v, m, 1, η) = |N|^(η-1) Σ m_u",
    display=r"\operatorname{pma}(v,\vec m,1,\eta) = |\mathcal N(v)|^{\eta-1}\sum_u m_u",
    statement=Rel(P(m, 1, eta), _MEAN_N),
    recorded="holds",
    derivation=_Q1_STEPS,
    evidence=[
        derivation_evidence(_Q1_STEPS, label="general_n"),
        at_points([{m: RANDOM, eta: 1}, {m: POS, eta: 0}, {m: SPREAD, eta: "0.3"}, {m: TIES, eta: -2}]),
    ],
    mutants=(
        Mutant("eta_exponent", Rel(P(m, 1, eta), card(m) ** eta * vsum(m)),
               why="off by one in the exponent: |N|^η Σ m_u (the sum for η = 0)"),
        Mutant("mean_without_prefactor", Rel(P(m, 1, eta), vsum(m) / card(m)),
               why="the |N|^η prefactor dropped: the plain mean"),
    ),
    depth="general", depth_note="the identity for symbolic |N| = n by the definition (unfolded sums)",
    note=r"Same as \texttt{agg.pm.q1\_mean}: $\eta = 1$ gives the sum, $\eta = 0$ the mean.",
)

FACTORISATION = Claim(
    id="agg.seed.2b_factorisation", source="Ex 2b step 3",
    title="Seed: pma = |N|^η (1/|N|)^(1/q) (Σ_u m_u^q)^(1/q)",
    display=r"|\mathcal N|^\eta\Big(\frac{1}{|\mathcal N|}\sum_u m_u^q\Big)^{1/q} = "
            r"|\mathcal N|^\eta\Big(\frac{1}{|\mathcal N|}\Big)^{1/q}\Big(\sum_u m_u^q\Big)^{1/q}",
    statement=Rel(P(m, q, eta), card(m) ** eta * (1 / card(m)) ** (1 / q) * psum(m, q) ** (1 / q)),
    recorded="holds", assumptions=(r"m_u > 0", r"q > 0"),
    derivation=_FACT_STEPS,
    evidence=[
        derivation_evidence(_FACT_STEPS, label="general_n"),
        at_points([{m: RANDOM, q: 3, eta: 1}, {m: POS, q: "0.5", eta: 0}, {m: SPREAD, q: 2, eta: "0.3"},
                   {m: TIES, q: 40, eta: -1}]),
    ],
    mutants=(
        Mutant("factor_without_root", Rel(P(m, q, eta), card(m) ** eta / card(m) * psum(m, q) ** (1 / q)),
               why="the root forgotten on the split-off factor: 1/|N| instead of (1/|N|)^{1/q}"),
        Mutant("factor_inverted", Rel(P(m, q, eta), card(m) ** eta * card(m) ** (1 / q) * psum(m, q) ** (1 / q)),
               why="|N|^{1/q} instead of (1/|N|)^{1/q}"),
    ),
    depth="general", depth_note="for symbolic |N| = n: (Σ/n)^{1/q} = n^{−1/q} Σ^{1/q} with Σ = Σ_u m_u^q > 0",
    note=r"Here $\Sigma = \sum_u m_u^q > 0$; $(ab)^{1/q} = a^{1/q}b^{1/q}$ for $a, b > 0$.",
)

_LIT_INSTANCES = [{m: PAIR}, {m: SMALL}, {m: TIE3}]

UNDERBRACE_LITERAL = Claim(
    id="agg.seed.2b_underbrace_literal", source="Ex 2b step 4",
    title="Seed's underbrace as transcribed: (Σ_u m_u^q)^(-1/q) → 1",
    display=r"\Big(\sum_u m_u^q\Big)^{-1/q} \xrightarrow{q\to\infty} 1",
    statement=Lim(psum(m, q) ** (-1 / q), q, sp.oo, 1),
    recorded="refuted",
    reading="Literal OCR: the underbraced factor is (Σ_u m_u^q)^(−1/q).",
    evidence=[
        exact_limit(_LIT_INSTANCES, label="exact"),
        limit_ladder([{m: POS}, {m: TIES}], label="ladder"),
        counterexample({m: PAIR}, tex=r"$m = (1, 2)$: $(\sum_u m_u^q)^{-1/q} \to 1/2 \ne 1$"),
    ],
    mutants=(
        Mutant("one_over_max", Lim(psum(m, q) ** (-1 / q), q, sp.oo, 1 / vmax(m)),
               why="the correct limit of the literal factor: 1/max_u m_u"),
        Mutant("intended_factor", Lim((1 / card(m)) ** (1 / q), q, sp.oo, 1),
               why="the intended factor (1/|N|)^{1/q} (agg.seed.2b_underbrace_intended)"),
    ),
    depth="fixed-size",
    depth_note="refuted by exact limits (Gruntz) at neighbourhoods of size 2 to 4, certified",
    note=r"It tends to $1/\max_u m_u$ (equal to 1 only when $\max_u m_u = 1$); the intended factor is "
         r"$(1/|\mathcal N|)^{1/q}$ (\texttt{agg.seed.2b\_underbrace\_intended}).",
)

UNDERBRACE_INTENDED = Claim(
    id="agg.seed.2b_underbrace_intended", source="Ex 2b step 4",
    title="Seed's underbrace as intended: (1/|N|)^(1/q) → 1",
    display=r"\Big(\frac{1}{|\mathcal N|}\Big)^{1/q} \xrightarrow{q\to\infty} 1",
    statement=Lim((1 / card(m)) ** (1 / q), q, sp.oo, 1),
    recorded="holds", corrects="agg.seed.2b_underbrace_literal",
    reading="Intended: the factor split off in step 3, (1/|N|)^(1/q).",
    derivation=_UNDERBRACE_STEPS,
    evidence=[
        derivation_evidence(_UNDERBRACE_STEPS, label="general_n"),
        limit_ladder([{m: TIES}, {m: RANDOM}], rate=sp.log(card(m)) / q, label="ladder",
                     description="|(1/|N|)^{1/q} − 1| as q → ∞, against log|N|/q"),
        exact_limit([{m: POS}, {m: TWO_LEVEL}], label="exact"),
    ],
    mutants=(
        Mutant("value_one_over_n", Lim((1 / card(m)) ** (1 / q), q, sp.oo, 1 / card(m)),
               why="the factor's value at q = 1 taken for its limit"),
    ),
    depth="general", depth_note="the limit for symbolic |N| (Gruntz), ladders against the rate log|N|/q",
)

LIMIT_MAX = Claim(
    id="agg.seed.2b_limit_max", source="Ex 2b step 5",
    title="Seed: lim_{q→∞} pma = |N|^η lim (Σ m^q)^(1/q) = |N|^η max",
    display=r"\lim_{q\to\infty}\operatorname{pma}(v,\vec m,q,\eta) = |\mathcal N|^\eta\max_u m_u",
    statement=Lim(P(m, q, eta), q, sp.oo, card(m) ** eta * vmax(m)),
    recorded="holds", assumptions=(r"m_u > 0",),
    derivation=(P_SQUEEZE,),
    evidence=[
        derivation_evidence([P_SQUEEZE], label="general_n"),
        limit_ladder([{m: POS, eta: 0}, {m: TIES, eta: 1}, {m: TWO_LEVEL, eta: "-0.5"}],
                     rate=card(m) ** eta * vmax(m) * sp.log(card(m)) / q, label="ladder",
                     description="|P − |N|^η max| as q → ∞, against |N|^η max log|N|/q"),
        exact_limit([{m: PAIR, eta: 1}, {m: TIE3, eta: 0}], label="exact"),
    ],
    mutants=(
        Mutant("retrieve_sum", Lim(P(m, q, eta), q, sp.oo, _MEAN_N),
               why="the crossed-out 'we retrieve the sum': the q = 1 value |N|^{η−1} Σ m_u"),
        Mutant("prefactor_dropped", Lim(P(m, q, eta), q, sp.oo, vmax(m)),
               why="the |N|^η prefactor lost: max_u m_u"),
    ),
    depth="general", depth_note="squeeze for symbolic |N| and η (lemmas 1 ≤ S ≤ |N| for general |N|)",
    note=r"Squeeze: $|\mathcal N|^\eta |\mathcal N|^{-1/q}\max \le P \le |\mathcal N|^\eta \max$, i.e. "
         r"$1 \le S \le |\mathcal N|$; the rate is $|P - |\mathcal N|^\eta\max| \le |\mathcal N|^\eta \max\,"
         r"\log|\mathcal N|/q$.",
)

RATIO_LITERAL = Claim(
    id="agg.seed.2b_ratio_literal", source="Ex 2b step 6 (*)",
    title="Seed (*) as written: lim_{q→∞} Σ_u m_u^q / m = 1",
    display=r"\lim_{q\to\infty}\frac{\sum_u m_u^q}{\max_u m_u} = 1",
    statement=Lim(psum(m, q) / vmax(m), q, sp.oo, 1),
    recorded="refuted", reading="Literal: no 1/q power on the sum (the next line of the seed has it).",
    evidence=[
        exact_limit([{m: PAIR}, {m: SMALL}, {m: TIES}], label="exact"),
        limit_ladder([{m: POS}, {m: SMALL}], label="ladder"),
        counterexample({m: SMALL}, tex=r"$m = (0.25, 0.5)$: $\sum_u m_u^q/\max_u m_u \to 0 \ne 1$"),
    ],
    mutants=(
        Mutant("intended_root", Lim(psum(m, q) ** (1 / q) / vmax(m), q, sp.oo, 1),
               why="the intended ratio (Σ m^q)^{1/q}/max (agg.seed.2b_ratio_intended)"),
    ),
    depth="fixed-size", depth_note="refuted by exact limits (Gruntz) at neighbourhoods of size 2 to 4, certified",
    note=r"The ratio tends to $\infty$ if $\max > 1$, to $0$ if $\max < 1$ and to the number of maximisers "
         r"if $\max = 1$; the next line of the seed shows the intended $(\sum_u m_u^q)^{1/q}/\max$.",
)

RATIO_INTENDED = Claim(
    id="agg.seed.2b_ratio_intended", source="Ex 2b step 6 (*)",
    title="Seed (*) as intended: lim (Σ_u m_u^q)^(1/q) / m = 1, m = max",
    display=r"\lim_{q\to\infty}\frac{(\sum_u m_u^q)^{1/q}}{\max_u m_u} = 1",
    statement=Lim(psum(m, q) ** (1 / q) / vmax(m), q, sp.oo, 1),
    recorded="holds", corrects="agg.seed.2b_ratio_literal",
    derivation=(RATIO_SQUEEZE,),
    evidence=[
        derivation_evidence([RATIO_SQUEEZE], label="general_n"),
        limit_ladder([{m: TIES}, {m: TWO_LEVEL}, {m: POS}], rate=sp.log(card(m)) / q, label="ladder",
                     description="|(Σ m^q)^{1/q}/max − 1| as q → ∞, against log|N|/q"),
        exact_limit([{m: PAIR}, {m: TIE3}], label="exact"),
    ],
    mutants=(
        Mutant("root_to_power", Lim((psum(m, q) / vmax(m) ** q) ** q, q, sp.oo, 1),
               why="S^{1/q} → S^q: the root replaced by a power (tends to ∞ when the max is tied)"),
        Mutant("limit_value_n", Lim(psum(m, q) ** (1 / q) / vmax(m), q, sp.oo, card(m)),
               why="the limit taken as the bound |N| of S"),
    ),
    depth="general", depth_note="squeeze 1 ≤ (Σ m^q)^{1/q}/max ≤ |N|^{1/q} for symbolic |N|",
)

_S_IDENTITY_STEPS = (Step(None, Sr(m, q) ** (1 / q), why="definition of S: pull max^q out of the sum",
                          check=_pull_max),)

S_IDENTITY = Claim(
    id="agg.seed.2b_s_identity", source="Ex 2b step 7",
    title="Seed: (Σ m_u^q)^(1/q)/m = (Σ (m_u/m)^q)^(1/q)",
    display=r"\frac{(\sum_u m_u^q)^{1/q}}{m} = \Big(\sum_u \big(\tfrac{m_u}{m}\big)^q\Big)^{1/q}",
    statement=Rel(psum(m, q) ** (1 / q) / vmax(m), Sr(m, q) ** (1 / q)),
    recorded="holds", assumptions=(r"m = \max_u m_u > 0", r"q > 0"),
    derivation=_S_IDENTITY_STEPS,
    evidence=[
        derivation_evidence(_S_IDENTITY_STEPS, label="general_n"),
        at_points([{m: POS, q: 3}, {m: RANDOM, q: "0.5"}, {m: SPREAD, q: 2}, {m: TIES, q: 40}]),
    ],
    mutants=(
        Mutant("root_dropped", Rel(psum(m, q) ** (1 / q) / vmax(m), Sr(m, q)),
               why="S without its root (the seed's '=: S' placed on the root)"),
        Mutant("max_power", Rel(psum(m, q) ** (1 / q) / vmax(m) ** q, Sr(m, q) ** (1 / q)),
               why="dividing by max^q outside the root"),
    ),
    depth="general", depth_note="for symbolic |N| and any max > 0 (definition of S)",
)

_S_COND = sp.Ge(p, card(m))


def _s_bounds_chains() -> tuple:
    def lower(condition: Any) -> tuple:
        return _s_lower_steps()

    def upper(condition: Any) -> tuple:
        return _s_upper_steps() + (Step(None, p, "<=", why="the condition p ≥ |N|", check=_implied_by(condition),
                                        where=condition),)

    return lower, upper


def _s_bounds_rendered() -> tuple:
    """Both chains for the report (the second shows its left side S), with the claim's condition."""
    lower, upper = _s_bounds_chains()
    first, second = lower(_S_COND), upper(_S_COND)
    return ((dataclasses.replace(first[0], lhs=sp.Integer(1)),) + first[1:]
            + (dataclasses.replace(second[0], lhs=Sr(m, q)),) + second[1:])


S_BOUNDS = Claim(
    id="agg.seed.2b_s_bounds", source="Ex 2b step 8",
    title="Seed: S := Σ (m_u/m)^q satisfies 1 ≤ S ≤ p",
    display=r"1 \le S = \sum_u\Big(\frac{m_u}{\max_v m_v}\Big)^q \le p",
    statement=All(Rel(1, Sr(m, q), "<="), Rel(Sr(m, q), p, "<=")),
    condition=_S_COND, recorded="holds_if",
    reading="p read literally as a fixed constant (the only p of the sheet is Ex 1's feature dimension, "
            "p = 256); the intended reading p = |N| is the condition with equality.",
    derivation=_s_bounds_rendered(),
    evidence=[
        _conditional_proof(_s_bounds_chains()),
        at_points([{m: RANDOM, q: "0.5", p: 6}, {m: RANDOM, q: 40, p: 6}, {m: TIES, q: 3, p: 4},
                   {m: SPREAD, q: "0.5", p: 256}, {m: ("1", "1", "1"), q: 5, p: 3},
                   {m: TWO_LEVEL, q: "0.5", p: 4}, {m: ("1", "1", "1"), q: 5, p: 2}],
                  label="grid", about="condition",
                  description="the statement at the instances satisfying the condition (p = |N| − 1 and "
                              "p = |N| − 2 instances are excluded by p ≥ |N|)"),
        counterexample({m: ("1", "1", "1"), q: 5, p: 2},
                       tex=r"$m = (1, 1, 1)$, $p = 2$: $S = 3 > p$"),
    ],
    mutants=(
        Mutant("p_ge_n_minus_1", condition=sp.Ge(p, card(m) - 1),
               why="the condition weakened by one: p ≥ |N| − 1"),
        Mutant("no_condition", condition=None, why="the condition dropped: p any constant"),
    ),
    depth="general", depth_note="1 ≤ S ≤ |N| for symbolic |N| (sorted messages m_(u) = max e^{−c_u})",
    note=r"$S = n$ exactly when all messages are equal, so no $p < |\mathcal N|$ works; Ex 1's $p = 256$ "
         r"would work only for neighbourhoods with at most $256$ members.",
)

S_SQUEEZE_CLAIM = Claim(
    id="agg.seed.2b_s_squeeze", source="Ex 2b step 9",
    title="Seed: S^(1/q) → 1 by the squeeze 1 ≤ S^(1/q) ≤ |N|^(1/q)",
    display=r"\lim_{q\to\infty} S^{1/q} = 1",
    statement=Lim(Sr(m, q) ** (1 / q), q, sp.oo, 1),
    recorded="holds",
    derivation=(S_SQUEEZE,),
    evidence=[
        derivation_evidence([S_SQUEEZE], label="general_n"),
        limit_ladder([{m: TIES}, {m: TWO_LEVEL}, {m: RANDOM}], rate=sp.log(card(m)) / q, label="ladder",
                     description="|S^{1/q} − 1| as q → ∞, against log|N|/q (ties: S → k > 1)"),
        exact_limit([{m: PAIR}, {m: TIE3}], label="exact"),
    ],
    mutants=(
        Mutant("root_to_power", Lim(Sr(m, q) ** q, q, sp.oo, 1),
               why="S^{1/q} → S^q (→ 1 for a unique maximiser, → ∞ when the max is tied: S → k > 1)"),
        Mutant("limit_value_n", Lim(Sr(m, q) ** (1 / q), q, sp.oo, card(m)),
               why="the limit taken as the upper bound |N| of S"),
    ),
    depth="general", depth_note="squeeze 1 ≤ S^{1/q} ≤ |N|^{1/q} for symbolic |N|",
)

CLAIMS = [Q1, FACTORISATION, UNDERBRACE_LITERAL, UNDERBRACE_INTENDED, LIMIT_MAX, RATIO_LITERAL, RATIO_INTENDED,
          S_IDENTITY, S_BOUNDS, S_SQUEEZE_CLAIM]
