"""A tiny hand-built territory whose indicator values are worked out by hand in the tests.

Region R1 > zone Z01 (networks Z01-N1 = A1 + A2, Z01-N2 = A3) and zone Z02 (A4, no network).

====  ======  =====  =====================================  =========================
area  km²     pop    by age                                 GPs (age)
====  ======  =====  =====================================  =========================
A1    1       500    0-4: 100, 30-34: 300, 65-69: 80,       50, 62, unknown
                     80-84: 20
A2    4       1000   20-24: 900, 70-74: 100                 none
A3    2       2000   40-44: 1500, 85-89: 500                66, 40
A4    10      1000   0-4: 400, 50-54: 600                   30
====  ======  =====  =====================================  =========================

Other providers: 2 home nurses in A1, a pharmacist in A3, a social service in A2, a welfare
organisation in A4. Attributes: income 20,000 / 30,000 / missing / 10,000 EUR; BIM share
0.1 / 0.2 / 0.3 / 0.4.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from mesocare.territory import AttributeDefinition, Manifest, Territory

AreaSpec = dict[str, Any]


def build_territory(
    areas: list[AreaSpec],
    providers: list[dict[str, Any]],
    attributes: dict[str, list[float]] | None = None,
    *,
    year: int = 2020,
) -> Territory:
    """A territory of rectangles side by side; each area spec has code, network, zone, region,
    width_km, height_km and population ({(sex, band): count})."""
    geoms, rows, pop_rows = [], [], []
    x0 = 150_000.0
    for a in areas:
        w, h = a["width_km"] * 1000, a["height_km"] * 1000
        geoms.append(shapely.box(x0, 170_000.0, x0 + w, 170_000.0 + h))
        x0 += w + 1000
        rows.append(
            dict(
                area_code=a["code"],
                name=f"Area {a['code']}",
                level="test area",
                network_code=a.get("network"),
                zone_code=a["zone"],
                region_code=a["region"],
                area_km2=a["width_km"] * a["height_km"],
            )
        )
        for (sex, band), count in a["population"].items():
            pop_rows.append(
                dict(area_code=a["code"], sex=sex, age_band=band, count=count, year=year)
            )
    units: dict[str, tuple[str, str | None]] = {}
    for a in areas:
        units[a["region"]] = ("region", None)
        units[a["zone"]] = ("zone", a["region"])
        if a.get("network"):
            units[a["network"]] = ("network", a["zone"])
    unit_df = pd.DataFrame(
        [
            dict(unit_code=c, name=f"Unit {c}", level=lv, parent_code=p)
            for c, (lv, p) in units.items()
        ]
    )
    # each provider at its area's centre (a point in the areas' CRS, as the loader requires)
    centre = {a["code"]: g.centroid for a, g in zip(areas, geoms, strict=True)}
    prov = pd.DataFrame(
        [
            dict(
                provider_id=f"P{i}",
                discipline=p["discipline"],
                practice_id=None,
                name=f"Provider {i}",
                area_code=p["area"],
                x=centre[p["area"]].x,
                y=centre[p["area"]].y,
                fte=1.0,
                age=p.get("age", np.nan),
                accepting_new_patients=None,
            )
            for i, p in enumerate(providers)
        ],
        columns=[
            "provider_id",
            "discipline",
            "practice_id",
            "name",
            "area_code",
            "x",
            "y",
            "fte",
            "age",
            "accepting_new_patients",
        ],
    )
    attrs = pd.DataFrame({"area_code": [a["code"] for a in areas], **(attributes or {})})
    manifest = Manifest(
        name="Tiny test territory",
        reference_year=year,
        crs="EPSG:31370",
        synthetic=True,
        attributes={
            k: AttributeDefinition(label=k, unit="", definition="test", source="test")
            for k in (attributes or {})
        },
    )
    gdf = gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geoms, crs="EPSG:31370")
    return Territory.build(manifest, gdf, unit_df, pd.DataFrame(pop_rows), attrs, prov)


TINY_AREAS: list[AreaSpec] = [
    dict(
        code="A1", network="Z01-N1", zone="Z01", region="R1", width_km=1, height_km=1,
        population={("M", "0-4"): 100, ("F", "30-34"): 300, ("M", "65-69"): 80,
                    ("F", "80-84"): 20},
    ),
    dict(
        code="A2", network="Z01-N1", zone="Z01", region="R1", width_km=2, height_km=2,
        population={("F", "20-24"): 900, ("M", "70-74"): 100},
    ),
    dict(
        code="A3", network="Z01-N2", zone="Z01", region="R1", width_km=1, height_km=2,
        population={("M", "40-44"): 1500, ("F", "85-89"): 500},
    ),
    dict(
        code="A4", network=None, zone="Z02", region="R1", width_km=2, height_km=5,
        population={("F", "0-4"): 400, ("M", "50-54"): 600},
    ),
]  # fmt: skip

TINY_PROVIDERS: list[dict[str, Any]] = [
    dict(discipline="gp", area="A1", age=50),
    dict(discipline="gp", area="A1", age=62),
    dict(discipline="gp", area="A1"),
    dict(discipline="gp", area="A3", age=66),
    dict(discipline="gp", area="A3", age=40),
    dict(discipline="gp", area="A4", age=30),
    dict(discipline="home_nurse", area="A1", age=40),
    dict(discipline="home_nurse", area="A1", age=45),
    dict(discipline="pharmacist", area="A3"),
    dict(discipline="social_service", area="A2"),
    dict(discipline="welfare_organisation", area="A4"),
]

TINY_ATTRIBUTES = {
    "mean_taxable_income_eur": [20_000.0, 30_000.0, np.nan, 10_000.0],
    "bim_share": [0.1, 0.2, 0.3, 0.4],
}


@pytest.fixture(scope="session")
def tiny() -> Territory:
    return build_territory(TINY_AREAS, TINY_PROVIDERS, TINY_ATTRIBUTES)


@pytest.fixture(scope="session")
def make_territory() -> Callable[..., Territory]:
    return build_territory
