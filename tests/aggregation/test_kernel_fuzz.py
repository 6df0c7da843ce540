"""Property-based fuzz of softmax_aggregate and power_mean_aggregate against the mpmath reference.

Every generated case (hypothesis) is a few segments of sizes 1..24 in shuffled order with 1..3
channels, evaluated by the kernel twice -- as generated (the sort-free path, ``C <= 4``) and with the
channels tiled past ``_SCATTER_MAX_C`` (the blocked path) -- and compared with
:mod:`verify.aggregation.reference` at 60 digits, which shares no code with the kernels.

Data: per case a binary-exponent window inside the dtype's range (subnormals, ``1e-308 .. 1e308``,
spreads up to the whole range), values drawn log-uniformly in that window or taken from a small pool
(ties), or any float hypothesis finds (0, extremes, subnormals); random signs for the softmax.
Parameters: ``t`` / ``q`` from ``±5e-324`` to ``±1.8e308`` and ``±inf`` (and 0, ±1, ...), ``eta`` from
-1 to 2.5; float32 and float64.

Error model (documented in the failure message):

* ``scale`` = the segment's largest ``|x|`` times ``|N|^eta`` (in the output dtype; clipped to its
  largest finite value), as ``verify check`` does; the error is ``|got - ref| / spacing(scale)``
  (ULP of the segment's scale), with an infinite output counted as ``±2^emax``.  Bounds: float64
  softmax ``2 n + 8`` (rounding of the ``n`` products and sums, plus the sensitivity to the rounding
  of the exponents, ``sum_u p_u |t d_u| |x_u - S| <= n/e`` scale ULP), float64 power mean 16;
  float32: 1 (computed in float64 and rounded once).
* power mean also in ULP of the *result*: ``<= 16 * max(1, Lambda)`` (float64) with the condition
  number ``Lambda`` of :func:`verify.aggregation.reference.power_mean_condition_mp` (the power mean is
  perfectly conditioned in ``x``; ``Lambda`` is its sensitivity to the rounding of ``q log x``),
  ``<= 1`` in float32 where ``Lambda <= 2**20``.

Runs: the default run is deterministic (``derandomize=True``) with ``VERIFY_FUZZ_EXAMPLES``
examples per kernel and dtype (default 100, about 10 s in all).  The long run of the issue (10^4
per kernel and dtype; 2 to 10 minutes per kernel and dtype on this 2-core machine)::

    VERIFY_FUZZ_EXAMPLES=10000 VERIFY_FUZZ_REPORT=/tmp/fuzz \
        python -m pytest tests/aggregation/test_kernel_fuzz.py -q -p no:cacheprovider

(``VERIFY_FUZZ_REPORT``: write the number of cases and the worst errors per kernel and dtype to
``/tmp/fuzz.<kernel>.<dtype>.json``.)

A failure prints a one-line reproduction (``power_mean_aggregate(np.array([...]), ...)``).
"""
from __future__ import annotations

import json
import math
import os

import mpmath
import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

from verify.aggregation import kernels as K
from verify.aggregation.reference import reference_segments

N_EXAMPLES = int(os.environ.get("VERIFY_FUZZ_EXAMPLES", "100"))
DPS = 60

# no shrinking: a failure is reported at once with its reproduction line (shrinking the large
# float lists can take many minutes)
FUZZ = settings(max_examples=N_EXAMPLES, derandomize=True, database=None, deadline=None,
                print_blob=False, phases=[Phase.explicit, Phase.generate],
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])

_KERNELS = {"softmax": K.softmax_aggregate, "power_mean": K.power_mean_aggregate}


# --------------------------------------------------------------------------
# strategies
# --------------------------------------------------------------------------

def _params():
    special = [0.0, 5e-324, -5e-324, 1e-300, -1e-300, 2.0 ** -10, -(2.0 ** -10), 1e-3, -1e-3, 0.03,
               -0.03, 0.25, -0.25, 0.5, -0.5, 1.0, -1.0, 2.0, -2.0, 3.3, -3.3, 37.0, -37.0, 1e8, -1e8,
               1e300, -1e300, 1.7976931348623157e308, -1.7976931348623157e308, math.inf, -math.inf]
    loguni = st.tuples(st.floats(-1074, 1023), st.sampled_from([1.0, -1.0])).map(
        lambda p: p[1] * 2.0 ** p[0])
    return st.one_of(st.sampled_from(special), loguni, st.floats(-40, 40),
                     st.floats(allow_nan=False))


def _etas():
    return st.one_of(st.sampled_from([0.0, 1.0, -1.0, 0.5, -0.5, 2.5]), st.floats(-1.0, 2.5))


@st.composite
def cases(draw, kind, dtype):
    """(x, index, num_segments): segments of sizes 1..24, shuffled, 1..3 channels."""
    fi = np.finfo(dtype)
    emin, emax = int(np.log2(float(fi.smallest_subnormal))), int(fi.maxexp) - 1
    n_seg = draw(st.integers(1, 4))
    sizes = draw(st.lists(st.integers(1, 24), min_size=n_seg, max_size=n_seg))
    C = draw(st.integers(1, 3))
    E = sum(sizes)
    lo = draw(st.integers(emin, emax))
    hi = draw(st.integers(lo, min(emax, lo + draw(st.sampled_from([0, 4, 60, 300, 3000])))))
    width = 32 if dtype == np.float32 else 64
    anyfloat = st.floats(allow_nan=False, allow_infinity=False, width=width)
    window = st.floats(float(lo), float(hi) + 0.999).map(lambda e: 2.0 ** e)
    pool = draw(st.lists(st.one_of(window, anyfloat), min_size=1, max_size=4))
    mode = draw(st.sampled_from(["window", "ties", "mixed"]))
    if mode == "window":
        elem = window
    elif mode == "ties":
        elem = st.sampled_from(pool)
    else:
        elem = st.one_of(window, st.sampled_from(pool), anyfloat)
    vals = draw(st.lists(elem, min_size=E * C, max_size=E * C))
    with np.errstate(over="ignore"):
        x = np.asarray(vals, dtype=np.float64).reshape(E, C)
        x = np.minimum(x, float(fi.max)).astype(dtype)
    if kind == "softmax":
        signs = draw(st.lists(st.sampled_from([1.0, -1.0]), min_size=E * C, max_size=E * C))
        x = (x * np.asarray(signs, dtype=dtype).reshape(E, C)).astype(dtype)
    else:
        x = np.abs(x)
    index = np.repeat(np.arange(n_seg), sizes)
    perm = draw(st.permutations(list(range(E))))
    return x, index[np.asarray(perm, dtype=np.intp)], n_seg


# --------------------------------------------------------------------------
# the property
# --------------------------------------------------------------------------

def reproduction(kind, x, index, N, param, eta):
    dt = x.dtype.name
    xs = "[" + ", ".join("[" + ", ".join(repr(float(v)) for v in row) + "]" for row in x) + "]"
    return (f"{_KERNELS[kind].__name__}(np.array({xs}, dtype=np.{dt}), np.array({index.tolist()}), "
            f"{N}, {float(param)!r}, eta={float(eta)!r})")


def tolerance(kind, dtype, n):
    """(bound in ULP of the segment scale, bound in result ULP per max(1, Lambda) or None)."""
    if dtype == np.float32:
        return 1.0, 1.0
    return (2.0 * n + 8.0, None) if kind == "softmax" else (16.0, 16.0)


def _ulp(v, dtype):
    """Spacing of the dtype at |v| rounded to the dtype (at the largest finite value: the gap below it)."""
    a = abs(dtype(v))
    if a == np.finfo(dtype).max:
        return float(a - np.nextafter(a, dtype(0)))
    return float(np.spacing(a))


def _as_mp(v, dtype):
    """Output value as mpf; +-inf as +-2^emax of the dtype (one step past the largest float; used
    only where the reference is finite in the dtype)."""
    v = float(v)
    if math.isinf(v):
        return mpmath.mpf(2) ** int(np.finfo(dtype).maxexp) * (1 if v > 0 else -1)
    return mpmath.mpf(v)


#: worst errors seen by the fuzz tests in this process, per (kernel, dtype)
WORST = {}


def _record(kind, dtype, e_s, e_r, lam):
    key = f"{kind} {np.dtype(dtype).name}"
    w = WORST.setdefault(key, {"cases": 0, "values": 0, "max_ulp_scale": 0.0, "max_ulp_result": 0.0,
                               "max_ulp_result_per_lambda": 0.0})
    w["values"] += 1
    w["max_ulp_scale"] = max(w["max_ulp_scale"], e_s)
    w["max_ulp_result"] = max(w["max_ulp_result"], e_r)
    w["max_ulp_result_per_lambda"] = max(w["max_ulp_result_per_lambda"], e_r / lam)


def check(kind, x, index, N, param, eta, fn=None, ref=None):
    """Errors of ``fn`` (default: the kernel; both channel paths) on one case.

    Returns a list of failure strings (empty if every value is within the bounds of the module
    docstring).  ``ref`` may pass a precomputed ``(reference, Lambda)``.
    """
    dtype = x.dtype.type
    C = x.shape[1]
    outs = []
    if fn is None:
        fn = _KERNELS[kind]
        outs.append(("C<=4", fn(x, index, N, param, eta)))
        reps = K._SCATTER_MAX_C // C + 1
        outs.append(("C>4", fn(np.tile(x, (1, reps)), index, N, param, eta)[:, :C]))
    else:
        outs.append(("fn", fn(x, index, N, param, eta)))
    if ref is None:
        ref = reference_segments(x, index, N, kind, param, eta, dps=DPS, with_condition=True)
    refv, lam = ref
    sizes = np.bincount(index, minlength=N)
    fi = np.finfo(dtype)
    fails = []
    with mpmath.workdps(DPS):
        for s in range(N):
            rows = x[index == s].astype(np.float64)
            n = int(sizes[s])
            if n == 0:
                continue
            tol_scale, tol_res = tolerance(kind, dtype, n)
            for c in range(C):
                r = refv[s, c]
                scale = mpmath.mpf(float(np.max(np.abs(rows[:, c])))) * mpmath.mpf(n) ** mpmath.mpf(eta)
                sc = min(float(scale), float(fi.max)) if scale < mpmath.mpf(2) ** 1100 else float(fi.max)
                unit_s = _ulp(sc, dtype) if sc > 0 else float(fi.smallest_subnormal)
                with np.errstate(over="ignore"):
                    rd = abs(dtype(float(r)))
                unit_r = _ulp(float(rd), dtype) if np.isfinite(rd) else _ulp(float(fi.max), dtype)
                unit_r = max(unit_r, float(fi.smallest_subnormal))
                for path, out in outs:
                    g = out[s, c]
                    if out.dtype != dtype:
                        fails.append(f"{path}: output dtype {out.dtype} for {np.dtype(dtype).name} input")
                        continue
                    if np.isnan(g):
                        fails.append(f"{path}: segment {s} channel {c}: NaN, reference {mpmath.nstr(r, 17)}")
                        continue
                    if np.isinf(g) and rd == np.inf and (g > 0) == (r > 0):
                        continue                    # the exact value overflows the dtype too
                    diff = abs(_as_mp(g, dtype) - r)
                    e_s = float(diff / mpmath.mpf(unit_s))
                    e_r = float(diff / mpmath.mpf(unit_r))
                    bad = e_s > tol_scale
                    lam_sc = max(1.0, float(lam[s, c])) if kind == "power_mean" else 1.0
                    if fn is _KERNELS[kind]:
                        _record(kind, dtype, e_s, e_r, lam_sc)
                    if tol_res is not None and kind == "power_mean":
                        if dtype == np.float32:
                            bad |= lam_sc <= 2.0 ** 20 and e_r > tol_res
                        else:
                            bad |= e_r > tol_res * lam_sc
                    if bad:
                        fails.append(
                            f"{path}: segment {s} (n={n}) channel {c}: got {float(g)!r}, reference "
                            f"{mpmath.nstr(r, 17)}; {e_s:.3g} ULP of the segment scale {sc:.3g} "
                            f"(bound {tol_scale:g}), {e_r:.3g} ULP of the result (Lambda {lam_sc:.3g})")
    return fails


def _fuzz(kind, dtype, data):
    x, index, N = data.draw(cases(kind, dtype), label="case")
    param = data.draw(_params(), label="t" if kind == "softmax" else "q")
    eta = data.draw(_etas(), label="eta")
    rep = reproduction(kind, x, index, N, param, eta)
    note(rep)
    fails = check(kind, x, index, N, param, eta)
    key = f"{kind} {np.dtype(dtype).name}"
    if key in WORST:
        WORST[key]["cases"] += 1
    if os.environ.get("VERIFY_FUZZ_REPORT"):      # the long run's summary (worst errors so far)
        with open(os.environ["VERIFY_FUZZ_REPORT"] + f".{kind}.{np.dtype(dtype).name}.json", "w") as fh:
            json.dump(WORST.get(key, {}), fh)
    assert not fails, "reproduction:\n  " + rep + "\n" + "\n".join(fails)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@FUZZ
@given(data=st.data())
def test_softmax_fuzz_against_mpmath(dtype, data):
    _fuzz("softmax", dtype, data)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@FUZZ
@given(data=st.data())
def test_power_mean_fuzz_against_mpmath(dtype, data):
    _fuzz("power_mean", dtype, data)


# --------------------------------------------------------------------------
# the reproductions of issue 10 (regressions) and mutants of the property
# --------------------------------------------------------------------------

_ISSUE_CASES = [
    # power mean, 2^-10 <= |q| <~ 0.03, a segment spanning more than 2^1074
    ("power_mean", np.array([[1e-300], [1e300]]), np.zeros(2, dtype=np.intp), 1, 0.001, 0.0),
    ("power_mean", np.array([[1e-300], [1e300]]), np.zeros(2, dtype=np.intp), 1, -0.001, 0.0),
    ("power_mean", np.array([[1e-300], [1e300], [3.0]]), np.zeros(3, dtype=np.intp), 1, 0.03, 0.0),
    # found by the first long run after the fix: a zero in *another* segment of the block let the
    # second pass take the ratio path although 1e-300 / c underflows
    ("power_mean", np.array([[1e-300], [0.0], [1e300], [1.0]]), np.array([0, 1, 0, 1]), 2, 0.001, 0.0),
    # eta > 0 on a subnormal result
    ("softmax", np.tile([1e-315, 3e-315], 25)[:49, None], np.zeros(49, dtype=np.intp), 1, 1.0, 2.5),
    ("power_mean", np.tile([1e-315, 3e-315], 25)[:49, None], np.zeros(49, dtype=np.intp), 1, 2.0, 2.5),
    # found by the long run: a subnormal power mean (q < 0) next to a huge maximum, eta > 0
    ("power_mean", np.array([[2.2250738585e-313]] + [[30.0]] * 20 + [[1.5676536170974278e+300]]),
     np.zeros(22, dtype=np.intp), 1, -35.88175785533602, 2.5),
    # huge finite eta
    ("softmax", np.array([[1.0], [2.0], [0.0]]), np.array([0, 0, 1]), 2, 1.0, 1e19),
    ("softmax", np.array([[1.0], [2.0], [0.0]]), np.array([0, 0, 1]), 2, 1.0, -1e19),
    ("power_mean", np.array([[1.0], [2.0], [0.0]]), np.array([0, 0, 1]), 2, 3.3, 1e300),
    ("power_mean", np.array([[1.0], [2.0], [5.0]]), np.array([0, 0, 1]), 2, 3.3, -1e300),
]


@pytest.mark.parametrize("case", _ISSUE_CASES, ids=lambda c: f"{c[0]}-{c[4]:g}-eta{c[5]:g}")
def test_issue_10_reproductions(case):
    kind, x, index, N, param, eta = case
    fails = check(kind, x, index, N, param, eta)
    assert not fails, reproduction(kind, x, index, N, param, eta) + "\n" + "\n".join(fails)


def _scaled_after_rounding(kind):
    """Mutant: the |N|^eta factor applied to the already rounded result (the old eta bug)."""
    def fn(x, index, N, p, eta):
        n = np.bincount(index, minlength=N).astype(np.float64)[:, None]
        return _KERNELS[kind](x, index, N, p) * n ** eta
    return fn


def _dropped_underflow(x, index, N, q, eta):
    """Mutant: the direct formula whose underflowed ratios x / max vanish (the old |q| ~ 1e-3 bug)."""
    mx = np.maximum.reduceat(x[np.argsort(index, kind="stable")], np.searchsorted(np.sort(index), range(N)))
    with np.errstate(under="ignore"):
        z = (x / mx[index]) ** q
    s = np.zeros_like(mx)
    np.add.at(s, index, z)
    return mx * (s / np.bincount(index, minlength=N)[:, None]) ** (1 / q)


def _inverted_huge_eta(x, index, N, t, eta):
    """Mutant: huge eta with the exponent wrapped around (the old int64 cast)."""
    return K.softmax_aggregate(x, index, N, t, math.copysign(50.0, -eta))


def _off_by(factor):
    def fn(x, index, N, p, eta):
        return K.softmax_aggregate(x, index, N, p, eta) * factor
    return fn


@pytest.mark.parametrize("mutant", ["eta_after_rounding", "dropped_underflow", "inverted_eta",
                                    "relative_64_ulp", "float32_two_ulp"])
def test_property_catches_mutants(mutant):
    """Each old bug (and a small relative error) as a mutant: the same check must report it."""
    if mutant == "eta_after_rounding":
        kind, x, index, N, p, eta = _ISSUE_CASES[4]
        fails = check(kind, x, index, N, p, eta, fn=_scaled_after_rounding(kind))
    elif mutant == "dropped_underflow":
        kind, x, index, N, p, eta = _ISSUE_CASES[0]
        fails = check(kind, x, index, N, p, eta, fn=_dropped_underflow)
    elif mutant == "inverted_eta":
        kind, x, index, N, p, eta = _ISSUE_CASES[6]
        fails = check(kind, x, index, N, p, eta, fn=_inverted_huge_eta)
    elif mutant == "relative_64_ulp":
        x = np.array([[1.0], [1.5], [2.0], [0.25]])
        fails = check("softmax", x, np.array([0, 0, 1, 1]), 2, 0.7, 0.0, fn=_off_by(1 + 64 * 2.0 ** -52))
    else:
        x = np.array([[1.0], [1.5], [1.25], [1.75]], dtype=np.float32)
        up = np.float32(np.inf)
        fails = check("softmax", x, np.array([0, 0, 1, 1]), 2, 0.7, 0.0,
                      fn=lambda *a: np.nextafter(np.nextafter(K.softmax_aggregate(*a), up), up))
    assert fails, mutant


def test_check_passes_the_kernel_on_an_ordinary_case():
    """The property is not vacuous the other way: the real kernel passes an ordinary case."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((30, 2))
    index = rng.integers(0, 3, 30)
    assert check("softmax", x, index, 3, 1.3, 0.5) == []
    assert check("power_mean", np.abs(x), index, 3, 3.3, -1.0) == []
