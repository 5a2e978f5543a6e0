"""Results several sections share, computed once per report through the context cache."""

from __future__ import annotations

import pandas as pd

from mesocare.indicators import compute_indicators, gp_shortage
from mesocare.reports.base import ReportContext


def indicator_table(ctx: ReportContext) -> pd.DataFrame:
    return ctx.cached("indicators", lambda: compute_indicators(ctx.territory))


def shortage_table(ctx: ReportContext) -> pd.DataFrame | None:
    """The Flemish GP shortage flags of every unit, or None when the territory lists no GP."""
    if not bool((ctx.territory.providers["discipline"] == "gp").any()):
        return None
    return ctx.cached("gp_shortage", lambda: gp_shortage(ctx.territory))


def zone_units(ctx: ReportContext) -> tuple[list[str], list[str], str]:
    """The zone's area codes, its network codes and its region code."""
    areas = ctx.zone_areas
    return (
        areas["area_code"].tolist(),
        sorted(areas["network_code"].dropna().unique().tolist()),
        str(areas["region_code"].iloc[0]),
    )
