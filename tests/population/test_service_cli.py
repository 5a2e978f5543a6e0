"""The use case end to end through the CLI, and the report section."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from mesocare.cli import _app
from mesocare.reports.diagnosis import SECTIONS
from mesocare.reports.sections import population_health as section
from mesocare.reports.sections.geo import ZoneGeometry
from mesocare.services.diagnosis import diagnose
from mesocare.territory import load_territory, save_territory


@pytest.fixture(scope="module")
def workspace(leuven, tmp_path_factory):
    root = tmp_path_factory.mktemp("health")
    save_territory(leuven, root / "terr")
    runner = CliRunner()
    synth = runner.invoke(
        _app, ["health", "synth", str(root / "terr"), "--out", str(root / "persons")]
    )
    run = runner.invoke(
        _app,
        [
            "health",
            "run",
            str(root / "terr"),
            str(root / "persons"),
            "--out",
            str(root / "res"),
            "--attach",
            "--list-ids",
            "gap_diabetes_hba1c",
        ],
    )
    return root, synth, run


def test_cli_synth_and_run(workspace):
    root, synth, run = workspace
    assert synth.exit_code == 0, synth.output
    assert "persons 380,175" in synth.output
    assert run.exit_code == 0, run.output
    m = pd.read_parquet(root / "res" / "population_health.parquet")
    assert {"area", "network", "zone", "region", "practice"} == set(m["level"])
    shown = m[~m["suppressed"]]
    assert ((shown["numerator"] == 0) | (shown["numerator"] >= 5)).all()
    assert "person_id" not in m.columns


def test_ids_only_on_flag(workspace):
    root, _, run = workspace
    ids = pd.read_csv(root / "res" / "target_ids.csv")
    assert len(ids) > 100 and list(ids.columns) == ["person_id", "area_code", "practice_id"]
    assert "(pseudonymous ids: sensitive)" in run.output
    r = CliRunner().invoke(
        _app,
        [
            "health",
            "run",
            str(root / "terr"),
            str(root / "persons"),
            "--out",
            str(root / "res2"),
            "--list-ids",
            "everyone",
        ],
    )
    assert r.exit_code != 0 and not (root / "res2").exists()


def test_report_section(workspace, leuven):
    root, _, _ = workspace
    territory = load_territory(root / "terr")
    d = diagnose(territory, "Z01")
    ph = d.themes.population_health
    assert ph is not None and abs(sum(r.rate for r in ph.strata) - 1) < 1e-9
    sec = section.render(d, ZoneGeometry.of(territory, "Z01"))
    assert sec is not None and len(sec.tables) == 3 and len(sec.figures) == 2
    assert section.render in SECTIONS
    assert diagnose(leuven, "Z01").themes.population_health is None
