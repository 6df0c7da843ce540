r"""Figures of the oversmoothing topic (seed Ex 3): deterministic PDFs, written atomically.

* ``os_depth``: six measures of oversmoothing against the depth ``L`` on Zachary's karate club (unweighted)
  for mean, gcn and softmax (λ = 1) aggregation, each beside its prediction from ``λ_2`` (claims
  ``os.mean.*``, ``os.gcn.*``, ``os.measure.*``);
* ``os_rates``: the measured per-layer contraction of the energy against λ (softmax) and q (power mean),
  early (transient) and late (asymptotic), with the mean operator's ``λ_2²`` (claims ``os.interp.*``);
* ``os_karate``: the karate club coloured by one feature channel at depths 0, 2, 8, 32 of mean aggregation.

:func:`rate_table_tex` returns a booktabs ``tabular`` (LaTeX text, not a figure) of measured energy ratios
against ``λ_2²`` on four small social graphs.  Everything here is a float64 numpy measurement (machine
dependent): it belongs in the PDF, never in the committed derivations.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from verify.core.io import save_atomic
from verify.core.topic import Figure

from .measures import (dirichlet_energy, distance_to_limit, effective_rank, limit_subspace, mad, mean_limit,
                       numerical_rank)
from .propagate import propagate
from .spectrum import second_eigenvalue_modulus, symmetric_operator

__all__ = ["make_figures", "rate_table_tex", "RATE_TABLE_CAPTION", "rate_table_rows", "karate_graph", "depth_curves",
           "rate_curves", "predicted_rank"]

#: seeds of the random initial features (one per figure / table)
SEED_DEPTH = 20240601
SEED_RATES = 20240602
SEED_TABLE = 20240603
#: feature channels of X_0
CHANNELS = 16
#: deepest layer of the depth figure (the numerical rank reaches 1 near L = 300 in float64)
DEPTH = 320
#: softmax inverse temperature of the depth figure
LAMBDA_DEPTH = 1.0
#: layer windows of the rate figure: geometric mean of E_{l+1}/E_l over l in [a, b)
EARLY = (0, 4)
LATE = (40, 120)
#: depths drawn in the karate-club figure
DRAW_DEPTHS = (0, 2, 8, 32)
#: the layout seed of the karate-club drawing
LAYOUT_SEED = 7

_META = {"CreationDate": None}
_RC = {"font.size": 8, "axes.titlesize": 8.5, "axes.labelsize": 8, "xtick.labelsize": 7.5,
       "ytick.labelsize": 7.5, "legend.fontsize": 7.5, "svg.hashsalt": "verify", "pdf.fonttype": 42}
#: colours and labels of the three aggregations of the depth figure
_AGGS = (("mean", {}, "C0", "mean"), ("gcn", {}, "C1", "gcn"),
         ("softmax", {"t": LAMBDA_DEPTH}, "C2", r"softmax, $\lambda = 1$"))


def _save(fig, path: Path) -> None:
    save_atomic(path, lambda tmp: fig.savefig(tmp, format="pdf", bbox_inches="tight", metadata=_META))


def _unweighted(G):
    """``G``'s structure (node order kept, edge weights dropped): every edge has weight 1."""
    import networkx as nx

    H = nx.Graph()
    H.add_nodes_from(G)
    H.add_edges_from(G.edges())
    return H


def karate_graph():
    """Zachary's karate club (``networkx.karate_club_graph()``), unweighted: 34 nodes, 78 edges."""
    import networkx as nx

    return _unweighted(nx.karate_club_graph())


def _pos(v):
    """``v`` with non-positive entries as NaN (for log axes: a 0 is a gap, not a crash)."""
    v = np.asarray(v, dtype=float)
    return np.where(v > 0, v, np.nan)


# --------------------------------------------------------------------------------------------------------
# data
def depth_curves(depth: int = DEPTH, channels: int = CHANNELS, seed: int = SEED_DEPTH) -> dict:
    """Measures of ``X_L`` for ``L = 0..depth`` on the (unweighted) karate club, per aggregation.

    Returns ``{"L", "lam2", "eig" (moduli of the mean operator's spectrum, descending), "X0", "n",
    <agg>: {"E", "Esym", "dist", "mad", "rank", "erank"}, "limits": {...}}`` (float64 numpy).
    ``Esym`` is the normalised energy with the self-loop degrees ``d̃`` (the gcn operator's Laplacian).
    """
    G = karate_graph()
    n = G.number_of_nodes()
    X0 = np.random.default_rng(seed).standard_normal((n, channels))
    lam2 = second_eigenvalue_modulus(G, "mean")
    eig = np.sort(np.abs(np.linalg.eigvalsh(symmetric_operator(G, "mean").toarray())))[::-1]
    out = {"L": np.arange(depth + 1), "lam2": lam2, "eig": eig, "X0": X0, "n": n}
    Q = {"mean": limit_subspace(G, "mean"), "gcn": limit_subspace(G, "gcn")}
    for agg, kw, _, _ in _AGGS:
        Y = propagate(G, X0, depth, agg, **kw)
        Qa = Q["gcn" if agg == "gcn" else "mean"]
        out[agg] = {
            "E": np.array([dirichlet_energy(G, y) for y in Y]),
            "Esym": np.array([dirichlet_energy(G, y, normalized=True, self_loops=True) for y in Y]),
            "dist": np.array([distance_to_limit(y, Qa) for y in Y]),
            "mad": np.array([mad(G, y) for y in Y]),
            "rank": np.array([numerical_rank(y) for y in Y]),
            "erank": np.array([effective_rank(y) for y in Y]),
        }
    Xg = Q["gcn"] @ (Q["gcn"].T @ X0)                  # the gcn limit: projection onto sqrt(d̃)
    Xm = mean_limit(G, X0)                             # the mean limit: 1 πᵀ X_0
    out["limits"] = {"E_gcn": dirichlet_energy(G, Xg),
                     "Esym_mean": dirichlet_energy(G, Xm, normalized=True, self_loops=True)}
    return out


def predicted_rank(eig, L, n: int, channels: int) -> np.ndarray:
    """Numerical rank predicted from the spectrum: ``min(C, #{i : |μ_i|^L > max(n, C) eps})`` per depth."""
    tol = max(n, channels) * np.finfo(np.float64).eps
    L = np.asarray(L)
    with np.errstate(divide="ignore"):
        alive = (np.asarray(eig)[None, :] ** L[:, None]) > tol
    return np.minimum(channels, alive.sum(axis=1))


def _contraction(E, window):
    a, b = window
    return float((E[b] / E[a]) ** (1.0 / (b - a)))


def rate_curves(params=None, channels: int = CHANNELS, seed: int = SEED_RATES) -> dict:
    """Per-layer energy contraction of softmax (against λ) and power mean (against q) on the karate club.

    X_0 is seeded: ``N(0, 1)`` for softmax, ``exp(N(0, 1)/2)`` (positive) for the power mean.  For each
    parameter the energies of ``X_0..X_{LATE[1]}`` give the geometric mean of ``E_{l+1}/E_l`` over the
    ``EARLY`` and ``LATE`` windows.  Returns ``{"p", "lam2", "softmax": (early, late), "power_mean": ...,
    "mean": (early, late) of the softmax X_0, "mean_pos": ... of the positive X_0}``.
    """
    if params is None:
        params = np.linspace(-10.0, 10.0, 81)
    G = karate_graph()
    n = G.number_of_nodes()
    rng = np.random.default_rng(seed)
    Xs = rng.standard_normal((n, channels))
    Xp = np.exp(0.5 * rng.standard_normal((n, channels)))
    depth = max(EARLY[1], LATE[1])
    need = sorted({EARLY[0], EARLY[1], LATE[0], LATE[1]})

    def rates(Y):
        E = {k: dirichlet_energy(G, Y[k]) for k in need}
        return _contraction(E, EARLY), _contraction(E, LATE)

    out = {"p": np.asarray(params, dtype=float), "lam2": second_eigenvalue_modulus(G, "mean")}
    for agg, key, X in (("softmax", "t", Xs), ("power_mean", "q", Xp)):
        r = [rates(propagate(G, X, depth, agg, **{key: float(p)})) for p in out["p"]]
        out[agg] = tuple(np.array(col) for col in zip(*r))
    out["mean"] = rates(propagate(G, Xs, depth, "mean"))
    out["mean_pos"] = rates(propagate(G, Xp, depth, "mean"))
    return out


# --------------------------------------------------------------------------------------------------------
# the rate table
def _table_graphs():
    import networkx as nx

    return (("karate club", _unweighted(nx.karate_club_graph())),
            ("Les Mis\\'erables", _unweighted(nx.les_miserables_graph())),
            ("Florentine families", _unweighted(nx.florentine_families_graph())),
            ("Davis Southern women", _unweighted(nx.davis_southern_women_graph())))


def rate_table_rows(channels: int = CHANNELS, seed: int = SEED_TABLE, target: float = 1e-16) -> list[dict]:
    r"""Measured late-layer energy ratio against ``λ_2²`` per graph and aggregation (self loops, float64).

    Graphs unweighted.  ``mean``: plain energy ``E``; ``gcn``: normalised energy ``E_sym`` with the degrees of
    ``Ã`` (the plain energy of gcn tends to a positive constant).  The late layer ``L`` is where the predicted
    decay ``λ_2^{2L}`` reaches ``target`` (deep enough for the other eigen-components to have died, shallow
    enough to stay far above float64 rounding); the ratio is ``E_{L+1} / E_L``.
    """
    rows = []
    for g, (name, G) in enumerate(_table_graphs()):
        n = G.number_of_nodes()
        X0 = np.random.default_rng(seed + g).standard_normal((n, channels))
        for agg in ("mean", "gcn"):
            lam2 = second_eigenvalue_modulus(G, agg)
            mods = np.sort(np.abs(np.linalg.eigvalsh(symmetric_operator(G, agg).toarray())))[::-1]
            L = int(math.ceil(math.log(target) / (2.0 * math.log(lam2))))
            Y = propagate(G, X0, L + 1, agg)
            norm = agg == "gcn"
            E0, EL, EL1 = (dirichlet_energy(G, Y[k], normalized=norm, self_loops=True) for k in (0, L, L + 1))
            ratio = EL1 / EL
            rows.append({"graph": name, "n": n, "edges": G.number_of_edges(), "aggregation": agg, "L": L,
                         "lam2": lam2, "pred": lam2 * lam2, "measured": ratio, "gap": float(mods[2] / lam2),
                         "decay": EL / E0, "rel": ratio / (lam2 * lam2) - 1.0})
    return rows


def _sci(x: float) -> str:
    if x == 0:
        return "$0$"
    m, e = f"{x:.1e}".split("e")
    return rf"${m}\cdot 10^{{{int(e)}}}$"


#: a caption for :func:`rate_table_tex` (LaTeX)
RATE_TABLE_CAPTION = (
    r"Measured energy ratio $E_{L+1}/E_L$ at a late layer $L$ against the predicted rate $\lambda_2^2$ "
    r"(\texttt{second\_eigenvalue\_modulus}), one seeded $X_0 \sim N(0,1)^{n\times 16}$ per graph, float64. "
    r"Graphs unweighted, self loops added (the Davis graph is bipartite: without them $|\lambda_2| = 1$). "
    r"Mean: plain Dirichlet energy $E$; gcn: normalised energy $E_{\mathrm{sym}}$ (the plain energy of gcn "
    r"tends to a positive constant). $L$ is where $\lambda_2^{2L} = 10^{-16}$; the ratio approaches "
    r"$\lambda_2^2$ like $(|\lambda_3|/\lambda_2)^{2L}$, slowest for Les Mis\'erables (claims "
    r"\texttt{os.mean.*}, \texttt{os.gcn.*}). Numpy measurements: the last digits depend on the machine.")


def rate_table_tex() -> str:
    r"""A booktabs ``tabular``: measured energy ratio ``E_{L+1}/E_L`` at a late layer ``L`` against ``λ_2²``.

    One row per graph (karate club, Les Misérables, Florentine families, Davis Southern women; all
    unweighted, self loops added as in every aggregation here -- the Davis graph is bipartite, so without
    them ``|λ_2| = 1``) and aggregation (mean with the plain energy, gcn with the normalised energy).
    Numpy float64 measurements: machine dependent, for the PDF only.
    """
    lines = [r"\begin{tabular}{llrrllr}", r"\toprule",
             r"graph & aggregation & $|\lambda_3|/\lambda_2$ & $L$ & $\lambda_2^2$ & $E_{L+1}/E_L$ & "
             r"rel.\ diff. \\", r"\midrule"]
    rows = rate_table_rows()
    for i, r in enumerate(rows):
        first = i == 0 or rows[i - 1]["graph"] != r["graph"]
        if first and i:
            lines.append(r"\addlinespace")
        energy = r"mean, $E$" if r["aggregation"] == "mean" else r"gcn, $E_{\mathrm{sym}}$"
        name = r["graph"] if first else rf"\quad\footnotesize $n = {r['n']}$, $|E| = {r['edges']}$"
        lines.append(" & ".join([name, energy, f"{r['gap']:.3f}", str(r["L"]), f"{r['pred']:.9f}",
                                 f"{r['measured']:.9f}", _sci(r["rel"])]) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------------------
# figures
def _log_ticks(ax, every: int = 5):
    from matplotlib.ticker import LogLocator, NullFormatter, NullLocator

    lo, hi = ax.get_ylim()
    span = math.log10(hi) - math.log10(lo)
    step = next((s for s in (1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20) if span / s <= every), 20)
    ax.yaxis.set_major_locator(LogLocator(base=10.0 ** step, numticks=12))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_minor_formatter(NullFormatter())


def depth_figure(path: Path, data: dict | None = None) -> None:
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    d = depth_curves() if data is None else data
    L, lam2 = d["L"], d["lam2"]
    fig, axes = plt.subplots(2, 3, figsize=(6.5, 3.75), sharex=True)
    (axE, axS, axD), (axM, axR, axER) = axes
    pred = dict(color="k", ls="--", lw=1.0, zorder=5)
    lim_kw = dict(color="k", ls=":", lw=1.2, zorder=6)
    lw = {"mean": 2.6, "gcn": 1.5, "softmax": 1.0}
    alpha = {"mean": 0.55, "gcn": 0.95, "softmax": 1.0}
    for agg, _, col, _ in _AGGS:
        m = d[agg]
        kw = dict(color=col, lw=lw[agg], alpha=alpha[agg])
        axE.semilogy(L, _pos(m["E"]), **kw)
        axS.semilogy(L, _pos(m["Esym"]), **kw)
        axD.semilogy(L, _pos(m["dist"]), **kw)
        axM.semilogy(L, _pos(m["mad"]), **kw)
        axR.step(L, m["rank"], where="post", **kw)
        axER.semilogy(L, _pos(m["erank"] - 1.0), **kw)
    m0 = d["mean"]
    axE.semilogy(L, m0["E"][0] * lam2 ** (2 * L), **pred)
    axE.axhline(d["limits"]["E_gcn"], **lim_kw)
    axS.semilogy(L, m0["Esym"][0] * lam2 ** (2 * L), **pred)
    axS.axhline(d["limits"]["Esym_mean"], **lim_kw)
    axD.semilogy(L, m0["dist"][0] * lam2 ** L, **pred)
    axM.semilogy(L, m0["mad"][0] * lam2 ** (2 * L), **pred)
    axR.step(L, predicted_rank(d["eig"], L, d["n"], d["X0"].shape[1]), where="post", **pred)
    titles = ((axE, r"(a) energy $E(X_L)$"), (axS, r"(b) normalised energy $E_{\mathrm{sym}}(X_L)$"),
              (axD, r"(c) distance to the limit"), (axM, r"(d) MAD (cosine, neighbours)"),
              (axR, r"(e) numerical rank"), (axER, r"(f) effective rank $-\ 1$"))
    for ax, t in titles:
        ax.set_title(t, loc="left")
        ax.grid(alpha=0.3, lw=0.5)
        ax.set_xlim(0, L[-1])
        ax.set_xticks([0, 100, 200, 300])
    for ax in (axE, axS, axD, axM, axER):
        _log_ticks(ax)
    axR.set_ylim(0, 17)
    axR.set_yticks([1, 4, 8, 12, 16])
    for ax in axes[1]:
        ax.set_xlabel("depth $L$")
    aggs = [Line2D([], [], color=col, lw=max(lw[agg], 1.4), alpha=alpha[agg], label=lab)
            for agg, _, col, lab in _AGGS]
    extra = [Line2D([], [], **{k: v for k, v in pred.items() if k != "zorder"},
                    label=r"prediction ($\lambda_2^{2L}$, $\lambda_2^{L}$, spectrum)"),
             Line2D([], [], color="k", ls=":", lw=1.2, label="energy of the limit")]
    handles = [aggs[0], extra[0], aggs[1], extra[1], aggs[2]]       # filled column by column: 2 rows
    fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.985), ncol=3, frameon=False,
               handlelength=2.4, columnspacing=1.4)
    fig.tight_layout(h_pad=0.8, w_pad=0.6)
    _save(fig, path)
    plt.close(fig)


def rates_figure(path: Path, data: dict | None = None) -> None:
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FixedLocator, NullLocator

    d = rate_curves() if data is None else data
    p, lam2 = d["p"], d["lam2"]
    fig, axes = plt.subplots(2, 2, figsize=(6.5, 3.5), sharex=True, sharey="row",
                             gridspec_kw={"height_ratios": [2.2, 1.0], "hspace": 0.12, "wspace": 0.16})
    for k, (agg, sym, x0, mean_key) in enumerate((("softmax", r"\lambda", 0.0, "mean"),
                                                  ("power_mean", "q", 1.0, "mean_pos"))):
        ax, axd = axes[0, k], axes[1, k]
        early, late = d[agg]
        ax.semilogy(p, early, color="C1", lw=1.6, label=f"layers {EARLY[0]}$\\to${EARLY[1]} (transient)")
        ax.axhline(lam2 ** 2, color="k", ls="--", lw=1.0, zorder=4, label=r"$\lambda_2^2$ of the mean operator")
        ax.semilogy(p, late, ls="none", color="C0", marker="o", ms=3.2, mfc="none", mew=0.9, markevery=2,
                    label=f"layers {LATE[0]}$\\to${LATE[1]} (asymptotic)")
        me, ml = d[mean_key]
        ax.plot([x0, x0], [me, ml], ls="none", marker="*", ms=10, color="k", mfc="w", mew=1.0, zorder=6,
                label=r"mean aggregation ($\lambda = 0$ / $q = 1$)")
        dev = 1e4 * (late / lam2 ** 2 - 1.0)
        axd.plot(p, dev, color="C0", lw=1.2, marker="o", ms=2.4, mfc="none", mew=0.7, markevery=2)
        axd.axhline(0.0, color="k", ls="--", lw=1.0)
        axd.plot([x0], [1e4 * (ml / lam2 ** 2 - 1.0)], ls="none", marker="*", ms=9, color="k", mfc="w",
                 mew=1.0, zorder=6)
        for a in (ax, axd):
            a.axvline(x0, color="0.6", lw=0.6, zorder=0)
            a.grid(alpha=0.3, lw=0.5)
        axd.set_xlim(p[0], p[-1])
        axd.set_xticks(np.arange(-10, 11, 5))
        axd.set_xlabel(f"${sym}$")
    axes[0, 0].set_title(r"softmax aggregation, $X_0 \sim N(0, 1)$", loc="left")
    axes[0, 1].set_title(r"power mean, $X_0 = e^{N(0,1)/2} > 0$", loc="left")
    axes[0, 0].set_ylabel("energy contraction\nper layer $E_{l+1}/E_l$")
    axes[1, 0].set_ylabel("asymptotic rate\n$/\\lambda_2^2 - 1$ ($10^{-4}$)")
    ax = axes[0, 0]
    ax.set_ylim(0.1, 1.15)
    ax.yaxis.set_major_locator(FixedLocator([0.1, 0.2, 0.5, 1.0]))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:g}")
    late_all = np.concatenate([d["softmax"][1], d["power_mean"][1]])
    lim = max(0.5, float(np.ceil(2.6 * np.nanmax(np.abs(1e4 * (late_all / lam2 ** 2 - 1.0))))) / 2)
    axes[1, 0].set_ylim(-lim, lim)
    h, lab = axes[0, 0].get_legend_handles_labels()
    fig.legend(h, lab, loc="lower center", bbox_to_anchor=(0.5, 0.99), ncol=2, frameon=False)
    _save(fig, path)
    plt.close(fig)


def karate_figure(path: Path, depths=DRAW_DEPTHS, channel: int = 0, seed: int = SEED_DEPTH) -> None:
    import matplotlib.patheffects as pe
    import matplotlib.pyplot as plt
    import networkx as nx
    from matplotlib.collections import LineCollection

    G = karate_graph()
    n = G.number_of_nodes()
    X0 = np.random.default_rng(seed).standard_normal((n, CHANNELS))
    Y = propagate(G, X0, max(depths), "mean")[:, :, channel]
    limit = float(mean_limit(G, X0)[0, channel])
    pos = nx.spring_layout(G, seed=LAYOUT_SEED)
    xy = np.array([pos[v] for v in G])
    segs = np.array([[xy[u], xy[v]] for u, v in G.edges()])
    vmax = float(np.abs(Y[0]).max())
    rows = (len(depths) + 1) // 2
    fig = plt.figure(figsize=(6.4, 1.62 * rows))
    gs = fig.add_gridspec(rows, 4, width_ratios=[1, 1, 0.16, 0.045], wspace=0.04, hspace=0.22)
    norm = plt.Normalize(-vmax, vmax)
    halo = [pe.withStroke(linewidth=2.2, foreground="w")]
    for k, L in enumerate(depths):
        ax = fig.add_subplot(gs[k // 2, k % 2])
        ax.add_collection(LineCollection(segs, colors="0.6", linewidths=0.6, zorder=1))
        sc = ax.scatter(xy[:, 0], xy[:, 1], c=Y[L], cmap="RdBu_r", norm=norm, s=62, edgecolors="0.15",
                        linewidths=0.5, zorder=2)
        for v in (0, n - 1):      # the instructor (0) and the administrator (33)
            ax.annotate(str(v), xy[v], xytext=(0, 0), textcoords="offset points", ha="center", va="center",
                        fontsize=6.5, zorder=3, path_effects=halo)
        spread = float(Y[L].max() - Y[L].min())
        m, e = f"{spread:.2e}".split("e")
        sp_txt = f"{spread:.2f}" if spread >= 0.1 else rf"{float(m):.1f} \cdot 10^{{{int(e)}}}"
        ax.set_title(f"depth $L = {L}$: max $-$ min $= {sp_txt}$", fontsize=8.5)
        ax.set_aspect("equal")
        ax.margins(0.07)
        ax.set_xticks([])
        ax.set_yticks([])
        for s in ax.spines.values():
            s.set_color("0.85")
    cax = fig.add_subplot(gs[:, -1])
    boxes = []
    for ax in fig.axes[:-1]:
        ax.apply_aspect()
        boxes.append(ax.get_position())
    y0, y1 = min(bx.y0 for bx in boxes), max(bx.y1 for bx in boxes)
    cpos = cax.get_position()
    cax.set_position([cpos.x0, y0, cpos.width, y1 - y0])      # the colour bar spans the drawn panels
    cb = fig.colorbar(sc, cax=cax)
    cb.set_label(f"feature channel {channel} of $X_L$", fontsize=8)
    cb.ax.tick_params(labelsize=7.5)
    cb.ax.plot([0, 1], [limit, limit], color="k", lw=1.4, transform=cb.ax.get_yaxis_transform())
    cb.ax.annotate(r"$\pi^\top x_0$", (0.0, limit), xycoords=("axes fraction", "data"), xytext=(-3, 0),
                   textcoords="offset points", ha="right", va="center", fontsize=8)
    _save(fig, path)
    plt.close(fig)


def make_figures(outdir: Path) -> list[Figure]:
    """Write the topic's figures into ``outdir`` (``<report>/figures``); paths are relative to the report."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    with plt.rc_context(_RC):
        depth = depth_curves()
        depth_figure(outdir / "os_depth.pdf", depth)
        rates = rate_curves()
        rates_figure(outdir / "os_rates.pdf", rates)
        karate_figure(outdir / "os_karate.pdf")
    from verify.core.io import write_atomic

    write_atomic(outdir / "os_rate_table.tex", rate_table_tex() + "\n")
    lam2 = depth["lam2"]
    return [
        Figure("figures/os_depth.pdf",
               rf"Oversmoothing on Zachary's karate club (unweighted, 34 nodes, 78 edges, self loops added) for "
               rf"{DEPTH} layers of mean, gcn and softmax ($\lambda = 1$) aggregation of one seeded "
               rf"$X_0 \sim N(0,1)^{{34\times {CHANNELS}}}$; $\lambda_2 = {lam2:.4f}$ is the second eigenvalue "
               r"modulus of the mean operator $\tilde D^{-1}\tilde A$ (the same for gcn, a similar matrix; the "
               r"linearisation of softmax at consensus is the mean operator). Dashed: the prediction, "
               r"the value at $L = 0$ times $\lambda_2^{2L}$ in (a), (b), (d) and times $\lambda_2^L$ in (c); in "
               rf"(e) the number (at most $C = {CHANNELS}$) of eigenvalues with $|\mu_i|^L > \max(n, C)\,"
               rf"\varepsilon$, which is where the numerical rank falls in float64 (in exact arithmetic it stays "
               rf"{CHANNELS}); (f) has none. Dotted: the energy of the "
               r"limit, which is not zero when the limit subspace is not the energy's kernel: "
               r"gcn tends to $\sqrt{\tilde d}$ (positive plain energy, (a)), mean to constants (positive "
               r"normalised energy, (b)). The measured curves fall below the dashed line and run parallel "
               r"to it, down to float64 rounding near $L \approx 300$; MAD and rank ignore the scale of the rows, "
               r"so they collapse for gcn as well (claims \texttt{os.mean.*}, \texttt{os.gcn.*}, "
               r"\texttt{os.measure.*}).", "fig:os-depth"),
        Figure("figures/os_rates.pdf",
               rf"Measured energy contraction per layer (geometric mean of $E_{{l+1}}/E_l$) on the karate club "
               rf"against the softmax inverse temperature $\lambda$ (left) and the power $q$ of the power mean "
               rf"(right), over the first {EARLY[1]} layers and over layers {LATE[0]}--{LATE[1]}. Dashed: "
               rf"$\lambda_2^2 = {lam2 ** 2:.4f}$ of the mean operator; stars: mean aggregation ($\lambda = 0$, "
               rf"$q = 1$); bottom: the asymptotic rate$/\lambda_2^2 - 1$ in units of $10^{{-4}}$ (seeded "
               rf"$X_0$, $34 \times {CHANNELS}$, as in the panel titles). The parameter sets how fast the features first contract (towards max/min for "
               r"$|\lambda|, |q| \to \infty$, which reach consensus in finitely many layers, claims "
               r"\texttt{os.maxmin.*}), but near consensus both aggregations linearise to the mean operator, "
               r"so every finite $\lambda$ and $q$ has the asymptotic rate $\lambda_2^2$ "
               r"(claims \texttt{os.interp.*}).", "fig:os-rates"),
        Figure("figures/os_karate.pdf",
               rf"One feature channel of $X_L$ under mean aggregation on the karate club at depths "
               rf"{', '.join(map(str, DRAW_DEPTHS[:-1]))} and {DRAW_DEPTHS[-1]} (fixed spring layout; one colour "
               r"scale for all panels; nodes 0 and 33 are the instructor and the administrator). The features "
               r"flow to the degree-weighted average $\pi^\top x_0$ (black mark on the colour bar), the spread "
               rf"shrinking like $\lambda_2^L$ (claims \texttt{{os.mean.*}}).", "fig:os-karate"),
        Figure("figures/os_rate_table.tex", RATE_TABLE_CAPTION, "tab:os-rates"),
    ]
