"""``verify check``: validate a user's numeric implementation against the high-precision references."""

from .cases import CASES, KINDS, Case
from .run import BUILTINS, CaseResult, CheckError, load_target, run_check

__all__ = ["CASES", "KINDS", "Case", "BUILTINS", "CaseResult", "CheckError", "load_target", "run_check"]
