"""Any territory from files: an area layer, a population table, zones, providers.

``mesocare import files --areas FILE --population FILE [--zones FILE] [--providers FILE]``:

- **areas**: a GeoPackage, GeoJSON or Shapefile (read by pyogrio) of polygons with a CRS, columns
  ``area_code`` and optionally ``name``; reprojected to the metric CRS the user names, by default
  the UTM zone of the layer's centroid (WGS84 / UTM, EPSG:326xx north or 327xx south). The area in
  km² is computed in that CRS. Invalid rings are repaired (``buffer(0)``).
- **population**: see :mod:`mesocare.sources._population_file` (totals, or by sex and age band).
- **zones** (and networks and regions): columns ``zone_code`` and optionally ``zone_name``,
  ``network_code``, ``network_name``, ``region_code``, ``region_name``, either in a mapping table
  (CSV/XLSX/Parquet with ``area_code``) or as columns of the area layer. Without any, every area is
  in one zone ``Z1`` of one region ``R1``.
- **providers**: see :mod:`mesocare.sources.providers` (the field names as columns, or a mapping).

Column names can be mapped: ``{"area_code": "nis"}`` renames ``nis`` to ``area_code`` in every
file; ``{"population.area_code": "NIS"}`` only in that one (prefixes ``areas.``, ``population.``,
``zones.``). Every error names the file, the column and the row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
from shapely.geometry import MultiPolygon

from mesocare.errors import ParameterError, ValidationError
from mesocare.sources import _read as R
from mesocare.sources._population_file import read_population
from mesocare.sources.providers import ProviderMapping, empty_providers, read_providers
from mesocare.territory import Manifest, Source, Territory

LAYER_SUFFIXES = (".gpkg", ".geojson", ".json", ".shp")
UNIT_FIELDS = ("network", "zone", "region")
USER_LICENCE = "as given by the user"


@dataclass(frozen=True)
class FilesImport:
    territory: Territory
    crs: str
    crs_chosen: bool  # True when the CRS is the default UTM zone rather than the user's


def import_files(
    areas: Path,
    population: Path,
    *,
    zones: Path | None = None,
    providers: Path | None = None,
    crs: str | None = None,
    year: int | None = None,
    name: str | None = None,
    layer: str | None = None,
    columns: Mapping[str, str] | None = None,
    provider_mapping: ProviderMapping | None = None,
) -> FilesImport:
    """Build and check a territory from the files (nothing is written)."""
    cols = dict(columns or {})
    layer_gdf = _read_layer(Path(areas), layer)
    layer_gdf = R.renamed(layer_gdf, cols, "areas")
    target, chosen = _target_crs(layer_gdf, crs)
    a = _areas(layer_gdf, Path(areas), target)
    codes = set(a["area_code"])
    units_src = Path(areas)
    if zones is not None:
        z = R.renamed(R.read_table(Path(zones), "area_code → zone_code"), cols, "zones")
        a = _join_zones(a, z, Path(zones))
        units_src = Path(zones)
    else:
        for f in UNIT_FIELDS:
            for suffix in ("_code", "_name"):
                if f + suffix in layer_gdf.columns:
                    a[f + suffix] = _codes(layer_gdf[f + suffix])
    title = name or Path(areas).stem
    a, units = _units(a, units_src, title)
    pop_path = Path(population)
    pop, note = read_population(pop_path, codes, year, cols)
    ref_year = int(pop["year"].max())
    sources = [
        Source(name=f"Areas: {Path(areas).name}", licence=USER_LICENCE, note=f"in {target}"),
        Source(
            name=f"Population: {pop_path.name}",
            licence=USER_LICENCE,
            note=None if note is None else f"totals spread by the age and sex structure of {note}",
        ),
    ]
    if zones is not None:
        sources.append(Source(name=f"Zones: {Path(zones).name}", licence=USER_LICENCE))
    manifest = Manifest(
        name=title,
        reference_year=ref_year,
        crs=target,
        synthetic=False,
        sources=sources,
    )
    geometry = gpd.GeoDataFrame(
        a[["area_code", "name", "level", "network_code", "zone_code", "region_code", "area_km2"]],
        geometry=a.geometry.values,
        crs=target,
    )
    attrs = pd.DataFrame({"area_code": geometry["area_code"]})
    territory = Territory.build(
        manifest, geometry, units, pop, attrs, empty_providers(), source=str(areas)
    )
    if providers is not None:
        read = read_providers(Path(providers), territory, provider_mapping)
        src = Source(name=f"Care providers: {Path(providers).name}", licence=USER_LICENCE)
        territory = Territory.build(
            manifest.model_copy(update={"sources": [*sources, src]}),
            geometry,
            units,
            pop,
            attrs,
            read.providers,
        )
    return FilesImport(territory, target, chosen)


# ----- areas -------------------------------------------------------------------------------------
def _read_layer(path: Path, layer: str | None) -> gpd.GeoDataFrame:
    R.require_file(path, "an area layer (GeoPackage, GeoJSON or Shapefile)")
    if path.suffix.lower() not in LAYER_SUFFIXES:
        raise ValidationError(
            "unsupported area layer format",
            file=path,
            found=path.suffix or "no extension",
            expected="a GeoPackage (.gpkg), GeoJSON (.geojson) or Shapefile (.shp)",
        )
    try:
        gdf = gpd.read_file(path, layer=layer, engine="pyogrio")
    except Exception as exc:  # pyogrio raises DataSourceError, DataLayerError, …
        raise ValidationError(
            "not a readable area layer",
            file=path,
            found=f"{type(exc).__name__}: {str(exc)[:120]}",
            expected="polygons in a GeoPackage, GeoJSON or Shapefile",
        ) from None
    if len(gdf) == 0:
        raise ValidationError("no area in the layer", file=path, expected="one polygon per area")
    if gdf.crs is None:
        raise ValidationError(
            "area layer without a CRS",
            file=path,
            expected="a layer with its coordinate system (a .prj beside a .shp)",
        )
    return gdf.reset_index(drop=True)


def _target_crs(gdf: gpd.GeoDataFrame, crs: str | None) -> tuple[str, bool]:
    if crs is not None:
        try:
            c = pyproj.CRS.from_user_input(crs)
        except pyproj.exceptions.CRSError:
            raise ParameterError(f"--crs: unknown CRS '{crs}'") from None
        if not c.is_projected:
            raise ParameterError(
                f"--crs: {crs} is not a projected metric CRS (e.g. EPSG:3067, EPSG:31370)"
            )
        return crs, False
    c = gdf.to_crs(4326).geometry.union_all().centroid
    zone = int((c.x + 180) // 6) % 60 + 1
    return f"EPSG:{(32600 if c.y >= 0 else 32700) + zone}", True


def _codes(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip().str.replace(r"\.0$", "", regex=True)
    return text.where(text != "", pd.NA)


def _areas(gdf: gpd.GeoDataFrame, path: Path, crs: str) -> gpd.GeoDataFrame:
    R.require_columns(gdf, ["area_code"], path)
    code = _codes(gdf["area_code"])
    for bad, what in (
        (code.isna(), "empty area code"),
        (code.duplicated() & code.notna(), "area code listed twice"),
    ):
        if bool(bad.any()):
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise ValidationError(
                what,
                file=path,
                column="area_code",
                row=i + 1,
                found=None if pd.isna(code.iloc[i]) else str(code.iloc[i]),
                expected="a distinct code for every area (row = feature number)",
            )
    geom = gdf.geometry
    empty = geom.isna() | geom.is_empty
    wrong = ~empty & ~geom.geom_type.isin(["Polygon", "MultiPolygon"])
    for bad, what, expected in (
        (empty, "area without geometry", "a polygon for every area"),
        (wrong, "not a polygon", "Polygon or MultiPolygon areas"),
    ):
        if bool(bad.any()):
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise ValidationError(
                what,
                file=path,
                column="geometry",
                row=i + 1,
                found=None if empty.iloc[i] else str(geom.geom_type.iloc[i]),
                expected=f"{expected} (row = feature number; area {code.iloc[i]})",
            )
    geom = geom.to_crs(crs)
    invalid = ~geom.is_valid
    if bool(invalid.any()):
        geom = geom.where(~invalid, geom[invalid].buffer(0))
    geom = gpd.GeoSeries(
        [g if isinstance(g, MultiPolygon) else MultiPolygon([g]) for g in geom], crs=crs
    )
    name = _codes(gdf["name"]).fillna(code) if "name" in gdf.columns else code
    return gpd.GeoDataFrame(
        {
            "area_code": code.astype(str),
            "name": name.astype(str),
            "level": "area",
            "area_km2": geom.area.to_numpy() / 1e6,
        },
        geometry=geom.values,
        crs=crs,
    )


# ----- zones, networks, regions ------------------------------------------------------------------
def _join_zones(a: gpd.GeoDataFrame, z: pd.DataFrame, path: Path) -> gpd.GeoDataFrame:
    R.require_columns(z, ["area_code", "zone_code"], path)
    code = _codes(z["area_code"])
    known = set(a["area_code"])
    for bad, what in (
        (code.isna() | ~code.isin(known), "unknown area code (not in the areas)"),
        (code.duplicated(), "area listed twice"),
        (_codes(z["zone_code"]).isna(), "empty zone code"),
    ):
        if bool(bad.any()):
            i = int(np.flatnonzero(bad.to_numpy())[0])
            col = "zone_code" if what == "empty zone code" else "area_code"
            raise ValidationError(
                what,
                file=path,
                column=col,
                row=i + 2,
                found=None if pd.isna(z[col].iloc[i]) else str(z[col].iloc[i]),
                expected="each area of the layer once, with its zone",
            )
    missing = sorted(known - set(code))
    if missing:
        raise ValidationError(
            f"{len(missing)} area(s) without a zone",
            file=path,
            column="area_code",
            found=", ".join(missing[:5]),
            expected="a row for every area of the layer",
        )
    wanted = [f + s for f in UNIT_FIELDS for s in ("_code", "_name") if f + s in z.columns]
    table = pd.DataFrame({c: _codes(z[c]) for c in wanted}).set_index(code)
    out = a.copy()
    for c in wanted:
        out[c] = table[c].reindex(out["area_code"]).to_numpy()
    return out


def _units(a: gpd.GeoDataFrame, path: Path, title: str) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Fill the unit codes (one zone and region by default) and build the units table."""
    a = a.copy()
    if "zone_code" not in a.columns:
        a["zone_code"] = "Z1"
    if "region_code" not in a.columns:
        a["region_code"] = "R1"
    if "network_code" not in a.columns:
        a["network_code"] = pd.NA
    for f in ("zone", "region"):
        bad = a[f"{f}_code"].isna()
        if bool(bad.any()):
            raise ValidationError(
                f"area without a {f}",
                file=path,
                column=f"{f}_code",
                found=str(a["area_code"][bad].iloc[0]),
                expected=f"a {f} code for every area",
            )
    rows = []
    for level, parent in (("region", None), ("zone", "region"), ("network", "zone")):
        code_col = f"{level}_code"
        sub = a[a[code_col].notna()]
        for code, grp in sub.groupby(code_col, sort=True):
            names = grp.get(f"{level}_name", pd.Series(dtype="string")).dropna().unique()
            parents = grp[f"{parent}_code"].dropna().unique() if parent else [None]
            if len(parents) > 1:
                raise ValidationError(
                    f"{level} in more than one {parent}",
                    file=path,
                    column=code_col,
                    found=f"{code} in {', '.join(map(str, parents[:3]))}",
                    expected=f"each {level} inside one {parent}",
                )
            default = {"Z1": title, "R1": title}.get(str(code), str(code))
            label = str(names[0]) if len(names) else default
            rows.append((str(code), label, level, parents[0]))
    units = pd.DataFrame(rows, columns=["unit_code", "name", "level", "parent_code"])
    return a, units
