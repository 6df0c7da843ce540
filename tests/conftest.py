"""pytest wiring.

Every claim x evidence pair is collected as its own item from the claim declarations (the same
generator that feeds ``verify prove`` and the LaTeX), named ``<claim id>[<evidence key>]``, e.g.
``tests/test_claims.py::pe.score.add_expansion[symbolic]``.  An item passes when its evidence reaches the
finding the recorded verdict needs; a timeout, an error or an undecided finding fails it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CLAIMS_FILE = "test_claims.py"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


class ClaimEvidenceFailed(Exception):
    pass


class ClaimItem(pytest.Item):
    def __init__(self, *, claim, evidence, **kwargs):
        super().__init__(**kwargs)
        self.claim = claim
        self.evidence = evidence
        self.add_marker("claim")
        self.add_marker(getattr(pytest.mark, f"kind_{evidence.kind}"))

    def runtest(self) -> None:
        from verify.core import run_one

        rec = run_one(self.claim, self.evidence)
        self.user_properties.append(("figure", rec.figure))
        if rec.status != rec.expected:
            raise ClaimEvidenceFailed(
                f"{rec.test_id} ({self.claim.source}): evidence found {rec.status!r}; the recorded verdict "
                f"{self.claim.recorded!r} needs {rec.expected!r}\n  figure: {rec.figure}\n  detail: {rec.detail}"
            )

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ClaimEvidenceFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, None, self.name


class MutantSurvived(Exception):
    pass


class MutantItem(pytest.Item):
    """``<claim id>[mutant:<name>]``: the mutant runs through the claim's statement-bound evidence and
    must be decided as expected (refuted for a false mutant of a true claim, and so on)."""

    def __init__(self, *, claim, mutant, **kwargs):
        super().__init__(**kwargs)
        self.claim = claim
        self.mutant = mutant
        self.add_marker("claim")
        self.add_marker("mutant")

    def runtest(self) -> None:
        from verify.core.runner import run_mutant

        res = run_mutant(self.claim, self.mutant)
        if not res.killed:
            lines = "\n".join(f"    {r.key}: {r.status} ({r.figure})" for r in res.records)
            raise MutantSurvived(
                f"{res.test_id} survived: the mutant ({self.mutant.why or 'no description'}) was decided "
                f"{res.verdict!r}, expected {res.expected!r}\n  evidence:\n{lines}")

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, MutantSurvived):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, None, self.name


class ClaimFile(pytest.File):
    def collect(self):
        from verify.core import all_claims
        from verify.core.runner import iter_items

        claims = all_claims()
        for claim, ev in iter_items(claims):
            yield ClaimItem.from_parent(self, name=f"{claim.id}[{ev.key}]", claim=claim, evidence=ev)
        for claim in claims:
            for mutant in claim.mutants:
                yield MutantItem.from_parent(self, name=f"{claim.id}[mutant:{mutant.name}]", claim=claim,
                                             mutant=mutant)


def pytest_collect_file(file_path: Path, parent):
    if file_path.name == CLAIMS_FILE and file_path.parent == REPO / "tests":
        return ClaimFile.from_parent(parent, path=file_path)
    return None


def pytest_collection_finish(session):
    """Run the selected claim evidence up front, VERIFY_JOBS at a time (default: the number of cores).

    Each item then reads its record; the result is the same as running them one by one (each piece of
    evidence runs in its own process under its own budget either way), only faster on several cores.
    """
    import os

    from verify.core.runner import prefetch

    items = [it for it in session.items if isinstance(it, ClaimItem)]
    mutants = [it for it in session.items if isinstance(it, MutantItem)]
    if not (items or mutants) or session.config.option.collectonly:
        return
    jobs = int(os.environ.get("VERIFY_JOBS", os.cpu_count() or 1))
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    work = [(it.claim, it.evidence) for it in items]
    for it in mutants:
        work.extend((it.claim, ev, it.mutant) for ev in it.claim.evidence if ev.bound)
    if reporter is not None:
        reporter.write_line(f"verify: running {len(items)} claim evidence checks and {len(mutants)} mutants "
                            f"({len(work)} budgeted runs), {jobs} at a time ...")
    prefetch(work, jobs=max(1, jobs))


def pytest_configure(config):
    for kind in ("symbolic", "mpmath", "numpy", "counterexample", "montecarlo", "torch"):
        config.addinivalue_line("markers", f"kind_{kind}: claim evidence of kind {kind}")
    config.addinivalue_line("markers", "mutant: a claim's mutant run through its evidence (must be killed)")
