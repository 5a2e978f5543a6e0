"""Zoning: the zone's vicinity networks on a map with their populations, and how the zone's
networks and the region's zones score (population against bounds, contiguity, compactness)."""

from __future__ import annotations

import pandas as pd

from mesocare.reports.base import Figure, ReportContext, Section, Table
from mesocare.reports.maps import choropleth

#: Bounds of a Flemish primary care zone in the 2017 call (DOMAIN.md); a documented default.
ZONE_MIN_POPULATION = 75_000
ZONE_MAX_POPULATION = 125_000
#: Vicinity networks are scored against their mean population ± this share.
NETWORK_TOLERANCE = 0.3


def _classes(frame: pd.DataFrame) -> pd.DataFrame:
    cls = pd.DataFrame("", index=frame.index, columns=frame.columns)
    cls["bounds"] = ["" if b == "within" else "flag" for b in frame["bounds"]]
    cls["contiguous"] = ["" if c else "flag" for c in frame["contiguous"]]
    return cls


def _named(frame: pd.DataFrame, ctx: ReportContext) -> pd.DataFrame:
    names = dict(zip(ctx.territory.units["unit_code"], ctx.territory.units["name"], strict=True))
    out = frame.copy()
    out.insert(1, "name", [names.get(z, z) for z in out["zone"]])
    return out.rename(columns={"zone": "code"})


def build(ctx: ReportContext) -> Section | None:
    from mesocare.services.zoning import evaluate_zoning, network_bounds

    t = ctx.territory
    areas = ctx.zone_areas
    if not len(areas):
        return None
    region = str(areas["region_code"].iloc[0])
    figures, tables, paras = [], [], []
    data: dict = {}
    nets = areas["network_code"]
    if nets.notna().any():
        n_nets = int(nets.nunique())
        pop = t.population_by_area().set_index("area_code")["population"]
        lo, hi = network_bounds(
            float(pop.reindex(areas["area_code"]).sum()), n_nets, NETWORK_TOLERANCE
        )
        ev = ctx.cached(
            f"zoning_networks_{ctx.zone_code}",
            lambda: evaluate_zoning(
                t, level="network", zone_code=ctx.zone_code, min_population=lo, max_population=hi
            ),
        )
        net_pop = ev.zones.set_index("zone")["population"]
        label = nets.astype("string").fillna("(none)")
        cat = [f"{c} ({net_pop.get(c, 0):,} inh.)" for c in label]
        figures.append(
            Figure(
                "Vicinity networks of the zone, with their populations.",
                choropleth(
                    areas, cat, title="Vicinity networks", label=areas["name"], categorical=True
                ),
            )
        )
        tables.append(
            Table(
                f"Vicinity networks: population against {lo:,.0f}–{hi:,.0f} (mean ± "
                f"{NETWORK_TOLERANCE:.0%}), contiguity and compactness (population-weighted mean "
                "distance to the network's population centre)",
                _named(ev.zones, ctx),
                _classes(_named(ev.zones, ctx)),
            )
        )
        s = ev.summary
        paras.append(
            f"The zone has {n_nets} vicinity networks of {s['min_zone_population']:,.0f} to "
            f"{s['max_zone_population']:,.0f} inhabitants; {s['below_minimum']} below and "
            f"{s['above_maximum']} above the mean ± {NETWORK_TOLERANCE:.0%}, "
            f"{s['not_contiguous']} not contiguous. `mesocare zone networks` proposes a redraw."
        )
        data["networks"] = s
    ev_region = ctx.cached(
        f"zoning_region_{region}",
        lambda: evaluate_zoning(
            t,
            region_code=region,
            min_population=ZONE_MIN_POPULATION,
            max_population=ZONE_MAX_POPULATION,
        ),  # fmt: skip
    )
    frame = _named(ev_region.zones, ctx)
    tables.append(
        Table(
            f"Zones of the region: population against {ZONE_MIN_POPULATION:,}–"
            f"{ZONE_MAX_POPULATION:,} (the 2017 Flemish call), contiguity and compactness",
            frame,
            _classes(frame),
        )
    )
    s = ev_region.summary
    paras.append(
        f"Of the region's {s['zones']} zones, {s['below_minimum']} have fewer than "
        f"{ZONE_MIN_POPULATION:,} and {s['above_maximum']} more than {ZONE_MAX_POPULATION:,} "
        f"inhabitants; {s['not_contiguous']} are not contiguous. `mesocare zone draw` proposes "
        "zones within bounds and `mesocare zone evaluate` scores any proposal."
    )
    data["region_zones"] = s
    return Section("zoning", "Zones and vicinity networks", paras, figures, tables, data)
