"""``/api/v1`` learning library: the vocabulary (themes, the EU Best Practice Portal's criteria),
practices of a territory (search in any language), record one in one's zone, adopt one into
one's plan, and a zone's suggestions (the zones strong where it is weak, and their practices).
The same services as the pages (:mod:`mesocare.web.pages.library`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from mesocare.organisation.library import (
    AdoptIn,
    Adoption,
    PracticeCreate,
    PracticePublic,
    Vocabulary,
    vocabulary,
)
from mesocare.services.platform import library as L
from mesocare.services.platform.records import Ctx
from mesocare.web.api.v1 import CSRF, ERRORS
from mesocare.web.deps import RecordId, Web, web

router = APIRouter(prefix="/api/v1", tags=["library"])
T = "/territories/{territory}/library/practices"


class Suggestion(BaseModel):
    dimension: str
    zone_code: str
    practice_ids: list[int]


def _ctx(w: Web) -> Ctx:
    return Ctx(w.access, w.request_id)


@router.get("/library/vocabulary", responses=ERRORS)
def library_vocabulary(w: Annotated[Web, Depends(web)]) -> Vocabulary:
    """The themes (one shared list, translated) and the EU Best Practice Portal's criteria."""
    w.require_login()
    return vocabulary()


@router.get(T, responses=ERRORS)
def list_practices(
    w: Annotated[Web, Depends(web)],
    territory: str,
    q: Annotated[str, Query(max_length=200)] = "",
    theme: Annotated[str, Query(max_length=40)] = "",
) -> list[PracticePublic]:
    """The territory's practices; ``q``: full-text search (every word, any language)."""
    w.require_login()
    entry = w.platform.entry(territory)
    with w.platform.session() as s:
        rows = (
            L.search(s, entry, w.access, q)
            if q.strip()
            else L.list_practices(s, entry, w.access, theme=theme or None)
        )
        return [L.public(s, p) for p in rows]


@router.post(
    "/territories/{territory}/zones/{zone}/library/practices",
    status_code=201,
    dependencies=CSRF,
    responses=ERRORS,
)
def create_practice(
    w: Annotated[Web, Depends(web)], territory: str, zone: str, data: PracticeCreate
) -> PracticePublic:
    w.require_login()
    entry = w.platform.entry(territory)
    with w.platform.session(write=True) as s:
        return L.public(s, L.create_practice(s, entry, zone, data, _ctx(w)))


@router.get("/library/practices/{library_id}", responses=ERRORS)
def get_practice(w: Annotated[Web, Depends(web)], library_id: RecordId) -> PracticePublic:
    w.require_login()
    with w.platform.session() as s:
        return L.public(s, L.get_practice(s, library_id, w.access))


@router.post(
    "/library/practices/{library_id}/adopt", status_code=201, dependencies=CSRF, responses=ERRORS
)
def adopt(w: Annotated[Web, Depends(web)], library_id: RecordId, data: AdoptIn) -> Adoption:
    """Draft actions in a plan of one's zone; the practice records who adopted it."""
    w.require_login()
    with w.platform.session(write=True) as s:
        a = L.adopt(s, library_id, data, _ctx(w), w.language)
        return Adoption(
            zone_code=a.zone_code,
            plan_id=a.plan_id,
            item_ids=a.item_ids,
            adopted_by=w.principal.email if w.principal else None,
        )


@router.get("/territories/{territory}/zones/{zone}/library/suggested", responses=ERRORS)
def suggested(w: Annotated[Web, Depends(web)], territory: str, zone: str) -> list[Suggestion]:
    """For each dimension the zone is weak on: the zones strong on it and their practices."""
    w.require_login()
    entry = w.platform.entry(territory)
    with w.platform.session() as s:
        got = L.suggestions(s, entry, zone, w.access)
    return [
        Suggestion(dimension=d, zone_code=z, practice_ids=[p.id for p in prs])
        for d, zones in got.items()
        for z, prs in zones
    ]
