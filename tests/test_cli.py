"""The command line faces on a small toy topic (the real topics are exercised by test_claims)."""

from __future__ import annotations

import json
import shutil

import pytest
import sympy as sp

import verify.core.topic as topic_mod
import verify.report.build as build_mod
from verify.cli import main
from verify.core.claim import Claim, Mutant, Step
from verify.core.numeric import at_points, counterexample
from verify.core.statement import Rel
from verify.core.symbolic import derivation_evidence, identity_evidence
from verify.core.topic import Figure, Topic

x, y = sp.symbols("x y", real=True)


def _toy_figures(outdir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from verify.core.io import save_atomic

    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1], [0, 1])
    ax.set_title("toy")
    save_atomic(outdir / "toy.pdf", lambda p: fig.savefig(p, metadata={"CreationDate": None}))
    plt.close(fig)
    return [Figure("figures/toy.pdf", "A toy figure.", "fig:toy")]


SQUARE = Rel((x + y) ** 2, x**2 + 2 * x * y + y**2)
DREAM = Rel((x + y) ** 2, x**2 + y**2)


def toy_topic(wrong_record=False, weak_mutant=False):
    square = [Step(None, x**2 + 2 * x * y + y**2, why="expand")]
    mutants = (Mutant("dropped_term", DREAM, why="the cross term dropped"),)
    if weak_mutant:  # a "mutant" that is still true: the evidence cannot kill it
        mutants += (Mutant("reordered", Rel((y + x) ** 2, x**2 + 2 * x * y + y**2), why="a true rewrite"),)
    claims = [
        Claim("toy.alg.square", "Toy 1", "binomial square", SQUARE, "refuted" if wrong_record else "holds",
              [derivation_evidence(square), at_points([{x: 1, y: 2}, {x: "0.3", y: -7}])],
              derivation=square, mutants=mutants, depth="general"),
        Claim("toy.alg.dream", "Toy 2", "freshman's dream", DREAM, "refuted",
              [identity_evidence(), counterexample({x: 1, y: 2})],
              corrects="toy.alg.square", note=r"The cross term $2xy$ is missing.",
              mutants=(Mutant("corrected", SQUARE, why="the cross term restored"),), depth="general"),
    ]
    return Topic("toy", "Toy topic", claims, intro=r"A topic for testing the faces.", figures=_toy_figures)


@pytest.fixture
def toy(monkeypatch):
    def use(**kw):
        t = toy_topic(**kw)
        monkeypatch.setattr(topic_mod, "load_topics", lambda: [t])
        monkeypatch.setattr(build_mod, "load_topics", lambda: [t])
        from verify.core import runner
        monkeypatch.setattr(runner, "_CACHE", {})
        return t
    return use


def test_a_crashing_check_is_reported_and_the_run_goes_on(toy, monkeypatch, capsys):
    t = toy()
    from verify.core.claim import Evidence

    def crash():
        raise RuntimeError("kernel exploded")

    broken = Claim("toy.alg.broken", "Toy 3", "broken check", "x", "holds", [Evidence("numpy", crash)])
    t2 = Topic("toy", "Toy topic", [*t.claims, broken])
    monkeypatch.setattr(topic_mod, "load_topics", lambda: [t2])
    assert main(["prove", "--no-progress"]) == 1
    out = capsys.readouterr().out
    assert "2/3 verdicts as recorded" in out
    assert "RuntimeError: kernel exploded" in out


def test_list(toy, capsys):
    toy()
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "toy.alg.square" in out and "Toy 2" in out


def test_prove_table_and_exit_status(toy, capsys):
    toy()
    assert main(["prove", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "2/2 verdicts as recorded" in out
    assert "1 step from the left side to the right side verified" in out


def test_prove_fails_when_a_verdict_differs(toy, capsys):
    toy(wrong_record=True)
    assert main(["prove", "--no-progress"]) == 1
    out = capsys.readouterr().out
    assert "≠ recorded" in out and "1/2 verdicts as recorded" in out


def test_prove_json(toy, capsys):
    toy()
    assert main(["prove", "--json", "--no-progress", "toy.alg.dream"]) == 0
    (rec,) = json.loads(capsys.readouterr().out)
    assert {"id", "source", "statement", "recorded", "verdict", "evidence"} <= rec.keys()
    assert rec["verdict"] == "refuted" and rec["recorded"] == "refuted"
    assert {e["kind"] for e in rec["evidence"]} == {"symbolic", "counterexample"}
    assert all({"kind", "status", "figure", "seconds"} <= e.keys() for e in rec["evidence"])


def test_unknown_id_suggests_and_exits_2(toy, capsys):
    toy()
    assert main(["prove", "toy.alg.sqare"]) == 2
    err = capsys.readouterr().err
    assert "no claim matches 'toy.alg.sqare'" in err and "toy.alg.square" in err


def test_unknown_selector_hints(toy, capsys):
    toy()
    assert main(["list", "toy.alg.dre"]) == 2
    assert "'toy.alg.dre*' (1 ids start with it)" in capsys.readouterr().err
    assert main(["list", "zzz"]) == 2
    assert "a prefix: toy" in capsys.readouterr().err


def test_prefix_selection(toy, capsys):
    toy()
    assert main(["list", "--json", "toy.alg"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 2
    assert main(["list", "--json", "toy.alg.d*"]) == 0
    assert [c["id"] for c in json.loads(capsys.readouterr().out)] == ["toy.alg.dream"]


def test_no_command_prints_help(capsys):
    assert main([]) == 2
    assert "verify prove" in capsys.readouterr().out


def test_bad_jobs_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["prove", "--jobs", "0"])
    assert exc.value.code == 2
    assert "positive integer" in capsys.readouterr().err


def test_report_tex_only_is_deterministic(toy, tmp_path, capsys):
    toy()
    assert main(["report", "--tex-only", "-o", str(tmp_path / "a"), "--no-progress"]) == 0
    assert main(["report", "--tex-only", "-o", str(tmp_path / "b"), "--no-progress"]) == 0
    a = (tmp_path / "a/derivations/toy.tex").read_bytes()
    assert a == (tmp_path / "b/derivations/toy.tex").read_bytes()
    text = a.decode()
    assert r"\section{Toy topic}" in text and r"\dstep{1}{expand}" in text and "Corrects" in text
    assert not (tmp_path / "a/report.tex").exists()


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_report_builds_a_pdf_and_leaves_no_junk(toy, tmp_path, capsys):
    toy()
    out = tmp_path / "rep"
    assert main(["report", "-o", str(out), "--no-progress"]) == 0
    pdf = out / "report.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    assert names == ["derivations", "derivations/toy.tex", "figures", "figures/toy.pdf", "measured.tex", "report.pdf",
                     "report.tex"]


def test_report_without_pdflatex_says_so(toy, tmp_path, monkeypatch, capsys):
    toy()
    monkeypatch.setattr(build_mod.shutil, "which", lambda name: None)
    out = tmp_path / "rep"
    assert main(["report", "-o", str(out), "--no-progress"]) == 0
    err = capsys.readouterr().err
    assert "pdflatex not found" in err and "texlive" in err
    assert (out / "report.tex").exists() and not (out / "report.pdf").exists()


def test_prove_mutants_killed_exit_0_and_json(toy, capsys):
    toy()
    assert main(["prove", "--mutants", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "mutants killed: 2/2" in out
    assert main(["prove", "--mutants", "--json", "--no-progress"]) == 0
    recs = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    m = recs["toy.alg.square"]["mutants"][0]
    assert m["mutant"] == "dropped_term" and m["killed"] and m["verdict"] == "refuted"
    assert recs["toy.alg.dream"]["mutants"][0]["verdict"] == "holds"
    assert recs["toy.alg.dream"]["certified_counterexample"] is True


def test_prove_fails_when_a_mutant_survives(toy, capsys):
    toy(weak_mutant=True)
    assert main(["prove", "--mutants", "--no-progress"]) == 1
    out = capsys.readouterr().out
    assert "survived" in out and "toy.alg.square[mutant:reordered]" in out


# --- the terminal at 80 columns, plain text, one command for everything ----------------------------------------


def _long_id_topic():
    """A toy claim with a long id and a LaTeX-heavy statement and condition."""
    long_id = "toy.alg.a_rather_long_claim_identifier_x"
    cond = sp.Eq(x, 0)
    claim = Claim(long_id, "Toy 3", "a product that vanishes under its condition", Rel(x * y, 0), "holds_if",
                  [at_points([{x: 0, y: 2}], about="condition"), counterexample({x: 1, y: 2})],
                  condition=cond)
    return long_id, claim


def test_list_at_80_columns_keeps_ids_whole_and_prints_plain_text(toy, monkeypatch, capsys):
    t = toy()
    long_id, claim = _long_id_topic()
    monkeypatch.setattr(topic_mod, "load_topics", lambda: [Topic("toy", "Toy topic", [*t.claims, claim])])
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 80
    assert long_id in out, "a claim id was cut"
    assert "\\" not in out and "$" not in out, "raw LaTeX in the table"
    assert "(x + y)^2" in out and "if x = 0" in out


def test_list_ids_are_cut_without_the_id_column_width(toy, monkeypatch, capsys):
    """The mutant of the check above: a table at 80 columns with a narrow id column cuts the long id."""
    import verify.progress as progress

    t = toy()
    long_id, claim = _long_id_topic()
    monkeypatch.setattr(topic_mod, "load_topics", lambda: [Topic("toy", "Toy topic", [*t.claims, claim])])
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setattr(progress, "_id_width", lambda ids: 12)
    monkeypatch.setattr(progress, "NARROW", 0)
    main(["list"])
    assert long_id not in capsys.readouterr().out


def test_prove_at_80_columns(toy, monkeypatch, capsys):
    t = toy()
    long_id, claim = _long_id_topic()
    monkeypatch.setattr(topic_mod, "load_topics", lambda: [Topic("toy", "Toy topic", [*t.claims, claim])])
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["prove", "--no-progress", "--mutants"]) == 0
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines() if "pytest" not in line) <= 80
    assert long_id in out and "holds_if" in out and "if x = 0" in out
    assert "\\" not in out.split("mutants killed")[0]


def test_report_prints_the_prove_table_and_its_status(toy, tmp_path, capsys):
    toy()
    assert main(["report", "--tex-only", "-o", str(tmp_path / "r"), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "verify prove: 2 claims" in out and "2/2 verdicts as recorded" in out and "mutants killed: 2/2" in out
    toy(wrong_record=True)
    assert main(["report", "--tex-only", "-o", str(tmp_path / "s"), "--no-progress"]) == 1
    assert "1/2 verdicts as recorded" in capsys.readouterr().out


def test_report_computes_each_piece_of_evidence_once(toy, tmp_path, monkeypatch):
    import verify.core.runner as runner

    t = toy()
    calls = []
    real = runner.run_many

    def counting(todo, jobs=1):
        todo = list(todo)
        calls.extend(k for k, _, _ in todo)
        return real(todo, jobs=jobs)

    monkeypatch.setattr(runner, "run_many", counting)
    assert main(["report", "--tex-only", "-o", str(tmp_path / "r"), "--no-progress"]) == 0
    assert len(calls) == len(set(calls)) > 0
    n_items = sum(len(c.evidence) for c in t.claims) + sum(len(c.mutants) * len(c.evidence) for c in t.claims)
    assert len(calls) == n_items


def test_no_pdflatex_hint_says_how_to_compile(toy, tmp_path, monkeypatch, capsys):
    toy()
    monkeypatch.setattr(build_mod.shutil, "which", lambda name: None)
    main(["report", "-o", str(tmp_path / "rep"), "--no-progress"])
    err = capsys.readouterr().err
    assert "latexmk -pdf report.tex" in err and "twice" not in err


def test_extra_sections_are_placed_front_and_appendix(toy, tmp_path):
    from verify.core.runner import run_evidence, run_mutants
    from verify.report.build import ReportSection, render_main

    t = toy()
    res = {t.name: run_evidence(t.claims)}
    mut = {t.name: run_mutants(t.claims)}
    tex = render_main([t], res, {}, mut, sections=[
        ReportSection("Third-party implementations", r"\emph{survey table}", "appendix"),
        ReportSection("A front note", "front body", "front")])
    assert tex.index("front body") < tex.index(r"\tableofcontents") < tex.index(r"\appendix") \
        < tex.index(r"\emph{survey table}")
    with pytest.raises(ValueError, match="placement"):
        ReportSection("x", "y", "middle")


def test_a_figure_that_names_no_claim_is_reported(toy, tmp_path, capsys):
    toy()
    main(["report", "-o", str(tmp_path / "rep"), "--no-progress"])
    assert "figures/toy.pdf: its caption names no claim" in capsys.readouterr().err


def test_a_figure_floats_at_the_claim_it_names(toy):
    from verify.core.runner import run_evidence, run_mutants
    from verify.report.build import render_main

    t = toy()
    res = {t.name: run_evidence(t.claims)}
    mut = {t.name: run_mutants(t.claims)}
    named = Figure("figures/toy.pdf", r"A toy figure (\texttt{toy.alg.square}).", "fig:toy")
    tex = render_main([t], res, {t.name: [named]}, mut)
    assert r"\expandafter\def\csname vf@toy.alg.square\endcsname{Figure~\ref{fig:toy}" in tex
    assert r"\expandafter\def\csname vff@toy.alg.square\endcsname{\begin{figure}" in tex
    assert "Figures: Toy topic" not in tex  # not repeated at the end of the topic
    unnamed = Figure("figures/toy.pdf", "A toy figure.", "fig:toy")
    tex = render_main([t], res, {t.name: [unnamed]}, mut)
    assert "vf@toy.alg.square" not in tex and "Figures: Toy topic" in tex
