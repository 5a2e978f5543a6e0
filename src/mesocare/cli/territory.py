"""Commands on whole territories: generate, diagnose, demo.

The language of a report: the global ``--lang`` (see ``cli/__init__.py``), else the territory's
own ``language``, else the environment's; the command speaks it from then on.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

import typer

from mesocare.cli._common import console, explicit_language, output, progress, whole
from mesocare.i18n import _, resolve_language, use_locale


def register(app: typer.Typer) -> None:
    app.command(
        "demo",
        help=_(
            "Generate the default synthetic territory (Leuven-like), its report and a platform "
            "with demo accounts, then start it."
        ),
    )(demo)
    app.command(
        "generate", help=_("Generate a synthetic territory (labelled synthetic everywhere).")
    )(generate)
    app.command(
        "diagnose",
        help=_("Write a zone's diagnosis: one self-contained HTML file, a PDF, or JSON data."),
    )(diagnose)
    app.command(
        "diagnose-all", help=_("Diagnose every zone of a territory and write an index page.")
    )(diagnose_all)
    app.command(
        "cpts",
        help=_(
            "Write a CPTS report: size class, DREES APL against département, région and France, "
            "under-served share, poverty rate, ACI amounts (HTML or JSON)."
        ),
    )(cpts_report)


def generate(
    out: Annotated[
        Path, typer.Option("--out", "-o", parser=output, help=_("Folder to write the territory to"))
    ],
    preset: Annotated[
        Literal["leuven", "flanders", "belgium"],
        typer.Option(
            help=_("leuven (default), flanders or belgium"),
        ),
    ] = "leuven",
    seed: Annotated[
        int | None,
        typer.Option(parser=whole(minimum=0), help=_("Random seed (default: the preset's)")),
    ] = None,
) -> None:
    from mesocare.territory import save_territory
    from mesocare.territory.synthetic import generate as gen

    with progress() as bar:
        task = bar.add_task(
            _("Generating the '{preset}' synthetic territory").format(preset=preset), total=2
        )
        territory = gen(preset, seed=seed)
        bar.advance(task)
        save_territory(territory, out)
        bar.advance(task)
    console.print(
        _("Synthetic territory [bold]{name}[/] written to {out}").format(
            name=territory.manifest.name, out=out
        )
    )


def _language(territory) -> str:  # type: ignore[no-untyped-def]
    return resolve_language(explicit_language(), territory.manifest.language)


def _run_diagnosis(territory, zone: str, out: Path, fmt: str, lang: str) -> Path:  # type: ignore[no-untyped-def]
    from mesocare.reports.diagnosis import write_report
    from mesocare.reports.sections.geo import ZoneGeometry
    from mesocare.services.diagnosis import STEPS
    from mesocare.services.diagnosis import diagnose as run

    with progress() as bar:
        task = bar.add_task(_("Diagnosing zone {zone}").format(zone=zone), total=len(STEPS) + 1)

        def step(name: str) -> None:
            bar.update(task, description=f"{zone}: {name}")
            bar.advance(task)

        diag = run(territory, zone, on_step=step)
        bar.update(task, description=_("Writing the report"))
        path = write_report(diag, ZoneGeometry.of(territory, zone), out, fmt, lang=lang)
        bar.advance(task)
    return path


def diagnose(
    territory_dir: Annotated[
        Path | None, typer.Argument(help=_("A territory folder (territory.toml …)"))
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", parser=output, help=_("Report file to write"))
    ] = None,
    zone: Annotated[
        str | None,
        typer.Option("--zone", "-z", help=_("Zone code or name, any case (default: the first)")),
    ] = None,
    fmt: Annotated[
        Literal["html", "pdf", "json"] | None,
        typer.Option(
            "--format",
            "-f",
            help=_("html, pdf or json (default: from the file name)"),
        ),
    ] = None,
    schema: Annotated[
        bool, typer.Option("--schema", help=_("Print the JSON Schema of --format json and stop"))
    ] = False,
) -> None:
    from mesocare.errors import MesocareError

    if schema:
        import json

        from mesocare.services.diagnosis import json_schema

        print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
        return
    if territory_dir is None or out is None:
        raise MesocareError(_("diagnose needs a territory folder and --out FILE (or --schema)"))
    from mesocare.reports.diagnosis import check_format
    from mesocare.services.diagnosis import resolve_zone
    from mesocare.territory import load_territory

    kind = check_format(out, fmt)
    territory = load_territory(territory_dir)
    language = _language(territory)
    with use_locale(language):
        code = resolve_zone(territory, zone)
        path = _run_diagnosis(territory, code, out, kind, language)
        console.print(
            _("Report on zone {code} ({name}) written to {path}").format(
                code=code, name=territory.unit_name(code), path=path
            )
        )


def cpts_report(
    territory_dir: Annotated[
        Path, typer.Argument(help=_("A French territory (mesocare import france … --cpts FILE)"))
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", parser=output, help=_("Report file to write"))
    ],
    cpts: Annotated[
        str | None, typer.Option("--cpts", "-z", help=_("CPTS code or name (default: the first)"))
    ] = None,
    year: Annotated[int, typer.Option(help=_("Year of the DREES APL: 2022 or 2023"))] = 2023,
) -> None:
    from mesocare.reports.cpts import write_cpts_report
    from mesocare.services.cpts import cpts_profile
    from mesocare.services.diagnosis import resolve_zone
    from mesocare.territory import load_territory

    territory = load_territory(territory_dir)
    language = _language(territory)
    with use_locale(language):
        code = resolve_zone(territory, cpts)
        profile = cpts_profile(territory, code, year=year)
        path = write_cpts_report(profile, territory.manifest, out, lang=language)
        console.print(
            _("Report on CPTS {code} ({name}, class {klass}) written to {path}").format(
                code=code, name=profile.name, klass=profile.size_class, path=path
            )
        )


def demo(
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", parser=output, help=_("Folder for the territory, report and platform")
        ),
    ] = Path("demo-output"),
    seed: Annotated[
        int | None, typer.Option(parser=whole(minimum=0), help=_("Random seed"))
    ] = None,
    serve: Annotated[
        bool,
        typer.Option("--serve/--no-serve", help=_("Start the platform when ready (default)")),
    ] = True,
    host: Annotated[str, typer.Option(help=_("Address to listen on"))] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help=_("Port"))] = 8000,
) -> None:
    from mesocare.territory import load_territory, save_territory
    from mesocare.territory.synthetic import generate as gen

    tdir = out / DEMO_TERRITORY
    if (tdir / "territory.toml").is_file() and seed is None:
        territory = load_territory(tdir)  # a second run keeps the territory and its records
    else:
        with progress() as bar:
            task = bar.add_task(_("Generating the synthetic Leuven-like territory"), total=1)
            territory = gen("leuven", seed=seed)
            tdir = save_territory(territory, tdir)
            bar.advance(task)
    language = _language(territory)
    with use_locale(language):
        report = _run_diagnosis(territory, "Z01", out / "diagnosis-Z01.html", "html", language)
        accounts = _demo_platform(out)
        console.print(_("Synthetic territory: [bold]{path}[/]").format(path=tdir))
        console.print(
            _("Diagnosis report:    [bold]{path}[/]  (open it in a browser; works offline)").format(
                path=report
            )
        )
        _print_accounts(accounts)
        if not serve:
            console.print(_("Next: {command}").format(command=f"{_prog()} serve --data {out}"))
            return
    from mesocare.cli.platform import serve as serve_command

    serve_command(data=out, host=host, port=port)


DEMO_TERRITORY = "leuven"


def _demo_platform(out: Path):  # type: ignore[no-untyped-def]
    """The demo's database: migrated, the diagnoses computed, the demo accounts and records."""
    from mesocare.services.platform import Platform
    from mesocare.services.platform.demo import prepare

    with progress() as bar:
        task = bar.add_task(_("Preparing the platform (database, diagnoses, accounts)"), total=1)
        platform = Platform(out)
        platform.start()
        platform.wait()
        accounts = prepare(platform, DEMO_TERRITORY)
        platform.close()
        bar.advance(task)
    return accounts


def _print_accounts(accounts) -> None:  # type: ignore[no-untyped-def]
    from rich.table import Table

    from mesocare.i18n import _ as t

    table = Table(
        t("E-mail address"),
        t("Password"),
        t("Role"),
        t("Scope"),
        title=t("Demo accounts (synthetic)"),
    )
    for a in accounts:
        table.add_row(a.email, a.password, a.role, a.unit or "*")
    console.print(table)


def _prog() -> str:
    """How the user called this program (e.g. .venv/bin/mesocare), for copy-paste hints."""
    import sys

    arg0 = sys.argv[0] if sys.argv else "mesocare"
    if os.path.basename(arg0) == "mesocare" and os.sep in arg0:
        return os.path.relpath(arg0)
    return "mesocare"


def diagnose_all(
    territory_dir: Annotated[Path, typer.Argument(help=_("A territory folder (territory.toml …)"))],
    out: Annotated[
        Path, typer.Option("--out", "-o", parser=output, help=_("Folder for the reports"))
    ],
    fmt: Annotated[
        Literal["html", "pdf", "json"],
        typer.Option("--format", "-f", help=_("html, pdf or json")),
    ] = "html",
    workers: Annotated[
        int | None, typer.Option(min=1, help=_("Parallel processes (default: cores)"))
    ] = None,
) -> None:
    from mesocare.errors import MesocareError
    from mesocare.reports.batch import write_all
    from mesocare.reports.diagnosis import FORMATS
    from mesocare.territory import load_territory

    if fmt not in FORMATS:
        raise MesocareError(
            _("unknown report format '{fmt}'; expected html, json or pdf").format(fmt=fmt)
        )
    territory = load_territory(territory_dir)
    language = _language(territory)
    with use_locale(language):
        zones = territory.zone_codes()
        with progress() as bar:
            task = bar.add_task(_("Diagnosing {n} zones").format(n=len(zones)), total=len(zones))
            paths = write_all(
                territory,
                out,
                fmt=fmt,
                lang=language,
                workers=workers,
                on_done=lambda z: bar.advance(task),
            )
        console.print(
            _("{n} zone reports and index.html written to {out}").format(n=len(paths), out=out)
        )
