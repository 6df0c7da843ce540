"""Tests of the oversmoothing figures (verify.oversmoothing.figures): files, determinism, the rate table."""
from __future__ import annotations

import re

import numpy as np
import pytest

from verify.core.topic import Figure
from verify.oversmoothing import figures as F

NAMES = ("os_depth.pdf", "os_rates.pdf", "os_karate.pdf")


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    a = tmp_path_factory.mktemp("figs_a")
    b = tmp_path_factory.mktemp("figs_b")
    return a, F.make_figures(a), b, F.make_figures(b)


@pytest.mark.slow
def test_make_figures_writes_the_files(two_runs):
    a, figs, _, _ = two_runs
    assert [f.path for f in figs] == [f"figures/{n}" for n in NAMES] + ["figures/os_rate_table.tex"]
    assert all(isinstance(f, Figure) and f.caption and f.label.startswith(("fig:os-", "tab:os-")) for f in figs)
    for n in NAMES:
        data = (a / n).read_bytes()
        assert data.startswith(b"%PDF") and len(data) > 5000
    assert (a / "os_rate_table.tex").read_text().startswith("\\begin{tabular}")
    assert sorted(p.name for p in a.iterdir()) == sorted(NAMES + ("os_rate_table.tex",))  # no temporary file


@pytest.mark.slow
def test_make_figures_is_deterministic(two_runs):
    a, figs_a, b, figs_b = two_runs
    assert figs_a == figs_b
    for n in NAMES:
        assert (a / n).read_bytes() == (b / n).read_bytes(), n


@pytest.mark.slow
def test_captions_mention_claims_and_the_dashed_line(two_runs):
    _, figs, _, _ = two_runs
    for f in figs:
        assert re.search(r"\\texttt\{os\.[a-z]+\.\*\}", f.caption), f.path
        assert f.caption.count("{") == f.caption.count("}"), f.path
    assert "Dashed" in figs[0].caption and "Dashed" in figs[1].caption


def test_rate_table_tex_has_every_graph():
    tex = F.rate_table_tex()
    assert tex.startswith(r"\begin{tabular}") and tex.rstrip().endswith(r"\end{tabular}")
    for rule in (r"\toprule", r"\midrule", r"\bottomrule"):
        assert tex.count(rule) == 1
    for name in ("karate club", r"Les Mis\'erables", "Florentine families", "Davis Southern women"):
        assert name in tex
    body = tex.split(r"\midrule")[1].split(r"\bottomrule")[0]
    rows = [r for r in body.split(r"\\") if "&" in r]
    assert len(rows) == 8                                         # 4 graphs x (mean, gcn)
    assert all(r.count("&") == rows[0].count("&") for r in rows)


def test_rate_table_rows_match_the_prediction():
    rows = F.rate_table_rows()
    assert {r["aggregation"] for r in rows} == {"mean", "gcn"}
    for r in rows:
        assert 0 < r["lam2"] < 1
        assert abs(r["rel"]) < 1e-4, r                            # measured ratio = λ_2² to 4 digits at least


def test_predicted_rank_staircase():
    eig = np.array([1.0, 0.9, 0.5, 0.1])
    L = np.array([0, 1, 100, 400])
    assert F.predicted_rank(eig, L, n=4, channels=3).tolist() == [3, 3, 2, 1]
