"""Accuracy of the aggregation kernels against the mpmath reference, in ULP.

:func:`ulp_errors` measures errors in units in the last place of the target
dtype; :func:`sweep` runs a deterministic set of named cases (ordinary random
segments, ties, huge spreads, zeros, every special parameter value) through a
kernel and through the mpmath reference and summarises the errors.

Conditioning (why some cases are reported separately)
-----------------------------------------------------
An error bound of a few ULP is only achievable where the problem is well
conditioned.  For every segment/channel the reference also returns a
condition number ``kappa`` and a value is *ill-conditioned* when
``kappa > KAPPA_ILL``:

softmax
    ``kappa = sum_u p_u |x_u| (1 + |t| |x_u - S|) / |S|`` with
    ``p = softmax(t x)``.  The ``1`` term is the usual componentwise
    condition number of the weighted sum (large when ``S`` results from
    cancellation of mixed-sign messages, e.g. a mean close to zero); the
    ``|t| |x_u - S|`` term is the sensitivity to the rounding of the
    exponent ``t (x_u - x*)`` -- every evaluation in binary floating point
    perturbs it by ``eps |t (x_u - x*)|`` -- and is large for large ``|t|``
    with several comparable maxima (for example ``t = 37`` with float32
    messages of size ~1, or ``|t x| ~ 1e300`` with near-ties).  A
    backward-stable algorithm has forward error ``O(n eps kappa)``; the
    sweep therefore also reports ``ulp / max(1, kappa)``.
power mean
    The power mean is perfectly conditioned in ``x`` (``d log P / d log
    x_u = w_u``, ``w_u = x_u^q / sum x^q``, ``sum w_u = 1``) but its
    sensitivity to ``q`` is ``kappa_q = |sum_u w_u log(x_u / P)|``, and
    rounding every exponent ``q log(x_u / c)`` independently (which any
    floating-point evaluation does) is amplified by
    ``Lambda = sum_u w_u |log(x_u / P)| >= kappa_q``.  ``Lambda`` is large for
    huge spreads of ``x`` inside a segment with moderate ``|q|`` (e.g.
    ``|q| ~ 1e-3 .. 0.1`` with ``x`` from ``1e-300`` to ``1e300`` gives
    ``Lambda`` in the hundreds) and for zeros with small ``q > 0`` (``P`` is
    then astronomically small).  ``kappa = max(1, Lambda)``; the kernel's
    error is a few ULP times ``kappa`` (for ``|q| < 2**-10`` the kernel
    centres the exponents at the geometric mean and is much better than that).

``KAPPA_ILL = 16``: well-conditioned values are expected within a few ULP
(the bound is about ``(n + 2) kappa`` ULP for the softmax, where ``n <= 50``
is the segment size, and a few ULP times ``kappa`` for the power mean).

Zero reference values: if the exact result is ``0`` the ULP of ``0`` (the
smallest subnormal of the dtype) is used, so any non-zero computed value
counts as a (huge) error; where the computed value is also ``0`` the error is
``0``.  If the reference rounds to ``±inf`` in the target dtype (the exact
value exceeds its range) the error is ``0`` when the computed value is the
same infinity and ``inf`` otherwise.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import mpmath
import numpy as np
from mpmath import mp

from . import kernels
from .reference import reference_segments

__all__ = ["CaseError", "SweepResult", "ulp_errors", "sweep", "KAPPA_ILL", "kappa_threshold"]

KAPPA_ILL = 16.0


def kappa_threshold(dtype):
    """Ill-conditioning threshold for results of the given dtype.

    The kernels compute in float64 and round once to the output dtype, so for
    float32 (float16) a condition number kappa costs ``(n + 2) kappa eps64``,
    far below half an ULP of the output unless ``kappa`` exceeds
    ``KAPPA_ILL * eps(dtype) / eps64``.
    """
    return KAPPA_ILL * float(np.finfo(dtype).eps / np.finfo(np.float64).eps)


def _ulp_of(ref, dtype):
    """Spacing of the dtype at |ref| rounded to the dtype (float64 then dtype)."""
    with np.errstate(over="ignore"):
        r = abs(np.asarray(float(ref), dtype=np.float64).astype(dtype))
    return r, np.spacing(r)


def ulp_errors(computed, reference, dtype):
    """Elementwise error of ``computed`` in ULP of ``dtype`` at the reference value.

    ``err = |computed - ref| / spacing(|ref| rounded to dtype)``, the
    subtraction carried out exactly in mpmath.  ``reference`` is an array (or
    nested list) of ``mpf`` / floats with the shape of ``computed``; entries
    that are ``None`` (empty segments) give ``NaN``.  See the module docstring
    for ``ref == 0`` and overflow conventions.  Returns a float64 array.
    """
    dtype = np.dtype(dtype)
    comp = np.asarray(computed)
    ref = np.asarray(reference, dtype=object)
    if ref.shape != comp.shape:
        raise ValueError(f"shape mismatch: computed {comp.shape} vs reference {ref.shape}")
    out = np.empty(comp.shape, dtype=np.float64)
    with mp.workprec(64):          # the difference below is exact; 64 bits for the ratio
        for pos in np.ndindex(comp.shape):
            r = ref[pos]
            if r is None:
                out[pos] = np.nan
                continue
            if not isinstance(r, mpmath.mpf):
                with mp.workprec(2300):
                    r = mp.mpf(r)
            c = float(comp[pos])
            rd, sp = _ulp_of(r, dtype)
            if not np.isfinite(rd):
                same = math.isinf(c) and (c > 0) == (r > 0)
                out[pos] = 0.0 if same else math.inf
                continue
            if not math.isfinite(c):
                out[pos] = math.inf
                continue
            err = abs(mp.fsub(mp.mpf(c), r, exact=True)) / mp.mpf(float(sp))
            out[pos] = float(err) if err < mp.mpf("1e308") else math.inf
    return out


@dataclass
class CaseError:
    """Errors of one named case.

    ``max_ulp`` over all values of the case; ``argmax_info`` describes the
    worst value (segment, channel, segment size, computed, reference, kappa);
    ``ill_conditioned`` if some value has ``kappa > KAPPA_ILL`` (then
    ``condition_number`` is the largest kappa); ``max_ulp_well`` is the max
    over the well-conditioned values only; ``max_ulp_per_kappa`` the max of
    ``ulp / max(1, kappa)``.
    """

    name: str
    max_ulp: float
    argmax_info: dict
    ill_conditioned: bool = False
    condition_number: float = 1.0
    max_ulp_well: float = 0.0
    max_ulp_per_kappa: float = 0.0
    n_values: int = 0


@dataclass
class SweepResult:
    """Summary of a sweep.

    ``median_ulp``, ``p99_ulp``, ``max_ulp``: distribution over all
    *well-conditioned* values (``kappa <= KAPPA_ILL``) of every case.
    ``max_ulp_all`` includes the ill-conditioned values;
    ``max_ulp_per_kappa`` is the max over all values of ``ulp / max(1,
    kappa)``.  ``worst``: the cases with the largest ``max_ulp_well``;
    ``ill_conditioned``: every case containing an ill-conditioned value.
    """

    kind: str
    dtype: str
    seed: int
    cases: list = field(default_factory=list)
    median_ulp: float = 0.0
    p99_ulp: float = 0.0
    max_ulp: float = 0.0
    worst: list = field(default_factory=list)
    ill_conditioned: list = field(default_factory=list)
    max_ulp_all: float = 0.0
    max_ulp_per_kappa: float = 0.0
    kappa_threshold: float = KAPPA_ILL
    n_values: int = 0
    n_ill_values: int = 0
    elapsed_s: float = 0.0

    def summary(self) -> str:
        lines = [
            f"{self.kind} {self.dtype}: {len(self.cases)} cases, {self.n_values} values "
            f"({self.n_ill_values} ill-conditioned, kappa > {self.kappa_threshold:g}); "
            f"well-conditioned ULP median {self.median_ulp:.3g}, p99 {self.p99_ulp:.3g}, "
            f"max {self.max_ulp:.3g}; all values max {self.max_ulp_all:.3g}; "
            f"max ulp/kappa {self.max_ulp_per_kappa:.3g}; {self.elapsed_s:.1f} s"]
        for c in self.worst[:5]:
            lines.append(f"  worst  {c.name}: {c.max_ulp_well:.3g} ulp  {c.argmax_info}")
        for c in self.ill_conditioned:
            lines.append(f"  ill    {c.name}: kappa {c.condition_number:.3g}, max {c.max_ulp:.3g} ulp, "
                         f"ulp/kappa {c.max_ulp_per_kappa:.3g}")
        return "\n".join(lines)


# --------------------------------------------------------------------------
# case construction
# --------------------------------------------------------------------------

_T_VALUES = [0.0, 1e-300, -1e-300, 1e-8, -1e-8, 1.0, -1.0, 37.0, -37.0, 1e8, -1e8,
             1e300, -1e300, math.inf, -math.inf]
_Q_VALUES = [0.0, 1e-300, -1e-300, 1e-8, -1e-8, 0.1, -0.1, 0.25, -0.25, 0.5, -0.5, 0.75, -0.75,
             1.0, -1.0, 2.0, -2.0, 37.0, -37.0, 1e8, -1e8, 1e300, -1e300, math.inf, -math.inf]
_ETAS = [0.0, 1.0, -0.5]
#: q values run with a single eta also in the ``random`` family (keeps the sweep short;
#: eta is an exact final scaling and already exercised by the other q values)
_Q_SINGLE_ETA = (0.1, -0.1, 0.25, -0.25, 0.75, -0.75)


def _segments(rng, n_seg, max_size, channels):
    sizes = rng.integers(1, max_size + 1, size=n_seg)
    sizes[0] = 1
    sizes[-1] = max_size
    index = np.repeat(np.arange(n_seg), sizes)
    index = index[rng.permutation(len(index))]
    return index, channels


def _families(kind, dtype, rng):
    """Deterministic data families: name -> (x, index, num_segments)."""
    fl = np.finfo(dtype)
    big_exp = 300 if dtype == np.float64 else 37
    fams = {}
    n_seg, C = 16, 2
    idx, _ = _segments(rng, n_seg, 50, C)
    E = len(idx)
    if kind == "softmax":
        fams["random"] = rng.standard_normal((E, C))
        fams["offset"] = 3.0 + rng.random((E, C))
        fams["ties"] = rng.integers(-2, 3, size=(E, C)).astype(np.float64) * 0.75
        mags = 10.0 ** rng.uniform(-big_exp, big_exp, size=(E, C))
        fams["spread"] = mags * rng.choice([-1.0, 1.0], size=(E, C))
        fams["huge"] = rng.uniform(0.5, 1.0, size=(E, C)) * float(fl.max) / 4 \
            * rng.choice([-1.0, 1.0], size=(E, C))
    else:
        fams["random"] = rng.random((E, C)) * 2.0
        fams["offset"] = 3.0 + rng.random((E, C))
        fams["ties"] = rng.integers(1, 4, size=(E, C)).astype(np.float64) * 0.75
        fams["spread"] = 10.0 ** rng.uniform(-big_exp, big_exp, size=(E, C))
        z = rng.random((E, C)) * 2.0
        z[rng.random((E, C)) < 0.3] = 0.0
        fams["zeros"] = z
    out = {}
    for name, x in fams.items():
        x = np.asarray(x, dtype=dtype)
        if not np.all(np.isfinite(x)):
            raise AssertionError(name)
        out[name] = (x, idx, n_seg + 1)       # segment n_seg stays empty
    return out


def _run_case(kind, name, x, idx, N, param, eta, dtype, dps):
    fn = kernels.softmax_aggregate if kind == "softmax" else kernels.power_mean_aggregate
    # few channels go through the sort-free (bincount) path; tiling the
    # channels beyond _SCATTER_MAX_C exercises the sorted, blocked path too
    comp_a = fn(x, idx, N, param, eta)
    C = x.shape[1]
    wide = np.tile(x, (1, kernels._SCATTER_MAX_C // C + 1))
    comp_b = fn(wide, idx, N, param, eta)[:, :C]
    ref, kap = reference_segments(x, idx, N, kind, param, eta, dps=dps, with_condition=True)
    for comp in (comp_a, comp_b):
        if comp.dtype != dtype:
            raise AssertionError(f"output dtype {comp.dtype} != {dtype}")
    err_a = ulp_errors(comp_a, ref, dtype)
    err_b = ulp_errors(comp_b, ref, dtype) if not np.array_equal(comp_a, comp_b) else err_a
    err = np.fmax(err_a, err_b)
    comp = np.where(err_a >= err_b, comp_a, comp_b)
    mask = ~np.isnan(err)
    e = err[mask]
    k = kap[mask]
    well = k <= kappa_threshold(dtype)
    per_k = e / np.maximum(1.0, k)
    j = int(np.argmax(e)) if e.size else 0
    where = np.argwhere(mask)[j]
    counts = np.bincount(idx, minlength=N)
    info = {
        "segment": int(where[0]), "channel": int(where[1]),
        "size": int(counts[where[0]]),
        "computed": float(comp[tuple(where)]),
        "reference": mpmath.nstr(ref[tuple(where)], 17),
        "kappa": float(k[j]) if e.size else 1.0,
    }
    return CaseError(
        name=name,
        max_ulp=float(e.max()) if e.size else 0.0,
        argmax_info=info,
        ill_conditioned=bool((~well).any()),
        condition_number=float(k.max()) if e.size else 1.0,
        max_ulp_well=float(e[well].max()) if well.any() else 0.0,
        max_ulp_per_kappa=float(per_k.max()) if e.size else 0.0,
        n_values=int(e.size),
    ), e, well


def sweep(kind, dtype, seed=0, dps=40):
    """Run the deterministic accuracy sweep of one kernel in one dtype.

    Parameters
    ----------
    kind : ``'softmax'`` or ``'power_mean'``
    dtype : ``np.float32`` or ``np.float64`` (also ``'float32'``/``'float64'``)
    seed : int, RNG seed of the data (cases and their names do not depend on it)
    dps : decimal digits of the mpmath reference (40 is ample for ULP of float64)

    Cases (16 segments of sizes 1..50 in shuffled order, 2 channels, one
    empty segment):  data families ``random`` (N(0,1) for the softmax,
    U[0,2) for the power mean), ``offset`` (3 + U[0,1)), ``ties`` (few
    distinct values), ``spread`` (log-uniform magnitudes 1e-300..1e300 in
    float64, 1e-37..1e37 in float32; random signs for the softmax), ``huge``
    (softmax: |x| ~ max/4, so that differences overflow) and ``zeros``
    (power mean, 30 % exact zeros), crossed with every ``t`` in
    ``{0, ±1e-300, ±1e-8, ±1, ±37, ±1e8, ±1e300, ±inf}`` or ``q`` in
    ``{0, ±1e-300, ±1e-8, ±0.1, ±0.25, ±0.5, ±0.75, ±1, ±2, ±37, ±1e8, ±1e300,
    ±inf}`` (the small and moderate ``|q|`` are where an evaluation of
    ``(mean x^q)^(1/q)`` amplifies rounding errors by ``1/|q|``); ``eta``
    cycles through ``{0, 1, -0.5}`` and the ``random`` family is run with all
    three (except for ``q`` in ``{±0.1, ±0.25, ±0.75}``).  Case names are ``"<family> t=<t> eta=<eta>"``.

    Returns a :class:`SweepResult`.
    """
    if kind not in ("softmax", "power_mean"):
        raise ValueError(f"kind must be 'softmax' or 'power_mean', got {kind!r}")
    dtype = np.dtype(dtype)
    if dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise ValueError(f"dtype must be float32 or float64, got {dtype}")
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    fams = _families(kind, dtype.type, rng)
    params = _T_VALUES if kind == "softmax" else _Q_VALUES
    pname = "t" if kind == "softmax" else "q"
    res = SweepResult(kind=kind, dtype=dtype.name, seed=seed,
                      kappa_threshold=kappa_threshold(dtype))
    all_e, all_well = [], []
    i = 0
    for fam, (x, idx, N) in fams.items():
        for p in params:
            if fam == "random" and p not in _Q_SINGLE_ETA:
                etas = _ETAS
            elif fam in ("huge", "spread"):   # keep n**eta * S inside the dtype's range
                etas = [(0.0, -0.5)[i % 2]]
            else:
                etas = [_ETAS[i % 3]]
            i += 1
            for eta in etas:
                name = f"{fam} {pname}={p:g} eta={eta:g}"
                ce, e, well = _run_case(kind, name, x, idx, N, p, eta, dtype, dps)
                res.cases.append(ce)
                all_e.append(e)
                all_well.append(well)
    e = np.concatenate(all_e)
    well = np.concatenate(all_well)
    ew = e[well]
    res.n_values = int(e.size)
    res.n_ill_values = int((~well).sum())
    res.median_ulp = float(np.median(ew)) if ew.size else 0.0
    res.p99_ulp = float(np.percentile(ew, 99)) if ew.size else 0.0
    res.max_ulp = float(ew.max()) if ew.size else 0.0
    res.max_ulp_all = float(e.max()) if e.size else 0.0
    res.max_ulp_per_kappa = max(c.max_ulp_per_kappa for c in res.cases)
    res.worst = sorted(res.cases, key=lambda c: -c.max_ulp_well)[:10]
    res.ill_conditioned = [c for c in res.cases if c.ill_conditioned]
    res.elapsed_s = time.perf_counter() - t0
    return res


if __name__ == "__main__":  # pragma: no cover
    import sys

    kinds = sys.argv[1:2] or ["softmax", "power_mean"]
    for k in kinds:
        for dt in (np.float64, np.float32):
            print(sweep(k, dt).summary())
