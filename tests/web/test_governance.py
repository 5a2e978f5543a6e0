"""Governance in the web app: a coordinator sets up a zorgraad, seats its members, plans a meeting,
puts a motion on the agenda and records the votes (the outcome and each cluster's tally shown); a
stale vote form is answered 409 with the votes as they are now; the API does the same."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from tests.platform_fixtures import ACCOUNTS, PASSWORD, Served, csrf_of, login
from tests.web.conftest import Live

FULL = {"care_providers": 4, "welfare": 4, "local_government": 4, "patients": 2}


def api(served: Served, role: str = "coordinator") -> dict[str, str]:
    return {"Authorization": f"Bearer {served.tokens[role]}"}


def zorgraad_by_api(
    client: TestClient | httpx.Client, served: Served
) -> tuple[int, dict[str, list[int]]]:
    h = api(served)
    r = client.post(
        "/api/v1/territories/leuven/zones/Z01/governance/bodies",
        json={"template": "zorgraad", "organ": "council", "name": "Zorgraad Leuven"},
        headers=h,
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert [c["seats"] for c in body["clusters"]] == [4, 4, 4, 2, 0]
    ids: dict[str, list[int]] = {}
    for cluster, n in FULL.items():
        for i in range(n):
            r = client.post(
                f"/api/v1/governance/bodies/{body['id']}/members",
                json={"cluster": cluster, "name": f"{cluster} {i}"},
                headers=h,
            )
            assert r.status_code == 201, r.text
            ids.setdefault(cluster, []).append(r.json()["id"])
    return body["id"], ids


def motion_by_api(client: TestClient | httpx.Client, served: Served, body: int) -> int:
    """A meeting of the body with one agenda item and its motion; the decision's id."""
    h = api(served)
    m = client.post(
        f"/api/v1/governance/bodies/{body}/meetings",
        json={"held_on": "2026-11-05", "title": "Meeting"},
        headers=h,
    ).json()
    r = client.post(
        f"/api/v1/governance/meetings/{m['id']}/items",
        json={"title": "Action plan", "decision": {"motion": "Adopt the action plan"}},
        headers=h,
    )
    assert r.status_code == 201, r.text
    return int(r.json()["items"][0]["decisions"][0]["id"])


def test_the_api_decides_by_cluster_and_refuses_a_stale_version(
    client: TestClient, served: Served
) -> None:
    h = api(served)
    body, ids = zorgraad_by_api(client, served)
    r = client.post(
        f"/api/v1/governance/bodies/{body}/members",
        json={"cluster": "patients", "name": "One too many"},
        headers=h,
    )
    assert r.status_code == 422
    assert "Patients, informal carers and volunteers" in r.json()["detail"]
    decision = {"id": motion_by_api(client, served, body)}
    everyone_for = {str(mid): "for" for group in ids.values() for mid in group}
    split = {**everyone_for, str(ids["patients"][0]): "against"}
    r = client.put(
        f"/api/v1/governance/decisions/{decision['id']}/votes",
        json={"version": 1, "votes": split},
        headers=h,
    )
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["outcome"] == "failed"
    patients = d["tally"][3]
    assert (patients["cluster"], patients["for"], patients["against"]) == ("patients", 1, 1)
    r = client.put(
        f"/api/v1/governance/decisions/{decision['id']}/votes",
        json={"version": 1, "votes": everyone_for},
        headers=h,
    )
    assert r.status_code == 409
    r = client.put(
        f"/api/v1/governance/decisions/{decision['id']}/votes",
        json={"version": 2, "votes": everyone_for},
        headers=h,
    )
    assert r.json()["outcome"] == "passed"
    assert client.get("/api/v1/governance/templates", headers=h).json()[0]["name"] == "zorgraad"
    # a viewer reads, an analyst does not see it
    assert (
        client.get(f"/api/v1/governance/bodies/{body}", headers=api(served, "viewer")).status_code
        == 200
    )
    assert (
        client.get(f"/api/v1/governance/bodies/{body}", headers=api(served, "analyst")).status_code
        == 404
    )


def _form(html: str, action: str) -> str:
    m = re.search(rf'<form method="post" action="{re.escape(action)}".*?</form>', html, re.S)
    assert m, f"no form {action}"
    return m.group(0)


def test_a_coordinator_records_votes_and_a_stale_form_is_a_conflict(
    client: TestClient, served: Served
) -> None:
    login(client, ACCOUNTS["coordinator"][0])
    page = client.get("/t/leuven/z/Z01/governance")
    assert page.status_code == 200 and "This zone has no governance body yet." in page.text
    csrf = csrf_of(page.text)
    r = client.post(
        "/t/leuven/z/Z01/governance",
        data={"organ": "zorgraad/council", "name": "Zorgraad Leuven", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303
    body_url = r.headers["location"].split("?")[0]
    body = int(body_url.rsplit("/", 1)[1])
    page = client.get(body_url)
    assert "14 seats are vacant." in page.text
    for cluster, n in FULL.items():
        for i in range(n):
            r = client.post(
                f"/governance/bodies/{body}/members",
                data={"cluster": cluster, "name": f"{cluster} {i}", "csrf_token": csrf},
                follow_redirects=False,
            )
            assert r.status_code == 303, r.text
    r = client.post(
        f"/governance/bodies/{body}/members",
        data={"cluster": "welfare", "name": "Fifth", "csrf_token": csrf},
    )
    assert r.status_code == 422 and "cluster Welfare: 5 members for 4 seats" in r.text
    r = client.post(
        f"/governance/bodies/{body}/meetings",
        data={"held_on": "2026-11-05", "title": "Zorgraad November", "csrf_token": csrf},
        follow_redirects=False,
    )
    meeting_url = r.headers["location"].split("?")[0]
    meeting = int(meeting_url.rsplit("/", 1)[1])
    client.post(
        f"/governance/meetings/{meeting}/items",
        data={"title": "Action plan", "motion": "Adopt the plan", "csrf_token": csrf},
    )
    page = client.get(meeting_url)
    decision = int(re.search(r'action="/governance/decisions/(\d+)/votes"', page.text).group(1))  # type: ignore[union-attr]
    form = _form(page.text, f"/governance/decisions/{decision}/votes")
    members = re.findall(r'name="vote-(\d+)" value="for"', form)
    assert len(members) == 14
    votes: dict[str, Any] = {f"vote-{mid}": "for" for mid in members}
    votes[f"vote-{members[0]}"] = "against"
    votes[f"vote-{members[1]}"] = "against"  # care providers: 2 for, 2 against, a tie
    r = client.post(
        f"/governance/decisions/{decision}/votes",
        data={**votes, "version": "1", "csrf_token": csrf},
        follow_redirects=True,
    )
    assert "The votes are recorded." in r.text and "not passed" in r.text
    assert "2 for, 3 needed" in r.text
    # the same form again, on version 1: refused, the votes as they are now shown
    r = client.post(
        f"/governance/decisions/{decision}/votes",
        data={**votes, "version": "1", "csrf_token": csrf},
    )
    assert r.status_code == 409 and "yours are not saved" in r.text
    form = _form(r.text, f"/governance/decisions/{decision}/votes")
    assert 'name="version" value="2"' in form
    assert f'name="vote-{members[0]}" value="against" checked' in form
    votes[f"vote-{members[1]}"] = "for"  # care providers: 3 for, 1 against
    r = client.post(
        f"/governance/decisions/{decision}/votes",
        data={**votes, "version": "2", "csrf_token": csrf},
        follow_redirects=True,
    )
    assert '<span class="mc-badge mc-good">passed</span>' in r.text


def test_members_and_viewers_see_no_forms(client: TestClient, served: Served) -> None:
    body, _ids = zorgraad_by_api(client, served)
    login(client, ACCOUNTS["viewer"][0])
    page = client.get(f"/governance/bodies/{body}")
    assert page.status_code == 200 and "Seat a member" not in page.text
    assert "Zorgraad Leuven" in page.text


@pytest.mark.postgres
def test_two_coordinators_recording_votes_at_once_over_http(live_any: Live) -> None:
    """Two coordinators of the zone, each with a token, read the decision and put their votes at
    the same moment: one is saved, the other answered 409; the audit log holds one change."""
    from mesocare.organisation.roles import Scope
    from mesocare.services.platform import accounts as A

    served = live_any.served
    p: Any = served.platform
    with p.session(write=True) as s:
        A.create_user(s, "coordinator2@test.mesocare.org", PASSWORD, by=None, request_id="t")
        A.grant(
            s,
            "coordinator2@test.mesocare.org",
            "coordinator",
            Scope(territory="leuven", unit="Z01"),
            access=None,
            request_id="t",
        )
    with p.session(write=True) as s:
        second = A.new_token(s, "coordinator2@test.mesocare.org", request_id="t")
    with httpx.Client(base_url=live_any.url, timeout=60) as c:
        body, ids = zorgraad_by_api(c, served)
        decision = motion_by_api(c, served, body)
    ready = threading.Barrier(2)

    def put(token: str, vote: str) -> int:
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=live_any.url, headers=headers, timeout=60) as c:
            seen = c.get(f"/api/v1/governance/decisions/{decision}").json()["version"]
            ready.wait()
            votes = {str(mid): vote for group in ids.values() for mid in group}
            r = c.put(
                f"/api/v1/governance/decisions/{decision}/votes",
                json={"version": seen, "votes": votes},
            )
            return r.status_code

    with ThreadPoolExecutor(2) as pool:
        codes = sorted(
            pool.map(
                lambda tv: put(*tv), [(served.tokens["coordinator"], "for"), (second, "against")]
            )
        )
    assert codes == [200, 409]
    with p.session() as s:
        from mesocare.services.platform import audit

        changes = [
            r for r in audit.history(s, "governance_decision", decision) if r.action == "update"
        ]
    assert len(changes) == 1


def test_a_cpts_association_has_its_general_assembly_and_board(
    client: TestClient, served: Served
) -> None:
    h = api(served)
    url = "/api/v1/territories/leuven/zones/Z01/governance/bodies"
    board = client.post(
        url, json={"template": "cpts-association", "organ": "board", "name": "CA"}, headers=h
    ).json()
    assert board["label"] == "CPTS association · Board"
    assert [(c["cluster"], c["seats"]) for c in board["clusters"]] == [("board_members", 3)]
    ids = [
        client.post(
            f"/api/v1/governance/bodies/{board['id']}/members",
            json={"cluster": "board_members", "name": n},
            headers=h,
        ).json()["id"]
        for n in ("Présidente", "Secrétaire", "Trésorier")
    ]
    did = motion_by_api(client, served, board["id"])
    # the board decides by a majority of the members present: 1 for, 1 abstains: not passed
    r = client.put(
        f"/api/v1/governance/decisions/{did}/votes",
        json={"version": 1, "votes": {str(ids[0]): "for", str(ids[1]): "abstain"}},
        headers=h,
    )
    assert r.json()["outcome"] == "failed"
    r = client.put(
        f"/api/v1/governance/decisions/{did}/votes",
        json={"version": 2, "votes": {str(ids[0]): "for", str(ids[1]): "for"}},
        headers=h,
    )
    assert r.json()["outcome"] == "passed"
    r = client.post(
        url, json={"template": "cpts-association", "organ": "senate", "name": "X"}, headers=h
    )
    assert r.status_code == 422 and r.json()["field"] == "template"


def test_the_meeting_offers_the_zones_plans_and_refuses_a_plan_of_another_zone(
    client: TestClient, served: Served
) -> None:
    from datetime import date

    from mesocare.organisation.plans import PlanCreate
    from mesocare.services.platform import accounts as A
    from mesocare.services.platform import plans as P
    from mesocare.services.platform.records import Ctx

    p: Any = served.platform
    with p.session(write=True) as s:
        c = Ctx(p.access(A.principal_of(A.get_user(s, ACCOUNTS["admin"][0]))), "test")
        ids = {
            zone: P.create_plan(
                s,
                p.entry("leuven"),
                zone,
                PlanCreate(
                    title=f"Plan {zone}",
                    period_start=date(2027, 1, 1),
                    period_end=date(2027, 12, 31),
                ),
                c,
            ).id
            for zone in ("Z01", "Z02")
        }
    body, _ids = zorgraad_by_api(client, served)
    meeting = client.post(
        f"/api/v1/governance/bodies/{body}/meetings",
        json={"held_on": "2026-11-05", "title": "Meeting"},
        headers=api(served),
    ).json()["id"]
    login(client, ACCOUNTS["coordinator"][0])
    page = client.get(f"/governance/meetings/{meeting}")
    assert f'value="plan:{ids["Z01"]}:1"' in page.text
    assert f'value="plan:{ids["Z02"]}:' not in page.text
    r = client.post(
        f"/governance/meetings/{meeting}/items",
        data={"title": "Plan", "adopts": f"plan:{ids['Z02']}:1", "csrf_token": csrf_of(page.text)},
    )
    assert r.status_code == 422 and f"plan {ids['Z02']} is not a plan of zone Z01" in r.text
    r = client.post(
        f"/api/v1/governance/meetings/{meeting}/items",
        json={
            "title": "Plan",
            "decision": {
                "motion": "Adopt",
                "subject_type": "plan",
                "subject_id": ids["Z02"],
                "subject_version": 1,
            },
        },
        headers=api(served),
    )
    assert r.status_code == 422, r.text
    assert client.get(f"/governance/meetings/{meeting}").text.count('class="mc-item"') == 0
