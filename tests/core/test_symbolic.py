"""The symbolic step checker: true steps are verified, false ones refuted, hard ones left undecided."""

from __future__ import annotations

import sympy as sp

from verify.core.claim import Step
from verify.core.symbolic import check_steps, is_zero, numeric_probe

x, y = sp.symbols("x y", real=True)
a, b = sp.symbols("a b", positive=True)
n, p = sp.symbols("n p", integer=True, positive=True)


def test_chain_of_true_steps_holds():
    out = check_steps([
        Step((x + y) ** 2, x**2 + 2 * x * y + y**2, why="expand"),
        Step(None, x**2 + y**2 + 2 * x * y),
        Step(None, x**2 + y**2 + 2 * x * y - 1, ">"),
    ])
    assert out.finding == "holds", out.detail
    assert out.figure == "3/3 steps verified"


def test_false_step_is_refuted_with_the_failing_step_named():
    out = check_steps([Step((x + y) ** 2, x**2 + y**2, why="the freshman's dream")])
    assert out.finding == "refuted"
    assert "step 1/1" in out.figure
    assert "differ" in out.detail


def test_trig_identity_is_verified():
    w, i, j = sp.symbols("omega i j", real=True)
    lhs = sp.sin(i * w) * sp.sin(j * w) + sp.cos(i * w) * sp.cos(j * w)
    assert check_steps([Step(lhs, sp.cos((i - j) * w))]).finding == "holds"


def test_matrix_expansion():
    X, E = sp.MatrixSymbol("X", p, n), sp.MatrixSymbol("E", p, n)
    lhs = (X + E).T * (X + E)
    good = X.T * X + X.T * E + E.T * X + E.T * E
    assert check_steps([Step(lhs, good)]).finding == "holds"
    assert check_steps([Step(lhs, X.T * X + E.T * E)]).finding != "holds"


def test_inequality_from_assumptions_and_a_false_one():
    assert check_steps([Step(a + b, a, ">")]).finding == "holds"
    out = check_steps([Step(x, x**2, "<=")])  # false for x in (0, 1)
    assert out.finding == "refuted"


def test_custom_check_and_undecided():
    out = check_steps([Step(x, y, check=lambda l, r: (None, "cannot tell"))])
    assert out.finding == "undecided"
    # a custom check that accepts regardless cannot pass a false step: the engine cross-checks it
    out = check_steps([Step(x, y, check=lambda l, r: True)])
    assert out.finding == "refuted" and "custom check accepted" in out.detail
    assert check_steps([Step(x + x, 2 * x, check=lambda l, r: True)]).finding == "holds"
    assert check_steps([]).finding == "undecided"


def test_is_zero_and_probe():
    assert is_zero(sp.sin(x) ** 2 + sp.cos(x) ** 2 - 1) is True
    assert numeric_probe(x**2 + 1, "==") is not None
    assert numeric_probe(sp.exp(a) - 1, ">") is None
