r"""Claims ``agg.pm.*``: the power mean ``M_q(m) = ((1/n) Σ_u m_u^q)^(1/q)`` and the power-mean aggregation
``P(m; q, η) = n^η M_q(m)``: the value at ``q = ±1``, the limits at ``q → ±∞`` and ``q → 0``, the
power-mean inequality, the bounds ``n^(−1/q) max ≤ M_q ≤ max``, the domain and zero messages.

Every statement is a SymPy object (:mod:`verify.core.statement`) and every piece of evidence reads it:

* general-``n`` proofs are chains bound to the statement (:func:`verify.core.symbolic.prove`); the limit at
  ``+∞`` is a :class:`~verify.core.claim.Squeeze` of the statement's own expression between
  ``n^η n^(−1/q) max`` and ``n^η max`` (via ``S = Σ_u (m_u/max)^q ∈ [1, n]``), the limits at ``−∞`` and
  at ``0`` are the general proofs of :mod:`verify.aggregation.general_proofs` (``M_{−q}(m) = 1/M_q(1/m)``
  and ``g(q)/q → g'(0)``), entered from the statement's left side and ended at its right side;
* the steps that need a fact about the maximum (every ``m_u ≤ max``, some ``m_u = max``) use the checks
  below, each deciding its step from the step's own two sides;
* numeric evidence: the statement at instances (precision ladder, arb certificate on failure), ladders
  towards the limit point against the predicted rate, exact limits at instances (SymPy, Gruntz), the numpy
  kernel *approaching* the limit point (:func:`verify.aggregation.kernel_claims.power_mean_limit_float_evidence`);
* the two refuted claims have certified counterexamples (arb); their mutants are the nearest true
  statements (the domain ``m_u ≥ 0``; the limit ``max_u |m_u|`` over even ``q``), and the evidence reads the
  statement's domain (the assumptions of its symbols), so it finds them true.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import mpmath
import sympy as sp

from verify.core.claim import Claim, Evidence, Mutant, Outcome, Prop, Squeeze, Step
from verify.core.numeric import at_points, counterexample, exact_limit, limit_ladder
from verify.core.statement import All, Lim, Quantity, Rel, VectorSymbol, quantity, unfold
from verify.core.symbolic import chains_evidence as all_parts, derivation_evidence, is_zero
from verify.positional.checks import sum_identity

from .. import general_proofs as gp
from .. import theory as th
from ..kernel_claims import power_mean_limit_float_evidence
from ..quantities import M, P, _arb_sum, _vals, card, eta, gmean, m, mpos, n_, q, u_, vmax, vmin, vsum
from .inputs import RANDOM, SPREAD, TIES, TWO_LEVEL

try:
    import flint
except ImportError:  # pragma: no cover
    flint = None

mpf = mpmath.mpf

# --------------------------------------------------------------------------------------------------
# symbols and extra quantities
# --------------------------------------------------------------------------------------------------

#: q > 0 (the limit at +∞ and the bounds), q ≠ 0 real (the general proofs' symbol: limits at −∞ and 0)
qpos = sp.Symbol("q", positive=True)
qnz = gp.q
#: q < 0 (zero messages), the step s > 0 of the power-mean inequality, ε > 0, the half k of an even q
qneg = sp.Symbol("q", negative=True)
s_ = sp.Symbol("s", positive=True)
eps = sp.Symbol("epsilon", positive=True)
k_ = sp.Symbol("k", integer=True, positive=True)
#: non-negative messages (the domain of the power mean: the nearest true statement of domain_negative)
mnn = VectorSymbol("m", nonnegative=True)


def _base(v: Any) -> sp.IndexedBase:
    """The indexed base ``m[u]`` of a vector symbol's general-``n`` definition (as in the quantities)."""
    el = v.element if isinstance(v, VectorSymbol) else {}
    return sp.IndexedBase(str(v), **{k: w for k, w in el.items() if k in ("positive", "nonnegative", "real")})


mb = _base(mpos)  # m[u] > 0 of the quantities' definitions; the same base as general_proofs.mpos
#: the messages m_u in the chains: indexed by the vector symbol itself and summed to |N| = card(m), so that a
#: step's two sides speak about the same messages (the definitions map them to m[u], u = 1..n)
mv = sp.IndexedBase(mpos)
N_ = card(mpos)


def _sum(f: Any) -> sp.Sum:
    return sp.Sum(f, (u_, 1, N_))


hsum = quantity(
    "hsum", lambda v: mpmath.fsum(1 / x for x in v), arb=lambda v: _arb_sum(1 / x for x in v), nargs=1,
    latex=r"\sum_u \frac{{1}}{{{0}_u}}", text="sum(1/{0})",
    unfold=lambda v: sp.Sum(1 / _base(v)[u_], (u_, 1, n_)), explicit=lambda v: sp.Add(*[1 / x for x in _vals(v)]))


def _mz_unfold(e: Any, v: Any, qq: Any) -> Any:
    if qq == 0:
        return (e * sp.Product(_base(v)[u_], (u_, 1, n_))) ** (1 / (n_ + 1))
    return ((e ** qq + sp.Sum(_base(v)[u_] ** qq, (u_, 1, n_))) / (n_ + 1)) ** (1 / qq)


def _mz_explicit(e: Any, v: Any, qq: Any) -> Any:
    xs = [e] + _vals(v)
    if qq == 0:
        return sp.Mul(*xs) ** sp.Rational(1, len(xs))
    return (sp.Add(*[x ** qq for x in xs]) / len(xs)) ** (1 / qq)


#: the power mean of the n + 1 messages (ε, m_1, ..., m_n): a message ε next to the others (ε → 0: a zero)
Mz = quantity(
    "Mz", lambda e, v, qq: th.power_mean((e,) + tuple(v), qq), nargs=3, nonnegative=True,
    latex=r"M_{{{2}}}\left({0}, {1}\right)", text="M_{2}({0}, {1})", unfold=_mz_unfold, explicit=_mz_explicit)


def _literal_mp(v: tuple, qq: Any) -> Any:
    """``((1/n) Σ m_u^q)^(1/q)`` taken literally (principal branches); real for an even integer ``q``."""
    if qq == int(qq) and int(qq) % 2 == 0 and qq != 0:
        return (mpmath.fsum(x ** int(qq) for x in v) / len(v)) ** (1 / qq)
    return th.power_mean_any(v, qq)


def _arb_literal_complex(v: tuple, qq: Any) -> Any:
    s = flint.acb(0)
    for x in v:
        s = s + flint.acb(x) ** flint.acb(qq)
    return (s / len(v)) ** (flint.acb(1) / flint.acb(qq))


#: the literal formula at any real messages (for the domain claims)
Mlit = quantity(
    "Mlit", _literal_mp, nargs=2, latex=r"\Big(\tfrac{{1}}{{n}}\sum_u {0}_u^{{{1}}}\Big)^{{1/({1})}}",
    text="(mean({0}^{1}))^(1/{1})",
    explicit=lambda v, qq: (sp.Add(*[x ** qq for x in _vals(v)]) / len(_vals(v))) ** (1 / qq))
#: its imaginary part (principal branches): M_q(m) is real iff this is 0
ImM = quantity(
    "ImM", lambda v, qq: mpmath.im(th.power_mean_any(v, qq)), arb=lambda v, qq: _arb_literal_complex(v, qq).imag,
    nargs=2, latex=r"\operatorname{{Im}} \Big(\tfrac{{1}}{{n}}\sum_u {0}_u^{{{1}}}\Big)^{{1/{1}}}",
    text="Im (mean({0}^{1}))^(1/{1})")
#: max_u |m_u|
vmaxabs = quantity(
    "vmaxabs", lambda v: max(abs(x) for x in v), arb=lambda v: _arb_max([abs(x) for x in v]), nargs=1,
    latex=r"\max_u |{0}_u|", text="max|{0}|", explicit=lambda v: sp.Max(*[sp.Abs(x) for x in _vals(v)]))


def _arb_max(xs: list) -> Any:
    from verify.core.evaluate import _arb_extreme

    return _arb_extreme(list(xs), True)


# --------------------------------------------------------------------------------------------------
# step checks: each decides its step from the step's own two sides
# --------------------------------------------------------------------------------------------------

def _max_symbol(v: Any) -> sp.Symbol:
    """The maximum of a vector of positive (non-negative) messages, as a positive (non-negative) number."""
    el = v.element if isinstance(v, VectorSymbol) else {}
    return sp.Symbol(f"max_{v}", positive=True) if el.get("positive") else sp.Symbol(f"max_{v}", nonnegative=True)


def _min_symbol(v: Any) -> sp.Symbol:
    el = v.element if isinstance(v, VectorSymbol) else {}
    return sp.Symbol(f"min_{v}", positive=True) if el.get("positive") else sp.Symbol(f"min_{v}", nonnegative=True)


def _concrete(expr: Any) -> Any:
    """The quantities of ``expr`` by their general-``n`` definitions; ``max_u m_u`` / ``min_u m_u`` of positive
    messages as positive numbers (an identity or inequality shown for every positive number holds for them);
    ``gmean`` as the product ``(Π_u m_u)^(1/n)``."""
    e = unfold(sp.sympify(expr))
    bases = {b: _base(b.label) for b in e.atoms(sp.IndexedBase) if isinstance(b.label, VectorSymbol)}
    if bases:
        e = e.xreplace(bases)
    reps = {}
    for a in e.atoms(Quantity):
        v = a.args[0] if a.args else None
        if not isinstance(v, VectorSymbol) or not (v.element.get("positive") or v.element.get("nonnegative")):
            continue
        if type(a) is vmax:
            reps[a] = _max_symbol(v)
        elif type(a) is vmin:
            reps[a] = _min_symbol(v)
        elif type(a) is gmean:
            reps[a] = sp.Product(_base(v)[u_], (u_, 1, n_)) ** (1 / n_)
    return e.xreplace(reps) if reps else e


def _pull_constants(expr: Any) -> Any:
    """``Σ_u c f(u) = c Σ_u f(u)`` (``c`` free of ``u``; powers of products of positive factors split first)
    and ``Σ_{u=1}^{n} 1 = n``."""
    def one(s: sp.Sum) -> Any:
        (v, lo, hi), = s.limits
        f = sp.expand_power_base(sp.expand(s.function))
        c, rest = f.as_independent(v, as_Add=False) if isinstance(f, sp.Mul) else (
            (f, sp.Integer(1)) if v not in f.free_symbols else (sp.Integer(1), f))
        inner = (hi - lo + 1) if rest == 1 else sp.Sum(rest, (v, lo, hi))
        return c * inner

    return sp.sympify(expr).replace(lambda e: isinstance(e, sp.Sum) and len(e.limits) == 1, one)


def _abstract(*exprs: Any) -> list:
    """Every ``Sum``/``Product`` over ``u = 1..n`` (``n ≥ 1``) of positive terms replaced by one fresh positive
    symbol (the same symbol wherever it occurs): a non-empty finite sum or product of positive terms is
    positive, and nothing else about it is used."""
    found: set = set()
    for e in exprs:
        found |= {a for a in sp.sympify(e).atoms(sp.Sum, sp.Product) if len(a.limits) == 1}
    reps = {}
    for j, a in enumerate(sorted(found, key=sp.default_sort_key)):
        (v, lo, hi), = a.limits
        if (hi - lo + 1).is_positive and th._generic(a.function, v).is_positive:
            reps[a] = sp.Symbol(f"Sigma_{j}", positive=True)
    return [sp.sympify(e).xreplace(reps) for e in exprs]


def _equal(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
    """``lhs == rhs`` after the definitions (:func:`_concrete`): expansion, constants pulled out of the sums,
    positive sums abstracted, ``simplify``; or equal logarithms of two positive sides."""
    a, b = _concrete(lhs), _concrete(rhs)
    if sp.expand(a - b) == 0:
        return True, "equal by the definitions"
    a, b = _pull_constants(a), _pull_constants(b)
    if sp.expand(a - b) == 0:
        return True, "equal: constants pulled out of the sums"
    try:
        if sum_identity(a, b)[0]:
            return True, "equal: the sums agree term-wise"
    except Exception:  # noqa: BLE001 - a normal form that cannot be formed is just "not shown"
        pass
    x, y = _abstract(a, b)
    for simp in (sp.expand, lambda e: sp.expand(sp.powsimp(sp.expand_power_base(e))), sp.simplify):
        if simp(x - y) == 0:
            return True, "equal (positive sums as positive numbers)"
    pows = (x - y).atoms(sp.Pow)
    if x.is_positive and y.is_positive and all(p.base.is_positive and p.exp.is_real for p in pows) and \
            all(sym.is_real for sym in (x - y).free_symbols):
        if sp.simplify(sp.expand_log(sp.log(x), force=True) - sp.expand_log(sp.log(y), force=True)) == 0:
            return True, "equal logarithms of two positive sides"
    if is_zero(x - y) is False:
        return False, "the two sides differ"
    return None, "not shown equal"


def equal_check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
    """``Step.check`` for an equality of expressions in the messages' definitions (see :func:`_equal`)."""
    return _equal(lhs, rhs)


def _is_positive(e: Any) -> bool:
    x, = _abstract(_pull_constants(_concrete(e)))
    return bool(x.is_positive)


def _sign(e: Any) -> int | None:
    """+1 if ``e ≥ 0``, −1 if ``e ≤ 0`` (from the assumptions, positive sums as positive numbers)."""
    x, = _abstract(_concrete(e))
    for cand in (x, sp.simplify(x)):
        if cand.is_nonnegative:
            return 1
        if cand.is_nonpositive:
            return -1
    return None


def monotone_image(F: Callable[[Any], Any], lo: Any, hi: Any, inner: Callable[[Any, Any], Any], what: str
                   ) -> Callable[[Any, Any], tuple[bool | None, str]]:
    """``Step.check`` for ``F(lo) <= F(hi)``: the step's sides must be ``F(lo)`` and ``F(hi)``, ``lo, hi > 0``,
    and either ``F`` is increasing on ``(0, ∞)`` and ``inner`` shows ``lo <= hi``, or ``F`` is decreasing
    there and ``inner`` shows ``hi <= lo``.  ``what`` names ``F`` in the explanation."""
    x = sp.Symbol("x", positive=True)

    def check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
        for side, arg, name in ((lhs, lo, "left"), (rhs, hi, "right")):
            ok, why = _equal(side, F(arg))
            if ok is not True:
                return None, f"the {name} side is not F({sp.sstr(arg)[:40]}) ({why})"
        if not (_is_positive(lo) and _is_positive(hi)):
            return None, "the arguments are not shown positive"
        sgn = _sign(sp.diff(_concrete(F(x)), x))
        if sgn is None:
            return None, f"{what} not shown monotone on (0, oo)"
        a, b = (lo, hi) if sgn > 0 else (hi, lo)
        res = inner(a, b)
        ok, why = res if isinstance(res, tuple) else (res, "")
        if ok is not True:
            return None, f"inner inequality not shown: {why}"
        return True, f"{what} is {'increasing' if sgn > 0 else 'decreasing'} and {why}"

    return check


def _messages(s: sp.Sum) -> tuple[Any, Any] | None:
    """``(vector, concrete sum)`` of a sum over one vector of messages ``m_u`` (``None`` otherwise)."""
    (v, _, _), = s.limits
    bases = {i.base for i in s.function.atoms(sp.Indexed) if i.indices == (v,)}
    if len(bases) != 1:
        return None
    label = bases.pop().label
    if not isinstance(label, VectorSymbol):
        return None
    return label, _concrete(s)


def _the_sum(e: Any) -> sp.Sum | None:
    e = sp.sympify(e)
    return e if isinstance(e, sp.Sum) and len(e.limits) == 1 else None


def max_term(lo: Any, hi: Any) -> tuple[bool | None, str]:
    """``g(max_u m_u) <= Σ_{u=1}^n g(m_u)`` for non-negative terms: the maximiser's term is one of them
    (``n ≥ 1``).  ``hi`` must be such a sum and ``lo`` its term with ``m_u`` replaced by ``max_u m_u``."""
    s = _the_sum(hi)
    if s is None or _messages(s) is None:
        return None, "the larger side is not a sum over the messages m_u"
    vec, cs = _messages(s)
    (v, a, b), = cs.limits
    if a != 1 or not b.is_positive:
        return None, "the sum does not run over u = 1..n, n >= 1"
    term = th._generic(_concrete(cs.function), v)
    if not term.is_nonnegative:
        return None, "the terms are not shown non-negative"
    ok, why = _equal(lo, cs.function.xreplace({_base(vec)[v]: vmax(vec)}))
    if ok is not True:
        return None, f"the smaller side is not the maximiser's term ({why})"
    return True, "the maximiser's term is one of the non-negative terms of the sum"


def below_max(lo: Any, hi: Any) -> tuple[bool | None, str]:
    """``Σ_u a(m_u) <= Σ_u b(m_u)`` (same range) term-wise for ``0 < m_u ≤ max``: with ``m_u = max e^{−c}``,
    ``c ≥ 0`` (every such message is one), ``b − a ≥ 0`` is proved by monotonicity in ``c``."""
    s1, s2 = _the_sum(lo), _the_sum(hi)
    if s1 is None or s2 is None or s1.limits != s2.limits:
        return None, "two sums over the same range needed"
    found = _messages(s1) or _messages(s2)
    if found is None:
        return None, "the terms are not functions of one message m_u"
    vec = found[0]
    others = [_messages(x) for x in (s1, s2)]
    if not vec.element.get("positive") or any(o is not None and o[0] != vec for o in others):
        return None, "no max over one vector of positive messages"
    c1, c2 = _concrete(s1), _concrete(s2)
    (v, _, _), = c1.limits
    c = sp.Symbol("c", nonnegative=True)
    sub = {_base(vec)[v]: _max_symbol(vec) * sp.exp(-c)}
    d = c2.function.xreplace(sub) - c1.function.xreplace(sub)
    ok, why = th.prove_nonneg(sp.simplify(d), c)
    if ok is not True:
        return None, f"term-wise inequality not shown: {why}"
    return True, f"term-wise for m_u = max e^(-c), c >= 0: {why}"


def nonneg_gap(lo: Any, hi: Any) -> tuple[bool | None, str]:
    """``lo <= hi`` because ``hi − lo`` is ``≥ 0`` from the assumptions (sums of non-negative terms are
    ``≥ 0``)."""
    d = _pull_constants(_concrete(sp.sympify(hi) - sp.sympify(lo)))
    if th._sign_known(d):
        return True, "the difference is a sum of non-negative terms"
    return None, f"{sp.sstr(d)[:60]} not shown >= 0"


def nonneg_check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
    """``Step.check`` for ``lhs <= rhs`` with ``rhs − lhs ≥ 0`` from the definitions and assumptions."""
    return nonneg_gap(lhs, rhs)


def extremum_definition(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
    """``Step.check``: ``max_{1≤u≤n} m_u`` is ``vmax(m)``, ``min_{1≤u≤n} m_u`` is ``vmin(m)``, ``(Π_u m_u)^(1/n)``
    is ``gmean(m)``, ``n`` is ``|N|`` (the quantities' definitions), then the two sides must be equal."""
    def defs(e: Any) -> Any:
        e = unfold(sp.sympify(e))
        e = e.xreplace({b: _base(b.label) for b in e.atoms(sp.IndexedBase) if isinstance(b.label, VectorSymbol)})
        reps = {}
        for a in e.atoms(Quantity):
            v = a.args[0] if a.args else None
            if not isinstance(v, VectorSymbol):
                continue
            if type(a) in (vmax, vmin):
                reps[a] = (gp.SeqMax if type(a) is vmax else gp.SeqMin)(_base(v)[u_], sp.Tuple(u_, 1, n_))
            elif type(a) is gmean:
                reps[a] = sp.Product(_base(v)[u_], (u_, 1, n_)) ** (1 / n_)
        return e.xreplace(reps)

    if sp.expand(defs(lhs) - defs(rhs)) == 0:
        return True, "the quantities' definitions"
    return None, "not the same after the definitions"


def scaled(factor: Any, inner: Callable[[Any, Any], Any]) -> Callable[[Any, Any], tuple[bool | None, str]]:
    """``Step.check`` for ``c·A == c·B`` (``c = factor``, free of the symbols of ``A``, ``B``): ``inner(A, B)``."""
    fsyms = sp.sympify(factor).free_symbols - {n_}

    def check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
        a, b = sp.sympify(lhs) / factor, sp.sympify(rhs) / factor
        if (a.free_symbols | b.free_symbols) & fsyms:
            return None, f"the sides are not {sp.sstr(factor)} times a factor-free expression"
        res = inner(a, b)
        ok, why = res if isinstance(res, tuple) else (res, "")
        return ok, f"(times {sp.sstr(factor)}) {why}"

    return check


# --------------------------------------------------------------------------------------------------
# bound evidence
# --------------------------------------------------------------------------------------------------

def _in_domain(statement: Any, inst: dict) -> bool:
    """Whether an instance lies in the domain of the statement's symbols (their assumptions)."""
    for sym in statement.free_symbols():
        if sym not in inst:
            continue
        val = inst[sym]
        vals = val if isinstance(val, (tuple, list)) else (val,)
        el = sym.element if isinstance(sym, VectorSymbol) else {
            k: getattr(sym, f"is_{k}") for k in ("positive", "nonnegative", "negative", "nonpositive", "nonzero")
            if getattr(sym, f"is_{k}", None)}
        with mpmath.workdps(30):
            xs = [mpf(x) if not isinstance(x, sp.Basic) else mpf(str(sp.N(x, 30))) for x in vals]
        tests = {"positive": lambda x: x > 0, "nonnegative": lambda x: x >= 0, "negative": lambda x: x < 0,
                 "nonpositive": lambda x: x <= 0, "nonzero": lambda x: x != 0}
        for key, test in tests.items():
            if el.get(key) and not all(test(x) for x in xs):
                return False
    return True


def _rekey(statement: Any, inst: dict) -> dict:
    """Bind an instance given by symbol *names* to the statement's own symbols (a mutant may declare
    another domain for a symbol of the same name)."""
    names = {str(k): val for k, val in inst.items()}
    return {sym: names[sym.name] for sym in statement.free_symbols() if sym.name in names}


def in_domain(builder: Callable[[list], Evidence], instances: Sequence[dict], kind: str, label: str = "",
              description: str = "") -> Evidence:
    """Evidence ``builder(instances)`` restricted to the instances in the statement's domain: instances are
    given by symbol names and bound to the statement's symbols; one outside the domain of the symbols'
    assumptions is no counterexample to the statement (it does not speak about it)."""
    instances = [dict(i) for i in instances]

    def run(prop: Prop) -> Outcome:
        stmt = prop.statement
        bound = [_rekey(stmt, i) for i in instances]
        inside = [b for b in bound if _in_domain(stmt, b)]
        if not inside:  # nothing checked is no evidence either way
            return Outcome("undecided", "no instance in the statement's domain: nothing was checked "
                                        f"({len(bound)} outside)", data={"outside": len(bound)})
        out = builder(inside).run(prop)
        skipped = len(bound) - len(inside)
        if skipped and out.finding == "holds":
            return Outcome(out.finding, out.figure + f" ({skipped} instance(s) outside the statement's domain)",
                           out.detail, data=dict(out.data), tex=out.tex)
        return out

    return Evidence(kind, run, label=label, description=description or "the statement at instances in its domain")


def _first_counterexample(tex: str) -> Callable[[list], Evidence]:
    """A counterexample at the first of the (in-domain) candidate instances where the statement fails
    (:func:`verify.core.numeric.counterexample`: arb-certified); ``holds`` when it holds at every one."""
    def build(insts: list) -> Evidence:
        def run(prop: Prop) -> Outcome:
            figs = []
            for inst in insts:
                out = counterexample(inst, tex=tex).run(prop)
                if out.finding != "holds":
                    return out
                figs.append(out.figure)
            return Outcome("holds", f"no counterexample at {len(insts)} instance(s) in the domain", "\n".join(figs))

        return Evidence("counterexample", run)

    return build


# --------------------------------------------------------------------------------------------------
# the chains
# --------------------------------------------------------------------------------------------------

def _S(qq: Any) -> Any:
    """``S = Σ_u (m_u / max_u m_u)^q``."""
    return _sum((mv[u_] / vmax(mpos)) ** qq)


def bound_chains(c: Any, f: Any, qq: Any) -> tuple[tuple, tuple]:
    r"""The chains of ``c n^{−1/q} max ≤ f`` and ``f ≤ c max`` for ``f = c M_q(m)`` (``q > 0``), via
    ``M_q = max (S/n)^{1/q}`` with ``S = Σ_u (m_u/max)^q ∈ [1, n]``; ``c`` is ``n^η`` or ``1``."""
    top = vmax(mpos)
    at = lambda x: c * top * (x / N_) ** (1 / qq)  # noqa: E731 - the map x ↦ c·max·(x/n)^(1/q)
    lower = (
        Step(c * N_ ** (-1 / qq) * top, at(sp.Integer(1)), why="n^(−1/q) = (1/n)^(1/q)", check=equal_check),
        Step(None, at(_S(qq)), "<=", why="x ↦ max (x/n)^(1/q) is increasing and S ≥ 1: the maximiser's "
                                         "term (max/max)^q = 1 is one of the non-negative terms of S",
             check=monotone_image(at, sp.Integer(1), _S(qq), max_term, "x -> c max (x/n)^(1/q)")),
        Step(None, c * (_sum(mv[u_] ** qq) / N_) ** (1 / qq),
             why="(m_u/max)^q = m_u^q / max^q: max^q leaves the sum and the root (max > 0)", check=equal_check),
        Step(None, f, why="definition of the power mean", check=equal_check),
    )
    upper = (
        Step(f, c * (_sum(mv[u_] ** qq) / N_) ** (1 / qq), why="definition of the power mean", check=equal_check),
        Step(None, at(_S(qq)), why="m_u^q = max^q (m_u/max)^q (max > 0)", check=equal_check),
        Step(None, at(_sum(1)), "<=",
             why="x ↦ max (x/n)^(1/q) is increasing and S ≤ Σ_u 1: (m_u/max)^q ≤ 1 term-wise since m_u ≤ max",
             check=monotone_image(at, _S(qq), _sum(1), below_max, "x -> c max (x/n)^(1/q)")),
        Step(None, c * top, why="Σ_u 1 = n", check=equal_check),
    )
    return lower, upper


_C = N_ ** eta  # n^η
_LOW_INF = _C * N_ ** (-1 / qpos) * vmax(mpos)
_UP_INF = _C * vmax(mpos)
_low_chain, _up_chain = bound_chains(_C, P(mpos, qpos, eta), qpos)
LIMIT_MAX_STEPS = (
    Squeeze(_LOW_INF, _UP_INF, _low_chain, _up_chain,
            why="n^η n^(−1/q) max ≤ P(q, η) ≤ n^η max (S = Σ_u (m_u/max)^q ∈ [1, n]); n^(−1/q) → 1"),
)
BOUNDS_CHAINS = bound_chains(sp.Integer(1), M(mpos, qpos), qpos)


def _into_limit(var: Any, point: Any, d: str, value_steps: Sequence[Step]) -> tuple:
    """Enter a general proof of :mod:`~verify.aggregation.general_proofs` from the statement's left side
    ``lim P(m; q, η)``: the definition under the limit, the constant ``n^η`` out of the limit, then the
    proof's own steps (times ``n^η``)."""
    y = sp.Symbol("y")
    inner = gp.power_mean(var)
    return (
        Step(None, sp.Limit(n_ ** eta * inner, var, point, d), why="definition of P under the limit",
             check=gp.limit_of_equal(equal_check)),
        Step(None, n_ ** eta * sp.Limit(inner, var, point, d), why="the constant n^η leaves the limit (the limit "
                                                                    "exists: next steps)",
             check=gp.outer_continuous(sp.Lambda(y, n_ ** eta * y), "y -> n^eta y is continuous")),
    ) + tuple(Step(None, n_ ** eta * st.rhs, why=st.why.replace("Π", "prod"), check=scaled(n_ ** eta, st.check))
            for st in value_steps)


LIMIT_MIN_STEPS = _into_limit(qnz, -sp.oo, "+-", gp.power_mean_min_limit_steps()) + (
    Step(None, N_ ** eta * vmin(mpos), why="min_u m_u is min(m), n = |N|", check=extremum_definition),
)
LIMIT_GEO_STEPS = _into_limit(qnz, 0, "+-", gp.power_mean_zero_limit_steps()) + (
    Step(None, N_ ** eta * sp.Product(mv[u_], (u_, 1, N_)) ** (1 / N_), why="the messages m_u, u = 1..|N|",
         check=equal_check),
    Step(None, N_ ** eta * gmean(mpos), why="(prod_u m_u)^(1/n) is the geometric mean", check=extremum_definition),
)


# --- the power-mean inequality: d/dq log M_q = KL(w ‖ uniform)/q² ≥ 0 ---------------------------------------
_v = sp.Symbol("v", integer=True, positive=True)
_Z = sp.Sum(mb[_v] ** qnz, (_v, 1, n_))
_W = mb[u_] ** qnz / _Z
KL = sp.Sum(_W * sp.log(n_ * _W), (u_, 1, n_))


def log_derivative_check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
    """``Step.check``: ``d/dq log M_q(m)`` (general ``n``, SymPy's ``diff`` of the sum) equals ``rhs``
    (normalised: logs of positive factors expanded, constants out of the sums)."""
    if not isinstance(lhs, sp.Derivative):
        return None, "the left side is not a derivative"
    d = sp.expand_log(lhs.doit(), force=False)
    r = sp.sympify(rhs).doit()
    gap = sp.expand(sp.expand_log(_pull_constants(sp.expand(d - r)), force=False))
    if gap == 0:
        return True, "diff of the sum; logs of positive factors expanded"
    z = sp.Dummy("Z", positive=True)
    gap2 = sp.simplify(sp.expand(sp.expand_log(_pull_constants(gap.xreplace({_Z: z})).xreplace(
        {_Z.xreplace({_v: u_}): z}), force=False)))
    if gap2 == 0:
        return True, "diff of the sum; constants out of the sums; logs of positive factors expanded"
    return None, f"not shown equal: {sp.sstr(gap2)[:80]}"


def gibbs_check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
    """``Step.check`` for ``0 <= Σ_u w_u log(n w_u)`` with ``w_u > 0``, ``Σ_u w_u = 1`` (checked from the
    sum's own terms): term-wise ``w log(nw) ≥ w − 1/n`` (``w = e^τ/n``, both signs of ``τ``, by
    monotonicity), summed: ``≥ Σ_u w_u − 1 = 0``."""
    if sp.sympify(lhs) != 0 or not isinstance(rhs, sp.Sum):
        return None, "expected 0 <= a sum"
    f = rhs.function
    (v, lo, hi), = rhs.limits
    if not (isinstance(f, sp.Mul) and any(isinstance(a, sp.log) for a in f.args)):
        return None, "the terms are not w log(n w)"
    lg = next(a for a in f.args if isinstance(a, sp.log))
    w = sp.simplify(f / lg)
    if lo != 1 or sp.simplify(lg.args[0] - hi * w) != 0:
        return None, "the terms are not w log(n w)"
    if not th._generic(w, v).is_positive:
        return None, "the weights are not shown positive"
    total = _pull_constants(sp.Sum(w, (v, lo, hi)))
    z = sp.Dummy("Z", positive=True)
    if sp.simplify(total.xreplace({_Z: z}).xreplace({_Z.xreplace({_v: v}): z}) - 1) != 0 and \
            sp.simplify(total - 1) != 0:
        return None, f"the weights do not sum to 1: {sp.sstr(total)[:60]}"
    s = sp.Symbol("s", nonnegative=True)
    nn = sp.Symbol("n", integer=True, positive=True)
    for tau in (s, -s):
        ww = sp.exp(tau) / nn
        ok, why = th.prove_nonneg(ww * sp.log(nn * ww) - ww + 1 / nn, s)
        if not ok:
            return None, f"the term-wise Gibbs inequality is not shown: {why}"
    return True, "w log(nw) >= w - 1/n term-wise (w = e^tau/n, both signs of tau); sum: >= sum w - 1 = 0"


def monotone_in_q(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
    """``Step.check`` for ``M_a(m) <= M_b(m)``: the same positive messages, ``b − a > 0`` from the
    assumptions, and ``q ↦ M_q`` non-decreasing on ``R`` (the lemmas: ``d/dq log M_q = KL/q² ≥ 0`` for
    ``q ≠ 0``; ``M_q`` is continuous at ``0``, claim ``agg.pm.limit_geometric``)."""
    if not (isinstance(lhs, M) and isinstance(rhs, M) and lhs.args[0] == rhs.args[0]):
        return None, "expected M_a(m) <= M_b(m) for the same messages"
    v = lhs.args[0]
    if not (isinstance(v, VectorSymbol) and v.element.get("positive")):
        return None, "the messages are not positive"
    if not (rhs.args[1] - lhs.args[1]).is_positive:
        return None, "b - a > 0 not shown"
    return True, "b > a and M_q is non-decreasing in q (lemmas: log-derivative KL/q^2 >= 0; continuous at 0)"


_LOGM = sp.log(gp.power_mean(qnz))
MONOTONE_STEPS = (
    Step(sp.Derivative(_LOGM, qnz), KL / qnz ** 2, lemma=True,
         why="d/dq log M_q = KL(w ‖ uniform)/q², w_u = m_u^q / Σ_v m_v^q", check=log_derivative_check),
    Step(sp.Integer(0), KL, "<=", lemma=True, why="Gibbs: KL ≥ 0 (w log(nw) ≥ w − 1/n term-wise, Σ w = 1)",
         check=gibbs_check),
    Step(M(mpos, q), M(mpos, q + s_), "<=", why="log M_q is non-decreasing on q ≠ 0 (lemmas) and M_q is continuous at "
                                        "q = 0 (agg.pm.limit_geometric); s > 0", check=monotone_in_q),
)


# --- zero messages --------------------------------------------------------------------------------------------
def _zeros_chains() -> tuple:
    top = vmax(mpos)
    # part 1: q < 0, ε → 0+: 0 <= M_q(ε, m) <= (n+1)^(−1/q) ε
    f1 = Mz(eps, mpos, qneg)
    up1 = (N_ + 1) ** (-1 / qneg) * eps
    full = eps ** qneg + _sum(mv[u_] ** qneg)
    at1 = lambda x: (x / (N_ + 1)) ** (1 / qneg)  # noqa: E731
    sq1 = Squeeze(
        sp.Integer(0), up1,
        (Step(None, f1, "<=", why="a power mean of non-negative messages is >= 0", check=nonneg_check),),
        (Step(f1, at1(full), why="definition (n + 1 messages)", check=equal_check),
         Step(None, at1(eps ** qneg), "<=", why="x ↦ (x/(n+1))^(1/q) is decreasing for q < 0 and "
                                              "ε^q ≤ ε^q + Σ_u m_u^q", check=monotone_image(
                                                  at1, full, eps ** qneg, nonneg_gap, "x -> (x/(n+1))^(1/q)")),
         Step(None, up1, why="(ε^q)^(1/q) = ε", check=equal_check)),
        why="0 ≤ M_q(ε, m) ≤ (n+1)^(−1/q) ε for q < 0 (the sum is at least its term ε^q)")
    # part 2: q = 0, ε → 0+: M_0(ε, m) = (ε Π m_u)^(1/(n+1)) = ε^(1/(n+1)) G^(n/(n+1))
    f2 = Mz(eps, mpos, 0)
    up2 = eps ** (1 / (N_ + 1)) * gmean(mpos) ** (N_ / (N_ + 1))
    sq2 = Squeeze(
        sp.Integer(0), up2,
        (Step(None, f2, "<=", why="a geometric mean of non-negative messages is >= 0", check=nonneg_check),),
        (Step(f2, (eps * sp.Product(mv[u_], (u_, 1, N_))) ** (1 / (N_ + 1)), why="definition at q = 0",
              check=equal_check),
         Step(None, up2, "<=", why="(ε prod_u m_u)^(1/(n+1)) = ε^(1/(n+1)) ((prod_u m_u)^(1/n))^(n/(n+1))",
              check=equal_check)),
        why="M_0(ε, m) = ε^(1/(n+1)) G(m)^(n/(n+1))")
    # part 3: a zero message, q → 0+: 0 <= M_q(0, m) <= max e^{−log(1 + 1/n)/q}
    f3 = Mz(0, mpos, qpos)
    up3 = top * sp.exp(-sp.log(1 + 1 / N_) / qpos)
    at3 = lambda x: top * (x / (N_ + 1)) ** (1 / qpos)  # noqa: E731
    sq3 = Squeeze(
        sp.Integer(0), up3,
        (Step(None, f3, "<=", why="a power mean of non-negative messages is >= 0", check=nonneg_check),),
        (Step(f3, (_sum(mv[u_] ** qpos) / (N_ + 1)) ** (1 / qpos), why="definition; 0^q = 0 for q > 0",
              check=equal_check),
         Step(None, at3(_S(qpos)), why="m_u^q = max^q (m_u/max)^q", check=equal_check),
         Step(None, at3(_sum(1)), "<=", why="x ↦ max (x/(n+1))^(1/q) increasing, (m_u/max)^q ≤ 1",
              check=monotone_image(at3, _S(qpos), _sum(1), below_max, "x -> max (x/(n+1))^(1/q)")),
         Step(None, up3, why="(n/(n+1))^(1/q) = exp(−log(1 + 1/n)/q)", check=equal_check)),
        why="0 ≤ M_q(0, m) ≤ max (n/(n+1))^(1/q) → 0 as q → 0+")
    return ((sq1,), (sq2,), (sq3,))


ZEROS_CHAINS = _zeros_chains()


# --------------------------------------------------------------------------------------------------
# instances and rates
# --------------------------------------------------------------------------------------------------

_LADDER_INF = [{mpos: RANDOM, eta: 0}, {mpos: TIES, eta: 1}, {mpos: SPREAD, eta: "0.5"}]
_EXACT = [{mpos: ("1", "2"), eta: 1}, {mpos: ("1", "2", "2"), eta: 0}]
_FLOAT = [{mpos: RANDOM, eta: 0}, {mpos: TIES, eta: 1}]
#: q → +∞: 0 ≤ n^η(max − M_q) ≤ n^η max (1 − n^(−1/q)) ≤ n^η max log(n)/q
_RATE_INF = card(mpos) ** eta * vmax(mpos) * sp.log(card(mpos)) / qpos
#: q → −∞: 0 ≤ n^η(M_q − min) ≤ n^η min (n^(1/|q|) − 1)
_RATE_MINF = card(mpos) ** eta * vmin(mpos) * (card(mpos) ** (-1 / qnz) - 1)
#: q → 0: |log M_q − log G| ≤ |q| D²/8 (D = log(max/min), Popoviciu), so |M_q − G| ≤ max |q| D²/8 (times n^η)
_RATE_ZERO = card(mpos) ** eta * vmax(mpos) * sp.Abs(qnz) * sp.log(vmax(mpos) / vmin(mpos)) ** 2 / 8


# --------------------------------------------------------------------------------------------------
# the claims
# --------------------------------------------------------------------------------------------------

_Q1_STEPS = (
    Step(None, N_ ** eta * _sum(mv[u_]) / N_, why="definition at q = 1: x^1 = x, x^(1/1) = x", check=equal_check),
    Step(None, N_ ** (eta - 1) * _sum(mv[u_]), why="n^η / n = n^(η−1)", check=equal_check),
    Step(None, N_ ** (eta - 1) * vsum(mpos), why="the sum of the messages", check=equal_check),
)
Q1_MEAN = Claim(
    id="agg.pm.q1_mean", source="Ex 2b (theory)",
    title="Power mean aggregation at q = 1 is n^(η-1) Σ m (η=1: sum, η=0: mean)",
    display=r"P(1,\eta) = |\mathcal N|^{\eta-1}\sum_u m_u",
    statement=Rel(P(mpos, 1, eta), card(mpos) ** (eta - 1) * vsum(mpos)),
    recorded="holds",
    derivation=_Q1_STEPS,
    evidence=[
        derivation_evidence(_Q1_STEPS, label="general_n"),
        at_points([{mpos: RANDOM, eta: 0}, {mpos: RANDOM, eta: 1}, {mpos: SPREAD, eta: 1}, {mpos: TIES, eta: "0.5"}]),
        power_mean_limit_float_evidence(_FLOAT, label="float"),
    ],
    mutants=(
        Mutant("eta_exponent", Rel(P(mpos, 1, eta), card(mpos) ** eta * vsum(mpos)),
               why="off by one in the exponent: n^η Σ m (the sum where the mean is meant)"),
        Mutant("no_eta", Rel(P(mpos, 1, eta), vsum(mpos) / card(mpos)),
               why="the factor n^η dropped: the plain mean"),
    ),
    depth="general", depth_note="for every n: the definition at q = 1",
)

LIMIT_MAX = Claim(
    id="agg.pm.limit_max", source="Ex 2b (theory)",
    title="Power mean tends to max as q → +∞ (squeeze 1 ≤ S^(1/q) ≤ n^(1/q))",
    display=r"\lim_{q\to\infty} P(q,\eta) = |\mathcal N|^{\eta}\max_u m_u",
    statement=Lim(P(mpos, qpos, eta), qpos, sp.oo, card(mpos) ** eta * vmax(mpos)),
    recorded="holds", assumptions=(r"m_u > 0", r"q > 0"),
    derivation=LIMIT_MAX_STEPS,
    evidence=[
        derivation_evidence(LIMIT_MAX_STEPS, label="general_n", budget=40),
        limit_ladder(_LADDER_INF, rate=_RATE_INF, label="ladder",
                     description="|P(q) − n^η max| as q → ∞, against n^η max log(n)/q"),
        exact_limit(_EXACT, label="exact"),
        power_mean_limit_float_evidence(_FLOAT, label="float"),
    ],
    mutants=(
        Mutant("value_min", Lim(P(mpos, qpos, eta), qpos, sp.oo, card(mpos) ** eta * vmin(mpos)),
               why="the limit value changed: min where max is meant"),
        Mutant("value_no_eta", Lim(P(mpos, qpos, eta), qpos, sp.oo, vmax(mpos)),
               why="the limit value changed: the factor n^η dropped"),
        Mutant("expr_inverse_q", Lim(P(mpos, 1 / qpos, eta), qpos, sp.oo, card(mpos) ** eta * vmax(mpos)),
               why="the squeezed expression changed: S^(1/q) read as S^q (the exponent inverted, M_{1/q})"),
        Mutant("expr_sign_q", Lim(P(mpos, -qpos, eta), qpos, sp.oo, card(mpos) ** eta * vmax(mpos)),
               why="the squeezed expression changed: M_{−q} (the sign of the exponent)"),
    ),
    depth="general",
    depth_note="squeeze for every n: n^η n^(−1/q) max ≤ P ≤ n^η max, both bounds checked step by step",
    note=r"With $M = \max_u m_u > 0$: $M_q = M\,(S/n)^{1/q}$, $S = \sum_u (m_u/M)^q \in [1, n]$ (the maximiser's "
         r"term is $1$, every term is $\le 1$). Rate: $0 \le M - M_q \le M(1 - n^{-1/q}) \le M \log(n)/q$, "
         r"the ladder's predicted bound.",
)

LIMIT_MIN = Claim(
    id="agg.pm.limit_min", source="Ex 2b (theory)",
    title="Power mean tends to min as q → −∞ (positive entries)",
    display=r"\lim_{q\to-\infty} P(q,\eta) = |\mathcal N|^{\eta}\min_u m_u",
    statement=Lim(P(mpos, qnz, eta), qnz, -sp.oo, card(mpos) ** eta * vmin(mpos)),
    recorded="holds", assumptions=(r"m_u > 0",),
    derivation=LIMIT_MIN_STEPS,
    evidence=[
        derivation_evidence(LIMIT_MIN_STEPS, label="general_n", budget=40),
        limit_ladder([{mpos: RANDOM, eta: 0}, {mpos: SPREAD, eta: 1}], rate=_RATE_MINF, label="ladder",
                     description="|P(q) − n^η min| as q → −∞, against n^η min (n^(1/|q|) − 1)"),
        exact_limit(_EXACT, label="exact"),
        power_mean_limit_float_evidence(_FLOAT, label="float"),
    ],
    mutants=(
        Mutant("value_max", Lim(P(mpos, qnz, eta), qnz, -sp.oo, card(mpos) ** eta * vmax(mpos)),
               why="the limit value changed: max where min is meant"),
        Mutant("value_no_eta", Lim(P(mpos, qnz, eta), qnz, -sp.oo, vmin(mpos)),
               why="the limit value changed: the factor n^η dropped"),
    ),
    depth="general",
    depth_note="for every n, from M_{−q}(m) = 1/M_q(1/m) and the max limit (agg.pm.limit_max) for 1/m",
    note=r"$M_{-q}(m) = 1/M_q(1/m)$; rate $0 \le M_q - \min \le \min\,(n^{1/|q|} - 1)$.",
)

LIMIT_GEOMETRIC = Claim(
    id="agg.pm.limit_geometric", source="Ex 2b (theory)",
    title="Power mean tends to the geometric mean as q → 0",
    display=r"\lim_{q\to0} P(q,\eta) = |\mathcal N|^{\eta}\Big(\prod_u m_u\Big)^{1/|\mathcal N|}",
    statement=Lim(P(mpos, qnz, eta), qnz, 0, card(mpos) ** eta * gmean(mpos)),
    recorded="holds", assumptions=(r"m_u > 0",),
    derivation=LIMIT_GEO_STEPS,
    evidence=[
        derivation_evidence(LIMIT_GEO_STEPS, label="general_n", budget=40),
        limit_ladder([{mpos: RANDOM, eta: 0}, {mpos: SPREAD, eta: 1}], rate=_RATE_ZERO, label="ladder",
                     description="|P(q) − n^η G| as q → 0±, against n^η max |q| log(max/min)²/8"),
        exact_limit(_EXACT, label="exact"),
        power_mean_limit_float_evidence(_FLOAT, label="float"),
    ],
    mutants=(
        Mutant("value_mean", Lim(P(mpos, qnz, eta), qnz, 0, card(mpos) ** (eta - 1) * vsum(mpos)),
               why="the limit value changed: the arithmetic mean (the value at q = 1) for the geometric one"),
        Mutant("value_root_n", Lim(P(mpos, qnz, eta), qnz, 0, card(mpos) ** eta * gmean(mpos) ** card(mpos)),
               why="the limit value changed: the 1/n-th root dropped (the product of the messages)"),
    ),
    depth="general", depth_note="for every n: g(q)/q → g'(0) with g(q) = log((1/n) Σ_u m_u^q), g(0) = 0",
    note=r"$M_q = \exp(g(q)/q)$, $g(q) = \log\frac1n\sum_u m_u^q$, $g(0) = 0$, so $g(q)/q \to g'(0) = "
         r"\frac1n\sum_u\log m_u$. Rate: $g'' = \operatorname{Var}_w(\log m) \le D^2/4$ ($D = \log(\max/\min)$, "
         r"Popoviciu), so $|M_q - G| \le \max\,|q|\,D^2/8$.",
)

_HARM_STEPS = (
    Step(None, N_ ** eta * (_sum(mv[u_] ** -1) / N_) ** -1, why="definition at q = −1", check=equal_check),
    Step(None, N_ ** eta * N_ / _sum(1 / mv[u_]), why="(x/n)^(−1) = n/x", check=equal_check),
    Step(None, N_ ** eta * N_ / hsum(mpos), why="the sum of the reciprocals", check=equal_check),
)
HARMONIC = Claim(
    id="agg.pm.harmonic", source="Ex 2b (theory)",
    title="At q = -1 the power mean is the harmonic mean",
    display=r"P(-1,\eta) = |\mathcal N|^{\eta}\,\frac{|\mathcal N|}{\sum_u 1/m_u}",
    statement=Rel(P(mpos, -1, eta), card(mpos) ** eta * card(mpos) / hsum(mpos)),
    recorded="holds", assumptions=(r"m_u > 0",),
    derivation=_HARM_STEPS,
    evidence=[
        derivation_evidence(_HARM_STEPS, label="general_n"),
        at_points([{mpos: RANDOM, eta: 0}, {mpos: SPREAD, eta: 1}, {mpos: TIES, eta: "0.5"}]),
        power_mean_limit_float_evidence(_FLOAT, label="float"),
    ],
    mutants=(
        Mutant("no_n", Rel(P(mpos, -1, eta), card(mpos) ** eta / hsum(mpos)),
               why="the factor n dropped: 1/Σ_u (1/m_u)"),
        Mutant("arithmetic", Rel(P(mpos, -1, eta), card(mpos) ** (eta - 1) * vsum(mpos)),
               why="the arithmetic mean (q = +1) for the harmonic one"),
    ),
    depth="general", depth_note="for every n: the definition at q = −1",
)

_MONO_INSTANCES = [
    {mpos: RANDOM, q: -3, s_: 1}, {mpos: RANDOM, q: "-0.5", s_: "0.5"}, {mpos: RANDOM, q: "0.5", s_: "99.5"},
    {mpos: TIES, q: -100, s_: 97}, {mpos: TIES, q: 1, s_: 1}, {mpos: SPREAD, q: -1, s_: 1},
    {mpos: SPREAD, q: 2, s_: 98}, {mpos: ("0.5", "0.5", "2"), q: 0, s_: "0.5"},
    {mpos: ("1.7", "1.7", "1.7", "1.7"), q: -7, s_: 8}, {mpos: ("1.7", "1.7", "1.7", "1.7"), q: "0.5", s_: "8.5"},
    {mpos: ("3",), q: -1, s_: 2},
]
MONOTONE = Claim(
    id="agg.pm.monotone", source="Ex 2b (theory)",
    title="Power-mean inequality: M_q is non-decreasing in q, strictly unless all m_u are equal",
    display=r"q < r \Rightarrow M_q(m) \le M_r(m),\ \text{equality iff } m_1 = \dots = m_n",
    statement=All(Rel(M(mpos, q), M(mpos, q + s_), "<="),
                  Rel(sp.sign(M(mpos, q + s_) - M(mpos, q)), sp.sign(vmax(mpos) - vmin(mpos)))),
    recorded="holds", assumptions=(r"m_u > 0", r"q \in \mathbb R,\ r = q + s,\ s > 0"),
    reading="r = q + s with s > 0; \"equality iff all equal\" is the second part: the sign of M_r − M_q is the "
            "sign of max_u m_u − min_u m_u (0 iff all m_u are equal).",
    derivation=MONOTONE_STEPS,
    evidence=[
        derivation_evidence(MONOTONE_STEPS, label="general_n", part=0, budget=40),
        at_points(_MONO_INSTANCES, label="grid"),
    ],
    mutants=(
        Mutant("reversed", All(Rel(M(mpos, q), M(mpos, q + s_), ">="),
                               Rel(sp.sign(M(mpos, q + s_) - M(mpos, q)), sp.sign(vmax(mpos) - vmin(mpos)))),
               why="the direction of the inequality reversed"),
        Mutant("strict_always", All(Rel(M(mpos, q), M(mpos, q + s_), "<"),
                                    Rel(sp.sign(M(mpos, q + s_) - M(mpos, q)), 1)),
               why="strict for every m: the equality case (all m_u equal) forgotten"),
    ),
    depth="general",
    depth_note="the inequality for every n (d log M_q/dq = KL/q² ≥ 0); the equality case at instances "
               "(equal, tied, spread and single messages)",
    note=r"$\frac{d}{dq}\log M_q = \frac{1}{q^2}\sum_u w_u \log(n w_u)$ with $w_u = m_u^q/\sum_v m_v^q$: "
         r"a Kullback--Leibler divergence from the uniform distribution, $\ge 0$ by "
         r"$w\log(nw) \ge w - 1/n$ term-wise; it vanishes iff $w$ is uniform iff all $m_u$ are equal.",
)

_BOUNDS_GRID = [{mpos: mm, qpos: x} for mm in (RANDOM, TIES, SPREAD, TWO_LEVEL)
                for x in ("0.01", "0.5", "1", "3", "50")]
BOUNDS = Claim(
    id="agg.pm.bounds", source="Ex 2b (theory)",
    title="For q > 0: n^(-1/q) max ≤ M_q ≤ max",
    display=r"|\mathcal N|^{-1/q}\max_u m_u \le M_q(m) \le \max_u m_u\quad(q > 0)",
    statement=All(Rel(card(mpos) ** (-1 / qpos) * vmax(mpos), M(mpos, qpos), "<="),
                  Rel(M(mpos, qpos), vmax(mpos), "<=")),
    recorded="holds", assumptions=(r"m_u > 0", r"q > 0"),
    derivation=BOUNDS_CHAINS[0] + BOUNDS_CHAINS[1],
    evidence=[
        all_parts(BOUNDS_CHAINS),
        at_points(_BOUNDS_GRID + [{mpos: ("2", "1e-30", "1e-30"), qpos: "0.01"}], label="grid"),
    ],
    mutants=(
        Mutant("lower_exponent_sign", All(Rel(card(mpos) ** (1 / qpos) * vmax(mpos), M(mpos, qpos), "<="),
                                          Rel(M(mpos, qpos), vmax(mpos), "<=")),
               why="the sign of the exponent of n in the lower bound (n^(1/q) max)"),
        Mutant("upper_mean", All(Rel(card(mpos) ** (-1 / qpos) * vmax(mpos), M(mpos, qpos), "<="),
                                 Rel(M(mpos, qpos), vsum(mpos) / card(mpos), "<=")),
               why="the arithmetic mean as the upper bound (true for q ≤ 1 only)"),
    ),
    depth="general",
    depth_note="for every n: M_q = max (S/n)^(1/q) with S = Σ_u (m_u/max)^q ∈ [1, n]",
    note=r"$M_q = M\,(S/n)^{1/q}$ with $1 \le S \le n$; both bounds are attained in the limit "
         r"(one message much larger than the others: lower; all equal: upper).",
)

_NEG_CEX = {"m": ("-1", "2"), "q": "0.5"}
_NEG_POINTS = [_NEG_CEX, {"m": ("0.5", "2", "7"), "q": "0.5"}, {"m": ("0", "2"), "q": "0.5"},
               {"m": ("1", "3"), "q": "-1.5"}, {"m": ("0.25", "4"), "q": "3"}]
DOMAIN_NEGATIVE = Claim(
    id="agg.pm.domain_negative", source="Ex 2b (theory)",
    title="With a negative message and non-integer q the power mean is not real",
    display=r"M_q(m) \in \mathbb R \text{ for all } m \in \mathbb R^n,\ q \in \mathbb R\setminus\{0\}",
    statement=Rel(ImM(m, qnz), 0),
    recorded="refuted",
    reading="M_q(m) ∈ ℝ means: the imaginary part of ((1/n) Σ_u m_u^q)^(1/q), principal branches, is 0.",
    evidence=[
        in_domain(_first_counterexample(r"\[ m=(-1,2),\ q=\tfrac12:\ M_q = \big(\tfrac{i+\sqrt2}{2}\big)^2 "
                               r"= \tfrac{1 + 2\sqrt2\, i}{4} \notin \mathbb R \]"),
                  _NEG_POINTS, "counterexample",
                  description="counterexample m = (-1, 2), q = 1/2 (arb, complex balls); candidates in the domain"),
        in_domain(lambda insts: at_points(insts), _NEG_POINTS + [
            {"m": ("-2", "-1", "3"), "q": "1.5"}, {"m": ("2", "0.5"), "q": "-0.5"},
            {"m": ("0.1", "0.2", "0.3", "0.4"), "q": "2.5"}], "mpmath", label="points",
                  description="the statement at negative and non-negative messages (those in its domain)"),
    ],
    mutants=(
        Mutant("domain_nonneg", Rel(ImM(mnn, qnz), 0),
               why="the nearest true statement: the domain m_u ≥ 0 (then every term m_u^q > 0 or = 0 is real)"),
    ),
    depth="general", depth_note="one certified counterexample refutes the statement for all m",
    note=r"The domain is $m_u \ge 0$ (messages after a ReLU, say); negative entries make $m_u^q$ complex.",
)

_EVEN_CEX = {m: ("-3", "1")}
DOMAIN_EVEN_Q = Claim(
    id="agg.pm.domain_even_q", source="Ex 2b (theory)",
    title="With negative messages, even integer q: M_q tends to max |m_u|, not to max m_u",
    display=r"\lim_{q\to\infty,\ q\in2\mathbb N} M_q(m) = \max_u m_u \text{ for all } m \in \mathbb R^n",
    statement=Lim(Mlit(m, 2 * k_), k_, sp.oo, vmax(m)),
    recorded="refuted",
    reading="q = 2k, k → ∞ over the integers; M_q is the formula taken literally (real at even q).",
    evidence=[
        counterexample(_EVEN_CEX, tex=r"\[ m = (-3, 1):\ M_{2k} = \big(\tfrac{9^k + 1}{2}\big)^{1/(2k)} \to 3 "
                                      r"\ne \max_u m_u = 1 \]"),
        limit_ladder([_EVEN_CEX, {m: ("-1", "2", "0.5")}, {m: ("0.5", "2")}], rungs=(1, 3, 5, 7, 9, 11),
                     label="even_q", description="M_{2k}(m) as k → ∞ against the claimed limit"),
    ],
    mutants=(
        Mutant("abs_max", Lim(Mlit(m, 2 * k_), k_, sp.oo, vmaxabs(m)),
               why="the nearest true statement: the limit over even q is max_u |m_u|"),
    ),
    depth="general", depth_note="one certified counterexample (exact limit) refutes the statement for all m",
    note=r"At even $q$, $m_u^q = |m_u|^q$: the limit is $\max_u |m_u| = 3 \ne \max_u m_u = 1$ for "
         r"$m = (-3, 1)$; the ordering no longer interpolates between min and max "
         r"($M_1(-3, 1) = -1 < M_2(-3, 1) = \sqrt5$ only because $M_2(m) = M_2(|m|)$).",
)

ZEROS = Claim(
    id="agg.pm.zeros", source="Ex 2b (theory)",
    title="Zero messages: for q < 0 and for q = 0 (geometric) the power mean is 0 by continuity",
    display=r"\exists u: m_u = 0 \Rightarrow \lim_{\varepsilon\to0^+} M_q(m|_{m_u=\varepsilon}) = 0 "
            r"\ (q<0),\quad \lim_{q\to0^+} M_q(m) = 0",
    statement=All(Lim(Mz(eps, mpos, qneg), eps, 0, 0, "+"), Lim(Mz(eps, mpos, 0), eps, 0, 0, "+"),
                  Lim(Mz(0, mpos, qpos), qpos, 0, 0, "+")),
    recorded="holds", assumptions=(r"m_u > 0 \text{ for the other } n \text{ messages}",),
    reading="M_q(ε, m) is the power mean of the n + 1 messages (ε, m_1, …, m_n): the message that is 0 comes "
            "first; the three limits are q < 0 and q = 0 (geometric mean) as ε → 0+, and q → 0+ at a zero message.",
    derivation=ZEROS_CHAINS[0] + ZEROS_CHAINS[1] + ZEROS_CHAINS[2],
    evidence=[
        all_parts(ZEROS_CHAINS),
        limit_ladder([{mpos: ("1", "2"), qneg: -1}, {mpos: ("1", "2"), qneg: "-2.5"}, {mpos: SPREAD, qneg: "-0.5"}],
                     rungs=(2, 8, 16, 24, 32, 40), label="ladder"),
        exact_limit([{mpos: ("1", "2"), qneg: -1}, {mpos: ("1", "2", "5"), qneg: "-2.5"}], label="exact"),
    ],
    mutants=(
        Mutant("geometric_ignores_zero", All(Lim(Mz(eps, mpos, qneg), eps, 0, 0, "+"),
                                             Lim(Mz(eps, mpos, 0), eps, 0, gmean(mpos), "+"),
                                             Lim(Mz(0, mpos, qpos), qpos, 0, 0, "+")),
               why="the geometric mean of the other messages (the zero ignored)"),
        Mutant("q0_limit_min", All(Lim(Mz(eps, mpos, qneg), eps, 0, 0, "+"), Lim(Mz(eps, mpos, 0), eps, 0, 0, "+"),
                                   Lim(Mz(0, mpos, qpos), qpos, 0, vmin(mpos), "+")),
               why="q → 0+ at a zero message tends to the smallest non-zero message"),
    ),
    depth="general", depth_note="three squeezes for every n",
    note=r"For $q<0$: $\sum_v m_v^q \ge \varepsilon^q$, so $M_q \le (n+1)^{1/|q|}\varepsilon$. For $q = 0$: "
         r"$M_0 = \varepsilon^{1/(n+1)} G^{n/(n+1)}$. For $q\to0^+$ with a zero among the $n+1$ messages: "
         r"$M_q \le \max\cdot(n/(n+1))^{1/q} \to 0$.",
)

CLAIMS = [Q1_MEAN, LIMIT_MAX, LIMIT_MIN, LIMIT_GEOMETRIC, HARMONIC, MONOTONE, BOUNDS, DOMAIN_NEGATIVE,
          DOMAIN_EVEN_Q, ZEROS]
