"""Helpers of the claims ``os.spectrum.*`` and ``os.mean.*``: the graph quantities against independent
computations (the numpy/mpmath API, exact SymPy matrices), the SymPy definitions (unfolds) against the numeric
implementations, and the custom steps and evidence builders on true and false inputs."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import networkx as nx
import numpy as np
import pytest
import sympy as sp

from verify.core.claim import Prop
from verify.core.evaluate import evaluate
from verify.core.statement import Lim, Rel, explicit
from verify.oversmoothing import dirichlet_energy, propagate, second_eigenvalue_modulus_mp
from verify.oversmoothing.claims import mean as M
from verify.oversmoothing.claims import spectral_quantities as Q
from verify.oversmoothing.claims import spectrum as S


def _mp(expr, inst, dps=50):
    with mpmath.workdps(dps):
        return evaluate(expr, inst)


def _close(a, b, digits=45):
    """``|a − b| < 10^-digits`` at 60 digits (``b`` may be a SymPy number or a Fraction)."""
    with mpmath.workdps(60):
        if isinstance(b, Fraction):
            b = mpmath.mpf(b.numerator) / b.denominator
        elif isinstance(b, sp.Basic):
            b = mpmath.mpf(sp.N(b, 70))
        return abs(mpmath.mpf(a) - b) < mpmath.mpf(10) ** -digits


# --- graphs --------------------------------------------------------------------------------------------------

def test_graph_refs_name_themselves_and_build_the_right_graphs():
    kar = Q.named("karate")
    assert str(kar) == "karate" and int(kar) == int(Q.named("karate"))
    g = Q.nx_graph(kar)
    assert (g.number_of_nodes(), g.number_of_edges()) == (34, 78)
    assert nx.is_isomorphic(Q.nx_graph(Q.family("bipartite", 2, 3)), nx.complete_bipartite_graph(2, 3))
    assert nx.is_isomorphic(Q.nx_graph(Q.family("star", 5)), nx.star_graph(4))
    assert nx.is_isomorphic(Q.nx_graph(Q.family("cycle", 7)), nx.cycle_graph(7))
    u2 = Q.union(Q.family("cycle", 6), Q.family("bipartite", 2, 3))
    assert str(u2) == "C6+K2,3" and _mp(Q.ncomp(Q.G), {Q.G: u2}) == 2 and _mp(Q.nodes(Q.G), {Q.G: u2}) == 11


# --- spectra -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["karate", "florentine", "davis"])
@pytest.mark.parametrize("loops", [0, 1])
def test_slem_matches_the_api_to_50_digits(name, loops):
    ref = Q.named(name)
    ours = _mp(Q.slem(Q.G, Q.s), {Q.G: ref, Q.s: loops})
    api = second_eigenvalue_modulus_mp(Q.nx_graph(ref), self_loops=bool(loops), dps=50)
    with mpmath.workdps(50):
        assert abs(ours - api) <= mpmath.mpf(10) ** -48


def test_eigenvalues_match_exact_spectra_of_small_graphs():
    for g, sw in ((Q.Cycle(6), 1), (Q.CompleteBipartite(2, 3), 1), (Q.Path(4), 0), (Q.Complete(5), 0)):
        N = int(_mp(Q.nodes(g), {}))
        exact = [explicit(Q.eig(g, sw, kk)) for kk in range(1, N + 1)]
        for kk, ex in enumerate(exact, 1):
            assert _close(_mp(Q.eig(g, sw, kk), {}), ex)


def test_arb_slem_encloses_the_value():
    ball = evaluate(Q.slem(Q.Cycle(5), 0), {}, "arb")
    assert ball.rad() < 1e-60
    with mpmath.workdps(80), Q._arb_prec(300):
        assert ball.contains(Q._arb_of(mpmath.cos(mpmath.pi / 5)))


def test_charpoly_quantity_against_sympy_and_the_block_definitions():
    x0 = sp.Rational(2, 7)
    for g, subs in ((Q.Complete(Q.n), {Q.n: 5}), (Q.CompleteBipartite(Q.a, Q.b), {Q.a: 2, Q.b: 3}),
                    (Q.Star(Q.n), {Q.n: 4})):
        for sw in (0, 1, sp.Rational(1, 2)):
            cp = Q.charpoly(g, sw, Q.x)
            definition = cp.unfold()
            assert isinstance(definition, sp.Determinant)
            mat = definition.arg.subs(subs)
            mat = mat.as_explicit() if not isinstance(mat, sp.BlockMatrix) else mat.as_explicit()
            by_definition = (sp.Matrix(mat).subs(Q.x, x0)).det()
            concrete = cp.xreplace(subs)
            assert sp.simplify(explicit(concrete).subs(Q.x, x0) - by_definition) == 0
            assert _close(_mp(concrete, {Q.x: x0}), by_definition, 40)


@pytest.mark.parametrize("nn,sw,kk,jj,ph", [(5, 0, 2, 4, "0.3"), (8, 1, 3, 0, "1.1"), (3, "0.5", 1, 2, "0")])
def test_mv_cycle_definition_is_the_operator_row(nn, sw, kk, jj, ph):
    q = Q.mv_cycle(Q.n, Q.s, Q.k, Q.j, Q.phi)
    inst = {Q.n: nn, Q.s: sw, Q.k: kk, Q.j: jj, Q.phi: ph}
    assert abs(_mp(q, inst) - _mp(q.unfold(), inst)) < mpmath.mpf(10) ** -45


@pytest.mark.parametrize("nn,kk,jj", [(2, 1, 0), (5, 2, 0), (5, 2, 4), (7, 3, 3)])
def test_mv_path_definition_is_the_operator_row(nn, kk, jj):
    q = Q.mv_path(Q.n, Q.k, Q.j)
    inst = {Q.n: nn, Q.k: kk, Q.j: jj}
    assert abs(_mp(q, inst) - _mp(q.unfold(), inst)) < mpmath.mpf(10) ** -45


def test_block_det_check_reads_the_matrix():
    m = Q.n
    alpha, beta = Q.x + 2, sp.Rational(-1, 3)
    det = sp.Determinant(alpha * sp.Identity(m) + beta * sp.OneMatrix(m, m))
    assert S.block_det_check(det, alpha ** (m - 1) * (alpha + m * beta))[0] is True
    assert S.block_det_check(det, alpha ** (m - 1) * (alpha + (m - 1) * beta))[0] is not True
    assert S.block_det_check(sp.Integer(3), 3)[0] is None


def test_piecewise_ends_check_rejects_a_wrong_end():
    th = sp.pi * Q.k / (Q.n - 1)
    rhs = (sp.cos(th * Q.j - th) + sp.cos(th * Q.j + th)) / 2
    good = Q.mv_path(Q.n, Q.k, Q.j).unfold()
    bad = sp.Piecewise((sp.cos(th), sp.Eq(Q.j, 0)), (sp.cos(th * (Q.n - 1)), sp.Eq(Q.j, Q.n - 1)), (rhs, True))
    assert S.piecewise_ends_check(good, rhs)[0] is True
    assert S.piecewise_ends_check(bad, rhs)[0] is not True


def test_exact_at_refutes_a_wrong_polynomial_with_a_certificate():
    ev = S.exact_at([{Q.n: 4}])
    good = Rel(Q.charpoly(Q.Cycle(Q.n), 0, Q.x), sp.Product(Q.x - sp.cos(2 * sp.pi * Q.k / Q.n), (Q.k, 0, Q.n - 1)))
    bad = Rel(Q.charpoly(Q.Cycle(Q.n), 0, Q.x), sp.Product(Q.x - sp.cos(sp.pi * Q.k / Q.n), (Q.k, 0, Q.n - 1)))
    assert ev.run(Prop(good)).finding == "holds"
    out = ev.run(Prop(bad))
    assert out.finding == "refuted" and out.data["certified"] is True


# --- iterates --------------------------------------------------------------------------------------------------

def test_features_and_energy_match_the_numpy_api():
    ref = Q.named("karate")
    g = Q.nx_graph(ref)
    X = np.array(Q.features(34, 1), dtype=float)
    Y = propagate(g, X, 30, "mean", True)
    for layer, node in ((0, 0), (1, 5), (30, 33)):
        assert abs(float(_mp(Q.feat(Q.G, 1, Q.XS, layer, node), {Q.G: ref, Q.seed: 1})) - Y[layer, node, 0]) < 1e-10
    e = float(_mp(Q.energy(Q.G, 1, Q.XS, 30), {Q.G: ref, Q.seed: 1}))
    assert abs(e - dirichlet_energy(g, Y[30])) <= 1e-9 * e


def test_exact_states_are_the_arb_iterates():
    spec = Q.family("bipartite", 2, 3).spec
    xs = [Fraction(z) for z in Q.features(5, 1)]
    ex = Q.exact_states(spec, Fraction(1), xs, 7)[7]
    for node in range(5):
        assert _close(_mp(Q.feat(Q.G, 1, Q.XS, 7, node), {Q.G: Q.family("bipartite", 2, 3), Q.seed: 1}), ex[node])


def test_genericity_quantity_sees_an_eigenvector_start():
    c6 = Q.family("cycle", 6)
    assert _mp(Q.proj2(Q.G, 1, Q.XS), {Q.G: c6, Q.seed: 0}) == 0
    assert _mp(Q.proj2(Q.G, 1, Q.XS), {Q.G: c6, Q.seed: 1}) > 1


def test_parity_split_detects_oscillation():
    L = Q.L
    f = 3 + (-sp.Rational(5, 12)) ** L * 7 + (-1) ** L * 2
    even, odd = M.parity_split(f, L)
    assert sp.limit(even, M._M, sp.oo) == 5 and sp.limit(odd, M._M, sp.oo) == 1


def test_periodic_certificate_on_k12():
    k12 = Q.family("bipartite", 1, 2)
    ev = M.periodic_certificate({Q.G: k12, Q.seed: 1, Q.v: 0})
    no_loops = ev.run(Prop(Lim(Q.feat(Q.G, 0, Q.XS, Q.L, Q.v), Q.L, sp.oo, None)))
    assert no_loops.finding == "refuted" and no_loops.data["certified"] is True
    loops = ev.run(Prop(Lim(Q.feat(Q.G, 1, Q.XS, Q.L, Q.v), Q.L, sp.oo, Q.pi_mean(Q.G, 1))))
    assert loops.finding == "holds"
