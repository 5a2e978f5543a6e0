"""Care supply by discipline and where the GPs are."""

from __future__ import annotations

import pandas as pd

from mesocare.i18n import _, fmt_decimal
from mesocare.reports.base import Figure, Section, Table
from mesocare.reports.maps import choropleth, xy_points
from mesocare.reports.sections.geo import ZoneGeometry
from mesocare.reports.sections.words import DISCIPLINES, word
from mesocare.services.diagnosis.model import ZoneDiagnosis


def render(d: ZoneDiagnosis, geo: ZoneGeometry) -> Section:
    s = d.themes.supply
    if not s.has_providers:
        return Section(
            "supply",
            _("Care supply"),
            paragraphs=[
                _(
                    "This territory has no provider data, so care supply, GP shortage and "
                    "access cannot be described. Import a provider list (for example a Sociale "
                    "Kaart or RIZIV export, or an RPPS or FINESS extract) with 'mesocare "
                    "providers import TERRITORY FILE' to fill these sections."
                )
            ],
        )
    rows = s.disciplines
    frame = pd.DataFrame(
        {
            _("discipline"): [word(DISCIPLINES, r.discipline) for r in rows],
            _("providers in the zone"): [r.providers for r in rows],
            _("FTE in the zone"): [r.fte for r in rows],
            _("per 10,000 inhabitants, zone"): [r.per_10000 for r in rows],
            _("per 10,000 inhabitants, region"): [r.region_per_10000 for r in rows],
            _("accepting new patients"): [
                _("{n} of {of}").format(n=r.accepting, of=r.accepting_known)
                if r.accepting is not None
                else "–"
                for r in rows
            ],
        }
    )
    figures = []
    if s.gps:
        th = d.themes.indicators
        areas = geo.aligned(th.areas.codes)
        dens = th.areas.values.get("density_per_km2", [None] * len(areas))
        pts = xy_points(
            [g.x for g in s.gps],
            [g.y for g in s.gps],
            [
                _("{name} · {area} · FTE {fte}").format(
                    name=g.name, area=g.area_name, fte=fmt_decimal(g.fte, 2)
                )
                for g in s.gps
            ],
        )
        figures.append(
            Figure(
                _("GPs (dots) over the population density (inhabitants per km²)."),
                choropleth(
                    areas,
                    dens,
                    title=_("GPs and population density"),
                    label=areas["name"],
                    points=pts,
                    value_label=_("Population density"),
                    unit=_("inhabitants per km²"),
                ),
            )
        )
    return Section(
        "supply",
        _("Care supply"),
        paragraphs=[
            _(
                "Head counts and full-time equivalents of the care and welfare providers located "
                "in the zone, and their density against the region."
            )
        ],
        figures=figures,
        tables=[Table(_("Care and welfare supply"), frame)],
    )
