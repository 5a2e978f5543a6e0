"""The population-health query: one definition (Ibis expressions) run by DuckDB or Spark.

:func:`person_features` turns the six person-level tables into one row per living person with
their conditions, counts of recent hospital stays and emergency visits, polypharmacy, stratum of the
risk pyramid and care gaps. :func:`unit_counts` reduces it, in the same query, to counts per area
and per practice × age band, the only thing that leaves the engine by default
(:func:`stratified_counts` gives them by sex as well). The same expressions are compiled by Ibis
for DuckDB (the embedded default) and for Spark (PySpark, local or a cluster).

Code lists are applied as ``IN`` predicates on the event rows (prefix lists by code prefix length,
each prefix cut once per row), so no join with a code table is needed and both engines see the same
plan shape. The event tables are reduced in one pass: their relevant rows, each narrowed to a bit
mask of flags and a kind code, are stacked (``UNION ALL``) and grouped by person once (bitwise OR,
one packed sum of three counts), then joined once to the persons. Distinct drugs are counted as
distinct (person, drug) pairs. That shape is what makes a country (11.7 M persons, 85 M event
rows) run in about 15 s on two cores; see ``benchmarks/population_health.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.operations as ops
import ibis.expr.types as ir
import pandas as pd
import sqlglot as sg

from mesocare.errors import ParameterError
from mesocare.population.codelists import CodeLists
from mesocare.population.rules import HealthParams
from mesocare.territory.person_tables import TABLES

ENGINES = ("duckdb", "spark")
N_BANDS = 20  # AGE_BANDS: 0-4 … 90-94, 95+


def connect(
    engine: str = "duckdb",
    *,
    threads: int | None = None,
    spark: Any = None,
    memory_limit: str | None = None,
) -> Any:
    """An Ibis backend: embedded DuckDB, or Spark on ``spark`` (a SparkSession) or local mode.

    ``memory_limit`` (DuckDB only, e.g. ``"6GB"``) caps DuckDB's buffer memory; above it DuckDB
    spills to a temporary directory instead of growing (its default is 80 % of the RAM).
    """
    if engine == "duckdb":
        # Row order is never relied upon (results are sorted where it matters), so DuckDB need
        # not keep insertion order when it materialises the person features (less buffering).
        kw: dict[str, Any] = {"preserve_insertion_order": False}
        if threads:
            kw["threads"] = threads
        if memory_limit:
            kw["memory_limit"] = memory_limit
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
                # the CLI draws its own progress bar; Spark's stage bars would garble it
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.session.timeZone", "UTC")
                .getOrCreate()
            )
        _spark_bit_or()
        return ibis.pyspark.connect(spark)
    raise ParameterError(f"unknown engine '{engine}'; known: {', '.join(ENGINES)}")


def _spark_bit_or() -> None:
    """Teach Ibis's PySpark compiler the ``bit_or`` aggregate that :func:`person_features` uses.

    Spark SQL has ``bit_or`` (since 3.0) and Ibis's Databricks compiler, a subclass, maps it, but
    Ibis 12's PySpark compiler has no rule for it; this adds the same one-line rule.
    """
    from ibis.backends.sql.compilers.pyspark import PySparkCompiler

    def visit_BitOr(self: Any, op: Any, *, arg: Any, where: Any) -> Any:  # noqa: N802
        return self.agg.bit_or(arg, where=where)

    if PySparkCompiler.visit_BitOr.__name__ == "visit_Undefined":
        PySparkCompiler.visit_BitOr = visit_BitOr  # type: ignore[method-assign]


def fetch(expr: ir.Table) -> pd.DataFrame:
    """Run ``expr`` and return a pandas DataFrame.

    On DuckDB this goes through Arrow (``to_pyarrow().to_pandas()``), several times faster than
    Ibis's own ``to_pandas`` conversion (3.9 s against 0.8 s for the 190,000 rows × 28 columns of
    the area counts at a quarter of Belgium); Ibis's PySpark backend builds its Arrow table from
    pandas anyway, so there ``to_pandas`` is the direct way.
    """
    if expr._find_backend().name == "pyspark":
        return expr.to_pandas()
    return expr.to_pyarrow().to_pandas()


def read_tables(con: Any, paths: Mapping[str, str | Path]) -> dict[str, ir.Table]:
    """Register the Parquet file of each table with the backend."""
    return {name: con.read_parquet(str(paths[name]), table_name=f"mc_{name}") for name in TABLES}


def _prefixes(t: ir.Table, entries: pd.DataFrame) -> dict[int, ir.StringValue]:
    """Each code prefix length the prefix lists of ``entries`` use, as one expression each."""
    lengths = {len(c) for c in entries.loc[entries["match"] != "exact", "code"]}
    return {n: t.code.substr(0, n) for n in sorted(lengths)}


def _matches(
    t: ir.Table, entries: pd.DataFrame, prefixes: Mapping[int, ir.Value] | None = None
) -> ir.BooleanValue:
    """A predicate: the row's (system, code) is in the code list ``entries``.

    ``prefixes`` maps a prefix length to a column already holding that prefix of ``code`` (so
    that a row's prefixes are cut once, not once per list); missing lengths are cut here.
    """
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
                pre = (prefixes or {}).get(n, t.code.substr(0, n))
                preds.append((t.system == system) & pre.isin(sorted(cs)))
    out = preds[0]
    for p in preds[1:]:
        out = out | p
    return out


def _flag(pred: ir.BooleanValue) -> ir.IntegerValue:
    return ibis.ifelse(pred, 1, 0)


MAX_FLAGS = 62  # bits of the int64 mask that carries conditions and care gaps met


def _bits(flags: Mapping[str, ir.BooleanValue], names: list[str]) -> ir.IntegerValue:
    """A row's flags as one bit mask: bit ``i`` is set when ``flags[names[i]]`` holds."""
    mask: ir.IntegerValue = ibis.literal(0).cast("int64")
    for i, name in enumerate(names):
        if name in flags:
            mask = mask + ibis.ifelse(flags[name], ibis.literal(1 << i).cast("int64"), 0)
    return mask.cast("int64")


def flag_names(codelists: CodeLists, params: HealthParams) -> list[str]:
    """The per-person flags carried as bits of one mask: conditions, then care gaps met."""
    names = [f"has_{c}" for c in codelists.conditions()] + [f"met_{g.id}" for g in params.care_gaps]
    if len(names) > MAX_FLAGS:
        raise ParameterError(
            f"{len(names)} conditions and care gaps; at most {MAX_FLAGS} are supported"
        )
    return names


# what an event row counts for, besides its flags (``kind`` of :func:`_events`)
_FLAGS_ONLY, _DRUG, _HOSPITAL_STAY, _EMERGENCY = 0, 1, 2, 3


def _events(t: Mapping[str, ir.Table], codelists: CodeLists, params: HealthParams) -> ir.Table:
    """One narrow row per relevant event: ``person_id``, ``flags``, ``kind``.

    ``flags`` is a bit mask over :func:`flag_names` (a diagnosis sets the bits of the conditions
    it belongs to, a measurement or vaccination those of the care gaps it meets); ``kind`` says
    what else the row counts for: one distinct drug of the person in the look-back window (each
    distinct (person, drug) pair gives one row), a hospital stay, an emergency visit, or nothing.
    Every branch has the same three columns, so they stack with ``UNION ALL`` and one
    ``GROUP BY person_id`` (a bitwise OR and one packed sum of the three counts) reduces them:
    one aggregation and one join instead of one of each per table.
    """
    ref = params.reference_date
    start = params.window_start()
    names = flag_names(codelists, params)

    def branch(tbl: ir.Table, flags: ir.IntegerValue | None = None, kind: Any = _FLAGS_ONLY):
        return tbl.select(
            person_id=tbl.person_id,
            flags=flags if flags is not None else ibis.literal(0).cast("int64"),
            kind=(kind if isinstance(kind, ir.Value) else ibis.literal(kind)).cast("int8"),
        )

    d = t["diagnoses"]
    d = d.filter(
        d.start_date.cast("date") <= ref,
        d.end_date.isnull() | (d.end_date.cast("date") >= ref),
    )
    frame = codelists.frame
    d = d.mutate(
        **{f"_pre{n}": e for n, e in _prefixes(d, frame[frame.kind == "condition"]).items()}
    )
    pre = {int(c[4:]): d[c] for c in d.columns if c.startswith("_pre")}
    cond = {f"has_{c}": _matches(d, codelists.entries(c), pre) for c in codelists.conditions()}
    parts = [branch(d, _bits(cond, names))]

    rx = t["prescriptions"]
    rx = rx.filter(rx.date.cast("date") > start, rx.date.cast("date") <= ref, rx.code.notnull())
    pairs = rx.select("person_id", "code").distinct()  # count distinct = count of pairs
    parts.append(branch(pairs, kind=_DRUG))

    c = t["contacts"]
    c = c.filter(
        c.kind.isin(["hospital_stay", "emergency"]),
        c.date.cast("date") > start,
        c.date.cast("date") <= ref,
    )
    parts.append(branch(c, kind=ibis.ifelse(c.kind == "hospital_stay", _HOSPITAL_STAY, _EMERGENCY)))

    for table in ("measurements", "vaccinations"):
        ev = t[table]
        gaps = [g for g in params.care_gaps if codelists.kind_of(g.needs) == table[:-1]]
        if not gaps:
            continue
        earliest = min(params.window_start(g.window_months) for g in gaps)
        ev = ev.filter(ev.date.cast("date") > earliest, ev.date.cast("date") <= ref)
        met = {
            f"met_{g.id}": (ev.date.cast("date") > params.window_start(g.window_months))
            & _matches(ev, codelists.entries(g.needs))
            for g in gaps
        }
        parts.append(branch(ev, _bits(met, names)))
    return ibis.union(*parts, distinct=False)


def person_features(
    t: Mapping[str, ir.Table], codelists: CodeLists, params: HealthParams
) -> ir.Table:
    """One row per person alive on the reference date (see the module doc)."""
    ref = params.reference_date
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
    p = p.mutate(age_band_idx=ibis.least(p.age // 5, N_BANDS - 1).cast("int8"))

    ev = _events(t, codelists, params)
    # The three counts travel as 21-bit fields of one 64-bit sum (exact up to 2,097,151 drugs,
    # hospital stays or emergency visits per person and look-back window): one aggregate state
    # instead of three makes this, the largest aggregation of the query (one group per person
    # of 34 M event rows in Belgium), about a tenth cheaper in DuckDB.
    packed = ibis.cases(
        (ev.kind == _DRUG, ibis.literal(1, "int64")),
        (ev.kind == _HOSPITAL_STAY, ibis.literal(1 << 21, "int64")),
        (ev.kind == _EMERGENCY, ibis.literal(1 << 42, "int64")),
        else_=ibis.literal(0, "int64"),
    )
    per_person = ev.group_by("person_id").aggregate(
        flags=ev.flags.bit_or(), packed=packed.sum().cast("int64")
    )
    per_person = per_person.select(
        "person_id",
        "flags",
        n_drugs=per_person.packed & ((1 << 21) - 1),
        n_hospital_stays=(per_person.packed >> 21) & ((1 << 21) - 1),
        n_emergency_visits=per_person.packed >> 42,
    )
    f = p.left_join(per_person, "person_id")
    f = f.drop(*[c for c in f.columns if c.endswith("_right")])
    flags = f.flags.fill_null(0)
    names = flag_names(codelists, params)
    f = f.select(
        *p.columns,
        **{
            n: _flag((flags & (1 << i)) != 0).cast("int8")
            for i, n in enumerate(names[: len(conditions)])
        },
        **{
            k: f[k].fill_null(0).cast("int32")
            for k in ("n_drugs", "n_hospital_stays", "n_emergency_visits")
        },
        **{
            n: _flag((flags & (1 << i)) != 0).cast("int8")
            for i, n in enumerate(names)
            if i >= len(conditions)
        },
    )
    n_cond = sum((f[f"has_{c}"] for c in conditions), ibis.literal(0))
    f = f.mutate(n_conditions=n_cond.cast("int32"))
    f = f.mutate(polypharmacy=_flag(f.n_drugs >= params.polypharmacy_min_drugs).cast("int8"))

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
    # the pyramid stratifies the chronically ill (Kaiser's shares are of them): 0 = no condition
    stratum = ibis.ifelse(f.n_conditions >= 1, stratum, 0)
    f = f.mutate(stratum=stratum.cast("int8"))

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
        gap_cols[f"eligible_{g.id}"] = _flag(elig).cast("int8")
        gap_cols[f"gap_{g.id}"] = _flag(elig & (f[f"met_{g.id}"] == 0)).cast("int8")
    f = f.mutate(**gap_cols)
    return f.drop(*[f"met_{g.id}" for g in params.care_gaps])


def count_columns(codelists: CodeLists, params: HealthParams) -> list[str]:
    """The 0/1 person columns that :func:`stratified_counts` sums."""
    cols = [f"has_{c}" for c in codelists.conditions()]
    cols += ["chronic", "multimorbid", "polypharmacy", "stratum_1", "stratum_2", "stratum_3"]
    for g in params.care_gaps:
        cols += [f"eligible_{g.id}", f"gap_{g.id}"]
    return cols


def stratified_counts(
    features: ir.Table,
    codelists: CodeLists,
    params: HealthParams,
    by: str = "area_code",
    *,
    by_sex: bool = True,
) -> ir.Table:
    """Counts per ``by`` (area_code or practice_id) × sex × age band: persons and each flag.

    With ``by_sex=False`` the counts are per ``by`` × age band (summed over sex).
    """
    f = features.mutate(
        chronic=_flag(features.n_conditions >= 1),
        multimorbid=_flag(features.n_conditions >= 2),
        stratum_1=_flag(features.stratum == 1),
        stratum_2=_flag(features.stratum == 2),
        stratum_3=_flag(features.stratum == 3),
    )
    if by == "practice_id":
        f = f.filter(f.practice_id.notnull())
    aggs = {k: f[k].sum().cast("int64") for k in count_columns(codelists, params)}
    keys = [by, "sex", "age_band_idx"] if by_sex else [by, "age_band_idx"]
    return f.group_by(keys).aggregate(persons=f.count(), **aggs)


def unit_counts(features: ir.Table, codelists: CodeLists, params: HealthParams) -> ir.Table:
    """Counts per area and per practice × age band (summed over sex), in one pass.

    Columns: ``level`` (``area`` or ``practice``), ``unit_code``, ``age_band_idx``, ``persons``
    and :func:`count_columns`. The networks, zones and region are sums of their areas:
    :func:`mesocare.population.aggregate.compute_measures` adds them from these area rows.

    One ``GROUP BY GROUPING SETS`` over the person rows (standard SQL that DuckDB and Spark both
    run; Ibis has no grouping sets, so this one aggregation is written in SQL on top of the Ibis
    expression of ``features``): the persons are stratified and counted by area and by practice
    in a single pass, without a table of 11.7 M person rows being stored first. Persons without a
    practice count for their area only.
    """
    cols = ["persons", *count_columns(codelists, params)]
    f = features.mutate(
        chronic=_flag(features.n_conditions >= 1),
        multimorbid=_flag(features.n_conditions >= 2),
        stratum_1=_flag(features.stratum == 1),
        stratum_2=_flag(features.stratum == 2),
        stratum_3=_flag(features.stratum == 3),
    )
    keys = {"area": "area_code", "practice": "practice_id"}
    f = f.select(*keys.values(), "age_band_idx", *cols[1:])
    dialect = f._find_backend().dialect

    def q(name: str) -> str:
        return sg.to_identifier(name, quoted=True).sql(dialect)

    level = " ".join(f"WHEN GROUPING({q(k)}) = 0 THEN '{lv}'" for lv, k in keys.items())
    unit = " ".join(f"WHEN GROUPING({q(k)}) = 0 THEN {q(k)}" for k in keys.values())
    sums = ", ".join(f"CAST(SUM({q(c)}) AS BIGINT) AS {q(c)}" for c in cols[1:])
    sets = ", ".join(f"({q(k)}, {q('age_band_idx')})" for k in keys.values())
    view = "mc_person_features"
    query = (
        f"SELECT CASE {level} END AS {q('level')}, CASE {unit} END AS {q('unit_code')}, "
        f"CAST({q('age_band_idx')} AS INT) AS {q('age_band_idx')}, "
        f"CAST(COUNT(*) AS BIGINT) AS {q('persons')}, {sums} "
        f"FROM {q(view)} GROUP BY GROUPING SETS ({sets})"
    )
    schema = ibis.schema(
        {"level": "string", "unit_code": "string", "age_band_idx": "int32"}
        | dict.fromkeys(cols, "int64")
    )
    # what ``Table.sql`` builds, with the schema given rather than asked of the backend (Ibis 12
    # asks DuckDB 2.0 through a method that DuckDB renamed)
    counts = ops.SQLStringView(parent=f.alias(view).op(), query=query, schema=schema).to_expr()
    return counts.filter(counts.unit_code.notnull())
