"""The diagnosis report a coordinator reads: its sections, figures, offline HTML and JSON, in
three languages, all rendered from one ``ZoneDiagnosis``."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from mesocare.errors import MesocareError
from mesocare.reports.diagnosis import build_report, check_format, render_report, write_report
from mesocare.reports.sections.geo import ZoneGeometry
from mesocare.services.diagnosis import diagnose
from mesocare.territory import Territory


@pytest.fixture(scope="module")
def diagnosis(leuven):
    return diagnose(leuven, "Z01")


@pytest.fixture(scope="module")
def geometry(leuven):
    return ZoneGeometry.of(leuven, "Z01")


@pytest.fixture(scope="module")
def page(diagnosis, geometry):
    return render_report(diagnosis, geometry, "html", lang="en")


def test_sections_in_order(diagnosis, geometry):
    ids = [s.id for s in build_report(diagnosis, geometry).sections]
    assert ids[:5] == ["overview", "population", "indicators", "supply", "shortage"]
    assert ids[-2:] == ["definitions", "sources"]


def test_html_is_self_contained_and_offline(page):
    assert "<script" in page and "plotly" in page.lower()
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r'<link[^>]+href=["\']https?:', page)


def test_html_has_maps_pyramid_tables_and_label(page):
    for sid in ("overview", "population", "indicators", "supply", "shortage", "sources"):
        assert f'id="{sid}"' in page
    assert "SYNTHETIC DATA" in page
    assert page.count('class="plotly-graph-div"') >= 4
    assert "Population pyramid" in page
    assert "The zone against its region" in page
    assert "Care and welfare supply" in page
    assert "102,275" in page


def test_no_raw_column_names_in_the_body(page):
    body = re.sub(r"<script.*?</script>", "", page, flags=re.S)
    for raw in ("classic_eur", "n_gps", "need_rule_eur", "unit_code", "gp_under65_per_100k"):
        assert raw not in body, raw
    assert "mesocare zone" not in body  # no command lines in the body


def test_benchmark_colouring(page):
    assert re.search(r'<td class="(better|worse|similar|higher|lower)"', page)


def test_report_and_json_come_from_the_same_diagnosis(diagnosis, geometry):
    data = json.loads(render_report(diagnosis, geometry, "json"))
    assert data == json.loads(diagnosis.model_dump_json())
    assert data["zone"]["code"] == "Z01" and data["synthetic"] is True
    pop = next(
        f for f in data["themes"]["indicators"]["findings"] if f["indicator_id"] == "population"
    )
    assert pop["value"] == 102_275


@pytest.mark.parametrize(
    ("lang", "number", "words"),
    [
        ("nl", "102.275", ("Bevolking", "65 jaar en ouder", "Afhankelijkheidsratio")),
        ("fr", "102\u202f275", ("Population", "65 ans et plus", "Rapport de dépendance")),
        ("en", "102,275", ("Population", "Aged 65 and over", "Dependency ratio")),
    ],
)
def test_three_languages_with_their_number_formats(diagnosis, geometry, lang, number, words):
    page = render_report(diagnosis, geometry, "html", lang=lang)
    assert number in page
    assert f'lang="{lang}"' in page
    for word in words:  # section titles and the indicators' own names
        assert word in page, word


def test_report_without_providers_says_so(leuven):
    t = Territory.build(
        leuven.manifest,
        leuven.areas,
        leuven.units,
        leuven.population,
        leuven.area_attributes,
        leuven.providers.iloc[0:0],
    )
    d = diagnose(t, "Z01")
    assert d.themes.shortage is None and d.themes.accessibility is None
    supply = next(
        s for s in build_report(d, ZoneGeometry.of(t, "Z01")).sections if s.id == "supply"
    )
    assert any("no provider data" in p for p in supply.paragraphs)
    assert any("mesocare providers import" in p for p in supply.paragraphs)
    access = next(
        s for s in build_report(d, ZoneGeometry.of(t, "Z01")).sections if s.id == "accessibility"
    )
    assert "not computed" in access.paragraphs[0] and "'gp'" in access.paragraphs[0]
    assert [n.theme for n in d.not_computed] == ["shortage", "accessibility"]


def test_write_is_atomic(diagnosis, geometry, tmp_path, monkeypatch):
    out = tmp_path / "r.html"
    out.write_text("previous report")
    import mesocare.reports.diagnosis as rep

    def boom(*a, **k):
        raise RuntimeError("x")

    monkeypatch.setattr(rep, "render_html", boom)
    with pytest.raises(RuntimeError):
        write_report(diagnosis, geometry, out)
    assert out.read_text() == "previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]


def test_format_and_file_name_must_agree(tmp_path):
    assert check_format(tmp_path / "r.html", None) == "html"
    assert check_format(tmp_path / "r.pdf", "pdf") == "pdf"
    with pytest.raises(MesocareError, match="ends in .pdf"):
        check_format(tmp_path / "x.pdf", "html")
    with pytest.raises(MesocareError, match="unknown report format"):
        check_format(tmp_path / "x", "docx")
    with pytest.raises(MesocareError, match="suffix"):
        check_format(tmp_path / "x.txt", None)


def _run(*args: str):
    return subprocess.run(
        [sys.executable, "-m", "mesocare", *args], capture_output=True, text=True, timeout=300
    )


def test_cli_demo_and_diagnose(tmp_path):
    r = _run("demo", "--out", str(tmp_path / "demo"), "--no-serve")
    assert r.returncode == 0, r.stderr
    t = str(tmp_path / "demo" / "leuven")
    assert (tmp_path / "demo" / "diagnosis-Z01.html").stat().st_size > 100_000
    assert "diagnosis-Z01.html" in r.stdout
    assert (
        "coordinator@demo.mesocare.org" in r.stdout
    )  # the platform is prepared, its accounts shown
    listed = _run("users", "list", "--data", str(tmp_path / "demo"))
    assert "coordinator@leuven:Z01" in listed.stdout, listed.stderr
    r = _run("diagnose", t, "--zone", "z02", "--format", "json", "--out", str(tmp_path / "z2.json"))
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "z2.json").read_text())["zone"]["code"] == "Z02"
    r = _run("diagnose", t, "--zone", "z01", "--lang", "nl", "--out", str(tmp_path / "r.html"))
    assert r.returncode == 0, r.stderr
    nl = (tmp_path / "r.html").read_text()
    assert "102.275" in nl and 'lang="nl"' in nl
    r = _run("diagnose", t, "--zone", "Z99", "--out", str(tmp_path / "x.html"))
    assert r.returncode == 2
    out = r.stdout + r.stderr
    assert "unknown zone 'Z99'" in out and "Traceback" not in out
    assert not (tmp_path / "x.html").exists()
    r = _run("diagnose", t, "--out", str(tmp_path / "x.pdf"), "--format", "html")
    assert r.returncode == 2 and "ends in .pdf" in r.stdout + r.stderr
    r = _run("diagnose", str(tmp_path / "nowhere"), "--out", str(tmp_path / "x.html"))
    assert r.returncode == 2 and "territory.toml" in r.stdout + r.stderr
    r = _run(
        "diagnose",
        t,
        "--out",
        str(tmp_path / "demo" / "leuven" / "territory.toml"),
        "--format",
        "json",
    )
    assert r.returncode == 2
    assert (
        (tmp_path / "demo" / "leuven" / "territory.toml").read_text().startswith(("name", "format"))
    )
    r = _run("diagnose", "--schema")
    assert r.returncode == 0 and json.loads(r.stdout)["title"] == "Mesocare zone diagnosis"


def test_diagnose_all_writes_every_zone_the_plotly_bundle_once_and_an_index(leuven, tmp_path):
    from mesocare.reports.batch import PLOTLY_FILE, write_all

    paths = write_all(leuven, tmp_path / "all", fmt="html", workers=2)
    assert sorted(paths) == leuven.zone_codes()
    assert (tmp_path / "all" / PLOTLY_FILE).exists()
    for p in paths.values():
        text = p.read_text()
        assert f'src="{PLOTLY_FILE}"' in text
        assert len(text) < 3_000_000  # the 4.5 MB bundle is not inlined
    index = (tmp_path / "all" / "index.html").read_text()
    assert "diagnosis-Z04.html" in index and "SYNTHETIC" in index


def test_diagnose_all_json_equals_one_by_one(leuven, tmp_path):
    from mesocare.reports.batch import write_all

    paths = write_all(leuven, tmp_path / "j", fmt="json", workers=2)
    for z, p in paths.items():
        assert json.loads(p.read_text()) == json.loads(diagnose(leuven, z).model_dump_json()), z
