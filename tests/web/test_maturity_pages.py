"""Maturity assessments through the pages and the API: nobody reads another participant's
scores before the consensus round opens, through any route (every GET route of the app under
``maturity`` is asked, as each participant, the coordinator and the admin); then the forms from
blind round to consensus to a plan objective."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from tests.platform_fixtures import ACCOUNTS, Served, csrf_of, login
from tests.services.records.test_plans import ctx, new_plan

from mesocare.organisation.maturity_records import AssessmentCreate, ParticipantCreate, ScoresIn
from mesocare.services.platform import maturity as M

SECRET = "only-the-member-knows-this"


def _blind(served: Served) -> int:
    p: Any = served.platform
    with p.session(write=True) as s:
        a = M.create_assessment(
            s,
            p.entry("leuven"),
            "Z01",
            AssessmentCreate(title="Blind", assessed_on="2026-04-01"),
            ctx(served, "coordinator"),
        )
        for role, cluster in (("coordinator", "care"), ("member", "care"), ("viewer", "welfare")):
            M.invite(
                s,
                a.id,
                ParticipantCreate(email=ACCOUNTS[role][0], cluster=cluster),
                ctx(served, "coordinator"),
            )
        M.submit_scores(
            s,
            a.id,
            ScoresIn(
                scores={"funding": 5, "digital": 4}, comments={"funding": SECRET}, submit=True
            ),
            ctx(served, "member"),
        )
        M.submit_scores(s, a.id, ScoresIn(scores={"funding": 1}), ctx(served, "viewer"))
        return a.id


def _maturity_gets(app: Any) -> list[str]:
    from mesocare.web.app import route_table

    return sorted(p for m, p in route_table(app) if m == "GET" and "maturity" in p)


def test_no_route_shows_another_participants_scores_while_blind(served: Served, app: Any) -> None:
    aid = _blind(served)
    paths = _maturity_gets(app)
    assert len(paths) >= 8  # pages, figures, API: every one is asked below
    for role in ("coordinator", "viewer", "admin", "member"):
        with TestClient(app, base_url="http://testserver") as c:
            login(c, ACCOUNTS[role][0])
            for path in paths:
                url = path.format(territory="leuven", zone="Z01", assessment_id=aid, name="dots")
                for client_kw in (
                    {},
                    {"headers": {"Authorization": f"Bearer {served.tokens[role]}"}},
                ):
                    r = c.get(url, **client_kw)
                    if role != "member":
                        assert SECRET not in r.text, (role, url)
                    if url.endswith(".json"):
                        assert r.status_code == 404, (role, url)  # no figure while blind
                    if url == f"/api/v1/maturity/assessments/{aid}" and r.status_code == 200:
                        v = r.json()
                        assert v["results"] == [] and v["priorities"] == []
                        mine = {"member": {"funding": 5, "digital": 4}, "viewer": {"funding": 1}}
                        assert v["my_scores"] == mine.get(role, {}), role
            page = c.get(f"/maturity/{aid}").text
            if role == "viewer":  # the own score is selected in the own form, no other
                assert 'value="1" selected' in page and 'value="5" selected' not in page
            if role == "member":
                assert SECRET in page  # one's own comment, in one's own form


def test_from_blind_round_to_consensus_to_an_objective_through_the_forms(
    served: Served, app: Any
) -> None:
    plan_id = new_plan(served)
    clients = {}
    for role in ("coordinator", "member", "viewer"):
        c = TestClient(app, base_url="http://testserver", follow_redirects=False)
        login(c, ACCOUNTS[role][0])
        clients[role] = c
    co = clients["coordinator"]
    tok = csrf_of(co.get("/t/leuven/z/Z01/maturity").text)
    r = co.post(
        "/t/leuven/z/Z01/maturity",
        data={"title": "Workshop", "assessed_on": "2026-05-02", "csrf_token": tok},
    )
    assert r.status_code == 303
    aid = int(r.headers["location"].split("/")[2].split("?")[0])
    for role, cluster in (("member", "care_providers"), ("viewer", "welfare")):
        r = co.post(
            f"/maturity/{aid}/participants",
            data={"email": ACCOUNTS[role][0], "cluster": cluster, "csrf_token": tok},
        )
        assert r.status_code == 303, r.text
    for role, score in (("member", "4"), ("viewer", "1")):
        c = clients[role]
        t = csrf_of(c.get(f"/maturity/{aid}").text)
        r = c.post(
            f"/maturity/{aid}/scores",
            data={"score-funding": score, "score-digital": "2", "submit": "1", "csrf_token": t},
        )
        assert r.status_code == 303
    # the coordinator is not a participant: no scoring form, and posting scores is refused
    assert "my-scores" not in co.get(f"/maturity/{aid}").text
    assert (
        co.post(
            f"/maturity/{aid}/scores", data={"score-funding": "3", "csrf_token": tok}
        ).status_code
        == 403
    )
    r = co.post(
        f"/maturity/{aid}/status", data={"version": "1", "status": "consensus", "csrf_token": tok}
    )
    assert r.status_code == 303
    page = clients["viewer"].get(f"/maturity/{aid}").text
    assert "care_providers / welfare" in page  # the clusters disagree on funding (4 vs 1)
    r = co.post(
        f"/maturity/{aid}/consensus",
        data={
            "item": "funding",
            "score": "2",
            "rationale": "Yearly project money",
            "importance": "2",
            "csrf_token": tok,
        },
    )
    assert r.status_code == 303
    dots = json.loads(clients["member"].get(f"/maturity/{aid}/figures/dots.json").text)
    assert {t["name"] for t in dots["data"]} >= {"care_providers", "welfare", "Consensus"}
    r = co.post(
        f"/maturity/{aid}/objectives",
        data={
            "item": "funding",
            "plan_id": str(plan_id),
            "anchor": ACCOUNTS["member"][0],
            "csrf_token": tok,
        },
    )
    assert r.status_code == 303, r.text
    plan = co.get(f"/plans/{plan_id}").text
    assert "Improve: Funding" in plan
    for c in clients.values():
        c.close()


def test_an_hso_file_starts_an_assessment_and_a_bad_cell_is_named(served: Served, app: Any) -> None:
    good = b"dimension;criterion_id;text;scale\nLeadership;1.1;A shared vision;0-3\n"
    bad = good + b"People;1.1;Duplicate id;0-3\n"
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as c:
        login(c, ACCOUNTS["coordinator"][0])
        tok = csrf_of(c.get("/t/leuven/z/Z01/maturity").text)
        fields = {"title": "HSO 2026", "assessed_on": "2026-06-01", "csrf_token": tok}
        r = c.post(
            "/t/leuven/z/Z01/maturity/from-file",
            data=fields,
            files={"file": ("hso-ipchs.csv", bad, "text/csv")},
        )
        assert r.status_code == 422
        assert "hso-ipchs.csv" in r.text and "criterion_id" in r.text and "row 2" in r.text
        r = c.post(
            "/t/leuven/z/Z01/maturity/from-file",
            data=fields,
            files={"file": ("hso-ipchs.csv", good, "text/csv")},
        )
        assert r.status_code == 303
        page = c.get(r.headers["location"]).text
        assert "hso-ipchs" in page and "A shared vision" not in page  # not a participant yet
        api = c.post(
            "/api/v1/territories/leuven/zones/Z01/maturity/assessments/from-file",
            data={"title": "HSO", "assessed_on": "2026-06-01"},
            files={"file": ("x.csv", bad, "text/csv")},
            headers={"Authorization": f"Bearer {served.tokens['coordinator']}"},
        )
        assert api.status_code == 422 and "row 2" in api.text
