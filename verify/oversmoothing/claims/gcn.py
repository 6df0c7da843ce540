r"""Claims ``os.gcn.*``: GCN propagation ``X_{L+1} = Ahat X_L``, ``Ahat = (D+I)^(-1/2)(A+I)(D+I)^(-1/2)``
(Kipf & Welling; ``d + 1`` are the degrees with the self loop).

On a connected graph ``Ahat`` is symmetric with the simple top eigenvalue 1 and eigenvector ``√(d+1)``
(``Ahat√(d+1) = √(d+1)``, because ``(A+I)√(d+1)/√(d+1) = (d+1)/√(d+1)``).  So
``Ahat^L X_0 → √(d+1) (√(d+1)ᵀX_0)/‖√(d+1)‖²`` channel by channel, at the rate of the second
eigenvalue modulus ``|λ|_(2)`` of ``Ahat`` (= that of the mean operator ``(D+I)⁻¹(A+I)``, a similar matrix), and the
features do *not* become equal unless the graph is regular.  The energy that measures this convergence is the
normalised one (Bison & Sperduti 2025): it vanishes on ``√(d+1)``, the plain one does not.

Every statement is a SymPy object over the quantities of :mod:`.measure_quantities` (graph index ``G``,
features ``X``, depth ``L``, nodes ``i, j``), so each piece of evidence reads the statement it tests and a mutant
runs through the same evidence: mpmath ladders in ``L`` (features by binary powering of ``Ahat`` at 50-90 digits,
the distance to the limit line deflated so that it is accurate however small), exact limits (SymPy, from the
exact spectral decomposition of ``(D+I)⁻¹(A+I)`` on the small graphs), arb-certified counterexamples, and float64
ladders through the package API (:func:`verify.oversmoothing.propagate` and the measures).
"""

from __future__ import annotations

import sympy as sp

from verify.core.claim import Claim, Mutant
from verify.core.numeric import at_points, counterexample, exact_limit, limit_ladder
from verify.core.statement import All, Lim, Rel

from .measure_quantities import (C5, FLOR, K4, K13, K23, KARATE, P3, P4, Edir, Enrm, Esqd, G, L, X, at, dt, gdist,
                                 gproj, gX, i_, j_, np_limit, np_points, slem)

#: ladders in the depth: far apart, so that every rung gains many digits (50 + 10 k digits at rung k)
_XS = (10, 40, 160, 640)

_ASSUME = (r"G \text{ connected, undirected, unweighted}", r"\tilde A = A + I,\ \tilde d = \tilde A\mathbf 1",
           r"\hat A = \tilde D^{-1/2}\tilde A\tilde D^{-1/2},\quad X_L = \hat A^L X_0 \text{ (one channel)}")


# ==============================================================================================================
# os.gcn.equal_features
# ==============================================================================================================

_PAIRS = [
    {G: K13, X: (1, 0, 0, 0), i_: 0, j_: 1},
    {G: P3, X: (1, 2, -1), i_: 0, j_: 1},
    {G: P4, X: (0, 1, 0, 3), i_: 0, j_: 2},
    {G: C5, X: (1, 2, 3, 4, 5), i_: 0, j_: 2},
    {G: K23, X: (1, -1, 2, 0, 0), i_: 0, j_: 4},
]
_NP_PAIRS = [{G: KARATE, X: tuple((k * 7) % 11 - 5 for k in range(34)), i_: 0, j_: 9},
             {G: FLOR, X: tuple(range(15)), i_: 0, j_: 8}]

_DIFF = at(gX(G, X, L), i_) - at(gX(G, X, L), j_)

EQUAL_FEATURES = Claim(
    id="os.gcn.equal_features", source="Ex 3 (literature: Oono & Suzuki 2020; Cai & Wang 2020)",
    title="GCN propagation makes all node features equal",
    display=r"\lim_{L\to\infty}\big((\hat A^L X_0)_i - (\hat A^L X_0)_j\big) = 0 \quad\text{for all nodes } i, j",
    statement=Lim(_DIFF, L, sp.oo, 0),
    recorded="refuted",
    assumptions=_ASSUME,
    reading="'All node features become equal' is checked as: for every pair of nodes the difference of their "
            "features after L GCN layers tends to 0 (one channel; GCN is linear and acts channel by channel).",
    evidence=[
        limit_ladder(_PAIRS, xs=_XS, label="ladder",
                     description="(Ahat^L X)_i − (Ahat^L X)_j along L = 10, 40, 160, 640 (binary powering of Ahat "
                                 "in mpmath at 50-80 digits) against the claimed limit"),
        exact_limit([_PAIRS[1]], label="exact",
                    description="exact limit (SymPy) from the exact spectral decomposition of (D+I)⁻¹(A+I) on P_3 "
                                "(K_{1,3}: the counterexample); a difference is enclosed in an arb ball"),
        counterexample(_PAIRS[0], label="star",
                       description="K_{1,3} with self loops, X_0 = e_centre: the exact limit of x_centre − x_leaf"),
        np_limit(_NP_PAIRS, xs=(100, 200, 400), label="float",
                 description="float64 propagate(..., 'gcn') on karate (unweighted) and the Florentine families at "
                             "L = 100, 200, 400 against the claimed limit"),
    ],
    mutants=(
        Mutant("sqrt_degree_limit", statement=Lim(at(gX(G, X, L), i_), L, sp.oo, sp.sqrt(dt(G, i_)) * gproj(G, X)),
               why="the correct statement: each feature converges to √(d_i+1) (√(d+1)ᵀX_0)/‖√(d+1)‖², a multiple "
                   "of √(d+1)"),
        Mutant("difference_value", statement=Lim(_DIFF, L, sp.oo, (sp.sqrt(dt(G, i_)) - sp.sqrt(dt(G, j_)))
                                                 * gproj(G, X)),
               why="the correct limit of the difference: (√(d_i+1) − √(d_j+1))(√(d+1)ᵀX_0)/‖√(d+1)‖², zero only "
                   "between nodes of equal degree"),
    ),
    depth="fixed-size",
    depth_note="exact limits (SymPy, exact spectra) on K_{1,3}, P_3 and an arb-certified counterexample on "
               "K_{1,3}; high-precision ladders on P_4, K_{2,3}, C_5; float64 on karate and the Florentine families",
    note=r"$\hat A\sqrt{\tilde d} = \sqrt{\tilde d}$ and $\hat A$ is symmetric with $|\lambda| < 1$ on "
         r"$\sqrt{\tilde d}^{\perp}$ (connected, self loops), so $\hat A^L X_0 \to \sqrt{\tilde d}\,"
         r"\sqrt{\tilde d}^{\top}X_0/\lVert\sqrt{\tilde d}\rVert^2$: constant only on a regular graph.  "
         r"Counterexample: $K_{1,3}$ ($\tilde d = (4,2,2,2)$), $X_0 = e_{\rm centre}$: the limit is "
         r"$(2, \sqrt2, \sqrt2, \sqrt2)/5$, so $x_{\rm centre} - x_{\rm leaf} \to (2-\sqrt2)/5 \ne 0$.",
)


# ==============================================================================================================
# os.gcn.rate
# ==============================================================================================================

_ONE = sp.Integer(1)
_RATE_INSTANCES = [
    {G: K13, X: (3, -1, 2, 5)},
    {G: P3, X: (1, 2, -1)}, {G: P4, X: (0, 1, 0, 3)}, {G: K23, X: (1, -1, 2, 0, 0)},
    {G: C5, X: (1, 2, 3, 4, 5)},
]
_RATE_POINTS = [{**inst, L: depth} for inst in _RATE_INSTANCES for depth in (1, 4, 16)]
_KARATE_X = tuple((k * 7) % 11 - 5 for k in range(34))
_RATE_NP = [{G: KARATE, X: _KARATE_X, L: depth} for depth in (1, 5, 20, 60)] + \
    [{G: FLOR, X: tuple(range(15)), L: depth} for depth in (1, 5, 20)]


def _rate_statement(lam):
    return All(Rel(gdist(G, X, L), lam ** L * gdist(G, X, 0), "<="),
               Lim(gdist(G, X, L + 1) / gdist(G, X, L), L, sp.oo, lam))


RATE = Claim(
    id="os.gcn.rate", source="Ex 3 (literature: Oono & Suzuki 2020; Cai & Wang 2020)",
    title="GCN features approach the √(d+1) line at the rate |λ|_(2) of the symmetric operator (computed)",
    display=r"\operatorname{dist}(\hat A^L X_0, \sqrt{\tilde d}\,\mathbb R) \le |\lambda|_{(2)}^L\, "
            r"\operatorname{dist}(X_0, \sqrt{\tilde d}\,\mathbb R),\qquad \frac{\operatorname{dist}(X_{L+1})}"
            r"{\operatorname{dist}(X_L)} \to |\lambda|_{(2)}",
    statement=_rate_statement(slem(G, _ONE)),
    recorded="holds",
    assumptions=_ASSUME + (r"|\lambda|_{(2)} = \lambda_2(G; 1): \text{second-largest eigenvalue modulus of } "
                           r"\tilde D^{-1}\tilde A \text{ (similar to } \hat A\text{), computed (mpmath eigsy)}",),
    reading="The rate is the second-largest eigenvalue modulus |λ|_(2) of Ahat, computed from the graph (never typed "
            "in); the limit of the ratio needs X_0 to have a component along the |λ|_(2) eigenspace (true for the "
            "instances: generic features).",
    evidence=[
        at_points(_RATE_POINTS, label="bound",
                  description="dist(Ahat^L X_0) ≤ |λ|_(2)^L dist(X_0) at 5 graphs × L = 1, 4, 16 (mpmath, deflated "
                              "powers; |λ|_(2) from mpmath.eigsy)"),
        limit_ladder(_RATE_INSTANCES, xs=_XS, label="ladder",
                     description="dist(X_{L+1})/dist(X_L) along L = 10, 40, 160, 640 against |λ|_(2)"),
        exact_limit(_RATE_INSTANCES[:2], label="exact",
                    description="exact limit of the ratio (SymPy) from the exact spectral decomposition on K_{1,3} "
                                "and P_3, against the exact eigenvalue"),
        np_points(_RATE_NP, label="float:bound", rtol=1e-9,
                  description="the bound with dist computed in float64 by distance_to_limit(propagate(..., 'gcn'), "
                              "limit_subspace(..., 'gcn')) on karate and Florentine"),
        np_limit([{G: KARATE, X: _KARATE_X}], xs=(40, 80, 120), rtol=1e-7, label="float:ratio",
                 description="the ratio in float64 on karate at L = 40, 80, 120 against |λ|_(2)"),
    ],
    mutants=(
        Mutant("squared_rate", statement=_rate_statement(slem(G, _ONE) ** 2),
               why="the rate of the energy (|λ|_(2)²) taken for the rate of the distance"),
        Mutant("no_self_loops", statement=_rate_statement(slem(G, sp.Integer(0))),
               why="the eigenvalue of the operator without self loops (D^(-1/2)AD^(-1/2); 1 on bipartite graphs)"),
    ),
    depth="numeric",
    depth_note="the ratio's limit exactly (SymPy) on K_{1,3} and P_3; the bound for every L only at sampled "
               "depths (L ≤ 16, 5 graphs) and in float64 (karate, Florentine); the general fact is the spectral "
               "theorem for the symmetric Ahat (not proved here)",
    note=r"For $y \perp \sqrt{\tilde d}$: $\lVert\hat A^L y\rVert \le |\lambda|_{(2)}^L\lVert y\rVert$ and "
         r"$\hat A^L X_0 - \Pi\hat A^L X_0 = \hat A^L(X_0 - \Pi X_0)$ ($\Pi$ the projector on "
         r"$\sqrt{\tilde d}$).  Computed rates: $K_{1,3}$: $1/2$; $P_4$: $1/4+\sqrt{33}/12$; Florentine: 0.8707; "
         r"karate (unweighted): 0.8961.",
)


# ==============================================================================================================
# os.gcn.energies
# ==============================================================================================================

_EINF = gproj(G, X) ** 2 * Esqd(G)
_ENERGY_INSTANCES = [
    {G: K13, X: (1, 0, 0, 0)}, {G: P3, X: (1, 2, -1)}, {G: P4, X: (0, 1, 0, 3)}, {G: K23, X: (1, -1, 2, 0, 0)},
    {G: C5, X: (1, 2, 3, 4, 5)},            # regular: E(√(d+1)) = 0 (outside the condition)
    {G: K13, X: (0, 1, -1, 0)},             # X_0 ⊥ √(d+1): the features tend to 0 (outside the condition)
]
_ENERGY_EXACT = [_ENERGY_INSTANCES[k] for k in (0, 1)]
_REGULAR = {G: K4, X: (1, 2, 3, 4)}
_ENERGY_NP = [{G: KARATE, X: _KARATE_X}, {G: FLOR, X: tuple(range(15))}, {G: C5, X: (1, 2, 3, 4, 5)}]


def _energy_statement(plain_limit):
    return All(Lim(Enrm(G, gX(G, X, L)), L, sp.oo, 0),
               Lim(Edir(G, gX(G, X, L)), L, sp.oo, plain_limit),
               Rel(_EINF, 0, ">"))


_COND = sp.And(sp.Gt(Esqd(G), 0), sp.Gt(gproj(G, X) ** 2, 0))

ENERGIES = Claim(
    id="os.gcn.energies", source="Ex 3 (literature: Bison & Sperduti 2025; Cai & Wang 2020)",
    title="Under GCN the normalised Dirichlet energy vanishes while the plain one stays away from 0",
    display=r"E^{\rm sym}(\hat A^L X_0) \to 0,\qquad E(\hat A^L X_0) \to \frac{(\sqrt{\tilde d}^\top X_0)^2}"
            r"{\lVert\sqrt{\tilde d}\rVert^4}\,E(\sqrt{\tilde d}) > 0",
    statement=_energy_statement(_EINF),
    recorded="holds_if", condition=_COND,
    assumptions=_ASSUME + (r"E(X) = \sum_{ij\in E}\lVert x_i - x_j\rVert^2,\quad E^{\rm sym}(X) = \sum_{ij\in E}"
                           r"\lVert x_i/\sqrt{\tilde d_i} - x_j/\sqrt{\tilde d_j}\rVert^2 = "
                           r"\operatorname{tr}(X^\top(I - \hat A)X)",),
    reading="'Stays away from 0' is checked as: the plain energy converges to the energy of the limit "
            "√(d+1)(√(d+1)ᵀX_0)/‖√(d+1)‖², and that value is positive.  It is positive exactly when the degrees are "
            "not all equal (E(√(d+1)) > 0 on a connected graph) and X_0 is not orthogonal to √(d+1): the condition.",
    evidence=[
        limit_ladder(_ENERGY_INSTANCES, xs=_XS, label="ladder", about="condition",
                     description="both energies of Ahat^L X_0 along L = 10, 40, 160, 640 (mpmath) against the limits"),
        exact_limit(_ENERGY_EXACT, label="exact", about="condition",
                    description="exact limits (SymPy) of both energies on K_{1,3} and P_3"),
        at_points(_ENERGY_INSTANCES, label="positive", about="condition",
                  description="the plain energy's limit (√(d+1)ᵀX_0)² E(√(d+1))/‖√(d+1)‖⁴ > 0 at the "
                              "instances"),
        np_limit(_ENERGY_NP, xs=(100, 200, 400), rtol=1e-9, label="float", about="condition",
                 description="float64 energies (dirichlet_energy) of propagate(..., 'gcn') on karate and Florentine "
                             "at L = 100, 200, 400"),
        counterexample(_REGULAR, label="regular",
                       description="K_4 (regular): √(d+1) is constant, the plain energy tends to 0 as well "
                                   "(certified: E(√(d+1)) is an exact 0)"),
    ],
    mutants=(
        Mutant("no_condition", condition=None,
               why="the claim for every graph and every X_0: fails on regular graphs and for X_0 ⊥ √(d+1)"),
        Mutant("plain_vanishes", statement=_energy_statement(sp.Integer(0)),
               why="the plain energy vanishes as well (what the mean operator does)"),
    ),
    depth="fixed-size",
    depth_note="exact limits (SymPy) on K_{1,3}, P_3; high-precision ladders on P_4, K_{2,3}, C_5; float64 on "
               "karate and the Florentine families; the counterexample (K_4) certified in arb",
    note=r"$E^{\rm sym}(X) = \operatorname{tr}(X^\top(I-\hat A)X)$ vanishes on $\sqrt{\tilde d}$, the limit "
         r"direction of GCN; $E$ vanishes only on constants.  So a decaying normalised energy does not mean equal "
         r"features (Bison \& Sperduti 2025), and the plain energy of GCN features does not decay to 0 on a "
         r"non-regular graph.",
)

CLAIMS = [EQUAL_FEATURES, RATE, ENERGIES]
