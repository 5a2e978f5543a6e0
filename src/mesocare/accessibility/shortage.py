"""Shortage areas from an accessibility score: the APL < 2.5 rule, per area and per unit.

(The Flemish GP-density rule lives in ``mesocare.indicators``; this module only thresholds a
score the accessibility methods computed.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from mesocare.errors import ParameterError


@dataclass(frozen=True)
class ShortageRule:
    """An area is in shortage when its score is below ``threshold`` (APL: 2.5 consultations, the
    zoning decree of 13 Nov 2017), or at most ``threshold`` when ``inclusive``."""

    threshold: float = 2.5
    inclusive: bool = False

    def __post_init__(self) -> None:
        if not np.isfinite(self.threshold):
            raise ParameterError(f"shortage threshold must be a number; found {self.threshold}")

    def flags(self, scores: np.ndarray) -> np.ndarray:
        s = np.asarray(scores, dtype=float)
        return s <= self.threshold if self.inclusive else s < self.threshold


def shortage_by_unit(flags: np.ndarray, population: np.ndarray, units: np.ndarray) -> pd.DataFrame:
    """Per unit: areas, areas in shortage, population, population in shortage and its share."""
    f = np.asarray(flags, dtype=bool)
    p = np.asarray(population, dtype=float)
    u = pd.Series(units, dtype="string")
    known = u.notna().to_numpy()
    codes, idx = np.unique(u[known].to_numpy(dtype=str), return_inverse=True)
    k = len(codes)
    pop = np.bincount(idx, weights=p[known], minlength=k)
    pop_short = np.bincount(idx, weights=(p * f)[known], minlength=k)
    return pd.DataFrame(
        {
            "unit_code": codes,
            "areas": np.bincount(idx, minlength=k),
            "areas_in_shortage": np.bincount(
                idx, weights=f[known].astype(float), minlength=k
            ).astype("int64"),
            "population": pop,
            "population_in_shortage": pop_short,
            "share_in_shortage": np.divide(pop_short, pop, out=np.full(k, np.nan), where=pop > 0),
        }
    )
