"""Secondary suppression: no hidden small count can be recovered by differencing, at any level.

The invariant is checked on random hierarchies (region → zones → networks → areas, two measures
on the persons of each unit) against a slow, obvious attacker written here from scratch: it
writes every published number and every sum relation of the hierarchy as linear equations, and
a quantity is disclosed when it is determined by them (its vector lies in their row space, i.e. is
orthogonal to their null space). It checks each hidden numerator and denominator, each
complement (denominator − numerator) and each "parent − published children" difference.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from mesocare.population.disclosure import build_cells, hierarchy_groups, protect, suppress_rows

K = 5
MEASURES = ("m1", "m2")


@st.composite
def hierarchies(draw):
    """An areas table and each area's persons and numerators (some small, some zero)."""
    rows = []
    n_zones = draw(st.integers(1, 3))
    for z in range(n_zones):
        for n in range(draw(st.integers(1, 3))):
            for a in range(draw(st.integers(1, 4))):
                persons = draw(st.integers(0, 40))
                nums = [draw(st.integers(0, persons)) for _ in MEASURES]
                rows.append((f"A{z}{n}{a}", f"N{z}{n}", f"Z{z}", "R", persons, *nums))
    return pd.DataFrame(
        rows,
        columns=["area_code", "network_code", "zone_code", "region_code", "persons", *MEASURES],
    )


def measure_rows(h: pd.DataFrame, pairs=tuple((m, "persons") for m in MEASURES)) -> pd.DataFrame:
    """One row per unit × (numerator, denominator) at every level (the sums of the areas)."""
    out = []
    cols = sorted({c for pair in pairs for c in pair})
    for level in ("area", "network", "zone", "region"):
        sums = h.groupby(f"{level}_code")[cols].sum()
        for unit, r in sums.iterrows():
            for m, d in pairs:
                out.append((level, unit, m, d, int(r[m]), int(r[d])))
    return pd.DataFrame(
        out, columns=["level", "unit_code", "num_col", "den_col", "numerator", "denominator"]
    )


def disclosures(
    h: pd.DataFrame, rows: pd.DataFrame, shown_num, shown_den, partitions=None
) -> list[str]:
    """Every small value the published numbers determine (the slow, obvious attacker)."""
    var: dict[tuple[str, str, str], int] = {}
    value: list[float] = []
    for r in rows.itertuples():
        for col, v in ((r.num_col, r.numerator), (r.den_col, r.denominator)):
            if (r.level, r.unit_code, col) not in var:
                var[(r.level, r.unit_code, col)] = len(value)
                value.append(v)
    n = len(value)
    eqs = []
    groups = hierarchy_groups(h)
    columns = sorted({k[2] for k in var})
    for parent, kids in groups:
        for col in columns:
            e = np.zeros(n)
            e[var[(*parent, col)]] = 1
            for kid in kids:
                e[var[(*kid, col)]] -= 1
            eqs.append(e)
    for total, parts in (partitions or {}).items():
        for level, unit in {k[:2] for k in var}:
            e = np.zeros(n)
            e[var[(level, unit, total)]] = 1
            for p in parts:
                e[var[(level, unit, p)]] -= 1
            eqs.append(e)
    for i, r in enumerate(rows.itertuples()):
        for col, shown in ((r.num_col, shown_num[i]), (r.den_col, shown_den[i])):
            if shown:
                e = np.zeros(n)
                e[var[(r.level, r.unit_code, col)]] = 1
                eqs.append(e)
    a = np.array(eqs) if eqs else np.zeros((0, n))
    _, s, vt = np.linalg.svd(a) if len(a) else (None, np.zeros(0), np.eye(n))
    rank = int((s > 1e-9).sum())
    null = vt[rank:].T  # n × (n - rank)
    val = np.array(value)

    def determined(f: np.ndarray) -> bool:
        return bool(np.abs(f @ null).max(initial=0) < 1e-9)

    found = []
    published = {
        (r.level, r.unit_code, col)
        for i, r in enumerate(rows.itertuples())
        for col, shown in ((r.num_col, shown_num[i]), (r.den_col, shown_den[i]))
        if shown
    }
    for key, i in var.items():
        e = np.zeros(n)
        e[i] = 1
        if 1 <= val[i] < K and determined(e):
            found.append(f"{key} = {val[i]:.0f}")
    for r in rows.itertuples():
        d, m = var[(r.level, r.unit_code, r.den_col)], var[(r.level, r.unit_code, r.num_col)]
        e = np.zeros(n)
        e[d], e[m] = 1, -1
        if 1 <= val[d] - val[m] < K and determined(e):
            found.append(f"complement {r.level} {r.unit_code} {r.num_col}")
    for parent, kids in groups:
        for col in columns:
            hidden = [var[(*k, col)] for k in kids if (*k, col) not in published]
            if hidden and (*parent, col) in published:
                e = np.zeros(n)
                e[hidden] = 1
                if 1 <= val[hidden].sum() < K and determined(e):
                    found.append(f"{parent} {col} − published children")
    return found


def publish(h: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    rows = measure_rows(h)
    areas = h[["area_code", "network_code", "zone_code", "region_code"]]
    num_hidden, den_hidden, _ = suppress_rows(rows, K, areas=areas)
    # as :func:`mesocare.population.aggregate.suppress` publishes: no numerator without its
    # denominator
    return rows, ~(num_hidden | den_hidden), ~den_hidden


@settings(max_examples=150, deadline=None)
@given(hierarchies())
def test_nothing_small_is_recoverable(h):
    rows, shown_num, shown_den = publish(h)
    # nothing small is published, directly or as a complement
    num, den = rows["numerator"].to_numpy(), rows["denominator"].to_numpy()
    assert not (shown_num & (num >= 1) & (num < K)).any()
    assert not (shown_den & (den >= 1) & (den < K)).any()
    both = shown_num & shown_den
    assert not (both & (den - num >= 1) & (den - num < K)).any()
    assert disclosures(h, rows, shown_num, shown_den) == []


@settings(max_examples=50, deadline=None)
@given(hierarchies())
def test_deterministic(h):
    a = publish(h)
    b = publish(h.sample(frac=1, random_state=3).reset_index(drop=True))
    key = ["level", "unit_code", "num_col"]
    ka = a[0].assign(n=a[1], d=a[2]).sort_values(key, ignore_index=True)
    kb = b[0].assign(n=b[1], d=b[2]).sort_values(key, ignore_index=True)
    pd.testing.assert_frame_equal(ka, kb)


def test_primary_only_would_be_recoverable():
    """Without secondary suppression, network − published areas gives a hidden 3 away; with it,
    the smallest sibling that gives it away is hidden too, and no more."""
    # cells: 0 network, 1..3 areas; network = a1 + a2 + a3
    cells, _ = build_cells([30, 3, 12, 15], [(0, [1, 2, 3])], [])
    primary = np.array([False, True, False, False])
    hidden = protect(cells, K)
    assert hidden.tolist() == [False, True, True, False]
    assert primary.sum() == 1  # primary alone: 30 − 12 − 15 = 3


def test_complement_is_hidden():
    """48 of 50 persons: the complement 2 would be published; the numerator is hidden."""
    cells, comp = build_cells([48, 50], [], [(0, 1)])
    hidden = protect(cells, K)
    assert hidden[0] and not hidden[1] and comp == [2]


def test_small_sum_of_hidden_siblings_is_protected():
    """Two hidden areas 1 and 2 under a published total: total − published = 3 is small, so a
    third sibling is hidden as well."""
    cells, _ = build_cells([40, 1, 2, 17, 20], [(0, [1, 2, 3, 4])], [])
    hidden = protect(cells, K)
    assert hidden.tolist() == [False, True, True, True, False]


def test_the_attacker_finds_what_primary_suppression_leaves():
    """The checker is not blind: with the small cells alone hidden, it recovers them."""
    h = pd.DataFrame(
        [("A1", "N1", "Z1", "R", 20, 3, 10), ("A2", "N1", "Z1", "R", 30, 10, 28)],
        columns=["area_code", "network_code", "zone_code", "region_code", "persons", *MEASURES],
    )
    rows = measure_rows(h)
    num, den = rows["numerator"].to_numpy(), rows["denominator"].to_numpy()
    small = ((num >= 1) & (num < K)) | ((den - num >= 1) & (den - num < K))
    found = disclosures(h, rows, ~small, np.ones(len(rows), dtype=bool))
    assert "('area', 'A1', 'm1') = 3" in found
    assert any(f.startswith("complement area A2 m2") for f in found)
    rows, shown_num, shown_den = publish(h)
    assert disclosures(h, rows, shown_num, shown_den) == []


def test_synthetic_run_nothing_recoverable(tmp_path):
    """On a synthetic territory (4,000 persons, 36 areas): with the small counts alone blanked
    (as before), differencing recovers some of them; as published now, none."""
    from datetime import date

    from mesocare.population import aggregate as A
    from mesocare.population import reference as R
    from mesocare.population.codelists import load_codelists
    from mesocare.population.disclosure import published_attack
    from mesocare.population.rules import HealthParams
    from mesocare.population.synthetic import synthetic_tables
    from mesocare.services.population_health import area_codes
    from mesocare.territory.synthetic import SyntheticSpec, generate

    terr = generate(SyntheticSpec(population=4000, areas_per_zone=12, networks_per_zone=2))
    t = synthetic_tables(terr, tmp_path / "persons")
    cl = load_codelists()
    params = HealthParams(reference_date=date(2020, 12, 31))
    feats = R.person_features({n: getattr(t, n) for n in t.row_counts()}, cl, params)
    counts = R.unit_counts(feats, cl, params)
    areas = area_codes(terr)
    raw = A.compute_measures(counts, cl, replace(params, min_count=0), areas=areas)
    pub = A.compute_measures(counts, cl, params, areas=areas)
    key = ["level", "unit_code", "measure_kind", "measure"]
    assert raw[key].equals(pub[key])
    cols = {m: (n, d) for _, m, n, d in A.measures(cl, params)}
    rows = raw.assign(
        num_col=raw["measure"].map(lambda m: cols[m][0]),
        den_col=raw["measure"].map(lambda m: cols[m][1]),
    )
    rows = rows[rows["level"] != "practice"].reset_index(drop=True)
    pub = pub[pub["level"] != "practice"].reset_index(drop=True)
    k = params.min_count
    num, den = rows["numerator"].astype(float), rows["denominator"].astype(float)
    old_num = ~(((num >= 1) & (num < k)) | (den < k)).to_numpy()
    old_den = ~(den < k).to_numpy()
    strata = {"chronic": A.STRATA}
    before = published_attack(rows, old_num, old_den, k, areas=areas, partitions=strata)
    assert len(before.breaches) > 0
    after = published_attack(
        rows,
        pub["numerator"].notna().to_numpy(),
        pub["denominator"].notna().to_numpy(),
        k,
        areas=areas,
        partitions=strata,
    )
    assert after.breaches == []
    print(f"disclosing constraints: {len(before.breaches)} before, 0 now")


STRATA = ("s1", "s2", "s3")
PYRAMID = (("chronic", "persons"), ("m1", "persons"), *((s, "chronic") for s in STRATA))


@st.composite
def pyramids(draw):
    """Areas with persons, chronically ill split in three strata, and one more measure."""
    rows = []
    for z in range(draw(st.integers(1, 2))):
        for n in range(draw(st.integers(1, 3))):
            for a in range(draw(st.integers(1, 3))):
                strata = [draw(st.integers(0, 12)) for _ in STRATA]
                persons = sum(strata) + draw(st.integers(0, 20))
                m1 = draw(st.integers(0, persons))
                rows.append((f"A{z}{n}{a}", f"N{z}{n}", f"Z{z}", "R", persons, m1, *strata))
    h = pd.DataFrame(
        rows,
        columns=["area_code", "network_code", "zone_code", "region_code", "persons", "m1", *STRATA],
    )
    return h.assign(chronic=h[list(STRATA)].sum(axis=1))


@settings(max_examples=100, deadline=None)
@given(pyramids())
def test_nothing_small_is_recoverable_with_strata(h):
    """The same, with the strata adding up to the chronically ill within every unit, and the
    chronically ill a numerator (of the persons) and a denominator (of the strata)."""
    rows = measure_rows(h, PYRAMID)
    areas = h[["area_code", "network_code", "zone_code", "region_code"]]
    num_hidden, den_hidden, _ = suppress_rows(rows, K, areas=areas, partitions={"chronic": STRATA})
    shown_num, shown_den = ~(num_hidden | den_hidden), ~den_hidden
    # a cell is published where any row shows it (chronic: numerator here, denominator there)
    shown = {}
    for i, r in enumerate(rows.itertuples()):
        for col, ok in ((r.num_col, shown_num[i]), (r.den_col, shown_den[i])):
            key = (r.level, r.unit_code, col)
            shown[key] = shown.get(key, False) or bool(ok)
    shown_num = np.array([shown[(r.level, r.unit_code, r.num_col)] for r in rows.itertuples()])
    shown_den = np.array([shown[(r.level, r.unit_code, r.den_col)] for r in rows.itertuples()])
    found = disclosures(h, rows, shown_num, shown_den, partitions={"chronic": STRATA})
    assert found == []
