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
FLANDERS, WALLONIA, BRUSSELS = "02000", "03000", "04000"
REGION_NAMES = {
    FLANDERS: "Flemish Region",
    WALLONIA: "Walloon Region",
    BRUSSELS: "Brussels-Capital Region",
}

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


def belgian_region_of(nis: str) -> str | None:
    """The region of any Belgian municipality's NIS code (provinces 25, 5, 6, 8, 9: Wallonia);
    None for the province codes 20001 and 20002 (Flemish and Walloon Brabant)."""
    if nis.startswith("20"):
        return None
    return region_of(nis) or WALLONIA


#: The 2019 recoding of Hainaut municipalities (arrondissements of La Louvière and of
#: Mouscron created, Mouscron, Ath and Soignies redrawn; 1 January 2019): code used by the 2013
#: tables → code of 2019–2024. Not in the open data folder; each pair checked against the
#: populations of 2013 and 2020 (e.g. Manage 22,753 → 23,429).
HAINAUT_2019_RECODING: dict[str, str] = {
    "52043": "55086",  # Manage
    "52063": "55085",  # Seneffe
    "54007": "57096",  # Mouscron
    "54010": "57097",  # Comines-Warneton
    "55010": "51067",  # Enghien
    "55022": "58001",  # La Louvière
    "55023": "51069",  # Lessines
    "55039": "51068",  # Silly
    "56011": "58002",  # Binche
    "56085": "58003",  # Estinnes
    "56087": "58004",  # Morlanwelz
}
