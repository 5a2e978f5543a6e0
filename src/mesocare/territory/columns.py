"""The one table checker: typed column specs and :func:`check_table`.

A :class:`TableSchema` lists its :class:`Column` specs (name, kind, nullable, allowed values,
bounds, uniqueness). :func:`check_table` checks a DataFrame against it, column by column and
vectorised, and raises a :class:`~mesocare.errors.ValidationError` on the first bad row, naming the
file, the column, the 1-based row (as a user counts rows in a file, header not counted), what was
found and what was expected. It returns a copy with normalised dtypes.

A schema marked ``person_level`` (persons, diagnoses…) never puts a found value into a message:
only the file, column, row and the expectation.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from mesocare.errors import ValidationError


class Kind(StrEnum):
    """What a column holds, and the dtype :func:`check_table` gives it."""

    TEXT = "text"  # string
    ID = "id"  # a pseudonymous id: text (string) or whole number (int64)
    INT = "int"  # int64, or Int64 when nullable
    FLOAT = "float"  # float64
    BOOL = "bool"  # boolean
    DATE = "date"  # datetime64[s], day precision
    CATEGORY = "category"  # text among ``allowed``


_EMPTY_DTYPES = {
    Kind.TEXT: "string",
    Kind.ID: "string",
    Kind.INT: "Int64",
    Kind.FLOAT: "float64",
    Kind.BOOL: "boolean",
    Kind.DATE: "datetime64[s]",
    Kind.CATEGORY: "string",
}


@dataclass(frozen=True)
class Column:
    """One column's spec; checks itself on creation."""

    name: str
    kind: Kind
    nullable: bool = False
    allowed: tuple[str, ...] | None = None
    min_value: float | None = None
    max_value: float | None = None
    unique: bool = False

    def __post_init__(self) -> None:
        if (self.kind is Kind.CATEGORY) != (self.allowed is not None):
            raise ValueError(f"column {self.name}: allowed values go with kind category only")
        bounded = self.min_value is not None or self.max_value is not None
        if bounded and self.kind not in (Kind.INT, Kind.FLOAT):
            raise ValueError(f"column {self.name}: bounds go with int or float columns only")


@dataclass(frozen=True)
class TableSchema:
    """A table's columns, in order.

    ``keep_extra``: other columns pass through unchanged (else they are dropped and the index is
    reset). ``person_level``: messages never carry a found value.
    """

    name: str
    columns: tuple[Column, ...]
    keep_extra: bool = True
    person_level: bool = False

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def empty(self) -> pd.DataFrame:
        """An empty table with these columns and the dtypes :func:`check_table` gives them."""
        return pd.DataFrame(
            {c.name: pd.Series([], dtype=_EMPTY_DTYPES[c.kind]) for c in self.columns}
        )


class _Checker:
    """Raises on the first bad row of one column; hides found values of person-level tables."""

    def __init__(self, schema: TableSchema, file: str, column: str, row_offset: int = 0) -> None:
        self.schema, self.file, self.column = schema, file, column
        self.row_offset = row_offset

    def fail(self, what: str, *, found: str, expected: str) -> None:
        """Raise for the whole column; ``found`` describes the column (its dtype), not a cell."""
        raise ValidationError(
            what, file=self.file, column=self.column, found=found, expected=expected
        )

    def first_bad(
        self,
        bad: np.ndarray | pd.Series,
        what: str,
        *,
        values: pd.Series | None = None,
        show: Any = str,
        expected: str | None = None,
    ) -> None:
        """Raise naming the first True row of ``bad`` (and its value in ``values``), if any."""
        mask = np.asarray(bad, dtype=bool)
        if not mask.any():
            return
        i = int(np.flatnonzero(mask)[0])
        found = None
        if values is not None and not self.schema.person_level:
            found = show(values.iloc[i])
        raise ValidationError(
            what,
            file=self.file,
            column=self.column,
            row=self.row_offset + i + 1,
            found=found,
            expected=expected,
        )


def _is_text(s: pd.Series, nulls: np.ndarray) -> np.ndarray:
    if pd.api.types.is_string_dtype(s.dtype) and s.dtype != object:
        return np.ones(len(s), dtype=bool)
    return nulls | s.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)


def _check_column(s: pd.Series, col: Column, ck: _Checker) -> pd.Series:
    """The column with its normalised dtype, or a raise on its first bad row."""
    nulls = s.isna().to_numpy(dtype=bool)
    if not col.nullable:
        ck.first_bad(nulls, "empty value", expected="a value in every row")
    kind = col.kind
    if kind is Kind.ID:
        if pd.api.types.is_integer_dtype(s.dtype):
            return s.astype("int64")
        if not (pd.api.types.is_string_dtype(s.dtype) or s.dtype == object):
            ck.fail("wrong type", found=str(s.dtype), expected="a text or integer pseudonymous id")
        ck.first_bad(
            ~_is_text(s, nulls), "wrong type", expected="a text or integer pseudonymous id"
        )
        return s.astype("string")
    if kind in (Kind.TEXT, Kind.CATEGORY):
        ck.first_bad(
            ~_is_text(s, nulls),
            "wrong type",
            values=s,
            show=lambda v: type(v).__name__,
            expected="text",
        )
        out = s.astype("string")
        if col.allowed is not None:
            ok = out.isin(col.allowed).fillna(False).to_numpy(dtype=bool)
            ck.first_bad(
                ~nulls & ~ok,
                "unknown value",
                values=out,
                expected="one of " + ", ".join(col.allowed),
            )
        return out
    if kind is Kind.DATE:
        text = s.dtype == object or pd.api.types.is_string_dtype(s.dtype)
        if not (text or pd.api.types.is_datetime64_any_dtype(s.dtype) or nulls.all()):
            ck.fail("wrong type", found=str(s.dtype), expected="dates (YYYY-MM-DD)")
        d = (
            pd.to_datetime(s, errors="coerce", format="mixed")
            if text
            else pd.to_datetime(s, errors="coerce")
        )
        ck.first_bad(
            ~nulls & d.isna().to_numpy(), "not a date", values=s, expected="a date (YYYY-MM-DD)"
        )
        return d.dt.floor("D").astype("datetime64[s]")
    if kind is Kind.BOOL:
        if not (pd.api.types.is_bool_dtype(s.dtype) or nulls.all()):
            ok = nulls | s.isin([True, False, 0, 1]).to_numpy(dtype=bool)
            ck.first_bad(~ok, "not true/false", values=s, expected="true or false")
        return s.astype("boolean")
    # int, float
    num = pd.to_numeric(s, errors="coerce")
    ck.first_bad(~nulls & num.isna().to_numpy(), "not a number", values=s, expected="a number")
    if kind is Kind.INT:
        frac = ~nulls & (num.fillna(0) % 1 != 0).to_numpy()
        ck.first_bad(frac, "not a whole number", values=num, show=float, expected="a whole number")
        vals: pd.Series = num.astype("Int64" if col.nullable else "int64")
    else:
        vals = num.astype("float64")
        infinite = ~nulls & ~np.isfinite(vals.to_numpy(dtype="float64", na_value=0.0))
        ck.first_bad(infinite, "not a finite number", values=vals, show=float, expected="a number")
    if col.min_value is not None:
        low = ~nulls & (vals < col.min_value).fillna(False).to_numpy(dtype=bool)
        ck.first_bad(
            low, "value too small", values=vals, show=float, expected=f">= {col.min_value}"
        )
    if col.max_value is not None:
        high = ~nulls & (vals > col.max_value).fillna(False).to_numpy(dtype=bool)
        ck.first_bad(
            high, "value too large", values=vals, show=float, expected=f"<= {col.max_value}"
        )
    return vals


def check_table(
    df: pd.DataFrame, schema: TableSchema, *, file: str | None = None, row_offset: int = 0
) -> pd.DataFrame:
    """Check ``df`` against ``schema`` and return a copy with normalised dtypes.

    Raises a :class:`~mesocare.errors.ValidationError` on the first missing column or bad row;
    ``file`` (default: the schema's name) is what the message names; ``row_offset`` is added to
    row numbers (``df`` is a later slice of the file).
    """
    src = file or schema.name
    missing = [c for c in schema.column_names if c not in df.columns]
    if missing:
        raise ValidationError(
            f"missing column(s) {', '.join(missing)}",
            file=src,
            expected="columns " + ", ".join(schema.column_names),
        )
    out = df.copy() if schema.keep_extra else df[schema.column_names].reset_index(drop=True)
    for col in schema.columns:
        ck = _Checker(schema, src, col.name, row_offset)
        values = out[col.name]
        checked = _check_column(values.reset_index(drop=True), col, ck)
        out[col.name] = checked.set_axis(out.index)
        if col.unique:
            dup = out[col.name].duplicated().to_numpy()
            ck.first_bad(dup, "duplicate value", values=out[col.name], expected="unique values")
    return out
