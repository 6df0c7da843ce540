r"""Claims ``pe.gram.*`` (seed Ex 1b): the structure of :math:`G = E^\top E` and the heatmap observation.

* ``toeplitz_plus_hankel``: for any rows :math:`E_{ri} = \sin(i\omega_r + \varphi_r)`,
  :math:`G_{ij} = T(i-j) + H(i+j)` (product to sum).
* ``toeplitz``: rows in sine/cosine pairs; the cosine row of pair ``t`` has the frequency :math:`\lambda\omega_t`
  (``λ = 1``: the seed's formula and the Transformer share one frequency per pair; the seed's code ``get_E`` has
  :math:`\lambda = \nu_{2t-1}/\nu_{2t} = 10^{8/5000}`), plus ``q`` unpaired sine rows (``q = 1``: odd ``p``).
  Toeplitz with diagonal ``p/2`` exactly when ``λ = 1`` and ``q = 0``.
* ``observation``: the seed's "strong diagonal, decreasing and oscillating" as three relations between computed
  quantities of the heatmap and threshold symbols, recorded ``holds_if`` the thresholds lie on the right side of the
  computed flip points.
"""

from __future__ import annotations

import flint
import mpmath
import numpy as np
import sympy as sp

from verify.core.claim import Claim, Evidence, Mutant, Outcome, Prop, Step
from verify.core.evaluate import CannotEvaluate, evaluate
from verify.core.numeric import at_points, counterexample, fmt
from verify.core.statement import All, Rel
from verify.core.symbolic import is_zero

from .. import general_proofs as pg
from ..checks import sum_identity
from ..encoding import sinusoidal_encoding
from ..gram import encoding_gram
from ..scores import seed_get_E
from .kq_quantities import (Seq, condition_derivation, derivations, dom, envr, heatmap_criterion, np_eval, nsign,
                            relabel, render_chains, threshold_sweep)

__all__ = ["CLAIMS", "heatmap_criterion"]

p = pg.p
i, j = sp.symbols("i j", integer=True)
r, t = sp.symbols("r t", integer=True, positive=True)
m = sp.Symbol("m", integer=True, positive=True)
q = sp.Symbol("q", integer=True, nonnegative=True)
lam = sp.Symbol("lambda", positive=True)
w, ph = sp.IndexedBase("omega"), sp.IndexedBase("varphi")

SEED_N, SEED_P = 64, 256


# --- per-instance frequencies and phases (exact SymPy values, evaluated as arb balls) ----------------------------
def _code_freq(k):  # get_E: row k (1-based) has nu_k = exp(-2 k log(10^4) / 5000)
    return (-2 * k * flint.arb(10000).log() / 5000).exp()


def _half_pi(on: bool):
    return flint.arb.pi() / 2 if on else flint.arb(0)


CODE_W = Seq(_code_freq, "get_E frequencies nu_r")
CODE_PHI = Seq(lambda k: _half_pi(k % 2 == 1), "get_E phases (cos on odd r)")
RAT_W = Seq(lambda k: flint.arb(k) / 3, "omega_r = r/3")
RAT_PHI = Seq(lambda k: flint.arb(k) / 7, "varphi_r = r/7")


def _power_10000(num: int, den: int):  # 10000^(num/den)
    return (flint.arb(10000).log() * num / den).exp()


def _transformer_w(pp):  # rows r = 1..p (1-based): frequency index (r - 1) // 2, base^(-2k/p)
    return Seq(lambda k: _power_10000(-2 * ((k - 1) // 2), pp), f"Transformer p={pp} frequencies")


TR_PHI = Seq(lambda k: _half_pi(k % 2 == 0), "Transformer phases (cos on even r)")

# ===== toeplitz_plus_hankel ======================================================================================
G_DEF = sp.Sum(sp.sin(i * w[r] + ph[r]) * sp.sin(j * w[r] + ph[r]), (r, 1, p))
T_PART = sp.Sum(sp.cos((i - j) * w[r]), (r, 1, p)) / 2
H_PART = -sp.Sum(sp.cos((i + j) * w[r] + 2 * ph[r]), (r, 1, p)) / 2

_TPH_STEPS = (
    Step(None, sp.Sum((sp.cos((i - j) * w[r]) - sp.cos((i + j) * w[r] + 2 * ph[r])) / 2, (r, 1, p)),
         why="product to sum in every row: sin a sin b = (cos(a − b) − cos(a + b))/2", check=sum_identity),
    Step(None, T_PART + H_PART, why="split the sum: T(i − j) + H(i + j)", check=sum_identity),
)

_TPH_POINTS = [
    {i: 2, j: 7, p: 5, "omega": RAT_W, "varphi": RAT_PHI},
    {i: 1, j: SEED_N, p: 8, "omega": CODE_W, "varphi": CODE_PHI},   # get_E(64, 8): the code's rows, p = 8
    {i: 0, j: 3, p: 5, "omega": _transformer_w(5), "varphi": TR_PHI},
]

#: entries (1-based) of the seed's 64 x 64 Gram at which the float kernels are compared with the statement
_ENTRIES = ((1, 1), (1, 2), (1, 64), (17, 40), (32, 33), (63, 64), (64, 64))


def _gram_kernels(dtype) -> Evidence:
    """numpy evidence: the seed's Gram in ``dtype`` by the project's closed form (``encoding_gram``) against the
    statement's right side, and by the matmul ``E.T @ E`` against its left side, both sides evaluated from the
    statement (mpmath, 30 digits, :func:`np_eval`) at the seed's ``get_E(64, 256)``; error in units of
    ``eps * p``."""
    name = np.dtype(dtype).name

    def run(prop: Prop) -> Outcome:
        from .kq_quantities import rel_parts

        (part,) = rel_parts(prop)
        if part.rel != "==":
            return Outcome("undecided", f"this evidence compares the two sides for equality; the statement says "
                                        f"'{part.rel}'")
        eps = float(np.finfo(dtype).eps)
        Gc = encoding_gram(SEED_N, SEED_P, convention="seed-code", dtype=dtype).astype(np.float64)
        Ed = sinusoidal_encoding(SEED_N, SEED_P, convention="seed-code", dtype=dtype)
        Gm = (Ed.T @ Ed).astype(np.float64)
        rows = np.array([a for a, _ in _ENTRIES])
        cols = np.array([b for _, b in _ENTRIES])
        inst = {p: SEED_P, "omega": CODE_W, "varphi": CODE_PHI}
        with mpmath.workdps(30):  # the statement's sides on the grid rows x cols; the entries are its diagonal
            lhs = np_eval(part.lhs, inst, {i: rows, j: cols}, backend="mp").diagonal()
            rhs = np_eval(part.rhs, inst, {i: rows, j: cols}, backend="mp").diagonal()
            unit = mpmath.mpf(eps) * SEED_P
            worst_c = float(max(abs(mpmath.mpf(Gc[a - 1, b - 1]) - v) for (a, b), v in zip(_ENTRIES, rhs)) / unit)
            worst_m = float(max(abs(mpmath.mpf(Gm[a - 1, b - 1]) - v) for (a, b), v in zip(_ENTRIES, lhs)) / unit)
        ok = worst_c <= 4 and worst_m <= 8
        fig = (f"get_E(64, 256), {len(_ENTRIES)} entries: closed form vs right side {fmt(worst_c)} eps·p (bound 4), "
               f"E^T E vs left side {fmt(worst_m)} eps·p (bound 8)")
        return Outcome("holds" if ok else "refuted", fig, data={"closed_eps_p": worst_c, "matmul_eps_p": worst_m})

    return Evidence("numpy", run, label=name, budget=20,
                    description="float kernels (closed form, matmul) against the statement's two sides")


TOEPLITZ_PLUS_HANKEL = Claim(
    id="pe.gram.toeplitz_plus_hankel", source="Ex 1b (structure of E^T E)",
    title="E^T E is Toeplitz plus Hankel for every sinusoidal encoding",
    display=r"(E^\top E)_{ij} = T(i-j) + H(i+j),\ T(d) = \tfrac12\sum_r \cos(d\,\omega_r),\ "
            r"H(s) = -\tfrac12\sum_r \cos(s\,\omega_r + 2\varphi_r)",
    statement=Rel(G_DEF, T_PART + H_PART),
    recorded="holds", assumptions=(r"E_{ri} = \sin(i\,\omega_r + \varphi_r),\ r = 1..p",),
    derivation=_TPH_STEPS,
    evidence=[
        derivations([_TPH_STEPS], budget=20),
        at_points(_TPH_POINTS, label="points", budget=20,
                  description="the statement at rational frequencies and phases, at the rows of the seed's get_E "
                              "(p = 8, entry (1, 64)) and a Transformer with p = 5"),
        _gram_kernels(np.float32),
        _gram_kernels(np.float64),
    ],
    mutants=(
        Mutant("hankel_sign", statement=Rel(G_DEF, T_PART - H_PART), why="sign of the Hankel part"),
        Mutant("phase_once", statement=Rel(G_DEF, T_PART - sp.Sum(sp.cos((i + j) * w[r] + ph[r]), (r, 1, p)) / 2),
               why="the phase counted once: cos(sω + φ) instead of cos(sω + 2φ)"),
    ),
    depth="general", depth_note="for symbolic p, i, j and arbitrary frequencies and phases",
    note=r"\texttt{encoding\_gram} evaluates $T$ at $n$ and $H$ at $2n-1$ points in $O(np)$ and fills "
         r"$n^2$ entries; numpy evidence: it and the matmul against the statement's two sides, in units of "
         r"$\varepsilon p$.",
)

# ===== toeplitz ===================================================================================================
G_PAIR = (sp.Sum(sp.sin(i * w[t]) * sp.sin(j * w[t]) + sp.cos(i * lam * w[t]) * sp.cos(j * lam * w[t]), (t, 1, m))
          + q * sp.sin(i * w[m + 1]) * sp.sin(j * w[m + 1]))
TOEP = sp.Sum(sp.cos((i - j) * w[t]), (t, 1, m)) + q * sp.cos((i - j) * w[m + 1]) / 2
TOEPLITZ_STATEMENT = All(Rel(G_PAIR, TOEP), Rel(G_PAIR.subs(j, i), (2 * m + q) / sp.Integer(2)))
PAIRED = sp.And(sp.Eq(lam, 1), sp.Eq(q, 0))


def _termwise(lhs, rhs):
    """``Step.check``: two sums over the same range whose summands are equal (SymPy ``is_zero``)."""
    if not (isinstance(lhs, sp.Sum) and isinstance(rhs, sp.Sum)) or lhs.limits != rhs.limits:
        return None, "not two sums over the same range"
    z = is_zero(lhs.function - rhs.function)
    return (True, "summands equal (trigonometric identity)") if z else (z, "summands not shown equal")


_PAIR_STEPS = (
    Step(None, sp.Sum(sp.cos((i - j) * w[t]), (t, 1, m)),
         why="one pair: sin(iω) sin(jω) + cos(iω) cos(jω) = cos((i − j)ω)", check=_termwise),
)
_DIAG_STEPS = (
    Step(None, sp.Sum(sp.Integer(1), (t, 1, m)), why="sin² + cos² = 1 in every pair", check=_termwise),
    Step(None, m, why="m pairs"),
)


def _formula_w(k):  # seed formula: pair t = k + 1 shares omega_k = exp(-2k log(10^4)/5000), k = 0..m-1
    return (-2 * (k - 1) * flint.arb(10000).log() / 5000).exp()


FORMULA_W = Seq(_formula_w, "seed formula omega_t")
PAIR_W_CODE = Seq(lambda tt: _code_freq(2 * tt), "get_E sine rows nu_2t")  # cos row of pair t: nu_{2t-1} = lam nu_2t
TR_W = {pp: Seq(lambda tt, _p=pp: _power_10000(-2 * (tt - 1), _p), f"Transformer p={pp}") for pp in (3, 5, 6)}
LAM_CODE = sp.Integer(10) ** sp.Rational(8, 5000)


def _lam_value():
    from .kq_quantities import _arb_prec

    with _arb_prec(700):
        return evaluate(LAM_CODE, {}, "arb")


_PAIR_POINTS = [
    {i: 1, j: SEED_N, m: 128, q: 0, lam: 1, "omega": FORMULA_W},     # seed formula, p = 256
    {i: 0, j: 5, m: 3, q: 0, lam: 1, "omega": TR_W[6]},              # Transformer, p = 6
    {i: 2, j: 7, m: 3, q: 0, lam: 1, "omega": RAT_W},                # rational frequencies
    # excluded by the condition (they are the counterexamples without it):
    {i: 1, j: 1, m: 128, q: 0, lam: None, "omega": PAIR_W_CODE},     # get_E: lambda = 10^(8/5000)
    {i: 0, j: 0, m: 2, q: 1, lam: 1, "omega": TR_W[5]},              # Transformer, odd p = 5
]


def _points():
    lv = _lam_value()
    return [{k: (lv if (k is lam and v is None) else v) for k, v in pt.items()} for pt in _PAIR_POINTS]


def _cex_code() -> Evidence:
    ev = counterexample({i: 1, j: 1, m: 128, q: 0, lam: _lam_value(), "omega": PAIR_W_CODE}, label="seed-code",
                        budget=20)
    return relabel(ev, lambda o: ("get_E rows, p = 256 (λ = 10^(8/5000)), G_11: "
                                  + o.figure.split(": ", 1)[-1].replace("fails at", "").strip()))


TOEPLITZ = Claim(
    id="pe.gram.toeplitz", source="Ex 1b (structure of E^T E)",
    title="E^T E depends only on i - j, with diagonal p/2",
    display=r"(E^\top E)_{ij} = \sum_{k=0}^{p/2-1}\cos((i-j)\,\omega_k),\ (E^\top E)_{ii} = p/2",
    statement=TOEPLITZ_STATEMENT,
    condition=PAIRED,
    recorded="holds_if",
    assumptions=(r"p = 2m + q \text{ rows: pairs } (\sin(i\omega_t), \cos(i\lambda\omega_t)),\ t = 1..m,"
                 r"\ \text{and } q \text{ unpaired rows } \sin(i\omega_{m+1})",),
    reading="The condition 'sine and cosine rows in pairs sharing ω_k (seed formula, Transformer; p even)' is "
            "λ = 1 and q = 0. The seed's code has λ = nu_(2t−1)/nu_(2t) = 10^(8/5000) (its instance value is an "
            "arb ball of 700 bits around it).",
    derivation=render_chains(TOEPLITZ_STATEMENT, [_PAIR_STEPS, _DIAG_STEPS], {lam: 1, q: 0}),
    evidence=[
        condition_derivation([_PAIR_STEPS, _DIAG_STEPS], budget=20),
        at_points(_points(), label="points", about="condition", budget=30,
                  description="the statement at the seed's formula (p = 256), a Transformer (p = 6) and rational "
                              "frequencies; the instances outside the condition (get_E, odd p) are skipped"),
        _cex_code(),
        counterexample({i: 0, j: 0, m: 1, q: 1, lam: 1, "omega": TR_W[3]}, label="odd-p", budget=20),
    ],
    mutants=(
        Mutant("lambda_only", condition=sp.Eq(lam, 1), why="shared frequencies without p even (q = 0 dropped)"),
        Mutant("drop", condition=None, why="the condition dropped: Toeplitz for every sinusoidal encoding"),
    ),
    depth="general", depth_note="for symbolic m, i, j and arbitrary frequencies under λ = 1, q = 0",
    note=r"For the seed's code (no shared frequencies) the Hankel part $H(i+j)$ survives: the diagonal runs "
         r"from about 127.5 to 128.5 instead of 128, and the matrix is not Toeplitz.",
)

# ===== observation ================================================================================================
s_, delta, c_ = sp.Symbol("s", nonnegative=True), sp.Symbol("delta", nonnegative=True), sp.Symbol("c", integer=True,
                                                                                              nonnegative=True)
_DOM, _ENV, _NS = dom(SEED_N, SEED_P), envr(SEED_N, SEED_P), nsign(SEED_N, SEED_P)
OBS_STATEMENT = All(Rel(_DOM, s_, ">="), Rel(_ENV, delta, "<="), Rel(_NS, c_, ">="))
OBS_CONDITION = sp.And(s_ <= _DOM, delta >= _ENV, c_ <= _NS)
#: the natural reading of the seed's words (strong: the diagonal above every off-diagonal entry; decreasing: the
#: envelope halves by n/4; oscillating: at least 3 sign changes)
READING = {s_: 1, delta: "0.5", c_: 3}
BRACKETS = {s_: (0, 4), delta: (0, 1), c_: (0, SEED_N - 2)}

_CRIT_CACHE: dict = {}


def _float_lhs(part, inst):
    """The left side of a criterion part from the seed's own float64 cell ``E.T @ E``."""
    qn = type(part.lhs).__name__
    if qn not in ("dom", "envr", "nsign"):
        raise CannotEvaluate(f"no float counterpart of {qn}")
    nn, pp = (int(a) for a in part.lhs.args)
    if (nn, pp) not in _CRIT_CACHE:
        E = seed_get_E(nn, pp)
        _CRIT_CACHE[(nn, pp)] = heatmap_criterion(E.T @ E)
    return mpmath.mpf(_CRIT_CACHE[(nn, pp)][qn])


OBSERVATION = Claim(
    id="pe.gram.observation", source="Ex 1b observation (heatmap of E^T E)",
    title="Strong diagonal, decreasing and oscillating away from it",
    display=r"\text{``strong score along the diagonal and decreasing, oscillating strengths away from it''}",
    statement=OBS_STATEMENT,
    condition=OBS_CONDITION,
    recorded="holds_if",
    assumptions=(r"G = E^\top E,\ E = \texttt{get\_E}(64, 256)", r"e(d) = \max_{|i-j|\ge d}|G_{ij}|"),
    reading="The observation is three relations with thresholds: strong diagonal min G_ii / max_{i≠j}|G_ij| ≥ s, "
            "decreasing e(n/4)/e(1) ≤ δ, oscillating ≥ c sign changes of G_{1,1+d}. It holds exactly for thresholds "
            "on the right side of the computed flip points; the natural reading s = 1, δ = 1/2, c = 3 is among them, "
            "a strict reading s = 2 (diagonal twice every off-diagonal entry) is not.",
    evidence=[
        threshold_sweep(READING, BRACKETS, what="exact G", budget=30),
        threshold_sweep(READING, BRACKETS, kind="numpy", label="float64", lhs_value=_float_lhs, tol_digits=9,
                        what="the seed's float64 cell", budget=30,
                        description="the same sweep with the criterion of the seed's float64 matrix E.T @ E"),
        counterexample({s_: 2, delta: "0.5", c_: 3}, label="s=2", budget=30),
    ],
    mutants=(
        Mutant("delta_half", condition=sp.And(s_ <= _DOM, delta >= _ENV / 2, c_ <= _NS),
               why="the decrease threshold allowed down to half the computed envelope ratio"),
        Mutant("drop", condition=None, why="the condition dropped: the observation for every threshold"),
    ),
    depth="numeric", depth_note="the criterion of the exact G in arb balls; flip points by bisection",
    note=r"The decrease is not monotone: $|G_{i,i+d}|$ is about 101 at $d=1$, 34 at $d=2$ and 85 at $d=5$ "
         r"(the frequencies $0.39 \le \omega \le 1$ beat); the envelope falls to about $1/6$ of $e(1)$ by "
         r"$d = 16$.",
)

CLAIMS = [TOEPLITZ_PLUS_HANKEL, TOEPLITZ, OBSERVATION]
