"""Population-weighted aggregation of area values to networks, zones and regions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mesocare.errors import ParameterError


def weighted_by_unit(values: np.ndarray, weights: np.ndarray, units: np.ndarray) -> pd.DataFrame:
    """Σ value × weight / Σ weight per unit code (areas without a unit, e.g. no network, skipped).

    Returns one row per unit: ``unit_code``, ``areas``, ``population`` (Σ weights) and ``value``
    (NaN where the unit has no population).
    """
    v = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    u = pd.Series(units, dtype="string")
    if not (len(v) == len(w) == len(u)):
        raise ParameterError("values, weights and units must have the same length")
    known = u.notna().to_numpy()
    codes, idx = np.unique(u[known].to_numpy(dtype=str), return_inverse=True)
    k = len(codes)
    wsum = np.bincount(idx, weights=w[known], minlength=k)
    vsum = np.bincount(idx, weights=(v * w)[known], minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(wsum > 0, vsum / np.where(wsum > 0, wsum, 1.0), np.nan)
    return pd.DataFrame(
        {
            "unit_code": codes,
            "areas": np.bincount(idx, minlength=k),
            "population": wsum,
            "value": value,
        }
    )
