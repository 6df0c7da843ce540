r"""The quantities of Ex 2 as SymPy nodes with mpmath and arb implementations (for claim statements).

A neighbourhood of messages is a :class:`~verify.core.statement.VectorSymbol` (``m``); at an instance it is
bound to a tuple.  Each quantity evaluates through :mod:`verify.aggregation.theory` (mpmath) or through the
arb formulas below (certified enclosures), unfolds to its general-``n`` definition with SymPy sums over an
indexed ``m[u]``, ``u = 1..n`` (for derivation steps "by definition"), and has an explicit SymPy form for a
concrete tuple (for exact limits at an instance).

=====================  =====================================================================
``S(m, λ, η)``         softmax aggregation ``n^η Σ_u softmax(m; λ)_u m_u``
``P(m, q, η)``         power-mean aggregation ``n^η M_q(m)``
``M(m, q)``            power mean ``((1/n) Σ_u m_u^q)^(1/q)`` (``m_u ≥ 0``; limits at 0, ±∞)
``lse(σ, λ)``          ``(1/λ) log Σ_i e^{λσ_i}``
``sam(σ, λ, i)``       ``softargmax(σ; λ)_i`` (1-based ``i``)
``card(m)``            ``|N| = n``
``vmax, vmin, vsum``   ``max_u m_u``, ``min_u m_u``, ``Σ_u m_u``
``gmean(m)``           ``(Π_u m_u)^(1/n)``
=====================  =====================================================================
"""

from __future__ import annotations

from typing import Any

import mpmath
import sympy

from verify.core.statement import VectorSymbol, quantity

from . import theory as th

try:
    import flint
except ImportError:  # pragma: no cover
    flint = None

#: the size symbol and summation index of the general-n definitions
n_ = sympy.Symbol("n", integer=True, positive=True)
u_ = sympy.Symbol("u", integer=True, positive=True)


def _base(m: Any) -> sympy.IndexedBase:
    el = getattr(m, "element", {}) if isinstance(m, VectorSymbol) else {}
    return sympy.IndexedBase(str(m), **{k: v for k, v in el.items() if k in ("positive", "nonnegative", "real")})


def _vals(m: Any) -> list:
    if isinstance(m, sympy.Tuple):
        return list(m.args)
    raise TypeError("explicit forms need a concrete tuple of messages")


# --- arb formulas (enclosures) ---------------------------------------------------------------------------------
def _arb_sum(xs: Any) -> Any:
    out = flint.arb(0)
    for x in xs:
        out = out + x
    return out


def _arb_softmax_agg(m: tuple, lam: Any, eta: Any) -> Any:
    n = flint.arb(len(m))
    top = _arb_max(m) if lam >= 0 else _arb_min(m)
    w = [(lam * (x - top)).exp() for x in m]
    return n ** eta * _arb_sum(wi * x for wi, x in zip(w, m)) / _arb_sum(w)


def _arb_max(m: tuple) -> Any:
    from verify.core.evaluate import _arb_extreme

    return _arb_extreme(list(m), True)


def _arb_min(m: tuple) -> Any:
    from verify.core.evaluate import _arb_extreme

    return _arb_extreme(list(m), False)


def _arb_power_mean(m: tuple, q: Any) -> Any:
    n = flint.arb(len(m))
    if q == 0:
        return (_arb_sum(x.log() for x in m) / n).exp()
    return (_arb_sum(x ** q for x in m) / n) ** (1 / q)


def _arb_lse(s: tuple, lam: Any) -> Any:
    return _arb_sum((lam * x).exp() for x in s).log() / lam


def _arb_sam(s: tuple, lam: Any, i: Any) -> Any:
    k = int(i.unique_fmpz()) if hasattr(i, "unique_fmpz") else int(i)
    e = [(lam * x).exp() for x in s]
    return e[k - 1] / _arb_sum(e)


def _mp_int(i: Any) -> int:
    return int(i)


# --- the quantities -----------------------------------------------------------------------------------------------
S = quantity(
    "S", lambda m, lam, eta: th.softmax_agg(m, lam, eta), arb=_arb_softmax_agg, nargs=3,
    latex=r"S_{{{0}}}\left({1}, {2}\right)", text="S({0}; {1}, {2})",
    unfold=lambda m, lam, eta: n_ ** eta * sympy.Sum(_base(m)[u_] * sympy.exp(lam * _base(m)[u_]), (u_, 1, n_))
    / sympy.Sum(sympy.exp(lam * _base(m)[u_]), (u_, 1, n_)),
    explicit=lambda m, lam, eta: sympy.Integer(len(_vals(m))) ** eta
    * sum(x * sympy.exp(lam * x) for x in _vals(m)) / sum(sympy.exp(lam * x) for x in _vals(m)),
)

M = quantity(
    "M", lambda m, q: th.power_mean(m, q), arb=_arb_power_mean, nargs=2,
    latex=r"M_{{{1}}}\left({0}\right)", text="M_{1}({0})",
    unfold=lambda m, q: (sympy.Sum(_base(m)[u_] ** q, (u_, 1, n_)) / n_) ** (1 / q),
    explicit=lambda m, q: (sum(x ** q for x in _vals(m)) / len(_vals(m))) ** (1 / q),
)

P = quantity(
    "P", lambda m, q, eta: th.power_mean_agg(m, q, eta),
    arb=lambda m, q, eta: flint.arb(len(m)) ** eta * _arb_power_mean(m, q), nargs=3,
    latex=r"P_{{{0}}}\left({1}, {2}\right)", text="P({0}; {1}, {2})",
    unfold=lambda m, q, eta: n_ ** eta * (sympy.Sum(_base(m)[u_] ** q, (u_, 1, n_)) / n_) ** (1 / q),
    explicit=lambda m, q, eta: sympy.Integer(len(_vals(m))) ** eta
    * (sum(x ** q for x in _vals(m)) / len(_vals(m))) ** (1 / q),
)

lse = quantity(
    "lse", lambda s, lam: th.lse(s, lam), arb=_arb_lse, nargs=2,
    latex=r"\operatorname{{lse}}\left({0}; {1}\right)", text="lse({0}; {1})",
    unfold=lambda s, lam: sympy.log(sympy.Sum(sympy.exp(lam * _base(s)[u_]), (u_, 1, n_))) / lam,
    explicit=lambda s, lam: sympy.log(sum(sympy.exp(lam * x) for x in _vals(s))) / lam,
)

sam = quantity(
    "sam", lambda s, lam, i: th.softargmax(s, lam)[_mp_int(i) - 1], arb=_arb_sam, nargs=3,
    latex=r"\operatorname{{softargmax}}\left({0}; {1}\right)_{{{2}}}", text="softargmax({0}; {1})_{2}",
    explicit=lambda s, lam, i: sympy.exp(lam * _vals(s)[int(i) - 1]) / sum(sympy.exp(lam * x) for x in _vals(s)),
)

card = quantity("card", lambda m: mpmath.mpf(len(m)), arb=lambda m: flint.arb(len(m)), nargs=1,
                latex=r"|\mathcal{{N}}|", text="|N|", unfold=lambda m: n_,
                explicit=lambda m: sympy.Integer(len(_vals(m))), integer=True, positive=True)
vmax = quantity("vmax", lambda m: max(m), arb=_arb_max, nargs=1, latex=r"\max_u {0}_u", text="max({0})",
                explicit=lambda m: sympy.Max(*_vals(m)))
vmin = quantity("vmin", lambda m: min(m), arb=_arb_min, nargs=1, latex=r"\min_u {0}_u", text="min({0})",
                explicit=lambda m: sympy.Min(*_vals(m)))
vsum = quantity("vsum", lambda m: mpmath.fsum(m), arb=_arb_sum, nargs=1, latex=r"\sum_u {0}_u", text="sum({0})",
                unfold=lambda m: sympy.Sum(_base(m)[u_], (u_, 1, n_)), explicit=lambda m: sympy.Add(*_vals(m)))
gmean = quantity("gmean", lambda m: mpmath.exp(mpmath.fsum(mpmath.log(x) for x in m) / len(m)),
                 arb=lambda m: (_arb_sum(x.log() for x in m) / len(m)).exp(), nargs=1,
                 latex=r"\Big(\prod_u {0}_u\Big)^{{1/|\mathcal{{N}}|}}", text="gmean({0})",
                 explicit=lambda m: sympy.Mul(*_vals(m)) ** sympy.Rational(1, len(_vals(m))))

#: the standard symbols of the Ex 2 statements
m = VectorSymbol("m", size_symbol=n_, real=True)
mpos = VectorSymbol("m", size_symbol=n_, positive=True)
sigma = VectorSymbol("sigma", size_symbol=n_, real=True)
lam = sympy.Symbol("lambda", real=True)
q = sympy.Symbol("q", real=True)
eta = sympy.Symbol("eta", real=True)
