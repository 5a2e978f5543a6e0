"""The Territory bundle: areas, their hierarchy, population, attributes and providers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from mesocare.errors import UnknownCodeError, ValidationError
from mesocare.territory import schema as S
from mesocare.territory.columns import check_table


class Source(BaseModel):
    """Where some of a territory's data comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    licence: str
    url: str | None = None
    note: str | None = None


class AttributeDefinition(BaseModel):
    """What a column of ``area_attributes`` means."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    label: str
    unit: str
    definition: str
    source: str


class AreaGeometry(BaseModel):
    """Which geometry the areas' km² come from and which one the maps draw, when they differ."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    area_km2: str
    drawing: str


class Manifest(BaseModel):
    """Identity card of a territory, saved as ``territory.toml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    format_version: int = 1
    name: str
    reference_year: int = Field(ge=1900, le=2200)
    crs: str
    synthetic: bool
    seed: int | None = None
    generator: dict[str, Any] | None = None
    sources: list[Source] = Field(default_factory=list)
    attributes: dict[str, AttributeDefinition] = Field(default_factory=dict)
    optional_tables: list[str] = Field(default_factory=list)
    #: the language of the territory's people (nl, fr or en): the default of its reports
    language: str | None = Field(default=None, pattern="^(nl|fr|en)$")
    #: the year of the age structure when it differs from the reference year (e.g. a 2013 age
    #: structure scaled to the totals of the reference year); reports say so at each figure
    age_structure_year: int | None = Field(default=None, ge=1900, le=2200)
    #: where ``area_km2`` (and so every density) comes from when the drawn outline is another one
    area_geometry: AreaGeometry | None = None

    @property
    def label(self) -> str:
        return f"{self.name} (SYNTHETIC)" if self.synthetic else self.name


@dataclass(frozen=True)
class Territory:
    """A validated bundle of tables describing one territory.

    ``areas`` is a GeoDataFrame in a projected metric CRS; ``units`` names the networks, zones and
    regions the areas belong to; ``population`` is long (area × sex × age band); ``area_attributes``
    is wide (one row per area, one column per attribute defined in the manifest); ``providers`` has
    point coordinates ``x``/``y`` in the same CRS. ``tables`` holds optional named tables that other
    modules add (e.g. enrolled patients), saved as Parquet beside the others.
    """

    manifest: Manifest
    areas: gpd.GeoDataFrame
    units: pd.DataFrame
    population: pd.DataFrame
    area_attributes: pd.DataFrame
    providers: pd.DataFrame
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        manifest: Manifest,
        areas: gpd.GeoDataFrame,
        units: pd.DataFrame,
        population: pd.DataFrame,
        area_attributes: pd.DataFrame,
        providers: pd.DataFrame,
        tables: dict[str, pd.DataFrame] | None = None,
        *,
        source: str | None = None,
    ) -> Territory:
        """Check every table and the links between them, then return the bundle."""
        where = (lambda name: f"{source}/{name}") if source else (lambda name: name)
        if areas.crs is None or not areas.crs.is_projected:
            raise ValidationError(
                "areas need a projected metric CRS",
                file=where("areas.gpkg"),
                found=str(areas.crs),
                expected="e.g. EPSG:31370 or EPSG:2154",
            )
        geom = areas.geometry
        if bool(geom.isna().any()) or bool(geom.is_empty.any()):
            i = int((geom.isna() | geom.is_empty).to_numpy().nonzero()[0][0])
            raise ValidationError(
                "missing geometry",
                file=where("areas.gpkg"),
                row=i + 1,
                expected="a polygon for every area",
            )
        kinds = set(geom.geom_type)
        if not kinds <= {"Polygon", "MultiPolygon"}:
            raise ValidationError(
                "wrong geometry type",
                file=where("areas.gpkg"),
                found=sorted(kinds),
                expected="Polygon or MultiPolygon",
            )
        a = check_table(
            pd.DataFrame(areas.drop(columns="geometry")), S.AREAS, file=where("areas.gpkg")
        )
        areas_out = gpd.GeoDataFrame(a, geometry=geom.values, crs=areas.crs)
        u = check_table(units, S.UNITS, file=where("units.parquet"))
        p = check_table(population, S.POPULATION, file=where("population.parquet"))
        attrs = check_table(
            area_attributes, S.AREA_ATTRIBUTES, file=where("area_attributes.parquet")
        )
        prov = check_table(providers, S.PROVIDERS, file=where("providers.parquet"))
        codes = set(a["area_code"])
        _check_codes(p["area_code"], codes, where("population.parquet"), "area_code", "areas")
        _check_codes(
            attrs["area_code"], codes, where("area_attributes.parquet"), "area_code", "areas"
        )
        _check_codes(prov["area_code"], codes, where("providers.parquet"), "area_code", "areas")
        for col, level in (
            ("network_code", "network"),
            ("zone_code", "zone"),
            ("region_code", "region"),
        ):
            known = set(u.loc[u["level"] == level, "unit_code"])
            _check_codes(a[col].dropna(), known, where("areas.gpkg"), col, f"{level} units")
        for col, unit_level in S.ADMINISTRATIVE_LEVELS.items():
            if col in a.columns:
                known = set(u.loc[u["level"] == unit_level.value, "unit_code"])
                _check_codes(
                    a[col].dropna(), known, where("areas.gpkg"), col, f"{unit_level} units"
                )
        dup = p.duplicated(["area_code", "sex", "age_band", "year"])
        if bool(dup.any()):
            raise ValidationError(
                "duplicate area × sex × age band × year",
                file=where("population.parquet"),
                row=int(dup.to_numpy().nonzero()[0][0]) + 1,
            )
        _check_consistent(manifest, areas_out, attrs, prov, where)
        defined = set(manifest.attributes)
        present = set(attrs.columns) - {"area_code"}
        if present - defined:
            raise ValidationError(
                "attribute without a definition in the manifest",
                file=where("area_attributes.parquet"),
                column=sorted(present - defined)[0],
                expected="an [attributes.<name>] entry in territory.toml",
            )
        return cls(manifest, areas_out, u, p, attrs, prov, dict(tables or {}))

    # ----- convenience views -------------------------------------------------------------
    @cached_property
    def unit_names(self) -> dict[str, str]:
        """Name of every network, zone and region by code (computed once)."""
        return dict(
            zip(self.units["unit_code"].astype(str), self.units["name"].astype(str), strict=True)
        )

    def unit_name(self, code: str) -> str:
        return self.unit_names.get(code, code)

    def zone_codes(self) -> list[str]:
        return sorted(self.units.loc[self.units["level"] == "zone", "unit_code"].tolist())

    def require_zone(self, zone_code: str) -> None:
        if not bool((self.areas["zone_code"] == zone_code).any()):
            known = self.zone_codes()
            shown = ", ".join(known[:12]) + (" …" if len(known) > 12 else "")
            raise UnknownCodeError(
                f"unknown zone '{zone_code}' in territory '{self.manifest.name}'; "
                f"known zones: {shown}"
            )

    def zoned(self) -> Territory:
        """The territory restricted to the areas that belong to a zone (itself when all do).

        Areas may lie outside every zone (a commune in no CPTS, a Walloon municipality outside
        the zones a user gave); zone-level engines and the diagnosis work on this part, so a
        region's comparators are those of its zoned areas.
        """
        inside = self.areas["zone_code"].notna()
        if bool(inside.all()):
            return self
        codes = set(self.areas.loc[inside, "area_code"])

        def keep(df: pd.DataFrame) -> pd.DataFrame:
            if "area_code" not in df.columns:
                return df
            return df[df["area_code"].isin(codes)].reset_index(drop=True)

        return replace(
            self,
            areas=self.areas[inside].reset_index(drop=True),
            population=keep(self.population),
            area_attributes=keep(self.area_attributes),
            providers=keep(self.providers),
            tables={k: keep(v) for k, v in self.tables.items()},
        )

    def with_tables(self, **tables: pd.DataFrame) -> Territory:
        """A copy with optional tables added or replaced."""
        merged = {**self.tables, **tables}
        manifest = self.manifest.model_copy(update={"optional_tables": sorted(merged)})
        return replace(self, manifest=manifest, tables=merged)

    def population_by_area(self) -> pd.DataFrame:
        """Total population per area (one row per area, zero where no rows)."""
        tot = self.population.groupby("area_code", observed=True)["count"].sum()
        return pd.DataFrame({"area_code": self.areas["area_code"]}).assign(
            population=lambda d: d["area_code"].map(tot).fillna(0).astype("int64")
        )


def _check_codes(values: pd.Series, known: set[str], file: str, column: str, what: str) -> None:
    bad = ~values.isin(known)
    if bool(bad.any()):
        i = int(bad.to_numpy().nonzero()[0][0])
        raise ValidationError(
            f"unknown code (not among the {what})",
            file=file,
            column=column,
            row=int(values.index[i]) + 1 if isinstance(values.index[i], int) else i + 1,
            found=str(values.iloc[i]),
        )


#: how far (in metres) a provider may lie outside the areas' bounding box (geocoding on a border)
OUTSIDE_TOLERANCE_M = 5_000.0


def _check_consistent(
    manifest: Manifest,
    areas: gpd.GeoDataFrame,
    attrs: pd.DataFrame,
    providers: pd.DataFrame,
    where: Callable[[str], str],
) -> None:
    """Tables that contradict each other: another CRS in the manifest or for the providers'
    points (which then lie far outside the areas), infinite attribute values."""
    import pyproj

    try:
        same = pyproj.CRS.from_user_input(manifest.crs) == areas.crs
    except pyproj.exceptions.CRSError:
        same = False
    if not same:
        raise ValidationError(
            "the areas are in another CRS than the manifest says",
            file=where("territory.toml"),
            column="crs",
            found=manifest.crs,
            expected=f"the CRS of areas.gpkg ({areas.crs.to_string()})",
        )
    if len(providers) and len(areas):
        x0, y0, x1, y1 = areas.total_bounds
        pad = OUTSIDE_TOLERANCE_M
        x, y = providers["x"].to_numpy(), providers["y"].to_numpy()
        outside = (x < x0 - pad) | (x > x1 + pad) | (y < y0 - pad) | (y > y1 + pad)
        if bool(outside.any()):
            i = int(outside.nonzero()[0][0])
            raise ValidationError(
                f"{int(outside.sum())} provider location(s) lie outside the areas: their x/y "
                "are not in the areas' CRS, or belong to another territory",
                file=where("providers.parquet"),
                column="x",
                row=i + 1,
                found=(float(x[i]), float(y[i])),
                expected=f"points in {areas.crs.to_string()} within "
                f"[{x0:.0f}, {x1:.0f}] × [{y0:.0f}, {y1:.0f}]",
            )
    for column in attrs.columns.drop("area_code"):
        values = pd.to_numeric(attrs[column], errors="coerce").to_numpy(dtype="float64")
        infinite = np.isinf(values)
        if bool(infinite.any()):
            raise ValidationError(
                "not a finite number",
                file=where("area_attributes.parquet"),
                column=str(column),
                row=int(infinite.nonzero()[0][0]) + 1,
                expected="a number or an empty value",
            )
