"""Access to GPs (APL), shortage areas and where new GPs would help most."""

from __future__ import annotations

import pandas as pd

from mesocare.i18n import _, fmt_int, fmt_number, fmt_percent
from mesocare.reports.base import Figure, Section, Table
from mesocare.reports.maps import choropleth, xy_points
from mesocare.reports.sections.geo import ZoneGeometry
from mesocare.services.diagnosis.model import ZoneDiagnosis


def render(d: ZoneDiagnosis, geo: ZoneGeometry) -> Section | None:
    a = d.themes.accessibility
    if a is None:
        missing = next((n for n in d.not_computed if n.theme == "accessibility"), None)
        if missing is None:
            return None
        return Section(
            "accessibility",
            _("Access to general practitioners"),
            paragraphs=[
                _(
                    "Accessibility and GP shortage are not computed: the territory has no "
                    "providers of the discipline '{discipline}', so every score would be 0 and "
                    "every area would look in shortage. Import a provider list with "
                    "'mesocare providers import TERRITORY FILE' (see the README for the columns of "
                    "a Sociale Kaart, RIZIV, RPPS or FINESS export)."
                ).format(discipline=missing.discipline)
            ],
        )
    f = a.findings[0]
    unit = _(a.unit_label)
    areas = geo.aligned(a.area_codes)
    gps = d.themes.supply.gps
    pts = xy_points([g.x for g in gps], [g.y for g in gps], [g.name for g in gps])
    steps = ", ".join(
        _("{weight} up to {minutes} min").format(
            weight=fmt_number(s.weight), minutes=fmt_number(s.up_to_minutes)
        )
        for s in a.steps
    )
    travel = (
        _("crow-fly distance × {detour} at {speed} km/h").format(
            detour=fmt_number(a.detour_factor), speed=fmt_number(a.speed_kmh)
        )
        if a.detour_factor
        else _("the territory's travel times")
    )
    text = (
        _(
            "Localised potential accessibility (APL) to GPs aged {age} or less: {zone} {unit} "
            "on average, weighted by population (region: {region}; rank {rank} of {of} zones). "
            "{short} of {areas} areas, home to {people} people ({share}), are at or below the "
            "shortage threshold of {threshold}. Travel times: {travel}; distance weights {steps}."
        )
        if a.threshold_inclusive
        else _(
            "Localised potential accessibility (APL, {vintage}) to GPs aged {age} or less: "
            "{zone} {unit} on average, weighted by the age-standardised population (region: "
            "{region}; rank {rank} of {of} zones). {short} of {areas} areas, home to {people} "
            "people ({share}), are below the shortage threshold of {threshold}. Travel times: "
            "{travel}; distance weights {steps}."
        )
    )
    paras = [
        text.format(
            vintage=a.vintage,
            age=fmt_number(a.max_gp_age),
            zone=fmt_number(f.value),
            unit=unit,
            region=fmt_number(f.region_value),
            rank=f.rank or "–",
            of=f.rank_of or "–",
            short=fmt_int(a.areas_in_shortage),
            areas=fmt_int(a.areas_total),
            people=fmt_int(a.population_in_shortage),
            share=fmt_percent(a.share_in_shortage, fraction=True),
            threshold=fmt_number(a.threshold),
            travel=travel,
            steps=steps,
        )
    ]
    figures = [
        Figure(
            _("APL per area ({unit}); dots are GPs.").format(unit=unit),
            choropleth(
                areas,
                a.area_values,
                title=_("APL to GPs"),
                label=areas["name"],
                points=pts,
                polarity="higher_is_better",
                value_label=_("APL"),
                unit=unit,
                midpoint=a.threshold,
            ),
        ),
        Figure(
            (
                _("Areas with an APL at or below {threshold}.")
                if a.threshold_inclusive
                else _("Areas with an APL below {threshold}.")
            ).format(threshold=fmt_number(a.threshold)),
            choropleth(
                areas,
                [_("shortage") if s else _("no shortage") for s in a.area_shortage],
                title=_("GP shortage areas (APL)"),
                label=areas["name"],
                categorical=True,
            ),
        ),
    ]
    site_pts = xy_points(
        [s.x for s in a.sites],
        [s.y for s in a.sites],
        [_("{area}: +{fte} FTE").format(area=s.area_name, fte=fmt_number(s.fte)) for s in a.sites],
    )
    if a.sites:
        figures.append(
            Figure(
                _("Gain in APL from {fte} new GP FTEs at the chosen sites (dots).").format(
                    fte=fmt_number(a.new_fte)
                ),
                choropleth(
                    areas,
                    a.area_gain,
                    title=_("APL gain"),
                    label=areas["name"],
                    points=site_pts,
                    value_label=_("APL gain"),
                    unit=unit,
                ),
            )
        )
    sites = ", ".join(f"{s.area_name} (+{fmt_number(s.fte)})" for s in a.sites) or _("none needed")
    paras.append(
        _(
            "Where would {fte} new GP FTEs help most? Placed to minimise the population-weighted "
            "shortfall below {target}, they reduce it from {before} to {after} "
            "(inhabitants × {unit}). Sites: {sites}."
        ).format(
            fte=fmt_number(a.new_fte),
            target=fmt_number(a.target),
            before=fmt_int(a.shortfall_before),
            after=fmt_int(a.shortfall_after),
            unit=unit,
            sites=sites,
        )
    )
    worst = pd.DataFrame(
        {
            _("area"): [w.area_name for w in a.least_served],
            _("inhabitants"): [w.population for w in a.least_served],
            _("APL before"): [w.before for w in a.least_served],
            _("APL after"): [w.after for w in a.least_served],
        }
    )
    return Section(
        "accessibility",
        _("Access to general practitioners"),
        paragraphs=paras,
        figures=figures,
        tables=[Table(_("The ten least-served areas, before and after the new GPs"), worst)],
    )
