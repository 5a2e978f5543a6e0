"""``/api/v1`` for cases: open, read (what the care team and the consent allow), add goals,
problems, team members, actions, consents; the referral loop; revoke a consent; the patient's
priority; break the glass; the access log (JSON, CSV); FHIR R4 export and import; a practice's
target list and a case opened from it. Every read and change is audited (ids, never content)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from mesocare.organisation import cases as M
from mesocare.services.platform import case_changes as CC
from mesocare.services.platform import case_fhir as F
from mesocare.services.platform import case_fhir_import as FI
from mesocare.services.platform import cases as C
from mesocare.services.platform import targets as TG
from mesocare.services.platform.case_access import CaseAccess
from mesocare.services.platform.records import Ctx
from mesocare.web.api.v1 import CSRF, ERRORS, PROBLEM
from mesocare.web.deps import RecordId, Web, web

router = APIRouter(prefix="/api/v1", tags=["cases"])
Version = Annotated[int, Query(ge=1, le=2**31 - 1)]
CONFLICT = {**ERRORS, 409: {"description": "Changed since, or not a step of the loop", **PROBLEM}}


class TargetRow(BaseModel):
    person_id: str
    area_code: str
    overdue: bool
    out_of_range: bool
    case: bool


class AreaCount(BaseModel):
    area_code: str
    listed: int | None
    eligible: int | None
    suppressed: bool


class TargetListOut(BaseModel):
    rule: str
    label: str
    practice_id: str
    zone: str
    available: bool
    areas: list[str]
    rows: list[TargetRow]
    counts: list[AreaCount]


class MemberIn(BaseModel):
    email: str = Field(max_length=254)


class Emergency(BaseModel):
    emergency: bool
    ends_at: str | None = None


def ctx(w: Web) -> Ctx:
    w.require_login()
    return Ctx(w.access, w.request_id)


def detail(w: Web, case_id: int) -> M.CaseDetail:
    with w.platform.session(write=True) as s:
        return C.read_case(s, case_id, ctx(w))


@router.get("/cases", responses=ERRORS)
def list_cases(w: Annotated[Web, Depends(web)]) -> list[M.CaseSummary]:
    """The cases the user reaches now (coordinator, team, emergency), with the flags."""
    w.require_login()
    with w.platform.session() as s:
        return C.my_cases(s, CaseAccess(w.access))


@router.post(
    "/territories/{territory}/zones/{zone}/cases",
    status_code=201,
    dependencies=CSRF,
    responses=ERRORS,
)
def open_case(
    w: Annotated[Web, Depends(web)], territory: str, zone: str, data: M.CaseOpen
) -> M.CaseDetail:
    c = ctx(w)
    entry = w.platform.entry(territory)
    with w.platform.session(write=True) as s:
        case = C.open_case(s, entry, zone, data, c)
        return C.read_case(s, case.id, c)


@router.get("/cases/{case_id}", responses=ERRORS)
def get_case(w: Annotated[Web, Depends(web)], case_id: RecordId) -> M.CaseDetail:
    return detail(w, case_id)


def _change(w: Web, case_id: int, fn: Any, *args: Any) -> M.CaseDetail:
    c = ctx(w)
    with w.platform.session(write=True) as s:
        fn(s, *args, c)
        return C.read_case(s, case_id, c)


@router.post("/cases/{case_id}/goals", status_code=201, dependencies=CSRF, responses=ERRORS)
def add_goal(w: Annotated[Web, Depends(web)], case_id: RecordId, data: M.GoalIn) -> M.CaseDetail:
    return _change(w, case_id, CC.add_goal, case_id, data)


@router.post("/cases/{case_id}/problems", status_code=201, dependencies=CSRF, responses=ERRORS)
def add_problem(
    w: Annotated[Web, Depends(web)], case_id: RecordId, data: M.ProblemIn
) -> M.CaseDetail:
    return _change(w, case_id, CC.add_problem, case_id, data)


@router.post("/cases/{case_id}/team", status_code=201, dependencies=CSRF, responses=ERRORS)
def add_team(w: Annotated[Web, Depends(web)], case_id: RecordId, data: M.TeamIn) -> M.CaseDetail:
    return _change(w, case_id, CC.add_team_member, case_id, data)


@router.post("/cases/{case_id}/actions", status_code=201, dependencies=CSRF, responses=ERRORS)
def add_action(
    w: Annotated[Web, Depends(web)], case_id: RecordId, data: M.ActionIn
) -> M.CaseDetail:
    return _change(w, case_id, CC.add_action, case_id, data)


@router.post("/cases/{case_id}/actions/{action_id}/status", dependencies=CSRF, responses=CONFLICT)
def action_status(
    w: Annotated[Web, Depends(web)], case_id: RecordId, action_id: RecordId, data: M.ActionStatusIn
) -> M.CaseDetail:
    """One step of the loop: requested → accepted → done (with its result), declined, cancelled."""
    c = ctx(w)
    with w.platform.session(write=True) as s:
        CC.set_action_status(s, action_id, data, c, case_id=case_id)
        return C.read_case(s, case_id, c)


@router.post("/cases/{case_id}/consents", status_code=201, dependencies=CSRF, responses=ERRORS)
def add_consent(
    w: Annotated[Web, Depends(web)], case_id: RecordId, data: M.ConsentIn
) -> M.CaseDetail:
    return _change(w, case_id, CC.add_consent, case_id, data)


@router.post("/cases/{case_id}/consents/{consent_id}/revoke", dependencies=CSRF, responses=CONFLICT)
def revoke_consent(
    w: Annotated[Web, Depends(web)], case_id: RecordId, consent_id: RecordId, version: Version
) -> M.CaseDetail:
    """Revoke at once: what the consent covered is hidden from the next read on."""
    c = ctx(w)
    with w.platform.session(write=True) as s:
        CC.revoke_consent(s, consent_id, version, c, case_id=case_id)
        return C.read_case(s, case_id, c)


@router.put("/cases/{case_id}/priority", dependencies=CSRF, responses=CONFLICT)
def set_priority(
    w: Annotated[Web, Depends(web)], case_id: RecordId, data: M.PriorityIn
) -> M.CaseDetail:
    """The patient's own order of the problems."""
    return _change(w, case_id, CC.set_priority, case_id, data)


@router.post("/cases/{case_id}/break-glass", dependencies=CSRF, responses=ERRORS)
def break_glass(
    w: Annotated[Web, Depends(web)], case_id: RecordId, data: M.BreakGlassIn
) -> Emergency:
    """An emergency access (a reason, a limited time), flagged to the case's coordinator."""
    with w.platform.session(write=True) as s:
        g = CC.break_glass(s, case_id, data, ctx(w))
        return Emergency(emergency=g is not None, ends_at=g.ends_at.isoformat() if g else None)


@router.get("/cases/{case_id}/access-log", responses=ERRORS)
def access_log(w: Annotated[Web, Depends(web)], case_id: RecordId) -> list[M.AccessLogRow]:
    """Who read and changed the case, when (for the patient): ids and field names only."""
    with w.platform.session(write=True) as s:
        return CC.access_log(s, case_id, ctx(w))


@router.get("/cases/{case_id}/access-log.csv", responses=ERRORS)
def access_log_csv(w: Annotated[Web, Depends(web)], case_id: RecordId) -> Response:
    with w.platform.session(write=True) as s:
        rows = CC.access_log(s, case_id, ctx(w))
    return Response(
        CC.access_log_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="case-{case_id}-access-log.csv"'},
    )


@router.get("/cases/{case_id}/fhir", responses=ERRORS)
def fhir_export(w: Annotated[Web, Depends(web)], case_id: RecordId) -> Response:
    """The case as a FHIR R4 Bundle (what the reader may see of it)."""
    with w.platform.session(write=True) as s:
        bundle = F.export_bundle(s, case_id, ctx(w))
    return Response(json.dumps(bundle), media_type="application/fhir+json")


@router.post(
    "/territories/{territory}/zones/{zone}/cases/fhir",
    status_code=201,
    dependencies=CSRF,
    responses=ERRORS,
)
def fhir_import(
    w: Annotated[Web, Depends(web)],
    territory: str,
    zone: str,
    bundle: Annotated[dict[str, Any], Body()],
) -> M.CaseDetail:
    """A new case from a FHIR R4 Bundle; a malformed one is refused naming its entry."""
    c = ctx(w)
    entry = w.platform.entry(territory)
    with w.platform.session(write=True) as s:
        cid = FI.import_bundle(s, entry, zone, bundle, c)
        return C.read_case(s, cid, c)


# ----- who to reach first ----------------------------------------------------------------------
def target_out(tl: TG.TargetList) -> TargetListOut:
    rows = [TargetRow.model_validate(r) for r in tl.rows.to_dict("records")]
    counts = [
        AreaCount(
            area_code=str(r["unit_code"]),
            listed=None
            if r["numerator"] is None or r["numerator"] != r["numerator"]
            else int(r["numerator"]),
            eligible=None
            if r["denominator"] is None or r["denominator"] != r["denominator"]
            else int(r["denominator"]),
            suppressed=bool(r["suppressed"]),
        )
        for r in tl.counts.astype(object).where(tl.counts.notna(), None).to_dict("records")
    ]
    return TargetListOut(
        rule=tl.rule.id,
        label=tl.rule.label,
        practice_id=tl.practice_id,
        zone=tl.zone,
        available=tl.available,
        areas=tl.areas,
        rows=rows,
        counts=counts,
    )


@router.get("/territories/{territory}/practices/{practice_id}/targets", responses=ERRORS)
def targets(w: Annotated[Web, Depends(web)], territory: str, practice_id: str) -> TargetListOut:
    """The practice's people to reach first (its members only)."""
    c = ctx(w)
    entry = w.platform.entry(territory)
    with w.platform.session(write=True) as s:
        return target_out(TG.target_list(s, entry, w.platform.data_dir, practice_id, c))


@router.post(
    "/territories/{territory}/practices/{practice_id}/targets/{person_id}/case",
    status_code=201,
    dependencies=CSRF,
    responses=CONFLICT,
)
def open_from_target(
    w: Annotated[Web, Depends(web)], territory: str, practice_id: str, person_id: str
) -> M.CaseDetail:
    """Open a case for a person of the list: it carries the keyed link, not the person's data."""
    c = ctx(w)
    entry = w.platform.entry(territory)
    with w.platform.session(write=True) as s:
        case = TG.open_from_list(s, entry, w.platform.data_dir, practice_id, person_id, c)
        return C.read_case(s, case.id, c)


@router.post(
    "/territories/{territory}/practices/{practice_id}/members",
    status_code=204,
    dependencies=CSRF,
    responses=ERRORS,
)
def add_practice_member(
    w: Annotated[Web, Depends(web)], territory: str, practice_id: str, data: MemberIn
) -> Response:
    c = ctx(w)
    entry = w.platform.entry(territory)
    with w.platform.session(write=True) as s:
        TG.add_member(s, entry, practice_id, data.email, c)
    return Response(status_code=204)
