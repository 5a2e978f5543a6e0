"""Maturity assessments as records: what the API and the forms take and give (``Create``,
``In``, ``Public``). An assessment of a zone on a date follows a framework; invited participants
(platform users, each in a cluster) score alone while it is ``blind``; in ``consensus`` the group
sets each item's score with a rationale; ``closed`` keeps it as it is.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from mesocare.organisation.maturity_scores import AgreementRule, ClusterRule


class Status(StrEnum):
    BLIND = "blind"
    CONSENSUS = "consensus"
    CLOSED = "closed"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class AssessmentCreate(_Strict):
    title: str = Field(min_length=1, max_length=300)
    assessed_on: dt.date
    #: a shipped framework (a user's file is passed to the service as a loaded framework)
    framework: str = Field(default="mesocare-integration", max_length=80)
    agreement: AgreementRule = Field(default_factory=AgreementRule)
    clusters: ClusterRule = Field(default_factory=ClusterRule)


class ParticipantCreate(_Strict):
    email: str = Field(min_length=3, max_length=254)
    cluster: str = Field(default="", max_length=80)


class ScoresIn(_Strict):
    #: item id → score (on the framework's scale); items not given are left as they are
    scores: dict[str, int] = Field(max_length=500)
    comments: dict[str, str] = Field(default_factory=dict, max_length=500)
    #: True: the participant is done (scores can still change until consensus opens)
    submit: bool = False


class ConsensusIn(_Strict):
    item: str = Field(min_length=1, max_length=40)
    score: int
    rationale: str = Field(min_length=1, max_length=5000)
    importance: float = Field(default=1.0, gt=0, le=10)


class StatusIn(_Strict):
    version: int = Field(ge=1)
    status: Status


class ObjectiveIn(_Strict):
    """Turn a priority (an item) into a strategic objective of a plan of the same zone."""

    item: str = Field(min_length=1, max_length=40)
    plan_id: int = Field(ge=1)
    #: the anchor person: a user of the zone, who carries the objective
    anchor: str = Field(min_length=3, max_length=254)


class ParticipantPublic(BaseModel):
    id: int
    name: str
    cluster: str
    submitted: bool


class AssessmentPublic(BaseModel):
    id: int
    territory: str
    zone_code: str
    title: str
    assessed_on: dt.date
    framework: str
    status: Status
    version: int
    participants: list[ParticipantPublic]


class Dot(BaseModel):
    """One rating on the dot plot: its cluster, never who gave it."""

    cluster: str
    score: int


class ItemResult(BaseModel):
    item: str
    dimension: str
    median: float | None
    q1: float | None
    q3: float | None
    iqr: float | None
    outside: int
    agreement: bool | None
    dots: list[Dot]
    cluster_flags: list[str]
    consensus: int | None
    rationale: str
    importance: float
    previous: int | None
    change: int | None
    plan_item_id: int | None


class PriorityPublic(BaseModel):
    item: str
    score: float
    gap: float
    importance: float
    weight: float
    plan_item_id: int | None


class AssessmentView(BaseModel):
    """What a reader of the assessment sees. While it is blind: their own scores and who has
    submitted; ``results`` and ``priorities`` are empty for everyone."""

    assessment: AssessmentPublic
    my_participant_id: int | None
    my_scores: dict[str, int]
    my_comments: dict[str, str]
    submitted: int
    results: list[ItemResult]
    priorities: list[PriorityPublic]
    previous_id: int | None


class ZoneScores(BaseModel):
    """One zone's consensus per dimension (mean of its items), no participant in it."""

    zone_code: str
    assessment_id: int
    assessed_on: dt.date
    dimensions: dict[str, float]


__all__ = [
    "AssessmentCreate",
    "AssessmentPublic",
    "AssessmentView",
    "ConsensusIn",
    "Dot",
    "ItemResult",
    "ObjectiveIn",
    "ParticipantCreate",
    "ParticipantPublic",
    "PriorityPublic",
    "ScoresIn",
    "Status",
    "StatusIn",
    "ZoneScores",
]
