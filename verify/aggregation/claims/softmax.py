"""Claims ``agg.softmax.*``: the softmax aggregation ``S(m; λ, η) = n^η Σ_u softmax(m; λ)_u m_u``.

(Transitional: the claims not yet rewritten on statements still come from the legacy declarations.)
"""

from __future__ import annotations

import sympy as sp

from verify.core.claim import Claim, Mutant, Step
from verify.core.numeric import at_points, exact_limit, limit_ladder
from verify.core.statement import All, Lim, Rel
from verify.core.symbolic import derivation_evidence

from ..quantities import S, card, eta, lam, m, n_, u_, vmax, vmin, vsum
from .inputs import RANDOM, SPREAD, TIES
from .legacy import ALL_LEGACY

_mb = sp.IndexedBase("m", real=True)
_MEAN_N = card(m) ** (eta - 1) * vsum(m)  # n^(η−1) Σ_u m_u

#: the spread D = max − min enters the rate |S(λ) − S(0)| ≤ |λ| n^η D²/4 (derivative = variance ≤ D²/4)
_RATE = card(m) ** eta * sp.Abs(lam) * (vmax(m) - vmin(m)) ** 2 / 4

AT_ZERO = Claim(
    id="agg.softmax.at_zero", source="Ex 2a (theory)",
    title="At λ = 0 (and as λ → 0) softmax aggregation is n^(η-1) Σ m_u",
    display=r"S(0,\eta) = \lim_{\lambda\to0} S(\lambda,\eta) = |\mathcal N|^{\eta-1}\sum_u m_u",
    statement=All(Rel(S(m, 0, eta), _MEAN_N), Lim(S(m, lam, eta), lam, 0, _MEAN_N)),
    recorded="holds",
    derivation=(
        Step(None, n_ ** eta * sp.Sum(_mb[u_], (u_, 1, n_)) / n_, why="definition; exp(0) = 1 and Σ_u 1 = n"),
        Step(None, n_ ** (eta - 1) * sp.Sum(_mb[u_], (u_, 1, n_)), why="n^η / n = n^(η−1)"),
    ),
    evidence=[
        derivation_evidence([
            Step(None, n_ ** eta * sp.Sum(_mb[u_], (u_, 1, n_)) / n_, why="definition; exp(0) = 1 and Σ_u 1 = n"),
            Step(None, n_ ** (eta - 1) * sp.Sum(_mb[u_], (u_, 1, n_)), why="n^η / n = n^(η−1)"),
        ], label="lambda=0", part=0),
        at_points([{m: RANDOM, eta: 1}, {m: SPREAD, eta: 0}, {m: TIES, eta: "0.5"}], label="lambda=0"),
        limit_ladder([{m: RANDOM, eta: 1}, {m: RANDOM, eta: 0}], rate=_RATE,
                     label="ladder", description="|S(λ) − n^(η−1) Σ m| as λ → 0±, against |λ| n^η D²/4"),
        limit_ladder([{m: SPREAD, eta: 0}], rungs=(12, 14, 16, 18, 20, 22), rate=_RATE, label="ladder:spread",
                     description="the same for a spread of 16 orders of magnitude (λ from 1e-12)"),
        exact_limit([{m: ("1", "2"), eta: 0}, {m: ("0.5", "3", "3"), eta: 1}], label="exact"),
    ],
    corrects="agg.seed.2a_limit_zero_result",
    mutants=(
        Mutant("eta_exponent", All(Rel(S(m, 0, eta), card(m) ** eta * vsum(m)), Lim(S(m, lam, eta), lam, 0,
                                                                                      card(m) ** eta * vsum(m))),
               why="off by one in the exponent: n^η Σ m (the sum, not the mean)"),
        Mutant("seed_value", All(Rel(S(m, 0, eta), card(m) ** eta), Lim(S(m, lam, eta), lam, 0, card(m) ** eta)),
               why="the seed's value n^η Σ_u m_u / Σ_w m_w = n^η"),
    ),
    depth="general", depth_note="S(0) for general n; the limit by ladders and exact limits at instances",
    note=r"Continuity at $0$ with the rate $|S(\lambda) - S(0)| \le |\lambda|\, n^\eta D^2/4$: "
         r"$\partial_\lambda S = n^\eta \operatorname{Var}_{w}(m) \le n^\eta D^2/4$ (Popoviciu), $D = \max - \min$.",
)

_PORTED = [AT_ZERO]
_ported_ids = {c.id for c in _PORTED}
_ORDER = [c.id for c in ALL_LEGACY if c.id.startswith("agg.softmax.")]
CLAIMS = sorted(_PORTED + [c for c in ALL_LEGACY if c.id.startswith("agg.softmax.") and c.id not in _ported_ids],
                key=lambda c: _ORDER.index(c.id) if c.id in _ORDER else len(_ORDER))
