"""A governance body for batch work: its members imported from a CSV (every row or none, the error
naming every bad row), and the body exported (its composition with the check of the rules, its
meetings, and its decisions with each cluster's tally) as JSON or as a long CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

from pydantic import ValidationError as PydanticError
from sqlalchemy.orm import Session

from mesocare.errors import MesocareError, TooLargeError, ValidationError
from mesocare.i18n import _, fmt_int, ngettext
from mesocare.organisation.governance_records import MemberCreate
from mesocare.services.platform import governance as G
from mesocare.services.platform import governance_meetings as M
from mesocare.services.platform.access import Access
from mesocare.services.platform.records import Ctx

MEMBER_COLUMNS = ("cluster", "name", "organisation", "actor_id", "since")
MEMBER_REQUIRED = ("cluster", "name")
MAX_IMPORT_BYTES = 1_000_000
MAX_IMPORT_ROWS = 1_000
#: the columns of the CSV export, one row per cluster of the composition, per breach of a rule,
#: and per cluster of each decision's tally
EXPORT_COLUMNS = (
    "section",
    "meeting_date",
    "meeting",
    "item",
    "decision",
    "motion",
    "subject",
    "outcome",
    "cluster",
    "seats",
    "members",
    "vacancies",
    "for",
    "against",
    "abstain",
    "absent",
    "quorum_met",
    "majority_met",
    "passed",
    "note",
)


# ----- members from a CSV ----------------------------------------------------------------------
def _bad_rows(problems: list[str], file: str) -> ValidationError:
    more = _("… and {n} more").format(n=len(problems) - 20)
    shown = problems[:20] + ([more] if len(problems) > 20 else [])
    return ValidationError(
        ngettext(
            "{n} bad row, nothing imported", "{n} bad rows, nothing imported", len(problems)
        ).format(n=len(problems))
        + ": "
        + " | ".join(shown),
        file=file,
    )


def parse_members(data: bytes, *, file: str) -> list[tuple[int, MemberCreate]]:
    """Every row of a members CSV (with its row number), or one error naming every bad row."""
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
    for col in MEMBER_REQUIRED:
        if col not in header:
            raise ValidationError(
                _("missing column"), file=file, column=col, expected=", ".join(MEMBER_COLUMNS)
            )
    for col in header:
        if col not in MEMBER_COLUMNS:
            raise ValidationError(
                _("unknown column"), file=file, column=col, expected=", ".join(MEMBER_COLUMNS)
            )
    reader.fieldnames = header
    rows: list[tuple[int, MemberCreate]] = []
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
        try:
            rows.append((i, MemberCreate.model_validate({k: v for k, v in cells.items() if v})))
        except PydanticError as exc:
            why = "; ".join(
                f"{'.'.join(str(x) for x in e['loc']) or 'row'}: {e['msg']}" for e in exc.errors()
            )
            problems.append(row_problem.format(i=i, problem=why))
    if problems:
        raise _bad_rows(problems, file)
    if not rows:
        raise ValidationError(_("no rows to import"), file=file)
    return rows


def import_members(
    s: Session, zone: str, body_id: int, data: bytes, ctx: Ctx, *, file: str = "upload"
) -> int:
    """Seat every row as a member of the body, in the caller's one transaction: a row the
    composition rules or the zone's actors refuse makes the whole import fail, naming the row."""
    body = G.get_body(s, body_id, ctx.access)
    if body.zone_code != zone:
        raise ValidationError(
            _("body {id} is not a body of zone {zone}").format(id=body_id, zone=zone),
            column="body",
            found=body.zone_code,
        )
    G.require_manage(ctx.access, body.territory, body.zone_code)
    rows = parse_members(data, file=file)
    problems: list[str] = []
    for i, member in rows:
        try:  # the rules refuse a row before anything of it is written: go on with the next
            G.add_member(s, body_id, member, ctx)
        except MesocareError as exc:
            problems.append(_("row {i}: {problem}").format(i=i, problem=str(exc)))
    if problems:
        raise _bad_rows(problems, file)
    return len(rows)


# ----- the body exported -----------------------------------------------------------------------
def export_body(s: Session, body_id: int, access: Access) -> dict[str, Any]:
    """The body as JSON-ready data: composition and its check, meetings, decisions, tallies."""
    body = G.public(s, G.get_body(s, body_id, access))
    meetings = [M.meeting_public(s, m) for m in M.meetings_of(s, body_id)]
    return {
        "body": body.model_dump(mode="json", by_alias=True),
        "complies": not body.breaches,
        "meetings": [m.model_dump(mode="json", by_alias=True) for m in reversed(meetings)],
    }


def export_csv(doc: dict[str, Any]) -> str:
    """The export as one long table (see :data:`EXPORT_COLUMNS`)."""
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    w.writeheader()
    body = doc["body"]
    for c in body["clusters"]:
        w.writerow(
            {
                "section": "composition",
                "cluster": c["cluster"],
                "seats": c["seats"],
                "members": c["members"],
                "vacancies": c["vacancies"],
            }
        )
    for b in body["breaches"]:
        w.writerow({"section": "breach", "cluster": b["cluster"], "note": b["message"]})
    for m in doc["meetings"]:
        for item in m["items"]:
            for d in item["decisions"]:
                subject = (
                    f"{d['subject_type']}:{d['subject_id']}@{d['subject_version']}"
                    if d["subject_type"]
                    else ""
                )
                common = {
                    "meeting_date": m["held_on"],
                    "meeting": m["title"],
                    "item": item["title"],
                    "decision": d["id"],
                    "motion": d["motion"],
                    "subject": subject,
                    "outcome": d["outcome"],
                }
                if not d["tally"]:
                    w.writerow({"section": "decision", **common})
                for t in d["tally"]:
                    w.writerow(
                        {
                            "section": "decision",
                            **common,
                            "cluster": t["cluster"],
                            "members": t["members"],
                            **{k: t[k] for k in ("for", "against", "abstain", "absent")},
                            "quorum_met": t["quorum_met"],
                            "majority_met": t["majority_met"],
                            "passed": t["passed"],
                            "note": "" if t["votes"] else "does not vote",
                        }
                    )
    return out.getvalue()


__all__ = ["export_body", "export_csv", "import_members", "parse_members"]
