"""The one table checker: first bad row, normalised dtypes, no person-level value in messages."""

from __future__ import annotations

import pandas as pd
import pytest

from mesocare.errors import ValidationError
from mesocare.territory.columns import Column, Kind, TableSchema, check_table
from mesocare.territory.person_tables import PersonTables, check_person_table

SCHEMA = TableSchema(
    "things",
    (
        Column("code", Kind.TEXT, unique=True),
        Column("colour", Kind.CATEGORY, allowed=("red", "blue")),
        Column("n", Kind.INT, min_value=0),
        Column("share", Kind.FLOAT, nullable=True, max_value=1.0),
        Column("flag", Kind.BOOL, nullable=True),
    ),
)


def _things(**changes: list) -> pd.DataFrame:
    base = {
        "code": ["a", "b", "c"],
        "colour": ["red", "blue", "red"],
        "n": [1, 2, 3],
        "share": [0.1, None, 0.3],
        "flag": [True, None, False],
    }
    return pd.DataFrame(base | changes)


def test_normalises_dtypes_and_keeps_other_columns():
    out = check_table(_things().assign(extra=1), SCHEMA)
    assert out["code"].dtype == "string" and out["n"].dtype == "int64"
    assert out["flag"].dtype == "boolean" and "extra" in out.columns


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        (
            {"colour": ["red", "green", "pink"]},
            r"column 'colour', row 2: unknown value; found 'green'",
        ),
        ({"n": [1, -2, -3]}, r"column 'n', row 2: value too small; found -2.0; expected >= 0"),
        ({"n": [1, 2, 3.5]}, r"column 'n', row 3: not a whole number"),
        ({"share": [0.1, 2.0, 0.3]}, r"column 'share', row 2: value too large"),
        ({"code": ["a", "b", "a"]}, r"column 'code', row 3: duplicate value; found 'a'"),
        ({"code": ["a", None, "c"]}, r"column 'code', row 2: empty value"),
        ({"flag": [True, "yes", False]}, r"column 'flag', row 2: not true/false"),
    ],
)
def test_names_file_column_row_found_and_expected(changes, match):
    with pytest.raises(ValidationError, match=r"^things.csv, " + match):
        check_table(_things(**changes), SCHEMA, file="things.csv")


def test_missing_column():
    with pytest.raises(ValidationError, match="missing column"):
        check_table(_things().drop(columns="n"), SCHEMA)


def test_a_column_spec_checks_itself():
    with pytest.raises(ValueError, match="category"):
        Column("sex", Kind.TEXT, allowed=("M", "F"))
    with pytest.raises(ValueError, match="bounds"):
        Column("name", Kind.TEXT, min_value=0)


SECRET = "1999-13-45-SECRET"


@pytest.mark.parametrize(
    ("column", "value"),
    [("birth_date", SECRET), ("sex", SECRET), ("area_code", 12345), ("bim", SECRET)],
)
def test_person_level_messages_carry_no_value(column, value):
    persons = pd.DataFrame(
        {
            "person_id": ["p1", "p2"],
            "birth_date": ["1950-01-01", "1960-02-02"],
            "sex": ["F", "M"],
            "area_code": ["A1", "A2"],
            "practice_id": [None, None],
            "bim": [True, False],
            "gmd": [None, None],
            "living_alone": [None, None],
            "death_date": [None, None],
        }
    )
    persons[column] = persons[column].astype(object)
    persons.loc[1, column] = value
    with pytest.raises(ValidationError) as err:
        check_person_table(persons, "persons")
    msg = str(err.value)
    assert f"column '{column}', row 2" in msg
    assert str(value) not in msg and "found" not in msg and err.value.found is None
    with pytest.raises(ValidationError) as err:
        PersonTables.build(
            persons=persons.assign(**{column: persons[column].iloc[0]}), area_codes={"X"}
        )
    assert "A1" not in str(err.value) and "row 1" in str(err.value)
