"""No lost update: commands saving tables into the same territory at once all keep theirs; a
writer that cannot get the territory's lock in time says so."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mesocare import atomic
from mesocare.errors import BusyError
from mesocare.services.population_health import RESULT_TABLE
from mesocare.territory import load_territory, save_tables
from mesocare.territory.practice_lists import LISTS_TABLE, PRACTICES_TABLE

REPO = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(REPO / "src"), "COLUMNS": "200"}


def _mesocare(*args: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "mesocare", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )


@pytest.mark.slow
def test_two_commands_saving_into_one_territory_both_keep_their_table(
    territory_dir, persons_dir, tmp_path
):
    import shutil

    for attempt in range(3):
        terr = Path(shutil.copytree(territory_dir, tmp_path / f"t{attempt}"))
        procs = [
            _mesocare("health", "run", terr, persons_dir, "--attach", "--out", tmp_path / "r"),
            _mesocare("fund", "lists", "-t", terr, "--save", "--seed", attempt + 1),
        ]
        for p in procs:
            _, err = p.communicate(timeout=300)
            assert p.returncode == 0, err
        tables = load_territory(terr).tables
        assert {RESULT_TABLE, PRACTICES_TABLE, LISTS_TABLE} <= set(tables), (attempt, tables)
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_save_tables_keeps_the_tables_saved_in_between(own_territory, leuven):
    """The read-merge-write: a table saved by another command since this one loaded stays."""
    stale = load_territory(own_territory)  # what a slow command loaded at its start
    save_tables(own_territory, first=leuven.units)  # another command, meanwhile
    save_tables(own_territory, second=stale.units)
    assert {"first", "second"} <= set(load_territory(own_territory).tables)


_HOLDER = """
import sys, time
from mesocare.atomic import folder_lock
with folder_lock(sys.argv[1]):
    print("holding", flush=True)
    time.sleep(30)
"""


def test_a_writer_that_cannot_get_the_lock_says_so(cli, own_territory, monkeypatch):
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(_HOLDER), str(own_territory)],
        stdout=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        busy = pytest.raises(BusyError, match="another Mesocare command is writing")
        with busy, atomic.folder_lock(own_territory, timeout=0.3):
            pass
        monkeypatch.setenv("MESOCARE_LOCK_TIMEOUT", "0.5")
        run = cli("fund", "lists", "-t", own_territory, "--save")
        assert run.failed_cleanly() and run.code == 2
        assert "another Mesocare command is writing this folder" in run.err
    finally:
        holder.kill()
        holder.wait()
    with atomic.folder_lock(own_territory, timeout=5):  # free again once the holder is gone
        pass
    assert not own_territory.with_name(".own.lock").exists()  # removed on release


def test_the_lock_is_reentrant_in_a_process(own_territory, leuven):
    with atomic.folder_lock(own_territory, timeout=0.1):
        save_tables(own_territory, extra=leuven.units)  # takes the same lock again
    assert "extra" in load_territory(own_territory).tables
