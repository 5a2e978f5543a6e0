"""The use cases on the synthetic Leuven territory, the CLI and the report section."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from mesocare.accessibility import MatrixFile
from mesocare.errors import ParameterError
from mesocare.services.accessibility import (
    AccessRequest,
    Method,
    compute_accessibility,
    plan_sites,
    write_table,
)


@pytest.fixture(scope="module")
def apl_result(leuven):
    return compute_accessibility(leuven, AccessRequest(method=Method.APL))


def test_units_are_standardised_population_weighted_means(leuven, apl_result):
    """DREES: a unit's APL is weighted by the standardised population; the population under the
    threshold is counted in inhabitants; under-served is APL < 2.5 (zoning decree)."""
    a, u = apl_result.areas, apl_result.units
    assert not np.allclose(a["demand"], a["population"])  # the weights are not the head counts
    for code, inz in a.groupby("zone_code"):
        z = u[(u["level"] == "zone") & (u["unit_code"] == code)].iloc[0]
        assert z["accessibility"] == pytest.approx(
            np.average(inz["accessibility"], weights=inz["demand"])
        )
        assert z["population"] == pytest.approx(inz["population"].sum())
        assert z["population_in_shortage"] == inz.loc[inz["shortage"], "population"].sum()
    assert set(u["level"]) == {"network", "zone", "region"}
    assert (a["shortage"] == (a["accessibility"] < 2.5)).all()


def test_apl_conserves_consultations(leuven, apl_result):
    s = apl_result.supply
    reached = s["catchment_demand"] > 0
    total = (apl_result.areas["accessibility"] * apl_result.demand).sum()
    assert total == pytest.approx(s.loc[reached, "supply"].sum(), rel=1e-9)
    gps = leuven.providers[leuven.providers["discipline"] == "gp"]
    # activity = FTE × 5,400 bounded as DREES does (the GPs here have 0.2-1 FTE: 1,080-5,400
    # consultations, so under 3,600 counts 3,600); GPs over 65 count 0
    fte = gps.loc[~(gps["age"] > 65), "fte"].to_numpy()
    assert s["supply"].sum() == pytest.approx(np.maximum(3600, 5400 * fte).sum())


def test_matrix_provider_counts_supply_per_area(leuven, tmp_path):
    codes = leuven.areas["area_code"].to_numpy()
    c = leuven.areas.geometry.centroid
    d = np.hypot(
        c.x.to_numpy()[:, None] - c.x.to_numpy()[None, :],
        c.y.to_numpy()[:, None] - c.y.to_numpy()[None, :],
    )
    i, j = np.nonzero(d <= 12_000)
    table = pd.DataFrame({"origin": codes[i], "destination": codes[j], "minutes": d[i, j] / 500})
    path = tmp_path / "m.parquet"
    table.to_parquet(path)
    r = compute_accessibility(
        leuven, AccessRequest(method="2sfca", travel=MatrixFile.read(path), max_minutes=20)
    )
    gp = leuven.providers["discipline"] == "gp"
    assert r.supply["supply"].sum() == pytest.approx(1000 * leuven.providers.loc[gp, "fte"].sum())
    assert (r.areas["accessibility"] > 0).all()


def test_plan_sites_improves_the_zone(leuven, apl_result):
    plan = plan_sites(leuven, apl_result, 3, zone_code="Z04")
    assert plan.sites["fte"].sum() == pytest.approx(3)
    assert plan.shortfall_after < plan.shortfall_before
    assert (plan.areas["change"] >= -1e-12).all()
    assert "optimal" in plan.optimality
    greedy = plan_sites(leuven, apl_result, 3, zone_code="Z04", method="greedy")
    assert greedy.shortfall_after >= plan.shortfall_after - 1e-9


def test_bad_requests_rejected():
    with pytest.raises(ParameterError, match="APL is defined for general practitioners"):
        AccessRequest(method="apl", discipline="pharmacist")
    with pytest.raises(ValueError):
        AccessRequest(method="3sfca")


def test_write_table_formats(apl_result, tmp_path):
    import geopandas as gpd

    write_table(apl_result.areas, tmp_path / "a.gpkg")
    assert len(gpd.read_file(tmp_path / "a.gpkg")) == len(apl_result.areas)
    write_table(apl_result.units, tmp_path / "u.csv")
    with pytest.raises(ParameterError, match="GeoPackage needs"):
        write_table(apl_result.units, tmp_path / "u.gpkg")
    with pytest.raises(ParameterError, match="unsupported output"):
        write_table(apl_result.units, tmp_path / "u.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.gpkg", "u.csv"]


def test_cli(leuven, tmp_path):
    from mesocare.cli import _app
    from mesocare.territory import save_territory

    save_territory(leuven, tmp_path / "t")
    runner = CliRunner()
    r = runner.invoke(
        _app,
        [
            "access",
            "compute",
            str(tmp_path / "t"),
            "--method",
            "apl",
            "--out",
            str(tmp_path / "a.csv"),
        ],
    )
    assert r.exit_code == 0, r.output
    assert "Z01" in r.output and len(pd.read_csv(tmp_path / "a.csv")) == len(leuven.areas)
    assert "apl (drees-2023)" in r.output
    base = ["access", "compute", str(tmp_path / "t"), "-m", "apl", "-o", str(tmp_path / "b.csv")]
    r = runner.invoke(_app, [*base, "--apl-vintage", "2022"])
    assert r.exit_code == 0 and "apl (drees-2022)" in r.output, r.output
    b = pd.read_csv(tmp_path / "b.csv")
    assert not np.allclose(b["demand"], pd.read_csv(tmp_path / "a.csv")["demand"])
    r = runner.invoke(_app, [*base, "--apl-vintage", "2012"])
    assert r.exit_code == 2 and "'2012' is not one of" in r.output  # a usage error
    r = runner.invoke(
        _app,
        [
            "access",
            "site",
            str(tmp_path / "t"),
            "--fte",
            "2",
            "--zone",
            "Z04",
            "--out",
            str(tmp_path / "s.csv"),
        ],
    )
    assert r.exit_code == 0, r.output
    assert "+ " in r.output and "optimal" in r.output


def test_report_section(leuven):
    from mesocare.reports.diagnosis import SECTIONS
    from mesocare.reports.sections.accessibility import render
    from mesocare.reports.sections.geo import ZoneGeometry
    from mesocare.services.diagnosis import diagnose

    assert render in SECTIONS
    d = diagnose(leuven, "Z01")
    sec = render(d, ZoneGeometry.of(leuven, "Z01"))
    assert sec is not None and sec.id == "accessibility"
    assert len(sec.figures) >= 2 and len(sec.tables) == 1
    a = d.themes.accessibility
    # under the DREES 2023 rules no area of Z01 is below 2.5: nothing to place there
    assert a.shortfall_before == 0 and a.sites == [] and a.areas_in_shortage == 0
    d4 = diagnose(leuven, "Z04")
    a = d4.themes.accessibility
    assert render(d4, ZoneGeometry.of(leuven, "Z04")) is not None
    assert a.new_fte == 2.0 and sum(s.fte for s in a.sites) == pytest.approx(2.0)
    assert a.shortfall_after < a.shortfall_before
