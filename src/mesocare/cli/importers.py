"""``mesocare import …``: build a Territory from real data files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mesocare.cli._common import console, progress

import_app = typer.Typer(
    name="import", help="Import real data into a territory folder.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(import_app, name="import")


@import_app.command("flanders")
def flanders(
    data_dir: Annotated[
        Path, typer.Argument(help="Folder laid out as ../shared/data (see its README)")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the territory to")],
) -> None:
    """Import the municipalities and primary care zones of Flanders and Brussels (2020)."""
    from mesocare.sources.flanders import STEPS, import_flanders
    from mesocare.territory import save_territory

    with progress() as bar:
        task = bar.add_task(STEPS[0], total=len(STEPS) + 1)

        def step_done(step: str) -> None:
            i = STEPS.index(step)
            bar.update(
                task, advance=1, description=STEPS[i + 1] if i + 1 < len(STEPS) else "Saving"
            )

        territory = import_flanders(data_dir, progress=step_done)
        save_territory(territory, out)
        bar.update(task, advance=1, description="Done")
    zones = territory.zone_codes()
    console.print(
        f"Territory [bold]{territory.manifest.name}[/]: {len(territory.areas)} municipalities, "
        f"{len(zones)} zones, {int(territory.population['count'].sum()):,} inhabitants "
        f"({territory.manifest.reference_year}), written to {out}"
    )
