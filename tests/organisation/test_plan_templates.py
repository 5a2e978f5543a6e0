"""Plan templates as data, and a CPTS plan's mission deadlines from the contract's date at the
boundaries (month ends, leap years), against the ACI rules (6/18 months for access and crisis,
12/24 for pathways and prevention)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesocare.organisation.templates import NAMES, add_months, load_template, mission_deadlines

D = dt.date


def test_every_template_loads_with_labels_in_three_languages() -> None:
    assert {"integreo", "cpts", "zorgraad"} <= set(NAMES)
    for name in NAMES:
        t = load_template(name)
        assert t.name == name
        for lang in ("nl", "fr", "en"):
            assert t.label.get(lang)
            assert all(o.label.get(lang) for o in t.objectives)


def test_cpts_has_four_core_and_two_optional_missions_with_sourced_deadlines() -> None:
    t = load_template("cpts")
    core = {o.mission for o in t.objectives if o.core}
    optional = {o.mission for o in t.objectives if not o.core}
    assert core == {"access", "pathways", "prevention", "crisis"}
    assert optional == {"quality", "attractiveness"}
    months = {o.mission: (o.start_months.value, o.deployed_months.value) for o in t.objectives}  # type: ignore[union-attr]
    assert months["access"] == months["crisis"] == (6, 18)
    assert months["pathways"] == months["prevention"] == (12, 24)
    assert all(o.start_months and "ACI" in o.start_months.source for o in t.objectives if o.core)


@pytest.mark.parametrize(
    ("contract", "mission", "starts", "deployed"),
    [
        (D(2026, 1, 15), "access", D(2026, 7, 15), D(2027, 7, 15)),
        (D(2026, 1, 15), "pathways", D(2027, 1, 15), D(2028, 1, 15)),
        # a month end the target month lacks: its last day
        (D(2025, 8, 31), "access", D(2026, 2, 28), D(2027, 2, 28)),
        (D(2023, 8, 31), "crisis", D(2024, 2, 29), D(2025, 2, 28)),  # 2024 is a leap year
        (D(2025, 3, 31), "crisis", D(2025, 9, 30), D(2026, 9, 30)),
        # signed on 29 February: a year later is 28 February, two years later too
        (D(2024, 2, 29), "prevention", D(2025, 2, 28), D(2026, 2, 28)),
        (D(2024, 2, 29), "access", D(2024, 8, 29), D(2025, 8, 29)),
        # across the year's end
        (D(2026, 12, 31), "access", D(2027, 6, 30), D(2028, 6, 30)),
        (D(2026, 12, 31), "pathways", D(2027, 12, 31), D(2028, 12, 31)),
        (D(2027, 2, 28), "prevention", D(2028, 2, 28), D(2029, 2, 28)),
    ],
)
def test_mission_deadlines(contract: D, mission: str, starts: D, deployed: D) -> None:
    o = next(o for o in load_template("cpts").objectives if o.mission == mission)
    assert mission_deadlines(contract, o) == (starts, deployed)


@given(st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31)), st.integers(0, 120))
def test_add_months_keeps_the_day_or_takes_the_months_last(day: D, n: int) -> None:
    got = add_months(day, n)
    assert (got.year * 12 + got.month) - (day.year * 12 + day.month) == n
    assert got.day == day.day or (got.day < day.day and (got + dt.timedelta(days=1)).day == 1)
