r"""Quantities and statement-bound evidence builders for the claims ``os.gcn.*`` and ``os.measure.*``.

Graphs are per-instance data: the symbol ``G`` (an integer) indexes :data:`GRAPHS`, a fixed registry of small
exact graphs (stars, paths, a cycle, complete graphs, a disconnected graph) and two graphs networkx ships
(Florentine families, Zachary's karate club, *unweighted*).  Node features are the symbols ``X``, ``Y``: their
instance values are tuples, one number per node (one channel) or one tuple per node (``n x C``).  Every graph
is used with self loops where the operators are concerned (``A + I``, ``degrees with self loop d + 1``), as in GCN.

Quantities (each with an mpmath and, where a certified counterexample needs it, an arb implementation; the ones
that enter exact limits also with an ``explicit`` SymPy form for concrete arguments):

``Edir(G, X)``           plain Dirichlet energy ``Σ_{ij ∈ E} ‖x_i − x_j‖²`` (edges ``i ≠ j``, unit weights)
``Enrm(G, X)``           normalised energy ``Σ_{ij ∈ E} ‖x_i/√(d_i+1) − x_j/√(d_j+1)‖²``
                         ``= tr(Xᵀ(I − (D+I)^(-1/2)(A+I)(D+I)^(-1/2))X)``
``cspread(G, X, a)``     ``max ‖(d_i+1)^a x_i − (d_j+1)^a x_j‖²`` over pairs in the same connected component
``diam(G)``, ``nedges(G)``, ``dt(G, i)``   largest component diameter, number of edges, ``(d_i+1)``
``MAD(G, X)``            neighbour MAD (Chen et al. 2020, cosine distance), rows must be non-zero
``nrx(X)``, ``sratio(X)``     ``NumRank(X) − 1`` (numerical rank ``‖X‖_F²/‖X‖_2²`` of Zhang et al., minus one,
                         computed as ``Σ_{k≥2}σ_k²/σ_1²``) and ``σ_2/σ_1``
``vadd(X, Y)``, ``at(T, i)``  the sum of two feature tuples, the entry of node ``i``
``gX(G, X, L)``          ``Ahat^L X`` with the GCN operator ``Ahat = (D+I)^(-1/2)(A+I)(D+I)^(-1/2)``
``mX(G, X, L)``          ``P^L X`` with the mean operator ``P = (D+I)⁻¹(A+I)`` (exact rational powers)
``gdist(G, X, L)``       ``‖Ahat^L X − Π Ahat^L X‖`` (distance to the line ``span √(d+1)``, computed deflated)
``gproj(G, X)``          ``√(d+1)ᵀX / ‖√(d+1)‖²``;  ``Esqd(G)``: ``Σ_{ij∈E}(√(d_i+1) − √(d_j+1))²``
                         (the plain energy of ``√(d+1)``)
``slem(G, s)``           second-largest eigenvalue modulus of ``(D+I)⁻¹(A+I)`` (``s = 1``) or ``D^{-1}A`` (``s = 0``)

Exact arithmetic: when the inputs are exact (integers, dyadic decimals: every mpf, and arb balls of radius 0),
the quantities are computed in rationals and only the square roots that are not rational go through the backend,
so a value that is exactly 0 (features ``proportional to √(d+1)`` of ``K_{1,7}``, rows that are positive multiples, a
rank-one matrix) is exactly 0 in mpmath and an exact ball in arb, and certificates can rest on it.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Sequence

import mpmath
import numpy as np
import sympy as sp

from verify.core.claim import Evidence, Outcome, Prop
from verify.core.evaluate import CannotEvaluate, evaluate
from verify.core.statement import Lim, Quantity, Rel, Statement, describe_instance, instantiate, quantity, satisfies
from verify.core.symbolic import every_part  # noqa: F401 - re-exported for the measure claims

try:
    import flint
except ImportError:  # pragma: no cover
    flint = None

# ==============================================================================================================
# symbols
# ==============================================================================================================

#: the graph (an index into :data:`GRAPHS`)
G = sp.Symbol("G", integer=True, nonnegative=True)
#: node features (instance values: tuples)
X = sp.Symbol("X")
Y = sp.Symbol("Y")
#: number of layers
L = sp.Symbol("L", integer=True, nonnegative=True)
#: nodes
i_ = sp.Symbol("i", integer=True, nonnegative=True)
j_ = sp.Symbol("j", integer=True, nonnegative=True)


# ==============================================================================================================
# graphs
# ==============================================================================================================

@dataclass(frozen=True)
class Graph:
    """An undirected simple graph on nodes ``0 .. n−1`` (edges ``i < j``, unit weights)."""

    name: str
    tex: str
    n: int
    edges: tuple

    @functools.cached_property
    def nbrs(self) -> tuple:
        out = [[] for _ in range(self.n)]
        for a, b in self.edges:
            out[a].append(b)
            out[b].append(a)
        return tuple(tuple(sorted(o)) for o in out)

    @functools.cached_property
    def deg(self) -> tuple:
        """``degrees with self loop d + 1`` (degrees with the self loop of ``A + I``)."""
        return tuple(len(o) + 1 for o in self.nbrs)

    @functools.cached_property
    def deg0(self) -> tuple:
        return tuple(len(o) for o in self.nbrs)

    @functools.cached_property
    def comp(self) -> tuple:
        lab = [-1] * self.n
        c = 0
        for s in range(self.n):
            if lab[s] >= 0:
                continue
            stack, lab[s] = [s], c
            while stack:
                v = stack.pop()
                for w in self.nbrs[v]:
                    if lab[w] < 0:
                        lab[w] = c
                        stack.append(w)
            c += 1
        return tuple(lab)

    def bfs(self, s: int) -> list:
        dist = [-1] * self.n
        dist[s], frontier = 0, [s]
        while frontier:
            nxt = []
            for v in frontier:
                for w in self.nbrs[v]:
                    if dist[w] < 0:
                        dist[w] = dist[v] + 1
                        nxt.append(w)
            frontier = nxt
        return dist

    @functools.cached_property
    def diameter(self) -> int:
        """The largest diameter of a connected component (0 for edgeless graphs)."""
        return max(max(self.bfs(s)) for s in range(self.n))

    @functools.cached_property
    def pairs(self) -> tuple:
        """Node pairs ``i < j`` in the same component."""
        return tuple((a, b) for a in range(self.n) for b in range(a + 1, self.n) if self.comp[a] == self.comp[b])

    @property
    def connected(self) -> bool:
        return max(self.comp) == 0

    def adjacency(self):
        """Unweighted scipy CSR adjacency (for the numpy API of :mod:`verify.oversmoothing`)."""
        import scipy.sparse as sps

        rows = [a for a, b in self.edges] + [b for a, b in self.edges]
        cols = [b for a, b in self.edges] + [a for a, b in self.edges]
        return sps.csr_array((np.ones(len(rows)), (rows, cols)), shape=(self.n, self.n))

    def networkx(self):
        import networkx as nx

        g = nx.Graph()
        g.add_nodes_from(range(self.n))
        g.add_edges_from(self.edges)
        return g


def _from_nx(name: str, tex: str, g: Any) -> Graph:
    nodes = sorted(g, key=str)
    idx = {v: k for k, v in enumerate(nodes)}
    edges = sorted({tuple(sorted((idx[a], idx[b]))) for a, b in g.edges() if a != b})
    return Graph(name, tex, len(nodes), tuple(edges))


def _star(m: int) -> tuple:
    return tuple((0, k) for k in range(1, m + 1))


def _path(n: int) -> tuple:
    return tuple((k, k + 1) for k in range(n - 1))


def _registry() -> tuple:
    import networkx as nx

    return (
        Graph("K13", r"K_{1,3}", 4, _star(3)),
        Graph("P3", r"P_3", 3, _path(3)),
        Graph("P4", r"P_4", 4, _path(4)),
        Graph("K23", r"K_{2,3}", 5, tuple((a, b) for a in (0, 1) for b in (2, 3, 4))),
        Graph("C5", r"C_5", 5, _path(5) + ((0, 4),)),
        Graph("K4", r"K_4", 4, tuple((a, b) for a in range(4) for b in range(a + 1, 4))),
        Graph("K17", r"K_{1,7}", 8, _star(7)),
        Graph("P3+K2", r"P_3 \sqcup K_2", 5, _path(3) + ((3, 4),)),
        _from_nx("florentine", r"\text{Florentine}", nx.florentine_families_graph()),
        _from_nx("karate", r"\text{karate}", nx.karate_club_graph()),
        Graph("P6", r"P_6", 6, _path(6)),
    )


#: the graph registry; the instance value of ``G`` is an index into it
GRAPHS = _registry()
K13, P3, P4, K23, C5, K4, K17, P3K2, FLOR, KARATE, P6 = range(len(GRAPHS))


def graph_name(k: int) -> str:
    return GRAPHS[k].name


# ==============================================================================================================
# numbers: exact rationals where possible, the backend (mpmath or arb) where not
# ==============================================================================================================

def _is_arb(v: Any) -> bool:
    return flint is not None and isinstance(v, flint.arb)


def _int(v: Any) -> int:
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, sp.Basic):
        if v.is_Integer:
            return int(v)
        raise CannotEvaluate(f"{v} is not an integer")
    if _is_arb(v):
        n = v.unique_fmpz()
        if n is None:
            raise CannotEvaluate(f"{v} is not a certain integer")
        return int(n)
    f = mpmath.mpf(v)
    if f != int(f):
        raise CannotEvaluate(f"{v} is not an integer")
    return int(f)


def _graph(v: Any) -> Graph:
    k = _int(v)
    if not 0 <= k < len(GRAPHS):
        raise CannotEvaluate(f"no graph {k} in the registry")
    return GRAPHS[k]


def _frac(v: Any) -> Fraction | None:
    """The exact value of ``v`` as a Fraction (``None`` for an inexact arb ball, an irrational SymPy number)."""
    if isinstance(v, Fraction):
        return v
    if isinstance(v, (int, np.integer)):
        return Fraction(int(v))
    if isinstance(v, sp.Basic):
        return Fraction(int(v.p), int(v.q)) if v.is_Rational else None
    if _is_arb(v):
        if not v.is_exact():
            return None
        man, exp = v.mid().man_exp()
        man, exp = int(man), int(exp)
        return Fraction(man * 2 ** exp) if exp >= 0 else Fraction(man, 2 ** (-exp))
    if isinstance(v, mpmath.mpf):
        if not mpmath.isfinite(v):
            return None
        sign, man, exp, _ = v._mpf_
        man = -int(man) if sign else int(man)
        return Fraction(man * 2 ** exp) if exp >= 0 else Fraction(man, 2 ** (-exp))
    return None


class _B:
    """The backend of one evaluation: ``"mp"`` (current mpmath precision) or ``"arb"`` (current flint prec)."""

    def __init__(self, kind: str):
        self.kind = kind

    @staticmethod
    def of(*vals: Any) -> "_B":
        def has_arb(v: Any) -> bool:
            if isinstance(v, ExactRows):
                return v.kind == "arb"
            if isinstance(v, (tuple, list)):
                return any(has_arb(w) for w in v)
            return _is_arb(v)
        return _B("arb" if any(has_arb(v) for v in vals) else "mp")

    def num(self, v: Any) -> Any:
        if isinstance(v, Fraction):
            if self.kind == "mp":
                return mpmath.mpf(v.numerator) / v.denominator
            return flint.arb(v.numerator) / v.denominator
        if isinstance(v, (int, np.integer)):
            return mpmath.mpf(int(v)) if self.kind == "mp" else flint.arb(int(v))
        return v

    def sqrt(self, v: Any) -> Any:
        v = self.num(v)
        return mpmath.sqrt(v) if self.kind == "mp" else v.sqrt()

    def zero(self) -> Any:
        return self.num(0)

    def total(self, vals: Sequence[Any]) -> Any:
        out = self.zero()
        for v in vals:
            out = out + self.num(v)
        return out

    def max(self, vals: Sequence[Any]) -> Any:
        vals = [self.num(v) for v in vals]
        if self.kind == "mp":
            return max(vals)
        best = vals[0]
        for v in vals[1:]:
            best = best.max(v)
        return best


class ExactRows(tuple):
    """Features passed between quantities as exact rationals (the mean iterates ``P^L X``), tagged with the
    backend of the evaluation: the next quantity computes exactly and converts once (``σ_2/σ_1 ≈ 2^{-640}`` is
    then still accurate)."""

    kind = "mp"

    def __new__(cls, rows: Any, kind: str):
        obj = super().__new__(cls, rows)
        obj.kind = kind
        return obj


def _fsqrt(q: Fraction) -> Fraction | None:
    """``√q`` as a Fraction when ``q ≥ 0`` is the square of a rational, else ``None``."""
    if q < 0:
        return None
    a, b = math.isqrt(q.numerator), math.isqrt(q.denominator)
    return Fraction(a, b) if a * a == q.numerator and b * b == q.denominator else None


class _Exact:
    """A rational part plus backend terms: exact as long as no irrational term is added."""

    def __init__(self, b: _B):
        self.b, self.rat, self.irr = b, Fraction(0), []

    def add(self, v: Any) -> None:
        if isinstance(v, (Fraction, int)):
            self.rat += v
        else:
            self.irr.append(v)

    def value(self) -> Any:
        return self.b.num(self.rat) if not self.irr else self.b.total([self.b.num(self.rat)] + self.irr)


def _rows(Xv: Any) -> tuple[list, bool]:
    """The feature tuple as rows (lists) and whether it was one channel (flat)."""
    if not isinstance(Xv, (tuple, list)):
        raise CannotEvaluate("node features must be a tuple (one entry per node)")
    if not Xv:
        raise CannotEvaluate("no nodes")
    flat = not isinstance(Xv[0], (tuple, list))
    rows = [[x] for x in Xv] if flat else [list(r) for r in Xv]
    if len({len(r) for r in rows}) != 1:
        raise CannotEvaluate("rows of different lengths")
    return rows, flat


def _exact_rows(rows: list) -> list | None:
    out = []
    for r in rows:
        fr = [_frac(x) for x in r]
        if any(f is None for f in fr):
            return None
        out.append(fr)
    return out


def _shape(rows: list, flat: bool) -> tuple:
    return tuple(r[0] for r in rows) if flat else tuple(tuple(r) for r in rows)


def _check_n(g: Graph, rows: list) -> None:
    if len(rows) != g.n:
        raise CannotEvaluate(f"{len(rows)} feature rows for the {g.n} nodes of {g.name}")


# ==============================================================================================================
# energies, spreads, graph constants
# ==============================================================================================================

def _edir(gv: Any, Xv: Any) -> Any:
    b, g = _B.of(gv, Xv), _graph(gv)
    rows, _ = _rows(Xv)
    _check_n(g, rows)
    ex = _exact_rows(rows)
    if ex is not None:
        return b.num(sum((sum((p - q) ** 2 for p, q in zip(ex[a], ex[c])) for a, c in g.edges), Fraction(0)))
    return b.total([(b.num(p) - b.num(q)) ** 2 for a, c in g.edges for p, q in zip(rows[a], rows[c])])


def _pair_scaled(b: _B, g: Graph, ex: list | None, rows: list, a: int, c: int, alpha: Fraction) -> Any:
    """``‖(d+1)_a^α x_a − (d+1)_c^α x_c‖²``: exact (a Fraction) when the powers of the degrees are rational."""
    da, dc = g.deg[a], g.deg[c]
    if ex is not None and (2 * alpha).denominator == 1:
        na = sum(x * x for x in ex[a])
        nc = sum(x * x for x in ex[c])
        ip = sum(x * y for x, y in zip(ex[a], ex[c]))
        k = int(2 * alpha)
        pa, pc = Fraction(da) ** k, Fraction(dc) ** k            # (d+1)^{2α}
        cross = _fsqrt(pa * pc)                                  # ((d+1)_a (d+1)_c)^α
        if cross is not None:
            return pa * na + pc * nc - 2 * cross * ip
        return b.num(pa * na + pc * nc) - 2 * b.sqrt(pa * pc) * b.num(ip)
    fa = b.num(1) if alpha == 0 else _bpow(b, da, alpha)
    fc = b.num(1) if alpha == 0 else _bpow(b, dc, alpha)
    return b.total([(fa * b.num(p) - fc * b.num(q)) ** 2 for p, q in zip(rows[a], rows[c])])


def _bpow(b: _B, d: int, alpha: Fraction) -> Any:
    if alpha == Fraction(-1, 2):
        return 1 / b.sqrt(d)
    if alpha == Fraction(1, 2):
        return b.sqrt(d)
    if b.kind == "mp":
        return mpmath.power(d, mpmath.mpf(alpha.numerator) / alpha.denominator)
    return (flint.arb(d).log() * alpha.numerator / alpha.denominator).exp()


def _alpha(av: Any) -> Fraction:
    a = _frac(av)
    if a is None:
        raise CannotEvaluate("the exponent of the degrees must be exact")
    return a


def _enrm(gv: Any, Xv: Any) -> Any:
    b, g = _B.of(gv, Xv), _graph(gv)
    rows, _ = _rows(Xv)
    _check_n(g, rows)
    ex = _exact_rows(rows)
    acc = _Exact(b)
    for a, c in g.edges:
        acc.add(_pair_scaled(b, g, ex, rows, a, c, Fraction(-1, 2)))
    return acc.value()


def _cspread(gv: Any, Xv: Any, av: Any) -> Any:
    b, g = _B.of(gv, Xv, av), _graph(gv)
    rows, _ = _rows(Xv)
    _check_n(g, rows)
    alpha = _alpha(av)
    ex = _exact_rows(rows)
    vals = [_pair_scaled(b, g, ex, rows, a, c, alpha) for a, c in g.pairs]
    if not vals:
        return b.zero()
    if all(isinstance(v, Fraction) for v in vals):
        return b.num(max(vals))
    return b.max(vals)


def _diam(gv: Any) -> Any:
    return _B.of(gv).num(_graph(gv).diameter)


def _nedges(gv: Any) -> Any:
    return _B.of(gv).num(len(_graph(gv).edges))


def _dt(gv: Any, iv: Any) -> Any:
    g, k = _graph(gv), _int(iv)
    if not 0 <= k < g.n:
        raise CannotEvaluate(f"no node {k} in {g.name}")
    return _B.of(gv).num(g.deg[k])


def _esqd(gv: Any) -> Any:
    b, g = _B.of(gv), _graph(gv)
    terms = [(b.sqrt(g.deg[a]) - b.sqrt(g.deg[c])) ** 2 for a, c in g.edges if g.deg[a] != g.deg[c]]
    return b.total(terms) if terms else b.zero()   # equal degrees contribute an exact 0


def _gproj(gv: Any, Xv: Any) -> Any:
    b, g = _B.of(gv, Xv), _graph(gv)
    rows, flat = _rows(Xv)
    _check_n(g, rows)
    if not flat:
        raise CannotEvaluate("gproj takes one channel")
    num = b.total([b.sqrt(g.deg[k]) * b.num(rows[k][0]) for k in range(g.n)])
    return num / b.num(sum(g.deg))


def _mad(gv: Any, Xv: Any) -> Any:
    """Neighbour MAD: the mean over nodes (with a neighbour) of the mean cosine distance to the neighbours."""
    b, g = _B.of(gv, Xv), _graph(gv)
    rows, _ = _rows(Xv)
    _check_n(g, rows)
    ex = _exact_rows(rows)
    nodes = [v for v in range(g.n) if g.nbrs[v]]
    if not nodes:
        raise CannotEvaluate("no edge: MAD undefined")
    acc = _Exact(b)
    for v in nodes:
        w = Fraction(1, len(g.nbrs[v]) * len(nodes))
        for u in g.nbrs[v]:
            if ex is not None:
                nu, nv = sum(x * x for x in ex[u]), sum(x * x for x in ex[v])
                if nu == 0 or nv == 0:
                    raise CannotEvaluate("MAD needs non-zero rows (the cosine is undefined)")
                ip = sum(x * y for x, y in zip(ex[u], ex[v]))
                r = _fsqrt(nu * nv)
                if r is not None:
                    acc.add(w * (1 - ip / r))
                else:
                    acc.add(w)
                    acc.add(-b.num(w * ip) / b.sqrt(nu * nv))
            else:
                xu, xv = [b.num(x) for x in rows[u]], [b.num(x) for x in rows[v]]
                nu, nv = b.total([x * x for x in xu]), b.total([x * x for x in xv])
                if (b.kind == "mp" and (nu == 0 or nv == 0)) or (b.kind == "arb" and (not nu > 0 or not nv > 0)):
                    raise CannotEvaluate("MAD needs non-zero rows (the cosine is undefined)")
                ip = b.total([x * y for x, y in zip(xu, xv)])
                acc.add(b.num(w) * (1 - ip / b.sqrt(nu * nv)))
    return acc.value()


def _gram(b: _B, rows: list) -> tuple[list, bool]:
    ex = _exact_rows(rows)
    C = len(rows[0])
    if ex is not None:
        return [[sum(r[p] * r[q] for r in ex) for q in range(C)] for p in range(C)], True
    R = [[b.num(x) for x in r] for r in rows]
    return [[b.total([r[p] * r[q] for r in R]) for q in range(C)] for p in range(C)], False


def _top_eigs(b: _B, rows: list) -> tuple[Any, Any]:
    """``(λ_max, λ_min)`` of the 2 x 2 Gram matrix ``XᵀX`` (``λ_min = det/λ_max``: no cancellation); exact
    Fractions where the square root is rational."""
    Gm, exact = _gram(b, rows)
    if len(Gm) != 2:
        raise CannotEvaluate("nrx/sratio are implemented for two channels")
    g11, g12, g22 = Gm[0][0], Gm[0][1], Gm[1][1]
    t, det = g11 + g22, g11 * g22 - g12 * g12
    if exact:
        if t == 0:
            raise CannotEvaluate("the zero matrix has no numerical rank")
        if det == 0:
            return t, Fraction(0)
        s = _fsqrt(t * t - 4 * det)
        lmax = (t + s) / 2 if s is not None else (b.num(t) + b.sqrt(t * t - 4 * det)) / 2
        return lmax, (det / lmax if isinstance(lmax, Fraction) else b.num(det) / lmax)
    if b.kind == "mp" and t == 0:
        raise CannotEvaluate("the zero matrix has no numerical rank")
    lmax = (t + b.sqrt(t * t - 4 * det)) / 2
    return lmax, det / lmax


def _nrx(Xv: Any) -> Any:
    """``NumRank(X) − 1 = ‖X‖_F²/‖X‖_2² − 1 = Σ_{k≥2} σ_k²/σ_1²``, computed as ``λ_min/λ_max`` of the Gram matrix
    (two channels; one channel: 0), never as a difference: accurate however close to rank one ``X`` is."""
    b = _B.of(Xv)
    rows, flat = _rows(Xv)
    if flat or len(rows[0]) == 1:
        if all(_frac(r[0]) == 0 for r in rows):
            raise CannotEvaluate("the zero matrix has no numerical rank")
        return b.zero()
    if len(rows[0]) > 2:
        if b.kind == "arb":
            raise CannotEvaluate("no arb enclosure of the stable rank for more than two channels")
        M = mpmath.matrix([[b.num(x) for x in r] for r in rows])
        ev = sorted(mpmath.eigsy(M.T * M, eigvals_only=True), reverse=True)
        return mpmath.fsum(ev[1:]) / ev[0]
    lmax, lmin = _top_eigs(b, rows)
    if isinstance(lmax, Fraction) and isinstance(lmin, Fraction):
        return b.num(lmin / lmax)
    return b.num(lmin) / b.num(lmax)


def _sratio(Xv: Any) -> Any:
    """``σ_2/σ_1 = (λ_min/λ_max)^{1/2}`` (two channels)."""
    b = _B.of(Xv)
    rows, _ = _rows(Xv)
    lmax, lmin = _top_eigs(b, rows)
    return b.sqrt(b.num(lmin) / b.num(lmax)) if not (isinstance(lmin, Fraction) and lmin == 0) else b.zero()


def _vadd(Xv: Any, Yv: Any) -> Any:
    rx, fx = _rows(Xv)
    ry, fy = _rows(Yv)
    if len(rx) != len(ry) or len(rx[0]) != len(ry[0]):
        raise CannotEvaluate("X and Y have different shapes")
    return _shape([[p + q for p, q in zip(a, c)] for a, c in zip(rx, ry)], fx)


def _at(Tv: Any, iv: Any) -> Any:
    k = _int(iv)
    if not isinstance(Tv, (tuple, list)) or not 0 <= k < len(Tv):
        raise CannotEvaluate(f"no entry {k}")
    return Tv[k]


# ==============================================================================================================
# propagation: mean (exact rationals), GCN (backend), distance to the √(d+1) line (deflated)
# ==============================================================================================================

@functools.lru_cache(maxsize=64)
def _mean_iterates(k: int, X0: tuple, upto: int) -> tuple:
    """Exact ``X_0 .. X_upto`` under ``P = (D+I)⁻¹(A+I)`` (rows of Fractions), graph index ``k``."""
    g = GRAPHS[k]
    cur = [list(r) for r in X0]
    out = [tuple(tuple(r) for r in cur)]
    for _ in range(upto):
        cur = [[(cur[v][c] + sum(cur[u][c] for u in g.nbrs[v])) / g.deg[v] for c in range(len(cur[v]))]
               for v in range(g.n)]
        out.append(tuple(tuple(r) for r in cur))
    return tuple(out)


def _mX(gv: Any, Xv: Any, Lv: Any) -> Any:
    b, g = _B.of(gv, Xv, Lv), _graph(gv)
    rows, flat = _rows(Xv)
    _check_n(g, rows)
    n_layers = _int(Lv)
    if n_layers < 0:
        raise CannotEvaluate("negative number of layers")
    ex = _exact_rows(rows)
    if ex is not None:
        if n_layers > 4000:
            raise CannotEvaluate("too many layers for exact rational powers")
        top = max(64, 1 << max(0, n_layers - 1).bit_length())   # cache by powers of two
        it = _mean_iterates(GRAPHS.index(g), tuple(tuple(r) for r in ex), top)[n_layers]
        return ExactRows(_shape([list(r) for r in it], flat), b.kind)
    cur = [[b.num(x) for x in r] for r in rows]
    for _ in range(n_layers):
        cur = [[(cur[v][c] + b.total([cur[u][c] for u in g.nbrs[v]])) / g.deg[v] for c in range(len(cur[v]))]
               for v in range(g.n)]
    return _shape(cur, flat)


def _gcn_matrix(b: _B, g: Graph) -> list:
    r = [1 / b.sqrt(d) for d in g.deg]
    M = [[b.zero() for _ in range(g.n)] for _ in range(g.n)]
    for v in range(g.n):
        M[v][v] = r[v] * r[v]
        for u in g.nbrs[v]:
            M[v][u] = r[v] * r[u]
    return M


def _matmul(b: _B, A: list, B: list) -> list:
    n, m, p = len(A), len(B), len(B[0])
    return [[b.total([A[i][k] * B[k][j] for k in range(m)]) for j in range(p)] for i in range(n)]


def _matpow_apply(b: _B, M: list, power: int, V: list) -> list:
    """``M^power V`` by binary powering (``V`` an ``n x C`` list of rows)."""
    out = [list(r) for r in V]
    P = M
    while power:
        if power & 1:
            out = _matmul(b, P, out)
        power >>= 1
        if power:
            P = _matmul(b, P, P)
    return out


def _gX(gv: Any, Xv: Any, Lv: Any) -> Any:
    b, g = _B.of(gv, Xv, Lv), _graph(gv)
    rows, flat = _rows(Xv)
    _check_n(g, rows)
    n_layers = _int(Lv)
    if n_layers < 0:
        raise CannotEvaluate("negative number of layers")
    V = [[b.num(x) for x in r] for r in rows]
    return _shape(_matpow_apply(b, _gcn_matrix(b, g), n_layers, V), flat)


def _gdist(gv: Any, Xv: Any, Lv: Any) -> Any:
    """``‖(Ahat − vvᵀ)^L (I − vvᵀ) x‖`` with ``v = √(d+1)/‖√(d+1)‖``: the distance of ``Ahat^L x`` to
    ``span √(d+1)`` (exactly,
    since ``Ahat v = v``), computed without the cancellation of ``Ahat^L x − Π Ahat^L x``."""
    b, g = _B.of(gv, Xv, Lv), _graph(gv)
    rows, _ = _rows(Xv)
    _check_n(g, rows)
    if not g.connected:
        raise CannotEvaluate("gdist is defined for connected graphs")
    n_layers = _int(Lv)
    nrm = b.sqrt(sum(g.deg))
    v = [b.sqrt(d) / nrm for d in g.deg]
    M = _gcn_matrix(b, g)
    Md = [[M[a][c] - v[a] * v[c] for c in range(g.n)] for a in range(g.n)]
    V = [[b.num(x) for x in r] for r in rows]
    C = len(V[0])
    coef = [b.total([v[a] * V[a][c] for a in range(g.n)]) for c in range(C)]
    Yr = [[V[a][c] - v[a] * coef[c] for c in range(C)] for a in range(g.n)]
    Z = _matpow_apply(b, Md, n_layers, Yr)
    return b.sqrt(b.total([z * z for r in Z for z in r]))


def _slem_mp(gv: Any, sv: Any) -> Any:
    g, s = _graph(gv), _int(sv)
    return _slem_cached(GRAPHS.index(g), bool(s), mpmath.mp.dps)


@functools.lru_cache(maxsize=64)
def _slem_cached(k: int, loops: bool, dps: int) -> Any:
    from verify.oversmoothing import second_eigenvalue_modulus_mp

    with mpmath.workdps(dps):
        return +second_eigenvalue_modulus_mp(GRAPHS[k].adjacency(), "mean", self_loops=loops, dps=max(15, dps))


# ==============================================================================================================
# explicit SymPy forms (exact limits at concrete instances)
# ==============================================================================================================

_EXPLICIT_MAX_N = 8


@functools.lru_cache(maxsize=32)
def spectral(k: int, loops: bool = True) -> tuple:
    """``((λ, E_λ), ...)``: the exact spectral decomposition ``P = Σ λ E_λ`` of ``P = (D+I)⁻¹(A+I)`` (``loops``) or
    ``D⁻¹A`` (SymPy: eigenvalues, right and left null spaces; ``E_λ = V (WᵀV)⁻¹ Wᵀ``)."""
    g = GRAPHS[k]
    if g.n > _EXPLICIT_MAX_N:
        raise CannotEvaluate(f"no exact spectrum for {g.name} ({g.n} nodes) here")
    A = sp.zeros(g.n, g.n)
    for a, c in g.edges:
        A[a, c] = A[c, a] = 1
    if loops:
        A += sp.eye(g.n)
    d = [sum(A.row(r)) for r in range(g.n)]
    if any(x == 0 for x in d):
        raise CannotEvaluate("an isolated node without self loop")
    P = sp.diag(*[sp.Rational(1, x) for x in d]) * A
    out = []
    for lam in sorted(P.eigenvals(), key=lambda e: -float(e)):
        V = sp.Matrix.hstack(*(P - lam * sp.eye(g.n)).nullspace())
        W = sp.Matrix.hstack(*(P.T - lam * sp.eye(g.n)).nullspace())
        E = (V * (W.T * V).inv() * W.T).applyfunc(sp.radsimp)
        out.append((sp.radsimp(lam), E))
    return tuple(out)


def _pw(lam: Any, Lexpr: Any) -> Any:
    """``λ^L`` for integer ``L ≥ 1`` in a form Gruntz can take: ``cos(πL)|λ|^L`` for ``λ < 0``."""
    if lam == 1:
        return sp.Integer(1)
    if lam == 0:
        return sp.Integer(0)
    if lam > 0:
        return lam ** Lexpr
    return sp.cos(sp.pi * Lexpr, evaluate=False) * (-lam) ** Lexpr   # not (-1)**L: Gruntz cannot take it


def _numbers(T: Any) -> list | None:
    if not isinstance(T, sp.Tuple) or not all(isinstance(x, sp.Number) for x in T.args):
        return None
    return list(T.args)


def _gX_explicit(gv: Any, Xv: Any, Lv: Any) -> Any:
    xs = _numbers(Xv)
    if xs is None or not gv.is_Integer:
        return None
    k = int(gv)
    g = GRAPHS[k]
    if len(xs) != g.n or g.n > _EXPLICIT_MAX_N:
        return None
    sq = [sp.sqrt(d) for d in g.deg]
    z = sp.Matrix([xs[a] / sq[a] for a in range(g.n)])
    out = [sp.Integer(0)] * g.n
    for lam, E in spectral(k):
        w = E * z
        for a in range(g.n):
            c = sp.radsimp(sp.expand(sq[a] * w[a]))
            if c != 0:
                out[a] += c * _pw(lam, Lv)
    return sp.Tuple(*out)


def _gdist_explicit(gv: Any, Xv: Any, Lv: Any) -> Any:
    xs = _numbers(Xv)
    if xs is None or not gv.is_Integer:
        return None
    k = int(gv)
    g = GRAPHS[k]
    if len(xs) != g.n or g.n > _EXPLICIT_MAX_N or not g.connected:
        return None
    sq = [sp.sqrt(d) for d in g.deg]
    z = sp.Matrix([xs[a] / sq[a] for a in range(g.n)])
    total = sp.Integer(0)
    for lam, E in spectral(k):
        if lam == 1 or lam == 0:
            continue
        w = E * z      # Π_λ x = D^{1/2} E_λ D^{-1/2} x  (orthogonal projector of Ahat)
        c = sp.radsimp(sp.expand(sum((sq[a] * w[a]) ** 2 for a in range(g.n))))
        if c != 0:
            total += c * (lam ** 2) ** Lv
    return sp.sqrt(total)


def _rows_sym(T: Any) -> list | None:
    if not isinstance(T, sp.Tuple) or not T.args:
        return None
    if isinstance(T.args[0], sp.Tuple):
        return [list(r.args) for r in T.args]
    return [[x] for x in T.args]


def _edir_explicit(gv: Any, T: Any) -> Any:
    rows = _rows_sym(T)
    if rows is None or not gv.is_Integer:
        return None
    g = GRAPHS[int(gv)]
    if len(rows) != g.n:
        return None
    return _gruntz_form(sp.Add(*[(p - q) ** 2 for a, c in g.edges for p, q in zip(rows[a], rows[c])]))


def _enrm_explicit(gv: Any, T: Any) -> Any:
    rows = _rows_sym(T)
    if rows is None or not gv.is_Integer:
        return None
    g = GRAPHS[int(gv)]
    if len(rows) != g.n:
        return None
    return _gruntz_form(sp.Add(*[(p / sp.sqrt(g.deg[a]) - q / sp.sqrt(g.deg[c])) ** 2
                                 for a, c in g.edges for p, q in zip(rows[a], rows[c])]))


def _gruntz_form(e: Any) -> Any:
    """A quadratic form in powers ``b^L``: expanded, powers of equal exponent combined (``a^L b^L = (ab)^L``)
    and collected, so that Gruntz sees one term per exponential (ten times faster than the squares)."""
    if not e.free_symbols:
        return e
    e = sp.powsimp(sp.expand(e), combine="exp")
    return sp.collect(e, sorted(e.atoms(sp.Pow), key=sp.default_sort_key))


def _gproj_explicit(gv: Any, Xv: Any) -> Any:
    xs = _numbers(Xv)
    if xs is None or not gv.is_Integer:
        return None
    g = GRAPHS[int(gv)]
    if len(xs) != g.n:
        return None
    return sp.radsimp(sum(sp.sqrt(d) * x for d, x in zip(g.deg, xs)) / sum(g.deg))


def _esqd_explicit(gv: Any) -> Any:
    if not gv.is_Integer:
        return None
    g = GRAPHS[int(gv)]
    return sp.Add(*[(sp.sqrt(g.deg[a]) - sp.sqrt(g.deg[c])) ** 2 for a, c in g.edges])


def _dt_explicit(gv: Any, iv: Any) -> Any:
    if not (gv.is_Integer and iv.is_Integer):
        return None
    return sp.Integer(GRAPHS[int(gv)].deg[int(iv)])


def _slem_explicit(gv: Any, sv: Any) -> Any:
    if not (gv.is_Integer and sv.is_Integer):
        return None
    try:
        spec = spectral(int(gv), bool(int(sv)))
    except CannotEvaluate:
        return None
    mods = []
    for lam, E in spec:
        mods.extend([sp.Abs(lam)] * int(E.rank()))
    mods.sort(key=lambda e: -float(e))
    return sp.radsimp(mods[1])


def _at_explicit(T: Any, iv: Any) -> Any:
    if isinstance(T, sp.Tuple) and iv.is_Integer and 0 <= int(iv) < len(T.args):
        return T.args[int(iv)]
    return None


# ==============================================================================================================
# a farthest pair and a shortest path between them (the general proof that a small energy means equal features)
# ==============================================================================================================

def _farthest_path(g: Graph, rows: list) -> list:
    """A shortest path ``p_0 .. p_ℓ`` (BFS) between a same-component pair at the largest ``‖x_a − x_b‖²``."""
    ex = _exact_rows(rows)
    if ex is None:
        raise CannotEvaluate("the farthest pair needs exact features")
    if not g.pairs:
        return [0]
    a, c = max(g.pairs, key=lambda p: sum((x - y) ** 2 for x, y in zip(ex[p[0]], ex[p[1]])))
    dist = g.bfs(a)
    path = [c]
    while path[-1] != a:
        v = path[-1]
        path.append(next(u for u in g.nbrs[v] if dist[u] == dist[v] - 1))
    return path[::-1]


def _plen(gv: Any, Xv: Any) -> Any:
    g = _graph(gv)
    rows, _ = _rows(Xv)
    _check_n(g, rows)
    return _B.of(gv, Xv).num(len(_farthest_path(g, rows)) - 1)


def _psq(gv: Any, Xv: Any) -> Any:
    b, g = _B.of(gv, Xv), _graph(gv)
    rows, _ = _rows(Xv)
    _check_n(g, rows)
    path = _farthest_path(g, rows)
    ex = _exact_rows(rows)
    return b.num(sum((sum((p - q) ** 2 for p, q in zip(ex[u], ex[v])) for u, v in zip(path, path[1:])),
                     Fraction(0)))


# --- the general definition of the plain energy (for derivations): a sum over the m (edge, channel) terms ------
#: the number of (edge, channel) terms of an energy, and their index
m_ = sp.Symbol("m", integer=True, nonnegative=True)
e_ = sp.Symbol("e", integer=True, positive=True)


def delta(T: Any) -> Any:
    """The differences ``x_i − x_j`` of the features ``T`` over the ``m`` (edge, channel) terms, as an indexed
    family (``δ_X``); linear: ``δ_{X+Y} = δ_X + δ_Y``."""
    if isinstance(T, Quantity) and type(T).__name__ == "vadd":
        return lambda idx: delta(T.args[0])(idx) + delta(T.args[1])(idx)
    return lambda idx: sp.IndexedBase(f"delta_{sp.sstr(T)}", real=True)[idx]


def _edir_unfold(gv: Any, T: Any) -> Any:
    return sp.Sum(delta(T)(e_) ** 2, (e_, 1, m_))


# ==============================================================================================================
# the quantity classes
# ==============================================================================================================

Edir = quantity("Edir", _edir, arb=_edir, explicit=_edir_explicit, unfold=_edir_unfold, nargs=2, nonnegative=True,
                latex=r"E_{{{0}}}\left({1}\right)", text="E[{0}]({1})")
Enrm = quantity("Enrm", _enrm, arb=_enrm, explicit=_enrm_explicit, nargs=2, nonnegative=True,
                latex=r"E^{{\mathrm{{sym}}}}_{{{0}}}\left({1}\right)", text="Esym[{0}]({1})")
cspread = quantity("cspread", _cspread, arb=_cspread, nargs=3, nonnegative=True,
                   latex=r"\operatorname{{spread}}_{{{0}}}\left(\tilde D^{{{2}}} {1}\right)",
                   text="spread[{0}](D^{2} {1})")
diam = quantity("diam", _diam, arb=_diam, nargs=1, integer=True, nonnegative=True,
                explicit=lambda gv: sp.Integer(GRAPHS[int(gv)].diameter) if gv.is_Integer else None,
                latex=r"\operatorname{{diam}}\left({0}\right)", text="diam({0})")
nedges = quantity("nedges", _nedges, arb=_nedges, nargs=1, integer=True, nonnegative=True,
                  explicit=lambda gv: sp.Integer(len(GRAPHS[int(gv)].edges)) if gv.is_Integer else None,
                  latex=r"\left|E({0})\right|", text="|E({0})|")
dt = quantity("dt", _dt, arb=_dt, explicit=_dt_explicit, nargs=2, integer=True, positive=True,
              latex=r"\tilde d_{{{0},{1}}}", text="dt[{0}]({1})")
Esqd = quantity("Esqd", _esqd, arb=_esqd, explicit=_esqd_explicit, nargs=1, nonnegative=True,
                latex=r"E_{{{0}}}\left(\sqrt{{\tilde d}}\right)", text="E[{0}](sqrt(dt))")
gproj = quantity("gproj", _gproj, arb=_gproj, explicit=_gproj_explicit, nargs=2, real=True,
                 latex=r"\frac{{\sqrt{{\tilde d}}^{{\top}} {1}}}{{\lVert \sqrt{{\tilde d}}\rVert^{{2}}}}",
                 text="proj[{0}]({1})")
MAD = quantity("MAD", _mad, arb=_mad, nargs=2, nonnegative=True,
               latex=r"\operatorname{{MAD}}_{{{0}}}\left({1}\right)", text="MAD[{0}]({1})")
nrx = quantity("nrx", _nrx, arb=_nrx, nargs=1, nonnegative=True,
               latex=r"\left(\operatorname{{NumRank}}\left({0}\right) - 1\right)", text="(NumRank({0}) - 1)")
sratio = quantity("sratio", _sratio, arb=_sratio, nargs=1, nonnegative=True,
                  latex=r"\frac{{\sigma_2}}{{\sigma_1}}\left({0}\right)", text="(s2/s1)({0})")
vadd = quantity("vadd", _vadd, arb=_vadd, nargs=2, latex=r"{0} + {1}", text="({0} + {1})")
at = quantity("at", _at, arb=_at, explicit=_at_explicit, nargs=2, real=True,
              latex=r"\left({0}\right)_{{{1}}}", text="({0})[{1}]")
gX = quantity("gX", _gX, arb=_gX, explicit=_gX_explicit, nargs=3,
              latex=r"\hat A_{{{0}}}^{{{2}}} {1}", text="Ahat[{0}]^{2} {1}")
mX = quantity("mX", _mX, arb=_mX, nargs=3,
              latex=r"P_{{{0}}}^{{{2}}} {1}", text="P[{0}]^{2} {1}")
gdist = quantity("gdist", _gdist, arb=_gdist, explicit=_gdist_explicit, nargs=3, nonnegative=True,
                 latex=r"\operatorname{{dist}}\left(\hat A_{{{0}}}^{{{2}}} {1}, \sqrt{{\tilde d}}\,\mathbb{{R}}\right)",
                 text="dist(Ahat[{0}]^{2} {1}, span sqrt(dt))")
plen = quantity("plen", _plen, nargs=2, integer=True, nonnegative=True,
                latex=r"\ell_{{{0}}}\left({1}\right)", text="ell[{0}]({1})")
psq = quantity("psq", _psq, nargs=2, nonnegative=True,
               latex=r"\sum_{{k=1}}^{{\ell}}\lVert {1}_{{p_k}} - {1}_{{p_{{k-1}}}}\rVert^2",
               text="pathsq[{0}]({1})")
slem = quantity("slem", _slem_mp, explicit=_slem_explicit, nargs=2, nonnegative=True,
                latex=r"\lambda_2\left({0}; {1}\right)", text="lambda2({0}; loops={1})")


# ==============================================================================================================
# numpy side: the package API (verify.oversmoothing) in float64
# ==============================================================================================================

def _np_graph(gv: Any) -> Graph:
    return GRAPHS[int(gv)]


def _np_feats(Xv: Any) -> np.ndarray:
    return np.asarray(Xv, dtype=np.float64)


def _np_gX(gv: Any, Xv: Any, Lv: Any) -> np.ndarray:
    from verify.oversmoothing import propagate

    Xa = _np_feats(Xv)
    out = propagate(_np_graph(gv).adjacency(), Xa, int(Lv), "gcn")[-1]
    return out.reshape(Xa.shape)


def _np_mX(gv: Any, Xv: Any, Lv: Any) -> np.ndarray:
    from verify.oversmoothing import propagate

    Xa = _np_feats(Xv)
    return propagate(_np_graph(gv).adjacency(), Xa, int(Lv), "mean")[-1].reshape(Xa.shape)


def _np_edir(gv: Any, T: Any) -> float:
    from verify.oversmoothing import dirichlet_energy

    return dirichlet_energy(_np_graph(gv).adjacency(), _np_feats(T))


def _np_enrm(gv: Any, T: Any) -> float:
    from verify.oversmoothing import dirichlet_energy

    return dirichlet_energy(_np_graph(gv).adjacency(), _np_feats(T), normalized=True, self_loops=True)


def _np_mad(gv: Any, T: Any) -> float:
    from verify.oversmoothing import mad

    return mad(_np_graph(gv).adjacency(), _np_feats(T))


def _np_gdist(gv: Any, Xv: Any, Lv: Any) -> float:
    from verify.oversmoothing import distance_to_limit, limit_subspace

    A = _np_graph(gv).adjacency()
    return distance_to_limit(_np_gX(gv, Xv, Lv), limit_subspace(A, "gcn"))


def _np_svals(T: Any) -> np.ndarray:
    Xa = _np_feats(T)
    return np.linalg.svd(Xa.reshape(Xa.shape[0], -1), compute_uv=False)


def _np_nrx(T: Any) -> float:
    s = _np_svals(T)
    return float(np.sum(s[1:] ** 2) / s[0] ** 2)


def _np_sratio(T: Any) -> float:
    s = _np_svals(T)
    return float(s[1] / s[0])


#: float64 implementations of the quantities (package API where it has one)
NUMPY = {gX: _np_gX, mX: _np_mX, Edir: _np_edir, Enrm: _np_enrm, MAD: _np_mad, gdist: _np_gdist,
         nrx: _np_nrx, sratio: _np_sratio, at: lambda T, iv: float(np.asarray(T).ravel()[int(iv)]),
         vadd: lambda a, b_: np.asarray(a) + np.asarray(b_)}


def _np_args(node: Any) -> Any:
    if isinstance(node, sp.Tuple):
        return np.asarray([_np_args(a) for a in node.args], dtype=np.float64)
    if isinstance(node, Quantity) and type(node) in NUMPY:
        return NUMPY[type(node)](*[_np_args(a) for a in node.args])
    if node.is_Integer:
        return int(node)
    if node.is_number:
        return float(node)
    raise CannotEvaluate(f"numpy side cannot evaluate {sp.sstr(node)[:60]}")


def np_value(expr: Any, inst: dict, dps: int = 30) -> Any:
    """``expr`` at an instance with every quantity that has a float64 implementation (:data:`NUMPY`) computed
    in float64 (innermost first) and the rest of the expression (graph constants, the statement's other side)
    evaluated in mpmath from the statement."""
    e = instantiate(expr, inst)

    def walk(node: Any) -> Any:
        if isinstance(node, Quantity) and type(node) in NUMPY:
            v = _np_args(node)
            if np.ndim(v) != 0:
                raise CannotEvaluate("a tuple-valued quantity outside a scalar one")
            return sp.Float(float(v), 20)
        if not node.args or isinstance(node, sp.Tuple):
            return node
        return node.func(*[walk(a) for a in node.args])

    with mpmath.workdps(dps):
        return evaluate(walk(e), {})


def _parts(prop: Prop) -> tuple:
    if not isinstance(prop.statement, Statement):
        raise TypeError("this evidence needs a SymPy statement")
    return prop.statement.parts()


def _insts(prop: Prop, instances: Sequence[dict]) -> list:
    return [dict(i) for i in instances if satisfies(prop.condition, i)]


def np_points(instances: Sequence[dict], label: str = "numpy", about: str = "statement", rtol: float = 1e-9,
              atol: float = 0.0, description: str = "", budget: float = 60.0) -> Evidence:
    """The statement's relations at instances with the quantities computed in float64 by the package API
    (:data:`NUMPY`), the remaining parts of each side from the statement in mpmath.  A relation fails when it
    is violated by more than ``rtol`` times the scale of its sides plus ``atol`` (float rounding of quantities
    that are exactly 0 in exact arithmetic is not a counterexample)."""
    instances = [dict(i) for i in instances]

    def run(prop: Prop) -> Outcome:
        parts = [p for p in _parts(prop) if isinstance(p, Rel)]
        if not parts:
            return Outcome("undecided", "no relation in the statement")
        insts = _insts(prop, instances)
        if not insts:
            return Outcome("undecided", "no instance satisfies the condition")
        for inst in insts:
            for part in parts:
                try:
                    a, c = float(np_value(part.lhs, inst)), float(np_value(part.rhs, inst))
                except CannotEvaluate as exc:
                    return Outcome("undecided", f"cannot evaluate at {_where(inst)}: {exc}")
                tol = rtol * max(abs(a), abs(c)) + atol
                v = {"==": abs(a - c), "<=": a - c, "<": a - c, ">=": c - a, ">": c - a}[part.rel]
                bad = v > tol if part.rel in ("==", "<=", ">=") else v >= -tol
                if bad:
                    return Outcome("refuted", f"float64 at {_where(inst)}: {a:.6g} {part.rel} {c:.6g} is false",
                                   data={"lhs": a, "rhs": c})
        return Outcome("holds", f"{len(parts) * len(insts)} relations hold in float64 at {len(insts)} instances "
                                f"(rtol {rtol:g}" + (f", atol {atol:g})" if atol else ")"))

    return Evidence("numpy", run, label=label, about=about, budget=budget,
                    description=description or "the statement with its quantities computed in float64 by the "
                                               "package API (verify.oversmoothing)")


def np_limit(instances: Sequence[dict], xs: Sequence[int], label: str = "numpy", about: str = "statement",
             rtol: float = 1e-10, description: str = "", budget: float = 60.0) -> Evidence:
    """The statement's limits ``L → ∞`` with the quantities computed in float64 by the package API at growing
    ``L`` (``xs``), against the claimed value evaluated from the statement in mpmath.  ``holds`` when the
    distance at the last rung is within ``rtol`` of the scale and the rungs approach it; ``refuted`` when it
    stalls far above float resolution (the last two rungs within 1 %)."""
    instances, xs = [dict(i) for i in instances], list(xs)

    def run(prop: Prop) -> Outcome:
        parts = [p for p in _parts(prop) if isinstance(p, Lim)]
        if not parts:
            return Outcome("undecided", "no limit in the statement")
        insts = _insts(prop, instances)
        if not insts:
            return Outcome("undecided", "no instance satisfies the condition")
        figs = []
        for part in parts:
            for inst in insts:
                inst_ = {k: v for k, v in inst.items() if k != part.var}
                try:
                    with mpmath.workdps(30):
                        target = float(evaluate(part.value, inst_))
                    vals = [float(np_value(part.expr, {**inst_, part.var: x})) for x in xs]
                except CannotEvaluate as exc:
                    return Outcome("undecided", f"cannot evaluate at {_where(inst_)}: {exc}")
                dists = [abs(v - target) for v in vals]
                scale = max(abs(target), max(abs(v) for v in vals), 1e-300)
                where = _where(inst_)
                if dists[-1] <= rtol * scale:
                    figs.append(f"{where}: |f − L| {dists[0]:.2g} → {dists[-1]:.2g}")
                    continue
                if abs(dists[-1] - dists[-2]) <= 0.01 * dists[-1] and dists[-1] > 1e3 * rtol * scale:
                    return Outcome("refuted", f"float64 at {where}: f stalls at {vals[-1]:.8g}, "
                                              f"{dists[-1]:.3g} away from the claimed {target:.8g}",
                                   data={"values": vals, "target": target})
                return Outcome("undecided", f"float64 at {where}: still {dists[-1]:.3g} away at "
                                            f"{part.var} = {xs[-1]}")
        return Outcome("holds", f"{len(figs)} float64 ladders reach the claimed limit; e.g. {figs[0]}",
                       data={"ladders": figs})

    return Evidence("numpy", run, label=label, about=about, budget=budget,
                    description=description or "the limit with the quantities computed in float64 by the package "
                                               "API at growing depth, against the statement's value")


def _where(inst: dict) -> str:
    """A short instance description: the graph by name, features abbreviated."""
    out = {}
    for k, v in inst.items():
        name = getattr(k, "name", str(k))
        if name == "G":
            out[k] = GRAPHS[int(v)].name
        elif isinstance(v, (tuple, list)) and len(v) > 6:
            out[k] = f"<{len(v)} rows>"
        else:
            out[k] = v
    return describe_instance(out)
