"""The tables of action plans (see :mod:`mesocare.organisation.plans`): plans, their needs, the
tree of objectives and actions (``plan_items``), budget lines, indicators, actuals and the
evidence files of actuals. Every one is a zone record (versioned, audited)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy import Text as SqlText
from sqlalchemy.orm import Mapped, mapped_column

from mesocare.store.models import Base, ZoneRecord


class Plan(ZoneRecord, Base):
    __tablename__ = "plans"
    __table_args__ = (Index("ix_plans_territory_zone", "territory", "zone_code"),)

    title: Mapped[str] = mapped_column(String(300))
    template: Mapped[str] = mapped_column(String(40))
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    vision: Mapped[str] = mapped_column(SqlText, default="")
    contract_date: Mapped[dt.date | None] = mapped_column(Date)
    adopted_ref: Mapped[str | None] = mapped_column(String(200))
    adopted_version: Mapped[int | None] = mapped_column(Integer)


class PlanNeed(ZoneRecord, Base):
    __tablename__ = "plan_needs"

    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(SqlText, default="")
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class PlanItem(ZoneRecord, Base):
    """A strategic or operational objective, or an action."""

    __tablename__ = "plan_items"

    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("plan_items.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))
    level: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(SqlText, default="")
    need_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    owner_actor_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="SET NULL"))
    partner_actor_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="planned")
    risks: Mapped[str] = mapped_column(SqlText, default="")
    mission: Mapped[str | None] = mapped_column(String(40))


class PlanBudgetLine(ZoneRecord, Base):
    __tablename__ = "plan_budget_lines"

    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("plan_items.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(300))
    funder: Mapped[str] = mapped_column(String(200))
    planned_eur: Mapped[float] = mapped_column(Float)
    committed_eur: Mapped[float] = mapped_column(Float, default=0)
    spent_eur: Mapped[float] = mapped_column(Float, default=0)


class PlanIndicator(ZoneRecord, Base):
    __tablename__ = "plan_indicators"

    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("plan_items.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(60), default="")
    higher_is_better: Mapped[bool] = mapped_column(Boolean, default=True)
    baseline: Mapped[float | None] = mapped_column(Float)
    baseline_period: Mapped[str | None] = mapped_column(String(7))
    need_id: Mapped[int | None] = mapped_column(ForeignKey("plan_needs.id", ondelete="SET NULL"))
    targets: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)


class PlanActual(ZoneRecord, Base):
    __tablename__ = "plan_actuals"

    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("plan_indicators.id", ondelete="CASCADE"), index=True
    )
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(7))
    value: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(SqlText, default="")
    review_comment: Mapped[str] = mapped_column(SqlText, default="")


class PlanEvidence(ZoneRecord, Base):
    """A file that supports an actual (size-limited, type-checked), kept in the database."""

    __tablename__ = "plan_evidence"

    actual_id: Mapped[int] = mapped_column(
        ForeignKey("plan_actuals.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
