"""Zoning use cases on a Territory: draw zones or vicinity networks, evaluate, redraw after mergers.

The CLI (``mesocare zone …``) and the report's zoning section call these functions; the engine
(:mod:`mesocare.zoning`) never sees a Territory or a file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from mesocare.atomic import path_write
from mesocare.errors import ParameterError, UnknownCodeError
from mesocare.territory import Territory
from mesocare.zoning import (
    Evaluation,
    Rule,
    ZoningParams,
    ZoningProblem,
    ZoningResult,
    draw,
    evaluate,
    from_geometry,
)
from mesocare.zoning.graph import bridge_islands, enclaves
from mesocare.zoning.mergers import apply_mergers
from mesocare.zoning.start import label_matching


@dataclass(frozen=True)
class AreaData:
    """The areas in play (index 0..n-1) and the engine's view of them."""

    areas: gpd.GeoDataFrame
    problem: ZoningProblem
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ZoningOutcome:
    """A proposal: ``assignment`` (area_code, name, population, zone_code, existing_code)."""

    assignment: gpd.GeoDataFrame
    result: ZoningResult
    evaluation: Evaluation
    existing: Evaluation | None
    notes: tuple[str, ...] = field(default=())


def _column(territory: Territory, name: str) -> pd.Series:
    """A column of ``areas`` or ``area_attributes``, aligned with ``areas``; an error names both."""
    if name in territory.areas.columns and name != "geometry":
        return territory.areas[name].reset_index(drop=True)
    attrs = territory.area_attributes
    if name in attrs.columns and name != "area_code":
        return territory.areas[["area_code"]].merge(attrs, on="area_code", how="left")[name]
    known = [c for c in territory.areas.columns if c != "geometry"] + [
        c for c in attrs.columns if c != "area_code"
    ]
    raise UnknownCodeError(f"unknown area column '{name}'; known: {', '.join(known)}")


def area_data(
    territory: Territory,
    *,
    mask: np.ndarray | None = None,
    rule: Rule | str = Rule.QUEEN,
    keep_whole: str | None = None,
    attributes: Sequence[str] = (),
    existing: str | None = None,
) -> AreaData:
    """Population, centroids, contiguity (islands linked and reported) of the selected areas."""
    m = np.ones(len(territory.areas), bool) if mask is None else np.asarray(mask, bool)
    areas = territory.areas.reset_index(drop=True)[m].reset_index(drop=True)
    pop = territory.population_by_area().set_index("area_code")["population"]
    areas = areas.assign(population=areas["area_code"].map(pop).fillna(0).astype("int64"))
    codes = areas["area_code"].to_numpy().astype(str)
    cent = areas.geometry.centroid
    xy = np.column_stack([cent.x.to_numpy(), cent.y.to_numpy()])
    g = from_geometry(areas.geometry.to_numpy(), Rule(rule))
    notes = [
        f"enclave: {codes[i]} lies within {codes[h]}" for i, h in enclaves(g, areas.geometry.values)
    ]
    if len(codes) and g.components().max() > 0:
        g = bridge_islands(g, xy)
        notes += [
            f"island linked to its nearest area: {codes[a]} – {codes[b]}" for a, b in g.bridges
        ]

    def col(name: str) -> np.ndarray:
        return _column(territory, name)[m].to_numpy()

    groups = None
    if keep_whole:
        values = pd.Series(col(keep_whole)).astype("string")
        groups = values.fillna(pd.Series(codes)).factorize()[0]
    attrs = None
    if attributes:
        attrs = np.column_stack(
            [pd.to_numeric(pd.Series(col(a))).to_numpy(float) for a in attributes]
        )
        attrs = np.where(np.isnan(attrs), np.nanmean(attrs, axis=0), attrs)
    ex = None if existing is None else pd.Series(col(existing)).astype("string").fillna("(none)")
    problem = ZoningProblem(
        codes=codes,
        population=areas["population"].to_numpy(float),
        xy=xy,
        graph=g,
        groups=groups,
        attributes=attrs,
        existing=None if ex is None else ex.to_numpy().astype(str),
    )
    return AreaData(areas, problem, tuple(notes))


def _outcome(
    data: AreaData,
    result: ZoningResult,
    params: ZoningParams,
    codes: list[str],
    existing: str | None,
) -> ZoningOutcome:
    p = data.problem
    labels = np.array(codes, dtype=object)[result.labels]
    out = data.areas[["area_code", "name", "population", "geometry"]].copy()
    out.insert(3, "zone_code", labels)
    ev_existing = None
    if p.existing is not None:
        out.insert(4, "existing_code", p.existing)
    ev = evaluate(
        p.codes, p.population, p.xy, p.graph, labels,
        min_population=params.min_population, max_population=params.max_population,
        attributes=p.attributes, reference=p.existing,
    )  # fmt: skip
    if p.existing is not None:
        ev_existing = evaluate(
            p.codes, p.population, p.xy, p.graph, p.existing,
            min_population=params.min_population, max_population=params.max_population,
            attributes=p.attributes,
        )  # fmt: skip
    return ZoningOutcome(out, result, ev, ev_existing, data.notes + result.messages)


def draw_zones(
    territory: Territory,
    params: ZoningParams,
    *,
    region_code: str | None = None,
    keep_whole: str | None = None,
    attributes: Sequence[str] = (),
    existing: str | None = "zone_code",
    rule: Rule | str = Rule.QUEEN,
) -> ZoningOutcome:
    """Propose zones (codes P001…) of whole areas over the territory or one region."""
    mask = None
    if region_code is not None:
        mask = (territory.areas["region_code"] == region_code).to_numpy()
        if not mask.any():
            known = ", ".join(sorted(set(territory.areas["region_code"])))
            raise UnknownCodeError(f"unknown region '{region_code}'; known: {known}")
    data = area_data(
        territory, mask=mask, rule=rule, keep_whole=keep_whole, attributes=attributes,
        existing=existing,
    )  # fmt: skip
    result = draw(data.problem, params)
    codes = [f"P{i + 1:03d}" for i in range(result.n_zones)]
    return _outcome(data, result, params, codes, existing)


def network_bounds(population: float, count: int, tolerance: float) -> tuple[float, float]:
    """Default bounds of ``count`` vicinity networks: the mean ± ``tolerance``."""
    mean = population / count
    return mean * (1 - tolerance), mean * (1 + tolerance)


def draw_networks(
    territory: Territory,
    zone_code: str,
    count: int,
    *,
    min_population: float | None = None,
    max_population: float | None = None,
    tolerance: float = 0.3,
    keep_whole: str | None = None,
    attributes: Sequence[str] = (),
    seed: int = 0,
) -> ZoningOutcome:
    """Split one zone into ``count`` vicinity networks (codes ZONE-V01…)."""
    territory.require_zone(zone_code)
    if count < 1:
        raise ParameterError(f"--count must be >= 1; found {count}")
    mask = (territory.areas["zone_code"] == zone_code).to_numpy()
    data = area_data(
        territory, mask=mask, keep_whole=keep_whole, attributes=attributes, existing="network_code"
    )
    lo, hi = network_bounds(float(data.problem.population.sum()), count, tolerance)
    params = ZoningParams(
        min_population=lo if min_population is None else min_population,
        max_population=hi if max_population is None else max_population,
        n_zones=count,
        homogeneity_weight=1.0 if attributes else 0.0,
        seed=seed,
    )
    result = draw(data.problem, params)
    codes = [f"{zone_code}-V{i + 1:02d}" for i in range(result.n_zones)]
    return _outcome(data, result, params, codes, "network_code")


def evaluate_zoning(
    territory: Territory,
    *,
    level: str = "zone",
    zone_code: str | None = None,
    region_code: str | None = None,
    min_population: float | None = None,
    max_population: float | None = None,
    attributes: Sequence[str] = (),
    labels: Mapping[str, str] | None = None,
    reference: str | None = None,
) -> Evaluation:
    """Score a zoning: the territory's zones or networks, or ``labels`` (area_code → zone)."""
    if level not in ("zone", "network"):
        raise ParameterError(f"level must be 'zone' or 'network'; found '{level}'")
    mask = np.ones(len(territory.areas), bool)
    if zone_code is not None:
        territory.require_zone(zone_code)
        mask &= (territory.areas["zone_code"] == zone_code).to_numpy()
    if region_code is not None:
        mask &= (territory.areas["region_code"] == region_code).to_numpy()
    data = area_data(territory, mask=mask, attributes=attributes, existing=reference)
    p = data.problem
    if labels is not None:
        missing = [c for c in p.codes if c not in labels]
        if missing:
            raise UnknownCodeError(
                f"{len(missing)} area(s) without a zone in the zoning, e.g. {missing[0]}"
            )
        lab = np.array([labels[c] for c in p.codes], dtype=object)
    else:
        lab = data.areas[f"{level}_code"].astype("string").fillna("(none)").to_numpy()
    return evaluate(
        p.codes, p.population, p.xy, p.graph, lab,
        min_population=min_population, max_population=max_population,
        attributes=p.attributes, reference=p.existing,
    )  # fmt: skip


@dataclass(frozen=True)
class MergerOutcome:
    """Merged municipalities with the zone they map to, what the mergers break, and a repair."""

    municipalities: gpd.GeoDataFrame  # new_code, parts, population, zone, split, zones_before
    flags: pd.DataFrame
    repaired: gpd.GeoDataFrame  # new_code, population, zone_code (repaired), mapped_zone
    evaluation: Evaluation
    result: ZoningResult


def redraw_after_mergers(
    territory: Territory,
    mapping: Mapping[str, str],
    params: ZoningParams,
    *,
    region_code: str | None = None,
) -> MergerOutcome:
    """Map the zones onto merged municipalities, flag splits and bounds, repair with few changes.

    Areas in no zone (e.g. Walloon municipalities outside the zones a user gave) take no part.
    """
    territory = territory.zoned()
    mask = None
    if region_code is not None:
        mask = (territory.areas["region_code"] == region_code).to_numpy()
    data = area_data(territory, mask=mask, existing="zone_code")
    p = data.problem
    if p.existing is None:
        raise ValueError("the territory's areas carry no zone_code to map onto the merged ones")
    mz = apply_mergers(
        p.codes, p.existing, p.population, mapping,
        min_population=params.min_population, max_population=params.max_population,
    )  # fmt: skip
    geo = data.areas[["geometry"]].assign(new_code=mz.new_code).dissolve("new_code").reset_index()
    munis = gpd.GeoDataFrame(mz.municipalities.merge(geo, on="new_code"), crs=data.areas.crs)
    cent = munis.geometry.centroid
    xy = np.column_stack([cent.x.to_numpy(), cent.y.to_numpy()])
    g = from_geometry(munis.geometry.to_numpy(), Rule.QUEEN)
    if g.components().max() > 0:
        g = bridge_islands(g, xy)
    existing = munis["zone"].to_numpy().astype(str)
    problem = ZoningProblem(
        codes=munis["new_code"].to_numpy().astype(str),
        population=munis["population"].to_numpy(float),
        xy=xy,
        graph=g,
        existing=existing,
    )
    stay = params.stay_close_weight if params.stay_close_weight > 0 else 10.0
    fix = ZoningParams(
        min_population=params.min_population,
        max_population=params.max_population,
        stay_close_weight=stay,
        allow_oversized_units=True,
        seed=params.seed,
        max_sweeps=params.max_sweeps,
    )
    result = draw(problem, fix)
    # name each repaired zone after the mapped zone it overlaps most
    ex_names, ex = np.unique(existing, return_inverse=True)
    to_start = label_matching(result.labels, ex, problem.population + 1.0)
    names = [f"NEW{z + 1:02d}" for z in range(result.n_zones)]
    for e, z in enumerate(to_start):
        if z >= 0:
            names[int(z)] = str(ex_names[e])
    zone = np.array(names, dtype=object)[result.labels]
    repaired = munis[["new_code", "population", "geometry"]].assign(
        zone_code=zone, mapped_zone=munis["zone"]
    )
    ev = evaluate(
        problem.codes, problem.population, xy, g, zone,
        min_population=params.min_population, max_population=params.max_population,
        reference=problem.existing,
    )  # fmt: skip
    return MergerOutcome(munis, mz.flags, gpd.GeoDataFrame(repaired, crs=munis.crs), ev, result)


def write_zoning(
    assignment: gpd.GeoDataFrame, path: str | Path, zone_column: str = "zone_code"
) -> Path:
    """Write areas with their zone (and, for .gpkg, a dissolved ``zones`` layer) atomically."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".gpkg", ".csv"):
        raise ParameterError(f"--out must end in .gpkg or .csv; found '{target.name}'")
    with path_write(target) as tmp:
        if suffix == ".csv":
            pd.DataFrame(assignment.drop(columns="geometry")).to_csv(tmp, index=False)
        else:
            assignment.to_file(tmp, layer="areas", driver="GPKG", engine="pyogrio")
            zones = (
                assignment[[zone_column, "population", "geometry"]]
                .dissolve(zone_column, aggfunc="sum")
                .reset_index()
            )
            zones.to_file(tmp, layer="zones", driver="GPKG", engine="pyogrio")
    return target
