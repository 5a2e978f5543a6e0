"""Who to reach first: the target list on a synthetic population equals a pandas count of the same
rule; only the practice's members see it; a case opened from it holds the keyed link only; the
counts per area are suppressed; the link's key is created once, 0600."""

from __future__ import annotations

import hashlib
import re
import stat
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from tests.platform_fixtures import ACCOUNTS, Served
from tests.services.records.test_cases import ctx

from mesocare.errors import ConflictError, PermissionDeniedError, ValidationError
from mesocare.population import targets as T
from mesocare.population.codelists import load_codelists
from mesocare.population.synthetic import write_synthetic
from mesocare.services.platform import case_link
from mesocare.services.platform import targets as S
from mesocare.store.models_cases import Case

REF = date(2020, 12, 31)
RULE = T.DEFAULT_TARGETS[0]


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory, platform_data: Path) -> Path:
    from mesocare.territory import load_territory

    folder = tmp_path_factory.mktemp("pop") / "leuven"
    write_synthetic(load_territory(platform_data / "leuven"), folder, reference_date=REF, seed=7)
    return folder


def _served_with(served: Served, population: Path) -> Any:
    p: Any = served.platform
    target = S.population_dir(p.data_dir, "leuven")
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        target.symlink_to(population)
    return p


def _matches(df: pd.DataFrame, entries: pd.DataFrame) -> pd.Series:
    hit = pd.Series(False, index=df.index)
    for _i, e in entries.iterrows():
        same = df["system"] == e["system"]
        if e["match"] == "exact":
            hit |= same & (df["code"] == e["code"])
        else:
            hit |= same & df["code"].astype(str).str.startswith(e["code"])
    return hit


def pandas_rule(folder: Path, areas: list[str], rule: T.TargetRule) -> pd.DataFrame:
    """The rule written again in pandas, from the Parquet files."""
    cl = load_codelists()
    ref = pd.Timestamp(REF)
    persons = pd.read_parquet(folder / "persons.parquet")
    persons = persons[
        (pd.to_datetime(persons["birth_date"]) <= ref)
        & (persons["death_date"].isna() | (pd.to_datetime(persons["death_date"]) > ref))
        & persons["area_code"].isin(areas)
    ]
    d = pd.read_parquet(folder / "diagnoses.parquet")
    d = d[
        (pd.to_datetime(d["start_date"]) <= ref)
        & (d["end_date"].isna() | (pd.to_datetime(d["end_date"]) >= ref))
    ]
    ill = set(d.loc[_matches(d, cl.entries(rule.condition)), "person_id"])
    persons = persons[persons["person_id"].isin(ill)]
    m = pd.read_parquet(folder / "measurements.parquet")
    start = ref - pd.DateOffset(months=rule.window_months)
    m = m[(pd.to_datetime(m["date"]) > start) & (pd.to_datetime(m["date"]) <= ref)]
    m = m[_matches(m, cl.entries(rule.measurement))].sort_values(["person_id", "date"])
    last = m.groupby("person_id")["value"].last()
    v = persons["person_id"].map(last)
    listed = v.isna() | (v > rule.max_value)
    return persons.loc[listed, ["person_id", "area_code", "practice_id"]]


def test_the_list_equals_a_pandas_count(served: Served, population: Path) -> None:
    p = _served_with(served, population)
    entry = p.entry("leuven")
    rows, areas, ref = S.compute(entry, S.population_dir(p.data_dir, "leuven"), "Z01", RULE)
    assert ref == REF and areas
    zone_areas = set(entry.territory.areas.query("zone_code == 'Z01'")["area_code"])
    assert set(areas) <= zone_areas and len(areas) == -(-len(zone_areas) // 5)
    want = pandas_rule(population, areas, RULE)
    got = rows[rows["listed"]]
    assert len(want) > 0
    assert sorted(got["person_id"]) == sorted(want["person_id"])
    by_practice = got.groupby("practice_id").size().sort_index()
    assert by_practice.equals(want.groupby("practice_id").size().sort_index())


def test_only_members_see_it_and_a_case_carries_the_link(served: Served, population: Path) -> None:
    p = _served_with(served, population)
    entry = p.entry("leuven")
    practice = next(iter(S.practices(entry, "Z01")))
    member, coord = ctx(served, ACCOUNTS["member"][0]), ctx(served, ACCOUNTS["coordinator"][0])
    with p.session(write=True) as s, pytest.raises(PermissionDeniedError):
        S.target_list(s, entry, p.data_dir, practice, member)
    with p.session(write=True) as s, pytest.raises(PermissionDeniedError):
        S.add_member(s, entry, practice, ACCOUNTS["member"][0], member)
    with p.session(write=True) as s:
        S.add_member(s, entry, practice, ACCOUNTS["member"][0], coord)
    with p.session(write=True) as s:
        tl = S.target_list(s, entry, p.data_dir, practice, member)
    # the coordinator of the zone is not a member of the practice
    with p.session(write=True) as s, pytest.raises(PermissionDeniedError):
        S.target_list(s, entry, p.data_dir, practice, coord)
    assert len(tl.rows) > 0 and not tl.rows["case"].any()
    # counts per area: suppressed below 5
    shown = tl.counts.dropna(subset=["numerator"])
    assert (shown["numerator"].eq(0) | shown["numerator"].ge(5)).all()
    person = str(tl.rows["person_id"].iloc[0])
    with p.session(write=True) as s:
        case = S.open_from_list(s, entry, p.data_dir, practice, person, member)
        cid, link = case.id, case.link_hash
    assert link == case_link.link_hash(p.data_dir, "leuven", person) and person not in link
    with p.session() as s:
        row = s.get_one(Case, cid)
        assert row.coordinator_id is not None and row.practice_id == practice
        assert person not in " ".join(str(v) for v in vars(row).values())
    with p.session(write=True) as s, pytest.raises(ConflictError):
        S.open_from_list(s, entry, p.data_dir, practice, person, member)
    with p.session(write=True) as s, pytest.raises(ValidationError):
        S.open_from_list(s, entry, p.data_dir, practice, "999999999", member)
    with p.session(write=True) as s:
        assert S.target_list(s, entry, p.data_dir, practice, member).rows["case"].sum() == 1


def test_the_key_is_made_once_and_private(tmp_path: Path) -> None:
    a = case_link.link_hash(tmp_path, "t", "42")
    key = tmp_path / case_link.KEY_FILE
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    assert case_link.link_hash(tmp_path, "t", "42") == a != case_link.link_hash(tmp_path, "t", "43")
    assert len(key.read_bytes()) == 32 and re.fullmatch("[0-9a-f]{64}", a)
    # keyed: another platform's key gives another link, and the plain hash is not it
    assert case_link.link_hash(tmp_path / "other", "t", "42") != a
    assert hashlib.sha256(b"t:42").hexdigest() != a


def test_the_most_deprived_areas() -> None:
    attrs = pd.DataFrame(
        {
            "area_code": ["a", "b", "c", "d", "e", "f"],
            "deprivation_score": [0.1, 0.9, 0.5, 0.9, 0.2, 0.3],
        }
    )
    assert T.most_deprived(attrs, ["a", "b", "c", "d", "e"], 0.2) == ["b"]
    assert T.most_deprived(attrs, ["a", "b", "c", "d", "e"], 0.4) == ["b", "d"]
    assert T.most_deprived(attrs, ["a", "c"], 0.01) == ["c"]
