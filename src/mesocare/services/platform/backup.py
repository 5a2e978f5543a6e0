"""A zone's records as one JSON document, and back: the actors (with their ids, versions, who and
when), the roles held in the zone and by whom. Importing an export restores the zone's records
exactly (``export → import → export`` gives the same document), in one transaction.

Users are referred to by e-mail; one missing from the database is created **disabled**, without a
usable password (an administrator enables it and sets a password): passwords never leave the
database. The import writes one audit row.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from mesocare import __version__
from mesocare.atomic import json_text
from mesocare.errors import ValidationError
from mesocare.i18n import _
from mesocare.organisation.actors import Sector, Source
from mesocare.organisation.roles import Role
from mesocare.services.platform import audit
from mesocare.services.platform.accounts import _hasher
from mesocare.services.platform.territories import TerritoryEntry
from mesocare.store.models import Actor, RoleGrant, User
from mesocare.territory.schema import Discipline

FORMAT = "mesocare-zone-records/1"


class ActorRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int
    network_code: str | None
    area_code: str | None
    name: str = Field(min_length=1, max_length=200)
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
    version: int = Field(ge=1)
    created_at: datetime
    created_by: str | None
    updated_at: datetime
    updated_by: str | None


class GrantRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str
    display_name: str | None
    role: Role
    unit: str


class ZoneRecords(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: str = FORMAT
    territory: str
    zone: str
    actors: list[ActorRecord]
    grants: list[GrantRecord]


def _email(u: User | None) -> str | None:
    return u.email if u else None


def export_zone(s: Session, entry: TerritoryEntry, zone: str) -> ZoneRecords:
    entry.require_zone(zone)
    actors = s.scalars(
        select(Actor).where(Actor.territory == entry.id, Actor.zone_code == zone).order_by(Actor.id)
    )
    units = [zone, *entry.networks_by_zone.get(zone, [])]
    grants = s.execute(
        select(RoleGrant, User)
        .join(User, RoleGrant.user_id == User.id)
        .where(RoleGrant.territory == entry.id, RoleGrant.unit.in_(units))
        .order_by(User.email, RoleGrant.role, RoleGrant.unit)
    ).tuples()
    return ZoneRecords(
        territory=entry.id,
        zone=zone,
        actors=[
            ActorRecord(
                id=a.id,
                network_code=a.network_code,
                area_code=a.area_code,
                name=a.name,
                organisation=a.organisation,
                sector=Sector(a.sector),
                discipline=Discipline(a.discipline),
                address=a.address,
                latitude=a.latitude,
                longitude=a.longitude,
                contact=a.contact,
                assignee=_email(a.assignee),
                source=Source(a.source),
                provider_id=a.provider_id,
                version=a.version,
                created_at=a.created_at,
                created_by=_email(a.creator),
                updated_at=a.updated_at,
                updated_by=_email(a.updater),
            )
            for a in actors
        ],
        grants=[
            GrantRecord(
                email=u.email, display_name=u.display_name, role=Role(g.role), unit=g.unit or ""
            )
            for g, u in grants
        ],
    )


def dumps(records: ZoneRecords) -> str:
    return json_text(records.model_dump(mode="json"), indent=1) + "\n"


def loads(text: str, *, file: str) -> ZoneRecords:
    try:
        return ZoneRecords.model_validate_json(text)
    except PydanticError as exc:
        e = exc.errors()[0]
        where = ".".join(str(x) for x in e["loc"])
        raise ValidationError(
            _("not an export of a zone's records"), file=file, column=where, expected=e["msg"]
        ) from None


def import_zone(
    s: Session, entry: TerritoryEntry, records: ZoneRecords, *, request_id: str, file: str
) -> int:
    """Replace the zone's actors and roles by those of ``records``; the number of actors."""
    if records.format != FORMAT:
        raise ValidationError(_("unknown format"), file=file, column="format", found=records.format)
    if records.territory != entry.id:
        raise ValidationError(
            _("the export is of another territory"),
            file=file,
            column="territory",
            found=records.territory,
            expected=entry.id,
        )
    zone = entry.require_zone(records.zone)
    units = {zone, *entry.networks_by_zone.get(zone, [])}
    for i, a in enumerate(records.actors):
        if a.network_code is not None and a.network_code not in units - {zone}:
            raise ValidationError(
                _("not a vicinity network of zone {zone}").format(zone=zone),
                file=file,
                column=f"actors[{i}].network_code",
                found=a.network_code,
            )
    ids = [a.id for a in records.actors]
    taken = set(
        s.scalars(
            select(Actor.id).where(
                Actor.id.in_(ids), (Actor.territory != entry.id) | (Actor.zone_code != zone)
            )
        )
    )
    if taken:
        raise ValidationError(
            _("actor ids already used by another zone"),
            file=file,
            column="actors.id",
            found=sorted(taken)[:5],
        )
    users: dict[str, int] = {}

    def user(email: str | None, name: str | None = None) -> int | None:
        if email is None:
            return None
        if email not in users:
            u = s.scalar(select(User).where(User.email == email))
            if u is None:
                u = User(
                    email=email,
                    display_name=name,
                    disabled=True,
                    password_hash=_hasher.hash(secrets.token_urlsafe(32)),
                )
                s.add(u)
                s.flush()
            users[email] = u.id
        return users[email]

    s.execute(delete(Actor).where(Actor.territory == entry.id, Actor.zone_code == zone))
    s.execute(delete(RoleGrant).where(RoleGrant.territory == entry.id, RoleGrant.unit.in_(units)))
    for a in records.actors:
        row: dict[str, Any] = a.model_dump(exclude={"assignee", "created_by", "updated_by"})
        row["sector"] = a.sector.value
        row["discipline"] = a.discipline.value
        row["source"] = a.source.value
        s.add(
            Actor(
                **row,
                territory=entry.id,
                zone_code=zone,
                assignee_id=user(a.assignee),
                created_by=user(a.created_by),
                updated_by=user(a.updated_by),
            )
        )
    for g in records.grants:
        if g.unit not in units:
            raise ValidationError(
                _("not a unit of zone {zone}").format(zone=zone),
                file=file,
                column="grants.unit",
                found=g.unit,
            )
        s.add(
            RoleGrant(
                user_id=user(g.email, g.display_name),
                role=g.role.value,
                territory=entry.id,
                unit=g.unit,
            )
        )
    s.flush()
    audit.record(
        s,
        None,
        request_id,
        "import",
        "zone",
        zone,
        territory=entry.id,
        zone=zone,
        note=f"restored {len(records.actors)} actors and {len(records.grants)} roles "
        f"(mesocare {__version__})",
    )
    return len(records.actors)
