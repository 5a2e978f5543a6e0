"""Care and welfare actors of a zone: list, create, edit, delete, import and export as CSV.

Every change is checked against the user's :class:`~.access.Access`, writes an audit row in its
own transaction and carries a version: an edit made on an older version is a
:class:`~mesocare.errors.ConflictError`, never a silent overwrite (a conditional ``UPDATE … WHERE
version = v``, atomic on SQLite and PostgreSQL alike). A CSV import is every row or none; its error
names every bad row.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from pydantic import ValidationError as PydanticError
from pyproj import Transformer
from sqlalchemy import func, insert, or_, select
from sqlalchemy.orm import Session

from mesocare.errors import (
    MesocareError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from mesocare.i18n import _
from mesocare.organisation.actors import (
    ActorCreate,
    ActorPublic,
    ActorUpdate,
    Sector,
    Source,
    sector_of,
)
from mesocare.services.platform import audit, records
from mesocare.services.platform.access import Access
from mesocare.services.platform.records import Ctx
from mesocare.services.platform.territories import TerritoryEntry
from mesocare.store.models import Actor, AuditRow, SeededTerritory, User
from mesocare.territory.schema import Discipline

#: the fields of a record its audit rows keep
AUDITED = (
    "name",
    "organisation",
    "sector",
    "discipline",
    "address",
    "latitude",
    "longitude",
    "area_code",
    "network_code",
    "contact",
    "assignee_id",
    "zone_code",
)


def snapshot(a: Actor) -> dict[str, Any]:
    return records.snapshot(a, AUDITED)


def public(a: Actor) -> ActorPublic:
    return ActorPublic(
        id=a.id,
        territory=a.territory,
        zone_code=a.zone_code,
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
        assignee=a.assignee.email if a.assignee else None,
        source=Source(a.source),
        provider_id=a.provider_id,
        version=a.version,
        created_at=a.created_at,
        created_by=a.creator.email if a.creator else None,
        updated_at=a.updated_at,
        updated_by=a.updater.email if a.updater else None,
    )


# ----- reading ---------------------------------------------------------------------------------
def list_actors(
    s: Session,
    entry: TerritoryEntry,
    zone: str,
    access: Access,
    *,
    q: str | None = None,
    network: str | None = None,
    sector: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[ActorPublic], int]:
    """One page of the zone's actors (by name), and how many match."""
    entry.require_zone(zone)
    if not access.can_read_zone(entry.id, zone):
        raise PermissionDeniedError(_("you may not read zone {zone}").format(zone=zone))
    where = [Actor.territory == entry.id, Actor.zone_code == zone]
    if q:
        like = f"%{q.strip().lower()}%"
        where.append(
            or_(func.lower(Actor.name).like(like), func.lower(Actor.organisation).like(like))
        )
    if network:
        where.append(Actor.network_code == network)
    if sector:
        where.append(Actor.sector == sector)
    total = s.scalar(select(func.count()).select_from(Actor).where(*where)) or 0
    rows = s.scalars(
        select(Actor).where(*where).order_by(Actor.name, Actor.id).offset(offset).limit(limit)
    )
    return [public(a) for a in rows], int(total)


def get_actor(s: Session, actor_id: int, access: Access) -> Actor:
    a = s.get(Actor, actor_id)
    if a is None or not access.can_read_zone(a.territory, a.zone_code):
        # the same answer for "absent" and "not yours": no probing of other zones' ids
        raise NotFoundError(_("no actor {id}").format(id=actor_id))
    return a


def history(s: Session, actor_id: int, access: Access) -> list[audit.AuditEntry]:
    get_actor(s, actor_id, access)
    return audit.history(s, "actor", actor_id)


def zone_history(s: Session, entry: TerritoryEntry, zone: str, access: Access, limit: int = 100):
    """The latest changes of the zone's records."""
    if not access.can_read_zone(entry.id, zone):
        raise PermissionDeniedError(_("you may not read zone {zone}").format(zone=zone))
    rows = s.scalars(
        select(AuditRow)
        .where(AuditRow.territory == entry.id, AuditRow.zone_code == zone)
        .order_by(AuditRow.id.desc())
        .limit(limit)
    )
    return [audit.AuditEntry.model_validate(r, from_attributes=True) for r in rows]


# ----- checks ----------------------------------------------------------------------------------
def _user_id(s: Session, email: str | None) -> int | None:
    if email is None:
        return None
    uid = s.scalar(select(User.id).where(User.email == email))
    if uid is None:
        raise ValidationError(_("no such user"), column="assignee", found=email)
    return uid


def _check_place(entry: TerritoryEntry, zone: str, network: str | None, area: str | None) -> None:
    if network is not None and network not in entry.networks_by_zone.get(zone, []):
        raise ValidationError(
            _("not a vicinity network of zone {zone}").format(zone=zone),
            column="network",
            found=network,
            expected=", ".join(entry.networks_by_zone.get(zone, [])) or _("no network"),
        )
    if area is not None and area not in zone_areas(entry, zone):
        raise ValidationError(
            _("not an area of zone {zone}").format(zone=zone), column="area", found=area
        )


def zone_areas(entry: TerritoryEntry, zone: str) -> set[str]:
    a = entry.territory.areas
    return set(a.loc[a["zone_code"] == zone, "area_code"].astype(str))


def area_at(entry: TerritoryEntry, lon: float, lat: float) -> str | None:
    """The territory's area at a point (WGS84), or None outside every area."""
    areas = entry.territory.areas
    x, y = Transformer.from_crs("EPSG:4326", areas.crs, always_xy=True).transform(lon, lat)
    pt = gpd.points_from_xy([x], [y], crs=areas.crs)[0]
    hits = areas.sindex.query(pt, predicate="intersects")
    return str(areas["area_code"].iloc[int(hits[0])]) if len(hits) else None


def _require_edit(access: Access, entry: TerritoryEntry, zone: str, network: str | None) -> None:
    if not access.can_edit_records(entry.id, zone, network):
        raise PermissionDeniedError(
            _("you may not edit the records of zone {zone}").format(zone=zone)
        )


# ----- changing --------------------------------------------------------------------------------
def _values(entry: TerritoryEntry, zone: str, data: ActorCreate) -> dict[str, Any]:
    area = data.area_code
    if area is None and data.latitude is not None and data.longitude is not None:
        area = area_at(entry, data.longitude, data.latitude)
    _check_place(entry, zone, data.network_code, data.area_code)
    return {
        "name": data.name,
        "organisation": data.organisation or None,
        "sector": (data.sector or sector_of(data.discipline)).value,
        "discipline": data.discipline.value,
        "address": data.address or None,
        "latitude": data.latitude,
        "longitude": data.longitude,
        "area_code": area,
        "network_code": data.network_code or None,
        "contact": data.contact or None,
    }


def create_actor(
    s: Session,
    entry: TerritoryEntry,
    zone: str,
    data: ActorCreate,
    ctx: Ctx,
    *,
    source: Source = Source.MANUAL,
) -> Actor:
    entry.require_zone(zone)
    values = _values(entry, zone, data)  # names a network or area not of the zone
    _require_edit(ctx.access, entry, zone, data.network_code)
    a = Actor(
        territory=entry.id,
        zone_code=zone,
        **values,
        assignee_id=_user_id(s, data.assignee),
        source=source.value,
    )
    records.create(s, a, ctx, "actor", AUDITED)
    return a


def _merged(values: dict[str, Any]) -> ActorCreate:
    """The record after an edit, checked as a whole (e.g. an edit that clears the address of an
    actor without coordinates is refused, naming the field)."""
    try:
        return ActorCreate.model_validate(values)
    except PydanticError as exc:
        e = exc.errors()[0]
        field = ".".join(str(x) for x in e["loc"]) or None
        raise ValidationError(
            str(e["msg"]).removeprefix("Value error, "),
            column=_column_name(field) if field else None,
        ) from None


def update_actor(
    s: Session, entry: TerritoryEntry, actor_id: int, data: ActorUpdate, ctx: Ctx
) -> Actor:
    """Apply an edit made on ``data.version``; a newer version in the database is a conflict."""
    a = get_actor(s, actor_id, ctx.access)
    if not ctx.access.can_edit_actor(a.territory, a.zone_code, a.network_code, a.assignee_id):
        raise PermissionDeniedError(_("you may not edit actor {id}").format(id=actor_id))
    if a.version != data.version:
        raise records.conflict(a.version)
    given = data.model_dump(exclude_unset=True, exclude={"version"})
    if "latitude" in given or "longitude" in given:  # coordinates change as a pair
        given.setdefault("latitude", None)
        given.setdefault("longitude", None)
    before = snapshot(a)
    merged = _merged(
        {
            **{
                k: before[k]
                for k in (
                    "name",
                    "organisation",
                    "sector",
                    "discipline",
                    "address",
                    "latitude",
                    "longitude",
                    "network_code",
                    "contact",
                )
            },
            "area_code": None if "latitude" in given else before["area_code"],
            **{k: v for k, v in given.items() if k != "assignee"},
        }
    )
    values = _values(entry, a.zone_code, merged)
    if values["network_code"] != a.network_code:
        _require_edit(ctx.access, entry, a.zone_code, values["network_code"])
    if "assignee" in given:
        if not ctx.access.can_edit_records(entry.id, a.zone_code, a.network_code):
            raise PermissionDeniedError(_("only a coordinator assigns records"))
        values["assignee_id"] = _user_id(s, given["assignee"])
    return records.update(s, a, data.version, values, ctx, "actor", AUDITED)


def delete_actor(s: Session, actor_id: int, version: int, ctx: Ctx) -> None:
    a = get_actor(s, actor_id, ctx.access)
    if not ctx.access.can_edit_records(a.territory, a.zone_code, a.network_code):
        raise PermissionDeniedError(_("you may not delete actor {id}").format(id=actor_id))
    records.delete(s, a, version, ctx, "actor", AUDITED)


# ----- the territory's providers ---------------------------------------------------------------
def seed_from_territory(s: Session, entry: TerritoryEntry, request_id: str = "seed") -> int:
    """Copy the territory's providers into the actors once (new ones when the content changes)."""
    row = s.get(SeededTerritory, entry.id)
    if row is not None and row.digest == entry.digest:
        return 0
    t = entry.territory
    known = set(
        s.scalars(
            select(Actor.provider_id).where(
                Actor.territory == entry.id, Actor.provider_id.is_not(None)
            )
        )
    )
    p = t.providers.loc[~t.providers["provider_id"].astype(str).isin(known)]
    if len(p):
        areas = t.areas.set_index("area_code")
        zone = p["area_code"].map(areas["zone_code"])
        network = p["area_code"].map(areas["network_code"])
        lon, lat = Transformer.from_crs(t.areas.crs, "EPSG:4326", always_xy=True).transform(
            p["x"].to_numpy(float), p["y"].to_numpy(float)
        )
        now = records.now()
        disciplines = p["discipline"].astype(str)
        rows = [
            {
                "territory": entry.id,
                "zone_code": str(z),
                "network_code": None if pd.isna(n) else str(n),
                "area_code": str(ac),
                "name": str(nm),
                "organisation": None if pd.isna(pr) else str(pr),
                "sector": sector_of(Discipline(d)).value,
                "discipline": d,
                "address": None,
                "latitude": round(float(la), 6),
                "longitude": round(float(lo), 6),
                "contact": None,
                "source": Source.TERRITORY.value,
                "provider_id": str(pid),
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
            for pid, nm, pr, ac, d, z, n, lo, la in zip(
                p["provider_id"],
                p["name"],
                p["practice_id"],
                p["area_code"],
                disciplines,
                zone,
                network,
                np.asarray(lon),
                np.asarray(lat),
                strict=True,
            )
        ]
        s.execute(insert(Actor), rows)
    audit.record(
        s,
        None,
        request_id,
        "import",
        "territory",
        entry.id,
        territory=entry.id,
        note=f"{len(p)} actors from the territory's providers",
        after={"digest": entry.digest, "actors": int(len(p))},
    )
    if row is None:
        s.add(SeededTerritory(territory=entry.id, digest=entry.digest))
    else:
        row.digest = entry.digest
    return int(len(p))


def _column_name(field: str) -> str:
    return {"network_code": "network", "area_code": "area"}.get(field, field)


__all__ = [
    "Ctx",
    "MesocareError",
    "create_actor",
    "delete_actor",
    "get_actor",
    "history",
    "list_actors",
    "public",
    "seed_from_territory",
    "update_actor",
]
