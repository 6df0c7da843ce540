"""Tests of the segment aggregation kernels (verify.aggregation.kernels).

Agreement with the mpmath reference in ULP, limits, monotonicity,
permutation invariance, sorted/unsorted index, empty segments, input
validation, extreme inputs without floating-point exceptions, dtypes, and --
when torch_geometric is installed -- agreement with PyG's aggregations.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from verify.aggregation.kernels import (
    power_mean_aggregate,
    segment_geometric_mean,
    segment_max,
    segment_mean,
    segment_min,
    segment_sum,
    softmax_aggregate,
)
from verify.aggregation.accuracy import CaseError, SweepResult, kappa_threshold, sweep, ulp_errors
from verify.aggregation.reference import (
    power_mean_aggregate_mp,
    reference_segments,
    softmax_aggregate_mp,
)


def _graph(rng, n_seg=12, max_size=30, channels=3, empty=(3,)):
    sizes = rng.integers(1, max_size + 1, size=n_seg)
    for e in empty:
        sizes[e] = 0
    index = np.repeat(np.arange(n_seg), sizes)
    index = index[rng.permutation(len(index))]
    return index, n_seg


def _bruteforce(x, index, N, fn, fill=0.0):
    X = x.reshape(len(x), -1)
    out = np.full((N, X.shape[1]), fill)
    for s in range(N):
        rows = X[index == s]
        if len(rows):
            out[s] = fn(rows)
    return out.reshape((N,) if x.ndim == 1 else (N, X.shape[1]))


# ----------------------------------------------------------------------------
# agreement with the mpmath reference
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("dtype,bound", [(np.float64, 16.0), (np.float32, 0.5)])
@pytest.mark.parametrize("t", [0.0, 1e-8, -1.0, 1.0, 3.7, -37.0, 1e8, math.inf, -math.inf])
def test_softmax_matches_reference(dtype, bound, t):
    rng = np.random.default_rng(1)
    index, N = _graph(rng, n_seg=8, channels=2)
    x = (2.0 + rng.random((len(index), 2))).astype(dtype)     # well-conditioned (no cancellation)
    out = softmax_aggregate(x, index, N, t, eta=-0.5)
    assert out.dtype == dtype
    ref, kap = reference_segments(x, index, N, "softmax", t, -0.5, dps=30, with_condition=True)
    err = ulp_errors(out, ref, dtype)
    ok = ~np.isnan(err)
    # forward error bound (n + 2) * kappa ULP in float64; correctly rounded in float32
    assert np.all(err[ok] <= bound * np.maximum(1.0, kap[ok] / 2)), (err, kap)


@pytest.mark.parametrize("dtype,bound", [(np.float64, 12.0), (np.float32, 0.5)])
@pytest.mark.parametrize("q", [0.0, 1e-300, -1e-8, 0.3, -0.5, 1.0, -1.0, 2.0, 2.3, 2.5, -3.0, 37.0, 1e300,
                               math.inf, -math.inf])
def test_power_mean_matches_reference(dtype, bound, q):
    rng = np.random.default_rng(2)
    index, N = _graph(rng, n_seg=8, channels=2)
    x = (0.1 + 2.0 * rng.random((len(index), 2))).astype(dtype)
    out = power_mean_aggregate(x, index, N, q, eta=1.0)
    assert out.dtype == dtype
    ref, kap = reference_segments(x, index, N, "power_mean", q, 1.0, dps=30, with_condition=True)
    err = ulp_errors(out, ref, dtype)
    ok = ~np.isnan(err)
    assert np.all(err[ok] <= bound * kap[ok]), (err, kap)


_SMALL_Q = [-0.25, -0.1, 0.1, 0.25, 0.5, 0.75]


@pytest.mark.parametrize("q", _SMALL_Q)
def test_power_mean_small_q_ordinary_segments_within_few_ulp(q):
    """Ordinary positive data (kappa ~ 1): the error must not grow like 1/|q|.

    Evaluating (mean x^q)^(1/q) directly amplifies the rounding errors of the
    mean by 1/|q| (up to ~9 ULP here before the refined, P-centred evaluation).
    Both the sort-free path (3 channels) and the blocked path (channels tiled)
    are checked; float32 is computed in float64 and rounded once."""
    import verify.aggregation.kernels as K
    rng = np.random.default_rng(21)
    n_seg = 40
    sizes = rng.integers(1, 51, size=n_seg)
    sizes[0], sizes[-1] = 1, 50
    index = np.repeat(np.arange(n_seg), sizes)
    index = index[rng.permutation(len(index))]
    x = 0.1 + 2.0 * rng.random((len(index), 3))
    for dtype, bound in ((np.float64, 4.0), (np.float32, 1.0)):
        xx = x.astype(dtype)
        ref = reference_segments(xx, index, n_seg, "power_mean", q, 0.0, dps=30)
        out = power_mean_aggregate(xx, index, n_seg, q)
        wide = power_mean_aggregate(np.tile(xx, (1, K._SCATTER_MAX_C // 3 + 1)), index, n_seg, q)[:, :3]
        for o in (out, wide):
            assert o.dtype == dtype
            err = ulp_errors(o, ref, dtype)
            assert err.max() <= bound, (dtype, q, err.max())


def test_huge_spread_float64_against_reference():
    """1e-300 next to 1e300 inside a segment, extreme t and q."""
    rng = np.random.default_rng(3)
    index, N = _graph(rng, n_seg=6, max_size=20, channels=2, empty=())
    mags = 10.0 ** rng.uniform(-300, 300, size=(len(index), 2))
    with np.errstate(all="raise"):
        for t in (1e-300, -1e-8, 1.0, 1e300):
            x = mags * rng.choice([-1.0, 1.0], size=mags.shape)
            out = softmax_aggregate(x, index, N, t)
            ref, kap = reference_segments(x, index, N, "softmax", t, 0.0, dps=30, with_condition=True)
            err = ulp_errors(out, ref, np.float64)
            assert np.all(err <= 16 * np.maximum(1, kap)), (t, err, kap)
        for q in (0.0, 1e-300, 1e-8, -1e-8, 0.5, -2.0, 1e8, -1e300):
            out = power_mean_aggregate(mags, index, N, q)
            ref, kap = reference_segments(mags, index, N, "power_mean", q, 0.0, dps=30, with_condition=True)
            err = ulp_errors(out, ref, np.float64)
            assert np.all(err <= 16 * kap), (q, err, kap)
            if abs(q) < 1e-4:     # the centred series path: few ULP despite kappa ~ 400
                assert err.max() <= 8, (q, err)


def test_reference_itself_on_closed_forms():
    # softmax of two values: (a e^{ta} + b e^{tb}) / (e^{ta} + e^{tb})
    from mpmath import mp, mpf
    with mp.workdps(50):
        a, b, t = mpf(1), mpf(-2), mpf(0.7)  # the binary64 value of 0.7
        exact = (a * mp.exp(t * a) + b * mp.exp(t * b)) / (mp.exp(t * a) + mp.exp(t * b))
        assert abs(softmax_aggregate_mp([1.0, -2.0], 0.7, 0.0, dps=40) - exact) < mpf(10) ** -38
        # x = [-1, 1], tiny t: tanh(t) (needs the raised working precision)
        v = softmax_aggregate_mp([-1.0, 1.0], 1e-300, 0.0, dps=30)
        assert abs(v / mpf(1e-300) - 1) < mpf(10) ** -25
        # harmonic mean, geometric mean, q -> 0 expansion
        assert abs(power_mean_aggregate_mp([1.0, 4.0], -1, 0.0) - mpf(8) / 5) < mpf(10) ** -50
        assert abs(power_mean_aggregate_mp([1.0, 4.0], 0, 0.0) - 2) < mpf(10) ** -50
        g = power_mean_aggregate_mp([1.0, 4.0], 1e-300, 0.0, dps=40)
        assert abs(g - 2) < mpf(10) ** -38
        assert power_mean_aggregate_mp([0.0, 4.0], -2, 0.0) == 0
        assert power_mean_aggregate_mp([3.0, 4.0], 1, 1.0) == 7


# ----------------------------------------------------------------------------
# limits and simple reductions
# ----------------------------------------------------------------------------

def test_limits_softmax():
    rng = np.random.default_rng(4)
    index, N = _graph(rng)
    x = rng.standard_normal((len(index), 3))
    cnt = np.bincount(index, minlength=N)[:, None].astype(float)
    mean = _bruteforce(x, index, N, lambda r: r.mean(axis=0))
    mx = _bruteforce(x, index, N, lambda r: r.max(axis=0))
    mn = _bruteforce(x, index, N, lambda r: r.min(axis=0))
    nz = cnt[:, 0] > 0
    for eta in (0.0, 1.0, -0.5):
        sc = np.where(cnt > 0, cnt, 1.0) ** eta
        np.testing.assert_allclose(softmax_aggregate(x, index, N, 0.0, eta), mean * sc, rtol=1e-14, atol=1e-15)
        np.testing.assert_array_equal(softmax_aggregate(x, index, N, math.inf, eta)[nz], (mx * sc)[nz])
        np.testing.assert_array_equal(softmax_aggregate(x, index, N, -math.inf, eta)[nz], (mn * sc)[nz])
        # large finite t approaches the limits
        np.testing.assert_allclose(softmax_aggregate(x, index, N, 1e8, eta), mx * sc, rtol=1e-12)
        np.testing.assert_allclose(softmax_aggregate(x, index, N, -1e300, eta), mn * sc, rtol=1e-15)
        np.testing.assert_allclose(softmax_aggregate(x, index, N, 1e-300, eta), mean * sc, rtol=1e-12, atol=1e-14)


def test_limits_power_mean():
    rng = np.random.default_rng(5)
    index, N = _graph(rng)
    x = 0.05 + rng.random((len(index), 3))
    bf = lambda f: _bruteforce(x, index, N, f)  # noqa: E731
    mean = bf(lambda r: r.mean(axis=0))
    geo = bf(lambda r: np.exp(np.log(r).mean(axis=0)))
    harm = bf(lambda r: 1.0 / (1.0 / r).mean(axis=0))
    rms = bf(lambda r: np.sqrt((r * r).mean(axis=0)))
    np.testing.assert_allclose(power_mean_aggregate(x, index, N, 1.0), mean, rtol=1e-14)
    np.testing.assert_allclose(power_mean_aggregate(x, index, N, 0.0), geo, rtol=1e-13)
    np.testing.assert_allclose(power_mean_aggregate(x, index, N, -1.0), harm, rtol=1e-14)
    np.testing.assert_allclose(power_mean_aggregate(x, index, N, 2.0), rms, rtol=1e-14)
    np.testing.assert_array_equal(power_mean_aggregate(x, index, N, math.inf), bf(lambda r: r.max(axis=0)))
    np.testing.assert_array_equal(power_mean_aggregate(x, index, N, -math.inf), bf(lambda r: r.min(axis=0)))
    # q -> 0 is the geometric mean, q -> ±inf the max/min
    np.testing.assert_allclose(power_mean_aggregate(x, index, N, 1e-300), geo, rtol=1e-14)
    np.testing.assert_allclose(power_mean_aggregate(x, index, N, -1e-12), geo, rtol=1e-12)
    np.testing.assert_allclose(power_mean_aggregate(x, index, N, 1e300), bf(lambda r: r.max(axis=0)), rtol=1e-15)
    np.testing.assert_allclose(power_mean_aggregate(x, index, N, -1e300), bf(lambda r: r.min(axis=0)), rtol=1e-15)
    np.testing.assert_allclose(segment_geometric_mean(x, index, N), geo, rtol=1e-13)


def test_segment_reductions():
    rng = np.random.default_rng(6)
    index, N = _graph(rng)
    x = rng.standard_normal((len(index), 3))
    np.testing.assert_allclose(segment_sum(x, index, N), _bruteforce(x, index, N, lambda r: r.sum(0)), rtol=1e-13,
                               atol=1e-14)
    np.testing.assert_allclose(segment_mean(x, index, N), _bruteforce(x, index, N, lambda r: r.mean(0)), rtol=1e-13,
                               atol=1e-14)
    np.testing.assert_array_equal(segment_max(x, index, N), _bruteforce(x, index, N, lambda r: r.max(0)))
    np.testing.assert_array_equal(segment_min(x, index, N), _bruteforce(x, index, N, lambda r: r.min(0)))
    # 1-D input gives 1-D output
    out = segment_sum(x[:, 0], index, N)
    assert out.shape == (N,)
    np.testing.assert_allclose(out, segment_sum(x, index, N)[:, 0])


def test_sum_and_mean_do_not_overflow_spuriously():
    big = np.finfo(np.float64).max
    x = np.array([big, big, -big, -0.5 * big])       # partial sums overflow, the total does not
    idx = np.zeros(4, dtype=np.int64)
    with np.errstate(all="raise"):
        assert segment_sum(x, idx, 1)[0] == 0.5 * big
        assert segment_mean(x, idx, 1)[0] == 0.125 * big
        assert softmax_aggregate(x, idx, 1, 0.0)[0] == 0.125 * big
        assert power_mean_aggregate(np.array([big, big]), np.zeros(2, int), 1, 1.0)[0] == big


# ----------------------------------------------------------------------------
# structural properties
# ----------------------------------------------------------------------------

def test_monotone_in_t_and_q():
    rng = np.random.default_rng(7)
    index, N = _graph(rng, empty=())
    x = rng.standard_normal((len(index), 3))
    ts = [-math.inf, -1e8, -37.0, -3.0, -1.0, -1e-3, 0.0, 1e-3, 1.0, 3.0, 37.0, 1e8, math.inf]
    outs = np.array([softmax_aggregate(x, index, N, t) for t in ts])
    assert np.all(np.diff(outs, axis=0) >= -1e-13 * (1 + np.abs(outs[1:])))
    xp = np.abs(x) + 0.01
    qs = [-math.inf, -37.0, -2.0, -1.0, -0.5, -1e-3, 0.0, 1e-3, 0.5, 1.0, 2.0, 2.3, 37.0, math.inf]
    outs = np.array([power_mean_aggregate(xp, index, N, q) for q in qs])
    assert np.all(np.diff(outs, axis=0) >= -1e-13 * outs[1:])
    assert np.all(np.diff(outs, axis=0)[:, :, :].sum(axis=0) > 0)


@pytest.mark.parametrize("which", ["softmax", "power_mean"])
def test_permutation_invariance_and_sorted_index(which):
    rng = np.random.default_rng(8)
    index, N = _graph(rng, n_seg=50, max_size=40)
    x = rng.random((len(index), 4)) + 0.1
    f = (lambda x_, i_: softmax_aggregate(x_, i_, N, 2.0, 0.5)) if which == "softmax" else \
        (lambda x_, i_: power_mean_aggregate(x_, i_, N, 2.3, 0.5))
    base = f(x, index)
    perm = rng.permutation(len(index))
    np.testing.assert_allclose(f(x[perm], index[perm]), base, rtol=1e-14)
    order = np.argsort(index, kind="stable")          # sorted index: the sort is skipped
    np.testing.assert_allclose(f(x[order], index[order]), base, rtol=1e-14)
    # non-contiguous x and int32 / uint16 index give the same result
    xf = np.asfortranarray(x)
    np.testing.assert_array_equal(f(xf, index.astype(np.int32)), base)
    np.testing.assert_array_equal(f(x, index.astype(np.uint16)), base)


def test_large_segment_two_pass_path():
    """A hub larger than one block is processed in sub-blocks; same result as in one block."""
    rng = np.random.default_rng(9)
    n = 40_000
    x = rng.random((n, 8)) + 0.5                 # 8 channels: the sorted, blocked path
    idx = np.zeros(n, dtype=np.int64)
    idx[:10] = 1
    s = softmax_aggregate(x, idx, 2, 3.0)
    xs = x[idx == 0, 0]
    w = np.exp(3.0 * (xs - xs.max()))
    np.testing.assert_allclose(s[0, 0], (w * xs).sum() / w.sum(), rtol=1e-12)
    p = power_mean_aggregate(x, idx, 2, 2.3)
    np.testing.assert_allclose(p[0, 0], np.mean(xs ** 2.3) ** (1 / 2.3), rtol=1e-12)
    g = power_mean_aggregate(x, idx, 2, 1e-9)
    np.testing.assert_allclose(g[0, 0], np.exp(np.mean(np.log(xs))), rtol=1e-9)


def test_empty_segments_get_fill_value():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    idx = np.array([2, 2])
    for fill in (0.0, -7.5, math.nan):
        for f in (lambda: softmax_aggregate(x, idx, 4, 1.0, fill_value=fill),
                  lambda: power_mean_aggregate(x, idx, 4, 2.0, fill_value=fill),
                  lambda: segment_sum(x, idx, 4, fill_value=fill),
                  lambda: segment_max(x, idx, 4, fill_value=fill),
                  lambda: segment_geometric_mean(x, idx, 4, fill_value=fill)):
            out = f()
            assert out.shape == (4, 2)
            np.testing.assert_array_equal(out[[0, 1, 3]], np.full((3, 2), fill))
            assert np.all(np.isfinite(out[2]))
    # default fill is 0, and no rows at all
    assert np.array_equal(softmax_aggregate(np.zeros((0, 3)), np.zeros(0, int), 2, 1.0), np.zeros((2, 3)))
    assert softmax_aggregate(np.zeros(0), np.zeros(0, int), 0, 1.0).shape == (0,)


def test_power_mean_zeros_convention():
    x = np.array([0.0, 4.0, 0.0, 0.0, 2.0, 8.0])
    idx = np.array([0, 0, 1, 1, 2, 2])
    with np.errstate(all="raise"):
        for q in (-1e300, -37.0, -2.0, -1.0, -0.3, -1e-8, 0.0):
            out = power_mean_aggregate(x, idx, 3, q)
            assert out[0] == 0.0 and out[1] == 0.0 and out[2] > 0, q
        assert power_mean_aggregate(x, idx, 3, 2.0)[0] == pytest.approx(math.sqrt(8.0), rel=1e-15)
        assert power_mean_aggregate(x, idx, 3, 0.5)[0] == pytest.approx(1.0, rel=1e-15)
        assert power_mean_aggregate(x, idx, 3, 1e-3)[0] == pytest.approx(4 * 0.5 ** 1000, rel=1e-12)
        assert power_mean_aggregate(x, idx, 3, 2.0)[1] == 0.0
        assert power_mean_aggregate(x, idx, 3, math.inf)[0] == 4.0
        assert segment_geometric_mean(x, idx, 3)[0] == 0.0


# ----------------------------------------------------------------------------
# extremes: no overflow, no NaN, no FP exceptions
# ----------------------------------------------------------------------------

def test_extremes_without_floating_point_exceptions():
    big = np.finfo(np.float64).max
    cases = [
        np.array([1e300, -1e300, 1.0]),
        np.array([big, -big, 0.0, 5e-324]),
        np.array([1e-300, 1e300, 3.0]),
        np.array([1.0, 1.0 + 2 ** -52, 1.0]),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            for v in cases:
                idx = np.zeros(len(v), dtype=np.int64)
                for t in (1e300, -1e300, 1e-300, -1e-300, 1.0, -37.0, 1e8, 5e-324):
                    out = softmax_aggregate(v, idx, 1, t)[0]
                    assert np.isfinite(out) and v.min() <= out <= v.max(), (v, t, out)
                    ref = float(softmax_aggregate_mp(list(v), t, 0.0, dps=30))
                    assert abs(out - ref) <= 1e-15 * max(abs(v).max(), 1e-300) or out == ref, (v, t, out, ref)
                vp = np.abs(v)
                for q in (1e300, -1e300, 1e-300, -1e-300, 1e-8, 0.5, 2.0, -2.0, 37.0):
                    out = power_mean_aggregate(vp, idx, 1, q)[0]
                    assert np.isfinite(out) and 0 <= out <= vp.max()
                    ref = float(power_mean_aggregate_mp(list(vp), q, 0.0, dps=30))
                    assert out == pytest.approx(ref, rel=1e-13, abs=0), (vp, q, out, ref)
            # float32 with |t x| ~ 1e300
            x32 = np.array([3e38, -3e38, 1e-38, 1.0], dtype=np.float32)
            idx = np.zeros(4, dtype=np.int64)
            for t in (1e300, -1e300, 1e-300, 1.0):
                out = softmax_aggregate(x32, idx, 1, t)
                assert out.dtype == np.float32 and np.isfinite(out).all()
            out = power_mean_aggregate(np.abs(x32), idx, 1, 1e300)
            assert out[0] == np.float32(3e38)


def test_eta_huge_degree_scaling():
    x = np.full(1000, 1e-300)
    idx = np.zeros(1000, dtype=np.int64)
    with np.errstate(all="raise"):
        out = softmax_aggregate(x, idx, 1, 1.0, eta=100.0)      # 1000**100 = 1e300 overflows alone
    assert out[0] == pytest.approx(1.0, rel=1e-12)
    out = power_mean_aggregate(np.full(1000, 1e300), idx, 1, 2.0, eta=-100.0)
    assert out[0] == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize("eta", [1e19, -1e19, 1e300, -1e300, 1.7976931348623157e308, -5e3, 5e3])
@pytest.mark.parametrize("channels", [1, 6])
def test_huge_eta_overflows_or_underflows_as_the_exact_value(eta, channels):
    """|N|^eta beyond the float64 range: +-inf / +-0 exactly as the exact value (sign of the result,
    0 stays 0, |N| = 1 gives the result itself), no RuntimeWarning (issue 10: eta = 1e19 gave 0.0
    where the value is inf, with an int64 cast warning)."""
    x = np.tile(np.array([1.0, 2.0, -3.0, 0.0, 0.0, 5.0])[:, None], (1, channels))
    index = np.array([0, 0, 1, 2, 2, 3])           # sizes 2, 1, 2 (zeros), 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            s = softmax_aggregate(x, index, 4, 1.0, eta)
            p = power_mean_aggregate(np.abs(x), index, 4, 3.3, eta)
    big = math.inf if eta > 0 else 0.0
    np.testing.assert_array_equal(s[:, 0], [big, -3.0, 0.0, 5.0])
    np.testing.assert_array_equal(p[:, 0], [big, 3.0, 0.0, 5.0])
    assert (np.signbit(s[:, 0]) == [False, True, False, False]).all()
    for v, ref in ((s, softmax_aggregate_mp([1.0, 2.0], 1.0, eta, dps=30)),
                   (p, power_mean_aggregate_mp([1.0, 2.0], 3.3, eta, dps=30))):
        assert v[0, 0] == float(ref)                  # mpmath: the exact value overflows / underflows


def test_eta_applied_before_rounding_to_subnormal():
    """The |N|^eta factor lifts a subnormal result: it must be applied to the unrounded value
    (issue 10: up to ~8,000 ulps off), on both channel paths, softmax and power mean."""
    x = np.tile([1e-315, 3e-315], 25)[:49]
    idx = np.zeros(49, dtype=np.int64)
    for C in (1, 6):
        X = np.tile(x[:, None], (1, C))
        for t in (1.0, 0.0, -2.0):
            ref = softmax_aggregate_mp(list(x), t, 2.5, dps=40)
            err = ulp_errors(softmax_aggregate(X, idx, 1, t, eta=2.5)[:, :1], [[ref]], np.float64)
            assert err.max() <= 1.0, (C, t, err)
        for q in (2.0, 0.5, -1.0, 0.0):
            ref = power_mean_aggregate_mp(list(x), q, 2.5, dps=40)
            err = ulp_errors(power_mean_aggregate(X, idx, 1, q, eta=2.5)[:, :1], [[ref]], np.float64)
            assert err.max() <= 2.0, (C, q, err)
    # a mean that rounds to 0 before the factor (cancellation of subnormals; a single tiny
    # value among zeros), next to an all-zero channel (exactly 0) and an ordinary channel
    tiny = 5e-324
    X = np.zeros((24, 6))
    X[:3, 0] = [tiny, -tiny, tiny]
    X[0, 1] = tiny
    X[:, 3] = np.arange(24.0)
    idx = np.zeros(24, dtype=np.int64)
    for C in (1, 6):
        for fn, arg, vals in ((softmax_aggregate, 0.0, X), (power_mean_aggregate, 1.0, np.abs(X))):
            out = fn(vals[:, :max(C, 4)], idx, 1, arg, eta=2.5)
            for c in range(out.shape[1]):
                mp_fn = softmax_aggregate_mp if fn is softmax_aggregate else power_mean_aggregate_mp
                ref = mp_fn(list(vals[:, c]), arg, 2.5, dps=40)
                err = ulp_errors(out[:, c:c + 1], [[ref]], np.float64)
                assert err.max() <= 1.0, (fn.__name__, C, c, out[0, c], ref)
            assert out[0, 2] == 0.0


def test_dtypes():
    rng = np.random.default_rng(10)
    index, N = _graph(rng)
    x = rng.random((len(index), 3)) + 0.1
    for dt in (np.float16, np.float32, np.float64):
        xs = x.astype(dt)
        for out in (softmax_aggregate(xs, index, N, 1.0), power_mean_aggregate(xs, index, N, 2.0),
                    segment_sum(xs, index, N), segment_geometric_mean(xs, index, N)):
            assert out.dtype == dt
        ref = softmax_aggregate(xs.astype(np.float64), index, N, 1.0).astype(dt)
        np.testing.assert_array_equal(softmax_aggregate(xs, index, N, 1.0), ref)
    xi = (x * 10).astype(np.int32)
    out = power_mean_aggregate(xi, index, N, 2.0)
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, power_mean_aggregate(xi.astype(float), index, N, 2.0))
    if np.dtype(np.longdouble).itemsize > 8:
        with pytest.raises(ValueError, match="x has dtype .*not supported"):
            softmax_aggregate(x.astype(np.longdouble), index, N, 1.0)


# ----------------------------------------------------------------------------
# validation
# ----------------------------------------------------------------------------

_X = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
_I = np.array([0, 1, 1])


@pytest.mark.parametrize("call,match", [
    (lambda: softmax_aggregate(np.array([[1.0, 2.0], [np.nan, 4.0], [5.0, 6.0]]), _I, 2, 1.0),
     r"x must not contain NaN: x\[1, 0\]"),
    (lambda: softmax_aggregate(np.array([[1.0, 2.0], [3.0, 4.0], [5.0, -np.inf]]), _I, 2, 1.0),
     r"x must be finite: x\[2, 1\] = -inf"),
    (lambda: segment_sum(np.array([1.0, np.inf, 2.0]), _I, 2), r"x must be finite: x\[1\] = inf"),
    (lambda: power_mean_aggregate(np.array([[1.0, 2.0], [3.0, -4.0], [5.0, 6.0]]), _I, 2, 2.0),
     r"non-negative for the power mean: x\[1, 1\] = -4\.0"),
    (lambda: segment_geometric_mean(np.array([1.0, -2.0, 3.0]), _I, 2), r"non-negative.*x\[1\] = -2\.0"),
    (lambda: softmax_aggregate(_X, _I, 2, float("nan")), r"t must not be NaN"),
    (lambda: power_mean_aggregate(_X, _I, 2, float("nan")), r"q must not be NaN"),
    (lambda: softmax_aggregate(_X, _I, 2, "1"), r"t must be a real number"),
    (lambda: softmax_aggregate(_X, _I, 2, 1.0, eta=float("nan")), r"eta must not be NaN"),
    (lambda: power_mean_aggregate(_X, _I, 2, 1.0, eta=math.inf), r"eta must be finite"),
    (lambda: softmax_aggregate(_X, np.array([0, 2, 1]), 2, 1.0), r"index out of range: index\[1\] = 2"),
    (lambda: softmax_aggregate(_X, np.array([0, -1, 1]), 2, 1.0), r"index out of range: index\[1\] = -1"),
    (lambda: softmax_aggregate(_X, np.array([0.0, 1.0, 1.0]), 2, 1.0), r"index must have an integer dtype"),
    (lambda: softmax_aggregate(_X, np.array([True, False, True]), 2, 1.0), r"index must have an integer dtype"),
    (lambda: softmax_aggregate(_X, np.array([[0, 1, 1]]), 2, 1.0), r"index must be 1-D"),
    (lambda: softmax_aggregate(_X, np.array([0, 1]), 2, 1.0), r"length mismatch: x has 3 rows but index has length 2"),
    (lambda: softmax_aggregate(_X, _I, -1, 1.0), r"num_segments must be a non-negative int"),
    (lambda: softmax_aggregate(_X, _I, 2.0, 1.0), r"num_segments must be a non-negative int"),
    (lambda: softmax_aggregate(_X, _I, True, 1.0), r"num_segments must be a non-negative int"),
    (lambda: softmax_aggregate(_X[None], _I, 2, 1.0), r"x must be 1-D \(E,\) or 2-D \(E, C\), got ndim=3"),
    (lambda: softmax_aggregate(np.float64(1.0), _I, 2, 1.0), r"x must be 1-D .*ndim=0"),
    (lambda: softmax_aggregate(_X.astype(complex), _I, 2, 1.0), r"x must have a real floating or integer dtype"),
    (lambda: softmax_aggregate(_X > 2, _I, 2, 1.0), r"x must have a real floating or integer dtype"),
    (lambda: softmax_aggregate(_X, _I, 2, 1.0, fill_value="a"), r"fill_value must be a real number"),
    (lambda: segment_max(_X, _I, 1), r"index out of range"),
])
def test_bad_input_raises_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_validation_errors_under_strict_errstate():
    with np.errstate(all="raise"):
        with pytest.raises(ValueError, match=r"x must be finite: x\[0, 0\] = -inf"):
            softmax_aggregate(np.array([[-np.inf], [1.0]]), np.array([0, 0]), 1, 2.0)
        with pytest.raises(ValueError, match=r"NaN: x\[1\]"):
            power_mean_aggregate(np.array([1.0, np.nan]), np.array([0, 0]), 1, 0.5)


# ----------------------------------------------------------------------------
# PyTorch Geometric
# ----------------------------------------------------------------------------

def _pyg():
    pytest.importorskip("torch_geometric", reason="torch_geometric not installed")
    import torch
    from torch_geometric.nn.aggr import PowerMeanAggregation, SoftmaxAggregation
    return torch, SoftmaxAggregation, PowerMeanAggregation


@pytest.mark.parametrize("t", [0.1, 1.0, -2.0, 10.0])
def test_softmax_matches_pyg(t):
    torch, Soft, _ = _pyg()
    rng = np.random.default_rng(11)
    index, N = _graph(rng, n_seg=30)
    x = rng.standard_normal((len(index), 5))
    ours = softmax_aggregate(x, index, N, t)
    with torch.no_grad():
        theirs = Soft(t=t, learn=False)(torch.from_numpy(x), torch.from_numpy(index), dim_size=N).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("q", [0.5, 1.0, 2.0, 3.0, -1.0])
def test_power_mean_matches_pyg_inside_its_clamp(q):
    torch, _, PM = _pyg()
    rng = np.random.default_rng(12)
    index, N = _graph(rng, n_seg=30, empty=())
    x = 0.5 + rng.random((len(index), 5))        # x and mean x^q inside PyG's clamp [1e-4, 100]
    ours = power_mean_aggregate(x, index, N, q)
    with torch.no_grad():
        theirs = PM(p=q)(torch.from_numpy(x), torch.from_numpy(index), dim_size=N).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_pyg_power_mean_clamp_gives_wrong_numbers():
    """PyG clamps x to [1e-4, 100] (and mean x^p too); we compute the true power mean."""
    torch, _, PM = _pyg()
    x = np.array([[1000.0], [10.0], [1e-6], [1e-6], [50.0], [60.0]])
    idx = np.array([0, 0, 1, 1, 2, 2])
    ours = power_mean_aggregate(x, idx, 3, 2.0)[:, 0]
    exact = [math.sqrt((1000.0 ** 2 + 10.0 ** 2) / 2), 1e-6, math.sqrt((50.0 ** 2 + 60.0 ** 2) / 2)]
    np.testing.assert_allclose(ours, exact, rtol=1e-15)
    with torch.no_grad():
        theirs = PM(p=2.0)(torch.from_numpy(x), torch.from_numpy(idx), dim_size=3).numpy()[:, 0]
    # segment 0: x clamped to 100 -> answer <= 100 instead of 707.1;
    # segment 1: x clamped to 1e-4, then mean x^2 = 1e-8 clamped to 1e-4 -> 0.01 instead of 1e-6;
    # segment 2: inside [1e-4, 100] but mean x^2 = 3050 is clamped to 100 -> 10 instead of 55.2
    assert theirs[0] <= 100.0 and abs(theirs[0] - exact[0]) > 600
    assert theirs[1] == pytest.approx(1e-2) and exact[1] == 1e-6
    assert theirs[2] == pytest.approx(10.0) and exact[2] == pytest.approx(55.226805, rel=1e-7)


@pytest.mark.parametrize("which", ["softmax", "power_mean", "power_mean_tiny", "power_mean_b1", "geo", "sum"]
                         + [f"power_mean_q={q}" for q in _SMALL_Q])
def test_blocking_strategies_agree(monkeypatch, which):
    """Uniform (n, d, C) blocks, ragged reduceat blocks and the two-pass path for
    very large segments give the same numbers (same summation order)."""
    import verify.aggregation.kernels as K
    rng = np.random.default_rng(13)
    sizes = np.concatenate([np.full(3000, 3), np.full(500, 7), rng.integers(1, 60, 200), [2000]])
    index = np.repeat(np.arange(len(sizes)), sizes)
    index = index[rng.permutation(len(index))]
    N = len(sizes) + 2
    x = rng.random((len(index), 8)) + 0.01
    f = {
        "softmax": lambda: softmax_aggregate(x, index, N, -2.5, 0.5),
        "power_mean": lambda: power_mean_aggregate(x, index, N, 2.3, -0.5),
        "power_mean_tiny": lambda: power_mean_aggregate(x, index, N, -1e-6),
        "power_mean_b1": lambda: power_mean_aggregate(x, index, N, 0.2),
        "geo": lambda: segment_geometric_mean(x, index, N),
        "sum": lambda: segment_sum(x, index, N),
    }.get(which)
    if f is None:                             # power_mean_q=<q>: the refined (two-pass) path
        q = float(which.split("=")[1])
        x[rng.random(x.shape) < 0.05] = 0.0   # zeros too (q < 0: exact 0)
        f = lambda: power_mean_aggregate(x, index, N, q, 0.5)  # noqa: E731
    base = f()
    monkeypatch.setattr(K, "_MIN_UNIFORM", 0)                 # everything uniform
    np.testing.assert_allclose(f(), base, rtol=4e-15)
    monkeypatch.setattr(K, "_MIN_UNIFORM", 1 << 40)           # everything ragged
    np.testing.assert_allclose(f(), base, rtol=4e-15)
    monkeypatch.setattr(K, "_BLOCK", 256)                     # most segments take the two-pass path
    np.testing.assert_allclose(f(), base, rtol=4e-15)


@pytest.mark.parametrize("which", ["softmax", "power_mean", "power_mean_tiny", "power_mean_b1", "geo", "mean"]
                         + [f"power_mean_q={q}" for q in _SMALL_Q])
def test_scatter_path_agrees_with_sorted_path(monkeypatch, which):
    """Few channels are reduced without sorting (bincount / ufunc.at); same numbers."""
    import verify.aggregation.kernels as K
    rng = np.random.default_rng(14)
    index, N = _graph(rng, n_seg=300, max_size=40, empty=(3, 17))
    x = rng.random((len(index), 3)) + 0.01
    x[rng.random(x.shape) < 0.05] = 0.0
    f = {
        "softmax": lambda xx: softmax_aggregate(xx, index, N, 3.0, 1.0),
        "power_mean": lambda xx: power_mean_aggregate(xx, index, N, -2.3, 0.5),
        "power_mean_tiny": lambda xx: power_mean_aggregate(xx, index, N, 1e-7),
        "power_mean_b1": lambda xx: power_mean_aggregate(xx, index, N, 0.2),
        "geo": lambda xx: segment_geometric_mean(xx, index, N),
        "mean": lambda xx: segment_mean(xx, index, N),
    }.get(which)
    if f is None:                             # power_mean_q=<q>: the refined (two-pass) path
        q = float(which.split("=")[1])
        f = lambda xx: power_mean_aggregate(xx, index, N, q, -0.5)  # noqa: E731
    monkeypatch.setattr(K, "_SCATTER_MAX_C", 0)
    sorted_path = f(x)
    monkeypatch.setattr(K, "_SCATTER_MAX_C", 8)
    np.testing.assert_allclose(f(x), sorted_path, rtol=4e-15)
    np.testing.assert_allclose(f(x[:, 1]), sorted_path[:, 1], rtol=4e-15)


def test_ulp_errors_conventions():
    from mpmath import mpf
    ref = np.array([mpf(1), mpf(0), mpf(0), mpf("1e400"), None, mpf(2) ** -1074], dtype=object)
    comp = np.array([1.0 + 2 ** -52, 0.0, 5e-324, np.inf, 0.0, 0.0])
    err = ulp_errors(comp, ref, np.float64)
    assert err[0] == 1.0                    # one ulp above 1
    assert err[1] == 0.0                    # exact zero
    assert err[2] == 1.0                    # ulp of 0 is the smallest subnormal
    assert err[3] == 0.0                    # reference overflows the dtype, computed is +inf
    assert np.isnan(err[4])                 # empty segment
    assert err[5] == 1.0
    err32 = ulp_errors(np.array([1.0 + 2 ** -23], dtype=np.float32), np.array([mpf(1)], dtype=object), np.float32)
    assert err32[0] == 1.0
    assert kappa_threshold(np.float32) > kappa_threshold(np.float64)


def test_sweep_float32_softmax_is_correctly_rounded():
    res = sweep("softmax", np.float32, seed=1)
    assert isinstance(res, SweepResult) and res.cases and isinstance(res.cases[0], CaseError)
    assert res.n_values > 3000
    # computed in float64 and rounded once: at most half an ulp (+ double rounding)
    assert res.max_ulp_all <= 0.5 + 1e-6
    assert res.median_ulp <= res.p99_ulp <= res.max_ulp
    assert {c.name for c in res.worst} <= {c.name for c in res.cases}


# ----------------------------------------------------------------------------
# threads
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["softmax", "power_mean_3.3", "power_mean_0.01", "geometric"])
def test_threads_give_bitwise_identical_results(monkeypatch, which):
    """The blocks are cut independently of the thread count: 1, 2 and 3 threads agree bitwise
    (uniform, ragged and two-pass blocks: _BLOCK is lowered so that all three occur)."""
    import verify.aggregation.kernels as K
    monkeypatch.setattr(K, "_PARALLEL_MIN", 0)
    monkeypatch.setattr(K, "_BLOCK", 1 << 12)
    rng = np.random.default_rng(31)
    sizes = np.concatenate([rng.integers(1, 30, size=300), [200, 500]])
    index = np.repeat(np.arange(len(sizes)), sizes)
    index = index[rng.permutation(len(index))]
    x = 0.1 + rng.random((len(index), 9)) * 10.0 ** rng.uniform(-3, 3, size=(len(index), 9))
    fn = {"softmax": lambda: softmax_aggregate(x, index, len(sizes) + 2, 0.7, eta=0.5),
          "power_mean_3.3": lambda: power_mean_aggregate(x, index, len(sizes) + 2, 3.3),
          "power_mean_0.01": lambda: power_mean_aggregate(x, index, len(sizes) + 2, 0.01),
          "geometric": lambda: segment_geometric_mean(x, index, len(sizes) + 2)}[which]
    outs = []
    for nth in ("1", "2", "3"):
        monkeypatch.setenv("VERIFY_NUM_THREADS", nth)
        outs.append(fn())
    for o in outs[1:]:
        np.testing.assert_array_equal(o, outs[0])
    # and the result is the right one: within the segment's range (empty segments: fill 0)
    lo = _bruteforce(x, index, len(sizes) + 2, lambda r: r.min(axis=0))
    hi = _bruteforce(x, index, len(sizes) + 2, lambda r: r.max(axis=0))
    scale = 1.0 if which != "softmax" else np.bincount(index, minlength=len(sizes) + 2)[:, None] ** 0.5
    assert np.all(outs[0] >= lo * scale * (1 - 1e-12)) and np.all(outs[0] <= hi * scale * (1 + 1e-12))


def test_threads_raise_the_first_bad_entry(monkeypatch):
    """A NaN found by a worker thread raises the same ValueError (first position, row-major)."""
    import verify.aggregation.kernels as K
    monkeypatch.setattr(K, "_PARALLEL_MIN", 0)
    monkeypatch.setattr(K, "_BLOCK", 1 << 10)
    monkeypatch.setenv("VERIFY_NUM_THREADS", "2")
    rng = np.random.default_rng(32)
    index = rng.integers(0, 200, size=3000)
    x = rng.random((3000, 6))
    x[2500, 3] = np.nan
    x[1700, 1] = -1.0
    with pytest.raises(ValueError, match=r"x\[1700, 1\] = -1.0"):
        power_mean_aggregate(x, index, 200, 2.0)
    with pytest.raises(ValueError, match=r"x\[2500, 3\] is NaN"):
        softmax_aggregate(x, index, 200, 1.0)
    monkeypatch.setenv("VERIFY_NUM_THREADS", "zero")
    with pytest.raises(ValueError, match="VERIFY_NUM_THREADS"):
        softmax_aggregate(x, index, 200, 1.0)


@pytest.mark.parametrize("kmax", [2, 65536, 65537, 200_000, 262_144, 262_145, 1 << 20])
def test_layout_argsort_is_the_stable_argsort(monkeypatch, kmax):
    """The radix argsort of the layout (one digit, split by the high digit, or two digits) is
    np.argsort(kind='stable'), on one and on two threads."""
    import verify.aggregation.kernels as K
    rng = np.random.default_rng(kmax)
    key = rng.integers(0, kmax, size=300_000)
    key[:3] = kmax - 1                           # the largest key occurs
    ref = np.argsort(key, kind="stable")
    for nth in ("1", "2"):
        monkeypatch.setenv("VERIFY_NUM_THREADS", nth)
        np.testing.assert_array_equal(K._stable_argsort_small(key, kmax), ref)


def _partition_case(seed, E=40_000, n_seg=3_000):
    import verify.aggregation.kernels as K
    rng = np.random.default_rng(seed)
    index = rng.integers(0, n_seg, size=E)
    index[:5] = n_seg - 1
    lay = K._Layout(index, n_seg + 3)                    # + 3 empty segments
    ns = len(lay.segs)
    # spans of 1, 2 and 3 segments, one of 600 (> 256: 16-bit in-task keys), random ones
    cuts = np.unique(np.concatenate([[0, 1, 2, 3, 100, 700, ns], rng.integers(700, ns, size=60)]))
    spans = [(int(a), int(b)) for a, b in zip(cuts[:-1], cuts[1:])]
    new_start = np.concatenate([[0], np.cumsum(np.bincount(index, minlength=n_seg + 3)[lay.segs])])
    return K, index, lay, spans, new_start


@pytest.mark.parametrize("chunk", [1 << 18, 4096, 1000, 1])      # 1: capped at _PART_MAX_CHUNKS
@pytest.mark.parametrize("nth", [1, 2])
def test_partition_rows_are_the_global_permutation(monkeypatch, chunk, nth):
    """Each task's rows from the chunked partition are exactly its slice of the global
    permutation (grouped by segment in rank order, row order within), however the rows
    are chunked and on any number of threads."""
    K, index, lay, spans, new_start = _partition_case(41)
    monkeypatch.setattr(K, "_PART_CHUNK", chunk)
    assert K._Partition.usable(spans)
    part = K._Partition(index, lay, spans, nth)
    assert part.nchunks == max(1, min(K._PART_MAX_CHUNKS, len(index) // chunk))
    for t, (a, b) in enumerate(spans):
        np.testing.assert_array_equal(part.rows(t), lay.permutation(index)[new_start[a]:new_start[b]])


def test_partition_is_not_used_beyond_its_16_bit_keys():
    K, index, lay, spans, _ = _partition_case(42)
    assert K._Partition.usable(spans)
    assert not K._Partition.usable([(0, 1)] * (K._PART_MAX_TASKS + 1))
    assert not K._Partition.usable([(0, (1 << 16) + 1)])


@pytest.mark.parametrize("which", ["softmax", "power_mean_3.3", "power_mean_0.01", "sum"])
def test_partition_and_global_permutation_agree_bitwise(monkeypatch, which):
    """The partition path (unsorted index), its fallback (the global radix permutation, used
    beyond 2**16 tasks) and a sorted index give bitwise the same results."""
    import verify.aggregation.kernels as K
    monkeypatch.setattr(K, "_BLOCK", 1 << 12)             # many tasks of every kind
    monkeypatch.setattr(K, "_PART_CHUNK", 3000)           # several chunks
    rng = np.random.default_rng(43)
    sizes = np.concatenate([rng.integers(1, 40, size=600), [300, 900]])
    index = np.repeat(np.arange(len(sizes)), sizes)
    perm = rng.permutation(len(index))
    x = 0.1 + rng.random((len(index), 7)) * 10.0 ** rng.uniform(-3, 3, size=(len(index), 7))
    N = len(sizes) + 2
    fn = {"softmax": lambda xx, ii: softmax_aggregate(xx, ii, N, 0.7, eta=0.5),
          "power_mean_3.3": lambda xx, ii: power_mean_aggregate(xx, ii, N, 3.3),
          "power_mean_0.01": lambda xx, ii: power_mean_aggregate(xx, ii, N, 0.01),
          "sum": lambda xx, ii: segment_sum(xx, ii, N)}[which]
    built = []
    init = K._Partition.__init__
    monkeypatch.setattr(K._Partition, "__init__", lambda self, *a: built.append(1) or init(self, *a))
    part = fn(x[perm], index[perm])
    assert built, "the unsorted index took the partition path"
    monkeypatch.setattr(K, "_PART_MAX_TASKS", 0)
    built.clear()
    glob = fn(x[perm], index[perm])
    assert not built, "beyond the 16-bit task keys the global permutation is used"
    np.testing.assert_array_equal(part, glob)
    # a sorted index takes the O(E) permutation; the rows of a segment are then in another
    # order (sums may differ in the last bits), so only closeness is asserted there
    np.testing.assert_allclose(fn(x, index), part, rtol=1e-13)
