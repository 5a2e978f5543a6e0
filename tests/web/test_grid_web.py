"""The analysis grid through the web app: the exports (XLSX, flat CSV, PDF) repeat the matrix the
page shows; a foreign model is read by a coordinator of another zone and edited only by its
author; a workshop group's token opens its page and nothing else; a document of the wrong type is
refused on the page with its reason."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from tests.platform_fixtures import ACCOUNTS, Served, csrf_of, login


def _demo(served: Served) -> tuple[list[int], str]:
    from mesocare.services.platform import accounts as A
    from mesocare.services.platform import grid_workshop as W
    from mesocare.services.platform.demo_grid import build_demo_grid
    from mesocare.services.platform.records import Ctx

    p: Any = served.platform
    with p.session(write=True) as s:
        c = Ctx(p.access(A.principal_of(A.get_user(s, ACCOUNTS["coordinator"][0]))), "t")
        ids = build_demo_grid(s, p.entry("leuven"), "Z01", c)
        w = W.open_workshop(s, ids[0], "W", 2, c)
        _g, token = W.add_group(s, w.id, "T", None, c)
    return ids, token


def test_exports_repeat_the_matrix(client: TestClient, served: Served) -> None:
    _demo(served)
    login(client, ACCOUNTS["viewer"][0])
    m = client.get("/api/v1/grid/matrix").json()
    keys = [d["key"] for d in m["dimensions"]]
    rows = list(csv.reader(io.StringIO(client.get("/grid/export/csv").text)))
    assert rows[0][7:] == keys and len(rows) == 1 + len(m["cases"]) == 5
    book = load_workbook(io.BytesIO(client.get("/grid/export/xlsx").content))
    sheet = book["matrix"]
    for i, case in enumerate(m["cases"]):
        text = [m["cells"][i].get(k, {}).get("text", "") for k in keys]
        assert rows[1 + i][1] == case["title"] and rows[1 + i][7:] == text
        assert [sheet.cell(2 + r, 2 + i).value or "" for r in range(len(keys))] == text
    only = list(csv.reader(io.StringIO(client.get("/grid/export/csv?tag=wallonia").text)))
    assert [r[1] for r in only[1:]] == ["Walloon local health system, OLS (example)"]
    assert client.get("/grid/export/doc").status_code == 404


def test_the_pdf_export(client: TestClient, served: Served) -> None:
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("no Chromium to print with")
    _demo(served)
    login(client, ACCOUNTS["viewer"][0])
    r = client.get("/grid/export/pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")


def test_a_foreign_model_is_read_by_all_and_edited_by_its_author(
    client: TestClient, served: Served
) -> None:
    ids, _t = _demo(served)
    foreign = ids[1]
    login(client, ACCOUNTS["other"][0])  # a coordinator of another zone
    page = client.get(f"/grid/cases/{foreign}")
    assert page.status_code == 200 and "CPTS (example)" in page.text
    assert 'id="cells"' in page.text and "Save as a new version" not in page.text
    assert client.get(f"/grid/cases/{ids[0]}").status_code == 404  # the zone's case: not theirs
    r = client.post(
        f"/grid/cases/{foreign}/cells",
        data={"csrf_token": csrf_of(page.text), "version": "2", "text-values": "x"},
        follow_redirects=False,
    )
    assert r.status_code == 403
    client.cookies.clear()
    login(client, ACCOUNTS["coordinator"][0])  # its author
    page = client.get(f"/grid/cases/{foreign}")
    r = client.post(
        f"/grid/cases/{foreign}/documents",
        data={"csrf_token": csrf_of(page.text), "dimension": "values"},
        files={"file": ("x.pdf", b"not a pdf", "application/pdf")},
    )
    assert r.status_code == 422 and "not what its type says" in r.text


def test_a_group_token_opens_its_page_and_nothing_else(
    app: Any, client: TestClient, served: Served
) -> None:
    ids, token = _demo(served)
    anon = TestClient(app, base_url="http://testserver", follow_redirects=False)
    assert anon.get(f"/w/{token}").status_code == 200
    for path in ("/grid", f"/grid/cases/{ids[0]}", "/grid/workshops/1"):
        assert anon.get(path).headers.get("location", "").startswith("/login"), path
        assert anon.get(path, cookies={"mc_session": token}).status_code == 303, path
    r = anon.get("/api/v1/grid/matrix", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401
    assert anon.get("/w/" + "x" * 32).status_code == 404
