"""Person-level tables: their schemas and the validated, linked :class:`PersonTables` bundle.

Six tables (persons, diagnoses, prescriptions, contacts, measurements, vaccinations), each checked
by the one table checker. Person-level records are sensitive: their schemas are ``person_level``,
so messages name the file, the column and the 1-based row, never a value of person data. Importers
(``sources/``) build :class:`PersonTables`; ``population/`` stores them and computes on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mesocare.errors import ValidationError
from mesocare.territory.columns import Column, Kind, TableSchema, check_table
from mesocare.territory.schema import SEXES

DIAGNOSIS_SYSTEMS = ("ICPC-2", "ICD-10", "SNOMED-CT")
DRUG_SYSTEMS = ("ATC", "RxNorm")
MEASUREMENT_SYSTEMS = ("LOINC", "SNOMED-CT", "local")
VACCINE_SYSTEMS = ("CVX", "ATC", "SNOMED-CT")
CONTACT_KINDS = ("gp_consultation", "gp_home_visit", "emergency", "hospital_stay", "other")


def _person_table(name: str, *columns: Column) -> TableSchema:
    return TableSchema(name, columns, keep_extra=False, person_level=True)


_PID = Column("person_id", Kind.ID)  # a pseudonymous person id (text or whole number)

#: One schema per table: the columns, in order.
SCHEMAS: dict[str, TableSchema] = {
    s.name: s
    for s in (
        _person_table(
            "persons",
            _PID,
            Column("birth_date", Kind.DATE),
            Column("sex", Kind.CATEGORY, allowed=SEXES),
            Column("area_code", Kind.TEXT),
            Column("practice_id", Kind.TEXT, nullable=True),
            Column("bim", Kind.BOOL, nullable=True),
            Column("gmd", Kind.BOOL, nullable=True),
            Column("living_alone", Kind.BOOL, nullable=True),
            Column("death_date", Kind.DATE, nullable=True),
        ),
        _person_table(
            "diagnoses",
            _PID,
            Column("system", Kind.CATEGORY, allowed=DIAGNOSIS_SYSTEMS),
            Column("code", Kind.TEXT),
            Column("start_date", Kind.DATE),
            Column("end_date", Kind.DATE, nullable=True),
        ),
        _person_table(
            "prescriptions",
            _PID,
            Column("system", Kind.CATEGORY, allowed=DRUG_SYSTEMS),
            Column("code", Kind.TEXT),
            Column("date", Kind.DATE),
        ),
        _person_table(
            "contacts",
            _PID,
            Column("kind", Kind.CATEGORY, allowed=CONTACT_KINDS),
            Column("date", Kind.DATE),
            Column("length_of_stay_days", Kind.INT, nullable=True, min_value=0),
        ),
        _person_table(
            "measurements",
            _PID,
            Column("system", Kind.CATEGORY, allowed=MEASUREMENT_SYSTEMS),
            Column("code", Kind.TEXT),
            Column("value", Kind.FLOAT, nullable=True),
            Column("unit", Kind.TEXT, nullable=True),
            Column("date", Kind.DATE),
        ),
        _person_table(
            "vaccinations",
            _PID,
            Column("system", Kind.CATEGORY, allowed=VACCINE_SYSTEMS),
            Column("code", Kind.TEXT),
            Column("date", Kind.DATE),
        ),
    )
}
TABLES: tuple[str, ...] = tuple(SCHEMAS)


def empty_table(name: str) -> pd.DataFrame:
    """An empty table with the right columns and dtypes."""
    return SCHEMAS[name].empty()


#: table → (earlier, later) date columns of one row that must come in that order
DATE_ORDER = {"persons": ("birth_date", "death_date"), "diagnoses": ("start_date", "end_date")}


def check_person_table(
    df: pd.DataFrame, name: str, *, file: str | None = None, row_offset: int = 0
) -> pd.DataFrame:
    """Check one table against its schema and return it with normalised dtypes.

    Dates become ``datetime64[s]`` (day precision), text becomes ``string``, flags ``boolean``.
    A death before the birth, or a diagnosis that ends before it starts, is refused.
    ``row_offset``: ``df`` starts at that row of the file (for messages).
    """
    where = file or f"{name}.parquet"
    out = check_table(df, SCHEMAS[name], file=where, row_offset=row_offset)
    if name in DATE_ORDER:
        first, then = DATE_ORDER[name]
        bad = (out[then] < out[first]).fillna(False).to_numpy(dtype=bool)
        if bad.any():
            raise ValidationError(
                f"{then} before {first}",
                file=where,
                column=then,
                row=row_offset + _first(bad) + 1,
                expected=f"{then} on or after {first}",
            )
    return out


def _first(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


@dataclass(frozen=True)
class PersonTables:
    """The six person-level tables, validated and linked (every event's person is a person)."""

    persons: pd.DataFrame
    diagnoses: pd.DataFrame = field(default_factory=lambda: empty_table("diagnoses"))
    prescriptions: pd.DataFrame = field(default_factory=lambda: empty_table("prescriptions"))
    contacts: pd.DataFrame = field(default_factory=lambda: empty_table("contacts"))
    measurements: pd.DataFrame = field(default_factory=lambda: empty_table("measurements"))
    vaccinations: pd.DataFrame = field(default_factory=lambda: empty_table("vaccinations"))
    #: event tables the source did not have at all (not the same as having no rows): the
    #: measures that need them are not computable
    missing: tuple[str, ...] = ()

    @classmethod
    def build(
        cls,
        *,
        source: str | None = None,
        area_codes: set[str] | None = None,
        missing: tuple[str, ...] = (),
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
                raise ValidationError(
                    "unknown area code",
                    file=where("persons"),
                    column="area_code",
                    row=_first(bad) + 1,
                    expected="one of the territory's area codes",
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
        unknown = set(missing) - set(TABLES[1:])
        if unknown:
            raise ValueError(f"unknown event tables {sorted(unknown)}")
        return cls(**checked, missing=tuple(m for m in TABLES if m in missing))

    def row_counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in TABLES}
