"""Parameter files, the one way: TOML text validated into strict pydantic models.

Every documented amount or rate is a :class:`Figure` (value, source, date, whether it is
*unconfirmed*). :func:`parse` raises :class:`~mesocare.errors.ParameterError` naming the file and
the dotted key, e.g. ``new_deal.capitation.2.eur_per_patient_year.value``. Low level: it imports
only ``errors``; the financing rules (``financing/parameters.py``) and the synthetic practice lists'
calibration (``territory/practice_lists.py``) both use it.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from importlib import resources
from typing import Any, TypeVar

import pydantic
from pydantic import BaseModel, ConfigDict, Field

from mesocare.errors import ParameterError


class Strict(BaseModel):
    """A frozen model that refuses unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Figure(Strict):
    """One documented amount or rate."""

    value: float = Field(ge=0)
    source: str
    date: dt.date
    unconfirmed: bool = False


class Meta(Strict):
    name: str
    version: str
    valid_from: dt.date
    description: str = ""


M = TypeVar("M", bound=BaseModel)


def packaged_text(package: str, path: str) -> str:
    """The text of a file packaged with ``package`` (e.g. ``mesocare.financing``, ``params/x``)."""
    return resources.files(package).joinpath(path).read_text("utf-8")


def parse(text: str, model: type[M], *, file: str) -> M:
    """Validate TOML text against ``model``; errors name the file and the dotted key."""
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError(f"{file}: malformed TOML ({exc})") from None
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"]) or "(top level)"
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key (not in the parameter schema)"
        elif err["type"] == "missing":
            msg = "missing key"
        found = "" if err["type"] in ("missing", "extra_forbidden") else f"; found {err['input']!r}"
        raise ParameterError(f"{file}: key '{key}': {msg}{found}") from None
