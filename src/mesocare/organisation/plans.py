"""Loco-regional action plans as records: a plan of a zone and a period follows a template
(:mod:`mesocare.organisation.plan_templates`); its vision leads to strategic objectives, then
operational objectives, then actions (one tree of *items*); objectives answer needs; an action has
an owner and partners (actors of the zone), dates, a status, risks and budget lines; indicators at
every level have a baseline, targets per period and actuals per period that go through a review
(draft → submitted → approved or returned).

:class:`PlanDocument` is the whole plan as one value: the JSON export, the source of the XLSX and
printable exports, and what an import checks before anything is stored.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator


class PlanStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # for adoption
    ADOPTED = "adopted"
    CLOSED = "closed"


class Level(StrEnum):
    STRATEGIC = "strategic"
    OPERATIONAL = "operational"
    ACTION = "action"


#: the level an item's parent has (None: the plan's vision)
PARENT_LEVEL: dict[Level, Level | None] = {
    Level.STRATEGIC: None,
    Level.OPERATIONAL: Level.STRATEGIC,
    Level.ACTION: Level.OPERATIONAL,
}


class ActionStatus(StrEnum):
    PLANNED = "planned"
    ONGOING = "ongoing"
    DONE = "done"
    DELAYED = "delayed"
    CANCELLED = "cancelled"


class NeedKind(StrEnum):
    FINDING = "finding"  # an indicator significantly worse than the region
    SHORTAGE = "shortage"  # the Flemish rule or the APL
    ACCESS = "access"  # low accessibility (areas under the APL threshold)
    CARE_GAP = "care_gap"  # a population-health care gap worse than the region
    MANUAL = "manual"  # from consultations, with its source


class ActualStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"


#: a period of targets and actuals: a year, a half, a quarter or a month
PERIOD = re.compile(r"^\d{4}(-(H[12]|Q[1-4]|(0[1-9]|1[0-2])))?$")

Title = Field(min_length=1, max_length=300)
LongText = Field(default="", max_length=5000)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def check_period(p: str) -> str:
    if not PERIOD.match(p):
        raise ValueError(f"period '{p}' is not YYYY, YYYY-H1, YYYY-Q1 or YYYY-MM")
    return p


class PlanCreate(_Strict):
    title: str = Title
    template: str = Field(default="blank", min_length=1, max_length=40)
    period_start: dt.date
    period_end: dt.date
    vision: str = LongText
    contract_date: dt.date | None = Field(default=None, description="CPTS: the contract's date")

    @model_validator(mode="after")
    def _period(self) -> Self:
        if self.period_end < self.period_start:
            raise ValueError("period_end is before period_start")
        return self


class PlanUpdate(_Strict):
    version: int = Field(ge=1)
    title: str | None = Field(default=None, min_length=1, max_length=300)
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    vision: str | None = Field(default=None, max_length=5000)
    contract_date: dt.date | None = None
    status: PlanStatus | None = None


class NeedCreate(_Strict):
    title: str = Title
    source: str = Field(min_length=1, max_length=300, description="e.g. a consultation")
    description: str = LongText


class ItemCreate(_Strict):
    level: Level
    parent_id: int | None = None
    title: str = Title
    description: str = LongText
    need_ids: list[int] = Field(default_factory=list, max_length=100)
    owner_actor_id: int | None = None
    partner_actor_ids: list[int] = Field(default_factory=list, max_length=100)
    assignee: str | None = Field(default=None, max_length=254)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    status: ActionStatus = ActionStatus.PLANNED
    risks: str = LongText
    mission: str | None = Field(default=None, max_length=40)

    @model_validator(mode="after")
    def _dates(self) -> Self:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        return self


class ItemUpdate(_Strict):
    version: int = Field(ge=1)
    title: str | None = Field(default=None, min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=5000)
    need_ids: list[int] | None = Field(default=None, max_length=100)
    owner_actor_id: int | None = None
    partner_actor_ids: list[int] | None = Field(default=None, max_length=100)
    assignee: str | None = Field(default=None, max_length=254)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    status: ActionStatus | None = None
    risks: str | None = Field(default=None, max_length=5000)


class BudgetLineCreate(_Strict):
    label: str = Title
    funder: str = Field(min_length=1, max_length=200)
    planned_eur: float = Field(ge=0, le=1e12)
    committed_eur: float = Field(default=0, ge=0, le=1e12)
    spent_eur: float = Field(default=0, ge=0, le=1e12)


class IndicatorCreate(_Strict):
    item_id: int | None = Field(default=None, description="None: the plan's vision")
    name: str = Title
    unit: str = Field(default="", max_length=60)
    higher_is_better: bool = True
    baseline: float | None = None
    baseline_period: str | None = None
    need_id: int | None = Field(default=None, description="take the baseline from this need")
    targets: dict[str, float] = Field(default_factory=dict, max_length=200)

    @model_validator(mode="after")
    def _periods(self) -> Self:
        for p in self.targets:
            check_period(p)
        if self.baseline_period:
            check_period(self.baseline_period)
        return self


class ActualCreate(_Strict):
    period: str = Field(min_length=4, max_length=7)
    value: float
    comment: str = Field(default="", max_length=2000)

    @model_validator(mode="after")
    def _period(self) -> Self:
        check_period(self.period)
        return self


class Review(_Strict):
    version: int = Field(ge=1)
    approve: bool
    comment: str = Field(default="", max_length=2000)


# ----- the whole plan as one value -------------------------------------------------------------
class Snapshot(_Strict):
    """What a finding said when the need was drafted (frozen with the need)."""

    indicator_id: str
    unit_code: str
    value: float | None
    unit: str
    lower: float | None = None
    upper: float | None = None
    comparator: str = Field(description="region, shortage threshold, APL threshold")
    comparator_value: float | None = None
    significance: str
    polarity: str
    reference_year: int
    source: str
    taken_on: dt.date


class NeedDoc(_Strict):
    key: str
    kind: NeedKind
    title: str = Title
    source: str = Field(min_length=1, max_length=300)
    description: str = ""
    snapshot: Snapshot | None = None


class BudgetDoc(_Strict):
    label: str = Title
    funder: str = Field(min_length=1, max_length=200)
    planned_eur: float = Field(ge=0)
    committed_eur: float = Field(default=0, ge=0)
    spent_eur: float = Field(default=0, ge=0)


class ActualDoc(_Strict):
    period: str
    value: float
    status: ActualStatus = ActualStatus.DRAFT
    comment: str = ""
    review_comment: str = ""


class IndicatorDoc(_Strict):
    key: str
    name: str = Title
    unit: str = ""
    higher_is_better: bool = True
    baseline: float | None = None
    baseline_period: str | None = None
    need: str | None = None
    targets: dict[str, float] = Field(default_factory=dict)
    actuals: list[ActualDoc] = Field(default_factory=list)


class ItemDoc(_Strict):
    key: str
    level: Level
    parent: str | None = None
    title: str = Title
    description: str = ""
    needs: list[str] = Field(default_factory=list)
    owner_actor_id: int | None = None
    partner_actor_ids: list[int] = Field(default_factory=list)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    status: ActionStatus = ActionStatus.PLANNED
    risks: str = ""
    mission: str | None = None
    budget: list[BudgetDoc] = Field(default_factory=list)
    indicators: list[IndicatorDoc] = Field(default_factory=list)


class PlanDocument(_Strict):
    """A plan, whole (ids of the database are left out; keys tie its parts together)."""

    format: str = "mesocare-plan/1"
    territory: str
    zone: str
    title: str = Title
    template: str
    period_start: dt.date
    period_end: dt.date
    status: PlanStatus = PlanStatus.DRAFT
    vision: str = ""
    contract_date: dt.date | None = None
    needs: list[NeedDoc] = Field(default_factory=list)
    indicators: list[IndicatorDoc] = Field(default_factory=list, description="of the vision")
    items: list[ItemDoc] = Field(default_factory=list)

    def walk_indicators(self) -> list[tuple[str | None, IndicatorDoc]]:
        """Every indicator with the key of its item (None: the vision)."""
        out: list[tuple[str | None, IndicatorDoc]] = [(None, i) for i in self.indicators]
        out += [(it.key, i) for it in self.items for i in it.indicators]
        return out


class PlanPublic(BaseModel):
    id: int
    territory: str
    zone_code: str
    title: str
    template: str
    period_start: dt.date
    period_end: dt.date
    status: PlanStatus
    vision: str
    contract_date: dt.date | None
    adopted_ref: str | None
    adopted_version: int | None
    version: int
    updated_at: dt.datetime


def period_key(p: str) -> tuple[int, int]:
    """An order of periods: by year, then within it (H, Q, MM; a bare year first)."""
    check_period(p)
    year, _sep, rest = p.partition("-")
    if not rest:
        return (int(year), 0)
    if rest[0] == "H":
        return (int(year), int(rest[1]) * 6)
    if rest[0] == "Q":
        return (int(year), int(rest[1]) * 3)
    return (int(year), int(rest))


def as_jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in values.items()}
