r"""Claims ``agg.lse.*``: the log-sum-exp facts the seed uses, ``lse(σ; λ) = (1/λ) log Σ_i e^{λσ_i}``.

Statements over the quantities of :mod:`verify.aggregation.quantities` (``lse``, ``card``, ``vmax``, ``vsum``) and
the quantities defined here: the distances ``d'_i ≥ 0`` of the other ``K − 1`` entries to the max (after one
maximiser is set apart), the partial derivative ``∂lse/∂σ_j`` and ``softargmax_j`` with their general-``K``
definitions.  The step checks and the conjunction evidence are shared with :mod:`.softmax`.
"""

from __future__ import annotations

from typing import Any

import mpmath
import sympy as sp

from verify.core.claim import Claim, Evidence, Mutant, Outcome, Prop, Squeeze, Step
from verify.core.evaluate import CannotEvaluate
from verify.core.numeric import at_points, exact_limit, limit_ladder
from verify.core.statement import All, Lim, Rel, explicit, quantity
from verify.core.symbolic import derivation_evidence, is_zero

from .. import general_proofs as gp
from .. import theory as th
from ..quantities import _base, card, lam, lse, n_, sigma, u_, vmax, vmin, vsum
from .inputs import RANDOM, SPREAD, TIES
from .softmax import (_arb_levels, _int_arg, _mp_levels, _shown_from, _vanishes, _xn, by_definition, equal_check,
                      every_part, lam_p, same_tuple, sign_check, split_check, termwise_check, tie_pattern_limits)

try:
    import flint
except ImportError:  # pragma: no cover
    flint = None

mpf = mpmath.mpf


# ==============================================================================================================
# quantities
# ==============================================================================================================

def _odist(levels: Any) -> Any:
    """``d'_i``: the ``K − 1`` distances to the max of the entries other than one maximiser, ascending
    (``0`` for the other maximisers)."""

    def f(s: Any, i: Any) -> Any:
        top, k, rest = levels(s)
        zero = mpmath.mpf(0) if levels is _mp_levels else flint.arb(0)
        ds = [zero] * (k - 1) + list(rest)
        j = _int_arg(i)
        if not 1 <= j <= len(ds):
            raise CannotEvaluate(f"d'_{j} is undefined: {len(ds)} entries besides one maximiser")
        return ds[j - 1]

    return f


#: ``d'_i``, ``i = 1..K−1``: distances of the entries other than one maximiser to the max (``≥ 0``)
odist = quantity("odist", _odist(_mp_levels), arb=_odist(_arb_levels), nargs=2, nonnegative=True,
                 latex=r"d'_{{{0},{1}}}", text="d'({0}, {1})")


def _LSE(l: Any) -> Any:
    """``(1/λ) log Σ_{i=1}^K e^{λσ_i}`` in the notation of :mod:`verify.aggregation.general_proofs`."""
    return gp.LSE.xreplace({gp.lam_nz: l})


def _dlse_mp(s: Any, l: Any, j: Any) -> Any:
    """``∂lse/∂σ_j`` by numerical differentiation (mpmath.diff), independent of the softargmax formula."""
    k = _int_arg(j)
    if not 1 <= k <= len(s):
        raise CannotEvaluate(f"no component {k} of a tuple of {len(s)}")
    return mpmath.diff(lambda x: th.lse(tuple(s[:k - 1]) + (x,) + tuple(s[k:]), l), s[k - 1])


def _dlse_explicit(s: Any, l: Any, j: Any) -> Any:
    xs = list(s.args)
    k = int(j)
    t = sp.Dummy("t", real=True)
    f = sp.log(sum(sp.exp(l * x) for x in xs[:k - 1] + [t] + xs[k:])) / l
    return sp.diff(f, t).subs(t, xs[k - 1])


def _smax_mp(s: Any, l: Any, j: Any) -> Any:
    k = _int_arg(j)
    if not 1 <= k <= len(s):
        raise CannotEvaluate(f"no component {k} of a tuple of {len(s)}")
    return th.softargmax(s, l)[k - 1]


def _smax_arb(s: Any, l: Any, j: Any) -> Any:
    k = _int_arg(j)
    if not 1 <= k <= len(s):
        raise CannotEvaluate(f"no component {k} of a tuple of {len(s)}")
    e = [(l * (x - s[0])).exp() for x in s]
    total = flint.arb(0)
    for x in e:
        total += x
    return e[k - 1] / total


#: ``∂ lse(σ; λ)/∂σ_j``
dlse = quantity("dlse", _dlse_mp, nargs=3, explicit=_dlse_explicit,
                unfold=lambda s, l, j: sp.Derivative(_LSE(l), _base(s)[j]),
                latex=r"\frac{{\partial \operatorname{{lse}}({0}; {1})}}{{\partial {0}_{{{2}}}}}",
                text="d lse({0}; {1})/d {0}_{2}")
#: ``softargmax(σ; λ)_j`` with its general-K definition ``e^{λσ_j} / Σ_{i=1}^K e^{λσ_i}``
smax = quantity("smax", _smax_mp, arb=_smax_arb, nargs=3, positive=True,
                unfold=lambda s, l, j: gp.SOFTARGMAX_j.xreplace({gp.lam_nz: l, gp.j: j}),
                explicit=lambda s, l, j: sp.exp(l * s.args[int(j) - 1]) / sum(sp.exp(l * x) for x in s.args),
                latex=r"\operatorname{{softargmax}}\left({0}; {1}\right)_{{{2}}}", text="softargmax({0}; {1})_{2}")

#: the general-n / general-K forms of the statements about ``σ`` use ``σ[u]``, ``u = 1..n`` or ``σ[i]``, ``i = 1..K``
SAME_SIGMA = same_tuple(sigma)
SAME_SIGMA_K = sp.And(same_tuple(sigma, gp.K, gp.i), gp.j >= 1, gp.j <= gp.K)


# ==============================================================================================================
# step checks
# ==============================================================================================================

def log_monotone(inner: Any) -> Any:
    """``Step.check`` for ``F(log A) <= F(log B)`` with the same context ``F`` increasing in its slot (checked:
    ``dF/dY > 0``): ``log`` is increasing, so ``A <= B`` (``inner``, e.g. term-wise) suffices."""

    def check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
        L, R = sp.sympify(lhs), sp.sympify(rhs)
        la, lb = L.atoms(sp.log), R.atoms(sp.log)
        if len(la) != 1 or len(lb) != 1:
            return None, "expected one log on each side"
        (a,), (b,) = la, lb
        Y = sp.Dummy("Y", real=True)
        ctx_l, ctx_r = L.xreplace({a: Y}), R.xreplace({b: Y})
        if sp.simplify(ctx_l - ctx_r) != 0:
            return None, "the two sides differ outside the logs"
        if not sp.diff(ctx_l, Y).is_positive:
            return None, "the context of the log is not shown increasing"
        ok, why = inner(a.args[0], b.args[0])
        if ok:
            return True, f"log is increasing and {why}"
        return None, f"inner inequality: {why}"

    return check


_termwise_exp_le_1 = termwise_check({}, _xn, why="e^{−λ d'_i} <= 1 for d'_i >= 0, λ > 0")


# ==============================================================================================================
# agg.lse.uniform_max
# ==============================================================================================================

_K = card(sigma)
_Z1 = 1 + sp.Sum(sp.exp(-lam_p * odist(sigma, u_)), (u_, 1, _K - 1))  # Σ_i e^{λ(σ_i − max)}
_ONES = 1 + sp.Sum(sp.Integer(1), (u_, 1, _K - 1))
_GAP = lse(sigma, lam_p) - vmax(sigma)

UNIFORM_NONNEG_STEPS = (
    Step(None, sp.log(_Z1) / lam_p, "<=", why="the bracket is >= 1 (one maximiser gives e^0 = 1), λ > 0",
         check=sign_check),
    Step(None, _GAP, why="split the sum: one maximiser and the K − 1 others at max − d'_i; factor e^{λ max} out",
         check=split_check("one")),
)
UNIFORM_BOUND_STEPS = (
    Step(None, sp.log(_Z1) / lam_p, why="split the sum: one maximiser and the K − 1 others; factor e^{λ max} out",
         check=split_check("one")),
    Step(None, sp.log(_ONES) / lam_p, "<=", why="log increasing; term-wise e^{−λ d'_i} <= 1",
         check=log_monotone(_termwise_exp_le_1)),
    Step(None, sp.log(_K) / lam_p, why="1 + (K − 1) = K", check=equal_check),
)
UNIFORM_SQUEEZE = Squeeze(
    lower=vmax(sigma), upper=vmax(sigma) + sp.log(_K) / lam_p,
    lower_steps=(
        Step(None, vmax(sigma) + sp.log(_Z1) / lam_p, "<=", why="log of a bracket >= 1, λ > 0", check=sign_check),
        Step(None, lse(sigma, lam_p), why="split the sum: one maximiser and the K − 1 others",
             check=split_check("one")),
    ),
    upper_steps=(
        Step(None, vmax(sigma) + sp.log(_Z1) / lam_p, why="split the sum: one maximiser and the K − 1 others",
             check=split_check("one")),
        Step(None, vmax(sigma) + sp.log(_ONES) / lam_p, "<=", why="log increasing; term-wise e^{−λ d'_i} <= 1",
             check=log_monotone(_termwise_exp_le_1)),
        Step(None, vmax(sigma) + sp.log(_K) / lam_p, why="1 + (K − 1) = K", check=equal_check),
    ),
    why="max <= lse <= max + log(K)/λ and log(K)/λ → 0",
)

_UNIFORM_POINTS = [{sigma: s, lam_p: l} for s in (RANDOM, TIES, SPREAD, ("3",), ("3", "3"), ("-1",) * 5)
                   for l in ("0.5", "10", "1000")]

UNIFORM_MAX = Claim(
    id="agg.lse.uniform_max", source="Ex 2a step 1",
    title="lse(σ; λ) → max(σ) uniformly: 0 ≤ lse - max ≤ log(K)/λ",
    display=r"0 \le \operatorname{lse}(\sigma;\lambda) - \max_i\sigma_i \le \frac{\log K}{\lambda} "
            r"\xrightarrow{\lambda\to\infty} 0\quad \text{uniformly in } \sigma \in \mathbb R^K",
    statement=All(Rel(0, _GAP, "<="), Rel(_GAP, sp.log(_K) / lam_p, "<="),
                  Lim(lse(sigma, lam_p), lam_p, sp.oo, vmax(sigma))),
    recorded="holds", assumptions=(r"\lambda > 0",),
    reading="The seed's 'In sheet 7, we proved lim_(λ→∞) lse(σ; λ) = max(σ)' and 'the convergence is "
            "uniform': read as uniform in σ ∈ ℝ^K.",
    derivation=_shown_from(_GAP, UNIFORM_BOUND_STEPS),
    evidence=[
        every_part([derivation_evidence(UNIFORM_NONNEG_STEPS, label="nonneg", part=0),
                    derivation_evidence(UNIFORM_BOUND_STEPS, label="bound", part=1),
                    derivation_evidence([UNIFORM_SQUEEZE], label="limit", part=2)], label="general_k"),
        every_part([at_points(_UNIFORM_POINTS, label="points"),
                    limit_ladder([{sigma: RANDOM}, {sigma: TIES}], rungs=(1, 3, 5, 7, 9, 11),
                                 rate=sp.log(_K) / lam_p, label="ladder")],
                   label="points+ladder",
                   description="the bounds at 18 instances (constant σ attains log K/λ: the bound is the sup) and "
                               "the limit along λ = 10 … 1e11 against the rate log K/λ"),
    ],
    mutants=(
        Mutant("bound_halved", All(Rel(0, _GAP, "<="), Rel(_GAP, sp.log(_K) / (2 * lam_p), "<="),
                                   Lim(lse(sigma, lam_p), lam_p, sp.oo, vmax(sigma))),
               why="the bound log K/(2λ): below the sup, attained at constant σ"),
        Mutant("lse_below_max", All(Rel(_GAP, 0, "<="), Rel(_GAP, sp.log(_K) / lam_p, "<="),
                                    Lim(lse(sigma, lam_p), lam_p, sp.oo, vmax(sigma))),
               why="the direction of the first inequality: lse <= max"),
        Mutant("limit_mean", All(Rel(0, _GAP, "<="), Rel(_GAP, sp.log(_K) / lam_p, "<="),
                                 Lim(lse(sigma, lam_p), lam_p, sp.oo, vsum(sigma) / _K)),
               why="the limit confused with the λ → 0 value (the mean)"),
    ),
    depth="general", depth_note="general K: chains over sums with symbolic K and a squeeze",
    note=r"The bound does not depend on $\sigma$ and is attained at constant $\sigma$ ($\operatorname{lse} - \max = "
         r"\log K/\lambda$ there), so $\sup_\sigma(\operatorname{lse} - \max) = \log K/\lambda \to 0$: the convergence "
         r"is uniform with exactly this rate.",
)


# ==============================================================================================================
# agg.lse.softargmax_gradient
# ==============================================================================================================

def _gradient_steps() -> tuple:
    """``∂lse/∂σ_j = softargmax_j`` for every ``K``: the definition (general ``K``), then
    :func:`verify.aggregation.general_proofs.softargmax_gradient_steps` (SymPy's derivative of the sum, the
    Kronecker delta resolved for ``1 ≤ j ≤ K``), then the definition of softargmax."""
    return ((Step(None, sp.Derivative(_LSE(gp.lam_nz), gp.sig[gp.j]), why="definition of lse (general K)",
                  check=by_definition, where=SAME_SIGMA_K),)
            + gp.softargmax_gradient_steps()
            + (Step(None, smax(sigma, gp.lam_nz, gp.j), why="definition of softargmax (general K)",
                    where=SAME_SIGMA_K),))


def _explicit_identity(sizes: tuple = (1, 2, 3, 4, 5), budget: float = 30.0) -> Evidence:
    """Fixed-size: the statement's two sides in explicit form for ``K`` symbolic entries and every component
    ``j ≤ K``, compared exactly (SymPy differentiates the explicit lse)."""

    def run(prop: Prop) -> Outcome:
        parts = [p for p in prop.statement.parts() if isinstance(p, Rel)]
        l = sp.Symbol("lambda", real=True, nonzero=True)
        count = 0
        for part in parts:
            for K in sizes:
                ss = sp.symbols(f"sigma_1:{K + 1}", real=True)
                for j in range(1, K + 1):
                    c = part.subs({sigma: ss, gp.lam_nz: l, gp.j: j})
                    d = explicit(c.lhs) - explicit(c.rhs)
                    z = is_zero(d)
                    if z is not True:
                        if z is None:  # decide by the value at a rational point (50 digits)
                            pt = {x: sp.Rational(3 * k + 1, 7) for k, x in enumerate(ss)}
                            pt[l] = sp.Rational(5, 3)
                            v = sp.N(d.xreplace(pt), 50)
                            z = False if v.is_number and abs(v) > sp.Float(10) ** -30 else None
                        return Outcome("refuted" if z is False else "undecided",
                                       f"K={K}, j={j}: lhs − rhs = {sp.sstr(sp.simplify(d))[:80]}")
                    count += 1
        return Outcome("holds", f"K = {sizes[0]}..{sizes[-1]}: all {count} components exact")

    return Evidence("symbolic", run, label=f"K={sizes[0]}..{sizes[-1]}", budget=budget,
                    description="fixed-size: every component for K symbolic entries, exactly")


SOFTARGMAX_GRADIENT = Claim(
    id="agg.lse.softargmax_gradient", source="Ex 2a step 2",
    title="softargmax is the gradient of lse (the correct relation between the two)",
    display=r"\nabla_\sigma \operatorname{lse}(\sigma;\lambda) = \operatorname{softargmax}(\sigma;\lambda)",
    statement=Rel(dlse(sigma, gp.lam_nz, gp.j), smax(sigma, gp.lam_nz, gp.j)),
    recorded="holds", corrects="agg.seed.2a_softargmax_approx_lse",
    assumptions=(r"\lambda \ne 0", r"1 \le j \le K"),
    derivation=_gradient_steps(),
    evidence=[
        derivation_evidence(_gradient_steps(), label="general_k"),
        _explicit_identity(),
        at_points([{sigma: s, gp.lam_nz: l, gp.j: j} for s in (RANDOM, TIES) for l in ("0.5", "3", "-2")
                   for j in (1, 2, 4)], label="points",
                  description="every checked component: ∂lse/∂σ_j by numerical differentiation vs softargmax_j"),
    ],
    mutants=(
        Mutant("extra_lambda", Rel(dlse(sigma, gp.lam_nz, gp.j), gp.lam_nz * smax(sigma, gp.lam_nz, gp.j)),
               why="the chain-rule factor λ kept (the 1/λ in front of the log forgotten)"),
        Mutant("seed_lse", Rel(dlse(sigma, gp.lam_nz, gp.j), lse(sigma, gp.lam_nz)),
               why="the seed's identification of softargmax with lse"),
    ),
    depth="general", depth_note="general K (Sum with KroneckerDelta: general_proofs); exact for K <= 5 components",
)


# ==============================================================================================================
# agg.lse.zero_shifted_limit
# ==============================================================================================================

def _shift_equal(f: Any, g: Any) -> tuple[bool | None, str]:
    """The functions under the limit agree: ``lse − log(n)/λ`` unfolded is ``log((1/n) Σ e^{λσ_u})/λ``
    (``log(a/n) = log a − log n`` for ``a, n > 0``)."""
    from verify.core.statement import unfold

    if _vanishes(unfold(sp.sympify(f)).xreplace({}) - g):
        return True, "log(a/n) = log(a) − log(n) (a = Σ e^{λσ_u} > 0, n > 0)"
    return None, "not shown equal"


_G0 = sp.log(sp.Sum(sp.exp(lam * _base(sigma)[u_]), (u_, 1, n_)) / n_)  # g(λ) = log((1/n) Σ e^{λσ_u}), g(0) = 0


def _zero_shift_steps() -> tuple:
    """``lim_{λ→0} (lse − log(n)/λ) = (1/n) Σ σ`` for every ``n``: ``g(λ)/λ`` with ``g(0) = 0`` tends to ``g'(0)``
    (checks of :mod:`verify.aggregation.general_proofs`: the difference quotient of a function regular at 0,
    SymPy's derivative of the sum)."""
    return (
        Step(None, sp.Limit(_G0 / lam, lam, 0, "+-"), why="lse − log(n)/λ = (1/λ) log((1/n) Σ_u e^{λσ_u}) (definition)",
             check=gp.limit_of_equal(_shift_equal), where=SAME_SIGMA),
        Step(None, sp.Subs(sp.Derivative(_G0, lam), lam, 0),
             why="g(0) = log((1/n) Σ_u 1) = 0 and g is differentiable at 0: g(λ)/λ → g'(0)",
             check=gp.derivative_quotient_check(lam, 0)),
        Step(None, sp.Sum(_base(sigma)[u_], (u_, 1, n_)) / n_,
             why="g'(λ) = Σ σ_u e^{λσ_u} / Σ e^{λσ_u}; at 0: (1/n) Σ σ_u", check=gp.derivative_value_check()),
        Step(None, vsum(sigma) / card(sigma), why="notation: n = |σ|", where=SAME_SIGMA),
    )


_SHIFTED = lse(sigma, lam) - sp.log(card(sigma)) / lam
_MEAN = vsum(sigma) / card(sigma)

ZERO_SHIFTED_LIMIT = Claim(
    id="agg.lse.zero_shifted_limit", source="Ex 2a step 10",
    title="As λ → 0: lse(σ; λ) - log(n)/λ → mean(σ) (n = number of terms)",
    display=r"\lim_{\lambda\to0}\Big(\operatorname{lse}(\sigma;\lambda) - \frac{\log n}{\lambda}\Big) "
            r"= \frac1n\sum_{i}\sigma_i",
    statement=Lim(_SHIFTED, lam, 0, _MEAN),
    recorded="holds", corrects="agg.seed.2a_lse_zero_limit",
    derivation=_zero_shift_steps(),
    evidence=[
        derivation_evidence(_zero_shift_steps(), label="general_n"),
        tie_pattern_limits(sizes=(1, 2, 3, 4, 5), msgs=sigma, ties=False, label="n=1..5"),
        limit_ladder([{sigma: RANDOM}], rate=sp.Abs(lam) * (vmax(sigma) - vmin(sigma)) ** 2 / 8, label="ladder:random",
                     description="|f − mean| as λ → 0±, against the rate |λ| D²/8 (the λ-derivative is Var/2 <= D²/8)"),
        limit_ladder([{sigma: ("0", "1")}, {sigma: TIES}], label="ladder:small"),
        exact_limit([{sigma: ("1", "2")}, {sigma: ("0.5", "3", "3")}], label="exact"),
    ],
    mutants=(
        Mutant("no_shift", Lim(lse(sigma, lam), lam, 0, _MEAN),
               why="the seed's limit without the shift log(n)/λ (it diverges to ±∞)"),
        Mutant("sum_not_mean", Lim(_SHIFTED, lam, 0, vsum(sigma)), why="the sum instead of the mean"),
    ),
    depth="general",
    depth_note="general n (difference quotient of g(λ) = log((1/n) Σ e^{λσ_u}) at 0); exact limits for n <= 5",
    note=r"$\operatorname{lse}(\sigma;\lambda) - \frac{\log n}{\lambda} = \frac1\lambda\log\big(\frac1n\sum_i "
         r"e^{\lambda\sigma_i}\big)$, a $0/0$ form: the difference quotient of $g(\lambda) = \log\big(\frac1n\sum_i "
         r"e^{\lambda\sigma_i}\big)$ at $0$, so the limit is $g'(0)$; its gradient in $\sigma$ is "
         r"still softargmax, which tends to $(1/n,\dots,1/n)$: this is the route to "
         r"$S(0,\eta) = |\mathcal N|^{\eta-1}\sum_u m_u$.",
)

CLAIMS = [UNIFORM_MAX, SOFTARGMAX_GRADIENT, ZERO_SHIFTED_LIMIT]
