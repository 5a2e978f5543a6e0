"""Charts beyond maps: the spine chart of a zone against the region (as in England's Fingertips).

One row per indicator. Each row is normalised so that the region's value sits at the centre (0)
and the farthest of the zones' minimum, maximum and the zone's value sits at ±1; when the
indicator has a polarity, "worse" is always on the left (a lower-is-better row is mirrored). The
spread of all zones of the region is a light bar (minimum to maximum) with a darker interquartile
range; the region is a vertical line; the zone is a dot coloured by its significance with the
colours of the maps and the report's CSS.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from mesocare.i18n import MISSING, _, fmt_number
from mesocare.reports.base import PlotDict
from mesocare.reports.maps import BETTER, NOT_COMPARED, POLARITIES, SIMILAR, WORSE

SIGNIFICANCE_COLOURS = {
    "better": BETTER,
    "similar": SIMILAR,
    "worse": WORSE,
    "higher": "#9e9ac8",
    "lower": "#9e9ac8",
    "not compared": NOT_COMPARED,
}
RANGE = "#e4e7eb"
IQR = "#aab4be"


@dataclass(frozen=True)
class SpineRow:
    label: str
    unit: str
    zone: float | None
    region: float | None
    zones_min: float | None
    zones_q1: float | None
    zones_q3: float | None
    zones_max: float | None
    #: "better", "similar", "worse", "higher", "lower" or "not compared"
    significance: str = "not compared"
    polarity: str = "none"

    def __post_init__(self) -> None:
        if self.polarity not in POLARITIES:
            raise ValueError(f"{self.label}: polarity '{self.polarity}' is not one of {POLARITIES}")
        if self.significance not in SIGNIFICANCE_COLOURS:
            raise ValueError(f"{self.label}: significance '{self.significance}' is unknown")


def _ok(v: float | None) -> bool:
    return v is not None and math.isfinite(v)


def normalise(row: SpineRow) -> Callable[[float | None], float | None]:
    """The row's value → position function: region at 0, worse to the left, extremes at ±1."""
    values = [
        float(v) for v in (row.zone, row.zones_min, row.zones_max) if v is not None and _ok(v)
    ]
    if row.region is not None and _ok(row.region):
        centre = float(row.region)
    else:
        centre = (min(values) + max(values)) / 2 if values else 0.0
    reach = max((abs(v - centre) for v in values), default=0.0)
    sign = -1.0 if row.polarity == "lower_is_better" else 1.0

    def pos(v: float | None) -> float | None:
        if v is None or not _ok(v):
            return None
        return sign * (float(v) - centre) / reach if reach > 0 else 0.0

    return pos


def _span(a: float | None, b: float | None) -> tuple[float | None, float | None]:
    """Base and width of a horizontal bar between two positions."""
    if a is None or b is None:
        return None, None
    return min(a, b), abs(b - a)


def spine_chart(
    rows: Sequence[SpineRow],
    *,
    title: str = "",
    zone_name: str = "",
    formatter: Callable[[float | None], str] = fmt_number,
) -> PlotDict:
    """A spine chart of ``rows`` as a Plotly figure dictionary (``table`` holds the values)."""
    labels = [html.escape(r.label) + (f" ({html.escape(r.unit)})" if r.unit else "") for r in rows]
    pos = [normalise(r) for r in rows]
    rng = [_span(p(r.zones_min), p(r.zones_max)) for p, r in zip(pos, rows, strict=True)]
    iqr = [_span(p(r.zones_q1), p(r.zones_q3)) for p, r in zip(pos, rows, strict=True)]

    def txt(v: float | None, unit: str) -> str:
        s = formatter(v)
        return f"{s} {unit}".strip() if s != MISSING else s

    zone_word, region_word, zones_word = _("zone"), _("region"), _("zones")
    middle_word = _("middle half of the zones")
    hover = [
        f"<b>{lab}</b><br>{html.escape(zone_name or zone_word)}: {txt(r.zone, r.unit)}"
        f" ({html.escape(_(r.significance))})<br>{region_word}: {txt(r.region, r.unit)}"
        f"<br>{zones_word}: {formatter(r.zones_min)} – {formatter(r.zones_max)}"
        f"<br>{middle_word}: {formatter(r.zones_q1)} – {formatter(r.zones_q3)}"
        for lab, r in zip(labels, rows, strict=True)
    ]
    bar = {"type": "bar", "orientation": "h", "y": labels, "hoverinfo": "skip"}
    data: list[dict] = [
        {**bar, "base": [b for b, _w in rng], "x": [w for _b, w in rng], "width": 0.55,
         "marker": {"color": RANGE}, "name": _("all zones (min–max)")},
        {**bar, "base": [b for b, _w in iqr], "x": [w for _b, w in iqr], "width": 0.55,
         "marker": {"color": IQR}, "name": _("middle half of the zones")},
        {"type": "scatter", "mode": "markers", "y": labels, "x": [0.0 if _ok(r.region) else None
         for r in rows], "hoverinfo": "skip", "name": _("region"),
         "marker": {"symbol": "line-ns", "size": 22, "line": {"width": 2.5, "color": "#1f2933"}}},
        {"type": "scatter", "mode": "markers", "y": labels, "name": zone_name or _("zone"),
         "x": [p(r.zone) for p, r in zip(pos, rows, strict=True)], "text": hover,
         "hoverinfo": "text", "hoverlabel": {"align": "left"},
         "marker": {"size": 13, "color": [SIGNIFICANCE_COLOURS[r.significance] for r in rows],
                    "line": {"width": 1.2, "color": "#1f2933"}}},
    ]  # fmt: skip
    layout = {
        "title": {"text": html.escape(title), "x": 0.01, "xanchor": "left"},
        "barmode": "overlay",
        "height": 110 + 34 * len(rows),
        "margin": {"l": 8, "r": 8, "t": 60 if title else 36, "b": 40},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "showlegend": True,
        "legend": {"orientation": "h", "x": 0, "y": 0, "yanchor": "top"},
        "xaxis": {"range": [-1.15, 1.15], "showticklabels": False, "zeroline": False,
                  "showgrid": False, "fixedrange": True},
        "yaxis": {"autorange": "reversed", "automargin": True, "fixedrange": True},
        "annotations": [
            {"text": "← " + _("worse"), "x": 0, "xanchor": "left", "y": 1, "yanchor": "bottom",
             "xref": "paper", "yref": "paper", "showarrow": False, "font": {"color": WORSE}},
            {"text": _("better") + " →", "x": 1, "xanchor": "right", "y": 1, "yanchor": "bottom",
             "xref": "paper", "yref": "paper", "showarrow": False, "font": {"color": BETTER}},
        ],
    }  # fmt: skip
    fig = PlotDict(data=data, layout=layout)
    fig.table = pd.DataFrame(
        {
            _("indicator"): [r.label for r in rows],
            _("unit"): [r.unit for r in rows],
            _("zone"): [r.zone for r in rows],
            _("region"): [r.region for r in rows],
            _("minimum"): [r.zones_min for r in rows],
            _("first quartile"): [r.zones_q1 for r in rows],
            _("third quartile"): [r.zones_q3 for r in rows],
            _("maximum"): [r.zones_max for r in rows],
            _("significance"): [r.significance for r in rows],
            _("polarity"): [r.polarity for r in rows],
        }
    )
    return fig
