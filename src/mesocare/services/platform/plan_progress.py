"""Indicators of a plan and their progress: baselines (from a need's frozen finding when there is
one), targets and actuals per period, the review of actuals (draft → submitted → approved or
returned by a coordinator, with a comment and evidence files), and the views: each indicator's
actuals against its targets, "off target and worsening", budget against spending, and a CPTS
plan's mission deadlines and payments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from mesocare.errors import (
    NotFoundError,
    PermissionDeniedError,
    TooLargeError,
    UnsupportedTypeError,
    ValidationError,
)
from mesocare.financing import cpts as CPTS
from mesocare.financing.parameters import load_cpts
from mesocare.i18n import _
from mesocare.organisation.plans import (
    ActualCreate,
    ActualStatus,
    IndicatorCreate,
    Review,
    period_key,
)
from mesocare.organisation.templates import load_template, mission_deadlines
from mesocare.services.platform import plans as P
from mesocare.services.platform import records
from mesocare.services.platform.records import Ctx
from mesocare.store.models import Actor
from mesocare.store.models_plans import (
    Plan,
    PlanActual,
    PlanEvidence,
    PlanIndicator,
    PlanItem,
    PlanNeed,
)

INDICATOR_FIELDS = (
    "item_id",
    "key",
    "name",
    "unit",
    "higher_is_better",
    "baseline",
    "baseline_period",
    "need_id",
    "targets",
)
ACTUAL_FIELDS = ("indicator_id", "period", "value", "status", "comment", "review_comment")
EVIDENCE_FIELDS = ("actual_id", "filename", "media_type", "size")
#: evidence files: at most this size, of these types (checked by their first bytes too)
MAX_EVIDENCE = 2_000_000
EVIDENCE_TYPES = {
    "application/pdf": b"%PDF-",
    "image/png": b"\x89PNG\r\n\x1a\n",
    "image/jpeg": b"\xff\xd8\xff",
    "text/plain": b"",
    "text/csv": b"",
}


def indicators(s: Session, plan_id: int) -> list[PlanIndicator]:
    return list(
        s.scalars(
            select(PlanIndicator).where(PlanIndicator.plan_id == plan_id).order_by(PlanIndicator.id)
        )
    )


def actuals(s: Session, plan_id: int) -> list[PlanActual]:
    return list(s.scalars(select(PlanActual).where(PlanActual.plan_id == plan_id)))


def evidence_of(s: Session, actual_id: int) -> list[PlanEvidence]:
    return list(
        s.scalars(
            select(PlanEvidence)
            .where(PlanEvidence.actual_id == actual_id)
            .order_by(PlanEvidence.id)
        )
    )


def add_indicator(
    s: Session, plan_id: int, data: IndicatorCreate, ctx: Ctx, *, key: str | None = None
) -> PlanIndicator:
    p = P._editable(s, plan_id, ctx)
    if data.item_id is not None:
        it = s.get(PlanItem, data.item_id)
        if it is None or it.plan_id != p.id:
            raise ValidationError(_("not an item of this plan"), column="item_id")
    baseline, period = data.baseline, data.baseline_period
    if data.need_id is not None:
        need = s.get(PlanNeed, data.need_id)
        if need is None or need.plan_id != p.id:
            raise ValidationError(_("not a need of this plan"), column="need_id")
        snap = need.snapshot or {}
        if baseline is None and snap.get("value") is not None:
            baseline = float(snap["value"])
            period = period or str(snap.get("reference_year"))
    row = PlanIndicator(
        territory=p.territory,
        zone_code=p.zone_code,
        plan_id=p.id,
        item_id=data.item_id,
        key=key or P.next_key(s, PlanIndicator, p.id, "I"),
        name=data.name,
        unit=data.unit,
        higher_is_better=data.higher_is_better,
        baseline=baseline,
        baseline_period=period,
        need_id=data.need_id,
        targets=dict(sorted(data.targets.items(), key=lambda kv: period_key(kv[0]))),
    )
    return records.create(s, row, ctx, "plan_indicator", INDICATOR_FIELDS)


def set_targets(
    s: Session, indicator_id: int, version: int, targets: dict[str, float], ctx: Ctx
) -> PlanIndicator:
    ind = _indicator(s, indicator_id, ctx)
    P._editable(s, ind.plan_id, ctx)
    ordered = dict(sorted(targets.items(), key=lambda kv: period_key(kv[0])))
    return records.update(
        s, ind, version, {"targets": ordered}, ctx, "plan_indicator", INDICATOR_FIELDS
    )


def _indicator(s: Session, indicator_id: int, ctx: Ctx) -> PlanIndicator:
    ind = s.get(PlanIndicator, indicator_id)
    if ind is None or not ctx.access.can_read_plan(ind.territory, ind.zone_code):
        raise NotFoundError(_("no indicator {id}").format(id=indicator_id))
    return ind


def responsible(s: Session, ind: PlanIndicator) -> set[int]:
    """The users responsible for an indicator's action: its assignee, its owner actor's."""
    if ind.item_id is None:
        return set()
    it = s.get_one(PlanItem, ind.item_id)
    out = {it.assignee_id} if it.assignee_id else set()
    if it.owner_actor_id:
        a = s.get(Actor, it.owner_actor_id)
        if a is not None and a.assignee_id:
            out.add(a.assignee_id)
    return out


def _may_enter(s: Session, ind: PlanIndicator, ctx: Ctx) -> None:
    if not ctx.access.can_enter_actual(ind.territory, ind.zone_code, responsible(s, ind)):
        raise PermissionDeniedError(_("you may not enter actuals for this indicator"))


def enter_actual(s: Session, indicator_id: int, data: ActualCreate, ctx: Ctx) -> PlanActual:
    """A new draft actual of a period (or a changed one, when the period's actual is a draft or
    was returned)."""
    ind = _indicator(s, indicator_id, ctx)
    _may_enter(s, ind, ctx)
    old = s.scalar(
        select(PlanActual).where(
            PlanActual.indicator_id == ind.id, PlanActual.period == data.period
        )
    )
    if old is not None:
        if old.status not in (ActualStatus.DRAFT, ActualStatus.RETURNED):
            raise ValidationError(
                _("the actual of {period} is already submitted").format(period=data.period),
                column="period",
                found=data.period,
            )
        return records.update(
            s,
            old,
            old.version,
            {"value": data.value, "comment": data.comment, "status": ActualStatus.DRAFT.value},
            ctx,
            "plan_actual",
            ACTUAL_FIELDS,
        )
    row = PlanActual(
        territory=ind.territory,
        zone_code=ind.zone_code,
        plan_id=ind.plan_id,
        indicator_id=ind.id,
        period=data.period,
        value=data.value,
        status=ActualStatus.DRAFT.value,
        comment=data.comment,
        review_comment="",
    )
    return records.create(s, row, ctx, "plan_actual", ACTUAL_FIELDS)


def get_actual(s: Session, actual_id: int, ctx: Ctx) -> PlanActual:
    a = s.get(PlanActual, actual_id)
    if a is None or not ctx.access.can_read_plan(a.territory, a.zone_code):
        raise NotFoundError(_("no actual {id}").format(id=actual_id))
    return a


def submit_actual(s: Session, actual_id: int, version: int, ctx: Ctx) -> PlanActual:
    a = get_actual(s, actual_id, ctx)
    _may_enter(s, s.get_one(PlanIndicator, a.indicator_id), ctx)
    if a.status not in (ActualStatus.DRAFT, ActualStatus.RETURNED):
        raise ValidationError(_("only a draft or a returned actual is submitted"), column="status")
    return records.update(
        s, a, version, {"status": ActualStatus.SUBMITTED.value}, ctx, "plan_actual", ACTUAL_FIELDS
    )


def review_actual(s: Session, actual_id: int, data: Review, ctx: Ctx) -> PlanActual:
    a = get_actual(s, actual_id, ctx)
    if not ctx.access.can_review_actual(a.territory, a.zone_code):
        raise PermissionDeniedError(_("only a coordinator approves or returns an actual"))
    if a.status != ActualStatus.SUBMITTED:
        raise ValidationError(_("only a submitted actual is reviewed"), column="status")
    if not data.approve and not data.comment.strip():
        raise ValidationError(_("say why the actual is returned"), column="comment")
    status = ActualStatus.APPROVED if data.approve else ActualStatus.RETURNED
    return records.update(
        s,
        a,
        data.version,
        {"status": status.value, "review_comment": data.comment},
        ctx,
        "plan_actual",
        ACTUAL_FIELDS,
    )


def checked_file(filename: str, media_type: str, data: bytes) -> tuple[str, str]:
    """A file's safe name and media type, once its type, size and first bytes are checked."""
    name = (filename or "evidence").replace("\\", "/").rsplit("/", 1)[-1][:200] or "evidence"
    media = (media_type or "").split(";")[0].strip().lower()
    if media not in EVIDENCE_TYPES:
        raise UnsupportedTypeError(
            _("evidence must be a PDF, PNG, JPEG, text or CSV file"),
            file=name,
            found=media or "?",
        )
    if len(data) > MAX_EVIDENCE:
        raise TooLargeError(
            _("an evidence file is at most {n} MB").format(n=MAX_EVIDENCE // 1_000_000), file=name
        )
    magic = EVIDENCE_TYPES[media]
    if not data.startswith(magic) or (not magic and b"\x00" in data[:4096]):
        raise UnsupportedTypeError(
            _("the file's content is not what its type says"), file=name, found=media
        )
    return name, media


def add_evidence(
    s: Session, actual_id: int, filename: str, media_type: str, data: bytes, ctx: Ctx
) -> PlanEvidence:
    a = get_actual(s, actual_id, ctx)
    _may_enter(s, s.get_one(PlanIndicator, a.indicator_id), ctx)
    name, media = checked_file(filename, media_type, data)
    row = PlanEvidence(
        territory=a.territory,
        zone_code=a.zone_code,
        actual_id=a.id,
        filename=name,
        media_type=media,
        size=len(data),
        data=data,
    )
    return records.create(s, row, ctx, "plan_evidence", EVIDENCE_FIELDS)


def get_evidence(s: Session, evidence_id: int, ctx: Ctx) -> PlanEvidence:
    e = s.get(PlanEvidence, evidence_id)
    if e is None or not ctx.access.can_read_plan(e.territory, e.zone_code):
        raise NotFoundError(_("no evidence file {id}").format(id=evidence_id))
    return e


# ----- views -----------------------------------------------------------------------------------
@dataclass
class Progress:
    """One indicator's baseline, targets and actuals by period, and where it stands."""

    indicator: PlanIndicator
    item_key: str | None
    periods: list[str] = field(default_factory=list)
    targets: list[float | None] = field(default_factory=list)
    actuals: list[float | None] = field(default_factory=list)
    statuses: list[str | None] = field(default_factory=list)
    off_target: bool = False
    worsening: bool = False


def progress(s: Session, plan_id: int, *, approved_only: bool = False) -> list[Progress]:
    """Each indicator's actuals against its targets. Off target: the latest period with both an
    approved (or any, unless ``approved_only``) actual and a target misses it; worsening: that
    actual is worse than the one before it (or than the baseline)."""
    keys = {i.id: i.key for i in P.items(s, plan_id)}
    by_ind: dict[int, dict[str, PlanActual]] = {}
    for a in actuals(s, plan_id):
        if approved_only and a.status != ActualStatus.APPROVED:
            continue
        by_ind.setdefault(a.indicator_id, {})[a.period] = a
    out = []
    for ind in indicators(s, plan_id):
        acts = by_ind.get(ind.id, {})
        periods = sorted(set(ind.targets) | set(acts), key=period_key)
        pr = Progress(ind, keys.get(ind.item_id) if ind.item_id else None, periods)
        pr.targets = [ind.targets.get(p) for p in periods]
        pr.actuals = [acts[p].value if p in acts else None for p in periods]
        pr.statuses = [acts[p].status if p in acts else None for p in periods]
        sign = 1 if ind.higher_is_better else -1
        seen = [(p, v) for p, v in zip(periods, pr.actuals, strict=True) if v is not None]
        if seen:
            last_p, last_v = seen[-1]
            target = ind.targets.get(last_p)
            pr.off_target = target is not None and sign * (last_v - target) < 0
            before = seen[-2][1] if len(seen) > 1 else ind.baseline
            pr.worsening = before is not None and sign * (last_v - before) < 0
        out.append(pr)
    return out


@dataclass(frozen=True)
class BudgetRow:
    objective: str
    funder: str
    planned_eur: float
    committed_eur: float
    spent_eur: float


def budget_by_objective(s: Session, plan_id: int) -> list[BudgetRow]:
    """Budget against spending per strategic objective and funder."""
    its = {i.id: i for i in P.items(s, plan_id)}

    def top(i: PlanItem) -> PlanItem:
        while i.parent_id is not None:
            i = its[i.parent_id]
        return i

    sums: dict[tuple[str, str], list[float]] = {}
    for b in P.budget_lines(s, plan_id):
        t = top(its[b.item_id])
        acc = sums.setdefault((f"{t.key} {t.title}", b.funder), [0.0, 0.0, 0.0])
        acc[0] += b.planned_eur
        acc[1] += b.committed_eur
        acc[2] += b.spent_eur
    return [BudgetRow(o, f, *v) for (o, f), v in sorted(sums.items())]


@dataclass(frozen=True)
class MissionTerms:
    mission: str
    label: str
    core: bool
    starts_by: dt.date
    deployed_by: dt.date
    start_source: str
    fixed_eur_per_year: float
    variable_max_eur_per_year: float


@dataclass(frozen=True)
class CptsTerms:
    size_class: str
    population: int
    missions: list[MissionTerms]
    #: (date, contract year, item, part, eur)
    payments: list[tuple[str, int, str, str, float]]


def cpts_terms(plan: Plan, population: int, lang: str = "en") -> CptsTerms | None:
    """A CPTS plan's missions with their deadlines from the contract's date, and the payments of
    ``mesocare fund cpts`` (packaged ACI parameters and the example missions table)."""
    if plan.template != "cpts" or plan.contract_date is None:
        return None
    params = load_cpts()
    table = CPTS.load_missions()
    klass = CPTS.size_class(population, params)
    amounts = {m.mission: m for m in table if m.size_class == klass}
    out = []
    for o in load_template("cpts").objectives:
        if o.mission is None:
            continue
        start, deployed = mission_deadlines(plan.contract_date, o)
        m = amounts.get(o.mission)
        out.append(
            MissionTerms(
                o.mission,
                o.label.get(lang),
                o.core,
                start,
                deployed,
                o.start_months.source if o.start_months else "",
                m.fixed_eur_per_year if m else 0.0,
                m.variable_max_eur_per_year if m else 0.0,
            )
        )
    sim = CPTS.simulate(population, params, table)
    dates = CPTS.calendar_dates(sim.calendar, plan.contract_date.isoformat())
    payments = [
        (str(d), int(y), str(item), str(part), float(eur))
        for d, y, item, part, eur in zip(
            dates,
            sim.calendar["year"],
            sim.calendar["item"],
            sim.calendar["part"],
            sim.calendar["eur"],
            strict=True,
        )
    ]
    return CptsTerms(klass, population, out, payments)
