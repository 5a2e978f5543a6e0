"""The analysis grid of meso-level organisations, as data.

A *grid template* is an ordered list of dimensions, each with a label and guidance questions in
nl/fr/en (``grid_data/<name>.toml``; the project ships ``default``: values, governance, funding,
population, missions, involvement of health and social care professionals, indicators, successes,
failures, obstacles, facilitators, prospects). Users add, rename or retire dimensions; a retired
dimension keeps its key so older cases still show it. A dimension with an ``engine`` is one whose
cell Mesocare can propose (population and size class from the territory, funding from the
financing rules, indicators from the diagnosis).

An *organisation case* is filled per dimension: a :class:`Cell` holds text and evidence (a URL, an
uploaded document, or a finding of the zone's diagnosis).
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator

from mesocare.errors import NotFoundError
from mesocare.organisation.templates import Labels
from mesocare.params import Strict, parse

NAMES: tuple[str, ...] = ("default",)
KEY = r"^[a-z][a-z0-9_]{0,39}$"


class Engine(StrEnum):
    POPULATION = "population"
    FUNDING = "funding"
    INDICATORS = "indicators"


class Dimension(Strict):
    key: str = Field(pattern=KEY)
    label: Labels
    guidance: Labels
    engine: Engine | None = None
    retired: bool = False


class GridTemplate(Strict):
    name: str
    label: Labels
    dimensions: list[Dimension] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> GridTemplate:
        keys = [d.key for d in self.dimensions]
        dup = sorted({k for k in keys if keys.count(k) > 1})
        if dup:
            raise ValueError(f"dimension keys must be unique; repeated: {', '.join(dup)}")
        return self

    def active(self) -> list[Dimension]:
        return [d for d in self.dimensions if not d.retired]

    def dimension(self, key: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.key == key), None)


@lru_cache(maxsize=4)
def load_grid(name: str = "default") -> GridTemplate:
    if name not in NAMES:
        raise NotFoundError(f"unknown grid template '{name}'; known: {', '.join(NAMES)}")
    file = f"grid_data/{name}.toml"
    text = resources.files("mesocare.organisation").joinpath(file).read_text("utf-8")
    return parse(text, GridTemplate, file=f"mesocare:organisation/{file}")


def slug(text: str, taken: set[str]) -> str:
    """A dimension key from a label: ``Patient voice`` → ``patient_voice`` (unique in ``taken``)."""
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "_", ascii_.lower()).strip("_")[:36] or "dimension"
    if not base[0].isalpha():
        base = f"d_{base}"[:36]
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


# ----- cases ----------------------------------------------------------------------------------
class CaseKind(StrEnum):
    FLEMISH_ZONE = "flemish_zone"
    CPTS = "cpts"
    OLS = "ols"
    NETWORK = "network"
    OTHER = "other"


class Evidence(BaseModel):
    """A URL, an uploaded document (its id) or a finding of the diagnosis (indicator and zone)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["url", "document", "finding"]
    url: HttpUrl | None = None
    document_id: int | None = None
    indicator_id: str | None = Field(default=None, max_length=100)
    unit_code: str | None = Field(default=None, max_length=100)
    label: str = Field(default="", max_length=300)

    @model_validator(mode="after")
    def _target(self) -> Evidence:
        need = {"url": self.url, "document": self.document_id, "finding": self.indicator_id}
        if need[self.kind] is None:
            raise ValueError(f"{self.kind} evidence needs its {self.kind}")
        return self


class Cell(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(default="", max_length=20_000)
    evidence: list[Evidence] = Field(default_factory=list, max_length=50)


class CaseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=300)
    kind: CaseKind = CaseKind.OTHER
    template_id: int
    #: attach the case to a zone of a served territory (its rules then apply), or not
    territory: str | None = Field(default=None, max_length=100)
    zone_code: str | None = Field(default=None, max_length=100)
    tags: list[str] = Field(default_factory=list, max_length=30)
    description: str = Field(default="", max_length=5000)


class CellsUpdate(BaseModel):
    """A new dated version of a case: the cells that change (others are kept)."""

    model_config = ConfigDict(extra="forbid")

    version: int
    cells: dict[str, Cell]
    note: str = Field(default="", max_length=1000)
    #: move the case to its template's latest version
    upgrade_template: bool = False


def clean_tags(tags: list[str]) -> list[str]:
    out: list[str] = []
    for t in tags:
        t = " ".join(t.split()).lower()[:40]
        if t and t not in out:
            out.append(t)
    return out
