"""The third-party survey: rows computed by running the checker, and their LaTeX table."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import textwrap

import pytest

from verify.check import CASES, registry
from verify.check.survey import SurveyRow, latex_escape, latex_table, survey, text_table, what_fails

BROKEN = textwrap.dedent('''
    import numpy as np
    from verify.aggregation.kernels import softmax_aggregate

    def broken(x, index, n, t):  # the limits come out as the mean, and float32 is widened
        if np.isinf(t):
            t = 0.0
        return softmax_aggregate(x, index, n, t).astype(np.float64)
''')


@pytest.fixture
def broken_target(tmp_path):
    path = tmp_path / "broken_agg.py"
    path.write_text(BROKEN)
    return f"{path}:broken"


def test_the_table_reflects_a_broken_target(broken_target):
    seen = []
    targets = (("verify", "softmax", "verify", {}), ("my broken_agg", "softmax", broken_target, {}))
    rows = survey(progress=lambda i, n, c: seen.append((i, n, c)), targets=targets)
    assert [s[:2] for s in seen] == [(0, 2), (1, 2)] and seen[1][2].startswith("verify check softmax ")
    good, bad = rows
    assert good.passed == good.total and good.wrong == ""
    assert bad.passed < bad.total == len(CASES["softmax"]("float64")) + len(CASES["softmax"]("float32"))  # no eta
    # generated from the failing cases: the widened float32 outputs and the two limits in float64
    assert "dtype: " in bad.wrong and "t=inf [float64]" in bad.wrong and "t=-inf [float64]" in bad.wrong
    assert "the limit t = inf is not handled" in bad.wrong
    failing = [r for r in bad.results if r.failed]
    assert bad.wrong == what_fails(list(bad.results), "softmax") and len(failing) == bad.total - bad.passed
    tex = latex_table(rows)
    assert tex.count(r"\\") >= 4 and r"\begin{longtable}" in tex and "my broken\\_agg" in tex
    assert "t=inf [float64]" in tex and "nothing" in tex
    assert "|" not in tex.replace(r"\textbar{}", "")  # every special character escaped
    text = text_table(rows)
    assert f"{bad.passed}/{bad.total} passed" in text


def test_what_fails_of_passing_results_is_empty():
    assert what_fails([], "softmax") == ""


def test_latex_escape():
    assert latex_escape(r"a_b & 50% $x^2$ {#} ~ \ |x|<1>") == (
        r"a\_b \& 50\% \$x\textasciicircum{}2\$ \{\#\} \textasciitilde{} \textbackslash{} "
        r"\textbar{}x\textbar{}\textless{}1\textgreater{}")
    assert latex_escape("--grad, ---") == "-{}-grad, -{}-{}-"  # hyphens, not dashes


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_latex_table_compiles(tmp_path):
    row = SurveyRow("odd_name & 100%", "power_mean", "x.py:f", "--torch --grad", 3, 5, 1,
                    "wrong: q=3, x up to 1e3 -- |x| > 100 ~ clamp^{2} #1 $")
    doc = ("\\documentclass{article}\\usepackage{longtable,array}\\begin{document}\n" + latex_table([row])
           + "\\end{document}\n")
    (tmp_path / "t.tex").write_text(doc)
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "t.tex"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:]


@pytest.mark.slow
def test_the_default_survey():
    rows = survey(jobs=2)
    got = {(r.label, r.kind, r.options): r for r in rows}
    naive_sm = got[("textbook (naive)", "softmax", "")]
    assert naive_sm.passed < naive_sm.total and "nan: " in naive_sm.wrong
    for kind in ("softmax", "power_mean"):
        mine = got[("verify", kind, "")]
        assert mine.passed == mine.total, mine.wrong
    if "encoding" in registry():
        formula = got[("seed get_E", "encoding", "--convention seed-formula")]
        code = got[("seed get_E", "encoding", "--convention seed-code")]
        assert formula.passed == 0 and "seed-code convention" in formula.wrong
        assert code.wrong == "" and code.passed == code.total - code.not_run
    if importlib.util.find_spec("torch_geometric"):
        pm = got[("PyTorch Geometric", "power_mean", "")]
        assert "PyTorch Geometric's clamp_min/clamp_max" in pm.wrong
    has_torch = importlib.util.find_spec("torch") is not None
    has_pyg = importlib.util.find_spec("torch_geometric") is not None
    assert any("--torch" in r.options for r in rows) == has_torch  # torch rows only where torch is
    assert any(r.label == "PyTorch Geometric" for r in rows) == has_pyg
    if has_torch:  # the torch modules pass the gradient cases where PyG's fail
        for kind in ("softmax", "power_mean"):
            mine = got[("verify.torch", kind, "--torch --grad")]
            assert mine.passed == mine.total > 0, mine.wrong
            if has_pyg:
                theirs = got[("PyTorch Geometric", kind, "--torch --grad")]
                assert theirs.passed < theirs.total
