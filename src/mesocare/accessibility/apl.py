"""The French APL (accessibilité potentielle localisée, DREES) to general practitioners.

APL is an E2SFCA whose demand is the population weighted by age-specific consumption of GP care
and whose supply is GP activity in consultations a year; its result is in consultations per
standardised inhabitant per year. The rules come as one coherent DREES vintage, a parameter file
in ``accessibility/params/`` (default: the 2023 APL; see :mod:`~mesocare.accessibility.apl_params`):

- supply: each GP's yearly activity, bounded as DREES does: at most ``zero_up_to`` (250) counts 0,
  up to ``floor`` (3,600) counts ``floor``, up to ``cap`` (6,000) as recorded, more counts ``cap``;
  no recorded activity → ``imputed_without_activity`` (5,400); health centres are not bounded. A
  territory with FTE only: activity = FTE × ``consultations_per_fte``, then bounded. GPs older
  than ``max_gp_age`` (65) count 0;
- distance: 1 up to 10 minutes, 2/3 up to 15, 1/3 up to 20, 0 beyond;
- demand: Σ over age bands of inhabitants × the band's weight, the weights being relative to the
  national mean consumption: no rescaling to the territory's own total;
- a unit's APL is the mean of its areas' APL weighted by the standardised population (DREES's note
  to the file); the population under a threshold is counted in inhabitants;
- under-served: APL below 2.5 (zoning decree of 13 Nov 2017), the threshold and the comparison
  (``below`` or ``at_or_below``) being parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mesocare.accessibility.apl_params import DEFAULT_VINTAGE, AplFile, read_apl_file
from mesocare.accessibility.decay import StepWeights
from mesocare.accessibility.fca import FcaResult, floating_catchment
from mesocare.accessibility.travel import TravelTimes
from mesocare.errors import ParameterError
from mesocare.territory.schema import AGE_BANDS, age_band_lower

AgeTable = tuple[tuple[int, float], ...]


@dataclass(frozen=True)
class ActivityBounds:
    """DREES's bounds on one GP's yearly activity (see the module doc)."""

    zero_up_to: float
    floor: float
    cap: float

    def __post_init__(self) -> None:
        if not 0 <= self.zero_up_to <= self.floor <= self.cap:
            raise ParameterError(
                "activity bounds must satisfy 0 <= zero_up_to <= floor <= cap; found "
                f"{self.zero_up_to}, {self.floor}, {self.cap}"
            )

    def apply(self, activity: np.ndarray) -> np.ndarray:
        a = np.asarray(activity, dtype=float)
        return np.select(
            [a <= self.zero_up_to, a <= self.floor, a <= self.cap],
            [0.0, self.floor, a],
            self.cap,
        )


def _packaged(attr: str) -> Any:
    """One field of the packaged default vintage (read once)."""
    return getattr(_vintage(DEFAULT_VINTAGE), attr)


def _default(attr: str) -> Any:
    """A dataclass field whose default comes from the packaged default vintage."""
    return field(default_factory=lambda: _packaged(attr))


@dataclass(frozen=True)
class AplParams:
    """Parameters of APL; the defaults are the DREES 2023 vintage (``apl_drees_2023.toml``).

    ``age_weights``: (lower bound of an age class, weight); each 5-year band takes the class it
    starts in. ``national_age_shares``: the nation's population share of the same classes; when
    given, the weights are raw consumption (any unit) and are divided by the national mean
    Σ share × weight / Σ share, so that a national inhabitant weighs 1. ``activity=None``: no bounds.
    """

    vintage: str = _default("vintage")
    steps: StepWeights = _default("steps")
    activity: ActivityBounds | None = _default("activity")
    imputed_without_activity: float = _default("imputed_without_activity")
    consultations_per_fte: float = _default("consultations_per_fte")
    max_gp_age: float = _default("max_gp_age")
    age_weights: AgeTable = _default("age_weights")
    national_age_shares: AgeTable | None = None
    shortage_threshold: float = _default("shortage_threshold")
    shortage_inclusive: bool = _default("shortage_inclusive")

    def __post_init__(self) -> None:
        if not self.consultations_per_fte > 0:
            raise ParameterError(
                f"consultations_per_fte must be > 0; found {self.consultations_per_fte}"
            )
        for name in ("age_weights", "national_age_shares"):
            table = getattr(self, name)
            if table is None:
                continue
            lows = [a for a, _ in table]
            if not lows or lows[0] != 0 or lows != sorted(set(lows)):
                raise ParameterError(f"{name} must start at age 0 and increase; found {lows}")
            if any(not np.isfinite(w) or w < 0 for _, w in table):
                raise ParameterError(f"{name}: every value must be a number >= 0")
        if self.national_age_shares is not None:
            if [a for a, _ in self.national_age_shares] != [a for a, _ in self.age_weights]:
                raise ParameterError("national_age_shares must have the age classes of age_weights")
            if not self._reference() > 0:
                raise ParameterError("national_age_shares give a national mean weight of 0")

    @property
    def max_minutes(self) -> float:
        return self.steps.max_minutes

    @staticmethod
    def _per_band(table: AgeTable) -> dict[str, float]:
        lows = np.array([a for a, _ in table])
        vs = [v for _, v in table]
        return {
            b: vs[int(np.searchsorted(lows, age_band_lower(b), side="right")) - 1]
            for b in AGE_BANDS
        }

    def _reference(self) -> float:
        """Σ share × weight / Σ share over the national age structure (1 when not given)."""
        if self.national_age_shares is None:
            return 1.0
        shares = np.array([s for _, s in self.national_age_shares])
        weights = np.array([w for _, w in self.age_weights])
        return float((shares * weights).sum() / shares.sum()) if shares.sum() > 0 else 0.0

    def band_weights(self) -> dict[str, float]:
        """The demand weight of every 5-year age band, relative to the national mean."""
        ref = self._reference()
        return {b: w / ref for b, w in self._per_band(self.age_weights).items()}


def _from_file(f: AplFile) -> AplParams:
    a, d = f.activity, f.demand
    return AplParams(
        vintage=f.vintage,
        steps=StepWeights(tuple((s.up_to_minutes, s.weight) for s in f.distance.steps)),
        activity=ActivityBounds(a.zero_up_to, a.floor, a.cap),
        imputed_without_activity=a.imputed_without_activity,
        consultations_per_fte=f.supply.consultations_per_fte.value,
        max_gp_age=f.supply.max_gp_age.value,
        age_weights=tuple((w.age_from, w.weight) for w in d.age_weights),
        national_age_shares=None
        if d.national_age_shares is None
        else tuple((s.age_from, s.share) for s in d.national_age_shares),
        shortage_threshold=f.shortage.threshold.value,
        shortage_inclusive=f.shortage.comparison == "at_or_below",
    )


@cache
def _vintage(vintage: str) -> AplParams:
    return _from_file(read_apl_file(vintage=vintage))


def load_apl_params(path: str | Path | None = None, *, vintage: str = DEFAULT_VINTAGE) -> AplParams:
    """The APL parameters of a packaged DREES vintage ('2023', '2022') or of the user's file
    (same keys; see ``accessibility/params/apl_drees_2023.toml``)."""
    return _from_file(read_apl_file(path, vintage=vintage))


def standardised_population(
    population: pd.DataFrame, area_codes: np.ndarray, params: AplParams
) -> np.ndarray:
    """Σ over bands of the band's weight × its count per area (no rescaling).

    ``population`` is the Territory's long table (area_code, age_band, count). The weights are
    relative to the national mean consumption, so a territory older than the nation gets a
    standardised population above its head count, as in DREES's files.
    """
    w = population["age_band"].astype(str).map(params.band_weights()).to_numpy(dtype=float)
    counts = population["count"].to_numpy(dtype=float)
    codes = pd.Index(pd.Series(area_codes).astype(str))
    idx = codes.get_indexer(pd.Index(population["area_code"].astype(str)))
    keep = idx >= 0
    return np.bincount(idx[keep], weights=(w * counts)[keep], minlength=len(codes))


def gp_consultations(
    fte: np.ndarray,
    age: np.ndarray,
    params: AplParams,
    activity: np.ndarray | None = None,
    unbounded: np.ndarray | None = None,
) -> np.ndarray:
    """Consultations a year that each GP counts for (one GP per element).

    Recorded ``activity`` if given (NaN: no activity the year before → the imputed amount), else
    FTE × consultations per FTE; then bounded by ``params.activity`` except where ``unbounded``
    (health centres). GPs older than ``max_gp_age`` count 0; an unknown age (NaN) counts.
    """
    fte = np.asarray(fte, dtype=float)
    age = np.asarray(age, dtype=float)
    if activity is None:
        cons = fte * params.consultations_per_fte
    else:
        recorded = np.asarray(activity, dtype=float)
        cons = np.where(np.isnan(recorded), params.imputed_without_activity, recorded)
    if params.activity is not None:
        free = np.zeros(cons.shape, bool) if unbounded is None else np.asarray(unbounded, bool)
        cons = np.where(free, cons, params.activity.apply(cons))
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
