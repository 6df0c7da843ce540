r"""Topic 3 of the seed: oversmoothing (Ex 3, not attempted in the seed), as claims, one module per group.

=============  ==========================================================================================
``spectrum``   ``os.spectrum.*``: exact spectra of small graphs' propagation operators (path, cycle, star,
               complete, complete bipartite), the second eigenvalue modulus that sets every rate
``mean``       ``os.mean.*``: mean aggregation: convergence to 1·πᵀX₀, energy ratio → λ₂², bipartite
               oscillation, self loops, disconnected graphs
``gcn``        ``os.gcn.*``: GCN normalisation: the √d̃ direction, plain vs normalised energy
``measure``    ``os.measure.*``: what the measures say (energy, MAD, numerical rank; Rusch et al.'s axioms)
``maxmin``     ``os.maxmin.*``: max/min aggregation reaches the component extremum in finite time
``interp``     ``os.interp.*``: softmax (λ) and power-mean (q) aggregation, the seed's Ex 2 interpolation
=============  ==========================================================================================
"""

from __future__ import annotations

from verify.core.groups import gather
from verify.core.topic import Topic

GROUPS = (("spectrum", "os.spectrum."), ("mean", "os.mean."), ("gcn", "os.gcn."), ("measure", "os.measure."),
          ("maxmin", "os.maxmin."), ("interp", "os.interp."))

CLAIMS = gather(__name__, GROUPS)

INTRO = (r"Seed Ex 3 (``Observing Oversmoothing'') was not attempted in the seed. Repeated neighbourhood "
         r"aggregation $X_{\ell+1} = \mathrm{AGG}(X_\ell)$ drives node features together. We decide, from "
         r"evidence, how fast and towards what, for the mean, sum and GCN operators (spectral rates), for max and "
         r"min (finite time), and for the seed's interpolating aggregations of Ex 2 (softmax at $\lambda$, power "
         r"mean at $q$), and which measures of oversmoothing say what they claim to.")


def make_figures(outdir):
    try:
        from ..figures import make_figures as _make
    except ImportError:  # the figures module is written with the report section
        return []
    return _make(outdir)


TOPIC = Topic(name="oversmoothing", title="Oversmoothing (Ex 3)", claims=CLAIMS, intro=INTRO,
              figures=make_figures, prefix="os")
