"""A plan as one :class:`~mesocare.organisation.plans.PlanDocument` (the JSON export, the source of
the XLSX and printable ones), and a document stored back as a new plan of its zone: checked whole
first, then written in the caller's one transaction (every part or none)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from mesocare.errors import ValidationError
from mesocare.i18n import _
from mesocare.organisation.plans import (
    ActualDoc,
    ActualStatus,
    BudgetDoc,
    BudgetLineCreate,
    IndicatorCreate,
    IndicatorDoc,
    ItemCreate,
    ItemDoc,
    NeedCreate,
    NeedDoc,
    NeedKind,
    PlanCreate,
    PlanDocument,
    PlanStatus,
    Snapshot,
    period_key,
)
from mesocare.services.platform import plan_progress as G
from mesocare.services.platform import plans as P
from mesocare.services.platform import records
from mesocare.services.platform.records import Ctx
from mesocare.services.platform.territories import TerritoryEntry
from mesocare.store.models_plans import PlanActual, PlanItem


def tree_order(rows: list[PlanItem]) -> list[PlanItem]:
    """Items depth first (each objective, then what is under it), siblings by position."""
    children: dict[int | None, list[PlanItem]] = {}
    for r in sorted(rows, key=lambda r: (r.position, r.id)):
        children.setdefault(r.parent_id, []).append(r)
    out: list[PlanItem] = []

    def walk(parent: int | None) -> None:
        for r in children.get(parent, []):
            out.append(r)
            walk(r.id)

    walk(None)
    return out


def document(s: Session, plan_id: int, access: Any) -> PlanDocument:
    p = P.get_plan(s, plan_id, access)
    need_key = {n.id: n.key for n in P.needs(s, p.id)}
    its = tree_order(P.items(s, p.id))
    item_key = {i.id: i.key for i in its}
    acts: dict[int, list[PlanActual]] = {}
    for a in G.actuals(s, p.id):
        acts.setdefault(a.indicator_id, []).append(a)
    inds: dict[int | None, list[IndicatorDoc]] = {}
    for i in G.indicators(s, p.id):
        inds.setdefault(i.item_id, []).append(
            IndicatorDoc(
                key=i.key,
                name=i.name,
                unit=i.unit,
                higher_is_better=i.higher_is_better,
                baseline=i.baseline,
                baseline_period=i.baseline_period,
                need=need_key.get(i.need_id) if i.need_id else None,
                targets=dict(i.targets),
                actuals=[
                    ActualDoc(
                        period=a.period,
                        value=a.value,
                        status=ActualStatus(a.status),
                        comment=a.comment,
                        review_comment=a.review_comment,
                    )
                    for a in sorted(acts.get(i.id, []), key=lambda a: period_key(a.period))
                ],
            )
        )
    budget: dict[int, list[BudgetDoc]] = {}
    for b in P.budget_lines(s, p.id):
        budget.setdefault(b.item_id, []).append(
            BudgetDoc(
                label=b.label,
                funder=b.funder,
                planned_eur=b.planned_eur,
                committed_eur=b.committed_eur,
                spent_eur=b.spent_eur,
            )
        )
    return PlanDocument(
        territory=p.territory,
        zone=p.zone_code,
        title=p.title,
        template=p.template,
        period_start=p.period_start,
        period_end=p.period_end,
        status=PlanStatus(p.status),
        vision=p.vision,
        contract_date=p.contract_date,
        needs=[
            NeedDoc(
                key=n.key,
                kind=NeedKind(n.kind),
                title=n.title,
                source=n.source,
                description=n.description,
                snapshot=Snapshot.model_validate(n.snapshot) if n.snapshot else None,
            )
            for n in P.needs(s, p.id)
        ],
        indicators=inds.get(None, []),
        items=[
            ItemDoc(
                key=i.key,
                level=i.level,  # type: ignore[arg-type]
                parent=item_key.get(i.parent_id) if i.parent_id else None,
                title=i.title,
                description=i.description,
                needs=[need_key[n] for n in i.need_ids if n in need_key],
                owner_actor_id=i.owner_actor_id,
                partner_actor_ids=list(i.partner_actor_ids),
                start_date=i.start_date,
                end_date=i.end_date,
                status=i.status,  # type: ignore[arg-type]
                risks=i.risks,
                mission=i.mission,
                budget=budget.get(i.id, []),
                indicators=inds.get(i.id, []),
            )
            for i in its
        ],
    )


def check_document(doc: PlanDocument, actors: set[int]) -> list[tuple[str, str]]:
    """Every problem of a document that its model cannot see alone: (where, what)."""
    from mesocare.organisation.templates import NAMES

    problems: list[tuple[str, str]] = []
    if doc.template not in NAMES:
        problems.append(
            ("plan.template", _("known templates: {names}").format(names=", ".join(NAMES)))
        )
    need_keys = [n.key for n in doc.needs]
    for k in {k for k in need_keys if need_keys.count(k) > 1}:
        problems.append((f"needs.{k}", _("the key {key} appears twice").format(key=k)))
    levels: dict[str, str] = {}
    for it in doc.items:
        if it.key in levels:
            problems.append(
                (f"items.{it.key}", _("the key {key} appears twice").format(key=it.key))
            )
        levels[it.key] = it.level.value
    from mesocare.organisation.plans import PARENT_LEVEL

    for it in doc.items:
        want = PARENT_LEVEL[it.level]
        if want is None and it.parent:
            problems.append((f"items.{it.key}.parent", _("a strategic objective has no parent")))
        if want is not None and levels.get(it.parent or "") != want.value:
            problems.append(
                (
                    f"items.{it.key}.parent",
                    _("the parent must be a {level} of this plan").format(level=want.value),
                )
            )
        for n in it.needs:
            if n not in need_keys:
                problems.append((f"items.{it.key}.needs", _("no need {key}").format(key=n)))
        for a in [it.owner_actor_id, *it.partner_actor_ids]:
            if a is not None and a not in actors:
                problems.append(
                    (f"items.{it.key}.actors", _("no actor {id} in the zone").format(id=a))
                )
        if it.start_date and it.end_date and it.end_date < it.start_date:
            problems.append((f"items.{it.key}.end_date", _("the action ends before it starts")))
    ind_keys = [i.key for _k, i in doc.walk_indicators()]
    for _k, ind in doc.walk_indicators():
        if ind_keys.count(ind.key) > 1:
            problems.append(
                (f"indicators.{ind.key}", _("the key {key} appears twice").format(key=ind.key))
            )
        if ind.need and ind.need not in need_keys:
            problems.append((f"indicators.{ind.key}.need", _("no need {key}").format(key=ind.need)))
        periods = [a.period for a in ind.actuals]
        if len(set(periods)) != len(periods):
            problems.append((f"indicators.{ind.key}.actuals", _("a period appears twice")))
    return problems


def store_document(
    s: Session, entry: TerritoryEntry, doc: PlanDocument, ctx: Ctx, *, file: str = "plan"
) -> int:
    """Store ``doc`` as a new plan of its zone; its id. Checked whole before anything is written."""
    entry.require_zone(doc.zone)
    if doc.territory != entry.id:
        raise ValidationError(_("the plan is of another territory"), file=file, found=doc.territory)
    problems = check_document(doc, set(P.zone_actors(s, entry.id, doc.zone)))
    if problems:
        raise ValidationError("; ".join(f"{where}: {what}" for where, what in problems), file=file)
    p = P.create_plan(
        s,
        entry,
        doc.zone,
        PlanCreate(
            title=doc.title,
            template="blank",
            period_start=doc.period_start,
            period_end=doc.period_end,
            vision=doc.vision,
            contract_date=doc.contract_date,
        ),
        ctx,
    )
    # the template's own objectives are not added again: the document has its own
    records.update(
        s,
        p,
        p.version,
        {"template": doc.template, "status": doc.status.value, "vision": doc.vision},
        ctx,
        "plan",
        P.PLAN_FIELDS,
        note=f"imported from {file}",
    )
    need_ids: dict[str, int] = {}
    for n in doc.needs:
        row = P.add_need(
            s,
            p.id,
            NeedCreate(title=n.title, source=n.source, description=n.description),
            ctx,
            kind=n.kind,
            snapshot=n.snapshot.model_dump(mode="json") if n.snapshot else None,
            key=n.key,
        )
        need_ids[n.key] = row.id
    item_ids: dict[str, int] = {}
    order = {"strategic": 0, "operational": 1, "action": 2}
    for it in sorted(doc.items, key=lambda i: order[i.level.value]):
        item = P.add_item(
            s,
            p.id,
            ItemCreate(
                level=it.level,
                parent_id=item_ids[it.parent] if it.parent else None,
                title=it.title,
                description=it.description,
                need_ids=[need_ids[k] for k in it.needs],
                owner_actor_id=it.owner_actor_id,
                partner_actor_ids=it.partner_actor_ids,
                start_date=it.start_date,
                end_date=it.end_date,
                status=it.status,
                risks=it.risks,
                mission=it.mission,
            ),
            ctx,
            key=it.key,
        )
        item_ids[it.key] = item.id
        for b in it.budget:
            P.add_budget_line(s, item.id, BudgetLineCreate(**b.model_dump()), ctx)
    for item_key, ind in doc.walk_indicators():
        irow = G.add_indicator(
            s,
            p.id,
            IndicatorCreate(
                item_id=item_ids[item_key] if item_key else None,
                name=ind.name,
                unit=ind.unit,
                higher_is_better=ind.higher_is_better,
                baseline=ind.baseline,
                baseline_period=ind.baseline_period,
                need_id=need_ids[ind.need] if ind.need else None,
                targets=ind.targets,
            ),
            ctx,
            key=ind.key,
        )
        if ind.baseline is None and irow.baseline is not None:  # as the document says
            records.update(
                s,
                irow,
                irow.version,
                {"baseline": None, "baseline_period": ind.baseline_period},
                ctx,
                "plan_indicator",
                G.INDICATOR_FIELDS,
            )
        for a in ind.actuals:
            records.create(
                s,
                PlanActual(
                    territory=p.territory,
                    zone_code=p.zone_code,
                    plan_id=p.id,
                    indicator_id=irow.id,
                    period=a.period,
                    value=a.value,
                    status=a.status.value,
                    comment=a.comment,
                    review_comment=a.review_comment,
                ),
                ctx,
                "plan_actual",
                G.ACTUAL_FIELDS,
                note=f"imported from {file}",
            )
    return p.id
