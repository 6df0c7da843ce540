"""Claims as data and the verdict rule."""

from __future__ import annotations

import pytest

from verify.core.claim import Claim, Evidence, Outcome, decide


def ev(about="statement", kind="numpy", label=""):
    return Evidence(kind, lambda: Outcome("holds", "x"), label=label, about=about)


def claim(recorded="holds", evidence=None, **kw):
    return Claim(id="t.c.x", source="s", title="t", statement="s", recorded=recorded,
                 evidence=evidence or [ev()], **kw)


@pytest.mark.parametrize("statuses, verdict", [
    (["holds", "holds"], "holds"),
    (["refuted", "refuted"], "refuted"),
    (["holds", "refuted"], "inconsistent"),
    (["holds", "timeout"], "undecided"),
    (["holds", "error"], "undecided"),
    (["holds", "undecided"], "undecided"),
    # a definite counterexample outranks evidence that could not decide
    (["refuted", "undecided"], "refuted"),
    (["refuted", "timeout"], "refuted"),
])
def test_decide_unconditional(statuses, verdict):
    evs = [ev(label=str(k)) for k in range(len(statuses))]
    c = claim(evidence=evs)
    assert decide(c, list(zip(evs, statuses))) == verdict


def test_decide_conditional():
    cond, stmt = ev("condition", label="c"), ev("statement", kind="counterexample")
    c = claim("holds_if", [cond, stmt], condition="p even")
    assert decide(c, [(cond, "holds"), (stmt, "refuted")]) == "holds_if"
    assert decide(c, [(cond, "refuted"), (stmt, "refuted")]) == "refuted"
    assert decide(c, [(cond, "holds"), (stmt, "holds")]) == "holds"
    assert decide(c, [(cond, "timeout"), (stmt, "refuted")]) == "undecided"
    assert decide(c, [(cond, "holds"), (stmt, "undecided")]) == "undecided"


def test_expected_findings():
    cond, stmt = ev("condition", label="c"), ev("statement", kind="counterexample")
    c = claim("holds_if", [cond, stmt], condition="p even")
    assert c.expected_finding(cond) == "holds" and c.expected_finding(stmt) == "refuted"
    assert claim("refuted").expected_finding(ev()) == "refuted"


@pytest.mark.parametrize("kwargs, match", [
    (dict(id="Bad Id"), "dotted lower case"),
    (dict(recorded="maybe"), "recorded"),
    (dict(recorded="holds_if"), "condition"),
    (dict(evidence=[]), "at least one"),
    (dict(evidence=[ev(), ev()]), "duplicate evidence"),
    (dict(evidence=[ev("condition")]), "only makes sense"),
    (dict(recorded="holds_if", condition="c", evidence=[ev()]), "counterexample"),
])
def test_bad_declarations_are_rejected(kwargs, match):
    base = dict(id="t.c.x", source="s", title="t", statement="s", recorded="holds", evidence=[ev()])
    base.update(kwargs)
    with pytest.raises(ValueError, match=match):
        Claim(**base)


def test_evidence_validation():
    with pytest.raises(ValueError, match="kind"):
        Evidence("guess", lambda: None)
    with pytest.raises(ValueError, match="budget"):
        Evidence("numpy", lambda: None, budget=0)
