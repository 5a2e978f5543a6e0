"""The world café rotation: by hand, and its invariants with Hypothesis."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mesocare.errors import ValidationError
from mesocare.organisation.cafe import Participant, Rotation, rotate

SECTORS = ("care", "welfare", "local", "patients")
PROFESSIONS = ("gp", "nurse", "social worker", "pharmacist", "physio")


def test_nine_people_three_tables_two_rounds_never_meet_twice() -> None:
    people = [Participant(i, PROFESSIONS[i % 5], SECTORS[i % 3]) for i in range(9)]
    rot = rotate(people, [0, 1, 2], 2)
    assert rot.repeats() == 0
    assert [seats[0] for seats in rot.rounds[1]] == [0, 1, 2]


def test_sectors_are_spread_over_the_tables() -> None:
    # six from care, three from welfare, three hosts: each table gets two care and one welfare
    people = [Participant(i, "gp", "care") for i in range(6)]
    people += [Participant(10 + i, "social worker", "welfare") for i in range(3)]
    people += [Participant(20 + i, "nurse", "local") for i in range(3)]
    rot = rotate(people, [20, 21, 22], 3)
    for tables in rot.rounds:
        for seats in tables:
            sectors = Counter(p.sector for p in people if p.id in seats[1:])
            assert sectors == {"care": 2, "welfare": 1}


def test_bad_input_is_refused_with_its_field() -> None:
    people = [Participant(1, "gp", "care"), Participant(2, "gp", "care")]
    with pytest.raises(ValidationError) as e:
        rotate(people, [3], 2)
    assert e.value.column == "hosts"
    with pytest.raises(ValidationError):
        rotate(people, [1, 1], 2)
    with pytest.raises(ValidationError) as e:
        rotate(people, [1], 0)
    assert e.value.column == "rounds"


@st.composite
def groups(draw: st.DrawFn) -> tuple[list[Participant], list[int], int]:
    n = draw(st.integers(2, 24))
    people = [
        Participant(i, draw(st.sampled_from(PROFESSIONS)), draw(st.sampled_from(SECTORS)))
        for i in range(n)
    ]
    tables = draw(st.integers(1, max(1, n // 2)))
    hosts = draw(st.permutations(range(n)))[:tables]
    return people, list(hosts), draw(st.integers(1, 4))


@settings(max_examples=60, deadline=None)
@given(groups())
def test_every_round_seats_everyone_once_keeps_hosts_and_balances_sizes_and_sectors(
    g: tuple[list[Participant], list[int], int],
) -> None:
    people, hosts, rounds = g
    rot = rotate(people, hosts, rounds)
    assert len(rot.rounds) == rounds
    guests = [p for p in people if p.id not in hosts]
    count = Counter(p.sector for p in guests)
    n = len(hosts)
    for tables in rot.rounds:
        seated = [i for seats in tables for i in seats]
        assert sorted(seated) == sorted(p.id for p in people)
        assert [seats[0] for seats in tables] == hosts
        sizes = [len(seats) for seats in tables]
        assert max(sizes) - min(sizes) <= 1
        for seats in tables:
            here = Counter(p.sector for p in guests if p.id in seats)
            for sector, c in count.items():
                assert here[sector] in (c // n, -(-c // n)), (sector, here, count)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 6), st.data())
def test_two_rounds_of_one_sector_meet_nobody_twice_when_tables_are_small_enough(
    tables: int, data: st.DataObject
) -> None:
    """With at most ``tables - 1`` guests a table, a second round where no pair meets again
    exists (guest j of table t goes to table t + j + 1); the rotation must find one."""
    per_table = data.draw(st.integers(1, tables - 1))
    n = tables * (per_table + 1)
    profs = data.draw(st.lists(st.sampled_from(PROFESSIONS), min_size=n, max_size=n))
    people = [Participant(i, profs[i], "care") for i in range(n)]
    rot = rotate(people, list(range(tables)), 2)
    assert rot.repeats() == 0


def test_repeats_counts_each_extra_meeting() -> None:
    rot = Rotation((((1, 2, 3),), ((1, 2, 3),)))
    assert rot.repeats() == 3
    assert rot.table_of(1, 3) == 0
