r"""Claims ``os.spectrum.*``: closed-form spectra of the mean operator ``M = D̃⁻¹Ã`` of small graph families.

``Ã = A + sI`` (self-loop weight ``s``; ``s = 0`` no self loops, ``s = 1`` the usual ``A + I``), ``d̃ = deg + s``.
``M`` is similar to the symmetric normalised adjacency ``D̃^(-1/2)ÃD̃^(-1/2)``, so every statement about the
spectrum of ``M`` is one about the normalised adjacency too.  The spectra are stated as characteristic
polynomials ``χ(x) = det(xI − M)`` (the multiset of eigenvalues, multiplicities included) and, for the cycle and
the path, as eigen-relations of the Fourier vectors (general ``n``):

=====================  ======================================================================================
cycle ``C_n``           ``λ_k = (s + 2cos(2πk/n))/(2 + s)``, eigenvectors ``cos(2πkj/n − φ)`` (general n)
path ``P_n`` (s = 0)    ``λ_k = cos(πk/(n−1))``, eigenvectors ``cos(πkj/(n−1))``, all distinct (general n)
star ``S_n``            ``1, s/(n−1+s) + s/(1+s) − 1, s/(1+s)`` (``n−2`` times) (general n)
complete ``K_n``        ``1, −(1−s)/(n−1+s)`` (``n−1`` times); with self loops rank one (general n)
``K_{a,b}``             ``1, s/(b+s) + s/(a+s) − 1, s/(b+s)`` (``a−1``), ``s/(a+s)`` (``b−1``) (general a, b)
=====================  ======================================================================================

and the second-largest eigenvalue modulus (SLEM) of the cycle, the rate of mean aggregation: without self loops it
is *not* ``cos(2π/n)`` (refuted: 1 for even n, ``cos(π/n)`` for odd n), with self loops it is
``(1 + 2cos(2π/n))/3``.

General-``n`` proofs: eigen-relations by the rows of ``M`` (the quantities ``mv_cycle``/``mv_path`` unfold to
them) and trigonometric identities; characteristic polynomials of ``K_n``, ``K_{a,b}``, ``S_n`` from their block
form by the matrix determinant lemma (:func:`block_det_check`, a custom step that reads the block matrix it is
given).  Exact evidence at fixed sizes: :func:`exact_at` (every quantity replaced by its exact SymPy value, the
identity in ``x`` checked by SymPy).
"""

from __future__ import annotations

from typing import Any, Sequence

import sympy as sp

from verify.core.claim import Claim, Evidence, Mutant, Outcome, Prop, Step
from verify.core.numeric import at_points, certify_violation, counterexample
from verify.core.statement import All, Quantity, Rel, describe_instance, explicit
from verify.core.symbolic import derivation_evidence, is_zero

from .spectral_quantities import (Complete, CompleteBipartite, Cycle, Path, Star, a, b, charpoly, eig, j, k, mv_cycle,
                                  mv_path, n, phi, s, slem, x)

SOURCE = "Ex 3"
_BUDGET = 30.0


# ==============================================================================================================
# evidence builders (shared with os.mean)
# ==============================================================================================================

def exact_value(expr: Any, instance: dict | None = None) -> Any:
    """``expr`` at an instance with every quantity replaced by its exact SymPy form and every finite sum /
    product with concrete bounds carried out (repeated until nothing changes)."""
    from verify.core.statement import instantiate

    e = instantiate(expr, instance or {})
    for _ in range(6):
        new = explicit(e).doit()
        if new == e:
            break
        e = new
    return e


def _opaque(e: Any) -> bool:
    return any(getattr(type(q), "mp_impl", None) is not None for q in e.atoms(Quantity))


_CERT_X = (sp.Rational(-3, 2), sp.Rational(-1, 3), sp.Rational(2, 7), sp.Rational(5, 4), sp.Integer(3))


def exact_at(instances: Sequence[dict], label: str = "exact", parts: Sequence[int] | None = None,
             about: str = "statement", budget: float = _BUDGET, description: str = "") -> Evidence:
    """Symbolic evidence: the statement's ``Rel`` parts (or the ``parts`` given) at concrete instances, exactly.

    Each side is evaluated by :func:`exact_value` (quantities by their exact SymPy forms: the exact
    characteristic polynomial of the rational matrix, exact spectra ...); symbols the instance leaves free
    (``x`` of a characteristic polynomial) stay symbolic, so an identity of polynomials is checked.  A
    difference SymPy shows nonzero refutes, certified by an arb enclosure of the two sides (through the
    quantities' arb implementations) at a point of the free symbols where the ball excludes 0.
    """
    instances = [dict(i) for i in instances]

    def run(prop: Prop) -> Outcome:
        from verify.core.numeric import _instances_for

        stmt = prop.statement
        rels = [(i, p) for i, p in enumerate(stmt.parts()) if isinstance(p, Rel) and (parts is None or i in parts)]
        if not rels:
            return Outcome("undecided", "no relation to check")
        insts = _instances_for(prop, instances)
        if not insts:
            return Outcome("undecided", "no instance satisfies the condition")
        checked = 0
        for inst in insts:
            for i, part in rels:
                lhs, rhs = exact_value(part.lhs, inst), exact_value(part.rhs, inst)
                where = describe_instance(inst)
                if _opaque(lhs) or _opaque(rhs):
                    return Outcome("undecided", f"no exact form of part {i + 1} at {where}")
                if part.rel == "==":
                    z = is_zero(sp.expand(lhs - rhs))
                else:
                    dd = sp.simplify(lhs - rhs)
                    ok = {"<=": dd.is_nonpositive, "<": dd.is_negative, ">=": dd.is_nonnegative,
                          ">": dd.is_positive}[part.rel]
                    z = True if ok else (False if ok is False else None)
                if z is True:
                    checked += 1
                    continue
                free = sorted((lhs - rhs).free_symbols, key=str)
                for pt in ([{}] if not free else [{f: xv for f in free} for xv in _CERT_X]):
                    cert = certify_violation(part, {**inst, **pt})
                    if cert["certified"]:
                        at = describe_instance({**inst, **pt})
                        return Outcome("refuted", f"part {i + 1} fails exactly at {where}; arb at {at}: {cert['text']}",
                                       data={"where": at, "part": i + 1, "certified": True,
                                             "enclosure": cert["text"]})
                if z is False:
                    return Outcome("refuted", f"part {i + 1} fails exactly at {where} (SymPy: difference nonzero)",
                                   data={"where": where, "part": i + 1, "certified": False})
                return Outcome("undecided", f"part {i + 1} at {where}: SymPy could not decide")
        return Outcome("holds", f"{checked} exact identities at {len(insts)} instances",
                       data={"instances": len(insts), "checks": checked})

    return Evidence("symbolic", run, label=label, about=about, budget=budget,
                    description=description or f"the statement exactly (SymPy) at {len(instances)} instances")


# ==============================================================================================================
# custom steps
# ==============================================================================================================

def _coeffs(M: Any) -> tuple[dict, Any]:
    """``M = c_I I + c_J J`` for a matrix expression built from ``Identity`` and ``OneMatrix``:
    ``({"I": c_I, "J": c_J}, shape)``; raises ``ValueError`` for anything else."""
    if isinstance(M, sp.Identity):
        return {"I": sp.Integer(1), "J": sp.Integer(0)}, M.shape
    if isinstance(M, sp.OneMatrix):
        return {"I": sp.Integer(0), "J": sp.Integer(1)}, M.shape
    if isinstance(M, sp.ZeroMatrix):
        return {"I": sp.Integer(0), "J": sp.Integer(0)}, M.shape
    if isinstance(M, sp.MatAdd):
        tot, shape = {"I": sp.Integer(0), "J": sp.Integer(0)}, None
        for term in M.args:
            c, shape = _coeffs(term)
            tot = {key: tot[key] + c[key] for key in tot}
        return tot, shape
    if isinstance(M, sp.MatMul):
        scal = [f for f in M.args if not isinstance(f, sp.MatrixExpr)]
        mats = [f for f in M.args if isinstance(f, sp.MatrixExpr)]
        if len(mats) != 1:
            raise ValueError("a product of matrices")
        c, shape = _coeffs(mats[0])
        factor = sp.Mul(*scal)
        return {key: factor * val for key, val in c.items()}, shape
    raise ValueError(f"not a combination of I and J: {type(M).__name__}")


def block_det_check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
    """``Step.check``: the matrix determinant lemma on the determinant ``lhs``.

    * ``det(αI_m + βJ_m) = α^(m−1) (α + mβ)`` (``J`` the all-ones matrix: rank one, ``J 1 = m 1``);
    * ``det [[p I_a, q J_{a×b}], [r J_{b×a}, t I_b]] = p^(a−1) t^(b−1) (p t − a b q r)`` (Schur complement:
      ``p^a det(t I_b − (a q r / p) J_b)`` and the first rule).

    The coefficients are read from ``lhs`` (a ``Determinant`` of such a matrix expression); the lemma's value is
    compared with ``rhs`` by SymPy."""
    if not isinstance(lhs, sp.Determinant):
        return None, "not a determinant"
    M = lhs.arg
    try:
        if isinstance(M, sp.BlockMatrix):
            if M.blocks.shape != (2, 2):
                return None, "only 2x2 block matrices"
            (c11, s11), (c12, _), (c21, _), (c22, s22) = (_coeffs(M.blocks[r, c]) for r in (0, 1) for c in (0, 1))
            if c11["J"] != 0 or c22["J"] != 0 or c12["I"] != 0 or c21["I"] != 0:
                return None, "diagonal blocks must be multiples of I, off-diagonal ones of J"
            aa, bb = s11[0], s22[0]
            p, t, q, r = c11["I"], c22["I"], c12["J"], c21["J"]
            value = p ** (aa - 1) * t ** (bb - 1) * (p * t - aa * bb * q * r)
            rule = "Schur complement and det(αI + βJ) = α^(m−1)(α + mβ)"
        else:
            c, shape = _coeffs(M)
            m = shape[0]
            value = c["I"] ** (m - 1) * (c["I"] + m * c["J"])
            rule = "det(αI + βJ) = α^(m−1)(α + mβ)"
    except ValueError as exc:
        return None, f"lemma does not apply: {exc}"
    z = is_zero(value - rhs)
    if z is True:
        return True, rule
    ok, why = ratio_check(value, rhs)
    if ok:
        return True, rule + "; " + why
    return (False if z is False else None), f"{rule} gives {sp.sstr(value)[:80]}"


def ratio_check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
    """``Step.check``: ``lhs/rhs`` simplifies to 1 after combining powers (common factors with symbolic
    exponents, which ``expand`` cannot cancel)."""
    try:
        q = sp.cancel(sp.powsimp(sp.sympify(lhs) / sp.sympify(rhs), force=False))
    except Exception:  # noqa: BLE001
        return None, "ratio not simplified"
    if q == 1:
        return True, "the ratio of the two sides cancels to 1"
    if q.is_number and q != 1:
        return False, f"the ratio is {q}"
    return None, "ratio not shown to be 1"


def _apart_cos(e: Any, var: Any) -> Any:
    return e.replace(lambda t: isinstance(t, sp.cos),
                     lambda t: sp.cos(sp.expand(sp.apart(sp.cancel(t.args[0]), var))))


def piecewise_ends_check(lhs: Any, rhs: Any) -> tuple[bool | None, str]:
    """``Step.check``: a ``Piecewise`` over single nodes (``Eq(j, c)``) and a default branch equals ``rhs``:
    every special branch agrees with ``rhs`` at its node (``rhs`` with ``j = c``), the default branch agrees
    with ``rhs`` identically.  Angles are split by partial fractions in ``n`` (``π k (n−2)/(n−1) = πk − πk/(n−1)``)
    so SymPy sees the reflections."""
    if not isinstance(lhs, sp.Piecewise):
        return None, "not a Piecewise"
    done = []
    for val, cond in lhs.args:
        if cond is sp.true:
            target, where = rhs, "elsewhere"
        elif isinstance(cond, sp.Eq) and cond.lhs.is_Symbol:
            target, where = rhs.subs(cond.lhs, cond.rhs), f"{cond.lhs} = {sp.sstr(cond.rhs)}"
        else:
            return None, f"cannot read the branch condition {cond}"
        diff = _apart_cos(sp.sympify(val - target), n)
        z = is_zero(diff)
        if z is not True:
            return (False if z is False else None), f"branch {where}: not shown equal"
        done.append(where)
    return True, "every branch agrees: " + ", ".join(done)


# ==============================================================================================================
# os.spectrum.cycle
# ==============================================================================================================

def _lam_cycle(angle_num: Any = 2, size: Any = n, denom: Any = None) -> Any:
    """``(s + 2cos(angle_num·πk/size))/(2 + s)`` (``denom`` overrides ``2 + s``)."""
    return (s + 2 * sp.cos(angle_num * sp.pi * k / size)) / (denom if denom is not None else 2 + s)


def _cycle_statement(lam: Any) -> All:
    theta = 2 * sp.pi * k / n
    return All(Rel(mv_cycle(n, s, k, j, phi), lam * sp.cos(theta * j - phi)),
               Rel(charpoly(Cycle(n), s, x), sp.Product(x - lam, (k, 0, n - 1))))


_TH = 2 * sp.pi * k / n
_CYCLE_STEPS = (
    Step(None, mv_cycle(n, s, k, j, phi).unfold(),
         why="row j of the mean operator (A + sI)/(2 + s) of C_n: neighbours j ± 1 mod n (c is n-periodic since k "
             "is an integer), self loop s"),
    Step(None, (s * sp.cos(_TH * j - phi) + 2 * sp.cos(_TH) * sp.cos(_TH * j - phi)) / (2 + s),
         why="cos(α − θ) + cos(α + θ) = 2 cos θ cos α"),
    Step(None, _lam_cycle() * sp.cos(_TH * j - phi), why="factor out the eigenvector entry"),
)

_CYCLE_POINTS = [{n: nn, s: sw, k: kk, j: jj, phi: ph, x: xx}
                 for nn, kk, jj in ((3, 1, 0), (5, 2, 4), (8, 3, 7), (13, 5, 6), (16, 7, 0))
                 for sw, ph, xx in ((0, "0", "-0.75"), (1, "0.7", "0.3"), ("0.5", "1.5707963", "1.25"))]
_CYCLE_EXACT = [{n: nn, s: sw} for nn in (3, 4, 5, 6, 8, 10, 12) for sw in (0, 1, sp.Rational(1, 2))]

CYCLE = Claim(
    id="os.spectrum.cycle", source=SOURCE,
    title="Cycle C_n: mean operator eigenvalues (s + 2cos(2πk/n))/(2 + s), eigenvectors the Fourier vectors",
    display=r"\tilde D^{-1}\tilde A_{C_n}\, c^{(k,\varphi)} = \frac{s + 2\cos(2\pi k/n)}{2+s}\, c^{(k,\varphi)},\ "
            r"c^{(k,\varphi)}_j = \cos(2\pi kj/n - \varphi);\quad \det(xI - \tilde D^{-1}\tilde A_{C_n}) = "
            r"\prod_{k=0}^{n-1}\Big(x - \frac{s + 2\cos(2\pi k/n)}{2+s}\Big)",
    statement=_cycle_statement(_lam_cycle()),
    recorded="holds",
    assumptions=(r"n \ge 3", r"s \ge 0 \text{ (self-loop weight; } s = 0: \text{ no self loops)}",
                 r"k, j \in \mathbb Z,\ \varphi \in \mathbb R"),
    derivation=_CYCLE_STEPS,
    evidence=[
        derivation_evidence(_CYCLE_STEPS, label="general_n", part=0, budget=_BUDGET),
        exact_at(_CYCLE_EXACT, label="charpoly_exact", parts=(1,),
                 description="the characteristic polynomial exactly for n in {3, 4, 5, 6, 8, 10, 12} (cosines in "
                             "square roots), s in {0, 1, 1/2}, as a polynomial identity in x"),
        at_points(_CYCLE_POINTS, label="points", budget=_BUDGET,
                  description="both parts at n up to 16, three loop weights, shifted eigenvectors, 50/100 digits"),
    ],
    mutants=(
        Mutant("half_angle", _cycle_statement(_lam_cycle(angle_num=1)), why="cos(πk/n) for cos(2πk/n)"),
        Mutant("degree_without_loop", _cycle_statement(_lam_cycle(denom=2)),
               why="the self loop forgotten in the degree: divide by 2, not 2 + s"),
        Mutant("size_off_by_one", _cycle_statement(_lam_cycle(size=n + 1)), why="n + 1 for n in the angle"),
    ),
    depth="general",
    depth_note="machine-checked for symbolic n, k, j, φ, s: the eigen-relations (part 1: rows of M and a "
               "trigonometric identity); part 2 (that these are all the eigenvalues, with multiplicity) exactly for "
               "n in {3, 4, 5, 6, 8, 10, 12} and to 100 digits up to n = 16, and for general n by the counting "
               "argument of the note (not machine-checked)",
    note=r"Every $\cos(2\pi k j/n - \varphi)$ with $\varphi = 0$ or $\pi/2$ is an eigenvector, so for each "
         r"$0 < k < n/2$ the eigenvalue $\lambda_k = \lambda_{n-k}$ has the two independent eigenvectors "
         r"$\cos$ and $\sin$; the $\lambda_k$, $0 \le k \le n/2$, are distinct ($\cos$ decreases on $[0,\pi]$), "
         r"so the eigenvectors found span $\mathbb R^n$ and the product is the whole characteristic polynomial. "
         r"Without self loops ($s = 0$) the eigenvalues are $\cos(2\pi k/n)$: the second largest is "
         r"$\cos(2\pi/n)$, but the smallest is $-1$ for even $n$ (bipartite) and $-\cos(\pi/n)$ for odd $n$, which "
         r"decides the rate (\texttt{os.spectrum.cycle\_slem}). The normalised adjacency "
         r"$\tilde D^{-1/2}\tilde A\tilde D^{-1/2} = \tilde A/(2+s)$ is the same matrix here ($C_n$ is regular).",
)


# ==============================================================================================================
# os.spectrum.cycle_slem (refuted) and os.spectrum.cycle_slem_loops
# ==============================================================================================================

_SLEM_PARITY = (1 + sp.cos(sp.pi * n)) / 2 + (1 - sp.cos(sp.pi * n)) / 2 * sp.cos(sp.pi / n)

CYCLE_SLEM = Claim(
    id="os.spectrum.cycle_slem", source=SOURCE,
    title="Without self loops the rate of mean aggregation on C_n (its SLEM) is cos(2π/n)",
    display=r"|\lambda|_{(2)}\big(D^{-1}A_{C_n}\big) = \cos(2\pi/n)",
    statement=Rel(slem(Cycle(n), 0), sp.cos(2 * sp.pi / n)),
    recorded="refuted",
    assumptions=(r"n \ge 3", r"|\lambda|_{(2)}: \text{second-largest eigenvalue modulus, with multiplicity}"),
    evidence=[
        counterexample({n: 5}, label="n=5", budget=_BUDGET,
                       tex=r"\[ n = 5:\ |\lambda|_{(2)} = \cos(\pi/5) = 0.809 \ne \cos(2\pi/5) = 0.309 "
                           r"\quad(\text{the eigenvalue } \cos(4\pi/5) = -\cos(\pi/5)) \]"),
        counterexample({n: 4}, label="n=4", budget=_BUDGET,
                       tex=r"\[ n = 4:\ |\lambda|_{(2)} = 1 \ne \cos(\pi/2) = 0 \quad(\text{eigenvalue } -1:\ "
                           r"C_4 \text{ is bipartite}) \]"),
        at_points([{n: nn} for nn in range(3, 13)], label="n=3..12", budget=_BUDGET),
    ],
    mutants=(
        Mutant("parity", Rel(slem(Cycle(n), 0), _SLEM_PARITY), expect="holds",
               why="the correction: 1 for even n (eigenvalue −1), cos(π/n) for odd n"),
        Mutant("signed_second", Rel(eig(Cycle(n), 0, 2), sp.cos(2 * sp.pi / n)), expect="holds",
               why="what is true of cos(2π/n): it is the second-largest eigenvalue (signed), not the SLEM"),
    ),
    depth="fixed-size",
    depth_note="refuted by certified counterexamples (n = 4, 5); the correction checked for n = 3..12 (it follows "
               "for all n from os.spectrum.cycle)",
    note=r"The eigenvalues are $\cos(2\pi k/n)$ (\texttt{os.spectrum.cycle}); the largest modulus after $\lambda_0 "
         r"= 1$ comes from the \emph{bottom} of the spectrum: $k = n/2$ gives $-1$ for even $n$ (no convergence, "
         r"\texttt{os.mean.bipartite\_oscillation}), $k = (n\pm1)/2$ gives $-\cos(\pi/n)$ for odd $n$, and "
         r"$\cos(\pi/n) > \cos(2\pi/n)$. Mean aggregation without self loops on an odd cycle therefore converges "
         r"at rate $\cos(\pi/n)$, slower than $\cos(2\pi/n)$, with alternating sign.",
)

CYCLE_SLEM_LOOPS = Claim(
    id="os.spectrum.cycle_slem_loops", source=SOURCE,
    title="With self loops the SLEM of the mean operator of C_n is (1 + 2cos(2π/n))/3",
    display=r"|\lambda|_{(2)}\big(\tilde D^{-1}\tilde A_{C_n}\big) = \frac{1 + 2\cos(2\pi/n)}{3}",
    statement=Rel(slem(Cycle(n), 1), (1 + 2 * sp.cos(2 * sp.pi / n)) / 3),
    recorded="holds",
    assumptions=(r"n \ge 3", r"\tilde A = A + I"),
    evidence=[
        at_points([{n: nn} for nn in range(3, 25)], label="n=3..24", budget=_BUDGET),
        exact_at([{n: nn} for nn in (3, 4, 5, 6, 8)], label="exact",
                 description="exact eigenvalues (SymPy roots of the characteristic polynomial), n in {3, 4, 5, 6, 8}"),
    ],
    mutants=(
        Mutant("no_loop_formula", Rel(slem(Cycle(n), 1), sp.cos(2 * sp.pi / n)),
               why="the loop-free eigenvalue cos(2π/n) kept with self loops"),
        Mutant("half_angle", Rel(slem(Cycle(n), 1), (1 + 2 * sp.cos(sp.pi / n)) / 3), why="cos(π/n) for cos(2π/n)"),
        Mutant("degree_two", Rel(slem(Cycle(n), 1), (1 + 2 * sp.cos(2 * sp.pi / n)) / 2),
               why="divided by the degree 2 instead of degree 3"),
    ),
    depth="fixed-size",
    depth_note="checked for n = 3..24 to 100 digits and exactly for n <= 8; for all n it follows from "
               "os.spectrum.cycle (note)",
    note=r"By \texttt{os.spectrum.cycle} with $s = 1$ the eigenvalues are $(1 + 2\cos(2\pi k/n))/3 \in [-1/3, 1]$; "
         r"for $k \ne 0$ the largest is $k = 1$, and $(1 + 2\cos(2\pi/n))/3 \ge 1/3$ for $n \ge 4$ (for $n = 3$ "
         r"all other eigenvalues are 0), so it is the SLEM: self loops move the spectrum up and away from $-1$, and "
         r"the rate is the top of the spectrum, unlike \texttt{os.spectrum.cycle\_slem}.",
)


# ==============================================================================================================
# os.spectrum.path
# ==============================================================================================================

def _path_statement(angle: Any) -> All:
    return All(Rel(mv_path(n, k, j), sp.cos(angle) * sp.cos(sp.pi * k * j / (n - 1))),
               Rel(charpoly(Path(n), 0, x), sp.Product(x - sp.cos(angle), (k, 0, n - 1))))


_PT = sp.pi * k / (n - 1)
_PATH_STEPS = (
    Step(None, mv_path(n, k, j).unfold(),
         why="row j of D⁻¹A on P_n: the end nodes have the single neighbour 1 resp. n − 2, inner nodes j ± 1"),
    Step(None, (sp.cos(_PT * j - _PT) + sp.cos(_PT * j + _PT)) / 2, check=piecewise_ends_check,
         why="the ends follow the inner formula: cos(−θ) = cos θ at j = 0; at j = n − 1, cos(θn) = cos(θ(n − 2)) "
             "because θ(n − 1) = πk (reflection)"),
    Step(None, sp.cos(_PT) * sp.cos(_PT * j), why="cos(α − θ) + cos(α + θ) = 2 cos θ cos α"),
    Step(None, sp.cos(_PT) * sp.cos(sp.pi * k * j / (n - 1)), why="notation"),
)

_PATH_POINTS = [{n: nn, k: kk, j: jj, x: xx}
                for nn, kk, jj in ((2, 1, 0), (3, 1, 2), (5, 2, 4), (8, 3, 0), (11, 7, 5), (16, 15, 15))
                for xx in ("-0.75", "0.3", "1.25")]

PATH = Claim(
    id="os.spectrum.path", source=SOURCE,
    title="Path P_n (no self loops): D⁻¹A has the n distinct eigenvalues cos(πk/(n−1)), k = 0..n−1",
    display=r"D^{-1}A_{P_n}\, c^{(k)} = \cos\frac{\pi k}{n-1}\, c^{(k)},\ c^{(k)}_j = \cos\frac{\pi k j}{n-1};\quad "
            r"\det(xI - D^{-1}A_{P_n}) = \prod_{k=0}^{n-1}\Big(x - \cos\frac{\pi k}{n-1}\Big)",
    statement=_path_statement(_PT),
    recorded="holds",
    assumptions=(r"n \ge 2", r"0 \le j \le n-1,\ k \in \mathbb Z"),
    derivation=_PATH_STEPS,
    evidence=[
        derivation_evidence(_PATH_STEPS, label="general_n", part=0, budget=_BUDGET),
        exact_at([{n: nn} for nn in range(2, 8)], label="charpoly_exact", parts=(1,),
                 description="the characteristic polynomial exactly for n = 2..7, as a polynomial identity in x"),
        at_points(_PATH_POINTS, label="points", budget=_BUDGET),
    ],
    mutants=(
        Mutant("laplacian_angle", _path_statement(sp.pi * k / n),
               why="cos(πk/n): the angle of the path's Laplacian L = D − A (Neumann), not of D⁻¹A"),
        Mutant("cycle_angle", _path_statement(2 * sp.pi * k / n), why="the cycle's eigenvalues cos(2πk/n)"),
    ),
    depth="general",
    depth_note="machine-checked for symbolic n, k, j: the eigen-relations (part 1: rows of D⁻¹A, reflection at "
               "the ends); part 2 exactly for n <= 7 and to 100 digits up to n = 16, and for general n because the n "
               "eigenvalues cos(πk/(n−1)), 0 <= k <= n−1, are distinct (note; not machine-checked)",
    note=r"$\cos$ is strictly decreasing on $[0,\pi]$, so the $n$ eigenvalues are distinct and the nonzero "
         r"vectors $c^{(k)}$ ($c^{(k)}_0 = 1$) form an eigenbasis. $k = n-1$ gives $-1$: the path is bipartite, "
         r"its SLEM is 1 and mean aggregation without self loops oscillates "
         r"(\texttt{os.mean.bipartite\_oscillation}); the second-largest eigenvalue $\cos(\pi/(n-1))$ is the "
         r"mixing rate of the lazy walk. With self loops the path is not regular and the spectrum has no such "
         r"closed form.",
)


# ==============================================================================================================
# os.spectrum.star, os.spectrum.complete, os.spectrum.complete_bipartite: the determinant lemma
# ==============================================================================================================

def _bip_value(aa: Any, bb: Any) -> Any:
    """``p^(a−1) t^(b−1) (p t − a b q r)`` for the blocks of ``x I − M`` on ``K_{a,b}``."""
    p, t = x - s / (bb + s), x - s / (aa + s)
    q, r = -1 / (bb + s), -1 / (aa + s)
    return p ** (aa - 1) * t ** (bb - 1) * (p * t - aa * bb * q * r)


def _bip_poly(aa: Any, bb: Any, ea: Any = None, eb: Any = None) -> Any:
    ea = aa - 1 if ea is None else ea
    eb = bb - 1 if eb is None else eb
    return ((x - 1) * (x - (s / (bb + s) + s / (aa + s) - 1)) * (x - s / (bb + s)) ** ea
            * (x - s / (aa + s)) ** eb)


def _steps_for(graph: Any, value: Any, target: Any, what: str) -> tuple:
    return (
        Step(None, charpoly(graph, s, x).unfold(),
             why=f"definition: xI − M in blocks, M the mean operator ({what}; I identity, 1 the all-ones block J)"),
        Step(None, value, check=block_det_check, why="matrix determinant lemma (Schur complement, rank-one blocks)"),
        Step(None, target, check=ratio_check, why="the quadratic factor is (x − 1)(x − μ); collect"),
    )


_STAR_TARGET = _bip_poly(1, n - 1)
_STAR_STEPS = _steps_for(Star(n), _bip_value(sp.Integer(1), n - 1), _STAR_TARGET,
                         "the centre: degree n − 1 + s; the n − 1 leaves: degree 1 + s")
_SIZES_POINTS = [{n: nn, s: sw, x: xx} for nn in (2, 3, 5, 9, 17) for sw in (0, 1, "0.5") for xx in ("-0.6", "0.45")]

STAR = Claim(
    id="os.spectrum.star", source=SOURCE,
    title="Star S_n = K_{1,n−1}: eigenvalues 1, s/(n−1+s) + s/(1+s) − 1 and s/(1+s) (n−2 times)",
    display=r"\det(xI - \tilde D^{-1}\tilde A_{S_n}) = (x-1)\Big(x - \frac{s}{n-1+s} - \frac{s}{1+s} + 1\Big)"
            r"\Big(x - \frac{s}{1+s}\Big)^{n-2}",
    statement=Rel(charpoly(Star(n), s, x), _STAR_TARGET),
    recorded="holds",
    assumptions=(r"n \ge 2", r"s \ge 0"),
    derivation=_STAR_STEPS,
    evidence=[
        derivation_evidence(_STAR_STEPS, label="general_n", budget=_BUDGET),
        exact_at([{n: nn, s: sw} for nn in range(2, 9) for sw in (0, 1, sp.Rational(1, 2))], label="exact"),
        at_points(_SIZES_POINTS, label="points", budget=_BUDGET),
    ],
    mutants=(
        Mutant("leaf_degree", Rel(charpoly(Star(n), s, x), (x - 1) * (x - (s / (n - 1 + s) + s / (1 + s) - 1))
                                  * (x - s / (n - 1 + s)) ** (n - 2)),
               why="the leaves' eigenvalue with the centre's degree s/(n−1+s)"),
        Mutant("exponent", Rel(charpoly(Star(n), s, x), _bip_poly(1, n - 1, eb=n - 1)),
               why="multiplicity n−1 for the leaf eigenvalue (degree n + 1 in total)"),
    ),
    depth="general",
    depth_note="general n and s by the matrix determinant lemma on the block form (custom step reading the "
               "blocks); exactly for n <= 8 and to 100 digits up to n = 17",
    note=r"Without self loops: $1, -1$ and $0$ ($n-2$ times): the star is bipartite (SLEM 1, oscillation). With "
         r"$s = 1$: $1$, $1/n - 1/2$ and $1/2$ ($n - 2$ times): SLEM $1/2$ for $n \ge 3$, whatever the size -- "
         r"every leaf keeps half of its own feature per layer.",
)

_K_ALPHA = x + (1 - s) / (n - 1 + s)
_K_TARGET = (x - 1) * (x + (1 - s) / (n - 1 + s)) ** (n - 1)
_K_STEPS = (
    Step(None, charpoly(Complete(n), s, x).unfold(),
         why="definition: A + sI = J − (1 − s)I, degree n − 1 + s (I identity, 1 the all-ones matrix J)"),
    Step(None, _K_ALPHA ** (n - 1) * (_K_ALPHA - n / (n - 1 + s)), check=block_det_check,
         why="matrix determinant lemma det(αI + βJ) = α^(n−1)(α + nβ)"),
    Step(None, _K_TARGET, check=ratio_check, why="α − n/(n − 1 + s) = x − 1"),
)

COMPLETE = Claim(
    id="os.spectrum.complete", source=SOURCE,
    title="Complete K_n: eigenvalues 1 and −(1−s)/(n−1+s) (n−1 times); with self loops rank one (one step)",
    display=r"\det(xI - \tilde D^{-1}\tilde A_{K_n}) = (x-1)\Big(x + \frac{1-s}{n-1+s}\Big)^{n-1}",
    statement=All(Rel(charpoly(Complete(n), s, x), _K_TARGET), Rel(slem(Complete(n), 1), 0)),
    recorded="holds",
    assumptions=(r"n \ge 2", r"s \ge 0"),
    derivation=_K_STEPS,
    evidence=[
        derivation_evidence(_K_STEPS, label="general_n", part=0, budget=_BUDGET),
        exact_at([{n: nn, s: sw} for nn in range(2, 9) for sw in (0, 1, sp.Rational(1, 2), 3)], label="exact"),
        at_points(_SIZES_POINTS, label="points", budget=_BUDGET),
    ],
    mutants=(
        Mutant("sign", All(Rel(charpoly(Complete(n), s, x), (x - 1) * (x - (1 - s) / (n - 1 + s)) ** (n - 1)),
                           Rel(slem(Complete(n), 1), 0)),
               why="eigenvalue +(1−s)/(n−1+s) instead of −(1−s)/(n−1+s)"),
        Mutant("denominator_n", All(Rel(charpoly(Complete(n), s, x), (x - 1) * (x + (1 - s) / n) ** (n - 1)),
                                    Rel(slem(Complete(n), 1), 0)),
               why="degree n for n − 1 + s"),
        Mutant("no_one_step", All(Rel(charpoly(Complete(n), s, x), _K_TARGET), Rel(slem(Complete(n), 1), 1 / n)),
               why="with self loops the rate 1/n instead of 0 (no consensus in one step)"),
    ),
    depth="general",
    depth_note="the characteristic polynomial for general n and s by the matrix determinant lemma, exactly for "
               "n <= 8 (s in {0, 1, 1/2, 3}); the SLEM 0 with self loops (a consequence: M = J/n) exactly for n <= 8 "
               "and to 100 digits up to n = 17",
    note=r"Without self loops the eigenvalues are $1$ and $-1/(n-1)$: SLEM $1/(n-1)$. With $s = 1$: "
         r"$\chi(x) = (x-1)x^{n-1}$; $\tilde D^{-1}\tilde A = J/n$ is symmetric with rank one, so one layer of mean "
         r"aggregation with self loops already gives every node the mean: consensus in one step (SLEM 0).",
)

_KAB_TARGET = _bip_poly(a, b)
_KAB_STEPS = _steps_for(CompleteBipartite(a, b), _bip_value(a, b), _KAB_TARGET,
                        "side of a nodes: degree b + s; side of b nodes: degree a + s")
_KAB_POINTS = [{a: aa, b: bb, s: sw, x: xx} for aa, bb in ((1, 1), (2, 3), (4, 4), (3, 9)) for sw in (0, 1, "0.5")
               for xx in ("-0.6", "0.45")]

COMPLETE_BIPARTITE = Claim(
    id="os.spectrum.complete_bipartite", source=SOURCE,
    title="Complete bipartite K_{a,b}: eigenvalues 1, s/(b+s)+s/(a+s)−1, s/(b+s) (a−1 times), s/(a+s) (b−1 times)",
    display=r"\det(xI - \tilde D^{-1}\tilde A_{K_{a,b}}) = (x-1)\Big(x - \frac{s}{b+s} - \frac{s}{a+s} + 1\Big)"
            r"\Big(x - \frac{s}{b+s}\Big)^{a-1}\Big(x - \frac{s}{a+s}\Big)^{b-1}",
    statement=Rel(charpoly(CompleteBipartite(a, b), s, x), _KAB_TARGET),
    recorded="holds",
    assumptions=(r"a, b \ge 1", r"s \ge 0"),
    derivation=_KAB_STEPS,
    evidence=[
        derivation_evidence(_KAB_STEPS, label="general_ab", budget=_BUDGET),
        exact_at([{a: aa, b: bb, s: sw} for aa in range(1, 5) for bb in range(aa, 6)
                  for sw in (0, 1, sp.Rational(1, 2))], label="exact"),
        at_points(_KAB_POINTS, label="points", budget=_BUDGET),
    ],
    mutants=(
        Mutant("swap_sides", Rel(charpoly(CompleteBipartite(a, b), s, x), _bip_poly(a, b, ea=b - 1, eb=a - 1)),
               why="multiplicities of s/(b+s) and s/(a+s) swapped"),
        Mutant("loop_free", Rel(charpoly(CompleteBipartite(a, b), s, x), (x - 1) * (x + 1) * x ** (a + b - 2)),
               why="the loop-free spectrum 1, −1, 0 kept for every s"),
    ),
    depth="general",
    depth_note="general a, b, s by the Schur complement of the block form; exactly for a <= 4, b <= 5",
    note=r"Without self loops: $1, -1, 0$: bipartite, no convergence (\texttt{os.mean.bipartite\_oscillation}). "
         r"With $s = 1$: $1$, $\frac1{a+1} + \frac1{b+1} - 1 \in (-1, 0]$, $\frac1{b+1}$, $\frac1{a+1}$: SLEM "
         r"$\max(\frac1{\min(a,b)+1}, 1 - \frac1{a+1} - \frac1{b+1})$ (for $a, b \ge 2$), e.g. $5/12$ for $K_{2,3}$.",
)

CLAIMS = [CYCLE, CYCLE_SLEM, CYCLE_SLEM_LOOPS, PATH, STAR, COMPLETE, COMPLETE_BIPARTITE]
