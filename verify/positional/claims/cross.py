r"""Claims ``pe.cross.*`` (Ex 1d): when do the cross terms :math:`C = E^\top X + X^\top E` vanish?

The seed: "the scores between sum and aggregation only differ in the cross terms ... If X and E reside in
different or minimally overlapping subspaces, these cross terms are small or cancel each other".

Statements are SymPy objects over the matrix symbols ``E, X`` (``p x n``) and the sizes ``p, n``; at an
instance the matrices are nested lists of exact numbers (ints or decimal strings).  Quantities defined here
(mpmath implementations; arb where an enclosure is cheap):

=====================  ==============================================================================
``fro(M)``             Frobenius norm :math:`\|M\|_F`
``spec(M)``            spectral norm :math:`\|M\|_2` (largest singular value)
``cos1(E, X)``         :math:`\cos\theta_1`, the cosine of the smallest principal angle between
                       :math:`\operatorname{range}E` and :math:`\operatorname{range}X` (orthonormal bases
                       from the SVD, so rank-deficient matrices are handled; 0 if either range is {0})
``rho2(n, p)``         :math:`\rho^2 = \mathbb{E}\|C\|_F^2 / \mathbb{E}\|S_{cat}\|_F^2` for the seed-formula
                       encoding ``E`` (``p x n``), :math:`X_{ki} \sim N(0, \mathrm{std}(E)^2)` (closed form)
=====================  ==============================================================================
"""

from __future__ import annotations

import functools
import random
from typing import Any

import mpmath
import numpy as np
import sympy as sp

from verify.core.claim import Claim, Evidence, Mutant, Outcome, Step
from verify.core.numeric import at_points, counterexample
from verify.core.statement import All, Rel, quantity
from verify.core.symbolic import derivation_evidence, is_zero

from ..encoding import sinusoidal_encoding
from ..reference import encoding_mp, gram_closed_form_mp

try:
    import flint
except ImportError:  # pragma: no cover
    flint = None

# --- symbols ---------------------------------------------------------------------------------------------------
p, n = sp.symbols("p n", integer=True, positive=True)
E = sp.MatrixSymbol("E", p, n)
X = sp.MatrixSymbol("X", p, n)
#: the cross terms and A = EᵀX
C = E.T * X + X.T * E
A = E.T * X


# --- quantities ------------------------------------------------------------------------------------------------
def _mat(M: Any) -> mpmath.matrix:
    return M if isinstance(M, mpmath.matrix) else mpmath.matrix([[M]])


def _fro_mp(M: Any) -> Any:
    return mpmath.mnorm(_mat(M), "f")


def _fro_arb(M: Any) -> Any:
    if not isinstance(M, flint.arb_mat):
        return abs(M)
    s = flint.arb(0)
    for i in range(M.nrows()):
        for j in range(M.ncols()):
            s += M[i, j] ** 2
    return s.sqrt()


def _singular_values(M: mpmath.matrix) -> list:
    M = _mat(M)
    if M.rows < M.cols:
        M = M.T
    s = mpmath.svd_r(M, compute_uv=False)
    return [s[k] for k in range(len(s))]


def _spec_mp(M: Any) -> Any:
    return max(_singular_values(M))


def _range_basis(M: mpmath.matrix) -> mpmath.matrix | None:
    """Orthonormal basis of the column space (left singular vectors above a relative tolerance)."""
    M = _mat(M)
    U, S, _V = mpmath.svd_r(M, full_matrices=False)
    s = [S[k] for k in range(len(S))]
    top = max(s) if s else mpmath.mpf(0)
    if top == 0:
        return None
    tol = top * mpmath.mpf(10) ** (-(mpmath.mp.dps // 2))
    keep = [k for k, v in enumerate(s) if v > tol]
    return mpmath.matrix([[U[i, k] for k in keep] for i in range(U.rows)])


def _cos1_mp(Em: Any, Xm: Any) -> Any:
    Qe, Qx = _range_basis(Em), _range_basis(Xm)
    if Qe is None or Qx is None:
        return mpmath.mpf(0)
    return min(mpmath.mpf(1), max(_singular_values(Qe.T * Qx)))


fro = quantity("fro", _fro_mp, arb=_fro_arb, nargs=1, nonnegative=True,
               latex=r"\left\|{0}\right\|_F", text="|{0}|_F")
spec = quantity("spec", _spec_mp, nargs=1, nonnegative=True, latex=r"\left\|{0}\right\|_2", text="|{0}|_2")
cos1 = quantity("cos1", _cos1_mp, nargs=2, nonnegative=True,
                latex=r"\cos\theta_1\left({0}, {1}\right)", text="cos_theta1({0}, {1})")


@functools.lru_cache(maxsize=None)
def _rho2_cached(nn: int, pp: int, dps: int) -> Any:
    with mpmath.workdps(dps + 10):
        G = gram_closed_form_mp(nn, pp, "seed-formula", dps=dps)
        Ev = encoding_mp(nn, pp, "seed-formula", dps=dps + 10)
        flat = [v for row in Ev for v in row]
        mean = mpmath.fsum(flat) / len(flat)
        s2 = mpmath.fsum((v - mean) ** 2 for v in flat) / len(flat)
        tr = mpmath.fsum(G[a, a] for a in range(nn))
        g2 = mpmath.fsum(G[a, b] ** 2 for a in range(nn) for b in range(nn))
        cross = 2 * s2 * (nn + 1) * tr
        cat = g2 + 2 * pp * s2 * tr + nn * pp * s2 ** 2 * (nn + pp + 1)
        return cross / cat


def _int(v: Any) -> int:
    k = int(v)
    if k != v:
        raise ValueError(f"a size must be an integer, got {v}")
    return k


def _rho2_mp(nn: Any, pp: Any) -> Any:
    return +_rho2_cached(_int(nn), _int(pp), mpmath.mp.dps)


rho2 = quantity("rho2", _rho2_mp, nargs=2, positive=True, latex=r"\rho^2\left({0}, {1}\right)", text="rho2({0}, {1})")


# --- instances -------------------------------------------------------------------------------------------------
def _inst(Ev: list, Xv: list) -> dict:
    return {p: len(Ev), n: len(Ev[0]), E: Ev, X: Xv}


def _intmat(rows: int, cols: int, rng: random.Random, lo: int = -5, hi: int = 5) -> list:
    return [[rng.randint(lo, hi) for _ in range(cols)] for _ in range(rows)]


def _matmul(P: list, Q: list) -> list:
    return [[sum(P[i][k] * Q[k][j] for k in range(len(Q))) for j in range(len(Q[0]))] for i in range(len(P))]


#: the same plane, yet C = 0: E = I, X skew (orthogonality is sufficient, not necessary)
SKEW_SAME_PLANE = _inst([[1, 0], [0, 1]], [[0, 1], [-1, 0]])
#: two distinct lines at 45 degrees (different subspaces): C = 2, an equality case of the angle bound
LINES_45 = _inst([[1], [0]], [[1], [1]])
#: E = X = u vᵀ: the other equality case of the angle bound (θ₁ = 0)
RANK_ONE = _inst([[1, 3], [2, 6], [0, 0], [0, 0], [1, 3], [0, 0]], [[1, 3], [2, 6], [0, 0], [0, 0], [1, 3], [0, 0]])
#: orthogonal column spaces (axis planes; and a rotated pair with EᵀX = 0)
ORTH_AXES = _inst([[1, 2], [3, -1], [0, 0], [0, 0]], [[0, 0], [0, 0], [2, 1], [-1, 4]])
ORTH_ROTATED = _inst([[1, 1], [1, -1], [1, 1], [1, -1]], [[1, 2], [-1, 0], [-1, -2], [1, 0]])


def _generic(seed: int, rows: int, cols: int) -> dict:
    rng = random.Random(seed)
    return _inst(_intmat(rows, cols, rng), _intmat(rows, cols, rng))


def _mixed(seed: int, rows: int, cols: int, t: int) -> dict:
    """X = t·E·M + (10 - t)·Y (integers): from X in range E (t = 10) to a generic X (t = 0)."""
    rng = random.Random(seed)
    Ev, M, Y = _intmat(rows, cols, rng), _intmat(cols, cols, rng), _intmat(rows, cols, rng)
    EM = _matmul(Ev, M)
    return _inst(Ev, [[t * EM[i][j] + (10 - t) * Y[i][j] for j in range(cols)] for i in range(rows)])


#: lines (n = 1) at several angles in R³: equality cases of the angle bound
LINES = [_inst([[1], [2], [2]], [[a], [b], [c]]) for a, b, c in ((1, 0, 0), (2, -1, 3), (0, 1, 5), (-3, 1, 1))]
GENERIC = [_generic(101, 3, 2), _generic(102, 4, 3), _generic(103, 3, 3)]
MIXED = [_mixed(200 + k, 6, 2 + k % 2, t) for k, t in enumerate((0, 2, 5, 8, 9, 10, 10, 3, 7, 1))]


# --- evidence: a proof under a condition "‖M‖_F = 0" --------------------------------------------------------
def _zero_matrices(cond: Any) -> list | None:
    """The matrices ``M`` of a condition that is ``‖M‖_F = 0`` (or a conjunction of such); else ``None``."""
    if cond is None:
        return None
    conds = cond.args if isinstance(cond, sp.And) else (cond,)
    out = []
    for c in conds:
        if not isinstance(c, sp.Eq):
            return None
        lhs, rhs = c.lhs, c.rhs
        if isinstance(rhs, fro) and lhs == 0:
            lhs, rhs = rhs, lhs
        if not (isinstance(lhs, fro) and rhs == 0):
            return None
        out.append(lhs.args[0])
    return out


def zero_condition_proof(label: str = "general", budget: float = 30.0) -> Evidence:
    """Symbolic, general ``p, n``: under the condition ``‖M‖_F = 0`` (so ``M = 0`` and ``Mᵀ = 0``) the
    statement's ``lhs - rhs`` reduces to the zero matrix.  Reads the condition and the statement; with no
    such condition (dropped, or of another form) it cannot prove anything (undecided)."""

    def run(prop: Any) -> Outcome:
        stmt = prop.statement
        zs = _zero_matrices(prop.condition)
        if zs is None:
            return Outcome("undecided", "no condition of the form ‖M‖_F = 0 to use")
        parts = stmt.parts()
        if len(parts) != 1 or not isinstance(parts[0], Rel) or parts[0].rel != "==":
            return Outcome("undecided", "the statement is not one matrix equation")
        part = parts[0]
        d = sp.expand((part.lhs - part.rhs).doit())
        reps = {}
        for M in zs:
            Z = sp.ZeroMatrix(*M.shape)
            reps[sp.expand(M.doit())] = Z
            reps[sp.expand(M.T.doit())] = Z
        red = sp.expand(d.xreplace(reps).doit())
        ok = is_zero(red)
        conds = ", ".join(sp.sstr(M) + " = 0" for M in zs)
        if ok is True:
            return Outcome("holds", f"with {conds}: lhs - rhs = {sp.sstr(d)} reduces to 0 (general p, n)")
        return Outcome("undecided", f"with {conds}: lhs - rhs reduces to {sp.sstr(red)}, not shown to be 0")

    return Evidence("symbolic", run, label=label, about="condition", budget=budget,
                    description="the statement's lhs - rhs with the condition's matrix set to 0, simplified "
                                "(general p, n)")


# --- evidence: Monte Carlo for rho² ------------------------------------------------------------------------------
@functools.lru_cache(maxsize=None)
def _rho2_mc(nn: int, pp: int, draws: int = 400, seed: int = 0) -> tuple[float, float]:
    """Monte Carlo estimate of ρ² = E‖C‖²/E‖S_cat‖² and its standard error (delta method)."""
    Ev = sinusoidal_encoding(nn, pp, convention="seed-formula")
    s = float(np.std(Ev))
    G = Ev.T @ Ev
    rng = np.random.default_rng(1000 * nn + pp + seed)
    c2, s2 = [], []
    for _ in range(draws // 50):
        Xb = rng.normal(0.0, s, size=(50, pp, nn))
        Ab = np.einsum("ki,bkj->bij", Ev, Xb)
        Cb = Ab + np.transpose(Ab, (0, 2, 1))
        Sb = G[None] + np.einsum("bki,bkj->bij", Xb, Xb)
        c2.append(np.sum(Cb ** 2, axis=(1, 2)))
        s2.append(np.sum(Sb ** 2, axis=(1, 2)))
    a, b = np.concatenate(c2), np.concatenate(s2)
    ma, mb = a.mean(), b.mean()
    r = ma / mb
    cov = np.cov(a, b, ddof=1)
    var = r ** 2 * (cov[0, 0] / ma ** 2 + cov[1, 1] / mb ** 2 - 2 * cov[0, 1] / (ma * mb)) / a.size
    return float(r), float(np.sqrt(max(var, 0.0)))


def rho2_montecarlo(instances: list, z: float = 4.0, label: str = "montecarlo", budget: float = 40.0) -> Evidence:
    """Every ``rho2(n, p)`` node of the statement replaced by its Monte Carlo estimate (400 draws of ``X``,
    seeded), each relation decided with its standard error: holds when every part holds by more than ``z``
    standard errors, refuted when one fails by more than ``z``, else undecided."""
    instances = [dict(i) for i in instances]

    def run(prop: Any) -> Outcome:
        from verify.core.evaluate import evaluate
        from verify.core.statement import describe_instance

        worst_margin, rows = np.inf, []
        for inst in instances:
            for part in prop.statement.parts():
                if not isinstance(part, Rel) or part.rel not in ("<", "<=", ">", ">="):
                    return Outcome("undecided", "a part is not an inequality between rho2 values")
                sides, ses = [], []
                for side in (part.lhs, part.rhs):
                    side = side.xreplace({k: sp.Integer(v) for k, v in inst.items()})
                    nodes = list(side.atoms(rho2))
                    if side != (nodes[0] if len(nodes) == 1 else None):
                        return Outcome("undecided", f"a side is not a single rho2 node: {sp.sstr(side)}")
                    nn, pp = (int(evaluate(a, {})) for a in nodes[0].args)
                    est, se = _rho2_mc(nn, pp)
                    sides.append(est)
                    ses.append(se)
                d = sides[1] - sides[0] if part.rel in ("<", "<=") else sides[0] - sides[1]
                se = float(np.hypot(*ses))
                margin = d / se
                where = f"{describe_instance(inst)}: {sp.sstr(part.lhs)} {part.rel} {sp.sstr(part.rhs)}"
                rows.append(f"{where}: {sides[0]:.4f} vs {sides[1]:.4f} ({margin:+.1f} SE)")
                if margin < -z:
                    return Outcome("refuted", f"{where} fails by {-margin:.1f} SE ({sides[0]:.4f} vs {sides[1]:.4f})",
                                   "\n".join(rows))
                worst_margin = min(worst_margin, margin)
        if worst_margin > z:
            return Outcome("holds", f"{len(rows)} comparisons hold by at least {worst_margin:.1f} SE (400 draws each)",
                           "\n".join(rows), data={"min_margin_se": worst_margin})
        return Outcome("undecided", f"a comparison is within {z:g} SE ({worst_margin:.1f})", "\n".join(rows))

    return Evidence("montecarlo", run, label=label, budget=budget,
                    description="rho² by Monte Carlo (400 draws of X per size) in place of the closed form, "
                                "each comparison decided with its standard error")


# --- the claims ----------------------------------------------------------------------------------------------------
_SYM_A = sp.MatAdd(A, sp.Transpose(A), evaluate=False)  # EᵀX + (EᵀX)ᵀ, kept unevaluated for the reader

EXACT_CONDITION = Claim(
    id="pe.cross.exact_condition", source="Ex 1d",
    title="The cross terms vanish exactly when E^T X is skew-symmetric",
    display=r"E^\top X + X^\top E = 0 \iff (E^\top X)^\top = -E^\top X",
    statement=Rel(C, _SYM_A),
    recorded="holds",
    assumptions=(r"E, X \in \mathbb{R}^{p\times n}",),
    reading="Checked as the identity C = A + Aᵀ with A = EᵀX (twice the symmetric part of EᵀX), which is "
            "the equivalence: C = 0 iff Aᵀ = -A.",
    derivation=(Step(None, _SYM_A, why=r"X^\top E = (E^\top X)^\top"),),
    evidence=[
        derivation_evidence([Step(None, _SYM_A, why="XᵀE = (EᵀX)ᵀ")], label="general", budget=20),
        at_points([SKEW_SAME_PLANE, LINES_45, ORTH_ROTATED] + GENERIC, label="instances", budget=20),
    ],
    mutants=(
        Mutant("symmetric", Rel(C, sp.MatAdd(A, -sp.Transpose(A), evaluate=False)),
               why="symmetric and skew-symmetric swapped: C = A - Aᵀ, i.e. 'vanish iff EᵀX is symmetric'"),
        Mutant("orthogonal_only", Rel(C, 2 * A),
               why="C = 2EᵀX, i.e. 'vanish iff EᵀX = 0' (orthogonal subspaces as the exact condition)"),
    ),
    depth="general",
    depth_note="the identity for symbolic p, n (SymPy matrix expressions)",
    note=r"Orthogonal column spaces ($E^\top X = 0$) are sufficient, not necessary: $E = I_2$, "
         r"$X = \bigl(\begin{smallmatrix}0&1\\-1&0\end{smallmatrix}\bigr)$ span the same plane and $C = 0$.",
)

SUBSPACES = Claim(
    id="pe.cross.subspaces", source="Ex 1d",
    title="Different or minimally overlapping subspaces make the cross terms small or cancel",
    display=r"\operatorname{range}X \ne \operatorname{range}E \Rightarrow E^\top X + X^\top E \approx 0",
    statement=Rel(C, sp.ZeroMatrix(n, n)),
    condition=sp.Eq(fro(A), 0),
    recorded="holds_if",
    assumptions=(r"E, X \in \mathbb{R}^{p\times n}",),
    reading="'Cancel' is C = 0; the condition under which it holds is range X ⊥ range E (EᵀX = 0). "
            "'Small' for merely different subspaces is quantified by the angle bound (pe.cross.angle_bound).",
    evidence=[
        zero_condition_proof(),
        at_points([ORTH_AXES, ORTH_ROTATED, LINES_45, SKEW_SAME_PLANE] + GENERIC + MIXED[:4], label="instances",
                  about="condition", budget=30,
                  description="the statement at the instances satisfying the condition"),
        counterexample(LINES_45, label="lines_45",
                       description="two distinct lines at 45° (different subspaces): C = 2, certified by arb"),
    ],
    mutants=(
        Mutant("no_condition", condition=None, why="the cross terms vanish for all E, X"),
        Mutant("seed_hypothesis", condition=sp.StrictLessThan(cos1(E, X), 1),
               why="the seed's hypothesis: the subspaces only 'minimally overlap' (no common direction, "
                   "cos θ₁ < 1)"),
    ),
    depth="general",
    depth_note="under the condition, for symbolic p, n; the counterexample certified by arb",
    note=r"Two distinct lines at $45^\circ$: $C = 2$, and $\|C\|_F/(2\|E\|_2\|X\|_F) = \cos 45^\circ \approx 0.71$, "
         r"not small. What controls the size is the angle between the subspaces (\texttt{pe.cross.angle\_bound}).",
)

_ANGLE_RHS = 2 * spec(E) * fro(X) * cos1(E, X)

ANGLE_BOUND = Claim(
    id="pe.cross.angle_bound", source="Ex 1d ('minimally overlapping')",
    title="Cross terms are bounded by the cosine of the smallest principal angle",
    display=r"\|E^\top X + X^\top E\|_F \le 2\,\|E\|_2\,\|X\|_F\cos\theta_1",
    statement=Rel(fro(C), _ANGLE_RHS, "<="),
    recorded="holds", corrects="pe.cross.subspaces",
    assumptions=(r"\theta_1 = \text{smallest principal angle between } \operatorname{range}E, \operatorname{range}X",),
    evidence=[
        at_points([LINES_45, RANK_ONE, ORTH_AXES, SKEW_SAME_PLANE] + LINES + GENERIC + MIXED, label="instances",
                  budget=30,
                  description="the equality cases (lines at several angles, E = X = uvᵀ), orthogonal and same-plane "
                              "pairs, and 13 integer pairs from X in range E to generic X (6 x 2, 6 x 3)"),
    ],
    mutants=(
        Mutant("no_factor_2", Rel(fro(C), spec(E) * fro(X) * cos1(E, X), "<="),
               why="the factor 2 (two cross terms) dropped"),
        Mutant("cos_squared", Rel(fro(C), 2 * spec(E) * fro(X) * cos1(E, X) ** 2, "<="),
               why="cos² θ₁ (a projection applied twice) instead of cos θ₁"),
    ),
    depth="numeric",
    depth_note="evaluated at 100 digits on 21 instances including the equality cases; the proof is in the note",
    note=r"Proof: $\|C\|_F \le 2\|E^\top X\|_F = 2\|E^\top P_E P_X X\|_F \le 2\|E\|_2\|P_E P_X\|_2\|X\|_F$ and "
         r"$\|P_E P_X\|_2 = \cos\theta_1$. Equality for $E = X = uv^\top$ and for two lines.",
)

_RHO_INSTANCES = [{n: nn, p: pp} for nn in (16, 32) for pp in (64, 128)]


def _rho_statement(n_rel: str = "<", p_rel: str = "<") -> All:
    return All(Rel(rho2(n, p), rho2(2 * n, p), n_rel), Rel(rho2(n, 2 * p), rho2(n, p), p_rel))


RANDOM_SIZE = Claim(
    id="pe.cross.random_size", source="Ex 1d (size of the cross terms for random X)",
    title="For random X the relative cross-term size grows with n and shrinks with p",
    display=r"\rho^2 = \frac{2\sigma^2(n+1)\operatorname{tr}G}"
            r"{\|G\|_F^2 + 2p\sigma^2\operatorname{tr}G + np\sigma^4(n+p+1)}"
            r"\ \text{increases in } n,\ \text{decreases in } p",
    statement=_rho_statement(),
    recorded="holds",
    assumptions=(r"E = \text{seed formula},\ \sigma = \mathrm{std}(E),\ G = E^\top E,\ "
                 r"n \in \{16, 32\},\ p \in \{64, 128\}\ (\text{and the doubled sizes})",),
    evidence=[
        at_points(_RHO_INSTANCES, label="closed_form", budget=40, dps=(50, 60),
                  description="the closed form at 60 digits (50 to confirm a failure) on the grid n ∈ {16, 32}, "
                              "p ∈ {64, 128} and the doubled sizes"),
        rho2_montecarlo(_RHO_INSTANCES),
    ],
    mutants=(
        Mutant("decreases_in_n", _rho_statement(n_rel=">"), why="the direction in n reversed"),
        Mutant("increases_in_p", _rho_statement(p_rel=">"), why="the direction in p reversed"),
    ),
    depth="fixed-size",
    depth_note="the closed form (pe.kq.cross_energy) evaluated at 60 digits for n ≤ 64, p ≤ 256; Monte Carlo "
               "cross-check",
    note=r"With $\sigma^2 \approx 1/2$, $\operatorname{tr}G = pn/2$: $\rho^2 \approx 2(n+1)/((\kappa+3)p + n)$ with "
         r"$\kappa = \|G\|_F^2/(np^2/4) \ge 1$, so the cross terms are negligible only for $p \gg n$.",
)

CLAIMS = [EXACT_CONDITION, SUBSPACES, ANGLE_BOUND, RANDOM_SIZE]

__all__ = ["CLAIMS", "fro", "spec", "cos1", "rho2", "E", "X", "p", "n", "C", "A", "zero_condition_proof",
           "rho2_montecarlo"]
