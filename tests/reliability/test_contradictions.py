"""Self-contradicting inputs are refused, not turned into wrong figures: areas and providers in
different CRS, infinite or missing numbers, a truncated travel-time matrix; and no JSON written
by Mesocare can hold NaN or Infinity."""

from __future__ import annotations

import json
import math
import tomllib

import numpy as np
import pandas as pd
import pytest
import tomli_w

from mesocare.atomic import json_text, write_json
from mesocare.errors import ValidationError
from mesocare.territory import Territory, load_territory


def _rebuild(t: Territory, **changes) -> Territory:
    tables = {
        "units": t.units,
        "population": t.population,
        "area_attributes": t.area_attributes,
        "providers": t.providers,
        **changes,
    }
    manifest = changes.pop("manifest", t.manifest)
    tables.pop("manifest", None)
    areas = tables.pop("areas", t.areas)
    return Territory.build(manifest, areas, **tables)


def test_providers_in_another_crs_are_refused(leuven):
    lonlat = leuven.providers.assign(x=4.70, y=50.88)  # WGS 84 degrees, areas in EPSG:31370
    with pytest.raises(ValidationError, match="outside the areas") as err:
        _rebuild(leuven, providers=lonlat)
    assert err.value.column == "x" and err.value.row == 1


def test_areas_reprojected_without_their_providers_are_refused(leuven):
    areas = leuven.areas.to_crs("EPSG:3035")
    manifest = leuven.manifest.model_copy(update={"crs": "EPSG:3035"})
    with pytest.raises(ValidationError, match="outside the areas"):
        _rebuild(leuven, areas=areas, manifest=manifest)


def test_a_manifest_crs_that_is_not_the_areas_one_is_refused(leuven):
    manifest = leuven.manifest.model_copy(update={"crs": "EPSG:2154"})
    with pytest.raises(ValidationError, match="another CRS than the manifest") as err:
        _rebuild(leuven, manifest=manifest)
    assert err.value.column == "crs"


def test_a_provider_just_across_the_border_is_kept(leuven):
    x0 = leuven.areas.total_bounds[0]
    near = leuven.providers.copy()
    near.loc[0, "x"] = x0 - 1_000.0  # 1 km outside the bounding box: geocoding on a border
    assert len(_rebuild(leuven, providers=near).providers) == len(leuven.providers)


@pytest.mark.parametrize(
    ("table", "column", "value", "what"),
    [
        ("providers", "fte", math.inf, "not a finite number"),
        ("providers", "x", -math.inf, "not a finite number"),
        ("providers", "fte", math.nan, "empty value"),
        ("providers", "y", math.nan, "empty value"),
        ("population", "count", math.nan, "empty value"),
        ("population", "count", math.inf, "not a"),
    ],
)
def test_infinite_or_missing_numbers_are_refused(leuven, table, column, value, what):
    frame = getattr(leuven, table).copy()
    frame[column] = frame[column].astype("float64")
    frame.loc[3, column] = value
    with pytest.raises(ValidationError, match=what) as err:
        _rebuild(leuven, **{table: frame})
    assert err.value.column == column and err.value.row == 4


def test_an_infinite_area_attribute_is_refused(leuven):
    attrs = leuven.area_attributes.copy()
    column = next(c for c in attrs.columns if c != "area_code")
    attrs[column] = attrs[column].astype("float64")
    attrs.loc[2, column] = math.inf
    with pytest.raises(ValidationError, match="not a finite number") as err:
        _rebuild(leuven, area_attributes=attrs)
    assert err.value.column == column and err.value.row == 3


def test_a_saved_territory_with_contradictions_fails_every_command_cleanly(cli, own_territory):
    path = own_territory / "providers.parquet"
    pd.read_parquet(path).assign(x=4.70, y=50.88).to_parquet(path, index=False)
    for argv in (
        ["access", "compute", own_territory, "--out", own_territory.parent / "a.csv"],
        ["diagnose", own_territory, "--out", own_territory.parent / "d.json"],
    ):
        run = cli(*argv)
        assert run.failed_cleanly() and run.code == 2, run.err
        assert "providers.parquet" in run.err and "outside the areas" in run.err
    manifest = own_territory / "territory.toml"
    data = tomllib.loads(manifest.read_text())
    manifest.write_text(tomli_w.dumps({**data, "crs": "EPSG:4326"}))
    run = cli("fund", "lists", "-t", own_territory)
    assert run.failed_cleanly() and "another CRS" in run.err


def _matrix(territory: Territory, tmp_path):
    codes = territory.areas["area_code"].tolist()[:30]
    rows = [(o, d, 5.0 + i % 7) for i, (o, d) in enumerate((o, d) for o in codes for d in codes)]
    p = tmp_path / "matrix.csv"
    pd.DataFrame(rows, columns=["origin", "destination", "minutes"]).to_csv(p, index=False)
    return p


@pytest.mark.parametrize("cut", [0.5, 0.999], ids=["mid-file", "mid-last-number"])
def test_a_truncated_travel_time_matrix_is_refused(cli, territory_dir, leuven, tmp_path, cut):
    matrix = _matrix(leuven, tmp_path)
    data = matrix.read_bytes()
    end = int(len(data) * cut)
    if data[end - 1 : end] == b"\n":
        end -= 2
    matrix.write_bytes(data[:end])
    run = cli("access", "compute", territory_dir, "--out", tmp_path / "a.csv", "--matrix", matrix)
    assert run.failed_cleanly() and run.code == 2, run.err
    assert "matrix.csv" in run.err and "truncated" in run.err
    assert not (tmp_path / "a.csv").exists()


def test_a_complete_matrix_is_read(cli, territory_dir, leuven, tmp_path):
    matrix = _matrix(leuven, tmp_path)
    run = cli("access", "compute", territory_dir, "--out", tmp_path / "a.csv", "--matrix", matrix)
    assert run.code == 0, run.err
    assert (tmp_path / "a.csv").is_file()


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, np.float64("nan")])
def test_json_never_holds_nan_or_infinity(tmp_path, value):
    with pytest.raises(ValidationError, match="not a finite number"):
        json_text({"rows": [{"rate": value}]})
    with pytest.raises(ValidationError, match="out.json"):
        write_json(tmp_path / "out.json", {"rate": value})
    assert not (tmp_path / "out.json").exists()


def _strict(text: str):
    def refuse(constant: str):
        raise AssertionError(f"{constant} in a JSON output")

    return json.loads(text, parse_constant=refuse)


def test_json_outputs_are_strict_json(cli, territory_dir, persons_dir, tmp_path):
    run = cli("diagnose", territory_dir, "--out", tmp_path / "d.json")
    assert run.code == 0, run.err
    assert _strict((tmp_path / "d.json").read_text())["zone"]
    run = cli(
        "fund", "allocate", "-t", territory_dir, "--zone", "Z01", "--json", tmp_path / "a.json"
    )
    assert run.code == 0, run.err
    assert _strict((tmp_path / "a.json").read_text())["rows"]
    run = cli("health", "run", territory_dir, persons_dir, "--out", tmp_path / "r")
    assert run.code == 0, run.err
    assert _strict((tmp_path / "r" / "parameters.json").read_text())
    assert load_territory(territory_dir)  # untouched by the runs
