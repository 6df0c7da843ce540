r"""Quantities and statement-bound evidence builders for the claims ``pe.gram.*`` and ``pe.kq.*`` (Ex 1b, 1c).

Quantities (:func:`verify.core.statement.quantity`), all of the seed's exact encoding ``E = get_E(n, p)``
(``E_{ki} = \sin(i\nu_k)`` for even, ``\cos(i\nu_k)`` for odd 1-based rows ``k``, ``\nu_k = e^{-2k\log(10^4)/5000}``),
computed in arb balls (python-flint) at a precision above the working precision, never from numpy:

``rho(n, p)``
    :math:`\bar\rho = (\mathbb{E}\|C\|_F^2 / \mathbb{E}\|S_{cat}\|_F^2)^{1/2}` for ``X`` iid ``N(0, σ²)``,
    ``σ² = var(E)`` (``np.std(E)**2``: the population variance of the entries), from the closed forms
    proved in ``pe.kq.cross_energy`` and ``pe.kq.scaling``.
``dom(n, p)``, ``envr(n, p)``, ``nsign(n, p)``
    The heatmap criterion of ``G = EᵀE``: diagonal dominance ``min_i G_ii / max_{i≠j}|G_ij|``, envelope
    ratio ``e(n // 4)/e(1)`` with ``e(d) = max_{|i−j|≥d}|G_ij|``, and the number of sign changes of the first
    row ``G_{1,1+d}``, ``d = 1..n−1`` (exact: every sign is certified by its ball).

Evidence builders (each ``run(prop)`` reads the proposition it is given, so a mutant runs through it):

:func:`threshold_sweep`
    For a judgement written as relations in threshold symbols: where the statement flips in each threshold
    (bisection), where the condition's boundary lies, and the statement at the condition's extreme admissible
    thresholds (arb-certified when it fails there).
:func:`exact_sizes`
    The statement (expectations of polynomials in Gaussian ``x[k, i]``) exactly at fixed small sizes.
:func:`mc_expectations`
    Monte Carlo of every ``E[·]`` of the statement (numpy kernels matched to the statement's own bodies at a
    probe), against the rest of the statement evaluated from the statement at the instance.
:func:`derivations`, :func:`condition_derivation`
    One chain per part of the statement (core :func:`~verify.core.symbolic.prove`; a verified chain that ends
    provably elsewhere than the claimed right side refutes), after substituting the condition's equalities
    (``λ = 1``, ``q = 0``) for the latter.

Helpers: :class:`Seq` / :class:`Table` (per-instance values of an ``IndexedBase``), :func:`np_eval` (a statement's
expression over arrays: float64 for Monte Carlo, mpmath object arrays as a fast high-precision reference),
:func:`render_chains` (several chains as one derivation for the report), :func:`heatmap_criterion` (the float
criterion of a matrix).
"""

from __future__ import annotations

import contextlib
import io
import itertools
import random
from typing import Any, Callable, Sequence

import flint
import mpmath
import numpy as np
import sympy as sp

from verify.core.claim import Evidence, Outcome, Prop
from verify.core.evaluate import CannotEvaluate, evaluate
from verify.core.numeric import certify_violation, fmt
from verify.core.statement import Rel, Statement, quantity, satisfies
from verify.core.symbolic import prove

from ..checks import Expect, gaussian_expectation
from ..scores import seed_get_E, seed_get_score

# ===== exact encoding of the seed's get_E, in arb ===============================================================
_ENC_CACHE: dict = {}


def _work_prec() -> int:
    """Bits for an arb computation that must serve the current mpmath precision and the current arb context."""
    return max(int(flint.ctx.prec), int(mpmath.mp.prec)) + 64


@contextlib.contextmanager
def _arb_prec(bits: int):
    old = flint.ctx.prec
    flint.ctx.prec = bits
    try:
        yield
    finally:
        flint.ctx.prec = old


def seed_code_arb(n: int, p: int, bits: int | None = None) -> tuple[Any, Any]:
    """``(E, G)`` as ``flint.arb_mat`` for ``E = get_E(n, p)`` (exact formula of the seed's code) and ``G = EᵀE``."""
    bits = bits or _work_prec()
    key = (n, p, bits)
    if key not in _ENC_CACHE:
        with _arb_prec(bits):
            lg = flint.arb(10000).log()
            rows = []
            for kk in range(1, p + 1):
                nu = (-2 * kk * lg / 5000).exp()
                f = (lambda a: a.sin()) if kk % 2 == 0 else (lambda a: a.cos())
                rows.append([f(flint.arb(ii) * nu) for ii in range(1, n + 1)])
            E = flint.arb_mat(rows)
            G = E.transpose() * E
        _ENC_CACHE[key] = (E, G)
    return _ENC_CACHE[key]


def _to_mp(x: Any) -> Any:
    return mpmath.mpf(x.mid().str(mpmath.mp.dps + 10, radius=False))


def _amax(vals: Sequence[Any]) -> Any:
    out = vals[0]
    for v in vals[1:]:
        out = out.max(v)
    return out


def _amin(vals: Sequence[Any]) -> Any:
    out = vals[0]
    for v in vals[1:]:
        out = out.min(v)
    return out


def _ints(*args: Any) -> list[int]:
    return [int(a) if not isinstance(a, flint.arb) else int(a.unique_fmpz()) for a in args]


# --- rho ------------------------------------------------------------------------------------------------------
_Q_CACHE: dict = {}


def _rho_arb(n: Any, p: Any) -> Any:
    n, p = _ints(n, p)
    key = ("rho", n, p, _work_prec())
    if key not in _Q_CACHE:
        _Q_CACHE[key] = _rho_arb_uncached(n, p)
    return _Q_CACHE[key]


def _rho_arb_uncached(n: int, p: int) -> Any:
    E, G = seed_code_arb(n, p)
    with _arb_prec(_work_prec()):
        N = n * p
        ent = [E[a, b] for a in range(p) for b in range(n)]
        mean = sum(ent, flint.arb(0)) / N
        s2 = sum((v * v for v in ent), flint.arb(0)) / N - mean * mean  # np.std(E)**2 (ddof = 0)
        tr = sum((G[a, a] for a in range(n)), flint.arb(0))
        g2 = sum((G[a, b] * G[a, b] for a in range(n) for b in range(n)), flint.arb(0))
        ec = 2 * s2 * (n + 1) * tr
        es = g2 + 2 * p * s2 * tr + n * p * s2 * s2 * (n + p + 1)
        return (ec / es).sqrt()


def _rho_mp(n: Any, p: Any) -> Any:
    return _to_mp(_rho_arb(n, p))


rho = quantity("rho", _rho_mp, arb=_rho_arb, latex=r"\bar\rho_{{{0},{1}}}", nargs=2, positive=True)


# --- the heatmap criterion of G = E^T E ----------------------------------------------------------------------
def _criterion_arb(n: int, p: int) -> dict:
    key = ("criterion", n, p, _work_prec())
    if key not in _Q_CACHE:
        _Q_CACHE[key] = _criterion_arb_uncached(n, p)
    return _Q_CACHE[key]


def _criterion_arb_uncached(n: int, p: int) -> dict:
    _, G = seed_code_arb(n, p)
    with _arb_prec(_work_prec()):
        diag_min = _amin([G[a, a] for a in range(n)])
        off = [abs(G[a, b]) for a in range(n) for b in range(n) if a != b]

        def env(d: int) -> Any:
            return _amax([abs(G[a, b]) for a in range(n) for b in range(n) if abs(a - b) >= d])

        signs = []
        for d in range(1, n):
            v = G[0, d]
            if v.contains(0):
                raise CannotEvaluate(f"the sign of G[1,{d + 1}] is not certain at this precision")
            signs.append(1 if v > 0 else -1)
        changes = sum(1 for a, b in zip(signs, signs[1:]) if a != b)
        return {"dom": diag_min / _amax(off), "envr": env(max(n // 4, 1)) / env(1), "nsign": flint.arb(changes)}


def _crit(name: str) -> tuple[Callable, Callable]:
    def arb_impl(n: Any, p: Any) -> Any:
        return _criterion_arb(*_ints(n, p))[name]

    def mp_impl(n: Any, p: Any) -> Any:
        return _to_mp(arb_impl(n, p))

    return mp_impl, arb_impl


dom = quantity("dom", _crit("dom")[0], arb=_crit("dom")[1], nargs=2, positive=True,
               latex=r"\frac{{\min_i G_{{ii}}}}{{\max_{{i\neq j}}|G_{{ij}}|}}\Big|_{{{0},{1}}}")
envr = quantity("envr", _crit("envr")[0], arb=_crit("envr")[1], nargs=2, positive=True,
                latex=r"\frac{{e(n/4)}}{{e(1)}}\Big|_{{{0},{1}}}")
nsign = quantity("nsign", _crit("nsign")[0], arb=_crit("nsign")[1], nargs=2, nonnegative=True, integer=True,
                 latex=r"\#\{{d: \operatorname{{sgn}} G_{{1,1+d}} \neq \operatorname{{sgn}} G_{{1,2+d}}\}}_{{{0},{1}}}")


def heatmap_criterion(G: np.ndarray) -> dict:
    """The heatmap criterion of a float matrix ``G`` (numpy; the seed's cell ``E.T @ E``).

    ``dom = min_i G_ii / max_{i≠j}|G_ij|``, ``envr = e(n/4)/e(1)`` with ``e(d) = max_{|i-j|>=d}|G_ij|``,
    ``nsign`` = sign changes of ``G[0, 1:]``; ``S``, ``D``, ``O`` are the criterion at the reading
    ``dom > 1`` (strong diagonal), ``envr <= 1/2`` (decreasing), ``nsign >= 3`` (oscillating).
    """
    nn = G.shape[0]
    I, J = np.indices(G.shape)
    D = np.abs(I - J)
    off = float(np.abs(G)[D > 0].max())
    diag_min = float(G.diagonal().min())

    def env(d: int) -> float:
        return float(np.abs(G)[D >= d].max())

    e1, eq = env(1), env(max(nn // 4, 1))
    row = G[0, 1:]
    changes = int(np.sum(np.sign(row[1:]) != np.sign(row[:-1])))
    return {"diag_min": diag_min, "diag_max": float(G.diagonal().max()), "offdiag_max": off, "e1": e1,
            "e_quarter": eq, "sign_changes": changes, "dom": diag_min / off, "envr": eq / e1, "nsign": changes,
            "S": diag_min > off, "D": eq <= e1 / 2, "O": changes >= 3}


# ===== helpers ==================================================================================================
class Seq:
    """A per-instance sequence for an ``IndexedBase`` (``omega[r]``): callable, with a deterministic ``str``.

    ``fn(*idx)`` returns a python-flint ``arb`` computed in the current arb context; it is called at a precision
    above the working precision (so one value serves the mpmath ladder and an arb certificate) and cached.
    """

    def __init__(self, fn: Callable[..., Any], text: str):
        self.fn, self.text = fn, text
        self._cache: dict = {}

    def __call__(self, *idx: int) -> Any:
        bits = _work_prec()
        key = (idx, bits)
        if key not in self._cache:
            with _arb_prec(bits):
                v = self.fn(*idx)
                self._cache[key] = v if isinstance(v, flint.arb) else flint.arb(v)
        return self._cache[key]

    def __str__(self) -> str:
        return self.text

    __repr__ = __str__


class Table:
    """A per-instance array for an ``IndexedBase`` (1-based indices), with a deterministic ``str``."""

    def __init__(self, arr: np.ndarray, text: str):
        self.arr, self.text = np.asarray(arr), text

    def __call__(self, *idx: int) -> float:
        return float(self.arr[tuple(int(t) - 1 for t in idx)])

    def __str__(self) -> str:
        return self.text

    __repr__ = __str__


def rel_parts(prop: Prop) -> list:
    st = prop.statement
    if not isinstance(st, Statement):
        raise TypeError("this evidence needs a SymPy statement")
    return [q for q in st.parts() if isinstance(q, Rel)]


def part_truth(part: Rel, inst: dict, dps: int = 50, tol_digits: int | None = None,
               lhs_value: Callable | None = None) -> tuple[bool, Any, Any]:
    """Whether ``part`` holds at ``inst`` (the at_points rule: equalities to ``10^-(dps-10)`` relative, strict
    inequalities with that margin); returns ``(ok, lhs, rhs)``.  ``lhs_value(part, inst)`` may replace the
    left side's value (a float implementation); ``tol_digits`` then sets a looser tolerance."""
    with mpmath.workdps(dps):
        a = lhs_value(part, inst) if lhs_value is not None else evaluate(part.lhs, inst)
        b = evaluate(part.rhs, inst)
        a, b = mpmath.mpmathify(a), mpmath.mpmathify(b)
        scale = max(abs(a), abs(b), mpmath.mpf(1))
        v = {"==": abs(a - b), "<=": a - b, "<": a - b, ">=": b - a, ">": b - a}[part.rel] / scale
        tol = mpmath.mpf(10) ** (-(tol_digits if tol_digits is not None else dps - 10))
        bad = (v >= -tol) if part.rel in ("<", ">") else (v > tol)
        return (not bad), a, b


def _short(v: Any, digits: int = 6) -> str:
    return fmt(v, digits)


def _decimal_inside(x: Any, ok: Callable[[Any], bool], toward: Any, digits: int = 30) -> str:
    """A short decimal string near ``x`` for which ``ok`` holds, moving towards ``toward`` if needed."""
    with mpmath.workdps(60):
        x, toward = mpmath.mpf(x), mpmath.mpf(toward)
        step = max(abs(x), mpmath.mpf(1)) * mpmath.mpf(10) ** (-(digits - 2))
        sgn = 1 if toward > x else -1
        for t in range(50):
            s = mpmath.nstr(x + sgn * t * step, digits, strip_zeros=True, min_fixed=-100, max_fixed=100)
            if ok(s):
                return s
    raise CannotEvaluate("no admissible decimal near the boundary")


def _bisect(pred: Callable[[Any], bool], lo: Any, hi: Any, integer: bool, iters: int = 110) -> tuple[Any, Any]:
    """``pred(lo) != pred(hi)``: points ``a`` (pred = pred(lo)) and ``b`` (pred = pred(hi)), ``|a - b|`` tiny."""
    a_val = pred(lo)
    if integer:
        a, b = int(lo), int(hi)
        while b - a > 1:
            mid = (a + b) // 2
            if pred(mid) == a_val:
                a = mid
            else:
                b = mid
        return a, b
    with mpmath.workdps(50):
        a, b = mpmath.mpf(lo), mpmath.mpf(hi)
        for _ in range(iters):
            mid = (a + b) / 2
            if pred(mid) == a_val:
                a = mid
            else:
                b = mid
        return a, b


# ===== threshold sweep ===========================================================================================
def threshold_sweep(reading: dict, brackets: dict, label: str = "", budget: float = 30.0, kind: str = "mpmath",
                    lhs_value: Callable | None = None, tol_digits: int | None = None, what: str = "",
                    description: str = "") -> Evidence:
    """Evidence about the condition of a judgement ``holds_if`` claim whose statement's relations compare
    computed quantities with threshold symbols.

    For each threshold ``t`` (bracket ``(lo, hi)``; the other thresholds at ``reading``): the statement's flip
    point in ``t`` (bisection on the statement's truth), the admissible range of ``t`` under the proposition's
    condition (bisection on the condition; the whole bracket when the condition is dropped), and the statement at
    the extreme admissible thresholds and at the reading when admissible.  ``holds`` when the statement holds at
    every tested threshold; ``refuted`` at the first admissible threshold where it fails (arb-certified).
    ``lhs_value`` replaces the left sides by an implementation's values (``kind="numpy"``), with ``tol_digits``.
    """

    def run(prop: Prop) -> Outcome:
        parts = rel_parts(prop)
        cond = prop.condition
        flips, tested, outside, data = [], [], [], {}

        def cond_ok(inst: dict) -> bool:
            try:
                return satisfies(cond, inst)
            except (CannotEvaluate, TypeError, ValueError):
                return False

        for t, (lo, hi) in brackets.items():
            integer = bool(t.is_integer)
            mine = [q for q in parts if t in q.free_symbols()]
            if not mine:
                continue

            def stmt_ok(v: Any, _t=t, _mine=mine) -> bool:
                inst = {**reading, _t: v}
                return all(part_truth(q, inst, lhs_value=lhs_value, tol_digits=tol_digits)[0] for q in _mine)

            def c_ok(v: Any, _t=t) -> bool:
                return cond_ok({**reading, _t: v})

            s_lo, s_hi = stmt_ok(lo), stmt_ok(hi)
            if s_lo != s_hi:
                a, b = _bisect(stmt_ok, lo, hi, integer)
                good = a if s_lo else b
                side = "≤" if s_lo else "≥"
                flips.append(f"{t} {side} {fmt(good, 6)}")  # where the verdict flips
                data[f"flip_{t}"] = fmt(good, 12)
            else:
                flips.append(f"{t}: {'holds' if s_lo else 'fails'} on all of [{fmt(lo)}, {fmt(hi)}]")
            c_lo, c_hi = c_ok(lo), c_ok(hi)
            points: list = []
            if c_lo and c_hi:
                points = [lo, hi]
            elif c_lo or c_hi:
                a, b = _bisect(c_ok, lo, hi, integer)
                inside = a if c_lo else b
                edge = inside if integer else _decimal_inside(inside, c_ok, lo if c_lo else hi)
                points = [lo, edge] if c_lo else [edge, hi]
                data[f"condition_{t}"] = f"{'≤' if c_lo else '≥'} {fmt(inside, 12)}"
            else:
                return Outcome("undecided", f"no admissible {t} in [{fmt(lo)}, {fmt(hi)}] under the condition")
            if len(points) == 2 and not integer:  # and one threshold inside
                with mpmath.workdps(50):
                    mid = (mpmath.mpf(points[0]) + mpmath.mpf(points[1])) / 2
                points.insert(1, _decimal_inside(mid, c_ok, points[1], digits=12))
            if t in reading:
                if c_ok(reading[t]):
                    points.append(reading[t])
                else:
                    outside.append(f"{t}={reading[t]}")
            for v in points:
                inst = {**reading, t: v}
                for k, q in enumerate(parts):
                    ok, a_, b_ = part_truth(q, inst, lhs_value=lhs_value, tol_digits=tol_digits)
                    if not ok:
                        where = ", ".join(f"{s}={fmt(x, 8) if not isinstance(x, str) else x}"
                                          for s, x in sorted(inst.items(), key=lambda kv: str(kv[0])))
                        fig = (f"fails at the admissible threshold {t}={fmt(v, 8)}: {_short(a_)} {q.rel} {_short(b_)} "
                               f"is false")
                        out = {"where": where, "part": k + 1, "flips": flips}
                        if lhs_value is None:
                            cert = certify_violation(q, inst)
                            out.update(certified=cert["certified"], enclosure=cert["text"])
                            fig += f"; arb: {cert['text']}"
                        return Outcome("refuted", fig, f"flip points: {'; '.join(flips)}", data=out)
                tested.append(f"{t}={fmt(v, 6)}")
        if not tested:  # no threshold of the statement was examined: no evidence either way
            return Outcome("undecided", "no threshold of the statement is among the bracketed ones")
        fig = (f"{what + ': ' if what else ''}the statement holds exactly for " + ", ".join(flips)
               + f"; under the condition it holds at {', '.join(tested)}"
               + (f" (the reading {', '.join(outside)} is outside the condition)" if outside else ""))
        data["tested"] = tested
        return Outcome("holds", fig, data=data)

    return Evidence(kind, run, label=label, about="condition", budget=budget,
                    description=description or "where the statement flips in each threshold, and the statement at "
                                               "the condition's extreme admissible thresholds")


def relabel(evidence: Evidence, figure: Callable[[Outcome], str]) -> Evidence:
    """The same evidence with a shorter figure (the certificate data is kept)."""
    import dataclasses

    def run(prop: Prop) -> Outcome:
        out = evidence.run(prop)
        return dataclasses.replace(out, figure=figure(out))

    return dataclasses.replace(evidence, run=run)


# ===== derivations, one chain per part ============================================================================
def prove_or_refute(part: Any, steps: Sequence[Any]) -> Outcome:
    """:func:`verify.core.symbolic.prove`, and when the chain is verified but ends elsewhere than the statement's
    right side: ``refuted`` if that end provably differs from the right side (the chain proves ``lhs == end``
    for every admissible value, and ``end != rhs`` somewhere, so ``lhs == rhs`` fails there)."""
    from verify.core.claim import Step as _Step
    from verify.core.symbolic import check_step

    out = prove(part, steps)
    if out.finding != "undecided" or not isinstance(part, Rel) or part.rel != "==":
        return out
    chain = [st for st in steps if not getattr(st, "lemma", False)]
    if not chain or any(not isinstance(st, _Step) for st in chain):
        return out
    end = chain[-1].rhs
    if prove(Rel(part.lhs, end), steps).finding != "holds":
        return out
    ok, why = check_step(_Step(end, part.rhs, "=="), end)
    if ok is False:
        return Outcome("refuted", f"the verified chain ends at {sp.sstr(end)[:70]}, which differs from the claimed "
                                  f"right side: {why[:160]}", out.detail, data={"chain_end": sp.sstr(end)[:200]})
    return out


def derivations(chains: Sequence[Sequence[Any]], label: str = "general", budget: float = 30.0,
                description: str = "") -> Evidence:
    """Symbolic evidence: chain ``k`` proves part ``k`` of the statement (every part needs its chain), each by
    :func:`prove_or_refute`; ``holds`` when every part is proved, ``refuted`` when one is disproved."""
    chains = [tuple(c) for c in chains]

    def run(prop: Prop) -> Outcome:
        parts = prop.statement.parts()
        if len(parts) != len(chains):
            return Outcome("undecided", f"{len(chains)} chains for {len(parts)} parts")
        outs = [prove_or_refute(q, c) for q, c in zip(parts, chains)]
        detail = "\n".join(f"part {k + 1}: {o.figure}\n{o.detail}" for k, o in enumerate(outs))
        for want in ("refuted", "undecided"):
            for k, o in enumerate(outs):
                if o.finding == want:
                    return Outcome(want, f"part {k + 1}: {o.figure}", detail, data=o.data)
        figs = [f"part {k + 1}: {o.figure}" for k, o in enumerate(outs)] if len(outs) > 1 else [outs[0].figure]
        return Outcome("holds", "; ".join(figs), detail)

    return Evidence("symbolic", run, label=label, budget=budget,
                    description=description or "a derivation per part, from its left side to its right side, each "
                                               "step checked exactly by SymPy")


def render_chains(statement: Any, chains: Sequence[Sequence[Any]], subs: dict | None = None) -> tuple:
    """The chains as one derivation for the report: each chain's first step shows its part's left side (after
    ``subs``), so chains for several parts do not read as one."""
    import dataclasses

    out: list = []
    for part, chain in zip(statement.parts(), chains):
        chain = list(chain)
        if chain and chain[0].lhs is None:
            chain[0] = dataclasses.replace(chain[0], lhs=part.lhs.subs(subs) if subs else part.lhs)
        out.extend(chain)
    return tuple(out)


# ===== derivation under the condition =============================================================================
def _equalities(cond: Any) -> dict:
    """``{symbol: value}`` for the ``Eq(symbol, number)`` conjuncts of a SymPy condition."""
    if cond is None or cond is sp.true:
        return {}
    conj = cond.args if isinstance(cond, sp.And) else (cond,)
    out = {}
    for c in conj:
        if isinstance(c, sp.Eq):
            a, b = c.lhs, c.rhs
            if isinstance(a, sp.Symbol) and b.is_number:
                out[a] = b
            elif isinstance(b, sp.Symbol) and a.is_number:
                out[b] = a
    return out


def condition_derivation(chains: Sequence[Sequence[Any]], label: str = "", budget: float = 30.0,
                         description: str = "") -> Evidence:
    """Symbolic evidence about the condition: chain ``k`` proves part ``k`` of the statement after the
    condition's equalities are substituted into it (with the condition dropped: the raw statement), each by
    :func:`prove_or_refute`."""
    chains = [tuple(c) for c in chains]

    def run(prop: Prop) -> Outcome:
        parts = prop.statement.parts()
        if len(parts) != len(chains):
            return Outcome("undecided", f"{len(chains)} chains for {len(parts)} parts")
        sub = _equalities(prop.condition)
        what = ", ".join(f"{k} = {v}" for k, v in sub.items()) or "no condition"
        outs = [prove_or_refute(q.subs(sub) if sub else q, c) for q, c in zip(parts, chains)]
        detail = "\n".join(f"part {k + 1}: {o.figure}\n{o.detail}" for k, o in enumerate(outs))
        for want in ("refuted", "undecided"):
            for k, o in enumerate(outs):
                if o.finding == want:
                    return Outcome(want, f"under {what}, part {k + 1}: {o.figure}", detail, data=o.data)
        return Outcome("holds", f"under {what}: " + "; ".join(f"part {k + 1}: {o.figure}" for k, o in enumerate(outs)),
                       detail)

    return Evidence("symbolic", run, label=label, about="condition", budget=budget,
                    description=description or "derivation of the statement with the condition's equalities "
                                               "substituted, each step checked exactly by SymPy")


# ===== exact expectations at fixed sizes ===========================================================================
def _expect_exactly(expr: Any, x: sp.IndexedBase, sig: Any) -> Any:
    def ev(e: Any) -> Any:
        arg = sp.expand(e.args[0])
        xs = sorted({a for a in arg.atoms(sp.Indexed) if a.base == x}, key=sp.default_sort_key)
        return gaussian_expectation(arg, xs, sig) if xs else arg

    return expr.replace(lambda e: isinstance(e, Expect), ev)


def exact_sizes(sizes: Sequence[dict], index_syms: Sequence[Any], x: sp.IndexedBase, sig: Any, label: str = "sizes",
                budget: float = 30.0, description: str = "") -> Evidence:
    """Symbolic evidence: every ``Rel`` part of the statement at fixed sizes (``{n: 2, p: 3}``), sums expanded,
    every ``E[·]`` computed exactly (independent ``N(0, σ²)`` entries ``x[k, i]``: moments ``σ^k (k−1)!!``),
    with symbolic ``e``, ``g``, ``σ``; free indices (``index_syms``) run over ``1..n``.  ``refuted`` with the
    first size (and entry) where the difference is not 0."""

    def run(prop: Prop) -> Outcome:
        parts = rel_parts(prop)
        count = 0
        for size in sizes:
            nn = max(int(v) for v in size.values())
            for k, part in enumerate(parts):
                if part.rel != "==":
                    return Outcome("undecided", "exact_sizes checks equalities only")
                L = part.lhs.xreplace(size).doit()
                R = part.rhs.xreplace(size).doit()
                free = [s for s in index_syms if s in (L.free_symbols | R.free_symbols)]
                rng = [v for s, v in size.items() if str(s) == "n"]
                top = int(rng[0]) if rng else nn
                for vals in itertools.product(range(1, top + 1), repeat=len(free)):
                    rep = dict(zip(free, vals))
                    d = sp.expand(_expect_exactly(L.xreplace(rep).doit(), x, sig)
                                  - _expect_exactly(R.xreplace(rep).doit(), x, sig))
                    count += 1
                    if d != 0:
                        where = ", ".join(f"{s}={v}" for s, v in {**size, **rep}.items())
                        return Outcome("refuted", f"part {k + 1} fails exactly at {where}: lhs − rhs = "
                                                  f"{sp.sstr(sp.factor(d))[:90]}",
                                       data={"where": where, "part": k + 1, "certified": True})
        shown = ", ".join("(" + ", ".join(f"{s}={v}" for s, v in z.items()) + ")" for z in sizes)
        return Outcome("holds", f"exact at {len(sizes)} sizes {shown}: {count} differences are 0 "
                                f"(symbolic e, g, σ)", data={"checks": count})

    return Evidence("symbolic", run, label=label, budget=budget,
                    description=description or "the statement at fixed sizes with exact Gaussian moments")


# ===== a float64 evaluator for closed forms with finite sums over tables ===========================================
_MAXDIM = 12


_MP_FN = {sp.sin: mpmath.sin, sp.cos: mpmath.cos, sp.exp: mpmath.exp, sp.log: mpmath.log}
_NP_FN = {sp.sin: np.sin, sp.cos: np.cos, sp.exp: np.exp, sp.log: np.log}


def np_eval(expr: Any, env: dict, bind: dict | None = None, backend: str = "float") -> Any:
    """``expr`` evaluated with numpy arrays: finite sums over tables become array reductions.

    ``backend="float"``: float64 (for Monte Carlo); ``backend="mp"``: object arrays of mpmath numbers at the
    working precision (a fast high-precision reference: no SymPy rebuilding per term).  ``env`` maps symbols (or
    their names) to numbers and ``IndexedBase`` labels to :class:`Table` s or callables (:class:`Seq`);
    ``bind`` maps free index symbols to 1-d integer arrays (the result then has one axis per bound symbol).
    Every summation index gets its own axis.  Handles ``Add``, ``Mul``, ``Pow``, ``Sum``, ``Indexed``,
    ``KroneckerDelta``, ``sin``/``cos``/``exp``/``log``, ``pi``, numbers and symbols.
    """
    mp = backend == "mp"
    used = [0]

    def num(v: Any) -> Any:
        if mp:
            return mpmath.mpmathify(v) if not isinstance(v, flint.arb) else _to_mp(v)
        return float(v)

    def look(key: Any) -> Any:
        if key in env:
            return env[key]
        name = getattr(key, "name", str(key))
        if name in env:
            return env[name]
        raise CannotEvaluate(f"no value for {key}")

    def const(e: Any) -> Any:
        if not mp:
            return float(e)
        if e.is_Rational:
            return mpmath.mpf(int(e.p)) / int(e.q)
        return mpmath.mpmathify(sp.N(e, mpmath.mp.dps + 10))

    def ev(e: Any, axes: dict) -> Any:
        if e.is_Number or e is sp.pi:
            return const(e)
        if isinstance(e, sp.Symbol):
            if e in axes:
                return axes[e]
            return num(look(e))
        if isinstance(e, sp.Indexed):
            tab = look(e.base.label)
            idx = [np.asarray(ev(t, axes)).astype(np.int64) for t in e.indices]
            if isinstance(tab, Table):
                return tab.arr[tuple(ix - 1 for ix in idx)]
            shape = np.broadcast_shapes(*[ix.shape for ix in idx])
            flat = [np.broadcast_to(ix, shape).ravel() for ix in idx]
            vals = np.array([num(tab(*[int(f[t]) for f in flat])) for t in range(flat[0].size)],
                            dtype=object if mp else float)
            return vals.reshape(shape)
        if isinstance(e, sp.Add):
            out = 0
            for a in e.args:
                out = out + ev(a, axes)
            return out
        if isinstance(e, sp.Mul):
            out = 1
            for a in e.args:
                out = out * ev(a, axes)
            return out
        if isinstance(e, sp.Pow):
            ex = e.exp
            if ex.is_Integer:
                return ev(e.base, axes) ** int(ex)
            return ev(e.base, axes) ** const(ex)
        if isinstance(e, sp.KroneckerDelta):
            a, b = (ev(t, axes) for t in e.args)
            return (np.asarray(a) == np.asarray(b)).astype(float)
        if type(e) in _NP_FN:
            v = ev(e.args[0], axes)
            if mp:
                return np.vectorize(_MP_FN[type(e)], otypes=[object])(v) if isinstance(v, np.ndarray) \
                    else _MP_FN[type(e)](v)
            return _NP_FN[type(e)](v)
        if isinstance(e, sp.Sum):
            inner = dict(axes)
            mine = []
            for v, lo, hi in e.limits:
                lo_v, hi_v = int(ev(lo, inner)), int(ev(hi, inner))
                ax = used[0]
                used[0] += 1
                if ax >= _MAXDIM:
                    raise CannotEvaluate("too many nested sums")
                shape = [1] * _MAXDIM
                shape[ax] = max(hi_v - lo_v + 1, 0)
                inner[v] = np.arange(lo_v, hi_v + 1).reshape(shape)
                mine.append(ax)
            val = np.asarray(ev(e.function, inner), dtype=object if mp else float)
            val = val.reshape(val.shape + (1,) * (_MAXDIM - val.ndim))
            val = np.broadcast_to(val, np.broadcast_shapes(val.shape, *[inner[v].shape for v, _, _ in e.limits]))
            if mp:  # exact-order summation with fsum along the summed axes
                moved = np.moveaxis(val, mine, list(range(_MAXDIM - len(mine), _MAXDIM)))
                lead = moved.shape[:_MAXDIM - len(mine)]
                flat = moved.reshape(lead + (-1,))
                out = np.empty(lead, dtype=object)
                for ix in np.ndindex(*lead):
                    out[ix] = mpmath.fsum(flat[ix])
                return np.expand_dims(out, tuple(sorted(mine)))
            return val.sum(axis=tuple(mine), keepdims=True)
        raise CannotEvaluate(f"np_eval: cannot evaluate {type(e).__name__}")

    axes = {}
    for ax, (sym, vals) in enumerate((bind or {}).items()):
        shape = [1] * _MAXDIM
        shape[ax] = len(vals)
        axes[sym] = np.asarray(vals).reshape(shape)
    used[0] = len(axes)
    val = np.asarray(ev(sp.sympify(expr), axes), dtype=object if mp else float)
    val = val.reshape(val.shape + (1,) * (_MAXDIM - val.ndim))
    lead = [len(v) for v in (bind or {}).values()]
    val = np.broadcast_to(val[tuple(slice(None) for _ in lead) + (slice(0, 1),) * (_MAXDIM - len(lead))],
                          tuple(lead) + (1,) * (_MAXDIM - len(lead)))
    return val.reshape(lead) if lead else val.reshape(-1)[0] if mp else float(val.reshape(-1)[0])


# ===== Monte Carlo of the statement's expectations ===================================================================
def batch_parts(E: np.ndarray, G: np.ndarray, X: np.ndarray) -> dict:
    """``XᵀX``, ``C = EᵀX + XᵀE``, ``S_cat = G + XᵀX`` and ``S_add = S_cat + C`` for a batch ``X`` (b×p×n)."""
    if X.shape[1] * X.shape[2] <= 256:  # tiny matrices: einsum loops in C; batched matmul would call BLAS per draw
        XtX = np.einsum("bki,bkj->bij", X, X)
        A = np.einsum("ki,bkj->bij", E, X)
    else:
        b, p, n = X.shape
        XtX = np.matmul(X.transpose(0, 2, 1), X)
        # E^T X[b] for every draw as one GEMM (a broadcast batched matmul takes numpy's slow path)
        A = (E.T @ X.transpose(1, 0, 2).reshape(p, b * n)).reshape(n, b, n).transpose(1, 0, 2)
    C = A + A.transpose(0, 2, 1)
    S_cat = G[None] + XtX
    return {"XtX": XtX, "C": C, "S_cat": S_cat, "S_add": S_cat + C}


#: numpy kernels (of :func:`batch_parts`) a statement's ``E[·]`` bodies are matched against
KERNELS_ENTRY = {name: (lambda B, _n=name: B[_n]) for name in ("S_cat", "C", "S_add", "XtX")}
KERNELS_SCALAR = {
    "|S_cat|^2": lambda B: np.sum(B["S_cat"] ** 2, axis=(1, 2)),
    "|C|^2": lambda B: np.sum(B["C"] ** 2, axis=(1, 2)),
    "|S_add|^2": lambda B: np.sum(B["S_add"] ** 2, axis=(1, 2)),
    "<S_cat,C>": lambda B: np.sum(B["S_cat"] * B["C"], axis=(1, 2)),
}


def match_kernel(body: Any, syms: dict, index_syms: Sequence[Any], seed: int = 0) -> str | None:
    """The kernel whose values equal ``body`` (evaluated from the statement with :func:`evaluate`) on two random
    probes at ``n = 2, p = 3`` (``g`` independent of ``e``), or ``None``."""
    n_, p_, x_, e_, g_ = syms["n"], syms["p"], syms["x"], syms["e"], syms["g"]
    free = [s for s in index_syms if s in body.free_symbols]
    table = KERNELS_ENTRY if free else KERNELS_SCALAR
    rnd = random.Random(seed)
    alive = dict(table)
    for _ in range(2):
        nn, pp = 2, 3
        X = np.array([[rnd.randint(-9, 9) / 4 for _ in range(nn)] for _ in range(pp)], dtype=float)
        E = np.array([[rnd.randint(-9, 9) / 3 for _ in range(nn)] for _ in range(pp)], dtype=float)
        G = np.array([[rnd.randint(-9, 9) / 2 for _ in range(nn)] for _ in range(nn)], dtype=float)
        env = {n_: nn, p_: pp, str(x_.label): Table(X, "x"), str(e_.label): Table(E, "e"),
               str(g_.label): Table(G, "g")}
        with mpmath.workdps(30):
            if free:
                want = np.array([[float(evaluate(body, {**env, free[0]: a + 1, free[-1]: b + 1}))
                                  for b in range(nn)] for a in range(nn)]) if len(free) == 2 else None
                if want is None:
                    return None
            else:
                want = float(evaluate(body, env))
        B = batch_parts(E, G, X[None])
        for name, fn in list(alive.items()):
            got = fn(B)[0]
            if not np.allclose(got, want, rtol=1e-12, atol=1e-12):
                alive.pop(name)
    return next(iter(alive)) if len(alive) == 1 else None


def mc_expectations(cases: Sequence[tuple[int, int, int, int]], syms: dict, index_syms: Sequence[Any],
                    z_scalar: float = 4.0, z_entry: float = 5.0, label: str = "", budget: float = 30.0,
                    batch: int = 50, description: str = "") -> Evidence:
    """Monte Carlo evidence for statements about expectations over ``X`` (iid ``N(0, σ²)``).

    ``cases``: ``(n, p, draws, seed)`` with ``E = get_E(n, p)`` (the seed's code), ``σ = np.std(E)``,
    ``G = EᵀE``.  For every ``Rel`` part, ``lhs − rhs`` is written as ``Σ_t c_t E[body_t] + r``: each body is
    matched to a numpy kernel on a probe (:func:`match_kernel`), ``c_t`` and ``r`` are evaluated from the
    statement at the instance (float64, :func:`np_eval`), and the per-draw values ``Σ_t c_t body_t(X) + r`` must
    average to 0: ``|mean| ≤ z·SE`` (per entry, ``z_entry`` with Bonferroni over ``n²`` entries, for free
    indices).  ``refuted`` when some part is off by more than that.
    """

    def run(prop: Prop) -> Outcome:
        parts = rel_parts(prop)
        n_, p_, s_, e_, g_ = syms["n"], syms["p"], syms["sigma"], syms["e"], syms["g"]
        prepared = []
        for part in parts:
            D = part.lhs - part.rhs
            atoms = sorted(D.atoms(Expect), key=sp.default_sort_key)
            ys = [sp.Dummy(f"y{t}") for t in range(len(atoms))]
            Dy = D.xreplace(dict(zip(atoms, ys)))
            coefs = [sp.diff(Dy, y) for y in ys]
            rest = Dy.xreplace({y: 0 for y in ys})
            if any(sp.diff(c, y) != 0 for c in coefs for y in ys):
                return Outcome("undecided", "the statement is not linear in its expectations")
            kernels = []
            for a in atoms:
                name = match_kernel(a.args[0], syms, index_syms)
                if name is None:
                    return Outcome("undecided", f"no Monte Carlo kernel matches E[{sp.sstr(a.args[0])[:60]}]")
                kernels.append(name)
            prepared.append((part, coefs, rest, kernels))
        figs, worst = [], (0.0, "")
        for nn, pp, draws, seed in cases:
            E = seed_get_E(nn, pp)
            s = float(np.std(E))
            G = E.T @ E
            env = {n_: nn, p_: pp, s_: s, str(e_.label): Table(E, "get_E"), str(g_.label): Table(G, "E^T E")}
            state = []
            for part, coefs, rest, kernels in prepared:
                free = [v for v in index_syms if v in (part.lhs.free_symbols | part.rhs.free_symbols)]
                cs = [float(np_eval(c, env)) for c in coefs]
                r = np_eval(rest, env, {v: np.arange(1, nn + 1) for v in free})
                state.append({"free": bool(free), "cs": cs, "r": r, "kernels": kernels,
                              "acc": 0.0, "acc2": 0.0, "mag": 0.0})
            rng = np.random.default_rng(seed)
            done, size = 0, max(batch, 400_000 // (pp * nn))
            while done < draws:  # one stream of draws for every part
                b = min(size, draws - done)
                B = batch_parts(E, G, rng.normal(0.0, s, size=(b, pp, nn)))
                for st in state:
                    table = KERNELS_ENTRY if st["free"] else KERNELS_SCALAR
                    terms = [c * table[kn](B) for c, kn in zip(st["cs"], st["kernels"])]
                    vals = sum(terms) + (st["r"][None] if st["free"] else st["r"])
                    st["mag"] = st["mag"] + sum(np.abs(t) for t in terms).sum(axis=0)
                    st["acc"] = st["acc"] + vals.sum(axis=0)
                    st["acc2"] = st["acc2"] + (vals ** 2).sum(axis=0)
                done += b
            for k, st in enumerate(state):
                mean = st["acc"] / draws
                se = np.sqrt(np.maximum(st["acc2"] / draws - mean ** 2, 0) / (draws - 1))
                zz = np.abs(mean) / np.where(se > 0, se, np.inf)
                zmax = float(np.max(zz))
                limit = z_entry if st["free"] else z_scalar
                scale = np.maximum(float(np.max(st["mag"] / draws + np.abs(st["r"]))), 1e-300)  # size of the terms
                rel = float(np.max(np.abs(mean)) / scale)
                power = float(np.max(limit * se) / scale)
                tag = f"n={nn}, p={pp}, {draws} draws"
                if zmax > worst[0]:
                    worst = (zmax, tag)
                if zmax > limit:
                    return Outcome("refuted", f"part {k + 1} at {tag}: lhs − rhs = {fmt(rel, 3)} of the terms, "
                                              f"{fmt(zmax, 3)} SE (limit {fmt(limit)})",
                                   data={"part": k + 1, "z": zmax, "relative": rel, "case": tag})
                figs.append(f"part {k + 1} ({tag}): {fmt(zmax, 2)} SE, resolves {fmt(power, 2)} of the terms")
        return Outcome("holds", f"every part within its SE limit; " + "; ".join(figs[:4])
                       + (" ..." if len(figs) > 4 else ""), "\n".join(figs), data={"max_z": worst[0]})

    return Evidence("montecarlo", run, label=label, budget=budget,
                    description=description or "Monte Carlo of the statement's expectations against the rest of the "
                                               "statement evaluated at the instance")


# ===== the seed's code cells =======================================================================================
def printed_cat_shape(n: int, p: int) -> tuple[int, int]:
    """Run the seed's ``get_score(E, X, mode='cat')`` for ``E = get_E(n, p)``, ``X`` of shape ``(p, n)``; parse
    the shape it prints."""
    E = seed_get_E(n, p)
    X = np.random.default_rng(0).normal(0.0, np.std(E), size=(p, n))
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        seed_get_score(E, X, mode="cat")
    text = buf.getvalue().strip()
    rows, cols = (int(v) for v in text.strip("()").split(","))
    return rows, cols
