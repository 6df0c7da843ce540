"""Interpolating aggregations (seed Ex 2): softmax and power-mean aggregation, their limits and kernels.

Public API
----------
:func:`softmax_aggregate`
    ``|N|^eta * sum_u softmax(t m)_u m_u`` per segment and channel, any real ``t`` including 0 and +-inf;
:func:`power_mean_aggregate`
    ``|N|^eta * ((1/|N|) sum_u m_u^q)^(1/q)`` for ``m_u >= 0``, any real ``q`` including 0 and +-inf;
:func:`segment_sum`, :func:`segment_mean`, :func:`segment_max`, :func:`segment_min`,
:func:`segment_geometric_mean`
    the same segment machinery for the plain reductions.

The mpmath references are in :mod:`verify.aggregation.reference`, the ULP sweep in
:mod:`verify.aggregation.accuracy`, and the claims of Ex 2 in :mod:`verify.aggregation.claims`
(``TOPIC``, ids ``agg.*``).
"""

from .kernels import (power_mean_aggregate, segment_geometric_mean, segment_max, segment_mean, segment_min,
                      segment_sum, softmax_aggregate)

__all__ = ["softmax_aggregate", "power_mean_aggregate", "segment_sum", "segment_mean", "segment_max",
           "segment_min", "segment_geometric_mean"]
