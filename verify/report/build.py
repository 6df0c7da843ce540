"""``verify report``: derivations (.tex), figures and one PDF through pdflatex."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Literal, Sequence

from ..core.io import write_atomic
from ..progress import run_with_progress
from ..core.runner import ClaimResult, MutantResult
from ..core.topic import Figure, Topic, load_topics
from .. import __version__
from .front import render_front
from .latex import escape, render_measured, render_topic

PREAMBLE = r"""\documentclass[11pt,a4paper]{article}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage[margin=2.2cm]{geometry}
\usepackage{amsmath,amssymb,mathtools}
\usepackage{booktabs,longtable,tabularx,array}
\usepackage[table]{xcolor}
\usepackage{graphicx}
\usepackage[hidelinks]{hyperref}
\definecolor{refutedrow}{rgb}{1,0.91,0.88}
\allowdisplaybreaks
% wide formulas are shrunk to the line width rather than running into the margin
\newsavebox{\verifybox}
\newcommand{\fitmath}[1]{\sbox{\verifybox}{$\displaystyle #1$}%
  \ifdim\wd\verifybox>\linewidth\resizebox{\linewidth}{!}{\usebox{\verifybox}}\else\usebox{\verifybox}\fi}
\newcommand{\fitdisplay}[1]{\par\smallskip\noindent\makebox[\linewidth]{\fitmath{#1}}\par\smallskip}
% a formula in a table cell (text style), shrunk to the cell width when wider
\newcommand{\fitcell}[1]{\sbox{\verifybox}{$#1$}%
  \ifdim\wd\verifybox>\linewidth\resizebox{\linewidth}{!}{\usebox{\verifybox}}\else\usebox{\verifybox}\fi}
% the same, or the words #2 instead when the formula would shrink below 60 % (unreadable)
\newcommand{\fitcellor}[2]{\sbox{\verifybox}{$#1$}%
  \ifdim\wd\verifybox>1.65\linewidth #2\else
  \ifdim\wd\verifybox>\linewidth\resizebox{\linewidth}{!}{\usebox{\verifybox}}\else\usebox{\verifybox}\fi\fi}
% one derivation step: number, justification, formula
\newcommand{\dstep}[3]{\par\noindent{\small(#1)~#2}\par\noindent\makebox[\linewidth]{\fitmath{#3}}\par}
% titles and notes carry long plain-text formulas with few break points: stretch spaces, not margins
\sloppy
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.4em}
% floats: fill a page with floats only when they cover most of it (no half-empty float pages)
\renewcommand{\topfraction}{0.85}
\renewcommand{\bottomfraction}{0.6}
\renewcommand{\textfraction}{0.1}
\renewcommand{\floatpagefraction}{0.75}
\setcounter{topnumber}{3}
\setcounter{totalnumber}{4}
"""

LATEX_INSTALL_HINT = ("install TeX Live (Debian/Ubuntu: apt-get install texlive-latex-base "
                      "texlive-latex-recommended texlive-fonts-recommended lmodern)")

#: pdflatex runs at most this many times: until the .aux and .toc files stop changing (page references,
#: the contents and longtable widths settle), normally three runs.
MAX_LATEX_RUNS = 5

REPORT_TITLE = "verify: what the seed gets wrong, claim by claim"
REPORT_SUBJECT = ("Computed verdicts on the claims of the worked solution of ML-Physics Sheet 11 (attention "
                  "positional encodings, GNN aggregation functions, oversmoothing)")


@dataclass(frozen=True)
class ReportSection:
    """An extra section of the report, supplied by a caller of :func:`build_report` (e.g. a table of
    third-party implementations checked against the references).

    ``title`` is plain text; ``latex`` is the body (LaTeX, passed through); ``placement`` is ``"front"``
    (after "How to read a verdict", before the contents) or ``"appendix"`` (after the last topic).
    """

    title: str
    latex: str
    placement: Literal["front", "appendix"] = "appendix"

    def __post_init__(self) -> None:
        if self.placement not in ("front", "appendix"):
            raise ValueError(f"ReportSection.placement must be 'front' or 'appendix', got {self.placement!r}")
        if not self.title.strip():
            raise ValueError("ReportSection.title must not be empty")


def topic_results(topics: Sequence[Topic], jobs: int, progress: bool
                  ) -> tuple[dict[str, list[ClaimResult]], dict[str, list[MutantResult]]]:
    """Every claim's evidence and every mutant, per topic."""
    claims = [c for t in topics for c in t.claims]
    res, mut = run_with_progress(claims, jobs, progress, mutants=True)
    results = {r.claim.id: r for r in res}
    mutants: dict[str, list[MutantResult]] = {}
    for m in mut:
        mutants.setdefault(m.claim.id, []).append(m)
    return ({t.name: [results[c.id] for c in t.claims] for t in topics},
            {t.name: [m for c in t.claims for m in mutants.get(c.id, [])] for t in topics})


def write_derivations(outdir: Path, topics: Sequence[Topic], results: dict[str, list[ClaimResult]],
                      mutants: dict[str, list[MutantResult]]) -> list[Path]:
    """Write ``outdir/<topic>.tex`` for each topic (deterministic: the same on every machine)."""
    return [write_atomic(outdir / f"{t.name}.tex", render_topic(t, results[t.name], mutants[t.name]))
            for t in topics]


def figure_claims(figure: Figure, claim_ids: Sequence[str]) -> list[str]:
    """The claims a figure names in its caption (``\\texttt{pe.kq.essentially\\_same}`` or a prefix
    ``\\texttt{os.mean.*}``), in declaration order."""
    named = [n.replace(r"\_", "_") for n in re.findall(r"\\texttt\{([a-z0-9_.\\*]+)\}", figure.caption)]
    out = []
    for cid in claim_ids:
        for n in named:
            if cid == n or (n.endswith(".*") and cid.startswith(n[:-1])):
                out.append(cid)
                break
    return out


def figure_float(f: Figure, placement: str = "tbp") -> str:
    """The float of one figure (or generated table, a ``.tex`` path) with its caption and label."""
    label = rf"\label{{{f.label}}}" if f.label else ""
    if f.path.endswith(".tex"):
        return (rf"\begin{{table}}[{placement}]\centering\caption{{{f.caption}}}{label}"
                rf"\input{{{f.path[:-4]}}}\end{{table}}")
    return (rf"\begin{{figure}}[{placement}]\centering"
            rf"\includegraphics[width=\linewidth,height=0.42\textheight,keepaspectratio]{{{f.path}}}"
            rf"\caption{{{f.caption}}}{label}\end{{figure}}")


def render_figure_refs(topics: Sequence[Topic], figures: dict[str, Sequence[Figure]]) -> tuple[str, set[str]]:
    """``\\verifyfigures{claim}``: for every claim a figure names, a reference to that figure, and the
    figure itself floated at the first claim that names it (near its text, not on a half-empty page at
    the end of the topic).  The derivations call the macro for every claim; it is empty for a claim
    without a figure.  Returns the definitions and the paths of the figures placed this way."""
    ids = [c.id for t in topics for c in t.claims]
    refs: dict[str, list[str]] = {}
    floats: dict[str, list[str]] = {}
    placed: set[str] = set()
    for figs in figures.values():
        for f in figs:
            if not f.label:
                continue
            named = figure_claims(f, ids)
            for cid in named:
                refs.setdefault(cid, []).append(f.label)
            if named:
                floats.setdefault(named[0], []).append(figure_float(f))
                placed.add(f.path)
    lines = [r"\makeatletter", r"\newcommand{\verifyfigures}[1]{\@ifundefined{vf@#1}{}"
             r"{\par\noindent\textbf{Shown in} \csname vf@#1\endcsname.}\@ifundefined{vff@#1}{}"
             r"{\csname vff@#1\endcsname}}"]
    for cid in ids:
        if cid in refs:
            items = ", ".join(rf"{_float_name(lab)}~\ref{{{lab}}} (p.~\pageref{{{lab}}})" for lab in refs[cid])
            lines.append(rf"\expandafter\def\csname vf@{cid}\endcsname{{{items}}}")
        if cid in floats:
            lines.append(rf"\expandafter\def\csname vff@{cid}\endcsname{{{''.join(floats[cid])}}}")
    lines.append(r"\makeatother")
    return "\n".join(lines), placed


def _float_name(label: str) -> str:
    return "Table" if label.startswith("tab:") else "Figure"


def render_main(topics: Sequence[Topic], results: dict[str, list[ClaimResult]],
                figures: dict[str, Sequence[Figure]], mutants: dict[str, list[MutantResult]] | None = None,
                sections: Sequence[ReportSection] = ()) -> str:
    """``report.tex``: metadata, the front pages (:mod:`verify.report.front`), the contents, one section
    per topic with its figures, then the appendix ``sections``."""
    muts = [m for v in (mutants or {}).values() for m in v]
    by_id = {r.claim.id: r for v in results.values() for r in v}
    front = [(s.title, s.latex) for s in sections if s.placement == "front"]
    appendix = [s for s in sections if s.placement == "appendix"]
    meta = (rf"\hypersetup{{pdftitle={{{escape(REPORT_TITLE)}}}, pdfsubject={{{escape(REPORT_SUBJECT)}}}, "
            rf"pdfauthor={{verify report}}, pdfcreator={{verify {escape(__version__)} (pdfLaTeX)}}, "
            rf"pdfkeywords={{verify {escape(__version__)}, claims, positional encoding, GNN aggregation, "
            r"oversmoothing}}")
    refs, placed = render_figure_refs(topics, figures)
    lines = [PREAMBLE, meta, refs, r"\begin{document}", r"\input{measured}",
             render_front(topics, by_id, muts, __version__, front),
             r"\clearpage", r"\tableofcontents", r"\clearpage"]
    for t in topics:
        lines.append(rf"\input{{derivations/{t.name}}}")
        figs = [f for f in figures.get(t.name, ()) if f.path not in placed]  # figures no claim names
        if figs:
            lines.append(rf"\subsection{{Figures: {escape(t.title)}}}")
            lines.extend(figure_float(f) for f in figs)
        lines.append(r"\clearpage")
    if appendix:
        lines.append(r"\appendix")
        for s in appendix:
            lines.append(rf"\section{{{escape(s.title)}}}")
            lines.append(s.latex)
        lines.append(r"\clearpage")
    lines.append(r"\end{document}")
    return "\n".join(lines) + "\n"


def _settled_state(tmpdir: Path, tex_name: str) -> tuple[bytes, ...]:
    stem = Path(tex_name).stem
    return tuple((tmpdir / f"{stem}{ext}").read_bytes() if (tmpdir / f"{stem}{ext}").exists() else b""
                 for ext in (".aux", ".toc", ".out"))


def compile_until_settled(workdir: Path, tex_name: str = "report.tex", max_runs: int = MAX_LATEX_RUNS,
                          exe: str = "pdflatex") -> tuple[bool, int, str]:
    """Run pdflatex on ``workdir/tex_name`` until the .aux, .toc and .out files are the same after a run
    as before it (the page references, the contents, the bookmarks and the longtable widths have
    settled), at most ``max_runs`` times.  Returns (settled, runs, error message or "")."""
    env = dict(os.environ, SOURCE_DATE_EPOCH="0", FORCE_SOURCE_DATE="1")
    before = _settled_state(workdir, tex_name)
    for runs in range(1, max_runs + 1):
        proc = subprocess.run([exe, "-interaction=nonstopmode", "-halt-on-error", "-file-line-error", tex_name],
                              cwd=workdir, env=env, capture_output=True, text=True, errors="replace", timeout=300)
        if proc.returncode != 0:
            log = (workdir / tex_name).with_suffix(".log")
            text = log.read_text(errors="replace") if log.exists() else proc.stdout
            errs = [ln for ln in text.splitlines() if ln.startswith("!") or ".tex:" in ln][:12]
            return False, runs, "pdflatex failed:\n  " + "\n  ".join(errs or text.splitlines()[-15:])
        after = _settled_state(workdir, tex_name)
        if after == before:
            return True, runs, ""
        before = after
    return False, max_runs, f"the references had not settled after {max_runs} pdflatex runs"


def run_pdflatex(outdir: Path, tex_name: str = "report.tex", max_runs: int = MAX_LATEX_RUNS
                 ) -> tuple[bool, str]:
    """Compile ``outdir/tex_name`` in a scratch copy until the references settle
    (:func:`compile_until_settled`), then move the PDF into ``outdir`` atomically.
    Returns (success, message).  Auxiliary files never reach ``outdir``.
    """
    exe = shutil.which("pdflatex")
    if exe is None:
        return False, (f"pdflatex not found: wrote {outdir / tex_name}; {LATEX_INSTALL_HINT}, then run "
                       f"`latexmk -pdf {tex_name}` in {outdir} (or `pdflatex {tex_name}` until it stops "
                       f"warning that labels may have changed, three times as a rule)")
    with tempfile.TemporaryDirectory(prefix=".verify-latex-", dir=outdir) as tmp:
        tmpdir = Path(tmp)
        for item in ("derivations", "figures"):
            if (outdir / item).exists():
                shutil.copytree(outdir / item, tmpdir / item)
        if (outdir / "measured.tex").exists():
            shutil.copy2(outdir / "measured.tex", tmpdir / "measured.tex")
        shutil.copy2(outdir / tex_name, tmpdir / tex_name)
        settled, runs, err = compile_until_settled(tmpdir, tex_name, max_runs, exe)
        pdf = (tmpdir / tex_name).with_suffix(".pdf")
        if not pdf.exists():
            return False, err
        final = outdir / pdf.name
        os.replace(pdf, final)
    if not settled:
        return False, f"wrote {final}, but {err}: page numbers in the contents may be off"
    return True, f"wrote {final} ({runs} pdflatex runs)"


def build_report(outdir: Path, jobs: int = 2, tex_only: bool = False, progress: bool = True,
                 sections: Sequence[ReportSection] = (),
                 on_results: Callable[[list[ClaimResult], list[MutantResult]], int] | None = None) -> int:
    """Decide every claim (and run every mutant) once, and write the report; return the exit status.

    ``sections`` are extra sections (:class:`ReportSection`) placed in the front matter or the appendix.
    ``on_results(results, mutant_results)`` is called once the evidence is in, before anything is
    written: ``verify report`` prints the table of ``verify prove --mutants`` there and its returned
    status (0 when every verdict is as recorded and every mutant killed) joins the report's own.
    """
    topics = load_topics()
    results, mutants = topic_results(topics, jobs, progress)
    status = 0
    if on_results is not None:
        status = on_results([r for v in results.values() for r in v], [m for v in mutants.values() for m in v])
    paths = write_derivations(outdir / "derivations", topics, results, mutants)
    for p in paths:
        print(f"wrote {p}")
    bad = [r.claim.id for v in results.values() for r in v if not r.ok]
    survived = [m.test_id for v in mutants.values() for m in v if not m.killed]
    if bad:
        print(f"verify report: {len(bad)} computed verdicts differ from the recorded ones: {', '.join(bad)}",
              file=sys.stderr)
        status = 1
    if survived:
        print(f"verify report: {len(survived)} mutants survived: {', '.join(survived)}", file=sys.stderr)
        status = 1
    if tex_only:
        return status
    figures: dict[str, Sequence[Figure]] = {}
    figdir = outdir / "figures"
    figdir.mkdir(parents=True, exist_ok=True)
    for t in topics:
        if t.figures is not None:
            figures[t.name] = list(t.figures(figdir))
            for f in figures[t.name]:
                print(f"wrote {outdir / f.path}")
                if not figure_claims(f, [c.id for c in t.claims]):
                    print(f"verify report: {f.path}: its caption names no claim (\\texttt{{claim.id}} or "
                          f"\\texttt{{prefix.*}}); it stands at the end of its topic", file=sys.stderr)
    write_atomic(outdir / "measured.tex", render_measured(r for v in results.values() for r in v))
    write_atomic(outdir / "report.tex", render_main(topics, results, figures, mutants, sections))
    print(f"wrote {outdir / 'report.tex'}")
    ok, msg = run_pdflatex(outdir)
    print(msg if ok else f"verify report: {msg}", file=sys.stdout if ok else sys.stderr)
    if not ok and shutil.which("pdflatex") is not None:
        status = 1
    return status
