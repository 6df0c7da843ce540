"""Run a claim's evidence under budgets and turn the outcomes into records and a verdict."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Iterable, Iterator, Sequence

from .budget import Finished, budget_scale, run_many
from .claim import Claim, Evidence, Mutant, Outcome, Verdict, decide


@dataclass(frozen=True)
class EvidenceRecord:
    """What one piece of evidence did: one pytest item, one JSON evidence entry."""

    claim_id: str
    kind: str
    label: str
    about: str
    status: str  # holds | refuted | undecided | timeout | error
    expected: str  # the finding the recorded verdict needs
    figure: str
    seconds: float
    detail: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    tex: str | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.label}" if self.label else self.kind

    @property
    def test_id(self) -> str:
        return f"{self.claim_id}[{self.key}]"

    @property
    def agrees(self) -> bool:
        """Whether this evidence supports the recorded verdict."""
        return self.status == self.expected

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("tex")
        out["seconds"] = round(self.seconds, 3)
        return out


@dataclass(frozen=True)
class ClaimResult:
    claim: Claim
    records: tuple[EvidenceRecord, ...]
    verdict: Verdict

    @property
    def ok(self) -> bool:
        return self.verdict == self.claim.recorded

    @property
    def seconds(self) -> float:
        return sum(r.seconds for r in self.records)

    def to_json(self) -> dict[str, Any]:
        c = self.claim
        certified = [r.data.get("certified") for r in self.records if "certified" in r.data]
        return {
            "id": c.id,
            "source": c.source,
            "title": c.title,
            "statement": c.statement_text(),
            "condition": c.condition_text() or None,
            "assumptions": list(c.assumptions),
            "reading": c.reading or None,
            "corrects": c.corrects or None,
            "recorded": c.recorded,
            "depth": c.depth or None,
            "depth_note": c.depth_note or None,
            "checked_statement": c.checked,
            "certified_counterexample": (any(certified) if certified else None),
            "verdict": self.verdict,
            "ok": self.ok,
            "seconds": round(self.seconds, 3),
            "evidence": [r.to_json() for r in self.records],
        }


def _record(claim: Claim, ev: Evidence, fin: Finished, mutant: Mutant | None = None) -> EvidenceRecord:
    expected = claim.expected_finding(ev) if mutant is None else _mutant_expected(claim, mutant, ev)
    cid = claim.id if mutant is None else f"{claim.id}~{mutant.name}"
    base = dict(claim_id=cid, kind=ev.kind, label=ev.label, about=ev.about, expected=expected,
                seconds=fin.seconds)
    if fin.status == "timeout":
        return EvidenceRecord(status="timeout", figure="timed out", detail=fin.error, **base)
    if fin.status == "error":
        first = fin.error.strip().splitlines()[0] if fin.error.strip() else "error"
        return EvidenceRecord(status="error", figure=f"error: {first[:80]}", detail=fin.error, **base)
    out = fin.value
    if not isinstance(out, Outcome):
        return EvidenceRecord(status="error", figure="error: check returned no Outcome",
                              detail=f"the check returned {type(out).__name__}, not an Outcome", **base)
    return EvidenceRecord(status=out.finding, figure=out.figure, detail=out.detail, data=dict(out.data),
                          tex=out.tex, **base)


def _mutant_expected(claim: Claim, mutant: Mutant, ev: Evidence) -> str:
    verdict = mutant.expected_verdict(claim.recorded)
    if verdict == "holds_if":
        return "holds" if ev.about == "condition" else "refuted"
    return "holds" if verdict == "holds" else "refuted"


_CACHE: dict[tuple[str, str], EvidenceRecord] = {}

Item = tuple  # (claim, evidence) or (claim, evidence, mutant)


def _key(item: Item) -> tuple[str, str]:
    claim, ev = item[0], item[1]
    mutant = item[2] if len(item) > 2 else None
    return (claim.id, ev.key if mutant is None else f"mutant:{mutant.name}|{ev.key}")


def _task(item: Item) -> Callable[[], Any]:
    claim, ev = item[0], item[1]
    mutant = item[2] if len(item) > 2 else None
    prop = claim.prop(ev.about) if mutant is None else mutant.prop(claim, ev.about)
    return lambda: ev.execute(prop)


def prefetch(pairs: Iterable[Item], jobs: int = 1,
             on_record: Callable[[EvidenceRecord], None] | None = None, refresh: bool = False) -> None:
    """Run the given ``(claim, evidence)`` or ``(claim, evidence, mutant)`` items into the cache, ``jobs``
    at a time, each under its budget.  Items already cached are not run again unless ``refresh``."""
    scale = budget_scale()
    todo: list[tuple[tuple[str, str], Callable[[], Any], float]] = []
    by_key: dict[tuple[str, str], Item] = {}
    for item in pairs:
        k = _key(item)
        if (refresh or k not in _CACHE) and k not in by_key:
            by_key[k] = item
            todo.append((k, _task(item), item[1].budget * scale))
    for k, fin in run_many(todo, jobs=jobs):
        item = by_key[k]
        _CACHE[k] = rec = _record(item[0], item[1], fin, item[2] if len(item) > 2 else None)
        if on_record is not None:
            on_record(rec)


def run_evidence(
    claims: Sequence[Claim],
    jobs: int = 1,
    on_record: Callable[[EvidenceRecord], None] | None = None,
    use_cache: bool = True,
) -> list[ClaimResult]:
    """Run every piece of evidence of ``claims`` (at most ``jobs`` at once) and decide each claim.

    Records are cached per process (keyed by claim id and evidence key), so pytest items and the
    derivation-staleness test share one run.
    """
    prefetch(iter_items(claims), jobs=jobs, on_record=on_record, refresh=not use_cache)
    results = []
    for claim in claims:
        recs = tuple(_CACHE[(claim.id, ev.key)] for ev in claim.evidence)
        verdict = decide(claim, [(ev, r.status) for ev, r in zip(claim.evidence, recs)])
        results.append(ClaimResult(claim, recs, verdict))
    return results


def run_one(claim: Claim, evidence: Evidence) -> EvidenceRecord:
    """Run (or fetch from the cache) a single piece of evidence."""
    prefetch([(claim, evidence)])
    return _CACHE[(claim.id, evidence.key)]


def iter_items(claims: Iterable[Claim]) -> Iterator[tuple[Claim, Evidence]]:
    """Every (claim, evidence) pair: the pytest items."""
    for claim in claims:
        for ev in claim.evidence:
            yield claim, ev


# --- mutants -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MutantResult:
    """A mutant run through its claim's (statement-bound) evidence, and whether it was killed."""

    claim: Claim
    mutant: Mutant
    records: tuple[EvidenceRecord, ...]
    verdict: Verdict

    @property
    def expected(self) -> str:
        return self.mutant.expected_verdict(self.claim.recorded)

    @property
    def killed(self) -> bool:
        """The evidence decided the mutant as expected (differently from the original).

        A false mutant (expected ``refuted``) is also killed when the verdict is ``inconsistent``: some
        evidence refuted it definitely, while evidence about one part or some instances found nothing
        wrong there.  A true mutant (expected ``holds``) must hold: no evidence may refute it.
        """
        if self.expected == "refuted" and self.verdict == "inconsistent":
            return any(r.status == "refuted" for r in self.records)
        return self.verdict == self.expected

    @property
    def test_id(self) -> str:
        return f"{self.claim.id}[mutant:{self.mutant.name}]"

    def summary(self) -> str:
        decisive = [r for r in self.records if r.status == r.expected and r.status in ("holds", "refuted")
                    and r.status != self.claim.expected_finding(_ev_of(self.claim, r))]
        pick = decisive[0] if decisive else (self.records[0] if self.records else None)
        return f"{pick.key}: {pick.figure}" if pick else "no bound evidence"

    def to_json(self) -> dict[str, Any]:
        from .statement import condition_text

        m = self.mutant
        return {"claim": self.claim.id, "mutant": m.name, "why": m.why,
                "statement": _as_text(m.statement) if m.statement is not None else None,
                "condition": ("dropped" if m.drops_condition else
                              (condition_text(m.condition) if m.condition is not _keep() else None)),
                "expected": self.expected, "verdict": self.verdict, "killed": self.killed,
                "seconds": round(sum(r.seconds for r in self.records), 3),
                "evidence": [r.to_json() for r in self.records]}


def _keep() -> Any:
    from .claim import _KEEP

    return _KEEP


def _as_text(obj: Any) -> str:
    from .claim import _as_text as f

    return f(obj)


def _ev_of(claim: Claim, rec: EvidenceRecord) -> Evidence:
    for ev in claim.evidence:
        if ev.key == rec.key:
            return ev
    raise KeyError(rec.key)


def iter_mutant_items(claims: Iterable[Claim]) -> Iterator[tuple[Claim, Evidence, Mutant]]:
    """Every (claim, bound evidence, mutant) triple."""
    for claim in claims:
        for mutant in claim.mutants:
            for ev in claim.evidence:
                if ev.bound:
                    yield claim, ev, mutant


def run_mutants(claims: Sequence[Claim], jobs: int = 1,
                on_record: Callable[[EvidenceRecord], None] | None = None) -> list[MutantResult]:
    """Run every mutant of ``claims`` through the claim's statement-bound evidence and decide it."""
    prefetch(iter_mutant_items(claims), jobs=jobs, on_record=on_record)
    out = []
    for claim in claims:
        for mutant in claim.mutants:
            evs = [ev for ev in claim.evidence if ev.bound]
            recs = tuple(_CACHE[_key((claim, ev, mutant))] for ev in evs)
            verdict = decide(claim, [(ev, r.status) for ev, r in zip(evs, recs)]) if evs else "undecided"
            out.append(MutantResult(claim, mutant, recs, verdict))
    return out


def run_mutant(claim: Claim, mutant: Mutant) -> MutantResult:
    return run_mutants([_only(claim, mutant)])[0]


def _only(claim: Claim, mutant: Mutant) -> Claim:
    import dataclasses

    return dataclasses.replace(claim, mutants=(mutant,))
