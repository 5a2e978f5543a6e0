"""Maps that work offline: Plotly choropleths on the areas' own geometry, no tile server."""

from __future__ import annotations

import json
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.graph_objects as go


def _geojson(areas: gpd.GeoDataFrame, key: str, tolerance_m: float) -> dict:
    geo = areas[[key, "geometry"]].copy()
    if tolerance_m > 0:
        geo["geometry"] = geo.geometry.simplify(tolerance_m, preserve_topology=True)
    geo = geo.to_crs(4326)
    return json.loads(geo.to_json(drop_id=True))


def choropleth(
    areas: gpd.GeoDataFrame,
    values: pd.Series | Sequence[float],
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
) -> go.Figure:
    """A choropleth of ``values`` (aligned with ``areas``' rows) drawn from the areas' geometry.

    ``points`` (columns lon, lat, text) adds markers, e.g. providers or chosen sites. Geometry is
    simplified to ``tolerance_m`` metres to keep the self-contained report small.
    """
    gj = _geojson(areas, key, tolerance_m)
    vals = np.asarray(values, dtype=object if categorical else float)
    names = list(label) if label is not None else list(areas[key])
    fig = go.Figure()
    if categorical:
        cats = sorted({str(v) for v in vals})
        palette = [
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
        for i, c in enumerate(cats):
            m = np.array([str(v) == c for v in vals])
            fig.add_trace(
                go.Choropleth(
                    geojson=gj,
                    featureidkey=f"properties.{key}",
                    locations=list(np.asarray(areas[key])[m]),
                    z=[i] * int(m.sum()),
                    colorscale=[[0, palette[i % len(palette)]], [1, palette[i % len(palette)]]],
                    showscale=False,
                    name=c,
                    showlegend=True,
                    text=list(np.asarray(names)[m]),
                    hovertemplate="%{text}<br>" + c + "<extra></extra>",
                    marker_line_width=0.3,
                    marker_line_color="white",
                )
            )
    else:
        fig.add_trace(
            go.Choropleth(
                geojson=gj,
                featureidkey=f"properties.{key}",
                locations=list(areas[key]),
                z=vals,
                colorscale=colorscale,
                reversescale=reverse,
                text=names,
                hovertemplate="%{text}<br>%{z:" + value_format + "}<extra></extra>",
                marker_line_width=0.3,
                marker_line_color="white",
                colorbar={"title": ""},
            )
        )
    if points is not None and len(points):
        fig.add_trace(
            go.Scattergeo(
                lon=points["lon"],
                lat=points["lat"],
                text=points.get("text"),
                mode="markers",
                marker={"size": 6, "color": "black", "symbol": points.get("symbol", "circle")},
                name="points",
                hoverinfo="text",
                showlegend=False,
            )
        )
    fig.update_geos(fitbounds="locations", visible=False)
    fig.update_layout(title=title, margin={"l": 0, "r": 0, "t": 40, "b": 0}, height=480)
    return fig


def to_lonlat(x: Sequence[float], y: Sequence[float], crs: str) -> pd.DataFrame:
    """Projected coordinates to longitude/latitude (for markers on a map)."""
    pts = gpd.GeoSeries(gpd.points_from_xy(x, y), crs=crs).to_crs(4326)
    return pd.DataFrame({"lon": pts.x.to_numpy(), "lat": pts.y.to_numpy()})


def choropleth_selector(
    areas: gpd.GeoDataFrame,
    layers: dict[str, pd.Series | Sequence[float]],
    *,
    title: str,
    key: str = "area_code",
    label: pd.Series | Sequence[str] | None = None,
    colorscale: str = "Viridis",
    tolerance_m: float = 20.0,
) -> go.Figure:
    """One map with a drop-down to switch between several value layers over the same areas."""
    names = list(layers)
    first = np.asarray(layers[names[0]], dtype=float)
    fig = choropleth(
        areas,
        first,
        title=title,
        key=key,
        label=label,
        colorscale=colorscale,
        tolerance_m=tolerance_m,
    )
    fig.data[0].colorbar.title = names[0]
    buttons = []
    for name in names:
        z = np.asarray(layers[name], dtype=float)
        buttons.append(
            {
                "label": name,
                "method": "restyle",
                "args": [{"z": [z], "colorbar.title.text": name}, [0]],
            }
        )
    fig.update_layout(
        updatemenus=[
            {
                "buttons": buttons,
                "direction": "down",
                "x": 0.0,
                "xanchor": "left",
                "y": 1.0,
                "yanchor": "top",
                "showactive": True,
            }
        ],
        margin={"l": 0, "r": 0, "t": 70, "b": 0},
    )
    return fig
