"""Services, the `mesocare fund` commands on the demo territory, and the report section."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from mesocare.cli import _app
from mesocare.errors import MesocareError, UnknownCodeError
from mesocare.services import financing as F


@pytest.fixture(scope="module")
def demo(leuven, tmp_path_factory):
    from mesocare.territory import save_territory

    return save_territory(leuven, tmp_path_factory.mktemp("demo") / "leuven")


def test_zone_allocation_and_unknown_zone(leuven):
    a = F.allocate_budget(leuven, 1_000_000, zone_code="Z01")
    assert len(a.table) == 9 and a.table["need_rule_cents"].sum() == 100_000_000
    assert a.concentration_need_rule > a.concentration_equal_rule
    with pytest.raises(UnknownCodeError):
        F.allocate_budget(leuven, 1, zone_code="Z99")
    with pytest.raises(MesocareError, match="unknown need criterion"):
        F.allocate_budget(leuven, 1, weights={"height": 1.0})


def test_practice_level_and_zorgraad(leuven):
    a = F.allocate_budget(leuven, 50_000, zone_code="Z01", level="practice")
    assert a.table["need_rule_cents"].sum() == 5_000_000
    z = F.zorgraad_grant(leuven)
    assert len(z.table) == 4 and z.table["need_rule_cents"].sum() == 900_000_000


def test_cpts_from_territory(leuven):
    sim = F.cpts_contract(territory=leuven, zone_code="Z01")
    assert sim.population == 102_275 and sim.size_class == "T3"
    sim = F.cpts_contract(territory=leuven, network_codes=["Z01-N1"])
    assert sim.size_class == "T1"


def run(*args):
    res = CliRunner().invoke(_app, list(args))
    assert res.exit_code == 0, res.output
    return res.output


def test_cli_allocate_prints_nine_networks(demo, tmp_path):
    out = run(
        "fund",
        "allocate",
        "-t",
        str(demo),
        "--zone",
        "Z01",
        "--budget",
        "1000000",
        "--json",
        str(tmp_path / "a.json"),
        "--csv",
        str(tmp_path / "a.csv"),
    )
    for k in range(1, 10):
        assert f"Z01-N{k}" in out
    assert "1,000,000.00" in out
    data = json.loads((tmp_path / "a.json").read_text())
    assert sum(r["need_rule_cents"] for r in data["rows"]) == 100_000_000


def test_cli_income_prints_each_practice(demo, leuven):
    out = run("fund", "income", "-t", str(demo), "--zone", "Z01")
    gp = leuven.providers[leuven.providers["discipline"] == "gp"]
    z01 = set(leuven.areas.loc[leuven.areas["zone_code"] == "Z01", "area_code"])
    for pid in gp.loc[gp["area_code"].isin(z01), "practice_id"].unique():
        assert pid in out
    assert "New Deal" in out and "Cappuccino" in out


def test_cli_cpts_params_and_errors(tmp_path):
    assert "T4" in run("fund", "cpts", "--population", "175001")
    assert "unconfirmed" in run("fund", "params", "cpts")
    bad = tmp_path / "bad.toml"
    bad.write_text("[meta]\nname = 1\n", encoding="utf-8")
    res = CliRunner().invoke(_app, ["fund", "params", "zorgraad", "--check", str(bad)])
    assert isinstance(res.exception, MesocareError) and "meta" in str(res.exception)


def test_report_section(leuven):
    from mesocare.reports.sections import financing
    from mesocare.reports.sections.geo import ZoneGeometry
    from mesocare.services.diagnosis import diagnose

    d = diagnose(leuven, "Z01")
    s = financing.render(d, ZoneGeometry.of(leuven, "Z01"))
    assert s is not None and len(s.figures) == 3
    f = d.themes.financing
    assert {p.practice_id for p in f.practices} == {x.practice_id for x in f.layers}
    assert sum(a.need_rule_eur for a in f.allocation) == pytest.approx(f.budget_eur, abs=0.01)
    json.loads(f.model_dump_json())


def test_registered_in_the_diagnosis_report():
    from mesocare.reports.diagnosis import SECTIONS
    from mesocare.reports.sections import financing

    assert financing.render in SECTIONS


def test_precomputed_tables_give_the_same_results(leuven):
    """The report's shortcuts (tables split once, area features computed once) change nothing."""
    import pandas as pd

    from mesocare.financing.income import capitation_weight, new_deal_capitation
    from mesocare.financing.need import area_features
    from mesocare.financing.parameters import load_practice_payment

    split = F.practice_tables_by_zone(leuven)
    assert sorted(split) == sorted({str(z) for z in F.practice_tables(leuven)[0]["zone_code"]})
    feats = area_features(leuven)
    for zone, (prac, lists) in split.items():
        p0, l0 = F.practice_tables(leuven, zone)
        pd.testing.assert_frame_equal(prac, p0)
        pd.testing.assert_frame_equal(lists, l0)
        a = F.practice_income(leuven, zone)
        b = F.practice_income(leuven, zone, tables=(prac, lists))
        pd.testing.assert_frame_equal(a.income, b.income)
        pd.testing.assert_frame_equal(a.by_practice, b.by_practice)
        x = F.allocate_budget(leuven, 1_000, zone_code=zone)
        y = F.allocate_budget(leuven, 1_000, zone_code=zone, features=feats)
        pd.testing.assert_frame_equal(x.table, y.table)
    # the per-cell capitation weights against the plain per-row sum
    prac, lists = F.practice_tables(leuven, "Z01")
    nd = load_practice_payment().new_deal
    plain: dict[str, float] = {}
    for r in lists.itertuples():
        w = capitation_weight(nd, r.age_band, bool(r.bim), bool(r.chronic))
        plain[r.practice_id] = plain.get(r.practice_id, 0.0) + r.patients * w
    got = new_deal_capitation(lists, load_practice_payment())
    assert got.to_dict() == pytest.approx(plain)


def test_report_section_without_practices(leuven):
    from mesocare.services.diagnosis import TerritoryResults, diagnose
    from mesocare.territory.practice_lists import LISTS_TABLE, PRACTICES_TABLE

    prac, lists = F.practice_tables(leuven)
    prac = prac[prac["zone_code"] != "Z01"].reset_index(drop=True)
    lists = lists[lists["practice_id"].isin(set(prac["practice_id"]))].reset_index(drop=True)
    t = leuven.with_tables(**{PRACTICES_TABLE: prac, LISTS_TABLE: lists})
    shared = TerritoryResults(t)
    assert diagnose(t, "Z01", shared=shared).themes.financing is None
    assert diagnose(t, "Z02", shared=shared).themes.financing is not None
