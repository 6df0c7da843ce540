"""Positional encoding (seed Ex 1): adding versus concatenating a sinusoidal encoding.

Public API
----------
:func:`sinusoidal_encoding`
    the ``p x n`` encoding matrix (rows = features, columns = positions) in the seed's formula, the seed's
    code (``get_E``) or the Transformer convention;
:func:`encoding_gram`
    its Gram matrix ``E.T @ E`` from the Toeplitz-plus-Hankel closed form in ``O(n p + n^2)``.

The claims of Ex 1 live in :mod:`verify.positional.claims` (``TOPIC``, ids ``pe.*``).
"""

from .encoding import sinusoidal_encoding
from .gram import encoding_gram

__all__ = ["sinusoidal_encoding", "encoding_gram"]
