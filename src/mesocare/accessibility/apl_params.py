"""The APL parameter file: one DREES vintage (distance, activity, supply, demand, shortage).

The packaged vintages live in ``accessibility/params/apl_drees_<year>.toml``; every figure cites its
source there. :func:`read_apl_file` validates a file into :class:`AplFile` (errors name the file
and the dotted key); :mod:`mesocare.accessibility.apl` turns it into the engine's ``AplParams``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from mesocare.atomic import read_text
from mesocare.errors import ParameterError
from mesocare.params import Figure, Meta, Strict, packaged_text, parse

VINTAGES: dict[str, str] = {"2023": "apl_drees_2023.toml", "2022": "apl_drees_2022.toml"}
DEFAULT_VINTAGE = "2023"


class Sourced(Strict):
    source: str
    date: dt.date


class Step(Strict):
    up_to_minutes: float = Field(ge=0)
    weight: float = Field(ge=0, le=1)


class Distance(Sourced):
    steps: list[Step] = Field(min_length=1)


class Activity(Sourced):
    zero_up_to: float = Field(ge=0)
    floor: float = Field(ge=0)
    cap: float = Field(gt=0)
    imputed_without_activity: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Activity:
        if not self.zero_up_to <= self.floor <= self.cap:
            raise ValueError("activity bounds must satisfy zero_up_to <= floor <= cap")
        return self


class Supply(Strict):
    consultations_per_fte: Figure
    max_gp_age: Figure


class AgeValue(Strict):
    age_from: int = Field(ge=0)
    weight: float = Field(ge=0)


class AgeShare(Strict):
    age_from: int = Field(ge=0)
    share: float = Field(ge=0)


class Demand(Sourced):
    reference: Literal["national", "national_age_shares"]
    age_weights: list[AgeValue] = Field(min_length=1)
    national_age_shares: list[AgeShare] | None = None

    @model_validator(mode="after")
    def _reference(self) -> Demand:
        if (self.reference == "national_age_shares") != (self.national_age_shares is not None):
            raise ValueError(
                "national_age_shares is given exactly when reference = 'national_age_shares'"
            )
        return self


class Shortage(Strict):
    threshold: Figure
    comparison: Literal["below", "at_or_below"]


class AplFile(Strict):
    vintage: str = Field(min_length=1)
    meta: Meta
    distance: Distance
    activity: Activity
    supply: Supply
    demand: Demand
    shortage: Shortage


def read_apl_file(path: str | Path | None = None, *, vintage: str = DEFAULT_VINTAGE) -> AplFile:
    """The packaged DREES ``vintage`` ('2023' or '2022'), or the user's file at ``path``."""
    if path is None:
        if vintage not in VINTAGES:
            raise ParameterError(
                f"unknown APL vintage '{vintage}'; known: {', '.join(sorted(VINTAGES))}"
            )
        name = VINTAGES[vintage]
        text = packaged_text("mesocare.accessibility", f"params/{name}")
        return parse(text, AplFile, file=f"mesocare:accessibility/params/{name}")
    p = Path(path)
    if not p.is_file():
        raise ParameterError(f"{p}: parameter file not found")
    return parse(read_text(p), AplFile, file=str(p))
