"""``mesocare providers …``: put a real provider list into a territory."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mesocare.cli._common import console
from mesocare.i18n import _, fmt_int

providers_app = typer.Typer(
    name="providers", help=_("Care providers of a territory."), no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(providers_app, name="providers")


@providers_app.command(
    "import",
    help=_(
        "Read a provider list (CSV or XLSX) into a territory: each provider placed in its area by "
        "coordinates or area code. Column names: see the README (Importing providers)."
    ),
)
def import_(
    territory_dir: Annotated[Path, typer.Argument(help=_("Territory folder"))],
    file: Annotated[Path, typer.Argument(help=_("Provider list (.csv or .xlsx)"))],
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help=_("Column mapping (TOML, see the README)"))
    ] = None,
    preset: Annotated[
        str | None,
        typer.Option(
            "--preset",
            metavar="sociale-kaart|riziv|rpps|finess",
            help=_("A packaged column mapping for a known export"),
        ),
    ] = None,
    append: Annotated[
        bool,
        typer.Option("--append", help=_("Add to the territory's providers (default: replace)")),
    ] = False,
) -> None:
    from mesocare.services.providers import import_providers

    done = import_providers(territory_dir, file, mapping_file=mapping, preset=preset, append=append)
    console.print(
        _(
            "{added} providers written to {path} ({replaced} replaced, {skipped} rows skipped)."
        ).format(
            added=fmt_int(done.added),
            path=territory_dir,
            replaced=fmt_int(done.replaced),
            skipped=fmt_int(done.skipped),
        )
    )
    for discipline, n in done.by_discipline.items():
        console.print(f"  {discipline}: {fmt_int(n)}")
