"""Indicators per area, vicinity network, zone and region, with intervals and benchmarks.

``compute_indicators(territory)`` is the contract with the reports: one row per (indicator, unit),
see :mod:`mesocare.indicators.compute`. ``gp_shortage`` applies the Flemish GP shortage rule.
"""

from mesocare.indicators.compute import (
    COLUMNS,
    LEVELS,
    available_indicators,
    base_counts,
    compute_indicators,
    unit_counts,
)
from mesocare.indicators.definitions import INDICATORS, Base, IndicatorDef
from mesocare.indicators.shortage import ShortageParams, gp_shortage, population_in_shortage
from mesocare.indicators.stats import (
    directly_standardised_rate,
    european_standard_population,
    poisson_interval,
    rate_interval,
    wilson_interval,
)

__all__ = [
    "COLUMNS",
    "INDICATORS",
    "LEVELS",
    "Base",
    "IndicatorDef",
    "ShortageParams",
    "available_indicators",
    "base_counts",
    "compute_indicators",
    "directly_standardised_rate",
    "european_standard_population",
    "gp_shortage",
    "poisson_interval",
    "population_in_shortage",
    "rate_interval",
    "unit_counts",
    "wilson_interval",
]
