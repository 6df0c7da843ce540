r"""Statements as SymPy objects: what a claim asserts, in a form the evidence can compute from.

A claim's statement is one of

:class:`Rel`
    ``lhs <rel> rhs`` for every value of its free symbols allowed by their assumptions (``==``, ``<=``,
    ``<``, ``>=``, ``>``); matrices allowed for ``==``.
:class:`Lim`
    ``lim_{var -> point} expr = value`` (from one side or both).
:class:`All`
    a conjunction of statements (``0 <= gap <= bound`` is ``All(Rel(0, gap, "<="), Rel(gap, bound, "<="))``).

Opaque quantities (the softmax aggregation ``S(m, λ, η)``, the relative size ``ρ`` of the cross terms, the
envelope of a Gram matrix ...) are :class:`Quantity` function classes made by :func:`quantity`: SymPy
treats them as undefined functions (so they print and substitute like any other node), and the
evaluator (:mod:`verify.core.evaluate`) calls their mpmath / arb implementation.  A quantity may also
carry its *definition* in SymPy (``unfold``), which the symbolic engine substitutes when a derivation
step says "by definition"; and for concrete arguments an explicit SymPy form (``explicit``) that makes
exact limits possible at an instance.

A :class:`VectorSymbol` stands for a tuple-valued argument (a neighbourhood of messages ``m``): it is
bound to a tuple at an instance and sampled as one by the probes.

Because the evidence reads these parts (sides, relation, limit point, limit value), a mutated statement
(:mod:`verify.core.mutate`) runs through exactly the same evidence as the original.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

import sympy

RELATIONS = ("==", "<=", "<", ">=", ">")
_REL_TEX = {"==": "=", "<=": r"\le", "<": "<", ">=": r"\ge", ">": ">"}
_REL_SYMPY = {"==": sympy.Eq, "<=": sympy.Le, "<": sympy.Lt, ">=": sympy.Ge, ">": sympy.Gt}


# --------------------------------------------------------------------------------------------------
# quantities and vector symbols
# --------------------------------------------------------------------------------------------------


class Quantity(sympy.Function):
    """Base class of named quantities with numeric implementations (made by :func:`quantity`)."""

    mp_impl: Callable[..., Any] | None = None
    arb_impl: Callable[..., Any] | None = None
    unfold_impl: Callable[..., Any] | None = None
    explicit_impl: Callable[..., Any] | None = None
    latex_template: str = ""
    text_template: str = ""

    def _latex(self, printer: Any, *args: Any, exp: Any = None, **kwargs: Any) -> str:
        parts = [printer._print(a) for a in self.args]
        if self.latex_template:
            body = self.latex_template.format(*parts)
        else:
            body = rf"\operatorname{{{type(self).__name__}}}\left({', '.join(parts)}\right)"
        if exp is not None:  # a power of the quantity: SymPy passes the exponent to the base's printer
            return rf"\left({body}\right)^{{{exp}}}"
        return body

    def _sympystr(self, printer: Any) -> str:
        parts = [printer._print(a) for a in self.args]
        if self.text_template:
            return self.text_template.format(*parts)
        return f"{type(self).__name__}({', '.join(parts)})"

    def unfold(self) -> Any:
        """The quantity's SymPy definition (``self`` when it has none)."""
        impl = type(self).unfold_impl
        return impl(*self.args) if impl is not None else self

    def explicit(self) -> Any:
        """An explicit SymPy form for concrete arguments (``None`` when there is none)."""
        impl = type(self).explicit_impl
        return impl(*self.args) if impl is not None else None


def quantity(name: str, mp: Callable[..., Any] | None = None, *, arb: Callable[..., Any] | None = None,
             latex: str = "", text: str = "", unfold: Callable[..., Any] | None = None,
             explicit: Callable[..., Any] | None = None, nargs: int | None = None,
             **assumptions: bool) -> type[Quantity]:
    """Make a :class:`Quantity` class ``name``.

    ``mp``/``arb`` compute its value from evaluated arguments (tuples for vector arguments);
    ``latex``/``text`` are ``str.format`` templates over the printed arguments (``"S({0}; {1})"``);
    ``unfold(*args)`` returns its SymPy definition for symbolic arguments; ``explicit(*args)`` an explicit
    SymPy form for concrete arguments (tuples of numbers), used for exact limits at an instance.
    ``assumptions`` (``real=True``, ``positive=True`` ...) become the class's SymPy assumptions.
    """
    attrs: dict[str, Any] = {
        "mp_impl": staticmethod(mp) if mp is not None else None,
        "arb_impl": staticmethod(arb) if arb is not None else None,
        "unfold_impl": staticmethod(unfold) if unfold is not None else None,
        "explicit_impl": staticmethod(explicit) if explicit is not None else None,
        "latex_template": latex, "text_template": text,
    }
    if nargs is not None:
        attrs["nargs"] = nargs
    for key, val in assumptions.items():
        attrs[f"is_{key}"] = val
    return type(name, (Quantity,), attrs)


class VectorSymbol(sympy.Symbol):
    """A symbol that stands for a tuple (a neighbourhood of messages).

    ``size`` (``(lo, hi)``) bounds the length the probes sample; the element assumptions (``positive``,
    ``nonnegative`` ...) are stored in ``element``.
    """

    def __new__(cls, name: str, size: tuple[int, int] = (1, 5), size_symbol: Any = None, **element: bool):
        obj = sympy.Symbol.__xnew__(cls, name)  # uncached: the element assumptions are part of identity
        obj._size = tuple(size)
        obj._element = dict(element)
        obj._size_symbol = size_symbol
        return obj

    @property
    def size_symbol(self) -> Any:
        """The symbol that stands for the length in the quantities' general-n definitions (``n``): a probe
        that samples this vector binds it to the length, and an indexed base of the same name to the
        entries (1-based), so a definition and the quantity it unfolds agree at every sampled point."""
        return getattr(self, "_size_symbol", None)

    def _hashable_content(self) -> tuple:
        return super()._hashable_content() + (tuple(sorted(self.element.items())), self.size)

    def __getnewargs_ex__(self) -> tuple:
        return ((self.name, self.size, self.size_symbol), dict(self.element))

    @property
    def size(self) -> tuple[int, int]:
        return getattr(self, "_size", (1, 5))

    @property
    def element(self) -> dict:
        return getattr(self, "_element", {})


def unfold(expr: Any) -> Any:
    """Replace every :class:`Quantity` that has a definition by it (innermost first)."""
    expr = sympy.sympify(expr)
    for _ in range(5):
        reps = {q: q.unfold() for q in expr.atoms(Quantity) if type(q).unfold_impl is not None}
        if not reps:
            return expr
        expr = expr.xreplace(reps)
    return expr


def explicit(expr: Any) -> Any:
    """Replace every :class:`Quantity` with concrete arguments by its explicit SymPy form (or leave it)."""
    expr = sympy.sympify(expr)
    for _ in range(5):
        reps = {}
        for q in expr.atoms(Quantity):
            if type(q).explicit_impl is not None and not _has_vector(q):
                form = q.explicit()
                if form is not None:
                    reps[q] = form
        if not reps:
            return expr
        expr = expr.xreplace(reps)
    return expr


def _has_vector(e: Any) -> bool:
    return any(isinstance(s, VectorSymbol) for s in e.free_symbols)


def instantiate(expr: Any, instance: dict) -> Any:
    """Substitute an instance's values into ``expr`` (tuples become :class:`sympy.Tuple` of exact numbers)."""
    reps = {}
    for key, val in instance.items():
        sym = key if isinstance(key, sympy.Basic) else None
        if sym is None:
            continue
        reps[sym] = _to_sympy(val)
    return sympy.sympify(expr).xreplace(reps) if reps else sympy.sympify(expr)


def _to_sympy(val: Any) -> Any:
    if isinstance(val, (tuple, list)):
        return sympy.Tuple(*[_to_sympy(v) for v in val])
    if isinstance(val, str):
        return sympy.Rational(val) if _is_decimal(val) else sympy.sympify(val)
    if isinstance(val, float):
        return sympy.Rational(*val.as_integer_ratio())
    return sympy.sympify(val)


def _is_decimal(s: str) -> bool:
    try:
        sympy.Rational(s)
        return True
    except (TypeError, ValueError):
        return False


# --------------------------------------------------------------------------------------------------
# statements
# --------------------------------------------------------------------------------------------------


class Statement:
    """Base class: every statement knows its parts, free symbols and renderings."""

    def parts(self) -> tuple["Statement", ...]:
        return (self,)

    def latex(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def text(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def free_symbols(self) -> set:  # pragma: no cover - abstract
        raise NotImplementedError

    def subs(self, instance: dict) -> "Statement":  # pragma: no cover - abstract
        raise NotImplementedError


def _s(e: Any) -> Any:
    return e if isinstance(e, sympy.Basic) else sympy.sympify(e)


@dataclass(frozen=True, eq=False)
class Rel(Statement):
    """``lhs <rel> rhs`` for every admissible value of the free symbols."""

    lhs: Any
    rhs: Any
    rel: str = "=="

    def __post_init__(self) -> None:
        if self.rel not in RELATIONS:
            raise ValueError(f"Rel.rel must be one of {RELATIONS}, got {self.rel!r}")
        object.__setattr__(self, "lhs", _s(self.lhs))
        object.__setattr__(self, "rhs", _s(self.rhs))

    def latex(self) -> str:
        return f"{sympy.latex(self.lhs, order='lex')} {_REL_TEX[self.rel]} {sympy.latex(self.rhs, order='lex')}"

    def text(self) -> str:
        return f"{sympy.sstr(self.lhs, order='lex')} {self.rel} {sympy.sstr(self.rhs, order='lex')}"

    def free_symbols(self) -> set:
        return set(self.lhs.free_symbols) | set(self.rhs.free_symbols)

    def subs(self, instance: dict) -> "Rel":
        return Rel(instantiate(self.lhs, instance), instantiate(self.rhs, instance), self.rel)

    def as_sympy(self) -> Any:
        return _REL_SYMPY[self.rel](self.lhs, self.rhs, evaluate=False)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Rel) and (self.lhs, self.rhs, self.rel) == (other.lhs, other.rhs, other.rel)

    def __hash__(self) -> int:
        return hash(("Rel", self.lhs, self.rhs, self.rel))


@dataclass(frozen=True, eq=False)
class Lim(Statement):
    """``lim_{var -> point} expr = value``; ``dir`` is ``"+"`` (from above), ``"-"`` or ``"+-"`` (both)."""

    expr: Any
    var: Any
    point: Any
    value: Any
    dir: str = "+-"

    def __post_init__(self) -> None:
        for name in ("expr", "point", "value"):
            object.__setattr__(self, name, _s(getattr(self, name)))
        if self.dir not in ("+", "-", "+-"):
            raise ValueError(f"Lim.dir must be '+', '-' or '+-', got {self.dir!r}")
        if self.point in (sympy.oo, -sympy.oo) and self.dir != "+-":
            object.__setattr__(self, "dir", "+-")

    def directions(self) -> tuple[str, ...]:
        """SymPy directions to take: one at ±∞, both for a two-sided finite limit."""
        if self.point in (sympy.oo, -sympy.oo):
            return ("-",) if self.point == sympy.oo else ("+",)
        return ("+", "-") if self.dir == "+-" else (self.dir,)

    def limit_expr(self) -> Any:
        d = "+-" if self.dir == "+-" and self.point not in (sympy.oo, -sympy.oo) else (
            self.directions()[0])
        return sympy.Limit(self.expr, self.var, self.point, d)

    def latex(self) -> str:
        side = "" if self.dir == "+-" or self.point in (sympy.oo, -sympy.oo) else f"^{{{self.dir}}}"
        value = sympy.latex(self.value, order="lex") if self.value is not None else r"\text{exists (finite)}"
        eq = "=" if self.value is not None else r"\ "
        body = sympy.latex(self.expr, order="lex")
        if isinstance(self.expr, sympy.Add):
            body = rf"\left({body}\right)"
        return rf"\lim_{{{sympy.latex(self.var)} \to {sympy.latex(self.point)}{side}}} {body} {eq} {value}"

    def text(self) -> str:
        side = "" if self.dir == "+-" or self.point in (sympy.oo, -sympy.oo) else self.dir
        value = f"= {sympy.sstr(self.value, order='lex')}" if self.value is not None else "exists (finite)"
        return f"lim_({self.var} -> {sympy.sstr(self.point)}{side}) {sympy.sstr(self.expr, order='lex')} {value}"

    def free_symbols(self) -> set:
        value = set(self.value.free_symbols) if self.value is not None else set()
        return (set(self.expr.free_symbols) - {self.var}) | value

    def subs(self, instance: dict) -> "Lim":
        inst = {k: v for k, v in instance.items() if k != self.var}
        value = instantiate(self.value, inst) if self.value is not None else None
        return Lim(instantiate(self.expr, inst), self.var, self.point, value, self.dir)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Lim) and (self.expr, self.var, self.point, self.value, self.dir) == (
            other.expr, other.var, other.point, other.value, other.dir)

    def __hash__(self) -> int:
        return hash(("Lim", self.expr, self.var, self.point, self.value, self.dir))


@dataclass(frozen=True, eq=False)
class All(Statement):
    """The conjunction of ``parts``."""

    parts_: tuple

    def __init__(self, *parts: Statement):
        flat: list[Statement] = []
        for p in parts:
            flat.extend(p.parts() if isinstance(p, All) else (p,))
        if not flat:
            raise ValueError("All needs at least one part")
        object.__setattr__(self, "parts_", tuple(flat))

    def parts(self) -> tuple[Statement, ...]:
        return self.parts_

    def latex(self) -> str:
        return r",\quad ".join(p.latex() for p in self.parts_)

    def text(self) -> str:
        return "; ".join(p.text() for p in self.parts_)

    def free_symbols(self) -> set:
        out: set = set()
        for p in self.parts_:
            out |= p.free_symbols()
        return out

    def subs(self, instance: dict) -> "All":
        return All(*[p.subs(instance) for p in self.parts_])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, All) and self.parts_ == other.parts_

    def __hash__(self) -> int:
        return hash(("All",) + self.parts_)


def chain(first: Any, *rest: Any) -> All:
    """``chain(a, "<=", b, "<=", c)`` is ``All(Rel(a, b, "<="), Rel(b, c, "<="))``."""
    items = (first,) + rest
    if len(items) < 3 or len(items) % 2 == 0:
        raise ValueError("chain takes expr, rel, expr[, rel, expr ...]")
    return All(*[Rel(items[k], items[k + 2], items[k + 1]) for k in range(0, len(items) - 2, 2)])


def condition_text(cond: Any) -> str:
    if cond is None:
        return ""
    if isinstance(cond, str):
        return cond
    if isinstance(cond, Statement):
        return cond.text()
    return sympy.sstr(cond, order="lex")


def condition_latex(cond: Any) -> str:
    if isinstance(cond, str):
        return cond
    if isinstance(cond, Statement):
        return cond.latex()
    return sympy.latex(cond, order="lex")


def satisfies(condition: Any, instance: dict) -> bool:
    """Whether an instance satisfies a SymPy condition (``None``: no condition, every instance does)."""
    from .evaluate import evaluate

    if condition is None:
        return True
    return bool(evaluate(condition, instance, "mp"))


def symbols_of(exprs: Iterable[Any]) -> list:
    out: set = set()
    for e in exprs:
        out |= set(sympy.sympify(e).free_symbols)
    return sorted(out, key=str)


def describe_instance(instance: dict, keys: Sequence[Any] | None = None) -> str:
    """``m=(1, 2), λ=1e-40`` style text for an instance (deterministic order)."""
    items = []
    for k in sorted(instance, key=str) if keys is None else keys:
        v = instance[k]
        name = getattr(k, "name", str(k))
        if isinstance(v, (tuple, list)):
            vs = "(" + ", ".join(str(x) for x in v) + ")"
        else:
            vs = str(v)
        items.append(f"{name}={vs}")
    return ", ".join(items)
