"""Errors a user can cause. Each message names where, what was found and what was expected.

Messages never carry person-level values: callers pass codes, column names and row numbers only.
"""

from __future__ import annotations

from pathlib import Path


class MesocareError(Exception):
    """Base class of every error a user can cause; the CLI prints it without a traceback."""


class ValidationError(MesocareError):
    """A table or file does not have the expected shape or content."""

    def __init__(
        self,
        what: str,
        *,
        file: str | Path | None = None,
        column: str | None = None,
        row: int | str | None = None,
        found: object = None,
        expected: str | None = None,
    ) -> None:
        self.file = str(file) if file is not None else None
        self.column = column
        self.row = row
        self.found = found
        self.expected = expected
        parts = []
        if self.file:
            parts.append(self.file)
        if column is not None:
            parts.append(f"column '{column}'")
        if row is not None:
            parts.append(f"row {row}")
        where = ", ".join(parts)
        msg = f"{where}: {what}" if where else what
        if found is not None:
            msg += f"; found {found!r}"
        if expected is not None:
            msg += f"; expected {expected}"
        super().__init__(msg)


class NotComputedError(MesocareError):
    """A result the data cannot support (no provider of a discipline, a road extract that misses
    areas): it is not computed, rather than shown as zeros; the message says why."""


class UnknownCodeError(MesocareError):
    """A code (area, zone, network, discipline…) that the territory does not know."""


class ParameterError(MesocareError):
    """A parameter or parameter file is invalid; the message names the key."""


class NotFoundError(MesocareError):
    """A record, zone or territory that does not exist (or that the user may not know of)."""


class PermissionDeniedError(MesocareError):
    """The user's roles do not allow this here."""


class AuthenticationError(MesocareError):
    """No valid login, session or token."""


class ConflictError(MesocareError):
    """An edit made on a version of a record that has changed since: nothing was overwritten."""

    def __init__(self, message: str, *, current_version: int | None = None) -> None:
        super().__init__(message)
        self.current_version = current_version


class WriteError(MesocareError):
    """An output could not be written (read-only, no permission, disk full, a file in the way…);
    the previous version, if any, is untouched."""


class BusyError(MesocareError):
    """Another Mesocare command is writing the same folder; nothing was written."""


class ThrottledError(MesocareError):
    """Too many failed attempts: wait before trying again."""


class UnsupportedTypeError(ValidationError):
    """An upload of a type that is not accepted (e.g. not CSV)."""


class TooLargeError(ValidationError):
    """An upload or a file larger than the limit."""
