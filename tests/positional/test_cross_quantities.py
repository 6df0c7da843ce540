"""Tests of the quantities and evidence helpers of the pe.cross claims (verify/positional/claims/cross.py)."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from verify.core.claim import Prop
from verify.core.evaluate import evaluate
from verify.core.statement import Rel
from verify.positional.claims.cross import (A, C, E, LINES_45, ORTH_ROTATED, RANK_ONE, SKEW_SAME_PLANE, X, _rho2_mc,
                                            cos1, fro, n, p, rho2, spec, zero_condition_proof)


def _ev(expr, inst):
    with mpmath.workdps(50):
        return evaluate(expr, inst)


def test_principal_angle_cosine():
    with mpmath.workdps(50):
        assert abs(_ev(cos1(E, X), LINES_45) - 1 / mpmath.sqrt(2)) < mpmath.mpf(10) ** -40
    assert _ev(cos1(E, X), RANK_ONE) == pytest.approx(1, abs=1e-40)  # rank-deficient: range is one line
    assert _ev(cos1(E, X), ORTH_ROTATED) == pytest.approx(0, abs=1e-40)
    assert _ev(cos1(E, X), SKEW_SAME_PLANE) == pytest.approx(1, abs=1e-40)
    zero = {E: [[0], [0]], X: [[1], [1]]}
    assert _ev(cos1(E, X), zero) == 0


def test_norms():
    inst = {E: [[3, 0], [0, 4]], X: [[1, 0], [0, 1]]}
    assert _ev(fro(E), inst) == 5
    assert _ev(spec(E), inst) == pytest.approx(4, abs=1e-40)
    assert _ev(fro(C), LINES_45) == 2


def test_zero_condition_proof_uses_the_condition():
    ev = zero_condition_proof()
    st = Rel(C, sp.ZeroMatrix(n, n))
    assert ev.run(Prop(st, sp.Eq(fro(A), 0))).finding == "holds"
    assert ev.run(Prop(st, None)).finding == "undecided"
    assert ev.run(Prop(st, sp.Eq(fro(E), 0))).finding == "holds"  # E = 0 also kills C
    assert ev.run(Prop(Rel(C, 2 * A), sp.Eq(fro(X), 1))).finding == "undecided"


def test_rho2_closed_form_matches_monte_carlo():
    with mpmath.workdps(30):
        exact = float(evaluate(rho2(n, p), {n: 16, p: 64}))
    est, se = _rho2_mc(16, 64)
    assert abs(est - exact) < 5 * se
