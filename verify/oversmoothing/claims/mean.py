r"""Claims ``os.mean.*``: repeated mean aggregation ``X_{L+1} = D̃⁻¹ÃX_L`` -- where it goes and how fast.

``Ã = A + sI`` (self-loop weight ``s``: 0 or 1), ``d̃ = deg + s``, ``M = D̃⁻¹Ã``; ``π_v = d̃_v/Σ_u d̃_u`` the
stationary distribution of the walk (``πᵀM = πᵀ``); ``|λ|_(2)`` the second-largest eigenvalue modulus of ``M``
(with multiplicity).  Quantities: :mod:`.spectral_quantities` (``feat`` = ``(M^L X_0)_v``, ``energy``, ``slem``,
``proj2``, ``deg`` ...).  Graphs: Zachary's karate club, Les Misérables, the Florentine families, Davis' Southern
women (bipartite) as networkx ships them (edge structure, unweighted), and small exact graphs (``C_6``,
``K_{2,3}``, ``K_{1,2}``, ``K_4``, ``P_4``), with integer start features (exact in every backend).

=========================  ===================================================================================
``limit``                   ``X_L → 1πᵀX_0`` (connected, non-bipartite or with self loops), with the bound
                            ``|x_L(v) − πᵀX_0| ≤ |λ|_(2)^L ‖X_0 − 1πᵀX_0‖_π / √π_v``
``energy_ratio``            ``E(X_{L+1})/E(X_L) → |λ|_(2)²`` -- only for a *generic* start on a *connected*
                            graph (holds_if; certified counterexamples without either condition)
``bipartite_oscillation``   "mean aggregation converges on every connected graph" (no self loops): refuted,
                            ``K_{1,2}`` oscillates with period 2 (certified in exact arithmetic)
``self_loops_bipartite``    self loops restore convergence on bipartite graphs (``|λ|_(2) < 1``)
``components``              a disconnected graph: one limit per component, ``|λ|_(2) = 1``
=========================  ===================================================================================

Evidence computed from the statement: mpmath ladders (``limit_ladder``) and instances (``at_points``) evaluate the
statement's own quantities; :func:`exact_limits` takes SymPy's limit of the exact spectral form of ``M^L X_0``
(small graphs with rational spectra); :func:`periodic_certificate` decides "the limit exists" by exact rational
iteration (a state that repeats with period 2 and two different values is a certified counterexample);
:func:`api_layers` and :func:`api_energy_ratio` measure the same sequences with the numpy API
(:func:`verify.oversmoothing.propagate`, :func:`verify.oversmoothing.dirichlet_energy`).
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import mpmath
import numpy as np
import sympy as sp

from verify.core.claim import Claim, Evidence, Mutant, Outcome, Prop
from verify.core.evaluate import CannotEvaluate, evaluate
from verify.core.numeric import (_instances_for, at_points, certify_violation, counterexample, exact_limit, fmt,
                                 limit_ladder)
from verify.core.statement import All, Lim, Rel, describe_instance, instantiate

from .spectral_quantities import (G, L, XS, _frac, _features, component_mean, energy, exact_states, family, feat,
                                  named, ncomp, nx_graph, pi_dev, pi_mean, pi_weight, plain_mean, proj2, seed,
                                  s, slem, spec_of, union, v)
from .spectrum import exact_at, exact_value

SOURCE = "Ex 3"
SOURCE_LIT = "Ex 3 (literature: Oono & Suzuki 2020; Cai & Wang 2020)"
_BUDGET = 30.0

# ==============================================================================================================
# graphs and features
# ==============================================================================================================

KARATE, LESMIS, FLORENTINE, DAVIS = named("karate"), named("lesmis"), named("florentine"), named("davis")
C6, K23, K12 = family("cycle", 6), family("bipartite", 2, 3), family("bipartite", 1, 2)
K4, P4 = family("complete", 4), family("path", 4)
C6_K23 = union(C6, K23)
K4_K12 = union(K4, K12)
KARATE_FLORENTINE = union(KARATE, FLORENTINE)


# ==============================================================================================================
# evidence builders
# ==============================================================================================================

_M = sp.Symbol("m", integer=True, positive=True)


def parity_split(f: Any, var: Any) -> tuple[Any, Any]:
    """``f(2m)`` and ``f(2m+1)`` with every power of a negative rational ``λ^(2pm + q)`` written as
    ``λ^q (λ^(2p))^m``: positive bases, which SymPy's Gruntz algorithm handles.  ``f(L)`` converges iff both
    tend to the same value (every layer count is even or odd)."""
    out = []
    for r in (0, 1):
        g = sp.expand(f.xreplace({var: 2 * _M + r}), power_base=False, mul=True)

        def fix(t: Any) -> Any:
            e = sp.expand(t.exp)
            p = e.coeff(_M)
            q = sp.expand(e - p * _M)
            if p.is_Integer and int(p) % 2 == 0 and not q.has(_M):
                return t.base ** q * (t.base ** p) ** _M
            return t
        g = g.replace(lambda t: isinstance(t, sp.Pow) and t.base.is_Rational and t.base < 0 and t.exp.has(_M), fix)
        out.append(g)
    return out[0], out[1]


def exact_limits(instances: Sequence[dict], label: str = "exact", about: str = "statement",
                 budget: float = _BUDGET, description: str = "") -> Evidence:
    """Symbolic evidence: each ``Lim`` part with a value at concrete instances, exactly.

    The expression is replaced by its exact SymPy form in the limit variable (:func:`.spectrum.exact_value`: the
    spectral form ``Σ_λ λ^L P_λ X_0`` of a small graph with a rational spectrum), the value likewise (finite sums
    carried out); SymPy's limits (Gruntz) of the even and odd subsequences (:func:`parity_split`) must agree
    (else there is no limit) and equal the value; a difference is certified by an arb ball."""
    instances = [dict(i) for i in instances]

    def run(prop: Prop) -> Outcome:
        parts = [p for p in prop.statement.parts() if isinstance(p, Lim) and p.value is not None]
        if not parts:
            return Outcome("undecided", "no limit with a value in the statement")
        insts = _instances_for(prop, instances)
        if not insts:
            return Outcome("undecided", "no instance satisfies the condition")
        shown = []
        for part in parts:
            for inst in insts:
                where = describe_instance(inst)
                inst_ = {key: val for key, val in inst.items() if key != part.var}
                f = exact_value(part.expr, inst_)
                target = exact_value(part.value, inst_)
                if f.atoms(sp.Function) - f.atoms(sp.cos, sp.sin) or target.atoms(sp.Function):
                    return Outcome("undecided", f"no exact form at {where}")
                try:
                    even, odd = (sp.limit(h, _M, sp.oo) for h in parity_split(f, part.var))
                except Exception as exc:  # noqa: BLE001
                    return Outcome("undecided", f"SymPy could not take the limit at {where} ({type(exc).__name__})")
                if any(z.has(sp.Limit) or z.has(sp.AccumBounds) or not z.is_finite for z in (even, odd)):
                    return Outcome("undecided", f"no limit found by SymPy at {where}: {sp.sstr(even)[:40]}")
                if sp.simplify(even - odd) != 0:
                    cert = certify_violation(Rel(even, odd, "=="), {})
                    return Outcome("refuted", f"at {where}: even layers tend to {sp.sstr(even)}, odd ones to "
                                              f"{sp.sstr(odd)}: no limit; arb: {cert['text']}",
                                   data={"where": where, "certified": cert["certified"]})
                val = even
                if sp.simplify(val - target) == 0:
                    shown.append(f"{where}: {sp.sstr(val)}")
                    continue
                cert = certify_violation(Rel(val, target, "=="), {})
                return Outcome("refuted", f"at {where}: exact limit {sp.sstr(val)} vs claimed {sp.sstr(target)}; "
                                          f"arb: {cert['text']}",
                               data={"where": where, "limit": sp.sstr(val), "claimed": sp.sstr(target),
                                     "certified": cert["certified"]})
        return Outcome("holds", f"exact limits at {len(shown)} instance(s): " + "; ".join(shown[:2])
                       + (" ..." if len(shown) > 2 else ""), data={"limits": shown})

    return Evidence("symbolic", run, label=label, about=about, budget=budget,
                    description=description or "exact limit (SymPy) of the exact spectral form at small graphs")


def _trajectory_atoms(expr: Any) -> list:
    """The ``feat``/``energy`` atoms of an instantiated expression: ``(graph spec, s, features)``."""
    out = []
    for q in sp.sympify(expr).atoms(feat, energy):
        g, sw, X = q.args[0], q.args[1], q.args[2]
        try:
            spec = spec_of(g)
            w = _frac(sw)
            xs = _features(X, spec)
        except CannotEvaluate:
            continue
        out.append((spec, w, tuple(xs)))
    return out


def periodic_certificate(instance: dict, label: str = "", about: str = "statement", budget: float = _BUDGET,
                         tex: str | None = None, max_start: int = 8, ladder: Sequence[int] = (40, 80, 160, 320)
                         ) -> Evidence:
    """Counterexample evidence for the statement's limits in the layer count, by exact rational iteration.

    For each ``Lim`` part (expression ``f(L)``, ``L → ∞``) at the instance, the states ``X_L`` of every iterated
    quantity in ``f`` (``feat``, ``energy``) are computed exactly.  If all of them repeat with period 2 from some
    ``L_0 <= max_start`` (``X_{L_0+2} = X_{L_0}``, whole states), ``f`` is 2-periodic from ``L_0``: two different
    values ``f(L_0) ≠ f(L_0+1)`` prove there is no limit (certified: exact rationals, and the arb ball of the gap
    excludes 0); equal values are the limit.  Otherwise the sequence is followed in mpmath along ``ladder``
    (``f(L+1) − f(L)`` and, with a value, ``f(L) − value`` must fall below ``10^-30``): ``holds`` means no
    counterexample at this instance."""
    inst0 = dict(instance)

    def run(prop: Prop) -> Outcome:
        parts = [p for p in prop.statement.parts() if isinstance(p, Lim)]
        if not parts:
            return Outcome("undecided", "no limit in the statement")
        where = describe_instance(inst0)
        figs = []
        for part in parts:
            inst = {key: val for key, val in inst0.items() if key != part.var}
            expr = instantiate(part.expr, inst)
            trajs = _trajectory_atoms(expr)
            if not trajs:
                return Outcome("undecided", "no iterated quantity in the limit")
            start = None
            for l0 in range(0, max_start + 1):
                if all(exact_states(spec, w, list(xs), l0 + 2)[l0] == exact_states(spec, w, list(xs), l0 + 2)[l0 + 2]
                       for spec, w, xs in trajs):
                    start = l0
                    break
            if start is not None:
                f0 = exact_value(expr.xreplace({part.var: sp.Integer(start)}))
                f1 = exact_value(expr.xreplace({part.var: sp.Integer(start + 1)}))
                target = None if part.value is None else exact_value(part.value, inst)
                if f0 != f1:
                    cert = certify_violation(Rel(f0, f1, "=="), {})
                    return Outcome("refuted", f"at {where}: X_L repeats with period 2 from L = {start} (exact); "
                                              f"f alternates {sp.sstr(f0)}, {sp.sstr(f1)}: no limit; arb: "
                                              f"{cert['text']}",
                                   data={"where": where, "start": start, "values": [sp.sstr(f0), sp.sstr(f1)],
                                         "certified": cert["certified"]}, tex=tex)
                if target is not None and sp.simplify(f0 - target) != 0:
                    cert = certify_violation(Rel(f0, target, "=="), {})
                    return Outcome("refuted", f"at {where}: constant {sp.sstr(f0)} from L = {start}, not "
                                              f"{sp.sstr(target)}; arb: {cert['text']}",
                                   data={"where": where, "certified": cert["certified"]}, tex=tex)
                figs.append(f"constant {sp.sstr(f0)} from L = {start} (exact)")
                continue
            with mpmath.workdps(50):
                vals = [(ll, evaluate(part.expr, {**inst, part.var: ll}),
                         evaluate(part.expr, {**inst, part.var: ll + 1})) for ll in ladder]
                lim_val = None if part.value is None else evaluate(part.value, inst)
                steps = [abs(b - a) for _, a, b in vals]
                gaps = [abs(a - lim_val) for _, a, _ in vals] if lim_val is not None else steps
                tiny = mpmath.mpf(10) ** -30
                if steps[-1] <= tiny and gaps[-1] <= tiny:
                    figs.append(f"converges: |f(L+1) − f(L)| = {fmt(steps[-1])}"
                                + ("" if lim_val is None else f", |f − value| = {fmt(gaps[-1])}")
                                + f" at L = {ladder[-1]}")
                    continue
                if steps[-1] <= tiny and gaps[-1] > mpmath.mpf(10) ** -10:
                    return Outcome("refuted", f"at {where}: f settles at distance {fmt(gaps[-1])} from the value "
                                              f"(L = {ladder[-1]}, not certified)", data={"certified": False})
            return Outcome("undecided", f"at {where}: neither periodic nor settled by L = {ladder[-1]}")
        return Outcome("holds", f"no counterexample at {where}: " + "; ".join(figs))

    return Evidence("counterexample", run, label=label, about=about, budget=budget,
                    description="exact rational iteration: a period-2 state with two values certifies that no limit "
                                "exists; otherwise the sequence is followed in mpmath")


def _api_setup(q: Any) -> tuple:
    g, sw, X = q.args[0], q.args[1], q.args[2]
    spec = spec_of(g)
    w = _frac(sw)
    if w not in (0, 1):
        raise CannotEvaluate("the numpy API has self loops of weight 1 or none")
    xs = np.array([float(z) for z in _features(X, spec)])
    return spec, bool(w), xs


def api_layers(instances: Sequence[dict], label: str = "api", about: str = "statement", budget: float = _BUDGET,
               max_layers: int = 4000) -> Evidence:
    """numpy evidence: the statement's limits of ``feat(G, s, X_0, L, v)`` measured with the numpy API.

    ``X_L = verify.oversmoothing.propagate(G, X_0, L, "mean", self_loops=s)`` (float64, sparse) up to
    ``L* = ceil(36 / -log10 ρ)`` layers (``ρ`` the float SLEM from the API; at most ``max_layers``).  With a value
    (read from the statement and evaluated at 30 digits): ``holds`` when ``|x_{L*}(v) − value|`` is below
    ``1e-9`` of the scale, ``refuted`` when the iterates have settled (``|x_{L*+1} − x_{L*}|`` below ``1e-12``)
    away from it.  Without a value ("the limit exists"): ``refuted`` when ``|x_{L*+1}(v) − x_{L*}(v)|`` stays
    above ``1e-6`` of the scale (oscillation), ``holds`` when it is below ``1e-11``."""
    instances = [dict(i) for i in instances]

    def run(prop: Prop) -> Outcome:
        from verify.oversmoothing import propagate, second_eigenvalue_modulus

        parts = [p for p in prop.statement.parts() if isinstance(p, Lim)]
        if not parts:
            return Outcome("undecided", "no limit in the statement")
        insts = _instances_for(prop, instances)
        figs = []
        for part in parts:
            for inst in insts:
                inst_ = {key: val for key, val in inst.items() if key != part.var}
                expr = instantiate(part.expr, inst_)
                if not isinstance(expr, feat) or expr.args[3] != part.var:
                    return Outcome("undecided", "the limit is not of one node's feature")
                where = describe_instance(inst_)
                try:
                    spec, loops, xs = _api_setup(expr)
                except CannotEvaluate as exc:
                    return Outcome("undecided", f"{where}: {exc}")
                node = int(expr.args[4])
                gx = nx_graph(spec)
                rho = second_eigenvalue_modulus(gx, "mean", loops)
                layers = (max_layers if rho >= 1 - 1e-9
                          else min(max_layers, math.ceil(36 / -math.log10(max(rho, 1e-300)))))
                layers = max(layers, 2)
                Y = propagate(gx, xs, layers + 1, "mean", loops)[:, node, 0]
                scale = max(1.0, float(np.max(np.abs(xs))))
                step = abs(Y[-1] - Y[-2]) / scale
                period2 = abs(Y[-1] - Y[-3]) / scale <= 1e-9  # alternation, not slow convergence
                if part.value is None:
                    if step > 1e-6 and period2:
                        return Outcome("refuted", f"{where}: x_L(v) alternates: {Y[-2]:.6g}, {Y[-1]:.6g} at L = "
                                                  f"{layers}, {layers + 1} (numpy)", data={"step": step})
                    if step <= 1e-11:
                        figs.append(f"{where}: settled (|Δ| = {step:.1e} at L = {layers})")
                        continue
                    return Outcome("undecided", f"{where}: step {step:.1e} at L = {layers}")
                if step > 1e-6 and period2:
                    return Outcome("refuted", f"{where}: no limit, x_L(v) alternates: {Y[-2]:.6g}, {Y[-1]:.6g} at "
                                              f"L = {layers}, {layers + 1} (numpy)", data={"step": step})
                with mpmath.workdps(30):
                    target = float(evaluate(part.value, inst_))
                gap = abs(Y[-2] - target) / scale
                if gap <= 1e-9:
                    figs.append(f"{where}: |x_L − value| = {gap:.1e} at L = {layers}")
                    continue
                if step <= 1e-12:
                    return Outcome("refuted", f"{where}: x_L settles at {Y[-2]:.12g}, the statement says "
                                              f"{target:.12g} (numpy, L = {layers})", data={"gap": gap})
                return Outcome("undecided", f"{where}: not settled at L = {layers} (|Δ| = {step:.1e})")
        if not figs:  # nothing measured is no evidence either way
            return Outcome("undecided", "nothing measured")
        return Outcome("holds", f"{len(figs)} measurements agree; e.g. {figs[0]}", data={"n": len(figs)})

    return Evidence("numpy", run, label=label, about=about, budget=budget,
                    description="numpy API propagate (float64) to the statement's limit (or its existence)")


def api_energy_ratio(instances: Sequence[dict], layers: Sequence[int] = (10, 20, 40, 80, 120), label: str = "api",
                     about: str = "statement", budget: float = _BUDGET) -> Evidence:
    """numpy evidence: ``E(X_{L+1})/E(X_L)`` measured with the numpy API (``propagate`` and
    ``dirichlet_energy``, float64) along ``layers``, against the statement's limit value (evaluated at 30 digits).

    Only rungs whose energy is far above the float64 rounding floor of the features are used.  ``holds`` when the
    relative error falls below ``1e-5`` and by a factor 100 along the ladder; ``refuted`` when the measured ratio
    has settled (last two rungs within a tenth of the error) more than ``1e-3`` away."""
    instances = [dict(i) for i in instances]

    def run(prop: Prop) -> Outcome:
        from verify.oversmoothing import dirichlet_energy, propagate

        parts = [p for p in prop.statement.parts() if isinstance(p, Lim)]
        if not parts:
            return Outcome("undecided", "no limit in the statement")
        insts = _instances_for(prop, instances)
        if not insts:
            return Outcome("undecided", "no instance satisfies the condition")
        figs = []
        for part in parts:
            for inst in insts:
                inst_ = {key: val for key, val in inst.items() if key != part.var}
                expr = instantiate(part.expr, inst_)
                num, den = sp.fraction(expr)
                if not (isinstance(num, energy) and isinstance(den, energy)):
                    return Outcome("undecided", "the limit is not a ratio of energies")
                if num.args[:3] != den.args[:3] or sp.simplify(num.args[3] - den.args[3] - 1) != 0:
                    return Outcome("undecided", "not E(X_{L+1})/E(X_L) of one sequence")
                where = describe_instance(inst_)
                spec, loops, xs = _api_setup(den)
                gx = nx_graph(spec)
                Y = propagate(gx, xs, max(layers) + 1, "mean", loops)[:, :, 0]
                with mpmath.workdps(30):
                    target = float(evaluate(part.value, inst_))
                # rungs whose energy is far above the float64 rounding floor of the features (beyond it the
                # "energy" of X_L is rounding noise around the consensus and its ratio means nothing)
                floor = (64 * np.finfo(np.float64).eps * float(np.max(np.abs(xs)))) ** 2 * max(gx.number_of_edges(), 1)
                usable = [ll for ll in layers if dirichlet_energy(gx, Y[ll + 1]) > 1e6 * floor]
                if len(usable) < 2:
                    return Outcome("undecided", f"{where}: the energy reaches the float64 floor by L = {layers[1]}")
                ratios = [dirichlet_energy(gx, Y[ll + 1]) / dirichlet_energy(gx, Y[ll]) for ll in usable]
                errs = [abs(r - target) / abs(target) for r in ratios]
                if errs[-1] <= 1e-5 and errs[-1] <= errs[0] / 100:
                    figs.append(f"{where}: relative error {errs[0]:.1e} -> {errs[-1]:.1e}")
                    continue
                if errs[-1] > 1e-3 and abs(ratios[-1] - ratios[-2]) <= 0.1 * errs[-1] * abs(target):
                    return Outcome("refuted", f"{where}: the ratio settles at {ratios[-1]:.8g}, the statement says "
                                              f"{target:.8g} (numpy, L = {usable[-1]})", data={"err": errs[-1]})
                return Outcome("undecided", f"{where}: relative error {errs[-1]:.1e} at L = {usable[-1]}")
        return Outcome("holds", f"{len(figs)} graphs; e.g. {figs[0]}", data={"n": len(figs)})

    return Evidence("numpy", run, label=label, about=about, budget=budget,
                    description="numpy API: Dirichlet-energy ratio of propagated features against the statement's "
                                "limit")


# ==============================================================================================================
# os.mean.limit
# ==============================================================================================================

def _limit_statement(value: Any, rate_power: Any = L) -> All:
    f = feat(G, s, XS, L, v)
    return All(Lim(f, L, sp.oo, value),
               Rel(sp.Abs(f - value), slem(G, s) ** rate_power * pi_dev() / sp.sqrt(pi_weight()), "<="))


_LIMIT_LADDER = [{G: KARATE, s: 1, seed: 1, v: 0}, {G: KARATE, s: 0, seed: 2, v: 33},
                 {G: FLORENTINE, s: 1, seed: 1, v: 3}, {G: LESMIS, s: 1, seed: 1, v: 11}]
_LIMIT_POINTS = ([{G: KARATE, s: 1, seed: 1, v: vv, L: ll} for vv, ll in ((0, 0), (0, 5), (33, 20), (0, 60))]
                 + [{G: FLORENTINE, s: 1, seed: 1, v: 3, L: ll} for ll in (3, 30)]
                 + [{G: KARATE, s: 0, seed: 2, v: 33, L: ll} for ll in (7, 50)])
_LIMIT_EXACT = [{G: K23, s: 1, seed: 1, v: 0}, {G: C6, s: 1, seed: 1, v: 2}, {G: K4, s: 0, seed: 1, v: 1}]

LIMIT = Claim(
    id="os.mean.limit", source=SOURCE_LIT,
    title="Mean aggregation converges to 1·πᵀX₀ (π proportional to the degree d + s), at least as fast as |λ|_(2)^L",
    display=r"\lim_{L\to\infty} (\tilde D^{-1}\tilde A)^L X_0 = \mathbf 1\,\pi^\top X_0,\ \pi_v = "
            r"\frac{\tilde d_v}{\sum_u \tilde d_u};\quad |x_L(v) - \pi^\top X_0| \le |\lambda|_{(2)}^L\, "
            r"\frac{\lVert X_0 - \mathbf 1\pi^\top X_0\rVert_\pi}{\sqrt{\pi_v}}",
    statement=_limit_statement(pi_mean()),
    recorded="holds",
    assumptions=(r"G \text{ connected; non-bipartite or } s > 0", r"\tilde A = A + sI,\ \tilde d = \deg + s",
                 r"\lVert y\rVert_\pi^2 = \textstyle\sum_u \pi_u y_u^2"),
    evidence=[
        limit_ladder(_LIMIT_LADDER, xs=[20, 41, 80, 161, 320, 641], label="ladder", budget=_BUDGET,
                     description="|x_L(v) − πᵀX₀| at L = 20 … 641 (both parities) on karate (with and without self "
                                 "loops), Florentine families, Les Misérables, 50–100 digits"),
        at_points(_LIMIT_POINTS, label="rate_bound", budget=_BUDGET,
                  description="the rate bound at L = 0 … 60 (|λ|_(2) computed in mpmath), karate and Florentine"),
        exact_limits(_LIMIT_EXACT, label="exact",
                     description="exact limit of the spectral form on K_{2,3}, C_6 (self loops) and K_4 (none)"),
        api_layers(_LIMIT_LADDER, label="api"),
    ],
    mutants=(
        Mutant("uniform_mean", _limit_statement(plain_mean()),
               why="the plain average (1/N) Σ x_u: π taken uniform instead of proportional to the degree d + s"),
        Mutant("rate_squared", _limit_statement(pi_mean(), rate_power=2 * L),
               why="the energy's rate |λ|_(2)^(2L) for the features' rate"),
    ),
    depth="numeric",
    depth_note="exact limits on K_{2,3}, C_6, K_4 (SymPy on the exact spectral decomposition); on karate, "
               "Florentine families and Les Misérables the limit to 50–100 digits and the rate bound at instances; "
               "the general argument (reversible walk, spectral theorem) in the note",
    note=r"$M = \tilde D^{-1}\tilde A$ is self-adjoint for $\langle y, z\rangle_\pi = \sum_u \pi_u y_u z_u$ "
         r"($\pi \propto \tilde d$), with $M\mathbf 1 = \mathbf 1$, $\pi^\top M = \pi^\top$; on a connected graph "
         r"the eigenvalue 1 is simple and, non-bipartite or with self loops, $-1$ is not an eigenvalue, so "
         r"$\lVert M^L y - \mathbf 1\pi^\top y\rVert_\pi \le |\lambda|_{(2)}^L "
         r"\lVert y - \mathbf 1\pi^\top y\rVert_\pi$ and "
         r"$|z_v| \le \lVert z\rVert_\pi/\sqrt{\pi_v}$. The limit is the \emph{degree-weighted} mean, not the plain "
         r"mean (mutant \texttt{uniform\_mean}); the energy decays at twice the rate "
         r"(\texttt{os.mean.energy\_ratio}).",
)


# ==============================================================================================================
# os.mean.energy_ratio
# ==============================================================================================================

_RATIO = energy(G, s, XS, L + 1) / energy(G, s, XS, L)
_GENERIC = sp.Gt(proj2(G, s, XS), 0)
_CONNECTED = sp.Eq(ncomp(G), 1)

_RATIO_INSTANCES = [{G: KARATE, s: 1, seed: 1}, {G: KARATE, s: 0, seed: 2},
                    {G: FLORENTINE, s: 1, seed: 1}, {G: LESMIS, s: 1, seed: 1},
                    {G: DAVIS, s: 0, seed: 1},
                    {G: C6, s: 1, seed: 0}, {G: K4_K12, s: 1, seed: 1}]
_RATIO_EXACT = [{G: C6, s: 1, seed: 1}, {G: K4, s: 0, seed: 1}, {G: C6, s: 1, seed: 0}]
_RATIO_NUMPY = [{G: KARATE, s: 1, seed: 1}, {G: FLORENTINE, s: 1, seed: 1},
                {G: KARATE, s: 0, seed: 2}, {G: C6, s: 1, seed: 0},
                {G: K4_K12, s: 1, seed: 1}]

ENERGY_RATIO = Claim(
    id="os.mean.energy_ratio", source=SOURCE_LIT,
    title="The Dirichlet energy ratio E(X_{L+1})/E(X_L) tends to |λ|_(2)² (generic X₀, connected graph)",
    display=r"\lim_{L\to\infty} \frac{E(X_{L+1})}{E(X_L)} = |\lambda|_{(2)}^2,\quad E(X) = \sum_{\{u,v\}\in E} "
            r"(x_u - x_v)^2,\ X_L = (\tilde D^{-1}\tilde A)^L X_0",
    statement=Lim(_RATIO, L, sp.oo, slem(G, s) ** 2),
    condition=sp.And(_CONNECTED, _GENERIC),
    recorded="holds_if",
    assumptions=(r"\tilde A = A + sI", r"|\lambda|_{(2)} \text{ second-largest eigenvalue modulus of } "
                 r"\tilde D^{-1}\tilde A",
                 r"\text{generic: } X_0 \text{ has a component along an eigenvector (other than } \mathbf 1) "
                 r"\text{ of modulus } |\lambda|_{(2)}"),
    reading="Genericity is checked as ‖P X₀‖² > 0 (degree-weighted norm), P the degree-weighted orthogonal "
            "projection onto those eigenvectors, computed at the working precision (a value below 10^(−dps/2) of "
            "‖X₀‖² counts as 0); connectedness as one component.",
    evidence=[
        limit_ladder(_RATIO_INSTANCES, xs=[20, 60, 120, 240, 480, 960], label="ladder", about="condition",
                     budget=_BUDGET,
                     description="measured ratio at L = 20 … 960 (mpmath propagation, 50–100 digits) against "
                                 "|λ|_(2)² computed independently (inverse iteration on the symmetric "
                                 "D^(−1/2)(A + sI)D^(−1/2), D the degrees with the loops); "
                                 "karate (with/without loops), Florentine, Les Misérables, Davis (no loops)"),
        exact_limit(_RATIO_EXACT, label="exact", about="condition",
                    description="exact limit (SymPy) of the exact energy sequence on C_6 (loops) and K_4 (none)"),
        api_energy_ratio(_RATIO_NUMPY, label="api", about="condition"),
        counterexample({G: C6, s: 1, seed: 0}, label="non_generic", budget=_BUDGET,
                       tex=r"\[ C_6,\ s = 1,\ X_0^{[0]} = (1,-1,1,-1,1,-1):\ X_L = (-\tfrac13)^L X_0,\ "
                           r"\frac{E(X_{L+1})}{E(X_L)} = \tfrac19 \ne |\lambda|_{(2)}^2 = \tfrac49 \]"),
        counterexample({G: K4_K12, s: 1, seed: 1}, label="disconnected", budget=_BUDGET,
                       tex=r"\[ K_4 \sqcup K_{1,2},\ s = 1:\ |\lambda|_{(2)} = 1 \text{ (two components) but the "
                           r"ratio tends to } (1/2)^2 \]"),
    ],
    mutants=(
        Mutant("not_squared", Lim(_RATIO, L, sp.oo, slem(G, s)), why="the features' rate |λ|_(2) for the energy's"),
        Mutant("no_genericity", condition=_CONNECTED, why="any start X₀ on a connected graph"),
        Mutant("no_connectedness", condition=_GENERIC, why="generic X₀ on any graph"),
    ),
    depth="numeric",
    depth_note="exact limits on C_6 (self loops) and K_4; karate, Florentine, Les Misérables, Davis to "
               "50–100 digits along L <= 960; the general argument in the note",
    note=r"$L_{\mathrm{comb}} = D - A = \tilde D - \tilde A$, so the $\tilde D$-orthonormal eigenvectors $\phi_i$ of "
         r"$M$ are orthogonal for the energy too: with $X_0 = \sum_i c_i\phi_i$, "
         r"$E(X_L) = \sum_i c_i^2 \lambda_i^{2L}(1-\lambda_i)$, and the ratio tends to the largest $\lambda_i^2$ "
         r"with $c_i \ne 0$ and $\lambda_i \ne 1$. That is $|\lambda|_{(2)}^2$ exactly when $X_0$ has a component "
         r"of that modulus (generic) and the eigenvalue 1 is simple (connected): on $C_6$ with loops the start "
         r"$(1,-1,\dots)$ is an eigenvector of $-1/3$ (ratio $1/9$), and on a disconnected graph $|\lambda|_{(2)} = 1$ "
         r"(one eigenvalue 1 per component, energy 0) while the ratio tends to the next modulus squared. On a "
         r"bipartite graph without self loops $|\lambda|_{(2)} = 1$ (eigenvalue $-1$, energy $2c^2$ forever) and "
         r"the ratio does tend to 1 (Davis).",
)


# ==============================================================================================================
# os.mean.bipartite_oscillation (refuted)
# ==============================================================================================================

_EXISTS_NO_LOOPS = Lim(feat(G, 0, XS, L, v), L, sp.oo, None)

BIPARTITE_OSCILLATION = Claim(
    id="os.mean.bipartite_oscillation", source=SOURCE,
    title="Mean aggregation without self loops converges on every connected graph",
    display=r"\lim_{L\to\infty} (D^{-1}A)^L X_0 \text{ exists for every connected } G",
    statement=_EXISTS_NO_LOOPS,
    recorded="refuted",
    assumptions=(r"G \text{ connected}, \text{ no self loops } (s = 0)",),
    evidence=[
        periodic_certificate({G: K12, seed: 1, v: 0}, label="K_1,2", budget=_BUDGET,
                             tex=r"\begin{gather*} K_{1,2} \text{ (centre first)},\ X_0 = (-20, 27, 33):\\ "
                                 r"X_1 = (30, -20, -20),\ X_2 = (-20, 30, 30),\ X_3 = X_1,\ \dots "
                                 r"\text{ (the centre alternates } 30, -20) \end{gather*}"),
        periodic_certificate({G: K23, seed: 1, v: 4}, label="K_2,3", budget=_BUDGET),
        limit_ladder([{G: DAVIS, seed: 1, v: 0}], xs=[40, 81, 160, 321, 640, 1281], label="davis",
                     budget=_BUDGET, description="successive values at L = 40 … 1281 (both parities), Davis' "
                                                 "Southern women, 50–100 digits"),
        api_layers([{G: DAVIS, seed: 1, v: 0}, {G: P4, seed: 1, v: 1}], label="api"),
    ],
    mutants=(
        Mutant("with_self_loops", Lim(feat(G, 1, XS, L, v), L, sp.oo, None), expect="holds",
               why="the nearest true statement: with self loops (s = 1) every connected graph converges"),
        Mutant("with_self_loops_value", Lim(feat(G, 1, XS, L, v), L, sp.oo, pi_mean(G, 1)), expect="holds",
               why="with self loops, and to the degree-weighted mean"),
    ),
    depth="fixed-size",
    depth_note="refuted by certified counterexamples (K_{1,2}, K_{2,3}: exact period-2 states); Davis and P_4 "
               "observed (mpmath, numpy); the general reason (eigenvalue −1) in the note",
    note=r"On a bipartite graph with sides $\pm$ (signs $\sigma$), $\sigma^\top D\, M = -\sigma^\top D$: the "
         r"component along $\sigma$ flips sign every layer and never decays, so $X_L$ converges only if it is 0 "
         r"(and then to $\mathbf 1\pi^\top X_0$). Non-bipartite connected graphs converge without self loops "
         r"(\texttt{os.mean.limit}, karate with $s = 0$); self loops make every connected graph converge "
         r"(\texttt{os.mean.self\_loops\_bipartite}). The Ces\`aro means converge in any case.",
)


# ==============================================================================================================
# os.mean.self_loops_bipartite
# ==============================================================================================================

def _loops_statement(sw: Any, value: Any) -> All:
    return All(Lim(feat(G, sw, XS, L, v), L, sp.oo, value), Rel(slem(G, sw), 1, "<"))


_BIP_LADDER = [{G: DAVIS, seed: 1, v: 0}, {G: P4, seed: 1, v: 3}, {G: C6, seed: 1, v: 2}]
_BIP_POINTS = [{G: g_, seed: 1} for g_ in (DAVIS, P4, C6, K23, K12)]

SELF_LOOPS_BIPARTITE = Claim(
    id="os.mean.self_loops_bipartite", source=SOURCE,
    title="Self loops restore convergence on bipartite graphs: |λ|_(2) < 1 and X_L → 1·πᵀX₀",
    display=r"\lim_{L\to\infty} (\tilde D^{-1}(A + I))^L X_0 = \mathbf 1\pi^\top X_0,\quad "
            r"|\lambda|_{(2)}(\tilde D^{-1}(A+I)) < 1",
    statement=_loops_statement(1, pi_mean(G, 1)),
    recorded="holds",
    assumptions=(r"G \text{ connected and bipartite}", r"\tilde A = A + I"),
    evidence=[
        limit_ladder(_BIP_LADDER, xs=[20, 41, 80, 161, 320, 641], label="ladder", budget=_BUDGET,
                     description="|x_L(v) − πᵀX₀| at L = 20 … 641 (both parities) on Davis, P_4, C_6"),
        at_points(_BIP_POINTS, label="slem", budget=_BUDGET,
                  description="|λ|_(2) < 1 on Davis, P_4, C_6, K_{2,3}, K_{1,2} (mpmath, 50/100 digits)"),
        exact_limits([{G: g_, seed: 1, v: 1} for g_ in (K23, C6, K12)], label="exact"),
        exact_at([{G: g_} for g_ in (K23, C6, K12)], label="slem_exact",
                 description="|λ|_(2) exactly (SymPy) on K_{2,3}, C_6, K_{1,2}: 5/12, 2/3, 1/2"),
        api_layers(_BIP_LADDER, label="api"),
    ],
    mutants=(
        Mutant("no_self_loops", _loops_statement(0, pi_mean(G, 0)), why="the self loops dropped (s = 0)"),
        Mutant("uniform_mean", _loops_statement(1, plain_mean()), why="the plain average as the limit"),
    ),
    depth="fixed-size",
    depth_note="exact for K_{2,3}, C_6, K_{1,2} (limits and |λ|_(2) by SymPy); Davis and P_4 to 50–100 digits",
    note=r"With $\tilde A = A + I$ every node is its own neighbour: $M$ has a positive diagonal, so $M$ is "
         r"aperiodic and $-1$ is not an eigenvalue ($M + I$ has positive diagonal dominance in the "
         r"$\pi$-inner product: $\langle y, (M+I)y\rangle_\pi \ge \sum_v \pi_v y_v^2/\tilde d_v > 0$). Rates: "
         r"$K_{2,3}$: $5/12$, $C_6$: $2/3$, $K_{1,2}$: $1/2$ (\texttt{os.spectrum.complete\_bipartite}, "
         r"\texttt{os.spectrum.cycle\_slem\_loops}).",
)


# ==============================================================================================================
# os.mean.components
# ==============================================================================================================

def _components_statement(value: Any, slem_rel: str = "==") -> All:
    return All(Lim(feat(G, 1, XS, L, v), L, sp.oo, value), Rel(slem(G, 1), 1, slem_rel))


_COMP_LADDER = [{G: KARATE_FLORENTINE, seed: 1, v: vv} for vv in (0, 33, 34, 48)]

COMPONENTS = Claim(
    id="os.mean.components", source=SOURCE,
    title="Disconnected graphs: one limit per component (its own π-weighted mean); |λ|_(2) = 1",
    display=r"\lim_{L\to\infty} x_L(v) = \frac{\sum_{u \sim v} \tilde d_u x_0(u)}{\sum_{u\sim v} \tilde d_u}"
            r"\ (u \sim v: \text{same component}),\quad |\lambda|_{(2)} = 1",
    statement=_components_statement(component_mean(G, 1, node=v)),
    recorded="holds",
    assumptions=(r"\tilde A = A + I", r"\text{every component connected (by definition)}"),
    evidence=[
        limit_ladder(_COMP_LADDER, xs=[20, 41, 80, 161, 320, 641], label="ladder", budget=_BUDGET,
                     description="karate + Florentine families: two nodes in each component, 50–100 digits"),
        exact_limits([{G: C6_K23, seed: 1, v: vv} for vv in (0, 7)], label="exact",
                     description="exact limits on C_6 + K_{2,3} (SymPy, spectral form)"),
        at_points([{G: KARATE_FLORENTINE, seed: 1}, {G: C6_K23, seed: 1}], label="slem"),
        api_layers(_COMP_LADDER, label="api"),
    ],
    mutants=(
        Mutant("global_mean", _components_statement(component_mean(G, 1, node=v, per_component=False)),
               why="one limit for the whole graph: the global π-weighted mean"),
        Mutant("slem_below_one", _components_statement(component_mean(G, 1, node=v), "<"),
               why="a rate |λ|_(2) < 1 as on connected graphs"),
    ),
    depth="fixed-size",
    depth_note="exact on C_6 + K_{2,3}; karate + Florentine to 50–100 digits",
    note=r"$M$ is block diagonal over the components; on each block \texttt{os.mean.limit} applies. The "
         r"eigenvalue 1 has one eigenvector $\mathbf 1_c$ per component, so $|\lambda|_{(2)} = 1$: no global rate, "
         r"and a single global limit is wrong (mutant \texttt{global\_mean}).",
)

CLAIMS = [LIMIT, ENERGY_RATIO, BIPARTITE_OSCILLATION, SELF_LOOPS_BIPARTITE, COMPONENTS]
