"""Governance bodies as records, on SQLite and PostgreSQL: a zorgraad's composition refused when it
breaks a rule, a meeting's decision decided by the votes in each cluster, every change audited, a
stale or concurrent vote a conflict, and the subject hook called when a decision adopting a record
passes."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from tests.platform_fixtures import ACCOUNTS, PASSWORD, Served

from mesocare.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from mesocare.i18n import use_locale
from mesocare.organisation.decisions import Vote
from mesocare.organisation.governance_records import (
    BodyCreate,
    BodyUpdate,
    DecisionCreate,
    ItemCreate,
    MeetingCreate,
    MemberCreate,
    VotesIn,
)
from mesocare.organisation.roles import Scope
from mesocare.services.platform import accounts as A
from mesocare.services.platform import audit
from mesocare.services.platform import governance as G
from mesocare.services.platform import governance_meetings as M
from mesocare.services.platform.records import Ctx

pytestmark = pytest.mark.postgres
FULL = {"care_providers": 4, "welfare": 4, "local_government": 4, "patients": 2}


def ctx(served: Served, role: str) -> Ctx:
    p: Any = served.platform
    with p.session() as s:
        principal = A.principal_of(A.get_user(s, ACCOUNTS[role][0]))
    return Ctx(p.access(principal), f"test-{role}")


def zorgraad(
    served: Served, seats: dict[str, int] | None = None
) -> tuple[int, dict[str, list[int]]]:
    """A full zorgraad of zone Z01: 4 + 4 + 4 + 2 members; its id and member ids by cluster."""
    p: Any = served.platform
    c = ctx(served, "coordinator")
    ids: dict[str, list[int]] = {}
    with p.session(write=True) as s:
        b = G.create_body(
            s,
            p.entry("leuven"),
            "Z01",
            BodyCreate(
                template="zorgraad", organ="council", name="Zorgraad Z01", seats=seats or {}
            ),
            c,
        )
        for cluster, n in FULL.items():
            for i in range(n):
                m = G.add_member(s, b.id, MemberCreate(cluster=cluster, name=f"{cluster} {i}"), c)
                ids.setdefault(cluster, []).append(m.id)
        return b.id, ids


def decision(served: Served, body_id: int, **kw: Any) -> int:
    p: Any = served.platform
    c = ctx(served, "coordinator")
    with p.session(write=True) as s:
        meeting = M.create_meeting(
            s, body_id, MeetingCreate(held_on=date(2026, 11, 5), title="Meeting"), c
        )
        item = M.add_item(
            s,
            meeting.id,
            ItemCreate(title="Plan", decision=DecisionCreate(motion="Adopt it", **kw)),
            c,
        )
        return (
            M.meeting_public(s, s.get_one(type(meeting), meeting.id)).items[0].decisions[0].id
            if item
            else 0
        )


def votes(ids: dict[str, list[int]], against: dict[str, int] | None = None) -> dict[int, Vote]:
    """Everyone for, but the first ``against[cluster]`` members of a cluster."""
    out = {}
    for cluster, members in ids.items():
        for i, mid in enumerate(members):
            out[mid] = Vote.AGAINST if i < (against or {}).get(cluster, 0) else Vote.FOR
    return out


def record(served: Served, did: int, version: int, v: dict[int, Vote], role: str = "coordinator"):  # type: ignore[no-untyped-def]
    p: Any = served.platform
    with p.session(write=True) as s:
        d = M.record_votes(s, did, VotesIn(version=version, votes=v), ctx(served, role))
        return M.decision_public(d)


def test_a_decision_passes_with_a_majority_in_every_cluster_and_fails_when_one_lacks_it(
    served_any: Served,
) -> None:
    body, ids = zorgraad(served_any)
    did = decision(served_any, body)
    d = record(served_any, did, 1, votes(ids, {"welfare": 1, "patients": 0}))
    assert (d.outcome, d.version) == ("passed", 2)
    assert [t.passed for t in d.tally if t.votes] == [True, True, True, True]
    assert d.tally[4].cluster == "extra" and not d.tally[4].votes
    # the patients split 1-1: a tie in one cluster fails the decision
    d = record(served_any, did, 2, votes(ids, {"patients": 1}))
    assert d.outcome == "failed"
    assert [t.cluster for t in d.tally if t.votes and not t.passed] == ["patients"]
    patients = d.tally[3]
    assert (patients.for_, patients.against, patients.majority_needed) == (1, 1, 2)
    # a member not named is absent: 3 of local government absent, no quorum there
    v = votes(ids)
    for mid in ids["local_government"][1:]:
        del v[mid]
    d = record(served_any, did, 3, v)
    lg = d.tally[2]
    assert (d.outcome, lg.absent, lg.quorum_met) == ("failed", 3, False)
    p: Any = served_any.platform
    with p.session() as s:
        rows = audit.history(s, "governance_decision", did)
    assert [r.action for r in rows] == ["create", "update", "update", "update"]
    assert rows[1].after is not None and rows[1].after["outcome"] == "passed"
    assert rows[2].before == rows[1].after and rows[2].after["outcome"] == "failed"  # type: ignore[index]


def test_a_stale_vote_is_a_conflict_and_nothing_is_lost(served: Served) -> None:
    body, ids = zorgraad(served)
    did = decision(served, body)
    record(served, did, 1, votes(ids))
    with pytest.raises(ConflictError) as e:
        record(served, did, 1, votes(ids, {"welfare": 4}))
    assert e.value.current_version == 2
    p: Any = served.platform
    with p.session() as s:
        d = M.decision_public(M.get_decision(s, did, ctx(served, "viewer").access))
    assert (d.outcome, d.version) == ("passed", 2)


def test_two_coordinators_recording_votes_at_once_one_gets_a_conflict(served_any: Served) -> None:
    p: Any = served_any.platform
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
        second = Ctx(
            p.access(A.principal_of(A.get_user(s, "coordinator2@test.mesocare.org"))), "t2"
        )
    body, ids = zorgraad(served_any)
    did = decision(served_any, body)
    ready = threading.Barrier(2)
    results: list[str] = []

    def vote(c: Ctx, v: dict[int, Vote]) -> None:
        with p.session() as s:
            seen = M.get_decision(s, did, c.access).version
        ready.wait()  # both have read version 1
        try:
            with p.session(write=True) as s:
                M.record_votes(s, did, VotesIn(version=seen, votes=v), c)
            results.append("saved")
        except ConflictError:
            results.append("conflict")

    threads = [
        threading.Thread(target=vote, args=(ctx(served_any, "coordinator"), votes(ids))),
        threading.Thread(target=vote, args=(second, votes(ids, {"welfare": 4}))),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == ["conflict", "saved"]
    with p.session() as s:
        updates = [r for r in audit.history(s, "governance_decision", did) if r.action == "update"]
        d = M.decision_public(M.get_decision(s, did, second.access))
    assert len(updates) == 1 and d.version == 2
    assert updates[0].after is not None and d.outcome == updates[0].after["outcome"]


def test_the_composition_rules_refuse_a_change_naming_the_cluster(served: Served) -> None:
    p: Any = served.platform
    c = ctx(served, "coordinator")
    refused = pytest.raises(ValidationError, match="Patients, informal carers and volunteers")
    with refused as e, p.session(write=True) as s:
        G.create_body(
            s,
            p.entry("leuven"),
            "Z01",
            BodyCreate(template="zorgraad", organ="council", name="Z", seats={"patients": 4}),
            c,
        )
    assert e.value.column == "seats"  # type: ignore[attr-defined]
    body, _ids = zorgraad(served)
    full = pytest.raises(ValidationError, match="cluster Welfare: 5 members for 4 seats")
    with p.session(write=True) as s, full:  # the fifth welfare member: its 4 seats are taken
        G.add_member(s, body, MemberCreate(cluster="welfare", name="Fifth"), c)
    with p.session(write=True) as s:  # a fifth seat first, then the member
        G.update_body(s, body, BodyUpdate(version=1, seats={"welfare": 5}), c)
        G.add_member(s, body, MemberCreate(cluster="welfare", name="Fifth"), c)
    dutch = pytest.raises(ValidationError, match="Zorgaanbieders")
    with p.session(write=True) as s, use_locale("nl"), dutch:
        G.update_body(s, body, BodyUpdate(version=2, seats={"care_providers": 7}), c)
    with p.session(write=True) as s, pytest.raises(ValidationError, match="not a cluster"):
        G.add_member(s, body, MemberCreate(cluster="senate", name="X"), c)
    with p.session() as s:
        pub = G.public(s, G.get_body(s, body, c.access))
    assert pub.breaches == [] and pub.seats["welfare"] == 5
    assert {x.cluster: x.vacancies for x in pub.clusters} == {
        "care_providers": 0,
        "welfare": 0,
        "local_government": 0,
        "patients": 0,
        "extra": 0,
    }


def test_members_and_viewers_read_analysts_and_other_zones_do_not(served: Served) -> None:
    body, ids = zorgraad(served)
    did = decision(served, body)
    p: Any = served.platform
    with p.session() as s:
        for role in ("member", "viewer", "admin"):
            assert G.get_body(s, body, ctx(served, role).access).id == body
        for role in ("analyst", "other"):
            with pytest.raises(NotFoundError):
                G.get_body(s, body, ctx(served, role).access)
    for role in ("member", "viewer"):
        with pytest.raises(PermissionDeniedError):
            record(served, did, 1, votes(ids), role=role)
    with pytest.raises(NotFoundError):
        record(served, did, 1, votes(ids), role="other")


@pytest.fixture
def adopted() -> Iterator[list[tuple[int, int, str]]]:
    """A fake subject type whose hook records what it was told."""
    calls: list[tuple[int, int, str]] = []

    def hook(s: Any, subject_id: int, version: int, ref: str, c: Ctx) -> None:
        if subject_id == 666:
            raise ConflictError("the subject changed since", current_version=version + 1)
        calls.append((subject_id, version, ref))

    M.register_subject("fake", hook)
    yield calls
    M.unregister_subject("fake")


def test_a_decision_adopting_a_subject_calls_its_hook_once_when_it_passes(
    served: Served, adopted: list[tuple[int, int, str]]
) -> None:
    body, ids = zorgraad(served)
    did = decision(served, body, subject_type="fake", subject_id=7, subject_version=3)
    record(served, did, 1, votes(ids, {"care_providers": 2}))  # a tie: fails, no call
    assert adopted == []
    d = record(served, did, 2, votes(ids))
    assert d.outcome == "passed" and adopted == [(7, 3, f"governance-decision:{did}")]
    with pytest.raises(ConflictError, match="adopted"):
        record(served, did, 3, votes(ids, {"welfare": 4}))
    assert len(adopted) == 1


def test_a_refusing_hook_leaves_the_votes_unsaved(served: Served, adopted: list) -> None:
    body, ids = zorgraad(served)
    did = decision(served, body, subject_type="fake", subject_id=666, subject_version=1)
    with pytest.raises(ConflictError):
        record(served, did, 1, votes(ids))
    p: Any = served.platform
    with p.session() as s:
        d = M.decision_public(M.get_decision(s, did, ctx(served, "admin").access))
    assert (d.outcome, d.version, d.votes) == ("open", 1, {})


def test_a_subject_type_without_a_hook_or_without_its_version_is_refused(
    served: Served, adopted: list
) -> None:
    body, _ids = zorgraad(served)
    with pytest.raises(ValidationError, match="cannot adopt") as e:
        decision(served, body, subject_type="nothing", subject_id=1, subject_version=1)
    assert e.value.column == "subject_type"  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match="version"):
        decision(served, body, subject_type="fake", subject_id=1)
    with pytest.raises(ValidationError, match="subject type"):
        decision(served, body, subject_id=1)


def test_a_vote_of_someone_not_in_the_body_is_refused(served: Served) -> None:
    body, ids = zorgraad(served)
    did = decision(served, body)
    with pytest.raises(ValidationError, match="not a member"):
        record(served, did, 1, {**votes(ids), 999_999: Vote.FOR})


def test_a_passing_decision_adopts_the_plan_at_the_version_decided_and_a_failing_one_does_not(
    served: Served,
) -> None:
    from mesocare.organisation.plans import PlanCreate
    from mesocare.services.platform import plans as P

    p: Any = served.platform
    c = ctx(served, "coordinator")
    with p.session(write=True) as s:
        plan = P.create_plan(
            s,
            p.entry("leuven"),
            "Z01",
            PlanCreate(
                title="Plan for the zorgraad",
                period_start=date(2027, 1, 1),
                period_end=date(2029, 12, 31),
            ),
            c,
        )
        plan_id, version = plan.id, plan.version
    body, ids = zorgraad(served)
    failing = decision(
        served, body, subject_type="plan", subject_id=plan_id, subject_version=version
    )
    assert record(served, failing, 1, votes(ids, {"patients": 1})).outcome == "failed"
    with p.session() as s:
        assert P.get_plan(s, plan_id, c.access).status == "draft"
    passing = decision(
        served, body, subject_type="plan", subject_id=plan_id, subject_version=version
    )
    assert record(served, passing, 1, votes(ids)).outcome == "passed"
    with p.session() as s:
        got = P.get_plan(s, plan_id, c.access)
        assert (got.status, got.adopted_version) == ("adopted", version)
        assert got.adopted_ref == f"governance-decision:{passing}"
        notes = [e.note or "" for e in audit.history(s, "plan", plan_id)]
    assert any(f"governance-decision:{passing} at version {version}" in n for n in notes)
    with p.session() as s:
        about = M.decisions_about(s, "plan", plan_id, c.access)
        assert [(a.decision_id, a.outcome) for a in about] == [
            (passing, "passed"),
            (failing, "failed"),
        ]
        assert plan_id not in [x.id for x in P.adoptable(s, p.entry("leuven"), "Z01", c.access)]


def test_a_decision_about_a_plan_of_another_zone_or_no_plan_is_refused_and_nothing_stored(
    served: Served,
) -> None:
    from mesocare.organisation.plans import PlanCreate
    from mesocare.services.platform import plans as P

    p: Any = served.platform
    c = ctx(served, "admin")
    with p.session(write=True) as s:
        other = P.create_plan(
            s,
            p.entry("leuven"),
            "Z02",
            PlanCreate(title="Z02", period_start=date(2027, 1, 1), period_end=date(2027, 12, 31)),
            c,
        ).id
    body, _ids = zorgraad(served)
    for plan_id in (other, 999_999):
        with pytest.raises(ValidationError, match="not a plan of zone Z01") as e:
            decision(served, body, subject_type="plan", subject_id=plan_id, subject_version=1)
        assert e.value.column == "subject_id"  # type: ignore[attr-defined]
    with p.session() as s:
        assert M.meetings_of(s, body) == []  # the meeting made with it is not kept either
        assert M.decisions_about(s, "plan", other, c.access) == []


def test_votes_on_a_plan_changed_since_the_decision_are_refused_saying_so(served: Served) -> None:
    from mesocare.organisation.plans import PlanCreate, PlanUpdate
    from mesocare.services.platform import plans as P

    p: Any = served.platform
    c = ctx(served, "coordinator")
    with p.session(write=True) as s:
        plan = P.create_plan(
            s,
            p.entry("leuven"),
            "Z01",
            PlanCreate(title="Plan", period_start=date(2027, 1, 1), period_end=date(2027, 12, 31)),
            c,
        ).id
    body, ids = zorgraad(served)
    did = decision(served, body, subject_type="plan", subject_id=plan, subject_version=1)
    with p.session(write=True) as s:
        P.update_plan(s, plan, PlanUpdate(version=1, title="Plan, amended"), c)
    with pytest.raises(ConflictError, match="version 2, the decision is about version 1"):
        record(served, did, 1, votes(ids))
    with p.session() as s:
        assert P.get_plan(s, plan, c.access).status == "draft"
        assert M.decision_public(M.get_decision(s, did, c.access)).outcome == "open"
