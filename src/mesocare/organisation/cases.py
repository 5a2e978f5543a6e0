"""Cases around the patient's goals: what a user sends and reads (pydantic), and the referral
loop. A case is pseudonymous: a case code, no name, no national number (see
:mod:`mesocare.services.platform.cases`)."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from mesocare.i18n import _
from mesocare.organisation.icpc2 import DOMAINS, lookup

CATEGORIES: tuple[str, ...] = ("primary_care", "welfare", "hospital")
#: the longest and the default emergency access ("break the glass"), in minutes
MAX_GLASS_MINUTES = 8 * 60
DEFAULT_GLASS_MINUTES = 60
CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,39}$")

Text = Annotated[str, Field(min_length=1, max_length=2000)]
Short = Annotated[str, Field(min_length=1, max_length=200)]


class ActionKind(StrEnum):
    ACTION = "action"
    REFERRAL = "referral"


class ActionStatus(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DONE = "done"
    DECLINED = "declined"
    CANCELLED = "cancelled"


#: the referral loop: from a status, the ones it may go to
NEXT: dict[ActionStatus, frozenset[ActionStatus]] = {
    ActionStatus.REQUESTED: frozenset(
        {ActionStatus.ACCEPTED, ActionStatus.DECLINED, ActionStatus.CANCELLED}
    ),
    ActionStatus.ACCEPTED: frozenset({ActionStatus.DONE, ActionStatus.CANCELLED}),
    ActionStatus.DONE: frozenset(),
    ActionStatus.DECLINED: frozenset(),
    ActionStatus.CANCELLED: frozenset(),
}


def _categories(v: list[str] | None) -> list[str]:
    v = list(dict.fromkeys(v or CATEGORIES))
    bad = [c for c in v if c not in CATEGORIES]
    if bad:
        raise ValueError(
            _("unknown consent category {found!r}; known: {known}").format(
                found=bad[0], known=", ".join(CATEGORIES)
            )
        )
    return v


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CaseOpen(_In):
    code: str | None = Field(default=None, max_length=40)

    @field_validator("code")
    @classmethod
    def _code(cls, v: str | None) -> str | None:
        if v is None or v == "":
            return None
        v = v.upper()
        if not CODE.match(v):
            raise ValueError(_("a case code is 3 to 40 capital letters, digits and dashes"))
        return v


class Shared(_In):
    #: the consent categories this is shared with (default: all)
    shared_with: list[str] | None = Field(default=None, validate_default=True)

    @field_validator("shared_with")
    @classmethod
    def _shared(cls, v: list[str] | None) -> list[str]:
        return _categories(v)


class GoalIn(Shared):
    text: Text
    #: "patient", "relative", or "team:<team entry id>"
    expressed_by: str = Field(default="patient", max_length=40)

    @field_validator("expressed_by")
    @classmethod
    def _by(cls, v: str) -> str:
        if v in ("patient", "relative") or re.match(r"^team:[1-9][0-9]{0,9}$", v):
            return v
        raise ValueError(_("expressed by the patient, a relative or a member of the team"))


class ProblemIn(Shared):
    domain: str
    text: Text
    icpc2: str | None = Field(default=None, max_length=10)

    @field_validator("domain")
    @classmethod
    def _domain(cls, v: str) -> str:
        if v not in DOMAINS:
            raise ValueError(_("the domain is one of {known}").format(known=", ".join(DOMAINS)))
        return v

    @field_validator("icpc2")
    @classmethod
    def _icpc2(cls, v: str | None) -> str | None:
        if v is None or v == "":
            return None
        found = lookup(v)
        if found is None:
            raise ValueError(_("{code!r} is not an ICPC-2 code of the list").format(code=v))
        return found.code


class TeamIn(_In):
    actor_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    #: the e-mail of the professional's platform account (gives them access to the case)
    user: str | None = Field(default=None, max_length=254)
    role: Short
    added_value: str | None = Field(default=None, max_length=2000)
    category: str = "primary_care"
    start: date
    end: date | None = None

    @field_validator("category")
    @classmethod
    def _category(cls, v: str) -> str:
        return _categories([v])[0]

    @model_validator(mode="after")
    def _period(self) -> TeamIn:
        if self.end is not None and self.end < self.start:
            raise ValueError(_("the period ends before it starts"))
        return self


class ActionIn(Shared):
    kind: ActionKind = ActionKind.ACTION
    text: Text
    problem_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    performer_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class ActionStatusIn(_In):
    version: int = Field(ge=1)
    status: ActionStatus
    result: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _result(self) -> ActionStatusIn:
        if self.status == ActionStatus.DONE and not self.result:
            raise ValueError(_("report the result back when the action is done"))
        return self


class ConsentIn(_In):
    category: str
    given_on: date
    expires_on: date | None = None

    @field_validator("category")
    @classmethod
    def _category(cls, v: str) -> str:
        return _categories([v])[0]

    @model_validator(mode="after")
    def _period(self) -> ConsentIn:
        if self.expires_on is not None and self.expires_on < self.given_on:
            raise ValueError(_("the consent expires before it is given"))
        return self


class PriorityIn(_In):
    version: int = Field(ge=1)
    problem_ids: list[int] = Field(default_factory=list, max_length=200)


class BreakGlassIn(_In):
    reason: str = Field(min_length=10, max_length=1000)
    minutes: int = Field(default=DEFAULT_GLASS_MINUTES, ge=5, le=MAX_GLASS_MINUTES)


# ----- what a user reads -------------------------------------------------------------------------
class GoalOut(BaseModel):
    id: int
    version: int
    text: str
    expressed_by: str
    shared_with: list[str]


class ProblemOut(BaseModel):
    id: int
    version: int
    domain: str
    text: str
    icpc2: str | None
    shared_with: list[str]


class TeamOut(BaseModel):
    id: int
    version: int
    actor_id: int | None
    actor_name: str | None
    sector: str | None
    user: str | None
    role: str
    added_value: str | None
    category: str
    start: date
    end: date | None


class ActionOut(BaseModel):
    id: int
    version: int
    kind: ActionKind
    text: str
    problem_id: int | None
    performer_id: int | None
    status: ActionStatus
    result: str | None
    shared_with: list[str]


class ConsentOut(BaseModel):
    id: int
    version: int
    category: str
    given_on: date
    expires_on: date | None
    revoked_at: datetime | None
    active: bool


class GlassOut(BaseModel):
    id: int
    who: str
    reason: str
    starts_at: datetime
    ends_at: datetime
    acknowledged: bool


class CaseDetail(BaseModel):
    id: int
    version: int
    code: str
    territory: str
    zone_code: str
    status: str
    coordinator: str | None
    linked: bool
    practice_id: str | None
    #: how the reader reaches the case: coordinator, team or emergency
    reach: str
    #: the consent categories whose content the reader sees
    sees: list[str]
    priority: list[int]
    goals: list[GoalOut]
    problems: list[ProblemOut]
    team: list[TeamOut]
    actions: list[ActionOut]
    consents: list[ConsentOut]
    #: emergency accesses (shown to the coordinator)
    glasses: list[GlassOut]
    #: items hidden from the reader by the consent
    hidden: int


class CaseSummary(BaseModel):
    id: int
    code: str
    territory: str
    zone_code: str
    status: str
    reach: str
    #: emergency accesses the coordinator has not yet acknowledged
    flags: int
    updated_at: datetime


class AccessLogRow(BaseModel):
    at: datetime
    who: str
    action: str
    part: str | None
    fields: list[str]
