"""Fixes from a fresh-eyes review of ``verify check``, each with the mutant it must tell apart.

Diagnoses decided from the output (degree scaling before the limit; overflow only where the unshifted
formula overflows), the error model in units of the case's condition, nothing-run is not a pass, the
target's prints kept off ``--json``, a hanging target skipped after its first timeout in ``parametrize``,
reproduction lines with every non-default option, the 80-column table, strict JSON, ``--list`` without
TARGET, clearer messages, and the float32-in-float64 diagnosis.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from verify.check import CheckError, check_function, run_check
from verify.check.api import CheckReport
from verify.check.kinds import SOFTMAX, error_units
from verify.check.run import CaseResult
from verify.cli import main

REPO = Path(__file__).resolve().parents[2]
VERIFY = str(Path(sys.executable).with_name("verify"))
ENV = dict(os.environ, PYTHONPATH=str(REPO), COLUMNS="80")

USER_CODE = textwrap.dedent('''
    import time
    import numpy as np
    from verify.aggregation.kernels import softmax_aggregate, power_mean_aggregate

    def sm(x, index, n, t, eta=0.0):
        return softmax_aggregate(x, index, n, t, eta)

    def sm_eta_doubled(x, index, n, t, eta=0.0):  # |N|^(2 eta): right at eta = 0 only
        return softmax_aggregate(x, index, n, t, 2 * eta)

    def pm_eta_ignored(x, index, n, q, eta=0.0):  # no degree scaling at all
        return power_mean_aggregate(x, index, n, q, 0.0)

    def sm_mean_at_inf(x, index, n, t, eta=0.0):  # the limit not handled: the mean at t = inf
        return softmax_aggregate(x, index, n, 0.0 if np.isinf(t) else t, eta)

    def sm_sign_swapped(x, index, n, t, eta=0.0):  # the minimum at t = inf
        return softmax_aggregate(x, index, n, -t if np.isinf(t) else t, eta)

    def sm_count_plus_one(x, index, n, t, eta=0.0):  # (|N| + 1)^eta: not a power of |N|
        c = np.bincount(index, minlength=n).astype(x.dtype)[:, None]
        out = softmax_aggregate(x, index, n, t, 0.0)
        return np.where(c > 0, out * (c + 1) ** x.dtype.type(eta), 0).astype(x.dtype)

    def sm_nan_injected(x, index, n, t):  # shifted (no overflow anywhere), one NaN put in
        out = softmax_aggregate(x, index, n, t)
        out[0, 0] = np.nan
        return out

    def sm_lse(x, index, n, t, eta=0.0):  # exp(t x - logsumexp(t x)) x: backward stable, not normalised
        out = np.zeros((n, x.shape[1]), x.dtype)
        for s in range(n):
            m = x[index == s]
            if len(m) == 0:
                continue
            for c in range(x.shape[1]):
                v = m[:, c]
                if np.isinf(t):
                    out[s, c] = v.max() if t > 0 else v.min()
                    continue
                a = x.dtype.type(t) * v
                l = a.max() + np.log(np.sum(np.exp(a - a.max())))
                out[s, c] = np.sum(np.exp(a - l) * v)
            out[s] *= x.dtype.type(len(m)) ** x.dtype.type(eta)
        return out

    def sm_lse_off(x, index, n, t, eta=0.0):  # the same, wrong by 1e-12 relative
        return (sm_lse(x, index, n, t, eta) * (1 + 1e-12)).astype(x.dtype)

    def sm_in_float32(x, index, n, t, eta=0.0):  # float64 asked, float32 computed, widened back
        return softmax_aggregate(x.astype(np.float32), index, n, t, eta).astype(x.dtype)

    def sm_off(x, index, n, t, eta=0.0):  # float64, wrong by 1e-9 relative: not a float32 pattern
        return softmax_aggregate(x, index, n, t, eta) * (1 + 1e-9)

    def prints(x, index, n, t):
        print("debug output from the user's kernel")
        return softmax_aggregate(x, index, n, t)

    def raises(x, index, n, t):
        raise RuntimeError("boom")

    def sleeps(x, index, n, t):
        time.sleep(60)

    def enc_no_dtype(n, p):
        from verify.positional.encoding import sinusoidal_encoding
        return sinusoidal_encoding(n, p, convention="transformer")

    def extra_required(x, index, n, t, alpha):
        return softmax_aggregate(x, index, n, t)

    def t_keyword_only(x, index, n, *, t):
        return softmax_aggregate(x, index, n, t)
''')


@pytest.fixture(scope="module")
def user(tmp_path_factory):
    path = tmp_path_factory.mktemp("review") / "user_review.py"
    path.write_text(USER_CODE)
    return path


def results(user, func, kind="softmax", **kw):
    return {f"{r.case.name} [{r.case.dtype.name}]": r for r in run_check(kind, f"{user}:{func}", **kw)}


# ------------------------------------------------------------------ 1, 7, 8: diagnoses from the output
def test_degree_scaling_is_named_at_the_limit_too(user):
    res = results(user, "sm_eta_doubled", dtypes=("float64",), case_filter="eta=0.5")
    for name in ("softmax(t=inf, eta=0.5) [float64]", "softmax(t=1, eta=0.5) [float64]"):
        d = res[name].diagnosis
        assert "not handled" not in d, d
        assert d.startswith("the output scales as |N|^1 (an extra factor |N|^0.5)"), d
        assert "eta = 0.5 asks for |N|^0.5" in d


def test_power_mean_without_scaling_is_degree_scaling_at_q_inf(user):
    res = results(user, "pm_eta_ignored", kind="power_mean", dtypes=("float64",), case_filter="q=inf, eta=1)")
    d = res["power_mean(q=inf, eta=1) [float64]"].diagnosis
    assert "an extra factor |N|^-1" in d and "not handled" not in d, d


def test_limit_not_handled_only_when_the_output_is_not_the_extreme(user):
    mean = results(user, "sm_mean_at_inf", dtypes=("float64",), case_filter="t=inf)")
    assert "the limit t = inf is not handled: the output is not the segment maximum" in \
        mean["softmax(t=inf) [float64]"].diagnosis
    swapped = results(user, "sm_sign_swapped", dtypes=("float64",), case_filter="t=inf)")
    assert "the output is the segment minimum, not the maximum" in swapped["softmax(t=inf) [float64]"].diagnosis
    good = results(user, "sm", dtypes=("float64",), case_filter="t=inf")
    assert all(r.ok for r in good.values())


def test_a_factor_per_segment_is_degree_scaling_not_the_limit(user):
    res = results(user, "sm_count_plus_one", dtypes=("float64",), case_filter="eta=1)")
    for name in ("softmax(t=inf, eta=1) [float64]", "softmax(t=1, eta=1) [float64]"):
        d = res[name].diagnosis
        assert "not handled" not in d and "degree scaling is off" in d and "2 at |N| = 1" in d, (name, d)


def test_overflow_is_said_only_where_the_unshifted_exp_overflows(user):
    injected = results(user, "sm_nan_injected", dtypes=("float64",), case_filter="t=1e8")
    r = injected["softmax(t=1e8) [float64]"]
    assert r.status == "nan" and "overflow" not in r.diagnosis.replace("not where the textbook formula overflows", "")
    assert r.diagnosis.startswith("1 non-finite entry (nan) of 18"), r.diagnosis
    assert r.message.startswith("1 non-finite output where")  # singular
    naive = {f"{r.case.name} [{r.case.dtype.name}]": r
             for r in run_check("softmax", "naive", dtypes=("float64",), case_filter="t=1e8")}
    assert "non-finite exactly where exp(t x) overflows" in naive["softmax(t=1e8) [float64]"].diagnosis
    inf = {f"{r.case.name} [{r.case.dtype.name}]": r
           for r in run_check("softmax", "naive", dtypes=("float64",), case_filter="t=inf)")}
    assert "the limit t = inf is not handled" in inf["softmax(t=inf) [float64]"].diagnosis


# ------------------------------------------------------------------------------ 2: the error model
def test_logsumexp_softmax_passes_and_its_mutants_fail(user):
    lse = results(user, "sm_lse", dtypes=("float64", "float32"))
    assert all(r.ok for r in lse.values()), [str(r) for r in lse.values() if not r.ok]
    off = results(user, "sm_lse_off", dtypes=("float64",), case_filter="t=30)")
    assert off["softmax(t=30) [float64]"].status == "wrong"  # 1e-12 relative is still far outside
    for bad in ("sm_eta_doubled", "sm_in_float32"):
        assert not all(r.ok for r in results(user, bad, dtypes=("float64",)).values()), bad
    assert not all(r.ok for r in run_check("softmax", "naive", dtypes=("float64",)))


def test_the_condition_is_what_lets_logsumexp_pass(user):
    """Without kappa (units eps * scale) the stable logsumexp kernel fails t = 30: the case is ill-conditioned."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("user_review_mod", user)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    (case,) = [c for c in SOFTMAX.cases(np.float64, {}) if c.name == "softmax(t=30)"]
    ref = SOFTMAX.reference(case, {}).astype(float)
    got = mod.sm_lse(case.x, case.index, case.num_segments, case.param)
    amax = np.zeros(ref.shape)
    np.maximum.at(amax, case.index, np.abs(case.x))
    plain = np.abs(got - ref) / (np.finfo(np.float64).eps * amax)
    honest = np.abs(got - ref) / error_units("softmax", case, ref)
    assert plain.max() > 16 >= honest.max()
    assert np.all(error_units("softmax", case, ref) >= np.finfo(np.float64).eps * amax)
    # the power mean is homogeneous of degree 1 with positive weights: kappa <= 1, units eps * scale
    from verify.check.kinds import POWER_MEAN
    (pc,) = [c for c in POWER_MEAN.cases(np.float64, {}) if c.name == "power_mean(q=2)"]
    pref = POWER_MEAN.reference(pc, {}).astype(float)
    pmax = np.zeros(pref.shape)
    np.maximum.at(pmax, pc.index, np.abs(pc.x))
    assert np.allclose(error_units("power_mean", pc, pref), np.finfo(np.float64).eps * pmax)


# --------------------------------------------------------------------- 3: nothing run is not a pass
def test_float32_from_an_encoding_without_dtype_is_a_usage_error(user, capsys):
    assert main(["check", "encoding", "seed", "--convention", "seed-code", "--dtype", "float32"]) == 2
    assert "float32 cannot be requested from a function without a `dtype=`" in capsys.readouterr().err
    with pytest.raises(CheckError, match=r"dtypes= float32 cannot be requested"):
        check_function("encoding", f"{user}:enc_no_dtype", dtypes=("float32",))
    # both dtypes: float64 runs, float32 is reported not run, and the check passes on float64
    assert check_function("encoding", f"{user}:enc_no_dtype", case_filter="n=50").ok


def test_a_report_with_nothing_run_is_not_ok():
    (case,) = [c for c in SOFTMAX.cases(np.float64, {}) if c.name == "softmax(t=1)"]
    nothing = CheckReport("softmax", "x.py:f", [CaseResult(case, "not run", message="skipped")], 16.0)
    assert not nothing.ok and "nothing was checked" in str(nothing)
    assert CheckReport("softmax", "x.py:f", [CaseResult(case, "ok")], 16.0).ok


# ------------------------------------------------------------------ 4, 10: --json stays valid JSON
def _strict(text):
    def no_constants(name):
        raise ValueError(f"bare {name} in JSON")

    return json.loads(text, parse_constant=no_constants)


def test_json_is_strict_and_the_targets_prints_go_to_stderr(user):
    done = subprocess.run([VERIFY, "check", "softmax", f"{user}:prints", "--case", "t=1)", "--json"],
                          capture_output=True, text=True, env=ENV, timeout=300)
    assert done.returncode == 0, done.stderr
    assert len(_strict(done.stdout)) == 2 and "debug output" in done.stderr
    done = subprocess.run([VERIFY, "check", "softmax", f"{user}:sm_nan_injected", "--case", "t=1)", "--dtype",
                           "float64", "--json"], capture_output=True, text=True, env=ENV, timeout=300)
    (rec,) = _strict(done.stdout)
    assert rec["got"] == "nan" and rec["max_err_ulp"] == "inf"
    assert rec["reproduce"].startswith(f"verify check softmax {user}:sm_nan_injected --case")


def test_json_records_of_raised_cases(user, capsys):
    assert main(["check", "softmax", f"{user}:raises", "--case", "t=1)", "--dtype", "float64", "--json"]) == 1
    (rec,) = _strict(capsys.readouterr().out)
    assert rec["status"] == "raised" and rec["max_err_ulp"] is None and "reproduce" in rec
    assert main(["check", "softmax", f"{user}:sm", "--case", "t=1)", "--dtype", "float64", "--json"]) == 0
    (rec,) = _strict(capsys.readouterr().out)
    assert rec["status"] == "ok" and "reproduce" not in rec and isinstance(rec["max_err_ulp"], float)


def test_list_without_target_honours_json_and_case(capsys):
    assert main(["check", "softmax", "--list", "--json", "--case", "eta=1)"]) == 0
    recs = _strict(capsys.readouterr().out)
    assert {r["case"] for r in recs} == {"softmax(t=1, eta=1)", "softmax(t=inf, eta=1)",
                                         "softmax(t=2, empty segments, eta=1)"}
    assert {r["dtype"] for r in recs} == {"float64", "float32"} and all(r["why"] for r in recs)
    assert main(["check", "softmax", "verify", "--list", "--case", "ties"]) == 0
    assert capsys.readouterr().out.count("softmax(t=10, ties)") == 2
    assert main(["check", "softmax"]) == 2
    assert "TARGET is required" in capsys.readouterr().err


# ----------------------------------------------------------------------- 5: parametrize and a hang
def test_parametrize_pays_a_hanging_targets_timeout_once(user, tmp_path):
    (tmp_path / "test_hang.py").write_text(textwrap.dedent(f'''
        from verify.check import parametrize

        @parametrize("softmax", {str(user) + ":sleeps"!r}, timeout=1, dtypes=("float64",))
        def test_case(check):
            check()
    '''))
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "test_hang.py"],
                          cwd=tmp_path, capture_output=True, text=True, env=ENV, timeout=120)
    n = len([c for c in SOFTMAX.cases(np.float64, {})])
    assert f"1 failed, {n - 1} skipped" in done.stdout, done.stdout
    assert "timed out after 1 s (the target hangs)" in done.stdout


# ------------------------------------------------------------------- 6: the line reproduces the verdict
def test_the_reproduction_line_carries_ulp_and_timeout_and_reproduces(user, capsys):
    # sm_lse_off is wrong by 1e-12 relative: outside 16 units at t = 30, inside 1e4 units
    argv = ["check", "softmax", f"{user}:sm_lse_off", "--case", "t=30)", "--dtype", "float64", "--ulp", "2",
            "--timeout", "7.5", "--json"]
    assert main(argv) == 1
    (rec,) = _strict(capsys.readouterr().out)
    line = rec["reproduce"]
    assert "--ulp 2 " in line + " " and "--timeout 7.5" in line
    assert main(shlex.split(line)[1:]) == 1
    assert main(shlex.split(line.replace("--ulp 2", ""))[1:] + ["--ulp", "1e4"]) == 0  # the option matters
    report = check_function("softmax", f"{user}:sm_lse_off", dtypes=("float64",), case_filter="t=30)",
                            tol_ulp=2, timeout=7.5)
    assert "--ulp 2 --timeout 7.5" in str(report)


# ------------------------------------------------------------------------------ 9: the 80-column table
def test_table_fits_80_columns_and_failures_are_listed_below(user):
    done = subprocess.run([VERIFY, "check", "softmax", f"{user}:sm_eta_doubled"], capture_output=True,
                          text=True, env=ENV, timeout=600)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    n_cases, n_failed = 42, 18
    table = [ln for ln in lines if ln.startswith("│")]
    assert len(table) == n_cases, done.stdout  # one line per case: nothing wrapped inside the table
    assert all(len(ln) <= 80 for ln in table)
    for name in ("softmax(t=2, empty segments, eta=0.5)", "softmax(t=3, single neighbour)"):
        assert any(name in ln for ln in table), name  # never cut
    below = done.stdout[done.stdout.index("failures"):]
    assert below.count("- softmax(") == n_failed and below.count("verify check softmax") == n_failed
    assert "extra factor |N|^0.5" in below


# ------------------------------------------------------------------------------------- 12: messages
@pytest.mark.parametrize(("target", "expected"), [
    ("extra_required", "it also requires 'alpha', which is not passed: give it a default"),
    ("t_keyword_only", "parameter 't' is keyword-only (after *)"),
])
def test_signature_messages_say_what_is_wrong(user, target, expected):
    with pytest.raises(CheckError, match=r"TARGET must accept \(x, index, num_segments, t\): ") as exc:
        run_check("softmax", f"{user}:{target}")
    assert expected in str(exc.value)


def test_a_file_without_function_says_so(user):
    with pytest.raises(CheckError, match=r"is missing :function: write .*user_review.py:FUNCTION_NAME"):
        run_check("softmax", str(user))


def test_api_errors_name_the_api_arguments():
    with pytest.raises(CheckError, match=r"case_filter= 'no such case': no case matches"):
        check_function("softmax", "verify", case_filter="no such case")
    with pytest.raises(CheckError, match=r"tol_ulp= must be positive"):
        check_function("softmax", "verify", tol_ulp=-1, case_filter="ties")


def test_show_traceback_has_only_the_targets_frames(user, capsys):
    assert main(["check", "softmax", f"{user}:raises", "--dtype", "float64", "--case", "t=1)", "--show"]) == 1
    out = capsys.readouterr().out
    assert "RuntimeError: boom" in out and "user_review.py" in out and "in raises" in out
    assert "budget.py" not in out and "kinds.py" not in out and "run.py" not in out


# ------------------------------------------------------------------------ 13: float32 inside float64
def test_float64_computed_in_float32_is_diagnosed(user):
    res = results(user, "sm_in_float32", dtypes=("float64",), case_filter="t=")
    for name in ("softmax(t=1) [float64]", "softmax(t=inf) [float64]"):  # the extreme, in float32: not the limit
        r = res[name]
        assert r.status == "wrong" and r.diagnosis.endswith("computed in float32?"), (name, r.diagnosis)
    off = results(user, "sm_off", dtypes=("float64",), case_filter="t=1)")["softmax(t=1) [float64]"]
    assert off.status == "wrong" and "float32" not in off.diagnosis  # wrong, but not float32 numbers
