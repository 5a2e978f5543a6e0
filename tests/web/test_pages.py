"""Every page renders, in Dutch, French and English, from a typed context; and every template is
rendered by some page."""

from __future__ import annotations

import dataclasses
import re
from importlib.resources import files
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.platform_fixtures import ACCOUNTS, PASSWORD, Served, login

PAGES = [
    "/login",
    "/account",
    "/t/leuven",
    "/t/leuven?q=zone",
    "/t/leuven/z/Z01",
    "/t/leuven/z/Z01/actors",
    "/t/leuven/z/Z01/actors?network=Z01-N1&q=gp&offset=0",
    "/t/leuven/z/Z01/actors/new",
    "/actors/{actor}/edit",
    "/actors/{actor}/history",
    "/t/leuven/z/Z01/history",
    "/t/leuven/z/Z01/members",
    "/t/leuven/z/Z01/governance",
    "/governance/bodies/{body}",
    "/governance/meetings/{meeting}",
    "/audit",
    "/cases",
    "/t/leuven/z/Z01/cases/new",
    "/cases/{case}",
    "/cases/{case}/access-log",
    "/cases/{other_case}",
    "/cases/{other_case}/break-glass",
    "/t/leuven/practices/{practice}/targets",
    "/t/leuven/z/Z01/plans",
    "/t/leuven/z/Z01/plans?gp_norm=120",
    "/plans/{plan}",
    "/plans/{plan}/history",
    "/plans/{plan}/export/html",
    "/plan-items/{item}/edit",
    "/plan-indicators/{indicator}",
    "/grid",
    "/grid?tag=flanders",
    "/grid/cases/{grid_case}",
    "/grid/cases/{grid_case}?a=2&b=3",
    "/grid/cases/{grid_case}?v=1",
    "/grid/cases/{foreign_case}",
    "/grid/templates/{grid_template}",
    "/grid/workshops/{workshop}",
    "/w/{group_token}",
    "/grid/export/html",
    "/t/leuven/z/Z01/workshops",
    "/t/leuven/z/Z01/workshops/new",
    "/t/leuven/z/Z01/workshops/new?case_id={case}",
    "/workshops/{cafe_workshop}",
    "/workshops/{cafe_workshop}/summary",
    "/cafe/{secret}",
    "/cafe/w/{cafe_workshop}",
    "/t/leuven/z/Z01/maturity",
    "/maturity/{assessment}",
    "/maturity/{blind}",
    "/t/leuven/maturity",
    "/t/leuven/library",
    "/t/leuven/library?q=huisbezoeken",
    "/t/leuven/z/Z01/library",
    "/library/{practice_lib}",
    "/nowhere",
]
#: pages that answer otherwise than 200: absent, and a case of someone else's team (its 403 page
#: offers the emergency access to those who may ask it)
STATUS = {"/nowhere": 404, "/cases/{other_case}": 403, "/cases/{other_case}/break-glass": 403}


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, object]]:
    from mesocare.web import render as R

    seen: list[tuple[str, object]] = []
    original = R.render

    def spy(template: str, page: object, **kw: object):  # type: ignore[no-untyped-def]
        seen.append((template, page))
        return original(template, page, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(R, "render", spy)
    for module in (
        "auth",
        "zones",
        "actors",
        "members",
        "plans",
        "plan_items",
        "governance",
        "governance_meetings",
        "cases",
        "grid",
        "grid_workshop",
        "workshops",
        "cafe",
        "maturity",
        "library",
    ):
        mod = __import__(f"mesocare.web.pages.{module}", fromlist=["render"])
        monkeypatch.setattr(mod, "render", spy)
    return seen


def _keys(served: Served) -> dict[str, object]:
    """The ids the pages need: an actor, a case of the admin's (with content), a case of the
    coordinator's, a practice the admin is a member of."""
    from datetime import date

    from mesocare.organisation import cases as M
    from mesocare.services.platform import accounts as A
    from mesocare.services.platform import case_changes as CC
    from mesocare.services.platform import cases as C
    from mesocare.services.platform import targets as TG
    from mesocare.services.platform.records import Ctx

    p: Any = served.platform
    entry = p.entry("leuven")
    with p.session(write=True) as s:
        admin = Ctx(p.access(A.principal_of(A.get_user(s, ACCOUNTS["admin"][0]))), "t")
        coord = Ctx(p.access(A.principal_of(A.get_user(s, ACCOUNTS["coordinator"][0]))), "t")
        mine = C.open_case(s, entry, "Z01", M.CaseOpen(code=None), admin).id
        CC.add_goal(s, mine, M.GoalIn(text="Terug kunnen fietsen"), admin)
        prob = CC.add_problem(s, mine, M.ProblemIn(domain="social", text="Schulden"), admin)
        CC.add_problem(s, mine, M.ProblemIn(domain="somatic", text="Pijn", icpc2="L84"), admin)
        team = CC.add_team_member(
            s,
            mine,
            M.TeamIn(
                user=ACCOUNTS["member"][0], role="OCMW", category="welfare", start=date(2026, 1, 1)
            ),
            admin,
        )
        CC.add_action(
            s,
            mine,
            M.ActionIn(
                kind="referral", text="Budgetbegeleiding", problem_id=prob.id, performer_id=team.id
            ),
            admin,
        )
        CC.add_consent(s, mine, M.ConsentIn(category="welfare", given_on=date(2026, 1, 1)), admin)
        other = C.open_case(s, entry, "Z01", M.CaseOpen(code=None), coord).id
        practice = next(iter(TG.practices(entry, "Z01")))
        TG.add_member(s, entry, practice, ACCOUNTS["admin"][0], admin)
    return {"actor": _actor(served), "case": mine, "other_case": other, "practice": practice}


def _actor(served: Served) -> int:
    from mesocare.services.platform import accounts as A
    from mesocare.services.platform import actors as S

    p = served.platform
    with p.session() as s:  # type: ignore[attr-defined]
        access = p.access(A.principal_of(A.get_user(s, ACCOUNTS["admin"][0])))  # type: ignore[attr-defined]
        rows, _n = S.list_actors(s, p.entry("leuven"), "Z01", access, limit=1)  # type: ignore[attr-defined]
    return rows[0].id


def _governance(served: Served) -> dict[str, int]:
    """A zorgraad with a member in each cluster and a meeting whose decision has votes."""
    from mesocare.organisation import governance_records as R
    from mesocare.organisation.decisions import Vote
    from mesocare.services.platform import accounts as A
    from mesocare.services.platform import governance as G
    from mesocare.services.platform import governance_meetings as M
    from mesocare.services.platform.records import Ctx

    p = served.platform
    with p.session(write=True) as s:  # type: ignore[attr-defined]
        access = p.access(A.principal_of(A.get_user(s, ACCOUNTS["admin"][0])))  # type: ignore[attr-defined]
        c = Ctx(access, "pages")
        entry = p.entry("leuven")  # type: ignore[attr-defined]
        b = G.create_body(
            s,
            entry,
            "Z01",
            R.BodyCreate(template="zorgraad", organ="council", name="Zorgraad", seats={"extra": 1}),
            c,
        )
        members = [
            G.add_member(s, b.id, R.MemberCreate(cluster=k, name=f"Member {k}"), c).id
            for k in ("care_providers", "welfare", "local_government", "patients", "extra")
        ]
        m = M.create_meeting(s, b.id, R.MeetingCreate(held_on="2026-11-05", title="Meeting"), c)
        i = M.add_item(s, m.id, R.ItemCreate(title="Plan", notes="Notes"), c)
        d = M.add_decision(s, i.id, R.DecisionCreate(motion="Adopt"), c)
        M.record_votes(
            s, d.id, R.VotesIn(version=1, votes={members[0]: Vote.FOR, members[1]: Vote.AGAINST}), c
        )
        M.add_decision(s, i.id, R.DecisionCreate(motion="Open motion"), c)
        return {"body": b.id, "meeting": m.id}


def _grid(served: Served) -> dict[str, object]:
    """The demo's grid (its zone's case, a foreign model), a workshop and a group's link."""
    from mesocare.services.platform import accounts as A
    from mesocare.services.platform import grid_workshop as W
    from mesocare.services.platform.demo_grid import build_demo_grid
    from mesocare.services.platform.records import Ctx

    p: Any = served.platform
    with p.session(write=True) as s:
        c = Ctx(p.access(A.principal_of(A.get_user(s, ACCOUNTS["coordinator"][0]))), "t")
        ids = build_demo_grid(s, p.entry("leuven"), "Z01", c)
        w = W.open_workshop(s, ids[0], "Workshop", 2, c)
        _g, token = W.add_group(s, w.id, "Table 1", None, c)
        template = s.get_one(W.GridCase, ids[0]).template_id
    return {
        "grid_case": ids[0],
        "foreign_case": ids[1],
        "grid_template": template,
        "workshop": w.id,
        "group_token": token,
    }


def _plan(served: Served) -> dict[str, int]:
    """The example plan in Z01: its id, an action's and an indicator's."""
    from mesocare.services.platform import accounts as A
    from mesocare.services.platform import plan_progress as G
    from mesocare.services.platform import plans as P
    from mesocare.services.platform.demo_plan import build_example_plan
    from mesocare.services.platform.records import Ctx

    p = served.platform
    with p.session(write=True) as s:  # type: ignore[attr-defined]
        access = p.access(A.principal_of(A.get_user(s, ACCOUNTS["coordinator"][0])))  # type: ignore[attr-defined]
        pid = build_example_plan(s, p.entry("leuven"), "Z01", Ctx(access, "test"))  # type: ignore[attr-defined]
        item = next(i.id for i in P.items(s, pid) if i.level == "action")
        indicator = G.indicators(s, pid)[0].id
    return {"plan": pid, "item": item, "indicator": indicator}


def _cafe(served: Served, client: TestClient, lang: str) -> dict[str, object]:
    """A workshop in ``lang`` in its first round, with a pad and points; the client holds the
    token of one of its participants (and stays logged in as the admin)."""
    from mesocare.organisation import workshops as W
    from mesocare.services.platform import accounts as A
    from mesocare.services.platform import workshop_harvest as H
    from mesocare.services.platform import workshop_room as R
    from mesocare.services.platform import workshops as WS
    from mesocare.services.platform.records import Ctx

    p: Any = served.platform
    with p.session(write=True) as s:
        c = Ctx(p.access(A.principal_of(A.get_user(s, ACCOUNTS["admin"][0]))), "t")
        w = WS.create_workshop(
            s,
            p.entry("leuven"),
            "Z01",
            W.WorkshopCreate(title="Café", language=lang, case_study="Een casus", tables=2),
            c,
        )
        secret = R.open_join(s, p.data_dir, w.id, c)
        tokens = [
            R.join(s, secret, W.ParticipantIn(name=f"P{i}", profession="GP", sector=sector))[1]
            for i, sector in enumerate(("care", "welfare", "care", "patient"))
        ]
        w = WS.next_round(s, w.id, w.version, c)
        R.write_pad(s, R.guest(s, tokens[0]), w.id, W.PadIn(version=1, text="Punt een"))
        for pt in H.harvest_pad(s, WS.pads(s, w.id)[0].id, c):
            H.point_to(s, pt.id, W.PointTo(version=1, destination="library"), c, p.entry("leuven"))
        H.add_point(s, w.id, W.PointIn(text="Boodschap"), c)
    client.cookies.set("mc_cafe", tokens[0])
    return {"cafe_workshop": w.id, "secret": secret}


def _maturity(served: Served) -> dict[str, int]:
    """The demo's assessments in Z01 (coordinator, member and viewer as its participants)."""
    from mesocare.services.platform import accounts as A
    from mesocare.services.platform.demo_maturity import (
        build_demo_assessments,
        build_demo_practices,
    )
    from mesocare.services.platform.records import Ctx

    p: Any = served.platform
    clusters = {"coordinator": "Zorgaanbieders", "member": "Welzijn", "viewer": "Lokale besturen"}
    with p.session(write=True) as s:
        people = [
            (Ctx(p.access(A.principal_of(A.get_user(s, ACCOUNTS[r][0]))), "t"), ACCOUNTS[r][0], k)
            for r, k in clusters.items()
        ]
        ids = build_demo_assessments(s, p.entry("leuven"), "Z01", people[0][0], people)
        lib = build_demo_practices(s, p.entry("leuven"), "Z01", people[0][0])
    return {"assessment": ids["current"], "blind": ids["blind"], "practice_lib": lib[0]}


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_every_page_renders(client: TestClient, served: Served, recorded, lang: str) -> None:
    login(client, ACCOUNTS["admin"][0])
    client.cookies.set("mc_lang", lang)
    from mesocare.services.platform import accounts as A

    with served.platform.session(write=True) as s:  # type: ignore[attr-defined]
        A.set_language(s, A.get_user(s, ACCOUNTS["admin"][0]).id, lang, request_id="test")
    keys = (
        _keys(served)
        | _governance(served)
        | _plan(served)
        | _grid(served)
        | _maturity(served)
        | _cafe(served, client, lang)
    )
    for path in PAGES:
        r = client.get(path.format(**keys))
        assert r.status_code == STATUS.get(path, 200), path
        html = r.text
        assert f'<html lang="{lang}"' in html, path
        assert "<title>" in html and "<h1>" in html, path
        assert not re.search(r"\{\{|\{%|Traceback|Undefined", html), path
    for template, page in recorded:
        assert dataclasses.is_dataclass(page), template
        from mesocare.web.render import Page

        assert isinstance(page, Page), template


def test_every_template_is_rendered(client: TestClient, served: Served, recorded) -> None:
    login(client, ACCOUNTS["admin"][0])
    keys = (
        _keys(served)
        | _governance(served)
        | _plan(served)
        | _grid(served)
        | _maturity(served)
        | _cafe(served, client, "en")
    )
    for path in PAGES:
        client.get(path.format(**keys))
    from mesocare.services.platform import accounts as A

    with served.platform.session(write=True) as s:  # type: ignore[attr-defined]
        A.create_user(s, "nobody@test.mesocare.org", PASSWORD, by=None, request_id="test")
    client.cookies.clear()
    login(client, "nobody@test.mesocare.org")
    r = client.get("/")  # no role anywhere: the list of territories, empty, says whom to ask
    assert r.status_code == 200 and "coordinator" in r.text
    rendered = {t for t, _p in recorded} | {"login.html.j2"}
    folder = files("mesocare.web").joinpath("templates")
    templates = {
        p.name
        for p in folder.iterdir()  # type: ignore[attr-defined]
        if p.name.endswith(".j2") and not p.name.startswith("_") and p.name != "layout.html.j2"
    }
    assert templates <= rendered, f"templates no page renders: {sorted(templates - rendered)}"


def test_a_page_in_the_browsers_language(client: TestClient) -> None:
    r = client.get("/login", headers={"accept-language": "fr-BE,fr;q=0.9,en;q=0.5"})
    assert '<html lang="fr"' in r.text
    r = client.get("/login", headers={"accept-language": "de-DE, nl;q=0.4"})
    assert '<html lang="nl"' in r.text
