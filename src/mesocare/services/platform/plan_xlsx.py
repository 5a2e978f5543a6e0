"""A plan as an XLSX workbook, one sheet per level (the shape a coordinator fills by hand), and
such a workbook read back: every bad cell is named (``Sheet!B3``) and nothing is stored unless the
whole workbook is right.

Sheets: Plan (field | value), Needs, Strategic, Operational, Actions (one row per objective or
action), Budget, Indicators, Targets and Actuals (one row per period). Lists are written
comma-separated (``N1, N2``); dates as dates (or ISO text).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from pydantic import BaseModel
from pydantic import ValidationError as PydanticError
from sqlalchemy.orm import Session

from mesocare.errors import MesocareError, ValidationError
from mesocare.i18n import _
from mesocare.organisation.plans import (
    ActualDoc,
    BudgetDoc,
    IndicatorDoc,
    ItemDoc,
    Level,
    NeedDoc,
    PlanDocument,
    Snapshot,
    check_period,
)
from mesocare.services.platform import plan_doc as D
from mesocare.services.platform import plans as P
from mesocare.services.platform.records import Ctx
from mesocare.services.platform.territories import TerritoryEntry

PLAN_FIELDS = (
    "format",
    "territory",
    "zone",
    "title",
    "template",
    "period_start",
    "period_end",
    "status",
    "vision",
    "contract_date",
)
SNAP = (
    "indicator_id",
    "unit_code",
    "value",
    "unit",
    "lower",
    "upper",
    "comparator",
    "comparator_value",
    "significance",
    "polarity",
    "reference_year",
    "source",
    "taken_on",
)
ITEM = (
    "key",
    "parent",
    "title",
    "description",
    "needs",
    "mission",
    "owner_actor_id",
    "partner_actor_ids",
    "start_date",
    "end_date",
    "status",
    "risks",
)
SHEETS: dict[str, tuple[str, ...]] = {
    "Needs": ("key", "kind", "title", "source", "description", *(f"snapshot_{k}" for k in SNAP)),
    "Strategic": ITEM,
    "Operational": ITEM,
    "Actions": ITEM,
    "Budget": ("item", "label", "funder", "planned_eur", "committed_eur", "spent_eur"),
    "Indicators": (
        "key",
        "item",
        "name",
        "unit",
        "higher_is_better",
        "baseline",
        "baseline_period",
        "need",
    ),
    "Targets": ("indicator", "period", "target"),
    "Actuals": ("indicator", "period", "value", "status", "comment", "review_comment"),
}
LEVEL_SHEET = {
    Level.STRATEGIC: "Strategic",
    Level.OPERATIONAL: "Operational",
    Level.ACTION: "Actions",
}
MAX_XLSX = 5_000_000


def _cell(v: Any) -> Any:
    if isinstance(v, list):
        return ", ".join(str(x) for x in v)
    if hasattr(v, "value") and not isinstance(v, (int, float, str)):
        return v.value  # an enum
    return v


def to_xlsx(doc: PlanDocument) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Plan"
    ws.append(["field", "value"])
    head = doc.model_dump(include=set(PLAN_FIELDS))
    for k in PLAN_FIELDS:
        ws.append([k, _cell(head.get(k))])
    rows: dict[str, list[list[Any]]] = {name: [] for name in SHEETS}
    for n in doc.needs:
        snap = n.snapshot.model_dump() if n.snapshot else {}
        rows["Needs"].append(
            [n.key, n.kind.value, n.title, n.source, n.description, *(snap.get(k) for k in SNAP)]
        )
    for it in doc.items:
        d = it.model_dump()
        rows[LEVEL_SHEET[it.level]].append(
            [_cell(d[k]) if k != "status" else it.status.value for k in ITEM]
        )
        for b in it.budget:
            rows["Budget"].append(
                [it.key, b.label, b.funder, b.planned_eur, b.committed_eur, b.spent_eur]
            )
    for item_key, ind in doc.walk_indicators():
        rows["Indicators"].append(
            [
                ind.key,
                item_key,
                ind.name,
                ind.unit,
                ind.higher_is_better,
                ind.baseline,
                ind.baseline_period,
                ind.need,
            ]
        )
        for period, target in ind.targets.items():
            rows["Targets"].append([ind.key, period, target])
        for a in ind.actuals:
            rows["Actuals"].append(
                [ind.key, a.period, a.value, a.status.value, a.comment, a.review_comment]
            )
    for name, columns in SHEETS.items():
        sh = wb.create_sheet(name)
        sh.append(list(columns))
        for r in rows[name]:
            sh.append([_cell(v) for v in r])
        for i, c in enumerate(columns, start=1):
            sh.column_dimensions[get_column_letter(i)].width = max(12, min(40, len(c) + 4))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ----- reading ---------------------------------------------------------------------------------
class Problems:
    """The bad cells of a workbook, each named ``Sheet!A1``."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def add(self, cell: str, what: str) -> None:
        self.items.append((cell, what))


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _convert(kind: str, v: Any) -> Any:
    """A cell's value as ``kind`` wants it (ValueError when it cannot be)."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    if kind == "date":
        if isinstance(v, dt.datetime):
            return v.date()
        if isinstance(v, dt.date):
            return v
        return dt.date.fromisoformat(str(v).strip())
    if kind == "number":
        if isinstance(v, bool):
            raise ValueError("not a number")
        return float(v)
    if kind == "int":
        f = float(v)
        if not f.is_integer():
            raise ValueError("not a whole number")
        return int(f)
    if kind == "ints":
        return [int(x) for x in str(v).replace(";", ",").split(",") if x.strip()]
    if kind == "keys":
        return [x.strip() for x in str(v).replace(";", ",").split(",") if x.strip()]
    if kind == "bool":
        if isinstance(v, bool):
            return v
        t = str(v).strip().lower()
        if t in ("true", "yes", "1", "ja", "oui"):
            return True
        if t in ("false", "no", "0", "nee", "non"):
            return False
        raise ValueError("not true or false")
    if kind == "period":
        return check_period(_text(v))
    return _text(v)


KINDS: dict[str, str] = {
    "period_start": "date",
    "period_end": "date",
    "contract_date": "date",
    "start_date": "date",
    "end_date": "date",
    "snapshot_taken_on": "date",
    "planned_eur": "number",
    "committed_eur": "number",
    "spent_eur": "number",
    "baseline": "number",
    "target": "number",
    "value": "number",
    "snapshot_value": "number",
    "snapshot_lower": "number",
    "snapshot_upper": "number",
    "snapshot_comparator_value": "number",
    "snapshot_reference_year": "int",
    "owner_actor_id": "int",
    "partner_actor_ids": "ints",
    "needs": "keys",
    "higher_is_better": "bool",
    "period": "period",
    "baseline_period": "period",
}


def _rows(wb: Any, name: str, probs: Problems) -> list[tuple[int, dict[str, Any], dict[str, str]]]:
    """The data rows of a sheet: (row number, values by column, cell by column)."""
    if name not in wb.sheetnames:
        probs.add(f"{name}!A1", _("the sheet {sheet} is missing").format(sheet=name))
        return []
    ws = wb[name]
    columns = SHEETS[name]
    header = [_text(c.value) for c in next(ws.iter_rows(min_row=1, max_row=1), [])]
    for i, c in enumerate(columns):
        got = header[i] if i < len(header) else ""
        if got != c:
            probs.add(
                f"{name}!{get_column_letter(i + 1)}1",
                _("the column heading must be '{want}', found '{found}'").format(want=c, found=got),
            )
            return []
    out = []
    for r, row in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        cells = list(row)
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells):
            continue
        for j in range(len(columns), len(cells)):
            if cells[j] not in (None, ""):
                probs.add(f"{name}!{get_column_letter(j + 1)}{r}", _("a value outside the columns"))
        values: dict[str, Any] = {}
        where: dict[str, str] = {}
        for j, c in enumerate(columns):
            ref = f"{name}!{get_column_letter(j + 1)}{r}"
            where[c] = ref
            raw = cells[j] if j < len(cells) else None
            try:
                values[c] = _convert(KINDS.get(c, "text"), raw)
            except (ValueError, TypeError) as e:
                probs.add(ref, _("cannot read '{found}': {why}").format(found=_text(raw), why=e))
                values[c] = None
        out.append((r, values, where))
    return out


def _model(
    model: type[BaseModel],
    values: dict[str, Any],
    where: dict[str, str],
    probs: Problems,
    fallback: str,
) -> Any:
    try:
        return model.model_validate({k: v for k, v in values.items() if v is not None})
    except PydanticError as exc:
        for e in exc.errors():
            field = str(e["loc"][0]) if e["loc"] else ""
            probs.add(where.get(field, fallback), str(e["msg"]).removeprefix("Value error, "))
        return None


def read_xlsx(data: bytes, *, file: str = "plan.xlsx") -> tuple[PlanDocument, dict[str, str]]:
    """The document a workbook holds, and where each of its parts is (for the later checks);
    a :class:`ValidationError` naming every bad cell."""
    if len(data) > MAX_XLSX:
        raise ValidationError(_("the workbook is too large"), file=file)
    try:
        wb = load_workbook(io.BytesIO(data), data_only=True, read_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise ValidationError(
            _("not an XLSX workbook"), file=file, found=type(e).__name__
        ) from None
    probs = Problems()
    head: dict[str, Any] = {}
    head_where: dict[str, str] = {}
    if "Plan" not in wb.sheetnames:
        probs.add("Plan!A1", _("the sheet {sheet} is missing").format(sheet="Plan"))
    else:
        ws = wb["Plan"]
        for r, (k, v, *_rest) in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
            key = _text(k)
            if not key:
                continue
            if key not in PLAN_FIELDS:
                probs.add(f"Plan!A{r}", _("unknown field '{field}'").format(field=key))
                continue
            head_where[key] = f"Plan!B{r}"
            try:
                head[key] = _convert(KINDS.get(key, "text"), v)
            except (ValueError, TypeError) as e:
                probs.add(
                    f"Plan!B{r}", _("cannot read '{found}': {why}").format(found=_text(v), why=e)
                )
        for k in ("territory", "zone", "title", "template", "period_start", "period_end"):
            if not head.get(k) and k not in {c for c, _w in probs.items}:
                probs.add(head_where.get(k, "Plan!A1"), _("'{field}' is required").format(field=k))
    if (
        head.get("period_start")
        and head.get("period_end")
        and head["period_end"] < head["period_start"]
    ):
        probs.add(head_where["period_end"], _("the period ends before it starts"))
    where: dict[str, str] = {f"plan.{k}": v for k, v in head_where.items()}
    needs = []
    for _r, v, w in _rows(wb, "Needs", probs):
        snap_values = {k: v.pop(f"snapshot_{k}") for k in SNAP}
        snap = None
        if any(x is not None for x in snap_values.values()):
            snap = _model(
                Snapshot, snap_values, {k: w[f"snapshot_{k}"] for k in SNAP}, probs, w["key"]
            )
        n = _model(NeedDoc, v, w, probs, w["key"])
        if n is not None:
            needs.append(n.model_copy(update={"snapshot": snap}))
            where[f"needs.{n.key}"] = w["key"]
    items: dict[str, ItemDoc] = {}
    for level, sheet in LEVEL_SHEET.items():
        for _r, v, w in _rows(wb, sheet, probs):
            v = {
                **v,
                "level": level.value,
                "partner_actor_ids": v.get("partner_actor_ids") or [],
                "needs": v.get("needs") or [],
            }
            it = _model(ItemDoc, v, w, probs, w["key"])
            if it is None:
                continue
            if it.key in items:
                probs.add(w["key"], _("the key {key} appears twice").format(key=it.key))
                continue
            items[it.key] = it
            for part, col in (
                ("parent", "parent"),
                ("needs", "needs"),
                ("actors", "owner_actor_id"),
                ("end_date", "end_date"),
            ):
                where[f"items.{it.key}.{part}"] = w[col]
            where[f"items.{it.key}"] = w["key"]
    budget: dict[str, list[BudgetDoc]] = {}
    for _r, v, w in _rows(wb, "Budget", probs):
        key = v.pop("item") or ""
        if key not in items:
            probs.add(w["item"], _("no objective or action {key}").format(key=key))
            continue
        b = _model(BudgetDoc, v, w, probs, w["label"])
        if b is not None:
            budget.setdefault(key, []).append(b)
    indicators: dict[str, tuple[str | None, dict[str, Any]]] = {}
    for _r, v, w in _rows(wb, "Indicators", probs):
        item = v.pop("item") or None
        if item is not None and item not in items:
            probs.add(w["item"], _("no objective or action {key}").format(key=item))
            continue
        key = v.get("key") or ""
        if key in indicators:
            probs.add(w["key"], _("the key {key} appears twice").format(key=key))
            continue
        v["higher_is_better"] = True if v.get("higher_is_better") is None else v["higher_is_better"]
        indicators[key] = (item, {**v, "targets": {}, "actuals": [], "_where": w})
        where[f"indicators.{key}"] = w["key"]
        where[f"indicators.{key}.need"] = w["need"]
    for _r, v, w in _rows(wb, "Targets", probs):
        key = v.get("indicator") or ""
        if key not in indicators:
            probs.add(w["indicator"], _("no indicator {key}").format(key=key))
        elif v.get("period") is None or v.get("target") is None:
            probs.add(
                w["period"] if v.get("period") is None else w["target"],
                _("a target needs a period and a value"),
            )
        elif v["period"] in indicators[key][1]["targets"]:
            probs.add(w["period"], _("a period appears twice"))
        else:
            indicators[key][1]["targets"][v["period"]] = v["target"]
    for _r, v, w in _rows(wb, "Actuals", probs):
        key = v.pop("indicator") or ""
        if key not in indicators:
            probs.add(w["indicator"], _("no indicator {key}").format(key=key))
            continue
        a = _model(ActualDoc, v, w, probs, w["period"])
        if a is not None:
            if any(x.period == a.period for x in indicators[key][1]["actuals"]):
                probs.add(w["period"], _("a period appears twice"))
            indicators[key][1]["actuals"].append(a)
    ind_docs: dict[str | None, list[IndicatorDoc]] = {}
    for item, v in indicators.values():
        w = v.pop("_where")
        ind = _model(IndicatorDoc, v, w, probs, w["key"])
        if ind is not None:
            ind_docs.setdefault(item, []).append(ind)
    doc = None
    if not probs.items:
        doc = _model(
            PlanDocument,
            {
                **head,
                "needs": needs,
                "indicators": ind_docs.get(None, []),
                "items": [
                    it.model_copy(
                        update={"budget": budget.get(k, []), "indicators": ind_docs.get(k, [])}
                    )
                    for k, it in items.items()
                ],
            },
            head_where,
            probs,
            "Plan!A1",
        )
    if probs.items or doc is None:
        raise _refusal(probs, file)
    return doc, where


def _refusal(probs: Problems, file: str) -> ValidationError:
    listed = "; ".join(f"{cell}: {what}" for cell, what in probs.items[:50])
    more = len(probs.items) - 50
    if more > 0:
        listed += " " + _("(and {n} more)").format(n=more)
    e = ValidationError(
        _("the workbook was not imported: {problems}").format(problems=listed), file=file
    )
    e.cells = [c for c, _w in probs.items]  # type: ignore[attr-defined]
    return e


def import_xlsx(
    s: Session,
    entry_of: Callable[[str], TerritoryEntry],
    data: bytes,
    ctx: Ctx,
    *,
    file: str = "plan.xlsx",
) -> int:
    """Store the workbook as a new plan of its zone (in the caller's transaction); its id."""
    doc, where = read_xlsx(data, file=file)
    probs = Problems()
    try:
        entry = entry_of(doc.territory)
        entry.require_zone(doc.zone)
    except MesocareError as e:
        probs.add(where.get("plan.zone", "Plan!A1"), str(e))
        raise _refusal(probs, file) from None
    for path, what in D.check_document(doc, set(P.zone_actors(s, entry.id, doc.zone))):
        cell = where.get(path) or where.get(path.rsplit(".", 1)[0], "Plan!A1")
        probs.add(cell, what)
    if probs.items:
        raise _refusal(probs, file)
    return D.store_document(s, entry, doc, ctx, file=file)
