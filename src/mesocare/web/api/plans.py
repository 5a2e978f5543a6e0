"""``/api/v1`` for action plans: a zone's plans, a plan as its whole document, its progress (the
figures, which an analyst may read too), edits with optimistic locking, adoption by a decision's
reference, items, actuals and their review, and the zone's resources."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from mesocare.organisation.plans import (
    ActualCreate,
    ItemCreate,
    ItemUpdate,
    PlanCreate,
    PlanDocument,
    PlanPublic,
    PlanUpdate,
    Review,
)
from mesocare.services.platform import plan_needs as N
from mesocare.services.platform import plan_progress as G
from mesocare.services.platform import plans as P
from mesocare.services.platform.plan_doc import document
from mesocare.services.platform.records import Ctx
from mesocare.web.api.v1 import CSRF, ERRORS, PROBLEM, _entry
from mesocare.web.deps import RecordId, Web, web

router = APIRouter(prefix="/api/v1", tags=["plans"])
CONFLICT = {**ERRORS, 409: {"description": "Changed since that version", **PROBLEM}}
Z = "/territories/{territory}/zones/{zone}"


class ItemOut(BaseModel):
    id: int
    key: str
    level: str
    title: str
    status: str
    version: int


class ActualOut(BaseModel):
    id: int
    indicator_id: int
    period: str
    value: float
    status: str
    comment: str
    review_comment: str
    version: int


class ProgressOut(BaseModel):
    indicator: str
    name: str
    unit: str
    item: str | None
    periods: list[str]
    targets: list[float | None]
    actuals: list[float | None]
    off_target: bool
    worsening: bool


class Adoption(BaseModel):
    version: int = Field(ge=1, description="the plan's version that was decided on")
    decision_ref: str = Field(min_length=1, max_length=200)


class Version(BaseModel):
    version: int = Field(ge=1)


class ResourceOut(BaseModel):
    sector: str
    discipline: str
    actors: int


class GapOut(BaseModel):
    what: str
    per_100k: float
    available: int
    needed: int
    missing: int


class ResourcesOut(BaseModel):
    available: list[ResourceOut]
    missing: list[GapOut]


def _ctx(w: Web) -> Ctx:
    return Ctx(w.access, w.request_id)


def _item(i: Any) -> ItemOut:
    return ItemOut(
        id=i.id, key=i.key, level=i.level, title=i.title, status=i.status, version=i.version
    )


def _actual(a: Any) -> ActualOut:
    return ActualOut(
        id=a.id,
        indicator_id=a.indicator_id,
        period=a.period,
        value=a.value,
        status=a.status,
        comment=a.comment,
        review_comment=a.review_comment,
        version=a.version,
    )


@router.get(Z + "/plans", responses=ERRORS)
def list_plans(w: Annotated[Web, Depends(web)], territory: str, zone: str) -> list[PlanPublic]:
    entry = _entry(w, territory)
    with w.platform.session() as s:
        return [P.public(p) for p in P.list_plans(s, entry, zone, w.access)]


@router.post(Z + "/plans", status_code=201, dependencies=CSRF, responses=ERRORS)
def create_plan(
    w: Annotated[Web, Depends(web)],
    territory: str,
    zone: str,
    data: PlanCreate,
    from_diagnosis: Annotated[
        bool, Query(description="draft the needs from the diagnosis")
    ] = False,
) -> PlanPublic:
    entry = _entry(w, territory)
    with w.platform.session(write=True) as s:
        p = P.create_plan(s, entry, zone, data, _ctx(w), lang=w.language)
        if from_diagnosis:
            N.draft_from_diagnosis(s, entry, p.id, _ctx(w))
        return P.public(p)


@router.get(Z + "/resources", responses=ERRORS)
def resources(
    w: Annotated[Web, Depends(web)],
    territory: str,
    zone: str,
    gp_norm: Annotated[
        float | None,
        Query(ge=0, le=10_000, description="GPs under 65 per 100,000 (default: the threshold)"),
    ] = None,
) -> ResourcesOut:
    """The zone's actors by sector and discipline; GPs under 65 missing against a norm (default:
    the shortage rule's threshold)."""
    entry = _entry(w, territory)
    norms = [N.Norm("gp_under65", gp_norm)] if gp_norm is not None else None
    with w.platform.session() as s:
        have, gaps = N.resources(s, entry, zone, w.access, norms)
    return ResourcesOut(
        available=[
            ResourceOut(sector=r.sector, discipline=r.discipline, actors=r.actors) for r in have
        ],
        missing=[
            GapOut(
                what=g.what,
                per_100k=g.per_100k,
                available=g.available,
                needed=g.needed,
                missing=g.missing,
            )
            for g in gaps
        ],
    )


@router.get("/plans/{plan_id}", responses=ERRORS)
def get_plan(w: Annotated[Web, Depends(web)], plan_id: RecordId) -> PlanDocument:
    """The whole plan (the JSON export)."""
    w.require_login()
    with w.platform.session() as s:
        return document(s, plan_id, w.access)


@router.get("/plans/{plan_id}/progress", responses=ERRORS)
def progress(w: Annotated[Web, Depends(web)], plan_id: RecordId) -> list[ProgressOut]:
    """Each indicator's targets and approved actuals by period (figures: analysts read them)."""
    w.require_login()
    with w.platform.session() as s:
        p = P.get_plan(s, plan_id, w.access, figures=True)
        rows = G.progress(s, p.id, approved_only=True)
        return [
            ProgressOut(
                indicator=r.indicator.key,
                name=r.indicator.name,
                unit=r.indicator.unit,
                item=r.item_key,
                periods=r.periods,
                targets=r.targets,
                actuals=r.actuals,
                off_target=r.off_target,
                worsening=r.worsening,
            )
            for r in rows
        ]


@router.patch("/plans/{plan_id}", dependencies=CSRF, responses=CONFLICT)
def update_plan(w: Annotated[Web, Depends(web)], plan_id: RecordId, data: PlanUpdate) -> PlanPublic:
    w.require_login()
    with w.platform.session(write=True) as s:
        return P.public(P.update_plan(s, plan_id, data, _ctx(w)))


@router.post("/plans/{plan_id}/adopt", dependencies=CSRF, responses=CONFLICT)
def adopt(w: Annotated[Web, Depends(web)], plan_id: RecordId, data: Adoption) -> PlanPublic:
    """Record that the plan, at ``version``, was adopted by a decision."""
    w.require_login()
    with w.platform.session(write=True) as s:
        return P.public(P.mark_adopted(s, plan_id, data.version, data.decision_ref, _ctx(w)))


@router.post("/plans/{plan_id}/items", status_code=201, dependencies=CSRF, responses=ERRORS)
def add_item(w: Annotated[Web, Depends(web)], plan_id: RecordId, data: ItemCreate) -> ItemOut:
    w.require_login()
    with w.platform.session(write=True) as s:
        return _item(P.add_item(s, plan_id, data, _ctx(w)))


@router.patch("/plan-items/{item_id}", dependencies=CSRF, responses=CONFLICT)
def update_item(w: Annotated[Web, Depends(web)], item_id: RecordId, data: ItemUpdate) -> ItemOut:
    w.require_login()
    with w.platform.session(write=True) as s:
        return _item(P.update_item(s, item_id, data, _ctx(w)))


@router.post(
    "/plan-indicators/{indicator_id}/actuals",
    status_code=201,
    dependencies=CSRF,
    responses=ERRORS,
)
def enter_actual(
    w: Annotated[Web, Depends(web)], indicator_id: RecordId, data: ActualCreate
) -> ActualOut:
    """A draft actual of a period (the period's draft or returned actual, changed)."""
    w.require_login()
    with w.platform.session(write=True) as s:
        return _actual(G.enter_actual(s, indicator_id, data, _ctx(w)))


@router.post("/plan-actuals/{actual_id}/submit", dependencies=CSRF, responses=CONFLICT)
def submit_actual(w: Annotated[Web, Depends(web)], actual_id: RecordId, data: Version) -> ActualOut:
    w.require_login()
    with w.platform.session(write=True) as s:
        return _actual(G.submit_actual(s, actual_id, data.version, _ctx(w)))


@router.post("/plan-actuals/{actual_id}/review", dependencies=CSRF, responses=CONFLICT)
def review_actual(w: Annotated[Web, Depends(web)], actual_id: RecordId, data: Review) -> ActualOut:
    """Approve or return (with a comment) a submitted actual."""
    w.require_login()
    with w.platform.session(write=True) as s:
        return _actual(G.review_actual(s, actual_id, data, _ctx(w)))
