"""Claims ``agg.seed.2c*`` (transitional: still the legacy declarations)."""

from .legacy import ALL_LEGACY

CLAIMS = [c for c in ALL_LEGACY if c.id.startswith('agg.seed.2c')]
