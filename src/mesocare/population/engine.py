"""The population-health query: one definition (Ibis expressions) run by DuckDB or Spark.

:func:`person_features` turns the six person-level tables into one row per living person with
their conditions, counts of recent hospital stays and emergency visits, polypharmacy, stratum of the
risk pyramid and care gaps. :func:`stratified_counts` reduces it to counts per area (or practice) ×
sex × age band, the only thing that leaves the engine by default. The same expressions are compiled
by Ibis for DuckDB (the embedded default) and for Spark (PySpark, local or a cluster).

Code lists are applied as ``IN`` predicates on the event rows (prefix lists by code prefix length),
so no join with a code table is needed and both engines see the same plan shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from mesocare.errors import ParameterError
from mesocare.population.codelists import CodeLists
from mesocare.population.rules import HealthParams
from mesocare.population.tables import TABLES

ENGINES = ("duckdb", "spark")
N_BANDS = 20  # AGE_BANDS: 0-4 … 90-94, 95+


def connect(engine: str = "duckdb", *, threads: int | None = None, spark: Any = None) -> Any:
    """An Ibis backend: embedded DuckDB, or Spark on ``spark`` (a SparkSession) or local mode."""
    if engine == "duckdb":
        kw = {"threads": threads} if threads else {}
        return ibis.duckdb.connect(**kw)
    if engine == "spark":
        if spark is None:
            from pyspark.sql import SparkSession

            n = threads or 2
            spark = (
                SparkSession.builder.master(f"local[{n}]")
                .appName("mesocare-health")
                .config("spark.sql.shuffle.partitions", str(max(2, 2 * n)))
                .config("spark.ui.enabled", "false")
                .config("spark.sql.session.timeZone", "UTC")
                .getOrCreate()
            )
        return ibis.pyspark.connect(spark)
    raise ParameterError(f"unknown engine '{engine}'; known: {', '.join(ENGINES)}")


def read_tables(con: Any, paths: Mapping[str, str | Path]) -> dict[str, ir.Table]:
    """Register the Parquet file of each table with the backend."""
    return {name: con.read_parquet(str(paths[name]), table_name=f"mc_{name}") for name in TABLES}


def _matches(t: ir.Table, entries: pd.DataFrame) -> ir.BooleanValue:
    """A predicate: the row's (system, code) is in the code list ``entries``."""
    preds = []
    for (system, match), grp in entries.groupby(["system", "match"], sort=True):
        codes = sorted(set(grp["code"]))
        if match == "exact":
            preds.append((t.system == system) & t.code.isin(codes))
        else:
            by_len: dict[int, list[str]] = {}
            for c in codes:
                by_len.setdefault(len(c), []).append(c)
            for n, cs in sorted(by_len.items()):
                preds.append((t.system == system) & t.code.substr(0, n).isin(sorted(cs)))
    out = preds[0]
    for p in preds[1:]:
        out = out | p
    return out


def _flag(pred: ir.BooleanValue) -> ir.IntegerValue:
    return ibis.ifelse(pred, 1, 0)


def _left(left: ir.Table, right: ir.Table) -> ir.Table:
    joined = left.left_join(right, "person_id")
    return joined.drop(*[c for c in joined.columns if c.endswith("_right")])


def person_features(
    t: Mapping[str, ir.Table], codelists: CodeLists, params: HealthParams
) -> ir.Table:
    """One row per person alive on the reference date (see the module doc)."""
    ref = params.reference_date
    start = params.window_start()
    conditions = codelists.conditions()

    p = t["persons"]
    p = p.filter(
        p.birth_date.cast("date") <= ref,
        p.death_date.isnull() | (p.death_date.cast("date") > ref),
    )
    bd = p.birth_date.cast("date")
    not_yet = _flag((bd.month() * 100 + bd.day()) > ref.month * 100 + ref.day)
    age = (ref.year - bd.year()) - not_yet
    p = p.select(
        "person_id",
        "area_code",
        "practice_id",
        "sex",
        "bim",
        age=age.cast("int32"),
    )
    p = p.mutate(age_band_idx=ibis.least(p.age // 5, N_BANDS - 1).cast("int32"))

    d = t["diagnoses"]
    d = d.filter(
        d.start_date.cast("date") <= ref,
        d.end_date.isnull() | (d.end_date.cast("date") >= ref),
    )
    cond = d.group_by("person_id").aggregate(
        **{f"has_{c}": _flag(_matches(d, codelists.entries(c))).max() for c in conditions}
    )

    rx = t["prescriptions"]
    rx = rx.filter(rx.date.cast("date") > start, rx.date.cast("date") <= ref)
    drugs = rx.group_by("person_id").aggregate(n_drugs=rx.code.nunique())

    c = t["contacts"]
    c = c.filter(
        c.kind.isin(["hospital_stay", "emergency"]),
        c.date.cast("date") > start,
        c.date.cast("date") <= ref,
    )
    use = c.group_by("person_id").aggregate(
        n_hospital_stays=_flag(c.kind == "hospital_stay").sum(),
        n_emergency_visits=_flag(c.kind == "emergency").sum(),
    )

    met: list[ir.Table] = []
    for table in ("measurements", "vaccinations"):
        ev = t[table]
        gaps = [g for g in params.care_gaps if codelists.kind_of(g.needs) == table[:-1]]
        if not gaps:
            continue
        earliest = min(params.window_start(g.window_months) for g in gaps)
        ev = ev.filter(ev.date.cast("date") > earliest, ev.date.cast("date") <= ref)
        met.append(
            ev.group_by("person_id").aggregate(
                **{
                    f"met_{g.id}": _flag(
                        (ev.date.cast("date") > params.window_start(g.window_months))
                        & _matches(ev, codelists.entries(g.needs))
                    ).max()
                    for g in gaps
                }
            )
        )

    f = p
    for right in (cond, drugs, use, *met):
        f = _left(f, right)
    counts = [f"has_{c}" for c in conditions] + [
        "n_drugs",
        "n_hospital_stays",
        "n_emergency_visits",
    ]
    counts += [f"met_{g.id}" for g in params.care_gaps]
    f = f.mutate(**{k: f[k].fill_null(0).cast("int32") for k in counts if k in f.columns})
    n_cond = sum((f[f"has_{c}"] for c in conditions), ibis.literal(0))
    f = f.mutate(n_conditions=n_cond.cast("int32"))
    f = f.mutate(polypharmacy=_flag(f.n_drugs >= params.polypharmacy_min_drugs).cast("int32"))

    branches = []
    for rule in params.strata:  # highest stratum first: the first matching rule wins
        clauses = []
        if rule.min_conditions is not None:
            clauses.append(f.n_conditions >= rule.min_conditions)
        if rule.min_hospital_stays is not None:
            clauses.append(f.n_hospital_stays >= rule.min_hospital_stays)
        if rule.min_emergency_visits is not None:
            clauses.append(f.n_emergency_visits >= rule.min_emergency_visits)
        if rule.polypharmacy is not None:
            clauses.append(f.polypharmacy == int(rule.polypharmacy))
        if rule.min_age is not None:
            clauses.append(f.age >= rule.min_age)
        cond_all = clauses[0]
        for cl in clauses[1:]:
            cond_all = cond_all & cl
        branches.append((cond_all, rule.stratum))
    stratum = ibis.cases(*branches, else_=1) if branches else ibis.literal(1)
    f = f.mutate(stratum=stratum.cast("int32"))

    gap_cols: dict[str, Any] = {}
    for g in params.care_gaps:
        elig = ibis.literal(True)
        if g.condition is not None:
            if g.condition not in conditions:
                raise ParameterError(
                    f"care gap '{g.id}': unknown condition '{g.condition}'; "
                    f"known: {', '.join(conditions)}"
                )
            elig = elig & (f[f"has_{g.condition}"] == 1)
        if g.min_age is not None:
            elig = elig & (f.age >= g.min_age)
        gap_cols[f"eligible_{g.id}"] = _flag(elig).cast("int32")
        gap_cols[f"gap_{g.id}"] = _flag(elig & (f[f"met_{g.id}"] == 0)).cast("int32")
    f = f.mutate(**gap_cols)
    return f.drop(*[f"met_{g.id}" for g in params.care_gaps])


def count_columns(codelists: CodeLists, params: HealthParams) -> list[str]:
    """The 0/1 person columns that :func:`stratified_counts` sums."""
    cols = [f"has_{c}" for c in codelists.conditions()]
    cols += ["multimorbid", "polypharmacy", "stratum_1", "stratum_2", "stratum_3"]
    for g in params.care_gaps:
        cols += [f"eligible_{g.id}", f"gap_{g.id}"]
    return cols


def stratified_counts(
    features: ir.Table, codelists: CodeLists, params: HealthParams, by: str = "area_code"
) -> ir.Table:
    """Counts per ``by`` (area_code or practice_id) × sex × age band: persons and each flag."""
    f = features.mutate(
        multimorbid=_flag(features.n_conditions >= 2),
        stratum_1=_flag(features.stratum == 1),
        stratum_2=_flag(features.stratum == 2),
        stratum_3=_flag(features.stratum == 3),
    )
    if by == "practice_id":
        f = f.filter(f.practice_id.notnull())
    aggs = {k: f[k].sum().cast("int64") for k in count_columns(codelists, params)}
    return f.group_by([by, "sex", "age_band_idx"]).aggregate(persons=f.count(), **aggs)
