"""Shared fixtures: the real open data (skipped when absent), the default synthetic territory and
PostgreSQL databases for the store tests (tests/pg.py)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests import pg
from tests.platform_fixtures import (  # noqa: F401 (fixtures)
    db_url,
    platform_data,
    served,
    served_any,
)

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


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL database for the session, as a SQLAlchemy URL for psycopg 3.

    ``MESOCARE_TEST_POSTGRES_URL`` when set (nothing is started); else a throwaway cluster, stopped
    and removed at the end of the session. Skipped without PostgreSQL (scripts/ensure-postgres.sh)
    or without SQLAlchemy and psycopg; a cluster that does not start fails with its server log.
    """
    pytest.importorskip("sqlalchemy")
    pytest.importorskip("psycopg")
    if url := os.environ.get("MESOCARE_TEST_POSTGRES_URL"):
        yield url
        return
    bin_dir = pg.find_bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL's initdb and pg_ctl are not installed (scripts/ensure-postgres.sh)")
    try:
        cluster = pg.start_cluster(bin_dir)
    except pg.StartError as e:
        error = str(e)  # failed outside the except block: the message is shown once
    else:
        error = ""
    if error:
        pytest.fail(f"the test PostgreSQL cluster did not start: {error}", pytrace=False)
    try:
        yield pg.create_database(cluster.url("postgres"), "mesocare_test")
    finally:
        cluster.stop()


@pytest.fixture
def fresh_postgres_url(postgres_url: str) -> Iterator[str]:
    """A new empty database for one test, on the server of ``postgres_url``; dropped after it."""
    name = f"mesocare_test_{uuid.uuid4().hex[:12]}"
    url = pg.create_database(postgres_url, name)
    try:
        yield url
    finally:
        pg.drop_database(postgres_url, name)
