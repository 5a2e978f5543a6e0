"""Zones and vicinity networks: populations against bounds, contiguity and compactness."""

from __future__ import annotations

import pandas as pd

from mesocare.i18n import _, fmt_int, fmt_percent
from mesocare.reports.base import Figure, Section, Table
from mesocare.reports.maps import choropleth
from mesocare.reports.sections.geo import ZoneGeometry
from mesocare.reports.sections.words import BOUNDS, word
from mesocare.services.diagnosis.model import ZoneDiagnosis, ZoningRow


def _table(rows: list[ZoningRow], caption: str) -> Table:
    bounds, contiguous = _("population against the bounds"), _("contiguous")
    frame = pd.DataFrame(
        {
            _("code"): [r.unit.code for r in rows],
            _("name"): [r.unit.name for r in rows],
            _("areas"): [r.areas for r in rows],
            _("inhabitants"): [r.population for r in rows],
            bounds: [word(BOUNDS, r.bounds) for r in rows],
            contiguous: [r.contiguous for r in rows],
            _("mean distance to the population centre (km)"): [r.compactness_km for r in rows],
        }
    )
    cls = pd.DataFrame(
        {
            bounds: ["" if r.bounds == "within" else "flag" for r in rows],
            contiguous: ["" if r.contiguous else "flag" for r in rows],
        }
    )
    return Table(caption, frame, cls)


def render(d: ZoneDiagnosis, geo: ZoneGeometry) -> Section | None:
    z = d.themes.zoning
    if z is None:
        return None
    figures, tables, paras = [], [], []
    if z.networks:
        pop = {r.unit.code: r.population for r in z.networks}
        names = {r.unit.code: r.unit.name for r in z.networks}
        areas = geo.aligned(z.area_codes)
        none = _("(no network)")
        cat = [
            _("{network} ({n} inh.)").format(network=names.get(n, n), n=fmt_int(pop.get(n, 0)))
            if n
            else none
            for n in z.area_network
        ]
        figures.append(
            Figure(
                _("Vicinity networks of the zone, with their populations."),
                choropleth(
                    areas, cat, title=_("Vicinity networks"), label=areas["name"], categorical=True
                ),
            )
        )
        tol = fmt_percent(z.network_tolerance, 0, fraction=True)
        tables.append(
            _table(
                z.networks,
                _(
                    "Vicinity networks: population against {lo}–{hi} (the mean ± {tol}), "
                    "contiguity and compactness"
                ).format(lo=fmt_int(z.network_min), hi=fmt_int(z.network_max), tol=tol),
            )
        )
        below = sum(r.bounds == "below minimum" for r in z.networks)
        above = sum(r.bounds == "above maximum" for r in z.networks)
        broken = sum(not r.contiguous for r in z.networks)
        paras.append(
            _(
                "The zone has {n} vicinity networks of {lo} to {hi} inhabitants; {below} below "
                "and {above} above the mean ± {tol}; {broken} not contiguous."
            ).format(
                n=len(z.networks),
                lo=fmt_int(min(r.population for r in z.networks)),
                hi=fmt_int(max(r.population for r in z.networks)),
                below=below,
                above=above,
                tol=tol,
                broken=broken,
            )
        )
    tables.append(
        _table(
            z.zones,
            _(
                "Zones of the region: population against {lo}–{hi} (the 2017 Flemish call), "
                "contiguity and compactness"
            ).format(lo=fmt_int(z.zone_min), hi=fmt_int(z.zone_max)),
        )
    )
    paras.append(
        _(
            "Of the region's {n} zones, {below} have fewer than {lo} and {above} more than {hi} "
            "inhabitants; {broken} are not contiguous. Compactness is the population-weighted "
            "mean distance from each area to its zone's population centre."
        ).format(
            n=len(z.zones),
            below=sum(r.bounds == "below minimum" for r in z.zones),
            above=sum(r.bounds == "above maximum" for r in z.zones),
            lo=fmt_int(z.zone_min),
            hi=fmt_int(z.zone_max),
            broken=sum(not r.contiguous for r in z.zones),
        )
    )
    return Section("zoning", _("Zones and vicinity networks"), paras, figures, tables)
