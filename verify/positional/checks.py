"""Evidence builders used by the positional-encoding claims (candidates for ``verify.core``).

* :func:`sum_identity` checks identities between finite sums with symbolic bounds (index shifts,
  linearity, constant factors), which SymPy's ``simplify`` does not do on its own.
* :func:`gaussian_expectation` computes the exact expectation of a polynomial in independent
  ``N(0, sigma^2)`` variables (moments ``sigma^k (k-1)!!``).
* :func:`expectation_check` is a ``Step.check`` that compares ``E[lhs]`` with ``rhs``.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import sympy as sp


Expect = sp.Function(r"\mathbb{E}")


# --- finite sums with symbolic bounds ------------------------------------------------------------------------
def _push_single(body: Any, lim: tuple) -> Any:
    """``Sum(body, lim)`` distributed over ``+``, with factors free of the index pulled out."""
    v, a, b = lim
    body = sp.expand(body)
    terms = body.args if isinstance(body, sp.Add) else (body,)
    out = sp.Integer(0)
    for t in terms:
        factors = t.args if isinstance(t, sp.Mul) else (t,)
        free = sp.Mul(*[f for f in factors if v not in f.free_symbols])
        dep = sp.Mul(*[f for f in factors if v in f.free_symbols])
        out += free * (b - a + 1) if dep == 1 else free * sp.Sum(dep, lim)
    return out


def _push(expr: Any) -> Any:
    """Distribute every ``Sum`` over ``+`` and pull out factors free of its index (innermost limit first)."""
    if isinstance(expr, sp.Sum):
        out = _push(expr.function)
        for lim in expr.limits:
            out = _push_single(out, lim)
        return out
    if expr.args:
        return expr.func(*[_push(a) for a in expr.args])
    return expr


def _canon(expr: Any, depth: int = 0) -> Any:
    """Rename each summation index to ``u<depth>_<t>`` and shift it to start at 1."""
    if isinstance(expr, sp.Sum):
        f = expr.function
        lims = []
        for t, (v, a, b) in enumerate(expr.limits):
            u = sp.Symbol(f"u{depth}_{t}", integer=True, positive=True)
            f = f.subs(v, u + a - 1)
            lims.append((u, 1, b - a + 1))
        return sp.Sum(_canon(f, depth + 1), *lims)
    if expr.args:
        return expr.func(*[_canon(a, depth) for a in expr.args])
    return expr


def normal_sum(expr: Any) -> Any:
    """A normal form for linear combinations of finite sums (used by :func:`sum_identity`)."""
    e = expr
    for _ in range(3):
        e = sp.expand(_canon(_push(e)))
    return e


def sum_identity(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
    """``Step.check``: ``lhs == rhs`` for sums with symbolic bounds.

    Both sides are brought to a normal form (linearity, constants pulled out, indices shifted to start
    at 1 and renamed); sums left over with equal limits are merged and their summand must vanish
    (checked by :func:`verify.core.symbolic.is_zero`, so termwise trigonometric identities pass too).
    """
    from verify.core.symbolic import is_zero

    d = normal_sum(sp.sympify(lhs) - sp.sympify(rhs))
    if d == 0:
        return True, "equal after distributing the sums, pulling out constants and shifting indices"
    terms = d.args if isinstance(d, sp.Add) else (d,)
    groups: dict = {}
    rest = sp.Integer(0)
    for t in terms:
        factors = t.args if isinstance(t, sp.Mul) else (t,)
        sums = [f for f in factors if isinstance(f, sp.Sum)]
        if len(sums) == 1:
            s = sums[0]
            coeff = sp.Mul(*[f for f in factors if f is not s])
            groups.setdefault(s.limits, []).append(coeff * s.function)
        else:
            rest += t
    if rest == 0 and groups and all(is_zero(sp.Add(*fs)) is True for _, fs in sorted(groups.items(), key=str)):
        return True, "equal termwise: after normalising the sums, each merged summand simplifies to 0"
    return None, f"sum normal form leaves {sp.sstr(d)[:120]}"


# --- Gaussian expectations -------------------------------------------------------------------------------------
def gaussian_expectation(expr: Any, xs: Sequence[sp.Symbol], sigma: Any) -> Any:
    """Exact ``E[expr]`` for ``xs`` independent ``N(0, sigma^2)``; other symbols are constants."""
    expr = sp.expand(expr)
    if expr == 0:
        return sp.Integer(0)
    poly = sp.Poly(expr, *xs)
    total = sp.Integer(0)
    for monom, coeff in poly.terms():
        m = sp.Integer(1)
        for e in monom:
            if e % 2:
                m = sp.Integer(0)
                break
            m *= sigma**e * sp.factorial2(e - 1)
        total += coeff * m
    return sp.expand(total)


def expectation_check(xs: Sequence[sp.Symbol], sigma: Any) -> Callable[[Any, Any], tuple[bool, str]]:
    """A ``Step.check`` for ``E[f] == rhs`` where ``lhs = Expect(f)`` and ``xs`` are iid ``N(0, sigma^2)``."""

    def check(lhs: Any, rhs: Any) -> tuple[bool, str]:
        inner = lhs.args[0] if isinstance(lhs, Expect) else lhs
        val = gaussian_expectation(inner, xs, sigma)
        ok = sp.expand(val - rhs) == 0
        return ok, "exact Gaussian moments" + ("" if ok else f": E[...] = {val}")

    return check
