"""Tests of the statement-bound float limit evidence of the numpy kernels, and of the agg.kernel / agg.seed.2c
helpers (verify/aggregation/kernel_claims.py, verify/aggregation/claims/kernel.py, claims/seed_2c.py)."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from verify.aggregation.claims.inputs import POS, RANDOM, SMALL, SPREAD, TIES
from verify.aggregation.kernel_claims import power_mean_limit_float_evidence, softmax_limit_float_evidence
from verify.aggregation.quantities import M, P, S, card, eta, gmean, lam, m, mpos, q, vmax, vmin, vsum
from verify.core.claim import Prop
from verify.core.statement import All, Lim, Rel

MEAN = card(m) ** (eta - 1) * vsum(m)


def _run(ev, statement):
    return ev.run(Prop(statement))


@pytest.mark.parametrize("statement, expected", [
    (Lim(S(m, lam, eta), lam, sp.oo, card(m) ** eta * vmax(m)), "holds"),
    (Lim(S(m, lam, eta), lam, -sp.oo, card(m) ** eta * vmin(m)), "holds"),
    (All(Rel(S(m, 0, eta), MEAN), Lim(S(m, lam, eta), lam, 0, MEAN)), "holds"),
    (Lim(S(m, lam, eta), lam, sp.oo, card(m) ** eta * vmin(m)), "refuted"),
    (Lim(S(m, lam, eta), lam, 0, card(m) ** eta * vsum(m)), "refuted"),
    (Rel(S(m, 0, eta), card(m) ** eta * vsum(m)), "refuted"),
])
def test_softmax_float_limits_follow_the_statement(statement, expected):
    ev = softmax_limit_float_evidence([{m: RANDOM, eta: 1}, {m: TIES, eta: "0.5"}, {m: SPREAD, eta: 0}])
    out = _run(ev, statement)
    assert out.finding == expected, out.figure
    assert ev.kind == "numpy"


@pytest.mark.parametrize("statement, expected", [
    (Lim(M(mpos, q), q, sp.oo, vmax(mpos)), "holds"),
    (Lim(M(mpos, q), q, -sp.oo, vmin(mpos)), "holds"),
    (Lim(P(mpos, q, eta), q, 0, card(mpos) ** eta * gmean(mpos)), "holds"),
    (Rel(P(mpos, 1, eta), card(mpos) ** (eta - 1) * vsum(mpos)), "holds"),
    (Lim(M(mpos, q), q, 0, vsum(mpos) / card(mpos)), "refuted"),
    (Lim(P(mpos, q, eta), q, sp.oo, card(mpos) ** eta * vmin(mpos)), "refuted"),
    (Rel(P(mpos, 1, eta), card(mpos) ** eta * vsum(mpos)), "refuted"),
])
def test_power_mean_float_limits_follow_the_statement(statement, expected):
    ev = power_mean_limit_float_evidence([{mpos: POS, eta: 1}, {mpos: SMALL, eta: 0}])
    out = _run(ev, statement)
    assert out.finding == expected, out.figure


def test_float_limit_never_evaluates_at_the_point():
    ev = softmax_limit_float_evidence([{m: RANDOM, eta: 0}], xs=[1e-4, 0.0])
    out = _run(ev, Lim(S(m, lam, eta), lam, 0, MEAN.subs(eta, 0)))
    assert out.finding == "undecided" and "circular" in out.figure
    ev = softmax_limit_float_evidence([{m: RANDOM, eta: 0}], xs=[1e2, np.inf])
    assert _run(ev, Lim(S(m, lam, eta), lam, sp.oo, vmax(m))).finding == "undecided"
    with pytest.raises(ValueError):
        softmax_limit_float_evidence([{m: RANDOM, eta: 0}], xs=[1e2])


def test_float_limit_needs_a_kernel_quantity():
    ev = power_mean_limit_float_evidence([{mpos: POS}])
    assert _run(ev, Lim(vmax(mpos) * q / q, q, sp.oo, vmax(mpos))).finding == "undecided"
    assert _run(ev, Rel(vmax(mpos), vmax(mpos))).finding == "undecided"


def test_accuracy_statement_reads_its_bound():
    from verify.aggregation.claims.kernel import ULP, _bits_of, accuracy_statement

    st = accuracy_statement("softmax", sp.Rational(1, 4))
    assert [p.rhs for p in st.parts()] == [sp.Rational(1, 4)] * 2
    assert [_bits_of(p.lhs) for p in st.parts()] == [{32}, {64}]
    assert "float32" in st.latex() and "softmax" in st.text()
    assert isinstance(st.parts()[0].lhs, ULP["softmax"])


def test_2c_measures_match_the_numpy_criterion():
    import mpmath

    from verify.aggregation.observation import (aggregation_matrices, aggregation_matrices_mp, diagonal_pattern,
                                                pattern_measures_mp, seed_score_matrices)

    exact, fast = aggregation_matrices_mp(), aggregation_matrices()
    for name, A in exact.items():
        assert np.max(np.abs(A - fast[name])) < 1e-13
    for A in list(exact.values()) + list(seed_score_matrices().values()):
        ref = diagonal_pattern(A)
        with mpmath.workdps(30):
            r, dcy, osc = pattern_measures_mp(A)
        assert float(r) == pytest.approx(ref["diag_ratio"], rel=1e-12)
        assert float(dcy) == pytest.approx(ref["decay"], rel=1e-12)
        assert int(osc) == ref["oscillations"]


def test_2c_statement_names_its_matrices():
    from verify.aggregation.claims.seed_2c import EX1C, EX2, pattern

    assert "Y_S" in pattern(EX2).text() and "KtQ_cat" in pattern(EX1C).text()
    assert r"K^\top Q_{\mathrm{cat}}" in pattern(EX1C).latex()
