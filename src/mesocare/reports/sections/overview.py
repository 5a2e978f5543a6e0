"""Key figures of the zone, first thing a coordinator reads."""

from __future__ import annotations

from mesocare.reports.base import ReportContext, Section
from mesocare.reports.sections.common import indicator_table, shortage_table


def build(ctx: ReportContext) -> Section:
    t = ctx.territory
    ind = indicator_table(ctx)
    z = ind[(ind["level"] == "zone") & (ind["unit_code"] == ctx.zone_code)].set_index(
        "indicator_id"
    )
    areas = ctx.zone_areas
    n_networks = int(areas["network_code"].dropna().nunique())

    def val(i: str, fmt: str) -> str:
        return format(float(z["value"].loc[i]), fmt) if i in z.index else "–"

    sh = shortage_table(ctx)
    short, short_label = "–", "networks in GP shortage (Flemish rule)"
    if sh is not None:
        nets = areas["network_code"].dropna().unique()
        sn = sh[(sh["level"] == "network") & sh["unit_code"].isin(nets)]
        if len(sn):
            short = f"{int(sn['shortage'].sum())} of {len(sn)}"
        else:
            zone_short = bool(sh.loc[sh["unit_code"] == ctx.zone_code, "shortage"].any())
            short, short_label = (
                ("yes" if zone_short else "no"),
                "zone in GP shortage (Flemish rule)",
            )
    cards = [
        {"label": "inhabitants", "value": val("population", ",.0f")},
        {
            "label": f"areas ({areas['level'].iloc[0].replace('_', ' ')})",
            "value": f"{len(areas):,}",
        },
        {"label": "vicinity networks", "value": str(n_networks) if n_networks else "–"},
        {"label": "aged 65 and over", "value": val("share_65plus", ".1f") + " %"},
        {"label": "GPs per 1,000 inhabitants", "value": val("gp_per_1000", ".2f")},
        {"label": "GPs aged 60+", "value": val("gp_60plus_share", ".0f") + " %"},
        {
            "label": short_label,
            "value": short,
        },
    ]
    paragraphs = [
        f"{t.unit_name(ctx.zone_code)} is one of {len(t.zone_codes())} zone(s) of "
        f"{t.manifest.name}. Every figure below is compared with the region "
        f"({t.unit_name(str(areas['region_code'].iloc[0]))}); networks and areas are compared with "
        "their zone or network. 'Better' and 'worse' mean the parent's value lies outside the 95% "
        "confidence interval."
    ]
    return Section(
        "overview",
        "Key figures",
        paragraphs=paragraphs,
        data={"cards": cards, "zone": ctx.zone_code},
    )
