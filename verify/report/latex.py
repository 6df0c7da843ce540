"""Render claims, their derivations and their evidence as LaTeX.

The output is deterministic: claims in declaration order, SymPy printed with a fixed ordering, no
timings, dates or paths.  Plain-text fields (titles, figures, details) are escaped; LaTeX fields (notes,
statements given as strings, ``Outcome.tex``) are passed through with non-ASCII characters mapped to
LaTeX so that pdflatex accepts them.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

import sympy

from ..core.claim import Claim, Step
from ..core.runner import ClaimResult
from ..core.topic import Topic

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
    "ℝ": r"\ensuremath{\mathbb{R}}", "∇": r"\ensuremath{\nabla}", "κ": r"\ensuremath{\kappa}",
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


def render_derivation(steps: Sequence[Step]) -> str:
    """One centred line per step, shrunk to the line width when it is wider (``\\fitmath``), the
    justification above it; a step with ``lhs=None`` continues the chain (``= rhs``)."""
    lines = []
    for n, step in enumerate(steps, 1):
        why = rf" {escape(step.why)}" if step.why else ""
        lhs = "" if step.lhs is None else tex(step.lhs) + " "
        lines.append(rf"\dstep{{{n}}}{{{why.strip()}}}{{{lhs}{_rel(step.relation)} {tex(step.rhs)}}}")
    return "\n".join(lines)


def _math_or_text(s: str) -> str:
    return tex(s) if "$" in s else f"${tex(s)}$"


def claim_label(claim_id: str) -> str:
    return f"claim:{claim_id}"


def render_claim(result: ClaimResult) -> str:
    c: Claim = result.claim
    out = [rf"\subsection{{\texttt{{{escape(c.id)}}}: {escape(c.title)}}}\label{{{claim_label(c.id)}}}"]
    rec = c.recorded.replace("_", r"\_")
    verdict = result.verdict.replace("_", r"\_")
    status = "" if result.ok else r" \textbf{(differs from the recorded verdict)}"
    out.append(rf"\noindent\textbf{{Source:}} {escape(c.source)}. \quad \textbf{{Recorded:}} {rec}. "
               rf"\quad \textbf{{Computed:}} {verdict}{status}.")
    if c.corrects:
        out.append(rf"\par\noindent\textbf{{Corrects:}} \texttt{{{escape(c.corrects)}}} "
                   rf"(\ref{{{claim_label(c.corrects)}}}).")
    if c.reading:
        out.append(rf"\par\noindent\textbf{{Reading:}} {escape(c.reading)}")
    if c.assumptions:
        out.append(r"\par\noindent\textbf{Assumptions:} " + "; ".join(_math_or_text(a) for a in c.assumptions) + ".")
    out.append(r"\par\noindent\textbf{Statement:}")
    out.append(_block(c.statement))
    if c.condition is not None:
        out.append(r"\noindent\textbf{Condition:}")
        out.append(_block(c.condition))
    if c.derivation:
        out.append(r"\noindent\textbf{Derivation} (every step checked by SymPy):")
        out.append(render_derivation(c.derivation))
    out.append(_evidence_table(result))
    extras = [rec.tex for rec in result.records if rec.tex]
    out.extend(unicode_to_latex(x) for x in extras)
    if c.note:
        out.append(r"\par\noindent " + unicode_to_latex(c.note.strip()))
    return "\n".join(out) + "\n"


def _block(obj: Any) -> str:
    """A statement or condition: text with inline ``$...$`` as a paragraph, anything else as display
    maths shrunk to the line width if needed."""
    if isinstance(obj, str) and "$" in obj:
        return r"\par " + tex(obj) + r"\par"
    return r"\fitdisplay{" + tex(obj) + "}"


def _evidence_table(result: ClaimResult) -> str:
    rows = []
    for rec in result.records:
        about = "" if rec.about == "statement" else " (given cond.)"
        mark = "" if rec.agrees else r" \textbf{!}"
        rows.append(rf"  \texttt{{{escape(rec.key)}}}{escape(about)} & {escape(rec.status)}{mark} & "
                    rf"{escape(rec.figure)} \\")
    # tabularx: the figure column takes exactly the width left, so a long key never pushes past the margin
    return ("\\par\\smallskip\\noindent{\\small\\begin{tabularx}{\\linewidth}{@{}l l X@{}}\n\\toprule\n"
            "  evidence & finding & figure \\\\\n\\midrule\n" + "\n".join(rows)
            + "\n\\bottomrule\n\\end{tabularx}}\\par\\smallskip")


def render_summary(results: Iterable[ClaimResult]) -> str:
    rows = []
    for r in results:
        mark = "" if r.ok else r" \textbf{!}"
        rows.append(rf"  \hyperref[{claim_label(r.claim.id)}]{{\texttt{{{escape(r.claim.id)}}}}} & "
                    rf"{escape(r.claim.source)} & {escape(r.claim.recorded)} & {escape(r.verdict)}{mark} \\")
    return ("{\\small\\begin{longtable}{@{}p{0.46\\linewidth} p{0.22\\linewidth} l l@{}}\n\\toprule\n"
            "claim & source & recorded & computed \\\\\n\\midrule\n\\endhead\n" + "\n".join(rows)
            + "\n\\bottomrule\n\\end{longtable}}")


def render_topic(topic: Topic, results: Sequence[ClaimResult]) -> str:
    """The whole section of one topic: the file written to ``derivations/<topic>.tex``."""
    head = [
        f"% derivations/{topic.name}.tex -- generated by `verify report` from the claim declarations",
        "% in verify/" + topic.name + "/; do not edit by hand (a test fails when this file is stale).",
        rf"\section{{{escape(topic.title)}}}\label{{sec:{topic.name}}}",
    ]
    if topic.intro:
        head.append(unicode_to_latex(topic.intro.strip()))
    head.append(r"\subsection*{Claims and verdicts}")
    head.append(render_summary(results))
    body = [render_claim(r) for r in results]
    return "\n".join(head) + "\n\n" + "\n".join(body)
