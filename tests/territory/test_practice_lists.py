"""The synthetic enrolled patient lists: deterministic, plausible, saved with the territory."""

from __future__ import annotations

import pytest

from mesocare.errors import ValidationError
from mesocare.territory.practice_lists import (
    LISTS_TABLE,
    PRACTICES_TABLE,
    check_tables,
    generate_lists,
    with_practice_lists,
)


@pytest.fixture(scope="module")
def tables(leuven):
    return generate_lists(leuven)


def test_deterministic(leuven, tables):
    prac, lists = generate_lists(leuven)
    assert prac.equals(tables[0]) and lists.equals(tables[1])
    other = generate_lists(leuven, seed=1)[1]
    assert not other["patients"].equals(lists["patients"])


def test_plausible(leuven, tables):
    prac, lists = tables
    gp = leuven.providers[leuven.providers["discipline"] == "gp"]
    assert set(prac["practice_id"]) == set(gp["practice_id"])
    n = lists["patients"].sum()
    assert 0.7 < n / leuven.population["count"].sum() < 0.9  # GMD coverage about 80%
    contacts = (lists["consultations"] + lists["home_visits"]).sum() / n
    assert 3.5 < contacts < 6.0  # about 4-5 GP contacts per person and year
    assert 0.10 < (lists["patients"] * lists["bim"]).sum() / n < 0.30
    assert 0.10 < (lists["patients"] * lists["chronic"]).sum() / n < 0.25
    assert (prac["patients"] > 0).all()
    check_tables(prac, lists)


def test_check_tables_names_the_column(tables):
    prac, lists = tables
    bad = lists.copy()
    bad.loc[3, "patients"] = -1
    with pytest.raises(ValidationError, match=r"practice_lists, column 'patients', row 4"):
        check_tables(prac, bad)


def test_saved_with_the_territory(leuven, tmp_path):
    from mesocare.territory import load_territory, save_territory

    t = with_practice_lists(leuven)
    assert {PRACTICES_TABLE, LISTS_TABLE} <= set(t.manifest.optional_tables)
    back = load_territory(save_territory(t, tmp_path / "t"))
    assert back.tables[LISTS_TABLE]["patients"].sum() == t.tables[LISTS_TABLE]["patients"].sum()
