"""Scores, the seed's code cells, the moment formulas and the helper checks."""

import contextlib
import io

import numpy as np
import sympy as sp

from verify.positional.checks import gaussian_expectation, sum_identity
from verify.positional.claims.gram import heatmap_criterion
from verify.positional.scores import (cross_terms, expected_cat_energy, expected_cross_energy, score_add,
                                      score_cat, seed_get_E, seed_get_score)


def test_add_minus_cat_is_cross_terms():
    rng = np.random.default_rng(0)
    X, E = rng.normal(size=(6, 4)), rng.normal(size=(6, 4))
    np.testing.assert_allclose(score_add(X, E) - score_cat(X, E), cross_terms(X, E), atol=1e-12)


def test_seed_get_score_cat_prints_shape_and_matches_cat():
    E = seed_get_E(5, 4)
    X = np.arange(20.0).reshape(4, 5)
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        S = seed_get_score(E, X, mode="cat")
    assert buf.getvalue().strip() == "(8, 5)"
    np.testing.assert_allclose(S, score_cat(X, E), atol=1e-12)


def test_seed_get_score_unknown_mode_returns_none():
    with contextlib.redirect_stdout(io.StringIO()):
        assert seed_get_score(np.eye(2), np.eye(2), mode="sum") is None


def test_moment_formulas_small_case_by_enumeration():
    # p = n = 1: C = 2 e x, E[C^2] = 4 e^2 sigma^2 = 2 sigma^2 (n+1) e^2
    E = np.array([[1.5]])
    assert expected_cross_energy(E, 2.0) == 2 * 4.0 * 2 * 2.25
    # S_cat = e^2 + x^2: E[S^2] = e^4 + 2 e^2 s^2 + 3 s^4
    assert np.isclose(expected_cat_energy(E, 2.0), 1.5**4 + 2 * 2.25 * 4 + 3 * 16)


def test_gaussian_expectation_moments():
    x, y, s = sp.symbols("x y s", positive=True)
    assert gaussian_expectation(x**4 * y**2 + x, [x, y], s) == 3 * s**6
    assert gaussian_expectation(x * y, [x, y], s) == 0


def test_sum_identity_rejects_a_wrong_identity():
    k, n = sp.symbols("k n", integer=True, positive=True)
    a = sp.IndexedBase("a")
    assert sum_identity(sp.Sum(a[k] + 1, (k, 1, n)), sp.Sum(a[k], (k, 1, n)) + n)[0] is True
    assert sum_identity(sp.Sum(a[k] + 1, (k, 1, n)), sp.Sum(a[k], (k, 1, n)) + n + 1)[0] is not True
    assert sum_identity(sp.Sum(a[k - 1], (k, 2, n + 1)), sp.Sum(a[k], (k, 1, n)))[0] is True


def test_heatmap_criterion_rejects_a_flat_matrix():
    c = heatmap_criterion(np.ones((8, 8)))
    assert not c["S"]
    G = seed_get_E(64, 256).T @ seed_get_E(64, 256)
    c = heatmap_criterion(G)
    assert c["S"] and c["D"] and c["O"]


def test_piecewise_split_check_rejects_a_wrong_split():
    import sympy as sp

    from verify.positional.claims.score import _piecewise_split_check, cat_steps, eI, k, p, xI
    from verify.positional.claims.score import i as ii
    from verify.positional.claims.score import j as jj

    lhs, rhs = cat_steps[0].lhs, cat_steps[0].rhs  # the split at k = p
    assert _piecewise_split_check(lhs, rhs)[0] is True
    swapped = sp.Sum(eI[k - p, ii] * eI[k - p, jj], (k, 1, p)) + sp.Sum(xI[k, ii] * xI[k, jj], (k, p + 1, 2 * p))
    assert _piecewise_split_check(lhs, swapped)[0] is not True
    gap = sp.Sum(xI[k, ii] * xI[k, jj], (k, 1, p)) + sp.Sum(eI[k - p, ii] * eI[k - p, jj], (k, p + 2, 2 * p))
    assert _piecewise_split_check(lhs, gap)[0] is not True
