r"""Claims ``os.interp.*``: the seed's Ex 2 interpolating aggregations, repeated on a graph.

Softmax aggregation at ``λ`` (``S(m; λ) = Σ_u softmax(λ m)_u m_u`` over the closed neighbourhood; ``λ = 0`` the
mean, ``λ → ±∞`` max / min) and the power mean at ``q`` (``M_q``; ``q = 1`` the mean, ``q = 0`` geometric,
``q → ±∞`` max / min), iterated ``x^{(L+1)}_v = AGG((x^{(L)}_u)_{u ∈ N[v]})``.  What we decide:

* fixed points: a constant neighbourhood aggregates to its constant (general ``n``), and there are no other fixed
  points for finite ``λ``/``q`` (the spread shrinks strictly over ``diam(G)`` layers);
* consensus for every finite ``λ`` with a proved (weak) contraction bound, and the *asymptotic* rate, which is
  the mean operator's ``|λ₂|`` per layer for the spread and ``λ₂²`` for the Dirichlet energy, independent of
  ``λ`` and ``q`` (observed: the layer is a smooth averaging whose linearisation at consensus is ``D̃⁻¹Ã``);
* large ``λ``: for a fixed number of layers the spread tends to that of max aggregation (0 after ``diam(G)``
  layers), but no finite ``λ`` reaches consensus in finite time -- the two limits do not commute;
* the power mean is the mean in the coordinates ``x^q`` (general ``n``), so its consensus is the ``π``-weighted
  power mean ``(Σ_v π_v x_v^q)^{1/q}`` exactly, tending to ``max``/``min`` as ``q → ±∞``;
* the softmax consensus value: ``πᵀX₀`` at ``λ = 0``, strictly above it for ``λ > 0`` (below for ``λ < 0``),
  tending to ``max X₀`` as ``λ → ∞``.

Every statement is SymPy over the quantities of :mod:`.interp_quantities` (trajectories in mpmath) and
:mod:`verify.aggregation.quantities`; the numpy evidence evaluates the same statements with the package's kernels
(``propagate``, ``second_eigenvalue_modulus``) substituted (:func:`.maxmin.kernel_points`, :func:`kernel_limit`).
"""

from __future__ import annotations

from typing import Any, Sequence

import mpmath
import sympy as sp

from verify.aggregation.quantities import M, card, lam, mpos, q, vmax, vmin, vsum
from verify.core.claim import Claim, Evidence, Mutant, Outcome, Prop, Step
from verify.core.evaluate import CannotEvaluate
from verify.core.numeric import _instances_for, at_points, counterexample, exact_limit, fmt, limit_ladder
from verify.core.statement import All, Lim, Rel
from verify.core.symbolic import derivation_evidence

from .interp_quantities import (KERNELS, Pc, Sc, dmax, lam2, mpow, mspread, pcons, peratio, pimean, pratio,
                                pspread, scons, seratio, sratio, sspread, wgeo, wpm, xMq, xP)
from .maxmin import G, L, X, gid, _where, diam, kernel_points, kernel_value, v, xnum

P5, P6, C7, S4, KARATE = (gid(k) for k in ("P_5", "P_6", "C_7", "S_4", "karate"))

#: P_5 with the maximum held by the closed neighbourhood of one end and the minimum by that of the other: one
#: layer keeps the spread (the two ends stay), two layers shrink it; positive (power mean), alternating sum != 0
XP5 = ("2", "2", "1.3", "1", "1")
#: P_6 with a unique maximum at an end node (max aggregation needs all diam(P_6) = 5 layers)
XP6 = ("0.9", "0.1", "0.5", "0.3", "0.7", "0.2")


def _pos(xs: Sequence[str]) -> tuple:
    """Shift decimal features in (0, 1) to (1, 2) (positive for the power mean)."""
    return tuple(f"{float(a) + 1:.4f}" for a in xs)


X6 = _pos(xnum(6, 11))
X7 = _pos(xnum(7, 12))
X5S = _pos(xnum(5, 13))
X34 = _pos(xnum(34, 14))

c = sp.Symbol("c", real=True)
cp = sp.Symbol("c", positive=True)
n = sp.Symbol("n", integer=True, positive=True)
lp = sp.Symbol("lambda_+", positive=True)
ln = sp.Symbol("lambda_-", negative=True)


# ==============================================================================================================
# evidence: the package's kernels along a ladder of layer counts
# ==============================================================================================================

def kernel_limit(instances: Sequence[dict], xs: Sequence[int], rtol: float = 1e-6, label: str = "kernel",
                 about: str = "statement", description: str = "", budget: float = 60.0) -> Evidence:
    """numpy evidence for the statement's ``Lim`` parts: ``f`` with the package's float64 kernels substituted
    (``propagate``; ``second_eigenvalue_modulus`` for ``λ₂``) at the rungs ``xs`` of the limit variable, against
    the claimed value evaluated the same way.  ``holds`` when the last distance is within ``rtol`` (relative to
    ``max(1, |value|)``) or, for a decreasing ladder, below ``10^-4`` of the first; ``refuted`` when it stalls
    above that (the last rung not even halving the distance); otherwise undecided."""
    instances = [dict(i) for i in instances]
    xs = list(xs)

    def run(prop: Prop) -> Outcome:
        parts = [p for p in prop.statement.parts() if isinstance(p, Lim)]
        if not parts:
            return Outcome("undecided", "no limit in the statement")
        insts = _instances_for(prop, instances)
        shown = []
        for part in parts:
            for inst in insts:
                try:
                    val = mpmath.mpf(kernel_value(part.value, inst, KERNELS))
                    dists = [abs(mpmath.mpf(kernel_value(part.expr, {**inst, part.var: x}, KERNELS)) - val)
                             for x in xs]
                except (CannotEvaluate, FloatingPointError, ValueError) as exc:
                    return Outcome("undecided", f"cannot evaluate at {_where(inst)}: {exc}")
                tol = rtol * max(1, abs(val))
                monotone = all(b <= a for a, b in zip(dists, dists[1:]))
                fig = f"{_where(inst)}: |f - L| {fmt(dists[0])} -> {fmt(dists[-1])} at {part.var} = {xs[-1]}"
                if dists[-1] <= tol or (monotone and dists[-1] <= 1e-4 * dists[0]):
                    shown.append(fig)
                    continue
                if dists[-1] >= dists[-2] / 2:
                    return Outcome("refuted", fig + f" (stalls: claimed limit {fmt(val, 8)})",
                                   data={"where": _where(inst), "distances": [fmt(d, 3) for d in dists]})
                return Outcome("undecided", fig + " (not conclusive)")
        if not shown:  # no instance applied: no evidence either way
            return Outcome("undecided", "no instance satisfies the condition")
        return Outcome("holds", f"{len(shown)} kernel ladders approach the claimed limits; e.g. {shown[0]}",
                       data={"ladders": len(shown)})

    return Evidence("numpy", run, label=label, about=about, budget=budget,
                    description=description or "the limit with the package's float64 kernels along a ladder")


# ==============================================================================================================
# 1. constant neighbourhoods are fixed (general n)
# ==============================================================================================================

def _doit_check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
    """``Step.check``: SymPy evaluates the sums of constant summands (``Σ_{u=1}^n a = n a``)."""
    diff = sp.simplify(sp.sympify(lhs).doit() - sp.sympify(rhs).doit())
    if diff == 0:
        return True, "sums of constant summands evaluated (n a); the difference simplifies to 0"
    return None, f"difference {sp.sstr(diff)[:60]} not shown to vanish"


_SC_STEPS = (
    Step(None, Sc(c, n, lam).unfold(), why="definition: softmax weights e^{λc}/Σ e^{λc} on n copies of c"),
    Step(None, n * c * sp.exp(lam * c) / (n * sp.exp(lam * c)), why="Σ_{u=1}^n of a constant", check=_doit_check),
    Step(None, c, why="cancel n e^{λc} > 0"),
)
_PC_STEPS = (
    Step(None, Pc(cp, n, q).unfold(), why="definition of M_q on n copies of c (q != 0)"),
    Step(None, (n * cp ** q / n) ** (1 / q), why="Σ_{u=1}^n of a constant", check=_doit_check),
    Step(None, cp, why="(c^q)^{1/q} = c for c > 0"),
)
_CONST_POINTS = [{c: cv, cp: cpv, n: k, lam: lv, q: qv}
                 for k in (1, 3, 6) for (cv, cpv) in (("-2.5", "0.3"), ("0.7", "4"))
                 for (lv, qv) in (("-3", "-2"), ("0", "0"), ("8", "0.5"), ("1", "3"))]

FIXED_CONSTANT = Claim(
    id="os.interp.fixed_constant", source="Ex 3 (literature: Wu et al., NeurIPS 2023)",
    title="A constant neighbourhood aggregates to its constant for every λ, q and n: constant features are "
          "fixed points of both layers",
    display=r"S\big((c)_{u=1}^{n};\lambda\big) = c,\qquad M_q\big((c)_{u=1}^{n}\big) = c \quad(c > 0)",
    statement=All(Rel(Sc(c, n, lam), c), Rel(Pc(cp, n, q), cp)),
    recorded="holds",
    assumptions=(r"n \ge 1", r"\lambda, q \in \mathbb{R}", r"\eta = 0"),
    derivation=_SC_STEPS,
    evidence=[
        derivation_evidence(_SC_STEPS, label="softmax", part=0),
        derivation_evidence(_PC_STEPS, label="power_mean", part=1),
        at_points(_CONST_POINTS, label="points", dps=(50, 60),
                  description="the Ex 2 implementations (theory.softmax_agg, theory.power_mean; q = 0 the "
                              "geometric mean) at n = 1, 3, 6"),
    ],
    mutants=(
        Mutant("sum_not_mean", All(Rel(Sc(c, n, lam), n * c), Rel(Pc(cp, n, q), cp)),
               why="the softmax-weighted sum taken as n times the value (weights not normalised)"),
        Mutant("forgot_root", All(Rel(Sc(c, n, lam), c), Rel(Pc(cp, n, q), cp ** q)),
               why="the power mean without the root 1/q"),
    ),
    depth="general",
    depth_note="both identities for symbolic n, c, λ, q (q != 0; q = 0, the geometric mean, checked at points)",
    note=r"A constant feature vector $x = c\mathbf 1$ has constant closed neighbourhoods, so one layer maps it to "
         r"itself: every constant vector is a fixed point, for every $\lambda$ and $q$ (and with or without self "
         r"loops). Whether there are others is os.interp.spread\_contraction.",
)

# ==============================================================================================================
# 2. the spread never grows, and shrinks strictly over diam(G) layers: no non-constant fixed points
# ==============================================================================================================

_CONTRACT_CASES = [(P5, XP5), (C7, X7), (S4, X5S), (KARATE, X34)]
_CONTRACT_POINTS = [{G: g, X: xs, lam: lv, q: qv} for g, xs in _CONTRACT_CASES[:3]
                    for lv, qv in (("-4", "-2"), ("0", "0"), ("1", "0.5"), ("8", "3"))] + \
    [{G: KARATE, X: X34, lam: "2", q: "2"}]

_D = lambda k: sspread(G, X, lam, k, 1)  # noqa: E731
_DP = lambda k: pspread(G, X, q, k, 1)  # noqa: E731

SPREAD_CONTRACTION = Claim(
    id="os.interp.spread_contraction", source="Ex 3 (literature: Wu et al., NeurIPS 2023)",
    title="One layer of softmax (any λ) or power-mean (any q) aggregation never increases the spread max - min; "
          "diam(G) layers decrease it strictly: no non-constant fixed point",
    display=r"D(x^{(1)}) \le D(x^{(0)}),\qquad D(x^{(\operatorname{diam} G)}) < D(x^{(0)}) \ \text{for non-constant } "
            r"x^{(0)},\quad D(x) = \max_v x_v - \min_v x_v",
    statement=All(Rel(_D(1), _D(0), "<="), Rel(_D(diam(G)), _D(0), "<"), Rel(_DP(1), _DP(0), "<="),
                  Rel(_DP(diam(G)), _DP(0), "<")),
    recorded="holds",
    assumptions=(r"G \text{ connected}", r"\text{self loops}", r"\lambda, q \text{ finite}", r"x > 0 \text{ for } M_q",
                 r"x^{(0)} \text{ not constant}"),
    evidence=[
        at_points(_CONTRACT_POINTS, label="points", dps=(50, 60),
                  description="P_5 (x = (2,2,1.3,1,1): one layer keeps the spread), C_7, S_4 at λ, q = (-4, -2), "
                              "(0, 0), (1, 0.5), (8, 3); karate at λ = q = 2"),
        kernel_points(_CONTRACT_POINTS, KERNELS, rtol=1e-12, label="kernel",
                      description="the same with propagate('softmax' / 'power_mean') in float64 (relative "
                                  "tolerance 1e-12)"),
    ],
    mutants=(
        Mutant("strict_each_layer", All(Rel(_D(1), _D(0), "<"), Rel(_D(diam(G)), _D(0), "<"),
                                        Rel(_DP(1), _DP(0), "<"), Rel(_DP(diam(G)), _DP(0), "<")),
               why="a strict contraction at every layer"),
        Mutant("fixed_point", All(Rel(_D(1), _D(0), "<="), Rel(_D(diam(G)), _D(0)), Rel(_DP(1), _DP(0), "<="),
                                  Rel(_DP(diam(G)), _DP(0))),
               why="a non-constant fixed point: the spread unchanged over diam(G) layers"),
    ),
    depth="numeric",
    depth_note="checked at 50/60 digits on P_5, C_7, S_4, karate (arb enclosures for refutations); the maximum "
               "principle proving it for every connected graph is in the note (not machine-checked)",
    note=r"Each $x'_v$ is a weighted mean of $(x_u)_{u \in N[v]}$ with positive weights (softmax weights "
         r"$\ge \delta = e^{-|\lambda| D}/(d_{\max}+1)$; $M_q$ is strictly increasing in each entry), so "
         r"$\min x \le x'_v \le \max x$. If $u^*$ holds the minimum, a node at distance $k$ from $u^*$ is below "
         r"$\max x - \delta^k D$ after $k$ layers; after $\operatorname{diam}(G)$ layers every node is, so the "
         r"spread drops strictly. A fixed point therefore has $D = 0$: the only fixed points for finite $\lambda$ "
         r"and $q$ are the constant vectors (os.interp.fixed\_constant). One layer need not shrink the spread: on "
         r"$P_5$ with $x = (2,2,1.3,1,1)$ the closed neighbourhoods of the two ends are constant.",
)


# ==============================================================================================================
# 3. consensus for every finite λ, within a proved contraction bound
# ==============================================================================================================

_D0 = sspread(G, X, lam, 0, 1)
_DELTA = sp.exp(-sp.Abs(lam) * _D0) / (dmax(G) + 1)
#: D_L <= D_0 (1 - δ^diam)^{floor(L/diam)} <= D_0 (1 - δ^diam)^{(L - diam + 1)/diam}
_BOUND = _D0 * (1 - _DELTA ** diam(G)) ** ((L - diam(G) + 1) / diam(G))
_CONS_CASES = [{G: P5, X: XP5, lam: "0"}, {G: P5, X: XP5, lam: "-4"}, {G: P5, X: XP5, lam: "1"},
               {G: P5, X: XP5, lam: "8"}, {G: C7, X: X7, lam: "2"}, {G: S4, X: X5S, lam: "-1"}]
_CONS_POINTS = [{**case, L: k} for case in _CONS_CASES for k in (1, 2, 5, 20, 60)]

SOFTMAX_CONSENSUS = Claim(
    id="os.interp.softmax_consensus", source="Ex 3 (literature: Wu et al., NeurIPS 2023)",
    title="For every finite λ, softmax aggregation with self loops drives the features of a connected graph to "
          "consensus, the spread within D_0 (1 - δ^diam)^floor(L/diam)",
    display=r"\lim_{L\to\infty} D(x^{(L)}) = 0,\quad D(x^{(L)}) \le D_0\,\big(1 - \delta^{\operatorname{diam}}\big)"
            r"^{\lfloor L/\operatorname{diam}\rfloor},\ \delta = \frac{e^{-|\lambda| D_0}}{d_{\max} + 1}",
    statement=All(Lim(sspread(G, X, lam, L, 1), L, sp.oo, 0), Rel(sspread(G, X, lam, L, 1), _BOUND, "<=")),
    recorded="holds",
    assumptions=(r"G \text{ connected}", r"\text{self loops}", r"\lambda \in \mathbb{R}"),
    evidence=[
        limit_ladder(_CONS_CASES, xs=[1, 8, 16, 32, 64, 128, 256], dps=[50] * 7, label="ladder",
                     description="D(x^(L)) along L = 1 .. 256 (one trajectory at 50 digits per case)"),
        at_points(_CONS_POINTS, label="bound", dps=(50, 60),
                  description="the contraction bound at L = 1, 2, 5, 20, 60"),
    ],
    mutants=(
        Mutant("no_self_loops", All(Lim(sspread(G, X, lam, L, 0), L, sp.oo, 0),
                                    Rel(sspread(G, X, lam, L, 1), _BOUND, "<=")),
               why="the same without self loops (P_5 is bipartite: the features oscillate)"),
        Mutant("per_layer_bound", All(Lim(sspread(G, X, lam, L, 1), L, sp.oo, 0),
                                      Rel(sspread(G, X, lam, L, 1), _D0 * (1 - _DELTA) ** L, "<=")),
               why="a contraction by 1 - δ at every layer"),
    ),
    depth="numeric",
    depth_note="the bound is proved in the note (maximum principle, not machine-checked); the limit and the bound "
               "are checked on P_5, C_7, S_4 at 50/60 digits",
    note=r"Proof of the bound: os.interp.spread\_contraction's note gives "
         r"$D \mapsto (1-\delta^{\operatorname{diam}})D$ "
         r"over every $\operatorname{diam}(G)$ layers, with $\delta$ fixed by $D \le D_0$. The bound is weak for "
         r"large $|\lambda|$ ($\delta^{\operatorname{diam}}$ tiny); the true asymptotic rate is "
         r"os.interp.softmax\_rate. Without self loops on a bipartite graph the features oscillate for every "
         r"$\lambda$ tried (the spread settles at a positive value), as for the mean.",
)

# ==============================================================================================================
# 4. the asymptotic rate is the mean operator's |λ2|, independent of λ
# ==============================================================================================================

_RATE_CASES = [{G: P6, X: X6, lam: lv} for lv in ("0", "1", "8", "-4")] + [{G: C7, X: X7, lam: "3"}]
_RATE_KERNEL = [{G: KARATE, X: X34, lam: lv} for lv in ("0", "2", "-3")] + [{G: P6, X: X6, lam: "8"}]

SOFTMAX_RATE = Claim(
    id="os.interp.softmax_rate", source="Ex 3 (literature: Wu et al., NeurIPS 2023; Oono & Suzuki, ICLR 2020)",
    title="For every finite λ the spread shrinks asymptotically by |λ2| per layer and the Dirichlet energy by λ2², "
          "λ2 of the mean operator D̃⁻¹Ã: independent of λ",
    display=r"\lim_{L\to\infty}\frac{D(x^{(L+1)})}{D(x^{(L)})} = |\lambda_2|,\qquad "
            r"\lim_{L\to\infty}\frac{E(x^{(L+1)})}{E(x^{(L)})} = \lambda_2^2\qquad(\lambda_2 \text{ of } "
            r"\tilde D^{-1}\tilde A,\ \text{every finite } \lambda)",
    statement=All(Lim(sratio(G, X, lam, L), L, sp.oo, lam2(G)), Lim(seratio(G, X, lam, L), L, sp.oo, lam2(G) ** 2)),
    recorded="holds",
    assumptions=(r"G \text{ connected}", r"\text{self loops}", r"x^{(0)} \text{ generic}"),
    evidence=[
        limit_ladder(_RATE_CASES, xs=[20, 40, 80, 160], dps=[50] * 4, label="ladder",
                     description="the ratios at L = 20, 40, 80, 160 (50 digits) against |λ2| computed by "
                                 "second_eigenvalue_modulus_mp (P_6 at λ = 0, 1, 8, -4; C_7 at λ = 3)"),
        kernel_limit(_RATE_KERNEL, xs=(40, 100, 160), rtol=1e-5, label="kernel",
                     description="propagate('softmax') in float64 on karate (λ = 0, 2, -3) and P_6 (λ = 8), against "
                                 "second_eigenvalue_modulus (numpy)"),
    ],
    mutants=(
        Mutant("lambda2_squared", All(Lim(sratio(G, X, lam, L), L, sp.oo, lam2(G) ** 2),
                                      Lim(seratio(G, X, lam, L), L, sp.oo, lam2(G) ** 4)),
               why="the energy's rate λ2² taken for the spread"),
        Mutant("swapped", All(Lim(sratio(G, X, lam, L), L, sp.oo, lam2(G)),
                              Lim(seratio(G, X, lam, L), L, sp.oo, lam2(G))),
               why="the energy (a quadratic form) at the rate λ2 of the features"),
        Mutant("max_like", All(Lim(sratio(G, X, lam, L), L, sp.oo, 0), Lim(seratio(G, X, lam, L), L, sp.oo, 0)),
               why="finite-time (max-like) convergence carried over to finite λ"),
    ),
    depth="numeric",
    depth_note="observed at 50 digits (distances to |λ2| down to 1e-18 .. 1e-42) and in float64 on karate; the "
               "linearisation argument is in the note",
    note=r"Near consensus $x = c\mathbf 1 + \varepsilon y$ the softmax weights are "
         r"$\frac{1}{|N[v]|}(1 + \lambda\varepsilon (y_u - \bar y_v)) + O(\varepsilon^2)$, so "
         r"$x' = c\mathbf 1 + \varepsilon \tilde D^{-1}\tilde A y + O(\lambda \varepsilon^2)$: the linearisation is "
         r"the mean operator for every $\lambda$, and $\lambda$ only changes the transient (how fast the "
         r"spread reaches the linear regime; os.interp.large\_lambda). The energy is quadratic in the deviation, "
         r"hence $\lambda_2^2$.",
)

# ==============================================================================================================
# 5. large finite λ does not reach consensus in finite time (refuted) -- 6. the λ -> ∞ limit at fixed depth
# ==============================================================================================================

FINITE_TIME = Claim(
    id="os.interp.finite_time", source="Ex 3",
    title="For large λ softmax aggregation behaves like max: consensus after diam(G) layers",
    display=r"D\big(x^{(\operatorname{diam} G)}\big) = 0 \quad(\lambda \text{ large, finite})",
    statement=Rel(sspread(G, X, lam, diam(G), 1), 0),
    recorded="refuted",
    assumptions=(r"G \text{ connected}", r"\text{self loops}"),
    reading="'Large, finite λ' is read as 'every finite λ from some λ0 on'; the statement checked is the spread "
            "after diam(G) layers being 0 at a given finite λ, refuted (certified) at λ = 20 and 50. That it fails "
            "for every larger finite λ as well is the note's argument (all weights stay positive), not a "
            "machine-checked part.",
    evidence=[
        counterexample({G: P5, X: XP5, lam: 20}, label="path",
                       tex=r"$P_5$, $x = (2,2,1.3,1,1)$, $\lambda = 20$: $D(x^{(4)}) \approx 1.2\cdot 10^{-6} > 0$"),
        counterexample({G: KARATE, X: X34, lam: 50}, label="karate"),
    ],
    mutants=(
        Mutant("positive", Rel(sspread(G, X, lam, diam(G), 1), 0, ">"),
               why="the correction: the spread after diam(G) layers is positive for every finite λ (only its "
                   "limit λ → ∞ is 0: os.interp.large_lambda)", expect="holds"),
    ),
    depth="general",
    depth_note="a counterexample refutes the statement; certified by arb enclosures of the spread",
    note=r"For finite $\lambda$ every weight is positive and the spread after $\operatorname{diam}(G)$ layers is "
         r"of order $e^{-\lambda\Delta}$ ($\Delta$ a gap between features), not 0. (On a complete graph with self "
         r"loops every closed neighbourhood is the whole graph, so any aggregation reaches consensus after one "
         r"layer: the statement fails in general, not on every graph.)",
)

#: C_7 with gaps >= 0.1 between the features (the distance to the limit is of order e^{-λ·gap})
XC7 = ("0.9", "0.1", "0.6", "0.3", "0.8", "0.2", "0.5")
_LARGE_CASES = [{G: P6, X: XP6, L: 1}, {G: P6, X: XP6, L: 3}, {G: C7, X: XC7, L: 2}]
#: λ = 10 .. 320 with the precision growing like λ/2 digits: the distance (~ e^{-λ·gap}, gaps 0.1 .. 0.8) stays
#: far above the rounding level at every rung
_LARGE_XS = [10, 20, 40, 80, 160, 320]
_LARGE_DPS = [50 + x // 2 for x in _LARGE_XS]

LARGE_LAMBDA = Claim(
    id="os.interp.large_lambda", source="Ex 3",
    title="For a fixed number of layers, softmax aggregation tends to max aggregation as λ → ∞: the spread after "
          "L layers to that of max aggregation, 0 after diam(G) layers (and to min as λ → -∞)",
    display=r"\lim_{\lambda\to\infty} D\big(\mathrm S_\lambda^L x\big) = D\big(\mathrm{MAX}^L x\big),\quad "
            r"\lim_{\lambda\to\pm\infty} D\big(\mathrm S_\lambda^{\operatorname{diam} G} x\big) = 0",
    reading="λ → -∞ is written as λ → ∞ of S at -λ (one ladder direction for every part).",
    statement=All(Lim(sspread(G, X, lam, L, 1), lam, sp.oo, mspread(G, X, L, 1)),
                  Lim(sspread(G, X, lam, diam(G), 1), lam, sp.oo, 0),
                  Lim(sspread(G, X, -lam, diam(G), 1), lam, sp.oo, 0)),
    recorded="holds",
    assumptions=(r"G \text{ connected}", r"\text{self loops}", r"L \text{ fixed}"),
    evidence=[
        limit_ladder(_LARGE_CASES, xs=_LARGE_XS, dps=_LARGE_DPS, label="ladder",
                     description="λ = 10 .. 320 at 55 .. 210 digits; P_6 with the maximum at an end node, C_7"),
    ],
    mutants=(
        Mutant("diameter_minus_one", All(Lim(sspread(G, X, lam, L, 1), lam, sp.oo, mspread(G, X, L, 1)),
                                         Lim(sspread(G, X, lam, diam(G) - 1, 1), lam, sp.oo, 0),
                                         Lim(sspread(G, X, -lam, diam(G), 1), lam, sp.oo, 0)),
               why="consensus one layer early (the end node of P_6 needs all 5 layers)"),
        Mutant("mean_like", All(Lim(sspread(G, X, lam, L, 1), lam, sp.oo, sspread(G, X, 0, L, 1)),
                                Lim(sspread(G, X, lam, diam(G), 1), lam, sp.oo, 0),
                                Lim(sspread(G, X, -lam, diam(G), 1), lam, sp.oo, 0)),
               why="the mean's spread (λ = 0) as the limit"),
    ),
    depth="numeric",
    depth_note="observed along λ = 10 .. 320; per layer S(m; λ) → max m (Ex 2, agg.softmax) and the layers "
               "are continuous, so the limit follows by induction on L",
    note=r"The limits do not commute: for fixed $L$, $\lambda \to \infty$ gives max aggregation (finite time, "
         r"os.maxmin.self\_loops\_time), while for fixed $\lambda$, $L \to \infty$ gives the rate $|\lambda_2|$ "
         r"(os.interp.softmax\_rate) and never exact consensus (os.interp.finite\_time).",
)

# ==============================================================================================================
# 7. the power mean is the mean in the coordinates x^q (general n)
# ==============================================================================================================

def _root_power_check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
    """``Step.check``: ``(B^{1/q})^q = B`` for a base ``B`` SymPy knows to be positive (a sum of positive terms
    over n), then the definitions compared."""
    from verify.core.statement import unfold

    ul, ur = unfold(lhs), unfold(rhs)
    if isinstance(ul, sp.Pow) and isinstance(ul.base, sp.Pow) and sp.simplify(ul.base.exp * ul.exp - 1) == 0:
        base = ul.base.base
        if base.is_positive and sp.simplify(base - ur) == 0:
            return True, "(B^(1/q))^q = B for B = (1/n) Σ m_u^q > 0; equal to the definition of the right side"
    return None, "not of the form (B^(1/q))^q with B positive"


_CONJ_STEPS = (
    Step(None, mpow(mpos, q), why="definition of M_q: ((1/n) Σ m_u^q)^{1/q}, raised to q (the base is positive)",
         check=_root_power_check),
)
_CONJ_POINTS = [{mpos: mv, G: g, X: xs, q: qv, L: k, v: node}
                for mv, (g, xs) in ((("0.5", "1.7", "3"), (P5, XP5)), (("2", "2", "0.1", "1"), (C7, X7)),
                                    (("1.25",), (KARATE, X34)))
                for qv in ("-2", "0", "0.5", "3") for k in (1, 4) for node in (0, 2)]

PM_CONJUGACY = Claim(
    id="os.interp.pm_conjugacy", source="Ex 3",
    title="The power mean is the arithmetic mean in the coordinates x^q: M_q(m)^q = (1/n) Σ m_u^q, so L layers are "
          "x^(L) = ((D̃⁻¹Ã)^L X^q)^(1/q)",
    display=r"M_q(m)^q = \frac1n\sum_u m_u^q,\qquad x^{(L)} = \big((\tilde D^{-1}\tilde A)^L\, x^{(0)\,q}\big)^{1/q}",
    statement=All(Rel(M(mpos, q) ** q, mpow(mpos, q)), Rel(xP(G, X, q, L, v), xMq(G, X, q, L, v))),
    recorded="holds",
    assumptions=(r"m_u > 0,\ x > 0", r"q \ne 0 \ (q = 0:\ \log \text{ coordinates})", r"\text{self loops}"),
    derivation=_CONJ_STEPS,
    evidence=[
        derivation_evidence(_CONJ_STEPS, label="general_n", part=0),
        at_points(_CONJ_POINTS, label="points", dps=(50, 60),
                  description="both parts at P_5, C_7, karate, q = -2, 0, 0.5, 3, L = 1, 4: the power-mean "
                              "layers (theory.power_mean) against the linear iteration of the mean operator"),
    ],
    mutants=(
        Mutant("forgot_root", All(Rel(M(mpos, q), mpow(mpos, q)), Rel(xP(G, X, q, L, v), xMq(G, X, q, L, v))),
               why="the power mean taken as the mean of the q-th powers"),
        Mutant("arithmetic_dynamics", All(Rel(M(mpos, q) ** q, mpow(mpos, q)),
                                          Rel(xP(G, X, q, L, v), xMq(G, X, 1, L, v))),
               why="the mean's dynamics (q = 1) for every q"),
    ),
    depth="general",
    depth_note="the one-layer identity for general n (derivation); the L-layer form follows by induction on L "
               "(apply it at every node) and is checked at 50/60 digits",
    note=r"With $y = x^q$ (or $y = \log x$ at $q = 0$) one power-mean layer is $y' = \tilde D^{-1}\tilde A y$, the "
         r"mean aggregation. So everything proved for the mean transfers exactly: consensus, the rate "
         r"$|\lambda_2|$ (os.interp.pm\_rate) and the consensus value (os.interp.pm\_consensus).",
)

# ==============================================================================================================
# 8. the power-mean rate
# ==============================================================================================================

_PM_RATE_CASES = [{G: P6, X: X6, q: qv} for qv in ("-3", "0", "0.5", "4")]
_PM_RATE_KERNEL = [{G: KARATE, X: X34, q: qv} for qv in ("0.5", "3")] + [{G: P6, X: X6, q: "-3"}]

PM_RATE = Claim(
    id="os.interp.pm_rate", source="Ex 3",
    title="For every finite q the power mean reaches consensus; the spread shrinks by |λ2| per layer and the energy "
          "by λ2², as for the mean",
    display=r"\lim_{L\to\infty} D(x^{(L)}) = 0,\quad \lim_{L\to\infty}\frac{D(x^{(L+1)})}{D(x^{(L)})} = "
            r"|\lambda_2|,\quad \lim_{L\to\infty}\frac{E(x^{(L+1)})}{E(x^{(L)})} = \lambda_2^2",
    statement=All(Lim(pspread(G, X, q, L, 1), L, sp.oo, 0), Lim(pratio(G, X, q, L), L, sp.oo, lam2(G)),
                  Lim(peratio(G, X, q, L), L, sp.oo, lam2(G) ** 2)),
    recorded="holds",
    assumptions=(r"G \text{ connected}", r"\text{self loops}", r"x^{(0)} > 0 \text{ generic}"),
    evidence=[
        limit_ladder(_PM_RATE_CASES, xs=[20, 40, 80, 160, 240], dps=[70] * 5, label="ladder",
                     description="P_6 at q = -3, 0, 0.5, 4: L = 20 .. 240 at 70 digits"),
        kernel_limit(_PM_RATE_KERNEL, xs=(40, 100, 160), rtol=1e-5, label="kernel",
                     description="propagate('power_mean') in float64 on karate (q = 0.5, 3) and P_6 (q = -3)"),
    ],
    mutants=(
        Mutant("lambda2_squared", All(Lim(pspread(G, X, q, L, 1), L, sp.oo, 0),
                                      Lim(pratio(G, X, q, L), L, sp.oo, lam2(G) ** 2),
                                      Lim(peratio(G, X, q, L), L, sp.oo, lam2(G) ** 4)),
               why="λ2² for the spread"),
        Mutant("q_dependent", All(Lim(pspread(G, X, q, L, 1), L, sp.oo, 0),
                                  Lim(pratio(G, X, q, L), L, sp.oo, lam2(G) ** sp.Abs(q)),
                                  Lim(peratio(G, X, q, L), L, sp.oo, lam2(G) ** (2 * sp.Abs(q)))),
               why="a rate that depends on q (|λ2|^|q|: faster towards max/min)"),
    ),
    depth="numeric",
    depth_note="observed at 50 digits and in float64; it follows from os.interp.pm_conjugacy (the power mean is "
               "the mean in x^q) and the smoothness of x -> x^(1/q) at the consensus value",
)

# ==============================================================================================================
# 9. the softmax consensus value
# ==============================================================================================================

_VAL_POINTS = [{G: P5, X: XP5, lp: "0.5", ln: "-0.5"}, {G: S4, X: X5S, lp: "4", ln: "-4"},
               {G: C7, X: X7, lp: "0.5", ln: "-0.5"}]

CONSENSUS_VALUE = Claim(
    id="os.interp.consensus_value", source="Ex 3",
    title="The softmax consensus value is πᵀX₀ (degree-weighted mean) at λ = 0, strictly above it for λ > 0, "
          "below "
          "for λ < 0, and tends to max X₀ as λ → ∞",
    display=r"c_0 = \pi^\top X_0,\quad c_\lambda > \pi^\top X_0\ (\lambda > 0),\quad c_\lambda < \pi^\top X_0\ "
            r"(\lambda < 0),\quad \lim_{\lambda\to\infty} c_\lambda = \max X_0,\qquad "
            r"\pi_v = \frac{d_v + 1}{\sum_u (d_u + 1)}",
    statement=All(Rel(scons(G, X, 0), pimean(G, X)), Rel(scons(G, X, lp), pimean(G, X), ">"),
                  Rel(scons(G, X, ln), pimean(G, X), "<"), Lim(scons(G, X, lam), lam, sp.oo, vmax(X))),
    recorded="holds",
    assumptions=(r"G \text{ connected}", r"\text{self loops}", r"X_0 \text{ not constant}"),
    evidence=[
        at_points(_VAL_POINTS, label="points", dps=(50, 60),
                  description="P_5, S_4 (non-regular), C_7 at λ = ±0.5 or ±4: the consensus by iterating to 52 "
                              "digits (enclosed by [min, max] of the last layer)"),
        limit_ladder([{G: P5, X: XP5}, {G: S4, X: X5S}], xs=[10, 100, 1000, 10000], dps=[50] * 4, label="ladder",
                     description="c_λ for λ = 10 .. 10^4 against max X_0"),
    ],
    mutants=(
        Mutant("plain_mean", All(Rel(scons(G, X, 0), vsum(X) / card(X)), Rel(scons(G, X, lp), pimean(G, X), ">"),
                                 Rel(scons(G, X, ln), pimean(G, X), "<"),
                                 Lim(scons(G, X, lam), lam, sp.oo, vmax(X))),
               why="consensus at the plain mean (1/n) Σ x (only on regular graphs)"),
        Mutant("pimean_every_lambda", All(Rel(scons(G, X, 0), pimean(G, X)), Rel(scons(G, X, lp), pimean(G, X)),
                                          Rel(scons(G, X, ln), pimean(G, X), "<"),
                                          Lim(scons(G, X, lam), lam, sp.oo, vmax(X))),
               why="the consensus at πᵀX₀ for every λ (as for the linear mean)"),
        Mutant("below", All(Rel(scons(G, X, 0), pimean(G, X)), Rel(scons(G, X, lp), pimean(G, X), "<"),
                            Rel(scons(G, X, ln), pimean(G, X), "<"), Lim(scons(G, X, lam), lam, sp.oo, vmax(X))),
               why="the direction: λ > 0 below the mean"),
    ),
    depth="numeric",
    depth_note="checked at 50/60 digits; the inequality is proved in the note from Ex 2's monotonicity of S in λ "
               "(not machine-checked)",
    note=r"$\pi^\top \tilde D^{-1}\tilde A = \pi^\top$, and $S(m;\lambda) \ge S(m;0)$ = the mean for $\lambda \ge 0$ "
         r"(strictly unless $m$ is constant; Ex 2: $\partial_\lambda S = \mathrm{Var}_w(m) \ge 0$). So "
         r"$\pi^\top x^{(L+1)} \ge \pi^\top \tilde D^{-1}\tilde A x^{(L)} = \pi^\top x^{(L)}$, strictly while some "
         r"closed neighbourhood is not constant (always, for non-constant $x$ on a connected graph with self "
         r"loops), and $c_\lambda = \lim_L \pi^\top x^{(L)} > \pi^\top X_0$. The consensus lies in "
         r"$[\min_v x^{(L)}_v, \max_v x^{(L)}_v]$ for every $L$, which is how it is computed. On a regular graph "
         r"$\pi$ is uniform and $\pi^\top X_0$ is the plain mean.",
)

# ==============================================================================================================
# 10. the power-mean consensus value
# ==============================================================================================================

_PMV_POINTS = [{G: P5, X: XP5, q: qv} for qv in ("-2", "0", "3")] + \
    [{G: S4, X: X5S, q: qv} for qv in ("-2", "0.5")] + [{G: C7, X: X7, q: "3"}]

PM_CONSENSUS = Claim(
    id="os.interp.pm_consensus", source="Ex 3",
    title="The power-mean consensus is the π-weighted power mean (Σ π_v x_v^q)^(1/q) of the initial features "
          "(q = 0: the weighted geometric mean)",
    display=r"c_q = \lim_{L\to\infty} x^{(L)}_v = \Big(\sum_v \pi_v x_v^{q}\Big)^{1/q},\qquad "
            r"\pi_v = \frac{d_v + 1}{\sum_u (d_u + 1)}",
    statement=Rel(pcons(G, X, q), wpm(G, X, q)),
    recorded="holds",
    assumptions=(r"G \text{ connected}", r"\text{self loops}", r"X_0 > 0"),
    evidence=[
        at_points(_PMV_POINTS, label="points", dps=(50, 60),
                  description="P_5 (q = -2, 0, 3), S_4 (q = -2, 0.5), C_7 (q = 3): the consensus by iterating the "
                              "power-mean layers (theory.power_mean) against the closed form"),
    ],
    mutants=(
        Mutant("unweighted", Rel(pcons(G, X, q), M(X, q)), why="the plain (unweighted) power mean of X_0"),
        Mutant("arithmetic", Rel(pcons(G, X, q), pimean(G, X)), why="the mean's consensus πᵀX₀ for every q"),
    ),
    depth="numeric",
    depth_note="checked at 50/60 digits; it follows exactly from os.interp.pm_conjugacy and the mean operator's "
               "limit 1πᵀ (a proof, not machine-checked as a chain)",
    note=r"By os.interp.pm\_conjugacy, $x^{(L)\,q} = (\tilde D^{-1}\tilde A)^L X_0^q \to \mathbf 1\,\pi^\top X_0^q$ "
         r"($q = 0$: $\log x^{(L)} \to \mathbf 1\,\pi^\top \log X_0$). Since the weighted power mean increases "
         r"with $q$, the power-mean consensus lies above $\pi^\top X_0$ for $q > 1$ and below for $q < 1$, as "
         r"softmax's for $\lambda > 0$ / $< 0$ (os.interp.consensus\_value).",
)

PM_LIMITS = Claim(
    id="os.interp.pm_limits", source="Ex 3",
    title="The power-mean consensus tends to max X₀ as q → ∞, to min X₀ as q → -∞ and to the weighted "
          "geometric "
          "mean as q → 0",
    display=r"\lim_{q\to\infty} c_q = \max X_0,\quad \lim_{q\to-\infty} c_q = \min X_0,\quad "
            r"\lim_{q\to 0} c_q = \prod_v x_v^{\pi_v}\qquad\big(c_q = (\textstyle\sum_v \pi_v x_v^q)^{1/q}\big)",
    statement=All(Lim(wpm(G, X, q), q, sp.oo, vmax(X)), Lim(wpm(G, X, q), q, -sp.oo, vmin(X)),
                  Lim(wpm(G, X, q), q, 0, wgeo(G, X))),
    recorded="holds",
    assumptions=(r"\pi_v > 0,\ \sum_v \pi_v = 1", r"X_0 > 0"),
    evidence=[
        exact_limit([{G: P5, X: XP5}], label="exact", description="the three limits by SymPy (Gruntz) at P_5"),
        limit_ladder([{G: S4, X: X5S}, {G: C7, X: X7}], label="ladder",
                     description="the three limits along ladders at S_4 and C_7"),
    ],
    mutants=(
        Mutant("limit_mean", All(Lim(wpm(G, X, q), q, sp.oo, vmax(X)), Lim(wpm(G, X, q), q, -sp.oo, vmin(X)),
                                 Lim(wpm(G, X, q), q, 0, pimean(G, X))),
               why="q → 0 taken as the arithmetic mean"),
        Mutant("unweighted_geometric", All(Lim(wpm(G, X, q), q, sp.oo, vmax(X)), Lim(wpm(G, X, q), q, -sp.oo, vmin(X)),
                                           Lim(wpm(G, X, q), q, 0, M(X, 0))),
               why="q → 0 taken as the plain geometric mean (the weights forgotten)"),
    ),
    depth="fixed-size",
    depth_note="exact limits (SymPy) at P_5, ladders at S_4 and C_7; the general statement is the classical limit of "
               "weighted power means (every π_v > 0)",
    note=r"With softmax (os.interp.large\_lambda, os.interp.consensus\_value) and the power mean alike, the "
         r"consensus interpolates between $\min X_0$ and $\max X_0$ through the ($\pi$-weighted) mean; only at the "
         r"ends ($\lambda, q = \pm\infty$) is it reached in finite time.",
)

CLAIMS = [FIXED_CONSTANT, SPREAD_CONTRACTION, SOFTMAX_CONSENSUS, SOFTMAX_RATE, FINITE_TIME, LARGE_LAMBDA,
          PM_CONJUGACY, PM_RATE, CONSENSUS_VALUE, PM_CONSENSUS, PM_LIMITS]
