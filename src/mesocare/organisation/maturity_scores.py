"""The arithmetic of a maturity assessment: pure functions on scores, no database.

- :func:`item_stats`: per item, the median, the quartiles and their spread (IQR, quartiles by
  linear interpolation between order statistics, as ``numpy.percentile``'s default), and the
  agreement rule :class:`AgreementRule`: the band is the ``band_width`` levels centred on the
  median (its centre is the median rounded half up to a level: 2.5 → 3), and the group agrees when
  fewer than ``max_outside + 1`` ratings fall outside it. The default is the rule of the RAND/UCLA
  appropriateness method adapted to a 0-5 scale: agreement when fewer than 4 ratings lie outside
  the 3-point band around the median.
- :func:`cluster_flags`: pairs of clusters (e.g. the zorgraad's clusters) whose medians on an
  item differ by at least ``min_difference`` (default 2 levels).
- :func:`priorities`: items ranked by gap × importance (gap: the top of the scale minus the
  consensus score).
- :func:`changes`: the change of each item since an earlier assessment.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from pydantic import Field

from mesocare.params import Strict


class AgreementRule(Strict):
    band_width: int = Field(default=3, ge=1, le=11)
    #: the most ratings that may fall outside the band for the group still to agree
    max_outside: int = Field(default=3, ge=0)


class ClusterRule(Strict):
    min_difference: float = Field(default=2.0, gt=0)
    #: clusters with fewer ratings on the item are not compared
    min_ratings: int = Field(default=1, ge=1)


def _quantile(ordered: Sequence[float], q: float) -> float:
    pos = (len(ordered) - 1) * q
    lo = math.floor(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def median(scores: Sequence[float]) -> float:
    if not scores:
        raise ValueError("no scores")
    return _quantile(sorted(scores), 0.5)


@dataclass(frozen=True)
class ItemStats:
    n: int
    median: float
    q1: float
    q3: float
    band_low: int
    band_high: int
    outside: int
    agreement: bool

    @property
    def iqr(self) -> float:
        return self.q3 - self.q1


def band(centre_median: float, rule: AgreementRule) -> tuple[int, int]:
    """The ``band_width`` levels around the median (an even width reaches one further up)."""
    centre = math.floor(centre_median + 0.5)
    below = (rule.band_width - 1) // 2
    return centre - below, centre - below + rule.band_width - 1


def item_stats(scores: Sequence[int], rule: AgreementRule | None = None) -> ItemStats:
    if not scores:
        raise ValueError("no scores")
    rule = rule or AgreementRule()
    ordered = sorted(scores)
    med = _quantile(ordered, 0.5)
    low, high = band(med, rule)
    outside = sum(1 for v in ordered if v < low or v > high)
    return ItemStats(
        n=len(ordered),
        median=med,
        q1=_quantile(ordered, 0.25),
        q3=_quantile(ordered, 0.75),
        band_low=low,
        band_high=high,
        outside=outside,
        agreement=outside <= rule.max_outside,
    )


@dataclass(frozen=True)
class ClusterFlag:
    cluster_a: str
    cluster_b: str
    median_a: float
    median_b: float

    @property
    def difference(self) -> float:
        return abs(self.median_a - self.median_b)


def cluster_flags(
    by_cluster: Mapping[str, Sequence[int]], rule: ClusterRule | None = None
) -> list[ClusterFlag]:
    """Every pair of clusters (in name order) whose medians differ by ``min_difference`` or more."""
    rule = rule or ClusterRule()
    medians = {
        c: median(v) for c, v in sorted(by_cluster.items()) if len(v) >= rule.min_ratings and v
    }
    return [
        ClusterFlag(a, b, medians[a], medians[b])
        for a, b in combinations(medians, 2)
        if abs(medians[a] - medians[b]) >= rule.min_difference
    ]


@dataclass(frozen=True)
class Priority:
    item: str
    score: float
    gap: float
    importance: float

    @property
    def weight(self) -> float:
        return self.gap * self.importance


def priorities(
    scores: Mapping[str, float], importance: Mapping[str, float], high: int
) -> list[Priority]:
    """Items with a gap, largest gap × importance first (ties: the larger gap, then the item id).
    An item without an importance weighs 1."""
    out = [
        Priority(item, s, high - s, importance.get(item, 1.0))
        for item, s in scores.items()
        if high - s > 0
    ]
    return sorted(out, key=lambda p: (-p.weight, -p.gap, p.item))


def changes(earlier: Mapping[str, float], later: Mapping[str, float]) -> dict[str, float]:
    """Per item scored in both: later − earlier."""
    return {k: later[k] - earlier[k] for k in later if k in earlier}


__all__ = [
    "AgreementRule",
    "ClusterFlag",
    "ClusterRule",
    "ItemStats",
    "Priority",
    "band",
    "changes",
    "cluster_flags",
    "item_stats",
    "median",
    "priorities",
]
