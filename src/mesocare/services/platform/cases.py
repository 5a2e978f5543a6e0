"""Cases around the patient's goals: open, read (filtered by :mod:`.case_access`), add goals,
problems, team members, actions and consents, follow the referral loop, revoke a consent.

Every read and every change writes an audit row under the case (``object_type="case"``) that
holds ids and field names only (:class:`~.records.Private`): the patient's words never reach the
audit log, nor any log line or error message.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from mesocare.errors import NotFoundError, PermissionDeniedError, ValidationError
from mesocare.i18n import _
from mesocare.organisation import cases as M
from mesocare.services.platform import audit, records
from mesocare.services.platform.case_access import (
    CaseAccess,
    CaseFacts,
    Consent,
    Glass,
    Reach,
    Seat,
    utcnow,
)
from mesocare.services.platform.records import Ctx, Private
from mesocare.services.platform.territories import TerritoryEntry
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

FIELDS: dict[type, tuple[str, ...]] = {
    Case: ("code", "coordinator_id", "link_hash", "practice_id", "status", "priority"),
    CaseGoal: ("text", "expressed_by", "shared_with"),
    CaseProblem: ("domain", "text", "icpc2", "shared_with"),
    CaseTeamMember: ("actor_id", "user_id", "role", "added_value", "category", "start", "end"),
    CaseAction: ("kind", "text", "problem_id", "performer_id", "status", "result", "shared_with"),
    CaseConsent: ("category", "given_on", "expires_on", "revoked_at"),
}
PART = {
    Case: "case",
    CaseGoal: "goal",
    CaseProblem: "problem",
    CaseTeamMember: "team",
    CaseAction: "action",
    CaseConsent: "consent",
}


def _private(case_id: int, model: Any) -> Private:
    return Private("case", case_id, PART[model])


def new_code() -> str:
    return "C-" + secrets.token_hex(4).upper()


# ----- the facts access needs ------------------------------------------------------------------
def facts(s: Session, case: Case) -> CaseFacts:
    team = s.scalars(select(CaseTeamMember).where(CaseTeamMember.case_id == case.id))
    consents = s.scalars(select(CaseConsent).where(CaseConsent.case_id == case.id))
    glasses = s.scalars(select(BreakGlass).where(BreakGlass.case_id == case.id))
    return CaseFacts(
        territory=case.territory,
        zone=case.zone_code,
        coordinator_id=case.coordinator_id,
        seats=tuple(
            Seat(t.user_id, t.category, t.start, t.end) for t in team if t.user_id is not None
        ),
        consents=tuple(
            Consent(c.category, c.given_on, c.expires_on, c.revoked_at) for c in consents
        ),
        glasses=tuple(Glass(g.user_id, g.ends_at) for g in glasses if g.user_id is not None),
    )


def _absent(case_id: int) -> NotFoundError:
    return NotFoundError(_("no case {id}").format(id=case_id))


def _denied() -> PermissionDeniedError:
    return PermissionDeniedError(
        _("only the care team of this case and its coordinator may open it")
    )


def load(
    s: Session, case_id: int, ca: CaseAccess, at: datetime | None = None
) -> tuple[Case, CaseFacts]:
    """The case and its facts, if the user reaches it (403 if not, 404 if there is none)."""
    case = s.get(Case, case_id)
    if case is None:
        raise _absent(case_id)
    f = facts(s, case)
    if not ca.can_read(f, at or utcnow()):
        raise _denied()
    return case, f


def audit_event(s: Session, ctx: Ctx, case: Case, action: str, note: str | None = None) -> None:
    """A read, an export or an emergency access: ids only."""
    audit.record(
        s,
        ctx.access.principal,
        ctx.request_id,
        action,
        "case",
        case.id,
        territory=case.territory,
        zone=case.zone_code,
        note=note,
    )


# ----- opening and listing ---------------------------------------------------------------------
def open_case(
    s: Session,
    entry: TerritoryEntry,
    zone: str,
    data: M.CaseOpen,
    ctx: Ctx,
    *,
    link_hash: str | None = None,
    practice_id: str | None = None,
) -> Case:
    entry.require_zone(zone)
    if not CaseAccess(ctx.access).can_open_case(entry.id, zone):
        raise PermissionDeniedError(_("you may not open a case in zone {zone}").format(zone=zone))
    code = data.code or new_code()
    if s.scalar(select(Case.id).where(Case.territory == entry.id, Case.code == code)):
        raise ValidationError(_("this case code is already used"), column="code", found=code)
    case = Case(
        territory=entry.id,
        zone_code=zone,
        code=code,
        coordinator_id=ctx.user_id,
        link_hash=link_hash,
        practice_id=practice_id,
        status="open",
        priority=[],
    )
    return records.create(s, case, ctx, "case", FIELDS[Case], private=Private("case", None, "case"))


def my_cases(s: Session, ca: CaseAccess) -> list[M.CaseSummary]:
    """The cases the user reaches now, with the coordinator's flags (emergency accesses)."""
    uid = ca.user_id
    if uid is None:
        return []
    at = utcnow()
    seat_cases = select(CaseTeamMember.case_id).where(CaseTeamMember.user_id == uid)
    glass_cases = select(BreakGlass.case_id).where(
        BreakGlass.user_id == uid, BreakGlass.ends_at > at
    )
    rows = s.scalars(
        select(Case)
        .where(or_(Case.coordinator_id == uid, Case.id.in_(seat_cases), Case.id.in_(glass_cases)))
        .order_by(Case.updated_at.desc(), Case.id)
    )
    out = []
    for c in rows:
        f = facts(s, c)
        reach = ca.reach(f, at)
        if reach is None:
            continue
        flags = 0
        if reach == Reach.COORDINATOR:
            flags = len(
                list(
                    s.scalars(
                        select(BreakGlass.id).where(
                            BreakGlass.case_id == c.id, BreakGlass.acknowledged_at.is_(None)
                        )
                    )
                )
            )
        out.append(
            M.CaseSummary(
                id=c.id,
                code=c.code,
                territory=c.territory,
                zone_code=c.zone_code,
                status=c.status,
                reach=reach.value,
                flags=flags,
                updated_at=c.updated_at,
            )
        )
    return out


# ----- reading one case ------------------------------------------------------------------------
def _email(s: Session, uid: int | None) -> str | None:
    return s.scalar(select(User.email).where(User.id == uid)) if uid is not None else None


def read_case(s: Session, case_id: int, ctx: Ctx, at: datetime | None = None) -> M.CaseDetail:
    """What the user may see of the case, now; writes its read audit row (in ``s``: open it for
    writing)."""
    at = at or utcnow()
    ca = CaseAccess(ctx.access)
    case, f = load(s, case_id, ca, at)
    reach = ca.reach(f, at)
    assert reach is not None
    hidden = 0

    def shown(rows: Any) -> list[Any]:
        nonlocal hidden
        out = []
        for r in rows:
            if ca.sees(f, r.shared_with, at):
                out.append(r)
            else:
                hidden += 1
        return out

    def of(model: Any) -> list[Any]:
        return list(s.scalars(select(model).where(model.case_id == case.id).order_by(model.id)))

    goals = [
        M.GoalOut(
            id=g.id,
            version=g.version,
            text=g.text,
            expressed_by=g.expressed_by,
            shared_with=g.shared_with,
        )
        for g in shown(of(CaseGoal))
    ]
    problems = [
        M.ProblemOut(
            id=p.id,
            version=p.version,
            domain=p.domain,
            text=p.text,
            icpc2=p.icpc2,
            shared_with=p.shared_with,
        )
        for p in shown(of(CaseProblem))
    ]
    actions = [
        M.ActionOut(
            id=a.id,
            version=a.version,
            kind=M.ActionKind(a.kind),
            text=a.text,
            problem_id=a.problem_id,
            performer_id=a.performer_id,
            status=M.ActionStatus(a.status),
            result=a.result,
            shared_with=a.shared_with,
        )
        for a in shown(of(CaseAction))
    ]
    team = []
    for t in of(CaseTeamMember):
        actor = s.get(Actor, t.actor_id) if t.actor_id else None
        team.append(
            M.TeamOut(
                id=t.id,
                version=t.version,
                actor_id=t.actor_id,
                actor_name=actor.name if actor else None,
                sector=actor.sector if actor else None,
                user=_email(s, t.user_id),
                role=t.role,
                added_value=t.added_value,
                category=t.category,
                start=t.start,
                end=t.end,
            )
        )
    consents = [
        M.ConsentOut(
            id=c.id,
            version=c.version,
            category=c.category,
            given_on=c.given_on,
            expires_on=c.expires_on,
            revoked_at=c.revoked_at,
            active=Consent(c.category, c.given_on, c.expires_on, c.revoked_at).active(at),
        )
        for c in of(CaseConsent)
    ]
    glasses = []
    if reach == Reach.COORDINATOR:
        glasses = [
            M.GlassOut(
                id=g.id,
                who=g.who,
                reason=g.reason,
                starts_at=g.starts_at,
                ends_at=g.ends_at,
                acknowledged=g.acknowledged_at is not None,
            )
            for g in s.scalars(
                select(BreakGlass).where(BreakGlass.case_id == case.id).order_by(BreakGlass.id)
            )
        ]
    visible = {p.id for p in problems}
    audit_event(s, ctx, case, "read", note=reach.value)
    return M.CaseDetail(
        id=case.id,
        version=case.version,
        code=case.code,
        territory=case.territory,
        zone_code=case.zone_code,
        status=case.status,
        coordinator=_email(s, case.coordinator_id),
        linked=case.link_hash is not None,
        practice_id=case.practice_id,
        reach=reach.value,
        sees=sorted(ca.categories(f, at)),
        priority=[i for i in case.priority if i in visible],
        goals=goals,
        problems=problems,
        team=team,
        actions=actions,
        consents=consents,
        glasses=glasses,
        hidden=hidden,
    )
