"""Shared pieces of the command line: the console, a progress bar for long steps, the language."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

console = Console(soft_wrap=True)

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
