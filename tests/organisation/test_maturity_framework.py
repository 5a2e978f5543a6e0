"""The shipped framework and the loader of a user's HSO criteria file."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from mesocare.errors import NotFoundError, ValidationError
from mesocare.organisation.maturity import load_shipped
from mesocare.organisation.maturity_file import load_framework_file


def test_shipped_framework_has_scirocco_shape_in_three_languages() -> None:
    f = load_shipped("mesocare-integration")
    assert len(f.dimensions) == 12
    assert [lv.value for lv in f.scale] == [0, 1, 2, 3, 4, 5]
    for d in f.dimensions:
        for lang in ("nl", "fr", "en"):
            assert d.label.get(lang)
        assert len({d.label.en, d.label.nl, d.label.fr}) > 1  # really translated
    assert f.dimension_of("funding").key == "funding"
    with pytest.raises(NotFoundError):
        load_shipped("scirocco")


CSV = (
    "dimension;criterion_id;text;scale;importance\n"
    "Leadership;1.1;The system has a shared vision;0-3;2\n"
    "Leadership;1.2;Roles are defined;0-3;\n"
    "People;2.1;People are partners in care;0-3;1,5\n"
)


def test_a_csv_copy_of_hso_criteria_loads(tmp_path: Path) -> None:
    p = tmp_path / "hso.csv"
    p.write_text(CSV, "utf-8")
    f = load_framework_file(p, "hso-ipchs")
    assert [d.label.en for d in f.dimensions] == ["Leadership", "People"]
    assert [c.id for c in f.criteria()] == ["1.1", "1.2", "2.1"]
    assert (f.low, f.high) == (0, 3)
    assert f.criterion("2.1").importance == 1.5
    assert f.criterion("1.2").importance == 1.0


def test_an_xlsx_with_descriptor_scale_loads(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Criteria"
    ws.append(["criterion_id", "text", "dimension", "scale"])
    ws.append(["A1", "Governance is shared", "Governance", "not met|partly met|met"])
    p = tmp_path / "hso.xlsx"
    wb.save(p)
    f = load_framework_file(p, "hso")
    assert [lv.label.en for lv in f.scale] == ["not met", "partly met", "met"]
    assert f.high == 2


def _xlsx(tmp_path: Path, rows: list[list[str]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Criteria"
    for r in rows:
        ws.append(r)
    p = tmp_path / "bad.xlsx"
    wb.save(p)
    return p


HEAD = ["dimension", "criterion_id", "text", "scale"]


@pytest.mark.parametrize(
    ("rows", "cell"),
    [
        ([HEAD, ["D", "1", "t", "0-3"], ["D", "1", "u", "0-3"]], "Criteria!B3"),  # duplicate id
        ([HEAD, ["D", "1", "t", "0-3"], ["D", "2", "u", "0-4"]], "Criteria!D3"),  # other scale
        ([HEAD, ["D", "1", "", "0-3"]], "Criteria!C2"),  # empty text
        ([HEAD, ["D", "1 2", "t", "0-3"]], "Criteria!B2"),  # bad id
        ([HEAD, ["D", "1", "t", "three"]], "Criteria!D2"),  # not a scale
    ],
)
def test_malformed_xlsx_is_refused_naming_the_cell(
    tmp_path: Path, rows: list[list[str]], cell: str
) -> None:
    with pytest.raises(ValidationError) as e:
        load_framework_file(_xlsx(tmp_path, rows), "x")
    assert e.value.row == cell
    assert cell in str(e.value)


def test_malformed_csv_names_column_and_row(tmp_path: Path) -> None:
    p = tmp_path / "bad.csv"
    p.write_text(CSV.replace(";1,5", ";lots"), "utf-8")
    with pytest.raises(ValidationError) as e:
        load_framework_file(p, "x")
    assert (e.value.column, e.value.row, e.value.found) == ("importance", "3", "lots")
    p.write_text("dimension,text,scale\nD,t,0-3\n", "utf-8")
    with pytest.raises(ValidationError) as e:
        load_framework_file(p, "x")
    assert e.value.column == "criterion_id"
    p.write_bytes(b"dimension,criterion_id,text,scale\nD,1,\xff,0-3\n")
    with pytest.raises(ValidationError, match="UTF-8"):
        load_framework_file(p, "x")
    with pytest.raises(ValidationError, match="file type"):
        load_framework_file(tmp_path / "x.ods", "x") if (
            tmp_path / "x.ods"
        ).touch() is None else None
