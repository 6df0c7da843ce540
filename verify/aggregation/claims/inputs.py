"""Fixed neighbourhoods the Ex 2 evidence evaluates at (deterministic, so every figure is reproducible).

Values are decimal strings: mpmath reads them at the working precision and arb encloses them exactly.
"""

from __future__ import annotations

import random

_rng = random.Random(20230127)
#: six messages drawn once from U(0, 3), written to 6 decimals
RANDOM = tuple(f"{_rng.uniform(0.0, 3.0):.6f}" for _ in range(6))
#: a tie at the maximum
TIES = ("1", "3", "3", "2")
#: sixteen orders of magnitude
SPREAD = ("1e-8", "1", "1e8")
#: k = 2 maximisers and 3 messages at max − Δ: the gap bound is tight here
TWO_LEVEL = ("2", "2", "1.5", "1.5", "1.5")
#: a neighbourhood with max > 1, and one with max < 1
POS = ("0.7", "1.9", "1.2")
SMALL = ("0.25", "0.5")

LABELS = {RANDOM: "random", TIES: "ties", SPREAD: "spread", TWO_LEVEL: "two_level", POS: "pos", SMALL: "small"}


def label(m) -> str:
    return LABELS.get(tuple(m), "case")
