"""Import all of Belgium (581 municipalities of 2020, three regions) into a Territory.

The same open data as :mod:`~mesocare.sources.flanders` (``DATA_DIR`` laid out as
``../shared/data``), for every municipality: geometry, 2020 population by sex, the 2013 age
structure scaled to the 2020 totals (largest remainder, as for Flanders), income of 2013. The
2013 tables use the Hainaut codes of before the 2019 recoding, mapped by
:data:`~mesocare.sources._belgium.HAINAUT_2019_RECODING`.

**Zones.** The Flemish primary care zones (and Bruzel, the whole Brussels region) apply where they
exist. A user's municipality → zone CSV (a Walloon OLS layout, a Brussels *bassin* layout; see
:data:`ZONES_LAYOUT`) assigns its municipalities to its zones, replacing the Flemish zone of a
municipality it lists. A municipality in no zone (a Walloon one not in the file) belongs to none.
The 2025 mergers are a redraw of this territory (``mesocare zone redraw-mergers``), as for
Flanders.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd

from mesocare.errors import ValidationError
from mesocare.i18n import N_
from mesocare.sources import _flanders_tables as T
from mesocare.sources import _read as R
from mesocare.sources import flanders as FL
from mesocare.sources._belgium import (
    BRUSSELS,
    CRS,
    FLANDERS,
    HAINAUT_2019_RECODING,
    REGION_NAMES,
    WALLONIA,
    belgian_region_of,
)
from mesocare.territory import Manifest, Source, Territory
from mesocare.territory import schema as S

REGIONS = (FLANDERS, WALLONIA, BRUSSELS)

STEPS: tuple[str, ...] = (
    N_("Reading municipalities and their 2020 population"),
    N_("Reading primary care zones"),
    N_("Reading the zones file"),
    N_("Scaling the 2013 age and sex structure to 2020"),
    N_("Reading taxable income"),
    N_("Validating the territory"),
)

ZONES_LAYOUT = (
    "a CSV (UTF-8; ',' or ';') with columns nis_code (the 2020 NIS code of a municipality), "
    "zone_code and zone_name; one row per municipality"
)

Progress = Callable[[str], None]


def import_belgium(
    data_dir: Path | str, *, zones: Path | str | None = None, progress: Progress | None = None
) -> Territory:
    """The Belgian territory of 2020 (see the module docstring); ``zones`` is the optional
    municipality → zone CSV. Malformed inputs raise a ValidationError naming the place."""
    data = Path(data_dir)
    if not data.is_dir():
        raise ValidationError("data folder not found", file=data, expected="a folder")
    done = progress or (lambda step: None)
    munis = FL._municipalities(data, region=belgian_region_of, regions=REGIONS)
    done(STEPS[0])
    flemish = munis[munis["region_code"] != WALLONIA]
    zone_map, units = FL._zones(data, flemish)
    zone_of = dict(zip(zone_map["area_code"], zone_map["zone_code"], strict=True))
    done(STEPS[1])
    if zones is not None:
        user_zone_of, user_units = read_zones(Path(zones), munis, set(units["unit_code"]))
        zone_of |= user_zone_of
        units = pd.concat([units, user_units], ignore_index=True)
    used = set(zone_of.values())
    units = units[(units["level"] != "zone") | units["unit_code"].isin(used)]
    units = pd.concat(
        [
            units[units["level"] != "region"],
            pd.DataFrame({"unit_code": REGIONS, "name": [REGION_NAMES[r] for r in REGIONS]}).assign(
                level="region", parent_code=None
            ),
        ],
        ignore_index=True,
    )
    done(STEPS[2])
    code_map = T.code_map(data, set(munis["area_code"])) | HAINAUT_2019_RECODING
    population = T.population(data, munis, code_map, region=belgian_region_of, regions=REGIONS)
    done(STEPS[3])
    attributes = T.income(data, munis, code_map, region=belgian_region_of)
    done(STEPS[4])
    # km² from the precise 2024 layer in Flanders and Brussels (it has no Walloon municipality),
    # from the outline in Wallonia; the manifest says so
    km2 = pd.Series(munis.geometry.area.to_numpy() / 1e6, index=munis.index)
    covered = munis["region_code"] != WALLONIA
    precise = FL._precise_area_km2(data, munis.loc[covered, "area_code"])
    if precise is not None:
        km2[covered] = precise
    areas = gpd.GeoDataFrame(
        munis[["area_code", "name", "level", "network_code", "region_code"]].assign(
            zone_code=munis["area_code"].map(zone_of).astype("string"),
            area_km2=km2.to_numpy(),
        ),
        geometry=munis.geometry.values,
        crs=CRS,
    )
    providers = pd.DataFrame({c.name: pd.Series(dtype=object) for c in S.PROVIDERS.columns})
    territory = Territory.build(
        _manifest(zones, precise is not None),
        areas,
        units,
        population,
        attributes,
        providers,
        source=str(data),
    )
    done(STEPS[5])
    return territory


def read_zones(
    path: Path, munis: pd.DataFrame, taken: set[str]
) -> tuple[dict[str, str], pd.DataFrame]:
    """``(municipality → zone, zone units)`` from a zones CSV (:data:`ZONES_LAYOUT`).

    Refused, naming the file, the column and the row: a missing column, an empty or non-UTF-8
    file, an unknown NIS code, a municipality listed twice, a zone with two names, a zone code
    already used by the Flemish zones, a zone spanning two regions.
    """
    df = R.read_user_csv(path, ["nis_code", "zone_code", "zone_name"], ZONES_LAYOUT)
    df["nis_code"] = df["nis_code"].where(
        ~df["nis_code"].str.fullmatch(r"\d{4}"), df["nis_code"].str.zfill(5)
    )
    region = dict(zip(munis["area_code"], munis["region_code"], strict=True))
    R.refuse_row(
        df, ~df["nis_code"].isin(region), "unknown municipality code", path, "nis_code",
        expected="a five-digit NIS code of a 2020 municipality, e.g. 92094 (Namur)",
    )  # fmt: skip
    R.refuse_row(
        df, df["nis_code"].duplicated(), "municipality listed twice", path, "nis_code",
        expected="each municipality in at most one zone",
    )  # fmt: skip
    R.refuse_row(df, df["zone_code"] == "", "empty zone code", path, "zone_code")
    R.refuse_row(
        df, df["zone_code"].isin(taken), "zone code already used by a Flemish zone", path,
        "zone_code", expected="a code of your own, e.g. OLS-NAMUR",
    )  # fmt: skip
    first_name = df.groupby("zone_code")["zone_name"].transform("first")
    R.refuse_row(
        df, df["zone_name"] != first_name, "a zone with two names", path, "zone_name",
        expected="one name per zone_code",
    )  # fmt: skip
    df["region"] = df["nis_code"].map(region)
    first_region = df.groupby("zone_code")["region"].transform("first")
    R.refuse_row(
        df, df["region"] != first_region, "zone spans two regions", path, "zone_code",
        expected="each zone inside one region",
    )  # fmt: skip
    first = df.drop_duplicates("zone_code")
    units = pd.DataFrame(
        {
            "unit_code": first["zone_code"].to_numpy(),
            "name": first["zone_name"].to_numpy(),
            "level": "zone",
            "parent_code": first["region"].to_numpy(),
        }
    )
    return dict(zip(df["nis_code"], df["zone_code"], strict=True)), units


def _manifest(zones: Path | str | None, precise: bool) -> Manifest:
    base = FL._manifest(precise)
    if precise:
        base = base.model_copy(
            update={
                "area_geometry": base.area_geometry.model_copy(  # type: ignore[union-attr]
                    update={
                        "area_km2": base.area_geometry.area_km2  # type: ignore[union-attr]
                        + " in Flanders and Brussels; the simplified outline in Wallonia"
                    }
                )
            }
        )
    sources = list(base.sources)
    sources.insert(
        2,
        Source(
            name="Zones outside Flanders: " + (str(zones) if zones else "none given"),
            licence="the user's file",
            note="Municipality → zone table given by the user; it replaces the Flemish zone of "
            "the municipalities it lists. Municipalities in no zone belong to none.",
        ),
    )
    return base.model_copy(
        update={"name": "Belgium (open data)", "language": None, "sources": sources}
    )
