"""``mesocare zone …``: draw zones and vicinity networks, evaluate a zoning, redraw after mergers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import pandas as pd
import typer
from rich.table import Table

from mesocare.atomic import file_write
from mesocare.cli._common import console, number, output, whole
from mesocare.i18n import _, fmt_decimal

zone_app = typer.Typer(
    help=_("Draw zones and vicinity networks under population bounds; score any zoning.")
)

Territory_ = Annotated[Path, typer.Argument(help=_("Territory folder (see `mesocare generate`)"))]
Min = Annotated[
    float,
    typer.Option("--min", parser=number(minimum=0), help=_("Minimum population per zone")),
]
Max = Annotated[
    float, typer.Option("--max", parser=number(above=0), help=_("Maximum population per zone"))
]
Seed = Annotated[int, typer.Option(parser=whole(minimum=0), help=_("Random seed"))]
Weight = number(minimum=0)
Out = Annotated[
    Path | None,
    typer.Option("--out", "-o", parser=output, help=_("Write .gpkg (areas + zones) or .csv")),
]
Attrs = Annotated[
    list[str] | None, typer.Option("--attribute", help=_("Area attribute for homogeneity (repeat)"))
]


def register(app: typer.Typer) -> None:
    app.add_typer(zone_app, name="zone")


def _print_table(frame: pd.DataFrame, title: str, limit: int = 40) -> None:
    t = Table(title=title)
    for c in frame.columns:
        t.add_column(str(c))
    for row in frame.head(limit).itertuples(index=False):
        t.add_row(*[fmt_decimal(v, 3) if isinstance(v, float) else str(v) for v in row])
    console.print(t)
    if len(frame) > limit:
        console.print(_("… {n} more rows (see --out)").format(n=len(frame) - limit))


def _print_summary(summary: dict, title: str) -> None:
    parts = [
        f"{k}={fmt_decimal(v, 3)}" if isinstance(v, float) else f"{k}={v}"
        for k, v in summary.items()
    ]
    console.print(f"[bold]{title}[/]: " + ", ".join(parts), soft_wrap=True)


def _report(outcome, out: Path | None, quiet_notes: bool = False) -> None:  # type: ignore[no-untyped-def]
    from mesocare.services.zoning import write_zoning

    for note in outcome.notes:
        console.print(_("[yellow]note:[/] {note}").format(note=note), soft_wrap=True)
    _print_table(outcome.evaluation.zones, _("Proposed zoning"))
    _print_summary(outcome.evaluation.summary, _("Proposal"))
    if outcome.existing is not None:
        _print_summary(outcome.existing.summary, _("Existing"))
    if not outcome.result.feasible:
        console.print(_("[bold red]Some bounds could not be met[/] (see the notes above)"))
    if out is not None:
        write_zoning(outcome.assignment, out)
        console.print(_("Written to {path}").format(path=out))


@zone_app.command(
    "draw", help=_("Propose zones of whole areas, contiguous and within the population bounds.")
)
def draw_cmd(
    territory: Territory_,
    min_population: Min = 75_000,
    max_population: Max = 125_000,
    count: Annotated[
        int | None,
        typer.Option(
            "--count",
            parser=whole(minimum=1),
            help=_("Number of zones (default: as many as the bounds allow)"),
        ),
    ] = None,
    keep_whole_column: Annotated[
        str | None,
        typer.Option(
            "--keep-whole-column", help=_("Area column whose units stay whole (e.g. network_code)")
        ),
    ] = None,
    region: Annotated[str | None, typer.Option(help=_("Only this region_code"))] = None,
    attribute: Attrs = None,
    homogeneity: Annotated[
        float, typer.Option(parser=Weight, help=_("Weight of attribute homogeneity"))
    ] = 1.0,
    stay_close: Annotated[
        float, typer.Option(parser=Weight, help=_("Weight of staying close to today's zones"))
    ] = 0.0,
    allow_oversized: Annotated[
        bool, typer.Option(help=_("Units above --max become their own zones"))
    ] = False,
    seed: Seed = 0,
    out: Out = None,
) -> None:
    from mesocare.services.zoning import draw_zones
    from mesocare.territory import load_territory
    from mesocare.zoning import ZoningParams

    params = ZoningParams(
        min_population=min_population,
        max_population=max_population,
        n_zones=count,
        homogeneity_weight=homogeneity if attribute else 0.0,
        stay_close_weight=stay_close,
        allow_oversized_units=allow_oversized,
        seed=seed,
    )
    outcome = draw_zones(
        load_territory(territory), params, region_code=region,
        keep_whole=keep_whole_column, attributes=attribute or (),
    )  # fmt: skip
    _report(outcome, out)


@zone_app.command(
    "networks", help=_("Split one zone into vicinity networks of similar population.")
)
def networks_cmd(
    territory: Territory_,
    zone: Annotated[str, typer.Option("--zone", help=_("Zone code"))],
    count: Annotated[
        int,
        typer.Option("--count", parser=whole(minimum=1), help=_("Number of vicinity networks")),
    ] = 9,
    min_population: Annotated[
        float | None,
        typer.Option(
            "--min", parser=number(minimum=0), help=_("Minimum (default: mean − tolerance)")
        ),
    ] = None,
    max_population: Annotated[
        float | None,
        typer.Option(
            "--max", parser=number(above=0), help=_("Maximum (default: mean + tolerance)")
        ),
    ] = None,
    tolerance: Annotated[
        float,
        typer.Option(
            parser=number(minimum=0, maximum=1),
            help=_("Default bounds: mean × (1 ± tolerance)"),
        ),
    ] = 0.3,
    attribute: Attrs = None,
    seed: Seed = 0,
    out: Out = None,
) -> None:
    from mesocare.services.zoning import draw_networks
    from mesocare.territory import load_territory

    outcome = draw_networks(
        load_territory(territory), zone, count, min_population=min_population,
        max_population=max_population, tolerance=tolerance, attributes=attribute or (), seed=seed,
    )  # fmt: skip
    _report(outcome, out)


@zone_app.command(
    "evaluate",
    help=_(
        "Score a zoning (today's zones or networks, or a CSV) against bounds and today's zones."
    ),
)
def evaluate_cmd(
    territory: Territory_,
    level: Annotated[Literal["zone", "network"], typer.Option(help=_("zone or network"))] = "zone",
    zone: Annotated[
        str | None, typer.Option("--zone", help=_("Only the areas of this zone"))
    ] = None,
    region: Annotated[str | None, typer.Option(help=_("Only this region_code"))] = None,
    zoning: Annotated[
        Path | None, typer.Option(help=_("CSV (area_code, zone_code) to score instead"))
    ] = None,
    min_population: Annotated[float | None, typer.Option("--min", parser=number(minimum=0))] = None,
    max_population: Annotated[float | None, typer.Option("--max", parser=number(above=0))] = None,
    attribute: Attrs = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", parser=output, help=_("Write the zone table as CSV")),
    ] = None,
) -> None:
    from mesocare.services.zoning import evaluate_zoning
    from mesocare.sources._read import read_csv
    from mesocare.territory import load_territory

    labels = None
    reference = None
    if zoning is not None:
        df = read_csv(zoning, ["area_code", "zone_code"], _("a CSV with area_code, zone_code"))
        labels = dict(zip(df["area_code"], df["zone_code"], strict=True))
        reference = f"{level}_code"
    ev = evaluate_zoning(
        load_territory(territory), level=level, zone_code=zone, region_code=region,
        min_population=min_population, max_population=max_population,
        attributes=attribute or (), labels=labels, reference=reference,
    )  # fmt: skip
    title = _("Evaluation of the networks") if level == "network" else _("Evaluation of the zones")
    _print_table(ev.zones, title)
    _print_summary(ev.summary, _("Summary"))
    if out is not None:
        with file_write(out) as f:
            ev.zones.to_csv(f, index=False)
        console.print(_("Written to {path}").format(path=out))


@zone_app.command(
    "redraw-mergers",
    help=_(
        "Map today's zones onto merged municipalities, flag what breaks, propose a minimal repair."
    ),
)
def redraw_mergers_cmd(
    territory: Territory_,
    mergers: Annotated[
        Path, typer.Option(help=_("Merger table, e.g. be_mergers_2025/fusies-2025.tsv"))
    ],
    min_population: Min = 75_000,
    max_population: Max = 125_000,
    region: Annotated[str | None, typer.Option(help=_("Only this region_code"))] = None,
    out: Out = None,
) -> None:
    from mesocare.services.zoning import redraw_after_mergers, write_zoning
    from mesocare.sources.be_mergers import code_map, read_mergers
    from mesocare.territory import load_territory
    from mesocare.zoning import ZoningParams

    params = ZoningParams(min_population=min_population, max_population=max_population)
    outcome = redraw_after_mergers(
        load_territory(territory), code_map(read_mergers(mergers)), params, region_code=region
    )
    _print_table(outcome.flags, _("What the mergers break"))
    for note in outcome.result.messages:
        console.print(_("[yellow]note:[/] {note}").format(note=note), soft_wrap=True)
    _print_summary(outcome.evaluation.summary, _("Repaired zoning vs mapped zoning"))
    if out is not None:
        write_zoning(outcome.repaired, out)
        console.print(_("Written to {path}").format(path=out))
