"""Belgian codes and the layout of the open data folder (``../shared/data``) the importers read."""

from __future__ import annotations

from pathlib import Path

CRS = "EPSG:31370"
REFERENCE_YEAR = 2020
AGE_STRUCTURE_YEAR = 2013
INCOME_YEAR = 2013

#: Zone codes the area-level tables use for records that cannot be located; never a real zone.
TECHNICAL_ZONE_CODES = frozenset({"elz91", "elz92", "elz93", "elz99"})

#: Pseudo-municipality codes (99991 … 99999) of those unlocated records, in the same tables.
TECHNICAL_MUNICIPALITY_PREFIX = "9999"

#: Regions by NIS code.
FLANDERS, BRUSSELS = "02000", "04000"
REGION_NAMES = {FLANDERS: "Flemish Region", BRUSSELS: "Brussels-Capital Region"}

MUNICIPALITIES = Path("be_municipalities_2020/belgium.json")
POPULATION_2020 = Path("be_municipalities_2020/bevolking_per_gemeente.csv")
ZONE_TABLE = Path("be_area_levels/aggregatietabellen/gemeente2024_elz.xlsx")
ZONE_NAMES = Path("be_area_levels/gebiedsdefinities/elz.xlsx")
#: the precise 2024 municipal boundaries (Flanders and Brussels, EPSG:31370): areas in km²
PRECISE_MUNICIPALITIES = Path("be_area_levels/shapefiles/gemeente2024.shp")
SECTORS = Path("be_area_levels/aggregatietabellen/statsec2024_gemeente2024.xlsx")
AGE_SEX = Path("be_population_age_sex/population_age_gender.json")
INCOME = Path("be_income_municipality/TF_PSNL_INC_TAX_MUNTY.txt")


def region_of(nis: str) -> str | None:
    """The region of a municipality's NIS code in Flanders or Brussels, else None (Wallonia)."""
    if nis.startswith("21"):
        return BRUSSELS
    if nis[0] in "1347" or nis[:2] in ("23", "24"):
        return FLANDERS
    return None
