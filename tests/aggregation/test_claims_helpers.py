"""Tests of the helpers behind the aggregation claims (theory, evidence builders, observation test)."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy as sp

from verify.aggregation import theory as th
from verify.aggregation.observation import (aggregation_matrices, diagonal_pattern, seed_get_E,
                                            seed_get_score, seed_score_matrices)

mpf = mpmath.mpf


# ---------------------------------------------------------------- symbols and tie patterns


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_tie_patterns_are_all_compositions(n):
    pats = th.tie_patterns(n)
    assert len(pats) == 2 ** (n - 1)
    assert len(set(pats)) == len(pats)
    assert all(sum(p) == n and min(p) >= 1 for p in pats)


def test_ordered_messages_respect_ties_and_order():
    ms = th.ordered_messages((2, 1, 2))
    assert ms[0] == ms[1] and ms[3] == ms[4]
    d = [sp.simplify(b - a) for a, b in zip(ms, ms[1:])]
    assert d[0] == 0 and d[3] == 0
    assert d[1].is_positive and d[2].is_positive


# ---------------------------------------------------------------- custom step checks


def test_prove_nonneg_proves_true_and_not_false_statements():
    x = sp.Symbol("x", nonnegative=True)
    assert th.prove_nonneg(sp.exp(x) - 1 - x, x)[0] is True
    assert th.prove_nonneg(1 - sp.exp(-x), x)[0] is True
    assert th.prove_nonneg(x - 1, x)[0] is None  # false at x = 0
    assert th.prove_nonneg(1 - sp.exp(x), x)[0] is None  # false for x > 0


def test_termwise_sum_inequality():
    lam = sp.Symbol("lambda", positive=True)
    K = sp.Symbol("K", integer=True, positive=True)
    u = sp.Symbol("u", integer=True, positive=True)
    d = sp.IndexedBase("d", positive=True)
    x = sp.Symbol("x", nonnegative=True)
    lhs = sp.Sum(sp.exp(-lam * d[u]), (u, 1, K))
    rhs = sp.Sum(sp.Integer(1), (u, 1, K))
    ok, _ = th.termwise("<=", {sp.Symbol("d_u", positive=True): x / lam}, x)(lhs, rhs)
    assert ok is True
    ok, _ = th.termwise("<=", {sp.Symbol("d_u", positive=True): x / lam}, x)(rhs, lhs)  # reversed: false
    assert ok is not True
    other = sp.Sum(sp.Integer(1), (u, 2, K))
    assert th.termwise("<=")(lhs, other)[0] is None  # different ranges


def test_abstract_sums_only_replaces_nonnegative_sums():
    u = sp.Symbol("u", integer=True, positive=True)
    N = sp.Symbol("N", integer=True, positive=True)
    m = sp.IndexedBase("m", real=True)
    pos = sp.Sum(sp.exp(m[u]), (u, 1, N))
    sign_unknown = sp.Sum(m[u], (u, 1, N))
    out = th.abstract_sums(pos + sign_unknown)
    assert not out.has(sp.exp)  # the exp-sum became a symbol
    assert out.has(sp.Sum)  # the sum of reals stayed


def test_limit_check_accepts_true_and_rejects_false_limits():
    q = sp.Symbol("q", positive=True)
    n = sp.Symbol("n", integer=True, positive=True)
    assert th.limit_check(q, sp.oo)(sp.Limit(n ** (1 / q), q, sp.oo), 1)[0] is True
    assert th.limit_check(q, sp.oo)(sp.Limit(n ** (1 / q), q, sp.oo), 2)[0] is False

def test_softmax_agg_special_values_and_gap():
    m = ("0.3", "2", "1.1", "2")
    with mpmath.workdps(60):
        assert th.softmax_agg(m, mpf("inf")) == 2
        assert th.softmax_agg(m, mpf("-inf")) == mpf("0.3")
        assert abs(th.softmax_agg(m, 0, 1) - mpmath.fsum(map(mpf, m))) < mpf(10) ** -55
        lam = mpf(3)
        assert abs(th.softmax_gap(m, lam) - (2 - th.softmax_agg(m, lam))) < mpf(10) ** -55
        top, k, delta, spread = th.gap_structure(m)
        assert (top, k) == (2, 2)
        assert abs(delta - mpf("0.9")) < mpf(10) ** -55 and abs(spread - mpf("1.7")) < mpf(10) ** -55


def test_softmax_gap_bound_holds_above_and_fails_below_lambda_delta_one():
    with mpmath.workdps(60):
        m = ("0", "0.9", "1")
        assert th.softmax_gap(m, 1) > th.softmax_gap_bound(m, 1)  # λΔ = 0.1: fails
        for lam in (10, 30, 200):  # λΔ >= 1: holds
            assert th.softmax_gap(m, lam) <= th.softmax_gap_bound(m, lam)
            assert th.softmax_gap(m, lam) <= th.softmax_gap_bound_spread(m, lam)


def test_power_mean_special_values():
    m = ("0.5", "2", "4")
    with mpmath.workdps(60):
        assert abs(th.power_mean(m, 0) - mpmath.cbrt(4)) < mpf(10) ** -55
        assert abs(th.power_mean(m, -1) - 3 / (2 + mpf("0.5") + mpf("0.25"))) < mpf(10) ** -55
        assert abs(th.power_mean(m, 1) - mpf("6.5") / 3) < mpf(10) ** -55
        assert th.power_mean(m, mpf("inf")) == 4 and th.power_mean(m, mpf("-inf")) == mpf("0.5")
        assert th.power_mean(("0", "1"), -2) == 0 and th.power_mean(("0", "1"), 0) == 0
        assert th.power_mean(("0", "1"), 2) == mpmath.sqrt(mpf(1) / 2)
    with pytest.raises(ValueError):
        th.power_mean(("-1", "1"), 2)
    assert mpmath.im(th.power_mean_any(("-1", "2"), mpf("0.5"))) != 0


def test_lse_between_max_and_max_plus_logk_over_lambda():
    sig = ("0.2", "-1", "1.7", "1.7")
    with mpmath.workdps(60):
        for lam in (mpf("0.1"), mpf(1), mpf(100)):
            e = th.lse(sig, lam) - mpf("1.7")
            assert 0 <= e <= mpmath.log(4) / lam
        with pytest.raises(ValueError):
            th.lse(sig, 0)

def test_seed_code_reproduced():
    E = seed_get_E(4, 6)
    assert E.shape == (6, 4)
    # row k (1-based) odd -> cos, even -> sin of i * exp(-2k log(1e4)/5000)
    i, k = 3, 2
    assert E[k - 1, i - 1] == pytest.approx(np.sin(i * np.exp(-2 * k * np.log(10000) / 5000)))
    X = np.ones((6, 4))
    assert seed_get_score(E, X, "cat").shape == (4, 4)
    assert np.allclose(seed_get_score(E, X, "add"), (E + X).T @ (E + X))
    with pytest.raises(ValueError):
        seed_get_score(E, X, "mul")


def test_diagonal_pattern_detects_ex1c_and_not_ex2():
    assert all(diagonal_pattern(A)["present"] for A in seed_score_matrices().values())
    assert not any(diagonal_pattern(A)["present"] for A in aggregation_matrices().values())
    rng = np.random.default_rng(1)
    assert not diagonal_pattern(rng.normal(size=(32, 32)))["present"]
    with pytest.raises(ValueError):
        diagonal_pattern(np.ones((20, 10)))


def test_pm_step_checks_need_the_right_sides():
    """The agg.pm step checks decide from the step's own two sides (a wrong side is never accepted)."""
    import sympy as sp

    from verify.aggregation.claims.pm import N_, _S, _sum, below_max, equal_check, max_term, monotone_image, qpos
    from verify.aggregation.quantities import mpos, vmax

    one = sp.Integer(1)
    assert max_term(one, _S(qpos))[0] is True  # the maximiser's term (max/max)^q = 1 is a term of S
    assert max_term(sp.Integer(2), _S(qpos))[0] is not True
    assert below_max(_S(qpos), _sum(1))[0] is True  # (m_u/max)^q <= 1 term-wise
    assert below_max(_sum(1), _S(qpos))[0] is not True  # reversed
    at = lambda x: vmax(mpos) * (x / N_) ** (1 / qpos)  # noqa: E731
    check = monotone_image(at, one, _S(qpos), max_term, "F")
    assert check(at(one), at(_S(qpos)))[0] is True
    assert check(at(_S(qpos)), at(one))[0] is not True  # the sides swapped
    assert check(2 * at(one), at(_S(qpos)))[0] is not True  # a left side that is not F(lo)
    assert equal_check(N_ ** (-1 / qpos) * vmax(mpos), at(one))[0] is True
    assert equal_check(N_ ** (1 / qpos) * vmax(mpos), at(one))[0] is not True


def test_pm_squeeze_reads_the_statement_and_its_bounds():
    """The squeeze of agg.pm.limit_max proves the statement, and neither a changed squeezed expression
    (S^q for S^(1/q)), a changed limit value nor a false bound passes (the defects of the legacy squeeze_check)."""
    import dataclasses

    import sympy as sp

    from verify.aggregation.claims.pm import LIMIT_MAX, LIMIT_MAX_STEPS, _LOW_INF
    from verify.aggregation.quantities import P, card, eta, mpos, vmin
    from verify.core.statement import Lim
    from verify.core.symbolic import prove

    st = LIMIT_MAX.statement
    assert prove(st, LIMIT_MAX_STEPS).finding == "holds"
    inverted = Lim(P(mpos, 1 / st.var, eta), st.var, sp.oo, st.value)
    assert prove(inverted, LIMIT_MAX_STEPS).finding != "holds"
    assert prove(Lim(st.expr, st.var, sp.oo, card(mpos) ** eta * vmin(mpos)), LIMIT_MAX_STEPS).finding != "holds"
    false_upper = dataclasses.replace(LIMIT_MAX_STEPS[0], upper=_LOW_INF)
    assert prove(st, [false_upper]).finding != "holds"


# ---------------------------------------------------------------- agg.softmax / agg.lse helpers (claims/softmax.py, lse.py)


def test_tie_structure_quantities_mp_and_arb():
    import flint

    from verify.aggregation.claims.lse import odist
    from verify.aggregation.claims.softmax import Delta, dist, kmax
    from verify.aggregation.quantities import m
    from verify.core.evaluate import CannotEvaluate, evaluate

    inst = {m: ("2", "2", "1.5", "0.25")}
    with mpmath.workdps(50):
        assert evaluate(kmax(m), inst) == 2
        assert evaluate(Delta(m), inst) == mpf("0.5")
        assert evaluate(dist(m, 2), inst) == mpf("1.75")
        assert evaluate(odist(m, 1), inst) == 0 and evaluate(odist(m, 3), inst) == mpf("1.75")
        with pytest.raises(CannotEvaluate):
            evaluate(dist(m, 3), inst)  # only n − k = 2 messages below the max
        with pytest.raises(CannotEvaluate):
            evaluate(Delta(m), {m: ("1", "1")})  # Δ undefined: all equal
    assert evaluate(kmax(m), inst, "arb") == flint.arb(2)
    assert evaluate(Delta(m), inst, "arb").contains(flint.arb("0.5"))


def test_split_check_accepts_the_partition_and_rejects_a_changed_side():
    from verify.aggregation.claims.softmax import _G, _gap, lam_p, split_check

    ok, why = split_check("k")(_G, _gap(lam_p))
    assert ok is True, why
    assert split_check("k")(_G, 2 * _gap(lam_p))[0] is not True
    assert split_check("k")(sp.Integer(1), sp.Integer(1))[0] is None  # nothing to split


def test_termwise_and_sign_checks():
    from verify.aggregation.claims.softmax import _D, _J, _N, Delta, _k, _s, _x, dist, lam_p, m, sign_check, \
        termwise_check, u_

    lhs = _N(lam_p) / _k
    rhs = sp.Sum(dist(m, u_) * sp.exp(-lam_p * Delta(m)), (u_, 1, _J)) / _k
    check = termwise_check({_x: Delta(m) + _s}, _s)
    assert check(lhs, rhs)[0] is True
    assert check(rhs, lhs)[0] is not True  # reversed: false
    assert termwise_check({_x: _D - _s}, _s)(rhs, sp.Sum(_D * sp.exp(-lam_p * Delta(m)), (u_, 1, _J)) / _k)[0]
    assert sign_check(sp.Integer(0), lhs)[0] is True
    assert sign_check(lhs, sp.Integer(0))[0] is not True


def test_condition_covered_by_the_parametrisation():
    from verify.aggregation.claims.softmax import Delta, condition_covered, lam_p, m

    s = sp.Symbol("s", positive=True)
    sub = {lam_p: s / Delta(m)}
    assert condition_covered(lam_p * Delta(m) >= 1, sub, s, 1)[0] is True
    assert condition_covered(lam_p * Delta(m) >= 2, sub, s, 1)[0] is True
    assert condition_covered(lam_p * Delta(m) >= sp.Rational(1, 10), sub, s, 1)[0] is False
    assert condition_covered(None, sub, s, 1)[0] is False


def test_tie_pattern_limits_read_the_statement():
    from verify.aggregation.claims.softmax import S, card, eta, lam_p, m, tie_pattern_limits, vmax, vmin
    from verify.core.claim import Prop
    from verify.core.statement import Lim

    ev = tie_pattern_limits(sizes=(1, 2, 3))
    good = Lim(S(m, lam_p, eta), lam_p, sp.oo, card(m) ** eta * vmax(m))
    bad = Lim(S(m, lam_p, eta), lam_p, sp.oo, card(m) ** eta * vmin(m))
    assert ev.run(Prop(good)).finding == "holds"
    out = ev.run(Prop(bad))
    assert out.finding == "refuted" and "ties" in out.figure


def test_every_part_needs_every_piece():
    from verify.aggregation.claims.softmax import every_part
    from verify.core.claim import Evidence, Outcome, Prop

    def piece(finding):
        return Evidence("symbolic", lambda prop, f=finding: Outcome(f, f), label=finding)

    assert every_part([piece("holds"), piece("holds")]).run(Prop(None)).finding == "holds"
    assert every_part([piece("holds"), piece("undecided")]).run(Prop(None)).finding == "undecided"
    assert every_part([piece("holds"), piece("refuted")]).run(Prop(None)).finding == "refuted"


def test_ratio_ladder_refutes_a_bound_below_the_gap():
    from verify.aggregation.claims.inputs import TWO_LEVEL
    from verify.aggregation.claims.softmax import _B_TIGHT, _COND, _G, Delta, eta, lam_p, m, ratio_ladder
    from verify.core.claim import Prop
    from verify.core.statement import All, Rel

    ev = ratio_ladder([{m: TWO_LEVEL, eta: 0}], lam_p, Delta(m), (1, 10, 100), part=1, about="condition")
    assert ev.run(Prop(All(Rel(0, _G, "<="), Rel(_G, _B_TIGHT, "<=")), _COND)).finding == "holds"
    half = All(Rel(0, _G, "<="), Rel(_G, _B_TIGHT / 2, "<="))
    assert ev.run(Prop(half, _COND)).finding == "refuted"


def test_log_monotone_check():
    from verify.aggregation.claims.lse import _ONES, _Z1, _termwise_exp_le_1, lam_p, log_monotone

    check = log_monotone(_termwise_exp_le_1)
    assert check(sp.log(_Z1) / lam_p, sp.log(_ONES) / lam_p)[0] is True
    assert check(sp.log(_ONES) / lam_p, sp.log(_Z1) / lam_p)[0] is not True
    assert check(sp.log(_Z1) / lam_p, 2 * sp.log(_ONES) / lam_p)[0] is None  # different contexts
