"""The synthetic generator: totals, structure, determinism and the synthetic label."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mesocare.errors import MesocareError
from mesocare.territory.schema import AGE_BANDS
from mesocare.territory.synthetic import SyntheticSpec, generate


def test_default_zone_is_leuven_like(leuven):
    t = leuven
    z1 = t.areas[t.areas["zone_code"] == "Z01"]
    pop = t.population_by_area().set_index("area_code")["population"]
    assert int(pop[z1["area_code"]].sum()) == 102_275
    assert 100 <= len(z1) <= 150
    assert z1["network_code"].nunique() == 9
    assert t.manifest.synthetic and "synthetic" in t.manifest.name.lower()
    assert all("synthetic" in n for n in t.units["name"])


def test_every_area_in_one_network_one_zone_one_region(leuven):
    a = leuven.areas
    assert a["area_code"].is_unique
    assert a[["network_code", "zone_code", "region_code"]].notna().all().all()
    # a network belongs to exactly one zone, and its code says which
    per_net = a.groupby("network_code")["zone_code"].nunique()
    assert (per_net == 1).all()
    units = leuven.units.set_index("unit_code")
    for net, zone in a.groupby("network_code")["zone_code"].first().items():
        assert units.loc[net, "parent_code"] == zone


def test_areas_tile_the_territory_without_overlap(leuven):
    geoms = leuven.areas.geometry
    total = float(geoms.area.sum())
    union = shapely.union_all(geoms.to_numpy())
    assert union.area == pytest.approx(total, rel=1e-6)  # no overlaps
    assert leuven.areas["area_km2"].to_numpy() == pytest.approx(geoms.area.to_numpy() / 1e6)


def test_age_structure_is_belgian(leuven):
    p = leuven.population.groupby("age_band", observed=True)["count"].sum().reindex(AGE_BANDS)
    share = p / p.sum()
    assert (
        0.17 < share[[b for b in AGE_BANDS if int(b.rstrip("+").split("-")[0]) >= 65]].sum() < 0.24
    )
    assert 0.045 < share["0-4"] < 0.07
    men = leuven.population.query("sex == 'M'")["count"].sum() / p.sum()
    assert 0.47 < men < 0.51


def test_synthetic_age_structure_close_to_real_belgium(leuven, shared_data):
    """Compare with Statbel's real 2013 Belgian structure when ../shared/data is present."""
    import json

    raw = json.loads(
        (shared_data / "be_population_age_sex" / "population_age_gender.json").read_text(
            encoding="utf-8-sig"
        )
    )
    facts = pd.DataFrame(raw["facts"])
    be = facts[(facts["g"].astype(str) == "01000") & (facts["y"] == 2013)]
    be = be.assign(band=np.minimum(be["C"].astype(int) // 5, 19)).groupby("band")["M"].sum()
    real = (be / be.sum()).to_numpy()
    syn = leuven.population.groupby("age_band", observed=True)["count"].sum().reindex(AGE_BANDS)
    syn = (syn / syn.sum()).to_numpy()
    # within 1.6 percentage points in every band (the synthetic is 2020 and has students)
    assert np.abs(real - syn).max() < 0.016


def test_gp_supply_is_realistic(leuven):
    gp = leuven.providers[leuven.providers["discipline"] == "gp"]
    total = int(leuven.population["count"].sum())
    assert 0.8 < len(gp) / total * 1000 < 1.2
    assert 0.15 < (gp["age"] >= 60).mean() < 0.40
    sizes = gp.groupby("practice_id").size()
    assert sizes.min() == 1 and sizes.max() >= 4  # solo to group practices
    disc = set(leuven.providers["discipline"])
    assert {"pharmacist", "home_nurse", "physiotherapist", "social_service", "hospital"} <= disc


def test_socio_economic_gradient(leuven):
    a = leuven.area_attributes
    assert np.corrcoef(a["deprivation_score"], a["mean_taxable_income_eur"])[0, 1] < -0.8
    assert np.corrcoef(a["deprivation_score"], a["bim_share"])[0, 1] > 0.7


def test_same_seed_same_territory_other_seed_differs():
    a, b, c = generate("leuven"), generate("leuven"), generate("leuven", seed=7)
    pd.testing.assert_frame_equal(a.population, b.population)
    pd.testing.assert_frame_equal(a.providers, b.providers)
    assert a.areas.geometry.geom_equals_exact(b.areas.geometry, 0).all()
    assert not a.population["count"].equals(c.population["count"])


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    n_zones=st.integers(1, 3),
    areas=st.integers(3, 25),
    nets=st.integers(1, 3),
    pop=st.integers(2_000, 50_000),
)
def test_generator_invariants(seed, n_zones, areas, nets, pop):
    spec = SyntheticSpec(
        population=pop,
        n_zones=n_zones,
        areas_per_zone=areas,
        networks_per_zone=nets,
        seed=seed,
        width_km=8,
        height_km=6,
    )
    t = generate(spec)
    assert int(t.population["count"].sum()) == pop
    assert len(t.areas) == n_zones * areas
    assert (t.population_by_area()["population"] >= 1).all()
    assert t.areas["zone_code"].nunique() == n_zones
    assert (t.areas.groupby("zone_code")["network_code"].nunique() == min(nets, areas)).all()


def test_bad_spec_is_refused():
    with pytest.raises(MesocareError, match="preset"):
        generate("atlantis")
    with pytest.raises(MesocareError):
        SyntheticSpec(n_zones=2, zone_population=(1000,))
