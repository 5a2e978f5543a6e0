"""Map colours match their legend, and "worse" is the same red on every map."""

from __future__ import annotations

import copy

import geopandas as gpd
import numpy as np
import pytest
from plotly.colors import hex_to_rgb
from shapely.geometry import box

from mesocare.i18n import use_locale
from mesocare.reports.maps import WORSE, choropleth, choropleth_selector

POLARITIES = ["higher_is_better", "lower_is_better", "none"]
VALUES = [12.0, 2170.4, 430.0, float("nan"), 55.5]


@pytest.fixture
def areas() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"area_code": [f"A{i}" for i in range(5)], "name": [f"Area {i}" for i in range(5)]},
        geometry=[box(i * 1000, 0, i * 1000 + 900, 900) for i in range(5)],
        crs="EPSG:31370",
    )


def _rgb(hex_colour: str) -> str:
    r, g, b = hex_to_rgb(hex_colour)
    return f"rgb({r}, {g}, {b})"


def _bar(fig) -> dict:
    (bar,) = [t for t in fig["data"] if t.get("marker", {}).get("showscale")]
    return bar["marker"]


def _fills(fig, n: int) -> list[str]:
    return [t["fillcolor"] for t in fig["data"][:n]]


def _apply_restyle(fig, args) -> dict:
    """What plotly.js does with a ``restyle`` button: value i of each list goes to trace i."""
    fig = copy.deepcopy(fig)
    attrs, indices = args
    for attr, vals in attrs.items():
        for i, idx in enumerate(indices):
            v = vals[i] if isinstance(vals, list) else vals
            *path, last = attr.split(".")
            node = fig["data"][idx]
            for p in path:
                node = node.setdefault(p, {})
            if v is None:
                node.pop(last, None)
            else:
                node[last] = v
    return fig


def _check_legend_matches(fig, values) -> None:
    z = np.asarray(values, dtype=float)
    fills = _fills(fig, len(z))
    marker = _bar(fig)
    scale = marker["colorscale"]
    assert isinstance(scale, list)  # an explicit scale, never a plotly.js scale name
    assert marker["cmin"] == np.nanmin(z) and marker["cmax"] == np.nanmax(z)
    assert fills[int(np.nanargmax(z))] == scale[-1][1]  # top of the colour bar
    assert fills[int(np.nanargmin(z))] == scale[0][1]  # bottom of the colour bar
    assert fills[3] == "#d9d9d9"  # no data


@pytest.mark.parametrize("polarity", POLARITIES)
def test_highest_area_has_the_colour_at_the_top_of_the_bar(areas, polarity):
    fig = choropleth(areas, VALUES, title="t", polarity=polarity, value_label="v")
    _check_legend_matches(fig, VALUES)


@pytest.mark.parametrize("polarity", POLARITIES)
def test_named_scales_are_turned_into_the_same_explicit_list(areas, polarity):
    fig = choropleth(areas, VALUES, title="t", polarity=polarity, colorscale="Blues")
    _check_legend_matches(fig, VALUES)


def test_worse_is_red_whichever_way_better_runs(areas):
    up = choropleth(areas, VALUES, title="t", polarity="higher_is_better")
    down = choropleth(areas, VALUES, title="t", polarity="lower_is_better")
    lowest, highest = int(np.nanargmin(VALUES)), int(np.nanargmax(VALUES))
    assert _fills(up, 5)[lowest] == _rgb(WORSE)  # low is worse when higher is better
    assert _fills(down, 5)[highest] == _rgb(WORSE)  # high is worse when lower is better
    assert _fills(up, 5)[highest] == _fills(down, 5)[lowest]  # and better is one colour too


def test_midpoint_gets_the_middle_colour_and_the_bar_still_matches(areas):
    vals = [10.0, 20.0, 30.0, float("nan"), 100.0]
    fig = choropleth(areas, vals, title="t", polarity="higher_is_better", midpoint=20.0)
    _check_legend_matches(fig, vals)
    assert _fills(fig, 5)[1] == _rgb("#ffffbf")  # the middle of the diverging scale


def test_every_layer_of_a_selector_matches_its_legend(areas):
    layers = {
        "up": VALUES,
        "down": [3.0, 1.0, 2.0, float("nan"), 9.0],
        "neutral": [0.5, 0.1, 0.9, float("nan"), 0.7],
    }
    pol = {"up": "higher_is_better", "down": "lower_is_better"}
    fig = choropleth_selector(areas, layers, title="t", polarities=pol, label=areas["name"])
    _check_legend_matches(fig, layers["up"])
    buttons = fig["layout"]["updatemenus"][0]["buttons"]
    assert [b["label"] for b in buttons] == list(layers)
    for b in buttons:
        shown = _apply_restyle(fig, b["args"])
        _check_legend_matches(shown, layers[b["label"]])
        assert _bar(shown)["colorbar"]["title"]["text"] == b["label"]
    down = _apply_restyle(fig, buttons[1]["args"])
    assert _fills(down, 5)[4] == _rgb(WORSE)  # 9.0 is the worst when lower is better
    assert list(fig.table.columns[-3:]) == list(layers)


def test_hover_and_ticks_are_locale_formatted(areas):
    with use_locale("nl"):
        fig = choropleth(
            areas, VALUES, title="t", value_label="Density", unit="inh./km²", label=areas["name"]
        )
    text = fig["data"][1]["text"]
    assert "Area 1" in text and "Density" in text and "2.170 inh./km²" in text
    ticks = _bar(fig)["colorbar"]["ticktext"]
    assert ticks and not any("e+" in t for t in ticks)
    assert "1.000" in ticks or "2.000" in ticks
    assert "e+" not in str(fig["data"])


def test_percent_format_stays_supported(areas):
    fig = choropleth(areas, [0.1, 0.25, 0.3, None, 0.05], title="t", value_format=".1%")
    assert "25.0%" in fig["data"][1]["text"]
