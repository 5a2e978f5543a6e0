"""The French APL (accessibilité potentielle localisée, DREES) to general practitioners.

APL is an E2SFCA whose demand is the population weighted by age-specific consumption of GP care
and whose supply is GP activity in consultations a year; its result is in consultations per
(standardised) inhabitant per year. Defaults follow the 2012 version (DOMAIN.md): weights 1 under
5 minutes, 0.3 from 5 to 10, 0.1 from 10 to 15, 0 beyond; 1 FTE = 5,400 consultations a year; only
GPs up to 65 count; ≤ 2.5 is under-served. Every figure is a parameter.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mesocare.accessibility.decay import StepWeights
from mesocare.accessibility.fca import FcaResult, floating_catchment
from mesocare.accessibility.travel import TravelTimes
from mesocare.errors import ParameterError
from mesocare.territory.schema import AGE_BANDS, age_band_lower

#: Relative GP consumption by age (mean ≈ 1 over a European age pyramid). *Unconfirmed*:
#: DREES publishes its own age-consumption curve from the SNDS; load it through ``AplParams``.
#: Keys are the lower bound of an age class; each 5-year band takes the class it starts in.
DEFAULT_CONSUMPTION_BY_AGE: tuple[tuple[int, float], ...] = (
    (0, 1.3),
    (5, 0.7),
    (15, 0.7),
    (25, 0.8),
    (45, 1.0),
    (60, 1.3),
    (70, 1.7),
    (80, 2.0),
)


@dataclass(frozen=True)
class AplParams:
    """Parameters of APL; ``steps`` ends at the radius (minutes)."""

    steps: StepWeights = field(
        default_factory=lambda: StepWeights(((5.0, 1.0), (10.0, 0.3), (15.0, 0.1)))
    )
    consultations_per_fte: float = 5400.0
    max_gp_age: float = 65.0
    consumption_by_age: tuple[tuple[int, float], ...] = DEFAULT_CONSUMPTION_BY_AGE
    shortage_threshold: float = 2.5

    def __post_init__(self) -> None:
        if not self.consultations_per_fte > 0:
            raise ParameterError(
                f"consultations_per_fte must be > 0; found {self.consultations_per_fte}"
            )
        lows = [a for a, _ in self.consumption_by_age]
        if not lows or lows[0] != 0 or lows != sorted(lows):
            raise ParameterError(
                f"consumption_by_age must start at age 0 and increase; found {lows}"
            )
        if any(w < 0 for _, w in self.consumption_by_age):
            raise ParameterError("consumption weights must be >= 0")

    @property
    def max_minutes(self) -> float:
        return self.steps.max_minutes

    def band_weights(self) -> dict[str, float]:
        """The consumption weight of every 5-year age band."""
        lows = np.array([a for a, _ in self.consumption_by_age])
        ws = [w for _, w in self.consumption_by_age]
        return {
            b: ws[int(np.searchsorted(lows, age_band_lower(b), side="right")) - 1]
            for b in AGE_BANDS
        }


def standardised_population(
    population: pd.DataFrame, area_codes: np.ndarray, params: AplParams
) -> np.ndarray:
    """Σ over bands of consumption weight × count per area, rescaled so totals are unchanged.

    ``population`` is the Territory's long table (area_code, age_band, count). The rescaling makes
    one standardised inhabitant consume the territory's mean, as DREES's standardised population.
    """
    w = population["age_band"].astype(str).map(params.band_weights()).to_numpy(dtype=float)
    counts = population["count"].to_numpy(dtype=float)
    codes = pd.Index(pd.Series(area_codes).astype(str))
    idx = codes.get_indexer(pd.Index(population["area_code"].astype(str)))
    keep = idx >= 0
    raw = np.bincount(idx[keep], weights=(w * counts)[keep], minlength=len(codes))
    plain = np.bincount(idx[keep], weights=counts[keep], minlength=len(codes))
    total = raw.sum()
    return raw * (plain.sum() / total) if total > 0 else raw


def gp_consultations(
    fte: np.ndarray, age: np.ndarray, params: AplParams, activity: np.ndarray | None = None
) -> np.ndarray:
    """Consultations a year per GP: recorded activity if given, else FTE × consultations/FTE.

    GPs older than ``max_gp_age`` count 0; an unknown age (NaN) counts.
    """
    fte = np.asarray(fte, dtype=float)
    age = np.asarray(age, dtype=float)
    cons = fte * params.consultations_per_fte if activity is None else np.asarray(activity, float)
    return np.where(age > params.max_gp_age, 0.0, cons)


def apl(
    times: TravelTimes,
    standardised_demand: np.ndarray,
    consultations: np.ndarray,
    params: AplParams | None = None,
) -> FcaResult:
    """APL per area: consultations a year per standardised inhabitant within the steps."""
    p = params or AplParams()
    return floating_catchment(times, standardised_demand, consultations, p.steps)
