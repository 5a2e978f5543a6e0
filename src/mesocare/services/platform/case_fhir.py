"""A case as a FHIR R4 Bundle (``fhir.resources`` R4B models, whose R4 resources these are), and
back.

Export (a ``collection`` Bundle): a Patient with the case code as its only identifier (no name,
no birth date, no address), a PractitionerRole per team entry and the CareTeam, a Goal per goal
(``expressedBy``), a Condition per problem (domain as category, ICPC-2 coding), the CarePlan (its
``addresses``: the problems in the patient's order of priority), a ServiceRequest and a Task per
action or referral (the Task carries the loop's status and the result reported back), a Consent
per category. What is shared with which consent category travels as ``meta.security`` labels.

Import checks every entry (its FHIR model, then the rules of a case) before anything is stored,
and names the entry: ``entry 3 (Goal): …``; a malformed bundle stores nothing.
"""

from __future__ import annotations

import json
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError as PydanticError
from sqlalchemy.orm import Session

from mesocare.errors import ValidationError
from mesocare.i18n import _
from mesocare.organisation import cases as M
from mesocare.services.platform import cases as C
from mesocare.services.platform.records import Ctx

CODE_SYSTEM = "urn:mesocare:case-code"
DOMAIN_SYSTEM = "urn:mesocare:problem-domain"
SHARED_SYSTEM = "urn:mesocare:shared-with"
CATEGORY_SYSTEM = "urn:mesocare:consent-category"
ACTOR_SYSTEM = "urn:mesocare:actor"
USER_SYSTEM = "urn:mesocare:user"
KIND_SYSTEM = "urn:mesocare:action-kind"
REVOKED = "urn:mesocare:consent-revoked-at"
ICPC2 = "http://hl7.org/fhir/sid/icpc-2"
TASK_STATUS = {
    "requested": "requested",
    "accepted": "accepted",
    "done": "completed",
    "declined": "rejected",
    "cancelled": "cancelled",
}
STATUS_OF_TASK = {v: k for k, v in TASK_STATUS.items()}
ACCEPTED = {
    "Patient",
    "PractitionerRole",
    "CareTeam",
    "Goal",
    "Condition",
    "CarePlan",
    "ServiceRequest",
    "Task",
    "Consent",
}
PATIENT = "Patient/patient"


def _security(shared: list[str]) -> dict[str, Any]:
    return {"security": [{"system": SHARED_SYSTEM, "code": c} for c in shared]}


def _ref(ref: str) -> dict[str, str]:
    return {"reference": ref}


# ----- export -----------------------------------------------------------------------------------
def export_bundle(s: Session, case_id: int, ctx: Ctx) -> dict[str, Any]:
    """What the user sees of the case, as a validated FHIR R4 Bundle (JSON-ready)."""
    d = C.read_case(s, case_id, ctx)
    case = s.get_one(C.Case, case_id)
    C.audit_event(s, ctx, case, "export", note="fhir")
    res: list[dict[str, Any]] = [
        {
            "resourceType": "Patient",
            "id": "patient",
            "identifier": [{"system": CODE_SYSTEM, "value": d.code}],
        }
    ]
    for t in d.team:
        ident = [{"system": CATEGORY_SYSTEM, "value": t.category}]
        if t.actor_id is not None:
            ident.append({"system": ACTOR_SYSTEM, "value": str(t.actor_id)})
        if t.user is not None:
            ident.append({"system": USER_SYSTEM, "value": t.user})
        pr: dict[str, Any] = {
            "resourceType": "PractitionerRole",
            "id": f"team-{t.id}",
            "identifier": ident,
            "code": [{"text": t.role}],
            "period": {"start": t.start.isoformat()}
            | ({"end": t.end.isoformat()} if t.end else {}),
        }
        if t.added_value:
            pr["specialty"] = [{"text": t.added_value}]
        res.append(pr)
    res.append(
        {
            "resourceType": "CareTeam",
            "id": "careteam",
            "status": "active",
            "subject": _ref(PATIENT),
            "participant": [{"member": _ref(f"PractitionerRole/team-{t.id}")} for t in d.team],
        }
    )
    for g in d.goals:
        by = g.expressed_by
        expressed = (
            _ref(PATIENT)
            if by == "patient"
            else {"type": "RelatedPerson", "display": "relative"}
            if by == "relative"
            else _ref(f"PractitionerRole/team-{by[5:]}")
        )
        res.append(
            {
                "resourceType": "Goal",
                "id": f"goal-{g.id}",
                "meta": _security(g.shared_with),
                "lifecycleStatus": "active",
                "description": {"text": g.text},
                "subject": _ref(PATIENT),
                "expressedBy": expressed,
            }
        )
    for p in d.problems:
        code: dict[str, Any] = {"text": p.text}
        if p.icpc2:
            code["coding"] = [{"system": ICPC2, "code": p.icpc2}]
        res.append(
            {
                "resourceType": "Condition",
                "id": f"problem-{p.id}",
                "meta": _security(p.shared_with),
                "category": [{"coding": [{"system": DOMAIN_SYSTEM, "code": p.domain}]}],
                "code": code,
                "subject": _ref(PATIENT),
            }
        )
    res.append(
        {
            "resourceType": "CarePlan",
            "id": "careplan",
            "status": "active",
            "intent": "plan",
            "subject": _ref(PATIENT),
            "careTeam": [_ref("CareTeam/careteam")],
            "addresses": [_ref(f"Condition/problem-{i}") for i in d.priority],
            "goal": [_ref(f"Goal/goal-{g.id}") for g in d.goals],
            "activity": [{"reference": _ref(f"ServiceRequest/action-{a.id}")} for a in d.actions],
        }
    )
    for a in d.actions:
        sr: dict[str, Any] = {
            "resourceType": "ServiceRequest",
            "id": f"action-{a.id}",
            "meta": _security(a.shared_with),
            "status": "active",
            "intent": "order" if a.kind == M.ActionKind.REFERRAL else "plan",
            "category": [{"coding": [{"system": KIND_SYSTEM, "code": a.kind.value}]}],
            "code": {"text": a.text},
            "subject": _ref(PATIENT),
        }
        if a.problem_id is not None:
            sr["reasonReference"] = [_ref(f"Condition/problem-{a.problem_id}")]
        if a.performer_id is not None:
            sr["performer"] = [_ref(f"PractitionerRole/team-{a.performer_id}")]
        res.append(sr)
        task: dict[str, Any] = {
            "resourceType": "Task",
            "id": f"task-{a.id}",
            "meta": _security(a.shared_with),
            "status": TASK_STATUS[a.status.value],
            "intent": "order",
            "focus": _ref(f"ServiceRequest/action-{a.id}"),
            "for": _ref(PATIENT),
        }
        if a.result:
            task["output"] = [{"type": {"text": "result"}, "valueString": a.result}]
        res.append(task)
    for c in d.consents:
        consent: dict[str, Any] = {
            "resourceType": "Consent",
            "id": f"consent-{c.id}",
            "status": "active" if c.revoked_at is None else "inactive",
            "scope": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                        "code": "patient-privacy",
                    }
                ]
            },
            "category": [{"coding": [{"system": CATEGORY_SYSTEM, "code": c.category}]}],
            "patient": _ref(PATIENT),
            "policyRule": {"text": "mesocare case sharing"},
            "provision": {
                "period": {"start": c.given_on.isoformat()}
                | ({"end": c.expires_on.isoformat()} if c.expires_on else {})
            },
        }
        if c.revoked_at is not None:
            consent["extension"] = [{"url": REVOKED, "valueDateTime": c.revoked_at.isoformat()}]
        res.append(consent)
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in res],
    }
    Bundle.model_validate(bundle)  # never hand out what FHIR would refuse
    return bundle


# ----- import -----------------------------------------------------------------------------------
class _Bad(Exception):
    pass


def _fail(i: int, rt: str, message: str) -> ValidationError:
    return ValidationError(
        _("entry {n} ({type}): {message}").format(n=i, type=rt, message=message),
        row=i,
        column=rt,
    )


def _pyd(exc: PydanticError) -> str:
    """A pydantic error without its input (which may be the patient's words)."""
    e = exc.errors()[0]
    loc = ".".join(str(x) for x in e["loc"])
    msg = str(e["msg"]).removeprefix("Value error, ")
    return f"{loc}: {msg}" if loc else msg


def _codes(cc: Any, system: str) -> list[str]:
    return [c.get("code") for c in (cc or {}).get("coding", []) if c.get("system") == system]


def _shared(r: dict[str, Any]) -> list[str]:
    labels = [
        x.get("code")
        for x in (r.get("meta") or {}).get("security", [])
        if x.get("system") == SHARED_SYSTEM
    ]
    bad = [c for c in labels if c not in M.CATEGORIES]
    if bad:
        raise _Bad(_("unknown sharing label {label!r}").format(label=bad[0]))
    return labels


def parse_bundle(raw: bytes | str | dict[str, Any]) -> list[tuple[int, str, dict[str, Any]]]:
    """The entries (1-based number, type, resource), each valid FHIR R4, of an accepted type."""
    try:
        data = json.loads(raw) if isinstance(raw, bytes | str) else raw
    except (ValueError, UnicodeDecodeError):
        raise ValidationError(_("not a JSON document")) from None
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        raise ValidationError(_("not a FHIR Bundle"), column="resourceType")
    entries = data.get("entry")
    if not isinstance(entries, list) or not entries:
        raise ValidationError(_("the bundle has no entries"), column="entry")
    out = []
    seen: set[str] = set()
    for i, e in enumerate(entries, start=1):
        r = e.get("resource") if isinstance(e, dict) else None
        if not isinstance(r, dict):
            raise _fail(i, "?", _("no resource"))
        rt = str(r.get("resourceType"))
        if rt not in ACCEPTED:
            raise _fail(i, rt, _("a case bundle has no resource of this type"))
        try:
            get_fhir_model_class(rt).model_validate(r)
        except PydanticError as exc:
            raise _fail(i, rt, _pyd(exc)) from None
        key = f"{rt}/{r.get('id')}"
        if r.get("id") is None or key in seen:
            raise _fail(i, rt, _("every resource needs an id of its own"))
        seen.add(key)
        out.append((i, rt, r))
    try:
        Bundle.model_validate(data)
    except PydanticError as exc:
        raise ValidationError(_pyd(exc), column="Bundle") from None
    return out
