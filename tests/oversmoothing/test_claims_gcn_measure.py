"""Helpers of the claims ``os.gcn.*`` and ``os.measure.*``: the quantities (exact where they must be, mpmath and
arb agreeing, the float64 package API agreeing), the explicit SymPy forms, and the general lemmas."""

from __future__ import annotations

import flint
import mpmath
import numpy as np
import pytest
import sympy as sp

from verify.core.evaluate import evaluate
from verify.oversmoothing.claims import measure as M
from verify.oversmoothing.claims.measure_quantities import (C5, FLOR, GRAPHS, K4, K13, K17, KARATE, P3, P3K2, MAD,
                                                            Edir, Enrm, Esqd, G, L, X, Y, at, cspread, diam, dt,
                                                            gdist, gproj, gX, mX, nedges, np_value, nrx, slem,
                                                            sratio, vadd)


def mp(expr, inst, dps=50):
    with mpmath.workdps(dps):
        return evaluate(expr, inst)


def test_registry_graphs():
    assert [GRAPHS[k].n for k in (K13, P3, C5, K4, K17)] == [4, 3, 5, 4, 8]
    assert GRAPHS[K13].deg == (4, 2, 2, 2) and GRAPHS[K17].deg == (8,) + (2,) * 7
    assert GRAPHS[P3K2].comp == (0, 0, 0, 1, 1) and GRAPHS[P3K2].diameter == 2
    assert GRAPHS[KARATE].n == 34 and len(GRAPHS[KARATE].edges) == 78 and GRAPHS[FLOR].connected


def test_exact_zeros_are_exact_in_both_backends():
    sqrt_deg = ((2, 4),) + ((1, 2),) * 7            # ∝ √(d+1) on K_{1,7}
    for backend in ("mp", "arb"):
        e = evaluate(Enrm(G, X), {G: K17, X: sqrt_deg}, backend)
        assert e == 0
        assert evaluate(cspread(G, X, sp.Rational(-1, 2)), {G: K17, X: sqrt_deg}, backend) == 0
        assert evaluate(MAD(G, X), {G: P3, X: ((1, 2), (2, 4), (3, 6))}, backend) == 0
        assert evaluate(nrx(X), {X: ((1, 1), (2, 2), (3, 3))}, backend) == 0
        assert evaluate(Esqd(G), {G: C5}, backend) == 0
    ball = evaluate(Enrm(G, X), {G: K17, X: sqrt_deg}, "arb")
    assert isinstance(ball, flint.arb) and ball.is_exact()


def test_energies_against_the_package():
    rng = np.random.default_rng(0)
    Xv = tuple(tuple(int(v) for v in r) for r in rng.integers(-3, 4, size=(34, 2)))
    inst = {G: KARATE, X: Xv}
    for q in (Edir, Enrm, MAD):
        a, b = float(mp(q(G, X), inst)), float(np_value(q(G, X), inst))
        assert a == pytest.approx(b, rel=1e-12), q.__name__


def test_gcn_iterates_against_propagate_and_the_limit():
    inst = {G: K13, X: (1, 0, 0, 0), L: 30}
    vals = [mp(at(gX(G, X, L), k), inst) for k in range(4)]
    ref = np_value(at(gX(G, X, L), 0), inst)
    assert float(vals[0]) == pytest.approx(float(ref), rel=1e-12)
    lim = [mp(sp.sqrt(dt(G, k)) * gproj(G, X), inst) for k in range(4)]
    assert max(abs(a - b) for a, b in zip(vals, lim)) < mpmath.mpf(2) ** -29
    # the deflated distance agrees with the direct one where both are accurate
    d = mp(gdist(G, X, L), inst, 60)
    with mpmath.workdps(50):
        direct = mpmath.sqrt(mpmath.fsum((a - b) ** 2 for a, b in zip(vals, lim)))
    assert abs(d - direct) < mpmath.mpf(10) ** -25 * d       # the direct form loses ~19 digits to cancellation
    assert abs(d - gdist(sp.Integer(K13), sp.Tuple(1, 0, 0, 0), sp.Integer(30)).explicit().evalf(60)) < \
        mpmath.mpf(10) ** -55 * d                              # and the exact spectral form


def test_explicit_forms_agree_with_mpmath():
    g, x = sp.Integer(K13), sp.Tuple(3, -1, 2, 5)
    form = gX(g, x, L).explicit()
    with mpmath.workdps(40):
        for depth in (1, 2, 7):
            num = [evaluate(f.subs(L, depth), {}) for f in form]
            ref = [mp(at(gX(G, X, L), k), {G: K13, X: (3, -1, 2, 5), L: depth}, 40) for k in range(4)]
            assert max(abs(a - b) for a, b in zip(num, ref)) < mpmath.mpf(10) ** -30
    assert slem(sp.Integer(K13), sp.Integer(1)).explicit() == sp.Rational(1, 2)
    assert slem(sp.Integer(K13), sp.Integer(0)).explicit() == 1          # bipartite without self loops
    assert float(mp(slem(G, 1), {G: K13})) == 0.5


def test_mean_iterates_are_exact():
    inst = {G: K13, X: ((1, 2), (2, 5), (3, 6), (0, 1))}
    gap = mp(nrx(mX(G, X, L)), {**inst, L: 1024}, 50)
    assert 0 < gap < mpmath.mpf(10) ** -600          # ≈ 4^-1024: exact iterates, computed without a difference
    ball = evaluate(nrx(mX(G, X, L)), {**inst, L: 1024}, "arb")
    assert ball > 0                                  # certified
    assert mp(nrx(mX(G, X, L)), {G: K4, X: inst[X], L: 1}) == 0     # P = J/4 has rank one
    ratio = mp(sratio(mX(G, X, L + 1)) / sratio(mX(G, X, L)), {**inst, L: 100}, 50)
    assert abs(ratio - mpmath.mpf(1) / 2) < mpmath.mpf(10) ** -25


def test_vadd_and_graph_constants():
    inst = {G: P3K2, X: ((1, 1), (2, 0), (4, 1), (0, 3), (5, 5)), Y: ((1, 0),) * 5}
    assert mp(Edir(G, vadd(X, Y)), inst) == mp(Edir(G, X), inst)       # a constant shift changes nothing
    assert mp(diam(G), inst) == 2 and mp(nedges(G), inst) == 3
    assert mp(cspread(G, X, 0), inst) == 29     # (5,5) − (0,3) inside K_2; (5,5) − (2,0) = 34 is across components


def test_general_lemmas():
    assert M.telescoping()[0]
    assert M.lagrange_path()[0]
    u, v = sp.IndexedBase("u", real=True), sp.IndexedBase("v", real=True)
    assert M.lagrange_cs(u, v, sp.Symbol("n", integer=True, nonnegative=True))[0]
    # the identity checker is not vacuous: a wrong identity fails
    n = sp.Symbol("n", integer=True, positive=True)
    k = M._k
    assert not M._sum_identity(n * sp.Sum(u[k] ** 2, (k, 1, n)), sp.Sum(u[k], (k, 1, n)) ** 2)


def test_path_steps_reject_a_wrong_step():
    ok, _ = M.path_cs_check(cspread(G, X, 0), M.plen(G, X) * M.psq(G, X))
    assert ok is True
    ok, _ = M.path_cs_check(cspread(G, X, 0), M.psq(G, X))            # the path length dropped
    assert ok is not True
    ok, _ = M.terms_le_max_check(Edir(G, X), cspread(G, X, 0))         # |E| dropped
    assert ok is not True
