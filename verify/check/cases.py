"""Named test cases for ``verify check``: ordinary inputs and the awkward ones implementations get wrong.

Every case is deterministic (seeded) and small enough that its mpmath reference takes well under a
second.  Names read like the array-api-tests ids: ``softmax(t=1e8, ties)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

#: The aggregations ``verify check`` knows, with the name of their parameter.
KINDS = {"softmax": "t", "power_mean": "q"}


@dataclass(frozen=True)
class Case:
    """One input: messages ``x`` (E, C), segment ids ``index`` (E,), ``num_segments``, the parameter."""

    name: str
    x: np.ndarray
    index: np.ndarray
    num_segments: int
    param: float
    why: str = ""
    eta: float = 0.0  # degree scaling |N|^eta; cases with eta != 0 only run for targets that accept ``eta``

    @property
    def dtype(self) -> np.dtype:
        return self.x.dtype

    def literal(self) -> str:
        """The inputs as Python source (for a reproduction snippet)."""
        dt = self.x.dtype.name
        return (f"x = np.array({np.array2string(self.x, separator=', ', threshold=10**6, floatmode='unique')}, "
                f"dtype=np.{dt})\n"
                f"index = np.array({self.index.tolist()})\n"
                f"num_segments = {self.num_segments}\n"
                f"{'t' if self.name.startswith('softmax') else 'q'} = {_pylit(self.param)}"
                + (f"\neta = {_pylit(self.eta)}" if self.eta else ""))


def _pylit(v: float) -> str:
    if np.isinf(v):
        return "float('inf')" if v > 0 else "-float('inf')"
    return repr(float(v))


def output_array(out: Any) -> dict:
    """A target's output as a numpy array (torch tensors detached and moved to the CPU), and whether it
    carried a dtype (a list does not): ``{"out": array, "typed": bool}``."""
    typed = hasattr(out, "dtype")
    if hasattr(out, "detach"):
        out = out.detach().cpu().numpy()
    arr = np.asarray(out)
    if arr.dtype.kind not in "fiub":
        raise TypeError(f"the target returned {type(out).__name__} (dtype {arr.dtype}), not an array of numbers")
    return {"out": arr, "typed": typed}


def _segments(rng: np.random.Generator, sizes: list[int], shuffle: bool = True) -> np.ndarray:
    index = np.repeat(np.arange(len(sizes)), sizes)
    if shuffle:
        rng.shuffle(index)
    return index


def _ordinary(rng, dtype, scale=1.0, positive=False, channels=3, sizes=(1, 2, 3, 5, 8, 13)):
    index = _segments(rng, list(sizes))
    x = rng.standard_normal((index.size, channels)) * scale
    if positive:
        x = np.abs(x) + scale * 0.05
    return x.astype(dtype), index


def _case(kind: str, name: str, dtype: np.dtype, x, index, param: float, why: str,
          num_segments: int | None = None, eta: float = 0.0) -> Case:
    ns = int(index.max()) + 1 if num_segments is None else num_segments
    return Case(f"{kind}({name})", np.ascontiguousarray(x, dtype=dtype), index.astype(np.int64), ns,
                float(param), why, float(eta))


def softmax_cases(dtype=np.float64) -> list[Case]:
    dtype = np.dtype(dtype)
    f32 = dtype == np.float32
    rng = np.random.default_rng(20230127)
    out: list[Case] = []

    def add(name, x, index, t, why, num_segments=None):
        out.append(_case("softmax", name, dtype, x, index, t, why, num_segments))

    x, idx = _ordinary(rng, dtype)
    for t in (1.0, 0.0, -2.0, 30.0):
        add(f"t={t:g}", x, idx, t, "ordinary neighbourhoods of sizes 1..13, three channels")
    add("t=1e8", x, idx, 1e8, "saturated: the result is the maximum (to rounding)")
    add("t=inf", x, idx, np.inf, "the limit: maximum per segment")
    add("t=-inf", x, idx, -np.inf, "the limit: minimum per segment")
    ties = np.repeat(np.array([[1.0, -2.0], [1.0, -2.0], [0.5, 3.0], [1.0, 3.0]]), 2, axis=0)
    add("t=10, ties", ties, np.array([0, 0, 0, 0, 1, 1, 1, 1]), 10.0, "tied maxima within a segment")
    big = 80.0 if f32 else 700.0
    xb, idxb = _ordinary(rng, dtype, scale=big)
    add(f"t=1, |x|~{big:g}", xb, idxb, 1.0, "exp(t x) overflows unless shifted by the segment maximum")
    add("t=1e300, tiny x" if not f32 else "t=1e30, tiny x", x * (1e-300 if not f32 else 1e-30), idx,
        1e300 if not f32 else 1e30, "t*x of order 1 although t is huge and x tiny")
    add("t=2, empty segments", x, idx, 2.0, "segments 6 and 7 have no neighbours: expected 0", num_segments=8)
    add("t=3, single neighbour", x[:4], np.arange(4), 3.0, "each segment has one neighbour: the result is x")
    return out


def power_mean_cases(dtype=np.float64) -> list[Case]:
    dtype = np.dtype(dtype)
    f32 = dtype == np.float32
    rng = np.random.default_rng(20230128)
    out: list[Case] = []

    def add(name, x, index, q, why, num_segments=None):
        out.append(_case("power_mean", name, dtype, x, index, q, why, num_segments))

    x, idx = _ordinary(rng, dtype, positive=True)
    for q in (1.0, 2.0, 0.5, -1.0):
        add(f"q={q:g}", x, idx, q, "ordinary positive neighbourhoods of sizes 1..13")
    add("q=0", x, idx, 0.0, "the limit q -> 0: the geometric mean")
    add("q=1e-8", x, idx, 1e-8, "close to the geometric mean: naive (mean x^q)^(1/q) loses all digits")
    add("q=inf", x, idx, np.inf, "the limit: maximum per segment")
    add("q=-inf", x, idx, -np.inf, "the limit: minimum per segment")
    xl, idxl = _ordinary(rng, dtype, scale=1e3, positive=True)
    add("q=3, x up to 1e3", xl, idxl, 3.0, "values above 100 (PyTorch Geometric clamps x to [0, 100])")
    q_big = 20.0 if f32 else 150.0
    add(f"q={q_big:g}, x~1e3", xl, idxl, q_big, "x^q overflows unless scaled by the segment maximum")
    zeros = x.copy()
    zeros[::4] = 0
    add("q=-1, zeros", zeros, idx, -1.0, "a zero neighbour makes the harmonic mean 0")
    add("q=2, empty segments", x, idx, 2.0, "segments 6 and 7 have no neighbours: expected 0", num_segments=8)
    return out


#: The degree-scaling exponents checked besides eta = 0 when the target accepts ``eta``.
ETAS = (0.5, 1.0, -1.0)


def eta_cases(kind: str, dtype=np.float64) -> list[Case]:
    """Cases at eta in :data:`ETAS` (the eta = 0 cases are the ordinary ones).

    The multiplier ``|N|^eta`` is checked on an ordinary parameter, a limit and empty segments (whose
    result is 0 for every eta, although ``0**-1`` is infinite), on neighbourhoods of sizes 1..13: an
    implementation that scales by the wrong power of ``|N|`` but is right at eta = 0 fails here.
    """
    base = {c.name: c for c in CASES[kind](dtype)}
    picks = (["softmax(t=1)", "softmax(t=inf)", "softmax(t=2, empty segments)"] if kind == "softmax"
             else ["power_mean(q=2)", "power_mean(q=0)", "power_mean(q=inf)", "power_mean(q=2, empty segments)"])
    out = []
    for eta in ETAS:
        for name in picks:
            c = base[name]
            out.append(Case(f"{name[:-1]}, eta={eta:g})", c.x, c.index, c.num_segments, c.param,
                            f"degree scaling |N|^{eta:g} ({c.why})", eta))
    return out


CASES: dict[str, Callable[..., list[Case]]] = {"softmax": softmax_cases, "power_mean": power_mean_cases}
