"""Render a diagnosis to one self-contained HTML file (Plotly inlined, no CDN) or to JSON.

By default a page carries everything it needs (Plotly's bundle from the installed ``plotly``
package, and the report's own CSS and JavaScript from ``reports/static``). For many reports in one
folder, :func:`write_shared_assets` writes those three files once and ``plotly_src="plotly.min.js"``
makes each page load them with ``<script src>``/``<link>`` from the same folder as Plotly's file:
60 zone reports then weigh a few megabytes instead of 265 and still work offline.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import plotly.io as pio
from jinja2 import Environment, PackageLoader, select_autoescape
from plotly.offline import get_plotlyjs

from mesocare import __version__, i18n
from mesocare.atomic import write_text
from mesocare.i18n import _
from mesocare.reports.base import Figure, Section, Table
from mesocare.reports.tables import csv_link, figure_frame, table_html

__all__ = [
    "Diagnosis",
    "render_html",
    "render_fragment",
    "render_index",
    "table_html",
    "write_shared_assets",
]

PLOTLY_FILE = "plotly.min.js"
CSS_FILE = "mesocare-report.css"
JS_FILE = "mesocare-report.js"


@dataclass
class Diagnosis:
    """A zone's diagnosis: its sections plus who, where and what it is about."""

    territory_name: str
    zone_code: str
    zone_name: str
    reference_year: int
    synthetic: bool
    sources: list[dict[str, Any]]
    sections: list[Section] = field(default_factory=list)


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("mesocare.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )
    env.globals.update(
        _=_,
        fmt_int=i18n.fmt_int,
        fmt_decimal=i18n.fmt_decimal,
        fmt_number=i18n.fmt_number,
        fmt_percent=i18n.fmt_percent,
        fmt_eur=i18n.fmt_eur,
        fmt_date=i18n.fmt_date,
    )
    return env


@lru_cache(maxsize=4)
def static_text(name: str) -> str:
    """One of the report's own files in ``reports/static`` (``report.css``, ``report.js``)."""
    return files("mesocare.reports").joinpath("static", name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _plotly_js() -> str:
    return get_plotlyjs()


def _assets(plotly_src: str | None, *, with_plotly: bool = True) -> dict[str, str | None]:
    if plotly_src is None:
        return {
            "css": static_text("report.css"),
            "js": static_text("report.js"),
            "plotly_js": _plotly_js() if with_plotly else None,
        }
    folder = plotly_src.rsplit("/", 1)[0] + "/" if "/" in plotly_src else ""
    return {"plotly_src": plotly_src, "css_href": folder + CSS_FILE, "js_src": folder + JS_FILE}


def _figure_html(fig: object) -> str:
    return pio.to_html(
        fig,
        full_html=False,
        include_plotlyjs=False,
        validate=not isinstance(fig, dict),
        config={"displaylogo": False, "responsive": True},
    )


def _figure(f: Figure) -> dict[str, str]:
    data = f.data if f.data is not None else getattr(f.figure, "table", None)
    if data is None:
        data = figure_frame(f.figure)
    csv = csv_link(data, f.caption) if data is not None and len(data) else ""
    return {"caption": f.caption, "html": _figure_html(f.figure), "csv": csv}


def _footer() -> str:
    return _("Made with mesocare {version} on {date}.").format(
        version=__version__, date=i18n.fmt_datetime(datetime.now(UTC))
    )


def _sections(
    diagnosis: Diagnosis, figure: Callable[[Figure], dict[str, str]]
) -> list[dict[str, Any]]:
    return [
        {
            "id": s.id,
            "title": s.title,
            "cards": s.data.get("cards", []),
            "paragraphs": s.paragraphs,
            "figures": [figure(f) for f in s.figures],
            "tables": [table_html(t) for t in s.tables],
        }
        for s in diagnosis.sections
    ]


def render_html(diagnosis: Diagnosis, *, plotly_src: str | None = None) -> str:
    """The report as one HTML document that works offline.

    ``plotly_src`` (e.g. ``"plotly.min.js"``, a path relative to the page) loads Plotly and the
    report's CSS and JS from that folder (see :func:`write_shared_assets`) instead of inlining them.
    """
    sections = _sections(diagnosis, _figure)
    subtitle = _("{territory} · zone {code} · reference year {year}").format(
        territory=diagnosis.territory_name, code=diagnosis.zone_code, year=diagnosis.reference_year
    )
    if diagnosis.synthetic:
        subtitle += " (" + _("synthetic") + ")"
    ctx = {
        "title": _("Diagnosis of {zone}").format(zone=diagnosis.zone_name),
        "subtitle": subtitle,
        "synthetic": diagnosis.synthetic,
        "sections": sections,
        "footer": _footer(),
    }
    return (
        _env()
        .get_template("diagnosis.html.j2")
        .render(ctx=ctx, lang=i18n.current_language(), assets=_assets(plotly_src))
    )


@dataclass(frozen=True)
class SectionsFragment:
    """A report's sections as a fragment of a page, with its figures apart (for lazy loading)."""

    html: str
    #: each figure as Plotly JSON (``data``, ``layout``, ``config``), in the order of the
    #: placeholders ``<div class="mc-figure" data-figure="i">`` in ``html``
    figures: list[str]


def render_fragment(diagnosis: Diagnosis, figure_url: Callable[[int], str]) -> SectionsFragment:
    """The sections of a report for a web page: no script inside; every figure is a placeholder
    whose ``data-src`` (``figure_url(i)``) serves its JSON, drawn by the page's own script."""
    figures: list[str] = []

    def placeholder(f: Figure) -> dict[str, str]:
        i = len(figures)
        fig = f.figure
        body = fig if isinstance(fig, dict) else fig.to_plotly_json()
        figures.append(
            pio.to_json(
                {
                    "data": body.get("data", []),
                    "layout": body.get("layout", {}),
                    "config": {"displaylogo": False, "responsive": True},
                },
                validate=False,
            )
        )
        data = f.data if f.data is not None else getattr(f.figure, "table", None)
        if data is None:
            data = figure_frame(f.figure)
        csv = csv_link(data, f.caption) if data is not None and len(data) else ""
        src = html.escape(figure_url(i))
        loading = html.escape(_("Loading the figure…"))
        return {
            "caption": f.caption,
            "html": f'<div class="mc-figure" data-figure="{i}" data-src="{src}">'
            f'<p class="mc-loading">{loading}</p></div>',
            "csv": csv,
        }

    sections = _sections(diagnosis, placeholder)
    body = _env().get_template("sections.html.j2").render(ctx={"sections": sections})
    return SectionsFragment(body, figures)


def render_index(
    title: str,
    subtitle: str,
    table: Table,
    *,
    synthetic: bool,
    plotly_src: str | None = None,
) -> str:
    """An index page of zones: one sortable table (with links, see ``Table.links``) and its CSV.

    The page needs no Plotly; with ``plotly_src`` it uses the shared CSS and JS beside it.
    """
    ctx = {
        "title": title,
        "subtitle": subtitle,
        "synthetic": synthetic,
        "table": table_html(table),
        "footer": _footer(),
    }
    assets = _assets(plotly_src, with_plotly=False)
    assets.pop("plotly_src", None)
    return (
        _env()
        .get_template("index.html.j2")
        .render(ctx=ctx, lang=i18n.current_language(), assets=assets)
    )


def write_shared_assets(folder: Path) -> None:
    """Write Plotly's bundle and the report's CSS and JS into ``folder``, each atomically."""
    folder = Path(folder)
    write_text(folder / PLOTLY_FILE, _plotly_js())
    write_text(folder / CSS_FILE, static_text("report.css"))
    write_text(folder / JS_FILE, static_text("report.js"))
