"""sinusoidal_encoding: the seed's formula, the seed's code and the Transformer, index by index."""

import math

import numpy as np
import pytest

from verify.positional import sinusoidal_encoding
from verify.positional.seed_get_E import get_E as seed_get_E  # the seed's cell, verbatim


@pytest.mark.parametrize("n,p", [(64, 256), (1, 1), (7, 3), (10, 11)])
def test_seed_code_is_get_E_bit_for_bit(n, p):
    assert np.array_equal(sinusoidal_encoding(n, p, convention="seed-code"), seed_get_E(n, p))


def test_seed_formula_entries():
    n, p = 9, 8
    E = sinusoidal_encoding(n, p, convention="seed-formula")
    for k in range(p // 2):
        w = math.exp(-2 * k * math.log(10000) / 5000)
        for i in range(1, n + 1):  # positions 1..n are columns 0..n-1
            assert E[2 * k, i - 1] == pytest.approx(math.sin(i * w), abs=1e-15)
            assert E[2 * k + 1, i - 1] == pytest.approx(math.cos(i * w), abs=1e-15)


def test_transformer_entries():
    n, p = 6, 5
    E = sinusoidal_encoding(n, p, convention="transformer", base=100.0)
    for r in range(p):
        w = 100.0 ** (-2 * (r // 2) / p)
        for pos in range(n):
            expect = math.sin(pos * w) if r % 2 == 0 else math.cos(pos * w)
            assert E[r, pos] == pytest.approx(expect, abs=1e-15)


def test_formula_and_code_differ():
    a = sinusoidal_encoding(8, 6, convention="seed-formula")
    b = sinusoidal_encoding(8, 6, convention="seed-code")
    assert np.abs(a - b).max() > 0.1


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_rounded_float64(dtype):
    E = sinusoidal_encoding(5, 4, convention="seed-formula", dtype=dtype)
    assert E.dtype == np.dtype(dtype) and E.shape == (4, 5)
    np.testing.assert_array_equal(E, sinusoidal_encoding(5, 4, convention="seed-formula").astype(dtype))


@pytest.mark.parametrize("kwargs,name", [
    (dict(n=0, p=4), "n"), (dict(n=3.0, p=4), "n"), (dict(n=True, p=4), "n"),
    (dict(n=3, p=-1), "p"), (dict(n=3, p="4"), "p"),
    (dict(n=3, p=4, convention="vaswani"), "convention"),
    (dict(n=3, p=4, dtype=np.float16), "dtype"), (dict(n=3, p=4, dtype="int32"), "dtype"),
    (dict(n=3, p=4, dtype="nonsense"), "dtype"),
    (dict(n=3, p=4, base=0.0), "base"), (dict(n=3, p=4, base=float("nan")), "base"),
])
def test_bad_arguments_raise_naming_the_argument(kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name} must"):
        sinusoidal_encoding(**kwargs)


def test_numpy_integer_sizes_accepted():
    assert sinusoidal_encoding(np.int64(3), np.int32(2)).shape == (2, 3)
