"""World café workshop pages for the facilitator (a coordinator of the zone): the zone's
workshops and a new one (its case study written or drawn from a case), the facilitator's screen
(the join link and its QR code, participants, tables and hosts, the round, the pads updated live
by web.js polling ``live.json``, the harvest), and the printable summary in the workshop's
language. Participants' phones: :mod:`.cafe`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import ValidationError as PydanticError
from starlette.concurrency import run_in_threadpool

from mesocare.errors import MesocareError
from mesocare.i18n import _, use_locale
from mesocare.organisation import workshops as W
from mesocare.services.platform import workshop_harvest as H
from mesocare.services.platform import workshop_room as R
from mesocare.services.platform import workshops as S
from mesocare.services.platform.records import Ctx
from mesocare.web.deps import RecordId, Web, check_csrf, web
from mesocare.web.pages.cases import _message
from mesocare.web.pages.common import base, territory_crumbs, zone_links
from mesocare.web.qr import qr_svg
from mesocare.web.render import Page, render

router = APIRouter()
CSRF = [Depends(check_csrf)]
Z = "/t/{territory}/z/{zone}"


@dataclass
class WorkshopsPage(Page):
    territory: str = ""
    zone: str = ""
    workshops: list[Any] = field(default_factory=list)
    can_create: bool = False


@dataclass
class WorkshopNewPage(Page):
    territory: str = ""
    zone: str = ""
    case_id: int | None = None
    case_study: str = ""
    questions: list[str] = field(default_factory=list)
    language: str = "en"


@dataclass
class WorkshopPage(Page):
    workshop: W.WorkshopOut | None = None
    join_url: str | None = None
    qr: str | None = None
    plans: list[tuple[int, str]] = field(default_factory=list)
    #: the zone's grid cases this user may add a cell to, and their dimensions (key, label)
    grid_cases: list[tuple[int, str]] = field(default_factory=list)
    grid_dimensions: list[tuple[str, str]] = field(default_factory=list)
    question: str | None = None
    sectors: dict[str, str] = field(default_factory=dict)


@dataclass
class SummaryPage(Page):
    workshop: W.WorkshopOut | None = None
    sectors: dict[str, str] = field(default_factory=dict)


def _ctx(w: Web) -> Ctx:
    w.require_login()
    return Ctx(w.access, w.request_id)


def _zone_base(w: Web, territory: str, zone: str, title: str) -> dict[str, Any]:
    entry = w.platform.entry(territory)
    entry.require_zone(zone)
    return base(
        w,
        title,
        crumbs=territory_crumbs(entry, zone),
        zone_links=zone_links(w, entry, zone, "workshops"),
    )


@router.get(Z + "/workshops")
def workshops(w: Annotated[Web, Depends(web)], territory: str, zone: str) -> Response:
    w.require_login()
    entry = w.platform.entry(territory)
    with w.platform.session() as s:
        rows = S.list_workshops(s, entry, zone, w.access)
    page = WorkshopsPage(
        **_zone_base(w, territory, zone, _("Case workshops")),
        territory=entry.id,
        zone=zone,
        workshops=rows,
        can_create=S.can_facilitate(w.access, entry.id, zone),
    )
    return render("workshops.html.j2", page)


@router.get(Z + "/workshops/new")
def workshop_new(
    w: Annotated[Web, Depends(web)],
    territory: str,
    zone: str,
    case_id: Annotated[int | None, RecordId] = None,
    language: str = "",
) -> Response:
    ctx = _ctx(w)
    entry = w.platform.entry(territory)
    entry.require_zone(zone)
    w.require(S.can_facilitate(w.access, entry.id, zone))
    lang = language if language in ("nl", "fr", "en") else w.language
    study = ""
    if case_id is not None:
        with w.platform.session(write=True) as s:
            study = S.draft_from_case(s, case_id, ctx, lang)
    page = WorkshopNewPage(
        **_zone_base(w, territory, zone, _("A new case workshop")),
        territory=entry.id,
        zone=zone,
        case_id=case_id,
        case_study=study,
        questions=W.default_questions(lang),
        language=lang,
    )
    return render("workshop_new.html.j2", page)


def _form_values(form: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for k, v in form.multi_items():
        if k == "csrf_token" or not isinstance(v, str):
            continue
        v = v.strip()
        if k == "questions":
            values[k] = [q.strip() for q in v.splitlines() if q.strip()] or None
        elif v != "":
            values[k] = v
    return values


@router.post(Z + "/workshops", dependencies=CSRF)
async def workshop_create(
    request: Request, w: Annotated[Web, Depends(web)], territory: str, zone: str
) -> Response:
    ctx = _ctx(w)
    entry = w.platform.entry(territory)
    entry.require_zone(zone)
    w.require(S.can_facilitate(w.access, entry.id, zone))
    values = _form_values(await request.form())
    try:
        data = W.WorkshopCreate.model_validate(values)

        def save() -> int:
            with w.platform.session(write=True) as s:
                return S.create_workshop(s, entry, zone, data, ctx).id

        wid = await run_in_threadpool(save)
    except (MesocareError, PydanticError) as exc:
        page = WorkshopNewPage(
            **_zone_base(w, territory, zone, _("A new case workshop")),
            territory=entry.id,
            zone=zone,
            case_id=values.get("source_case_id"),
            case_study=str(values.get("case_study", "")),
            questions=values.get("questions") or W.default_questions(w.language),
            language=str(values.get("language", w.language)),
        )
        page.error = _message(exc)
        return render("workshop_new.html.j2", page, status=422)
    return RedirectResponse(f"/workshops/{wid}?message=created", status_code=303)


MESSAGES = {
    "created": "The workshop is ready. Open the join link, let the participants join, then "
    "start the first round.",
    "saved": "Saved.",
}


def _join_url(request: Request, secret: str) -> str:
    return str(request.base_url).rstrip("/") + f"/cafe/{secret}"


def workshop_page(
    w: Web, workshop_id: int, *, message: str = "", error: str | None = None, status: int = 200
) -> Response:
    ctx = _ctx(w)
    with w.platform.session() as s:
        row = S.facilitated(s, workshop_id, w.access)
        d = S.out(s, row)
        secret = R.join_secret(w.platform.data_dir, row)
        plans = H.zone_plans(s, row.id, ctx)
        grid_cases, grid_dimensions = H.grid_targets(s, row.id, ctx, w.language)
        question = S.question(row, row.current_round) if row.status == W.Status.RUNNING else None
    url = _join_url(w.request, secret) if secret else None
    page = WorkshopPage(
        **base(w, d.title, crumbs=territory_crumbs(w.platform.entry(d.territory), d.zone_code)),
        workshop=d,
        join_url=url,
        qr=qr_svg(url) if url else None,
        plans=plans,
        grid_cases=grid_cases,
        grid_dimensions=grid_dimensions,
        question=question,
        sectors={k: _(v) for k, v in W.SECTORS.items()},
    )
    page.message = _(MESSAGES[message]) if message in MESSAGES else None
    page.error = error
    return render("workshop.html.j2", page, status=status)


@router.get("/workshops/{workshop_id}")
def workshop_view(
    w: Annotated[Web, Depends(web)], workshop_id: RecordId, message: str = ""
) -> Response:
    return workshop_page(w, workshop_id, message=message[:20])


@router.get("/workshops/{workshop_id}/live.json")
def workshop_live(w: Annotated[Web, Depends(web)], workshop_id: RecordId) -> Response:
    w.require_login()
    with w.platform.session() as s:
        state = R.live(s, workshop_id, w.access)
    return JSONResponse(state, headers={"Cache-Control": "no-store"})


async def _post(
    request: Request, w: Web, workshop_id: int, model: Any, fn: Any, *args: Any
) -> Response:
    ctx = _ctx(w)
    values = _form_values(await request.form())
    try:
        data = model.model_validate(values) if model is not None else None

        def save() -> None:
            with w.platform.session(write=True) as s:
                fn(s, *args, *([data] if data is not None else []), ctx)

        await run_in_threadpool(save)
    except MesocareError as exc:
        if exc.__class__.__name__ in ("PermissionDeniedError", "NotFoundError"):
            raise
        error = _message(exc)
    except PydanticError as exc:
        error = _message(exc)
    else:
        return RedirectResponse(f"/workshops/{workshop_id}?message=saved", status_code=303)
    return await run_in_threadpool(lambda: workshop_page(w, workshop_id, error=error, status=422))


@router.post("/workshops/{workshop_id}/edit", dependencies=CSRF)
async def workshop_edit(request: Request, w: Annotated[Web, Depends(web)], workshop_id: RecordId):  # type: ignore[no-untyped-def]
    return await _post(request, w, workshop_id, W.WorkshopUpdate, S.update_workshop, workshop_id)


@router.post("/workshops/{workshop_id}/join-link", dependencies=CSRF)
async def workshop_join_link(
    request: Request, w: Annotated[Web, Depends(web)], workshop_id: RecordId
) -> Response:
    ctx = _ctx(w)
    form = await request.form()
    raw = str(form.get("hours") or W.DEFAULT_TOKEN_HOURS)
    hours = int(raw) if raw.isdigit() else 0

    def save() -> None:
        with w.platform.session(write=True) as s:
            R.open_join(s, w.platform.data_dir, workshop_id, ctx, hours)

    try:
        await run_in_threadpool(save)
    except MesocareError as exc:
        if exc.__class__.__name__ in ("PermissionDeniedError", "NotFoundError"):
            raise
        msg = _message(exc)
        return await run_in_threadpool(lambda: workshop_page(w, workshop_id, error=msg, status=422))
    return RedirectResponse(f"/workshops/{workshop_id}", status_code=303)


@router.post("/workshops/{workshop_id}/tables/{table_id}/host", dependencies=CSRF)
async def workshop_host(
    request: Request, w: Annotated[Web, Depends(web)], workshop_id: RecordId, table_id: RecordId
) -> Response:
    form = await request.form()
    raw = str(form.get("host_id") or "")

    def fn(s: Any, ctx: Ctx) -> None:
        S.facilitated(s, workshop_id, ctx.access)
        t = S.tables(s, workshop_id)
        if table_id not in {x.id for x in t}:
            raise S._absent(workshop_id)
        S.set_host(s, table_id, int(raw) if raw.isdigit() else None, ctx)

    return await _post(request, w, workshop_id, None, fn)


@router.post("/workshops/{workshop_id}/rotation", dependencies=CSRF)
async def workshop_rotation(
    request: Request, w: Annotated[Web, Depends(web)], workshop_id: RecordId
):  # type: ignore[no-untyped-def]
    return await _post(request, w, workshop_id, None, S.replan, workshop_id)


@router.post("/workshops/{workshop_id}/next", dependencies=CSRF)
async def workshop_next(request: Request, w: Annotated[Web, Depends(web)], workshop_id: RecordId):  # type: ignore[no-untyped-def]
    form = await request.form()
    raw = str(form.get("version") or "0")
    version = int(raw) if raw.isdigit() else 0

    def fn(s: Any, ctx: Ctx) -> None:
        S.next_round(s, workshop_id, version, ctx)

    return await _post(request, w, workshop_id, None, fn)


@router.post("/workshops/{workshop_id}/points", dependencies=CSRF)
async def workshop_point(request: Request, w: Annotated[Web, Depends(web)], workshop_id: RecordId):  # type: ignore[no-untyped-def]
    return await _post(request, w, workshop_id, W.PointIn, H.add_point, workshop_id)


@router.post("/workshops/{workshop_id}/pads/{pad_id}/harvest", dependencies=CSRF)
async def workshop_harvest(
    request: Request, w: Annotated[Web, Depends(web)], workshop_id: RecordId, pad_id: RecordId
) -> Response:
    def fn(s: Any, ctx: Ctx) -> None:
        S.facilitated(s, workshop_id, ctx.access)
        if pad_id not in {p.id for p in S.pads(s, workshop_id)}:
            raise S._absent(workshop_id)
        H.harvest_pad(s, pad_id, ctx)

    return await _post(request, w, workshop_id, None, fn)


@router.post("/workshops/{workshop_id}/points/{point_id}/to", dependencies=CSRF)
async def workshop_point_to(
    request: Request, w: Annotated[Web, Depends(web)], workshop_id: RecordId, point_id: RecordId
) -> Response:
    def fn(s: Any, data: W.PointTo, ctx: Ctx) -> None:
        row = S.facilitated(s, workshop_id, ctx.access)
        if point_id not in {p.id for p in S.points(s, workshop_id)}:
            raise S._absent(workshop_id)
        H.point_to(s, point_id, data, ctx, w.platform.entry(row.territory))

    return await _post(request, w, workshop_id, W.PointTo, fn)


@router.get("/workshops/{workshop_id}/summary")
def workshop_summary(w: Annotated[Web, Depends(web)], workshop_id: RecordId) -> Response:
    w.require_login()
    with w.platform.session() as s:
        d = S.out(s, S.get(s, workshop_id, w.access))
    with use_locale(d.language):
        page = SummaryPage(
            **base(w, _("Summary: {title}").format(title=d.title)),
            workshop=d,
            sectors={k: _(v) for k, v in W.SECTORS.items()},
        )
        return render("workshop_summary.html.j2", page)
