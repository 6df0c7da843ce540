r"""Topic 2 of the seed: interpolating aggregations (Ex 2), as claims, one module per group of the seed.

=================  ===========================================================================
``softmax``        ``agg.softmax.*``: limits, derivative, rate of the softmax aggregation
``pm``             ``agg.pm.*``: limits, monotonicity, bounds and domain of the power mean
``lse``            ``agg.lse.*``: the log-sum-exp facts the seed uses
``seed_2a``        ``agg.seed.2a*``: the seed's derivation of Ex 2a, step by step
``seed_2b``        ``agg.seed.2b*``: the seed's derivation of Ex 2b, step by step
``seed_2c``        ``agg.seed.2c*``: the observation printed under 2c
``kernel``         ``agg.kernel.*``: accuracy of the numpy kernels
=================  ===========================================================================
"""

from __future__ import annotations

from verify.core.groups import gather
from verify.core.topic import Topic

from ..figures import make_figures

GROUPS = (("softmax", "agg.softmax."), ("pm", "agg.pm."), ("lse", "agg.lse."), ("seed_2a", "agg.seed.2a"),
          ("seed_2b", "agg.seed.2b"), ("seed_2c", "agg.seed.2c"), ("kernel", "agg.kernel."))

CLAIMS = gather(__name__, GROUPS)

TOPIC = Topic(
    name="aggregation",
    title="Interpolating aggregations (Ex 2)",
    prefix="agg",
    claims=CLAIMS,
    intro=r"Softmax aggregation $S(\lambda,\eta) = |\mathcal N|^\eta\sum_u \operatorname{softmax}(m;\lambda)_u\,m_u$ "
          r"and power-mean aggregation $P(q,\eta) = |\mathcal N|^\eta\big(\frac1{|\mathcal N|}\sum_u m_u^q\big)^{1/q}$ "
          r"($m_u \ge 0$) interpolate between min, mean and max. We first state and prove the correct theory for "
          r"general $|\mathcal N| = n$ (chains of checked steps), with exact limits over every tie pattern for "
          r"$n \le 5$ and precision ladders against predicted rates; then we take the seed's derivations of Ex 2a "
          r"and 2b step by step.",
    figures=make_figures,
)
