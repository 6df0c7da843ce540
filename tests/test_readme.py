"""The README's commands are the ones CI runs, and its Python examples run and check themselves."""

from __future__ import annotations

import re


def test_install_and_test_commands_are_literal(repo_root):
    text = (repo_root / "README.md").read_text()
    assert "pip install -e '.[test]' && verify report -o verify-report" in text
    assert "\n```bash\npython -m pytest\n```" in text
    ci = (repo_root / ".ci" / "run").read_text()
    assert "\npython -m pytest\n" in ci, ".ci/run must run the README's test command"


def test_python_examples_run(repo_root):
    text = (repo_root / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) >= 2
    ns: dict = {}
    for block in blocks:  # blocks share a namespace, as in one session
        exec(compile(block, "README.md", "exec"), ns)
