"""Exit statuses of ``verify check`` for every kind: 0 every case passes, 1 a failing case, 2 a usage error."""

from __future__ import annotations

import importlib.util
import textwrap

import pytest

from verify.check import registry
from verify.cli import main

HAS_ENCODING = "encoding" in registry()
HAS_GRAD = importlib.util.find_spec("verify.check.grad") is not None
HAS_TORCH = importlib.util.find_spec("torch") is not None


def run(capsys, *argv):
    code = main(["check", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("kind, passing, failing, usage, message", [
    ("softmax", ["verify", "--case", "ties"], ["naive", "--case", "t=inf)"],
     ["nonexistent_pkg_xyz:f"], "TARGET 'nonexistent_pkg_xyz:f'"),
    ("power_mean", ["verify", "--case", "q=1)"], ["naive", "--case", "q=inf)"],
     ["verify", "--positions-first"], "--positions-first applies to KIND encoding only"),
])
def test_aggregation_exit_statuses(capsys, kind, passing, failing, usage, message):
    assert run(capsys, kind, *passing)[0] == 0
    code, out, _ = run(capsys, kind, *failing)
    assert code == 1 and "the line that reproduces each" in out
    code, _, err = run(capsys, kind, *usage)
    assert code == 2 and message in err


@pytest.mark.skipif(not HAS_ENCODING, reason="verify.check.encoding is not installed")
def test_encoding_exit_statuses(capsys):
    assert run(capsys, "encoding", "verify", "--convention", "transformer", "--case", "n=16")[0] == 0
    # the seed's get_E: right against its own code, wrong against its displayed formula
    assert run(capsys, "encoding", "seed", "--convention", "seed-code", "--dtype", "float64")[0] == 0
    code, out, _ = run(capsys, "encoding", "seed", "--convention", "seed-formula", "--dtype", "float64",
                       "--case", "n=16")
    assert code == 1 and "--convention seed-formula" in out  # the reproduction line keeps the convention
    code, _, err = run(capsys, "encoding", "verify", "--torch", "--grad")
    assert code == 2 and "--grad" in err
    with pytest.raises(SystemExit) as info:  # argparse: an unknown convention names the argument
        main(["check", "encoding", "verify", "--convention", "vaswani"])
    assert info.value.code == 2
    assert "argument --convention" in capsys.readouterr().err


GRAD_TARGETS = textwrap.dedent('''
    import torch
    from verify.aggregation.kernels import softmax_aggregate

    def detached(x, index, n, t):  # forward right, no gradient flows
        return torch.from_numpy(softmax_aggregate(x.detach().numpy(), index.numpy(), n, float(t)))
''')


@pytest.mark.skipif(not (HAS_GRAD and HAS_TORCH), reason="verify.check.grad or torch is not installed")
def test_grad_exit_statuses(capsys, tmp_path):
    f = tmp_path / "grad_targets.py"
    f.write_text(GRAD_TARGETS)
    assert run(capsys, "softmax", "verify", "--torch", "--grad", "--case", "grad softmax(t=1)")[0] == 0
    code, out, _ = run(capsys, "softmax", f"{f}:detached", "--torch", "--grad", "--case", "grad softmax(t=1)")
    assert code == 1 and "--torch --grad" in out
    code, _, err = run(capsys, "softmax", "verify", "--grad")
    assert code == 2 and "--grad requires --torch" in err


def test_unknown_kind_names_the_argument(capsys):
    with pytest.raises(SystemExit) as info:
        main(["check", "softmx", "verify"])
    assert info.value.code == 2 and "argument KIND" in capsys.readouterr().err


def test_help_teaches(capsys):
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    out = capsys.readouterr().out
    for text in ("examples:", "exit status:", "(default: 16.0)", "(default: 10.0)", "called as",
                 *registry()):
        assert text in out, text
