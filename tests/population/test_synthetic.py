"""The synthetic person-level generator: consistent with the territory, deterministic, plausible,
and the engines agree with the pandas reference on its output."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from _helpers import ints, run_engine

from mesocare.population import reference as R
from mesocare.population.rules import HealthParams
from mesocare.population.synthetic import iter_chunks, synthetic_tables
from mesocare.territory import AGE_BANDS
from mesocare.territory.synthetic import SyntheticSpec, generate

PARAMS = HealthParams(reference_date=date(2020, 12, 31))


@pytest.fixture(scope="module")
def small():
    return generate(SyntheticSpec(population=4000, areas_per_zone=12, networks_per_zone=2))


@pytest.fixture(scope="module")
def small_tables(small, tmp_path_factory):
    return synthetic_tables(small, tmp_path_factory.mktemp("syn") / "persons", chunk_size=1500)


def test_persons_match_the_population(small, small_tables):
    p = small_tables.persons
    ref = pd.Timestamp("2020-12-31")
    age = (
        ref.year
        - p["birth_date"].dt.year
        - ((p["birth_date"].dt.month * 100 + p["birth_date"].dt.day) > 1231)
    )
    band = pd.Series(AGE_BANDS).iloc[(age // 5).clip(upper=19)].to_numpy()
    got = p.assign(age_band=band).groupby(["area_code", "sex", "age_band"]).size()
    want = small.population.set_index(["area_code", "sex", "age_band"])["count"]
    assert got.reindex(want.index, fill_value=0).tolist() == want.tolist()
    assert p["death_date"].isna().all()


def test_deterministic_for_a_seed(small):
    a = next(iter_chunks(small, reference_date=date(2020, 12, 31), seed=5, chunk_size=1000))
    b = next(iter_chunks(small, reference_date=date(2020, 12, 31), seed=5, chunk_size=1000))
    c = next(iter_chunks(small, reference_date=date(2020, 12, 31), seed=6, chunk_size=1000))
    assert all(a[k].equals(b[k]) for k in a)
    assert not a["diagnoses"].equals(c["diagnoses"])


def test_plausible_prevalences_and_pyramid(leuven, tmp_path, codelists):
    t = synthetic_tables(leuven, tmp_path / "persons")
    f = R.person_features({n: getattr(t, n) for n in t.row_counts()}, codelists, PARAMS)
    assert 0.04 < f["has_diabetes"].mean() < 0.08  # ~6% (see data/synthetic.toml)
    assert 0.10 < f["has_hypertension"].mean() < 0.20
    # Kaiser's shares are of the chronically ill (DOMAIN.md): 65-80 / 20-30 / 1-5 %
    chronic = f[f["n_conditions"] >= 1]
    assert (f.loc[f["n_conditions"] == 0, "stratum"] == 0).all()
    share = chronic["stratum"].value_counts(normalize=True)
    assert 0.60 < share[1] < 0.80 and 0.15 < share[2] < 0.35 and 0.01 < share[3] < 0.06
    old = f[f["age"] >= 75]
    assert old["n_conditions"].mean() > 3 * f[f["age"] < 45]["n_conditions"].mean()
    # conditions cluster: more multimorbidity than if they were independent
    p = f[[f"has_{c}" for c in codelists.conditions()]].mean()
    assert (f["n_conditions"] >= 2).mean() > 1 - (1 - p).prod() - (
        p * (1 - p).prod() / (1 - p)
    ).sum()


def test_engines_agree_with_reference(engine, small_tables, codelists, tmp_path):
    feats, counts = run_engine(engine, small_tables, tmp_path / "persons", codelists, PARAMS)
    t = {n: getattr(small_tables, n) for n in small_tables.row_counts()}
    ref = R.person_features(t, codelists, PARAMS)
    ref = ref.sort_values("person_id", ignore_index=True)
    pd.testing.assert_frame_equal(ints(feats[ref.columns]), ints(ref), check_dtype=False)
    rc = R.stratified_counts(ref, codelists, PARAMS).sort_values(
        ["area_code", "sex", "age_band_idx"], ignore_index=True
    )
    pd.testing.assert_frame_equal(ints(counts[rc.columns]), ints(rc), check_dtype=False)
