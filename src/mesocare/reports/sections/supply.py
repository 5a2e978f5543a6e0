"""Care supply by discipline, where the providers are, and the Flemish GP shortage flags."""

from __future__ import annotations

import pandas as pd

from mesocare.reports.base import Figure, ReportContext, Section, Table
from mesocare.reports.maps import choropleth, xy_points
from mesocare.reports.sections.common import provider_places, shortage_table, zone_units


def supply_table(
    providers: pd.DataFrame, zone_code: str, region_code: str, pop_zone: int, pop_region: int
) -> pd.DataFrame:
    """Head count, FTE and density per discipline; ``providers`` has zone_code and region_code."""
    rows = []
    for disc, g in providers.groupby("discipline", observed=True):
        z = g[g["zone_code"] == zone_code]
        n_region = int((g["region_code"] == region_code).sum())
        rows.append(
            {
                "discipline": str(disc).replace("_", " "),
                "providers (zone)": len(z),
                "FTE (zone)": round(float(z["fte"].sum()), 1),
                "per 10,000 (zone)": len(z) / pop_zone * 1e4 if pop_zone else None,
                "per 10,000 (region)": n_region / pop_region * 1e4 if pop_region else None,
                "accepting new patients (zone)": (
                    f"{int(z['accepting_new_patients'].fillna(False).sum())} of {len(z)}"
                    if z["accepting_new_patients"].notna().any()
                    else "–"
                ),
            }
        )
    return pd.DataFrame(rows)


def build(ctx: ReportContext) -> Section:
    t = ctx.territory
    area_codes, networks, region = zone_units(ctx)
    pop = ctx.cached(
        "pop_by_area", lambda: t.population_by_area().set_index("area_code")["population"]
    )
    region_pop = ctx.cached(
        "pop_by_region",
        lambda: pop.groupby(t.areas.set_index("area_code")["region_code"].reindex(pop.index)).sum(),
    )
    pz, pr = int(pop.reindex(area_codes).sum()), int(region_pop.get(region, 0))
    tables, figures, paras = [], [], []
    prov = provider_places(ctx)
    if len(prov):
        tables.append(
            Table("Care and welfare supply", supply_table(prov, ctx.zone_code, region, pz, pr))
        )
        zp = prov[prov["zone_code"] == ctx.zone_code]
        gps = zp[zp["discipline"] == "gp"]
        if len(gps):
            pts = xy_points(
                gps["x"], gps["y"], gps["name"] + " · FTE " + gps["fte"].round(2).astype(str)
            )
            areas = ctx.zone_areas
            dens = areas["area_code"].map(pop) / areas["area_km2"]
            figures.append(
                Figure(
                    "GPs (dots) over population density (inhabitants per km²).",
                    choropleth(
                        areas,
                        dens,
                        title="GPs and population density",
                        label=areas["name"],
                        colorscale="Blues",
                        points=pts,
                    ),
                )
            )
    else:
        paras.append(
            "This territory has no provider data: care supply cannot be described. "
            "Import a provider list (e.g. from the Sociale Kaart) to fill this section."
        )
    sh = shortage_table(ctx)
    sa = None if sh is None else sh[sh["level"] == "area"]
    if sh is not None and sa is not None and len(sa):
        areas = ctx.zone_areas
        flag = (
            areas["area_code"]
            .map(sa.set_index("unit_code")["shortage"])
            .map({True: "shortage", False: "no shortage"})
        )
        figures.append(
            Figure(
                "Flemish GP shortage rule per area: fewer than 90 GPs under 65 per 100,000, or fewer "
                "than 125 inhabitants/km² with fewer than 120 per 100,000.",
                choropleth(
                    areas, flag, title="GP shortage areas", label=areas["name"], categorical=True
                ),
            )
        )
        pop_short = int(sa.loc[sa["shortage"].astype(bool), "population"].sum())
        paras.append(
            f"{int(sa['shortage'].sum())} of {len(sa)} areas, home to {pop_short:,} "
            f"inhabitants ({pop_short / pz * 100 if pz else 0:.1f}%), meet the Flemish GP "
            "shortage rule. Small areas rarely hold a GP practice, so the network and zone "
            "rows below are the fairer reading."
        )
        units = sh[
            sh["level"].isin(["network", "zone"]) & sh["unit_code"].isin(networks + [ctx.zone_code])
        ]
        names = dict(zip(t.units["unit_code"], t.units["name"], strict=True))
        ut = pd.DataFrame(
            {
                "unit": [names.get(c, c) for c in units["unit_code"]],
                "level": units["level"].to_numpy(),
                "GPs under 65 per 100,000": units["gp_under65_per_100k"].to_numpy(),
                "inhabitants per km²": units["density_per_km2"].to_numpy(),
                "shortage": units["shortage"].to_numpy(),
                "reason": units["reason"].to_numpy(),
            }
        )
        cls = pd.DataFrame({"shortage": ["flag" if s else "" for s in units["shortage"]]})
        tables.append(Table("GP shortage by network and for the zone", ut, cls))
    return Section(
        "supply",
        "Care supply and GP shortage",
        paragraphs=paras,
        figures=figures,
        tables=tables,
        data={"supply": tables[0].frame.to_dict(orient="records") if tables else []},
    )
