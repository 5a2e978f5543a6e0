"""Commands on whole territories: generate, diagnose, demo."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from mesocare.cli._common import console, progress


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
    app.command("generate")(generate)
    app.command("diagnose")(diagnose)
    app.command("diagnose-all")(diagnose_all)


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


def _run_diagnosis(territory, zone: str, out: Path, fmt: str) -> Path:  # type: ignore[no-untyped-def]
    from mesocare.reports.diagnosis import CLOSING_BUILDERS, SECTION_BUILDERS
    from mesocare.services.diagnose import diagnose_zone, write_report

    steps = len(SECTION_BUILDERS) + len(CLOSING_BUILDERS) + 1
    with progress() as bar:
        task = bar.add_task(f"Diagnosing zone {zone}", total=steps)

        def step(name: str) -> None:
            bar.update(task, description=f"Zone {zone}: {name}")
            bar.advance(task)

        diag = diagnose_zone(territory, zone, on_step=step, workers=min(2, os.cpu_count() or 1))
        bar.update(task, description=f"Writing the {fmt.upper()} report")
        path = write_report(diag, out, fmt)  # type: ignore[arg-type]
        bar.advance(task)
    return path


def diagnose(
    territory_dir: Annotated[Path, typer.Argument(help="A territory folder (territory.toml …)")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Report file to write")],
    zone: Annotated[
        str | None, typer.Option("--zone", "-z", help="Zone code (default: first)")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="html or json")] = "html",
) -> None:
    """Write a zone's diagnosis report: one self-contained HTML file (or JSON data)."""
    from mesocare.services.diagnose import default_zone
    from mesocare.territory import load_territory

    territory = load_territory(territory_dir)
    code = zone or default_zone(territory)
    path = _run_diagnosis(territory, code, out, fmt)
    console.print(f"Report on zone [bold]{code}[/] ({territory.unit_name(code)}) written to {path}")


def demo(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for the territory and report")
    ] = Path("demo-output"),
    seed: Annotated[int | None, typer.Option(help="Random seed")] = None,
) -> None:
    """Generate the default synthetic territory (Leuven-like) and write its zone's report."""
    from mesocare.territory import save_territory
    from mesocare.territory.synthetic import generate as gen

    with progress() as bar:
        task = bar.add_task("Generating the synthetic Leuven-like territory", total=1)
        territory = gen("leuven", seed=seed)
        tdir = save_territory(territory, out / "territory")
        bar.advance(task)
    report = _run_diagnosis(territory, "Z01", out / "diagnosis-Z01.html", "html")
    console.print(f"Synthetic territory: [bold]{tdir}[/]")
    console.print(f"Diagnosis report:    [bold]{report}[/]  (open it in a browser; works offline)")
    console.print(f"Next: {_prog()} diagnose {tdir} --zone Z02 --out zone2.html")


def _prog() -> str:
    """How the user called this program (e.g. .venv/bin/mesocare), for copy-paste hints."""
    import os
    import sys

    arg0 = sys.argv[0] if sys.argv else "mesocare"
    if os.path.basename(arg0) == "mesocare" and os.sep in arg0:
        return os.path.relpath(arg0)
    return "mesocare"


def diagnose_all(
    territory_dir: Annotated[Path, typer.Argument(help="A territory folder (territory.toml …)")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the reports")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="html or json")] = "html",
    workers: Annotated[int | None, typer.Option(help="Parallel processes (default: cores)")] = None,
) -> None:
    """Diagnose every zone of a territory (in parallel) and write an index page."""
    from mesocare.services.diagnose_all import diagnose_all as run_all
    from mesocare.territory import load_territory

    if fmt not in ("html", "json"):
        from mesocare.errors import MesocareError

        raise MesocareError(f"unknown report format '{fmt}'; expected html or json")
    territory = load_territory(territory_dir)
    zones = territory.zone_codes()
    with progress() as bar:
        task = bar.add_task(f"Diagnosing {len(zones)} zones", total=len(zones))
        paths = run_all(
            territory,
            out,
            fmt=fmt,  # type: ignore[arg-type]  # checked to be html or json above
            workers=workers,
            on_done=lambda z: bar.advance(task),
        )
    console.print(f"{len(paths)} zone reports and index.html written to {out}")
