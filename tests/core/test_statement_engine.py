"""The statement-bound engine: every check reads the statement, so a small false change is noticed.

Each test here makes a statement false in a small way (the way the seed goes wrong) and asserts that the
same evidence decides it differently: chains bound to both sides, squeezes that use their left side, limits
decided by limit evidence only, certified counterexamples, mutants run through the claim's evidence.
"""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from verify.core.claim import Claim, Evidence, Mutant, Outcome, Prop, Squeeze, Step
from verify.core.evaluate import CannotEvaluate, evaluate
from verify.core.numeric import at_points, counterexample, exact_limit, limit_ladder
from verify.core.runner import run_mutants
from verify.core.statement import Lim, Rel, VectorSymbol, chain, quantity, unfold
from verify.core.symbolic import derivation_evidence, probe, prove

x, y = sp.symbols("x y", real=True)
a = sp.Symbol("a", positive=True)
n = sp.Symbol("n", integer=True, positive=True)
k = sp.Symbol("k", integer=True, positive=True)
q = sp.Symbol("q", positive=True)
t = sp.Symbol("t", real=True)


def P(stmt, cond=None):
    return Prop(stmt, cond)


# --- evaluation ---------------------------------------------------------------------------------------------
def test_evaluate_mp_and_arb_agree_and_arb_encloses():
    e = sp.exp(x) * sp.Sum(k ** 2, (k, 1, n)) / 3 + sp.sqrt(2)
    env = {x: "0.5", n: 4}
    ball = evaluate(e, env, "arb")
    assert ball.rad() < 1e-60
    with mpmath.workdps(60):
        v = evaluate(e, env)
        mid = mpmath.mpf(ball.mid().str(55, radius=False))
        assert abs(mid - v) <= mpmath.mpf(10) ** -45
        assert abs(v - (mpmath.exp(mpmath.mpf("0.5")) * 30 / 3 + mpmath.sqrt(2))) < mpmath.mpf(10) ** -50


def test_evaluate_matrices_and_missing_values():
    X = sp.MatrixSymbol("X", 2, 2)
    val = evaluate((X.T * X)[0, 0] if False else X.T * X, {X: [[1, 2], [3, 4]]})
    assert val[0, 0] == 10 and val[1, 1] == 20
    with pytest.raises(CannotEvaluate):
        evaluate(x + y, {x: 1})


def test_vector_quantity_unfold_and_probe():
    m = VectorSymbol("m", positive=True)
    u = sp.Symbol("u", integer=True, positive=True)
    mean = quantity("mean", lambda v: mpmath.fsum(v) / len(v), unfold=lambda v: sp.Sum(sp.IndexedBase("m")[u], (u, 1, n)) / n)
    assert unfold(mean(m)).has(sp.Sum)
    assert evaluate(mean(m), {m: ("1", "2", "6")}) == 3
    # the mean of positive numbers is positive: no counterexample; it is not below 0.01 for every sample
    assert probe(mean(m), sp.Integer(0), ">") is None
    assert probe(mean(m), sp.Rational(1, 100), "<") is not None


# --- chains bound to the statement ----------------------------------------------------------------------------
IDENT = Rel((x + y) ** 2, x ** 2 + 2 * x * y + y ** 2)
STEPS = (Step(None, (x + y) * (x + y), why="square"), Step(None, x ** 2 + 2 * x * y + y ** 2, why="expand"))


def test_chain_proves_its_statement():
    assert prove(IDENT, STEPS).finding == "holds"


@pytest.mark.parametrize("mutant", [
    Rel((x + y) ** 2, x ** 2 + y ** 2),              # dropped term
    Rel((x + y) ** 2, x ** 2 + 3 * x * y + y ** 2),  # coefficient
    Rel((x - y) ** 2, x ** 2 + 2 * x * y + y ** 2),  # sign on the left side
])
def test_chain_does_not_prove_a_changed_statement(mutant):
    out = prove(mutant, STEPS)
    assert out.finding == "refuted", out


def test_relation_direction_must_be_implied():
    steps = (Step(None, x ** 2 + 1, "<", why="add 1"),)
    assert prove(Rel(x ** 2, x ** 2 + 1, "<="), steps).finding == "holds"
    assert prove(Rel(x ** 2, x ** 2 + 1, "<"), steps).finding == "holds"
    # a chain that proves <= does not prove <: not a disproof either
    weak = (Step(None, x ** 2 + 1, "<=", why="add 1"),)
    assert prove(Rel(x ** 2, x ** 2 + 1, "<"), weak).finding == "undecided"
    assert prove(Rel(x ** 2, x ** 2 + 1, "=="), steps).finding == "refuted"
    assert prove(Rel(x ** 2, x ** 2 + 1, ">="), steps).finding == "refuted"


def test_a_restart_is_not_silently_joined():
    # the second step starts a new chain from an unrelated left side: not accepted as part of the proof
    steps = (Step(None, (x + y) * (x + y)), Step(sp.Integer(1), sp.Integer(1)),
             Step(None, x ** 2 + 2 * x * y + y ** 2))
    out = prove(IDENT, steps)
    assert out.finding != "holds" and "new left side" in out.figure
    # declared as a lemma, the same side fact is fine and the chain continues past it
    steps = (Step(None, (x + y) * (x + y)), Step(sp.Integer(1), sp.Integer(1), lemma=True),
             Step(None, x ** 2 + 2 * x * y + y ** 2))
    assert prove(IDENT, steps).finding == "holds"
    # restating the current expression in another form is a checked link
    steps = (Step(None, (x + y) * (x + y)), Step(x * (x + y) + y * (x + y), x ** 2 + 2 * x * y + y ** 2))
    assert prove(IDENT, steps).finding == "holds"


def test_derivation_evidence_reads_the_proposition():
    ev = derivation_evidence(STEPS)
    assert ev.bound
    assert ev.execute(P(IDENT)).finding == "holds"
    assert ev.execute(P(Rel((x + y) ** 2, x ** 2 + y ** 2))).finding == "refuted"


# --- squeeze ----------------------------------------------------------------------------------------------------
def _squeeze_statement(expr=None, value=1):
    # lim_{q -> oo} 1 + sin(q)^2/q = 1 by 1 <= f <= 1 + 1/q
    f = expr if expr is not None else 1 + sp.sin(q) ** 2 / q
    return Lim(f, q, sp.oo, value)


SQ = Squeeze(sp.Integer(1), 1 + 1 / q, why="0 <= sin^2 <= 1")


def test_squeeze_uses_the_statement_expression_and_value():
    assert prove(_squeeze_statement(), [SQ]).finding == "holds"
    # the limit value changed: the bounds' limits do not meet it
    assert prove(_squeeze_statement(value=2), [SQ]).finding == "refuted"
    # the squeezed expression changed (power 1/q -> q): lower <= f <= upper fails for the new f
    out = prove(_squeeze_statement(expr=1 + sp.sin(q) ** 2), [SQ])
    assert out.finding != "holds"
    # an upper bound that does not bound f
    bad = Squeeze(sp.Integer(1), sp.Integer(1), why="wrong upper bound")
    assert prove(_squeeze_statement(), [bad]).finding != "holds"


# --- limits are decided by limit evidence, never by one finite point ----------------------------------------
def _softish():
    # f(t) = (1 e^t + 2 e^{2t}) / (e^t + e^{2t}) -> 3/2 as t -> 0, and f(1e-40) != 3/2 by ~1e-40
    return (sp.exp(t) + 2 * sp.exp(2 * t)) / (sp.exp(t) + sp.exp(2 * t))


def test_correct_limit_is_not_refuted_by_a_finite_point():
    right = Lim(_softish(), t, 0, sp.Rational(3, 2))
    for ev in (counterexample({}), exact_limit([{}]), limit_ladder([{}])):
        assert ev.execute(P(right)).finding == "holds", ev.key


def test_wrong_limit_is_refuted_and_certified():
    wrong = Lim(_softish(), t, 0, sp.Integer(1))
    out = counterexample({}).execute(P(wrong))
    assert out.finding == "refuted" and out.data.get("certified") is True
    assert limit_ladder([{}]).execute(P(wrong)).finding == "refuted"


def test_divergence_refutes_existence():
    assert exact_limit([{}]).execute(P(Lim(sp.exp(t), t, sp.oo, None))).finding == "refuted"
    assert limit_ladder([{}]).execute(P(Lim(sp.exp(t), t, sp.oo, None))).finding == "refuted"
    assert limit_ladder([{}]).execute(P(Lim(1 / t, t, sp.oo, None))).finding == "holds"


def test_rate_bound_is_checked():
    stmt = Lim(1 / t, t, sp.oo, 0)
    assert limit_ladder([{}], rate=2 / t).execute(P(stmt)).finding == "holds"
    assert limit_ladder([{}], rate=sp.Rational(1, 2) / t).execute(P(stmt)).finding == "refuted"


# --- points, conditions, certification ------------------------------------------------------------------------
def test_at_points_certifies_a_violation():
    stmt = Rel(sp.sqrt(x), x, "<=")  # false on (0, 1)
    out = at_points([{x: 4}, {x: "0.25"}]).execute(P(stmt))
    assert out.finding == "refuted" and out.data["certified"] is True
    assert at_points([{x: 4}, {x: 9}]).execute(P(stmt)).finding == "holds"


def test_condition_filters_instances_and_a_dropped_condition_does_not():
    stmt = Rel(sp.sqrt(x), x, "<=")
    cond = x >= 1
    ev = at_points([{x: 4}, {x: "0.25"}], about="condition")
    assert ev.execute(P(stmt, cond)).finding == "holds"
    assert ev.execute(P(stmt, x >= sp.Rational(1, 10))).finding == "refuted"   # weakened
    assert ev.execute(P(stmt, None)).finding == "refuted"                       # dropped


def test_all_checks_every_part():
    stmt = chain(0, "<=", sp.sin(x) ** 2, "<=", 1)
    assert at_points([{x: k} for k in range(5)]).execute(P(stmt)).finding == "holds"
    assert at_points([{x: 1}]).execute(P(chain(0, "<=", sp.sin(x) ** 2, "<=", sp.Rational(1, 2)))).finding == "refuted"


# --- mutants through a claim ------------------------------------------------------------------------------------
def test_mutants_run_through_the_same_evidence():
    stmt = Rel((x + y) ** 2, x ** 2 + 2 * x * y + y ** 2)
    c = Claim(id="t.e.square", source="s", title="t", statement=stmt, recorded="holds",
              evidence=[derivation_evidence(STEPS), at_points([{x: 1, y: 2}, {x: "0.5", y: -3}])],
              mutants=(Mutant("dropped_term", Rel((x + y) ** 2, x ** 2 + y ** 2), why="drop 2xy"),
                       Mutant("same", Rel((x + y) ** 2, (y + x) ** 2), why="a true rewrite: survives")))
    res = {m.mutant.name: m for m in run_mutants([c])}
    assert res["dropped_term"].killed and res["dropped_term"].verdict == "refuted"
    assert not res["same"].killed  # a mutant that is not false is (correctly) not killed


def test_unbound_evidence_is_marked():
    assert not Evidence("numpy", lambda: Outcome("holds", "x")).bound
    assert Evidence("numpy", lambda prop: Outcome("holds", "x")).bound


def test_mutant_needs_a_change():
    with pytest.raises(ValueError, match="change"):
        Mutant("nothing")
