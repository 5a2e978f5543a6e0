"""Shared pieces of the command line: the consoles, a progress bar for long steps, the language,
and the checked types of option values (finite numbers within bounds, choices)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from mesocare.atomic import refuse_managed
from mesocare.errors import WriteError
from mesocare.i18n import _

console = Console(soft_wrap=True)
#: errors and interruptions: on stderr, so the output of a command stays clean
err_console = Console(stderr=True, soft_wrap=True)

#: the language given with ``--lang`` (None when it came from the environment or the default)
_explicit_language: ContextVar[str | None] = ContextVar("mesocare_cli_lang", default=None)


def explicit_language() -> str | None:
    """The language the user asked for with ``--lang``, if any.

    A command that can also take a territory's default language passes this as the ``explicit``
    argument of :func:`mesocare.i18n.resolve_language`.
    """
    return _explicit_language.get()


@contextmanager
def progress() -> Iterator[Progress]:
    """A Rich progress bar on stderr (hidden when not a terminal)."""
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=False,
    ) as bar:
        yield bar


# ----- option values: a bad one is a usage error on stderr (exit 2), naming the option -----------
class Number:
    """Parser of a finite number (no nan, no inf) within bounds; ``above`` is an exclusive minimum.

    Given to ``typer.Option(parser=...)``; choices are ``Literal[...]`` annotations.
    """

    def __init__(
        self,
        *,
        minimum: float | None = None,
        above: float | None = None,
        maximum: float | None = None,
        integer: bool = False,
    ) -> None:
        self.minimum, self.above, self.maximum, self.integer = minimum, above, maximum, integer

    def __call__(self, value: Any) -> Any:
        kind = _("whole number") if self.integer else _("number")
        if isinstance(value, int | float) and not isinstance(value, bool):
            found: float = value
        else:
            try:
                found = int(value) if self.integer else float(value)
            except (TypeError, ValueError):
                raise ValueError(
                    _("'{value}' is not a {kind}").format(value=value, kind=kind)
                ) from None
        if not math.isfinite(found):
            raise ValueError(_("'{value}' is not a finite number").format(value=value))
        checks = (
            (self.minimum, found < (self.minimum or 0), _("at least {n}")),
            (self.above, found <= (self.above or 0), _("more than {n}")),
            (self.maximum, found > (self.maximum or 0), _("at most {n}")),
        )
        for limit, bad, bound in checks:
            if limit is not None and bad:
                raise ValueError(
                    _("{value} is out of range; expected a {kind} {bound}").format(
                        value=value, kind=kind, bound=bound.format(n=limit)
                    )
                )
        return found


def number(
    *, minimum: float | None = None, above: float | None = None, maximum: float | None = None
) -> Number:
    """A finite decimal option within bounds."""
    return Number(minimum=minimum, above=above, maximum=maximum)


def whole(*, minimum: int | None = None, maximum: int | None = None) -> Number:
    """A whole-number option within bounds (e.g. a seed: ``whole(minimum=0)``)."""
    return Number(minimum=minimum, maximum=maximum, integer=True)


def output(value: Any) -> Path:
    """Parser of an output path: refused before any work when inside a territory or persons
    folder (see :func:`mesocare.atomic.refuse_managed`; the write helpers refuse it again)."""
    path = Path(value)
    try:
        refuse_managed(path)
    except WriteError as exc:
        raise ValueError(str(exc)) from None
    return path
