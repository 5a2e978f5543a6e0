"""The population pyramid of the zone against its region."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from mesocare.reports.base import Figure, ReportContext, Section, Table
from mesocare.reports.sections.common import zone_units
from mesocare.territory.schema import AGE_BANDS


def pyramid_shares(population: pd.DataFrame, area_codes: list[str]) -> pd.DataFrame:
    """Percent of the population in each sex × age band, over the given areas."""
    p = population[population["area_code"].isin(area_codes)]
    tab = (
        p.pivot_table(index="age_band", columns="sex", values="count", aggfunc="sum", observed=True)
        .reindex(AGE_BANDS)
        .fillna(0)
    )
    total = float(tab.to_numpy().sum())
    return tab / total * 100 if total else tab


def build(ctx: ReportContext) -> Section:
    t = ctx.territory
    area_codes, _, region = zone_units(ctx)
    zone = pyramid_shares(t.population, area_codes)
    reg = ctx.cached(
        f"pyramid:{region}",
        lambda: pyramid_shares(
            t.population, t.areas.loc[t.areas["region_code"] == region, "area_code"].tolist()
        ),
    )
    fig = go.Figure()
    fig.add_bar(
        y=list(AGE_BANDS),
        x=-zone["M"],
        orientation="h",
        name="men (zone)",
        marker_color="#3b75af",
        customdata=zone["M"],
        hovertemplate="%{y}: %{customdata:.2f}%<extra>men</extra>",
    )
    fig.add_bar(
        y=list(AGE_BANDS),
        x=zone["F"],
        orientation="h",
        name="women (zone)",
        marker_color="#d1495b",
        customdata=zone["F"],
        hovertemplate="%{y}: %{customdata:.2f}%<extra>women</extra>",
    )
    fig.add_scatter(
        y=list(AGE_BANDS),
        x=-reg["M"],
        mode="lines",
        name="region",
        line={"color": "black", "width": 1.5, "shape": "vh"},
    )
    fig.add_scatter(
        y=list(AGE_BANDS),
        x=reg["F"],
        mode="lines",
        name="region (women)",
        line={"color": "black", "width": 1.5, "shape": "vh"},
        showlegend=False,
    )
    m = float(max(zone.to_numpy().max(), reg.to_numpy().max())) * 1.1
    fig.update_layout(
        barmode="overlay",
        bargap=0.05,
        height=520,
        title="Population pyramid (% of total)",
        xaxis={
            "range": [-m, m],
            "title": "% of the population (men left, women right)",
            "tickvals": [-m * 0.75, -m / 2, -m / 4, 0, m / 4, m / 2, m * 0.75],
            "ticktext": [
                f"{abs(v):.1f}" for v in (-m * 0.75, -m / 2, -m / 4, 0, m / 4, m / 2, m * 0.75)
            ],
        },
        margin={"l": 60, "r": 20, "t": 50, "b": 50},
    )
    years = sorted(t.population["year"].unique().tolist())
    table = pd.DataFrame(
        {
            "age band": list(AGE_BANDS),
            "men (zone, %)": zone["M"].round(2).to_numpy(),
            "women (zone, %)": zone["F"].round(2).to_numpy(),
            "men (region, %)": reg["M"].round(2).to_numpy(),
            "women (region, %)": reg["F"].round(2).to_numpy(),
        }
    )
    return Section(
        "population",
        "Population",
        paragraphs=[
            f"Population on 1 January {years[-1]} by sex and five-year age band; the "
            "black outline is the region."
        ],
        figures=[Figure("Zone (bars) against the region (outline).", fig)],
        tables=[Table("Population structure (% of the total of each territory)", table)],
        data={"pyramid": {"zone": zone.round(4).to_dict(), "region": reg.round(4).to_dict()}},
    )
