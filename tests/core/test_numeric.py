"""mpmath ladders, counterexamples, limit ladders and ULP errors."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

from verify.core.numeric import (counterexample_evidence, fmt, ladder, limit_ladder_evidence,
                                 mp_identity_evidence, settled_digits, ulp_error)


def test_identity_holds_and_fails():
    good = mp_identity_evidence(lambda t: mpmath.sin(t) ** 2 + mpmath.cos(t) ** 2, lambda t: 1, [(0.3,), (2,)])
    assert good.run().finding == "holds"
    bad = mp_identity_evidence(lambda t: mpmath.sin(t), lambda t: t, [(0.3,), (1e-9,)])
    assert bad.run().finding == "refuted"


def test_identity_ladder_must_start_at_50_digits():
    with pytest.raises(ValueError, match="50"):
        mp_identity_evidence(lambda: 1, lambda: 1, [()], dps=(15, 30))


def test_counterexample():
    ce = counterexample_evidence(lambda: mpmath.mpf(3) / 2, lambda: mpmath.mpf(1), "m=(1, 2)")
    out = ce.run()
    assert out.finding == "refuted" and "m=(1, 2)" in out.figure
    not_ce = counterexample_evidence(lambda: mpmath.mpf(1) / 3, lambda: 1 - mpmath.mpf(2) / 3, "x")
    assert not_ce.run().finding == "holds"


def test_limit_ladder_with_rate():
    # (1 + 1/x)^x -> e with error <= e/(2x) for x >= 1
    ev = limit_ladder_evidence(lambda x: (1 + 1 / mpmath.mpf(x)) ** x, lambda: mpmath.e,
                               [10**k for k in range(1, 12)], bound=lambda x: mpmath.e / (2 * x))
    assert ev.run().finding == "holds"
    wrong = limit_ladder_evidence(lambda x: (1 + 1 / mpmath.mpf(x)) ** x, lambda: mpmath.mpf(3),
                                  [10**k for k in range(1, 6)])
    assert wrong.run().finding == "refuted"
    tight = limit_ladder_evidence(lambda x: (1 + 1 / mpmath.mpf(x)) ** x, lambda: mpmath.e,
                                  [10**k for k in range(1, 6)], bound=lambda x: mpmath.e / (4 * x))
    assert tight.run().finding == "refuted"


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
