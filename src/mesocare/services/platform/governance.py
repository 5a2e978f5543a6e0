"""A zone's governance bodies (a zorgraad, a CPTS's general assembly and board) and their members,
checked against the composition rules of the body's template.

Reading needs :meth:`~.access.Access.can_read_governance`, changing
:meth:`~.access.Access.can_manage_governance`; a record of a zone one may not read answers as
absent. Every change goes through :mod:`.records` (versioned, audited). A change that would break
a composition rule (seats outside the rule's range, more members than seats, an unknown cluster)
is refused with the rule's message, naming the cluster; vacant seats are shown, not refused.
Meetings, agenda items and decisions are in :mod:`.governance_meetings`.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mesocare.errors import NotFoundError, PermissionDeniedError, ValidationError
from mesocare.i18n import _
from mesocare.organisation.governance import Organ, check_composition, kind_label, template
from mesocare.organisation.governance_records import (
    BodyCreate,
    BodyPublic,
    BodyUpdate,
    BreachPublic,
    ClusterPublic,
    MemberCreate,
    MemberPublic,
    MemberUpdate,
)
from mesocare.services.platform import records
from mesocare.services.platform.access import Access
from mesocare.services.platform.records import Ctx
from mesocare.services.platform.territories import TerritoryEntry
from mesocare.store.models import Actor
from mesocare.store.models_governance import GovernanceBody, GovernanceMember

BODY_FIELDS = ("template", "organ", "name", "seats", "zone_code")
MEMBER_FIELDS = ("body_id", "cluster", "name", "organisation", "actor_id", "since", "zone_code")


def organ_of(body: GovernanceBody) -> Organ:
    return template(body.template).organ(body.organ)


# ----- reading ---------------------------------------------------------------------------------
def require_read(access: Access, territory: str, zone: str) -> None:
    if not access.can_read_governance(territory, zone):
        raise PermissionDeniedError(
            _("you may not read the governance of zone {zone}").format(zone=zone)
        )


def require_manage(access: Access, territory: str, zone: str) -> None:
    if not access.can_manage_governance(territory, zone):
        raise PermissionDeniedError(
            _("you may not manage the governance of zone {zone}").format(zone=zone)
        )


def list_bodies(
    s: Session, entry: TerritoryEntry, zone: str, access: Access
) -> list[GovernanceBody]:
    entry.require_zone(zone)
    require_read(access, entry.id, zone)
    return list(
        s.scalars(
            select(GovernanceBody)
            .where(GovernanceBody.territory == entry.id, GovernanceBody.zone_code == zone)
            .order_by(GovernanceBody.id)
        )
    )


def get_body(s: Session, body_id: int, access: Access) -> GovernanceBody:
    b = s.get(GovernanceBody, body_id)
    if b is None or not access.can_read_governance(b.territory, b.zone_code):
        raise NotFoundError(_("no governance body {id}").format(id=body_id))
    return b


def members_of(s: Session, body_id: int) -> list[GovernanceMember]:
    return list(
        s.scalars(
            select(GovernanceMember)
            .where(GovernanceMember.body_id == body_id)
            .order_by(GovernanceMember.name, GovernanceMember.id)
        )
    )


def get_member(s: Session, member_id: int, access: Access) -> GovernanceMember:
    m = s.get(GovernanceMember, member_id)
    if m is None or not access.can_read_governance(m.territory, m.zone_code):
        raise NotFoundError(_("no body member {id}").format(id=member_id))
    return m


def member_public(m: GovernanceMember) -> MemberPublic:
    return MemberPublic.model_validate(m)


def public(s: Session, b: GovernanceBody) -> BodyPublic:
    """The body with its members and the check of its composition (in the current language)."""
    organ = organ_of(b)
    members = members_of(s, b.id)
    check = check_composition(organ, b.seats, Counter(m.cluster for m in members))
    return BodyPublic(
        id=b.id,
        territory=b.territory,
        zone_code=b.zone_code,
        template=b.template,
        organ=b.organ,
        name=b.name,
        label=kind_label(template(b.template), b.organ),
        seats={k: int(v) for k, v in b.seats.items()},
        clusters=[
            ClusterPublic(
                cluster=c.cluster,
                label=organ.cluster(c.cluster).label.get(),
                votes=organ.cluster(c.cluster).votes,
                seats=c.seats,
                members=c.members,
                min_seats=c.min_seats,
                max_seats=c.max_seats,
                vacancies=c.vacancies,
                source=c.source,
            )
            for c in check.clusters
        ],
        members=[member_public(m) for m in members],
        breaches=[BreachPublic.model_validate(x, from_attributes=True) for x in check.breaches],
        version=b.version,
        created_at=b.created_at,
        updated_at=b.updated_at,
    )


# ----- checks ----------------------------------------------------------------------------------
def _refuse_breaches(
    organ: Organ, seats: dict[str, Any], members: Counter[str], column: str
) -> None:
    breaches = check_composition(organ, seats, members).breaches
    if breaches:
        b = breaches[0]
        raise ValidationError(b.message, column=column)  # the message says found and expected


def _check_actor(s: Session, actor_id: int | None, territory: str, zone: str) -> None:
    if actor_id is None:
        return
    a = s.get(Actor, actor_id)
    if a is None or (a.territory, a.zone_code) != (territory, zone):
        raise ValidationError(
            _("not an actor of zone {zone}").format(zone=zone),
            column="actor_id",
            found=str(actor_id),
        )


# ----- changing --------------------------------------------------------------------------------
def create_body(
    s: Session, entry: TerritoryEntry, zone: str, data: BodyCreate, ctx: Ctx
) -> GovernanceBody:
    entry.require_zone(zone)
    require_manage(ctx.access, entry.id, zone)
    try:
        organ = template(data.template).organ(data.organ)
    except NotFoundError as exc:
        raise ValidationError(
            str(exc), column="template", found=f"{data.template}/{data.organ}"
        ) from None
    seats = {**organ.default_seats(), **data.seats}
    _refuse_breaches(organ, seats, Counter(), "seats")
    b = GovernanceBody(
        territory=entry.id,
        zone_code=zone,
        template=data.template,
        organ=data.organ,
        name=data.name,
        seats=seats,
    )
    return records.create(s, b, ctx, "governance_body", BODY_FIELDS)


def update_body(s: Session, body_id: int, data: BodyUpdate, ctx: Ctx) -> GovernanceBody:
    b = get_body(s, body_id, ctx.access)
    require_manage(ctx.access, b.territory, b.zone_code)
    if b.version != data.version:
        raise records.conflict(b.version)
    values: dict[str, Any] = {}
    if data.name is not None:
        values["name"] = data.name
    if data.seats is not None:
        seats = {**b.seats, **data.seats}
        members = Counter(m.cluster for m in members_of(s, b.id))
        _refuse_breaches(organ_of(b), seats, members, "seats")
        values["seats"] = seats
    return records.update(s, b, data.version, values, ctx, "governance_body", BODY_FIELDS)


def delete_body(s: Session, body_id: int, version: int, ctx: Ctx) -> None:
    b = get_body(s, body_id, ctx.access)
    require_manage(ctx.access, b.territory, b.zone_code)
    records.delete(s, b, version, ctx, "governance_body", BODY_FIELDS)


def add_member(s: Session, body_id: int, data: MemberCreate, ctx: Ctx) -> GovernanceMember:
    """Seat a member in a cluster; refused when the cluster's seats are all taken."""
    b = get_body(s, body_id, ctx.access)
    require_manage(ctx.access, b.territory, b.zone_code)
    organ = organ_of(b)
    members = Counter(m.cluster for m in members_of(s, b.id))
    members[data.cluster] += 1
    _refuse_breaches(organ, b.seats, members, "cluster")
    _check_actor(s, data.actor_id, b.territory, b.zone_code)
    m = GovernanceMember(
        territory=b.territory,
        zone_code=b.zone_code,
        body_id=b.id,
        **data.model_dump(),
    )
    return records.create(s, m, ctx, "governance_member", MEMBER_FIELDS)


def update_member(s: Session, member_id: int, data: MemberUpdate, ctx: Ctx) -> GovernanceMember:
    m = get_member(s, member_id, ctx.access)
    require_manage(ctx.access, m.territory, m.zone_code)
    if m.version != data.version:
        raise records.conflict(m.version)
    values = data.model_dump(exclude_unset=True, exclude={"version"})
    if values.get("cluster", m.cluster) != m.cluster:
        b = s.get_one(GovernanceBody, m.body_id)
        members = Counter(x.cluster for x in members_of(s, b.id) if x.id != m.id)
        members[values["cluster"]] += 1
        _refuse_breaches(organ_of(b), b.seats, members, "cluster")
    if "actor_id" in values:
        _check_actor(s, values["actor_id"], m.territory, m.zone_code)
    return records.update(s, m, data.version, values, ctx, "governance_member", MEMBER_FIELDS)


def remove_member(s: Session, member_id: int, version: int, ctx: Ctx) -> None:
    m = get_member(s, member_id, ctx.access)
    require_manage(ctx.access, m.territory, m.zone_code)
    records.delete(s, m, version, ctx, "governance_member", MEMBER_FIELDS)


__all__ = [
    "add_member",
    "create_body",
    "delete_body",
    "get_body",
    "get_member",
    "list_bodies",
    "members_of",
    "public",
    "remove_member",
    "update_body",
    "update_member",
]
