"""Action plans of a zone: the plan, its needs, its tree of objectives and actions, their budget
lines. Every change is checked against :class:`~.access.Access`, versioned and audited through
:mod:`.records` (a stale edit is a conflict, never a lost update).

A plan's ``status`` goes draft → submitted (for adoption) → adopted → closed. Adoption is a
decision: :func:`mark_adopted` records the decision's reference and the plan's version in the
plan's audit history (the zorgraad's decisions call it; a coordinator may call it by hand with a
reference until then). Indicators and actuals are in :mod:`.plan_progress`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mesocare.errors import NotFoundError, PermissionDeniedError, ValidationError
from mesocare.i18n import _
from mesocare.organisation.plans import (
    PARENT_LEVEL,
    BudgetLineCreate,
    ItemCreate,
    ItemUpdate,
    Level,
    NeedCreate,
    NeedKind,
    PlanCreate,
    PlanPublic,
    PlanStatus,
    PlanUpdate,
)
from mesocare.organisation.templates import load_template
from mesocare.services.platform import governance_meetings, records
from mesocare.services.platform.records import Ctx
from mesocare.services.platform.territories import TerritoryEntry
from mesocare.store.models import Actor, User
from mesocare.store.models_plans import Plan, PlanBudgetLine, PlanItem, PlanNeed

PLAN_FIELDS = (
    "title",
    "template",
    "period_start",
    "period_end",
    "status",
    "vision",
    "contract_date",
    "adopted_ref",
    "adopted_version",
)
NEED_FIELDS = ("plan_id", "key", "kind", "title", "source", "description", "snapshot")
ITEM_FIELDS = (
    "plan_id",
    "parent_id",
    "key",
    "level",
    "title",
    "description",
    "need_ids",
    "owner_actor_id",
    "partner_actor_ids",
    "assignee_id",
    "start_date",
    "end_date",
    "status",
    "risks",
    "mission",
)
BUDGET_FIELDS = ("item_id", "label", "funder", "planned_eur", "committed_eur", "spent_eur")
#: the statuses one may set by an edit (adoption is a decision: :func:`mark_adopted`)
EDITABLE_STATUS = (PlanStatus.DRAFT, PlanStatus.SUBMITTED, PlanStatus.CLOSED)


def public(p: Plan) -> PlanPublic:
    return PlanPublic(
        id=p.id,
        territory=p.territory,
        zone_code=p.zone_code,
        title=p.title,
        template=p.template,
        period_start=p.period_start,
        period_end=p.period_end,
        status=PlanStatus(p.status),
        vision=p.vision,
        contract_date=p.contract_date,
        adopted_ref=p.adopted_ref,
        adopted_version=p.adopted_version,
        version=p.version,
        updated_at=p.updated_at,
    )


# ----- reading ---------------------------------------------------------------------------------
def list_plans(s: Session, entry: TerritoryEntry, zone: str, ctx_access: Any) -> list[Plan]:
    entry.require_zone(zone)
    if not ctx_access.can_read_plan(entry.id, zone):
        raise PermissionDeniedError(_("you may not read zone {zone}").format(zone=zone))
    return list(
        s.scalars(
            select(Plan)
            .where(Plan.territory == entry.id, Plan.zone_code == zone)
            .order_by(Plan.period_start.desc(), Plan.id)
        )
    )


def get_plan(s: Session, plan_id: int, access: Any, *, figures: bool = False) -> Plan:
    """The plan, if one may read it (``figures``: its figures are enough, as an analyst's)."""
    p = s.get(Plan, plan_id)
    allowed = p is not None and (
        access.can_read_plan_figures(p.territory, p.zone_code)
        if figures
        else access.can_read_plan(p.territory, p.zone_code)
    )
    if p is None or not allowed:
        raise NotFoundError(_("no plan {id}").format(id=plan_id))
    return p


def _editable(s: Session, plan_id: int, ctx: Ctx) -> Plan:
    p = get_plan(s, plan_id, ctx.access)
    if not ctx.access.can_edit_plan(p.territory, p.zone_code):
        raise PermissionDeniedError(_("you may not edit plan {id}").format(id=plan_id))
    return p


def items(s: Session, plan_id: int) -> list[PlanItem]:
    return list(
        s.scalars(
            select(PlanItem)
            .where(PlanItem.plan_id == plan_id)
            .order_by(PlanItem.position, PlanItem.id)
        )
    )


def needs(s: Session, plan_id: int) -> list[PlanNeed]:
    return list(
        s.scalars(select(PlanNeed).where(PlanNeed.plan_id == plan_id).order_by(PlanNeed.id))
    )


def budget_lines(s: Session, plan_id: int) -> list[PlanBudgetLine]:
    return list(
        s.scalars(
            select(PlanBudgetLine)
            .where(PlanBudgetLine.plan_id == plan_id)
            .order_by(PlanBudgetLine.item_id, PlanBudgetLine.id)
        )
    )


def get_item(s: Session, item_id: int, access: Any) -> PlanItem:
    it = s.get(PlanItem, item_id)
    if it is None or not access.can_read_plan(it.territory, it.zone_code):
        raise NotFoundError(_("no objective or action {id}").format(id=item_id))
    return it


def zone_actors(s: Session, territory: str, zone: str) -> dict[int, str]:
    rows = s.execute(
        select(Actor.id, Actor.name)
        .where(Actor.territory == territory, Actor.zone_code == zone)
        .order_by(Actor.name)
    )
    return {int(i): str(n) for i, n in rows}


# ----- the plan --------------------------------------------------------------------------------
def create_plan(
    s: Session, entry: TerritoryEntry, zone: str, data: PlanCreate, ctx: Ctx, *, lang: str = "en"
) -> Plan:
    """A new draft plan; the template's vision and strategic objectives (a CPTS plan: its
    missions) when the plan has none of its own."""
    entry.require_zone(zone)
    if not ctx.access.can_edit_plan(entry.id, zone):
        raise PermissionDeniedError(
            _("you may not edit the records of zone {zone}").format(zone=zone)
        )
    try:
        template = load_template(data.template)
    except NotFoundError as e:
        raise ValidationError(str(e), column="template", found=data.template) from None
    p = Plan(
        territory=entry.id,
        zone_code=zone,
        title=data.title,
        template=data.template,
        period_start=data.period_start,
        period_end=data.period_end,
        status=PlanStatus.DRAFT.value,
        vision=data.vision or template.vision.get(lang),
        contract_date=data.contract_date,
    )
    records.create(s, p, ctx, "plan", PLAN_FIELDS)
    for o in template.objectives:
        add_item(
            s,
            p.id,
            ItemCreate(level=Level.STRATEGIC, title=o.label.get(lang), mission=o.mission),
            ctx,
        )
    return p


def update_plan(s: Session, plan_id: int, data: PlanUpdate, ctx: Ctx) -> Plan:
    p = _editable(s, plan_id, ctx)
    given = data.model_dump(exclude_unset=True, exclude={"version"})
    if "status" in given:
        if given["status"] not in EDITABLE_STATUS:
            raise ValidationError(
                _("a plan is adopted by a decision, with its reference"),
                column="status",
                found=str(given["status"]),
            )
        given["status"] = PlanStatus(given["status"]).value
    start = given.get("period_start", p.period_start)
    end = given.get("period_end", p.period_end)
    if start and end and end < start:
        raise ValidationError(_("the period ends before it starts"), column="period_end")
    for key in ("title",):
        if key in given and given[key] is None:
            raise ValidationError(_("a plan needs a title"), column=key)
    return records.update(s, p, data.version, given, ctx, "plan", PLAN_FIELDS)


def mark_adopted(s: Session, plan_id: int, plan_version: int, decision_ref: str, ctx: Ctx) -> Plan:
    """Record that the plan, at ``plan_version``, was adopted by the decision ``decision_ref``
    (a stale version is a conflict: what was decided is not what is there now)."""
    ref = decision_ref.strip()
    if not ref or len(ref) > 200:
        raise ValidationError(_("give the decision's reference"), column="decision_ref")
    p = _editable(s, plan_id, ctx)
    return records.update(
        s,
        p,
        plan_version,
        {
            "status": PlanStatus.ADOPTED.value,
            "adopted_ref": ref,
            "adopted_version": plan_version,
        },
        ctx,
        "plan",
        PLAN_FIELDS,
        note=f"adopted by decision {ref} at version {plan_version}",
    )


def delete_plan(s: Session, plan_id: int, version: int, ctx: Ctx) -> None:
    p = _editable(s, plan_id, ctx)
    records.delete(s, p, version, ctx, "plan", PLAN_FIELDS)


# ----- needs -----------------------------------------------------------------------------------
def next_key(s: Session, model: Any, plan_id: int, prefix: str) -> str:
    n = s.scalar(select(func.count()).select_from(model).where(model.plan_id == plan_id)) or 0
    taken = set(s.scalars(select(model.key).where(model.plan_id == plan_id)))
    n += 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


def add_need(
    s: Session,
    plan_id: int,
    data: NeedCreate,
    ctx: Ctx,
    *,
    kind: NeedKind = NeedKind.MANUAL,
    snapshot: dict[str, Any] | None = None,
    key: str | None = None,
) -> PlanNeed:
    p = _editable(s, plan_id, ctx)
    n = PlanNeed(
        territory=p.territory,
        zone_code=p.zone_code,
        plan_id=p.id,
        key=key or next_key(s, PlanNeed, p.id, "N"),
        kind=kind.value,
        title=data.title,
        source=data.source,
        description=data.description,
        snapshot=snapshot,
    )
    return records.create(s, n, ctx, "plan_need", NEED_FIELDS)


def delete_need(s: Session, need_id: int, version: int, ctx: Ctx) -> None:
    n = s.get(PlanNeed, need_id)
    if n is None:
        raise NotFoundError(_("no need {id}").format(id=need_id))
    _editable(s, n.plan_id, ctx)
    records.delete(s, n, version, ctx, "plan_need", NEED_FIELDS)


# ----- objectives and actions ------------------------------------------------------------------
def _check_item(s: Session, p: Plan, values: dict[str, Any]) -> None:
    actors = zone_actors(s, p.territory, p.zone_code)
    owner = values.get("owner_actor_id")
    if owner is not None and owner not in actors:
        raise ValidationError(
            _("not an actor of zone {zone}").format(zone=p.zone_code),
            column="owner_actor_id",
            found=str(owner),
        )
    for a in values.get("partner_actor_ids") or []:
        if a not in actors:
            raise ValidationError(
                _("not an actor of zone {zone}").format(zone=p.zone_code),
                column="partner_actor_ids",
                found=str(a),
            )
    known = {n.id for n in needs(s, p.id)}
    for n in values.get("need_ids") or []:
        if n not in known:
            raise ValidationError(_("not a need of this plan"), column="need_ids", found=str(n))
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and end < start:
        raise ValidationError(_("the action ends before it starts"), column="end_date")


def _assignee(s: Session, email: str | None) -> int | None:
    if not email:
        return None
    uid = s.scalar(select(User.id).where(User.email == email.strip().lower()))
    if uid is None:
        raise ValidationError(_("no such user"), column="assignee", found=email)
    return int(uid)


def add_item(
    s: Session, plan_id: int, data: ItemCreate, ctx: Ctx, *, key: str | None = None
) -> PlanItem:
    p = _editable(s, plan_id, ctx)
    want = PARENT_LEVEL[data.level]
    parent = s.get(PlanItem, data.parent_id) if data.parent_id is not None else None
    if (want is None) != (parent is None) or (
        parent is not None and (parent.plan_id != p.id or parent.level != want)
    ):
        raise ValidationError(
            _("this level's parent must be a {level} of the same plan").format(
                level=want.value if want else "-"
            )
            if want
            else _("a strategic objective has no parent"),
            column="parent_id",
            found=str(data.parent_id),
        )
    values = data.model_dump(exclude={"assignee"})
    _check_item(s, p, values)
    siblings = [i for i in items(s, p.id) if i.parent_id == data.parent_id]
    if key is None:
        key = f"{parent.key}.{len(siblings) + 1}" if parent else f"S{len(siblings) + 1}"
        taken = {i.key for i in items(s, p.id)}
        n = len(siblings) + 1
        while key in taken:
            n += 1
            key = f"{parent.key}.{n}" if parent else f"S{n}"
    it = PlanItem(
        territory=p.territory,
        zone_code=p.zone_code,
        plan_id=p.id,
        key=key,
        position=len(siblings),
        assignee_id=_assignee(s, data.assignee),
        **{**values, "level": data.level.value, "status": data.status.value},
    )
    return records.create(s, it, ctx, "plan_item", ITEM_FIELDS)


def update_item(s: Session, item_id: int, data: ItemUpdate, ctx: Ctx) -> PlanItem:
    it = get_item(s, item_id, ctx.access)
    p = _editable(s, it.plan_id, ctx)
    given = data.model_dump(exclude_unset=True, exclude={"version"})
    if "assignee" in given:
        given["assignee_id"] = _assignee(s, given.pop("assignee"))
    if "status" in given and given["status"] is not None:
        given["status"] = given["status"].value
    for key in ("title", "status"):
        if key in given and given[key] is None:
            raise ValidationError(_("this field cannot be empty"), column=key)
    merged = {k: getattr(it, k) for k in ITEM_FIELDS} | given
    _check_item(s, p, merged)
    return records.update(s, it, data.version, given, ctx, "plan_item", ITEM_FIELDS)


def delete_item(s: Session, item_id: int, version: int, ctx: Ctx) -> None:
    it = get_item(s, item_id, ctx.access)
    _editable(s, it.plan_id, ctx)
    if any(c.parent_id == it.id for c in items(s, it.plan_id)):
        raise ValidationError(_("delete what is under it first"), column="id", found=str(item_id))
    records.delete(s, it, version, ctx, "plan_item", ITEM_FIELDS)


# ----- budget lines ----------------------------------------------------------------------------
def add_budget_line(s: Session, item_id: int, data: BudgetLineCreate, ctx: Ctx) -> PlanBudgetLine:
    it = get_item(s, item_id, ctx.access)
    _editable(s, it.plan_id, ctx)
    b = PlanBudgetLine(
        territory=it.territory,
        zone_code=it.zone_code,
        plan_id=it.plan_id,
        item_id=it.id,
        **data.model_dump(),
    )
    return records.create(s, b, ctx, "plan_budget_line", BUDGET_FIELDS)


def update_budget_line(
    s: Session, line_id: int, version: int, values: BudgetLineCreate, ctx: Ctx
) -> PlanBudgetLine:
    b = s.get(PlanBudgetLine, line_id)
    if b is None:
        raise NotFoundError(_("no budget line {id}").format(id=line_id))
    _editable(s, b.plan_id, ctx)
    return records.update(
        s, b, version, values.model_dump(), ctx, "plan_budget_line", BUDGET_FIELDS
    )


def delete_budget_line(s: Session, line_id: int, version: int, ctx: Ctx) -> None:
    b = s.get(PlanBudgetLine, line_id)
    if b is None:
        raise NotFoundError(_("no budget line {id}").format(id=line_id))
    _editable(s, b.plan_id, ctx)
    records.delete(s, b, version, ctx, "plan_budget_line", BUDGET_FIELDS)


# ----- adoption by a governance decision ------------------------------------------------------
def awaiting_adoption(p: Plan) -> bool:
    """Whether a decision may still adopt the plan as it is now: not closed, and not adopted at
    its current version (adoption itself makes a version: an edit after it makes another)."""
    if p.status == PlanStatus.CLOSED.value:
        return False
    return p.status != PlanStatus.ADOPTED.value or p.version > (p.adopted_version or 0) + 1


def adoptable(s: Session, entry: TerritoryEntry, zone: str, access: Any) -> list[Plan]:
    """The zone's plans a decision may adopt (none when one may not read the zone's plans)."""
    if not access.can_read_plan(entry.id, zone):
        return []
    return [p for p in list_plans(s, entry, zone, access) if awaiting_adoption(p)]


def check_subject(s: Session, plan_id: int, territory: str, zone: str) -> None:
    """A decision of a body of ``zone`` may only be about a plan of that zone."""
    p = s.get(Plan, plan_id)
    if p is None or (p.territory, p.zone_code) != (territory, zone):
        raise ValidationError(
            _("plan {id} is not a plan of zone {zone}").format(id=plan_id, zone=zone),
            column="subject_id",
            found=str(plan_id),
        )


# a passing governance decision about a plan adopts it (at the version the decision was about)
governance_meetings.register_subject("plan", mark_adopted, check_subject)
