"""The tables of the analysis grid (see :mod:`mesocare.organisation.grid`): templates and their
versions, organisation cases and their dated versions, evidence documents, and workshop sessions
with their groups. Every one is a record (versioned, audited); a case not attached to a zone (a
foreign model) has no territory nor zone, so those two columns may be empty here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, LargeBinary, String
from sqlalchemy import Text as SqlText
from sqlalchemy.orm import Mapped, mapped_column

from mesocare.store.models import Base, UTCDateTime, ZoneRecord


class _Unzoned(ZoneRecord):
    territory: Mapped[str | None] = mapped_column(String(100))  # type: ignore[assignment]
    zone_code: Mapped[str | None] = mapped_column(String(100))  # type: ignore[assignment]


class GridTemplateRow(_Unzoned, Base):
    __tablename__ = "grid_templates"

    name: Mapped[str] = mapped_column(String(200))
    label: Mapped[dict[str, str]] = mapped_column(JSON)
    latest: Mapped[int] = mapped_column(Integer, default=1)


class GridTemplateVersion(_Unzoned, Base):
    """One version of a template's dimensions; immutable once a case version uses it."""

    __tablename__ = "grid_template_versions"

    template_id: Mapped[int] = mapped_column(
        ForeignKey("grid_templates.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    dimensions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


class GridCase(_Unzoned, Base):
    __tablename__ = "grid_cases"

    template_id: Mapped[int] = mapped_column(ForeignKey("grid_templates.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(SqlText, default="")
    #: the number of its latest dated version
    latest: Mapped[int] = mapped_column(Integer, default=1)


class GridCaseVersion(_Unzoned, Base):
    """A dated state of a case: its cells under one template version (never changed)."""

    __tablename__ = "grid_case_versions"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("grid_cases.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    template_version_id: Mapped[int] = mapped_column(ForeignKey("grid_template_versions.id"))
    dated: Mapped[dt.date] = mapped_column(Date)
    cells: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(SqlText, default="")


class GridDocument(_Unzoned, Base):
    """An evidence file of a case (size-limited, type-checked), kept in the database."""

    __tablename__ = "grid_documents"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("grid_cases.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class GridWorkshop(_Unzoned, Base):
    __tablename__ = "grid_workshops"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("grid_cases.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(20), default="open")
    merged_version: Mapped[int | None] = mapped_column(Integer)


class GridWorkshopGroup(_Unzoned, Base):
    """A small group of a workshop: its link's token (SHA-256 only), what it fills, its answers."""

    __tablename__ = "grid_workshop_groups"

    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("grid_workshops.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(200))
    #: None: the whole case; else one dimension's key
    dimension_key: Mapped[str | None] = mapped_column(String(40))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    cells: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
