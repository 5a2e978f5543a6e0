"""Use cases of spatial accessibility on a Territory: compute scores and shortage, choose sites.

The CLI (``mesocare access``) and the diagnosis report both call these functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from mesocare.accessibility import (
    AplParams,
    CrowFly,
    Locations,
    ShortageRule,
    SitingParams,
    StepWeights,
    TravelTimeProvider,
    TravelTimes,
    catchment,
    choose_sites,
    floating_catchment,
    gain_per_fte,
    gp_consultations,
    shortage_by_unit,
    standardised_population,
    weighted_by_unit,
)
from mesocare.accessibility.decay import Decay
from mesocare.accessibility.road import RoadNetwork
from mesocare.atomic import path_write
from mesocare.errors import NotComputedError, ParameterError, UnknownCodeError
from mesocare.i18n import N_, _, fmt_int, fmt_percent
from mesocare.territory import Discipline, Territory


class Method(StrEnum):
    TWO_SFCA = "2sfca"
    E2SFCA = "e2sfca"
    APL = "apl"


@dataclass(frozen=True)
class AccessRequest:
    """What to compute. ``decay`` is the E2SFCA decay (default 10/20/30-minute steps);
    ``max_minutes`` the 2SFCA catchment; ``apl`` the APL parameters (its steps and radius)."""

    method: Method = Method.E2SFCA
    discipline: Discipline = Discipline.GP
    travel: TravelTimeProvider = field(default_factory=CrowFly)
    max_minutes: float = 30.0
    decay: Decay | None = None
    apl: AplParams = field(default_factory=AplParams)
    shortage_threshold: float | None = None  # default: APL's < 2.5; none for 2SFCA/E2SFCA

    def __post_init__(self) -> None:
        object.__setattr__(self, "method", Method(self.method))
        object.__setattr__(self, "discipline", Discipline(self.discipline))
        if self.method is Method.APL and self.discipline is not Discipline.GP:
            raise ParameterError("APL is defined for general practitioners (discipline gp) only")

    @property
    def weights(self) -> Decay:
        if self.method is Method.APL:
            return self.apl.steps
        if self.method is Method.TWO_SFCA:
            return catchment(self.max_minutes)
        return self.decay or StepWeights()

    @property
    def unit_label(self) -> str:
        if self.method is Method.APL:
            return N_("consultations per inhabitant per year")
        return f"{self.discipline.value} FTE per 1,000 inhabitants"

    @property
    def supply_per_fte(self) -> float:
        return self.apl.consultations_per_fte if self.method is Method.APL else 1000.0

    @property
    def shortage(self) -> ShortageRule | None:
        inclusive = self.apl.shortage_inclusive if self.method is Method.APL else False
        if self.shortage_threshold is not None:
            return ShortageRule(self.shortage_threshold, inclusive)
        if self.method is Method.APL:
            return ShortageRule(self.apl.shortage_threshold, inclusive)
        return None


@dataclass(frozen=True, eq=False)
class AccessResult:
    request: AccessRequest
    areas: gpd.GeoDataFrame  # one row per area: population, demand, accessibility, shortage
    units: pd.DataFrame  # per network/zone/region
    supply: pd.DataFrame  # per supply point: supply, catchment demand, ratio
    times: TravelTimes
    demand: np.ndarray


def area_origins(territory: Territory) -> Locations:
    """The areas' centroids as travel origins (computed once when planning many zones)."""
    return _origins(territory)


def _origins(territory: Territory) -> Locations:
    c = territory.areas.geometry.centroid
    return Locations(territory.areas["area_code"].to_numpy(), c.x.to_numpy(), c.y.to_numpy())


def _demand(territory: Territory, request: AccessRequest) -> tuple[np.ndarray, np.ndarray]:
    pop = territory.population_by_area()["population"].to_numpy(dtype=float)
    if request.method is Method.APL:
        codes = territory.areas["area_code"].to_numpy()
        return pop, standardised_population(territory.population, codes, request.apl)
    return pop, pop


def _supply(territory: Territory, request: AccessRequest) -> tuple[Locations, np.ndarray]:
    prov = territory.providers[territory.providers["discipline"] == request.discipline.value]
    if request.method is Method.APL:
        amount = gp_consultations(
            prov["fte"].to_numpy(float),
            prov["age"].astype("Float64").to_numpy(float, na_value=np.nan),
            request.apl,
        )
    else:
        amount = prov["fte"].to_numpy(float) * request.supply_per_fte
    if request.travel.by_code:  # a matrix file between areas: supply counted per area
        codes = territory.areas["area_code"].astype(str).to_numpy()
        per_area = pd.Series(amount).groupby(prov["area_code"].astype(str).to_numpy()).sum()
        return Locations.from_codes(codes), per_area.reindex(codes, fill_value=0.0).to_numpy()
    x, y = prov["x"].to_numpy(float), prov["y"].to_numpy(float)
    return Locations(prov["provider_id"].to_numpy(), x, y), amount


def check_computable(
    territory: Territory, request: AccessRequest, origins: Locations | None = None
) -> None:
    """Refuse (:class:`~mesocare.errors.NotComputedError`) what would only print zeros: no
    provider of the discipline, or a road extract that does not cover every area."""
    d = request.discipline.value
    if not bool((territory.providers["discipline"].astype(str) == d).any()):
        raise NotComputedError(
            _(
                "accessibility and shortage not computed: the territory has no provider of the "
                "discipline '{discipline}' (every score would be 0 and every area in shortage); "
                "import a provider list with 'mesocare providers import TERRITORY FILE'"
            ).format(discipline=d)
        )
    if isinstance(request.travel, RoadNetwork):
        o = origins if origins is not None else _origins(territory)
        inside = request.travel.covered(o)
        if not bool(inside.all()):
            missed = o.codes[~inside]
            shown = ", ".join(map(str, missed[:5])) + (" …" if len(missed) > 5 else "")
            raise NotComputedError(
                _(
                    "accessibility not computed: the road extract covers {share} of the "
                    "territory's areas ({n} of {of}); outside it: {codes}. Use an extract that "
                    "covers the whole territory."
                ).format(
                    share=fmt_percent(float(inside.mean()), fraction=True),
                    n=fmt_int(int(inside.sum())),
                    of=fmt_int(len(inside)),
                    codes=shown,
                )
            )


def compute_accessibility(
    territory: Territory, request: AccessRequest | None = None
) -> AccessResult:
    """Accessibility of every area of the territory, aggregated to networks, zones and regions."""
    req = request or AccessRequest()
    origins = _origins(territory)
    check_computable(territory, req, origins)
    dests, supply = _supply(territory, req)
    times = req.travel.travel_times(origins, dests, req.weights.max_minutes)
    pop, demand = _demand(territory, req)
    res = floating_catchment(times, demand, supply, req.weights)
    a = territory.areas
    areas = a[["area_code", "name", "network_code", "zone_code", "region_code", "geometry"]].copy()
    areas["population"] = pop
    areas["demand"] = demand
    areas["accessibility"] = res.accessibility
    rule = req.shortage
    flags = rule.flags(res.accessibility) if rule else np.zeros(len(a), dtype=bool)
    areas["shortage"] = flags
    frames = []
    for level in ("network", "zone", "region"):
        units = a[f"{level}_code"].to_numpy()
        # a unit's score is weighted by its demand (APL: the standardised population, as DREES's
        # note to its file says); the population in shortage is counted in inhabitants
        agg = weighted_by_unit(res.accessibility, demand, units).rename(
            columns={"value": "accessibility"}
        )
        sh = shortage_by_unit(flags, pop, units)
        agg["population"] = sh["population"].to_numpy()  # same units, same order
        sh = sh.drop(columns=["areas", "population"])
        frames.append(agg.merge(sh, on="unit_code").assign(level=level))
    units_df = pd.concat(frames, ignore_index=True)
    units_df.insert(1, "name", units_df["unit_code"].map(territory.unit_name))
    units_df = units_df[["level", *[c for c in units_df.columns if c != "level"]]]
    supply_df = pd.DataFrame(
        {
            "code": dests.codes,
            "x": dests.x,
            "y": dests.y,
            "supply": supply,
            "catchment_demand": res.catchment_demand,
            "ratio": res.ratio,
        }
    )
    return AccessResult(req, areas, units_df, supply_df, times, demand)


@dataclass(frozen=True, eq=False)
class SitePlan:
    sites: pd.DataFrame  # chosen sites: code, x, y, fte
    areas: pd.DataFrame  # per area in scope: before, after, change
    shortfall_before: float
    shortfall_after: float
    target: float
    optimality: str


def plan_sites(
    territory: Territory,
    base: AccessResult,
    new_fte: float,
    *,
    zone_code: str | None = None,
    target: float | None = None,
    method: str = "milp",
    fte_step: float = 1.0,
    candidates: Locations | None = None,
    origins: Locations | None = None,
) -> SitePlan:
    """Choose sites for ``new_fte`` new FTEs that most reduce the population-weighted shortfall
    below ``target`` among the areas of ``zone_code`` (all areas if None). Candidate sites are
    the centroids of those areas unless given. ``target`` defaults to the shortage threshold
    (APL: 2.5) or else the territory's population-weighted mean accessibility. ``origins`` may
    pass the areas' centroids already computed (:func:`area_origins`) when planning many zones."""
    req = base.request
    a = base.areas
    if zone_code is not None:
        territory.require_zone(zone_code)
    scope = (a["zone_code"] == zone_code).to_numpy() if zone_code else np.ones(len(a), bool)
    origins = origins if origins is not None else _origins(territory)
    if candidates is None:
        candidates = Locations(origins.codes[scope], origins.x[scope], origins.y[scope])
    elif req.travel.by_code:
        unknown = set(map(str, candidates.codes)) - set(map(str, origins.codes))
        if unknown:
            raise UnknownCodeError(f"candidate sites not among the areas: {sorted(unknown)[:10]}")
    pop = a["population"].to_numpy(float)
    acc = a["accessibility"].to_numpy(float)
    if target is None:
        rule = req.shortage
        target = rule.threshold if rule else float(np.average(acc, weights=pop))
    times = req.travel.travel_times(origins, candidates, req.weights.max_minutes)
    gain = gain_per_fte(times, base.demand, req.weights, req.supply_per_fte)
    params = SitingParams(new_fte=new_fte, target=float(target), fte_step=fte_step, method=method)  # type: ignore[arg-type]
    res = choose_sites(acc, pop, gain, params, scope)
    chosen = res.fte > 0
    sites = pd.DataFrame(
        {
            "code": candidates.codes[chosen],
            "x": candidates.x[chosen],
            "y": candidates.y[chosen],
            "fte": res.fte[chosen],
        }
    )
    areas = a.loc[scope, ["area_code", "name", "network_code", "population"]].copy()
    areas["before"] = res.before[scope]
    areas["after"] = res.after[scope]
    areas["change"] = areas["after"] - areas["before"]
    return SitePlan(
        sites,
        areas.reset_index(drop=True),
        res.shortfall_before,
        res.shortfall_after,
        float(target),
        res.optimality,
    )


def write_table(frame: pd.DataFrame, path: str | Path, *, layer: str = "accessibility") -> Path:
    """Write a result atomically: GeoPackage (``.gpkg``, needs geometry), CSV or Parquet."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".gpkg", ".csv", ".parquet"):
        raise ParameterError(f"{p}: unsupported output format; use .gpkg, .csv or .parquet")
    if suffix == ".gpkg" and not isinstance(frame, gpd.GeoDataFrame):
        raise ParameterError(f"{p}: a GeoPackage needs a table with geometry; use .csv")
    table = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
    with path_write(p) as tmp:
        if isinstance(frame, gpd.GeoDataFrame) and suffix == ".gpkg":
            frame.to_file(tmp, layer=layer, driver="GPKG", engine="pyogrio")
        elif suffix == ".csv":
            table.to_csv(tmp, index=False)
        else:
            table.to_parquet(tmp, index=False)
    return p
