"""A maturity framework from a user's file: the way to load one's own copy of the HSO Integrated
People-Centred Health Systems criteria (a licensed text Mesocare cannot ship).

The layout (CSV in UTF-8 separated by ``,``, ``;`` or tabs, or the first sheet of an XLSX
workbook), one criterion per row after a header row; the column order is free:

================  ========  ===========================================================
column            required  holds
================  ========  ===========================================================
``dimension``     yes       the dimension (section) the criterion belongs to, as text
``criterion_id``  yes       a unique id (letters, digits, ``.``, ``_``, ``-``), e.g. ``1.2.3``
``text``          yes       the criterion's text, in the language of the user's copy
``scale``         yes       the same on every row: ``0-4`` (consecutive whole levels) or the
                            levels' descriptors separated by ``|`` from the lowest
                            (``not met|partly met|met``: levels 0, 1, 2)
``importance``    no        a number > 0 (empty: 1), the weight of a gap on the item
================  ========  ===========================================================

Anything wrong is refused naming the file and the cell (XLSX: ``Sheet!C4``; CSV: the column and
the data row, the first data row being row 1), what was found and what was expected.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from mesocare.errors import ValidationError
from mesocare.organisation.maturity import Criterion, Dimension, Framework, Level, Text

REQUIRED = ("dimension", "criterion_id", "text", "scale")
OPTIONAL = ("importance",)
ID = re.compile(r"^[A-Za-z0-9._-]{1,40}$")
RANGE = re.compile(r"^\s*(\d{1,2})\s*-\s*(\d{1,2})\s*$")


@dataclass(frozen=True)
class _Cell:
    value: str
    where: str  # "Sheet!C4" or "3" (a CSV data row)


def _letter(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def _rows_csv(path: Path, shown: str | Path) -> list[dict[str, _Cell]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ValidationError(
            "not UTF-8 text", file=shown, row=line, expected="a UTF-8 CSV file"
        ) from None
    first = text.splitlines()[0] if text.strip() else ""
    sep = max((",", ";", "\t"), key=first.count)
    reader = list(csv.reader(io.StringIO(text), delimiter=sep))
    return _records(shown, reader, lambda r, c: str(r))


def _rows_xlsx(path: Path, shown: str | Path) -> list[dict[str, _Cell]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable workbook is the user's file
        raise ValidationError(
            "not a readable XLSX workbook", file=shown, expected="an .xlsx file"
        ) from None
    ws = wb.worksheets[0]
    rows = [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
    wb.close()
    title = ws.title
    return _records(shown, rows, lambda r, c: f"{title}!{_letter(c)}{r + 1}")


def _records(path: str | Path, rows: list[list[str]], where) -> list[dict[str, _Cell]]:  # type: ignore[no-untyped-def]
    rows = [r for r in rows if any(str(v).strip() for v in r)] if rows else []
    if not rows:
        raise ValidationError("empty file", file=path, expected="a header row and criteria")
    header = [h.strip().lower() for h in rows[0]]
    for name in REQUIRED:
        if name not in header:
            raise ValidationError(
                "missing column", file=path, column=name, expected=", ".join(REQUIRED)
            )
    if len(rows) < 2:
        raise ValidationError("no criteria after the header row", file=path)
    cols = {n: header.index(n) for n in (*REQUIRED, *OPTIONAL) if n in header}
    out = []
    for r, row in enumerate(rows[1:], start=1):
        cells = {}
        for n, c in cols.items():
            v = row[c].strip() if c < len(row) else ""
            cells[n] = _Cell(v, where(r, c))
        out.append(cells)
    return out


def _scale(cell: _Cell, file: str | Path, column: str) -> list[Level]:
    m = RANGE.match(cell.value)
    if m:
        lo, hi = int(m.group(1)), int(m.group(2))
        if hi > lo:
            return [Level(value=v, label=Text.same(str(v))) for v in range(lo, hi + 1)]
    parts = [p.strip() for p in cell.value.split("|")]
    if len(parts) >= 2 and all(parts):
        return [Level(value=i, label=Text.same(p)) for i, p in enumerate(parts)]
    raise ValidationError(
        "not a scale",
        file=file,
        column=column,
        row=cell.where,
        found=cell.value,
        expected="a range such as 0-4, or two or more descriptors separated by |",
    )


def load_framework_file(
    path: Path, name: str, *, source: str = "", shown_as: str | None = None
) -> Framework:
    """The framework in ``path`` (``.csv`` or ``.xlsx``), named ``name``; messages name the file
    ``shown_as`` (an upload's own name) when given."""
    shown: str | Path = shown_as or path
    if not path.is_file():
        raise ValidationError("no such file", file=shown)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValidationError(
            "unknown file type", file=shown, found=suffix, expected=".csv or .xlsx"
        )
    rows = _rows_csv(path, shown) if suffix == ".csv" else _rows_xlsx(path, shown)
    scale: list[Level] | None = None
    scale_text = ""
    dims: dict[str, list[Criterion]] = {}
    seen: set[str] = set()
    for cells in rows:
        for n in REQUIRED:
            if not cells[n].value:
                raise ValidationError(
                    "empty cell", file=shown, column=n, row=cells[n].where, expected="a value"
                )
        cid = cells["criterion_id"]
        if not ID.match(cid.value):
            raise ValidationError(
                "not a criterion id",
                file=shown,
                column="criterion_id",
                row=cid.where,
                found=cid.value,
                expected="letters, digits, '.', '_' or '-' (at most 40)",
            )
        if cid.value in seen:
            raise ValidationError(
                "criterion id given twice",
                file=shown,
                column="criterion_id",
                row=cid.where,
                found=cid.value,
                expected="a unique id",
            )
        seen.add(cid.value)
        sc = cells["scale"]
        if scale is None:
            scale, scale_text = _scale(sc, shown, "scale"), sc.value
        elif sc.value != scale_text:
            raise ValidationError(
                "a different scale from the first row's",
                file=shown,
                column="scale",
                row=sc.where,
                found=sc.value,
                expected=scale_text,
            )
        importance = 1.0
        imp = cells.get("importance")
        if imp is not None and imp.value:
            try:
                importance = float(imp.value.replace(",", "."))
            except ValueError:
                importance = -1.0
            if not 0 < importance <= 10:
                raise ValidationError(
                    "not an importance",
                    file=shown,
                    column="importance",
                    row=imp.where,
                    found=imp.value,
                    expected="a number above 0 and at most 10",
                )
        text = cells["text"]
        if len(text.value) > 2000 or len(cells["dimension"].value) > 2000:
            raise ValidationError(
                "text too long", file=shown, column="text", row=text.where, expected="≤ 2000 chars"
            )
        dims.setdefault(cells["dimension"].value, []).append(
            Criterion(id=cid.value, text=Text.same(text.value), importance=importance)
        )
    assert scale is not None
    dimensions = [
        Dimension(key=f"d{i}", label=Text.same(label), criteria=crit)
        for i, (label, crit) in enumerate(dims.items(), start=1)
    ]
    return Framework(
        name=name,
        source=source or f"user file {path.name}",
        label=Text.same(name),
        scale=scale,
        dimensions=dimensions,
    )


__all__ = ["OPTIONAL", "REQUIRED", "load_framework_file"]
