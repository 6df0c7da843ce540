"""``verify check --torch --grad`` on PyTorch Geometric's modules: what they get wrong, computed."""

from __future__ import annotations

import numpy as np
import pytest

from verify.check import grad

torch = pytest.importorskip("torch")
pytest.importorskip("torch_geometric")


def _run(kind: str, fn, case, tol: float = 16.0):
    got = grad.grad_call(kind, fn, case, {})()
    return grad.grad_compare(kind, case, got, grad.grad_reference(kind, case, {}), tol, {})


# ------------------------------------------------------------------------ PyTorch Geometric, computed


def _pyg_results(kind, dtype="float64"):
    fn = grad.torch_builtin(kind, "pyg")
    return {r.case.name: r for r in (_run(kind, fn, c) for c in grad.grad_cases(kind, dtype, {}))}


def test_pyg_softmax_outcomes():
    res = _pyg_results("softmax")
    assert res["grad softmax(t=1)"].status == "ok" and res["grad softmax(t=0)"].status == "ok"
    r = res["grad softmax(t=inf, ties)"]             # x * inf: the limit is not handled
    assert r.status == "nan"
    sat = res["grad softmax(t=1e+08, saturated)"]    # forward right, dS/dt off (no centring of m - S)
    assert sat.status == "grad" and "gradient with respect to t" in sat.message
    assert "gradient with respect to x" not in sat.message


def _pyg_power_mean_formula(case):
    """PyG 2.8.1's PowerMeanAggregation forward, written out in float64: both clamps to [1e-4, 100]."""
    x = np.clip(case.x.astype(np.float64), 1e-4, 100.0) ** case.param
    s = np.zeros((case.num_segments, x.shape[1]))
    np.add.at(s, case.index, x)
    cnt = np.maximum(np.bincount(case.index, minlength=case.num_segments), 1)[:, None]
    with np.errstate(all="ignore"):
        return np.clip(s / cnt, 1e-4, 100.0) ** (1 / case.param)


def test_pyg_power_mean_outcomes():
    res = _pyg_results("power_mean")
    cases = {c.name: c for c in grad.grad_cases("power_mean", "float64", {})}
    assert res["grad power_mean(q=2)"].status == "ok"
    for name in ("grad power_mean(q=3, x up to 1e3)", "grad power_mean(q=150, x~1e3)",
                 "grad power_mean(q=-1, zeros)", "grad power_mean(q=2, empty segments)"):
        r = res[name]
        assert r.status == "wrong"
        # what PyG computes is exactly the clamped formula: x and mean x^q clamped to [1e-4, 100]
        assert np.allclose(r.output, _pyg_power_mean_formula(cases[name]), rtol=1e-12, atol=0)
    # above 100 the gradient is 0 (the clamp): recognised
    assert "clamped" in res["grad power_mean(q=3, x up to 1e3)"].diagnosis
    # q = 0 (a learnable q at 0): output 1 everywhere, gradient NaN
    r0 = res["grad power_mean(q=0)"]
    assert r0.status == "wrong" and np.all(r0.output == 1.0) and "non-finite" in r0.diagnosis
    # q near 0: the direct formula loses digits, forward already wrong
    for q in ("1e-06", "-1e-06"):
        assert res[f"grad power_mean(q={q})"].status == "wrong" and res[f"grad power_mean(q={q})"].max_err > 1e4
