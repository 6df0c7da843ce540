r"""Claims of seed Ex 1 (positional encoding: adding versus concatenating), one module per group of the seed.

=============  ====================================================================================
``score``      ``pe.score.*`` (Ex 1a): the expansions of the added and concatenated scores
``enc``        ``pe.enc.*`` (Ex 1b): the encoding formula and the code ``get_E``
``gram``       ``pe.gram.*`` (Ex 1b): the structure of :math:`E^\top E` and the heatmap observation
``kq``         ``pe.kq.*`` (Ex 1c): random features, the code output and the observation
``cross``      ``pe.cross.*`` (Ex 1d): when the cross terms vanish
=============  ====================================================================================
"""

from __future__ import annotations

from verify.core.groups import gather
from verify.core.topic import Topic

GROUPS = (("score", "pe.score."), ("enc", "pe.enc."), ("gram", "pe.gram."), ("kq", "pe.kq."), ("cross", "pe.cross."))

CLAIMS = gather(__name__, GROUPS)

INTRO = (r"Seed Ex 1 compares adding a sinusoidal encoding $E \in \mathbb{R}^{p\times n}$ to the features "
         r"$X$ with concatenating it, through the score $K^\top Q$ with $K = Q$. Encoding conventions (function "
         r"\texttt{sinusoidal\_encoding}): \emph{seed formula} (rows $0..p-1$ paired on "
         r"$\omega_k = (10^4)^{-2k/5000}$, positions $1..n$), \emph{seed code} (\texttt{get\_E}: one frequency per "
         r"row) and \emph{Transformer} ($\omega_k = (10^4)^{-2k/p}$, positions $0..n-1$).")


def make_figures(outdir):
    from ..figures import make_figures as _make

    return _make(outdir)


TOPIC = Topic(name="positional", title="Positional encoding (Ex 1)", claims=CLAIMS, intro=INTRO,
              figures=make_figures, prefix="pe")
