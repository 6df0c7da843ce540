"""The report's front pages: what the seed gets wrong, what holds, what was added, how to read a verdict.

Everything here is generated from the claim declarations and the evidence of this run (the seed's
statement is the claim's ``display`` or statement, the decisive counterexample is the record that refuted
it, the correct statement is the claim that ``corrects`` it or the mutant that is its nearest true
statement, the condition of a ``holds_if`` claim is its ``condition``): nothing is typed in twice.
"""

from __future__ import annotations

from typing import Sequence

from ..core.claim import Claim
from ..core.runner import ClaimResult, EvidenceRecord, MutantResult
from ..core.statement import Statement, condition_latex
from ..core.topic import Topic
from .latex import breakable_id, claim_label, escape, tex, unicode_to_latex
from .mathtext import text_to_latex

#: Topics of the sheet that the seed did not attempt (the seed, line 216: "We did not attempt to do exercise
#: 3a,b"): every claim in them was added beyond the seed.
NOT_IN_SEED: tuple[str, ...] = ("oversmoothing",)

#: A correct statement whose LaTeX is longer than this is given in words (the mutant's description).
LONG_FORMULA = 260

#: Kinds whose refutation is exact or certified (preferred as the decisive counterexample), best first.
_DECISIVE_KINDS = ("counterexample", "symbolic", "mpmath", "numpy", "montecarlo", "torch")


def seed_claims(topics: Sequence[Topic]) -> list[Claim]:
    """The seed's own statements: claims of the topics the seed attempted that do not correct another."""
    return [c for t in topics if t.name not in NOT_IN_SEED for c in t.claims if not c.corrects]


def wrong_in_seed(topics: Sequence[Topic], results: dict[str, ClaimResult]) -> list[ClaimResult]:
    """The seed's statements that fail as written: computed ``refuted`` or ``holds_if`` (true only under
    a condition the seed does not state), in report order."""
    return [results[c.id] for c in seed_claims(topics)
            if c.id in results and results[c.id].verdict in ("refuted", "holds_if")]


def decisive_record(result: ClaimResult) -> EvidenceRecord | None:
    """The evidence that refutes the statement as the seed makes it: a certified counterexample first,
    then an exact (symbolic) refutation, then the others; ``None`` if no evidence refuted it."""
    refuting = [r for r in result.records if r.about == "statement" and r.status == "refuted"]
    if not refuting:
        return None

    def rank(r: EvidenceRecord) -> tuple[int, int]:
        kind = _DECISIVE_KINDS.index(r.kind) if r.kind in _DECISIVE_KINDS else len(_DECISIVE_KINDS)
        return (0 if r.data.get("certified") is True else 1, kind)

    return min(refuting, key=rank)


def one_line(rec: EvidenceRecord, limit: int = 150) -> str:
    """The record's figure as one line of plain text: the instance and the failing comparison (the arb
    enclosure is summarised by "certified")."""
    text = rec.figure.split("; arb:")[0].strip()
    text = " ".join(text.split()).replace("fails at : ", "fails: ")
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def _math_cell(latex: str, words: str = "") -> str:
    """A formula in a table cell, shrunk to the cell width when a little wider; when it would have to
    shrink below 60 % (unreadable) the plain-text ``words`` stand instead, if given."""
    if "$" in latex:
        return unicode_to_latex(latex)
    if words:
        return r"\fitcellor{" + tex(latex) + "}{" + words + "}"
    return r"\fitcell{" + tex(latex) + "}"


def seed_statement_latex(c: Claim) -> str:
    """How the seed states the claim: its ``display`` (the seed's wording) or the checked statement; its
    title when the formula is too wide for the column."""
    words = text_to_latex(c.title)
    if c.display:
        return _math_cell(c.display, words)
    if isinstance(c.statement, Statement):
        return _math_cell(c.statement.latex(), words)
    return _math_cell(str(c.statement), words)


def correct_statement_latex(result: ClaimResult, by_id: dict[str, Claim],
                            correctors: dict[str, list[Claim]]) -> str:
    """The correct statement: for ``holds_if`` the statement under its condition; for ``refuted`` the
    claim that corrects it (linked), else the mutant the evidence accepts (its nearest true statement)."""
    c = result.claim
    if result.verdict == "holds_if" and c.condition is not None:
        cell = r"holds if " + _math_cell(condition_latex(c.condition), r"\emph{its condition} (see the claim)")
        first = (c.reading or "").split(". ")[0].rstrip(".")
        if "condition" in first:  # the condition's symbols are the claim's own: its reading says what they mean
            if len(first) > 160:
                first = first[:159].rstrip() + "…"
            cell += rf"\newline{{\scriptsize {text_to_latex(first)}.}}"
        return cell
    fixes = correctors.get(c.id, [])
    if fixes:
        f = fixes[0]
        formula = f.display or (f.statement.latex() if isinstance(f.statement, Statement) else str(f.statement))
        return (_math_cell(formula, r"\emph{in words:}")
                + rf"\newline{{\scriptsize {text_to_latex(f.title)} (\ref{{{claim_label(f.id)}}})}}")
    true_mutants = [m for m in c.mutants if m.expected_verdict(c.recorded) == "holds" and m.statement is not None]
    if true_mutants:
        m = true_mutants[0]
        stmt = m.statement.latex() if isinstance(m.statement, Statement) else str(m.statement)
        if len(stmt) > LONG_FORMULA:  # shrunk to the cell it would be unreadable: the mutant's words say it
            return text_to_latex(m.why) + rf" (\ref{{{claim_label(c.id)}}})"
        return _math_cell(stmt, r"\emph{(in the claim)}") + rf"\newline{{\scriptsize {text_to_latex(m.why)}}}"
    return r"\emph{(no correction stated)}"


def _verdict_cell(result: ClaimResult) -> str:
    if result.verdict == "holds_if":
        return r"holds only if"
    return r"\textbf{" + escape(result.verdict) + "}"


def render_wrong_table(topics: Sequence[Topic], results: dict[str, ClaimResult]) -> str:
    """The table "What the seed gets wrong": one row per failing statement of the seed."""
    by_id = {c.id: c for t in topics for c in t.claims}
    correctors: dict[str, list[Claim]] = {}
    for c in by_id.values():
        if c.corrects:
            correctors.setdefault(c.corrects, []).append(c)
    rows = []
    for r in wrong_in_seed(topics, results):
        c = r.claim
        rec = decisive_record(r)
        if rec is None:
            cex = r"\emph{no evidence refuted it}"
        else:
            cert = r" \emph{(certified)}" if rec.data.get("certified") is True else ""
            cex = rf"{escape(one_line(rec))}{cert}"
        # the id unbroken (it fits the column in \scriptsize): a reader can search for it
        where = (rf"\newline{{\scriptsize {escape(c.source)}: \hyperref[{claim_label(c.id)}]"
                 rf"{{\mbox{{\texttt{{{escape(c.id)}}}}}, p.~\pageref*{{{claim_label(c.id)}}}}}}}")
        rows.append(rf"  {seed_statement_latex(c)}{where} & {_verdict_cell(r)} & {{\scriptsize {cex}}} & "
                    rf"{correct_statement_latex(r, by_id, correctors)} \\ \midrule")
    if rows:
        rows[-1] = rows[-1].removesuffix(r" \midrule")
    col = r">{\raggedright\arraybackslash}p"
    return ("{\\small\\setlength{\\tabcolsep}{3pt}\\renewcommand{\\arraystretch}{1.15}"
            f"\\begin{{longtable}}{{@{{}}{col}{{0.33\\linewidth}} {col}{{0.085\\linewidth}} "
            f"{col}{{0.21\\linewidth}} {col}{{0.33\\linewidth}}@{{}}}}\n\\toprule\n"
            "the seed says (where; the claim) & verdict & decisive counterexample & the correct statement "
            "\\\\\n\\midrule\n\\endhead\n" + "\n".join(rows) + "\n\\bottomrule\n\\end{longtable}}")


def _counts(results: Sequence[ClaimResult]) -> dict[str, int]:
    out = {"holds": 0, "holds_if": 0, "refuted": 0, "other": 0}
    for r in results:
        out[r.verdict if r.verdict in out else "other"] += 1
    return out


def render_counts_table(topics: Sequence[Topic], results: dict[str, ClaimResult],
                        mutants: Sequence[MutantResult]) -> str:
    """Per topic: the seed's statements by computed verdict, the claims added beyond the seed, mutants."""
    rows = []
    for t in topics:
        res = [results[c.id] for c in t.claims if c.id in results]
        in_seed = t.name not in NOT_IN_SEED
        seed = [r for r in res if in_seed and not r.claim.corrects]
        added = [r for r in res if r not in seed]
        k = _counts(seed)
        a = _counts(added)
        muts = [m for m in mutants if any(m.claim.id == c.id for c in t.claims)]
        seed_cells = (f"{k['holds']} & {k['holds_if']} & {k['refuted']}" if in_seed
                      else r"\multicolumn{3}{c}{\emph{not attempted by the seed}}")
        rows.append(rf"  \hyperref[sec:{t.name}]{{{escape(t.title)}}} & {seed_cells} & {len(added)} "
                    rf"({a['holds']} hold, {a['holds_if']} hold if, {a['refuted']} refuted) & "
                    rf"{sum(m.killed for m in muts)}/{len(muts)} \\")
    return ("{\\footnotesize\\begin{tabular}{@{}l ccc l r@{}}\n\\toprule\n"
            " & \\multicolumn{3}{c}{the seed's statements} & added beyond the seed & mutants \\\\\n"
            "\\cmidrule(lr){2-4}\n topic & hold & hold if & refuted & (corrections, new claims) & killed \\\\\n"
            "\\midrule\n" + "\n".join(rows) + "\n\\bottomrule\n\\end{tabular}}")


HOW_TO_READ = (
    r"\paragraph{How to read a verdict.} Each claim has a \emph{recorded} verdict, written in its declaration, "
    r"and a \emph{computed} one, decided by this run from the evidence alone; where they differ the run fails "
    r"(marked \textbf{!}). \emph{holds}: every piece of evidence confirms the statement (an exact SymPy "
    r"derivation with every step checked, high-precision ladders, per-dtype numpy checks). \emph{refuted}: "
    r"evidence shows it false as written; a \emph{certified counterexample} is an instance where an interval "
    r"(arb) enclosure of the difference of the two sides excludes $0$: a proof, not a floating-point "
    r"observation. \emph{holds\_if}: false as written, true under the condition shown (both evidenced). "
    r"\emph{Depth}: proved in general, at fixed sizes, or numeric evidence only. A \emph{mutant} is the "
    r"statement changed the way the seed goes wrong (a factor, an off-by-one, a sign, a limit value, a dropped "
    r"condition), or for a refuted claim its nearest true statement; run through the same evidence it must be "
    r"decided differently (``killed''), which shows that the evidence can fail."
)


def render_front(topics: Sequence[Topic], results: dict[str, ClaimResult], mutants: Sequence[MutantResult],
                 version: str, sections: Sequence[tuple[str, str]] = ()) -> str:
    """Title, how to read a verdict, what the seed gets wrong (generated table), what holds and what was
    added (counts), and any extra front sections ``(title, latex)``; the contents follow."""
    all_res = [results[c.id] for t in topics for c in t.claims if c.id in results]
    wrong = wrong_in_seed(topics, results)
    n_ref = sum(r.verdict == "refuted" for r in wrong)
    n_if = len(wrong) - n_ref
    agree = sum(r.ok for r in all_res)
    seed_n = len([c for c in seed_claims(topics) if c.id in results])
    beyond = [t for t in topics if t.name in NOT_IN_SEED]
    beyond_wrong = [results[c.id] for t in beyond for c in t.claims
                    if c.id in results and results[c.id].verdict == "refuted" and not c.corrects]
    killed = sum(m.killed for m in mutants)
    seed_topics = ", ".join(t.title for t in topics if t.name not in NOT_IN_SEED)
    beyond_topics = ", ".join(t.title for t in beyond)
    out = [
        r"\begin{center}{\LARGE What the seed gets wrong}\\[0.4em]"
        r"{\large the worked solution of ML-Physics Sheet 11, claim by claim}\\[0.3em]"
        rf"{{\small generated by \texttt{{verify report}} (package version {escape(version)}); every verdict "
        r"computed by this run}\end{center}",
        rf"\noindent Of the seed's {seed_n} statements and code cells ({escape(seed_topics)}"
        + (rf"; not attempted: {escape(beyond_topics)}" if beyond_topics else "") + "), "
        rf"\textbf{{{n_ref} are false as written}} and \textbf{{{n_if} hold only under a condition the seed does "
        r"not state}. Each row names where the seed says it, how it fails, and the correct statement; the "
        r"claim's section holds the proof, the evidence and the mutants. Rows link to their claims.",
        r"{\small" + HOW_TO_READ + r"\par}",  # before the table: the reader needs it to read the table
        r"\section*{What the seed gets wrong}\addcontentsline{toc}{section}{What the seed gets wrong}"
        r"\label{sec:front-wrong}",
        render_wrong_table(topics, results),
        r"\section*{What holds, and what was added beyond the seed}",
        rf"\noindent The other {seed_n - len(wrong)} statements of the seed hold (the computed verdicts of all "
        rf"{len(all_res)} claims agree with the recorded ones: {agree} of {len(all_res)}; mutants killed: "
        rf"{killed} of {len(mutants)}). Beyond the seed, each refuted step has a claim proving the correct "
        r"statement" + (rf", and {escape(beyond_topics)}, which the seed did not attempt, is decided in full"
                       if beyond else "")
        + (rf"; {len(beyond_wrong)} statements common in the literature on it are refuted there ("
           + ", ".join(rf"\hyperref[{claim_label(r.claim.id)}]{{\texttt{{{breakable_id(r.claim.id)}}}}}"
                       for r in beyond_wrong) + ")" if beyond_wrong else "") + ".",
        r"\par\medskip\noindent" + render_counts_table(topics, results, mutants),
    ]
    for title, body in sections:
        out.append(rf"\section*{{{escape(title)}}}\addcontentsline{{toc}}{{section}}{{{escape(title)}}}")
        out.append(body)
    return "\n".join(out) + "\n"
