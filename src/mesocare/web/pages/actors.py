"""A zone's care and welfare actors and its vicinity networks: list, map, add, edit (with the
conflict of a stale version shown), delete, history, CSV import and export."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

import pandas as pd
import plotly.io as pio
from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError as PydanticError
from pyproj import Transformer

from mesocare.errors import ConflictError, MesocareError
from mesocare.i18n import _, fmt_int
from mesocare.organisation.actors import ActorCreate, ActorPublic, ActorUpdate
from mesocare.reports.maps import choropleth, xy_points
from mesocare.reports.sections.geo import ZoneGeometry
from mesocare.services.platform import TerritoryEntry
from mesocare.services.platform import actors as S
from mesocare.services.platform import actors_csv as CSV
from mesocare.services.platform.audit import AuditEntry
from mesocare.territory.schema import Discipline
from mesocare.web import words
from mesocare.web.deps import RecordId, Web, check_csrf, web
from mesocare.web.pages.common import base, territory_crumbs, zone_links
from mesocare.web.render import Page, render

router = APIRouter()
PAGE_SIZE = 50
FIELDS = (
    "name",
    "organisation",
    "sector",
    "discipline",
    "address",
    "latitude",
    "longitude",
    "network_code",
    "contact",
    "assignee",
)


@dataclass
class ActorsPage(Page):
    territory: str = ""
    zone: str = ""
    actors: list[ActorPublic] = field(default_factory=list)
    total: int = 0
    offset: int = 0
    limit: int = PAGE_SIZE
    query: str = ""
    network: str = ""
    networks: list[tuple[str, str]] = field(default_factory=list)
    can_edit: bool = False
    map_src: str = ""


@dataclass(frozen=True)
class Difference:
    """One field of a record in a conflict: its value now, and in the user's form."""

    label: str
    now: str
    yours: str

    @property
    def differs(self) -> bool:
        return self.now != self.yours


@dataclass
class ActorFormPage(Page):
    territory: str = ""
    zone: str = ""
    action: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    version: int | None = None
    actor_id: int | None = None
    networks: list[tuple[str, str]] = field(default_factory=list)
    disciplines: list[str] = field(default_factory=list)
    field_errors: dict[str, str] = field(default_factory=dict)
    conflict: ActorPublic | None = None
    #: in a conflict, each field as it is now and as in the form
    differences: list[Difference] = field(default_factory=list)
    can_delete: bool = False
    #: a coordinator assigns the record to a member of the zone, who may then edit it
    can_assign: bool = False
    assignees: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class HistoryPage(Page):
    entries: list[AuditEntry] = field(default_factory=list)
    back: str = ""


def _networks(entry: TerritoryEntry, zone: str) -> list[tuple[str, str]]:
    return [(n, entry.unit_name(n)) for n in entry.networks_by_zone.get(zone, [])]


COMPARED = (
    "name",
    "organisation",
    "discipline",
    "sector",
    "address",
    "latitude",
    "longitude",
    "network_code",
    "contact",
)


def _shown(entry: TerritoryEntry, key: str, value: Any) -> str:
    """A field's value as the conflict box shows it (codes as their labels)."""
    value = getattr(value, "value", value)
    if value is None or value == "":
        return "–"
    if key == "discipline":
        return words.discipline_label(value)
    if key == "sector":
        return words.sector_label(value)
    if key == "network_code":
        return f"{entry.unit_name(str(value))} ({value})"
    if key in ("latitude", "longitude"):
        try:
            return f"{float(value):.6f}"
        except ValueError:
            return str(value)
    return str(value)


def _differences(
    entry: TerritoryEntry, now: ActorPublic, values: dict[str, Any]
) -> list[Difference]:
    out = []
    for key in COMPARED:
        yours = values.get(key)
        if key == "sector" and yours is None:
            yours = getattr(now, key)  # "from the discipline": left as it is
        out.append(
            Difference(
                words.field_label(key),
                _shown(entry, key, getattr(now, key)),
                _shown(entry, key, yours),
            )
        )
    return out


def _zone_page(w: Web, entry: TerritoryEntry, zone: str, title: str, active: str) -> dict[str, Any]:
    return base(
        w,
        title,
        crumbs=territory_crumbs(entry, zone),
        zone_links=zone_links(w, entry, zone, active),
        synthetic=entry.territory.manifest.synthetic,
    )


def _ctx(w: Web) -> S.Ctx:
    return S.Ctx(w.access, w.request_id)


@router.get("/t/{territory}/z/{zone}/actors")
def actors_list(
    w: Annotated[Web, Depends(web)],
    territory: str,
    zone: str,
    q: Annotated[str, Query(max_length=100)] = "",
    network: Annotated[str, Query(max_length=100)] = "",
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    message: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    w.require_login()
    entry = w.platform.entry(territory)
    entry.require_zone(zone)
    w.require(w.access.can_read_zone(entry.id, zone))
    with w.platform.session() as s:
        rows, total = S.list_actors(
            s,
            entry,
            zone,
            w.access,
            q=q or None,
            network=network or None,
            offset=offset,
            limit=PAGE_SIZE,
        )
    messages = {
        "saved": _("Saved."),
        "deleted": _("Deleted."),
        "imported": _("Imported."),
    }
    page = ActorsPage(
        **_zone_page(
            w, entry, zone, _("Actors of {zone}").format(zone=entry.unit_name(zone)), "actors"
        ),
        territory=entry.id,
        zone=zone,
        actors=rows,
        total=total,
        offset=offset,
        query=q,
        network=network,
        networks=_networks(entry, zone),
        can_edit=w.access.can_edit_records(entry.id, zone),
        map_src=f"/t/{entry.id}/z/{zone}/actors/map.json",
    )
    page.message = messages.get(message)
    return render("actors.html.j2", page)


@router.get("/t/{territory}/z/{zone}/actors/map.json")
def actors_map(w: Annotated[Web, Depends(web)], territory: str, zone: str) -> Response:
    w.require_login()
    entry = w.platform.entry(territory)
    entry.require_zone(zone)
    w.require(w.access.can_read_zone(entry.id, zone))
    with w.platform.session() as s:
        rows, _n = S.list_actors(s, entry, zone, w.access, limit=100_000)
    geo = ZoneGeometry.of(entry.territory, zone)
    located = [a for a in rows if a.latitude is not None and a.longitude is not None]
    points = None
    if located:
        x, y = Transformer.from_crs("EPSG:4326", geo.areas.crs, always_xy=True).transform(
            [a.longitude for a in located], [a.latitude for a in located]
        )
        points = xy_points(x, y, [a.name for a in located])
    networks = geo.areas["network_code"].fillna("").astype(str)
    fig = choropleth(
        geo.areas,
        pd.Series([entry.unit_name(n) if n else _("no network") for n in networks]),
        title=_("Vicinity networks and actors"),
        label=geo.areas["name"].astype(str),
        categorical=True,
        points=points,
    )
    body = fig if isinstance(fig, dict) else fig.to_plotly_json()
    return Response(
        pio.to_json(
            {
                "data": body.get("data", []),
                "layout": body.get("layout", {}),
                "config": {"displaylogo": False, "responsive": True},
            },
            validate=False,
        ),
        media_type="application/json",
    )


def _form_values(form: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k in FIELDS:
        v = form.get(k)
        if isinstance(v, str):
            v = v.strip()
            out[k] = v if v != "" else None
    return out


def _field_errors(exc: PydanticError) -> dict[str, str]:
    out: dict[str, str] = {}
    for e in exc.errors():
        key = str(e["loc"][0]) if e["loc"] else "form"
        out[key] = e["msg"].removeprefix("Value error, ")
    return out


def _form_page(
    w: Web,
    entry: TerritoryEntry,
    zone: str,
    *,
    title: str,
    action: str,
    values: dict[str, Any],
    version: int | None = None,
    actor_id: int | None = None,
    field_errors: dict[str, str] | None = None,
    error: str | None = None,
    conflict: ActorPublic | None = None,
    status: int = 200,
    can_delete: bool = False,
) -> Response:
    page = ActorFormPage(
        **_zone_page(w, entry, zone, title, "actors"),
        territory=entry.id,
        zone=zone,
        action=action,
        values=values,
        version=version,
        actor_id=actor_id,
        networks=_networks(entry, zone),
        disciplines=[d.value for d in Discipline],
        field_errors=field_errors or {},
        conflict=conflict,
        differences=_differences(entry, conflict, values) if conflict else [],
        can_delete=can_delete,
        can_assign=w.access.can_edit_records(entry.id, zone),
        assignees=_assignees(w, entry, zone),
    )
    page.error = error
    return render("actor_form.html.j2", page, status=status)


def _assignees(w: Web, entry: TerritoryEntry, zone: str) -> list[tuple[str, str]]:
    """The people holding a role in the zone or its networks (e-mail, label)."""
    from mesocare.services.platform import accounts as A

    with w.platform.session() as s:
        rows = A.members(s, entry.id, {zone, *entry.networks_by_zone.get(zone, [])})
        people = {u.email: (u.display_name or u.email) for _g, u in rows}
    return sorted(people.items(), key=lambda p: p[1].casefold())


@router.get("/t/{territory}/z/{zone}/actors/new")
def actor_new(w: Annotated[Web, Depends(web)], territory: str, zone: str) -> Response:
    w.require_login()
    entry = w.platform.entry(territory)
    entry.require_zone(zone)
    w.require(w.access.can_edit_records(entry.id, zone))
    return _form_page(
        w, entry, zone, title=_("New actor"), action=f"/t/{entry.id}/z/{zone}/actors", values={}
    )


@router.post("/t/{territory}/z/{zone}/actors", dependencies=[Depends(check_csrf)])
async def actor_create(
    request: Request, w: Annotated[Web, Depends(web)], territory: str, zone: str
) -> Response:
    w.require_login()
    entry = w.platform.entry(territory)
    entry.require_zone(zone)
    w.require(w.access.can_edit_records(entry.id, zone))
    values = _form_values(await request.form())
    action = f"/t/{entry.id}/z/{zone}/actors"
    try:
        data = ActorCreate.model_validate({k: v for k, v in values.items() if v is not None})
    except PydanticError as exc:
        return _form_page(
            w,
            entry,
            zone,
            title=_("New actor"),
            action=action,
            values=values,
            field_errors=_field_errors(exc),
            error=_("Please correct the fields marked."),
            status=422,
        )

    def save() -> None:
        with w.platform.session(write=True) as s:
            S.create_actor(s, entry, zone, data, _ctx(w))

    try:
        await _run(save)
    except MesocareError as exc:
        return _form_page(
            w,
            entry,
            zone,
            title=_("New actor"),
            action=action,
            values=values,
            error=str(exc),
            status=422,
        )
    return RedirectResponse(f"/t/{entry.id}/z/{zone}/actors?message=saved", status_code=303)


async def _run(fn: Any) -> Any:
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(fn)


def _load(w: Web, actor_id: int) -> tuple[TerritoryEntry, ActorPublic, bool, bool]:
    with w.platform.session() as s:
        a = S.get_actor(s, actor_id, w.access)
        pub = S.public(a)
        can_edit = w.access.can_edit_actor(a.territory, a.zone_code, a.network_code, a.assignee_id)
        can_delete = w.access.can_edit_records(a.territory, a.zone_code, a.network_code)
    return w.platform.entry(pub.territory), pub, can_edit, can_delete


def _values_of(a: ActorPublic) -> dict[str, Any]:
    d = a.model_dump()
    return {k: (v.value if hasattr(v, "value") else v) for k, v in d.items() if k in FIELDS}


@router.get("/actors/{actor_id}/edit")
def actor_edit(w: Annotated[Web, Depends(web)], actor_id: RecordId) -> Response:
    w.require_login()
    entry, a, can_edit, can_delete = _load(w, actor_id)
    w.require(can_edit)
    return _form_page(
        w,
        entry,
        a.zone_code,
        title=_("Edit {name}").format(name=a.name),
        action=f"/actors/{a.id}/edit",
        values=_values_of(a),
        version=a.version,
        actor_id=a.id,
        can_delete=can_delete,
    )


@router.post("/actors/{actor_id}/edit", dependencies=[Depends(check_csrf)])
async def actor_update(
    request: Request, w: Annotated[Web, Depends(web)], actor_id: RecordId
) -> Response:
    w.require_login()
    entry, current, can_edit, can_delete = await _run(lambda: _load(w, actor_id))
    w.require(can_edit)
    form = await request.form()
    values = _form_values(form)
    version_text = form.get("version")
    title = _("Edit {name}").format(name=current.name)
    action = f"/actors/{actor_id}/edit"
    try:
        version = int(str(version_text))
        # an empty field clears it; fields the form does not show stay as they are
        data = ActorUpdate.model_validate(
            {
                "version": version,
                **values,  # the assignee only when the form shows it (to a coordinator)
            }
        )
    except (ValueError, PydanticError) as exc:
        errs = _field_errors(exc) if isinstance(exc, PydanticError) else {"version": str(exc)}
        return _form_page(
            w,
            entry,
            current.zone_code,
            title=title,
            action=action,
            values=values,
            version=current.version,
            actor_id=actor_id,
            field_errors=errs,
            error=_("Please correct the fields marked."),
            status=422,
            can_delete=can_delete,
        )

    def save() -> None:
        with w.platform.session(write=True) as s:
            S.update_actor(s, entry, actor_id, data, _ctx(w))

    try:
        await _run(save)
    except ConflictError:
        _e, fresh, _c, _d = await _run(lambda: _load(w, actor_id))
        return _form_page(
            w,
            entry,
            current.zone_code,
            title=title,
            action=action,
            values=values,
            version=fresh.version,
            actor_id=actor_id,
            # the service's message says to reload; this page shows the record instead
            error=_(
                "Someone else saved this actor while you were editing it: your change has not "
                "been saved yet."
            ),
            conflict=fresh,
            status=409,
            can_delete=can_delete,
        )
    except MesocareError as exc:
        return _form_page(
            w,
            entry,
            current.zone_code,
            title=title,
            action=action,
            values=values,
            version=version,
            actor_id=actor_id,
            error=str(exc),
            status=422,
            can_delete=can_delete,
        )
    return RedirectResponse(
        f"/t/{entry.id}/z/{current.zone_code}/actors?message=saved", status_code=303
    )


@router.post("/actors/{actor_id}/delete", dependencies=[Depends(check_csrf)])
async def actor_delete(
    request: Request, w: Annotated[Web, Depends(web)], actor_id: RecordId
) -> Response:
    w.require_login()
    entry, current, _can_edit, can_delete = await _run(lambda: _load(w, actor_id))
    w.require(can_delete)
    form = await request.form()
    try:
        version = int(str(form.get("version")))
    except ValueError:
        version = -1

    def remove() -> None:
        with w.platform.session(write=True) as s:
            S.delete_actor(s, actor_id, version, _ctx(w))

    await _run(remove)
    return RedirectResponse(
        f"/t/{entry.id}/z/{current.zone_code}/actors?message=deleted", status_code=303
    )


@router.get("/actors/{actor_id}/history")
def actor_history(w: Annotated[Web, Depends(web)], actor_id: RecordId) -> Response:
    w.require_login()
    entry, a, _e, _d = _load(w, actor_id)
    with w.platform.session() as s:
        entries = S.history(s, actor_id, w.access)
    page = HistoryPage(
        **_zone_page(w, entry, a.zone_code, _("History of {name}").format(name=a.name), "actors"),
        entries=entries[::-1],  # newest first, as the zone's changes and the audit log
        back=f"/t/{entry.id}/z/{a.zone_code}/actors",
    )
    return render("history.html.j2", page)


@router.get("/t/{territory}/z/{zone}/history")
def zone_history(w: Annotated[Web, Depends(web)], territory: str, zone: str) -> Response:
    w.require_login()
    entry = w.platform.entry(territory)
    entry.require_zone(zone)
    w.require(w.access.can_read_zone(entry.id, zone))
    with w.platform.session() as s:
        entries = S.zone_history(s, entry, zone, w.access)
    page = HistoryPage(
        **_zone_page(
            w,
            entry,
            zone,
            _("Latest changes in {zone}").format(zone=entry.unit_name(zone)),
            "history",
        ),
        entries=entries,  # the zone's tabs lead on: no "back" link
    )
    return render("history.html.j2", page)


@router.get("/t/{territory}/z/{zone}/actors.csv")
def actors_csv(w: Annotated[Web, Depends(web)], territory: str, zone: str) -> Response:
    w.require_login()
    entry = w.platform.entry(territory)
    with w.platform.session() as s:
        text = CSV.export_csv(s, entry, zone, w.access)
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="actors-{entry.id}-{zone}.csv"'},
    )


@router.post("/t/{territory}/z/{zone}/actors/import", dependencies=[Depends(check_csrf)])
async def actors_import(
    w: Annotated[Web, Depends(web)],
    territory: str,
    zone: str,
    file: Annotated[UploadFile, File()],
) -> Response:
    w.require_login()
    entry = w.platform.entry(territory)
    entry.require_zone(zone)
    w.require(w.access.can_edit_records(entry.id, zone))
    data = await read_upload(file)

    def load() -> int:
        with w.platform.session(write=True) as s:
            return CSV.import_csv(s, entry, zone, data, _ctx(w), file=file.filename or "upload.csv")

    try:
        await _run(load)
    except MesocareError as exc:
        rows, total = await _run(lambda: _first_page(w, entry, zone))
        page = ActorsPage(
            **_zone_page(
                w, entry, zone, _("Actors of {zone}").format(zone=entry.unit_name(zone)), "actors"
            ),
            territory=entry.id,
            zone=zone,
            actors=rows,
            total=total,
            networks=_networks(entry, zone),
            can_edit=True,
            map_src=f"/t/{entry.id}/z/{zone}/actors/map.json",
        )
        page.error = str(exc)
        return render("actors.html.j2", page, status=422)
    return RedirectResponse(f"/t/{entry.id}/z/{zone}/actors?message=imported", status_code=303)


def _first_page(w: Web, entry: TerritoryEntry, zone: str) -> tuple[list[ActorPublic], int]:
    with w.platform.session() as s:
        return S.list_actors(s, entry, zone, w.access, limit=PAGE_SIZE)


CSV_TYPES = (
    "text/csv",
    "text/plain",
    "application/vnd.ms-excel",
    "application/csv",
    "application/octet-stream",
    "",
)


async def read_upload(file: UploadFile) -> bytes:
    """The uploaded file's bytes, if it claims to be CSV (its content is checked by the import)."""
    from mesocare.errors import TooLargeError, UnsupportedTypeError

    ctype = (file.content_type or "").split(";")[0].strip().lower()
    name = file.filename or "upload"
    if ctype not in CSV_TYPES or not name.lower().endswith((".csv", ".txt")):
        raise UnsupportedTypeError(
            _("not a CSV file"),
            file=name,
            found=ctype or None,
            expected=_("a .csv file (text/csv)"),
        )
    data = await file.read(CSV.MAX_IMPORT_BYTES + 1)
    if len(data) > CSV.MAX_IMPORT_BYTES:
        raise TooLargeError(
            _("the file is too large"),
            file=name,
            expected=_("at most {n} bytes").format(n=fmt_int(CSV.MAX_IMPORT_BYTES)),
        )
    return data
