"""Use cases of population health: make or import person-level records, run the engine, publish.

Person-level records stay in their own folder; what leaves is the suppressed aggregate table
(``population_health``: level × unit × measure), optionally attached to the territory so that the
diagnosis report can show it. Lists of pseudonymous ids are written only when asked explicitly.
"""

from __future__ import annotations

import logging
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from mesocare.atomic import json_text, path_write
from mesocare.errors import MesocareError, ParameterError, ValidationError
from mesocare.population import aggregate as A
from mesocare.population import engine as E
from mesocare.population.codelists import CodeLists, load_codelists
from mesocare.population.rules import HealthParams
from mesocare.population.synthetic import write_synthetic
from mesocare.population.tables import save_person_tables, table_paths, validate_folder
from mesocare.territory import Territory, load_territory, save_tables
from mesocare.territory.person_tables import PersonTables

log = logging.getLogger(__name__)
RESULT_TABLE = "population_health"


@dataclass(frozen=True)
class HealthResult:
    """The published (suppressed) measures and the counts they come from.

    ``counts``: persons and each flag per level × unit × age band (the engine's
    :func:`~mesocare.population.engine.unit_counts`), not suppressed: kept in memory, never
    written by :func:`write_results`.
    """

    measures: pd.DataFrame
    counts: pd.DataFrame
    persons: int
    not_computable: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportSummary:
    """What an import wrote and what the analysis on its reference date will leave out."""

    row_counts: dict[str, int]
    born_after: int  # persons born after the reference date
    dead_before: int  # persons dead on or before it
    missing: tuple[str, ...]  # event tables the source did not have


def synthesise(
    territory_dir: Path,
    persons_dir: Path,
    *,
    reference_date: date,
    seed: int = 2020,
    chunk_size: int = 500_000,
) -> dict[str, int]:
    territory = load_territory(territory_dir)
    return write_synthetic(
        territory, persons_dir, reference_date=reference_date, seed=seed, chunk_size=chunk_size
    )


def save_imported(
    tables: PersonTables, persons_dir: Path, source: str, *, reference_date: date
) -> ImportSummary:
    """Save imported records with their reference date (so that ``health run`` needs none) and
    the tables the source lacked (whose measures are then marked not computable)."""
    meta = {
        "synthetic": False,
        "source": source,
        "reference_date": reference_date.isoformat(),
        "missing_tables": list(tables.missing),
    }
    save_person_tables(tables, persons_dir, meta=meta)
    p = tables.persons
    ref = pd.Timestamp(reference_date)
    born_after = int((p["birth_date"] > ref).sum())
    dead = int(
        (p["death_date"].notna() & (p["death_date"] <= ref) & ~(p["birth_date"] > ref)).sum()
    )
    return ImportSummary(tables.row_counts(), born_after, dead, tables.missing)


def analyse(
    territory: Territory,
    persons_dir: Path,
    params: HealthParams,
    *,
    engine: str = "duckdb",
    threads: int | None = None,
    spark: Any = None,
    codelists: CodeLists | None = None,
    list_ids: str | None = None,
    missing: tuple[str, ...] = (),
) -> tuple[HealthResult, pd.DataFrame | None]:
    """Run the query on ``engine`` and compute the measures; ids only if ``list_ids`` names a
    target group (``stratum_3``, ``gap_<care gap id>`` …). ``missing``: event tables the
    records' source did not have (their measures are marked not computable)."""
    cl = codelists or load_codelists()
    unknown = A.not_computable(missing, cl, params)
    if list_ids is not None:
        _check_group(list_ids, params)
        if list_ids.removeprefix("gap_") in unknown or (
            list_ids.startswith("stratum_") and list_ids in unknown
        ):
            raise ParameterError(
                f"target group '{list_ids}' is not computable: the records lack "
                + ", ".join(missing)
            )
    # the folder is checked before an engine sees it: an engine's own message could quote a
    # value of a person's record, and bad rows would otherwise be published as figures
    validate_folder(
        persons_dir,
        area_codes=set(territory.areas["area_code"].astype(str)),
        practice_ids=set(territory.providers["practice_id"].dropna().astype(str)),
    )
    con = E.connect(engine, threads=threads, spark=spark)
    try:
        t = E.read_tables(con, table_paths(persons_dir))
        feats = E.person_features(t, cl, params)
        # one pass: the person rows are stratified and counted at every level, not stored
        counts = E.fetch(E.unit_counts(feats, cl, params))
        ids = _target_ids(feats, list_ids, params) if list_ids is not None else None
    except MesocareError:
        raise
    except Exception as exc:  # DuckDB's or Spark's message may quote a record: never shown
        raise ValidationError(
            f"the {engine} engine could not run on these records ({type(exc).__name__})",
            file=persons_dir,
            expected="a persons folder written by mesocare (see `mesocare health synth`)",
        ) from None
    measures = A.compute_measures(
        counts, cl, params, areas=area_codes(territory), not_computable=unknown
    )
    log.info("population health: %d units × measures computed on %s", len(measures), engine)
    persons = int(counts.loc[counts["level"] == "area", "persons"].sum())
    return HealthResult(measures, counts, persons, tuple(sorted(unknown))), ids


def area_codes(territory: Territory) -> pd.DataFrame:
    """The territory's area → network, zone and region codes (for the roll-up of area counts)."""
    cols = ["area_code", *[f"{level}_code" for level in A.LEVELS[1:]]]
    return pd.DataFrame(territory.areas[cols])


def _check_group(group: str, params: HealthParams) -> None:
    allowed = ["stratum_2", "stratum_3"] + [f"gap_{g.id}" for g in params.care_gaps]
    if group not in allowed:
        raise ParameterError(f"unknown target group '{group}'; known: {', '.join(allowed)}")


def _target_ids(feats: Any, group: str, params: HealthParams) -> pd.DataFrame:
    if group.startswith("stratum_"):
        sel = feats.filter(feats.stratum == int(group.split("_")[1]))
    else:
        sel = feats.filter(feats[group] == 1)
    return E.fetch(sel.select("person_id", "area_code", "practice_id"))


def write_results(
    result: HealthResult, out: Path, params: HealthParams, ids: pd.DataFrame | None = None
) -> list[Path]:
    """The suppressed measures (Parquet and CSV) and the parameters; ids in their own file."""
    paths = [
        out / "population_health.parquet",
        out / "population_health.csv",
        out / "parameters.json",
    ]
    if ids is not None:
        paths.append(out / "target_ids.csv")
    # each file is written beside its target; none replaces its target unless all were written
    with ExitStack() as stack:
        tmp = [stack.enter_context(path_write(p)) for p in paths]
        result.measures.to_parquet(tmp[0], index=False)
        result.measures.to_csv(tmp[1], index=False)
        described = params.describe() | {"not_computable": list(result.not_computable)}
        tmp[2].write_text(json_text(described, file=paths[2]), encoding="utf-8")
        if ids is not None:
            ids.to_csv(tmp[3], index=False)
    return paths


def attach(territory_dir: Path, result: HealthResult) -> None:
    """Save the suppressed measures into the territory (for the diagnosis report)."""
    save_tables(territory_dir, **{RESULT_TABLE: result.measures})
