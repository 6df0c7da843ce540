"""Claims and evidence about the numpy kernels (``agg.kernel.*``) and numpy cross-checks of the limit
claims.  Present only once ``verify.aggregation.kernels``/``reference``/``accuracy`` exist.

* :func:`kernel_limit_evidence` — the kernel at a limit parameter (``t = ±inf``, ``0``, ``±1e300``;
  ``q = ±inf``, ``0``, ``±1e300``) against the mathematical limit (max, min, mean, geometric mean)
  computed in mpmath, per dtype, error in ULP (:func:`verify.core.numeric.ulp_error`).
* ``agg.kernel.softmax_accuracy`` / ``agg.kernel.power_mean_accuracy`` — the accuracy sweep of
  :func:`verify.aggregation.accuracy.sweep`: holds iff every well-conditioned value is within
  :data:`ULP_BOUND`; ill-conditioned values are reported separately (their ``ulp/κ``).
"""

from __future__ import annotations

import importlib.util
from typing import Any, Callable, Sequence

import mpmath
import numpy as np

from verify.core.claim import Claim, Evidence, Outcome
from verify.core.numeric import fmt, ulp_error

#: Stated bound for well-conditioned values (κ ≤ KAPPA_ILL), both dtypes.
ULP_BOUND = 16.0
#: Bound for the limit cross-checks (the limits are single rounded reductions).
LIMIT_ULP_BOUND = 4.0
DTYPES = ("float32", "float64")


def kernels_available() -> bool:
    return all(importlib.util.find_spec(f"verify.aggregation.{m}") is not None
               for m in ("kernels", "reference", "accuracy"))


def limit_test_segments(kind: str, seed: int = 3) -> tuple[np.ndarray, np.ndarray, int]:
    """Fixed test data: 8 segments of sizes 1..12 (one with ties), 3 channels.

    Softmax: normal messages; power mean: positive messages in (0.05, 2) (one segment with ties).
    """
    rng = np.random.default_rng(seed)
    sizes = np.array([1, 2, 3, 5, 7, 8, 11, 12])
    index = np.repeat(np.arange(sizes.size), sizes)
    if kind == "softmax":
        x = rng.standard_normal((index.size, 3))
    else:
        x = rng.uniform(0.05, 2.0, (index.size, 3))
    start = sizes[:5].sum()
    x[start:start + 7] = np.round(x[start:start + 7] * 2) / 2 + (0.5 if kind != "softmax" else 0.0)  # ties
    return x, index, int(sizes.size)


def _segment_values(x: np.ndarray, index: np.ndarray, num_segments: int) -> list[list[list[Any]]]:
    return [[[mpmath.mpf(float(v)) for v in x[index == s, c]] for c in range(x.shape[1])]
            for s in range(num_segments)]


def kernel_limit_evidence(kind: str, param: float, limit: Callable[[list], Any], dtype: str,
                          eta: float = 0.0, label: str | None = None, bound: float = LIMIT_ULP_BOUND,
                          budget: float = 30.0) -> Evidence:
    """The kernel at ``param`` (λ or q) in ``dtype`` against ``n^η · limit(segment)`` (mpmath, 60 digits),
    per segment and channel; holds iff the max error is ≤ ``bound`` ULP."""

    def run() -> Outcome:
        from . import kernels

        x64, index, N = limit_test_segments(kind)
        x = x64.astype(dtype)
        fn = kernels.softmax_aggregate if kind == "softmax" else kernels.power_mean_aggregate
        out = fn(x, index, N, param, eta)
        segs = _segment_values(x, index, N)
        with mpmath.workdps(60):
            ref = [mpmath.mpf(len(seg[0])) ** mpmath.mpf(eta) * limit(seg[c]) for seg in segs
                   for c in range(len(seg))]
        err = ulp_error(out, ref, dtype)
        worst = float(np.max(err))
        fig = f"{kind} {dtype} at {'λ' if kind == 'softmax' else 'q'}={param:g}: max {fmt(worst)} ULP"
        return Outcome("holds" if worst <= bound else "refuted", fig + f" (bound {fmt(bound)})",
                       data={"max_ulp": worst, "values": int(err.size)})

    return Evidence("numpy", run, label=label or dtype, budget=budget,
                    description=f"kernel at {param:g} vs the mpmath limit, {dtype}, ULP")


def _mean(seg):
    return mpmath.fsum(seg) / len(seg)


def _geo(seg):
    if any(v == 0 for v in seg):
        return mpmath.mpf(0)
    return mpmath.exp(mpmath.fsum(mpmath.log(v) for v in seg) / len(seg))


def limit_cross_checks() -> dict[str, list[Evidence]]:
    """numpy evidence to attach to the limit claims, keyed by claim id (two dtypes each)."""
    if not kernels_available():
        return {}
    out: dict[str, list[Evidence]] = {}

    def per_dtype(kind, params, limit, eta=0.0):
        evs = []
        for dt in DTYPES:
            for p in params:
                lab = dt if len(params) == 1 else f"{dt}:{_tag(p)}"
                evs.append(kernel_limit_evidence(kind, p, limit, dt, eta=eta, label=lab))
        return evs

    out["agg.softmax.limit_max"] = per_dtype("softmax", (np.inf, 1e300), max, eta=1.0)
    out["agg.softmax.limit_min"] = per_dtype("softmax", (-np.inf, -1e300), min)
    out["agg.softmax.at_zero"] = per_dtype("softmax", (0.0, 1e-300), _mean, eta=1.0)
    out["agg.pm.limit_max"] = per_dtype("power_mean", (np.inf, 1e300), max)
    out["agg.pm.limit_min"] = per_dtype("power_mean", (-np.inf, -1e300), min)
    out["agg.pm.limit_geometric"] = per_dtype("power_mean", (0.0, 1e-300), _geo)
    out["agg.pm.q1_mean"] = per_dtype("power_mean", (1.0,), _mean, eta=1.0)
    return out


def _tag(p: float) -> str:
    if np.isinf(p):
        return "inf" if p > 0 else "-inf"
    return f"{p:g}".replace("+", "")


# --------------------------------------------------------------------------------------------------
# accuracy sweep claims
# --------------------------------------------------------------------------------------------------


def _sweep_evidence(kind: str, dtype: str) -> Evidence:
    def run() -> Outcome:
        from .accuracy import sweep

        r = sweep(kind, dtype, seed=0)
        ok = r.max_ulp <= ULP_BOUND
        fig = (f"well-conditioned: median {fmt(r.median_ulp)}, p99 {fmt(r.p99_ulp)}, max {fmt(r.max_ulp)} ULP "
               f"(bound {fmt(ULP_BOUND)}); ill-conditioned: {r.n_ill_values}/{r.n_values} values, "
               f"max ulp/κ {fmt(r.max_ulp_per_kappa)}")
        worst = r.worst[0] if r.worst else None
        detail = f"worst well-conditioned case: {worst.name} {worst.max_ulp_well:.3g} ULP" if worst else ""
        detail += "\nill-conditioned cases: " + ", ".join(c.name for c in r.ill_conditioned)
        return Outcome("holds" if ok else "refuted", fig, detail,
                       data={"median_ulp": r.median_ulp, "p99_ulp": r.p99_ulp, "max_ulp": r.max_ulp,
                             "max_ulp_all": r.max_ulp_all, "n_values": r.n_values,
                             "n_ill_values": r.n_ill_values, "max_ulp_per_kappa": r.max_ulp_per_kappa})

    return Evidence("numpy", run, label=dtype, budget=90,
                    description=f"accuracy sweep of the {kind} kernel in {dtype} (seed 0) against mpmath")


def kernel_errors() -> dict[tuple[str, str], list[float]]:
    """Worst error per case of each sweep (for the figure): ``{(kind, dtype): [max_ulp per case]}``."""
    from .accuracy import sweep

    return {(k, d): [c.max_ulp for c in sweep(k, d, seed=0).cases]
            for k in ("softmax", "power_mean") for d in DTYPES}


def kernel_claims() -> list[Claim]:
    if not kernels_available():
        return []
    claims = []
    for kind, sym, what in (("softmax", r"\lambda", "softmax_aggregate"),
                            ("power_mean", "q", "power_mean_aggregate")):
        claims.append(Claim(
            id=f"agg.kernel.{kind}_accuracy", source="Ex 2 (kernels)",
            title=f"The numpy {what} kernel is within {ULP_BOUND:g} ULP on well-conditioned inputs",
            statement=r"\max_{\kappa \le 16} \frac{|\texttt{" + what.replace("_", r"\_") + r"}(x; " + sym
                      + r") - \text{exact}|}{\operatorname{ulp}(\text{exact})} \le " + f"{ULP_BOUND:g}",
            recorded="holds",
            assumptions=(r"\text{the deterministic accuracy sweep (seed 0), float32 and float64}",),
            evidence=[_sweep_evidence(kind, dt) for dt in DTYPES],
            note=r"Well-conditioned means a condition number $\kappa \le 16$ (see the accuracy module); "
                 r"ill-conditioned values are reported separately by their error per unit of $\kappa$, "
                 r"which a backward-stable evaluation keeps bounded.",
        ))
    return claims


def attach(claims: Sequence[Claim]) -> list[Claim]:
    """The claims with the kernel cross-check evidence appended (claims are frozen: rebuilt)."""
    import dataclasses

    extra = limit_cross_checks()
    return [dataclasses.replace(c, evidence=list(c.evidence) + extra.get(c.id, [])) for c in claims]
