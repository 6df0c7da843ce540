"""Claims about the numpy kernels (``agg.kernel.*``), present only once the kernels exist."""

from __future__ import annotations

import importlib.util

from verify.core.claim import Claim


def kernels_available() -> bool:
    return all(importlib.util.find_spec(f"verify.aggregation.{m}") is not None
               for m in ("kernels", "reference", "accuracy"))


def kernel_claims() -> list[Claim]:
    if not kernels_available():
        return []
    return []
