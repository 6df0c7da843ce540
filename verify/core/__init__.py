"""The claim engine: claims as data, evidence under budgets, verdicts derived from evidence."""

from .claim import Claim, Evidence, Outcome, Step, decide
from .runner import ClaimResult, EvidenceRecord, run_evidence, run_one
from .topic import Figure, Topic, all_claims, load_topics, select

__all__ = [
    "Claim", "Evidence", "Outcome", "Step", "decide",
    "ClaimResult", "EvidenceRecord", "run_evidence", "run_one",
    "Figure", "Topic", "all_claims", "load_topics", "select",
]
