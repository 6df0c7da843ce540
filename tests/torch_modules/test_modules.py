"""verify.torch: the stable, differentiable softmax and power-mean aggregations.

gradcheck in float64 at ordinary points; closed forms at the hard points (ties, saturated and infinite t,
q through 0, q = ±inf, zeros with q < 0, empty segments); the same constructor and call as PyTorch
Geometric's modules; errors that say why.
"""

from __future__ import annotations

import inspect
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from _torch_segments import segment_data as _data  # noqa: E402

from verify.torch import (PowerMeanAggregation, SoftmaxAggregation,  # noqa: E402
                          power_mean_aggregate, softmax_aggregate)

F64 = torch.float64


def _param(v, dtype=F64):
    return torch.tensor(v, dtype=dtype, requires_grad=True)


# ------------------------------------------------------------------------------------ gradcheck, ordinary
@pytest.mark.parametrize("t", [1.0, -2.0, 0.0, 30.0, 0.37])
@pytest.mark.parametrize("eta", [0.0, 0.5, -1.0])
def test_softmax_gradcheck(t, eta):
    x, index, n = _data(1)
    f = lambda x, t: softmax_aggregate(x, index, t, dim_size=n + 1, eta=eta)  # noqa: E731 - one empty segment
    assert torch.autograd.gradcheck(f, (x.clone().requires_grad_(), _param(t)))


@pytest.mark.parametrize("q", [1.0, 2.0, 0.5, -1.0, 3.3, 1e-3, -1e-3, 0.0, -2.5, 40.0])
@pytest.mark.parametrize("eta", [0.0, 0.5])
def test_power_mean_gradcheck(q, eta):
    x, index, n = _data(2, positive=True)
    f = lambda x, q: power_mean_aggregate(x, index, q, dim_size=n + 1, eta=eta)  # noqa: E731
    assert torch.autograd.gradcheck(f, (x.clone().requires_grad_(), _param(q)))


def test_gradcheck_per_channel_parameters_and_modules():
    x, index, n = _data(3, positive=True)
    for mod in (SoftmaxAggregation(t=0.7, learn=True, channels=3), PowerMeanAggregation(p=1.7, learn=True,
                                                                                        channels=3)):
        name = "t" if isinstance(mod, SoftmaxAggregation) else "p"
        p0 = getattr(mod, name).detach().to(F64).clone()
        p0 += torch.tensor([0.0, 0.3, -0.4], dtype=F64)
        f = lambda x, p: torch.func.functional_call(mod, {name: p}, (x, index), {"dim_size": n})  # noqa: E731
        assert torch.autograd.gradcheck(f, (x.clone().requires_grad_(), p0.requires_grad_()))


# ------------------------------------------------------------------------------- closed forms, hard points
def _grads(fn, x, index, p, n, **kw):
    x = x.clone().requires_grad_()
    p = _param(p, x.dtype)
    out = fn(x, index, p, dim_size=n, **kw)
    G = torch.ones_like(out)
    gx, gp = torch.autograd.grad((G * out).sum(), [x, p])
    return out.detach(), gx, gp


def test_softmax_infinite_t_ties_split_the_gradient():
    x = torch.tensor([[1.0], [1.0], [0.5], [-3.0]], dtype=F64)
    index = torch.zeros(4, dtype=torch.long)
    for t, expect in ((math.inf, [0.5, 0.5, 0, 0]), (-math.inf, [0, 0, 0, 1.0])):
        out, gx, gt = _grads(softmax_aggregate, x, index, t, 1)
        assert out.item() == (1.0 if t > 0 else -3.0)
        assert gx[:, 0].tolist() == expect and gt.item() == 0.0


@pytest.mark.parametrize("dtype", [torch.float32, F64])
@pytest.mark.parametrize("t", [1e3, 1e8, 1e30])
def test_softmax_saturated_t_with_ties(t, dtype):
    # two tied maxima and one 2^-10 below: at t >= 1e3 the third weight is exp(-t 2^-10) (0 from 1e8 on)
    x = torch.tensor([[2.0], [2.0], [2.0 - 2.0**-10], [-1.0]], dtype=dtype)
    out, gx, gt = _grads(softmax_aggregate, x, torch.zeros(4, dtype=torch.long), t, 1)
    assert torch.isfinite(gx).all() and math.isfinite(gt.item())
    w3 = math.exp(-t * 2.0**-10)
    w = np.array([1, 1, w3, 0]) / (2 + w3)
    S = float(np.dot(w, x[:, 0].double().numpy()))
    expect = w * (1 + t * (x[:, 0].double().numpy() - S))
    assert np.allclose(gx[:, 0].double().numpy(), expect, rtol=1e-5, atol=0)
    assert out.item() == pytest.approx(S, rel=1e-6)
    var = float(np.dot(w, (x[:, 0].double().numpy() - S) ** 2))
    assert gt.item() == pytest.approx(var, rel=1e-4, abs=1e-300)


def test_softmax_no_overflow_at_large_inputs_and_huge_t():
    x = torch.tensor([[700.0], [710.0], [-700.0]], dtype=F64)
    out, gx, gt = _grads(softmax_aggregate, x, torch.zeros(3, dtype=torch.long), 1.0, 1)
    assert torch.isfinite(gx).all() and math.isfinite(gt.item()) and abs(out.item() - 710) < 1e-3
    out, gx, gt = _grads(softmax_aggregate, x * 1e-300, torch.zeros(3, dtype=torch.long), 1e300, 1)
    assert torch.isfinite(gx).all() and math.isfinite(gt.item())


def test_softmax_spread_beyond_the_float_range():
    # m - max overflows to -inf for the smallest entry: its weight is 0 and nothing turns into NaN
    x = torch.tensor([[1e308], [-1e308], [1e308]], dtype=F64)
    for t in (1.0, 0.5, -1.0):
        out, gx, gt = _grads(softmax_aggregate, x, torch.zeros(3, dtype=torch.long), t, 1)
        assert out.item() == (1e308 if t > 0 else -1e308)
        assert torch.isfinite(gx).all() and math.isfinite(gt.item())


@pytest.mark.parametrize("fn, seed, positive, params, rtol", [
    (softmax_aggregate, 12, False, [2.0, -3.0, 0.0], 1e-15),            # t of both signs and 0
    (power_mean_aggregate, 13, True, [2.0, -1.0, 1e-7], 1e-14),         # q of both signs and near 0
], ids=["softmax_t", "power_mean_q"])
def test_per_channel_parameter_equals_one_channel_at_a_time(fn, seed, positive, params, rtol):
    x, index, n = _data(seed, positive=positive)
    p = torch.tensor(params, dtype=F64, requires_grad=True)
    out = fn(x, index, p, dim_size=n)
    for ch in range(3):
        one = fn(x[:, ch:ch + 1], index, float(p[ch].detach()), dim_size=n)
        assert torch.allclose(out[:, ch:ch + 1], one, rtol=rtol, atol=0)
    f = lambda x, p: fn(x, index, p, dim_size=n)  # noqa: E731
    assert torch.autograd.gradcheck(f, (x.clone().requires_grad_(), p))


def _pm_value(m, q):
    m = np.asarray(m, dtype=np.float64)
    if q == 0:
        return float(np.exp(np.mean(np.log(m))))
    return float(np.mean(m**q) ** (1 / q))


@pytest.mark.parametrize("q", [0.0, 1e-12, -1e-12, 1e-6, -1e-6, 1e-3, -1e-3, 1e-150, 1e-300])
def test_power_mean_q_near_zero_closed_form(q):
    m = [0.5, 1.5, 3.0, 0.2, 7.0]
    x = torch.tensor(m, dtype=F64)[:, None]
    out, gx, gq = _grads(power_mean_aggregate, x, torch.zeros(5, dtype=torch.long), q, 1)
    lg = np.log(m)
    P = math.exp(lg.mean() + q * lg.var() / 2)                  # two-term cumulant expansion, exact enough
    kappa3 = np.mean((lg - lg.mean()) ** 3)
    dPdq = P * (lg.var() / 2 + q * kappa3 / 3)                   # P d/dq (K(q)/q), K the cumulant function
    assert out.item() == pytest.approx(P, rel=1e-13 if abs(q) < 1e-5 else 1e-6)
    assert gq.item() == pytest.approx(dPdq, rel=1e-10 if abs(q) < 1e-5 else 1e-3)
    assert np.allclose(gx[:, 0].numpy(), [(v / P) ** (q - 1) / 5 for v in m], rtol=1e-12 if abs(q) < 1e-5 else 1e-6)


def test_power_mean_learnable_q_crosses_zero_without_nan():
    x, index, n = _data(4, positive=True)
    mod = PowerMeanAggregation(p=0.02, learn=True)
    opt = torch.optim.SGD(mod.parameters(), lr=1.0)
    seen = []
    for _ in range(8):
        opt.zero_grad()
        out = mod(x.float(), index, dim_size=n)
        loss = out.sum()                   # dP/dq > 0: plain descent drives q down through 0
        loss.backward()
        assert torch.isfinite(mod.p.grad).all()
        seen.append(mod.p.item())
        opt.step()
    assert seen[0] > 0 > seen[-1]


@pytest.mark.parametrize("q", [-1.0, -2.5, -0.3, -math.inf])
def test_power_mean_zero_neighbour_negative_q(q):
    m = [0.0, 2.0, 3.0, 5.0]
    out, gx, gq = _grads(power_mean_aggregate, torch.tensor(m, dtype=F64)[:, None], torch.zeros(4, dtype=torch.long),
                         q, 1)
    assert out.item() == 0.0 and gq.item() == 0.0
    expect0 = 4 ** (-1 / q)                                      # P(h, 2, 3, 5) ~ 4^(-1/q) h as h -> 0+
    assert gx[0, 0].item() == pytest.approx(expect0, rel=1e-14) and gx[1:, 0].tolist() == [0, 0, 0]
    if math.isfinite(q):                                          # the one-sided difference quotient agrees
        h = 10.0 ** -min(250, 100 / abs(q))                        # the correction is O(h^|q|)
        assert _pm_value([h] + m[1:], q) / h == pytest.approx(expect0, rel=1e-6)


def test_power_mean_zero_neighbours_positive_q():
    m = torch.tensor([[0.0], [2.0], [3.0]], dtype=F64)
    index = torch.zeros(3, dtype=torch.long)
    out, gx, _ = _grads(power_mean_aggregate, m, index, 2.0, 1)
    assert out.item() == pytest.approx(math.sqrt(13 / 3)) and gx[0, 0].item() == 0.0
    out, gx, _ = _grads(power_mean_aggregate, m, index, 1.0, 1)
    assert gx[:, 0].tolist() == pytest.approx([1 / 3] * 3)
    out, gx, gq = _grads(power_mean_aggregate, m, index, 0.5, 1)   # vertical tangent of m^q at 0
    assert gx[0, 0].item() == math.inf and torch.isfinite(gx[1:]).all() and math.isfinite(gq.item())


def test_power_mean_infinite_q_ties_and_large_q():
    x = torch.tensor([[3.0], [3.0], [1.0]], dtype=F64)
    index = torch.zeros(3, dtype=torch.long)
    out, gx, gq = _grads(power_mean_aggregate, x, index, math.inf, 1)
    assert out.item() == 3.0 and gx[:, 0].tolist() == [0.5, 0.5, 0.0] and gq.item() == 0.0
    big = torch.tensor([[1e300], [3e299], [1e-300]], dtype=F64)
    out, gx, gq = _grads(power_mean_aggregate, big, index, 500.0, 1)
    assert out.item() == pytest.approx(1e300 * (1 / 3) ** (1 / 500), rel=1e-13)
    assert torch.isfinite(gx).all() and math.isfinite(gq.item())


def test_power_mean_huge_spread_small_q():
    # issue 10's fuzz finding for the numpy kernel: a segment spanning more than 2^1074 at |q| ~ 1e-3
    x = torch.tensor([[1e-300], [1e300]], dtype=F64)
    out = power_mean_aggregate(x, torch.zeros(2, dtype=torch.long), 0.001)
    assert out.item() == pytest.approx(1.962e96, rel=1e-3)


@pytest.mark.parametrize("fn,p", [(softmax_aggregate, 2.0), (power_mean_aggregate, 2.0),
                                  (power_mean_aggregate, -1.0)])
def test_empty_segments_give_zero_and_zero_gradient(fn, p):
    x, index, n = _data(5, positive=True)
    out, gx, gp = _grads(fn, x, index, p, n + 2)
    assert out[n:].abs().sum() == 0 and torch.isfinite(gx).all() and math.isfinite(gp.item())


@pytest.mark.parametrize("dtype", [torch.float32, F64])
def test_float32_matches_float64(dtype):
    x, index, n = _data(6, positive=True, dtype=dtype)
    for fn, p in ((softmax_aggregate, 3.0), (power_mean_aggregate, 1e-6), (power_mean_aggregate, 2.5)):
        o, gx, gp = _grads(fn, x, index, p, n)
        o64, gx64, gp64 = _grads(fn, x.double(), index, p, n)
        assert o.dtype == dtype and gx.dtype == dtype
        tol = 1e-5 if dtype == torch.float32 else 1e-13
        assert torch.allclose(o.double(), o64, rtol=tol) and torch.allclose(gx.double(), gx64, rtol=tol, atol=tol)
        assert gp.item() == pytest.approx(gp64.item(), rel=tol * 10)


# ------------------------------------------------------------------------------------- bad input: errors
def test_negative_input_to_power_mean_says_why():
    x = torch.tensor([[1.0], [-0.5]])
    with pytest.raises(ValueError, match=r"non-negative.*-0\.5.*undefined"):
        PowerMeanAggregation(p=2.0)(x, torch.zeros(2, dtype=torch.long))


@pytest.mark.parametrize("bad,match", [
    (lambda x, i: softmax_aggregate(x * float("nan"), i), r"x must be finite"),
    (lambda x, i: softmax_aggregate(x, i, float("nan")), r"t must not be NaN"),
    (lambda x, i: softmax_aggregate(x, i + 10, dim_size=3), r"index values must lie in \[0, dim_size=3\)"),
    (lambda x, i: softmax_aggregate(x, i[:-1]), r"index must have shape"),
    (lambda x, i: softmax_aggregate(x, i.float()), r"index must be an integer tensor"),
    (lambda x, i: softmax_aggregate(x, ptr=torch.tensor([0, 2, 1])), r"ptr must be non-decreasing"),
    (lambda x, i: softmax_aggregate(x, i, dim=5), r"dim=5 is out of range"),
    (lambda x, i: softmax_aggregate(x.long(), i), r"floating-point"),
])
def test_bad_input_errors_name_the_argument(bad, match):
    x, index, _ = _data(7)
    with pytest.raises(ValueError, match=match):
        bad(x, index)


def test_constructor_errors():
    with pytest.raises(ValueError, match="semi_grad"):
        SoftmaxAggregation(learn=True, semi_grad=True)
    with pytest.raises(ValueError, match="channels"):
        SoftmaxAggregation(channels=3)
    with pytest.raises(ValueError, match="does not clamp"):
        PowerMeanAggregation(p=2.0, clamp_min=1e-4)


# ------------------------------------------------------------------------------ the call and its layouts
def test_ptr_index_none_and_other_dims():
    x, index, n = _data(8)
    order = torch.argsort(index, stable=True)
    xs, idx_sorted = x[order], index[order]
    ptr = torch.cat([torch.zeros(1, dtype=torch.long), torch.bincount(idx_sorted, minlength=n).cumsum(0)])
    for mod in (SoftmaxAggregation(t=2.0), PowerMeanAggregation(p=2.0)):
        xx = xs.abs()
        a = mod(xx, idx_sorted, dim_size=n)
        assert torch.allclose(a, mod(xx, ptr=ptr), rtol=0, atol=0)
        assert torch.allclose(mod(xx)[0], mod(xx, torch.zeros_like(idx_sorted))[0])
        batched = torch.stack([xx, 2 * xx])                      # (2, E, C), aggregate along dim 1 (= -2)
        out = mod(batched, idx_sorted, dim_size=n)
        assert out.shape == (2, n, xx.shape[1]) and torch.allclose(out[1], mod(2 * xx, idx_sorted, dim_size=n))
        out0 = mod(xx.T.contiguous(), idx_sorted, dim_size=n, dim=1)   # aggregate along the last dim
        assert torch.allclose(out0, a.T)


def test_semi_grad_stops_the_gradient_through_the_weights():
    x, index, n = _data(9)
    x = x.requires_grad_()
    out = SoftmaxAggregation(t=2.0, semi_grad=True)(x, index, dim_size=n)
    (gx,) = torch.autograd.grad(out.sum(), [x])
    assert torch.equal(out, softmax_aggregate(x.detach(), index, 2.0, dim_size=n))   # the same forward
    e = torch.exp(2.0 * x.detach())
    Z = torch.zeros(n, 3, dtype=F64).index_add_(0, index, e)
    assert torch.allclose(gx, e / Z[index])


def test_no_device_or_numpy_round_trip_in_the_module():
    src = Path(inspect.getsourcefile(SoftmaxAggregation)).read_text()
    assert ".cpu()" not in src and "numpy" not in src and ".item()" not in src


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device here")
def test_runs_on_cuda():  # pragma: no cover - CPU machine
    x, index, n = _data(10, positive=True)
    x, index = x.cuda().requires_grad_(), index.cuda()
    out = PowerMeanAggregation(p=1e-6, learn=True).cuda()(x, index, dim_size=n)
    out.sum().backward()
    assert x.grad.device.type == "cuda"


def test_works_without_torch_geometric(tmp_path):
    code = ("import sys; sys.modules['torch_geometric'] = None\n"
            "import torch\n"
            "from verify.torch import SoftmaxAggregation, PowerMeanAggregation\n"
            "assert SoftmaxAggregation.__mro__[1].__mro__[1] is torch.nn.Module\n"
            "x = torch.rand(6, 2, dtype=torch.float64, requires_grad=True); i = torch.tensor([0, 0, 1, 1, 1, 2])\n"
            "m = PowerMeanAggregation(p=0.0, learn=True)\n"
            "out = m(x, i); out.sum().backward()\n"
            "assert out.shape == (3, 2) and torch.isfinite(m.p.grad).all() and torch.isfinite(x.grad).all()\n"
            "print('ok')\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0 and res.stdout.strip() == "ok", res.stderr[-2000:]
