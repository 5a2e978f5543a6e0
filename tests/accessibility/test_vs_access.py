"""Agreement with PySAL ``access`` (a test-only peer) to 1e-9 relative on random inputs."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from mesocare.accessibility import CrowFly, Locations, StepWeights, enhanced_two_step, two_step

access = pytest.importorskip("access")
logging.getLogger("access").setLevel(logging.WARNING)


def _inputs(seed: int, n: int = 60, m: int = 25):
    rng = np.random.default_rng(seed)
    ox, oy = rng.uniform(0, 40_000, (2, n))
    sx, sy = rng.uniform(0, 40_000, (2, m))
    demand = rng.lognormal(7, 1, n)
    supply = rng.uniform(0.2, 1.5, m)
    origins = Locations(np.array([f"A{i}" for i in range(n)]), ox, oy)
    dests = Locations(np.array([f"S{j}" for j in range(m)]), sx, sy)
    times = CrowFly(detour_factor=1.0, speed_kmh=50).travel_times(origins, dests, 30.0)
    coo = times.minutes.tocoo()
    cost = pd.DataFrame(
        {"origin": origins.codes[coo.row], "dest": dests.codes[coo.col], "cost": coo.data}
    )
    dem = pd.DataFrame({"geoid": origins.codes, "pop": demand})
    sup = pd.DataFrame({"sid": dests.codes, "fte": supply})
    peer = access.Access(
        demand_df=dem,
        demand_index="geoid",
        demand_value="pop",
        supply_df=sup,
        supply_index="sid",
        supply_value="fte",
        cost_df=cost,
        cost_origin="origin",
        cost_dest="dest",
        cost_name="cost",
    )
    return times, demand, supply, peer, origins


def _aligned(peer_frame: pd.DataFrame, codes: np.ndarray) -> np.ndarray:
    s = peer_frame.iloc[:, 0]
    return s.reindex(codes).fillna(0.0).to_numpy()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_two_stage_fca_agrees(seed):
    times, demand, supply, peer, origins = _inputs(seed)
    ours = two_step(times, demand, supply, 30.0).accessibility
    theirs = _aligned(peer.two_stage_fca(max_cost=30.0), origins.codes)
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=0)


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_enhanced_two_stage_fca_agrees(seed):
    times, demand, supply, peer, origins = _inputs(seed)
    ours = enhanced_two_step(times, demand, supply, StepWeights()).accessibility
    theirs = _aligned(peer.enhanced_two_stage_fca(), origins.codes)
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=0)
