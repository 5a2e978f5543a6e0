"""A small hand-built report (one map, one table) for the render, PDF and browser tests."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from mesocare.reports import maps
from mesocare.reports.base import Figure, Section, Table
from mesocare.reports.render import Diagnosis


@pytest.fixture
def small_diagnosis() -> Diagnosis:
    areas = gpd.GeoDataFrame(
        {"area_code": ["A", "B", "C"], "name": ["Alpha", "Beta", "Gamma"]},
        geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000), box(0, 1000, 2000, 2000)],
        crs="EPSG:31370",
    )
    fig = maps.choropleth(
        areas, [1.0, 2.0, 3.5], title="Map", label=areas["name"], polarity="higher_is_better"
    )
    frame = pd.DataFrame({"area": ["Alpha", "Beta", "Gamma"], "value": [1.0, 2.0, 3.5]})
    sec = Section("s", "Section", ["A paragraph."], [Figure("A map", fig)], [Table("T", frame)])
    return Diagnosis("Territory", "Z01", "Zone one", 2024, True, [], [sec])
