"""Confidence intervals for indicators: arrays in, arrays out (numpy, vectorised).

Methods (as in England's Fingertips / the PHE technical guide on confidence intervals):

- :func:`wilson_interval`: Wilson score interval for a proportion ``k / n``.
- :func:`poisson_interval`: interval for a count ``O``; Byar's approximation for ``O >= exact_below``
  (default 10) and the exact Poisson interval (chi-square / gamma quantiles) below it, where Byar's
  approximation is poor and undefined at 0. Pass ``exact_below=0`` for Byar's everywhere (except 0).
- :func:`rate_interval`: crude rate ``O / denominator × multiplier`` with the count's interval.
- :func:`directly_standardised_rate`: directly age-standardised rate with Dobson's method, by
  default on the European Standard Population 2013 (:func:`european_standard_population`).

Every function takes array-likes (scalars broadcast) and returns float arrays; where a value is not
defined (a zero denominator) the value and bounds are NaN. Invalid input (negative counts, ``k > n``,
a confidence level outside (0, 1)) raises :class:`~mesocare.errors.ParameterError`.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from mesocare.errors import ParameterError

FloatArray = NDArray[np.float64]

#: Counts below this use the exact Poisson interval in :func:`poisson_interval` (Byar's above).
EXACT_BELOW_DEFAULT = 10


def z_value(confidence: float) -> float:
    """The two-sided standard normal quantile for a confidence level (1.959964 for 0.95)."""
    _check_confidence(confidence)
    return float(special.ndtri(0.5 + confidence / 2))


def _check_confidence(confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise ParameterError(f"confidence must be in (0, 1); found {confidence!r}")


def _as_float(name: str, values: ArrayLike) -> FloatArray:
    arr = np.asarray(values, dtype=np.float64)
    if bool(np.any(arr < 0)):
        raise ParameterError(f"{name} must be >= 0; found a negative value")
    return arr


def wilson_interval(
    numerator: ArrayLike, denominator: ArrayLike, confidence: float = 0.95
) -> tuple[FloatArray, FloatArray]:
    """Wilson score interval of the proportion ``numerator / denominator`` (in [0, 1]).

    Non-integer numerators (e.g. a population-weighted share × population) are accepted.
    Returns ``(lower, upper)``; NaN where the denominator is 0.
    """
    z = z_value(confidence)
    k = _as_float("numerator", numerator)
    n = _as_float("denominator", denominator)
    k, n = np.broadcast_arrays(k, n)
    if bool(np.any(k > n)):
        raise ParameterError("numerator must not exceed denominator for a proportion")
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        z2n = z * z / n
        centre = (p + z2n / 2) / (1 + z2n)
        half = z * np.sqrt(p * (1 - p) / n + z2n / (4 * n)) / (1 + z2n)
        lower = np.where(n > 0, np.clip(centre - half, 0.0, 1.0), np.nan)
        upper = np.where(n > 0, np.clip(centre + half, 0.0, 1.0), np.nan)
    # the exact bounds at the edges (rounding could leave 1e-17 instead of 0)
    lower = np.where((k == 0) & (n > 0), 0.0, lower)
    upper = np.where((k == n) & (n > 0), 1.0, upper)
    return lower, upper


def exact_poisson_interval(
    count: ArrayLike, confidence: float = 0.95
) -> tuple[FloatArray, FloatArray]:
    """Exact (Garwood) interval of a Poisson count: chi-square quantiles via the gamma function.

    ``lower = chi2.ppf(a/2, 2·O)/2`` (0 when O = 0) and ``upper = chi2.ppf(1 - a/2, 2·(O+1))/2``.
    """
    _check_confidence(confidence)
    o = _as_float("count", count)
    alpha = 1.0 - confidence
    with np.errstate(invalid="ignore"):
        lower = np.where(o > 0, special.gammaincinv(np.maximum(o, 1e-300), alpha / 2), 0.0)
    upper = special.gammaincinv(o + 1.0, 1.0 - alpha / 2)
    return np.asarray(lower, dtype=np.float64), np.asarray(upper, dtype=np.float64)


def byar_interval(count: ArrayLike, confidence: float = 0.95) -> tuple[FloatArray, FloatArray]:
    """Byar's approximation of the Poisson interval of a count (lower is 0 for a count of 0).

    ``lower = O·(1 - 1/(9O) - z/(3√O))³`` and ``upper = (O+1)·(1 - 1/(9(O+1)) + z/(3√(O+1)))³``.
    """
    z = z_value(confidence)
    o = _as_float("count", count)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        lower = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
    lower = np.where(o > 0, np.maximum(lower, 0.0), 0.0)
    o1 = o + 1
    upper = o1 * (1 - 1 / (9 * o1) + z / (3 * np.sqrt(o1))) ** 3
    return lower, upper


def poisson_interval(
    count: ArrayLike, confidence: float = 0.95, exact_below: float = EXACT_BELOW_DEFAULT
) -> tuple[FloatArray, FloatArray]:
    """Interval of a count: Byar's method, the exact Poisson interval for counts < ``exact_below``."""
    o = _as_float("count", count)
    lo, hi = byar_interval(o, confidence)
    lo, hi = np.array(lo, dtype=np.float64), np.array(hi, dtype=np.float64)
    exact = o < exact_below
    if bool(np.any(exact)):  # the exact bounds only where needed: they cost a gamma inversion each
        lo[exact], hi[exact] = exact_poisson_interval(o[exact], confidence)
    return lo, hi


def rate_interval(
    count: ArrayLike,
    denominator: ArrayLike,
    multiplier: float = 1.0,
    confidence: float = 0.95,
    exact_below: float = EXACT_BELOW_DEFAULT,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Crude rate ``count / denominator × multiplier`` with its interval: ``(value, lower, upper)``.

    The count's interval (:func:`poisson_interval`) is divided by the denominator; NaN where the
    denominator is 0.
    """
    o = _as_float("count", count)
    d = _as_float("denominator", denominator)
    lo, hi = poisson_interval(o, confidence, exact_below)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(d > 0, multiplier / d, np.nan)
    return o * scale, lo * scale, hi * scale


@cache
def _esp2013() -> tuple[tuple[str, ...], tuple[float, ...]]:
    text = resources.files("mesocare.indicators").joinpath("data/esp2013.csv").read_text()
    rows = list(csv.DictReader(text.splitlines()))
    return tuple(r["age_band"] for r in rows), tuple(float(r["weight"]) for r in rows)


def european_standard_population() -> tuple[tuple[str, ...], FloatArray]:
    """The European Standard Population 2013 in the territory's 20 five-year bands (0-4 … 95+).

    Returns ``(age_bands, weights)``; the weights sum to 100,000 (Eurostat, 2013 revision).
    """
    bands, weights = _esp2013()
    return bands, np.asarray(weights, dtype=np.float64)


def directly_standardised_rate(
    counts: ArrayLike,
    populations: ArrayLike,
    standard: ArrayLike | None = None,
    *,
    multiplier: float = 100_000.0,
    confidence: float = 0.95,
    exact_below: float = EXACT_BELOW_DEFAULT,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Directly standardised rate with Dobson's interval: ``(value, lower, upper)``.

    ``counts`` and ``populations`` have shape ``(..., n_bands)`` (the last axis is the age band,
    aligned with ``standard``, default the ESP 2013 weights for the 20 bands 0-4 … 95+); the result
    has shape ``(...)``. ``DSR = Σ wᵢ Oᵢ/nᵢ / Σ wᵢ × multiplier``; Dobson's method maps the interval
    of the total count ``O = Σ Oᵢ`` (:func:`poisson_interval`) onto the DSR:
    ``DSR + √(Var(DSR)/O) × (O_bound − O)``, with ``Var(DSR) = Σ (wᵢ/Σw)² Oᵢ/nᵢ² × multiplier²``.
    Value and bounds are NaN where the total count is 0 only for the bounds (the value is 0) and
    where every band's population is 0. A band with events but no population raises.
    """
    o = _as_float("counts", counts)
    n = _as_float("populations", populations)
    w = european_standard_population()[1] if standard is None else _as_float("standard", standard)
    if o.shape != n.shape:
        raise ParameterError(f"counts {o.shape} and populations {n.shape} differ in shape")
    if o.ndim == 0 or o.shape[-1] != w.shape[-1]:
        raise ParameterError(
            f"the last axis (age bands) has {o.shape[-1] if o.ndim else 0} values; "
            f"the standard population has {w.shape[-1]}"
        )
    if bool(np.any((n == 0) & (o > 0))):
        raise ParameterError("an age band has events but no population")
    wn = w / w.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        band_rate = np.where(n > 0, o / n, 0.0)
        band_var = np.where(n > 0, o / n**2, 0.0)
    value = (wn * band_rate).sum(-1) * multiplier
    var = (wn**2 * band_var).sum(-1) * multiplier**2
    total = o.sum(-1)
    lo_o, hi_o = poisson_interval(total, confidence, exact_below)
    with np.errstate(divide="ignore", invalid="ignore"):
        k = np.sqrt(var / total)
        lower = np.where(total > 0, value + k * (lo_o - total), np.nan)
        upper = np.where(total > 0, value + k * (hi_o - total), np.nan)
    no_pop = n.sum(-1) == 0
    value = np.where(no_pop, np.nan, value)
    return value, np.maximum(lower, 0.0), upper
