"""``mesocare access``: accessibility scores, shortage and where to add GPs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from mesocare.cli._common import console, number, output, progress
from mesocare.i18n import _, fmt_decimal, fmt_int, fmt_number

access_app = typer.Typer(
    help=_("Spatial accessibility (2SFCA, E2SFCA, APL), shortage areas and where to add GPs."),
    no_args_is_help=True,
)

TerritoryDir = Annotated[Path, typer.Argument(help=_("Territory folder (see 'mesocare generate')"))]
MethodOpt = Annotated[
    Literal["2sfca", "e2sfca", "apl"],
    typer.Option(
        "--method",
        "-m",
        help=_("2sfca, e2sfca (default) or apl"),
    ),
]
MatrixOpt = Annotated[
    Path | None,
    typer.Option(help=_("Travel-time matrix (CSV/Parquet: origin, destination, minutes)")),
]
PbfOpt = Annotated[
    Path | None, typer.Option(help=_("OpenStreetMap extract (.osm.pbf) for road times"))
]
SpeedOpt = Annotated[float, typer.Option(parser=number(above=0), help=_("Crow-fly speed in km/h"))]
DetourOpt = Annotated[
    float,
    typer.Option(parser=number(minimum=1), help=_("Crow-fly detour factor (road ÷ straight line)")),
]
MinutesOpt = Annotated[
    float, typer.Option(parser=number(above=0), help=_("2SFCA catchment in minutes"))
]
AplParamsOpt = Annotated[
    Path | None,
    typer.Option(help=_("Your APL parameter file (same keys as the packaged DREES vintages)")),
]
AplVintageOpt = Annotated[
    Literal["2023", "2022"],
    typer.Option(help=_("Packaged DREES APL vintage: 2023 (default) or 2022")),
]
DisciplineOpt = Annotated[
    str, typer.Option(help=_("Providers of this discipline (gp, home_nurse, pharmacist …)"))
]


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
    apl_params: Path | None = None,
    apl_vintage: str = "2023",
    discipline: str = "gp",
):
    from mesocare.accessibility import CrowFly, MatrixFile, TravelTimeProvider, load_apl_params
    from mesocare.accessibility.road import RoadNetwork
    from mesocare.errors import ParameterError
    from mesocare.services.accessibility import AccessRequest
    from mesocare.territory import Discipline

    known = [d.value for d in Discipline]
    if discipline not in known:
        raise ParameterError(
            _("--discipline: unknown '{found}'; expected one of {known}").format(
                found=discipline, known=", ".join(known)
            )
        )
    if matrix is not None and pbf is not None:
        raise ParameterError(_("give either --matrix or --pbf, not both"))
    travel: TravelTimeProvider
    if matrix is not None:
        travel = MatrixFile.read(matrix)
    elif pbf is not None:
        travel = RoadNetwork.from_pbf(pbf, crs)
    else:
        travel = CrowFly(detour_factor=detour, speed_kmh=speed)
    apl = load_apl_params(apl_params, vintage=apl_vintage)
    return AccessRequest(
        method=method,  # type: ignore[arg-type]
        travel=travel,
        max_minutes=max_minutes,
        apl=apl,
        discipline=discipline,  # type: ignore[arg-type]
    )


@access_app.command(
    "compute",
    help=_("Accessibility of every area, its shortage flag, and population-weighted unit means."),
)
def compute(
    territory_dir: TerritoryDir,
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", parser=output, help=_("Result per area: .gpkg, .csv or .parquet")
        ),
    ],
    method: MethodOpt = "e2sfca",
    matrix: MatrixOpt = None,
    pbf: PbfOpt = None,
    speed_kmh: SpeedOpt = 50.0,
    detour_factor: DetourOpt = 1.3,
    max_minutes: MinutesOpt = 30.0,
    apl_params: AplParamsOpt = None,
    apl_vintage: AplVintageOpt = "2023",
    discipline: DisciplineOpt = "gp",
    units_out: Annotated[
        Path | None, typer.Option(parser=output, help=_("Per network/zone/region table (.csv)"))
    ] = None,
) -> None:
    from mesocare.services.accessibility import compute_accessibility, write_table
    from mesocare.territory import load_territory

    with progress() as bar:
        task = bar.add_task(_("Computing accessibility"), total=2)
        territory = load_territory(territory_dir)
        req = _request(
            method,
            matrix,
            pbf,
            speed_kmh,
            detour_factor,
            max_minutes,
            str(territory.areas.crs),
            apl_params,
            apl_vintage,
            discipline,
        )
        res = compute_accessibility(territory, req)
        bar.advance(task)
        write_table(res.areas, out)
        if units_out is not None:
            write_table(res.units, units_out)
        bar.advance(task)
    zones = res.units[res.units["level"] == "zone"]
    console.print(
        _(
            "{method}: {areas} areas, {pairs} pairs in reach; scores in {unit}; written to {path}"
        ).format(
            method=req.method.value
            + (f" ({req.apl.vintage})" if req.method.value == "apl" else ""),
            areas=fmt_int(len(res.areas)),
            pairs=fmt_int(res.times.pairs),
            unit=req.unit_label,
            path=out,
        )
    )
    for row in zones.itertuples():
        line = f"  {row.unit_code} {row.name}: {fmt_number(row.accessibility)}"
        if req.shortage:
            line += _(", {people} people in shortage areas").format(
                people=fmt_int(row.population_in_shortage)
            )
        console.print(line)


@access_app.command(
    "site",
    help=_(
        "Choose where N new GP FTEs most reduce the population-weighted shortfall below a target."
    ),
)
def site(
    territory_dir: TerritoryDir,
    fte: Annotated[
        float, typer.Option("--fte", parser=number(above=0), help=_("New GP FTEs to place"))
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", parser=output, help=_("Before/after per area: .csv or .parquet")
        ),
    ],
    zone: Annotated[
        str | None, typer.Option(help=_("Zone whose areas count and host the sites"))
    ] = None,
    method: MethodOpt = "apl",
    solver: Annotated[
        Literal["milp", "greedy"],
        typer.Option(help=_("milp (exact, default) or greedy")),
    ] = "milp",
    target: Annotated[
        float | None,
        typer.Option(
            parser=number(minimum=0),
            help=_("Target score (default: shortage threshold or mean)"),
        ),
    ] = None,
    fte_step: Annotated[
        float, typer.Option(parser=number(above=0), help=_("FTE per unit placed"))
    ] = 1.0,
    matrix: MatrixOpt = None,
    pbf: PbfOpt = None,
    speed_kmh: SpeedOpt = 50.0,
    detour_factor: DetourOpt = 1.3,
    max_minutes: MinutesOpt = 30.0,
    apl_params: AplParamsOpt = None,
    apl_vintage: AplVintageOpt = "2023",
    sites_out: Annotated[
        Path | None, typer.Option(parser=output, help=_("Chosen sites (.csv)"))
    ] = None,
) -> None:
    import pandas as pd

    from mesocare.services.accessibility import compute_accessibility, plan_sites, write_table
    from mesocare.territory import load_territory

    territory = load_territory(territory_dir)
    req = _request(
        method,
        matrix,
        pbf,
        speed_kmh,
        detour_factor,
        max_minutes,
        str(territory.areas.crs),
        apl_params,
        apl_vintage,
    )
    base = compute_accessibility(territory, req)
    plan = plan_sites(
        territory, base, fte, zone_code=zone, target=target, method=solver, fte_step=fte_step
    )
    write_table(plan.areas, out)
    if sites_out is not None:
        write_table(pd.DataFrame(plan.sites), sites_out)
    console.print(
        _("Target {target} {unit}; shortfall (people × score) {before} → {after}; {status}").format(
            target=fmt_number(plan.target),
            unit=req.unit_label,
            before=fmt_decimal(plan.shortfall_before, 1),
            after=fmt_decimal(plan.shortfall_after, 1),
            status=plan.optimality,
        )
    )
    for row in plan.sites.itertuples():
        console.print(
            "  + " + _("{fte} FTE at {code}").format(fte=fmt_decimal(row.fte, 1), code=row.code)
        )
