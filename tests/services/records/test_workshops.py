"""World café workshops on the platform: a case study drawn from a case without its identifying
details, tables and hosts, rounds with the rotation plan, participants' tokens and their pads,
the harvest turned into a case action, a plan objective, a grid cell and a library practice, and
no workshop text in the audit log or the logs."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

import pytest
from tests.platform_fixtures import ACCOUNTS, Served

from mesocare.errors import (
    AuthenticationError,
    ConflictError,
    PermissionDeniedError,
    ValidationError,
)
from mesocare.organisation import cases as M
from mesocare.organisation import workshops as W
from mesocare.organisation.plans import PlanCreate
from mesocare.services.platform import case_changes as CC
from mesocare.services.platform import cases as C
from mesocare.services.platform import grid as G
from mesocare.services.platform import library as L
from mesocare.services.platform import plans as P
from mesocare.services.platform import workshop_harvest as H
from mesocare.services.platform import workshop_room as R
from mesocare.services.platform import workshops as S
from mesocare.store.models import AuditRow
from mesocare.store.models_grid import GridCaseVersion
from mesocare.store.models_learning import Practice
from mesocare.store.models_workshops import Workshop

from .test_cases import ctx
from .test_grid import new_case, save

GOAL = "Weer zelf boodschappen doen"
PROBLEM = "Schulden bij de energieleverancier"
PAD = "Schulden eerst\nHuisarts en OCMW samen"
COORD = ACCOUNTS["coordinator"][0]
PEOPLE = [
    ("An", "GP", "care"),
    ("Bram", "Social worker", "welfare"),
    ("Chloé", "Nurse", "care"),
    ("Dirk", "Alderman", "local_government"),
    ("Eva", "Pharmacist", "care"),
    ("Fatima", "Carer", "patient"),
]


def _case(served: Served) -> int:
    p: Any = served.platform
    coord = ctx(served, COORD)
    with p.session(write=True) as s:
        case = C.open_case(s, p.entry("leuven"), "Z01", M.CaseOpen(code="CAFE-0001"), coord)
        CC.add_team_member(s, case.id, M.TeamIn(role="Huisarts", start=dt.date(2026, 1, 1)), coord)
        CC.add_goal(s, case.id, M.GoalIn(text=GOAL, expressed_by="patient"), coord)
        CC.add_problem(s, case.id, M.ProblemIn(domain="social", text=PROBLEM), coord)
        return case.id


def _workshop(served: Served, case_id: int | None = None, tables: int = 2) -> int:
    p: Any = served.platform
    coord = ctx(served, COORD)
    with p.session(write=True) as s:
        study = S.draft_from_case(s, case_id, coord, "nl") if case_id else "Mevrouw V., 58 jaar..."
        w = S.create_workshop(
            s,
            p.entry("leuven"),
            "Z01",
            W.WorkshopCreate(
                title="Casusworkshop",
                language="nl",
                case_study=study,
                source_case_id=case_id,
                rounds=2,
                tables=tables,
            ),
            coord,
        )
        return w.id


def _join(served: Served, wid: int) -> list[tuple[int, str]]:
    p: Any = served.platform
    with p.session(write=True) as s:
        secret = R.open_join(s, p.data_dir, wid, ctx(served, COORD), hours=2)
    out = []
    for name, prof, sector in PEOPLE:
        with p.session(write=True) as s:
            part, token = R.join(
                s, secret, W.ParticipantIn(name=name, profession=prof, sector=sector)
            )
            out.append((part.id, token))
    return out


def test_a_case_study_drawn_from_a_case_keeps_goals_problems_and_roles_only(
    served: Served,
) -> None:
    cid = _case(served)
    p: Any = served.platform
    with p.session(write=True) as s:
        text = S.draft_from_case(s, cid, ctx(served, COORD), "nl")
    assert GOAL in text and PROBLEM in text and "Huisarts" in text
    assert "CAFE-0001" not in text and "2026" not in text
    assert "doelen" in text.lower()  # in the workshop's language
    # the zone's member is not on the team: refused, nothing drawn
    with p.session(write=True) as s, pytest.raises(PermissionDeniedError):
        S.draft_from_case(s, cid, ctx(served, ACCOUNTS["member"][0]), "nl")
    with p.session(write=True) as s, pytest.raises(PermissionDeniedError):
        S.create_workshop(
            s,
            p.entry("leuven"),
            "Z01",
            W.WorkshopCreate(title="x", case_study="y"),
            ctx(served, ACCOUNTS["member"][0]),
        )


def test_default_questions_are_in_the_workshop_language(served: Served) -> None:
    wid = _workshop(served)
    p: Any = served.platform
    with p.session() as s:
        w = s.get_one(Workshop, wid)
        assert w.questions[0] == W.default_questions("nl")[0]
    assert W.default_questions("fr")[2] != W.default_questions("en")[2]
    assert W.default_questions("en")[0] == "Which problems do you see in this case?"


def test_two_rounds_with_phones_pads_kept_and_harvest_turned_into_records(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    cid = _case(served)
    wid = _workshop(served, cid)
    people = _join(served, wid)
    p: Any = served.platform
    coord = ctx(served, COORD)
    with p.session(write=True) as s:
        w = S.next_round(s, wid, s.get_one(Workshop, wid).version, coord)
        assert (w.current_round, w.status) == (1, "running")
    guests = []
    with p.session() as s:
        for pid, token in people:
            g = R.guest(s, token)
            assert g is not None and g.participant_id == pid
            guests.append(g)
        views = [R.view(s, g, wid) for g in guests]
    assert all(v.question == W.default_questions("nl")[0] for v in views)
    assert {v.table for v in views} == {1, 2}
    hosts = {}
    with p.session() as s:
        for t in S.tables(s, wid):
            hosts[t.number] = t.host_id
    # one participant writes their table's pad; a stale write is a conflict
    first = views[0]
    assert first.pad is not None
    with p.session(write=True) as s:
        pad = R.write_pad(s, guests[0], wid, W.PadIn(version=first.pad.version, text=PAD))
    with p.session(write=True) as s, pytest.raises(ConflictError):
        R.write_pad(s, guests[0], wid, W.PadIn(version=first.pad.version, text="lost"))
    # a token of another workshop, or none, is refused
    other = _workshop(served)
    with p.session() as s, pytest.raises(PermissionDeniedError):
        R.view(s, guests[0], other)
    with p.session() as s, pytest.raises(AuthenticationError):
        R.view(s, R.guest(s, "not a token"), wid)
    with p.session(write=True) as s:
        w = S.next_round(s, wid, s.get_one(Workshop, wid).version, coord)
        assert w.current_round == 2
        views2 = [R.view(s, g, wid) for g in guests]
        # hosts stay
        for g, v in zip(guests, views2, strict=True):
            if g.participant_id in hosts.values():
                assert hosts[v.table or 0] == g.participant_id
        live = R.live(s, wid, coord.access)
    assert views2[0].question == W.default_questions("nl")[1]
    # the first round's pad survives the end of its round
    kept = [x for x in live["pads"] if x["id"] == pad.id]  # type: ignore[union-attr]
    assert kept and kept[0]["text"] == PAD
    with p.session(write=True) as s:
        w = S.next_round(s, wid, s.get_one(Workshop, wid).version, coord)
        assert w.status == "finished"
    with p.session(write=True) as s, pytest.raises(PermissionDeniedError):
        R.write_pad(s, guests[0], wid, W.PadIn(version=1, text="late"))
    # harvest: a point per line; one to the case, one to a plan of the zone, one to the grid
    grid_case = new_case(served, title="ELZ")
    with p.session(write=True) as s:
        points = H.harvest_pad(s, pad.id, coord)
        assert [x.text for x in points] == ["Schulden eerst", "Huisarts en OCMW samen"]
        take = H.add_point(s, wid, W.PointIn(text="Start bij de patiënt"), coord)
        plan = P.create_plan(
            s,
            p.entry("leuven"),
            "Z01",
            PlanCreate(
                title="Plan", period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31)
            ),
            coord,
        )
        a = H.point_to(s, points[0].id, W.PointTo(version=1, destination="case_action"), coord)
        b = H.point_to(
            s, points[1].id, W.PointTo(version=1, destination="plan_item", plan_id=plan.id), coord
        )
        to_grid = W.PointTo(
            version=1, destination="grid", grid_case_id=grid_case, dimension="values"
        )
        c = H.point_to(s, take.id, to_grid, coord)
        plan_items = [i.title for i in P.items(s, plan.id)]
    assert (a.destination, b.destination, c.destination) == ("case_action", "plan_item", "grid")
    assert plan_items == ["Huisarts en OCMW samen"]
    with p.session(write=True) as s:
        d = C.read_case(s, cid, coord)
    assert [x.text for x in d.actions] == ["Schulden eerst"]
    # no workshop or case text in the audit log or the logs
    with p.session() as s:
        rows = json.dumps(
            [[r.before, r.after, r.note] for r in s.query(AuditRow).all()], ensure_ascii=False
        )
    for secret in (PAD, "Schulden eerst", GOAL, PROBLEM, "Fatima"):
        assert secret not in rows
        assert secret not in caplog.text


def test_only_a_workshop_drawn_from_a_case_adds_an_action_and_links_expire(
    served: Served,
) -> None:
    wid = _workshop(served)
    p: Any = served.platform
    coord = ctx(served, COORD)
    with p.session(write=True) as s:
        pt = H.add_point(s, wid, W.PointIn(text="x"), coord)
        with pytest.raises(ValidationError):
            H.point_to(s, pt.id, W.PointTo(version=1, destination="case_action"), coord)
        with pytest.raises(ValidationError):
            R.open_join(s, p.data_dir, wid, coord, hours=0)
        secret = R.open_join(s, p.data_dir, wid, coord, hours=1)
        assert R.join_secret(p.data_dir, s.get_one(Workshop, wid)) == secret
        w = s.get_one(Workshop, wid)
        w.join_expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    with p.session(write=True) as s, pytest.raises(AuthenticationError):
        R.join(s, secret, W.ParticipantIn(name="Late", profession="GP", sector="care"))
    # the coordinator of another zone does not even see it; the zone's member may not run it
    with p.session(write=True) as s, pytest.raises(Exception) as e:
        S.next_round(s, wid, 1, ctx(served, ACCOUNTS["other"][0]))
    assert type(e.value).__name__ == "NotFoundError"
    with p.session(write=True) as s, pytest.raises(PermissionDeniedError):
        S.next_round(s, wid, 1, ctx(served, ACCOUNTS["member"][0]))


def test_a_point_becomes_a_grid_cell_or_a_library_practice_once(served: Served) -> None:
    wid = _workshop(served)
    p: Any = served.platform
    coord = ctx(served, COORD)
    entry = p.entry("leuven")
    ours = new_case(served, title="Our zone")
    save(served, ours, facilitators="A shared agenda")
    theirs = new_case(served, role="admin", zone="Z02", title="Another zone")
    unattached = new_case(served, zone=None, title="Example")
    with p.session(write=True) as s:
        a, b, c = (H.add_point(s, wid, W.PointIn(text=x), coord) for x in ("One", "Two", "Three"))
        cases, dims = H.grid_targets(s, wid, coord, "nl")
    assert cases == [(ours, "Our zone")]  # not another zone's, not one outside every zone
    assert ("facilitators", "Hefbomen") in dims

    def refused(pt: int, **kw: Any) -> str:
        with p.session(write=True) as s, pytest.raises(Exception) as e:
            H.point_to(s, pt, W.PointTo(version=1, **kw), coord, entry)
        return type(e.value).__name__

    assert refused(a.id, destination="grid", dimension="values") == "ValidationError"
    assert refused(a.id, destination="grid", grid_case_id=ours) == "ValidationError"
    assert refused(a.id, destination="grid", grid_case_id=ours, dimension="nope") == (
        "ValidationError"
    )
    # another zone's case is not even seen by this zone's coordinator
    assert refused(a.id, destination="grid", grid_case_id=theirs, dimension="values") == (
        "NotFoundError"
    )
    assert refused(a.id, destination="grid", grid_case_id=unattached, dimension="values") == (
        "ValidationError"
    )
    with p.session(write=True) as s:
        H.point_to(s, b.id, W.PointTo(version=1, destination="library"), coord, entry)
        with pytest.raises(ValidationError):  # the territory is needed for a practice
            H.point_to(s, c.id, W.PointTo(version=1, destination="library"), coord)
    with p.session(write=True) as s:
        to = W.PointTo(version=1, destination="grid", grid_case_id=ours, dimension="facilitators")
        got = H.point_to(s, a.id, to, coord)
        assert (got.destination, got.target_id) == ("grid", ours)
        case = G.get_case(s, ours, coord.access)
        cells = G.cells_of(G.case_version(s, case))
        assert cells["facilitators"].text == "A shared agenda\nOne"
        assert "Casusworkshop" in G.case_version(s, case).note
        practice = L.get_practice(
            s, S.out(s, s.get_one(Workshop, wid)).points[1].target_id or 0, coord.access
        )
        assert (practice.title, practice.lessons, practice.status) == ("Two", "Two", "emerging")
        assert practice.zone_code == "Z01"
    # once: a turned point is not turned again, and nothing more is written
    before = _counts(served)
    assert refused(a.id, destination="library") == "ValidationError"
    assert refused(b.id, destination="grid", grid_case_id=ours, dimension="values") == (
        "ValidationError"
    )
    assert _counts(served) == before


def _counts(served: Served) -> tuple[int, int]:
    with served.platform.session() as s:  # type: ignore[attr-defined]
        return (s.query(GridCaseVersion).count(), s.query(Practice).count())
