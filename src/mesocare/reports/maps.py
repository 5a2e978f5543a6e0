"""Maps that work offline and everywhere: areas drawn as filled SVG shapes with Plotly.

No tile server, no WebGL, no base-map download: each area is a filled ``Scatter`` shape in the
territory's projected coordinates (equal axis scales), coloured from a colour scale, with its name
and value on hover. A drop-down can switch the values shown (``choropleth_selector``).

Figures are built as plain Plotly dictionaries: validating hundreds of one-area traces through
``plotly.graph_objects`` costs seconds per report, and the dictionaries render to the same HTML.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from plotly.colors import sample_colorscale, unlabel_rgb

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


def _colours(values: np.ndarray, colorscale: str, reverse: bool) -> tuple[list[str], float, float]:
    ok = np.isfinite(values)
    if not ok.any():
        return [NO_DATA] * len(values), 0.0, 1.0
    lo, hi = float(values[ok].min()), float(values[ok].max())
    span = hi - lo if hi > lo else 1.0
    t = np.where(ok, (values - lo) / span, 0.0)
    if reverse:
        t = 1 - t
    stops, rgb = _scale(colorscale)
    mixed = np.column_stack([np.interp(t, stops, rgb[:, k]) for k in range(3)]).round().astype(int)
    cols = [f"rgb({r}, {g}, {b})" for r, g, b in mixed.tolist()]
    return [c if o else NO_DATA for c, o in zip(cols, ok, strict=True)], lo, hi


@lru_cache(maxsize=32)
def _scale(colorscale: str) -> tuple[np.ndarray, np.ndarray]:
    """Stops and RGB values of a named Plotly colour scale (sampled once, then interpolated)."""
    stops = np.linspace(0.0, 1.0, 65)
    parsed = [unlabel_rgb(c) for c in sample_colorscale(colorscale, stops.tolist())]
    return stops, np.asarray(parsed, dtype=float)


def _fmt(v: float, fmt: str) -> str:
    return "no data" if not np.isfinite(v) else format(v, fmt)


class MapFigure(dict):
    """A Plotly figure as a plain dictionary (``data`` and ``layout``), rendered unvalidated."""

    @property
    def data(self) -> list[dict]:
        return self["data"]

    @property
    def layout(self) -> dict:
        return self["layout"]


def _scatter(**kw: object) -> dict:
    return {"type": "scatter", **kw}


def choropleth(
    areas: gpd.GeoDataFrame,
    values: pd.Series | Sequence | np.ndarray,
    *,
    title: str,
    key: str = "area_code",
    label: pd.Series | Sequence[str] | None = None,
    colorscale: str = "Viridis",
    reverse: bool = False,
    value_format: str = ".3g",
    categorical: bool = False,
    points: pd.DataFrame | None = None,
    tolerance_m: float = 20.0,
    colorbar_title: str = "",
) -> MapFigure:
    """A map of ``values`` (aligned with ``areas``' rows).

    ``points`` (columns x, y in the areas' CRS, and text) adds markers, e.g. providers or sites.
    Geometry is simplified to ``tolerance_m`` metres to keep the self-contained report small.
    """
    names = [str(n) for n in (label if label is not None else areas[key])]
    rings = _outlines(areas, tolerance_m)
    traces: list[dict] = []
    line = {"color": "white", "width": 0.6}
    if categorical:
        vals = [str(v) for v in values]
        cats = sorted(set(vals))
        cmap = {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(cats)}
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
                    text=f"{name}<br>{v}",
                    hoveron="fills",
                    hoverinfo="text",
                )
            )
            seen.add(v)
    else:
        z = np.asarray(pd.to_numeric(pd.Series(list(values)), errors="coerce"), dtype=float)
        cols, lo, hi = _colours(z, colorscale, reverse)
        for (xs, ys), name, c, v in zip(rings, names, cols, z, strict=True):
            traces.append(
                _scatter(
                    x=xs,
                    y=ys,
                    fill="toself",
                    fillcolor=c,
                    mode="lines",
                    line=line,
                    showlegend=False,
                    text=f"{name}<br>{_fmt(v, value_format)}",
                    hoveron="fills",
                    hoverinfo="text",
                )
            )
        traces.append(_colorbar(lo, hi, colorscale, reverse, colorbar_title))
    if points is not None and len(points):
        traces.append(
            _scatter(
                x=np.asarray(points["x"], dtype=float).round(0).tolist(),
                y=np.asarray(points["y"], dtype=float).round(0).tolist(),
                mode="markers",
                text=[str(t) for t in points["text"]] if "text" in points else None,
                hoverinfo="text",
                name="providers",
                showlegend=False,
                marker={"size": 6, "color": "black", "line": {"color": "white", "width": 0.8}},
            )
        )
    layout = {
        "title": {"text": title},
        "height": 540,
        "plot_bgcolor": "white",
        "hovermode": "closest",
        "margin": {"l": 0, "r": 0, "t": 40, "b": 0},
        "xaxis": {"visible": False, "scaleanchor": "y", "scaleratio": 1},
        "yaxis": {"visible": False},
        "legend": {"orientation": "h", "y": -0.02},
    }
    return MapFigure(data=traces, layout=layout)


def _colorbar(lo: float, hi: float, colorscale: str, reverse: bool, title: str) -> dict:
    return _scatter(
        x=[None],
        y=[None],
        mode="markers",
        showlegend=False,
        hoverinfo="skip",
        marker={
            "colorscale": colorscale,
            "reversescale": reverse,
            "cmin": lo,
            "cmax": hi,
            "color": [lo],
            "showscale": True,
            "colorbar": {"title": {"text": title}, "thickness": 14},
        },
    )


def choropleth_selector(
    areas: gpd.GeoDataFrame,
    layers: Mapping[str, pd.Series | Sequence[float]],
    *,
    title: str,
    key: str = "area_code",
    label: pd.Series | Sequence[str] | None = None,
    colorscale: str = "Viridis",
    value_format: str = ".3g",
    tolerance_m: float = 20.0,
) -> MapFigure:
    """One map with a drop-down to switch between several value layers over the same areas."""
    names = [str(n) for n in (label if label is not None else areas[key])]
    keys = list(layers)
    fig = choropleth(
        areas,
        layers[keys[0]],
        title=title,
        key=key,
        label=label,
        colorscale=colorscale,
        value_format=value_format,
        tolerance_m=tolerance_m,
        colorbar_title=keys[0],
    )
    n = len(areas)
    buttons = []
    for k in keys:
        z = np.asarray(pd.to_numeric(pd.Series(list(layers[k])), errors="coerce"), dtype=float)
        cols, lo, hi = _colours(z, colorscale, False)
        texts = [f"{nm}<br>{_fmt(v, value_format)}" for nm, v in zip(names, z, strict=True)]
        buttons.append(
            {
                "label": k,
                "method": "restyle",
                "args": [
                    {
                        "fillcolor": cols + [None],
                        "text": texts + [None],
                        "marker.cmin": [None] * n + [lo],
                        "marker.cmax": [None] * n + [hi],
                        "marker.color": [None] * n + [[lo]],
                        "marker.colorbar.title.text": [None] * n + [k],
                    },
                    list(range(n + 1)),
                ],
            }
        )
    fig.layout["updatemenus"] = [
        {
            "buttons": buttons,
            "direction": "down",
            "x": 0.0,
            "xanchor": "left",
            "y": 1.0,
            "yanchor": "top",
            "showactive": True,
        }
    ]
    return fig


def xy_points(
    x: pd.Series | Sequence[float], y: pd.Series | Sequence[float], text: Iterable[str]
) -> pd.DataFrame:
    """Markers for :func:`choropleth` (coordinates in the areas' CRS)."""
    return pd.DataFrame({"x": np.asarray(x), "y": np.asarray(y), "text": list(text)})
