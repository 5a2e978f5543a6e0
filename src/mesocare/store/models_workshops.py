"""The tables of world café case workshops (see :mod:`mesocare.services.platform.workshops`).

A workshop is a zone record; its case study is text written for it or drawn from a case with
every identifying detail removed (``source_case_id`` only says which case, so that a harvested
point can become that case's action; the case's code and link never reach the workshop).
Participants have no account: they join with the workshop's link and hold their own token, both
random and stored as SHA-256 digests only, with an expiry.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mesocare.store.models import Base, UTCDateTime, ZoneRecord


class Workshop(ZoneRecord, Base):
    __tablename__ = "workshops"

    title: Mapped[str] = mapped_column(String(300))
    #: the workshop's language (nl, fr, en): its default questions and its summary
    language: Mapped[str] = mapped_column(String(5))
    facilitator_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    case_study: Mapped[str] = mapped_column(Text)
    source_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    questions: Mapped[list[str]] = mapped_column(JSON, default=list)
    rounds: Mapped[int] = mapped_column(Integer, default=3)
    #: 0: not started; 1…rounds: running; the status says when it is over
    current_round: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    #: the join link's secret is HMAC(platform key, id:nonce); only its SHA-256 is looked up
    join_nonce: Mapped[str | None] = mapped_column(String(64))
    join_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    join_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class _WorkshopPart(ZoneRecord):
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )


class WorkshopParticipant(_WorkshopPart, Base):
    __tablename__ = "workshop_participants"

    name: Mapped[str] = mapped_column(String(100))
    profession: Mapped[str] = mapped_column(String(100))
    sector: Mapped[str] = mapped_column(String(40))
    token_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WorkshopTable(_WorkshopPart, Base):
    __tablename__ = "workshop_tables"

    number: Mapped[int] = mapped_column(Integer)
    host_id: Mapped[int | None] = mapped_column(
        ForeignKey("workshop_participants.id", ondelete="SET NULL")
    )


class WorkshopSeat(Base):
    """The rotation plan: who sits at which table in which round."""

    __tablename__ = "workshop_seats"
    __table_args__ = (UniqueConstraint("workshop_id", "round", "participant_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    round: Mapped[int] = mapped_column(Integer)
    table_id: Mapped[int] = mapped_column(ForeignKey("workshop_tables.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("workshop_participants.id", ondelete="CASCADE")
    )


class WorkshopPad(_WorkshopPart, Base):
    """A table's harvest pad of one round: kept when the round ends."""

    __tablename__ = "workshop_pads"
    __table_args__ = (UniqueConstraint("table_id", "round"),)

    table_id: Mapped[int] = mapped_column(ForeignKey("workshop_tables.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")


class WorkshopPoint(_WorkshopPart, Base):
    """A harvested point or a take-home message, and the record it became (``destination`` and
    ``target_id``): a case action, a plan objective, a grid case (a cell of it) or a practice."""

    __tablename__ = "workshop_points"

    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    pad_id: Mapped[int | None] = mapped_column(ForeignKey("workshop_pads.id", ondelete="SET NULL"))
    destination: Mapped[str | None] = mapped_column(String(20))
    #: the case action's or plan item's id
    target_id: Mapped[int | None] = mapped_column(Integer)
