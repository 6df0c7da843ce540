r"""Claims ``pe.score.*`` (seed Ex 1a): the score :math:`K^\top Q = K^\top K` with an added or a concatenated
encoding, its expansions, the code's order of concatenation, the "mixing" conclusion and learned projections.

Every statement is a SymPy object over ``X, E`` (:class:`sympy.MatrixSymbol`, ``p x n`` with symbolic ``p, n``)
or over the entries ``x[k, i], e[k, i]`` (1-based); the evidence (derivations, the statement at exact
instances, the seed's float code against both sides) is computed from it, so a mutant runs through the same
evidence.
"""

from __future__ import annotations

import contextlib
import io
import itertools
from typing import Any

import numpy as np
import sympy as sp

from verify.core.claim import Claim, Evidence, Mutant, Outcome, Prop, Step
from verify.core.numeric import at_points, counterexample
from verify.core.statement import All, Rel

from ..quantities import (E, X, cols, d, derivations, eI, fro2, i, j, kernel_evidence, n, p, rendered_chains,
                          rows, xI)
from ..reference import encoding_mp
from ..scores import score_add, score_cat, seed_get_E, seed_get_score

k = sp.Symbol("k", integer=True)  # summation index over the features (1-based, as the seed)
Z = sp.ZeroMatrix(p, n)
DTYPES = (np.float32, np.float64)
#: shape symbols fixed when a matrix statement is probed for a counterexample (see ``derivations``)
SIZES = ({p: 2, n: 3}, {p: 3, n: 2})


def cat(A: Any, B: Any) -> sp.BlockMatrix:
    r""":math:`\mathrm{cat}(A, B) = \begin{pmatrix}A\\B\end{pmatrix}` (stacked along the features, ``2p x n``)."""
    return sp.BlockMatrix([[A], [B]])


def S_add(A: Any, B: Any) -> Any:
    """The score with an added encoding, ``(A + B)ᵀ(A + B)``."""
    return (A + B).T * (A + B)


def S_cat(A: Any, B: Any) -> Any:
    """The score with a concatenated encoding, ``cat(A, B)ᵀ cat(A, B)``."""
    return cat(A, B).T * cat(A, B)


C_stack = cat(X, E)
C_side = sp.BlockMatrix([[X, E]])  # the seed's displayed matrix: X and E side by side (p x 2n)
E_first = cat(E, X)  # the code: np.append(E, X, axis=0)


# --- step checks ---------------------------------------------------------------------------------------------
def _block_check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
    """``Step.check`` for block-matrix identities: ``block_collapse`` both sides, expand, compare blockwise."""
    if lhs.shape != rhs.shape:
        return False, f"shapes differ: {lhs.shape} vs {rhs.shape}"
    try:
        dd = sp.expand(sp.block_collapse(lhs) - sp.block_collapse(rhs))
    except (sp.ShapeError, ValueError, TypeError) as exc:  # blocks that do not conform
        return None, f"block_collapse failed: {exc}"
    if isinstance(dd, sp.BlockMatrix):
        ok = all(sp.expand(b) == sp.ZeroMatrix(*b.shape) or sp.expand(b) == 0 for b in dd.blocks)
    else:
        ok = dd == 0 or dd == sp.ZeroMatrix(*dd.shape)
    return (True, "block_collapse difference is 0") if ok else (None, f"left over: {sp.sstr(dd)[:120]}")


def _piecewise_split_check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
    """``Sum(Piecewise((f, k <= c), (g, True)), (k, a, b)) == Sum(f, (k, a, c)) + Sum(g, (k, c+1, b))``.

    Checked, not asserted: the two ranges on the right are adjacent and cover ``[a, b]`` (with
    ``a - 1 <= c <= b`` shown from the assumptions), the condition is true on the whole lower range
    (``k = c - r``, ``r >= 0``) and false on the whole upper range (``k = c + 1 + r``), and the summands
    are the branches; cross-checked by expanding both sides for ``p = 1, 2, 3``.
    """
    if not (isinstance(lhs, sp.Sum) and isinstance(lhs.function, sp.Piecewise)) or len(lhs.function.args) != 2:
        return None, "left side is not a sum of a two-branch Piecewise"
    (f, cond), (g, _) = lhs.function.args
    var, a, b = lhs.limits[0]
    parts = rhs.args if isinstance(rhs, sp.Add) else (rhs,)
    if len(parts) != 2 or not all(isinstance(s_, sp.Sum) for s_ in parts):
        return None, "right side is not a sum of two sums"
    low, high = sorted(parts, key=lambda s_: 0 if s_.limits[0][1] == a else 1)
    (_, a1, c), (_, c1, b1) = low.limits[0], high.limits[0]
    rr = sp.Symbol("r", integer=True, nonnegative=True)
    facts = {
        "ranges adjacent and covering": a1 == a and b1 == b and sp.simplify(c1 - c - 1) == 0,
        "lower range not empty-negative": (c - a + 1).is_nonnegative is True,
        "upper range not empty-negative": (b - c).is_nonnegative is True,
        "condition true below": sp.simplify(cond.subs(var, c - rr)) is sp.true,
        "condition false above": sp.simplify(cond.subs(var, c + 1 + rr)) is sp.false,
        "summands are the branches": sp.simplify(low.function - f) == 0 and sp.simplify(high.function - g) == 0,
    }
    failed = [name for name, ok in facts.items() if not ok]
    if failed:
        return None, "not shown: " + ", ".join(failed)
    for v in (1, 2, 3):
        if sp.expand(lhs.subs(p, v).doit() - rhs.subs(p, v).doit()) != 0:
            return False, f"the two sides differ at p = {v}"
    return True, "adjacent ranges; condition true on [a, c] and false on [c+1, b]; expanded equal for p = 1, 2, 3"


def _sum_check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
    from ..checks import sum_identity

    return sum_identity(lhs, rhs)


# --- the element form ----------------------------------------------------------------------------------------
ADD_ENTRY = sp.Sum((xI[k, i] + eI[k, i]) * (xI[k, j] + eI[k, j]), (k, 1, p))


def entry_terms(*terms: Any, upper: Any = p) -> Any:
    """``Σ_{k=1}^{upper}`` of the given summands (products of entries)."""
    return sp.Sum(sp.Add(*terms), (k, 1, upper))


XX, EX, XE, EE = (xI[k, i] * xI[k, j], eI[k, i] * xI[k, j], xI[k, i] * eI[k, j], eI[k, i] * eI[k, j])
CAT_ENTRY = sp.Sum(sp.Piecewise((xI[k, i] * xI[k, j], k <= p), (eI[k - p, i] * eI[k - p, j], True)), (k, 1, 2 * p))

score_ij_steps = [
    Step(None, entry_terms(XX, EX, XE, EE), why="seed's Score_ij lines: multiply out", check=_sum_check),
]
add_matrix_steps = [
    Step(None, X.T * X + E.T * X + X.T * E + E.T * E, why="distributivity; (X+E)ᵀ = Xᵀ + Eᵀ"),
]
cat_matrix_steps = [Step(None, X.T * X + E.T * E, why="block product", check=_block_check)]
cat_steps = [
    Step(CAT_ENTRY,
         sp.Sum(xI[k, i] * xI[k, j], (k, 1, p)) + sp.Sum(eI[k - p, i] * eI[k - p, j], (k, p + 1, 2 * p)),
         why="split at k = p", check=_piecewise_split_check),
    Step(None, entry_terms(XX, EE), why="shift k → k + p", check=_sum_check),
]


# --- instances -----------------------------------------------------------------------------------------------
def _grid(rows_: int, cols_: int, seed: int) -> list[list[float]]:
    """A small matrix of quarter-integers (exact binary floats)."""
    rng = np.random.default_rng(seed)
    return (rng.integers(-9, 10, size=(rows_, cols_)) / 4).tolist()


class EntriesOf:
    """The entries ``a[k, i]`` (1-based) of a matrix given as nested lists: the value of an ``IndexedBase`` at an
    instance (a callable, printed by name so that instance descriptions stay short and deterministic)."""

    def __init__(self, name: str, rows_: list):
        self.name, self.rows = name, rows_

    def __call__(self, kk: int, ii: int) -> float:
        if not (1 <= kk <= len(self.rows) and 1 <= ii <= len(self.rows[0])):
            from verify.core.evaluate import CannotEvaluate

            raise CannotEvaluate(f"no entry ({kk}, {ii}) of {self.name}")
        return self.rows[kk - 1][ii - 1]

    def __repr__(self) -> str:
        return f"entries of {self.name}"


def score_instance(Xv: Any, Ev: Any, ii: int = 1, jj: int = 1) -> dict:
    """An instance of the score statements: the matrices ``X, E`` and their entries ``x, e`` (1-based), a
    position pair ``(i, j)`` for the element form."""
    Xl, El = np.asarray(Xv, dtype=np.float64).tolist(), np.asarray(Ev, dtype=np.float64).tolist()
    return {p: len(Xl), n: len(Xl[0]), X: Xl, E: El, xI: EntriesOf("X", Xl), eI: EntriesOf("E", El), i: ii, j: jj}


SMALL = [
    score_instance(_grid(2, 3, 1), _grid(2, 3, 2), 1, 3),
    score_instance(_grid(3, 2, 3), _grid(3, 2, 4), 2, 2),
    score_instance(_grid(4, 4, 5), [[float(v) for v in row] for row in encoding_mp(4, 4, "seed-code", dps=30)],
                   4, 1),  # the seed's get_E(4, 4), correctly rounded (the same on every CPU)
]


def _describe(inst: dict) -> str:
    return f"p={inst[p]}, n={inst[n]}"


#: size of the float instance: the seed's construction (E = get_E(n, p), X ~ N(0, std(E)²)) at n = 16, p = 32
#: (the seed's 64 x 256 costs seconds of exact evaluation per side and adds nothing to a general identity)
FLOAT_N, FLOAT_P = 16, 32


def seed_instances(dtype: Any) -> list[dict]:
    """The seed's construction at ``n = 16, p = 32``: ``E = get_E(n, p)``, ``X ~ N(0, std(E)²)`` (a fixed draw),
    rounded to ``dtype``; the element form at ``(i, j) = (5, 12)``."""
    E64 = seed_get_E(FLOAT_N, FLOAT_P)
    Xv = np.random.default_rng(2023).normal(0.0, float(np.std(E64)), size=E64.shape).astype(dtype)
    return [score_instance(Xv, E64.astype(dtype), 5, 12)]


def _arrays(inst: dict, dtype: Any) -> tuple[np.ndarray, np.ndarray]:
    return np.asarray(inst[X], dtype=dtype), np.asarray(inst[E], dtype=dtype)


def _score_bound(scores: int = 1):
    r"""Rounding bound of a float score: ``scores * (2p + 4) eps M`` with ``M = (|X|+|E|)ᵀ(|X|+|E|)``
    (a dot product of length ``L`` errs by at most ``L u Σ|a_k b_k|``; ``2p`` covers the stacked score, the
    ``+4`` the rounding of ``X + E`` and of the sums of scores)."""

    def bound(inst: dict, dtype: Any) -> np.ndarray:
        A = np.abs(np.asarray(inst[X])) + np.abs(np.asarray(inst[E]))
        return scores * (2 * inst[p] + 4) * float(np.finfo(dtype).eps) * (A.T @ A)

    return bound


def _side_bound(inst: dict, dtype: Any) -> np.ndarray:
    A = np.hstack([np.abs(np.asarray(inst[X])), np.abs(np.asarray(inst[E]))])
    return (2 * inst[p] + 4) * float(np.finfo(dtype).eps) * (A.T @ A)


def _quiet(fn, *args, **kwargs):
    with contextlib.redirect_stdout(io.StringIO()):
        return fn(*args, **kwargs)


def _entry(kernel):
    """The ``(i, j)`` entry (1-based, from the instance) of a matrix kernel."""
    return lambda lhs, inst, dt: kernel(lhs, inst, dt)[inst[i] - 1, inst[j] - 1]


def _entry_bound(bound):
    return lambda inst, dt: bound(inst, dt)[inst[i] - 1, inst[j] - 1]


def _kernels(kernel, bound=None, what: str = "", entries: bool = False) -> list[Evidence]:
    """numpy evidence per dtype: ``kernel`` for part 1 (and its ``(i, j)`` entry for part 2, the element form)."""
    bound = bound or _score_bound()
    kernels = {0: (kernel, bound)}
    if entries:
        kernels[1] = (_entry(kernel), _entry_bound(bound))
    return [kernel_evidence(kernels, seed_instances, dtype=dt, label=np.dtype(dt).name, describe=_describe,
                            description=f"{what} in {np.dtype(dt).name} at E = get_E(16, 32) and "
                                        f"X ~ N(0, std(E)²) (the "
                                        f"seed's construction), against both sides (exact, arb); unit: its rounding "
                                        f"bound")
            for dt in DTYPES]


# ===== a) the added score =====================================================================================
ADD_STATEMENT = All(Rel(S_add(X, E), X.T * X + E.T * X + X.T * E + E.T * E),
                    Rel(ADD_ENTRY, entry_terms(XX, EX, XE, EE)))
ADD_CHAINS = {0: add_matrix_steps, 1: score_ij_steps}

ADD = Claim(
    id="pe.score.add_expansion", source="Ex 1a", title="Score with an added encoding expands into four terms",
    display=r"\text{Score} = (X+E)^T (X+E),\quad \text{Score}_{ij} = \sum_{k=1}^p (x_{ki} + e_{ki})(x_{kj} + e_{kj})"
            r" = \sum_{k=1}^p x_{ki} x_{kj} + e_{ki} x_{kj} + x_{ki} e_{kj} + e_{ki} e_{kj}",
    statement=ADD_STATEMENT,
    recorded="holds", assumptions=(r"X, E \in \mathbb{R}^{p\times n}", r"K = Q = X + E"),
    derivation=rendered_chains(ADD_STATEMENT, ADD_CHAINS),
    evidence=[
        derivations(ADD_CHAINS, sizes=SIZES, budget=20),
        at_points(SMALL, budget=20, description="both forms at 3 exact instances (p x n = 2x3, 3x2, 4x4 with the "
                                                "seed's encoding), 50 and 100 digits"),
        *_kernels(lambda lhs, inst, dt: seed_get_score(*_arrays(inst, dt)[::-1], mode="add"), entries=True,
                  what="the seed's get_score(E, X, mode='add') (and its entry (5, 12))"),
    ],
    mutants=(
        Mutant("drop_etx", All(Rel(S_add(X, E), X.T * X + X.T * E + E.T * E), Rel(ADD_ENTRY, entry_terms(XX, XE, EE))),
               why="a mixed term dropped: only one of EᵀX, XᵀE"),
        Mutant("xte_twice", All(Rel(S_add(X, E), X.T * X + 2 * X.T * E + E.T * E),
                                Rel(ADD_ENTRY, entry_terms(XX, 2 * XE, EE))),
               why="the mixed terms written as XᵀE twice (EᵀX = (XᵀE)ᵀ is not XᵀE)"),
    ),
    depth="general", depth_note="matrix identity for symbolic p x n; element form for symbolic p (sum normal form)",
    note=r"The mixed terms $E^\top X + X^\top E$ are the seed's $e_{ki}x_{kj} + x_{ki}e_{kj}$.",
)

# ===== a) the concatenated score ==============================================================================
CAT_STATEMENT = All(Rel(S_cat(X, E), X.T * X + E.T * E), Rel(CAT_ENTRY, entry_terms(XX, EE)))
CAT_CHAINS = {0: cat_matrix_steps, 1: cat_steps}

CAT = Claim(
    id="pe.score.cat_expansion", source="Ex 1a",
    title="Score with a concatenated encoding (stacked along features) has no mixed terms",
    display=r"\text{Score} = \text{cat}(X, E)^T \text{cat}(X, E),\quad \text{Score}_{ij} = \sum_{k=1}^{2p} "
            r"\begin{cases} x_{ki} x_{kj} & , k \leq p \\ e_{(k-p)i} e_{(k-p)j} & , k > p \end{cases} = "
            r"\sum_{k=1}^p x_{ki} x_{kj} + e_{ki} e_{kj}",
    statement=CAT_STATEMENT,
    recorded="holds", assumptions=(r"X, E \in \mathbb{R}^{p\times n}",
                                   r"\mathrm{cat}(X,E) = \begin{pmatrix}X\\E\end{pmatrix} \in \mathbb{R}^{2p\times n}"),
    reading="cat stacks along the feature axis, as the seed's ℝ^(2p×n), its sum over k = 1..2p "
            "and its code (np.append(..., axis=0)) say.",
    derivation=rendered_chains(CAT_STATEMENT, CAT_CHAINS),
    evidence=[
        derivations(CAT_CHAINS, sizes=SIZES, budget=20),
        at_points(SMALL, budget=20, description="both forms at 3 exact instances, 50 and 100 digits"),
        *_kernels(lambda lhs, inst, dt: score_cat(*_arrays(inst, dt)), entries=True,
                  what="score_cat(X, E) (np.concatenate, axis 0; and its entry (5, 12))"),
    ],
    mutants=(
        Mutant("cross_terms", All(Rel(S_cat(X, E), X.T * X + E.T * X + X.T * E + E.T * E),
                                  Rel(CAT_ENTRY, entry_terms(XX, EX, XE, EE))),
               why="concatenation keeps the mixed terms of addition"),
        Mutant("double_encoding", All(Rel(S_cat(X, E), X.T * X + 2 * E.T * E), Rel(CAT_ENTRY, entry_terms(XX, 2 * EE))),
               why="a factor 2 on EᵀE (the encoding block counted twice over k = 1..2p)"),
    ),
    depth="general", depth_note="block-matrix identity for symbolic p x n; element form for symbolic p",
)

# ===== a) the displayed cat(X, E) =============================================================================
SIDE_GRAM = sp.BlockMatrix([[X.T * X, X.T * E], [E.T * X, E.T * E]])
NO_CROSS = sp.BlockMatrix([[X.T * X, sp.ZeroMatrix(n, n)], [sp.ZeroMatrix(n, n), E.T * E]])
side_gram_steps = [Step(None, SIDE_GRAM, why="block product", check=_block_check)]
_DISPLAY_CEX = {p: 2, n: 2, X: [[1, 0], [0, 1]], E: [[1, 2], [1, 0]]}

CAT_DISPLAY = Claim(
    id="pe.score.cat_display", source="Ex 1a (displayed cat(X,E))",
    title="The displayed cat(X,E) is the 2p x n stacking",
    display=r"\text{cat}(X, E) = \begin{pmatrix} x_{11} & \dots & x_{1n} & e_{11} & \dots & e_{1n} \\ \vdots & & "
            r"\vdots & & & \vdots \\ x_{p1} & \dots & x_{pn} & e_{p1} & \dots & e_{pn} \end{pmatrix} \in "
            r"\mathbb{R}^{2p \times n}\ \text{and its score has no mixed terms}",
    statement=All(Rel(rows(C_side), 2 * p), Rel(cols(C_side), n), Rel(C_side.T * C_side, NO_CROSS)),
    recorded="refuted",
    reading="The handwritten matrix shows x_11 … x_1n e_11 … e_1n in one row: X and E side by side.",
    evidence=[
        derivations({0: [Step(None, p, why="by definition: [X E] has the p rows of X and of E")],
                     1: [Step(None, 2 * n, why="by definition: the n columns of X, then the n of E")],
                     2: side_gram_steps}, sizes=SIZES, budget=15),
        counterexample(_DISPLAY_CEX, budget=15,
                       tex=r"$p = n = 2$, $X = I_2$, $E = \begin{pmatrix}1&2\\1&0\end{pmatrix}$: "
                                                   r"$[X\ E]$ has $2 \ne 4$ rows"),
        at_points([_DISPLAY_CEX] + [{p: s[p], n: s[n], X: s[X], E: s[E]} for s in SMALL],
                  label="instances", budget=15),
    ],
    mutants=(
        Mutant("side_by_side", All(Rel(rows(C_side), p), Rel(cols(C_side), 2 * n), Rel(C_side.T * C_side, SIDE_GRAM)),
               why="the correction: [X E] is p x 2n and its 2n x 2n score has the cross blocks XᵀE, EᵀX"),
    ),
    depth="general", depth_note="the shape (p, 2n) for symbolic p, n; the score's cross blocks by block product",
    note=r"With the side-by-side reading the Gram matrix is $2n\times 2n$ and the cross terms are its "
         r"off-diagonal blocks (claim \texttt{pe.score.cat\_side\_by\_side}); the seed's sum over $k=1..2p$ "
         r"and its code use the $2p\times n$ stacking, for which \texttt{pe.score.cat\_expansion} holds.",
)

CAT_SIDE = Claim(
    id="pe.score.cat_side_by_side", source="Ex 1a (displayed cat(X,E))",
    title="Side-by-side [X E] gives a 2n x 2n Gram with the cross terms as blocks",
    display=r"\begin{pmatrix}X & E\end{pmatrix}^\top\begin{pmatrix}X & E\end{pmatrix} = "
            r"\begin{pmatrix}X^\top X & X^\top E\\ E^\top X & E^\top E\end{pmatrix}",
    statement=Rel(C_side.T * C_side, SIDE_GRAM),
    recorded="holds", corrects="pe.score.cat_display",
    derivation=side_gram_steps,
    evidence=[
        derivations({0: side_gram_steps}, sizes=SIZES, budget=15),
        at_points([{p: s[p], n: s[n], X: s[X], E: s[E]} for s in SMALL], budget=15),
        *_kernels(lambda lhs, inst, dt: (lambda Q: Q.T @ Q)(np.append(*_arrays(inst, dt), axis=1)),
                  bound=_side_bound, what="np.append(X, E, axis=1) and its Gram"),
    ],
    mutants=(
        Mutant("transpose_swapped", Rel(C_side.T * C_side, sp.BlockMatrix([[X.T * X, E.T * X], [X.T * E, E.T * E]])),
               why="the order of a transpose swapped: EᵀX in the upper right block"),
        Mutant("no_cross_blocks", Rel(C_side.T * C_side, NO_CROSS), why="the seed's reading: no X-E terms"),
    ),
    depth="general", depth_note="block product for symbolic p x n",
)

# ===== b) the code's order ====================================================================================
code_order_steps = [Step(None, E.T * E + X.T * X, why="block product", check=_block_check),
                    Step(None, C_stack.T * C_stack, why="addition commutes; block product backwards",
                         check=_block_check)]

CAT_CODE_ORDER = Claim(
    id="pe.score.cat_code_order", source="Ex 1b code cell [4] (get_score, mode='cat')",
    title="The code's np.append(E, X, axis=0) = cat(E, X) gives the same score as cat(X, E)",
    display=r"\texttt{Q = np.append(E, X, axis=0)};\ Q^\top Q = \mathrm{cat}(X,E)^\top\mathrm{cat}(X,E)",
    statement=Rel(E_first.T * E_first, C_stack.T * C_stack),
    recorded="holds",
    derivation=code_order_steps,
    evidence=[
        derivations({0: code_order_steps}, sizes=SIZES, budget=15),
        at_points([{p: s[p], n: s[n], X: s[X], E: s[E]} for s in SMALL], budget=15),
        *_kernels(lambda lhs, inst, dt: _quiet(seed_get_score, *_arrays(inst, dt)[::-1], mode="cat"),
                  what="the seed's get_score(E, X, mode='cat')"),
    ],
    mutants=(
        Mutant("outer_product", Rel(E_first * E_first.T, C_stack * C_stack.T),
               why="the order of the transpose swapped: the 2p x 2n feature Gram cat catᵀ does depend on the order"),
        Mutant("mixed_order", Rel(E_first.T * E_first, C_stack.T * E_first),
               why="K built as cat(X, E) but Q as the code's cat(E, X)"),
    ),
    depth="general", depth_note="block product for symbolic p x n",
)

# ===== a) the conclusion: mixing ==============================================================================
MIX_ADD = S_add(X, E) - S_add(X, Z) - S_add(Z, E)
MIX_CAT = S_cat(X, E) - S_cat(X, Z) - S_cat(Z, E)
J = sp.OneMatrix(p, n)
mix_add_steps = [
    Step(None, E.T * X + X.T * E, why="expand; S_add(X, 0) = XᵀX, S_add(0, E) = EᵀE"),
    Step(J.T * J + J.T * J, 2 * p * sp.OneMatrix(n, n), lemma=True,
         why="not identically zero: X = E = 1_{p×n} gives 2p·1_{n×n}"),
]
mix_cat_steps = [Step(None, sp.ZeroMatrix(n, n), why="block products: XᵀX + EᵀE − XᵀX − EᵀE",
                      check=_block_check)]


def _mix(score, A, B):
    Zf = np.zeros_like(A)
    return score(A, B) - score(A, Zf) - score(Zf, B)


MIX_STATEMENT = All(Rel(MIX_ADD, E.T * X + X.T * E), Rel(MIX_CAT, sp.ZeroMatrix(n, n)))
MIX_CHAINS = {0: mix_add_steps, 1: mix_cat_steps}

MIXING = Claim(
    id="pe.score.mixing", source="Ex 1a (conclusion)",
    title="Addition mixes X and E in the score; concatenation does not",
    display=r"\text{In the case of summation there are mixed terms in the entries of E and X in the entries of the "
            r"score, for concatenation matrix entries of X and E do not mix.}",
    statement=MIX_STATEMENT,
    recorded="holds", assumptions=(r"K = Q,\ \text{no projections (as in the seed)}",
                                   r"\text{mixed part } S(X,E) - S(X,0) - S(0,E)"),
    derivation=rendered_chains(MIX_STATEMENT, MIX_CHAINS),
    evidence=[
        derivations(MIX_CHAINS, sizes=SIZES, budget=20),
        at_points([{p: s[p], n: s[n], X: s[X], E: s[E]} for s in SMALL], budget=20),
        *[kernel_evidence({0: (lambda lhs, inst, dt: _mix(score_add, *_arrays(inst, dt)), _score_bound(3)),
                           1: (lambda lhs, inst, dt: _mix(score_cat, *_arrays(inst, dt)), _score_bound(3))},
                          seed_instances, dtype=dt, label=np.dtype(dt).name, describe=_describe,
                          description=f"S(X,E) − S(X,0) − S(0,E) with score_add and score_cat in "
                                      f"{np.dtype(dt).name} at E = get_E(16, 32), X ~ N(0, std(E)²), against both "
                                      f"sides of both parts (exact, arb)")
          for dt in DTYPES],
    ],
    mutants=(
        Mutant("cat_mixes", All(Rel(MIX_ADD, E.T * X + X.T * E), Rel(MIX_CAT, E.T * X + X.T * E)),
               why="concatenation mixes as much as addition"),
        Mutant("xte_twice", All(Rel(MIX_ADD, 2 * X.T * E), Rel(MIX_CAT, sp.ZeroMatrix(n, n))),
               why="the mixed part written as XᵀE twice"),
    ),
    depth="general", depth_note="matrix identities for symbolic p x n",
    note=r"The mixed part of the added score, $E^\top X + X^\top E$, is not identically zero "
         r"($X = E = \mathbf 1_{p\times n}$ gives $2p\,\mathbf 1_{n\times n}$, the lemma of the derivation).",
)

# ===== a) with learned projections ============================================================================
W_KX, W_KE = sp.MatrixSymbol("W_KX", d, p), sp.MatrixSymbol("W_KE", d, p)
W_QX, W_QE = sp.MatrixSymbol("W_QX", d, p), sp.MatrixSymbol("W_QE", d, p)
W_K, W_Q = sp.BlockMatrix([[W_KX, W_KE]]), sp.BlockMatrix([[W_QX, W_QE]])
PROJ_LHS = (W_K * C_stack).T * (W_Q * C_stack)
PROJ_RHS = (W_KX * X).T * (W_QX * X) + (W_KE * E).T * (W_QE * E)
BLOCK_DIAG = sp.Eq(fro2(W_KX.T * W_QE) + fro2(W_KE.T * W_QX), 0)
PROJ_SIZES = ({d: 2, p: 2, n: 3}, {d: 3, p: 2, n: 2})
proj_steps = [Step(None, X.T * W_KX.T * W_QX * X + X.T * W_KX.T * W_QE * E + E.T * W_KE.T * W_QX * X
                   + E.T * W_KE.T * W_QE * E, why="block products W_K cat(X,E) = W_KX X + W_KE E; expand",
                   check=_block_check)]


def _vanishing(cond: Any) -> list:
    """The matrices a condition ``Σ fro2(M_t) = 0`` (or a conjunction of such) makes zero."""
    if cond is None:
        return []
    if isinstance(cond, sp.And):
        return [m for c in cond.args for m in _vanishing(c)]
    if isinstance(cond, sp.Eq) and cond.rhs == 0:
        terms = sp.Add.make_args(cond.lhs)
        if all(isinstance(t, fro2) for t in terms):
            return [t.args[0] for t in terms]
    return []


def _factors(term: Any) -> list:
    return [a for a in (term.args if isinstance(term, sp.MatMul) else (term,)) if not a.is_number]


def _contains(term: Any, product: Any) -> bool:
    f, g = _factors(term), _factors(product)
    return any(f[s:s + len(g)] == g for s in range(len(f) - len(g) + 1))


def _under_condition(prop: Prop) -> Outcome:
    """The statement under its condition: ``lhs − rhs`` block-collapsed and expanded; every term containing a
    product the condition makes zero (``fro2(M) = 0`` ⇔ ``M = 0``) is dropped.  ``holds`` when nothing is
    left.  Otherwise the statement is tried at points *satisfying the condition* (checked): one factor of
    every vanishing product set to 0 (each choice in turn), the other entries random, at fixed sizes;
    ``refuted`` with such a point, else ``undecided``."""
    stmt = prop.statement
    if not isinstance(stmt, Rel) or stmt.rel != "==":
        return Outcome("undecided", "the conditional expansion decides equalities only")
    zero = _vanishing(prop.condition)
    dd = sp.expand(sp.block_collapse(stmt.lhs) - sp.block_collapse(stmt.rhs))
    terms = [t for t in sp.Add.make_args(dd) if t != 0 and not isinstance(t, sp.ZeroMatrix)]
    left = [t for t in terms if not any(_contains(t, m) for m in zero)]
    why = ", ".join(sp.sstr(m) for m in zero) or "nothing"
    if not left:
        return Outcome("holds", f"{len(terms)} cross terms, each containing a product the condition makes 0",
                       f"lhs − rhs = {sp.sstr(dd)}; zero under the condition: {why}")
    rest = sp.sstr(sp.Add(*left))
    if prop.condition is not None and not zero:
        return Outcome("undecided", f"left over {rest[:80]}; the condition is not of the form Σ fro2(M) = 0")
    factors = [sorted({f.arg if isinstance(f, sp.Transpose) else f for f in _factors(m)}, key=str) for m in zero]
    for pick in itertools.product(*factors):
        for fixed in PROJ_SIZES:
            cex = _conditioned_point(stmt, prop.condition, fixed, set(pick))
            if cex:
                zeros = ", ".join(sorted(str(m) for m in set(pick))) or "no block"
                return Outcome("refuted", f"left over {rest[:60]}; fails where the condition holds ({zeros} = 0, "
                                          f"{cex['at']}): |lhs − rhs|_F = {cex['gap']}", data=cex)
    return Outcome("undecided", f"left over under the condition: {rest[:100]}")


def _conditioned_point(stmt: Any, condition: Any, fixed: dict, zero: set) -> dict | None:
    """A random point with the sizes ``fixed`` and the matrices ``zero`` set to 0 that satisfies ``condition``
    and where ``lhs == rhs`` fails (relative Frobenius gap above 1e-20 at 50 digits)."""
    import random

    import mpmath

    from verify.core.evaluate import evaluate
    from verify.core.statement import satisfies
    from verify.core.symbolic import random_point

    env = dict(fixed)
    for ms in zero:
        rr, cc = (int(sp.sympify(x).xreplace(fixed)) for x in ms.shape)
        env[ms] = [[0] * cc for _ in range(rr)]
    rng = random.Random(0)
    for _ in range(5):
        pt = random_point([stmt.lhs, stmt.rhs], rng, env)
        if condition is not None and not satisfies(condition, pt):
            continue
        with mpmath.workdps(50):
            a, b = evaluate(stmt.lhs, pt), evaluate(stmt.rhs, pt)
            gap = mpmath.mnorm(a - b, "f")
            if gap > mpmath.mpf(10) ** -20 * (1 + mpmath.mnorm(b, "f")):
                return {"at": ", ".join(f"{s}={v}" for s, v in sorted(fixed.items(), key=str)),
                        "gap": mpmath.nstr(gap, 6)}
    return None


def _proj_instance(dd: int, pp: int, nn: int, seed: int, zero: tuple = ()) -> dict:
    """Projection blocks and data; blocks named in ``zero`` are 0 (block-diagonal W_Kᵀ W_Q: W_KE = W_QX = 0
    with W_K, W_Q acting on X and E through separate output rows is the same after a permutation)."""
    rng = np.random.default_rng(seed)
    mats = {}
    for name, sym in (("KX", W_KX), ("KE", W_KE), ("QX", W_QX), ("QE", W_QE)):
        mats[sym] = np.zeros((dd, pp)) if name in zero else (rng.integers(-4, 5, size=(dd, pp)) / 2)
    inst = {d: dd, p: pp, n: nn, X: (rng.integers(-6, 7, size=(pp, nn)) / 4).tolist(),
            E: (rng.integers(-6, 7, size=(pp, nn)) / 4).tolist()}
    inst.update({s: v.tolist() for s, v in mats.items()})
    return inst


def _block_diag_instance(dd: int, pp: int, nn: int, seed: int) -> dict:
    """W_K = [[A, 0], [0, B]], W_Q = [[C, 0], [0, D]] (X and E through separate output rows, d = 2 dd): W_Kᵀ W_Q
    is block diagonal although no block W_KX, W_KE, W_QX, W_QE is 0."""
    inst = _proj_instance(2 * dd, pp, nn, seed)
    for sym, top in ((W_KX, True), (W_QX, True), (W_KE, False), (W_QE, False)):
        M = np.asarray(inst[sym])
        M[(dd if top else 0):(2 * dd if top else dd), :] = 0  # X blocks live in the top rows, E blocks below
        inst[sym] = M.tolist()
    return inst


PROJ_INSTANCES = [
    _block_diag_instance(2, 3, 2, 1),
    _block_diag_instance(3, 2, 4, 2),
    _proj_instance(3, 3, 2, 3, zero=("KE", "QE")),  # no encoding channel at all
    _proj_instance(2, 2, 3, 4, zero=("QE",)),        # only W_KXᵀ W_QE = 0: W_KEᵀ W_QX ≠ 0
    _proj_instance(2, 3, 3, 5),                      # general W: the condition fails
]
_PROJ_CEX = {d: 1, p: 1, n: 1, W_KX: [[1]], W_KE: [[1]], W_QX: [[1]], W_QE: [[1]], X: [[1]], E: [[1]]}


def _proj_float_instances(dtype: Any) -> list[dict]:
    return [_block_diag_instance(4, 8, 6, 7), _proj_instance(5, 8, 6, 8, zero=("QE",)), _proj_instance(5, 8, 6, 9)]


def _proj_kernel(lhs: Any, inst: dict, dtype: Any) -> np.ndarray:
    a = lambda s: np.asarray(inst[s], dtype=dtype)  # noqa: E731
    C = np.vstack([a(X), a(E)])
    return (np.hstack([a(W_KX), a(W_KE)]) @ C).T @ (np.hstack([a(W_QX), a(W_QE)]) @ C)


def _proj_bound(inst: dict, dtype: Any) -> np.ndarray:
    a = lambda s: np.abs(np.asarray(inst[s]))  # noqa: E731
    C = np.vstack([a(X), a(E)])
    K, Q = np.hstack([a(W_KX), a(W_KE)]) @ C, np.hstack([a(W_QX), a(W_QE)]) @ C
    return (2 * inst[p] + inst[d] + 4) * float(np.finfo(dtype).eps) * (K.T @ Q) + 1e-300


PROJECTIONS = Claim(
    id="pe.score.projections", source="Ex 1a (with projections K = W_K z, Q = W_Q z)",
    title="With learned projections, concatenation keeps X and E apart only if W_K^T W_Q is block diagonal",
    display=r"K = W_K\,\mathrm{cat}(X,E),\ Q = W_Q\,\mathrm{cat}(X,E):\ K^\top Q = f(X) + g(E)",
    statement=Rel(PROJ_LHS, PROJ_RHS),
    condition=BLOCK_DIAG,
    recorded="holds_if", assumptions=(r"W_K = (W_{KX}\ W_{KE}),\ W_Q = (W_{QX}\ W_{QE}) \in \mathbb{R}^{d\times 2p}",
                                      r"W_K^\top W_Q = \begin{pmatrix} W_{KX}^\top W_{QX} & W_{KX}^\top W_{QE}\\ "
                                      r"W_{KE}^\top W_{QX} & W_{KE}^\top W_{QE}\end{pmatrix}"),
    derivation=proj_steps,
    evidence=[
        Evidence("symbolic", _under_condition, label="condition", about="condition", budget=20,
                 description="lhs − rhs expanded (symbolic d, p, n); the terms the condition makes 0 dropped"),
        at_points(PROJ_INSTANCES, label="condition", about="condition", budget=20,
                  description="the statement at the exact instances that satisfy the condition"),
        *[kernel_evidence({0: (_proj_kernel, _proj_bound)}, _proj_float_instances, dtype=np.float64, label="condition",
                          about="condition", describe=lambda inst: f"d={inst[d]}, p={inst[p]}, n={inst[n]}",
                          description="(W_K cat)ᵀ(W_Q cat) in float64 against both sides at the instances that "
                                      "satisfy the condition")],
        derivations({0: proj_steps}, sizes=PROJ_SIZES, label="general", budget=20),
        counterexample(_PROJ_CEX, budget=15,
                       tex=r"$p = n = d = 1$, $W_K = W_Q = (1\ 1)$, $x = e = 1$: "
                           r"$K^\top Q = (x+e)^2 = 4 \ne x^2 + e^2 = 2$"),
    ],
    mutants=(
        Mutant("condition_dropped", condition=None, why="cat alone keeps X and E apart, whatever the projections"),
        Mutant("one_block", condition=sp.Eq(fro2(W_KX.T * W_QE), 0),
               why="only the X→E block W_KXᵀ W_QE of W_Kᵀ W_Q required to vanish"),
    ),
    depth="general", depth_note="block expansion for symbolic d, p, n; the condition removes exactly the cross terms",
    note=r"In general $K^\top Q = X^\top M_{XX}X + X^\top M_{XE}E + E^\top M_{EX}X + E^\top M_{EE}E$ with "
         r"$M = W_K^\top W_Q$; the cross terms vanish for all $X, E$ iff $M_{XE} = M_{EX} = 0$. With addition, "
         r"$(X+E)^\top M (X+E)$ has cross terms $X^\top M E + E^\top M X$ for every $M \neq 0$.",
)

CLAIMS = [ADD, CAT, CAT_DISPLAY, CAT_SIDE, CAT_CODE_ORDER, MIXING, PROJECTIONS]
