"""A zone's governance: its bodies (a zorgraad, a CPTS's general assembly and board), a body's
composition checked against its rules and its members, its meetings, and a meeting's agenda with a
vote form per decision showing each cluster's tally and the outcome."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError as PydanticError
from starlette.concurrency import run_in_threadpool

from mesocare.errors import ConflictError, MesocareError
from mesocare.i18n import _
from mesocare.organisation.governance import kind_label, templates
from mesocare.organisation.governance_records import (
    BodyCreate,
    BodyPublic,
    BodyUpdate,
    ClusterPublic,
    MeetingCreate,
    MeetingPublic,
    MemberCreate,
    MemberPublic,
)
from mesocare.services.platform import TerritoryEntry
from mesocare.services.platform import actors as S
from mesocare.services.platform import governance as G
from mesocare.services.platform import governance_meetings as M
from mesocare.services.platform.records import Ctx
from mesocare.web.deps import RecordId, Web, check_csrf, web
from mesocare.web.pages.common import base, territory_crumbs, zone_links
from mesocare.web.render import Crumb, Page, render

router = APIRouter()
CSRF = [Depends(check_csrf)]
MESSAGES = {
    "created": _("Saved."),
    "saved": _("Saved."),
    "member": _("The member is seated."),
    "removed": _("The member has left the body."),
    "votes": _("The votes are recorded."),
}


@dataclass
class BodiesPage(Page):
    territory: str = ""
    zone: str = ""
    bodies: list[BodyPublic] = field(default_factory=list)
    can_manage: bool = False
    #: ("template/organ", label) of every organ of every template
    organs: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class BodyPage(Page):
    body: BodyPublic | None = None
    #: each cluster with its members
    clusters: list[tuple[ClusterPublic, list[MemberPublic]]] = field(default_factory=list)
    meetings: list[MeetingPublic] = field(default_factory=list)
    can_manage: bool = False
    actors: list[tuple[int, str]] = field(default_factory=list)
    actor_names: dict[int, str] = field(default_factory=dict)
    today: str = ""


def _ctx(w: Web) -> Ctx:
    return Ctx(w.access, w.request_id)


def _zone_page(w: Web, entry: TerritoryEntry, zone: str, title: str, **kw: Any) -> dict[str, Any]:
    return base(
        w,
        title,
        crumbs=kw.pop("crumbs", territory_crumbs(entry, zone)),
        zone_links=zone_links(w, entry, zone, "governance"),
        synthetic=entry.territory.manifest.synthetic,
        **kw,
    )


def _grouped(body: BodyPublic) -> list[tuple[ClusterPublic, list[MemberPublic]]]:
    return [(c, [m for m in body.members if m.cluster == c.cluster]) for c in body.clusters]


def _form(form: Any, *keys: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k in keys:
        v = form.get(k)
        if isinstance(v, str) and v.strip():
            out[k] = v.strip()
    return out


def _said(exc: MesocareError) -> str:
    """A refusal as the page shows it: the field is the form's, so not named again."""
    text = str(exc)
    column = getattr(exc, "column", None)
    return text.removeprefix(f"column '{column}': ") if column else text


def _invalid(exc: PydanticError) -> str:
    e = exc.errors()[0]
    where = ".".join(str(x) for x in e["loc"])
    return _("Please correct the field {field}: {message}").format(
        field=where, message=str(e["msg"]).removeprefix("Value error, ")
    )


# ----- the zone's bodies -----------------------------------------------------------------------
def _bodies_page(
    w: Web,
    entry: TerritoryEntry,
    zone: str,
    *,
    message: str = "",
    error: str | None = None,
    status: int = 200,
) -> Response:
    with w.platform.session() as s:
        bodies = [G.public(s, b) for b in G.list_bodies(s, entry, zone, w.access)]
    page = BodiesPage(
        **_zone_page(w, entry, zone, _("Governance of {zone}").format(zone=entry.unit_name(zone))),
        territory=entry.id,
        zone=zone,
        bodies=bodies,
        can_manage=w.access.can_manage_governance(entry.id, zone),
        organs=[(f"{t.name}/{o.id}", kind_label(t, o.id)) for t in templates() for o in t.organs],
    )
    page.message = MESSAGES.get(message)
    page.error = error
    return render("governance.html.j2", page, status=status)


@router.get("/t/{territory}/z/{zone}/governance")
def bodies(
    w: Annotated[Web, Depends(web)],
    territory: str,
    zone: str,
    message: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    w.require_login()
    entry = w.platform.entry(territory)
    entry.require_zone(zone)
    w.require(w.access.can_read_governance(entry.id, zone))
    return _bodies_page(w, entry, zone, message=message)


@router.post("/t/{territory}/z/{zone}/governance", dependencies=CSRF)
async def body_create(
    request: Request, w: Annotated[Web, Depends(web)], territory: str, zone: str
) -> Response:
    w.require_login()
    entry = w.platform.entry(territory)
    entry.require_zone(zone)
    w.require(w.access.can_manage_governance(entry.id, zone))
    form = _form(await request.form(), "organ", "name")
    tpl, _sep, organ = form.get("organ", "").partition("/")
    try:
        data = BodyCreate(template=tpl, organ=organ, name=form.get("name", ""))
    except PydanticError as exc:
        return _bodies_page(w, entry, zone, error=_invalid(exc), status=422)

    def save() -> int:
        with w.platform.session(write=True) as s:
            return G.create_body(s, entry, zone, data, _ctx(w)).id

    try:
        body_id = await run_in_threadpool(save)
    except MesocareError as exc:
        return _bodies_page(w, entry, zone, error=_said(exc), status=422)
    return RedirectResponse(f"/governance/bodies/{body_id}?message=created", status_code=303)


# ----- one body --------------------------------------------------------------------------------
def _body_page(
    w: Web, body_id: int, *, message: str = "", error: str | None = None, status: int = 200
) -> Response:
    with w.platform.session() as s:
        b = G.get_body(s, body_id, w.access)
        body = G.public(s, b)
        meetings = [M.meeting_public(s, m) for m in M.meetings_of(s, b.id)]
    entry = w.platform.entry(body.territory)
    can_manage = w.access.can_manage_governance(body.territory, body.zone_code)
    actors: list[tuple[int, str]] = []
    with w.platform.session() as s:
        rows, _n = S.list_actors(s, entry, body.zone_code, w.access, limit=500)
        actors = [(a.id, a.name) for a in rows]
    page = BodyPage(
        **_zone_page(
            w,
            entry,
            body.zone_code,
            body.name,
            crumbs=[
                *territory_crumbs(entry, body.zone_code),
                Crumb(f"/t/{entry.id}/z/{body.zone_code}/governance", _("Governance")),
            ],
        ),
        body=body,
        clusters=_grouped(body),
        meetings=meetings,
        can_manage=can_manage,
        actors=actors,
        actor_names=dict(actors),
        today=date.today().isoformat(),
    )
    page.message = MESSAGES.get(message)
    page.error = error
    return render("governance_body.html.j2", page, status=status)


@router.get("/governance/bodies/{body_id}")
def body(
    w: Annotated[Web, Depends(web)],
    body_id: RecordId,
    message: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    w.require_login()
    return _body_page(w, body_id, message=message)


async def _manage_body(w: Web, body_id: int) -> BodyPublic:
    w.require_login()

    def load() -> BodyPublic:
        with w.platform.session() as s:
            return G.public(s, G.get_body(s, body_id, w.access))

    b = await run_in_threadpool(load)
    w.require(w.access.can_manage_governance(b.territory, b.zone_code))
    return b


async def _save(w: Web, body_id: int, fn: Any, done: str) -> Response:
    """Run a change; back to the body's page with its message, or the page with the error."""

    def run() -> Any:
        with w.platform.session(write=True) as s:
            return fn(s)

    try:
        await run_in_threadpool(run)
    except MesocareError as exc:
        error, status = _said(exc), 409 if isinstance(exc, ConflictError) else 422
        return await run_in_threadpool(lambda: _body_page(w, body_id, error=error, status=status))
    return RedirectResponse(f"/governance/bodies/{body_id}?message={done}", status_code=303)


@router.post("/governance/bodies/{body_id}/seats", dependencies=CSRF)
async def body_seats(
    request: Request, w: Annotated[Web, Depends(web)], body_id: RecordId
) -> Response:
    b = await _manage_body(w, body_id)
    form = await request.form()
    try:
        data = BodyUpdate.model_validate(
            {
                "version": form.get("version"),
                "seats": {c.cluster: form.get(f"seats-{c.cluster}") for c in b.clusters},
            }
        )
    except PydanticError as exc:
        return _body_page(w, body_id, error=_invalid(exc), status=422)
    return await _save(w, body_id, lambda s: G.update_body(s, body_id, data, _ctx(w)), "saved")


@router.post("/governance/bodies/{body_id}/members", dependencies=CSRF)
async def member_add(
    request: Request, w: Annotated[Web, Depends(web)], body_id: RecordId
) -> Response:
    await _manage_body(w, body_id)
    values = _form(await request.form(), "cluster", "name", "organisation", "actor_id", "since")
    try:
        data = MemberCreate.model_validate(values)
    except PydanticError as exc:
        return _body_page(w, body_id, error=_invalid(exc), status=422)
    return await _save(w, body_id, lambda s: G.add_member(s, body_id, data, _ctx(w)), "member")


@router.post("/governance/members/{member_id}/delete", dependencies=CSRF)
async def member_remove(
    request: Request, w: Annotated[Web, Depends(web)], member_id: RecordId
) -> Response:
    def load() -> MemberPublic:
        with w.platform.session() as s:
            return G.member_public(G.get_member(s, member_id, w.access))

    w.require_login()
    m = await run_in_threadpool(load)
    await _manage_body(w, m.body_id)
    form = await request.form()
    try:
        version = int(str(form.get("version")))
    except ValueError:
        version = -1
    return await _save(
        w, m.body_id, lambda s: G.remove_member(s, member_id, version, _ctx(w)), "removed"
    )


@router.post("/governance/bodies/{body_id}/meetings", dependencies=CSRF)
async def meeting_create(
    request: Request, w: Annotated[Web, Depends(web)], body_id: RecordId
) -> Response:
    await _manage_body(w, body_id)
    values = _form(await request.form(), "held_on", "title", "place")
    try:
        data = MeetingCreate.model_validate(values)
    except PydanticError as exc:
        return _body_page(w, body_id, error=_invalid(exc), status=422)

    def save() -> int:
        with w.platform.session(write=True) as s:
            return M.create_meeting(s, body_id, data, _ctx(w)).id

    try:
        meeting_id = await run_in_threadpool(save)
    except MesocareError as exc:
        return _body_page(w, body_id, error=_said(exc), status=422)
    return RedirectResponse(f"/governance/meetings/{meeting_id}?message=created", status_code=303)
