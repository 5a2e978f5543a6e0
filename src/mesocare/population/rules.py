"""Parameters of the population-health engine: the risk-pyramid rules and the care gaps.

Defaults are documented here and can be replaced from a TOML file (``load_params``)::

    reference_date = 2020-12-31
    lookback_months = 12
    polypharmacy_min_drugs = 5
    min_count = 5
    [[strata]]                 # first matching rule wins, highest stratum first
    stratum = 3
    min_conditions = 4
    [[care_gaps]]
    id = "diabetes_hba1c"
    label = "Diabetes without HbA1c in 12 months"
    condition = "diabetes"
    needs = "hba1c"
    window_months = 12

**Risk pyramid (Kaiser Permanente)**: Kaiser's shares (65–80 / 20–30 / 1–5 %) describe people
with chronic conditions (Commonwealth Fund 2009; see DOMAIN.md), so the pyramid stratifies only
the persons with at least one chronic condition of the code lists, and its shares are of them
(persons without one are in no stratum). Default rule set, chosen so that the shares among the
chronically ill fall in Kaiser's ranges (checked on the synthetic population): stratum 3
(intensive case management) for 4 or more chronic conditions with a hospital stay in the
look-back period, or 2 or more conditions with 2 or more stays, or 2 or more conditions with 3 or
more emergency visits; stratum 2 (care management) for 3 or more conditions, or 2 or more with
polypharmacy or a hospital stay; stratum 1 (support for self-care) for the other chronically
ill. All clauses of a rule must hold.

**Standardised rates** are not published for fewer than ``dsr_min_events`` events (10, as Public
Health England's Fingertips does: PHE, *Technical guide: confidence intervals*, 2018).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from mesocare.atomic import read_text
from mesocare.errors import ParameterError

_ID = re.compile(r"^[a-z][a-z0-9_]{0,40}$")


@dataclass(frozen=True)
class StratumRule:
    """Persons meeting every given clause are placed in ``stratum`` (2 or 3)."""

    stratum: int
    min_conditions: int | None = None
    min_hospital_stays: int | None = None
    min_emergency_visits: int | None = None
    polypharmacy: bool | None = None
    min_age: int | None = None

    def __post_init__(self) -> None:
        if self.stratum not in (2, 3):
            raise ParameterError(f"strata.stratum must be 2 or 3, found {self.stratum}")
        clauses = (
            self.min_conditions,
            self.min_hospital_stays,
            self.min_emergency_visits,
            self.polypharmacy,
            self.min_age,
        )
        if all(c is None for c in clauses):
            raise ParameterError("a strata rule needs at least one clause (e.g. min_conditions)")


@dataclass(frozen=True)
class CareGap:
    """Eligible persons (with ``condition`` and/or aged ``min_age``+) who lack an event of the
    code list ``needs`` (a measurement or vaccination) within ``window_months`` before the
    reference date."""

    id: str
    label: str
    needs: str
    condition: str | None = None
    min_age: int | None = None
    window_months: int = 12

    def __post_init__(self) -> None:
        if not _ID.match(self.id):
            raise ParameterError(
                f"care_gaps.id '{self.id}' must be lower-case letters, digits and _"
            )
        if self.condition is None and self.min_age is None:
            raise ParameterError(f"care gap '{self.id}' needs a condition or a min_age")
        if self.window_months < 1:
            raise ParameterError(f"care gap '{self.id}': window_months must be >= 1")


DEFAULT_STRATA: tuple[StratumRule, ...] = (
    StratumRule(3, min_conditions=4, min_hospital_stays=1),
    StratumRule(3, min_conditions=2, min_hospital_stays=2),
    StratumRule(3, min_conditions=2, min_emergency_visits=3),
    StratumRule(2, min_conditions=3),
    StratumRule(2, min_conditions=2, polypharmacy=True),
    StratumRule(2, min_conditions=2, min_hospital_stays=1),
)

DEFAULT_CARE_GAPS: tuple[CareGap, ...] = (
    CareGap("diabetes_hba1c", "Diabetes without HbA1c in 12 months", "hba1c", "diabetes"),
    CareGap(
        "hypertension_bp",
        "Hypertension without blood pressure in 12 months",
        "blood_pressure",
        "hypertension",
    ),
    CareGap(
        "flu_65plus",
        "Aged 65+ without influenza vaccination in 12 months",
        "influenza_vaccine",
        min_age=65,
    ),
)


@dataclass(frozen=True)
class HealthParams:
    """Everything the engine needs besides the tables. Events count when
    ``window_start < date <= reference_date``."""

    reference_date: date
    lookback_months: int = 12
    polypharmacy_min_drugs: int = 5
    min_count: int = 5
    dsr_min_events: int = 10
    strata: tuple[StratumRule, ...] = DEFAULT_STRATA
    care_gaps: tuple[CareGap, ...] = DEFAULT_CARE_GAPS

    def __post_init__(self) -> None:
        if (
            self.lookback_months < 1
            or self.polypharmacy_min_drugs < 1
            or self.min_count < 0
            or self.dsr_min_events < 0
        ):
            raise ParameterError(
                "lookback_months and polypharmacy_min_drugs must be >= 1, "
                "min_count and dsr_min_events >= 0"
            )
        ids = [g.id for g in self.care_gaps]
        if len(set(ids)) != len(ids):
            raise ParameterError("care gap ids must be unique")
        object.__setattr__(self, "strata", tuple(sorted(self.strata, key=lambda r: -r.stratum)))

    def window_start(self, months: int | None = None) -> date:
        m = self.lookback_months if months is None else months
        return (pd.Timestamp(self.reference_date) - pd.DateOffset(months=m)).date()

    def describe(self) -> dict[str, Any]:
        return {
            "reference_date": self.reference_date.isoformat(),
            "lookback_months": self.lookback_months,
            "polypharmacy_min_drugs": self.polypharmacy_min_drugs,
            "min_count": self.min_count,
            "dsr_min_events": self.dsr_min_events,
            "pyramid_base": "persons with at least one chronic condition",
            "strata": [{k: v for k, v in vars(r).items() if v is not None} for r in self.strata],
            "care_gaps": [
                {k: v for k, v in vars(g).items() if v is not None} for g in self.care_gaps
            ],
        }


def load_params(path: str | Path | None = None, **overrides: Any) -> HealthParams:
    """Parameters from a TOML file (see the module doc), with keyword overrides."""
    data: dict[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(read_text(path))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ParameterError(f"{path}: cannot read parameters ({exc})") from None
    data.update({k: v for k, v in overrides.items() if v is not None})
    known = {f for f in HealthParams.__dataclass_fields__}
    unknown = set(data) - known
    if unknown:
        raise ParameterError(f"{path}: unknown key(s) {', '.join(sorted(unknown))}")
    if "reference_date" not in data:
        raise ParameterError("reference_date is required (e.g. 2020-12-31)")
    ref = data["reference_date"]
    if isinstance(ref, str):
        try:
            ref = date.fromisoformat(ref)
        except ValueError:
            raise ParameterError(f"reference_date '{ref}' is not YYYY-MM-DD") from None
    data["reference_date"] = ref
    try:
        if "strata" in data:
            data["strata"] = tuple(StratumRule(**r) for r in data["strata"])
        if "care_gaps" in data:
            data["care_gaps"] = tuple(CareGap(**g) for g in data["care_gaps"])
    except TypeError as exc:
        raise ParameterError(f"{path}: {exc}") from None
    return HealthParams(**data)
