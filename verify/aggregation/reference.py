"""mpmath reference implementations of the aggregation kernels (one segment, one channel).

Everything here is pure mpmath evaluated inside ``mp.workdps(...)`` (the global
``mp.dps`` is never touched).  Inputs are binary floating-point numbers, so they
are converted to ``mpf`` exactly; sums of inputs and differences ``x_u - x*``
are formed *exactly* (``mpf_sum`` / ``fsub(exact=True)``), and the working
precision is raised automatically

* by ``log10(1/|t|)`` (resp. ``log10(1/|q|)``) digits for tiny ``|t|`` / ``|q|``
  (where ``exp(t d) = 1 + t d + ...`` must keep its first-order term), and
* by ``log10(kappa)`` digits when the result is ill-conditioned, ``kappa``
  being the condition number returned alongside the value,

so that the returned value carries about ``dps`` correct significant digits
in all cases that arise from binary64 inputs.  Exponentials of arguments
below ``-(2.31 dps + 1600)`` are taken as exactly zero: their contribution
relative to the result is below ``10**-dps`` (the sum of weights is at least
one and ``|x| < 2**1024``, results are at least ``2**-1074``).
"""
from __future__ import annotations

import math

import mpmath
from mpmath import mp
from mpmath.libmp import mpf_sum

__all__ = [
    "softmax_aggregate_mp",
    "power_mean_aggregate_mp",
    "softmax_condition_mp",
    "power_mean_condition_mp",
    "reference_segments",
]

_MAX_DPS = 3000


def _mpf_exact(v):
    """Exact conversion of a float / int / mpf to mpf (independent of precision)."""
    if isinstance(v, mpmath.mpf):
        return v
    with mp.workprec(2200):
        return mp.mpf(float(v)) if not isinstance(v, int) else mp.mpf(v)


def _exact_sum(terms):
    """Exact sum of mpf terms, rounded once to the current precision."""
    s = mpf_sum([t._mpf_ for t in terms], 0)
    return mp.mpf(s)


def _cutoff(wp):
    return -(2.31 * wp + 1600)


def _check_values(values, nonneg=False):
    vals = [_mpf_exact(v) for v in values]
    if not vals:
        raise ValueError("values must be a non-empty segment")
    for v in vals:
        if not mpmath.isfinite(v):
            raise ValueError("values must be finite")
        if nonneg and v < 0:
            raise ValueError("values must be non-negative for the power mean")
    return vals


def _scale(n, eta):
    return mp.mpf(n) ** mp.mpf(eta) if eta else mp.mpf(1)


# --------------------------------------------------------------------------
# softmax aggregation
# --------------------------------------------------------------------------

def _softmax_once(vals, t, wp):
    """Return (S, p) at working precision wp (S without the n**eta factor)."""
    with mp.workdps(wp):
        n = len(vals)
        if t == 0:
            return _exact_sum(vals) / n, [mp.mpf(1) / n] * n
        if mpmath.isinf(t):
            ext = max(vals) if t > 0 else min(vals)
            nt = sum(1 for v in vals if v == ext)
            return +ext, [mp.mpf(1) / nt if v == ext else mp.mpf(0) for v in vals]
        shift = max(vals) if t > 0 else min(vals)
        d = [mp.fsub(v, shift, exact=True) for v in vals]
        cut = _cutoff(wp)
        w = []
        for du in d:
            a = t * du
            w.append(mp.exp(a) if a > cut else mp.mpf(0))
        sw = mp.fsum(w)
        swd = mp.fsum([wu * du for wu, du in zip(w, d)])
        S = shift + swd / sw
        return S, [wu / sw for wu in w]


def _softmax_kappa(vals, t, S, p):
    """kappa = sum_u p_u |x_u| (1 + |t| |x_u - S|) / |S|  (componentwise relative)."""
    at = abs(t) if not mpmath.isinf(t) else mp.mpf(0)
    num = mp.fsum([pu * abs(v) * (1 + at * abs(v - S)) for pu, v in zip(p, vals) if pu])
    if S == 0:
        return mp.mpf(1) if num == 0 else mp.inf
    return num / abs(S)


def _softmax_full(values, t, eta, dps):
    vals = _check_values(values)
    t = mp.mpf(t) if not isinstance(t, mpmath.mpf) else t
    if mpmath.isnan(t):
        raise ValueError("t must not be NaN")
    wp = dps + 10
    if t != 0 and not mpmath.isinf(t) and abs(t) < 1:
        wp += int(-mpmath.log10(abs(t))) + 1
    for _ in range(4):
        S, p = _softmax_once(vals, t, wp)
        with mp.workdps(wp):
            kap = _softmax_kappa(vals, t, S, p)
        need = dps + 10 + (int(mpmath.log10(kap)) + 1 if kap > 1 and mpmath.isfinite(kap) else 0)
        if mpmath.isinf(kap):
            need = wp + 400
        if need <= wp or wp >= _MAX_DPS:
            break
        wp = min(_MAX_DPS, need)
    with mp.workdps(wp):
        return +(S * _scale(len(vals), eta)), kap


def softmax_aggregate_mp(values, t, eta=0.0, dps=60):
    """Softmax aggregation of one segment/channel, ``n**eta * sum_u softmax(t x)_u x_u``.

    ``values``: non-empty list of finite floats (or mpf).  ``t``: real or
    ``±inf`` (``t = 0`` -> mean, ``±inf`` -> max / min).  Returns an ``mpf``
    correct to about ``dps`` significant digits (see the module docstring).
    """
    S, _ = _softmax_full(values, t, eta, dps)
    with mp.workdps(dps):
        return +S


def softmax_condition_mp(values, t, dps=30):
    """Condition number of the softmax aggregation w.r.t. relative perturbations.

    ``kappa = sum_u p_u |x_u| (1 + |t| |x_u - S|) / |S|`` bounds
    ``|dS/S|`` for componentwise relative perturbations of size one of the
    ``x_u`` (the ``1`` term) and of the products ``t x_u`` that enter the
    exponentials (the ``|t| |x_u - S|`` term, since
    ``dS/d(t x_u) = p_u (x_u - S)``).  ``inf`` if ``S = 0`` with non-zero data.
    """
    _, k = _softmax_full(values, t, 0.0, dps)
    return k


# --------------------------------------------------------------------------
# power-mean aggregation
# --------------------------------------------------------------------------

def _power_mean_once(vals, q, wp):
    """Return (P, w) at working precision wp, P without the n**eta factor.

    ``w_u = x_u^q / sum x^q`` are the weights of ``d log P / d log x_u``.
    """
    n = len(vals)
    with mp.workdps(wp):
        if mpmath.isinf(q):
            ext = max(vals) if q > 0 else min(vals)
            nt = sum(1 for v in vals if v == ext)
            return +ext, [mp.mpf(1) / nt if v == ext else mp.mpf(0) for v in vals]
        if q <= 0 and any(v == 0 for v in vals):
            return mp.mpf(0), [mp.mpf(1) / n] * n
        if q == 0:
            logs = [mp.log(v) for v in vals]
            return mp.exp(mp.fsum(logs) / n), [mp.mpf(1) / n] * n
        scale = max(vals) if q > 0 else min(vals)
        if scale == 0:
            return mp.mpf(0), [mp.mpf(1) / n] * n
        cut = _cutoff(wp)
        terms = []
        for v in vals:
            if v == 0:
                terms.append(mp.mpf(0))
                continue
            a = q * mp.log(v / scale)
            terms.append(mp.exp(a) if a > cut else mp.mpf(0))
        s = mp.fsum(terms)
        P = scale * mp.exp(mp.log(s / n) / q)
        return P, [tu / s for tu in terms]


def _power_mean_tiny_q(vals, q, dps):
    """Cumulant expansion for tiny |q| (all values > 0), or None if not applicable.

    ``log P_q = K(q) / q`` with ``K(q) = log mean exp(q l_u)``, ``l = log x``, is
    ``kappa_1 + q kappa_2 / 2 + q^2 kappa_3 / 6 + ...`` (cumulants of ``l``
    under the uniform distribution).  With ``D = max |l_u - mean l|`` the
    terms after ``q kappa_2 / 2`` are bounded by ``q^2 D^3``, so when that is
    below ``10**-(dps + 5)`` the two-term expansion is exact to ``dps`` digits.
    """
    with mp.workdps(dps + 10):
        logs = [mp.log(v) for v in vals]
        n = len(vals)
        lbar = mp.fsum(logs) / n
        dev = [lu - lbar for lu in logs]
        D = max(abs(x) for x in dev)
        if q * q * D ** 3 > mp.mpf(10) ** (-(dps + 5)):
            return None
        var = mp.fsum([x * x for x in dev]) / n
        P = mp.exp(lbar + q * var / 2)
        w = [(1 + q * x) / n for x in dev]       # x^q / sum x^q to first order
        return P, w


def _power_mean_full(values, q, eta, dps):
    vals = _check_values(values, nonneg=True)
    q = mp.mpf(q) if not isinstance(q, mpmath.mpf) else q
    if mpmath.isnan(q):
        raise ValueError("q must not be NaN")
    wp = dps + 10
    res = None
    if q != 0 and not mpmath.isinf(q) and abs(q) < 1:
        tiny = abs(q) < mp.mpf(10) ** (-(dps // 2 + 20))
        nz = [v for v in vals if v != 0]
        if tiny and len(nz) == len(vals):
            res = _power_mean_tiny_q(vals, q, dps)
        elif tiny and q > 0 and nz:
            # zeros: mean x^q = (m/n) mean_nz x^q, so P = (m/n)^(1/q) P_nz exactly
            sub = _power_mean_tiny_q(nz, q, dps)
            if sub is not None:
                with mp.workdps(dps + 10 + int(-mpmath.log10(q)) + 1):
                    f = mp.exp(mp.log(mp.mpf(len(nz)) / len(vals)) / q)
                with mp.workdps(dps + 10):
                    it = iter(sub[1])
                    res = (f * sub[0], [next(it) if v != 0 else mp.mpf(0) for v in vals])
        if res is None:
            wp += int(-mpmath.log10(abs(q))) + 1
    P, w = res if res is not None else _power_mean_once(vals, q, wp)
    with mp.workdps(wp):
        if P == 0 or mpmath.isinf(q):
            lam = mp.mpf(0)
        else:
            lam = mp.fsum([wu * abs(mp.log(v / P)) for wu, v in zip(w, vals) if wu])
        return +(P * _scale(len(vals), eta)), lam


def power_mean_aggregate_mp(values, q, eta=0.0, dps=60):
    """Power-mean aggregation of one segment/channel, ``n**eta * (mean x^q)^(1/q)``.

    ``values``: non-empty list of finite non-negative floats.  ``q``: real or
    ``±inf``; ``q = 0`` is the geometric mean, ``±inf`` max / min.  For
    ``q <= 0`` a zero value gives ``0`` (limit ``x -> 0+``).  Returns ``mpf``.
    """
    P, _ = _power_mean_full(values, q, eta, dps)
    with mp.workdps(dps):
        return +P


def power_mean_condition_mp(values, q, dps=30):
    """Effective condition number ``max(1, Lambda)`` of the power mean.

    With respect to relative perturbations of the ``x_u`` the power mean is
    perfectly conditioned: ``d log P / d log x_u = w_u >= 0`` with
    ``sum w_u = 1`` (``w_u = x_u^q / sum_v x_v^q``).  With respect to a
    relative perturbation of ``q`` the condition number is
    ``kappa_q = |q d log P / dq| = |sum_u w_u log(x_u / P)|``.  Any evaluation
    in floating point rounds each exponent ``q log(x_u / c)`` separately; with
    independent relative perturbations ``eps_u`` of the exponents
    ``q log(x_u / P)`` the relative change of ``P`` is
    ``sum_u w_u eps_u log(x_u / P)``, bounded by
    ``Lambda = sum_u w_u |log(x_u / P)| >= kappa_q`` times ``max |eps_u|``.
    ``Lambda`` is large for huge spreads of ``x`` inside a segment and moderate
    ``|q|`` (or zeros with small ``q > 0``, where ``P`` underflows); returned as
    ``max(1, Lambda)``.
    """
    _, lam = _power_mean_full(values, q, 0.0, dps)
    return max(mp.mpf(1), lam)


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

_FUNCS = {
    "softmax": _softmax_full,
    "power_mean": _power_mean_full,
}


def reference_segments(x, index, num_segments, fn, *args, dps=60, with_condition=False, **kwargs):
    """Apply a one-segment reference per segment and channel.

    Parameters
    ----------
    x : array_like (E,) or (E, C);  index : (E,) ints in [0, num_segments)
    fn : callable ``fn(values, *args, dps=dps, **kwargs) -> mpf`` (e.g.
        :func:`softmax_aggregate_mp` with ``args = (t, eta)``) or one of the
        strings ``"softmax"`` / ``"power_mean"`` (then the condition numbers
        are available, see ``with_condition``).
    with_condition : bool
        If True (string ``fn`` only) also return an array of condition numbers:
        ``softmax_condition_mp`` / ``power_mean_condition_mp``.

    Returns
    -------
    numpy object array of shape (num_segments,) or (num_segments, C) with an
    ``mpf`` per non-empty segment and ``None`` for empty segments (and, if
    requested, a float array of condition numbers, NaN for empty segments).
    """
    import numpy as np

    X = np.asarray(x)
    idx = np.asarray(index)
    one_d = X.ndim == 1
    X2 = X.reshape(len(X), 1) if one_d else X
    C = X2.shape[1]
    out = np.empty((num_segments, C), dtype=object)
    kap = np.full((num_segments, C), np.nan)
    order = np.argsort(idx, kind="stable")
    bounds = np.searchsorted(idx[order], np.arange(num_segments + 1))
    full = _FUNCS.get(fn) if isinstance(fn, str) else None
    if isinstance(fn, str) and full is None:
        raise ValueError(f"unknown reference {fn!r}")
    for s in range(num_segments):
        rows = order[bounds[s]:bounds[s + 1]]
        for c in range(C):
            if len(rows) == 0:
                out[s, c] = None
                continue
            vals = [X2[r, c].item() for r in rows]
            if full is not None:
                v, k = full(vals, *args, dps=dps, **kwargs)
                with mp.workdps(dps):
                    out[s, c] = +v
                kap[s, c] = float(k) if k < mp.mpf("1e300") else math.inf
                if fn == "power_mean":
                    kap[s, c] = max(1.0, kap[s, c])
            else:
                out[s, c] = fn(vals, *args, dps=dps, **kwargs)
    if one_d:
        out, kap = out[:, 0], kap[:, 0]
    return (out, kap) if with_condition else out
