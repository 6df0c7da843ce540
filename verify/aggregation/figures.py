"""Figures of the aggregation topic (deterministic PDFs, written atomically).

* ``agg_softmax_lambda``: S(λ) against λ (symlog) with min, mean and max marked;
* ``agg_power_mean_q``: M_q against q (symlog) with min, harmonic, geometric, mean and max marked;
* ``agg_softmax_gap``: max − S(λ) and the tight bound (n−k)/k Δ e^{−λΔ} on log axes;
* ``agg_kernel_ulp``: the kernels' error distribution in ULP per dtype (when the kernels exist).
"""

from __future__ import annotations

from pathlib import Path

import mpmath
import numpy as np

from verify.core.io import save_atomic
from verify.core.topic import Figure

from . import theory as th

#: The neighbourhood drawn in the figures (positive, with a spread, |N| = 5).
FIGURE_M = ("0.4", "1.1", "1.3", "2.2", "3.0")
FIGURE_ETA = 0.0


def _save(fig, outdir: Path, name: str) -> None:
    save_atomic(outdir / f"{name}.pdf", lambda p: fig.savefig(p, format="pdf", bbox_inches="tight",
                                                               metadata={"CreationDate": None}))


def softmax_curve(m=FIGURE_M, lams=None, eta=FIGURE_ETA):
    """(λ, S(λ, η)) on a symmetric log grid, evaluated in mpmath (30 digits) then rounded to float."""
    if lams is None:
        pos = np.logspace(-3, 3, 121)
        lams = np.concatenate([-pos[::-1], [0.0], pos])
    with mpmath.workdps(30):
        vals = [float(th.softmax_agg(m, mpmath.mpf(float(l)), eta)) for l in lams]
    return np.asarray(lams), np.asarray(vals)


def power_curve(m=FIGURE_M, qs=None):
    if qs is None:
        pos = np.logspace(-3, 3, 121)
        qs = np.concatenate([-pos[::-1], [0.0], pos])
    with mpmath.workdps(30):
        vals = [float(th.power_mean(m, mpmath.mpf(float(x)))) for x in qs]
    return np.asarray(qs), np.asarray(vals)


def gap_curve(m=FIGURE_M, lams=None):
    """(λ, max − S(λ), tight bound, bound for all λ)."""
    if lams is None:
        lams = np.logspace(-2, 2.5, 150)
    with mpmath.workdps(60):
        gap = [float(th.softmax_gap(m, mpmath.mpf(float(l)))) for l in lams]
        tight = [float(th.softmax_gap_bound(m, mpmath.mpf(float(l)))) for l in lams]
        spread = [float(th.softmax_gap_bound_spread(m, mpmath.mpf(float(l)))) for l in lams]
        delta = float(th.gap_structure(m)[2])
    return np.asarray(lams), np.asarray(gap), np.asarray(tight), np.asarray(spread), delta


def make_figures(outdir: Path) -> list[Figure]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    outdir = Path(outdir)
    plt.rcParams.update({"svg.hashsalt": "verify", "font.size": 9})
    figures: list[Figure] = []
    m = [float(x) for x in FIGURE_M]
    n = len(m)

    # --- S(λ) ---------------------------------------------------------------------------------
    lams, S = softmax_curve()
    fig, ax = plt.subplots(figsize=(6.0, 3.4))
    ax.plot(lams, S, color="C0", lw=1.8, label=r"$S(\lambda, \eta=0)$")
    for val, name, col in ((min(m), "min", "C2"), (sum(m) / n, "mean", "C1"), (max(m), "max", "C3")):
        ax.axhline(val, color=col, ls="--", lw=1, label=f"{name} = {val:.3g}")
    ax.set_xscale("symlog", linthresh=1e-2)
    ax.set_xticks([-1e3, -1e1, -1e-1, 0, 1e-1, 1e1, 1e3])  # every other decade: labels do not collide
    ax.set_xlabel(r"$\lambda$ (symlog; linear for $|\lambda| < 10^{-2}$)")
    ax.set_ylabel(r"$S(\lambda,0)$")
    ax.set_title(r"Softmax aggregation of $m = (" + ", ".join(FIGURE_M) + r")$: min $\leftarrow$ mean "
                 r"$\rightarrow$ max")
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(alpha=0.3)
    _save(fig, outdir, "agg_softmax_lambda")
    plt.close(fig)
    figures.append(Figure("figures/agg_softmax_lambda.pdf",
                          r"Softmax aggregation $S(\lambda, 0)$ of one neighbourhood against $\lambda$: strictly "
                          r"increasing from the min ($\lambda\to-\infty$) through the mean ($\lambda = 0$) to the "
                          r"max ($\lambda\to\infty$); for $\eta \ne 0$ every value scales by $|\mathcal N|^\eta$ (claims "
                          r"\texttt{agg.softmax.limit\_max}, \texttt{agg.softmax.limit\_min}, "
                          r"\texttt{agg.softmax.at\_zero}, \texttt{agg.softmax.derivative\_variance}).",
                          "fig:agg-softmax-lambda"))

    # --- M_q ------------------------------------------------------------------------------------
    qs, P = power_curve()
    fig, ax = plt.subplots(figsize=(6.0, 3.4))
    ax.plot(qs, P, color="C0", lw=1.8, label=r"$M_q(m)$")
    marks = [(min(m), "min ($q=-\\infty$)", "C2"), (n / sum(1 / x for x in m), "harmonic ($q=-1$)", "C4"),
             (float(np.exp(np.mean(np.log(m)))), "geometric ($q=0$)", "C5"), (sum(m) / n, "mean ($q=1$)", "C1"),
             (max(m), "max ($q=\\infty$)", "C3")]
    for val, name, col in marks:
        ax.axhline(val, color=col, ls="--", lw=1, label=f"{name} = {val:.3g}")
    for qv, (val, _, col) in zip((-1.0, 0.0, 1.0), marks[1:4]):
        ax.plot([qv], [val], "o", color=col, ms=5)
    ax.set_xscale("symlog", linthresh=1e-1)
    ax.set_xticks([-1e3, -1e2, -1e1, -1, 0, 1, 1e1, 1e2, 1e3])
    ax.set_xlabel(r"$q$ (symlog; linear for $|q| < 0.1$)")
    ax.set_ylabel(r"$M_q(m)$")
    ax.set_title(r"Power mean of $m = (" + ", ".join(FIGURE_M) + r")$ is non-decreasing in $q$")
    ax.legend(loc="upper left", fontsize=7.5)
    ax.grid(alpha=0.3)
    _save(fig, outdir, "agg_power_mean_q")
    plt.close(fig)
    figures.append(Figure("figures/agg_power_mean_q.pdf",
                          r"Power mean $M_q$ of the same neighbourhood against $q$ with the classical means "
                          r"marked (dots: the exact values at $q = -1, 0, 1$); $P(q,\eta) = |\mathcal N|^\eta M_q$ (claims "
                          r"\texttt{agg.pm.*}).",
                          "fig:agg-power-mean-q"))

    # --- gap and bound -----------------------------------------------------------------------------
    lams, gap, tight, spread, delta = gap_curve(lams=np.linspace(0.05, 40.0, 400))
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(6.6, 3.0), gridspec_kw={"width_ratios": [1.4, 1]})
    valid = lams * delta >= 1
    ax.semilogy(lams, gap, color="C0", lw=2.2, label=r"$\max - S(\lambda, 0)$")
    ax.semilogy(lams[valid], tight[valid], color="C3", ls="--", lw=1.2,
                label=r"$\frac{n-k}{k}\Delta e^{-\lambda\Delta}$ ($\lambda\Delta \geq 1$)")
    ax.semilogy(lams, spread, color="C2", ls="-.", lw=1.2, label=r"$\frac{n-k}{k}(\max-\min)e^{-\lambda\Delta}$")
    ax.axvline(1 / delta, color="grey", lw=0.8)
    ax.set_xlabel(r"$\lambda$")
    ax.set_ylabel("distance to the max")
    ax.set_title(r"$\max - S$ and its bounds ($\Delta = %.2g$, $k = 1$)" % delta, fontsize=9)
    ax.legend(loc="lower left", fontsize=7.5)
    ax.grid(alpha=0.3, which="both")
    ax2.plot(lams[valid], gap[valid] / tight[valid], color="C3", lw=1.6, label="tight bound")
    ax2.plot(lams, gap / spread, color="C2", ls="-.", lw=1.2, label="all-$\\lambda$ bound")
    two = ("2", "2", "1.5", "1.5", "1.5")
    l2, g2, t2, _, d2 = gap_curve(m=two, lams=np.linspace(1 / 0.5, 40.0, 200))
    ax2.plot(l2, g2 / t2, color="C4", lw=1.6, ls=":", label=r"tight, $m=(2,2,1.5,1.5,1.5)$")
    ax2.axhline(1.0, color="k", lw=0.8)
    ax2.set_ylim(0, 1.1)
    ax2.set_xlabel(r"$\lambda$")
    ax2.set_title("(max $-$ S) / bound", fontsize=9)
    ax2.legend(loc="center right", fontsize=7)
    ax2.grid(alpha=0.3)
    fig.tight_layout()
    _save(fig, outdir, "agg_softmax_gap")
    plt.close(fig)
    figures.append(Figure("figures/agg_softmax_gap.pdf",
                          r"Left: distance of the softmax aggregation to the max against $\lambda$ (log scale), "
                          r"with the bound $\frac{n-k}{k}\Delta e^{-\lambda\Delta}$ (claimed for $\lambda\Delta \ge 1$, "
                          r"right of the grey line) and the bound valid for all $\lambda > 0$. Right: the ratio "
                          r"distance/bound stays below $1$; for the tight bound it tends to $1$ when every "
                          r"non-maximiser sits at $\max - \Delta$ (dotted: two maximisers, three at "
                          r"$\max - \Delta$; claims \texttt{agg.softmax.gap\_bound}, \texttt{agg.softmax.gap\_bound\_all}).",
                          "fig:agg-softmax-gap"))

    figures.extend(_kernel_figure(outdir, plt))
    return figures


def _kernel_figure(outdir: Path, plt) -> list[Figure]:
    from .kernel_claims import kernels_available

    if not kernels_available():
        return []
    from .accuracy import KAPPA_ILL, sweep
    from .kernel_claims import ULP_BOUND

    cases = {(k, d): sweep(k, d, seed=0).cases for k in ("softmax", "power_mean") for d in ("float32", "float64")}
    fig, axes = plt.subplots(1, 2, figsize=(6.5, 2.9), sharey=True)
    bins = np.concatenate([[0], np.logspace(-2, 4, 49)])
    for ax, kind in zip(axes, ("softmax", "power_mean")):
        for dtype, col in (("float32", "C0"), ("float64", "C1")):
            well = np.asarray([c.max_ulp_well for c in cases[(kind, dtype)]], dtype=float)
            well = well[np.isfinite(well)]
            ax.hist(np.clip(well, 0, 1e4), bins=bins, histtype="step", lw=1.4, color=col,
                    label=f"{dtype}, values with $\\kappa \\leq {KAPPA_ILL:g}$")
            ill = np.asarray([c.max_ulp for c in cases[(kind, dtype)] if c.ill_conditioned], dtype=float)
            ill = ill[np.isfinite(ill)]
            if ill.size:
                ax.hist(np.clip(ill, 0, 1e4), bins=bins, histtype="step", lw=1.1, ls=":", color=col,
                        label=f"{dtype}, cases with $\\kappa > {KAPPA_ILL:g}$ (all values)")
        ax.axvline(ULP_BOUND, color="k", lw=0.9, ls="--")
        ax.text(ULP_BOUND * 1.25, 0.97, f"bound {ULP_BOUND:g} ULP\n($\\kappa \\leq {KAPPA_ILL:g}$)",
                transform=ax.get_xaxis_transform(), va="top", fontsize=7.5)
        ax.set_xscale("symlog", linthresh=1e-2)
        ax.set_xticks([0, 1e-2, 1, 1e2, 1e4])
        ax.set_xlim(0, 2e4)
        ax.set_xlabel("worst error of a case (ULP)")
        ax.set_title(kind.replace("_", " "), fontsize=9)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("cases")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2, fontsize=7.5, frameon=False,
               bbox_to_anchor=(0.5, -0.16))
    fig.tight_layout()
    _save(fig, outdir, "agg_kernel_ulp")
    plt.close(fig)
    over = {k: [c for c in cases[(k, "float64")] if c.max_ulp > ULP_BOUND] for k in ("softmax", "power_mean")}
    n_over = sum(len(v) for v in over.values())
    n_ill = sum(c.ill_conditioned for v in over.values() for c in v)
    kap = max((c.condition_number for v in over.values() for c in v), default=0.0)
    per_kappa = max(c.max_ulp_per_kappa for v in cases.values() for c in v)
    well = max(c.max_ulp_well for v in cases.values() for c in v)
    explain = (rf"{n_over} float64 cases exceed {ULP_BOUND:g} ULP ({len(over['softmax'])} softmax, "
               rf"{len(over['power_mean'])} power mean); {n_ill} of them contain an ill-conditioned value "
               rf"(condition number $\kappa$ up to {kap:.0f}: a mean of mixed-sign messages close to $0$, "
               rf"near-ties at large $|t|$, huge spreads of $x$ for the power mean), where no floating-point "
               rf"evaluation can do better than about $\kappa$ ULP; divided by $\max(1, \kappa)$ every error "
               rf"is at most {per_kappa:.1f} ULP." if n_over else
               rf"No case exceeds {ULP_BOUND:g} ULP.")
    return [Figure("figures/agg_kernel_ulp.pdf",
                   r"Worst error in ULP of each case of the accuracy sweep (seed 0) against the mpmath reference, "
                   r"per kernel and dtype. Solid: the values with condition number $\kappa \le "
                   rf"{KAPPA_ILL:g}$, which the claims \texttt{{agg.kernel.softmax\_accuracy}} and "
                   rf"\texttt{{agg.kernel.power\_mean\_accuracy}} bound by {ULP_BOUND:g} ULP (dashed line; the "
                   rf"worst is {well:.1f} ULP). Dotted: the cases holding an ill-conditioned value, all values "
                   rf"included. " + explain,
                   "fig:agg-kernel-ulp")]
