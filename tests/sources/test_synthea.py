"""The Synthea CSV importer on an export the test writes in the published data-dictionary format."""

from __future__ import annotations

from datetime import date

import pytest

from mesocare.errors import ValidationError
from mesocare.sources.synthea import read_synthea

PATIENTS = (
    "Id,BIRTHDATE,DEATHDATE,SSN,DRIVERS,PASSPORT,PREFIX,FIRST,LAST,SUFFIX,MAIDEN,MARITAL,RACE,"
    "ETHNICITY,GENDER,BIRTHPLACE,ADDRESS,CITY,STATE,COUNTY,ZIP,LAT,LON,HEALTHCARE_EXPENSES,"
    "HEALTHCARE_COVERAGE\n"
    "a1,1950-03-04,,999-1,S1,X1,Mrs.,Ann,Doe,,,M,white,nonhispanic,F,Town,1 St,Leuven,VB,"
    "County A,3000,50.8,4.7,1000.0,200.0\n"
    "b2,1980-07-01,,999-2,S2,X2,Mr.,Bob,Roe,,,S,white,nonhispanic,M,Town,2 St,Leuven,VB,"
    "County B,3001,50.8,4.7,1000.0,200.0\n"
    "c3,1930-01-01,2020-03-01,999-3,,,Mr.,Cy,Poe,,,M,white,nonhispanic,M,Town,3 St,Leuven,VB,"
    "County B,3001,50.8,4.7,1000.0,200.0\n"
)
CONDITIONS = (
    "START,STOP,PATIENT,ENCOUNTER,CODE,DESCRIPTION\n"
    "2010-01-01,,a1,e1,44054006,Diabetes mellitus type 2 (disorder)\n"
    "2012-05-05,,a1,e1,59621000,Essential hypertension (disorder)\n"
    "2015-01-01,2016-01-01,b2,e2,195967001,Asthma (disorder)\n"
)
ENCOUNTERS = (
    "Id,START,STOP,PATIENT,ORGANIZATION,PROVIDER,PAYER,ENCOUNTERCLASS,CODE,DESCRIPTION,"
    "BASE_ENCOUNTER_COST,TOTAL_CLAIM_COST,PAYER_COVERAGE,REASONCODE,REASONDESCRIPTION\n"
    "e1,2020-02-01T08:00:00Z,2020-02-01T08:30:00Z,a1,o1,p1,y1,wellness,162673000,Checkup,"
    "100,100,0,,\n"
    "e2,2020-05-01T10:00:00Z,2020-05-04T09:00:00Z,b2,o1,p1,y1,inpatient,32485007,Admission,"
    "100,100,0,,\n"
    "e3,2020-06-01T10:00:00Z,2020-06-01T14:00:00Z,b2,o1,p1,y1,emergency,50849002,ED visit,"
    "100,100,0,,\n"
)
MEDICATIONS = (
    "START,STOP,PATIENT,PAYER,ENCOUNTER,CODE,DESCRIPTION,BASE_COST,PAYER_COVERAGE,DISPENSES,"
    "TOTALCOST,REASONCODE,REASONDESCRIPTION\n"
    "2020-02-01T08:00:00Z,,a1,y1,e1,860975,metformin 500 MG,1,0,12,12,44054006,Diabetes\n"
)
OBSERVATIONS = (
    "DATE,PATIENT,ENCOUNTER,CATEGORY,CODE,DESCRIPTION,VALUE,UNITS,TYPE\n"
    "2020-02-01T08:00:00Z,a1,e1,laboratory,4548-4,Hemoglobin A1c,6.9,%,numeric\n"
    "2020-02-01T08:00:00Z,a1,e1,survey,72166-2,Tobacco smoking status,Never smoked,,text\n"
)
IMMUNIZATIONS = (
    "DATE,PATIENT,ENCOUNTER,CODE,DESCRIPTION,BASE_COST\n"
    "2020-10-01T08:00:00Z,a1,e1,140,Influenza seasonal injectable preservative free,140.52\n"
)


def write_export(folder, **overrides):
    folder.mkdir(parents=True, exist_ok=True)
    files = dict(
        patients=PATIENTS,
        conditions=CONDITIONS,
        encounters=ENCOUNTERS,
        medications=MEDICATIONS,
        observations=OBSERVATIONS,
        immunizations=IMMUNIZATIONS,
    )
    files.update(overrides)
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text)
    return folder


REF = date(2020, 12, 31)


def test_reads_every_file(tmp_path, leuven):
    t = read_synthea(write_export(tmp_path / "csv"), leuven, reference_date=REF, seed=1)
    assert t.row_counts() == {
        "persons": 3,
        "diagnoses": 3,
        "prescriptions": 1,
        "contacts": 3,
        "measurements": 2,
        "vaccinations": 1,
    }
    p = t.persons.set_index("person_id")
    assert p.loc["a1", "sex"] == "F" and str(p.loc["a1", "birth_date"].date()) == "1950-03-04"
    assert str(p.loc["c3", "death_date"].date()) == "2020-03-01"
    assert set(p["area_code"]) <= set(leuven.areas["area_code"])
    c = t.contacts.set_index("kind")
    assert c.loc["hospital_stay", "length_of_stay_days"] == 3
    assert c.loc["gp_consultation", "date"].strftime("%Y-%m-%d") == "2020-02-01"
    m = t.measurements
    assert m.loc[m["code"] == "4548-4", "value"].iloc[0] == 6.9
    assert m.loc[m["code"] == "72166-2", "value"].isna().all()


def test_placement_is_seeded_and_mapping_wins(tmp_path, leuven):
    folder = write_export(tmp_path / "csv")
    a = read_synthea(folder, leuven, reference_date=REF, seed=7).persons["area_code"]
    b = read_synthea(folder, leuven, reference_date=REF, seed=7).persons["area_code"]
    assert a.tolist() == b.tolist()
    codes = leuven.areas["area_code"].tolist()
    mapping = {"3000": codes[0], "3001": codes[1]}
    m = read_synthea(folder, leuven, reference_date=REF, mapping=mapping, map_by="zip")
    assert m.persons["area_code"].tolist() == [codes[0], codes[1], codes[1]]


@pytest.mark.parametrize(
    "file,text,needle",
    [
        (
            "patients",
            PATIENTS.replace("1980-07-01", "1980-13-45"),
            "patients.csv, column 'BIRTHDATE': line 3: not a date",
        ),
        (
            "patients",
            PATIENTS.replace(",M,Town,2 St", ",X,Town,2 St"),
            "patients.csv, column 'GENDER': line 3: unknown gender",
        ),
        (
            "conditions",
            CONDITIONS + "2011-01-01,,zz,e1,38341003,Hypertension\n",
            "conditions.csv, column 'PATIENT': line 5: unknown patient",
        ),
        (
            "encounters",
            ENCOUNTERS.replace("emergency,50849002", "spaceship,50849002"),
            "encounters.csv, column 'ENCOUNTERCLASS': line 4: unknown encounter class",
        ),
        (
            "observations",
            OBSERVATIONS.replace("6.9,%", "high,%"),
            "observations.csv, column 'VALUE': line 2: not a number",
        ),
        (
            "medications",
            MEDICATIONS + "2020-01-01,,a1,y1,e1,1,x,1,0,1,1,,,extra,extra\n",
            "medications.csv: malformed CSV",
        ),
        ("immunizations", "DATE,PATIENT,CODE\n", None),
        ("conditions", "START,PATIENT\n2010-01-01,a1\n", "missing column(s) CODE"),
    ],
)
def test_bad_rows_name_file_and_line(tmp_path, leuven, file, text, needle):
    folder = write_export(tmp_path / "csv", **{file: text})
    if needle is None:  # an empty file with a header is fine
        assert read_synthea(folder, leuven, reference_date=REF).row_counts()["vaccinations"] == 0
        return
    with pytest.raises(ValidationError) as err:
        read_synthea(folder, leuven, reference_date=REF)
    assert needle in str(err.value)
    assert "1980-07" not in str(err.value) and "Bob" not in str(err.value)
