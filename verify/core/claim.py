"""Claims as data, and the rule that turns evidence into a verdict.

A :class:`Claim` is declared once: its id, where it stands in the seed, its statement, its assumptions and
the verdict we *record* for it.  Evidence (:class:`Evidence`) is attached to it; each piece of evidence
is a small callable that returns an :class:`Outcome` saying what it found about the proposition it tests.
The *computed* verdict is derived from those outcomes by :func:`decide`; ``verify prove`` fails when it
differs from the recorded one.

Propositions
------------
Every piece of evidence tests one of two propositions:

``about="statement"``
    the claim's statement exactly as the seed makes it (unconditionally).
``about="condition"``
    the statement restricted to the claim's ``condition`` (only for ``holds_if`` claims).

So a claim recorded ``holds_if`` carries evidence that the statement holds under its condition *and*
evidence (a counterexample) that it fails without it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Literal, Sequence

import sympy

#: What we record for a claim (and what evidence may conclude).
Recorded = Literal["holds", "refuted", "holds_if"]
#: What one piece of evidence concludes about its proposition.
Finding = Literal["holds", "refuted", "undecided"]
#: The status of a piece of evidence once run: a finding, or why there is none.
Status = Literal["holds", "refuted", "undecided", "timeout", "error"]
#: A computed claim verdict.
Verdict = Literal["holds", "refuted", "holds_if", "undecided", "inconsistent"]

RECORDED_VALUES = ("holds", "refuted", "holds_if")
EVIDENCE_KINDS = ("symbolic", "mpmath", "numpy", "counterexample", "montecarlo", "torch")
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


@dataclass(frozen=True)
class Outcome:
    """What one piece of evidence found.

    Parameters
    ----------
    finding:
        ``"holds"``, ``"refuted"`` or ``"undecided"`` for the proposition the evidence tests.
    figure:
        A short, *deterministic* summary with the decisive number, e.g. ``"max 1.5 ULP"``,
        ``"|Δ| = 3.1e-52 at 60 digits"``, ``"x=(0, 1): 1.5 ≠ 1"``.  Shown in the table, JSON and LaTeX.
    detail:
        Longer plain-text explanation (JSON and failing test messages).
    data:
        JSON-serialisable numbers backing the figure.
    tex:
        Optional LaTeX fragment for the report (a rendered counterexample, a table row ...).
    """

    finding: Finding
    figure: str
    detail: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    tex: str | None = None

    def __post_init__(self) -> None:
        if self.finding not in ("holds", "refuted", "undecided"):
            raise ValueError(f"Outcome.finding must be holds/refuted/undecided, got {self.finding!r}")


@dataclass(frozen=True)
class Evidence:
    """One check derived from a claim.

    ``run`` is called with no arguments in a forked child process under ``budget`` seconds
    (see :mod:`verify.core.budget`); it must return an :class:`Outcome`.
    """

    kind: str
    run: Callable[[], Outcome]
    label: str = ""
    about: Literal["statement", "condition"] = "statement"
    budget: float = 30.0
    description: str = ""

    def __post_init__(self) -> None:
        if self.kind not in EVIDENCE_KINDS:
            raise ValueError(f"Evidence.kind must be one of {EVIDENCE_KINDS}, got {self.kind!r}")
        if self.about not in ("statement", "condition"):
            raise ValueError(f"Evidence.about must be 'statement' or 'condition', got {self.about!r}")
        if not self.budget > 0:
            raise ValueError(f"Evidence.budget must be positive, got {self.budget!r}")

    @property
    def key(self) -> str:
        """Test-id suffix: ``kind`` or ``kind:label``."""
        return f"{self.kind}:{self.label}" if self.label else self.kind


@dataclass(frozen=True)
class Step:
    """One step of a derivation: ``lhs <relation> rhs``, checked by the symbolic engine.

    ``lhs=None`` continues from the previous step's ``rhs`` (a chain ``a = b = c``).
    ``relation`` is one of ``"=="``, ``"<="``, ``"<"``, ``">="``, ``">"``.
    ``check`` optionally replaces the default check: a callable returning ``True`` (step verified),
    ``False`` (step is false) or ``None`` (could not decide); it may also return ``(bool|None, str)``
    with an explanation.  ``why`` is the justification rendered beside the step.
    """

    lhs: Any
    rhs: Any
    relation: str = "=="
    why: str = ""
    check: Callable[[Any, Any], Any] | None = None

    def __post_init__(self) -> None:
        if self.relation not in ("==", "<=", "<", ">=", ">"):
            raise ValueError(f"Step.relation must be ==, <=, <, >= or >, got {self.relation!r}")


@dataclass(frozen=True)
class Claim:
    """A mathematical statement or code cell of the seed, declared once, as data.

    Parameters
    ----------
    id:
        Dotted, lower case: ``topic.group.name`` (``pe.score.add_expansion``).
    source:
        Where in the seed: ``"Ex 1a"``, ``"Ex 1b code cell [4]"``.
    title:
        One line, plain text.
    statement:
        A SymPy expression/relation (rendered with ``sympy.latex``) or a LaTeX string.
    recorded:
        ``"holds"``, ``"refuted"`` or ``"holds_if"``.
    condition:
        For ``holds_if``: the condition (SymPy or LaTeX string).
    assumptions:
        LaTeX strings stating the standing assumptions (``"p, n \\in \\mathbb{N}"``).
    reading:
        Which reading of an ambiguous OCR passage the claim uses.
    derivation:
        Steps (:class:`Step`) that prove the statement (or the corrected one); rendered to LaTeX and
        checked by the ``symbolic`` evidence built with :func:`verify.core.symbolic.derivation_evidence`.
    evidence:
        The checks that decide the claim.
    corrects:
        For a claim that states the correct version of a refuted seed step: that step's id.
    note:
        Prose (LaTeX allowed) shown in the report under the claim.
    """

    id: str
    source: str
    title: str
    statement: Any
    recorded: Recorded
    evidence: Sequence[Evidence]
    condition: Any = None
    assumptions: Sequence[str] = ()
    reading: str = ""
    derivation: Sequence[Step] = ()
    corrects: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        if not _ID_RE.match(self.id):
            raise ValueError(f"Claim.id must be dotted lower case like 'pe.score.add', got {self.id!r}")
        if self.recorded not in RECORDED_VALUES:
            raise ValueError(f"Claim {self.id}: recorded must be one of {RECORDED_VALUES}, got {self.recorded!r}")
        if self.recorded == "holds_if" and self.condition is None:
            raise ValueError(f"Claim {self.id}: recorded 'holds_if' needs a condition")
        if not self.evidence:
            raise ValueError(f"Claim {self.id}: a claim needs at least one piece of evidence")
        keys = [e.key for e in self.evidence]
        dup = {k for k in keys if keys.count(k) > 1}
        if dup:
            raise ValueError(f"Claim {self.id}: duplicate evidence keys {sorted(dup)}; give them labels")
        if self.recorded == "holds_if":
            abouts = {e.about for e in self.evidence}
            if abouts != {"statement", "condition"}:
                raise ValueError(
                    f"Claim {self.id}: a holds_if claim needs evidence about the condition and a "
                    f"counterexample about the unconditional statement"
                )
        elif any(e.about == "condition" for e in self.evidence):
            raise ValueError(f"Claim {self.id}: evidence about the condition only makes sense for holds_if")

    def expected_finding(self, evidence: Evidence) -> Finding:
        """The finding a piece of evidence must reach for the recorded verdict to stand."""
        if self.recorded == "holds":
            return "holds"
        if self.recorded == "refuted":
            return "refuted"
        return "holds" if evidence.about == "condition" else "refuted"

    def statement_text(self) -> str:
        """The statement as plain text (for the table and JSON)."""
        return _as_text(self.statement)

    def condition_text(self) -> str:
        return _as_text(self.condition) if self.condition is not None else ""


def _as_text(obj: Any) -> str:
    if isinstance(obj, str):
        return obj
    if isinstance(obj, sympy.Basic):
        return sympy.sstr(obj, order="lex")
    return str(obj)


def decide(claim: Claim, statuses: Sequence[tuple[Evidence, Status]]) -> Verdict:
    """Derive a claim's verdict from its evidence statuses.

    * any evidence timed out, errored or undecided -> ``undecided``;
    * the statement refuted by some evidence and confirmed by other -> ``inconsistent``;
    * the statement refuted, and (for a conditional claim) every condition evidence holds -> ``holds_if``,
      otherwise ``refuted`` (with a failed condition the claim is plainly ``refuted``);
    * the statement confirmed by every piece of evidence -> ``holds``.
    """
    if not statuses:
        return "undecided"
    if any(s not in ("holds", "refuted") for _, s in statuses):
        return "undecided"
    stmt = [s for e, s in statuses if e.about == "statement"]
    cond = [s for e, s in statuses if e.about == "condition"]
    if "refuted" in stmt and "holds" in stmt:
        return "inconsistent"
    if "refuted" in stmt:
        if cond and all(s == "holds" for s in cond):
            return "holds_if"
        return "refuted"
    if cond and "refuted" in cond:
        # the statement is confirmed unconditionally yet fails under its condition: contradictory
        return "inconsistent"
    return "holds"
