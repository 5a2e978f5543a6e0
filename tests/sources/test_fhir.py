"""The FHIR R4 importer on bundles the test writes."""

from __future__ import annotations

import json
from datetime import date

import pytest

from mesocare.errors import ValidationError
from mesocare.sources.fhir import read_fhir

REF = date(2020, 12, 31)
SCT, LOINC, CVX = "http://snomed.info/sct", "http://loinc.org", "http://hl7.org/fhir/sid/cvx"
RX = "http://www.nlm.nih.gov/research/umls/rxnorm"


def bundle(pid="p1", gender="female", extra=()):
    subj = {"reference": f"urn:uuid:{pid}"}
    entries = [
        {
            "fullUrl": f"urn:uuid:{pid}",
            "resource": {
                "resourceType": "Patient",
                "id": pid,
                "gender": gender,
                "birthDate": "1948-05-06",
                "address": [{"postalCode": "3000"}],
            },
        },
        {
            "resource": {
                "resourceType": "Condition",
                "subject": subj,
                "code": {"coding": [{"system": SCT, "code": "44054006"}]},
                "onsetDateTime": "2011-01-01T00:00:00+01:00",
            }
        },
        {
            "resource": {
                "resourceType": "Encounter",
                "status": "finished",
                "subject": subj,
                "class": {
                    "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                    "code": "IMP",
                },
                "period": {"start": "2020-03-01T10:00:00Z", "end": "2020-03-05T10:00:00Z"},
            }
        },
        {
            "resource": {
                "resourceType": "MedicationRequest",
                "status": "active",
                "intent": "order",
                "subject": subj,
                "medicationCodeableConcept": {"coding": [{"system": RX, "code": "860975"}]},
                "authoredOn": "2020-03-05",
            }
        },
        {
            "resource": {
                "resourceType": "Observation",
                "status": "final",
                "subject": subj,
                "code": {"coding": [{"system": LOINC, "code": "4548-4"}]},
                "effectiveDateTime": "2020-04-01T09:00:00Z",
                "valueQuantity": {"value": 7.2, "unit": "%"},
            }
        },
        {
            "resource": {
                "resourceType": "Immunization",
                "status": "completed",
                "patient": subj,
                "vaccineCode": {"coding": [{"system": CVX, "code": "140"}]},
                "occurrenceDateTime": "2020-10-10T09:00:00Z",
            }
        },
        *extra,
    ]
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def test_reads_bundles(tmp_path, leuven):
    (tmp_path / "a.json").write_text(json.dumps(bundle("p1")))
    (tmp_path / "b.json").write_text(json.dumps(bundle("p2", "male")))
    t = read_fhir(tmp_path, leuven, reference_date=REF, seed=3)
    assert t.row_counts() == {
        "persons": 2,
        "diagnoses": 2,
        "prescriptions": 2,
        "contacts": 2,
        "measurements": 2,
        "vaccinations": 2,
    }
    assert t.contacts["length_of_stay_days"].tolist() == [4, 4]
    assert set(t.diagnoses["system"]) == {"SNOMED-CT"}
    assert t.measurements["value"].tolist() == [7.2, 7.2]
    assert t.persons.set_index("person_id").loc["p2", "sex"] == "M"
    codes = leuven.areas["area_code"].tolist()
    m = read_fhir(tmp_path, leuven, reference_date=REF, mapping={"3000": codes[5]}, map_by="zip")
    assert set(m.persons["area_code"]) == {codes[5]}


def test_malformed_json_names_the_line(tmp_path, leuven):
    text = json.dumps(bundle(), indent=1).replace('"gender"', '"gender" oops', 1)
    (tmp_path / "bad.json").write_text(text)
    with pytest.raises(ValidationError, match=r"bad\.json: line \d+: malformed JSON"):
        read_fhir(tmp_path / "bad.json", leuven, reference_date=REF)


@pytest.mark.parametrize(
    "extra,needle",
    [
        (
            {
                "resource": {
                    "resourceType": "Observation",
                    "status": "final",
                    "subject": {"reference": "urn:uuid:p1"},
                    "code": {"coding": [{"system": LOINC, "code": "4548-4"}]},
                    "effectiveDateTime": "not-a-date",
                }
            },
            "entry 7 (Observation): invalid field 'effectiveDateTime'",
        ),
        (
            {
                "resource": {
                    "resourceType": "Condition",
                    "code": {"coding": [{"system": SCT, "code": "1"}]},
                    "subject": {"display": "x"},
                    "onsetDateTime": "2010-01-01",
                }
            },
            "entry 7 (Condition): subject: missing patient reference",
        ),
        (
            {
                "resource": {
                    "resourceType": "Patient",
                    "id": "p9",
                    "gender": "unknown",
                    "birthDate": "1990-01-01",
                }
            },
            "entry 7 (Patient): gender: expected male or female",
        ),
    ],
)
def test_bad_entries_name_file_and_entry(tmp_path, leuven, extra, needle):
    (tmp_path / "x.json").write_text(json.dumps(bundle(extra=[extra])))
    with pytest.raises(ValidationError) as err:
        read_fhir(tmp_path, leuven, reference_date=REF)
    assert needle in str(err.value) and "x.json" in str(err.value)
