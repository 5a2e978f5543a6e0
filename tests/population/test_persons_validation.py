"""`health run` on malformed persons folders: each is refused with one message naming the file,
the column and the row, exit code 2, no traceback, and no value of any person-level table in the
output (the class of the audit's 19 cases, and more)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from spec_data import spec_tables

from mesocare.cli import app
from mesocare.population.tables import MANIFEST_FILE, write_manifest
from mesocare.territory import save_territory
from mesocare.territory.person_tables import SCHEMAS, TABLES

Tables = dict[str, pd.DataFrame]


@pytest.fixture(scope="module")
def territory_dir(leuven, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("terr") / "terr"
    save_territory(leuven, root)
    return root


@pytest.fixture(scope="module")
def valid(leuven) -> Tables:
    """The spec tables, placed in the territory's areas and practices, with ids that look like
    pseudonyms (so that a leaked one would be seen)."""
    t = spec_tables()
    areas = leuven.areas["area_code"].astype(str).tolist()
    practices = sorted(leuven.providers["practice_id"].dropna().astype(str).unique())
    rename = {f"p{i:02d}": f"pz{i:02d}q7x" for i in range(1, 11)}
    out = {}
    for name in TABLES:
        df = getattr(t, name).copy()
        df["person_id"] = df["person_id"].map(rename).astype("string")
        out[name] = df
    p = out["persons"]
    p["area_code"] = p["area_code"].map({"A1": areas[3], "A2": areas[7]})
    p["practice_id"] = p["practice_id"].map({"P1": practices[0], "P2": practices[1]})
    return out


def write(folder: Path, tables: Tables, *, skip: tuple[str, ...] = ()) -> None:
    """Write the tables as they are (no check: this is what a user's tool could leave)."""
    folder.mkdir(parents=True)
    for name, df in tables.items():
        if name not in skip:
            df.to_parquet(folder / f"{name}.parquet", index=False)
    write_manifest(folder, {n: len(d) for n, d in tables.items()}, {"reference_date": "2020-12-31"})


def edit(table: str, fn: Callable[[pd.DataFrame], pd.DataFrame]) -> Callable[[Tables], Tables]:
    def apply(t: Tables) -> Tables:
        out = {k: v.copy() for k, v in t.items()}
        out[table] = fn(out[table])
        return out

    return apply


def _text(v: object) -> object:
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    return str(v)


def setcell(table: str, col: str, row: int, value: object) -> Callable[[Tables], Tables]:
    """Set one cell; text in a column of another type turns the column into text (as a
    CSV-minded tool would write it), a number makes it a float column."""

    def fn(df: pd.DataFrame) -> pd.DataFrame:
        if value is None:
            df.loc[row, col] = None
        elif isinstance(value, (int, float)):
            vals = pd.to_numeric(df[col], errors="coerce").astype(float)
            vals.iloc[row] = value
            df[col] = vals
        else:
            df[col] = pd.Series([_text(v) for v in df[col]], index=df.index, dtype=object)
            df.loc[row, col] = value
        return df

    return edit(table, fn)


#: case → (change to the valid tables, file named, column named or None)
CASES: dict[str, tuple[Callable[[Tables], Tables], str, str | None]] = {
    "unknown_area": (setcell("persons", "area_code", 2, "ZZ999"), "persons", "area_code"),
    "unknown_practice": (setcell("persons", "practice_id", 0, "PR-NOPE"), "persons", "practice_id"),
    "duplicate_id": (setcell("persons", "person_id", 3, "pz01q7x"), "persons", "person_id"),
    "sex_x": (setcell("persons", "sex", 1, "X"), "persons", "sex"),
    "bad_birth_date": (setcell("persons", "birth_date", 4, "1955-13-45"), "persons", "birth_date"),
    "numeric_birth_date": (
        edit("persons", lambda d: d.assign(birth_date=19500601)),
        "persons",
        "birth_date",
    ),
    "null_birth_date": (setcell("persons", "birth_date", 0, None), "persons", "birth_date"),
    "null_person_id": (setcell("persons", "person_id", 5, None), "persons", "person_id"),
    "death_before_birth": (
        setcell("persons", "death_date", 1, "1901-02-03"),
        "persons",
        "death_date",
    ),
    "bim_not_bool": (setcell("persons", "bim", 0, "yes"), "persons", "bim"),
    "persons_missing_column": (edit("persons", lambda d: d.drop(columns="sex")), "persons", None),
    "no_persons": (edit("persons", lambda d: d.iloc[:0]), "persons", None),
    "orphan_diagnosis": (setcell("diagnoses", "person_id", 6, "pz77q7x"), "diagnoses", "person_id"),
    "orphan_contact": (setcell("contacts", "person_id", 2, "pz88q7x"), "contacts", "person_id"),
    "ids_of_other_type": (
        edit("vaccinations", lambda d: d.assign(person_id=[101, 102, 103])),
        "vaccinations",
        "person_id",
    ),
    "negative_stay": (setcell("contacts", "length_of_stay_days", 0, -3), "contacts", None),
    "fractional_stay": (setcell("contacts", "length_of_stay_days", 3, 1.5), "contacts", None),
    "unknown_contact_kind": (setcell("contacts", "kind", 1, "teleport"), "contacts", "kind"),
    "unknown_system": (setcell("diagnoses", "system", 2, "ICD-99"), "diagnoses", "system"),
    "diagnosis_ends_before_start": (
        setcell("diagnoses", "end_date", 0, "1999-09-09"),
        "diagnoses",
        "end_date",
    ),
    "bad_rx_date": (setcell("prescriptions", "date", 1, "31/02/2020x"), "prescriptions", "date"),
    "measurement_value_text": (setcell("measurements", "value", 2, "high"), "measurements", None),
    "diagnoses_missing_column": (
        edit("diagnoses", lambda d: d.drop(columns="code")),
        "diagnoses",
        None,
    ),
}


def run_cli(monkeypatch, capsys, argv: list[str]) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["mesocare", *argv])
    with pytest.raises(SystemExit) as exc:
        app()
    out = capsys.readouterr()
    return int(exc.value.code or 0), out.out + out.err


def cell_values(tables: Tables) -> set[str]:
    """Every value of the person-level tables as text, but trivially short tokens and the words
    of the schemas themselves (column names and allowed values, which messages may name)."""
    vocab = {c.name for s in SCHEMAS.values() for c in s.columns}
    vocab |= {a for s in SCHEMAS.values() for c in s.columns for a in (c.allowed or ())}
    out = set()
    for df in tables.values():
        for cell in df.to_numpy().ravel():
            v = str(cell).strip()
            if len(v) > 2 and v not in vocab and v not in ("nan", "NaT", "<NA>", "None"):
                out.add(v)
                if v.endswith(" 00:00:00"):
                    out.add(v.removesuffix(" 00:00:00"))
    return out


def test_the_leak_check_sees_values(valid):
    """Ids, dates, codes and area codes of the records are what the leak check looks for."""
    values = cell_values(valid)
    assert {"pz01q7x", "1950-06-01", "I50.0", "4548-4"} <= values
    assert "hospital_stay" not in values and "M" not in values


def test_the_valid_folder_runs(territory_dir, valid, tmp_path, monkeypatch, capsys):
    write(tmp_path / "persons", valid)
    code, out = run_cli(
        monkeypatch,
        capsys,
        ["health", "run", str(territory_dir), str(tmp_path / "persons"), "-o", str(tmp_path / "r")],
    )
    assert code == 0, out


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_folder_is_refused_without_values(
    case, territory_dir, valid, tmp_path, monkeypatch, capsys
):
    change, table, column = CASES[case]
    bad = change(valid)
    folder = tmp_path / "persons"
    write(folder, bad)
    code, out = run_cli(
        monkeypatch,
        capsys,
        ["health", "run", str(territory_dir), str(folder), "-o", str(tmp_path / "res")],
    )
    assert code == 2, out
    assert "Traceback" not in out and "Error:" in out
    assert f"{table}.parquet" in out
    if column is not None:
        assert f"column '{column}'" in out
    assert not (tmp_path / "res").exists()
    text = " ".join(out.split())  # Rich may wrap long lines
    leaked = {v for v in cell_values(bad) | cell_values(valid) if v in text}
    assert not leaked, f"values of person records in the message: {leaked}"


@pytest.mark.parametrize("what", ["missing_file", "corrupt_file", "no_manifest"])
def test_unreadable_folder_is_refused(what, territory_dir, valid, tmp_path, monkeypatch, capsys):
    folder = tmp_path / "persons"
    write(folder, valid, skip=("vaccinations",) if what == "missing_file" else ())
    if what == "corrupt_file":
        (folder / "contacts.parquet").write_bytes(b"PAR1 not really a parquet file PAR1")
    if what == "no_manifest":
        (folder / MANIFEST_FILE).unlink()
    code, out = run_cli(
        monkeypatch,
        capsys,
        ["health", "run", str(territory_dir), str(folder), "-o", str(tmp_path / "res")],
    )
    assert code == 2 and "Traceback" not in out, out
    assert {"missing_file": "vaccinations", "corrupt_file": "contacts", "no_manifest": ""}[
        what
    ] in out


def test_engine_errors_are_generic(territory_dir, valid, tmp_path, monkeypatch, capsys):
    """Should an engine fail on rows that passed the checks, its message (which may quote a
    value) is not shown: only the engine and the kind of error."""
    import mesocare.population.engine as E

    def boom(*a, **k):
        raise RuntimeError("Conversion Error: invalid date 'pz01q7x 1955-13-45'")

    monkeypatch.setattr(E, "person_features", boom)
    write(tmp_path / "persons", valid)
    code, out = run_cli(
        monkeypatch,
        capsys,
        ["health", "run", str(territory_dir), str(tmp_path / "persons"), "-o", str(tmp_path / "r")],
    )
    assert code == 2 and "RuntimeError" in out
    assert "pz01q7x" not in out and "1955" not in out
