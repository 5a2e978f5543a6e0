"""The use case end to end through the CLI, and the report section."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from mesocare.cli import _app
from mesocare.reports.base import ReportContext
from mesocare.reports.diagnosis import SECTION_BUILDERS
from mesocare.reports.sections import population_health as section
from mesocare.territory import load_territory, save_territory


def test_cli_synth_run_attach_and_report(leuven, tmp_path):
    save_territory(leuven, tmp_path / "terr")
    runner = CliRunner()
    r = runner.invoke(_app, ["health", "synth", str(tmp_path / "terr"), "--out",
                             str(tmp_path / "persons")])
    assert r.exit_code == 0, r.output
    assert "persons 380,175" in r.output
    r = runner.invoke(_app, ["health", "run", str(tmp_path / "terr"), str(tmp_path / "persons"),
                             "--out", str(tmp_path / "res"), "--attach"])
    assert r.exit_code == 0, r.output
    m = pd.read_parquet(tmp_path / "res" / "population_health.parquet")
    assert {"area", "network", "zone", "region", "practice"} == set(m["level"])
    shown = m[~m["suppressed"]]
    assert ((shown["numerator"] == 0) | (shown["numerator"] >= 5)).all()
    assert not (tmp_path / "res" / "target_ids.csv").exists()
    assert "person_id" not in m.columns

    territory = load_territory(tmp_path / "terr")
    sec = section.build(ReportContext(territory=territory, zone_code="Z01"))
    assert sec is not None and len(sec.tables) == 3 and len(sec.figures) == 2
    pyramid = sec.tables[0].frame
    assert abs(pyramid["share"].sum() - 1) < 1e-9
    assert section.build in SECTION_BUILDERS


def test_ids_only_on_flag(leuven, tmp_path):
    save_territory(leuven, tmp_path / "terr")
    runner = CliRunner()
    runner.invoke(_app, ["health", "synth", str(tmp_path / "terr"), "--out",
                         str(tmp_path / "persons")])
    r = runner.invoke(_app, ["health", "run", str(tmp_path / "terr"), str(tmp_path / "persons"),
                             "--out", str(tmp_path / "res"), "--list-ids", "gap_diabetes_hba1c"])
    assert r.exit_code == 0, r.output
    ids = pd.read_csv(tmp_path / "res" / "target_ids.csv")
    assert len(ids) > 100 and list(ids.columns) == ["person_id", "area_code", "practice_id"]
    assert str(ids["person_id"].iloc[0]) not in r.output
    r = runner.invoke(_app, ["health", "run", str(tmp_path / "terr"), str(tmp_path / "persons"),
                             "--out", str(tmp_path / "res"), "--list-ids", "everyone"])
    assert r.exit_code != 0


def test_section_is_none_without_person_data(leuven):
    assert section.build(ReportContext(territory=leuven, zone_code="Z01")) is None
