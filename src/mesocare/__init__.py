"""Mesocare: organise primary care at the meso level."""

from mesocare.errors import MesocareError

__version__ = "0.1.0"
__all__ = ["MesocareError", "__version__"]
