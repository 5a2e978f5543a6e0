"""Placing imported persons in a territory's areas: by a user mapping, or a seeded draw.

A mapping is a CSV with columns ``key, area_code`` matched on the person id, the postal code or
the county of the source (``by``). Without a mapping each person is drawn into an area with
probability proportional to the territory's population of their sex and age band (seeded), so
that imported records look like the territory's population.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from mesocare.errors import ValidationError
from mesocare.sources._read import read_csv
from mesocare.territory import AGE_BANDS, Territory

MAP_KEYS = ("id", "zip", "county")


def read_mapping(path: str | Path) -> dict[str, str]:
    df = read_csv(Path(path), ["key", "area_code"], "a CSV mapping with columns key, area_code")
    return dict(zip(df["key"], df["area_code"], strict=True))


def place(
    persons: pd.DataFrame,
    territory: Territory,
    *,
    reference_date: date,
    keys: pd.Series | None = None,
    mapping: dict[str, str] | None = None,
    seed: int = 0,
    file: str = "persons",
) -> pd.Series:
    """An area code for every person (columns sex, birth_date), aligned with ``persons``."""
    codes = set(territory.areas["area_code"])
    if mapping is not None:
        if keys is None:
            raise ValidationError("a mapping needs a key column", file=file)
        area = keys.map(mapping)
        bad = area.isna() | ~area.isin(codes)
        if bool(bad.any()):
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise ValidationError(
                "no known area for this person in the mapping",
                file=file,
                row=f"{i + 2} (line)",
                expected="a key → area_code row with a territory area",
            )
        return area.astype("string")
    rng = np.random.default_rng(seed)
    ref = pd.Timestamp(reference_date)
    bd = pd.to_datetime(persons["birth_date"])
    age = ref.year - bd.dt.year - ((bd.dt.month * 100 + bd.dt.day) > ref.month * 100 + ref.day)
    band = np.minimum(np.maximum(age.to_numpy(), 0) // 5, len(AGE_BANDS) - 1)
    pop = territory.population
    pop = pop[pop["year"] == pop["year"].max()]
    out = np.empty(len(persons), dtype=object)
    sexes = persons["sex"].to_numpy()
    for (s, b), grp in pop.groupby(["sex", "age_band"]):
        who = np.flatnonzero((sexes == s) & (band == AGE_BANDS.index(b)))
        if not len(who):
            continue
        w = grp["count"].to_numpy(dtype=float)
        if w.sum() == 0:
            w = np.ones_like(w)
        out[who] = grp["area_code"].to_numpy()[rng.choice(len(w), size=len(who), p=w / w.sum())]
    missing = pd.isna(out)
    if missing.any():  # a sex/band the territory lacks: draw on total population
        tot = territory.population_by_area()
        w = tot["population"].to_numpy(dtype=float)
        out[missing] = tot["area_code"].to_numpy()[
            rng.choice(len(w), size=int(missing.sum()), p=w / w.sum())
        ]
    return pd.Series(out, index=persons.index, dtype="string")
