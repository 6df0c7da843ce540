"""Tests of the helpers behind the ``agg.seed.2b*`` claims (verify/aggregation/claims/seed_2b.py): the custom
step checks reject false steps, the squeezes are bound to the statement, and hand-made false mutations of the
claims (not in the suite) are refuted by the claims' own evidence."""

from __future__ import annotations

import flint
import mpmath
import pytest
import sympy as sp

from verify.aggregation.claims import seed_2b as S
from verify.aggregation.quantities import vmin, vsum
from verify.core.claim import Mutant, Squeeze, Step
from verify.core.evaluate import evaluate
from verify.core.runner import run_mutant
from verify.core.statement import All, Lim, Rel
from verify.core.symbolic import prove

m, q, p, eta = S.m, S.q, S.p, S.eta
card, vmax, psum, Sr, P = S.card, S.vmax, S.psum, S.Sr, S.P


# ---------------------------------------------------------------- quantities


def test_quantities_mp_and_arb_agree():
    inst = {m: ("0.7", "1.9", "1.2"), q: "2.5"}
    for e in (psum(m, q), Sr(m, q), Sr(m, q) ** (1 / q) - psum(m, q) ** (1 / q) / vmax(m)):
        with mpmath.workdps(40):
            a = evaluate(e, inst)
        old, flint.ctx.prec = flint.ctx.prec, 256
        try:
            ball = evaluate(e, inst, "arb")
            mid = ball.mid().str(40, radius=False)
            assert float(ball.rad()) < 1e-60
        finally:
            flint.ctx.prec = old
        with mpmath.workdps(40):
            assert abs(mpmath.mpf(mid) - a) < mpmath.mpf(10) ** -30


def test_gaps_are_sorted_and_the_maximiser_has_gap_zero():
    inst = {m: ("2", "0.5", "1")}
    with mpmath.workdps(30):
        gaps = [evaluate(S.gap(m, k), inst) for k in (1, 2, 3)]
    assert gaps[2] == 0 and gaps[0] > gaps[1] > 0


def test_latex_keeps_the_exponent_of_a_quantity():
    assert sp.latex(card(m) ** eta).endswith(r"^{\eta}")
    assert sp.latex(psum(m, q) ** (1 / q)).endswith(r"\right)^{\frac{1}{q}}")
    assert sp.latex(Sr(m, q) ** q).endswith("^{q}")


# ---------------------------------------------------------------- custom step checks


def test_model_inequalities_need_the_right_bound():
    lower, upper = S._model_le("lower"), S._model_le("upper")
    assert lower(sp.Integer(1), Sr(m, q) ** (1 / q))[0] is True
    assert lower(sp.Integer(2), Sr(m, q) ** (1 / q))[0] is not True
    assert upper(Sr(m, q) ** (1 / q), card(m) ** (1 / q))[0] is True
    assert upper(Sr(m, q) ** (1 / q), sp.Integer(1))[0] is not True  # the legacy squeeze_check accepted this
    assert lower(Sr(m, q) ** (1 / q), card(m) ** (1 / q))[0] is not True  # S ≥ 1 does not give an upper bound
    assert upper(S._P_IN_S, card(m) ** eta * vmax(m))[0] is True
    assert upper(S._P_IN_S, card(m) ** (eta - 1) * vmax(m))[0] is not True


def test_model_equalities():
    assert S._model_eq(P(m, q, eta), S._P_IN_S)[0] is True
    assert S._model_eq(P(m, q, eta), card(m) ** eta * vmax(m) * Sr(m, q) ** (1 / q))[0] is not True
    assert S._model_eq(psum(m, q) ** (1 / q) / vmax(m), Sr(m, q) ** (1 / q))[0] is True
    assert S._model_eq(psum(m, q) ** (1 / q) / vmax(m), Sr(m, 2 * q) ** (1 / q))[0] is not True


def test_pull_max_is_the_definition_of_s():
    assert S._pull_max(psum(m, q) ** (1 / q) / vmax(m), Sr(m, q) ** (1 / q))[0] is True
    assert S._pull_max(psum(m, q), vmax(m) ** q * Sr(m, q))[0] is True
    assert S._pull_max(psum(m, q) ** (1 / q) / vmax(m), Sr(m, q))[0] is not True
    assert S._pull_max(psum(m, q), vmax(m) * Sr(m, q))[0] is not True


def test_representation_and_termwise():
    good = 1 + S._gap_sum(m, q)
    assert S._representation(good, Sr(m, q))[0] is True
    assert S._representation(1 + S._gap_sum(m, 2 * q), Sr(m, q))[0] is not True
    assert S._representation(S._gap_sum(m, q), Sr(m, q))[0] is not True  # the maximiser's 1 forgotten
    assert S._termwise_le(sp.Integer(1), good)[0] is True
    assert S._termwise_le(good, 1 + sp.Sum(sp.Integer(1), (S.u_, 1, card(m) - 1)))[0] is True
    assert S._termwise_le(1 + sp.Sum(sp.Integer(1), (S.u_, 1, card(m) - 1)), good)[0] is not True


def test_condition_must_give_the_step():
    assert S._implied_by(sp.Ge(p, card(m)))(card(m), p)[0] is True
    assert S._implied_by(sp.Le(card(m), p))(card(m), p)[0] is True
    assert S._implied_by(sp.Ge(p, card(m) - 1))(card(m), p)[0] is not True
    assert S._implied_by(None)(card(m), p)[0] is not True


# ---------------------------------------------------------------- squeezes bound to the statement


def test_squeeze_with_a_wrong_upper_bound_is_rejected():
    stmt = S.S_SQUEEZE_CLAIM.statement
    assert prove(stmt, [S.S_SQUEEZE]).finding == "holds"
    bad_upper_1 = Squeeze(sp.Integer(1), sp.Integer(1), S.S_SQUEEZE.lower_steps,
                          (Step(None, sp.Integer(1), "<=", check=S._model_le("upper")),))
    assert prove(stmt, [bad_upper_1]).finding != "holds"
    bad_upper_n = Squeeze(sp.Integer(1), card(m), S.S_SQUEEZE.lower_steps,
                          (S.S_SQUEEZE.upper_steps[0], Step(None, card(m), "<=", check=S._model_le("upper"))))
    assert prove(stmt, [bad_upper_n]).finding != "holds"  # S^(1/q) ≤ |N|, but lim |N| ≠ 1


def test_squeeze_reads_the_statements_expression():
    assert prove(Lim(Sr(m, q) ** q, q, sp.oo, 1), [S.S_SQUEEZE]).finding != "holds"
    assert prove(Lim(Sr(m, q) ** (1 / q), q, sp.oo, 2), [S.S_SQUEEZE]).finding == "refuted"


# ---------------------------------------------------------------- hand-made false mutations (trust check)

HAND_MUTANTS = [
    ("agg.seed.2b_s_bounds", Mutant("lower_bound_2", All(Rel(2, Sr(m, q), "<="), Rel(Sr(m, q), p, "<=")),
                                    why="lower bound 2 instead of 1")),
    ("agg.seed.2b_limit_max", Mutant("to_min", Lim(P(m, q, eta), q, sp.oo, card(m) ** eta * vmin(m)),
                                     why="the q → −∞ value")),
    ("agg.seed.2b_s_identity", Mutant("mean_s", Rel(psum(m, q) ** (1 / q) / vmax(m), (Sr(m, q) / card(m)) ** (1 / q)),
                                      why="the mean of (m_u/max)^q under the root")),
    ("agg.seed.2b_ratio_intended", Mutant("over_sum", Lim(psum(m, q) ** (1 / q) / vsum(m), q, sp.oo, 1),
                                          why="divided by the sum instead of the max")),
]


@pytest.mark.parametrize("cid,mutant", HAND_MUTANTS, ids=[f"{c}~{mu.name}" for c, mu in HAND_MUTANTS])
def test_hand_made_mutations_are_refuted(cid, mutant):
    claim = next(c for c in S.CLAIMS if c.id == cid)
    res = run_mutant(claim, mutant)
    assert res.verdict == "refuted", [(r.key, r.status, r.figure) for r in res.records]
