"""Helpers of the ``os.maxmin.*`` and ``os.interp.*`` claims (graph quantities, the lattice normal form, kernels)."""

from __future__ import annotations

import mpmath
import networkx as nx
import pytest
import sympy as sp

from verify.core.claim import Prop
from verify.core.statement import Rel, describe_instance
from verify.oversmoothing.claims import interp_quantities as iq
from verify.oversmoothing.claims import maxmin as mm

flint = pytest.importorskip("flint")


@pytest.mark.parametrize("name", ["P_6", "C_7", "S_5", "karate", "Petersen"])
def test_self_loop_times_are_eccentricities(name):
    g = mm.GRAPH_INDEX[name]
    ref = nx.eccentricity(mm.graph(g))
    for v in range(mm.graph(g).number_of_nodes()):
        assert mm.first_time(g, v, 1) == ref[v]
        assert mm.settle_time(g, v, 1) == ref[v]
    assert mm.all_time(g, 1) == nx.diameter(mm.graph(g))


def test_odd_cycle_without_loops_needs_n_minus_one_layers():
    g = mm.GRAPH_INDEX["C_7"]
    for v in range(7):
        assert mm._pecc(g, v, 0) == 7
        assert mm.settle_time(g, v, 0) == 6
    assert mm._settles(g, 0) == 1


@pytest.mark.parametrize("name", ["P_4", "S_5", "C_6"])
def test_bipartite_without_loops_never_settles(name):
    g = mm.GRAPH_INDEX[name]
    assert mm.all_time(g, 0) == mpmath.inf
    assert mm._settles(g, 0) == 0
    assert mm._bip(g) == 1
    assert mm._settles(g, 1) == 1


def test_reach_orbit_matches_the_kernel():
    for name in ("P_4", "C_7", "karate"):
        g = mm.GRAPH_INDEX[name]
        for loops in (0, 1):
            for v in range(mm.graph(g).number_of_nodes()):
                assert mm._k_settle(g, v, loops) == float(mm.settle_time(g, v, loops))


def test_lattice_normal_form():
    a, b, c = sp.symbols("a b c", real=True)
    assert mm.lattice(-sp.Max(-a, -b, evaluate=False)) == mm.lattice(sp.Min(a, b, evaluate=False))
    assert mm.lattice(sp.Max(a, sp.Max(b, c, evaluate=False), evaluate=False)) == \
        mm.lattice(sp.Max(c, b, a, evaluate=False))
    assert mm.lattice(sp.Max(a, b, evaluate=False)) != mm.lattice(sp.Max(a, c, evaluate=False))
    assert mm.lattice(a) != mm.lattice(-a)
    with pytest.raises(mm._NotLattice):
        mm.lattice(sp.Max(a, sp.Min(b, c, evaluate=False), evaluate=False))


def test_exact_lattice_decides_from_the_statement():
    g = mm.gid("P_4")
    inst = [{mm.G: g, mm.X: mm.xsym(4), mm.v: 1, mm.L: 1}]
    ev = mm.exact_lattice(inst)
    right = Rel(mm.maxprop(mm.G, mm.X, mm.v, mm.L, 0), mm.walkmax(mm.G, mm.X, mm.v, mm.L))
    wrong = Rel(mm.maxprop(mm.G, mm.X, mm.v, mm.L, 0), mm.ballmax(mm.G, mm.X, mm.v, mm.L))
    assert ev.run(Prop(right)).finding == "holds"
    out = ev.run(Prop(wrong))
    assert out.finding == "refuted" and out.data["certified"]


def test_graph_id_prints_its_name():
    g = mm.gid("karate")
    assert int(g) == mm.GRAPH_INDEX["karate"]
    assert describe_instance({mm.G: g}) == "G=karate"
    assert sp.sympify(g) == sp.Integer(int(g))


def test_kernel_value_uses_the_kernel():
    g = mm.gid("P_6")
    xs = mm.xnum(6, 5)
    inst = {mm.G: g, mm.X: xs, mm.v: 0, mm.L: 3}
    for loops in (0, 1):
        expr = mm.maxprop(mm.G, mm.X, mm.v, mm.L, loops)
        with mpmath.workdps(30):
            want = mm._prop(True, False)(int(g), [mpmath.mpf(a) for a in xs], 0, 3, loops)
        assert mm.kernel_value(expr, inst, mm.KERNELS) == mpmath.mpf(float(want))


def test_softmax_consensus_enclosed_and_above_pi_mean():
    g = mm.GRAPH_INDEX["P_5"]
    xs = ("2", "2", "1.3", "1", "1")
    with mpmath.workdps(50):
        c = iq._cons_mp("softmax")(g, [mpmath.mpf(a) for a in xs], 1)
        assert c > iq._pimean_mp(g, [mpmath.mpf(a) for a in xs])
        c0 = iq._cons_mp("softmax")(g, [mpmath.mpf(a) for a in xs], 0)
        assert abs(c0 - iq._pimean_mp(g, [mpmath.mpf(a) for a in xs])) < mpmath.mpf(10) ** -40
    old = flint.ctx.prec
    flint.ctx.prec = 256
    try:
        ball = iq._cons_arb("softmax")(g, [flint.arb(a) for a in xs], flint.arb(1))
    finally:
        flint.ctx.prec = old
    assert ball.contains(flint.arb(mpmath.nstr(c, 40))) or abs(float(ball.mid()) - float(c)) < 1e-8
    assert float(ball.rad()) < 1e-6


def test_power_mean_consensus_is_the_weighted_power_mean():
    g = mm.GRAPH_INDEX["S_4"]
    xs = [mpmath.mpf(a) for a in ("1.5", "1.1", "1.9", "1.2", "1.3")]
    with mpmath.workdps(40):
        for q in (-2, 0, 3):
            assert abs(iq._cons_mp("pm")(g, xs, q) - iq._wpm_mp(g, xs, q)) < mpmath.mpf(10) ** -30


def test_lam2_uses_the_structure_only():
    g = mm.GRAPH_INDEX["karate"]
    with mpmath.workdps(20):
        mp = iq._lam2_mp(g)
    assert abs(float(mp) - iq._k_lam2(g)) < 1e-10
    with mpmath.workdps(20):   # the cycle's closed form (1 + 2 cos(2π/7)) / 3
        assert abs(iq._lam2_mp(mm.GRAPH_INDEX["C_7"]) - (1 + 2 * mpmath.cos(2 * mpmath.pi / 7)) / 3) < 1e-15
