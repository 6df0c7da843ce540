r"""Repeated neighbourhood aggregation (seed Ex 3): ``X_0 = X``, ``X_{k+1} = AGG(X_k)``.

One layer maps the features ``X_k`` (``n x C``) to ``X_{k+1}`` with, for every node ``v`` and channel
``c``, an aggregation over the in-neighbourhood ``Ñ(v) = {u : Ã_{uv} > 0}`` (``Ã = A + I`` with self
loops, ``A`` without; for an undirected graph: the neighbours of ``v``, and ``v`` itself with self loops):

================  ====================================================================================
``"mean"``        ``x'_v = sum_u Ã_{uv} x_u / d̃_v`` -- ``X' = D̃⁻¹ÃᵀX`` (weighted mean)
``"sum"``         ``x'_v = sum_u Ã_{uv} x_u`` -- ``X' = ÃᵀX``
``"gcn"``         ``x'_v = sum_u Ã_{uv} x_u / sqrt(d̃_u d̃_v)`` -- ``X' = D̃^(-1/2)ÃᵀD̃^(-1/2)X``
``"max"``         ``x'_{v,c} = max_{u in Ñ(v)} x_{u,c}``;   ``"min"`` likewise
``"softmax"``     ``x'_{v,c} = |Ñ(v)|^eta sum_u softmax_u(t x_{u,c}) x_{u,c}`` (any real ``t``, ``±inf``)
``"power_mean"``  ``x'_{v,c} = |Ñ(v)|^eta ((1/|Ñ(v)|) sum_u x_{u,c}^q)^(1/q)`` (``X >= 0``, any ``q``)
================  ====================================================================================

``d̃_v = sum_u Ã_{uv}`` is the weighted in-degree.  The linear ones (mean, sum, gcn) use the edge weights
and run as one ``scipy.sparse`` CSR product per layer with the operator of
:func:`verify.oversmoothing.spectrum.propagation_operator`.  The others use the edge *structure* only
(weights are ignored: the kernels are unweighted) and run through this package's stable segment kernels
:func:`verify.aggregation.softmax_aggregate`, :func:`verify.aggregation.power_mean_aggregate`,
:func:`verify.aggregation.segment_max` and :func:`verify.aggregation.segment_min` on the edge list (message
``x_u`` for each stored entry ``Ã_{uv}``, segment ``v``; sorted by target, so the kernels skip their
sort).  Memory: the output ``(layers + 1) n C`` plus, for the kernel-based aggregations, one ``E x C``
message buffer (``E = nnz(Ã)``); never a dense ``n x n`` matrix.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import scipy.sparse as sp

from ..aggregation import power_mean_aggregate, segment_max, segment_min, softmax_aggregate
from .graph import add_self_loops, as_adjacency
from .spectrum import LINEAR_AGGREGATIONS, _check_bool, _check_float_dtype, _operator

__all__ = ["AGGREGATIONS", "propagate"]

#: every aggregation accepted by :func:`propagate`
AGGREGATIONS = ("mean", "sum", "gcn", "max", "min", "softmax", "power_mean")


def _check_aggregation(aggregation):
    if not isinstance(aggregation, str) or aggregation not in AGGREGATIONS:
        raise ValueError(f"aggregation must be one of {', '.join(map(repr, AGGREGATIONS))}, got {aggregation!r}")
    return aggregation


def _check_layers(layers):
    if isinstance(layers, (bool, np.bool_)) or not isinstance(layers, numbers.Integral):
        raise ValueError(f"layers must be a non-negative int, got {layers!r} ({type(layers).__name__})")
    if layers < 0:
        raise ValueError(f"layers must be a non-negative int, got {layers}")
    return int(layers)


def _real(val, name, *, allow_inf):
    if isinstance(val, np.ndarray) and val.ndim == 0:
        val = val[()]
    if isinstance(val, (bool, np.bool_)) or not isinstance(val, numbers.Real):
        raise ValueError(f"{name} must be a real number, got {val!r} ({type(val).__name__})")
    v = float(val)
    if math.isnan(v):
        raise ValueError(f"{name} must not be NaN")
    if math.isinf(v) and not allow_inf:
        raise ValueError(f"{name} must be finite, got {v}")
    return v


def check_features(X, n, *, name="X", dtype=None):
    """Validate node features: a real 1-D ``(n,)`` (one channel) or 2-D ``(n, C)`` array of finite values.

    Returns a 2-D array (a view where possible) in ``dtype``; ``dtype=None`` keeps float32 and float64,
    turns float16 into float32 and integers into float64.  Raises ``ValueError`` naming ``name`` for a
    wrong type or dtype (bool, complex, object), a wrong number of dimensions, a row count other than
    ``n`` (``n=None``: any), or a NaN/inf entry (its position).
    """
    try:
        arr = np.asarray(X)
    except Exception as exc:
        raise ValueError(f"{name} must be a real array of shape (n,) or (n, C); could not convert "
                         f"{type(X).__name__}: {exc}") from None
    if arr.dtype.kind not in "iuf":
        raise ValueError(f"{name} must have a real floating or integer dtype, got {arr.dtype}")
    if arr.ndim not in (1, 2):
        raise ValueError(f"{name} must be 1-D (n,) or 2-D (n, C), got shape {arr.shape}")
    if n is not None and arr.shape[0] != n:
        raise ValueError(f"{name} has {arr.shape[0]} rows but the graph has n = {n} nodes "
                         f"({name} must have shape (n,) or (n, C))")
    if dtype is None:
        if arr.dtype.kind == "f" and arr.dtype.itemsize == 2:
            dt = np.dtype(np.float32)
        elif arr.dtype.kind == "f" and arr.dtype.itemsize > 8:
            raise ValueError(f"{name} has dtype {arr.dtype}; only float32 and float64 (or float16 and "
                             "integers, converted) are supported: extended precision would be lost silently")
        elif arr.dtype.kind == "f":
            dt = arr.dtype
        else:
            dt = np.dtype(np.float64)
    else:
        dt = _check_float_dtype(dtype)
    X2 = arr.reshape(arr.shape[0], 1) if arr.ndim == 1 else arr
    if X2.size and not np.isfinite(X2).all():
        r, c = np.argwhere(~np.isfinite(X2))[0]
        pos = f"{name}[{r}]" if arr.ndim == 1 else f"{name}[{r}, {c}]"
        raise ValueError(f"{name} must be finite: {pos} = {X2[r, c]}")
    with np.errstate(over="ignore"):
        out = X2.astype(dt, copy=False)
    if out.size and not np.isfinite(out).all():     # finite in the input dtype, overflows in dtype
        r, c = np.argwhere(~np.isfinite(out))[0]
        raise ValueError(f"{name} does not fit in {dt}: {name}[{r}, {c}] = {float(X2[r, c])!r}")
    return out


def propagate(graph, X, layers, aggregation: str = "mean", self_loops: bool = True, t=None, q=None,
              eta=0.0, dtype=None) -> np.ndarray:
    r"""Apply ``layers`` rounds of neighbourhood aggregation; return all of ``X_0 = X, X_1, ..., X_layers``.

    Parameters
    ----------
    graph
        networkx graph, ``scipy.sparse`` matrix or dense numpy adjacency (see
        :func:`verify.oversmoothing.graph.as_adjacency`); directed graphs allowed (``v`` aggregates over
        ``u -> v``).
    X : array_like, shape (n,) or (n, C)
        Finite initial features; a 1-D ``X`` is one channel (``C = 1``).
    layers : int
        Number of aggregation rounds, ``>= 0``.
    aggregation : str
        ``"mean"``, ``"sum"``, ``"gcn"``, ``"max"``, ``"min"``, ``"softmax"`` or ``"power_mean"`` (see the
        module docstring for the formulas).
    self_loops : bool, default True
        Aggregate over ``Ã = A + I`` (every node is its own neighbour, weight 1 added).
    t : float
        Inverse temperature of ``"softmax"`` (required there, any real or ``±inf``; not allowed otherwise).
    q : float
        Power of ``"power_mean"`` (required there, any real or ``±inf``; not allowed otherwise).
    eta : float, default 0
        Degree scaling ``|Ñ(v)|^eta`` of ``"softmax"`` and ``"power_mean"`` (must be 0 otherwise).
    dtype : None, float32 or float64
        Working and output dtype; ``None``: float32 for float32/float16 ``X``, float64 otherwise.

    Returns
    -------
    ndarray, shape (layers + 1, n, C), dtype ``dtype``
        ``out[k]`` is ``X_k`` (``out[0]`` is ``X`` itself, converted).

    Empty neighbourhoods
    --------------------
    With ``self_loops=True`` (default) no neighbourhood is empty.  Without self loops, a node with no
    in-edge (an isolated node of an undirected graph) *keeps its feature* under ``mean``, ``max``,
    ``min``, ``softmax`` and ``power_mean`` (``x'_v = x_v``; the mean operator has the row ``e_vᵀ``), and
    *gets 0* under ``sum`` (the empty sum) and ``gcn`` (PyG's ``deg^(-1/2) := 0``).  No NaN is ever
    produced.  Disconnected graphs need no special treatment: components evolve independently.

    Domain and limits
    -----------------
    ``power_mean`` needs ``X >= 0`` for every ``q`` (the kernel's domain; it is preserved by the layers);
    with ``q <= 0`` a zero in a neighbourhood makes the result 0.  ``sum`` multiplies the scale by about the
    spectral radius of ``Ã`` per layer (``softmax``/``power_mean`` by up to ``|Ñ|^eta``): if a layer leaves
    the range of ``dtype`` a ``FloatingPointError`` names the layer (never a silent inf/NaN).  Operators are
    built in float64 and rounded once to ``dtype``; each layer then rounds in ``dtype``.

    Raises
    ------
    ValueError
        Bad graph; ``X`` not 1-D/2-D, wrong number of rows, NaN/inf, negative for ``power_mean``; negative
        or non-integer ``layers``; unknown ``aggregation`` (the message lists the valid ones); missing or
        superfluous ``t``/``q``; NaN ``t``/``q``; non-finite ``eta``, or ``eta != 0`` for an aggregation
        without degree scaling; ``dtype`` not float32/float64.
    FloatingPointError
        A layer overflowed ``dtype``.
    """
    aggregation = _check_aggregation(aggregation)
    self_loops = _check_bool(self_loops, "self_loops")
    layers = _check_layers(layers)
    if aggregation == "softmax":
        if t is None:
            raise ValueError("t is required for aggregation='softmax' (inverse temperature, any real or ±inf)")
        t = _real(t, "t", allow_inf=True)
    elif t is not None:
        raise ValueError(f"t is only used by aggregation='softmax', got t={t!r} with aggregation={aggregation!r}")
    if aggregation == "power_mean":
        if q is None:
            raise ValueError("q is required for aggregation='power_mean' (power, any real or ±inf)")
        q = _real(q, "q", allow_inf=True)
    elif q is not None:
        raise ValueError(f"q is only used by aggregation='power_mean', got q={q!r} with "
                         f"aggregation={aggregation!r}")
    eta = _real(eta, "eta", allow_inf=False)
    if eta != 0.0 and aggregation not in ("softmax", "power_mean"):
        raise ValueError(f"eta (degree scaling) is only used by aggregation='softmax' and 'power_mean', got "
                         f"eta={eta!r} with aggregation={aggregation!r}")
    A = as_adjacency(graph)
    n = A.shape[0]
    X2 = check_features(X, n, name="X", dtype=dtype)
    dt = X2.dtype
    if aggregation == "power_mean" and (X2 < 0).any():
        r, c = np.argwhere(X2 < 0)[0]
        raise ValueError(f"X must be non-negative for aggregation='power_mean' (for every q, the domain of the "
                         f"power mean): X[{r}, {c}] = {float(X2[r, c])!r}")
    C = X2.shape[1]
    out = np.empty((layers + 1, n, C), dtype=dt)
    out[0] = X2
    if layers == 0 or C == 0:
        return out

    if aggregation in LINEAR_AGGREGATIONS:
        M, _ = _operator(A, aggregation, self_loops)
        if dt != np.float64:
            M = sp.csr_array(M, dtype=dt)
        for k in range(layers):
            out[k + 1] = M @ out[k]
            _check_layer(out[k + 1], k + 1, aggregation, dt)
        return out

    At = add_self_loops(A) if self_loops else A
    B = sp.csr_array(At.T)                      # row v = target, its column indices = sources u
    B.sort_indices()
    counts = np.diff(B.indptr)
    index = np.repeat(np.arange(n, dtype=np.intp), counts)
    src = B.indices.astype(np.intp, copy=False)
    empty = np.flatnonzero(counts == 0)
    msg = np.empty((src.shape[0], C), dtype=dt)
    if aggregation == "softmax":
        def kern(m):
            return softmax_aggregate(m, index, n, t, eta)
    elif aggregation == "power_mean":
        def kern(m):
            return power_mean_aggregate(m, index, n, q, eta)
    elif aggregation == "max":
        def kern(m):
            return segment_max(m, index, n)
    else:
        def kern(m):
            return segment_min(m, index, n)
    for k in range(layers):
        np.take(out[k], src, axis=0, out=msg, mode="clip")     # "raise" would buffer a full copy
        res = kern(msg)
        if empty.size:
            res[empty] = out[k][empty]
        _check_layer(res, k + 1, aggregation, dt)
        out[k + 1] = res
    return out


def _check_layer(Y, k, aggregation, dt):
    if not np.isfinite(Y).all():
        raise FloatingPointError(
            f"propagate: layer {k} of aggregation={aggregation!r} left the range of {dt} (a feature became "
            "infinite); use fewer layers, dtype=float64 or a normalised aggregation ('mean', 'gcn')")
