"""A FHIR R4 case Bundle (see :mod:`.case_fhir`) into a new case: every entry checked first, then
everything stored in one transaction; a malformed bundle is refused with the entry named and
nothing stored."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError as PydanticError
from sqlalchemy import select
from sqlalchemy.orm import Session

from mesocare.errors import PermissionDeniedError, ValidationError
from mesocare.i18n import _
from mesocare.organisation import cases as M
from mesocare.services.platform import case_changes as CC
from mesocare.services.platform import cases as C
from mesocare.services.platform.case_fhir import (
    ACTOR_SYSTEM,
    CATEGORY_SYSTEM,
    CODE_SYSTEM,
    DOMAIN_SYSTEM,
    ICPC2,
    KIND_SYSTEM,
    PATIENT,
    REVOKED,
    STATUS_OF_TASK,
    USER_SYSTEM,
    _Bad,
    _codes,
    _fail,
    _pyd,
    _shared,
    parse_bundle,
)
from mesocare.services.platform.records import Ctx
from mesocare.services.platform.territories import TerritoryEntry
from mesocare.store.models import Actor, User
from mesocare.store.models_cases import (
    CaseAction,
    CaseConsent,
    CaseGoal,
    CaseProblem,
    CaseTeamMember,
)

#: what a Patient of a case bundle may hold: its id and the case code, nothing that identifies
PATIENT_KEYS = {"resourceType", "id", "identifier", "meta"}


@dataclass
class Plan:
    code: str = ""
    team: list[tuple[str, M.TeamIn]] = field(default_factory=list)
    goals: list[tuple[M.GoalIn, str]] = field(default_factory=list)
    problems: list[tuple[str, M.ProblemIn]] = field(default_factory=list)
    priority: list[str] = field(default_factory=list)
    actions: list[tuple[str, M.ActionIn, str | None, str | None, str, str | None]] = field(
        default_factory=list
    )
    consents: list[tuple[M.ConsentIn, datetime | None]] = field(default_factory=list)


def _ident(r: dict[str, Any], system: str) -> str | None:
    for i in r.get("identifier") or []:
        if i.get("system") == system:
            return i.get("value")
    return None


def _target(ref: Any, kind: str, ids: set[str]) -> str:
    value = (ref or {}).get("reference", "") if isinstance(ref, dict) else ""
    if not value.startswith(kind + "/") or value not in ids:
        raise _Bad(_("refers to {ref!r}, not a {kind} of the bundle").format(ref=value, kind=kind))
    return value


def _model(cls: Any, **values: Any) -> Any:
    try:
        return cls.model_validate(values)
    except PydanticError as exc:
        raise _Bad(_pyd(exc)) from None


def plan_of(entries: list[tuple[int, str, dict[str, Any]]]) -> Plan:
    ids = {f"{rt}/{r['id']}" for _i, rt, r in entries}
    patients = [(i, r) for i, rt, r in entries if rt == "Patient"]
    if len(patients) != 1:
        raise ValidationError(_("a case bundle has exactly one Patient"), column="Patient")
    if PATIENT not in ids:
        raise _fail(patients[0][0], "Patient", _("its id must be 'patient'"))
    plan = Plan()
    tasks: dict[str, dict[str, Any]] = {}
    for i, rt, r in entries:
        try:
            _entry(plan, rt, r, ids, tasks)
        except _Bad as exc:
            raise _fail(i, rt, str(exc)) from None
    for k, (ref, data, prob, perf, _st, _res) in enumerate(plan.actions):
        t = tasks.get(ref)
        if t is None:
            raise ValidationError(
                _("the action {ref} has no Task with its status").format(ref=ref), column="Task"
            )
        plan.actions[k] = (ref, data, prob, perf, t["status"], t["result"])
    return plan


def _entry(plan: Plan, rt: str, r: dict[str, Any], ids: set[str], tasks: dict[str, Any]) -> None:
    if rt == "Patient":
        extra = sorted(set(r) - PATIENT_KEYS)
        if extra:
            raise _Bad(_("a case is pseudonymous: no {field}").format(field=extra[0]))
        code = _ident(r, CODE_SYSTEM)
        if code is None or len(r.get("identifier") or []) != 1:
            raise _Bad(_("the case code is its only identifier"))
        plan.code = _model(M.CaseOpen, code=code).code
    elif rt == "PractitionerRole":
        category = _ident(r, CATEGORY_SYSTEM)
        actor = _ident(r, ACTOR_SYSTEM)
        period = r.get("period") or {}
        if not actor or not actor.isdigit():
            actor = None if actor is None else "x"
        data = _model(
            M.TeamIn,
            actor_id=actor,
            user=_ident(r, USER_SYSTEM),
            role=((r.get("code") or [{}])[0]).get("text"),
            added_value=((r.get("specialty") or [{}])[0]).get("text"),
            category=category,
            start=period.get("start"),
            end=period.get("end"),
        )
        plan.team.append((f"PractitionerRole/{r['id']}", data))
    elif rt == "CareTeam":
        for p in r.get("participant") or []:
            _target(p.get("member"), "PractitionerRole", ids)
    elif rt == "Goal":
        by = r.get("expressedBy") or {}
        if by.get("reference") == PATIENT:
            who = "patient"
        elif by.get("type") == "RelatedPerson" and "reference" not in by:
            who = "relative"
        else:
            who = _target(by, "PractitionerRole", ids)
        if r.get("lifecycleStatus") != "active":
            raise _Bad(_("a goal of a case is active"))
        data = _model(
            M.GoalIn,
            text=(r.get("description") or {}).get("text"),
            shared_with=_shared(r),
        )
        plan.goals.append((data, who))
    elif rt == "Condition":
        domains = _codes((r.get("category") or [{}])[0], DOMAIN_SYSTEM)
        icpc = _codes(r.get("code"), ICPC2)
        if len(domains) != 1:
            raise _Bad(_("a problem has one domain: somatic, psychological or social"))
        data = _model(
            M.ProblemIn,
            domain=domains[0],
            text=(r.get("code") or {}).get("text"),
            icpc2=icpc[0] if icpc else None,
            shared_with=_shared(r),
        )
        plan.problems.append((f"Condition/{r['id']}", data))
    elif rt == "CarePlan":
        plan.priority = [_target(a, "Condition", ids) for a in r.get("addresses") or []]
        for g in r.get("goal") or []:
            _target(g, "Goal", ids)
        for a in r.get("activity") or []:
            _target(a.get("reference"), "ServiceRequest", ids)
    elif rt == "ServiceRequest":
        kinds = _codes((r.get("category") or [{}])[0], KIND_SYSTEM)
        reasons = r.get("reasonReference") or []
        performers = r.get("performer") or []
        prob = _target(reasons[0], "Condition", ids) if reasons else None
        perf = _target(performers[0], "PractitionerRole", ids) if performers else None
        data = _model(
            M.ActionIn,
            kind=kinds[0] if kinds else None,
            text=(r.get("code") or {}).get("text"),
            shared_with=_shared(r),
        )
        plan.actions.append((f"ServiceRequest/{r['id']}", data, prob, perf, "", None))
    elif rt == "Task":
        focus = _target(r.get("focus"), "ServiceRequest", ids)
        status = STATUS_OF_TASK.get(r.get("status", ""))
        if status is None:
            raise _Bad(
                _("status {status!r} is not a step of the referral loop").format(
                    status=r.get("status")
                )
            )
        result = next(
            (o.get("valueString") for o in r.get("output") or [] if "valueString" in o), None
        )
        if status == "done" and not result:
            raise _Bad(_("a done action reports its result back"))
        tasks[focus] = {"status": status, "result": result}
    elif rt == "Consent":
        cats = _codes((r.get("category") or [{}])[0], CATEGORY_SYSTEM)
        period = (r.get("provision") or {}).get("period") or {}
        revoked = next(
            (x.get("valueDateTime") for x in r.get("extension") or [] if x.get("url") == REVOKED),
            None,
        )
        if (r.get("status") == "inactive") != (revoked is not None):
            raise _Bad(_("an inactive consent says when it was revoked"))
        data = _model(
            M.ConsentIn,
            category=cats[0] if cats else None,
            given_on=period.get("start"),
            expires_on=period.get("end"),
        )
        plan.consents.append((data, datetime.fromisoformat(revoked) if revoked else None))


def import_bundle(
    s: Session, entry: TerritoryEntry, zone: str, raw: bytes | str | dict[str, Any], ctx: Ctx
) -> int:
    """A new case in ``zone`` from the bundle; its id. The caller's transaction holds it all:
    on any error nothing is stored."""
    if not C.CaseAccess(ctx.access).can_open_case(entry.id, entry.require_zone(zone)):
        raise PermissionDeniedError(_("you may not open a case in zone {zone}").format(zone=zone))
    plan = plan_of(parse_bundle(raw))
    case = C.open_case(s, entry, zone, M.CaseOpen(code=plan.code), ctx)
    refs: dict[str, int] = {}
    for ref, t in plan.team:
        if t.actor_id is not None:
            a = s.get(Actor, t.actor_id)
            if a is None or (a.territory, a.zone_code) != (entry.id, zone):
                raise ValidationError(
                    _("{ref}: not an actor of zone {zone}").format(ref=ref, zone=zone)
                )
        uid = s.scalar(select(User.id).where(User.email == t.user)) if t.user else None
        if t.user and uid is None:
            raise ValidationError(_("{ref}: no such user").format(ref=ref))
        row = CC.new_part(
            case,
            CaseTeamMember,
            actor_id=t.actor_id,
            user_id=uid,
            role=t.role,
            added_value=t.added_value,
            category=t.category,
            start=t.start,
            end=t.end,
        )
        refs[ref] = CC.add_part(s, case, row, ctx).id
    for g, who in plan.goals:
        by = who if who in ("patient", "relative") else f"team:{refs[who]}"
        row = CC.new_part(case, CaseGoal, text=g.text, expressed_by=by, shared_with=g.shared_with)
        CC.add_part(s, case, row, ctx)
    for ref, p in plan.problems:
        row = CC.new_part(
            case,
            CaseProblem,
            domain=p.domain,
            text=p.text,
            icpc2=p.icpc2,
            shared_with=p.shared_with,
        )
        refs[ref] = CC.add_part(s, case, row, ctx).id
    for _ref, act, prob, perf, status, result in plan.actions:
        row = CC.new_part(
            case,
            CaseAction,
            kind=act.kind.value,
            text=act.text,
            problem_id=refs[prob] if prob else None,
            performer_id=refs[perf] if perf else None,
            status=status,
            result=result,
            shared_with=act.shared_with,
        )
        CC.add_part(s, case, row, ctx)
    for c, revoked in plan.consents:
        row = CC.new_part(
            case,
            CaseConsent,
            category=c.category,
            given_on=c.given_on,
            expires_on=c.expires_on,
            revoked_at=revoked,
        )
        CC.add_part(s, case, row, ctx)
    if plan.priority:
        ids = [refs[p] for p in plan.priority]
        CC.set_priority(s, case.id, M.PriorityIn(version=case.version, problem_ids=ids), ctx)
    return case.id
