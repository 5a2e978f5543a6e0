"""Typed inputs, parameters and results of the zoning engine."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mesocare.errors import MesocareError, ParameterError
from mesocare.zoning.graph import Contiguity


class InfeasibleZoningError(MesocareError):
    """The bounds cannot be met; ``areas`` names the areas that make it so."""

    def __init__(self, message: str, areas: list[str]) -> None:
        self.areas = areas
        super().__init__(message)


@dataclass(frozen=True)
class ZoningParams:
    """What a zoning must satisfy and what it should prefer.

    ``n_zones`` None means as many zones as the bounds allow: the mean zone population aims at
    ``min_population + headroom × (max_population − min_population)`` (or one typical unit above
    the minimum when units are coarse), and about 3% fewer zones are tried, up to ``max_retries``
    times, while the bounds cannot be met. Weights are relative to compactness, measured as
    the share of the population's spatial variance left within zones (0 = every zone a point).
    ``stay_close_weight`` is the cost of moving a whole territory's population out of its existing
    zone, in the same unit (so 1.0 makes any change costlier than the whole compactness term).
    When the bounds are not met, the search restarts from another METIS partition (seeded
    ``seed``, ``seed + 1``, …) up to ``restarts`` times per number of zones tried.
    """

    min_population: float
    max_population: float
    n_zones: int | None = None
    headroom: float = 0.05
    homogeneity_weight: float = 0.0
    stay_close_weight: float = 0.0
    allow_oversized_units: bool = False
    seed: int = 0
    max_sweeps: int = 40
    max_retries: int = 6
    restarts: int = 3

    def __post_init__(self) -> None:
        if not 0 <= self.min_population <= self.max_population:
            raise ParameterError(
                f"population bounds: need 0 <= min <= max; found min={self.min_population}, "
                f"max={self.max_population}"
            )
        if self.max_population <= 0:
            raise ParameterError("max_population must be positive")
        if self.n_zones is not None and self.n_zones < 1:
            raise ParameterError(f"n_zones must be >= 1; found {self.n_zones}")
        if not 0 <= self.headroom <= 1:
            raise ParameterError(f"headroom must be in [0, 1]; found {self.headroom}")
        for name in ("homogeneity_weight", "stay_close_weight"):
            if getattr(self, name) < 0:
                raise ParameterError(f"{name} must be >= 0; found {getattr(self, name)}")


@dataclass(frozen=True)
class ZoningProblem:
    """The areas to zone, in one order: codes, population, centroid coordinates (metres), graph.

    ``groups``: areas with the same group are kept in one zone (e.g. municipalities when zoning
    from neighbourhoods). ``seeds``: area indices that must each lead a different zone (their
    number fixes the number of zones). ``attributes``: n × m values for homogeneity. ``existing``:
    a zone label per area to stay close to (and to start from).
    """

    codes: np.ndarray
    population: np.ndarray
    xy: np.ndarray
    graph: Contiguity
    groups: np.ndarray | None = None
    seeds: tuple[int, ...] = ()
    attributes: np.ndarray | None = None
    existing: np.ndarray | None = None

    def __post_init__(self) -> None:
        n = len(self.codes)
        pop = np.asarray(self.population, dtype=float)
        if pop.shape != (n,) or np.asarray(self.xy).shape != (n, 2) or self.graph.n != n:
            raise ParameterError("codes, population, xy and graph must describe the same areas")
        if np.any(~np.isfinite(pop)) or np.any(pop < 0):
            i = int(np.flatnonzero(~np.isfinite(pop) | (pop < 0))[0])
            raise ParameterError(f"population of area {self.codes[i]} must be >= 0")
        for name in ("groups", "existing"):
            v = getattr(self, name)
            if v is not None and len(v) != n:
                raise ParameterError(f"{name} needs one value per area")
        if self.attributes is not None and len(self.attributes) != n:
            raise ParameterError("attributes need one row per area")
        if any(not 0 <= s < n for s in self.seeds) or len(set(self.seeds)) != len(self.seeds):
            raise ParameterError("seeds must be distinct area indices")


@dataclass(frozen=True)
class ZoningResult:
    """A zone index (0..n_zones-1) per area, and what the solver has to say about it."""

    labels: np.ndarray
    n_zones: int
    feasible: bool
    messages: tuple[str, ...] = ()
    sweeps: int = 0
    moves: int = 0
    seconds: float = 0.0
    bridges: tuple[tuple[str, str], ...] = ()
    oversized: tuple[str, ...] = field(default=())
