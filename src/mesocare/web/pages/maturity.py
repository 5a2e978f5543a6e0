"""Maturity self-assessments: a zone's assessments, one assessment (blind: one's own scoring
form; then the results, the figures, the consensus form and the priorities with "make it an
objective"), and the anonymised comparison of zones. The same services as the API
(:mod:`mesocare.web.api.maturity`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

import plotly.io as pio
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError as PydanticError
from starlette.concurrency import run_in_threadpool

from mesocare.errors import ConflictError, MesocareError, NotFoundError, PermissionDeniedError
from mesocare.i18n import _
from mesocare.organisation.maturity import Framework, load_shipped
from mesocare.organisation.maturity_records import (
    AssessmentCreate,
    AssessmentPublic,
    AssessmentView,
    ConsensusIn,
    ObjectiveIn,
    ParticipantCreate,
    ScoresIn,
    Status,
    ZoneScores,
)
from mesocare.reports import maturity as R
from mesocare.services.platform import TerritoryEntry
from mesocare.services.platform import maturity as M
from mesocare.services.platform import maturity_view as V
from mesocare.services.platform import plans as P
from mesocare.services.platform.records import Ctx
from mesocare.web.deps import RecordId, Web, check_csrf, web
from mesocare.web.pages.common import base, territory_crumbs, zone_links
from mesocare.web.pages.governance import _form, _invalid, _said
from mesocare.web.render import Crumb, Page, render

router = APIRouter()
CSRF = [Depends(check_csrf)]
MESSAGES = {
    "created": _("Saved."),
    "invited": _("The participant is invited."),
    "scores": _("Your scores are saved; nobody else sees them before the consensus round."),
    "submitted": _("Your scores are submitted."),
    "status": _("Saved."),
    "consensus": _("The consensus score is saved."),
    "objective": _("The priority is now an objective of the plan."),
}
STATUS_LABELS = {
    Status.BLIND: _("blind round: each participant scores alone"),
    Status.CONSENSUS: _("consensus round"),
    Status.CLOSED: _("closed"),
}


@dataclass
class AssessmentsPage(Page):
    territory: str = ""
    zone: str = ""
    assessments: list[AssessmentPublic] = field(default_factory=list)
    can_manage: bool = False
    today: str = ""
    status_labels: dict[str, str] = field(default_factory=dict)


@dataclass
class AssessmentPage(Page):
    view: AssessmentView | None = None
    framework: Framework | None = None
    lang: str = "en"
    can_manage: bool = False
    status_label: str = ""
    users: list[tuple[str, str]] = field(default_factory=list)
    plans: list[tuple[int, str]] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)


@dataclass
class ComparisonPage(Page):
    territory: str = ""
    framework: Framework | None = None
    lang: str = "en"
    rows: list[ZoneScores] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)


def _ctx(w: Web) -> Ctx:
    return Ctx(w.access, w.request_id)


# ----- a zone's assessments --------------------------------------------------------------------
def _list_page(
    w: Web,
    entry: TerritoryEntry,
    zone: str,
    *,
    message: str = "",
    error: str | None = None,
    status: int = 200,
) -> Response:
    with w.platform.session() as s:
        rows = [V.public(s, a) for a in M.list_assessments(s, entry, zone, w.access)]
    page = AssessmentsPage(
        **base(
            w,
            _("Maturity of {zone}").format(zone=entry.unit_name(zone)),
            crumbs=territory_crumbs(entry, zone),
            zone_links=zone_links(w, entry, zone, "maturity"),
            synthetic=entry.territory.manifest.synthetic,
        ),
        territory=entry.id,
        zone=zone,
        assessments=rows,
        can_manage=w.access.can_edit_records(entry.id, zone),
        today=date.today().isoformat(),
        status_labels={k.value: v for k, v in STATUS_LABELS.items()},
    )
    page.message = MESSAGES.get(message)
    page.error = error
    return render("maturity_list.html.j2", page, status=status)


@router.get("/t/{territory}/z/{zone}/maturity")
def assessments(
    w: Annotated[Web, Depends(web)],
    territory: str,
    zone: str,
    message: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    w.require_login()
    entry = w.platform.entry(territory)
    entry.require_zone(zone)
    w.require(w.access.can_read_zone(entry.id, zone))
    return _list_page(w, entry, zone, message=message)


@router.post("/t/{territory}/z/{zone}/maturity", dependencies=CSRF)
async def assessment_create(
    request: Request, w: Annotated[Web, Depends(web)], territory: str, zone: str
) -> Response:
    w.require_login()
    entry = w.platform.entry(territory)
    entry.require_zone(zone)
    w.require(w.access.can_edit_records(entry.id, zone))
    form = _form(await request.form(), "title", "assessed_on")
    try:
        data = AssessmentCreate.model_validate(form)
    except PydanticError as exc:
        return _list_page(w, entry, zone, error=_invalid(exc), status=422)

    def save() -> int:
        with w.platform.session(write=True) as s:
            return M.create_assessment(s, entry, zone, data, _ctx(w)).id

    try:
        aid = await run_in_threadpool(save)
    except MesocareError as exc:
        return _list_page(w, entry, zone, error=_said(exc), status=422)
    return RedirectResponse(f"/maturity/{aid}?message=created", status_code=303)


@router.post("/t/{territory}/z/{zone}/maturity/from-file", dependencies=CSRF)
async def assessment_from_file(
    request: Request, w: Annotated[Web, Depends(web)], territory: str, zone: str
) -> Response:
    """An assessment on a framework from the user's file (CSV or XLSX: docs/maturity.md)."""
    w.require_login()
    entry = w.platform.entry(territory)
    entry.require_zone(zone)
    w.require(w.access.can_edit_records(entry.id, zone))
    form = await request.form()
    upload = form.get("file")
    values = _form(form, "title", "assessed_on")
    try:
        data = AssessmentCreate.model_validate(values)
    except PydanticError as exc:
        return _list_page(w, entry, zone, error=_invalid(exc), status=422)
    if upload is None or isinstance(upload, str):
        return _list_page(w, entry, zone, error=_("Please choose a file."), status=422)
    raw = await upload.read(M.MAX_FRAMEWORK_BYTES + 1)
    name = upload.filename or "framework.csv"

    def save() -> int:
        fw = M.framework_from_upload(raw, name)
        with w.platform.session(write=True) as s:
            return M.create_assessment(s, entry, zone, data, _ctx(w), framework=fw).id

    try:
        aid = await run_in_threadpool(save)
    except (PermissionDeniedError, NotFoundError):
        raise
    except MesocareError as exc:
        return _list_page(w, entry, zone, error=str(exc), status=422)
    return RedirectResponse(f"/maturity/{aid}?message=created", status_code=303)


# ----- one assessment --------------------------------------------------------------------------
def _page(
    w: Web, aid: int, *, message: str = "", error: str | None = None, status: int = 200
) -> Response:
    with w.platform.session() as s:
        a = M.get_assessment(s, aid, w.access)
        v = V.view(s, aid, w.access)
        fw = M.framework_of(a)
        users = M.zone_users(s, a, w.access)
        entry = w.platform.entry(a.territory)
        can_manage = M.can_manage(w.access, a)
        plans = (
            [(p.id, p.title) for p in P.list_plans(s, entry, a.zone_code, w.access)]
            if can_manage
            else []
        )
    zone = a.zone_code
    page = AssessmentPage(
        **base(
            w,
            v.assessment.title,
            crumbs=[
                *territory_crumbs(entry, zone),
                Crumb(f"/t/{entry.id}/z/{zone}/maturity", _("Maturity")),
            ],
            zone_links=zone_links(w, entry, zone, "maturity"),
            synthetic=entry.territory.manifest.synthetic,
        ),
        view=v,
        framework=fw,
        lang=w.language,
        can_manage=can_manage,
        status_label=STATUS_LABELS[v.assessment.status],
        users=users,
        plans=plans,
        figures=(
            [f"/maturity/{aid}/figures/dots.json", f"/maturity/{aid}/figures/radar.json"]
            if v.results
            else []
        ),
    )
    page.message = MESSAGES.get(message)
    page.error = error
    return render("maturity.html.j2", page, status=status)


@router.get("/maturity/{assessment_id}")
def assessment(
    w: Annotated[Web, Depends(web)],
    assessment_id: RecordId,
    message: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    w.require_login()
    return _page(w, assessment_id, message=message)


async def _save(w: Web, aid: int, fn: Any, done: str) -> Response:
    def run() -> Any:
        with w.platform.session(write=True) as s:
            return fn(s)

    try:
        await run_in_threadpool(run)
    except (PermissionDeniedError, NotFoundError):
        raise
    except MesocareError as exc:
        error, status = _said(exc), 409 if isinstance(exc, ConflictError) else 422
        return await run_in_threadpool(lambda: _page(w, aid, error=error, status=status))
    return RedirectResponse(f"/maturity/{aid}?message={done}", status_code=303)


async def _managed(w: Web, aid: int) -> None:
    w.require_login()

    def load() -> bool:
        with w.platform.session() as s:
            return M.can_manage(w.access, M.get_assessment(s, aid, w.access))

    w.require(await run_in_threadpool(load))


@router.post("/maturity/{assessment_id}/participants", dependencies=CSRF)
async def participant_add(
    request: Request, w: Annotated[Web, Depends(web)], assessment_id: RecordId
) -> Response:
    await _managed(w, assessment_id)
    values = _form(await request.form(), "email", "cluster")
    try:
        data = ParticipantCreate.model_validate(values)
    except PydanticError as exc:
        return _page(w, assessment_id, error=_invalid(exc), status=422)
    return await _save(
        w, assessment_id, lambda s: M.invite(s, assessment_id, data, _ctx(w)), "invited"
    )


@router.post("/maturity/{assessment_id}/scores", dependencies=CSRF)
async def scores(
    request: Request, w: Annotated[Web, Depends(web)], assessment_id: RecordId
) -> Response:
    """One's own scores: ``score-<item>`` (empty: not scored yet), ``comment-<item>``."""
    w.require_login()

    def mine() -> bool:
        with w.platform.session() as s:
            a = M.get_assessment(s, assessment_id, w.access)
            return M.participant_of(s, a, w.access) is not None

    w.require(await run_in_threadpool(mine), _("you are not a participant of this assessment"))
    form = await request.form()
    values: dict[str, Any] = {"scores": {}, "comments": {}, "submit": bool(form.get("submit"))}
    for key, v in form.items():
        if not isinstance(v, str) or not v.strip():
            continue
        if key.startswith("score-"):
            values["scores"][key[6:]] = v.strip()
        elif key.startswith("comment-"):
            values["comments"][key[8:]] = v.strip()
    try:
        data = ScoresIn.model_validate(values)
    except PydanticError as exc:
        return _page(w, assessment_id, error=_invalid(exc), status=422)
    done = "submitted" if data.submit else "scores"
    return await _save(
        w, assessment_id, lambda s: M.submit_scores(s, assessment_id, data, _ctx(w)), done
    )


@router.post("/maturity/{assessment_id}/status", dependencies=CSRF)
async def status(
    request: Request, w: Annotated[Web, Depends(web)], assessment_id: RecordId
) -> Response:
    await _managed(w, assessment_id)
    form = _form(await request.form(), "version", "status")
    try:
        version, new = int(form.get("version", "")), Status(form.get("status", ""))
    except ValueError:
        return _page(w, assessment_id, error=_("Please correct the form."), status=422)
    return await _save(
        w, assessment_id, lambda s: M.set_status(s, assessment_id, version, new, _ctx(w)), "status"
    )


@router.post("/maturity/{assessment_id}/consensus", dependencies=CSRF)
async def consensus(
    request: Request, w: Annotated[Web, Depends(web)], assessment_id: RecordId
) -> Response:
    await _managed(w, assessment_id)
    values = _form(await request.form(), "item", "score", "rationale", "importance")
    try:
        data = ConsensusIn.model_validate(values)
    except PydanticError as exc:
        return _page(w, assessment_id, error=_invalid(exc), status=422)
    return await _save(
        w, assessment_id, lambda s: M.set_consensus(s, assessment_id, data, _ctx(w)), "consensus"
    )


@router.post("/maturity/{assessment_id}/objectives", dependencies=CSRF)
async def objective(
    request: Request, w: Annotated[Web, Depends(web)], assessment_id: RecordId
) -> Response:
    await _managed(w, assessment_id)
    values = _form(await request.form(), "item", "plan_id", "anchor")
    try:
        data = ObjectiveIn.model_validate(values)
    except PydanticError as exc:
        return _page(w, assessment_id, error=_invalid(exc), status=422)
    return await _save(
        w,
        assessment_id,
        lambda s: M.to_objective(s, assessment_id, data, _ctx(w), w.language),
        "objective",
    )


@router.get("/maturity/{assessment_id}/figures/{name}.json")
def figure(w: Annotated[Web, Depends(web)], assessment_id: RecordId, name: str) -> Response:
    w.require_login()
    with w.platform.session() as s:
        a = M.get_assessment(s, assessment_id, w.access)
        v = V.view(s, assessment_id, w.access)
        fw = M.framework_of(a)
    if not v.results or name not in ("dots", "radar"):  # blind: no figure of anyone's scores
        raise NotFoundError(_("no figure {index}").format(index=name))
    fig = (
        R.dot_plot(fw, v.results, w.language)
        if name == "dots"
        else R.radar(fw, v.results, w.language)
    )
    return Response(
        pio.to_json({"data": fig.get("data", []), "layout": fig.get("layout", {})}),
        media_type="application/json",
        headers={"Cache-Control": "private, no-store"},
    )


# ----- across zones ----------------------------------------------------------------------------
@router.get("/t/{territory}/maturity")
def comparison(w: Annotated[Web, Depends(web)], territory: str) -> Response:
    w.require_login()
    entry = w.platform.entry(territory)
    fw = load_shipped("mesocare-integration")
    with w.platform.session() as s:
        rows = V.compare_zones(s, entry, w.access, fw.name)
    page = ComparisonPage(
        **base(
            w,
            _("Maturity of the zones compared"),
            crumbs=territory_crumbs(entry),
            synthetic=entry.territory.manifest.synthetic,
        ),
        territory=entry.id,
        framework=fw,
        lang=w.language,
        rows=rows,
        names={r.zone_code: entry.unit_name(r.zone_code) for r in rows},
    )
    return render("maturity_compare.html.j2", page)
