"""Evaluate a SymPy expression at a point, in mpmath (working precision) or in arb balls (python-flint).

The evidence of a claim is computed from its statement: the statement's SymPy sides are evaluated here at
concrete instances.  Two backends share one tree walk:

``"mp"``
    mpmath numbers at the current working precision (callers use ``mpmath.workdps``).
``"arb"``
    python-flint ``arb`` balls (or ``arb_mat`` for matrices) at ``flint.ctx.prec`` bits: every result is
    an enclosure of the exact value, so a ball that excludes 0 *proves* a sign.

Values in the environment ``env`` (keyed by SymPy symbol, ``IndexedBase`` or ``MatrixSymbol``, or by
their names) may be ``int``, ``str`` (a decimal, read exactly as far as the backend allows), SymPy
numbers, ``float`` (its exact binary value), mpmath numbers, tuples of those (a neighbourhood of
messages), nested lists (matrices), or for an ``IndexedBase`` a mapping ``{index tuple: value}`` or a
callable.  A :class:`~verify.core.statement.Quantity` node calls its own ``mp``/``arb`` implementation on
its evaluated arguments.

What the walk cannot evaluate raises :class:`CannotEvaluate` (for example an arb comparison whose balls
overlap, or an unknown function); callers report that as *undecided*, never as a pass.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Callable, Mapping

import mpmath
import sympy
from sympy.core.relational import Relational

try:  # python-flint is a core dependency; keep import errors readable where it is missing
    import flint
except ImportError:  # pragma: no cover - exercised only without python-flint
    flint = None


class CannotEvaluate(ValueError):
    """The expression could not be evaluated at this point with this backend."""


BACKENDS = ("mp", "arb")


def _need_flint() -> None:
    if flint is None:  # pragma: no cover
        raise CannotEvaluate("python-flint is not installed: arb enclosures are unavailable")


# --------------------------------------------------------------------------------------------------
# scalar conversion
# --------------------------------------------------------------------------------------------------


def to_backend(value: Any, backend: str) -> Any:
    """Convert a plain value (int, str, float, Fraction, SymPy number, mpmath number, tuple) to ``backend``."""
    if isinstance(value, (tuple, list)) and not _is_matrix_value(value):
        return tuple(to_backend(v, backend) for v in value)
    if isinstance(value, (list,)) or _is_matrix_value(value):
        return _matrix(value, backend)
    if backend == "mp":
        if isinstance(value, sympy.Rational):
            return mpmath.mpf(int(value.p)) / int(value.q)
        if isinstance(value, sympy.Basic):
            if value.is_Float:
                return mpmath.mpf(str(value))
            if value.is_number:
                return mpmath.mpmathify(sympy.N(value, mpmath.mp.dps + 10))
            raise CannotEvaluate(f"not a number: {value}")
        if isinstance(value, Fraction):
            return mpmath.mpf(value.numerator) / value.denominator
        if isinstance(value, bool):
            return mpmath.mpf(int(value))
        if isinstance(value, (int, str, float)):
            return mpmath.mpf(value)
        if isinstance(value, (mpmath.mpf, mpmath.mpc)):
            return value
        if flint is not None and isinstance(value, flint.arb):
            return mpmath.mpf(value.mid().str(mpmath.mp.dps + 5, radius=False))
        try:
            return mpmath.mpf(value)
        except Exception as exc:  # noqa: BLE001
            raise CannotEvaluate(f"cannot convert {value!r} to mpmath") from exc
    _need_flint()
    if isinstance(value, sympy.Rational):
        return flint.arb(int(value.p)) / int(value.q)
    if isinstance(value, sympy.Basic):
        if value.is_Float:
            return flint.arb(str(value))
        raise CannotEvaluate(f"not a rational number: {value}")
    if isinstance(value, Fraction):
        return flint.arb(value.numerator) / value.denominator
    if isinstance(value, bool):
        return flint.arb(int(value))
    if isinstance(value, int):
        return flint.arb(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CannotEvaluate("an infinite or NaN value has no arb enclosure here")
        num, den = value.as_integer_ratio()
        return flint.arb(num) / den
    if isinstance(value, str):
        return flint.arb(value)
    if isinstance(value, mpmath.mpf):
        if not mpmath.isfinite(value):
            raise CannotEvaluate("an infinite value has no arb enclosure here")
        sign, man, exp, _ = value._mpf_  # exact: (-1)^sign * man * 2^exp
        out = flint.arb(int(man)) * flint.arb(2) ** int(exp)
        return -out if sign else out
    if isinstance(value, flint.arb):
        return value
    raise CannotEvaluate(f"cannot convert {value!r} to arb")


def _is_matrix_value(v: Any) -> bool:
    if isinstance(v, mpmath.matrix) or (flint is not None and isinstance(v, flint.arb_mat)):
        return True
    return isinstance(v, list) and bool(v) and isinstance(v[0], (list, tuple))


def _matrix(v: Any, backend: str) -> Any:
    if isinstance(v, mpmath.matrix):
        rows = [[v[i, j] for j in range(v.cols)] for i in range(v.rows)]
    elif flint is not None and isinstance(v, flint.arb_mat):
        rows = [[v[i, j] for j in range(v.ncols())] for i in range(v.nrows())]
    else:
        rows = [list(r) for r in v]
    conv = [[to_backend(x, backend) for x in r] for r in rows]
    if backend == "mp":
        return mpmath.matrix(conv)
    _need_flint()
    return flint.arb_mat(conv)


# --------------------------------------------------------------------------------------------------
# the walk
# --------------------------------------------------------------------------------------------------


def _lookup(env: Mapping[Any, Any], key: Any) -> Any:
    if key in env:
        return env[key]
    name = getattr(key, "name", None) or str(key)
    if name in env:
        return env[name]
    raise CannotEvaluate(f"no value for {key} at this point")


def _fn(backend: str, name: str) -> Callable[[Any], Any]:
    if backend == "mp":
        return {"exp": mpmath.exp, "log": mpmath.log, "sin": mpmath.sin, "cos": mpmath.cos, "tan": mpmath.tan,
                "sqrt": mpmath.sqrt, "atan": mpmath.atan, "sinh": mpmath.sinh, "cosh": mpmath.cosh,
                "tanh": mpmath.tanh, "erf": mpmath.erf}[name]
    return {"exp": lambda x: x.exp(), "log": lambda x: x.log(), "sin": lambda x: x.sin(), "cos": lambda x: x.cos(),
            "tan": lambda x: x.tan(), "sqrt": lambda x: x.sqrt(), "atan": lambda x: x.atan(),
            "sinh": lambda x: x.sinh(), "cosh": lambda x: x.cosh(), "tanh": lambda x: x.tanh(),
            "erf": lambda x: x.erf()}[name]


_SIMPLE = {sympy.exp: "exp", sympy.log: "log", sympy.sin: "sin", sympy.cos: "cos", sympy.tan: "tan",
           sympy.atan: "atan", sympy.sinh: "sinh", sympy.cosh: "cosh", sympy.tanh: "tanh", sympy.erf: "erf"}


def _compare(a: Any, b: Any, rel: str, backend: str) -> bool:
    if backend == "arb":
        d = a - b
        res = {"==": (d == 0) if d.is_exact() else None, "<=": True if d <= 0 else (False if d > 0 else None),
               "<": True if d < 0 else (False if d >= 0 else None), ">=": True if d >= 0 else (False if d < 0 else None),
               ">": True if d > 0 else (False if d <= 0 else None), "!=": True if d != 0 else None}[rel]
        if res is None:
            raise CannotEvaluate(f"arb comparison {rel} undecided: the balls overlap ({d})")
        return bool(res)
    return {"==": a == b, "<=": a <= b, "<": a < b, ">=": a >= b, ">": a > b, "!=": a != b}[rel]


_REL_OF = {sympy.Eq: "==", sympy.Ne: "!=", sympy.Le: "<=", sympy.Lt: "<", sympy.Ge: ">=", sympy.Gt: ">"}


def evaluate(expr: Any, env: Mapping[Any, Any] | None = None, backend: str = "mp",
             prec: int | None = None) -> Any:
    """The value of ``expr`` at the point ``env`` (see the module docstring).

    ``prec``: arb working precision in bits (default: 256, or the caller's ``flint.ctx.prec`` when larger).
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    e = sympy.sympify(expr) if not isinstance(expr, (tuple, list)) else sympy.Tuple(*expr)
    if backend == "mp":
        return _Walk(dict(env or {}), backend).ev(e)
    _need_flint()
    old = flint.ctx.prec
    flint.ctx.prec = prec if prec is not None else max(256, old)
    try:
        return _Walk(dict(env or {}), backend).ev(e)
    finally:
        flint.ctx.prec = old


class _Walk:
    def __init__(self, env: dict, backend: str):
        self.env = env
        self.backend = backend

    def num(self, v: Any) -> Any:
        return to_backend(v, self.backend)

    def ev(self, e: Any) -> Any:  # noqa: C901 - one dispatch over SymPy node types
        from .statement import Quantity, VectorSymbol

        b = self.backend
        if isinstance(e, Quantity):
            impl = type(e).mp_impl if b == "mp" else type(e).arb_impl
            if impl is None:
                raise CannotEvaluate(f"{type(e).__name__} has no {b} implementation")
            return impl(*[self.ev(a) for a in e.args])
        if isinstance(e, (sympy.Symbol, VectorSymbol)):
            if e in self.env or e.name in self.env:
                return self.num(_lookup(self.env, e))
            raise CannotEvaluate(f"no value for {e} at this point")
        if isinstance(e, sympy.Tuple):
            return tuple(self.ev(a) for a in e.args)
        if e is sympy.S.Infinity or e is sympy.S.NegativeInfinity:
            if b == "arb":
                raise CannotEvaluate("infinity has no arb enclosure")
            return mpmath.inf if e is sympy.S.Infinity else -mpmath.inf
        if e is sympy.S.Pi:
            return mpmath.pi if b == "mp" else flint.arb.pi()
        if e is sympy.S.Exp1:
            return mpmath.e if b == "mp" else flint.arb(1).exp()
        if e in (sympy.S.NaN, sympy.S.ComplexInfinity):
            raise CannotEvaluate(f"{e} is not a number")
        if e is sympy.S.ImaginaryUnit:
            if b == "arb":
                raise CannotEvaluate("complex values have no real arb enclosure")
            return mpmath.mpc(0, 1)
        if e.is_Number:
            return self.num(e)
        if isinstance(e, sympy.Indexed):
            base = _lookup(self.env, e.base.label if e.base.label in self.env or str(e.base.label) in self.env
                           else e.base)
            idx = tuple(int(self.exact_int(i)) for i in e.indices)
            if callable(base):
                return self.num(base(*idx))
            if isinstance(base, Mapping):
                key = idx if len(idx) > 1 else idx[0]
                if key not in base:
                    raise CannotEvaluate(f"no value for {e} (index {key})")
                return self.num(base[key])
            raise CannotEvaluate(f"the value of {e.base} must be a mapping or a callable")
        if isinstance(e, sympy.Add):
            terms = [self.ev(a) for a in e.args]
            if b == "mp" and not any(isinstance(t, mpmath.matrix) for t in terms):
                return mpmath.fsum(terms)
            out = terms[0]
            for t in terms[1:]:
                out = out + t
            return out
        if isinstance(e, sympy.Mul):
            out = None
            for a in e.args:
                v = self.ev(a)
                out = v if out is None else out * v
            return out
        if isinstance(e, sympy.Pow):
            return self.power(e.base, e.exp)
        if isinstance(e, sympy.Abs):
            return abs(self.ev(e.args[0]))
        if isinstance(e, sympy.sign):
            v = self.ev(e.args[0])
            return self.num(1 if _compare(v, self.num(0), ">", b) else (-1 if _compare(v, self.num(0), "<", b) else 0))
        if isinstance(e, (sympy.Max, sympy.Min)):
            vals = [self.ev(a) for a in e.args]
            return self.extreme(vals, isinstance(e, sympy.Max))
        if type(e) in _SIMPLE:
            return _fn(b, _SIMPLE[type(e)])(self.ev(e.args[0]))
        if isinstance(e, sympy.KroneckerDelta):
            i, j = (self.exact_int(a) for a in e.args)
            return self.num(1 if i == j else 0)
        if isinstance(e, sympy.Sum):
            return self.sum(e)
        if isinstance(e, sympy.Product):
            inner = sympy.Sum(e.function, *e.limits)
            return self.reduce(inner, lambda vals: _prod(vals))
        if isinstance(e, sympy.Piecewise):
            for val, cond in e.args:
                if cond is sympy.true or self.truth(cond):
                    return self.ev(val)
            raise CannotEvaluate("no Piecewise branch applies")
        if isinstance(e, (Relational, sympy.And, sympy.Or, sympy.Not)):
            return self.truth(e)
        if isinstance(e, sympy.MatrixBase):
            rows = [[self.ev(e[i, j]) for j in range(e.cols)] for i in range(e.rows)]
            return mpmath.matrix(rows) if b == "mp" else flint.arb_mat(rows)
        if isinstance(e, sympy.MatrixSymbol):
            return self.num(_lookup(self.env, e))
        if isinstance(e, sympy.Transpose):
            v = self.ev(e.arg)
            return v.T if b == "mp" else v.transpose()
        if isinstance(e, sympy.MatAdd):
            vals = [self.ev(a) for a in e.args]
            out = vals[0]
            for v in vals[1:]:
                out = out + v
            return out
        if isinstance(e, sympy.MatMul):
            out = None
            for a in e.args:
                v = self.ev(a)
                out = v if out is None else out * v
            return out
        if isinstance(e, sympy.ZeroMatrix):
            r, c = int(self.exact_int(e.rows)), int(self.exact_int(e.cols))
            return mpmath.zeros(r, c) if b == "mp" else flint.arb_mat(r, c)
        if isinstance(e, sympy.Identity):
            r = int(self.exact_int(e.rows))
            return mpmath.eye(r) if b == "mp" else flint.arb_mat.eye(r)
        if isinstance(e, sympy.BlockMatrix):
            blocks = [[self.ev(e.blocks[i, j]) for j in range(e.blocks.cols)] for i in range(e.blocks.rows)]
            return _block(blocks, b)
        if e is sympy.true or e is sympy.false:
            return bool(e)
        raise CannotEvaluate(f"cannot evaluate {type(e).__name__}: {sympy.sstr(e)[:80]}")

    # helpers -------------------------------------------------------------------------------------
    def exact_int(self, e: Any) -> int:
        e = sympy.sympify(e)
        if e.is_Integer:
            return int(e)
        v = self.ev(e)
        if self.backend == "mp":
            if v != int(v):
                raise CannotEvaluate(f"{e} is not an integer here")
            return int(v)
        n = v.unique_fmpz()
        if n is None:
            raise CannotEvaluate(f"{e} is not a certain integer here")
        return int(n)

    def power(self, base: Any, exp: Any) -> Any:
        b = self.backend
        if exp.is_Integer:
            v = self.ev(base)
            k = int(exp)
            if b == "mp" and isinstance(v, mpmath.matrix):
                return v ** k
            if k < 0:
                return (self.num(1) / v) ** (-k) if b == "arb" else v ** k
            return v ** k
        v, x = self.ev(base), self.ev(exp)
        if b == "mp":
            return mpmath.power(v, x)
        if exp == sympy.S.Half:
            return v.sqrt()
        return v ** x

    def extreme(self, vals: list, top: bool) -> Any:
        if self.backend == "mp":
            return max(vals) if top else min(vals)
        return _arb_extreme(vals, top)

    def truth(self, cond: Any) -> bool:
        if cond is sympy.true or cond is True:
            return True
        if cond is sympy.false or cond is False:
            return False
        if isinstance(cond, sympy.And):
            return all(self.truth(a) for a in cond.args)
        if isinstance(cond, sympy.Or):
            return any(self.truth(a) for a in cond.args)
        if isinstance(cond, sympy.Not):
            return not self.truth(cond.args[0])
        if type(cond) in _REL_OF:
            return _compare(self.ev(cond.lhs), self.ev(cond.rhs), _REL_OF[type(cond)], self.backend)
        raise CannotEvaluate(f"cannot decide the condition {cond}")

    def sum(self, e: sympy.Sum) -> Any:
        vals = self.reduce(e, list)
        if self.backend == "mp":
            return mpmath.fsum(vals) if vals else mpmath.mpf(0)
        out = flint.arb(0)
        for v in vals:
            out = out + v
        return out

    def reduce(self, e: Any, combine: Callable[[list], Any]) -> Any:
        (var, lo, hi), rest = e.limits[0], e.limits[1:]
        lo_i, hi_i = self.exact_int(lo), self.exact_int(hi)
        if hi_i - lo_i > 100_000:
            raise CannotEvaluate(f"a sum over {hi_i - lo_i + 1} terms is too long to evaluate")
        body = sympy.Sum(e.function, *rest) if rest else e.function
        out = []
        for k in range(lo_i, hi_i + 1):
            out.append(self.ev(body.xreplace({var: sympy.Integer(k)})))
        return combine(out)


def _prod(vals: list) -> Any:
    out = None
    for v in vals:
        out = v if out is None else out * v
    return out if out is not None else mpmath.mpf(1)


def _arb_extreme(vals: list, top: bool) -> Any:
    """max/min of arb balls: the ball of the value that is certainly the extreme, or the union hull."""
    best = vals[0]
    for v in vals[1:]:
        if top:
            best = v if v > best else (best if best >= v else best.union(v))
        else:
            best = v if v < best else (best if best <= v else best.union(v))
    return best


def _block(blocks: list, backend: str) -> Any:
    rows = []
    for brow in blocks:
        if backend == "mp":
            nr = brow[0].rows
            for i in range(nr):
                rows.append([blk[i, j] for blk in brow for j in range(blk.cols)])
        else:
            nr = brow[0].nrows()
            for i in range(nr):
                rows.append([blk[i, j] for blk in brow for j in range(blk.ncols())])
    return mpmath.matrix(rows) if backend == "mp" else flint.arb_mat(rows)


def ball_excludes_zero(ball: Any) -> bool:
    """Whether an arb ball (or every entry of an arb matrix, for ``any``) certainly excludes 0."""
    _need_flint()
    if isinstance(ball, flint.arb_mat):
        return any(not ball[i, j].contains(0) for i in range(ball.nrows()) for j in range(ball.ncols()))
    return not ball.contains(0)


def ball_text(ball: Any, digits: int = 6) -> str:
    """A deterministic short form of an arb ball: ``[1.50000 +/- 1e-45]``."""
    _need_flint()
    if isinstance(ball, flint.arb_mat):
        entries = [ball[i, j] for i in range(ball.nrows()) for j in range(ball.ncols())]
        worst = max(entries, key=lambda x: abs(x.mid()))
        return f"max entry {ball_text(worst, digits)}"
    mid = mpmath.mpf(ball.mid().str(digits + 5, radius=False)) if ball.is_finite() else mpmath.inf
    rad = ball.rad()
    rad_s = "0" if rad == 0 else mpmath.nstr(mpmath.mpf(rad.str(3, radius=False)), 1)
    return f"[{mpmath.nstr(mid, digits)} ± {rad_s}]"
