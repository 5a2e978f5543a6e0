"""Who to reach first, on the platform: a practice's target list from the territory's
population-health folder, seen only by the practice's members; a case opened from it carries the
keyed link (:mod:`.case_link`), never the person's data; counts per area suppressed.

The population folder of a territory is ``<data>/.mesocare-population/<territory>/`` (the
person tables of :mod:`mesocare.population.tables`, written by ``mesocare health synth`` or an
import); its manifest's ``reference_date`` is the run's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from mesocare.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from mesocare.i18n import _
from mesocare.organisation.cases import CaseOpen
from mesocare.population import engine as E
from mesocare.population import targets as T
from mesocare.population.codelists import load_codelists
from mesocare.population.rules import HealthParams
from mesocare.population.tables import read_manifest, table_paths
from mesocare.services.platform import audit, case_link
from mesocare.services.platform import cases as C
from mesocare.services.platform.case_access import CaseAccess
from mesocare.services.platform.records import Ctx
from mesocare.services.platform.territories import TerritoryEntry
from mesocare.store.models import User
from mesocare.store.models_cases import Case, PracticeMember

POPULATION_DIR = ".mesocare-population"


def population_dir(data_dir: Path, territory: str) -> Path:
    return data_dir / POPULATION_DIR / territory


# ----- practices and their members -------------------------------------------------------------
def practices(entry: TerritoryEntry, zone: str | None = None) -> dict[str, str]:
    """The territory's GP practices (``providers.practice_id``) → their zone."""
    prov = entry.territory.providers
    prov = prov[prov["practice_id"].notna()]
    zone_of = entry.territory.areas.set_index("area_code")["zone_code"]
    out = {
        str(pid): str(zone_of.get(area))
        for pid, area in prov.groupby("practice_id")["area_code"].first().items()
    }
    return {p: z for p, z in sorted(out.items()) if zone is None or z == zone}


def practice_zone(entry: TerritoryEntry, practice_id: str) -> str:
    z = practices(entry).get(practice_id)
    if z is None:
        raise NotFoundError(_("no practice {id}").format(id=practice_id))
    return z


def is_member(s: Session, territory: str, practice_id: str, user_id: int | None) -> bool:
    if user_id is None:
        return False
    return (
        s.scalar(
            select(PracticeMember.id).where(
                PracticeMember.territory == territory,
                PracticeMember.practice_id == practice_id,
                PracticeMember.user_id == user_id,
            )
        )
        is not None
    )


def add_member(s: Session, entry: TerritoryEntry, practice_id: str, email: str, ctx: Ctx) -> int:
    """Make a user a member of a practice (a coordinator of the practice's zone, or an admin)."""
    zone = practice_zone(entry, practice_id)
    if not ctx.access.can_manage_members(entry.id, zone):
        raise PermissionDeniedError(
            _("you may not manage the members of zone {zone}").format(zone=zone)
        )
    uid = s.scalar(select(User.id).where(User.email == email.strip().lower()))
    if uid is None:
        raise ValidationError(_("no such user"), column="email", found=email)
    if is_member(s, entry.id, practice_id, uid):
        return 0  # already one: nothing to do
    row = PracticeMember(
        territory=entry.id, practice_id=practice_id, user_id=uid, added_by=ctx.user_id
    )
    s.add(row)
    s.flush()
    audit.record(
        s,
        ctx.access.principal,
        ctx.request_id,
        "create",
        "practice_member",
        row.id,
        territory=entry.id,
        zone=zone,
        after={"practice_id": practice_id, "user_id": uid},
    )
    return row.id


def my_practices(s: Session, ctx: Ctx) -> list[tuple[str, str]]:
    if ctx.user_id is None:
        return []
    rows = s.execute(
        select(PracticeMember.territory, PracticeMember.practice_id)
        .where(PracticeMember.user_id == ctx.user_id)
        .order_by(PracticeMember.territory, PracticeMember.practice_id)
    )
    return [(t, p) for t, p in rows]


# ----- the list --------------------------------------------------------------------------------
@dataclass(frozen=True)
class TargetList:
    rule: T.TargetRule
    practice_id: str
    zone: str
    reference_date: date
    areas: list[str]
    #: person_id, area_code, overdue, out_of_range, case (whether a case is linked)
    rows: pd.DataFrame
    #: listed among eligible per area, suppressed
    counts: pd.DataFrame
    #: False when the territory has no population-health folder yet (the list is empty)
    available: bool = True


def compute(
    entry: TerritoryEntry, folder: Path, zone: str, rule: T.TargetRule, min_count: int = 5
) -> tuple[pd.DataFrame, list[str], date]:
    """Every eligible person of the zone's deprived areas (``listed``: on the list)."""
    if not (folder / "persons.parquet").exists():
        raise NotFoundError(
            _("no population-health folder for territory {territory}").format(territory=entry.id)
        )
    meta = read_manifest(folder)
    ref = date.fromisoformat(str(meta.get("reference_date")))
    params = HealthParams(reference_date=ref, min_count=min_count)
    cl = load_codelists()
    a = entry.territory.areas
    zone_areas = sorted(a.loc[a["zone_code"] == zone, "area_code"].astype(str))
    areas = T.most_deprived(entry.territory.area_attributes, zone_areas, rule.most_deprived_share)
    con = E.connect("duckdb", threads=1)
    t = E.read_tables(con, table_paths(folder))
    rows = E.fetch(T.target_persons(t, cl, params, rule, areas))
    return rows, areas, ref


def _require_member(s: Session, entry: TerritoryEntry, practice_id: str, ctx: Ctx) -> str:
    zone = practice_zone(entry, practice_id)
    if not is_member(s, entry.id, practice_id, ctx.user_id):
        raise PermissionDeniedError(_("only the members of this practice see its target list"))
    return zone


def target_list(
    s: Session,
    entry: TerritoryEntry,
    data_dir: Path,
    practice_id: str,
    ctx: Ctx,
    rule: T.TargetRule = T.DEFAULT_TARGETS[0],
) -> TargetList:
    zone = _require_member(s, entry, practice_id, ctx)
    folder = population_dir(data_dir, entry.id)
    if not (folder / "persons.parquet").exists():
        empty = pd.DataFrame(columns=["person_id", "area_code", "overdue", "out_of_range", "case"])
        return TargetList(rule, practice_id, zone, date.min, [], empty, empty, available=False)
    rows, areas, ref = compute(entry, folder, zone, rule)
    mine = rows[(rows["practice_id"] == practice_id) & rows["listed"]].copy()
    mine["person_id"] = mine["person_id"].astype(str)
    linked = set(
        s.scalars(
            select(Case.link_hash).where(Case.territory == entry.id, Case.link_hash.is_not(None))
        )
    )
    mine["case"] = [case_link.link_hash(data_dir, entry.id, p) in linked for p in mine["person_id"]]
    mine = mine.sort_values(["area_code", "person_id"], ignore_index=True)
    audit.record(
        s,
        ctx.access.principal,
        ctx.request_id,
        "read",
        "target_list",
        practice_id,
        territory=entry.id,
        zone=zone,
        after={"rule": rule.id, "listed": len(mine)},
    )
    counts = T.counts_by_area(rows[rows["practice_id"] == practice_id], min_count=5)
    return TargetList(
        rule,
        practice_id,
        zone,
        ref,
        areas,
        mine[["person_id", "area_code", "overdue", "out_of_range", "case"]],
        counts,
    )


def open_from_list(
    s: Session,
    entry: TerritoryEntry,
    data_dir: Path,
    practice_id: str,
    person_id: str,
    ctx: Ctx,
    rule: T.TargetRule = T.DEFAULT_TARGETS[0],
    *,
    code: str | None = None,
) -> Case:
    """Open a case for a person of the practice's list: it holds the keyed link and the
    practice, nothing of the person; one case per person."""
    zone = _require_member(s, entry, practice_id, ctx)
    if not CaseAccess(ctx.access).can_open_case(entry.id, zone):
        raise PermissionDeniedError(_("you may not open a case in zone {zone}").format(zone=zone))
    folder = population_dir(data_dir, entry.id)
    if not (folder / "persons.parquet").exists():
        raise ValidationError(_("not a person of this practice's list"), column="person_id")
    rows, _areas, _ref = compute(entry, folder, zone, rule)
    on_list = rows[(rows["practice_id"] == practice_id) & rows["listed"]]
    if person_id not in set(on_list["person_id"].astype(str)):
        raise ValidationError(_("not a person of this practice's list"), column="person_id")
    link = case_link.link_hash(data_dir, entry.id, person_id)
    if s.scalar(select(Case.id).where(Case.territory == entry.id, Case.link_hash == link)):
        raise ConflictError(_("a case is already open for this person: ask its coordinator"))
    return C.open_case(
        s, entry, zone, CaseOpen(code=code), ctx, link_hash=link, practice_id=practice_id
    )
