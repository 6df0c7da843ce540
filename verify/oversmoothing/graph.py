r"""Graph input handling for the oversmoothing topic: adjacency matrices, degrees, self loops, components.

Conventions
-----------
A graph on ``n`` nodes is held as a ``scipy.sparse`` CSR ``float64`` adjacency ``A`` (an ``n x n``
``csr_array`` with sorted indices, no duplicate and no explicitly stored zero entry) with

.. math::  A_{uv} = w(u \to v) \ge 0,

the weight of the edge from ``u`` to ``v`` (the networkx convention: ``nx.to_scipy_sparse_array``).  An
undirected graph has a symmetric ``A``.  In message passing, node ``v`` aggregates the messages of its
*in-neighbours* ``N(v) = {u : A_{uv} > 0}`` (the PyTorch Geometric ``source_to_target`` flow); for an
undirected graph these are simply its neighbours.  A self loop ``A_{vv} > 0`` makes ``v`` its own
neighbour.

Accepted inputs (:func:`as_adjacency`)
--------------------------------------
* a networkx ``Graph``/``DiGraph`` (or multigraph: parallel edge weights are added); the node order is
  ``list(G)``; the edge attribute ``'weight'`` is used when present, 1 otherwise;
* a ``scipy.sparse`` matrix or array of any format (duplicate entries are added);
* a dense 2-D numpy array (or nested sequence) -- only sensible for small graphs, it is ``n x n``.

Every weight must be a finite, non-negative real number; zero weights mean "no edge" (they are dropped).
Violations raise ``ValueError`` naming the argument and the first offending entry.  Functions that need an
undirected graph (Dirichlet energy, limit subspaces, spectra) ask for ``symmetric=True``: ``A`` must then
equal ``A.T`` up to a relative ``1e-12`` of its largest weight (and is returned exactly symmetrised).

Everything here is ``O(n + nnz)``; nothing forms a dense ``n x n`` matrix (except from a dense input).
"""

from __future__ import annotations

import numbers

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

__all__ = ["as_adjacency", "degrees", "add_self_loops", "connected_components", "is_bipartite",
           "bipartite_sides"]

#: relative tolerance of the symmetry test (``|A - A.T| <= SYM_RTOL * max|A|``)
SYM_RTOL = 1e-12


def _is_networkx(obj) -> bool:
    try:
        import networkx as nx
    except ImportError:  # pragma: no cover - networkx is a dependency of the tests only
        return False
    return isinstance(obj, nx.Graph)


def _from_networkx(G, name):
    import networkx as nx
    nodes = list(G)
    if not nodes:
        raise ValueError(f"{name} must have at least one node, got an empty networkx graph")
    for u, v, w in G.edges(data="weight", default=1.0):
        if isinstance(w, (bool, np.bool_)) or not isinstance(w, numbers.Real):
            raise ValueError(f"{name}: the weight of edge ({u!r}, {v!r}) must be a real number, got {w!r} "
                             f"({type(w).__name__})")
    try:
        A = nx.to_scipy_sparse_array(G, nodelist=nodes, weight="weight", dtype=np.float64, format="csr")
    except (TypeError, ValueError, OverflowError) as exc:  # pragma: no cover - caught by the loop above
        raise ValueError(f"{name}: could not read the edge weights of the networkx graph: {exc}") from None
    return sp.csr_array(A), nodes


def _label(nodes, i):
    return repr(nodes[i]) if nodes is not None else str(i)


def as_adjacency(graph, *, symmetric: bool = False, name: str = "graph") -> sp.csr_array:
    r"""The adjacency of ``graph`` as an ``n x n`` CSR ``float64`` ``scipy.sparse.csr_array``.

    ``A[u, v]`` is the weight of the edge ``u -> v`` (see the module docstring for the accepted inputs).
    The result has sorted indices, no duplicates and no stored zeros; it is a new matrix (the input is
    never modified).

    Parameters
    ----------
    graph : networkx.Graph | networkx.DiGraph | scipy.sparse matrix/array | numpy.ndarray
    symmetric : bool, default False
        Require an undirected graph: ``A == A.T`` up to ``SYM_RTOL`` times the largest weight; the
        returned matrix is then exactly symmetric (``(A + A.T) / 2``).
    name : str
        Name of the argument, used in error messages.

    Raises
    ------
    ValueError
        Unsupported type, non-2-D or non-square matrix, zero nodes, non-real dtype, NaN/inf weights,
        negative weights, or (``symmetric=True``) a directed graph -- naming ``name`` and the first
        offending entry.
    """
    nodes = None
    if sp.issparse(graph):
        if graph.ndim != 2:
            raise ValueError(f"{name} must be a 2-D (n x n) matrix, got a sparse array of shape {graph.shape}")
        if graph.dtype.kind not in "biuf":
            raise ValueError(f"{name} must have real (bool, integer or float) weights, got dtype {graph.dtype}")
        if graph.shape[0] != graph.shape[1]:
            raise ValueError(f"{name} must be square (n x n), got shape {graph.shape}")
        A = sp.csr_array(graph, dtype=np.float64, copy=True)
    elif _is_networkx(graph):
        A, nodes = _from_networkx(graph, name)
    else:
        if isinstance(graph, (str, bytes, dict)) or graph is None:
            raise ValueError(f"{name} must be a networkx graph, a scipy.sparse matrix or a 2-D numpy array, "
                             f"got {type(graph).__name__}")
        try:
            arr = np.asarray(graph)
        except Exception as exc:  # ragged nested sequences and the like
            raise ValueError(f"{name} must be a networkx graph, a scipy.sparse matrix or a 2-D numpy array; "
                             f"could not convert {type(graph).__name__}: {exc}") from None
        if arr.dtype.kind not in "biuf":
            raise ValueError(f"{name} must be a networkx graph, a scipy.sparse matrix or a 2-D numpy array "
                             f"with real entries, got {type(graph).__name__} with dtype {arr.dtype}")
        if arr.ndim != 2:
            raise ValueError(f"{name} must be a 2-D (n x n) adjacency matrix, got shape {arr.shape}")
        if arr.shape[0] != arr.shape[1]:
            raise ValueError(f"{name} must be square (n x n), got shape {arr.shape}")
        A = sp.csr_array(arr.astype(np.float64, copy=False))
    n = A.shape[0]
    if n == 0:
        raise ValueError(f"{name} must have at least one node, got shape {A.shape}")
    A.sum_duplicates()
    A.sort_indices()
    data = A.data
    bad = ~np.isfinite(data)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        i, j = _entry(A, k)
        raise ValueError(f"{name} has a non-finite edge weight: ({_label(nodes, i)}, {_label(nodes, j)}) has "
                         f"weight {float(data[k])}; weights must be finite and non-negative")
    neg = data < 0
    if neg.any():
        k = int(np.flatnonzero(neg)[0])
        i, j = _entry(A, k)
        raise ValueError(f"{name} has a negative edge weight: ({_label(nodes, i)}, {_label(nodes, j)}) has "
                         f"weight {float(data[k])!r}; weights must be non-negative")
    A.eliminate_zeros()
    if symmetric:
        A = _symmetrised(A, name, nodes)
    return A


def _entry(A, k):
    """Row and column of the ``k``-th stored entry of a CSR matrix."""
    i = int(np.searchsorted(A.indptr, k, side="right") - 1)
    return i, int(A.indices[k])


def _symmetrised(A, name, nodes=None):
    D = (A - A.T).tocsr()
    D.eliminate_zeros()
    if D.nnz == 0:
        return A
    scale = float(np.max(A.data)) if A.nnz else 0.0
    big = np.abs(D.data) > SYM_RTOL * scale
    if big.any():
        k = int(np.flatnonzero(big)[0])
        i, j = _entry(D, k)
        raise ValueError(
            f"{name} must be undirected (a symmetric adjacency), but the edge ({_label(nodes, i)}, "
            f"{_label(nodes, j)}) has weight {float(A[i, j])!r} and ({_label(nodes, j)}, {_label(nodes, i)}) has "
            f"weight {float(A[j, i])!r}")
    S = ((A + A.T) * 0.5).tocsr()
    S.sort_indices()
    return sp.csr_array(S)


def degrees(graph, self_loops: bool = False, *, weighted: bool = True, direction: str = "in") -> np.ndarray:
    r"""Node degrees ``d_v`` as a float64 array of length ``n``.

    ``direction="in"`` (default): ``d_v = sum_u A_{uv}`` (the total weight of the messages ``v`` receives);
    ``"out"``: ``d_u = sum_v A_{uv}``; identical for an undirected graph.  ``weighted=False`` counts edges
    (``A_{uv} > 0``) instead of adding weights.  A self loop counts once with its weight.  With
    ``self_loops=True`` the degrees are those of :func:`add_self_loops` (``A + I``), i.e. ``d + 1``.
    """
    if direction not in ("in", "out"):
        raise ValueError(f"direction must be 'in' or 'out', got {direction!r}")
    A = as_adjacency(graph)
    if not weighted:
        A = A.copy()
        A.data[:] = 1.0
    axis = 0 if direction == "in" else 1
    d = np.asarray(A.sum(axis=axis), dtype=np.float64).ravel()
    if self_loops:
        d = d + 1.0
    return d


def add_self_loops(graph, weight: float = 1.0) -> sp.csr_array:
    r"""``Ã = A + weight * I`` (CSR float64): every node gets a self loop of ``weight`` (default 1).

    This is the renormalisation trick of Kipf & Welling (``Ã = A + I``): a node that already has a self loop
    has its weight *increased* by ``weight`` (no "remaining self loops" rule).  ``weight`` must be finite
    and ``> 0``.
    """
    if isinstance(weight, (bool, np.bool_)) or not isinstance(weight, numbers.Real) \
            or not np.isfinite(weight) or weight <= 0:
        raise ValueError(f"weight must be a finite positive real number, got {weight!r}")
    A = as_adjacency(graph)
    n = A.shape[0]
    out = sp.csr_array(A + float(weight) * sp.eye_array(n, format="csr", dtype=np.float64))
    out.sum_duplicates()
    out.sort_indices()
    return out


def connected_components(graph) -> tuple[int, np.ndarray]:
    """``(n_components, labels)`` with ``labels[v]`` in ``[0, n_components)``.

    Components of the *undirected* structure (weak components for a directed graph), computed with
    ``scipy.sparse.csgraph.connected_components``; labels are numbered in order of their smallest node.
    An isolated node is a component of its own.
    """
    A = as_adjacency(graph)
    return _components(A)


def _components(A):
    k, labels = csgraph.connected_components(A, directed=True, connection="weak")
    # renumber by first appearance so that the numbering is canonical
    first = np.full(k, A.shape[0], dtype=np.intp)
    np.minimum.at(first, labels, np.arange(A.shape[0], dtype=np.intp))
    order = np.argsort(first, kind="stable")
    rank = np.empty(k, dtype=np.intp)
    rank[order] = np.arange(k, dtype=np.intp)
    return int(k), rank[labels].astype(np.intp)


def _bipartite_info(A):
    """Components, per-component bipartiteness and a 2-colouring, from the bipartite double cover.

    The double cover ``G x K2`` has nodes ``(v, 0), (v, 1)`` and an edge ``(u, a) -- (v, 1 - a)`` for
    each edge ``u -- v`` (self loops included).  A connected component of ``G`` lifts to two components if
    it is bipartite (the two lifts are the two colourings) and to one otherwise; an isolated node without
    a self loop is (trivially) bipartite.  Returns ``(k, labels, bip, side)`` with ``bip[c]`` a bool per
    component and ``side[v]`` in ``{0, 1}`` (0 for the side of the component's smallest node; meaningful
    for bipartite components only).
    """
    n = A.shape[0]
    k, labels = _components(A)
    S = A.copy()
    S.data[:] = 1.0
    S = (S + S.T).tocsr()
    cover = sp.bmat([[None, S], [S, None]], format="csr")
    _, lab2 = csgraph.connected_components(cover, directed=False)
    first = np.full(k, n, dtype=np.intp)
    np.minimum.at(first, labels, np.arange(n, dtype=np.intp))
    bip = lab2[first] != lab2[first + n]
    side = (lab2[:n] != lab2[first[labels]]).astype(np.int8)
    return k, labels, bip, side


def is_bipartite(graph, *, per_component: bool = False):
    """Whether the (undirected structure of the) graph is bipartite, i.e. 2-colourable.

    A self loop makes its component non-bipartite; an isolated node is bipartite; a graph is bipartite iff
    every component is.  Decided in ``O(n + nnz)`` from the connected components of the bipartite double
    cover (a component is bipartite iff it lifts to two components).  ``per_component=True`` returns a
    bool array indexed by the labels of :func:`connected_components` instead.
    """
    A = as_adjacency(graph)
    _, _, bip, _ = _bipartite_info(A)
    return bip if per_component else bool(bip.all())


def bipartite_sides(graph) -> np.ndarray:
    """A 2-colouring ``side[v]`` in ``{0, 1}`` of every bipartite component (0 on the side of the
    component's smallest node); raises ``ValueError`` if some component is not bipartite."""
    A = as_adjacency(graph)
    _, labels, bip, side = _bipartite_info(A)
    if not bip.all():
        c = int(np.flatnonzero(~bip)[0])
        v = int(np.flatnonzero(labels == c)[0])
        raise ValueError(f"graph is not bipartite: the component of node {v} contains an odd cycle "
                         "(or a self loop)")
    return side
