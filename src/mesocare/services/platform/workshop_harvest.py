"""The harvest of a world café: take-home messages, points gathered from the pads, and the record
a point becomes, once:

- a case action (only for a workshop drawn from a case, only by a member of its care team:
  :func:`case_changes.add_action` decides);
- a strategic objective of one of the zone's plans (:func:`plans.add_item`);
- a cell of one of the zone's analysis grid cases: the point's text is added to the dimension's
  cell, as the case's next dated version (:func:`grid.save_cells`, which checks the dimension);
- a practice of the zone in the learning library, status "emerging"
  (:func:`library.create_practice`).

Each is written by its own service, with its own rights and audit rows, in the same transaction
as the point's mark. Points are audited under the workshop with ids and field names only."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from mesocare.errors import NotFoundError, ValidationError
from mesocare.i18n import _, use_locale
from mesocare.organisation import cases as CM
from mesocare.organisation import workshops as W
from mesocare.organisation.grid import Cell, CellsUpdate
from mesocare.organisation.library import PracticeCreate
from mesocare.organisation.plans import ItemCreate, Level
from mesocare.services.platform import case_changes as CC
from mesocare.services.platform import grid as G
from mesocare.services.platform import library as L
from mesocare.services.platform import plans as P
from mesocare.services.platform import records
from mesocare.services.platform import workshops as S
from mesocare.services.platform.records import Ctx, Private
from mesocare.services.platform.territories import TerritoryEntry
from mesocare.store.models_plans import Plan
from mesocare.store.models_workshops import Workshop, WorkshopPad, WorkshopPoint

POINT_FIELDS = ("kind", "text", "pad_id", "destination", "target_id")


def _private(workshop_id: int) -> Private:
    return Private("workshop", workshop_id, "point")


def add_point(
    s: Session, workshop_id: int, data: W.PointIn, ctx: Ctx, *, pad_id: int | None = None
) -> WorkshopPoint:
    w = S.facilitated(s, workshop_id, ctx.access)
    row = WorkshopPoint(
        territory=w.territory,
        zone_code=w.zone_code,
        workshop_id=w.id,
        kind=data.kind.value,
        text=data.text,
        pad_id=pad_id,
    )
    return records.create(s, row, ctx, "workshop", POINT_FIELDS, private=_private(w.id))


def harvest_pad(s: Session, pad_id: int, ctx: Ctx) -> list[WorkshopPoint]:
    """One harvested point per non-empty line of a pad (a pad is harvested once)."""
    pad = s.get(WorkshopPad, pad_id)
    if pad is None:
        raise NotFoundError(_("no pad {id}").format(id=pad_id))
    w = S.facilitated(s, pad.workshop_id, ctx.access)
    if any(p.pad_id == pad.id for p in S.points(s, w.id)):
        raise ValidationError(_("this pad is already harvested"), column="pad_id")
    lines = [ln.strip(" -•*\t") for ln in pad.text.splitlines()]
    return [
        add_point(s, w.id, W.PointIn(kind=W.PointKind.HARVEST, text=ln), ctx, pad_id=pad.id)
        for ln in lines
        if ln
    ]


def point_to(
    s: Session,
    point_id: int,
    data: W.PointTo,
    ctx: Ctx,
    entry: TerritoryEntry | None = None,
) -> WorkshopPoint:
    """Turn a point into a case action, a plan objective, a grid cell or a library practice
    (``entry``, the workshop's territory, is needed for a practice). A point becomes one record,
    once; marks left by an earlier version (a destination without a record) may be turned."""
    pt = s.get(WorkshopPoint, point_id)
    if pt is None:
        raise NotFoundError(_("no point {id}").format(id=point_id))
    w = S.facilitated(s, pt.workshop_id, ctx.access)
    if pt.target_id is not None:
        raise ValidationError(_("this point has already been turned into a record"))
    if data.destination == W.Destination.CASE_ACTION:
        target = _to_case_action(s, w, pt, ctx)
    elif data.destination == W.Destination.PLAN_ITEM:
        target = _to_plan_item(s, w, pt, data, ctx)
    elif data.destination == W.Destination.GRID:
        target = _to_grid_cell(s, w, pt, data, ctx)
    else:
        target = _to_practice(s, w, pt, ctx, entry)
    values = {"destination": data.destination.value, "target_id": target}
    return records.update(
        s, pt, data.version, values, ctx, "workshop", POINT_FIELDS, private=_private(w.id)
    )


def _to_case_action(s: Session, w: Workshop, pt: WorkshopPoint, ctx: Ctx) -> int:
    if w.source_case_id is None:
        raise ValidationError(
            _("only a workshop drawn from a case can add an action to it"), column="destination"
        )
    return CC.add_action(s, w.source_case_id, CM.ActionIn(text=pt.text[:2000]), ctx).id


def _to_plan_item(s: Session, w: Workshop, pt: WorkshopPoint, data: W.PointTo, ctx: Ctx) -> int:
    if data.plan_id is None:
        raise ValidationError(_("choose a plan of the zone"), column="plan_id")
    plan = P.get_plan(s, data.plan_id, ctx.access)
    if (plan.territory, plan.zone_code) != (w.territory, w.zone_code):
        raise ValidationError(
            _("choose a plan of the zone"), column="plan_id", found=str(data.plan_id)
        )
    item = ItemCreate(level=Level.STRATEGIC, title=pt.text[:300], description=pt.text)
    return P.add_item(s, plan.id, item, ctx).id


def _to_grid_cell(s: Session, w: Workshop, pt: WorkshopPoint, data: W.PointTo, ctx: Ctx) -> int:
    if data.grid_case_id is None:
        raise ValidationError(_("choose a grid case of the zone"), column="grid_case_id")
    if not data.dimension:
        raise ValidationError(_("choose a dimension of the grid"), column="dimension")
    case = G.editable_case(s, data.grid_case_id, ctx)
    if (case.territory, case.zone_code) != (w.territory, w.zone_code):
        raise ValidationError(
            _("choose a grid case of the zone"),
            column="grid_case_id",
            found=str(data.grid_case_id),
        )
    old = G.cells_of(G.case_version(s, case)).get(data.dimension, Cell())
    text = f"{old.text.rstrip()}\n{pt.text}" if old.text.strip() else pt.text
    with use_locale(w.language):
        note = _("from the workshop '{title}'").format(title=w.title)
    cells = {data.dimension: Cell(text=text, evidence=old.evidence)}  # too long: refused
    G.save_cells(s, case.id, CellsUpdate(version=case.version, cells=cells, note=note), ctx)
    return case.id


def _to_practice(
    s: Session, w: Workshop, pt: WorkshopPoint, ctx: Ctx, entry: TerritoryEntry | None
) -> int:
    if entry is None or entry.id != w.territory:
        raise ValidationError(_("the workshop's territory is not served"), column="destination")
    with use_locale(w.language):
        origin = _("Harvested at the workshop '{title}'.").format(title=w.title)
    data = PracticeCreate(title=pt.text[:300], what_was_done=origin, lessons=pt.text)
    return L.create_practice(s, entry, w.zone_code, data, ctx).id


def grid_targets(
    s: Session, w_id: int, ctx: Ctx, lang: str
) -> tuple[list[tuple[int, str]], list[tuple[str, str]]]:
    """The zone's grid cases this user may add a cell to, and their dimensions (key, label in
    ``lang``; retired ones left out), in the order of the first case's template."""
    w = S.get(s, w_id, ctx.access)
    cases = [
        c
        for c in G.list_cases(s, ctx.access)
        if (c.territory, c.zone_code) == (w.territory, w.zone_code)
        and ctx.access.can_edit_grid_case(c.territory, c.zone_code, c.created_by)
    ]
    dims: dict[str, str] = {}
    for c in cases:
        for d in G.dimensions_of(s, G.case_version(s, c)):
            if not d.retired:
                dims.setdefault(d.key, d.label.get(lang))
    return [(c.id, c.title) for c in cases], list(dims.items())


def zone_plans(s: Session, w_id: int, ctx: Ctx) -> list[tuple[int, str]]:
    """The zone's plans a point may become an objective of."""
    w = S.get(s, w_id, ctx.access)
    rows = s.scalars(
        select(Plan)
        .where(Plan.territory == w.territory, Plan.zone_code == w.zone_code)
        .order_by(Plan.id)
    )
    return [(p.id, p.title) for p in rows]
