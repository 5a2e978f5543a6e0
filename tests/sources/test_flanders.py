"""The Flanders and Brussels importer on the real open data in ``../shared/data``.

The import runs once per session; broken inputs are built in ``tmp_path`` as copies of the data
folder in which every file is a symlink except the one file a test corrupts.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mesocare.errors import ValidationError
from mesocare.sources import _belgium as B
from mesocare.sources import flanders as F
from mesocare.sources._flanders_tables import band_of_upper
from mesocare.sources.flanders import import_flanders, largest_remainder
from mesocare.territory import AGE_BANDS, load_territory, save_territory

FLANDERS_BRUSSELS_2020 = 7_847_398
LEUVEN_2020 = 102_275


@pytest.fixture(scope="session")
def flanders(shared_data: Path):
    steps: list[str] = []
    territory = import_flanders(shared_data, progress=steps.append)
    assert steps == list(F.STEPS)
    return territory


@pytest.fixture(scope="session")
def totals_2020(shared_data: Path) -> pd.DataFrame:
    """Men, women and total per NIS code on 1 January 2020, read independently of the importer."""
    return pd.read_csv(
        shared_data / B.POPULATION_2020, dtype={"NIS code": str}, encoding="utf-8-sig"
    ).set_index("NIS code")


def _by_area(territory) -> pd.Series:
    return territory.population.groupby("area_code")["count"].sum()


# ----- facts ------------------------------------------------------------------------------------
def test_leuven_zone_has_102275_inhabitants(flanders, totals_2020):
    areas = flanders.areas
    zone = areas.loc[areas["area_code"] == "24062", "zone_code"].iloc[0]
    assert zone == "elz19"
    assert flanders.unit_name(zone) == "Leuven"
    members = areas.loc[areas["zone_code"] == zone, "area_code"]
    per_area = _by_area(flanders)
    assert int(per_area[members].sum()) == LEUVEN_2020
    assert int(totals_2020.loc[members, "Totaal"].sum()) == LEUVEN_2020


def test_zones_add_up_to_flanders_and_brussels(flanders, totals_2020):
    pop = flanders.population.merge(flanders.areas[["area_code", "zone_code", "region_code"]])
    per_zone = pop.groupby("zone_code")["count"].sum()
    assert int(per_zone.sum()) == FLANDERS_BRUSSELS_2020
    assert len(per_zone) == 57
    per_region = pop.groupby("region_code")["count"].sum()
    assert int(per_region["02000"]) == int(totals_2020.loc["02000", "Totaal"]) == 6_629_143
    assert int(per_region["04000"]) == int(totals_2020.loc["04000", "Totaal"]) == 1_218_255


def test_every_municipality_in_exactly_one_real_zone(flanders):
    areas, units = flanders.areas, flanders.units
    assert len(areas) == 319 and areas["area_code"].is_unique
    assert (areas["region_code"] == "02000").sum() == 300
    assert (areas["region_code"] == "04000").sum() == 19
    assert areas["zone_code"].notna().all()
    assert not set(areas["zone_code"]) & B.TECHNICAL_ZONE_CODES
    zones = units[units["level"] == "zone"]
    assert set(zones["unit_code"]) == set(areas["zone_code"])
    brussels = areas[areas["region_code"] == "04000"]
    assert set(brussels["zone_code"]) == {"elz7"} and flanders.unit_name("elz7") == "Bruzel"
    # Mesen (33016) is Flemish although the TopoJSON's region column says otherwise
    assert areas.set_index("area_code").loc["33016", "region_code"] == "02000"
    assert areas["network_code"].isna().all()
    assert (areas["level"] == "municipality").all()
    assert areas.crs.to_epsg() == 31370
    assert 13_000 < areas["area_km2"].sum() < 14_500


def test_age_structure_adds_up_to_2020_totals(flanders, totals_2020):
    pop = flanders.population
    assert (pop["year"] == 2020).all()
    assert len(pop) == 319 * 2 * len(AGE_BANDS)
    per_area = _by_area(flanders)
    want = totals_2020.loc[per_area.index, "Totaal"].to_numpy()
    np.testing.assert_array_equal(per_area.to_numpy(), want)
    per_sex = pop.groupby(["area_code", "sex"])["count"].sum().unstack()
    np.testing.assert_array_equal(per_sex["M"], totals_2020.loc[per_sex.index, "Mannen"])
    np.testing.assert_array_equal(per_sex["F"], totals_2020.loc[per_sex.index, "Vrouwen"])


def test_merged_municipality_gets_the_2013_structure_of_its_parts(flanders, shared_data):
    """Kruisem (45068) = Kruishoutem (45017) + Zingem (45057) before 2019."""
    facts = pd.DataFrame(
        json.loads((shared_data / B.AGE_SEX).read_text(encoding="utf-8-sig"))["facts"]
    )
    old = facts[facts["g"].isin(["45017", "45057"]) & (facts["y"] == 2013)]
    old = old.assign(band=old["C"].map(band_of_upper)).groupby(["s", "band"])["M"].sum()
    new = flanders.population[flanders.population["area_code"] == "45068"]
    new = new.set_index(["sex", "age_band"])["count"]
    for sex in ("M", "F"):
        share_old = old[sex] / old[sex].sum()
        scaled = share_old * new[sex].sum()
        assert (abs(new[sex][share_old.index] - scaled) < 1).all()
    assert "45017" not in set(flanders.areas["area_code"])


def test_income_of_merged_municipality_sums_its_parts(flanders, shared_data):
    inc = pd.read_csv(
        shared_data / B.INCOME, sep="|", encoding="utf-8-sig", dtype={"CD_MUNTY_REFNIS": str}
    )
    inc = inc[(inc["CD_YEAR"] == 2013) & inc["CD_MUNTY_REFNIS"].isin(["72025", "72029"])]
    want = inc["MS_TOT_NET_TAXABLE_INC"].sum() / inc["MS_TOT_RESIDENTS"].sum()
    got = flanders.area_attributes.set_index("area_code").loc["72043", "mean_taxable_income_eur"]
    assert got == pytest.approx(want, abs=0.01)  # Pelt = Neerpelt + Overpelt
    assert flanders.area_attributes["mean_taxable_income_eur"].between(5_000, 40_000).all()


def test_manifest(flanders):
    m = flanders.manifest
    assert m.name == "Flanders and Brussels (open data)"
    assert (m.reference_year, m.crs, m.synthetic) == (2020, "EPSG:31370", False)
    assert all(s.licence for s in m.sources)
    assert "mean_taxable_income_eur" in m.attributes
    assert any("scaled" in (s.note or "") for s in m.sources)
    assert flanders.providers.empty


def test_round_trip(flanders, tmp_path):
    save_territory(flanders, tmp_path / "fl")
    back = load_territory(tmp_path / "fl")
    assert back.manifest == flanders.manifest
    for name in ("units", "population", "area_attributes"):
        pd.testing.assert_frame_equal(
            getattr(back, name).reset_index(drop=True),
            getattr(flanders, name).reset_index(drop=True),
            check_dtype=False,
        )
    pd.testing.assert_frame_equal(
        pd.DataFrame(back.areas.drop(columns="geometry")),
        pd.DataFrame(flanders.areas.drop(columns="geometry")),
        check_dtype=False,
    )
    assert back.areas.geometry.geom_equals_exact(flanders.areas.geometry, 1e-6).all()
    assert back.areas.crs.to_epsg() == 31370


# ----- largest remainder ------------------------------------------------------------------------
def test_largest_remainder_small_case():
    got = largest_remainder(
        np.array([1.0, 1.0, 1.0, 2.0, 0.0]), np.array([2, 2, 2, 5, 5]), np.array([0, 0, 0, 1, 1])
    )
    assert got.tolist() == [1, 1, 0, 5, 0]


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.lists(st.integers(0, 10_000), min_size=1, max_size=12), st.integers(0, 10**6)),
        min_size=1,
        max_size=5,
    )
)
def test_largest_remainder_invariants(groups):
    groups = [(w, t) for w, t in groups if sum(w) > 0]
    if not groups:
        return
    weights = np.concatenate([np.array(w, dtype=float) for w, _ in groups])
    totals = np.concatenate([np.full(len(w), t) for w, t in groups])
    ids = np.concatenate([np.full(len(w), i) for i, (w, _) in enumerate(groups)])
    got = largest_remainder(weights, totals, ids)
    for i, (w, t) in enumerate(groups):
        part = got[ids == i]
        quota = np.array(w) * t / sum(w)
        assert part.sum() == t
        assert (np.abs(part - quota) < 1 + 1e-9).all()


# ----- bad inputs -------------------------------------------------------------------------------
def _broken_copy(data: Path, root: Path, replace: Path) -> Path:
    """``root`` mirrors ``data`` with symlinks; the folders leading to ``replace`` are real
    folders, and ``replace`` itself is left absent for the test to write (or not)."""
    root.mkdir()
    src, dst = data, root
    for part in replace.parts:
        for entry in src.iterdir():
            if entry.name != part:
                (dst / entry.name).symlink_to(entry)
        src, dst = src / part, dst / part
        if src.is_dir():
            dst.mkdir()
    return root


def test_missing_file(shared_data, tmp_path):
    broken = _broken_copy(shared_data, tmp_path / "d", B.INCOME)
    with pytest.raises(ValidationError) as err:
        import_flanders(broken)
    msg = str(err.value)
    assert "TF_PSNL_INC_TAX_MUNTY.txt" in msg and "missing input file" in msg


def test_missing_data_folder(tmp_path):
    with pytest.raises(ValidationError, match="data folder not found"):
        import_flanders(tmp_path / "nowhere")


def test_xlsx_missing_a_column(shared_data, tmp_path):
    table = pd.read_excel(shared_data / B.ZONE_TABLE)
    broken = _broken_copy(shared_data, tmp_path / "d", B.ZONE_TABLE)
    table.rename(columns={"elz": "zone"}).to_excel(broken / B.ZONE_TABLE, index=False)
    with pytest.raises(ValidationError) as err:
        import_flanders(broken)
    assert err.value.file.endswith("gemeente2024_elz.xlsx")
    assert err.value.column == "elz"
    assert "missing column" in str(err.value) and "gemeente2024, elz" in str(err.value)


def test_unknown_municipality_code_in_zone_table(shared_data, tmp_path):
    table = pd.read_excel(shared_data / B.ZONE_TABLE)
    extra = pd.DataFrame({"gemeente2024": [12345], "elz": ["elz19"]})
    broken = _broken_copy(shared_data, tmp_path / "d", B.ZONE_TABLE)
    pd.concat([table, extra], ignore_index=True).to_excel(broken / B.ZONE_TABLE, index=False)
    with pytest.raises(ValidationError) as err:
        import_flanders(broken)
    assert err.value.found == "12345" and err.value.column == "gemeente2024"
    assert err.value.row == len(table) + 2
    assert "unknown municipality code" in str(err.value)


def test_municipality_mapped_to_a_technical_zone(shared_data, tmp_path):
    table = pd.read_excel(shared_data / B.ZONE_TABLE)
    table.loc[table["gemeente2024"] == 24062, "elz"] = "elz91"
    broken = _broken_copy(shared_data, tmp_path / "d", B.ZONE_TABLE)
    table.to_excel(broken / B.ZONE_TABLE, index=False)
    with pytest.raises(ValidationError, match="technical zone code") as err:
        import_flanders(broken)
    assert "24062" in str(err.value.found)


def test_zone_without_a_name(shared_data, tmp_path):
    names = pd.read_excel(shared_data / B.ZONE_NAMES)
    broken = _broken_copy(shared_data, tmp_path / "d", B.ZONE_NAMES)
    names[names["geoitem code"] != "elz19"].to_excel(broken / B.ZONE_NAMES, index=False)
    with pytest.raises(ValidationError, match="zone without a name") as err:
        import_flanders(broken)
    assert err.value.found == "elz19" and err.value.file.endswith("elz.xlsx")


def test_bad_number_in_income(shared_data, tmp_path):
    text = (shared_data / B.INCOME).read_text(encoding="utf-8-sig").splitlines()
    header = text[0].split("|")
    col = header.index("MS_TOT_RESIDENTS")
    rows = [line for line in text[1:] if line.startswith("2013|")]
    cells = rows[3].split("|")
    cells[col] = "n/a"
    rows[3] = "|".join(cells)
    broken = _broken_copy(shared_data, tmp_path / "d", B.INCOME)
    (broken / B.INCOME).write_text("\n".join([text[0], *rows]) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        import_flanders(broken)
    assert err.value.column == "MS_TOT_RESIDENTS" and err.value.row == 5
    assert err.value.found == "n/a"


def test_cli_reports_a_bad_input_in_one_line(shared_data, tmp_path, monkeypatch, capsys):
    from mesocare.cli import app

    broken = _broken_copy(shared_data, tmp_path / "d", B.INCOME)
    argv = ["mesocare", "import", "flanders", str(broken), "--out", str(tmp_path / "out")]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exit_:
        app()
    assert exit_.value.code == 2
    assert "missing input file" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_pre_2019_code_without_successor(shared_data, tmp_path):
    """Without Nevele's sectors, the 2013 code 44049 has no 2020 municipality to go to."""
    sectors = pd.read_excel(shared_data / B.SECTORS)
    broken = _broken_copy(shared_data, tmp_path / "d", B.SECTORS)
    keep = ~sectors["statsec2024"].str.startswith("44049")
    sectors[keep].to_excel(broken / B.SECTORS, index=False)
    with pytest.raises(ValidationError, match="no 2020 successor") as err:
        import_flanders(broken)
    assert err.value.found == "44049" and err.value.column == "g"


# ----- true areas and providers ---------------------------------------------------------------
def test_leuven_area_comes_from_the_precise_2024_layer(flanders):
    """57.50 km² on the precise 2024 map (the simplified outline gives 62.06 km²)."""
    km2 = flanders.areas.set_index("area_code")["area_km2"]
    assert km2["24062"] == pytest.approx(57.50, rel=0.005)
    g = flanders.manifest.area_geometry
    assert g is not None and "gemeente2024" in g.area_km2 and "simplified" in g.drawing
    # the drawn outline is still the simplified one
    drawn = flanders.areas.set_index("area_code").geometry["24062"].area / 1e6
    assert drawn > 60


def test_a_provider_csv_makes_the_accessibility_section_appear(flanders, tmp_path):
    from mesocare.reports.diagnosis import build_report, render_report
    from mesocare.reports.sections.geo import ZoneGeometry
    from mesocare.services.diagnosis import diagnose
    from mesocare.services.providers import import_providers

    folder = save_territory(flanders, tmp_path / "fl")
    before = diagnose(flanders, "elz19")
    assert before.themes.accessibility is None
    assert {(n.theme, n.reason) for n in before.not_computed} == {
        ("shortage", "no_providers"),
        ("accessibility", "no_providers"),
    }
    geo = ZoneGeometry.of(flanders, "elz19")
    section = next(s for s in build_report(before, geo).sections if s.id == "accessibility")
    assert "not computed" in section.paragraphs[0]
    assert "mesocare providers import" in section.paragraphs[0]
    sources = next(s for s in build_report(before, geo).sections if s.id == "sources")
    assert any("gemeente2024" in p for p in sources.paragraphs)
    assert '"not_computed"' in render_report(before, geo, "json")

    csv = tmp_path / "providers.csv"
    pd.DataFrame(
        {
            "name": ["Dr A", "Dr B", "Dr C", "Apotheek D"],
            "discipline": ["gp", "gp", "gp", "pharmacist"],
            "area_code": ["24062", "24062", "24001", "24062"],
            "fte": [1.0, 0.8, 1.0, 1.0],
            "age": [45, 62, None, 50],
        }
    ).to_csv(csv, index=False)
    done = import_providers(folder, csv)
    assert done.added == 4
    after_t = load_territory(folder)
    after = diagnose(after_t, "elz19")
    assert after.themes.accessibility is not None and after.not_computed == []
    sections = build_report(after, ZoneGeometry.of(after_t, "elz19")).sections
    acc = next(s for s in sections if s.id == "accessibility")
    assert not any("not computed" in p for p in acc.paragraphs) and acc.tables


def test_without_the_precise_layer_the_simplified_outline_is_used_and_said(shared_data, tmp_path):
    broken = _broken_copy(shared_data, tmp_path / "d", B.PRECISE_MUNICIPALITIES)
    t = import_flanders(broken)
    g = t.manifest.area_geometry
    assert g is not None and g.area_km2 == g.drawing and "simplified" in g.area_km2
    leuven = t.areas.set_index("area_code")["area_km2"]["24062"]
    assert leuven == pytest.approx(62.06, rel=0.01)  # 7% above the precise 57.50 km²
