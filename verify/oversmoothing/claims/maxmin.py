r"""Claims ``os.maxmin.*``: max and min aggregation, repeated, reach the graph's extremum in finite time.

One layer of max aggregation is ``x'_v = max_{u ∈ N_s(v)} x_u`` with ``N_1(v) = N(v) ∪ {v}`` (self loops) and
``N_0(v) = N(v)`` (without).  The statements are SymPy relations between graph quantities defined here (each an
mpmath and an arb implementation, most also an explicit SymPy form):

==================================  ==============================================================================
``maxprop(G, X, v, L, s)``          ``x_v`` after ``L`` layers of max aggregation of the features ``X`` (a tuple)
``minprop(G, X, v, L, s)``          the same for min aggregation
``ballmax(G, X, v, L)``             ``max {x_u : d(u, v) <= L}`` (BFS distance)
``walkmax(G, X, v, L)``             ``max {x_u : a walk of exactly L edges joins v and u}`` (bipartite double cover)
``first(G, v, s)``                  the first layer at which ``x_v`` is the graph maximum, for *every* real ``X``
``settle(G, v, s)``                 the first layer from which on ``x_v`` stays the graph maximum (``∞``: never)
``Tall(G, s)``                      ``max_v settle(G, v, s)``: every node holds the maximum from then on
``settles(G, s)``                   ``1`` if ``Tall(G, s)`` is finite, else ``0``
``ecc, diam, rad``                  eccentricity, diameter, radius (BFS)
``pecc(G, v, s)``                   parity eccentricity: ``max_{u, p}`` of the shortest walk length from ``v`` to ``u``
                                    with parity ``p`` (BFS in the double cover ``G × K_2``); ``∞`` if bipartite
``bip(G)``                          ``1`` if ``G`` is bipartite (networkx), else ``0``
==================================  ==============================================================================

A graph is an integer symbol ``G``: an index into :data:`GRAPHS` (``G >= ATLAS``: the networkx graph atlas entry
``G - ATLAS``, every graph on up to 7 nodes).  The features are kept *symbolic* where it matters: max aggregation
of maxima over sets is the maximum over the union of the sets (max is associative, commutative and idempotent),
so ``x_v^{(L)} = max_{u ∈ S_L(v)} x_u`` with ``S_0(v) = {v}``, ``S_{L+1}(v) = ∪_{u ∈ N_s(v)} S_L(u)`` holds for
every real ``X``; two such maxima agree for every ``X`` iff their sets agree (an indicator feature separates
them).  So the reaching times computed from the sets are exact for all real features, and the explicit SymPy
forms (``Max`` over symbols) make the ``exact`` evidence a proof for all features at the graphs it runs on.

Evidence that runs the package's kernels (``propagate`` with ``segment_max``/``segment_min``) evaluates the very
statement with the kernel's results substituted for the quantities (:func:`kernel_points`).
"""

from __future__ import annotations

import functools
import random
from collections import deque
from typing import Any, Callable, Sequence

import mpmath
import networkx as nx
import numpy as np
import sympy as sp

from verify.core.claim import Claim, Evidence, Mutant, Outcome, Prop
from verify.core.evaluate import CannotEvaluate, evaluate
from verify.core.numeric import _instances_for, at_points, counterexample, fmt
from verify.core.statement import All, Quantity, Rel, describe_instance, explicit, quantity

try:
    import flint
except ImportError:  # pragma: no cover
    flint = None

# ==============================================================================================================
# graphs
# ==============================================================================================================

#: the graphs the instances refer to (index = value of the symbol ``G``)
GRAPHS: tuple = (
    ("P_6", nx.path_graph(6)),          # 0  path, diameter 5, radius 3, bipartite
    ("C_7", nx.cycle_graph(7)),         # 1  odd cycle
    ("C_6", nx.cycle_graph(6)),         # 2  even cycle (bipartite)
    ("S_5", nx.star_graph(5)),          # 3  star K_{1,5} (bipartite)
    ("karate", nx.karate_club_graph()),  # 4  Zachary's karate club, 34 nodes, diameter 5
    ("P_4", nx.path_graph(4)),          # 5
    ("C_5", nx.cycle_graph(5)),         # 6
    ("K_4", nx.complete_graph(4)),      # 7
    ("Petersen", nx.petersen_graph()),  # 8  non-bipartite, diameter 2, odd girth 5
    ("P_5", nx.path_graph(5)),          # 9
    ("S_4", nx.star_graph(4)),          # 10
)
GRAPH_INDEX = {name: k for k, (name, _) in enumerate(GRAPHS)}  # noqa


class GraphId(int):
    """A graph index that prints as the graph's name (instance values: ``G=P_5`` in every figure)."""

    def __new__(cls, k: int, label: str = ""):
        obj = int.__new__(cls, k)
        obj.label = label or str(k)
        return obj

    def __str__(self) -> str:
        return self.label

    __repr__ = __str__

    def __reduce__(self):
        return (GraphId, (int(self), self.label))


def gid(name: str) -> GraphId:
    """The instance value of ``G`` for a named graph of :data:`GRAPHS`."""
    return GraphId(GRAPH_INDEX[name], name)
#: ``G >= ATLAS`` is ``nx.graph_atlas(G - ATLAS)``
ATLAS = 1000

#: the symbols of the statements
G = sp.Symbol("G", integer=True, nonnegative=True)
X = sp.Symbol("X")                               # a feature tuple (bound per instance)
v = sp.Symbol("v", integer=True, nonnegative=True)
L = sp.Symbol("L", integer=True, nonnegative=True)
s = sp.Symbol("s", integer=True, nonnegative=True)  # 1: self loops, 0: none


def _int(x: Any) -> int:
    if flint is not None and isinstance(x, flint.arb):
        val = x.unique_fmpz()
        if val is None:
            raise CannotEvaluate(f"{x} is not a certain integer")
        return int(val)
    if isinstance(x, (sp.Integer, int)):
        return int(x)
    if isinstance(x, sp.Basic):
        if x.is_Integer:
            return int(x)
        raise CannotEvaluate(f"{x} is not an integer")
    val = mpmath.mpf(x)
    if val != int(val):
        raise CannotEvaluate(f"{x} is not an integer")
    return int(val)


@functools.lru_cache(maxsize=None)
def _atlas() -> tuple:
    return tuple(nx.graph_atlas_g()[:209])  # every graph on up to 6 nodes


@functools.lru_cache(maxsize=None)
def graph(idx: int) -> nx.Graph:
    """The networkx graph with index ``idx`` (nodes relabelled ``0 .. n-1`` in ``list(G)`` order)."""
    if idx >= ATLAS:
        g = _atlas()[idx - ATLAS]
    else:
        g = GRAPHS[idx][1]
    return nx.convert_node_labels_to_integers(g, ordering="default")


def graph_name(idx: int) -> str:
    return f"atlas#{idx - ATLAS}" if idx >= ATLAS else GRAPHS[idx][0]


@functools.lru_cache(maxsize=None)
def neighbours(idx: int, loops: int) -> tuple:
    """``N_s(v)`` for every ``v`` (sorted tuples; ``v`` itself included iff ``loops``)."""
    g = graph(idx)
    out = []
    for u in range(g.number_of_nodes()):
        nb = {w for w in g[u] if w != u}
        if loops:
            nb.add(u)
        out.append(tuple(sorted(nb)))
    return tuple(out)


@functools.lru_cache(maxsize=None)
def bfs(idx: int, src: int) -> tuple:
    """BFS distances from ``src`` (``-1`` for unreachable nodes)."""
    nb = neighbours(idx, 0)
    dist = [-1] * len(nb)
    dist[src] = 0
    queue = deque([src])
    while queue:
        a = queue.popleft()
        for b in nb[a]:
            if dist[b] < 0:
                dist[b] = dist[a] + 1
                queue.append(b)
    return tuple(dist)


@functools.lru_cache(maxsize=None)
def parity_bfs(idx: int, src: int, loops: int) -> tuple:
    """Shortest walk lengths from ``src`` to every ``(u, parity)``: BFS in the double cover ``G × K_2`` (edges
    ``(a, p) -- (b, 1 - p)``; with ``loops`` also ``(a, p) -- (a, 1 - p)``).  ``-1``: no such walk."""
    nb = neighbours(idx, loops)
    n = len(nb)
    dist = [[-1, -1] for _ in range(n)]
    dist[src][0] = 0
    queue = deque([(src, 0)])
    while queue:
        a, p = queue.popleft()
        for b in nb[a]:
            if dist[b][1 - p] < 0:
                dist[b][1 - p] = dist[a][p] + 1
                queue.append((b, 1 - p))
    return tuple(tuple(d) for d in dist)


@functools.lru_cache(maxsize=None)
def reach_orbit(idx: int, loops: int) -> tuple:
    """The sets ``S_L(v)`` (bitmasks) of max aggregation, ``L = 0, 1, ...`` until the global state repeats:
    ``(states, mu, period)`` with ``states[mu + period] == states[mu]`` (eventually periodic: a deterministic map
    on a finite set)."""
    nb = neighbours(idx, loops)
    n = len(nb)
    state = tuple(1 << u for u in range(n))
    seen = {state: 0}
    states = [state]
    while True:
        state = tuple(functools.reduce(lambda a, b: a | b, (state[u] for u in nb[w]), 0) for w in range(n))
        if state in seen:
            mu = seen[state]
            return tuple(states), mu, len(states) - mu
        seen[state] = len(states)
        states.append(state)
        if len(states) > 4 * n * n + 8:  # pragma: no cover - Wielandt: index <= (n-1)^2 + 1, period <= 2
            raise CannotEvaluate("the reach sets did not become periodic")


def reach_set(idx: int, node: int, layers: int, loops: int) -> int:
    states, mu, per = reach_orbit(idx, loops)
    k = layers if layers < len(states) else mu + (layers - mu) % per
    return states[k][node]


def _full(idx: int) -> int:
    return (1 << graph(idx).number_of_nodes()) - 1


def first_time(idx: int, node: int, loops: int) -> Any:
    states, _, _ = reach_orbit(idx, loops)
    full = _full(idx)
    for k, st in enumerate(states):
        if st[node] == full:
            return k
    return mpmath.inf


def settle_time(idx: int, node: int, loops: int) -> Any:
    """The first ``L`` with ``S_{L'}(v) = V`` for every ``L' >= L`` (``inf`` if there is none)."""
    states, mu, per = reach_orbit(idx, loops)
    full = _full(idx)
    last_bad = -1
    for k, st in enumerate(states):
        if st[node] != full:
            last_bad = k
    start = last_bad + 1
    return start if start <= mu else mpmath.inf


def all_time(idx: int, loops: int) -> Any:
    n = graph(idx).number_of_nodes()
    return max(settle_time(idx, w, loops) for w in range(n))


# ==============================================================================================================
# quantities
# ==============================================================================================================

def _num(k: Any, arb: bool = False) -> Any:
    if arb:
        if k == mpmath.inf:
            raise CannotEvaluate("an infinite time has no arb enclosure")
        return flint.arb(int(k))
    return mpmath.inf if k == mpmath.inf else mpmath.mpf(k)


def _mp_extreme(vals: list, top: bool) -> Any:
    return max(vals) if top else min(vals)


def _arb_ext(vals: list, top: bool) -> Any:
    from verify.core.evaluate import _arb_extreme

    return _arb_extreme(list(vals), top)


def _simulate(idx: int, xs: Sequence[Any], layers: int, loops: int, top: bool, ext: Callable) -> list:
    """``layers`` layers of max (``top``) or min aggregation, literally: ``x'_w = ext_{u in N_s(w)} x_u``."""
    nb = neighbours(idx, loops)
    if len(xs) != len(nb):
        raise CannotEvaluate(f"X has {len(xs)} entries but {graph_name(idx)} has {len(nb)} nodes")
    x = list(xs)
    for _ in range(layers):
        x = [ext([x[u] for u in nb[w]], top) if nb[w] else x[w] for w in range(len(nb))]
    return x


def _prop(top: bool, arb: bool) -> Callable:
    ext = _arb_ext if arb else _mp_extreme

    def f(g: Any, xs: Any, node: Any, layers: Any, loops: Any) -> Any:
        return _simulate(_int(g), xs, _int(layers), _int(loops), top, ext)[_int(node)]
    return f


def _symbolic_max(vals: list, top: bool = True) -> Any:
    vals = list(dict.fromkeys(vals))
    if len(vals) == 1:
        return vals[0]
    if all(isinstance(a, sp.Number) for a in vals):
        return sp.Max(*vals) if top else sp.Min(*vals)
    return (sp.Max if top else sp.Min)(*vals, evaluate=False)


def _prop_explicit(top: bool) -> Callable:
    def f(g: Any, xs: Any, node: Any, layers: Any, loops: Any) -> Any:
        if not isinstance(xs, sp.Tuple) or not all(isinstance(a, sp.Integer) for a in (g, node, layers, loops)):
            return None
        mask = reach_set(int(g), int(node), int(layers), int(loops))
        return _symbolic_max([xs[u] for u in range(len(xs)) if mask >> u & 1], top)
    return f


def _ball_nodes(idx: int, node: int, layers: int) -> list:
    return [u for u, d in enumerate(bfs(idx, node)) if 0 <= d <= layers]


def _walk_nodes(idx: int, node: int, layers: int) -> list:
    pd = parity_bfs(idx, node, 0)
    return [u for u in range(len(pd)) if 0 <= pd[u][layers % 2] <= layers]


def _over(nodes_of: Callable, arb: bool) -> Callable:
    ext = _arb_ext if arb else _mp_extreme

    def f(g: Any, xs: Any, node: Any, layers: Any) -> Any:
        nodes = nodes_of(_int(g), _int(node), _int(layers))
        if not nodes:
            raise CannotEvaluate("an empty set of nodes has no maximum")
        return ext([xs[u] for u in nodes], True)
    return f


def _over_explicit(nodes_of: Callable) -> Callable:
    def f(g: Any, xs: Any, node: Any, layers: Any) -> Any:
        if not isinstance(xs, sp.Tuple) or not all(isinstance(a, sp.Integer) for a in (g, node, layers)):
            return None
        nodes = nodes_of(int(g), int(node), int(layers))
        return _symbolic_max([xs[u] for u in nodes]) if nodes else None
    return f


def _int_quantity(fn: Callable) -> tuple:
    """mp, arb and explicit implementations of an integer-valued graph quantity ``fn(*ints)``."""
    def mp(*args: Any) -> Any:
        return _num(fn(*[_int(a) for a in args]))

    def arb(*args: Any) -> Any:
        return _num(fn(*[_int(a) for a in args]), arb=True)

    def ex(*args: Any) -> Any:
        if not all(isinstance(a, sp.Integer) for a in args):
            return None
        val = fn(*[int(a) for a in args])
        return sp.oo if val == mpmath.inf else sp.Integer(val)
    return mp, arb, ex


def _ecc(g: int, node: int) -> Any:
    d = bfs(g, node)
    return mpmath.inf if min(d) < 0 else max(d)


def _diam(g: int) -> Any:
    return max(_ecc(g, u) for u in range(graph(g).number_of_nodes()))


def _rad(g: int) -> Any:
    return min(_ecc(g, u) for u in range(graph(g).number_of_nodes()))


def _pecc(g: int, node: int, loops: int) -> Any:
    pd = parity_bfs(g, node, loops)
    flat = [d for pair in pd for d in pair]
    return mpmath.inf if min(flat) < 0 else max(flat)


def _bip(g: int) -> int:
    return int(nx.is_bipartite(graph(g)))


def _settles(g: int, loops: int) -> int:
    return 0 if all_time(g, loops) == mpmath.inf else 1


def _q(name: str, fn: Callable, latex: str, text: str, nargs: int, **kw: Any) -> type:
    mp, arb, ex = _int_quantity(fn)
    return quantity(name, mp, arb=arb, explicit=ex, latex=latex, text=text, nargs=nargs, **kw)


ecc = _q("ecc", _ecc, r"\operatorname{{ecc}}_{{{0}}}({1})", "ecc_{0}({1})", 2, integer=True, nonnegative=True)
diam = _q("diam", _diam, r"\operatorname{{diam}}({0})", "diam({0})", 1, integer=True, nonnegative=True)
rad = _q("rad", _rad, r"\operatorname{{rad}}({0})", "rad({0})", 1, integer=True, nonnegative=True)
pecc = _q("pecc", _pecc, r"\operatorname{{ecc}}^{{\pm}}_{{{0},{2}}}({1})", "pecc_{0},{2}({1})", 3, nonnegative=True)
bip = _q("bip", _bip, r"\mathbb{{1}}[{0}\ \text{{bipartite}}]", "bip({0})", 1, integer=True, nonnegative=True)
first = _q("first", first_time, r"T^{{\mathrm{{first}}}}_{{{0},{2}}}({1})", "first_{0},{2}({1})", 3, nonnegative=True)
settle = _q("settle", settle_time, r"T^{{\mathrm{{stay}}}}_{{{0},{2}}}({1})", "settle_{0},{2}({1})", 3,
            nonnegative=True)
Tall = _q("Tall", all_time, r"T^{{\mathrm{{all}}}}_{{{1}}}({0})", "Tall_{1}({0})", 2, nonnegative=True)
settles = _q("settles", _settles, r"\mathbb{{1}}\big[T^{{\mathrm{{all}}}}_{{{1}}}({0}) < \infty\big]",
             "settles_{1}({0})", 2, integer=True, nonnegative=True)

maxprop = quantity("maxprop", _prop(True, False), arb=_prop(True, True), explicit=_prop_explicit(True), nargs=5,
                   latex=r"\big(\mathrm{{MAX}}^{{{3}}}_{{{0},{4}}}\,{1}\big)_{{{2}}}",
                   text="MAX^{3}_{0},{4}({1})_{2}")
minprop = quantity("minprop", _prop(False, False), arb=_prop(False, True), explicit=_prop_explicit(False), nargs=5,
                   latex=r"\big(\mathrm{{MIN}}^{{{3}}}_{{{0},{4}}}\,{1}\big)_{{{2}}}",
                   text="MIN^{3}_{0},{4}({1})_{2}")
ballmax = quantity("ballmax", _over(_ball_nodes, False), arb=_over(_ball_nodes, True),
                   explicit=_over_explicit(_ball_nodes), nargs=4,
                   latex=r"\max_{{d_{{{0}}}(u,{2}) \le {3}}} {1}_u", text="max_(d(u,{2})<={3}) {1}_u")
walkmax = quantity("walkmax", _over(_walk_nodes, False), arb=_over(_walk_nodes, True),
                   explicit=_over_explicit(_walk_nodes), nargs=4,
                   latex=r"\max_{{u \in W^{{{0}}}_{{{3}}}({2})}} {1}_u", text="max_(u in W_{3}({2})) {1}_u")
neg = quantity("neg", lambda xs: tuple(-a for a in xs), arb=lambda xs: tuple(-a for a in xs), nargs=1,
               explicit=lambda xs: sp.Tuple(*[-a for a in xs.args]) if isinstance(xs, sp.Tuple) else None,
               latex=r"(-{0})", text="(-{0})")


# ==============================================================================================================
# evidence
# ==============================================================================================================

def _parts(prop: Prop) -> list:
    return [p for p in prop.statement.parts() if isinstance(p, Rel)]


# --- exact: symbolic features, lattice normal form ------------------------------------------------------------

class _NotLattice(Exception):
    pass


def lattice(e: Any) -> tuple:
    """A max/min expression over signed symbols as ``(kind, frozenset of (sign, symbol))``: ``kind`` is
    ``"max"``, ``"min"`` or ``"lit"`` (one literal).  ``-max(a) = min(-a)`` pushes negations to the literals.
    Two such normal forms denote the same function on ``R^n`` iff they are equal (each literal ``±x_i`` of a
    max is its unique maximiser on an open set)."""
    if isinstance(e, sp.Symbol):
        return ("lit", frozenset({(1, e)}))
    if isinstance(e, sp.Mul) and len(e.args) == 2 and e.args[0] == -1:
        kind, lits = lattice(e.args[1])
        return ({"max": "min", "min": "max", "lit": "lit"}[kind], frozenset((-sg, x) for sg, x in lits))
    if isinstance(e, (sp.Max, sp.Min)):
        want = "max" if isinstance(e, sp.Max) else "min"
        lits: set = set()
        for a in e.args:
            kind, ls = lattice(a)
            if kind not in ("lit", want):
                raise _NotLattice(str(e))
            lits |= ls
        return ("lit" if len(lits) == 1 else want, frozenset(lits))
    raise _NotLattice(str(e))


def _witnesses(symbols: list) -> list:
    """Assignments that separate different normal forms: indicators (±1 at one symbol, 0 elsewhere) and a
    few permutations of ``1..n``."""
    out = []
    for x in symbols:
        for val in (1, -1):
            out.append({y: sp.Integer(val if y == x else 0) for y in symbols})
    rng = random.Random(7)
    for _ in range(4):
        perm = list(range(1, len(symbols) + 1))
        rng.shuffle(perm)
        out.append({y: sp.Integer(p) for y, p in zip(symbols, perm)})
    return out


def exact_lattice(instances: Sequence[dict], label: str = "exact", about: str = "statement",
                  description: str = "") -> Evidence:
    """The statement's relations at instances whose features ``X`` are *symbols*: every quantity replaced by
    its explicit SymPy form (a ``Max``/``Min`` over the symbols), both sides brought to the lattice normal form
    (:func:`lattice`) and compared: equal forms prove the relation for every real feature vector; different ones
    are refuted by an explicit rational feature vector at which the sides differ (exact arithmetic)."""
    instances = [dict(i) for i in instances]

    def run(prop: Prop) -> Outcome:
        parts = _parts(prop)
        if not parts:
            return Outcome("undecided", "no relation in the statement")
        insts = _instances_for(prop, instances)
        if not insts:
            return Outcome("undecided", "no instance satisfies the condition")
        n_checked = 0
        for inst in insts:
            for k, part in enumerate(parts):
                conc = part.subs(inst)
                lhs, rhs = explicit(conc.lhs), explicit(conc.rhs)
                where = describe_instance({key: val for key, val in inst.items() if key is not X}) + \
                    ", X symbolic"
                if lhs.atoms(Quantity) or rhs.atoms(Quantity):
                    return Outcome("undecided", f"no explicit form at {where}")
                if part.rel != "==":
                    return Outcome("undecided", "the lattice normal form decides equalities only")
                try:
                    same = lattice(lhs) == lattice(rhs)
                except _NotLattice as exc:
                    return Outcome("undecided", f"not a max/min expression at {where}: {exc}"[:200])
                n_checked += 1
                if same:
                    continue
                syms = sorted(lhs.free_symbols | rhs.free_symbols, key=str)
                for w in _witnesses(syms):
                    a, b = lhs.xreplace(w), rhs.xreplace(w)
                    if a.is_Number and b.is_Number and a != b:
                        xs = [w[y] for y in syms]
                        return Outcome(
                            "refuted", f"part {k + 1} fails at {where}: with {_show_witness(syms, xs)} "
                                       f"the sides are {a} and {b} (exact)",
                            data={"where": where, "part": k + 1, "lhs": str(a), "rhs": str(b), "certified": True})
                return Outcome("undecided", f"different normal forms at {where} but no separating witness found")
        return Outcome("holds", f"{n_checked} relations at {len(insts)} instances equal as max/min expressions "
                                f"(every real feature vector)", data={"instances": len(insts)})

    return Evidence("symbolic", run, label=label, about=about,
                    description=description or "the statement with symbolic features: both sides as max/min "
                                               "normal forms over the feature symbols, compared exactly")


def _show_witness(syms: list, xs: list) -> str:
    nz = [f"{y}={x}" for y, x in zip(syms, xs) if x != 0]
    return ", ".join(nz) if len(nz) < len(syms) else "x = (" + ", ".join(str(x) for x in xs) + ")"


# --- kernels: the statement with the package's implementation substituted -------------------------------------

def kernel_value(expr: Any, inst: dict, kernels: dict) -> Any:
    """``expr`` at ``inst`` with every quantity whose class is in ``kernels`` computed by that kernel (from its
    evaluated arguments) instead of its own mpmath implementation."""
    expr = sp.sympify(expr)
    reps = {}
    with mpmath.workdps(30):
        for atom in expr.atoms(Quantity):
            fn = kernels.get(type(atom))
            if fn is None:
                continue
            args = [evaluate(a, inst) for a in atom.args]
            val = fn(*args)
            reps[atom] = sp.oo if val == np.inf else sp.Rational(*float(val).as_integer_ratio())
    with mpmath.workdps(30):
        return evaluate(expr.xreplace(reps), inst)


def kernel_points(instances: Sequence[dict], kernels: dict, label: str = "kernel", rtol: float = 0.0,
                  about: str = "statement", description: str = "", budget: float = 60.0) -> Evidence:
    """numpy evidence: the statement's relations at instances, with the quantities in ``kernels`` computed by
    the package's floating-point implementation (``propagate``); a relation must hold within ``rtol``
    (relative to the larger side; 0: exactly)."""
    instances = [dict(i) for i in instances]

    def run(prop: Prop) -> Outcome:
        parts = _parts(prop)
        if not parts:
            return Outcome("undecided", "no relation in the statement")
        insts = _instances_for(prop, instances)
        if not insts:
            return Outcome("undecided", "no instance satisfies the condition")
        worst = 0.0
        for inst in insts:
            for k, part in enumerate(parts):
                try:
                    a = kernel_value(part.lhs, inst, kernels)
                    b = kernel_value(part.rhs, inst, kernels)
                except CannotEvaluate as exc:
                    return Outcome("undecided", f"cannot evaluate at {_where(inst)}: {exc}")
                ok, gap = _holds(a, b, part.rel, rtol)
                worst = max(worst, gap)
                if not ok:
                    return Outcome("refuted", f"part {k + 1} fails at {_where(inst)}: {fmt(a, 8)} {part.rel} "
                                              f"{fmt(b, 8)} is false (kernel)",
                                   data={"where": _where(inst), "part": k + 1})
        return Outcome("holds", f"{len(parts) * len(insts)} relations at {len(insts)} instances hold with the "
                                f"kernel's values (largest relative gap {fmt(worst)})",
                       data={"instances": len(insts), "max_rel_gap": worst})

    return Evidence("numpy", run, label=label, about=about, budget=budget,
                    description=description or "the statement evaluated with the package's kernels (propagate) "
                                               "in place of the mpmath quantities")


def _holds(a: Any, b: Any, rel: str, rtol: float) -> tuple[bool, float]:
    with mpmath.workdps(30):
        return _holds30(a, b, rel, rtol)


def _holds30(a: Any, b: Any, rel: str, rtol: float) -> tuple[bool, float]:
    a, b = mpmath.mpf(a), mpmath.mpf(b)
    if mpmath.isinf(a) or mpmath.isinf(b):
        ok = {"==": a == b, "<=": a <= b, "<": a < b, ">=": a >= b, ">": a > b}[rel]
        return bool(ok), 0.0 if ok else float("inf")
    scale = max(abs(a), abs(b), mpmath.mpf(1e-300))
    d = float((a - b) / scale)
    tol = rtol
    ok = {"==": abs(d) <= tol, "<=": d <= tol, "<": d < -tol if tol else d < 0, ">=": d >= -tol,
          ">": d > tol if tol else d > 0}[rel]
    return bool(ok), abs(d) if rel == "==" else max(0.0, d if rel in ("<=", "<") else -d)


def _where(inst: dict) -> str:
    parts = []
    for key in sorted(inst, key=str):
        val = inst[key]
        if key is G or getattr(key, "name", "") == "G":
            parts.append(f"G={graph_name(int(val))}")
        elif isinstance(val, (tuple, list)):
            parts.append(f"{key}=({', '.join(str(x) for x in val[:4])}{', ...' if len(val) > 4 else ''})")
        else:
            parts.append(f"{key}={val}")
    return ", ".join(parts)


# --- the kernels ------------------------------------------------------------------------------------------------

def _propagate(g: int, xs: Sequence[Any], layers: int, agg: str, loops: int) -> np.ndarray:
    from verify.oversmoothing import propagate

    arr = np.asarray([float(x) for x in xs], dtype=np.float64)
    return propagate(graph(g), arr, layers, agg, self_loops=bool(loops))[:, :, 0]


def _k_prop(agg: str) -> Callable:
    def f(g: Any, xs: Any, node: Any, layers: Any, loops: Any) -> float:
        return float(_propagate(_int(g), xs, _int(layers), agg, _int(loops))[-1, _int(node)])
    return f


@functools.lru_cache(maxsize=None)
def kernel_reach(g: int, loops: int) -> tuple:
    """The kernel's layers of max aggregation of the identity features (``n`` channels, 0/1), until the state
    repeats: ``(layers as bool arrays, mu, period)``."""
    from verify.oversmoothing import propagate

    n = graph(g).number_of_nodes()
    K = 4 * n + 8
    out = propagate(graph(g), np.eye(n), K, "max", self_loops=bool(loops)) > 0.5
    seen = {}
    for k in range(K + 1):
        key = out[k].tobytes()
        if key in seen:
            return out[:k], seen[key], k - seen[key]
        seen[key] = k
    raise CannotEvaluate("the kernel's layers did not repeat within 4n + 8 layers")


def _k_settle(g: Any, node: Any, loops: Any) -> float:
    states, mu, _ = kernel_reach(_int(g), _int(loops))
    row_full = states[:, _int(node), :].all(axis=1)
    bad = np.flatnonzero(~row_full)
    start = int(bad[-1]) + 1 if bad.size else 0
    return float(start) if start <= mu else np.inf


def _k_first(g: Any, node: Any, loops: Any) -> float:
    states, _, _ = kernel_reach(_int(g), _int(loops))
    hit = np.flatnonzero(states[:, _int(node), :].all(axis=1))
    return float(hit[0]) if hit.size else np.inf


def _k_tall(g: Any, loops: Any) -> float:
    n = graph(_int(g)).number_of_nodes()
    return max(_k_settle(g, w, loops) for w in range(n))


def _k_settles(g: Any, loops: Any) -> float:
    return 0.0 if _k_tall(g, loops) == np.inf else 1.0


KERNELS = {maxprop: _k_prop("max"), minprop: _k_prop("min"), first: _k_first, settle: _k_settle, Tall: _k_tall,
           settles: _k_settles}


# ==============================================================================================================
# instances
# ==============================================================================================================

def xsym(n: int) -> tuple:
    """Symbolic features ``x_0 .. x_{n-1}`` (real)."""
    return tuple(sp.symbols(f"x_0:{n}", real=True))


def xnum(n: int, seed: int) -> tuple:
    """Distinct decimal features in ``(0, 1)`` (exact in mpmath and arb)."""
    rng = random.Random(seed)
    vals = rng.sample(range(1, 10000), n)
    return tuple(f"{k / 10000:.4f}" for k in vals)


def _nodes(idx: int) -> range:
    return range(graph(idx).number_of_nodes())


_SMALL = [gid(k) for k in ("P_6", "C_6", "C_7", "S_5", "Petersen")]
KARATE = gid("karate")

#: connected graphs on 1..6 nodes of the graph atlas (indices 0..208 cover every graph with up to 6 nodes)
ATLAS_CONNECTED = tuple(GraphId(ATLAS + k, f"atlas#{k}") for k in range(1, 209) if nx.is_connected(_atlas()[k]))

# --- os.maxmin.walks ----------------------------------------------------------------------------------------------
_WALK_EXACT = [{G: g, X: xsym(len(_nodes(g))), v: node, L: layers}
               for g in _SMALL for node in _nodes(g) for layers in range(0, 8)]
_WALK_NUM = [{G: KARATE, X: xnum(34, 1), v: node, L: layers}
             for node in (0, 9, 16, 26, 33) for layers in (1, 2, 3, 4, 6)] \
    + [{G: g, X: xnum(len(_nodes(g)), 2), v: node, L: layers}
       for g in _SMALL for node in _nodes(g) for layers in (1, 2, 5)]

_WALK_STATEMENT = All(Rel(maxprop(G, X, v, L, 1), ballmax(G, X, v, L)),
                      Rel(maxprop(G, X, v, L, 0), walkmax(G, X, v, L)))

WALKS = Claim(
    id="os.maxmin.walks", source="Ex 3",
    title="After L layers of max aggregation x_v is the max over the L-ball (self loops) or over the nodes at "
          "walk-distance exactly L (no self loops)",
    display=r"x_v^{(L)} = \max_{u:\ d(u,v) \le L} x_u \ \text{(self loops)},\qquad "
            r"x_v^{(L)} = \max_{u \in W_L(v)} x_u \ \text{(no self loops)},\ "
            r"W_L(v) = \{u : \text{a walk of exactly } L \text{ edges joins } v, u\}",
    statement=_WALK_STATEMENT,
    recorded="holds",
    assumptions=(r"G \text{ undirected, finite}", r"x \in \mathbb{R}^n", r"L \ge 0"),
    evidence=[
        exact_lattice(_WALK_EXACT, description="P_6, C_6, C_7, S_5, Petersen, every node, L = 0..7, symbolic "
                                               "features: MAX^L (the aggregation iterated in the free "
                                               "max-semilattice) against the max over the BFS ball / the "
                                               "double-cover walk set"),
        at_points(_WALK_NUM, label="points", dps=(50, 60),
                  description="karate (5 nodes x 5 depths) and the small graphs at fixed decimal features"),
        kernel_points(_WALK_NUM, KERNELS, label="kernel", rtol=1e-15,
                      description="propagate(..., 'max', self_loops) (segment_max, float64: the decimal features "
                                  "rounded once, relative tolerance 1e-15) in place of MAX^L"),
    ],
    mutants=(
        Mutant("ball_without_loops", All(Rel(maxprop(G, X, v, L, 1), ballmax(G, X, v, L)),
                                         Rel(maxprop(G, X, v, L, 0), ballmax(G, X, v, L))),
               why="the ball also without self loops (a node does not see itself at odd depth)"),
        Mutant("radius_plus_one", All(Rel(maxprop(G, X, v, L, 1), ballmax(G, X, v, L + 1)),
                                      Rel(maxprop(G, X, v, L, 0), walkmax(G, X, v, L))),
               why="off by one: the (L+1)-ball after L layers"),
    ),
    depth="fixed-size",
    depth_note="exact for every real feature vector on P_6, C_6, C_7, S_5 and the Petersen graph (every node, "
               "L <= 7); numeric on karate; the induction for every graph is argued in the note",
    note=r"Induction on $L$: $x^{(L+1)}_v = \max_{u \in N_s(v)} \max_{w \in S_L(u)} x_w = "
         r"\max_{w \in S_{L+1}(v)} x_w$ with $S_{L+1}(v) = \bigcup_{u\in N_s(v)} S_L(u)$, and "
         r"$\bigcup_{u \in N[v]} B_L(u) = B_{L+1}(v)$ (a node at distance $\le L+1$ from $v$ is at distance "
         r"$\le L$ from $v$ or from a neighbour), $\bigcup_{u \in N(v)} W_L(u) = W_{L+1}(v)$ (a walk of "
         r"$L+1$ edges is an edge followed by a walk of $L$). $W_L(v)$ is read off the bipartite double cover: "
         r"$u \in W_L(v)$ iff the shortest walk from $v$ to $u$ with the parity of $L$ has at most $L$ edges "
         r"(a walk can be lengthened by 2 by going back and forth).",
)

# --- os.maxmin.self_loops_time ------------------------------------------------------------------------------------
_TIME_GRAPHS = [gid(k) for k in ("P_6", "C_7", "S_5", "karate", "P_4", "Petersen")]
_TIME_POINTS = [{G: g, v: node} for g in _TIME_GRAPHS for node in _nodes(g)]
_ATLAS_POINTS = [{G: g, v: node} for g in ATLAS_CONNECTED for node in _nodes(g)]
_TIME_KERNEL = [{G: g, v: node} for g in (gid("P_6"), KARATE, gid("C_7")) for node in _nodes(g)]

_TIME_STATEMENT = All(Rel(first(G, v, 1), ecc(G, v)), Rel(settle(G, v, 1), ecc(G, v)), Rel(Tall(G, 1), diam(G)))

SELF_LOOPS_TIME = Claim(
    id="os.maxmin.self_loops_time", source="Ex 3",
    title="With self loops on a connected graph, max aggregation gives node v the graph maximum after exactly "
          "ecc(v) layers, keeps it, and every node has it after diam(G) layers",
    display=r"T^{\mathrm{first}}(v) = T^{\mathrm{stay}}(v) = \operatorname{ecc}(v),\qquad "
            r"\max_v T^{\mathrm{stay}}(v) = \operatorname{diam}(G)",
    statement=_TIME_STATEMENT,
    recorded="holds",
    assumptions=(r"G \text{ connected, undirected}", r"\text{self loops } \tilde A = A + I",
                 r"\text{times over every } x \in \mathbb{R}^n"),
    reading="T_first(v): the first layer at which x_v equals max_u x_u for every real feature vector; T_stay(v): "
            "the first layer from which on it does; both computed from the reach sets S_L(v) (os.maxmin.walks), "
            "exact for all real features.",
    evidence=[
        at_points(_TIME_POINTS, label="graphs", dps=(50, 60),
                  description="P_6, C_7, S_5, karate, P_4, Petersen: every node"),
        at_points(_ATLAS_POINTS, label="exhaustive", dps=(50, 60),
                  description=f"every connected graph on up to 6 nodes ({len(ATLAS_CONNECTED)} graphs of the "
                              f"networkx atlas), every node"),
        kernel_points(_TIME_KERNEL, KERNELS, label="kernel",
                      description="reach times from propagate(I, 'max') (segment_max on the identity features, "
                                  "0/1 per channel) until the layers repeat"),
    ],
    mutants=(
        Mutant("within_radius", All(Rel(first(G, v, 1), ecc(G, v)), Rel(settle(G, v, 1), ecc(G, v)),
                                    Rel(Tall(G, 1), rad(G), "<=")),
               why="every node has the maximum within the radius (the centre's time)"),
        Mutant("diameter_minus_one", All(Rel(first(G, v, 1), ecc(G, v)), Rel(settle(G, v, 1), ecc(G, v)),
                                         Rel(Tall(G, 1), diam(G) - 1)),
               why="off by one: diam(G) - 1 layers (a path P_n needs n - 1 = diam for an end node)"),
        Mutant("ecc_minus_one", All(Rel(first(G, v, 1), ecc(G, v) - 1), Rel(settle(G, v, 1), ecc(G, v)),
                                    Rel(Tall(G, 1), diam(G))),
               why="off by one per node"),
    ),
    depth="fixed-size",
    depth_note=f"exact (all real features) for every connected graph on <= 6 nodes ({len(ATLAS_CONNECTED)} "
               "graphs, exhaustive) and for P_6, C_7, S_5, P_4, Petersen, karate; the general proof (from "
               "os.maxmin.walks) is in the note",
    note=r"From os.maxmin.walks: $x^{(L)}_v = \max_{B_L(v)} x$, and $B_L(v) = V$ iff $L \ge \operatorname{ecc}(v)$; "
         r"for $L < \operatorname{ecc}(v)$ a feature vector with its unique maximum at a node at distance "
         r"$\operatorname{ecc}(v)$ shows that $x_v^{(L)} < \max x$. The balls grow monotonically, so the maximum "
         r"stays. A path $P_n$ needs $n - 1 = \operatorname{diam}$ layers for an end node; the radius "
         r"($\lfloor n/2 \rfloor$ for $P_n$) is only the centre's time.",
)

# --- os.maxmin.no_loops_bipartite ---------------------------------------------------------------------------------
_P4, _S5, _P6 = gid("P_4"), gid("S_5"), gid("P_6")

NO_LOOPS_BIPARTITE = Claim(
    id="os.maxmin.no_loops_bipartite", source="Ex 3",
    title="Without self loops, max aggregation on a connected graph brings every node to the graph maximum",
    display=r"\exists L_0\ \forall L \ge L_0\ \forall v:\ x^{(L)}_v = \max_u x^{(0)}_u \quad "
            r"\text{(max aggregation over } N(v)\text{, no self loops)}",
    statement=Rel(settles(G, 0), 1),
    recorded="refuted",
    assumptions=(r"G \text{ connected, undirected}", r"\text{no self loops}"),
    reading="'Reaches the maximum at every node' read as: from some layer on every node holds the graph maximum, "
            "for every initial feature vector (equivalently: at some layer all nodes hold it at once; then they "
            "keep it). In the weaker reading 'each node holds the maximum at some layer' it holds on every "
            "connected graph: x_v^(L) = max at L = d(u*, v).",
    evidence=[
        counterexample({G: _P4}, label="path",
                       tex=r"$P_4$, $x^{(0)} = (0,0,0,1)$: $(0,0,1,0) \to (0,1,0,1) \to (1,0,1,0) \to (0,1,0,1) "
                           r"\to \cdots$: the two sides of the bipartition take turns"),
        counterexample({G: _S5}, label="star",
                       tex=r"star $K_{1,5}$, maximum at the centre: the centre and the leaves swap at every layer"),
        kernel_points([{G: _P6}, {G: _P4}, {G: _S5}, {G: gid("C_6")}], KERNELS, label="kernel",
                      description="propagate(I, 'max', self_loops=False) until the layers repeat: some node "
                                  "never holds every channel's 1 in the periodic part"),
    ],
    mutants=(
        Mutant("unless_bipartite", Rel(settles(G, 0), 1 - bip(G)),
               why="the correction: it settles iff the graph is not bipartite", expect="holds"),
        Mutant("with_self_loops", Rel(settles(G, 1), 1),
               why="with self loops it settles (os.maxmin.self_loops_time)", expect="holds"),
    ),
    depth="general",
    depth_note="a counterexample refutes the universal statement; certified at P_4 and K_{1,5} (exact integers)",
    note=r"On a bipartite graph without self loops $W_L(v)$ (os.maxmin.walks) only contains nodes on the side "
         r"of parity $L$ relative to $v$: for adjacent $v, w$ the sets $W_L(v)$ and $W_L(w)$ are disjoint, so a "
         r"unique maximum is never held by both at once. The features oscillate with period 2 forever.",
)

# --- os.maxmin.no_loops_nonbipartite ------------------------------------------------------------------------------
_NB_GRAPHS = [gid(k) for k in ("C_5", "C_7", "K_4", "Petersen", "karate")]
_NB_POINTS = [{G: g, v: node} for g in _NB_GRAPHS + [_P4, _S5] for node in _nodes(g)]

NO_LOOPS_NONBIPARTITE = Claim(
    id="os.maxmin.no_loops_nonbipartite", source="Ex 3",
    title="Without self loops max aggregation reaches and keeps the maximum at every node iff the connected graph "
          "is not bipartite; node v from layer ecc±(v) - 1 on",
    display=r"G \text{ not bipartite} \Rightarrow\ T^{\mathrm{stay}}_0(v) = \operatorname{ecc}^{\pm}(v) - 1 < "
            r"\infty,\quad \operatorname{ecc}^{\pm}(v) = \max_{u,\,p \in \{0,1\}} "
            r"\min\{\ell \equiv p \ (2): \text{a walk of } \ell \text{ edges joins } v, u\}",
    statement=All(Rel(settles(G, 0), 1), Rel(settle(G, v, 0), pecc(G, v, 0) - 1)),
    condition=sp.Eq(bip(G), 0),
    recorded="holds_if",
    corrects="os.maxmin.no_loops_bipartite",
    assumptions=(r"G \text{ connected, undirected}", r"\text{no self loops}"),
    evidence=[
        at_points(_NB_POINTS, label="graphs", about="condition", dps=(50, 60),
                  description="C_5, C_7, K_4, Petersen, karate (every node; the bipartite P_4 and S_5 are "
                              "excluded by the condition)"),
        at_points([{G: g, v: node} for g in ATLAS_CONNECTED for node in _nodes(g)], label="exhaustive",
                  about="condition", dps=(50, 60),
                  description="every non-bipartite connected graph on up to 6 nodes, every node"),
        kernel_points([{G: g, v: node} for g in (gid("C_7"), KARATE) for node in _nodes(g)], KERNELS,
                      label="kernel", about="condition",
                      description="settle times from propagate(I, 'max', self_loops=False)"),
        counterexample({G: _P4, v: 0}, label="bipartite",
                       tex=r"$P_4$ is bipartite: the maximum never settles (os.maxmin.no\_loops\_bipartite)"),
    ],
    mutants=(
        Mutant("any_connected", condition=None, why="the condition dropped: every connected graph"),
        Mutant("ecc_time", All(Rel(settles(G, 0), 1), Rel(settle(G, v, 0), ecc(G, v))),
               why="the self-loop time ecc(v) also without self loops"),
        Mutant("diameter", All(Rel(settles(G, 0), 1), Rel(Tall(G, 0), diam(G), "<=")),
               why="every node within diam(G) layers, as with self loops"),
    ),
    depth="fixed-size",
    depth_note="exact (all real features) for every non-bipartite connected graph on <= 6 nodes and for C_5, C_7, "
               "K_4, Petersen, karate; general argument in the note",
    note=r"From os.maxmin.walks: $x_v^{(L)}$ is the maximum iff $W_L(v) = V$, i.e. $L \ge d_p(v,u)$ for every $u$ "
         r"with $p \equiv L$; the last failing $L$ is $\operatorname{ecc}^{\pm}(v) - 2$, so $x_v$ keeps the "
         r"maximum exactly from $\operatorname{ecc}^{\pm}(v) - 1$ on. Both parities reach every node iff the "
         r"double cover is connected, iff $G$ is not bipartite. Odd cycle $C_{2k+1}$: "
         r"$\operatorname{ecc}^{\pm} = 2k+1$ at every node, so $2k = n - 1$ layers ($2\operatorname{diam}$), "
         r"not $\operatorname{diam} = k$. With self loops the same formula gives $\operatorname{ecc}(v)$.",
)

# --- os.maxmin.min_mirror -----------------------------------------------------------------------------------------
_MIR_EXACT = [{G: g, X: xsym(len(_nodes(g))), v: node, L: layers, s: loops}
              for g in (gid("P_6"), gid("C_7"), gid("S_5")) for node in _nodes(g)
              for layers in range(0, 6) for loops in (0, 1)]
_MIR_NUM = [{G: KARATE, X: xnum(34, 3), v: node, L: layers, s: loops}
            for node in (0, 16, 33) for layers in (1, 3, 5) for loops in (0, 1)]

MIN_MIRROR = Claim(
    id="os.maxmin.min_mirror", source="Ex 3",
    title="Min aggregation is the mirror image of max aggregation: MIN^L(X) = -MAX^L(-X)",
    display=r"\mathrm{MIN}^L(X) = -\,\mathrm{MAX}^L(-X)\quad(\text{from } \min_u x_u = -\max_u(-x_u))",
    statement=Rel(minprop(G, X, v, L, s), -maxprop(G, neg(X), v, L, s)),
    recorded="holds",
    assumptions=(r"G \text{ undirected}", r"s \in \{0, 1\} \text{ (self loops or not)}"),
    evidence=[
        exact_lattice(_MIR_EXACT, description="P_6, C_7, S_5, every node, L = 0..5, with and without self "
                                              "loops, symbolic features"),
        at_points(_MIR_NUM, label="points", dps=(50, 60), description="karate at fixed decimal features"),
        kernel_points(_MIR_NUM, KERNELS, label="kernel", rtol=1e-15,
                      description="propagate(..., 'min') and propagate(-X, 'max') (segment_min, segment_max; "
                                  "float64, relative tolerance 1e-15)"),
    ],
    mutants=(
        Mutant("no_inner_negation", Rel(minprop(G, X, v, L, s), -maxprop(G, X, v, L, s)),
               why="min(x) = -max(x): the features not negated"),
        Mutant("no_outer_negation", Rel(minprop(G, X, v, L, s), maxprop(G, neg(X), v, L, s)),
               why="min(x) = max(-x): the result not negated back"),
    ),
    depth="fixed-size",
    depth_note="exact for all real features on P_6, C_7, S_5 (L <= 5); the induction on L is one line (note)",
    note=r"$\min_{u \in N_s(v)} y_u = -\max_{u \in N_s(v)}(-y_u)$ for every layer, so by induction "
         r"$\mathrm{MIN}^L(X) = -\mathrm{MAX}^L(-X)$: every statement about max aggregation (os.maxmin.walks, "
         r"the reaching times, the bipartite oscillation) holds for min with the minimum.",
)

CLAIMS = [WALKS, SELF_LOOPS_TIME, NO_LOOPS_BIPARTITE, NO_LOOPS_NONBIPARTITE, MIN_MIRROR]
