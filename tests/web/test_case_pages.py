"""A full case workflow through the pages (a social nurse opens a case, adds goals, problems, a
welfare worker and a referral, the welfare worker reports back, the consent is revoked), then: no
case content in any log line or audit row; the access log for the patient; break the glass."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.platform_fixtures import ACCOUNTS, PASSWORD, Served, csrf_of, login
from tests.services.records.test_targets import population  # noqa: F401, F811 (fixture)

from mesocare.organisation.roles import Scope
from mesocare.services.platform import accounts as A

NURSE, WELFARE = "nurse@test.mesocare.org", "welfare@test.mesocare.org"
GOAL = "Ik wil mijn kleinkinderen weer kunnen bezoeken"
PROBLEM = "Voelt zich eenzaam sinds de verhuis"
REFERRAL = "Begeleiding bij de huurachterstand"
RESULT = "Afbetalingsplan met de verhuurder afgesproken"
CONTENT = (GOAL, PROBLEM, REFERRAL, RESULT)


def _people(served: Served) -> None:
    p: Any = served.platform
    with p.session(write=True) as s:
        for email in (NURSE, WELFARE):
            A.create_user(s, email, PASSWORD, by=None, request_id="t", display_name=email[:5])
            A.grant(
                s,
                email,
                "member",
                Scope(territory="leuven", unit="Z01"),
                access=None,
                request_id="t",
            )


def _as(app: Any, email: str) -> tuple[TestClient, str]:
    c = TestClient(app, base_url="http://testserver", follow_redirects=False)
    assert login(c, email).status_code == 303
    return c, csrf_of(c.get("/account").text)


def _post(c: TestClient, url: str, csrf: str, data: dict[str, Any]) -> Any:
    r = c.post(url, data={**data, "csrf_token": csrf})
    assert r.status_code == 303, (url, r.status_code, r.text[:2000])
    return r


def run_workflow(app: Any, served: Served) -> int:
    _people(served)
    nurse, csrf = _as(app, NURSE)
    r = _post(nurse, "/t/leuven/z/Z01/cases", csrf, {"code": "ant-0042"})
    cid = int(re.search(r"/cases/(\d+)", r.headers["location"]).group(1))  # type: ignore[union-attr]
    page = nurse.get(f"/cases/{cid}?message=opened").text
    assert "ANT-0042" in page and "The case is open" in page
    _post(
        nurse,
        f"/cases/{cid}/goals",
        csrf,
        {"text": GOAL, "expressed_by": "patient", "shared_with": ["primary_care", "welfare"]},
    )
    _post(
        nurse,
        f"/cases/{cid}/problems",
        csrf,
        {"domain": "social", "text": PROBLEM, "icpc2": "Z29", "shared_with": ["welfare"]},
    )
    _post(
        nurse,
        f"/cases/{cid}/team",
        csrf,
        {
            "user": WELFARE,
            "role": "Maatschappelijk werker",
            "category": "welfare",
            "start": "2026-01-01",
            "added_value": "Kent de huurwetgeving",
        },
    )
    _post(nurse, f"/cases/{cid}/consents", csrf, {"category": "welfare", "given_on": "2026-01-01"})
    page = nurse.get(f"/cases/{cid}").text
    team_id = re.search(r'name="performer_id">.*?<option value="(\d+)"', page, re.S).group(1)  # type: ignore[union-attr]
    _post(
        nurse,
        f"/cases/{cid}/actions",
        csrf,
        {"kind": "referral", "text": REFERRAL, "performer_id": team_id, "shared_with": ["welfare"]},
    )
    welfare, wcsrf = _as(app, WELFARE)
    page = welfare.get(f"/cases/{cid}").text
    assert GOAL in page and PROBLEM in page and REFERRAL in page
    action = re.search(r"/cases/\d+/actions/(\d+)/status", page).group(1)  # type: ignore[union-attr]
    _post(
        welfare,
        f"/cases/{cid}/actions/{action}/status",
        wcsrf,
        {"version": "1", "status": "accepted"},
    )
    # done without a result: refused, with the reason, nothing saved
    r = welfare.post(
        f"/cases/{cid}/actions/{action}/status",
        data={"version": "2", "status": "done", "csrf_token": wcsrf},
    )
    assert r.status_code == 422 and "result" in r.text
    _post(
        welfare,
        f"/cases/{cid}/actions/{action}/status",
        wcsrf,
        {"version": "2", "status": "done", "result": RESULT},
    )
    assert RESULT in nurse.get(f"/cases/{cid}").text
    return cid


def test_a_case_through_the_pages_leaves_no_content_in_the_logs(
    app: Any, served: Served, caplog: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    cid = run_workflow(app, served)
    nurse, csrf = _as(app, NURSE)
    welfare, _w = _as(app, WELFARE)
    consent = re.search(rf"/cases/{cid}/consents/(\d+)/revoke", nurse.get(f"/cases/{cid}").text)
    _post(nurse, f"/cases/{cid}/consents/{consent.group(1)}/revoke", csrf, {"version": "1"})  # type: ignore[union-attr]
    page = welfare.get(f"/cases/{cid}").text
    for text in CONTENT:  # revoked: what was shared with welfare is hidden at once
        assert text not in page
    assert "not shared with you" in page
    # the logs: log lines and every audit row
    p: Any = served.platform
    from mesocare.services.platform import audit

    with p.session() as s:
        rows, _n = audit.log_page(s, limit=10_000)
    dump = json.dumps([r.model_dump(mode="json") for r in rows])
    for text in CONTENT:
        assert text not in caplog.text, "case content in a log line"
        assert text not in dump, "case content in the audit log"
    assert sum(r.action == "read" and r.object_type == "case" for r in rows) >= 6
    # the access log, for the patient
    csv_text = nurse.get(f"/cases/{cid}/access-log.csv").text
    assert csv_text.startswith("at,who,action,part,fields") and WELFARE in csv_text
    js = nurse.get(f"/cases/{cid}/access-log.json").json()
    assert {"read", "create", "update"} <= {r["action"] for r in js}
    assert nurse.get(f"/cases/{cid}/access-log").status_code == 200


def test_outside_the_team_403_and_break_the_glass(app: Any, served: Served) -> None:
    cid = run_workflow(app, served)
    coord, ccsrf = _as(app, ACCOUNTS["coordinator"][0])
    r = coord.get(f"/cases/{cid}")
    assert r.status_code == 403 and GOAL not in r.text
    assert "Open in an emergency" in r.text
    admin, _a = _as(app, ACCOUNTS["admin"][0])
    r = admin.get(f"/cases/{cid}")
    assert r.status_code == 403 and "Open in an emergency" not in r.text
    r = coord.post(
        f"/cases/{cid}/break-glass", data={"reason": "kort", "minutes": "30", "csrf_token": ccsrf}
    )
    assert r.status_code == 422
    _post(
        coord,
        f"/cases/{cid}/break-glass",
        ccsrf,
        {"reason": "Patient on the emergency ward, coordinator unreachable", "minutes": "30"},
    )
    page = coord.get(f"/cases/{cid}").text
    assert GOAL in page and "Emergency access" in page
    nurse, _n = _as(app, NURSE)
    listing = nurse.get("/cases").text
    assert "1 emergency access to review" in listing
    assert "coordinator unreachable" in nurse.get(f"/cases/{cid}").text


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_case_pages_in_other_languages(app: Any, served: Served, lang: str) -> None:
    cid = run_workflow(app, served)
    nurse, _c = _as(app, NURSE)
    nurse.cookies.set("mc_lang", lang)
    with served.platform.session(write=True) as s:  # type: ignore[attr-defined]
        A.set_language(s, A.get_user(s, NURSE).id, lang, request_id="t")
    for url in ("/cases", f"/cases/{cid}", f"/cases/{cid}/access-log", "/t/leuven/z/Z01/cases/new"):
        r = nurse.get(url)
        assert r.status_code == 200 and f'<html lang="{lang}"' in r.text, url


def test_the_target_list_page_and_a_case_from_it(
    app: Any,
    served: Served,
    population: Any,  # noqa: F811
) -> None:
    from tests.services.records.test_targets import _served_with

    from mesocare.services.platform import targets as TG
    from mesocare.services.platform.records import Ctx

    p = _served_with(served, population)
    entry = p.entry("leuven")
    practice = next(iter(TG.practices(entry, "Z01")))
    with p.session(write=True) as s:
        admin = Ctx(p.access(A.principal_of(A.get_user(s, ACCOUNTS["admin"][0]))), "t")
        TG.add_member(s, entry, practice, ACCOUNTS["member"][0], admin)
    member, csrf = _as(app, ACCOUNTS["member"][0])
    url = f"/t/leuven/practices/{practice}/targets"
    page = member.get(url)
    assert page.status_code == 200 and "Counts per area" in page.text
    person = re.search(r'name="person_id" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    r = _post(member, f"{url}/case", csrf, {"person_id": person})
    case_page = member.get(r.headers["location"]).text
    assert "linked to a person of a practice list" in case_page and person not in case_page
    assert "a case is open" in member.get(url).text
    coord, _c = _as(app, ACCOUNTS["coordinator"][0])
    assert coord.get(url).status_code == 403
