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

import pandas as pd
import tomli_w

from mesocare.atomic import folder_swap, read_text
from mesocare.errors import ValidationError
from mesocare.territory.person_tables import TABLES, PersonTables

MANIFEST_FILE = "persons.toml"


def save_person_tables(
    tables: PersonTables, folder: str | Path, *, meta: dict[str, Any] | None = None
) -> Path:
    """Write the tables and ``persons.toml`` to ``folder`` atomically (replacing a previous one)."""
    target = Path(folder)
    with folder_swap(target, marker=MANIFEST_FILE, what="persons") as tmp:
        for name in TABLES:
            df = getattr(tables, name)
            df.to_parquet(tmp / f"{name}.parquet", index=False)
        write_manifest(tmp, tables.row_counts(), meta)
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
    return PersonTables.build(source=str(folder), area_codes=area_codes, **frames)
