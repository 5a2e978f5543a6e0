"""One builder per theme: the territory-wide results, cut to one zone, as typed theme objects."""

from __future__ import annotations

import pandas as pd

from mesocare.indicators import INDICATORS
from mesocare.services.diagnosis.findings import unit_values
from mesocare.services.diagnosis.model import (
    Finding,
    IndicatorsTheme,
    PopulationTheme,
    ProviderSite,
    PyramidBand,
    SupplyRow,
    SupplyTheme,
)
from mesocare.services.diagnosis.shared import TerritoryResults
from mesocare.territory.schema import AGE_BANDS

POPULATION_IDS = ("population", "share_65plus", "share_80plus", "dependency_ratio",
                  "density_per_km2")  # fmt: skip


def _pick(findings: list[Finding], ids: tuple[str, ...] | set[str]) -> list[Finding]:
    return [f for f in findings if f.indicator_id in ids]


def population(shared: TerritoryResults, zone: str, findings: list[Finding]) -> PopulationTheme:
    zones, regions = shared.pyramids
    z, r = zones[zone], regions[shared.zone_region[zone]]
    m = shared.territory.manifest
    years = sorted(int(y) for y in shared.territory.population["year"].unique())
    year = m.reference_year if m.reference_year in years else years[-1]
    return PopulationTheme(
        findings=_pick(findings, POPULATION_IDS),
        population_year=year,
        age_structure_year=m.age_structure_year
        if m.age_structure_year and m.age_structure_year != year
        else None,
        pyramid=[
            PyramidBand(
                age_band=b,
                zone_men_pct=round(float(z.at[b, "M"]), 4),
                zone_women_pct=round(float(z.at[b, "F"]), 4),
                region_men_pct=round(float(r.at[b, "M"]), 4),
                region_women_pct=round(float(r.at[b, "F"]), 4),
            )
            for b in AGE_BANDS
        ],
    )


def indicators(
    shared: TerritoryResults, zone: str, findings: list[Finding], networks: list[str]
) -> IndicatorsTheme:
    areas = shared.zone_areas(zone)["area_code"].astype(str).tolist()
    return IndicatorsTheme(
        findings=findings,
        networks=unit_values(shared, zone, "network", networks) if networks else None,
        areas=unit_values(shared, zone, "area", areas),
    )


def supply(shared: TerritoryResults, zone: str, findings: list[Finding]) -> SupplyTheme:
    prov = shared.provider_places
    disc_ids = {i for i, d in INDICATORS.items() if d.disciplines}
    if not len(prov):
        return SupplyTheme(findings=[], has_providers=False)
    region = shared.zone_region[zone]
    by_zone, by_region, region_pop = shared.supply_counts
    areas = shared.zone_areas(zone)
    pz = float(shared.pop_by_area.reindex(areas["area_code"]).sum())
    pr = float(region_pop.get(region, 0))
    zc = by_zone.loc[zone] if zone in by_zone.index.get_level_values(0) else by_zone.iloc[0:0]
    rows = []
    for disc in sorted(set(by_zone.index.get_level_values(1))):
        n = int(zc.at[disc, "providers"]) if disc in zc.index else 0
        known = int(zc.at[disc, "known"]) if disc in zc.index else 0
        n_region = int(by_region.get((region, disc), 0))
        rows.append(
            SupplyRow(
                discipline=disc,
                providers=n,
                fte=round(float(zc.at[disc, "fte"]), 2) if disc in zc.index else 0.0,
                per_10000=n / pz * 1e4 if pz else None,
                region_per_10000=n_region / pr * 1e4 if pr else None,
                accepting=int(zc.at[disc, "accepting"]) if known else None,
                accepting_known=known,
            )
        )
    zp = shared.providers_by_zone.get(zone, prov.iloc[0:0])
    gps = zp[(zp["discipline"] == "gp").to_numpy()]
    sites = [
        ProviderSite(
            name=str(g.name),
            discipline="gp",
            practice=None if pd.isna(g.practice_id) else str(g.practice_id),
            area_name=str(g.area_name),
            x=float(g.x),
            y=float(g.y),
            fte=float(g.fte),
        )
        for g in gps.itertuples(index=False)
    ]
    return SupplyTheme(
        findings=_pick(findings, disc_ids), has_providers=True, disciplines=rows, gps=sites
    )
