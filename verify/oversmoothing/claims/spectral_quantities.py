r"""Graph quantities for the oversmoothing claims (``os.*``): graphs, propagation operators, spectra, iterates.

Shared by the groups of :mod:`verify.oversmoothing.claims` (owned by ``os.spectrum`` / ``os.mean``; the names
below are stable).  Every quantity is a :func:`verify.core.statement.quantity` with an mpmath implementation
(figures that do not depend on the CPU), an arb implementation where it is cheap (certified counterexamples)
and, for concrete small graphs, an explicit SymPy form (exact checks, exact limits).

Graphs
------
A graph argument is either

* a *family* quantity with symbolic or concrete size: :data:`Cycle` ``(n)`` (``C_n``, nodes ``0..n-1`` around
  the cycle), :data:`Path` ``(n)`` (``P_n``, nodes along the path), :data:`Star` ``(n)`` (``S_n = K_{1,n-1}``,
  node 0 the centre), :data:`Complete` ``(n)`` (``K_n``), :data:`CompleteBipartite` ``(a, b)`` (``K_{a,b}``,
  nodes ``0..a-1`` one side); or
* the symbol :data:`G` bound per instance to a :class:`GraphRef` (an ``int`` code whose ``str`` is the graph's
  name, so instance descriptions read ``G=karate``): :func:`named` (``karate``, ``lesmis``, ``florentine``,
  ``davis`` -- the graphs networkx ships, *unweighted*: their edge structure, nodes numbered ``0..N-1`` in
  networkx order), :func:`family` (a family at a concrete size) and :func:`union` (disjoint union).

Operators.  ``Ã = A + s I`` (self-loop weight ``s >= 0``; ``s = 0``: no self loops), ``d̃_v = deg(v) + s``;
the mean operator ``M = D̃⁻¹Ã`` (``x'_v = (s x_v + Σ_{u~v} x_u)/d̃_v``; a node with ``d̃_v = 0`` keeps its
feature, the convention of :mod:`verify.oversmoothing`), similar to the symmetric ``S = D̃^(-1/2) Ã D̃^(-1/2)``.
Node indices are 0-based everywhere.

Quantities (stable names)
-------------------------
``start(g, σ)`` (start features: generic integers for seed ``σ >= 1``, alternating signs for ``σ = 0``; ``XS =
start(G, seed)``), ``nodes(g)``, ``deg(g, s, u)``, ``same(g, u, v)`` (1 if ``u`` and ``v`` lie in one
component), ``ncomp(g)`` (number of connected components), ``xv(X, u)``
(entry ``u`` of a feature tuple); ``charpoly(g, s, x) = det(x I − M)``; ``eig(g, s, k)`` (the ``k``-th largest
eigenvalue of ``M``, ``k = 1..N``, with multiplicity); ``slem(g, s)`` (the second-largest eigenvalue *modulus*
of ``M``, counting multiplicity: ``|λ|_(2)``); ``proj2(g, s, X)`` (the squared ``D̃``-norm of the component of
``X`` along the eigenvectors other than the first whose eigenvalue modulus is ``slem``: zero for a non-generic
start); ``feat(g, s, X, L, v) = (M^L X)_v``; ``energy(g, s, X, L) = Σ_{u~v} ((M^L X)_u − (M^L X)_v)²`` (the
Dirichlet energy, each edge once, self loops contribute 0); ``mv_cycle(n, s, k, j, φ)`` and ``mv_path(n, k, j)``
(row ``j`` of ``M`` applied to the Fourier vector ``cos(2πki/n − φ)`` of ``C_n`` resp. ``cos(πki/(n−1))`` of
``P_n``; their SymPy definitions are the rows of ``M``).

Numerics.  Spectra: float64 ``eigh`` of ``S`` only *locates* the eigenvalues; each eigenvalue needed is then
computed by inverse (subspace) iteration at ``mp.prec + 64`` bits (at least 512) in python-flint ``arb_mat``
arithmetic (midpoints: deterministic MPFR-style rounding, independent of the CPU) until the residual is below
``2^-(prec/2)``, and the Rayleigh quotient is rounded to the working precision (its error is quadratic in the
residual; a value below ``2^-(prec-32)`` in modulus, the iteration's resolution, is reported as 0).  Iterates:
the deviation ``Y_L = M^L (X_0 − m)`` from the exact per-component limit ``m`` is iterated in arb balls from
integer features (exact input; no cancellation as it decays), ``X_L = m + Y_L``; midpoints for mpmath.  Arb
implementations of ``eig``/``slem`` use certified enclosures (``acb_mat.eig(multiple=True)``) for graphs of up
to 40 nodes.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Sequence

import flint
import mpmath
import numpy as np
import sympy as sp

from verify.core.evaluate import CannotEvaluate
from verify.core.statement import Quantity, VectorSymbol, quantity

__all__ = [
    "G", "L", "n", "k", "j", "a", "b", "s", "x", "phi", "u", "v", "X0", "seed", "XS", "start",
    "GraphSpec", "GraphRef", "named", "family", "union", "spec_of", "adjacency", "nx_graph", "features",
    "Cycle", "Path", "Star", "Complete", "CompleteBipartite",
    "nodes", "deg", "same", "ncomp", "xv", "charpoly", "eig", "slem", "proj2", "feat", "energy", "mv_cycle", "mv_path",
    "pi_mean", "plain_mean", "pi_dev", "pi_weight", "component_mean",
    "exact_states", "exact_matrix",
]

# ==============================================================================================================
# symbols
# ==============================================================================================================

#: a graph bound per instance (a :class:`GraphRef`)
G = sp.Symbol("G", integer=True, nonnegative=True)
#: number of layers
L = sp.Symbol("L", integer=True, nonnegative=True)
n = sp.Symbol("n", integer=True, positive=True)
k = sp.Symbol("k", integer=True, nonnegative=True)
j = sp.Symbol("j", integer=True, nonnegative=True)
a = sp.Symbol("a", integer=True, positive=True)
b = sp.Symbol("b", integer=True, positive=True)
#: self-loop weight (0: no self loops, 1: Ã = A + I)
s = sp.Symbol("s", nonnegative=True)
x = sp.Symbol("x", real=True)
phi = sp.Symbol("varphi", real=True)
u = sp.Symbol("u", integer=True, nonnegative=True)
v = sp.Symbol("v", integer=True, nonnegative=True)
#: node features X_0 (one channel), bound per instance to a tuple of integers
X0 = VectorSymbol("X_0", size=(2, 6))


# ==============================================================================================================
# graphs
# ==============================================================================================================

@dataclass(frozen=True)
class GraphSpec:
    """A graph: ``kind`` in cycle, path, star, complete, bipartite, named, union; ``params`` its sizes / name /
    parts."""

    kind: str
    params: tuple

    @property
    def label(self) -> str:
        p = self.params
        if self.kind == "cycle":
            return f"C{p[0]}"
        if self.kind == "path":
            return f"P{p[0]}"
        if self.kind == "star":
            return f"S{p[0]}"
        if self.kind == "complete":
            return f"K{p[0]}"
        if self.kind == "bipartite":
            return f"K{p[0]},{p[1]}"
        if self.kind == "named":
            return p[0]
        if self.kind == "union":
            return "+".join(q.label for q in p)
        return f"{self.kind}{p}"


_NAMED = {
    "karate": lambda nx: nx.karate_club_graph(),
    "lesmis": lambda nx: nx.les_miserables_graph(),
    "florentine": lambda nx: nx.florentine_families_graph(),
    "davis": lambda nx: nx.davis_southern_women_graph(),
}

_MIN_SIZE = {"cycle": 3, "path": 2, "star": 2, "complete": 1}


@functools.lru_cache(maxsize=None)
def adjacency(spec: GraphSpec) -> tuple[tuple[int, ...], ...]:
    """Sorted neighbour tuples of nodes ``0..N-1`` (simple undirected graph, no self loops)."""
    kind, p = spec.kind, spec.params
    if kind in _MIN_SIZE:
        if p[0] < _MIN_SIZE[kind]:
            raise CannotEvaluate(f"{spec.label}: a {kind} needs at least {_MIN_SIZE[kind]} nodes")
    if kind == "cycle":
        m = p[0]
        return tuple(tuple(sorted({(i - 1) % m, (i + 1) % m})) for i in range(m))
    if kind == "path":
        m = p[0]
        return tuple(tuple(w for w in (i - 1, i + 1) if 0 <= w < m) for i in range(m))
    if kind == "complete":
        m = p[0]
        return tuple(tuple(w for w in range(m) if w != i) for i in range(m))
    if kind in ("bipartite", "star"):
        aa, bb = (p[0], p[1]) if kind == "bipartite" else (1, p[0] - 1)
        if aa < 1 or bb < 1:
            raise CannotEvaluate(f"{spec.label}: both sides need a node")
        left, right = tuple(range(aa)), tuple(range(aa, aa + bb))
        return tuple(right for _ in left) + tuple(left for _ in right)
    if kind == "named":
        import networkx as nx

        g = _NAMED[p[0]](nx)
        order = list(g)
        idx = {w: i for i, w in enumerate(order)}
        nb: list[set] = [set() for _ in order]
        for x1, x2 in g.edges():
            if x1 != x2:
                nb[idx[x1]].add(idx[x2])
                nb[idx[x2]].add(idx[x1])
        return tuple(tuple(sorted(z)) for z in nb)
    if kind == "union":
        out: list[tuple[int, ...]] = []
        for part in p:
            off = len(out)
            out.extend(tuple(w + off for w in row) for row in adjacency(part))
        return tuple(out)
    raise CannotEvaluate(f"unknown graph kind {kind!r}")


def nx_graph(spec: GraphSpec | int):
    """The graph as an (unweighted) networkx Graph on nodes ``0..N-1`` (for the numpy API)."""
    import networkx as nx

    sp_ = spec if isinstance(spec, GraphSpec) else spec_of(spec)
    g = nx.Graph()
    nb = adjacency(sp_)
    g.add_nodes_from(range(len(nb)))
    g.add_edges_from((i, w) for i, row in enumerate(nb) for w in row if i < w)
    return g


_REGISTRY: list[GraphSpec] = []


class GraphRef(int):
    """An ``int`` code of a registered graph whose ``str`` is the graph's name (``G=karate`` in figures)."""

    label: str

    def __new__(cls, code: int, label: str) -> "GraphRef":
        obj = int.__new__(cls, code)
        obj.label = label
        return obj

    def __str__(self) -> str:
        return self.label

    def __repr__(self) -> str:
        return f"GraphRef({int(self)}, {self.label!r})"

    @property
    def spec(self) -> GraphSpec:
        return _REGISTRY[int(self)]


def _register(spec: GraphSpec) -> GraphRef:
    if spec not in _REGISTRY:
        _REGISTRY.append(spec)
    return GraphRef(_REGISTRY.index(spec), spec.label)


def named(name: str) -> GraphRef:
    """A graph networkx ships (``karate``, ``lesmis``, ``florentine``, ``davis``), unweighted."""
    if name not in _NAMED:
        raise ValueError(f"unknown graph {name!r}; known: {sorted(_NAMED)}")
    return _register(GraphSpec("named", (name,)))


def family(kind: str, *params: int) -> GraphRef:
    """A family graph at a concrete size: ``family("cycle", 6)``, ``family("bipartite", 2, 3)``."""
    spec = GraphSpec(kind, tuple(int(q) for q in params))
    adjacency(spec)  # validate
    return _register(spec)


def union(*refs: GraphRef) -> GraphRef:
    """The disjoint union (nodes of the first graph first)."""
    return _register(GraphSpec("union", tuple(r.spec for r in refs)))


def _int(val: Any) -> int:
    """An exact integer from an evaluated argument (int, mpf, arb, SymPy Integer)."""
    if isinstance(val, (bool, np.bool_)):
        return int(val)
    if isinstance(val, int):
        return int(val)
    if isinstance(val, flint.arb):
        z = val.unique_fmpz()
        if z is None:
            raise CannotEvaluate(f"{val} is not a certain integer")
        return int(z)
    if isinstance(val, sp.Basic):
        if val.is_Integer:
            return int(val)
        raise CannotEvaluate(f"{val} is not a concrete integer")
    if isinstance(val, mpmath.mpf):
        if val != int(val):
            raise CannotEvaluate(f"{val} is not an integer")
        return int(val)
    try:
        f = float(val)
    except (TypeError, ValueError):
        raise CannotEvaluate(f"{val!r} is not an integer") from None
    if f != int(f):
        raise CannotEvaluate(f"{val!r} is not an integer")
    return int(f)


_FAMILY_NAMES = {"Cycle": "cycle", "Path": "path", "Star": "star", "Complete": "complete",
                 "CompleteBipartite": "bipartite"}


def spec_of(val: Any) -> GraphSpec:
    """The graph of an evaluated (or SymPy) graph argument: a :class:`GraphSpec` (from a family quantity), a
    registry code (int, mpf, arb, SymPy Integer), or a family quantity with concrete SymPy arguments."""
    if isinstance(val, GraphSpec):
        return val
    if isinstance(val, Quantity):
        kind = _FAMILY_NAMES.get(type(val).__name__)
        if kind is None or not all(getattr(a_, "is_Integer", False) for a_ in val.args):
            raise CannotEvaluate(f"{val} is not a concrete graph")
        spec = GraphSpec(kind, tuple(int(a_) for a_ in val.args))
        adjacency(spec)
        return spec
    code = _int(val)
    if not 0 <= code < len(_REGISTRY):
        raise CannotEvaluate(f"no graph with code {code}")
    return _REGISTRY[code]


def _family(kind: str):
    def make(*args: Any) -> GraphSpec:
        spec = GraphSpec(kind, tuple(_int(q) for q in args))
        adjacency(spec)
        return spec
    return make


#: the cycle ``C_n`` (nodes ``0..n-1`` around it)
Cycle = quantity("Cycle", _family("cycle"), arb=_family("cycle"), nargs=1, latex=r"C_{{{0}}}", text="C({0})")
#: the path ``P_n``
Path = quantity("Path", _family("path"), arb=_family("path"), nargs=1, latex=r"P_{{{0}}}", text="P({0})")
#: the star ``S_n = K_{1,n-1}`` (node 0 the centre)
Star = quantity("Star", _family("star"), arb=_family("star"), nargs=1, latex=r"S_{{{0}}}", text="S({0})")
#: the complete graph ``K_n``
Complete = quantity("Complete", _family("complete"), arb=_family("complete"), nargs=1, latex=r"K_{{{0}}}",
                    text="K({0})")
#: the complete bipartite graph ``K_{a,b}`` (nodes ``0..a-1`` on one side)
CompleteBipartite = quantity("CompleteBipartite", _family("bipartite"), arb=_family("bipartite"), nargs=2,
                             latex=r"K_{{{0},{1}}}", text="K({0},{1})")


# ==============================================================================================================
# exact and arb operators
# ==============================================================================================================

def _frac(val: Any) -> Fraction:
    """An exact rational from an evaluated argument (int, mpf (exact binary), exact arb, SymPy Rational)."""
    if isinstance(val, Fraction):
        return val
    if isinstance(val, int):
        return Fraction(val)
    if isinstance(val, sp.Basic):
        if val.is_Rational:
            return Fraction(int(val.p), int(val.q))
        raise CannotEvaluate(f"{val} is not a rational number")
    if isinstance(val, mpmath.mpf):
        return _mpf_fraction(val)
    if isinstance(val, flint.arb):
        if not val.is_exact():
            raise CannotEvaluate(f"{val} is not exact")
        man, exp = val.mid().man_exp()
        return Fraction(int(man)) * (Fraction(2) ** int(exp))
    if isinstance(val, float):
        return Fraction(val)
    raise CannotEvaluate(f"cannot read {val!r} as a rational")


def _mpf_fraction(val: Any) -> Fraction:
    """The exact binary value of a finite mpf as a Fraction (sign included)."""
    sign, man, exp, _ = mpmath.mpf(val)._mpf_
    if not man:
        if exp:  # inf / nan
            raise CannotEvaluate(f"{val} is not finite")
        return Fraction(0)
    out = Fraction(int(man)) * (Fraction(2) ** int(exp))
    return -out if sign else out


def _degrees(spec: GraphSpec, sw: Fraction) -> list[Fraction]:
    return [len(row) + sw for row in adjacency(spec)]


def exact_matrix(spec: GraphSpec, sw: Fraction) -> list[list[Fraction]]:
    """``M = D̃⁻¹Ã`` as exact rationals (rows = nodes; an isolated node without loop keeps its feature)."""
    nb = adjacency(spec)
    N = len(nb)
    d = _degrees(spec, sw)
    M = [[Fraction(0)] * N for _ in range(N)]
    for i, row in enumerate(nb):
        if d[i] == 0:
            M[i][i] = Fraction(1)
            continue
        for w in row:
            M[i][w] += 1 / d[i]
        if sw:
            M[i][i] += sw / d[i]
    return M


def exact_states(spec: GraphSpec, sw: Fraction, x0: Sequence[Fraction], layers: int) -> list[list[Fraction]]:
    """``X_0, ..., X_layers`` of mean aggregation in exact rational arithmetic."""
    nb = adjacency(spec)
    d = _degrees(spec, sw)
    xs = [list(x0)]
    for _ in range(layers):
        cur = xs[-1]
        xs.append([(sw * cur[i] + sum((cur[w] for w in row), Fraction(0))) / d[i] if d[i] else cur[i]
                   for i, row in enumerate(nb)])
    return xs


def _bits() -> int:
    return max(int(mpmath.mp.prec) + 64, 512)


def _arb_prec(bits: int):
    class _Ctx:
        def __enter__(self):
            self.old = flint.ctx.prec
            flint.ctx.prec = bits

        def __exit__(self, *exc):
            flint.ctx.prec = self.old
    return _Ctx()


def _to_mp(z: Any) -> Any:
    """The midpoint of an arb ball as an mpf (exactly, then rounded to the working precision)."""
    man, exp = z.mid().man_exp()
    return +mpmath.mpf((int(man), int(exp)))


def _arb_of(val: Any) -> Any:
    """An mpf (exactly) or an arb as an arb."""
    if isinstance(val, flint.arb):
        return val
    z = _mpf_fraction(val)
    return flint.arb(z.numerator) / z.denominator


def _sym_arb(spec: GraphSpec, sw: Fraction) -> Any:
    """``S = D̃^(-1/2) Ã D̃^(-1/2)`` as an ``arb_mat`` at the current arb precision."""
    nb = adjacency(spec)
    N = len(nb)
    d = _degrees(spec, sw)
    r = [flint.arb(0) if di == 0 else 1 / (flint.arb(di.numerator) / di.denominator).sqrt() for di in d]
    rows = [[flint.arb(0)] * N for _ in range(N)]
    for i, row in enumerate(nb):
        for w in row:
            rows[i][w] = r[i] * r[w]
        if d[i] == 0:
            rows[i][i] = flint.arb(1)
        elif sw:
            rows[i][i] = flint.arb(sw.numerator) / sw.denominator * r[i] * r[i]
    return flint.arb_mat(rows)


def _sym_float(spec: GraphSpec, sw: Fraction) -> np.ndarray:
    nb = adjacency(spec)
    N = len(nb)
    d = [float(z) for z in _degrees(spec, sw)]
    S = np.zeros((N, N))
    for i, row in enumerate(nb):
        for w in row:
            S[i, w] = 1.0 / math.sqrt(d[i] * d[w])
        S[i, i] = 1.0 if d[i] == 0 else float(sw) / d[i]
    return S


# ==============================================================================================================
# spectra: float64 locates, arb-precision inverse iteration computes
# ==============================================================================================================

_TOL = 1e-9  # float64 eigenvalues closer than this are one cluster (one eigenvalue, possibly multiple)


@functools.lru_cache(maxsize=None)
def _float_eigh(spec: GraphSpec, sw: Fraction) -> tuple[np.ndarray, np.ndarray]:
    vals, vecs = np.linalg.eigh(_sym_float(spec, sw))
    order = np.argsort(-vals, kind="stable")
    return vals[order], vecs[:, order]


def _clusters(vals: np.ndarray) -> list[list[int]]:
    """Indices (descending order) grouped into clusters of float eigenvalues within ``_TOL``."""
    groups: list[list[int]] = []
    for i, val in enumerate(vals):
        if groups and abs(vals[groups[-1][-1]] - val) <= _TOL:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


_REFINED: dict = {}


def _orthonormal(W: Any) -> Any:
    """Columns of ``W`` orthonormalised (modified Gram-Schmidt, twice) in arb midpoint arithmetic."""
    N, m = W.nrows(), W.ncols()
    cols = [[W[i, c].mid() for i in range(N)] for c in range(m)]
    out: list[list] = []
    for col in cols:
        for _ in range(2):
            for q in out:
                dot = sum((col[i] * q[i] for i in range(N)), flint.arb(0)).mid()
                col = [(col[i] - dot * q[i]).mid() for i in range(N)]
        nrm = sum((z * z for z in col), flint.arb(0)).sqrt().mid()
        if nrm == 0:
            raise CannotEvaluate("inverse iteration lost a direction")
        out.append([(z / nrm).mid() for z in col])
    return flint.arb_mat([[out[c][i] for c in range(m)] for i in range(N)])


def _refine(spec: GraphSpec, sw: Fraction, cluster: tuple[int, ...], bits: int) -> tuple[list, Any]:
    """Eigenvalues (descending) and orthonormal eigenvectors (columns) of ``S`` for one float cluster,
    by inverse subspace iteration at ``bits`` bits (cached per graph, loop weight and cluster)."""
    key = (spec, sw, cluster)
    hit = _REFINED.get(key)
    if hit is not None and hit[0] >= bits:
        return hit[1], hit[2]
    vals, vecs = _float_eigh(spec, sw)
    N = len(vals)
    with _arb_prec(bits):
        S = _sym_arb(spec, sw).mid()
        sigma = float(np.mean(vals[list(cluster)])) + 2.0 ** -40
        A = S - flint.arb_mat([[flint.arb(sigma) if i == c else 0 for c in range(N)] for i in range(N)])
        Ainv = A.solve(flint.arb_mat([[1 if i == c else 0 for c in range(N)] for i in range(N)]),
                       algorithm="approx").mid()
        Q = _orthonormal(flint.arb_mat([[float(vecs[i, c]) for c in cluster] for i in range(N)]))
        target = flint.arb(2) ** (-(bits // 2 + 8))
        thetas: list = []
        for it in range(80):
            Q = _orthonormal(Ainv * Q)
            SQ = (S * Q).mid()
            H = (Q.transpose() * SQ).mid()
            m = len(cluster)
            if m == 1:
                thetas = [H[0, 0].mid()]
                R = SQ - Q * H
            else:
                with mpmath.workprec(bits):
                    Hm = mpmath.matrix([[_to_mp(H[r, c]) for c in range(m)] for r in range(m)])
                    Hm = (Hm + Hm.T) / 2
                    ev, U = mpmath.eigsy(Hm)
                    Ua = flint.arb_mat([[flint.arb(mpmath.nstr(U[r, c], int(bits * 0.302) + 5))
                                         for c in range(m)] for r in range(m)])
                    thetas = [flint.arb(mpmath.nstr(ev[c], int(bits * 0.302) + 5)) for c in range(m)]
                Q = _orthonormal((Q * Ua).mid())
                SQ = (S * Q).mid()
                R = SQ - Q * flint.arb_mat([[thetas[c] if r == c else 0 for c in range(m)] for r in range(m)])
            res = max(abs(R[i, c].mid()) for i in range(N) for c in range(R.ncols()))
            if it >= 1 and res < target:
                break
        else:
            raise CannotEvaluate(f"inverse iteration did not converge on {spec.label}")
        order = sorted(range(len(thetas)), key=lambda c: -float(thetas[c].mid()))
        # an eigenvalue below the iteration's resolution is 0 to that resolution (reporting its rounding
        # noise would make figures depend on the float64 start vectors, i.e. on the CPU)
        floor = flint.arb(2) ** (-(bits - 32))
        thetas = [flint.arb(0) if abs(thetas[c].mid()) < floor else thetas[c] for c in order]
        Q = flint.arb_mat([[Q[i, c] for c in order] for i in range(N)])
    _REFINED[key] = (bits, thetas, Q)
    return thetas, Q


def _eig_mp(spec: GraphSpec, sw: Fraction, kk: int) -> Any:
    vals, _ = _float_eigh(spec, sw)
    N = len(vals)
    if not 1 <= kk <= N:
        raise CannotEvaluate(f"{spec.label} has {N} eigenvalues, not a {kk}-th")
    for cl in _clusters(vals):
        if kk - 1 in cl:
            thetas, _ = _refine(spec, sw, tuple(cl), _bits())
            return _to_mp(thetas[cl.index(kk - 1)])
    raise AssertionError("unreachable")


def _slem_parts(spec: GraphSpec, sw: Fraction, bits: int) -> tuple[Any, list]:
    """``slem`` (arb midpoint) and the refined eigenpairs of the two leading modulus groups, as
    ``[(theta, column vector), ...]`` sorted by modulus (then value) descending."""
    vals, _ = _float_eigh(spec, sw)
    N = len(vals)
    if N == 1:
        return flint.arb(0), []
    mods = np.abs(vals)
    top = np.sort(mods)[::-1]
    lead, second = top[0], top[1]
    wanted = {i for i in range(N) if abs(mods[i] - lead) <= _TOL or abs(mods[i] - second) <= _TOL}
    pairs = []
    for cl in _clusters(vals):
        if wanted.intersection(cl):
            thetas, Q = _refine(spec, sw, tuple(cl), bits)
            for c, th in enumerate(thetas):
                pairs.append((th, [Q[i, c] for i in range(N)]))
    with _arb_prec(bits):  # arb arithmetic rounds to the context precision, even abs()
        pairs.sort(key=lambda p: (-abs(float(p[0].mid())), -float(p[0].mid())))
        moduli = sorted((abs(p[0]).mid() for p in pairs), key=lambda z: -float(z))
    return moduli[1], pairs


def _slem_mp(g: Any, sw: Any) -> Any:
    spec, w = spec_of(g), _frac(sw)
    val, _ = _slem_parts(spec, w, _bits())
    return _to_mp(val)


def _proj2_mp(g: Any, sw: Any, X: Any) -> Any:
    spec, w = spec_of(g), _frac(sw)
    xs = _features(X, spec)
    bits = _bits()
    lam, pairs = _slem_parts(spec, w, bits)
    if not pairs:
        return mpmath.mpf(0)
    d = _degrees(spec, w)
    with _arb_prec(bits):
        y = [flint.arb(z.numerator) / z.denominator * (flint.arb(di.numerator) / di.denominator).sqrt()
             if di else flint.arb(z.numerator) / z.denominator for z, di in zip(xs, d)]
        tol = flint.arb(2) ** (-(bits // 2))
        total = flint.arb(0)
        for th, col in pairs[1:]:
            if abs(abs(th) - lam).mid() <= tol:
                c = sum((yi * qi for yi, qi in zip(y, col)), flint.arb(0))
                total += c * c
        scale = sum((yi * yi for yi in y), flint.arb(0))
        if total.mid() <= (scale * flint.arb(10) ** (-(mpmath.mp.dps // 2))).mid():
            return mpmath.mpf(0)  # zero to working precision: a non-generic start
        return _to_mp(total)


def _arb_spectrum(spec: GraphSpec, sw: Fraction) -> list:
    """Certified enclosures of all eigenvalues (with multiplicity) of ``S``, graphs of <= 40 nodes."""
    N = len(adjacency(spec))
    if N > 40:
        raise CannotEvaluate(f"certified spectrum only for <= 40 nodes ({spec.label} has {N})")
    try:
        E = flint.acb_mat(_sym_arb(spec, sw)).eig(multiple=True)
    except (ValueError, ZeroDivisionError) as exc:
        raise CannotEvaluate(f"arb could not isolate the eigenvalues of {spec.label}: {exc}") from None
    return [e.real for e in E]


def _kth_largest(balls: list, kk: int) -> Any:
    """A ball containing the ``kk``-th largest of numbers known to lie in ``balls`` (order statistics of the
    lower and upper endpoints)."""
    lo = sorted((z.lower() for z in balls), reverse=True)[kk - 1]
    hi = sorted((z.upper() for z in balls), reverse=True)[kk - 1]
    return (lo + hi) / 2 + flint.arb(0, (hi - lo) / 2)


def _eig_arb(g: Any, sw: Any, kk: Any) -> Any:
    spec = spec_of(g)
    balls = _arb_spectrum(spec, _frac(sw))
    return _kth_largest(balls, _int(kk))


def _slem_arb(g: Any, sw: Any) -> Any:
    spec = spec_of(g)
    balls = _arb_spectrum(spec, _frac(sw))
    return _kth_largest([abs(z) for z in balls], 2)


def _eig_mp_q(g: Any, sw: Any, kk: Any) -> Any:
    return _eig_mp(spec_of(g), _frac(sw), _int(kk))


# --- exact (SymPy) spectra of small graphs ---------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _exact_eigs(spec: GraphSpec, sw: Fraction) -> tuple | None:
    """Exact eigenvalues (descending, with multiplicity) when SymPy finds them all in radicals (N <= 16)."""
    N = len(adjacency(spec))
    if N > 16:
        return None
    M = sp.Matrix([[sp.Rational(z.numerator, z.denominator) for z in row] for row in exact_matrix(spec, sw)])
    roots = sp.roots(M.charpoly())
    if sum(roots.values()) != N or any(r.has(sp.CRootOf) for r in roots):
        return None
    out = []
    for r, mult in roots.items():
        if not r.is_real:
            return None
        out.extend([r] * mult)
    return tuple(sorted(out, key=lambda z: -float(sp.N(z, 30))))


def _sympy_graph(g: Any) -> GraphSpec | None:
    try:
        return spec_of(g)
    except CannotEvaluate:
        return None


def _sympy_frac(val: Any) -> Fraction | None:
    return Fraction(int(val.p), int(val.q)) if getattr(val, "is_Rational", False) else None


def _eig_explicit(g: Any, sw: Any, kk: Any) -> Any:
    spec, w = _sympy_graph(g), _sympy_frac(sw)
    if spec is None or w is None or not getattr(kk, "is_Integer", False):
        return None
    ev = _exact_eigs(spec, w)
    return None if ev is None or not 1 <= int(kk) <= len(ev) else ev[int(kk) - 1]


def _slem_explicit(g: Any, sw: Any) -> Any:
    spec, w = _sympy_graph(g), _sympy_frac(sw)
    if spec is None or w is None:
        return None
    ev = _exact_eigs(spec, w)
    if ev is None:
        return None
    mods = sorted((sp.Abs(z) for z in ev), key=lambda z: -float(sp.N(z, 30)))
    return mods[1]


# ==============================================================================================================
# features, iterates, energy
# ==============================================================================================================

def _features(X: Any, spec: GraphSpec) -> list[Fraction]:
    """The feature tuple as exact rationals (integers or exact binary values), one per node (a ``start``
    quantity with concrete arguments is read through its explicit form)."""
    if isinstance(X, Quantity) and type(X).__name__ == "start":
        if not all(getattr(z, "is_Integer", False) for z in X.args):
            raise CannotEvaluate(f"{X} is not concrete")
        X = _start_vals(*X.args)
    vals = list(X.args) if isinstance(X, sp.Tuple) else list(X) if isinstance(X, (tuple, list)) else None
    if vals is None:
        raise CannotEvaluate(f"features must be a tuple, got {X!r}")
    N = len(adjacency(spec))
    if len(vals) != N:
        raise CannotEvaluate(f"{len(vals)} features for {N} nodes of {spec.label}")
    return [_frac(z) for z in vals]


_TRAJ: dict = {}


def _component_means(spec: GraphSpec, sw: Fraction, xs: Sequence[Fraction]) -> list[Fraction]:
    """``m_v = Σ_{u ~ v} d̃_u x_u / Σ_{u ~ v} d̃_u`` (exact): the limit of mean aggregation on ``v``'s
    component (an isolated node without loop keeps its feature)."""
    lab = _component_labels(spec)
    d = _degrees(spec, sw)
    num: dict = {}
    den: dict = {}
    for i, (c, di, z) in enumerate(zip(lab, d, xs)):
        w = di if di else Fraction(1)
        num[c] = num.get(c, Fraction(0)) + w * z
        den[c] = den.get(c, Fraction(0)) + w
    return [num[c] / den[c] for c in lab]


def _trajectory(spec: GraphSpec, sw: Fraction, xs: Sequence[Fraction], layers: int, bits: int) -> tuple:
    """``(m, [Y_0 .. Y_layers])``: the exact per-component limit ``m`` (:func:`_component_means`) and the
    deviations ``Y_L = X_L − m = M^L (X_0 − m)`` as arb vectors at ``bits`` bits (``M m = m``), cached and
    extended on demand.  Iterating the deviation keeps its full relative precision while it decays (no
    cancellation against the limit): ``X_L = m + Y_L``, ``E(X_L) = E(Y_L)``."""
    key = (spec, sw, tuple(xs))
    hit = _TRAJ.get(key)
    if hit is None or hit[0] < bits:
        m = _component_means(spec, sw, xs)
        with _arb_prec(bits):
            hit = (bits, m, [[flint.arb((z - mz).numerator) / (z - mz).denominator for z, mz in zip(xs, m)]])
        _TRAJ[key] = hit
    states = hit[2]
    if len(states) <= layers:
        nb = adjacency(spec)
        d = _degrees(spec, sw)
        with _arb_prec(hit[0]):
            inv = [None if di == 0 else 1 / (flint.arb(di.numerator) / di.denominator) for di in d]
            swa = flint.arb(sw.numerator) / sw.denominator
            while len(states) <= layers:
                cur = states[-1]
                nxt = []
                for i, row in enumerate(nb):
                    if inv[i] is None:
                        nxt.append(cur[i])
                        continue
                    acc = swa * cur[i] if sw else flint.arb(0)
                    for w in row:
                        acc += cur[w]
                    nxt.append(acc * inv[i])
                states.append(nxt)
    return hit[1], states


def _feature_ball(spec: GraphSpec, sw: Fraction, xs: Sequence[Fraction], ll: int, vv: int, bits: int) -> Any:
    m, states = _trajectory(spec, sw, xs, ll, bits)
    with _arb_prec(bits):
        return flint.arb(m[vv].numerator) / m[vv].denominator + states[ll][vv]


def features(count: int, seed: int = 1) -> tuple[int, ...]:
    """Deterministic generic integer features ``x_u = ((7919 (u + seed)^2 + 104729 u) mod 201) - 100``."""
    return tuple(((7919 * (q + seed) ** 2 + 104729 * q) % 201) - 100 for q in range(count))


def _feat_arb(g: Any, sw: Any, X: Any, layers: Any, node: Any) -> Any:
    spec, w = spec_of(g), _frac(sw)
    xs = _features(X, spec)
    ll, vv = _int(layers), _int(node)
    if ll < 0 or not 0 <= vv < len(xs):
        raise CannotEvaluate(f"no layer {ll} / node {vv} on {spec.label}")
    return _feature_ball(spec, w, xs, ll, vv, max(int(flint.ctx.prec) + 64, 512))


def _feat_mp(g: Any, sw: Any, X: Any, layers: Any, node: Any) -> Any:
    spec, w = spec_of(g), _frac(sw)
    xs = _features(X, spec)
    ll, vv = _int(layers), _int(node)
    if ll < 0 or not 0 <= vv < len(xs):
        raise CannotEvaluate(f"no layer {ll} / node {vv} on {spec.label}")
    return _to_mp(_feature_ball(spec, w, xs, ll, vv, _bits()))


def _energy_of(spec: GraphSpec, state: list) -> Any:
    nb = adjacency(spec)
    acc = flint.arb(0)
    for i, row in enumerate(nb):
        for w in row:
            if i < w:
                dd = state[i] - state[w]
                acc += dd * dd
    return acc


def _energy_arb(g: Any, sw: Any, X: Any, layers: Any) -> Any:
    spec, w = spec_of(g), _frac(sw)
    xs = _features(X, spec)
    ll = _int(layers)
    bits = max(int(flint.ctx.prec) + 64, 512)
    st = _trajectory(spec, w, xs, ll, bits)[1][ll]
    with _arb_prec(bits):
        return _energy_of(spec, st)


def _energy_mp(g: Any, sw: Any, X: Any, layers: Any) -> Any:
    spec, w = spec_of(g), _frac(sw)
    xs = _features(X, spec)
    ll = _int(layers)
    bits = _bits()
    st = _trajectory(spec, w, xs, ll, bits)[1][ll]
    with _arb_prec(bits):
        return _to_mp(_energy_of(spec, st))


@functools.lru_cache(maxsize=None)
def _spectral_form(spec: GraphSpec, sw: Fraction, xs: tuple) -> tuple | None:
    """``X_L = Σ_λ λ^L P_λ X_0`` for a small graph with a rational spectrum: ``((λ, vector), ...)`` exact,
    ``λ = 0`` dropped (the form holds for ``L >= 1``); ``None`` when the spectrum is not rational."""
    N = len(xs)
    if N > 14:
        return None
    M = sp.Matrix([[sp.Rational(z.numerator, z.denominator) for z in row] for row in exact_matrix(spec, sw)])
    ev = _exact_eigs(spec, sw)
    if ev is None or not all(z.is_Rational for z in ev):
        return None
    x0 = sp.Matrix([sp.Rational(z.numerator, z.denominator) for z in xs])
    out = []
    distinct = sorted(set(ev), key=lambda z: -z)
    for lam in distinct:
        if lam == 0:
            continue
        P = sp.eye(N)
        for mu in distinct:
            if mu != lam:
                P = P * (M - mu * sp.eye(N)) / (lam - mu)
        comp = P * x0
        if any(c != 0 for c in comp):
            out.append((lam, tuple(comp)))
    return tuple(out)


def _state_explicit(spec: GraphSpec, w: Fraction, xs: list, layers: Any) -> list | None:
    if getattr(layers, "is_Integer", False):
        ll = int(layers)
        if ll < 0 or ll > 400:
            return None
        return [sp.Rational(z.numerator, z.denominator) for z in exact_states(spec, w, xs, ll)[ll]]
    if not isinstance(layers, sp.Expr) or not layers.free_symbols:
        return None
    form = _spectral_form(spec, w, tuple(xs))
    if form is None:
        return None
    return [sp.Add(*[lam ** layers * vec[i] for lam, vec in form]) for i in range(len(xs))]


def _feat_explicit(g: Any, sw: Any, X: Any, layers: Any, node: Any) -> Any:
    spec, w = _sympy_graph(g), _sympy_frac(sw)
    if spec is None or w is None or not getattr(node, "is_Integer", False):
        return None
    try:
        xs = _features(X, spec)
    except CannotEvaluate:
        return None
    st = _state_explicit(spec, w, xs, layers)
    return None if st is None or not 0 <= int(node) < len(st) else st[int(node)]


def _energy_explicit(g: Any, sw: Any, X: Any, layers: Any) -> Any:
    spec, w = _sympy_graph(g), _sympy_frac(sw)
    if spec is None or w is None:
        return None
    try:
        xs = _features(X, spec)
    except CannotEvaluate:
        return None
    st = _state_explicit(spec, w, xs, layers)
    if st is None:
        return None
    nb = adjacency(spec)
    return sp.expand(sp.Add(*[(st[i] - st[q]) ** 2 for i, row in enumerate(nb) for q in row if i < q]))


# ==============================================================================================================
# the quantities
# ==============================================================================================================

def _nodes(g: Any) -> Any:
    return len(adjacency(spec_of(g)))


def _nodes_explicit(g: Any) -> Any:
    spec = _sympy_graph(g)
    return None if spec is None else sp.Integer(len(adjacency(spec)))


#: number of nodes ``N`` of a graph
nodes = quantity("nodes", lambda g: mpmath.mpf(_nodes(g)), arb=lambda g: flint.arb(_nodes(g)), nargs=1,
                 integer=True, positive=True, latex=r"N_{{{0}}}", text="N({0})", explicit=_nodes_explicit)


def _deg_val(g: Any, sw: Any, node: Any) -> Fraction:
    spec = spec_of(g)
    nb = adjacency(spec)
    vv = _int(node)
    if not 0 <= vv < len(nb):
        raise CannotEvaluate(f"{spec.label} has no node {vv}")
    return len(nb[vv]) + _frac(sw)


def _deg_explicit(g: Any, sw: Any, node: Any) -> Any:
    if _sympy_graph(g) is None or _sympy_frac(sw) is None or not getattr(node, "is_Integer", False):
        return None
    try:
        z = _deg_val(g, sw, node)
    except CannotEvaluate:
        return None
    return sp.Rational(z.numerator, z.denominator)


def _deg_mp(g: Any, sw: Any, node: Any) -> Any:
    z = _deg_val(g, sw, node)
    return mpmath.mpf(z.numerator) / z.denominator


def _deg_arb(g: Any, sw: Any, node: Any) -> Any:
    z = _deg_val(g, sw, node)
    return flint.arb(z.numerator) / z.denominator


#: ``d̃_u = deg(u) + s``, the degree with a self loop of weight ``s``
deg = quantity("deg", _deg_mp, arb=_deg_arb, nargs=3, nonnegative=True, latex=r"\tilde d_{{{2}}}",
               text="deg({0}, {1}, {2})", explicit=_deg_explicit)


@functools.lru_cache(maxsize=None)
def _component_labels(spec: GraphSpec) -> tuple[int, ...]:
    nb = adjacency(spec)
    lab = [-1] * len(nb)
    c = 0
    for start in range(len(nb)):
        if lab[start] >= 0:
            continue
        stack = [start]
        lab[start] = c
        while stack:
            q = stack.pop()
            for w in nb[q]:
                if lab[w] < 0:
                    lab[w] = c
                    stack.append(w)
        c += 1
    return tuple(lab)


def _same_val(g: Any, p: Any, q: Any) -> int:
    spec = spec_of(g)
    lab = _component_labels(spec)
    pi, qi = _int(p), _int(q)
    if not (0 <= pi < len(lab) and 0 <= qi < len(lab)):
        raise CannotEvaluate(f"{spec.label} has no node {pi} or {qi}")
    return int(lab[pi] == lab[qi])


def _same_explicit(g: Any, p: Any, q: Any) -> Any:
    if _sympy_graph(g) is None or not (getattr(p, "is_Integer", False) and getattr(q, "is_Integer", False)):
        return None
    try:
        return sp.Integer(_same_val(g, p, q))
    except CannotEvaluate:
        return None


#: 1 if nodes ``u`` and ``v`` lie in the same connected component, else 0
same = quantity("same", lambda g, p, q: mpmath.mpf(_same_val(g, p, q)),
                arb=lambda g, p, q: flint.arb(_same_val(g, p, q)), nargs=3, nonnegative=True,
                latex=r"\mathbb 1[{1} \sim_{{{0}}} {2}]", text="same({0}, {1}, {2})", explicit=_same_explicit)


def _ncomp(g: Any) -> int:
    return len(set(_component_labels(spec_of(g))))


def _ncomp_explicit(g: Any) -> Any:
    spec = _sympy_graph(g)
    return None if spec is None else sp.Integer(len(set(_component_labels(spec))))


#: number of connected components
ncomp = quantity("ncomp", lambda g: mpmath.mpf(_ncomp(g)), arb=lambda g: flint.arb(_ncomp(g)), nargs=1, integer=True,
                 positive=True, latex=r"\#\mathrm{{comp}}({0})", text="ncomp({0})", explicit=_ncomp_explicit)


def _xv(X: Any, node: Any) -> Any:
    vals = list(X.args) if isinstance(X, sp.Tuple) else list(X)
    q = _int(node)
    if not 0 <= q < len(vals):
        raise CannotEvaluate(f"no feature {q} among {len(vals)}")
    return vals[q]


def _xv_explicit(X: Any, node: Any) -> Any:
    if not getattr(node, "is_Integer", False):
        return None
    if isinstance(X, Quantity) and type(X).__name__ == "start":
        try:
            return sp.Integer(_xv(_start_vals(*X.args), node))
        except CannotEvaluate:
            return None
    if not isinstance(X, sp.Tuple):
        return None
    return _xv(X, node)


#: ``x_u``: entry ``u`` (0-based) of the feature tuple
xv = quantity("xv", _xv, arb=_xv, nargs=2, latex=r"{0}[{1}]", text="{0}[{1}]", explicit=_xv_explicit)


def _start_vals(g: Any, seed: Any) -> tuple[int, ...]:
    N = len(adjacency(spec_of(g)))
    sd = _int(seed)
    if sd < 0:
        raise CannotEvaluate(f"no start features with seed {sd}")
    return tuple((-1) ** q for q in range(N)) if sd == 0 else features(N, sd)


#: the start features ``X_0`` of a graph: seed ``σ >= 1`` the generic integers :func:`features` ``(N, σ)``,
#: seed 0 the alternating signs ``(1, −1, 1, ...)``.  No explicit form of its own (a SymPy ``Tuple`` inside a
#: ``Sum`` does not survive ``Sum.doit``): the quantities that take features read it (:func:`_features`, ``xv``).
start = quantity("start", lambda g, sd: tuple(mpmath.mpf(z) for z in _start_vals(g, sd)),
                 arb=lambda g, sd: tuple(flint.arb(z) for z in _start_vals(g, sd)), nargs=2,
                 latex=r"X_0^{{[{1}]}}", text="X0[{1}]")
#: start-feature seed (an instance symbol)
seed = sp.Symbol("sigma", integer=True, nonnegative=True)
#: ``X_0`` of the graph ``G`` with the instance's seed
XS = start(G, seed)


# --- characteristic polynomial -----------------------------------------------------------------------------------

def _charpoly_arb_ball(spec: GraphSpec, w: Fraction, xval: Any, bits: int) -> Any:
    with _arb_prec(bits):
        M = exact_matrix(spec, w)
        N = len(M)
        rows = [[(xval if i == c else flint.arb(0)) - flint.arb(M[i][c].numerator) / M[i][c].denominator
                 for c in range(N)] for i in range(N)]
        return flint.arb_mat(rows).det()


def _charpoly_mp(g: Any, sw: Any, xval: Any) -> Any:
    spec, w = spec_of(g), _frac(sw)
    if len(adjacency(spec)) > 60:
        raise CannotEvaluate("characteristic polynomial only for <= 60 nodes")
    bits = _bits()
    with _arb_prec(bits):
        xa = _arb_of(xval)
    return _to_mp(_charpoly_arb_ball(spec, w, xa, bits))


def _charpoly_arb(g: Any, sw: Any, xval: Any) -> Any:
    spec, w = spec_of(g), _frac(sw)
    if len(adjacency(spec)) > 60:
        raise CannotEvaluate("characteristic polynomial only for <= 60 nodes")
    return _charpoly_arb_ball(spec, w, xval, int(flint.ctx.prec))


def _charpoly_explicit(g: Any, sw: Any, xval: Any) -> Any:
    spec, w = _sympy_graph(g), _sympy_frac(sw)
    if spec is None or w is None or len(adjacency(spec)) > 40:
        return None
    M = sp.Matrix([[sp.Rational(z.numerator, z.denominator) for z in row] for row in exact_matrix(spec, w)])
    coeffs = M.charpoly().all_coeffs()
    deg_ = len(coeffs) - 1
    return sp.expand(sp.Add(*[c * xval ** (deg_ - i) for i, c in enumerate(coeffs)]))


def _charpoly_unfold(g: Any, sw: Any, xval: Any) -> Any:
    """``det(x I − M)`` with ``M`` written in blocks for the complete and complete bipartite families (general
    sizes): ``K_n``: ``M = (J − (1 − s) I)/(n − 1 + s)``; ``K_{a,b}`` (and ``S_n = K_{1,n-1}``): ``M`` has the
    diagonal blocks ``s/(b+s) I_a``, ``s/(a+s) I_b`` and the off-diagonal blocks ``J_{a×b}/(b+s)``,
    ``J_{b×a}/(a+s)``."""
    name = type(g).__name__ if isinstance(g, Quantity) else ""
    if name == "Complete":
        m = g.args[0]
        Mx = (sp.OneMatrix(m, m) - (1 - sw) * sp.Identity(m)) / (m - 1 + sw)
        return sp.Determinant(xval * sp.Identity(m) - Mx)
    if name in ("CompleteBipartite", "Star"):
        aa, bb = (g.args[0], g.args[1]) if name == "CompleteBipartite" else (sp.Integer(1), g.args[0] - 1)
        blocks = sp.BlockMatrix([[(xval - sw / (bb + sw)) * sp.Identity(aa), -sp.OneMatrix(aa, bb) / (bb + sw)],
                                 [-sp.OneMatrix(bb, aa) / (aa + sw), (xval - sw / (aa + sw)) * sp.Identity(bb)]])
        return sp.Determinant(blocks)
    return None


def _cp_unfold(g: Any, sw: Any, xval: Any) -> Any:
    out = _charpoly_unfold(g, sw, xval)
    return out if out is not None else charpoly(g, sw, xval)


#: ``χ(x) = det(x I − D̃⁻¹Ã)``, the characteristic polynomial of the mean operator (its definition for the
#: complete and complete bipartite families: :func:`_charpoly_unfold`)
charpoly = quantity("charpoly", _charpoly_mp, arb=_charpoly_arb, nargs=3, unfold=_cp_unfold,
                    latex=r"\chi_{{{0}}}^{{({1})}}\!\left({2}\right)", text="chi({0}, {1}, {2})",
                    explicit=_charpoly_explicit)

#: ``λ_k``: the ``k``-th largest eigenvalue of ``D̃⁻¹Ã`` (with multiplicity, ``k = 1..N``)
eig = quantity("eig", _eig_mp_q, arb=_eig_arb, nargs=3, real=True, latex=r"\lambda_{{{2}}}\!\left({0}, {1}\right)",
               text="lambda_{2}({0}, {1})", explicit=_eig_explicit)

#: ``|λ|_(2)``: the second-largest eigenvalue modulus of ``D̃⁻¹Ã`` (counting multiplicity)
slem = quantity("slem", _slem_mp, arb=_slem_arb, nargs=2, nonnegative=True,
                latex=r"|\lambda|_{{(2)}}\!\left({0}, {1}\right)", text="slem({0}, {1})", explicit=_slem_explicit)

#: squared ``D̃``-norm of the component of ``X`` along the eigenvectors (after the first) of modulus ``slem``
proj2 = quantity("proj2", _proj2_mp, nargs=3, nonnegative=True,
                 latex=r"\lVert P_{{|\lambda|_{{(2)}}}} {2} \rVert^2_{{{0},{1}}}", text="proj2({0}, {1}, {2})")

#: ``(M^L X)_v``: node ``v`` after ``L`` layers of mean aggregation
feat = quantity("feat", _feat_mp, arb=_feat_arb, nargs=5, real=True,
                latex=r"\big((\tilde D^{{-1}}\tilde A)^{{{3}}} {2}\big)_{{{4}}}", text="feat({0}, {1}, {2}, {3}, {4})",
                explicit=_feat_explicit)

#: Dirichlet energy ``E(X_L) = Σ_{u~v} (x_u − x_v)²`` after ``L`` layers (each edge once)
energy = quantity("energy", _energy_mp, arb=_energy_arb, nargs=4, nonnegative=True,
                  latex=r"E\big((\tilde D^{{-1}}\tilde A)^{{{3}}} {2}\big)", text="energy({0}, {1}, {2}, {3})",
                  explicit=_energy_explicit)


# --- rows of the mean operator applied to Fourier vectors (general-n definitions) --------------------------------

def _mv_cycle_val(nn: Any, sw: Any, kk: Any, jj: Any, ph: Any, ctx: str) -> Any:
    m = _int(nn)
    if m < 3:
        raise CannotEvaluate("a cycle needs 3 nodes")
    kq, jq = _int(kk), _int(jj)
    if not 0 <= jq < m:
        raise CannotEvaluate(f"C_{m} has no node {jq}")
    if ctx == "mp":
        cosf = lambda i: mpmath.cos(2 * mpmath.pi * kq * i / m - ph)  # noqa: E731
        return (sw * cosf(jq) + cosf((jq - 1) % m) + cosf((jq + 1) % m)) / (2 + sw)
    pi = flint.arb.pi()
    cosf = lambda i: (2 * pi * kq * i / m - ph).cos()  # noqa: E731
    return (sw * cosf(jq) + cosf((jq - 1) % m) + cosf((jq + 1) % m)) / (2 + sw)


def _mv_cycle_unfold(nn: Any, sw: Any, kk: Any, jj: Any, ph: Any) -> Any:
    th = 2 * sp.pi * kk / nn
    return (sw * sp.cos(th * jj - ph) + sp.cos(th * jj - th - ph) + sp.cos(th * jj + th - ph)) / (2 + sw)


#: ``(M_{C_n} c)_j`` with ``c_i = cos(2πki/n − φ)``: row ``j`` of the cycle's mean operator (neighbours
#: ``j ± 1 mod n``, self loop ``s``) on the ``k``-th Fourier vector
mv_cycle = quantity("mv_cycle", lambda *a_: _mv_cycle_val(*a_, ctx="mp"), arb=lambda *a_: _mv_cycle_val(*a_, ctx="arb"),
                    nargs=5, real=True, unfold=_mv_cycle_unfold,
                    latex=r"\big(\tilde D^{{-1}}\tilde A_{{C_{{{0}}}}}\, c^{{({2},{4})}}\big)_{{{3}}}",
                    text="mv_cycle({0}, {1}, {2}, {3}, {4})")


def _mv_path_val(nn: Any, kk: Any, jj: Any, ctx: str) -> Any:
    m = _int(nn)
    if m < 2:
        raise CannotEvaluate("a path needs 2 nodes")
    kq, jq = _int(kk), _int(jj)
    if not 0 <= jq < m:
        raise CannotEvaluate(f"P_{m} has no node {jq}")
    nb = adjacency(GraphSpec("path", (m,)))[jq]
    if ctx == "mp":
        vals = [mpmath.cos(mpmath.pi * kq * i / (m - 1)) for i in nb]
        return mpmath.fsum(vals) / len(nb)
    pi = flint.arb.pi()
    acc = flint.arb(0)
    for i in nb:
        acc += (pi * kq * i / (m - 1)).cos()
    return acc / len(nb)


def _mv_path_unfold(nn: Any, kk: Any, jj: Any) -> Any:
    th = sp.pi * kk / (nn - 1)
    return sp.Piecewise((sp.cos(th), sp.Eq(jj, 0)), (sp.cos(th * (nn - 2)), sp.Eq(jj, nn - 1)),
                        ((sp.cos(th * jj - th) + sp.cos(th * jj + th)) / 2, True))


#: ``(M_{P_n} c)_j`` with ``c_i = cos(πki/(n−1))``: row ``j`` of the path's mean operator (no self loops:
#: the ends have one neighbour, the inner nodes two)
mv_path = quantity("mv_path", lambda *a_: _mv_path_val(*a_, ctx="mp"), arb=lambda *a_: _mv_path_val(*a_, ctx="arb"),
                   nargs=3, real=True, unfold=_mv_path_unfold,
                   latex=r"\big(D^{{-1}}A_{{P_{{{0}}}}}\, c^{{({1})}}\big)_{{{2}}}", text="mv_path({0}, {1}, {2})")


# ==============================================================================================================
# SymPy building blocks of statements (π-weighted means)
# ==============================================================================================================

def pi_mean(g: Any = G, sw: Any = s, X: Any = None) -> Any:
    """``πᵀX = Σ_u d̃_u x_u / Σ_u d̃_u`` (the stationary distribution ``π ∝ d̃``), as a SymPy expression
    (``X`` defaults to ``start(g, seed)``)."""
    X = start(g, seed) if X is None else X
    N = nodes(g)
    return (sp.Sum(deg(g, sw, u) * xv(X, u), (u, 0, N - 1)) / sp.Sum(deg(g, sw, u), (u, 0, N - 1)))


def plain_mean(g: Any = G, X: Any = None) -> Any:
    """``(1/N) Σ_u x_u`` (uniform weights: the common mistake for the limit of mean aggregation)."""
    X = start(g, seed) if X is None else X
    N = nodes(g)
    return sp.Sum(xv(X, u), (u, 0, N - 1)) / N


def pi_weight(g: Any = G, sw: Any = s, node: Any = v) -> Any:
    """``π_v = d̃_v / Σ_u d̃_u``."""
    N = nodes(g)
    return deg(g, sw, node) / sp.Sum(deg(g, sw, u), (u, 0, N - 1))


def pi_dev(g: Any = G, sw: Any = s, X: Any = None) -> Any:
    """``‖X − 1πᵀX‖_π = (Σ_u π_u (x_u − πᵀX)²)^(1/2) = (Σ_u π_u x_u² − (πᵀX)²)^(1/2)`` (the second form: one
    pass over the nodes)."""
    X = start(g, seed) if X is None else X
    N = nodes(g)
    return sp.sqrt(sp.Sum(deg(g, sw, u) * xv(X, u) ** 2, (u, 0, N - 1)) / sp.Sum(deg(g, sw, u), (u, 0, N - 1))
                   - pi_mean(g, sw, X) ** 2)


def component_mean(g: Any = G, sw: Any = s, X: Any = None, node: Any = v, per_component: bool = True) -> Any:
    """``Σ_{u ~ v} d̃_u x_u / Σ_{u ~ v} d̃_u`` over the component of ``v`` (``per_component=False``: over all
    nodes, i.e. :func:`pi_mean`)."""
    X = start(g, seed) if X is None else X
    N = nodes(g)
    ind = same(g, u, node) if per_component else 1
    return sp.Sum(ind * deg(g, sw, u) * xv(X, u), (u, 0, N - 1)) / sp.Sum(ind * deg(g, sw, u), (u, 0, N - 1))
