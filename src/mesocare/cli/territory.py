"""Commands on whole territories: generate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mesocare.cli._common import console, progress


def register(app: typer.Typer) -> None:
    app.command("generate")(generate)


def generate(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the territory to")],
    preset: Annotated[str, typer.Option(help="leuven (default), flanders or belgium")] = "leuven",
    seed: Annotated[int | None, typer.Option(help="Random seed (default: the preset's)")] = None,
) -> None:
    """Generate a synthetic territory (labelled synthetic everywhere) into a folder."""
    from mesocare.territory import save_territory
    from mesocare.territory.synthetic import generate as gen

    with progress() as bar:
        task = bar.add_task(f"Generating the '{preset}' synthetic territory", total=2)
        territory = gen(preset, seed=seed)
        bar.advance(task)
        save_territory(territory, out)
        bar.advance(task)
    console.print(f"Synthetic territory [bold]{territory.manifest.name}[/] written to {out}")
