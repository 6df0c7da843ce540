r"""Measures of oversmoothing: Dirichlet energy, MAD, ranks, and the distance to the limit subspace.

All functions accept node features ``X`` of shape ``(n,)`` (one channel) or ``(n, C)``, float32/float64
(or integers), finite; invalid input raises ``ValueError`` naming the argument.  Scalars are returned as
Python ``float``/``int``.  Sums are accumulated in float64; nothing forms a dense ``n x n`` matrix: the
graph measures cost ``O(nnz C)`` (in blocks of about a million numbers), the ranks ``O(n C^2)``.

The limit of repeated *mean* aggregation ``X_{k+1} = D̃⁻¹ÃX_k`` on an undirected graph follows from the
spectrum (:mod:`verify.oversmoothing.spectrum`): ``D̃⁻¹Ã`` has the right eigenvector ``1_c`` (indicator of
the component ``c``) and the left eigenvector ``π_c ∝ d̃`` on ``c`` (the stationary distribution of the
random walk) for the eigenvalue 1, so on a non-bipartite component (always, with self loops)
``X_k -> 1_c π_cᵀ X_0`` at rate ``|λ_2|^k`` (:func:`mean_limit`).
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from .graph import _bipartite_info, _components, add_self_loops, as_adjacency
from .propagate import check_features
from .spectrum import DENSE_MAX, _check_bool, _check_linear, _groups

__all__ = ["dirichlet_energy", "mad", "numerical_rank", "effective_rank", "distance_to_limit", "limit_subspace",
           "stationary_distribution", "mean_limit"]

#: numbers (rows x channels) per block of the edge loops
_BLOCK = 1 << 20


def _pow2_scale(Y):
    """A power of two ``s`` with ``max|Y| / s`` in ``[0.5, 1)`` (1.0 for a zero array): exact rescaling."""
    m = float(np.max(np.abs(Y))) if Y.size else 0.0
    if m == 0.0:
        return 1.0
    return math.ldexp(1.0, math.frexp(m)[1])


def _edge_blocks(E, C):
    step = max(1, _BLOCK // max(C, 1))
    for a in range(0, E, step):
        yield a, min(E, a + step)


def dirichlet_energy(graph, X, normalized: bool = False, self_loops: bool = False) -> float:
    r"""Dirichlet energy of the features on an undirected graph.

    ``normalized=False``:

    .. math::  E(X) = \sum_{\{i,j\} \in E,\ i \ne j} w_{ij}\,\lVert x_i - x_j\rVert^2 = \operatorname{tr}(X^\top L X),
               \qquad L = D - A,

    each undirected edge counted once, self loops contributing 0 (``self_loops`` is irrelevant here).

    ``normalized=True``: the energy of the normalised Laplacian ``L̃ = I - D̃^(-1/2) Ã D̃^(-1/2)``,

    .. math::  E_{\rm sym}(X) = \sum_{\{i,j\},\ i \ne j} w_{ij}\,\Big\lVert \frac{x_i}{\sqrt{\tilde d_i}}
               - \frac{x_j}{\sqrt{\tilde d_j}}\Big\rVert^2 = \operatorname{tr}(X^\top \tilde L X),

    with ``d̃`` the degrees of ``Ã = A + I`` if ``self_loops`` else of ``A`` (the identity holds in both cases:
    a self loop of weight ``w`` adds ``w`` to ``d̃_i`` and cancels in ``I - D̃^(-1/2)ÃD̃^(-1/2)``).  Isolated
    nodes (``d̃ = 0``) have no edge and contribute 0.  ``E_sym(X) = 0`` iff every component's features are
    proportional to ``sqrt(d̃)`` -- the limit subspace of ``gcn``; ``E(X) = 0`` iff they are constant per
    component -- the limit of ``mean``.

    Evaluated edge by edge from the differences (never as ``tr(XᵀX) - ...``, which cancels exactly when the
    energy is small, i.e. in the oversmoothed regime), on ``X`` rescaled by a power of two (no overflow),
    accumulated in float64: relative error about ``eps`` of ``X``'s dtype times ``||X||² / E`` at worst.

    Raises ``ValueError`` for a directed graph, bad ``X`` (shape, NaN/inf) or a non-bool flag.
    """
    normalized = _check_bool(normalized, "normalized")
    self_loops = _check_bool(self_loops, "self_loops")
    A = as_adjacency(graph, symmetric=True)
    n = A.shape[0]
    X2 = check_features(X, n, name="X")
    U = sp.triu(A, k=1, format="coo")
    rows = U.row.astype(np.intp)
    cols = U.col.astype(np.intp)
    w = U.data
    Y = X2.astype(np.float64, copy=True)
    if normalized:
        d = np.asarray(A.sum(axis=1), dtype=np.float64).ravel() + (1.0 if self_loops else 0.0)
        r = np.zeros_like(d)
        np.sqrt(d, out=r, where=d > 0)
        np.divide(1.0, r, out=r, where=d > 0)
        Y *= r[:, None]
    s = _pow2_scale(Y)
    Y *= 1.0 / s
    total = 0.0
    C = Y.shape[1]
    for a, b in _edge_blocks(rows.size, C):
        diff = Y[rows[a:b]] - Y[cols[a:b]]
        np.square(diff, out=diff)
        total += float(w[a:b] @ diff.sum(axis=1))
    return float(total * s * s)      # Python floats: overflow gives inf, the true value is out of range


def _unit_rows(X2):
    """Rows scaled to unit Euclidean norm (float64) and the mask of non-zero rows.

    Each row is first divided by its largest magnitude (so its squared norm lies in ``[1, C]``: no overflow,
    and no underflow turning a tiny but non-zero row into a zero row)."""
    Y = X2.astype(np.float64, copy=True)
    m = np.max(np.abs(Y), axis=1) if Y.shape[1] else np.zeros(Y.shape[0])
    nz = m > 0
    Y[nz] /= m[nz, None]
    Y[~nz] = 0.0
    nrm = np.sqrt(np.einsum("ij,ij->i", Y, Y))
    Y[nz] /= nrm[nz, None]
    return Y, nz


def mad(graph, X) -> float:
    r"""Mean average distance (MAD, Chen et al., AAAI 2020) of the rows of ``X``, with the cosine distance.

    ``D_ij = 1 - x_i·x_j / (||x_i|| ||x_j||)`` (in ``[0, 2]``).  Zero rows are handled as in
    ``sklearn.metrics.pairwise.cosine_distances`` (which the reference implementation uses): a zero row has
    cosine similarity 0, i.e. distance 1, to every other row (another zero row included).

    ``graph=None``: the mean over all ordered pairs ``i != j`` (equivalently the mean over nodes of each
    node's average distance to the ``n - 1`` others), ``n >= 2``.  Computed in ``O(n C)`` from the
    identity ``sum_{i != j} ||u_i - u_j||² = 2 m sum_i ||u_i - ū||²`` for the ``m`` unit rows (``D_ij =
    ||u_i - u_j||² / 2``), the variance taken about the first unit row, so it is accurate (no
    cancellation) when the rows nearly coincide and exactly 0 when they coincide.

    With a graph: Chen et al.'s neighbour MAD with the adjacency as mask -- ``D̄_v`` = the average of
    ``D_uv`` over the in-neighbours ``u != v`` of ``v`` (self loops and weights ignored; for an undirected
    graph, the neighbours), and MAD = the mean of ``D̄_v`` over the nodes with at least one neighbour.  With
    the complete graph this equals ``mad(None, X)``.  Cost ``O(nnz C)``.

    Difference from the reference code: it divides each node's sum by its number of *non-zero* distances
    (so exactly-coincident pairs are dropped from the average); here every pair (edge) counts.

    Raises ``ValueError`` for bad ``X``, fewer than 2 rows (``graph=None``) or a graph without edges
    between distinct nodes.
    """
    if graph is None:
        X2 = check_features(X, None, name="X")
        n = X2.shape[0]
        if n < 2:
            raise ValueError(f"X must have at least 2 rows for the MAD over all pairs, got {n}")
        U, nz = _unit_rows(X2)
        m = int(nz.sum())
        Un = U[nz]
        # sum_i ||u_i - mean u||^2, shifted by the first row (exactly 0 for identical rows)
        Dn = Un - Un[:1]
        spread = float(np.sum((Dn - Dn.mean(axis=0)) ** 2)) if m else 0.0
        # m(m-1) pairs of unit rows (sum of D = m * spread), every other ordered pair has D = 1
        total = m * spread + (n * (n - 1) - m * (m - 1))
        return total / (n * (n - 1))
    A = as_adjacency(graph)
    n = A.shape[0]
    X2 = check_features(X, n, name="X")
    B = sp.csr_array(A.T)                    # row v: in-neighbours of v
    tgt = np.repeat(np.arange(n, dtype=np.intp), np.diff(B.indptr))
    src = B.indices.astype(np.intp, copy=False)
    off = src != tgt                         # self loops are ignored
    tgt, src = tgt[off], src[off]
    if src.size == 0:
        raise ValueError("graph has no edge between distinct nodes: the neighbour MAD is undefined")
    counts = np.bincount(tgt, minlength=n)
    U, nz = _unit_rows(X2)
    C = U.shape[1]
    dist = np.empty(src.size)
    for a, b in _edge_blocks(src.size, C):
        diff = U[src[a:b]] - U[tgt[a:b]]
        dist[a:b] = 0.5 * np.einsum("ij,ij->i", diff, diff)
    both = nz[src] & nz[tgt]
    dist[~both] = 1.0
    per_node = np.bincount(tgt, weights=dist, minlength=n)
    has = counts > 0
    return float(np.mean(per_node[has] / counts[has]))


def _svals(X, name="X"):
    X2 = check_features(X, None, name=name)
    if X2.size == 0:
        return X2, np.zeros(0, dtype=X2.dtype)
    # LAPACK's gesdd rescales internally when the entries are near the overflow/underflow thresholds
    return X2, np.linalg.svd(X2, compute_uv=False)


def numerical_rank(X, rtol=None) -> int:
    r"""Numerical rank: the number of singular values ``σ_i > rtol · σ_max`` of ``X`` (``(n,)`` or ``(n, C)``).

    Default ``rtol = max(n, C) · eps`` of ``X``'s dtype (float32 for float32/float16 input, float64
    otherwise) -- the ``numpy.linalg.matrix_rank`` convention; the SVD is computed in that dtype.  A zero
    matrix has rank 0.  Under oversmoothing the rank collapses to the dimension of the limit subspace
    reached (1 for mean on a connected graph).  ``rtol`` must be a finite number ``>= 0``.
    """
    X2, sv = _svals(X)
    if rtol is None:
        rtol = max(X2.shape) * float(np.finfo(X2.dtype).eps)
    else:
        if isinstance(rtol, (bool, np.bool_)) or not isinstance(rtol, numbers.Real) or not math.isfinite(rtol) \
                or rtol < 0:
            raise ValueError(f"rtol must be a finite real number >= 0, got {rtol!r}")
        rtol = float(rtol)
    if sv.size == 0 or sv[0] == 0:
        return 0
    return int(np.count_nonzero(sv > rtol * sv[0]))


def effective_rank(X) -> float:
    r"""Effective rank (Roy & Vetterli, 2007): ``exp(H(p))`` with ``p_i = σ_i / Σ_j σ_j`` and
    ``H(p) = -Σ_i p_i log p_i`` (``0 log 0 = 0``), for the singular values ``σ`` of ``X``.

    A real number in ``[1, min(n, C)]`` for a non-zero ``X``: 1 iff ``X`` has rank 1, ``min(n, C)`` iff all
    singular values are equal.  Convention: a zero matrix (or an empty one) has effective rank ``0.0``.
    The singular values are computed in ``X``'s dtype, the entropy in float64.
    """
    _, sv = _svals(X)
    sv = sv.astype(np.float64)
    tot = float(sv.sum()) if sv.size else 0.0
    if tot == 0.0:
        return 0.0
    p = sv[sv > 0] / tot
    return float(math.exp(-float(np.sum(p * np.log(p)))))


def _orthonormal_basis(basis, n):
    """Orthonormal columns ``Q`` spanning the columns of ``basis`` (dense ndarray or sparse csc)."""
    if sp.issparse(basis):
        if basis.ndim != 2 or basis.shape[0] != n:
            raise ValueError(f"basis must have shape (n, k) with n = {n} rows, got {basis.shape}")
        if basis.dtype.kind not in "biuf":
            raise ValueError(f"basis must be real, got dtype {basis.dtype}")
        Bm = sp.csc_array(basis, dtype=np.float64)
        if Bm.nnz and not np.isfinite(Bm.data).all():
            raise ValueError("basis must be finite (it contains NaN or inf)")
        Bm.eliminate_zeros()
        G = sp.csr_array(Bm.T @ Bm)
        G.eliminate_zeros()
        diag = G.diagonal()
        if G.nnz == np.count_nonzero(diag):           # columns with disjoint supports: scale them
            keep = np.flatnonzero(diag > 0)
            Q = Bm[:, keep] @ sp.diags_array(1.0 / np.sqrt(diag[keep]))
            return sp.csc_array(Q)
        if Bm.shape[1] > 2048:
            raise ValueError(f"basis is sparse with {Bm.shape[1]} overlapping columns; pass at most 2048 "
                             "columns or columns with disjoint supports")
        basis = Bm.toarray()
    Bd = np.asarray(basis)
    if Bd.dtype.kind not in "biuf":
        raise ValueError(f"basis must be real, got dtype {Bd.dtype}")
    if Bd.ndim == 1:
        Bd = Bd[:, None]
    if Bd.ndim != 2 or Bd.shape[0] != n:
        raise ValueError(f"basis must have shape (n,) or (n, k) with n = {n} rows (as X), got {np.shape(basis)}")
    Bd = Bd.astype(np.float64)
    if not np.isfinite(Bd).all():
        raise ValueError("basis must be finite (it contains NaN or inf)")
    if Bd.shape[1] == 0:
        return Bd
    U, s, _ = np.linalg.svd(Bd * (1.0 / _pow2_scale(Bd)), full_matrices=False)
    if s.size == 0 or s[0] == 0:
        return Bd[:, :0]
    return U[:, s > max(Bd.shape) * np.finfo(np.float64).eps * s[0]]


def distance_to_limit(X, basis) -> float:
    r"""``||X - P X||_F``, with ``P`` the orthogonal projector onto the span of the columns of ``basis``.

    ``basis``: ``(n,)`` (one vector), a dense ``(n, k)`` array, or a sparse ``(n, k)`` matrix such as
    :func:`limit_subspace` returns.  Columns need not be orthonormal: sparse columns with pairwise disjoint
    supports are just normalised (``O(nnz)``, any number of columns); otherwise the span is orthonormalised
    by an SVD (columns with ``σ <= max(n, k) eps σ_max`` dropped; dense, or sparse up to 2048 columns).
    The residual is formed as ``R = X - Q(QᵀX)`` followed by one re-orthogonalisation ``R -= Q(QᵀR)``
    ("twice is enough"), so even a tiny distance of a nearly converged ``X`` is computed to about
    ``eps ||X||`` absolute accuracy.  A zero basis gives ``||X||_F``.  ``X``: ``(n,)`` or ``(n, C)``, finite.
    """
    X2 = check_features(X, None, name="X")
    n = X2.shape[0]
    Q = _orthonormal_basis(basis, n)
    Y = X2.astype(np.float64)
    s = _pow2_scale(Y)
    Y = Y * (1.0 / s)
    if Q.shape[1]:
        for _ in range(2):
            Y = Y - Q @ (Q.T @ Y)
    return float(np.linalg.norm(Y)) * s


def _tilde(A, self_loops):
    return add_self_loops(A) if self_loops else A


def limit_subspace(graph, aggregation: str = "mean", self_loops: bool = True) -> sp.csc_array:
    r"""Orthonormal basis (sparse ``n x k``, columns with disjoint supports) of the subspace that repeated
    linear aggregation drives the features into, on an undirected graph.

    Per connected component ``c`` of ``Ã``: the span of the eigenvectors of the propagation operator ``M``
    (:func:`verify.oversmoothing.spectrum.propagation_operator`) restricted to ``c`` whose eigenvalues have
    the largest modulus ``ρ_c`` there:

    * ``"mean"`` (``M = D̃⁻¹Ã``, ``ρ_c = 1``): the indicator ``1_c``;
    * ``"gcn"`` (``ρ_c = 1``): ``sqrt(d̃)`` on ``c``;
    * ``"sum"`` (``M = Ã``): the Perron vector ``φ_c`` of ``Ã`` on ``c`` (``ρ_c`` its spectral radius,
      computed with ``eigh`` up to ``DENSE_MAX`` nodes per component, ``eigsh`` beyond).

    If ``c`` is bipartite (only possible without self loops) ``-ρ_c`` is an eigenvalue too, with the vector
    ``s ∘ v`` (``s = ±1`` on the two sides): the span is that of ``v`` restricted to each side, two columns.
    Components with ``ρ_c = 0`` contribute no column: isolated nodes without self loop under ``sum`` and
    ``gcn`` (they are 0 after one layer).  An isolated node without self loop under ``mean`` keeps its
    feature: column ``e_v``.  Columns are ordered by component (numbered by smallest node), then side.

    Since the components evolve independently, ``dist(X_k, span) / ||X_k||`` tends to 0 on every component
    whose dominant eigenvalues are exactly those above (always for ``mean``/``gcn``; for ``sum`` the norms
    of the components scale like ``ρ_c^k``, so the *absolute* distance need not shrink).  For ``mean`` the
    distance to ``span{1_c}`` is ``O(|λ_2|^k)``; the point reached is ``1_c π_cᵀ X_0`` (:func:`mean_limit`).
    """
    aggregation = _check_linear(aggregation)
    self_loops = _check_bool(self_loops, "self_loops")
    A = as_adjacency(graph, symmetric=True)
    n = A.shape[0]
    At = _tilde(A, self_loops)
    k, labels, bip, side = _bipartite_info(At)
    d = np.asarray(At.sum(axis=1), dtype=np.float64).ravel()
    if aggregation == "mean":
        v = np.ones(n)
    elif aggregation == "gcn":
        v = np.sqrt(d)
    else:
        v = np.zeros(n)
        single = np.bincount(labels, minlength=k) == 1
        loops = At.diagonal()
        for c, nodes in enumerate(_groups(labels, k)):
            if single[c]:
                v[nodes] = 1.0 if loops[nodes[0]] > 0 else 0.0
                continue
            Sc = At[nodes][:, nodes]
            if nodes.size <= DENSE_MAX:
                _, vec = sla.eigh(Sc.toarray(), subset_by_index=[nodes.size - 1, nodes.size - 1])
            else:
                _, vec = spla.eigsh(sp.csr_array(Sc), k=1, which="LA")
            v[nodes] = np.abs(vec[:, 0])
    col = 2 * labels + np.where(bip[labels], side, 0)
    keep = np.flatnonzero(v != 0)
    cols, new = np.unique(col[keep], return_inverse=True)
    vals = v[keep]
    nrm = np.sqrt(np.bincount(new, weights=vals * vals, minlength=cols.size))
    Q = sp.csc_array((vals / nrm[new], (keep, new)), shape=(n, cols.size))
    Q.sort_indices()
    return Q


def stationary_distribution(graph, self_loops: bool = True) -> np.ndarray:
    r"""Stationary distribution of the random walk ``D̃⁻¹Ã`` per component: ``π_v = d̃_v / Σ_{u ∈ c(v)} d̃_u``.

    ``πᵀ D̃⁻¹Ã = πᵀ`` (the left eigenvector for eigenvalue 1 of the mean operator); on a connected graph it
    is *the* stationary distribution (``Σ π = 1``), on a disconnected one ``π`` sums to 1 on each component.
    ``d̃`` are the weighted degrees of ``Ã = A + I`` if ``self_loops`` else of ``A``; an isolated node
    without self loop (which keeps its feature under mean aggregation) has ``π_v = 1``.  Undirected graphs
    only (for a directed graph ``π`` is not proportional to the degrees).
    """
    self_loops = _check_bool(self_loops, "self_loops")
    A = as_adjacency(graph, symmetric=True)
    At = _tilde(A, self_loops)
    d = np.asarray(At.sum(axis=1), dtype=np.float64).ravel()
    d[d == 0] = 1.0
    k, labels = _components(At)
    tot = np.bincount(labels, weights=d, minlength=k)
    return d / tot[labels]


def mean_limit(graph, X, self_loops: bool = True) -> np.ndarray:
    r"""``X_∞ = Σ_c 1_c π_cᵀ X``: the limit of mean aggregation ``(D̃⁻¹Ã)^k X`` on an undirected graph.

    Every node of component ``c`` gets the ``π``-weighted average (:func:`stationary_distribution`) of the
    initial features of ``c``; ``(n, C)`` float64 (``(n, 1)`` for a 1-D ``X``).  The limit exists for every
    non-bipartite component (always with self loops) and is approached at rate ``O(|λ_2|^k)``; on a
    bipartite component without self loops the iterates oscillate with period 2 and only their Cesàro
    averages converge to it.
    """
    self_loops = _check_bool(self_loops, "self_loops")
    A = as_adjacency(graph, symmetric=True)
    n = A.shape[0]
    X2 = check_features(X, n, name="X").astype(np.float64)
    pi = stationary_distribution(A, self_loops)
    k, labels = _components(_tilde(A, self_loops))
    P = sp.csr_array((pi, (labels, np.arange(n))), shape=(k, n))
    return (P @ X2)[labels]
