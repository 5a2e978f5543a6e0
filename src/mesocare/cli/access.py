"""``mesocare access``: accessibility scores, shortage and where to add GPs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mesocare.cli._common import console, progress

access_app = typer.Typer(
    help="Spatial accessibility (2SFCA, E2SFCA, APL), shortage areas and where to add GPs.",
    no_args_is_help=True,
)

TerritoryDir = Annotated[Path, typer.Argument(help="Territory folder (see 'mesocare generate')")]
MethodOpt = Annotated[str, typer.Option("--method", "-m", help="2sfca, e2sfca (default) or apl")]
MatrixOpt = Annotated[
    Path | None, typer.Option(help="Travel-time matrix (CSV/Parquet: origin, destination, minutes)")
]
PbfOpt = Annotated[
    Path | None, typer.Option(help="OpenStreetMap extract (.osm.pbf) for road times")
]
SpeedOpt = Annotated[float, typer.Option(help="Crow-fly speed in km/h")]
DetourOpt = Annotated[float, typer.Option(help="Crow-fly detour factor (road ÷ straight line)")]
MinutesOpt = Annotated[float, typer.Option(help="2SFCA catchment in minutes")]


def register(app: typer.Typer) -> None:
    app.add_typer(access_app, name="access")


def _request(
    method: str,
    matrix: Path | None,
    pbf: Path | None,
    speed: float,
    detour: float,
    max_minutes: float,
    crs: str,
):
    from mesocare.accessibility import CrowFly, MatrixFile, TravelTimeProvider
    from mesocare.accessibility.road import RoadNetwork
    from mesocare.errors import ParameterError
    from mesocare.services.accessibility import AccessRequest

    if matrix is not None and pbf is not None:
        raise ParameterError("give either --matrix or --pbf, not both")
    travel: TravelTimeProvider
    if matrix is not None:
        travel = MatrixFile.read(matrix)
    elif pbf is not None:
        travel = RoadNetwork.from_pbf(pbf, crs)
    else:
        travel = CrowFly(detour_factor=detour, speed_kmh=speed)
    return AccessRequest(method=method, travel=travel, max_minutes=max_minutes)  # type: ignore[arg-type]


@access_app.command("compute")
def compute(
    territory_dir: TerritoryDir,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Result per area: .gpkg, .csv or .parquet")
    ],
    method: MethodOpt = "e2sfca",
    matrix: MatrixOpt = None,
    pbf: PbfOpt = None,
    speed_kmh: SpeedOpt = 50.0,
    detour_factor: DetourOpt = 1.3,
    max_minutes: MinutesOpt = 30.0,
    units_out: Annotated[
        Path | None, typer.Option(help="Per network/zone/region table (.csv)")
    ] = None,
) -> None:
    """Accessibility of every area, its shortage flag, and population-weighted unit means."""
    from mesocare.services.accessibility import compute_accessibility, write_table
    from mesocare.territory import load_territory

    with progress() as bar:
        task = bar.add_task("Computing accessibility", total=2)
        territory = load_territory(territory_dir)
        req = _request(
            method, matrix, pbf, speed_kmh, detour_factor, max_minutes, str(territory.areas.crs)
        )
        res = compute_accessibility(territory, req)
        bar.advance(task)
        write_table(res.areas, out)
        if units_out is not None:
            write_table(res.units, units_out)
        bar.advance(task)
    zones = res.units[res.units["level"] == "zone"]
    console.print(
        f"{req.method.value}: {len(res.areas)} areas, {res.times.pairs} pairs in reach; "
        f"scores in {req.unit_label}; written to {out}"
    )
    for row in zones.itertuples():
        console.print(
            f"  {row.unit_code} {row.name}: {row.accessibility:.3g}"
            + (
                f", {row.population_in_shortage:,.0f} people in shortage areas"
                if req.shortage
                else ""
            )
        )


@access_app.command("site")
def site(
    territory_dir: TerritoryDir,
    fte: Annotated[float, typer.Option("--fte", help="New GP FTEs to place")],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Before/after per area: .csv or .parquet")
    ],
    zone: Annotated[
        str | None, typer.Option(help="Zone whose areas count and host the sites")
    ] = None,
    method: MethodOpt = "apl",
    solver: Annotated[str, typer.Option(help="milp (exact, default) or greedy")] = "milp",
    target: Annotated[
        float | None, typer.Option(help="Target score (default: shortage threshold or mean)")
    ] = None,
    fte_step: Annotated[float, typer.Option(help="FTE per unit placed")] = 1.0,
    matrix: MatrixOpt = None,
    pbf: PbfOpt = None,
    speed_kmh: SpeedOpt = 50.0,
    detour_factor: DetourOpt = 1.3,
    max_minutes: MinutesOpt = 30.0,
    sites_out: Annotated[Path | None, typer.Option(help="Chosen sites (.csv)")] = None,
) -> None:
    """Choose where N new GP FTEs most reduce the population-weighted shortfall below a target."""
    import pandas as pd

    from mesocare.services.accessibility import compute_accessibility, plan_sites, write_table
    from mesocare.territory import load_territory

    territory = load_territory(territory_dir)
    req = _request(
        method, matrix, pbf, speed_kmh, detour_factor, max_minutes, str(territory.areas.crs)
    )
    base = compute_accessibility(territory, req)
    plan = plan_sites(
        territory, base, fte, zone_code=zone, target=target, method=solver, fte_step=fte_step
    )
    write_table(plan.areas, out)
    if sites_out is not None:
        write_table(pd.DataFrame(plan.sites), sites_out)
    console.print(
        f"Target {plan.target:.3g} {req.unit_label}; shortfall (people × score) "
        f"{plan.shortfall_before:,.1f} → {plan.shortfall_after:,.1f}; {plan.optimality}"
    )
    for row in plan.sites.itertuples():
        console.print(f"  + {row.fte:g} FTE at {row.code}")
