"""The tables of learning: maturity assessments (:mod:`mesocare.organisation.maturity`) and the
learning library of inspiring practices. Every one is a zone record (versioned, audited).

An assessment keeps a copy of its framework (``framework`` JSON), so a framework loaded from a
user's file and later assessments of an edited framework keep old assessments readable.

Full-text search of practices reads ``practices.search_text``: on SQLite through an FTS5 virtual
table ``practices_fts`` (external content, kept in step by triggers on ``practices``); on
PostgreSQL through a GIN index on ``to_tsvector('simple', search_text)``. Both are written by hand
in migration 0007 and are not mapped (see :data:`UNMAPPED_PREFIXES`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy import Text as SqlText
from sqlalchemy.orm import Mapped, mapped_column

from mesocare.store.models import Base, UTCDateTime, ZoneRecord


class MaturityAssessment(ZoneRecord, Base):
    __tablename__ = "maturity_assessments"
    __table_args__ = (Index("ix_maturity_assessments_territory_zone", "territory", "zone_code"),)

    title: Mapped[str] = mapped_column(String(300))
    assessed_on: Mapped[dt.date] = mapped_column(Date)
    framework_name: Mapped[str] = mapped_column(String(80))
    framework: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: blind → consensus → closed
    status: Mapped[str] = mapped_column(String(20))
    rules: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class MaturityParticipant(ZoneRecord, Base):
    __tablename__ = "maturity_participants"
    __table_args__ = (UniqueConstraint("assessment_id", "user_id"),)

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("maturity_assessments.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    cluster: Mapped[str] = mapped_column(String(80), default="")
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class MaturityScore(ZoneRecord, Base):
    """One participant's own score of one item (read by others only once consensus opens)."""

    __tablename__ = "maturity_scores"
    __table_args__ = (UniqueConstraint("participant_id", "item"),)

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("maturity_assessments.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("maturity_participants.id", ondelete="CASCADE")
    )
    item: Mapped[str] = mapped_column(String(40))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(SqlText, default="")


class MaturityConsensus(ZoneRecord, Base):
    """The group's score of one item, with its rationale and the importance of its gap."""

    __tablename__ = "maturity_consensus"
    __table_args__ = (UniqueConstraint("assessment_id", "item"),)

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("maturity_assessments.id", ondelete="CASCADE"), index=True
    )
    item: Mapped[str] = mapped_column(String(40))
    score: Mapped[int] = mapped_column(Integer)
    rationale: Mapped[str] = mapped_column(SqlText)
    importance: Mapped[float] = mapped_column(Float, default=1.0)
    plan_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_items.id", ondelete="SET NULL")
    )


class Practice(ZoneRecord, Base):
    """An inspiring practice of the learning library, recorded by the zone where it was done."""

    __tablename__ = "practices"
    __table_args__ = (Index("ix_practices_territory_zone", "territory", "zone_code"),)

    title: Mapped[str] = mapped_column(String(300))
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    dimensions: Mapped[list[str]] = mapped_column(JSON, default=list)
    target_group: Mapped[str] = mapped_column(SqlText, default="")
    actors_resources: Mapped[str] = mapped_column(SqlText, default="")
    what_was_done: Mapped[str] = mapped_column(SqlText, default="")
    status: Mapped[str] = mapped_column(String(20))
    outcomes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    lessons: Mapped[str] = mapped_column(SqlText, default="")
    contacts: Mapped[str] = mapped_column(SqlText, default="")
    self_assessment: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: every word of the practice (and its themes' labels in nl, fr and en): what full-text
    #: search reads (SQLite: the FTS5 table follows it by triggers; PostgreSQL: a GIN index)
    search_text: Mapped[str] = mapped_column(SqlText, default="")


class PracticeAdoption(ZoneRecord, Base):
    """A zone (``zone_code``) adopted a practice into its plan: who, and the draft actions made."""

    __tablename__ = "practice_adoptions"

    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), index=True
    )
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    item_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    adopted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


#: names in the database that are no mapped table or index: SQLite's FTS5 table ``practices_fts``
#: (and the shadow tables FTS5 makes, ``practices_fts_data``…) and PostgreSQL's GIN index of the
#: practices' text; written by hand in migration 0007, so the comparison of models and migrations
#: (autogenerate) must leave them out
UNMAPPED_PREFIXES = ("practices_fts", "ix_practices_search")


def mapped_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic's ``include_name``: False for the hand-written full-text objects."""
    return not (name or "").startswith(UNMAPPED_PREFIXES)
