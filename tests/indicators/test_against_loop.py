"""The vectorised computation against a slow, obvious per-unit loop on the Leuven-like territory,
and its speed on the Flemish-scale preset."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2

from mesocare.indicators import INDICATORS, available_indicators, compute_indicators

Z = 1.959963984540054
AGE_FROM = {f"{a}-{a + 4}": a for a in range(0, 95, 5)} | {"95+": 95}


def wilson(k: float, n: float) -> tuple[float, float]:
    if n == 0:
        return math.nan, math.nan
    p = k / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def poisson(o: float) -> tuple[float, float]:
    if o < 10:
        return (0.0 if o == 0 else chi2.ppf(0.025, 2 * o) / 2), chi2.ppf(0.975, 2 * o + 2) / 2
    lo = o * (1 - 1 / (9 * o) - Z / (3 * math.sqrt(o))) ** 3
    hi = (o + 1) * (1 - 1 / (9 * (o + 1)) + Z / (3 * math.sqrt(o + 1))) ** 3
    return lo, hi


def slow_counts(t, area_codes: set[str]) -> dict[str, tuple[float, float]]:
    """(numerator, denominator) of each indicator for the areas in ``area_codes``, from raw rows."""
    pop = t.population[t.population["area_code"].isin(area_codes)]
    age = pop["age_band"].map(AGE_FROM)
    total = float(pop["count"].sum())
    young = float(pop.loc[age < 15, "count"].sum())
    old = float(pop.loc[age >= 65, "count"].sum())
    very_old = float(pop.loc[age >= 80, "count"].sum())
    km2 = float(t.areas.loc[t.areas["area_code"].isin(area_codes), "area_km2"].sum())
    prov = t.providers[t.providers["area_code"].isin(area_codes)]
    gps = prov[prov["discipline"] == "gp"]
    known = gps[gps["age"].notna()]
    out = {
        "population": (total, math.nan),
        "share_65plus": (old, total),
        "share_80plus": (very_old, total),
        "dependency_ratio": (young + old, total - young - old),
        "density_per_km2": (total, km2),
        "gp_per_1000": (len(gps), total),
        "gp_under65_per_100k": (len(gps) - int((known["age"] >= 65).sum()), total),
        "gp_60plus_share": (int((known["age"] >= 60).sum()), len(known)),
        "social_welfare_per_10000": (
            int(prov["discipline"].isin(["social_service", "welfare_organisation"]).sum()),
            total,
        ),
    }
    for d in ("home_nurse", "physiotherapist", "pharmacist", "psychologist", "dentist",
              "midwife", "dietitian"):  # fmt: skip
        out[f"{d}_per_10000"] = (int((prov["discipline"] == d).sum()), total)
    attrs = t.area_attributes.set_index("area_code")
    by_area = pop.groupby("area_code")["count"].sum()
    old_by_area = pop[age >= 65].groupby("area_code")["count"].sum()
    for ind, col, weights in (
        ("mean_taxable_income_eur", "mean_taxable_income_eur", by_area),
        ("bim_share", "bim_share", by_area),
        ("alone_65plus_share", "alone_65plus_share", old_by_area),
    ):
        num = den = 0.0
        for a in area_codes:
            v = attrs.loc[a, col]
            w = float(weights.get(a, 0))
            if not pd.isna(v):
                num += float(v) * w
                den += w
        out[ind] = (num, den)
    return out


def slow_table(t, zone: str) -> pd.DataFrame:
    """Every indicator for the areas and networks of ``zone`` and for every zone and region."""
    areas = t.areas
    members: dict[tuple[str, str], set[str]] = {}
    parent: dict[tuple[str, str], tuple[str, str] | None] = {}
    for _, a in areas.iterrows():
        code = str(a["area_code"])
        net = None if pd.isna(a["network_code"]) else str(a["network_code"])
        zone, region = str(a["zone_code"]), str(a["region_code"])
        members[("area", code)] = {code}
        parent[("area", code)] = ("network", net) if net else ("zone", zone)
        if net:
            members.setdefault(("network", net), set()).add(code)
            parent[("network", net)] = ("zone", zone)
        members.setdefault(("zone", zone), set()).add(code)
        parent[("zone", zone)] = ("region", region)
        members.setdefault(("region", region), set()).add(code)
        parent[("region", region)] = None
    ids = available_indicators(t)
    in_zone = set(areas.loc[areas["zone_code"] == zone, "area_code"].astype(str))
    values: dict[tuple[str, str, str], dict] = {}
    for unit, codes in members.items():
        if unit[0] in ("area", "network") and not codes <= in_zone:
            continue
        counts = slow_counts(t, codes)
        for i in ids:
            d = INDICATORS[i]
            num, den = counts[i]
            lo = hi = math.nan
            if d.method == "count":
                value = num
            elif den == 0:
                value = math.nan
            else:
                value = num / den * d.multiplier
                if d.method == "proportion":
                    lo, hi = (b * d.multiplier for b in wilson(num, den))
                elif d.method == "rate":
                    lo, hi = (b / den * d.multiplier for b in poisson(num))
            values[(i, *unit)] = dict(num=num, den=den, value=value, lower=lo, upper=hi)
    rows = []
    for (i, level, code), v in values.items():
        p = parent[(level, code)]
        pv = values[(i, *p)]["value"] if p else math.nan
        if any(math.isnan(x) for x in (v["lower"], v["upper"], pv, v["value"])):
            comp = "not compared"
        elif pv < v["lower"] or pv > v["upper"]:
            higher = pv < v["lower"]
            comp = {
                "higher_is_better": "better" if higher else "worse",
                "lower_is_better": "worse" if higher else "better",
                "none": "higher" if higher else "lower",
            }[INDICATORS[i].polarity]
        else:
            comp = "similar"
        rows.append(dict(indicator_id=i, level=level, unit_code=code,
                         parent_code=p[1] if p else None, **v, parent_value=pv,
                         comparison=comp))  # fmt: skip
    return pd.DataFrame(rows)


@pytest.mark.slow
def test_vectorised_equals_loop(leuven):
    fast = compute_indicators(leuven)
    slow = slow_table(leuven, "Z01")
    in_z01 = fast["level"].isin(["zone", "region"]) | fast["unit_code"].isin(set(slow["unit_code"]))
    fast = fast[in_z01]
    assert len(fast) == len(slow) == len(set(fast["indicator_id"])) * (120 + 9 + 4 + 1)
    m = fast.merge(slow, on=["indicator_id", "level", "unit_code"], suffixes=("", "_slow"))
    assert len(m) == len(fast)
    assert (m["parent_code"].fillna("-") == m["parent_code_slow"].fillna("-")).all()
    for a, b in (("numerator", "num"), ("denominator", "den"), ("value", "value_slow"),
                 ("lower", "lower_slow"), ("upper", "upper_slow"),
                 ("parent_value", "parent_value_slow")):  # fmt: skip
        assert np.allclose(m[a], m[b], rtol=1e-9, atol=1e-9, equal_nan=True), a
    diff = m[m["comparison"] != m["comparison_slow"]]
    assert diff.empty, diff[["indicator_id", "unit_code", "comparison", "comparison_slow"]]
    # the comparisons are not trivially all 'similar'
    assert {"better", "worse", "higher", "lower"} <= set(fast["comparison"])


@pytest.mark.slow
@pytest.mark.slow
def test_flanders_scale_totals():
    """Every zone of the Flemish-scale preset adds up (speed is in benchmarks/, not here)."""
    from mesocare.territory.synthetic import generate

    t = generate("flanders")
    table = compute_indicators(t)
    assert table["unit_code"].nunique() > 9_000
    zones = table[(table["indicator_id"] == "population") & (table["level"] == "zone")]
    assert len(zones) == 60
    assert zones["value"].sum() == pytest.approx(6_600_000)
