"""World café case workshops: what a facilitator and a participant send and read (pydantic), the
three default questions and the sectors a participant comes from."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from mesocare.i18n import N_, _, use_locale

#: the three questions of a case workshop (translated in the workshop's language)
DEFAULT_QUESTIONS: tuple[str, ...] = (
    N_("Which problems do you see in this case?"),
    N_("What do you expect from each care worker and from the patient?"),
    N_("From the patient's point of view, which problem comes first?"),
)
#: where a participant works: they are mixed over the tables
SECTORS: dict[str, str] = {
    "care": N_("Health care"),
    "welfare": N_("Welfare"),
    "local_government": N_("Local government"),
    "patient": N_("Patients and carers"),
    "other": N_("Other"),
}
#: how long the join link and a participant's token last, by default (hours)
DEFAULT_TOKEN_HOURS = 8
MAX_TOKEN_HOURS = 72


class Status(StrEnum):
    DRAFT = "draft"
    RUNNING = "running"
    FINISHED = "finished"


class Destination(StrEnum):
    CASE_ACTION = "case_action"
    PLAN_ITEM = "plan_item"
    #: a cell of one of the zone's analysis grid cases (a new dated version of the case)
    GRID = "grid"
    #: a practice of the zone in the learning library (status "emerging")
    LIBRARY = "library"


class PointKind(StrEnum):
    HARVEST = "harvest"
    TAKE_HOME = "take_home"


def default_questions(language: str) -> list[str]:
    with use_locale(language):
        return [_(q) for q in DEFAULT_QUESTIONS]


Title = Annotated[str, Field(min_length=1, max_length=300)]
Text = Annotated[str, Field(min_length=1, max_length=5000)]
Question = Annotated[str, Field(min_length=1, max_length=500)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class WorkshopCreate(_In):
    title: Title
    language: str = Field(default="en", pattern="^(nl|fr|en)$")
    #: written for the workshop; or reviewed text drawn from a case (``source_case_id``)
    case_study: Text
    source_case_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    #: None: the three default questions in the workshop's language
    questions: list[Question] | None = Field(default=None, min_length=1, max_length=10)
    rounds: int = Field(default=3, ge=1, le=10)
    tables: int = Field(default=3, ge=1, le=30)


class WorkshopUpdate(_In):
    version: int = Field(ge=1)
    title: Title | None = None
    case_study: Text | None = None
    questions: list[Question] | None = Field(default=None, min_length=1, max_length=10)
    rounds: int | None = Field(default=None, ge=1, le=10)


class ParticipantIn(_In):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    profession: Annotated[str, Field(min_length=1, max_length=100)]
    sector: str = Field(pattern="^(" + "|".join(SECTORS) + ")$")


class PadIn(_In):
    version: int = Field(ge=0)
    text: str = Field(max_length=10000)


class PointIn(_In):
    kind: PointKind = PointKind.TAKE_HOME
    text: Text


class PointTo(_In):
    version: int = Field(ge=1)
    destination: Destination
    #: the plan to add an objective to (for ``plan_item``)
    plan_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    #: the grid case and the dimension whose cell the point is added to (for ``grid``)
    grid_case_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    dimension: str | None = Field(default=None, min_length=1, max_length=100)


class SeatOut(BaseModel):
    participant_id: int
    name: str
    profession: str
    sector: str
    host: bool


class PadOut(BaseModel):
    id: int
    version: int
    table_id: int
    table: int
    round: int
    text: str


class TableOut(BaseModel):
    id: int
    number: int
    host_id: int | None
    seats: list[SeatOut] = Field(default_factory=list)


class PointOut(BaseModel):
    id: int
    version: int
    kind: str
    text: str
    pad_id: int | None
    destination: str | None
    target_id: int | None


class WorkshopOut(BaseModel):
    id: int
    version: int
    territory: str
    zone_code: str
    title: str
    language: str
    case_study: str
    drawn_from_case: bool
    questions: list[str]
    rounds: int
    current_round: int
    status: str
    join_expires_at: datetime | None
    participants: list[SeatOut] = Field(default_factory=list)
    #: this round's tables (or the first round's plan before the start)
    tables: list[TableOut] = Field(default_factory=list)
    pads: list[PadOut] = Field(default_factory=list)
    points: list[PointOut] = Field(default_factory=list)


class ParticipantView(BaseModel):
    """All a participant's phone reads: the case study, this round's question, their table and
    its pad."""

    workshop_id: int
    title: str
    case_study: str
    questions: list[str]
    question: str | None
    current_round: int
    rounds: int
    status: str
    name: str
    table: int | None
    pad: PadOut | None
