"""Areas that belong to no zone (a commune in no CPTS, a Walloon municipality outside the zones a
user gave): stored as a missing ``zone_code``, left out of the zone results."""

from __future__ import annotations

import pytest

from mesocare.errors import ValidationError
from mesocare.territory import Territory, load_territory, save_territory


def _unzone(territory: Territory, codes: list[str]) -> Territory:
    areas = territory.areas.copy()
    areas["zone_code"] = areas["zone_code"].astype(object).where(~areas["area_code"].isin(codes))
    areas["network_code"] = (
        areas["network_code"].astype(object).where(~areas["area_code"].isin(codes))
    )
    t = territory
    return Territory.build(
        t.manifest, areas, t.units, t.population, t.area_attributes, t.providers, t.tables
    )


@pytest.fixture(scope="module")
def partly(leuven):
    """The synthetic territory with the first two areas of its last zone outside every zone."""
    last = leuven.zone_codes()[-1]
    codes = leuven.areas.loc[leuven.areas["zone_code"] == last, "area_code"].tolist()[:2]
    return _unzone(leuven, codes), codes


def test_an_area_in_no_zone_round_trips(partly, tmp_path):
    t, codes = partly
    back = load_territory(save_territory(t, tmp_path / "t"))
    missing = back.areas.loc[back.areas["zone_code"].isna(), "area_code"].tolist()
    assert sorted(missing) == sorted(codes)


def test_zoned_leaves_out_the_areas_in_no_zone_and_their_rows(partly, leuven):
    t, codes = partly
    z = t.zoned()
    assert len(z.areas) == len(t.areas) - 2 and not set(codes) & set(z.areas["area_code"])
    assert not set(codes) & set(z.population["area_code"])
    assert not set(codes) & set(z.providers["area_code"])
    assert int(z.population["count"].sum()) < int(t.population["count"].sum())
    assert leuven.zoned() is leuven  # every area in a zone: the territory itself


def test_zone_diagnosis_ignores_the_areas_in_no_zone(partly):
    from mesocare.services.diagnosis import diagnose

    t, codes = partly
    last = t.zone_codes()[-1]
    d = diagnose(t, last)
    zone_areas = t.areas[(t.areas["zone_code"] == last).fillna(False).to_numpy(dtype=bool)]
    assert d.areas == len(zone_areas)


def test_an_unknown_administrative_unit_is_refused(leuven):
    areas = leuven.areas.assign(department_code="D99")
    t = leuven
    with pytest.raises(ValidationError, match="department units") as err:
        Territory.build(t.manifest, areas, t.units, t.population, t.area_attributes, t.providers)
    assert err.value.column == "department_code" and err.value.found == "D99"
