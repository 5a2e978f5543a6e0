"""Ctrl-C stops ``diagnose-all`` within about a second, says so, and leaves no half-written file.

Ctrl-C in a terminal sends SIGINT to the whole process group (the command and its workers); the
test does the same to a command started in its own session, once the workers are writing reports.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def many_zones(tmp_path_factory) -> Path:
    """A synthetic territory with enough zones that diagnose-all runs for a while."""
    from mesocare.territory import save_territory
    from mesocare.territory.synthetic import generate

    return save_territory(generate("flanders"), tmp_path_factory.mktemp("flanders") / "t")


def _default_sigint() -> None:
    """Ctrl-C as in a terminal, even when the tests run with SIGINT ignored (in the background)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _reports(out: Path) -> list[Path]:
    return sorted(out.glob("diagnosis-*.html")) if out.is_dir() else []


@pytest.mark.slow
def test_ctrl_c_stops_diagnose_all_cleanly(many_zones, tmp_path):
    out = tmp_path / "reports"
    proc = subprocess.Popen(
        [sys.executable, "-m", "mesocare", "diagnose-all", str(many_zones), "--out", str(out),
         "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO / "src"), "COLUMNS": "200"},
        start_new_session=True,
        preexec_fn=_default_sigint,
    )  # fmt: skip
    deadline = time.monotonic() + 240
    while not _reports(out) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, proc.communicate()[1][-2000:]  # still running: reports to go
    os.killpg(proc.pid, signal.SIGINT)
    sent = time.monotonic()
    _, err = proc.communicate(timeout=30)
    stopped = time.monotonic() - sent
    assert proc.returncode == 130, err[-2000:]
    assert stopped < 2.0, f"took {stopped:.2f} s to stop"
    assert "Interrupted" in err and "Traceback" not in err
    assert not (out / "index.html").exists()  # the index only comes after every report
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []  # no temporaries
    for report in _reports(out):  # every report there is whole
        assert report.read_text(encoding="utf-8").rstrip().endswith("</html>"), report.name
    time.sleep(0.5)
    leftover = subprocess.run(["pgrep", "-s", str(proc.pid)], capture_output=True, text=True)
    assert leftover.stdout.strip() == "", "worker processes survived"
