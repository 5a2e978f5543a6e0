"""The Territory bundle, its schemas, persistence and the synthetic generator."""

from mesocare.territory.bundle import AreaGeometry, AttributeDefinition, Manifest, Source, Territory
from mesocare.territory.io import load_territory, save_tables, save_territory
from mesocare.territory.schema import AGE_BANDS, SEXES, Discipline, UnitLevel

__all__ = [
    "AGE_BANDS",
    "SEXES",
    "AreaGeometry",
    "AttributeDefinition",
    "Discipline",
    "Manifest",
    "Source",
    "Territory",
    "UnitLevel",
    "load_territory",
    "save_tables",
    "save_territory",
]
