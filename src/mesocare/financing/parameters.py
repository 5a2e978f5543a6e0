"""Payment rules as data: versioned TOML parameter sets loaded into strict pydantic models.

Every amount is a :class:`~mesocare.params.Figure` (value, source, date, whether it is
*unconfirmed*), parsed by :func:`mesocare.params.parse`. The packaged sets live in
``financing/params/``; a user passes their own file with the same keys. A wrong file
(an unknown key, a missing key, a wrong type) raises :class:`~mesocare.errors.ParameterError` whose
message names the file and the key, e.g. ``new_deal.capitation.2.eur_per_patient_year.value``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from mesocare.atomic import read_text
from mesocare.errors import ParameterError
from mesocare.params import Figure, Meta, Strict, parse
from mesocare.params import packaged_text as _packaged_text

SIZE_CLASSES: tuple[str, ...] = ("T1", "T2", "T3", "T4")


# ----- practice payments ------------------------------------------------------------------------
class Classic(Strict):
    consultation_fee_eur: Figure
    home_visit_fee_eur: Figure
    gmd_fee_eur_per_patient_year: Figure
    premium_eur_per_gp_fte_year: Figure
    premium_eur_per_practice_year: Figure


class CapitationCell(Strict):
    age_from: int = Field(ge=0)
    age_to: int = Field(ge=0)
    bim: bool
    eur_per_patient_year: Figure


class ManagementTier(Strict):
    min_gps: int = Field(ge=0)
    min_employees: int = Field(ge=0)
    min_patients: int = Field(ge=0)
    eur_per_quarter: Figure


class NursePremium(Strict):
    min_nurse_hours_per_week: Figure
    first_patients: Figure
    first_eur_per_year: Figure
    step_patients: Figure
    step_nurse_hours_per_week: Figure
    step_eur_per_year: Figure
    max_patients: Figure
    max_eur_per_year: Figure

    @model_validator(mode="after")
    def _steps(self) -> NursePremium:
        if not (self.step_patients.value > 0 and self.step_nurse_hours_per_week.value > 0):
            raise ValueError("step_patients and step_nurse_hours_per_week must be > 0")
        return self


class Kept(Strict):
    """Whether a classic payment continues under the New Deal, and who says so."""

    kept: bool
    source: str
    date: dt.date
    unconfirmed: bool = False


class Continuing(Strict):
    gmd_fee: Kept
    practice_premium: Kept
    gp_premiums: Kept


class NewDeal(Strict):
    consultation_fee_eur: Figure
    home_visit_fee_eur: Figure
    chronic_supplement_eur_per_patient_year: Figure
    capitation: list[CapitationCell] = Field(min_length=1)
    management_premium: list[ManagementTier] = Field(default_factory=list)
    nurse_premium: NursePremium
    continues: Continuing

    @model_validator(mode="after")
    def _cells_cover_every_age_once(self) -> NewDeal:
        for bim in (False, True):
            cells = sorted((c for c in self.capitation if c.bim == bim), key=lambda c: c.age_from)
            expect = 0
            for c in cells:
                if c.age_from != expect or c.age_to < c.age_from:
                    raise ValueError(
                        f"capitation cells for bim={str(bim).lower()} must cover ages 0 upwards "
                        f"without gap or overlap; a cell starts at {c.age_from}, expected {expect}"
                    )
                expect = c.age_to + 1
            if expect <= 95:
                raise ValueError(f"capitation cells for bim={str(bim).lower()} stop before 95+")
        return self

    def capitation_eur(self, age_lower: int, bim: bool) -> float:
        for c in self.capitation:
            if c.bim == bim and c.age_from <= age_lower <= c.age_to:
                return c.eur_per_patient_year.value
        raise ParameterError(f"no capitation cell for age {age_lower}, bim={bim}")


class Cappuccino(Strict):
    coffee_eur_per_weighted_patient_year: Figure
    milk_consultation_fee_eur: Figure
    milk_home_visit_fee_eur: Figure
    cream_eur_per_patient_year_at_full_achievement: Figure


class MaisonMedicale(Strict):
    gp_eur_per_patient_month: Figure
    nurse_eur_per_patient_month: Figure
    physio_eur_per_patient_month: Figure


class PracticePaymentParams(Strict):
    meta: Meta
    classic: Classic
    new_deal: NewDeal
    cappuccino: Cappuccino
    maison_medicale: MaisonMedicale


# ----- CPTS ---------------------------------------------------------------------------------------
ByClass = dict[Literal["T1", "T2", "T3", "T4"], float]


class SizeClasses(Strict):
    t2_from_population: int = Field(gt=0)
    t3_from_population: int = Field(gt=0)
    t4_above_population: int = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> SizeClasses:
        if not self.t2_from_population < self.t3_from_population <= self.t4_above_population:
            raise ValueError("size class bounds must increase: t2_from < t3_from <= t4_above")
        return self


class ClassAmounts(Strict):
    source: str
    date: dt.date
    unconfirmed: bool = False
    eur_per_year: ByClass

    @model_validator(mode="after")
    def _all_classes(self) -> ClassAmounts:
        missing = [c for c in SIZE_CLASSES if c not in self.eur_per_year]
        if missing:
            raise ValueError(f"eur_per_year lacks {', '.join(missing)}")
        return self


class StartUp(Strict):
    variant: Literal["a", "b"]
    source: str
    date: dt.date
    unconfirmed: bool = False
    a: ByClass
    b: ByClass

    def amount(self, size_class: str) -> float:
        return float(getattr(self, self.variant)[size_class])


class PaymentTiming(Strict):
    """When a fixed part's advance falls: at the mission's start (ACI) or at the contract year's."""

    advance_at: Literal["mission_start", "contract_year_start"]
    source: str
    date: dt.date
    unconfirmed: bool = False


class CptsPayment(Strict):
    advance_share: Figure
    timing: PaymentTiming
    balance_delay_months: Figure
    start_up_months_before_signature: Figure
    contract_years: Figure


class CptsParams(Strict):
    meta: Meta
    size_classes: SizeClasses
    functioning_grant: ClassAmounts
    start_up: StartUp
    max_total_2019: ClassAmounts
    payment: CptsPayment


# ----- need weights and the zorgraad grant -------------------------------------------------------
class NeedWeightsParams(Strict):
    meta: Meta
    weights: dict[str, Figure]

    @model_validator(mode="after")
    def _known_criteria(self) -> NeedWeightsParams:
        from mesocare.financing.need import FEATURES

        for key in self.weights:
            if key not in FEATURES:
                raise ValueError(f"unknown criterion '{key}'; known: {', '.join(FEATURES)}")
        return self

    def as_floats(self) -> dict[str, float]:
        return {k: f.value for k, f in self.weights.items()}


class ZorgraadGrant(Strict):
    budget_eur_per_year: Figure


class ZorgraadParams(NeedWeightsParams):
    grant: ZorgraadGrant


# ----- loading ------------------------------------------------------------------------------------

PACKAGED: dict[str, tuple[str, type[BaseModel]]] = {
    "practice_payment": ("practice_payment_be_2024.toml", PracticePaymentParams),
    "cpts": ("cpts_aci_2021.toml", CptsParams),
    "need_weights": ("need_weights_default.toml", NeedWeightsParams),
    "zorgraad": ("zorgraad_2024.toml", ZorgraadParams),
}


def packaged_text(filename: str) -> str:
    """The text of a parameter set packaged in ``financing/params/``."""
    return _packaged_text("mesocare.financing", f"params/{filename}")


def load(kind: str, path: str | Path | None = None) -> Any:
    """The packaged parameter set ``kind`` or the user's file at ``path`` (same schema)."""
    if kind not in PACKAGED:
        raise ParameterError(f"unknown parameter set '{kind}'; known: {', '.join(PACKAGED)}")
    filename, model = PACKAGED[kind]
    if path is None:
        return parse(packaged_text(filename), model, file=f"mesocare:financing/params/{filename}")
    p = Path(path)
    if not p.is_file():
        raise ParameterError(f"{p}: parameter file not found")
    return parse(read_text(p), model, file=str(p))


def load_practice_payment(path: str | Path | None = None) -> PracticePaymentParams:
    return load("practice_payment", path)  # type: ignore[no-any-return]


def load_cpts(path: str | Path | None = None) -> CptsParams:
    return load("cpts", path)  # type: ignore[no-any-return]


def load_need_weights(path: str | Path | None = None) -> NeedWeightsParams:
    return load("need_weights", path)  # type: ignore[no-any-return]


def load_zorgraad(path: str | Path | None = None) -> ZorgraadParams:
    return load("zorgraad", path)  # type: ignore[no-any-return]


def unconfirmed_figures(params: BaseModel, prefix: str = "") -> list[str]:
    """Dotted keys of every figure marked unconfirmed (for notes and reports)."""
    out: list[str] = []
    for name, value in params:
        key = f"{prefix}{name}"
        if isinstance(value, Figure):
            if value.unconfirmed:
                out.append(key)
        elif isinstance(value, BaseModel):
            if getattr(value, "unconfirmed", False):
                out.append(key)
            out += unconfirmed_figures(value, f"{key}.")
        elif isinstance(value, list | dict):
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for k, v in items:
                if isinstance(v, Figure) and v.unconfirmed:
                    out.append(f"{key}.{k}")
                elif isinstance(v, BaseModel):
                    out += unconfirmed_figures(v, f"{key}.{k}.")
    return out
