"""Diagnosis report section: access to GPs (APL), shortage areas and where new GPs help most."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mesocare.reports.base import Figure, ReportContext, Section, Table
from mesocare.reports.maps import choropleth, xy_points

#: New GP FTEs the report proposes to place in the zone (the CLI takes any number).
REPORT_NEW_FTE = 2.0


def build(ctx: ReportContext) -> Section | None:
    from mesocare.services.accessibility import (
        AccessRequest,
        Method,
        compute_accessibility,
        plan_sites,
    )

    t = ctx.territory
    if not (t.providers["discipline"] == "gp").any():
        return None
    res = ctx.cached(
        "accessibility:apl", lambda: compute_accessibility(t, AccessRequest(method=Method.APL))
    )
    req = res.request
    zone = ctx.zone_code
    in_zone = (res.areas["zone_code"] == zone).to_numpy()
    areas = res.areas[in_zone]
    units = res.units
    z = units[(units["level"] == "zone") & (units["unit_code"] == zone)].iloc[0]
    region = units[
        (units["level"] == "region") & (units["unit_code"] == areas["region_code"].iloc[0])
    ]
    threshold = req.apl.shortage_threshold
    sec = Section(id="accessibility", title="Access to general practitioners")
    reg_txt = f" (region: {region['accessibility'].iloc[0]:.2f})" if len(region) else ""
    sec.paragraphs.append(
        f"Localised potential accessibility (APL) to GPs aged {req.apl.max_gp_age:g} or less: "
        f"{z['accessibility']:.2f} {req.unit_label} on average, weighted by population{reg_txt}. "
        f"{int(z['areas_in_shortage'])} of {int(z['areas'])} areas, home to "
        f"{z['population_in_shortage']:,.0f} people ({z['share_in_shortage']:.1%}), are at or "
        f"below the shortage threshold of {threshold:g}. Travel times: crow-fly "
        f"{req.travel.detour_factor:g} × straight line at {req.travel.speed_kmh:g} km/h; weights "  # type: ignore[attr-defined]
        + ", ".join(f"{w:g} up to {u:g} min" for u, w in req.apl.steps.steps)
        + "."
    )
    prov = t.providers
    gps = prov[(prov["discipline"] == "gp") & prov["area_code"].isin(areas["area_code"])]
    pts = xy_points(gps["x"].tolist(), gps["y"].tolist(), gps["name"].astype(str).tolist())
    sec.figures.append(
        Figure(
            "APL per area (consultations per inhabitant per year); dots are GPs",
            choropleth(
                areas,
                areas["accessibility"],
                title="APL to GPs",
                label=areas["name"],
                points=pts,
                colorscale="RdYlGn",
            ),
        )
    )
    sec.figures.append(
        Figure(
            f"Areas with APL ≤ {threshold:g}",
            choropleth(
                areas,
                np.where(areas["shortage"], "shortage", "no shortage").tolist(),
                title="GP shortage areas (APL)",
                label=areas["name"],
                categorical=True,
            ),
        )
    )
    nets = units[
        (units["level"] == "network") & units["unit_code"].isin(areas["network_code"].dropna())
    ]
    sec.tables.append(
        Table(
            "APL per vicinity network",
            pd.DataFrame(
                {
                    "network": nets["name"].to_numpy(),
                    "population": nets["population"].round().astype("int64").to_numpy(),
                    "APL": nets["accessibility"].round(2).to_numpy(),
                    "people in shortage areas": nets["population_in_shortage"]
                    .round()
                    .astype("int64")
                    .to_numpy(),
                }
            ),
        )
    )
    plan = ctx.cached(
        f"accessibility:plan:{zone}", lambda: plan_sites(t, res, REPORT_NEW_FTE, zone_code=zone)
    )
    if len(plan.sites):
        site_pts = xy_points(
            plan.sites["x"].tolist(),
            plan.sites["y"].tolist(),
            [f"+{f:g} FTE" for f in plan.sites["fte"]],
        )
        sec.figures.append(
            Figure(
                f"Gain in APL from {REPORT_NEW_FTE:g} new GP FTEs at the chosen sites (dots)",
                choropleth(
                    areas,
                    plan.areas["change"].to_numpy(),
                    title="APL gain",
                    label=areas["name"],
                    points=site_pts,
                ),
            )
        )
    sec.paragraphs.append(
        f"Where would {REPORT_NEW_FTE:g} new GP FTEs help most? Placed to minimise the "
        f"population-weighted shortfall below {plan.target:g} ({plan.optimality}), they reduce it "
        f"from {plan.shortfall_before:,.0f} to {plan.shortfall_after:,.0f} people × consultations; "
        "sites: "
        + (
            ", ".join(
                f"{c} (+{f:g})" for c, f in zip(plan.sites["code"], plan.sites["fte"], strict=True)
            )
            or "none needed"
        )
        + "."
    )
    worst = plan.areas.sort_values("before").head(10)
    sec.tables.append(
        Table(
            "The ten least-served areas, before and after the new GPs",
            pd.DataFrame(
                {
                    "area": worst["name"].to_numpy(),
                    "population": worst["population"].round().astype("int64").to_numpy(),
                    "APL before": worst["before"].round(2).to_numpy(),
                    "APL after": worst["after"].round(2).to_numpy(),
                }
            ),
        )
    )
    sec.data = {
        "method": "apl",
        "zone_apl": float(z["accessibility"]),
        "population_in_shortage": float(z["population_in_shortage"]),
        "areas_in_shortage": int(z["areas_in_shortage"]),
        "new_fte": REPORT_NEW_FTE,
        "sites": plan.sites[["code", "fte"]].to_dict(orient="records"),
        "shortfall_before": plan.shortfall_before,
        "shortfall_after": plan.shortfall_after,
    }
    return sec
