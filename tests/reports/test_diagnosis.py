"""The diagnosis report a coordinator reads: its sections, figures, offline HTML and JSON."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from mesocare.errors import MesocareError
from mesocare.reports.render import render_html, render_json
from mesocare.services.diagnose import diagnose_zone, write_report
from mesocare.territory import Territory


@pytest.fixture(scope="module")
def diagnosis(leuven):
    return diagnose_zone(leuven, "Z01")


@pytest.fixture(scope="module")
def page(diagnosis):
    return render_html(diagnosis)


def test_sections_in_order(diagnosis):
    ids = [s.id for s in diagnosis.sections]
    assert ids[:4] == ["overview", "population", "indicators", "supply"]
    assert ids[-1] == "sources"


def test_html_is_self_contained_and_offline(page):
    assert "<script" in page and "plotly" in page.lower()
    # no external script, stylesheet or font
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r'<link[^>]+href=["\']https?:', page)


def test_html_has_maps_pyramid_tables_and_label(page, diagnosis):
    for sid in ("overview", "population", "indicators", "supply", "sources"):
        assert f'id="{sid}"' in page
    assert "SYNTHETIC DATA" in page
    assert page.count('class="plotly-graph-div"') >= 4  # pyramid, two indicator maps, supply maps
    assert '"type":"choropleth"' in page.replace(" ", "")
    assert "Population pyramid" in page
    assert "Zone against the region" in page
    assert "Care and welfare supply" in page
    assert "GP shortage" in page
    assert "102,275" in page


def test_benchmark_colouring(page):
    assert re.search(r'<td class="(better|worse|similar|higher|lower)">', page)


def test_json_has_the_same_content(diagnosis):
    data = json.loads(render_json(diagnosis))
    assert data["synthetic"] is True
    assert data["zone"]["code"] == "Z01"
    assert [s["id"] for s in data["sections"]] == [s.id for s in diagnosis.sections]
    ind = next(s for s in data["sections"] if s["id"] == "indicators")
    pop = next(r for r in ind["data"]["zone"] if r["indicator_id"] == "population")
    assert pop["value"] == 102_275
    assert len(ind["data"]["networks"]) > 0


def test_unknown_zone_is_named(leuven):
    with pytest.raises(MesocareError, match="Z99"):
        diagnose_zone(leuven, "Z99")


def test_report_without_providers_says_so(leuven):
    t = Territory.build(
        leuven.manifest,
        leuven.areas,
        leuven.units,
        leuven.population,
        leuven.area_attributes,
        leuven.providers.iloc[0:0],
    )
    d = diagnose_zone(t, "Z01")
    supply = next(s for s in d.sections if s.id == "supply")
    assert any("no provider data" in p for p in supply.paragraphs)


def test_write_is_atomic(diagnosis, tmp_path, monkeypatch):
    out = tmp_path / "r.html"
    out.write_text("previous report")
    import mesocare.services.diagnose as svc

    monkeypatch.setattr(svc, "render_html", lambda d: (_ for _ in ()).throw(RuntimeError("x")))
    with pytest.raises(RuntimeError):
        write_report(diagnosis, out)
    assert out.read_text() == "previous report"
    with pytest.raises(MesocareError, match="format"):
        write_report(diagnosis, out, "pdf")  # type: ignore[arg-type]


def test_cli_demo_and_diagnose(tmp_path, leuven):
    run = [sys.executable, "-m", "mesocare"]
    r = subprocess.run(
        [*run, "demo", "--out", str(tmp_path / "demo")], capture_output=True, text=True, timeout=300
    )
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "demo" / "territory" / "territory.toml").exists()
    assert (tmp_path / "demo" / "diagnosis-Z01.html").stat().st_size > 100_000
    assert "diagnosis-Z01.html" in r.stdout
    r = subprocess.run(
        [
            *run,
            "diagnose",
            str(tmp_path / "demo" / "territory"),
            "--zone",
            "Z02",
            "--format",
            "json",
            "--out",
            str(tmp_path / "z2.json"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "z2.json").read_text())["zone"]["code"] == "Z02"
    r = subprocess.run(
        [
            *run,
            "diagnose",
            str(tmp_path / "demo" / "territory"),
            "--zone",
            "Z99",
            "--out",
            str(tmp_path / "x.html"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 2
    assert "unknown zone 'Z99'" in r.stdout and "Traceback" not in r.stdout + r.stderr
    assert not (tmp_path / "x.html").exists()
    r = subprocess.run(
        [*run, "diagnose", str(tmp_path / "nowhere"), "--out", str(tmp_path / "x.html")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 2 and "territory.toml" in r.stdout


def test_cells_format_numpy_values_like_python_ones():
    import numpy as np

    from mesocare.reports.render import _fmt

    assert _fmt(np.bool_(True)) == "yes" and _fmt(True) == "yes"
    assert _fmt(np.int64(102275)) == "102,275"
    assert _fmt(np.float64(0.123)) == "0.12"
    assert _fmt(float("nan")) == "–" and _fmt(None) == "–"


def test_diagnose_all_zones_in_parallel_matches_one_by_one(leuven, tmp_path):
    from mesocare.services.diagnose_all import diagnose_all

    paths = diagnose_all(leuven, tmp_path / "all", fmt="json", workers=2)
    assert sorted(paths) == leuven.zone_codes()
    assert (tmp_path / "all" / "index.html").exists()
    for z, p in paths.items():
        got = json.loads(p.read_text())
        alone = json.loads(render_json(diagnose_zone(leuven, z)))
        assert got["sections"] == alone["sections"], z
    index = (tmp_path / "all" / "index.html").read_text()
    assert "diagnosis-Z04.json" in index and "SYNTHETIC" in index


def test_lone_report_built_in_two_processes_is_the_same(leuven):
    one = json.loads(render_json(diagnose_zone(leuven, "Z03")))
    two = json.loads(render_json(diagnose_zone(leuven, "Z03", workers=2)))
    assert one["sections"] == two["sections"]
