"""Atomic writes of whole folders: build a temporary sibling, then swap it into place.

A failed write removes the temporary folder and leaves the previous version untouched; a folder
that is not of the expected kind (its marker file is missing) is never replaced.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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


def write_text(target: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to a temporary file beside ``target`` and rename it into place."""
    import os

    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding=encoding) as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
