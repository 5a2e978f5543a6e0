"""Maturity assessments as records: blind scoring (nobody reads another's scores before the
consensus round, not even the coordinator), the consensus with rationale, the statistics shown
after, a priority turned into a plan objective with an anchor person, and who may do what."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.platform_fixtures import ACCOUNTS, Served
from tests.services.records.test_plans import ctx, new_plan

from mesocare.errors import NotFoundError, PermissionDeniedError, ValidationError
from mesocare.organisation.maturity_records import (
    AssessmentCreate,
    ConsensusIn,
    ObjectiveIn,
    ParticipantCreate,
    ScoresIn,
    Status,
)
from mesocare.services.platform import maturity as M
from mesocare.services.platform import maturity_view as V
from mesocare.services.platform import plans as P
from mesocare.store.models import User

#: three participants and their clusters
PEOPLE = {"coordinator": "care", "member": "care", "viewer": "welfare"}
#: their scores of "funding" and "digital"
SCORES = {"coordinator": (4, 2), "member": (5, 2), "viewer": (1, 3)}


def _assessment(served: Served, on: dt.date = dt.date(2026, 3, 1)) -> int:
    p = served.platform
    with p.session(write=True) as s:  # type: ignore[attr-defined]
        a = M.create_assessment(
            s,
            p.entry("leuven"),  # type: ignore[attr-defined]
            "Z01",
            AssessmentCreate(title="Spring 2026", assessed_on=on),
            ctx(served, "coordinator"),
        )
        for role, cluster in PEOPLE.items():
            M.invite(
                s,
                a.id,
                ParticipantCreate(email=ACCOUNTS[role][0], cluster=cluster),
                ctx(served, "coordinator"),
            )
        return a.id


def _score_all(served: Served, aid: int) -> None:
    p = served.platform
    for role, (funding, digital) in SCORES.items():
        with p.session(write=True) as s:  # type: ignore[attr-defined]
            M.submit_scores(
                s,
                aid,
                ScoresIn(scores={"funding": funding, "digital": digital}, submit=True),
                ctx(served, role),
            )


def _view(served: Served, aid: int, role: str):  # type: ignore[no-untyped-def]
    with served.platform.session() as s:  # type: ignore[attr-defined]
        return V.view(s, aid, ctx(served, role).access)


def test_blind_round_shows_only_ones_own_scores(served: Served) -> None:
    aid = _assessment(served)
    _score_all(served, aid)
    for role in PEOPLE:
        v = _view(served, aid, role)
        assert v.my_scores == dict(zip(("funding", "digital"), SCORES[role], strict=True))
        assert v.results == [] and v.priorities == []
        assert v.submitted == 3
    coord = _view(served, aid, "coordinator")
    assert all(p.submitted for p in coord.assessment.participants)
    admin = _view(served, aid, "admin")  # not a participant: sees no score at all
    assert admin.my_scores == {} and admin.results == []


def test_consensus_round_shows_stats_and_cluster_flags(served: Served) -> None:
    aid = _assessment(served)
    _score_all(served, aid)
    with served.platform.session(write=True) as s:  # type: ignore[attr-defined]
        a = M.get_assessment(s, aid, ctx(served, "coordinator").access)
        M.set_status(s, aid, a.version, Status.CONSENSUS, ctx(served, "coordinator"))
    with served.platform.session(write=True) as s, pytest.raises(ValidationError):  # type: ignore[attr-defined]
        M.submit_scores(s, aid, ScoresIn(scores={"funding": 0}), ctx(served, "member"))
    v = _view(served, aid, "viewer")
    funding = next(r for r in v.results if r.item == "funding")
    assert funding.median == 4 and [d.score for d in funding.dots] == [1, 4, 5]
    assert {d.cluster for d in funding.dots} == {"care", "welfare"}
    assert funding.agreement  # one rating outside 3..5
    assert funding.cluster_flags == ["care / welfare"]  # 4.5 vs 1
    digital = next(r for r in v.results if r.item == "digital")
    assert digital.cluster_flags == [] and digital.iqr == 0.5
    # the group sets scores with a rationale; priorities are gap × importance
    with served.platform.session(write=True) as s:  # type: ignore[attr-defined]
        c = ctx(served, "coordinator")
        M.set_consensus(s, aid, ConsensusIn(item="funding", score=3, rationale="Mixed"), c)
        M.set_consensus(
            s, aid, ConsensusIn(item="digital", score=2, rationale="Few tools", importance=2), c
        )
    v = _view(served, aid, "member")
    assert [(p.item, p.weight) for p in v.priorities] == [("digital", 6.0), ("funding", 2.0)]
    with served.platform.session(write=True) as s, pytest.raises(PermissionDeniedError):  # type: ignore[attr-defined]
        M.set_consensus(
            s, aid, ConsensusIn(item="funding", score=5, rationale="x"), ctx(served, "member")
        )


def test_a_priority_becomes_a_plan_objective_with_an_anchor(served: Served) -> None:
    aid = _assessment(served)
    _score_all(served, aid)
    plan_id = new_plan(served)
    c = ctx(served, "coordinator")
    with served.platform.session(write=True) as s:  # type: ignore[attr-defined]
        a = M.get_assessment(s, aid, c.access)
        M.set_status(s, aid, a.version, Status.CONSENSUS, c)
        M.set_consensus(
            s, aid, ConsensusIn(item="digital", score=1, rationale="No shared record"), c
        )
    with served.platform.session(write=True) as s, pytest.raises(ValidationError, match="zone"):  # type: ignore[attr-defined]
        M.to_objective(
            s,
            aid,
            ObjectiveIn(item="digital", plan_id=plan_id, anchor=ACCOUNTS["other"][0]),
            c,
            "en",
        )
    with served.platform.session(write=True) as s:  # type: ignore[attr-defined]
        item = M.to_objective(
            s,
            aid,
            ObjectiveIn(item="digital", plan_id=plan_id, anchor=ACCOUNTS["member"][0]),
            c,
            "en",
        )
        item_id = item.id
    with served.platform.session() as s:  # type: ignore[attr-defined]
        it = P.get_item(s, item_id, c.access)
        assert it.level == "strategic" and it.plan_id == plan_id
        assert it.title == "Improve: Digital infrastructure"
        assert "No shared record" in it.description
        anchor = s.get(User, it.assignee_id)
        assert anchor is not None and anchor.email == ACCOUNTS["member"][0]
    v = _view(served, aid, "coordinator")
    assert v.priorities[0].plan_item_id == item_id
    with served.platform.session(write=True) as s, pytest.raises(ValidationError, match="already"):  # type: ignore[attr-defined]
        M.to_objective(
            s,
            aid,
            ObjectiveIn(item="digital", plan_id=plan_id, anchor=ACCOUNTS["member"][0]),
            c,
            "en",
        )


def test_who_may_do_what(served: Served) -> None:
    aid = _assessment(served)
    with served.platform.session(write=True) as s:  # type: ignore[attr-defined]
        with pytest.raises(ValidationError, match="not a user of zone"):
            M.invite(
                s, aid, ParticipantCreate(email=ACCOUNTS["analyst"][0]), ctx(served, "coordinator")
            )
        with pytest.raises(PermissionDeniedError):
            M.invite(s, aid, ParticipantCreate(email=ACCOUNTS["admin"][0]), ctx(served, "member"))
        with pytest.raises(PermissionDeniedError):  # the admin reads it but was not invited
            M.submit_scores(s, aid, ScoresIn(scores={"funding": 1}), ctx(served, "admin"))
        with pytest.raises(ValidationError, match="scale"):
            M.submit_scores(s, aid, ScoresIn(scores={"funding": 6}), ctx(served, "member"))
        with pytest.raises(ValidationError, match="item"):
            M.submit_scores(s, aid, ScoresIn(scores={"nothing": 1}), ctx(served, "member"))
    for role in ("other", "analyst"):
        with served.platform.session() as s, pytest.raises(NotFoundError):  # type: ignore[attr-defined]
            V.view(s, aid, ctx(served, role).access)


def test_change_since_last_and_anonymised_comparison(served: Served) -> None:
    c = ctx(served, "coordinator")
    ids = []
    for on, score in ((dt.date(2025, 3, 1), 1), (dt.date(2026, 3, 1), 3)):
        aid = _assessment(served, on)
        _score_all(served, aid)
        with served.platform.session(write=True) as s:  # type: ignore[attr-defined]
            a = M.get_assessment(s, aid, c.access)
            M.set_status(s, aid, a.version, Status.CONSENSUS, c)
            M.set_consensus(s, aid, ConsensusIn(item="funding", score=score, rationale="r"), c)
        ids.append(aid)
    v = _view(served, ids[1], "viewer")
    funding = next(r for r in v.results if r.item == "funding")
    assert (funding.previous, funding.change) == (1, 2) and v.previous_id == ids[0]
    with served.platform.session() as s:  # type: ignore[attr-defined]
        entry = served.platform.entry("leuven")  # type: ignore[attr-defined]
        rows = V.compare_zones(s, entry, ctx(served, "analyst").access)
        assert [(r.zone_code, r.dimensions) for r in rows] == [("Z01", {"funding": 3.0})]
        assert "participant" not in rows[0].model_dump_json()
        assert V.compare_zones(s, entry, ctx(served, "other").access) == []
