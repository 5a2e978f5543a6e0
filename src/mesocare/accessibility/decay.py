"""Distance-decay weights of the 2SFCA family, as small self-checking parameter objects.

Each decay has a ``max_minutes`` (the catchment: pairs farther away weigh 0) and turns an array of
minutes into an array of weights in [0, 1]. Plain 2SFCA is :func:`catchment` (weight 1 up to the
threshold); E2SFCA uses :class:`StepWeights` (Luo & Qi 2009: 0–10 min 1, 10–20 min 0.68,
20–30 min 0.22, the default of PySAL ``access``) or a continuous decay.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numba
import numpy as np

from mesocare.errors import ParameterError


class Decay(Protocol):
    @property
    def max_minutes(self) -> float: ...

    def weights(self, minutes: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True)
class StepWeights:
    """Weight ``w_k`` for minutes in (upper_{k-1}, upper_k]; 0 beyond the last upper bound.

    ``steps`` is a tuple of (upper bound in minutes, weight), upper bounds increasing. Bounds are
    inclusive, as in PySAL ``access``'s ``step_fn``.
    """

    steps: tuple[tuple[float, float], ...] = ((10.0, 1.0), (20.0, 0.68), (30.0, 0.22))

    def __post_init__(self) -> None:
        steps = tuple((float(u), float(w)) for u, w in self.steps)
        if not steps:
            raise ParameterError("step weights need at least one (upper minutes, weight) step")
        uppers = [u for u, _ in steps]
        if any(b <= a for a, b in zip(uppers, uppers[1:], strict=False)) or uppers[0] < 0:
            raise ParameterError(f"step upper bounds must be >= 0 and increasing; found {uppers}")
        if any(not 0.0 <= w <= 1.0 for _, w in steps):
            raise ParameterError(f"step weights must be in [0, 1]; found {[w for _, w in steps]}")
        object.__setattr__(self, "steps", steps)

    @property
    def max_minutes(self) -> float:
        return self.steps[-1][0]

    def weights(self, minutes: np.ndarray) -> np.ndarray:
        uppers = np.array([u for u, _ in self.steps])
        values = np.array([w for _, w in self.steps])
        m = np.asarray(minutes, dtype=np.float64)
        return _steps(m.ravel(), uppers, values).reshape(m.shape)


@numba.njit(cache=True, nogil=True)
def _steps(minutes, uppers, values):  # pragma: no cover  (compiled)
    """One branch-free pass: count the bounds each value exceeds, look its weight up."""
    k = uppers.shape[0]
    table = np.zeros(k + 1)
    table[:k] = values
    out = np.empty(minutes.shape[0])
    for i in range(minutes.shape[0]):
        t = minutes[i]
        c = 0
        for s in range(k):
            c += t > uppers[s]
        out[i] = table[c] if t == t else 0.0  # NaN → 0
    return out


def catchment(max_minutes: float) -> StepWeights:
    """Plain 2SFCA: every pair within ``max_minutes`` weighs 1."""
    return StepWeights(((max_minutes, 1.0),))


def _check_max(max_minutes: float) -> None:
    if not (np.isfinite(max_minutes) and max_minutes >= 0):
        raise ParameterError(f"max_minutes must be a number >= 0; found {max_minutes}")


@dataclass(frozen=True)
class GaussianDecay:
    """``exp(-t² / (2 σ²))`` up to ``max_minutes`` (as PySAL ``access``'s ``gaussian``)."""

    sigma_minutes: float
    max_minutes: float

    def __post_init__(self) -> None:
        _check_max(self.max_minutes)
        if not self.sigma_minutes > 0:
            raise ParameterError(f"sigma_minutes must be > 0; found {self.sigma_minutes}")

    def weights(self, minutes: np.ndarray) -> np.ndarray:
        w = np.exp(-(minutes * minutes) / (2.0 * self.sigma_minutes**2))
        return np.where(minutes <= self.max_minutes, w, 0.0)


@dataclass(frozen=True)
class ExponentialDecay:
    """``exp(-rate × t)`` up to ``max_minutes``."""

    rate_per_minute: float
    max_minutes: float

    def __post_init__(self) -> None:
        _check_max(self.max_minutes)
        if not self.rate_per_minute >= 0:
            raise ParameterError(f"rate_per_minute must be >= 0; found {self.rate_per_minute}")

    def weights(self, minutes: np.ndarray) -> np.ndarray:
        return np.where(minutes <= self.max_minutes, np.exp(-self.rate_per_minute * minutes), 0.0)


@dataclass(frozen=True)
class PowerDecay:
    """``(max(t, min_minutes) / min_minutes) ** -exponent`` up to ``max_minutes`` (gravity)."""

    exponent: float
    max_minutes: float
    min_minutes: float = 1.0

    def __post_init__(self) -> None:
        _check_max(self.max_minutes)
        if not self.exponent >= 0 or not self.min_minutes > 0:
            raise ParameterError(
                f"power decay needs exponent >= 0 and min_minutes > 0; "
                f"found {self.exponent}, {self.min_minutes}"
            )

    def weights(self, minutes: np.ndarray) -> np.ndarray:
        w = (np.maximum(minutes, self.min_minutes) / self.min_minutes) ** -self.exponent
        return np.where(minutes <= self.max_minutes, w, 0.0)
