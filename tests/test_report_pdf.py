"""The real derivations compile with pdflatex and nothing runs into the margin."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from verify.core import load_topics, run_evidence
from verify.core.runner import run_mutants
from verify.report.build import render_main, write_derivations
from verify.report.latex import render_measured


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_report_has_no_overfull_lines(tmp_path):
    topics = load_topics()
    results = {t.name: run_evidence(t.claims, jobs=2) for t in topics}
    mutants = {t.name: run_mutants(t.claims, jobs=2) for t in topics}
    write_derivations(tmp_path / "derivations", topics, results, mutants)
    (tmp_path / "measured.tex").write_text(render_measured(r for v in results.values() for r in v))
    (tmp_path / "report.tex").write_text(render_main(topics, results, figures={}, mutants=mutants))
    for _ in range(2):  # the second run sees the table of contents
        proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "report.tex"],
                              cwd=tmp_path, capture_output=True, text=True, errors="replace", timeout=300)
        assert proc.returncode == 0, proc.stdout[-2000:]
    log = (tmp_path / "report.log").read_text(errors="replace")
    overfull = re.findall(r"Overfull \\hbox \((.*?) too wide\).*\n(.*)", log)
    assert not overfull, f"{len(overfull)} overfull lines, e.g. {overfull[:3]}"
