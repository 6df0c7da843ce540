"""``verify check encoding``: the kind's protocol methods on correct, buggy and bad encodings.

Each diagnosis is tested with a deliberately broken implementation that has exactly that bug (a mutant of
``good`` below, one line changed) and must be named; the correct implementation passes with no diagnosis.
The kind is driven through its protocol (``cases`` / ``call`` / ``reference`` / ``compare``) in-process;
the command line is tested at the end.
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import numpy as np
import pytest

from verify.check.encoding import BUILTINS, ENCODING, EncodingCase, textbook_encoding
from verify.check.run import CheckError
from verify.positional.seed_get_E import get_E
from verify.cli import main
from verify.positional.encoding import sinusoidal_encoding

SEED_TEXT = Path("/work/shared/seeds/000_071b3f91be3bd846.txt")
TOL = 16.0


def check(fn, convention="transformer", dtypes=("float64",), positions_first=False, only=None, tol=TOL):
    """Every case of the kind through ``fn``, as the engine runs it (minus the child process)."""
    options = {"convention": convention, "positions_first": positions_first, "torch": False, "grad": False}
    out = []
    for dt in dtypes:
        for case in ENCODING.cases(np.dtype(dt), options):
            if only is not None and only not in case.name:
                continue
            try:
                got = ENCODING.call(fn, case, options)()
            except Exception as exc:  # noqa: BLE001 - the engine reports this as `raised`
                out.append(("raised", case, repr(exc)))
                continue
            out.append(ENCODING.compare(case, got, ENCODING.reference(case, options), tol, options))
    return out


def results(rs):
    return [r for r in rs if not isinstance(r, tuple)]


# ------------------------------------------------------------------------ a correct encoding and mutants
def good(n, p, dtype=np.float64):
    """The Transformer encoding, p x n, written plainly."""
    pos = np.arange(n)                          # positions 0..n-1
    k = np.arange(p) // 2                       # rows 2k and 2k+1 share w_k
    w = np.exp(-2 * k * np.log(10000.0) / p)
    ang = w[:, None] * pos[None, :]
    return np.where((np.arange(p) % 2 == 1)[:, None], np.cos(ang), np.sin(ang)).astype(dtype)


def parity_swapped(n, p, dtype=np.float64):
    pos = np.arange(n)
    k = np.arange(p) // 2
    w = np.exp(-2 * k * np.log(10000.0) / p)
    ang = w[:, None] * pos[None, :]
    return np.where((np.arange(p) % 2 == 0)[:, None], np.cos(ang), np.sin(ang)).astype(dtype)  # bug: == 0


def frequency_per_row(n, p, dtype=np.float64):
    pos = np.arange(n)
    k = np.arange(p)                            # bug: no // 2
    w = np.exp(-2 * k * np.log(10000.0) / p)
    ang = w[:, None] * pos[None, :]
    return np.where((np.arange(p) % 2 == 1)[:, None], np.cos(ang), np.sin(ang)).astype(dtype)


def one_based(n, p, dtype=np.float64):
    pos = np.arange(n) + 1                      # bug: positions 1..n
    k = np.arange(p) // 2
    w = np.exp(-2 * k * np.log(10000.0) / p)
    ang = w[:, None] * pos[None, :]
    return np.where((np.arange(p) % 2 == 1)[:, None], np.cos(ang), np.sin(ang)).astype(dtype)


def exponent_without_2(n, p, dtype=np.float64):
    pos = np.arange(n)
    k = np.arange(p) // 2
    w = np.exp(-k * np.log(10000.0) / p)        # bug: -k instead of -2k
    ang = w[:, None] * pos[None, :]
    return np.where((np.arange(p) % 2 == 1)[:, None], np.cos(ang), np.sin(ang)).astype(dtype)


def exponent_doubled(n, p, dtype=np.float64):
    pos = np.arange(n)
    k = np.arange(p) // 2
    w = np.exp(-2 * (2 * k) * np.log(10000.0) / p)  # bug: the even index 2k doubled again
    ang = w[:, None] * pos[None, :]
    return np.where((np.arange(p) % 2 == 1)[:, None], np.cos(ang), np.sin(ang)).astype(dtype)


def transposed(n, p, dtype=np.float64):
    return good(n, p, dtype).T                  # bug: n x p without --positions-first


def seed_formula_instead(n, p, dtype=np.float64):
    pos = np.arange(n) + 1                      # the seed's displayed formula, implemented correctly
    k = np.arange(p) // 2
    w = np.exp(-2 * k * np.log(10000.0) / 5000)
    ang = w[:, None] * pos[None, :]
    return np.where((np.arange(p) % 2 == 1)[:, None], np.cos(ang), np.sin(ang)).astype(dtype)


MUTANTS = {
    "parity_swapped": (parity_swapped, "parity swapped: sine and cosine rows exchanged"),
    "frequency_per_row": (frequency_per_row, "one frequency per row instead of per pair"),
    "one_based": (one_based, "positions are 1-based (1..n) instead of 0-based"),
    "exponent_without_2": (exponent_without_2, "the factor 2 in the exponent is missing"),
    "exponent_doubled": (exponent_doubled, "a factor 2 too many in the exponent"),
    "transposed": (transposed, "transposed layout"),
    "seed_formula_instead": (seed_formula_instead, "this is the seed-formula convention"),
}


def test_good_passes_every_case_in_both_dtypes_without_diagnosis():
    rs = check(good, dtypes=("float64", "float32"))
    assert len(rs) == 2 * len(ENCODING.cases(np.float64, {}))
    assert [r.status for r in rs] == ["ok"] * len(rs), [(r.case.name, r.message) for r in results(rs)]
    assert all(r.diagnosis == "" for r in rs)
    assert max(r.max_err for r in rs) < 4  # honest float64/float32: a few units at most


@pytest.mark.parametrize("name", list(MUTANTS))
def test_mutant_fails_with_its_own_diagnosis(name):
    fn, expected = MUTANTS[name]
    rs = results(check(fn))
    failing = [r for r in rs if r.status != "ok"]
    assert failing, f"mutant {name} passed every case"
    for r in failing:
        assert r.status in ("wrong", "shape"), (r.case.name, r.status, r.message)
        # named; where the case cannot tell two bugs apart (p = 2 has one frequency) both are named
        assert expected in r.diagnosis, (r.case.name, r.diagnosis)
    assert any(r.diagnosis.startswith(expected) and "; or " not in r.diagnosis for r in failing)
    # where the mutant is right (e.g. n = 1: position 0 hides every frequency bug) it passes
    assert all(r.diagnosis == "" for r in rs if r.status == "ok")


def seed_formula_zero_based(n, p, dtype=np.float64):
    pos = np.arange(n)                          # bug: the seed's formula numbers positions 1..n
    k = np.arange(p) // 2
    w = np.exp(-2 * k * np.log(10000.0) / 5000)
    ang = w[:, None] * pos[None, :]
    return np.where((np.arange(p) % 2 == 1)[:, None], np.cos(ang), np.sin(ang)).astype(dtype)


def test_mutant_diagnosis_in_seed_formula_convention():
    """0- instead of 1-based positions against the seed's formula (the reverse slip of `one_based`)."""
    rs = results(check(seed_formula_zero_based, convention="seed-formula"))
    wrong = [r for r in rs if r.status == "wrong"]
    assert wrong and all(r.diagnosis.startswith("positions are 0-based (0..n-1) instead of 1-based") for r in wrong)
    assert all(r.status == "ok" for r in results(check(seed_formula_instead, convention="seed-formula")))


def test_transposed_is_a_shape_error_naming_the_shapes_and_a_wrong_value_when_square():
    rs = results(check(transposed))
    by = {r.case.name: r for r in rs}
    r = by["encoding(n=50, p=8)"]
    assert r.status == "shape"
    assert "returned shape (50, 8), expected (8, 50)" in r.message
    assert r.diagnosis.startswith("transposed layout") and "pass --positions-first" in r.diagnosis
    assert r.diagnosis.endswith("transposed back, it matches the convention")
    sq = by["encoding(n=12, p=12)"]
    assert sq.status == "wrong" and sq.diagnosis.startswith("transposed layout")


# ------------------------------------------------------------------------------------------ the seed
def test_seed_get_E_is_the_seed_cell_verbatim():
    if not SEED_TEXT.is_file():
        pytest.skip(f"the seed text {SEED_TEXT} is not on this machine")
    assert inspect.getsource(get_E) in SEED_TEXT.read_text()
    assert np.array_equal(get_E(7, 9), sinusoidal_encoding(7, 9, convention="seed-code"))


def test_seed_get_E_fails_seed_formula_and_is_recognised_as_seed_code():
    rs = results(check(get_E, convention="seed-formula"))
    assert all(r.status == "wrong" for r in rs)
    assert all(r.diagnosis.startswith("this is the seed-code convention") for r in rs)


def test_seed_get_E_passes_seed_code_in_float64_and_is_not_asked_for_float32():
    rs = results(check(get_E, convention="seed-code", dtypes=("float64", "float32")))
    f64 = [r for r in rs if r.case.dtype == np.float64]
    f32 = [r for r in rs if r.case.dtype == np.float32]
    assert f64 and all(r.status == "ok" for r in f64)
    assert max(r.max_err for r in f64) < 2
    assert f32 and all(r.status == "not run" and "no dtype parameter" in r.message for r in f32)
    # an engine that knows the target has no dtype parameter gets no float32 cases at all
    assert ENCODING.cases(np.float32, {"accepts_dtype": False}) == []
    assert ENCODING.cases(np.float64, {"accepts_dtype": False})


def test_seed_get_E_against_transformer_is_recognised_as_seed_code():
    rs = results(check(get_E, convention="transformer"))
    assert all(r.status == "wrong" and r.diagnosis.startswith("this is the seed-code convention") for r in rs)


# ------------------------------------------------------------------------------------------ built-ins
@pytest.mark.parametrize("convention", ["seed-formula", "seed-code", "transformer"])
@pytest.mark.parametrize("positions_first", [False, True])
def test_builtin_verify_passes_every_convention_and_layout(convention, positions_first):
    rs = check(BUILTINS["verify"][0], convention, ("float64", "float32"), positions_first)
    assert [r.status for r in rs] == ["ok"] * len(rs)
    assert max(r.max_err for r in rs) < 4  # float64 angles; w = exp(-2k log(10^4)/p) carries a few eps


def test_builtin_textbook():
    tb = BUILTINS["textbook"][0]
    rs = check(tb, "transformer", ("float64", "float32"), positions_first=True)
    raised = [r for r in rs if isinstance(r, tuple)]
    assert {c.name for _, c, _ in raised} == {"encoding(n=33, p=7)"}  # odd p: the tutorial code cannot broadcast
    assert all("broadcast" in msg for *_, msg in raised)
    assert all(r.status == "ok" for r in results(rs))
    # its float32 angles are honest: within the eps*max(1,|theta|) model, at large n too
    assert all(r.max_err < 4 for r in results(rs))
    wrong = results(check(tb, "seed-formula", positions_first=True))
    assert wrong and all(r.status == "wrong" and "this is the transformer convention" in r.diagnosis for r in wrong)
    # with one position or one frequency, the Transformer is the seed's formula with 0-based positions
    assert {r.case.name for r in wrong if not r.diagnosis.startswith("this is the transformer")} \
        == {"encoding(n=1, p=6)", "encoding(n=16, p=2)"}
    shapes = results(check(tb, "transformer"))  # forgot --positions-first
    assert any(r.status == "shape" and "pass --positions-first" in r.diagnosis for r in shapes)


# ----------------------------------------------------------------------------------- bad target output
def _case(n=50, p=8, dtype=np.float64):
    return next(c for c in ENCODING.cases(np.dtype(dtype), {}) if c.n == n and c.p == p)


def _compare(out, case=None, options=None, typed=True):
    case = case or _case()
    options = options or {"convention": "transformer"}
    return ENCODING.compare(case, {"out": np.asarray(out), "typed": typed}, ENCODING.reference(case, options),
                            TOL, options)


def test_wrong_shape_names_both_shapes():
    r = _compare(good(50, 8)[:, :-1])
    assert r.status == "shape" and "returned shape (8, 49), expected (8, 50)" in r.message
    assert r.diagnosis == ""


def test_nan_is_located():
    E = good(50, 8)
    E[3, 17] = np.nan
    E[5, 2] = np.inf
    r = _compare(E)
    assert r.status == "nan" and r.where == (3, 17)
    assert r.message.startswith("2 non-finite outputs") and "row 3, position 17 (column 17)" in r.message


@pytest.mark.parametrize("asked, returned", [("float32", "float64"), ("float64", "float32")])
def test_other_dtype_than_asked_is_a_dtype_failure(asked, returned):
    r = _compare(good(50, 8).astype(returned), case=_case(dtype=asked))
    assert r.status == "dtype" and f"returned {returned}" in r.message


def test_integers_are_a_dtype_failure_saying_what_was_expected():
    r = ENCODING.compare(_case(), {"out": np.zeros((8, 50), np.int64), "typed": True, "asked": False},
                         ENCODING.reference(_case(), {}), TOL, {})
    assert r.status == "dtype" and r.message == ("returned int64, expected float64 (f has no dtype parameter: "
                                                 "float64 is expected)")


def test_a_list_has_no_dtype_and_is_judged_by_value():
    assert _compare(good(50, 8).tolist(), typed=False).status == "ok"


def test_error_is_located_and_the_tolerance_is_a_boundary():
    """An entry off by tol +- 1 units of eps*max(1,|theta|) fails / passes, located at its row and position."""
    case = _case()
    theta = np.exp(-2 * (3 // 2) * np.log(10000.0) / 8) * 17
    unit = np.finfo(np.float64).eps * max(1.0, theta)
    for extra, status in ((TOL + 1, "wrong"), (TOL - 1, "ok")):
        E = sinusoidal_encoding(50, 8, convention="transformer")
        E[3, 17] += extra * unit
        r = _compare(E, case)
        assert r.status == status
        assert r.where == (3, 17) and abs(r.max_err - extra) < 1  # + the entry's own rounding
        assert r.message.startswith("row 3, position 17 (column 17): expected ")
        if status == "wrong":
            assert r.diagnosis == "no known pattern; 1 of 8 rows over tolerance (cosine rows only): 3"


def test_positions_first_location_is_in_the_returned_layout():
    options = {"convention": "seed-formula", "positions_first": True}
    case = _case()
    E = sinusoidal_encoding(50, 8, convention="seed-formula").T.copy()
    E[17, 3] = 2.0
    r = _compare(E, case, options)
    assert r.status == "wrong" and r.where == (17, 3)
    assert r.message.startswith("row 3, position 18 (column 17)")  # seed positions are 1-based


# ------------------------------------------------------------------------------------- large positions
def _seed_formula_float32_angles(n, p, dtype=np.float64):
    """The seed's formula with angles formed in ``dtype``: float32 loses the phase at large positions."""
    pos = np.arange(1, n + 1).astype(dtype)
    k = (np.arange(p) // 2).astype(dtype)
    w = np.exp(-2 * k * np.log(dtype(10000)) / dtype(5000))
    ang = w[:, None] * pos[None, :]
    return np.where((np.arange(p) % 2 == 1)[:, None], np.cos(ang), np.sin(ang)).astype(dtype)


def _float16_positions(n, p, dtype=np.float64):
    """The same with the positions stored in float16 (spacing 32 at 4e4): a real bug at large n only."""
    pos = np.arange(1, n + 1).astype(np.float16).astype(dtype)
    k = (np.arange(p) // 2).astype(dtype)
    w = np.exp(-2 * k * np.log(dtype(10000)) / dtype(5000))
    ang = w[:, None] * pos[None, :]
    return np.where((np.arange(p) % 2 == 1)[:, None], np.cos(ang), np.sin(ang)).astype(dtype)


def test_large_n_float32_is_judged_by_what_float32_can_do():
    rs = results(check(_seed_formula_float32_angles, "seed-formula", ("float32",), only="n=40000"))
    (r,) = rs
    assert r.status == "ok"
    # the absolute error is large (the phase is lost) and yet within eps32 * |theta| units
    big = np.abs(r.output.astype(np.float64) - r.reference).max()
    assert big > 1e-4 and r.max_err < 4


def test_large_n_still_catches_a_position_error_only_large_n_shows():
    rs = results(check(_float16_positions, "seed-formula", ("float32", "float64")))
    bad = {(r.case.name, r.case.dtype.name) for r in rs if r.status != "ok"}
    assert bad == {("encoding(n=40000, p=4)", "float32"), ("encoding(n=40000, p=4)", "float64")}


# ------------------------------------------------------------------------------- targets and options
def test_convention_and_positions_first_are_passed_when_the_target_has_them():
    seen = []

    def f(n, p, convention=None, positions_first=None, dtype=None):
        seen.append((convention, positions_first, dtype))
        E = sinusoidal_encoding(n, p, convention=convention, dtype=dtype)
        return E.T if positions_first else E

    rs = check(f, "seed-code", ("float32",), positions_first=True, only="n=16")
    assert [r.status for r in rs] == ["ok"] and seen == [("seed-code", True, np.float32)]


def test_torch_target_gets_a_torch_dtype_and_may_return_a_tensor():
    torch = pytest.importorskip("torch")

    def pe(n, p, dtype=torch.float32):
        position = torch.arange(n, dtype=dtype).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, p, 2, dtype=dtype) * (-np.log(10000.0) / p))
        out = torch.zeros(n, p, dtype=dtype)
        out[:, 0::2] = torch.sin(position * div_term)
        out[:, 1::2] = torch.cos(position * div_term[: p // 2])
        return out

    options = {"convention": "transformer", "positions_first": True, "torch": True}
    for dt in (np.float32, np.float64):
        for case in ENCODING.cases(np.dtype(dt), options):
            got = ENCODING.call(pe, case, options)()
            r = ENCODING.compare(case, got, ENCODING.reference(case, options), TOL, options)
            assert r.status == "ok", (case.name, r.message)


def test_validate_target_and_options():
    with pytest.raises(CheckError, match=r"TARGET must accept f\(n, p\)"):
        ENCODING.validate_target(lambda n: n, {})
    with pytest.raises(CheckError, match="--convention must be one of"):
        ENCODING.validate_target(good, {"convention": "vaswani"})
    with pytest.raises(CheckError, match="--convention must be one of"):
        ENCODING.cases(np.float64, {"convention": "vaswani"})  # built-ins skip validate_target
    with pytest.raises(CheckError, match="--grad applies to softmax and power_mean"):
        ENCODING.validate_target(good, {"grad": True})
    ENCODING.validate_target(good, {"convention": None})  # default: transformer
    assert ENCODING.convention({}) == "transformer"


def test_cases_are_named_and_reproducible():
    cs = ENCODING.cases(np.float32, {})
    assert len({c.name for c in cs}) == len(cs) and all(c.why and c.dtype == np.float32 for c in cs)
    sizes = {(c.n, c.p) for c in cs}
    assert any(p % 2 for _, p in sizes) and any(p == 2 for _, p in sizes) and any(n == 1 for n, _ in sizes)
    assert max(n for n, _ in sizes) >= 10000
    ns = {}
    exec(cs[2].literal(), {"np": np}, ns)
    assert (ns["n"], ns["p"], ns["dtype"]) == (cs[2].n, cs[2].p, np.float32)
    assert isinstance(cs[0], EncodingCase)
    assert textbook_encoding(3, 4).shape == (3, 4)


# ------------------------------------------------------------------------------------ the command line
USER_CODE = '''
import numpy as np

def pe(n, p, dtype=np.float64):
    pos = np.arange(n)
    k = np.arange(p) // 2
    ang = np.exp(-2 * k * np.log(10000.0) / p)[:, None] * pos[None, :]
    return np.where((np.arange(p) % 2 == 1)[:, None], np.cos(ang), np.sin(ang)).astype(dtype)

def pe_parity(n, p, dtype=np.float64):
    pos = np.arange(n)
    k = np.arange(p) // 2
    ang = np.exp(-2 * k * np.log(10000.0) / p)[:, None] * pos[None, :]
    return np.where((np.arange(p) % 2 == 0)[:, None], np.cos(ang), np.sin(ang)).astype(dtype)

def pe_positions_first(n, p, dtype=np.float64):
    return pe(n, p, dtype).T

def one_arg(n):
    return np.zeros((n, n))

def raises(n, p):
    raise RuntimeError("my encoding is broken")

def hangs(n, p):
    import time
    while True:
        time.sleep(0.05)

def nan_out(n, p, dtype=np.float64):
    E = pe(n, p, dtype)
    E[1, 3] = np.nan
    return E
'''


@pytest.fixture
def user_file(tmp_path):
    path = tmp_path / "user_pe.py"
    path.write_text(USER_CODE)
    return path


def test_cli_exit_0_when_every_case_passes(user_file, capsys):
    assert main(["check", "encoding", f"{user_file}:pe", "--case", "n=50"]) == 0
    capsys.readouterr()
    assert main(["check", "encoding", f"{user_file}:pe_positions_first", "--positions-first", "--case", "n=50",
                 "--json"]) == 0
    assert [r["status"] for r in json.loads(capsys.readouterr().out)] == ["ok", "ok"]
    # the seed's get_E in its own convention: float64 passes, float32 cannot be asked for (not run, not failed)
    assert main(["check", "encoding", "seed", "--convention", "seed-code", "--case", "n=50", "--json"]) == 0
    assert [r["status"] for r in json.loads(capsys.readouterr().out)] == ["ok", "not run"]


def test_cli_exit_1_names_the_bug(user_file, capsys):
    assert main(["check", "encoding", f"{user_file}:pe_parity", "--case", "n=50", "--dtype", "float64",
                 "--json"]) == 1
    (rec,) = json.loads(capsys.readouterr().out)
    assert rec["status"] == "wrong" and rec["diagnosis"].startswith("parity swapped")
    assert main(["check", "encoding", "seed", "--convention", "seed-formula", "--case", "n=50", "--json"]) == 1
    recs = json.loads(capsys.readouterr().out)
    assert [r["status"] for r in recs] == ["wrong", "not run"]
    assert recs[0]["diagnosis"].startswith("this is the seed-code convention")
    # forgot --positions-first: a shape failure that says so
    assert main(["check", "encoding", f"{user_file}:pe_positions_first", "--case", "n=50", "--dtype", "float64",
                 "--json"]) == 1
    (rec,) = json.loads(capsys.readouterr().out)
    assert rec["status"] == "shape" and "pass --positions-first" in rec["diagnosis"]


def test_cli_exit_1_for_a_target_that_raises_hangs_or_returns_nan(user_file, capsys):
    assert main(["check", "encoding", f"{user_file}:raises", "--case", "n=50", "--dtype", "float64", "--json"]) == 1
    (rec,) = json.loads(capsys.readouterr().out)
    assert rec["status"] == "raised" and "my encoding is broken" in rec["message"]
    assert main(["check", "encoding", f"{user_file}:nan_out", "--case", "n=50", "--dtype", "float64", "--json"]) == 1
    (rec,) = json.loads(capsys.readouterr().out)
    assert rec["status"] == "nan" and rec["where"] == [1, 3] and "row 1, position 3" in rec["message"]
    assert main(["check", "encoding", f"{user_file}:hangs", "--dtype", "float64", "--timeout", "0.5", "--json"]) == 1
    recs = json.loads(capsys.readouterr().out)
    assert recs[0]["status"] == "timeout" and {r["status"] for r in recs[1:]} == {"not run"}


@pytest.mark.parametrize("argv, err", [
    (["verify", "--convention", "vaswani"], "invalid choice"),
    (["{file}:one_arg"], "TARGET must accept f(n, p)"),
    (["textbook", "--torch"], "drop --torch"),
])
def test_cli_exit_2_on_usage_errors(user_file, capsys, argv, err):
    argv = [a.replace("{file}", str(user_file)) for a in argv]
    try:
        rc = main(["check", "encoding", *argv])
    except SystemExit as exc:  # argparse rejects the choice itself
        rc = exc.code
    assert rc == 2
    assert err in capsys.readouterr().err
