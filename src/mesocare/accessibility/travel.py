"""Travel times between places, behind one interface.

A :class:`TravelTimeProvider` turns two sets of :class:`Locations` (origins: where people live,
destinations: where supply is) into :class:`TravelTimes`: a sparse matrix (origins × destinations,
scipy CSR) of minutes holding only the pairs within ``max_minutes``. Every accessibility method
works from that one structure, whichever provider made it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
import scipy.sparse as sp

from mesocare.errors import ParameterError


@dataclass(frozen=True, eq=False)
class Locations:
    """Places with a code and projected coordinates in metres (``x``, ``y``; same CRS)."""

    codes: np.ndarray
    x: np.ndarray
    y: np.ndarray

    def __post_init__(self) -> None:
        codes = np.asarray(self.codes, dtype=object)
        x = np.asarray(self.x, dtype=np.float64)
        y = np.asarray(self.y, dtype=np.float64)
        if not (codes.ndim == x.ndim == y.ndim == 1 and len(codes) == len(x) == len(y)):
            raise ParameterError("locations need codes, x and y of the same length")
        if len(x) and not (np.isfinite(x).all() and np.isfinite(y).all()):
            raise ParameterError("locations have missing or infinite coordinates")
        object.__setattr__(self, "codes", codes)
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)

    def __len__(self) -> int:
        return len(self.codes)

    @classmethod
    def from_codes(cls, codes: object) -> Locations:
        """Places known by code only (for a user-supplied matrix); coordinates are 0."""
        c = np.asarray(codes, dtype=object)
        return cls(c, np.zeros(len(c)), np.zeros(len(c)))


@dataclass(frozen=True, eq=False)
class TravelTimes:
    """Minutes from each origin (row) to each destination (column), only pairs within reach.

    ``minutes`` is a CSR matrix whose stored entries are the reachable pairs (a stored 0 means
    "0 minutes", e.g. the same place); a pair that is not stored is out of reach.
    """

    origins: np.ndarray
    destinations: np.ndarray
    minutes: sp.csr_matrix
    max_minutes: float

    def __post_init__(self) -> None:
        n, m = self.minutes.shape
        if n != len(self.origins) or m != len(self.destinations):
            raise ParameterError(
                f"travel-time matrix is {n} × {m} but there are "
                f"{len(self.origins)} origins and {len(self.destinations)} destinations"
            )

    @property
    def pairs(self) -> int:
        return int(self.minutes.nnz)

    def row_of(self) -> np.ndarray:
        """The origin index of every stored pair (same order as ``minutes.data``)."""
        return np.repeat(
            np.arange(self.minutes.shape[0], dtype=np.int32), np.diff(self.minutes.indptr)
        )

    def within(self, max_minutes: float) -> TravelTimes:
        """The pairs within a smaller threshold."""
        if max_minutes >= self.max_minutes:
            return self
        keep = self.minutes.data <= max_minutes
        rows = self.row_of()[keep]
        m = sp.csr_matrix(
            (self.minutes.data[keep], self.minutes.indices[keep], _indptr(rows, len(self.origins))),
            shape=self.minutes.shape,
        )
        return TravelTimes(self.origins, self.destinations, m, max_minutes)


def _indptr(rows: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=out[1:])
    return out


@runtime_checkable
class TravelTimeProvider(Protocol):
    """Anything that gives travel times from origins to destinations within a threshold.

    ``by_code`` is True when the provider knows places by code only (a matrix file); the caller
    then gives destinations whose codes match the file (e.g. the areas where providers work).
    """

    @property
    def by_code(self) -> bool: ...

    def travel_times(
        self, origins: Locations, destinations: Locations, max_minutes: float
    ) -> TravelTimes: ...
