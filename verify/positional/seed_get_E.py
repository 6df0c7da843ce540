"""The seed's ``get_E``, verbatim: the one transcription every claim, figure and the ``seed`` target of
``verify check encoding`` use (``verify.positional.scores.seed_get_E``).

Source: the seed document "ML-Physics, Sheet 11" (January 27, 2023), Ex 1b, code cell ``[4]``, in its fuller
rendering ``/work/shared/seeds/000_071b3f91be3bd846.txt`` (the rougher OCR ``001_2689b72420271246.txt``
has the same code).  The function body below is copied character for character from that cell (a test
compares it with the seed text); only ``import numpy as np`` is taken from the notebook's cell ``[1]``, and
the rest of cell ``[4]`` (``import seaborn``, ``get_score`` and the plotting) is left out.

What it computes (``verify.positional.encoding``, convention ``seed-code``): the p x n matrix whose row ``k``
(1-based) is ``cos`` (k odd) or ``sin`` (k even) of ``i * exp(-2 k log(10000) / 5000)``, ``i = 1..n`` -- one
frequency per row, not the seed's displayed formula (one frequency per sine/cosine pair).
"""

import numpy as np


def get_E(n, p):
    i = np.arange(n)+1
    k = np.arange(p)+1

    E = np.zeros((p,n))
    ii, kk = np.meshgrid(i,k)

    E1 = np.sin(ii*np.exp(-2*kk*np.log(10000)/5000))
    E2 = np.cos(ii*np.exp(-2*kk*np.log(10000)/5000))
    E[k % 2 == 0,:] = E1[k % 2 == 0,:]
    E[k % 2 == 1,:] = E2[k % 2 == 1,:]
    return E
