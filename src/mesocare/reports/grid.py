"""The analysis grid's matrix as a printable document (one self-contained HTML page, A4 landscape
when printed; PDF through :mod:`mesocare.reports.pdf`), and the matrix's exports by format: XLSX
and the flat CSV table come from :mod:`mesocare.services.platform.grid_views`."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from mesocare import __version__, i18n
from mesocare.reports.pdf import html_to_pdf
from mesocare.reports.render import _env
from mesocare.services.platform import grid_views as V

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
}


def render_grid_html(m: V.Matrix, title: str, lang: str, generated: dt.date | None = None) -> str:
    return (
        _env()
        .get_template("grid_print.html.j2")
        .render(
            m=m, title=title, lang=lang, generated=generated or dt.date.today(), version=__version__
        )
    )


def export(m: V.Matrix, fmt: str, title: str) -> bytes:
    lang = i18n.current_language()
    if fmt == "xlsx":
        return V.xlsx(m, lang)
    if fmt == "csv":
        return V.flat_csv(m, lang)
    html = render_grid_html(m, title, lang)
    if fmt == "html":
        return html.encode("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        out = html_to_pdf(html, Path(tmp) / "grid.pdf", budget_ms=2_000)
        return out.read_bytes()
