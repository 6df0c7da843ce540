"""Claims ``agg.kernel.*`` (transitional: still the legacy declarations).

The statement-bound float limit evidence builders live in :mod:`verify.aggregation.kernel_claims` and are
re-exported here.
"""

from ..kernel_claims import power_mean_limit_float_evidence, softmax_limit_float_evidence  # noqa: F401
from .legacy import ALL_LEGACY

CLAIMS = [c for c in ALL_LEGACY if c.id.startswith('agg.kernel.')]
