"""The population table of ``mesocare import files``: totals, or counts by sex and age band.

Two layouts (column names after the user's renames, see :mod:`mesocare.sources.files`):

- **totals**: ``area_code, population`` (one row per area and year). The totals are spread over
  sex and 5-year age band by a reference structure (Belgium, 1 January 2020, from the synthetic
  generator's calibration) and rounded by largest remainder, so each area adds up exactly; the
  manifest says so.
- **by sex and age band**: ``area_code, sex, age_band, count``. Sexes ``M``/``F`` (also male/female,
  H/F, M/V); bands ``0-4`` … ``90-94``, ``95+`` (``95-99`` and ``100+`` are merged into ``95+``).

A ``year`` column is optional when a year is given. Errors name the file, column and row (the
header is row 1).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from mesocare.errors import ValidationError
from mesocare.sources import _read as R
from mesocare.sources._flanders_tables import largest_remainder
from mesocare.territory import AGE_BANDS, SEXES
from mesocare.territory.synthetic import load_calibration

REFERENCE_STRUCTURE = "Belgium, 1 January 2020 (Statbel, rounded; mesocare calibration.toml)"
_SEX = {
    **dict.fromkeys(("m", "male", "man", "men", "h", "homme", "hommes", "mannen"), "M"),
    **dict.fromkeys(("f", "female", "woman", "women", "v", "vrouw", "vrouwen", "femme"), "F"),
}
_BAND = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)|\+)\s*$")


def _row_error(what: str, path: Path, column: str, bad: pd.Series, values: pd.Series, **kw: str):
    i = int(np.flatnonzero(bad.to_numpy())[0])
    found = values.iloc[i]
    return ValidationError(
        what,
        file=path,
        column=column,
        row=i + 2,
        found=None if pd.isna(found) else str(found),
        **kw,
    )


def _band(label: str) -> str | None:
    m = _BAND.match(label)
    if m is None:
        return None
    lo, hi = int(m.group(1)), m.group(2)
    if lo >= 95 and (hi is None or int(hi) >= lo):
        return "95+"
    if hi is None or lo % 5 or int(hi) != lo + 4:
        return None
    return AGE_BANDS[lo // 5]


def read_population(
    path: Path, codes: set[str], year: int | None, columns: Mapping[str, str] | None = None
) -> tuple[pd.DataFrame, str | None]:
    """The territory's population table, and a note when a reference age structure was used."""
    df = R.renamed(R.read_table(path, "the population per area"), columns or {}, "population")
    R.require_columns(df, ["area_code"], path)
    if df.empty:
        raise ValidationError("no rows", file=path, expected="the population of the areas")
    area = df["area_code"].str.replace(r"\.0$", "", regex=True)
    for col, bad, what in (
        ("area_code", area.isna(), "empty area code"),
        ("area_code", area.notna() & ~area.isin(codes), "unknown area code (not in the areas)"),
    ):
        if bool(bad.any()):
            raise _row_error(what, path, col, bad, df[col], expected="the code of an area")
    if "year" in df.columns:
        years = R.numbers(df["year"], path, "year").astype("int64")
    elif year is not None:
        years = pd.Series(year, index=df.index, dtype="int64")
    else:
        raise ValidationError(
            "no year", file=path, column="year", expected="a year column, or --year"
        )
    by_band = {"sex", "age_band", "count"} <= set(df.columns)
    value_col = "count" if by_band else "population"
    if not by_band:
        R.require_columns(df, ["population"], path)
    counts = pd.to_numeric(df[value_col], errors="coerce")
    bad = counts.isna() | (counts < 0) | (counts % 1 != 0)
    if bool(bad.any()):
        raise _row_error(
            "not a count", path, value_col, bad, df[value_col], expected="a whole number ≥ 0"
        )
    counts = counts.astype("int64")
    if not by_band:
        key = pd.DataFrame({"area_code": area, "year": years})
        dup = key.duplicated()
        if bool(dup.any()):
            raise _row_error(
                "area listed twice", path, "area_code", dup, area, expected="one row per area"
            )
        return _spread(area, years, counts), REFERENCE_STRUCTURE
    sex = df["sex"].str.casefold().map(_SEX)
    bad = sex.isna()
    if bool(bad.any()):
        raise _row_error("unknown sex", path, "sex", bad, df["sex"], expected="M or F")
    band = df["age_band"].map(lambda v: _band(v) if isinstance(v, str) else None)
    bad = band.isna()
    if bool(bad.any()):
        raise _row_error(
            "unknown age band",
            path,
            "age_band",
            bad,
            df["age_band"],
            expected="a 5-year band 0-4 … 90-94, or 95+",
        )
    out = pd.DataFrame(
        {"area_code": area, "sex": sex, "age_band": band, "count": counts, "year": years}
    )
    raw = pd.DataFrame({"a": area, "s": sex, "b": df["age_band"], "y": years})
    dup = raw.duplicated()
    if bool(dup.any()):
        raise _row_error(
            "area × sex × age band listed twice",
            path,
            "age_band",
            dup,
            df["age_band"],
            expected="one row per area, sex and age band",
        )
    keys = ["area_code", "sex", "age_band", "year"]
    return out.groupby(keys, observed=True)["count"].sum().reset_index(), None


def _spread(area: pd.Series, years: pd.Series, totals: pd.Series) -> pd.DataFrame:
    """Totals spread over sex × age band by the reference structure (largest remainder)."""
    cal = load_calibration()["population"]
    share = np.asarray(cal["band_share"], float)
    male = np.asarray(cal["male_share"], float)
    weights = np.concatenate([share * male, share * (1 - male)])  # M bands then F bands
    n, k = len(area), len(weights)
    groups = np.repeat(np.arange(n), k)
    counts = largest_remainder(np.tile(weights, n), np.repeat(totals.to_numpy(np.int64), k), groups)
    return pd.DataFrame(
        {
            "area_code": np.repeat(area.to_numpy(str), k),
            "sex": np.tile(np.repeat(SEXES, len(AGE_BANDS)), n),
            "age_band": np.tile(np.tile(AGE_BANDS, len(SEXES)), n),
            "count": counts,
            "year": np.repeat(years.to_numpy(np.int64), k),
        }
    )
