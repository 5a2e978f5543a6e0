"""Who sees what of a case: decided here and nowhere else (beside :mod:`.access`, which decides
everything else).

Access follows the care team, not the zone:

- the **coordinator** who opened the case sees all of it and manages its team and consents;
- a **team member** (a user linked to a team entry whose period includes today) sees the case,
  its team and its consents, and of its content (goals, problems, actions) only what is shared
  with the member's consent category, while that consent is given, not expired and not revoked;
- an **emergency access** ("break the glass"), asked by a coordinator or member of the case's zone
  with a reason, shows the whole case until it ends (a limited time) and is flagged to the case's
  coordinator;
- nobody else: a zone coordinator or an admin does not by themselves open a case.

Consent categories are data (:data:`CATEGORIES`). The services hand a :class:`CaseFacts` (the
few columns these rules need) and a time; nothing here reads the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from mesocare.organisation.cases import CATEGORIES, DEFAULT_GLASS_MINUTES, MAX_GLASS_MINUTES
from mesocare.organisation.roles import Role
from mesocare.services.platform.access import Access


class Reach(StrEnum):
    COORDINATOR = "coordinator"
    TEAM = "team"
    EMERGENCY = "emergency"


@dataclass(frozen=True)
class Seat:
    """A team entry linked to a user."""

    user_id: int
    category: str
    start: date
    end: date | None = None

    def current(self, today: date) -> bool:
        return self.start <= today and (self.end is None or today <= self.end)


@dataclass(frozen=True)
class Consent:
    category: str
    given_on: date
    expires_on: date | None = None
    revoked_at: datetime | None = None

    def active(self, at: datetime) -> bool:
        today = at.date()
        return (
            self.revoked_at is None
            and self.given_on <= today
            and (self.expires_on is None or today <= self.expires_on)
        )


@dataclass(frozen=True)
class Glass:
    user_id: int
    ends_at: datetime


@dataclass(frozen=True)
class CaseFacts:
    territory: str
    zone: str
    coordinator_id: int | None
    seats: tuple[Seat, ...] = ()
    consents: tuple[Consent, ...] = ()
    glasses: tuple[Glass, ...] = ()

    def consented(self, at: datetime) -> set[str]:
        return {c.category for c in self.consents if c.active(at)}


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class CaseAccess:
    access: Access

    @property
    def user_id(self) -> int | None:
        return self.access.principal.user_id if self.access.principal else None

    # ----- opening ---------------------------------------------------------------------------
    def can_open_case(self, territory: str, zone: str) -> bool:
        """A coordinator or member of the zone (or an admin) may open a case, and coordinates it."""
        return self.access.holds(territory, zone, [Role.ADMIN, Role.COORDINATOR, Role.MEMBER])

    # ----- reading ---------------------------------------------------------------------------
    def reach(self, case: CaseFacts, at: datetime) -> Reach | None:
        uid = self.user_id
        if uid is None:
            return None
        if case.coordinator_id == uid:
            return Reach.COORDINATOR
        if any(s.user_id == uid and s.current(at.date()) for s in case.seats):
            return Reach.TEAM
        if any(g.user_id == uid and at < g.ends_at for g in case.glasses):
            return Reach.EMERGENCY
        return None

    def can_read(self, case: CaseFacts, at: datetime) -> bool:
        return self.reach(case, at) is not None

    def categories(self, case: CaseFacts, at: datetime) -> set[str]:
        """The consent categories whose content the user sees now (every one for the
        coordinator and in an emergency)."""
        reach = self.reach(case, at)
        if reach in (Reach.COORDINATOR, Reach.EMERGENCY):
            return set(CATEGORIES)
        if reach is None:
            return set()
        mine = {
            s.category for s in case.seats if s.user_id == self.user_id and s.current(at.date())
        }
        return mine & case.consented(at)

    def sees(self, case: CaseFacts, shared_with: list[str] | tuple[str, ...], at: datetime) -> bool:
        """Whether the user sees one piece of content shared with ``shared_with``."""
        reach = self.reach(case, at)
        if reach in (Reach.COORDINATOR, Reach.EMERGENCY):
            return True
        return bool(self.categories(case, at) & set(shared_with))

    # ----- changing --------------------------------------------------------------------------
    def can_contribute(self, case: CaseFacts, at: datetime) -> bool:
        """Add goals, problems, actions and report on an action: the coordinator, and team
        members whose consent category is given (an emergency access only reads)."""
        reach = self.reach(case, at)
        return reach == Reach.COORDINATOR or (
            reach == Reach.TEAM and bool(self.categories(case, at))
        )

    def can_manage(self, case: CaseFacts, at: datetime) -> bool:
        """Change the team, the consents and the order of priority: the coordinator."""
        return self.reach(case, at) == Reach.COORDINATOR

    def can_break_glass(self, case: CaseFacts, at: datetime) -> bool:
        """A coordinator or member of the case's zone without access to it."""
        return self.reach(case, at) is None and self.access.holds(
            case.territory, case.zone, [Role.COORDINATOR, Role.MEMBER]
        )

    def can_export_access_log(self, case: CaseFacts, at: datetime) -> bool:
        """The access log, for the patient: the coordinator and the team."""
        return self.reach(case, at) in (Reach.COORDINATOR, Reach.TEAM)


def glass_end(at: datetime, minutes: int) -> datetime:
    return at + timedelta(minutes=minutes)


__all__ = [
    "CATEGORIES",
    "DEFAULT_GLASS_MINUTES",
    "MAX_GLASS_MINUTES",
    "CaseAccess",
    "CaseFacts",
    "Consent",
    "Glass",
    "Reach",
    "Seat",
    "glass_end",
    "utcnow",
]
