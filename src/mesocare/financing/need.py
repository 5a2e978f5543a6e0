"""Need criteria per area and the weighted population of any grouping of areas or practices.

A unit's *need* (weighted population) is ``sum over its areas of population x (1 + sum_k w_k x_k)``
where ``x_k`` is the area's value of criterion ``k`` (a share of residents, or a score in [0, 1])
and ``w_k`` a user weight: an inhabitant meeting criterion ``k`` counts ``1 + w_k`` inhabitants.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from mesocare.errors import ParameterError, ValidationError
from mesocare.territory import Territory
from mesocare.territory.practice_lists import expected_chronic_share, load_calibration
from mesocare.territory.schema import age_band_lower

#: criterion → definition (all in [0, 1]).
FEATURES: dict[str, str] = {
    "bim": "share of residents with increased reimbursement (BIM)",
    "chronic": "share of residents with chronic-condition status (expected from age and BIM)",
    "age_0_4": "share of residents aged 0-4",
    "age_65_74": "share of residents aged 65-74",
    "age_75_84": "share of residents aged 75-84",
    "age_85plus": "share of residents aged 85 and over",
    "alone_65plus": "share of residents aged 65+ living alone (of all residents)",
    "low_income": "income shortfall: max(0, 1 - area mean income / territory mean income)",
    "deprivation": "deprivation score in [0, 1] (1 = most deprived)",
}
_AGE_GROUPS = {
    "age_0_4": (0, 4),
    "age_65_74": (65, 74),
    "age_75_84": (75, 84),
    "age_85plus": (85, 999),
}


def area_features(territory: Territory) -> pd.DataFrame:
    """One row per area: codes, population and every criterion of :data:`FEATURES` (NaN where the
    territory lacks the attribute it needs)."""
    a = territory.areas[["area_code", "network_code", "zone_code"]].copy()
    pop = territory.population
    wide = (
        pop.pivot_table(
            index="area_code", columns="age_band", values="count", aggfunc="sum", observed=True
        )
        .reindex(a["area_code"])
        .fillna(0)
    )
    total = wide.sum(axis=1).to_numpy(dtype=float)
    out = pd.DataFrame({"area_code": a["area_code"].to_numpy()})
    out["network_code"] = a["network_code"].to_numpy()
    out["zone_code"] = a["zone_code"].to_numpy()
    out["population"] = total.astype(np.int64)
    safe = np.where(total > 0, total, 1.0)
    lower = np.array([age_band_lower(str(b)) for b in wide.columns])
    for name, (lo, hi) in _AGE_GROUPS.items():
        cols = (lower >= lo) & (lower <= hi)
        out[name] = wide.to_numpy(dtype=float)[:, cols].sum(axis=1) / safe
    attrs = territory.area_attributes.set_index("area_code").reindex(out["area_code"])

    def col(name: str) -> np.ndarray:
        if name in attrs.columns:
            return attrs[name].to_numpy(dtype=float)
        return np.full(len(out), np.nan)

    out["bim"] = col("bim_share")
    out["deprivation"] = col("deprivation_score")
    share65 = wide.to_numpy(dtype=float)[:, lower >= 65].sum(axis=1) / safe
    out["alone_65plus"] = col("alone_65plus_share") * share65
    income = col("mean_taxable_income_eur")
    if np.isfinite(income).any():
        ok = np.isfinite(income)
        mean = np.average(income[ok], weights=np.maximum(total[ok], 1e-9))
        out["low_income"] = np.clip(1 - income / mean, 0, 1)
    else:
        out["low_income"] = np.nan
    cal = load_calibration()
    bim = np.nan_to_num(out["bim"].to_numpy(dtype=float), nan=0.0)
    out["chronic"] = expected_chronic_share(wide, bim, cal)
    return out


def check_weights(weights: Mapping[str, float]) -> dict[str, float]:
    out: dict[str, float] = {}
    for k, v in weights.items():
        if k not in FEATURES:
            raise ParameterError(f"unknown need criterion '{k}'; known: {', '.join(FEATURES)}")
        if not np.isfinite(v) or v < 0:
            raise ParameterError(f"need weight '{k}' must be a number >= 0; found {v!r}")
        out[k] = float(v)
    return out


def weighted_population(features: pd.DataFrame, weights: Mapping[str, float]) -> np.ndarray:
    """Per row: ``population x (1 + sum_k w_k x_k)``."""
    w = check_weights(weights)
    factor = np.ones(len(features))
    for k, wk in w.items():
        if wk == 0:
            continue
        x = features[k].to_numpy(dtype=float)
        if not np.isfinite(x).all():
            raise ValidationError(
                f"need criterion '{k}' has a weight but the territory lacks its data",
                column=k,
                expected=FEATURES[k],
            )
        factor += wk * x
    return features["population"].to_numpy(dtype=float) * factor


def need_by_unit(features: pd.DataFrame, weights: Mapping[str, float], level: str) -> pd.DataFrame:
    """Population and need summed to ``level`` ('area', 'network' or 'zone')."""
    key = {"area": "area_code", "network": "network_code", "zone": "zone_code"}.get(level)
    if key is None:
        raise ParameterError(f"unknown level '{level}'; expected area, network or zone")
    df = pd.DataFrame(
        {
            "unit_code": features[key].to_numpy(),
            "population": features["population"].to_numpy(),
            "need": weighted_population(features, weights),
        }
    )
    return df.groupby("unit_code", sort=True, as_index=False)[["population", "need"]].sum()


def practice_features(
    practices: pd.DataFrame, lists: pd.DataFrame, areas: pd.DataFrame
) -> pd.DataFrame:
    """The criteria per practice: list shares (age, BIM, chronic) from its enrolled patients and
    area criteria (deprivation, low income, living alone) from the area where it sits."""
    lower = lists["age_band"].map(age_band_lower).to_numpy()
    n = lists["patients"].to_numpy(dtype=float)
    df = pd.DataFrame({"practice_id": lists["practice_id"].to_numpy(), "n": n})
    df["bim"] = n * lists["bim"].astype(bool).to_numpy()
    df["chronic"] = n * lists["chronic"].astype(bool).to_numpy()
    for name, (lo, hi) in _AGE_GROUPS.items():
        df[name] = n * ((lower >= lo) & (lower <= hi))
    g = df.groupby("practice_id").sum()
    out = practices[["practice_id", "area_code", "network_code", "zone_code"]].copy()
    tot = g["n"].reindex(out["practice_id"]).fillna(0).to_numpy()
    out["population"] = tot.astype(np.int64)
    safe = np.where(tot > 0, tot, 1)
    for col in ["bim", "chronic", *_AGE_GROUPS]:
        out[col] = g[col].reindex(out["practice_id"]).fillna(0).to_numpy() / safe
    a = areas.set_index("area_code")
    for col in ("alone_65plus", "low_income", "deprivation"):
        out[col] = a[col].reindex(out["area_code"]).to_numpy(dtype=float)
    return out
