"""Key figures of the zone against its region, its rank among the zones, and its neighbours."""

from __future__ import annotations

from mesocare.i18n import N_, _, fmt_int, fmt_number, fmt_percent, ngettext
from mesocare.reports.base import Figure, Section
from mesocare.reports.charts import SpineRow, spine_chart
from mesocare.reports.sections.geo import ZoneGeometry
from mesocare.reports.sections.words import (
    AREA_LEVELS_PLURAL,
    SIGNIFICANCE,
    indicator_label,
    unit_label,
    word,
)
from mesocare.services.diagnosis.model import Finding, ZoneDiagnosis

VERDICT = {
    "shortage": N_("every vicinity network is in GP shortage by the Flemish rule or the APL"),
    "partial": N_("some vicinity networks are in GP shortage by the Flemish rule or the APL"),
    "no_shortage": N_("no vicinity network is in GP shortage by the Flemish rule or the APL"),
}


def _card(label: str, f: Finding | None, shown: str | None = None) -> dict:
    if f is None:
        return {"label": label, "value": "–", "region": "", "sig": ""}
    value = shown if shown is not None else _value(f)
    region = (
        _("region {value}").format(value=_value(f, f.region_value))
        if f.region_value is not None
        else ""
    )
    sig = "" if f.significance == "not_compared" else f.significance
    rank = (
        _("rank {rank} of {of} zones").format(rank=f.rank, of=f.rank_of)
        if f.rank and f.rank_of and f.rank_of > 1
        else ""
    )
    return {
        "label": label,
        "value": value,
        "region": region,
        "sig": sig,
        "sig_text": word(SIGNIFICANCE, sig) if sig else "",
        "rank": rank,
    }


def _value(f: Finding, v: float | None = None) -> str:
    x = f.value if v is None else v
    if f.unit == "%":
        return fmt_percent(x)
    if f.unit == "inhabitants":
        return fmt_int(x)
    return fmt_number(x)


def render(d: ZoneDiagnosis, geo: ZoneGeometry) -> Section:
    f = d.finding
    population = f("population")
    cards = [
        _card(
            _("inhabitants"),
            f("population"),
            fmt_int(population.value) if population else None,
        ),
        {
            "label": word(AREA_LEVELS_PLURAL, d.area_level),
            "value": fmt_int(d.areas),
            "region": "",
            "sig": "",
        },
        {
            "label": _("vicinity networks"),
            "value": fmt_int(len(d.networks)) if d.networks else "–",
            "region": "",
            "sig": "",
        },
        _card(_("aged 65 and over"), f("share_65plus")),
        _card(_("GPs per 1,000 inhabitants"), f("gp_per_1000")),
        _card(_("GPs aged 60 and over"), f("gp_60plus_share")),
    ]
    sh = d.themes.shortage
    paras = [
        _(
            "{zone} is one of {n} zones of {region}. Each figure is compared with the region: "
            "'better' and 'worse' (or 'higher' and 'lower') mean that the region's value lies "
            "outside the zone's 95% confidence interval; the rank is among the region's zones."
        ).format(zone=d.zone.name, n=fmt_int(d.zones_in_region), region=d.region.name)
    ]
    if sh is not None:
        n_short = sum(
            1 for r in sh.rows if r.unit.level == "network" and (r.rule_shortage or r.apl_shortage)
        )
        n_nets = sum(1 for r in sh.rows if r.unit.level == "network")
        cards.append(
            {
                "label": _("networks in GP shortage (Flemish rule or APL)"),
                "value": _("{n} of {of}").format(n=n_short, of=n_nets) if n_nets else "–",
                "region": "",
                "sig": "worse" if sh.verdict == "shortage" else "",
            }
        )
        paras.append(_("GP shortage: {verdict}.").format(verdict=_(VERDICT[sh.verdict])))
    if d.neighbours:
        paras.append(
            ngettext(
                "Neighbouring zone: {names}.", "Neighbouring zones: {names}.", len(d.neighbours)
            ).format(names=", ".join(f"{n.name} ({n.code})" for n in d.neighbours))
        )
    rows = [
        SpineRow(
            label=indicator_label(x.indicator_id),
            unit=unit_label(x.unit),
            zone=x.value,
            region=x.region_value,
            zones_min=x.zones.min if x.zones else None,
            zones_q1=x.zones.q1 if x.zones else None,
            zones_q3=x.zones.q3 if x.zones else None,
            zones_max=x.zones.max if x.zones else None,
            significance=x.significance.replace("_", " "),
            polarity=x.polarity,
        )
        for x in d.themes.indicators.findings
        if x.zones is not None and x.indicator_id != "population"
    ]
    figures = []
    if rows:
        figures.append(
            Figure(
                _(
                    "Every indicator of the zone (dot) against the region (line) and the spread of "
                    "the region's {n} zones (light bar: lowest to highest; dark bar: middle half). "
                    "Where a direction is better, worse is always on the left."
                ).format(n=fmt_int(d.zones_in_region)),
                spine_chart(
                    rows, title=_("The zone among the zones of its region"), zone_name=d.zone.name
                ),
            )
        )
    return Section(
        "overview", _("Key figures"), paragraphs=paras, figures=figures, data={"cards": cards}
    )
