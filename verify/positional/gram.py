r"""The Gram matrix :math:`G = E^\top E` of a sinusoidal encoding, from its closed form.

For rows :math:`E_{r,i} = \sin(x_i\omega_r + \varphi_r)` with :math:`\varphi_r \in \{0, \pi/2\}`,

.. math::
    E_{ri}E_{rj} = \tfrac12\bigl[\cos((x_i - x_j)\omega_r) - \cos((x_i + x_j)\omega_r + 2\varphi_r)\bigr],

so :math:`G_{ij} = T(x_i - x_j) + H(x_i + x_j)` with

.. math::
    T(d) = \tfrac12\sum_r \cos(d\,\omega_r), \qquad
    H(s) = -\tfrac12\sum_r s_r\cos(s\,\omega_r),\quad s_r = +1 \text{ (sine row)}, -1 \text{ (cosine row)}:

a symmetric Toeplitz matrix plus a Hankel matrix (claim ``pe.gram.toeplitz_plus_hankel``).  When sine and
cosine rows come in pairs sharing a frequency (``seed-formula``/``transformer`` with even ``p``) the
Hankel weights cancel exactly and :math:`G` is Toeplitz with diagonal ``p/2`` (claim ``pe.gram.toeplitz``).

:func:`encoding_gram` evaluates ``T`` at the ``n`` distances and ``H`` at the ``2n - 1`` sums in
``O(n p)`` and fills the ``n x n`` matrix in ``O(n^2)``; the Hankel weights are combined per frequency
index before any cosine is evaluated, so paired rows cancel exactly, not up to rounding.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.linalg import hankel, toeplitz

from .encoding import check_arguments, frequencies, positions, row_layout


def gram_vectors(n: int, p: int, convention: str, base: float = 10000.0) -> tuple[np.ndarray, np.ndarray]:
    """Float64 ``t`` (``t[d] = T(d)``, ``d = 0..n-1``) and ``h`` (``h[m] = H(2 x_0 + m)``, ``m = 0..2n-2``)."""
    k, is_cos = row_layout(p, convention)
    x0 = int(positions(1, convention)[0])
    # Toeplitz part: every row contributes 1/2 cos(d w_k); rows with the same k share the cosine.
    ks, counts = np.unique(k, return_counts=True)
    w = frequencies(ks, p, convention, base)
    d = np.arange(n)
    t = 0.5 * (np.cos(d[:, None] * w[None, :]) * counts[None, :]).sum(axis=1)
    # Hankel part: weight s_r = +1 (sine), -1 (cosine) summed per k; paired rows give weight 0.
    sign = np.where(is_cos, -1, 1)
    weight = np.zeros(ks.size, dtype=np.int64)
    np.add.at(weight, np.searchsorted(ks, k), sign)
    live = weight != 0
    s = 2 * x0 + np.arange(2 * n - 1)
    if live.any():
        h = -0.5 * (np.cos(s[:, None] * w[None, live]) * weight[None, live]).sum(axis=1)
    else:
        h = np.zeros(s.size)
    return t, h


def encoding_gram(n: int, p: int, *, convention: str = "seed-formula", base: float = 10000.0,
                  dtype: Any = np.float64) -> np.ndarray:
    """``E.T @ E`` for ``E = sinusoidal_encoding(n, p, convention=..., base=...)``, from the closed form.

    Computed in float64 and rounded once to ``dtype``.  Accuracy (claim ``pe.gram.toeplitz_plus_hankel``,
    numpy evidence): the error against the exact Gram (mpmath) is a small multiple of ``eps * p``.
    Arguments are validated as in :func:`~verify.positional.encoding.sinusoidal_encoding`.
    """
    n, p, dt = check_arguments(n, p, convention, base, dtype)
    t, h = gram_vectors(n, p, convention, base)
    G = toeplitz(t)
    if np.any(h):
        G = G + hankel(h[:n], h[n - 1:])
    return G.astype(dt, copy=False)
