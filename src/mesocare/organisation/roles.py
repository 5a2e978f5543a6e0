"""Roles and scopes (a simpler form of DHIS2's org-unit-scoped user roles).

A user holds grants; each grant is a :class:`Role` on a :class:`Scope`: a unit of a territory
(region, zone or network) with everything under it, a whole territory, or everything.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from mesocare.i18n import N_, _


class Role(StrEnum):
    #: everything, everywhere in scope (usually global)
    ADMIN = "admin"
    #: reads every published figure of the units in scope, edits nothing
    ANALYST = "analyst"
    #: edits the organisation records of the zones in scope and manages their members
    COORDINATOR = "coordinator"
    #: reads the zone, edits the records assigned to them
    MEMBER = "member"
    #: reads the zone
    VIEWER = "viewer"


#: each role as people call it (translated where shown)
ROLE_LABELS: dict[str, str] = {
    "admin": N_("administrator"),
    "analyst": N_("analyst"),
    "coordinator": N_("coordinator"),
    "member": N_("member"),
    "viewer": N_("viewer"),
}


def role_label(role: object) -> str:
    """The role's name in the current language (its code when unknown)."""
    code = str(getattr(role, "value", role))
    return _(ROLE_LABELS[code]) if code in ROLE_LABELS else code


#: the roles a holder of each role may grant to others (within their own scope): only what they hold
GRANTABLE: dict[Role, frozenset[Role]] = {
    Role.ADMIN: frozenset(Role),
    Role.COORDINATOR: frozenset({Role.COORDINATOR, Role.MEMBER, Role.VIEWER}),
    Role.ANALYST: frozenset(),
    Role.MEMBER: frozenset(),
    Role.VIEWER: frozenset(),
}

#: roles that edit organisation records of their whole scope
EDITORS: frozenset[Role] = frozenset({Role.ADMIN, Role.COORDINATOR})


class Scope(BaseModel):
    """Where a role applies: ``territory`` None means every territory; ``unit`` None the whole
    territory; otherwise that unit (region, zone or network) and everything under it."""

    model_config = ConfigDict(frozen=True)

    territory: str | None = Field(default=None, min_length=1, max_length=100)
    unit: str | None = Field(default=None, min_length=1, max_length=100)

    def label(self) -> str:
        if self.territory is None:
            return "*"
        return self.territory if self.unit is None else f"{self.territory}:{self.unit}"

    @classmethod
    def parse(cls, text: str | None) -> Scope:
        """``*`` or empty (everything), ``TERRITORY`` or ``TERRITORY:UNIT``."""
        text = (text or "").strip()
        if text in ("", "*"):
            return cls()
        territory, _, unit = text.partition(":")
        return cls(territory=territory.strip(), unit=unit.strip() or None)


class Grant(BaseModel):
    """One role on one scope, as held by a user."""

    model_config = ConfigDict(frozen=True)

    id: int | None = None
    role: Role
    scope: Scope
