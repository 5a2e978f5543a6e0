"""The Belgium importer on the real open data in ``../shared/data`` (skips without it).

``tests/data/wallonia_zones_namur_liege.csv`` is a hand-written mapping (not an official OLS
layout): eight municipalities around Namur (Namur, Andenne, Assesse, Fernelmont, Floreffe, Gesves,
La Bruyère, Profondeville) and seven around Liège (Liège, Ans, Flémalle, Grâce-Hollogne, Herstal,
Saint-Nicolas, Seraing).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from mesocare.errors import ValidationError
from mesocare.i18n import fmt_int, use_locale
from mesocare.sources import _belgium as B
from mesocare.sources.belgium import STEPS, import_belgium, read_zones

pytestmark = pytest.mark.realdata

ZONES_FILE = Path(__file__).parents[1] / "data" / "wallonia_zones_namur_liege.csv"
NAMUR = ["92003", "92006", "92045", "92054", "92094", "92101", "92138", "92141"]


@pytest.fixture(scope="session")
def belgium(shared_data: Path):
    steps: list[str] = []
    territory = import_belgium(shared_data, zones=ZONES_FILE, progress=steps.append)
    assert steps == list(STEPS)
    return territory


@pytest.fixture(scope="session")
def totals_2020(shared_data: Path) -> pd.DataFrame:
    return pd.read_csv(
        shared_data / B.POPULATION_2020, dtype={"NIS code": str}, encoding="utf-8-sig"
    ).set_index("NIS code")


def test_belgium_has_11492641_inhabitants_in_three_regions(belgium, totals_2020):
    assert int(belgium.population["count"].sum()) == 11_492_641
    assert len(belgium.areas) == 581
    by_region = belgium.areas.groupby("region_code").size().to_dict()
    assert by_region == {B.FLANDERS: 300, B.WALLONIA: 262, B.BRUSSELS: 19}
    per_area = belgium.population.groupby("area_code")["count"].sum()
    regions = belgium.areas.set_index("area_code")["region_code"]
    for region in (B.FLANDERS, B.WALLONIA, B.BRUSSELS):
        assert int(per_area[regions == region].sum()) == int(totals_2020.loc[region, "Totaal"])
    assert bool(belgium.area_attributes["mean_taxable_income_eur"].notna().all())


def test_hainaut_2019_recoding(belgium, totals_2020):
    """La Louvière (55022 in 2013, 58001 since 2019) gets its 2020 population."""
    per_area = belgium.population.groupby("area_code")["count"].sum()
    assert int(per_area["58001"]) == int(totals_2020.loc["58001", "Totaal"]) == 81_138
    names = belgium.areas.set_index("area_code")["name"]
    assert names["92094"] == "Namur" and names["62063"] == "Liège"


def test_zones_from_the_file_and_the_flemish_zones(belgium):
    zones = belgium.areas.set_index("area_code")["zone_code"]
    assert sorted(zones[(zones == "OLS-NAMUR").fillna(False)].index) == NAMUR
    assert zones["24062"] == "elz19"  # Leuven keeps its Flemish zone
    brussels = belgium.areas["region_code"] == B.BRUSSELS
    assert set(zones[brussels.to_numpy()]) == {zones["21004"]}  # Bruzel: the whole region
    walloon = belgium.areas["region_code"] == B.WALLONIA
    assert int(zones[walloon.to_numpy()].isna().sum()) == 262 - 15
    assert belgium.unit_name("OLS-NAMUR") == "Namur et environs"
    parent = belgium.units.set_index("unit_code")["parent_code"]
    assert parent["OLS-NAMUR"] == B.WALLONIA


def test_report_in_french_for_a_walloon_zone(belgium, shared_data, totals_2020, tmp_path):
    from mesocare.reports.diagnosis import write_report
    from mesocare.reports.sections.geo import ZoneGeometry
    from mesocare.services.diagnosis import diagnose

    d = diagnose(belgium, "OLS-NAMUR")
    assert d.areas == 8 and d.region.code == B.WALLONIA
    expected = int(totals_2020.loc[NAMUR, "Totaal"].sum())
    out = write_report(d, ZoneGeometry.of(belgium, "OLS-NAMUR"), tmp_path / "namur.html", lang="fr")
    html = out.read_text(encoding="utf-8")
    assert 'lang="fr"' in html and "Namur et environs" in html
    assert "Diagnostic" in html and "Population" in html
    with use_locale("fr"):
        assert fmt_int(expected) in html  # the zone's 2020 population, in French digits


def test_cli_import_belgium(shared_data, tmp_path, monkeypatch, capsys):
    from mesocare.cli import app

    argv = ["mesocare", "import", "belgium", str(shared_data), "--out", str(tmp_path / "be")]
    monkeypatch.setattr(sys, "argv", [*argv, "--zones", str(ZONES_FILE)])
    with pytest.raises(SystemExit) as exit_:
        app()
    assert exit_.value.code in (0, None)
    assert "11,492,641" in capsys.readouterr().out


# ----- malformed zones files --------------------------------------------------------------------
HEADER = "nis_code;zone_code;zone_name\n"


@pytest.mark.parametrize(
    ("text", "column", "row", "what"),
    [
        (HEADER + "92094;A;A\n99999;A;A\n", "nis_code", 2, "unknown municipality code"),
        (HEADER + "92094;A;A\n92094;B;B\n", "nis_code", 2, "listed twice"),
        (HEADER + "92094;A;A\n24062;A;A\n", "zone_code", 2, "spans two regions"),
        (HEADER + "92094;elz19;Leuven\n", "zone_code", 1, "already used by a Flemish zone"),
        (HEADER + "92094;A;A\n92003;A;B\n", "zone_name", 2, "two names"),
        (HEADER + "92094;;A\n", "zone_code", 1, "empty zone code"),
        ("nis_code;zone_name\n92094;A\n", "zone_code", None, "missing column"),
        ("", None, None, "empty file"),
        (HEADER + "\n\n", None, None, "no data rows"),
    ],
)
def test_malformed_zones_file_is_refused(belgium, tmp_path, text, column, row, what):
    path = tmp_path / "zones.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError, match=what) as err:
        read_zones(path, belgium.areas, set(belgium.zone_codes()) - {"OLS-NAMUR", "OLS-LIEGE"})
    assert err.value.file == str(path)
    assert (err.value.column, err.value.row) == (column, row)


def test_zones_file_in_latin1_is_refused_and_nothing_stored(
    shared_data, tmp_path, monkeypatch, capsys
):
    from mesocare.cli import app

    bad = tmp_path / "zones.csv"
    bad.write_bytes((HEADER + "92094;OLS;Namur\n62063;OLS-L;Liège\n").encode("latin-1"))
    out = tmp_path / "be"
    argv = ["mesocare", "import", "belgium", str(shared_data), "--out", str(out)]
    monkeypatch.setattr(sys, "argv", [*argv, "--zones", str(bad)])
    with pytest.raises(SystemExit) as exit_:
        app()
    assert exit_.value.code == 2
    said = capsys.readouterr().err
    assert "not UTF-8" in said and "row 2" in said and str(bad) in said
    assert not out.exists()


def test_2025_mergers_are_a_redraw_as_for_flanders(belgium, shared_data):
    """The Flemish part redraws onto the 2025 municipalities as the Flemish import does."""
    from mesocare.services.zoning import redraw_after_mergers
    from mesocare.sources.be_mergers import code_map, read_mergers
    from mesocare.zoning import ZoningParams

    mapping = code_map(read_mergers(shared_data / "be_mergers_2025" / "fusies-2025.tsv"))
    params = ZoningParams(min_population=75_000, max_population=125_000)
    out = redraw_after_mergers(belgium, mapping, params, region_code=B.FLANDERS)
    assert out.evaluation.summary["areas"] == 285
    assert out.evaluation.summary["population"] == 6_629_143


def test_brussels_bassins_replace_bruzel(shared_data, tmp_path, belgium):
    """A Brussels *bassin* layout over all 19 municipalities replaces the one zone Bruzel."""
    brussels = sorted(belgium.areas.loc[belgium.areas["region_code"] == B.BRUSSELS, "area_code"])
    bruzel = belgium.areas.set_index("area_code").loc[brussels[0], "zone_code"]
    path = tmp_path / "bassins.csv"
    rows = [f"{c},BXL-{1 + i % 2},Bassin {1 + i % 2}" for i, c in enumerate(brussels)]
    path.write_text("nis_code,zone_code,zone_name\n" + "\n".join(rows) + "\n", encoding="utf-8")
    t = import_belgium(shared_data, zones=path)
    assert bruzel not in t.zone_codes() and {"BXL-1", "BXL-2"} <= set(t.zone_codes())
    assert int(t.population["count"].sum()) == 11_492_641
