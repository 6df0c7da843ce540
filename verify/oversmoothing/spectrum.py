r"""Propagation operators of the linear aggregations and their second-largest eigenvalue modulus.

For the adjacency ``A`` (``A[u, v] = w(u -> v)``, see :mod:`verify.oversmoothing.graph`), let
``Ã = A + I`` with self loops and ``Ã = A`` without, and ``d̃_v = sum_u Ã_{uv}`` the (weighted) in-degree.
One layer of the linear aggregations is ``X' = M X`` with the sparse ``n x n`` operator

* ``"sum"``:  ``M = Ãᵀ``                       (``x'_v = sum_u Ã_{uv} x_u``);
* ``"mean"``: ``M = D̃⁻¹ Ãᵀ``                   (``x'_v = sum_u Ã_{uv} x_u / d̃_v``);
* ``"gcn"``:  ``M = D̃^(-1/2) Ãᵀ D̃^(-1/2)``      (Kipf & Welling).

Empty neighbourhoods (``d̃_v = 0``, only possible without self loops): the ``mean`` row of ``v`` is the
unit row ``e_vᵀ`` (the node keeps its feature), the ``sum`` and ``gcn`` rows are zero (the node gets 0;
for ``gcn`` this is PyTorch Geometric's ``deg^(-1/2) := 0`` convention).

For an undirected graph these operators have real spectra: ``sum`` and ``gcn`` are symmetric and
``mean`` is similar to the symmetric ``S = D̃^(-1/2) Ã D̃^(-1/2)`` (``M = D̃^(-1/2) S D̃^(1/2)``, with
``d̃_v := 1`` and ``S_vv := 1`` for an empty neighbourhood), so ``M`` and ``S`` have the same eigenvalues.
The spectra of ``mean`` and ``gcn`` lie in ``[-1, 1]``; ``1`` has one eigenvector per component (of
``mean``; of ``gcn`` per component with positive degree) and ``-1`` is an eigenvalue exactly when a
component (with an edge) is bipartite -- self loops on every node exclude it.
"""

from __future__ import annotations

import numbers

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from .graph import _bipartite_info, add_self_loops, as_adjacency

__all__ = ["LINEAR_AGGREGATIONS", "propagation_operator", "symmetric_operator", "second_eigenvalue_modulus",
           "second_eigenvalue_modulus_mp"]

#: the aggregations that are linear maps ``X -> M X`` (the others have no propagation operator)
LINEAR_AGGREGATIONS = ("mean", "sum", "gcn")

#: default largest size of a dense symmetric eigenvalue problem (``eigvalsh`` of an ``n x n`` array)
DENSE_MAX = 4000
#: largest graph for :func:`second_eigenvalue_modulus_mp`
MP_MAX = 100


def _check_linear(aggregation):
    if not isinstance(aggregation, str) or aggregation not in LINEAR_AGGREGATIONS:
        raise ValueError(f"aggregation must be one of {', '.join(map(repr, LINEAR_AGGREGATIONS))} (the linear "
                         f"aggregations, which have a propagation operator), got {aggregation!r}")
    return aggregation


def _check_bool(val, name):
    if not isinstance(val, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {val!r}")
    return bool(val)


def _check_float_dtype(dtype, name="dtype"):
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise ValueError(f"{name} must be float32 or float64, got {dtype!r}") from None
    if dt not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise ValueError(f"{name} must be float32 or float64, got {dt}")
    return dt


def _tilde(A, self_loops):
    return add_self_loops(A) if self_loops else A


def _operator(A, aggregation, self_loops):
    """``M`` (CSR float64) from a validated adjacency ``A``; also returns ``d̃``."""
    At = _tilde(A, self_loops)
    B = sp.csr_array(At.T)                   # rows = targets v, columns = sources u
    B.sort_indices()
    d = np.asarray(B.sum(axis=1), dtype=np.float64).ravel()
    empty = d == 0
    if aggregation == "sum":
        return B, d
    rows = np.repeat(np.arange(B.shape[0], dtype=np.intp), np.diff(B.indptr))
    if aggregation == "mean":
        inv = np.zeros_like(d)
        np.divide(1.0, d, out=inv, where=~empty)
        vals = B.data * inv[rows]
    else:  # gcn: w_uv * (r_u r_v) -- the product r_u r_v is commutative, so M is exactly symmetric
        r = np.zeros_like(d)
        np.sqrt(d, out=r, where=~empty)
        np.divide(1.0, r, out=r, where=~empty)
        vals = B.data * (r[rows] * r[B.indices])
    M = sp.csr_array((vals, B.indices.copy(), B.indptr.copy()), shape=B.shape)
    if aggregation == "mean" and empty.any():
        M = sp.csr_array(M + sp.diags_array(empty.astype(np.float64)))
        M.sort_indices()
    return M, d


def propagation_operator(graph, aggregation: str = "mean", self_loops: bool = True, *,
                         dtype=np.float64) -> sp.csr_array:
    r"""The sparse ``n x n`` operator ``M`` of one linear aggregation layer, ``X' = M X``.

    ``aggregation`` is ``"mean"`` (``D̃⁻¹Ãᵀ``), ``"sum"`` (``Ãᵀ``) or ``"gcn"`` (``D̃^(-1/2)ÃᵀD̃^(-1/2)``),
    with ``Ã = A + I`` if ``self_loops`` else ``A`` and ``d̃`` its weighted in-degrees (see the module
    docstring, also for empty neighbourhoods).  Directed graphs are allowed (``v`` aggregates over its
    in-neighbours).  Returned as a ``csr_array`` in ``dtype`` (float32 or float64; built in float64 and
    rounded once).  ``max``/``min``/``softmax``/``power_mean`` are not linear and raise ``ValueError``.
    """
    aggregation = _check_linear(aggregation)
    self_loops = _check_bool(self_loops, "self_loops")
    dt = _check_float_dtype(dtype)
    A = as_adjacency(graph)
    M, _ = _operator(A, aggregation, self_loops)
    return M if dt == np.float64 else sp.csr_array(M, dtype=dt)


def _symmetric(A, aggregation, self_loops):
    """Symmetric ``S`` with the spectrum of ``M`` (``A`` validated symmetric), plus ``d̃``."""
    if aggregation == "mean":
        S, d = _operator(A, "gcn", self_loops)
        empty = d == 0
        if empty.any():
            S = sp.csr_array(S + sp.diags_array(empty.astype(np.float64)))
            S.sort_indices()
        return S, d
    return _operator(A, aggregation, self_loops)


def symmetric_operator(graph, aggregation: str = "mean", self_loops: bool = True) -> sp.csr_array:
    r"""A symmetric sparse matrix with the same eigenvalues as the propagation operator (undirected graphs).

    ``sum``: ``Ã``; ``gcn``: ``D̃^(-1/2)ÃD̃^(-1/2)`` (the operator itself); ``mean``: the similar matrix
    ``S = D̃^(-1/2)ÃD̃^(-1/2)`` (``D̃⁻¹Ã = D̃^(-1/2) S D̃^(1/2)``), with ``S_vv = 1`` for an isolated node
    without self loop (which keeps its feature).  ``graph`` must be undirected.
    """
    aggregation = _check_linear(aggregation)
    self_loops = _check_bool(self_loops, "self_loops")
    A = as_adjacency(graph, symmetric=True)
    S, _ = _symmetric(A, aggregation, self_loops)
    return S


def _groups(labels, k):
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(k + 1))
    return [order[bounds[c]:bounds[c + 1]] for c in range(k)]


def _top_two_moduli(Sc, dense_max):
    """The two largest eigenvalue moduli of a symmetric sparse block (``0`` pads a 1 x 1 block)."""
    m = Sc.shape[0]
    if m == 1:
        return [abs(float(Sc.toarray()[0, 0])), 0.0]
    if m <= dense_max:
        ev = sla.eigvalsh(Sc.toarray())
    else:
        ev = spla.eigsh(Sc, k=2, which="LM", return_eigenvectors=False)
    mod = np.sort(np.abs(ev))[::-1]
    return [float(mod[0]), float(mod[1])]


def second_eigenvalue_modulus(graph, aggregation: str = "mean", self_loops: bool = True, *,
                              dense_max: int = DENSE_MAX) -> float:
    r"""Second-largest eigenvalue modulus (SLEM) ``|λ|_(2)`` of the propagation operator (undirected graph).

    With the eigenvalues of ``M`` (real: ``M`` is similar to the symmetric :func:`symmetric_operator`)
    ordered by modulus, *counting multiplicity*, ``|λ_1| >= |λ_2| >= ...``, this returns ``|λ_2|``
    (``0.0`` for a one-node graph).  For ``mean``/``gcn`` on a connected non-bipartite graph ``λ_1 = 1`` is
    simple and ``|λ_2| < 1`` is the rate at which the features approach the limit subspace
    (``dist(X_k) = O(|λ_2|^k)``, the Dirichlet energy ``O(|λ_2|^(2k))``); on a disconnected graph
    (eigenvalue 1 once per component) or with a bipartite component (eigenvalue ``-1``), ``|λ_2| = 1``:
    compute per-component rates on the components.

    Computation: ``scipy.linalg.eigvalsh`` of the dense symmetric matrix when ``n <= dense_max`` (default
    4000: ``O(n^3)`` time and ``8 n^2`` bytes, a few seconds and ~128 MB at the limit); beyond that, per
    connected component -- one-node components exactly, components up to ``dense_max`` nodes densely, larger
    ones with ``scipy.sparse.linalg.eigsh(k=2, which="LM")`` (Lanczos, to about machine precision; slow if
    ``|λ_2| ≈ |λ_3|``) -- and a bipartite component contributes ``ρ`` twice (its spectrum is symmetric).
    Accuracy of the dense path: absolute error a small multiple of ``eps * ||S||_2``.
    """
    aggregation = _check_linear(aggregation)
    self_loops = _check_bool(self_loops, "self_loops")
    if isinstance(dense_max, (bool, np.bool_)) or not isinstance(dense_max, numbers.Integral) or dense_max < 1:
        raise ValueError(f"dense_max must be a positive int, got {dense_max!r}")
    A = as_adjacency(graph, symmetric=True)
    n = A.shape[0]
    S, _ = _symmetric(A, aggregation, self_loops)
    if n == 1:
        return 0.0
    if n <= dense_max:
        mod = np.sort(np.abs(sla.eigvalsh(S.toarray())))[::-1]
        return float(mod[1])
    k, labels, bip, _ = _bipartite_info(S)
    tops = []
    for c, nodes in enumerate(_groups(labels, k)):
        Sc = sp.csr_array(S[nodes][:, nodes])
        a, b = _top_two_moduli(Sc, dense_max)
        if bip[c] and Sc.nnz:
            b = a
        tops.extend((a, b))
    tops.sort(reverse=True)
    return float(tops[1])


def second_eigenvalue_modulus_mp(graph, aggregation: str = "mean", self_loops: bool = True, *,
                                 dps: int = 50):
    r""":func:`second_eigenvalue_modulus` to ``dps`` significant digits with mpmath (graphs of ``<= 100`` nodes).

    The symmetric matrix (:func:`symmetric_operator`) is formed in mpmath from the exact binary values of
    the float64 weights (``S_uv = w_uv / sqrt(d̃_u d̃_v)`` with the degrees summed in mpmath) and
    diagonalised with ``mpmath.eigsy`` at ``dps + 10`` digits; the result is an ``mpmath.mpf`` rounded to
    ``dps`` digits.  Cost ``O(n^3)`` multiprecision operations: about a second for 34 nodes at 50 digits.
    """
    import mpmath

    aggregation = _check_linear(aggregation)
    self_loops = _check_bool(self_loops, "self_loops")
    if isinstance(dps, (bool, np.bool_)) or not isinstance(dps, numbers.Integral) or dps < 15:
        raise ValueError(f"dps must be an int >= 15, got {dps!r}")
    A = as_adjacency(graph, symmetric=True)
    n = A.shape[0]
    if n > MP_MAX:
        raise ValueError(f"graph has {n} nodes; second_eigenvalue_modulus_mp handles at most {MP_MAX} "
                         "(use second_eigenvalue_modulus)")
    At = _tilde(A, self_loops).tocoo()
    ctx = mpmath.mp
    with ctx.workdps(int(dps) + 10):
        W = ctx.zeros(n, n)
        for i, j, w in zip(At.row.tolist(), At.col.tolist(), At.data.tolist()):
            W[i, j] += ctx.mpf(w)
        if aggregation != "sum":
            d = [ctx.fsum(W[i, j] for j in range(n)) for i in range(n)]
            empty = [di == 0 for di in d]
            r = [ctx.mpf(0) if e else 1 / ctx.sqrt(di) for di, e in zip(d, empty)]
            for i in range(n):
                for j in range(n):
                    if W[i, j]:
                        W[i, j] = W[i, j] * r[i] * r[j]
                if empty[i] and aggregation == "mean":
                    W[i, i] = ctx.mpf(1)
        if n == 1:
            return ctx.mpf(0)
        ev = ctx.eigsy(W, eigvals_only=True)
        mod = sorted((abs(ev[i]) for i in range(n)), reverse=True)
        val = mod[1]
    with ctx.workdps(int(dps)):
        return +val
