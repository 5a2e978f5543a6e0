"""Maturity frameworks as data: dimensions, their criteria (the items a participant scores) and a
scale with a descriptor per level.

The project ships one framework of its own, ``maturity_data/mesocare-integration.toml``, in the
shape of the SCIROCCO tool (12 dimensions scored 0 to 5; the wording is Mesocare's, not
SCIROCCO's licensed text). A user's copy of the HSO criteria (whose text is licensed) is read from
a file by :mod:`.maturity_file`. Scores are computed by :mod:`.maturity_scores`.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Self

from pydantic import Field, model_validator

from mesocare.errors import NotFoundError
from mesocare.params import Strict, parse

#: the frameworks shipped with the package (``maturity_data/<name>.toml``)
SHIPPED: tuple[str, ...] = ("mesocare-integration",)


class Text(Strict):
    en: str = Field(min_length=1, max_length=2000)
    nl: str = Field(min_length=1, max_length=2000)
    fr: str = Field(min_length=1, max_length=2000)

    def get(self, lang: str) -> str:
        return str(getattr(self, lang, None) or self.en)

    @classmethod
    def same(cls, text: str) -> Text:
        """A text given in one language only (a user's file): shown as it is in every language."""
        return cls(en=text, nl=text, fr=text)


class Level(Strict):
    value: int = Field(ge=0, le=100)
    label: Text


class Criterion(Strict):
    id: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._-]+$")
    text: Text
    #: the weight of a gap on this item when priorities are ranked (gap × importance)
    importance: float = Field(default=1.0, gt=0, le=10)


class Dimension(Strict):
    key: str = Field(min_length=1, max_length=40)
    label: Text
    criteria: list[Criterion] = Field(min_length=1)


class Framework(Strict):
    name: str = Field(min_length=1, max_length=80, pattern=r"^[a-z0-9][a-z0-9._-]*$")
    source: str = Field(min_length=1, max_length=500)
    label: Text
    scale: list[Level] = Field(min_length=2)
    dimensions: list[Dimension] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        values = [lv.value for lv in self.scale]
        if values != list(range(values[0], values[0] + len(values))):
            raise ValueError("the scale's levels must be consecutive integers in order")
        ids = [c.id for d in self.dimensions for c in d.criteria]
        if len(set(ids)) != len(ids):
            raise ValueError("criterion ids must be unique")
        keys = [d.key for d in self.dimensions]
        if len(set(keys)) != len(keys):
            raise ValueError("dimension keys must be unique")
        return self

    @property
    def low(self) -> int:
        return self.scale[0].value

    @property
    def high(self) -> int:
        return self.scale[-1].value

    def criteria(self) -> list[Criterion]:
        return [c for d in self.dimensions for c in d.criteria]

    def criterion(self, item: str) -> Criterion:
        for c in self.criteria():
            if c.id == item:
                return c
        raise NotFoundError(f"no criterion '{item}' in framework '{self.name}'")

    def dimension_of(self, item: str) -> Dimension:
        for d in self.dimensions:
            if any(c.id == item for c in d.criteria):
                return d
        raise NotFoundError(f"no criterion '{item}' in framework '{self.name}'")


@lru_cache(maxsize=4)
def load_shipped(name: str) -> Framework:
    if name not in SHIPPED:
        raise NotFoundError(f"unknown maturity framework '{name}'; shipped: {', '.join(SHIPPED)}")
    file = f"maturity_data/{name}.toml"
    text = resources.files("mesocare.organisation").joinpath(file).read_text("utf-8")
    return parse(text, Framework, file=f"mesocare:organisation/{file}")


__all__ = ["SHIPPED", "Criterion", "Dimension", "Framework", "Level", "Text", "load_shipped"]
