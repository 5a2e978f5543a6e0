"""Typed schemas of the Territory tables and the checks they must pass.

Every table is a pandas DataFrame (areas: a GeoDataFrame). A schema lists each column's kind and
whether it may be missing; :func:`check_table` returns the table with normalised dtypes or raises a
:class:`~mesocare.errors.ValidationError` naming the file, column and row.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from mesocare.errors import ValidationError

#: Five-year age bands, 0-4 … 90-94 and 95+ (20 bands).
AGE_BANDS: tuple[str, ...] = tuple(f"{a}-{a + 4}" for a in range(0, 95, 5)) + ("95+",)
SEXES: tuple[str, ...] = ("M", "F")


def age_band_lower(band: str) -> int:
    """Lower bound in years of an age band label."""
    return int(band.rstrip("+").split("-")[0])


def age_band_of(age_years: int) -> str:
    """The band label of an age in whole years."""
    return AGE_BANDS[min(int(age_years) // 5, len(AGE_BANDS) - 1)]


class Discipline(StrEnum):
    """Kinds of care and welfare actors."""

    GP = "gp"
    HOME_NURSE = "home_nurse"
    PHARMACIST = "pharmacist"
    PHYSIOTHERAPIST = "physiotherapist"
    PSYCHOLOGIST = "psychologist"
    DENTIST = "dentist"
    MIDWIFE = "midwife"
    DIETITIAN = "dietitian"
    SOCIAL_SERVICE = "social_service"
    WELFARE_ORGANISATION = "welfare_organisation"
    HOSPITAL = "hospital"
    OTHER = "other"


class UnitLevel(StrEnum):
    """Levels above the area: a vicinity network inside a zone inside a region."""

    NETWORK = "network"
    ZONE = "zone"
    REGION = "region"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "str", "int", "float", "bool", "category"
    nullable: bool = False
    allowed: tuple[str, ...] | None = None
    min_value: float | None = None
    max_value: float | None = None
    unique: bool = False


@dataclass(frozen=True)
class TableSchema:
    name: str
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


AREAS = TableSchema(
    "areas",
    (
        Column("area_code", "str", unique=True),
        Column("name", "str"),
        Column("level", "str"),
        Column("network_code", "str", nullable=True),
        Column("zone_code", "str"),
        Column("region_code", "str"),
        Column("area_km2", "float", min_value=0.0),
    ),
)

UNITS = TableSchema(
    "units",
    (
        Column("unit_code", "str", unique=True),
        Column("name", "str"),
        Column("level", "str", allowed=tuple(u.value for u in UnitLevel)),
        Column("parent_code", "str", nullable=True),
    ),
)

POPULATION = TableSchema(
    "population",
    (
        Column("area_code", "str"),
        Column("sex", "str", allowed=SEXES),
        Column("age_band", "str", allowed=AGE_BANDS),
        Column("count", "int", min_value=0),
        Column("year", "int", min_value=1900, max_value=2200),
    ),
)

AREA_ATTRIBUTES = TableSchema("area_attributes", (Column("area_code", "str", unique=True),))

PROVIDERS = TableSchema(
    "providers",
    (
        Column("provider_id", "str", unique=True),
        Column("discipline", "str", allowed=tuple(d.value for d in Discipline)),
        Column("practice_id", "str", nullable=True),
        Column("name", "str"),
        Column("area_code", "str"),
        Column("x", "float"),
        Column("y", "float"),
        Column("fte", "float", min_value=0.0),
        Column("age", "float", nullable=True, min_value=15, max_value=100),
        Column("accepting_new_patients", "bool", nullable=True),
    ),
)


def _first_bad(mask: pd.Series) -> int:
    return int(np.flatnonzero(mask.to_numpy())[0])


def check_table(df: pd.DataFrame, schema: TableSchema, *, file: str | None = None) -> pd.DataFrame:
    """Check ``df`` against ``schema`` and return a copy with normalised dtypes.

    Rows are reported 1-based as a user counts them in a file (header not counted).
    Only codes, column names and row numbers are put into messages, never values of person data.
    """
    src = file or schema.name
    missing = [c.name for c in schema.columns if c.name not in df.columns]
    if missing:
        raise ValidationError(
            f"missing column(s) {', '.join(missing)}",
            file=src,
            expected=f"columns {', '.join(schema.column_names)}",
        )
    out = df.copy()
    for col in schema.columns:
        s = out[col.name]
        nulls = s.isna()
        if not col.nullable and bool(nulls.any()):
            raise ValidationError(
                "empty value",
                file=src,
                column=col.name,
                row=_first_bad(nulls) + 1,
                expected="a value in every row",
            )
        if col.kind == "str":
            bad = ~nulls & ~s.map(lambda v: isinstance(v, str))
            if bool(bad.any()):
                i = _first_bad(bad)
                raise ValidationError(
                    "wrong type",
                    file=src,
                    column=col.name,
                    row=i + 1,
                    found=type(s.iloc[i]).__name__,
                    expected="text",
                )
            out[col.name] = s.astype("string")
        elif col.kind in ("int", "float"):
            num = pd.to_numeric(s, errors="coerce")
            bad = ~nulls & num.isna()
            if bool(bad.any()):
                i = _first_bad(bad)
                raise ValidationError(
                    "not a number",
                    file=src,
                    column=col.name,
                    row=i + 1,
                    found=str(s.iloc[i]),
                    expected="a number",
                )
            if col.kind == "int":
                frac = ~nulls & (num % 1 != 0)
                if bool(frac.any()):
                    i = _first_bad(frac)
                    raise ValidationError(
                        "not a whole number",
                        file=src,
                        column=col.name,
                        row=i + 1,
                        found=float(num.iloc[i]),
                        expected="a whole number",
                    )
                out[col.name] = num.astype("Int64" if col.nullable else "int64")
            else:
                out[col.name] = num.astype("float64")
            vals = out[col.name]
            if col.min_value is not None:
                low = ~nulls & (vals < col.min_value)
                if bool(low.any()):
                    i = _first_bad(low)
                    raise ValidationError(
                        "value too small",
                        file=src,
                        column=col.name,
                        row=i + 1,
                        found=float(vals.iloc[i]),
                        expected=f">= {col.min_value}",
                    )
            if col.max_value is not None:
                high = ~nulls & (vals > col.max_value)
                if bool(high.any()):
                    i = _first_bad(high)
                    raise ValidationError(
                        "value too large",
                        file=src,
                        column=col.name,
                        row=i + 1,
                        found=float(vals.iloc[i]),
                        expected=f"<= {col.max_value}",
                    )
        elif col.kind == "bool":
            ok = nulls | s.map(lambda v: isinstance(v, (bool, np.bool_)))
            if not bool(ok.all()):
                i = _first_bad(~ok)
                raise ValidationError(
                    "not true/false",
                    file=src,
                    column=col.name,
                    row=i + 1,
                    found=str(s.iloc[i]),
                    expected="true or false",
                )
            out[col.name] = s.astype("boolean")
        if col.allowed is not None:
            bad = ~nulls & ~out[col.name].isin(col.allowed)
            if bool(bad.any()):
                i = _first_bad(bad)
                raise ValidationError(
                    "unknown value",
                    file=src,
                    column=col.name,
                    row=i + 1,
                    found=str(out[col.name].iloc[i]),
                    expected="one of " + ", ".join(col.allowed),
                )
        if col.unique:
            dup = out[col.name].duplicated()
            if bool(dup.any()):
                i = _first_bad(dup)
                raise ValidationError(
                    "duplicate value",
                    file=src,
                    column=col.name,
                    row=i + 1,
                    found=str(out[col.name].iloc[i]),
                    expected="unique values",
                )
    return out
