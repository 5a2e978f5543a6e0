"""Changing a case: goals, problems, the team, actions and referrals (their loop), consents
(revoked at once), the patient's order of priority; emergency access and the access log.

Each change is checked by :mod:`.case_access`, versioned by :mod:`.records` and audited under the
case with ids and field names only.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mesocare.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from mesocare.i18n import _
from mesocare.organisation import cases as M
from mesocare.services.platform import audit, records
from mesocare.services.platform.case_access import CaseAccess, glass_end, utcnow
from mesocare.services.platform.cases import FIELDS, _private, audit_event, facts, load
from mesocare.services.platform.records import Ctx
from mesocare.store.models import Actor, User
from mesocare.store.models_cases import (
    BreakGlass,
    Case,
    CaseAction,
    CaseConsent,
    CaseGoal,
    CaseProblem,
    CaseTeamMember,
)


def _contributing(s: Session, case_id: int, ctx: Ctx, at: datetime | None = None) -> Case:
    ca = CaseAccess(ctx.access)
    case, f = load(s, case_id, ca, at)
    if not ca.can_contribute(f, at or utcnow()):
        raise PermissionDeniedError(_("you may read this case but not change it"))
    return case


def _managing(s: Session, case_id: int, ctx: Ctx) -> Case:
    ca = CaseAccess(ctx.access)
    case, f = load(s, case_id, ca)
    if not ca.can_manage(f, utcnow()):
        raise PermissionDeniedError(
            _("only the coordinator of the case changes its team, consents and priorities")
        )
    return case


def new_part(case: Case, model: Any, **values: Any) -> Any:
    return model(territory=case.territory, zone_code=case.zone_code, case_id=case.id, **values)


def add_part(s: Session, case: Case, row: Any, ctx: Ctx) -> Any:
    model = type(row)
    return records.create(s, row, ctx, "case", FIELDS[model], private=_private(case.id, model))


def _of_case(s: Session, model: Any, case_id: int, row_id: int | None, column: str) -> None:
    if row_id is None:
        return
    row = s.get(model, row_id)
    if row is None or row.case_id != case_id:
        raise ValidationError(_("not a part of this case"), column=column, found=str(row_id))


def add_goal(s: Session, case_id: int, data: M.GoalIn, ctx: Ctx) -> CaseGoal:
    case = _contributing(s, case_id, ctx)
    if data.expressed_by.startswith("team:"):
        _of_case(s, CaseTeamMember, case.id, int(data.expressed_by[5:]), "expressed_by")
    row = new_part(
        case,
        CaseGoal,
        text=data.text,
        expressed_by=data.expressed_by,
        shared_with=data.shared_with,
    )
    return add_part(s, case, row, ctx)


def add_problem(s: Session, case_id: int, data: M.ProblemIn, ctx: Ctx) -> CaseProblem:
    case = _contributing(s, case_id, ctx)
    row = new_part(
        case,
        CaseProblem,
        domain=data.domain,
        text=data.text,
        icpc2=data.icpc2,
        shared_with=data.shared_with,
    )
    return add_part(s, case, row, ctx)


def add_action(s: Session, case_id: int, data: M.ActionIn, ctx: Ctx) -> CaseAction:
    case = _contributing(s, case_id, ctx)
    _of_case(s, CaseProblem, case.id, data.problem_id, "problem_id")
    _of_case(s, CaseTeamMember, case.id, data.performer_id, "performer_id")
    row = new_part(
        case,
        CaseAction,
        kind=data.kind.value,
        text=data.text,
        problem_id=data.problem_id,
        performer_id=data.performer_id,
        status=M.ActionStatus.REQUESTED.value,
        result=None,
        shared_with=data.shared_with,
    )
    return add_part(s, case, row, ctx)


def set_action_status(
    s: Session, action_id: int, data: M.ActionStatusIn, ctx: Ctx, *, case_id: int | None = None
) -> CaseAction:
    """One step of the referral loop (requested → accepted → done with its result, or declined /
    cancelled); a step the loop has not is refused."""
    row = s.get(CaseAction, action_id)
    if case_id is not None:
        load(s, case_id, CaseAccess(ctx.access))  # the case's 403 before anything of the action
    if row is None or case_id not in (None, row.case_id):
        raise NotFoundError(_("no action {id}").format(id=action_id))
    case = _contributing(s, row.case_id, ctx)
    ca = CaseAccess(ctx.access)

    if not ca.sees(facts(s, case), row.shared_with, utcnow()):
        raise NotFoundError(_("no action {id}").format(id=action_id))
    now = M.ActionStatus(row.status)
    if data.status not in M.NEXT[now]:
        raise ConflictError(
            _("an action that is {now} cannot become {new}").format(
                now=now.value, new=data.status.value
            )
        )
    values = {"status": data.status.value}
    if data.result:
        values["result"] = data.result
    return records.update(
        s,
        row,
        data.version,
        values,
        ctx,
        "case",
        FIELDS[CaseAction],
        private=_private(case.id, CaseAction),
    )


def add_team_member(s: Session, case_id: int, data: M.TeamIn, ctx: Ctx) -> CaseTeamMember:
    case = _managing(s, case_id, ctx)
    if data.actor_id is not None:
        actor = s.get(Actor, data.actor_id)
        if actor is None or (actor.territory, actor.zone_code) != (case.territory, case.zone_code):
            raise ValidationError(
                _("not an actor of zone {zone}").format(zone=case.zone_code),
                column="actor_id",
                found=str(data.actor_id),
            )
    uid = None
    if data.user:
        uid = s.scalar(select(User.id).where(User.email == data.user.lower()))
        if uid is None:
            raise ValidationError(_("no such user"), column="user", found=data.user)
    row = new_part(
        case,
        CaseTeamMember,
        actor_id=data.actor_id,
        user_id=uid,
        role=data.role,
        added_value=data.added_value,
        category=data.category,
        start=data.start,
        end=data.end,
    )
    return add_part(s, case, row, ctx)


def add_consent(s: Session, case_id: int, data: M.ConsentIn, ctx: Ctx) -> CaseConsent:
    case = _managing(s, case_id, ctx)
    row = new_part(
        case,
        CaseConsent,
        category=data.category,
        given_on=data.given_on,
        expires_on=data.expires_on,
        revoked_at=None,
    )
    return add_part(s, case, row, ctx)


def revoke_consent(
    s: Session, consent_id: int, version: int, ctx: Ctx, *, case_id: int | None = None
) -> CaseConsent:
    """Revoke at once: from this commit on, what the consent covered is hidden."""
    row = s.get(CaseConsent, consent_id)
    if case_id is not None:
        load(s, case_id, CaseAccess(ctx.access))
    if row is None or case_id not in (None, row.case_id):
        raise NotFoundError(_("no consent {id}").format(id=consent_id))
    case = _managing(s, row.case_id, ctx)
    if row.revoked_at is not None:
        return row
    return records.update(
        s,
        row,
        version,
        {"revoked_at": utcnow()},
        ctx,
        "case",
        FIELDS[CaseConsent],
        private=_private(case.id, CaseConsent),
    )


def set_priority(s: Session, case_id: int, data: M.PriorityIn, ctx: Ctx) -> Case:
    """The patient's own order of the problems (every listed id a problem of the case)."""
    case = _managing(s, case_id, ctx)
    ids = list(dict.fromkeys(data.problem_ids))
    for pid in ids:
        _of_case(s, CaseProblem, case.id, pid, "problem_ids")
    return records.update(
        s,
        case,
        data.version,
        {"priority": ids},
        ctx,
        "case",
        FIELDS[Case],
        private=_private(case.id, Case),
    )


# ----- emergency access ------------------------------------------------------------------------
def break_glass(s: Session, case_id: int, data: M.BreakGlassIn, ctx: Ctx) -> BreakGlass | None:
    """An emergency access for ``data.minutes``: audited, and flagged to the coordinator. None
    (and nothing recorded) for a user who reaches the case already."""
    case = s.get(Case, case_id)
    if case is None:
        raise NotFoundError(_("no case {id}").format(id=case_id))

    ca = CaseAccess(ctx.access)
    at = utcnow()
    f = facts(s, case)
    if ca.can_read(f, at):
        return None
    if not ca.can_break_glass(f, at):
        raise PermissionDeniedError(
            _("an emergency access is for the coordinators and members of the case's zone")
        )
    p = ctx.access.principal
    assert p is not None
    g = BreakGlass(
        case_id=case.id,
        user_id=p.user_id,
        who=p.email,
        reason=data.reason,
        starts_at=at,
        ends_at=glass_end(at, data.minutes),
    )
    s.add(g)
    s.flush()
    audit_event(s, ctx, case, "break_glass", note=f"{data.minutes} min")
    return g


def _case(s: Session, case_id: int) -> Case:
    case = s.get(Case, case_id)
    if case is None:
        raise NotFoundError(_("no case {id}").format(id=case_id))
    return case


def reaches(s: Session, case_id: int, ca: CaseAccess) -> bool:
    """Whether the user reaches the case now (404 if there is none)."""
    return ca.can_read(facts(s, _case(s, case_id)), utcnow())


def can_break_glass(s: Session, case_id: int, ca: CaseAccess) -> bool:
    return ca.can_break_glass(facts(s, _case(s, case_id)), utcnow())


def zone_actors(s: Session, territory: str, zone: str) -> list[tuple[int, str]]:
    """The actors a team entry may be (the case's zone), by name."""
    rows = s.execute(
        select(Actor.id, Actor.name, Actor.discipline)
        .where(Actor.territory == territory, Actor.zone_code == zone)
        .order_by(Actor.name, Actor.id)
    )
    return [(i, n) for i, n, _d in rows]


def acknowledge_glass(s: Session, glass_id: int, ctx: Ctx, *, case_id: int | None = None) -> None:
    g = s.get(BreakGlass, glass_id)
    if case_id is not None:
        load(s, case_id, CaseAccess(ctx.access))
    if g is None or case_id not in (None, g.case_id):
        raise NotFoundError(_("no emergency access {id}").format(id=glass_id))
    _managing(s, g.case_id, ctx)
    if g.acknowledged_at is None:
        g.acknowledged_at = utcnow()
        case = s.get_one(Case, g.case_id)
        audit_event(s, ctx, case, "acknowledge")


# ----- the access log, for the patient ---------------------------------------------------------
def access_log(s: Session, case_id: int, ctx: Ctx) -> list[M.AccessLogRow]:
    ca = CaseAccess(ctx.access)
    case, f = load(s, case_id, ca)
    if not ca.can_export_access_log(f, utcnow()):
        raise PermissionDeniedError(_("the access log is for the coordinator and the team"))
    audit_event(s, ctx, case, "export")
    out = []
    for e in audit.history(s, "case", case.id):
        payload = e.after or e.before or {}
        out.append(
            M.AccessLogRow(
                at=e.at,
                who=e.who,
                action=e.action,
                part=payload.get("part"),
                fields=list(payload.get("fields", [])),
            )
        )
    return out


def access_log_csv(rows: list[M.AccessLogRow]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["at", "who", "action", "part", "fields"])
    for r in rows:
        w.writerow([r.at.isoformat(), r.who, r.action, r.part or "", " ".join(r.fields)])
    return buf.getvalue()


def access_log_json(rows: list[M.AccessLogRow]) -> str:
    return json.dumps([r.model_dump(mode="json") for r in rows], indent=2, ensure_ascii=False)
