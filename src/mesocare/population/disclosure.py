"""Small-number disclosure control: primary and secondary suppression of linked counts.

The published counts are *cells*: one per unit (area, network, zone, region, practice) and count
column (``persons``, ``has_diabetes``, ``eligible_<gap>``, ``gap_<gap>``, ``chronic``,
``stratum_1`` …). They are tied by additive *constraints* that an attacker can subtract:

* the hierarchy: a parent's cell is the sum of its children's (area → network → zone → region),
  for every count column;
* the complement of every published row: ``denominator = numerator + (denominator − numerator)``,
  the complement being a cell of its own that is known as soon as both sides are, and that rolls
  up the hierarchy like the others;
* partitions within a unit (the three strata add up to the persons with a chronic condition).

Primary suppression hides every cell (complements included) with a value in ``1..k-1``. Secondary
suppression then runs to a fixed point, deterministically (cells are ordered by value, then by
index): whenever a constraint has exactly one unknown cell (it could be recovered by
differencing), or its published total minus its published parts leaves the hidden parts a sum in
``1..k-1``, the smallest published non-zero part of that constraint (or, failing one, its total)
is hidden as well. Hiding a complement means hiding its numerator. :func:`recoverable` is the
attacker: it propagates exact recoveries through the constraints and lists what it learns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Cells:
    """Cell values, the constraints ``cells[total] = sum(cells[parts])``, and complement links.

    A complement cell is never published itself: it is unknown as soon as its numerator or its
    denominator is hidden.
    """

    values: np.ndarray
    totals: np.ndarray
    parts: list[np.ndarray]
    numerator_of: np.ndarray  # complement cell → its numerator cell (-1 for a real cell)
    denominator_of: np.ndarray  # complement cell → its denominator cell (-1 for a real cell)
    flat: tuple[np.ndarray, np.ndarray] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "flat", _flat(self))

    def unknown(self, hidden: np.ndarray) -> np.ndarray:
        """Cells an attacker does not read directly (hidden, or complements of a hidden cell)."""
        out = hidden.copy()
        comp = self.numerator_of >= 0
        out[comp] = hidden[self.numerator_of[comp]] | hidden[self.denominator_of[comp]]
        return out


def _real(cells: Cells, i: int) -> int:
    """The cell to hide in order to hide ``i`` (a complement is hidden through its numerator)."""
    return int(cells.numerator_of[i]) if cells.numerator_of[i] >= 0 else i


@dataclass(frozen=True)
class Attack:
    """What differencing gives: every cell learnt, and the constraints that disclose.

    ``recovered``: cell → the constraint that gave it exactly (cells not published but
    recomputed, propagated: a recovered cell is known when the next constraint is read).
    ``breaches``: constraints that give a cell of value ``1..k-1`` exactly, or whose known total
    minus known parts leaves their unknown cells a sum in ``1..k-1``.
    """

    recovered: dict[int, int]
    breaches: list[int]


def _flat(cells: Cells) -> tuple[np.ndarray, np.ndarray]:
    """Every constraint's members (its total first) as flat arrays (cell, constraint)."""
    sizes = np.fromiter((len(p) + 1 for p in cells.parts), dtype=np.int64, count=len(cells.parts))
    cons = np.repeat(np.arange(len(cells.parts), dtype=np.int64), sizes)
    chunks = [np.concatenate(([t], p)) for t, p in zip(cells.totals, cells.parts, strict=True)]
    members = np.concatenate(chunks).astype(np.int64) if chunks else np.zeros(0, np.int64)
    return members, cons


def attack(cells: Cells, hidden: np.ndarray, k: int) -> Attack:
    """Differencing attack: solve every constraint with one unknown, repeatedly; then sums."""
    members, cons = cells.flat
    n_cons = len(cells.parts)
    known = ~cells.unknown(hidden)
    recovered: dict[int, int] = {}
    breaches: set[int] = set()
    v = cells.values
    while True:
        unk = ~known[members]
        n_unk = np.bincount(cons, weights=unk, minlength=n_cons)
        pick = unk & (n_unk[cons] == 1)
        if not pick.any():
            break
        new, first = np.unique(members[pick], return_index=True)
        for cell, c in zip(new.tolist(), cons[pick][first].tolist(), strict=True):
            recovered[cell] = c
            if 1 <= v[cell] < k:
                breaches.add(c)
        known[new] = True
    is_total = np.zeros(len(members), dtype=bool)
    if len(cons):
        is_total[np.flatnonzero(np.r_[True, cons[1:] != cons[:-1]])] = True
    unk = ~known[members]
    n_unk = np.bincount(cons, weights=unk, minlength=n_cons)
    known_parts = np.bincount(
        cons, weights=np.where(~is_total & ~unk, v[members], 0.0), minlength=n_cons
    )
    residual = v[cells.totals] - known_parts
    small = known[cells.totals] & (n_unk >= 1) & (residual >= 1) & (residual < k)
    breaches.update(np.flatnonzero(small).tolist())
    return Attack(recovered, sorted(breaches))


def protect(cells: Cells, k: int, *, force: np.ndarray | None = None) -> np.ndarray:
    """The hidden real cells: primary (value in ``1..k-1``, and ``force``) and secondary.

    Rounds of :func:`attack`: in each constraint that discloses, the smallest non-zero cell the
    attacker reads (a part, else the total) is hidden, until the attack finds nothing.
    """
    v = cells.values
    hidden = np.zeros(len(v), dtype=bool)
    primary = (v >= 1) & (v < k)
    if force is not None:
        primary = primary | force
    for i in np.flatnonzero(primary):
        hidden[_real(cells, int(i))] = True
    while True:
        result = attack(cells, hidden, k)
        if not result.breaches:
            return hidden
        shown = ~cells.unknown(hidden)  # what is read directly, updated with each pick
        known = shown.copy()  # ... and what the attack recovered from it
        known[list(result.recovered)] = True
        # fix the breaches that need no recovered cell first: the others may go with them
        first = [c for c in result.breaches if _direct(cells, c, result.recovered)]
        first = first or result.breaches
        added = False
        for c in first:
            if added and not _still_breached(cells, c, shown, k):
                continue  # an earlier pick of this round protects it already
            pick = _traced_candidate(cells, c, known, hidden, result.recovered)
            if pick is not None:
                hidden[pick] = True
                hang = (cells.numerator_of == pick) | (cells.denominator_of == pick)
                for arr in (shown, known):
                    arr[pick] = False
                    arr[hang] = False
                added = True
        if not added:  # unreachable: a constraint with a known cell has a candidate
            raise AssertionError("secondary suppression found no cell to hide")


def _direct(cells: Cells, c: int, recovered: dict[int, int]) -> bool:
    """Constraint ``c`` discloses from published cells alone (or from what it recovers)."""
    ids = [int(cells.totals[c]), *cells.parts[c].tolist()]
    return all(recovered.get(m, c) == c for m in ids)


def _still_breached(cells: Cells, c: int, known: np.ndarray, k: int) -> bool:
    total, parts = int(cells.totals[c]), cells.parts[c]
    n_unknown = int(not known[total]) + int((~known[parts]).sum())
    if n_unknown == 1:
        return True
    if not known[total] or n_unknown == 0:
        return False
    r = cells.values[total] - float(cells.values[parts][known[parts]].sum())
    return bool(1 <= r < k)


def _traced_candidate(
    cells: Cells, c: int, known: np.ndarray, hidden: np.ndarray, recovered: dict[int, int]
) -> int | None:
    """A cell to hide in ``c``; if all it shows is hidden but recovered, the smallest non-zero
    candidate of the constraints that recovered those (and so on, breadth first)."""
    pick = _candidate(cells, c, known, hidden)
    if pick is not None:
        return pick
    seen, queue, found = {c}, [c], []
    while queue and len(seen) < 500:
        cur = queue.pop(0)
        cand = _candidate(cells, cur, known, hidden)
        if cand is not None:
            found.append((cells.values[cand] == 0, cells.values[cand], cand))
        for m in [int(cells.totals[cur]), *cells.parts[cur].tolist()]:
            src = recovered.get(m)
            if src is not None and src not in seen:
                seen.add(src)
                queue.append(src)
    return min(found)[2] if found else None


def _candidate(cells: Cells, c: int, known: np.ndarray, hidden: np.ndarray) -> int | None:
    """The real cell to hide in constraint ``c``: the smallest non-zero known part, else the
    total, else a zero part (ties by cell index: deterministic)."""
    total, parts = int(cells.totals[c]), cells.parts[c]
    v = cells.values
    cands = [int(p) for p in parts if known[p]]
    cands.sort(key=lambda p: (v[p] == 0, v[p], p))
    if known[total]:
        cands.insert(sum(1 for p in cands if v[p] > 0), total)
    for cand in cands:
        real = _real(cells, cand)
        if not hidden[real]:
            return real
    return None


def build_cells(
    values: Sequence[float],
    sums: Sequence[tuple[int, Sequence[int]]],
    complements: Sequence[tuple[int, int]],
    complement_sums: Sequence[tuple[int, Sequence[int]]] = (),
) -> tuple[Cells, list[int]]:
    """Cells from real values, sum constraints over real cells, and complement pairs.

    ``complements``: (numerator, denominator) real cell pairs; each gets a complement cell
    (returned, in order) and the constraint ``denominator = numerator + complement``.
    ``complement_sums``: sum constraints over complement indices (positions in ``complements``).
    """
    vals = [float(x) for x in values]
    num_of = [-1] * len(vals)
    den_of = [-1] * len(vals)
    totals: list[int] = []
    parts: list[np.ndarray] = []
    for t, ps in sums:
        totals.append(t)
        parts.append(np.asarray(ps, dtype=np.int64))
    comp_ids = []
    for num, den in complements:
        idx = len(vals)
        vals.append(vals[den] - vals[num])
        num_of.append(num)
        den_of.append(den)
        comp_ids.append(idx)
        totals.append(den)
        parts.append(np.asarray([num, idx], dtype=np.int64))
    for t, ps in complement_sums:
        totals.append(comp_ids[t])
        parts.append(np.asarray([comp_ids[p] for p in ps], dtype=np.int64))
    cells = Cells(
        values=np.asarray(vals, dtype=float),
        totals=np.asarray(totals, dtype=np.int64),
        parts=parts,
        numerator_of=np.asarray(num_of, dtype=np.int64),
        denominator_of=np.asarray(den_of, dtype=np.int64),
    )
    return cells, comp_ids


HIERARCHY = ("area", "network", "zone", "region")


def hierarchy_groups(areas: pd.DataFrame) -> list[tuple[tuple[str, str], list[tuple[str, str]]]]:
    """(parent unit, child units) for every parent and every lower level that partitions it.

    ``areas``: area_code → network_code, zone_code, region_code. A region is the sum of its
    zones, of its networks (when all its areas have one) and of its areas; and so on down.
    """
    a = areas.drop_duplicates("area_code")
    out: list[tuple[tuple[str, str], list[tuple[str, str]]]] = []
    for li, level in enumerate(HIERARCHY[1:], start=1):
        col = f"{level}_code"
        if col not in a.columns:
            continue
        for parent, grp in a[a[col].notna()].groupby(col, sort=True):
            for lower in HIERARCHY[:li]:
                lcol = f"{lower}_code"
                if lcol not in grp.columns or bool(grp[lcol].isna().any()):
                    continue
                kids = sorted(set(grp[lcol].astype(str)))
                out.append(((level, str(parent)), [(lower, k) for k in kids]))
    return out


@dataclass(frozen=True)
class TableCells:
    """The cells of a table of measure rows, and each row's numerator and denominator cell."""

    cells: Cells
    num_cell: np.ndarray  # -1: the row's numerator is not published at all
    den_cell: np.ndarray
    n_real: int


def suppress_rows(
    rows: pd.DataFrame,
    k: int,
    *,
    areas: pd.DataFrame | None = None,
    partitions: Mapping[str, Sequence[str]] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which numerators and denominators of ``rows`` to hide, and which were primary.

    ``rows``: level, unit_code, num_col, den_col, numerator, denominator (one row per published
    measure of a unit; ``num_col`` None for a row whose numerator is not published at all).
    ``partitions``: a count column → the columns that add up to it within a unit (the strata).
    Returns boolean arrays (numerator hidden, denominator hidden, primary) aligned with ``rows``.
    """
    t = table_cells(rows, areas=areas, partitions=partitions)
    cells, num_cell, den_cell, n_real = t.cells, t.num_cell, t.den_cell, t.n_real
    # a zero numerator of a hidden denominator is left out of the output, but counted here as
    # published (what an attacker would have at most): the protection does not rely on it
    hidden = protect(cells, k)
    primary = np.zeros(len(cells.values), dtype=bool)
    primary[:n_real] = (cells.values[:n_real] >= 1) & (cells.values[:n_real] < k)
    comp = cells.numerator_of >= 0
    small_comp = comp & (cells.values >= 1) & (cells.values < k)
    primary[cells.numerator_of[small_comp]] = True
    has_num = num_cell >= 0
    num_hidden = np.where(has_num, hidden[np.maximum(num_cell, 0)], False)
    num_primary = np.where(has_num, primary[np.maximum(num_cell, 0)], False)
    return num_hidden, hidden[den_cell], num_primary | primary[den_cell]


def published_attack(
    rows: pd.DataFrame,
    num_shown: np.ndarray,
    den_shown: np.ndarray,
    k: int,
    *,
    areas: pd.DataFrame | None = None,
    partitions: Mapping[str, Sequence[str]] | None = None,
) -> Attack:
    """The differencing attack on a published table: ``rows`` hold the true counts, the masks
    say which numerators and denominators are published (a cell shown in any row is known)."""
    t = table_cells(rows, areas=areas, partitions=partitions)
    hidden = np.ones(len(t.cells.values), dtype=bool)
    hidden[t.num_cell[(t.num_cell >= 0) & num_shown]] = False
    hidden[t.den_cell[den_shown]] = False
    return attack(t.cells, hidden, k)


def table_cells(
    rows: pd.DataFrame,
    *,
    areas: pd.DataFrame | None = None,
    partitions: Mapping[str, Sequence[str]] | None = None,
) -> TableCells:
    """The cells and constraints of measure rows (see :func:`suppress_rows`)."""
    index: dict[tuple[str, str, str], int] = {}
    values: list[float] = []
    keys: list[tuple[str, str, str]] = []

    def cell(level: str, unit: str, col: str, value: float) -> int:
        key = (level, unit, col)
        if key not in index:
            index[key] = len(values)
            values.append(value)
            keys.append(key)
        return index[key]

    lv = rows["level"].astype(str).to_numpy()
    uc = rows["unit_code"].astype(str).to_numpy()
    nc = rows["num_col"].to_numpy()
    dc = rows["den_col"].astype(str).to_numpy()
    nv = rows["numerator"].to_numpy(dtype=float)
    dv = rows["denominator"].to_numpy(dtype=float)
    num_cell = np.full(len(rows), -1, dtype=np.int64)
    den_cell = np.empty(len(rows), dtype=np.int64)
    comp_pairs: dict[tuple[int, int], int] = {}
    for i in range(len(rows)):
        den_cell[i] = cell(lv[i], uc[i], dc[i], dv[i])
        if nc[i] is None or nc[i] != nc[i]:
            continue
        num_cell[i] = cell(lv[i], uc[i], str(nc[i]), nv[i])
        comp_pairs.setdefault((int(num_cell[i]), int(den_cell[i])), len(comp_pairs))
    sums: list[tuple[int, list[int]]] = []
    comp_sums: list[tuple[int, list[int]]] = []
    units_cols: dict[tuple[str, str], set[str]] = {}
    for level, unit, col in index:
        units_cols.setdefault((level, unit), set()).add(col)
    pair_cols = {}
    by_unit: dict[tuple[str, str], list[tuple[tuple[str, str], int]]] = {}
    for (n, d), j in comp_pairs.items():
        pair_cols[(*keys[n], keys[d][2])] = j
        by_unit.setdefault(keys[n][:2], []).append(((keys[n][2], keys[d][2]), j))
    for parent, kids in hierarchy_groups(areas) if areas is not None else []:
        if parent not in units_cols:
            continue
        for col in sorted(units_cols[parent]):
            # a child without rows has no persons: it adds nothing, the others add up
            parts = [index.get((kl, ku, col)) for kl, ku in kids]
            sums.append((index[(*parent, col)], [int(p) for p in parts if p is not None]))
        for (ncol, dcol), j in sorted(by_unit.get(parent, [])):
            kid_j = [pair_cols.get((kl, ku, ncol, dcol)) for kl, ku in kids]
            comp_sums.append((j, [int(x) for x in kid_j if x is not None]))
    for (level, unit), cols in sorted(units_cols.items()):
        for total, parts_cols in (partitions or {}).items():
            if total in cols and all(p in cols for p in parts_cols):
                sums.append(
                    (index[(level, unit, total)], [index[(level, unit, p)] for p in parts_cols])
                )
    pairs = sorted(comp_pairs, key=lambda pr: comp_pairs[pr])
    cells, _ = build_cells(values, sums, pairs, comp_sums)
    return TableCells(cells, num_cell, den_cell, len(values))
