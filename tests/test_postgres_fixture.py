"""The PostgreSQL fixtures of the store tests: a working database, and a fresh one per test."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.postgres

SEEN: list[str] = []  # the fresh databases of the earlier runs below


def _engine(url: str):
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    return create_engine(url, poolclass=NullPool)


def test_create_insert_read_back(postgres_url: str) -> None:
    from sqlalchemy import text

    engine = _engine(postgres_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE zone (code text PRIMARY KEY, population integer)"))
            conn.execute(
                text("INSERT INTO zone VALUES (:code, :population)"),
                [{"code": "Z01", "population": 1200}, {"code": "Z02", "population": 800}],
            )
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT code, population FROM zone ORDER BY code")).all()
        assert [tuple(r) for r in rows] == [("Z01", 1200), ("Z02", 800)]
    finally:
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS zone"))
        engine.dispose()


@pytest.mark.parametrize("run", [1, 2])
def test_fresh_database_is_new_and_empty(run: int, postgres_url: str, fresh_postgres_url: str):
    """Each run gets its own empty database, although the other run leaves a table in its own;
    the databases of earlier runs are gone."""
    from sqlalchemy import inspect, make_url, text

    name = make_url(fresh_postgres_url).database
    assert name != make_url(postgres_url).database
    assert name not in SEEN
    engine = _engine(postgres_url)
    try:
        with engine.connect() as conn:
            databases = set(conn.execute(text("SELECT datname FROM pg_database")).scalars())
    finally:
        engine.dispose()
    assert name in databases
    assert not databases & set(SEEN)
    SEEN.append(name)

    engine = _engine(fresh_postgres_url)
    try:
        assert inspect(engine).get_table_names() == []
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE store (id integer)"))
        assert inspect(engine).get_table_names() == ["store"]
    finally:
        engine.dispose()
