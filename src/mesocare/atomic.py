"""Atomic writes, the one way: nothing a user reads is ever half-written.

- :func:`folder_swap`: a whole folder (a territory, a persons folder) is built as a temporary
  sibling, then swapped into place; a folder that is not of the expected kind (its marker file is
  missing) is never replaced.
- :func:`file_write` (an open file), :func:`path_write` (a path, for writers that want one, e.g.
  a GeoPackage), :func:`write_text` and :func:`write_bytes`: one file is written beside its target
  and renamed over it only on success.

A failed write removes the temporary and leaves the previous version untouched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Literal

from mesocare.errors import MesocareError


@contextmanager
def folder_swap(target: str | Path, *, marker: str, what: str) -> Iterator[Path]:
    """Yield an empty temporary folder beside ``target``; on success it replaces ``target``.

    ``marker`` is the file that identifies a folder of this kind (e.g. ``territory.toml``); an
    existing ``target`` without it is refused (``what`` names the kind in the message).
    """
    dest = Path(target)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    tmp.chmod(0o755)
    try:
        yield tmp
        if dest.exists():
            if not (dest / marker).exists():
                raise MesocareError(
                    f"{dest} exists and is not a {what} folder; refusing to replace it"
                )
            backup = dest.with_name(f".{dest.name}.old")
            if backup.exists():
                shutil.rmtree(backup)
            dest.rename(backup)
            tmp.rename(dest)
            shutil.rmtree(backup)
        else:
            tmp.rename(dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


FILE_MODE = 0o644


@contextmanager
def path_write(target: str | Path) -> Iterator[Path]:
    """Yield a not-yet-existing path beside ``target``; on success it replaces ``target``.

    The path has ``target``'s name, inside a temporary hidden folder in the same folder (so the
    rename is atomic and writers that pick a format by suffix see the right one). The parent
    folder is created; the file gets permissions 0o644.
    """
    dest = Path(target)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp_dir = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent))
    tmp = tmp_dir / dest.name
    try:
        yield tmp
        if not tmp.is_file():
            raise FileNotFoundError(f"nothing was written for {dest}")
        tmp.chmod(FILE_MODE)
        os.replace(tmp, dest)
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)


@contextmanager
def file_write(
    target: str | Path, mode: Literal["w", "wb"] = "w", *, encoding: str = "utf-8"
) -> Iterator[IO[Any]]:
    """Yield a file open for writing beside ``target``; on success it replaces ``target``."""
    if mode not in ("w", "wb"):
        raise ValueError(f"mode must be 'w' or 'wb'; found {mode!r}")
    with path_write(target) as tmp:
        if mode == "w":
            with open(tmp, "w", encoding=encoding, newline="") as f:
                yield f
        else:
            with open(tmp, "wb") as fb:
                yield fb


def write_text(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically; returns the path."""
    with file_write(path, "w", encoding=encoding) as f:
        f.write(text)
    return Path(path)


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; returns the path."""
    with file_write(path, "wb") as f:
        f.write(data)
    return Path(path)
