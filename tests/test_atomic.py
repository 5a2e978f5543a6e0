"""Atomic file writes: a write that fails after the file is opened leaves the old file intact."""

from __future__ import annotations

import os
import stat

import pytest

from mesocare import atomic
from mesocare.errors import MesocareError, WriteError


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name != "out.csv")


def test_write_text_replaces_and_sets_permissions(tmp_path):
    target = tmp_path / "sub" / "out.csv"
    assert atomic.write_text(target, "a,b\n") == target
    atomic.write_text(target, "c,d\n")
    assert target.read_text() == "c,d\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert _leftovers(target.parent) == []


def test_write_bytes(tmp_path):
    target = tmp_path / "out.csv"
    atomic.write_bytes(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"


def test_failure_inside_the_open_file_keeps_the_old_file(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    with pytest.raises(RuntimeError, match="disk full"), atomic.file_write(target) as f:
        f.write("new, half")
        f.flush()
        assert target.read_text() == "old\n"  # the partial write went elsewhere
        raise RuntimeError("disk full")
    assert target.read_text() == "old\n"
    assert _leftovers(tmp_path) == []


def test_failing_rename_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "out.csv"
    target.write_bytes(b"old")

    def broken(src, dst):
        raise OSError("rename failed")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(WriteError, match="out.csv: cannot write"):
        atomic.write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
    assert _leftovers(tmp_path) == []


def test_path_write_for_writers_that_want_a_path(tmp_path):
    target = tmp_path / "out.csv"
    with atomic.path_write(target) as tmp:
        assert tmp.name == "out.csv" and tmp.parent != tmp_path and not tmp.exists()
        tmp.write_text("x")
    assert target.read_text() == "x"
    with pytest.raises(MesocareError, match="nothing was written"), atomic.path_write(target):
        pass  # nothing written: the old file stays
    assert target.read_text() == "x" and _leftovers(tmp_path) == []


def test_bad_mode():
    with pytest.raises(ValueError, match="mode"), atomic.file_write("x", "a"):  # type: ignore[arg-type]
        pass
