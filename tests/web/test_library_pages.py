"""The learning library through the pages: search in each language, record a practice with a
self-assessment, adopt another zone's practice into one's plan from its page (the practice then
names the adopter)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from tests.platform_fixtures import ACCOUNTS, Served, csrf_of, login
from tests.services.records.test_plans import ctx

from mesocare.organisation.plans import PlanCreate
from mesocare.services.platform import plans as P
from mesocare.services.platform.demo_maturity import build_demo_practices


def test_search_record_and_adopt_through_the_pages(served: Served, app: Any) -> None:
    p: Any = served.platform
    with p.session(write=True) as s:
        ids = build_demo_practices(s, p.entry("leuven"), "Z01", ctx(served, "coordinator"))
        plan = P.create_plan(
            s,
            p.entry("leuven"),
            "Z02",
            PlanCreate(
                title="Plan Z02",
                template="blank",
                period_start=dt.date(2026, 1, 1),
                period_end=dt.date(2026, 12, 31),
            ),
            ctx(served, "other"),
        ).id
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as c:
        login(c, ACCOUNTS["other"][0])  # the coordinator of another zone
        for lang, word in (("nl", "doorverwijzingen"), ("fr", "pharmaciens"), ("en", "synthetic")):
            c.cookies.set("mc_lang", lang)
            page = c.get(f"/t/leuven/library?q={word}").text
            assert f"/library/{ids[0]}" in page or f"/library/{ids[1]}" in page, (lang, word)
        assert f"/library/{ids[1]}" not in c.get("/t/leuven/library?q=doorverwijzingen").text
        c.cookies.set("mc_lang", "en")
        page = c.get(f"/library/{ids[0]}").text
        assert "No zone has adopted it yet." in page and 'id="adopt"' in page
        tok = csrf_of(page)
        r = c.post(
            f"/library/{ids[0]}/adopt",
            data={
                "plan_id": str(plan),
                "actions": "Recruit a nurse\nVisit ten people",
                "csrf_token": tok,
            },
        )
        assert r.status_code == 303, r.text
        page = c.get(f"/library/{ids[0]}").text
        assert ACCOUNTS["other"][0] in page
        # recording a practice in one's own zone, with a self-assessment
        form = c.get("/t/leuven/z/Z02/library").text
        options = form.split('name="outcome_indicator">')[1].split("</select>")[0]
        indicator = options.split('<option value="')[2].split('"')[0]
        r = c.post(
            "/t/leuven/z/Z02/library",
            data={
                "title": "Buurtteam",
                "themes": ["vulnerable_groups"],
                "status": "emerging",
                "bpp-equity": "met",
                "outcome_indicator": indicator,
                "outcome_before": "1",
                "csrf_token": tok,
            },
        )
        assert r.status_code == 303, r.text
        page = c.get(r.headers["location"]).text
        assert "Buurtteam" in page and "Equity: met" in page
        assert "Mesocare zone diagnosis" in page  # the outcome's "after" is the zone's finding
        assert (
            c.post("/t/leuven/z/Z01/library", data={"title": "x", "csrf_token": tok}).status_code
            == 403
        )
    with p.session() as s:
        titles = [i.title for i in P.items(s, plan) if i.level == "action"]
    assert titles == ["Recruit a nurse", "Visit ten people"]
