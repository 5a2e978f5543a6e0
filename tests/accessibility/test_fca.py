from __future__ import annotations

import numpy as np
import pytest
from helpers import dense, random_times, slow_fca, times_from_pairs
from hypothesis import given, settings
from hypothesis import strategies as st

from mesocare.accessibility import (
    ExponentialDecay,
    GaussianDecay,
    PowerDecay,
    StepWeights,
    enhanced_two_step,
    floating_catchment,
    two_step,
)
from mesocare.errors import ParameterError

# A (100 people) is 5 min from S1; B (300) is 15 min from S1 and 25 min from S2.
PAIRS = [("A", "S1", 5.0), ("B", "S1", 15.0), ("B", "S2", 25.0)]
DEMAND = np.array([100.0, 300.0])
SUPPLY = np.array([2.0, 1.0])


def test_two_step_by_hand():
    t = times_from_pairs(PAIRS, ["A", "B"], ["S1", "S2"])
    r = two_step(t, DEMAND, SUPPLY, 30)
    # R1 = 2 / 400, R2 = 1 / 300; A = R1; B = R1 + R2
    assert r.ratio == pytest.approx([0.005, 1 / 300])
    assert r.accessibility == pytest.approx([0.005, 0.005 + 1 / 300])
    # a 20-minute catchment drops B–S2: S2 serves nobody, its supply is lost
    r20 = two_step(t, DEMAND, SUPPLY, 20)
    assert r20.accessibility == pytest.approx([0.005, 0.005])
    assert r20.ratio[1] == 0.0


def test_enhanced_two_step_by_hand():
    t = times_from_pairs(PAIRS, ["A", "B"], ["S1", "S2"])
    r = enhanced_two_step(t, DEMAND, SUPPLY)  # weights 1 (≤10), 0.68 (≤20), 0.22 (≤30)
    r1, r2 = 2 / (100 + 0.68 * 300), 1 / (0.22 * 300)
    assert r.accessibility == pytest.approx([r1, 0.68 * r1 + 0.22 * r2])


def test_step_bounds_are_inclusive():
    w = StepWeights().weights(np.array([0, 10, 10.0001, 20, 30, 30.0001]))
    assert list(w) == [1, 1, 0.68, 0.68, 0.22, 0]


@pytest.mark.parametrize(
    "decay",
    [
        StepWeights(),
        StepWeights(((30.0, 1.0),)),
        GaussianDecay(sigma_minutes=10, max_minutes=30),
        ExponentialDecay(rate_per_minute=0.1, max_minutes=25),
        PowerDecay(exponent=1.5, max_minutes=30, min_minutes=2),
    ],
)
def test_fast_matches_slow(decay):
    rng = np.random.default_rng(7)
    for _ in range(5):
        n, m = rng.integers(1, 12), rng.integers(1, 8)
        t = random_times(rng, int(n), int(m))
        demand = rng.uniform(0, 1000, n)
        supply = rng.uniform(0, 3, m)
        fast = floating_catchment(t, demand, supply, decay).accessibility
        slow = slow_fca(dense(t), demand, supply, lambda x: float(decay.weights(np.array([x]))[0]))
        np.testing.assert_allclose(fast, slow, rtol=1e-12, atol=0)


def test_continuous_decays_by_hand():
    m = np.array([0.0, 10.0, 40.0])
    assert GaussianDecay(10, 30).weights(m) == pytest.approx([1, np.exp(-0.5), 0])
    assert ExponentialDecay(0.1, 30).weights(m) == pytest.approx([1, np.exp(-1), 0])
    assert PowerDecay(2, 30, min_minutes=5).weights(m) == pytest.approx([1, 0.25, 0])


@pytest.mark.parametrize(
    "make",
    [
        lambda: StepWeights(((20, 1.0), (10, 0.5))),
        lambda: StepWeights(((10, 1.5),)),
        lambda: GaussianDecay(0, 30),
        lambda: ExponentialDecay(0.1, -1),
        lambda: PowerDecay(-1, 30),
    ],
)
def test_bad_decays_rejected(make):
    with pytest.raises(ParameterError):
        make()


def test_catchment_larger_than_times_rejected():
    t = times_from_pairs(PAIRS, ["A", "B"], ["S1", "S2"], max_minutes=20)
    with pytest.raises(ParameterError, match="larger than the travel times"):
        two_step(t, DEMAND, SUPPLY, 30)


def test_bad_vectors_rejected():
    t = times_from_pairs(PAIRS, ["A", "B"], ["S1", "S2"])
    with pytest.raises(ParameterError, match="demand"):
        two_step(t, np.array([1.0]), SUPPLY, 30)
    with pytest.raises(ParameterError, match="supply"):
        two_step(t, DEMAND, np.array([1.0, -1.0]), 30)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 15),
    m=st.integers(1, 10),
    seed=st.integers(0, 2**32 - 1),
    decay=st.sampled_from(
        [StepWeights(), StepWeights(((30.0, 1.0),)), GaussianDecay(12, 30), PowerDecay(1, 30)]
    ),
)
def test_supply_is_conserved(n, m, seed, decay):
    """Σ_i A_i D_i = Σ S_j over the supply points that reach some demand."""
    rng = np.random.default_rng(seed)
    t = random_times(rng, n, m)
    demand = rng.uniform(0, 1000, n) * (rng.random(n) < 0.8)
    supply = rng.uniform(0, 3, m)
    r = floating_catchment(t, demand, supply, decay)
    reaching = r.catchment_demand > 0
    assert (r.accessibility * demand).sum() == pytest.approx(supply[reaching].sum(), rel=1e-9)
