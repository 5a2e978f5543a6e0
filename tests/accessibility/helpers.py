"""Plain, slow, obviously-correct versions the fast code is checked against."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import scipy.sparse as sp

from mesocare.accessibility import MatrixFile, TravelTimes
from mesocare.accessibility.travel import Locations


def times_from_pairs(pairs: list[tuple[str, str, float]], origins, destinations, max_minutes=30.0):
    table = pd.DataFrame(pairs, columns=["origin", "destination", "minutes"])
    return MatrixFile(table).travel_times(
        Locations.from_codes(origins), Locations.from_codes(destinations), max_minutes
    )


def slow_fca(minutes: np.ndarray, demand, supply, weight) -> np.ndarray:
    """2SFCA by loops over a dense matrix (NaN = out of reach)."""
    n, m = minutes.shape
    ratio = [0.0] * m
    for j in range(m):
        reached = sum(
            weight(minutes[i, j]) * demand[i] for i in range(n) if not math.isnan(minutes[i, j])
        )
        ratio[j] = supply[j] / reached if reached > 0 else 0.0
    return np.array(
        [
            sum(weight(minutes[i, j]) * ratio[j] for j in range(m) if not math.isnan(minutes[i, j]))
            for i in range(n)
        ]
    )


def dense(times: TravelTimes) -> np.ndarray:
    out = np.full(times.minutes.shape, np.nan)
    coo = sp.coo_matrix(times.minutes)
    out[coo.row, coo.col] = coo.data
    return out


def random_times(
    rng: np.random.Generator, n: int, m: int, max_minutes: float = 30.0
) -> TravelTimes:
    t = rng.uniform(0, 40, (n, m))
    t[rng.random((n, m)) < 0.3] = np.nan
    keep = ~np.isnan(t) & (t <= max_minutes)
    r, c = np.nonzero(keep)
    mat = sp.csr_matrix((t[r, c], (r, c)), shape=(n, m))
    return TravelTimes(
        np.array([f"A{i}" for i in range(n)], dtype=object),
        np.array([f"S{j}" for j in range(m)], dtype=object),
        mat,
        max_minutes,
    )
