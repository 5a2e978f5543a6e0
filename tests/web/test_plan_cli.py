"""``mesocare plan new|export|import`` as a user types them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from tests.web.test_cli import run


@pytest.fixture
def data(platform_data: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "leuven").symlink_to(platform_data / "leuven")
    shutil.copytree(platform_data / ".mesocare-cache", folder / ".mesocare-cache")
    return folder


def test_new_export_import(data: Path, tmp_path: Path) -> None:
    db = ["--data", str(data), "--db", f"sqlite:///{tmp_path / 'plans.db'}"]
    r = run(
        "plan",
        "new",
        "--zone",
        "Z01",
        "--template",
        "cpts",
        "--from-diagnosis",
        "--contract-date",
        "2026-01-31",
        *db,
    )
    assert r.returncode == 0, r.stderr
    pid = int(r.stdout.strip().splitlines()[-1])  # the id on the last line
    assert "needs drafted" in r.stdout
    out = {}
    for fmt in ("json", "xlsx", "html"):
        out[fmt] = tmp_path / f"plan.{fmt}"
        r = run("plan", "export", str(pid), "--format", fmt, "--out", str(out[fmt]), *db)
        assert r.returncode == 0, r.stderr
    doc = json.loads(out["json"].read_text())
    assert doc["template"] == "cpts" and doc["zone"] == "Z01"
    assert [i["mission"] for i in doc["items"]][:4] == [
        "access",
        "pathways",
        "prevention",
        "crisis",
    ]
    assert any(n["kind"] == "shortage" for n in doc["needs"])
    html = out["html"].read_text()
    assert "<h1>" in html and doc["title"] in html and "<script" not in html
    r = run("plan", "import", str(out["xlsx"]), *db)
    assert r.returncode == 0, r.stderr
    new = int(r.stdout.strip().splitlines()[-1])
    assert new != pid
    r = run("plan", "export", str(new), "--format", "json", "--out", str(tmp_path / "b.json"), *db)
    assert json.loads((tmp_path / "b.json").read_text()) == doc


def test_errors_are_one_line_without_a_traceback(data: Path, tmp_path: Path) -> None:
    def err(r):  # type: ignore[no-untyped-def]
        return r.stdout + r.stderr

    db = ["--data", str(data), "--db", f"sqlite:///{tmp_path / 'plans.db'}"]
    r = run("plan", "new", "--zone", "Z99", *db)
    assert r.returncode != 0 and "Z99" in err(r) and "Traceback" not in err(r)
    r = run("plan", "new", "--zone", "Z01", "--template", "nope", *db)
    assert r.returncode != 0 and "nope" in err(r) and "Traceback" not in err(r)
    r = run("plan", "export", "999", "--format", "json", "--out", str(tmp_path / "x.json"), *db)
    assert r.returncode != 0 and "999" in err(r) and not (tmp_path / "x.json").exists()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    r = run("plan", "import", str(bad), *db)
    assert r.returncode != 0 and "XLSX" in err(r) and "Traceback" not in err(r)


@pytest.mark.slow
def test_pdf_export(data: Path, tmp_path: Path) -> None:
    if not shutil.which("chromium") and not Path("/usr/bin/chromium").exists():
        pytest.skip("no Chromium to print the PDF")
    db = ["--data", str(data), "--db", f"sqlite:///{tmp_path / 'plans.db'}"]
    r = run("plan", "new", "--zone", "Z01", "--template", "integreo", *db)
    pid = r.stdout.strip().splitlines()[-1]
    r = run("plan", "export", pid, "--format", "pdf", "--out", str(tmp_path / "p.pdf"), *db)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "p.pdf").read_bytes()[:5] == b"%PDF-"
