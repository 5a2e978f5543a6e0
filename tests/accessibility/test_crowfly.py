from __future__ import annotations

import numpy as np
import pytest

from mesocare.accessibility import CrowFly, Locations
from mesocare.accessibility.crowfly import pairs_within
from mesocare.errors import ParameterError


def _brute(ox, oy, dx, dy, r):
    d = np.hypot(ox[:, None] - dx[None, :], oy[:, None] - dy[None, :])
    return {(i, j): d[i, j] for i, j in zip(*np.nonzero(d <= r), strict=True)}


def _found(ox, oy, dx, dy, r):
    indptr, indices, dist = pairs_within(ox, oy, dx, dy, r)
    rows = np.repeat(np.arange(len(ox)), np.diff(indptr))
    return {(int(i), int(j)): float(v) for i, j, v in zip(rows, indices, dist, strict=True)}


@pytest.mark.parametrize("seed", range(6))
def test_pairs_match_brute_force(seed):
    rng = np.random.default_rng(seed)
    n, m = rng.integers(0, 80), rng.integers(0, 60)
    scale = rng.choice([10.0, 5_000.0, 200_000.0])
    ox, oy = rng.uniform(0, scale, (2, n))
    dx, dy = rng.uniform(0, scale, (2, m))
    if n and m:  # exact duplicates and points exactly on the radius
        dx[0], dy[0] = ox[0], oy[0]
    r = float(rng.uniform(0, scale / 3))
    if n and m > 1:
        dx[1], dy[1] = ox[0] + r, oy[0]
    got, want = _found(ox, oy, dx, dy, r), _brute(ox, oy, dx, dy, r)
    assert got.keys() == want.keys()
    for k, v in want.items():
        assert got[k] == pytest.approx(v, rel=1e-12, abs=1e-9)


def test_radius_zero_keeps_only_same_place():
    got = _found(np.array([0.0, 5.0]), np.array([0.0, 5.0]), np.array([5.0]), np.array([5.0]), 0.0)
    assert got == {(1, 0): 0.0}


def test_minutes_use_detour_and_speed():
    o = Locations(np.array(["a"]), [0.0], [0.0])
    d = Locations(np.array(["s", "far"]), [6_000.0, 60_000.0], [8_000.0, 0.0])  # 10 km, 60 km
    t = CrowFly(detour_factor=1.2, speed_kmh=60).travel_times(o, d, 30.0)
    # 10 km × 1.2 at 1 km/min = 12 minutes; 60 km is beyond 30 minutes
    assert t.minutes.toarray().tolist() == [[pytest.approx(12.0), 0.0]]
    assert t.pairs == 1
    assert t.within(10.0).pairs == 0


@pytest.mark.parametrize("kw", [{"detour_factor": 0.9}, {"speed_kmh": 0}])
def test_bad_parameters_rejected(kw):
    with pytest.raises(ParameterError):
        CrowFly(**kw)


def test_bad_locations_rejected():
    with pytest.raises(ParameterError, match="missing or infinite"):
        Locations(np.array(["a"]), [np.nan], [0.0])
    with pytest.raises(ParameterError, match="same length"):
        Locations(np.array(["a", "b"]), [0.0], [0.0])
