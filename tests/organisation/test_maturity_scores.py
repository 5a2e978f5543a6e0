"""The arithmetic of maturity assessments on hand-built score sets, and its invariants."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesocare.organisation.maturity_scores import (
    AgreementRule,
    ClusterRule,
    changes,
    cluster_flags,
    item_stats,
    priorities,
)


def test_median_and_iqr_of_a_hand_built_set() -> None:
    s = item_stats([0, 1, 2, 3, 5])
    assert s.median == 2
    assert (s.q1, s.q3, s.iqr) == (1, 3, 2)
    s = item_stats([1, 2, 3, 4])  # even count: the mean of the middle two
    assert s.median == 2.5
    assert (s.q1, s.q3) == (1.75, 3.25)


def test_agreement_when_fewer_than_four_fall_outside_the_band() -> None:
    # median 3, band 2..4; 0, 0, 5 are outside: three, so the group agrees
    s = item_stats([0, 0, 3, 3, 3, 3, 3, 5, 4, 2])
    assert (s.band_low, s.band_high) == (2, 4)
    assert s.outside == 3 and s.agreement
    # a fourth outside: no agreement
    s = item_stats([0, 0, 0, 3, 3, 3, 3, 3, 5, 4, 2])
    assert s.outside == 4 and not s.agreement


def test_band_centre_is_the_median_rounded_half_up() -> None:
    s = item_stats([2, 3])  # median 2.5 → centre 3 → band 2..4
    assert (s.band_low, s.band_high) == (2, 4)


def test_the_rule_is_a_parameter() -> None:
    scores = [0, 3, 3, 3, 5]
    assert item_stats(scores).agreement
    strict = AgreementRule(band_width=3, max_outside=1)
    assert not item_stats(scores, strict).agreement
    wide = AgreementRule(band_width=5, max_outside=0)  # band 1..5: 0 is outside
    assert item_stats(scores, wide).outside == 1


def test_cluster_flags_name_the_clusters_that_disagree() -> None:
    flags = cluster_flags({"care": [4, 4, 5], "welfare": [1, 2, 2], "local": [3, 3]})
    assert [(f.cluster_a, f.cluster_b, f.difference) for f in flags] == [("care", "welfare", 2.0)]
    assert cluster_flags({"care": [4], "welfare": [3]}) == []
    assert len(cluster_flags({"care": [4], "welfare": [3]}, ClusterRule(min_difference=1))) == 1
    # a cluster with too few ratings is not compared
    assert cluster_flags({"care": [5], "welfare": [0, 0]}, ClusterRule(min_ratings=2)) == []


def test_priorities_rank_gap_times_importance() -> None:
    ranked = priorities({"a": 4, "b": 2, "c": 1, "d": 5}, {"a": 3, "b": 1}, high=5)
    # a: gap 1 × 3 = 3; b: 3 × 1 = 3 (larger gap first); c: 4 × 1 = 4; d: no gap
    assert [p.item for p in ranked] == ["c", "b", "a"]
    assert ranked[0].weight == 4


def test_changes_only_for_items_in_both() -> None:
    assert changes({"a": 2, "b": 3}, {"a": 4, "c": 1}) == {"a": 2}


def test_no_scores_is_an_error() -> None:
    with pytest.raises(ValueError):
        item_stats([])


scores = st.lists(st.integers(0, 5), min_size=1, max_size=40)


@given(scores, st.randoms())
def test_order_of_ratings_does_not_matter(values: list[int], rnd) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(values)
    rnd.shuffle(shuffled)
    assert item_stats(values) == item_stats(shuffled)


@given(scores, st.integers(-5, 5))
def test_shifting_every_rating_shifts_the_median_only(values: list[int], c: int) -> None:
    a, b = item_stats(values), item_stats([v + c for v in values])
    assert b.median == a.median + c
    assert b.iqr == a.iqr and b.outside == a.outside and b.agreement == a.agreement


@given(scores)
def test_stats_stay_within_the_ratings(values: list[int]) -> None:
    s = item_stats(values)
    assert min(values) <= s.q1 <= s.median <= s.q3 <= max(values)
    assert 0 <= s.outside <= s.n
    assert s.band_high - s.band_low + 1 == 3
    if len(set(values)) == 1:
        assert s.agreement and s.iqr == 0 and s.outside == 0


@given(st.integers(0, 5), st.integers(1, 40), st.integers(0, 5))
def test_outliers_beyond_the_limit_break_agreement(centre: int, n: int, k: int) -> None:
    # n ratings at the centre, then k far outside (distance ≥ 2), fewer than n: median stays
    far = centre + 2 if centre <= 3 else centre - 2
    values = [centre] * (n + k) + [far] * k
    s = item_stats(values)
    assert s.outside == k
    assert s.agreement == (k < 4)


@given(st.dictionaries(st.sampled_from("abcdef"), st.integers(0, 5), min_size=1))
def test_priorities_are_sorted_and_skip_full_scores(sc: dict[str, int]) -> None:
    ranked = priorities(sc, {}, high=5)
    weights = [p.weight for p in ranked]
    assert weights == sorted(weights, reverse=True)
    assert {p.item for p in ranked} == {k for k, v in sc.items() if v < 5}
