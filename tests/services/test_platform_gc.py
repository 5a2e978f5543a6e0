"""A serving platform takes what it has loaded out of the garbage collector's passes: at once, and
again when diagnoses computed in the background arrive."""

from __future__ import annotations

import gc
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.platform_fixtures import TERRITORY


@pytest.fixture
def unfreeze() -> Iterator[None]:
    yield
    gc.unfreeze()  # give the test process its collector back


def _collected(obj: object) -> bool:
    return any(o is obj for o in gc.get_objects())


def test_loaded_and_later_computed_diagnoses_are_frozen(
    platform_data: Path, tmp_path: Path, unfreeze: None
) -> None:
    from mesocare.services.platform import Platform

    data = tmp_path / "data"
    data.mkdir()
    shutil.copytree(platform_data / TERRITORY, data / TERRITORY)  # no cache: computed on start
    p = Platform(data, f"sqlite:///{tmp_path / 'records.db'}")
    try:
        entry = p.entry(TERRITORY)
        assert not entry.ready
        p.start()
        p.freeze_loaded()
        assert not _collected(entry.territory)
        assert p.wait(300) and entry.progress.state == "ready", entry.progress
        diag = entry.diagnosis(entry.zones[0])
        assert diag is not None and not _collected(diag)
    finally:
        p.close()
