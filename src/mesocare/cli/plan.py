"""``mesocare plan new|export|import``: action plans of a zone, for batch work. Each takes
``--data DIR`` and ``--db URL`` as ``mesocare serve`` does; the command line acts as the system
(recorded so in the audit log)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from mesocare.cli._common import console
from mesocare.cli.platform import DataOpt, DbOpt, _platform
from mesocare.errors import MesocareError
from mesocare.i18n import _, current_language

plan_app = typer.Typer(
    help=_("Action plans: draft one from the diagnosis, export it, import a workbook."),
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(plan_app, name="plan")


def _territory_of(p, zone: str, territory: str | None):  # type: ignore[no-untyped-def]
    if territory:
        return p.entry(territory)
    having = [e for e in p.territories.values() if zone in e.zones]
    if len(having) != 1:
        raise MesocareError(
            _("zone {zone} is in no served territory").format(zone=zone)
            if not having
            else _("zone {zone} is in several territories; give --territory").format(zone=zone)
        )
    return having[0]


@plan_app.command("new", help=_("Make a new draft plan for a zone; print its id last."))
def plan_new(
    data: DataOpt,
    zone: Annotated[str, typer.Option(help=_("Zone code"))],
    template: Annotated[str, typer.Option(help=_("integreo, cpts, zorgraad or blank"))] = "blank",
    from_diagnosis: Annotated[
        bool, typer.Option(help=_("Draft the needs from the zone's diagnosis"))
    ] = False,
    title: Annotated[str | None, typer.Option(help=_("Title of the plan"))] = None,
    start: Annotated[str | None, typer.Option(help=_("First day (YYYY-MM-DD)"))] = None,
    years: Annotated[int, typer.Option(min=1, max=10, help=_("Years the plan covers"))] = 3,
    contract_date: Annotated[
        str | None, typer.Option(help=_("CPTS: the contract's date (YYYY-MM-DD)"))
    ] = None,
    territory: Annotated[str | None, typer.Option(help=_("Territory id"))] = None,
    db: DbOpt = None,
) -> None:
    from mesocare.organisation.plans import PlanCreate
    from mesocare.services.platform import plan_needs as N
    from mesocare.services.platform import plans as P
    from mesocare.services.platform.records import Ctx

    p = _platform(data, db)
    entry = _territory_of(p, zone, territory)
    try:
        first = dt.date.fromisoformat(start) if start else dt.date(dt.date.today().year + 1, 1, 1)
        contract = dt.date.fromisoformat(contract_date) if contract_date else None
    except ValueError as e:
        raise MesocareError(_("not a date (YYYY-MM-DD): {why}").format(why=e)) from None
    last = dt.date(first.year + years, first.month, 1) - dt.timedelta(days=1)
    if from_diagnosis and not entry.ready:
        with console.status(_("computing the diagnoses…")):
            entry.compute(workers=p.workers)
    ctx = Ctx.system(p, "cli")
    with p.session(write=True) as s:
        plan = P.create_plan(
            s,
            entry,
            zone,
            PlanCreate(
                title=title
                or _("Action plan {first}–{last}").format(first=first.year, last=last.year),
                template=template,
                period_start=first,
                period_end=last,
                contract_date=contract,
            ),
            ctx,
            lang=current_language(),
        )
        n = len(N.draft_from_diagnosis(s, entry, plan.id, ctx)) if from_diagnosis else 0
        pid = plan.id
    if from_diagnosis:
        console.print(_("{n} needs drafted from the diagnosis.").format(n=n))
    print(pid)


@plan_app.command("export", help=_("Write a plan as HTML, PDF, XLSX or JSON."))
def plan_export(
    plan_id: Annotated[int, typer.Argument(help=_("The plan's id"))],
    data: DataOpt,
    out: Annotated[Path, typer.Option("--out", "-o", help=_("File to write"))],
    fmt: Annotated[str, typer.Option("--format", help=_("html, pdf, xlsx or json"))] = "html",
    db: DbOpt = None,
) -> None:
    from mesocare.atomic import write_bytes
    from mesocare.reports.plan import FORMATS, export
    from mesocare.services.platform import plans as P
    from mesocare.services.platform.plan_view import plan_view
    from mesocare.services.platform.records import Ctx

    if fmt not in FORMATS:
        raise MesocareError(
            _("--format must be one of {formats}; found '{fmt}'").format(
                formats=", ".join(FORMATS), fmt=fmt
            )
        )
    p = _platform(data, db)
    ctx = Ctx.system(p, "cli")
    with p.session() as s:
        plan = P.get_plan(s, plan_id, ctx.access)
        view = plan_view(s, p.entry(plan.territory), plan_id, ctx.access, current_language())
    write_bytes(out, export(view, fmt))
    console.print(_("Written to {path}.").format(path=out))


@plan_app.command("import", help=_("Store a plan's XLSX workbook as a new plan; print its id."))
def plan_import(
    file: Annotated[Path, typer.Argument(help=_("An XLSX workbook as 'plan export' writes"))],
    data: DataOpt,
    db: DbOpt = None,
) -> None:
    from mesocare.services.platform.plan_xlsx import import_xlsx
    from mesocare.services.platform.records import Ctx

    if not file.is_file():
        raise MesocareError(_("{path}: no such file").format(path=file))
    p = _platform(data, db)
    p.seed_actors()
    with p.session(write=True) as s:
        pid = import_xlsx(s, p.entry, file.read_bytes(), Ctx.system(p, "cli"), file=str(file))
    print(pid)
