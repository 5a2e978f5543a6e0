"""The indicator table with 95% intervals and benchmark colouring, and maps of each indicator."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from mesocare.indicators import INDICATORS
from mesocare.reports.base import Figure, ReportContext, Section, Table
from mesocare.reports.maps import choropleth_selector
from mesocare.reports.sections.common import indicator_table, zone_units

#: Indicators drawn on the maps (when present), in this order.
MAPPED = (
    "share_65plus",
    "share_80plus",
    "dependency_ratio",
    "density_per_km2",
    "gp_per_1000",
    "gp_under65_per_100k",
    "mean_taxable_income_eur",
    "bim_share",
)


def _ci(row: pd.Series) -> str:
    if pd.isna(row["lower"]) or pd.isna(row["upper"]):
        return "–"
    return f"{row['lower']:.3g} – {row['upper']:.3g}"


def zone_vs_region(ind: pd.DataFrame, zone: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    z = ind[(ind["level"] == "zone") & (ind["unit_code"] == zone)]
    rows, classes = [], []
    for _, r in z.iterrows():
        d = INDICATORS.get(str(r["indicator_id"]))
        rows.append(
            {
                "indicator": d.label if d else r["indicator_id"],
                "unit": d.unit if d else "",
                "zone": r["value"],
                "95% interval": _ci(r),
                "region": r["parent_value"],
                "comparison": r["comparison"],
            }
        )
        classes.append({"comparison": str(r["comparison"]).replace("not compared", "")})
    return pd.DataFrame(rows), pd.DataFrame(classes, columns=["comparison"])


def units_matrix(
    ind: pd.DataFrame, level: str, codes: list[str], names: dict[str, str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    sub = ind[(ind["level"] == level) & ind["unit_code"].isin(codes)]
    ids = [i for i in INDICATORS if i in set(sub["indicator_id"])]
    val = sub.pivot(index="unit_code", columns="indicator_id", values="value").reindex(codes)[ids]
    cmp_ = sub.pivot(index="unit_code", columns="indicator_id", values="comparison").reindex(codes)[
        ids
    ]
    labels = {i: f"{INDICATORS[i].label} ({INDICATORS[i].unit})" for i in ids}
    frame = val.rename(columns=labels)
    frame.insert(0, level, [names.get(c, c) for c in codes])
    cls = cmp_.rename(columns=labels).replace("not compared", "")
    cls.insert(0, level, "")
    return frame.reset_index(drop=True), cls.reset_index(drop=True)


def build(ctx: ReportContext) -> Section:
    t = ctx.territory
    ind = indicator_table(ctx)
    area_codes, networks, _ = zone_units(ctx)
    names = dict(zip(t.units["unit_code"], t.units["name"], strict=True))
    names.update(dict(zip(t.areas["area_code"], t.areas["name"], strict=True)))
    frame, cls = zone_vs_region(ind, ctx.zone_code)
    tables = [Table("Zone against the region", frame, cls)]
    figures = []
    areas = ctx.zone_areas
    area_vals = ind[(ind["level"] == "area") & ind["unit_code"].isin(area_codes)]
    layers = {}
    for i in MAPPED:
        v = area_vals[area_vals["indicator_id"] == i].set_index("unit_code")["value"]
        if len(v):
            layers[f"{INDICATORS[i].label} ({INDICATORS[i].unit})"] = areas["area_code"].map(v)
    if layers:
        figures.append(
            Figure(
                "Indicators by area; pick one in the menu. Hover an area for its name and value.",
                choropleth_selector(areas, layers, title="Indicators by area", label=areas["name"]),
            )
        )
    if networks:
        nf, ncls = units_matrix(ind, "network", networks, names)
        tables.append(Table("Vicinity networks (coloured against the zone)", nf, ncls))
        net_geo = gpd.GeoDataFrame(
            areas.dissolve(by="network_code").reset_index()[["network_code", "geometry"]],
            crs=areas.crs,
        )
        net_vals = ind[(ind["level"] == "network") & ind["unit_code"].isin(networks)]
        nl = {}
        for i in MAPPED:
            v = net_vals[net_vals["indicator_id"] == i].set_index("unit_code")["value"]
            if len(v):
                nl[f"{INDICATORS[i].label} ({INDICATORS[i].unit})"] = net_geo["network_code"].map(v)
        figures.append(
            Figure(
                "Indicators by vicinity network.",
                choropleth_selector(
                    net_geo,
                    nl,
                    title="Indicators by vicinity network",
                    key="network_code",
                    label=[names.get(c, c) for c in net_geo["network_code"]],
                ),
            )
        )
    n_worse = int((frame["comparison"] == "worse").sum())
    n_better = int((frame["comparison"] == "better").sum())
    paras = [
        f"Against the region the zone is significantly better on {n_better} indicator(s) and "
        f"worse on {n_worse}. Proportions carry Wilson score intervals, rates Byar's "
        "intervals; population counts, densities and means are exact (no interval)."
    ]
    data = {
        "zone": _records(ind[(ind["level"] == "zone") & (ind["unit_code"] == ctx.zone_code)]),
        "networks": _records(ind[(ind["level"] == "network") & ind["unit_code"].isin(networks)]),
        "areas": _records(area_vals),
    }
    return Section(
        "indicators", "Indicators", paragraphs=paras, figures=figures, tables=tables, data=data
    )


def _records(df: pd.DataFrame) -> list[dict]:
    def clean(v: object) -> object:
        if isinstance(v, np.generic):
            v = v.item()
        return None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else v

    return [{k: clean(v) for k, v in row.items()} for row in df.to_dict(orient="records")]
