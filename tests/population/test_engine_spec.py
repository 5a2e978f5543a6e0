"""Spec tests of the query definition, run on every engine through the ``engine`` fixture."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest
from _helpers import ints, run_engine
from spec_data import EXPECTED, spec_tables

from mesocare.population import aggregate as A
from mesocare.population import engine as E
from mesocare.population import reference as R
from mesocare.population.rules import CareGap, HealthParams, StratumRule
from mesocare.population.tables import save_person_tables, table_paths

PARAMS = HealthParams(reference_date=date(2020, 12, 31))


@pytest.fixture(scope="module")
def spec_results(engine, codelists, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"spec_{engine[0]}") / "persons"
    return run_engine(engine, spec_tables(), folder, codelists, PARAMS)


def test_living_persons_only(spec_results):
    feats, _ = spec_results
    assert sorted(feats["person_id"]) == sorted(EXPECTED)


@pytest.mark.parametrize("pid", sorted(EXPECTED))
def test_person_features(spec_results, codelists, pid):
    feats, _ = spec_results
    row = feats.set_index("person_id").loc[pid]
    age, conds, n_drugs, n_hosp, n_ed, stratum, gaps = EXPECTED[pid]
    assert row["age"] == age
    got = {c for c in codelists.conditions() if row[f"has_{c}"] == 1}
    assert got == conds
    assert row["n_conditions"] == len(conds)
    assert (row["n_drugs"], row["n_hospital_stays"], row["n_emergency_visits"]) == (
        n_drugs,
        n_hosp,
        n_ed,
    )
    assert row["polypharmacy"] == int(n_drugs >= 5)
    assert row["stratum"] == stratum
    got_gaps = {g.id for g in PARAMS.care_gaps if row[f"gap_{g.id}"] == 1}
    assert got_gaps == gaps


def test_counts_per_area(spec_results):
    _, counts = spec_results
    by_area = counts.groupby("area_code")[
        ["persons", "has_diabetes", "chronic", "stratum_2", "eligible_flu_65plus", "gap_flu_65plus"]
    ].sum()
    assert by_area.loc["A1"].tolist() == [5, 3, 3, 1, 2, 1]  # chronic: p01, p02, p09
    assert by_area.loc["A2"].tolist() == [3, 0, 2, 1, 1, 0]  # chronic: p04, p08


def test_same_as_pandas_reference(spec_results, codelists):
    feats, counts = spec_results
    t = {n: getattr(spec_tables(), n) for n in spec_tables().row_counts()}
    ref = R.person_features(t, codelists, PARAMS).sort_values("person_id", ignore_index=True)
    cols = [c for c in ref.columns]
    pd.testing.assert_frame_equal(ints(feats[cols]), ints(ref[cols]), check_dtype=False)
    rc = R.stratified_counts(ref, codelists, PARAMS).sort_values(
        ["area_code", "sex", "age_band_idx"], ignore_index=True
    )
    pd.testing.assert_frame_equal(ints(counts[rc.columns]), ints(rc), check_dtype=False)


def test_configurable_rules(engine, codelists, tmp_path):
    params = HealthParams(
        reference_date=date(2020, 12, 31),
        strata=(StratumRule(3, min_emergency_visits=4), StratumRule(2, min_age=60)),
        care_gaps=(
            CareGap("bp_60plus", "60+ without BP", "blood_pressure", min_age=60, window_months=24),
        ),
        polypharmacy_min_drugs=4,
    )
    feats, _ = run_engine(engine, spec_tables(), tmp_path / "persons", codelists, params)
    f = feats.set_index("person_id")
    # p10's 4 emergency visits do not count: no chronic condition, outside the pyramid
    assert f.loc["p10", "stratum"] == 0
    assert f.loc["p02", "stratum"] == 2 and f.loc["p04", "stratum"] == 1
    assert f.loc["p01", "stratum"] == 2  # 1 under the default rules
    assert f.loc["p09", "polypharmacy"] == 1
    gaps = set(f.index[f["gap_bp_60plus"] == 1])
    assert gaps == {"p01", "p05", "p08"}  # p02 had a BP in 2020


AREAS = pd.DataFrame(
    {
        "area_code": ["A1", "A2", "A3"],  # A3: no persons, so no rows
        "network_code": ["N1", "N2", "N2"],
        "zone_code": ["Z1", "Z1", "Z1"],
        "region_code": ["R", "R", "R"],
    }
)


def test_unit_counts_every_level_same_as_reference(engine, codelists, tmp_path):
    _, con = engine
    save_person_tables(spec_tables(), tmp_path / "persons")
    t = E.read_tables(con, table_paths(tmp_path / "persons"))
    got = E.fetch(E.unit_counts(E.person_features(t, codelists, PARAMS), codelists, PARAMS))
    persons = got.groupby(["level", "unit_code"])["persons"].sum().to_dict()
    # p06 died, p07 is not born yet; p05 and p10 have no practice
    assert persons == {
        ("area", "A1"): 5,
        ("area", "A2"): 3,
        ("practice", "P1"): 3,
        ("practice", "P2"): 3,
    }
    tables = {n: getattr(spec_tables(), n) for n in spec_tables().row_counts()}
    ref = R.unit_counts(R.person_features(tables, codelists, PARAMS), codelists, PARAMS)
    key = ["level", "unit_code", "age_band_idx"]
    got = got.sort_values(key, ignore_index=True)
    ref = ref[got.columns].sort_values(key, ignore_index=True)
    pd.testing.assert_frame_equal(ints(got), ints(ref), check_dtype=False)
    # every level in the measures: the areas summed into networks, the zone and the region
    m = A.compute_measures(got, codelists, replace(PARAMS, min_count=1), areas=AREAS)
    m = m.set_index(["level", "unit_code", "measure"])
    dens = m.xs("diabetes", level="measure")["denominator"].astype(int).to_dict()
    assert dens == {
        ("area", "A1"): 5,
        ("area", "A2"): 3,
        ("network", "N1"): 5,
        ("network", "N2"): 3,
        ("zone", "Z1"): 8,
        ("region", "R"): 8,
        ("practice", "P1"): 3,
        ("practice", "P2"): 3,
    }
    z = m.loc[("zone", "Z1", "diabetes")]
    assert (z["numerator"], z["denominator"]) == (3, 8)
