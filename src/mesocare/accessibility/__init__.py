"""Spatial accessibility: travel times, the 2SFCA family and APL, shortage, where to add capacity.

Pure functions on arrays and tables; the use cases that read a Territory are in
``mesocare.services.accessibility``.
"""

from mesocare.accessibility.aggregate import weighted_by_unit
from mesocare.accessibility.apl import (
    AplParams,
    apl,
    gp_consultations,
    load_apl_params,
    standardised_population,
)
from mesocare.accessibility.crowfly import CrowFly
from mesocare.accessibility.decay import (
    ExponentialDecay,
    GaussianDecay,
    PowerDecay,
    StepWeights,
    catchment,
)
from mesocare.accessibility.fca import (
    FcaResult,
    enhanced_two_step,
    floating_catchment,
    two_step,
)
from mesocare.accessibility.matrix import MatrixFile
from mesocare.accessibility.shortage import ShortageRule, shortage_by_unit
from mesocare.accessibility.siting import SitingParams, SitingResult, choose_sites, gain_per_fte
from mesocare.accessibility.travel import Locations, TravelTimeProvider, TravelTimes

__all__ = [
    "AplParams",
    "CrowFly",
    "ExponentialDecay",
    "FcaResult",
    "GaussianDecay",
    "Locations",
    "MatrixFile",
    "PowerDecay",
    "ShortageRule",
    "SitingParams",
    "SitingResult",
    "StepWeights",
    "TravelTimeProvider",
    "TravelTimes",
    "apl",
    "catchment",
    "choose_sites",
    "enhanced_two_step",
    "floating_catchment",
    "gain_per_fte",
    "gp_consultations",
    "load_apl_params",
    "shortage_by_unit",
    "standardised_population",
    "two_step",
    "weighted_by_unit",
]
