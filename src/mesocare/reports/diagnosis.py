"""The zone diagnosis report: every section rendered from a ``ZoneDiagnosis``, in order, to HTML,
PDF or JSON, in the reader's language."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Literal

from mesocare.atomic import json_text, write_text
from mesocare.errors import MesocareError
from mesocare.i18n import use_locale
from mesocare.reports.base import Section
from mesocare.reports.render import Diagnosis, render_html
from mesocare.reports.sections import (
    accessibility,
    financing,
    indicators,
    overview,
    population,
    population_health,
    shortage,
    sources,
    supply,
    zoning,
)
from mesocare.reports.sections.geo import ZoneGeometry
from mesocare.services.diagnosis import ZoneDiagnosis

Format = Literal["html", "json", "pdf"]
FORMATS: tuple[str, ...] = ("html", "json", "pdf")
SectionRenderer = Callable[[ZoneDiagnosis, ZoneGeometry], "Section | None"]

#: Section renderers in report order; one returns None when the diagnosis lacks its theme.
SECTIONS: list[SectionRenderer] = [
    overview.render,
    population.render,
    indicators.render,
    supply.render,
    shortage.render,
    accessibility.render,
    financing.render,
    zoning.render,
    population_health.render,
    sources.definitions,
    sources.render,
]


def check_format(out: str | Path, fmt: str | None) -> str:
    """The format to write: ``fmt`` or the file's suffix; a mismatch is refused before any work."""
    suffix = Path(out).suffix.lower().lstrip(".")
    if fmt is None:
        if suffix in FORMATS:
            return suffix
        raise MesocareError(
            f"{out}: cannot tell the report format from the suffix '.{suffix}'; "
            f"name a file ending in .html, .json or .pdf, or give --format"
        )
    if fmt not in FORMATS:
        raise MesocareError(f"unknown report format '{fmt}'; expected html, json or pdf")
    if suffix in FORMATS and suffix != fmt:
        raise MesocareError(
            f"{out}: the file name ends in .{suffix} but the format is {fmt}; "
            f"make them agree (e.g. --out report.{fmt})"
        )
    return fmt


def build_report(diagnosis: ZoneDiagnosis, geometry: ZoneGeometry) -> Diagnosis:
    """The report's sections, in the current language."""
    doc = Diagnosis(
        territory_name=diagnosis.territory,
        zone_code=diagnosis.zone.code,
        zone_name=diagnosis.zone.name,
        reference_year=diagnosis.reference_year,
        synthetic=diagnosis.synthetic,
        sources=[s.model_dump() for s in diagnosis.sources],
    )
    doc.sections.extend(s for r in SECTIONS if (s := r(diagnosis, geometry)) is not None)
    return doc


def render_report(
    diagnosis: ZoneDiagnosis,
    geometry: ZoneGeometry,
    fmt: str = "html",
    *,
    lang: str = "en",
    plotly_src: str | None = None,
) -> str:
    """The report as HTML, or the diagnosis as JSON (the same object, not translated)."""
    if fmt == "json":
        return json_text(diagnosis.model_dump(mode="json"))
    with use_locale(lang):
        doc = build_report(diagnosis, geometry)
        return render_html(doc, plotly_src=plotly_src)


def write_report(
    diagnosis: ZoneDiagnosis,
    geometry: ZoneGeometry,
    out: str | Path,
    fmt: str = "html",
    *,
    lang: str = "en",
    plotly_src: str | None = None,
) -> Path:
    """Write the report atomically (HTML, JSON or PDF)."""
    fmt = check_format(out, fmt)
    if fmt == "pdf":
        from mesocare.reports.pdf import html_to_pdf

        return html_to_pdf(render_report(diagnosis, geometry, "html", lang=lang), Path(out))
    return write_text(
        out, render_report(diagnosis, geometry, fmt, lang=lang, plotly_src=plotly_src)
    )
