"""Maps that work offline and everywhere: areas drawn as filled SVG shapes with Plotly.

No tile server, no WebGL, no base-map download: each area is a filled ``Scatter`` shape in the
territory's projected coordinates (equal axis scales), coloured from a colour scale, with its name
and value on hover. A drop-down can switch the values shown (``choropleth_selector``).

Colours: the fills and the colour bar come from one explicit ``[[stop, "rgb(…)"], …]`` list built
here (never a scale *name* handed to plotly.js, whose named scales run the other way to
plotly.py's). The colour bar's top is the highest value. An indicator with a polarity gets the
diverging :data:`DIVERGING` scale oriented so that the worse end is always :data:`WORSE` (red) and
the better end :data:`BETTER` (blue), whichever way "better" runs; without one, the neutral
sequential :data:`NEUTRAL` scale.

Figures are built as plain Plotly dictionaries: validating hundreds of one-area traces through
``plotly.graph_objects`` costs seconds per report, and the dictionaries render to the same HTML.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterable, Mapping, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from plotly.colors import hex_to_rgb, sample_colorscale, unlabel_rgb

from mesocare.i18n import _, fmt_decimal, fmt_number, fmt_percent
from mesocare.reports.base import PlotDict

PALETTE = [
    "#1b9e77",
    "#d95f02",
    "#7570b3",
    "#e7298a",
    "#66a61e",
    "#e6ab02",
    "#a6761d",
    "#666666",
    "#1f78b4",
    "#b2df8a",
    "#fb9a99",
    "#cab2d6",
]
NO_DATA = "#d9d9d9"
#: the colours of "worse" and "better" everywhere: maps, spine charts and the report's CSS
WORSE = "#d73027"
BETTER = "#4575b4"
SIMILAR = "#fee090"
NOT_COMPARED = "#ffffff"
#: ColorBrewer RdYlBu (colour-blind safe) from worse (red) to better (blue)
DIVERGING = [
    WORSE,
    "#f46d43",
    "#fdae61",
    SIMILAR,
    "#ffffbf",
    "#e0f3f8",
    "#abd9e9",
    "#74add1",
    BETTER,
]
#: ColorBrewer Purples without its near-white end: more is darker, neither good nor bad
NEUTRAL = ["#efedf5", "#dadaeb", "#bcbddc", "#9e9ac8", "#807dba", "#6a51a3", "#54278f", "#3f007d"]
POLARITIES = ("higher_is_better", "lower_is_better", "none")
Formatter = Callable[[float], str]
_BAR_STOPS = np.linspace(0.0, 1.0, 33)


class MapFigure(PlotDict):
    """A map as a plain Plotly dictionary; ``table`` holds its values for the CSV download."""


def _outlines(areas: gpd.GeoDataFrame, tolerance_m: float) -> list[tuple[list, list]]:
    """Exterior rings of each area as x and y lists (parts separated by None)."""
    geoms = areas.geometry.to_numpy()
    if tolerance_m > 0:
        geoms = shapely.simplify(geoms, tolerance_m, preserve_topology=True)
    out = []
    for g in geoms:
        xs: list = []
        ys: list = []
        for part in shapely.get_parts(g):
            if part.geom_type != "Polygon":
                continue
            c = np.round(np.asarray(part.exterior.coords), 0)
            xs += c[:, 0].tolist() + [None]
            ys += c[:, 1].tolist() + [None]
        out.append((xs, ys))
    return out


def _rgb(c: str) -> tuple[float, float, float]:
    r, g, b = hex_to_rgb(c) if c.startswith("#") else unlabel_rgb(c)
    return float(r), float(g), float(b)


def scale_colours(polarity: str = "none", colorscale: str | None = None, reverse: bool = False):
    """The colours from the lowest value (first) to the highest (last) for a polarity."""
    if polarity not in POLARITIES:
        raise ValueError(f"polarity '{polarity}': expected one of {', '.join(POLARITIES)}")
    if polarity == "higher_is_better":
        return list(DIVERGING)
    if polarity == "lower_is_better":
        return DIVERGING[::-1]
    cols = sample_colorscale(colorscale, np.linspace(0, 1, 9).tolist()) if colorscale else NEUTRAL
    return list(cols[::-1] if reverse else cols)


class ColourScale:
    """Values → colours along a list of colours, optionally centred (``midpoint``) on a value."""

    def __init__(self, values: np.ndarray, colours: Sequence[str], midpoint: float | None = None):
        ok = np.isfinite(values)
        self.lo: float = float(values[ok].min()) if ok.any() else 0.0
        self.hi: float = float(values[ok].max()) if ok.any() else 1.0
        self.midpoint = midpoint
        self.rgb = np.asarray([_rgb(c) for c in colours])
        self.stops = np.linspace(0.0, 1.0, len(colours))

    def position(self, v: np.ndarray) -> np.ndarray:
        lo, hi = self.lo, self.hi
        if self.midpoint is None or not math.isfinite(self.midpoint):
            return np.clip((v - lo) / (hi - lo if hi > lo else 1.0), 0, 1)
        m = self.midpoint
        above = 0.5 + 0.5 * (v - m) / max(hi - m, 1e-12)
        below = 0.5 - 0.5 * (m - v) / max(m - lo, 1e-12)
        return np.clip(np.where(v >= m, above, below), 0, 1)

    def colours(self, v: np.ndarray) -> list[str]:
        t = self.position(np.where(np.isfinite(v), v, self.lo))
        mixed = np.column_stack([np.interp(t, self.stops, self.rgb[:, k]) for k in range(3)])
        cols = [f"rgb({r}, {g}, {b})" for r, g, b in mixed.round().astype(int).tolist()]
        return [c if ok else NO_DATA for c, ok in zip(cols, np.isfinite(v), strict=True)]

    def colorbar_scale(self) -> list[list]:
        """The explicit colour scale of the colour bar (cmin = lo at the bottom, cmax = hi)."""
        span = self.hi - self.lo if self.hi > self.lo else 1.0
        vals = self.lo + _BAR_STOPS * span
        vals[-1] = self.hi if self.hi > self.lo else vals[-1]
        return [[float(p), c] for p, c in zip(_BAR_STOPS, self.colours(vals), strict=True)]


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values between ``lo`` and ``hi`` (about ``n`` of them)."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo] if math.isfinite(lo) else []
    raw = (hi - lo) / max(n - 1, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(s * mag for s in (1, 2, 2.5, 5, 10) if s * mag >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    return [round(first + i * step, 12) for i in range(int((hi - first) / step + 1e-9) + 1)]


def default_formatter(value_format: str = ".3g") -> Formatter:
    """A locale-aware formatter for a Python format spec (``.1%`` → a percentage of a fraction)."""
    if value_format.endswith("%"):
        digits = int(value_format.strip(".%") or 1)
        return lambda v: fmt_percent(v, digits, fraction=True)
    return lambda v: fmt_number(v)


def tick_formatter(ticks: Sequence[float], value_format: str = ".3g") -> Formatter:
    """Tick labels with as many decimals as the ticks' step needs (``1``, ``1,5``, ``2``)."""
    if value_format.endswith("%"):
        return default_formatter(value_format)
    step = min((b - a for a, b in zip(ticks, ticks[1:], strict=False)), default=1.0) or 1.0
    digits = next((d for d in range(7) if abs(step * 10**d - round(step * 10**d)) < 1e-6), 6)
    return lambda v: fmt_decimal(v, digits)


def _value_text(v: float, fmt: Formatter, unit: str) -> str:
    if not np.isfinite(v):
        return _("no data")
    return f"{fmt(v)} {unit}".strip()


def _hover(names: Sequence[str], z: np.ndarray, label: str, unit: str, fmt: Formatter) -> list[str]:
    return [
        f"<b>{html.escape(n)}</b><br>{html.escape(label)}: {html.escape(_value_text(v, fmt, unit))}"
        for n, v in zip(names, z, strict=True)
    ]


def _numbers(values: pd.Series | Sequence | np.ndarray) -> np.ndarray:
    return np.asarray(pd.to_numeric(pd.Series(list(values)), errors="coerce"), dtype=float)


def _scatter(**kw: object) -> dict:
    return {"type": "scatter", **kw}


def _colorbar_marker(sc: ColourScale, title: str, fmt: Formatter | None, value_format: str) -> dict:
    ticks = nice_ticks(sc.lo, sc.hi)
    fmt = fmt or tick_formatter(ticks, value_format)
    return {
        "colorscale": sc.colorbar_scale(),
        "cmin": sc.lo,
        "cmax": sc.hi if sc.hi > sc.lo else sc.lo + 1,
        "color": [sc.lo],
        "showscale": True,
        "colorbar": {
            "title": {"text": title, "side": "right"},
            "thickness": 14,
            "len": 0.8,
            "tickvals": ticks,
            "ticktext": [fmt(t) for t in ticks],
        },
    }


def choropleth(
    areas: gpd.GeoDataFrame,
    values: pd.Series | Sequence | np.ndarray,
    *,
    title: str,
    key: str = "area_code",
    label: pd.Series | Sequence[str] | None = None,
    colorscale: str | None = None,
    reverse: bool = False,
    value_format: str = ".3g",
    categorical: bool = False,
    points: pd.DataFrame | None = None,
    tolerance_m: float = 20.0,
    colorbar_title: str = "",
    polarity: str = "none",
    value_label: str = "",
    unit: str = "",
    formatter: Formatter | None = None,
    midpoint: float | None = None,
) -> MapFigure:
    """A map of ``values`` (aligned with ``areas``' rows).

    ``polarity`` ("higher_is_better", "lower_is_better" or "none") picks the colours (see the
    module doc); ``colorscale`` (a plotly.py scale name) and ``reverse`` apply to "none" only.
    ``midpoint`` (e.g. the region's value) puts the middle colour there. Hover shows the area's
    name, ``value_label`` and the value with its ``unit``, formatted by ``formatter`` (default:
    :func:`mesocare.i18n.fmt_number`, or a percentage when ``value_format`` ends with ``%``).
    ``points`` (columns x, y in the areas' CRS, and text) adds markers, e.g. providers or sites.
    Geometry is simplified to ``tolerance_m`` metres to keep the self-contained report small.
    """
    names = [str(n) for n in (label if label is not None else areas[key])]
    rings = _outlines(areas, tolerance_m)
    fmt = formatter or default_formatter(value_format)
    traces: list[dict] = []
    line = {"color": "white", "width": 0.6}
    what = value_label or colorbar_title or title
    if categorical:
        vals = [str(v) for v in values]
        cmap = {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(sorted(set(vals)))}
        seen: set[str] = set()
        for (xs, ys), name, v in zip(rings, names, vals, strict=True):
            traces.append(
                _scatter(
                    x=xs,
                    y=ys,
                    fill="toself",
                    fillcolor=cmap[v],
                    mode="lines",
                    line=line,
                    name=v,
                    legendgroup=v,
                    showlegend=v not in seen,
                    text=f"<b>{html.escape(name)}</b><br>{html.escape(v)}",
                    hoveron="fills",
                    hoverinfo="text",
                )  # fmt: skip
            )
            seen.add(v)
        table = pd.DataFrame({_("area"): names, key: list(areas[key]), what: vals})
    else:
        z = _numbers(values)
        sc = ColourScale(z, scale_colours(polarity, colorscale, reverse), midpoint)
        texts = _hover(names, z, what, unit, fmt)
        for (xs, ys), c, t in zip(rings, sc.colours(z), texts, strict=True):
            traces.append(
                _scatter(
                    x=xs,
                    y=ys,
                    fill="toself",
                    fillcolor=c,
                    mode="lines",
                    line=line,
                    showlegend=False,
                    text=t,
                    hoveron="fills",
                    hoverinfo="text",
                )  # fmt: skip
            )
        bar_title = colorbar_title or (f"{value_label} ({unit})" if unit else value_label)
        traces.append(
            _scatter(
                x=[None],
                y=[None],
                mode="markers",
                showlegend=False,
                hoverinfo="skip",
                marker=_colorbar_marker(sc, bar_title, formatter, value_format),
            )  # fmt: skip
        )
        table = pd.DataFrame({_("area"): names, key: list(areas[key]), what: z})
    if points is not None and len(points):
        traces.append(
            _scatter(
                x=np.asarray(points["x"], dtype=float).round(0).tolist(),
                y=np.asarray(points["y"], dtype=float).round(0).tolist(),
                mode="markers",
                text=[html.escape(str(t)) for t in points["text"]] if "text" in points else None,
                hoverinfo="text",
                name=_("providers"),
                showlegend=False,
                marker={"size": 6, "color": "black", "line": {"color": "white", "width": 0.8}},
            )
        )
    layout = {
        "title": {"text": html.escape(title), "x": 0.01, "xanchor": "left"},
        "height": 560,
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "hovermode": "closest",
        "margin": {"l": 4, "r": 4, "t": 44, "b": 4},
        "xaxis": {"visible": False, "scaleanchor": "y", "scaleratio": 1},
        "yaxis": {"visible": False},
        "legend": {"orientation": "h", "x": 0, "y": 0, "yanchor": "top"},
    }
    fig = MapFigure(data=traces, layout=layout)
    fig.table = table
    return fig


def choropleth_selector(
    areas: gpd.GeoDataFrame,
    layers: Mapping[str, pd.Series | Sequence[float]],
    *,
    title: str,
    key: str = "area_code",
    label: pd.Series | Sequence[str] | None = None,
    colorscale: str | None = None,
    value_format: str = ".3g",
    tolerance_m: float = 20.0,
    polarities: Mapping[str, str] | None = None,
    units: Mapping[str, str] | None = None,
    formatter: Formatter | None = None,
    formatters: Mapping[str, Formatter] | None = None,
    midpoints: Mapping[str, float] | None = None,
) -> MapFigure:
    """One map with a drop-down to switch between several value layers over the same areas.

    ``polarities``, ``units``, ``formatters`` and ``midpoints`` are per layer (missing: "none",
    no unit, ``formatter``, no midpoint); each layer's button restyles the fills, the hover texts
    and the colour bar (its explicit scale and its locale-formatted ticks).
    """
    names = [str(n) for n in (label if label is not None else areas[key])]
    keys = list(layers)
    pol, uni = polarities or {}, units or {}
    fmts, mids = formatters or {}, midpoints or {}

    def fmt_of(k: str) -> Formatter:
        return fmts.get(k) or formatter or default_formatter(value_format)

    def opts(k: str) -> dict:
        return {
            "polarity": pol.get(k, "none"),
            "unit": uni.get(k, ""),
            "formatter": fmt_of(k),
            "midpoint": mids.get(k),
        }

    fig = choropleth(
        areas, layers[keys[0]], title=title, key=key, label=label, colorscale=colorscale,
        tolerance_m=tolerance_m, colorbar_title=keys[0], value_label=keys[0], **opts(keys[0]),
    )  # fmt: skip
    n = len(areas)
    buttons = []
    for k in keys:
        z = _numbers(layers[k])
        o = opts(k)
        sc = ColourScale(z, scale_colours(o["polarity"], colorscale), o["midpoint"])
        marker = _colorbar_marker(sc, k, fmts.get(k) or formatter, value_format)
        bar = marker["colorbar"]
        none = [None] * n
        restyle = {
            "fillcolor": sc.colours(z) + [None],
            "text": _hover(names, z, k, o["unit"], o["formatter"]) + [None],
            "marker.colorscale": none + [marker["colorscale"]],
            "marker.cmin": none + [marker["cmin"]],
            "marker.cmax": none + [marker["cmax"]],
            "marker.color": none + [marker["color"]],
            "marker.colorbar.title.text": none + [k],
            "marker.colorbar.tickvals": none + [bar["tickvals"]],
            "marker.colorbar.ticktext": none + [bar["ticktext"]],
        }
        buttons.append(
            {"label": html.escape(k), "method": "restyle", "args": [restyle, list(range(n + 1))]}
        )
    fig.layout["updatemenus"] = [
        {
            "buttons": buttons,
            "direction": "down",
            "x": 0.0,
            "xanchor": "left",
            "y": 1.0,
            "yanchor": "bottom",
            "pad": {"b": 2},
            "showactive": True,
        }
    ]
    fig.layout["title"] = {"text": html.escape(title), "x": 0.01, "xanchor": "left", "y": 0.99}
    fig.layout["margin"] = {"l": 4, "r": 4, "t": 76, "b": 4}
    table = pd.DataFrame({_("area"): names, key: list(areas[key])})
    for k in keys:
        table[k] = _numbers(layers[k])
    fig.table = table
    return fig


def xy_points(
    x: pd.Series | Sequence[float], y: pd.Series | Sequence[float], text: Iterable[str]
) -> pd.DataFrame:
    """Markers for :func:`choropleth` (coordinates in the areas' CRS)."""
    return pd.DataFrame({"x": np.asarray(x), "y": np.asarray(y), "text": list(text)})
