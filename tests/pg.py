"""A throwaway PostgreSQL cluster for the store tests (the fixtures are in tests/conftest.py).

``start_cluster`` creates a cluster in a temporary directory with ``initdb`` (trust
authentication, superuser ``mesocare``), starts it with ``pg_ctl`` on a unix socket in that
directory and on 127.0.0.1 at a free port, and ``Cluster.stop`` stops it and removes the directory.
PostgreSQL refuses to run as root: as root the cluster belongs to the unprivileged ``nobody``.
"""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

SUPERUSER = "mesocare"
UNPRIVILEGED_USER = "nobody"
START_TIMEOUT_S = 60
# settings of a test cluster: no durability, nothing reachable from outside the machine
SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
}


class StartError(RuntimeError):
    """The cluster could not be created or started; the message holds the output and server log."""


def find_bin_dir() -> Path | None:
    """The directory of ``initdb`` and ``pg_ctl``: from PATH, else the newest
    /usr/lib/postgresql/*/bin (Debian's layout); None when PostgreSQL is not installed."""
    candidates = []
    if initdb := shutil.which("initdb"):
        candidates.append(Path(initdb).resolve().parent)  # pg_ctl finds postgres beside itself
    versions = [d for d in Path("/usr/lib/postgresql").glob("*/bin") if _version(d.parent.name)]
    candidates += sorted(versions, key=lambda d: _version(d.parent.name), reverse=True)
    for d in candidates:
        if all(os.access(d / name, os.X_OK) for name in ("initdb", "pg_ctl", "postgres")):
            return d
    return None


def _version(name: str) -> tuple[int, ...]:
    """``"15"`` → (15,), ``"9.6"`` → (9, 6); () when the name is not a version."""
    try:
        return tuple(int(part) for part in name.split("."))
    except ValueError:
        return ()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A cluster in its own temporary directory (data, unix socket and server log)."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.user = UNPRIVILEGED_USER if os.geteuid() == 0 else None
        try:
            owner = pwd.getpwnam(self.user) if self.user else None
        except KeyError:
            raise StartError(f"running as root and there is no user {self.user!r}") from None
        self.dir = Path(tempfile.mkdtemp(prefix="mesocare-pg-"))
        if owner:
            os.chown(self.dir, owner.pw_uid, owner.pw_gid)
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.port = 0

    def url(self, database: str) -> str:
        """The SQLAlchemy URL (psycopg 3) of ``database`` on this cluster."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _run(self, tool: str, *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bin_dir / tool), *args]
        if self.user and shutil.which("runuser"):
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        elif self.user:
            cmd = ["su", "-s", "/bin/sh", self.user, "-c", shlex.join(cmd)]
        # run from the cluster's directory: the unprivileged user may not enter the current one
        return subprocess.run(
            cmd, cwd=self.dir, capture_output=True, text=True, timeout=timeout, check=False
        )

    def _server_log(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else "(no server log)"

    def start(self) -> None:
        """initdb, then ``pg_ctl -w start`` on a free port (three tries, in case another process
        takes the port meanwhile). Raises StartError, with the cluster stopped and removed."""
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> None:
        try:
            args = ("-D", str(self.data), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8")
            done = self._run("initdb", *args, "--locale=C", "--no-sync", timeout=120)
        except subprocess.TimeoutExpired as e:
            raise StartError(f"initdb did not finish in {e.timeout} s") from None
        if done.returncode != 0:
            raise StartError(f"initdb failed ({done.returncode}):\n{done.stdout}{done.stderr}")
        settings = {**SETTINGS, "unix_socket_directories": str(self.dir)}
        with open(self.data / "postgresql.conf", "a") as conf:
            for name, value in settings.items():
                quoted = value.replace("'", "''")
                conf.write(f"{name} = '{quoted}'\n")
        for _ in range(3):
            self.port = _free_port()
            args = ("-D", str(self.data), "-l", str(self.log), "-w", "-t", str(START_TIMEOUT_S))
            try:
                done = self._run(
                    "pg_ctl", *args, "-o", f"-p {self.port}", "start", timeout=START_TIMEOUT_S + 10
                )
            except subprocess.TimeoutExpired:
                raise StartError(
                    f"PostgreSQL did not start in {START_TIMEOUT_S} s; server log:\n"
                    + self._server_log()
                ) from None
            if done.returncode == 0:
                return
            if "Address already in use" not in self._server_log():
                break
        raise StartError(
            f"pg_ctl start failed ({done.returncode}):\n{done.stdout}{done.stderr}"
            f"server log:\n{self._server_log()}"
        )

    def stop(self) -> None:
        """Stop the server if it runs (fast shutdown, else immediate) and remove the directory."""
        if (self.data / "postmaster.pid").exists():
            for mode in ("fast", "immediate"):
                try:
                    args = ("-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop")
                    if self._run("pg_ctl", *args, timeout=40).returncode == 0:
                        break
                except subprocess.TimeoutExpired:
                    pass
        shutil.rmtree(self.dir, ignore_errors=True)


def start_cluster(bin_dir: Path) -> Cluster:
    cluster = Cluster(bin_dir)
    cluster.start()
    return cluster


def _admin(url: str):
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    return create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)


def create_database(url: str, name: str) -> str:
    """CREATE DATABASE ``name`` on the server of ``url``; returns the new database's URL."""
    from sqlalchemy import make_url, text

    engine = _admin(url)
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str, name: str) -> None:
    """DROP DATABASE ``name`` on the server of ``url``, closing connections still open to it."""
    from sqlalchemy import text

    engine = _admin(url)
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()
