"""The audit trail: one append-only row per change, written in the change's own transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mesocare.services.platform.access import Principal
from mesocare.store.models import AuditRow


class AuditEntry(BaseModel):
    id: int
    at: datetime
    who: str
    request_id: str
    action: str
    object_type: str
    object_id: str
    territory: str | None
    zone_code: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    note: str | None


def record(
    s: Session,
    who: Principal | None,
    request_id: str,
    action: str,
    object_type: str,
    object_id: str | int,
    *,
    territory: str | None = None,
    zone: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str | None = None,
) -> None:
    s.add(
        AuditRow(
            user_id=(who.user_id or None) if who else None,  # 0: the system
            who=who.email if who else "system",
            request_id=request_id,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            territory=territory,
            zone_code=zone,
            before=before,
            after=after,
            note=note,
        )
    )


def _entry(r: AuditRow) -> AuditEntry:
    return AuditEntry.model_validate(r, from_attributes=True)


def history(s: Session, object_type: str, object_id: str | int) -> list[AuditEntry]:
    rows = s.scalars(
        select(AuditRow)
        .where(AuditRow.object_type == object_type, AuditRow.object_id == str(object_id))
        .order_by(AuditRow.id)
    )
    return [_entry(r) for r in rows]


def log_page(s: Session, *, offset: int = 0, limit: int = 50) -> tuple[list[AuditEntry], int]:
    """The whole log, newest first, one page, and the number of rows."""
    total = s.scalar(select(func.count()).select_from(AuditRow)) or 0
    rows = s.scalars(select(AuditRow).order_by(AuditRow.id.desc()).offset(offset).limit(limit))
    return [_entry(r) for r in rows], int(total)
