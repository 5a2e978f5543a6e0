"""Largest-remainder rounding, allocation by need, the concentration index."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mesocare.errors import ParameterError
from mesocare.financing.allocation import allocate, concentration_index
from mesocare.financing.money import split_cents, to_cents


def slow_split(weights, total):
    """Plain largest remainder with exact fractions (ties: larger weight, then earlier)."""
    s = sum(Fraction(w) for w in weights)
    shares = [Fraction(w) / s * total for w in weights]
    base = [int(x) for x in shares]  # floor for >= 0
    rest = total - sum(base)
    order = sorted(range(len(weights)), key=lambda i: (-(shares[i] - base[i]), -weights[i], i))
    for i in order[:rest]:
        base[i] += 1
    return base


def test_one_million_among_nine_networks_sums_to_the_cent():
    # hand example: need 1..9 (sum 45); 1,000,000 EUR = 100,000,000 cents; 100e6 * k / 45
    need = np.arange(1, 10, dtype=float)
    units = pd.DataFrame(
        {"unit_code": [f"N{k}" for k in range(1, 10)], "population": [1000] * 9, "need": need}
    )
    a = allocate(units, 1_000_000)
    got = a.table["need_rule_cents"].tolist()
    # exact shares k x 2,222,222.22… cents; floors sum to 99,999,996; the 4 cents left go to the
    # largest remainders: .889 (N4), .778 (N8), .667 (N3), .556 (N7)
    assert got == [
        2222222,
        4444444,
        6666667,
        8888889,
        11111111,
        13333333,
        15555556,
        17777778,
        20000000,
    ]
    assert sum(got) == 100_000_000
    assert got == slow_split(list(need), 100_000_000)
    assert a.table["equal_rule_cents"].tolist() == [11111112] * 1 + [11111111] * 8
    assert a.table["need_rule_eur"].sum() == pytest.approx(1_000_000)


def test_hand_remainders():
    # 10.00 EUR in thirds: 333, 333, 333 + 1 cent to the first (tie: equal weights, earlier)
    assert split_cents([1, 1, 1], 1000).tolist() == [334, 333, 333]
    # weights 1, 2: 333.33 and 666.67 -> 333, 667
    assert split_cents([1, 2], 1000).tolist() == [333, 667]


def test_to_cents_rounds_half_up():
    assert to_cents(1.005) == 101
    assert to_cents(0.1 + 0.2) == 30
    with pytest.raises(ParameterError):
        to_cents(float("nan"))


def test_bad_weights():
    with pytest.raises(ParameterError):
        split_cents([1, -1], 100)
    with pytest.raises(ParameterError):
        split_cents([0, 0], 100)


weights_st = st.lists(
    st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=30,
).filter(lambda w: sum(w) > 0)


@settings(max_examples=150, deadline=None)
@given(weights_st, st.integers(min_value=0, max_value=10**12))
def test_split_always_sums_to_the_total(weights, total):
    got = split_cents(weights, total)
    assert int(got.sum()) == total
    assert (got >= 0).all()


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=12).filter(
        lambda w: sum(w) > 0
    ),
    st.integers(min_value=0, max_value=10**9),
)
def test_split_matches_slow_version(weights, total):
    assert split_cents(weights, total).tolist() == slow_split(weights, total)


@settings(max_examples=80, deadline=None)
@given(
    weights_st,
    st.integers(min_value=0, max_value=29),
    st.floats(min_value=1e-9, max_value=1e5),
    st.integers(min_value=0, max_value=10**11),
)
def test_more_need_never_gets_less(need, i, extra, total):
    """Of two otherwise equal networks, the one with more need never gets less money."""
    need = list(need)
    i = i % len(need)
    more = need + [need[i] + extra]  # a copy of unit i with more need
    if more[-1] == more[i]:
        return  # the extra need vanished in float arithmetic
    got = split_cents(more, total)
    assert got[-1] >= got[i]
    units = pd.DataFrame({"unit_code": range(len(more)), "population": 100, "need": more})
    t = allocate(units, total / 100).table
    assert t["need_rule_cents"].iloc[-1] >= t["need_rule_cents"].iloc[i]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 10**5), st.floats(0.5, 3.0)), min_size=1, max_size=15),
    st.floats(min_value=0, max_value=1e8, allow_nan=False),
)
def test_allocation_sums_to_budget(rows, budget):
    units = pd.DataFrame(
        {
            "unit_code": range(len(rows)),
            "population": [p for p, _ in rows],
            "need": [p * f for p, f in rows],
        }
    )
    a = allocate(units, budget)
    assert a.table["need_rule_cents"].sum() == to_cents(budget)
    assert a.table["equal_rule_cents"].sum() == to_cents(budget)


def test_concentration_index():
    pop = np.array([100.0, 100.0, 100.0])
    need = np.array([100.0, 200.0, 300.0])
    assert concentration_index(pop * 5, need, pop) == pytest.approx(0.0)
    pro_need = concentration_index(need * 10, need, pop)
    assert pro_need > 0
    assert concentration_index(need[::-1] * 10, need, pop) == pytest.approx(-pro_need)
    # hand value: y = 1000, 2000, 3000; f = 1/3; R = 1/6, 1/2, 5/6; mu = 2000
    # C = 2/2000 * 1/3 * (1000/6 + 1000 + 2500) - 1 = 2/9
    assert pro_need == pytest.approx(2 / 9)
