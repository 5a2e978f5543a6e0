"""``/api/v1/grid`` for the analysis grid: the readable cases (a filter by tag), one case with a
dated version's cells, a new version (optimistic locking on the case's version), the matrix of
cases × dimensions, and a template's dimensions."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel

from mesocare.organisation.grid import Cell, CellsUpdate, Dimension
from mesocare.services.platform import grid as G
from mesocare.services.platform import grid_views as V
from mesocare.services.platform.records import Ctx
from mesocare.web.api.v1 import CSRF, ERRORS, PROBLEM
from mesocare.web.deps import RecordId, Web, web

router = APIRouter(prefix="/api/v1/grid", tags=["grid"])
CONFLICT = {**ERRORS, 409: {"description": "Changed since that version", **PROBLEM}}
Tag = Annotated[str, Query(max_length=40, description="only the cases with this tag")]
Number = Annotated[int, Path(ge=1, le=100_000)]


class CaseOut(BaseModel):
    id: int
    title: str
    kind: str
    territory: str | None
    zone_code: str | None
    tags: list[str]
    description: str
    template_id: int
    latest: int
    version: int


class CaseVersionOut(BaseModel):
    case_id: int
    number: int
    dated: dt.date
    note: str
    template_version: int
    dimensions: list[Dimension]
    cells: dict[str, Cell]


class MatrixOut(BaseModel):
    dimensions: list[Dimension]
    cases: list[CaseOut]
    versions: list[int]
    cells: list[dict[str, Cell]]


class TemplateOut(BaseModel):
    id: int
    name: str
    version: int
    number: int
    dimensions: list[Dimension]


def _case(c: Any) -> CaseOut:
    return CaseOut(
        id=c.id,
        title=c.title,
        kind=c.kind,
        territory=c.territory,
        zone_code=c.zone_code,
        tags=list(c.tags),
        description=c.description,
        template_id=c.template_id,
        latest=c.latest,
        version=c.version,
    )


def _version(s: Any, c: Any, v: Any) -> CaseVersionOut:
    tv = s.get_one(G.GridTemplateVersion, v.template_version_id)
    return CaseVersionOut(
        case_id=c.id,
        number=v.number,
        dated=v.dated,
        note=v.note,
        template_version=tv.number,
        dimensions=G.dimensions(tv),
        cells=G.cells_of(v),
    )


@router.get("/cases", responses=ERRORS)
def list_cases(w: Annotated[Web, Depends(web)], tag: Tag = "") -> list[CaseOut]:
    w.require_login()
    with w.platform.session() as s:
        return [_case(c) for c in G.list_cases(s, w.access, tag=tag or None)]


@router.get("/cases/{grid_case_id}", responses=ERRORS)
def get_case(w: Annotated[Web, Depends(web)], grid_case_id: RecordId) -> CaseOut:
    w.require_login()
    with w.platform.session() as s:
        return _case(G.get_case(s, grid_case_id, w.access))


@router.get("/cases/{grid_case_id}/versions/{number}", responses=ERRORS)
def get_version(
    w: Annotated[Web, Depends(web)], grid_case_id: RecordId, number: Number
) -> CaseVersionOut:
    """A dated version of the case, with the dimensions of the template version it was filled
    with."""
    w.require_login()
    with w.platform.session() as s:
        c = G.get_case(s, grid_case_id, w.access)
        return _version(s, c, G.case_version(s, c, number))


@router.post(
    "/cases/{grid_case_id}/versions", status_code=201, dependencies=CSRF, responses=CONFLICT
)
def new_version(
    w: Annotated[Web, Depends(web)], grid_case_id: RecordId, data: CellsUpdate
) -> CaseVersionOut:
    """The case's next dated version: ``cells`` change (an empty cell clears one), the others
    are kept; ``version`` is the case's version one read."""
    w.require_login()
    with w.platform.session(write=True) as s:
        v = G.save_cells(s, grid_case_id, data, Ctx(w.access, w.request_id))
        return _version(s, s.get_one(G.GridCase, grid_case_id), v)


@router.get("/matrix", responses=ERRORS)
def matrix(w: Annotated[Web, Depends(web)], tag: Tag = "") -> MatrixOut:
    w.require_login()
    with w.platform.session() as s:
        m = V.matrix(s, G.list_cases(s, w.access, tag=tag or None))
        return MatrixOut(
            dimensions=m.columns,
            cases=[_case(c) for c in m.cases],
            versions=[v.number for v in m.versions],
            cells=m.cells,
        )


@router.get("/templates/{template_id}", responses=ERRORS)
def template(w: Annotated[Web, Depends(web)], template_id: RecordId) -> TemplateOut:
    w.require_login()
    with w.platform.session() as s:
        t = G.get_template(s, template_id, w.access)
        tv = G.template_version(s, t.id)
        return TemplateOut(
            id=t.id, name=t.name, version=t.version, number=tv.number, dimensions=G.dimensions(tv)
        )
