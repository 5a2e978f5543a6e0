"""Aggregates: roll-up to every level, rates with intervals, suppression; tables and code lists."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mesocare.errors import ParameterError, ValidationError
from mesocare.population import aggregate as A
from mesocare.population import engine as E
from mesocare.population.codelists import load_codelists
from mesocare.population.rules import HealthParams, load_params
from mesocare.territory.person_tables import PersonTables

PARAMS = HealthParams(reference_date=date(2020, 12, 31), min_count=5)
AREAS = pd.DataFrame(
    {
        "area_code": ["A1", "A2", "A3"],
        "network_code": ["N1", "N1", "N2"],
        "zone_code": ["Z1", "Z1", "Z1"],
        "region_code": ["R", "R", "R"],
    }
)


def counts(codelists) -> pd.DataFrame:
    cols = [
        "persons",
        *__import__("mesocare.population.engine", fromlist=["x"]).count_columns(codelists, PARAMS),
    ]
    rows = []
    for area, persons, diab in (("A1", 100, 10), ("A2", 50, 3), ("A3", 4, 0)):
        r = dict.fromkeys(cols, 0)
        r.update(persons=persons, has_diabetes=diab, chronic=diab, stratum_1=diab)
        rows.append({"level": "area", "unit_code": area, "sex": "F", "age_band_idx": 10, **r})
    return pd.DataFrame(rows)


def test_roll_up_and_rates(codelists):
    m = A.compute_measures(counts(codelists), codelists, replace(PARAMS, min_count=0), areas=AREAS)
    m = m.set_index(["level", "unit_code", "measure"])
    zone = m.loc[("zone", "Z1", "diabetes")]
    assert (zone["numerator"], zone["denominator"]) == (13, 154)
    assert zone["rate"] == pytest.approx(13 / 154)
    assert zone["rate_lower"] < zone["rate"] < zone["rate_upper"]
    # one band populated (40-44, ESP weight 7,000 of 100,000): the other bands count as rate 0
    assert zone["dsr"] == pytest.approx(0.07 * 13 / 154)
    assert m.loc[("network", "N1", "diabetes"), "numerator"] == 13
    assert m.loc[("zone", "Z1", "stratum_1"), "rate"] == 1.0


def test_suppression(codelists):
    m = A.compute_measures(counts(codelists), codelists, PARAMS, areas=AREAS)
    m = m.set_index(["level", "unit_code", "measure"])
    a2 = m.loc[("area", "A2", "diabetes")]  # 3 cases: hidden
    assert a2["suppressed"] and pd.isna(a2["numerator"]) and np.isnan(a2["rate"])
    assert a2["note"] == "small_count"
    a3 = m.loc[("area", "A3", "diabetes")]  # 4 persons: hidden
    assert a3["suppressed"] and pd.isna(a3["denominator"])
    # N1 = A1 + A2 would give A2's 3 cases away: A1's 10 are hidden as well
    a1 = m.loc[("area", "A1", "diabetes")]
    assert a1["suppressed"] and a1["note"] == "secondary" and pd.isna(a1["numerator"])
    assert m.loc[("network", "N1", "diabetes"), "suppressed"]
    assert m.loc[("zone", "Z1", "diabetes"), "numerator"] == 13
    # zone persons − N1 persons would give N2's (= A3's) 4 persons away: N1's are hidden
    assert pd.isna(m.loc[("network", "N1", "diabetes"), "denominator"])
    a1 = m.loc[("area", "A1", "copd")]  # zero of 100 is shown
    assert not a1["suppressed"] and a1["numerator"] == 0


def test_codelists_have_sources_and_all_systems():
    cl = load_codelists()
    assert {
        "diabetes",
        "hypertension",
        "copd",
        "asthma",
        "heart_failure",
        "ihd",
        "stroke",
        "ckd",
        "dementia",
        "depression",
        "anxiety",
        "cancer",
    } <= set(cl.conditions())
    src = cl.sources()
    assert (src["source"].str.len() > 10).all()
    for c in cl.conditions():
        systems = set(src.loc[src["list_id"] == c, "system"])
        assert {"ICD-10", "SNOMED-CT"} <= systems


def test_bad_codelist_file(tmp_path):
    p = tmp_path / "cl.csv"
    p.write_text(
        "list_id,kind,label,system,code,match,description,source\n"
        "x,condition,X,ICD-10,E11,fuzzy,d,s\n"
    )
    with pytest.raises(ValidationError, match="cl.csv, column 'match', row 2: unknown value"):
        load_codelists(p)


def test_params_from_toml(tmp_path):
    p = tmp_path / "rules.toml"
    p.write_text(
        'reference_date = "2021-06-30"\nmin_count = 10\n'
        "[[strata]]\nstratum = 3\nmin_conditions = 3\n"
        '[[care_gaps]]\nid = "copd_flu"\nlabel = "COPD without flu"\n'
        'condition = "copd"\nneeds = "influenza_vaccine"\n'
    )
    params = load_params(p)
    assert params.min_count == 10 and params.care_gaps[0].id == "copd_flu"
    assert params.window_start() == date(2020, 6, 30)
    p.write_text('reference_date = "2021-06-30"\n[[strata]]\nstratum = 4\nmin_conditions = 3\n')
    with pytest.raises(ParameterError, match="stratum must be 2 or 3"):
        load_params(p)


def test_person_tables_validation():
    persons = pd.DataFrame(
        {
            "person_id": ["a", "b"],
            "birth_date": ["1950-01-01", "1960-13-01"],
            "sex": ["F", "M"],
            "area_code": ["A1", "A1"],
            "practice_id": None,
            "bim": None,
            "gmd": None,
            "living_alone": None,
            "death_date": None,
        }
    )
    with pytest.raises(ValidationError, match="column 'birth_date', row 2: not a date"):
        PersonTables.build(persons=persons)
    persons.loc[1, "birth_date"] = "1960-01-01"
    diag = pd.DataFrame(
        {
            "person_id": ["a", "zz"],
            "system": "ICD-10",
            "code": "E11",
            "start_date": "2010-01-01",
            "end_date": None,
        }
    )
    with pytest.raises(
        ValidationError,
        match=r"diagnoses.parquet, column 'person_id', row 2: "
        "person id not among persons",
    ) as err:
        PersonTables.build(persons=persons, diagnoses=diag)
    assert "zz" not in str(err.value)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["A1", "A2", "A3"]),
            st.integers(0, 19),
            st.integers(0, 40),
            st.integers(0, 40),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_measures_sum_repeated_rows_like_a_groupby(rows):
    """Rows of the same unit and band (one per sex, say) are summed: the same measures as from
    the counts summed beforehand by a plain pandas groupby, and numerators and denominators equal
    to the sums over the unit's rows."""
    cl = load_codelists()
    cols = [
        "persons",
        *__import__("mesocare.population.engine", fromlist=["x"]).count_columns(cl, PARAMS),
    ]
    recs = []
    for area, band, persons, diab in rows:
        r = dict.fromkeys(cols, 0)
        r.update(persons=persons + diab, has_diabetes=diab, chronic=diab, stratum_2=diab)
        recs.append({"level": "area", "unit_code": area, "age_band_idx": band, **r})
    split = pd.DataFrame(recs)
    summed = split.groupby(["level", "unit_code", "age_band_idx"], as_index=False)[cols].sum()
    a = A.compute_measures(split, cl, PARAMS)
    b = A.compute_measures(summed.sample(frac=1, random_state=1), cl, PARAMS)
    pd.testing.assert_frame_equal(a, b)
    raw = A.compute_measures(split, cl, replace(PARAMS, min_count=0))
    d = raw[raw["measure"] == "diabetes"].set_index("unit_code")
    by_unit = split.groupby("unit_code")[["has_diabetes", "persons"]].sum()
    assert d["numerator"].astype(int).to_dict() == by_unit["has_diabetes"].to_dict()
    assert d["denominator"].astype(int).to_dict() == by_unit["persons"].to_dict()


def test_pyramid_complement_is_suppressed(codelists):
    """Strata 60 / 37 / 3 of 100 chronically ill: the 3 is blanked, and the 37 too, or
    100 − 60 − 37 would give it away; a unit with no small stratum is shown whole."""
    cols = ["persons", *E.count_columns(codelists, PARAMS)]
    rows = []
    for area, strata in (("A1", (60, 37, 3)), ("A2", (50, 30, 20))):
        r = dict.fromkeys(cols, 0)
        r.update(
            persons=2 * sum(strata),
            chronic=sum(strata),
            stratum_1=strata[0],
            stratum_2=strata[1],
            stratum_3=strata[2],
        )
        rows.append({"level": "area", "unit_code": area, "age_band_idx": 8, **r})
    m = A.compute_measures(pd.DataFrame(rows), codelists, PARAMS)
    m = m[m["measure_kind"] == "stratum"].set_index(["unit_code", "measure"])
    assert m.loc["A1", "suppressed"].to_dict() == {
        "stratum_1": False,
        "stratum_2": True,
        "stratum_3": True,
    }
    assert m.loc[("A1", "stratum_1"), "numerator"] == 60
    assert pd.isna(m.loc[("A1", "stratum_2"), "numerator"])
    assert (m.loc[("A1", "stratum_2"), "denominator"]) == 100
    assert not m.loc["A2", "suppressed"].any()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12), st.integers(0, 12)), max_size=8))
def test_no_blanked_stratum_is_the_difference_of_shown_ones(units):
    """Whatever the counts: where a unit's persons are shown, none or at least two of its stratum
    counts are blanked, and every count under the threshold (but 0) is blanked."""
    cl = load_codelists()
    cols = ["persons", *E.count_columns(cl, PARAMS)]
    rows = []
    for i, strata in enumerate(units):
        r = dict.fromkeys(cols, 0)
        r.update(
            persons=sum(strata) + 20,
            chronic=sum(strata),
            stratum_1=strata[0],
            stratum_2=strata[1],
            stratum_3=strata[2],
        )
        rows.append({"level": "area", "unit_code": f"A{i}", "age_band_idx": 3, **r})
    if not rows:
        return
    m = A.compute_measures(pd.DataFrame(rows), cl, PARAMS)
    m = m[m["measure_kind"] == "stratum"]
    for _, g in m.groupby("unit_code"):
        if g["denominator"].notna().all():
            assert g["suppressed"].sum() != 1
        shown = g[~g["suppressed"]]
        assert not ((shown["numerator"] > 0) & (shown["numerator"] < PARAMS.min_count)).any()


def test_areas_roll_up_only_where_they_have_a_parent(codelists):
    """An area unknown to the area table, or without a network, counts for itself only there."""
    c = counts(codelists)
    c.loc[c["unit_code"] == "A3", "unit_code"] = "A9"  # not in AREAS
    areas = AREAS.assign(network_code=["N1", None, "N2"])  # A2 has no network
    m = A.compute_measures(c, codelists, PARAMS, areas=areas)
    dens = m[m["measure"] == "diabetes"].set_index(["level", "unit_code"])["denominator"]
    assert dens.dropna().astype(int).to_dict() == {
        ("area", "A1"): 100,
        ("area", "A2"): 50,
        ("network", "N1"): 100,
        ("zone", "Z1"): 150,
        ("region", "R"): 150,
    }
    assert ("area", "A9") in dens.index  # its 4 persons: shown as a unit, numbers suppressed


def test_no_standardised_rate_under_ten_events(codelists):
    """As PHE publishes: 10 cases get an age-standardised rate, 3 (shown, as nothing is
    suppressed here) get their crude rate but no standardised one, and say why."""
    m = A.compute_measures(counts(codelists), codelists, replace(PARAMS, min_count=0), areas=AREAS)
    m = m.set_index(["level", "unit_code", "measure"])
    a1, a2 = m.loc[("area", "A1", "diabetes")], m.loc[("area", "A2", "diabetes")]
    assert a1["numerator"] == 10 and a1["dsr"] > 0 and a1["note"] == ""
    assert a2["numerator"] == 3 and a2["rate"] == pytest.approx(3 / 50)
    assert np.isnan(a2["dsr"]) and np.isnan(a2["dsr_lower"]) and a2["note"] == "dsr_few_events"
    assert not a2["suppressed"]
