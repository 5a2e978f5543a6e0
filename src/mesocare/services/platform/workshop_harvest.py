"""The harvest of a world café: take-home messages, points gathered from the pads, and where a
point goes — a case action (only for a workshop drawn from a case, only by a member of its care
team: :func:`case_changes.add_action` decides), a strategic objective of one of the zone's plans
(:func:`plans.add_item`), or kept "to grid" / "to library" (those features do not exist yet:
the point only carries the mark). Points are audited under the workshop with ids and field names
only."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from mesocare.errors import NotFoundError, ValidationError
from mesocare.i18n import _
from mesocare.organisation import cases as CM
from mesocare.organisation import workshops as W
from mesocare.organisation.plans import ItemCreate, Level
from mesocare.services.platform import case_changes as CC
from mesocare.services.platform import plans as P
from mesocare.services.platform import records
from mesocare.services.platform import workshops as S
from mesocare.services.platform.records import Ctx, Private
from mesocare.store.models_plans import Plan
from mesocare.store.models_workshops import WorkshopPad, WorkshopPoint

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


def point_to(s: Session, point_id: int, data: W.PointTo, ctx: Ctx) -> WorkshopPoint:
    """Turn a point into a case action or a plan objective, or mark it for the grid or the
    library."""
    pt = s.get(WorkshopPoint, point_id)
    if pt is None:
        raise NotFoundError(_("no point {id}").format(id=point_id))
    w = S.facilitated(s, pt.workshop_id, ctx.access)
    if pt.destination is not None and pt.destination in (
        W.Destination.CASE_ACTION.value,
        W.Destination.PLAN_ITEM.value,
    ):
        raise ValidationError(_("this point has already been turned into a record"))
    target: int | None = None
    if data.destination == W.Destination.CASE_ACTION:
        if w.source_case_id is None:
            raise ValidationError(
                _("only a workshop drawn from a case can add an action to it"),
                column="destination",
            )
        target = CC.add_action(s, w.source_case_id, CM.ActionIn(text=pt.text[:2000]), ctx).id
    elif data.destination == W.Destination.PLAN_ITEM:
        if data.plan_id is None:
            raise ValidationError(_("choose a plan of the zone"), column="plan_id")
        plan = P.get_plan(s, data.plan_id, ctx.access)
        if (plan.territory, plan.zone_code) != (w.territory, w.zone_code):
            raise ValidationError(
                _("choose a plan of the zone"), column="plan_id", found=str(data.plan_id)
            )
        item = ItemCreate(level=Level.STRATEGIC, title=pt.text[:300], description=pt.text)
        target = P.add_item(s, plan.id, item, ctx).id
    values = {"destination": data.destination.value, "target_id": target}
    return records.update(
        s, pt, data.version, values, ctx, "workshop", POINT_FIELDS, private=_private(w.id)
    )


def zone_plans(s: Session, w_id: int, ctx: Ctx) -> list[tuple[int, str]]:
    """The zone's plans a point may become an objective of."""
    w = S.get(s, w_id, ctx.access)
    rows = s.scalars(
        select(Plan)
        .where(Plan.territory == w.territory, Plan.zone_code == w.zone_code)
        .order_by(Plan.id)
    )
    return [(p.id, p.title) for p in rows]
