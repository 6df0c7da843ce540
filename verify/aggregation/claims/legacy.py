r"""Topic 2 of the seed: interpolating aggregations (Ex 2), as claims.

Correct theory first (``agg.softmax.*``, ``agg.pm.*``, ``agg.lse.*``), then the seed's own derivation
step by step (``agg.seed.2a_*``, ``agg.seed.2b_*``) and the observation printed under 2c.
Every claim is decided by the evidence attached to it; see :mod:`verify.aggregation.theory` for the
definitions and :mod:`verify.aggregation.evidence` for the builders.
"""

from __future__ import annotations

import random

import mpmath
import sympy as sp

from verify.core.claim import Claim, Evidence, Outcome, Step
from verify.core.numeric import counterexample_evidence, fmt, limit_ladder_evidence, mp_identity_evidence
from verify.core.symbolic import derivation_evidence
from verify.core.topic import Topic

from .. import theory as th
from ..evidence import divergence_evidence, mp_predicate_evidence, tie_pattern_limit_evidence
from ..figures import make_figures
from ..observation import observation_evidence
from ..kernel_claims import attach, kernel_claims

mpf = mpmath.mpf

# --------------------------------------------------------------------------------------------------
# Inputs: a random neighbourhood, ties, a huge spread (fixed, so every figure is deterministic)
# --------------------------------------------------------------------------------------------------

_rng = random.Random(20230127)
RANDOM = tuple(f"{_rng.uniform(0.0, 3.0):.6f}" for _ in range(6))
TIES = ("1", "3", "3", "2")
SPREAD = ("1e-8", "1", "1e8")
TWO_LEVEL = ("2", "2", "1.5", "1.5", "1.5")  # k = 2 maximisers, 3 at max − Δ: the bound is tight here


def _n(m):
    return mpf(len(m))


def _delta(m):
    return th.gap_structure(m)[2]


def _spread(m):
    return th.gap_structure(m)[3]


def _digits_for(lam_times_gap) -> int:
    """Working digits so that a distance e^{-λΔ} to the limit is resolved (plus 60 guard digits)."""
    return 60 + int(abs(float(lam_times_gap)) / 2.3)


# Relative slack for predicted bounds that are asymptotically attained (ratio → 1 from below): the
# ratio may then round to 1 + 10^(-digits); 1e-40 is far below any real violation and far above rounding.
def _slack():
    """Evaluated under the caller's precision (a module-level constant would round to exactly 1)."""
    return mpf(1) + mpf(10) ** -40


def _lam_ladder(m, rungs=(1, 10, 100, 1000)):
    """λ values with λΔ = 1, 10, 100, 1000 and the digits each needs."""
    with mpmath.workdps(30):
        delta, spread = _delta(m), _spread(m)
        xs = [mpf(r) / delta for r in rungs]
        dps = [_digits_for(x * delta) for x in xs]
    return xs, dps


# symbols shared by the derivations
lam = sp.Symbol("lambda", positive=True)
q = sp.Symbol("q", positive=True)
eta = sp.Symbol("eta", real=True)
Delta = sp.Symbol("Delta", positive=True)
Mx = sp.Symbol("M", positive=True)
n_sym = sp.Symbol("n", integer=True, positive=True)
k_sym = sp.Symbol("k", integer=True, positive=True)
J_sym = sp.Symbol("J", integer=True, nonnegative=True)
K_sym = sp.Symbol("K", integer=True, positive=True)
t_, s_ = sp.symbols("t s", nonnegative=True)
u_ = sp.Symbol("u", integer=True, positive=True)
d_ = sp.IndexedBase("d", positive=True)
c_ = sp.IndexedBase("c", positive=True)
m_ = sp.IndexedBase("m", real=True)


def _sign_step(lhs, rhs):
    ok = th._sign_known(sp.sympify(rhs) - sp.sympify(lhs))
    return (True, "rhs - lhs >= 0 from the assumptions (sums of non-negative terms are >= 0)") if ok else \
        (None, "sign of rhs - lhs not shown")


# ==================================================================================================
# Softmax aggregation: correct theory
# ==================================================================================================

# M - S/n^η for k maximisers (d = 0) and J = n - k others at distances d_u >= Δ > 0
_E = sp.Sum(sp.exp(-lam * d_[u_]), (u_, 1, J_sym))
_NUM = sp.Sum(d_[u_] * sp.exp(-lam * d_[u_]), (u_, 1, J_sym))
_S_TILDE = (k_sym * Mx + sp.Sum((Mx - d_[u_]) * sp.exp(-lam * d_[u_]), (u_, 1, J_sym))) / (k_sym + _E)
_GAP = _NUM / (k_sym + _E)
_BOUND = J_sym * Delta * sp.exp(-lam * Delta) / k_sym
_d_u = sp.Symbol("d_u", positive=True)

SOFTMAX_GAP_STEPS = (
    Step(Mx - _S_TILDE, _GAP, "==", why="Σ w_u = 1; maximisers have d_u = 0"),
    Step(sp.Integer(0), _GAP, "<=", why="sums of non-negative terms", check=_sign_step),
    Step(None, _NUM / k_sym, "<=", why="denominator ≥ k", check=_sign_step),
    Step(None, sp.Sum(Delta * sp.exp(-lam * Delta), (u_, 1, J_sym)) / k_sym, "<=",
         why="term-wise: d·exp(−λd) ≤ Δ·exp(−λΔ) for d ≥ Δ ≥ 1/λ",
         check=th.termwise("<=", {_d_u: Delta + s_, lam: (1 + t_) / Delta}, s_)),
    Step(None, _BOUND, "==", why="J = n − k equal terms"),
    Step(sp.Limit(_BOUND, lam, sp.oo), sp.Integer(0), "==", why="exponential decay",
         check=th.limit_check(lam, sp.oo)),
)

_r = sp.Symbol("r", nonnegative=True)
SOFTMAX_GAP_SPREAD_STEPS = (
    Step(None, sp.Sum(d_[u_] * sp.exp(-lam * Delta), (u_, 1, J_sym)) / k_sym, "<=",
         why="term-wise: exp(−λ d_u) ≤ exp(−λΔ), λ > 0",
         check=th.termwise("<=", {_d_u: Delta + _r}, _r)),
    Step(None, sp.Sum((Delta + s_) * sp.exp(-lam * Delta), (u_, 1, J_sym)) / k_sym, "<=",
         why="term-wise: d_u ≤ D = Δ + s (spread)",
         check=th.termwise("<=", {_d_u: Delta + s_ - _r}, _r)),
    Step(None, J_sym * (Delta + s_) * sp.exp(-lam * Delta) / k_sym, "==", why="J = n − k equal terms"),
)


def _softmax_limit_build(sign):
    """S(±λ)/n^η for ordered messages, numerator and denominator multiplied by e^{∓λ·extreme} (exact:
    softmax is shift invariant), so every exponent is −λ·(a positive sum of d's) or 0."""
    def build(ms):
        ref = ms[-1] if sign > 0 else ms[0]
        w = [sp.exp(-lam * sp.expand(sign * (ref - x))) for x in ms]
        expr = sum(wi * x for wi, x in zip(w, ms)) / sum(w)
        return expr, ref
    return build


def _ladder_to_max(m, eta_val=0):
    xs, dps = _lam_ladder(m)
    return limit_ladder_evidence(
        lambda x: th.softmax_agg(m, x, eta_val),
        lambda: _n(m) ** eta_val * max(mpf(v) for v in m),
        xs, dps=dps,
        bound=lambda x: _n(m) ** eta_val * th.softmax_gap_bound(m, x),
        label=f"ladder:{_label(m)}", budget=30,
        describe=f"|S(λ) − n^η max| at λΔ = 1, 10, 100, 1000 (η = {eta_val}) against the predicted bound",
    )


def _label(m):
    return {RANDOM: "random", TIES: "ties", SPREAD: "spread", TWO_LEVEL: "two_level"}.get(tuple(m), "case")


def _ladder_to_min(m, eta_val=0):
    neg = tuple(str(-mpf(v)) for v in m)
    xs, dps = _lam_ladder(neg)
    return limit_ladder_evidence(
        lambda x: th.softmax_agg(m, -x, eta_val),
        lambda: _n(m) ** eta_val * min(mpf(v) for v in m),
        xs, dps=dps,
        bound=lambda x: _n(m) ** eta_val * th.softmax_gap_bound(neg, x),
        label=f"ladder:{_label(m)}", budget=30,
        describe="|S(−λ) − n^η min| at λΔ = 1 … 1000 against the mirrored bound",
    )


def _ladder_to_mean(m, eta_val, sign, exps=(2, 4, 6, 8, 10, 12)):
    xs = [sign * mpf(10) ** (-j) for j in exps]
    return limit_ladder_evidence(
        lambda x: th.softmax_agg(m, x, eta_val),
        lambda: _n(m) ** (eta_val - 1) * mpmath.fsum(mpf(v) for v in m),
        xs, bound=lambda x: _n(m) ** eta_val * abs(x) * _spread(m) ** 2 / 4,
        label=f"ladder:{_label(m)}{'+' if sign > 0 else '-'}", budget=30,
        describe="|S(λ) − n^(η−1) Σ m| as λ → 0, against |λ| n^η D²/4 (derivative = variance ≤ D²/4)",
    )


def _variance_identity_evidence() -> Evidence:
    """dS/dλ == n^η Var_w(m) with general n (SymPy sums), and the pairwise form of the variance for n ≤ 5."""

    def run() -> Outcome:
        Z = sp.Sum(sp.exp(lam * m_[u_]), (u_, 1, n_sym))
        S = n_sym ** eta * sp.Sum(m_[u_] * sp.exp(lam * m_[u_]), (u_, 1, n_sym)) / Z
        var = sp.Sum(m_[u_] ** 2 * sp.exp(lam * m_[u_]), (u_, 1, n_sym)) / Z \
            - (sp.Sum(m_[u_] * sp.exp(lam * m_[u_]), (u_, 1, n_sym)) / Z) ** 2
        if sp.simplify(sp.diff(S, lam) - n_sym ** eta * var) != 0:
            return Outcome("undecided", "general-n identity not shown")
        for n in range(1, 6):
            ms = sp.symbols(f"m1:{n + 1}", real=True)
            w = [sp.exp(lam * x) for x in ms]
            Zn = sum(w)
            Sn = sum(wi * x for wi, x in zip(w, ms)) / Zn
            pair = sum(w[i] * w[j] * (ms[i] - ms[j]) ** 2 for i in range(n) for j in range(i + 1, n)) / Zn ** 2
            if sp.simplify(sp.diff(Sn, lam) - pair) != 0:
                return Outcome("refuted", f"n={n}: dS/dλ differs from the pairwise variance")
        return Outcome("holds", "general n; pairwise form n=1..5 exact",
                       "dS/dλ = n^η (Σ w m² − (Σ w m)²) for symbolic n (SymPy sums); for n ≤ 5 "
                       "dS̃/dλ = Σ_{i<j} w_i w_j (m_i − m_j)² / Z², a sum of non-negative terms, zero iff all m equal")

    return Evidence("symbolic", run, budget=40, description="derivative of S as a variance, exact")


def _variance_numeric_evidence() -> Evidence:
    cases = [(f"{_label(m)}, λ={l}", (m, mpf(l))) for m in (RANDOM, TIES, SPREAD[:2] + ("2",))
             for l in ("-3", "0", "0.5", "4")]

    return mp_identity_evidence(lambda c: mpmath.diff(lambda x: th.softmax_agg(c[0], x, 0), c[1]),
                                lambda c: th.softmax_variance(*c), [(c,) for _, c in cases],
                                label="derivative", describe=lambda p: f"m={p[0][0]}, λ={mpmath.nstr(p[0][1], 3)}")


def _strict_monotone_evidence() -> Evidence:
    lams = [mpf(x) for x in ("-50", "-5", "-1", "-0.1", "0", "0.1", "1", "5", "50")]
    cases = [(f"{_label(m)} λ∈[-50,50]", m) for m in (RANDOM, TIES, ("1", "1", "2"))]

    def margin(m):
        vals = [th.softmax_agg(m, l, 0) for l in lams]
        return min(b - a for a, b in zip(vals, vals[1:]))

    return mp_predicate_evidence(margin, cases, label="grid", what="min increment", strict=True)


SOFTMAX_CLAIMS = [
    Claim(
        id="agg.softmax.limit_max", source="Ex 2a (theory)",
        title="Softmax aggregation tends to n^η max as λ → +∞ (ties allowed)",
        statement=r"\lim_{\lambda\to+\infty} S(\lambda,\eta) = |\mathcal N|^{\eta}\max_u m_u",
        recorded="holds", assumptions=(r"m_u \in \mathbb R", r"\eta \in \mathbb R"),
        derivation=SOFTMAX_GAP_STEPS,
        evidence=[derivation_evidence(SOFTMAX_GAP_STEPS, label="general_n", budget=40)]
        + [tie_pattern_limit_evidence(n, _softmax_limit_build(+1), lam, sp.oo) for n in range(1, 6)]
        + [_ladder_to_max(RANDOM, 1), _ladder_to_max(TIES, 0), _ladder_to_max(SPREAD, 0.5)],
        note=r"General $|\mathcal N| = n$ with $k \ge 1$ maximisers: $0 \le \max - S/n^\eta \le "
             r"\frac{n-k}{k}\,\Delta e^{-\lambda\Delta} \to 0$ (the chain below, with $\lambda\Delta\ge1$). "
             r"Exhaustive exact limits for every tie pattern of $n \le 5$ ordered messages "
             r"$m_1 \le \dots \le m_n$ ($2^{n-1}$ patterns each).",
    ),
    Claim(
        id="agg.softmax.limit_min", source="Ex 2a (theory)",
        title="Softmax aggregation tends to n^η min as λ → −∞",
        statement=r"\lim_{\lambda\to-\infty} S(\lambda,\eta) = |\mathcal N|^{\eta}\min_u m_u",
        recorded="holds",
        evidence=[tie_pattern_limit_evidence(n, _softmax_limit_build(-1), lam, sp.oo) for n in range(1, 6)]
        + [_ladder_to_min(RANDOM, 1), _ladder_to_min(TIES, 0)],
        note=r"By the symmetry $S(-\lambda, \eta; m) = -S(\lambda, \eta; -m)$ this is the max limit for $-m$.",
    ),
    Claim(
        id="agg.softmax.at_zero", source="Ex 2a (theory)",
        title="At λ = 0 (and as λ → 0) softmax aggregation is n^(η-1) Σ m_u",
        statement=r"S(0,\eta) = \lim_{\lambda\to0} S(\lambda,\eta) = |\mathcal N|^{\eta-1}\sum_u m_u",
        recorded="holds",
        derivation=(
            Step(n_sym ** eta * sp.Sum(m_[u_] * sp.exp(0 * m_[u_]), (u_, 1, n_sym))
                 / sp.Sum(sp.exp(0 * m_[u_]), (u_, 1, n_sym)),
                 n_sym ** (eta - 1) * sp.Sum(m_[u_], (u_, 1, n_sym)), "==", why="exp(0) = 1 and Σ_u 1 = n"),
        ),
        evidence=[
            derivation_evidence([Step(n_sym ** eta * sp.Sum(m_[u_] * sp.exp(0 * m_[u_]), (u_, 1, n_sym))
                                      / sp.Sum(sp.exp(0 * m_[u_]), (u_, 1, n_sym)),
                                      n_sym ** (eta - 1) * sp.Sum(m_[u_], (u_, 1, n_sym)))],
                                label="lambda=0"),
            _ladder_to_mean(RANDOM, 1, +1), _ladder_to_mean(RANDOM, 0, -1), _ladder_to_mean(SPREAD, 0, +1, exps=(10, 12, 14, 16, 18, 20)),
        ],
        corrects="agg.seed.2a_limit_zero_result",
        note=r"Continuity at $0$ with the rate $|S(\lambda) - S(0)| \le |\lambda|\, n^\eta D^2/4$: "
             r"$\partial_\lambda S = n^\eta \operatorname{Var}_{w}(m) \le n^\eta D^2/4$ (Popoviciu), $D = \max - \min$.",
    ),
    Claim(
        id="agg.softmax.derivative_variance", source="Ex 2a (theory)",
        title="dS/dλ is n^η times the variance of m under the softmax weights; S is increasing",
        statement=r"\frac{\partial S}{\partial\lambda} = |\mathcal N|^{\eta}\Big(\sum_u w_u m_u^2 - "
                  r"\big(\sum_u w_u m_u\big)^2\Big) \ge 0,\ \text{strict unless all } m_u \text{ equal}",
        recorded="holds", assumptions=(r"w = \operatorname{softmax}(m;\lambda)",),
        evidence=[_variance_identity_evidence(), _variance_numeric_evidence(), _strict_monotone_evidence()],
        note=r"$\operatorname{Var}_w(m) = \frac{1}{Z^2}\sum_{i<j} e^{\lambda m_i} e^{\lambda m_j}(m_i-m_j)^2$ "
             r"is a sum of non-negative terms, zero iff all $m_u$ coincide; so $S$ is strictly increasing "
             r"in $\lambda$ for $\eta$ fixed (any sign of $|\mathcal N|^\eta > 0$).",
    ),
]


def _gap_bound_cex() -> Evidence:
    m = ("0", "0.9", "1")  # Δ = 0.1, λ = 1: λΔ = 0.1 < 1
    return counterexample_evidence(
        lambda: th.softmax_gap(m, 1), lambda: th.softmax_gap_bound(m, 1),
        where="m=(0, 0.9, 1), λ=1 (λΔ=0.1): gap vs bound",
        tex=r"\[ m = (0, 0.9, 1),\ \lambda = 1:\ \max - S = 0.2017 > \tfrac{n-k}{k}\Delta e^{-\lambda\Delta} = 0.1810 \]",
    )


def _gap_tightness_evidence() -> Evidence:
    """(max − S)/bound → 1 for a two-level neighbourhood: the constant (n−k)/k Δ cannot be lowered."""
    m = TWO_LEVEL
    xs, dps = _lam_ladder(m, rungs=(1, 10, 100, 1000, 10000))
    return limit_ladder_evidence(lambda x: th.softmax_gap(m, x) / th.softmax_gap_bound(m, x), lambda: mpf(1),
                                 xs, dps=dps, label="tightness", about="condition",
                                 describe="(max − S)/bound → 1 for m = (2, 2, 1.5, 1.5, 1.5)")


GAP_CLAIMS = [
    Claim(
        id="agg.softmax.gap_bound", source="Ex 2a (theory)",
        title="Tight rate: 0 ≤ max - S/n^η ≤ (n-k)/k * Δ * exp(-λ Δ)",
        statement=r"0 \le \max_u m_u - \frac{S(\lambda,\eta)}{|\mathcal N|^{\eta}} \le "
                  r"\frac{|\mathcal N|-k}{k}\,\Delta\,e^{-\lambda\Delta}",
        condition=r"\lambda\Delta \ge 1", recorded="holds_if",
        assumptions=(r"k = \#\{u : m_u = \max\}", r"\Delta = \max - \max\{m_u : m_u < \max\} > 0"),
        derivation=SOFTMAX_GAP_STEPS[:5],
        evidence=[
            derivation_evidence(SOFTMAX_GAP_STEPS[:5], label="general_n", about="condition"),
            Evidence(_ladder_to_max(RANDOM).kind, _ladder_to_max(RANDOM).run, label="ladder:random",
                     about="condition"),
            Evidence(_ladder_to_max(TIES).kind, _ladder_to_max(TIES).run, label="ladder:ties", about="condition"),
            _gap_tightness_evidence(),
            _gap_bound_cex(),
        ],
        note=r"Tight: for $m$ with $k$ maximisers and all others at $\max-\Delta$, "
             r"$(\max - S)/\text{bound} = 1/(1 + \frac{n-k}{k}e^{-\lambda\Delta}) \to 1$. "
             r"For small $\lambda$ ($\lambda\Delta < 1$) far-away messages dominate and the bound fails; the "
             r"bound valid for every $\lambda > 0$ is $\frac{n-k}{k}(\max-\min)e^{-\lambda\Delta}$ "
             r"(\texttt{agg.softmax.gap\_bound\_all}).",
    ),
    Claim(
        id="agg.softmax.gap_bound_all", source="Ex 2a (theory)",
        title="For every λ > 0: max - S/n^η ≤ (n-k)/k (max - min) exp(-λ Δ)",
        statement=r"0 \le \max_u m_u - \frac{S(\lambda,\eta)}{|\mathcal N|^{\eta}} \le "
                  r"\frac{|\mathcal N|-k}{k}\,(\max_u m_u - \min_u m_u)\,e^{-\lambda\Delta}",
        recorded="holds", assumptions=(r"\lambda > 0",),
        derivation=SOFTMAX_GAP_STEPS[:3] + SOFTMAX_GAP_SPREAD_STEPS,
        evidence=[
            derivation_evidence(SOFTMAX_GAP_STEPS[:3] + SOFTMAX_GAP_SPREAD_STEPS, label="general_n"),
            mp_predicate_evidence(
                lambda c: th.softmax_gap_bound_spread(c[0], c[1]) - th.softmax_gap(c[0], c[1]),
                [(f"{_label(m)}, λ={l}", (m, mpf(l))) for m in (RANDOM, TIES, SPREAD, ("0", "0.9", "1"))
                 for l in ("1e-9", "0.01", "1", "10")], label="grid", what="bound − gap"),
        ],
        note=r"Here $D = \Delta + s$ is the spread; the sum runs over the $J = n-k$ non-maximisers.",
    ),
]


# ==================================================================================================
# Power mean: correct theory
# ==================================================================================================

def _root_at_least_one(lhs, rhs):
    """``1 <= n^(1/q)``: rewrite ``n^(1/q) = exp(log(n)/q)`` (checked), show ``log(n)/q >= 0`` from the
    assumptions (n >= 1, q > 0) and ``exp(x) - 1 >= 0`` for ``x >= 0`` (monotonicity proof)."""
    x = sp.Symbol("x", nonnegative=True)
    expo = sp.log(n_sym) / q
    if lhs != 1:
        return None, "left side is not 1"
    if sp.simplify(sp.expand_power_exp(rhs) - sp.exp(expo)) != 0 and sp.simplify(sp.log(rhs) - expo) != 0:
        return None, "could not rewrite the right side as exp(log(n)/q)"
    if expo.is_nonnegative is not True:
        return None, "log(n)/q >= 0 not shown"
    ok, why = th.prove_nonneg(sp.exp(x) - 1, x)
    if ok is not True:
        return None, f"exp(x) >= 1 for x >= 0 not shown: {why}"
    return True, "n^(1/q) = exp(log(n)/q); log(n)/q >= 0 since n >= 1, q > 0; exp(x) >= 1 for x >= 0 (" + why + ")"


_Ssum = 1 + sp.Sum(sp.exp(-q * c_[u_]), (u_, 1, n_sym - 1))  # Σ (m_u/M)^q with m_u = M e^{-c_u}
_c_u = sp.Symbol("c_u", positive=True)
PM_SQUEEZE_STEPS = (
    Step(sp.Integer(1), _Ssum, "<=", why="maximiser: 1; others ≥ 0",
         check=_sign_step),
    Step(None, 1 + sp.Sum(sp.Integer(1), (u_, 1, n_sym - 1)), "<=",
         why="term-wise exp(−q c_u) ≤ 1",
         check=lambda l, r: th.termwise("<=", {_c_u: sp.Symbol("x", nonnegative=True)},
                                        sp.Symbol("x", nonnegative=True))(l - 1, r - 1)),
    Step(None, n_sym, "==", why="count the terms"),
    Step(sp.Integer(1), n_sym ** (1 / q), "<=", why="x^(1/q) increasing, 1 ≤ S ≤ n",
         check=lambda l, r: _root_at_least_one(l, r)),
    Step(sp.Limit(n_sym ** (1 / q), q, sp.oo), sp.Integer(1), "==", why="n^(1/q) = exp(log(n)/q) → 1",
         check=th.limit_check(q, sp.oo)),
    Step(sp.Limit(_Ssum ** (1 / q), q, sp.oo), sp.Integer(1), "==",
         why="squeeze: 1 ≤ S^(1/q) ≤ n^(1/q)",
         check=th.squeeze_check(sp.Integer(1), n_sym ** (1 / q), q, sp.oo)),
    Step(sp.Limit((n_sym ** -1) ** (1 / q), q, sp.oo), sp.Integer(1), "==", why="(1/n)^(1/q) → 1",
         check=th.limit_check(q, sp.oo)),
)


def _pm_tie_evidence(n, kind):
    """log M_q − log max (q → ∞) or log M_q − log min (q → −∞), messages written as e^{ℓ_u}, ℓ ordered."""
    qq = sp.Symbol("q", positive=True)

    def build(ls):  # ls: ordered log-messages ℓ_1 <= ... <= ℓ_n (any real), m_u = e^{ℓ_u}
        # log M_q = ℓ_ref + (1/q) log((1/n) Σ e^{q(ℓ_u − ℓ_ref)}) exactly; exponents are −q·(sums of d's)
        if kind == "max":
            top = ls[-1]
            expr = top + sp.log(sum(sp.exp(-qq * sp.expand(top - x)) for x in ls) / len(ls)) / qq
            return expr, top
        bot = ls[0]  # q → −∞ written as q' = −q → ∞
        expr = bot - sp.log(sum(sp.exp(-qq * sp.expand(x - bot)) for x in ls) / len(ls)) / qq
        return expr, bot

    return tie_pattern_limit_evidence(n, build, qq, sp.oo)


def _pm_geo_evidence() -> Evidence:
    x = sp.Symbol("x", real=True)

    def run() -> Outcome:
        for n in range(1, 6):
            ls = sp.symbols(f"l1:{n + 1}", real=True)
            expr = sp.log(sum(sp.exp(x * l) for l in ls) / n) / x  # log M_q with m_u = e^{ℓ_u}
            for direction in ("+", "-"):
                val = sp.limit(expr, x, 0, direction)
                if sp.simplify(val - sum(ls) / n) != 0:
                    return Outcome("refuted", f"n={n}: limit {sp.sstr(val)}")
        return Outcome("holds", "n=1..5, both sides: log M_q -> mean log m",
                       "lim_{q→0±} (1/q) log((1/n) Σ e^{q ℓ_u}) = (1/n) Σ ℓ_u exactly for n = 1..5")

    return Evidence("symbolic", run, label="N=1..5", budget=30, description="exact limits, n = 1..5")


def _geo(m):
    return th.power_mean(m, 0)


def _pm_ladder(m, target, qs, bound=None, label=""):
    return limit_ladder_evidence(lambda x: th.power_mean(m, x), lambda: target(m), qs, bound=bound,
                                 label=label or f"ladder:{_label(m)}", budget=30)


def _pm_bound_inf(m):
    """q > 0: M − M_q <= M (1 − n^{−1/q}) <= M log(n)/q."""
    return lambda x: _slack() * max(mpf(v) for v in m) * mpmath.log(len(m)) / x


_QS_UP = [mpf(10) ** j for j in (1, 3, 5, 7, 9, 11)]
_QS_DOWN = [-x for x in _QS_UP]
_QS_ZERO = [mpf(10) ** (-j) for j in (2, 4, 6, 8, 10, 12)]


def _pm_monotone_symbolic() -> Evidence:
    """d/dq log M_q = KL(w‖uniform)/q² (n = 1..5), and KL ≥ 0 from the term-wise log x ≥ 1 − 1/x."""

    def run() -> Outcome:
        qq = sp.Symbol("q", nonzero=True, real=True)
        for n in range(1, 6):
            ms = sp.symbols(f"m1:{n + 1}", positive=True)
            Z = sum(x ** qq for x in ms)
            logM = sp.log(Z / n) / qq
            kl = sum((x ** qq / Z) * (sp.log(n) + qq * sp.log(x) - sp.log(Z)) for x in ms)
            if sp.simplify(sp.expand(sp.diff(logM, qq) - kl / qq ** 2)) != 0:
                return Outcome("undecided", f"n={n}: derivative identity not shown")
        # Gibbs: Σ w log(n w) ≥ Σ (w − 1/n) = 0 from the generic term (w = e^τ/n, τ real, both signs)
        s = sp.Symbol("s", nonnegative=True)
        for tau in (s, -s):
            w = sp.exp(tau) / n_sym
            ok, why = th.prove_nonneg(w * sp.log(n_sym * w) - w + 1 / n_sym, s)
            if not ok:
                return Outcome("undecided", f"generic Gibbs term not shown: {why}")
        return Outcome("holds", "d log M_q/dq = KL/q^2 (n=1..5); KL >= 0 term-wise",
                       "the derivative of log M_q is KL(w || uniform)/q^2 with w_u = m_u^q / Σ m^q; "
                       "w log(nw) − w + 1/n >= 0 for every w > 0, summed: KL >= Σ w − 1 = 0; "
                       "equality iff w uniform iff all m_u equal")

    return Evidence("symbolic", run, budget=45, description="derivative identity and Gibbs' inequality")


def _pm_monotone_grid() -> Evidence:
    qs = [mpf(x) for x in ("-inf", "-100", "-3", "-1", "-0.5", "0", "0.5", "1", "2", "3", "100", "inf")]
    cases = [(f"{_label(m)} q∈[-inf,inf]", m) for m in (RANDOM, TIES, SPREAD, ("0.5", "0.5", "2"))]

    def margin(m):
        vals = [th.power_mean(m, x) for x in qs]
        return min((b - a) / b for a, b in zip(vals, vals[1:]))

    return mp_predicate_evidence(margin, cases, label="grid", what="min rel. increment", strict=True)


def _pm_equal_constant() -> Evidence:
    qs = [mpf(x) for x in ("-inf", "-7", "-1", "0", "0.5", "1", "9", "inf")]
    m = ("1.7", "1.7", "1.7", "1.7")

    def run() -> Outcome:
        with mpmath.workdps(60):
            vals = [th.power_mean(m, x) for x in qs]
            spread = max(vals) - min(vals)
        ok = spread <= mpf(10) ** -50
        return Outcome("holds" if ok else "refuted", f"all-equal m: spread over q {fmt(spread)}")

    return Evidence("mpmath", run, label="all_equal", description="equality case: constant in q")


def _pm_bounds_grid() -> Evidence:
    cases = [(f"{_label(m)}, q={x}", (m, mpf(x))) for m in (RANDOM, TIES, SPREAD, TWO_LEVEL)
             for x in ("0.01", "0.5", "1", "3", "50")]

    def margin(c):
        m, x = c
        top = max(mpf(v) for v in m)
        p = th.power_mean(m, x)
        return min(top - p, p - mpf(len(m)) ** (-1 / x) * top) / top

    return mp_predicate_evidence(margin, cases, label="grid", what="rel. margin")


POWER_MEAN_CLAIMS = [
    Claim(
        id="agg.pm.q1_mean", source="Ex 2b (theory)",
        title="Power mean aggregation at q = 1 is n^(η-1) Σ m (η=1: sum, η=0: mean)",
        statement=r"P(1,\eta) = |\mathcal N|^{\eta-1}\sum_u m_u",
        recorded="holds",
        evidence=[derivation_evidence([Step(n_sym ** eta * (sp.Sum(m_[u_] ** 1, (u_, 1, n_sym)) / n_sym) ** 1,
                                            n_sym ** (eta - 1) * sp.Sum(m_[u_], (u_, 1, n_sym)))], label="general_n"),
                  mp_identity_evidence(lambda m, e: th.power_mean_agg(m, 1, e),
                                       lambda m, e: mpf(len(m)) ** (e - 1) * mpmath.fsum(mpf(v) for v in m),
                                       [(RANDOM, 0), (RANDOM, 1), (SPREAD, 1), (TIES, mpf("0.5"))],
                                       describe=lambda p: f"{_label(p[0])}, η={p[1]}")],
    ),
    Claim(
        id="agg.pm.limit_max", source="Ex 2b (theory)",
        title="Power mean tends to max as q → +∞ (squeeze 1 ≤ S^(1/q) ≤ n^(1/q))",
        statement=r"\lim_{q\to\infty} P(q,\eta) = |\mathcal N|^{\eta}\max_u m_u",
        recorded="holds", assumptions=(r"m_u \ge 0", r"\max_u m_u > 0"),
        derivation=PM_SQUEEZE_STEPS,
        evidence=[derivation_evidence(PM_SQUEEZE_STEPS, label="general_n", budget=40)]
        + [_pm_tie_evidence(n, "max") for n in range(1, 6)]
        + [_pm_ladder(RANDOM, lambda m: max(mpf(v) for v in m), _QS_UP, bound=_pm_bound_inf(RANDOM)),
           _pm_ladder(TIES, lambda m: max(mpf(v) for v in m), _QS_UP, bound=_pm_bound_inf(TIES)),
           _pm_ladder(SPREAD, lambda m: max(mpf(v) for v in m), _QS_UP, bound=_pm_bound_inf(SPREAD))],
        note=r"With $M = \max_u m_u > 0$ and $m_u = M e^{-c_u}$: $M_q = M\,(1/n)^{1/q} S^{1/q}$, "
             r"$S = \sum_u (m_u/M)^q \in [1, n]$. Rate: $0 \le M - M_q \le M(1 - n^{-1/q}) \le M \log(n)/q$. "
             r"Symbolic tie patterns use $m_u = e^{\ell_u}$, $\ell_1 \le\dots\le \ell_n$.",
    ),
    Claim(
        id="agg.pm.limit_min", source="Ex 2b (theory)",
        title="Power mean tends to min as q → −∞ (positive entries)",
        statement=r"\lim_{q\to-\infty} P(q,\eta) = |\mathcal N|^{\eta}\min_u m_u",
        recorded="holds", assumptions=(r"m_u > 0",),
        evidence=[_pm_tie_evidence(n, "min") for n in range(1, 6)]
        + [_pm_ladder(RANDOM, lambda m: min(mpf(v) for v in m), _QS_DOWN,
                      bound=lambda x: _slack() * min(mpf(v) for v in RANDOM) * (mpmath.power(len(RANDOM), 1 / -x) - 1)),
           _pm_ladder(SPREAD, lambda m: min(mpf(v) for v in m), _QS_DOWN,
                      bound=lambda x: _slack() * min(mpf(v) for v in SPREAD) * (mpmath.power(len(SPREAD), 1 / -x) - 1))],
        note=r"$M_{-q}(m) = 1/M_q(1/m)$; rate $0 \le M_q - \min \le \min\,(n^{1/|q|} - 1)$.",
    ),
    Claim(
        id="agg.pm.limit_geometric", source="Ex 2b (theory)",
        title="Power mean tends to the geometric mean as q → 0",
        statement=r"\lim_{q\to0} P(q,\eta) = |\mathcal N|^{\eta}\Big(\prod_u m_u\Big)^{1/|\mathcal N|}",
        recorded="holds", assumptions=(r"m_u > 0",),
        evidence=[_pm_geo_evidence(),
                  _pm_ladder(RANDOM, _geo, _QS_ZERO, label="ladder:random+"),
                  _pm_ladder(RANDOM, _geo, [-x for x in _QS_ZERO], label="ladder:random-"),
                  _pm_ladder(SPREAD, _geo, _QS_ZERO, label="ladder:spread+")],
    ),
    Claim(
        id="agg.pm.harmonic", source="Ex 2b (theory)",
        title="At q = -1 the power mean is the harmonic mean",
        statement=r"P(-1,\eta) = |\mathcal N|^{\eta}\,\frac{|\mathcal N|}{\sum_u 1/m_u}",
        recorded="holds", assumptions=(r"m_u > 0",),
        evidence=[derivation_evidence([Step((sp.Sum(m_[u_] ** -1, (u_, 1, n_sym)) / n_sym) ** -1,
                                            n_sym / sp.Sum(1 / m_[u_], (u_, 1, n_sym)))], label="general_n"),
                  mp_identity_evidence(lambda m: th.power_mean(m, -1),
                                       lambda m: len(m) / mpmath.fsum(1 / mpf(v) for v in m),
                                       [(RANDOM,), (SPREAD,), (TIES,)], describe=lambda p: _label(p[0]))],
    ),
    Claim(
        id="agg.pm.monotone", source="Ex 2b (theory)",
        title="Power-mean inequality: M_q is non-decreasing in q, strictly unless all m_u are equal",
        statement=r"q < r \Rightarrow M_q(m) \le M_r(m),\ \text{equality iff } m_1 = \dots = m_n",
        recorded="holds", assumptions=(r"m_u > 0", r"q, r \in [-\infty, \infty]"),
        evidence=[_pm_monotone_symbolic(), _pm_monotone_grid(), _pm_equal_constant()],
        note=r"$\frac{d}{dq}\log M_q = \frac{1}{q^2}\sum_u w_u \log(n w_u)$ with $w_u = m_u^q/\sum_v m_v^q$: "
             r"a Kullback--Leibler divergence from the uniform distribution, $\ge 0$ by "
             r"$w\log(nw) \ge w - 1/n$ term-wise.",
    ),
    Claim(
        id="agg.pm.bounds", source="Ex 2b (theory)",
        title="For q > 0: n^(-1/q) max ≤ M_q ≤ max",
        statement=r"|\mathcal N|^{-1/q}\max_u m_u \le M_q(m) \le \max_u m_u\quad(q > 0)",
        recorded="holds", assumptions=(r"m_u \ge 0",),
        derivation=PM_SQUEEZE_STEPS[:3],
        evidence=[derivation_evidence(PM_SQUEEZE_STEPS[:3], label="general_n"), _pm_bounds_grid()],
        note=r"$M_q = M\,(S/n)^{1/q}$ with $1 \le S \le n$; both bounds are attained "
             r"(one non-zero message: lower; all equal: upper).",
    ),
    Claim(
        id="agg.pm.domain_negative", source="Ex 2b (theory)",
        title="With a negative message and non-integer q the power mean is not real",
        statement=r"M_q(m) \in \mathbb R \text{ for all } m \in \mathbb R^n,\ q \in \mathbb R\setminus\{0\}",
        recorded="refuted",
        evidence=[counterexample_evidence(lambda: mpmath.im(th.power_mean_any(("-1", "2"), mpf("0.5"))),
                                          lambda: mpf(0), where="m=(-1, 2), q=1/2: Im M_q vs 0",
                                          tex=r"\[ m=(-1,2),\ q=\tfrac12:\ M_q = \big(\tfrac{i+\sqrt2}{2}\big)^2 "
                                              r"\notin \mathbb R \]")],
        note=r"The domain is $m_u \ge 0$ (messages after a ReLU, say); negative entries make $m_u^q$ complex.",
    ),
    Claim(
        id="agg.pm.domain_even_q", source="Ex 2b (theory)",
        title="With negative messages, even integer q: M_q tends to max |m_u|, not to max m_u",
        statement=r"\lim_{q\to\infty,\ q\in2\mathbb N} M_q(m) = \max_u m_u \text{ for all } m \in \mathbb R^n",
        recorded="refuted",
        evidence=[limit_ladder_evidence(lambda x: th.power_mean_any(("-3", "1"), x).real, lambda: mpf(1),
                                        [mpf(2) * 10 ** j for j in (1, 2, 3, 4)], label="even_q",
                                        describe="M_q(-3, 1) at even q vs max = 1"),
                  counterexample_evidence(lambda: th.power_mean_any(("-3", "1"), 2).real,
                                          lambda: th.power_mean_any(("-3", "1"), 1).real,
                                          where="m=(-3, 1): M_2 vs M_1", label="not_monotone_in_value")],
        note=r"At even $q$, $m_u^q = |m_u|^q$: the limit is $\max_u |m_u| = 3 \ne \max_u m_u = 1$ for "
             r"$m = (-3, 1)$; and $M_1 = -1 < M_2 = \sqrt5$ only because the sign is lost "
             r"($M_2 = M_2(|m|)$), so the ordering no longer interpolates between min and max.",
    ),
    Claim(
        id="agg.pm.zeros", source="Ex 2b (theory)",
        title="Zero messages: for q < 0 and for q = 0 (geometric) the power mean is 0 by continuity",
        statement=r"\exists u: m_u = 0 \Rightarrow \lim_{\varepsilon\to0^+} M_q(m|_{m_u=\varepsilon}) = 0 "
                  r"\ (q<0),\quad \lim_{q\to0^+} M_q(m) = 0",
        recorded="holds", assumptions=(r"m_u \ge 0",),
        evidence=[
            limit_ladder_evidence(lambda e: th.power_mean((e, "1", "2"), -1), lambda: mpf(0),
                                  [mpf(10) ** (-j) for j in (2, 5, 8, 11, 14)], label="q=-1",
                                  bound=lambda e: mpf(3) * e, describe="M_{-1}(ε, 1, 2) ≤ 3ε"),
            limit_ladder_evidence(lambda e: th.power_mean((e, "1", "2"), mpf("-2.5")), lambda: mpf(0),
                                  [mpf(10) ** (-j) for j in (2, 5, 8, 11, 14)], label="q=-2.5",
                                  bound=lambda e: mpf(3) ** (1 / mpf("2.5")) * e),
            limit_ladder_evidence(lambda e: th.power_mean((e, "1", "2"), 0), lambda: mpf(0),
                                  [mpf(10) ** (-j) for j in (6, 15, 30, 45, 60)], label="geometric",
                                  bound=lambda e: _slack() * e ** (mpf(1) / 3) * mpf(2) ** (mpf(1) / 3)),
            limit_ladder_evidence(lambda x: th.power_mean(("0", "1", "2"), x), lambda: mpf(0),
                                  [mpf(1) / j for j in (4, 16, 64, 256, 1024)], label="q->0+",
                                  bound=lambda x: mpf(2) * (mpf(2) / 3) ** (1 / x),
                                  describe="M_q(0, 1, 2) ≤ 2 (2/3)^(1/q) as q → 0+"),
        ],
        note=r"For $q<0$: $\sum_v m_v^q \ge \varepsilon^q$, so $M_q \le n^{1/|q|}\varepsilon$. For $q\to0^+$ "
             r"with a zero among $n$ messages: $M_q \le \max\cdot((n-1)/n)^{1/q} \to 0$.",
    ),
]


# ==================================================================================================
# log-sum-exp facts used by the seed (sheet 7)
# ==================================================================================================

_Zl = 1 + sp.Sum(sp.exp(-lam * d_[u_]), (u_, 1, K_sym - 1))  # Σ_i e^{λ(σ_i − max)}, maximiser first
LSE_STEPS = (
    Step(sp.log(sp.exp(lam * Mx) * _Zl) / lam - Mx, sp.log(_Zl) / lam, "==",
         why="factor exp(λM) out; "
             "d_i = M − σ_i ≥ 0"),
    Step(sp.Integer(0), sp.log(_Zl) / lam, "<=", why="the bracket is ≥ 1", check=_sign_step),
    Step(_Zl, 1 + sp.Sum(sp.Integer(1), (u_, 1, K_sym - 1)), "<=", why="term-wise exp(−λ d_i) ≤ 1",
         check=lambda l, r: th.termwise("<=", {_d_u: sp.Symbol("x", nonnegative=True) / lam},
                                        sp.Symbol("x", nonnegative=True))(l - 1, r - 1)),
    Step(None, K_sym, "=="),
    Step(sp.Limit(sp.log(K_sym) / lam, lam, sp.oo), sp.Integer(0), "==", check=th.limit_check(lam, sp.oo)),
)


def _lse_log_check(lhs, rhs):
    """log(Z)/λ <= log(K)/λ given 1 <= Z <= K (previous steps): log(K/Z) with Z = K/(1+x), x >= 0."""
    x = sp.Symbol("x", nonnegative=True)
    zz = sp.Symbol("Z", positive=True)
    d = (rhs - lhs).subs(_Zl, zz)
    d = sp.expand_log(sp.simplify(d.subs(zz, K_sym / (1 + x))), force=True)
    ok, why = th.prove_nonneg(d, x)
    return ok, f"with Z = K/(1+x), x >= 0 (i.e. Z <= K): {why}"


LSE_STEPS = LSE_STEPS[:4] + (Step(sp.log(_Zl) / lam, sp.log(K_sym) / lam, "<=",
                                  why="log increasing, bracket ≤ K", check=_lse_log_check),
                             LSE_STEPS[4])


def _lse_uniform_sup() -> Evidence:
    """sup_σ (lse − max) = log K/λ, attained at σ constant: the uniform error is exactly log K / λ."""

    def run() -> Outcome:
        with mpmath.workdps(60):
            worst = mpf(0)
            rng = random.Random(7)
            for K in (1, 2, 5, 17):
                for l in (mpf("0.5"), mpf(10), mpf(1000)):
                    const = [mpf(3)] * K
                    attained = lse(const, l) - 3
                    if abs(attained - mpmath.log(K) / l) > mpf(10) ** -50:
                        return Outcome("refuted", f"K={K}: constant σ gives {fmt(attained)}")
                    for _ in range(20):
                        sig = [mpf(rng.uniform(-5, 5)) for _ in range(K)]
                        e = lse(sig, l) - max(sig)
                        if e < 0 or e > mpmath.log(K) / l + mpf(10) ** -50:
                            return Outcome("refuted", f"K={K}: lse - max = {fmt(e)} outside [0, log K/λ]")
                        worst = max(worst, e * l / max(mpmath.log(K), mpf(1)))
        return Outcome("holds", "sup_σ (lse − max) = log K/λ, attained at constant σ",
                       data={"max_ratio_random": float(worst)})

    return Evidence("mpmath", run, label="sup", description="the uniform error is exactly log K/λ")


def lse(sig, l):
    return th.lse(sig, l)


LSE_CLAIMS = [
    Claim(
        id="agg.lse.uniform_max", source="Ex 2a step 1",
        title="lse(σ; λ) → max(σ) uniformly: 0 ≤ lse - max ≤ log(K)/λ",
        statement=r"0 \le \operatorname{lse}(\sigma;\lambda) - \max_i\sigma_i \le \frac{\log K}{\lambda} "
                  r"\xrightarrow{\lambda\to\infty} 0\quad \text{uniformly in } \sigma \in \mathbb R^K",
        recorded="holds", assumptions=(r"\lambda > 0",),
        reading="The seed's 'In sheet 7, we proved lim_(λ→∞) lse(σ; λ) = max(σ)' and 'the convergence is "
                "uniform': read as uniform in σ ∈ ℝ^K.",
        derivation=LSE_STEPS,
        evidence=[derivation_evidence(LSE_STEPS, label="general_k"), _lse_uniform_sup(),
                  limit_ladder_evidence(lambda l: th.lse(RANDOM, l), lambda: max(mpf(v) for v in RANDOM),
                                        [mpf(10) ** j for j in (1, 3, 5, 7, 9, 11)],
                                        bound=lambda l: mpmath.log(len(RANDOM)) / l, label="ladder:random"),
                  limit_ladder_evidence(lambda l: th.lse(TIES, l), lambda: mpf(3),
                                        [mpf(10) ** j for j in (1, 3, 5, 7, 9, 11)],
                                        bound=lambda l: mpmath.log(len(TIES)) / l, label="ladder:ties")],
        note=r"The sup over $\sigma$ equals $\log K/\lambda$ (constant $\sigma$), so the convergence is uniform "
             r"with exactly this rate; with $k$ tied maximisers $\operatorname{lse} - \max \to$ "
             r"$\log(k)/\lambda$-order, still $\to 0$.",
    ),
    Claim(
        id="agg.lse.softargmax_gradient", source="Ex 2a step 2",
        title="softargmax is the gradient of lse (the correct relation between the two)",
        statement=r"\nabla_\sigma \operatorname{lse}(\sigma;\lambda) = \operatorname{softargmax}(\sigma;\lambda)",
        recorded="holds", corrects="agg.seed.2a_softargmax_approx_lse",
        evidence=[Evidence("symbolic", lambda: _grad_check(), label="K=1..5", budget=30,
                           description="exact gradient for K = 1..5"),
                  mp_identity_evidence(
                      lambda sig, l, i: mpmath.diff(lambda x: th.lse(sig[:i] + (x,) + sig[i + 1:], l), mpf(sig[i])),
                      lambda sig, l, i: th.softargmax(sig, l)[i],
                      [(RANDOM, mpf(l), i) for l in ("0.5", "3") for i in (0, 3)]
                      + [(TIES, mpf(2), 1), (TIES, mpf(2), 0)],
                      describe=lambda p: f"{_label(p[0])}, λ={mpmath.nstr(p[1], 3)}, i={p[2]}")],
    ),
    Claim(
        id="agg.lse.zero_shifted_limit", source="Ex 2a step 10",
        title="As λ → 0: lse(σ; λ) - log(n)/λ → mean(σ) (n = number of terms)",
        statement=r"\lim_{\lambda\to0}\Big(\operatorname{lse}(\sigma;\lambda) - \frac{\log n}{\lambda}\Big) "
                  r"= \frac1n\sum_{i}\sigma_i",
        recorded="holds", corrects="agg.seed.2a_lse_zero_limit",
        evidence=[Evidence("symbolic", lambda: _lse_shift_check(), label="n=1..5", budget=30,
                           description="exact two-sided limits, n = 1..5"),
                  limit_ladder_evidence(lambda l: th.lse(RANDOM, l) - mpmath.log(len(RANDOM)) / l,
                                        lambda: mpmath.fsum(mpf(v) for v in RANDOM) / len(RANDOM),
                                        _QS_ZERO, label="ladder:random",
                                        bound=lambda l: l * _spread(RANDOM) ** 2 / 8,
                                        describe="rate |λ| D²/8 (the λ-derivative is Var/2 ≤ D²/8)"),
                  limit_ladder_evidence(lambda l: th.lse(("0", "1"), l) - mpmath.log(2) / l, lambda: mpf("0.5"),
                                        [-x for x in _QS_ZERO], label="ladder:(0,1)-")],
        note=r"$\operatorname{lse}(\sigma;\lambda) - \frac{\log n}{\lambda} = \frac1\lambda\log\big(\frac1n\sum_i "
             r"e^{\lambda\sigma_i}\big)$, a $0/0$ form to which L'H\^opital applies; its gradient in $\sigma$ is "
             r"still softargmax, which tends to $(1/n,\dots,1/n)$: this is the route to "
             r"$S(0,\eta) = |\mathcal N|^{\eta-1}\sum_u m_u$.",
    ),
]


def _grad_check() -> Outcome:
    l = sp.Symbol("lambda", positive=True)
    for K in range(1, 6):
        sig = sp.symbols(f"sigma1:{K + 1}", real=True)
        L = sp.log(sum(sp.exp(l * s) for s in sig)) / l
        for i in range(K):
            if sp.simplify(sp.diff(L, sig[i]) - sp.exp(l * sig[i]) / sum(sp.exp(l * s) for s in sig)) != 0:
                return Outcome("refuted", f"K={K}, i={i}: gradient differs")
    return Outcome("holds", "K=1..5: every component exact")


def _lse_shift_check() -> Outcome:
    x = sp.Symbol("lambda", real=True)
    for n in range(1, 6):
        sig = sp.symbols(f"sigma1:{n + 1}", real=True)
        # lse − log(n)/λ = (1/λ) log((1/n) Σ e^{λσ_i}) (log a − log n = log(a/n))
        f = sp.log(sum(sp.exp(x * s) for s in sig) / n) / x
        for direction in ("+", "-"):
            val = sp.limit(f, x, 0, direction)
            if sp.simplify(val - sum(sig) / n) != 0:
                return Outcome("refuted", f"n={n}: limit {sp.sstr(val)}")
    return Outcome("holds", "n=1..5, both sides: limit = mean")


# ==================================================================================================
# The seed's derivation of Ex 2a, step by step
# ==================================================================================================


def _softargmax_vs_lse() -> Evidence:
    """Even broadcast component-wise, softargmax_i − lse does not vanish (σ = (0, 1), λ = 50)."""
    sig = ("0", "1")
    return counterexample_evidence(lambda: th.softargmax(sig, 50)[0], lambda: th.lse(sig, 50),
                                   where="σ=(0, 1), λ=50: softargmax_1 vs lse",
                                   tex=r"\[ \sigma=(0,1),\ \lambda=50:\ \operatorname{softargmax} "
                                       r"\approx (1.9\cdot10^{-22}, 1) \in \mathbb R^2,\ "
                                       r"\operatorname{lse} \approx 1.0000 \in \mathbb R \]")


def _shape_evidence() -> Evidence:
    def run() -> Outcome:
        with mpmath.workdps(50):
            v = th.softargmax(("0", "1", "2"), 10)
            s = th.lse(("0", "1", "2"), 10)
        same = isinstance(v, (list, tuple)) == isinstance(s, (list, tuple))
        return Outcome("holds" if same else "refuted",
                       f"softargmax in R^{len(v)}, lse in R (scalar)",
                       "a vector in R^K cannot be approximately equal to a scalar")

    return Evidence("mpmath", run, label="shapes", description="the two sides live in different spaces")


def _uniform_reason_evidence() -> Evidence:
    return divergence_evidence(lambda l: mpmath.exp(l * 1), [mpf(10), mpf(100), mpf(1000)],
                               label="exp_diverges", what="e^{λσ} at σ=1")


def _interchange_cex() -> Evidence:
    """f_λ(x) = sin(λ² x)/λ → 0 uniformly (sup = 1/λ), but ∂_x f_λ(0) = λ → ∞ ≠ 0 = ∂_x lim f."""
    return divergence_evidence(lambda l: mpmath.diff(lambda x: mpmath.sin(l ** 2 * x) / l, 0),
                               [mpf(10), mpf(100), mpf(1000), mpf(10000)], label="derivative_diverges",
                               what="∂_x f_λ(0)")


def _interchange_uniform() -> Evidence:
    """The premise holds (sup_x |f_λ| = 1/λ → 0, sampled sup on a fine grid) and the conclusion fails."""

    def run() -> Outcome:
        with mpmath.workdps(60):
            rows = []
            for l in (mpf(10), mpf(100), mpf(1000)):
                grid = [mpf(j) / 4096 for j in range(-4096, 4097)]
                sup = max(abs(mpmath.sin(l ** 2 * x) / l) for x in grid)
                dfdx = mpmath.diff(lambda x: mpmath.sin(l ** 2 * x) / l, 0)
                rows.append((l, sup, dfdx))
        premise = all(r[1] <= 1 / r[0] for r in rows) and rows[-1][1] < rows[0][1] / 50
        diverges = all(b[2] >= 9 * a[2] for a, b in zip(rows, rows[1:]))
        fig = "sup|f_λ| " + ", ".join(fmt(r[1]) for r in rows) + "; ∂f_λ(0) " + ", ".join(fmt(r[2]) for r in rows)
        if premise and diverges:
            return Outcome("refuted", fig + " (λ = 10, 100, 1000)")
        return Outcome("undecided", fig)

    return Evidence("mpmath", run, label="premise_and_conclusion",
                    description="f_λ = sin(λ²x)/λ: uniform convergence to 0, derivative at 0 diverges")


def _interchange_cex_fixed() -> Evidence:
    l = mpf(1000)
    return counterexample_evidence(lambda: mpmath.diff(lambda x: mpmath.sin(l ** 2 * x) / l, 0), lambda: mpf(0),
                                   where="f_λ(x)=sin(λ²x)/λ, λ=1000, x=0: ∂f_λ vs ∂(lim f)=0",
                                   tex=r"\[ f_\lambda(x) = \frac{\sin(\lambda^2 x)}{\lambda}:\ "
                                       r"\sup_x|f_\lambda| = \frac1\lambda \to 0,\ \partial_x f_\lambda(0) = \lambda \to \infty \]")


def _max_grad_condition() -> Evidence:
    """Unique maximiser: the gradient of max is e_argmax, and (∇ max)·m = max (finite differences, 60 digits)."""

    def run() -> Outcome:
        with mpmath.workdps(60):
            worst = mpf(0)
            for m in (RANDOM, ("1", "3", "2"), ("0.5", "-1")):
                mv = [mpf(v) for v in m]
                i = mv.index(max(mv))
                g = []
                for j in range(len(mv)):
                    h = mpf(10) ** -30
                    up = mv[:j] + [mv[j] + h] + mv[j + 1:]
                    dn = mv[:j] + [mv[j] - h] + mv[j + 1:]
                    g.append((max(up) - max(dn)) / (2 * h))
                e = [mpf(1 if j == i else 0) for j in range(len(mv))]
                worst = max(worst, max(abs(a - b) for a, b in zip(g, e)),
                            abs(mpmath.fsum(a * b for a, b in zip(g, mv)) - max(mv)))
        ok = worst < mpf(10) ** -25
        return Outcome("holds" if ok else "refuted", f"max |∇max − e_argmax| {fmt(worst)}")

    return Evidence("mpmath", run, label="unique_max", about="condition",
                    description="central differences at 60 digits, unique maximiser")


def _max_grad_ties() -> Evidence:
    h = mpf(10) ** -30
    m = [mpf(1), mpf(1)]
    return counterexample_evidence(lambda: (max(m[0] + h, m[1]) - max(m)) / h,
                                   lambda: (max(m) - max(m[0] - h, m[1])) / h,
                                   where="m=(1, 1): right vs left derivative of max in m_1", about="statement",
                                   tex=r"\[ m = (1,1):\ \partial^+_{m_1}\max = 1 \ne 0 = \partial^-_{m_1}\max \]")


def _softargmax_limit_ties() -> Evidence:
    return counterexample_evidence(lambda: th.softargmax(TIES, 10 ** 4)[1], lambda: mpf(1),
                                   where="m=(1,3,3,2), λ=1e4: softargmax_2 vs (e_argmax)_2",
                                   label="ties")


def _eta_cex() -> Evidence:
    return counterexample_evidence(lambda: th.softmax_agg(("1", "2"), mpf("inf"), 1), lambda: mpf(2),
                                   where="m=(1, 2), η=1: lim S vs max", label="eta=1")


SEED_2A = [
    Claim(
        id="agg.seed.2a_softargmax_approx_lse", source="Ex 2a step 2",
        title="Seed: softargmax(σ; λ) ~ lse(σ; λ) as λ → ∞",
        statement=r"\operatorname{softargmax}(\sigma;\lambda) \overset{\lambda\to\infty}{\approx} "
                  r"\operatorname{lse}(\sigma;\lambda)",
        recorded="refuted",
        reading="'soft(arg)max' read as softargmax (the weight vector in ℝ^K); the component-wise reading "
                "softargmax_i ≈ lse is tested as well.",
        evidence=[_shape_evidence(), _softargmax_vs_lse()],
        note=r"A vector in $\mathbb R^K$ against a scalar; component-wise the gap tends to $\max\sigma$ or "
             r"$\max\sigma - 1$. The correct relation is $\operatorname{softargmax} = \nabla_\sigma\operatorname{lse}$ "
             r"(\texttt{agg.lse.softargmax\_gradient}).",
    ),
    Claim(
        id="agg.seed.2a_uniform_reason", source="Ex 2a step 3",
        title="Seed's reason: log, sum, exp 'converge uniformly in λ'",
        statement=r"\lambda \mapsto e^{\lambda\sigma} \text{ converges (uniformly) as } \lambda\to\infty",
        recorded="refuted",
        reading="The parenthesis 'bc. log, sum, exp. converge uniformly in λ' read as a claim about the "
                "building blocks exp(λσ_i), Σ, log.",
        evidence=[_uniform_reason_evidence()],
        note=r"$e^{\lambda\sigma}$ diverges for $\sigma>0$; the uniform convergence of lse is true "
             r"(\texttt{agg.lse.uniform\_max}) but follows from the sandwich $0\le\operatorname{lse}-\max\le\log K/\lambda$, "
             r"not from its building blocks.",
    ),
    Claim(
        id="agg.seed.2a_interchange", source="Ex 2a step 4",
        title="Seed: uniform convergence of f lets one swap lim and d/dx",
        statement=r"f_\lambda \rightrightarrows f \Rightarrow \lim_{\lambda\to\infty}\partial_x f_\lambda = "
                  r"\partial_x \lim_{\lambda\to\infty} f_\lambda",
        recorded="refuted",
        evidence=[_interchange_uniform(), _interchange_cex(), _interchange_cex_fixed()],
        note=r"The counterexample: $f_\lambda(x) = \sin(\lambda^2x)/\lambda$ converges uniformly to $0$ "
             r"(sup $=1/\lambda$, first evidence) while $\partial_x f_\lambda(0) = \lambda$ diverges. "
             r"The correct theorem needs uniform convergence of the derivatives $\partial_x f_\lambda$. "
             r"For lse those are softargmax, which converge to $e_{\arg\max}$ only with a unique maximiser, "
             r"and not uniformly near ties; \texttt{agg.seed.2a\_limit\_max} is proved without the swap.",
    ),
    Claim(
        id="agg.seed.2a_softargmax_limit", source="Ex 2a step 5",
        title="Seed: lim softargmax(m; λ) = gradient of max = e_argmax",
        statement=r"\lim_{\lambda\to\infty}\operatorname{softargmax}(m;\lambda) = \nabla_m \max(m) = e_{\arg\max m}",
        condition=r"\text{unique maximiser}", recorded="holds_if",
        evidence=[_max_grad_condition(),
                  limit_ladder_evidence(lambda l: th.softargmax(RANDOM, l)[RANDOM.index(max(RANDOM, key=mpf))],
                                        lambda: mpf(1), [mpf(10) ** j for j in (1, 2, 3, 4)],
                                        dps=[60, 80, 200, 1800], label="ladder:random", about="condition"),
                  _softargmax_limit_ties(), _max_grad_ties()],
        note=r"With $k$ tied maximisers the weights tend to $1/k$ on each and $\max$ is not differentiable "
             r"(one-sided derivatives $1$ and $0$).",
    ),
    Claim(
        id="agg.seed.2a_max_gradient_dot", source="Ex 2a step 7 (*)",
        title="Seed (*): d max(m)/dm = e_argmax, hence (d max/dm) . m = max m",
        statement=r"\frac{\partial}{\partial m}\max(m)\cdot m = \max_u m_u",
        condition=r"\text{unique maximiser}", recorded="holds_if",
        evidence=[Evidence(_max_grad_condition().kind, _max_grad_condition().run, label="unique_max",
                           about="condition"),
                  _max_grad_ties()],
        note=r"Under ties $\partial\max/\partial m$ does not exist; a subgradient $g$ still gives "
             r"$g\cdot m = \max m$, so the \emph{value} is right, but the seed's derivation needs the gradient.",
    ),
    Claim(
        id="agg.seed.2a_limit_max", source="Ex 2a step 8",
        title="Seed's result: lim_{λ→∞} softmax_agg = |N|^η max (also with ties)",
        statement=r"\lim_{\lambda\to\infty}\operatorname{softmax\_agg}(v,m,\lambda,\eta) = |\mathcal N(v)|^{\eta}\max_u m_u",
        recorded="holds",
        evidence=[_ladder_to_max(TIES, 1), _ladder_to_max(RANDOM, 0),
                  tie_pattern_limit_evidence(4, _softmax_limit_build(+1), lam, sp.oo)],
        note=r"True, including ties, by the squeeze of \texttt{agg.softmax.limit\_max}; the seed's route "
             r"through the interchange (step 4) is invalid and breaks at ties (step 5).",
    ),
    Claim(
        id="agg.seed.2a_mean_max_wording", source="Ex 2a step 9",
        title="Seed: 'one obtains the (mean) max aggregation' as λ → ∞",
        statement=r"\lim_{\lambda\to\infty} S(\lambda,\eta) = \max_u m_u \ \text{(the max aggregation)}",
        condition=r"\eta = 0", recorded="holds_if",
        reading="'mean max aggregation' read as 'max aggregation' ('mean' a slip; the limit is no mean).",
        evidence=[Evidence(_ladder_to_max(RANDOM, 0).kind, _ladder_to_max(RANDOM, 0).run, label="ladder:eta=0",
                           about="condition"),
                  _eta_cex(),
                  counterexample_evidence(lambda: th.softmax_agg(("1", "2"), mpf("inf"), 0), lambda: mpf("1.5"),
                                          where="m=(1, 2), η=0: lim S vs mean", label="not_mean")],
        note=r"For $\eta\ne0$ the limit is $|\mathcal N|^\eta\max$: for $\eta=1$, $m=(1,2)$ it is $4$, neither the "
             r"max ($2$) nor the mean ($1.5$).",
    ),
    Claim(
        id="agg.seed.2a_lse_zero_is_0over0", source="Ex 2a step 10",
        title="Seed: (1/λ) log sum_{i=0}^K exp(λ σ_i) is a 0/0 form at λ → 0",
        statement=r"\lim_{\lambda\to0}\log\sum_{i=0}^{K} e^{\lambda\sigma_i} = 0",
        recorded="refuted",
        evidence=[counterexample_evidence(lambda: mpmath.log(mpmath.fsum(mpmath.exp(mpf("1e-40") * s)
                                                                          for s in (0, 1))),
                                          lambda: mpf(0), where="σ=(0, 1) (K=1), λ=1e-40: numerator vs 0",
                                          tex=r"\[ \log\sum_{i=0}^{1} e^{0} = \log 2 \ne 0 \]")],
        note=r"The numerator tends to $\log(K+1)$ (with $i = 0..K$), not $0$: L'H\^opital does not apply.",
    ),
    Claim(
        id="agg.seed.2a_lse_zero_limit", source="Ex 2a step 12",
        title="Seed: lim_{λ→0} lse(σ; λ) = Σ σ_i / K",
        statement=r"\lim_{\lambda\to0}\frac1\lambda\log\sum_{i=0}^{K}e^{\lambda\sigma_i} = \frac{\sum_i\sigma_i}{K}",
        recorded="refuted",
        evidence=[divergence_evidence(lambda l: th.lse(("0", "1"), l), [mpf(10) ** -j for j in (2, 4, 6, 8)],
                                      label="diverges+", what="lse((0,1); λ→0+)"),
                  divergence_evidence(lambda l: th.lse(("0", "1"), l), [-mpf(10) ** -j for j in (2, 4, 6, 8)],
                                      label="diverges-", what="|lse((0,1); λ→0−)|"),
                  counterexample_evidence(lambda: mpmath.fsum([0, 1]) / 1, lambda: mpf("0.5"),
                                          where="σ=(0, 1) (K=1): Σσ/K vs mean", label="index_range")],
        note=r"$\operatorname{lse}(\sigma;\lambda) \sim \log(K+1)/\lambda \to \pm\infty$ as $\lambda\to0^\pm$. "
             r"The L'H\^opital quotient $\sum_i e^{\lambda\sigma_i}\sigma_i/\sum_i e^{\lambda\sigma_i}$ (step 11, "
             r"correct) tends to the mean over the $K+1$ terms $i=0..K$, not $\sum\sigma_i/K$. Correct: "
             r"\texttt{agg.lse.zero\_shifted\_limit}.",
    ),
    Claim(
        id="agg.seed.2a_lhopital_quotient", source="Ex 2a step 11",
        title="Seed: d/dλ log Σ exp(λ σ_i) = Σ exp(λ σ_i) σ_i / Σ exp(λ σ_i)",
        statement=r"\frac{\partial}{\partial\lambda}\log\sum_{i}e^{\lambda\sigma_i} = "
                  r"\frac{\sum_i e^{\lambda\sigma_i}\sigma_i}{\sum_i e^{\lambda\sigma_i}}",
        recorded="holds",
        evidence=[derivation_evidence([Step(sp.diff(sp.log(sp.Sum(sp.exp(lam * m_[u_]), (u_, 0, K_sym))), lam),
                                            sp.Sum(sp.exp(lam * m_[u_]) * m_[u_], (u_, 0, K_sym))
                                            / sp.Sum(sp.exp(lam * m_[u_]), (u_, 0, K_sym)))], label="general_k")],
        note=r"This step is right; at $\lambda = 0$ it gives the mean of the $K+1$ values $\sigma_0..\sigma_K$.",
    ),
    Claim(
        id="agg.seed.2a_limit_zero_result", source="Ex 2a step 13",
        title="Seed: lim_{λ→0} softmax_agg = |N|^η Σ_u m_u / Σ m_u",
        statement=r"\lim_{\lambda\to0}\operatorname{softmax\_agg}(v,m,\lambda,\eta) = "
                  r"|\mathcal N(v)|^\eta\sum_{u}\frac{m_u}{\sum_w m_w}",
        recorded="refuted",
        evidence=[counterexample_evidence(lambda: th.softmax_agg(("1", "2"), mpf("1e-40"), 0),
                                          lambda: mpf(1), where="m=(1, 2), η=0, λ=1e-40: S vs seed's 1",
                                          tex=r"\[ m=(1,2),\ \eta=0:\ \lim_{\lambda\to0}S = 1.5 \ne 1 = "
                                              r"\sum_u m_u/\sum_w m_w \]")],
        note=r"The seed's right side is $|\mathcal N|^\eta$ whatever $m$ is. Correct: "
             r"$|\mathcal N|^{\eta-1}\sum_u m_u$ (\texttt{agg.softmax.at\_zero}).",
    ),
]


# ==================================================================================================
# The seed's derivation of Ex 2b, step by step
# ==================================================================================================

_POS = ("0.7", "1.9", "1.2")  # a neighbourhood with max > 1
_SMALL = ("0.25", "0.5")  # max < 1


def _ratio_literal() -> Evidence:
    return divergence_evidence(lambda x: mpmath.fsum(mpf(v) ** x for v in _POS) / max(mpf(v) for v in _POS),
                               [mpf(10), mpf(100), mpf(1000)], label="max>1", what="Σ m^q / m at m=(0.7,1.9,1.2)")


def _S(m, x):
    top = max(mpf(v) for v in m)
    return mpmath.fsum((mpf(v) / top) ** x for v in m)


def _s_identity_check(lhs, rhs):
    """(Σ (M e^{-c})^q)^{1/q}/M == (Σ e^{-qc})^{1/q}: pull M^q out of the sum (M > 0)."""
    inner_l = sp.Sum(sp.expand_power_base((Mx * sp.exp(-c_[u_])) ** q, force=False), (u_, 1, n_sym))
    pulled = Mx ** q * sp.Sum(sp.exp(-c_[u_]) ** q, (u_, 1, n_sym))
    if sp.simplify(inner_l.doit() - pulled) != 0 and sp.simplify(sp.factor_terms(inner_l) - pulled) != 0:
        return None, "could not pull M^q out of the sum"
    lhs2 = pulled ** (1 / q) / Mx
    ok = sp.simplify(sp.powsimp(sp.expand_power_base(lhs2, force=False), force=False) - rhs) == 0
    return (True, "M^q pulled out of the sum; (M^q X)^{1/q} = M X^{1/q} for M, X > 0") if ok else \
        (None, "power identity not shown")


SEED_2B = [
    Claim(
        id="agg.seed.2b_q1", source="Ex 2b step 2",
        title="Seed: pma(v, m, 1, η) = |N|^(η-1) Σ m_u",
        statement=r"\operatorname{pma}(v,\vec m,1,\eta) = |\mathcal N(v)|^{\eta-1}\sum_u m_u",
        recorded="holds",
        evidence=[mp_identity_evidence(lambda m, e: th.power_mean_agg(m, 1, e),
                                       lambda m, e: mpf(len(m)) ** (e - 1) * mpmath.fsum(mpf(v) for v in m),
                                       [(RANDOM, 1), (_POS, 0), (SPREAD, mpf("0.3"))],
                                       describe=lambda p: f"{_label(p[0])}, η={p[1]}")],
        note=r"Same as \texttt{agg.pm.q1\_mean}: $\eta = 1$ gives the sum, $\eta = 0$ the mean.",
    ),
    Claim(
        id="agg.seed.2b_factorisation", source="Ex 2b step 3",
        title="Seed: pma = |N|^η (1/|N|)^(1/q) (Σ_u m_u^q)^(1/q)",
        statement=r"|\mathcal N|^\eta\Big(\frac{1}{|\mathcal N|}\sum_u m_u^q\Big)^{1/q} = "
                  r"|\mathcal N|^\eta\Big(\frac{1}{|\mathcal N|}\Big)^{1/q}\Big(\sum_u m_u^q\Big)^{1/q}",
        recorded="holds", assumptions=(r"m_u \ge 0", r"q > 0"),
        evidence=[derivation_evidence([Step((sp.Symbol("Sigma", positive=True) / n_sym) ** (1 / q),
                                            (1 / n_sym) ** (1 / q) * sp.Symbol("Sigma", positive=True) ** (1 / q))],
                                      label="general_n")],
        note=r"Here $\Sigma = \sum_u m_u^q > 0$; $(ab)^{1/q} = a^{1/q}b^{1/q}$ for $a, b > 0$.",
    ),
    Claim(
        id="agg.seed.2b_underbrace_literal", source="Ex 2b step 4",
        title="Seed's underbrace as transcribed: (Σ_u m_u^q)^(-1/q) → 1",
        statement=r"\Big(\sum_u m_u^q\Big)^{-1/q} \xrightarrow{q\to\infty} 1",
        recorded="refuted",
        reading="Literal OCR: the underbraced factor is (Σ_u m_u^q)^(−1/q).",
        evidence=[limit_ladder_evidence(lambda x: mpmath.fsum(mpf(v) ** x for v in _POS) ** (-1 / x), lambda: mpf(1),
                                        [mpf(10) ** j for j in (1, 2, 3, 4)], label="tends_to_1_over_max"),
                  counterexample_evidence(lambda: mpmath.fsum(mpf(v) ** 1000 for v in _POS) ** (-mpf(1) / 1000),
                                          lambda: mpf(1), where="m=(0.7, 1.9, 1.2), q=1000")],
        note=r"It tends to $1/\max_u m_u$; the intended factor is $(1/|\mathcal N|)^{1/q}$ "
             r"(\texttt{agg.seed.2b\_underbrace\_intended}).",
    ),
    Claim(
        id="agg.seed.2b_underbrace_intended", source="Ex 2b step 4",
        title="Seed's underbrace as intended: (1/|N|)^(1/q) → 1",
        statement=r"\Big(\frac{1}{|\mathcal N|}\Big)^{1/q} \xrightarrow{q\to\infty} 1",
        recorded="holds", corrects="agg.seed.2b_underbrace_literal",
        reading="Intended: the factor split off in step 3, (1/|N|)^(1/q).",
        evidence=[derivation_evidence([PM_SQUEEZE_STEPS[-1]], label="general_n"),
                  limit_ladder_evidence(lambda x: mpf(1) / mpf(7) ** (1 / x), lambda: mpf(1), _QS_UP, label="n=7",
                                        bound=lambda x: mpmath.log(7) / x)],
    ),
    Claim(
        id="agg.seed.2b_limit_max", source="Ex 2b step 5",
        title="Seed: lim_{q→∞} pma = |N|^η lim (Σ m^q)^(1/q) = |N|^η max",
        statement=r"\lim_{q\to\infty}\operatorname{pma}(v,\vec m,q,\eta) = |\mathcal N|^\eta\max_u m_u",
        recorded="holds", assumptions=(r"m_u \ge 0",),
        evidence=[Evidence("mpmath", _pm_ladder(_POS, lambda m: max(mpf(v) for v in m), _QS_UP,
                                                bound=_pm_bound_inf(_POS)).run, label="ladder:pos"),
                  limit_ladder_evidence(lambda x: th.power_mean_agg(TIES, x, 1), lambda: 4 * mpf(3), _QS_UP,
                                        bound=lambda x: 4 * 3 * mpmath.log(4) / x, label="ladder:ties_eta=1")],
    ),
    Claim(
        id="agg.seed.2b_ratio_literal", source="Ex 2b step 6 (*)",
        title="Seed (*) as written: lim_{q→∞} Σ_u m_u^q / m = 1",
        statement=r"\lim_{q\to\infty}\frac{\sum_u m_u^q}{\max_u m_u} = 1",
        recorded="refuted", reading="Literal: no 1/q power on the sum (the next line of the seed has it).",
        evidence=[_ratio_literal(),
                  limit_ladder_evidence(lambda x: mpmath.fsum(mpf(v) ** x for v in _SMALL) / mpf("0.5"), lambda: mpf(1),
                                        [mpf(10), mpf(100), mpf(1000)], label="max<1")],
        note=r"The ratio tends to $\infty$ if $\max > 1$ and to $0$ if $\max < 1$; the next line of the seed "
             r"shows the intended $(\sum_u m_u^q)^{1/q}/\max$.",
    ),
    Claim(
        id="agg.seed.2b_ratio_intended", source="Ex 2b step 6 (*)",
        title="Seed (*) as intended: lim (Σ_u m_u^q)^(1/q) / m = 1, m = max",
        statement=r"\lim_{q\to\infty}\frac{(\sum_u m_u^q)^{1/q}}{\max_u m_u} = 1",
        recorded="holds", corrects="agg.seed.2b_ratio_literal",
        derivation=PM_SQUEEZE_STEPS[:6],
        evidence=[derivation_evidence(PM_SQUEEZE_STEPS[:6], label="general_n"),
                  limit_ladder_evidence(lambda x: mpmath.fsum(mpf(v) ** x for v in _POS) ** (1 / x) / mpf("1.9"),
                                        lambda: mpf(1), _QS_UP, bound=lambda x: mpmath.log(3) / x,
                                        label="ladder:pos")],
    ),
    Claim(
        id="agg.seed.2b_s_identity", source="Ex 2b step 7",
        title="Seed: (Σ m_u^q)^(1/q)/m = (Σ (m_u/m)^q)^(1/q)",
        statement=r"\frac{(\sum_u m_u^q)^{1/q}}{m} = \Big(\sum_u \big(\tfrac{m_u}{m}\big)^q\Big)^{1/q}",
        recorded="holds", assumptions=(r"m = \max_u m_u > 0", r"q > 0"),
        evidence=[derivation_evidence([Step(sp.Sum((Mx * sp.exp(-c_[u_])) ** q, (u_, 1, n_sym)) ** (1 / q) / Mx,
                                            sp.Sum(sp.exp(-c_[u_]) ** q, (u_, 1, n_sym)) ** (1 / q),
                                            check=_s_identity_check)], label="general_n"),
                  mp_identity_evidence(lambda m, x: mpmath.fsum(mpf(v) ** x for v in m) ** (1 / x) / max(map(mpf, m)),
                                       lambda m, x: mpmath.fsum((mpf(v) / max(map(mpf, m))) ** x for v in m) ** (1 / x),
                                       [(_POS, mpf(3)), (RANDOM, mpf("0.5")), (SPREAD, mpf(2))],
                                       describe=lambda p: f"{_label(p[0])}, q={p[1]}")],
    ),
    Claim(
        id="agg.seed.2b_s_bounds", source="Ex 2b step 8",
        title="Seed: S := Σ (m_u/m)^q satisfies 1 ≤ S ≤ p",
        statement=r"1 \le S = \sum_u\Big(\frac{m_u}{\max_v m_v}\Big)^q \le p",
        condition=r"p \ge |\mathcal N| \ (\text{intended: } p = |\mathcal N|)", recorded="holds_if",
        reading="p read literally as a fixed constant (the only p of the sheet is Ex 1's feature dimension, "
                "p = 256); the intended reading p = |N| is the condition with equality.",
        derivation=PM_SQUEEZE_STEPS[:3],
        evidence=[derivation_evidence(PM_SQUEEZE_STEPS[:3], label="general_n", about="condition"),
                  counterexample_evidence(lambda: mpmath.fsum((mpf(1) / 1) ** 5 for _ in range(3)), lambda: mpf(2),
                                          where="|N|=3 equal messages, p=2: S vs p"),
                  mp_predicate_evidence(lambda c: min(_S(c[0], c[1]) - 1, len(c[0]) - _S(c[0], c[1])),
                                        [(f"{_label(m)}, q={x}", (m, mpf(x))) for m in (RANDOM, TIES, SPREAD)
                                         for x in ("0.5", "3", "40")], label="grid", about="condition",
                                        what="margin to [1, |N|]")],
        note=r"$S = n$ exactly when all messages are equal, so no $p < |\mathcal N|$ works; Ex 1's $p = 256$ "
             r"would work only for neighbourhoods with at most $256$ members.",
    ),
    Claim(
        id="agg.seed.2b_s_squeeze", source="Ex 2b step 9",
        title="Seed: S^(1/q) → 1 by the squeeze 1 ≤ S^(1/q) ≤ |N|^(1/q)",
        statement=r"\lim_{q\to\infty} S^{1/q} = 1",
        recorded="holds", derivation=PM_SQUEEZE_STEPS[3:6],
        evidence=[derivation_evidence(PM_SQUEEZE_STEPS[3:6], label="general_n"),
                  limit_ladder_evidence(lambda x: _S(RANDOM, x) ** (1 / x), lambda: mpf(1), _QS_UP,
                                        bound=lambda x: mpmath.log(len(RANDOM)) / x, label="ladder:random")],
    ),
]


# ==================================================================================================
# Ex 2c: the observation printed under 2c
# ==================================================================================================

SEED_2C = [
    Claim(
        id="agg.seed.2c_observation_topic", source="Ex 2c (printed observation)",
        title="Seed: the observation under 2c ('both score matrices look essentially the same') describes Ex 2",
        statement=r"\text{The 2c observation (two score matrices, strong main diagonal, decaying oscillating "
                  r"off-diagonal) describes the aggregations } S, P \text{ of Ex 2}",
        recorded="refuted",
        reading="The text printed under '1.2.3 c)' in both OCR renderings; it repeats the Ex 1b/1c wording "
                "about KᵀQ heatmaps (add vs. cat).",
        evidence=[observation_evidence()],
        note=r"The pattern test (diagonal dominance, decay, oscillation of the diagonal profile) is applied to "
             r"the seed's own Ex 1c matrices $K^\top Q$ (add, cat) and to the only matrices Ex 2 produces, node "
             r"$\times$ channel outputs of $S$ and $P$ on a path graph. The content of the observation "
             r"(whether add and cat look alike) is decided in the positional topic (\texttt{pe.kq.essentially\_same}).",
    ),
]


ALL_LEGACY = attach(SOFTMAX_CLAIMS + GAP_CLAIMS + POWER_MEAN_CLAIMS + LSE_CLAIMS + SEED_2A + SEED_2B + SEED_2C) \
    + kernel_claims()
