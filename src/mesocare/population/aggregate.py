"""From stratified counts to the published measures, with small-number suppression.

Input: counts per area (or practice) × sex × age band (from the engine). Output: one long table,
one row per level × unit × measure: numerator, denominator, crude rate with a Wilson interval and,
for prevalences, the directly age-standardised rate with a Dobson interval (ESP 2013), both from
:mod:`mesocare.indicators.stats`. Any row
whose numerator or denominator is under ``min_count`` (but not zero numerators of large
denominators) has its numbers blanked and ``suppressed`` set; nothing person-level leaves.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mesocare.indicators.stats import directly_standardised_rate, wilson_interval
from mesocare.population.codelists import CodeLists
from mesocare.population.rules import HealthParams
from mesocare.territory.schema import AGE_BANDS

LEVELS = ("area", "network", "zone", "region")
RESULT_COLUMNS = [
    "level",
    "unit_code",
    "measure_kind",
    "measure",
    "numerator",
    "denominator",
    "rate",
    "rate_lower",
    "rate_upper",
    "dsr",
    "dsr_lower",
    "dsr_upper",
    "suppressed",
]


def measures(codelists: CodeLists, params: HealthParams) -> list[tuple[str, str, str]]:
    """(kind, measure, numerator column) of every published measure."""
    out: list[tuple[str, str, str]] = []
    for c in codelists.conditions():
        out.append(("prevalence", c, f"has_{c}"))
    out.append(("prevalence", "multimorbidity", "multimorbid"))
    out.append(("prevalence", "polypharmacy", "polypharmacy"))
    for s in (1, 2, 3):
        out.append(("stratum", f"stratum_{s}", f"stratum_{s}"))
    for g in params.care_gaps:
        out.append(("care_gap", g.id, f"gap_{g.id}"))
    return out


def roll_up(counts: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """Area counts summed to every level: adds ``level`` and ``unit_code`` columns."""
    key = counts.merge(
        areas[["area_code", "network_code", "zone_code", "region_code"]],
        on="area_code",
        how="left",
    )
    value_cols = [c for c in counts.columns if c not in ("area_code", "sex", "age_band_idx")]
    parts = []
    for level in LEVELS:
        col = f"{level}_code" if level != "area" else "area_code"
        g = (
            key.dropna(subset=[col])
            .groupby([col, "sex", "age_band_idx"], as_index=False, sort=False)[value_cols]
            .sum()
        )
        parts.append(g.rename(columns={col: "unit_code"}).assign(level=level))
    return pd.concat(parts, ignore_index=True)


def compute_measures(
    counts: pd.DataFrame, codelists: CodeLists, params: HealthParams, level_col: str = "level"
) -> pd.DataFrame:
    """Rates per unit from counts per unit × sex × age band (columns level, unit_code, …)."""
    rows = []
    value_cols = [
        c for c in counts.columns if c not in (level_col, "unit_code", "sex", "age_band_idx")
    ]
    # unsorted groups: several times faster on the ~1 M rows of a country, and the result is
    # sorted once at the end (by :func:`suppress`)
    by_unit = counts.groupby([level_col, "unit_code", "age_band_idx"], sort=False)[value_cols].sum()
    units = (
        by_unit.index.droplevel(2)  # type: ignore[arg-type]  # pandas-stubs: MultiIndex levels
        .unique()
        .to_frame(index=False)
    )
    full = pd.MultiIndex.from_arrays(
        [
            np.repeat(units[level_col].to_numpy(), len(AGE_BANDS)),
            np.repeat(units["unit_code"].to_numpy(), len(AGE_BANDS)),
            np.tile(np.arange(len(AGE_BANDS)), len(units)),
        ],
        names=[level_col, "unit_code", "age_band_idx"],
    )
    cube = (
        by_unit.reindex(full, fill_value=0)
        .to_numpy(dtype=float)
        .reshape(len(units), len(AGE_BANDS), len(value_cols))
    )
    pos = {c: i for i, c in enumerate(value_cols)}

    def wide(col: str) -> np.ndarray:
        return cube[:, :, pos[col]]

    persons = wide("persons")
    for kind, name, num_col in measures(codelists, params):
        num_b = wide(num_col)
        num = num_b.sum(1)
        den_b = wide(f"eligible_{name}") if kind == "care_gap" else persons
        den = den_b.sum(1)
        lo, hi = wilson_interval(num, den)
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = np.where(den > 0, num / den, np.nan)
        if kind == "prevalence":
            dsr, dlo, dhi = directly_standardised_rate(num_b, persons, multiplier=1.0)
        else:
            dsr = dlo = dhi = np.full(len(units), np.nan)
        rows.append(
            units.assign(
                measure_kind=kind,
                measure=name,
                numerator=num.astype("int64"),
                denominator=den.astype("int64"),
                rate=rate,
                rate_lower=lo,
                rate_upper=hi,
                dsr=dsr,
                dsr_lower=dlo,
                dsr_upper=dhi,
            )
        )
    out = pd.concat(rows, ignore_index=True)
    out = out.rename(columns={level_col: "level"})
    return suppress(out, params.min_count)


def suppress(result: pd.DataFrame, min_count: int) -> pd.DataFrame:
    """Blank the numbers of rows with a numerator in 1..min_count-1 or a denominator < min_count."""
    small = ((result["numerator"] > 0) & (result["numerator"] < min_count)) | (
        result["denominator"] < min_count
    )
    out = result.copy()
    cols = ["rate", "rate_lower", "rate_upper", "dsr", "dsr_lower", "dsr_upper"]
    out[["numerator", "denominator"]] = out[["numerator", "denominator"]].astype("Int64")
    out.loc[small, ["numerator"]] = pd.NA
    out.loc[small & (result["denominator"] < min_count), ["denominator"]] = pd.NA
    out.loc[small, cols] = np.nan
    out["suppressed"] = small.to_numpy()
    return out[RESULT_COLUMNS].sort_values(
        ["level", "unit_code", "measure_kind", "measure"], ignore_index=True
    )


def age_band_label(idx: pd.Series) -> pd.Series:
    return idx.map(dict(enumerate(AGE_BANDS)))
