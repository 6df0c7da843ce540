r"""General proofs (symbolic sizes ``n``, ``p``) of the Frobenius energies of the random-feature scores (Ex 1c).

Setting: ``X`` is ``p × n`` with iid ``N(0, σ²)`` entries ``x[k, i]``; ``E`` is a fixed ``p × n`` matrix with
entries ``e[k, i]``; ``G = EᵀE`` with entries ``g[i, j]``;

* ``S_cat = G + XᵀX``, entry ``g[i,j] + Σ_k x[k,i] x[k,j]``;
* ``C = EᵀX + XᵀE``, entry ``Σ_k (e[k,i] x[k,j] + x[k,i] e[k,j])``;
* ``S_add = S_cat + C`` (``= (E + X)ᵀ(E + X)``, side lemma :func:`add_score_entry_steps`).

Every proof is a chain of :class:`~verify.core.claim.Step` (``lhs=None`` continues from the previous ``rhs``)
for :func:`verify.core.symbolic.check_steps`.  The chains start at ``E‖·‖_F²`` written with SymPy ``Sum`` over
symbolic ``n`` and ``p`` and end at the closed form; no size is ever fixed.  Three checks carry them:

:func:`expect_linearity`
    *Linearity only.*  Both sides are brought to a normal form: squares and products of finite sums become
    multiple sums with fresh indices, ``E`` is pushed through ``+``, through finite sums and past factors
    free of ``X``, summation indices a summand does not use are counted out (``Σ_{k=1}^p c = p c``), and
    summation indices over equal ranges are renamed canonically (a finite product domain may be summed in
    any order).  Equal normal forms prove the step; no moment of ``X`` is used.
:func:`isserlis_sums`
    *Isserlis/Wick on the generic term, with a case split.*  The normal form above, and then every
    ``Σ_{indices} c · E[monomial in x]`` is split by the *equality pattern* of its summation indices over
    each range (``i = j`` or ``i ≠ j``, ``k = l`` or ``k ≠ l``; all set partitions in general).  Within one
    pattern the entries ``x[·,·]`` that differ in a position holding two indices of different blocks are
    different entries of ``X``, hence independent ``N(0, σ²)``; their moment is exact
    (:func:`~verify.positional.checks.gaussian_expectation`: ``E x⁴ = 3σ⁴``, ``E x²y² = σ⁴``, odd moments
    ``0``).  The sum over the tuples with exactly that pattern is written with ordinary sums by Möbius
    inversion on the partition lattice (two indices: ``Σ_{i≠j} v(i,j) = Σ_{i,j} v(i,j) − Σ_i v(i,i)``),
    which is where the counts ``n(n−1)``, ``p(p−1)`` come from.  If an entry cannot be shown distinct from
    another (an index outside the split, an index expression such as ``i+1``) the check does not decide.
:func:`counting_check`
    :func:`~verify.positional.checks.sum_identity` for the final counting (``Σ_{i=1}^n Σ_{k=1}^p g_ii =
    p tr G`` and polynomial algebra in ``n, p``).

When a check cannot prove its step, both sides are evaluated *exactly* at small concrete sizes
(``n, p ∈ {1, 2, 3}``: the sums are expanded, every ``E[·]`` is computed with exact Gaussian moments,
``g, e, σ`` are random rationals); a difference there is a counterexample and the step is ``False`` (refuted).

Symbol assumptions: ``n, p`` positive integers; ``i, j, k, l`` integers (summation indices); ``σ > 0``;
``g[i, j]``, ``e[k, i]`` arbitrary (no relation between ``g`` and ``e`` is used except in
:func:`add_score_entry_steps`); ``x[k, i]`` iid ``N(0, σ²)``, the only random quantities.

:data:`STATEMENTS` maps every proof to the SymPy ``lhs`` and ``rhs`` of the statement it proves.
"""

from __future__ import annotations

import itertools
import math
import random
from collections import defaultdict
from typing import Any, Callable, Sequence

import sympy as sp
from sympy.utilities.iterables import multiset_partitions

from verify.core.claim import Step
from verify.core.statement import Rel

from .checks import Expect, expectation_check, gaussian_expectation, sum_identity

# --- symbols (same names and assumptions as verify/positional/claims.py, so expressions compare equal) ---------
p, n = sp.symbols("p n", integer=True, positive=True)
i, j, k, l = sp.symbols("i j k l", integer=True)
sigma = sp.Symbol("sigma", positive=True)
xI, eI, gI = sp.IndexedBase("x"), sp.IndexedBase("e"), sp.IndexedBase("g")

#: concrete sizes used only to look for a counterexample when a step is not proved
PROBE_SIZES: tuple[dict, ...] = ({n: 1, p: 1}, {n: 2, p: 1}, {n: 1, p: 2}, {n: 2, p: 2}, {n: 3, p: 2},
                                 {n: 2, p: 3})


class Unsupported(Exception):
    """The normal form cannot be built (the check then does not decide)."""


# --- the quantities -------------------------------------------------------------------------------------------
def _mk_sum(body: Any, limits: Sequence[tuple]) -> Any:
    return sp.Sum(body, *limits) if limits else body


def frob2(entry: Any) -> Any:
    """``‖A‖_F² = Σ_{i,j} A_ij²`` for an ``n × n`` matrix given by its ``(i, j)`` entry."""
    return sp.Sum(entry ** 2, (i, 1, n), (j, 1, n))


def frob_inner(a: Any, b: Any) -> Any:
    """``⟨A, B⟩_F = Σ_{i,j} A_ij B_ij``."""
    return sp.Sum(a * b, (i, 1, n), (j, 1, n))


XTX_ij = sp.Sum(xI[k, i] * xI[k, j], (k, 1, p))
SCAT_ij = gI[i, j] + XTX_ij
C_ij = sp.Sum(eI[k, i] * xI[k, j] + xI[k, i] * eI[k, j], (k, 1, p))
SADD_ij = SCAT_ij + C_ij

E_SCAT2 = Expect(frob2(SCAT_ij))          # E‖S_cat‖_F²
E_C2 = Expect(frob2(C_ij))                # E‖C‖_F²
E_SADD2 = Expect(frob2(SADD_ij))          # E‖S_add‖_F²
E_INNER = Expect(frob_inner(SCAT_ij, C_ij))  # E⟨S_cat, C⟩_F

G_F2 = sp.Sum(gI[i, j] ** 2, (i, 1, n), (j, 1, n))   # ‖G‖_F²
TR_G = sp.Sum(gI[i, i], (i, 1, n))                    # tr G
E_F2 = sp.Sum(eI[k, i] ** 2, (k, 1, p), (i, 1, n))   # ‖E‖_F²

CAT_CLOSED = G_F2 + 2 * p * sigma**2 * TR_G + n * p * sigma**4 * (n + p + 1)
CROSS_CLOSED = 2 * sigma**2 * (n + 1) * E_F2


# --- normal form: linear combinations of multiple sums ------------------------------------------------------
def _is_random(expr: Any, x: sp.IndexedBase) -> bool:
    return any(a.base == x for a in sp.sympify(expr).atoms(sp.Indexed))


def _flat(expr: Any) -> list[tuple[Any, tuple]]:
    """``expr`` as ``Σ_t Σ_{limits_t} body_t`` (bodies free of ``Sum``): a list of ``(body, limits)``.

    Products (and positive integer powers) of sums become multiple sums; every summation index is renamed
    to a fresh dummy, so factors never share an index by accident.
    """
    expr = sp.sympify(expr)
    if not expr.has(sp.Sum):
        return [(expr, ())]
    if isinstance(expr, sp.Add):
        return [t for a in expr.args for t in _flat(a)]
    if isinstance(expr, sp.Mul):
        out: list[tuple[Any, tuple]] = [(sp.Integer(1), ())]
        for f in expr.args:
            ff = _flat(f)
            out = [(b1 * b2, l1 + l2) for b1, l1 in out for b2, l2 in ff]
        return out
    if isinstance(expr, sp.Pow) and expr.exp.is_Integer and expr.exp > 0:
        out = [(sp.Integer(1), ())]
        for _ in range(int(expr.exp)):
            ff = _flat(expr.base)  # a fresh set of indices for every factor
            out = [(b1 * b2, l1 + l2) for b1, l1 in out for b2, l2 in ff]
        return out
    if isinstance(expr, sp.Sum):
        body, limits, ren = expr.function, [], {}
        for v, a, b in expr.limits:
            d = sp.Dummy(v.name, integer=True)
            a, b = a.xreplace(ren), b.xreplace(ren)
            ren[v] = d
            limits.append((d, a, b))
        body = body.xreplace(ren)
        return [(bb, ll + tuple(limits)) for bb, ll in _flat(body)]
    raise Unsupported(f"cannot distribute over {type(expr).__name__}: {sp.sstr(expr)[:80]}")


def linearize(expr: Any, x: sp.IndexedBase = xI) -> Any:
    """Push every ``E[·]`` through sums, finite ``Sum``s and factors free of ``x`` (linearity of ``E``).

    Afterwards every ``E`` holds a monomial in the entries of ``x`` only.
    """
    expr = sp.sympify(expr)

    def lin(arg: Any) -> Any:
        if arg.has(Expect):
            raise Unsupported("nested expectation")
        out = sp.Integer(0)
        for body, limits in _flat(arg):
            for mono in sp.Add.make_args(sp.expand(body)):
                rnd = [a for a in mono.atoms(sp.Indexed) if a.base == x]
                const, rand = mono.as_independent(*rnd, as_Add=False) if rnd else (mono, sp.Integer(1))
                out += _mk_sum(const * (Expect(rand) if rand != 1 else 1), limits)
        return out

    return expr.replace(lambda e: isinstance(e, Expect), lambda e: lin(e.args[0]))


def _classes(limits: Sequence[tuple]) -> dict:
    """Summation variables grouped by their (constant) range ``(a, b)``."""
    vars_ = [v for v, _, _ in limits]
    cls: dict = defaultdict(list)
    for v, a, b in limits:
        if a.has(*vars_) or b.has(*vars_):
            raise Unsupported("a summation bound depends on another summation index")
        cls[(a, b)].append(v)
    return cls


def _canon_terms(flat: Sequence[tuple[Any, tuple]], x: sp.IndexedBase, sign: int = 1,
                 out: dict | None = None) -> dict:
    """Accumulate ``sign * Σ flat`` as ``{(ranges, canonical summand): coefficient}``.

    A summand's factors free of the summation indices are the coefficient; unused indices are counted out;
    indices over the same range are renamed to canonical symbols, choosing the least renaming (the sum over
    a product domain does not depend on the names or the order of its indices).
    """
    out = defaultdict(lambda: sp.Integer(0)) if out is None else out
    for body, limits in flat:
        for mono in sp.Add.make_args(sp.expand(body)):
            if _is_random(mono.replace(lambda e: isinstance(e, Expect), lambda e: sp.Integer(1)), x):
                raise Unsupported("a random entry outside E[...]")
            vars_ = [v for v, _, _ in limits]
            coeff, dep = mono.as_independent(*vars_, as_Add=False) if vars_ else (mono, sp.Integer(1))
            used = []
            for v, a, b in limits:
                if dep.has(v):
                    used.append((v, a, b))
                else:
                    coeff *= (b - a + 1)
            cls = _classes(used)
            keys = sorted(cls, key=sp.default_sort_key)
            canon_syms = {r: [sp.Symbol(f"_c{t}_{s}", integer=True) for s in range(len(cls[r]))]
                          for t, r in enumerate(keys)}
            best = None
            for perm in itertools.product(*[itertools.permutations(cls[r]) for r in keys]):
                ren = {v: canon_syms[r][s] for r, vs in zip(keys, perm) for s, v in enumerate(vs)}
                cand = dep.xreplace(ren)
                if best is None or sp.default_sort_key(cand) < sp.default_sort_key(best):
                    best = cand
            sig = tuple((r, len(cls[r])) for r in keys)
            out[(sig, best)] += sign * coeff
    return out


def _difference(lflat, rflat, x: sp.IndexedBase) -> list[tuple]:
    """The canonical terms of ``lhs − rhs`` whose coefficient does not simplify to 0."""
    acc = _canon_terms(lflat, x, +1)
    acc = _canon_terms(rflat, x, -1, acc)
    left = []
    for key, c in acc.items():
        if sp.expand(c) != 0 and sp.simplify(c) != 0:
            left.append((key, c))
    return left


def _describe(left: list[tuple]) -> str:
    parts = [f"{sp.sstr(c)} * Sum[{sp.sstr(body)}]" for (_, body), c in left[:3]]
    return "normal forms differ by " + " + ".join(parts) + (" + ..." if len(left) > 3 else "")


# --- Isserlis / Wick with a case split over equality patterns ----------------------------------------------
def _mobius(block_sizes: Sequence[int]) -> int:
    """``μ(0̂, σ)`` on the partition lattice for a partition ``σ`` with the given block sizes."""
    return math.prod((-1) ** (b - 1) * math.factorial(b - 1) for b in block_sizes)


def _partitions(vs: Sequence) -> list[list[list]]:
    return [list(map(list, part)) for part in multiset_partitions(list(vs))]


def _gauss_flat(flat: Sequence[tuple[Any, tuple]], x: sp.IndexedBase, sig: Any, log: list | None = None
                ) -> list[tuple[Any, tuple]]:
    """Evaluate every ``E[·]`` in a flat sum by the case split described in the module docstring."""
    out = []
    for body, limits in flat:
        if not body.has(Expect):
            out.append((body, limits))
            continue
        cls = _classes(limits)
        keys = sorted(cls, key=sp.default_sort_key)
        rng = {v: (a, b) for v, a, b in limits}
        names, seen = {}, defaultdict(int)
        for v, _, _ in limits:  # readable names for the log: k, k', k'' ...
            names[v] = v.name + "'" * seen[v.name]
            seen[v.name] += 1
        for pattern in itertools.product(*[_partitions(cls[r]) for r in keys]):
            blocks = [blk for part in pattern for blk in part]
            rep = {v: blk[0] for blk in blocks for v in blk}
            cls_of = {blk[0]: t for t, part in enumerate(pattern) for blk in part}
            b_pi = body.xreplace(rep)
            atoms = sorted({a for a in b_pi.atoms(sp.Indexed) if a.base == x}, key=sp.default_sort_key)
            for a1, a2 in itertools.combinations(atoms, 2):
                if len(a1.indices) != len(a2.indices) or not any(
                        (s != t and s in cls_of and t in cls_of and cls_of[s] == cls_of[t])
                        or (s.is_Integer and t.is_Integer and s != t)
                        for s, t in zip(a1.indices, a2.indices)):
                    raise Unsupported(f"cannot show {a1} and {a2} are different entries")

            def ev(e: Any) -> Any:
                arg = e.args[0]
                xs = sorted({a for a in arg.atoms(sp.Indexed) if a.base == x}, key=sp.default_sort_key)
                return gaussian_expectation(arg, xs, sig) if xs else arg

            value = b_pi.replace(lambda e: isinstance(e, Expect), ev)
            if log is not None and len(log) < 12:
                desc = ", ".join("=".join(names[v] for v in blk) for blk in blocks if len(blk) > 1) or "all distinct"
                shown = value.xreplace({v: sp.Symbol(names[v]) for v in names})
                log.append(f"[{desc}] -> {sp.sstr(sp.factor(shown))}")
            if value == 0:
                continue
            reps_by_cls = [[blk[0] for blk in part] for part in pattern]
            # Σ over tuples with exactly this pattern (representatives pairwise distinct within a class)
            for coarse in itertools.product(*[_partitions(rs) for rs in reps_by_cls]):
                mu, merge, lims = 1, {}, []
                for part in coarse:
                    mu *= _mobius([len(blk) for blk in part])
                    for blk in part:
                        for v in blk:
                            merge[v] = blk[0]
                        lims.append((blk[0],) + rng[blk[0]])
                out.append((mu * value.xreplace(merge), tuple(lims)))
    return out


# --- checks ---------------------------------------------------------------------------------------------------
def probe(lhs: Any, rhs: Any, x: sp.IndexedBase = xI, sig: Any = sigma, sizes: Sequence[dict] = PROBE_SIZES,
          seed: int = 0) -> str | None:
    """Exact evaluation of ``lhs − rhs`` at concrete sizes and random rational data; a nonzero value is a
    counterexample (returned as text)."""
    rnd = random.Random(seed)
    for size in sizes:
        d = (sp.sympify(lhs) - sp.sympify(rhs)).subs(size).doit()

        def ev(e: Any) -> Any:
            arg = sp.expand(e.args[0])
            xs = sorted({a for a in arg.atoms(sp.Indexed) if a.base == x}, key=sp.default_sort_key)
            return gaussian_expectation(arg, xs, sig) if xs else arg

        d = d.replace(lambda e: isinstance(e, Expect), ev)
        if d.has(sp.Sum) or _is_random(d, x):
            continue
        vals: dict = {a: sp.Rational(rnd.randint(-9, 9), rnd.randint(1, 4)) for a in d.atoms(sp.Indexed)}
        vals.update({s: sp.Rational(rnd.randint(1, 9), rnd.randint(1, 4)) for s in d.free_symbols
                     if isinstance(s, sp.Symbol)})
        v = sp.expand(d.xreplace(vals))
        if v.is_number and v != 0:
            shown = ", ".join(f"{s}={val}" for s, val in size.items())
            return f"at {shown} (random rational g, e, sigma) lhs - rhs = {v}"
    return None


def _decide(lhs: Any, rhs: Any, left: list | None, why_ok: str, why_not: str, x, sig
            ) -> tuple[bool | None, str]:
    if left == []:
        return True, why_ok
    cex = probe(lhs, rhs, x, sig)
    if cex:
        return False, f"false: {cex}"
    return None, why_not


def expect_linearity(x: sp.IndexedBase = xI, sig: Any = sigma) -> Callable[[Any, Any], tuple[bool | None, str]]:
    """``Step.check``: ``lhs == rhs`` by linearity of ``E`` and of finite sums alone (no moments)."""

    def check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
        try:
            left = _difference(_flat(linearize(lhs, x)), _flat(linearize(rhs, x)), x)
            why_not = _describe(left) if left else ""
        except Unsupported as exc:
            left, why_not = None, f"normal form not built: {exc}"
        return _decide(lhs, rhs, left, "equal normal forms: squares of sums expanded into multiple sums, E pushed "
                       "through +, finite sums and constant factors, indices renamed", why_not, x, sig)

    return check


def isserlis_sums(x: sp.IndexedBase = xI, sig: Any = sigma) -> Callable[[Any, Any], tuple[bool | None, str]]:
    """``Step.check``: ``lhs == rhs`` after evaluating every ``E[·]`` on the generic term, split by the
    equality pattern of the summation indices (see the module docstring)."""

    def check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
        log: list = []
        try:
            lf = _gauss_flat(_flat(linearize(lhs, x)), x, sig, log)
            rf = _gauss_flat(_flat(linearize(rhs, x)), x, sig, log)
            left = _difference(lf, rf, x)
            why_not = _describe(left) if left else ""
        except Unsupported as exc:
            left, why_not = None, f"case split not possible: {exc}"
        cases = "; ".join(log)
        return _decide(lhs, rhs, left, f"Isserlis on each equality pattern of the indices, Möbius inversion for "
                       f"the distinct-index sums, equal normal forms. Cases: {cases}", why_not, x, sig)

    return check


def counting_check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
    """``Step.check``: :func:`~verify.positional.checks.sum_identity` (it carries the proof); when it does not
    decide, :func:`probe` looks for a counterexample at concrete sizes."""
    ok, why = sum_identity(lhs, rhs)
    if ok:
        return ok, why
    cex = probe(lhs, rhs)
    return (False, f"false: {cex}") if cex else (None, why)


# --- the proofs -----------------------------------------------------------------------------------------------
def isserlis_cases_steps() -> tuple[Step, ...]:
    """Side lemma (the generic-term table used by :func:`isserlis_sums`, for the report).

    For ``k ≠ l`` and ``i ≠ j`` the entries ``x[k,i], x[k,j], x[l,i], x[l,j]`` are four different entries of
    ``X``; identifying ``l = k`` and/or ``j = i`` gives the other cases.  Each step: ``expectation_check``
    with the distinct entries as independent ``N(0, σ²)`` variables.  Independent ``lemma=True`` steps (each
    has its own lhs), so they may be placed inside a bound derivation.
    """
    x4 = [xI[k, i], xI[k, j], xI[l, i], xI[l, j]]
    return (
        Step(Expect(xI[k, i] * xI[k, j] * xI[l, i] * xI[l, j]), 0, why="k ≠ l, i ≠ j: four different entries",
             check=expectation_check(x4, sigma), lemma=True),
        Step(Expect(xI[k, i] ** 2 * xI[k, j] ** 2), sigma**4, why="k = l, i ≠ j: E x²y² = σ⁴",
             check=expectation_check([xI[k, i], xI[k, j]], sigma), lemma=True),
        Step(Expect(xI[k, i] ** 2 * xI[l, i] ** 2), sigma**4, why="k ≠ l, i = j: E x²y² = σ⁴",
             check=expectation_check([xI[k, i], xI[l, i]], sigma), lemma=True),
        Step(Expect(xI[k, i] ** 4), 3 * sigma**4, why="k = l, i = j: E x⁴ = 3σ⁴",
             check=expectation_check([xI[k, i]], sigma), lemma=True),
        Step(Expect(xI[k, i] * xI[k, j]), 0, why="i ≠ j", check=expectation_check([xI[k, i], xI[k, j]], sigma),
             lemma=True),
        Step(Expect(xI[k, i] ** 2), sigma**2, why="i = j", check=expectation_check([xI[k, i]], sigma), lemma=True),
    )


def cat_energy_steps() -> tuple[Step, ...]:
    r"""``E‖S_cat‖_F² = ‖G‖_F² + 2pσ² tr G + npσ⁴(n + p + 1)`` for all ``n, p ≥ 1``.

    Assumptions: ``x[k,i]`` iid ``N(0, σ²)``, ``σ > 0``; ``g[i,j]`` arbitrary constants; ``n, p`` positive
    integer symbols.  Checks: step 1 :func:`expect_linearity` (expand ``(g_ij + Σ_k x_ki x_kj)²``, ``E``
    through the sums); step 2 :func:`isserlis_sums` (``E[x_ki x_kj] = σ²`` iff ``i = j``;
    ``E[x_ki x_kj x_li x_lj] = 3σ⁴, σ⁴, σ⁴, 0`` for ``(k=l, i=j), (k=l, i≠j), (k≠l, i=j), (k≠l, i≠j)``
    with ``np, pn(n−1), np(p−1), n(n−1)p(p−1)`` terms; table: :func:`isserlis_cases_steps`);
    step 3 :func:`counting_check` (``sum_identity``: counting).
    """
    fourth = sp.Sum(Expect(xI[k, i] * xI[k, j] * xI[l, i] * xI[l, j]), (k, 1, p), (l, 1, p), (i, 1, n), (j, 1, n))
    second = sp.Sum(gI[i, j] * Expect(xI[k, i] * xI[k, j]), (k, 1, p), (i, 1, n), (j, 1, n))
    return (
        Step(E_SCAT2, G_F2 + 2 * second + fourth,
             why="expand (g_ij + Σ_k x_ki x_kj)², (Σ_k a_k)² = Σ_k Σ_l a_k a_l; E is linear",
             check=expect_linearity()),
        Step(None, G_F2 + 2 * sp.Sum(sigma**2 * gI[i, i], (k, 1, p), (i, 1, n))
             + sigma**4 * (3 * n * p + p * n * (n - 1) + n * p * (p - 1)),
             why="Isserlis on the generic terms: E x_ki x_kj = σ² δ_ij; E x_ki x_kj x_li x_lj = 3σ⁴ (k=l, i=j; np "
                 "terms), σ⁴ (k=l, i≠j; pn(n−1)), σ⁴ (k≠l, i=j; np(p−1)), 0 (k≠l, i≠j)",
             check=isserlis_sums()),
        Step(None, CAT_CLOSED, why="Σ_k 1 = p; 3 + (n − 1) + (p − 1) = n + p + 1", check=counting_check),
    )


def inner_zero_steps() -> tuple[Step, ...]:
    """Side lemma ``E⟨S_cat, C⟩_F = 0``: linearity (:func:`expect_linearity`), then every term is an odd
    moment of ``X`` (degree 1 or 3), zero in every case of the split (:func:`isserlis_sums`)."""
    odd1 = sp.Sum(gI[i, j] * (eI[k, i] * Expect(xI[k, j]) + eI[k, j] * Expect(xI[k, i])), (k, 1, p), (i, 1, n),
                  (j, 1, n))
    odd3 = sp.Sum(eI[l, i] * Expect(xI[k, i] * xI[k, j] * xI[l, j]) + eI[l, j] * Expect(xI[k, i] * xI[k, j] * xI[l, i]),
                  (k, 1, p), (l, 1, p), (i, 1, n), (j, 1, n))
    return (
        Step(E_INNER, odd1 + odd3, why="expand the product of the entries; E is linear", check=expect_linearity()),
        Step(None, sp.Integer(0), why="odd Gaussian moments vanish (every case of k = l, i = j)",
             check=isserlis_sums()),
    )


def add_energy_steps() -> tuple[Step, ...]:
    """``E‖S_add‖_F² = E‖S_cat‖_F² + E‖C‖_F²`` (i.e. ``E⟨S_cat, C⟩_F = 0``) for all ``n, p ≥ 1``.

    Assumptions as :func:`cat_energy_steps`; ``e[k,i]`` arbitrary constants.  Step 1 (``‖A+B‖² = ‖A‖² +
    2⟨A,B⟩ + ‖B‖²`` entrywise, ``E`` linear): :func:`expect_linearity`.  Step 2 (``E⟨S_cat, C⟩ = 0``, side lemma
    :func:`inner_zero_steps`): :func:`isserlis_sums` on ``lhs − rhs``.
    """
    return (
        Step(E_SADD2, E_SCAT2 + 2 * E_INNER + E_C2, why="(a + b)² = a² + 2ab + b² entrywise; E is linear",
             check=expect_linearity()),
        Step(None, E_SCAT2 + E_C2, why="E⟨S_cat, C⟩ = 0: every term is an odd moment of X (lemma)",
             check=isserlis_sums()),
    )


def cross_energy_general_steps() -> tuple[Step, ...]:
    """``E‖C‖_F² = 2σ²(n + 1)‖E‖_F²`` for all ``n, p ≥ 1``, as one chain (the general form of
    ``cross_energy_steps`` in :mod:`verify.positional.claims`).

    Step 1 :func:`expect_linearity`; step 2 :func:`isserlis_sums` (``E x_aj x_bj' = σ²`` iff ``a = b`` and
    ``j = j'``); step 3 :func:`counting_check` (``sum_identity``).
    """
    quad = sp.Sum(eI[k, i] * eI[l, i] * Expect(xI[k, j] * xI[l, j]) + eI[k, i] * eI[l, j] * Expect(xI[k, j] * xI[l, i])
                  + eI[k, j] * eI[l, i] * Expect(xI[k, i] * xI[l, j])
                  + eI[k, j] * eI[l, j] * Expect(xI[k, i] * xI[l, i]),
                  (k, 1, p), (l, 1, p), (i, 1, n), (j, 1, n))
    return (
        Step(E_C2, quad, why="expand (Σ_k e_ki x_kj + x_ki e_kj)²; E is linear", check=expect_linearity()),
        Step(None, sp.Sum(sigma**2 * (eI[k, i] ** 2 + eI[k, j] ** 2), (k, 1, p), (i, 1, n), (j, 1, n))
             + 2 * sp.Sum(sigma**2 * eI[k, i] ** 2, (k, 1, p), (i, 1, n)),
             why="E x_aj x_bj' = σ² iff a = b and j = j': the two 'same column' terms for every (i, j), the two "
                 "'crossed' terms only for i = j",
             check=isserlis_sums()),
        Step(None, CROSS_CLOSED, why="n Σ_{k,i} e_ki² twice, plus 2 Σ_{k,i} e_ki²", check=counting_check),
    )


def add_energy_closed_steps() -> tuple[Step, ...]:
    """Corollary: ``E‖S_add‖_F² = ‖G‖² + 2pσ² tr G + npσ⁴(n+p+1) + 2σ²(n+1)‖E‖²``.

    Step 1 as :func:`add_energy_steps`; step 2 evaluates both energies at once (:func:`isserlis_sums`).
    """
    return (
        Step(E_SADD2, E_SCAT2 + E_C2, why="E⟨S_cat, C⟩ = 0 (odd moments)", check=isserlis_sums()),
        Step(None, CAT_CLOSED + CROSS_CLOSED, why="the two energies (cat_energy_steps, cross_energy_general_steps)",
             check=isserlis_sums()),
    )


def add_score_entry_steps() -> tuple[Step, ...]:
    """Side lemma: ``((E + X)ᵀ(E + X))_ij = G_ij + (XᵀX)_ij + C_ij`` with ``G_ij = Σ_k e_ki e_kj``
    (so ``S_add = S_cat + C``); :func:`counting_check` (``sum_identity``).  A ``lemma=True`` step."""
    return (
        Step(sp.Sum((eI[k, i] + xI[k, i]) * (eI[k, j] + xI[k, j]), (k, 1, p)),
             sp.Sum(eI[k, i] * eI[k, j], (k, 1, p)) + XTX_ij + C_ij, why="expand the product", check=counting_check,
             lemma=True),
    )


#: For each proof: the statement's SymPy sides (``lhs``, ``rhs``; ``statement`` is ``Rel(lhs, rhs)`` for
#: :func:`verify.core.symbolic.prove`), the proof function (chain from lhs to rhs) and side lemmas.
STATEMENTS: dict[str, dict[str, Any]] = {
    "cat_energy": {"lhs": E_SCAT2, "rhs": CAT_CLOSED, "steps": cat_energy_steps, "lemmas": (isserlis_cases_steps,),
                   "assumptions": ("x_{ki} iid N(0, sigma^2)", "n, p positive integers", "G = E^T E (any g_ij)")},
    "add_energy": {"lhs": E_SADD2, "rhs": E_SCAT2 + E_C2, "steps": add_energy_steps,
                   "lemmas": (inner_zero_steps, add_score_entry_steps),
                   "assumptions": ("x_{ki} iid N(0, sigma^2)", "n, p positive integers")},
    "inner_zero": {"lhs": E_INNER, "rhs": sp.Integer(0), "steps": inner_zero_steps, "lemmas": (),
                   "assumptions": ("x_{ki} iid N(0, sigma^2)",)},
    "cross_energy": {"lhs": E_C2, "rhs": CROSS_CLOSED, "steps": cross_energy_general_steps, "lemmas": (),
                     "assumptions": ("x_{ki} iid N(0, sigma^2)", "n, p positive integers")},
    "add_energy_closed": {"lhs": E_SADD2, "rhs": CAT_CLOSED + CROSS_CLOSED, "steps": add_energy_closed_steps,
                          "lemmas": (), "assumptions": ("x_{ki} iid N(0, sigma^2)", "n, p positive integers")},
}

for _entry in STATEMENTS.values():
    _entry["statement"] = Rel(_entry["lhs"], _entry["rhs"])
