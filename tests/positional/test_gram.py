"""encoding_gram: closed form (Toeplitz + Hankel) against the matmul and the exact Gram."""

import numpy as np
import pytest

from verify.positional import encoding_gram, sinusoidal_encoding
from verify.positional.reference import error_vs_fixed, gram_fixed

CONVENTIONS = ("seed-formula", "seed-code", "transformer")
#: closed form vs exact: at most BOUND * eps * p (measured about 2.4 in float64, 0.25 in float32)
BOUND = 4.0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("conv", CONVENTIONS)
@pytest.mark.parametrize("n,p", [(24, 16), (17, 9), (1, 1), (2, 5)])
def test_closed_form_matches_exact_gram(conv, n, p, dtype):
    ref = gram_fixed(n, p, conv)
    G = encoding_gram(n, p, convention=conv, dtype=dtype)
    assert G.dtype == np.dtype(dtype) and G.shape == (n, n)
    err = error_vs_fixed(G, ref).max() / (np.finfo(dtype).eps * p)
    assert err <= BOUND


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("conv", CONVENTIONS)
def test_closed_form_matches_matmul(conv, dtype):
    n, p = 40, 32
    E = sinusoidal_encoding(n, p, convention=conv, dtype=np.float64)
    G = encoding_gram(n, p, convention=conv, dtype=dtype)
    # the float64 matmul is itself within a few eps*p of the exact Gram
    tol = (BOUND + 8) * np.finfo(dtype).eps * p
    assert np.abs(G.astype(np.float64) - E.T @ E).max() <= tol


def test_paired_conventions_are_exactly_toeplitz_with_diagonal_half_p():
    for conv in ("seed-formula", "transformer"):
        G = encoding_gram(30, 12, convention=conv)
        for d in range(30):
            diag = np.diagonal(G, d)
            assert np.all(diag == diag[0])  # exact: the Hankel part cancels before rounding
        assert np.allclose(G.diagonal(), 6.0, atol=1e-13)


def test_seed_code_gram_is_not_toeplitz():
    G = encoding_gram(64, 256, convention="seed-code")
    assert np.ptp(G.diagonal()) > 0.5
    assert np.allclose(G, G.T)


def test_odd_p_transformer_is_not_toeplitz():
    G = encoding_gram(400, 3, convention="transformer")
    assert abs(G[0, 0] - G[365, 365]) > 0.4


@pytest.mark.parametrize("kwargs,name", [
    (dict(n=0, p=4), "n"), (dict(n=3, p=0), "p"), (dict(n=3, p=4, convention="x"), "convention"),
    (dict(n=3, p=4, dtype=np.complex128), "dtype"),
])
def test_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name} must"):
        encoding_gram(**kwargs)
