"""Who to reach first: a target rule (data, like the strata and care gaps of :mod:`.rules`) and
its query on the population-health engine's person features.

The default rule: persons with diabetes whose HbA1c check is overdue (none in the last 12
months) or out of range (the latest one above 7 %), living in the most deprived fifth of the
zone's areas (by ``area_attributes.deprivation_score``). A TOML file can replace it::

    [[targets]]
    id = "diabetes_hba1c"
    label = "Diabetes, HbA1c overdue or out of range, most deprived areas"
    condition = "diabetes"
    measurement = "hba1c"
    window_months = 12
    max_value = 7.0
    most_deprived_share = 0.2
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pandas as pd

from mesocare.errors import ParameterError
from mesocare.i18n import N_
from mesocare.population import engine as E
from mesocare.population.aggregate import suppress
from mesocare.population.codelists import CodeLists
from mesocare.population.rules import _ID, HealthParams


@dataclass(frozen=True)
class TargetRule:
    id: str
    label: str
    condition: str
    measurement: str
    window_months: int = 12
    #: the latest value in the window above this is out of range (None: only overdue counts)
    max_value: float | None = None
    #: the share of the zone's areas, most deprived first, whose people are listed (1: all)
    most_deprived_share: float = 1.0

    def __post_init__(self) -> None:
        if not _ID.match(self.id):
            raise ParameterError(f"targets.id '{self.id}' must be lower-case letters, digits, _")
        if self.window_months < 1:
            raise ParameterError(f"target '{self.id}': window_months must be >= 1")
        if not 0 < self.most_deprived_share <= 1:
            raise ParameterError(f"target '{self.id}': most_deprived_share must be in (0, 1]")


DEFAULT_TARGETS: tuple[TargetRule, ...] = (
    TargetRule(
        "diabetes_hba1c",
        N_("Diabetes, HbA1c overdue or out of range, most deprived areas"),
        condition="diabetes",
        measurement="hba1c",
        window_months=12,
        max_value=7.0,
        most_deprived_share=0.2,
    ),
)


def load_targets(path: str | Path | None = None) -> tuple[TargetRule, ...]:
    if path is None:
        return DEFAULT_TARGETS
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        return tuple(TargetRule(**t) for t in data.get("targets", []))
    except (OSError, tomllib.TOMLDecodeError, TypeError) as exc:
        raise ParameterError(f"{path}: cannot read target rules ({exc})") from None


def most_deprived(area_attributes: pd.DataFrame, areas: Sequence[str], share: float) -> list[str]:
    """The most deprived ``share`` of ``areas`` (at least one), by deprivation score; ties by
    area code."""
    a = area_attributes[area_attributes["area_code"].isin(list(areas))]
    if "deprivation_score" not in a.columns or a.empty:
        return sorted(areas) if share >= 1 else []
    a = a.sort_values(["deprivation_score", "area_code"], ascending=[False, True])
    n = max(1, math.ceil(share * len(a)))
    return sorted(a["area_code"].astype(str).head(n))


def target_persons(
    t: Mapping[str, ir.Table],
    codelists: CodeLists,
    params: HealthParams,
    rule: TargetRule,
    areas: Sequence[str],
) -> ir.Table:
    """``person_id``, ``area_code``, ``practice_id``, ``overdue``, ``out_of_range`` of the persons
    the rule lists, living in ``areas``; and ``eligible`` rows (persons with the condition in
    those areas) for the counts: every eligible person, ``listed`` saying who is on the list."""
    if rule.condition not in codelists.conditions():
        raise ParameterError(f"target '{rule.id}': unknown condition '{rule.condition}'")
    if rule.measurement not in codelists.ids_all():
        raise ParameterError(f"target '{rule.id}': unknown code list '{rule.measurement}'")
    f = E.person_features(t, codelists, params)
    f = f.filter(f[f"has_{rule.condition}"] == 1, f.area_code.isin(list(areas)))
    m = t["measurements"]
    start = params.window_start(rule.window_months)
    m = m.filter(
        m.date.cast("date") > start,
        m.date.cast("date") <= params.reference_date,
        E._matches(m, codelists.entries(rule.measurement)),
    )
    last = m.group_by("person_id").aggregate(
        last_date=m.date.max(), last_value=m.value.argmax(m.date)
    )
    j = f.left_join(last, "person_id")
    overdue = j.last_date.isnull()
    high = (
        j.last_value.notnull() & (j.last_value > rule.max_value)
        if rule.max_value is not None
        else ibis.literal(False)
    )
    return j.select(
        "person_id",
        "area_code",
        "practice_id",
        overdue=overdue,
        out_of_range=high.fill_null(False),
        listed=overdue | high.fill_null(False),
    )


def counts_by_area(rows: pd.DataFrame, min_count: int) -> pd.DataFrame:
    """Listed among eligible persons per area, suppressed like every published aggregate
    (:func:`mesocare.population.aggregate.suppress`)."""
    g = rows.groupby("area_code").agg(numerator=("listed", "sum"), denominator=("listed", "size"))
    out = pd.DataFrame(
        {
            "level": "area",
            "unit_code": g.index.astype(str),
            "measure_kind": "target",
            "measure": "listed",
            "numerator": g["numerator"].astype(int).to_numpy(),
            "denominator": g["denominator"].astype(int).to_numpy(),
        }
    )
    for c in ("rate", "rate_lower", "rate_upper", "dsr", "dsr_lower", "dsr_upper"):
        out[c] = out["numerator"] / out["denominator"] if c == "rate" else float("nan")
    return suppress(out, min_count)


__all__ = [
    "DEFAULT_TARGETS",
    "TargetRule",
    "counts_by_area",
    "load_targets",
    "most_deprived",
    "target_persons",
]
