"""Run a claim's evidence under budgets and turn the outcomes into records and a verdict."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Iterable, Iterator, Sequence

from .budget import Finished, budget_scale, run_many
from .claim import Claim, Evidence, Outcome, Verdict, decide


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
            "verdict": self.verdict,
            "ok": self.ok,
            "seconds": round(self.seconds, 3),
            "evidence": [r.to_json() for r in self.records],
        }


def _record(claim: Claim, ev: Evidence, fin: Finished) -> EvidenceRecord:
    expected = claim.expected_finding(ev)
    base = dict(claim_id=claim.id, kind=ev.kind, label=ev.label, about=ev.about, expected=expected,
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


_CACHE: dict[tuple[str, str], EvidenceRecord] = {}


def prefetch(pairs: Iterable[tuple[Claim, Evidence]], jobs: int = 1,
             on_record: Callable[[EvidenceRecord], None] | None = None, refresh: bool = False) -> None:
    """Run the given (claim, evidence) pairs into the cache, ``jobs`` at a time, each under its budget.

    Pairs already cached are not run again unless ``refresh``; a pair listed twice runs once.
    """
    scale = budget_scale()
    todo: list[tuple[tuple[str, str], Callable[[], Any], float]] = []
    by_key: dict[tuple[str, str], tuple[Claim, Evidence]] = {}
    for claim, ev in pairs:
        k = (claim.id, ev.key)
        if (refresh or k not in _CACHE) and k not in by_key:
            by_key[k] = (claim, ev)
            todo.append((k, ev.run, ev.budget * scale))
    for k, fin in run_many(todo, jobs=jobs):
        claim, ev = by_key[k]
        _CACHE[k] = rec = _record(claim, ev, fin)
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
