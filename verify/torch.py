"""Differentiable, numerically stable softmax and power-mean aggregations for PyTorch.

Drop-in replacements for PyTorch Geometric's ``SoftmaxAggregation`` and ``PowerMeanAggregation``: the same
constructor arguments (``t`` / ``p``, ``learn``, ``channels``, ``semi_grad``) and the same call
``aggr(x, index=None, ptr=None, dim_size=None, dim=-2)``; swap them into a PyG model by changing one import.
They need only torch; when PyG is installed they subclass ``torch_geometric.nn.aggr.Aggregation`` so that a
``MessagePassing`` layer accepts them as ``aggr=``.

Definitions (per segment ``N`` = the rows ``u`` with ``index[u] == s``, per channel, ``|N| >= 1``):

* softmax   ``S = |N|^eta * sum_u w_u m_u``,  ``w = softmax(t m)`` over ``N``;  ``t`` real or ``±inf``
  (``t = 0`` the mean, ``t = ±inf`` the maximum / minimum, tied extrema weighted equally).
* power mean ``P = |N|^eta * ((1/|N|) sum_u m_u^q)^(1/q)``, ``m_u >= 0``;  ``q`` real or ``±inf``
  (``q = 0`` the geometric mean, ``±inf`` maximum / minimum; for ``q <= 0`` a zero neighbour makes ``P = 0``).

An empty segment gives 0 (gradient 0).  Nothing is clamped: a negative input to the power mean is a
``ValueError`` (a real power of a negative number is undefined), NaN or inf in ``x`` is a ``ValueError``.

Stability.  The forward pass shifts by the segment extremum (``w_u = exp(t (m_u - m*)) / Z``) and scales the
power mean by it in the log domain (``P = c exp(K(q)/q)``, ``K(q) = log1p(mean expm1(q (log m_u - log c)))``
with ``c`` the largest (``q > 0``) or smallest (``q < 0``) positive neighbour), so nothing overflows where the
true value is finite.  The backward passes are written by hand (``torch.autograd.Function``) in closed form:

* ``dS/dm_u = |N|^eta w_u (1 + t (m_u - S0))``, ``dS/dt = |N|^eta Var_w(m)``  (``S0 = S / |N|^eta``),
* ``dP/dm_u = |N|^eta (1/|N|) (m_u / P0)^(q-1)``,
  ``dP/dq = P (d/dq)(K(q)/q) = P KL(w || uniform) / q^2``, evaluated near ``q = 0`` with the log values
  centred on their mean (``expm1(x) - x`` by its series for small ``|x|``), and at ``|q| < 1e-100`` (float64;
  ``1e-14`` float32) by the limit ``Var(log m) / 2``; a learnable ``q`` passes through 0 with a finite,
  correct gradient.

Conventions at non-smooth points (documented, tested): tied extrema at ``t = ±inf`` / ``q = ±inf`` share the
derivative equally (``1/k`` each); for ``q < 0`` a zero neighbour gives ``P = 0``, ``dP/dq = 0`` and the
one-sided ``dP/dm_zero = (1/k) (k/|N|)^(1/q)`` for ``k`` zeros (``|N|^(-1/q)`` for one zero); for
``0 < q < 1`` the derivative at a zero neighbour is ``+inf`` (its true value: ``m^q`` has a vertical tangent).

Works on any device and dtype float32 / float64 (float16 / bfloat16 are computed in float32).
"""

from __future__ import annotations

import math
from typing import Optional

import torch
from torch import Tensor

try:  # subclass PyG's base when it is there, so MessagePassing(aggr=...) accepts the modules
    from torch_geometric.nn.aggr import Aggregation as _Base
except Exception:  # noqa: BLE001 - PyG missing or broken: torch only
    _Base = torch.nn.Module

__all__ = ["SoftmaxAggregation", "PowerMeanAggregation", "softmax_aggregate", "power_mean_aggregate"]


# ------------------------------------------------------------------------------------------ arguments
def _prepare(x: Tensor, index: Optional[Tensor], ptr: Optional[Tensor], dim_size: Optional[int],
             dim: int, what: str):
    """Validate, move the aggregated dim first and flatten the rest: (E, F), index (E,), n, rest, dim."""
    if not isinstance(x, Tensor):
        raise TypeError(f"x must be a torch.Tensor, got {type(x).__name__}")
    if not x.is_floating_point():
        raise ValueError(f"x must be a floating-point tensor, got dtype {x.dtype}")
    if x.dim() == 0:
        raise ValueError("x must have at least one dimension (the one aggregated over)")
    if not -x.dim() <= dim < x.dim():
        raise ValueError(f"dim={dim} is out of range for x with {x.dim()} dimensions")
    dim = dim % x.dim()
    E = x.shape[dim]
    if x.numel():
        lo, hi = torch.aminmax(x)                                  # one pass; NaN propagates
        if not (bool(torch.isfinite(lo)) and bool(torch.isfinite(hi))):
            pos = tuple(int(v) for v in torch.nonzero(~torch.isfinite(x))[0])
            raise ValueError(f"x must be finite: x{list(pos)} = {float(x[pos])} ({what})")
        if what == "power mean aggregation" and bool(lo < 0):
            bad = tuple(int(v) for v in torch.nonzero(x < 0)[0])
            raise ValueError(f"x must be non-negative for the power mean: found {float(x[bad])!r} at x{list(bad)}; "
                             f"a real power m**q of a negative number is undefined (this module does not clamp; "
                             f"shift or rectify the messages, e.g. relu, before aggregating)")
    dev = x.device
    if ptr is not None:
        ptr = torch.as_tensor(ptr, device=dev)
        if ptr.dim() != 1 or ptr.numel() < 1 or ptr.dtype.is_floating_point:
            raise ValueError(f"ptr must be a 1-D integer tensor of segment boundaries, got shape "
                             f"{tuple(ptr.shape)} dtype {ptr.dtype}")
        counts = ptr.diff()
        if int(ptr[0]) != 0 or int(ptr[-1]) != E or bool((counts < 0).any()):
            raise ValueError(f"ptr must be non-decreasing from 0 to x.shape[dim] = {E}, got "
                             f"{ptr.tolist() if ptr.numel() <= 10 else '[...]'}")
        n = ptr.numel() - 1
        if dim_size is not None and int(dim_size) != n:
            raise ValueError(f"dim_size={dim_size} does not match ptr (expected {n})")
        index = torch.repeat_interleave(torch.arange(n, device=dev), counts.long(), output_size=E)
    elif index is None:
        index = torch.zeros(E, dtype=torch.long, device=dev)
        n = int(dim_size) if dim_size is not None else (1 if E else 0)
    else:
        if not isinstance(index, Tensor) or index.dtype.is_floating_point or index.dtype == torch.bool:
            raise ValueError(f"index must be an integer tensor, got "
                             f"{getattr(index, 'dtype', type(index).__name__)}")
        index = index.reshape(-1) if index.dim() != 1 and index.numel() == E else index
        if index.dim() != 1 or index.numel() != E:
            raise ValueError(f"index must have shape ({E},) (x.shape[dim]), got {tuple(index.shape)}")
        index = index.to(device=dev, dtype=torch.long)
        n = int(dim_size) if dim_size is not None else (int(index.max()) + 1 if E else 0)
        if E and (int(index.min()) < 0 or int(index.max()) >= n):
            raise ValueError(f"index values must lie in [0, dim_size={n}), got range "
                             f"[{int(index.min())}, {int(index.max())}]")
    if n < 0:
        raise ValueError(f"dim_size must be non-negative, got {n}")
    xm = x.movedim(dim, 0)
    rest = tuple(xm.shape[1:])
    return xm.reshape(E, -1), index, n, rest, dim


def _finish(out: Tensor, n: int, rest: tuple, dim: int) -> Tensor:
    return out.reshape((n,) + rest).movedim(0, dim)


def _param(p, x2: Tensor, rest: tuple, name: str) -> Tensor:
    """The parameter as a (1,) or (F,) tensor of x's dtype (autograd flows back to a tensor ``p``)."""
    if not isinstance(p, Tensor):
        p = torch.tensor(float(p), dtype=x2.dtype, device=x2.device)
    p = p.to(device=x2.device, dtype=x2.dtype)
    if bool(torch.isnan(p).any()):
        raise ValueError(f"{name} must not be NaN")
    if p.numel() == 1:
        return p.reshape(1)
    try:
        return torch.broadcast_to(p.reshape(-1), rest).reshape(-1)
    except RuntimeError:
        raise ValueError(f"{name} has {p.numel()} entries (channels) but x has channel shape {rest}") from None


def _seg_zeros(n: int, like: Tensor) -> Tensor:
    return like.new_zeros((n, like.shape[1]))


def _seg_amax(src: Tensor, index: Tensor, n: int) -> Tensor:
    """Segment maximum (empty segments 0)."""
    return _seg_zeros(n, src).scatter_reduce_(0, index[:, None].expand_as(src), src, "amax", include_self=False)


def _seg_sum(src: Tensor, index: Tensor, n: int) -> Tensor:
    return _seg_zeros(n, src).index_add_(0, index, src)


def _eta_scale(cnt: Tensor, eta: float) -> Optional[Tensor]:
    if eta == 0:
        return None
    return torch.where(cnt > 0, cnt.pow(eta), torch.zeros_like(cnt))[:, None]


# -------------------------------------------------------------------------------------------- softmax
def _seg_amin(src: Tensor, index: Tensor, n: int) -> Tensor:
    """Segment minimum (empty segments 0)."""
    return _seg_zeros(n, src).scatter_reduce_(0, index[:, None].expand_as(src), src, "amin", include_self=False)


def _gather(seg: Tensor, index: Tensor, out: Optional[Tensor] = None) -> Tensor:
    """seg[index] (E, F), into ``out`` when given (large fresh allocations cost more than the arithmetic)."""
    if out is None:
        return seg.index_select(0, index)
    return torch.index_select(seg, 0, index, out=out)


class _SoftmaxAggregate(torch.autograd.Function):
    """S = |N|^eta sum_u softmax(t m)_u m_u with the closed-form backward (see the module docstring).

    Saved for the backward: ``d = m - m*`` (E, F) and per-segment ``Z``, ``D = S0 - m*``; the weights are
    recomputed there (one exp pass) rather than stored.
    """

    @staticmethod
    def forward(ctx, x, t, index, n, eta, semi_grad):  # noqa: D401 - autograd signature
        neg = t < 0
        if bool(neg.all()):
            ext = _seg_amin(x, index, n)                           # shift by the min (t < 0)
        elif bool(neg.any()):
            ext = torch.where(neg, _seg_amin(x, index, n), _seg_amax(x, index, n))
        else:
            ext = _seg_amax(x, index, n)                           # shift by the max (t >= 0)
        tinf = bool(torch.isinf(t).any())
        d = _gather(ext, index)
        torch.sub(x, d, out=d)                                     # d = m - m*;  t * d <= 0
        e = torch.mul(d, t)
        if tinf:                                                   # t = ±inf on a tied extremum: weight exp(0)
            torch.nan_to_num_(e, nan=0.0, posinf=math.inf, neginf=-math.inf)
        e.exp_()
        Z = _seg_sum(e, index, n)                                  # >= 1 on every non-empty segment
        e.mul_(d)
        Dsum = _seg_sum(e, index, n)
        if bool(torch.isnan(Dsum).any()):                          # spread beyond the float range: 0 * inf
            e.nan_to_num_(nan=0.0, posinf=math.inf, neginf=-math.inf)
            Dsum = _seg_sum(e, index, n)
        del e
        D = torch.where(Z > 0, Dsum / Z, torch.zeros_like(Z))
        S = ext + D                                                # = sum_u w_u m_u
        cnt = torch.bincount(index, minlength=n).to(x.dtype)
        scale = _eta_scale(cnt, eta)
        ctx.save_for_backward(d, Z, D, t, index, scale if scale is not None else torch.empty(0))
        ctx.n, ctx.semi_grad, ctx.has_scale, ctx.tinf = n, semi_grad, scale is not None, tinf
        return S * scale if scale is not None else S

    @staticmethod
    def backward(ctx, G):
        d, Z, D, t, index, scale = ctx.saved_tensors
        n = ctx.n
        Gs = G * scale if ctx.has_scale else G
        A = torch.where(Z > 0, Gs / Z, torch.zeros_like(Z))       # G |N|^eta / Z per segment
        e = torch.mul(d, t)
        if ctx.tinf:
            torch.nan_to_num_(e, nan=0.0, posinf=math.inf, neginf=-math.inf)
        e.exp_()                                                   # Z w_u
        dev = _gather(D, index)
        torch.sub(d, dev, out=dev)                                 # m_u - S0, exactly 0 on a saturated tie
        gx = gt = None
        if ctx.needs_input_grad[1]:
            v = torch.mul(dev, e)
            v.mul_(dev)                                            # Z w_u (m_u - S0)^2
            if ctx.tinf or not bool(torch.isfinite(dev).all()):
                v.nan_to_num_(nan=0.0)
            var = _seg_sum(v, index, n)                            # Z Var_w(m)
            gt = (A * var).sum(0).sum_to_size(t.shape)
            del v
        if ctx.needs_input_grad[0]:
            if ctx.semi_grad:
                gx = e
            else:
                gx = dev.mul_(t)
                if ctx.tinf:                                       # inf * 0 on a tie: no t-term there
                    gx.nan_to_num_(nan=0.0, posinf=math.inf, neginf=-math.inf)
                gx.add_(1).mul_(e)
                if ctx.tinf or not bool(torch.isfinite(gx).all()):  # exp weight 0 times an infinite term
                    gx = torch.where(e > 0, gx, torch.zeros_like(gx))
                del e
            gx.mul_(_gather(A, index))
        return gx, gt, None, None, None, None


def softmax_aggregate(x: Tensor, index: Optional[Tensor] = None, t=1.0, *, ptr: Optional[Tensor] = None,
                      dim_size: Optional[int] = None, dim: int = -2, eta: float = 0.0,
                      semi_grad: bool = False) -> Tensor:
    """Softmax aggregation ``|N|^eta sum_u softmax(t m)_u m_u`` per segment (functional form).

    ``x``: finite floating tensor, aggregated along ``dim``; ``index`` (or ``ptr``) assigns rows to segments;
    ``t``: float or tensor (one value or one per channel; differentiable), real or ``±inf``, not NaN.
    Empty segments give 0.  See the module docstring for the stability and the backward.
    """
    x2, idx, n, rest, dim = _prepare(x, index, ptr, dim_size, dim, "softmax aggregation")
    dt = x2.dtype
    work = x2 if dt in (torch.float32, torch.float64) else x2.float()
    tt = _param(t, work, rest, "t")
    out = _SoftmaxAggregate.apply(work, tt, idx, n, float(eta), bool(semi_grad))
    return _finish(out.to(dt), n, rest, dim)


# ----------------------------------------------------------------------------------------- power mean
def _expm1_minus_x(b: Tensor) -> Tensor:
    """``expm1(b) - b`` to a few ulp for |b| <= 1 (series below 0.25, direct above)."""
    nterms = 13 if b.dtype == torch.float64 else 7
    acc = torch.full_like(b, 1.0 / math.factorial(nterms + 1))
    for k in range(nterms, 1, -1):
        acc = acc * b + 1.0 / math.factorial(k)
    series = acc * b * b
    return torch.where(b.abs() < 0.25, series, torch.expm1(b) - b)


def _q_tiny(dtype) -> float:
    """Below this |q| the geometric-mean limit is exact to the dtype's precision (see module docstring)."""
    return 1e-100 if dtype == torch.float64 else 1e-14


class _PowerMeanAggregate(torch.autograd.Function):
    """P = |N|^eta ((1/|N|) sum_u m_u^q)^(1/q), m >= 0, with the closed-form backward: the general path.

    Used when some channel has ``q <= q_tiny`` (negative, zero or tiny ``q``), ``q = ±inf``, or a segment is
    all zeros; :class:`_PowerMeanPositiveQ` covers the rest with fewer passes.  Both are checked by the same
    tests and ``verify check power_mean verify --torch --grad``.
    """

    @staticmethod
    def forward(ctx, x, q, index, n, eta):
        pos = x > 0
        fpos = pos.to(x.dtype)
        kpos = _seg_sum(fpos, index, n)                                  # positive neighbours k'
        cnt = torch.bincount(index, minlength=n).to(x.dtype)[:, None].expand_as(kpos)
        one = torch.ones_like(q)
        sign = torch.where(q < 0, -one, one)
        ninf = torch.full_like(x, -math.inf)
        l = torch.log(x)                                                 # -inf at zeros
        L = _seg_amax(torch.where(pos, l * sign, ninf), index, n) * sign  # log of the scaling neighbour
        c = _seg_amax(torch.where(pos, x * sign, ninf), index, n) * sign  # the scaling neighbour itself
        zeros_x = torch.zeros_like(x)
        delta = torch.where(pos, l - L.index_select(0, index), zeros_x)  # q * delta <= 0
        a = q * delta
        a = torch.where(torch.isnan(a), zeros_x, a)                      # q = ±inf on a tied extremum
        em1 = torch.where(pos, torch.expm1(a), zeros_x)
        Em = _seg_sum(em1, index, n) / kpos                              # mean over positives of expm1
        K = torch.log1p(Em)
        Kq = K / q
        tiny = q.abs() < _q_tiny(x.dtype)
        if bool(tiny.any()):
            dbar = _seg_sum(delta, index, n) / kpos
            Kq = torch.where(tiny, dbar, Kq)                              # the geometric-mean limit
        Z = torch.log(kpos / cnt)                                        # log(k'/|N|) <= 0 (zeros, q > 0)
        lz = torch.where(Z == 0, torch.zeros_like(Z), Z / q)
        P0 = c * torch.exp(Kq + lz)
        zero_res = ((kpos < cnt) & (q <= 0)) | (kpos == 0)
        P0 = torch.where(zero_res, torch.zeros_like(P0), P0)
        scale = _eta_scale(cnt[:, 0], eta)
        ctx.save_for_backward(x, q, index, delta, em1, Em, Kq, lz, Z, kpos, cnt, zero_res, P0,
                              scale if scale is not None else torch.empty(0))
        ctx.n, ctx.has_scale = n, scale is not None
        return P0 * scale if scale is not None else P0

    @staticmethod
    def backward(ctx, G):
        x, q, index, delta, em1, Em, Kq, lz, Z, kpos, cnt, zero_res, P0, scale = ctx.saved_tensors
        n = ctx.n
        Gs = G * scale if ctx.has_scale else G
        pos = x > 0
        zx = torch.zeros_like(x)
        qinf = torch.isinf(q)
        gx = gq = None
        if ctx.needs_input_grad[0]:
            sel = lambda v: v.index_select(0, index)  # noqa: E731
            # positives: (1/k') (k'/|N|)^(1/q) (m_u/P0)^(q-1), (m_u/P0) = exp(delta_u - K/q)
            g_pos = torch.exp((q - 1) * (delta - sel(Kq)) + sel(lz)) / sel(kpos)
            w = (1 + em1) / sel(kpos * (1 + Em))                          # q = ±inf: tie weights
            g_pos = torch.where(qinf, w, g_pos)
            # zeros in a segment with a positive result (q > 0): 0 (q > 1), 1/|N| (q = 1), +inf (q < 1)
            g_zero_live = torch.where(q > 1, zx, torch.where(q == 1, 1 / sel(cnt), torch.full_like(x, math.inf)))
            # zeros in a zero-result segment: (1/k)(k/|N|)^(1/q) split over the k zeros
            k0 = sel(cnt - kpos)
            r = torch.log(k0 / sel(cnt))
            g_zero_dead = torch.where(r == 0, 1 / k0, torch.exp(r / q) / k0)      # r = 0: all zeros, 1/|N|
            g_zero_dead = torch.where((q == 0) & (r < 0), torch.full_like(x, math.inf), g_zero_dead)
            dead = sel(zero_res)
            g = torch.where(pos, torch.where(dead, zx, g_pos), torch.where(dead, g_zero_dead, g_zero_live))
            gx = torch.where(G.index_select(0, index) == 0, zx, sel(Gs) * g)
        if ctx.needs_input_grad[1]:
            # d log P / dq over the positives: centred form for |q| spread <= 1, shifted form beyond
            dbar = _seg_sum(delta, index, n) / kpos
            cen = torch.where(pos, delta - dbar.index_select(0, index), zx)
            spread = _seg_amax(torch.where(pos, delta.abs(), zx), index, n)
            b = q * cen
            M1 = _seg_sum(torch.where(pos, _expm1_minus_x(b), zx), index, n) / kpos
            A = _seg_sum(torch.where(pos, torch.expm1(b) * cen, zx), index, n) / kpos / (1 + M1)
            B = torch.log1p(M1) / q
            d_centred = (A - B) / q
            e = torch.where(pos, 1 + em1, zx)                             # exp(q delta), shifted weights
            Ewd = _seg_sum(e * delta, index, n) / _seg_sum(e, index, n)
            d_shifted = (Ewd - Kq) / q
            dlog = torch.where(q.abs() * spread <= 1, d_centred, d_shifted)
            var2 = _seg_sum(cen * cen, index, n) / kpos / 2
            dlog = torch.where(q.abs() < _q_tiny(x.dtype), var2, dlog)
            dlog = dlog - torch.where(Z == 0, torch.zeros_like(Z), Z / q / q)   # zeros, q > 0
            gqs = torch.where(zero_res | (P0 == 0) | qinf, torch.zeros_like(P0), P0 * dlog)
            gq = (Gs * gqs).sum(0).sum_to_size(q.shape)
        return gx, gq, None, None, None


class _PowerMeanPositiveQ(torch.autograd.Function):
    """The power mean for finite ``q > q_tiny`` (every channel) and no all-zero segment: the common case.

    Same mathematics as :class:`_PowerMeanAggregate` with fewer passes and no masks (zeros need none when
    ``q > 0``), scaled by the segment maximum ``c``: for ``q >= 1`` in the scaled form
    ``P = c (mean (m/c)^q)^(1/q)`` (relative error ``eps/q``; a ratio that underflows weighs below
    ``2^-1074`` against the maximum's 1), for ``0 < q < 1`` in the log domain
    ``P = c exp(log1p(mean expm1(q log(m/c))) / q)`` (no cancellation as ``q -> 0``, no underflow of
    ``m/c``).  Only ``x`` and per-segment values are saved; the backward recomputes the ratios.
    """

    @staticmethod
    def forward(ctx, x, q, index, n, eta, c, cnt):
        powform = bool((q >= 1).all())
        buf = _gather(c, index)
        if powform:
            torch.div(x, buf, out=buf).pow_(q)                     # (m_u / c)^q in [0, 1]
            Kq = torch.log(_seg_sum(buf, index, n) / cnt.clamp(min=1)) / q
        else:
            delta = torch.log(x)
            delta.sub_(torch.log_(buf))                             # log(m_u / c) <= 0, -inf at zeros
            torch.mul(delta, q, out=buf).expm1_()
            Kq = torch.log1p(_seg_sum(buf, index, n) / cnt.clamp(min=1)) / q
            del delta
        del buf
        P0 = torch.where(cnt > 0, c * torch.exp(Kq), torch.zeros_like(c))   # Kq = log(P0 / c)
        scale = _eta_scale(cnt[:, 0], eta)
        ctx.save_for_backward(x, q, index, c, Kq, P0, cnt, scale if scale is not None else torch.empty(0))
        ctx.n, ctx.has_scale, ctx.powform = n, scale is not None, powform
        return P0 * scale if scale is not None else P0

    @staticmethod
    def backward(ctx, G):
        x, q, index, c, Kq, P0, cnt, scale = ctx.saved_tensors
        n = ctx.n
        Gs = G * scale if ctx.has_scale else G
        Gs = torch.where(cnt > 0, Gs, torch.zeros_like(Gs))
        k = cnt.clamp(min=1)
        gx = gq = None
        buf = None
        if ctx.needs_input_grad[1]:
            delta = _gather(c, index)
            torch.div(x, delta, out=delta).log_()                  # log(m_u / c) <= 0, -inf at zeros
            e = torch.mul(delta, q).exp_()                          # (m_u / c)^q, 0 at zeros
            se = _seg_sum(e, index, n)
            e.mul_(delta).nan_to_num_(nan=0.0, posinf=math.inf, neginf=-math.inf)   # 0 * -inf at zeros
            Ewd = _seg_sum(e, index, n) / se                        # sum_u w_u log(m_u / c)
            dlog = (Ewd - Kq) / q                                   # (sum w log m - log P0) / q
            spread = -_seg_amin(delta, index, n)                   # inf with a zero neighbour
            near0 = (q.abs() * spread <= 1) & (spread > 0) & (cnt > 0)
            if bool(near0.any()):                                   # centred: no cancellation near q = 0
                rows = near0.any(1).index_select(0, index)          # the edges of those segments only
                sub = _centred_dlog(delta[rows], q, index[rows], n, cnt)
                dlog = torch.where(near0, sub, dlog)
            gqs = torch.where(cnt > 0, Gs * P0 * dlog, torch.zeros_like(P0))   # empty segments: 0 / 0
            gq = gqs.sum(0).sum_to_size(q.shape)
            del delta
            buf = e
        if ctx.needs_input_grad[0]:
            # dP0/dm_u = (1/|N|) (m_u / P0)^(q-1);  m_u / P0 <= |N|^(1/q): no overflow
            r = _gather(P0, index, out=buf)
            torch.div(x, r, out=r)
            if bool((q == 1).all()):
                r.fill_(1.0)
            else:
                r.pow_(q - 1)                                       # 0^0 = 1 at q = 1, 0 at q > 1, inf at q < 1
            gx = r.mul_(_gather(Gs / k, index))
            if bool((q < 1).any()):                                 # G = 0 times the vertical tangent at 0
                gx.nan_to_num_(nan=0.0, posinf=math.inf, neginf=-math.inf)
        return gx, gq, None, None, None, None, None


def _centred_dlog(delta: Tensor, q: Tensor, index: Tensor, n: int, cnt: Tensor) -> Tensor:
    """d/dq (K(q)/q) from the log values centred on their mean: (A - B)/q, A = E_w[cen], B = log mean e^(q cen)/q.

    ``A ~ q Var`` and ``B ~ q Var / 2`` are each formed without cancellation (``expm1(b) cen >= 0``, and
    ``expm1(b) - b`` by its series for small ``|b|``), so ``(A - B)/q -> Var/2`` keeps its digits as
    ``q -> 0``.  Segments with a zero neighbour are not used here (``spread`` is infinite there).
    """
    k = cnt.clamp(min=1)
    dbar = _seg_sum(torch.where(torch.isfinite(delta), delta, torch.zeros_like(delta)), index, n) / k
    cen = delta - _gather(dbar, index)
    cen = torch.where(torch.isfinite(cen), cen, torch.zeros_like(cen))
    b = cen * q
    M1 = _seg_sum(_expm1_minus_x(b), index, n) / k
    A = _seg_sum(b.expm1_().mul_(cen), index, n) / k / (1 + M1)
    B = torch.log1p(M1) / q
    return (A - B) / q


def power_mean_aggregate(x: Tensor, index: Optional[Tensor] = None, q=1.0, *, ptr: Optional[Tensor] = None,
                         dim_size: Optional[int] = None, dim: int = -2, eta: float = 0.0) -> Tensor:
    """Power-mean aggregation ``|N|^eta ((1/|N|) sum_u m_u^q)^(1/q)`` per segment (functional form).

    ``x``: finite, non-negative floating tensor (a negative entry is a ``ValueError``: ``m^q`` is undefined
    for real ``q``); ``q``: float or tensor (one value or one per channel; differentiable), real or ``±inf``,
    not NaN.  ``q = 0`` is the geometric mean; for ``q <= 0`` a zero neighbour gives 0.  Empty segments give 0.
    """
    x2, idx, n, rest, dim = _prepare(x, index, ptr, dim_size, dim, "power mean aggregation")
    dt = x2.dtype
    work = x2 if dt in (torch.float32, torch.float64) else x2.float()
    qq = _param(q, work, rest, "p (q)")
    if bool(((qq > _q_tiny(work.dtype)) & torch.isfinite(qq)).all()):
        cnt = torch.bincount(idx, minlength=n).to(work.dtype)[:, None].expand(n, work.shape[1])
        c = _seg_amax(work.detach(), idx, n)
        if not bool(((c == 0) & (cnt > 0)).any()):                 # no all-zero segment: the fast path
            out = _PowerMeanPositiveQ.apply(work, qq, idx, n, float(eta), c, cnt)
            return _finish(out.to(dt), n, rest, dim)
    out = _PowerMeanAggregate.apply(work, qq, idx, n, float(eta))
    return _finish(out.to(dt), n, rest, dim)


# -------------------------------------------------------------------------------------------- modules
class _Stable(_Base):
    def _init_param(self, name: str, value: float, learn: bool, channels: int):
        if not learn and channels != 1:
            raise ValueError(f"Cannot set 'channels' greater than '1' in case '{type(self).__name__}' "
                             f"is not trainable")
        if int(channels) < 1:
            raise ValueError(f"channels must be >= 1, got {channels}")
        value = float(value)
        if math.isnan(value):
            raise ValueError(f"{name} must not be NaN")
        self._init_value, self.learn, self.channels, self._pname = value, bool(learn), int(channels), name
        setattr(self, name, torch.nn.Parameter(torch.empty(channels)) if learn else value)
        self.reset_parameters()

    def reset_parameters(self):
        p = getattr(self, self._pname)
        if isinstance(p, Tensor):
            with torch.no_grad():
                p.fill_(self._init_value)

    def _check_channels(self, x: Tensor, dim: int):
        if self.channels != 1 and (x.dim() != 2 or dim not in (-2, 0)):
            raise ValueError(f"channels={self.channels} requires a 2-D x aggregated over dim -2 "
                             f"(got x.dim()={x.dim()}, dim={dim})")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(learn={self.learn})"


class SoftmaxAggregation(_Stable):
    r"""Softmax aggregation ``|N|^eta sum_u softmax(t m)_u m_u``, stable forward and backward.

    Same arguments as ``torch_geometric.nn.aggr.SoftmaxAggregation``: ``t`` (initial inverse temperature,
    default 1.0; ``±inf`` allowed), ``learn`` (make ``t`` a parameter), ``semi_grad`` (no gradient through
    the weights; only with ``learn=False``), ``channels`` (one ``t`` per channel, needs ``learn=True``);
    plus ``eta`` (degree scaling ``|N|^eta``, default 0).  Call: ``aggr(x, index=None, ptr=None,
    dim_size=None, dim=-2)``.
    """

    def __init__(self, t: float = 1.0, learn: bool = False, semi_grad: bool = False, channels: int = 1,
                 *, eta: float = 0.0):
        super().__init__()
        if learn and semi_grad:
            raise ValueError(f"Cannot enable 'semi_grad' in '{type(self).__name__}' in case the temperature "
                             f"term 't' is learnable")
        self.semi_grad = bool(semi_grad)
        self.eta = float(eta)
        self._init_param("t", t, learn, channels)

    def forward(self, x: Tensor, index: Optional[Tensor] = None, ptr: Optional[Tensor] = None,
                dim_size: Optional[int] = None, dim: int = -2) -> Tensor:
        self._check_channels(x, dim)
        return softmax_aggregate(x, index, self.t, ptr=ptr, dim_size=dim_size, dim=dim, eta=self.eta,
                                 semi_grad=self.semi_grad and not self.learn)


class PowerMeanAggregation(_Stable):
    r"""Power-mean aggregation ``|N|^eta ((1/|N|) sum_u m_u^p)^(1/p)`` for ``m >= 0``, no clamping.

    Same arguments as ``torch_geometric.nn.aggr.PowerMeanAggregation``: ``p`` (initial power, default 1.0;
    0 the geometric mean, ``±inf`` max / min), ``learn``, ``channels``; plus ``eta`` (default 0).  PyG's
    ``clamp_min`` / ``clamp_max`` are accepted only as ``None``: this module does not clamp (a negative input
    is a ``ValueError``).  A learnable ``p`` may cross 0 (finite, correct gradient there).
    """

    def __init__(self, p: float = 1.0, learn: bool = False, channels: int = 1,
                 clamp_min: Optional[float] = None, clamp_max: Optional[float] = None, *, eta: float = 0.0):
        super().__init__()
        if clamp_min is not None or clamp_max is not None:
            raise ValueError(f"clamp_min={clamp_min!r}, clamp_max={clamp_max!r}: verify.torch."
                             f"PowerMeanAggregation does not clamp (it is stable without); pass None or omit them")
        self.eta = float(eta)
        self._init_param("p", p, learn, channels)

    def forward(self, x: Tensor, index: Optional[Tensor] = None, ptr: Optional[Tensor] = None,
                dim_size: Optional[int] = None, dim: int = -2) -> Tensor:
        self._check_channels(x, dim)
        return power_mean_aggregate(x, index, self.p, ptr=ptr, dim_size=dim_size, dim=dim, eta=self.eta)
