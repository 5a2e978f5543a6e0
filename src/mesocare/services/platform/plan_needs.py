"""A zone's needs and resources, for its action plan.

**Needs** are drafted from the zone's :class:`~mesocare.services.diagnosis.ZoneDiagnosis`: every
indicator significantly worse than the region (once, whichever themes show it; a population-health
care gap is a ``care_gap`` need), every unit in GP shortage (the Flemish rule or the APL), and low
access (areas under the APL threshold). Each keeps a frozen :class:`Snapshot` of what was seen
(value, interval, comparator, date), so the plan still shows it when the figures change.

**Resources** are the zone's actors by sector and discipline, and what is missing against norms
the user sets (per 100,000 inhabitants; by default GPs under 65 against the shortage rule).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mesocare.errors import NotFoundError, PermissionDeniedError, ValidationError
from mesocare.i18n import _
from mesocare.organisation.plans import NeedCreate, NeedKind, Snapshot
from mesocare.services.diagnosis import ZoneDiagnosis
from mesocare.services.diagnosis.model import Finding
from mesocare.services.platform import plans as P
from mesocare.services.platform.records import Ctx
from mesocare.services.platform.territories import TerritoryEntry
from mesocare.store.models import Actor
from mesocare.store.models_plans import PlanNeed


@dataclass(frozen=True)
class DraftNeed:
    kind: NeedKind
    title: str
    source: str
    snapshot: Snapshot


def _label(d: ZoneDiagnosis, indicator_id: str) -> str:
    found = next((x.label for x in d.definitions if x.id == indicator_id), indicator_id)
    return _(found)


def _r(x: float | None) -> float | None:
    """A figure as the snapshot keeps it: 12 significant digits (what a workbook keeps too)."""
    return None if x is None else float(f"{x:.12g}")


def _snap(f: Finding, taken_on: dt.date) -> Snapshot:
    return Snapshot(
        indicator_id=f.indicator_id,
        unit_code=f.unit_code,
        value=_r(f.value),
        unit=f.unit,
        lower=_r(f.lower),
        upper=_r(f.upper),
        comparator="region",
        comparator_value=_r(f.region_value),
        significance=f.significance,
        polarity=f.polarity,
        reference_year=f.reference_year,
        source=f.source,
        taken_on=taken_on,
    )


def worse_findings(d: ZoneDiagnosis) -> list[tuple[str, Finding]]:
    """Each indicator the diagnosis marks significantly worse than the region, once (theme id,
    finding), in the order the themes show them."""
    seen: set[str] = set()
    out: list[tuple[str, Finding]] = []
    for theme in d.themes.present():
        for f in theme.findings:
            if f.significance == "worse" and f.indicator_id not in seen:
                seen.add(f.indicator_id)
                out.append((theme.id, f))
    return out


def draft_needs(d: ZoneDiagnosis, taken_on: dt.date) -> list[DraftNeed]:
    out = [
        DraftNeed(
            NeedKind.CARE_GAP if theme == "population_health" else NeedKind.FINDING,
            _("{indicator}: worse than the region").format(indicator=_label(d, f.indicator_id)),
            _("zone diagnosis, {year}").format(year=f.reference_year),
            _snap(f, taken_on),
        )
        for theme, f in worse_findings(d)
    ]
    sh = d.themes.shortage
    if sh is not None:
        for row in sh.rows:
            if not (row.rule_shortage or row.apl_shortage):
                continue
            out.append(
                DraftNeed(
                    NeedKind.SHORTAGE,
                    _("GP shortage in {unit}").format(unit=f"{row.unit.name} ({row.unit.code})"),
                    _("zone diagnosis, {year}").format(year=d.reference_year),
                    Snapshot(
                        indicator_id="gp_under65_per_100k",
                        unit_code=row.unit.code,
                        value=_r(row.gp_under65_per_100k),
                        unit="per 100,000 inhabitants",
                        comparator="shortage threshold",
                        comparator_value=sh.rule.gp_per_100k_below,
                        significance="shortage",
                        polarity="higher_is_better",
                        reference_year=d.reference_year,
                        source=row.rule_reason,
                        taken_on=taken_on,
                    ),
                )
            )
    ac = d.themes.accessibility
    if ac is not None and ac.areas_in_shortage > 0:
        out.append(
            DraftNeed(
                NeedKind.ACCESS,
                _("Low access to GPs in {n} of {total} areas").format(
                    n=ac.areas_in_shortage, total=ac.areas_total
                ),
                _("zone diagnosis, {year}").format(year=d.reference_year),
                Snapshot(
                    indicator_id="share_in_apl_shortage",
                    unit_code=d.zone.code,
                    value=round(100 * ac.share_in_shortage, 3),
                    unit="% of inhabitants",
                    comparator="APL threshold",
                    comparator_value=ac.threshold,
                    significance="low_access",
                    polarity="lower_is_better",
                    reference_year=d.reference_year,
                    source=ac.method,
                    taken_on=taken_on,
                ),
            )
        )
    return out


def draft_from_diagnosis(
    s: Session, entry: TerritoryEntry, plan_id: int, ctx: Ctx, *, today: dt.date | None = None
) -> list[PlanNeed]:
    """Add the needs the zone's diagnosis shows to the plan (with their frozen snapshots)."""
    p = P.get_plan(s, plan_id, ctx.access)
    d = entry.diagnosis(p.zone_code)
    if d is None:
        raise NotFoundError(_("the zone's diagnosis is not ready yet; try again in a minute"))
    taken = today or dt.date.today()
    return [
        P.add_need(
            s,
            p.id,
            NeedCreate(title=n.title[:300], source=n.source[:300]),
            ctx,
            kind=n.kind,
            snapshot=n.snapshot.model_dump(mode="json"),
        )
        for n in draft_needs(d, taken)
    ]


# ----- resources -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Norm:
    """At least ``per_100k`` of ``what`` per 100,000 inhabitants (a discipline, or
    ``gp_under65``: GPs under 65, from the diagnosis)."""

    what: str
    per_100k: float


@dataclass(frozen=True)
class Resource:
    sector: str
    discipline: str
    actors: int


@dataclass(frozen=True)
class Gap:
    what: str
    per_100k: float
    available: int
    needed: int

    @property
    def missing(self) -> int:
        return max(0, self.needed - self.available)


def default_norms(d: ZoneDiagnosis | None) -> list[Norm]:
    sh = d.themes.shortage if d else None
    return [Norm("gp_under65", sh.rule.gp_per_100k_below if sh else 90.0)]


def resources(
    s: Session,
    entry: TerritoryEntry,
    zone: str,
    access: object,
    norms: list[Norm] | None = None,
) -> tuple[list[Resource], list[Gap]]:
    """The zone's actors by sector and discipline, and what is missing against ``norms``."""
    entry.require_zone(zone)
    if not access.can_read_plan(entry.id, zone):  # type: ignore[attr-defined]
        raise PermissionDeniedError(_("you may not read zone {zone}").format(zone=zone))
    rows = s.execute(
        select(Actor.sector, Actor.discipline, func.count())
        .where(Actor.territory == entry.id, Actor.zone_code == zone)
        .group_by(Actor.sector, Actor.discipline)
        .order_by(Actor.sector, Actor.discipline)
    )
    have = [Resource(str(a), str(b), int(n)) for a, b, n in rows]
    d = entry.diagnosis(zone)
    pop_f = d.finding("population", "population") if d else None
    population = float(pop_f.value) if pop_f and pop_f.value else 0.0
    gaps = []
    for norm in norms if norms is not None else default_norms(d):
        if norm.per_100k < 0 or norm.per_100k > 100_000:
            raise ValidationError(_("a norm per 100,000 between 0 and 100,000"), found=norm.what)
        if norm.what == "gp_under65":
            zrow = (
                next((r for r in d.themes.shortage.rows if r.unit.code == zone), None)
                if (d and d.themes.shortage)
                else None
            )
            available = zrow.gp_under65 if zrow else 0
        else:
            available = sum(r.actors for r in have if r.discipline == norm.what)
        needed = math.ceil(norm.per_100k * population / 100_000 - 1e-9)
        gaps.append(Gap(norm.what, norm.per_100k, available, needed))
    return have, gaps
