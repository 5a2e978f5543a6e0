"""``/api/v1``: territories, zones with key figures, a zone's diagnosis, actors (paged, with
optimistic locking), their history, CSV import and export, members and grants, the audit log.

Errors are ``application/problem+json`` naming the field (see :mod:`mesocare.web.errors`).
"""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

from fastapi import APIRouter, Depends, File, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from mesocare.errors import NotFoundError, ValidationError
from mesocare.i18n import _
from mesocare.organisation.actors import ActorCreate, ActorPublic, ActorUpdate
from mesocare.organisation.roles import Grant, Role, Scope
from mesocare.services.diagnosis import ZoneDiagnosis
from mesocare.services.platform import TerritoryEntry, audit
from mesocare.services.platform import accounts as A
from mesocare.services.platform import actors as S
from mesocare.services.platform import actors_csv as CSV
from mesocare.services.platform.audit import AuditEntry
from mesocare.web.deps import RecordId, Web, check_csrf, web
from mesocare.web.pages.actors import read_upload

router = APIRouter(prefix="/api/v1", tags=["api"])
T = TypeVar("T")
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
Limit = Annotated[int, Query(ge=1, le=500)]
CSRF = [Depends(check_csrf)]

PROBLEM = {
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
}
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not logged in", **PROBLEM},
    403: {"description": "Not allowed", **PROBLEM},
    404: {"description": "Not found", **PROBLEM},
    422: {"description": "Invalid input", **PROBLEM},
}


class Problem(BaseModel):
    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    request_id: str | None = None
    field: str | None = None


class PageOf(BaseModel, Generic[T]):
    items: list[T]
    total: int
    offset: int
    limit: int


class Me(BaseModel):
    id: int
    email: str
    display_name: str | None
    language: str | None
    grants: list[Grant]


class DiagnosisStatus(BaseModel):
    state: str
    done: int
    total: int
    error: str | None


class TerritoryOut(BaseModel):
    id: str
    name: str
    synthetic: bool
    reference_year: int
    zones: int
    diagnoses: DiagnosisStatus


class KeyFigure(BaseModel):
    indicator: str
    value: float | None
    region_value: float | None


class ZoneOut(BaseModel):
    code: str
    name: str
    networks: list[str]
    key_figures: list[KeyFigure]


class MemberOut(BaseModel):
    grant_id: int
    email: str
    role: Role
    scope: Scope


class GrantIn(BaseModel):
    email: str = Field(max_length=254)
    role: Role
    unit: str = Field(max_length=100, description="the zone or one of its networks")


class ImportResult(BaseModel):
    imported: int


KEY_FIGURES = ("population", "share_65plus", "gp_per_1000", "gp_under65_per_100k")


def _entry(w: Web, territory: str) -> TerritoryEntry:
    w.require_login()
    entry = w.platform.entry(territory)
    w.require(w.access.can_read_territory(entry.id))
    return entry


def _status(entry: TerritoryEntry) -> DiagnosisStatus:
    p = entry.progress
    return DiagnosisStatus(state=p.state, done=p.done, total=p.total, error=p.error)


@router.get("/me", responses=ERRORS)
async def me(w: Annotated[Web, Depends(web)]) -> Me:
    p = w.require_login()
    return Me(
        id=p.user_id,
        email=p.email,
        display_name=p.display_name,
        language=p.language,
        grants=list(p.grants),
    )


@router.get("/territories", responses=ERRORS)
async def territories(w: Annotated[Web, Depends(web)]) -> list[TerritoryOut]:
    w.require_login()
    return [
        TerritoryOut(
            id=e.id,
            name=e.name,
            synthetic=e.territory.manifest.synthetic,
            reference_year=e.territory.manifest.reference_year,
            zones=len(e.zones),
            diagnoses=_status(e),
        )
        for e in w.platform.territories.values()
        if w.access.can_read_territory(e.id)
    ]


@router.get("/territories/{territory}/status", responses=ERRORS)
async def territory_status(w: Annotated[Web, Depends(web)], territory: str) -> DiagnosisStatus:
    return _status(_entry(w, territory))


@router.get("/territories/{territory}/zones", responses=ERRORS)
async def zones(
    w: Annotated[Web, Depends(web)],
    territory: str,
    offset: Offset = 0,
    limit: Limit = 100,
    q: Annotated[str, Query(max_length=100)] = "",
) -> PageOf[ZoneOut]:
    entry = _entry(w, territory)
    codes = entry.find_zones(q, lambda z: w.access.can_read_figures(entry.id, z))
    diagnoses = entry.diagnoses()
    items = []
    for z in codes[offset : offset + limit]:
        d = diagnoses.get(z)
        figures = []
        for iid in KEY_FIGURES:
            f = d.finding(iid) if d else None
            figures.append(
                KeyFigure(
                    indicator=iid,
                    value=f.value if f else None,
                    region_value=f.region_value if f else None,
                )
            )
        items.append(
            ZoneOut(
                code=z,
                name=entry.unit_name(z),
                networks=entry.networks_by_zone.get(z, []),
                key_figures=figures,
            )
        )
    return PageOf(items=items, total=len(codes), offset=offset, limit=limit)


@router.get(
    "/territories/{territory}/zones/{zone}/diagnosis",
    response_model=ZoneDiagnosis,
    responses={**ERRORS, 503: {"description": "Still being computed", **PROBLEM}},
)
async def diagnosis(w: Annotated[Web, Depends(web)], territory: str, zone: str) -> Response:
    """The zone's ``ZoneDiagnosis`` (its JSON Schema: ``mesocare diagnose --schema``)."""
    entry = _entry(w, territory)
    entry.require_zone(zone)
    w.require(w.access.can_read_figures(entry.id, zone))
    key = ("diagnosis-json", entry.id, entry.digest, zone)
    # kept: from the event loop; else encoded (or, with --no-cache, computed) in a worker thread
    body = w.platform_views.peek(key) if entry.cache else None
    if body is None:
        body = await run_in_threadpool(_diagnosis_body, w, entry, zone, key)
    if body is None:
        from mesocare.web.errors import problem

        return problem(
            503,
            _("Not ready"),
            _("the diagnoses are being computed"),
            w.request,
            status_detail=_status(entry).model_dump(),
        )
    return Response(body, media_type="application/json")


def _diagnosis_body(w: Web, entry: TerritoryEntry, zone: str, key: tuple) -> bytes | None:
    if not entry.cache:
        return _diagnosis_json(entry, zone)
    return w.platform_views.get(key, lambda: _diagnosis_json(entry, zone))


def _diagnosis_json(entry: TerritoryEntry, zone: str) -> bytes | None:
    d = entry.diagnosis(zone)
    return d.model_dump_json().encode() if d is not None else None


@router.get("/territories/{territory}/zones/{zone}/actors", responses=ERRORS)
def list_actors(
    w: Annotated[Web, Depends(web)],
    territory: str,
    zone: str,
    offset: Offset = 0,
    limit: Limit = 50,
    q: Annotated[str, Query(max_length=100)] = "",
    network: Annotated[str, Query(max_length=100)] = "",
) -> PageOf[ActorPublic]:
    entry = _entry(w, territory)
    with w.platform.session() as s:
        rows, total = S.list_actors(
            s,
            entry,
            zone,
            w.access,
            q=q or None,
            network=network or None,
            offset=offset,
            limit=limit,
        )
    return PageOf(items=rows, total=total, offset=offset, limit=limit)


@router.post(
    "/territories/{territory}/zones/{zone}/actors",
    status_code=201,
    dependencies=CSRF,
    responses=ERRORS,
)
def create_actor(
    w: Annotated[Web, Depends(web)], territory: str, zone: str, data: ActorCreate
) -> ActorPublic:
    entry = _entry(w, territory)
    with w.platform.session(write=True) as s:
        a = S.create_actor(s, entry, zone, data, S.Ctx(w.access, w.request_id))
        return S.public(a)


@router.get("/actors/{actor_id}", responses=ERRORS)
def get_actor(w: Annotated[Web, Depends(web)], actor_id: RecordId) -> ActorPublic:
    w.require_login()
    with w.platform.session() as s:
        return S.public(S.get_actor(s, actor_id, w.access))


@router.patch(
    "/actors/{actor_id}",
    dependencies=CSRF,
    responses={**ERRORS, 409: {"description": "Changed since that version", **PROBLEM}},
)
def update_actor(
    w: Annotated[Web, Depends(web)], actor_id: RecordId, data: ActorUpdate
) -> ActorPublic:
    """Change the fields given; ``version`` is the version the change was made on (409 if stale)."""
    w.require_login()
    with w.platform.session(write=True) as s:
        a = S.get_actor(s, actor_id, w.access)
        entry = w.platform.entry(a.territory)
        return S.public(S.update_actor(s, entry, actor_id, data, S.Ctx(w.access, w.request_id)))


@router.delete(
    "/actors/{actor_id}",
    status_code=204,
    dependencies=CSRF,
    responses={**ERRORS, 409: {"description": "Changed since that version", **PROBLEM}},
)
def delete_actor(
    w: Annotated[Web, Depends(web)],
    actor_id: RecordId,
    version: Annotated[int, Query(ge=1, le=2**31 - 1)],
) -> Response:
    w.require_login()
    with w.platform.session(write=True) as s:
        S.delete_actor(s, actor_id, version, S.Ctx(w.access, w.request_id))
    return Response(status_code=204)


@router.get("/actors/{actor_id}/history", responses=ERRORS)
def actor_history(w: Annotated[Web, Depends(web)], actor_id: RecordId) -> list[AuditEntry]:
    w.require_login()
    with w.platform.session() as s:
        return S.history(s, actor_id, w.access)


@router.get(
    "/territories/{territory}/zones/{zone}/actors.csv",
    responses={**ERRORS, 200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
    response_class=Response,
)
def export_actors(w: Annotated[Web, Depends(web)], territory: str, zone: str) -> Response:
    entry = _entry(w, territory)
    with w.platform.session() as s:
        text = CSV.export_csv(s, entry, zone, w.access)
    return Response(text, media_type="text/csv; charset=utf-8")


@router.post(
    "/territories/{territory}/zones/{zone}/actors/import",
    dependencies=CSRF,
    responses={
        **ERRORS,
        413: {"description": "Too large", **PROBLEM},
        415: {"description": "Not CSV", **PROBLEM},
    },
)
async def import_actors(
    w: Annotated[Web, Depends(web)], territory: str, zone: str, file: Annotated[UploadFile, File()]
) -> ImportResult:
    """Import a CSV of actors (columns as the export): every row or none."""
    entry = _entry(w, territory)
    entry.require_zone(zone)
    w.require(w.access.can_edit_records(entry.id, zone))
    data = await read_upload(file)

    def load() -> int:
        with w.platform.session(write=True) as s:
            return CSV.import_csv(
                s,
                entry,
                zone,
                data,
                S.Ctx(w.access, w.request_id),
                file=file.filename or "upload.csv",
            )

    return ImportResult(imported=await run_in_threadpool(load))


@router.get("/territories/{territory}/zones/{zone}/members", responses=ERRORS)
def zone_members(w: Annotated[Web, Depends(web)], territory: str, zone: str) -> list[MemberOut]:
    entry = _entry(w, territory)
    entry.require_zone(zone)
    w.require(w.access.can_manage_members(entry.id, zone))
    with w.platform.session() as s:
        rows = A.members(s, entry.id, {zone, *entry.networks_by_zone.get(zone, [])})
        return [
            MemberOut(
                grant_id=g.id,
                email=u.email,
                role=Role(g.role),
                scope=Scope(territory=g.territory, unit=g.unit),
            )
            for g, u in rows
        ]


@router.post(
    "/territories/{territory}/zones/{zone}/members",
    status_code=201,
    dependencies=CSRF,
    responses=ERRORS,
)
def grant_role(
    w: Annotated[Web, Depends(web)], territory: str, zone: str, data: GrantIn
) -> MemberOut:
    """Give an existing user a role on the zone or one of its networks."""
    entry = _entry(w, territory)
    entry.require_zone(zone)
    w.require(w.access.can_manage_members(entry.id, zone))
    if data.unit not in {zone, *entry.networks_by_zone.get(zone, [])}:
        raise ValidationError(_("not a unit of this zone"), column="unit", found=data.unit)
    scope = Scope(territory=entry.id, unit=data.unit)
    with w.platform.session(write=True) as s:
        g = A.grant(s, data.email, data.role, scope, access=w.access, request_id=w.request_id)
        return MemberOut(grant_id=g.id, email=g.user.email, role=Role(g.role), scope=scope)


@router.delete(
    "/territories/{territory}/zones/{zone}/members/{grant_id}",
    status_code=204,
    dependencies=CSRF,
    responses=ERRORS,
)
def revoke_role(
    w: Annotated[Web, Depends(web)], territory: str, zone: str, grant_id: RecordId
) -> Response:
    entry = _entry(w, territory)
    entry.require_zone(zone)
    w.require(w.access.can_manage_members(entry.id, zone))
    with w.platform.session(write=True) as s:
        ids = {
            g.id for g, _u in A.members(s, entry.id, {zone, *entry.networks_by_zone.get(zone, [])})
        }
        if grant_id not in ids:
            raise NotFoundError(_("no role grant {id} in this zone").format(id=grant_id))
        A.revoke(s, grant_id, access=w.access, request_id=w.request_id)
    return Response(status_code=204)


@router.get("/audit", responses=ERRORS)
def audit_log(
    w: Annotated[Web, Depends(web)], offset: Offset = 0, limit: Limit = 50
) -> PageOf[AuditEntry]:
    w.require_login()
    w.require(w.access.can_read_audit_log())
    with w.platform.session() as s:
        entries, total = audit.log_page(s, offset=offset, limit=limit)
    return PageOf(items=entries, total=total, offset=offset, limit=limit)
