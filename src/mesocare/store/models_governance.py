"""The tables of governance bodies (see :mod:`mesocare.organisation.governance`): a body made from
a template's organ, its members by cluster, its meetings, their agenda items and decisions.

A decision keeps each member's vote (``votes``: member id → vote) and the outcome with its
per-cluster tally as computed when the votes were recorded, so that it still reads as decided
when the body's composition changes later. Votes are changed as one versioned edit of the
decision: two coordinators recording votes at once get a conflict, not a lost update.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mesocare.store.models import Base, UTCDateTime, ZoneRecord


class GovernanceBody(ZoneRecord, Base):
    __tablename__ = "governance_bodies"
    __table_args__ = (Index("ix_governance_bodies_territory_zone", "territory", "zone_code"),)

    template: Mapped[str] = mapped_column(String(40))
    organ: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    #: cluster id → number of seats the body gives it
    seats: Mapped[dict[str, Any]] = mapped_column(JSON)


class GovernanceMember(ZoneRecord, Base):
    __tablename__ = "governance_members"

    body_id: Mapped[int] = mapped_column(
        ForeignKey("governance_bodies.id", ondelete="CASCADE"), index=True
    )
    cluster: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str | None] = mapped_column(String(200))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="SET NULL"))
    since: Mapped[date | None] = mapped_column(Date)


class GovernanceMeeting(ZoneRecord, Base):
    __tablename__ = "governance_meetings"

    body_id: Mapped[int] = mapped_column(
        ForeignKey("governance_bodies.id", ondelete="CASCADE"), index=True
    )
    held_on: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    place: Mapped[str | None] = mapped_column(String(200))


class GovernanceItem(ZoneRecord, Base):
    """An agenda item of a meeting."""

    __tablename__ = "governance_items"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("governance_meetings.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)


class GovernanceDecision(ZoneRecord, Base):
    __tablename__ = "governance_decisions"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("governance_items.id", ondelete="CASCADE"), index=True
    )
    motion: Mapped[str] = mapped_column(Text)
    #: what the decision is about, when it adopts a record (e.g. "plan", its id and version)
    subject_type: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    subject_version: Mapped[int | None] = mapped_column(Integer)
    #: member id (as text) → "for" | "against" | "abstain" | "absent"
    votes: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: "open" (no votes yet), "passed" or "failed"
    outcome: Mapped[str] = mapped_column(String(20))
    #: the per-cluster tally when the votes were recorded
    tally: Mapped[list[Any] | None] = mapped_column(JSON)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
