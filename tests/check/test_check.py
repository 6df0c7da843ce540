"""``verify check`` on well-behaved, wrong, crashing and hanging implementations."""

from __future__ import annotations

import json
import textwrap

import numpy as np
import pytest

from verify.check import CASES, CheckError, run_check
from verify.cli import main

USER_CODE = textwrap.dedent('''
    import os, time
    import numpy as np
    from verify.aggregation.kernels import softmax_aggregate, power_mean_aggregate

    def good(x, index, n, t):
        return softmax_aggregate(x, index, n, t)

    def off_by_a_bit(x, index, n, t):
        return softmax_aggregate(x, index, n, t) * (1 + 1e-9)

    def wrong_shape(x, index, n, t):
        return softmax_aggregate(x, index, n, t)[:-1]

    def raises(x, index, n, t):
        raise RuntimeError("my kernel is broken")

    def crashes(x, index, n, t):
        os._exit(11)

    def hangs(x, index, n, t):
        while True:
            time.sleep(0.05)

    def nan_out(x, index, n, t):
        out = softmax_aggregate(x, index, n, t)
        out[0, 0] = np.nan
        return out

    def as_list(x, index, n, t):
        return softmax_aggregate(x, index, n, t).tolist()

    def two_args(x, index):
        return x
''')


@pytest.fixture
def user_file(tmp_path):
    path = tmp_path / "user_aggr.py"
    path.write_text(USER_CODE)
    return path


def statuses(results):
    return {r.status for r in results}


def test_our_kernels_pass_every_case():
    for kind in CASES:
        results = run_check(kind, "verify", jobs=2)
        bad = [(r.case.name, r.case.dtype.name, r.status, r.max_err) for r in results if not r.ok]
        assert not bad, bad


def test_naive_formula_is_caught_where_it_overflows():
    results = run_check("softmax", "naive", dtypes=("float64",), jobs=2)
    by_name = {r.case.name: r for r in results}
    assert by_name["softmax(t=1)"].ok
    overflow = by_name["softmax(t=1, |x|~700)"]
    assert overflow.status in ("nan", "wrong")
    pm = {r.case.name: r for r in run_check("power_mean", "naive", dtypes=("float64",), jobs=2)}
    assert pm["power_mean(q=1)"].ok
    assert not pm["power_mean(q=150, x~1e3)"].ok  # x**q overflows
    assert pm["power_mean(q=0)"].status == "raised"  # 1 / q with q = 0


def test_a_small_relative_error_is_measured(user_file):
    results = run_check("softmax", f"{user_file}:off_by_a_bit", dtypes=("float64",), case_filter="t=1)")
    (r,) = results
    assert r.status == "wrong"
    assert 1e5 < r.max_err < 1e8  # 1e-9 relative is ~ 4.5e6 ULP of float64


@pytest.mark.parametrize("func, status, text", [
    ("wrong_shape", "shape", "returned shape"),
    ("raises", "raised", "RuntimeError: my kernel is broken"),
    ("crashes", "raised", "died"),
    ("nan_out", "nan", "non-finite"),
])
def test_broken_implementations_are_reported(user_file, func, status, text):
    (r,) = run_check("softmax", f"{user_file}:{func}", dtypes=("float64",), case_filter="t=1)")
    assert r.status == status
    assert text in r.message


def test_a_hanging_implementation_times_out(user_file):
    (r,) = run_check("softmax", f"{user_file}:hangs", dtypes=("float64",), case_filter="t=1)", timeout=0.5)
    assert r.status == "timeout" and "0.5 s" in r.message


def test_lists_are_accepted(user_file):
    results = run_check("softmax", f"{user_file}:as_list", dtypes=("float32",), case_filter="t=1)")
    assert all(r.ok for r in results)


@pytest.mark.parametrize("target, match", [
    ("nonexistent_pkg_xyz:f", "could not import"),
    ("nofunction", "must be a built-in"),
    ("/no/such/file.py:f", "does not exist"),
])
def test_bad_targets(target, match):
    with pytest.raises(CheckError, match=match):
        run_check("softmax", target)


def test_bad_signature_and_options(user_file):
    with pytest.raises(CheckError, match="must accept"):
        run_check("softmax", f"{user_file}:two_args")
    with pytest.raises(CheckError, match="has no callable"):
        run_check("softmax", f"{user_file}:missing")
    with pytest.raises(CheckError, match="--ulp"):
        run_check("softmax", "verify", tol_ulp=0)
    with pytest.raises(CheckError, match="no case matches"):
        run_check("softmax", "verify", case_filter="zzz")


def test_cli_exit_status_and_repro_line(user_file, capsys):
    assert main(["check", "softmax", f"{user_file}:nan_out", "--dtype", "float64", "--case", "t=1)"]) == 1
    out = capsys.readouterr().out
    assert "the line that reproduces each" in out and "--show" in out
    assert main(["check", "softmax", "verify", "--dtype", "float32", "--case", "ties", "--json"]) == 0
    (rec,) = json.loads(capsys.readouterr().out)
    assert rec["status"] == "ok" and rec["dtype"] == "float32"
    assert main(["check", "softmax", "nope:f"]) == 2
    assert "could not import" in capsys.readouterr().err


def test_show_prints_a_runnable_reproduction(capsys):
    assert main(["check", "softmax", "verify", "--dtype", "float64", "--case", "single neighbour", "--show"]) == 0
    out = capsys.readouterr().out
    start = out.index("import numpy as np")
    snippet = out[start:out.index("reference (60 digits")]
    ns: dict = {}
    exec(snippet, ns)  # the printed inputs are valid Python that rebuilds the case
    assert ns["x"].shape == (4, 3) and ns["num_segments"] == 4 and ns["t"] == 3.0


def test_pyg_target(capsys):
    pytest.importorskip("torch_geometric", reason="torch_geometric is not installed")
    results = {r.case.name: r for r in run_check("power_mean", "pyg", dtypes=("float64",), jobs=2)}
    assert results["power_mean(q=1)"].ok
    # PyTorch Geometric clamps x to [0, 100]: values up to 1e3 come out wrong
    assert not results["power_mean(q=3, x up to 1e3)"].ok


def test_cases_are_deterministic():
    a, b = CASES["softmax"](np.float32), CASES["softmax"](np.float32)
    assert [c.name for c in a] == [c.name for c in b]
    assert all(np.array_equal(c.x, d.x) and np.array_equal(c.index, d.index) for c, d in zip(a, b))
