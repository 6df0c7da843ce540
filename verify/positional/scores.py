r"""Attention scores with an added or concatenated encoding, the seed's code, and closed-form moments.

Notation (seed Ex 1): features :math:`X \in \mathbb{R}^{p\times n}`, encoding :math:`E \in \mathbb{R}^{p\times n}`,
:math:`K = Q`, so the score is a Gram matrix:

* addition: :math:`S_{add} = (X+E)^\top(X+E) = X^\top X + E^\top E + C`, :math:`C = E^\top X + X^\top E`;
* concatenation along the feature axis: :math:`S_{cat} = \mathrm{cat}(X,E)^\top\mathrm{cat}(X,E) = X^\top X + E^\top E`.

Moments for :math:`X` with iid :math:`N(0,\sigma^2)` entries and :math:`G = E^\top E` (claims ``pe.kq.*``):

.. math::
    \mathbb{E}\|C\|_F^2 = 2\sigma^2(n+1)\operatorname{tr}G,\qquad
    \mathbb{E}\|S_{cat}\|_F^2 = \|G\|_F^2 + 2p\sigma^2\operatorname{tr}G + np\sigma^4(n+p+1),\qquad
    \mathbb{E}\|S_{add}\|_F^2 = \mathbb{E}\|S_{cat}\|_F^2 + \mathbb{E}\|C\|_F^2 .
"""

from __future__ import annotations

import numpy as np

from .seed_get_E import get_E as seed_get_E  # noqa: F401 - the seed's get_E, verbatim (re-exported)


# --- the seed's code cell [4]: get_score transcribed literally (get_E: seed_get_E.py, verbatim) -----------
def seed_get_score(E, X, mode='cat'):
    """Literal transcription of the seed's ``get_score`` (Ex 1b code cell [4])."""
    if mode == 'add':
        Q = E + X
        return Q.T @ Q
    elif mode == 'cat':
        Q = np.append(E, X, axis=0)
        print(Q.shape)
        return Q.T @ Q
    else:
        print('You did something wrong.')
        return


# --- scores ------------------------------------------------------------------------------------------------
def score_add(X: np.ndarray, E: np.ndarray) -> np.ndarray:
    """:math:`(X+E)^\\top(X+E)`."""
    Q = X + E
    return Q.T @ Q


def score_cat(X: np.ndarray, E: np.ndarray) -> np.ndarray:
    """:math:`\\mathrm{cat}(X,E)^\\top\\mathrm{cat}(X,E)`, stacking along the feature axis (``2p x n``)."""
    Q = np.concatenate([X, E], axis=0)
    return Q.T @ Q


def cross_terms(X: np.ndarray, E: np.ndarray) -> np.ndarray:
    """:math:`C = E^\\top X + X^\\top E` (= ``score_add - score_cat`` exactly, in exact arithmetic)."""
    A = E.T @ X
    return A + A.T


# --- closed-form moments for X with iid N(0, sigma^2) entries --------------------------------------------
def expected_cross_energy(E: np.ndarray, sigma: float) -> float:
    """:math:`\\mathbb{E}\\|C\\|_F^2 = 2\\sigma^2(n+1)\\|E\\|_F^2` (claim ``pe.kq.cross_energy``)."""
    n = E.shape[1]
    return float(2 * sigma**2 * (n + 1) * np.sum(E.astype(np.float64) ** 2))


def expected_cat_energy(E: np.ndarray, sigma: float) -> float:
    """:math:`\\mathbb{E}\\|S_{cat}\\|_F^2 = \\|G\\|_F^2 + 2p\\sigma^2\\operatorname{tr}G + np\\sigma^4(n+p+1)`."""
    p, n = E.shape
    E = E.astype(np.float64)
    G = E.T @ E
    return float(np.sum(G**2) + 2 * p * sigma**2 * np.trace(G) + n * p * sigma**4 * (n + p + 1))


def expected_relative_cross(E: np.ndarray, sigma: float) -> float:
    """:math:`\\rho = (\\mathbb{E}\\|C\\|_F^2 / \\mathbb{E}\\|S_{cat}\\|_F^2)^{1/2}` (claims ``pe.kq.essentially_same``,
    ``pe.cross.random_size``)."""
    return float(np.sqrt(expected_cross_energy(E, sigma) / expected_cat_energy(E, sigma)))
