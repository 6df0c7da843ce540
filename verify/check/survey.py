"""Third-party implementations under ``verify check``: the rows of the report's table.

:func:`survey` runs the checker on the seed's ``get_E`` (kind ``encoding``, against the seed's formula and
the seed's code), the naive textbook aggregations, PyTorch Geometric's two aggregations (when installed;
forward, and gradients when ``verify.check.grad`` exists) and this package's own kernels.  Each row says
how many cases pass and what the target gets wrong, in words generated from the failing cases' names,
statuses and diagnoses: nothing in a row is typed in.  :func:`latex_table` renders the rows.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from typing import Callable

from .run import CaseResult, CheckError, run_check

#: (label, kind, target, options) of every survey row; rows whose target cannot load are left out.
TARGETS: tuple[tuple[str, str, str, dict], ...] = (
    ("seed get_E", "encoding", "seed", {"convention": "seed-formula"}),
    ("seed get_E", "encoding", "seed", {"convention": "seed-code"}),
    ("PyTorch tutorial (textbook)", "encoding", "textbook", {"convention": "transformer", "positions_first": True}),
    ("textbook (naive)", "softmax", "naive", {}),
    ("textbook (naive)", "power_mean", "naive", {}),
    ("PyTorch Geometric", "softmax", "pyg", {}),
    ("PyTorch Geometric", "power_mean", "pyg", {}),
    ("PyTorch Geometric", "softmax", "pyg", {"torch": True, "grad": True}),
    ("PyTorch Geometric", "power_mean", "pyg", {"torch": True, "grad": True}),
    ("verify", "encoding", "verify", {"convention": "transformer"}),
    ("verify", "softmax", "verify", {}),
    ("verify", "power_mean", "verify", {}),
    ("verify.torch", "softmax", "verify", {"torch": True, "grad": True}),
    ("verify.torch", "power_mean", "verify", {"torch": True, "grad": True}),
)


@dataclass(frozen=True)
class SurveyRow:
    """One target under one kind and option set: ``passed`` of ``total`` cases, and what fails."""

    label: str
    kind: str
    target: str
    options: str  # as command-line flags
    passed: int
    total: int
    not_run: int
    wrong: str  # generated from the failing cases; "" when none fails
    results: tuple[CaseResult, ...] = ()

    @property
    def command(self) -> str:
        return f"verify check {self.kind} {self.target}" + (f" {self.options}" if self.options else "")


def _flags(options: dict) -> str:
    out = []
    if options.get("torch"):
        out.append("--torch")
    if options.get("grad"):
        out.append("--grad")
    if options.get("convention"):
        out.append(f"--convention {options['convention']}")
    if options.get("positions_first"):
        out.append("--positions-first")
    return " ".join(out)


def _short(name: str, kind: str) -> str:
    """``softmax(t=1e8)`` -> ``t=1e8``, ``grad softmax(t=1)`` -> ``grad t=1``; other names unchanged."""
    prefix = "grad " if name.startswith("grad ") else ""
    core = name[len(prefix):]
    if core.startswith(kind + "(") and core.endswith(")"):
        return prefix + core[len(kind) + 1:-1]
    return name


def what_fails(results: list[CaseResult], kind: str, max_diagnoses: int = 3) -> str:
    """A short text from the failing cases: ``nan: t=1e8, t=inf (float64, float32); wrong: ...``.

    Cases are grouped by status in order of first appearance; a case name failing in only some dtypes
    carries them in brackets; then up to ``max_diagnoses`` distinct diagnoses, the most frequent first (a
    failing case without a diagnosis contributes the error it raised, or what it is there to catch).
    """
    failing = [r for r in results if r.failed]
    if not failing:
        return ""
    dtypes_all = sorted({r.case.dtype.name for r in results if r.status != "not run"}, reverse=True)
    by_status: dict[str, dict[str, list[str]]] = {}
    for r in failing:
        by_status.setdefault(r.status, {}).setdefault(_short(r.case.name, kind), []).append(r.case.dtype.name)
    parts = []
    for status, names in by_status.items():
        items = []
        for name, dts in names.items():
            items.append(name if sorted(set(dts), reverse=True) == dtypes_all or len(dtypes_all) == 1
                         else f"{name} [{', '.join(dts)}]")
        parts.append(f"{status}: " + "; ".join(items))
    counts: dict[str, int] = {}
    for r in failing:  # the recognised pattern, else the error raised, else what the case is there to catch
        name = _short(r.case.name, kind)
        text = r.diagnosis or (f"{name}: {r.message}" if r.status in ("raised", "timeout") and r.message
                               else f"{name}: {r.case.why}" if r.case.why else "")
        if text:
            counts[text] = counts.get(text, 0) + 1
    diagnoses = sorted(counts, key=lambda t: -counts[t])  # the most frequent first (a stable sort)
    text = " | ".join(parts)
    if diagnoses:
        text += " -- " + " / ".join(diagnoses[:max_diagnoses])
        if len(diagnoses) > max_diagnoses:
            text += f" (+{len(diagnoses) - max_diagnoses} more diagnoses)"
    return text


def survey_target(label: str, kind: str, target, options: dict, jobs: int = 1,
                  timeout: float = 10.0) -> SurveyRow:
    """Run one target and summarise it as a :class:`SurveyRow`."""
    results = run_check(kind, target, timeout=timeout, jobs=jobs, torch_inputs=bool(options.get("torch")),
                        grad=bool(options.get("grad")), convention=options.get("convention"),
                        positions_first=bool(options.get("positions_first")))
    return SurveyRow(label, kind, target if isinstance(target, str) else getattr(target, "__name__", "?"),
                     _flags(options), sum(r.ok for r in results), len(results),
                     sum(r.status == "not run" for r in results), what_fails(results, kind), tuple(results))


def _available(kind: str, target: str, options: dict) -> bool:
    from .kinds import registry

    if kind not in registry():
        return False
    if target == "pyg" and importlib.util.find_spec("torch_geometric") is None:
        return False
    if options.get("torch") and importlib.util.find_spec("torch") is None:
        return False
    if options.get("grad") and importlib.util.find_spec("verify.check.grad") is None:
        return False
    return True


def survey(progress: Callable[[int, int, str], None] | None = None, jobs: int = 1,
           targets=TARGETS) -> list[SurveyRow]:
    """Run every available row of ``targets``; ``progress(done, total, command)`` is called before each row.

    A row whose kind or target is not installed (the encoding kind, PyTorch Geometric, the gradient
    checks) is left out; a row that cannot load for another reason raises :class:`CheckError`.
    """
    todo = [t for t in targets if _available(t[1], t[2], t[3])]
    rows = []
    for i, (label, kind, target, options) in enumerate(todo):
        if progress:
            progress(i, len(todo), f"verify check {kind} {target} {_flags(options)}".strip())
        try:
            rows.append(survey_target(label, kind, target, options, jobs=jobs))
        except CheckError as exc:
            raise CheckError(f"survey row {label} / {kind} / {target}: {exc}") from None
    return rows


_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                  "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
                  "|": r"\textbar{}", "<": r"\textless{}", ">": r"\textgreater{}"}


def latex_escape(text: str) -> str:
    """``text`` with every LaTeX special character escaped (for text mode)."""
    out = "".join(_LATEX_SPECIAL.get(ch, ch) for ch in text)
    return re.sub(r"-(?=-)", "-{}", out)  # no en/em-dash ligatures: --convention stays two hyphens


def latex_table(rows: list[SurveyRow], caption: str = "Third-party implementations under \\texttt{verify check}"
                ) -> str:
    """A ``longtable`` (needs ``\\usepackage{longtable,array}``): target, kind, options, passed/total, what fails."""
    col = r">{\raggedright\arraybackslash}p"
    head = [r"\hline", r"target & kind & options & passed & what it gets wrong \\", r"\hline"]
    lines = [
        rf"\begin{{longtable}}{{@{{}}{col}{{0.11\textwidth}}{col}{{0.08\textwidth}}{col}{{0.16\textwidth}}"
        rf"{col}{{0.07\textwidth}}{col}{{0.44\textwidth}}@{{}}}}",
        rf"\caption{{{caption}}}\\", *head, r"\endfirsthead",
        rf"\caption[]{{{caption} (continued)}}\\", *head, r"\endhead",
    ]
    for r in rows:
        passed = f"{r.passed}/{r.total}" + (f", {r.not_run} not run" if r.not_run else "")
        lines.append(" & ".join([latex_escape(r.label), latex_escape(r.kind).replace(r"\_", r"\_\allowbreak{}"),
                                 " ".join(rf"\texttt{{{latex_escape(w)}}}" for w in r.options.split()),
                                 latex_escape(passed),
                                 latex_escape(r.wrong) if r.wrong else "nothing"]) + r" \\")
    lines += [r"\hline", r"\end{longtable}", ""]
    return "\n".join(lines)


def text_table(rows: list[SurveyRow]) -> str:
    """The rows as plain text, one block per row (for the command line and the notes)."""
    out = []
    for r in rows:
        nr = f", {r.not_run} not run" if r.not_run else ""
        out.append(f"{r.label} | {r.command} | {r.passed}/{r.total} passed{nr}\n    {r.wrong or 'nothing'}")
    return "\n".join(out)


if __name__ == "__main__":  # python -m verify.check.survey: print the survey
    import sys

    rows = survey(progress=lambda i, n, c: print(f"[{i + 1}/{n}] {c}", file=sys.stderr), jobs=2)
    print(text_table(rows))
