"""One answer to "is my zone short of GPs?": the Flemish rule and the APL side by side."""

from __future__ import annotations

import pandas as pd

from mesocare.i18n import _, fmt_number
from mesocare.reports.base import Figure, Section, Table
from mesocare.reports.maps import choropleth
from mesocare.reports.sections.geo import ZoneGeometry
from mesocare.reports.sections.words import REASONS
from mesocare.services.diagnosis.model import ShortageTheme, ZoneDiagnosis


def _reason(th: ShortageTheme, code: str) -> str:
    text = REASONS.get(code, code)
    if not text:
        return ""
    r = th.rule
    return _(text).format(
        gp=r.gp_per_100k_below,
        density=r.low_density_below_per_km2,
        gp_low=r.gp_per_100k_below_when_low_density,
    )


def _yes_no(v: bool | None) -> str:
    return "–" if v is None else _("shortage") if v else _("no shortage")


def render(d: ZoneDiagnosis, geo: ZoneGeometry) -> Section | None:
    th = d.themes.shortage
    if th is None:
        return None
    r = th.rule
    rule_col, apl_col = _("Flemish rule"), _("APL")
    frame = pd.DataFrame(
        {
            _("unit"): [x.unit.name for x in th.rows],
            _("inhabitants"): [x.population for x in th.rows],
            _("GPs under 65"): [x.gp_under65 for x in th.rows],
            _("GPs under 65 per 100,000"): [x.gp_under65_per_100k for x in th.rows],
            _("inhabitants per km²"): [x.density_per_km2 for x in th.rows],
            rule_col: [_yes_no(x.rule_shortage) for x in th.rows],
            _("why (Flemish rule)"): [_reason(th, x.rule_reason) for x in th.rows],
            _("APL, population-weighted"): [x.apl for x in th.rows],
            _("share living in APL shortage areas"): [
                None if x.apl_share_in_shortage is None else 100 * x.apl_share_in_shortage
                for x in th.rows
            ],
            apl_col: [_yes_no(x.apl_shortage) for x in th.rows],
        }
    )
    cls = pd.DataFrame(
        {
            rule_col: ["flag" if x.rule_shortage else "" for x in th.rows],
            apl_col: ["flag" if x.apl_shortage else "" for x in th.rows],
        }
    )
    disagree = [x.unit.name for x in th.rows if x.agree is False]
    text = (
        _(
            "The Flemish rule counts the GPs under 65 who practise inside a unit, per 100,000 of "
            "its inhabitants: a unit is in shortage below {gp} per 100,000, or below {gp_low} "
            "where there are fewer than {density} inhabitants per km². The APL counts the GP "
            "consultations that the inhabitants of each area can reach by road, inside or "
            "outside the unit, weighted by distance and by the age of the population; an area "
            "is under-served at or below {apl} {unit}."
        )
        if r.apl_threshold_inclusive
        else _(
            "The Flemish rule counts the GPs under 65 who practise inside a unit, per 100,000 of "
            "its inhabitants: a unit is in shortage below {gp} per 100,000, or below {gp_low} "
            "where there are fewer than {density} inhabitants per km². The APL counts the GP "
            "consultations that the inhabitants of each area can reach by road, inside or "
            "outside the unit, weighted by distance and by the age of the population; an area "
            "is under-served below {apl} {unit}."
        )
    )
    paras = [
        text.format(
            gp=fmt_number(r.gp_per_100k_below),
            gp_low=fmt_number(r.gp_per_100k_below_when_low_density),
            density=fmt_number(r.low_density_below_per_km2),
            apl=fmt_number(r.apl_threshold),
            unit=_(r.apl_unit) if r.apl_unit else "",
        ),
        _(
            "They differ because a network whose inhabitants see GPs just across its border has "
            "few GPs of its own (the rule flags it) but good access (the APL does not), and "
            "because the APL weighs older inhabitants more."
        ),
    ]
    if disagree:
        paras.append(_("The two measures disagree for: {units}.").format(units=", ".join(disagree)))
    else:
        paras.append(_("The two measures agree for every network and for the zone."))
    areas = geo.aligned(th.area_codes)
    figures = [
        Figure(
            _(
                "Flemish GP shortage rule per area. Small areas rarely hold a practice, so the "
                "network and zone rows of the table are the fairer reading."
            ),
            choropleth(
                areas,
                [_("shortage") if s else _("no shortage") for s in th.area_rule_shortage],
                title=_("GP shortage areas (Flemish rule)"),
                label=areas["name"],
                categorical=True,
            ),
        )
    ]
    return Section(
        "shortage",
        _("GP shortage: the Flemish rule and the APL"),
        paragraphs=paras,
        figures=figures,
        tables=[Table(_("GP shortage by vicinity network and for the zone"), frame, cls)],
    )
