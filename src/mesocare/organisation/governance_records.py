"""Governance records (bodies, members, meetings, agenda items, decisions): ``…Create``,
``…Update`` and ``…Public`` models for the API and the forms, as the actors have."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from mesocare.organisation.decisions import Vote

Code = Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_-]*$")
#: seats per cluster id
Seats = dict[Annotated[str, Field(max_length=40)], Annotated[int, Field(ge=0, le=10_000)]]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class BodyCreate(_In):
    template: str = Code
    organ: str = Code
    name: str = Field(min_length=1, max_length=200)
    #: seats per cluster; a cluster not given gets the rule's minimum
    seats: Seats = Field(default_factory=dict, max_length=20)


class BodyUpdate(_In):
    version: int = Field(ge=1)
    name: str | None = Field(default=None, min_length=1, max_length=200)
    seats: Seats | None = Field(default=None, max_length=20)


class MemberCreate(_In):
    cluster: str = Code
    name: str = Field(min_length=1, max_length=200)
    organisation: str | None = Field(default=None, max_length=200)
    actor_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    since: date | None = None


class MemberUpdate(_In):
    version: int = Field(ge=1)
    cluster: str | None = Field(
        default=None, min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_-]*$"
    )
    name: str | None = Field(default=None, min_length=1, max_length=200)
    organisation: str | None = Field(default=None, max_length=200)
    actor_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    since: date | None = None


class MeetingCreate(_In):
    held_on: date
    title: str = Field(min_length=1, max_length=200)
    place: str | None = Field(default=None, max_length=200)


class DecisionCreate(_In):
    motion: str = Field(min_length=1, max_length=4000)
    #: the record the decision adopts, if any (e.g. "plan", its id and the version adopted)
    subject_type: str | None = Field(default=None, min_length=1, max_length=40)
    subject_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    subject_version: int | None = Field(default=None, ge=1, le=2**31 - 1)


class ItemCreate(_In):
    title: str = Field(min_length=1, max_length=200)
    notes: str | None = Field(default=None, max_length=4000)
    #: a decision to take on this item, if any
    decision: DecisionCreate | None = None


class VotesIn(_In):
    """Every member's vote on a decision (a member not named is absent); ``version``: the
    decision's version the votes were entered on (a newer one is a conflict)."""

    version: int = Field(ge=1)
    votes: dict[int, Vote] = Field(max_length=200)


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class MemberPublic(_Out):
    id: int
    body_id: int
    cluster: str
    name: str
    organisation: str | None
    actor_id: int | None
    since: date | None
    version: int


class BreachPublic(_Out):
    cluster: str
    rule: str
    found: int
    expected: str
    message: str


class ClusterPublic(_Out):
    cluster: str
    label: str
    votes: bool
    seats: int
    members: int
    min_seats: int
    max_seats: int
    vacancies: int
    source: str


class BodyPublic(_Out):
    id: int
    territory: str
    zone_code: str
    template: str
    organ: str
    name: str
    label: str
    seats: dict[str, int]
    clusters: list[ClusterPublic]
    members: list[MemberPublic]
    breaches: list[BreachPublic]
    version: int
    created_at: datetime
    updated_at: datetime


class TallyPublic(_Out):
    cluster: str
    label: str
    votes: bool
    members: int
    for_: int = Field(serialization_alias="for")
    against: int
    abstain: int
    absent: int
    quorum_needed: int
    quorum_met: bool
    base: int
    majority_needed: int
    majority_met: bool
    passed: bool


class DecisionPublic(_Out):
    id: int
    item_id: int
    motion: str
    subject_type: str | None
    subject_id: int | None
    subject_version: int | None
    votes: dict[int, Vote]
    #: "open", "passed" or "failed"
    outcome: str
    tally: list[TallyPublic]
    decided_at: datetime | None
    version: int


class ItemPublic(_Out):
    id: int
    meeting_id: int
    position: int
    title: str
    notes: str | None
    decisions: list[DecisionPublic]
    version: int


class MeetingPublic(_Out):
    id: int
    body_id: int
    territory: str
    zone_code: str
    held_on: date
    title: str
    place: str | None
    items: list[ItemPublic]
    version: int
