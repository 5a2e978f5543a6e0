"""compute_indicators on the tiny hand-built territory (see conftest.py), values worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mesocare.errors import MesocareError, ParameterError, UnknownCodeError, ValidationError
from mesocare.indicators import (
    COLUMNS,
    INDICATORS,
    Base,
    IndicatorDef,
    available_indicators,
    base_counts,
    compute_indicators,
)
from mesocare.indicators.compute import compare
from mesocare.indicators.stats import exact_poisson_interval, wilson_interval


@pytest.fixture(scope="module")
def table(tiny):
    return compute_indicators(tiny)


def get(table: pd.DataFrame, indicator: str, unit: str) -> pd.Series:
    rows = table[(table["indicator_id"] == indicator) & (table["unit_code"] == unit)]
    assert len(rows) == 1, (indicator, unit)
    return rows.iloc[0]


def test_contract_columns_and_levels(table, tiny):
    assert list(table.columns) == list(COLUMNS)
    units = table.drop_duplicates(["level", "unit_code"])
    assert sorted(units["unit_code"]) == sorted(
        ["A1", "A2", "A3", "A4", "Z01-N1", "Z01-N2", "Z01", "Z02", "R1"]
    )
    # one row per (indicator, unit), every available indicator present
    assert not table.duplicated(["indicator_id", "level", "unit_code"]).any()
    assert set(table["indicator_id"]) == set(available_indicators(tiny))
    assert len(table) == 9 * len(available_indicators(tiny))
    assert set(table["comparison"]) <= {
        "better", "similar", "worse", "higher", "lower", "not compared"
    }  # fmt: skip


def test_parents(table):
    pop = table[table["indicator_id"] == "population"].set_index("unit_code")
    assert pop.loc["A1", "parent_code"] == "Z01-N1"
    assert pop.loc["A4", "parent_code"] == "Z02"  # no network: the zone
    assert pop.loc["Z01-N2", "parent_code"] == "Z01"
    assert pop.loc["Z02", "parent_code"] == "R1"
    assert pop.loc["R1", "parent_code"] is None
    assert pop.loc["A3", "level"] == "area" and pop.loc["Z01-N1", "level"] == "network"
    assert pop.loc["A1", "unit_name"] == "Area A1" and pop.loc["Z01", "unit_name"] == "Unit Z01"


@pytest.mark.parametrize(
    ("indicator", "unit", "numerator", "denominator", "value"),
    [
        ("population", "A1", 500, None, 500),
        ("population", "Z01-N1", 1500, None, 1500),
        ("population", "Z01", 3500, None, 3500),
        ("population", "R1", 4500, None, 4500),
        ("share_65plus", "A1", 100, 500, 20.0),
        ("share_65plus", "Z01", 700, 3500, 20.0),
        ("share_80plus", "A3", 500, 2000, 25.0),
        ("share_80plus", "R1", 520, 4500, 520 / 45),
        ("dependency_ratio", "A1", 200, 300, 200 / 3),
        ("dependency_ratio", "R1", 1200, 3300, 1200 / 33),
        ("density_per_km2", "A1", 500, 1, 500.0),
        ("density_per_km2", "Z01-N1", 1500, 5, 300.0),
        ("density_per_km2", "Z01", 3500, 7, 500.0),
        ("density_per_km2", "R1", 4500, 17, 4500 / 17),
        ("gp_per_1000", "Z01-N1", 3, 1500, 2.0),
        ("gp_per_1000", "A2", 0, 1000, 0.0),
        ("gp_per_1000", "Z01", 5, 3500, 5 / 3.5),
        ("gp_per_1000", "R1", 6, 4500, 6 / 4.5),
        # unknown age counts as under 65; the GP aged 66 does not
        ("gp_under65_per_100k", "A1", 3, 500, 600.0),
        ("gp_under65_per_100k", "A3", 1, 2000, 50.0),
        ("gp_under65_per_100k", "Z01", 4, 3500, 4e5 / 3500),
        ("gp_under65_per_100k", "R1", 5, 4500, 5e5 / 4500),
        # share aged 60+ among GPs of known age
        ("gp_60plus_share", "A1", 1, 2, 50.0),
        ("gp_60plus_share", "R1", 2, 5, 40.0),
        ("home_nurse_per_10000", "A1", 2, 500, 40.0),
        ("home_nurse_per_10000", "R1", 2, 4500, 2e4 / 4500),
        ("pharmacist_per_10000", "Z01-N2", 1, 2000, 5.0),
        ("social_welfare_per_10000", "Z01", 1, 3500, 1e4 / 3500),
        ("social_welfare_per_10000", "R1", 2, 4500, 2e4 / 4500),
        # population-weighted; A3's missing income is left out of numerator and weight
        ("mean_taxable_income_eur", "Z01-N1", 40e6, 1500, 40e6 / 1500),
        ("mean_taxable_income_eur", "Z01", 40e6, 1500, 40e6 / 1500),
        ("mean_taxable_income_eur", "R1", 50e6, 2500, 20_000.0),
        ("bim_share", "Z01-N1", 250, 1500, 250 / 15),
        ("bim_share", "Z01", 850, 3500, 850 / 35),
        ("bim_share", "R1", 1250, 4500, 1250 / 45),
    ],
)
def test_hand_computed_values(table, indicator, unit, numerator, denominator, value):
    row = get(table, indicator, unit)
    assert row["numerator"] == pytest.approx(numerator)
    if denominator is None:
        assert np.isnan(row["denominator"])
    else:
        assert row["denominator"] == pytest.approx(denominator)
    assert row["value"] == pytest.approx(value)


def test_parent_values_and_intervals(table):
    row = get(table, "gp_per_1000", "A1")  # 3 GPs: exact Poisson interval
    lo, hi = exact_poisson_interval(3)
    assert row["lower"] == pytest.approx(float(lo) / 500 * 1000)
    assert row["upper"] == pytest.approx(float(hi) / 500 * 1000)
    assert row["parent_value"] == pytest.approx(2.0)  # Z01-N1
    assert row["comparison"] == "similar"
    row = get(table, "share_65plus", "Z01-N2")
    lo, hi = wilson_interval(500, 2000)
    assert (row["lower"], row["upper"]) == pytest.approx((float(lo) * 100, float(hi) * 100))
    assert np.isnan(get(table, "population", "R1")["parent_value"])


@pytest.mark.parametrize(
    ("indicator", "unit", "comparison"),
    [
        ("share_65plus", "Z01-N2", "higher"),  # 25% [23.1, 27.0] vs Z01 20%
        ("share_65plus", "Z01-N1", "lower"),  # 13.3% vs 20%
        ("share_65plus", "Z01", "higher"),  # 20% [18.7, 21.4] vs R1 15.6%
        ("share_65plus", "A3", "similar"),  # A3 is all of Z01-N2
        ("share_65plus", "R1", "not compared"),  # no parent
        ("population", "A1", "not compared"),  # no interval
        ("dependency_ratio", "A1", "not compared"),
        ("mean_taxable_income_eur", "Z01", "not compared"),
        ("bim_share", "Z02", "higher"),  # 40% vs 27.8%
    ],
)
def test_comparisons(table, indicator, unit, comparison):
    assert get(table, indicator, unit)["comparison"] == comparison


def test_compare_polarity():
    value = np.array([5.0, 5.0, 5.0, 5.0, np.nan])
    lower = np.array([4.0, 4.0, 4.0, np.nan, 1.0])
    upper = np.array([6.0, 6.0, 6.0, np.nan, 2.0])
    parent = np.array([3.0, 7.0, 6.0, 1.0, 1.0])
    assert list(compare(value, lower, upper, parent, "higher_is_better")) == [
        "better", "worse", "similar", "not compared", "not compared"
    ]  # fmt: skip
    assert list(compare(value, lower, upper, parent, "lower_is_better"))[:2] == ["worse", "better"]
    assert list(compare(value, lower, upper, parent, "none"))[:2] == ["higher", "lower"]


def test_base_counts(tiny):
    base = base_counts(tiny).set_index("area_code")
    assert base.loc["A1", Base.POP_0_14] == 100 and base.loc["A1", Base.POP_15_64] == 300
    assert base.loc["A3", Base.GP_AGE_KNOWN] == 2 and base.loc["A1", Base.GP_AGE_KNOWN] == 2
    assert base.loc["A3", Base.POP_WITH_INCOME] == 0 and base.loc["A3", Base.INCOME_X_POP] == 0
    assert base[Base.POPULATION].sum() == tiny.population["count"].sum()
    assert Base.ALONE_65PLUS_PERSONS not in base.columns  # attribute absent


def test_optional_inputs_left_out(tiny):
    ids = available_indicators(tiny)
    # no midwife, dietitian, psychologist, dentist, physiotherapist in the tiny territory
    assert "midwife_per_10000" not in ids and "home_nurse_per_10000" in ids
    assert "alone_65plus_share" not in ids and "bim_share" in ids
    # asked for explicitly, a discipline without providers is computed (zero everywhere)
    t = compute_indicators(tiny, ["midwife_per_10000"])
    assert (t["value"] == 0).all() and set(t["indicator_id"]) == {"midwife_per_10000"}


def test_no_attributes_no_providers_and_an_empty_area(make_territory):
    areas = [
        dict(code="B1", network=None, zone="Z1", region="R", width_km=1, height_km=1,
             population={("F", "65-69"): 10}),
        dict(code="B2", network=None, zone="Z1", region="R", width_km=1, height_km=1,
             population={}),
    ]  # fmt: skip
    t = make_territory(areas, [], None)
    ids = available_indicators(t)
    assert ids == ["population", "share_65plus", "share_80plus", "dependency_ratio",
                   "density_per_km2"]  # fmt: skip
    table = compute_indicators(t)
    empty = table[table["unit_code"] == "B2"].set_index("indicator_id")
    assert empty.loc["population", "value"] == 0
    assert np.isnan(empty.loc["share_65plus", "value"])
    assert empty.loc["share_65plus", "comparison"] == "not compared"
    b1 = table[table["unit_code"] == "B1"].set_index("indicator_id")
    assert b1.loc["share_65plus", "value"] == 100.0
    assert np.isnan(b1.loc["dependency_ratio", "value"])  # nobody aged 15-64
    assert b1.loc["share_65plus", "parent_value"] == 100.0  # Z1 (no network)


def test_unknown_indicator_raises(tiny):
    with pytest.raises(UnknownCodeError, match="unknown indicator 'gp_per_million'"):
        compute_indicators(tiny, ["population", "gp_per_million"])


def test_missing_attribute_raises(tiny):
    with pytest.raises(ValidationError, match="alone_65plus_share") as err:
        compute_indicators(tiny, ["alone_65plus_share"])
    assert isinstance(err.value, MesocareError)


def test_bad_year_and_confidence_raise(tiny):
    with pytest.raises(ParameterError, match="year 1999.*2020"):
        compute_indicators(tiny, year=1999)
    with pytest.raises(ParameterError, match="confidence"):
        compute_indicators(tiny, confidence=95)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        (dict(method="median"), "unknown method"),
        (dict(polarity="up"), "unknown polarity"),
        (dict(denominator=None), "needs a Base denominator"),
        (dict(numerator="population"), "numerator must be a Base column"),
        (dict(multiplier=0), "multiplier"),
        (dict(disciplines=("shaman",)), "unknown discipline"),
        (dict(attribute="happiness"), "happiness"),
    ],
)
def test_bad_definition_raises(kwargs, words):
    base = dict(
        id="x", label="X", unit="%", method="proportion", numerator=Base.POP_65PLUS,
        denominator=Base.POPULATION, multiplier=100,
    )  # fmt: skip
    with pytest.raises(ParameterError, match=words):
        IndicatorDef(**{**base, **kwargs})


def test_registry():
    for key, d in INDICATORS.items():
        assert key == d.id and d.label and d.description and d.unit
    required = {
        "population", "share_65plus", "share_80plus", "dependency_ratio", "density_per_km2",
        "gp_per_1000", "gp_under65_per_100k", "gp_60plus_share", "home_nurse_per_10000",
        "physiotherapist_per_10000", "pharmacist_per_10000", "psychologist_per_10000",
        "dentist_per_10000", "social_welfare_per_10000", "mean_taxable_income_eur", "bim_share",
    }  # fmt: skip
    assert required <= set(INDICATORS)
