"""The Flemish GP shortage rule, per unit at every level, and the population living in shortage.

A unit is in shortage when it has fewer than 90 GPs under 65 per 100,000 inhabitants, or fewer than
125 inhabitants/km² together with fewer than 120 GPs under 65 per 100,000 (DOMAIN.md). The
thresholds are parameters (:class:`ShortageParams`) with these documented defaults. Comparisons are
made on counts (``gps × 100,000 < threshold × population``), not on rounded rates, so a unit exactly
at a threshold is never flagged by a rounding error. GPs of unknown age count as under 65.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from mesocare.errors import ParameterError, ValidationError
from mesocare.indicators.compute import LEVELS, unit_counts
from mesocare.indicators.definitions import Base
from mesocare.territory import Territory

SHORTAGE_COLUMNS: tuple[str, ...] = (
    "unit_code",
    "level",
    "unit_name",
    "zone_code",
    "population",
    "gp_under65",
    "gp_under65_per_100k",
    "density_per_km2",
    "shortage",
    "reason",
)


@dataclass(frozen=True)
class ShortageParams:
    """Thresholds of the Flemish GP shortage rule (defaults from DOMAIN.md)."""

    gp_per_100k_below: float = 90.0
    low_density_per_km2_below: float = 125.0
    low_density_gp_per_100k_below: float = 120.0

    def __post_init__(self) -> None:
        for name in (
            "gp_per_100k_below",
            "low_density_per_km2_below",
            "low_density_gp_per_100k_below",
        ):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and np.isfinite(v) and v >= 0):
                raise ParameterError(f"ShortageParams.{name} must be a number >= 0; found {v!r}")


def _fmt(x: float) -> str:
    """A figure for a reason text: one decimal, without a trailing '.0' (90, 87.4, 1,208.4)."""
    return f"{x:,.1f}".removesuffix(".0")


def gp_shortage(
    territory: Territory,
    params: ShortageParams | None = None,
    *,
    counts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per unit (areas, networks, zones, regions) with the shortage flag and its reason.

    Columns: ``unit_code, level, unit_name, zone_code`` (None for regions), ``population,
    gp_under65, gp_under65_per_100k, density_per_km2, shortage`` (bool), ``reason`` (empty when not
    in shortage). A unit without inhabitants is not in shortage (reason 'no inhabitants').
    Raises :class:`~mesocare.errors.ValidationError` when the territory has no GP at all (no GP
    data is not a shortage).
    """
    p = params or ShortageParams()
    if not bool((territory.providers["discipline"].astype(str) == "gp").any()):
        raise ValidationError(
            "no GP among the providers: the GP shortage rule needs GP head counts",
            file="providers.parquet",
            column="discipline",
            expected="rows with discipline 'gp'",
        )
    u = counts if counts is not None else unit_counts(territory)
    pop = u[str(Base.POPULATION)].to_numpy(dtype=np.float64)
    gps = u[str(Base.GP_UNDER65)].to_numpy(dtype=np.float64)
    km2 = u[str(Base.AREA_KM2)].to_numpy(dtype=np.float64)
    per = 100_000.0
    inhabited = pop > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(inhabited, gps / pop * per, np.nan)
        density = np.where(km2 > 0, pop / km2, np.nan)
    low_gp = inhabited & (gps * per < p.gp_per_100k_below * pop)
    low_density = inhabited & (pop < p.low_density_per_km2_below * km2)
    low_gp_rural = inhabited & (gps * per < p.low_density_gp_per_100k_below * pop)
    rural = low_density & low_gp_rural & ~low_gp
    shortage = low_gp | rural

    reason = np.full(len(u), "", dtype=object)
    reason[~inhabited] = "no inhabitants"
    for i in np.flatnonzero(low_gp):
        reason[i] = (
            f"{_fmt(rate[i])} GPs under 65 per 100,000, fewer than {_fmt(p.gp_per_100k_below)}"
        )
    for i in np.flatnonzero(rural):
        reason[i] = (
            f"{_fmt(density[i])} inhabitants/km², fewer than "
            f"{_fmt(p.low_density_per_km2_below)}, and {_fmt(rate[i])} GPs under 65 per "
            f"100,000, fewer than {_fmt(p.low_density_gp_per_100k_below)}"
        )
    out = pd.DataFrame(
        {
            "unit_code": u["unit_code"].to_numpy(dtype=object),
            "level": u["level"].to_numpy(dtype=object),
            "unit_name": u["unit_name"].to_numpy(dtype=object),
            "zone_code": u["zone_code"].to_numpy(dtype=object),
            "population": pop.astype(np.int64),
            "gp_under65": gps.astype(np.int64),
            "gp_under65_per_100k": rate,
            "density_per_km2": density,
            "shortage": shortage,
            "reason": reason,
        }
    )
    for col in ("unit_code", "level", "unit_name", "zone_code", "reason"):
        s = out[col].astype(object)
        out[col] = s.where(s.notna(), None)
    return out


def population_in_shortage(shortage_df: pd.DataFrame, level: str = "area") -> pd.DataFrame:
    """Per zone, how many inhabitants live in units of ``level`` that are in shortage.

    ``shortage_df`` is :func:`gp_shortage`'s table. Columns: ``zone_code, level, units,
    units_in_shortage, population, population_in_shortage, share_in_shortage`` (a fraction in
    [0, 1]; NaN for a zone without inhabitants).
    """
    if level not in LEVELS[:3]:
        raise ParameterError(f"level must be one of {LEVELS[:3]}; found {level!r}")
    missing = [c for c in ("level", "zone_code", "population", "shortage") if c not in shortage_df]
    if missing:
        raise ValidationError(
            f"missing column(s) {', '.join(missing)}",
            file="shortage table",
            expected="the table returned by gp_shortage()",
        )
    rows = shortage_df[shortage_df["level"] == level]
    if rows.empty:
        raise ValidationError(f"no units of level '{level}'", file="shortage table", column="level")
    flagged = rows["shortage"].astype(bool).to_numpy()
    pop = rows["population"].to_numpy(dtype=np.int64)
    frame = pd.DataFrame(
        {
            "zone_code": rows["zone_code"].astype(str).to_numpy(dtype=object),
            "units": 1,
            "units_in_shortage": flagged.astype(np.int64),
            "population": pop,
            "population_in_shortage": np.where(flagged, pop, 0),
        }
    )
    out = frame.groupby("zone_code", sort=True).sum().reset_index()
    out.insert(1, "level", level)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["share_in_shortage"] = np.where(
            out["population"] > 0, out["population_in_shortage"] / out["population"], np.nan
        )
    out["zone_code"] = out["zone_code"].astype(object)
    out["level"] = out["level"].astype(object)
    return out
