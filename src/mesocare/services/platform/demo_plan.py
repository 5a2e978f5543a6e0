"""The demo's example action plan: drafted from the zone's diagnosis on the Integreo template, with
operational objectives, actions owned by the zone's actors, budget lines, indicators with targets
and a year of monthly actuals (approved, one submitted, one returned), and adopted by hand with a
reference. Used by the demo database and by tests."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from mesocare.organisation.plans import (
    ActionStatus,
    ActualCreate,
    BudgetLineCreate,
    IndicatorCreate,
    ItemCreate,
    Level,
    NeedCreate,
    PlanCreate,
    Review,
)
from mesocare.services.platform import plan_needs as N
from mesocare.services.platform import plan_progress as G
from mesocare.services.platform import plans as P
from mesocare.services.platform.records import Ctx
from mesocare.services.platform.territories import TerritoryEntry
from mesocare.store.models import Actor

TITLE = "Loco-regional action plan 2026-2028 (synthetic example)"


def build_example_plan(
    s: Session,
    entry: TerritoryEntry,
    zone: str,
    ctx: Ctx,
    *,
    member_email: str | None = None,
    year: int = 2026,
) -> int:
    """Make the example plan in ``zone``; its id."""
    p = P.create_plan(
        s,
        entry,
        zone,
        PlanCreate(
            title=TITLE,
            template="integreo",
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year + 2, 12, 31),
        ),
        ctx,
    )
    drafted = N.draft_from_diagnosis(s, entry, p.id, ctx, today=dt.date(year - 1, 11, 15))
    consult = P.add_need(
        s,
        p.id,
        NeedCreate(
            title="Frail older people living alone lack a care coordinator",
            source="World café with the zone's actors, 14 October (synthetic)",
        ),
        ctx,
    )
    need_ids = [n.id for n in drafted][:2] + [consult.id]
    actors = list(
        s.scalars(
            select(Actor.id)
            .where(Actor.territory == entry.id, Actor.zone_code == zone)
            .order_by(Actor.id)
            .limit(6)
        )
    )
    tops = P.items(s, p.id)
    op = P.add_item(
        s,
        p.id,
        ItemCreate(
            level=Level.OPERATIONAL,
            parent_id=tops[0].id,
            title="Every frail older person has a known care coordinator",
            need_ids=need_ids,
        ),
        ctx,
    )
    op2 = P.add_item(
        s,
        p.id,
        ItemCreate(
            level=Level.OPERATIONAL,
            parent_id=tops[-1].id,
            title="Attract GPs to the networks in shortage",
            need_ids=[n.id for n in drafted if n.kind == "shortage"][:3],
        ),
        ctx,
    )
    a1 = P.add_item(
        s,
        p.id,
        ItemCreate(
            level=Level.ACTION,
            parent_id=op.id,
            title="Screen people over 75 in every GP practice",
            owner_actor_id=actors[0] if actors else None,
            partner_actor_ids=actors[1:3],
            assignee=member_email,
            start_date=dt.date(year, 2, 1),
            end_date=dt.date(year, 12, 31),
            status=ActionStatus.ONGOING,
            risks="Practices' time; the screening tool's licence",
        ),
        ctx,
    )
    a2 = P.add_item(
        s,
        p.id,
        ItemCreate(
            level=Level.ACTION,
            parent_id=op2.id,
            title="Start-up grant for new group practices",
            owner_actor_id=actors[3] if len(actors) > 3 else None,
            start_date=dt.date(year, 4, 1),
            end_date=dt.date(year + 1, 6, 30),
            status=ActionStatus.PLANNED,
        ),
        ctx,
    )
    P.add_budget_line(
        s,
        a1.id,
        BudgetLineCreate(
            label="Screening sessions",
            funder="Flemish government",
            planned_eur=40000,
            committed_eur=30000,
            spent_eur=21500,
        ),
        ctx,
    )
    P.add_budget_line(
        s,
        a1.id,
        BudgetLineCreate(label="Training", funder="Zorgraad", planned_eur=8000, spent_eur=7200),
        ctx,
    )
    P.add_budget_line(
        s,
        a2.id,
        BudgetLineCreate(
            label="Start-up grants", funder="Municipality", planned_eur=60000, committed_eur=20000
        ),
        ctx,
    )
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    screened = G.add_indicator(
        s,
        p.id,
        IndicatorCreate(
            item_id=a1.id,
            name="People over 75 screened (cumulative)",
            unit="persons",
            baseline=0,
            baseline_period=str(year - 1),
            targets={m: 150.0 * (i + 1) for i, m in enumerate(months)},
        ),
        ctx,
    )
    coordinated = G.add_indicator(
        s,
        p.id,
        IndicatorCreate(
            item_id=op.id,
            name="Frail older people with a care coordinator",
            unit="%",
            baseline=35,
            baseline_period=str(year - 1),
            targets={f"{year}-Q{q}": 35.0 + 5 * q for q in range(1, 5)},
        ),
        ctx,
    )
    G.add_indicator(
        s,
        p.id,
        IndicatorCreate(
            item_id=op2.id,
            name="GPs under 65 per 100,000 inhabitants",
            unit="per 100,000",
            need_id=next((n.id for n in drafted if n.kind == "shortage"), None),
            targets={str(year + 1): 95.0, str(year + 2): 100.0},
        ),
        ctx,
    )
    values = [120, 290, 430, 610, 700, 820, 900, 1010, 1150, 1240, 1300, 1330]
    quarters = {f"{year}-Q1": 41.0, f"{year}-Q2": 44.0, f"{year}-Q3": 43.0, f"{year}-Q4": 42.0}
    for ind, series in (
        (screened, dict(zip(months, values, strict=True))),
        (coordinated, quarters),
    ):
        periods = list(series)
        for i, period in enumerate(periods):
            a = G.enter_actual(
                s,
                ind.id,
                ActualCreate(
                    period=period, value=float(series[period]), comment="from the GP EHRs"
                ),
                ctx,
            )
            if i == len(periods) - 1:
                continue  # the last one stays a draft
            a = G.submit_actual(s, a.id, a.version, ctx)
            if ind is screened and i == len(periods) - 2:
                continue  # waits for review
            approve = not (ind is coordinated and i == 2)
            G.review_actual(
                s,
                a.id,
                Review(
                    version=a.version,
                    approve=approve,
                    comment="" if approve else "Please attach the list of practices",
                ),
                ctx,
            )
    plan = s.get_one(P.Plan, p.id)
    P.mark_adopted(s, p.id, plan.version, "Zorgraad decision 2026/03 (synthetic)", ctx)
    return p.id
