"""``verify check --torch --grad``: the closed forms, the cases, a correct target, mutants, and PyG's modules."""

from __future__ import annotations


import mpmath
import numpy as np
import pytest

from verify.check import grad
from verify.check.grad import GradCase, power_mean_grad_mp, softmax_grad_mp

torch = pytest.importorskip("torch")

KINDS = ("softmax", "power_mean")


def _run(kind: str, fn, case: GradCase, tol: float = 16.0):
    """One gradient case in-process (the engine forks; the comparison is the same)."""
    got = grad.grad_call(kind, fn, case, {})()
    return grad.grad_compare(kind, case, got, grad.grad_reference(kind, case, {}), tol, {})


# ------------------------------------------------------------------- closed forms against mpmath.diff
def _softmax_value(vals, t, eta=0):
    ext = max(vals) if t >= 0 else min(vals)
    e = [mpmath.exp(t * (v - ext)) for v in vals]
    return mpmath.mpf(len(vals)) ** eta * mpmath.fsum([eu * v for eu, v in zip(e, vals)]) / mpmath.fsum(e)


def _power_mean_value(vals, q, eta=0):
    n = len(vals)
    if q == 0:
        return mpmath.mpf(n) ** eta * mpmath.exp(mpmath.fsum([mpmath.log(v) for v in vals]) / n)
    return mpmath.mpf(n) ** eta * (mpmath.fsum([v ** q for v in vals]) / n) ** (1 / q)


def _partials(value, vals, p, eta, direction=0):
    """Numerical derivatives (mpmath.diff) of ``value`` in each m_u and in the parameter."""
    vals = [mpmath.mpf(v) for v in vals]
    p = mpmath.mpf(p)
    out = []
    for u in range(len(vals)):
        def f(h, u=u):
            vv = list(vals)
            vv[u] = h
            return value(vv, p, eta)
        out.append(mpmath.diff(f, vals[u], direction=direction if vals[u] == 0 else 0))
    with mpmath.workdps(150):          # value(q) near q = 0 cancels log10(1/h) digits: evaluate wide
        dp = mpmath.diff(lambda s: value(vals, s, eta), p, h=mpmath.mpf(10) ** -40)   # (default h is 1e-4 at 0)
    return out, +dp


@pytest.mark.parametrize("t", [1.0, -2.0, 0.0, 10.0, 1e3, 0.37])
@pytest.mark.parametrize("eta", [0.0, 0.5])
def test_softmax_closed_forms_match_mpmath_diff(t, eta):
    vals = [0.3, -1.2, 0.31, 2.0, 2.0 - 2.0**-20, 0.7]
    with mpmath.workdps(50):
        S, gx, gt, _, _ = softmax_grad_mp(vals, t, eta)
        num_x, num_t = _partials(_softmax_value, vals, t, eta)
        assert abs(S - _softmax_value([mpmath.mpf(v) for v in vals], mpmath.mpf(t), eta)) < mpmath.mpf(10) ** -45
        for a, b in zip(gx, num_x):
            assert abs(a - b) <= mpmath.mpf(10) ** -30 * (1 + abs(b))
        assert abs(gt - num_t) <= mpmath.mpf(10) ** -30 * (1 + abs(num_t))


@pytest.mark.parametrize("q", [1.0, 2.0, 0.5, -1.0, 3.3, 1e-3, -1e-3, 1e-6, -1e-6, 0.0, 40.0])
@pytest.mark.parametrize("eta", [0.0, 0.5])
def test_power_mean_closed_forms_match_mpmath_diff(q, eta):
    vals = [0.3, 1.2, 0.31, 2.0, 7.5, 0.05]
    with mpmath.workdps(60):
        P, gx, gq, _, _ = power_mean_grad_mp(vals, q, eta)
        num_x, num_q = _partials(_power_mean_value, vals, q, eta)
        assert abs(P - _power_mean_value([mpmath.mpf(v) for v in vals], mpmath.mpf(q), eta)) < mpmath.mpf(10) ** -40
        for a, b in zip(gx, num_x):
            assert abs(a - b) <= mpmath.mpf(10) ** -25 * (1 + abs(b))
        assert abs(gq - num_q) <= mpmath.mpf(10) ** -20 * (1 + abs(num_q))


@pytest.mark.parametrize("q", [-1.0, -2.5, -0.5])
def test_power_mean_zero_neighbour_closed_form_is_the_one_sided_derivative(q):
    vals = [0.0, 1.2, 0.31, 2.0]
    with mpmath.workdps(60):
        P, gx, gq, _, _ = power_mean_grad_mp(vals, q)
        assert P == 0 and gq == 0 and gx[1:] == [0, 0, 0]
        h = mpmath.mpf(10) ** -200                          # right difference quotient; error O(h^|q|)
        quotient = _power_mean_value([h] + [mpmath.mpf(v) for v in vals[1:]], mpmath.mpf(q)) / h
        assert abs(gx[0] - quotient) < mpmath.mpf(10) ** -30 * gx[0]
        assert abs(gx[0] - mpmath.mpf(4) ** (-1 / mpmath.mpf(q))) < mpmath.mpf(10) ** -50


def test_closed_form_mutant_is_caught_by_mpmath_diff():
    """The check of the closed forms can fail: Var_w with the wrong mean (S0 -> mean m) is rejected."""
    vals = [0.3, -1.2, 0.31, 2.0]
    with mpmath.workdps(50):
        m = [mpmath.mpf(v) for v in vals]
        S, gx, gt, _, _ = softmax_grad_mp(vals, 1.0)
        e = [mpmath.exp(v) for v in m]
        w = [eu / mpmath.fsum(e) for eu in e]
        mean = mpmath.fsum(m) / 4
        wrong = mpmath.fsum([wu * (v - mean) ** 2 for wu, v in zip(w, m)])
        _, num_t = _partials(_softmax_value, vals, 1.0, 0)
        assert abs(gt - num_t) < mpmath.mpf(10) ** -30 and abs(wrong - num_t) > 1e-3


# ------------------------------------------------------------------------------------------- the cases
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_cases_are_deterministic_named_and_reproducible(kind, dtype):
    a, b = grad.grad_cases(kind, dtype, {}), grad.grad_cases(kind, dtype, {})
    assert [c.name for c in a] == [c.name for c in b] and len({c.name for c in a}) == len(a)
    assert all(c.name.startswith(f"grad {kind}(") and c.why and c.dtype == np.dtype(dtype) for c in a)
    assert all(np.array_equal(c.x, d.x) and np.array_equal(c.G, d.G) for c, d in zip(a, b))
    names = " ".join(c.name for c in a)
    for needed in (["ties", "saturated", "t=inf", "empty"] if kind == "softmax"
                   else ["q=1e-06", "q=-1e-06", "q=0.001", "q=-0.001", "q=0)", "zeros", "q=inf", "x~1e3"]):
        assert needed in names
    ns = {"np": np, "f": grad.torch_builtin(kind, "verify")}
    exec(a[0].literal(), ns)                    # the reproduction snippet recreates the inputs and the call
    assert np.array_equal(ns["x"].detach().numpy(), a[0].x) and np.array_equal(ns["G"].numpy(), a[0].G)
    assert ns["gx"].shape == a[0].x.shape
    assert any(c.eta for c in grad.grad_cases(kind, dtype, {"eta": True}))


# -------------------------------------------------------------------- this package's modules pass all
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_verify_torch_modules_pass_every_grad_case(kind, dtype):
    fn = grad.torch_builtin(kind, "verify")
    results = [_run(kind, fn, c) for c in grad.grad_cases(kind, dtype, {"eta": True})]
    bad = [(r.case.name, r.status, r.message) for r in results if r.status != "ok"]
    assert not bad
    assert max(r.max_err for r in results) < 4                 # a few ULP of the documented scales


def test_engine_dispatches_grad_cases():
    from verify.check import run_check

    res = run_check("power_mean", "verify", dtypes=("float32",), torch_inputs=True, grad=True,
                    case_filter="grad power_mean(q=-1e-06)")
    assert [r.status for r in res] == ["ok"]


# -------------------------------------------------------------------------------------------- mutants
def _softmax_detached_denominator(x, index, n, t):
    """Forward right, gradient wrong: the normaliser sum exp(t m) is detached from the graph."""
    C = x.shape[1]
    mx = torch.zeros(n, C, dtype=x.dtype).scatter_reduce(0, index[:, None].expand(-1, C), x.detach() * t.detach(),
                                                         "amax", include_self=False)
    e = torch.exp(x * t - mx[index])
    Z = torch.zeros(n, C, dtype=x.dtype).index_add(0, index, e).detach()
    return torch.zeros(n, C, dtype=x.dtype).index_add(0, index, e * x) / torch.where(Z > 0, Z, 1)


def _power_mean_detached_exponent(x, index, n, q):
    """Forward right at ordinary q, gradient in q wrong: the outer 1/q is detached."""
    C = x.shape[1]
    cnt = torch.bincount(index, minlength=n).to(x.dtype)[:, None].clamp(min=1)
    s = torch.zeros(n, C, dtype=x.dtype).index_add(0, index, x ** q) / cnt
    return torch.exp(torch.log(s) * (1 / q).detach())


def _softmax_float_parameter(x, index, n, t):
    """The parameter is read as a Python float: no gradient reaches it."""
    from verify.torch import softmax_aggregate

    return softmax_aggregate(x, index, float(t.detach()), dim_size=n)


def test_detached_denominator_fails_with_status_grad():
    case = next(c for c in grad.grad_cases("softmax", "float64", {}) if c.name == "grad softmax(t=1)")
    r = _run("softmax", _softmax_detached_denominator, case)
    assert r.status == "grad"
    assert "forward right" in r.message and "gradient with respect to x wrong at edge row" in r.message
    assert "gradient with respect to t" in r.message
    assert "denominator" in r.diagnosis and "detached" in r.diagnosis


def test_detached_exponent_fails_with_status_grad_naming_q():
    case = next(c for c in grad.grad_cases("power_mean", "float64", {}) if c.name == "grad power_mean(q=2)")
    r = _run("power_mean", _power_mean_detached_exponent, case)
    assert r.status == "grad" and "gradient with respect to q" in r.message
    assert "gradient with respect to x" not in r.message


def test_float_parameter_fails_with_status_grad_no_gradient():
    case = grad.grad_cases("softmax", "float32", {})[0]
    r = _run("softmax", _softmax_float_parameter, case)
    assert r.status == "grad" and "no gradient with respect to t" in r.message


def test_wrong_forward_is_reported_before_the_gradient():
    case = grad.grad_cases("softmax", "float64", {})[0]
    r = _run("softmax", lambda x, i, n, t: _softmax_detached_denominator(x, i, n, t) * (1 + 1e-9), case)
    assert r.status == "wrong" and "forward output" in r.message and "gradients:" in r.message
