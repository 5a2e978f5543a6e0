"""Import a Synthea CSV export (patients, conditions, encounters, medications, observations,
immunizations) into person-level tables.

Columns follow the published Synthea CSV data dictionary
(https://github.com/synthetichealth/synthea/wiki/CSV-File-Data-Dictionary): only the columns used
here are required. Synthea codes conditions in SNOMED CT, drugs in RxNorm, observations in LOINC
and vaccines in CVX. Encounter classes map to contact kinds (``ENCOUNTER_KINDS``); an inpatient
stay's length is STOP − START in days. A malformed row raises an error naming the file, the line
(the header is line 1) and the column; values of person data are never shown.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from mesocare.errors import ValidationError
from mesocare.sources.placement import place
from mesocare.territory import Territory
from mesocare.territory.person_tables import PersonTables

ENCOUNTER_KINDS = {
    "wellness": "gp_consultation",
    "ambulatory": "gp_consultation",
    "home": "gp_home_visit",
    "emergency": "emergency",
    "inpatient": "hospital_stay",
    "urgentcare": "other",
    "outpatient": "other",
    "virtual": "other",
    "hospice": "other",
    "snf": "other",
}
GENDERS = {"M": "M", "F": "F"}
#: Synthea file → the person-level table it fills
TABLE_OF = {
    "conditions": "diagnoses",
    "encounters": "contacts",
    "medications": "prescriptions",
    "observations": "measurements",
    "immunizations": "vaccinations",
}

#: file → (required columns, date columns, optional columns)
FILES = {
    "patients": (["Id", "BIRTHDATE", "GENDER"], ["BIRTHDATE"], ["DEATHDATE", "ZIP", "COUNTY"]),
    "conditions": (["START", "PATIENT", "CODE"], ["START"], ["STOP", "SYSTEM"]),
    "encounters": (["Id", "START", "PATIENT", "ENCOUNTERCLASS"], ["START"], ["STOP"]),
    "medications": (["START", "PATIENT", "CODE"], ["START"], []),
    "observations": (["DATE", "PATIENT", "CODE"], ["DATE"], ["VALUE", "UNITS", "TYPE"]),
    "immunizations": (["DATE", "PATIENT", "CODE"], ["DATE"], []),
}


def _bad(path: Path, mask: np.ndarray, column: str, what: str, expected: str) -> None:
    if mask.any():
        line = int(np.flatnonzero(mask)[0]) + 2
        raise ValidationError(
            f"line {line}: {what} ({int(mask.sum())} such row(s))",
            file=path,
            column=column,
            expected=expected,
        )


def _read(folder: Path, name: str) -> pd.DataFrame | None:
    path = folder / f"{name}.csv"
    required, dates, optional = FILES[name]
    if not path.exists():
        if name == "patients":
            raise ValidationError("missing file", file=path, expected="a Synthea CSV export")
        return None
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, on_bad_lines="error")
    except pd.errors.EmptyDataError:
        raise ValidationError(
            "empty file", file=path, expected="a header line with the Synthea columns"
        ) from None
    except pd.errors.ParserError as exc:  # names the line, shows no value
        raise ValidationError(f"malformed CSV ({exc})", file=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(f"unreadable file ({type(exc).__name__})", file=path) from None
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise ValidationError(
            f"missing column(s) {', '.join(missing)}",
            file=path,
            expected="the Synthea CSV data dictionary's columns",
        )
    for c in required:
        _bad(path, (df[c].str.strip() == "").to_numpy(), c, "empty value", "a value")
    for c in dates + [o for o in ("STOP", "DEATHDATE") if o in optional and o in df.columns]:
        parsed = pd.to_datetime(
            df[c].where(df[c] != ""), errors="coerce", utc=True, format="ISO8601"
        )
        _bad(
            path,
            (parsed.isna() & (df[c] != "")).to_numpy(),
            c,
            "not a date",
            "an ISO 8601 date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ)",
        )
        df[c] = parsed.dt.tz_convert(None).dt.floor("D")
    df.attrs["path"] = path
    return df


def _check_patients(df: pd.DataFrame, known: pd.Index, path: Path) -> None:
    _bad(
        path,
        (~df["PATIENT"].isin(known)).to_numpy(),
        "PATIENT",
        "unknown patient",
        "an Id of patients.csv",
    )


def read_synthea(
    folder: str | Path,
    territory: Territory,
    *,
    reference_date: date,
    mapping: dict[str, str] | None = None,
    map_by: str = "id",
    seed: int = 0,
) -> PersonTables:
    """Read a Synthea CSV export folder into validated person-level tables."""
    root = Path(folder)
    pat = _read(root, "patients")
    assert pat is not None
    ppath = root / "patients.csv"
    _bad(ppath, pat["Id"].duplicated().to_numpy(), "Id", "duplicate patient id", "unique ids")
    _bad(ppath, (~pat["GENDER"].isin(GENDERS)).to_numpy(), "GENDER", "unknown gender", "M or F")
    persons = pd.DataFrame(
        {
            "person_id": pat["Id"],
            "birth_date": pat["BIRTHDATE"],
            "sex": pat["GENDER"].map(GENDERS),
            "practice_id": pd.Series(pd.NA, index=pat.index, dtype="string"),
            "bim": pd.Series(pd.NA, index=pat.index, dtype="boolean"),
            "gmd": pd.Series(pd.NA, index=pat.index, dtype="boolean"),
            "living_alone": pd.Series(pd.NA, index=pat.index, dtype="boolean"),
            "death_date": pat.get("DEATHDATE", pd.NaT),
        }
    )
    key_col = {"id": "Id", "zip": "ZIP", "county": "COUNTY"}[map_by]
    keys = pat[key_col] if key_col in pat.columns else None
    persons["area_code"] = place(
        persons,
        territory,
        reference_date=reference_date,
        keys=keys,
        mapping=mapping,
        seed=seed,
        file=str(ppath),
    )
    known = pd.Index(pat["Id"])
    tables: dict[str, pd.DataFrame] = {"persons": persons}

    cond = _read(root, "conditions")
    if cond is not None:
        _check_patients(cond, known, root / "conditions.csv")
        tables["diagnoses"] = pd.DataFrame(
            {
                "person_id": cond["PATIENT"],
                "system": "SNOMED-CT",
                "code": cond["CODE"],
                "start_date": cond["START"],
                "end_date": cond.get("STOP", pd.NaT),
            }
        )
    enc = _read(root, "encounters")
    if enc is not None:
        epath = root / "encounters.csv"
        _check_patients(enc, known, epath)
        cls = enc["ENCOUNTERCLASS"].str.lower()
        _bad(
            epath,
            (~cls.isin(ENCOUNTER_KINDS)).to_numpy(),
            "ENCOUNTERCLASS",
            "unknown encounter class",
            "one of " + ", ".join(ENCOUNTER_KINDS),
        )
        kind = cls.map(ENCOUNTER_KINDS)
        stop = enc["STOP"] if "STOP" in enc else pd.Series(pd.NaT, index=enc.index)
        los = (stop - enc["START"]).dt.days
        tables["contacts"] = pd.DataFrame(
            {
                "person_id": enc["PATIENT"],
                "kind": kind,
                "date": enc["START"],
                "length_of_stay_days": los.where(kind == "hospital_stay").astype("Int64"),
            }
        )
    med = _read(root, "medications")
    if med is not None:
        _check_patients(med, known, root / "medications.csv")
        tables["prescriptions"] = pd.DataFrame(
            {
                "person_id": med["PATIENT"],
                "system": "RxNorm",
                "code": med["CODE"],
                "date": med["START"],
            }
        )
    obs = _read(root, "observations")
    if obs is not None:
        _check_patients(obs, known, root / "observations.csv")
        value = obs["VALUE"] if "VALUE" in obs else pd.Series("", index=obs.index)
        numeric = obs["TYPE"] == "numeric" if "TYPE" in obs else pd.Series(True, index=obs.index)
        num = pd.to_numeric(value.where(numeric & (value != "")), errors="coerce")
        _bad(
            root / "observations.csv",
            (numeric & (value != "") & num.isna()).to_numpy(),
            "VALUE",
            "not a number although TYPE is numeric",
            "a number",
        )
        tables["measurements"] = pd.DataFrame(
            {
                "person_id": obs["PATIENT"],
                "system": "LOINC",
                "code": obs["CODE"],
                "value": num,
                "unit": obs["UNITS"].replace("", pd.NA) if "UNITS" in obs else pd.NA,
                "date": obs["DATE"],
            }
        )
    imm = _read(root, "immunizations")
    if imm is not None:
        _check_patients(imm, known, root / "immunizations.csv")
        tables["vaccinations"] = pd.DataFrame(
            {
                "person_id": imm["PATIENT"],
                "system": "CVX",
                "code": imm["CODE"],
                "date": imm["DATE"],
            }
        )
    absent = [TABLE_OF[f] for f in TABLE_OF if not (root / f"{f}.csv").exists()]
    return PersonTables.build(
        source=str(root),
        area_codes=set(territory.areas["area_code"]),
        missing=tuple(absent),
        **tables,
    )
