"""Indicator definitions: what each indicator counts, how it is computed and which way is better.

Every indicator is a ratio of two columns of the base-count table (:class:`Base`, built by
:func:`mesocare.indicators.compute.base_counts`), so the only column names in the package are the
members of :class:`Base`. The method decides the formula and the interval:

============  ===========================================  ====================================
method        value                                        95% interval
============  ===========================================  ====================================
count         numerator                                    none
proportion    numerator / denominator × multiplier         Wilson score
rate          numerator / denominator × multiplier         Byar's (exact Poisson below 10)
ratio         numerator / denominator × multiplier         none
mean          numerator / denominator (a weighted mean)    none
density       numerator / denominator × multiplier         none
============  ===========================================  ====================================

Head counts count providers (rows of ``providers``), not FTE. A GP of unknown age counts as under 65
(as active) and is left out of the share aged 60+ (whose denominator is GPs of known age).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from mesocare.errors import ParameterError
from mesocare.i18n import N_
from mesocare.territory.schema import Discipline

METHODS = ("count", "proportion", "rate", "ratio", "mean", "density")
POLARITIES = ("higher_is_better", "lower_is_better", "none")
#: Methods that carry a confidence interval (and so a comparison with the parent).
METHODS_WITH_CI = ("proportion", "rate")


class Base(StrEnum):
    """Columns of the base-count table: one row per area, summed to every higher level."""

    POPULATION = "population"
    POP_0_14 = "pop_0_14"
    POP_15_64 = "pop_15_64"
    POP_65PLUS = "pop_65plus"
    POP_80PLUS = "pop_80plus"
    POP_DEPENDENT = "pop_0_14_and_65plus"
    AREA_KM2 = "area_km2"
    GP = "gp_count"
    GP_UNDER65 = "gp_under65_count"
    GP_AGE_KNOWN = "gp_age_known_count"
    GP_60PLUS = "gp_60plus_count"
    HOME_NURSE = "home_nurse_count"
    PHARMACIST = "pharmacist_count"
    PHYSIOTHERAPIST = "physiotherapist_count"
    PSYCHOLOGIST = "psychologist_count"
    DENTIST = "dentist_count"
    MIDWIFE = "midwife_count"
    DIETITIAN = "dietitian_count"
    SOCIAL_SERVICE = "social_service_count"
    WELFARE_ORGANISATION = "welfare_organisation_count"
    HOSPITAL = "hospital_count"
    OTHER = "other_count"
    SOCIAL_WELFARE = "social_welfare_count"
    INCOME_X_POP = "income_eur_x_population"
    POP_WITH_INCOME = "population_with_income"
    BIM_PERSONS = "bim_persons"
    POP_WITH_BIM = "population_with_bim"
    ALONE_65PLUS_PERSONS = "alone_65plus_persons"
    POP_65PLUS_WITH_ALONE = "pop_65plus_with_alone_share"


#: The base column counting each discipline's providers (head count).
DISCIPLINE_COLUMN: dict[str, Base] = {d.value: Base[d.name] for d in Discipline}

#: Area attributes used by the weighted indicators: attribute → (weighted-sum column, weight
#: column, population column that weighs it).
ATTRIBUTE_COLUMNS: dict[str, tuple[Base, Base, Base]] = {
    "mean_taxable_income_eur": (Base.INCOME_X_POP, Base.POP_WITH_INCOME, Base.POPULATION),
    "bim_share": (Base.BIM_PERSONS, Base.POP_WITH_BIM, Base.POPULATION),
    "alone_65plus_share": (Base.ALONE_65PLUS_PERSONS, Base.POP_65PLUS_WITH_ALONE, Base.POP_65PLUS),
}


@dataclass(frozen=True)
class IndicatorDef:
    """One indicator: numerator and denominator columns, method, multiplier and polarity.

    ``attribute`` names the area attribute it needs (it is left out where the territory lacks it);
    ``disciplines`` the provider disciplines it counts (left out by default where the territory
    has none of them, since no provider data is not zero providers).
    """

    id: str
    label: str
    unit: str
    method: str
    numerator: Base
    denominator: Base | None
    multiplier: float = 1.0
    polarity: str = "none"
    description: str = ""
    attribute: str | None = None
    disciplines: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        where = f"indicator '{self.id}'"
        if not self.id:
            raise ParameterError("an indicator needs an id")
        if self.method not in METHODS:
            raise ParameterError(f"{where}: unknown method '{self.method}'; one of {METHODS}")
        if self.polarity not in POLARITIES:
            raise ParameterError(
                f"{where}: unknown polarity '{self.polarity}'; one of {POLARITIES}"
            )
        if not isinstance(self.numerator, Base):
            raise ParameterError(f"{where}: numerator must be a Base column")
        if self.method == "count":
            if self.denominator is not None:
                raise ParameterError(f"{where}: a count has no denominator")
        elif not isinstance(self.denominator, Base):
            raise ParameterError(f"{where}: method '{self.method}' needs a Base denominator")
        if not self.multiplier > 0:
            raise ParameterError(f"{where}: multiplier must be > 0")
        if self.attribute is not None and self.attribute not in ATTRIBUTE_COLUMNS:
            raise ParameterError(f"{where}: no base columns for attribute '{self.attribute}'")
        unknown = set(self.disciplines) - set(DISCIPLINE_COLUMN)
        if unknown:
            raise ParameterError(f"{where}: unknown discipline(s) {sorted(unknown)}")

    @property
    def has_ci(self) -> bool:
        return self.method in METHODS_WITH_CI


def _per_10k(discipline: Discipline, label: str, description: str) -> IndicatorDef:
    return IndicatorDef(
        id=f"{discipline.value}_per_10000",
        label=label,
        unit=N_("per 10,000"),
        method="rate",
        numerator=DISCIPLINE_COLUMN[discipline.value],
        denominator=Base.POPULATION,
        multiplier=10_000,
        polarity="higher_is_better",
        description=description,
        disciplines=(discipline.value,),
    )


_DEFS: list[IndicatorDef] = [
    IndicatorDef(
        "population", N_("Population"), N_("inhabitants"), "count", Base.POPULATION, None,
        description=N_("inhabitants on 1 January of the reference year"),
    ),
    IndicatorDef(
        "share_65plus", N_("Aged 65 and over"), N_("%"), "proportion", Base.POP_65PLUS, Base.POPULATION,
        100, description=N_("inhabitants aged 65+ as a share of all inhabitants"),
    ),
    IndicatorDef(
        "share_80plus", N_("Aged 80 and over"), N_("%"), "proportion", Base.POP_80PLUS, Base.POPULATION,
        100, description=N_("inhabitants aged 80+ as a share of all inhabitants"),
    ),
    IndicatorDef(
        "dependency_ratio", N_("Dependency ratio"), N_("per 100 aged 15-64"), "ratio",
        Base.POP_DEPENDENT, Base.POP_15_64, 100,
        description=N_("inhabitants aged 0-14 and 65+ per 100 inhabitants aged 15-64"),
    ),
    IndicatorDef(
        "density_per_km2", N_("Population density"), N_("inhabitants per km²"), "density",
        Base.POPULATION, Base.AREA_KM2, 1,
        description=N_("inhabitants per km² of land in the unit"),
    ),
    IndicatorDef(
        "gp_per_1000", N_("GPs per 1,000 inhabitants"), N_("per 1,000"), "rate", Base.GP,
        Base.POPULATION, 1_000, "higher_is_better",
        N_("head count of GPs practising in the unit per 1,000 inhabitants"),
        disciplines=("gp",),
    ),
    IndicatorDef(
        "gp_under65_per_100k", N_("GPs under 65 per 100,000 inhabitants"), N_("per 100,000"), "rate",
        Base.GP_UNDER65, Base.POPULATION, 100_000, "higher_is_better",
        N_("head count of GPs aged under 65 (unknown age counted as under 65) per 100,000 "
        "inhabitants; the Flemish shortage rule's measure"),
        disciplines=("gp",),
    ),
    IndicatorDef(
        "gp_60plus_share", N_("GPs aged 60 and over"), N_("%"), "proportion", Base.GP_60PLUS,
        Base.GP_AGE_KNOWN, 100, "lower_is_better",
        N_("GPs aged 60+ as a share of GPs of known age (a coming wave of retirements)"),
        disciplines=("gp",),
    ),
    _per_10k(
        Discipline.HOME_NURSE, N_("Home nurses per 10,000 inhabitants"),
        N_("head count of home nurses located in the unit per 10,000 inhabitants"),
    ),
    _per_10k(
        Discipline.PHYSIOTHERAPIST, N_("Physiotherapists per 10,000 inhabitants"),
        N_("head count of physiotherapists located in the unit per 10,000 inhabitants"),
    ),
    _per_10k(
        Discipline.PHARMACIST, N_("Pharmacists per 10,000 inhabitants"),
        N_("head count of pharmacists located in the unit per 10,000 inhabitants"),
    ),
    _per_10k(
        Discipline.PSYCHOLOGIST, N_("Psychologists per 10,000 inhabitants"),
        N_("head count of psychologists located in the unit per 10,000 inhabitants"),
    ),
    _per_10k(
        Discipline.DENTIST, N_("Dentists per 10,000 inhabitants"),
        N_("head count of dentists located in the unit per 10,000 inhabitants"),
    ),
    _per_10k(
        Discipline.MIDWIFE, N_("Midwives per 10,000 inhabitants"),
        N_("head count of midwives located in the unit per 10,000 inhabitants"),
    ),
    _per_10k(
        Discipline.DIETITIAN, N_("Dietitians per 10,000 inhabitants"),
        N_("head count of dietitians located in the unit per 10,000 inhabitants"),
    ),
    IndicatorDef(
        "social_welfare_per_10000", N_("Social and welfare services per 10,000 inhabitants"),
        N_("per 10,000"), "rate", Base.SOCIAL_WELFARE, Base.POPULATION, 10_000, "higher_is_better",
        N_("social services and welfare organisations located in the unit per 10,000 inhabitants"),
        disciplines=("social_service", "welfare_organisation"),
    ),
    IndicatorDef(
        "mean_taxable_income_eur", N_("Mean taxable income"), N_("EUR per inhabitant"), "mean",
        Base.INCOME_X_POP, Base.POP_WITH_INCOME, 1, "none",
        N_("population-weighted mean of the areas' mean taxable income (areas without a value are "
        "left out)"),
        attribute="mean_taxable_income_eur",
    ),
    IndicatorDef(
        "bim_share", N_("Increased reimbursement (BIM)"), N_("%"), "proportion", Base.BIM_PERSONS,
        Base.POP_WITH_BIM, 100, "none",
        N_("population-weighted share of inhabitants with increased reimbursement (areas without a "
        "value are left out)"),
        attribute="bim_share",
    ),
    IndicatorDef(
        "alone_65plus_share", N_("Aged 65+ living alone"), N_("of those aged 65+, %"), "proportion",
        Base.ALONE_65PLUS_PERSONS, Base.POP_65PLUS_WITH_ALONE, 100, "none",
        N_("share of inhabitants aged 65+ living alone, weighted by the areas' population aged 65+"),
        attribute="alone_65plus_share",
    ),
]  # fmt: skip

#: The registry, in display order.
INDICATORS: dict[str, IndicatorDef] = {d.id: d for d in _DEFS}
