"""Hand-built person tables with known conditions, strata and care gaps (reference 2020-12-31)."""

from __future__ import annotations

import pandas as pd

from mesocare.territory.person_tables import PersonTables

NaT = None

PERSONS = pd.DataFrame(
    [
        # id, birth, sex, area, practice, bim, gmd, alone, death
        ("p01", "1950-06-01", "F", "A1", "P1", False, True, True, NaT),
        ("p02", "1940-01-01", "M", "A1", "P1", True, True, False, NaT),
        ("p03", "1990-12-31", "F", "A1", "P2", False, True, None, NaT),
        ("p04", "1985-03-01", "M", "A2", "P2", False, False, None, NaT),
        ("p05", "1955-07-15", "F", "A2", None, True, False, True, NaT),
        ("p06", "1930-01-01", "M", "A2", "P1", False, True, True, "2020-06-01"),
        ("p07", "2021-01-05", "F", "A2", None, False, False, None, NaT),
        ("p08", "1960-02-29", "M", "A2", "P2", False, True, None, NaT),
        ("p09", "1975-12-31", "F", "A1", "P1", False, True, None, NaT),
        ("p10", "2000-01-01", "M", "A1", None, True, False, None, NaT),
    ],
    columns=[
        "person_id",
        "birth_date",
        "sex",
        "area_code",
        "practice_id",
        "bim",
        "gmd",
        "living_alone",
        "death_date",
    ],
)

DIAGNOSES = pd.DataFrame(
    [
        ("p01", "ICPC-2", "T90", "2010-01-01", NaT),
        ("p01", "ICPC-2", "K86", "2012-01-01", NaT),
        ("p02", "ICD-10", "I50.0", "2015-01-01", NaT),
        ("p02", "ICD-10", "J44.1", "2016-01-01", NaT),
        ("p02", "ICD-10", "E11.9", "2014-01-01", NaT),
        ("p02", "ICD-10", "N183", "2018-01-01", NaT),
        ("p02", "ICD-10", "E11.6", "2019-01-01", NaT),  # second diabetes code: still one condition
        ("p04", "SNOMED-CT", "195967001", "2000-01-01", NaT),
        ("p05", "ICPC-2", "K86", "2010-01-01", "2019-06-30"),  # ended before the reference date
        ("p05", "ICD-10", "C50.9", "2021-02-01", NaT),  # starts after the reference date
        ("p06", "ICPC-2", "K77", "2010-01-01", NaT),  # dead person
        ("p08", "ICD-10", "I25.1", "2017-01-01", NaT),
        ("p08", "ICD-10", "F32", "2019-01-01", NaT),
        ("p08", "SNOMED-CT", "4405400", "2019-01-01", NaT),  # a prefix of a SNOMED code: no match
        ("p08", "ICPC-2", "T9", "2019-01-01", NaT),  # shorter than the rubric: no match
        ("p09", "SNOMED-CT", "44054006", "2019-01-01", NaT),
    ],
    columns=["person_id", "system", "code", "start_date", "end_date"],
)

PRESCRIPTIONS = pd.DataFrame(
    [("p03", "ATC", code, "2020-03-01") for code in ("A01", "B01", "C01", "D01", "N02BE01")]
    + [("p03", "ATC", "A01", "2020-06-01")]  # a repeat: still 5 distinct
    + [("p09", "ATC", code, "2020-03-01") for code in ("A01", "B01", "C01", "D01")]
    + [("p09", "ATC", "N05", "2019-12-31")],  # on the window start: outside (start excluded)
    columns=["person_id", "system", "code", "date"],
)

CONTACTS = pd.DataFrame(
    [
        ("p04", "hospital_stay", "2020-03-01", 3),
        ("p04", "emergency", "2020-02-01", None),
        ("p04", "emergency", "2020-09-01", None),
        ("p08", "hospital_stay", "2020-12-31", 1),  # on the reference date: inside
        ("p10", "emergency", "2020-01-10", None),
        ("p10", "emergency", "2020-02-10", None),
        ("p10", "emergency", "2020-03-10", None),
        ("p10", "emergency", "2020-04-10", None),
        ("p02", "hospital_stay", "2019-06-01", 5),  # outside the window
        ("p01", "gp_consultation", "2020-05-01", None),
    ],
    columns=["person_id", "kind", "date", "length_of_stay_days"],
)

MEASUREMENTS = pd.DataFrame(
    [
        ("p01", "LOINC", "4548-4", 6.8, "%", "2020-05-01"),
        ("p02", "LOINC", "4548-4", 7.5, "%", "2019-11-30"),  # too old
        ("p02", "LOINC", "8480-6", 140.0, "mm[Hg]", "2020-05-01"),
        ("p09", "local", "hba1c", 7.1, "%", "2021-01-01"),  # after the reference date
        ("p09", "local", "hba1c", 7.0, "%", "2020-01-01"),
    ],
    columns=["person_id", "system", "code", "value", "unit", "date"],
)

VACCINATIONS = pd.DataFrame(
    [
        ("p01", "CVX", "140", "2020-10-15"),
        ("p05", "ATC", "J07BB02", "2020-11-01"),
        ("p02", "CVX", "08", "2020-10-01"),  # hepatitis B, not influenza
    ],
    columns=["person_id", "system", "code", "date"],
)


def spec_tables() -> PersonTables:
    return PersonTables.build(
        persons=PERSONS,
        diagnoses=DIAGNOSES,
        prescriptions=PRESCRIPTIONS,
        contacts=CONTACTS,
        measurements=MEASUREMENTS,
        vaccinations=VACCINATIONS,
    )


#: person → (age, conditions, n_drugs, hospital stays, emergency visits, stratum, gaps); the
#: pyramid stratifies the chronically ill only (stratum 0: no chronic condition)
EXPECTED = {
    "p01": (70, {"diabetes", "hypertension"}, 0, 0, 0, 1, {"hypertension_bp"}),
    "p02": (
        80,
        {"heart_failure", "copd", "diabetes", "ckd"},
        0,
        0,
        0,
        2,  # 4 conditions but no hospital stay
        {"diabetes_hba1c", "flu_65plus"},
    ),
    "p03": (30, set(), 5, 0, 0, 0, set()),
    "p04": (35, {"asthma"}, 0, 1, 2, 1, set()),
    "p05": (65, set(), 0, 0, 0, 0, set()),
    "p08": (60, {"ihd", "depression"}, 0, 1, 0, 2, set()),
    "p09": (45, {"diabetes"}, 4, 0, 0, 1, set()),  # one condition, 4 drugs: self-care
    "p10": (20, set(), 0, 0, 4, 0, set()),
}
