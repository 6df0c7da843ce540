"""Figures of the positional-encoding topic (seed Ex 1b, 1c, 1d): deterministic PDFs.

* ``pe_gram``: heatmaps of ``E^T E`` for the seed's code and the seed's formula (claims ``pe.gram.*``);
* ``pe_scores``: ``K^T Q`` concatenated, added, and their difference, the cross terms (``pe.kq.*``);
* ``pe_cross_energy``: cross-term energy and relative size against ``n``: closed form and Monte Carlo
  (``pe.kq.cross_energy``, ``pe.cross.random_size``).
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import numpy as np

from verify.core.io import save_atomic
from verify.core.topic import Figure

from .encoding import sinusoidal_encoding
from .scores import (cross_terms, expected_cat_energy, expected_cross_energy, seed_get_E, seed_get_score)

_META = {"CreationDate": None}
#: Sizes for figures drawn 6.5 in wide and printed at the text width (16.6 cm): every text at least 7.5 pt.
_RC = {"font.size": 8, "axes.titlesize": 8, "axes.labelsize": 8, "xtick.labelsize": 7.5,
       "ytick.labelsize": 7.5, "legend.fontsize": 7.5, "svg.hashsalt": "verify"}


def _save(fig, path: Path) -> None:
    save_atomic(path, lambda tmp: fig.savefig(tmp, format=path.suffix.lstrip("."), metadata=_META
                                              if path.suffix == ".pdf" else None, bbox_inches="tight"))


def _heat(ax, M, title, cmap="viridis", vmin=None, vmax=None, label="score"):
    im = ax.imshow(M, cmap=cmap, vmin=vmin, vmax=vmax, origin="upper", interpolation="nearest",
                   extent=(0.5, M.shape[1] + 0.5, M.shape[0] + 0.5, 0.5))
    ax.set_title(title)
    ax.set_xlabel("position $j$")
    ax.set_ylabel("position $i$")
    cb = ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    cb.set_label(label)
    cb.ax.tick_params(labelsize=7.5)


def gram_figure(path: Path, n: int = 64, p: int = 256) -> None:
    import matplotlib.pyplot as plt

    G_code = seed_get_E(n, p).T @ seed_get_E(n, p)
    E_f = sinusoidal_encoding(n, p, convention="seed-formula")
    G_form = E_f.T @ E_f
    lim = float(max(np.abs(G_code).max(), np.abs(G_form).max()))
    fig, axes = plt.subplots(1, 3, figsize=(6.5, 2.45))
    _heat(axes[0], G_code, "$E^\\top E$, seed code\nget_E(64, 256)", "RdBu_r", -lim, lim, "$G_{ij}$")
    _heat(axes[1], G_form, "$E^\\top E$, seed formula\n(Toeplitz)", "RdBu_r", -lim, lim, "$G_{ij}$")
    d = np.arange(n)
    ax = axes[2]
    ax.plot(d, G_code[0, :], "o-", ms=3, lw=1, label="seed code, row $i=1$")
    ax.plot(d, G_code[n // 2, n // 2:].tolist() + [np.nan] * (n - (n - n // 2)), "s-", ms=2.5, lw=0.8,
            label=f"seed code, row $i={n // 2 + 1}$")
    ax.plot(d, G_form[0, :], "^-", ms=3, lw=1, label="seed formula (any row)")
    ax.axhline(0, color="0.5", lw=0.6)
    ax.set_xlabel("distance $d = j - i$")
    ax.set_ylabel("$G_{i,i+d}$")
    ax.set_title("profile along a row")
    # the legend goes under the panel: inside it would cover the oscillating profiles
    ax.legend(fontsize=7, handlelength=1.5, loc="upper center", bbox_to_anchor=(0.5, -0.3), frameon=False)
    fig.tight_layout(w_pad=0.6)
    _save(fig, path)
    plt.close(fig)


def scores_figure(path: Path, n: int = 64, p: int = 256) -> None:
    import matplotlib.pyplot as plt

    E = seed_get_E(n, p)
    X = np.random.default_rng(2023).normal(0.0, np.std(E), size=(p, n))
    with contextlib.redirect_stdout(io.StringIO()):
        S_cat = seed_get_score(E, X, mode="cat")
    S_add = seed_get_score(E, X, mode="add")
    C = S_add - S_cat
    lo = float(min(S_cat.min(), S_add.min()))
    hi = float(max(S_cat.max(), S_add.max()))
    cl = float(np.abs(C).max())
    fig, axes = plt.subplots(1, 3, figsize=(6.5, 2.5))
    _heat(axes[0], S_cat, "$K^\\top Q$, concatenated:\n$X^\\top X + E^\\top E$", "viridis", lo, hi, "")
    _heat(axes[1], S_add, "$K^\\top Q$, added:\n$(X+E)^\\top(X+E)$", "viridis", lo, hi, "")
    rho = np.linalg.norm(C) / np.linalg.norm(S_cat)
    _heat(axes[2], C, f"cross terms $E^\\top X + X^\\top E$\n"
                      f"$\\|C\\|_F/\\|S_{{cat}}\\|_F = {rho:.2f}$", "RdBu_r", -cl, cl, "$C_{ij}$")
    fig.tight_layout(w_pad=1.2)
    _save(fig, path)
    plt.close(fig)


def cross_energy_figure(path: Path, p: int = 256, draws: int = 100) -> None:
    import matplotlib.pyplot as plt

    ns = [8, 16, 32, 64, 128, 256]
    ns_line = np.unique(np.geomspace(4, 512, 24).astype(int))
    fig, axes = plt.subplots(1, 2, figsize=(6.5, 2.9))
    ax = axes[0]
    line = []
    for nn in ns_line:
        E = sinusoidal_encoding(int(nn), p, convention="seed-formula")
        line.append(expected_cross_energy(E, float(np.std(E))))
    ax.plot(ns_line, line, "-", color="C0", label="closed form $2\\sigma^2(n+1)\\|E\\|_F^2$")
    mc_mean, mc_err = [], []
    for t, nn in enumerate(ns):
        E = sinusoidal_encoding(nn, p, convention="seed-formula")
        s = float(np.std(E))
        rng = np.random.default_rng(100 + t)
        v = np.array([np.sum(cross_terms(rng.normal(0.0, s, size=E.shape), E) ** 2) for _ in range(draws)])
        mc_mean.append(v.mean())
        mc_err.append(3 * v.std(ddof=1) / np.sqrt(draws))
    ax.errorbar(ns, mc_mean, yerr=mc_err, fmt="o", color="C3", ms=4, capsize=3,
                label=f"Monte Carlo, {draws} draws ($\\pm 3$ SE)")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("sequence length $n$")
    ax.set_ylabel("$\\mathbb{E}\\,\\|E^\\top X + X^\\top E\\|_F^2$")
    ax.set_title(f"cross-term energy, seed formula, $p = {p}$")
    ax.legend(fontsize=7)
    ax = axes[1]
    for c, pp in enumerate((64, 256, 1024)):
        rho = []
        for nn in ns_line:
            E = sinusoidal_encoding(int(nn), pp, convention="seed-formula")
            s = float(np.std(E))
            rho.append(np.sqrt(expected_cross_energy(E, s) / expected_cat_energy(E, s)))
        ax.plot(ns_line, rho, "-", color=f"C{c}", label=f"$p = {pp}$")
    ax.axhline(0.1, color="0.4", ls="--", lw=0.8, label="10 % ('essentially the same')")
    E = seed_get_E(64, 256)
    s = float(np.std(E))
    ax.plot([64], [np.sqrt(expected_cross_energy(E, s) / expected_cat_energy(E, s))], "k*", ms=10,
            label="seed: get_E(64, 256)")
    ax.set_xscale("log", base=2)
    ax.set_xlabel("sequence length $n$")
    ax.set_ylabel("$\\rho = (\\mathbb{E}\\|C\\|_F^2 / \\mathbb{E}\\|S_{cat}\\|_F^2)^{1/2}$")
    ax.set_title("relative size of the cross terms")
    ax.legend(fontsize=7)
    fig.tight_layout()
    _save(fig, path)
    plt.close(fig)


def make_figures(outdir: Path) -> list[Figure]:
    """Write the topic's figures into ``outdir`` (``<report>/figures``); paths relative to the report folder."""
    import matplotlib

    matplotlib.use("Agg")
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    import matplotlib.pyplot as plt

    with plt.rc_context(_RC):
        gram_figure(outdir / "pe_gram.pdf")
        scores_figure(outdir / "pe_scores.pdf")
        cross_energy_figure(outdir / "pe_cross_energy.pdf")
    return [
        Figure("figures/pe_gram.pdf",
               r"$E^\top E$ for $n = 64$, $p = 256$: the seed's code (left; not Toeplitz, diagonal between 127.5 "
               r"and 128.5) and the seed's formula (middle; Toeplitz, diagonal $p/2 = 128$); right: profiles "
               r"along rows, decaying and oscillating but not monotone (\texttt{pe.gram.*}).", "fig:pe-gram"),
        Figure("figures/pe_scores.pdf",
               r"$K^\top Q$ for the seed's $E$ and one seeded $X \sim N(0, \mathrm{std}(E)^2)$: concatenated, added "
               r"(same colour scale), and their difference, the cross terms (\texttt{pe.kq.essentially\_same}).",
               "fig:pe-scores"),
        Figure("figures/pe_cross_energy.pdf",
               r"Left: $\mathbb{E}\|C\|_F^2$ against $n$, closed form and Monte Carlo (\texttt{pe.kq.cross\_energy}). "
               r"Right: relative size $\rho$ of the cross terms against $n$ for three widths $p$ "
               r"(\texttt{pe.cross.random\_size}).", "fig:pe-cross-energy"),
    ]
