"""Render claims, their derivations and their evidence as LaTeX.

The output is deterministic: claims in declaration order, SymPy printed with a fixed ordering, no
timings, dates or paths.  Plain-text fields (titles, figures, details) are escaped; LaTeX fields (notes,
statements given as strings, ``Outcome.tex``) are passed through with non-ASCII characters mapped to
LaTeX so that pdflatex accepts them.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

import sympy

from ..core.claim import Claim, Squeeze, Step
from ..core.runner import ClaimResult, MutantResult
from ..core.statement import Statement, condition_latex
from ..core.topic import Topic
from .mathtext import heading, text_to_latex

#: Evidence kinds whose figures are exact or software-arithmetic (mpmath, arb, SymPy): the same on every
#: machine, so they may stand in the committed derivations.  Figures of other kinds (numpy, Monte Carlo,
#: torch) depend on the CPU's vector instructions and the BLAS build: the committed file refers to them by
#: key (``\verifymeasured{claim/key}``) and the report defines them from its own run.
PORTABLE_KINDS = ("symbolic", "mpmath", "counterexample")

_UNICODE = {
    "≠": r"\ensuremath{\neq}", "≤": r"\ensuremath{\leq}", "≥": r"\ensuremath{\geq}", "±": r"\ensuremath{\pm}",
    "×": r"\ensuremath{\times}", "·": r"\ensuremath{\cdot}", "−": "-", "–": "--", "—": "---", "…": r"\dots{}",
    "→": r"\ensuremath{\to}", "⇒": r"\ensuremath{\Rightarrow}", "∞": r"\ensuremath{\infty}", "≈": r"\ensuremath{\approx}",
    "∈": r"\ensuremath{\in}", "ᵀ": r"\ensuremath{^{\mathsf T}}", "²": r"\ensuremath{^2}", "³": r"\ensuremath{^3}",
    "√": r"\ensuremath{\surd}", "Σ": r"\ensuremath{\Sigma}", "Δ": r"\ensuremath{\Delta}", "λ": r"\ensuremath{\lambda}",
    "η": r"\ensuremath{\eta}", "σ": r"\ensuremath{\sigma}", "ω": r"\ensuremath{\omega}", "φ": r"\ensuremath{\varphi}",
    "μ": r"\ensuremath{\mu}", "ε": r"\ensuremath{\varepsilon}", "‖": r"\ensuremath{\|}", "∂": r"\ensuremath{\partial}",
    "⊥": r"\ensuremath{\perp}", "✓": "ok", "✗": "x", "’": "'", "‘": "`", "“": "``", "”": "''", "ä": r"\"a",
    "ö": r"\"o", "ü": r"\"u", "é": r"\'e", "ô": r"\^o", "∑": r"\ensuremath{\Sigma}", "≪": r"\ensuremath{\ll}",
    "≫": r"\ensuremath{\gg}", "∘": r"\ensuremath{\circ}", "⁻": r"\ensuremath{^{-}}", "¹": r"\ensuremath{^1}",
    "⁽": r"\ensuremath{^{(}}", "Â": r"\^A", "Ã": r"\~A", "∝": r"\ensuremath{\propto}",
    "½": r"\ensuremath{\tfrac12}", "\u0303": r"\textasciitilde{}", "⁾": r"\ensuremath{^{)}}", "←": r"\ensuremath{\leftarrow}",
    "₀": r"\ensuremath{_0}", "₃": r"\ensuremath{_3}", "₄": r"\ensuremath{_4}", "⁵": r"\ensuremath{^5}",
    "⁶": r"\ensuremath{^6}", "⁷": r"\ensuremath{^7}", "⁸": r"\ensuremath{^8}", "⁹": r"\ensuremath{^9}",
    "ⁿ": r"\ensuremath{^n}", "√": r"\ensuremath{\surd}", "𝔼": r"\ensuremath{\mathbb{E}}",
    "ℝ": r"\ensuremath{\mathbb{R}}", "Π": r"\ensuremath{\Pi}", "∏": r"\ensuremath{\prod}", "∇": r"\ensuremath{\nabla}", "κ": r"\ensuremath{\kappa}",
    "θ": r"\ensuremath{\theta}", "ρ": r"\ensuremath{\rho}", "π": r"\ensuremath{\pi}", "α": r"\ensuremath{\alpha}",
    "β": r"\ensuremath{\beta}", "γ": r"\ensuremath{\gamma}", "δ": r"\ensuremath{\delta}", "τ": r"\ensuremath{\tau}",
    "ℓ": r"\ensuremath{\ell}", "⁺": r"\ensuremath{^{+}}", "₁": r"\ensuremath{_1}",
    "₂": r"\ensuremath{_2}", "ₖ": r"\ensuremath{_k}", "ᵢ": r"\ensuremath{_i}", "ⱼ": r"\ensuremath{_j}",
    "⁰": r"\ensuremath{^0}", "⁴": r"\ensuremath{^4}", "⊕": r"\ensuremath{\oplus}", "≅": r"\ensuremath{\cong}",
    "↦": r"\ensuremath{\mapsto}", "⇔": r"\ensuremath{\Leftrightarrow}", "≡": r"\ensuremath{\equiv}", "ℕ": r"\ensuremath{\mathbb{N}}", "∀": r"\ensuremath{\forall}",
    "∃": r"\ensuremath{\exists}", "⟨": r"\ensuremath{\langle}", "⟩": r"\ensuremath{\rangle}", "\u00a0": "~",
}
_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
            "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "<": r"\textless{}",
            ">": r"\textgreater{}", "|": r"\textbar{}"}


def unicode_to_latex(s: str) -> str:
    """Map the non-ASCII characters we use to LaTeX; unknown ones become ``[U+XXXX]``."""
    out = []
    for ch in s:
        if ord(ch) < 128:
            out.append(ch)
        elif ch in _UNICODE:
            out.append(_UNICODE[ch])
        else:
            out.append(f"[U+{ord(ch):04X}]")
    return "".join(out)


def escape(text: str) -> str:
    """Escape plain text for LaTeX (special characters and non-ASCII)."""
    return unicode_to_latex("".join(_SPECIAL.get(ch, ch) for ch in str(text)))


def tex(obj: Any) -> str:
    """LaTeX for a SymPy object (deterministic ordering) or a LaTeX string (passed through)."""
    if isinstance(obj, str):
        return unicode_to_latex(obj)
    return sympy.latex(obj, order="lex")


def _rel(rel: str) -> str:
    return {"==": "=", "<=": r"\le", "<": "<", ">=": r"\ge", ">": ">"}[rel]


def render_derivation(steps: Sequence[Step], start: Any = None) -> str:
    """One centred line per step, shrunk to the line width when it is wider (``\\fitmath``), the
    justification above it.  ``start`` is the statement's left side the chain begins at (shown on the first
    step); a step with ``lhs=None`` continues the chain (``= rhs``); a lemma is set apart as "Lemma"; a
    step that restates the current expression shows its left side (the link is checked)."""
    lines = []
    first = True
    for n, step in enumerate(steps, 1):
        if isinstance(step, Squeeze):
            lines.append(rf"\dstep{{{n}}}{{squeeze: {text_to_latex(step.why)}}}{{{tex(step.lower)} \le f \le "
                         rf"{tex(step.upper)}}}")
            for label, sub in (("lower", step.lower_steps), ("upper", step.upper_steps)):
                if sub:
                    lines.append(rf"\par\noindent{{\small ({n}, {label} bound)}}" + "\n"
                                 + render_derivation(sub))
            first = False
            continue
        why = text_to_latex(step.why) if step.why else ""
        if step.lemma:
            lines.append(rf"\dstep{{Lemma {n}}}{{{why}}}{{{tex(step.lhs)} {_rel(step.relation)} {tex(step.rhs)}}}")
            continue
        if step.lhs is not None:
            lhs = tex(step.lhs) + " "
        elif first and start is not None:
            lhs = tex(start) + " "
        else:
            lhs = ""
        first = False
        lines.append(rf"\dstep{{{n}}}{{{why}}}{{{lhs}{_rel(step.relation)} {tex(step.rhs)}}}")
    return "\n".join(lines)


def _math_or_text(s: str) -> str:
    return tex(s) if "$" in s else f"${tex(s)}$"


def breakable_id(claim_id: str) -> str:
    """A claim id for ``\\texttt`` that may break after its dots and underscores."""
    return escape(claim_id).replace(".", r".\allowbreak{}").replace(r"\_", r"\_\allowbreak{}")


def claim_label(claim_id: str) -> str:
    return f"claim:{claim_id}"


_DEPTH = {"general": "proved in general", "fixed-size": "proved at fixed sizes", "numeric": "numeric evidence only"}


def render_claim(result: ClaimResult, mutants: Sequence[MutantResult] = ()) -> str:
    c: Claim = result.claim
    out = [rf"\subsection{{\texttt{{{escape(c.id)}}}: {heading(c.title)}}}\label{{{claim_label(c.id)}}}"]
    rec = c.recorded.replace("_", r"\_")
    verdict = result.verdict.replace("_", r"\_")
    status = "" if result.ok else r" \textbf{(differs from the recorded verdict)}"
    depth = ""
    if c.depth:
        depth = (rf" \quad \textbf{{Depth:}} {_DEPTH[c.depth]}"
                 + (f" ({text_to_latex(c.depth_note)})" if c.depth_note else "") + ".")
    out.append(rf"\noindent\textbf{{Source:}} {escape(c.source)}. \quad \textbf{{Recorded:}} {rec}. "
               rf"\quad \textbf{{Computed:}} {verdict}{status}.{depth}")
    # the figures that show this claim: defined by the report (figures are drawn at report time)
    out.append(rf"\verifyfigures{{{c.id}}}")
    if c.corrects:
        out.append(rf"\par\noindent\textbf{{Corrects:}} \texttt{{{escape(c.corrects)}}} "
                   rf"(\ref{{{claim_label(c.corrects)}}}).")
    if c.reading:
        out.append(rf"\par\noindent\textbf{{Reading:}} {text_to_latex(c.reading)}")
    if c.assumptions:
        out.append(r"\par\noindent\textbf{Assumptions:} " + "; ".join(_math_or_text(a) for a in c.assumptions) + ".")
    if isinstance(c.statement, Statement):
        if c.display:
            out.append(r"\par\noindent\textbf{Statement:}")
            out.append(_block(c.display))
            out.append(r"\noindent\textbf{Checked as} (the SymPy statement every piece of evidence reads):")
        else:
            out.append(r"\par\noindent\textbf{Statement} (the SymPy statement every piece of evidence reads):")
        out.extend(_block(p.latex()) for p in c.statement.parts())
    else:
        out.append(r"\par\noindent\textbf{Statement} (text only: not read by the evidence):")
        out.append(_block(c.statement))
    if c.condition is not None:
        out.append(r"\noindent\textbf{Condition:}")
        out.append(_block(condition_latex(c.condition)))
    if c.derivation:
        start = _chain_start(c)
        out.append(r"\noindent\textbf{Derivation} (from the left side to the right side of the statement, "
                   r"every step checked by SymPy):")
        out.append(render_derivation(c.derivation, start))
    out.append(_evidence_table(result))
    if mutants:
        out.append(_mutant_table(mutants))
    extras = [rec.tex for rec in result.records if rec.tex and rec.kind in PORTABLE_KINDS]
    out.extend(unicode_to_latex(x) for x in extras)
    if c.note:
        out.append(r"\par\noindent " + unicode_to_latex(straight_quotes(c.note.strip())))
    return "\n".join(out) + "\n"


def straight_quotes(latex: str) -> str:
    """``\\"`` written for a double quote (``convention=\\"seed-code\\"``) is LaTeX's umlaut accent: set it
    as a straight quote.  An umlaut on a vowel (``\\"a``) stays."""
    import re

    return re.sub(r'\\"(?![aeiouyAEIOUY])', r"\\textquotedbl{}", latex)


def _block(obj: Any) -> str:
    """A statement or condition: text with inline ``$...$`` as a paragraph, anything else as display
    maths shrunk to the line width if needed."""
    if isinstance(obj, str) and "$" in obj:
        return r"\par " + tex(obj) + r"\par"
    return r"\fitdisplay{" + tex(obj) + "}"


def _chain_start(c: Claim) -> Any:
    """The left side the claim's derivation starts at (of the first part, for a conjunction)."""
    parts = c.statement.parts() if isinstance(c.statement, Statement) else ()
    if not parts:
        return None
    from ..core.statement import Lim, Rel

    p = parts[0]
    return p.lhs if isinstance(p, Rel) else (p.limit_expr() if isinstance(p, Lim) else None)


def measured_key(rec: Any) -> str:
    """The name under which a machine-dependent figure is defined in the report (``claim/key``)."""
    return f"{rec.claim_id}/{rec.key}"


def _figure_cell(rec: Any) -> str:
    if rec.kind in PORTABLE_KINDS:
        return escape(rec.figure)
    return rf"\verifymeasured{{{measured_key(rec)}}}"


def _mutant_table(mutants: Sequence[MutantResult]) -> str:
    rows = []
    for m in mutants:
        mark = "killed" if m.killed else r"\textbf{survived}"
        rows.append(rf"  \texttt{{{escape(m.mutant.name)}}} & {text_to_latex(m.mutant.why)} & {escape(m.expected)} & "
                    rf"{escape(m.verdict)}, {mark} \\")
    killed = sum(m.killed for m in mutants)
    return ("\\par\\noindent\\textbf{Mutants} (" + f"{killed}/{len(mutants)} killed" + "): the statement changed the "
            "way the seed goes wrong, run through the same evidence.\\par\\smallskip\\noindent{\\small"
            "\\begin{tabularx}{\\linewidth}{@{}l X l l@{}}\n\\toprule\n  mutant & change & expected & decided \\\\\n"
            "\\midrule\n" + "\n".join(rows) + "\n\\bottomrule\n\\end{tabularx}}\\par\\smallskip")


def _evidence_table(result: ClaimResult) -> str:
    rows = []
    for rec in result.records:
        about = "" if rec.about == "statement" else " (given cond.)"
        mark = "" if rec.agrees else r" \textbf{!}"
        cert = r" \emph{(certified)}" if rec.data.get("certified") is True and rec.kind in PORTABLE_KINDS else ""
        rows.append(rf"  \texttt{{{escape(rec.key)}}}{escape(about)} & {escape(rec.status)}{mark} & "
                    rf"{_figure_cell(rec)}{cert} \\")
    # tabularx: the figure column takes exactly the width left, so a long key never pushes past the margin
    return ("\\par\\smallskip\\noindent{\\small\\begin{tabularx}{\\linewidth}{@{}l l X@{}}\n\\toprule\n"
            "  evidence & finding & figure \\\\\n\\midrule\n" + "\n".join(rows)
            + "\n\\bottomrule\n\\end{tabularx}}\\par\\smallskip")


def render_summary(results: Iterable[ClaimResult], mutants: Sequence[MutantResult] = ()) -> str:
    """The table of a topic's claims: id (linked to its section) beside the statement's short form, where
    in the seed, the computed verdict, the depth of the proof and the mutants killed.  Refuted rows are
    tinted and their verdict set in bold; a verdict that differs from the recorded one is marked ``!``."""
    killed: dict[str, list[bool]] = {}
    for m in mutants:
        killed.setdefault(m.claim.id, []).append(m.killed)
    rows = []
    for r in results:
        mark = "" if r.ok else r" \textbf{!}"
        k = killed.get(r.claim.id, [])
        depth = {"general": "general", "fixed-size": "fixed size", "numeric": "numeric"}.get(r.claim.depth, "")
        verdict = escape(r.verdict)
        tint = ""
        if r.verdict == "refuted":
            verdict = rf"\textbf{{{verdict}}}"
            tint = r"\rowcolor{refutedrow}"
        rows.append(rf"  {tint}\hyperref[{claim_label(r.claim.id)}]{{\texttt{{{breakable_id(r.claim.id)}}}}} & "
                    rf"{text_to_latex(r.claim.title)} & {escape(r.claim.source)} & {verdict}{mark} & "
                    rf"{escape(depth)} & {sum(k)}/{len(k)} \\")
    col = r">{\raggedright\arraybackslash}p"
    return ("{\\footnotesize\\setlength{\\tabcolsep}{3pt}"
            f"\\begin{{longtable}}{{@{{}}{col}{{0.22\\linewidth}} {col}{{0.33\\linewidth}} "
            f"{col}{{0.16\\linewidth}} l l l@{{}}}}\n\\toprule\n"
            "claim & statement (short form) & source & verdict & depth & mutants \\\\\n\\midrule\n\\endhead\n"
            + "\n".join(rows) + "\n\\bottomrule\n\\end{longtable}}")


def render_topic(topic: Topic, results: Sequence[ClaimResult], mutants: Sequence[MutantResult] = ()) -> str:
    """The whole section of one topic: the file written to ``derivations/<topic>.tex``.

    It holds only what is the same on every machine: statements, derivations, findings, exact and
    high-precision figures, mutant verdicts.  Machine-dependent figures (numpy, Monte Carlo) appear as
    ``\\verifymeasured{claim/key}``, defined by the report from its own run (:func:`render_measured`).
    """
    by_claim: dict[str, list[MutantResult]] = {}
    for m in mutants:
        by_claim.setdefault(m.claim.id, []).append(m)
    head = [
        f"% derivations/{topic.name}.tex -- generated by `verify report` from the claim declarations",
        "% in verify/" + topic.name + "/; do not edit by hand (a test fails when this file is stale).",
        r"\providecommand{\verifymeasured}[1]{(measured at run time: see \texttt{verify prove --json})}",
        r"\providecommand{\verifyfigures}[1]{}",
        rf"\section{{{escape(topic.title)}}}\label{{sec:{topic.name}}}",
    ]
    if topic.intro:
        head.append(unicode_to_latex(topic.intro.strip()))
    head.append(r"\subsection*{Claims and verdicts}")
    head.append(render_summary(results, mutants))
    body = [render_claim(r, by_claim.get(r.claim.id, ())) for r in results]
    return "\n".join(head) + "\n\n" + "\n".join(body)


def render_measured(results: Iterable[ClaimResult]) -> str:
    """``\\verifymeasured`` and one definition per machine-dependent figure of this run (report only)."""
    lines = [r"\makeatletter", r"\newcommand{\verifymeasured}[1]{\@ifundefined{vm@#1}{(not measured)}"
             r"{\csname vm@#1\endcsname}}"]
    for r in results:
        for rec in r.records:
            if rec.kind not in PORTABLE_KINDS:
                lines.append(rf"\expandafter\def\csname vm@{measured_key(rec)}\endcsname{{{escape(rec.figure)}}}")
    lines.append(r"\makeatother")
    return "\n".join(lines) + "\n"
