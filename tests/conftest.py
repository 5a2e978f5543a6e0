"""Shared fixtures: the real open data (skipped when absent) and the default synthetic territory."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` beside the checkout; tests that need it skip cleanly without it."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA


@pytest.fixture(scope="session")
def leuven():
    """The default synthetic territory (Leuven-like zone Z01 and three neighbours)."""
    from mesocare.territory.synthetic import generate

    return generate("leuven")
