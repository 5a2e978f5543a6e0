"""The learning library: inspiring practices of zones, as records (``Create``/``Public``), with
one shared vocabulary of themes and the EU Best Practice Portal's criteria for a practice's
self-assessment, both data (``maturity_data/library.toml``, labels in nl/fr/en).

A practice has a status (emerging → promising → leading, or stopped: failures are welcome, with
their lessons), outcomes with before/after values (the after taken from the zone's diagnosis when
the indicator is one of Mesocare's findings), and the maturity dimensions it works on, which is
how a zone weak on a dimension finds the practices of zones strong on it.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field, field_validator

from mesocare.organisation.maturity import Text
from mesocare.params import Strict, parse


class PracticeStatus(StrEnum):
    EMERGING = "emerging"
    PROMISING = "promising"
    LEADING = "leading"
    STOPPED = "stopped"


class Rating(StrEnum):
    MET = "met"
    PARTLY = "partly"
    NOT_MET = "not_met"
    NOT_APPLICABLE = "not_applicable"


class Theme(Strict):
    key: str
    label: Text


class BppCriterion(Strict):
    key: str
    group: str = Field(pattern="^(exclusion|core|qualifier)$")
    label: Text


class Bpp(Strict):
    source: str
    criteria: list[BppCriterion]


class Vocabulary(Strict):
    themes: list[Theme]
    bpp: Bpp

    def theme_label(self, key: str, lang: str) -> str:
        return next((t.label.get(lang) for t in self.themes if t.key == key), key)


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    file = "maturity_data/library.toml"
    text = resources.files("mesocare.organisation").joinpath(file).read_text("utf-8")
    return parse(text, Vocabulary, file=f"mesocare:organisation/{file}")


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Outcome(_In):
    """An indicator before and after. ``indicator_id`` names one of the diagnosis's findings when
    the figure is Mesocare's (then ``source`` says so); else the text says what was measured."""

    indicator: str = Field(min_length=1, max_length=300)
    indicator_id: str | None = Field(default=None, max_length=80)
    before: float | None = None
    after: float | None = None
    unit: str = Field(default="", max_length=60)
    before_year: int | None = Field(default=None, ge=1900, le=2100)
    after_year: int | None = Field(default=None, ge=1900, le=2100)
    source: str = Field(default="", max_length=300)


class SelfRating(_In):
    rating: Rating
    note: str = Field(default="", max_length=2000)


class PracticeCreate(_In):
    title: str = Field(min_length=1, max_length=300)
    themes: list[str] = Field(default_factory=list, max_length=20)
    #: the maturity dimensions (keys of the shipped framework) the practice works on
    dimensions: list[str] = Field(default_factory=list, max_length=20)
    target_group: str = Field(default="", max_length=5000)
    actors_resources: str = Field(default="", max_length=5000)
    what_was_done: str = Field(default="", max_length=10000)
    status: PracticeStatus = PracticeStatus.EMERGING
    outcomes: list[Outcome] = Field(default_factory=list, max_length=30)
    lessons: str = Field(default="", max_length=10000)
    contacts: str = Field(default="", max_length=2000)
    self_assessment: dict[str, SelfRating] = Field(default_factory=dict)

    @field_validator("themes")
    @classmethod
    def _themes(cls, v: list[str]) -> list[str]:
        known = {t.key for t in vocabulary().themes}
        for t in v:
            if t not in known:
                raise ValueError(f"unknown theme '{t}'; known: {', '.join(sorted(known))}")
        return list(dict.fromkeys(v))

    @field_validator("self_assessment")
    @classmethod
    def _criteria(cls, v: dict[str, SelfRating]) -> dict[str, SelfRating]:
        known = {c.key for c in vocabulary().bpp.criteria}
        for k in v:
            if k not in known:
                raise ValueError(f"unknown criterion '{k}'; known: {', '.join(sorted(known))}")
        return v


class Adoption(BaseModel):
    zone_code: str
    plan_id: int
    item_ids: list[int]
    adopted_by: str | None


class PracticePublic(PracticeCreate):
    id: int
    territory: str
    zone_code: str
    version: int
    adoptions: list[Adoption] = Field(default_factory=list)


class AdoptIn(_In):
    """Adopt a practice into a plan of one's own zone: draft actions under an objective."""

    plan_id: int = Field(ge=1)
    #: the operational objective the draft actions go under (else a new one is made)
    parent_id: int | None = Field(default=None, ge=1)
    actions: list[str] = Field(default_factory=list, max_length=20)


__all__ = [
    "AdoptIn",
    "Adoption",
    "Bpp",
    "BppCriterion",
    "Outcome",
    "PracticeCreate",
    "PracticePublic",
    "PracticeStatus",
    "Rating",
    "SelfRating",
    "Theme",
    "Vocabulary",
    "vocabulary",
]
