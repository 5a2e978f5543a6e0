"""Typed schemas of the Territory bundle's tables (areas, units, population, providers).

Every table is a pandas DataFrame (areas: a GeoDataFrame). Each schema is checked by the one table
checker, :func:`mesocare.territory.columns.check_table`. The schemas of the optional practice
tables live in :mod:`~mesocare.territory.practice_lists`, those of person-level records in
:mod:`~mesocare.territory.person_tables`.
"""

from __future__ import annotations

from enum import StrEnum

from mesocare.territory.columns import Column, Kind, TableSchema

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
    """Levels above the area: a vicinity network inside a zone inside a region.

    An area may also name administrative levels between it and its region, each in its own
    optional column of ``areas`` (:data:`ADMINISTRATIVE_LEVELS`): the French EPCI and
    département. They do not nest with the zones: a zone (a CPTS) may cross them.
    """

    NETWORK = "network"
    ZONE = "zone"
    REGION = "region"
    INTERMUNICIPALITY = "intermunicipality"
    DEPARTMENT = "department"


#: Optional ``areas`` columns naming an administrative unit of the given level.
ADMINISTRATIVE_LEVELS: dict[str, UnitLevel] = {
    "intermunicipality_code": UnitLevel.INTERMUNICIPALITY,
    "department_code": UnitLevel.DEPARTMENT,
}


AREAS = TableSchema(
    "areas",
    (
        Column("area_code", Kind.TEXT, unique=True),
        Column("name", Kind.TEXT),
        Column("level", Kind.TEXT),
        Column("network_code", Kind.TEXT, nullable=True),
        # an area outside every zone (a commune in no CPTS) has none
        Column("zone_code", Kind.TEXT, nullable=True),
        Column("region_code", Kind.TEXT),
        Column("area_km2", Kind.FLOAT, min_value=0.0),
    ),
)

UNITS = TableSchema(
    "units",
    (
        Column("unit_code", Kind.TEXT, unique=True),
        Column("name", Kind.TEXT),
        Column("level", Kind.CATEGORY, allowed=tuple(u.value for u in UnitLevel)),
        Column("parent_code", Kind.TEXT, nullable=True),
    ),
)

POPULATION = TableSchema(
    "population",
    (
        Column("area_code", Kind.TEXT),
        Column("sex", Kind.CATEGORY, allowed=SEXES),
        Column("age_band", Kind.CATEGORY, allowed=AGE_BANDS),
        Column("count", Kind.INT, min_value=0),
        Column("year", Kind.INT, min_value=1900, max_value=2200),
    ),
)

AREA_ATTRIBUTES = TableSchema("area_attributes", (Column("area_code", Kind.TEXT, unique=True),))

PROVIDERS = TableSchema(
    "providers",
    (
        Column("provider_id", Kind.TEXT, unique=True),
        Column("discipline", Kind.CATEGORY, allowed=tuple(d.value for d in Discipline)),
        Column("practice_id", Kind.TEXT, nullable=True),
        Column("name", Kind.TEXT),
        Column("area_code", Kind.TEXT),
        Column("x", Kind.FLOAT),
        Column("y", Kind.FLOAT),
        Column("fte", Kind.FLOAT, min_value=0.0),
        Column("age", Kind.FLOAT, nullable=True, min_value=15, max_value=100),
        Column("accepting_new_patients", Kind.BOOL, nullable=True),
    ),
)
