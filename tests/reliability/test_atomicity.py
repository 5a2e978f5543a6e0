"""Stored data is never destroyed: a failed final rename puts the previous folder back, a save
killed half-way leaves temporaries that the next save removes, and an output inside a territory
folder is refused before anything is computed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from tests.reliability.conftest import hidden

from mesocare import atomic
from mesocare.errors import WriteError
from mesocare.territory import load_territory, save_territory

REPO = Path(__file__).resolve().parents[2]


def test_a_failed_final_rename_puts_the_previous_folder_back(own_territory, monkeypatch, leuven):
    before = {p.name: p.read_bytes() for p in own_territory.iterdir() if p.is_file()}
    real = os.rename
    calls: list[tuple[str, str]] = []

    def rename(src, dst):
        calls.append((Path(src).name, Path(dst).name))
        if Path(dst) == own_territory and not Path(src).name.endswith(".old"):
            raise OSError(5, "Input/output error", str(dst))  # the new folder into place
        return real(src, dst)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(WriteError, match="cannot write"):
        save_territory(leuven.with_tables(extra=leuven.units), own_territory)
    monkeypatch.undo()
    assert (".own.old", "own") in calls  # the previous folder was moved aside, then back
    after = {p.name: p.read_bytes() for p in own_territory.iterdir() if p.is_file()}
    assert after == before
    assert "extra" not in load_territory(own_territory).tables
    assert hidden(own_territory.parent) == []


_KILLED_SAVE = """
import sys, time
from pathlib import Path
from mesocare.atomic import folder_swap
with folder_swap(Path(sys.argv[1]), marker="territory.toml", what="territory") as tmp:
    (tmp / "territory.toml").write_text("half")
    (tmp / "areas.gpkg").write_bytes(b"half-written")
    print("writing", flush=True)
    time.sleep(60)
"""


def test_temporaries_of_a_killed_save_are_removed_by_the_next(own_territory, leuven):
    before = (own_territory / "territory.toml").read_bytes()
    proc = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(_KILLED_SAVE), str(own_territory)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=10) == -signal.SIGKILL
    left = hidden(own_territory.parent)
    assert left and all(n.startswith(".own.") for n in left)  # the killed save's temporaries
    assert (own_territory / "territory.toml").read_bytes() == before  # never touched
    assert load_territory(own_territory).manifest == leuven.manifest

    save_territory(leuven.with_tables(extra=leuven.units), own_territory)
    assert hidden(own_territory.parent) == []
    assert "extra" in load_territory(own_territory).tables


def test_a_folder_left_aside_by_a_killed_swap_is_put_back(own_territory, leuven):
    """Killed between its two renames: the territory is at ``.own.old``; the next save of it
    restores it first (and then replaces it as asked)."""
    aside = own_territory.with_name(".own.old")
    os.rename(own_territory, aside)
    with atomic.folder_lock(own_territory):
        atomic._clean_stale(own_territory, "territory.toml")
    assert load_territory(own_territory).manifest == leuven.manifest
    assert hidden(own_territory.parent) == []


@pytest.mark.parametrize(
    "argv",
    [
        ["diagnose", "{T}", "--out", "{T}/territory.toml"],
        ["diagnose", "{T}", "--out", "{T}/report.html"],
        ["access", "compute", "{T}", "--out", "{T}/population.parquet"],
        ["zone", "evaluate", "{T}", "--out", "{T}/tables/zones.csv"],
        ["health", "run", "{T}", "{P}", "--out", "{T}/results"],
        ["health", "synth", "{T}", "--out", "{P}/inner"],
        ["fund", "lists", "-t", "{T}", "--csv", "{T}/units.parquet"],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_an_output_inside_a_territory_or_persons_folder_is_refused(
    cli, own_territory, persons_dir, argv
):
    before = {p: p.read_bytes() for p in own_territory.rglob("*") if p.is_file()}
    started = time.perf_counter()
    run = cli(*[a.format(T=own_territory, P=persons_dir) for a in argv])
    assert run.failed_cleanly() and run.code == 2, run.err
    assert "refusing to write inside the folder" in run.err
    assert time.perf_counter() - started < 5  # refused before the work, not after it
    assert {p: p.read_bytes() for p in own_territory.rglob("*") if p.is_file()} == before
