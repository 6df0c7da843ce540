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


OTHER_CPU = {"NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SKX", "OPENBLAS_CORETYPE": "Haswell"}


def test_derivations_do_not_depend_on_the_cpu(repo_root, tmp_path):
    """Regenerate the derivations as another CPU would compute them (numpy without its AVX-512 kernels,
    OpenBLAS on its Haswell kernels) and compare with the committed files byte for byte."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, **OTHER_CPU, PYTHONWARNINGS="ignore::ImportWarning")
    proc = subprocess.run([sys.executable, "-m", "verify.cli", "report", "--tex-only", "--no-progress", "-o",
                           str(tmp_path)], cwd=repo_root, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    for t in TOPICS:
        fresh = (tmp_path / "derivations" / f"{t.name}.tex").read_text(encoding="utf-8")
        old = (repo_root / "derivations" / f"{t.name}.tex").read_text(encoding="utf-8")
        if fresh != old:
            diff = "".join(list(difflib.unified_diff(old.splitlines(True), fresh.splitlines(True),
                                                     "committed", "other CPU"))[:40])
            pytest.fail(f"derivations/{t.name}.tex differs on another CPU:\n{diff}")


def test_committed_derivations_hold_no_machine_dependent_figures(repo_root):
    """numpy and Monte Carlo figures are referred to by key, never written into the committed file."""
    from verify.report.latex import PORTABLE_KINDS

    for t in TOPICS:
        text = (repo_root / "derivations" / f"{t.name}.tex").read_text(encoding="utf-8")
        for c in t.claims:
            for ev in c.evidence:
                if ev.kind not in PORTABLE_KINDS:
                    assert f"\\verifymeasured{{{c.id}/{ev.key}}}" in text, f"{c.id}[{ev.key}] figure not by key"
