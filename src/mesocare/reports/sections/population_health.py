"""Population health from person-level records: risk pyramid, prevalences and care gaps
(suppressed aggregates only, attached with ``mesocare health run --attach``)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from mesocare.i18n import _, fmt_percent
from mesocare.reports.base import Figure, Section, Table
from mesocare.reports.maps import choropleth
from mesocare.reports.sections.geo import ZoneGeometry
from mesocare.reports.sections.words import MEASURES, NOTES, word
from mesocare.services.diagnosis.model import ZoneDiagnosis


def _pct(v: float | None) -> float | None:
    return None if v is None else 100 * v


def _note(code: str | None) -> str:
    return word(NOTES, code) if code else ""


def render(d: ZoneDiagnosis, geo: ZoneGeometry) -> Section | None:
    ph = d.themes.population_health
    if ph is None:
        return None
    strata = sorted(ph.strata, key=lambda r: r.measure, reverse=True)
    pyramid = pd.DataFrame(
        {
            _("stratum"): [word(MEASURES, r.measure) for r in strata],
            _("persons"): [r.numerator for r in strata],
            _("share of the chronically ill (%)"): [_pct(r.rate) for r in strata],
            _("note"): [_note(r.note) for r in strata],
        }
    )
    fig = go.Figure(
        go.Bar(
            x=[r.rate for r in strata],
            y=[word(MEASURES, r.measure) for r in strata],
            orientation="h",
            customdata=[fmt_percent(r.rate, fraction=True) for r in strata],
            hovertemplate="%{y}: %{customdata}<extra></extra>",
        )
    )
    fig.update_layout(
        title=_("Risk pyramid (share of the persons with a chronic condition)"),
        height=300,
        xaxis_tickformat=".0%",
    )
    prev = pd.DataFrame(
        {
            _("condition"): [word(MEASURES, r.measure) for r in ph.prevalences],
            _("cases"): [r.numerator for r in ph.prevalences],
            _("crude (%)"): [_pct(r.rate) for r in ph.prevalences],
            _("age-standardised, ESP 2013 (%)"): [_pct(r.dsr) for r in ph.prevalences],
            _("interval (95%), low"): [_pct(r.dsr_lower) for r in ph.prevalences],
            _("interval (95%), high"): [_pct(r.dsr_upper) for r in ph.prevalences],
            _("region, age-standardised (%)"): [_pct(r.region_dsr) for r in ph.prevalences],
            _("note"): [_note(r.note) for r in ph.prevalences],
        }
    )
    gaps = pd.DataFrame(
        {
            _("care gap"): [word(MEASURES, r.measure) for r in ph.care_gaps],
            _("persons missing care"): [r.numerator for r in ph.care_gaps],
            _("eligible"): [r.denominator for r in ph.care_gaps],
            _("rate (%)"): [_pct(r.rate) for r in ph.care_gaps],
            _("interval (95%), low"): [_pct(r.lower) for r in ph.care_gaps],
            _("interval (95%), high"): [_pct(r.upper) for r in ph.care_gaps],
            _("region (%)"): [_pct(r.region_rate) for r in ph.care_gaps],
            _("note"): [_note(r.note) for r in ph.care_gaps],
        }
    )
    areas = geo.aligned(ph.area_codes)
    return Section(
        "population-health",
        _("Population health"),
        paragraphs=[
            _(
                "Risk pyramid, prevalences and care gaps computed from person-level records. "
                "The risk pyramid stratifies the persons with at least one chronic condition, "
                "as Kaiser Permanente's shares do. Counts under the suppression threshold are "
                "hidden (shown as –), and so is any count that would let a hidden one be "
                "recovered by subtraction, within the zone or across areas, networks, zones and "
                "the region. Age-standardised rates of fewer than 10 events are not published."
            )
        ],
        figures=[
            Figure(_("Risk pyramid"), fig),
            Figure(
                _("{measure} by area, crude; blank where suppressed.").format(
                    measure=word(MEASURES, ph.map_measure)
                ),
                choropleth(
                    areas,
                    [_pct(v) for v in ph.area_rates],
                    title=word(MEASURES, ph.map_measure),
                    label=areas["name"],
                    polarity="lower_is_better",
                    value_label=word(MEASURES, ph.map_measure),
                    unit="%",
                ),
            ),
        ],
        tables=[
            Table(_("Risk pyramid of the zone"), pyramid),
            Table(_("Prevalences in the zone and the region"), prev),
            Table(_("Care gaps in the zone"), gaps),
        ],
    )
