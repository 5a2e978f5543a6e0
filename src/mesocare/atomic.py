"""Files, the one way: nothing a user reads is ever half-written, and nothing stored is lost.

- :func:`folder_swap`: a whole folder (a territory, a persons folder) is built as a temporary
  sibling, then swapped into place under the folder's lock; a folder that is not of the expected
  kind (its marker file is missing) is never replaced; if the final rename fails, the previous
  folder is put back; temporaries left by a killed process are cleaned by the next swap.
- :func:`folder_lock`: one writer at a time per folder (``fcntl.flock`` on ``.NAME.lock`` beside
  it, removed on release; re-entrant in a process); a writer waits up to :data:`LOCK_TIMEOUT_S`
  (env ``MESOCARE_LOCK_TIMEOUT``), then says that another command is writing the folder.
- :func:`file_write` (an open file), :func:`path_write` (a path, for writers that want one, e.g.
  a GeoPackage), :func:`write_text`, :func:`write_bytes` and :func:`write_json`: one file is
  written beside its target and renamed over it only on success. An output inside a folder that
  :func:`folder_swap` manages (a territory or persons folder) is refused: it would overwrite one
  of its files, or be lost at its next save.
- :func:`read_text`: a user's text file, with a wrong encoding named as a validation error.

A failed write removes the temporary, leaves the previous version untouched and raises a
:class:`~mesocare.errors.WriteError` saying why (read-only, permission, disk full…).
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any, Literal

from mesocare.errors import BusyError, MesocareError, ValidationError, WriteError
from mesocare.i18n import _

#: marker files of the folders that :func:`folder_swap` manages (territory, persons folder)
MANAGED_MARKERS = ("territory.toml", "persons.toml")
#: seconds a writer waits for another one's lock on the same folder (env MESOCARE_LOCK_TIMEOUT)
LOCK_TIMEOUT_S = 120.0
FILE_MODE = 0o644


def _reason(exc: OSError) -> str:
    reasons = {
        errno.EROFS: _("the folder is read-only"),
        errno.EACCES: _("permission denied"),
        errno.EPERM: _("permission denied"),
        errno.ENOSPC: _("the disk is full"),
        errno.EDQUOT: _("the disk quota is exceeded"),
        errno.EFBIG: _("the file is too large (file size limit)"),
        errno.ENOTDIR: _("a file is in the way of a folder on the path"),
        errno.EEXIST: _("a file is in the way of a folder on the path"),
        errno.EISDIR: _("the output is a folder"),
    }
    return reasons.get(exc.errno or 0) or exc.strerror or type(exc).__name__


@contextmanager
def writing(dest: Path) -> Iterator[None]:
    """Turn the OSError of a write to ``dest`` (or a GDAL write error) into a WriteError."""
    try:
        yield
    except OSError as exc:
        raise WriteError(
            _("{path}: cannot write ({reason}); nothing was replaced").format(
                path=dest, reason=_reason(exc)
            )
        ) from exc
    except Exception as exc:
        if not type(exc).__module__.startswith("pyogrio"):
            raise
        said = str(exc).rsplit(" failed: ", 1)[-1].split("\n")[0]  # GDAL quotes its SQL first
        raise WriteError(
            _("{path}: cannot write ({reason}); nothing was replaced").format(
                path=dest, reason=said[:200]
            )
        ) from exc


def refuse_managed(dest: Path) -> None:
    """Refuse an output inside a territory or persons folder (its files are replaced together).

    Hidden sub-folders (``.cache`` of the platform) are the folder's owner's own business.
    """
    path = Path(os.path.abspath(dest))
    for folder in path.parents:
        if path.relative_to(folder).parts[0].startswith("."):
            continue
        for marker in MANAGED_MARKERS:
            if (folder / marker).is_file():
                raise WriteError(
                    _(
                        "{path}: refusing to write inside the folder {folder} ({marker}): it "
                        "would overwrite its files or be lost at its next save; choose another "
                        "folder"
                    ).format(path=dest, folder=folder, marker=marker)
                )


# ----- the lock of a folder ---------------------------------------------------------------------
_locks_guard = threading.Lock()
_locks: dict[str, tuple[threading.RLock, list[int]]] = {}  # folder -> (thread lock, [fd, depth])


def _lock_timeout() -> float:
    return float(os.environ.get("MESOCARE_LOCK_TIMEOUT", LOCK_TIMEOUT_S))


def _acquire(lock_file: Path, deadline: float, busy: BusyError) -> int:
    """An fd holding ``flock`` on ``lock_file``, the file still at that path (its holder removes
    it on release, so a lock on a removed file is retried on the new one)."""
    while True:
        with writing(lock_file):
            lock_file.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, FILE_MODE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if time.monotonic() >= deadline:
                raise busy from None
            time.sleep(0.05)
            continue
        try:
            same = os.stat(lock_file).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)


@contextmanager
def folder_lock(target: str | Path, *, timeout: float | None = None) -> Iterator[None]:
    """Hold the write lock of the folder ``target`` (re-entrant; waits up to ``timeout`` s)."""
    dest = Path(os.path.abspath(target))
    wait = _lock_timeout() if timeout is None else timeout
    with _locks_guard:
        rlock, state = _locks.setdefault(str(dest), (threading.RLock(), [-1, 0]))
    busy = BusyError(
        _(
            "{path}: another Mesocare command is writing this folder (waited {seconds} s); "
            "try again when it has finished"
        ).format(path=dest, seconds=round(wait))
    )
    deadline = time.monotonic() + wait
    if not rlock.acquire(timeout=max(wait, 0.0)):
        raise busy
    try:
        if state[1] == 0:
            state[0] = _acquire(dest.parent / f".{dest.name}.lock", deadline, busy)
        state[1] += 1
        try:
            yield
        finally:
            state[1] -= 1
            if state[1] == 0:
                with suppress(FileNotFoundError):
                    os.unlink(dest.parent / f".{dest.name}.lock")
                os.close(state[0])  # releases the flock
                state[0] = -1
    finally:
        rlock.release()


# ----- a whole folder ---------------------------------------------------------------------------
def _clean_stale(dest: Path, marker: str) -> None:
    """Under the lock: put back a folder a killed swap left as ``.NAME.old``, drop temporaries."""
    backup = dest.with_name(f".{dest.name}.old")
    if not dest.exists() and (backup / marker).is_file():
        os.rename(backup, dest)
    for p in dest.parent.iterdir():
        if p.name.startswith(f".{dest.name}.") and p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)


@contextmanager
def folder_swap(target: str | Path, *, marker: str, what: str) -> Iterator[Path]:
    """Yield an empty temporary folder beside ``target``; on success it replaces ``target``.

    ``marker`` is the file that identifies a folder of this kind (e.g. ``territory.toml``); an
    existing ``target`` without it is refused (``what`` names the kind in the message). The whole
    swap holds :func:`folder_lock` on ``target``.
    """
    dest = Path(target)
    with folder_lock(dest), writing(dest):
        if dest.exists() and not (dest / marker).exists():
            raise MesocareError(
                _("{path} exists and is not a {what} folder; refusing to replace it").format(
                    path=dest, what=what
                )
            )
        _clean_stale(dest, marker)
        tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
        try:
            tmp.chmod(0o755)
            yield tmp
            if dest.exists():
                backup = dest.with_name(f".{dest.name}.old")
                os.rename(dest, backup)
                try:
                    os.rename(tmp, dest)
                except BaseException:
                    os.rename(backup, dest)  # the previous folder is put back
                    raise
                shutil.rmtree(backup, ignore_errors=True)
            else:
                os.rename(tmp, dest)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


# ----- one file ---------------------------------------------------------------------------------
@contextmanager
def path_write(target: str | Path) -> Iterator[Path]:
    """Yield a not-yet-existing path beside ``target``; on success it replaces ``target``.

    The path has ``target``'s name, inside a temporary hidden folder in the same folder (so the
    rename is atomic and writers that pick a format by suffix see the right one). The parent
    folder is created; the file gets permissions 0o644.
    """
    dest = Path(target)
    refuse_managed(dest)
    with writing(dest):
        if dest.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(dest))
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp_dir = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent))
        try:
            tmp = tmp_dir / dest.name
            yield tmp
            if not tmp.is_file():
                raise MesocareError(_("nothing was written for {path}").format(path=dest))
            tmp.chmod(FILE_MODE)
            os.replace(tmp, dest)
        finally:
            shutil.rmtree(tmp_dir, ignore_errors=True)


def remove_temporaries(folder: str | Path) -> None:
    """Remove what :func:`path_write` left in ``folder`` when its process was stopped.

    Only for a folder one process owns while it writes (e.g. the reports of ``diagnose-all``).
    """
    root = Path(folder)
    if root.is_dir():
        for p in root.iterdir():
            if p.name.startswith(".") and p.name.endswith(".tmp") and p.is_dir():
                shutil.rmtree(p, ignore_errors=True)


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


def json_text(data: Any, *, file: str | Path | None = None, indent: int | None = 2) -> str:
    """JSON text of ``data``, refusing NaN and infinities (they are not JSON)."""
    try:
        return json.dumps(data, indent=indent, ensure_ascii=False, allow_nan=False)
    except ValueError:
        raise ValidationError(
            _("a value is not a finite number (NaN or infinite) and cannot be written as JSON"),
            file=file,
        ) from None


def write_json(path: str | Path, data: Any, *, indent: int | None = 2) -> Path:
    """Write ``data`` as strict JSON (no NaN, no Infinity) to ``path`` atomically."""
    return write_text(path, json_text(data, file=path, indent=indent) + "\n")


def read_text(path: str | Path, *, encoding: str = "utf-8") -> str:
    """The text of a user's file; a wrong encoding or an unreadable file is a ValidationError."""
    p = Path(path)
    try:
        return p.read_text(encoding=encoding)
    except UnicodeDecodeError as exc:
        raise ValidationError(
            _("not a {encoding} text file (byte {offset} cannot be decoded)").format(
                encoding=encoding.upper().replace("-SIG", ""), offset=exc.start
            ),
            file=p,
        ) from None
    except FileNotFoundError:
        raise ValidationError(_("missing file"), file=p) from None
    except OSError as exc:
        raise ValidationError(
            _("cannot read the file ({reason})").format(reason=_reason(exc)), file=p
        ) from None
