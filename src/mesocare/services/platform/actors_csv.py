"""A zone's actors as CSV with Sociale Kaart-like columns: export, and an import that is every row
or none, its error naming every bad row."""

from __future__ import annotations

import csv
import io
from typing import Any

from pydantic import ValidationError as PydanticError
from sqlalchemy import select
from sqlalchemy.orm import Session

from mesocare.errors import PermissionDeniedError, TooLargeError, ValidationError
from mesocare.i18n import _, fmt_int, ngettext
from mesocare.organisation.actors import CSV_COLUMNS, CSV_REQUIRED, ActorCreate, Source
from mesocare.services.platform.access import Access
from mesocare.services.platform.actors import (
    Ctx,
    _check_place,
    _column_name,
    _require_edit,
    create_actor,
)
from mesocare.services.platform.territories import TerritoryEntry
from mesocare.store.models import Actor

#: the largest CSV an import reads
MAX_IMPORT_BYTES = 5_000_000
MAX_IMPORT_ROWS = 20_000


def export_csv(s: Session, entry: TerritoryEntry, zone: str, access: Access) -> str:
    entry.require_zone(zone)
    if not access.can_read_zone(entry.id, zone):
        raise PermissionDeniedError(_("you may not read zone {zone}").format(zone=zone))
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    rows = s.scalars(
        select(Actor)
        .where(Actor.territory == entry.id, Actor.zone_code == zone)
        .order_by(Actor.name, Actor.id)
    )
    for a in rows:
        w.writerow(
            [
                a.name,
                a.organisation or "",
                a.sector,
                a.discipline,
                a.address or "",
                "" if a.latitude is None else repr(a.latitude),
                "" if a.longitude is None else repr(a.longitude),
                a.area_code or "",
                a.network_code or "",
                a.contact or "",
            ]
        )
    return out.getvalue()


def _row_problem(exc: PydanticError) -> str:
    parts = []
    for e in exc.errors():
        loc = ".".join(str(x) for x in e["loc"]) or "row"
        parts.append(f"{_column_name(loc)}: {e['msg']}")
    return "; ".join(parts)


def parse_csv(data: bytes, entry: TerritoryEntry, zone: str, *, file: str) -> list[ActorCreate]:
    """Every row of an actors CSV as a checked record, or one error naming every bad row."""
    if len(data) > MAX_IMPORT_BYTES:
        raise TooLargeError(
            _("the file is too large"),
            file=file,
            expected=_("at most {n} bytes").format(n=fmt_int(MAX_IMPORT_BYTES)),
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("not a UTF-8 text file"), file=file, expected="CSV") from None
    if "\0" in text:
        raise ValidationError(_("not a text file"), file=file, expected="CSV")
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_REQUIRED if c not in header]
    if missing:
        raise ValidationError(
            _("missing column"),
            file=file,
            column=missing[0],
            expected=", ".join(CSV_COLUMNS),
        )
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if unknown:
        raise ValidationError(
            _("unknown column"), file=file, column=unknown[0], expected=", ".join(CSV_COLUMNS)
        )
    reader.fieldnames = header
    records: list[ActorCreate] = []
    problems: list[str] = []
    row_problem = _("row {i}: {problem}")
    for i, raw in enumerate(reader, start=2):
        if i - 1 > MAX_IMPORT_ROWS:
            raise ValidationError(
                _("too many rows"),
                file=file,
                expected=_("at most {n} rows").format(n=fmt_int(MAX_IMPORT_ROWS)),
            )
        if None in raw:
            problems.append(row_problem.format(i=i, problem=_("more cells than columns")))
            continue
        cells = {k: (v or "").strip() for k, v in raw.items()}
        if not any(cells.values()):
            continue
        values: dict[str, Any] = {
            "name": cells.get("name", ""),
            "organisation": cells.get("organisation") or None,
            "sector": cells.get("sector") or None,
            "discipline": cells.get("discipline", ""),
            "address": cells.get("address") or None,
            "latitude": cells.get("latitude") or None,
            "longitude": cells.get("longitude") or None,
            "area_code": cells.get("area") or None,
            "network_code": cells.get("network") or None,
            "contact": cells.get("contact") or None,
        }
        try:
            rec = ActorCreate.model_validate(values)
            _check_place(entry, zone, rec.network_code, rec.area_code)
        except PydanticError as exc:
            problems.append(row_problem.format(i=i, problem=_row_problem(exc)))
            continue
        except ValidationError as exc:
            problems.append(row_problem.format(i=i, problem=str(exc)))
            continue
        records.append(rec)
    if problems:
        more = _("… and {n} more").format(n=len(problems) - 20)
        shown = problems[:20] + ([more] if len(problems) > 20 else [])
        raise ValidationError(
            ngettext(
                "{n} bad row, nothing imported", "{n} bad rows, nothing imported", len(problems)
            ).format(n=len(problems))
            + ": "
            + " | ".join(shown),
            file=file,
        )
    if not records:
        raise ValidationError(_("no rows to import"), file=file)
    return records


def import_csv(
    s: Session, entry: TerritoryEntry, zone: str, data: bytes, ctx: Ctx, *, file: str = "upload"
) -> int:
    """Import every row as a new actor of the zone, in the caller's one transaction."""
    entry.require_zone(zone)
    _require_edit(ctx.access, entry, zone, None)
    records = parse_csv(data, entry, zone, file=file)
    for rec in records:
        create_actor(s, entry, zone, rec, ctx, source=Source.IMPORT)
    return len(records)
