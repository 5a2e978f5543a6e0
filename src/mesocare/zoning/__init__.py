"""Delineation of zones and vicinity networks under constraints, and the evaluation of any zoning.

Pure functions on arrays: :func:`draw` proposes a zoning, :func:`evaluate` scores any zoning
(proposed or existing), :mod:`mesocare.zoning.mergers` maps a zoning onto merged municipalities.
"""

from mesocare.zoning.evaluate import Evaluation, agreement, evaluate
from mesocare.zoning.graph import Contiguity, Rule, bridge_islands, from_edges, from_geometry
from mesocare.zoning.model import InfeasibleZoningError, ZoningParams, ZoningProblem, ZoningResult
from mesocare.zoning.solve import draw

__all__ = [
    "Contiguity",
    "Evaluation",
    "InfeasibleZoningError",
    "Rule",
    "ZoningParams",
    "ZoningProblem",
    "ZoningResult",
    "agreement",
    "bridge_islands",
    "draw",
    "evaluate",
    "from_edges",
    "from_geometry",
]
