"""Accounts: who a user is, their language and the grants they hold."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from mesocare.organisation.roles import Grant

LANGUAGES = ("nl", "fr", "en")


def _lower(text: str) -> str:
    return text.strip().lower()


#: an e-mail address, compared case-insensitively (stored lower-case)
Email = Annotated[
    str,
    Field(min_length=3, max_length=254, pattern=r"^\s*[^@\s]+@[^@\s]+\.[^@\s]+\s*$"),
    AfterValidator(_lower),
]
#: a password: long enough to resist guessing, short enough to hash quickly
Password = Annotated[str, Field(min_length=10, max_length=200)]


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email
    password: Password
    display_name: str | None = Field(default=None, max_length=200)
    language: str | None = Field(default=None, pattern="^(nl|fr|en)$")


class UserPublic(BaseModel):
    id: int
    email: str
    display_name: str | None
    language: str | None
    disabled: bool
    created_at: datetime
    grants: list[Grant]
