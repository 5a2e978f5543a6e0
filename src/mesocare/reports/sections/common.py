"""Results several sections share, computed once per territory through the context cache.

Territory-wide tables (indicators of every unit, shortage flags) are split by zone once, so each
zone's report reads small tables instead of filtering the whole territory again.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mesocare.indicators import compute_indicators, gp_shortage, unit_counts
from mesocare.reports.base import ReportContext


def _unit_zone(ctx: ReportContext) -> dict[str, str]:
    """Zone code of every area, network and zone code (regions are in every zone's split)."""

    def build() -> dict[str, str]:
        a = ctx.territory.areas
        m = dict(zip(a["area_code"].astype(str), a["zone_code"].astype(str), strict=True))
        nets = a.dropna(subset=["network_code"]).drop_duplicates("network_code")
        m.update(zip(nets["network_code"].astype(str), nets["zone_code"].astype(str), strict=True))
        m.update({z: z for z in a["zone_code"].astype(str).unique()})
        return m

    return ctx.cached("unit_zone", build)


def _split_by_zone(ctx: ReportContext, key: str, table: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``table`` (with unit_code and level) for the context's zone, plus region rows."""

    def build() -> dict[str, pd.DataFrame]:
        # integer zone positions through one factorisation (lookups on Arrow strings are slow)
        codes, uniques = pd.factorize(table["unit_code"].to_numpy(dtype=object))
        zone_of = _unit_zone(ctx)
        zone_names = np.array([zone_of.get(str(u), "") for u in uniques], dtype=object)
        zone_idx, zones = pd.factorize(zone_names[codes])
        order = np.argsort(zone_idx, kind="stable")
        bounds = np.searchsorted(zone_idx[order], np.arange(len(zones) + 1))
        regions = table[(table["level"] == "region").to_numpy()]
        return {
            str(z): pd.concat([table.iloc[order[bounds[i] : bounds[i + 1]]], regions])
            for i, z in enumerate(zones)
            if z
        }

    return ctx.cached(f"{key}:by_zone", build).get(ctx.zone_code, table.iloc[0:0])


def _unit_counts(ctx: ReportContext) -> pd.DataFrame:
    """Base counts summed to every unit, shared by the indicators and the shortage rule."""
    return ctx.cached("unit_counts", lambda: unit_counts(ctx.territory))


def indicator_table(ctx: ReportContext) -> pd.DataFrame:
    """Indicators of the zone's areas and networks, the zone and the regions."""
    full = ctx.cached(
        "indicators", lambda: compute_indicators(ctx.territory, counts=_unit_counts(ctx))
    )
    return _split_by_zone(ctx, "indicators", full)


def shortage_table(ctx: ReportContext) -> pd.DataFrame | None:
    """The Flemish GP shortage flags of the zone's units, or None when the territory lists no GP."""
    if not bool((ctx.territory.providers["discipline"] == "gp").any()):
        return None
    full = ctx.cached("gp_shortage", lambda: gp_shortage(ctx.territory, counts=_unit_counts(ctx)))
    return _split_by_zone(ctx, "gp_shortage", full)


def provider_places(ctx: ReportContext) -> pd.DataFrame:
    """Providers with the zone and region they practise in."""

    def build() -> pd.DataFrame:
        a = ctx.territory.areas
        p = ctx.territory.providers
        code = p["area_code"].astype(str)
        return p.assign(
            zone_code=code.map(
                dict(zip(a["area_code"].astype(str), a["zone_code"].astype(str), strict=True))
            ),
            region_code=code.map(
                dict(zip(a["area_code"].astype(str), a["region_code"].astype(str), strict=True))
            ),
        )

    return ctx.cached("provider_places", build)


def zone_units(ctx: ReportContext) -> tuple[list[str], list[str], str]:
    """The zone's area codes, its network codes and its region code."""
    areas = ctx.zone_areas
    return (
        areas["area_code"].tolist(),
        sorted(areas["network_code"].dropna().unique().tolist()),
        str(areas["region_code"].iloc[0]),
    )
