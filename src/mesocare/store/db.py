"""The database: an engine, sessions, and the Alembic migrations that create and upgrade it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from mesocare.errors import MesocareError

DB_FILE = "mesocare.db"


def default_url(data_dir: str | Path) -> str:
    """The default database: a SQLite file in the data folder."""
    return f"sqlite:///{Path(data_dir).resolve() / DB_FILE}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    write = conn.get_execution_options().get("mesocare_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", "mesocare.store:migrations")
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


class Database:
    """One database by URL; :meth:`migrate` brings its schema to the newest revision."""

    def __init__(self, url: str) -> None:
        try:
            parsed = make_url(url)
        except ArgumentError as exc:
            raise MesocareError(f"--db: not a database URL: {url!r}") from exc
        self.url = url
        self.dialect = parsed.get_backend_name()
        kwargs: dict[str, Any] = {}
        if self.dialect == "sqlite":
            # transactions are begun by us (see _sqlite_begin), not by the driver
            kwargs["connect_args"] = {
                "check_same_thread": False,
                "timeout": 30,
                "isolation_level": None,
            }
            kwargs["pool_size"] = 20
            kwargs["max_overflow"] = 40
        else:
            kwargs["pool_size"] = 10
            kwargs["max_overflow"] = 40
            kwargs["pool_pre_ping"] = True
        self.engine: Engine = create_engine(url, **kwargs)
        if self.dialect == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "begin", _sqlite_begin)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._writers = sessionmaker(
            self.engine.execution_options(mesocare_write=True), expire_on_commit=False
        )

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """A session in one transaction: committed at the end, rolled back on any error.

        ``write=True`` for a transaction that reads then writes: on SQLite it takes the write lock
        when it begins (``BEGIN IMMEDIATE``), so two such transactions queue instead of one failing
        when it upgrades; on PostgreSQL row locks and conditional updates do the same job.
        """
        with (self._writers if write else self._sessions)() as s, s.begin():
            yield s

    def migrate(self, revision: str = "head") -> None:
        """Create or upgrade the schema (Alembic ``upgrade``)."""
        try:
            with self.engine.begin() as conn:
                cfg = alembic_config(self.url)
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
        except MesocareError:
            raise
        except Exception as exc:  # a server that refuses, a file that cannot be written …
            raise MesocareError(
                f"database {self.safe_url()}: cannot create or upgrade the schema "
                f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})"
            ) from exc

    def downgrade(self, revision: str) -> None:
        with self.engine.begin() as conn:
            cfg = alembic_config(self.url)
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, revision)

    def current_revision(self) -> str | None:
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def head_revision(self) -> str | None:
        return ScriptDirectory.from_config(alembic_config(self.url)).get_current_head()

    def safe_url(self) -> str:
        """The URL without its password, for messages."""
        return make_url(self.url).render_as_string(hide_password=True)

    def dispose(self) -> None:
        self.engine.dispose()
