"""The engine of ``verify check``: eta and dtype cases, not-run after a timeout, imports from the current
directory, tracebacks and arrays in ``--show``, missing torch, and the diagnoses (each with its mutant)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from verify.check import CheckError, registry, run_check
from verify.check.kinds import accepts_eta
from verify.cli import main

REPO = Path(__file__).resolve().parents[2]

USER_CODE = textwrap.dedent('''
    import time
    import numpy as np
    from verify.aggregation.kernels import softmax_aggregate, power_mean_aggregate

    def good_eta(x, index, n, t, eta=0.0):
        return softmax_aggregate(x, index, n, t, eta)

    def eta_doubled(x, index, n, t, eta=0.0):  # right at eta = 0 only
        return softmax_aggregate(x, index, n, t, 2 * eta)

    def pm_eta_sign(x, index, n, q, eta=0.0):  # |N|^-eta: right at eta = 0 only
        return power_mean_aggregate(x, index, n, q, -eta)

    def widened(x, index, n, t):
        return softmax_aggregate(x, index, n, t).astype(np.float64)

    def sleeps(x, index, n, t):
        time.sleep(60)

    def deep_error(x, index, n, t):
        def inner(v):
            return v["missing"]
        return inner({})

    def nan_out(x, index, n, t):
        out = softmax_aggregate(x, index, n, t)
        out[1, 2] = np.inf
        return out

    def pyg_like(x, index, n, q):  # PyTorch Geometric's clamps, in numpy
        x = np.clip(x, 1e-4, 100) ** q
        s = np.zeros((n, x.shape[1]), x.dtype); c = np.zeros(n, x.dtype)
        np.add.at(s, index, x); np.add.at(c, index, 1)
        return np.clip(s / np.maximum(c, 1)[:, None], 1e-4, 100) ** (1 / q)

    def torch_only(x, index, n, t):
        if isinstance(x, np.ndarray):
            raise TypeError("given numpy arrays, not tensors")
        return softmax_aggregate(x.numpy(), index.numpy(), n, t)

    def empty_one(x, index, n, t):
        out = softmax_aggregate(x, index, n, t)
        out[np.bincount(index, minlength=n) == 0] = 1.0
        return out
''')


@pytest.fixture
def user_file(tmp_path):
    path = tmp_path / "user_engine.py"
    path.write_text(USER_CODE)
    return path


def by_name(results):
    return {f"{r.case.name} [{r.case.dtype.name}]": r for r in results}


# ---------------------------------------------------------------------------------------------- eta
def test_eta_cases_run_only_for_targets_with_eta(user_file):
    with_eta = run_check("softmax", f"{user_file}:good_eta", dtypes=("float64",), jobs=2)
    names = {r.case.name for r in with_eta}
    assert {"softmax(t=1, eta=0.5)", "softmax(t=inf, eta=1)", "softmax(t=2, empty segments, eta=-1)"} <= names
    assert all(r.ok for r in with_eta), [(r.case.name, r.status, r.message) for r in with_eta if not r.ok]
    plain = run_check("softmax", f"{user_file}:widened", dtypes=("float64",))  # no eta parameter
    assert plain and all("eta" not in r.case.name for r in plain)


@pytest.mark.parametrize("func, kind", [("eta_doubled", "softmax"), ("pm_eta_sign", "power_mean")])
def test_wrong_degree_scaling_fails_although_right_at_eta_zero(user_file, func, kind):
    results = run_check(kind, f"{user_file}:{func}", dtypes=("float64",), jobs=2)
    at_zero = [r for r in results if "eta" not in r.case.name]
    with_eta = [r for r in results if "eta=" in r.case.name]
    assert all(r.ok for r in at_zero)  # the mutant is right at eta = 0 ...
    ordinary = [r for r in with_eta if "inf" not in r.case.name or kind == "power_mean"]
    assert any(r.status == "wrong" for r in ordinary)  # ... and caught at eta != 0
    worst = next(r for r in with_eta if r.status == "wrong" and "eta=1)" in r.case.name)
    expected_k = 1.0 if func == "eta_doubled" else -2.0  # output / reference = |N|^(2 eta - eta) or |N|^(-2 eta)
    assert f"|N|^{expected_k:.3g}" in worst.diagnosis


def test_accepts_eta():
    assert accepts_eta(lambda x, i, n, t, eta=0: x)
    assert accepts_eta(lambda x, i, n, t, *, eta: x)
    assert not accepts_eta(lambda x, i, n, t, **kw: x)
    assert not accepts_eta(lambda x, i, n, t: x)


# --------------------------------------------------------------------------------------------- dtype
def test_a_widened_float32_output_is_a_dtype_failure(user_file):
    res = by_name(run_check("softmax", f"{user_file}:widened", case_filter="t=1)"))
    assert res["softmax(t=1) [float64]"].ok  # float64 asked, float64 returned
    r32 = res["softmax(t=1) [float32]"]
    assert r32.status == "dtype" and not r32.ok and r32.failed
    assert "returned float64 for float32 inputs" in r32.message


def test_lists_carry_no_dtype_and_pass(tmp_path):
    f = tmp_path / "lists.py"
    f.write_text("from verify.aggregation.kernels import softmax_aggregate\n"
                 "def f(x, index, n, t):\n    return softmax_aggregate(x, index, n, t).tolist()\n")
    assert all(r.ok for r in run_check("softmax", f"{f}:f", dtypes=("float32",), case_filter="t=1)"))


# ----------------------------------------------------------------------------------- faster failure
def test_a_hanging_target_costs_its_timeout_once(user_file):
    for jobs in (1, 2):
        start = time.perf_counter()
        results = run_check("softmax", f"{user_file}:sleeps", timeout=1.0, jobs=jobs)
        seconds = time.perf_counter() - start
        statuses = [r.status for r in results]
        assert statuses.count("timeout") == jobs and statuses.count("not run") == len(results) - jobs
        assert seconds < 2 * 1.0 + 1.0, seconds  # about one timeout (plus fork and start-up), not one per case
        not_run = next(r for r in results if r.status == "not run")
        assert not not_run.failed and "timed out after 1 s" in not_run.message


def test_cli_exit_status_of_a_hanging_target_is_1(user_file, capsys):
    assert main(["check", "softmax", f"{user_file}:sleeps", "--timeout", "0.3", "--dtype", "float64"]) == 1
    out = capsys.readouterr().out
    assert "not run" in out and "timeout" in out


def test_a_package_module_resolves_from_the_current_directory(tmp_path):
    pkg = tmp_path / "my_gnn"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "aggr.py").write_text("from verify.aggregation.kernels import softmax_aggregate as agg\n")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    verify_exe = Path(sys.executable).with_name("verify")
    cmd = [str(verify_exe), "check", "softmax", "my_gnn.aggr:agg", "--case", "ties", "--dtype", "float64"]
    done = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    # mutant: from another directory the module is not found, and the error names TARGET
    other = tmp_path / "elsewhere"
    other.mkdir()
    done = subprocess.run(cmd, cwd=other, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "TARGET 'my_gnn.aggr:agg'" in done.stderr and "my_gnn" in done.stderr


def test_show_prints_the_last_frames_of_a_traceback(user_file, capsys):
    assert main(["check", "softmax", f"{user_file}:deep_error", "--dtype", "float64", "--case", "t=1)",
                 "--show"]) == 1
    out = capsys.readouterr().out
    assert "KeyError: 'missing'" in out and "traceback (last frames)" in out
    assert 'return v["missing"]' in out and "in inner" in out  # the user's own frame, with its source line


def test_show_prints_reference_and_output_of_a_non_finite_case(user_file, capsys):
    (r,) = run_check("softmax", f"{user_file}:nan_out", dtypes=("float64",), case_filter="t=1)")
    assert r.status == "nan" and r.where == (1, 2) and "segment 1, channel 2" in r.message
    assert r.reference is not None and np.isinf(r.output[1, 2])
    assert main(["check", "softmax", f"{user_file}:nan_out", "--dtype", "float64", "--case", "t=1)", "--show"]) == 1
    out = capsys.readouterr().out
    assert "reference (60 digits, rounded):" in out and "output:" in out and "inf" in out.split("output:")[1]


def _run_without_torch(args):
    code = ("import sys; sys.modules['torch'] = None\n"
            "from verify.cli import main\n"
            f"sys.exit(main({args!r}))\n")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=str(REPO)))


def test_torch_missing_is_one_clear_message_and_exit_2():
    done = _run_without_torch(["check", "softmax", "verify", "--torch"])
    assert done.returncode == 2
    assert done.stderr.strip().startswith("verify check: --torch: PyTorch is not installed")
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1

def test_torch_inputs_when_torch_is_installed(user_file):
    pytest.importorskip("torch")  # the counterpart of the test above: with torch, the same flag runs
    (r,) = run_check("softmax", f"{user_file}:torch_only", dtypes=("float32",), case_filter="ties",
                     torch_inputs=True)
    assert r.ok, r.message
    (r,) = run_check("softmax", f"{user_file}:torch_only", dtypes=("float32",), case_filter="ties")
    assert r.status == "raised" and "numpy arrays, not tensors" in r.message


def test_grad_needs_torch(capsys):
    assert main(["check", "softmax", "verify", "--grad"]) == 2
    assert "--grad requires --torch" in capsys.readouterr().err
    with pytest.raises(CheckError, match="--grad requires --torch"):
        run_check("softmax", "verify", grad=True)


def test_encoding_options_are_refused_for_aggregations(capsys):
    assert main(["check", "softmax", "verify", "--convention", "transformer"]) == 2
    assert "--convention applies to KIND encoding only" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------- diagnoses
def test_pyg_clamps_are_recognised(user_file):
    res = by_name(run_check("power_mean", f"{user_file}:pyg_like", dtypes=("float64",), jobs=2))
    r = res["power_mean(q=3, x up to 1e3) [float64]"]
    assert r.status == "wrong" and "clipped to [0.0001, 100]" in r.diagnosis
    # the mutant: our kernel is not clamped, so nothing is recognised there (it passes)
    ok = by_name(run_check("power_mean", "verify", dtypes=("float64",), case_filter="x up to 1e3"))
    assert ok["power_mean(q=3, x up to 1e3) [float64]"].ok


def test_empty_segments_and_limits_are_recognised(user_file):
    res = by_name(run_check("softmax", f"{user_file}:empty_one", dtypes=("float64",), case_filter="empty"))
    assert "only the empty segments" in res["softmax(t=2, empty segments) [float64]"].diagnosis
    naive = by_name(run_check("power_mean", "naive", dtypes=("float64",), case_filter="q=inf)"))
    assert "the limit q = inf is not handled" in naive["power_mean(q=inf) [float64]"].diagnosis
    tiny = by_name(run_check("power_mean", "naive", dtypes=("float64",), case_filter="q=1e-8"))
    assert "direct formula" in tiny["power_mean(q=1e-8) [float64]"].diagnosis


def test_registry_has_the_kinds():
    kinds = registry()
    assert {"softmax", "power_mean"} <= set(kinds)
    for k in kinds.values():
        assert k.name and k.summary and k.signature
    if (REPO / "verify" / "check" / "encoding.py").exists():
        assert "encoding" in kinds
