"""The command line in Dutch, French and English: ``--lang``, the environment, the default."""

from __future__ import annotations

import sys

import pytest
from typer.testing import CliRunner

from mesocare.i18n import current_language


def _run(monkeypatch, capsys, *args: str, stream: str = "out") -> tuple[int, str]:
    from mesocare import cli

    monkeypatch.setattr(sys, "argv", ["mesocare", *args])
    code = 0
    try:
        cli.app()
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = getattr(capsys.readouterr(), stream)
    return code, captured.replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def env(monkeypatch):
    for var in ("MESOCARE_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    yield monkeypatch
    from mesocare import cli

    cli._app, cli._app_language = cli.build_app("en"), "en"  # later tests see the English app


def test_help_lists_the_global_lang_option(env, capsys):
    code, out = _run(env, capsys, "--help")
    assert code == 0 and "--lang" in out and "nl, fr or en" in out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--lang", "nl", "fund", "--help"], "Financiering: betalingsmodellen"),
        (["fund", "--help", "--lang=fr"], "Financement : modes de rémunération"),
        (["fund", "--help"], "Financing: payment models"),
    ],
)
def test_help_in_the_asked_language(env, capsys, args, expected):
    code, out = _run(env, capsys, *args)
    assert code == 0 and expected in out


def test_environment_language_and_output(env, capsys):
    env.setenv("MESOCARE_LANG", "fr")
    code, out = _run(env, capsys, "fund", "cpts", "--population", "102275")
    assert code == 0, out
    assert "Population 102 275 → taille" in out and "Montants annuels" in out
    env.setenv("LANG", "nl_BE.UTF-8")
    code, out = _run(env, capsys, "--lang", "nl", "fund", "cpts", "--population", "102275")
    assert "Bevolking 102.275 → grootteklasse" in out
    assert current_language() == "en"  # nothing leaks out of the command


def test_unknown_language_is_one_line_error(env, capsys):
    code, out = _run(env, capsys, "--lang", "de", "fund", "--help", stream="err")
    assert code == 2 and "'de'" in out and "Traceback" not in out


def test_cli_runner_on_the_app_object(env):
    from mesocare.cli import _app

    r = CliRunner().invoke(_app, ["--lang", "nl", "fund", "cpts", "--population", "102275"])
    assert r.exit_code == 0, r.output
    assert "Bevolking 102.275" in r.output
    assert current_language() == "en"
    r = CliRunner().invoke(_app, ["fund", "cpts", "--population", "102275"])
    assert "Population 102,275 → size class" in r.output


def test_every_command_module_registers(env):
    from mesocare.cli import COMMAND_MODULES, build_app

    app = build_app("fr")
    names = {c.name for c in app.registered_commands} | {g.name for g in app.registered_groups}
    assert {"demo", "generate", "diagnose", "diagnose-all"} <= names  # cli/territory.py
    assert {"import", "fund", "health", "zone", "access", "providers"} <= names
    assert {"serve", "users", "records"} <= names  # cli/platform.py
    assert "plan" in names  # cli/plan.py
    assert "governance" in names  # cli/governance.py
    assert len(COMMAND_MODULES) == 10
