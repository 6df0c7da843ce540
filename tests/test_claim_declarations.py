"""Every claim is declared so that its evidence can fail: a checked SymPy statement, evidence that reads
it, at least one mutant, a stated depth, and (for a refuted statement) a certified counterexample."""

from __future__ import annotations

import pytest

from verify.core import all_claims, run_evidence
from verify.core.claim import DEPTHS

CLAIMS = all_claims()
IDS = [c.id for c in CLAIMS]


@pytest.mark.parametrize("claim", CLAIMS, ids=IDS)
def test_statement_is_checked_and_evidence_reads_it(claim):
    assert claim.checked, f"{claim.id}: the statement is a LaTeX string; the evidence cannot read it"
    unbound = [ev.key for ev in claim.evidence if not ev.bound]
    assert not unbound, f"{claim.id}: evidence {unbound} does not take the proposition (cannot see a mutant)"


@pytest.mark.parametrize("claim", CLAIMS, ids=IDS)
def test_every_claim_has_a_mutant_and_a_depth(claim):
    assert claim.mutants, f"{claim.id} has no mutant"
    assert claim.depth in DEPTHS, f"{claim.id}: depth must be one of {DEPTHS}"


REFUTING = [c for c in CLAIMS if c.recorded in ("refuted", "holds_if")]


@pytest.mark.parametrize("claim", REFUTING, ids=[c.id for c in REFUTING])
def test_refutations_are_certified(claim):
    """At least one piece of evidence refuting the (unconditional) statement carries an arb enclosure
    that excludes 0 (or an exact SymPy result), so the refutation is a proof."""
    (res,) = run_evidence([claim], jobs=2)
    refuting = [r for r in res.records if r.about == "statement" and r.status == "refuted"]
    assert refuting, f"{claim.id}: nothing refutes the statement"
    assert any(r.data.get("certified") is True for r in refuting), \
        f"{claim.id}: no refutation is certified: " + "; ".join(f"{r.key}: {r.figure}" for r in refuting)


def _quantity_classes():
    from verify.core.statement import Quantity

    out, todo = [], list(Quantity.__subclasses__())
    while todo:
        cls = todo.pop()
        out.append(cls)
        todo.extend(cls.__subclasses__())
    return out


def test_every_quantity_prints():
    """A quantity's LaTeX and text templates format with its arguments (braces doubled where literal), so
    every statement renders in the report and the table."""
    bad = []
    for cls in _quantity_classes():
        for template in (cls.latex_template, cls.text_template):
            if template:
                try:
                    template.format(*["x"] * 10)
                except (KeyError, IndexError, ValueError) as exc:
                    bad.append(f"{cls.__name__}: {template!r} ({exc!r})")
    assert not bad, bad
