r"""Claims ``agg.seed.2a*``: the seed's derivation of Ex 2a, step by step.

Every claim's ``statement`` is a SymPy statement (:mod:`verify.core.statement`) and every piece of evidence
is computed from it, so a mutant statement runs through the very same evidence.  The seed's LaTeX stays in
``display``; where the seed's statement is structural or a judgement, ``reading`` says which precise reading
is checked.

Quantities beyond :mod:`verify.aggregation.quantities` (defined here):

=========================  ================================================================================
``sumexp(σ, λ)``           ``Σ_i e^{λσ_i}``
``dlse(σ, λ, i)``          ``∂ lse(σ; λ)/∂σ_i`` (mpmath: numerical derivative; exact: SymPy's derivative)
``comp(m, i)``             ``m_i`` (1-based)
``amax(m, i)``             ``[m_i = max_u m_u]``: the component of ``e_{argmax}`` (indicator of the maximisers)
``nmax(m)``                the number of maximisers ``k``
``gap(m)``                 ``Δ`` = max − the second largest distinct value (0 if all equal)
``dmax_r/dmax_l(m, i)``    the right / left partial derivative of ``max`` in ``m_i``: the exact difference
                           quotient with a step below every nonzero gap (``max`` is linear there)
``ncard(v)``               ``card`` printed with its exponent (``|N|^η``, ``|σ|``)
``Exists(f, λ, p)``        a :class:`Lim` with ``value=None``: "the limit exists and is finite"
=========================  ================================================================================

Evidence builders beyond the core (all read the proposition they are run on): :func:`_implication` (a theorem
"hypotheses ⇒ conclusion" tested on one family), :func:`_tie_patterns` (exact limits for every tie pattern of
n symbolic messages), :func:`_derivative_points` (relations with ``Derivative`` nodes, differentiated
numerically by mpmath).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Sequence

import mpmath
import sympy as sp

from verify.core.claim import Claim, Evidence, Mutant, Outcome, Prop, Step
from verify.core.evaluate import CannotEvaluate, _arb_extreme, evaluate
from verify.core.numeric import at_points, certify_violation, counterexample, exact_limit, fmt, limit_ladder
from verify.core.statement import All, Lim, Rel, VectorSymbol, describe_instance, explicit, instantiate, quantity
from verify.core.symbolic import derivation_evidence, is_zero, prove

from .. import theory as th
from ..quantities import S, card, eta, lam, lse, m, n_, sam, sigma, u_, vmax, vsum
from .inputs import RANDOM, TIES

try:
    import flint
except ImportError:  # pragma: no cover
    flint = None

mpf = mpmath.mpf


# ==================================================================================================
# extra quantities
# ==================================================================================================


def _k(i: Any) -> int:
    """A 1-based index (mpf or arb) as a 0-based Python int."""
    if hasattr(i, "unique_fmpz"):
        z = i.unique_fmpz()
        if z is None:
            raise CannotEvaluate(f"index {i} is not an exact integer")
        return int(z) - 1
    return int(i) - 1


def _vals(v: Any) -> list:
    if isinstance(v, sp.Tuple):
        return list(v.args)
    raise TypeError("explicit forms need a concrete tuple")


def _frac(x: Any) -> Fraction:
    """The exact binary value of an mpf."""
    x = mpf(x)
    man, exp = x.man_exp  # the mantissa is unsigned
    return (-1 if x < 0 else 1) * Fraction(int(man)) * (Fraction(2) ** int(exp))


def _mp_of(q: Fraction) -> Any:
    return mpf(q.numerator) / q.denominator


def _mp_one_sided(m_: tuple, i: Any, side: int) -> Any:
    """(max(m + s h e_i) − max(m)) / (s h), exact in rationals, with h half the smallest nonzero gap:
    max is linear on that step, so the quotient *is* the one-sided partial derivative."""
    xs, k = [_frac(x) for x in m_], _k(i)
    gaps = [abs(a - b) for a in xs for b in xs if a != b]
    h = (min(gaps) / 2 if gaps else Fraction(1)) * side
    ys = list(xs)
    ys[k] += h
    return _mp_of((max(ys) - max(xs)) / h)


def _arb_one_sided(m_: tuple, i: Any, side: int) -> Any:
    k = _k(i)
    mids = [_frac(mpf(x.mid().str(40, radius=False))) for x in m_]
    gaps = [abs(a - b) for a in mids for b in mids if a != b]
    hq = min(gaps) / 4 if gaps else Fraction(1)
    h = flint.arb(hq.numerator) / hq.denominator * side
    ys = list(m_)
    ys[k] = ys[k] + h
    return (_arb_extreme(ys, True) - _arb_extreme(list(m_), True)) / h


def _explicit_one_sided(m_: Any, i: Any, side: int) -> Any:
    xs, k = _vals(m_), int(i) - 1
    top = sp.Max(*xs)
    if side > 0:  # right: 1 iff m_i is a maximiser
        return sp.Integer(1 if sp.simplify(xs[k] - top) == 0 else 0)
    others = [x for j, x in enumerate(xs) if j != k]  # left: 1 iff m_i is the unique maximiser
    return sp.Integer(1 if all((xs[k] - x).is_positive for x in others) else 0)


dmax_r = quantity("dmax_r", lambda m_, i: _mp_one_sided(m_, i, 1), arb=lambda m_, i: _arb_one_sided(m_, i, 1),
                  explicit=lambda m_, i: _explicit_one_sided(m_, i, 1), nargs=2,
                  latex=r"\partial^{{+}}_{{{0}_{{{1}}}}}\max({0})", text="d+max({0})/d{0}_{1}")
dmax_l = quantity("dmax_l", lambda m_, i: _mp_one_sided(m_, i, -1), arb=lambda m_, i: _arb_one_sided(m_, i, -1),
                  explicit=lambda m_, i: _explicit_one_sided(m_, i, -1), nargs=2,
                  latex=r"\partial^{{-}}_{{{0}_{{{1}}}}}\max({0})", text="d-max({0})/d{0}_{1}")


def _arb_amax(m_: tuple, i: Any) -> Any:
    k = _k(i)
    ge = [m_[k] >= x for x in m_]
    if all(ge):
        return flint.arb(1)
    if any(m_[k] < x for x in m_):
        return flint.arb(0)
    raise CannotEvaluate("arb cannot decide whether m_i is a maximiser (overlapping balls)")


amax = quantity("amax", lambda m_, i: mpf(1 if m_[_k(i)] == max(m_) else 0), arb=_arb_amax,
                explicit=lambda m_, i: sp.Integer(1 if sp.simplify(_vals(m_)[int(i) - 1] - sp.Max(*_vals(m_))) == 0
                                                  else 0),
                nargs=2, latex=r"(e_{{\arg\max {0}}})_{{{1}}}", text="e_argmax({0})_{1}")


def _arb_nmax(m_: tuple) -> Any:
    top = _arb_extreme(list(m_), True)
    count = 0
    for x in m_:
        if x >= top:
            count += 1
        elif not x < top:
            raise CannotEvaluate("arb cannot count the maximisers (overlapping balls)")
    return flint.arb(count)


nmax = quantity("nmax", lambda m_: mpf(sum(1 for x in m_ if x == max(m_))), arb=_arb_nmax,
                explicit=lambda m_: sp.Integer(sum(1 for x in _vals(m_) if sp.simplify(x - sp.Max(*_vals(m_))) == 0)),
                nargs=1, latex=r"\#\arg\max {0}", text="#argmax({0})", integer=True, positive=True)
gap = quantity("gap", lambda m_: th.gap_structure(m_)[2], nargs=1, latex=r"\Delta({0})", text="Delta({0})",
               nonnegative=True)
comp = quantity("comp", lambda m_, i: m_[_k(i)], arb=lambda m_, i: m_[_k(i)],
                explicit=lambda m_, i: _vals(m_)[int(i) - 1], nargs=2, latex=r"{0}_{{{1}}}", text="{0}_{1}")


def _sumexp_mp(s: tuple, l: Any) -> Any:
    return mpmath.fsum(mpmath.exp(l * x) for x in s)


def _sumexp_arb(s: tuple, l: Any) -> Any:
    out = flint.arb(0)
    for x in s:
        out = out + (l * x).exp()
    return out


sumexp = quantity("sumexp", _sumexp_mp, arb=_sumexp_arb, nargs=2,
                  latex=r"\sum_i e^{{{1} {0}_i}}", text="sum_i exp({1}*{0}_i)",
                  unfold=lambda s, l: sp.Sum(sp.exp(l * sp.IndexedBase(str(s), real=True)[u_]), (u_, 1, n_)),
                  explicit=lambda s, l: sp.Add(*[sp.exp(l * x) for x in _vals(s)]))


def _dlse_mp(s: tuple, l: Any, i: Any) -> Any:
    k = _k(i)
    with mpmath.extradps(20):
        val = mpmath.diff(lambda x: th.lse(s[:k] + (x,) + s[k + 1:], l), s[k])
    return +val


def _dlse_explicit(s: Any, l: Any, i: Any) -> Any:
    vals, k = _vals(s), int(i) - 1
    xs = sp.symbols(f"x1:{len(vals) + 1}", real=True)
    form = sp.diff(sp.log(sp.Add(*[sp.exp(l * x) for x in xs])) / l, xs[k])
    return form.xreplace(dict(zip(xs, vals)))


dlse = quantity("dlse", _dlse_mp, explicit=_dlse_explicit, nargs=3,
                latex=r"\partial_{{{0}_{{{2}}}}}\operatorname{{lse}}\left({0}; {1}\right)",
                text="d lse({0}; {1})/d{0}_{2}")

class Exists(Lim):
    """``lim_{var -> point} expr`` exists and is finite (a :class:`Lim` with ``value=None``).

    Works around the core :class:`Lim`, whose ``subs`` / ``free_symbols`` / renderings fail on ``value=None``
    (``instantiate(None)``), so that ``exact_limit`` / ``counterexample`` can read an existence statement."""

    def __init__(self, expr: Any, var: Any, point: Any, dir: str = "+-"):
        super().__init__(expr, var, point, None, dir)

    def subs(self, instance: dict) -> "Exists":
        inst = {k: v for k, v in instance.items() if k != self.var}
        return Exists(instantiate(self.expr, inst), self.var, self.point, self.dir)

    def free_symbols(self) -> set:
        return set(self.expr.free_symbols) - {self.var}

    def latex(self) -> str:
        return (rf"\lim_{{{sp.latex(self.var)} \to {sp.latex(self.point)}}} {sp.latex(self.expr, order='lex')} "
                r"\text{ exists (finite)}")

    def text(self) -> str:
        return f"lim_({self.var} -> {sp.sstr(self.point)}) {sp.sstr(self.expr, order='lex')} exists (finite)"

    def __hash__(self) -> int:
        return hash(("Exists", self.expr, self.var, self.point, self.dir))


class ncard(card):  # type: ignore[misc, valid-type]
    """``card`` (the number of entries) with a LaTeX form that keeps an exponent and names its argument.

    Works around :class:`~verify.core.statement.Quantity` ``_latex``, which drops the ``exp`` SymPy's ``Pow``
    printer passes for a function base (``card(m)**eta`` would print as ``|N|``)."""

    def _latex(self, printer: Any, exp: Any = None, **kwargs: Any) -> str:
        (v,) = self.args
        base = r"|\mathcal{N}|" if str(v) == "m" else rf"|{printer._print(v)}|"
        return base if exp is None else rf"{base}^{{{exp}}}"


#: a component index (1-based) and the per-claim symbols
i_ = sp.Symbol("i", integer=True, positive=True)
x_ = sp.Symbol("x", real=True)
lp = sp.Symbol("lambda", positive=True)


# ==================================================================================================
# evidence builders (statement-bound)
# ==================================================================================================


def _abs_sin_bound(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
    """``lhs <= rhs`` where ``rhs - lhs`` is affine in ``t = |sin(·)|``: checked at ``t = 0`` and ``t = 1`` (the
    ends of the range of ``|sin|``), each by SymPy's sign assumptions."""
    d = sp.sympify(rhs) - sp.sympify(lhs)
    atoms = [a for a in d.atoms(sp.Abs) if isinstance(a.args[0], sp.sin)]
    if len(atoms) != 1:
        return None, "expects exactly one |sin(.)| in the difference"
    t = sp.Dummy("t", nonnegative=True)
    e = d.xreplace({atoms[0]: t})
    if e.has(sp.sin) or sp.simplify(sp.diff(e, t, 2)) != 0:
        return None, "the difference is not affine in |sin|"
    ends = [sp.simplify(e.subs(t, 0)), sp.simplify(e.subs(t, 1))]
    if all(v.is_nonnegative for v in ends):
        return True, "affine in t = |sin| ∈ [0, 1]; nonnegative at t = 0 and t = 1: " + ", ".join(map(sp.sstr, ends))
    if any(v.is_negative for v in ends):
        return False, "negative at an end of the range of |sin|: " + ", ".join(map(sp.sstr, ends))
    return None, "sign at the ends not shown: " + ", ".join(map(sp.sstr, ends))


def _implication(conclusion: Evidence, label: str = "", kind: str = "counterexample", description: str = "",
                 budget: float = 30.0) -> Evidence:
    """A theorem 'hypotheses ⇒ conclusion' tested on one family: the statement's parts but the last are the
    hypotheses (``Rel`` parts proved for every value of their symbols with :func:`_abs_sin_bound`; ``Lim`` parts
    by the exact limit), the last part is the conclusion, decided by ``conclusion`` (a core evidence).

    ``refuted`` (a counterexample to the theorem) only when every hypothesis is proved and the conclusion is
    refuted; ``holds`` when the hypotheses are proved and the conclusion holds; a failing hypothesis leaves the
    family no instance of the theorem (``undecided``)."""

    def run(prop: Prop) -> Outcome:
        parts = prop.statement.parts()
        hyps, concl = parts[:-1], parts[-1]
        if not hyps or not isinstance(concl, Lim):
            return Outcome("undecided", "expects hypotheses followed by a limit (the conclusion)")
        shown = []
        for k, h in enumerate(hyps, 1):
            if isinstance(h, Rel):
                out = prove(h, [Step(None, h.rhs, h.rel, why="|sin| ≤ 1", check=_abs_sin_bound)])
            else:
                out = exact_limit([{}]).run(Prop(h))
            if out.finding == "refuted":
                return Outcome("undecided", f"hypothesis {k} fails ({out.figure}): the family is no instance of the "
                                            "theorem", out.detail)
            if out.finding != "holds":
                return Outcome("undecided", f"hypothesis {k} not shown: {out.figure}", out.detail)
            shown.append(f"{h.text()}: {out.figure}")
        co = conclusion.run(Prop(concl))
        fig = f"hypotheses proved for every x, λ > 0; conclusion {co.finding}: {co.figure}"
        return Outcome(co.finding, fig, "\n".join(shown) + "\nconclusion: " + (co.detail or co.figure),
                       data=co.data, tex=co.tex)

    return Evidence(kind, run, label=label, budget=budget,
                    description=description or "hypotheses proved symbolically, conclusion decided by "
                                               + conclusion.description)


def _top_ordered(pattern: Sequence[int]) -> list:
    """Symbolic messages in increasing order with the ties of ``pattern`` (block sizes), written from the top:
    ``t − d_2 − … ≤ … ≤ t − d_2 ≤ t`` with positive gaps ``d`` (every real neighbourhood of this tie
    pattern, up to order; the quantities are permutation invariant)."""
    t = sp.Symbol("t", real=True)
    ds = sp.symbols(f"d_2:{len(pattern) + 1}", positive=True)
    out, level = [], t
    for j, size in enumerate(reversed(tuple(pattern))):
        if j > 0:
            level = level - ds[j - 1]
        out.extend([level] * size)
    return out[::-1]


def _condition_subs(cond: Any) -> dict | None:
    """A condition ``Eq(symbol, value)`` as a substitution (``{}`` without a condition; ``None`` otherwise)."""
    if cond is None:
        return {}
    if isinstance(cond, sp.Equality) and isinstance(cond.lhs, sp.Symbol) and cond.rhs.is_number:
        return {cond.lhs: cond.rhs}
    return None


def _concrete_point(syms: list) -> dict:
    """A rational point for the symbols of a tie pattern: t = 1/3, gaps d_j = (j + 1)/7, any other symbol 1."""
    pt = {}
    for s in syms:
        if s.name == "t":
            pt[s] = sp.Rational(1, 3)
        elif s.name.startswith("d_"):
            pt[s] = sp.Rational(int(s.name[2:]) + 1, 7)
        else:
            pt[s] = sp.Integer(1)
    return pt


def _tie_patterns(n: int, label: str = "", about: str = "statement", budget: float = 60.0) -> Evidence:
    """Every ``Lim`` part of the statement for every tie pattern of ``n`` real messages, exactly.

    The statement's vector symbol is replaced by symbolic messages of the pattern (:func:`_top_ordered`), its
    quantities by their explicit forms, ``e^{λ(t−d)}`` split as ``e^{λt} e^{−λd}`` and the common factor
    cancelled (exact algebra), and the limit taken by SymPy's Gruntz algorithm with every other symbol (η)
    left symbolic.  Because Gruntz can go wrong with several symbolic rates, each pattern is first decided at
    a concrete rational point by the exact limit there (a difference is arb-certified: ``refuted``); the
    symbolic limit must then equal the statement's value exactly (``holds`` when every pattern does).
    Evidence about a condition ``Eq(η, 0)`` substitutes it; a dropped condition keeps η free.
    """
    from verify.aggregation.theory import tie_patterns

    def run(prop: Prop) -> Outcome:
        parts = [p for p in prop.statement.parts() if isinstance(p, Lim)]
        if not parts:
            return Outcome("undecided", "no limit in the statement")
        subs = _condition_subs(prop.condition if about == "condition" else None)
        if subs is None:
            return Outcome("undecided", f"cannot impose the condition {prop.condition} on symbolic patterns")
        pats = tie_patterns(n)
        lines = []
        for part in parts:
            vecs = sorted({s for s in part.expr.free_symbols | part.value.free_symbols if isinstance(s, VectorSymbol)},
                          key=str)
            if len(vecs) != 1:
                return Outcome("undecided", "expects exactly one vector symbol")
            for pat in pats:
                ms = _top_ordered(pat)
                inst = {vecs[0]: tuple(ms)}
                f = explicit(instantiate(part.expr, inst)).subs(subs)
                L = explicit(instantiate(part.value, inst)).subs(subs)
                syms = sorted((f.free_symbols | L.free_symbols) - {part.var}, key=str)
                for pt in (_concrete_point(syms),):
                    fc, Lc = f.xreplace(pt), L.xreplace(pt)
                    for d in part.directions():
                        try:
                            val = sp.limit(fc, part.var, part.point, d)
                        except Exception as exc:  # noqa: BLE001 - SymPy gave up: no finding
                            return Outcome("undecided", f"pattern {pat}: SymPy could not take the limit at {pt} "
                                                        f"({type(exc).__name__})")
                        if val.has(sp.Limit) or val.has(sp.AccumBounds):
                            return Outcome("undecided", f"pattern {pat}: no exact limit at {pt}")
                        if is_zero(val - Lc) is not True:
                            cert = certify_violation(Rel(val, Lc, "=="), {})
                            where = ", ".join(f"{k}={v}" for k, v in pt.items())
                            if cert["certified"]:
                                return Outcome("refuted", f"tie pattern {pat} at {where}: exact limit {sp.sstr(val)} "
                                                          f"vs claimed {sp.sstr(Lc)}; arb: {cert['text']}",
                                               data={"pattern": list(pat), "certified": True,
                                                     "enclosure": cert["text"]})
                            return Outcome("undecided", f"pattern {pat} at {where}: {sp.sstr(val)} vs {sp.sstr(Lc)}")
                c, rest = f.as_independent(part.var, as_Add=False)  # lim c g = c lim g (g with a finite limit)
                g = sp.cancel(sp.expand(rest, power_exp=True, mul=False, multinomial=False))
                for d in part.directions():
                    try:
                        val = sp.limit(g, part.var, part.point, d)
                        val = c * val if val.is_finite else sp.limit(f, part.var, part.point, d)
                    except Exception as exc:  # noqa: BLE001 - SymPy gave up: no finding
                        return Outcome("undecided", f"pattern {pat}: SymPy could not take the symbolic limit "
                                                    f"({type(exc).__name__})")
                    if val.has(sp.Limit) or is_zero(val - L) is not True:
                        return Outcome("undecided", f"pattern {pat}: symbolic limit {sp.sstr(val)} not shown equal to "
                                                    f"{sp.sstr(L)}")
                lines.append(f"ties {pat}: limit = {sp.sstr(L)}")
        return Outcome("holds", f"{len(pats)}/{len(pats)} tie patterns of n = {n} exact (symbolic values"
                       + (", η symbolic" if eta not in subs else f", η = {subs[eta]}") + ")",
                       "\n".join(lines), data={"patterns": len(pats)})

    return Evidence("symbolic", run, label=label, about=about, budget=budget,
                    description=f"exact limit for all {2 ** (n - 1)} tie patterns of {n} symbolic messages, "
                                "each also at a rational point")


def _eval_with_derivatives(expr: Any, env: dict) -> Any:
    """``evaluate`` with every ``Derivative(g, v)`` replaced by mpmath's numerical derivative of ``g`` in ``v``."""
    expr = sp.sympify(expr)
    env = dict(env)
    reps = {}
    for k, D in enumerate(sorted(expr.atoms(sp.Derivative), key=str)):
        (v, order), = D.variable_count
        inner = D.expr
        at = evaluate(v, env)
        val = mpmath.diff(lambda t, _g=inner, _v=v: evaluate(_g, {**env, _v: t}), at, int(order))
        dummy = sp.Dummy(f"D{k}")
        reps[D] = dummy
        env[dummy] = val
    return evaluate(expr.xreplace(reps), env)


def _derivative_points(instances: Sequence[dict], label: str = "", dps: Sequence[int] = (50, 80)) -> Evidence:
    """The statement's ``Rel`` parts at instances, derivatives taken numerically by mpmath (independently of
    SymPy's differentiation), at two precisions; ``refuted`` when a gap is stable across them."""
    instances = [dict(x) for x in instances]

    def run(prop: Prop) -> Outcome:
        parts = [p for p in prop.statement.parts() if isinstance(p, Rel)]
        if not parts:
            return Outcome("undecided", "no relation in the statement")
        worst = mpf(0)
        for inst in instances:
            for part in parts:
                gaps = []
                for d in dps:
                    with mpmath.workdps(d):
                        try:
                            a, b = _eval_with_derivatives(part.lhs, inst), _eval_with_derivatives(part.rhs, inst)
                        except (CannotEvaluate, ValueError, ZeroDivisionError) as exc:
                            return Outcome("undecided", f"cannot evaluate at {describe_instance(inst)}: {exc}")
                        gaps.append((a, b, abs(a - b) / max(abs(a), abs(b), mpf(1))))
                a, b, g = gaps[-1]
                where = describe_instance(inst)
                if g > mpf(10) ** (-(dps[-1] - 15)):
                    if abs(gaps[0][2] - g) <= mpf(10) ** (-(dps[0] - 15)):
                        return Outcome("refuted", f"fails at {where}: {fmt(a, 8)} vs {fmt(b, 8)}",
                                       data={"where": where, "gap": fmt(g, 4)})
                    return Outcome("undecided", f"gap still moving with precision at {where}")
                worst = max(worst, g)
        return Outcome("holds", f"{len(instances)} instances agree to {fmt(worst)} at {dps[-1]} digits "
                                "(derivatives numerical)", data={"instances": len(instances)})

    return Evidence("mpmath", run, label=label,
                    description=f"both sides at {len(instances)} instances, derivatives by mpmath.diff, "
                                f"{list(dps)} digits")


# ==================================================================================================
# inputs and shared statement pieces
# ==================================================================================================

_S01 = ("0", "1")
_ONE_TWO = ("1", "2")
_UNIQUE = ("1", "3", "2")
_NEG = ("0.5", "-1")
_PAIR_TIE = ("1", "1")
#: the rate of S → n^η max for λΔ ≥ 1 (agg.softmax.gap_bound): n^η ((n − k)/k) Δ e^{−λΔ}
_RATE_MAX = ncard(m) ** eta * (ncard(m) - nmax(m)) / nmax(m) * gap(m) * sp.exp(-lam * gap(m))
_UNIQUE_MAX = sp.Eq(nmax(m), 1)

_sb = sp.IndexedBase("sigma", real=True)
_K = sp.Symbol("K", integer=True, nonnegative=True)
_ii = sp.Symbol("i", integer=True, nonnegative=True)
_Z = sp.Sum(sp.exp(lam * _sb[_ii]), (_ii, 0, _K))
_ZS = sp.Sum(sp.exp(lam * _sb[_ii]) * _sb[_ii], (_ii, 0, _K))

#: the interchange: f_λ(x) = sin(λ² x)/λ → 0 uniformly (|f_λ| ≤ 1/λ)
_F = sp.sin(lp ** 2 * x_) / lp
_F_SQRT = sp.sin(sp.sqrt(lp) * x_) / lp


def _interchange(F: Any) -> All:
    return All(Rel(sp.Abs(F), 1 / lp, "<="), Lim(1 / lp, lp, sp.oo, 0), Lim(sp.diff(F, x_), lp, sp.oo, 0))


# ==================================================================================================
# the claims, in seed order
# ==================================================================================================

SOFTARGMAX_APPROX_LSE = Claim(
    id="agg.seed.2a_softargmax_approx_lse", source="Ex 2a step 2",
    title="Seed: softargmax(σ; λ) ~ lse(σ; λ) as λ → ∞",
    display=r"\operatorname{softargmax}(\sigma;\lambda) \overset{\lambda\to\infty}{\approx} "
            r"\operatorname{lse}(\sigma;\lambda)",
    statement=Lim(sam(sigma, lam, i_) - lse(sigma, lam), lam, sp.oo, 0),
    recorded="refuted",
    reading="'soft(arg)max' read as softargmax (the weight vector in ℝ^K) against the scalar lse: as vectors the "
            "two sides cannot be compared, so the checked reading is component-wise, for every i: "
            "softargmax(σ; λ)_i − lse(σ; λ) → 0 as λ → ∞.",
    evidence=[
        counterexample({sigma: _S01, i_: 1},
                       tex=r"\[ \sigma=(0,1),\ i=1:\ \lim_{\lambda\to\infty}\big(\operatorname{softargmax}"
                           r"(\sigma;\lambda)_1 - \operatorname{lse}(\sigma;\lambda)\big) = 0 - 1 = -1 \ne 0 \]"),
        exact_limit([{sigma: _S01, i_: 2}, {sigma: _UNIQUE, i_: 2}, {sigma: TIES, i_: 3}], label="exact"),
        limit_ladder([{sigma: _S01, i_: 1}, {sigma: RANDOM, i_: 1}], label="ladder"),
    ],
    mutants=(
        Mutant("gradient", Lim(sam(sigma, lam, i_) - dlse(sigma, lam, i_), lam, sp.oo, 0),
               why="the correct relation: softargmax is the gradient of lse (agg.lse.softargmax_gradient), "
                   "component-wise softargmax_i − ∂lse/∂σ_i → 0 (it is 0)"),
    ),
    depth="general",
    depth_note="a statement for every σ and i, disproved by one exact limit (certified); the component-wise "
               "limit is [σ_i = max σ]/k − max σ (k maximisers)",
    note=r"A vector in $\mathbb R^K$ against a scalar; component-wise the gap tends to $-\max\sigma$ or "
         r"$1/k-\max\sigma$ ($k$ maximisers), e.g.\ $-1$ at $\sigma=(0,1)$, $i=1$ (exact limit). The correct relation "
         r"is $\operatorname{softargmax} = \nabla_\sigma\operatorname{lse}$ (\texttt{agg.lse.softargmax\_gradient}).",
)

UNIFORM_REASON = Claim(
    id="agg.seed.2a_uniform_reason", source="Ex 2a step 3",
    title="Seed's reason: log, sum, exp 'converge uniformly in λ'",
    display=r"\lambda \mapsto e^{\lambda\sigma} \text{ converges (uniformly) as } \lambda\to\infty",
    statement=All(Exists(sp.exp(lam * vmax(sigma)), lam, sp.oo), Exists(sumexp(sigma, lam), lam, sp.oo),
                  Exists(sp.log(sumexp(sigma, lam)), lam, sp.oo)),
    recorded="refuted",
    reading="The parenthesis 'bc. log, sum, exp. converge uniformly in λ' read as a claim about the building blocks "
            "of lse: the largest exponential exp(λ max σ), the sum Σ_i exp(λσ_i) and its log each have a finite "
            "limit as λ → ∞ (checked at fixed σ: a sequence of functions that does not converge pointwise does not "
            "converge uniformly either).",
    evidence=[
        counterexample({sigma: _S01}, tex=r"\[ \sigma=(0,1):\ e^{\lambda\max\sigma} = e^{\lambda}\to\infty \]"),
        limit_ladder([{sigma: _S01}, {sigma: RANDOM}], label="ladder"),
    ],
    mutants=(
        Mutant("with_1_over_lambda", Exists(lse(sigma, lam), lam, sp.oo),
               why="the factor 1/λ the reason drops: lse = (1/λ) log Σ_i exp(λσ_i) does converge (to max σ)"),
    ),
    depth="general",
    depth_note="a statement for every σ, disproved by an exact limit (+∞) at σ = (0, 1)",
    note=r"$e^{\lambda\sigma}$ diverges for $\sigma>0$ (exact limit $+\infty$; the ladder shows it growing); the "
         r"uniform convergence of lse is true (\texttt{agg.lse.uniform\_max}) but follows from the sandwich "
         r"$0\le\operatorname{lse}-\max\le\log K/\lambda$, not from its building blocks.",
)

INTERCHANGE = Claim(
    id="agg.seed.2a_interchange", source="Ex 2a step 4",
    title="Seed: uniform convergence of f lets one swap lim and d/dx",
    display=r"f_\lambda \rightrightarrows f \Rightarrow \lim_{\lambda\to\infty}\partial_x f_\lambda = "
            r"\partial_x \lim_{\lambda\to\infty} f_\lambda",
    statement=_interchange(_F),
    recorded="refuted",
    reading="A theorem 'hypothesis ⇒ conclusion' for every family f_λ, checked on the family "
            "f_λ(x) = sin(λ²x)/λ: the parts before the last are the hypothesis (|f_λ(x) − 0| ≤ 1/λ for every x "
            "and λ > 0, and 1/λ → 0: f_λ → f = 0 uniformly), the last part the conclusion lim ∂_x f_λ = ∂_x f = 0. "
            "The evidence proves the hypothesis for every x, λ > 0 and decides the conclusion at x = 0; only both "
            "together refute the theorem.",
    evidence=[
        _implication(counterexample({x_: 0}, tex=r"\[ f_\lambda(x) = \frac{\sin(\lambda^2 x)}{\lambda}:\ "
                                                 r"|f_\lambda - 0| \le \frac1\lambda \to 0,\ "
                                                 r"\partial_x f_\lambda(0) = \lambda \to \infty \]"), label="",
                     description="hypothesis proved symbolically (|sin| ≤ 1), conclusion by the exact limit "
                                 "at x = 0"),
        _implication(limit_ladder([{x_: 0}], rungs=(2, 6, 10, 14, 18, 22)), label="ladder", kind="mpmath",
                     description="hypothesis proved symbolically, conclusion along a ladder λ = 1e2 … 1e22 "
                                 "at x = 0"),
    ],
    mutants=(
        Mutant("derivatives_converge", _interchange(_F_SQRT),
               why="the correct theorem also needs ∂_x f_λ to converge uniformly: the family sin(√λ x)/λ has "
                   "∂_x f_λ = cos(√λ x)/√λ → 0 uniformly, and there the swap is right"),
    ),
    depth="general",
    depth_note="the hypothesis is proved for every x and λ > 0; the conclusion fails by an exact limit (+∞)",
    note=r"The counterexample: $f_\lambda(x) = \sin(\lambda^2x)/\lambda$ converges uniformly to $0$ "
         r"($|f_\lambda|\le 1/\lambda$, proved) while $\partial_x f_\lambda(0) = \lambda \to \infty$ (exact limit). "
         r"The correct theorem needs uniform convergence of the derivatives $\partial_x f_\lambda$. "
         r"For lse those are softargmax, which converge to $e_{\arg\max}$ only with a unique maximiser, "
         r"and not uniformly near ties; \texttt{agg.seed.2a\_limit\_max} is proved without the swap.",
)

_SAM_LIMIT = All(Lim(sam(m, lam, i_), lam, sp.oo, dmax_r(m, i_)), Rel(dmax_r(m, i_), dmax_l(m, i_)),
                 Rel(dmax_r(m, i_), amax(m, i_)))
_SAM_INSTANCES = [{m: RANDOM, i_: 1}, {m: RANDOM, i_: 3}, {m: _UNIQUE, i_: 2}, {m: _UNIQUE, i_: 3},
                  {m: _NEG, i_: 1}, {m: _NEG, i_: 2}, {m: TIES, i_: 2}, {m: _PAIR_TIE, i_: 1}]

SOFTARGMAX_LIMIT = Claim(
    id="agg.seed.2a_softargmax_limit", source="Ex 2a step 5",
    title="Seed: lim softargmax(m; λ) = gradient of max = e_argmax",
    display=r"\lim_{\lambda\to\infty}\operatorname{softargmax}(m;\lambda) = \nabla_m \max(m) = e_{\arg\max m}",
    statement=_SAM_LIMIT,
    condition=_UNIQUE_MAX, recorded="holds_if",
    reading="Component-wise for every i: lim softargmax(m; λ)_i = ∂max/∂m_i, the partial derivative exists (right "
            "and left partial derivatives agree) and equals (e_argmax)_i, read as the indicator [m_i = max m]. "
            "The condition 'unique maximiser' is #argmax m = 1.",
    evidence=[
        at_points(_SAM_INSTANCES, label="gradient", about="condition"),
        exact_limit(_SAM_INSTANCES[2:], label="exact", about="condition"),
        limit_ladder(_SAM_INSTANCES, label="ladder", about="condition"),
        counterexample({m: TIES, i_: 2},
                       tex=r"\[ m = (1,3,3,2),\ i=2:\ \partial^+_{m_2}\max = 1 \ne 0 = \partial^-_{m_2}\max,\ "
                           r"\lim_{\lambda\to\infty}\operatorname{softargmax}_2 = \tfrac12 \]"),
    ],
    mutants=(
        Mutant("no_condition", condition=None, why="drop 'unique maximiser': ties break the gradient and the limit"),
        Mutant("two_maximisers", condition=sp.Le(nmax(m), 2), why="allow two tied maximisers"),
    ),
    depth="numeric",
    depth_note="exact limits at instances and arb-certified partial derivatives; no proof for symbolic n",
    note=r"With $k$ tied maximisers the weights tend to $1/k$ on each and $\max$ is not differentiable "
         r"(one-sided derivatives $1$ and $0$).",
)

_DOT = All(Rel(sp.Sum(dmax_r(m, i_) * comp(m, i_), (i_, 1, ncard(m))), vmax(m)),
           Rel(sp.Sum(dmax_l(m, i_) * comp(m, i_), (i_, 1, ncard(m))), vmax(m)))

MAX_GRADIENT_DOT = Claim(
    id="agg.seed.2a_max_gradient_dot", source="Ex 2a step 7 (*)",
    title="Seed (*): d max(m)/dm = e_argmax, hence (d max/dm) . m = max m",
    display=r"\frac{\partial}{\partial m}\max(m)\cdot m = \max_u m_u",
    statement=_DOT,
    condition=_UNIQUE_MAX, recorded="holds_if",
    reading="∂max/∂m read as the gradient; where it exists it is both the right and the left one-sided gradient "
            "(partial derivatives ∂⁺, ∂⁻), so the statement is checked as Σ_i ∂⁺_i max(m) m_i = max m and "
            "Σ_i ∂⁻_i max(m) m_i = max m. The condition 'unique maximiser' is #argmax m = 1.",
    evidence=[
        at_points([{m: RANDOM}, {m: _UNIQUE}, {m: _NEG}, {m: ("1e-8", "1", "1e8")}, {m: ("-2",)}, {m: TIES},
                   {m: _PAIR_TIE}], label="unique_max", about="condition"),
        counterexample({m: TIES}, tex=r"\[ m = (1,3,3,2):\ \sum_i\partial^+_{m_i}\max\, m_i = 6 \ne 3,\ "
                                      r"\sum_i\partial^-_{m_i}\max\, m_i = 0 \]"),
    ],
    mutants=(
        Mutant("no_condition", condition=None, why="drop 'unique maximiser': under ties ∂max/∂m does not exist"),
        Mutant("two_maximisers", condition=sp.Le(nmax(m), 2), why="allow two tied maximisers"),
    ),
    depth="numeric",
    depth_note="exact one-sided difference quotients (rational arithmetic, arb-certified) at instances",
    note=r"Under ties $\partial\max/\partial m$ does not exist (the one-sided gradients give $k\max m$ and $0$); a "
         r"subgradient $g$ still gives $g\cdot m = \max m$, so the \emph{value} is right, but the seed's derivation "
         r"needs the gradient.",
)

LIMIT_MAX = Claim(
    id="agg.seed.2a_limit_max", source="Ex 2a step 8",
    title="Seed's result: lim_{λ→∞} softmax_agg = |N|^η max (also with ties)",
    display=r"\lim_{\lambda\to\infty}\operatorname{softmax\_agg}(v,m,\lambda,\eta) = |\mathcal N(v)|^{\eta}\max_u m_u",
    statement=Lim(S(m, lam, eta), lam, sp.oo, ncard(m) ** eta * vmax(m)),
    recorded="holds",
    evidence=[
        _tie_patterns(4, label="N=4"),
        exact_limit([{m: TIES, eta: 1}, {m: ("0.5", "2"), eta: "0.5"}], label="exact"),
        limit_ladder([{m: TIES, eta: 1}, {m: RANDOM, eta: 0}], rate=_RATE_MAX, label="ladder",
                     description="|S(λ) − n^η max| along λ = 1e2 … 1e12 against "
                                 "n^η ((n − k)/k) Δ exp(−λΔ)"),
    ],
    mutants=(
        Mutant("max_aggregation", Lim(S(m, lam, eta), lam, sp.oo, vmax(m)),
               why="the seed's wording 'one obtains the max aggregation': the factor |N|^η dropped"),
        Mutant("mean_exponent", Lim(S(m, lam, eta), lam, sp.oo, ncard(m) ** (eta - 1) * vmax(m)),
               why="off by one in the exponent (|N|^(η−1) as in the λ → 0 limit)"),
    ),
    depth="fixed-size",
    depth_note="proved exactly for every tie pattern of n ≤ 4 with symbolic values and symbolic η; ladders with "
               "the predicted rate and exact limits at instances beyond",
    note=r"True, including ties (exact for every tie pattern with $n\le4$), with the rate "
         r"$n^\eta\frac{n-k}{k}\Delta e^{-\lambda\Delta}$ of \texttt{agg.softmax.gap\_bound}; the seed's route "
         r"through the interchange (step 4) is invalid and breaks at ties (step 5).",
)

MEAN_MAX_WORDING = Claim(
    id="agg.seed.2a_mean_max_wording", source="Ex 2a step 9",
    title="Seed: 'one obtains the (mean) max aggregation' as λ → ∞",
    display=r"\lim_{\lambda\to\infty} S(\lambda,\eta) = \max_u m_u \ \text{(the max aggregation)}",
    statement=Lim(S(m, lam, eta), lam, sp.oo, vmax(m)),
    condition=sp.Eq(eta, 0), recorded="holds_if",
    reading="'mean max aggregation' read as 'max aggregation' ('mean' a slip; the limit is no mean; the mean "
            "reading is the mutant 'mean').",
    evidence=[
        _tie_patterns(3, label="N=3", about="condition"),
        limit_ladder([{m: RANDOM, eta: 0}, {m: TIES, eta: 0}, {m: _ONE_TWO, eta: 1}], rate=_RATE_MAX,
                     label="ladder", about="condition"),
        exact_limit([{m: _ONE_TWO, eta: 0}, {m: TIES, eta: 0}, {m: _ONE_TWO, eta: 1}], label="exact",
                    about="condition"),
        counterexample({m: _ONE_TWO, eta: 1},
                       tex=r"\[ m=(1,2),\ \eta=1:\ \lim_{\lambda\to\infty}S = 2\cdot 2 = 4 \ne 2 = \max m \]"),
    ],
    mutants=(
        Mutant("no_condition", condition=None, why="drop η = 0: the limit is |N|^η max"),
        Mutant("mean", Lim(S(m, lam, eta), lam, sp.oo, vsum(m) / ncard(m)),
               why="the other reading of 'mean max aggregation': the mean of the messages"),
    ),
    depth="fixed-size",
    depth_note="under η = 0 exact for every tie pattern of n ≤ 3; ladders and exact limits at instances",
    note=r"For $\eta\ne0$ the limit is $|\mathcal N|^\eta\max$: for $\eta=1$, $m=(1,2)$ it is $4$, neither the "
         r"max ($2$) nor the mean ($1.5$).",
)

_0OVER0 = All(Lim(sp.log(sumexp(sigma, lam)), lam, 0, 0), Lim(lam, lam, 0, 0))

LSE_ZERO_IS_0OVER0 = Claim(
    id="agg.seed.2a_lse_zero_is_0over0", source="Ex 2a step 10",
    title="Seed: (1/λ) log sum_{i=0}^K exp(λ σ_i) is a 0/0 form at λ → 0",
    display=r"\lim_{\lambda\to0}\frac{\log\sum_{i=0}^{K} e^{\lambda\sigma_i}}{\lambda} \xrightarrow{\lambda\to0} "
            r"\frac{0}{0}",
    statement=_0OVER0,
    recorded="refuted",
    reading="'0/0': numerator log Σ_(i=0..K) exp(λσ_i) → 0 and denominator λ → 0; σ has the K + 1 entries "
            "σ_0..σ_K.",
    evidence=[
        counterexample({sigma: _S01}, tex=r"\[ \sigma=(0,1)\ (K=1):\ \lim_{\lambda\to0}\log\sum_{i=0}^{1}"
                                          r"e^{\lambda\sigma_i} = \log 2 \ne 0 \]"),
        limit_ladder([{sigma: _S01}, {sigma: RANDOM}], label="ladder"),
    ],
    mutants=(
        Mutant("log_count", All(Lim(sp.log(sumexp(sigma, lam)), lam, 0, sp.log(ncard(sigma))), Lim(lam, lam, 0, 0)),
               why="the numerator tends to log(K + 1): a (log(K+1))/0 form, not 0/0"),
    ),
    depth="general",
    depth_note="a statement for every σ, disproved by an exact limit (log 2) at σ = (0, 1)",
    note=r"The numerator tends to $\log(K+1)$ (with $i = 0..K$), not $0$ (exact limit; the ladder stalls at "
         r"$\log(K+1)$): L'H\^opital does not apply.",
)

_LHOPITAL_STEPS = (
    Step(None, sp.Derivative(_Z, lam) / _Z, why="chain rule: (log g)' = g'/g"),
    Step(None, _ZS / _Z, why="differentiate the finite sum term by term: d/dλ exp(λσ_i) = σ_i exp(λσ_i)"),
)

LHOPITAL_QUOTIENT = Claim(
    id="agg.seed.2a_lhopital_quotient", source="Ex 2a step 11",
    title="Seed: d/dλ log Σ exp(λ σ_i) = Σ exp(λ σ_i) σ_i / Σ exp(λ σ_i)",
    display=r"\frac{\partial}{\partial\lambda}\log\sum_{i}e^{\lambda\sigma_i} = "
            r"\frac{\sum_i e^{\lambda\sigma_i}\sigma_i}{\sum_i e^{\lambda\sigma_i}}",
    statement=Rel(sp.Derivative(sp.log(_Z), lam), _ZS / _Z),
    recorded="holds",
    derivation=_LHOPITAL_STEPS,
    evidence=[
        derivation_evidence(_LHOPITAL_STEPS, label="general_k"),
        _derivative_points([
            {_sb.label: {0: "0", 1: "1"}, _K: 1, lam: "0.5"},
            {_sb.label: dict(enumerate(RANDOM)), _K: 5, lam: "-2"},
            {_sb.label: dict(enumerate(RANDOM)), _K: 5, lam: 0},
            {_sb.label: {0: "1", 1: "3", 2: "3", 3: "2"}, _K: 3, lam: "7"},
        ], label="points"),
    ],
    mutants=(
        Mutant("no_normalisation", Rel(sp.Derivative(sp.log(_Z), lam), _ZS),
               why="the derivative of the log forgotten: Σ_i exp(λσ_i) σ_i without the division"),
        Mutant("no_inner_derivative", Rel(sp.Derivative(sp.log(_Z), lam), sp.Integer(1)),
               why="the chain rule of exp forgotten: d/dλ exp(λσ_i) = exp(λσ_i), so the quotient is 1"),
    ),
    depth="general",
    depth_note="symbolic K (SymPy sums over i = 0..K)",
    note=r"This step is right; at $\lambda = 0$ it gives the mean of the $K+1$ values $\sigma_0..\sigma_K$.",
)

_SEED_K = vsum(sigma) / (ncard(sigma) - 1)  # Σ σ_i / K with K + 1 entries σ_0..σ_K
_MEAN = vsum(sigma) / ncard(sigma)

LSE_ZERO_LIMIT = Claim(
    id="agg.seed.2a_lse_zero_limit", source="Ex 2a step 12",
    title="Seed: lim_{λ→0} lse(σ; λ) = Σ σ_i / K",
    display=r"\lim_{\lambda\to0}\frac1\lambda\log\sum_{i=0}^{K}e^{\lambda\sigma_i} = \lim_{\lambda\to0}"
            r"\frac{\sum_i e^{\lambda\sigma_i}\sigma_i}{\sum_i e^{\lambda\sigma_i}} = \frac{\sum_i\sigma_i}{K}",
    statement=All(Lim(lse(sigma, lam), lam, 0, _SEED_K), Lim(S(sigma, lam, 0), lam, 0, _SEED_K)),
    recorded="refuted",
    reading="σ has the K + 1 entries σ_0..σ_K (the seed's sum runs over i = 0..K), so K = |σ| − 1. Both "
            "equalities of the seed's chain are checked: the limit of lse, and the limit of the L'Hôpital quotient "
            "Σ_i exp(λσ_i)σ_i / Σ_i exp(λσ_i) (the softmax aggregation S(σ; λ, 0)).",
    evidence=[
        counterexample({sigma: _S01}, tex=r"\[ \sigma=(0,1):\ \lim_{\lambda\to0^\pm}\operatorname{lse}(\sigma;\lambda)"
                                          r" = \pm\infty \]"),
        exact_limit([{sigma: RANDOM}], label="exact"),
        limit_ladder([{sigma: _S01}, {sigma: RANDOM}], label="ladder"),
    ],
    mutants=(
        Mutant("shifted_mean", All(Lim(lse(sigma, lam) - sp.log(ncard(sigma)) / lam, lam, 0, _MEAN),
                                   Lim(S(sigma, lam, 0), lam, 0, _MEAN)),
               why="the correction (agg.lse.zero_shifted_limit): subtract log(K+1)/λ, and the quotient tends to "
                   "the mean over the K + 1 terms"),
    ),
    depth="general",
    depth_note="a statement for every σ, disproved by an exact limit (±∞) at σ = (0, 1)",
    note=r"$\operatorname{lse}(\sigma;\lambda) \sim \log(K+1)/\lambda \to \pm\infty$ as $\lambda\to0^\pm$. "
         r"The L'H\^opital quotient $\sum_i e^{\lambda\sigma_i}\sigma_i/\sum_i e^{\lambda\sigma_i}$ (step 11, "
         r"correct) tends to the mean over the $K+1$ terms $i=0..K$, not $\sum\sigma_i/K$. Correct: "
         r"\texttt{agg.lse.zero\_shifted\_limit}.",
)

LIMIT_ZERO_RESULT = Claim(
    id="agg.seed.2a_limit_zero_result", source="Ex 2a step 13",
    title="Seed: lim_{λ→0} softmax_agg = |N|^η Σ_u m_u / Σ m_u",
    display=r"\lim_{\lambda\to0}\operatorname{softmax\_agg}(v,m,\lambda,\eta) = "
            r"|\mathcal N(v)|^\eta\sum_{u}\frac{m_u}{\sum_w m_w}",
    statement=Lim(S(m, lam, eta), lam, 0, ncard(m) ** eta),
    recorded="refuted",
    reading="Σ_u m_u/Σ_w m_w = 1, so the seed's right side is |N|^η whatever m is.",
    evidence=[
        counterexample({m: _ONE_TWO, eta: 0},
                       tex=r"\[ m=(1,2),\ \eta=0:\ \lim_{\lambda\to0}S = 1.5 \ne 1 = \sum_u m_u/\sum_w m_w \]"),
        exact_limit([{m: ("0.5", "3", "3"), eta: 1}], label="exact"),
        limit_ladder([{m: RANDOM, eta: 1}, {m: RANDOM, eta: 0}], label="ladder"),
    ],
    mutants=(
        Mutant("mean", Lim(S(m, lam, eta), lam, 0, ncard(m) ** (eta - 1) * vsum(m)),
               why="the correction (agg.softmax.at_zero): |N|^(η−1) Σ_u m_u"),
    ),
    depth="general",
    depth_note="a statement for every m, η, disproved by an exact limit (3/2 vs 1) at m = (1, 2), η = 0",
    note=r"The seed's right side is $|\mathcal N|^\eta$ whatever $m$ is (exact limit $3/2 \ne 1$ at $m = (1,2)$, "
         r"$\eta=0$; the ladder stalls). Correct: $|\mathcal N|^{\eta-1}\sum_u m_u$ (\texttt{agg.softmax.at\_zero}).",
)

CLAIMS = [SOFTARGMAX_APPROX_LSE, UNIFORM_REASON, INTERCHANGE, SOFTARGMAX_LIMIT, MAX_GRADIENT_DOT, LIMIT_MAX,
          MEAN_MAX_WORDING, LSE_ZERO_IS_0OVER0, LHOPITAL_QUOTIENT, LSE_ZERO_LIMIT, LIMIT_ZERO_RESULT]
