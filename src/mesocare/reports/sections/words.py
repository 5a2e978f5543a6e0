"""Words for the codes a diagnosis carries (disciplines, comparisons, models…), marked for
translation; :func:`word` translates one in the current language."""

from __future__ import annotations

from mesocare.i18n import N_, _
from mesocare.indicators import INDICATORS

DISCIPLINES = {
    "gp": N_("GPs"),
    "home_nurse": N_("Home nurses"),
    "pharmacist": N_("Pharmacists"),
    "physiotherapist": N_("Physiotherapists"),
    "psychologist": N_("Psychologists"),
    "dentist": N_("Dentists"),
    "midwife": N_("Midwives"),
    "dietitian": N_("Dietitians"),
    "social_service": N_("Social services"),
    "welfare_organisation": N_("Welfare organisations"),
    "hospital": N_("Hospitals"),
    "other": N_("Other providers"),
}
SIGNIFICANCE = {
    "better": N_("better"),
    "worse": N_("worse"),
    "similar": N_("similar"),
    "higher": N_("higher"),
    "lower": N_("lower"),
    "not_compared": N_("not compared"),
}
LEVELS = {
    "area": N_("area"),
    "network": N_("vicinity network"),
    "zone": N_("zone"),
    "region": N_("region"),
    "municipality": N_("municipality"),
    "statistical_sector": N_("statistical sector"),
    "neighbourhood": N_("neighbourhood"),
    "commune": N_("commune"),
}
AREA_LEVELS_PLURAL = {
    "municipality": N_("municipalities"),
    "statistical_sector": N_("statistical sectors"),
    "neighbourhood": N_("neighbourhoods"),
    "commune": N_("communes"),
    "area": N_("areas"),
}
MODELS = {"classic": N_("Classic"), "new_deal": N_("New Deal"), "cappuccino": N_("Cappuccino")}
LAYERS = {
    "fee_for_service": N_("fee for service"),
    "gmd_fees": N_("GMD fees"),
    "premiums": N_("premiums"),
    "capitation": N_("capitation"),
    "milk": N_("milk (fee per service)"),
    "coffee": N_("coffee (per enrolled patient)"),
    "cream": N_("cream (quality and innovation)"),
}
OUTCOMES = {"wins": N_("gains"), "loses": N_("loses"), "about equal": N_("about equal")}
BOUNDS = {
    "within": N_("within"),
    "below minimum": N_("below minimum"),
    "above maximum": N_("above maximum"),
}
REASONS = {
    "": "",
    "below_threshold": N_("fewer than {gp:g} GPs under 65 per 100,000"),
    "low_density": N_("fewer than {density:g} inhabitants/km² and fewer than {gp_low:g} GPs "
                      "under 65 per 100,000"),
    "no_inhabitants": N_("no inhabitants"),
}  # fmt: skip
METHODS = {
    "count": N_("count"),
    "proportion": N_("proportion (Wilson score interval)"),
    "rate": N_("rate (Byar's interval)"),
    "ratio": N_("ratio"),
    "mean": N_("population-weighted mean"),
    "density": N_("density"),
}
POLARITIES = {
    "higher_is_better": N_("higher is better"),
    "lower_is_better": N_("lower is better"),
    "none": N_("neither higher nor lower is better"),
}
MEASURES = {
    "stratum_1": N_("1: support for self-care"),
    "stratum_2": N_("2: care management"),
    "stratum_3": N_("3: intensive case management"),
    "multimorbidity": N_("Multimorbidity (2+ chronic conditions)"),
    "chronic": N_("At least one chronic condition"),
    "polypharmacy": N_("Polypharmacy"),
    "anxiety": N_("Anxiety"),
    "asthma": N_("Asthma"),
    "cancer": N_("Cancer"),
    "ckd": N_("Chronic kidney disease"),
    "copd": N_("COPD"),
    "dementia": N_("Dementia"),
    "depression": N_("Depression"),
    "diabetes": N_("Diabetes"),
    "heart_failure": N_("Heart failure"),
    "hypertension": N_("Hypertension"),
    "ihd": N_("Ischaemic heart disease"),
    "stroke": N_("Stroke"),
    "diabetes_hba1c": N_("Diabetes without HbA1c in 12 months"),
    "hypertension_bp": N_("Hypertension without blood pressure in 12 months"),
    "influenza_65plus": N_("Aged 65+ without influenza vaccine this season"),
}
#: Why a population-health figure is not (all) published (the ``note`` of a measure).
NOTES = {
    "small_count": N_("hidden: under the small-count threshold"),
    "secondary": N_("hidden: would let a hidden count be recovered by subtraction"),
    "not_computable": N_("not computable: the import had no table for it"),
    "dsr_few_events": N_("age-standardised rate not published: fewer than 10 events"),
}
#: Indicators that are not in the indicator registry.
EXTRA_LABELS = {"apl": N_("Localised potential accessibility (APL) to GPs")}


def word(table: dict[str, str], code: object) -> str:
    """The translated word for ``code``, or the code with spaces for underscores."""
    text = table.get(str(code))
    return _(text) if text else str(code).replace("_", " ")


def indicator_label(iid: str) -> str:
    d = INDICATORS.get(iid)
    if d is not None:
        return _(d.label)
    if iid in EXTRA_LABELS:
        return _(EXTRA_LABELS[iid])
    return word(MEASURES, iid.split(":")[-1])


def unit_label(unit: str) -> str:
    return _(unit) if unit else ""


def labelled(iid: str, unit: str) -> str:
    u, label = unit_label(unit), indicator_label(iid)
    return f"{label} ({u})" if u and u not in label else label
