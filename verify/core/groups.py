"""Assemble a topic's claims from one module per group of the seed.

Each group module (``verify/<topic>/claims/<group>.py``) declares ``CLAIMS``, the claims of one group of
the seed (``pe.score``, ``agg.seed.2a`` ...), in the order they appear there.  :func:`gather` imports the
group modules of a topic in seed order and checks that each declares only ids under its own prefix.
"""

from __future__ import annotations

import importlib
from typing import Sequence

from .claim import Claim


def gather(package: str, groups: Sequence[tuple[str, str]]) -> list[Claim]:
    """The claims of ``package``'s group modules ``(module name, id prefix)``, in the given order."""
    out: list[Claim] = []
    for module, prefix in groups:
        mod = importlib.import_module(f"{package}.{module}")
        claims = list(mod.CLAIMS)
        stray = [c.id for c in claims if not c.id.startswith(prefix)]
        if stray:
            raise ValueError(f"{package}.{module} declares ids outside {prefix!r}: {stray}")
        out.extend(claims)
    return out
