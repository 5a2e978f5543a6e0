"""Fixtures of the reliability tests: a saved synthetic territory and persons folder, and the CLI
run in-process through its real entry point (``mesocare.cli.app``: stderr, exit codes)."""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    def failed_cleanly(self) -> bool:
        """Non-zero exit, one message on stderr, no traceback anywhere."""
        return self.code != 0 and "Traceback" not in self.out + self.err and bool(self.err.strip())


@pytest.fixture
def cli(monkeypatch, capsys):
    """``cli(*args)``: run ``mesocare args…`` in-process; a :class:`Run`."""

    def run(*args: object) -> Run:
        from mesocare import cli as entry

        monkeypatch.setattr(sys, "argv", ["mesocare", *map(str, args)])
        monkeypatch.setenv("COLUMNS", "300")
        code = 0
        try:
            entry.app()
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture(scope="session")
def territory_dir(leuven, tmp_path_factory) -> Path:
    """The synthetic Leuven-like territory saved once (read-only use: copy it to change it)."""
    from mesocare.territory import save_territory

    return save_territory(leuven, tmp_path_factory.mktemp("saved") / "leuven")


@pytest.fixture(scope="session")
def persons_dir(territory_dir, tmp_path_factory) -> Path:
    """Synthetic person-level records of :func:`territory_dir`, saved once."""
    from mesocare.services.population_health import synthesise

    out = tmp_path_factory.mktemp("persons") / "persons"
    synthesise(territory_dir, out, reference_date=date(2020, 12, 31))
    return out


@pytest.fixture
def own_territory(territory_dir, tmp_path) -> Path:
    """A copy of the saved territory that a test may change."""
    return Path(shutil.copytree(territory_dir, tmp_path / "own"))


def hidden(folder: Path) -> list[str]:
    """Temporaries and other hidden entries left in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))
