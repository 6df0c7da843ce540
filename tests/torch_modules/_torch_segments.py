"""Random segment data shared by the torch module tests (imported from the test files' directory)."""

from __future__ import annotations

import torch

F64 = torch.float64


def segment_data(seed=0, positive=False, C=3, sizes=(1, 2, 3, 5, 8), dtype=F64):
    """``(x, index, n)``: ``n`` segments of the given sizes, rows shuffled, ``x`` normal (or ``|x| + 0.05``)."""
    g = torch.Generator().manual_seed(seed)
    index = torch.repeat_interleave(torch.arange(len(sizes)), torch.tensor(sizes))
    index = index[torch.randperm(index.numel(), generator=g)]
    x = torch.randn(index.numel(), C, generator=g, dtype=dtype)
    if positive:
        x = x.abs() + 0.05
    return x, index, len(sizes)
