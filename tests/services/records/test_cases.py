"""Cases on the platform: a full workflow (open, team, consent, goals, problems, the referral
loop, priority), access that follows the team and the consent, emergency access, and audit rows
(one per read) that hold no case content."""

from __future__ import annotations

import json
import logging
from datetime import date, timedelta
from typing import Any

import pytest
from tests.platform_fixtures import ACCOUNTS, PASSWORD, Served

from mesocare.errors import ConflictError, PermissionDeniedError, ValidationError
from mesocare.organisation import cases as M
from mesocare.organisation.roles import Scope
from mesocare.services.platform import accounts as A
from mesocare.services.platform import case_changes as CC
from mesocare.services.platform import cases as C
from mesocare.services.platform.records import Ctx
from mesocare.store.models import AuditRow

WELFARE = "welfare.worker@test.mesocare.org"
NURSE = "social.nurse@test.mesocare.org"
GOAL = "Ik wil terug zelf naar de markt kunnen gaan"
PROBLEM = "Slaapt slecht sinds de scheiding"
SOCIAL = "Schulden bij de energieleverancier"
RESULT = "Budgetbegeleiding gestart bij het OCMW"
SECRETS = (GOAL, PROBLEM, SOCIAL, RESULT)


def ctx(served: Served, email: str) -> Ctx:
    p: Any = served.platform
    with p.session() as s:
        principal = A.principal_of(A.get_user(s, email))
    return Ctx(p.access(principal), "test")


def _users(served: Served) -> None:
    p: Any = served.platform
    with p.session(write=True) as s:
        for email in (WELFARE, NURSE):
            A.create_user(s, email, PASSWORD, by=None, request_id="t")
            A.grant(
                s,
                email,
                "member",
                Scope(territory="leuven", unit="Z01"),
                access=None,
                request_id="t",
            )


def workflow(served: Served) -> dict[str, int]:
    """The social nurse opens a case, the welfare worker joins it, and the loop runs."""
    _users(served)
    p: Any = served.platform
    entry = p.entry("leuven")
    nurse = ctx(served, NURSE)
    with p.session(write=True) as s:
        case = C.open_case(s, entry, "Z01", M.CaseOpen(code="ANT-0001"), nurse)
        cid = case.id
        welfare = CC.add_team_member(
            s,
            cid,
            M.TeamIn(
                user=WELFARE,
                role="Maatschappelijk werker",
                category="welfare",
                added_value="Schuldhulp",
                start=date(2026, 1, 1),
            ),
            nurse,
        )
        consent = CC.add_consent(
            s, cid, M.ConsentIn(category="welfare", given_on=date(2026, 1, 1)), nurse
        )
        CC.add_goal(s, cid, M.GoalIn(text=GOAL, expressed_by="patient"), nurse)
        prob = CC.add_problem(
            s,
            cid,
            M.ProblemIn(
                domain="psychological", text=PROBLEM, icpc2="p76", shared_with=["primary_care"]
            ),
            nurse,
        )
        social = CC.add_problem(
            s, cid, M.ProblemIn(domain="social", text=SOCIAL, icpc2="Z01"), nurse
        )
        CC.set_priority(s, cid, M.PriorityIn(version=1, problem_ids=[social.id, prob.id]), nurse)
        act = CC.add_action(
            s,
            cid,
            M.ActionIn(
                kind="referral",
                text="Doorverwijzing budgetbegeleiding",
                problem_id=social.id,
                performer_id=welfare.id,
            ),
            nurse,
        )
        ids = {"case": cid, "consent": consent.id, "action": act.id, "problem": prob.id}
    w = ctx(served, WELFARE)
    with p.session(write=True) as s:
        a = CC.set_action_status(
            s, ids["action"], M.ActionStatusIn(version=1, status="accepted"), w
        )
        CC.set_action_status(
            s, ids["action"], M.ActionStatusIn(version=a.version, status="done", result=RESULT), w
        )
    return ids


def read(served: Served, email: str, cid: int) -> M.CaseDetail:
    p: Any = served.platform
    with p.session(write=True) as s:
        return C.read_case(s, cid, ctx(served, email))


def test_access_follows_the_team_and_the_consent(served: Served) -> None:
    ids = workflow(served)
    cid = ids["case"]
    mine = read(served, NURSE, cid)
    assert mine.reach == "coordinator" and {p.text for p in mine.problems} == {PROBLEM, SOCIAL}
    assert mine.priority == [p.id for p in reversed(mine.problems)]
    assert mine.actions[0].status == "done" and mine.actions[0].result == RESULT
    theirs = read(served, WELFARE, cid)
    assert theirs.reach == "team"
    assert [g.text for g in theirs.goals] == [GOAL]
    assert [p.text for p in theirs.problems] == [SOCIAL]  # not what is for primary care only
    assert theirs.hidden == 1
    # the zone's coordinator and the admin do not open the case by themselves
    for role in ("coordinator", "admin", "member", "viewer"):
        with pytest.raises(PermissionDeniedError):
            read(served, ACCOUNTS[role][0], cid)
    # revoking the consent hides what it covered, at once
    with served.platform.session(write=True) as s:  # type: ignore[attr-defined]
        CC.revoke_consent(s, ids["consent"], 1, ctx(served, NURSE))
    after = read(served, WELFARE, cid)
    assert after.goals == [] and after.problems == [] and after.actions == []
    assert after.hidden == 4  # a goal, two problems, an action
    with served.platform.session(write=True) as s, pytest.raises(PermissionDeniedError):  # type: ignore[attr-defined]
        CC.add_goal(s, cid, M.GoalIn(text="x"), ctx(served, WELFARE))


def test_every_read_is_audited_without_content(served: Served, caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)
    ids = workflow(served)
    cid = ids["case"]
    p: Any = served.platform
    with p.session() as s:
        before = s.query(AuditRow).filter_by(action="read").count()
    for _ in range(3):
        read(served, WELFARE, cid)
    with p.session() as s:
        rows = s.query(AuditRow).all()
        assert sum(r.action == "read" for r in rows) == before + 3
        dumped = json.dumps([[r.before, r.after, r.note, r.object_id] for r in rows])
    for secret in SECRETS:
        assert secret not in dumped
        assert secret not in caplog.text
    with p.session(write=True) as s:
        log = CC.access_log(s, cid, ctx(served, NURSE))
    csv_text, js = CC.access_log_csv(log), CC.access_log_json(log)
    assert {r.action for r in log} >= {"create", "update", "read"}
    assert WELFARE in csv_text and "goal" in js
    for secret in SECRETS:
        assert secret not in csv_text and secret not in js


def test_break_the_glass(served: Served) -> None:
    ids = workflow(served)
    cid = ids["case"]
    p: Any = served.platform
    other = ctx(served, ACCOUNTS["member"][0])
    with pytest.raises(Exception, match="at least 10"):
        M.BreakGlassIn(reason="short")
    with pytest.raises(Exception, match="480"):
        M.BreakGlassIn(reason="Patient at the emergency room", minutes=481)
    with p.session(write=True) as s:
        g = CC.break_glass(
            s,
            cid,
            M.BreakGlassIn(reason="Patiënt op spoed, coördinator onbereikbaar", minutes=30),
            other,
        )
        gid, ends = g.id, g.ends_at
    seen = read(served, ACCOUNTS["member"][0], cid)
    assert seen.reach == "emergency" and len(seen.problems) == 2
    # flagged to the coordinator, on the list and on the case
    with p.session() as s:
        summary = C.my_cases(s, C.CaseAccess(ctx(served, NURSE).access))
    assert summary[0].flags == 1
    assert read(served, NURSE, cid).glasses[0].who == ACCOUNTS["member"][0]
    # time-limited: after its end, refused
    with p.session(write=True) as s, pytest.raises(PermissionDeniedError):
        C.read_case(s, cid, other, at=ends + timedelta(seconds=1))
    with p.session() as s:
        assert s.query(AuditRow).filter_by(action="break_glass", object_id=str(cid)).count() == 1
    with p.session(write=True) as s:
        CC.acknowledge_glass(s, gid, ctx(served, NURSE))
    with p.session() as s:
        assert C.my_cases(s, C.CaseAccess(ctx(served, NURSE).access))[0].flags == 0
    # the coordinator of the zone may not acknowledge it, nor a viewer break the glass
    with p.session(write=True) as s, pytest.raises(PermissionDeniedError):
        CC.break_glass(
            s,
            cid,
            M.BreakGlassIn(reason="I would like to see it"),
            ctx(served, ACCOUNTS["viewer"][0]),
        )


def test_the_referral_loop_and_checks(served: Served) -> None:
    ids = workflow(served)
    p: Any = served.platform
    nurse = ctx(served, NURSE)
    with p.session(write=True) as s, pytest.raises(ConflictError):
        CC.set_action_status(
            s, ids["action"], M.ActionStatusIn(version=3, status="accepted"), nurse
        )
    with pytest.raises(Exception, match="result"):
        M.ActionStatusIn(version=1, status="done")
    with pytest.raises(Exception, match="ICPC-2"):
        M.ProblemIn(domain="social", text="x", icpc2="Z99")
    with p.session(write=True) as s, pytest.raises(ValidationError):
        C.open_case(s, p.entry("leuven"), "Z01", M.CaseOpen(code="ANT-0001"), nurse)
