"""Import the open data of Flanders and Brussels into a :class:`~mesocare.territory.Territory`.

``DATA_DIR`` is laid out as ``../shared/data`` (see its README):

- ``be_municipalities_2020/belgium.json``: TopoJSON, layer ``municipalities``: the 581 Belgian
  municipalities of 2019–2024 with NIS code ``nis``, names and population on 1 January 2020;
  ``be_municipalities_2020/bevolking_per_gemeente.csv``: men, women and total on 1 January 2020.
- ``be_area_levels/aggregatietabellen/gemeente2024_elz.xlsx``: municipality (2019–2024 codes) →
  primary care zone (*eerstelijnszone*); ``be_area_levels/gebiedsdefinities/elz.xlsx``: zone names;
  ``be_area_levels/aggregatietabellen/statsec2024_gemeente2024.xlsx``: statistical sector →
  municipality, whose sector codes still begin with the NIS code of the municipality the sector
  belonged to before the 2019 mergers. That gives the pre-2019 → 2020 code map (15 old codes → 7
  merged municipalities, e.g. Kruishoutem 45017 + Zingem 45057 → Kruisem 45068), derived from the
  data rather than written here.
- ``be_population_age_sex/population_age_gender.json``: population by sex and 5-year age band in
  2013, with the pre-2019 municipality codes.
- ``be_income_municipality/TF_PSNL_INC_TAX_MUNTY.txt``: Statbel fiscal income statistics.

The territory's areas are the 300 Flemish and 19 Brussels municipalities (Flanders + Brussels =
7,847,398 inhabitants on 1 January 2020), each in one of the 57 zones (56 Flemish ones plus Bruzel,
the whole Brussels-Capital Region), and the zones in two regions. A municipality's region follows
from its NIS code (arrondissement 21 is Brussels; provinces 1, 23/24, 3, 4 and 7 are Flemish); the
region column of the TopoJSON is not used (it puts Mesen, 33016, in Wallonia).

**Population.** The open age/sex table is from 2013, the reference year is 2020. For each 2020
municipality and sex, the 2013 age structure (summed over the municipalities that merged into it,
bands 95-99 and 100+ merged into 95+) is *scaled* to the 2020 number of men or women, and rounded
to whole people by the largest-remainder method, so every municipality's population table adds up
exactly to its 2020 population. The age structure is therefore that of 2013.

**Income.** ``mean_taxable_income_eur`` = total net taxable income / residents, income year 2013,
summing numerator and denominator over merged municipalities.

There is no provider data in this open data: the providers table is empty.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import MultiPolygon

from mesocare.errors import ValidationError
from mesocare.i18n import N_
from mesocare.sources import _flanders_tables as T
from mesocare.sources import _read as R
from mesocare.sources._belgium import (
    BRUSSELS,
    CRS,
    FLANDERS,
    INCOME_YEAR,
    MUNICIPALITIES,
    POPULATION_2020,
    PRECISE_MUNICIPALITIES,
    REFERENCE_YEAR,
    REGION_NAMES,
    TECHNICAL_ZONE_CODES,
    WALLONIA,
    ZONE_NAMES,
    ZONE_TABLE,
    region_of,
)
from mesocare.sources._flanders_tables import largest_remainder
from mesocare.territory import AreaGeometry, AttributeDefinition, Manifest, Source, Territory
from mesocare.territory import schema as S

#: The steps :func:`import_flanders` reports to ``progress``, in order (English; show them with
#: ``mesocare.i18n._``).
STEPS: tuple[str, ...] = (
    N_("Reading municipalities and their 2020 population"),
    N_("Reading primary care zones"),
    N_("Mapping pre-2019 municipality codes"),
    N_("Scaling the 2013 age and sex structure to 2020"),
    N_("Reading taxable income"),
    N_("Validating the territory"),
)

Progress = Callable[[str], None]


def import_flanders(data_dir: Path | str, *, progress: Progress | None = None) -> Territory:
    """Build the Flanders and Brussels territory (reference year 2020) from open data.

    ``progress`` is called with each name in :data:`STEPS` once that step is done. Every missing or
    malformed input raises a :class:`~mesocare.errors.ValidationError` naming the file, the
    column or row, what was found and what was expected. See the module docstring for the files and
    the choices made (2013 age structure scaled to the 2020 totals; income of 2013).
    """
    data = Path(data_dir)
    if not data.is_dir():
        raise ValidationError("data folder not found", file=data, expected="a folder")
    done = progress or (lambda step: None)

    munis = _municipalities(data)
    done(STEPS[0])
    zones, units = _zones(data, munis)
    done(STEPS[1])
    code_map = T.code_map(data, set(munis["area_code"]))
    done(STEPS[2])
    population = T.population(data, munis, code_map)
    done(STEPS[3])
    attributes = T.income(data, munis, code_map)
    done(STEPS[4])

    areas = munis.merge(zones, on="area_code", how="inner")
    precise = _precise_area_km2(data, areas["area_code"])
    areas = gpd.GeoDataFrame(
        areas[["area_code", "name", "level", "network_code", "zone_code", "region_code"]].assign(
            area_km2=precise if precise is not None else areas.geometry.area / 1e6
        ),
        geometry=areas.geometry.values,
        crs=CRS,
    )
    providers = pd.DataFrame({c.name: pd.Series(dtype=object) for c in S.PROVIDERS.columns})
    territory = Territory.build(
        _manifest(precise is not None),
        areas,
        units,
        population,
        attributes,
        providers,
        source=str(data),
    )
    done(STEPS[5])
    return territory


# ----- areas ------------------------------------------------------------------------------------
def _precise_area_km2(data: Path, codes: pd.Series) -> pd.Series | None:
    """km² of every municipality from the precise 2024 boundaries, or None without that layer."""
    path = data / PRECISE_MUNICIPALITIES
    if not path.is_file():
        return None
    try:
        layer = gpd.read_file(path, engine="pyogrio")
    except Exception as exc:  # pyogrio raises DataSourceError, DataLayerError, …
        raise ValidationError(
            "cannot read the municipal boundaries",
            file=path,
            found=f"{type(exc).__name__}: {exc}",
            expected="a shapefile of the 2024 municipalities (gemeente, naam)",
        ) from exc
    R.require_columns(layer, ["gemeente"], path)
    if layer.crs is None or not layer.crs.is_projected:
        raise ValidationError(
            "municipal boundaries without a metric CRS", file=path, found=str(layer.crs)
        )
    km2 = (layer.geometry.area / 1e6).groupby(R.nis_codes(layer["gemeente"], path, "gemeente"))
    by_code = km2.sum()
    missing = ~codes.isin(by_code.index)
    if bool(missing.any()):
        raise ValidationError(
            "municipality missing from the boundaries",
            file=path,
            column="gemeente",
            found=str(codes[missing].iloc[0]),
            expected="every municipality of Flanders and Brussels (2019–2024 codes)",
        )
    return by_code.reindex(codes.to_numpy()).to_numpy()  # type: ignore[return-value]


def _municipalities(
    data: Path, region: T.RegionOf = region_of, regions: tuple[str, ...] = (FLANDERS, BRUSSELS)
) -> gpd.GeoDataFrame:
    """The municipalities of ``regions`` (default Flanders and Brussels; ``region`` tells a NIS
    code's region) with geometry (EPSG:31370) and 2020 population."""
    path = R.require_file(data / MUNICIPALITIES, "TopoJSON of the municipalities (bmesuere)")
    try:
        gdf = gpd.read_file(path, layer="municipalities", engine="pyogrio")
    except Exception as exc:  # pyogrio raises DataSourceError, DataLayerError, …
        raise ValidationError(
            "cannot read layer 'municipalities'",
            file=path,
            found=f"{type(exc).__name__}: {exc}",
            expected="a TopoJSON file with a 'municipalities' layer",
        ) from exc
    R.require_columns(gdf, ["nis", "name_nl", "name_fr", "population"], path)
    gdf = gdf.reset_index(drop=True)
    gdf["nis"] = R.nis_codes(gdf["nis"], path, "nis")
    dup = gdf["nis"].duplicated()
    if bool(dup.any()):
        i = int(dup.to_numpy().nonzero()[0][0])
        raise ValidationError(
            "duplicate municipality", file=path, column="nis", row=i + 1, found=gdf["nis"].iloc[i]
        )
    if gdf.crs is None:  # TopoJSON carries no CRS; the file is in longitude/latitude
        minx, miny, maxx, maxy = gdf.total_bounds
        if not (minx >= 2 and maxx <= 7 and miny >= 49 and maxy <= 52):
            raise ValidationError(
                "coordinates outside Belgium",
                file=path,
                found=[round(float(b), 3) for b in (minx, miny, maxx, maxy)],
                expected="longitude/latitude (WGS84) of Belgian municipalities",
            )
        gdf = gdf.set_crs("EPSG:4326")
    gdf["region_code"] = gdf["nis"].map(region)
    gdf = gdf[gdf["region_code"].notna()].to_crs(CRS).reset_index(drop=True)
    geom = gdf.geometry
    invalid = ~geom.is_valid
    if bool(invalid.any()):  # the simplified TopoJSON has a few self-touching rings
        geom = geom.where(~invalid, geom[invalid].buffer(0))
    # one geometry type, so that the GeoPackage layer (which promotes mixed layers) round-trips
    geom = gpd.GeoSeries(
        [g if isinstance(g, MultiPolygon) else MultiPolygon([g]) for g in geom], crs=CRS
    )
    brussels = gdf["region_code"] == BRUSSELS
    bilingual = brussels & (gdf["name_nl"] != gdf["name_fr"])
    name = gdf["name_nl"].where(~bilingual, gdf["name_nl"] + " / " + gdf["name_fr"])
    name = name.where(gdf["region_code"] != WALLONIA, gdf["name_fr"])
    pop = R.numbers(gdf["population"], path, "population", row_offset=1).astype("int64")

    csv = data / POPULATION_2020
    totals = R.read_csv(
        csv,
        ["NIS code", "Mannen", "Vrouwen", "Totaal"],
        "2020 population per municipality (NIS code, Mannen, Vrouwen, Totaal)",
        encoding="utf-8-sig",
    )
    totals["NIS code"] = R.nis_codes(totals["NIS code"], csv, "NIS code")
    totals = totals.set_index("NIS code")
    for col in ("Mannen", "Vrouwen", "Totaal"):
        totals[col] = R.numbers(totals[col], csv, col).astype("int64")
    missing = ~gdf["nis"].isin(totals.index)
    if bool(missing.any()):
        raise ValidationError(
            "municipality missing",
            file=csv,
            column="NIS code",
            found=gdf["nis"][missing].iloc[0],
            expected="a row for every municipality of belgium.json",
        )
    t = totals.loc[gdf["nis"]]
    differ = (t["Totaal"].to_numpy() != pop.to_numpy()) | (
        (t["Mannen"] + t["Vrouwen"]).to_numpy() != t["Totaal"].to_numpy()
    )
    if bool(differ.any()):
        i = int(differ.nonzero()[0][0])
        raise ValidationError(
            "2020 population disagrees between files",
            file=csv,
            column="Totaal",
            row=f"NIS {gdf['nis'].iloc[i]}",
            found=int(t["Totaal"].iloc[i]),
            expected=f"{int(pop.iloc[i])} (population in {MUNICIPALITIES}) = Mannen + Vrouwen",
        )
    region_totals = totals["Totaal"]
    for reg in regions:
        got = int(pop[gdf["region_code"] == reg].sum())
        if reg in region_totals.index and got != int(region_totals[reg]):
            raise ValidationError(
                f"municipalities do not add up to the region {reg}",
                file=csv,
                row=f"NIS {reg}",
                found=got,
                expected=str(int(region_totals[reg])),
            )
    return gpd.GeoDataFrame(
        {
            "area_code": gdf["nis"],
            "name": name,
            "level": "municipality",
            "network_code": None,
            "region_code": gdf["region_code"],
            "population_2020": pop,
            "men_2020": t["Mannen"].to_numpy(),
            "women_2020": t["Vrouwen"].to_numpy(),
        },
        geometry=geom.values,
        crs=CRS,
    )


def _zones(data: Path, munis: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(area_code → zone_code, units)`` from the municipality → zone table and zone names."""
    path = data / ZONE_TABLE
    table = R.read_excel(path, ["gemeente2024", "elz"], "municipality → primary care zone table")
    table["gemeente2024"] = R.nis_codes(table["gemeente2024"], path, "gemeente2024")
    table["elz"] = table["elz"].astype("string").str.strip()
    dup = table["gemeente2024"].duplicated()
    if bool(dup.any()):
        i = int(dup.to_numpy().nonzero()[0][0])
        raise ValidationError(
            "municipality in more than one zone",
            file=path,
            column="gemeente2024",
            row=i + 2,
            found=table["gemeente2024"].iloc[i],
            expected="each municipality once",
        )
    known = set(munis["area_code"])
    technical = table["elz"].isin(TECHNICAL_ZONE_CODES) | table["elz"].isna()
    located = table["gemeente2024"].isin(known)
    if bool((technical & located).any()):
        i = int((technical & located).to_numpy().nonzero()[0][0])
        raise ValidationError(
            "municipality mapped to a technical zone code (unlocated records)",
            file=path,
            column="elz",
            row=i + 2,
            found=f"{table['gemeente2024'].iloc[i]} → {table['elz'].iloc[i]}",
            expected="a real primary care zone",
        )
    unknown = ~technical & ~located
    if bool(unknown.any()):
        i = int(unknown.to_numpy().nonzero()[0][0])
        raise ValidationError(
            "unknown municipality code",
            file=path,
            column="gemeente2024",
            row=i + 2,
            found=table["gemeente2024"].iloc[i],
            expected=f"a 2019–2024 NIS code of Flanders or Brussels in {MUNICIPALITIES}",
        )
    table = table[~technical]
    without = sorted(known - set(table["gemeente2024"]))
    if without:
        raise ValidationError(
            f"{len(without)} municipality(ies) without a zone",
            file=path,
            column="gemeente2024",
            found=", ".join(without[:5]),
            expected="a row for every municipality of Flanders and Brussels",
        )

    npath = data / ZONE_NAMES
    names = R.read_excel(npath, ["geoitem code", "name"], "primary care zone names")
    names = names.assign(code=names["geoitem code"].astype("string").str.strip())
    name_of = dict(zip(names["code"], names["name"].astype("string").str.strip(), strict=True))
    for i, code in enumerate(table["elz"]):
        if code not in name_of or pd.isna(name_of[code]):
            raise ValidationError(
                "zone without a name",
                file=npath,
                column="geoitem code",
                found=code,
                expected=f"a row for every zone of {ZONE_TABLE} (first used in row {i + 2})",
            )
    zones = pd.DataFrame({"area_code": table["gemeente2024"], "zone_code": table["elz"]})
    region = zones["area_code"].map(
        dict(zip(munis["area_code"], munis["region_code"], strict=True))
    )
    per_zone = region.groupby(zones["zone_code"]).unique()
    mixed = [z for z, r in per_zone.items() if len(r) > 1]
    if mixed:
        raise ValidationError(
            "zone spans Flanders and Brussels",
            file=path,
            column="elz",
            found=mixed[0],
            expected="each zone inside one region",
        )
    zone_units = pd.DataFrame(
        {
            "unit_code": per_zone.index,
            "name": [name_of[z] for z in per_zone.index],
            "level": "zone",
            "parent_code": [r[0] for r in per_zone],
        }
    )
    regions = sorted(set(munis["region_code"]))
    region_units = pd.DataFrame(
        {
            "unit_code": regions,
            "name": [REGION_NAMES[r] for r in regions],
            "level": "region",
            "parent_code": None,
        }
    )
    units = pd.concat([region_units, zone_units], ignore_index=True)
    return zones.reset_index(drop=True), units


# ----- manifest ---------------------------------------------------------------------------------
def _manifest(precise: bool) -> Manifest:
    statbel = "Statbel open data licence"
    simplified = "the simplified TopoJSON outline of belgium.json (bmesuere)"
    return Manifest(
        name="Flanders and Brussels (open data)",
        reference_year=REFERENCE_YEAR,
        crs=CRS,
        synthetic=False,
        language="nl",
        age_structure_year=2013,
        area_geometry=AreaGeometry(
            area_km2="the precise 2024 municipal boundaries (gemeente2024.shp, "
            "provinciesincijfers/gebiedsniveaus)"
            if precise
            else simplified,
            drawing=simplified,
        ),
        sources=[
            Source(
                name="Belgian municipalities 2020 (TopoJSON, population on 1 January 2020)",
                licence="CC0 1.0",
                url="https://github.com/bmesuere/belgium-topojson",
                note="Statbel figures; geometry simplified, reprojected to EPSG:31370, kept "
                "for drawing; area_km2 from the precise 2024 municipal boundaries where "
                "be_area_levels/shapefiles/gemeente2024.shp is present.",
            ),
            Source(
                name="Flemish and Brussels area levels: municipality → primary care zone, "
                "zone names, statistical sectors (provinciesincijfers/gebiedsniveaus)",
                licence="Modellicentie Gratis Hergebruik (Flemish open data licence)",
                url="https://github.com/provinciesincijfers/gebiedsniveaus",
                note="Technical zone codes elz91/92/93/99 (unlocated records) ignored. Sector "
                "code prefixes give the pre-2019 → 2020 municipality codes.",
            ),
            Source(
                name="Statbel population by municipality, sex and 5-year age band, 2013",
                licence=statbel,
                url="https://github.com/HackaBXL/2014_think-of-the-children",
                note="The 2013 age structure of each 2020 municipality (its pre-2019 parts "
                "summed; 95-99 and 100+ merged into 95+) is scaled, per sex, to the 2020 number "
                "of men and women and rounded by largest remainder: totals are those of 2020, "
                "the age structure that of 2013.",
            ),
            Source(
                name="Statbel fiscal income statistics per municipality (income year 2013)",
                licence=statbel,
                url="https://github.com/bnosac/BelgiumMaps.StatBel",
            ),
            Source(
                name="Care providers",
                licence="not applicable",
                note="This open data has no providers: the providers table is empty.",
            ),
        ],
        attributes={
            "mean_taxable_income_eur": AttributeDefinition(
                label="Mean taxable income",
                unit="EUR per inhabitant per year",
                definition="total net taxable income of the residents divided by the number of "
                f"residents, income year {INCOME_YEAR}; merged municipalities: sums of both",
                source="Statbel fiscal income statistics (TF_PSNL_INC_TAX_MUNTY)",
            )
        },
    )


__all__ = ["STEPS", "import_flanders", "largest_remainder", "region_of"]
