"""``mesocare serve``, ``mesocare users …`` and ``mesocare records …``: the platform and its
records. Every command takes ``--data DIR`` (the territories) and ``--db URL`` (default: a SQLite
file in DIR)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from mesocare.atomic import read_text
from mesocare.cli._common import console, output
from mesocare.errors import MesocareError
from mesocare.i18n import _, fmt_int, ngettext
from mesocare.organisation.roles import role_label

DataOpt = Annotated[
    Path, typer.Option("--data", "-d", help=_("Folder of territory folders (or one territory)"))
]
DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        help=_(
            "Database URL (default: a SQLite file in the data folder), e.g. "
            "postgresql+psycopg://user@host/mesocare"
        ),
        envvar="MESOCARE_DB",
    ),
]

users_app = typer.Typer(help=_("Accounts and their roles."), no_args_is_help=True)
records_app = typer.Typer(
    help=_("Back up and restore a zone's records (actors, roles) as JSON."), no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.command(
        "serve", help=_("Serve the platform: the territories in --data and their records.")
    )(serve)
    app.add_typer(users_app, name="users")
    app.add_typer(records_app, name="records")


def _platform(data: Path, db: str | None, **kw: object):  # type: ignore[no-untyped-def]
    from mesocare.services.platform import Platform

    return Platform(data, db, **kw)  # type: ignore[arg-type]


def configure_logging() -> None:
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)  # its per-migration chatter


def serve(
    data: DataOpt,
    db: DbOpt = None,
    host: Annotated[str, typer.Option(help=_("Address to listen on"))] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help=_("Port"))] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, help=_("Processes that compute the diagnoses"))
    ] = 2,
    cache: Annotated[
        bool,
        typer.Option(
            "--cache/--no-cache",
            help=_("Precompute and keep the diagnoses (--no-cache: compute one per request)"),
        ),
    ] = True,
    secure_cookies: Annotated[
        bool, typer.Option(help=_("Mark cookies Secure (behind https)"))
    ] = False,
) -> None:
    import uvicorn

    from mesocare.web.app import create_app

    configure_logging()
    log = logging.getLogger("mesocare.platform")
    platform = _platform(data, db, cache=cache, workers=workers)
    platform.start()
    log.info("%d territories, database %s", len(platform.territories), platform.db.safe_url())
    app = create_app(platform, secure_cookies=secure_cookies)
    platform.freeze_loaded()  # what is loaded lives as long as the server: out of the GC's passes
    console.print(
        _("Mesocare is serving at [bold]http://{host}:{port}/[/] (Ctrl-C stops it)").format(
            host=host, port=port
        )
    )
    try:
        uvicorn.run(
            app,
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            loop="uvloop",
            http="httptools",
        )
    finally:
        platform.close()


# ----- users ---------------------------------------------------------------------------------
def _password(password_stdin: bool) -> str:
    if password_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    return typer.prompt(_("Password"), hide_input=True, confirmation_prompt=True)


@users_app.command("create", help=_("Create an account, with a role."))
def users_create(
    email: Annotated[str, typer.Argument(help=_("E-mail address (the login)"))],
    data: DataOpt,
    db: DbOpt = None,
    role: Annotated[
        str, typer.Option(help=_("admin, analyst, coordinator, member or viewer"))
    ] = "viewer",
    scope: Annotated[
        str | None,
        typer.Option(help=_("Where the role applies: ZONE, NETWORK, REGION, TERRITORY:UNIT or *")),
    ] = None,
    name: Annotated[str | None, typer.Option(help=_("Display name"))] = None,
    language: Annotated[str | None, typer.Option(help=_("nl, fr or en"))] = None,
    password_stdin: Annotated[
        bool, typer.Option(help=_("Read the password from the first line of stdin"))
    ] = False,
) -> None:
    from mesocare.services.platform import accounts as A

    p = _platform(data, db)
    sc = p.parse_scope(scope)
    if role != "admin" and sc.territory is None:
        raise MesocareError(
            _("--scope is needed for the role {role}").format(role=role_label(role))
        )
    password = _password(password_stdin)
    with p.session(write=True) as s:
        A.create_user(
            s, email, password, by=None, request_id="cli", display_name=name, language=language
        )
        A.grant(s, email, role, sc, access=None, request_id="cli")
    console.print(
        _("Created {email} ({role} on {scope}).").format(
            email=email.strip().lower(), role=role_label(role), scope=sc.label()
        )
    )


@users_app.command("list", help=_("List the accounts and their roles."))
def users_list(data: DataOpt, db: DbOpt = None) -> None:
    from rich.table import Table

    from mesocare.services.platform import accounts as A

    p = _platform(data, db)
    t = Table(_("E-mail address"), _("Name"), _("Roles"), _("State"))
    with p.session() as s:
        for u in A.list_users(s):
            roles = ", ".join(f"{g.role}@{A.grant_of(g).scope.label()}" for g in u.grants)
            t.add_row(
                u.email, u.display_name or "", roles, _("disabled") if u.disabled else _("active")
            )
    console.print(t)


@users_app.command("disable", help=_("Disable an account: its sessions and tokens stop working."))
def users_disable(email: str, data: DataOpt, db: DbOpt = None) -> None:
    from mesocare.services.platform import accounts as A

    p = _platform(data, db)
    with p.session(write=True) as s:
        A.set_disabled(s, email, True, by=None, request_id="cli")
    console.print(_("Disabled {email}.").format(email=email.strip().lower()))


@users_app.command("enable", help=_("Enable a disabled account."))
def users_enable(email: str, data: DataOpt, db: DbOpt = None) -> None:
    from mesocare.services.platform import accounts as A

    p = _platform(data, db)
    with p.session(write=True) as s:
        A.set_disabled(s, email, False, by=None, request_id="cli")
    console.print(_("Enabled {email}.").format(email=email.strip().lower()))


@users_app.command("grant", help=_("Give a user a role on a scope."))
def users_grant(
    email: str,
    data: DataOpt,
    role: Annotated[str, typer.Option(help=_("admin, analyst, coordinator, member or viewer"))],
    scope: Annotated[
        str | None, typer.Option(help=_("ZONE, NETWORK, REGION, TERRITORY:UNIT or *"))
    ] = None,
    db: DbOpt = None,
) -> None:
    from mesocare.services.platform import accounts as A

    p = _platform(data, db)
    sc = p.parse_scope(scope)
    with p.session(write=True) as s:
        A.grant(s, email, role, sc, access=None, request_id="cli")
    console.print(
        _("{email}: {role} on {scope}.").format(
            email=email.strip().lower(), role=role_label(role), scope=sc.label()
        )
    )


@users_app.command("revoke", help=_("Take a role back from a user."))
def users_revoke(
    email: str,
    data: DataOpt,
    role: Annotated[str, typer.Option(help=_("The role to take back"))],
    scope: Annotated[str | None, typer.Option(help=_("The scope of the role to take back"))] = None,
    db: DbOpt = None,
) -> None:
    from mesocare.services.platform import accounts as A

    p = _platform(data, db)
    sc = p.parse_scope(scope)
    with p.session(write=True) as s:
        A.revoke_matching(s, email, role, sc, request_id="cli")
    console.print(
        _("{email}: no longer {role} on {scope}.").format(
            email=email.strip().lower(), role=role_label(role), scope=sc.label()
        )
    )


@users_app.command("token", help=_("Print a new API token for a user (shown once)."))
def users_token(email: str, data: DataOpt, db: DbOpt = None) -> None:
    from mesocare.services.platform import accounts as A

    p = _platform(data, db)
    with p.session(write=True) as s:
        token = A.new_token(s, email, request_id="cli")
    console.print(
        _("A new API token for {email}; it is shown only once:").format(
            email=email.strip().lower()
        ),
        highlight=False,
    )
    print(token)


# ----- records -------------------------------------------------------------------------------
@records_app.command("export", help=_("Write a zone's records (actors, roles) to a JSON file."))
def records_export(
    data: DataOpt,
    territory: Annotated[str, typer.Option(help=_("Territory id (its folder name)"))],
    zone: Annotated[str, typer.Option(help=_("Zone code"))],
    out: Annotated[Path, typer.Option("--out", "-o", parser=output, help=_("JSON file to write"))],
    db: DbOpt = None,
) -> None:
    from mesocare.atomic import write_text
    from mesocare.services.platform import backup

    p = _platform(data, db)
    entry = p.entry(territory)
    with p.session() as s:
        records = backup.export_zone(s, entry, zone)
    write_text(out, backup.dumps(records))
    console.print(
        _("Written to {path}: {actors}, {roles}.").format(
            path=out, actors=_actors(len(records.actors)), roles=_roles(len(records.grants))
        )
    )


@records_app.command("import", help=_("Restore a zone's records from an export (replaces them)."))
def records_import(
    file: Annotated[Path, typer.Argument(help=_("A JSON file from 'mesocare records export'"))],
    data: DataOpt,
    db: DbOpt = None,
) -> None:
    from mesocare.services.platform import backup

    if not file.is_file():
        raise MesocareError(_("{path}: no such file").format(path=file))
    records = backup.loads(read_text(file), file=str(file))
    p = _platform(data, db)
    entry = p.entry(records.territory)
    p.seed_actors()  # first, so that a later start adds none of this zone's providers again
    with p.session(write=True) as s:
        n = backup.import_zone(s, entry, records, request_id="cli", file=str(file))
    console.print(
        _("Zone {zone} restored: {actors}, {roles}.").format(
            zone=records.zone, actors=_actors(n), roles=_roles(len(records.grants))
        )
    )


def _actors(n: int) -> str:
    return ngettext("{n} actor", "{n} actors", n).format(n=fmt_int(n))


def _roles(n: int) -> str:
    return ngettext("{n} role", "{n} roles", n).format(n=fmt_int(n))
