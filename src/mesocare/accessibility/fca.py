"""The two-step floating catchment area family (2SFCA, E2SFCA) on sparse travel times.

Step 1, per supply point j: R_j = S_j / Σ_i w(t_ij) D_i (supply over the demand it reaches).
Step 2, per area i: A_i = Σ_j w(t_ij) R_j. With W the weighted sparse matrix, that is two sparse
matrix-vector products: ``W.T @ D`` and ``W @ R``. A supply point that reaches no demand has no
ratio (it serves nobody), so Σ_i A_i D_i = Σ S_j over the supply points that reach some demand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from mesocare.accessibility.decay import Decay, StepWeights, catchment
from mesocare.accessibility.travel import TravelTimes
from mesocare.errors import ParameterError


@dataclass(frozen=True, eq=False)
class FcaResult:
    """Accessibility per origin and, per destination, the demand it reaches and its ratio."""

    accessibility: np.ndarray  # per origin, supply units per demand unit
    catchment_demand: np.ndarray  # per destination, Σ_i w_ij D_i
    ratio: np.ndarray  # per destination, S_j / catchment demand (0 where no demand reached)


def weighted(times: TravelTimes, decay: Decay) -> sp.csr_matrix:
    """The sparse weight matrix w(t_ij), sharing the index arrays of ``times`` (no copy)."""
    if decay.max_minutes > times.max_minutes:
        raise ParameterError(
            f"the catchment ({decay.max_minutes:g} min) is larger than the travel times were "
            f"computed for ({times.max_minutes:g} min); compute travel times up to "
            f"{decay.max_minutes:g} min"
        )
    m = times.minutes
    w = decay.weights(m.data)
    return sp.csr_matrix((w, m.indices, m.indptr), shape=m.shape, copy=False)


def floating_catchment(
    times: TravelTimes, demand: np.ndarray, supply: np.ndarray, decay: Decay
) -> FcaResult:
    """Generic 2SFCA with any decay; ``demand`` per origin, ``supply`` per destination."""
    d = _vector(demand, len(times.origins), "demand")
    s = _vector(supply, len(times.destinations), "supply")
    w = weighted(times, decay)
    reached = w.T @ d
    ratio = np.divide(s, reached, out=np.zeros_like(s), where=reached > 0)
    return FcaResult(w @ ratio, reached, ratio)


def two_step(
    times: TravelTimes, demand: np.ndarray, supply: np.ndarray, max_minutes: float
) -> FcaResult:
    """Plain 2SFCA (Luo & Wang 2003): every pair within ``max_minutes`` weighs 1."""
    return floating_catchment(times, demand, supply, catchment(max_minutes))


def enhanced_two_step(
    times: TravelTimes, demand: np.ndarray, supply: np.ndarray, decay: Decay | None = None
) -> FcaResult:
    """E2SFCA (Luo & Qi 2009): distance-decay weights in both steps; default 10/20/30-min steps."""
    return floating_catchment(times, demand, supply, decay or StepWeights())


def _vector(values: np.ndarray, n: int, what: str) -> np.ndarray:
    v = np.asarray(values, dtype=np.float64)
    if v.shape != (n,):
        raise ParameterError(f"{what} has {v.shape} values; expected {n}")
    if not np.isfinite(v).all() or (v < 0).any():
        raise ParameterError(f"{what} must be finite and >= 0")
    return v
