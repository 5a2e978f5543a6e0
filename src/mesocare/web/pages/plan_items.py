"""A plan's parts: an objective's or action's form (a stale version shows the conflict, the form
kept), its budget lines, an indicator's page with its actuals (enter, submit, approve or return,
evidence files), and the plan's history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError as PydanticError
from starlette.concurrency import run_in_threadpool

from mesocare.errors import ConflictError, MesocareError, TooLargeError, ValidationError
from mesocare.i18n import _
from mesocare.organisation.plans import (
    ActionStatus,
    ActualCreate,
    BudgetLineCreate,
    ItemUpdate,
    Review,
)
from mesocare.services.platform import audit
from mesocare.services.platform import plan_progress as G
from mesocare.services.platform import plans as P
from mesocare.services.platform.audit import AuditEntry
from mesocare.web.deps import RecordId, Web, check_csrf, web
from mesocare.web.pages.common import base, territory_crumbs, zone_links
from mesocare.web.pages.plans import ctx_of
from mesocare.web.render import Crumb, Page, render

router = APIRouter()
CSRF = [Depends(check_csrf)]
ITEM_FORM = (
    "title",
    "description",
    "owner_actor_id",
    "partner_actor_ids",
    "need_ids",
    "assignee",
    "start_date",
    "end_date",
    "status",
    "risks",
)


@dataclass
class PlanItemPage(Page):
    item_id: int = 0
    plan_id: int = 0
    key: str = ""
    level: str = ""
    version: int = 0
    values: dict[str, Any] = field(default_factory=dict)
    actors: list[tuple[int, str]] = field(default_factory=list)
    needs: list[tuple[int, str]] = field(default_factory=list)
    assignees: list[tuple[str, str]] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    budget: list[Any] = field(default_factory=list)
    conflict_now: dict[str, Any] | None = None


@dataclass
class ActualRow:
    id: int
    period: str
    value: float
    target: float | None
    status: str
    comment: str
    review_comment: str
    version: int
    evidence: list[tuple[int, str]]


@dataclass
class PlanIndicatorPage(Page):
    indicator_id: int = 0
    plan_id: int = 0
    key: str = ""
    name: str = ""
    unit: str = ""
    baseline: float | None = None
    baseline_period: str | None = None
    targets: dict[str, float] = field(default_factory=dict)
    actuals: list[ActualRow] = field(default_factory=list)
    can_enter: bool = False
    can_review: bool = False
    figure: str = ""
    today_period: str = ""


@dataclass
class PlanHistoryPage(Page):
    entries: list[AuditEntry] = field(default_factory=list)
    back: str = ""


def _crumbs(w: Web, territory: str, zone: str, plan_id: int, plan_title: str) -> dict[str, Any]:
    entry = w.platform.entry(territory)
    return {
        "crumbs": [
            *territory_crumbs(entry, zone),
            Crumb(f"/t/{territory}/z/{zone}/plans", _("Action plans")),
            Crumb(f"/plans/{plan_id}", plan_title),
        ],
        "zone_links": zone_links(w, entry, zone, "plans"),
        "synthetic": entry.territory.manifest.synthetic,
    }


def _item_page(
    w: Web,
    item_id: int,
    *,
    values: dict[str, Any] | None = None,
    error: str | None = None,
    conflict: bool = False,
) -> PlanItemPage:
    from mesocare.services.platform import accounts as A

    with w.platform.session() as s:
        it = P.get_item(s, item_id, w.access)
        plan = P.get_plan(s, it.plan_id, w.access)
        if not w.access.can_edit_plan(plan.territory, plan.zone_code):
            w.require(False, _("you may not edit plan {id}").format(id=plan.id))
        actors = P.zone_actors(s, plan.territory, plan.zone_code)
        needs = [(n.id, f"{n.key} {n.title}") for n in P.needs(s, plan.id)]
        entry = w.platform.entry(plan.territory)
        members = A.members(
            s, plan.territory, {plan.zone_code, *entry.networks_by_zone.get(plan.zone_code, [])}
        )
        assignees = sorted({u.email: u.display_name or u.email for _g, u in members}.items())
        assignee_email = next((u.email for _g, u in members if u.id == it.assignee_id), None)
        now = {
            "title": it.title,
            "description": it.description,
            "owner_actor_id": it.owner_actor_id,
            "partner_actor_ids": list(it.partner_actor_ids),
            "need_ids": list(it.need_ids),
            "assignee": assignee_email,
            "start_date": it.start_date,
            "end_date": it.end_date,
            "status": it.status,
            "risks": it.risks,
        }
        budget = [b for b in P.budget_lines(s, plan.id) if b.item_id == it.id]
        budget_rows = [
            (b.label, b.funder, b.planned_eur, b.committed_eur, b.spent_eur) for b in budget
        ]
        page = PlanItemPage(
            **base(
                w,
                f"{it.key} {it.title}",
                **_crumbs(w, plan.territory, plan.zone_code, plan.id, plan.title),
            ),
            item_id=it.id,
            plan_id=plan.id,
            key=it.key,
            level=it.level,
            version=it.version,
            values=values if values is not None else now,
            actors=sorted(actors.items(), key=lambda a: a[1].casefold()),
            needs=needs,
            assignees=assignees,
            statuses=[x.value for x in ActionStatus],
            budget=budget_rows,
            conflict_now=now if conflict else None,
        )
    page.error = error
    return page


@router.get("/plan-items/{item_id}/edit")
def item_form(w: Annotated[Web, Depends(web)], item_id: RecordId) -> Response:
    w.require_login()
    return render("plan_item.html.j2", _item_page(w, item_id))


def _ids(v: Any) -> list[int]:
    return [int(x) for x in v if str(x).isdigit()]


@router.post("/plan-items/{item_id}/edit", dependencies=CSRF)
async def item_save(
    w: Annotated[Web, Depends(web)], item_id: RecordId, request: Request
) -> Response:
    w.require_login()
    form = await request.form()
    one = {
        k: str(form.get(k) or "").strip()
        for k in ITEM_FORM
        if k not in ("partner_actor_ids", "need_ids")
    }
    values: dict[str, Any] = {
        **one,
        "owner_actor_id": int(one["owner_actor_id"]) if one["owner_actor_id"].isdigit() else None,
        "partner_actor_ids": _ids(form.getlist("partner_actor_ids")),
        "need_ids": _ids(form.getlist("need_ids")),
        "assignee": one["assignee"] or None,
        "start_date": one["start_date"] or None,
        "end_date": one["end_date"] or None,
    }
    version = str(form.get("version") or "0")

    def save() -> Response:
        try:
            data = ItemUpdate.model_validate(
                {**values, "version": int(version) if version.isdigit() else 0}
            )
            with w.platform.session(write=True) as s:
                it = P.update_item(s, item_id, data, ctx_of(w))
                plan_id = it.plan_id
        except ConflictError as exc:
            return render(
                "plan_item.html.j2",
                _item_page(w, item_id, values=values, error=str(exc), conflict=True),
                status=409,
            )
        except (PydanticError, ValidationError) as exc:
            msg = (
                str(exc)
                if isinstance(exc, MesocareError)
                else "; ".join(
                    f"{'.'.join(str(x) for x in e['loc'])}: {e['msg'].removeprefix('Value error, ')}"
                    for e in exc.errors()
                )
            )
            return render(
                "plan_item.html.j2", _item_page(w, item_id, values=values, error=msg), status=422
            )
        return RedirectResponse(f"/plans/{plan_id}?message=saved", status_code=303)

    return await run_in_threadpool(save)


@router.post("/plan-items/{item_id}/budget", dependencies=CSRF)
def item_budget(
    w: Annotated[Web, Depends(web)],
    item_id: RecordId,
    label: Annotated[str, Form(max_length=300)] = "",
    funder: Annotated[str, Form(max_length=200)] = "",
    planned_eur: Annotated[str, Form(max_length=20)] = "",
    committed_eur: Annotated[str, Form(max_length=20)] = "0",
    spent_eur: Annotated[str, Form(max_length=20)] = "0",
) -> Response:
    w.require_login()
    try:
        data = BudgetLineCreate.model_validate(
            {
                "label": label,
                "funder": funder,
                "planned_eur": planned_eur,
                "committed_eur": committed_eur or 0,
                "spent_eur": spent_eur or 0,
            }
        )
        with w.platform.session(write=True) as s:
            P.add_budget_line(s, item_id, data, ctx_of(w))
    except (PydanticError, ValidationError) as exc:
        msg = (
            str(exc)
            if isinstance(exc, MesocareError)
            else "; ".join(f"{e['loc'][0]}: {e['msg']}" for e in exc.errors())
        )
        return render("plan_item.html.j2", _item_page(w, item_id, error=msg), status=422)
    return RedirectResponse(f"/plan-items/{item_id}/edit", status_code=303)


# ----- indicators and actuals ------------------------------------------------------------------
def _indicator_page(w: Web, indicator_id: int, error: str | None = None) -> PlanIndicatorPage:
    with w.platform.session() as s:
        c = ctx_of(w)
        ind = G._indicator(s, indicator_id, c)
        plan = P.get_plan(s, ind.plan_id, w.access)
        acts = sorted(
            (a for a in G.actuals(s, plan.id) if a.indicator_id == ind.id), key=lambda a: a.period
        )
        rows = [
            ActualRow(
                a.id,
                a.period,
                a.value,
                ind.targets.get(a.period),
                a.status,
                a.comment,
                a.review_comment,
                a.version,
                [(e.id, e.filename) for e in G.evidence_of(s, a.id)],
            )
            for a in acts
        ]
        today = dt.date.today()
        page = PlanIndicatorPage(
            **base(
                w,
                f"{ind.key} {ind.name}",
                **_crumbs(w, plan.territory, plan.zone_code, plan.id, plan.title),
            ),
            indicator_id=ind.id,
            plan_id=plan.id,
            key=ind.key,
            name=ind.name,
            unit=ind.unit,
            baseline=ind.baseline,
            baseline_period=ind.baseline_period,
            targets=dict(ind.targets),
            actuals=rows,
            can_enter=w.access.can_enter_actual(
                plan.territory, plan.zone_code, G.responsible(s, ind)
            ),
            can_review=w.access.can_review_actual(plan.territory, plan.zone_code),
            figure=f"/plans/{plan.id}/figures/indicator-{ind.id}.json",
            today_period=next(iter(ind.targets), f"{today.year}"),
        )
    page.error = error
    return page


@router.get("/plan-indicators/{indicator_id}")
def indicator_show(w: Annotated[Web, Depends(web)], indicator_id: RecordId) -> Response:
    w.require_login()
    return render("plan_indicator_page.html.j2", _indicator_page(w, indicator_id))


def _do(w: Web, indicator_id: int, change: Any) -> Response:
    w.require_login()
    try:
        with w.platform.session(write=True) as s:
            change(s)
    except (PydanticError, ValidationError, ConflictError) as exc:
        msg = (
            str(exc)
            if isinstance(exc, MesocareError)
            else "; ".join(
                f"{e['loc'][0] if e['loc'] else ''}: {e['msg'].removeprefix('Value error, ')}"
                for e in exc.errors()
            )
        )
        return render(
            "plan_indicator_page.html.j2",
            _indicator_page(w, indicator_id, msg),
            status=409 if isinstance(exc, ConflictError) else 422,
        )
    return RedirectResponse(f"/plan-indicators/{indicator_id}", status_code=303)


@router.post("/plan-indicators/{indicator_id}/actuals", dependencies=CSRF)
def actual_enter(
    w: Annotated[Web, Depends(web)],
    indicator_id: RecordId,
    period: Annotated[str, Form(max_length=7)] = "",
    value: Annotated[str, Form(max_length=30)] = "",
    comment: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    return _do(
        w,
        indicator_id,
        lambda s: G.enter_actual(
            s,
            indicator_id,
            ActualCreate.model_validate({"period": period, "value": value, "comment": comment}),
            ctx_of(w),
        ),
    )


def _indicator_of_actual(w: Web, actual_id: int) -> int:
    with w.platform.session() as s:
        return G.get_actual(s, actual_id, ctx_of(w)).indicator_id


@router.post("/plan-actuals/{actual_id}/submit", dependencies=CSRF)
def actual_submit(
    w: Annotated[Web, Depends(web)],
    actual_id: RecordId,
    version: Annotated[int, Form(ge=1, le=2**31 - 1)],
) -> Response:
    w.require_login()
    iid = _indicator_of_actual(w, actual_id)
    return _do(w, iid, lambda s: G.submit_actual(s, actual_id, version, ctx_of(w)))


@router.post("/plan-actuals/{actual_id}/review", dependencies=CSRF)
def actual_review(
    w: Annotated[Web, Depends(web)],
    actual_id: RecordId,
    version: Annotated[int, Form(ge=1, le=2**31 - 1)],
    decision: Annotated[str, Form(max_length=10)] = "",
    comment: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    w.require_login()
    iid = _indicator_of_actual(w, actual_id)
    return _do(
        w,
        iid,
        lambda s: G.review_actual(
            s,
            actual_id,
            Review(version=version, approve=decision == "approve", comment=comment),
            ctx_of(w),
        ),
    )


@router.post("/plan-actuals/{actual_id}/evidence", dependencies=CSRF)
async def actual_evidence(
    w: Annotated[Web, Depends(web)], actual_id: RecordId, file: Annotated[UploadFile, File()]
) -> Response:
    w.require_login()
    iid = await run_in_threadpool(_indicator_of_actual, w, actual_id)
    data = await file.read(G.MAX_EVIDENCE + 1)
    if len(data) > G.MAX_EVIDENCE:
        raise TooLargeError(
            _("an evidence file is at most {n} MB").format(n=G.MAX_EVIDENCE // 1_000_000),
            file=file.filename,
        )
    return await run_in_threadpool(
        _do,
        w,
        iid,
        lambda s: G.add_evidence(
            s, actual_id, file.filename or "evidence", file.content_type or "", data, ctx_of(w)
        ),
    )


@router.get("/plan-evidence/{evidence_id}")
def evidence_get(w: Annotated[Web, Depends(web)], evidence_id: RecordId) -> Response:
    w.require_login()
    with w.platform.session() as s:
        e = G.get_evidence(s, evidence_id, ctx_of(w))
        body, media, name = e.data, e.media_type, e.filename
    safe = "".join(ch for ch in name if ch.isalnum() or ch in "._- ") or "evidence"
    return Response(
        body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{safe}"'}
    )


@router.get("/plans/{plan_id}/history")
def plan_history(w: Annotated[Web, Depends(web)], plan_id: RecordId) -> Response:
    w.require_login()
    with w.platform.session() as s:
        plan = P.get_plan(s, plan_id, w.access)
        entries = [e for e in audit.history(s, "plan", plan.id)]
        crumbs = _crumbs(w, plan.territory, plan.zone_code, plan.id, plan.title)
        title = plan.title
    page = PlanHistoryPage(
        **base(w, _("History of {title}").format(title=title), **crumbs),
        entries=entries,
        back=f"/plans/{plan_id}",
    )
    return render("plan_history.html.j2", page)
