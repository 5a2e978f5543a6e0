"""Every code of the packaged code lists maps, through the engine, to its condition (and to no
other), and the Synthea disorder codes the audit found missing are there."""

from __future__ import annotations

from datetime import date

import pandas as pd
from _helpers import run_engine

from mesocare.population.codelists import load_codelists
from mesocare.population.rules import HealthParams
from mesocare.territory.person_tables import PersonTables

PARAMS = HealthParams(reference_date=date(2020, 12, 31))


def test_each_listed_code_maps_to_its_condition(engine, tmp_path):
    cl = load_codelists()
    rows = cl.frame[cl.frame["kind"] == "condition"].reset_index(drop=True)
    # a prefix code is recorded as a longer code of its rubric or category
    codes = [
        c + ("9" if m == "prefix" else "") for c, m in zip(rows["code"], rows["match"], strict=True)
    ]
    pids = [f"q{i:04d}" for i in range(len(rows))]
    persons = pd.DataFrame(
        {
            "person_id": pids,
            "birth_date": pd.Timestamp("1950-01-01"),
            "sex": "F",
            "area_code": "A1",
            "practice_id": None,
            "bim": None,
            "gmd": None,
            "living_alone": None,
            "death_date": pd.NaT,
        }
    )
    diagnoses = pd.DataFrame(
        {
            "person_id": pids,
            "system": rows["system"],
            "code": codes,
            "start_date": pd.Timestamp("2015-01-01"),
            "end_date": pd.NaT,
        }
    )
    t = PersonTables.build(persons=persons, diagnoses=diagnoses)
    feats, _ = run_engine(engine, t, tmp_path / "persons", cl, PARAMS)
    f = feats.set_index("person_id")
    has = [f"has_{c}" for c in cl.conditions()]
    for pid, lid, code in zip(pids, rows["list_id"], codes, strict=True):
        got = {c.removeprefix("has_") for c in has if f.loc[pid, c] == 1}
        assert got == {lid}, f"{code} → {got}"


def test_synthea_disorder_codes_are_listed():
    cl = load_codelists()
    snomed = cl.frame[cl.frame["system"] == "SNOMED-CT"].set_index("code")["list_id"]
    for code, condition in {
        "230265002": "dementia",  # Familial Alzheimer's disease of early onset
        "80583007": "anxiety",  # Severe anxiety (panic)
        "424132000": "cancer",  # Non-small cell carcinoma of lung, TNM stage 1
        "423121009": "cancer",  # ... stage 4
        "67811000119102": "cancer",  # Primary small cell malignant neoplasm of lung, stage 1
        "94503003": "cancer",  # Metastatic malignant neoplasm to prostate
        "368581000119106": "diabetes",  # Neuropathy due to type 2 diabetes mellitus
    }.items():
        assert snomed[code] == condition
