"""What a plan's page and printable document show, read in one go: the plan, its tree with the
needs each item answers, its progress and budget, a CPTS plan's mission terms, and what the reader
may do."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from mesocare.organisation.plans import PlanDocument, PlanPublic
from mesocare.services.platform import plan_doc as D
from mesocare.services.platform import plan_progress as G
from mesocare.services.platform import plans as P
from mesocare.services.platform.territories import TerritoryEntry


@dataclass(frozen=True)
class ItemRow:
    id: int
    key: str
    level: str
    depth: int
    title: str
    status: str
    version: int
    owner: str | None
    start: Any
    end: Any
    needs: list[str]


@dataclass(frozen=True)
class IndicatorRow:
    id: int
    key: str
    name: str
    unit: str
    item_key: str | None
    baseline: float | None
    latest_period: str | None
    latest_actual: float | None
    latest_target: float | None
    off_target: bool
    worsening: bool
    waiting: int


@dataclass
class PlanView:
    plan: PlanPublic
    doc: PlanDocument
    zone_name: str
    items: list[ItemRow] = field(default_factory=list)
    needs: list[dict[str, Any]] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)
    budget: list[G.BudgetRow] = field(default_factory=list)
    cpts: G.CptsTerms | None = None
    actors: dict[int, str] = field(default_factory=dict)
    can_edit: bool = False


def plan_view(s: Session, entry: TerritoryEntry, plan_id: int, access: Any, lang: str) -> PlanView:
    p = P.get_plan(s, plan_id, access)
    doc = D.document(s, p.id, access)
    actors = P.zone_actors(s, p.territory, p.zone_code)
    depth = {"strategic": 0, "operational": 1, "action": 2}
    rows = D.tree_order(P.items(s, p.id))
    need_key = {n.id: n.key for n in P.needs(s, p.id)}
    items = [
        ItemRow(
            i.id,
            i.key,
            i.level,
            depth[i.level],
            i.title,
            i.status,
            i.version,
            actors.get(i.owner_actor_id) if i.owner_actor_id else None,
            i.start_date,
            i.end_date,
            [need_key[n] for n in i.need_ids if n in need_key],
        )
        for i in rows
    ]
    inds = []
    for pr in G.progress(s, p.id):
        seen = [
            (per, v, t)
            for per, v, t in zip(pr.periods, pr.actuals, pr.targets, strict=True)
            if v is not None
        ]
        last = seen[-1] if seen else (None, None, None)
        inds.append(
            IndicatorRow(
                pr.indicator.id,
                pr.indicator.key,
                pr.indicator.name,
                pr.indicator.unit,
                pr.item_key,
                pr.indicator.baseline,
                last[0],
                last[1],
                last[2],
                pr.off_target,
                pr.worsening,
                sum(1 for st in pr.statuses if st == "submitted"),
            )
        )
    population = 0
    d = entry.diagnosis(p.zone_code)
    f = d.finding("population", "population") if d else None
    if f is not None and f.value:
        population = int(f.value)
    return PlanView(
        plan=P.public(p),
        doc=doc,
        zone_name=entry.unit_name(p.zone_code),
        items=items,
        needs=[
            {
                "id": n.id,
                "key": n.key,
                "kind": n.kind,
                "title": n.title,
                "source": n.source,
                "snapshot": n.snapshot,
                "version": n.version,
            }
            for n in P.needs(s, p.id)
        ],
        indicators=inds,
        budget=G.budget_by_objective(s, p.id),
        cpts=G.cpts_terms(p, population, lang) if population else None,
        actors=actors,
        can_edit=access.can_edit_plan(p.territory, p.zone_code),
    )
