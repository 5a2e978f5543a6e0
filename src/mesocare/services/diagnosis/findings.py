"""Findings from the territory-wide indicator table: value, interval, comparators, rank, source."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from mesocare.i18n import N_
from mesocare.indicators import INDICATORS
from mesocare.indicators.definitions import IndicatorDef
from mesocare.services.diagnosis.model import Finding, UnitValues
from mesocare.services.diagnosis.shared import TerritoryResults

#: Indicators whose value depends on the age structure (see ``Manifest.age_structure_year``).
AGE_DEPENDENT = frozenset({"share_65plus", "share_80plus", "dependency_ratio"})
INTERVAL_METHOD = {"proportion": "wilson", "rate": "byar"}
AGE_NOTE = N_("Age structure of {age_year}, scaled to the totals of {year}.")


def num(v: Any) -> float | None:
    """A finite float, or None (NaN, NA and infinities are not values)."""
    if v is None or v is pd.NA:
        return None
    f = float(v)
    return f if math.isfinite(f) else None


def significance(comparison: object) -> str:
    s = str(comparison)
    return "not_compared" if s in ("not compared", "nan", "None") else s


def source_of(d: IndicatorDef | None, shared: TerritoryResults) -> str:
    """The manifest source an indicator's numerator comes from (by name)."""
    m = shared.territory.manifest
    if d is not None and d.attribute and d.attribute in m.attributes:
        return m.attributes[d.attribute].source
    want = ("provider", "zorgverlener") if d is not None and d.disciplines else ("population",)
    for s in m.sources:
        if any(w in s.name.lower() for w in want):
            return s.name
    return m.sources[0].name if m.sources else m.name


def note_of(d: IndicatorDef | None, shared: TerritoryResults) -> tuple[str | None, dict]:
    m = shared.territory.manifest
    year = m.age_structure_year
    if d is not None and d.id in AGE_DEPENDENT and year and year != m.reference_year:
        return AGE_NOTE, {"age_year": year, "year": m.reference_year}
    return None, {}


def zone_findings(shared: TerritoryResults, zone: str) -> list[Finding]:
    """One finding per indicator of the zone, against its region and the region's zones."""
    ind = shared.indicators_by_zone.get(zone)
    if ind is None:
        return []
    rows = ind[((ind["level"] == "zone") & (ind["unit_code"] == zone)).to_numpy()]
    region = shared.zone_region[zone]
    stats = shared.zone_stats
    year = shared.territory.manifest.reference_year
    out = []
    for r in rows.to_dict(orient="records"):
        iid = str(r["indicator_id"])
        d = INDICATORS.get(iid)
        sp = stats.spread.get((iid, region))
        rk = stats.rank.get((iid, zone))
        note, args = note_of(d, shared)
        out.append(
            Finding(
                indicator_id=iid,
                unit_code=zone,
                level="zone",
                value=num(r["value"]),
                unit=d.unit if d else "",
                numerator=num(r["numerator"]),
                denominator=num(r["denominator"]),
                lower=num(r["lower"]),
                upper=num(r["upper"]),
                interval_method=INTERVAL_METHOD.get(d.method) if d else None,
                region_value=num(r["parent_value"]),
                zones=sp,
                significance=significance(r["comparison"]),  # type: ignore[arg-type]
                polarity=d.polarity if d else "none",  # type: ignore[arg-type]
                rank=rk[0] if rk else None,
                rank_of=rk[1] if rk else None,
                reference_year=year,
                source=source_of(d, shared),
                note=note.format(**args) if note else None,
            )
        )
    return out


def unit_values(shared: TerritoryResults, zone: str, level: str, codes: list[str]) -> UnitValues:
    """Every indicator's value and comparison for the zone's areas or networks, by column."""
    val, cmp_ = shared.wide(level)
    val, cmp_ = val.reindex(codes), cmp_.reindex(codes)
    ids = [i for i in INDICATORS if i in val.columns and val[i].notna().any()]
    values = {
        i: [num(v) for v in val[i].to_numpy(dtype=float, na_value=np.nan).tolist()] for i in ids
    }
    sig = {i: [significance(c) for c in cmp_[i].tolist()] for i in ids}
    return UnitValues(
        level=level,  # type: ignore[arg-type]
        codes=list(codes),
        names=[shared.names.get(c, c) for c in codes],
        values=values,
        significance=sig,  # type: ignore[arg-type]
    )
