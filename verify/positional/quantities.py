r"""Positional-encoding quantities as SymPy objects (seed Ex 1), and statement-bound evidence helpers.

The claims of Ex 1 state their propositions with the symbols and quantities of this module, so that the
evidence computes *from* the statement (see :mod:`verify.core.statement`).

Symbols
    ``p, n`` (features, positions; positive integers), ``d`` (the width of a projection), positions ``i, j``
    (positive integers), a frequency index ``k`` and a row label ``r`` (nonnegative integers);
    ``X, E`` (:class:`sympy.MatrixSymbol`, ``p x n``) for the matrix form and ``x, e``
    (:class:`sympy.IndexedBase`, 1-based ``x[k, i]``) for the element form of the seed's scores.
Frequencies
    :func:`omega` is the seed's :math:`\omega_k = \exp(-2k\log(10^4)/5000)` as an explicit SymPy expression
    (``D = 5000`` is the seed's constant, a Transformer has the width ``p`` there).
Matrix quantities
    :data:`rows`, :data:`cols` (the shape of a matrix expression; ``unfold`` is SymPy's symbolic shape) and
    :data:`fro2` (the squared Frobenius norm :math:`\|M\|_F^2`), with mpmath and arb implementations.
Encoding entries and Gram entries
    :func:`encoding_entry` and :func:`gram_entry` give, per convention, the quantity
    :math:`E_{r,x}` (the encoding at row label ``r`` and position label ``x``) and
    :math:`G_{a,b} = \sum_r E_{r,a}E_{r,b}`, as functions of ``(n, p, r, x)`` and ``(n, p, a, b)``.  Conventions
    (labels as the convention numbers them):

    ``"seed-formula"``
        the seed's displayed formula read 0-based: rows ``r = 0..p-1``, positions ``x = 1..n``,
        :math:`E_{2k,x} = \sin(x\,\omega_k)`, :math:`E_{2k+1,x} = \cos(x\,\omega_k)`;
    ``"seed-formula-1based"``
        the same formula read 1-based (the seed's arrow diagram numbers the rows ``1..p``, row 1 a cosine):
        rows ``r = 1..p``, the same value at each label, so row 1 (:math:`\cos(x\,\omega_0)`) and row ``p``
        (:math:`\sin(x\,\omega_{p/2})`, ``p`` even) have no partner;
    ``"seed-code"``
        the seed's ``get_E``: array rows ``r = 0..p-1`` (0-based, as NumPy), positions ``x = 1..n``, frequency
        index the 1-based row number ``r + 1``, cosine when ``r + 1`` is odd;
    ``"transformer"``
        rows ``r = 0..p-1``, positions ``x = 0..n-1``, :math:`\omega_k = 10^{4\cdot(-2k/p)}`.

    The mpmath/arb implementations check that the labels are in range (outside it they raise
    :class:`~verify.core.evaluate.CannotEvaluate`); ``unfold`` gives the SymPy definition for symbolic labels
    (the parity of ``r`` as ``Mod(r, 2)``, which SymPy decides for ``r = 2k`` or ``2k + 1``).

Evidence helpers (used by ``pe.score`` and ``pe.enc``)
    :func:`kernel_evidence` (a float implementation against the two sides of every part of the statement,
    evaluated exactly) and :func:`derivations` (a chain per part, bound to the part's sides; the disproof also
    probes matrix statements at fixed sizes).
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Mapping, Sequence

import mpmath
import numpy as np
import sympy as sp

from verify.core.claim import Evidence, Outcome, Prop
from verify.core.evaluate import CannotEvaluate, evaluate
from verify.core.numeric import fmt
from verify.core.statement import Quantity, Rel, quantity

try:
    import flint
except ImportError:  # pragma: no cover
    flint = None

# --- sizes of the seed and symbols ---------------------------------------------------------------------------
SEED_N, SEED_P = 64, 256  # get_E(64, 256)
BASE = 10000
SEED_DENOMINATOR = 5000

p, n = sp.symbols("p n", integer=True, positive=True)
d = sp.Symbol("d", integer=True, positive=True)
i, j = sp.symbols("i j", integer=True, positive=True)
k = sp.Symbol("k", integer=True, nonnegative=True)
r = sp.Symbol("r", integer=True, nonnegative=True)
X, E = sp.MatrixSymbol("X", p, n), sp.MatrixSymbol("E", p, n)
xI, eI = sp.IndexedBase("x"), sp.IndexedBase("e")

CONVENTIONS = ("seed-formula", "seed-formula-1based", "seed-code", "transformer")


def omega(kk: Any, D: Any = SEED_DENOMINATOR, base: Any = BASE) -> Any:
    r""":math:`\omega_k = \exp(-2k\log(\mathrm{base})/D)` as a SymPy expression (the seed: ``D = 5000``)."""
    return sp.exp(-2 * kk * sp.log(base) / D)


# --- integer arguments of quantity implementations -----------------------------------------------------------
def _int(v: Any) -> int:
    """An evaluated argument (mpf, arb, int) as an exact int, or :class:`CannotEvaluate`."""
    if isinstance(v, (int, np.integer)):
        return int(v)
    if flint is not None and isinstance(v, flint.arb):
        if not v.is_exact() or not v.is_integer():
            raise CannotEvaluate(f"{v} is not an exact integer")
        return int(v.unique_fmpz())
    v = mpmath.mpf(v)
    if v != mpmath.nint(v):
        raise CannotEvaluate(f"{v} is not an integer")
    return int(mpmath.nint(v))


# --- matrix quantities ---------------------------------------------------------------------------------------
def _rows_mp(M: Any) -> Any:
    return mpmath.mpf(M.rows)


def _cols_mp(M: Any) -> Any:
    return mpmath.mpf(M.cols)


rows = quantity("rows", _rows_mp, arb=lambda M: flint.arb(M.nrows()), latex=r"\operatorname{{rows}}\left({0}\right)",
                text="rows({0})", unfold=lambda M: M.shape[0], nargs=1)
cols = quantity("cols", _cols_mp, arb=lambda M: flint.arb(M.ncols()), latex=r"\operatorname{{cols}}\left({0}\right)",
                text="cols({0})", unfold=lambda M: M.shape[1], nargs=1)


def _fro2_mp(M: Any) -> Any:
    if not isinstance(M, mpmath.matrix):
        return mpmath.mpf(M) ** 2
    return mpmath.fsum(M[a, b] ** 2 for a in range(M.rows) for b in range(M.cols))


def _fro2_arb(M: Any) -> Any:
    if not isinstance(M, flint.arb_mat):
        return M * M
    out = flint.arb(0)
    for a in range(M.nrows()):
        for b in range(M.ncols()):
            out += M[a, b] * M[a, b]
    return out


fro2 = quantity("fro2", _fro2_mp, arb=_fro2_arb, latex=r"\left\|{0}\right\|_F^2", text="|{0}|_F^2",
                nargs=1, nonnegative=True)


# --- encoding entries per convention -------------------------------------------------------------------------
def row_range(convention: str, pp: int) -> tuple[int, int]:
    """The row labels ``(first, last)`` of a convention with ``pp`` rows."""
    return (1, pp) if convention == "seed-formula-1based" else (0, pp - 1)


def position_range(convention: str, nn: int) -> tuple[int, int]:
    """The position labels ``(first, last)`` of a convention with ``nn`` positions."""
    return (0, nn - 1) if convention == "transformer" else (1, nn)


def row_spec(convention: str, rr: int) -> tuple[int, bool]:
    """``(frequency index, is a cosine row)`` of the row labelled ``rr``."""
    if convention == "seed-code":
        return rr + 1, (rr + 1) % 2 == 1
    return rr // 2, rr % 2 == 1


def _denominator(convention: str, pp: int) -> int:
    return pp if convention == "transformer" else SEED_DENOMINATOR


def _labels(convention: str, nn: int, pp: int, rr: int, xx: int) -> None:
    lo, hi = row_range(convention, pp)
    if not lo <= rr <= hi:
        raise CannotEvaluate(f"row label {rr} outside {lo}..{hi} ({convention}, p = {pp})")
    lo, hi = position_range(convention, nn)
    if not lo <= xx <= hi:
        raise CannotEvaluate(f"position {xx} outside {lo}..{hi} ({convention}, n = {nn})")


def entry_value_mp(convention: str, nn: int, pp: int, rr: int, xx: int) -> Any:
    """The entry at labels ``(rr, xx)`` in mpmath at the working precision (labels checked)."""
    _labels(convention, nn, pp, rr, xx)
    kk, is_cos = row_spec(convention, rr)
    w = mpmath.exp(-2 * kk * mpmath.log(BASE) / _denominator(convention, pp))
    return mpmath.cos(xx * w) if is_cos else mpmath.sin(xx * w)


def entry_value_arb(convention: str, nn: int, pp: int, rr: int, xx: int) -> Any:
    """The entry at labels ``(rr, xx)`` as an arb ball at ``flint.ctx.prec`` bits."""
    _labels(convention, nn, pp, rr, xx)
    kk, is_cos = row_spec(convention, rr)
    w = (flint.arb(-2 * kk) * flint.arb(BASE).log() / _denominator(convention, pp)).exp()
    t = flint.arb(xx) * w
    return t.cos() if is_cos else t.sin()


def entry_expr(convention: str, pp: Any, rr: Any, xx: Any) -> Any:
    """The entry as a SymPy expression; ``rr`` may be symbolic (parity through ``Mod``)."""
    D = _denominator(convention, pp) if convention != "transformer" else pp
    if convention == "seed-code":
        kk, par = rr + 1, sp.Mod(rr + 1, 2)
    else:
        kk, par = (rr - sp.Mod(rr, 2)) / 2, sp.Mod(rr, 2)
    w = omega(kk, D)
    return sp.Piecewise((sp.cos(xx * w), sp.Eq(par, 1)), (sp.sin(xx * w), True))


_ENTRY_TEX = {
    "seed-formula": r"E_{{{2},{3}}}",
    "seed-formula-1based": r"E^{{(1)}}_{{{2},{3}}}",
    "seed-code": r"\texttt{{get\_E}}({0},{1})_{{{2},{3}}}",
    "transformer": r"E^{{\mathrm{{T}}}}_{{{2},{3}}}",
}
_GRAM_TEX = {
    "seed-formula": r"(E^\top E)_{{{2},{3}}}",
    "seed-formula-1based": r"(E^{{(1)\top}} E^{{(1)}})_{{{2},{3}}}",
    "seed-code": r"(\texttt{{get\_E}}^\top\texttt{{get\_E}})_{{{2},{3}}}",
    "transformer": r"(E^{{\mathrm{{T}}\top}} E^{{\mathrm{{T}}}})_{{{2},{3}}}",
}
_NAME = {"seed-formula": "E_formula", "seed-formula-1based": "E_formula_1based", "seed-code": "get_E",
         "transformer": "E_transformer"}


@functools.lru_cache(maxsize=None)
def encoding_entry(convention: str) -> type[Quantity]:
    """The quantity ``E(n, p, r, x)``: the ``convention``'s encoding at row label ``r``, position label ``x``
    (see the module docstring for the labels); ``unfold`` gives its SymPy definition."""
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be one of {CONVENTIONS}, got {convention!r}")

    def mp(nn, pp, rr, xx):
        return entry_value_mp(convention, _int(nn), _int(pp), _int(rr), _int(xx))

    def arb(nn, pp, rr, xx):
        return entry_value_arb(convention, _int(nn), _int(pp), _int(rr), _int(xx))

    def explicit(nn, pp, rr, xx):
        if not all(sp.sympify(a).is_Integer for a in (nn, pp, rr, xx)):
            return None
        _labels(convention, int(nn), int(pp), int(rr), int(xx))
        return entry_expr(convention, pp, rr, xx)

    return quantity(_NAME[convention], mp, arb=arb, unfold=lambda nn, pp, rr, xx: entry_expr(convention, pp, rr, xx),
                    explicit=explicit, latex=_ENTRY_TEX[convention],
                    text=_NAME[convention] + "({0},{1})[{2},{3}]", nargs=4, real=True)


@functools.lru_cache(maxsize=None)
def gram_entry(convention: str) -> type[Quantity]:
    r"""The quantity ``G(n, p, a, b)`` :math:`= \sum_r E_{r,a}E_{r,b}` over the ``convention``'s rows."""
    entry = encoding_entry(convention)
    rv = sp.Symbol("r", integer=True)

    def unfold(nn, pp, a, b):
        lo = 1 if convention == "seed-formula-1based" else 0
        hi = pp if convention == "seed-formula-1based" else pp - 1
        return sp.Sum(entry(nn, pp, rv, a) * entry(nn, pp, rv, b), (rv, lo, hi))

    def mp(nn, pp, a, b):
        nn, pp, a, b = _int(nn), _int(pp), _int(a), _int(b)
        lo, hi = row_range(convention, pp)
        return mpmath.fsum(entry_value_mp(convention, nn, pp, t, a) * entry_value_mp(convention, nn, pp, t, b)
                           for t in range(lo, hi + 1))

    def arb(nn, pp, a, b):
        nn, pp, a, b = _int(nn), _int(pp), _int(a), _int(b)
        lo, hi = row_range(convention, pp)
        out = flint.arb(0)
        for t in range(lo, hi + 1):
            out += entry_value_arb(convention, nn, pp, t, a) * entry_value_arb(convention, nn, pp, t, b)
        return out

    return quantity("G_" + _NAME[convention], mp, arb=arb, unfold=unfold, latex=_GRAM_TEX[convention],
                    text="G_" + _NAME[convention] + "({0},{1})[{2},{3}]", nargs=4, real=True)


def by_definition(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
    """``Step.check``: ``lhs == rhs`` once every quantity is replaced by its SymPy definition (``unfold``) and the
    difference is expanded to 0 (no ``simplify``: definitions here are exact forms, and a heuristic simplifier
    on unknown functions costs seconds).  ``None`` when the expanded difference is not 0."""
    from verify.core.statement import unfold

    diff = sp.expand(unfold(lhs) - unfold(rhs))
    if diff == 0:
        return True, "by definition: the unfolded difference expands to 0"
    return None, f"unfolded difference {sp.sstr(diff)[:80]}"


# ==============================================================================================================
# statement-bound evidence helpers
# ==============================================================================================================
def _rel_parts(prop: Prop) -> list[tuple[int, Rel]]:
    from verify.core.statement import Statement

    stmt = prop.statement
    if not isinstance(stmt, Statement):
        raise TypeError("this evidence needs a SymPy statement")
    return [(t, s) for t, s in enumerate(stmt.parts()) if isinstance(s, Rel)]


def _exact_mp(expr: Any, inst: dict, prec_bits: int = 200) -> Any:
    """The exact value of ``expr`` at ``inst`` (an arb enclosure at ``prec_bits``, returned as mpmath at
    40 digits: the radius is far below every float tolerance used here)."""
    old = flint.ctx.prec
    flint.ctx.prec = prec_bits
    try:
        v = evaluate(expr, inst, "arb")
    finally:
        flint.ctx.prec = old
    with mpmath.workdps(40):
        if isinstance(v, flint.arb_mat):
            return mpmath.matrix([[mpmath.mpf(v[a, b].mid().str(45, radius=False)) for b in range(v.ncols())]
                                  for a in range(v.nrows())])
        return mpmath.mpf(v.mid().str(45, radius=False))


def _as_mp_array(v: Any) -> list[list[Any]]:
    if isinstance(v, mpmath.matrix):
        return [[v[a, b] for b in range(v.cols)] for a in range(v.rows)]
    return [[mpmath.mpf(v)]]


def _as_float_array(v: Any) -> np.ndarray:
    a = np.asarray(v, dtype=np.float64)
    return a.reshape(1, 1) if a.ndim == 0 else a


def kernel_evidence(kernels: Mapping[int, tuple[Callable[[Any, dict, Any], Any], Callable[[dict, Any], Any]]],
                    instances: Callable[[Any], Sequence[dict]], *, dtype: Any, label: str = "",
                    about: str = "statement", far: float = 10.0, budget: float = 30.0,
                    describe: Callable[[dict], str] = lambda inst: "", description: str = "") -> Evidence:
    """A floating-point implementation against *both* sides of every ``Rel`` part, evaluated exactly.

    ``kernels`` maps a part's index to ``(kernel, bound)``: ``kernel(lhs, inst, dtype)`` returns the float
    result (array or scalar) the code computes for that part's left side at the instance (it may read the
    arguments of ``lhs``), ``bound(inst, dtype)`` its admissible rounding error (absolute, entrywise);
    ``instances(dtype)`` gives the instances (their data rounded to ``dtype``).  Both sides of every part are
    evaluated exactly (arb at 200 bits) at each instance.

    ``holds`` when every part has a kernel and the kernel is within the bound of both sides at every
    instance; ``refuted`` when for some part the kernel is within the bound of one side everywhere and more
    than ``far`` bounds from the other somewhere (so the two sides differ by more than ``far - 1`` bounds: a
    difference no rounding explains); otherwise ``undecided``.
    """

    def run(prop: Prop) -> Outcome:
        parts = _rel_parts(prop)
        insts = [inst for inst in instances(dtype) if _satisfied(prop.condition, inst)]
        if not insts:
            return Outcome("undecided", "no instance satisfies the condition")
        figs, data, missing = [], {}, [t + 1 for t, _ in parts if t not in kernels]
        for t, rel in parts:
            if t not in kernels:
                continue
            kernel, bound = kernels[t]
            worst, where = {"lhs": 0.0, "rhs": 0.0}, {"lhs": "", "rhs": ""}
            for inst in insts:
                K = _as_float_array(kernel(rel.lhs, inst, dtype))
                B = _as_float_array(bound(inst, dtype)) * np.ones_like(K)
                for side, expr in (("lhs", rel.lhs), ("rhs", rel.rhs)):
                    try:
                        V = _as_mp_array(_exact_mp(expr, inst))
                    except CannotEvaluate as exc:
                        return Outcome("undecided", f"part {t + 1}: cannot evaluate the {side} at {describe(inst)}: "
                                                    f"{exc}")
                    if len(V) != K.shape[0] or len(V[0]) != K.shape[1]:
                        units = float("inf")
                        if units > worst[side]:
                            worst[side] = units
                            where[side] = (f"{describe(inst)}: {len(V)}x{len(V[0])} vs the code's "
                                           f"{K.shape[0]}x{K.shape[1]}")
                        continue
                    with mpmath.workdps(40):
                        for a in range(K.shape[0]):
                            for b in range(K.shape[1]):
                                units = float(abs(mpmath.mpf(float(K[a, b])) - V[a][b]) / mpmath.mpf(float(B[a, b])))
                                if units > worst[side]:
                                    at = f", entry ({a + 1},{b + 1})" if K.size > 1 else ""
                                    worst[side], where[side] = units, f"{describe(inst)}{at}"
            tag = f"part {t + 1}: " if len(parts) > 1 else ""
            fig = f"{tag}code vs lhs {fmt(worst['lhs'])}, vs rhs {fmt(worst['rhs'])} bounds"
            data[f"part{t + 1}"] = {"lhs_units": worst["lhs"], "rhs_units": worst["rhs"]}
            for near, other in (("lhs", "rhs"), ("rhs", "lhs")):
                if worst[near] <= 1 and worst[other] > far:
                    return Outcome("refuted", f"{np.dtype(dtype).name}: {fig}: the {other} differs at {where[other]}",
                                   f"the code agrees with the {near} within rounding and differs from the {other} by "
                                   f"{fmt(worst[other])} bounds at {where[other]}", data=data)
            if not (worst["lhs"] <= 1 and worst["rhs"] <= 1):
                return Outcome("undecided", f"{np.dtype(dtype).name}: {fig} (the code agrees with neither side "
                                            f"within rounding)", data=data)
            figs.append(fig)
        head = f"{np.dtype(dtype).name}, {len(insts)} instance{'s' if len(insts) > 1 else ''}: " + "; ".join(figs)
        if missing:
            return Outcome("undecided", head + f" (no code for part(s) {missing})", data=data)
        return Outcome("holds", head, "the float result is within its rounding bound of both sides of every part",
                       data=data)

    return Evidence("numpy", run, label=label, about=about, budget=budget,
                    description=description or "the float code against both sides of the statement (exact, arb), "
                                               "error in units of its rounding bound")


def _satisfied(condition: Any, inst: dict) -> bool:
    from verify.core.statement import satisfies

    return satisfies(condition, inst)


def derivations(chains: Mapping[int, Sequence[Any]], *, sizes: Sequence[dict] = (), label: str = "",
                about: str = "statement", budget: float = 30.0, description: str = "") -> Evidence:
    """Symbolic evidence about *every* part of the statement: the chain ``chains[t]`` must prove part ``t``
    (:func:`verify.core.symbolic.prove`, the chain bound to the part's two sides); ``holds`` when every part
    is proved, ``refuted`` when some part is disproved (a point where it fails), else ``undecided`` (a
    part without a chain cannot be proved here).

    Where the core disproof finds no point for a matrix part, the part is probed at random entries with
    the shape symbols fixed to ``sizes``.  (Workaround: the core probe samples the free symbols of an
    expression, and a ``MatrixSymbol``'s free symbols do not include the symbols of its shape, so a
    disproof of a matrix statement with symbolic sizes finds no point.)
    """
    from verify.core.symbolic import probe, prove

    chains = {t: tuple(s) for t, s in chains.items()}

    def run(prop: Prop) -> Outcome:
        from verify.core.statement import Statement

        if not isinstance(prop.statement, Statement):
            return Outcome("undecided", "the statement is not a SymPy statement")
        parts = prop.statement.parts()
        figs, details, undecided = [], [], []
        for t, stmt in enumerate(parts):
            tag = f"part {t + 1}: " if len(parts) > 1 else ""
            if t not in chains:
                undecided.append(f"{tag}no chain")
                continue
            out = prove(stmt, chains[t])
            details.append(f"{tag}{out.detail}")
            if out.finding == "undecided" and isinstance(stmt, Rel) and prop.condition is None:
                for fixed in sizes:
                    cex = probe(stmt.lhs, stmt.rhs, stmt.rel, fixed=fixed)
                    if cex:
                        at = ", ".join(f"{a}={b}" for a, b in sorted(cex["point"].items()))
                        out = Outcome("refuted", f"{out.figure}; the statement fails at random entries with {at}",
                                      data={"counterexample": cex})
                        details.append(f"probe at fixed sizes: {cex}")
                        break
            if out.finding == "refuted":
                return Outcome("refuted", f"{tag}{out.figure}", "\n".join(details), data=out.data)
            if out.finding == "undecided":
                undecided.append(f"{tag}{out.figure}")
            else:
                figs.append(f"{tag}{out.figure}")
        if undecided:
            return Outcome("undecided", "; ".join(undecided), "\n".join(details))
        return Outcome("holds", "; ".join(figs), "\n".join(details))

    return Evidence("symbolic", run, label=label, about=about, budget=budget,
                    description=description or "derivation of every part from its left side to its right side, "
                                               "each step checked exactly by SymPy")


def rendered_chains(statement: Any, chains: Mapping[int, Sequence[Any]]) -> list:
    """The chains of :func:`derivations` as one ``Claim.derivation`` for the report: part 1's chain starts at
    the statement's left side (first step ``lhs=None``); every later part's chain shows its own left side on
    its first step."""
    import dataclasses

    parts = statement.parts()
    out: list = []
    for t in sorted(chains):
        steps = list(chains[t])
        if t > 0 and steps and getattr(steps[0], "lhs", 0) is None and not getattr(steps[0], "lemma", False):
            steps[0] = dataclasses.replace(steps[0], lhs=parts[t].lhs)
        out.extend(steps)
    return out
