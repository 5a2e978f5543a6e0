"""Report section: the risk pyramid, a prevalence map and care-gap rates of the zone.

Reads the suppressed measures that ``mesocare health run --attach`` saved in the territory
(table ``population_health``); returns None when the territory has none.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from mesocare.reports.base import Figure, ReportContext, Section, Table
from mesocare.reports.maps import choropleth

TABLE = "population_health"
MAP_MEASURE = "multimorbidity"


def build(ctx: ReportContext) -> Section | None:
    m = ctx.territory.tables.get(TABLE)
    if m is None or m.empty:
        return None
    zone, region = ctx.zone_code, ctx.zone_areas["region_code"].iloc[0]

    def unit(level: str, code: str, kind: str) -> pd.DataFrame:
        sel = m[(m["level"] == level) & (m["unit_code"] == code) & (m["measure_kind"] == kind)]
        return sel.set_index("measure")

    pyr = unit("zone", zone, "stratum")
    sec = Section(id="population-health", title="Population health")
    sec.paragraphs.append(
        "Risk pyramid, prevalences and care gaps computed from person-level records "
        "(counts under the suppression threshold are hidden)."
    )
    pyramid = pd.DataFrame(
        {
            "stratum": [
                "3: intensive case management",
                "2: care management",
                "1: support for self-care",
            ],
            "persons": [pyr["numerator"].get(f"stratum_{s}") for s in (3, 2, 1)],
            "share": [pyr["rate"].get(f"stratum_{s}") for s in (3, 2, 1)],
        }
    )
    sec.tables.append(Table("Risk pyramid of the zone", pyramid))
    fig = go.Figure(go.Bar(x=pyramid["share"], y=pyramid["stratum"], orientation="h"))
    fig.update_layout(title="Risk pyramid (share of persons)", height=300, xaxis_tickformat=".0%")
    sec.figures.append(Figure("Risk pyramid", fig))

    zp, rp = unit("zone", zone, "prevalence"), unit("region", region, "prevalence")
    prev = pd.DataFrame(
        {
            "measure": zp.index,
            "cases": zp["numerator"].to_numpy(),
            "crude": zp["rate"].to_numpy(),
            "age-standardised (ESP 2013)": zp["dsr"].to_numpy(),
            "95% CI low": zp["dsr_lower"].to_numpy(),
            "95% CI high": zp["dsr_upper"].to_numpy(),
            "region (age-standardised)": rp["dsr"].reindex(zp.index).to_numpy(),
        }
    )
    sec.tables.append(Table("Prevalences in the zone and the region", prev))

    areas = ctx.zone_areas
    am = m[(m["level"] == "area") & (m["measure"] == MAP_MEASURE)].set_index("unit_code")
    values = am["rate"].reindex(areas["area_code"]).to_numpy()
    sec.figures.append(
        Figure(
            "Multimorbidity (2+ chronic conditions) by area, crude; blank where suppressed",
            choropleth(
                areas, values, title="Multimorbidity by area", value_format=".1%", colorscale="Reds"
            ),
        )
    )

    zg, rg = unit("zone", zone, "care_gap"), unit("region", region, "care_gap")
    gaps = pd.DataFrame(
        {
            "care gap": zg.index,
            "persons missing care": zg["numerator"].to_numpy(),
            "eligible": zg["denominator"].to_numpy(),
            "rate": zg["rate"].to_numpy(),
            "95% CI low": zg["rate_lower"].to_numpy(),
            "95% CI high": zg["rate_upper"].to_numpy(),
            "region": rg["rate"].reindex(zg.index).to_numpy(),
        }
    )
    sec.tables.append(Table("Care gaps in the zone", gaps))
    sec.data = {
        "pyramid": pyramid.to_dict(orient="records"),
        "care_gaps": gaps.astype(object).where(gaps.notna(), None).to_dict(orient="records"),
    }
    return sec
