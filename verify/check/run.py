"""``verify check``: run a user's implementation against the mpmath references, case by case.

The engine is kind-agnostic: a *kind* (:mod:`verify.check.kinds`) says how the target is called, which
named cases it runs on, how the reference is computed and how an output is compared.  Each call runs in a
forked child under a time limit, so a function that crashes the interpreter or hangs is reported, not
fatal; after the first timeout the target's remaining cases are reported ``not run`` (a hanging target
costs its timeout once, not once per case).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import traceback
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ..core.budget import run_many
from .kinds import accepts_eta, grad_module, registry

#: Every status a case can end with; ``ok`` passes, ``not run`` neither passes nor fails, the rest fail.
STATUSES = ("ok", "wrong", "nan", "shape", "dtype", "raised", "timeout", "not run", "grad")


class CheckError(ValueError):
    """A usage problem: unknown kind, a target that cannot be loaded, a bad option."""


@dataclass(frozen=True)
class CaseResult:
    case: Any
    status: str  # one of STATUSES
    max_err: float = 0.0  # in ULP of the case's scale
    where: tuple | None = None
    got: float | None = None
    expected: float | None = None
    message: str = ""
    seconds: float = 0.0
    reference: Any = field(default=None, repr=False)
    output: Any = field(default=None, repr=False)
    diagnosis: str = ""
    traceback: str = field(default="", repr=False)

    @property
    def ok(self) -> bool:
        """The case passed."""
        return self.status == "ok"

    @property
    def failed(self) -> bool:
        """The case failed: every status but ``ok`` and ``not run``.

        A case is ``not run`` after an earlier timeout of the same target (the timeout is the failure) or
        when the kind cannot ask the target for it (an encoding without a ``dtype`` parameter in float32).
        """
        return self.status not in ("ok", "not run")


def get_kind(kind: str):
    """The kind object named ``kind`` (CheckError naming KIND otherwise)."""
    kinds = registry()
    if kind not in kinds:
        raise CheckError(f"KIND {kind!r} is unknown: choose one of {', '.join(kinds)}")
    return kinds[kind]


def builtin_targets(kind_obj) -> dict[str, str]:
    """The built-in target names of a kind, with a one-line description each."""
    b = getattr(kind_obj, "builtins", None) or {}
    return {name: (v if isinstance(v, str) else v[1] if isinstance(v, tuple) and len(v) > 1
                   else (getattr(v, "__doc__", "") or "").strip().split("\n")[0]) for name, v in b.items()}


def _load_builtin(kind_obj, target: str, options: dict) -> Callable:
    if hasattr(kind_obj, "load_builtin"):
        return kind_obj.load_builtin(target, options)
    v = kind_obj.builtins[target]
    if isinstance(v, tuple):
        v = v[0]
    return v


def _import_target(target: str) -> Callable:
    mod_name, _, attr = target.rpartition(":")
    try:
        if mod_name.endswith(".py") or "/" in mod_name or os.sep in mod_name:
            path = Path(mod_name)
            if not path.is_file():
                raise CheckError(f"TARGET file {path} does not exist")
            spec = importlib.util.spec_from_file_location(f"verify_check_target_{path.stem}", path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[spec.name] = module
            spec.loader.exec_module(module)
        else:
            # as `python -m` does: the current directory comes first on the import path
            cwd = os.getcwd()
            if cwd not in sys.path and "" not in sys.path:
                sys.path.insert(0, cwd)
            importlib.invalidate_caches()
            module = importlib.import_module(mod_name)
    except CheckError:
        raise
    except Exception as exc:  # noqa: BLE001 - the user's module failed to import
        raise CheckError(f"TARGET {target!r}: could not import {mod_name!r}: {type(exc).__name__}: {exc}") from None
    fn = module
    for part in attr.split("."):
        fn = getattr(fn, part, None)
    if fn is None or not callable(fn):
        raise CheckError(f"TARGET {target!r}: {mod_name!r} has no callable {attr!r}")
    return fn


def load_target(kind: str, target, options: dict | None = None) -> Callable:
    """Resolve ``target``: a callable, a built-in name, ``package.module:function`` or ``path/file.py:function``.

    ``package.module`` is imported with the current directory first on the path, as ``python -m`` does.
    """
    options = dict(options or {})
    kind_obj = get_kind(kind)
    if callable(target):
        fn = target
    elif not isinstance(target, str) or not target:
        raise CheckError(f"TARGET must be a callable or a string, got {target!r}")
    elif target in builtin_targets(kind_obj):
        fn = _load_builtin(kind_obj, target, options)
    elif ":" not in target and (target.endswith(".py") or "/" in target or "." in target):
        raise CheckError(f"TARGET {target!r} is missing :function: write {target}:FUNCTION_NAME "
                         f"(the function in it to check)")
    elif ":" not in target:
        names = ", ".join(builtin_targets(kind_obj))
        raise CheckError(f"TARGET {target!r} must be a built-in ({names}), "
                         f"'package.module:function' or 'path/to/file.py:function'")
    else:
        fn = _import_target(target)
    kind_obj.validate_target(fn, options)
    return fn


def _require_torch(options: dict) -> None:
    if options.get("grad") and not options.get("torch"):
        raise CheckError("--grad requires --torch (gradients are taken with torch.autograd)")
    if options.get("torch"):
        try:
            import torch  # noqa: F401
        except ImportError as exc:
            raise CheckError(f"--torch: PyTorch is not installed ({exc}); pip install torch, "
                             f"or drop --torch to pass numpy arrays") from None
    if options.get("grad") and grad_module() is None:
        raise CheckError("--grad: gradient checks (verify.check.grad) are not available in this installation")


@dataclass
class Plan:
    """A resolved check: the kind, the loaded target, the options and the selected cases."""

    kind: Any
    fn: Callable
    options: dict
    cases: list


def plan_check(kind: str, target, dtypes=("float64", "float32"), case_filter: str | None = None, *,
               torch: bool = False, grad: bool = False, convention: str | None = None,
               positions_first: bool = False) -> Plan:
    """Load ``target`` for ``kind`` and select its cases (no case is run)."""
    options = {"torch": bool(torch), "grad": bool(grad), "convention": convention,
               "positions_first": bool(positions_first)}
    kind_obj = get_kind(kind)
    if grad and not getattr(kind_obj, "supports_grad", False):
        with_grad = ", ".join(k for k, v in registry().items() if getattr(v, "supports_grad", False))
        raise CheckError(f"--grad applies to {with_grad}, not to {kind}")
    _require_torch(options)
    fn = load_target(kind, target, options)
    options["eta"] = accepts_eta(fn)
    if isinstance(dtypes, str):
        dtypes = (dtypes,)
    cases: list = []
    unavailable = []
    for dt in dtypes:
        try:
            dtype = np.dtype(dt)
        except TypeError:
            raise CheckError(f"--dtype {dt!r} is not a dtype: choose float64 or float32") from None
        if dtype not in (np.float32, np.float64):
            raise CheckError(f"--dtype must be float32 or float64, got {dt!r}")
        why = kind_obj.dtype_unavailable(fn, dtype, options) if hasattr(kind_obj, "dtype_unavailable") else ""
        if why:
            unavailable.append(why)
    if unavailable and len(unavailable) == len(tuple(dtypes)):
        raise CheckError("; ".join(unavailable))  # nothing could be run: a usage error, not a pass
    for dt in dtypes:
        dtype = np.dtype(dt)
        cases += [c for c in kind_obj.cases(dtype, options)
                  if case_filter is None or case_filter in f"{c.name} [{dtype.name}]"]
    if not cases:
        raise CheckError(f"--case {case_filter!r}: no case matches; "
                         f"`verify check {kind} TARGET --list` prints the names")
    return Plan(kind_obj, fn, options, cases)


#: Source files of this package: their frames are dropped from a target's traceback (``--show``).
_OWN = str(Path(__file__).resolve().parents[1])


@dataclass(frozen=True)
class _Raised:
    """The target raised: ``ExcType: message`` and the traceback of the user's own frames."""

    text: str


def _user_traceback(exc: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.startswith(_OWN)]
    body = "".join(traceback.format_list(frames[-6:]))
    return f"{type(exc).__name__}: {exc}\n" + ("Traceback (the target's frames, most recent call last):\n"
                                               + body if body else "")


def _in_child(thunk: Callable[[], object]) -> Callable[[], object]:
    """``thunk`` as run in the forked child: the target's prints go to stderr (stdout may be ``--json``),
    and an exception comes back as :class:`_Raised` with the tool's own frames left out."""

    def child():
        sys.stdout.flush()
        os.dup2(2, 1)
        sys.stdout = sys.stderr
        try:
            return thunk()
        except Exception as exc:  # noqa: BLE001 - the target's failure is the result
            return _Raised(_user_traceback(exc))

    return child


def run_cases(plan: Plan, tol_ulp: float = 16.0, timeout: float = 10.0, jobs: int = 1,
              on_result: Callable[[CaseResult], None] | None = None) -> list[CaseResult]:
    """Run the plan's cases; after the first timeout the cases not yet started are ``not run``."""
    if not tol_ulp > 0:
        raise CheckError(f"--ulp must be positive, got {tol_ulp}")
    if not timeout > 0:
        raise CheckError(f"--timeout must be positive, got {timeout}")
    if jobs < 1:
        raise CheckError(f"--jobs must be at least 1, got {jobs}")
    kind, fn, options, cases = plan.kind, plan.fn, plan.options, plan.cases
    stopped: list[CaseResult] = []

    def tasks():
        for k, case in enumerate(cases):
            if stopped:
                return
            yield k, _in_child(kind.call(fn, case, options)), timeout

    results: dict[int, CaseResult] = {}
    for k, fin in run_many(tasks(), jobs=jobs):
        case = cases[k]
        if fin.status == "timeout":
            res = CaseResult(case, "timeout", message=f"no answer within {timeout:g} s", seconds=fin.seconds)
            stopped.append(res)
        elif fin.status == "error" or isinstance(fin.value, _Raised):
            text = fin.value.text if isinstance(fin.value, _Raised) else fin.error
            first, _, rest = text.strip().partition("\n")
            res = CaseResult(case, "raised", message=first, seconds=fin.seconds, traceback=rest)
        else:
            res = kind.compare(case, fin.value, kind.reference(case, options), tol_ulp, options)
            res = replace(res, seconds=fin.seconds)
        results[k] = res
        if on_result:
            on_result(res)
    for k, case in enumerate(cases):
        if k not in results:
            results[k] = CaseResult(case, "not run", message=f"skipped: {stopped[0].case.name} "
                                    f"[{stopped[0].case.dtype.name}] timed out after {timeout:g} s")
            if on_result:
                on_result(results[k])
    return [results[k] for k in range(len(cases))]


def run_check(kind: str, target, dtypes=("float64", "float32"), tol_ulp: float = 16.0,
              timeout: float = 10.0, torch_inputs: bool = False, case_filter: str | None = None,
              jobs: int = 1, on_result: Callable[[CaseResult], None] | None = None, *, grad: bool = False,
              convention: str | None = None, positions_first: bool = False) -> list[CaseResult]:
    """Run every case of ``kind`` for each dtype through ``target``; return one result per case."""
    if not tol_ulp > 0:
        raise CheckError(f"--ulp must be positive, got {tol_ulp}")
    if not timeout > 0:
        raise CheckError(f"--timeout must be positive, got {timeout}")
    plan = plan_check(kind, target, dtypes, case_filter, torch=torch_inputs, grad=grad, convention=convention,
                      positions_first=positions_first)
    return run_cases(plan, tol_ulp, timeout, jobs, on_result)
