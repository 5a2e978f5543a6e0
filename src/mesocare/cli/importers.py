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
    from mesocare.territory import save_territory

    with progress() as bar:
        task = bar.add_task(_(STEPS[0]), total=len(STEPS) + 1)

        def step_done(step: str) -> None:
            i = STEPS.index(step)
            bar.update(
                task, advance=1, description=_(STEPS[i + 1]) if i + 1 < len(STEPS) else _("Saving")
            )

        territory = import_flanders(data_dir, progress=step_done)
        save_territory(territory, out)
        bar.update(task, advance=1, description=_("Done"))
    zones = territory.zone_codes()
    console.print(
        _(
            "Territory [bold]{name}[/]: {municipalities} municipalities, {zones} zones, "
            "{inhabitants} inhabitants ({year}), written to {path}"
        ).format(
            name=territory.manifest.name,
            municipalities=fmt_int(len(territory.areas)),
            zones=fmt_int(len(zones)),
            inhabitants=fmt_int(territory.population["count"].sum()),
            year=territory.manifest.reference_year,
            path=out,
        )
    )
