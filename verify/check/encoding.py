r"""``verify check encoding``: a user's sinusoidal positional encoding against the mpmath reference.

The target is called as ``f(n, p)`` and returns the ``p x n`` matrix ``E`` (rows = features, columns =
positions: the seed's layout); with ``positions_first`` (``--positions-first``) it returns ``n x p`` (the
usual PyTorch layout).  Keyword parameters the target *has* are passed as well:

``dtype``
    ``np.float32`` / ``np.float64`` (``torch.float32`` / ``torch.float64`` with ``--torch``): the dtype the
    result must have.  A float32 case must return float32 (a widened result is status ``dtype``).  A target
    without a ``dtype`` parameter cannot be asked for float32: it is checked in float64 only (its float32
    cases are reported ``not run``, with the reason; an engine that sets ``options["accepts_dtype"] = False``
    gets no float32 cases at all) and must return float64.
``convention``
    the checked convention's name, so one function can serve all three (the built-in ``verify`` does).
``positions_first``
    ``True`` / ``False``, the layout asked for.

Conventions (``options["convention"]``, default ``transformer``) are those of
:mod:`verify.positional.encoding`: ``seed-formula`` (the seed's displayed formula), ``seed-code`` (the seed's
``get_E``), ``transformer`` (Vaswani et al. 2017).  The reference is
:func:`verify.positional.reference.encoding_mp` at 40 digits, carried as a float64 pair ``hi + lo``.

Error measure: every entry is ``sin`` or ``cos`` of an angle :math:`\theta = x\,\omega_k` and lies in
:math:`[-1, 1]`, so the natural unit is the dtype's machine epsilon ``eps`` in *absolute* error.  For large
angles even a perfect ``sin`` cannot do better than the rounding of its argument: a float32 angle
:math:`\theta \approx 4\cdot10^4` is only known to :math:`\pm\theta\,\mathrm{eps}/2 \approx 2\cdot10^{-3}`,
and :math:`|\sin'| \le 1` passes that on.  The error of an entry is therefore

.. math::  \mathrm{err} = |\mathrm{got} - \mathrm{ref}| \,/\, (\mathrm{eps}\cdot\max(1, |\theta|)),

i.e. plain absolute error in units of ``eps`` while :math:`|\theta| \le 1`, and in units of the error that
rounding the angle to the dtype already causes beyond.  The tolerance ``tol_ulp`` (default 16) covers the
roundings of an honest implementation: the frequency (``exp`` of an argument up to ``2 ln 10^4 = 18.4``
amplifies its rounding to a few ``eps``), the product ``x * omega`` and the ``sin`` itself.

Diagnosis: when a case is wrong (or has the transposed shape), the output is compared with *transformed*
references, each computed by the same formula with one thing changed: sine and cosine rows exchanged, one
frequency per row instead of per pair, positions 0- instead of 1-based (or the reverse), the factor 2 in the
exponent missing or doubled, the transposed layout, and each other convention.  A transformed reference
that the output matches within the tolerance names the bug.
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass, replace
from typing import Any, Callable

import numpy as np

from ..positional.encoding import CONVENTIONS, frequency_denominator, positions, row_layout
from .cases import output_array as _as_output
from ..positional.seed_get_E import get_E as seed_get_E

DEFAULT_CONVENTION = "transformer"
#: Digits of the mpmath reference (a float64 pair hi + lo needs about 32).
REFERENCE_DPS = 40
BASE = 10000.0

#: What each convention is, in words (for diagnoses).
CONVENTION_TEXT = {
    "seed-formula": "rows 2k, 2k+1 = sin, cos(i w_k), w_k = 10000^(-2k/5000), i = 1..n",
    "seed-code": "get_E: row k = 1..p has its own w_k = 10000^(-2k/5000), cos for odd k, i = 1..n",
    "transformer": "rows 2k, 2k+1 = sin, cos(pos w_k), w_k = 10000^(-2k/p), pos = 0..n-1",
}


def _check_error(message: str) -> Exception:
    from .run import CheckError

    return CheckError(message)


# ------------------------------------------------------------------------------------------- built-ins
def verify_encoding(n: int, p: int, dtype: Any = np.float64, convention: str = DEFAULT_CONVENTION,
                    positions_first: bool = False) -> np.ndarray:
    """This package's :func:`verify.positional.encoding.sinusoidal_encoding` (``p x n``, or ``n x p``)."""
    from ..positional.encoding import sinusoidal_encoding

    E = sinusoidal_encoding(n, p, convention=convention, dtype=dtype)
    return E.T if positions_first else E


def textbook_encoding(n: int, p: int, dtype: Any = np.float64) -> np.ndarray:
    """The Transformer encoding as the PyTorch tutorials write it (numpy version), positions first (``n x p``).

    Written plainly on purpose: angles are formed in ``dtype`` (float32 angles lose the phase at large
    positions), and for odd ``p`` the cosine assignment fails to broadcast (``ceil(p/2)`` frequencies for
    ``floor(p/2)`` cosine columns), as it does in the tutorials.
    """
    pe = np.zeros((n, p), dtype=dtype)
    position = np.arange(n, dtype=dtype)[:, None]
    div_term = np.exp(np.arange(0, p, 2, dtype=dtype) * (-np.log(10000.0) / p))
    pe[:, 0::2] = np.sin(position * div_term)
    pe[:, 1::2] = np.cos(position * div_term)
    return pe


#: Built-in targets: name -> (f(n, p), description).
BUILTINS: dict[str, tuple[Callable, str]] = {
    "seed": (seed_get_E, "the seed's get_E, verbatim (p x n, float64 only; it is the seed-code convention)"),
    "verify": (verify_encoding, "verify.positional.encoding.sinusoidal_encoding (this package's), in the "
               "checked convention and layout"),
    "textbook": (textbook_encoding, "the PyTorch-tutorial Transformer encoding in numpy, positions first "
                 "(n x p: use --positions-first)"),
}


# ----------------------------------------------------------------------------------------------- cases
@dataclass(frozen=True)
class EncodingCase:
    """One call ``f(n, p)`` in one dtype."""

    name: str
    n: int
    p: int
    dtype: np.dtype
    why: str = ""

    def literal(self) -> str:
        """The inputs as Python source (for a reproduction snippet)."""
        return (f"n, p = {self.n}, {self.p}\n"
                f"dtype = np.{self.dtype.name}  # passed as f(n, p, dtype=dtype) when f has a dtype parameter")


#: (n, p, why) of every case; the same sizes in both dtypes.
SIZES: tuple[tuple[int, int, str], ...] = (
    (1, 6, "n = 1: a single position (position 0 for the Transformer, where every sine is 0 and every cosine 1)"),
    (16, 2, "p = 2: a single sine/cosine pair"),
    (50, 8, "ordinary: four pairs of rows, 50 positions"),
    (33, 7, "odd p: the last row is an unpaired sine row (seed-formula, transformer)"),
    (12, 12, "n = p: a transposed (positions-first) result has the right shape, only its values tell"),
    (64, 256, "the seed's own call get_E(64, 256): wide p, frequencies down to 1/10000 (transformer)"),
    (40000, 4, "large n: angles up to 4e4, where a float32 angle is only known to +-2e-3 and sin of it no "
     "better; errors count in eps*max(1,|theta|), what the dtype can do there"),
)


def _cases(dtype: np.dtype) -> list[EncodingCase]:
    return [EncodingCase(f"encoding(n={n}, p={p})", n, p, dtype, why) for n, p, why in SIZES]


# ------------------------------------------------------------------------------ formula with variations
@dataclass(frozen=True)
class Layout:
    """The general form ``E[r, j] = (cos if is_cos[r] else sin)((start + j) * base^(-factor*k[r]/denominator))``."""

    start: int
    k: tuple
    is_cos: tuple
    denominator: int
    factor: float = 2.0

    @classmethod
    def of(cls, convention: str, p: int) -> "Layout":
        k, is_cos = row_layout(p, convention)
        return cls(int(positions(1, convention)[0]), tuple(int(v) for v in k), tuple(bool(v) for v in is_cos),
                   frequency_denominator(p, convention))

    def angles(self, n: int) -> np.ndarray:
        """Float64 angles ``p x n`` (the seed's operation order for the frequency)."""
        w = np.exp(-self.factor * np.asarray(self.k, dtype=np.float64) * np.log(BASE) / self.denominator)
        return (np.arange(n) + self.start)[None, :] * w[:, None]

    def evaluate(self, n: int) -> np.ndarray:
        """The float64 ``p x n`` matrix (a candidate for the diagnosis; about 1 eps per unit of angle)."""
        a = self.angles(n)
        return np.where(np.asarray(self.is_cos)[:, None], np.cos(a), np.sin(a))


def _candidates(convention: str, p: int) -> list[tuple[str, Layout | None]]:
    """(diagnosis, layout) for every recognised bug; ``None`` layout = the transposed correct result."""
    lay = Layout.of(convention, p)
    out: list[tuple[str, Layout | None]] = []
    first = "cosine" if lay.is_cos[0] else "sine"
    other = "sine" if lay.is_cos[0] else "cosine"
    out.append((f"parity swapped: sine and cosine rows exchanged (array row 0 is a {other} row, the "
                f"{convention} convention has a {first} row there)",
                replace(lay, is_cos=tuple(not c for c in lay.is_cos))))
    if convention != "seed-code":
        out.append(("one frequency per row instead of per pair: row r uses w with k = r instead of k = floor(r/2) "
                    "(rows 2k and 2k+1 should share w_k)", replace(lay, k=tuple(range(p)))))
    s = lay.start
    out.append((f"positions are {1 - s}-based ({1 - s}..n{'-1' if s else ''}) instead of {s}-based "
                f"({s}..n{'' if s else '-1'}): off by one position", replace(lay, start=1 - s)))
    d = "5000" if convention != "transformer" else "p"
    out.append((f"the factor 2 in the exponent is missing: w_k = 10000^(-k/{d}) instead of 10000^(-2k/{d})",
                replace(lay, factor=lay.factor / 2)))
    out.append((f"a factor 2 too many in the exponent: w_k = 10000^(-4k/{d}) instead of 10000^(-2k/{d}) "
                f"(e.g. the even index 2k of arange(0, p, 2) doubled again)", replace(lay, factor=lay.factor * 2)))
    for other_conv in CONVENTIONS:
        if other_conv != convention:
            out.append((f"this is the {other_conv} convention ({CONVENTION_TEXT[other_conv]}), not "
                        f"{convention}", Layout.of(other_conv, p)))
    out.append(("transposed layout: the rows are positions and the columns features", None))
    return out


# ------------------------------------------------------------------------------------------- reference
@functools.lru_cache(maxsize=32)
def _reference(n: int, p: int, convention: str) -> tuple[np.ndarray, np.ndarray]:
    """``encoding_mp`` as a float64 pair (hi, lo), ``p x n``: hi + lo carries about 32 digits."""
    import mpmath

    from ..positional.reference import encoding_mp

    rows = encoding_mp(n, p, convention, dps=REFERENCE_DPS)
    hi = np.array([[float(v) for v in row] for row in rows], dtype=np.float64).reshape(p, n)
    with mpmath.workdps(REFERENCE_DPS):
        lo = np.array([[float(v - mpmath.mpf(float(v))) for v in row] for row in rows],
                      dtype=np.float64).reshape(p, n)
    hi.setflags(write=False)
    lo.setflags(write=False)
    return hi, lo


def _errors(got_pn: np.ndarray, hi: np.ndarray, lo: np.ndarray, unit: np.ndarray) -> np.ndarray:
    """``|got - (hi + lo)| / unit``; ``got - hi`` is exact when the two are close (Sterbenz)."""
    with np.errstate(all="ignore"):
        return np.abs((got_pn.astype(np.float64) - hi) - lo) / unit


# ------------------------------------------------------------------------------------------------ kind
def _params(fn: Callable) -> set[str]:
    """Names of the keyword-passable parameters of ``fn`` (``**kwargs`` counts as every name)."""
    try:
        pars = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return set()
    if any(q.kind == q.VAR_KEYWORD for q in pars):
        return {"dtype", "convention", "positions_first"}
    return {q.name for q in pars if q.kind in (q.POSITIONAL_OR_KEYWORD, q.KEYWORD_ONLY)}


class EncodingKind:
    """``encoding``: a sinusoidal positional encoding ``f(n, p) -> p x n`` (``n x p`` positions first)."""

    name = "encoding"
    summary = "sinusoidal positional encoding f(n, p) -> p x n matrix (seed-formula, seed-code, transformer)"
    signature = "f(n, p[, dtype=..., convention=..., positions_first=...]) -> p x n (n x p with --positions-first)"
    builtins = {name: desc for name, (_, desc) in BUILTINS.items()}

    # --- options and targets
    @staticmethod
    def convention(options: dict) -> str:
        conv = options.get("convention") or DEFAULT_CONVENTION
        if conv not in CONVENTIONS:
            raise _check_error(f"--convention must be one of {', '.join(CONVENTIONS)}, got {conv!r}")
        return conv

    def load_builtin(self, target: str, options: dict) -> Callable:
        if target not in BUILTINS:
            raise _check_error(f"unknown built-in TARGET {target!r} for encoding: choose one of {', '.join(BUILTINS)}")
        if options.get("torch"):
            raise _check_error(f"TARGET {target!r} is numpy code; drop --torch to check it")
        return BUILTINS[target][0]

    def validate_target(self, fn: Callable, options: dict) -> None:
        self.convention(options)
        if options.get("grad"):
            raise _check_error("--grad applies to softmax and power_mean, not to encoding")
        try:
            sig = inspect.signature(fn)
        except (TypeError, ValueError):
            return  # builtins without a signature: just try
        try:
            sig.bind(1, 1)
        except TypeError:
            raise _check_error(f"TARGET must accept f(n, p) (two positive integers): its signature is {sig}") from None

    def dtype_unavailable(self, fn: Callable, dtype: np.dtype, options: dict) -> str:
        """Why ``fn`` cannot be asked for a ``dtype`` result ('' when it can): float32 needs ``dtype=``."""
        if np.dtype(dtype) != np.float64 and "dtype" not in _params(fn):
            return (f"--dtype {np.dtype(dtype).name} cannot be requested from a function without a `dtype=` "
                    f"parameter (an encoding f(n, p) is checked in float64; give f a dtype= parameter)")
        return ""

    # --- cases
    def cases(self, dtype, options: dict) -> list:
        """The cases in ``dtype``; none in float32 when ``options["accepts_dtype"]`` is False (float64 only)."""
        self.convention(options)  # a bad convention is a usage error before anything runs
        dtype = np.dtype(dtype)
        if dtype != np.float64 and options.get("accepts_dtype") is False:
            return []
        return _cases(dtype)

    def call(self, fn: Callable, case: EncodingCase, options: dict) -> Callable[[], object]:
        params = _params(fn)
        use_torch = bool(options.get("torch"))
        if case.dtype != np.float64 and "dtype" not in params:
            return lambda: {"not asked": True}
        kwargs: dict[str, Any] = {}
        if "convention" in params:
            kwargs["convention"] = self.convention(options)
        if "positions_first" in params:
            kwargs["positions_first"] = bool(options.get("positions_first"))
        dt_name = case.dtype.name

        def thunk():
            if "dtype" in params:
                if use_torch:
                    import torch

                    kwargs["dtype"] = getattr(torch, dt_name)
                else:
                    kwargs["dtype"] = np.dtype(dt_name).type
            return {**_as_output(fn(case.n, case.p, **kwargs)), "asked": "dtype" in kwargs}

        return thunk

    # --- reference and comparison
    def reference(self, case: EncodingCase, options: dict) -> dict:
        hi, lo = _reference(case.n, case.p, self.convention(options))
        return {"hi": hi, "lo": lo}

    def compare(self, case: EncodingCase, got: Any, ref: dict, tol_ulp: float, options: dict):
        from .run import CaseResult

        conv = self.convention(options)
        pf = bool(options.get("positions_first"))
        n, p, dt = case.n, case.p, case.dtype
        hi, lo = ref["hi"], ref["lo"]
        shown_ref = hi.T if pf else hi
        if got.get("not asked"):
            return CaseResult(case, "not run", message=f"f has no dtype parameter, so a {dt.name} result cannot be "
                              f"asked for: checked in float64 only (give f a dtype= parameter to check {dt.name})")
        out, typed = got["out"], got["typed"]
        want = (n, p) if pf else (p, n)
        layout = "(n, p) = positions x features (--positions-first)" if pf else "(p, n) = features x positions"
        if out.shape != want:
            msg = f"returned shape {out.shape}, expected {want} {layout} for n={n}, p={p}"
            diag = ""
            if out.shape == want[::-1]:
                flipped = out.T
                diag = ("transposed layout: the result is " + ("features x positions (p x n): drop --positions-first "
                        "or return E.T" if pf else "positions x features (n x p): pass --positions-first or "
                        "return E.T"))
                rest = self._diagnose(flipped if not pf else flipped.T, case, conv, tol_ulp)
                diag += "; transposed back, " + (rest if rest else "it matches the convention")
            return CaseResult(case, "shape", message=msg, reference=shown_ref, output=out, diagnosis=diag)
        if out.dtype.kind not in "f" or (typed and out.dtype != dt):
            what = dt.name if got.get("asked", True) else "float64 (f has no dtype parameter: float64 is expected)"
            return CaseResult(case, "dtype", message=f"returned {out.dtype.name}, expected {what}",
                              reference=shown_ref, output=out)
        g = out.T if pf else out  # p x n
        bad = ~np.isfinite(g)
        if bad.any():
            r, j = map(int, np.argwhere(bad)[0])
            idx = (j, r) if pf else (r, j)
            return CaseResult(case, "nan", float("inf"), idx, float(g[r, j]), float(hi[r, j]),
                              f"{int(bad.sum())} non-finite outputs (the reference is finite, in [-1, 1]); first at "
                              f"{self._place(r, j, conv)}: expected {float(hi[r, j])!r}, got {float(g[r, j])!r}",
                              reference=shown_ref, output=out)
        unit = self._unit(case, conv)
        errs = _errors(g, hi, lo, unit)
        r, j = map(int, np.unravel_index(np.argmax(errs), errs.shape))
        err = float(errs[r, j])
        status = "ok" if err <= tol_ulp else "wrong"
        theta = float(self._theta(case, conv)[r, j])
        message = (f"{self._place(r, j, conv)}: expected {float(hi[r, j])!r}, got {float(g[r, j])!r} "
                   f"(|error| {abs(float(g[r, j]) - float(hi[r, j])):.3g} = {err:.3g} "
                   f"{'eps' if abs(theta) <= 1 else 'eps*|theta|'}, theta = {theta:.6g})")
        diagnosis = self._diagnose(g, case, conv, tol_ulp) if status == "wrong" else ""
        return CaseResult(case, status, err, (j, r) if pf else (r, j), float(g[r, j]), float(hi[r, j]), message,
                          reference=shown_ref, output=out, diagnosis=diagnosis)

    # --- helpers
    @staticmethod
    def _place(r: int, j: int, conv: str) -> str:
        return f"row {r}, position {int(positions(j + 1, conv)[j])} (column {j})"

    @staticmethod
    def _theta(case: EncodingCase, conv: str) -> np.ndarray:
        return Layout.of(conv, case.p).angles(case.n)

    def _unit(self, case: EncodingCase, conv: str) -> np.ndarray:
        """``eps * max(1, |theta|)`` per entry (see the module docstring)."""
        return np.finfo(case.dtype).eps * np.maximum(1.0, np.abs(self._theta(case, conv)))

    def _diagnose(self, g: np.ndarray, case: EncodingCase, conv: str, tol_ulp: float) -> str:
        """The recognised bugs whose transformed reference ``g`` (``p x n``) matches, best first."""
        n, p = case.n, case.p
        unit = self._unit(case, conv)
        hi, lo = _reference(n, p, conv)
        g64 = g.astype(np.float64)
        if float(np.max(_errors(g64, hi, lo, unit))) <= tol_ulp:
            return ""
        found = []
        for text, lay in _candidates(conv, p):
            if lay is None:
                if n != p:
                    continue
                cand = (hi + lo).T
            else:
                cand = lay.evaluate(n)  # float64: about eps64 per unit of angle, far inside 2 * tol_ulp
            with np.errstate(all="ignore"):
                if float(np.max(_errors(cand, hi, lo, unit))) <= 2 * tol_ulp:
                    continue  # on this case the bug does not show: it explains nothing
                e = float(np.max(np.abs(g64 - cand) / unit))
            if e <= 2 * tol_ulp:
                found.append((e, text))
        if found:
            found.sort(key=lambda t: t[0])
            return "; or ".join(t for _, t in found)
        return self._row_summary(g64, case, conv, unit, tol_ulp)

    @staticmethod
    def _row_summary(g: np.ndarray, case: EncodingCase, conv: str, unit: np.ndarray, tol_ulp: float) -> str:
        """No known pattern: which rows are over tolerance (all sine rows? all cosine rows?)."""
        hi, lo = _reference(case.n, case.p, conv)
        rows = np.flatnonzero(np.max(_errors(g, hi, lo, unit), axis=1) > tol_ulp)
        if rows.size == 0:
            return ""
        is_cos = np.asarray(Layout.of(conv, case.p).is_cos)
        kind = ""
        if np.all(is_cos[rows]):
            kind = " (cosine rows only)"
        elif not np.any(is_cos[rows]):
            kind = " (sine rows only)"
        listed = ", ".join(map(str, rows[:12])) + (", ..." if rows.size > 12 else "")
        return f"no known pattern; {rows.size} of {case.p} rows over tolerance{kind}: {listed}"


ENCODING = EncodingKind()
