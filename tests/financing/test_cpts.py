"""CPTS contract simulator: size classes at the bounds, advances and calendar."""

from __future__ import annotations

import pytest

from mesocare.errors import ParameterError
from mesocare.financing.cpts import (
    calendar_dates,
    functioning_grant,
    load_missions,
    simulate,
    size_class,
)
from mesocare.financing.parameters import load_cpts

PARAMS = load_cpts()
MISSIONS = load_missions()


@pytest.mark.parametrize(
    ("population", "klass", "grant"),
    [
        (39_999, "T1", 87_500.0),
        (40_000, "T2", 105_000.0),
        (79_999, "T2", 105_000.0),
        (80_000, "T3", 131_250.0),
        (175_000, "T3", 131_250.0),
        (175_001, "T4", 157_500.0),
    ],
)
def test_size_class_and_functioning_grant(population, klass, grant):
    assert size_class(population, PARAMS) == klass
    assert functioning_grant(population, PARAMS) == grant


def test_calendar_pays_exactly_the_yearly_amounts():
    sim = simulate(60_000, PARAMS, MISSIONS, achievement=0.7)
    start_up = PARAMS.start_up.amount("T2")
    assert sim.calendar["cents"].sum() == (
        sim.yearly["fixed_cents"].sum() + sim.yearly["variable_cents"].sum() + start_up * 100
    )
    assert sorted(sim.yearly["year"].unique()) == [1, 2, 3, 4, 5]


def test_advance_is_75_percent_of_the_fixed_part():
    sim = simulate(60_000, PARAMS, MISSIONS)
    cal = sim.calendar
    fg = cal[(cal["item"] == "functioning") & (cal["year"] == 2)]
    adv = fg[fg["part"] == "advance (fixed part)"]
    assert adv["eur"].item() == pytest.approx(0.75 * 105_000)
    assert adv["month"].item() == 12  # the first anniversary
    assert fg[fg["part"] == "balance (fixed part)"]["eur"].item() == pytest.approx(0.25 * 105_000)


def test_deadlines_prorate_missions():
    sim = simulate(60_000, PARAMS, MISSIONS, achievement=1.0)
    y = sim.yearly.set_index(["year", "item"])
    access = next(m for m in MISSIONS if m.mission == "access" and m.size_class == "T2")
    # access starts at month 6: half of its fixed part in year 1; deployed at 18: variable from
    # month 18, half of year 2
    assert y.loc[(1, "access"), "fixed_eur"] == pytest.approx(access.fixed_eur_per_year / 2)
    assert y.loc[(1, "access"), "variable_eur"] == 0
    assert y.loc[(2, "access"), "variable_eur"] == pytest.approx(
        access.variable_max_eur_per_year / 2
    )
    # pathways start at month 12 and are deployed at 24
    assert y.loc[(1, "pathways"), "fixed_eur"] == 0
    assert y.loc[(2, "pathways"), "variable_eur"] == 0
    assert y.loc[(3, "pathways"), "variable_eur"] > 0


def test_achievement_by_year_and_bounds():
    sim = simulate(60_000, PARAMS, MISSIONS, achievement={3: 0.5})
    v = sim.yearly.groupby("year")["variable_eur"].sum()
    assert v[4] == 0 and v[3] > 0
    with pytest.raises(ParameterError, match="achievement"):
        simulate(60_000, PARAMS, MISSIONS, achievement=1.5)


def test_user_missions_file_errors_name_row_and_column(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(
        "mission,label,core,start_month,deployed_month,size_class,fixed_eur_per_year,variable_max_eur_per_year\n"
        "access,Access,true,6,18,T1,1000,1000\n"
        "access,Access,true,6,18,T9,1000,1000\n",
        encoding="utf-8",
    )
    with pytest.raises(ParameterError, match=r"m.csv: data row 2, column '\(row\)'|size_class"):
        load_missions(path)


def test_calendar_dates():
    sim = simulate(30_000, PARAMS, MISSIONS)
    dates = calendar_dates(sim.calendar, "2025-01-01")
    assert dates.iloc[0] == "2025-01-01"
    with pytest.raises(ParameterError):
        calendar_dates(sim.calendar, "soon")
