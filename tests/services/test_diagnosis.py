"""The typed zone diagnosis: findings of a hand-built territory equal hand-computed values."""

from __future__ import annotations

import json
import math

import jsonschema
import pandas as pd
import pytest
from tests.indicators.conftest import TINY_AREAS, TINY_ATTRIBUTES, TINY_PROVIDERS, build_territory

from mesocare.errors import MesocareError
from mesocare.indicators import compute_indicators
from mesocare.services.diagnosis import (
    TerritoryResults,
    diagnose,
    diagnose_zones,
    json_schema,
    resolve_zone,
)

Z = 1.959963984540054


def wilson(k: float, n: float) -> tuple[float, float]:
    p = k / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return centre - half, centre + half


@pytest.fixture(scope="module")
def tiny():
    return build_territory(TINY_AREAS, TINY_PROVIDERS, TINY_ATTRIBUTES)


@pytest.fixture(scope="module")
def z01(tiny):
    return diagnose(tiny, "Z01")


def test_share_65plus_value_interval_comparator_rank(z01):
    # Z01: 3,500 inhabitants, 700 aged 65+ (A1 100, A2 100, A3 500); region R1: 700 of 4,500
    f = z01.finding("share_65plus")
    assert f.value == pytest.approx(20.0)
    lo, hi = wilson(700, 3500)
    assert (f.lower, f.upper) == (pytest.approx(100 * lo), pytest.approx(100 * hi))
    assert f.region_value == pytest.approx(700 / 4500 * 100)
    assert f.significance == "higher"  # polarity none: the region lies below the interval
    assert (f.rank, f.rank_of) == (1, 2)  # Z02 has nobody aged 65+
    assert f.zones.min == pytest.approx(0.0) and f.zones.max == pytest.approx(20.0)
    assert f.zones.median == pytest.approx(10.0)
    assert f.interval_method == "wilson" and f.unit == "%" and f.reference_year == 2020


def test_polarity_decides_the_rank(z01):
    # GPs per 1,000: Z01 5 / 3,500, Z02 1 / 1,000 -> Z01 first (higher is better)
    g = z01.finding("gp_per_1000")
    assert g.value == pytest.approx(5 / 3.5)
    assert (g.rank, g.rank_of) == (1, 2)
    assert g.significance == "similar"  # 5 GPs: a wide exact interval holds the region's 1.33
    # GPs aged 60+: Z01 2 of 4 of known age, Z02 0 of 1 -> Z01 second (lower is better)
    old = z01.finding("gp_60plus_share")
    assert old.value == pytest.approx(50.0) and old.polarity == "lower_is_better"
    assert (old.rank, old.rank_of) == (2, 2)


def test_shortage_rule_and_reason_per_network(z01):
    rows = {r.unit.code: r for r in z01.themes.shortage.rows}
    assert rows["Z01-N1"].gp_under65 == 3 and not rows["Z01-N1"].rule_shortage
    n2 = rows["Z01-N2"]  # A3: one GP under 65 (the other is 66) for 2,000 inhabitants
    assert n2.gp_under65 == 1 and n2.gp_under65_per_100k == pytest.approx(50.0)
    assert n2.rule_shortage and n2.rule_reason == "below_threshold"
    assert list(rows) == ["Z01-N1", "Z01-N2", "Z01"]
    assert z01.themes.shortage.verdict in ("partial", "shortage")


def test_units_and_neighbours(z01, tiny):
    assert [n.code for n in z01.networks] == ["Z01-N1", "Z01-N2"]
    assert z01.zones_in_region == 2 and z01.region.code == "R1"
    areas = z01.themes.indicators.areas
    assert areas.codes == ["A1", "A2", "A3"]
    assert areas.values["population"] == [500.0, 1000.0, 2000.0]
    assert z01.themes.population.pyramid[0].age_band == "0-4"


def test_json_validates_against_its_schema(z01):
    doc = json.loads(z01.model_dump_json())
    jsonschema.validate(doc, json_schema())
    assert doc["schema_version"] == json_schema()["$id"].rsplit("/", 1)[-1].removesuffix(".json")
    broken = {**doc, "zone": {"code": "Z01"}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, json_schema())


def test_the_diagnosis_is_frozen(z01):
    with pytest.raises(Exception):  # noqa: B017  (pydantic raises its own ValidationError)
        z01.zone = z01.region  # type: ignore[misc]


def test_all_zones_in_one_pass_equal_each_alone(leuven):
    together = diagnose_zones(leuven, shared=TerritoryResults(leuven))
    assert sorted(together) == leuven.zone_codes()
    for z, d in together.items():
        assert d == diagnose(leuven, z), z


def test_zone_split_equals_a_plain_filter(leuven):
    shared = TerritoryResults(leuven)
    full = compute_indicators(leuven)
    a = leuven.areas
    for zone in leuven.zone_codes():
        got = shared.indicators_by_zone[zone]
        mine = (
            set(a.loc[a["zone_code"] == zone, "area_code"])
            | set(a.loc[a["zone_code"] == zone, "network_code"].dropna())
            | {zone}
        )
        expected = full[full["unit_code"].isin(mine) | (full["level"] == "region")]
        pd.testing.assert_frame_equal(got.sort_index(), expected.sort_index())


@pytest.mark.parametrize("text", ["Z01", "z01", " z01 ", "Leuven-like zone (synthetic)", "leuven"])
def test_zone_by_code_or_name_in_any_case(leuven, text):
    assert resolve_zone(leuven, text) == "Z01"


def test_unknown_zone_lists_the_closest_with_names(leuven):
    with pytest.raises(MesocareError) as e:
        resolve_zone(leuven, "Z1")
    assert "unknown zone 'Z1'" in str(e.value) and "Z01 (Leuven-like zone (synthetic))" in str(
        e.value
    )
    with pytest.raises(MesocareError, match="Z99"):
        diagnose(leuven, "Z99")


def test_zones_shared_among_two_processes_equal_one_process(leuven):
    one = diagnose_zones(leuven, workers=1)
    two = diagnose_zones(leuven, workers=2)
    assert list(two) == list(one) == leuven.zone_codes()
    assert two == one


def test_apl_rank_and_spread_equal_a_plain_count(leuven):
    from mesocare.services.accessibility import AccessRequest, Method, compute_accessibility

    u = compute_accessibility(leuven, AccessRequest(method=Method.APL)).units
    zones = u[u["level"] == "zone"].set_index("unit_code")["accessibility"]
    for zone in leuven.zone_codes():
        f = diagnose(leuven, zone).themes.accessibility.findings[0]
        assert f.value == pytest.approx(zones[zone])
        assert f.rank == 1 + int((zones > zones[zone]).sum())  # higher APL is better
        assert f.rank_of == len(zones)
        assert (f.zones.min, f.zones.max) == (
            pytest.approx(zones.min()),
            pytest.approx(zones.max()),
        )
