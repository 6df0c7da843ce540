"""High-precision references for the encoding and its Gram matrix (mpmath, exact fixed-point sums).

The Gram reference multiplies the encoding rounded to ``bits`` binary digits as *integers*, so the
``n x n x p`` sum is exact; the only error is the rounding of each entry (``2**-bits``), i.e. far below
the 50 digits the claims need.  mpmath precision is only set through ``mpmath.workdps``.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np

from .encoding import encoding_entry_mp, frequency_mp, positions, row_layout

#: Binary digits of the fixed-point representation (2**-200 ~ 6e-61).
BITS = 200


def encoding_mp(n: int, p: int, convention: str, dps: int = 60, base=10000) -> list[list]:
    """The ``p x n`` encoding as nested lists of mpf at ``dps`` digits."""
    k, is_cos = row_layout(p, convention)
    x = positions(n, convention)
    with mpmath.workdps(dps):
        rows = []
        for r in range(p):
            w = frequency_mp(int(k[r]), p, convention, base)
            f = mpmath.cos if is_cos[r] else mpmath.sin
            rows.append([f(int(xi) * w) for xi in x])
    return rows


def _to_fixed(v) -> int:
    return int(mpmath.nint(mpmath.ldexp(v, BITS)))


def gram_fixed(n: int, p: int, convention: str, base=10000) -> np.ndarray:
    """Exact ``sum_r E_ri E_rj`` of the encoding rounded to ``BITS`` bits, as integers scaled by ``2**(2*BITS)``.

    Object array of Python ints (``n x n``).  Divide by ``2**(2*BITS)`` for the value; the error against
    the true Gram is below ``p * 2**-(BITS-1)``.
    """
    E = encoding_mp(n, p, convention, dps=70, base=base)
    with mpmath.workdps(70):
        Ei = np.array([[_to_fixed(v) for v in row] for row in E], dtype=object)
    return Ei.T.dot(Ei)


def error_vs_fixed(computed: np.ndarray, ref_fixed: np.ndarray) -> np.ndarray:
    """``|computed - reference|`` (float64) for a float array against :func:`gram_fixed` integers.

    The float values are converted exactly (``Fraction``) and the difference is formed exactly.
    """
    scale = 2 ** (2 * BITS)
    out = np.empty(computed.shape, dtype=np.float64)
    flat_c = np.asarray(computed, dtype=np.float64).ravel()
    flat_r = ref_fixed.ravel()
    o = out.ravel()
    for t in range(flat_c.size):
        o[t] = float(abs(Fraction(float(flat_c[t])) * scale - flat_r[t]) / scale)
    return out


def gram_mp(n: int, p: int, convention: str, dps: int = 50, base=10000) -> mpmath.matrix:
    """The Gram matrix by its definition ``sum_r E_ri E_rj``, in mpmath at ``dps`` digits (small sizes)."""
    with mpmath.workdps(dps + 10):
        E = encoding_mp(n, p, convention, dps=dps + 10, base=base)
        G = mpmath.matrix(n, n)
        for i in range(n):
            for j in range(i, n):
                s = mpmath.fsum(E[r][i] * E[r][j] for r in range(p))
                G[i, j] = G[j, i] = s
    return G


def gram_closed_form_mp(n: int, p: int, convention: str, dps: int = 50, base=10000) -> mpmath.matrix:
    """``T(x_i - x_j) + H(x_i + x_j)`` evaluated in mpmath at ``dps`` digits (claim pe.gram.toeplitz_plus_hankel)."""
    k, is_cos = row_layout(p, convention)
    x = positions(n, convention)
    with mpmath.workdps(dps + 10):
        w = [frequency_mp(int(kk), p, convention, base) for kk in k]
        sgn = [-1 if c else 1 for c in is_cos]
        T = {d: mpmath.fsum(mpmath.cos(d * wr) for wr in w) / 2 for d in range(n)}
        sums = sorted({int(a + b) for a in x for b in x})
        H = {s: -mpmath.fsum(sg * mpmath.cos(s * wr) for sg, wr in zip(sgn, w)) / 2 for s in sums}
        G = mpmath.matrix(n, n)
        for i in range(n):
            for j in range(n):
                G[i, j] = T[abs(i - j)] + H[int(x[i] + x[j])]
    return G


def entry_mp(r: int, i: int, p: int, convention: str):
    """Re-export of :func:`verify.positional.encoding.encoding_entry_mp` for the claims."""
    return encoding_entry_mp(r, i, p, convention)
