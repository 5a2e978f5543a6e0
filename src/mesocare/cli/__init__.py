"""The ``mesocare`` command line: a thin layer over ``mesocare.services``.

Each command group lives in its own module and is registered here. Errors a user can cause
(:class:`~mesocare.errors.MesocareError`) are printed as one red line with exit code 2, no traceback.
"""

from __future__ import annotations

import sys

import typer

from mesocare.cli import access as _access
from mesocare.cli import fund as _fund
from mesocare.cli import health as _health
from mesocare.cli import importers as _importers
from mesocare.cli import territory as _territory
from mesocare.cli import zone as _zone
from mesocare.cli._common import console
from mesocare.errors import MesocareError

_app = typer.Typer(
    name="mesocare",
    help="Organise primary care at the meso level: diagnose, zone, plan, fund and care.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
_territory.register(_app)
_importers.register(_app)
_fund.register(_app)
_health.register(_app)
_zone.register(_app)
_access.register(_app)


@_app.callback()
def _root() -> None:
    """Organise primary care at the meso level: diagnose, zone, plan, fund and care."""


def app() -> None:
    """Entry point: run the Typer app, turning user errors into clear one-line messages."""
    try:
        _app()
    except MesocareError as exc:
        console.print(f"[bold red]Error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(2)


__all__ = ["app"]
