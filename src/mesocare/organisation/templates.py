"""Plan templates, shipped as data (``plan_data/<name>.toml``): a name, labels in nl/fr/en, a
vision to start from and the strategic objectives it proposes. The ``cpts`` template's objectives
are the ACI missions, each with its start and full-deployment deadlines in months from the
contract's date (documented :class:`~mesocare.params.Figure` values with their source).
"""

from __future__ import annotations

import calendar
import datetime as dt
from functools import lru_cache
from importlib import resources

from pydantic import Field

from mesocare.errors import NotFoundError
from mesocare.params import Figure, Strict, parse

NAMES: tuple[str, ...] = ("integreo", "cpts", "zorgraad", "blank")


class Labels(Strict):
    en: str
    nl: str
    fr: str

    def get(self, lang: str) -> str:
        return str(getattr(self, lang, None) or self.en)


class TemplateObjective(Strict):
    key: str = Field(min_length=1, max_length=40)
    label: Labels
    mission: str | None = None
    core: bool = True
    start_months: Figure | None = None
    deployed_months: Figure | None = None


class Template(Strict):
    name: str
    label: Labels
    vision: Labels
    objectives: list[TemplateObjective] = Field(default_factory=list)


@lru_cache(maxsize=8)
def load_template(name: str) -> Template:
    if name not in NAMES:
        raise NotFoundError(f"unknown plan template '{name}'; known: {', '.join(NAMES)}")
    file = f"plan_data/{name}.toml"
    text = resources.files("mesocare.organisation").joinpath(file).read_text("utf-8")
    return parse(text, Template, file=f"mesocare:organisation/{file}")


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months; a day the target month lacks becomes its last day (31 August
    plus 6 months is 28 February, or 29 in a leap year)."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def mission_deadlines(contract: dt.date, objective: TemplateObjective) -> tuple[dt.date, dt.date]:
    """The date a mission must start and the date it must be fully deployed."""
    if objective.start_months is None or objective.deployed_months is None:
        raise ValueError(f"objective {objective.key} has no deadlines")
    return (
        add_months(contract, int(objective.start_months.value)),
        add_months(contract, int(objective.deployed_months.value)),
    )
