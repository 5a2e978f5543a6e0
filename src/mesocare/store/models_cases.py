"""The tables of case work around the patient's goals (see :mod:`mesocare.services.platform.cases`).

A case is pseudonymous: a case code, never a name or a national number; its optional link to a
person of a population-health folder is a keyed hash (``link_hash``), never the person's id. Every
row of content (goals, problems, actions) carries the consent categories it is shared with.
Practice memberships say which users work in a GP practice of the territory (for its target list).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mesocare.store.models import Base, UTCDateTime, ZoneRecord, now


class Case(ZoneRecord, Base):
    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("territory", "code"),
        Index("ix_cases_territory_zone", "territory", "zone_code"),
    )

    code: Mapped[str] = mapped_column(String(40))
    #: the user who opened the case: its coordinator
    coordinator_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: HMAC-SHA256 (platform secret) of the population folder's person id; never the id itself
    link_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    practice_id: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default="open")
    #: the patient's own order of priority: problem ids, first one first
    priority: Mapped[list[int]] = mapped_column(JSON, default=list)


class _CasePart(ZoneRecord):
    """A row of a case (its territory and zone repeat the case's, for the audit rows)."""

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)


class CaseGoal(_CasePart, Base):
    __tablename__ = "case_goals"

    text: Mapped[str] = mapped_column(Text)
    #: who expressed it (FHIR Goal.expressedBy): "patient", "relative" or a team entry's id
    expressed_by: Mapped[str] = mapped_column(String(40))
    shared_with: Mapped[list[str]] = mapped_column(JSON, default=list)


class CaseProblem(_CasePart, Base):
    __tablename__ = "case_problems"

    domain: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    icpc2: Mapped[str | None] = mapped_column(String(10))
    shared_with: Mapped[list[str]] = mapped_column(JSON, default=list)


class CaseTeamMember(_CasePart, Base):
    __tablename__ = "case_team"

    actor_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="SET NULL"))
    #: the platform account of this professional, if any: it gives access to the case
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    role: Mapped[str] = mapped_column(String(200))
    added_value: Mapped[str | None] = mapped_column(Text)
    #: the consent category that governs what this member sees (primary_care, welfare, hospital)
    category: Mapped[str] = mapped_column(String(20))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)


class CaseAction(_CasePart, Base):
    """An action or a referral, with its loop: requested → accepted → done (with the result
    reported back), or declined / cancelled."""

    __tablename__ = "case_actions"

    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    problem_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_problems.id", ondelete="SET NULL")
    )
    #: the team entry asked to act (a referral's recipient)
    performer_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_team.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(20), default="requested")
    result: Mapped[str | None] = mapped_column(Text)
    shared_with: Mapped[list[str]] = mapped_column(JSON, default=list)


class CaseConsent(_CasePart, Base):
    __tablename__ = "case_consents"

    category: Mapped[str] = mapped_column(String(20))
    given_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class BreakGlass(Base):
    """An emergency access to a case: its reason, its limit in time, and whether the case's
    coordinator has seen the flag."""

    __tablename__ = "case_break_glass"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    who: Mapped[str] = mapped_column(String(254))
    reason: Mapped[str] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PracticeMember(Base):
    """A user working in a GP practice of a territory (``providers.practice_id``)."""

    __tablename__ = "practice_members"
    __table_args__ = (UniqueConstraint("territory", "practice_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    territory: Mapped[str] = mapped_column(String(100))
    practice_id: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    added_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
