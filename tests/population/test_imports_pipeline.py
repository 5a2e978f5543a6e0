"""Imports keep what the next step needs: the reference date (``health run`` needs none after
them), who is left out and why, and which tables the export lacked, whose measures are then
marked not computable rather than published as 100 % gaps. FHIR blood-pressure components."""

from __future__ import annotations

import json
import tomllib
from datetime import date

import pandas as pd
from typer.testing import CliRunner

from mesocare.cli import _app
from mesocare.population.aggregate import not_computable
from mesocare.population.codelists import load_codelists
from mesocare.population.rules import HealthParams
from mesocare.sources.fhir import read_fhir
from mesocare.territory import save_territory

PATIENTS = (
    "Id,BIRTHDATE,DEATHDATE,GENDER\n"
    "a1,1950-03-04,,F\n"
    "b2,1980-07-01,,M\n"
    "c3,1930-01-01,2020-03-01,M\n"  # dead before the reference date
    "d4,2021-02-02,,F\n"  # born after it
    "e5,2020-12-31,,F\n"  # born on it: counted
)
CONDITIONS = (
    "START,STOP,PATIENT,ENCOUNTER,CODE,DESCRIPTION\n"
    "2010-01-01,,a1,e1,44054006,Diabetes mellitus type 2 (disorder)\n"
    "2012-05-05,,a1,e1,59621000,Essential hypertension (disorder)\n"
)
IMMUNIZATIONS = (
    "DATE,PATIENT,ENCOUNTER,CODE,DESCRIPTION,BASE_COST\n"
    "2020-10-01T08:00:00Z,a1,e1,140,Influenza seasonal injectable preservative free,140.52\n"
)


def test_synthea_export_without_three_tables(leuven, tmp_path):
    save_territory(leuven, tmp_path / "terr")
    csv = tmp_path / "csv"
    csv.mkdir()
    for name, text in (
        ("patients", PATIENTS),
        ("conditions", CONDITIONS),
        ("immunizations", IMMUNIZATIONS),
    ):
        (csv / f"{name}.csv").write_text(text)
    runner = CliRunner()
    args = ["health", "import-synthea", str(csv), str(tmp_path / "terr")]
    r = runner.invoke(
        _app, [*args, "-o", str(tmp_path / "persons"), "--reference-date", "2020-12-31"]
    )
    assert r.exit_code == 0, r.output
    out = " ".join(r.output.split())
    assert "1 born after it, 1 dead by it" in out
    assert "Warning: the export has no prescriptions, contacts, measurements" in out
    manifest = tomllib.loads((tmp_path / "persons" / "persons.toml").read_text())
    assert manifest["reference_date"] == "2020-12-31"
    assert manifest["missing_tables"] == ["prescriptions", "contacts", "measurements"]

    # no --reference-date: the stored one is used
    r = runner.invoke(
        _app,
        [
            "health",
            "run",
            str(tmp_path / "terr"),
            str(tmp_path / "persons"),
            "-o",
            str(tmp_path / "res"),
        ],
    )
    assert r.exit_code == 0, r.output
    out = " ".join(r.output.split())
    assert "not computable" in out and "diabetes_hba1c" in out and "stratum_1" in out
    m = pd.read_parquet(tmp_path / "res" / "population_health.parquet")
    region = m[m["level"] == "region"].set_index("measure")
    for gone in ("diabetes_hba1c", "hypertension_bp", "polypharmacy", "stratum_1", "stratum_3"):
        assert region.loc[gone, "note"] == "not_computable"
        assert pd.isna(region.loc[gone, "numerator"]) and pd.isna(region.loc[gone, "rate"])
    # what the present tables allow is published (or suppressed for small numbers, not unknown)
    for kept in ("diabetes", "flu_65plus", "chronic"):
        assert region.loc[kept, "note"] != "not_computable"
    params = json.loads((tmp_path / "res" / "parameters.json").read_text())
    assert params["reference_date"] == "2020-12-31"
    assert (
        "diabetes_hba1c" in params["not_computable"] and "diabetes" not in params["not_computable"]
    )
    # and no person born after, or dead before, the reference date is counted: 3 of 5
    assert "3 persons;" in out


def test_what_needs_what():
    cl = load_codelists()
    p = HealthParams(reference_date=date(2020, 12, 31))
    assert not_computable((), cl, p) == frozenset()
    assert not_computable(("vaccinations",), cl, p) == {"flu_65plus"}
    assert not_computable(("measurements",), cl, p) == {"diabetes_hba1c", "hypertension_bp"}
    assert not_computable(("prescriptions",), cl, p) == {
        "polypharmacy",
        "stratum_1",
        "stratum_2",
        "stratum_3",
    }
    no_dx = not_computable(("diagnoses",), cl, p)
    assert {"diabetes", "chronic", "stratum_2", "diabetes_hba1c"} <= no_dx
    assert "flu_65plus" not in no_dx and "polypharmacy" not in no_dx


def test_fhir_blood_pressure_components(leuven, tmp_path):
    """A blood-pressure panel (85354-9) with its systolic and diastolic components: both values
    are read; a bundle without Encounter, MedicationRequest or Immunization says so."""
    subj = {"reference": "urn:uuid:p1"}
    loinc = "http://loinc.org"
    b = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "fullUrl": "urn:uuid:p1",
                "resource": {
                    "resourceType": "Patient",
                    "id": "p1",
                    "gender": "male",
                    "birthDate": "1950-01-01",
                },
            },
            {
                "resource": {
                    "resourceType": "Observation",
                    "status": "final",
                    "subject": subj,
                    "effectiveDateTime": "2020-06-01T10:00:00Z",
                    "code": {"coding": [{"system": loinc, "code": "85354-9"}]},
                    "component": [
                        {
                            "code": {"coding": [{"system": loinc, "code": "8480-6"}]},
                            "valueQuantity": {"value": 142, "unit": "mm[Hg]"},
                        },
                        {
                            "code": {"coding": [{"system": loinc, "code": "8462-4"}]},
                            "valueQuantity": {"value": 91, "unit": "mm[Hg]"},
                        },
                    ],
                }
            },
        ],
    }
    path = tmp_path / "b.json"
    path.write_text(json.dumps(b))
    t = read_fhir(path, leuven, reference_date=date(2020, 12, 31))
    m = t.measurements.set_index("code")
    assert m.loc["8480-6", "value"] == 142 and m.loc["8462-4", "value"] == 91
    assert m.loc["8480-6", "date"] == pd.Timestamp("2020-06-01")
    assert "85354-9" in m.index
    assert t.missing == ("diagnoses", "prescriptions", "contacts", "vaccinations")
