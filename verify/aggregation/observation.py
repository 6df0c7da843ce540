"""What does the observation printed under Ex 2c describe?  (claim ``agg.seed.2c_observation_topic``)

The text: "both score matrices look essentially the same ... a very strong score on the main diagonal and
then a decaying score when moving away from this diagonal, which oscillates."

We turn the described pattern into a test on a square matrix ``A`` (:func:`diagonal_pattern`) and apply it
to (a) the seed's own Ex 1c matrices ``KᵀQ`` for concatenation and addition (its code cell [4]/[5]:
``get_E(64, 256)``, random ``X``) and (b) the only matrices Ex 2 produces: node × channel outputs of the
softmax and power-mean aggregations on a path graph of 64 nodes with 64 channels.  The observation is
about Ex 2 only if the pattern shows up in (b); it is about Ex 1c if it shows up in (a) and not in (b).
"""

from __future__ import annotations

import numpy as np

from verify.positional.scores import seed_get_E  # the literal transcription of the seed's get_E


def seed_get_score(E: np.ndarray, X: np.ndarray, mode: str) -> np.ndarray:
    """The seed's ``get_score`` without its print: ``QᵀQ`` with ``Q = E + X`` (add) or ``[E; X]`` (cat)."""
    if mode == "add":
        Q = E + X
    elif mode == "cat":
        Q = np.append(E, X, axis=0)
    else:
        raise ValueError(f"mode must be 'add' or 'cat', got {mode!r}")
    return Q.T @ Q


def diagonal_pattern(A: np.ndarray) -> dict:
    """Measure the described pattern on a square matrix.

    * ``diag_ratio``: mean of the main diagonal over the mean absolute off-diagonal entry
      ("a very strong score on the main diagonal": ratio > 3);
    * ``decay``: mean |profile| over offsets 1..n/8 divided by that over offsets n/2..3n/4, where
      ``profile[k]`` is the mean of the k-th super-diagonal ("decaying away from the diagonal": > 1.5);
    * ``oscillations``: sign changes of the detrended profile over offsets 1..n/2 ("which oscillates": ≥ 2).
    ``present`` is the conjunction.
    """
    A = np.asarray(A, dtype=float)
    n = A.shape[0]
    if A.ndim != 2 or A.shape[1] != n or n < 16:
        raise ValueError("diagonal_pattern needs a square matrix of size >= 16")
    off = A[~np.eye(n, dtype=bool)]
    diag_ratio = float(np.mean(np.diag(A)) / max(np.mean(np.abs(off)), 1e-300))
    profile = np.array([np.mean(np.diag(A, k)) for k in range(n)])
    near = np.mean(np.abs(profile[1:max(2, n // 8) + 1]))
    far = np.mean(np.abs(profile[n // 2: 3 * n // 4]))
    decay = float(near / max(far, 1e-300))
    seg = profile[1: n // 2 + 1]
    ks = np.arange(seg.size)
    trend = np.polyval(np.polyfit(ks, seg, 2), ks)
    resid = seg - trend
    signs = np.sign(resid[np.abs(resid) > 1e-9 * max(1.0, float(np.max(np.abs(seg))))])
    oscillations = int(np.sum(signs[1:] != signs[:-1])) if signs.size > 1 else 0
    present = diag_ratio > 3 and decay > 1.5 and oscillations >= 2
    return {"diag_ratio": diag_ratio, "decay": decay, "oscillations": oscillations, "present": bool(present)}


def _path_neighbourhoods(n: int, radius: int = 2) -> list[list[int]]:
    return [[j for j in range(max(0, i - radius), min(n, i + radius + 1)) if j != i] for i in range(n)]


def aggregation_matrices(n: int = 64, channels: int = 64, seed: int = 0) -> dict[str, np.ndarray]:
    """Node × channel outputs of S(λ, η=0) and P(q, η=0) on a path graph (neighbours within distance 2),
    for random non-negative messages; the only matrices Ex 2's aggregations produce."""
    rng = np.random.default_rng(seed)
    X = np.abs(rng.normal(size=(n, channels)))
    nbrs = _path_neighbourhoods(n)
    out = {}
    for name, fn in {
        "softmax λ=1": lambda m: float(np.sum(np.exp(m - m.max()) / np.sum(np.exp(m - m.max())) * m)),
        "softmax λ=0": lambda m: float(np.mean(m)),
        "power q=3": lambda m: float(np.mean(m ** 3) ** (1 / 3)),
        "power q=∞": lambda m: float(np.max(m)),
    }.items():
        A = np.empty((n, channels))
        for v in range(n):
            for c in range(channels):
                A[v, c] = fn(X[nbrs[v], c])
        out[name] = A
    return out


def aggregation_matrices_mp(n: int = 64, channels: int = 64, seed: int = 0) -> dict[str, np.ndarray]:
    """The two aggregation outputs of :func:`aggregation_matrices` at generic parameters (``softmax λ=1``,
    ``power q=3``), each entry computed in mpmath (30 digits) from the same float messages and rounded once
    to float64: the same matrices to the last bit on every machine (no libm/SIMD ``exp``/``pow``)."""
    import mpmath

    rng = np.random.default_rng(seed)
    X = np.abs(rng.normal(size=(n, channels)))
    nbrs = _path_neighbourhoods(n)
    S = np.empty((n, channels))
    P = np.empty((n, channels))
    with mpmath.workdps(30):
        for v in range(n):
            for c in range(channels):
                m = [mpmath.mpf(float(x)) for x in X[nbrs[v], c]]
                w = [mpmath.exp(x) for x in m]
                S[v, c] = float(mpmath.fsum(a * b for a, b in zip(w, m)) / mpmath.fsum(w))
                P[v, c] = float(mpmath.cbrt(mpmath.fsum(x ** 3 for x in m) / len(m)))
    return {"softmax λ=1": S, "power q=3": P}


def pattern_measures_mp(A) -> tuple:
    """:func:`diagonal_pattern`'s three measures (diag ratio, decay, oscillations) in mpmath at the working
    precision, from the exact entries of ``A`` (an mpmath matrix or an array of floats): deterministic."""
    import mpmath

    if isinstance(A, mpmath.matrix):
        n = A.rows
        a = [[A[i, j] for j in range(A.cols)] for i in range(n)]
    else:
        A = np.asarray(A, dtype=float)
        n = A.shape[0]
        a = [[mpmath.mpf(float(x)) for x in row] for row in A]
    if n < 16 or any(len(r) != n for r in a):
        raise ValueError("the pattern measures need a square matrix of size >= 16")
    diag = mpmath.fsum(a[i][i] for i in range(n)) / n
    off = mpmath.fsum(abs(a[i][j]) for i in range(n) for j in range(n) if i != j) / (n * n - n)
    ratio = diag / off
    profile = [mpmath.fsum(a[i][i + k] for i in range(n - k)) / (n - k) for k in range(n)]
    near_ks = range(1, max(2, n // 8) + 1)
    far_ks = range(n // 2, 3 * n // 4)
    near = mpmath.fsum(abs(profile[k]) for k in near_ks) / len(near_ks)
    far = mpmath.fsum(abs(profile[k]) for k in far_ks) / len(far_ks)
    decay = near / far
    seg = profile[1: n // 2 + 1]
    V = mpmath.matrix([[mpmath.mpf(k) ** 2, k, 1] for k in range(len(seg))])
    y = mpmath.matrix(seg)
    coef = mpmath.lu_solve(V.T * V, V.T * y)
    resid = [seg[k] - (coef[0] * k * k + coef[1] * k + coef[2]) for k in range(len(seg))]
    tol = mpmath.mpf(10) ** -9 * max(mpmath.mpf(1), max(abs(x) for x in seg))
    signs = [1 if r > 0 else -1 for r in resid if abs(r) > tol]
    osc = sum(1 for s0, s1 in zip(signs, signs[1:]) if s0 != s1)
    return ratio, decay, mpmath.mpf(osc)


def pattern_measures_arb(A) -> tuple:
    """The diag ratio and the decay of :func:`pattern_measures_mp` as arb balls (``A`` an ``arb_mat`` of the
    exact entries): enclosures, for certified verdicts."""
    import flint

    n = A.nrows()

    def total(xs):
        out = flint.arb(0)
        for x in xs:
            out += x
        return out

    diag = total(A[i, i] for i in range(n)) / n
    off = total(abs(A[i, j]) for i in range(n) for j in range(n) if i != j) / (n * n - n)
    profile = [total(A[i, i + k] for i in range(n - k)) / (n - k) for k in range(n)]
    near_ks = range(1, max(2, n // 8) + 1)
    far_ks = range(n // 2, 3 * n // 4)
    near = total(abs(profile[k]) for k in near_ks) / len(near_ks)
    far = total(abs(profile[k]) for k in far_ks) / len(far_ks)
    return diag / off, near / far


def seed_score_matrices(seed: int = 0) -> dict[str, np.ndarray]:
    """The seed's Ex 1c matrices (``E = get_E(64, 256)``, ``X ~ N(0, std(E))`` with a fixed seed)."""
    E = seed_get_E(64, 256)
    X = np.random.default_rng(seed).normal(0.0, np.std(E), size=(256, 64))
    return {"KᵀQ cat": seed_get_score(E, X, "cat"), "KᵀQ add": seed_get_score(E, X, "add")}
