"""mpmath precision ladders and ULP errors (the statement-bound builders: tests/core/test_statement_engine.py)."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

from verify.core.numeric import fmt, ladder, settled_digits, ulp_error


def test_ladder_and_settled_digits():
    vals = ladder(lambda: mpmath.pi * 1)
    assert [d for d, _ in vals] == [30, 50, 80, 120]
    assert settled_digits(vals) > 75
    assert mpmath.mp.dps == 15  # precision restored


def test_ulp_error():
    ref = [mpmath.mpf(1) / 3, mpmath.mpf(0), mpmath.inf]
    comp = np.array([np.float64(1) / 3, 0.0, np.inf])
    err = ulp_error(comp, ref, np.float64)
    assert err[0] <= 0.5 and err[1] == 0 and err[2] == 0
    comp32 = np.array([np.float32(1) / np.float32(3), np.float32(1e-45)], dtype=np.float32)
    err32 = ulp_error(comp32, ref[:2], np.float32)
    assert err32[0] <= 0.5 and err32[1] == pytest.approx(1.0, rel=0.5)
    with pytest.raises(ValueError, match="elements"):
        ulp_error(comp, ref[:1], np.float64)


def test_fmt_is_short_and_deterministic():
    assert fmt(mpmath.mpf("3.14159e-52")) == "3.1e-52"
    assert fmt(0.5) == "0.5" and fmt(12) == "12" and fmt(0) == "0"
