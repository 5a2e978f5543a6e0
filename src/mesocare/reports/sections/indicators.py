"""The indicators of the zone against the region and its peers, and maps of each indicator."""

from __future__ import annotations

import pandas as pd

from mesocare.i18n import _, fmt_number
from mesocare.reports.base import Figure, Section, Table
from mesocare.reports.maps import choropleth_selector
from mesocare.reports.sections.geo import ZoneGeometry
from mesocare.reports.sections.words import (
    SIGNIFICANCE,
    indicator_label,
    labelled,
    unit_label,
    word,
)
from mesocare.services.diagnosis.findings import AGE_NOTE
from mesocare.services.diagnosis.model import Finding, UnitValues, ZoneDiagnosis

#: Indicators drawn on the maps (when present), in this order.
MAPPED = (
    "share_65plus",
    "share_80plus",
    "dependency_ratio",
    "density_per_km2",
    "gp_per_1000",
    "gp_under65_per_100k",
    "mean_taxable_income_eur",
    "bim_share",
)


def _interval(f: Finding) -> str:
    if f.lower is None or f.upper is None:
        return "–"
    return f"{fmt_number(f.lower)} – {fmt_number(f.upper)}"


def _range(f: Finding) -> str:
    if f.zones is None:
        return "–"
    return f"{fmt_number(f.zones.min)} – {fmt_number(f.zones.max)}"


def _label(d: ZoneDiagnosis, f: Finding) -> str:
    """The indicator's name, saying so when its figure comes from another year."""
    age_year = d.themes.population.age_structure_year
    if f.note and age_year:
        return _("{indicator} (age structure of {year})").format(
            indicator=indicator_label(f.indicator_id), year=age_year
        )
    return indicator_label(f.indicator_id)


def zone_table(d: ZoneDiagnosis) -> Table:
    findings = d.themes.indicators.findings
    cmp_col = _("comparison with the region")
    frame = pd.DataFrame(
        {
            _("indicator"): [_label(d, f) for f in findings],
            _("unit"): [unit_label(f.unit) for f in findings],
            _("zone"): [f.value for f in findings],
            _("interval (95%)"): [_interval(f) for f in findings],
            _("region"): [f.region_value for f in findings],
            _("range of the zones"): [_range(f) for f in findings],
            _("rank"): [f"{f.rank}/{f.rank_of}" if f.rank and f.rank_of else "–" for f in findings],
            cmp_col: [word(SIGNIFICANCE, f.significance) for f in findings],
        }
    )
    cls = pd.DataFrame(
        {cmp_col: ["" if f.significance == "not_compared" else f.significance for f in findings]}
    )
    return Table(
        _("The zone against its region and the region's zones"),
        frame,
        cls,
        header_notes={
            _("interval (95%)"): _("the range that holds the true value with 95% confidence"),
            _("range of the zones"): _("lowest and highest value among the region's zones"),
            _("rank"): _("rank among the region's zones; 1 is the best (or the highest)"),
        },
    )


def units_table(d: ZoneDiagnosis, uv: UnitValues, caption: str) -> Table:
    """Indicators as rows, units as columns (so that nine networks fit the page)."""
    ids = [f.indicator_id for f in d.themes.indicators.findings if f.indicator_id in uv.values]
    units = {f.indicator_id: f.unit for f in d.themes.indicators.findings}
    first = _("indicator")
    frame = pd.DataFrame({first: [labelled(i, units.get(i, "")) for i in ids]})
    cls = pd.DataFrame({first: [""] * len(ids)})
    for j, name in enumerate(uv.names):
        frame[name] = [uv.values[i][j] for i in ids]
        cls[name] = [
            ""
            if uv.significance.get(i, [])[j : j + 1] in ([], ["not_compared"])
            else uv.significance[i][j]
            for i in ids
        ]
    return Table(caption, frame, cls)


def _layers(
    d: ZoneDiagnosis, uv: UnitValues, keys: list[str]
) -> tuple[dict[str, list[float | None]], dict[str, str], dict[str, str]]:
    """Map layers by label, with each layer's polarity and unit."""
    found = {f.indicator_id: f for f in d.themes.indicators.findings}
    pos = {c: i for i, c in enumerate(uv.codes)}
    ids = [i for i in MAPPED if i in uv.values and i in found]
    layers = {
        labelled(i, found[i].unit): [uv.values[i][pos[c]] if c in pos else None for c in keys]
        for i in ids
    }
    polarities: dict[str, str] = {labelled(i, found[i].unit): found[i].polarity for i in ids}
    units = {labelled(i, found[i].unit): unit_label(found[i].unit) for i in ids}
    return layers, polarities, units


def render(d: ZoneDiagnosis, geo: ZoneGeometry) -> Section:
    th = d.themes.indicators
    tables = [zone_table(d)]
    figures = []
    areas = geo.aligned(th.areas.codes)
    layers, pol, units = _layers(d, th.areas, th.areas.codes)
    if layers:
        figures.append(
            Figure(
                _(
                    "Indicators by area; pick one in the menu. Where a direction is better, red is "
                    "worse and blue better on every map. Hover an area for its name and value."
                ),
                choropleth_selector(
                    areas,
                    layers,  # type: ignore[arg-type]
                    title=_("Indicators by area"),
                    label=areas["name"],
                    polarities=pol,
                    units=units,
                ),
            )
        )
    if th.networks is not None:
        tables.append(
            units_table(d, th.networks, _("Vicinity networks (coloured against the zone)"))
        )
        nets = geo.networks
        names = dict(zip(th.networks.codes, th.networks.names, strict=True))
        nl, npol, nunits = _layers(d, th.networks, nets["network_code"].astype(str).tolist())
        if nl:
            figures.append(
                Figure(
                    _("Indicators by vicinity network."),
                    choropleth_selector(
                        nets,
                        nl,  # type: ignore[arg-type]
                        title=_("Indicators by vicinity network"),
                        key="network_code",
                        label=[names.get(c, c) for c in nets["network_code"]],
                        polarities=npol,
                        units=nunits,
                    ),
                )
            )
    n_worse = sum(f.significance == "worse" for f in th.findings)
    n_better = sum(f.significance == "better" for f in th.findings)
    paras = [
        _(
            "Against the region the zone is significantly better on {better} and worse on "
            "{worse} of the indicators that have a direction. Proportions carry Wilson score "
            "intervals, rates Byar's intervals; counts, densities and means are exact (no "
            "interval)."
        ).format(better=n_better, worse=n_worse)
    ]
    p = d.themes.population
    if p.age_structure_year and any(f.note for f in th.findings):
        paras.append(_(AGE_NOTE).format(age_year=p.age_structure_year, year=p.population_year))
    return Section("indicators", _("Indicators"), paragraphs=paras, figures=figures, tables=tables)
