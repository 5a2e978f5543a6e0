"""Reading input files for importers, with errors that name the file, column and row.

Every reader checks that the file exists and parses, and that the columns it is asked for are
there; anything else raises a :class:`~mesocare.errors.ValidationError`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from mesocare.errors import ValidationError

_NIS = re.compile(r"^\d{5}$")


def require_file(path: Path, what: str) -> Path:
    """``path`` if it is a file, else a ValidationError saying what the file should hold."""
    if not path.is_file():
        raise ValidationError("missing input file", file=path, expected=what)
    return path


def require_columns(df: pd.DataFrame, columns: list[str], file: Path) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValidationError(
            f"missing column(s) {', '.join(missing)}",
            file=file,
            column=missing[0],
            found=f"columns {', '.join(map(str, df.columns))}",
            expected=f"columns {', '.join(columns)}",
        )


def read_excel(path: Path, columns: list[str], what: str) -> pd.DataFrame:
    """The first sheet of an Excel file, with at least ``columns``."""
    require_file(path, what)
    try:
        df = pd.read_excel(path, sheet_name=0, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise ValidationError(
            "not a readable Excel file", file=path, found=type(exc).__name__, expected=what
        ) from exc
    require_columns(df, columns, path)
    return df


def read_csv(path: Path, columns: list[str], what: str, **kwargs: Any) -> pd.DataFrame:
    """A delimited text file with at least ``columns`` (every column read as text)."""
    require_file(path, what)
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, **kwargs)
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise ValidationError(
            "not a readable delimited text file",
            file=path,
            found=type(exc).__name__,
            expected=what,
        ) from exc
    require_columns(df, columns, path)
    return df


def read_json(path: Path, what: str) -> Any:
    require_file(path, what)
    try:
        with path.open(encoding="utf-8-sig") as fh:
            return json.load(fh)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError(
            "not a readable JSON file", file=path, found=str(exc), expected=what
        ) from exc


def nis_codes(values: pd.Series, file: Path, column: str) -> pd.Series:
    """Five-digit NIS codes as text (numbers read from Excel lose their leading zero)."""
    text = values.map(lambda v: str(int(v)) if isinstance(v, (int, float)) and v == v else str(v))
    text = text.str.strip().str.zfill(5)
    bad = ~text.str.match(_NIS)
    if bool(bad.any()):
        i = int(bad.to_numpy().nonzero()[0][0])
        raise ValidationError(
            "not a NIS code",
            file=file,
            column=column,
            row=i + 2,
            found=str(values.iloc[i]),
            expected="a five-digit NIS code",
        )
    return text


def numbers(values: pd.Series, file: Path, column: str, *, row_offset: int = 2) -> pd.Series:
    """Numeric values; the first non-number raises naming its row (header = row 1)."""
    num = pd.to_numeric(values, errors="coerce")
    bad = num.isna()
    if bool(bad.any()):
        i = int(bad.to_numpy().nonzero()[0][0])
        raise ValidationError(
            "not a number",
            file=file,
            column=column,
            row=i + row_offset,
            found=str(values.iloc[i]),
            expected="a number in every row",
        )
    return num
