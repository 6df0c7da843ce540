"""The committed derivations/*.tex must be exactly what the claim declarations generate now."""

from __future__ import annotations

import difflib

import pytest

from verify.core import load_topics, run_evidence
from verify.core.runner import run_mutants
from verify.report.latex import render_topic

TOPICS = load_topics()


@pytest.mark.parametrize("topic", TOPICS, ids=[t.name for t in TOPICS])
def test_committed_derivations_are_current(topic, repo_root):
    committed = repo_root / "derivations" / f"{topic.name}.tex"
    assert committed.exists(), f"{committed} is missing: run `verify report --tex-only -o .`"
    fresh = render_topic(topic, run_evidence(topic.claims, jobs=2), run_mutants(topic.claims, jobs=2))
    old = committed.read_text(encoding="utf-8")
    if fresh != old:
        diff = "".join(list(difflib.unified_diff(old.splitlines(True), fresh.splitlines(True),
                                                 "committed", "generated"))[:60])
        pytest.fail(f"derivations/{topic.name}.tex is stale: run `verify report --tex-only -o .` "
                    f"and commit it.\n{diff}")


def test_no_stray_files_in_derivations(repo_root):
    expected = {f"{t.name}.tex" for t in TOPICS}
    present = {p.name for p in (repo_root / "derivations").iterdir() if not p.name.startswith(".")}
    assert present <= expected, f"unexpected files in derivations/: {sorted(present - expected)}"
