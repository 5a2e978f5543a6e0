"""Confidence intervals against published and hand-computed values, and their invariants."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import chi2

from mesocare.errors import MesocareError, ParameterError
from mesocare.indicators.stats import (
    byar_interval,
    directly_standardised_rate,
    european_standard_population,
    exact_poisson_interval,
    poisson_interval,
    rate_interval,
    wilson_interval,
    z_value,
)


def test_z_value():
    assert z_value(0.95) == pytest.approx(1.959964, abs=1e-6)
    assert z_value(0.998) == pytest.approx(3.090232, abs=1e-6)


@pytest.mark.parametrize(
    ("k", "n", "lower", "upper"),
    [
        # Newcombe (1998), Statistics in Medicine 17:857-872, table I, method 3 (Wilson)
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
        # hand-computed: p = 0.1, z = 1.96, n = 100
        (10, 100, 0.0552, 0.1744),
        (20, 20, 0.8389, 1.0),
    ],
)
def test_wilson_published(k, n, lower, upper):
    lo, hi = wilson_interval(k, n)
    assert float(lo) == pytest.approx(lower, abs=5e-5)
    assert float(hi) == pytest.approx(upper, abs=5e-5)


def test_wilson_vectorised_and_zero_denominator():
    lo, hi = wilson_interval(np.array([81, 0]), np.array([263, 0]))
    assert lo.shape == (2,)
    assert np.isnan(lo[1]) and np.isnan(hi[1])


def test_byar_hand_computed():
    # O = 100: 100·(1 − 1/900 − 1.96/30)³ and 101·(1 − 1/909 + 1.96/(3·√101))³
    z = z_value(0.95)
    lo, hi = byar_interval(100)
    assert float(lo) == pytest.approx(100 * (1 - 1 / 900 - z / 30) ** 3, rel=1e-12)
    assert float(hi) == pytest.approx(101 * (1 - 1 / 909 + z / (3 * math.sqrt(101))) ** 3)
    assert float(lo) == pytest.approx(81.36, abs=0.01)
    assert float(hi) == pytest.approx(121.63, abs=0.01)


@pytest.mark.parametrize("count", [0, 1, 2, 5, 9, 10, 37, 250])
def test_exact_poisson_matches_chi2(count):
    lo, hi = exact_poisson_interval(count)
    ref_lo = 0.0 if count == 0 else chi2.ppf(0.025, 2 * count) / 2
    ref_hi = chi2.ppf(0.975, 2 * (count + 1)) / 2
    assert float(lo) == pytest.approx(ref_lo, rel=1e-9, abs=1e-12)
    assert float(hi) == pytest.approx(ref_hi, rel=1e-9)


def test_poisson_switches_to_exact_below_10():
    lo, hi = poisson_interval([9, 10])
    e_lo, e_hi = exact_poisson_interval(9)
    b_lo, b_hi = byar_interval(10)
    assert (lo[0], hi[0]) == (float(e_lo), float(e_hi))
    assert (lo[1], hi[1]) == (float(b_lo), float(b_hi))
    # Byar's everywhere on request; at 0 the lower bound is 0
    lo0, hi0 = poisson_interval([0, 3], exact_below=0)
    assert lo0[0] == 0.0 and float(hi0[0]) == pytest.approx(3.6680, abs=1e-4)
    assert float(lo0[1]) == pytest.approx(float(byar_interval(3)[0]))


def test_rate_interval():
    value, lo, hi = rate_interval([100, 5, 0], [50_000, 1_000, 0], multiplier=1_000)
    assert value[0] == pytest.approx(2.0)
    assert lo[0] == pytest.approx(float(byar_interval(100)[0]) / 50)
    assert hi[1] == pytest.approx(chi2.ppf(0.975, 12) / 2, rel=1e-9)
    assert np.isnan(value[2]) and np.isnan(lo[2]) and np.isnan(hi[2])


def test_esp2013():
    bands, w = european_standard_population()
    assert len(bands) == 20 and bands[0] == "0-4" and bands[-1] == "95+"
    assert w.sum() == 100_000
    assert w[bands.index("45-49")] == 7_000 and w[-1] == 200


def test_dsr_hand_computed():
    # two bands, standard weights 1:3; rates 10/1000 and 40/2000
    counts = np.array([10.0, 40.0])
    pops = np.array([1_000.0, 2_000.0])
    std = np.array([1.0, 3.0])
    value, lo, hi = directly_standardised_rate(counts, pops, std, multiplier=1_000)
    assert float(value) == pytest.approx((0.25 * 0.01 + 0.75 * 0.02) * 1_000)  # 17.5
    var = (0.25**2 * 10 / 1_000**2 + 0.75**2 * 40 / 2_000**2) * 1_000**2
    o_lo, o_hi = byar_interval(50)
    assert float(lo) == pytest.approx(17.5 + math.sqrt(var / 50) * (float(o_lo) - 50))
    assert float(hi) == pytest.approx(17.5 + math.sqrt(var / 50) * (float(o_hi) - 50))


def test_dsr_uniform_rate_equals_crude_rate_on_esp():
    # the same rate in every band standardises to that rate; shape (units, bands) → (units,)
    pops = np.full((3, 20), 1_000.0)
    counts = np.vstack([np.full(20, 2.0), np.full(20, 5.0), np.zeros(20)])
    value, lo, hi = directly_standardised_rate(counts, pops)
    assert value == pytest.approx([200.0, 500.0, 0.0])
    assert np.all(lo[:2] < value[:2]) and np.all(hi[:2] > value[:2])
    assert np.isnan(lo[2]) and np.isnan(hi[2])


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: wilson_interval(5, 4), "exceed"),
        (lambda: wilson_interval(-1, 4), "numerator must be >= 0"),
        (lambda: poisson_interval(-2), "count must be >= 0"),
        (lambda: wilson_interval(1, 4, confidence=1.5), "confidence"),
        (lambda: directly_standardised_rate(np.ones(3), np.ones(3)), "standard population has 20"),
        (lambda: directly_standardised_rate(np.ones(2), np.ones(3), np.ones(2)), "shape"),
        (
            lambda: directly_standardised_rate(np.ones(2), np.array([0.0, 1.0]), np.ones(2)),
            "no population",
        ),
    ],
)
def test_bad_input_raises(call, words):
    with pytest.raises(ParameterError, match=words) as err:
        call()
    assert isinstance(err.value, MesocareError)


counts = st.integers(min_value=0, max_value=100_000)


@given(k=counts, extra=counts, confidence=st.sampled_from([0.8, 0.95, 0.99, 0.998]))
def test_wilson_invariants(k, extra, confidence):
    n = k + extra
    lo, hi = wilson_interval(k, n, confidence)
    if n == 0:
        assert np.isnan(lo) and np.isnan(hi)
        return
    p = k / n
    assert 0.0 <= lo <= p <= hi <= 1.0
    assert lo < hi


@given(
    o=st.floats(min_value=0, max_value=1e6, allow_nan=False), exact_below=st.sampled_from([0, 10])
)
def test_poisson_invariants(o, exact_below):
    lo, hi = poisson_interval(o, exact_below=exact_below)
    assert 0.0 <= lo <= o <= hi


@given(st.lists(st.tuples(st.integers(0, 500), st.integers(1, 5_000)), min_size=20, max_size=20))
def test_dsr_invariants(bands):
    o = np.array([b[0] for b in bands], dtype=float)
    n = np.array([b[1] for b in bands], dtype=float) + o
    value, lo, hi = directly_standardised_rate(o, n)
    rates = o / n * 100_000
    assert rates.min() - 1e-6 <= value <= rates.max() + 1e-6
    if o.sum() > 0:
        assert 0.0 <= lo <= value <= hi
