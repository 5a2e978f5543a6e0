"""Reading input files for importers, with errors that name the file, column and row.

Every reader checks that the file exists and parses, and that the columns it is asked for are
there; anything else raises a :class:`~mesocare.errors.ValidationError`.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Mapping
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


TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".parquet", ".xlsx")


def read_table(
    path: Path,
    what: str,
    *,
    delimiter: str | None = None,
    encoding: str = "utf-8-sig",
    sheet: str | int = 0,
) -> pd.DataFrame:
    """A CSV (delimiter sniffed unless given), Parquet or XLSX table, every cell as text.

    Empty cells are missing values; headers are stripped. Errors name the file.
    """
    require_file(path, what)
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise ValidationError(
            "unsupported table format",
            file=path,
            found=suffix or "no extension",
            expected=f"a table file ({', '.join(TABLE_SUFFIXES)}) with {what}",
        )
    try:
        if suffix == ".parquet":
            df = pd.read_parquet(path)
        elif suffix == ".xlsx":
            df = pd.read_excel(path, sheet_name=sheet, engine="openpyxl")
        else:
            df = pd.read_csv(
                path,
                sep=delimiter,
                engine="python" if delimiter is None else "c",
                dtype=str,
                encoding=encoding,
                skipinitialspace=True,
            )
    except Exception as exc:  # pandas, pyarrow and openpyxl raise many kinds on a damaged file
        raise ValidationError(
            "not a readable table",
            file=path,
            found=f"{type(exc).__name__}: {str(exc)[:120]}",
            expected=f"a {suffix[1:].upper()} file with {what}",
        ) from None
    df.columns = [str(c).strip() for c in df.columns]
    if df.columns.duplicated().any():
        raise ValidationError(
            "duplicate column", file=path, column=str(df.columns[df.columns.duplicated()][0])
        )
    return df.reset_index(drop=True).astype("string").apply(lambda c: c.str.strip())


def renamed(df: pd.DataFrame, columns: Mapping[str, str], kind: str) -> pd.DataFrame:
    """``df`` with the user's column names mapped to the field names: ``{"area_code": "nis"}``
    applies to every file, ``{"population.area_code": "NIS"}`` only to files of that ``kind``."""
    ren = {}
    for key, source in columns.items():
        scope, _, field = key.rpartition(".")
        if scope in ("", kind) and source in df.columns:
            ren[source] = field
    return df.rename(columns=ren)


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


def read_user_csv(path: Path, columns: list[str], what: str) -> pd.DataFrame:
    """A CSV a user wrote (UTF-8, separated by ``,``, ``;`` or tabs), every cell as stripped text.

    Refuses, naming the file and the row or column: a file that is not UTF-8 (the line of the
    first bad byte), an empty file or one without data rows, a missing column. Rows are counted as
    a user counts them: the first data row (after the header) is row 1.
    """
    require_file(path, what)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ValidationError(
            "not UTF-8 text",
            file=path,
            row=line - 1 if line > 1 else None,
            found=f"byte 0x{raw[exc.start]:02x} on line {line}",
            expected=f"a UTF-8 CSV file ({what}); save it as 'CSV UTF-8'",
        ) from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ValidationError("empty file", file=path, expected=f"a header row and {what}")
    header = lines[0]
    sep = max(("\t", ";", ","), key=header.count)
    try:
        df = pd.read_csv(
            io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, skip_blank_lines=False
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise ValidationError(
            "not a readable CSV file", file=path, found=str(exc), expected=what
        ) from None
    df.columns = [str(c).strip() for c in df.columns]
    require_columns(df, columns, path)
    df = df.apply(lambda col: col.str.strip())
    blank = (df == "").all(axis=1)
    df = df[~blank]
    if df.empty:
        raise ValidationError("no data rows", file=path, expected=what)
    df.index = df.index + 1  # the row number a user sees (header not counted)
    return df


def refuse_row(df: pd.DataFrame, bad: pd.Series, message: str, file: Path, column: str, **kw: Any):  # type: ignore[no-untyped-def]
    """Raise naming the first row of ``df`` where ``bad`` holds (``df`` from :func:`read_user_csv`)."""
    if bool(bad.any()):
        row = bad[bad].index[0]
        raise ValidationError(
            message, file=file, column=column, row=int(row), found=str(df.at[row, column]), **kw
        )
