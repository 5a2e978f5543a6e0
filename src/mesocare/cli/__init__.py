"""The ``mesocare`` command line: a thin layer over ``mesocare.services``, in Dutch, French or English.

Each command group lives in its own module with a ``register(app)`` function, listed in
:data:`COMMAND_MODULES`. Their help texts are translated when the module is executed, so the app is
built for one language: :func:`build_app` (re-)imports the command modules in that language and
registers them on a fresh Typer app. ``_app`` is built at import, in English;
:func:`app` (the console entry point) first reads ``--lang X`` / ``--lang=X`` anywhere on the
command line (removing it), else ``MESOCARE_LANG`` / ``LANG``, and builds the app in that language.
The same global ``--lang`` option on ``_app`` itself sets the language of the output.

Errors a user can cause (:class:`~mesocare.errors.MesocareError`) and the OS errors no lower layer
named are printed on stderr as one red line with exit code 2, no traceback; click's own usage
errors (a bad option value) go to stderr with exit code 2 too; Ctrl-C prints "Interrupted" and
exits with 130. A file-size limit (``ulimit -f``) makes writes fail with a message instead of
killing the process (SIGXFSZ is ignored).
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
from contextlib import ExitStack
from types import ModuleType

import typer
from rich.markup import escape

from mesocare.cli._common import _explicit_language, err_console
from mesocare.errors import MesocareError
from mesocare.i18n import (
    DEFAULT_LANGUAGE,
    _,
    check_language,
    language_from_environment,
    use_locale,
)

#: the command modules (``mesocare.cli.<name>``), registered in this order
COMMAND_MODULES: tuple[str, ...] = (
    "territory",
    "importers",
    "fund",
    "health",
    "zone",
    "access",
    "providers",
    "platform",
    "plan",
    "governance",
)
_loaded_language: str | None = None


def _command_modules(lang: str) -> list[ModuleType]:
    """The command modules, executed in ``lang`` (re-executed when they were in another one)."""
    global _loaded_language
    names = [f"{__name__}.{name}" for name in COMMAND_MODULES]
    with use_locale(lang):
        if _loaded_language in (None, lang):
            modules = [importlib.import_module(n) for n in names]
        else:
            modules = [importlib.reload(importlib.import_module(n)) for n in names]
    _loaded_language = lang
    return modules


def _localise_typer() -> None:
    """Typer's own headings and marks in the current language (they are module constants)."""
    from typer import rich_utils as R

    R.ARGUMENTS_PANEL_TITLE = _("Arguments")
    R.OPTIONS_PANEL_TITLE = _("Options")
    R.COMMANDS_PANEL_TITLE = _("Commands")
    R.ERRORS_PANEL_TITLE = _("Error")
    R.ABORTED_TEXT = _("Aborted.")
    R.DEFAULT_STRING = _("[default: {}]")
    R.REQUIRED_LONG_STRING = _("[required]")
    R.RICH_HELP = _("Try [blue]'{command_path} {help_option}'[/] for help.")


def build_app(lang: str = DEFAULT_LANGUAGE) -> typer.Typer:
    """The Typer app with every command, its help texts in ``lang``."""
    lang = check_language(lang)
    modules = _command_modules(lang)
    with use_locale(lang):
        _localise_typer()
        about = _("Organise primary care at the meso level: diagnose, zone, plan, fund and care.")
        lang_help = _(
            "Language of the help and the output: nl, fr or en "
            "(default: MESOCARE_LANG, then LANG, else en)."
        )
        root = typer.Typer(
            name="mesocare",
            help=about,
            no_args_is_help=True,
            pretty_exceptions_enable=False,
            add_completion=False,
        )

        def _root(
            ctx: typer.Context,
            language: str | None = typer.Option(
                None, "--lang", metavar="nl|fr|en", help=lang_help, show_default=False
            ),
        ) -> None:
            if language is not None:
                ctx.with_resource(_explicit(check_language(language)))
            ctx.with_resource(use_locale(language or lang))

        root.callback(help=about)(_root)
        for module in modules:
            module.register(root)
    return root


class _explicit:
    """Context manager: ``explicit_language()`` is ``lang`` inside."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __enter__(self) -> str:
        self.token = _explicit_language.set(self.lang)
        return self.lang

    def __exit__(self, *exc: object) -> None:
        _explicit_language.reset(self.token)


def take_language(argv: list[str]) -> str | None:
    """Remove ``--lang X`` / ``--lang=X`` from ``argv`` (after the program name); its value."""
    found: str | None = None
    i = 1
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            break
        if arg == "--lang":
            if i + 1 >= len(argv):
                raise MesocareError("--lang needs a value: nl, fr or en")
            found = argv[i + 1]
            del argv[i : i + 2]
            continue
        if arg.startswith("--lang="):
            found = arg.split("=", 1)[1]
            del argv[i]
            continue
        i += 1
    return found


_app = build_app(DEFAULT_LANGUAGE)
_app_language = DEFAULT_LANGUAGE


def app() -> None:
    """Entry point: run the app in the asked language, turning user errors into one-line messages."""
    global _app, _app_language
    lang = DEFAULT_LANGUAGE
    if hasattr(signal, "SIGXFSZ"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    sys.unraisablehook = _quiet  # a writer's failed clean-up after an error already reported
    try:
        explicit = take_language(sys.argv)
        lang = check_language(explicit) if explicit else language_from_environment() or lang
        with ExitStack() as stack:
            stack.enter_context(use_locale(lang))
            if explicit:
                stack.enter_context(_explicit(lang))
            if _app_language != lang:
                _app, _app_language = build_app(lang), lang
            _app()
    except (MesocareError, OSError) as exc:
        with use_locale(lang):
            _print_error(exc)
        sys.exit(2)
    except KeyboardInterrupt:
        _interrupted(lang)
    except SystemExit as exit_:
        if exit_.code == 130:  # Typer's answer to Ctrl-C inside a command
            _interrupted(lang)
        raise


def _quiet(unraisable: object) -> None:
    """No "Exception ignored in …" traceback on stderr (e.g. a file closed again when collected)."""


def _interrupted(lang: str) -> None:
    """Say so and stop now (130). Every write is atomic and done or undone by then; the exit
    skips the interpreter's clean-up, whose joins of a stopped process pool's threads can hang."""
    with use_locale(lang):
        err_console.print(_("Interrupted."), highlight=False)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(130)


def _print_error(exc: Exception) -> None:
    label = _("Error:")
    if isinstance(exc, OSError):  # not named by the layer that met it: say what and where
        where = f"{exc.filename}: " if exc.filename else ""
        message = f"{where}{exc.strerror or type(exc).__name__}"
    else:
        message = str(exc)
    err_console.print(f"[bold red]{label}[/] {escape(message)}", highlight=False, soft_wrap=True)


__all__ = ["COMMAND_MODULES", "app", "build_app", "take_language"]
