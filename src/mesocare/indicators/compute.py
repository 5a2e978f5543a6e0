"""Compute indicators per area, vicinity network, zone and region, vectorised over all units.

1. :func:`base_counts`: one row per area with every :class:`~.definitions.Base` column.
2. :func:`unit_counts`: the same columns summed to every level (weighted means stay weighted sums
   and weights, so they aggregate exactly), one row per unit, with its parent.
3. :func:`compute_indicators`: the long table (the contract with the reports), one row per
   (indicator, unit): ``indicator_id, level, unit_code, unit_name, parent_code, numerator,
   denominator, value, lower, upper, parent_value, comparison``.

The parent of an area is its vicinity network (its zone when it has none), of a network its zone,
of a zone its region; a region has no parent. ``comparison`` follows Fingertips: a unit differs
significantly from its parent when the parent's value lies outside the unit's 95% interval; it is
'better'/'worse' for indicators with a polarity, 'higher'/'lower' for polarity 'none', 'similar'
otherwise, and 'not compared' where there is no interval or no parent value.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from mesocare.errors import ParameterError, UnknownCodeError, ValidationError
from mesocare.indicators import stats
from mesocare.indicators.definitions import (
    ATTRIBUTE_COLUMNS,
    DISCIPLINE_COLUMN,
    INDICATORS,
    Base,
    IndicatorDef,
)
from mesocare.territory import Territory
from mesocare.territory.schema import age_band_lower

LEVELS: tuple[str, ...] = ("area", "network", "zone", "region")
COLUMNS: tuple[str, ...] = (
    "indicator_id",
    "level",
    "unit_code",
    "unit_name",
    "parent_code",
    "numerator",
    "denominator",
    "value",
    "lower",
    "upper",
    "parent_value",
    "comparison",
)
UNIT_COLUMNS: tuple[str, ...] = (
    "level",
    "unit_code",
    "unit_name",
    "parent_code",
    "parent_level",
    "zone_code",
)
_TEXT = frozenset(("indicator_id", "level", "unit_code", "unit_name", "parent_code", "comparison"))
GP_UNDER_AGE = 65
GP_OLDER_FROM_AGE = 60


def _population_year(territory: Territory, year: int | None) -> int | None:
    years = sorted(int(y) for y in territory.population["year"].unique())
    if not years:
        return None
    if year is None:
        ref = territory.manifest.reference_year
        return ref if ref in years else years[-1]
    if year not in years:
        raise ParameterError(
            f"population.parquet: no population for year {year}; years present: {years}"
        )
    return year


def base_counts(territory: Territory, *, year: int | None = None) -> pd.DataFrame:
    """One row per area (in ``territory.areas`` order): ``area_code`` and the :class:`Base` columns.

    Population is that of ``year`` (default: the manifest's reference year when present, else the
    latest year). Attribute columns appear only for the attributes the territory has.
    """
    areas = territory.areas
    codes = pd.Index(areas["area_code"].astype(str))
    n = len(codes)
    out: dict[str, np.ndarray] = {}

    pop = territory.population
    y = _population_year(territory, year)
    if y is not None:
        pop = pop[pop["year"] == y]
    pos = codes.get_indexer(pop["area_code"].astype(str))
    band_idx, bands = pd.factorize(pop["age_band"].astype(str))
    lower = np.array([age_band_lower(b) for b in bands], dtype=np.int64)[band_idx]
    count = pop["count"].to_numpy(dtype=np.float64)

    def pop_sum(mask: np.ndarray) -> np.ndarray:
        return np.bincount(pos[mask], weights=count[mask], minlength=n)

    everyone = np.ones(len(pop), dtype=bool)
    out[Base.POPULATION] = pop_sum(everyone)
    out[Base.POP_0_14] = pop_sum(lower < 15)
    out[Base.POP_15_64] = pop_sum((lower >= 15) & (lower < 65))
    out[Base.POP_65PLUS] = pop_sum(lower >= 65)
    out[Base.POP_80PLUS] = pop_sum(lower >= 80)
    out[Base.POP_DEPENDENT] = out[Base.POP_0_14] + out[Base.POP_65PLUS]
    out[Base.AREA_KM2] = areas["area_km2"].to_numpy(dtype=np.float64)

    prov = territory.providers
    ppos = codes.get_indexer(prov["area_code"].astype(str))
    disc = prov["discipline"].astype(str).to_numpy()
    for d, col in DISCIPLINE_COLUMN.items():
        out[col] = np.bincount(ppos[disc == d], minlength=n).astype(np.float64)
    age = prov["age"].to_numpy(dtype=np.float64, na_value=np.nan)
    gp = disc == "gp"
    known = gp & ~np.isnan(age)
    out[Base.GP_UNDER65] = np.bincount(ppos[gp & ~(age >= GP_UNDER_AGE)], minlength=n).astype(
        np.float64
    )
    out[Base.GP_AGE_KNOWN] = np.bincount(ppos[known], minlength=n).astype(np.float64)
    out[Base.GP_60PLUS] = np.bincount(ppos[known & (age >= GP_OLDER_FROM_AGE)], minlength=n).astype(
        np.float64
    )
    out[Base.SOCIAL_WELFARE] = out[Base.SOCIAL_SERVICE] + out[Base.WELFARE_ORGANISATION]

    attrs = territory.area_attributes
    apos = codes.get_indexer(attrs["area_code"].astype(str))
    for attr, (wsum, weight, weigher) in ATTRIBUTE_COLUMNS.items():
        if attr not in attrs.columns:
            continue
        vals = np.full(n, np.nan)
        vals[apos] = pd.to_numeric(attrs[attr], errors="coerce").to_numpy(
            dtype=np.float64, na_value=np.nan
        )
        ok = ~np.isnan(vals)
        w = out[weigher]
        out[wsum] = np.where(ok, np.nan_to_num(vals) * w, 0.0)
        out[weight] = np.where(ok, w, 0.0)

    frame = pd.DataFrame({str(k): v for k, v in out.items()})
    frame.insert(0, "area_code", codes.to_numpy(dtype=object))
    return frame


def unit_counts(territory: Territory, base: pd.DataFrame | None = None) -> pd.DataFrame:
    """The base counts of every unit at every level, stacked: area rows first, then networks,
    zones and regions (units without any area are left out).

    Columns: ``level, unit_code, unit_name, parent_code, parent_level, zone_code`` (the zone the
    unit lies in; None for regions) and the :class:`Base` columns present in ``base``.
    """
    if base is None:
        base = base_counts(territory)
    areas = territory.areas
    value_cols = [c for c in base.columns if c != "area_code"]
    names = dict(
        zip(
            territory.units["unit_code"].astype(str),
            territory.units["name"].astype(str),
            strict=True,
        )
    )
    area_code = areas["area_code"].astype(str).to_numpy(dtype=object)
    net = areas["network_code"].astype(object).where(areas["network_code"].notna(), None)
    zone = areas["zone_code"].astype(str).to_numpy(dtype=object)
    region = areas["region_code"].astype(str).to_numpy(dtype=object)
    net_arr = net.to_numpy(dtype=object)
    area_parent = np.where(pd.isna(net_arr), zone, net_arr)
    parts = [
        pd.DataFrame(
            {
                "level": "area",
                "unit_code": area_code,
                "unit_name": areas["name"].astype(str).to_numpy(dtype=object),
                "parent_code": area_parent,
                "parent_level": np.where(pd.isna(net_arr), "zone", "network"),
                "zone_code": zone,
            }
        ).join(base[value_cols].reset_index(drop=True))
    ]
    for level, parent_level, codes, parents, zones in (
        ("network", "zone", net_arr, zone, zone),
        ("zone", "region", zone, region, zone),
        ("region", None, region, np.full(len(region), None, dtype=object), region),
    ):
        keep = ~pd.isna(codes)
        if not keep.any():
            continue
        frame = base.loc[keep, value_cols].assign(_code=codes[keep])
        summed = frame.groupby("_code", sort=True).sum()
        first = pd.DataFrame({"_code": codes[keep], "p": parents[keep], "z": zones[keep]})
        first = first.groupby("_code", sort=True).first()
        parts.append(
            pd.DataFrame(
                {
                    "level": level,
                    "unit_code": summed.index.to_numpy(dtype=object),
                    "unit_name": [names.get(c, c) for c in summed.index],
                    "parent_code": first["p"].to_numpy(dtype=object),
                    "parent_level": parent_level,
                    "zone_code": None if level == "region" else first["z"].to_numpy(dtype=object),
                }
            ).join(summed.reset_index(drop=True))
        )
    return _objects(pd.concat(parts, ignore_index=True), UNIT_COLUMNS)


def _objects(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """Text columns as plain Python objects with None (not NaN) where missing."""
    for col in columns:
        s = frame[col].astype(object)
        frame[col] = s.where(s.notna(), None)
    return frame


def available_indicators(territory: Territory) -> list[str]:
    """Registry ids the territory has inputs for: attributes present, disciplines with providers."""
    attrs = set(territory.area_attributes.columns)
    present = set(territory.providers["discipline"].astype(str))
    return [
        d.id
        for d in INDICATORS.values()
        if (d.attribute is None or d.attribute in attrs)
        and (not d.disciplines or present & set(d.disciplines))
    ]


def _resolve(territory: Territory, indicators: Iterable[str] | None) -> list[IndicatorDef]:
    if indicators is None:
        return [INDICATORS[i] for i in available_indicators(territory)]
    out = []
    attrs = set(territory.area_attributes.columns)
    for i in indicators:
        if i not in INDICATORS:
            raise UnknownCodeError(f"unknown indicator '{i}'; known: {', '.join(INDICATORS)}")
        d = INDICATORS[i]
        if d.attribute is not None and d.attribute not in attrs:
            raise ValidationError(
                f"indicator '{i}' needs the area attribute '{d.attribute}'",
                file="area_attributes.parquet",
                column=d.attribute,
                expected="a column with one value per area",
            )
        out.append(d)
    return out


def indicator_values(
    d: IndicatorDef, numerator: np.ndarray, denominator: np.ndarray, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(value, lower, upper)`` of one indicator from numerator and denominator arrays."""
    nan = np.full(len(numerator), np.nan)
    if d.method == "count":
        return numerator.astype(np.float64), nan, nan.copy()
    if d.method == "rate":
        return stats.rate_interval(numerator, denominator, d.multiplier, confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(denominator > 0, numerator / denominator * d.multiplier, np.nan)
    if d.method == "proportion":
        lo, hi = stats.wilson_interval(numerator, denominator, confidence)
        return value, lo * d.multiplier, hi * d.multiplier
    return value, nan, nan.copy()


def compare(
    value: np.ndarray, lower: np.ndarray, upper: np.ndarray, parent_value: np.ndarray, polarity: str
) -> np.ndarray:
    """Fingertips comparison of each unit with its parent (see the module docstring)."""
    if polarity == "higher_is_better":
        above, below = "better", "worse"
    elif polarity == "lower_is_better":
        above, below = "worse", "better"
    else:
        above, below = "higher", "lower"
    ok = ~(np.isnan(lower) | np.isnan(upper) | np.isnan(parent_value) | np.isnan(value))
    return np.select(
        [~ok, parent_value < lower, parent_value > upper],
        ["not compared", above, below],
        default="similar",
    ).astype(object)


def compute_indicators(
    territory: Territory,
    indicators: Iterable[str] | None = None,
    *,
    confidence: float = 0.95,
    year: int | None = None,
    counts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every indicator for every unit at every level: the long table described in the module doc.

    ``indicators`` defaults to :func:`available_indicators`; naming one that is unknown or whose
    input is missing raises a :class:`~mesocare.errors.MesocareError` naming it. ``counts`` may
    pass :func:`unit_counts` already computed for the same ``year`` (shared with the shortage rule).
    """
    defs = _resolve(territory, indicators)
    stats.z_value(confidence)  # checks the level before any work
    units = (
        counts if counts is not None else unit_counts(territory, base_counts(territory, year=year))
    )
    n = len(units)
    key = units["level"].astype(str) + "|" + units["unit_code"].astype(str)
    parent_key = units["parent_level"].astype(str) + "|" + units["parent_code"].astype(str)
    parent_pos = pd.Index(key).get_indexer(pd.Index(parent_key))
    has_parent = parent_pos >= 0

    cols: dict[str, list[np.ndarray]] = {c: [] for c in COLUMNS}
    for d in defs:
        num = units[str(d.numerator)].to_numpy(dtype=np.float64)
        den = (
            np.full(n, np.nan)
            if d.denominator is None
            else units[str(d.denominator)].to_numpy(dtype=np.float64)
        )
        value, lower, upper = indicator_values(d, num, den, confidence)
        parent_value = np.where(has_parent, value[np.where(has_parent, parent_pos, 0)], np.nan)
        cols["indicator_id"].append(np.full(n, d.id, dtype=object))
        for c, arr in (("numerator", num), ("denominator", den), ("value", value)):
            cols[c].append(arr)
        for c, arr in (("lower", lower), ("upper", upper), ("parent_value", parent_value)):
            cols[c].append(arr)
        cols["comparison"].append(compare(value, lower, upper, parent_value, d.polarity))
    reps = len(defs)
    for c in ("level", "unit_code", "unit_name", "parent_code"):
        cols[c] = [np.tile(units[c].to_numpy(dtype=object), reps)]
    return pd.DataFrame(
        {
            c: pd.Series(
                np.concatenate(parts) if parts else [],
                dtype=object if c in _TEXT else np.float64,
            )
            for c, parts in cols.items()
        }
    )
