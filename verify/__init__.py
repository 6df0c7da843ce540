"""verify: symbolic-plus-numeric verification of positional encodings and GNN aggregations.

Every mathematical statement of the seed worksheet is a :class:`~verify.core.claim.Claim`, declared
once as data; evidence (SymPy proofs, mpmath precision ladders, numpy cross-checks, counterexamples)
is generated from it and decides its verdict.  The faces are ``verify prove``, ``verify report`` and pytest.
"""

__version__ = "0.1.0"
