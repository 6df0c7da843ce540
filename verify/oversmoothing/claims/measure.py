r"""Claims ``os.measure.*``: what the measures of oversmoothing say.

Three questions, each a SymPy statement over the quantities of :mod:`.measure_quantities` (graph index ``G``,
features ``X, Y`` as tuples of rows, depth ``L``):

1. *Energy → 0 ⇒ equal features.*  For the plain Dirichlet energy ``E(X) = Σ_{ij∈E}‖x_i − x_j‖²`` this holds on
   every graph, quantitatively: ``spread(X) ≤ diam(G) E(X)`` and ``E(X) ≤ |E| spread(X)`` (spread = the largest
   ``‖x_i − x_j‖²`` over pairs in one component), proved for general graphs (telescoping along a shortest path and
   Cauchy–Schwarz, symbolic path length).  For the normalised energy ``E^sym`` it is refuted: features
   ``proportional to √(d+1)``
   have ``E^sym = 0`` (Bison & Sperduti 2025); what does hold is ``spread((D+I)^(-1/2)X) ≤ diam E^sym(X)``.
2. *Rusch, Bronstein & Mishra (2023), Definition 3.1:* a node-similarity measure ``μ: R^{n×C} → R_{≥0}`` on a
   connected graph satisfies (i) ``μ(X) = 0`` iff all rows of ``X`` are equal, (ii) ``μ(X + Y) ≤ μ(X) + μ(Y)``.
   Decided for ``√E`` (holds, general proof), ``√E^sym`` (fails (i)), MAD (Chen et al. 2020: fails (i) and (ii):
   positive multiples have cosine distance 0) and the numerical rank (Zhang et al. 2025: ``NumRank − 1`` fails
   (i) and (ii): rank one is not "equal rows").
3. *The numerical rank falls to 1* under mean aggregation: refuted at every finite depth in exact arithmetic
   (``P^L`` keeps the rank of ``P X_0`` when ``P = (D+I)⁻¹(A+I)`` is diagonalisable); what holds is
   ``σ_2/σ_1 proportional to |λ|_(2)^L`` (computed), which is why float64 reports rank 1 after a few dozen layers.
"""

from __future__ import annotations

from typing import Any, Callable

import mpmath
import sympy as sp

from verify.core.claim import Claim, Evidence, Mutant, Outcome, Prop, Step
from verify.core.evaluate import CannotEvaluate, evaluate
from verify.core.numeric import at_points, counterexample, limit_ladder
from verify.core.statement import All, Lim, Quantity, Rel
from verify.core.symbolic import derivation_evidence, prove

from .measure_quantities import (C5, FLOR, K4, K13, K17, K23, KARATE, P3, P3K2, P4, P6, GRAPHS, MAD, G, L, X, Y,
                                 Edir, Enrm, cspread, delta, diam, e_, every_part, m_, mX, nedges, np_limit, np_points,
                                 nrx, plen, psq, slem, sratio, vadd)

_HALF = sp.Rational(1, 2)
_ZERO = sp.Integer(0)

# ==============================================================================================================
# symbolic lemmas (general sizes): telescoping, the Lagrange identity, sums of non-negative terms
# ==============================================================================================================

_k, _l = sp.symbols("k l", integer=True, positive=True)
_t = sp.Symbol("t", integer=True, positive=True)
_ell = sp.Symbol("ell", integer=True, positive=True)
_y = sp.IndexedBase("y", real=True)
_d = sp.IndexedBase("d", real=True)
_w = sp.IndexedBase("w", nonnegative=True)


def _canonical(expr: Any) -> Any:
    """Every finite sum made linear (summand expanded, index-free factors pulled out, separable double sums
    written as products of single sums) and its index renamed to one dummy, so that equal sums compare equal."""

    def single(f: Any, var: Any, lo: Any, hi: Any) -> Any:
        out = _ZERO
        for term in sp.Add.make_args(sp.expand(f)):
            c, rest = term.as_independent(var, as_Add=False)
            out += c * ((hi - lo + 1) if rest == 1 else sp.Sum(rest.xreplace({var: _t}), (_t, lo, hi)))
        return out

    def lin(s: sp.Sum) -> Any:
        if len(s.limits) == 1:
            return single(s.function, *s.limits[0])
        if len(s.limits) == 2:
            (a, la, ha), (b, lb, hb) = s.limits
            out = _ZERO
            for term in sp.Add.make_args(sp.expand(s.function)):
                fa = sp.Mul(*[f for f in sp.Mul.make_args(term) if f.has(a) and not f.has(b)])
                fb = sp.Mul(*[f for f in sp.Mul.make_args(term) if f.has(b) and not f.has(a)])
                rest = sp.Mul(*[f for f in sp.Mul.make_args(term) if not f.has(a) and not f.has(b)])
                if sp.expand(fa * fb * rest - term) != 0:
                    return s
                out += rest * single(fa, a, la, ha) * single(fb, b, lb, hb)
            return out
        return s

    return sp.expand(sp.sympify(expr).replace(lambda e: isinstance(e, sp.Sum), lin))


def _sum_identity(a: Any, b: Any) -> bool:
    return sp.expand(_canonical(a) - _canonical(b)) == 0


def _nonneg_sum(s: Any) -> bool:
    """A (multiple) sum of non-negative terms over ranges ``1..n`` with ``n ≥ 0``: non-negative (possibly empty)."""
    s = sp.sympify(s)
    if isinstance(s, sp.Mul):
        return all(_nonneg_sum(f) if isinstance(f, sp.Sum) else bool(f.is_nonnegative) for f in s.args)
    return (isinstance(s, sp.Sum) and bool(s.function.is_nonnegative)
            and all(lo == 1 and hi.is_integer and hi.is_nonnegative for _, lo, hi in s.limits))


def telescoping() -> tuple[bool, str]:
    """``Σ_{k=1}^{ℓ} (y_k − y_{k−1}) = y_ℓ − y_0`` for symbolic ``ℓ`` (SymPy's telescoping summation)."""
    ok = sp.simplify(sp.Sum(_y[_k] - _y[_k - 1], (_k, 1, _ell)).doit() - (_y[_ell] - _y[0])) == 0
    return ok, "Σ_{k=1}^ℓ (y_k − y_{k−1}) = y_ℓ − y_0"


def lagrange_path() -> tuple[bool, str]:
    """``ℓ Σ_k d_k² − (Σ_k d_k)² = (1/2) Σ_k Σ_l (d_k − d_l)²`` (symbolic ``ℓ``): a sum of squares, so ≥ 0."""
    lhs = _ell * sp.Sum(_d[_k] ** 2, (_k, 1, _ell)) - sp.Sum(_d[_k], (_k, 1, _ell)) ** 2
    sq = _HALF * sp.Sum((_d[_k] - _d[_l]) ** 2, (_k, 1, _ell), (_l, 1, _ell))
    ok = _sum_identity(lhs, sq) and _nonneg_sum(sq)
    return ok, "ℓ Σd² − (Σd)² = (1/2) ΣΣ (d_k − d_l)² ≥ 0 (Lagrange, symbolic ℓ)"


def lagrange_cs(u: Any, v: Any, n: Any) -> tuple[bool, str]:
    """``Σu² Σv² − (Σuv)² = (1/2) Σ_k Σ_l (u_k v_l − u_l v_k)²`` over ``1..n`` (symbolic ``n``)."""
    A = sp.Sum(u[_k] ** 2, (_k, 1, n))
    B = sp.Sum(v[_k] ** 2, (_k, 1, n))
    C = sp.Sum(u[_k] * v[_k], (_k, 1, n))
    sq = _HALF * sp.Sum((u[_k] * v[_l] - u[_l] * v[_k]) ** 2, (_k, 1, n), (_l, 1, n))
    ok = _sum_identity(A * B - C ** 2, sq) and _nonneg_sum(sq)
    return ok, "Σu²Σv² − (Σuv)² = (1/2)ΣΣ(u_k v_l − u_l v_k)² ≥ 0 (Lagrange, symbolic m)"


# ==============================================================================================================
# custom step checks: the structure of the step (its own arguments), the general lemma, and a sanity
# evaluation of both sides at registry instances
# ==============================================================================================================

_SANITY = [
    {G: K13, X: ((1, 2), (3, 1), (2, 2), (1, 5))}, {G: P4, X: ((0, 0), (1, 0), (2, 1), (3, 3))},
    {G: P3K2, X: ((1, 1), (2, 0), (4, 1), (0, 3), (5, 5))}, {G: C5, X: ((1,), (4,), (2,), (8,), (5,))},
    {G: FLOR, X: tuple(((3 * k) % 7, (5 * k) % 4) for k in range(15))},
]


def _args(q: Any, cls: Any) -> tuple | None:
    return tuple(q.args) if isinstance(q, Quantity) and isinstance(q, cls) else None


def _sanity(lhs: Any, rhs: Any, rel: str, GX: tuple) -> str | None:
    """Both sides at the registry instances (with the step's own graph/feature symbols bound): ``None`` when the
    relation holds everywhere, else where it fails."""
    g, x = GX
    with mpmath.workdps(30):
        for inst in _SANITY:
            env = {g: inst[G], x: inst[X]}
            try:
                a, b = evaluate(lhs, env), evaluate(rhs, env)
            except CannotEvaluate:
                continue
            tol = mpmath.mpf(10) ** -20 * (1 + abs(a) + abs(b))
            ok = {"==": abs(a - b) <= tol, "<=": a <= b + tol, ">=": a + tol >= b}[rel]
            if not ok:
                return f"fails at {GRAPHS[inst[G]].name}: {mpmath.nstr(a, 8)} {rel} {mpmath.nstr(b, 8)}"
    return None


def _gx_of(expr: Any, cls: Any) -> tuple | None:
    """The ``(G, X)`` arguments of the (unique) ``cls`` quantity in ``expr``."""
    qs = [q for q in sp.sympify(expr).atoms(Quantity) if isinstance(q, cls)]
    return tuple(qs[0].args[:2]) if len(qs) == 1 else None


def path_cs_check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
    """``spread_G(X) ≤ ℓ · Σ_path ‖Δ‖²``: a farthest pair ``a, b`` of one component is joined by a shortest path
    ``p_0 = a .. p_ℓ = b``; per channel ``x_b − x_a = Σ_k (x_{p_k} − x_{p_{k−1}})`` (telescoping) and
    ``(Σ_k d_k)² ≤ ℓ Σ_k d_k²`` (Lagrange identity), summed over channels."""
    a = _args(lhs, cspread)
    if a is None or a[2] != 0 or sp.sympify(rhs) != plen(a[0], a[1]) * psq(a[0], a[1]):
        return None, "not spread(X) <= plen(X) psq(X) for one graph and one X"
    for lemma in (telescoping, lagrange_path):
        ok, why = lemma()
        if not ok:
            return None, f"lemma not verified: {why}"
    bad = _sanity(lhs, rhs, "<=", a[:2])
    if bad:
        return False, bad
    return True, "telescoping along a shortest path (SymPy) + Cauchy–Schwarz ℓΣd² − (Σd)² = (1/2)ΣΣ(d_k − d_l)² ≥ 0"


def path_diam_check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
    """``ℓ s ≤ diam(G) s``: a shortest path inside a component is at most its diameter, and ``s ≥ 0``."""
    gx = _gx_of(lhs, plen)
    if gx is None or sp.sympify(lhs) != plen(*gx) * psq(*gx) or sp.sympify(rhs) != diam(gx[0]) * psq(*gx):
        return None, "not plen(X) psq(X) <= diam(G) psq(X)"
    r, s = sp.Symbol("r", nonnegative=True), sp.Symbol("s", nonnegative=True)     # diam − ℓ = r ≥ 0, s = psq
    Dm = sp.Symbol("D", integer=True, nonnegative=True)
    diff = sp.expand((Dm * s - (Dm - r) * s))
    if not (diff - r * s == 0 and (r * s).is_nonnegative):
        return None, "sign not shown"
    bad = _sanity(plen(*gx), diam(gx[0]), "<=", gx)
    if bad:
        return False, bad
    return True, "ℓ ≤ diam(G) (shortest path in one component) and Σ_path ‖Δ‖² ≥ 0: (diam − ℓ)·s ≥ 0"


def path_subsum_check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
    """``D Σ_path ‖Δ‖² ≤ D E(X)``: the ℓ path edges are distinct edges of ``G``; with the edges numbered path
    first, ``E − Σ_path = Σ_{e=ℓ+1}^{m} w_e`` (SymPy combines the ranges), a sum of ``w_e ≥ 0``."""
    gx = _gx_of(lhs, psq)
    if gx is None or sp.sympify(lhs) != diam(gx[0]) * psq(*gx) or sp.sympify(rhs) != diam(gx[0]) * Edir(*gx):
        return None, "not diam psq(X) <= diam E(X)"
    m, ell = sp.Symbol("m", integer=True, nonnegative=True), sp.Symbol("ell", integer=True, nonnegative=True)
    rest = sp.Sum(_w[e_], (e_, ell + 1, m))
    if sp.simplify(sp.Sum(_w[e_], (e_, 1, m)) - sp.Sum(_w[e_], (e_, 1, ell)) - rest) != 0:
        return None, "the split of the edge sum is not shown"
    if not _w[e_].is_nonnegative:
        return None, "terms not shown >= 0"
    bad = _sanity(lhs, rhs, "<=", gx)
    if bad:
        return False, bad
    return True, "Σ_{e≤m} w_e − Σ_{e≤ℓ} w_e = Σ_{e=ℓ+1}^m w_e ≥ 0 (path edges first, ℓ ≤ m, w_e = ‖Δ_e‖² ≥ 0)"


def terms_le_max_check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
    """``E(X) ≤ |E| spread(X)``: each of the ``|E|`` terms ``‖x_i − x_j‖²`` is a same-component pair, so at most
    the spread ``M``: ``|E| M − Σ_e w_e = Σ_e (M − w_e)``, a sum of non-negative terms."""
    a = _args(lhs, Edir)
    if a is None or sp.sympify(rhs) != nedges(a[0]) * cspread(a[0], a[1], 0):
        return None, "not E(X) <= |E| spread(X)"
    m = sp.Symbol("m", integer=True, nonnegative=True)
    M, z = sp.Symbol("M", nonnegative=True), sp.IndexedBase("z", nonnegative=True)   # z_e = M − w_e ≥ 0
    lin = sp.simplify(m * M - sp.Sum(M - z[e_], (e_, 1, m)) - sp.Sum(z[e_], (e_, 1, m)).doit())
    if sp.simplify(_canonical(m * M - sp.Sum(M - z[e_], (e_, 1, m))) - _canonical(sp.Sum(z[e_], (e_, 1, m)))) != 0:
        return None, f"linear sums not shown ({lin})"
    bad = _sanity(lhs, rhs, "<=", a)
    if bad:
        return False, bad
    return True, "|E|·M − Σ_e w_e = Σ_e (M − w_e) with 0 ≤ w_e ≤ M (every edge joins a same-component pair)"


def render_chains(statement: All, chains: tuple) -> tuple:
    """Steps for the report: the chain of every part in turn, the first step of each later chain showing the
    part's left side (the evidence binds each chain to its part separately)."""
    import dataclasses

    out = list(chains[0])
    for part, steps in zip(statement.parts()[1:], chains[1:]):
        out.append(dataclasses.replace(steps[0], lhs=part.lhs))
        out.extend(steps[1:])
    return tuple(out)


_XS_PATH = (
    Step(None, plen(G, X) * psq(G, X), "<=", check=path_cs_check,
         why="a farthest pair a, b (one component) joined by a shortest path p_0 = a, ..., p_ℓ = b: "
             "x_b − x_a = Σ_k (x_{p_k} − x_{p_{k−1}}) (telescoping) and (Σ_k d_k)² ≤ ℓ Σ_k d_k² (Lagrange: the "
             "difference is (1/2) Σ_{k,l} (d_k − d_l)²), per channel"),
    Step(None, diam(G) * psq(G, X), "<=", check=path_diam_check,
         why="ℓ ≤ diam(G) for a shortest path inside a component; the path sum is ≥ 0"),
    Step(None, diam(G) * Edir(G, X), "<=", check=path_subsum_check,
         why="the path's ℓ edges are distinct edges of G, the other edges add ‖x_i − x_j‖² ≥ 0"),
)
_EDGES_MAX = (
    Step(None, nedges(G) * cspread(G, X, 0), "<=", check=terms_le_max_check,
         why="each of the |E| terms ‖x_i − x_j‖² is a pair of one component, so at most the spread"),
)

# ==============================================================================================================
# instances
# ==============================================================================================================

_FLOR_X = tuple(((3 * k) % 7 - 2, (5 * k) % 4 + 1) for k in range(15))
_FLOR_Y = tuple(((2 * k) % 5 + 1, (k * k) % 3 - 1) for k in range(15))
_KAR_X = tuple(((7 * k) % 11 - 5, (3 * k) % 5) for k in range(34))
_SQRT_D_K17 = ((2, 4),) + ((1, 2),) * 7          # proportional to √(d+1) on K_{1,7} ((d+1) = 8, 2): E^sym = 0 exactly

_ENERGY_POINTS = [
    {G: K13, X: ((1, 2), (3, 1), (2, 2), (1, 5))},
    {G: K13, X: ((3, 1),) * 4},                                  # constant
    {G: P4, X: ((0, 0), (1, 0), (2, 1), (3, 3))},
    {G: P6, X: ((0,), (1,), (2,), (3,), (4,), (5,))},             # linear along the path: spread = diam E... 5² vs 5·5
    {G: P3K2, X: ((1, 1), (1, 1), (1, 1), (0, 3), (0, 3))},       # constant per component (disconnected)
    {G: P3K2, X: ((1, 1), (2, 0), (4, 1), (0, 3), (5, 5))},
    {G: C5, X: ((1,), (4,), (2,), (8,), (5,))},
    {G: K17, X: _SQRT_D_K17},                                     # proportional to √(d+1)
    {G: K23, X: ((1, 0), (0, 1), (2, 2), (1, 3), (3, 1))},
    {G: FLOR, X: _FLOR_X},
]
_ENERGY_NP = [{G: KARATE, X: _KAR_X}, {G: FLOR, X: _FLOR_X}]


# ==============================================================================================================
# 1. energy → 0 ⇒ equal features
# ==============================================================================================================

ENERGY_PLAIN = Claim(
    id="os.measure.energy_zero_plain", source="Ex 3 (literature: Cai & Wang 2020; Rusch et al. 2023)",
    title="Plain Dirichlet energy → 0 ⇒ the features become equal (on each component)",
    display=r"E(X) = \sum_{ij\in E}\lVert x_i - x_j\rVert^2 \to 0 \iff \max_{i\sim_c j}\lVert x_i - x_j\rVert^2 \to 0"
            r":\quad \operatorname{spread}(X) \le \operatorname{diam}(G)\,E(X),\ \ "
            r"E(X) \le |E|\operatorname{spread}(X)",
    statement=All(Rel(cspread(G, X, 0), diam(G) * Edir(G, X), "<="),
                  Rel(Edir(G, X), nedges(G) * cspread(G, X, 0), "<=")),
    recorded="holds",
    assumptions=(r"G \text{ any undirected graph, unit weights; } X \in \mathbb R^{n\times C}",
                 r"\operatorname{spread}(\tilde D^{a}X) = \max_{i, j \text{ in one component}}"
                 r"\lVert \tilde d_i^{a}x_i - \tilde d_j^{a}x_j\rVert^2,\ \operatorname{diam}(G) = "
                 r"\text{largest component diameter}"),
    reading="'E → 0 ⇒ features equal' is checked as the two-sided quantitative equivalence of the energy and the "
            "largest squared distance within a component; E(X) = 0 iff X is constant on each component follows.",
    derivation=render_chains(All(Rel(cspread(G, X, 0), diam(G) * Edir(G, X), "<="),
                                 Rel(Edir(G, X), nedges(G) * cspread(G, X, 0), "<=")), (_XS_PATH, _EDGES_MAX)),
    evidence=[
        every_part([derivation_evidence(_XS_PATH, label="spread<=diamE", part=0),
                    derivation_evidence(_EDGES_MAX, label="E<=m spread", part=1)], label="general"),
        at_points(_ENERGY_POINTS, label="points",
                  description="both inequalities at 10 graphs/feature sets (constant, constant per component, "
                              "linear on a path, proportional to √(d+1), random), exact rationals"),
        np_points(_ENERGY_NP, label="float", rtol=1e-9,
                  description="the inequalities with E from dirichlet_energy (float64) on karate and Florentine"),
    ],
    mutants=(
        Mutant("no_diameter", statement=All(Rel(cspread(G, X, 0), Edir(G, X), "<="),
                                            Rel(Edir(G, X), nedges(G) * cspread(G, X, 0), "<=")),
               why="the path length dropped: spread ≤ E (false along a path: linear features on P_6 have spread 25, "
                   "E = 5)"),
        Mutant("no_edge_count", statement=All(Rel(cspread(G, X, 0), diam(G) * Edir(G, X), "<="),
                                              Rel(Edir(G, X), cspread(G, X, 0), "<=")),
               why="E ≤ spread (one edge's worth): false as soon as several edges differ"),
    ),
    depth="general",
    depth_note="both inequalities for every graph: telescoping and the Lagrange identity for a symbolic path "
               "length, sums of non-negative terms for a symbolic number of edges (custom checks that also compare "
               "the two sides at registry graphs)",
    note=r"So $E(X) = 0$ iff $X$ is constant on every component (on a connected graph: all rows equal), and "
         r"$E(X_L) \to 0$ iff the spread tends to 0.  The constants are sharp: linear features on $P_6$ give "
         r"$\operatorname{spread} = 25 = \operatorname{diam}\cdot E$.",
)

ENERGY_NORMALISED = Claim(
    id="os.measure.energy_zero_normalised", source="Ex 3 (literature: Bison & Sperduti 2025; Cai & Wang 2020)",
    title="Normalised Dirichlet energy → 0 ⇒ the features become equal",
    display=r"E^{\rm sym}(X) = \sum_{ij\in E}\Big\lVert\frac{x_i}{\sqrt{\tilde d_i}} - \frac{x_j}{\sqrt{\tilde d_j}}"
            r"\Big\rVert^2 \to 0 \implies \operatorname{spread}(X) \to 0",
    statement=Rel(cspread(G, X, 0), diam(G) * Enrm(G, X), "<="),
    recorded="refuted",
    assumptions=(r"\tilde d = d + 1 \text{ (self loops, as in GCN)};\ E^{\rm sym}(X) = \operatorname{tr}(X^\top"
                 r"(I - \tilde D^{-1/2}\tilde A\tilde D^{-1/2})X)",),
    reading="Checked with the same constant as the plain energy (spread ≤ diam(G)·E^sym); the counterexample has "
            "E^sym = 0 and spread > 0, so it refutes every constant.",
    evidence=[
        at_points(_ENERGY_POINTS, label="points",
                  description="spread(X) ≤ diam(G) E^sym(X) at the 10 graphs/feature sets (exact rationals)"),
        counterexample({G: K17, X: _SQRT_D_K17}, label="sqrt_degree",
                       description="K_{1,7}, X proportional to √(d+1) (rows (2,4) at the centre, (1,2) at the "
                                   "leaves): E^sym = 0 exactly, spread = 5"),
        np_points(_ENERGY_NP + [{G: KARATE, X: tuple((float(d) ** 0.5, 2 * float(d) ** 0.5)
                                                     for d in GRAPHS[KARATE].deg)}],
                  label="float", rtol=1e-9, atol=1e-12,
                  description="float64 dirichlet_energy(normalized=True) on karate and Florentine, and on karate "
                              "with X proportional to √(d+1) (float; a violation must exceed 1e-12 absolute)"),
    ],
    mutants=(
        Mutant("degree_normalised_spread", statement=Rel(cspread(G, X, -_HALF), diam(G) * Enrm(G, X), "<="),
               why="the correct statement: E^sym(X) = E((D+I)^(-1/2)X), so E^sym → 0 makes (D+I)^(-1/2)X equal: "
                   "X proportional to √(d+1)"),
    ),
    depth="fixed-size",
    depth_note="the counterexample exactly (K_{1,7}, arb-certified); the corrected statement follows from "
               "os.measure.energy_zero_plain applied to (D+I)^(-1/2)X and is checked at the instances",
    note=r"$E^{\rm sym}(X) = E(\tilde D^{-1/2}X)$, so $E^{\rm sym}(X) = 0$ iff $X \propto \sqrt{\tilde d}$ on each "
         r"component (Bison \& Sperduti 2025): a normalised energy that decays says that $\tilde D^{-1/2}X_L$ "
         r"becomes constant, which is GCN's limit $\sqrt{\tilde d}$ direction (\texttt{os.gcn.equal\_features}), not equal "
         r"features.",
)


# ==============================================================================================================
# 2. Rusch, Bronstein & Mishra (2023): axioms of a node-similarity measure
# ==============================================================================================================

def axioms(mu: Callable[[Any], Any], one_way: bool = False, subadditive: bool = True, a: Any = 0) -> All:
    """``μ ≥ 0``; ``sign μ(X) = sign spread((D+I)^a X)`` (μ = 0 iff constant rows; ``one_way``: ``≤``,
    constant ⇒ μ = 0);
    ``μ(X + Y) ≤ μ(X) + μ(Y)``."""
    parts = [Rel(mu(X), 0, ">="), Rel(sp.sign(mu(X)), sp.sign(cspread(G, X, a)), "<=" if one_way else "==")]
    if subadditive:
        parts.append(Rel(mu(vadd(X, Y)), mu(X) + mu(Y), "<="))
    return All(*parts)


def _muE(T: Any) -> Any:
    return sp.sqrt(Edir(G, T))


def _muN(T: Any) -> Any:
    return sp.sqrt(Enrm(G, T))


def _muMAD(T: Any) -> Any:
    return MAD(G, T)


def _muR(T: Any) -> Any:
    return nrx(T)


_AX_POINTS = [
    {G: K13, X: ((1, 2), (3, 1), (2, 2), (1, 5)), Y: ((2, 1), (1, 1), (4, 3), (2, 2))},
    {G: K13, X: ((3, 1),) * 4, Y: ((1, 2), (2, 1), (1, 1), (3, 3))},                 # X constant
    {G: K17, X: _SQRT_D_K17, Y: ((1, 1),) * 8},                                      # X proportional to √(d+1)
    {G: P3, X: ((1, 2), (2, 4), (3, 6)), Y: ((1, 1), (1, 1), (1, 1))},               # rows positive multiples
    {G: P4, X: ((1, 1), (2, 2), (3, 3), (4, 4)), Y: ((1, 0), (0, 1), (1, 0), (0, 1))},  # rank one, not constant
    {G: P3, X: ((1, 0), (3, 0), (2, 0)), Y: ((0, 1), (0, 1), (0, 1))},               # μ(X) = μ(Y) = 0 < μ(X + Y)
    {G: C5, X: ((1, 2), (4, 1), (2, 2), (8, 3), (5, 5)), Y: ((1, 2), (4, 1), (2, 2), (8, 3), (5, 5))},  # Y = X
    {G: K4, X: ((2, 1), (1, 3), (2, 2), (5, 1)), Y: ((1, 1), (2, 1), (1, 2), (1, 1))},
    {G: FLOR, X: _FLOR_X, Y: _FLOR_Y},
]


def _sign_sqrt_check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
    """``sign √q = sign q`` for ``q ≥ 0``: by cases ``q = 0`` and ``q > 0`` (SymPy evaluates both)."""
    L_, R_ = sp.sympify(lhs), sp.sympify(rhs)
    if not (isinstance(L_, sp.sign) and isinstance(R_, sp.sign) and L_.args[0] == sp.sqrt(R_.args[0])
            and R_.args[0].is_nonnegative):
        return None, "not sign(sqrt(q)) = sign(q) for q >= 0"
    q = sp.Symbol("q", positive=True)
    if sp.sign(sp.sqrt(q)) == sp.sign(q) == 1 and sp.sign(sp.sqrt(_ZERO)) == sp.sign(_ZERO) == 0:
        return True, "q = 0: both 0; q > 0: both 1"
    return None, "cases not shown"


def _sign_equiv_check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
    """``sign E(X) = sign spread(X)`` from the two lemmas ``spread ≤ diam E`` and ``E ≤ |E| spread``
    (os.measure.energy_zero_plain, re-proved here): both vanish together."""
    L_, R_ = sp.sympify(lhs), sp.sympify(rhs)
    if not (isinstance(L_, sp.sign) and isinstance(R_, sp.sign)):
        return None, "not sign(E) = sign(spread)"
    a = _args(L_.args[0], Edir)
    if a is None or R_.args[0] != cspread(a[0], a[1], 0):
        return None, "not sign(E(X)) = sign(spread(X)) for one graph and one X"
    # the lemmas are proved for the general symbols (G, X); the step's graph and features are an instance
    one = prove(Rel(cspread(G, X, 0), diam(G) * Edir(G, X), "<="), _XS_PATH)
    two = prove(Rel(Edir(G, X), nedges(G) * cspread(G, X, 0), "<="), _EDGES_MAX)
    if one.finding != "holds" or two.finding != "holds":
        return None, f"lemmas not proved: {one.figure}; {two.figure}"
    D = sp.Symbol("D", nonnegative=True)
    # e = 0: 0 ≤ s ≤ D·0 gives s = 0;  e > 0: e ≤ m s with m ≥ 1 gives s ≥ e/m > 0
    ep, mp_ = sp.Symbol("e", positive=True), sp.Symbol("m", positive=True)
    if not ((D * 0) == 0 and (ep / mp_).is_positive):
        return None, "case analysis not shown"
    return True, "spread ≤ diam·E and E ≤ |E|·spread (proved): E = 0 ⇒ spread = 0, E > 0 ⇒ spread ≥ E/|E| > 0"


_U, _V = (lambda: (delta(X), delta(Y)))()


def _linear_check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
    """The two sides agree once every sum is made linear (summand expanded, constants pulled out)."""
    if sp.expand(_canonical(lhs) - _canonical(rhs)) == 0:
        return True, "sums made linear: equal"
    return None, "not equal after making the sums linear"


def _abstract_sums(expr: Any) -> tuple[Any, dict]:
    reps = {}
    for j, s in enumerate(sorted(sp.sympify(expr).atoms(sp.Sum), key=sp.default_sort_key)):
        reps[s] = sp.Symbol(f"S{j}", nonnegative=True) if s.function.is_nonnegative else sp.Symbol(f"S{j}", real=True)
    return sp.sympify(expr).xreplace(reps), reps


def _cs_sqrt_check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
    """``√(A + 2C + B) ≤ √(A + 2√(AB) + B)`` with ``A = Σu², B = Σv², C = Σuv``: ``C ≤ √(C²) ≤ √(AB)`` by the
    Lagrange identity (symbolic ``m``), and ``√`` is increasing."""
    L_, R_ = sp.sympify(lhs), sp.sympify(rhs)
    if not (isinstance(L_, sp.Pow) and L_.exp == _HALF and isinstance(R_, sp.Pow) and R_.exp == _HALF):
        return None, "not a comparison of two square roots"
    u, v = sp.IndexedBase(_U(e_).base.label, real=True), sp.IndexedBase(_V(e_).base.label, real=True)
    A, B = sp.Sum(u[e_] ** 2, (e_, 1, m_)), sp.Sum(v[e_] ** 2, (e_, 1, m_))
    C = sp.Sum(u[e_] * v[e_], (e_, 1, m_))
    if sp.expand(_canonical(R_.base - L_.base) - _canonical(2 * (sp.sqrt(A * B) - C))) != 0:
        return None, "the radicands do not differ by 2(√(AB) − C)"
    ok, why = lagrange_cs(u, v, m_)
    if not ok:
        return None, "Lagrange identity not verified"
    return True, f"{why}, so C ≤ |C| ≤ √(AB); √ is increasing"


def _sqrt_square_check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
    """``√(A + 2√(AB) + B) = √A + √B`` for ``A, B ≥ 0`` (sums of squares): write ``A = p², B = q²``."""
    d, reps = _abstract_sums(sp.sympify(lhs) - sp.sympify(rhs))
    syms = sorted(reps.values(), key=str)
    if not all(s.is_nonnegative for s in syms):
        return None, "sums not shown >= 0"
    pq = {s: sp.Symbol(f"p{j}", nonnegative=True) ** 2 for j, s in enumerate(syms)}
    d = d.xreplace(pq)
    d = d.replace(lambda e: isinstance(e, sp.Pow) and e.exp == _HALF, lambda e: sp.sqrt(sp.factor(e.base)))
    if sp.simplify(d) == 0:
        return True, "A = p², B = q² (p, q ≥ 0): √(p² + 2pq + q²) = p + q"
    return None, "not shown"


_A0_STEPS = (Step(None, _ZERO, ">=", why="a square root is ≥ 0"),)
_A1_STEPS = (
    Step(None, sp.sign(Edir(G, X)), check=_sign_sqrt_check, why="√q = 0 iff q = 0 (q ≥ 0)"),
    Step(None, sp.sign(cspread(G, X, 0)), check=_sign_equiv_check,
         why="spread ≤ diam(G)·E and E ≤ |E|·spread (os.measure.energy_zero_plain, re-proved in the check): the "
             "two vanish together"),
)
_A2_STEPS = (
    Step(None, sp.sqrt(sp.Sum((_U(e_) + _V(e_)) ** 2, (e_, 1, m_))),
         why="definition: E sums ‖x_i − x_j‖² over the m (edge, channel) terms; the differences of X + Y are "
             "δ_X + δ_Y"),
    Step(None, sp.sqrt(sp.Sum(_U(e_) ** 2, (e_, 1, m_)) + 2 * sp.Sum(_U(e_) * _V(e_), (e_, 1, m_))
                       + sp.Sum(_V(e_) ** 2, (e_, 1, m_))), check=_linear_check, why="expand the square"),
    Step(None, sp.sqrt(sp.Sum(_U(e_) ** 2, (e_, 1, m_)) + 2 * sp.sqrt(sp.Sum(_U(e_) ** 2, (e_, 1, m_))
                                                                       * sp.Sum(_V(e_) ** 2, (e_, 1, m_)))
                       + sp.Sum(_V(e_) ** 2, (e_, 1, m_))), "<=", check=_cs_sqrt_check,
         why="Cauchy–Schwarz: Σuv ≤ √(Σu² Σv²) (Lagrange identity, symbolic m)"),
    Step(None, sp.sqrt(sp.Sum(_U(e_) ** 2, (e_, 1, m_))) + sp.sqrt(sp.Sum(_V(e_) ** 2, (e_, 1, m_))),
         check=_sqrt_square_check, why="A + 2√(AB) + B = (√A + √B)² for A, B ≥ 0"),
    Step(None, sp.sqrt(Edir(G, X)) + sp.sqrt(Edir(G, Y)), why="definition of E"),
)

AXIOMS_DIRICHLET = Claim(
    id="os.measure.axioms_dirichlet", source="Ex 3 (literature: Rusch, Bronstein & Mishra 2023, Def. 3.1)",
    title="√E (plain Dirichlet energy) is a node-similarity measure in the sense of Rusch et al.",
    display=r"\mu(X) = \sqrt{E(X)}:\quad \mu \ge 0,\quad \mu(X) = 0 \iff x_i = c\ \forall i,\quad "
            r"\mu(X + Y) \le \mu(X) + \mu(Y)",
    statement=axioms(_muE),
    recorded="holds",
    assumptions=(r"G \text{ connected (Rusch et al.)}",
                 r"\mu(X) = 0 \iff X \text{ constant is checked as } \operatorname{sign}\mu(X) = "
                 r"\operatorname{sign}\operatorname{spread}(X)"),
    reading="Rusch et al. (2023), Def. 3.1: μ: R^{n×C} → R_{≥0} with (i) μ(X) = 0 iff all rows equal and (ii) "
            "μ(X + Y) ≤ μ(X) + μ(Y); their E carries a factor 1/n and counts each edge twice, which changes "
            "neither axiom.  (i) is checked as sign μ(X) = sign spread(X) (the spread over pairs of one component "
            "is 0 iff all rows are equal on a connected graph).",
    derivation=render_chains(axioms(_muE), (_A0_STEPS, _A1_STEPS, _A2_STEPS)),
    evidence=[
        every_part([derivation_evidence(_A0_STEPS, label="nonneg", part=0),
                    derivation_evidence(_A1_STEPS, label="zero_iff_constant", part=1),
                    derivation_evidence(_A2_STEPS, label="subadditive", part=2)], label="general"),
        at_points(_AX_POINTS, label="points",
                  description="the three axioms at 9 graphs / feature pairs (constant, proportional to √(d+1), "
                              "positive multiples, rank one, Y = X, random), exact rationals"),
    ],
    mutants=(
        Mutant("energy_not_root", statement=All(*axioms(_muE).parts()[:2],
                                                Rel(Edir(G, vadd(X, Y)), Edir(G, X) + Edir(G, Y), "<=")),
               why="the energy itself taken as μ: it is quadratic, E(2X) = 4E(X) > 2E(X)"),
        Mutant("degree_normalised_zero", statement=axioms(_muE, a=-_HALF),
               why="the zero set of the normalised energy (X proportional to √(d+1)) attributed to the plain one"),
    ),
    depth="general",
    depth_note="(i) from os.measure.energy_zero_plain (general graphs), (ii) Minkowski via the Lagrange identity "
               "for a symbolic number of (edge, channel) terms",
    note=r"$\sqrt{E(X)} = \lVert BX\rVert_F$ with $B$ the edge-node incidence matrix: a seminorm whose kernel is "
         r"the constants on a connected graph.",
)

AXIOMS_NORMALISED = Claim(
    id="os.measure.axioms_normalised", source="Ex 3 (literature: Rusch et al. 2023; Bison & Sperduti 2025)",
    title="√E^sym (normalised Dirichlet energy) is a node-similarity measure in the sense of Rusch et al.",
    display=r"\mu(X) = \sqrt{E^{\rm sym}(X)}:\quad \mu \ge 0,\quad \mu(X) = 0 \iff x_i = c\ \forall i,\quad "
            r"\mu(X + Y) \le \mu(X) + \mu(Y)",
    statement=axioms(_muN),
    recorded="refuted",
    assumptions=(r"G \text{ connected};\ \tilde d = d + 1",),
    reading="As os.measure.axioms_dirichlet, for μ = √E^sym.",
    evidence=[
        at_points(_AX_POINTS, label="points", description="the three axioms at the 9 instances (exact rationals)"),
        counterexample(_AX_POINTS[2], label="sqrt_degree",
                       description="K_{1,7}, X proportional to √(d+1): μ(X) = 0 (exactly) but the rows differ"),
    ],
    mutants=(
        Mutant("zero_on_sqrt_degree", statement=axioms(_muN, a=-_HALF),
               why="the correct zero set: μ(X) = 0 iff (D+I)^(-1/2)X is constant, i.e. X proportional to √(d+1) "
                   "(subadditivity holds: √E^sym(X) = √E((D+I)^(-1/2)X) is a seminorm)"),
    ),
    depth="fixed-size",
    depth_note="the counterexample exactly (arb-certified); axiom (i) fails in both directions (constant X on a "
               "non-regular graph has μ > 0)",
    note=r"Both directions of (i) fail: $X \propto \sqrt{\tilde d}$ gives $\mu = 0$ with unequal rows, constant "
         r"$X$ on $K_{1,3}$ gives $\mu > 0$.",
)

AXIOMS_MAD = Claim(
    id="os.measure.axioms_mad", source="Ex 3 (literature: Chen et al. 2020; Rusch et al. 2023)",
    title="MAD (mean average cosine distance) is a node-similarity measure in the sense of Rusch et al.",
    display=r"\mu(X) = \operatorname{MAD}(X) = \frac{1}{|V'|}\sum_{v}\frac{1}{|N(v)|}\sum_{u\in N(v)}\Big(1 - "
            r"\frac{x_u^\top x_v}{\lVert x_u\rVert\lVert x_v\rVert}\Big):\quad\text{axioms (i), (ii)}",
    statement=axioms(_muMAD),
    recorded="refuted",
    assumptions=(r"G \text{ connected; rows of } X, Y, X + Y \text{ non-zero (the cosine is undefined at 0)}",),
    reading="Chen et al.'s MAD with the adjacency as mask (neighbour pairs, each node's average over its neighbours, "
            "then the mean over nodes), as verify.oversmoothing.mad(graph, X).  A zero row is outside its domain "
            "here (the sklearn convention, distance 1, would make MAD(0) = 1: another failure of (i)).",
    evidence=[
        at_points(_AX_POINTS, label="points", description="the three axioms at the 9 instances (exact rationals)"),
        counterexample(_AX_POINTS[3], label="multiples",
                       description="P_3, rows (1,2), (2,4), (3,6): positive multiples, cosine distance 0, MAD = 0"),
    ],
    mutants=(
        Mutant("constant_implies_zero", statement=axioms(_muMAD, one_way=True, subadditive=False),
               why="what MAD does satisfy: μ ≥ 0 and constant (non-zero) rows give μ = 0 — one direction of (i), "
                   "no subadditivity"),
    ),
    depth="fixed-size",
    depth_note="counterexamples exact (arb-certified): (i) at positive multiples, (ii) at X = (1,0),(3,0),(2,0), "
               "Y = (0,1) on every node of P_3",
    note=r"MAD only sees directions: $\operatorname{MAD}(tX) = \operatorname{MAD}(X)$ for $t > 0$ and rows that are "
         r"positive multiples of one vector have MAD 0.  (ii) fails too: $\operatorname{MAD}(X) = "
         r"\operatorname{MAD}(Y) = 0 < \operatorname{MAD}(X + Y)$ for the instance above.",
)

AXIOMS_RANK = Claim(
    id="os.measure.axioms_rank", source="Ex 3 (literature: Zhang et al. 2025; Rusch et al. 2023)",
    title="NumRank − 1 (numerical rank) is a node-similarity measure in the sense of Rusch et al.",
    display=r"\mu(X) = \operatorname{NumRank}(X) - 1 = \frac{\lVert X\rVert_F^2}{\lVert X\rVert_2^2} - 1:\quad"
            r"\text{axioms (i), (ii)}",
    statement=axioms(_muR),
    recorded="refuted",
    assumptions=(r"X \ne 0;\ \text{two channels (the instances)}",),
    reading="Zhang et al. (2025) measure oversmoothing by the numerical rank ‖X‖_F²/‖X‖_2² (1 iff rank one) and "
            "the effective rank; 'rank 1 = oversmoothed' read as a node-similarity measure μ = NumRank − 1.  The "
            "count-of-singular-values rank (numpy's matrix_rank, verify.oversmoothing.numerical_rank) fails for "
            "the same instances.",
    evidence=[
        at_points(_AX_POINTS, label="points", description="the three axioms at the 9 instances (exact rationals)"),
        counterexample(_AX_POINTS[4], label="rank_one",
                       description="P_4, X = u vᵀ with u = (1,2,3,4), v = (1,1): rank one, NumRank = 1, rows differ"),
    ],
    mutants=(
        Mutant("constant_implies_rank_one", statement=axioms(_muR, one_way=True, subadditive=False),
               why="what the rank does satisfy: constant rows give rank one (μ = 0) — one direction of (i), no "
                   "subadditivity"),
    ),
    depth="fixed-size",
    depth_note="counterexamples exact (arb-certified; the Gram determinant is an exact 0 for rank one)",
    note=r"Rank one means $X = u v^\top$: every row is a multiple of $v^\top$, equal only when $u$ is constant.  "
         r"Subadditivity fails as well: two rank-one matrices can add to rank two.",
)


# ==============================================================================================================
# 3. the numerical rank under mean aggregation
# ==============================================================================================================

_RANK_X = {K13: ((1, 2), (2, 5), (3, 6), (0, 1)), P3: ((1, 0), (2, 3), (0, 1)), P4: ((1, 2), (0, 1), (3, 1), (2, 2)),
           K23: ((1, 0), (0, 1), (2, 2), (1, 3), (4, 1)), K4: ((1, 2), (2, 5), (3, 6), (0, 1)), FLOR: _FLOR_X}
def float_rank_depth(instances: list, label: str = "float:depth", max_depth: int = 400) -> Evidence:
    """Where float64 says "rank one": the first depth at which the package's ``numerical_rank`` (count of singular
    values above ``max(n, C) eps σ_1``) of ``propagate(..., 'mean')`` is 1, and the first depth at which the
    float64 stable rank ``‖X‖_F²/‖X‖_2²`` is exactly 1.0; the statement is then decided *exactly* (mpmath,
    rational iterates) at the first of those depths: rounding that says rank one is not a rank-one matrix."""

    def run(prop: Prop) -> Outcome:
        import numpy as np

        from verify.oversmoothing import numerical_rank, propagate

        parts = [p for p in prop.statement.parts() if isinstance(p, Rel)]
        if not parts:
            return Outcome("undecided", "no relation in the statement")
        figs = []
        for inst in instances:
            g = GRAPHS[inst[G]]
            Xs = propagate(g.adjacency(), np.asarray(inst[X], dtype=np.float64), max_depth, "mean")
            count = next((k for k in range(max_depth + 1) if numerical_rank(Xs[k]) == 1), None)
            stable = next((k for k in range(max_depth + 1)
                           if np.linalg.norm(Xs[k]) ** 2 / np.linalg.svd(Xs[k], compute_uv=False)[0] ** 2 == 1.0),
                          None)
            if count is None or stable is None:
                return Outcome("undecided", f"float64 never reports rank one on {g.name} up to L = {max_depth}")
            depth = min(count, stable)
            with mpmath.workdps(30):
                for part in parts:
                    env = {**inst, L: depth}
                    a, b = evaluate(part.lhs, env), evaluate(part.rhs, env)
                    ok = {"==": a == b, "<=": a <= b, "<": a < b, ">=": a >= b, ">": a > b}[part.rel]
                    gap = mpmath.nstr(evaluate(nrx(mX(G, X, L)), env), 3)
                    fig = (f"float64 reports rank one on {g.name} from L = {stable} (‖X‖_F²/‖X‖_2² == 1.0) and "
                           f"L = {count} (numerical_rank); exactly at L = {depth}: NumRank − 1 = {gap}")
                    if not ok:
                        return Outcome("refuted", fig + f", so {mpmath.nstr(a, 6)} {part.rel} {mpmath.nstr(b, 6)} "
                                                        "is false", data={"count_depth": count, "stable_depth": stable})
                    figs.append(fig)
        return Outcome("holds", "; ".join(figs) + " (the statement holds there)")

    return Evidence("numpy", run, label=label,
                    description="the depth at which float64 reports rank one (package API), and the statement "
                                "decided exactly at that depth")


_DEPTHS = (1, 4, 16, 64, 256, 1024)
_RANK_POINTS = [{G: g, X: x, L: depth} for g, x in _RANK_X.items() if g != FLOR for depth in _DEPTHS] + \
    [{G: FLOR, X: _FLOR_X, L: depth} for depth in (1, 16, 64)]
_RANK_NP = [{G: KARATE, X: _KAR_X, L: depth} for depth in (1, 4)] + [{G: FLOR, X: _FLOR_X, L: 4}]

RANK_ONE = Claim(
    id="os.measure.rank_one", source="Ex 3 (literature: Zhang et al. 2025)",
    title="Under mean aggregation the numerical rank falls to 1 (at finite depth)",
    display=r"\operatorname{NumRank}\big((\tilde D^{-1}\tilde A)^L X_0\big) = 1 \text{ at a finite depth } L",
    statement=Rel(sp.sign(nrx(mX(G, X, L))), 0, "=="),
    recorded="refuted",
    assumptions=(r"G \text{ connected, } \tilde A = A + I;\ P = \tilde D^{-1}\tilde A;\ X_0 \text{ of rank } 2",
                 r"\operatorname{NumRank}(X) = \lVert X\rVert_F^2/\lVert X\rVert_2^2"),
    reading="'Falls to 1' is read as: NumRank(P^L X_0) = 1 at some finite depth L (and after), i.e. "
            "sign(NumRank − 1) = 0.  Checked in exact arithmetic (P^L X_0 in rationals, NumRank − 1 = Σ_{k≥2}σ_k²/σ_1² "
            "computed without a difference, so its sign is certain however small it is) at L = 1, 4, 16, 64, 256, "
            "1024. These depths refute 'for every L', and make 'at some L' implausible; 'at no finite L' follows "
            "from rank(P^L X_0) = rank(P X_0) for L >= 1 (P is diagonalisable, so ker P^L = ker P), argued in the note, not machine-checked.",
    evidence=[
        at_points(_RANK_POINTS, label="depths",
                  description="NumRank(P^L X_0) − 1 at L = 1, 4, 16, 64, 256, 1024 on K_{1,3}, P_3, P_4, K_{2,3}, K_4 "
                              "and L = 1, 16, 64 on Florentine (exact rational powers, 50/100 digits)"),
        counterexample({G: K13, X: _RANK_X[K13], L: 1024}, label="star",
                       description="K_{1,3}, L = 1024: NumRank − 1 ≈ 4^-1024 > 0, certified by arb"),
        np_points(_RANK_NP, label="float", rtol=1e-12,
                  description="float64 NumRank − 1 of propagate(..., 'mean') on karate (L = 1, 4) and Florentine "
                              "(L = 4)"),
        float_rank_depth([{G: FLOR, X: _FLOR_X}]),
    ],
    mutants=(
        Mutant("rank_fixed_after_one_layer",
               statement=Rel(sp.sign(nrx(mX(G, X, L))), sp.sign(nrx(mX(G, X, 1))), "=="),
               why="the correct statement: P is diagonalisable, so rank(P^L X_0) = rank(P X_0) for every L ≥ 1 — "
                   "rank one at depth L iff already at depth 1 (K_4: P = J/4 has rank one)"),
    ),
    depth="fixed-size",
    depth_note="exact at the listed depths and graphs (arb-certified at K_{1,3}, L = 1024); for all depths by "
               "rank(P^L X_0) = rank(P X_0), L ≥ 1 (P diagonalisable: similar to the symmetric "
               "(D+I)^(-1/2)(A+I)(D+I)^(-1/2)), "
               "which is not proved by the engine",
    note=r"In exact arithmetic the rank never falls on $K_{1,3}$, $P_n$, $K_{2,3}$, Florentine ($P$ invertible); "
         r"it falls at $L = 1$ exactly when $P$ kills the non-constant part of $X_0$ (complete graphs: "
         r"$P = J/n$).  What falls is $\sigma_2/\sigma_1$, like $|\lambda|_{(2)}^L$ (\texttt{os.measure.rank\_rate}): "
         r"in float64 $\operatorname{NumRank} = 1 + (\sigma_2/\sigma_1)^2$ rounds to 1 once "
         r"$(\sigma_2/\sigma_1)^2 < 2^{-53}$ (on the Florentine families after about a hundred layers, evidence "
         r"float:depth), while the exact matrix still has rank 2.",
)

_RATE_X = [{G: g, X: _RANK_X[g]} for g in (K13, P3, P4, K23)]

RANK_RATE = Claim(
    id="os.measure.rank_rate", source="Ex 3 (literature: Zhang et al. 2025; Oono & Suzuki 2020)",
    title="Under mean aggregation σ_2/σ_1 of the features decays like |λ|_(2)^L (computed)",
    display=r"\frac{(\sigma_2/\sigma_1)(P^{L+1}X_0)}{(\sigma_2/\sigma_1)(P^{L}X_0)} \to |\lambda|_{(2)}(P)",
    statement=Lim(sratio(mX(G, X, L + 1)) / sratio(mX(G, X, L)), L, sp.oo, slem(G, sp.Integer(1))),
    recorded="holds",
    assumptions=(r"G \text{ connected, } \tilde A = A + I;\ P = \tilde D^{-1}\tilde A;\ X_0 \in \mathbb R^{n\times 2}"
                 r" \text{ generic}",),
    reading="The rate |λ|_(2) is the second-largest eigenvalue modulus of P, computed (mpmath eigsy of the similar "
            "symmetric matrix), never typed in; 'generic' X_0: components along the top two eigenvectors.",
    evidence=[
        limit_ladder(_RATE_X, xs=(10, 40, 160, 640), label="ladder",
                     description="the ratio at L = 10, 40, 160, 640 (exact rational P^L X_0, singular values at "
                                 "50-80 digits) against |λ|_(2)"),
        np_limit([{G: KARATE, X: _KAR_X}], xs=(40, 80, 120), rtol=1e-6, label="float",
                 description="float64 σ_2/σ_1 of propagate(..., 'mean') on karate at L = 40, 80, 120"),
    ],
    mutants=(
        Mutant("squared_rate", statement=Lim(sratio(mX(G, X, L + 1)) / sratio(mX(G, X, L)), L, sp.oo,
                                             slem(G, sp.Integer(1)) ** 2),
               why="the energy's rate |λ|_(2)² taken for the rate of σ_2/σ_1"),
        Mutant("no_self_loops", statement=Lim(sratio(mX(G, X, L + 1)) / sratio(mX(G, X, L)), L, sp.oo,
                                              slem(G, sp.Integer(0))),
               why="the eigenvalue of D⁻¹A (without self loops) taken for that of (D+I)⁻¹(A+I)"),
    ),
    depth="numeric",
    depth_note="high-precision ladders (exact rational iterates) on K_{1,3}, P_3, P_4, K_{2,3}; float64 on karate",
    note=r"$\sigma_1\sigma_2(P^LX_0) = \sqrt{\det(X_L^\top X_L)}$ is a sum of squared $2\times2$ minors, which "
         r"scale like $\lambda_1\lambda_2 = \lambda_2$ per layer (Cauchy–Binet), while $\sigma_1$ converges.",
)

CLAIMS = [ENERGY_PLAIN, ENERGY_NORMALISED, AXIOMS_DIRICHLET, AXIOMS_NORMALISED, AXIOMS_MAD, AXIOMS_RANK,
          RANK_ONE, RANK_RATE]
