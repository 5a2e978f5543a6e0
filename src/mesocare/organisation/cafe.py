"""World café rotation: who sits at which table in each round, mixing professions and sectors.

:func:`rotate` is a pure function. Each table keeps its host in every round; the other
participants are dealt anew each round so that

- every round is a partition: each participant sits at exactly one table;
- tables are balanced: their sizes differ by at most one;
- sectors are spread: for every sector, each table holds ``c // T`` or ``c // T + 1`` of the
  ``c`` non-host participants of that sector (``T`` tables), so a table mixes as many sectors
  as the group allows;
- within that, pairs who already sat together (a guest and a host count too) are kept apart
  when a swap can avoid it, and then two of the same profession at one table.

The deal is greedy (sectors largest first; each sector's extra seats go to the smallest tables,
which keeps the sizes balanced), then improved by swapping two guests between tables (of the
same sector, or of two sectors when both tables stay within the spread above) while it lowers
the cost ``100 × earlier meetings + same-profession pairs`` of the round.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from mesocare.errors import ValidationError
from mesocare.i18n import _

#: the weight of a pair who already met, against a pair of the same profession
MET_WEIGHT = 100
#: at most this many improving passes per round
MAX_PASSES = 20


@dataclass(frozen=True)
class Participant:
    id: int
    profession: str
    sector: str


@dataclass(frozen=True)
class Rotation:
    """``rounds[r][t]``: the participants' ids at table ``t`` in round ``r``, its host first."""

    rounds: tuple[tuple[tuple[int, ...], ...], ...]

    def table_of(self, round_index: int, participant_id: int) -> int:
        for t, seats in enumerate(self.rounds[round_index]):
            if participant_id in seats:
                return t
        raise KeyError(participant_id)

    def repeats(self) -> int:
        """How many times a pair sits together again after their first round together."""
        seen: Counter[frozenset[int]] = Counter()
        for tables in self.rounds:
            for seats in tables:
                for a, b in combinations(seats, 2):
                    seen[frozenset((a, b))] += 1
        return sum(n - 1 for n in seen.values() if n > 1)


def _check(people: Sequence[Participant], hosts: Sequence[int], rounds: int) -> None:
    ids = [p.id for p in people]
    if len(set(ids)) != len(ids):
        raise ValidationError(_("a participant is listed twice"), column="participants")
    if not hosts:
        raise ValidationError(_("a workshop needs at least one table with a host"), column="hosts")
    if len(set(hosts)) != len(hosts) or not set(hosts) <= set(ids):
        raise ValidationError(
            _("each table needs its own host, chosen among the participants"), column="hosts"
        )
    if not 1 <= rounds <= 10:
        raise ValidationError(
            _("a workshop has 1 to 10 rounds"), column="rounds", found=str(rounds)
        )


def _cost(seats: Sequence[int], by_id: dict[int, Participant], met: Counter[frozenset[int]]) -> int:
    total = 0
    for a, b in combinations(seats, 2):
        total += MET_WEIGHT * met[frozenset((a, b))]
        total += by_id[a].profession == by_id[b].profession
    return total


def _deal(
    guests: Sequence[Participant],
    hosts: Sequence[int],
    by_id: dict[int, Participant],
    met: Counter[frozenset[int]],
    round_index: int,
) -> list[list[int]]:
    n = len(hosts)
    tables: list[list[int]] = [[h] for h in hosts]
    by_sector: dict[str, list[Participant]] = defaultdict(list)
    for g in guests:
        by_sector[g.sector].append(g)
    sectors = sorted(by_sector, key=lambda s: (-len(by_sector[s]), s))
    for sector in sectors:
        members = by_sector[sector]
        base, extra = divmod(len(members), n)
        order = sorted(range(n), key=lambda t: (len(tables[t]), (t - round_index) % n))
        quota = {t: base + (1 if i < extra else 0) for i, t in enumerate(order)}
        # the most-met first: they have the fewest good places
        todo = sorted(members, key=lambda p: (-sum(v for k, v in met.items() if p.id in k), p.id))
        for p in todo:
            free = [t for t in range(n) if quota[t] > 0]
            best = min(
                free,
                key=lambda t: (
                    sum(met[frozenset((p.id, o))] for o in tables[t]),
                    sum(by_id[o].profession == p.profession for o in tables[t]),
                    (t - round_index) % n,
                ),
            )
            tables[best].append(p.id)
            quota[best] -= 1
    n_of = Counter(g.sector for g in guests)
    _improve(tables, by_id, met, {k: (c // n, -(-c // n)) for k, c in n_of.items()})
    return tables


def _improve(
    tables: list[list[int]],
    by_id: dict[int, Participant],
    met: Counter[frozenset[int]],
    bounds: dict[str, tuple[int, int]],
) -> None:
    """Swap two guests between tables while it lowers the round's cost and keeps every sector
    within its ``bounds`` at each table."""

    def fits(seats: list[int]) -> bool:
        here = Counter(by_id[i].sector for i in seats[1:])
        return all(lo <= here[s] <= hi for s, (lo, hi) in bounds.items())

    for _pass in range(MAX_PASSES):
        better = False
        for t1, t2 in combinations(range(len(tables)), 2):
            for i in range(1, len(tables[t1])):
                for j in range(1, len(tables[t2])):
                    a, b = tables[t1][i], tables[t2][j]
                    before = _cost(tables[t1], by_id, met) + _cost(tables[t2], by_id, met)
                    tables[t1][i], tables[t2][j] = b, a
                    after = _cost(tables[t1], by_id, met) + _cost(tables[t2], by_id, met)
                    if after < before and (
                        by_id[a].sector == by_id[b].sector
                        or (fits(tables[t1]) and fits(tables[t2]))
                    ):
                        better = True
                    else:
                        tables[t1][i], tables[t2][j] = a, b
        if not better:
            return


def rotate(people: Sequence[Participant], hosts: Sequence[int], rounds: int) -> Rotation:
    """The seating of ``rounds`` rounds; ``hosts[t]`` hosts table ``t`` in every round."""
    _check(people, hosts, rounds)
    by_id = {p.id: p for p in people}
    host_set = set(hosts)
    guests = sorted((p for p in people if p.id not in host_set), key=lambda p: p.id)
    met: Counter[frozenset[int]] = Counter()
    out = []
    for r in range(rounds):
        tables = _deal(guests, hosts, by_id, met, r)
        for seats in tables:
            for a, b in combinations(seats, 2):
                met[frozenset((a, b))] += 1
        out.append(tuple(tuple(seats) for seats in tables))
    return Rotation(tuple(out))


__all__ = ["Participant", "Rotation", "rotate"]
