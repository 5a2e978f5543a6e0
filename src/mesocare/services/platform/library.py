"""The learning library of inspiring practices: record a practice of one's zone (outcomes taken
from the zone's diagnosis when they are Mesocare's findings), search it in any language, show a
zone weak on a maturity dimension the zones strong on it and their practices, and adopt a
practice into one's own plan as draft actions (the practice records who adopted it).

Who: every user with a role in the territory reads the library (it is there to be shared across
zones); who edits a zone's records records and edits that zone's practices; who edits a plan
adopts into it.

Full-text search is one function on two backends: SQLite's FTS5 table ``practices_fts`` (the
``unicode61`` tokenizer without diacritics: "diabète" finds "diabete") and PostgreSQL's
``to_tsvector('simple', …)`` (lower case, no stemming, accents kept), both over
``practices.search_text``: every field and the themes' labels in nl, fr and en.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from mesocare.errors import NotFoundError, PermissionDeniedError, ValidationError
from mesocare.i18n import _
from mesocare.organisation.library import (
    AdoptIn,
    Adoption,
    Outcome,
    PracticeCreate,
    PracticePublic,
    vocabulary,
)
from mesocare.organisation.maturity import load_shipped
from mesocare.organisation.plans import ActionStatus, ItemCreate, Level
from mesocare.services.platform import maturity_view, plans, records
from mesocare.services.platform.access import Access
from mesocare.services.platform.records import Ctx
from mesocare.services.platform.territories import TerritoryEntry
from mesocare.store.models import User
from mesocare.store.models_learning import Practice, PracticeAdoption

PRACTICE_FIELDS = (
    "title",
    "themes",
    "dimensions",
    "target_group",
    "actors_resources",
    "what_was_done",
    "status",
    "outcomes",
    "lessons",
    "contacts",
    "self_assessment",
)
ADOPTION_FIELDS = ("practice_id", "plan_id", "item_ids", "adopted_by")
WORD = re.compile(r"\w+", re.UNICODE)


def search_text(data: PracticeCreate) -> str:
    v = vocabulary()
    themes = [
        t.label.get(lang) for t in v.themes if t.key in data.themes for lang in ("nl", "fr", "en")
    ]
    parts = [
        data.title,
        data.target_group,
        data.actors_resources,
        data.what_was_done,
        data.lessons,
        data.contacts,
        *themes,
        *(o.indicator for o in data.outcomes),
    ]
    return "\n".join(p for p in parts if p)


def outcome_from_diagnosis(
    entry: TerritoryEntry,
    zone: str,
    indicator_id: str,
    *,
    before: float | None,
    before_year: int | None,
) -> Outcome:
    """An outcome whose "after" is the zone's current finding of ``indicator_id``."""
    d = entry.diagnosis(zone)
    f = None
    if d is not None:
        f = next(
            (x for t in d.themes.present() for x in t.findings if x.indicator_id == indicator_id),
            None,
        )
    if f is None:
        raise ValidationError(
            _("no such finding in the zone's diagnosis"), column="indicator_id", found=indicator_id
        )
    return Outcome(
        indicator=indicator_id,
        indicator_id=indicator_id,
        before=before,
        after=f.value,
        unit=f.unit,
        before_year=before_year,
        after_year=f.reference_year,
        source=_("Mesocare zone diagnosis, {year}").format(year=f.reference_year),
    )


def finding_choices(entry: TerritoryEntry, zone: str) -> list[tuple[str, str]]:
    """(indicator id, label in the current language) of the zone's findings with a value: the
    indicators an outcome may take its "after" from (empty while the diagnosis is computed)."""
    d = entry.diagnosis(zone)
    if d is None:
        return []
    labels = {x.id: x.label for x in d.definitions}
    seen: dict[str, str] = {}
    for t in d.themes.present():
        for f in t.findings:
            if f.value is not None and f.indicator_id not in seen:
                seen[f.indicator_id] = _(labels.get(f.indicator_id, f.indicator_id))
    return sorted(seen.items(), key=lambda kv: kv[1])


def _filled(entry: TerritoryEntry, zone: str, data: PracticeCreate) -> PracticeCreate:
    """Outcomes naming a finding without an "after": the after from the diagnosis."""
    out = []
    for o in data.outcomes:
        if o.indicator_id and o.after is None:
            got = outcome_from_diagnosis(
                entry, zone, o.indicator_id, before=o.before, before_year=o.before_year
            )
            o = got.model_copy(update={"indicator": o.indicator or got.indicator})
        out.append(o)
    known = {d.key for d in load_shipped("mesocare-integration").dimensions}
    for k in data.dimensions:
        if k not in known:
            raise ValidationError(_("not a maturity dimension"), column="dimensions", found=k)
    return data.model_copy(update={"outcomes": out})


def _values(data: PracticeCreate) -> dict[str, Any]:
    d = data.model_dump(mode="json")
    return {k: d[k] for k in PRACTICE_FIELDS} | {"search_text": search_text(data)}


# ----- reading ---------------------------------------------------------------------------------
def _require_reader(entry: TerritoryEntry, access: Access) -> None:
    if not access.can_read_territory(entry.id):
        raise PermissionDeniedError(_("you have no role in this territory"))


def public(s: Session, p: Practice) -> PracticePublic:
    rows = s.execute(
        select(PracticeAdoption, User.email)
        .join(User, User.id == PracticeAdoption.adopted_by, isouter=True)
        .where(PracticeAdoption.practice_id == p.id)
        .order_by(PracticeAdoption.id)
    ).all()
    return PracticePublic(
        id=p.id,
        territory=p.territory,
        zone_code=p.zone_code,
        version=p.version,
        **{k: getattr(p, k) for k in PRACTICE_FIELDS},
        adoptions=[
            Adoption(
                zone_code=a.zone_code, plan_id=a.plan_id, item_ids=a.item_ids, adopted_by=email
            )
            for a, email in rows
        ],
    )


def get_practice(s: Session, practice_id: int, access: Access) -> Practice:
    p = s.get(Practice, practice_id)
    if p is None or not access.can_read_territory(p.territory):
        raise NotFoundError(_("no practice {id}").format(id=practice_id))
    return p


def list_practices(
    s: Session,
    entry: TerritoryEntry,
    access: Access,
    *,
    zone: str | None = None,
    theme: str | None = None,
    dimension: str | None = None,
) -> list[Practice]:
    _require_reader(entry, access)
    q = select(Practice).where(Practice.territory == entry.id)
    if zone:
        q = q.where(Practice.zone_code == zone)
    rows = list(s.scalars(q.order_by(Practice.title, Practice.id)))
    if theme:
        rows = [p for p in rows if theme in p.themes]
    if dimension:
        rows = [p for p in rows if dimension in p.dimensions]
    return rows


def search(s: Session, entry: TerritoryEntry, access: Access, query: str) -> list[Practice]:
    """Practices with every word of ``query`` (any language), best match first on SQLite."""
    _require_reader(entry, access)
    words = WORD.findall(query.lower())[:20]
    if not words:
        return []
    if s.get_bind().dialect.name == "sqlite":
        match = " ".join('"' + w.replace('"', "") + '"' for w in words)
        ids = [
            r[0]
            for r in s.execute(
                text("SELECT rowid FROM practices_fts WHERE practices_fts MATCH :q ORDER BY rank"),
                {"q": match},
            )
        ]
    else:
        ids = [
            r[0]
            for r in s.execute(
                text(
                    "SELECT id FROM practices WHERE to_tsvector('simple', search_text) @@ "
                    "plainto_tsquery('simple', :q) ORDER BY ts_rank(to_tsvector('simple', "
                    "search_text), plainto_tsquery('simple', :q)) DESC, id"
                ),
                {"q": " ".join(words)},
            )
        ]
    rows = {p.id: p for p in s.scalars(select(Practice).where(Practice.id.in_(ids)))}
    return [rows[i] for i in ids if i in rows and rows[i].territory == entry.id]


# ----- changing --------------------------------------------------------------------------------
def create_practice(
    s: Session, entry: TerritoryEntry, zone: str, data: PracticeCreate, ctx: Ctx
) -> Practice:
    entry.require_zone(zone)
    if not ctx.access.can_edit_records(entry.id, zone):
        raise PermissionDeniedError(
            _("you may not edit the records of zone {zone}").format(zone=zone)
        )
    p = Practice(territory=entry.id, zone_code=zone, **_values(_filled(entry, zone, data)))
    return records.create(s, p, ctx, "practice", PRACTICE_FIELDS)


def update_practice(
    s: Session,
    entry: TerritoryEntry,
    practice_id: int,
    version: int,
    data: PracticeCreate,
    ctx: Ctx,
) -> Practice:
    p = get_practice(s, practice_id, ctx.access)
    if not ctx.access.can_edit_records(p.territory, p.zone_code):
        raise PermissionDeniedError(_("you may not edit this practice"))
    values = _values(_filled(entry, p.zone_code, data))
    return records.update(s, p, version, values, ctx, "practice", PRACTICE_FIELDS)


def adopt(s: Session, practice_id: int, data: AdoptIn, ctx: Ctx, lang: str) -> PracticeAdoption:
    """Draft actions in a plan of the adopter's zone: under ``parent_id`` (an operational
    objective of that plan) or under a new strategic and operational objective named after the
    practice; one action per line of ``actions`` (none: "Adapt and try out: <title>")."""
    p = get_practice(s, practice_id, ctx.access)
    plan = plans.get_plan(s, data.plan_id, ctx.access)
    if not ctx.access.can_edit_plan(plan.territory, plan.zone_code):
        raise PermissionDeniedError(_("you may not edit plan {id}").format(id=plan.id))
    if plan.territory != p.territory:
        raise ValidationError(_("the plan is of another territory"), column="plan_id")
    source = _('Adopted from the practice "{title}" of zone {zone}.').format(
        title=p.title, zone=p.zone_code
    )
    parent_id = data.parent_id
    made: list[int] = []
    if parent_id is None:
        top = plans.add_item(
            s,
            plan.id,
            ItemCreate(
                level=Level.STRATEGIC,
                title=_("Adopt: {title}").format(title=p.title)[:300],
                description=source,
            ),
            ctx,
        )
        op = plans.add_item(
            s,
            plan.id,
            ItemCreate(
                level=Level.OPERATIONAL, parent_id=top.id, title=p.title, description=source
            ),
            ctx,
        )
        parent_id = op.id
        made += [top.id, op.id]
    titles = data.actions or [_("Adapt and try out: {title}").format(title=p.title)[:300]]
    for t in titles:
        made.append(
            plans.add_item(
                s,
                plan.id,
                ItemCreate(
                    level=Level.ACTION,
                    parent_id=parent_id,
                    title=t[:300],
                    description=source,
                    status=ActionStatus.PLANNED,
                ),
                ctx,
            ).id
        )
    a = PracticeAdoption(
        territory=plan.territory,
        zone_code=plan.zone_code,
        practice_id=p.id,
        plan_id=plan.id,
        item_ids=made,
        adopted_by=ctx.user_id,
    )
    return records.create(s, a, ctx, "practice_adoption", ADOPTION_FIELDS)


# ----- strengths and weaknesses ----------------------------------------------------------------
def suggestions(
    s: Session, entry: TerritoryEntry, zone: str, access: Access
) -> dict[str, list[tuple[str, list[Practice]]]]:
    """For each dimension the zone is weak on (its latest assessment): the zones strong on it
    with their practices on that dimension. Shared like the library with every user of the
    territory: only *that* a zone is strong on a dimension, never its scores (those stay with
    the zone's readers: :func:`.maturity_view.compare_zones`)."""
    entry.require_zone(zone)
    if not access.can_read_zone(entry.id, zone):
        raise PermissionDeniedError(_("you may not read zone {zone}").format(zone=zone))
    profiles = maturity_view.profiles(s, entry)
    mine = profiles.get(zone)
    if mine is None:
        return {}
    out: dict[str, list[tuple[str, list[Practice]]]] = {}
    for dim in mine.weaknesses:
        strong = [z for z, pr in sorted(profiles.items()) if z != zone and dim in pr.strengths]
        out[dim] = [(z, list_practices(s, entry, access, zone=z, dimension=dim)) for z in strong]
    return out
