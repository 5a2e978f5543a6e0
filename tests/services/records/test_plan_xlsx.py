"""A plan's XLSX workbook: export → import gives the same plan, and malformed workbooks are refused
with the bad cell named (``Sheet!B3``) and nothing stored."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from tests.platform_fixtures import ACCOUNTS, Served
from tests.services.records.test_plans import ctx

from mesocare.errors import ValidationError
from mesocare.services.platform import plan_doc as D
from mesocare.services.platform import plan_xlsx as X
from mesocare.services.platform.demo_plan import build_example_plan
from mesocare.store.models_plans import Plan


@pytest.fixture
def example(served: Served) -> tuple[int, bytes]:
    p = served.platform
    c = ctx(served, "coordinator")
    with p.session(write=True) as s:  # type: ignore[attr-defined]
        pid = build_example_plan(
            s,
            p.entry("leuven"),  # type: ignore[attr-defined]
            "Z01",
            c,
            member_email=ACCOUNTS["member"][0],
        )
        return pid, X.to_xlsx(D.document(s, pid, c.access))


def _import(served: Served, data: bytes) -> int:
    p = served.platform
    with p.session(write=True) as s:  # type: ignore[attr-defined]
        return X.import_xlsx(s, p.entry, data, ctx(served, "coordinator"), file="plan.xlsx")  # type: ignore[attr-defined]


def test_export_then_import_gives_the_same_plan(served: Served, example: tuple[int, bytes]) -> None:
    pid, data = example
    new = _import(served, data)
    access = ctx(served, "coordinator").access
    with served.platform.session() as s:  # type: ignore[attr-defined]
        before, after = D.document(s, pid, access), D.document(s, new, access)
    assert new != pid
    assert after == before
    assert len(before.items) >= 7 and before.needs and before.walk_indicators()
    assert sum(len(i.actuals) for _k, i in before.walk_indicators()) == 16  # a year of actuals
    # and the JSON export reads back as the same document
    assert type(before).model_validate_json(before.model_dump_json()) == before


def _set(sheet: str, cell: str, value: Any) -> Callable[[Any], None]:
    def change(wb: Any) -> None:
        wb[sheet][cell] = value

    return change


def _drop(sheet: str) -> Callable[[Any], None]:
    def change(wb: Any) -> None:
        del wb[sheet]

    return change


def _copy(sheet: str, src: str, dst: str) -> Callable[[Any], None]:
    def change(wb: Any) -> None:
        wb[sheet][dst] = wb[sheet][src].value

    return change


#: (what is wrong, how to make it, the cell the refusal must name)
MALFORMED: list[tuple[str, Callable[[Any], None], str]] = [
    ("no Plan sheet", _drop("Plan"), "Plan!A1"),
    ("no Actions sheet", _drop("Actions"), "Actions!A1"),
    ("a wrong heading", _set("Needs", "B1", "type"), "Needs!B1"),
    ("no title", _set("Plan", "B5", None), "Plan!B5"),
    ("an unknown template", _set("Plan", "B6", "nope"), "Plan!B6"),
    ("an unknown zone", _set("Plan", "B4", "Z99"), "Plan!B4"),
    ("a start that is not a date", _set("Plan", "B7", "soon"), "Plan!B7"),
    ("a period that ends first", _set("Plan", "B8", dt.datetime(2020, 1, 1)), "Plan!B8"),
    ("an impossible contract date", _set("Plan", "B11", "2026-02-31"), "Plan!B11"),
    ("an unknown plan field", _set("Plan", "A12", "colour"), "Plan!A12"),
    ("an unknown plan status", _set("Plan", "B9", "approved-ish"), "Plan!B9"),
    ("a need key twice", _copy("Needs", "A2", "A3"), "Needs!A3"),
    ("an unknown need kind", _set("Needs", "B2", "opinion"), "Needs!B2"),
    ("an objective without a title", _set("Strategic", "C2", None), "Strategic!C2"),
    ("an unknown parent", _set("Operational", "B2", "S9"), "Operational!B2"),
    ("an action under a strategic objective", _set("Actions", "B2", "S1"), "Actions!B2"),
    ("an unknown need", _set("Actions", "E2", "N99"), "Actions!E2"),
    ("a start that is no date", _set("Actions", "I2", "tomorrow"), "Actions!I2"),
    ("an action that ends first", _set("Actions", "J2", dt.datetime(2020, 1, 1)), "Actions!J2"),
    ("an unknown action status", _set("Actions", "K2", "finished"), "Actions!K2"),
    ("an owner that is not an id", _set("Actions", "G2", "Dr Smith"), "Actions!G2"),
    ("an owner not of the zone", _set("Actions", "G2", 999999), "Actions!G2"),
    ("an action key twice", _copy("Actions", "A2", "A3"), "Actions!A3"),
    ("a negative budget", _set("Budget", "D2", -5), "Budget!D2"),
    ("a budget that is not a number", _set("Budget", "D2", "a lot"), "Budget!D2"),
    ("a budget line of no action", _set("Budget", "A2", "S9.9"), "Budget!A2"),
    ("a value outside the columns", _set("Budget", "H2", "x"), "Budget!H2"),
    ("an indicator of no item", _set("Indicators", "B2", "S7"), "Indicators!B2"),
    ("a polarity that is not yes or no", _set("Indicators", "E2", "maybe"), "Indicators!E2"),
    ("a month 13", _set("Targets", "B2", "2026-13"), "Targets!B2"),
    ("a target that is not a number", _set("Targets", "C2", "ten"), "Targets!C2"),
    ("an actual of no indicator", _set("Actuals", "A2", "I99"), "Actuals!A2"),
    ("an unknown actual status", _set("Actuals", "D2", "ok"), "Actuals!D2"),
]


def test_there_are_at_least_25_kinds() -> None:
    assert len(MALFORMED) >= 25
    assert len({m[0] for m in MALFORMED}) == len(MALFORMED)


@pytest.mark.parametrize(("what", "change", "cell"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_a_malformed_workbook_is_refused_naming_the_cell(
    served: Served,
    example: tuple[int, bytes],
    what: str,
    change: Callable[[Any], None],
    cell: str,
) -> None:
    _pid, data = example
    wb = load_workbook(io.BytesIO(data))
    change(wb)
    out = io.BytesIO()
    wb.save(out)
    with served.platform.session() as s:  # type: ignore[attr-defined]
        plans_before = s.scalar(select(func.count()).select_from(Plan))
    with pytest.raises(ValidationError) as e:
        _import(served, out.getvalue())
    assert cell in e.value.cells, (what, str(e.value))  # type: ignore[attr-defined]
    assert cell in str(e.value) and "plan.xlsx" in str(e.value)
    with served.platform.session() as s:  # type: ignore[attr-defined]
        assert s.scalar(select(func.count()).select_from(Plan)) == plans_before


def test_a_file_that_is_not_a_workbook(served: Served) -> None:
    with pytest.raises(ValidationError, match="not an XLSX"):
        _import(served, b"PK\x03\x04 not really")
