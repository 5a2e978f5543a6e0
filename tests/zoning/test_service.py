import numpy as np
import pytest
from typer.testing import CliRunner

from mesocare.errors import UnknownCodeError
from mesocare.reports.sections import zoning as section
from mesocare.services import zoning as svc
from mesocare.zoning import ZoningParams


def test_nine_vicinity_networks_of_the_leuven_like_zone(leuven):
    o = svc.draw_networks(leuven, "Z01", 9)
    s = o.evaluation.summary
    assert s["zones"] == 9 and s["not_contiguous"] == 0
    assert s["below_minimum"] == 0 and s["above_maximum"] == 0
    assert o.assignment["zone_code"].str.startswith("Z01-V").all()
    assert len(o.assignment) == (leuven.areas["zone_code"] == "Z01").sum()
    assert 0 <= s["adjusted_rand_index"] <= 1


def test_zones_keep_networks_whole_and_meet_bounds(leuven):
    o = svc.draw_zones(leuven, ZoningParams(75_000, 125_000), keep_whole="network_code")
    a = o.assignment.merge(leuven.areas[["area_code", "network_code"]], on="area_code")
    assert a.groupby("network_code")["zone_code"].nunique().max() == 1
    assert o.result.feasible and o.evaluation.summary["not_contiguous"] == 0
    assert o.existing.summary["below_minimum"] == 1  # Z04 has 71,600


def test_unknown_columns_and_zones_are_named(leuven):
    with pytest.raises(UnknownCodeError, match="known: area_code"):
        svc.draw_zones(leuven, ZoningParams(75_000, 125_000), keep_whole="municipality")
    with pytest.raises(UnknownCodeError, match="unknown zone"):
        svc.draw_networks(leuven, "Z99", 3)


def test_mergers_on_a_synthetic_territory(leuven):
    # merge two neighbouring areas that lie in different zones
    from mesocare.zoning import from_geometry

    areas = leuven.areas.reset_index(drop=True)
    g = from_geometry(areas.geometry.to_numpy())
    z = areas["zone_code"].to_numpy()
    i = next(i for i in range(len(areas)) if any(z[j] != z[i] for j in g.neighbours(i)))
    j = next(int(j) for j in g.neighbours(i) if z[j] != z[i])
    codes = areas["area_code"].to_numpy()
    o = svc.redraw_after_mergers(
        leuven, {codes[i]: "M1", codes[j]: "M1"}, ZoningParams(75_000, 125_000)
    )
    assert "merger across zones" in set(o.flags["issue"])
    assert o.result.feasible  # Z04 (71,600) repaired
    assert o.evaluation.summary["not_contiguous"] == 0
    assert len(o.repaired) == len(areas) - 1
    # few changes: far fewer areas change zone than a fresh drawing would move
    assert o.evaluation.summary["areas_changed"] < 40


def test_cli_draw_networks_evaluate(leuven, tmp_path):
    from mesocare.cli import _app
    from mesocare.territory import save_territory

    folder = save_territory(leuven, tmp_path / "t")
    run = CliRunner().invoke
    r = run(
        _app,
        [
            "zone",
            "networks",
            str(folder),
            "--zone",
            "Z01",
            "--count",
            "9",
            "--out",
            str(tmp_path / "n.gpkg"),
        ],
    )
    assert r.exit_code == 0, r.output
    import geopandas as gpd

    zones = gpd.read_file(tmp_path / "n.gpkg", layer="zones")
    assert len(zones) == 9 and zones["population"].sum() == 102_275
    r = run(
        _app,
        [
            "zone",
            "draw",
            str(folder),
            "--keep-whole-column",
            "network_code",
            "--out",
            str(tmp_path / "z.csv"),
        ],
    )
    assert r.exit_code == 0, r.output
    r = run(
        _app,
        [
            "zone",
            "evaluate",
            str(folder),
            "--zoning",
            str(tmp_path / "z.csv"),
            "--min",
            "75000",
            "--max",
            "125000",
        ],
    )
    assert r.exit_code == 0 and "adjusted_rand_index" in r.output


def test_section_is_registered():
    from mesocare.reports.diagnosis import SECTIONS

    assert section.render in SECTIONS


def test_report_section(leuven):
    from mesocare.reports.sections.geo import ZoneGeometry
    from mesocare.services.diagnosis import diagnose

    d = diagnose(leuven, "Z01")
    s = section.render(d, ZoneGeometry.of(leuven, "Z01"))
    assert s is not None and len(s.figures) == 1 and len(s.tables) == 2
    z = d.themes.zoning
    assert sum(r.bounds == "below minimum" for r in z.zones) == 1
    assert all(np.isfinite(r.compactness_km) for r in z.networks)
    assert sum(r.population for r in z.networks) == 102_275
