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
#: How far the proof of a claim goes (shown in the report header and ``verify prove --json``).
DEPTHS = ("general", "fixed-size", "numeric")
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
class Prop:
    """The proposition one piece of evidence tests: the statement, restricted to ``condition`` when the
    evidence is about the condition of a ``holds_if`` claim (``None``: unrestricted)."""

    statement: Any
    condition: Any = None


@dataclass(frozen=True)
class Evidence:
    """One check derived from a claim.

    ``run(prop)`` is called in a forked child process under ``budget`` seconds (see
    :mod:`verify.core.budget`) with the :class:`Prop` it tests, and must return an :class:`Outcome`
    computed *from that proposition*: a mutant of the claim (:class:`Mutant`) runs through the same
    ``run`` with its own statement.  (A ``run`` that takes no argument cannot see the statement; the
    engine marks such evidence as *unbound* and a test fails for every claim that still has one.)
    """

    kind: str
    run: Callable[..., Outcome]
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

    @property
    def bound(self) -> bool:
        """Whether ``run`` takes the proposition (its finding can depend on the statement)."""
        return _takes_argument(self.run)

    def execute(self, prop: "Prop") -> Outcome:
        """Run the check on ``prop`` (in the current process)."""
        return self.run(prop) if self.bound else self.run()


def _takes_argument(fn: Callable[..., Any]) -> bool:
    import inspect

    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return False
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                  and p.default is p.empty]
    return len(positional) >= 1 or any(p.kind == p.VAR_POSITIONAL for p in params)


_KEEP = object()


@dataclass(frozen=True)
class Mutant:
    """A small, plausible change of a claim's statement (or condition) that its evidence must notice.

    For a claim recorded ``holds`` the mutant is false (a coefficient, an off-by-one, a sign, the direction
    of an inequality, a limit value, a dropped term: the ways the seed itself goes wrong) and its evidence
    must refute it; for a ``refuted`` claim it is the nearest true statement (often the correction), which
    the same evidence must then not refute; for a ``holds_if`` claim it is the condition weakened or
    dropped.  ``expect`` is the verdict the evidence must reach on the mutant (default: ``refuted`` for
    a ``holds``/``holds_if`` claim, ``holds`` for a ``refuted`` one).
    """

    name: str
    statement: Any = None
    condition: Any = _KEEP
    why: str = ""
    expect: str | None = None

    def __post_init__(self) -> None:
        if not re.match(r"^[a-z0-9_=<>+.-]+$", self.name):
            raise ValueError(f"Mutant.name must be short lower case, got {self.name!r}")
        if self.statement is None and self.condition is _KEEP:
            raise ValueError(f"mutant {self.name}: change the statement or the condition")

    @property
    def drops_condition(self) -> bool:
        return self.condition is None

    def expected_verdict(self, recorded: str) -> str:
        if self.expect is not None:
            return self.expect
        return "holds" if recorded == "refuted" else "refuted"

    def prop(self, claim: "Claim", about: str) -> "Prop":
        statement = self.statement if self.statement is not None else claim.statement
        cond = claim.condition if self.condition is _KEEP else self.condition
        return Prop(statement, cond if about == "condition" else None)


@dataclass(frozen=True)
class Step:
    """One step of a derivation: ``lhs <relation> rhs``, checked by the symbolic engine.

    ``lhs=None`` continues from the previous step's ``rhs`` (a chain ``a = b = c``).
    ``relation`` is one of ``"=="``, ``"<="``, ``"<"``, ``">="``, ``">"``.
    ``check`` optionally replaces the default check: a callable ``check(lhs, rhs)`` returning ``True``
    (step verified), ``False`` (step is false) or ``None`` (could not decide); it may also return
    ``(bool|None, str)`` with an explanation.  It must decide the step *from its arguments*: the engine
    cross-checks every accepted custom step numerically and rejects it where the sides differ.
    ``why`` is the justification rendered beside the step.  ``where`` is a SymPy condition under which
    the step is claimed (``(1 <= j) & (j <= K)``): sampled cross-checks only use points satisfying it.

    In a derivation bound to a statement (:func:`verify.core.symbolic.prove`) the first step starts at
    the statement's left side; a step with an explicit ``lhs`` inside the chain must restate the current
    expression (the link is checked).  A side fact that is not part of the chain is a ``lemma=True`` step:
    checked on its own and rendered as a lemma, never silently joined to the chain.
    """

    lhs: Any
    rhs: Any
    relation: str = "=="
    why: str = ""
    check: Callable[[Any, Any], Any] | None = None
    lemma: bool = False
    where: Any = None

    def __post_init__(self) -> None:
        if self.relation not in ("==", "<=", "<", ">=", ">"):
            raise ValueError(f"Step.relation must be ==, <=, <, >= or >, got {self.relation!r}")


@dataclass(frozen=True)
class Squeeze:
    """Squeeze step of a limit proof: ``lower <= f <= upper`` near the limit point and
    ``lim lower = lim upper = L``, where ``f`` and ``L`` are the *statement's* expression and value.

    ``lower_steps`` / ``upper_steps`` are chains proving ``lower <= f`` and ``f <= upper`` (each bound to
    its two ends like a derivation); empty means the inequality is checked in one step.
    """

    lower: Any
    upper: Any
    lower_steps: Sequence[Step] = ()
    upper_steps: Sequence[Step] = ()
    why: str = "squeeze"
    relation: str = "=="  # a squeeze yields the limit, an equality


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
    mutants: Sequence[Mutant] = ()
    display: str = ""
    depth: str = ""
    depth_note: str = ""

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
        names = [m.name for m in self.mutants]
        if len(set(names)) != len(names):
            raise ValueError(f"Claim {self.id}: duplicate mutant names {names}")
        if self.depth and self.depth not in DEPTHS:
            raise ValueError(f"Claim {self.id}: depth must be one of {DEPTHS}, got {self.depth!r}")

    def prop(self, about: str) -> Prop:
        """The proposition evidence ``about`` this claim tests."""
        return Prop(self.statement, self.condition if about == "condition" else None)

    @property
    def checked(self) -> bool:
        """Whether the statement is a checked SymPy statement (not only LaTeX)."""
        from .statement import Statement

        return isinstance(self.statement, Statement)

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
    from .statement import Statement

    if isinstance(obj, str):
        return obj
    if isinstance(obj, Statement):
        return obj.text()
    if isinstance(obj, sympy.Basic):
        return sympy.sstr(obj, order="lex")
    return str(obj)


def decide(claim: Claim | None, statuses: Sequence[tuple[Evidence, Status]]) -> Verdict:
    """Derive a verdict from evidence statuses (``claim`` is unused; kept for the call sites).

    Evidence about the statement and evidence about the condition (``holds_if``) are read separately:

    * the statement refuted by some evidence and confirmed by other -> ``inconsistent``;
    * the statement refuted (a definite counterexample outranks evidence that could not decide) ->
      ``holds_if`` when there is condition evidence and all of it holds, ``refuted`` when some condition
      evidence is refuted or there is none, ``undecided`` when condition evidence is undecided;
    * otherwise any undecided, timed-out or crashed evidence -> ``undecided``;
    * the statement confirmed by every piece of evidence -> ``holds`` (``inconsistent`` if the condition
      evidence is refuted: the statement cannot hold unconditionally yet fail under a condition).
    """
    if not statuses:
        return "undecided"
    stmt = [s for e, s in statuses if e.about == "statement"]
    cond = [s for e, s in statuses if e.about == "condition"]
    if "refuted" in stmt and "holds" in stmt:
        return "inconsistent"
    if "refuted" in stmt:
        if not cond or "refuted" in cond:
            return "refuted"
        if all(s == "holds" for s in cond):
            return "holds_if"
        return "undecided"
    if any(s not in ("holds", "refuted") for s in stmt + cond):
        return "undecided"
    if cond and "refuted" in cond:
        # the statement is confirmed unconditionally yet fails under its condition: contradictory
        return "inconsistent"
    return "holds"
