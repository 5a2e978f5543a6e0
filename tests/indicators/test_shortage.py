"""The Flemish GP shortage rule at its thresholds, and the population living in shortage."""

from __future__ import annotations

import numpy as np
import pytest

from mesocare.errors import MesocareError, ParameterError, ValidationError
from mesocare.indicators import (
    ShortageParams,
    compute_indicators,
    gp_shortage,
    population_in_shortage,
)


def one_area(make_territory, *, population, gps, km2, gp_age=50.0, code="C1"):
    """One area (its own zone and region) of ``km2`` km² with ``gps`` GPs aged ``gp_age``."""
    area = dict(
        code=code, network=None, zone="Z1", region="R", width_km=km2, height_km=1,
        population={("F", "40-44"): population},
    )  # fmt: skip
    return make_territory([area], [dict(discipline="gp", area=code, age=gp_age)] * gps)


def flag(make_territory, **kw):
    table = gp_shortage(one_area(make_territory, **kw))
    row = table[table["level"] == "area"].iloc[0]
    return bool(row["shortage"]), str(row["reason"]), row


@pytest.mark.parametrize(
    ("population", "gps", "km2", "expected", "why"),
    [
        # dense (1,000/km²): only the 90 per 100,000 rule applies
        (100_100, 90, 100.1, True, "89.9 GPs under 65 per 100,000, fewer than 90"),
        (100_000, 90, 100, False, ""),  # exactly 90: not fewer than 90
        (10_000, 9, 10, False, ""),  # 90 again, from other counts
        (100_000, 89, 100, True, "89 GPs"),
        # sparse: 124 inhabitants/km² and under 120 per 100,000
        (100_000, 119, 100_000 / 124, True, "124 inhabitants/km², fewer than 125, and 119 GPs"),
        (100_000, 120, 100_000 / 124, False, ""),  # exactly 120 per 100,000
        (100_000, 119, 800, False, ""),  # exactly 125 inhabitants/km²: not sparse
        (100_100, 120, 1_000, True, "119.9 GPs under 65 per 100,000, fewer than 120"),
        # sparse but well supplied; dense and under 120 but at least 90
        (100_000, 150, 1_000, False, ""),
        (100_000, 100, 100, False, ""),
    ],
)
def test_rule_at_thresholds(make_territory, population, gps, km2, expected, why):
    shortage, reason, _ = flag(make_territory, population=population, gps=gps, km2=km2)
    assert shortage is expected
    assert why in reason
    if not expected:
        assert reason == ""


def test_gps_aged_65_do_not_count(make_territory):
    shortage, _, row = flag(make_territory, population=1_000, gps=5, km2=1, gp_age=65.0)
    assert shortage and row["gp_under65"] == 0 and row["gp_under65_per_100k"] == 0
    shortage, _, row = flag(make_territory, population=1_000, gps=5, km2=1, gp_age=64.0)
    assert not shortage and row["gp_under65_per_100k"] == pytest.approx(500.0)


def test_params_change_the_rule(make_territory):
    t = one_area(make_territory, population=100_000, gps=95, km2=100)
    assert not gp_shortage(t)["shortage"].any()
    assert gp_shortage(t, ShortageParams(gp_per_100k_below=100))["shortage"].all()
    with pytest.raises(ParameterError, match="gp_per_100k_below"):
        ShortageParams(gp_per_100k_below=-1)


def test_all_levels_and_agrees_with_indicators(tiny):
    table = gp_shortage(tiny)
    assert set(table["level"]) == {"area", "network", "zone", "region"}
    assert {"unit_code", "level", "gp_under65_per_100k", "density_per_km2", "shortage",
            "reason", "population"} <= set(table.columns)  # fmt: skip
    ind = compute_indicators(tiny, ["gp_under65_per_100k", "density_per_km2"])
    for indicator in ("gp_under65_per_100k", "density_per_km2"):
        values = ind[ind["indicator_id"] == indicator].set_index(["level", "unit_code"])["value"]
        mine = table.set_index(["level", "unit_code"])[indicator]
        assert np.allclose(mine.loc[values.index], values, equal_nan=True)
    t = table.set_index("unit_code")
    # Z01: 4 GPs under 65 for 3,500 = 114.3 per 100,000, 500/km²: no shortage; A2: no GP
    assert not t.loc["Z01", "shortage"] and t.loc["A2", "shortage"]
    # Z02: 100 per 100,000 at 100/km² (sparse, under 120): shortage by the second rule
    assert t.loc["Z02", "shortage"] and "inhabitants/km²" in t.loc["Z02", "reason"]
    assert t.loc["R1", "zone_code"] is None and t.loc["A1", "zone_code"] == "Z01"


def test_population_in_shortage(tiny):
    table = gp_shortage(tiny)
    areas = population_in_shortage(table).set_index("zone_code")
    # Z01: A1 (600 per 100,000) fine; A2 (no GP, 1,000) and A3 (50 per 100,000, 2,000) short
    assert areas.loc["Z01", "population"] == 3_500
    assert areas.loc["Z01", "population_in_shortage"] == 3_000
    assert areas.loc["Z01", "units"] == 3 and areas.loc["Z01", "units_in_shortage"] == 2
    assert areas.loc["Z01", "share_in_shortage"] == pytest.approx(3 / 3.5)
    assert areas.loc["Z02", "population_in_shortage"] == 1_000
    nets = population_in_shortage(table, level="network").set_index("zone_code")
    # Z01-N1: 3 GPs under 65 for 1,500 (fine); Z01-N2: 1 for 2,000 (short); Z02 has no network
    assert nets.loc["Z01", "population_in_shortage"] == 2_000
    assert "Z02" not in nets.index
    zones = population_in_shortage(table, level="zone").set_index("zone_code")
    assert zones.loc["Z02", "share_in_shortage"] == 1.0 and zones.loc["Z01", "units"] == 1


def test_bad_input_raises(tiny, make_territory):
    table = gp_shortage(tiny)
    with pytest.raises(ParameterError, match="level must be one of"):
        population_in_shortage(table, level="region")
    with pytest.raises(ValidationError, match="shortage") as err:
        population_in_shortage(table.drop(columns=["shortage"]))
    assert isinstance(err.value, MesocareError)
    area = dict(code="C1", network=None, zone="Z1", region="R", width_km=1, height_km=1,
                population={("F", "40-44"): 10})  # fmt: skip
    no_gp = make_territory([area], [dict(discipline="pharmacist", area="C1")])
    with pytest.raises(ValidationError, match="no GP among the providers"):
        gp_shortage(no_gp)
