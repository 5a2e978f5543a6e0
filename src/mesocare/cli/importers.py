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


@import_app.command(
    "files",
    help=_(
        "Build a territory from an area layer (GeoPackage, GeoJSON, Shapefile) and a population "
        "table (CSV, Parquet, XLSX), with optional zones and providers. Columns: see the README."
    ),
)
def files(
    areas: Annotated[Path, typer.Option("--areas", help=_("Area layer with area_code (and name)"))],
    population: Annotated[
        Path,
        typer.Option(
            "--population",
            help=_("area_code, population; or area_code, sex, age_band, count (and year)"),
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help=_("Folder to write the territory to"))],
    zones: Annotated[
        Path | None,
        typer.Option("--zones", help=_("area_code → zone_code (network_code, region_code …)")),
    ] = None,
    providers: Annotated[
        Path | None, typer.Option("--providers", help=_("Provider list (see 'providers import')"))
    ] = None,
    providers_preset: Annotated[
        str | None,
        typer.Option(
            "--providers-preset",
            metavar="sociale-kaart|riziv|rpps|finess",
            help=_("A packaged column mapping for the provider list"),
        ),
    ] = None,
    providers_mapping: Annotated[
        Path | None,
        typer.Option("--providers-mapping", help=_("Column mapping of the provider list (TOML)")),
    ] = None,
    crs: Annotated[
        str | None,
        typer.Option("--crs", help=_("Metric CRS, e.g. EPSG:3067 (default: the UTM zone)")),
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help=_("Year of the population (without a year column)"))
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", help=_("Territory name (default: the area file's)"))
    ] = None,
    layer: Annotated[
        str | None, typer.Option("--layer", help=_("Layer of a GeoPackage with several"))
    ] = None,
    column: Annotated[
        list[str] | None,
        typer.Option(
            "--column",
            metavar="FIELD=NAME",
            help=_("Read a field from another column, e.g. area_code=nis or zones.zone_code=elz"),
        ),
    ] = None,
) -> None:
    from mesocare.errors import ParameterError
    from mesocare.sources.files import import_files
    from mesocare.sources.providers import load_mapping
    from mesocare.territory import save_territory

    mapping: dict[str, str] = {}
    for item in column or []:
        field, sep, source = item.partition("=")
        if not sep or not field.strip() or not source.strip():
            raise ParameterError(_("--column needs FIELD=NAME, found '{item}'").format(item=item))
        mapping[field.strip()] = source.strip()
    done = import_files(
        areas,
        population,
        zones=zones,
        providers=providers,
        crs=crs,
        year=year,
        name=name,
        layer=layer,
        columns=mapping,
        provider_mapping=load_mapping(providers_mapping, providers_preset),
    )
    save_territory(done.territory, out)
    t = done.territory
    crs_note = (
        _("{crs} (the UTM zone of the areas; choose another with --crs)").format(crs=done.crs)
        if done.crs_chosen
        else done.crs
    )
    console.print(
        _(
            "Territory [bold]{name}[/]: {areas} areas, {zones} zones, {inhabitants} inhabitants "
            "({year}), {providers} providers; coordinates in {crs}; written to {path}"
        ).format(
            name=t.manifest.name,
            areas=fmt_int(len(t.areas)),
            zones=fmt_int(len(t.zone_codes())),
            inhabitants=fmt_int(t.population["count"].sum()),
            year=t.manifest.reference_year,
            providers=fmt_int(len(t.providers)),
            crs=crs_note,
            path=out,
        ),
        highlight=False,
    )
