"""The learning library: the territory's practices (search in any language, filter by theme), a
zone's own practices with the zones strong where it is weak, one practice (its outcomes, lessons,
self-assessment and adoptions) with the form to adopt it into one's plan. The same services as
the API (:mod:`mesocare.web.api.library`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError as PydanticError
from starlette.concurrency import run_in_threadpool

from mesocare.errors import MesocareError, NotFoundError, PermissionDeniedError
from mesocare.i18n import _
from mesocare.organisation.library import (
    AdoptIn,
    PracticeCreate,
    PracticePublic,
    PracticeStatus,
    Vocabulary,
    vocabulary,
)
from mesocare.organisation.maturity import Framework, load_shipped
from mesocare.services.platform import TerritoryEntry
from mesocare.services.platform import library as L
from mesocare.services.platform import plans as P
from mesocare.services.platform.records import Ctx
from mesocare.web.deps import RecordId, Web, check_csrf, web
from mesocare.web.pages.common import base, territory_crumbs, zone_links
from mesocare.web.pages.governance import _invalid, _said
from mesocare.web.render import Crumb, Page, render

router = APIRouter()
CSRF = [Depends(check_csrf)]
STATUS_LABELS = {
    PracticeStatus.EMERGING: _("emerging"),
    PracticeStatus.PROMISING: _("promising"),
    PracticeStatus.LEADING: _("leading"),
    PracticeStatus.STOPPED: _("stopped"),
}
RATING_LABELS = {
    "met": _("met"),
    "partly": _("partly met"),
    "not_met": _("not met"),
    "not_applicable": _("not applicable"),
}
MESSAGES = {"created": _("Saved."), "adopted": _("The practice is in your plan as draft actions.")}


@dataclass
class LibraryPage(Page):
    territory: str = ""
    zone: str = ""
    q: str = ""
    theme: str = ""
    practices: list[PracticePublic] = field(default_factory=list)
    vocabulary: Vocabulary | None = None
    framework: Framework | None = None
    lang: str = "en"
    status_labels: dict[str, str] = field(default_factory=dict)
    rating_labels: dict[str, str] = field(default_factory=dict)
    can_record: bool = False
    #: dimension → [(zone name, practices)]
    suggestions: list[tuple[str, list[tuple[str, list[PracticePublic]]]]] = field(
        default_factory=list
    )
    names: dict[str, str] = field(default_factory=dict)
    #: (indicator id, label) of the zone's findings, for an outcome
    findings: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class PracticePage(Page):
    practice: PracticePublic | None = None
    vocabulary: Vocabulary | None = None
    framework: Framework | None = None
    lang: str = "en"
    status_labels: dict[str, str] = field(default_factory=dict)
    rating_labels: dict[str, str] = field(default_factory=dict)
    #: plans one may adopt into: (id, "zone · title")
    plans: list[tuple[int, str]] = field(default_factory=list)
    zone_name: str = ""


def _ctx(w: Web) -> Ctx:
    return Ctx(w.access, w.request_id)


def _common(w: Web) -> dict[str, Any]:
    return {
        "vocabulary": vocabulary(),
        "framework": load_shipped("mesocare-integration"),
        "lang": w.language,
        "status_labels": {k.value: v for k, v in STATUS_LABELS.items()},
        "rating_labels": RATING_LABELS,
    }


@router.get("/t/{territory}/library")
def library(
    w: Annotated[Web, Depends(web)],
    territory: str,
    q: Annotated[str, Query(max_length=200)] = "",
    theme: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    w.require_login()
    entry = w.platform.entry(territory)
    with w.platform.session() as s:
        rows = (
            L.search(s, entry, w.access, q)
            if q.strip()
            else L.list_practices(s, entry, w.access, theme=theme or None)
        )
        practices = [L.public(s, p) for p in rows]
    page = LibraryPage(
        **base(w, _("Learning library"), crumbs=territory_crumbs(entry)),
        territory=entry.id,
        q=q,
        theme=theme,
        practices=practices,
        names={z: entry.unit_name(z) for z in entry.zones},
        **_common(w),
    )
    return render("library.html.j2", page)


def _zone_page(
    w: Web, entry: TerritoryEntry, zone: str, *, error: str | None = None, status: int = 200
) -> Response:
    with w.platform.session() as s:
        practices = [L.public(s, p) for p in L.list_practices(s, entry, w.access, zone=zone)]
        got = L.suggestions(s, entry, zone, w.access)
        suggestions = [
            (d, [(entry.unit_name(z), [L.public(s, p) for p in prs]) for z, prs in zones])
            for d, zones in got.items()
        ]
    page = LibraryPage(
        **base(
            w,
            _("Practices of {zone}").format(zone=entry.unit_name(zone)),
            crumbs=territory_crumbs(entry, zone),
            zone_links=zone_links(w, entry, zone, "library"),
            synthetic=entry.territory.manifest.synthetic,
        ),
        territory=entry.id,
        zone=zone,
        practices=practices,
        can_record=w.access.can_edit_records(entry.id, zone),
        suggestions=suggestions,
        names={z: entry.unit_name(z) for z in entry.zones},
        findings=L.finding_choices(entry, zone),
        **_common(w),
    )
    page.error = error
    return render("library_zone.html.j2", page, status=status)


@router.get("/t/{territory}/z/{zone}/library")
def zone_library(w: Annotated[Web, Depends(web)], territory: str, zone: str) -> Response:
    w.require_login()
    entry = w.platform.entry(territory)
    entry.require_zone(zone)
    w.require(w.access.can_read_zone(entry.id, zone))
    return _zone_page(w, entry, zone)


@router.post("/t/{territory}/z/{zone}/library", dependencies=CSRF)
async def practice_create(
    request: Request, w: Annotated[Web, Depends(web)], territory: str, zone: str
) -> Response:
    w.require_login()
    entry = w.platform.entry(territory)
    entry.require_zone(zone)
    w.require(w.access.can_edit_records(entry.id, zone))
    form = await request.form()

    def one(k: str) -> str:
        v = form.get(k)
        return v.strip() if isinstance(v, str) else ""

    values: dict[str, Any] = {
        k: one(k)
        for k in (
            "title",
            "target_group",
            "actors_resources",
            "what_was_done",
            "lessons",
            "contacts",
            "status",
        )
        if one(k)
    }
    values["themes"] = [v for v in form.getlist("themes") if isinstance(v, str)]
    values["dimensions"] = [v for v in form.getlist("dimensions") if isinstance(v, str)]
    values["self_assessment"] = {
        c.key: {"rating": one(f"bpp-{c.key}")}
        for c in vocabulary().bpp.criteria
        if one(f"bpp-{c.key}")
    }
    if one("outcome_indicator"):
        labels = dict(L.finding_choices(entry, zone))
        values["outcomes"] = [
            {
                "indicator": labels.get(one("outcome_indicator"), one("outcome_indicator")),
                "indicator_id": one("outcome_indicator"),
                "before": one("outcome_before") or None,
            }
        ]
    try:
        data = PracticeCreate.model_validate(values)
    except PydanticError as exc:
        return _zone_page(w, entry, zone, error=_invalid(exc), status=422)

    def save() -> int:
        with w.platform.session(write=True) as s:
            return L.create_practice(s, entry, zone, data, _ctx(w)).id

    try:
        pid = await run_in_threadpool(save)
    except (PermissionDeniedError, NotFoundError):
        raise
    except MesocareError as exc:
        return _zone_page(w, entry, zone, error=_said(exc), status=422)
    return RedirectResponse(f"/library/{pid}?message=created", status_code=303)


def _practice_page(
    w: Web, library_id: int, *, message: str = "", error: str | None = None, status: int = 200
) -> Response:
    with w.platform.session() as s:
        p = L.public(s, L.get_practice(s, library_id, w.access))
        entry = w.platform.entry(p.territory)
        plans = [
            (pl.id, f"{entry.unit_name(z)} · {pl.title}")
            for z in entry.zones
            if w.access.can_edit_plan(entry.id, z)
            for pl in P.list_plans(s, entry, z, w.access)
        ]
    page = PracticePage(
        **base(
            w,
            p.title,
            crumbs=[
                *territory_crumbs(entry),
                Crumb(f"/t/{entry.id}/library", _("Learning library")),
            ],
        ),
        practice=p,
        plans=plans[:200],
        zone_name=entry.unit_name(p.zone_code),
        **_common(w),
    )
    page.message = MESSAGES.get(message)
    page.error = error
    return render("library_practice.html.j2", page, status=status)


@router.get("/library/{library_id}")
def practice(
    w: Annotated[Web, Depends(web)],
    library_id: RecordId,
    message: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    w.require_login()
    return _practice_page(w, library_id, message=message)


@router.post("/library/{library_id}/adopt", dependencies=CSRF)
async def adopt(
    request: Request, w: Annotated[Web, Depends(web)], library_id: RecordId
) -> Response:
    w.require_login()
    form = await request.form()
    actions = form.get("actions")
    try:
        data = AdoptIn.model_validate(
            {
                "plan_id": form.get("plan_id"),
                "actions": [
                    line.strip()
                    for line in (actions if isinstance(actions, str) else "").splitlines()
                    if line.strip()
                ],
            }
        )
    except PydanticError as exc:
        return _practice_page(w, library_id, error=_invalid(exc), status=422)

    def save() -> None:
        with w.platform.session(write=True) as s:
            L.adopt(s, library_id, data, _ctx(w), w.language)

    try:
        await run_in_threadpool(save)
    except (PermissionDeniedError, NotFoundError):
        raise
    except MesocareError as exc:
        return _practice_page(w, library_id, error=_said(exc), status=422)
    return RedirectResponse(f"/library/{library_id}?message=adopted", status_code=303)
