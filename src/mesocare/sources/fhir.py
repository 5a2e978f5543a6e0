"""Import FHIR R4 bundles (Patient, Condition, Encounter, MedicationRequest, Observation,
Immunization) into person-level tables, parsing each resource with ``fhir.resources`` (its R4B
models, which R4 resources of these types satisfy).

Each ``*.json`` file of a folder (or one file) is a Bundle. Codings are kept when their system is
known (``SYSTEMS``); Encounter.class codes map to contact kinds (``ENCOUNTER_KINDS``). A malformed
file raises an error naming the file and the JSON line, or the entry number and the field, never a
value of person data.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pydantic
from fhir.resources.R4B import (
    condition,
    encounter,
    immunization,
    medicationrequest,
    observation,
    patient,
)

from mesocare.atomic import read_text
from mesocare.errors import ValidationError
from mesocare.sources.placement import place
from mesocare.territory import Territory
from mesocare.territory.person_tables import PersonTables

SYSTEMS = {
    "http://snomed.info/sct": "SNOMED-CT",
    "http://hl7.org/fhir/sid/icd-10": "ICD-10",
    "http://hl7.org/fhir/sid/icd-10-cm": "ICD-10",
    "http://hl7.org/fhir/sid/icpc-2": "ICPC-2",
    "http://www.nlm.nih.gov/research/umls/rxnorm": "RxNorm",
    "http://www.whocc.no/atc": "ATC",
    "http://loinc.org": "LOINC",
    "http://hl7.org/fhir/sid/cvx": "CVX",
}
ENCOUNTER_KINDS = {
    "AMB": "gp_consultation",
    "HH": "gp_home_visit",
    "EMER": "emergency",
    "IMP": "hospital_stay",
    "ACUTE": "hospital_stay",
    "NONAC": "hospital_stay",
}
MODELS: dict[str, type[pydantic.BaseModel]] = {
    "Patient": patient.Patient,
    "Condition": condition.Condition,
    "Encounter": encounter.Encounter,
    "MedicationRequest": medicationrequest.MedicationRequest,
    "Observation": observation.Observation,
    "Immunization": immunization.Immunization,
}


def _day(v: Any) -> pd.Timestamp | None:
    if v is None:
        return None
    if isinstance(v, datetime):
        return pd.Timestamp(v.date())
    if isinstance(v, date):
        return pd.Timestamp(v)
    return pd.Timestamp(str(v)[:10])


def _codings(cc: Any) -> list[tuple[str, str]]:
    out = []
    for c in (cc.coding or []) if cc is not None else []:
        if c.system in SYSTEMS and c.code:
            out.append((SYSTEMS[c.system], str(c.code)))
    return out


def _ref(subject: Any) -> str | None:
    if subject is None or not subject.reference:
        return None
    r = str(subject.reference)
    return r.split("/", 1)[1] if r.startswith("Patient/") else r.removeprefix("urn:uuid:")


class _Rows:
    def __init__(self) -> None:
        self.t: dict[str, list[dict[str, Any]]] = {
            k: []
            for k in (
                "persons",
                "diagnoses",
                "contacts",
                "prescriptions",
                "measurements",
                "vaccinations",
            )
        }
        self.zip: list[str | None] = []
        self.full_urls: dict[str, str] = {}
        self.seen: set[str] = set()  # resource types met in the bundles


#: resource type → the person-level table it fills
TABLE_OF = {
    "Condition": "diagnoses",
    "Encounter": "contacts",
    "MedicationRequest": "prescriptions",
    "Observation": "measurements",
    "Immunization": "vaccinations",
}


def _entry(rows: _Rows, res: Any, full_url: str | None) -> None:
    kind = res.__resource_type__ if hasattr(res, "__resource_type__") else type(res).__name__
    rows.seen.add(kind)
    if kind == "Patient":
        sex = {"male": "M", "female": "F"}.get(res.gender or "")
        if sex is None:
            raise ValueError("gender: expected male or female")
        if res.birthDate is None:
            raise ValueError("birthDate: missing")
        pid = res.id or (full_url or "").removeprefix("urn:uuid:")
        if full_url:
            rows.full_urls[full_url.removeprefix("urn:uuid:")] = pid
        rows.t["persons"].append(
            {
                "person_id": pid,
                "birth_date": _day(res.birthDate),
                "sex": sex,
                "death_date": _day(res.deceasedDateTime),
            }
        )
        addr = (res.address or [None])[0]
        rows.zip.append(addr.postalCode if addr is not None else None)
        return
    subject = _ref(getattr(res, "patient", None) if kind == "Immunization" else res.subject)
    if subject is None:
        raise ValueError("subject: missing patient reference")
    if kind == "Condition":
        start = _day(res.onsetDateTime or res.recordedDate)
        if start is None:
            raise ValueError("onsetDateTime: missing")
        for system, code in _codings(res.code):
            rows.t["diagnoses"].append(
                {
                    "person_id": subject,
                    "system": system,
                    "code": code,
                    "start_date": start,
                    "end_date": _day(res.abatementDateTime),
                }
            )
    elif kind == "Encounter":
        cls = res.class_fhir.code if res.class_fhir is not None else None
        if res.period is None or res.period.start is None:
            raise ValueError("period.start: missing")
        k = ENCOUNTER_KINDS.get(cls or "", "other")
        start, end = _day(res.period.start), _day(res.period.end)
        if start is None:  # unreachable: period.start was checked above
            raise ValueError("period.start: missing")
        los = (end - start).days if (k == "hospital_stay" and end is not None) else None
        rows.t["contacts"].append(
            {"person_id": subject, "kind": k, "date": start, "length_of_stay_days": los}
        )
    elif kind == "MedicationRequest":
        when = _day(res.authoredOn)
        if when is None:
            raise ValueError("authoredOn: missing")
        for system, code in _codings(res.medicationCodeableConcept):
            rows.t["prescriptions"].append(
                {"person_id": subject, "system": system, "code": code, "date": when}
            )
    elif kind == "Observation":
        when = _day(res.effectiveDateTime or res.issued)
        if when is None:
            raise ValueError("effectiveDateTime: missing")
        # a panel (blood pressure 85354-9) carries its values as components (systolic
        # 8480-6, diastolic 8462-4): each is a measurement of its own, on the same date
        for cc, q in [(res.code, res.valueQuantity)] + [
            (c.code, c.valueQuantity) for c in (res.component or [])
        ]:
            for system, code in _codings(cc):
                rows.t["measurements"].append(
                    {
                        "person_id": subject,
                        "system": system,
                        "code": code,
                        "value": float(q.value) if q is not None and q.value is not None else None,
                        "unit": q.unit if q is not None else None,
                        "date": when,
                    }
                )
    elif kind == "Immunization":
        when = _day(res.occurrenceDateTime)
        if when is None:
            raise ValueError("occurrenceDateTime: missing")
        for system, code in _codings(res.vaccineCode):
            rows.t["vaccinations"].append(
                {"person_id": subject, "system": system, "code": code, "date": when}
            )


def _read_bundle(path: Path, rows: _Rows) -> None:
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise ValidationError(f"line {exc.lineno}: malformed JSON ({exc.msg})", file=path) from None
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        raise ValidationError("not a FHIR Bundle", file=path, expected='"resourceType": "Bundle"')
    for i, entry in enumerate(data.get("entry") or [], start=1):
        res = (entry or {}).get("resource") or {}
        rtype = res.get("resourceType")
        model = MODELS.get(rtype) if isinstance(rtype, str) else None
        if model is None:
            continue
        try:
            _entry(rows, model.model_validate(res), entry.get("fullUrl"))
        except pydantic.ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"])
            raise ValidationError(
                f"entry {i} ({rtype}): invalid field '{field}' ({err['type']})", file=path
            ) from None
        except ValueError as exc:
            raise ValidationError(f"entry {i} ({rtype}): {exc}", file=path) from None


def read_fhir(
    source: str | Path,
    territory: Territory,
    *,
    reference_date: date,
    mapping: dict[str, str] | None = None,
    map_by: str = "id",
    seed: int = 0,
) -> PersonTables:
    """Read one bundle file or a folder of ``*.json`` bundles into validated tables."""
    src = Path(source)
    files = sorted(src.glob("*.json")) if src.is_dir() else [src]
    if not files or not files[0].exists():
        raise ValidationError("no FHIR bundle found", file=src, expected="*.json Bundle files")
    rows = _Rows()
    for f in files:
        _read_bundle(f, rows)
    persons = pd.DataFrame(rows.t["persons"])
    if persons.empty:
        raise ValidationError("no Patient resource", file=src, expected="at least one Patient")
    keys = persons["person_id"] if map_by == "id" else pd.Series(rows.zip, dtype="string")
    persons["area_code"] = place(
        persons,
        territory,
        reference_date=reference_date,
        keys=keys,
        mapping=mapping,
        seed=seed,
        file=str(src),
    )
    for col in ("practice_id", "bim", "gmd", "living_alone"):
        persons[col] = pd.NA
    tables = {"persons": persons}
    for name in ("diagnoses", "contacts", "prescriptions", "measurements", "vaccinations"):
        if rows.t[name]:
            df = pd.DataFrame(rows.t[name])
            df["person_id"] = df["person_id"].map(lambda r: rows.full_urls.get(r, r))
            tables[name] = df
    return PersonTables.build(
        source=str(src),
        area_codes=set(territory.areas["area_code"]),
        missing=tuple(t for r, t in TABLE_OF.items() if r not in rows.seen),
        **tables,
    )
