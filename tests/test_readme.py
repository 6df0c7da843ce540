"""The README's commands are the ones CI runs, and its Python examples run and check themselves."""

from __future__ import annotations

import re


def test_install_and_test_commands_are_literal(repo_root):
    text = (repo_root / "README.md").read_text()
    assert "pip install -e '.[test]' && verify report -o verify-report" in text
    assert "\n```bash\npython -m pytest\n```" in text
    ci = (repo_root / ".ci" / "run").read_text()
    assert "\npython -m pytest\n" in ci, ".ci/run must run the README's test command"


def _python_blocks(repo_root, torch: bool) -> list[str]:
    """The README's ```python blocks, those that use torch (an optional extra) or the others."""
    text = (repo_root / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    return [b for b in blocks if bool(re.search(r"\bimport torch\b|from torch\b|verify\.torch", b)) == torch]


def test_python_examples_run(repo_root):
    blocks = _python_blocks(repo_root, torch=False)
    assert len(blocks) >= 2
    ns: dict = {}
    for block in blocks:  # blocks share a namespace, as in one session
        exec(compile(block, "README.md", "exec"), ns)


def test_torch_examples_run(repo_root):
    import pytest

    pytest.importorskip("torch", reason="the torch examples need the optional extra (torch)")
    pytest.importorskip("torch_geometric", reason="the torch examples swap the modules into a PyG model")
    blocks = _python_blocks(repo_root, torch=True)
    assert blocks, "the README shows the torch modules in a ```python block"
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})
