"""Every command that writes an output, against every way a write fails: one message on stderr,
exit 2, no traceback, the previous version untouched and no temporary left behind.

The tests run as root too (where chmod does not stop a write): a file in the way of the parent
folder, a folder where the output file should be, a file-size limit (RLIMIT_FSIZE, the write
itself fails with EFBIG) and OSErrors injected where the temporary is created (EROFS, EACCES) and
where it is renamed into place (ENOSPC).
"""

from __future__ import annotations

import errno
import os
import resource
import tempfile
from pathlib import Path

import pytest
from tests.reliability.conftest import hidden

#: (name, argv with {T} territory, {P} persons, {out} output; what the output is, the file that
#: stands for its previous version (the output itself, or a file inside an output folder))
COMMANDS = [
    ("generate", ["generate", "--out", "{out}"], "folder", "territory.toml"),
    ("health synth", ["health", "synth", "{T}", "--out", "{out}"], "folder", "persons.toml"),
    ("health run", ["health", "run", "{T}", "{P}", "--out", "{out}"], "folder",
     "population_health.csv"),
    ("diagnose", ["diagnose", "{T}", "--out", "{out}"], "report.json", None),
    ("diagnose-all", ["diagnose-all", "{T}", "--out", "{out}", "--format", "json",
                      "--workers", "1"], "folder", "index.html"),
    ("zone evaluate", ["zone", "evaluate", "{T}", "--out", "{out}"], "zones.csv", None),
    ("zone networks", ["zone", "networks", "{T}", "--zone", "Z01", "--count", "3", "--out",
                       "{out}"], "networks.gpkg", None),
    ("access compute", ["access", "compute", "{T}", "--out", "{out}"], "access.parquet", None),
    ("access site", ["access", "site", "{T}", "--fte", "1", "--zone", "Z01", "--solver", "greedy",
                     "--out", "{out}"], "sites.csv", None),
    ("fund allocate", ["fund", "allocate", "-t", "{T}", "--zone", "Z01", "--json", "{out}"],
     "allocation.json", None),
    ("fund lists", ["fund", "lists", "-t", "{T}", "--csv", "{out}"], "lists.csv", None),
    ("fund params", ["fund", "params", "--write", "{out}"], "params.toml", None),
]  # fmt: skip
IDS = [c[0] for c in COMMANDS]


def _argv(template, territory_dir, persons_dir, out):
    return [
        a.format(T=territory_dir, P=persons_dir, out=out) if isinstance(a, str) else a
        for a in template
    ]


def _target(tmp_path: Path, kind: str) -> Path:
    return tmp_path / "outputs" / ("result" if kind == "folder" else kind)


def _seed(target: Path, kind: str, inner: str | None) -> Path:
    """A previous version of the output; the file whose bytes must survive."""
    if kind == "folder":
        target.mkdir(parents=True)
        precious = target / str(inner)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        precious = target
    precious.write_text("previous version\n")
    return precious


def _assert_clean_failure(run, *names: str) -> None:
    assert run.failed_cleanly(), (run.code, run.out[-500:], run.err[-2000:])
    assert run.code == 2
    assert "Error" in run.err
    assert any(n in run.err for n in names), run.err


@pytest.mark.parametrize(("name", "argv", "kind", "inner"), COMMANDS, ids=IDS)
def test_a_file_in_the_way_of_the_parent_folder(
    cli, tmp_path, territory_dir, persons_dir, name, argv, kind, inner
):
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder\n")
    target = blocker / ("result" if kind == "folder" else kind)
    run = cli(*_argv(argv, territory_dir, persons_dir, target))
    _assert_clean_failure(run, "blocker")
    assert blocker.read_text() == "not a folder\n"
    assert hidden(tmp_path) == []


@pytest.mark.parametrize(("name", "argv", "kind", "inner"), COMMANDS, ids=IDS)
def test_the_output_is_of_the_other_kind(
    cli, tmp_path, territory_dir, persons_dir, name, argv, kind, inner
):
    """A folder where a file is written, a file where a folder is written."""
    target = _target(tmp_path, kind)
    if kind == "folder":
        target.parent.mkdir(parents=True)
        target.write_text("a file\n")
    else:
        (target / "inside").mkdir(parents=True)
    run = cli(*_argv(argv, territory_dir, persons_dir, target))
    _assert_clean_failure(run, target.name)
    if kind == "folder":
        assert target.read_text() == "a file\n"
    else:
        assert (target / "inside").is_dir()
    assert hidden(target.parent) == []


@pytest.mark.parametrize(("name", "argv", "kind", "inner"), COMMANDS, ids=IDS)
def test_a_file_size_limit(cli, tmp_path, territory_dir, persons_dir, name, argv, kind, inner):
    """``ulimit -f``: the write itself fails (EFBIG; SIGXFSZ is ignored by the CLI)."""
    target = _target(tmp_path, kind)
    precious = _seed(target, kind, inner)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64, hard))
    try:
        run = cli(*_argv(argv, territory_dir, persons_dir, target))
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    _assert_clean_failure(run, "too large", "disk I/O error")  # the latter: GDAL (.gpkg)
    assert precious.read_text() == "previous version\n"
    assert hidden(target.parent) == []


def _fail_mkdtemp(code: int):
    real = tempfile.mkdtemp

    def mkdtemp(*args, **kwargs):
        if str(kwargs.get("prefix", "")).startswith("."):  # the temporaries of mesocare.atomic
            raise OSError(code, os.strerror(code), kwargs.get("dir"))
        return real(*args, **kwargs)

    return mkdtemp


def _fail_rename(code: int):
    """os.replace and os.rename failing once, on the first move of a temporary into place (a
    folder swap's move back of the previous version is then let through)."""
    real_replace, real_rename = os.replace, os.rename
    failed: list[str] = []

    def guard(real):
        def rename(src, dst, *args, **kwargs):
            into_place = Path(src).name.startswith(".") or Path(src).parent.name.startswith(".")
            if into_place and not Path(dst).name.startswith(".") and not failed:
                failed.append(str(dst))
                raise OSError(code, os.strerror(code), str(dst))
            return real(src, dst, *args, **kwargs)

        return rename

    return guard(real_replace), guard(real_rename)


@pytest.mark.parametrize(
    ("code", "reason"),
    [(errno.EROFS, "read-only"), (errno.EACCES, "permission denied"), (errno.ENOSPC, "disk")],
    ids=["read-only", "no-permission", "disk-full"],
)
@pytest.mark.parametrize(("name", "argv", "kind", "inner"), COMMANDS, ids=IDS)
def test_injected_os_errors(
    cli, tmp_path, monkeypatch, territory_dir, persons_dir, name, argv, kind, inner, code, reason
):
    target = _target(tmp_path, kind)
    precious = _seed(target, kind, inner)
    if code == errno.ENOSPC:  # when the finished temporary is moved into place
        replace, rename = _fail_rename(code)
        monkeypatch.setattr(os, "replace", replace)
        monkeypatch.setattr(os, "rename", rename)
    else:  # when the temporary is created
        monkeypatch.setattr(tempfile, "mkdtemp", _fail_mkdtemp(code))
    run = cli(*_argv(argv, territory_dir, persons_dir, target))
    monkeypatch.undo()
    _assert_clean_failure(run, reason)
    assert precious.read_text() == "previous version\n"
    assert hidden(target.parent) == []
