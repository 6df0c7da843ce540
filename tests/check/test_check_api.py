"""The Python API of ``verify check`` (``check_function``, ``parametrize``) and the README's check section,
whose commands and code run as written."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from verify.check import CheckError, CheckReport, check_function, parametrize
from verify.check.api import CaseCheck
from verify.check.run import plan_check

REPO = Path(__file__).resolve().parents[2]
VERIFY = str(Path(sys.executable).with_name("verify"))
ENV = dict(os.environ, PYTHONPATH=str(REPO))


def _off(x, index, n, t):  # a module-level mutant: right to 1e-9 relative, i.e. millions of ULP wrong
    from verify.aggregation.kernels import softmax_aggregate

    return softmax_aggregate(x, index, n, t) * (1 + 1e-9)


def test_check_function_passes_a_correct_function():
    from verify.aggregation.kernels import power_mean_aggregate

    report = check_function("power_mean", power_mean_aggregate, dtypes=("float64",), jobs=2)
    assert isinstance(report, CheckReport) and report.ok and not report.failures
    assert any("eta=" in r.case.name for r in report.results)  # it has eta: the eta cases ran
    report.assert_ok()
    assert str(report).startswith("verify check power_mean ") and "within 16 ULP" in str(report)


def test_check_function_reports_a_wrong_function():
    report = check_function("softmax", _off, dtypes=("float64",), case_filter="t=1)")
    assert not report.ok and [r.status for r in report.failures] == ["wrong"]
    text = str(report)
    assert "FAIL softmax(t=1) [float64]: wrong" in text
    line = next(ln for ln in text.splitlines() if "reproduce:" in ln).split("reproduce: ")[1]
    assert line.startswith("verify check softmax ") and line.endswith(":_off --case 'softmax(t=1) [float64]' --show")
    done = subprocess.run([VERIFY, *shlex.split(line)[1:]], capture_output=True, text=True, env=ENV, timeout=300)
    assert done.returncode == 1 and "softmax(t=1)" in done.stdout and "wrong" in done.stdout  # it reproduces
    with pytest.raises(AssertionError, match=re.escape("FAIL softmax(t=1) [float64]")):
        report.assert_ok()


def test_check_function_options_are_checked():
    with pytest.raises(TypeError, match="unknown option.*tolerance"):
        check_function("softmax", _off, tolerance=3)
    with pytest.raises(CheckError, match="KIND 'softmx' is unknown"):
        check_function("softmx", _off)
    with pytest.raises(CheckError, match="TARGET must accept"):
        check_function("softmax", lambda x: x)


def test_parametrize_gives_one_item_per_case_with_the_repro_line():
    mark = parametrize("softmax", _off, dtypes=("float64", "float32"), case_filter="ties")
    (argname, checks), ids = mark.args, mark.kwargs["ids"]
    assert argname == "check" and ids == ["softmax(t=10, ties)-float64", "softmax(t=10, ties)-float32"]
    assert all(isinstance(c, CaseCheck) for c in checks)
    with pytest.raises(AssertionError) as info:
        checks[0]()
    assert "softmax(t=10, ties) [float64]: wrong" in str(info.value)
    assert "reproduce: verify check softmax " in str(info.value) and "--case 'softmax(t=10, ties) [float64]' --show" \
        in str(info.value)


def test_parametrize_in_a_pytest_run(tmp_path):
    (tmp_path / "test_user.py").write_text(textwrap.dedent('''
        from verify.aggregation.kernels import softmax_aggregate
        from verify.check import parametrize

        def good(x, index, n, t):
            return softmax_aggregate(x, index, n, t)

        def broken(x, index, n, t):
            return softmax_aggregate(x, index, n, -t if t == float("inf") else t)

        @parametrize("softmax", good, dtypes=("float32",))
        def test_good(check):
            check()

        @parametrize("softmax", broken, dtypes=("float32",), case_filter="t=inf")
        def test_broken(check):
            check()
    '''))
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_user.py"],
                          cwd=tmp_path, capture_output=True, text=True, env=ENV, timeout=300)
    out = done.stdout
    assert done.returncode == 1, out
    assert re.search(r"1 failed, 12 passed", out), out  # 12 float32 cases of good, the t=inf case of broken
    assert "test_broken[softmax(t=inf)-float32]" in out
    assert "reproduce: verify check softmax test_user.py:broken --case 'softmax(t=inf) [float32]' --show" in out


# ------------------------------------------------------------------------------------------ the README
def _section() -> str:
    text = (REPO / "README.md").read_text()
    start = text.index("## Validating your own implementation: `verify check`")
    return text[start:text.index("\n## ", start + 10)]


def _files(section: str) -> dict[str, str]:
    """The ```py blocks of the section, each a file named by its first line (``# path``)."""
    out = {}
    for block in re.findall(r"```py\n(.*?)```", section, flags=re.S):
        first, _, _ = block.partition("\n")
        assert first.startswith("# "), f"a file block starts with '# path': {first!r}"
        out[first[2:].strip()] = block
    return out


@pytest.fixture(scope="module")
def readme_project(tmp_path_factory):
    """A user's project folder made of the README's files."""
    root = tmp_path_factory.mktemp("readme_project")
    for rel, code in _files(_section()).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(code)
    (root / "my_gnn" / "__init__.py").touch()
    return root


def test_readme_tests_run_as_written(readme_project):
    files = _files(_section())
    assert set(files) == {"my_gnn/aggr.py", "tests/test_aggr.py"}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_aggr.py"],
                          cwd=readme_project, capture_output=True, text=True, env=ENV, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    # one item for check_function, one per float32 case (with the eta cases: softmax_agg has eta)
    n_cases = len(plan_check("softmax", lambda x, index, n, t, eta=0.0: x, dtypes=("float32",)).cases)
    assert re.search(rf"\b{1 + n_cases} passed", done.stdout), done.stdout


def _commands(section: str) -> list[str]:
    (block,) = re.findall(r"```bash\n(.*?)```", section, flags=re.S)
    return [ln for ln in block.splitlines() if ln.startswith("verify check ")]


def test_readme_commands_run_as_written(readme_project):
    commands = _commands(_section())
    assert len(commands) >= 6
    for line in commands:
        argv = shlex.split(line, comments=True)
        if "pyg" in argv or "--torch" in argv:
            pytest.importorskip("torch_geometric" if "pyg" in argv else "torch")
        done = subprocess.run([VERIFY, *argv[1:]], cwd=readme_project, capture_output=True, text=True,
                              env=ENV, timeout=600)
        assert done.returncode in (0, 1), (line, done.stdout[-2000:], done.stderr)  # 2 would be a usage error
        assert "Traceback" not in done.stderr, (line, done.stderr)
        if "my_gnn" in line or "--list" in line:  # the README's own implementation passes
            assert done.returncode == 0, (line, done.stdout[-3000:])
        if "naive" in argv or "seed-formula" in argv:  # shown as failing examples
            assert done.returncode == 1, line
        stated = re.search(r"#\s*exit (\d)", line)  # a comment that states the exit status is right
        if stated:
            assert done.returncode == int(stated.group(1)), (line, done.stdout[-2000:])


def test_readme_check_section_states_what_a_user_needs():
    section = _section()
    commands = _commands(section)
    assert any("seed --convention seed-code" in c and "# exit 0" in c for c in commands)
    assert any("seed --convention seed-formula" in c and "# exit 1" in c for c in commands)
    assert any("textbook" in c and "# exit 1: odd p raises" in c for c in commands)
    assert "`dtype=` parameter" in section and "(the default)" in section
    assert "verify.positional.encoding.sinusoidal_encoding" in section
    assert "eps * max(1, |theta|)" in section and "eps * scale * max(1, kappa)" in section
