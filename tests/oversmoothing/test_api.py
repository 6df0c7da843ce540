"""Tests of the numeric oversmoothing API (verify.oversmoothing).

Every aggregation against a dense reference on small graphs (path, cycle, star, complete, complete
bipartite, karate club, isolated nodes, disconnected, directed, weighted), self loops on and off; the
documented empty-neighbourhood behaviour; the measures against brute-force definitions; the spectrum against
closed forms and mpmath; the oversmoothing limits (energy ratio -> |λ_2|², mean -> 1 πᵀ X_0, bipartite
oscillation); and that every bad input raises ValueError naming the argument.
"""
from __future__ import annotations

import math

import mpmath
import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

import verify.oversmoothing as vo
from verify.oversmoothing import (AGGREGATIONS, add_self_loops, as_adjacency, bipartite_sides, connected_components,
                                  degrees, dirichlet_energy, distance_to_limit, effective_rank, is_bipartite,
                                  limit_subspace, mad, mean_limit, numerical_rank, propagate, propagation_operator,
                                  second_eigenvalue_modulus, second_eigenvalue_modulus_mp, stationary_distribution,
                                  symmetric_operator)

RNG = np.random.default_rng(20240611)


# --------------------------------------------------------------------------------------------------------
# graphs and dense references
# --------------------------------------------------------------------------------------------------------

def _with_isolated():
    G = nx.path_graph(4)
    G.add_nodes_from([4, 5])
    return G


def _cycle5_isolated():
    G = nx.cycle_graph(5)
    G.add_nodes_from([5, 6])
    return G


def _disconnected():
    G = nx.disjoint_union(nx.cycle_graph(3), nx.cycle_graph(3))
    G.add_edge(0, 1, weight=2.5)          # weighted edge in one component
    return nx.disjoint_union(G, nx.path_graph(3))


def _weighted_cycle():
    G = nx.cycle_graph(5)
    for i, (u, v) in enumerate(G.edges):
        G[u][v]["weight"] = 0.5 + i
    return G


def _directed():
    G = nx.DiGraph()
    G.add_nodes_from(range(5))
    G.add_edges_from([(0, 1), (1, 2), (2, 0), (3, 2), (0, 3)])   # node 4 isolated, node ... all have in-edges
    return G


GRAPHS = {
    "path5": nx.path_graph(5),
    "cycle6": nx.cycle_graph(6),
    "cycle5": nx.cycle_graph(5),
    "star4": nx.star_graph(4),
    "complete5": nx.complete_graph(5),
    "K23": nx.complete_bipartite_graph(2, 3),
    "karate": nx.karate_club_graph(),           # weighted (networkx >= 2.5)
    "isolated": _with_isolated(),
    "disconnected": _disconnected(),
    "weighted_cycle": _weighted_cycle(),
    "directed": _directed(),
}


def _dense(G):
    return nx.to_numpy_array(G, nodelist=list(G), weight="weight")


def _ref_layer(A, X, agg, self_loops, t=None, q=None, eta=0.0):
    """One layer by the definitions, node by node (A[u, v] = weight u -> v; v aggregates over u)."""
    n = A.shape[0]
    At = A + np.eye(n) if self_loops else A
    d = At.sum(axis=0)
    Y = np.zeros_like(X)
    for v in range(n):
        nb = np.flatnonzero(At[:, v] > 0)
        if nb.size == 0:
            Y[v] = 0.0 if agg in ("sum", "gcn") else X[v]
            continue
        w = At[nb, v]
        xs = X[nb]
        if agg == "sum":
            Y[v] = w @ xs
        elif agg == "mean":
            Y[v] = w @ xs / d[v]
        elif agg == "gcn":
            Y[v] = (w / np.sqrt(d[nb] * d[v])) @ xs
        elif agg == "max":
            Y[v] = xs.max(axis=0)
        elif agg == "min":
            Y[v] = xs.min(axis=0)
        elif agg == "softmax":
            z = np.exp(t * (xs - xs.max(axis=0)))
            Y[v] = len(nb) ** eta * (z * xs).sum(axis=0) / z.sum(axis=0)
        elif agg == "power_mean":
            Y[v] = len(nb) ** eta * np.mean(xs ** q, axis=0) ** (1.0 / q)
    return Y


def _ref(A, X, layers, agg, self_loops, **kw):
    out = [X]
    for _ in range(layers):
        out.append(_ref_layer(A, out[-1], agg, self_loops, **kw))
    return np.stack(out)


def _kwargs(agg):
    return {"softmax": {"t": 1.7, "eta": 0.5}, "power_mean": {"q": 2.5, "eta": -0.25}}.get(agg, {})


# --------------------------------------------------------------------------------------------------------
# input handling
# --------------------------------------------------------------------------------------------------------

def test_as_adjacency_accepts_every_input_form():
    G = _weighted_cycle()
    ref = _dense(G)
    forms = [G, ref, ref.tolist(), sp.csr_matrix(ref), sp.csr_array(ref), sp.coo_array(ref), sp.lil_matrix(ref),
             sp.csc_array(ref), nx.DiGraph(G)]
    for f in forms:
        A = as_adjacency(f)
        assert isinstance(A, sp.csr_array) and A.dtype == np.float64 and A.has_sorted_indices
        np.testing.assert_array_equal(A.toarray(), ref)
    # duplicates are added, stored zeros dropped, bool and int accepted
    coo = sp.coo_array((np.array([1.0, 2.0, 0.0]), (np.array([0, 0, 1]), np.array([1, 1, 0]))), shape=(2, 2))
    A = as_adjacency(coo)
    assert A.nnz == 1 and A[0, 1] == 3.0
    assert as_adjacency(np.array([[False, True], [True, False]])).nnz == 2
    # the input is not modified
    S = sp.csr_array(ref)
    as_adjacency(S).data[:] = -1
    assert (S.data > 0).all()
    # multigraph: parallel weights add
    M = nx.MultiGraph()
    M.add_edge(0, 1, weight=2.0)
    M.add_edge(0, 1, weight=3.0)
    assert as_adjacency(M)[0, 1] == 5.0
    # symmetric=True symmetrises round-off asymmetry exactly
    B = np.array([[0.0, 1.0], [1.0 + 1e-15, 0.0]])
    S = as_adjacency(B, symmetric=True)
    assert S[0, 1] == S[1, 0]


@pytest.mark.parametrize("bad, words", [
    (np.ones((2, 3)), ["graph", "square"]),
    (np.ones((2, 2, 2)), ["graph", "2-D"]),
    (np.ones(3), ["graph", "2-D"]),
    (np.zeros((0, 0)), ["graph", "at least one node"]),
    (np.array([[0, np.nan], [np.nan, 0]]), ["graph", "non-finite", "nan"]),
    (np.array([[0, np.inf], [np.inf, 0]]), ["graph", "non-finite", "inf"]),
    (np.array([[0, -1.0], [-1.0, 0]]), ["graph", "negative", "-1.0"]),
    (sp.csr_array(np.ones((2, 3))), ["graph", "square"]),
    (sp.csr_array(np.array([[0, -2.0], [-2.0, 0]])), ["graph", "negative"]),
    (np.array([[0, 1j], [1j, 0]]), ["graph", "real"]),
    (sp.csr_array(np.array([[0, 1j], [1j, 0]])), ["graph", "real"]),
    ("karate", ["graph", "networkx"]),
    (None, ["graph", "networkx"]),
    (nx.Graph(), ["graph", "at least one node"]),
])
def test_as_adjacency_errors_name_the_argument(bad, words):
    with pytest.raises(ValueError) as exc:
        as_adjacency(bad)
    for w in words:
        assert w in str(exc.value)


def test_as_adjacency_networkx_weight_errors_name_the_edge():
    G = nx.Graph()
    G.add_edge("a", "b", weight=float("nan"))
    with pytest.raises(ValueError, match=r"graph has a non-finite edge weight: \('a', 'b'\)"):
        as_adjacency(G)
    G["a"]["b"]["weight"] = -3
    with pytest.raises(ValueError, match=r"graph has a negative edge weight: \('a', 'b'\)"):
        as_adjacency(G)
    G["a"]["b"]["weight"] = "heavy"
    with pytest.raises(ValueError, match=r"graph: the weight of edge \('a', 'b'\) must be a real number"):
        as_adjacency(G)


def test_symmetric_required_names_the_edge():
    with pytest.raises(ValueError, match=r"graph must be undirected .* edge \(0, 1\) has weight 1.0 and \(1, 0\)"):
        as_adjacency(nx.DiGraph([(0, 1)]), symmetric=True)
    for f in (dirichlet_energy, mean_limit):
        with pytest.raises(ValueError, match="graph must be undirected"):
            f(_directed(), np.ones(5))
    for f in (limit_subspace, stationary_distribution, second_eigenvalue_modulus, symmetric_operator):
        with pytest.raises(ValueError, match="graph must be undirected"):
            f(_directed())


def test_degrees_self_loops_components_bipartite():
    G = _disconnected()
    A = _dense(G)
    np.testing.assert_array_equal(degrees(G), A.sum(axis=0))
    np.testing.assert_array_equal(degrees(G, self_loops=True), A.sum(axis=0) + 1)
    np.testing.assert_array_equal(degrees(G, weighted=False), (A > 0).sum(axis=0))
    D = _directed()
    np.testing.assert_array_equal(degrees(D, direction="in"), _dense(D).sum(axis=0))
    np.testing.assert_array_equal(degrees(D, direction="out"), _dense(D).sum(axis=1))
    with pytest.raises(ValueError, match="direction"):
        degrees(D, direction="both")
    # add_self_loops: A + I, an existing loop is incremented
    L = np.array([[2.0, 1.0], [1.0, 0.0]])
    np.testing.assert_array_equal(add_self_loops(L).toarray(), L + np.eye(2))
    np.testing.assert_array_equal(add_self_loops(L, weight=0.5).toarray(), L + 0.5 * np.eye(2))
    with pytest.raises(ValueError, match="weight"):
        add_self_loops(L, weight=0.0)
    # components, numbered by smallest node, as networkx
    k, labels = connected_components(G)
    comps = list(nx.connected_components(G))
    assert k == len(comps)
    for c in comps:
        assert len({labels[v] for v in c}) == 1
    assert labels[0] == 0 and (np.diff(np.unique(labels, return_index=True)[1]) > 0).all()
    k, _ = connected_components(_with_isolated())
    assert k == 3
    # bipartiteness against networkx, self loops break it, per component
    for name, H in GRAPHS.items():
        U = H.to_undirected() if H.is_directed() else H
        assert is_bipartite(H) == nx.is_bipartite(U), name
    assert not is_bipartite(add_self_loops(nx.path_graph(3)))
    Hl = nx.path_graph(3)
    Hl.add_edge(2, 2)
    assert not is_bipartite(Hl)
    np.testing.assert_array_equal(is_bipartite(_disconnected(), per_component=True), [False, False, True])
    for H in (nx.cycle_graph(6), nx.complete_bipartite_graph(2, 3), _with_isolated()):
        side = bipartite_sides(H)
        assert all(side[u] != side[v] for u, v in H.edges)
    with pytest.raises(ValueError, match="not bipartite"):
        bipartite_sides(nx.cycle_graph(5))


# --------------------------------------------------------------------------------------------------------
# propagate: every aggregation against the dense reference
# --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("self_loops", [True, False])
@pytest.mark.parametrize("agg", AGGREGATIONS)
def test_propagate_matches_dense_reference(agg, self_loops):
    for name, G in GRAPHS.items():
        A = _dense(G)
        n = A.shape[0]
        X = RNG.standard_normal((n, 3))
        if agg == "power_mean":
            X = np.abs(X) + 0.1
        kw = _kwargs(agg)
        out = propagate(G, X, 4, agg, self_loops, **kw)
        assert out.shape == (5, n, 3) and out.dtype == np.float64
        ref = _ref(A, X, 4, agg, self_loops, **kw)
        np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-12, err_msg=f"{agg} on {name}")


@pytest.mark.parametrize("agg", AGGREGATIONS)
def test_propagate_float32(agg):
    G = nx.karate_club_graph()
    X = np.abs(RNG.standard_normal((34, 5))).astype(np.float32) + np.float32(0.1)
    kw = _kwargs(agg)
    out = propagate(G, X, 3, agg, **kw)
    assert out.dtype == np.float32
    ref = _ref(_dense(G), X.astype(np.float64), 3, agg, True, **kw)
    np.testing.assert_allclose(out, ref, rtol=2e-6, atol=1e-6)
    assert propagate(G, X, 1, agg, dtype=np.float64, **kw).dtype == np.float64
    assert propagate(G, X.astype(np.float16), 1, agg, **kw).dtype == np.float32
    assert propagate(G, np.ones((34, 2), dtype=np.int64), 1, agg, **kw).dtype == np.float64


def test_propagate_interpolating_limits_and_shapes():
    G = nx.karate_club_graph()
    X = np.abs(RNG.standard_normal((34, 2))) + 0.1
    unweighted = nx.Graph()
    unweighted.add_nodes_from(G)
    unweighted.add_edges_from(G.edges)
    mean_u = propagate(unweighted, X, 3, "mean")
    np.testing.assert_allclose(propagate(G, X, 3, "softmax", t=0.0), mean_u, rtol=1e-13)
    np.testing.assert_array_equal(propagate(G, X, 3, "softmax", t=np.inf), propagate(G, X, 3, "max"))
    np.testing.assert_array_equal(propagate(G, X, 3, "softmax", t=-np.inf), propagate(G, X, 3, "min"))
    np.testing.assert_allclose(propagate(G, X, 3, "power_mean", q=1.0), mean_u, rtol=1e-13)
    np.testing.assert_array_equal(propagate(G, X, 3, "power_mean", q=np.inf), propagate(G, X, 3, "max"))
    # 1-D X is one channel; layers = 0 returns X
    out = propagate(G, X[:, 0], 2)
    assert out.shape == (3, 34, 1)
    np.testing.assert_array_equal(out[:, :, 0], propagate(G, X, 2)[:, :, 0])
    out0 = propagate(G, X, 0, "sum")
    assert out0.shape == (1, 34, 2)
    np.testing.assert_array_equal(out0[0], X)
    assert propagate(G, np.zeros((34, 0)), 3).shape == (4, 34, 0)


def test_propagate_directed_aggregates_in_neighbours():
    D = nx.DiGraph([(0, 1), (1, 2)])               # node 0 has no in-edge
    X = np.array([[1.0], [2.0], [4.0]])
    out = propagate(D, X, 1, "mean", self_loops=False)[1, :, 0]
    np.testing.assert_array_equal(out, [1.0, 1.0, 2.0])      # 0 keeps, 1 <- 0, 2 <- 1
    out = propagate(D, X, 1, "sum", self_loops=False)[1, :, 0]
    np.testing.assert_array_equal(out, [0.0, 1.0, 2.0])
    out = propagate(D, X, 1, "mean", self_loops=True)[1, :, 0]
    np.testing.assert_array_equal(out, [1.0, 1.5, 3.0])
    M = propagation_operator(D, "sum", self_loops=False).toarray()
    np.testing.assert_array_equal(M, _dense(D).T)


@pytest.mark.parametrize("agg", AGGREGATIONS)
def test_isolated_nodes_documented_behaviour(agg):
    G = _with_isolated()                           # nodes 4, 5 isolated
    X = np.abs(RNG.standard_normal((6, 2))) + 0.5
    kw = _kwargs(agg)
    eta_free = {k: v for k, v in kw.items() if k != "eta"}
    out = propagate(G, X, 3, agg, self_loops=False, **eta_free)
    assert np.isfinite(out).all()
    expect = np.zeros((2, 2)) if agg in ("sum", "gcn") else X[4:]
    for k in range(1, 4):
        np.testing.assert_array_equal(out[k, 4:], expect)
    out = propagate(G, X, 3, agg, self_loops=True, **eta_free)   # own self loop: x_v itself
    for k in range(1, 4):
        np.testing.assert_allclose(out[k, 4:], X[4:], rtol=1e-15)


def test_empty_neighbourhood_operator_rows():
    G = _with_isolated()
    Mm = propagation_operator(G, "mean", self_loops=False).toarray()
    np.testing.assert_array_equal(Mm[4:], np.eye(6)[4:])
    for agg in ("sum", "gcn"):
        assert not propagation_operator(G, agg, self_loops=False).toarray()[4:].any()


def test_propagation_operator_dense_formulas():
    G = nx.karate_club_graph()
    A = _dense(G)
    for sl in (True, False):
        At = A + np.eye(34) if sl else A
        d = At.sum(axis=0)
        ref = {"sum": At.T, "mean": At.T / d[:, None], "gcn": At.T / np.sqrt(np.outer(d, d))}
        for agg, R in ref.items():
            M = propagation_operator(G, agg, sl)
            assert isinstance(M, sp.csr_array)
            np.testing.assert_allclose(M.toarray(), R, rtol=1e-15)
            assert propagation_operator(G, agg, sl, dtype=np.float32).dtype == np.float32
            S = symmetric_operator(G, agg, sl).toarray()
            np.testing.assert_allclose(S, S.T, rtol=0, atol=0)
            np.testing.assert_allclose(np.sort(np.linalg.eigvalsh(S)), np.sort(np.linalg.eigvals(R).real),
                                       atol=1e-12)
    with pytest.raises(ValueError, match="aggregation must be one of 'mean', 'sum', 'gcn'"):
        propagation_operator(G, "max")


# --------------------------------------------------------------------------------------------------------
# bad input of propagate: every message names the argument
# --------------------------------------------------------------------------------------------------------

_G5 = nx.path_graph(5)
_X5 = np.arange(10.0).reshape(5, 2)


@pytest.mark.parametrize("kwargs, pattern", [
    ({"X": np.ones((4, 2))}, r"X has 4 rows but the graph has n = 5 nodes"),
    ({"X": np.ones((5, 2, 1))}, r"X must be 1-D \(n,\) or 2-D \(n, C\)"),
    ({"X": np.ones(())}, r"X must be 1-D"),
    ({"X": np.where(np.eye(5, 2) > 0, np.nan, 1.0)}, r"X must be finite: X\[0, 0\] = nan"),
    ({"X": np.r_[1.0, 2.0, np.inf, 0.0, 1.0]}, r"X must be finite: X\[2\] = inf"),
    ({"X": np.ones((5, 2), dtype=complex)}, r"X must have a real floating or integer dtype"),
    ({"X": np.ones((5, 2), dtype=bool)}, r"X must have a real floating or integer dtype"),
    ({"X": np.full((5, 1), 1e300), "dtype": np.float32}, r"X does not fit in float32"),
    ({"layers": -1}, r"layers must be a non-negative int, got -1"),
    ({"layers": 2.0}, r"layers must be a non-negative int"),
    ({"layers": True}, r"layers must be a non-negative int"),
    ({"aggregation": "median"}, r"aggregation must be one of 'mean', 'sum', 'gcn', 'max', 'min', 'softmax', "
                                r"'power_mean', got 'median'"),
    ({"aggregation": None}, r"aggregation must be one of"),
    ({"aggregation": "softmax"}, r"t is required for aggregation='softmax'"),
    ({"aggregation": "power_mean"}, r"q is required for aggregation='power_mean'"),
    ({"aggregation": "softmax", "t": float("nan")}, r"t must not be NaN"),
    ({"aggregation": "softmax", "t": "hot"}, r"t must be a real number"),
    ({"aggregation": "power_mean", "q": float("nan")}, r"q must not be NaN"),
    ({"aggregation": "power_mean", "q": 2.0, "X": -_X5}, r"X must be non-negative for aggregation='power_mean'"),
    ({"aggregation": "power_mean", "q": 0.5, "X": _X5 - 1}, r"X must be non-negative .* X\[0, 0\] = -1.0"),
    ({"aggregation": "softmax", "t": 1.0, "eta": math.inf}, r"eta must be finite"),
    ({"aggregation": "mean", "t": 1.0}, r"t is only used by aggregation='softmax'"),
    ({"aggregation": "max", "q": 1.0}, r"q is only used by aggregation='power_mean'"),
    ({"aggregation": "sum", "eta": 1.0}, r"eta \(degree scaling\) is only used by"),
    ({"self_loops": "yes"}, r"self_loops must be True or False"),
    ({"dtype": np.float16}, r"dtype must be float32 or float64"),
    ({"dtype": "complex128"}, r"dtype must be float32 or float64"),
    ({"graph": np.ones((5, 4))}, r"graph must be square"),
    ({"graph": -nx.to_numpy_array(_G5)}, r"graph has a negative edge weight"),
])
def test_propagate_bad_input(kwargs, pattern):
    args = {"graph": _G5, "X": _X5, "layers": 2, "aggregation": "mean"}
    args.update(kwargs)
    with pytest.raises(ValueError, match=pattern):
        propagate(**args)


def test_propagate_overflow_is_an_error_not_a_silent_inf():
    X = np.ones((34, 2), dtype=np.float32)
    with pytest.raises(FloatingPointError, match=r"layer \d+ of aggregation='sum' left the range of float32"):
        propagate(nx.karate_club_graph(), X, 40, "sum")
    out = propagate(nx.karate_club_graph(), X.astype(np.float64), 40, "sum")     # fine in float64
    assert np.isfinite(out).all()


# --------------------------------------------------------------------------------------------------------
# measures
# --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["karate", "isolated", "disconnected", "K23", "weighted_cycle"])
def test_dirichlet_energy_matches_quadratic_forms(name):
    G = GRAPHS[name].copy()
    G.add_edge(0, 0, weight=3.0)                        # a self loop contributes 0
    A = _dense(G)
    n = A.shape[0]
    X = RNG.standard_normal((n, 3))
    L = np.diag(A.sum(axis=1)) - A
    np.testing.assert_allclose(dirichlet_energy(G, X), np.trace(X.T @ L @ X), rtol=1e-12)
    brute = sum(A[i, j] * np.sum((X[i] - X[j]) ** 2) for i in range(n) for j in range(i + 1, n))
    np.testing.assert_allclose(dirichlet_energy(G, X), brute, rtol=1e-12)
    for sl in (False, True):
        At = A + np.eye(n) if sl else A
        d = At.sum(axis=1)
        r = np.where(d > 0, 1 / np.sqrt(np.where(d > 0, d, 1)), 0.0)
        Lsym = np.diag((d > 0).astype(float)) - r[:, None] * At * r[None, :]
        np.testing.assert_allclose(dirichlet_energy(G, X, normalized=True, self_loops=sl),
                                   np.trace(X.T @ Lsym @ X), rtol=1e-12)
    # 1-D X, float32, constant features, sqrt(d) features
    np.testing.assert_allclose(dirichlet_energy(G, X[:, 0]), dirichlet_energy(G, X[:, :1]), rtol=1e-15)
    np.testing.assert_allclose(dirichlet_energy(G, X.astype(np.float32)),
                               dirichlet_energy(G, X.astype(np.float32).astype(np.float64)), rtol=1e-12)
    assert dirichlet_energy(G, np.ones((n, 2))) == 0.0
    if name == "karate":
        assert dirichlet_energy(G, np.sqrt(A.sum(axis=1) + 1), normalized=True, self_loops=True) < 1e-25


def test_dirichlet_energy_scaling_and_errors():
    G = nx.path_graph(3)
    X = np.array([0.0, 1.0, 3.0])
    assert dirichlet_energy(G, X) == 5.0
    assert math.isinf(dirichlet_energy(G, X * 1e200))            # the true value 5e400 is out of range
    np.testing.assert_allclose(dirichlet_energy(G, X * 1e150), 5e300, rtol=1e-14)   # no spurious overflow
    assert dirichlet_energy(G, X * 1e-200) == 0.0                  # 5e-400 underflows
    np.testing.assert_allclose(dirichlet_energy(G, X * 1e-160), 5e-320, rtol=1e-3)
    with pytest.raises(ValueError, match="X has 2 rows but the graph has n = 3"):
        dirichlet_energy(G, X[:2])
    with pytest.raises(ValueError, match="normalized must be True or False"):
        dirichlet_energy(G, X, normalized="sym")


def _brute_cosine(X):
    nrm = np.linalg.norm(X, axis=1)
    U = np.where(nrm[:, None] > 0, X / np.where(nrm > 0, nrm, 1)[:, None], 0.0)
    return 1.0 - U @ U.T


def test_mad_against_brute_force():
    X = RNG.standard_normal((12, 4))
    X[3] = 0.0
    X[7] = 0.0
    D = _brute_cosine(X)
    off = ~np.eye(12, dtype=bool)
    np.testing.assert_allclose(mad(None, X), D[off].mean(), rtol=1e-13)
    np.testing.assert_allclose(mad(nx.complete_graph(12), X), mad(None, X), rtol=1e-13)
    G = nx.karate_club_graph()
    Y = RNG.standard_normal((34, 3))
    Y[5] = 0.0
    A = _dense(G) > 0
    Dy = _brute_cosine(Y)
    per = [(Dy[:, v][A[:, v]]).mean() for v in range(34)]
    np.testing.assert_allclose(mad(G, Y), np.mean(per), rtol=1e-13)
    # isolated nodes are left out of the node average; self loops ignored
    H = _with_isolated()
    H.add_edge(0, 0)
    Z = RNG.standard_normal((6, 2))
    Dz = _brute_cosine(Z)
    np.testing.assert_allclose(mad(H, Z), np.mean([Dz[0, 1], (Dz[1, 0] + Dz[1, 2]) / 2, (Dz[2, 1] + Dz[2, 3]) / 2,
                                                   Dz[3, 2]]), rtol=1e-13)
    # collapsed features: exactly 0, and tiny spreads are resolved (no cancellation)
    c = RNG.standard_normal(4)
    assert mad(None, np.tile(c, (9, 1))) == 0.0
    assert mad(G, np.tile(c, (34, 1))) == 0.0
    e = np.zeros(4)
    e[0] = 1e-9
    Xs = np.stack([c, c + e])
    with mpmath.workdps(60):
        a, b = [mpmath.mpf(float(v)) for v in Xs[0]], [mpmath.mpf(float(v)) for v in Xs[1]]
        cos = mpmath.fdot(a, b) / mpmath.sqrt(mpmath.fdot(a, a) * mpmath.fdot(b, b))
        true = float(1 - cos)                       # about 1e-19: 1 - cos in float64 would give 0 or 1e-16
    np.testing.assert_allclose(mad(None, Xs), true, rtol=1e-5)
    np.testing.assert_allclose(mad(nx.path_graph(2), Xs), true, rtol=1e-5)
    assert mad(None, np.zeros((3, 2))) == 1.0               # zero rows: distance 1 (sklearn convention)
    tiny = np.array([[1e-170, 0.0], [1.0, 1.0]])            # a tiny row is not a zero row
    np.testing.assert_allclose(mad(None, tiny), 1 - 1 / math.sqrt(2), rtol=1e-14)
    np.testing.assert_allclose(mad(None, tiny * 1e300), 1 - 1 / math.sqrt(2), rtol=1e-14)
    with pytest.raises(ValueError, match="X must have at least 2 rows"):
        mad(None, np.ones((1, 3)))
    with pytest.raises(ValueError, match="graph has no edge between distinct nodes"):
        mad(nx.empty_graph(3), np.ones((3, 2)))
    with pytest.raises(ValueError, match="X has 3 rows but the graph has n = 34"):
        mad(G, np.ones((3, 2)))


def test_ranks():
    u, v = RNG.standard_normal(7), RNG.standard_normal(4)
    assert numerical_rank(np.outer(u, v)) == 1
    assert numerical_rank(np.zeros((5, 3))) == 0
    assert numerical_rank(RNG.standard_normal((6, 3))) == 3
    assert numerical_rank(np.ones(5)) == 1
    B = np.outer(u, v) + 1e-10 * RNG.standard_normal((7, 4))
    assert numerical_rank(B) == 4 and numerical_rank(B, rtol=1e-6) == 1
    assert numerical_rank(B.astype(np.float32)) == 1            # float32 eps
    np.testing.assert_allclose(effective_rank(np.outer(u, v)), 1.0, rtol=1e-12)
    np.testing.assert_allclose(effective_rank(np.eye(3)), 3.0, rtol=1e-14)
    np.testing.assert_allclose(effective_rank(np.diag([1.0, 1.0, 0.0])), 2.0, rtol=1e-14)
    p = np.array([3.0, 1.0]) / 4
    np.testing.assert_allclose(effective_rank(np.diag([3.0, 1.0])), math.exp(-(p * np.log(p)).sum()), rtol=1e-14)
    assert effective_rank(np.zeros((4, 2))) == 0.0
    for bad in (-1.0, float("nan"), "x"):
        with pytest.raises(ValueError, match="rtol must be"):
            numerical_rank(np.eye(2), rtol=bad)
    with pytest.raises(ValueError, match=r"X must be finite"):
        effective_rank(np.array([[1.0, np.nan]]))


def test_distance_to_limit():
    n = 9
    X = RNG.standard_normal((n, 3))
    Bd = RNG.standard_normal((n, 2))
    P = Bd @ np.linalg.pinv(Bd)
    ref = np.linalg.norm(X - P @ X)
    np.testing.assert_allclose(distance_to_limit(X, Bd), ref, rtol=1e-12)
    np.testing.assert_allclose(distance_to_limit(X, sp.csr_array(Bd)), ref, rtol=1e-12)   # overlapping sparse
    np.testing.assert_allclose(distance_to_limit(X, np.c_[Bd, Bd[:, :1] * 2]), ref, rtol=1e-12)  # rank-deficient
    one = np.ones(n)
    np.testing.assert_allclose(distance_to_limit(X, one), np.linalg.norm(X - X.mean(axis=0)), rtol=1e-13)
    np.testing.assert_allclose(distance_to_limit(X[:, 0], one), np.linalg.norm(X[:, 0] - X[:, 0].mean()), rtol=1e-13)
    assert distance_to_limit(X, np.zeros((n, 2))) == np.linalg.norm(X)
    assert distance_to_limit(np.outer(one, [1.0, 2.0]) * 3.7, one) < 1e-14
    # nearly converged: tiny distances are resolved
    Y = np.outer(one, [1.0, -2.0, 0.5]) + 1e-12 * X
    np.testing.assert_allclose(distance_to_limit(Y, one), 1e-12 * np.linalg.norm(X - X.mean(axis=0)), rtol=1e-3)
    with pytest.raises(ValueError, match=r"basis must have shape \(n,\) or \(n, k\) with n = 9"):
        distance_to_limit(X, np.ones(4))
    with pytest.raises(ValueError, match="basis must be finite"):
        distance_to_limit(X, np.full(n, np.nan))


def test_limit_subspace_and_stationary_distribution():
    G = _disconnected()                            # components: triangle(weighted), triangle, path3 (bipartite)
    A = _dense(G)
    n = A.shape[0]
    for sl in (True, False):
        At = A + np.eye(n) if sl else A
        d = At.sum(axis=1)
        pi = stationary_distribution(G, sl)
        M = propagation_operator(G, "mean", sl).toarray()
        np.testing.assert_allclose(pi @ M, pi, rtol=1e-14)
        k, labels = connected_components(G)
        np.testing.assert_allclose(np.bincount(labels, weights=pi), np.ones(k), rtol=1e-15)
        np.testing.assert_allclose(pi, d / np.bincount(labels, weights=d)[labels], rtol=1e-15)
        for agg in ("mean", "gcn", "sum"):
            Q = limit_subspace(G, agg, sl)
            assert sp.issparse(Q)
            Qd = Q.toarray()
            np.testing.assert_allclose(Qd.T @ Qd, np.eye(Qd.shape[1]), atol=1e-14)
            assert Qd.shape[1] == (3 if sl else 4)              # the path is bipartite without loops: 2 columns
            Mo = propagation_operator(G, agg, sl).toarray()
            # invariant subspace spanned by the dominant eigenvectors of each component
            np.testing.assert_allclose(Qd @ (Qd.T @ (Mo @ Qd)), Mo @ Qd, atol=1e-12)
            for c in range(k):
                rho = max(abs(np.linalg.eigvals(Mo[np.ix_(labels == c, labels == c)])))
                cols = np.flatnonzero(np.abs(Qd[labels == c]).sum(axis=0) > 0)
                ev = np.linalg.eigvals(Qd[:, cols].T @ Mo @ Qd[:, cols])
                np.testing.assert_allclose(np.abs(ev), rho, rtol=1e-10)
    np.testing.assert_allclose(limit_subspace(nx.path_graph(4), "gcn").toarray()[:, 0],
                               np.sqrt([2, 3, 3, 2]) / np.sqrt(10), rtol=1e-15)
    # isolated nodes: mean keeps (column e_v); sum and gcn drop them without self loops
    H = _with_isolated()
    assert limit_subspace(H, "mean", False).shape[1] == 2 + 2
    assert limit_subspace(H, "gcn", False).shape[1] == 2
    assert limit_subspace(H, "sum", False).shape[1] == 2
    assert limit_subspace(H, "sum", True).shape[1] == 3
    assert stationary_distribution(H, False)[4] == 1.0
    with pytest.raises(ValueError, match="aggregation must be one of"):
        limit_subspace(H, "softmax")


# --------------------------------------------------------------------------------------------------------
# spectrum
# --------------------------------------------------------------------------------------------------------

def _slem_dense(G, agg, sl):
    M = propagation_operator(G, agg, sl).toarray()
    return np.sort(np.abs(np.linalg.eigvals(M)))[::-1][1]


def test_second_eigenvalue_modulus_closed_forms_and_dense():
    assert second_eigenvalue_modulus(nx.complete_graph(6), "mean", True) < 1e-15     # J / n
    np.testing.assert_allclose(second_eigenvalue_modulus(nx.complete_graph(6), "mean", False), 1 / 5, rtol=1e-14)
    np.testing.assert_allclose(second_eigenvalue_modulus(nx.cycle_graph(7), "mean", False), math.cos(math.pi / 7),
                               rtol=1e-14)
    np.testing.assert_allclose(second_eigenvalue_modulus(nx.cycle_graph(7), "mean", True),
                               (1 + 2 * math.cos(2 * math.pi / 7)) / 3, rtol=1e-14)
    for H in (nx.cycle_graph(6), nx.complete_bipartite_graph(2, 3), nx.path_graph(5)):    # bipartite: -1
        np.testing.assert_allclose(second_eigenvalue_modulus(H, "mean", False), 1.0, rtol=1e-14)
        assert second_eigenvalue_modulus(H, "mean", True) < 1 - 1e-3
    np.testing.assert_allclose(second_eigenvalue_modulus(_disconnected(), "gcn", True), 1.0, rtol=1e-14)
    assert second_eigenvalue_modulus(nx.empty_graph(1)) == 0.0
    for name, G in GRAPHS.items():
        if G.is_directed():
            continue
        for agg in ("mean", "gcn", "sum"):
            for sl in (True, False):
                ref = _slem_dense(G, agg, sl)
                np.testing.assert_allclose(second_eigenvalue_modulus(G, agg, sl), ref, rtol=1e-10, atol=1e-13,
                                           err_msg=f"{agg} {sl} {name}")
                # per-component path (dense_max small: components, eigsh for the large ones)
                np.testing.assert_allclose(second_eigenvalue_modulus(G, agg, sl, dense_max=3), ref, rtol=1e-9,
                                           atol=1e-12, err_msg=f"{agg} {sl} {name} per component")


def test_second_eigenvalue_modulus_mp():
    with mpmath.workdps(60):
        exact = mpmath.cos(mpmath.pi / 7)
    got = second_eigenvalue_modulus_mp(nx.cycle_graph(7), "mean", False, dps=50)
    assert isinstance(got, mpmath.mpf)
    assert abs(got - exact) < mpmath.mpf(10) ** -48
    with mpmath.workdps(60):
        exact = (1 + 2 * mpmath.cos(2 * mpmath.pi / 7)) / 3
    assert abs(second_eigenvalue_modulus_mp(nx.cycle_graph(7), "gcn", True) - exact) < mpmath.mpf(10) ** -45
    G = nx.karate_club_graph()
    for agg in ("mean", "gcn", "sum"):
        lam = second_eigenvalue_modulus(G, agg, True)
        lam_mp = second_eigenvalue_modulus_mp(G, agg, True, dps=30)
        assert abs(lam - float(lam_mp)) <= 1e-13 * max(1.0, lam)
    with pytest.raises(ValueError, match="graph has 101 nodes; second_eigenvalue_modulus_mp handles at most 100"):
        second_eigenvalue_modulus_mp(nx.path_graph(101))
    with pytest.raises(ValueError, match="dps must be an int >= 15"):
        second_eigenvalue_modulus_mp(nx.path_graph(3), dps=5)


# --------------------------------------------------------------------------------------------------------
# oversmoothing itself
# --------------------------------------------------------------------------------------------------------

def test_energy_ratio_tends_to_slem_squared_on_karate():
    """E(X_{k+1}) / E(X_k) -> |λ_2|² for mean aggregation (measured vs computed)."""
    G = nx.karate_club_graph()
    X = RNG.standard_normal((34, 4))
    out = propagate(G, X, 120, "mean")
    E = np.array([dirichlet_energy(G, x) for x in out])
    ratio = E[1:] / E[:-1]
    lam2 = second_eigenvalue_modulus(G, "mean", True) ** 2
    lam_mp = second_eigenvalue_modulus_mp(G, "mean", True, dps=40)
    assert abs(lam2 - float(lam_mp ** 2)) < 1e-14
    # the ratio converges like (|λ_3| / |λ_2|)^(2k); well before the rounding floor (E ~ eps² ||X||²)
    assert abs(ratio[5] - lam2) > 1e-3
    np.testing.assert_allclose(ratio[60:100], lam2, rtol=1e-7)
    assert E[-1] < 1e-10 * E[0]
    # the distance to span{1} decays at |λ_2| per layer, and to the limit point 1 πᵀ X_0
    one = np.ones(34)
    dist = np.array([distance_to_limit(x, one) for x in out])
    np.testing.assert_allclose(dist[81] / dist[80], math.sqrt(lam2), rtol=1e-6)
    # same with the unweighted graph and without self loops (karate is not bipartite)
    U = nx.Graph()
    U.add_nodes_from(G)
    U.add_edges_from(G.edges)
    out = propagate(U, X, 150, "mean", self_loops=False)
    E = np.array([dirichlet_energy(U, x) for x in out])
    np.testing.assert_allclose(E[100] / E[99], second_eigenvalue_modulus(U, "mean", False) ** 2, rtol=1e-6)


def test_mean_converges_to_pi_weighted_average():
    for G, sl in ((nx.karate_club_graph(), True), (nx.karate_club_graph(), False), (_disconnected(), True),
                  (_with_isolated(), True), (_cycle5_isolated(), False), (_cycle5_isolated(), True)):
        n = G.number_of_nodes()
        X = RNG.standard_normal((n, 3))
        out = propagate(G, X, 400, "mean", sl)
        lim = mean_limit(G, X, sl)
        pi = stationary_distribution(G, sl)
        if nx.is_connected(G):
            np.testing.assert_allclose(lim, np.outer(np.ones(n), pi @ X), rtol=1e-14)
        np.testing.assert_allclose(out[-1], lim, atol=1e-12)
        k, _ = connected_components(G)
        assert numerical_rank(out[-1], rtol=1e-9) == min(k, 3)
        assert distance_to_limit(out[-1], limit_subspace(G, "mean", sl)) < 1e-11
        # πᵀ X_k is conserved (left eigenvector), per component
        np.testing.assert_allclose(mean_limit(G, out[37], sl), lim, atol=1e-13)
    # effective rank and MAD collapse on a connected graph
    G = nx.karate_club_graph()
    out = propagate(G, RNG.standard_normal((34, 8)), 300, "mean")
    assert effective_rank(out[0]) > 6 and effective_rank(out[-1]) < 1 + 1e-6
    assert mad(None, out[0]) > 0.5 and mad(G, out[-1]) < 1e-12


def test_gcn_and_sum_converge_to_their_limit_subspaces():
    G = nx.karate_club_graph()
    X = RNG.standard_normal((34, 3))
    out = propagate(G, X, 300, "gcn")
    Q = limit_subspace(G, "gcn")
    assert distance_to_limit(out[-1], Q) < 1e-10 * np.linalg.norm(out[-1])
    assert dirichlet_energy(G, out[-1], normalized=True, self_loops=True) < 1e-20 * np.sum(X ** 2)
    lam = second_eigenvalue_modulus(G, "gcn")
    d = [distance_to_limit(x, Q) for x in out[80:82]]
    np.testing.assert_allclose(d[1] / d[0], lam, rtol=1e-6)
    out = propagate(G, X, 100, "sum")          # grows like ρ(Ã)^k ≈ 22.7^k: fine in float64
    Qs = limit_subspace(G, "sum")
    rel = [distance_to_limit(x, Qs) / np.linalg.norm(x) for x in out]
    assert rel[-1] < 1e-8 < rel[0]
    lam_rel = second_eigenvalue_modulus(G, "sum") / max(abs(np.linalg.eigvalsh(_dense(G) + np.eye(34))))
    np.testing.assert_allclose(rel[41] / rel[40], lam_rel, rtol=1e-4)


@pytest.mark.parametrize("G", [nx.complete_bipartite_graph(2, 3), nx.cycle_graph(6), nx.path_graph(4)],
                         ids=["K23", "cycle6", "path4"])
def test_bipartite_without_self_loops_oscillates(G):
    n = G.number_of_nodes()
    X = RNG.standard_normal((n, 2))
    one = np.ones(n)
    out = propagate(G, X, 301, "mean", self_loops=False)
    # period 2: X_{k+2} = X_k in the limit, X_{k+1} != X_k, and no convergence to span{1}
    np.testing.assert_allclose(out[-1], out[-3], atol=1e-12)
    assert np.abs(out[-1] - out[-2]).max() > 1e-3
    assert distance_to_limit(out[-1], one) > 1e-3
    assert distance_to_limit(out[-1], limit_subspace(G, "mean", False)) < 1e-12   # sides span the limit
    assert second_eigenvalue_modulus(G, "mean", False) == pytest.approx(1.0, abs=1e-14)
    # the Cesàro average converges to the stationary point
    np.testing.assert_allclose((out[-1] + out[-2]) / 2, mean_limit(G, X, False), atol=1e-12)
    # with self loops it converges
    out = propagate(G, X, 301, "mean", self_loops=True)
    np.testing.assert_allclose(out[-1], mean_limit(G, X, True), atol=1e-12)


def test_max_and_min_reach_component_extremes():
    G = _disconnected()
    X = RNG.standard_normal((9, 2))
    k, labels = connected_components(G)
    out = propagate(G, X, 10, "max")
    for c in range(k):
        np.testing.assert_array_equal(out[-1][labels == c], np.broadcast_to(X[labels == c].max(axis=0),
                                                                            out[-1][labels == c].shape))
    out = propagate(G, X, 10, "min")
    np.testing.assert_array_equal(out[-1][labels == 0], np.broadcast_to(X[labels == 0].min(axis=0), (3, 2)))


def test_large_component_paths_agree_with_dense(monkeypatch):
    """The eigsh branches (components above the dense limit) give the dense results."""
    import verify.oversmoothing.measures as measures
    G = nx.disjoint_union(nx.karate_club_graph(), nx.cycle_graph(5))
    dense = [limit_subspace(G, "sum", sl).toarray() for sl in (True, False)]
    monkeypatch.setattr(measures, "DENSE_MAX", 4)
    for sl, ref in zip((True, False), dense):
        np.testing.assert_allclose(limit_subspace(G, "sum", sl).toarray(), ref, atol=1e-12)
    ref = second_eigenvalue_modulus(G, "gcn", True)
    np.testing.assert_allclose(second_eigenvalue_modulus(G, "gcn", True, dense_max=4), ref, rtol=1e-12)


def test_public_api_exports():
    for name in vo.__all__:
        assert hasattr(vo, name), name
