"""Claims ``agg.pm.*`` (transitional: still the legacy declarations)."""

from .legacy import ALL_LEGACY

CLAIMS = [c for c in ALL_LEGACY if c.id.startswith('agg.pm.')]
