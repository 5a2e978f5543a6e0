"""Who may do what, where: decided here and nowhere else.

A user's grants are roles on scopes (a unit of a territory and everything under it). The web app's
routes and the CLI ask an :class:`Access` before they call a service; the services that change
records ask it again, so no interface can forget.

- **read a zone** (its diagnosis, actors, history): any role whose scope covers the zone, or whose
  scope is one of the zone's networks (a network's member reads its zone);
- **read a zone's figures only** (diagnosis, not its records): also an ``analyst`` covering it;
- **edit a zone's records** and **manage its members**: ``admin`` or ``coordinator`` covering the
  record's unit (its network when it has one, else its zone);
- **edit one actor**: as above, or a ``member`` who may read the zone and is the actor's assignee;
- **grant** a role on a scope: only a role the granter may pass on (:data:`GRANTABLE`), on a scope
  inside one of the granter's own scopes with that role;
- **read a zone's governance** (its bodies, members, meetings, decisions and votes): as reading
  the zone (analysts do not see it); **manage it** (bodies, members, meetings, recording votes):
  ``admin`` or ``coordinator`` covering the zone;
- **action plans** are zone records: those who read the zone read its plans; an ``analyst``
  covering it reads their figures only (indicators, targets, approved actuals); those who edit the
  zone's records edit its plans and review actuals; a ``member`` who reads the zone may also enter
  actuals for the indicators of an action they are responsible for (the action is assigned to
  them, or its owner actor is);
- **analysis grid cases** are not zone records only: a case *attached to a zone* follows the
  zone's rules (those who read the zone read it; those who edit the zone's records edit it, run its
  workshops and merge their answers); a case *not attached* to a zone (a foreign model, a user's
  own) is edited by its author and global admins and read by every logged-in user; grid
  *templates* are read by every logged-in user and edited by their author and global admins (the
  project's default template, created by the system, by admins only); a workshop group's link
  (an expiring token, no account) opens that group's page and nothing else;
- **the whole audit log** and accounts of every zone: a global ``admin``.

A case (goals, problems, team, consents) is not a zone record: who sees it follows its care team
and the patient's consent, decided in :mod:`.case_access`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from mesocare.organisation.roles import EDITORS, GRANTABLE, Grant, Role, Scope


class Hierarchy(Protocol):
    """The units of the served territories."""

    def ancestors(self, territory: str, unit: str) -> list[str]:
        """``unit`` and the units above it, up to its region (empty when unknown)."""
        ...


@dataclass(frozen=True)
class Principal:
    """The user a request acts for."""

    user_id: int
    email: str
    grants: tuple[Grant, ...] = ()
    language: str | None = None
    display_name: str | None = None

    @property
    def is_admin(self) -> bool:
        return any(g.role == Role.ADMIN and g.scope.territory is None for g in self.grants)


@dataclass(frozen=True)
class Access:
    principal: Principal | None
    hierarchy: Hierarchy = field(repr=False)

    # ----- scopes ---------------------------------------------------------------------
    def covers(self, scope: Scope, territory: str, unit: str | None) -> bool:
        """Whether ``scope`` covers ``unit`` of ``territory`` (None: the whole territory)."""
        if scope.territory is None:
            return True
        if scope.territory != territory:
            return False
        if scope.unit is None:
            return True
        if unit is None:
            return False
        return scope.unit in self.hierarchy.ancestors(territory, unit)

    def _grants(self, roles: Sequence[Role] | None = None) -> list[Grant]:
        if self.principal is None:
            return []
        return [g for g in self.principal.grants if roles is None or g.role in roles]

    def _covered(self, territory: str, unit: str | None, roles: Sequence[Role]) -> bool:
        return any(self.covers(g.scope, territory, unit) for g in self._grants(roles))

    def holds(self, territory: str, zone: str, roles: Sequence[Role]) -> bool:
        """Whether the user has one of ``roles`` in ``zone``: on a scope covering it, or on one
        of its networks (as for reading a zone)."""
        if self._covered(territory, zone, roles):
            return True
        return any(
            g.scope.territory == territory
            and g.scope.unit is not None
            and zone in self.hierarchy.ancestors(territory, g.scope.unit)
            for g in self._grants(roles)
        )

    # ----- decisions ------------------------------------------------------------------
    @property
    def logged_in(self) -> bool:
        return self.principal is not None

    @property
    def is_admin(self) -> bool:
        return self.principal is not None and self.principal.is_admin

    def can_read_territory(self, territory: str) -> bool:
        """Whether the user has any role in the territory (to see its home page)."""
        return any(g.scope.territory in (None, territory) for g in self._grants())

    def can_read_zone(self, territory: str, zone: str) -> bool:
        """Whether the user reads the zone's records (not analysts: they read figures)."""
        return self.holds(territory, zone, [r for r in Role if r != Role.ANALYST])

    def can_read_figures(self, territory: str, zone: str) -> bool:
        """Whether the user reads the zone's diagnosis and figures."""
        return self.can_read_zone(territory, zone) or self._covered(territory, zone, [Role.ANALYST])

    def can_edit_records(self, territory: str, zone: str, network: str | None = None) -> bool:
        return self._covered(territory, network or zone, list(EDITORS))

    def can_edit_actor(
        self, territory: str, zone: str, network: str | None, assignee_id: int | None
    ) -> bool:
        if self.can_edit_records(territory, zone, network):
            return True
        return (
            self.principal is not None
            and assignee_id == self.principal.user_id
            and self.can_read_zone(territory, zone)
        )

    def can_manage_members(self, territory: str, zone: str) -> bool:
        return self._covered(territory, zone, list(EDITORS))

    def can_read_governance(self, territory: str, zone: str) -> bool:
        return self.can_read_zone(territory, zone)

    def can_manage_governance(self, territory: str, zone: str) -> bool:
        return self._covered(territory, zone, list(EDITORS))

    def can_grant(self, role: Role, scope: Scope) -> bool:
        """Whether the user may give ``role`` on ``scope`` to someone."""
        for g in self._grants():
            if role not in GRANTABLE[g.role]:
                continue
            if g.scope.territory is None:
                return True
            if scope.territory != g.scope.territory:
                continue
            if g.scope.unit is None or (
                scope.unit is not None and self.covers(g.scope, scope.territory, scope.unit)
            ):
                return True
        return False

    # ----- action plans ---------------------------------------------------------------
    def can_read_plan(self, territory: str, zone: str) -> bool:
        return self.can_read_zone(territory, zone)

    def can_read_plan_figures(self, territory: str, zone: str) -> bool:
        return self.can_read_figures(territory, zone)

    def can_edit_plan(self, territory: str, zone: str) -> bool:
        return self.can_edit_records(territory, zone)

    def can_review_actual(self, territory: str, zone: str) -> bool:
        return self.can_edit_plan(territory, zone)

    def can_enter_actual(self, territory: str, zone: str, responsible: Collection[int]) -> bool:
        """Enter or submit an actual of an indicator whose action has ``responsible`` users."""
        if self.can_edit_plan(territory, zone):
            return True
        if self.principal is None or self.principal.user_id not in responsible:
            return False
        member = Access(
            Principal(
                self.principal.user_id,
                self.principal.email,
                tuple(g for g in self.principal.grants if g.role == Role.MEMBER),
            ),
            self.hierarchy,
        )
        return member.can_read_zone(territory, zone)

    def can_read_audit_log(self) -> bool:
        return self.is_admin

    def can_manage_accounts(self) -> bool:
        return self.is_admin

    # ----- analysis grid --------------------------------------------------------------------
    def _own(self, author_id: int | None) -> bool:
        return self.is_admin or (
            self.principal is not None
            and author_id is not None
            and author_id == self.principal.user_id
        )

    def can_read_grid_case(self, territory: str | None, zone: str | None) -> bool:
        if territory and zone:
            return self.can_read_zone(territory, zone)
        return self.logged_in

    def can_edit_grid_case(
        self, territory: str | None, zone: str | None, author_id: int | None
    ) -> bool:
        if territory and zone:
            return self.can_edit_records(territory, zone)
        return self._own(author_id)

    def can_create_grid_case(self, territory: str | None, zone: str | None) -> bool:
        if territory and zone:
            return self.can_edit_records(territory, zone)
        return self.logged_in

    def can_read_grid_template(self) -> bool:
        return self.logged_in

    def can_edit_grid_template(self, author_id: int | None) -> bool:
        return self._own(author_id)
