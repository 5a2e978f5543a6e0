"""Render a diagnosis to one self-contained HTML file (Plotly inlined, no CDN) or to JSON."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import plotly.io as pio
from jinja2 import Environment, PackageLoader, select_autoescape
from plotly.offline import get_plotlyjs

from mesocare import __version__
from mesocare.reports.base import Section, Table


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

    def to_json(self) -> dict[str, Any]:
        return {
            "mesocare_version": __version__,
            "territory": self.territory_name,
            "synthetic": self.synthetic,
            "zone": {"code": self.zone_code, "name": self.zone_name},
            "reference_year": self.reference_year,
            "sources": self.sources,
            "sections": [s.to_json() for s in self.sections],
        }


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("mesocare.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )


def _fmt(v: Any) -> str:
    if isinstance(v, np.generic):
        v = v.item()  # numpy scalars format as the Python values they hold
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
        return "–"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        if abs(v) >= 1000:
            return f"{v:,.0f}"
        if abs(v) >= 10:
            return f"{v:.1f}"
        return f"{v:.2f}"
    return str(v)


def table_html(t: Table) -> str:
    df = t.frame
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    rows = []
    for i in range(len(df)):
        cells = []
        for j, c in enumerate(df.columns):
            v = df.iat[i, j]
            cls = ""
            if t.classes is not None and c in t.classes.columns:
                jc = t.classes.columns.get_loc(c)
                if not isinstance(jc, int | np.integer):
                    raise ValueError(f"table classes: column {c!r} is not unique")
                k = t.classes.iat[i, int(jc)]
                cls = f' class="{html.escape(str(k))}"' if isinstance(k, str) and k else ""
            cells.append(f"<td{cls}>{html.escape(_fmt(v))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f"<table><caption>{html.escape(t.caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _figure_html(fig: object) -> str:
    return pio.to_html(
        fig,
        full_html=False,
        include_plotlyjs=False,
        validate=not isinstance(fig, dict),
        config={"displaylogo": False, "responsive": True},
    )


def render_html(diagnosis: Diagnosis) -> str:
    """The report as one HTML document that works offline."""
    sections = [
        {
            "id": s.id,
            "title": s.title,
            "cards": s.data.get("cards", []),
            "paragraphs": s.paragraphs,
            "figures": [{"caption": f.caption, "html": _figure_html(f.figure)} for f in s.figures],
            "tables": [table_html(t) for t in s.tables],
        }
        for s in diagnosis.sections
    ]
    label = " (synthetic)" if diagnosis.synthetic else ""
    ctx = {
        "title": f"Diagnosis of {diagnosis.zone_name}",
        "subtitle": f"{diagnosis.territory_name} · zone {diagnosis.zone_code} · reference year "
        f"{diagnosis.reference_year}{label}",
        "synthetic": diagnosis.synthetic,
        "sections": sections,
        "footer": f"Made with mesocare {__version__} on "
        f"{datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}.",
    }
    return _env().get_template("diagnosis.html.j2").render(ctx=ctx, plotly_js=_plotly_js())


@lru_cache(maxsize=1)
def _plotly_js() -> str:
    return get_plotlyjs()


def render_json(diagnosis: Diagnosis) -> str:
    return json.dumps(diagnosis.to_json(), indent=2, ensure_ascii=False, default=str)
