r"""Claims ``pe.enc.*`` (seed Ex 1b): the displayed encoding formula against the code ``get_E``, what ``get_E``
computes, and what the formula gives when read 1-based (as the seed's arrow diagram numbers the rows).

The statements use the quantities of :mod:`verify.positional.quantities`: ``get_E(n, p)[r, i]`` (the code's
entry at 0-based array row ``r`` and 1-based position ``i``, transcribed from cell [4]) and the Gram entries of
the formula read 1-based; the right sides are the seed's formula as SymPy expressions.  The code itself
(:func:`verify.positional.scores.seed_get_E`, float64, and ``sinusoidal_encoding(..., "seed-code")``) is tied
to the statements by numpy evidence against both sides.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import sympy as sp

from verify.core.claim import Claim, Mutant, Step
from verify.core.evaluate import evaluate
from verify.core.numeric import at_points, counterexample
from verify.core.statement import All, Rel

from ..encoding import sinusoidal_encoding
from ..quantities import (SEED_N, SEED_P, by_definition, derivations, encoding_entry, gram_entry, i, j, k,
                          kernel_evidence, n, omega, p, rendered_chains)
from ..scores import seed_get_E

get_E = encoding_entry("seed-code")      # get_E(n, p)[r, i]: array row r (0-based), position i (1-based)
G1 = gram_entry("seed-formula-1based")   # Gram entry of the formula read 1-based (rows 1..p)
SEED = {n: SEED_N, p: SEED_P}            # the seed's call get_E(64, 256)

_EPS64 = float(np.finfo(np.float64).eps)


# --- the code as floats, against the statement ---------------------------------------------------------------
@functools.lru_cache(maxsize=None)
def _code_arrays(source: str, dtype: Any) -> np.ndarray:
    if source == "get_E":
        return seed_get_E(SEED_N, SEED_P)  # the seed's literal code, float64
    return sinusoidal_encoding(SEED_N, SEED_P, convention="seed-code", dtype=dtype)


def _args(expr: Any, inst: dict) -> list[int]:
    """The integer arguments of a quantity node at an instance."""
    return [int(evaluate(a, inst)) for a in expr.args]


def _code_kernel(source: str):
    """The float code at the arguments of the statement's left side ``get_E(n, p)[r, i]``."""

    def kernel(lhs: Any, inst: dict, dtype: Any) -> float:
        if not isinstance(lhs, get_E):
            raise TypeError(f"the left side is not get_E(n, p)[r, i]: {lhs}")
        nn, pp, rr, ii = _args(lhs, inst)
        A = _code_arrays(source, np.dtype(dtype).name)
        if A.shape != (pp, nn):
            raise ValueError(f"the code's array is {A.shape}, the statement's get_E({nn}, {pp}) is {(pp, nn)}")
        return float(A[rr, ii - 1])

    return kernel


def _code_bound(inst: dict, dtype: Any) -> float:
    r"""Float64 angle ``i·exp(-2k log(10⁴)/5000)``: ``ω`` carries about 4 roundings (``|arg| < 1``) and ``i ω`` one
    more, so the phase errs by at most ``3 i ω eps64``; sin/cos add ``eps64``; a float32 result is rounded once
    more (``eps32/2``).  With ``ω ≤ 1``: ``(3 i + 2) eps64 + eps/2``."""
    extra = float(np.finfo(dtype).eps) / 2 if np.dtype(dtype) != np.float64 else 0.0
    return (3 * int(inst[i]) + 2) * _EPS64 + extra


#: (k, i): every frequency index k = 0..127 (rows 2k, 2k+1 cover all 256 rows) at positions 1, 8, 64
GRID = [{**SEED, k: kk, i: ii} for kk in range(SEED_P // 2) for ii in (1, 8, 64)]


def _code_evidence(label: str, source: str, dtype: Any, what: str):
    return kernel_evidence({0: (_code_kernel(source), _code_bound), 1: (_code_kernel(source), _code_bound)},
                           lambda dt: GRID, dtype=dtype, label=label, budget=30,
                           describe=lambda inst: f"k={inst[k]}, i={inst[i]}",
                           description=f"{what} at n = 64, p = 256 (rows 2k and 2k+1 for every k = 0..127, positions "
                                       f"1, 8, 64) against both sides (exact, arb); unit: the float "
                                       f"rounding bound (3 i + 2) eps64 (+ eps/2 in float32)")


_CODE_EVIDENCE = [
    _code_evidence("get_E", "get_E", np.float64, "the seed's get_E(64, 256) (float64, cell [4] verbatim)"),
    _code_evidence("float32", "ours", np.float32, "sinusoidal_encoding(64, 256, 'seed-code', float32)"),
]

# ===== the formula against the code ===========================================================================
FORMULA = All(Rel(get_E(n, p, 2 * k, i), sp.sin(i * omega(k))), Rel(get_E(n, p, 2 * k + 1, i), sp.cos(i * omega(k))))
CODE = All(Rel(get_E(n, p, 2 * k, i), sp.cos(i * omega(2 * k + 1))),
           Rel(get_E(n, p, 2 * k + 1, i), sp.sin(i * omega(2 * k + 2))))
code_steps = {
    0: [Step(None, sp.cos(i * omega(2 * k + 1)),
             why="definition of get_E: frequency index = 1-based row number 2k + 1 (odd: cosine)",
             check=by_definition)],
    1: [Step(None, sp.sin(i * omega(2 * k + 2)),
             why="definition of get_E: frequency index = 1-based row number 2k + 2 (even: sine)",
             check=by_definition)],
}
_FORMULA_CEX = {**SEED, k: 0, i: 1}

CODE_MATCHES_FORMULA = Claim(
    id="pe.enc.code_matches_formula", source="Ex 1b formula vs code cell [4] (get_E)",
    title="get_E computes the displayed formula",
    display=r"\texttt{get\_E}(n, p) = E:\quad E_{(2k),i} = \sin\left(i \cdot \exp\left(-\frac{2k \cdot \log(10000)}"
            r"{5000}\right)\right),\quad E_{(2k+1),i} = \cos\left(i \cdot \exp\left(-\frac{2k \cdot \log(10000)}"
            r"{5000}\right)\right)",
    statement=FORMULA,
    recorded="refuted",
    assumptions=(r"0 \le k < p/2,\ 1 \le i \le n,\ (n, p) = (64, 256) \text{ (the seed's call)}",
                 r"\texttt{get\_E}(n,p)_{r,i}: \text{array row } r \text{ (0-based), position } i \text{ (1-based)}"),
    reading="Formula: rows 0..p-1 (so k = 0..p/2-1), positions i = 1..n; the code's rows are its 0-based array "
            "rows. The 1-based reading of the rows is claim pe.enc.formula_1based_reading.",
    evidence=[
        counterexample(_FORMULA_CEX, budget=15,
                       tex=r"$n = 64$, $p = 256$, $k = 0$, $i = 1$: $\texttt{get\_E}_{0,1} = \cos(\nu_1) = 0.5434 \ne "
                           r"\sin(1) = 0.8415$"),
        derivations(code_steps, budget=20),
        *_CODE_EVIDENCE,
    ],
    mutants=(
        Mutant("code_reading", CODE,
               why="the correction (claim pe.enc.code_reading): one frequency per row, index the 1-based row number, "
                   "cosine on odd 1-based rows"),
    ),
    depth="fixed-size",
    depth_note="refuted at the seed's n = 64, p = 256 (certified; the failing entry, row 0 at position 1, is the same "
               "for every n, p); the code checked at all 256 rows x 3 positions",
    note=r"The code gives every row its own frequency $\nu_k = e^{-2k\log(10^4)/5000}$ with $k$ the 1-based "
         r"row number (sine for even, cosine for odd $k$), so no sine and cosine row share a frequency; the "
         r"formula pairs rows $2k, 2k+1$ on $\omega_k$. Read 1-based, the formula does not match either "
         r"(row 1 is $\cos(i\,\omega_0) = \cos i$ there, $\cos(i\,\nu_1)$ in the code). Both use $5000$ where a "
         r"Transformer has the width $p$: with $p = 256$ all wavelengths lie between $2\pi$ and about 16 positions.",
)

CODE_READING = Claim(
    id="pe.enc.code_reading", source="Ex 1b code cell [4] (get_E)",
    title="What get_E computes: per-row frequency, cosine on odd 1-based rows",
    display=r"\texttt{get\_E}(n,p)_{k,i} = \begin{cases}\sin(i\,\nu_k) & k \text{ even}\\ "
            r"\cos(i\,\nu_k) & k \text{ odd}\end{cases},\ \nu_k = 10000^{-2k/5000},\ "
            r"k = 1..p \text{ (1-based row)},\ i = 1..n",
    statement=CODE,
    recorded="holds", corrects="pe.enc.code_matches_formula",
    assumptions=(r"0 \le k < p/2:\ \text{array rows } 2k, 2k+1 \text{ are the 1-based rows } 2k+1, 2k+2",),
    derivation=rendered_chains(CODE, code_steps),
    evidence=[
        derivations(code_steps, budget=20),
        at_points([{**SEED, k: kk, i: ii} for kk, ii in ((0, 1), (1, 64), (63, 17), (127, 64))], budget=15,
                  description="both rows at 4 (k, i) of the seed's size, 50 and 100 digits"),
        *_CODE_EVIDENCE,
    ],
    mutants=(
        Mutant("sin_cos_swapped", All(Rel(get_E(n, p, 2 * k, i), sp.sin(i * omega(2 * k + 1))),
                                      Rel(get_E(n, p, 2 * k + 1, i), sp.cos(i * omega(2 * k + 2)))),
               why="the mask k % 2 == 0 read on the 0-based array row: sine on even array rows"),
        Mutant("zero_based_frequency", All(Rel(get_E(n, p, 2 * k, i), sp.cos(i * omega(2 * k))),
                                           Rel(get_E(n, p, 2 * k + 1, i), sp.sin(i * omega(2 * k + 1)))),
               why="off by one: the frequency index taken as the 0-based array row"),
    ),
    depth="general",
    depth_note="for symbolic k, i from the transcription of get_E; the float code tied to it at n = 64, p = 256",
    note=r"\texttt{sinusoidal\_encoding(n, p, convention=\"seed-code\")} reproduces \texttt{get\_E} bit for bit; "
         r"the numpy evidence checks both against the statement's two sides.",
)

# ===== the formula read 1-based ===============================================================================
_m = p / 2
UNPAIRED = (- sp.sin(i + 1) * sp.sin(j + 1) + sp.sin(i) * sp.sin(j)
            + sp.sin((i + 1) * omega(_m)) * sp.sin((j + 1) * omega(_m)) - sp.sin(i * omega(_m)) * sp.sin(j * omega(_m)))
_GRAM_POS = (1, 2, 5, 17, 40, 63)


def _one_based_array(nn: int, pp: int, dtype: Any) -> np.ndarray:
    """Rows 1..p of the formula: the 0-based formula with p + 1 rows (labels 0..p; ``D = 5000`` does not depend
    on p) without its row 0."""
    return sinusoidal_encoding(nn, pp + 1, convention="seed-formula", dtype=dtype)[1:]


def _gram_kernel(lhs: Any, inst: dict, dtype: Any) -> float:
    """The float Gram matrix of the 1-based reading at the arguments of the left side ``G1(n, p, a, b)``."""
    if not isinstance(lhs, G1):
        raise TypeError(f"the left side is not a Gram entry of the 1-based reading: {lhs}")
    nn, pp, a, b = _args(lhs, inst)
    return float(_one_based_gram(nn, pp, np.dtype(dtype).name)[a - 1, b - 1])


@functools.lru_cache(maxsize=None)
def _one_based_gram(nn: int, pp: int, dtype: str) -> np.ndarray:
    A = _one_based_array(nn, pp, dtype)
    return A.T @ A


def _gram_bound(inst: dict, dtype: Any) -> float:
    r"""Entries err by ``e = (3n + 2) eps64 + eps/2`` (see the code bound, positions up to ``n``); a length-``p``
    dot product of entries ``|E| ≤ 1`` adds ``p (eps/2) p``: ``(p + 2)(eps/2) p + 2 p e``."""
    nn, pp = int(inst[n]), int(inst[p])
    eps = float(np.finfo(dtype).eps)
    return (pp + 2) * eps / 2 * pp + 2 * pp * ((3 * nn + 2) * _EPS64 + eps / 2)


_ONE_CEX = {**SEED, i: 1, j: 1}

FORMULA_1BASED = Claim(
    id="pe.enc.formula_1based_reading", source="Ex 1b formula (1-based reading of the arrow diagram)",
    title="Read 1-based (rows 1..p, row 1 a cosine as the arrow diagram shows), the formula's EᵀE is Toeplitz",
    display=r"\begin{matrix} e_{1n} \\ e_{2n} \\ \vdots \\ e_{pn} \end{matrix} \begin{matrix} \leftarrow \cos \\ "
            r"\leftarrow \sin \\ \leftarrow \cos \\ \leftarrow \sin \end{matrix}:\quad E_{(2k),i} = \sin(i\,\omega_k),"
            r"\ E_{(2k+1),i} = \cos(i\,\omega_k),\ \text{rows } 1..p \ \Rightarrow\ (E^\top E)_{i+1,j+1} = "
            r"(E^\top E)_{i,j}",
    statement=Rel(G1(n, p, i + 1, j + 1), G1(n, p, i, j)),
    recorded="refuted",
    assumptions=(r"\omega_k = e^{-2k\log(10^4)/5000},\ (n, p) = (64, 256),\ 1 \le i, j \le n - 1",
                 r"(E^{(1)\top}E^{(1)})_{i,j} = \sum_{r=1}^{p} E_{r,i}E_{r,j}"),
    reading="The arrow diagram marks row 1 ← cos, row 2 ← sin, … and the seed numbers entries e_11 … e_pn "
            "from 1; read with these labels, the formula's rows are r = 1..p: row 1 = cos(i ω_0) and row p = "
            "sin(i ω_{p/2}) have no partner. (The 0-based reading, rows 0..p-1, is the pe.gram claims'.)",
    evidence=[
        counterexample(_ONE_CEX, budget=15,
                       tex=r"$n = 64$, $p = 256$: $(E^{(1)\top}E^{(1)})_{2,2} = 128.073 \ne "
                           r"(E^{(1)\top}E^{(1)})_{1,1} = 127.633$ (one diagonal, two values)"),
        at_points([{**SEED, i: a, j: b} for a, b in ((1, 1), (1, 5), (7, 3), (32, 40), (63, 63))]
                  + [{n: 8, p: 6, i: a, j: b} for a, b in ((1, 1), (2, 5), (7, 7))], budget=20,
                  description="the statement at 5 entries of the seed's size and 3 of n = 8, p = 6, 50 and 100 digits"),
        *[kernel_evidence({0: (_gram_kernel, _gram_bound)},
                          lambda dt: [{**SEED, i: a, j: b} for a in _GRAM_POS for b in _GRAM_POS],
                          dtype=dt, label=np.dtype(dt).name, budget=30,
                          describe=lambda inst: f"i={inst[i]}, j={inst[j]}",
                          description=f"E1ᵀE1 in {np.dtype(dt).name} for the 1-based array (rows 1..256 of the "
                                      f"formula, n = 64) at 36 entries, against both sides (exact, arb)")
          for dt in (np.float32, np.float64)],
    ],
    mutants=(
        Mutant("unpaired_rows", Rel(G1(n, p, i + 1, j + 1), G1(n, p, i, j) + UNPAIRED),
               why="the correction: G⁽¹⁾ = G⁽⁰⁾ − s₀s₀ᵀ + s_{p/2}s_{p/2}ᵀ (s_k = (sin(i ω_k))_i), with G⁽⁰⁾ "
                   "the Toeplitz Gram of the 0-based reading: only the unpaired rows 1 and p break the diagonals"),
    ),
    depth="fixed-size",
    depth_note="refuted at the seed's n = 64, p = 256 (certified: two entries of the main diagonal differ); the "
               "corrected identity checked at 8 entries (p = 256 and p = 6) and in float at 36",
    note=r"Rows $1..p$ are rows $0..p-1$ of the 0-based reading without row 0 ($\sin(i\,\omega_0) = \sin i$) "
         r"and with row $p$ ($\sin(i\,\omega_{p/2})$): $E^{(1)\top}E^{(1)} = G^{(0)} - s_0 s_0^\top + "
         r"s_{p/2}s_{p/2}^\top$, $s_k = (\sin(i\,\omega_k))_{i}$. Each sine/cosine pair contributes "
         r"$\cos((i-j)\omega_k)$ (Toeplitz); the unpaired rows 1 and $p$ contribute "
         r"$\cos i\cos j + \sin(i\,\omega_{p/2})\sin(j\,\omega_{p/2})$, whose part "
         r"$\tfrac12[\cos(i+j) - \cos((i+j)\,\omega_{p/2})]$ depends on $i + j$: the diagonal is "
         r"$(E^{(1)\top}E^{(1)})_{ii} = p/2 - 1 + \cos^2 i + \sin^2(i\,\omega_{p/2})$, not the constant $p/2$.",
)

CLAIMS = [CODE_MATCHES_FORMULA, CODE_READING, FORMULA_1BASED]
