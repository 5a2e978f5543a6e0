"""CPTS contract simulator: size classes at the bounds, advances and calendar."""

from __future__ import annotations

import pytest

from mesocare.errors import ParameterError
from mesocare.financing.cpts import (
    Mission,
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


def _payments(sim, item, year=None):
    cal = sim.calendar[sim.calendar["item"] == item]
    if year is not None:
        cal = cal[cal["year"] == year]
    return [(int(m), p, e) for m, p, e in cal[["month", "part", "eur"]].itertuples(index=False)]


def test_mission_payments_fall_at_its_start_and_the_balance_at_the_anniversary():
    """T2 access (EUR 17,500 fixed a year) starts in month 6: 75% of half a year's fixed part,
    6,562.50, at month 6; its balance, 2,187.50, at the first anniversary (month 12), with the
    next year's advance, 13,125; the functioning grant's advance at signature (month 0).
    Pathways (EUR 25,000) start at month 12: nothing in year 1, 18,750 at month 12."""
    sim = simulate(60_000, PARAMS, MISSIONS)
    access = _payments(sim, "access")
    assert access[:3] == [
        (6, "advance (fixed part)", 6_562.5),
        (12, "balance (fixed part)", 2_187.5),
        (12, "advance (fixed part)", 13_125.0),
    ]
    assert _payments(sim, "pathways", 1) == []
    assert _payments(sim, "pathways", 2)[0] == (12, "advance (fixed part)", 18_750.0)
    fg = _payments(sim, "functioning", 1)
    assert fg == [(0, "advance (fixed part)", 78_750.0), (12, "balance (fixed part)", 26_250.0)]
    # every balance falls on an anniversary (balance_delay_months = 0)
    bal = sim.calendar[sim.calendar["part"] != "advance (fixed part)"]
    assert set(bal.loc[bal["item"] != "start_up", "month"] % 12) == {0}
    assert PARAMS.payment.timing.advance_at == "mission_start"
    assert "Sénat" in PARAMS.payment.timing.source


@pytest.mark.parametrize(
    ("start", "first_paid", "share_of_year"),
    [(0, 0, 12), (1, 1, 11), (11, 11, 1), (12, 12, 12), (13, 13, 11)],
)
def test_first_advance_at_the_start_month_prorated_to_the_anniversary(
    start, first_paid, share_of_year
):
    m = Mission(
        mission="x", label="X", core=True, start_month=start, deployed_month=start,
        size_class="T1", fixed_eur_per_year=12_000, variable_max_eur_per_year=0,
    )  # fmt: skip
    first = _payments(simulate(30_000, PARAMS, [m]), "x")[0]
    assert first == (first_paid, "advance (fixed part)", 0.75 * 1_000 * share_of_year)


def test_timing_is_a_parameter():
    pay = PARAMS.payment.model_copy(
        update={
            "timing": PARAMS.payment.timing.model_copy(
                update={"advance_at": "contract_year_start"}
            ),
            "balance_delay_months": PARAMS.payment.balance_delay_months.model_copy(
                update={"value": 3.0}
            ),
        }
    )
    sim = simulate(60_000, PARAMS.model_copy(update={"payment": pay}), MISSIONS)
    access = _payments(sim, "access", 1)
    assert access == [(0, "advance (fixed part)", 6_562.5), (15, "balance (fixed part)", 2_187.5)]


def test_payment_dates_at_the_month_boundaries():
    """Signed on 31 January 2025: the access advance is due 31 July 2025, its balance 31 January
    2026. Signed on 29 February 2024: the first anniversary is 28 February 2025 (no 29th), the
    second 28 February 2026, the fourth 29 February 2028."""
    sim = simulate(60_000, PARAMS, MISSIONS)
    cal = sim.calendar
    dates = calendar_dates(cal, "2025-01-31")
    access = cal["item"] == "access"
    assert list(dates[access][:2]) == ["2025-07-31", "2026-01-31"]
    leap = calendar_dates(cal, "2024-02-29")
    at = dict(zip(cal["month"], leap, strict=False))
    assert (at[0], at[12], at[24], at[48]) == (
        "2024-02-29", "2025-02-28", "2026-02-28", "2028-02-29"
    )  # fmt: skip
    assert at[6] == "2024-08-29"
