"""Map a zoning of municipalities onto merged municipalities, and flag what the mergers break.

A merged municipality goes to the zone that held most of its people (the fewest people change
zone); a merger whose parts lay in different zones is flagged as a split, and so is every zone
that the merger leaves outside the population bounds. The repair itself is a run of
:func:`mesocare.zoning.draw` that starts from this mapping with a high cost for changing zone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class MergedZoning:
    """``new_code`` per old area; ``municipalities``: one row per new municipality."""

    new_code: np.ndarray
    municipalities: pd.DataFrame  # new_code, parts, population, zone, split, zones_before
    flags: pd.DataFrame  # zone, issue, detail


def apply_mergers(
    codes: np.ndarray,
    zones: np.ndarray,
    population: np.ndarray,
    mapping: Mapping[str, str],
    *,
    min_population: float | None = None,
    max_population: float | None = None,
) -> MergedZoning:
    """Merge areas by ``mapping`` (old code → new code; others keep their code) and flag issues."""
    codes = np.asarray(codes).astype(str)
    zones = np.asarray(zones).astype(str)
    pop = np.asarray(population, dtype=float)
    new = np.array([mapping.get(c, c) for c in codes])
    df = pd.DataFrame({"old": codes, "new": new, "zone": zones, "pop": pop})
    by_zone = df.groupby(["new", "zone"], sort=True)["pop"].sum().reset_index()
    by_zone = by_zone.sort_values(["new", "pop", "zone"], ascending=[True, False, True])
    major = by_zone.drop_duplicates("new").set_index("new")["zone"]
    rows = []
    for code, part in df.groupby("new", sort=True):
        zs = sorted(set(part["zone"]))
        rows.append(
            {
                "new_code": code,
                "parts": ", ".join(part["old"]),
                "population": float(part["pop"].sum()),
                "zone": major[code],
                "split": len(zs) > 1,
                "zones_before": ", ".join(zs),
            }
        )
    munis = pd.DataFrame(rows)
    flags: list[dict[str, object]] = []
    for r in munis[munis["split"]].itertuples():
        flags.append(
            {
                "zone": r.zone,
                "issue": "merger across zones",
                "detail": f"{r.new_code} ({r.parts}) lay in {r.zones_before}; assigned to {r.zone}",
            }
        )
    zpop = munis.groupby("zone")["population"].sum()
    before = df.groupby("zone")["pop"].sum()
    for z, p in zpop.items():
        if min_population is not None and p < min_population:
            flags.append(
                {"zone": z, "issue": "below minimum", "detail": f"{p:,.0f} < {min_population:,.0f}"}
            )
        if max_population is not None and p > max_population:
            flags.append(
                {"zone": z, "issue": "above maximum", "detail": f"{p:,.0f} > {max_population:,.0f}"}
            )
    for z in sorted(set(before.index) - set(zpop.index)):
        flags.append({"zone": z, "issue": "emptied", "detail": "all its areas moved"})
    return MergedZoning(new, munis, pd.DataFrame(flags, columns=["zone", "issue", "detail"]))
