"""The shapes a report draws its maps with: the zone's areas and its networks (no figures)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import geopandas as gpd

from mesocare.territory import Territory


@dataclass(frozen=True)
class ZoneGeometry:
    """The zone's areas (``area_code``, ``name``, ``network_code``, geometry) in report order."""

    areas: gpd.GeoDataFrame

    @classmethod
    def of(cls, territory: Territory, zone: str) -> ZoneGeometry:
        a = territory.areas
        sel = a[(a["zone_code"] == zone).fillna(False).to_numpy(dtype=bool)]
        return cls(sel[["area_code", "name", "network_code", "geometry"]].reset_index(drop=True))

    def aligned(self, codes: list[str]) -> gpd.GeoDataFrame:
        """The areas in the order of ``codes`` (the order of a theme's area lists)."""
        idx = self.areas.set_index(self.areas["area_code"].astype(str))
        return gpd.GeoDataFrame(idx.loc[codes].reset_index(drop=True), crs=self.areas.crs)

    @cached_property
    def networks(self) -> gpd.GeoDataFrame:
        a = self.areas.dropna(subset=["network_code"])
        return gpd.GeoDataFrame(
            a.dissolve(by="network_code").reset_index()[["network_code", "geometry"]],
            crs=self.areas.crs,
        )
