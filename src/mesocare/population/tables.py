"""The ``persons/`` folder: person-level tables stored, read back and validated.

Person-level records are sensitive, so they never go into the Territory bundle: they live in their
own folder (one Parquet file per table and a small ``persons.toml`` manifest), written atomically.
Their schemas and validation live in :mod:`mesocare.territory.person_tables`; messages name the
file, the column and the 1-based row, never a value of person data.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import tomli_w

from mesocare.atomic import folder_swap, read_text
from mesocare.errors import ValidationError
from mesocare.territory.person_tables import SCHEMAS, TABLES, PersonTables, check_person_table

MANIFEST_FILE = "persons.toml"
BATCH_ROWS = 1_000_000  # rows checked at a time by :func:`validate_folder`


def save_person_tables(
    tables: PersonTables, folder: str | Path, *, meta: dict[str, Any] | None = None
) -> Path:
    """Write the tables and ``persons.toml`` to ``folder`` atomically (replacing a previous one)."""
    target = Path(folder)
    with folder_swap(target, marker=MANIFEST_FILE, what="persons") as tmp:
        for name in TABLES:
            df = getattr(tables, name)
            df.to_parquet(tmp / f"{name}.parquet", index=False)
        write_manifest(
            tmp, tables.row_counts(), {"missing_tables": list(tables.missing)} | (meta or {})
        )
    return target


def write_manifest(folder: Path, row_counts: dict[str, int], meta: dict[str, Any] | None) -> None:
    manifest = {
        "format_version": 1,
        "kind": "mesocare person-level records",
        "sensitive": True,
        "written": date.today().isoformat(),
        "row_counts": row_counts,
        **{k: v for k, v in (meta or {}).items() if v is not None},
    }
    (folder / MANIFEST_FILE).write_bytes(tomli_w.dumps(manifest).encode())


def read_manifest(folder: str | Path) -> dict[str, Any]:
    path = Path(folder) / MANIFEST_FILE
    if not path.exists():
        raise ValidationError(
            "no person-level records here",
            file=path,
            expected=f"a folder with {MANIFEST_FILE} (see `mesocare health synth`)",
        )
    try:
        return tomllib.loads(read_text(path))
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(f"malformed TOML ({exc})", file=path) from None


def table_paths(folder: str | Path) -> dict[str, Path]:
    """The Parquet file of each table in a persons folder (checked to exist)."""
    root = Path(folder)
    read_manifest(root)
    paths = {name: root / f"{name}.parquet" for name in TABLES}
    for p in paths.values():
        if not p.exists():
            raise ValidationError("missing file", file=p, expected="it in the persons folder")
    return paths


def load_person_tables(folder: str | Path, *, area_codes: set[str] | None = None) -> PersonTables:
    """Read and validate a persons folder (loads everything into memory: small data only)."""
    paths = table_paths(folder)
    frames = {}
    for name, path in paths.items():
        try:
            frames[name] = pd.read_parquet(path)
        except Exception as exc:
            raise ValidationError(f"unreadable file ({type(exc).__name__})", file=path) from None
    missing = tuple(read_manifest(folder).get("missing_tables", ()))
    return PersonTables.build(source=str(folder), area_codes=area_codes, missing=missing, **frames)


def validate_folder(
    folder: str | Path,
    *,
    area_codes: set[str] | None = None,
    practice_ids: set[str] | None = None,
) -> dict[str, int]:
    """Check a persons folder as the importers check theirs, before any engine reads it.

    Each table is read in slices of :data:`BATCH_ROWS` rows (a country's tables need not fit in
    memory as pandas) and checked against its schema (columns, types, allowed values, dates, no
    negative length of stay); then: persons present, person ids unique, every event's person
    among the persons, area codes (and practice ids) known to the territory. The first problem
    raises a :class:`~mesocare.errors.ValidationError` naming the file, the column and the
    1-based row; never a value. Returns the row count of each table.
    """
    paths = table_paths(folder)
    ids: pd.Index | None = None
    counts: dict[str, int] = {}
    for name in TABLES:
        path = paths[name]
        where = str(path)
        schema = SCHEMAS[name]
        pf = _parquet(path)
        missing = [c for c in schema.column_names if c not in pf.schema_arrow.names]
        if missing:
            raise ValidationError(
                f"missing column(s) {', '.join(missing)}",
                file=where,
                expected="columns " + ", ".join(schema.column_names),
            )
        offset, parts = 0, []
        for batch in _batches(pf, schema.column_names, path):
            df = check_person_table(batch, name, file=where, row_offset=offset)
            if name == "persons":
                _known(df, "area_code", area_codes, where, offset, "area code")
                _known(df, "practice_id", practice_ids, where, offset, "practice id")
                parts.append(df["person_id"])
            else:
                assert ids is not None
                _linked(df["person_id"], ids, where, offset)
            offset += len(df)
        counts[name] = offset
        if name == "persons":
            if offset == 0:
                raise ValidationError("no persons", file=where, expected="at least one row")
            all_ids = pd.concat(parts, ignore_index=True)
            dup = all_ids.duplicated().to_numpy()
            if dup.any():
                raise ValidationError(
                    "duplicate person id",
                    file=where,
                    column="person_id",
                    row=int(np.flatnonzero(dup)[0]) + 1,
                    expected="one row per person",
                )
            ids = pd.Index(all_ids)
    return counts


def _parquet(path: Path) -> pq.ParquetFile:
    try:
        return pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several kinds on a damaged file
        raise ValidationError(
            f"unreadable file ({type(exc).__name__})", file=path, expected="a Parquet file"
        ) from None


def _batches(pf: pq.ParquetFile, columns: list[str], path: Path) -> Any:
    try:
        for batch in pf.iter_batches(batch_size=BATCH_ROWS, columns=columns):
            yield batch.to_pandas()
    except ValidationError:
        raise
    except Exception as exc:  # a damaged page, an unconvertible type: no value is shown
        raise ValidationError(
            f"unreadable file ({type(exc).__name__})", file=path, expected="a Parquet file"
        ) from None


def _known(
    df: pd.DataFrame, column: str, known: set[str] | None, where: str, offset: int, what: str
) -> None:
    if known is None:
        return
    v = df[column]
    bad = (v.notna() & ~v.isin(known)).to_numpy(dtype=bool)
    if bad.any():
        raise ValidationError(
            f"unknown {what}",
            file=where,
            column=column,
            row=offset + int(np.flatnonzero(bad)[0]) + 1,
            expected=f"one of the territory's {what}s",
        )


def _linked(pid: pd.Series, ids: pd.Index, where: str, offset: int) -> None:
    if not len(pid):
        return
    if (pid.dtype == "int64") != (ids.dtype == "int64"):
        raise ValidationError(
            "person ids of a different type than in persons",
            file=where,
            column="person_id",
            expected=f"{ids.dtype} ids",
        )
    orphan = ids.get_indexer(pd.Index(pid)) < 0
    if orphan.any():
        raise ValidationError(
            "person id not among persons",
            file=where,
            column="person_id",
            row=offset + int(np.flatnonzero(orphan)[0]) + 1,
            expected="every event to belong to a known person",
        )
