"""Person-level tables: their schemas, vectorised validation and the ``persons/`` folder.

Person-level records are sensitive, so they never go into the Territory bundle: they live in their
own folder (one Parquet file per table and a small ``persons.toml`` manifest), written atomically.
Validation messages name the file, the column and the 1-based row, never a value of person data.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import tomli_w

from mesocare.atomic import folder_swap
from mesocare.errors import ValidationError
from mesocare.territory.schema import SEXES

MANIFEST_FILE = "persons.toml"

DIAGNOSIS_SYSTEMS = ("ICPC-2", "ICD-10", "SNOMED-CT")
DRUG_SYSTEMS = ("ATC", "RxNorm")
MEASUREMENT_SYSTEMS = ("LOINC", "SNOMED-CT", "local")
VACCINE_SYSTEMS = ("CVX", "ATC", "SNOMED-CT")
CONTACT_KINDS = ("gp_consultation", "gp_home_visit", "emergency", "hospital_stay", "other")


@dataclass(frozen=True)
class Col:
    name: str
    kind: str  # "id", "str", "date", "bool", "int", "float"
    nullable: bool = False
    allowed: tuple[str, ...] | None = None


#: One schema per table: the columns, in order. ``id`` is a pseudonymous person id (text or int).
SCHEMAS: dict[str, tuple[Col, ...]] = {
    "persons": (
        Col("person_id", "id"),
        Col("birth_date", "date"),
        Col("sex", "str", allowed=SEXES),
        Col("area_code", "str"),
        Col("practice_id", "str", nullable=True),
        Col("bim", "bool", nullable=True),
        Col("gmd", "bool", nullable=True),
        Col("living_alone", "bool", nullable=True),
        Col("death_date", "date", nullable=True),
    ),
    "diagnoses": (
        Col("person_id", "id"),
        Col("system", "str", allowed=DIAGNOSIS_SYSTEMS),
        Col("code", "str"),
        Col("start_date", "date"),
        Col("end_date", "date", nullable=True),
    ),
    "prescriptions": (
        Col("person_id", "id"),
        Col("system", "str", allowed=DRUG_SYSTEMS),
        Col("code", "str"),
        Col("date", "date"),
    ),
    "contacts": (
        Col("person_id", "id"),
        Col("kind", "str", allowed=CONTACT_KINDS),
        Col("date", "date"),
        Col("length_of_stay_days", "int", nullable=True),
    ),
    "measurements": (
        Col("person_id", "id"),
        Col("system", "str", allowed=MEASUREMENT_SYSTEMS),
        Col("code", "str"),
        Col("value", "float", nullable=True),
        Col("unit", "str", nullable=True),
        Col("date", "date"),
    ),
    "vaccinations": (
        Col("person_id", "id"),
        Col("system", "str", allowed=VACCINE_SYSTEMS),
        Col("code", "str"),
        Col("date", "date"),
    ),
}
TABLES: tuple[str, ...] = tuple(SCHEMAS)


def empty_table(name: str) -> pd.DataFrame:
    """An empty table with the right columns and dtypes."""
    dtypes = {
        "id": "string",
        "str": "string",
        "date": "datetime64[s]",
        "bool": "boolean",
        "int": "Int64",
        "float": "float64",
    }
    return pd.DataFrame({c.name: pd.Series([], dtype=dtypes[c.kind]) for c in SCHEMAS[name]})


def _first(mask: np.ndarray | pd.Series) -> int:
    return int(np.flatnonzero(np.asarray(mask, dtype=bool))[0])


def check_person_table(df: pd.DataFrame, name: str, *, file: str | None = None) -> pd.DataFrame:
    """Check one table against its schema (vectorised) and return it with normalised dtypes.

    Dates become ``datetime64[s]`` (day precision), text becomes ``string``, flags ``boolean``.
    """
    src = file or f"{name}.parquet"
    schema = SCHEMAS[name]
    missing = [c.name for c in schema if c.name not in df.columns]
    if missing:
        raise ValidationError(
            f"missing column(s) {', '.join(missing)}",
            file=src,
            expected="columns " + ", ".join(c.name for c in schema),
        )
    out: dict[str, Any] = {}
    for col in schema:
        s = df[col.name]
        nulls = s.isna().to_numpy()
        if not col.nullable and nulls.any():
            raise ValidationError(
                "empty value",
                file=src,
                column=col.name,
                row=_first(nulls) + 1,
                expected="a value in every row",
            )
        if col.kind == "id":
            if pd.api.types.is_integer_dtype(s.dtype):
                out[col.name] = s.astype("int64")
            elif pd.api.types.is_string_dtype(s.dtype) or s.dtype == object:
                bad = (
                    ~nulls & ~s.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
                    if s.dtype == object
                    else np.zeros(len(s), bool)
                )
                if bad.any():
                    raise ValidationError(
                        "wrong type",
                        file=src,
                        column=col.name,
                        row=_first(bad) + 1,
                        expected="a text or integer pseudonymous id",
                    )
                out[col.name] = s.astype("string")
            else:
                raise ValidationError(
                    "wrong type",
                    file=src,
                    column=col.name,
                    found=str(s.dtype),
                    expected="a text or integer pseudonymous id",
                )
        elif col.kind == "str":
            out[col.name] = s.astype("string")
        elif col.kind == "date":
            d = (
                pd.to_datetime(s, errors="coerce", format="mixed")
                if s.dtype == object or pd.api.types.is_string_dtype(s.dtype)
                else pd.to_datetime(s, errors="coerce")
            )
            bad = ~nulls & d.isna().to_numpy()
            if bad.any():
                raise ValidationError(
                    "not a date",
                    file=src,
                    column=col.name,
                    row=_first(bad) + 1,
                    expected="a date (YYYY-MM-DD)",
                )
            out[col.name] = d.dt.floor("D").astype("datetime64[s]")
        elif col.kind == "bool":
            if not (pd.api.types.is_bool_dtype(s.dtype) or s.isna().all()):
                ok = s.isna() | s.isin([True, False, 0, 1])
                if not bool(ok.all()):
                    raise ValidationError(
                        "not true/false",
                        file=src,
                        column=col.name,
                        row=_first(~ok) + 1,
                        expected="true or false",
                    )
            out[col.name] = s.astype("boolean")
        else:
            num = pd.to_numeric(s, errors="coerce")
            bad = ~nulls & num.isna().to_numpy()
            if bad.any():
                raise ValidationError(
                    "not a number",
                    file=src,
                    column=col.name,
                    row=_first(bad) + 1,
                    expected="a number",
                )
            if col.kind == "int":
                frac = ~nulls & (num.fillna(0) % 1 != 0).to_numpy()
                if frac.any():
                    raise ValidationError(
                        "not a whole number",
                        file=src,
                        column=col.name,
                        row=_first(frac) + 1,
                    )
                out[col.name] = num.astype("Int64")
            else:
                out[col.name] = num.astype("float64")
        if col.allowed is not None:
            bad = ~nulls & ~out[col.name].isin(col.allowed).fillna(False).to_numpy(dtype=bool)
            if bad.any():
                i = _first(bad)
                raise ValidationError(
                    "unknown value",
                    file=src,
                    column=col.name,
                    row=i + 1,
                    found=str(out[col.name].iloc[i]),
                    expected="one of " + ", ".join(col.allowed),
                )
    return pd.DataFrame(out, index=pd.RangeIndex(len(df)))


@dataclass(frozen=True)
class PersonTables:
    """The six person-level tables, validated and linked (every event's person is a person)."""

    persons: pd.DataFrame
    diagnoses: pd.DataFrame = field(default_factory=lambda: empty_table("diagnoses"))
    prescriptions: pd.DataFrame = field(default_factory=lambda: empty_table("prescriptions"))
    contacts: pd.DataFrame = field(default_factory=lambda: empty_table("contacts"))
    measurements: pd.DataFrame = field(default_factory=lambda: empty_table("measurements"))
    vaccinations: pd.DataFrame = field(default_factory=lambda: empty_table("vaccinations"))

    @classmethod
    def build(
        cls,
        *,
        source: str | None = None,
        area_codes: set[str] | None = None,
        **tables: pd.DataFrame,
    ) -> PersonTables:
        """Validate each table, person ids' uniqueness and links, and area codes if given."""
        where = (lambda n: f"{source}/{n}.parquet") if source else (lambda n: f"{n}.parquet")
        checked = {
            name: check_person_table(tables.get(name, empty_table(name)), name, file=where(name))
            for name in TABLES
        }
        p = checked["persons"]
        ids = p["person_id"]
        dup = ids.duplicated().to_numpy()
        if dup.any():
            raise ValidationError(
                "duplicate person id",
                file=where("persons"),
                column="person_id",
                row=_first(dup) + 1,
                expected="one row per person",
            )
        if area_codes is not None:
            bad = ~p["area_code"].isin(area_codes).to_numpy(dtype=bool)
            if bad.any():
                i = _first(bad)
                raise ValidationError(
                    "unknown area code (not among the territory's areas)",
                    file=where("persons"),
                    column="area_code",
                    row=i + 1,
                    found=str(p["area_code"].iloc[i]),
                )
        for name in TABLES[1:]:
            t = checked[name]
            if not len(t):
                continue
            if (t["person_id"].dtype == "int64") != (ids.dtype == "int64"):
                raise ValidationError(
                    "person ids of a different type than in persons",
                    file=where(name),
                    column="person_id",
                    expected=f"{ids.dtype} ids",
                )
            orphan = ~t["person_id"].isin(ids).to_numpy(dtype=bool)
            if orphan.any():
                raise ValidationError(
                    "person id not among persons",
                    file=where(name),
                    column="person_id",
                    row=_first(orphan) + 1,
                    expected="every event to belong to a known person",
                )
        return cls(**checked)

    def row_counts(self) -> dict[str, int]:
        return {f.name: len(getattr(self, f.name)) for f in fields(self)}


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
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
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
