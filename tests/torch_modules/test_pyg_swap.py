"""verify.torch inside PyTorch Geometric: same constructor and call, the one-import swap into a model."""

from __future__ import annotations

import inspect

import pytest

torch = pytest.importorskip("torch")
from _torch_segments import segment_data as _data  # noqa: E402
pyg_aggr = pytest.importorskip("torch_geometric.nn.aggr")

from verify.torch import PowerMeanAggregation, SoftmaxAggregation  # noqa: E402

F64 = torch.float64


# ------------------------------------------------------------------------- PyTorch Geometric: the swap


def test_constructor_and_call_signatures_match_pyg():
    for ours, theirs in ((SoftmaxAggregation, pyg_aggr.SoftmaxAggregation),
                         (PowerMeanAggregation, pyg_aggr.PowerMeanAggregation)):
        o = inspect.signature(ours.__init__).parameters
        t = inspect.signature(theirs.__init__).parameters
        positional = [k for k, v in t.items() if v.kind == v.POSITIONAL_OR_KEYWORD]
        assert [k for k in o if o[k].kind == o[k].POSITIONAL_OR_KEYWORD][:len(positional)] == positional
        for k in positional:
            if k not in ("clamp_min", "clamp_max"):        # ours does not clamp: None only
                assert o[k].default == t[k].default, k
        assert list(inspect.signature(ours.forward).parameters) == ["self", "x", "index", "ptr", "dim_size", "dim"]
        assert issubclass(ours, pyg_aggr.Aggregation)


def test_forward_and_gradients_agree_with_pyg_at_ordinary_points():
    x, index, n = _data(11, positive=True)
    x = x * 1.5 + 0.1       # inside PyG's clamp range: x and mean x^p within [1e-4, 100]
    for ours, theirs, name, p in ((SoftmaxAggregation, pyg_aggr.SoftmaxAggregation, "t", 1.3),
                                  (PowerMeanAggregation, pyg_aggr.PowerMeanAggregation, "p", 2.2)):
        res = []
        for cls in (ours, theirs):
            mod = cls(**{name: p}, learn=True).double()
            xx = x.clone().requires_grad_()
            out = mod(xx, index, dim_size=n)
            out.pow(2).sum().backward()
            res.append((out.detach(), xx.grad, getattr(mod, name).grad))
        for a, b in zip(*res):
            assert torch.allclose(a, b, rtol=1e-10, atol=1e-12)


def _pyg_model(Softmax, PowerMean):
    from torch_geometric.nn import GENConv, GraphConv

    torch.manual_seed(0)
    return torch.nn.ModuleList([
        GraphConv(4, 6, aggr=Softmax(t=0.5, learn=True)),
        GENConv(6, 6, aggr=Softmax(t=1.0, learn=True), num_layers=1, norm=None),
        GENConv(6, 3, aggr=PowerMean(p=1.0, learn=True), num_layers=1, norm=None),
    ]).double()


def test_swap_into_a_pyg_model_by_changing_one_import():
    from torch_geometric.nn import aggr as theirs

    import verify.torch as ours

    g = torch.Generator().manual_seed(1)
    x = torch.rand(12, 4, generator=g, dtype=F64)
    edge_index = torch.randint(0, 12, (2, 40), generator=g)

    def run(mods):
        model = _pyg_model(mods.SoftmaxAggregation, mods.PowerMeanAggregation)
        h = x
        for conv in model:
            h = torch.relu(conv(h, edge_index))
        h.sum().backward()
        return h.detach(), {k: p.grad.clone() for k, p in model.named_parameters()}

    h_theirs, g_theirs = run(theirs)
    h_ours, g_ours = run(ours)
    assert set(g_ours) == set(g_theirs)
    # GENConv's messages relu(.) + 1e-7 fall below PyG's clamp at 1e-4: its power mean differs there by about
    # 1e-4; everything else agrees
    assert torch.allclose(h_ours, h_theirs, rtol=1e-3, atol=1e-3)
    for k in g_ours:
        assert torch.isfinite(g_ours[k]).all()
        assert torch.allclose(g_ours[k], g_theirs[k], rtol=5e-2, atol=5e-3), k
