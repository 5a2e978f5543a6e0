"""The population pyramid of the zone against its region."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from mesocare.i18n import _, fmt_decimal
from mesocare.reports.base import Figure, Section, Table
from mesocare.reports.sections.geo import ZoneGeometry
from mesocare.services.diagnosis.model import ZoneDiagnosis


def render(d: ZoneDiagnosis, geo: ZoneGeometry) -> Section:
    p = d.themes.population
    bands = [b.age_band for b in p.pyramid]
    zm = [b.zone_men_pct for b in p.pyramid]
    zf = [b.zone_women_pct for b in p.pyramid]
    rm = [b.region_men_pct for b in p.pyramid]
    rf = [b.region_women_pct for b in p.pyramid]
    men, women, region = _("men"), _("women"), _("region")
    fig = go.Figure()
    for name, xs, colour, sign in ((men, zm, "#3b75af", -1), (women, zf, "#d1495b", 1)):
        fig.add_bar(
            y=bands,
            x=[sign * v for v in xs],
            orientation="h",
            name=_("{sex} (zone)").format(sex=name),
            marker_color=colour,
            customdata=[fmt_decimal(v, 2) for v in xs],
            hovertemplate="%{y}: %{customdata} %<extra>" + name + "</extra>",
        )
    for xs, sign, show in ((rm, -1, True), (rf, 1, False)):
        fig.add_scatter(
            y=bands,
            x=[sign * v for v in xs],
            mode="lines",
            name=region,
            showlegend=show,
            customdata=[fmt_decimal(v, 2) for v in xs],
            hovertemplate="%{y}: %{customdata} %<extra>" + region + "</extra>",
            line={"color": "black", "width": 1.5, "shape": "vh"},
        )
    m = max(zm + zf + rm + rf) * 1.1
    ticks = [-m * 0.75, -m / 2, -m / 4, 0, m / 4, m / 2, m * 0.75]
    fig.update_layout(
        barmode="overlay",
        bargap=0.05,
        height=520,
        title=_("Population pyramid (% of the total)"),
        xaxis={
            "range": [-m, m],
            "title": _("% of the population (men left, women right)"),
            "tickvals": ticks,
            "ticktext": [fmt_decimal(abs(v), 1) for v in ticks],
        },
        margin={"l": 60, "r": 20, "t": 50, "b": 50},
        legend={"orientation": "h", "y": -0.15},
    )
    table = pd.DataFrame(
        {
            _("age band"): bands,
            _("men, zone (%)"): zm,
            _("women, zone (%)"): zf,
            _("men, region (%)"): rm,
            _("women, region (%)"): rf,
        }
    )
    text = _(
        "Population on 1 January {year} by sex and five-year age band; the black outline is the "
        "region."
    ).format(year=p.population_year)
    if p.age_structure_year:
        text += " " + _(
            "The age structure is that of {age_year}, scaled to the totals of {year}: "
            "the shares by age are those of {age_year}."
        ).format(age_year=p.age_structure_year, year=p.population_year)
    return Section(
        "population",
        _("Population"),
        paragraphs=[text],
        figures=[Figure(_("Zone (bars) against the region (outline)."), fig)],
        tables=[Table(_("Population structure (% of the total of each territory)"), table)],
    )
