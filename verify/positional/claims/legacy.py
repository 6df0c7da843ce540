r"""Claims of seed Ex 1 (positional encoding: adding versus concatenating), declared once as data.

Groups: ``pe.score`` (Ex 1a, the score expansions), ``pe.enc`` (Ex 1b, the encoding formula and code),
``pe.gram`` (Ex 1b, the structure of :math:`E^\top E` and the heatmap observation), ``pe.kq`` (Ex 1c, random
features, the code output and the observation), ``pe.cross`` (Ex 1d, when the cross terms vanish).
Every verdict comes from the evidence below; the seed's text is only what is being tested.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io

import mpmath
import numpy as np
import sympy as sp

from verify.core.claim import Claim, Outcome, Step
from verify.core.numeric import counterexample_evidence, fmt, mp_identity_evidence
from verify.core.symbolic import check_steps, derivation_evidence
from verify.core.topic import Topic

from ..checks import (Expect, expectation_check, gaussian_expectation, montecarlo_evidence, mpmath_evidence,
                     numpy_evidence, sum_identity, symbolic_evidence)
from ..encoding import frequency_mp, sinusoidal_encoding
from ..gram import encoding_gram
from ..reference import BITS, error_vs_fixed, gram_closed_form_mp, gram_fixed, gram_mp
from ..scores import (cross_terms, expected_cat_energy, expected_cross_energy, score_add, score_cat,
                     seed_get_E, seed_get_score)

# --- seed sizes and shared symbols --------------------------------------------------------------------------
SEED_N, SEED_P = 64, 256
DTYPES = (("float32", np.float32), ("float64", np.float64))
MC_DRAWS = 1000
Z = 3.0  # Monte Carlo intervals: mean +- 3 standard errors

p, n, m = sp.symbols("p n m", integer=True, positive=True)
i, j, k, l, r = sp.symbols("i j k l r", integer=True)
sigma = sp.Symbol("sigma", positive=True)
Xm, Em = sp.MatrixSymbol("X", p, n), sp.MatrixSymbol("E", p, n)
xI, eI, gI = sp.IndexedBase("x"), sp.IndexedBase("e"), sp.IndexedBase("g")
wI, phI = sp.IndexedBase("omega"), sp.IndexedBase("varphi")


def _seed_E() -> np.ndarray:
    return seed_get_E(SEED_N, SEED_P)


def _seed_sigma(E: np.ndarray) -> float:
    return float(np.std(E))  # the seed: X = np.random.normal(0, np.std(E), size=(256, 64))


def _block_check(lhs, rhs):
    """``Step.check`` for block-matrix identities: ``block_collapse`` both sides, expand, compare."""
    d = sp.expand(sp.block_collapse(lhs) - sp.block_collapse(rhs))
    if isinstance(d, sp.BlockMatrix):
        ok = all(sp.expand(b) == sp.ZeroMatrix(*b.shape) or sp.expand(b) == 0 for b in d.blocks)
    else:
        ok = d == 0 or d == sp.ZeroMatrix(*d.shape)
    return (True, "block_collapse difference is 0") if ok else (None, f"left over: {d}")


# ===== a) scores ==============================================================================================
def _exact_gram_mp(A: np.ndarray) -> mpmath.matrix:
    """``A.T @ A`` for a float array, exactly (50 digits hold every product and sum of these sizes)."""
    Am = mpmath.matrix(A.astype(np.float64).tolist())
    return Am.T * Am


def _score_float_check(which: str, dtype) -> Outcome:
    """Both sides of a score identity in ``dtype`` against the exact score (mpmath, 50 digits).

    Error unit: ``eps * sum_k |a_ki||a_kj|`` (the scale of the rounding error of a dot product); the
    classical bound for a length-``L`` dot product is ``L`` units.
    """
    rng = np.random.default_rng(11)
    pp, nn = 32, 8
    X = rng.normal(size=(pp, nn)).astype(dtype)
    E = sinusoidal_encoding(nn, pp, convention="seed-formula", dtype=dtype)
    if which == "add":
        A = mpmath.matrix(X.astype(np.float64).tolist()) + mpmath.matrix(E.astype(np.float64).tolist())
        lhs = score_add(X, E)
        rhs = X.T @ X + E.T @ X + X.T @ E + E.T @ E
        length = pp
    elif which == "cat":
        A = mpmath.matrix(np.concatenate([X, E]).astype(np.float64).tolist())
        lhs = score_cat(X, E)
        rhs = X.T @ X + E.T @ E
        length = 2 * pp
    else:  # code order: np.append(E, X, axis=0) versus cat(X, E)
        A = mpmath.matrix(np.concatenate([X, E]).astype(np.float64).tolist())
        Q = np.append(E, X, axis=0)
        lhs = Q.T @ Q
        rhs = score_cat(X, E)
        length = 2 * pp
    eps = mpmath.mpf(float(np.finfo(dtype).eps))
    worst = mpmath.mpf(0)
    with mpmath.workdps(50):
        S = A.T * A
        absA = mpmath.matrix([[abs(A[a, b]) for b in range(A.cols)] for a in range(A.rows)])
        scale = absA.T * absA
        for side in (lhs, rhs):
            for a in range(nn):
                for b in range(nn):
                    err = abs(mpmath.mpf(float(side[a, b])) - S[a, b]) / (eps * scale[a, b])
                    worst = max(worst, err)
    ok = worst <= length
    return Outcome("holds" if ok else "refuted", f"max {fmt(worst)} eps-units (bound {length})",
                   f"both sides in {np.dtype(dtype).name} against the exact score; error in units of "
                   f"eps*sum|a_ki||a_kj|", data={"max_units": float(worst), "bound": length})


def _mp_random(rows: int, cols: int, seed: int) -> mpmath.matrix:
    rng = np.random.default_rng(seed)
    ints = rng.integers(-9, 10, size=(rows, cols))
    return mpmath.matrix([[mpmath.mpf(int(v)) / 7 + mpmath.sqrt(2) * int(v) / 3 for v in row] for row in ints])


_SCORE_POINTS = [(3, 4, 1), (5, 2, 2), (1, 1, 3)]


def _add_lhs(pp, nn, seed):
    X, E = _mp_random(pp, nn, seed), _mp_random(pp, nn, seed + 100)
    return (X + E).T * (X + E)


def _add_rhs(pp, nn, seed):
    X, E = _mp_random(pp, nn, seed), _mp_random(pp, nn, seed + 100)
    return X.T * X + E.T * X + X.T * E + E.T * E


def _vstack_mp(A: mpmath.matrix, B: mpmath.matrix) -> mpmath.matrix:
    return mpmath.matrix([[A[a, b] for b in range(A.cols)] for a in range(A.rows)]
                         + [[B[a, b] for b in range(B.cols)] for a in range(B.rows)])


def _cat_lhs(pp, nn, seed):
    X, E = _mp_random(pp, nn, seed), _mp_random(pp, nn, seed + 100)
    C = _vstack_mp(X, E)
    return C.T * C


def _cat_rhs(pp, nn, seed):
    X, E = _mp_random(pp, nn, seed), _mp_random(pp, nn, seed + 100)
    return X.T * X + E.T * E


def _piecewise_split_check(lhs, rhs) -> tuple[bool | None, str]:
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


score_ij_steps = [
    Step(sp.Sum((xI[k, i] + eI[k, i]) * (xI[k, j] + eI[k, j]), (k, 1, p)),
         sp.Sum(xI[k, i] * xI[k, j] + eI[k, i] * xI[k, j] + xI[k, i] * eI[k, j] + eI[k, i] * eI[k, j], (k, 1, p)),
         why="seed's Score_ij lines", check=sum_identity),
]
add_matrix_steps = [
    Step((Xm + Em).T * (Xm + Em), Xm.T * Xm + Em.T * Xm + Xm.T * Em + Em.T * Em,
         why="distributivity; (X+E)ᵀ = Xᵀ + Eᵀ"),
]

C_stack = sp.BlockMatrix([[Xm], [Em]])
C_side = sp.BlockMatrix([[Xm, Em]])
E_first = sp.BlockMatrix([[Em], [Xm]])
cat_steps = [
    Step(C_stack.T * C_stack, Xm.T * Xm + Em.T * Em, why="block product",
         check=_block_check),
    Step(sp.Sum(sp.Piecewise((xI[k, i] * xI[k, j], k <= p), (eI[k - p, i] * eI[k - p, j], True)), (k, 1, 2 * p)),
         sp.Sum(xI[k, i] * xI[k, j], (k, 1, p)) + sp.Sum(eI[k - p, i] * eI[k - p, j], (k, p + 1, 2 * p)),
         why="split at k = p", check=lambda L, R: _piecewise_split_check(L, R)),
    Step(None, sp.Sum(xI[k, i] * xI[k, j] + eI[k, i] * eI[k, j], (k, 1, p)),
         why="shift k → k + p", check=sum_identity),
]


def _mixing_symbolic() -> Outcome:
    """S_cat(X,E) - S_cat(X,0) - S_cat(0,E) = 0 and S_add(X,E) - S_add(X,0) - S_add(0,E) = E^T X + X^T E."""
    Z = sp.ZeroMatrix(p, n)
    s_add = lambda A, B: sp.expand((A + B).T * (A + B))  # noqa: E731
    add_bilinear = sp.expand(s_add(Xm, Em) - s_add(Xm, Z) - s_add(Z, Em) - (Em.T * Xm + Xm.T * Em))
    s_cat = lambda A, B: sp.block_collapse(sp.BlockMatrix([[A], [B]]).T * sp.BlockMatrix([[A], [B]]))  # noqa: E731
    cat_bilinear = sp.expand(s_cat(Xm, Em) - Xm.T * Xm - Em.T * Em)
    # the cross term is not identically zero: p = n = 1, X = E = 1 gives 2
    cross_at_one = (Em.T * Xm + Xm.T * Em).subs({p: 1, n: 1}).as_explicit().subs(
        {sp.MatrixSymbol("E", 1, 1)[0, 0]: 1, sp.MatrixSymbol("X", 1, 1)[0, 0]: 1})
    zero = lambda e: e == 0 or e == sp.ZeroMatrix(n, n)  # noqa: E731
    ok = zero(add_bilinear) and zero(cat_bilinear) and cross_at_one[0, 0] == 2
    return Outcome("holds" if ok else "undecided",
                   "cat: bilinear part 0; add: bilinear part E^T X + X^T E (=2 at p=n=1, X=E=1)",
                   f"add residual {add_bilinear}, cat residual {cat_bilinear}")


def _mixing_numpy(dtype) -> Outcome:
    rng = np.random.default_rng(5)
    E = sinusoidal_encoding(SEED_N, SEED_P, convention="seed-code", dtype=dtype)
    X = rng.normal(size=E.shape).astype(dtype)
    Z = np.zeros_like(E)
    eps = float(np.finfo(dtype).eps)
    scale = float(np.linalg.norm(score_cat(np.abs(X), np.abs(E))))
    cat_res = np.linalg.norm(score_cat(X, E) - score_cat(X, Z) - score_cat(Z, E)) / (eps * scale)
    add_res = np.linalg.norm(score_add(X, E) - score_add(X, Z) - score_add(Z, E)) / np.linalg.norm(score_add(X, E))
    cat_res, add_res = float(cat_res), float(add_res)
    ok = cat_res <= 2 * SEED_P and add_res > 0.1
    return Outcome("holds" if ok else "refuted",
                   f"cat mixed part {fmt(cat_res)} eps (rounding); add mixed part {fmt(add_res)} of |S_add|",
                   data={"cat_eps_units": float(cat_res), "add_relative": float(add_res)})


# projections ------------------------------------------------------------------------------------------------
Mxx, Mxe = sp.MatrixSymbol("M_XX", p, p), sp.MatrixSymbol("M_XE", p, p)
Mex, Mee = sp.MatrixSymbol("M_EX", p, p), sp.MatrixSymbol("M_EE", p, p)


def _projection_condition_symbolic() -> Outcome:
    M_diag = sp.BlockMatrix([[Mxx, sp.ZeroMatrix(p, p)], [sp.ZeroMatrix(p, p), Mee]])
    M_full = sp.BlockMatrix([[Mxx, Mxe], [Mex, Mee]])
    steps = [
        Step(C_stack.T * M_diag * C_stack, Xm.T * Mxx * Xm + Em.T * Mee * Em,
             why="block-diagonal W_Kᵀ W_Q: no X-E term", check=_block_check),
        Step(C_stack.T * M_full * C_stack,
             Xm.T * Mxx * Xm + Xm.T * Mxe * Em + Em.T * Mex * Xm + Em.T * Mee * Em,
             why="general W_Kᵀ W_Q: cross terms", check=_block_check),
    ]
    return check_steps(steps)


def _projection_condition_numpy() -> Outcome:
    rng = np.random.default_rng(7)
    pp, nn, d = 8, 6, 5
    X, E = rng.normal(size=(pp, nn)), rng.normal(size=(pp, nn))
    # W_K^T W_Q block diagonal: X and E feed separate output channels of both projections
    WK = np.block([[rng.normal(size=(d, pp)), np.zeros((d, pp))], [np.zeros((d, pp)), rng.normal(size=(d, pp))]])
    WQ = np.block([[rng.normal(size=(d, pp)), np.zeros((d, pp))], [np.zeros((d, pp)), rng.normal(size=(d, pp))]])
    S = lambda A, B: (WK @ np.vstack([A, B])).T @ (WQ @ np.vstack([A, B]))  # noqa: E731
    Z = np.zeros_like(X)
    mixed = S(X, E) - S(X, Z) - S(Z, E)
    rel = np.linalg.norm(mixed) / np.linalg.norm(S(X, E))
    ok = rel < 1e-13
    return Outcome("holds" if ok else "refuted", f"mixed part {fmt(rel)} of |K^T Q|",
                   data={"relative_mixed": float(rel)})


def _proj_lhs():
    # p = n = d = 1, W_K = W_Q = [1 1] acting on cat(X, E) = [x; e], x = e = 1: K^T Q = (x + e)^2
    x, e = mpmath.mpf(1), mpmath.mpf(1)
    return (x + e) ** 2


def _proj_rhs():
    # what "X and E kept apart" would give: S(X, 0) + S(0, E) = x^2 + e^2
    return mpmath.mpf(1) ** 2 + mpmath.mpf(1) ** 2


# ===== b) the encoding ========================================================================================
def _code_reading_numpy(dtype) -> Outcome:
    """The seed's get_E (float64) and our ``seed-code`` convention against the exact formula we read off."""
    nn, pp = SEED_N, SEED_P
    ours = sinusoidal_encoding(nn, pp, convention="seed-code", dtype=dtype)
    seed = seed_get_E(nn, pp)
    bitwise = bool(np.array_equal(seed, sinusoidal_encoding(nn, pp, convention="seed-code")))
    worst_seed = worst_ours = 0.0
    eps = float(np.finfo(dtype).eps)
    with mpmath.workdps(50):
        lg = mpmath.log(10000)
        for kk in range(1, pp + 1, 5):  # every 5th row, every position: 3328 exact values
            w = mpmath.exp(-2 * kk * lg / 5000)
            f = mpmath.sin if kk % 2 == 0 else mpmath.cos
            for ii in range(1, nn + 1):
                ex = f(ii * w)
                # float64 angle: w carries ~3 rounding errors and i*w one more, so the phase error is at most
                # 3*i*w*eps64; sin/cos add <= 1 eps64.  Rounding to dtype adds half an ulp of dtype.
                phase = (3 * ii * w + 1) * mpmath.mpf(2.0**-52)
                worst_seed = max(worst_seed, float(abs(mpmath.mpf(float(seed[kk - 1, ii - 1])) - ex) / phase))
                worst_ours = max(worst_ours, float(abs(mpmath.mpf(float(ours[kk - 1, ii - 1])) - ex)
                                                   / (phase + mpmath.mpf(eps) / 2)))
    ok = bitwise and worst_seed <= 1 and worst_ours <= 1
    return Outcome("holds" if ok else "refuted",
                   f"get_E bitwise = ours: {bitwise}; max err {fmt(worst_ours)} of bound (3 i w + 1) eps64 + eps/2",
                   data={"bitwise": bitwise, "seed_units": worst_seed, "ours_units": worst_ours})


def _formula_vs_code_numpy(dtype) -> Outcome:
    a = sinusoidal_encoding(SEED_N, SEED_P, convention="seed-formula", dtype=dtype)
    b = seed_get_E(SEED_N, SEED_P).astype(dtype)
    d = float(np.max(np.abs(a.astype(np.float64) - b)))
    rows = int(np.sum(np.any(np.abs(a.astype(np.float64) - b) > 1e-3, axis=1)))
    return Outcome("refuted" if d > 1e-3 else "holds",
                   f"max |E_formula - get_E| = {fmt(d)}; {rows}/{SEED_P} rows differ",
                   data={"max_abs_diff": d, "rows_differing": rows})


# ===== b) the Gram matrix =====================================================================================
T_f, H_f = sp.Function("T"), sp.Function("H")


def _th_check(lhs, rhs):
    """``Step.check``: substitute the definitions of T and H (claim statement), then compare the sums."""
    full = rhs.replace(T_f, lambda d: sp.Sum(sp.cos(d * wI[r]), (r, 1, p)) / 2).replace(
        H_f, lambda s_: -sp.Sum(sp.cos(s_ * wI[r] + 2 * phI[r]), (r, 1, p)) / 2)
    return sum_identity(lhs, full)


gram_row_steps = [
    Step(sp.sin(i * wI[r] + phI[r]) * sp.sin(j * wI[r] + phI[r]),
         (sp.cos((i - j) * wI[r]) - sp.cos((i + j) * wI[r] + 2 * phI[r])) / 2,
         why="product to sum"),
    Step(sp.Sum(sp.sin(i * wI[r] + phI[r]) * sp.sin(j * wI[r] + phI[r]), (r, 1, p)), T_f(i - j) + H_f(i + j),
         why="sum over the p rows", check=_th_check),
]
gram_pair_steps = [
    Step(sp.sin(i * wI[k]) * sp.sin(j * wI[k]) + sp.cos(i * wI[k]) * sp.cos(j * wI[k]), sp.cos((i - j) * wI[k]),
         why="sin/cos pair on ω_k"),
    Step(sp.Sum(sp.sin(i * wI[k]) * sp.sin(j * wI[k]) + sp.cos(i * wI[k]) * sp.cos(j * wI[k]), (k, 0, m - 1)),
         sp.Sum(sp.cos((i - j) * wI[k]), (k, 0, m - 1)),
         why="m = p/2 pairs", check=sum_identity),
    Step(sp.Sum(sp.cos((i - i) * wI[k]), (k, 0, m - 1)), m, why="diagonal i = j: p/2", check=sum_identity),
]

_GRAM_POINTS = [("seed-formula", 6), ("seed-formula", 5), ("seed-code", 6), ("transformer", 6), ("transformer", 5)]


def _gram_def(conv, pp):
    return gram_mp(7, pp, conv, dps=mpmath.mp.dps)


def _gram_closed(conv, pp):
    return gram_closed_form_mp(7, pp, conv, dps=mpmath.mp.dps)


def _gram_numpy(dtype) -> Outcome:
    """encoding_gram against the exact Gram (fixed-point integers), error in units of eps * p."""
    eps = float(np.finfo(dtype).eps)
    worst, worst_mm, where = 0.0, 0.0, ""
    for conv, nn, pp in (("seed-code", SEED_N, SEED_P), ("seed-formula", SEED_N, SEED_P), ("transformer", 40, 31)):
        ref = gram_fixed(nn, pp, conv)
        G = encoding_gram(nn, pp, convention=conv, dtype=dtype)
        E = sinusoidal_encoding(nn, pp, convention=conv, dtype=dtype)
        e1 = float(np.max(error_vs_fixed(G, ref))) / (eps * pp)
        e2 = float(np.max(error_vs_fixed(E.T @ E, ref))) / (eps * pp)
        if e1 > worst:
            worst, where = e1, f"{conv} n={nn} p={pp}"
        worst_mm = max(worst_mm, e2)
    bound = 4.0
    return Outcome("holds" if worst <= bound else "refuted",
                   f"closed form max {fmt(worst)} eps*p (bound {fmt(bound)}); E^T E matmul {fmt(worst_mm)} eps*p",
                   f"worst at {where}", data={"closed_eps_p": worst, "matmul_eps_p": worst_mm})


def _toeplitz_condition_mp() -> Outcome:
    worst = mpmath.mpf(0)
    for conv in ("seed-formula", "transformer"):
        for pp in (2, 6):
            for d in (50, 100):
                with mpmath.workdps(d):
                    G = gram_mp(8, pp, conv, dps=d)
                    for a in range(8):
                        for b in range(8):
                            dev = abs(G[a, b] - G[abs(a - b), 0]) + (abs(G[a, a] - mpmath.mpf(pp) / 2) if a == b else 0)
                            worst = max(worst, dev if d == 100 else 0)
    ok = worst < mpmath.mpf(10) ** -90
    return Outcome("holds" if ok else "refuted",
                   f"max |G_ij - G_|i-j|,0| + |G_ii - p/2| = {fmt(worst)} at 100 digits",
                   data={"max_dev": float(worst)})


def _diag_entry(conv, nn, pp, col):
    """G_col,col = sum_r E_r,col^2 in mpmath (0-based column)."""
    from ..reference import encoding_mp

    E = encoding_mp(nn, pp, conv, dps=mpmath.mp.dps)
    return mpmath.fsum(E[rr][col] ** 2 for rr in range(pp))


# heatmap observation ----------------------------------------------------------------------------------------
def heatmap_criterion(G: np.ndarray) -> dict:
    """The precise reading of the seed's observation on the heatmap of ``G = E^T E``.

    (S) strong diagonal: ``min_i G_ii > max_{i != j} |G_ij|``;
    (D) decreasing away from the diagonal: the envelope ``e(d) = max_{|i-j| >= d} |G_ij|`` falls to at
        most half of ``e(1)`` by ``d = n/4``;
    (O) oscillating: the first row ``G_{0, d}``, ``d = 1..n-1``, changes sign at least 3 times.
    """
    nn = G.shape[0]
    I, J = np.indices(G.shape)
    D = np.abs(I - J)
    off = np.abs(G)[D > 0]
    diag_min = float(G.diagonal().min())

    def env(d):
        return float(np.abs(G)[D >= d].max())

    e1, eq = env(1), env(nn // 4)
    row = G[0, 1:]
    changes = int(np.sum(np.sign(row[1:]) != np.sign(row[:-1])))
    return {"diag_min": diag_min, "diag_max": float(G.diagonal().max()), "offdiag_max": float(off.max()),
            "e1": e1, "e_quarter": eq, "sign_changes": changes,
            "S": diag_min > float(off.max()), "D": eq <= e1 / 2, "O": changes >= 3}


def _observation_outcome(G: np.ndarray, what: str) -> Outcome:
    c = heatmap_criterion(G)
    ok = c["S"] and c["D"] and c["O"]
    fig = (f"{what}: diag >= {fmt(c['diag_min'], 4)} > off {fmt(c['offdiag_max'], 4)}; "
           f"e(n/4)/e(1) = {fmt(c['e_quarter'] / c['e1'])}; {c['sign_changes']} sign changes")
    return Outcome("holds" if ok else "refuted", fig, data=c)


def _observation_exact(conv) -> Outcome:
    ref = gram_fixed(SEED_N, SEED_P, conv)
    G = np.array([[float(mpmath.mpf(int(v)) / mpmath.mpf(2) ** (2 * BITS)) for v in row] for row in ref])
    return _observation_outcome(G, conv)


# ===== c) K^T Q for random X ==================================================================================
def _cat_shape_numpy() -> Outcome:
    E = seed_get_E(SEED_N, SEED_P)
    X = np.random.default_rng(2023).normal(0.0, np.std(E), size=(256, 64))
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        S = seed_get_score(E, X, mode="cat")
    printed = buf.getvalue().strip()
    ok = printed == "(512, 64)" and S.shape == (64, 64)
    return Outcome("holds" if ok else "refuted", f"prints {printed}; score shape {S.shape[0]}x{S.shape[1]}",
                   data={"printed": printed})


def _cat_shape_symbolic() -> Outcome:
    Q = sp.BlockMatrix([[Em], [Xm]])
    shape = tuple(s.subs({p: SEED_P, n: SEED_N}) for s in Q.shape)
    general = Q.shape == (2 * p, n)
    ok = general and shape == (512, 64)
    return Outcome("holds" if ok else "refuted", f"shape (2p, n) = {shape} at p=256, n=64")


def _bad_mode_numpy() -> Outcome:
    E = seed_get_E(4, 6)
    X = np.ones_like(E)
    buf = io.StringIO()
    try:
        with contextlib.redirect_stdout(buf):
            out = seed_get_score(E, X, mode="Add")
    except Exception as exc:  # noqa: BLE001 - raising would mean the code does reject the input
        return Outcome("holds", f"mode='Add' raises {type(exc).__name__}")
    if out is None:
        return Outcome("refuted", f"mode='Add' returns None, only prints '{buf.getvalue().strip()}'")
    return Outcome("holds", "mode='Add' returns a value")


# symbolic expectations for concrete sizes ---------------------------------------------------------------------
def _gauss_setup(pp: int, nn: int):
    xs = sp.Matrix(pp, nn, lambda a, b: sp.Symbol(f"x_{a}{b}"))
    es = sp.Matrix(pp, nn, lambda a, b: sp.Symbol(f"e_{a}{b}"))
    return xs, es, list(xs)


_SIZES = ((1, 1), (2, 1), (1, 2), (2, 2), (3, 2), (2, 3))


def _cross_energy_sizes() -> Outcome:
    for pp, nn in _SIZES:
        X, E, xs = _gauss_setup(pp, nn)
        C = E.T * X + X.T * E
        lhs = gaussian_expectation(sum(c**2 for c in C), xs, sigma)
        rhs = 2 * sigma**2 * (nn + 1) * sum(e**2 for e in E)
        if sp.expand(lhs - rhs) != 0:
            return Outcome("refuted", f"E|C|^2 differs at p={pp}, n={nn}", str(sp.expand(lhs - rhs)))
    return Outcome("holds", f"exact for all {len(_SIZES)} sizes p,n <= 3 (symbolic E)")


def _scaling_sizes() -> Outcome:
    for pp, nn in ((1, 1), (2, 1), (1, 2), (2, 2), (3, 2), (2, 3)):
        X, E, xs = _gauss_setup(pp, nn)
        G = E.T * E
        Scat = G + X.T * X
        Sadd = (E + X).T * (E + X)
        C = E.T * X + X.T * E
        e_cat = gaussian_expectation(sum(s**2 for s in Scat), xs, sigma)
        e_add = gaussian_expectation(sum(s**2 for s in Sadd), xs, sigma)
        e_c = gaussian_expectation(sum(c**2 for c in C), xs, sigma)
        closed = sum(g**2 for g in G) + 2 * pp * sigma**2 * G.trace() + nn * pp * sigma**4 * (nn + pp + 1)
        if sp.expand(e_cat - closed) != 0 or sp.expand(e_add - e_cat - e_c) != 0:
            return Outcome("refuted", f"fails at p={pp}, n={nn}")
    return Outcome("holds", "E|S_cat|^2 closed form and E|S_add|^2 = E|S_cat|^2 + E|C|^2 exact for p,n <= 3")


def _same_mean_sizes() -> Outcome:
    for pp, nn in _SIZES:
        X, E, xs = _gauss_setup(pp, nn)
        Sadd = ((E + X).T * (E + X)).applyfunc(lambda v: gaussian_expectation(v, xs, sigma))
        Scat = (E.T * E + X.T * X).applyfunc(lambda v: gaussian_expectation(v, xs, sigma))
        target = E.T * E + pp * sigma**2 * sp.eye(nn)
        if (Sadd - target).applyfunc(sp.expand) != sp.zeros(nn) or (Scat - target).applyfunc(sp.expand) != sp.zeros(nn):
            return Outcome("refuted", f"E[S] differs at p={pp}, n={nn}")
    return Outcome("holds", f"E[S_add] = E[S_cat] = E^T E + p sigma^2 I exactly for {len(_SIZES)} sizes")


_xs4 = [xI[k, i], xI[k, j], xI[l, i], xI[l, j]]
cross_energy_steps = [
    Step(Expect((eI[k, i] * xI[k, j] + xI[k, i] * eI[k, j]) ** 2), sigma**2 * (eI[k, i] ** 2 + eI[k, j] ** 2),
         why="i ≠ j, one row k",
         check=expectation_check([xI[k, i], xI[k, j]], sigma)),
    Step(Expect((2 * eI[k, i] * xI[k, i]) ** 2), 4 * sigma**2 * eI[k, i] ** 2,
         why="i = j", check=expectation_check([xI[k, i]], sigma)),
    Step(Expect((eI[k, i] * xI[k, j] + xI[k, i] * eI[k, j]) * (eI[l, i] * xI[l, j] + xI[l, i] * eI[l, j])), 0,
         why="rows k ≠ l independent",
         check=expectation_check(_xs4, sigma)),
    Step(sp.Sum(sigma**2 * (gI[i] + gI[j]), (j, 1, n), (i, 1, n)) - sp.Sum(2 * sigma**2 * gI[i], (i, 1, n))
         + sp.Sum(4 * sigma**2 * gI[i], (i, 1, n)),
         2 * sigma**2 * (n + 1) * sp.Sum(gI[i], (i, 1, n)),
         why="g_i = G_ii",
         check=sum_identity),
]
same_mean_steps = [
    Step(Expect(eI[k, i] * xI[k, j] + xI[k, i] * eI[k, j]), 0, why="cross terms are linear in X",
         check=expectation_check([xI[k, i], xI[k, j]], sigma)),
    Step(Expect(xI[k, i] * xI[k, j]), 0, why="i ≠ j", check=expectation_check([xI[k, i], xI[k, j]], sigma)),
    Step(sp.Sum(Expect(xI[k, i] ** 2), (k, 1, p)), p * sigma**2, why="i = j: E(XᵀX)_ii = pσ²",
         check=lambda L, R: (sum_identity(L.replace(Expect, lambda a: gaussian_expectation(a, [xI[k, i]], sigma)), R))),
]


def _mc_batches(E: np.ndarray, s: float, draws: int, seed: int, batch: int = 50):
    """Seeded draws of ``X`` (iid ``N(0, s^2)``), with ``C = E^T X + X^T E`` and ``X^T X``, in batches.

    Yields ``(C, XtX)`` arrays of shape ``(b, n, n)``; batched ``matmul`` keeps Python out of the loop.
    """
    rng = np.random.default_rng(seed)
    done = 0
    while done < draws:
        b = min(batch, draws - done)
        X = rng.normal(0.0, s, size=(b,) + E.shape)
        A = np.matmul(E.T[None], X)
        XtX = np.matmul(X.transpose(0, 2, 1), X)
        yield A + A.transpose(0, 2, 1), XtX
        done += b


def _cross_energy_mc() -> Outcome:
    E = _seed_E()
    s = _seed_sigma(E)
    vals = np.concatenate([np.sum(C**2, axis=(1, 2)) for C, _ in _mc_batches(E, s, MC_DRAWS, 1)])
    mean, se = vals.mean(), vals.std(ddof=1) / np.sqrt(vals.size)
    closed = expected_cross_energy(E, s)
    ok = abs(mean - closed) <= Z * se
    return Outcome("holds" if ok else "refuted",
                   f"closed {fmt(closed, 4)}, MC {fmt(mean, 4)} +- {fmt(Z * se)} ({MC_DRAWS} draws)",
                   data={"closed": closed, "mc_mean": float(mean), "mc_se": float(se)})


def _same_mean_mc() -> Outcome:
    E = _seed_E()
    s = _seed_sigma(E)
    draws = 600
    acc = np.zeros((SEED_N, SEED_N))
    acc2 = np.zeros((SEED_N, SEED_N))
    for C, _ in _mc_batches(E, s, draws, 2):
        acc += C.sum(axis=0)
        acc2 += (C**2).sum(axis=0)
    mean = acc / draws
    se = np.sqrt((acc2 / draws - mean**2) / (draws - 1))
    zmax = float(np.max(np.abs(mean) / se))
    ok = zmax <= 5.0  # 4096 entries: Bonferroni at 5 standard errors
    return Outcome("holds" if ok else "refuted",
                   f"mean of S_add - S_cat: max |z| = {fmt(zmax)} over 4096 entries ({draws} draws)",
                   data={"max_z": zmax})


def _scaling_mc() -> Outcome:
    E = _seed_E()
    s = _seed_sigma(E)
    G = E.T @ E
    cat, add = [], []
    for C, XtX in _mc_batches(E, s, MC_DRAWS, 3):
        Scat = G[None] + XtX
        cat.append(np.sum(Scat**2, axis=(1, 2)))
        add.append(np.sum((Scat + C) ** 2, axis=(1, 2)))
    cat, add = np.concatenate(cat), np.concatenate(add)
    c_cat, c_add = expected_cat_energy(E, s), expected_cat_energy(E, s) + expected_cross_energy(E, s)
    se_cat, se_add = cat.std(ddof=1) / np.sqrt(MC_DRAWS), add.std(ddof=1) / np.sqrt(MC_DRAWS)
    ok = abs(cat.mean() - c_cat) <= Z * se_cat and abs(add.mean() - c_add) <= Z * se_add
    ratio = np.sqrt(c_add / c_cat)
    zmax = max(abs(cat.mean() - c_cat) / se_cat, abs(add.mean() - c_add) / se_add)
    return Outcome("holds" if ok else "refuted",
                   f"|S_add|/|S_cat| = {fmt(ratio, 3)} (closed); MC within {fmt(zmax)} SE ({MC_DRAWS} draws)",
                   data={"closed_cat": c_cat, "closed_add": c_add, "mc_cat": float(cat.mean()),
                         "mc_add": float(add.mean())})


THRESHOLD = 0.1  # "essentially the same": relative Frobenius difference at most 10 %


def _essentially_same_mp() -> Outcome:
    """rho = sqrt(E|C|^2 / E|S_cat|^2) for the exact seed encoding, at 50 digits."""
    from ..reference import encoding_mp

    ref = gram_fixed(SEED_N, SEED_P, "seed-code")
    with mpmath.workdps(50):
        scale = mpmath.mpf(2) ** (2 * BITS)
        G = [[mpmath.mpf(int(v)) / scale for v in row] for row in ref]
        E = encoding_mp(SEED_N, SEED_P, "seed-code", dps=50)
        flat = [v for row in E for v in row]
        N = len(flat)
        mean = mpmath.fsum(flat) / N
        s2 = mpmath.fsum((v - mean) ** 2 for v in flat) / N  # np.std(E)**2
        tr = mpmath.fsum(G[a][a] for a in range(SEED_N))
        g2 = mpmath.fsum(v**2 for row in G for v in row)
        ec = 2 * s2 * (SEED_N + 1) * tr
        es = g2 + 2 * SEED_P * s2 * tr + SEED_N * SEED_P * s2**2 * (SEED_N + SEED_P + 1)
        rho = mpmath.sqrt(ec / es)
    verdict = "refuted" if rho > THRESHOLD else "holds"
    return Outcome(verdict, f"rho = {fmt(rho)} > {THRESHOLD} (closed form, 50 digits)", data={"rho": float(rho)})


def _essentially_same_mc() -> Outcome:
    E = _seed_E()
    s = _seed_sigma(E)
    G = E.T @ E
    vals = np.concatenate([np.linalg.norm(C, axis=(1, 2)) / np.linalg.norm(G[None] + XtX, axis=(1, 2))
                           for C, XtX in _mc_batches(E, s, 500, 4)])
    mean, se = vals.mean(), vals.std(ddof=1) / np.sqrt(vals.size)
    verdict = "refuted" if vals.min() > THRESHOLD else "holds"
    return Outcome(verdict, f"rho: MC {fmt(mean)} +- {fmt(Z * se)}, min over 500 draws {fmt(vals.min())}",
                   data={"mc_mean": float(mean), "mc_min": float(vals.min())})


def _essentially_same_numpy() -> Outcome:
    E = seed_get_E(SEED_N, SEED_P)
    X = np.random.default_rng(2023).normal(0.0, np.std(E), size=(256, 64))
    with contextlib.redirect_stdout(io.StringIO()):
        S_cat = seed_get_score(E, X, mode="cat")
    S_add = seed_get_score(E, X, mode="add")
    rho = float(np.linalg.norm(S_add - S_cat) / np.linalg.norm(S_cat))
    span = float(max(S_add.max(), S_cat.max()) - min(S_add.min(), S_cat.min()))
    rms_c = float(np.sqrt(np.mean((S_add - S_cat) ** 2)))
    return Outcome("refuted" if rho > THRESHOLD else "holds",
                   f"seed's cells: rho = {fmt(rho)}; rms(C) = {fmt(rms_c)} = {fmt(rms_c / span)} of the colour range",
                   data={"rho": rho, "rms_cross": rms_c, "colour_span": span})


# ===== d) when do the cross terms vanish ======================================================================
A_sym = sp.MatrixSymbol("A", n, n)


def _zero_matrix(e) -> bool:
    e = sp.expand(e.doit())
    return e == 0 or isinstance(e, sp.ZeroMatrix)


def _skew_symbolic() -> Outcome:
    C = Em.T * Xm + Xm.T * Em
    # with A = E^T X:  X^T E = A^T, so C = A + A^T; C = 0 iff A^T = -A
    same = sp.expand(C - (Em.T * Xm + (Em.T * Xm).T)) == sp.ZeroMatrix(n, n) or \
        sp.expand(C - (Em.T * Xm + (Em.T * Xm).T)) == 0
    sub = (A_sym + A_sym.T).subs(A_sym.T, -A_sym)
    ok = same and _zero_matrix(sub)
    return Outcome("holds" if ok else "undecided", "C = A + A^T with A = E^T X; A^T = -A gives C = 0")


def _skew_mp() -> Outcome:
    """p = n = 2, E = I, X = [[0, 1], [-1, 0]]: range(X) = range(E) = R^2, yet C = 0 (A = X skew)."""
    with mpmath.workdps(50):
        E = mpmath.eye(2)
        X = mpmath.matrix([[0, 1], [-1, 0]])
        C = E.T * X + X.T * E
        A = E.T * X
        c = mpmath.mnorm(C, "f")
        skew = mpmath.mnorm(A + A.T, "f")
    ok = c == 0 and skew == 0
    return Outcome("holds" if ok else "refuted", f"E = I, X = [[0,1],[-1,0]]: |C| = {fmt(c)}, same subspace",
                   tex=r"\[ E = I_2,\ X = \begin{pmatrix}0&1\\-1&0\end{pmatrix}:\ E^\top X + X^\top E = 0 \]")


def _skew_numpy(dtype) -> Outcome:
    rng = np.random.default_rng(9)
    eps = float(np.finfo(dtype).eps)
    worst_zero, min_nonzero = 0.0, np.inf
    for _ in range(50):
        pp, nn = 7, 4
        E = rng.normal(size=(pp, nn))
        S = rng.normal(size=(nn, nn))
        A = S - S.T  # skew
        X = E @ np.linalg.solve(E.T @ E, A) + (np.eye(pp) - E @ np.linalg.pinv(E)) @ rng.normal(size=(pp, nn))
        E_, X_ = E.astype(dtype), X.astype(dtype)
        c = np.linalg.norm(cross_terms(X_, E_)) / (np.linalg.norm(E_) * np.linalg.norm(X_))
        worst_zero = max(worst_zero, float(c) / eps)
        Y = rng.normal(size=(pp, nn)).astype(dtype)  # generic X: E^T Y is not skew
        c2 = np.linalg.norm(cross_terms(Y, E_)) / (np.linalg.norm(E_) * np.linalg.norm(Y))
        min_nonzero = min(min_nonzero, float(c2))
    ok = worst_zero <= 100 and min_nonzero > 1e-2
    return Outcome("holds" if ok else "refuted",
                   f"skew E^T X: |C| <= {fmt(worst_zero)} eps; generic X: |C| >= {fmt(min_nonzero)} (relative)",
                   data={"skew_eps": worst_zero, "generic_min": min_nonzero})


def _orth_condition_numpy(dtype) -> Outcome:
    rng = np.random.default_rng(10)
    eps = float(np.finfo(dtype).eps)
    worst = 0.0
    for _ in range(50):
        pp, nn = 12, 5
        E = rng.normal(size=(pp, nn))
        Qe, _r = np.linalg.qr(E)
        X = (np.eye(pp) - Qe @ Qe.T) @ rng.normal(size=(pp, nn))  # range(X) orthogonal to range(E)
        E_, X_ = E.astype(dtype), X.astype(dtype)
        c = np.linalg.norm(cross_terms(X_, E_)) / (np.linalg.norm(E_) * np.linalg.norm(X_))
        worst = max(worst, float(c) / eps)
    return Outcome("holds" if worst <= 100 else "refuted", f"|C| <= {fmt(worst)} eps (relative)",
                   data={"eps_units": worst})


def _orth_condition_symbolic() -> Outcome:
    steps = [Step(Em.T * Xm + Xm.T * Em, Em.T * Xm + (Em.T * Xm).T, why="XᵀE = (EᵀX)ᵀ")]
    out = check_steps(steps)
    if out.finding != "holds":
        return out
    sub = (A_sym + A_sym.T).subs(A_sym, sp.ZeroMatrix(n, n))
    ok = _zero_matrix(sub)
    return Outcome("holds" if ok else "undecided", "E^T X = 0 (range(X) orth. range(E)) gives C = 0 + 0^T = 0")


def _lines_C():
    E = mpmath.matrix([[1], [0]])
    X = mpmath.matrix([[1], [1]])
    return (E.T * X + X.T * E)[0, 0]


def _principal_cos(E: mpmath.matrix, X: mpmath.matrix):
    Qe, _ = mpmath.qr(E, mode="skinny")
    Qx, _ = mpmath.qr(X, mode="skinny")
    s = mpmath.svd_r(Qe.T * Qx, compute_uv=False)
    return max(s[t] for t in range(len(s)))


def _angle_bound_mp() -> Outcome:
    rng = np.random.default_rng(12)
    worst = mpmath.mpf(0)
    with mpmath.workdps(50):
        for t in range(12):
            pp, nn = 6, 2
            E = mpmath.matrix(rng.normal(size=(pp, nn)).tolist())
            mix = [0.0, 0.1, 0.5, 1.0][t % 4]
            Y = mpmath.matrix(rng.normal(size=(pp, nn)).tolist())
            X = E * mpmath.matrix(rng.normal(size=(nn, nn)).tolist()) * mix + Y * (1 - mix)
            if t == 11:  # the equality case: E = u v^T, X = u v^T
                u = mpmath.matrix([[1], [2], [0], [0], [1], [0]])
                v = mpmath.matrix([[1, 3]])
                E, X = u * v, u * v
            C = E.T * X + X.T * E
            nE = max(mpmath.svd_r(E, compute_uv=False))
            bound = 2 * nE * mpmath.mnorm(X, "f") * _principal_cos(E, X)
            worst = max(worst, mpmath.mnorm(C, "f") / bound)
    ok = worst <= 1 + mpmath.mpf(10) ** -40
    return Outcome("holds" if ok else "refuted", f"max |C|_F / (2 |E|_2 |X|_F cos th1) = {fmt(worst, 3)} over 12 cases",
                   data={"max_ratio": float(worst)})


def _angle_bound_numpy(dtype) -> Outcome:
    rng = np.random.default_rng(13)
    eps = float(np.finfo(dtype).eps)
    worst = 0.0
    for t in range(200):
        pp, nn = 10, 3
        E = rng.normal(size=(pp, nn))
        mix = (t % 11) / 10
        X = mix * E @ rng.normal(size=(nn, nn)) + (1 - mix) * rng.normal(size=(pp, nn))
        E_, X_ = E.astype(dtype), X.astype(dtype)
        C = cross_terms(X_, E_).astype(np.float64)
        Qe, _ = np.linalg.qr(E_.astype(np.float64))
        Qx, _ = np.linalg.qr(X_.astype(np.float64))
        cos1 = np.linalg.svd(Qe.T @ Qx, compute_uv=False).max()
        bound = 2 * np.linalg.norm(E_.astype(np.float64), 2) * np.linalg.norm(X_.astype(np.float64)) * cos1
        worst = max(worst, float(np.linalg.norm(C) / bound))
    ok = worst <= 1 + 10 * pp * eps
    return Outcome("holds" if ok else "refuted", f"max ratio {fmt(worst, 3)} over 200 cases (bound 1)",
                   data={"max_ratio": worst})


def _rho_closed(nn: int, pp: int) -> float:
    E = sinusoidal_encoding(nn, pp, convention="seed-formula")
    s = float(np.std(E))
    return float(np.sqrt(expected_cross_energy(E, s) / expected_cat_energy(E, s)))


_GRID_N, _GRID_P = (16, 32, 64), (64, 128, 256)


def _random_size_mp() -> Outcome:
    """rho(n, p) at 50 digits from the closed forms: increasing in n, decreasing in p on the grid."""
    from ..reference import encoding_mp

    table = {}
    with mpmath.workdps(50):
        for nn in _GRID_N:
            for pp in _GRID_P:
                Gf = gram_closed_form_mp(nn, pp, "seed-formula", dps=50)
                E = encoding_mp(nn, pp, "seed-formula", dps=50)
                flat = [v for row in E for v in row]
                mean = mpmath.fsum(flat) / len(flat)
                s2 = mpmath.fsum((v - mean) ** 2 for v in flat) / len(flat)
                tr = mpmath.fsum(Gf[a, a] for a in range(nn))
                g2 = mpmath.fsum(Gf[a, b] ** 2 for a in range(nn) for b in range(nn))
                ec = 2 * s2 * (nn + 1) * tr
                es = g2 + 2 * pp * s2 * tr + nn * pp * s2**2 * (nn + pp + 1)
                table[(nn, pp)] = mpmath.sqrt(ec / es)
    inc_n = all(table[(a, pp)] < table[(b, pp)] for pp in _GRID_P for a, b in zip(_GRID_N, _GRID_N[1:])
                if (a, pp) in table and (b, pp) in table)
    dec_p = all(table[(nn, a)] > table[(nn, b)] for nn in _GRID_N for a, b in zip(_GRID_P, _GRID_P[1:])
                if (nn, a) in table and (nn, b) in table)
    ok = inc_n and dec_p
    lo, hi = min(table.values()), max(table.values())
    return Outcome("holds" if ok else "refuted",
                   f"rho from {fmt(lo)} to {fmt(hi)} on {len(table)} sizes; up in n: {inc_n}, down in p: {dec_p}",
                   data={f"{a}x{b}": float(v) for (a, b), v in sorted(table.items())})


def _random_size_mc() -> Outcome:
    worst = 0.0
    rows = []
    for t, (nn, pp) in enumerate(((16, 64), (64, 64), (64, 256), (128, 64))):
        E = sinusoidal_encoding(nn, pp, convention="seed-formula")
        s = float(np.std(E))
        G = E.T @ E
        c2 = np.concatenate([np.sum(C**2, axis=(1, 2)) for C, _ in _mc_batches(E, s, 200, 20 + t)])
        s2 = np.concatenate([np.sum((G[None] + XtX) ** 2, axis=(1, 2)) for _, XtX in _mc_batches(E, s, 200, 20 + t)])
        zc = abs(c2.mean() - expected_cross_energy(E, s)) / (c2.std(ddof=1) / np.sqrt(c2.size))
        zs = abs(s2.mean() - expected_cat_energy(E, s)) / (s2.std(ddof=1) / np.sqrt(s2.size))
        worst = max(worst, zc, zs)
        rows.append((nn, pp, float(np.sqrt(c2.mean() / s2.mean()))))
    ok = worst <= 3.5  # 8 comparisons
    return Outcome("holds" if ok else "refuted",
                   f"4 sizes, 200 draws each: max deviation {fmt(worst)} SE; rho(64,256) = {fmt(rows[2][2])}",
                   data={"rows": rows, "max_z": float(worst)})


# ===== the claims ============================================================================================
_LSEED = r"E = \texttt{get\_E}(64, 256),\ X_{ki} \sim N(0, \mathrm{std}(E)^2)"

CLAIMS = [
    # --- a) -------------------------------------------------------------------------------------------------
    Claim(
        id="pe.score.add_expansion", source="Ex 1a", title="Score with an added encoding expands into four terms",
        statement=sp.Eq((Xm + Em).T * (Xm + Em), Xm.T * Xm + Em.T * Xm + Xm.T * Em + Em.T * Em, evaluate=False),
        recorded="holds", assumptions=(r"X, E \in \mathbb{R}^{p\times n}", r"K = Q = X + E"),
        derivation=score_ij_steps,
        evidence=[
            derivation_evidence(add_matrix_steps, label="matrix", budget=20),
            derivation_evidence(score_ij_steps, label="entries", budget=20),
            mp_identity_evidence(_add_lhs, _add_rhs, _SCORE_POINTS, budget=20,
                                 describe=lambda pt: f"p={pt[0]}, n={pt[1]}"),
            *[numpy_evidence(lambda dt=dt: _score_float_check("add", dt), label=name) for name, dt in DTYPES],
        ],
        note=r"The mixed terms $E^\top X + X^\top E$ are the seed's $e_{ki}x_{kj} + x_{ki}e_{kj}$.",
    ),
    Claim(
        id="pe.score.cat_expansion", source="Ex 1a",
        title="Score with a concatenated encoding (stacked along features) has no mixed terms",
        statement=r"\mathrm{cat}(X,E) = \begin{pmatrix}X\\E\end{pmatrix} \in \mathbb{R}^{2p\times n}:\ "
                  r"\mathrm{cat}(X,E)^\top\mathrm{cat}(X,E) = X^\top X + E^\top E",
        recorded="holds", assumptions=(r"X, E \in \mathbb{R}^{p\times n}",),
        reading="cat stacks along the feature axis, as the seed's ℝ^(2p×n), its sum over k = 1..2p "
                "and its code (np.append(..., axis=0)) say.",
        derivation=cat_steps,
        evidence=[
            derivation_evidence(cat_steps, budget=20),
            mp_identity_evidence(_cat_lhs, _cat_rhs, _SCORE_POINTS, budget=20,
                                 describe=lambda pt: f"p={pt[0]}, n={pt[1]}"),
            *[numpy_evidence(lambda dt=dt: _score_float_check("cat", dt), label=name) for name, dt in DTYPES],
        ],
    ),
    Claim(
        id="pe.score.cat_display", source="Ex 1a (displayed cat(X,E))",
        title="The displayed cat(X,E) is the 2p x n stacking",
        statement=r"\begin{pmatrix}X & E\end{pmatrix} \in \mathbb{R}^{2p\times n}\ \text{and its Gram matrix has no } X\text{-}E \text{ terms}",
        recorded="refuted",
        reading="The handwritten matrix shows x_11 … x_1n e_11 … e_1n in one row: X and E side by side.",
        evidence=[
            symbolic_evidence(lambda: Outcome(
                "refuted" if sp.BlockMatrix([[Xm, Em]]).shape != (2 * p, n) else "holds",
                f"[X E] has shape {sp.BlockMatrix([[Xm, Em]]).shape}, not (2*p, n)"), budget=10),
            counterexample_evidence(
                lambda: (lambda B: B.T * B)(mpmath.matrix([[1, 0, 1, 2], [0, 1, 1, 0]]))[0, 2],
                lambda: mpmath.mpf(0),
                where="X=I_2, E=[[1,2],[1,0]]: ([X E]^T [X E])_13 = (X^T E)_11", budget=10),
        ],
        note=r"With the side-by-side reading the Gram matrix is $2n\times 2n$ and the cross terms are its "
             r"off-diagonal blocks (claim \texttt{pe.score.cat\_side\_by\_side}); the seed's sum over $k=1..2p$ "
             r"and its code use the $2p\times n$ stacking, for which \texttt{pe.score.cat\_expansion} holds.",
    ),
    Claim(
        id="pe.score.cat_side_by_side", source="Ex 1a (displayed cat(X,E))",
        title="Side-by-side [X E] gives a 2n x 2n Gram with the cross terms as blocks",
        statement=sp.Eq(C_side.T * C_side, sp.BlockMatrix([[Xm.T * Xm, Xm.T * Em], [Em.T * Xm, Em.T * Em]]),
                        evaluate=False),
        recorded="holds", corrects="pe.score.cat_display",
        evidence=[
            derivation_evidence([Step(C_side.T * C_side,
                                      sp.BlockMatrix([[Xm.T * Xm, Xm.T * Em], [Em.T * Xm, Em.T * Em]]),
                                      why="block product", check=_block_check)], budget=10),
            mp_identity_evidence(
                lambda s: (lambda X, E: (lambda B: B.T * B)(mpmath.matrix(
                    [[X[a, b] for b in range(X.cols)] + [E[a, b] for b in range(E.cols)] for a in range(X.rows)])))(
                    _mp_random(3, 2, s), _mp_random(3, 2, s + 100)),
                lambda s: (lambda X, E: mpmath.matrix(
                    [[(X.T * X)[a, b] for b in range(2)] + [(X.T * E)[a, b] for b in range(2)] for a in range(2)]
                    + [[(E.T * X)[a, b] for b in range(2)] + [(E.T * E)[a, b] for b in range(2)] for a in range(2)]))(
                    _mp_random(3, 2, s), _mp_random(3, 2, s + 100)),
                [(1,), (2,), (3,)], budget=10, describe=lambda pt: f"seed {pt[0]}"),
        ],
    ),
    Claim(
        id="pe.score.cat_code_order", source="Ex 1b code cell [4] (get_score, mode='cat')",
        title="The code's np.append(E, X, axis=0) = cat(E, X) gives the same score as cat(X, E)",
        statement=sp.Eq(E_first.T * E_first, C_stack.T * C_stack, evaluate=False),
        recorded="holds",
        evidence=[
            derivation_evidence([Step(E_first.T * E_first, Em.T * Em + Xm.T * Xm, why="block product", check=_block_check),
                                 Step(None, C_stack.T * C_stack, why="addition commutes", check=_block_check)],
                                budget=10),
            *[numpy_evidence(lambda dt=dt: _score_float_check("code", dt), label=name) for name, dt in DTYPES],
        ],
    ),
    Claim(
        id="pe.score.mixing", source="Ex 1a (conclusion)",
        title="Addition mixes X and E in the score; concatenation does not",
        statement=r"S_{add}(X,E) - S_{add}(X,0) - S_{add}(0,E) = E^\top X + X^\top E \not\equiv 0,\quad "
                  r"S_{cat}(X,E) - S_{cat}(X,0) - S_{cat}(0,E) = 0",
        recorded="holds", assumptions=(r"K = Q,\ \text{no projections (as in the seed)}",),
        evidence=[
            symbolic_evidence(_mixing_symbolic, budget=15),
            *[numpy_evidence(lambda dt=dt: _mixing_numpy(dt), label=name) for name, dt in DTYPES],
        ],
    ),
    Claim(
        id="pe.score.projections", source="Ex 1a (with projections K = W_K z, Q = W_Q z)",
        title="With learned projections, concatenation keeps X and E apart only if W_K^T W_Q is block diagonal",
        statement=r"K = W_K\,\mathrm{cat}(X,E),\ Q = W_Q\,\mathrm{cat}(X,E):\ K^\top Q = f(X) + g(E)",
        condition=r"W_K^\top W_Q = \begin{pmatrix} M_{XX} & 0\\ 0 & M_{EE}\end{pmatrix}",
        recorded="holds_if", assumptions=(r"W_K, W_Q \in \mathbb{R}^{d\times 2p}",),
        evidence=[
            symbolic_evidence(_projection_condition_symbolic, about="condition", budget=20),
            numpy_evidence(_projection_condition_numpy, label="float64", about="condition"),
            counterexample_evidence(_proj_lhs, _proj_rhs, where="p=n=d=1, W_K=W_Q=[1 1], x=e=1",
                                    about="statement", budget=10),
        ],
        note=r"In general $K^\top Q = X^\top M_{XX}X + X^\top M_{XE}E + E^\top M_{EX}X + E^\top M_{EE}E$ with "
             r"$M = W_K^\top W_Q$; the cross terms vanish for all $X, E$ iff $M_{XE} = M_{EX} = 0$. With addition, "
             r"$(X+E)^\top M (X+E)$ has cross terms $X^\top M E + E^\top M X$ for every $M \neq 0$.",
    ),
    # --- b) the encoding -------------------------------------------------------------------------------------
    Claim(
        id="pe.enc.code_matches_formula", source="Ex 1b formula vs code cell [4] (get_E)",
        title="get_E computes the displayed formula",
        statement=r"\texttt{get\_E}(n,p) = \bigl(E_{2k,i} = \sin(i\,\omega_k),\ E_{2k+1,i} = \cos(i\,\omega_k)\bigr),\ "
                  r"\omega_k = e^{-2k\log(10^4)/5000}",
        recorded="refuted",
        reading="Formula: rows 0..p-1 (so k = 0..p/2-1), positions i = 1..n. The alternative 1-based row "
                "reading is checked too (label 1-based).",
        evidence=[
            counterexample_evidence(lambda: mpmath.sin(1 * frequency_mp(0, SEED_P, "seed-formula")),
                                    lambda: mpmath.cos(1 * frequency_mp(1, SEED_P, "seed-code")),
                                    where="row 0, i=1", label="0-based", budget=10),
            counterexample_evidence(lambda: mpmath.cos(1 * frequency_mp(0, SEED_P, "seed-formula")),
                                    lambda: mpmath.cos(1 * frequency_mp(1, SEED_P, "seed-code")),
                                    where="row 1 (1-based), i=1", label="1-based", budget=10),
            *[numpy_evidence(lambda dt=dt: _formula_vs_code_numpy(dt), label=name) for name, dt in DTYPES],
        ],
        note=r"The code gives every row its own frequency $\omega = e^{-2k\log(10^4)/5000}$ with $k$ the 1-based "
             r"row number (sine for even, cosine for odd $k$), so no sine and cosine row share a frequency; the "
             r"formula pairs rows $2k, 2k+1$ on $\omega_k$. Both use $5000$ where a Transformer has the width "
             r"$p$: with $p = 256$ all wavelengths lie between $2\pi$ and about 16 positions.",
    ),
    Claim(
        id="pe.enc.code_reading", source="Ex 1b code cell [4] (get_E)",
        title="What get_E computes: per-row frequency, cosine on odd 1-based rows",
        statement=r"\texttt{get\_E}(n,p)_{k,i} = \begin{cases}\sin(i\,\nu_k) & k \text{ even}\\ \cos(i\,\nu_k) & k \text{ odd}\end{cases},"
                  r"\ \nu_k = 10000^{-2k/5000},\ k = 1..p,\ i = 1..n",
        recorded="holds", corrects="pe.enc.code_matches_formula",
        evidence=[*[numpy_evidence(lambda dt=dt: _code_reading_numpy(dt), label=name) for name, dt in DTYPES]],
        note=r"\texttt{sinusoidal\_encoding(n, p, convention=\"seed-code\")} reproduces \texttt{get\_E} bit for bit.",
    ),
    # --- b) the Gram matrix ----------------------------------------------------------------------------------
    Claim(
        id="pe.gram.toeplitz_plus_hankel", source="Ex 1b (structure of E^T E)",
        title="E^T E is Toeplitz plus Hankel for every sinusoidal encoding",
        statement=r"(E^\top E)_{ij} = T(i-j) + H(i+j),\ T(d) = \tfrac12\sum_r \cos(d\,\omega_r),\ "
                  r"H(s) = -\tfrac12\sum_r \cos(s\,\omega_r + 2\varphi_r)",
        recorded="holds", assumptions=(r"E_{ri} = \sin(i\,\omega_r + \varphi_r)",),
        derivation=gram_row_steps,
        evidence=[
            derivation_evidence(gram_row_steps, budget=20),
            mp_identity_evidence(_gram_def, _gram_closed, _GRAM_POINTS, budget=20,
                                 describe=lambda pt: f"{pt[0]}, n=7, p={pt[1]}"),
            *[numpy_evidence(lambda dt=dt: _gram_numpy(dt), label=name) for name, dt in DTYPES],
        ],
        note=r"\texttt{encoding\_gram} evaluates $T$ at $n$ and $H$ at $2n-1$ points in $O(np)$ and fills "
             r"$n^2$ entries; numpy evidence: its error against the exact Gram, in units of $\varepsilon p$.",
    ),
    Claim(
        id="pe.gram.toeplitz", source="Ex 1b (structure of E^T E)",
        title="E^T E depends only on i - j, with diagonal p/2",
        statement=r"(E^\top E)_{ij} = \sum_{k=0}^{p/2-1}\cos((i-j)\,\omega_k),\ (E^\top E)_{ii} = p/2",
        condition=r"\text{sine and cosine rows in pairs sharing } \omega_k \text{ (seed formula, Transformer; } p \text{ even)}",
        recorded="holds_if",
        derivation=gram_pair_steps,
        evidence=[
            derivation_evidence(gram_pair_steps, about="condition", budget=20),
            mpmath_evidence(_toeplitz_condition_mp, about="condition"),
            counterexample_evidence(lambda: _diag_entry("seed-code", 2, SEED_P, 0),
                                    lambda: _diag_entry("seed-code", 2, SEED_P, 1),
                                    where="get_E(2,256): G_11 vs G_22", label="seed-code", budget=15),
            counterexample_evidence(lambda: _diag_entry("transformer", 366, 3, 0),
                                    lambda: _diag_entry("transformer", 366, 3, 365),
                                    where="Transformer p=3: G at pos 0 vs pos 365", label="odd-p", budget=10),
        ],
        note=r"For the seed's code (no shared frequencies) the Hankel part $H(i+j)$ survives: the diagonal runs "
             r"from about 127.5 to 128.5 instead of 128, and the matrix is not Toeplitz.",
    ),
    Claim(
        id="pe.gram.observation", source="Ex 1b observation (heatmap of E^T E)",
        title="Strong diagonal, decreasing and oscillating away from it",
        statement=r"\min_i G_{ii} > \max_{i\ne j}|G_{ij}|,\ e(n/4) \le e(1)/2,\ \ge 3 \text{ sign changes of } G_{1,1+d}",
        recorded="holds",
        assumptions=(r"G = E^\top E,\ E = \texttt{get\_E}(64, 256)",
                     r"e(d) = \max_{|i-j|\ge d}|G_{ij}|"),
        reading="The observation is read as the three-part criterion in the statement (S: strong diagonal, "
                "D: decreasing envelope, O: oscillation).",
        evidence=[
            mpmath_evidence(lambda: _observation_exact("seed-code"), label="seed-code", budget=20),
            mpmath_evidence(lambda: _observation_exact("seed-formula"), label="seed-formula", budget=20),
            numpy_evidence(lambda: _observation_outcome(seed_get_E(64, 256).T @ seed_get_E(64, 256), "seed cell"),
                           label="float64"),
        ],
        note=r"The decrease is not monotone: $|G_{i,i+d}|$ is about 101 at $d=1$, 34 at $d=2$ and 85 at $d=5$ "
             r"(the frequencies $0.39 \le \omega \le 1$ beat); the envelope falls to about $1/6$ of $e(1)$ by "
             r"$d = 16$. The formula's convention (Toeplitz, diagonal 128) satisfies the same criterion.",
    ),
    # --- c) ----------------------------------------------------------------------------------------------------
    Claim(
        id="pe.kq.cat_shape", source="Ex 1c output of code cell [5]",
        title="The printed (512, 64) is the shape (2p, n) of cat(E, X)",
        statement=r"\mathrm{shape}(\texttt{np.append}(E, X, \texttt{axis=0})) = (2p, n) = (512, 64)",
        recorded="holds",
        evidence=[symbolic_evidence(_cat_shape_symbolic, budget=10), numpy_evidence(_cat_shape_numpy, label="float64")],
    ),
    Claim(
        id="pe.kq.bad_mode", source="Ex 1b code cell [4] (get_score)",
        title="get_score rejects an unknown mode",
        statement=r"\texttt{get\_score(E, X, mode)} \text{ raises for mode} \notin \{\texttt{'add'}, \texttt{'cat'}\}",
        recorded="refuted",
        evidence=[numpy_evidence(_bad_mode_numpy, label="float64")],
        note=r"It prints a message and returns \texttt{None}; \texttt{sns.heatmap(None)} would then fail far from the cause.",
    ),
    Claim(
        id="pe.kq.same_mean", source="Ex 1c observation ('the distribution is the same')",
        title="Added and concatenated scores have the same expectation",
        statement=r"\mathbb{E}[S_{add}] = \mathbb{E}[S_{cat}] = E^\top E + p\sigma^2 I",
        recorded="holds", assumptions=(r"X_{ki} \text{ iid } N(0, \sigma^2)",),
        derivation=same_mean_steps,
        evidence=[
            derivation_evidence(same_mean_steps, label="general", budget=20),
            symbolic_evidence(_same_mean_sizes, label="sizes", budget=20),
            montecarlo_evidence(_same_mean_mc),
        ],
    ),
    Claim(
        id="pe.kq.cross_energy", source="Ex 1c/1d (size of the cross terms, derived)",
        title="Expected energy of the cross terms",
        statement=sp.Eq(sp.Symbol(r"\mathbb{E}\|E^\top X + X^\top E\|_F^2"),
                        2 * sigma**2 * (n + 1) * sp.Symbol(r"\|E\|_F^2"), evaluate=False),
        recorded="holds", assumptions=(r"X_{ki} \text{ iid } N(0, \sigma^2)",),
        derivation=cross_energy_steps,
        evidence=[
            derivation_evidence(cross_energy_steps, label="general", budget=20),
            symbolic_evidence(_cross_energy_sizes, label="sizes", budget=20),
            montecarlo_evidence(_cross_energy_mc),
        ],
        note=r"$\mathrm{Var}\,C_{ij} = \sigma^2(G_{ii} + G_{jj})$ for $i\ne j$ and $\mathrm{Var}\,C_{ii} = 4\sigma^2 G_{ii}$; "
             r"Monte Carlo with the seed's $E$ and $\sigma = \mathrm{std}(E)$.",
    ),
    Claim(
        id="pe.kq.scaling", source="Ex 1c observation ('the scaling is a bit different')",
        title="The added score is larger in norm by exactly the cross-term energy",
        statement=r"\mathbb{E}\|S_{add}\|_F^2 = \mathbb{E}\|S_{cat}\|_F^2 + 2\sigma^2(n+1)\|E\|_F^2,\ "
                  r"\mathbb{E}\|S_{cat}\|_F^2 = \|G\|_F^2 + 2p\sigma^2\operatorname{tr}G + np\sigma^4(n+p+1)",
        recorded="holds", assumptions=(r"X_{ki} \text{ iid } N(0, \sigma^2),\ G = E^\top E",),
        evidence=[symbolic_evidence(_scaling_sizes, label="sizes", budget=30), montecarlo_evidence(_scaling_mc)],
        note=r"$\mathbb{E}\langle S_{cat}, C\rangle = 0$ (odd moments), so the norms add like Pythagoras. For the "
             r"seed, $\|S_{add}\|_F$ exceeds $\|S_{cat}\|_F$ by about 3\,\%; the means are equal "
             r"(\texttt{pe.kq.same\_mean}), so the different colour ranges in the seed's plots come from fluctuations.",
    ),
    Claim(
        id="pe.kq.essentially_same", source="Ex 1c observation ('both score matrices look essentially the same')",
        title="Added and concatenated scores are essentially the same",
        statement=r"\rho = \|S_{add} - S_{cat}\|_F / \|S_{cat}\|_F \le 0.1",
        recorded="refuted", assumptions=(_LSEED,),
        reading="The observation printed under Ex 2c belongs to the K^T Q plots of Ex 1c. 'Essentially the same' is "
                "read as a relative Frobenius difference of at most 10 %.",
        evidence=[
            mpmath_evidence(_essentially_same_mp, budget=20),
            montecarlo_evidence(_essentially_same_mc),
            numpy_evidence(_essentially_same_numpy, label="float64"),
        ],
        note=r"$S_{add} - S_{cat} = C$ exactly; $\rho \approx 0.25$ for the seed's sizes. On the heatmaps the "
             r"strong diagonal (about 256) sets the colour range, and $C$ (rms about 11) is a few per cent of it, "
             r"which is why the plots look alike; off the diagonal band $C$ is as large as the signal.",
    ),
    # --- d) ----------------------------------------------------------------------------------------------------
    Claim(
        id="pe.cross.exact_condition", source="Ex 1d",
        title="The cross terms vanish exactly when E^T X is skew-symmetric",
        statement=r"E^\top X + X^\top E = 0 \iff (E^\top X)^\top = -E^\top X",
        recorded="holds",
        evidence=[
            symbolic_evidence(_skew_symbolic, budget=10),
            mpmath_evidence(_skew_mp, budget=10),
            *[numpy_evidence(lambda dt=dt: _skew_numpy(dt), label=name) for name, dt in DTYPES],
        ],
        note=r"Orthogonal column spaces ($E^\top X = 0$) are sufficient, not necessary: $E = I_2$, "
             r"$X = \bigl(\begin{smallmatrix}0&1\\-1&0\end{smallmatrix}\bigr)$ span the same plane and $C = 0$.",
    ),
    Claim(
        id="pe.cross.subspaces", source="Ex 1d",
        title="Different or minimally overlapping subspaces make the cross terms small or cancel",
        statement=r"\operatorname{range}X \ne \operatorname{range}E \Rightarrow E^\top X + X^\top E \approx 0",
        condition=r"\operatorname{range}X \perp \operatorname{range}E\ (E^\top X = 0)",
        recorded="holds_if",
        evidence=[
            symbolic_evidence(_orth_condition_symbolic, about="condition", budget=10),
            *[numpy_evidence(lambda dt=dt: _orth_condition_numpy(dt), label=name, about="condition")
              for name, dt in DTYPES],
            counterexample_evidence(_lines_C, lambda: mpmath.mpf(0),
                                    where="p=2, n=1, E=(1,0), X=(1,1) (distinct lines at 45 deg)",
                                    about="statement", budget=10),
        ],
        note=r"Two distinct lines at $45^\circ$: $C = 2$, and $\|C\|_F/(2\|E\|\|X\|) = \cos 45^\circ \approx 0.71$, "
             r"not small. What controls the size is the angle between the subspaces (\texttt{pe.cross.angle\_bound}).",
    ),
    Claim(
        id="pe.cross.angle_bound", source="Ex 1d ('minimally overlapping')",
        title="Cross terms are bounded by the cosine of the smallest principal angle",
        statement=r"\|E^\top X + X^\top E\|_F \le 2\,\|E\|_2\,\|X\|_F\cos\theta_1",
        recorded="holds", corrects="pe.cross.subspaces",
        assumptions=(r"\theta_1 = \text{smallest principal angle between } \operatorname{range}E, \operatorname{range}X",),
        evidence=[
            mpmath_evidence(_angle_bound_mp, budget=20),
            *[numpy_evidence(lambda dt=dt: _angle_bound_numpy(dt), label=name) for name, dt in DTYPES],
        ],
        note=r"Proof: $\|C\|_F \le 2\|E^\top X\|_F = 2\|E^\top P_E P_X X\|_F \le 2\|E\|_2\|P_E P_X\|_2\|X\|_F$ and "
             r"$\|P_E P_X\|_2 = \cos\theta_1$. Equality for $E = X = uv^\top$.",
    ),
    Claim(
        id="pe.cross.random_size", source="Ex 1d (size of the cross terms for random X)",
        title="For random X the relative cross-term size grows with n and shrinks with p",
        statement=r"\rho^2 = \frac{2\sigma^2(n+1)\operatorname{tr}G}{\|G\|_F^2 + 2p\sigma^2\operatorname{tr}G + np\sigma^4(n+p+1)}"
                  r"\ \text{increases in } n,\ \text{decreases in } p",
        recorded="holds",
        assumptions=(r"E = \text{seed formula},\ \sigma = \mathrm{std}(E),\ n \in \{16, 32, 64\},\ p \in \{64, 128, 256\}",),
        evidence=[mpmath_evidence(_random_size_mp, budget=30), montecarlo_evidence(_random_size_mc, budget=30)],
        note=r"With $\sigma^2 \approx 1/2$, $\operatorname{tr}G = pn/2$: $\rho^2 \approx 2(n+1)/((\kappa+3)p + n)$ with "
             r"$\kappa = \|G\|_F^2/(np^2/4) \ge 1$, so the cross terms are negligible only for $p \gg n$.",
    ),
]



def _as_math(obj):
    """String statements/conditions are LaTeX *math*; the report prints strings in text mode, so wrap them."""
    return f"$\\displaystyle {obj}$" if isinstance(obj, str) and "$" not in obj else obj


CLAIMS = [dataclasses.replace(c, statement=_as_math(c.statement), condition=_as_math(c.condition)) for c in CLAIMS]

ALL_LEGACY = CLAIMS
