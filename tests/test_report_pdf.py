"""The real report, built once: it compiles until its references settle, nothing runs into the margin,
every contents entry points to the page its heading is on, the front pages say what the seed gets wrong,
every figure names its claims and every such claim refers to its figure, and the PDF carries metadata."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from verify import __version__
from verify.core import load_topics, run_evidence
from verify.core.runner import run_mutants
from verify.report.build import (MAX_LATEX_RUNS, REPORT_SUBJECT, REPORT_TITLE, compile_until_settled,
                                 figure_claims, render_main, write_derivations)
from verify.report.front import wrong_in_seed
from verify.report.latex import render_measured
from verify.report.navigation import TocEntry, page_texts, toc_entries, toc_mismatches

pytestmark = pytest.mark.skipif(shutil.which("pdflatex") is None or shutil.which("pdftotext") is None,
                                reason="pdflatex or pdftotext (poppler) is not installed")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The full report (every claim, every mutant, every figure) compiled in a scratch folder."""
    out = tmp_path_factory.mktemp("report")
    topics = load_topics()
    results = {t.name: run_evidence(t.claims, jobs=2) for t in topics}
    mutants = {t.name: run_mutants(t.claims, jobs=2) for t in topics}
    write_derivations(out / "derivations", topics, results, mutants)
    figdir = out / "figures"
    figdir.mkdir()
    figures = {t.name: list(t.figures(figdir)) for t in topics if t.figures is not None}
    (out / "measured.tex").write_text(render_measured(r for v in results.values() for r in v))
    tex = render_main(topics, results, figures, mutants)
    (out / "report.tex").write_text(tex)
    settled, runs, err = compile_until_settled(out, "report.tex")
    return {"dir": out, "topics": topics, "results": results, "figures": figures, "tex": tex,
            "settled": settled, "runs": runs, "err": err}


def test_references_settle(built):
    assert built["settled"], built["err"]
    assert 2 <= built["runs"] <= MAX_LATEX_RUNS


def test_no_overfull_lines(built):
    log = (built["dir"] / "report.log").read_text(errors="replace")
    overfull = re.findall(r"Overfull \\hbox \((.*?) too wide\).*\n(.*)", log)
    assert not overfull, f"{len(overfull)} overfull lines, e.g. {overfull[:3]}"


def test_every_contents_entry_points_to_its_page(built):
    entries = toc_entries((built["dir"] / "report.toc").read_text(errors="replace"))
    n_claims = sum(len(t.claims) for t in built["topics"])
    assert len(entries) >= n_claims + len(built["topics"])
    assert toc_mismatches(built["dir"] / "report.pdf", entries) == []


def test_a_contents_off_by_two_is_caught(built):
    """The mutant of the check above: every page number off by two (the bug of a twice-run pdflatex)."""
    entries = toc_entries((built["dir"] / "report.toc").read_text(errors="replace"))
    shifted = [TocEntry(e.level, e.number, e.needle, e.page - 2) for e in entries if e.page > 2]
    bad = toc_mismatches(built["dir"] / "report.pdf", shifted)
    assert len(bad) >= 0.9 * len(shifted)


def _squash(text: str) -> str:
    return re.sub(r"(?<=[._])\s+", "", text)


def test_front_pages_list_what_the_seed_gets_wrong(built):
    pages = page_texts(built["dir"] / "report.pdf", layout=False)
    contents_page = next(k for k, p in enumerate(pages) if p.startswith("Contents") or " Contents " in p[:200])
    front = _squash(" ".join(pages[:contents_page]))
    assert "What the seed gets wrong" in pages[0]
    by_id = {r.claim.id: r for v in built["results"].values() for r in v}
    wrong = wrong_in_seed(built["topics"], by_id)
    assert len(wrong) >= 10
    for r in wrong:
        assert r.claim.id in front, f"{r.claim.id} is not on the front pages"
        assert rf"\hyperref[claim:{r.claim.id}]" in built["tex"]
    # a statement of the seed that holds is not listed as wrong
    assert "pe.score.add_expansion" not in front
    assert "How to read a verdict" in front
    # no nearly empty front page (a paragraph spilling one line onto a page of its own)
    for k, page in enumerate(pages[:contents_page]):
        assert len(page.split()) > 150, f"front page {k + 1} is nearly empty: {page[:200]!r}"


def test_figures_name_their_claims_and_claims_refer_to_figures(built):
    ids = [c.id for t in built["topics"] for c in t.claims]
    named = set()
    for figs in built["figures"].values():
        for f in figs:
            claims = figure_claims(f, ids)
            assert claims, f"{f.path}: the caption names no claim"
            named.update(claims)
    tex = built["tex"]
    for cid in named:
        assert rf"\csname vf@{cid}\endcsname" in tex
    pages = " ".join(page_texts(built["dir"] / "report.pdf"))
    assert pages.count("Shown in Figure") + pages.count("Shown in Table") >= len(named)


def test_pdf_metadata(built):
    info = subprocess.run(["pdfinfo", str(built["dir"] / "report.pdf")], capture_output=True, text=True,
                          check=True).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    assert fields["Title"].strip() == REPORT_TITLE
    assert fields["Subject"].strip() == REPORT_SUBJECT
    assert __version__ in fields["Creator"] and __version__ in fields["Keywords"]
