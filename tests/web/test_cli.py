"""The platform's commands as a user types them: serve, users, records."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mesocare", *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=300,
        env={**os.environ, "MESOCARE_LANG": "en"},
    )


@pytest.fixture
def data(platform_data: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "leuven").symlink_to(platform_data / "leuven")
    import shutil

    shutil.copytree(platform_data / ".mesocare-cache", folder / ".mesocare-cache")
    return folder


def test_users_create_grant_token_disable(data: Path) -> None:
    d = ["--data", str(data)]
    r = run(
        "users",
        "create",
        "Coord@Example.org",
        *d,
        "--role",
        "coordinator",
        "--scope",
        "Z01",
        "--password-stdin",
        stdin="a long password\n",
    )
    assert r.returncode == 0, r.stderr
    assert "coordinator on leuven:Z01" in r.stdout
    r = run(
        "users",
        "create",
        "coord@example.org",
        *d,
        "--role",
        "viewer",
        "--scope",
        "Z01",
        "--password-stdin",
        stdin="a long password\n",
    )
    assert r.returncode == 2 and "exists already" in r.stdout + r.stderr
    r = run(
        "users",
        "create",
        "x@example.org",
        *d,
        "--role",
        "viewer",
        "--scope",
        "Z99",
        "--password-stdin",
        stdin="a long password\n",
    )
    assert r.returncode == 2 and "unknown scope 'Z99'" in r.stdout + r.stderr
    r = run(
        "users",
        "create",
        "y@example.org",
        *d,
        "--role",
        "chief",
        "--scope",
        "Z01",
        "--password-stdin",
        stdin="a long password\n",
    )
    assert r.returncode == 2 and "unknown role" in r.stdout + r.stderr
    r = run(
        "users",
        "create",
        "z@example.org",
        *d,
        "--role",
        "viewer",
        "--scope",
        "Z01",
        "--password-stdin",
        stdin="short\n",
    )
    assert r.returncode == 2 and "password" in r.stdout + r.stderr
    assert "Traceback" not in r.stdout + r.stderr
    r = run("users", "grant", "coord@example.org", *d, "--role", "viewer", "--scope", "leuven:Z02")
    assert r.returncode == 0, r.stderr
    r = run(
        "users",
        "grant",
        "coord@example.org",
        *d,
        "--role",
        "member",
        "--scope",
        "zone 3 (SYNTHETIC)",
    )
    assert r.returncode == 0 and "member on leuven:Z03" in r.stdout, r.stdout + r.stderr
    r = run("users", "token", "coord@example.org", *d)
    token = r.stdout.strip().splitlines()[-1]
    assert r.returncode == 0 and token.startswith("mc_") and " " not in token
    r = run("users", "list", *d)
    assert "coordinator@leuven:Z01" in r.stdout and "viewer@leuven:Z02" in r.stdout
    r = run("users", "revoke", "coord@example.org", *d, "--role", "viewer", "--scope", "Z02")
    assert r.returncode == 0, r.stderr
    r = run("users", "disable", "coord@example.org", *d)
    assert r.returncode == 0 and "disabled" in run("users", "list", *d).stdout


def test_records_export_import_roundtrip(data: Path, tmp_path: Path) -> None:
    d = ["--data", str(data)]
    out = tmp_path / "z01.json"
    r = run("records", "export", *d, "--territory", "leuven", "--zone", "Z01", "--out", str(out))
    assert r.returncode == 0, r.stderr
    first = out.read_text()
    fresh = ["--data", str(data), "--db", f"sqlite:///{tmp_path / 'restored.db'}"]
    r = run("records", "import", str(out), *fresh)
    assert r.returncode == 0, r.stderr
    again = tmp_path / "again.json"
    assert (
        run(
            "records",
            "export",
            *fresh,
            "--territory",
            "leuven",
            "--zone",
            "Z01",
            "--out",
            str(again),
        ).returncode
        == 0
    )
    assert again.read_text() == first
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    r = run("records", "import", str(bad), *fresh)
    assert r.returncode == 2 and "bad.json" in r.stdout + r.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_healthz_and_stops_on_ctrl_c(data: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "mesocare", "serve", "--data", str(data), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                if r.status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        assert r.json() == {"status": "ok"}
        assert httpx.get(f"http://127.0.0.1:{port}/", follow_redirects=False).status_code == 303
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert "Traceback" not in err, err
    assert f"http://127.0.0.1:{port}/" in out


def test_serve_names_a_missing_folder(tmp_path: Path) -> None:
    r = run("serve", "--data", str(tmp_path / "nowhere"))
    assert r.returncode == 2 and "nowhere" in r.stdout + r.stderr and "Traceback" not in r.stderr
