"""A zone's action plans: the list (a new plan, from the diagnosis or not; an XLSX import), a
plan's page (logframe, needs and resources, CPTS terms, timeline, budget, indicators "off target
and worsening"), its edits, adoption and exports (HTML, PDF, XLSX, JSON)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated, Any

import plotly.io as pio
from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError as PydanticError
from starlette.concurrency import run_in_threadpool

from mesocare.errors import MesocareError, NotFoundError, TooLargeError, UnsupportedTypeError
from mesocare.i18n import _
from mesocare.organisation.plans import (
    IndicatorCreate,
    ItemCreate,
    Level,
    NeedCreate,
    PlanCreate,
    PlanPublic,
    PlanUpdate,
)
from mesocare.organisation.templates import NAMES, load_template
from mesocare.reports import plan as R
from mesocare.services.platform import TerritoryEntry
from mesocare.services.platform import governance_meetings as M
from mesocare.services.platform import plan_needs as N
from mesocare.services.platform import plan_progress as G
from mesocare.services.platform import plans as P
from mesocare.services.platform.plan_view import PlanView, plan_view
from mesocare.services.platform.plan_xlsx import MAX_XLSX, import_xlsx
from mesocare.services.platform.records import Ctx
from mesocare.web.deps import RecordId, Web, check_csrf, web
from mesocare.web.pages.common import base, territory_crumbs, zone_links
from mesocare.web.render import Crumb, Page, render

router = APIRouter()
CSRF = [Depends(check_csrf)]
XLSX_TYPES = {R.FORMATS["xlsx"], "application/octet-stream"}


@dataclass
class PlansPage(Page):
    territory: str = ""
    zone: str = ""
    plans: list[PlanPublic] = field(default_factory=list)
    templates: list[tuple[str, str]] = field(default_factory=list)
    resources: list[N.Resource] = field(default_factory=list)
    gaps: list[N.Gap] = field(default_factory=list)
    can_edit: bool = False
    today: dt.date = field(default_factory=dt.date.today)


@dataclass
class PlanPage(Page):
    view: PlanView | None = None
    figures: list[str] = field(default_factory=list)
    template_label: str = ""
    operational: list[tuple[int, str]] = field(default_factory=list)
    parents: list[tuple[int, str]] = field(default_factory=list)
    #: the governance decisions about the plan (submitted, adopted, not passed)
    decisions: list[M.SubjectDecision] = field(default_factory=list)


def ctx_of(w: Web) -> Ctx:
    return Ctx(w.access, w.request_id)


def zone_page(w: Web, entry: TerritoryEntry, zone: str, title: str, **kw: Any) -> dict[str, Any]:
    return base(
        w,
        title,
        crumbs=territory_crumbs(entry, zone),
        zone_links=zone_links(w, entry, zone, "plans"),
        synthetic=entry.territory.manifest.synthetic,
        **kw,
    )


def _plans_page(
    w: Web, entry: TerritoryEntry, zone: str, error: str | None = None, gp_norm: float | None = None
) -> PlansPage:
    norms = [N.Norm("gp_under65", gp_norm)] if gp_norm is not None else None
    with w.platform.session() as s:
        rows = [P.public(p) for p in P.list_plans(s, entry, zone, w.access)]
        have, gaps = N.resources(s, entry, zone, w.access, norms)
    page = PlansPage(
        **zone_page(w, entry, zone, _("Action plans")),
        territory=entry.id,
        zone=zone,
        plans=rows,
        templates=[(n, load_template(n).label.get(w.language)) for n in NAMES],
        resources=have,
        gaps=gaps,
        can_edit=w.access.can_edit_plan(entry.id, zone),
    )
    page.error = error
    return page


@router.get("/t/{territory}/z/{zone}/plans")
def plans_list(
    w: Annotated[Web, Depends(web)],
    territory: str,
    zone: str,
    gp_norm: Annotated[float | None, Query(ge=0, le=10_000)] = None,
) -> Response:
    """The zone's plans and resources; ``gp_norm``: GPs under 65 per 100,000 to compare with
    (default: the shortage rule's threshold)."""
    w.require_login()
    entry = w.platform.entry(territory)
    entry.require_zone(zone)
    w.require(w.access.can_read_plan(entry.id, zone))
    return render("plans.html.j2", _plans_page(w, entry, zone, gp_norm=gp_norm))


@router.post("/t/{territory}/z/{zone}/plans", dependencies=CSRF)
def plan_create(
    w: Annotated[Web, Depends(web)],
    territory: str,
    zone: str,
    title: Annotated[str, Form(max_length=300)] = "",
    template: Annotated[str, Form(max_length=40)] = "blank",
    period_start: Annotated[str, Form(max_length=10)] = "",
    period_end: Annotated[str, Form(max_length=10)] = "",
    contract_date: Annotated[str, Form(max_length=10)] = "",
    from_diagnosis: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    w.require_login()
    entry = w.platform.entry(territory)
    entry.require_zone(zone)
    w.require(w.access.can_edit_plan(entry.id, zone))
    try:
        data = PlanCreate(
            title=title,
            template=template,
            period_start=period_start,  # type: ignore[arg-type]
            period_end=period_end,  # type: ignore[arg-type]
            contract_date=contract_date or None,  # type: ignore[arg-type]
        )
        with w.platform.session(write=True) as s:
            p = P.create_plan(s, entry, zone, data, ctx_of(w), lang=w.language)
            if from_diagnosis:
                N.draft_from_diagnosis(s, entry, p.id, ctx_of(w))
            pid = p.id
    except (PydanticError, MesocareError) as exc:
        if isinstance(exc, MesocareError) and not _is_input_error(exc):
            raise
        return render("plans.html.j2", _plans_page(w, entry, zone, _message(exc)), status=422)
    return RedirectResponse(f"/plans/{pid}", status_code=303)


def _is_input_error(exc: MesocareError) -> bool:
    from mesocare.errors import ValidationError

    return isinstance(exc, ValidationError)


def _message(exc: Exception) -> str:
    if isinstance(exc, PydanticError):
        e = exc.errors()[0]
        where = ".".join(str(x) for x in e["loc"])
        return f"{where}: {e['msg'].removeprefix('Value error, ')}" if where else e["msg"]
    return str(exc)


@router.post("/t/{territory}/z/{zone}/plans/import", dependencies=CSRF)
async def plan_import(
    w: Annotated[Web, Depends(web)],
    territory: str,
    zone: str,
    file: Annotated[UploadFile, File()],
) -> Response:
    w.require_login()
    entry = w.platform.entry(territory)
    entry.require_zone(zone)
    w.require(w.access.can_edit_plan(entry.id, zone))
    name = file.filename or "plan.xlsx"
    ctype = (file.content_type or "").split(";")[0].strip().lower()
    if ctype not in XLSX_TYPES or not name.lower().endswith(".xlsx"):
        raise UnsupportedTypeError(_("not an XLSX workbook"), file=name, found=ctype or None)
    data = await file.read(MAX_XLSX + 1)
    if len(data) > MAX_XLSX:
        raise TooLargeError(_("the workbook is too large"), file=name)

    def load() -> int:
        with w.platform.session(write=True) as s:
            return import_xlsx(s, w.platform.entry, data, ctx_of(w), file=name)

    try:
        pid = await run_in_threadpool(load)
    except MesocareError as exc:
        if not _is_input_error(exc):
            raise
        page = await run_in_threadpool(_plans_page, w, entry, zone, str(exc))
        return render("plans.html.j2", page, status=422)
    return RedirectResponse(f"/plans/{pid}", status_code=303)


# ----- one plan --------------------------------------------------------------------------------
def _entry_of_plan(w: Web, plan_id: int) -> TerritoryEntry:
    with w.platform.session() as s:
        p = P.get_plan(s, plan_id, w.access)
        return w.platform.entry(p.territory)


def plan_page(w: Web, plan_id: int, *, error: str | None = None) -> PlanPage:
    entry = _entry_of_plan(w, plan_id)
    with w.platform.session() as s:
        v = plan_view(s, entry, plan_id, w.access, w.language)
        decisions = M.decisions_about(s, "plan", plan_id, w.access)
    zone = v.plan.zone_code
    figures = [f"/plans/{plan_id}/figures/timeline.json"]
    if v.budget:
        figures.append(f"/plans/{plan_id}/figures/budget.json")
    page = PlanPage(
        **base(
            w,
            v.plan.title,
            crumbs=[
                *territory_crumbs(entry, zone),
                Crumb(f"/t/{entry.id}/z/{zone}/plans", _("Action plans")),
            ],
            zone_links=zone_links(w, entry, zone, "plans"),
            synthetic=entry.territory.manifest.synthetic,
        ),
        view=v,
        figures=figures,
        template_label=load_template(v.plan.template).label.get(w.language)
        if v.plan.template in NAMES
        else v.plan.template,
        operational=[(i.id, f"{i.key} {i.title}") for i in v.items if i.level == "operational"],
        parents=[(i.id, f"{i.key} {i.title}") for i in v.items if i.level != "action"],
        decisions=decisions,
    )
    page.error = error
    return page


@router.get("/plans/{plan_id}")
def plan_show(w: Annotated[Web, Depends(web)], plan_id: RecordId, message: str = "") -> Response:
    w.require_login()
    page = plan_page(w, plan_id)
    page.message = {"saved": _("Saved."), "adopted": _("Adopted.")}.get(message[:20])
    return render("plan_page.html.j2", page)


def _act(w: Web, plan_id: int, change: Any, message: str = "saved") -> Response:
    """Run a change of the plan; back to its page, or the page with the reason it was refused."""
    w.require_login()
    try:
        with w.platform.session(write=True) as s:
            change(s, ctx_of(w))
    except (PydanticError, MesocareError) as exc:
        from mesocare.errors import ConflictError

        if (
            isinstance(exc, MesocareError)
            and not isinstance(exc, ConflictError)
            and not _is_input_error(exc)
        ):
            raise
        status = 409 if isinstance(exc, ConflictError) else 422
        return render(
            "plan_page.html.j2", plan_page(w, plan_id, error=_message(exc)), status=status
        )
    return RedirectResponse(f"/plans/{plan_id}?message={message}", status_code=303)


@router.post("/plans/{plan_id}/edit", dependencies=CSRF)
async def plan_edit(
    w: Annotated[Web, Depends(web)], plan_id: RecordId, request: Request
) -> Response:
    form = await request.form()
    values = {
        k: str(form.get(k) or "").strip()
        for k in (
            "version",
            "title",
            "vision",
            "status",
            "period_start",
            "period_end",
            "contract_date",
        )
    }

    def change(s: Any, c: Ctx) -> None:
        data = PlanUpdate.model_validate(
            {k: (v or None) for k, v in values.items() if v or k in ("contract_date",)}
            | {"version": values["version"] or 0}
        )
        P.update_plan(s, plan_id, data, c)

    return await run_in_threadpool(_act, w, plan_id, change)


@router.post("/plans/{plan_id}/adopt", dependencies=CSRF)
def plan_adopt(
    w: Annotated[Web, Depends(web)],
    plan_id: RecordId,
    version: Annotated[int, Form(ge=1, le=2**31 - 1)],
    decision_ref: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    return _act(
        w, plan_id, lambda s, c: P.mark_adopted(s, plan_id, version, decision_ref, c), "adopted"
    )


@router.post("/plans/{plan_id}/needs", dependencies=CSRF)
def plan_need(
    w: Annotated[Web, Depends(web)],
    plan_id: RecordId,
    title: Annotated[str, Form(max_length=300)] = "",
    source: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    return _act(
        w, plan_id, lambda s, c: P.add_need(s, plan_id, NeedCreate(title=title, source=source), c)
    )


@router.post("/plans/{plan_id}/items", dependencies=CSRF)
def plan_item(
    w: Annotated[Web, Depends(web)],
    plan_id: RecordId,
    level: Annotated[str, Form(max_length=20)],
    title: Annotated[str, Form(max_length=300)] = "",
    parent_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    def change(s: Any, c: Ctx) -> None:
        data = ItemCreate(
            level=Level(level) if level in Level._value2member_map_ else level,  # type: ignore[arg-type]
            title=title,
            parent_id=int(parent_id) if parent_id.isdigit() else None,
        )
        P.add_item(s, plan_id, data, c)

    return _act(w, plan_id, change)


@router.post("/plans/{plan_id}/indicators", dependencies=CSRF)
async def plan_indicator(
    w: Annotated[Web, Depends(web)], plan_id: RecordId, request: Request
) -> Response:
    form = await request.form()
    f = {
        k: str(form.get(k) or "").strip()
        for k in ("item_id", "name", "unit", "baseline", "need_id", "targets", "lower_is_better")
    }

    def change(s: Any, c: Ctx) -> None:
        targets: dict[str, str] = {}
        for part in f["targets"].replace(";", ",").split(","):
            if part.strip():
                period, _sep, value = part.partition("=")
                targets[period.strip()] = value.strip()
        data = IndicatorCreate.model_validate(
            {
                "item_id": int(f["item_id"]) if f["item_id"].isdigit() else None,
                "name": f["name"],
                "unit": f["unit"],
                "higher_is_better": not f["lower_is_better"],
                "baseline": f["baseline"] or None,
                "need_id": int(f["need_id"]) if f["need_id"].isdigit() else None,
                "targets": targets,
            }
        )
        G.add_indicator(s, plan_id, data, c)

    return await run_in_threadpool(_act, w, plan_id, change)


@router.get("/plans/{plan_id}/figures/{name}.json")
def plan_figure(w: Annotated[Web, Depends(web)], plan_id: RecordId, name: str) -> Response:
    w.require_login()
    entry = _entry_of_plan(w, plan_id)
    with w.platform.session() as s:
        v = plan_view(s, entry, plan_id, w.access, w.language)
        if name == "timeline":
            fig = R.gantt(v.doc.items)
        elif name == "budget":
            fig = R.budget_chart(
                [
                    (b.objective, b.funder, b.planned_eur, b.committed_eur, b.spent_eur)
                    for b in v.budget
                ]
            )
        elif name.startswith("indicator-") and name[10:].isdigit():
            rows = {r.indicator.id: r for r in G.progress(s, plan_id)}
            pr = rows.get(int(name[10:]))
            if pr is None:
                raise NotFoundError(_("no figure {index}").format(index=name))
            fig = R.indicator_chart(pr.indicator.name, pr.periods, pr.targets, pr.actuals)
        else:
            raise NotFoundError(_("no figure {index}").format(index=name))
    return Response(
        pio.to_json(
            {
                "data": fig.get("data", []),
                "layout": fig.get("layout", {}),
                "config": {"displaylogo": False, "responsive": True},
            },
            validate=False,
        ),
        media_type="application/json",
    )


@router.get("/plans/{plan_id}/export/{fmt}")
def plan_export(w: Annotated[Web, Depends(web)], plan_id: RecordId, fmt: str) -> Response:
    w.require_login()
    if fmt not in R.FORMATS:
        raise NotFoundError(_("unknown format '{fmt}'").format(fmt=fmt[:10]))
    entry = _entry_of_plan(w, plan_id)
    with w.platform.session() as s:
        v = plan_view(s, entry, plan_id, w.access, w.language)
    body = R.export(v, fmt)
    headers = {}
    if fmt != "html":
        headers["Content-Disposition"] = f'attachment; filename="plan-{plan_id}.{fmt}"'
    return Response(body, media_type=R.FORMATS[fmt], headers=headers)
