"""The plan pages as a coordinator and a member use them: a plan from the diagnosis, its tree,
a conflict between two coordinators on one action, an actual from draft to approved with an
evidence file, the exports and an import."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from tests.platform_fixtures import ACCOUNTS, Served, csrf_of, login


def _client(app, role: str) -> TestClient:  # type: ignore[no-untyped-def]
    c = TestClient(app, base_url="http://testserver")
    assert login(c, ACCOUNTS[role][0]).status_code == 303
    return c


def _new_plan(c: TestClient, template: str = "integreo", **extra: str) -> int:
    page = c.get("/t/leuven/z/Z01/plans")
    assert page.status_code == 200
    r = c.post(
        "/t/leuven/z/Z01/plans",
        data={
            "csrf_token": csrf_of(page.text),
            "title": "Plan 2027",
            "template": template,
            "period_start": "2027-01-01",
            "period_end": "2029-12-31",
            "from_diagnosis": "yes",
            **extra,
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return int(r.headers["location"].rsplit("/", 1)[1])


def test_a_plan_from_the_diagnosis_to_an_approved_actual(app, served: Served) -> None:  # type: ignore[no-untyped-def]
    c = _client(app, "coordinator")
    pid = _new_plan(c)
    page = c.get(f"/plans/{pid}")
    assert page.status_code == 200 and "GP shortage" in page.text and "S1" in page.text
    token = csrf_of(page.text)
    strategic = re.search(r'<option value="(\d+)">S1 ', page.text).group(1)  # type: ignore[union-attr]
    r = c.post(
        f"/plans/{pid}/items",
        data={
            "csrf_token": token,
            "level": "operational",
            "parent_id": strategic,
            "title": "Every frail person known",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = c.get(f"/plans/{pid}")
    op = re.search(r'<option value="(\d+)">S1.1 ', page.text).group(1)  # type: ignore[union-attr]
    r = c.post(
        f"/plans/{pid}/items",
        data={"csrf_token": token, "level": "action", "parent_id": op, "title": "Screen over 75"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = c.get(f"/plans/{pid}")
    row = re.search(r'<tr class="mc-level-action">.*?/plan-items/(\d+)/edit', page.text, re.S)
    item = int(row.group(1))  # type: ignore[union-attr]
    # an action under a strategic objective is refused, with the reason on the page
    r = c.post(
        f"/plans/{pid}/items",
        data={"csrf_token": token, "level": "action", "parent_id": strategic, "title": "x"},
    )
    assert r.status_code == 422 and "operational" in r.text
    # two coordinators open the action; the second save is a conflict, its form kept
    other = _client(app, "admin")
    form1, form2 = c.get(f"/plan-items/{item}/edit"), other.get(f"/plan-items/{item}/edit")
    v = re.search(r'name="version" value="(\d+)"', form1.text).group(1)  # type: ignore[union-attr]
    base = {
        "title": "Screen everyone over 75",
        "status": "ongoing",
        "start_date": "2027-02-01",
        "end_date": "2027-12-31",
        "assignee": ACCOUNTS["member"][0],
    }
    r = c.post(
        f"/plan-items/{item}/edit",
        data={"csrf_token": csrf_of(form1.text), "version": v, **base},
        follow_redirects=False,
    )
    assert r.status_code == 303
    r = other.post(
        f"/plan-items/{item}/edit",
        data={"csrf_token": csrf_of(form2.text), "version": v, **base, "title": "Mine"},
    )
    assert r.status_code == 409 and "Mine" in r.text and "Screen everyone over 75" in r.text
    r = c.post(
        f"/plan-items/{item}/budget",
        data={
            "csrf_token": token,
            "label": "Sessions",
            "funder": "Zorgraad",
            "planned_eur": "1000",
            "spent_eur": "250",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    r = c.post(
        f"/plans/{pid}/indicators",
        data={
            "csrf_token": token,
            "item_id": str(item),
            "name": "Screened",
            "unit": "persons",
            "baseline": "0",
            "targets": "2027=100, 2028=200",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = c.get(f"/plans/{pid}")
    ind = int(re.search(r"/plan-indicators/(\d+)", page.text).group(1))  # type: ignore[union-attr]
    # the member responsible for the action enters, attaches and submits
    m = _client(app, "member")
    ip = m.get(f"/plan-indicators/{ind}")
    assert ip.status_code == 200 and "Save as draft" in ip.text
    mt = csrf_of(ip.text)
    r = m.post(
        f"/plan-indicators/{ind}/actuals",
        data={"csrf_token": mt, "period": "2027", "value": "80", "comment": "EHR count"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    ip = m.get(f"/plan-indicators/{ind}")
    actual = int(re.search(r"/plan-actuals/(\d+)/submit", ip.text).group(1))  # type: ignore[union-attr]
    r = m.post(
        f"/plan-actuals/{actual}/evidence",
        data={"csrf_token": mt},
        files={"file": ("count.csv", b"practice,n\nA,80\n", "text/csv")},
        follow_redirects=False,
    )
    assert r.status_code == 303
    r = m.post(
        f"/plan-actuals/{actual}/evidence",
        data={"csrf_token": mt},
        files={"file": ("x.pdf", b"MZ not a pdf", "application/pdf")},
    )
    assert r.status_code == 422 and "not what its type says" in r.text  # said on the page
    ver = re.search(
        r'/submit" class="mc-inline"><input type="hidden" name="csrf_token" value="[^"]+"><input type="hidden" name="version" value="(\d+)"',
        ip.text,
    ).group(1)  # type: ignore[union-attr]
    r = m.post(
        f"/plan-actuals/{actual}/submit",
        data={"csrf_token": mt, "version": ver},
        follow_redirects=False,
    )
    assert r.status_code == 303
    ip = m.get(f"/plan-indicators/{ind}")
    assert "Approve" not in ip.text  # a member does not review
    # the coordinator approves
    ip = c.get(f"/plan-indicators/{ind}")
    assert "count.csv" in ip.text
    ver = re.search(
        r'/review" class="mc-inline"><input type="hidden" name="csrf_token" value="[^"]+"><input type="hidden" name="version" value="(\d+)"',
        ip.text,
    ).group(1)  # type: ignore[union-attr]
    r = c.post(
        f"/plan-actuals/{actual}/review",
        data={"csrf_token": csrf_of(ip.text), "version": ver, "decision": "approve"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    ip = c.get(f"/plan-indicators/{ind}")
    assert ">approved<" in ip.text
    ev = int(re.search(r"/plan-evidence/(\d+)", ip.text).group(1))  # type: ignore[union-attr]
    assert c.get(f"/plan-evidence/{ev}").content == b"practice,n\nA,80\n"
    for name in ("timeline", "budget", f"indicator-{ind}"):
        r = c.get(f"/plans/{pid}/figures/{name}.json")
        assert r.status_code == 200 and r.json()["data"], name
    page = c.get(f"/plans/{pid}")
    assert "off target" in page.text  # 80 against 100
    # adoption by hand, with the plan's version
    v = re.search(
        r'/adopt" class="mc-form mc-narrow">\s*<input type="hidden" name="csrf_token" value="[^"]+">\s*<input type="hidden" name="version" value="(\d+)"',
        page.text,
    ).group(1)  # type: ignore[union-attr]
    r = c.post(
        f"/plans/{pid}/adopt",
        data={"csrf_token": token, "version": v, "decision_ref": "ZR 2027/01"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = c.get(f"/plans/{pid}")
    assert "ZR 2027/01" in page.text
    assert "ZR 2027/01" in c.get(f"/plans/{pid}/history").text
    # exports, and the XLSX back as a new plan
    assert "<h1>Plan 2027</h1>" in c.get(f"/plans/{pid}/export/html").text
    doc = c.get(f"/plans/{pid}/export/json").json()
    xlsx = c.get(f"/plans/{pid}/export/xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    r = c.post(
        "/t/leuven/z/Z01/plans/import",
        data={"csrf_token": token},
        files={
            "file": (
                "plan.xlsx",
                xlsx.content,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    new = int(r.headers["location"].rsplit("/", 1)[1])
    assert c.get(f"/plans/{new}/export/json").json() == doc
    # the API reads the same document; an analyst reads the figures only
    assert (
        c.get(
            f"/api/v1/plans/{pid}",
            headers={"Authorization": f"Bearer {served.tokens['coordinator']}"},
        ).json()
        == doc
    )
    an = {"Authorization": f"Bearer {served.tokens['analyst']}"}
    assert c.get(f"/api/v1/plans/{pid}", headers=an).status_code == 404
    prog = c.get(f"/api/v1/plans/{pid}/progress", headers=an).json()
    assert prog[0]["actuals"] == [80.0, None] and prog[0]["off_target"]


def test_a_cpts_plan_shows_its_mission_deadlines(app) -> None:  # type: ignore[no-untyped-def]
    c = _client(app, "coordinator")
    pid = _new_plan(c, "cpts", contract_date="2026-08-31")
    page = c.get(f"/plans/{pid}")
    assert page.status_code == 200
    # access: 6 months after 31 August 2026 is 28 February 2027; pathways: 12 → 31 August 2027
    assert "28 February 2027" in page.text and "31 August 2027" in page.text
    assert "Payment calendar" in page.text
