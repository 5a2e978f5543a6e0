"""``/api/v1`` maturity self-assessments: the frameworks, a zone's assessments, one's own blind
scores, the consensus round, priorities to plan objectives and the anonymised comparison of
zones. The same services as the pages (:mod:`mesocare.web.pages.maturity`); while an assessment
is blind no route gives anyone's scores but the asker's own."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, UploadFile
from pydantic import BaseModel

from mesocare.organisation.maturity import SHIPPED, Framework, load_shipped
from mesocare.organisation.maturity_records import (
    AssessmentCreate,
    AssessmentPublic,
    AssessmentView,
    ConsensusIn,
    ObjectiveIn,
    ParticipantCreate,
    ScoresIn,
    StatusIn,
    ZoneScores,
)
from mesocare.services.platform import maturity as M
from mesocare.services.platform import maturity_view as V
from mesocare.services.platform.records import Ctx
from mesocare.web.api.v1 import CSRF, ERRORS, PROBLEM
from mesocare.web.deps import RecordId, Web, web

router = APIRouter(prefix="/api/v1", tags=["maturity"])
Z = "/territories/{territory}/zones/{zone}/maturity/assessments"
A = "/maturity/assessments/{assessment_id}"
STALE = {**ERRORS, 409: {"description": "Changed since that version", **PROBLEM}}


class ObjectiveOut(BaseModel):
    plan_item_id: int


def _ctx(w: Web) -> Ctx:
    return Ctx(w.access, w.request_id)


@router.get("/maturity/frameworks", responses=ERRORS)
def frameworks(w: Annotated[Web, Depends(web)]) -> list[Framework]:
    """The shipped frameworks (dimensions, criteria, the scale with a descriptor per level)."""
    w.require_login()
    return [load_shipped(n) for n in SHIPPED]


@router.get(Z, responses=ERRORS)
def list_assessments(
    w: Annotated[Web, Depends(web)], territory: str, zone: str
) -> list[AssessmentPublic]:
    w.require_login()
    entry = w.platform.entry(territory)
    with w.platform.session() as s:
        return [V.public(s, a) for a in M.list_assessments(s, entry, zone, w.access)]


@router.post(Z, status_code=201, dependencies=CSRF, responses=ERRORS)
def create_assessment(
    w: Annotated[Web, Depends(web)], territory: str, zone: str, data: AssessmentCreate
) -> AssessmentPublic:
    """A new assessment, blind until its consensus round opens."""
    w.require_login()
    entry = w.platform.entry(territory)
    with w.platform.session(write=True) as s:
        return V.public(s, M.create_assessment(s, entry, zone, data, _ctx(w)))


@router.post(
    Z + "/from-file",
    status_code=201,
    dependencies=CSRF,
    responses={**ERRORS, 413: {"description": "Too large", **PROBLEM}},
)
async def create_from_file(
    w: Annotated[Web, Depends(web)],
    territory: str,
    zone: str,
    file: Annotated[UploadFile, File()],
    title: Annotated[str, Form(min_length=1, max_length=300)],
    assessed_on: Annotated[dt.date, Form()],
) -> AssessmentPublic:
    """A new assessment on a framework from a CSV or XLSX file (e.g. one's copy of the HSO
    criteria; layout in docs/maturity.md); a bad cell is refused by name (422)."""
    w.require_login()
    entry = w.platform.entry(territory)
    data = await file.read(M.MAX_FRAMEWORK_BYTES + 1)
    fw = M.framework_from_upload(data, file.filename or "framework.csv")
    with w.platform.session(write=True) as s:
        a = M.create_assessment(
            s,
            entry,
            zone,
            AssessmentCreate(title=title, assessed_on=assessed_on),
            _ctx(w),
            framework=fw,
        )
        return V.public(s, a)


@router.get(A, responses=ERRORS)
def get_assessment(w: Annotated[Web, Depends(web)], assessment_id: RecordId) -> AssessmentView:
    """The assessment as the asker may see it: blind, their own scores only; after, per item the
    median, IQR, agreement, each rating's dot (by cluster, never by name) and the consensus."""
    w.require_login()
    with w.platform.session() as s:
        return V.view(s, assessment_id, w.access)


@router.post(A + "/participants", status_code=201, dependencies=CSRF, responses=ERRORS)
def invite(
    w: Annotated[Web, Depends(web)], assessment_id: RecordId, data: ParticipantCreate
) -> AssessmentPublic:
    w.require_login()
    with w.platform.session(write=True) as s:
        M.invite(s, assessment_id, data, _ctx(w))
        return V.public(s, M.get_assessment(s, assessment_id, w.access))


@router.put(A + "/scores", dependencies=CSRF, responses=ERRORS)
def submit_scores(
    w: Annotated[Web, Depends(web)], assessment_id: RecordId, data: ScoresIn
) -> AssessmentView:
    """One's own scores (while blind); ``submit`` says one is done."""
    w.require_login()
    with w.platform.session(write=True) as s:
        M.submit_scores(s, assessment_id, data, _ctx(w))
    with w.platform.session() as s:
        return V.view(s, assessment_id, w.access)


@router.post(A + "/status", dependencies=CSRF, responses=STALE)
def set_status(
    w: Annotated[Web, Depends(web)], assessment_id: RecordId, data: StatusIn
) -> AssessmentPublic:
    """Open the consensus round, or close the assessment."""
    w.require_login()
    with w.platform.session(write=True) as s:
        return V.public(s, M.set_status(s, assessment_id, data.version, data.status, _ctx(w)))


@router.put(A + "/consensus", dependencies=CSRF, responses=ERRORS)
def set_consensus(
    w: Annotated[Web, Depends(web)], assessment_id: RecordId, data: ConsensusIn
) -> AssessmentView:
    """The group's score of one item, with its rationale and importance."""
    w.require_login()
    with w.platform.session(write=True) as s:
        M.set_consensus(s, assessment_id, data, _ctx(w))
    with w.platform.session() as s:
        return V.view(s, assessment_id, w.access)


@router.post(A + "/objectives", status_code=201, dependencies=CSRF, responses=ERRORS)
def to_objective(
    w: Annotated[Web, Depends(web)], assessment_id: RecordId, data: ObjectiveIn
) -> ObjectiveOut:
    """Turn a priority into a strategic objective of a plan of the zone, with an anchor person."""
    w.require_login()
    with w.platform.session(write=True) as s:
        item = M.to_objective(s, assessment_id, data, _ctx(w), w.language)
        return ObjectiveOut(plan_item_id=item.id)


@router.get("/territories/{territory}/maturity/comparison", responses=ERRORS)
def comparison(
    w: Annotated[Web, Depends(web)], territory: str, framework: str = "mesocare-integration"
) -> list[ZoneScores]:
    """Each zone's latest consensus per dimension, for the zones whose figures one reads;
    anonymised (no participant in it)."""
    w.require_login()
    entry = w.platform.entry(territory)
    with w.platform.session() as s:
        return V.compare_zones(s, entry, w.access, framework[:80])
