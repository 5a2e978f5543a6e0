from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from helpers import times_from_pairs

from mesocare.accessibility import (
    AplParams,
    SitingParams,
    apl,
    catchment,
    choose_sites,
    gain_per_fte,
    gp_consultations,
    standardised_population,
)
from mesocare.accessibility.siting import shortfall
from mesocare.errors import ParameterError


def test_apl_by_hand():
    # A is 3 min from GP1, B 8 min from GP1 and 12 min from GP2 (aged 70: left out)
    t = times_from_pairs(
        [("A", "G1", 3), ("B", "G1", 8), ("B", "G2", 12)], ["A", "B"], ["G1", "G2"], 15
    )
    cons = gp_consultations(np.array([1.0, 0.5]), np.array([50.0, 70.0]), AplParams())
    assert list(cons) == [5400.0, 0.0]
    r = apl(t, np.array([1000.0, 2000.0]), cons)
    ratio = 5400 / (1000 + 0.3 * 2000)  # 3.375 consultations per standardised inhabitant
    assert r.accessibility == pytest.approx([ratio, 0.3 * ratio])
    assert list(AplParams().steps.weights(np.array([5, 10, 15, 15.1]))) == [1, 0.3, 0.1, 0]


def test_gp_consultations_from_activity_and_unknown_age():
    p = AplParams(consultations_per_fte=5000, max_gp_age=67)
    c = gp_consultations(
        np.array([1.0, 1.0, 1.0]),
        np.array([np.nan, 67, 68]),
        p,
        activity=np.array([3000, 6000, 9000]),
    )
    assert list(c) == [3000, 6000, 0]


def test_standardised_population_keeps_total_and_weights_ages():
    pop = pd.DataFrame(
        {
            "area_code": ["A", "A", "B"],
            "age_band": ["0-4", "80-84", "30-34"],
            "count": [100, 100, 200],
        }
    )
    p = AplParams(consumption_by_age=((0, 1.0), (25, 0.5), (80, 2.0)))
    s = standardised_population(pop, np.array(["A", "B", "C"]), p)
    raw = np.array([100 * 1 + 100 * 2, 200 * 0.5, 0])
    assert s == pytest.approx(raw * 400 / raw.sum())
    with pytest.raises(ParameterError):
        AplParams(consumption_by_age=((5, 1.0),))


def _tiny():
    # three areas in a row, two candidate sites; area 0 badly served
    t = times_from_pairs(
        [("a0", "s0", 5), ("a1", "s0", 20), ("a1", "s1", 5), ("a2", "s1", 10)],
        ["a0", "a1", "a2"],
        ["s0", "s1"],
    )
    demand = np.array([1000.0, 3000.0, 2000.0])
    access = np.array([0.2, 0.6, 0.9])
    return t, demand, access


def test_gain_per_fte_by_hand():
    t, demand, _ = _tiny()
    g = gain_per_fte(t, demand, catchment(30), supply_per_fte=1000).toarray()
    assert g[:, 0] == pytest.approx([0.25, 0.25, 0])  # 1000 / 4000 people
    assert g[:, 1] == pytest.approx([0, 0.2, 0.2])  # 1000 / 5000 people


@pytest.mark.parametrize("method", ["milp", "greedy"])
def test_siting_matches_brute_force(method):
    rng = np.random.default_rng(3)
    for _ in range(4):
        n, c, k = 8, 4, 3
        times = rng.uniform(0, 40, (n, c))
        pairs = [
            (f"a{i}", f"s{j}", times[i, j]) for i in range(n) for j in range(c) if times[i, j] <= 30
        ]
        t = times_from_pairs(pairs, [f"a{i}" for i in range(n)], [f"s{j}" for j in range(c)])
        demand = rng.uniform(100, 2000, n)
        access = rng.uniform(0, 1.2, n)
        g = gain_per_fte(t, demand, catchment(30), 1000)
        res = choose_sites(access, demand, g, SitingParams(new_fte=k, target=1.0, method=method))
        best = max(
            -shortfall(
                access + g @ np.bincount(combo, minlength=c).astype(float),
                demand,
                1.0,
                np.ones(n, bool),
            )
            for combo in itertools.combinations_with_replacement(range(c), k)
        )
        base = -shortfall(access, demand, 1.0, np.ones(n, bool))
        got = -res.shortfall_after
        assert res.fte.sum() <= k
        assert np.allclose(res.after, access + g @ res.fte)
        if method == "milp":
            assert got == pytest.approx(best, rel=1e-7, abs=1e-6)
        else:  # (1 − 1/e) guarantee on the gain
            assert got - base >= (1 - 1 / np.e) * (best - base) - 1e-9


def test_siting_respects_scope_and_params():
    t, demand, access = _tiny()
    g = gain_per_fte(t, demand, catchment(30), 1000)
    res = choose_sites(
        access, demand, g, SitingParams(new_fte=2, target=1.0), scope=np.array([False, False, True])
    )
    # only a2 counts and only s1 reaches it; one FTE lifts it over the target, a second adds nothing
    assert res.fte.tolist() == [0, 1]
    assert res.shortfall_after == 0
    with pytest.raises(ParameterError, match="multiple"):
        SitingParams(new_fte=1.5, target=1, fte_step=1.0)
    with pytest.raises(ParameterError, match="unknown siting method"):
        SitingParams(new_fte=1, target=1, method="guess")  # type: ignore[arg-type]
