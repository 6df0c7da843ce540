"""The budget runner: a deliberately endless SymPy computation is stopped and reported, never passed."""

from __future__ import annotations

import time

import pytest
import sympy

from verify.core.budget import budget_scale, run_many, run_with_budget
from verify.core.claim import Claim, Evidence, Outcome
from verify.core.runner import run_evidence


def _endless_simplification():
    x = sympy.Symbol("x")
    expr = sympy.Integer(0)
    k = 0
    while True:  # grows without end: each round simplifies a bigger nested expression
        k += 1
        expr = sympy.simplify(sympy.sin(x + expr) ** 2 + sympy.cos(x * k + expr) ** 2 + expr)


def test_endless_simplification_is_stopped_as_timeout():
    t0 = time.perf_counter()
    fin = run_with_budget(_endless_simplification, budget=1.0)
    elapsed = time.perf_counter() - t0
    assert fin.status == "timeout"
    assert "budget" in fin.error
    assert elapsed < 10, f"the child was not killed promptly ({elapsed:.1f} s)"


def test_timeout_makes_the_claim_undecided_not_passed():
    claim = Claim(
        id="test.budget.endless", source="test", title="endless", statement="x", recorded="holds",
        evidence=[Evidence("symbolic", _endless_simplification, budget=0.5)],
    )
    (res,) = run_evidence([claim], use_cache=False)
    assert res.verdict == "undecided"
    assert not res.ok
    assert res.records[0].status == "timeout"


def test_values_errors_and_crashes_come_back():
    results = dict(run_many([
        ("ok", lambda: 41 + 1, 5.0),
        ("err", lambda: 1 / 0, 5.0),
        ("exit", lambda: __import__("os")._exit(3), 5.0),
    ], jobs=2))
    assert results["ok"].status == "ok" and results["ok"].value == 42
    assert results["err"].status == "error" and "ZeroDivisionError" in results["err"].error
    assert results["exit"].status == "error" and "died" in results["exit"].error


def test_parallel_jobs_overlap():
    tasks = [(k, lambda k=k: time.sleep(0.6) or k, 5.0) for k in range(4)]
    t0 = time.perf_counter()
    out = dict(run_many(tasks, jobs=4))
    assert sorted(v.value for v in out.values()) == [0, 1, 2, 3]
    assert time.perf_counter() - t0 < 2.0  # sequentially it would take 2.4 s


def test_budget_scale_validates(monkeypatch):
    monkeypatch.setenv("VERIFY_BUDGET_SCALE", "nope")
    with pytest.raises(ValueError, match="VERIFY_BUDGET_SCALE"):
        budget_scale()
    monkeypatch.setenv("VERIFY_BUDGET_SCALE", "2.5")
    assert budget_scale() == 2.5


def test_jobs_must_be_positive():
    with pytest.raises(ValueError, match="jobs"):
        list(run_many([], jobs=0))


def test_evidence_that_returns_no_outcome_is_an_error():
    claim = Claim(id="test.budget.none", source="t", title="t", statement="x", recorded="holds",
                  evidence=[Evidence("numpy", lambda: 3)])
    (res,) = run_evidence([claim], use_cache=False)
    assert res.records[0].status == "error"
    assert res.verdict == "undecided"


def test_outcome_rejects_unknown_finding():
    with pytest.raises(ValueError, match="finding"):
        Outcome("maybe", "x")


def test_parallel_children_get_fewer_blas_threads():

    from verify.core.threads import _openblas_controls

    if not _openblas_controls():
        pytest.skip("no OpenBLAS loaded in this process")

    def threads():
        (_, get), *_ = _openblas_controls()
        return int(get())

    out = dict(run_many([(k, threads, 10.0) for k in range(2)], jobs=2))
    expected = max(1, (__import__("os").cpu_count() or 1) // 2)
    assert {v.value for v in out.values()} == {expected}
