"""Care and welfare actors of a zone (the Sociale Kaart's people and places), as records.

An actor comes from the territory's providers (``source="territory"``), from a CSV import or is
added by hand. It belongs to a zone of a territory, optionally to one of the zone's vicinity
networks, and may be assigned to a member, who may then edit it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mesocare.organisation.users import Email
from mesocare.territory.schema import Discipline


class Sector(StrEnum):
    CARE = "care"
    WELFARE = "welfare"


class Source(StrEnum):
    TERRITORY = "territory"
    IMPORT = "import"
    MANUAL = "manual"


WELFARE_DISCIPLINES = frozenset({Discipline.SOCIAL_SERVICE, Discipline.WELFARE_ORGANISATION})

#: the CSV columns of an import or export, in order (Sociale Kaart-like)
CSV_COLUMNS: tuple[str, ...] = (
    "name",
    "organisation",
    "sector",
    "discipline",
    "address",
    "latitude",
    "longitude",
    "area",
    "network",
    "contact",
)
#: columns an import must have (the others may be absent or empty)
CSV_REQUIRED: tuple[str, ...] = ("name", "discipline")


def sector_of(discipline: Discipline) -> Sector:
    return Sector.WELFARE if discipline in WELFARE_DISCIPLINES else Sector.CARE


Text200 = Field(default=None, max_length=200)


class _Place(BaseModel):
    """Where an actor is: an address, coordinates (WGS84), or both; never neither."""

    address: str | None = Field(default=None, min_length=1, max_length=300)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)

    @model_validator(mode="after")
    def _coordinates_in_pairs(self) -> Self:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("give both latitude and longitude, or neither")
        return self


#: the cross-field rules, in the JSON Schema too (so the API's clients know them); a null counts
#: as absent
_NUMBER: dict[str, Any] = {"type": "number"}
_NULL: dict[str, Any] = {"type": "null"}
_PAIRED: Any = {
    "anyOf": [
        {
            "required": ["latitude", "longitude"],
            "properties": {"latitude": _NUMBER, "longitude": _NUMBER},
        },
        {"properties": {"latitude": _NULL, "longitude": _NULL}},
    ]
}
_SOMEWHERE: Any = {
    "anyOf": [
        {"required": ["address"], "properties": {"address": {"type": "string"}}},
        {
            "required": ["latitude", "longitude"],
            "properties": {"latitude": _NUMBER, "longitude": _NUMBER},
        },
        {"required": ["area_code"], "properties": {"area_code": {"type": "string"}}},
    ]
}


class ActorCreate(_Place):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"allOf": [_SOMEWHERE, _PAIRED]},
    )

    name: str = Field(min_length=1, max_length=200)
    organisation: str | None = Text200
    sector: Sector | None = None
    discipline: Discipline
    network_code: str | None = Field(default=None, min_length=1, max_length=100)
    area_code: str | None = Field(default=None, min_length=1, max_length=100)
    contact: str | None = Text200
    assignee: Email | None = None

    @model_validator(mode="after")
    def _somewhere(self) -> Self:
        if not self.address and self.latitude is None and not self.area_code:
            raise ValueError("give an address, coordinates or an area")
        if self.sector is None:
            self.sector = sector_of(self.discipline)
        return self


class ActorUpdate(_Place):
    """An edit: the fields given change; ``version`` is the version the edit was made on."""

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, json_schema_extra={"allOf": [_PAIRED]}
    )

    version: int = Field(ge=1)
    name: str | None = Field(default=None, min_length=1, max_length=200)
    organisation: str | None = Text200
    sector: Sector | None = None
    discipline: Discipline | None = None
    network_code: str | None = Field(default=None, min_length=1, max_length=100)
    area_code: str | None = Field(default=None, min_length=1, max_length=100)
    contact: str | None = Text200
    assignee: Email | None = None


class ActorPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    territory: str
    zone_code: str
    network_code: str | None
    area_code: str | None
    name: str
    organisation: str | None
    sector: Sector
    discipline: Discipline
    address: str | None
    latitude: float | None
    longitude: float | None
    contact: str | None
    assignee: str | None
    source: Source
    provider_id: str | None
    version: int
    created_at: datetime
    created_by: str | None
    updated_at: datetime
    updated_by: str | None
