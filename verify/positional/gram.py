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
from numpy.lib.stride_tricks import sliding_window_view

from .encoding import check_arguments, frequencies, positions, row_layout


def gram_vectors(n: int, p: int, convention: str, base: float = 10000.0) -> tuple[np.ndarray, np.ndarray]:
    """Float64 ``t`` (``t[d] = T(d)``, ``d = 0..n-1``) and ``h`` (``h[m] = H(2 x_0 + m)``, ``m = 0..2n-2``).

    Rows are grouped by frequency index first: the Toeplitz weight of index ``k`` is its number of rows,
    the Hankel weight is (#sine rows - #cosine rows), which is exactly 0 for a sine/cosine pair.  Every
    cosine ``cos(m w_k)`` is evaluated once, for the integers ``m`` that both parts need.
    """
    k, is_cos = row_layout(p, convention)
    x0 = int(positions(1, convention)[0])
    ks, where = np.unique(k, return_inverse=True)
    w = frequencies(ks, p, convention, base)
    counts = np.bincount(where, minlength=ks.size).astype(np.float64)
    weight = np.bincount(where, weights=np.where(is_cos, -1.0, 1.0), minlength=ks.size)
    live = weight != 0
    if live.any():
        m = np.arange(2 * x0 + 2 * n - 1)  # 0..n-1 for T and 2 x0 .. 2 x0 + 2n - 2 for H
        cosines = np.cos(m[:, None] * w[None, :])
        t = 0.5 * (cosines[:n] @ counts)
        h = -0.5 * (cosines[2 * x0:, live] @ weight[live])
    else:
        t = 0.5 * (np.cos(np.arange(n)[:, None] * w[None, :]) @ counts)
        h = np.zeros(2 * n - 1)
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
    # Toeplitz T_ij = t[|i-j|] and Hankel H_ij = h[i+j] as strided views of two short vectors; one pass fills G
    v = np.concatenate([t[:0:-1], t])  # v[n-1+d] = t[|d|]
    toeplitz_view = sliding_window_view(v, n)[::-1]  # row i starts at v[n-1-i]
    G = np.empty((n, n), dtype=dt)
    if np.any(h):
        np.add(toeplitz_view, sliding_window_view(h, n), out=G, casting="same_kind")
    else:
        G[...] = toeplitz_view
    return G
