"""Money in integer cents and the largest-remainder rule that makes shares sum exactly.

Rounding rule (used by every allocation and by the budget-neutral option): each unit first gets
the floor of its exact share in cents; the cents left over go, one each, to the units with the
largest fractional remainders; ties go to the unit with the larger weight, then to the earlier
unit. The result sums exactly to the total, and a unit with a larger weight never gets less than
one with a smaller weight.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from mesocare.errors import ParameterError


def to_cents(eur: float) -> int:
    """Euros to whole cents, half away from zero (``1.005`` → 101 via its decimal text)."""
    if not np.isfinite(eur):
        raise ParameterError(f"amount must be a finite number of euros; found {eur!r}")
    return int((Decimal(str(eur)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def split_cents(weights: np.ndarray | list[float], total_cents: int) -> np.ndarray:
    """Integer cents proportional to ``weights`` summing exactly to ``total_cents``."""
    w = np.asarray(weights, dtype=float)
    if w.ndim != 1 or len(w) == 0:
        raise ParameterError("weights must be a non-empty list of numbers")
    if not np.all(np.isfinite(w)) or bool((w < 0).any()):
        raise ParameterError("weights must be finite and >= 0")
    if total_cents < 0:
        raise ParameterError(f"the total must be >= 0; found {total_cents / 100:.2f} EUR")
    if w.sum() <= 0:
        if total_cents == 0:
            return np.zeros(len(w), dtype=np.int64)
        raise ParameterError("cannot share a non-zero amount when every weight is 0")
    share = w / w.sum() * total_cents
    base = np.floor(share).astype(np.int64)
    rest = int(total_cents - base.sum())
    remainder = share - base
    order = np.lexsort((np.arange(len(w)), -w, -remainder))
    if rest >= 0:
        base[order[:rest]] += 1
    else:  # float error pushed the floors over the total: take back from the smallest remainders
        for i in order[::-1][:-rest]:
            base[i] -= 1
    return base
