"""``verify check`` from Python, for a user's own pytest suite (like scikit-learn's ``check_estimator``
and ``parametrize_with_checks``).

>>> report = check_function("softmax", my_softmax)      # doctest: +SKIP
>>> report.ok, len(report.failures)                      # doctest: +SKIP
>>> report.assert_ok()                                   # AssertionError with the summary when a case fails

>>> @parametrize("softmax", my_softmax)                  # doctest: +SKIP
... def test_my_softmax(check):
...     check()                                          # one pytest item per named case and dtype

The same cases, references and comparisons as the command line (:mod:`verify.check.run`); every failure
carries the ``verify check ... --case '...' --show`` line that reproduces it.
"""

from __future__ import annotations

import inspect
import re
import shlex
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .run import CaseResult, CheckError, Plan, plan_check, run_cases


def target_text(target) -> str:
    """How to name ``target`` on the command line: the string itself, or ``path/file.py:qualname``."""
    if isinstance(target, str):
        return target
    name = getattr(target, "__qualname__", getattr(target, "__name__", repr(target)))
    try:
        src = inspect.getsourcefile(target)
    except TypeError:
        src = None
    if not src or "<locals>" in name or "<lambda>" in name:
        return f"<{name}, not importable: define it at module level to get a runnable line>"
    path = Path(src)
    try:
        path = path.relative_to(Path.cwd())
    except ValueError:
        pass
    return f"{path}:{name}"


#: The defaults of the options that change a verdict; a reproduction line names every other value.
DEFAULT_TOL_ULP, DEFAULT_TIMEOUT = 16.0, 10.0


def repro_line(kind: str, target, result: CaseResult, options: dict, tol_ulp: float = DEFAULT_TOL_ULP,
               timeout: float = DEFAULT_TIMEOUT) -> str:
    """The command that reruns one case and prints its inputs, reference and output.

    Every option that is not at its default is on the line (``--ulp``, ``--timeout``, ``--torch``,
    ``--grad``, ``--convention``, ``--positions-first``), so the line reproduces the verdict.
    """
    flags = ""
    if float(tol_ulp) != DEFAULT_TOL_ULP:
        flags += f" --ulp {_num(tol_ulp)}"
    if float(timeout) != DEFAULT_TIMEOUT:
        flags += f" --timeout {_num(timeout)}"
    if options.get("torch"):
        flags += " --torch"
    if options.get("grad"):
        flags += " --grad"
    if options.get("convention"):
        flags += f" --convention {options['convention']}"
    if options.get("positions_first"):
        flags += " --positions-first"
    case = f"{result.case.name} [{result.case.dtype.name}]"
    return f"verify check {kind} {shlex.quote(target_text(target))} --case {shlex.quote(case)} --show{flags}"


def _num(v: float) -> str:
    """``v`` written shortly but exactly (``32``, ``0.5``, ``0.1``)."""
    short = f"{float(v):g}"
    return short if float(short) == float(v) else repr(float(v))


def describe(result: CaseResult) -> str:
    """One line: status, message, diagnosis."""
    text = f"{result.case.name} [{result.case.dtype.name}]: {result.status}"
    if result.status in ("wrong", "dtype", "grad") and result.max_err not in (0.0, float("inf")):
        text += f" ({result.max_err:.3g} ULP)"
    if result.message:
        text += f" - {result.message}"
    if result.diagnosis:
        text += f" [{result.diagnosis}]"
    return text


def summary_line(kind: str, target: str, results: list[CaseResult], tol_ulp: float) -> str:
    """``verify check KIND TARGET: 30/34 cases within 16 ULP (2 not run)``."""
    passed = sum(r.ok for r in results)
    skipped = sum(r.status == "not run" for r in results)
    return (f"verify check {kind} {target}: {passed}/{len(results)} cases within {tol_ulp:g} ULP"
            + (f" ({skipped} not run)" if skipped else ""))


@dataclass
class CheckReport:
    """The results of :func:`check_function`: ``.ok``, ``.failures``, ``str()`` a summary, ``.assert_ok()``."""

    kind: str
    target: Any
    results: list[CaseResult]
    tol_ulp: float
    options: dict = field(default_factory=dict)

    timeout: float = DEFAULT_TIMEOUT

    @property
    def ok(self) -> bool:
        """No case failed and at least one passed (a check in which nothing ran does not pass).

        ``not run`` cases (see :attr:`CaseResult.failed`) neither pass nor fail.
        """
        return not self.failures and any(r.ok for r in self.results)

    @property
    def failures(self) -> list[CaseResult]:
        return [r for r in self.results if r.failed]

    @property
    def not_run(self) -> list[CaseResult]:
        return [r for r in self.results if r.status == "not run"]

    def __str__(self) -> str:
        lines = [summary_line(self.kind, target_text(self.target), self.results, self.tol_ulp)]
        bad = self.failures
        for r in bad:
            lines.append(f"  FAIL {describe(r)}")
            lines.append(f"       reproduce: "
                         f"{repro_line(self.kind, self.target, r, self.options, self.tol_ulp, self.timeout)}")
        if not bad and not any(r.ok for r in self.results):
            lines.append("  nothing was checked: every case was not run")
        return "\n".join(lines)

    def assert_ok(self) -> None:
        """Raise AssertionError with the summary when some case fails."""
        if not self.ok:
            raise AssertionError(str(self))


#: Command-line flags in a CheckError message, and the API arguments that mean the same.
_API_NAMES = {"--dtype": "dtypes=", "--case": "case_filter=", "--ulp": "tol_ulp=", "--timeout": "timeout=",
              "--jobs": "jobs=", "--torch": "torch=True", "--grad": "grad=True", "--convention": "convention=",
              "--positions-first": "positions_first=True"}


@contextmanager
def _api_names():
    """Re-raise a :class:`CheckError` with the API argument names instead of the command-line flags."""
    try:
        yield
    except CheckError as exc:
        text = str(exc)
        for flag, arg in _API_NAMES.items():
            text = re.sub(re.escape(flag) + r"(?![\w-])", arg, text)
        raise CheckError(text) from None


def _split(options: dict) -> tuple[dict, dict]:
    run_keys = {"tol_ulp", "timeout", "jobs"}
    plan_keys = {"dtypes", "case_filter", "torch", "grad", "convention", "positions_first"}
    unknown = set(options) - run_keys - plan_keys
    if unknown:
        raise TypeError(f"unknown option(s) {', '.join(sorted(unknown))}: "
                        f"choose from {', '.join(sorted(run_keys | plan_keys))}")
    return ({k: v for k, v in options.items() if k in plan_keys},
            {k: v for k, v in options.items() if k in run_keys})


def check_function(kind: str, fn, **options) -> CheckReport:
    """Check ``fn`` (a callable or a target string) on every case of ``kind``; never raises on a failing case.

    Options (defaults): ``dtypes=("float64", "float32")``, ``tol_ulp=16``, ``timeout=10`` (seconds per
    call), ``jobs=1``, ``case_filter=None`` (substring of ``"name [dtype]"``), ``torch=False``,
    ``grad=False``, ``convention=None`` and ``positions_first=False`` (encoding).  A usage problem
    (unknown kind, a signature that cannot fit) raises :class:`verify.check.CheckError`.
    """
    plan_opts, run_opts = _split(options)
    with _api_names():
        plan = plan_check(kind, fn, **plan_opts)
        results = run_cases(plan, **run_opts)
    return CheckReport(kind, fn, results, run_opts.get("tol_ulp", DEFAULT_TOL_ULP), plan.options,
                       run_opts.get("timeout", DEFAULT_TIMEOUT))


class CaseCheck:
    """One named case of one target, callable from a pytest item: raises AssertionError when it fails."""

    def __init__(self, kind: str, target, plan: Plan, case, run_opts: dict):
        self.kind, self.target, self.plan, self.case, self.run_opts = kind, target, plan, case, run_opts

    @property
    def id(self) -> str:
        return f"{self.case.name}-{self.case.dtype.name}"

    def __repr__(self) -> str:
        return f"CaseCheck({self.kind}, {self.id})"

    def __call__(self) -> CaseResult:
        import pytest

        key = _target_key(self.kind, self.target)
        if key in _TIMED_OUT:  # the target hung on an earlier item: its timeout is paid once
            pytest.skip(_TIMED_OUT[key])
        one = Plan(self.plan.kind, self.plan.fn, self.plan.options, [self.case])
        with _api_names():
            (res,) = run_cases(one, **self.run_opts)
        if res.status == "timeout":
            _TIMED_OUT[key] = (f"not run: {self.case.name} [{self.case.dtype.name}] timed out after "
                               f"{self.run_opts.get('timeout', DEFAULT_TIMEOUT):g} s (the target hangs)")
        if res.status == "not run":
            pytest.skip(res.message)
        if res.failed:
            text = describe(res)
            if res.traceback:
                text += "\n" + res.traceback
            line = repro_line(self.kind, self.target, res, self.plan.options,
                              self.run_opts.get("tol_ulp", DEFAULT_TOL_ULP), self.run_opts.get("timeout", DEFAULT_TIMEOUT))
            raise AssertionError(f"{text}\nreproduce: {line}")
        return res


#: Targets that timed out in a :func:`parametrize` run, by (kind, target): their later items are skipped.
_TIMED_OUT: dict[tuple, str] = {}


def _target_key(kind: str, target) -> tuple:
    return (kind, target if isinstance(target, str) else id(target))


def parametrize(kind: str, fn, argname: str = "check", **options) -> Callable:
    """A ``pytest.mark.parametrize`` over the named cases of ``kind`` for ``fn``: one item per case and dtype.

    The test receives a :class:`CaseCheck` under ``argname`` and calls it; a failing case raises an
    AssertionError whose message ends with the reproduction line.  Ids read ``softmax(t=1e8)-float32``.
    Options as for :func:`check_function`.
    """
    import pytest

    plan_opts, run_opts = _split(options)
    with _api_names():
        plan = plan_check(kind, fn, **plan_opts)
    checks = [CaseCheck(kind, fn, plan, case, run_opts) for case in plan.cases]
    return pytest.mark.parametrize(argname, checks, ids=[c.id for c in checks])


__all__ = ["CaseCheck", "CheckReport", "check_function", "describe", "parametrize", "repro_line", "target_text"]
