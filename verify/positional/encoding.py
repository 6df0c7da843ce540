r"""Sinusoidal positional encodings as a ``p x n`` matrix (rows = features, columns = positions).

Three conventions, all of the form :math:`E_{r,i} = \sin(x_i\,\omega_r + \varphi_r)` with
:math:`\varphi_r \in \{0, \pi/2\}` (sine or cosine row).  Rows ``r`` and columns are numbered as stated
below; in the returned array, row ``r`` of the convention is array row ``r`` (0-based) or ``r - 1``
(1-based), column ``i`` is array column ``i - 1`` (1-based positions) or ``i`` (0-based positions).

``"seed-formula"`` (seed Ex 1b, displayed formula; claims ``pe.enc.*``)
    rows ``r = 0, ..., p-1`` (0-based), positions ``i = 1, ..., n`` (1-based, as the seed's
    :math:`e_{11}, \dots, e_{pn}`):
    :math:`E_{2k,i} = \sin(i\,\omega_k)`, :math:`E_{2k+1,i} = \cos(i\,\omega_k)`,
    :math:`\omega_k = \exp(-2k\log(\mathrm{base})/5000)`.  Sine and cosine rows come in pairs sharing
    one frequency.  The ``5000`` is the seed's constant (a Transformer would have ``p`` there).
``"seed-code"`` (seed Ex 1b code cell [4], ``get_E``)
    rows ``k = 1, ..., p`` (1-based), positions ``i = 1, ..., n``:
    :math:`\omega_k = \exp(-2k\log(\mathrm{base})/5000)` with ``k`` the *row* index itself, so every row
    has its own frequency; rows with ``k`` even are :math:`\sin(i\,\omega_k)`, rows with ``k`` odd are
    :math:`\cos(i\,\omega_k)`.  Array row 0 is therefore a cosine row.  Reproduces ``get_E`` bit for bit
    in float64.
``"transformer"`` (Vaswani et al. 2017)
    rows ``r = 0, ..., p-1``, positions ``pos = 0, ..., n-1`` (0-based):
    :math:`E_{2k,pos} = \sin(pos\,\omega_k)`, :math:`E_{2k+1,pos} = \cos(pos\,\omega_k)`,
    :math:`\omega_k = \mathrm{base}^{-2k/p}` (computed as :math:`\exp(-2k\log(\mathrm{base})/p)`).
    For odd ``p`` the last row is an unpaired sine row.

Angles are formed in float64 and the result is rounded once to ``dtype`` (float32 or float64).
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

CONVENTIONS = ("seed-formula", "seed-code", "transformer")
DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
#: The seed's denominator in the frequency exponent (the Transformer uses the model width ``p``).
SEED_DENOMINATOR = 5000


def _check_size(value: Any, name: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def check_arguments(n: Any, p: Any, convention: Any, base: Any, dtype: Any) -> tuple[int, int, np.dtype]:
    """Validate the common arguments; raise ``ValueError`` naming the offending one."""
    n = _check_size(n, "n")
    p = _check_size(p, "p")
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be one of {CONVENTIONS}, got {convention!r}")
    if isinstance(base, (bool, np.bool_)) or not isinstance(base, numbers.Real) \
            or not math.isfinite(base) or base <= 0:
        raise ValueError(f"base must be a positive finite number, got {base!r}")
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise ValueError(f"dtype must be float32 or float64, got {dtype!r}") from None
    if dt not in DTYPES:
        raise ValueError(f"dtype must be float32 or float64, got {dtype!r}")
    return n, p, dt


def row_layout(p: int, convention: str) -> tuple[np.ndarray, np.ndarray]:
    """For each array row: the integer frequency index ``k`` and whether it is a cosine row.

    ``seed-formula``/``transformer``: ``k = r // 2``, cosine for odd ``r`` (0-based ``r``).
    ``seed-code``: ``k = r + 1`` (the 1-based row number), cosine when ``k`` is odd.
    """
    r = np.arange(p)
    if convention == "seed-code":
        k = r + 1
        return k, (k % 2 == 1)
    return r // 2, (r % 2 == 1)


def positions(n: int, convention: str) -> np.ndarray:
    """Positions of the columns: ``1..n`` for the seed's conventions, ``0..n-1`` for the Transformer."""
    start = 0 if convention == "transformer" else 1
    return np.arange(n) + start


def frequency_denominator(p: int, convention: str) -> int:
    """``5000`` for the seed's conventions, ``p`` for the Transformer."""
    return p if convention == "transformer" else SEED_DENOMINATOR


def frequencies(k: np.ndarray, p: int, convention: str, base: float = 10000.0) -> np.ndarray:
    r"""Float64 :math:`\omega_k = \exp(-2k\log(\mathrm{base})/D)` (``D`` from :func:`frequency_denominator`).

    The operation order is the seed's (``np.exp(-2*kk*np.log(10000)/5000)``), so ``seed-code`` is bitwise
    the seed's ``get_E``.
    """
    return np.exp(-2 * np.asarray(k) * np.log(float(base)) / frequency_denominator(p, convention))


def frequency_mp(k: int, p: int, convention: str, base: Any = 10000):
    """The exact frequency as an mpmath number at the current working precision."""
    import mpmath

    return mpmath.exp(-2 * k * mpmath.log(mpmath.mpf(base)) / frequency_denominator(p, convention))


def encoding_entry_mp(r: int, i: int, p: int, convention: str, base: Any = 10000):
    """Array entry ``E[r, i]`` (0-based array indices) in mpmath at the current precision."""
    import mpmath

    k, is_cos = row_layout(p, convention)
    x = int(positions(i + 1, convention)[i])
    w = frequency_mp(int(k[r]), p, convention, base)
    return mpmath.cos(x * w) if is_cos[r] else mpmath.sin(x * w)


def sinusoidal_encoding(n: int, p: int, *, convention: str = "seed-formula", base: float = 10000.0,
                        dtype: Any = np.float64) -> np.ndarray:
    """The ``p x n`` sinusoidal encoding matrix of ``convention`` (see the module docstring).

    Raises ``ValueError`` (naming the argument) for ``n`` or ``p`` not a positive integer, an unknown
    ``convention``, a non-positive ``base`` or a ``dtype`` other than float32/float64.
    Serves claims ``pe.enc.code_matches_formula``, ``pe.enc.code_reading`` and every ``pe.gram.*`` claim.
    """
    n, p, dt = check_arguments(n, p, convention, base, dtype)
    k, is_cos = row_layout(p, convention)
    w = frequencies(k, p, convention, base)
    angle = positions(n, convention)[None, :] * w[:, None]
    E = np.where(is_cos[:, None], np.cos(angle), np.sin(angle))
    return E.astype(dt, copy=False)
