"""Malformed area, population, zone and provider files are refused from the command line with the
place named (file, column, row), and the territory folder stays byte for byte as it was."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point
from tests.sources.helpers import CODES, grid, run_main, write_inputs

from mesocare.sources.files import import_files
from mesocare.territory import save_territory


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))}


def _csv(path: Path, frame: pd.DataFrame) -> Path:
    frame.to_csv(path, index=False)
    return path


def _pop(**change) -> pd.DataFrame:
    df = pd.DataFrame({"area_code": CODES, "population": [100] * 12})
    for col, (row, value) in change.items():
        df[col] = df[col].astype(object)
        df.loc[row, col] = value
    return df


def _bands(frame_change) -> pd.DataFrame:
    rows = [(c, s, "0-4", 5) for c in CODES for s in "MF"]
    df = pd.DataFrame(rows, columns=["area_code", "sex", "age_band", "count"])
    return frame_change(df)


def _providers(**change) -> pd.DataFrame:
    df = pd.DataFrame(
        {
            "provider_id": ["a", "b", "c"],
            "name": ["Dr A", "Dr B", "Dr C"],
            "discipline": ["gp", "gp", "pharmacist"],
            "area_code": ["H00", "H11", "H23"],
            "fte": ["1", "0,5", "1"],
            "accepting_new_patients": ["yes", "nee", ""],
        }
    )
    for col, (row, value) in change.items():
        df.loc[row, col] = value
    return df


def _layer(tmp: Path, change) -> Path:
    g = change(grid())
    path = tmp / "bad.gpkg"
    g.to_file(path, driver="GPKG", engine="pyogrio")
    return path


def _no_prj(tmp: Path) -> Path:
    path = tmp / "bad.shp"
    grid().to_file(path, engine="pyogrio")
    path.with_suffix(".prj").unlink()
    return path


def _bad_xlsx(tmp: Path) -> Path:
    path = tmp / "bad.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a workbook")
    return path


def _points(g: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    g = g.copy()
    g.loc[3, "geometry"] = Point(24.94, 60.17)
    return g


# kind → (which file is bad, how to write it, what the message must name)
CASES = {
    "areas: missing file": ("areas", lambda t: t / "nowhere.gpkg", ["nowhere.gpkg"]),
    "areas: not a layer": (
        "areas",
        lambda t: (t / "bad.geojson").write_text("{not json") and t / "bad.geojson",
        ["bad.geojson", "not a readable area layer"],
    ),
    "areas: unsupported format": (
        "areas",
        lambda t: _csv(t / "bad.csv", _pop()),
        ["bad.csv", "unsupported area layer format"],
    ),
    "areas: no area_code column": (
        "areas",
        lambda t: _layer(t, lambda g: g.rename(columns={"area_code": "code"})),
        ["bad.gpkg", "column 'area_code'"],
    ),
    "areas: duplicate code": (
        "areas",
        lambda t: _layer(t, lambda g: g.assign(area_code=CODES[:-1] + ["H00"])),
        ["column 'area_code', row 12", "listed twice"],
    ),
    "areas: empty code": (
        "areas",
        lambda t: _layer(t, lambda g: g.assign(area_code=[""] + CODES[1:])),
        ["column 'area_code', row 1", "empty area code"],
    ),
    "areas: a point": (
        "areas",
        lambda t: _layer(t, _points),
        ["column 'geometry', row 4", "not a polygon"],
    ),
    "areas: no CRS": ("areas", _no_prj, ["bad.shp", "without a CRS"]),
    "population: no population column": (
        "population",
        lambda t: _csv(t / "p.csv", _pop().rename(columns={"population": "inhabitants"})),
        ["p.csv", "column 'population'"],
    ),
    "population: not a number": (
        "population",
        lambda t: _csv(t / "p.csv", _pop(population=(4, "many"))),
        ["column 'population', row 6", "'many'"],
    ),
    "population: negative": (
        "population",
        lambda t: _csv(t / "p.csv", _pop(population=(0, -3))),
        ["column 'population', row 2", "not a count"],
    ),
    "population: unknown area": (
        "population",
        lambda t: _csv(t / "p.csv", _pop(area_code=(2, "X99"))),
        ["column 'area_code', row 4", "'X99'"],
    ),
    "population: unknown sex": (
        "population",
        lambda t: _csv(t / "p.csv", _bands(lambda d: d.assign(sex=["M", "Q"] * 12))),
        ["column 'sex', row 3", "'Q'"],
    ),
    "population: unknown age band": (
        "population",
        lambda t: _csv(t / "p.csv", _bands(lambda d: d.assign(age_band=["0-4"] * 23 + ["3-7"]))),
        ["column 'age_band', row 25", "'3-7'"],
    ),
    "population: duplicate row": (
        "population",
        lambda t: _csv(t / "p.csv", _bands(lambda d: pd.concat([d, d.iloc[[5]]]))),
        ["column 'age_band', row 26", "listed twice"],
    ),
    "population: damaged xlsx": ("population", _bad_xlsx, ["bad.xlsx", "not a readable table"]),
    "zones: an area missing": (
        "zones",
        lambda t: _csv(t / "z.csv", pd.DataFrame({"area_code": CODES[:-1], "zone_code": "Z"})),
        ["z.csv", "without a zone", "H23"],
    ),
    "providers: unknown discipline": (
        "providers",
        lambda t: _csv(t / "pr.csv", _providers(discipline=(1, "wizard"))),
        ["pr.csv", "column 'discipline', row 3", "'wizard'"],
    ),
    "providers: outside the areas": (
        "providers",
        lambda t: _csv(
            t / "pr.csv",
            _providers().assign(x=["24.94", "24.94", "5.0"], y=["60.17", "60.17", "50.0"]),
        ),
        ["column 'x, y', row 4", "outside the territory"],
    ),
    "providers: no place": (
        "providers",
        lambda t: _csv(t / "pr.csv", _providers(area_code=(0, ""))),
        ["column 'area_code', row 2", "without a place"],
    ),
    "providers: FTE not a number": (
        "providers",
        lambda t: _csv(t / "pr.csv", _providers(fte=(2, "full"))),
        ["column 'fte', row 4", "'full'"],
    ),
    "providers: unknown area code": (
        "providers",
        lambda t: _csv(t / "pr.csv", _providers(area_code=(1, "H99"))),
        ["column 'area_code', row 3", "'H99'"],
    ),
    "providers: accepting is not yes or no": (
        "providers",
        lambda t: _csv(t / "pr.csv", _providers(accepting_new_patients=(0, "maybe"))),
        ["column 'accepting_new_patients', row 2", "'maybe'"],
    ),
    "providers: duplicate identifier": (
        "providers",
        lambda t: _csv(t / "pr.csv", _providers(provider_id=(2, "a"))),
        ["column 'provider_id', row 4", "duplicate"],
    ),
}


@pytest.fixture
def territory(tmp_path) -> Path:
    """A territory folder from good files: what every refused file must leave untouched."""
    f = write_inputs(tmp_path / "good")
    t = import_files(f["areas"], f["population"], providers=f["providers"], year=2024).territory
    return save_territory(t, tmp_path / "territory")


@pytest.mark.parametrize("kind", list(CASES))
def test_malformed_file_is_refused_and_nothing_is_stored(
    kind, territory, tmp_path, monkeypatch, capsys
):
    which, write, named = CASES[kind]
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    bad = write(bad_dir)
    good = write_inputs(tmp_path / "good")
    before = snapshot(territory)
    if which == "providers":
        args = ["providers", "import", str(territory), str(bad)]
    else:
        files = {"areas": good["areas"], "population": good["population"], which: bad}
        args = ["import", "files", "--areas", str(files["areas"])]
        args += ["--population", str(files["population"]), "--year", "2024"]
        args += ["--zones", str(files["zones"])] if "zones" in files else []
        args += ["--out", str(territory)]
    code, text = run_main(monkeypatch, capsys, *args)
    assert code == 2, text
    line = " ".join(text.split())
    for part in named:
        assert part in line, line
    assert "Traceback" not in text
    assert snapshot(territory) == before
    assert sorted(p.name for p in territory.parent.iterdir()) == ["bad", "good", "territory"]


def test_there_are_twenty_kinds_at_least():
    assert len(CASES) >= 20
