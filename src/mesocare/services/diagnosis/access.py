"""The GP shortage theme (the Flemish rule and the APL reconciled) and the accessibility theme."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mesocare.indicators.shortage import ShortageParams
from mesocare.services.diagnosis.findings import num
from mesocare.services.diagnosis.model import (
    AccessibilityTheme,
    AreaChange,
    DistanceStep,
    Finding,
    NotComputed,
    ShortageRow,
    ShortageRule,
    ShortageTheme,
    Site,
    UnitRef,
)
from mesocare.services.diagnosis.shared import TerritoryResults

#: New GP FTEs the diagnosis proposes to place in the zone (the CLI takes any number).
REPORT_NEW_FTE = 2.0
SHORTAGE_IDS = frozenset({"gp_under65_per_100k", "gp_per_1000", "gp_60plus_share"})


def not_computed(shared: TerritoryResults) -> list[NotComputed]:
    """The themes left out because the territory has no GPs (no zeros in their place)."""
    if shared.has_gps:
        return []
    return [
        NotComputed(theme=t, reason="no_providers", discipline="gp")
        for t in ("shortage", "accessibility")
    ]


def _reason(row: dict, p: ShortageParams) -> str:
    """A code for why the Flemish rule flags a unit (translated where it is shown)."""
    if not row["population"]:
        return "no_inhabitants"
    rate, dens = row["gp_under65_per_100k"], row["density_per_km2"]
    if rate < p.gp_per_100k_below:
        return "below_threshold"
    if dens < p.low_density_per_km2_below and rate < p.low_density_gp_per_100k_below:
        return "low_density"
    return ""


def shortage(
    shared: TerritoryResults, zone: str, networks: list[str], findings: list[Finding]
) -> ShortageTheme | None:
    """The Flemish rule and the APL side by side, for each network and for the zone."""
    if not shared.has_gps:
        return None
    p = ShortageParams()
    sh = shared.shortage_by_zone[zone]
    apl = shared.apl
    threshold = apl.request.apl.shortage_threshold
    apl_rule = apl.request.shortage
    units = shared.apl_units
    rows = []
    for level, codes in (("network", networks), ("zone", [zone])):
        sub = sh[(sh["level"] == level).to_numpy()].set_index("unit_code")
        for code in codes:
            if code not in sub.index:
                continue
            r = sub.loc[code].to_dict()
            rule = bool(r["shortage"])
            a: pd.Series | None = (
                units.loc[(level, code)] if (level, code) in units.index else None  # type: ignore[assignment]
            )
            apl_v = num(a["accessibility"]) if a is not None else None
            apl_short = (
                None
                if apl_v is None or apl_rule is None
                else bool(apl_rule.flags(np.array([apl_v]))[0])
            )
            rows.append(
                ShortageRow(
                    unit=UnitRef(code=code, name=shared.names.get(code, code), level=level),  # type: ignore[arg-type]
                    population=int(r["population"]),
                    gp_under65=int(r["gp_under65"]),
                    gp_under65_per_100k=num(r["gp_under65_per_100k"]),
                    density_per_km2=num(r["density_per_km2"]),
                    rule_shortage=rule,
                    rule_reason=_reason(r, p) if rule else "",
                    apl=apl_v,
                    apl_population_in_shortage=num(a["population_in_shortage"])
                    if a is not None
                    else None,
                    apl_share_in_shortage=num(a["share_in_shortage"]) if a is not None else None,
                    apl_shortage=apl_short,
                    agree=None if apl_short is None else apl_short == rule,
                )
            )
    areas = shared.zone_areas(zone)["area_code"].astype(str).tolist()
    sa = sh[(sh["level"] == "area").to_numpy()].set_index("unit_code")["shortage"]
    ap = apl.areas.set_index("area_code")["shortage"]
    nets = [r for r in rows if r.unit.level == "network"] or rows
    flagged = [r.rule_shortage or bool(r.apl_shortage) for r in nets]
    verdict = "shortage" if all(flagged) else "partial" if any(flagged) else "no_shortage"
    return ShortageTheme(
        findings=[f for f in findings if f.indicator_id in SHORTAGE_IDS],
        rule=ShortageRule(
            gp_per_100k_below=p.gp_per_100k_below,
            low_density_below_per_km2=p.low_density_per_km2_below,
            gp_per_100k_below_when_low_density=p.low_density_gp_per_100k_below,
            apl_threshold=threshold,
            apl_unit=apl.request.unit_label,
            apl_threshold_inclusive=apl.request.apl.shortage_inclusive,
        ),
        rows=rows,
        verdict=verdict,  # type: ignore[arg-type]
        area_codes=areas,
        area_rule_shortage=[bool(sa.get(c, False)) for c in areas],
        area_apl_shortage=[bool(ap.get(c, False)) for c in areas],
    )


def _apl_finding(shared: TerritoryResults, zone: str) -> Finding:
    """The zone's APL against its region, with its rank and spread among the region's zones."""
    region = shared.zone_region[zone]
    units = shared.apl_units
    rank = shared.zone_stats.rank.get(("apl", zone))
    return Finding(
        indicator_id="apl",
        unit_code=zone,
        level="zone",
        value=num(units.at[("zone", zone), "accessibility"]),
        unit=shared.apl.request.unit_label,
        region_value=num(units.at[("region", region), "accessibility"])
        if ("region", region) in units.index
        else None,
        zones=shared.zone_stats.spread.get(("apl", region)),
        significance="not_compared",
        polarity="higher_is_better",
        rank=rank[0] if rank else None,
        rank_of=rank[1] if rank else None,
        reference_year=shared.territory.manifest.reference_year,
        source="DREES APL method applied to the territory's providers",
    )


def accessibility(
    shared: TerritoryResults, zone: str, short: ShortageTheme | None
) -> AccessibilityTheme | None:
    from mesocare.services.accessibility import plan_sites

    if not shared.has_gps:
        return None
    res = shared.apl
    req = res.request
    rows = shared.area_rows[zone]
    areas = res.areas.iloc[rows]
    z: pd.Series = shared.apl_units.loc[("zone", zone)]  # type: ignore[assignment]
    plan = plan_sites(shared.territory, res, REPORT_NEW_FTE, zone_code=zone, origins=shared.origins)
    names = shared.names
    area_of_site = plan.sites["code"].astype(str)
    gain = plan.areas.set_index("area_code")["change"]
    codes = areas["area_code"].astype(str).tolist()
    worst = plan.areas.sort_values("before").head(10)
    travel = req.travel
    nets = [r for r in short.rows if r.unit.level == "network"] if short is not None else []
    return AccessibilityTheme(
        findings=[_apl_finding(shared, zone)],
        method="apl",
        unit_label=req.unit_label,
        max_gp_age=float(req.apl.max_gp_age),
        threshold=float(req.apl.shortage_threshold),
        threshold_inclusive=req.apl.shortage_inclusive,
        vintage=req.apl.vintage,
        steps=[DistanceStep(up_to_minutes=u, weight=w) for u, w in req.apl.steps.steps],
        detour_factor=getattr(travel, "detour_factor", None),
        speed_kmh=getattr(travel, "speed_kmh", None),
        areas_total=int(z["areas"]),
        areas_in_shortage=int(z["areas_in_shortage"]),
        population_in_shortage=float(z["population_in_shortage"]),
        share_in_shortage=float(z["share_in_shortage"]),
        area_codes=codes,
        area_values=[num(v) for v in areas["accessibility"].to_numpy(dtype=float)],
        area_shortage=[bool(s) for s in areas["shortage"]],
        networks=nets,
        new_fte=REPORT_NEW_FTE,
        target=float(plan.target),
        optimality=str(plan.optimality),
        shortfall_before=float(plan.shortfall_before),
        shortfall_after=float(plan.shortfall_after),
        sites=[
            Site(
                area_code=c,
                area_name=names.get(c, c),
                x=float(x),
                y=float(y),
                fte=float(f),
            )
            for c, x, y, f in zip(
                area_of_site, plan.sites["x"], plan.sites["y"], plan.sites["fte"], strict=True
            )
        ],
        area_gain=[num(gain.get(c)) for c in codes],
        least_served=[
            AreaChange(
                area_code=str(w.area_code),
                area_name=str(w.name),
                population=int(round(float(w.population))),
                before=float(w.before),
                after=float(w.after),
            )
            for w in worst.itertuples(index=False)
        ],
    )
