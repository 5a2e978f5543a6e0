"""What every organisation record of the platform shares: who acts (:class:`Ctx`), edits that are
conditional on the version (``UPDATE … WHERE id = ? AND version = ?``: a stale edit is a
:class:`~mesocare.errors.ConflictError`, never a lost update) and an audit row written in the
change's own transaction.

Record tables use :class:`mesocare.store.models.ZoneRecord`; a service module keeps its own reading
rules and checks, and calls :func:`create`, :func:`update` and :func:`delete` to change a row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from sqlalchemy import CursorResult
from sqlalchemy import delete as sql_delete
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session

from mesocare.errors import ConflictError
from mesocare.i18n import _
from mesocare.organisation.roles import Grant, Role, Scope
from mesocare.services.platform import audit
from mesocare.services.platform.access import Access, Hierarchy, Principal
from mesocare.store.models import ZoneRecord

R = TypeVar("R", bound=ZoneRecord)


@dataclass(frozen=True)
class Ctx:
    """Who acts, with what rights, in which request."""

    access: Access
    request_id: str

    @property
    def user_id(self) -> int | None:
        p = self.access.principal
        return (p.user_id or None) if p else None  # 0: the system (the command line)

    @classmethod
    def system(cls, hierarchy: Hierarchy, request_id: str = "cli") -> Ctx:
        """The command line's: every right, recorded as "system" in the audit log."""
        grant = Grant(role=Role.ADMIN, scope=Scope())
        return cls(Access(Principal(0, "system", (grant,)), hierarchy), request_id)


def now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Private:
    """Audit a change of a record whose content is private (a case's goals, problems…) under
    its whole (``object_type``, ``object_id``: the case), with the part's name and id and the
    names of the fields only: its values never reach the audit log."""

    object_type: str
    #: None: the row itself (the whole's own creation)
    object_id: int | None
    part: str


def _payload(
    row: ZoneRecord, fields: Iterable[str], private: Private | None, changed: Iterable[str] = ()
) -> dict[str, Any]:
    if private is None:
        return snapshot(row, fields)
    names = sorted(changed) if changed else sorted(f for f in fields if getattr(row, f) is not None)
    return {"part": private.part, "id": row.id, "fields": names, "version": row.version}


def _target(row: ZoneRecord, object_type: str, private: Private | None) -> tuple[str, int]:
    if private is None:
        return object_type, row.id
    return private.object_type, row.id if private.object_id is None else private.object_id


def conflict(current: int | None) -> ConflictError:
    return ConflictError(
        _(
            "this record was changed by someone else since you opened it; "
            "nothing was saved: reload it, then make your change again"
        ),
        current_version=current,
    )


def snapshot(row: ZoneRecord, fields: Iterable[str]) -> dict[str, Any]:
    """The audited fields of a row, JSON-ready (dates as ISO text)."""
    out: dict[str, Any] = {}
    for k in (*fields, "version"):
        v = getattr(row, k)
        out[k] = v.isoformat() if hasattr(v, "isoformat") else v
    return out


def create(
    s: Session,
    row: R,
    ctx: Ctx,
    object_type: str,
    fields: Iterable[str],
    *,
    note: str | None = None,
    private: Private | None = None,
) -> R:
    """Insert a new record (version 1) and its audit row."""
    t = now()
    row.version = 1
    row.created_at = row.updated_at = t
    row.created_by = row.updated_by = ctx.user_id
    s.add(row)
    s.flush()
    audit.record(
        s,
        ctx.access.principal,
        ctx.request_id,
        "create",
        *_target(row, object_type, private),
        territory=row.territory,
        zone=row.zone_code,
        after=_payload(row, fields, private),
        note=note,
    )
    return row


def update(
    s: Session,
    row: R,
    version: int,
    values: dict[str, Any],
    ctx: Ctx,
    object_type: str,
    fields: Iterable[str],
    *,
    note: str | None = None,
    refresh: Callable[[Session, int], R] | None = None,
    private: Private | None = None,
) -> R:
    """Apply ``values`` to ``row`` if it is still at ``version``; else a conflict, nothing saved."""
    fields = tuple(fields)
    if row.version != version:
        raise conflict(row.version)
    before = _payload(row, fields, private, values)
    model = type(row)
    res = s.execute(
        sql_update(model)
        .where(model.id == row.id, model.version == version)
        .values(**values, version=version + 1, updated_at=now(), updated_by=ctx.user_id)
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult, res).rowcount != 1:
        s.rollback()
        raise conflict(None)
    row_id = row.id
    s.expire(row)
    fresh = refresh(s, row_id) if refresh else s.get_one(model, row_id)
    audit.record(
        s,
        ctx.access.principal,
        ctx.request_id,
        "update",
        *_target(fresh, object_type, private),
        territory=fresh.territory,
        zone=fresh.zone_code,
        before=before,
        after=_payload(fresh, fields, private, values),
        note=note,
    )
    return fresh


def delete(
    s: Session,
    row: ZoneRecord,
    version: int,
    ctx: Ctx,
    object_type: str,
    fields: Iterable[str],
    *,
    private: Private | None = None,
) -> None:
    """Delete ``row`` if it is still at ``version``; else a conflict, nothing deleted."""
    if row.version != version:
        raise conflict(row.version)
    before = _payload(row, fields, private)
    target = _target(row, object_type, private)
    model = type(row)
    res = s.execute(
        sql_delete(model)
        .where(model.id == row.id, model.version == version)
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult, res).rowcount != 1:
        raise conflict(None)
    audit.record(
        s,
        ctx.access.principal,
        ctx.request_id,
        "delete",
        *target,
        territory=row.territory,
        zone=row.zone_code,
        before=before,
    )


__all__ = ["Ctx", "Private", "conflict", "create", "delete", "now", "snapshot", "update"]
