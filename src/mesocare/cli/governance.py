"""``mesocare governance members import|export``: a zone's governance bodies for batch work. Each
takes ``--data DIR`` and ``--db URL`` as ``mesocare serve`` does; the command line acts as the
system (recorded so in the audit log)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from mesocare.cli._common import console
from mesocare.cli.plan import _territory_of
from mesocare.cli.platform import DataOpt, DbOpt, _platform
from mesocare.errors import MesocareError
from mesocare.i18n import _

governance_app = typer.Typer(
    help=_("Governance bodies: import members from a CSV, export a body with its decisions."),
    no_args_is_help=True,
)
members_app = typer.Typer(help=_("The members of a governance body."), no_args_is_help=True)
governance_app.add_typer(members_app, name="members")


def register(app: typer.Typer) -> None:
    app.add_typer(governance_app, name="governance")


@members_app.command(
    "import",
    help=_(
        "Seat the members of a CSV (cluster, name, organisation, actor_id, since) in a body: "
        "every row or none."
    ),
)
def members_import(
    zone: Annotated[str, typer.Argument(help=_("Zone code"))],
    file: Annotated[Path, typer.Argument(help=_("A CSV file"))],
    data: DataOpt,
    body: Annotated[int, typer.Option("--body", help=_("The body's id"))],
    territory: Annotated[str | None, typer.Option(help=_("Territory id"))] = None,
    db: DbOpt = None,
) -> None:
    from mesocare.services.platform.governance_io import import_members
    from mesocare.services.platform.records import Ctx

    if not file.is_file():
        raise MesocareError(_("{path}: no such file").format(path=file))
    p = _platform(data, db)
    entry = _territory_of(p, zone, territory)
    entry.require_zone(zone)
    with p.session(write=True) as s:
        n = import_members(s, zone, body, file.read_bytes(), Ctx.system(p, "cli"), file=str(file))
    console.print(_("{n} members seated.").format(n=n))


@governance_app.command(
    "export",
    help=_(
        "Write a body's composition, meetings and decisions (per-cluster tallies) as JSON or CSV."
    ),
)
def governance_export(
    body_id: Annotated[int, typer.Argument(help=_("The body's id"))],
    data: DataOpt,
    out: Annotated[Path, typer.Option("--out", "-o", help=_("File to write (.json or .csv)"))],
    db: DbOpt = None,
) -> None:
    from mesocare.atomic import write_text
    from mesocare.services.platform.governance_io import export_body, export_csv
    from mesocare.services.platform.records import Ctx

    kind = out.suffix.lower()
    if kind not in (".json", ".csv"):
        raise MesocareError(
            _("--out must end in .json or .csv; found '{name}'").format(name=out.name)
        )
    p = _platform(data, db)
    with p.session() as s:
        doc = export_body(s, body_id, Ctx.system(p, "cli").access)
    text = (
        json.dumps(doc, ensure_ascii=False, indent=2) + "\n" if kind == ".json" else export_csv(doc)
    )
    write_text(out, text)
    console.print(_("Written to {path}.").format(path=out))
