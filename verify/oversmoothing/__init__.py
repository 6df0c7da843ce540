"""Oversmoothing (seed Ex 3): repeated neighbourhood aggregation drives the node features together.

Public API
----------
:func:`propagate`
    ``X_0, X_1, ..., X_L`` under ``mean``/``sum``/``gcn`` (sparse operator products) or
    ``max``/``min``/``softmax``/``power_mean`` (this package's stable segment kernels), shape
    ``(L + 1, n, C)``;
:func:`as_adjacency`, :func:`degrees`, :func:`add_self_loops`, :func:`connected_components`,
:func:`is_bipartite`, :func:`bipartite_sides`
    input handling: networkx / scipy.sparse / dense adjacency -> validated CSR float64;
:func:`propagation_operator`, :func:`symmetric_operator`, :func:`second_eigenvalue_modulus`,
:func:`second_eigenvalue_modulus_mp`
    the linear operators and their second-largest eigenvalue modulus (scipy; mpmath to many digits);
:func:`dirichlet_energy`, :func:`mad`, :func:`numerical_rank`, :func:`effective_rank`,
:func:`distance_to_limit`, :func:`limit_subspace`, :func:`stationary_distribution`, :func:`mean_limit`
    measures of oversmoothing and the subspace / point the features converge to.

Conventions: ``A[u, v]`` is the weight of the edge ``u -> v`` and node ``v`` aggregates over its
in-neighbours (for undirected graphs: its neighbours); ``Ã = A + I`` with self loops.  Without self loops
a node with an empty neighbourhood keeps its feature under mean/max/min/softmax/power_mean and gets 0 under
sum/gcn.  Nothing forms a dense ``n x n`` matrix, except the dense eigenvalue paths of the spectrum
(``n <= 4000``, ``n <= 100`` for mpmath).
"""

from .graph import add_self_loops, as_adjacency, bipartite_sides, connected_components, degrees, is_bipartite
from .measures import (dirichlet_energy, distance_to_limit, effective_rank, limit_subspace, mad, mean_limit,
                       numerical_rank, stationary_distribution)
from .propagate import AGGREGATIONS, propagate
from .spectrum import (LINEAR_AGGREGATIONS, propagation_operator, second_eigenvalue_modulus,
                       second_eigenvalue_modulus_mp, symmetric_operator)

__all__ = ["propagate", "AGGREGATIONS", "LINEAR_AGGREGATIONS",
           "as_adjacency", "degrees", "add_self_loops", "connected_components", "is_bipartite", "bipartite_sides",
           "propagation_operator", "symmetric_operator", "second_eigenvalue_modulus", "second_eigenvalue_modulus_mp",
           "dirichlet_energy", "mad", "numerical_rank", "effective_rank", "distance_to_limit", "limit_subspace",
           "stationary_distribution", "mean_limit"]
