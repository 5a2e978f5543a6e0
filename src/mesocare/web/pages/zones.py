"""The start page, a territory's zones (map, sortable list, search) and a zone's workspace."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from mesocare.errors import NotFoundError
from mesocare.i18n import _
from mesocare.services.platform import TerritoryEntry
from mesocare.services.platform.territories import Progress
from mesocare.web import views
from mesocare.web.deps import FigureIndex, Web, web
from mesocare.web.pages.common import base, territory_crumbs, zone_links
from mesocare.web.render import SLOT, Page, render

router = APIRouter()


@dataclass
class TerritoryItem:
    id: str
    name: str
    zones: int
    progress: Progress


@dataclass
class TerritoriesPage(Page):
    territories: list[TerritoryItem] = field(default_factory=list)


@dataclass
class HomePage(Page):
    territory: str = ""
    territory_name: str = ""
    query: str = ""
    progress: Progress | None = None
    zones: list[dict[str, str]] = field(default_factory=list)
    table_html: str = ""
    map_src: str | None = None


@dataclass
class WorkspacePage(Page):
    territory: str = ""
    zone: str = ""
    zone_name: str = ""
    progress: Progress | None = None
    sections_html: str = ""


def _progress_note(p: Progress) -> str:
    return _("The diagnoses are being computed: {done} of {total} zones done.").format(
        done=p.done, total=p.total
    )


@router.get("/")
async def start(w: Annotated[Web, Depends(web)]) -> Response:
    w.require_login()
    items = [
        TerritoryItem(e.id, e.name, len(e.zones), e.progress)
        for e in w.platform.territories.values()
        if w.access.can_read_territory(e.id)
    ]
    if len(items) == 1:
        return RedirectResponse(f"/t/{items[0].id}", status_code=303)
    return render(
        "territories.html.j2", TerritoriesPage(**base(w, _("Territories")), territories=items)
    )


@router.get("/t/{territory}")
def territory_home(
    w: Annotated[Web, Depends(web)],
    territory: str,
    q: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    entry = w.platform.entry(territory)
    w.require(w.access.can_read_territory(entry.id))
    zones = entry.find_zones(q, lambda z: w.access.can_read_figures(entry.id, z))
    diagnoses = entry.diagnoses()
    view = views.home(w.platform_views, entry, diagnoses, w.language, zones)
    page = HomePage(
        **base(
            w,
            entry.name,
            crumbs=territory_crumbs(entry),
            synthetic=entry.territory.manifest.synthetic,
        ),
        territory=entry.id,
        territory_name=entry.name,
        query=q,
        progress=entry.progress if entry.progress.state not in ("ready", "on-demand") else None,
        zones=view.rows,
        table_html=view.table_html,
        map_src=f"/t/{entry.id}/map.json?lang={w.language}&q={q}" if view.map_json else None,
        message=_progress_note(entry.progress) if entry.progress.state == "computing" else None,
        error=entry.progress.error,
    )
    return render("home.html.j2", page)


@router.get("/t/{territory}/map.json")
def territory_map(
    w: Annotated[Web, Depends(web)],
    territory: str,
    q: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    entry = w.platform.entry(territory)
    w.require(w.access.can_read_territory(entry.id))
    zones = entry.find_zones(q, lambda z: w.access.can_read_figures(entry.id, z))
    view = views.home(w.platform_views, entry, entry.diagnoses(), w.language, zones)
    if view.map_json is None:
        raise NotFoundError(_("no map yet: the diagnoses are being computed"))
    return Response(view.map_json, media_type="application/json")


@router.get("/t/{territory}/z/{zone}")
async def workspace(w: Annotated[Web, Depends(web)], territory: str, zone: str) -> Response:
    """The zone's diagnosis. Its kept sections are served from the event loop; making them (the
    first view, or the diagnosis itself with ``--no-cache``) is done in a worker thread."""
    entry = w.platform.entry(territory)
    entry.require_zone(zone)
    w.require(w.access.can_read_figures(entry.id, zone))
    sections = views.kept_zone_sections(w.platform_views, entry, zone, w.language)
    if sections is None:
        sections = await run_in_threadpool(_zone_sections, w, entry, zone)
    ready = sections is not None
    page = WorkspacePage(
        **base(
            w,
            _("Diagnosis of {zone}").format(zone=entry.unit_name(zone)),
            crumbs=territory_crumbs(entry, zone),
            zone_links=zone_links(w, entry, zone, "workspace"),
            synthetic=entry.territory.manifest.synthetic,
            message=_progress_note(entry.progress) if not ready else None,
            error=entry.progress.error,
        ),
        territory=entry.id,
        zone=zone,
        zone_name=entry.unit_name(zone),
        progress=entry.progress if not ready else None,
        sections_html=SLOT if ready else "",
    )
    return render(
        "workspace.html.j2", page, slot=sections.html_bytes if sections is not None else None
    )


def _zone_sections(w: Web, entry: TerritoryEntry, zone: str) -> views.ZoneSections | None:
    """The zone's sections, or None while its diagnosis is being computed."""
    diag = entry.diagnosis(zone)
    if diag is None:
        return None
    return views.zone_sections(w.platform_views, entry, zone, diag, w.language)


@router.get("/t/{territory}/z/{zone}/figures/{index}.json")
def figure(
    w: Annotated[Web, Depends(web)], territory: str, zone: str, index: FigureIndex
) -> Response:
    entry = w.platform.entry(territory)
    entry.require_zone(zone)
    w.require(w.access.can_read_figures(entry.id, zone))
    diag = entry.diagnosis(zone)
    if diag is None:
        raise NotFoundError(_("no figure yet: the diagnoses are being computed"))
    fragment = views.zone_sections(w.platform_views, entry, zone, diag, w.language).fragment
    if not 0 <= index < len(fragment.figures):
        raise NotFoundError(_("no figure {index}").format(index=index))
    return Response(
        fragment.figures[index],
        media_type="application/json",
        headers={"Cache-Control": "private, max-age=3600"},
    )
