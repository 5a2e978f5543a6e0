"""Interval methods for prevalences: Wilson (crude proportions) and Dobson (directly standardised).

``mesocare.indicators.stats`` had not landed on main when this was written; these few functions
stay here until it does, then this module should re-export from there.

Direct standardisation uses the European Standard Population 2013 (Eurostat, *Revision of the
European Standard Population*, 2013) in the 20 bands of ``AGE_BANDS`` (0-4 = <1 + 1-4).
Dobson et al. (1991): the DSR's interval is the exact-enough Byar interval of the observed total,
rescaled by the DSR's variance. Both vectorised over numpy arrays.
"""

from __future__ import annotations

import numpy as np

Z95 = 1.959963984540054

#: European Standard Population 2013, persons per 100,000, for 0-4, 5-9, …, 90-94, 95+.
ESP2013 = np.array(
    [5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000,
     7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 800, 200],
    dtype=float,
)


def wilson(k: np.ndarray, n: np.ndarray, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of the proportion k/n (NaN where n == 0)."""
    k = np.asarray(k, float)
    n = np.asarray(n, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        den = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / den
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / den
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def byar(o: np.ndarray, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Byar's approximate 95% interval of a Poisson count ``o`` (lower is 0 when o == 0)."""
    o = np.asarray(o, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        low = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
        up = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * np.sqrt(o + 1))) ** 3
    return np.where(o > 0, low, 0.0), up


def dsr_dobson(
    cases: np.ndarray, persons: np.ndarray, weights: np.ndarray = ESP2013, z: float = Z95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Directly standardised proportion and Dobson interval, per row of ``cases`` (units × bands).

    Bands with no persons are left out of both the sum and the standard's total weight.
    """
    cases = np.atleast_2d(np.asarray(cases, float))
    persons = np.atleast_2d(np.asarray(persons, float))
    w = np.where(persons > 0, np.broadcast_to(weights, persons.shape), 0.0)
    wsum = w.sum(1)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(persons > 0, cases / persons, 0.0)
        dsr = (w * rate).sum(1) / wsum
        var = (w**2 * np.where(persons > 0, cases / persons**2, 0.0)).sum(1) / wsum**2
        o = cases.sum(1)
        ol, ou = byar(o, z)
        scale = np.sqrt(var / o)
        lower = np.where(o > 0, dsr + scale * (ol - o), 0.0)
        upper = np.where(o > 0, dsr + scale * (ou - o), np.nan)
    return dsr, np.clip(lower, 0, None), upper
