r"""Claims ``agg.kernel.*``: accuracy of the numpy kernels ``softmax_aggregate`` / ``power_mean_aggregate``.

Statement (per kernel): the largest error, in ULP of the exact value, over the *well-conditioned* values of
the deterministic accuracy sweep (:func:`verify.aggregation.accuracy.sweep`, seed 0) is at most ``B`` in
float32 and in float64.  The measured maximum is the quantity ``ulp_K(d)`` (``d`` = 32 or 64, the dtype's
bits); its mpmath implementation runs the sweep, so the evidence evaluates the statement's sides with
:func:`verify.core.evaluate.evaluate` and compares the measured error with the statement's ``B``.  These
figures are machine dependent (they measure float arithmetic): the evidence is of kind ``numpy``.

The statement-bound float limit evidence builders for the ``Lim`` claims of ``agg.softmax`` / ``agg.pm``
live in :mod:`verify.aggregation.kernel_claims` and are re-exported here:
:func:`softmax_limit_float_evidence`, :func:`power_mean_limit_float_evidence`.
"""

from __future__ import annotations

import functools
from typing import Any

import mpmath
import sympy as sp

from verify.core.claim import Claim, Evidence, Mutant, Outcome
from verify.core.numeric import fmt
from verify.core.statement import All, Rel, quantity

from ..kernel_claims import power_mean_limit_float_evidence, softmax_limit_float_evidence  # noqa: F401

#: the stated bound (ULP) for well-conditioned values, both dtypes
ULP_BOUND = 16


@functools.lru_cache(maxsize=None)
def _sweep(kind: str, bits: int) -> Any:
    from ..accuracy import sweep

    if bits not in (32, 64):
        raise ValueError(f"the sweep runs in float32 or float64, not float{bits}")
    return sweep(kind, f"float{bits}", seed=0)


def _max_ulp(kind: str):
    def mp(bits: Any) -> Any:
        return mpmath.mpf(_sweep(kind, int(bits)).max_ulp)  # a float64: exact in mpmath

    return mp


_WHAT = {"softmax": "softmax_aggregate", "power_mean": "power_mean_aggregate"}

#: ``ulp_K(d)``: max error (ULP) of kernel K in float``d`` over the well-conditioned values of the sweep
ULP = {
    kind: quantity(
        f"ulp_{kind}", _max_ulp(kind), nargs=1,
        latex=r"\max_{{\kappa \le \kappa_0}}\operatorname{{ulp}}_{{\texttt{{float{0}}}}}\big(\texttt{{"
              + _WHAT[kind].replace("_", r"\_") + r"}}\big)",
        text="maxulp_" + _WHAT[kind] + "(float{0})",
        nonnegative=True)
    for kind in ("softmax", "power_mean")
}


def accuracy_statement(kind: str, bound: Any = ULP_BOUND) -> All:
    """``ulp_K(32) <= B`` and ``ulp_K(64) <= B``."""
    q = ULP[kind]
    return All(*[Rel(q(bits), sp.sympify(bound), "<=") for bits in (32, 64)])


def sweep_evidence(bits: int, budget: float = 60.0) -> Evidence:
    """The statement's parts about float``bits`` (those whose left side contains a ``ulp_K(bits)``
    node): both sides evaluated (the left side runs the accuracy sweep), the relation decided on the
    measured numbers; the figure adds the distribution and the ill-conditioned values of the sweep."""

    def run(prop: Any) -> Outcome:
        from verify.core.evaluate import evaluate
        from verify.core.statement import Statement

        if not isinstance(prop.statement, Statement):
            return Outcome("undecided", "no SymPy statement to read")
        parts = [p for p in prop.statement.parts() if isinstance(p, Rel) and _bits_of(p.lhs) == {bits}]
        if not parts:
            return Outcome("undecided", f"no part of the statement is about float{bits}")
        figs, data, bad = [], {}, None
        for part in parts:
            with mpmath.workdps(30):
                a, b = evaluate(part.lhs, {}), evaluate(part.rhs, {})
            ok = {"<=": a <= b, "<": a < b, ">=": a >= b, ">": a > b, "==": a == b}[part.rel]
            figs.append(f"max {fmt(a, 3)} ULP {part.rel} {fmt(b, 3)}")
            data.update(measured=float(a), bound=float(b))
            if not ok and bad is None:
                bad = f"measured {fmt(a, 3)} ULP, not {part.rel} {fmt(b, 3)}"
        kinds = {k for k, q in ULP.items() for p in parts if p.lhs.atoms(q)}
        detail = []
        for kind in sorted(kinds):
            r = _sweep(kind, bits)
            data.update(median_ulp=r.median_ulp, p99_ulp=r.p99_ulp, max_ulp=r.max_ulp, max_ulp_all=r.max_ulp_all,
                        n_values=r.n_values, n_ill_values=r.n_ill_values, max_ulp_per_kappa=r.max_ulp_per_kappa)
            figs.append(f"median {fmt(r.median_ulp)}, p99 {fmt(r.p99_ulp)} ULP over {r.n_values - r.n_ill_values} "
                        f"well-conditioned values; ill-conditioned: {r.n_ill_values}, max ulp/κ "
                        f"{fmt(r.max_ulp_per_kappa)}")
            worst = r.worst[0] if r.worst else None
            if worst is not None:
                detail.append(f"worst well-conditioned case: {worst.name} {worst.max_ulp_well:.3g} ULP")
            detail.append("ill-conditioned cases: " + (", ".join(c.name for c in r.ill_conditioned) or "none"))
        fig = "; ".join(figs)
        if bad is not None:
            return Outcome("refuted", f"float{bits}: {bad}; " + "; ".join(figs[len(parts):]), "\n".join(detail),
                           data=data)
        return Outcome("holds", f"float{bits}: " + fig, "\n".join(detail), data=data)

    return Evidence("numpy", run, label=f"float{bits}", budget=budget,
                    description=f"the accuracy sweep (seed 0) in float{bits} against the mpmath reference: the "
                                f"measured max ULP error compared with the statement's bound")


def _bits_of(expr: Any) -> set:
    out = set()
    for q in ULP.values():
        for node in sp.sympify(expr).atoms(q):
            arg = node.args[0]
            if arg.is_Integer:
                out.add(int(arg))
    return out


def _claim(kind: str) -> Claim:
    what = _WHAT[kind]
    sym = r"\lambda" if kind == "softmax" else "q"
    return Claim(
        id=f"agg.kernel.{kind}_accuracy", source="Ex 2 (kernels)",
        title=f"The numpy {what} kernel is within {ULP_BOUND:g} ULP on well-conditioned inputs",
        display=r"\max_{\kappa \le 16} \frac{|\texttt{" + what.replace("_", r"\_") + r"}(x; " + sym
                + r") - \text{exact}|}{\operatorname{ulp}(\text{exact})} \le " + f"{ULP_BOUND:g}",
        statement=accuracy_statement(kind),
        recorded="holds",
        assumptions=(r"\text{the deterministic accuracy sweep (seed 0), float32 and float64}",
                     r"\kappa_0 = 16 \text{ in float64 units (} 16\,\varepsilon_{32}/\varepsilon_{64} "
                     r"\text{ for float32 results)}"),
        evidence=[sweep_evidence(bits) for bits in (32, 64)],
        mutants=(
            Mutant("quarter_ulp", accuracy_statement(kind, sp.Rational(1, 4)),
                   why="an overclaim: within a quarter ULP (float32 results are rounded once, so their errors "
                       "reach 1/2 ULP; float64 errors reach several ULP)"),
        ),
        depth="numeric",
        depth_note="a measurement: the deterministic sweep against a 40-digit mpmath reference (figures depend "
                   "on the machine's float arithmetic)",
        note=r"Well-conditioned means a condition number $\kappa \le \kappa_0$ (see the accuracy module: the "
             r"threshold is $16$ for float64 results and $16\,\varepsilon_{32}/\varepsilon_{64}$ for float32 "
             r"results, which the kernels compute in float64 and round once); ill-conditioned values are "
             r"reported separately by their error per unit of $\kappa$, which a backward-stable evaluation keeps "
             r"bounded. The limits of the kernels are checked against the limit claims' statements by "
             r"\texttt{float\_ladder} evidence at parameters approaching the limit point "
             r"(\texttt{agg.softmax.*}, \texttt{agg.pm.*}).",
    )


CLAIMS = [_claim("softmax"), _claim("power_mean")]
