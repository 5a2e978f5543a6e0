"""``mesocare health …``: person-level records, the population-health engine and its results."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Literal

import typer

from mesocare.cli._common import console, output, progress, whole
from mesocare.i18n import _, fmt_date, fmt_int, fmt_percent

health = typer.Typer(
    help=_("Population health: risk pyramid, prevalences and care gaps."), no_args_is_help=True
)

RefDate = Annotated[
    str,
    typer.Option(
        "--reference-date", help=_("YYYY-MM-DD; stored with the records for `health run`")
    ),
]
SeedOpt = Annotated[int, typer.Option(parser=whole(minimum=0), help=_("Random seed"))]


def register(app: typer.Typer) -> None:
    app.add_typer(health, name="health")


def _date(text: str) -> date:
    from mesocare.errors import ParameterError

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ParameterError(
            _("--reference-date '{text}' is not YYYY-MM-DD").format(text=text)
        ) from None


def _counts(counts: dict[str, int], where: Path) -> None:
    rows = ", ".join(f"{k} {fmt_int(v)}" for k, v in counts.items())
    console.print(
        _("Person-level records written to {path} ({rows})").format(path=where, rows=rows)
    )


@health.command(
    "synth",
    help=_("Generate synthetic person-level records consistent with the territory's population."),
)
def synth(
    territory_dir: Annotated[Path, typer.Argument(help=_("Territory folder"))],
    out: Annotated[
        Path, typer.Option("--out", "-o", parser=output, help=_("Persons folder to write"))
    ],
    reference_date: RefDate = "2020-12-31",
    seed: SeedOpt = 2020,
) -> None:
    from mesocare.services import population_health as S

    with progress() as bar:
        task = bar.add_task(_("Generating synthetic person-level records"), total=1)
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
    ref = _date(reference_date)
    summary = S.save_imported(tables, out, f"{kind}: {source}", reference_date=ref)
    _counts(summary.row_counts, out)
    console.print(
        _(
            "Reference date {date} stored with the records; left out of the analysis: "
            "{born} born after it, {dead} dead by it"
        ).format(
            date=fmt_date(ref), born=fmt_int(summary.born_after), dead=fmt_int(summary.dead_before)
        )
    )
    if summary.missing:
        console.print(
            _(
                "Warning: the export has no {tables}; the measures that need them will be "
                "marked not computable"
            ).format(tables=", ".join(summary.missing))
        )


MapOpt = Annotated[Path | None, typer.Option(help=_("CSV key,area_code placing persons"))]
MapBy = Annotated[
    Literal["id", "zip", "county"],
    typer.Option(
        help=_("id, zip or county: what the mapping's key is"),
    ),
]


@health.command(
    "import-synthea",
    help=_("Import a Synthea CSV export; persons are placed by --mapping or a seeded draw."),
)
def import_synthea(
    csv_dir: Annotated[Path, typer.Argument(help=_("Folder of a Synthea CSV export"))],
    territory_dir: Annotated[Path, typer.Argument(help=_("Territory folder"))],
    out: Annotated[
        Path, typer.Option("--out", "-o", parser=output, help=_("Persons folder to write"))
    ],
    reference_date: RefDate = "2020-12-31",
    mapping: MapOpt = None,
    map_by: MapBy = "id",
    seed: SeedOpt = 0,
) -> None:
    _import("synthea", csv_dir, territory_dir, out, reference_date, mapping, map_by, seed)


@health.command(
    "import-fhir",
    help=_(
        "Import FHIR R4 bundles (Patient, Condition, Encounter, MedicationRequest, Observation, Immunization)."
    ),
)
def import_fhir(
    source: Annotated[Path, typer.Argument(help=_("A FHIR R4 Bundle (.json) or a folder of them"))],
    territory_dir: Annotated[Path, typer.Argument(help=_("Territory folder"))],
    out: Annotated[
        Path, typer.Option("--out", "-o", parser=output, help=_("Persons folder to write"))
    ],
    reference_date: RefDate = "2020-12-31",
    mapping: MapOpt = None,
    map_by: MapBy = "id",
    seed: SeedOpt = 0,
) -> None:
    _import("fhir", source, territory_dir, out, reference_date, mapping, map_by, seed)


@health.command(
    "run",
    help=_("Stratify, find care gaps and publish suppressed prevalences, pyramids and gap rates."),
)
def run(
    territory_dir: Annotated[Path, typer.Argument(help=_("Territory folder"))],
    persons_dir: Annotated[Path, typer.Argument(help=_("Persons folder"))],
    out: Annotated[
        Path, typer.Option("--out", "-o", parser=output, help=_("Results folder"))
    ] = Path("results"),
    engine: Annotated[
        Literal["duckdb", "spark"],
        typer.Option(help=_("duckdb (default) or spark")),
    ] = "duckdb",
    params_file: Annotated[Path | None, typer.Option("--params", help=_("Rules TOML"))] = None,
    reference_date: Annotated[str | None, typer.Option(help=_("YYYY-MM-DD"))] = None,
    min_count: Annotated[
        int | None,
        typer.Option(parser=whole(minimum=1), help=_("Suppress counts under this")),
    ] = None,
    threads: Annotated[
        int | None, typer.Option(parser=whole(minimum=1), help=_("Engine threads"))
    ] = None,
    attach: Annotated[bool, typer.Option(help=_("Save the measures into the territory"))] = False,
    list_ids: Annotated[
        str | None,
        typer.Option(
            help=_(
                "Also write the pseudonymous ids of a target group (stratum_3, gap_<id>) "
                "to target_ids.csv. Sensitive."
            )
        ),
    ] = None,
) -> None:
    from mesocare.population.rules import load_params
    from mesocare.population.tables import read_manifest
    from mesocare.services import population_health as S
    from mesocare.territory import load_territory

    manifest = read_manifest(persons_dir)
    ref = reference_date or manifest.get("reference_date")
    params = load_params(params_file, reference_date=ref, min_count=min_count)
    territory = load_territory(territory_dir)
    with progress() as bar:
        task = bar.add_task(
            _("Running the population-health query on {engine}").format(engine=engine), total=1
        )
        result, ids = S.analyse(
            territory,
            persons_dir,
            params,
            engine=engine,
            threads=threads,
            list_ids=list_ids,
            missing=tuple(manifest.get("missing_tables", ())),
        )
        bar.advance(task)
    paths = S.write_results(result, out, params, ids)
    if attach:
        S.attach(territory_dir, result)
    m = result.measures
    zone = m[(m["level"] == "region") & (m["measure_kind"] == "stratum")]
    pyramid = ", ".join(
        f"{measure} {fmt_percent(rate, fraction=True)}"
        for measure, rate in zip(zone["measure"], zone["rate"], strict=True)
        if rate == rate
    )
    console.print(
        _(
            "{persons} persons; risk pyramid of the persons with a chronic condition "
            "(region): {pyramid}"
        ).format(persons=fmt_int(result.persons), pyramid=pyramid)
    )
    missing = sorted(set(m.loc[m["note"] == "not_computable", "measure"]))
    if missing:
        console.print(
            _("not computable (the import had no table for them): {measures}").format(
                measures=", ".join(missing)
            )
        )
    for p in paths:
        line = _("written: {path}").format(path=p)
        if p.name == "target_ids.csv":
            line += " " + _("(pseudonymous ids: sensitive)")
        console.print(line)
