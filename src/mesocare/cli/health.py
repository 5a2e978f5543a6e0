"""``mesocare health …``: person-level records, the population-health engine and its results."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from mesocare.cli._common import console, progress

health = typer.Typer(
    help="Population health: risk pyramid, prevalences and care gaps.", no_args_is_help=True
)

RefDate = Annotated[str, typer.Option("--reference-date", help="YYYY-MM-DD")]


def register(app: typer.Typer) -> None:
    app.add_typer(health, name="health")


def _date(text: str) -> date:
    from mesocare.errors import ParameterError

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ParameterError(f"--reference-date '{text}' is not YYYY-MM-DD") from None


def _counts(counts: dict[str, int], where: Path) -> None:
    rows = ", ".join(f"{k} {v:,}" for k, v in counts.items())
    console.print(f"Person-level records written to {where} ({rows})")


@health.command("synth")
def synth(
    territory_dir: Annotated[Path, typer.Argument(help="Territory folder")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Persons folder to write")],
    reference_date: RefDate = "2020-12-31",
    seed: Annotated[int, typer.Option(help="Random seed")] = 2020,
) -> None:
    """Generate synthetic person-level records consistent with the territory's population."""
    from mesocare.services import population_health as S

    with progress() as bar:
        task = bar.add_task("Generating synthetic person-level records", total=1)
        counts = S.synthesise(territory_dir, out, reference_date=_date(reference_date), seed=seed)
        bar.advance(task)
    _counts(counts, out)


def _import(
    kind: str,
    source: Path,
    territory_dir: Path,
    out: Path,
    reference_date: str,
    mapping: Path | None,
    map_by: str,
    seed: int,
) -> None:
    from mesocare.services import population_health as S
    from mesocare.sources.fhir import read_fhir
    from mesocare.sources.placement import read_mapping
    from mesocare.sources.synthea import read_synthea
    from mesocare.territory import load_territory

    territory = load_territory(territory_dir)
    reader = read_synthea if kind == "synthea" else read_fhir
    tables = reader(
        source,
        territory,
        reference_date=_date(reference_date),
        mapping=read_mapping(mapping) if mapping else None,
        map_by=map_by,
        seed=seed,
    )
    _counts(S.save_imported(tables, out, f"{kind}: {source}"), out)


MapOpt = Annotated[Path | None, typer.Option(help="CSV key,area_code placing persons")]
MapBy = Annotated[str, typer.Option(help="id, zip or county: what the mapping's key is")]


@health.command("import-synthea")
def import_synthea(
    csv_dir: Annotated[Path, typer.Argument(help="Folder of a Synthea CSV export")],
    territory_dir: Annotated[Path, typer.Argument(help="Territory folder")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Persons folder to write")],
    reference_date: RefDate = "2020-12-31",
    mapping: MapOpt = None,
    map_by: MapBy = "id",
    seed: int = 0,
) -> None:
    """Import a Synthea CSV export; persons are placed by --mapping or a seeded draw."""
    _import("synthea", csv_dir, territory_dir, out, reference_date, mapping, map_by, seed)


@health.command("import-fhir")
def import_fhir(
    source: Annotated[Path, typer.Argument(help="A FHIR R4 Bundle (.json) or a folder of them")],
    territory_dir: Annotated[Path, typer.Argument(help="Territory folder")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Persons folder to write")],
    reference_date: RefDate = "2020-12-31",
    mapping: MapOpt = None,
    map_by: MapBy = "id",
    seed: int = 0,
) -> None:
    """Import FHIR R4 bundles (Patient, Condition, Encounter, MedicationRequest, Observation,
    Immunization)."""
    _import("fhir", source, territory_dir, out, reference_date, mapping, map_by, seed)


@health.command("run")
def run(
    territory_dir: Annotated[Path, typer.Argument(help="Territory folder")],
    persons_dir: Annotated[Path, typer.Argument(help="Persons folder")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Results folder")] = Path("results"),
    engine: Annotated[str, typer.Option(help="duckdb (default) or spark")] = "duckdb",
    params_file: Annotated[Path | None, typer.Option("--params", help="Rules TOML")] = None,
    reference_date: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
    min_count: Annotated[int | None, typer.Option(help="Suppress counts under this")] = None,
    threads: Annotated[int | None, typer.Option(help="Engine threads")] = None,
    attach: Annotated[bool, typer.Option(help="Save the measures into the territory")] = False,
    list_ids: Annotated[
        str | None,
        typer.Option(
            help="Also write the pseudonymous ids of a target group (stratum_3, gap_<id>) "
            "to target_ids.csv. Sensitive."
        ),
    ] = None,
) -> None:
    """Stratify, find care gaps and publish suppressed prevalences, pyramids and gap rates."""
    from mesocare.population.rules import load_params
    from mesocare.population.tables import read_manifest
    from mesocare.services import population_health as S
    from mesocare.territory import load_territory

    manifest = read_manifest(persons_dir)
    ref = reference_date or manifest.get("reference_date")
    params = load_params(params_file, reference_date=ref, min_count=min_count)
    territory = load_territory(territory_dir)
    with progress() as bar:
        task = bar.add_task(f"Running the population-health query on {engine}", total=1)
        result, ids = S.analyse(
            territory, persons_dir, params, engine=engine, threads=threads, list_ids=list_ids
        )
        bar.advance(task)
    paths = S.write_results(result, out, params, ids)
    if attach:
        S.attach(territory_dir, territory, result)
    m = result.measures
    zone = m[(m["level"] == "region") & (m["measure_kind"] == "stratum")]
    console.print(
        f"{result.persons:,} persons; risk pyramid (region): "
        + ", ".join(
            f"{measure} {rate:.1%}"
            for measure, rate in zip(zone["measure"], zone["rate"], strict=True)
            if rate == rate
        )
    )
    for p in paths:
        console.print(
            f"written: {p}"
            + (" (pseudonymous ids: sensitive)" if p.name == "target_ids.csv" else "")
        )
