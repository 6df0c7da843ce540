"""``verify check``: validate a user's numeric implementation against the high-precision references.

From Python (a user's own pytest suite): :func:`check_function` returns a :class:`CheckReport`
(``.ok``, ``.failures``, ``str()``, ``.assert_ok()``); :func:`parametrize` makes each named case its own
pytest item.
"""

from .api import CheckReport, check_function, parametrize
from .cases import CASES, KINDS, Case
from .kinds import registry
from .run import CaseResult, CheckError, load_target, run_check

__all__ = ["CASES", "KINDS", "Case", "CaseResult", "CheckError", "CheckReport", "check_function",
           "load_target", "parametrize", "registry", "run_check"]
