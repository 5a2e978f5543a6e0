"""Case pages: my cases (with the emergency-access flags), open a case, the case page (goals,
problems in the patient's order, the care team, actions and referrals with their loop, consent),
break the glass, the access log (with its CSV and JSON for the patient), a practice's target list.

Every form posts to a route here that calls the same services as the API; a refused input shows
the case page again with the reason, nothing saved."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError as PydanticError
from starlette.concurrency import run_in_threadpool

from mesocare.errors import MesocareError, PermissionDeniedError
from mesocare.i18n import _
from mesocare.organisation import cases as M
from mesocare.organisation.icpc2 import DOMAINS, codes
from mesocare.services.platform import case_changes as CC
from mesocare.services.platform import cases as C
from mesocare.services.platform import targets as TG
from mesocare.services.platform.case_access import DEFAULT_GLASS_MINUTES, CaseAccess
from mesocare.services.platform.records import Ctx
from mesocare.web.api.cases import TargetListOut, target_out
from mesocare.web.deps import RecordId, Web, check_csrf, web
from mesocare.web.pages.common import base, territory_crumbs
from mesocare.web.render import Crumb, Page, render

router = APIRouter()
CSRF = [Depends(check_csrf)]


@dataclass
class CasesPage(Page):
    cases: list[M.CaseSummary] = field(default_factory=list)
    #: (territory, zone, label) where the user may open a case
    zones: list[tuple[str, str, str]] = field(default_factory=list)
    practices: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class CasePage(Page):
    case: M.CaseDetail | None = None
    can_contribute: bool = False
    can_manage: bool = False
    categories: tuple[str, ...] = M.CATEGORIES
    domains: tuple[str, ...] = DOMAINS
    icpc2: list[tuple[str, str]] = field(default_factory=list)
    #: the problems in the patient's order of priority, then the others
    ordered: list[M.ProblemOut] = field(default_factory=list)
    actors: list[tuple[int, str]] = field(default_factory=list)
    next_steps: dict[int, list[str]] = field(default_factory=dict)
    team_names: dict[int, str] = field(default_factory=dict)
    problem_names: dict[int, str] = field(default_factory=dict)
    #: the user facilitates workshops in the case's zone and reaches the case as its team
    can_draft_workshop: bool = False


@dataclass
class CaseOpenPage(Page):
    territory: str = ""
    zone: str = ""


@dataclass
class BreakGlassPage(Page):
    case_id: int = 0
    code: str = ""
    can_break: bool = False
    minutes: int = DEFAULT_GLASS_MINUTES


@dataclass
class AccessLogPage(Page):
    case_id: int = 0
    rows: list[M.AccessLogRow] = field(default_factory=list)


@dataclass
class TargetsPage(Page):
    territory: str = ""
    targets: TargetListOut | None = None


def _ctx(w: Web) -> Ctx:
    w.require_login()
    return Ctx(w.access, w.request_id)


def _base(w: Web, title: str, crumbs: list[Crumb] | None = None) -> dict[str, Any]:
    return base(w, title, crumbs=[Crumb("/cases", _("My cases")), *(crumbs or [])])


# ----- my cases --------------------------------------------------------------------------------
@router.get("/cases")
def my_cases(w: Annotated[Web, Depends(web)]) -> Response:
    ctx = _ctx(w)
    ca = CaseAccess(w.access)
    zones = [
        (e.id, z, f"{e.unit_name(z)} ({z})")
        for e in w.platform.territories.values()
        for z in e.zones
        if ca.can_open_case(e.id, z)
    ]
    with w.platform.session() as s:
        rows = C.my_cases(s, ca)
        practices = TG.my_practices(s, ctx)
    page = CasesPage(**base(w, _("My cases")), cases=rows, zones=zones, practices=practices)
    return render("cases.html.j2", page)


@router.get("/t/{territory}/z/{zone}/cases/new")
def case_new(w: Annotated[Web, Depends(web)], territory: str, zone: str) -> Response:
    w.require_login()
    entry = w.platform.entry(territory)
    entry.require_zone(zone)
    w.require(CaseAccess(w.access).can_open_case(entry.id, zone))
    page = CaseOpenPage(
        **base(w, _("Open a case"), crumbs=territory_crumbs(entry, zone)),
        territory=entry.id,
        zone=zone,
    )
    return render("case_open.html.j2", page)


@router.post("/t/{territory}/z/{zone}/cases", dependencies=CSRF)
async def case_create(
    request: Request, w: Annotated[Web, Depends(web)], territory: str, zone: str
) -> Response:
    ctx = _ctx(w)
    entry = w.platform.entry(territory)
    entry.require_zone(zone)
    w.require(CaseAccess(w.access).can_open_case(entry.id, zone))
    form = await request.form()
    code = str(form.get("code") or "").strip()

    def save() -> int:
        with w.platform.session(write=True) as s:
            return C.open_case(s, entry, zone, M.CaseOpen(code=code or None), ctx).id

    try:
        cid = await run_in_threadpool(save)
    except (MesocareError, PydanticError) as exc:
        page = CaseOpenPage(
            **base(w, _("Open a case"), crumbs=territory_crumbs(entry, zone)),
            territory=entry.id,
            zone=zone,
        )
        page.error = _message(exc)
        return render("case_open.html.j2", page, status=422)
    return RedirectResponse(f"/cases/{cid}?message=opened", status_code=303)


# ----- one case --------------------------------------------------------------------------------
MESSAGES = {
    "opened": "The case is open. Add the patient's goals and problems, then the care team.",
    "saved": "Saved.",
    "revoked": "The consent is revoked: what it covered is hidden from now on.",
    "emergency": "Emergency access granted; the coordinator of the case is told.",
}


def _message(exc: Exception) -> str:
    if isinstance(exc, PydanticError):
        e = exc.errors()[0]
        where = ".".join(str(x) for x in e["loc"])
        msg = str(e["msg"]).removeprefix("Value error, ")
        return f"{where}: {msg}" if where else msg
    return str(exc)


def _case_page(
    w: Web, case_id: int, *, message: str = "", error: str | None = None, status: int = 200
) -> Response:
    ctx = _ctx(w)
    try:
        with w.platform.session(write=True) as s:
            d = C.read_case(s, case_id, ctx)
            case, f = C.load(s, case_id, CaseAccess(w.access))
            ca = CaseAccess(w.access)
            at = C.utcnow()
            contribute, manage = ca.can_contribute(f, at), ca.can_manage(f, at)
            actors = CC.zone_actors(s, case.territory, case.zone_code) if manage else []
    except PermissionDeniedError:
        return _denied(w, case_id)
    by_id = {p.id: p for p in d.problems}
    ordered = [by_id[i] for i in d.priority] + [p for p in d.problems if p.id not in d.priority]
    page = CasePage(
        **_base(w, _("Case {code}").format(code=d.code)),
        case=d,
        can_contribute=contribute,
        can_manage=manage,
        can_draft_workshop=d.reach in ("team", "coordinator")
        and w.access.can_edit_records(d.territory, d.zone_code),
        icpc2=[(c.code, f"{c.code} · {c.title(w.language)}") for c in codes().values()],
        ordered=ordered,
        actors=actors,
        next_steps={a.id: sorted(s.value for s in M.NEXT[a.status]) for a in d.actions},
        team_names={t.id: t.actor_name or t.user or t.role for t in d.team},
        problem_names={p.id: p.text for p in d.problems},
    )
    page.message = _(MESSAGES[message]) if message in MESSAGES else None
    page.error = error
    return render("case.html.j2", page, status=status)


def _denied(w: Web, case_id: int) -> Response:
    """403, with the way to an emergency access for those who may ask it."""
    with w.platform.session() as s:
        can = CC.can_break_glass(s, case_id, CaseAccess(w.access))
    page = BreakGlassPage(
        **_base(w, _("Not on the care team of this case")), case_id=case_id, can_break=can
    )
    page.error = _("only the care team of this case and its coordinator may open it")
    return render("break_glass.html.j2", page, status=403)


@router.get("/cases/{case_id}")
def case_view(w: Annotated[Web, Depends(web)], case_id: RecordId, message: str = "") -> Response:
    return _case_page(w, case_id, message=message[:20])


async def _post(
    request: Request, w: Web, case_id: int, model: Any, fn: Any, *args: Any, done: str = "saved"
) -> Response:
    ctx = _ctx(w)
    form = await request.form()
    values: dict[str, Any] = {}
    for k, v in form.multi_items():
        if k == "csrf_token" or not isinstance(v, str):
            continue
        v = v.strip()
        if k in ("shared_with", "problem_ids"):
            values.setdefault(k, []).append(v)
        elif v != "":
            values[k] = v
    try:
        data = model.model_validate(values) if model is not None else None

        def save() -> None:
            with w.platform.session(write=True) as s:
                fn(s, *args, *([data] if data is not None else []), ctx)

        await run_in_threadpool(save)
    except PermissionDeniedError:
        raise
    except (MesocareError, PydanticError) as exc:
        error = _message(exc)
        return await run_in_threadpool(lambda: _case_page(w, case_id, error=error, status=422))
    return RedirectResponse(f"/cases/{case_id}?message={done}", status_code=303)


@router.post("/cases/{case_id}/goals", dependencies=CSRF)
async def goal_add(request: Request, w: Annotated[Web, Depends(web)], case_id: RecordId):  # type: ignore[no-untyped-def]
    return await _post(request, w, case_id, M.GoalIn, CC.add_goal, case_id)


@router.post("/cases/{case_id}/problems", dependencies=CSRF)
async def problem_add(request: Request, w: Annotated[Web, Depends(web)], case_id: RecordId):  # type: ignore[no-untyped-def]
    return await _post(request, w, case_id, M.ProblemIn, CC.add_problem, case_id)


@router.post("/cases/{case_id}/team", dependencies=CSRF)
async def team_add(request: Request, w: Annotated[Web, Depends(web)], case_id: RecordId):  # type: ignore[no-untyped-def]
    return await _post(request, w, case_id, M.TeamIn, CC.add_team_member, case_id)


@router.post("/cases/{case_id}/actions", dependencies=CSRF)
async def action_add(request: Request, w: Annotated[Web, Depends(web)], case_id: RecordId):  # type: ignore[no-untyped-def]
    return await _post(request, w, case_id, M.ActionIn, CC.add_action, case_id)


@router.post("/cases/{case_id}/actions/{action_id}/status", dependencies=CSRF)
async def action_step(  # type: ignore[no-untyped-def]
    request: Request, w: Annotated[Web, Depends(web)], case_id: RecordId, action_id: RecordId
):
    def step(s: Any, data: M.ActionStatusIn, ctx: Ctx) -> None:
        CC.set_action_status(s, action_id, data, ctx, case_id=case_id)

    return await _post(request, w, case_id, M.ActionStatusIn, step)


@router.post("/cases/{case_id}/consents", dependencies=CSRF)
async def consent_add(request: Request, w: Annotated[Web, Depends(web)], case_id: RecordId):  # type: ignore[no-untyped-def]
    return await _post(request, w, case_id, M.ConsentIn, CC.add_consent, case_id)


@router.post("/cases/{case_id}/consents/{consent_id}/revoke", dependencies=CSRF)
async def consent_revoke(  # type: ignore[no-untyped-def]
    request: Request, w: Annotated[Web, Depends(web)], case_id: RecordId, consent_id: RecordId
):
    form = await request.form()
    version = int(str(form.get("version") or "0")) if str(form.get("version", "")).isdigit() else 0

    def revoke(s: Any, ctx: Ctx) -> None:
        CC.revoke_consent(s, consent_id, version, ctx, case_id=case_id)

    return await _post(request, w, case_id, None, revoke, done="revoked")


@router.post("/cases/{case_id}/priority", dependencies=CSRF)
async def priority_set(request: Request, w: Annotated[Web, Depends(web)], case_id: RecordId):  # type: ignore[no-untyped-def]
    return await _post(request, w, case_id, M.PriorityIn, CC.set_priority, case_id)


# ----- break the glass, the access log ---------------------------------------------------------
@router.get("/cases/{case_id}/break-glass")
def glass_form(w: Annotated[Web, Depends(web)], case_id: RecordId) -> Response:
    w.require_login()
    with w.platform.session() as s:
        if CC.reaches(s, case_id, CaseAccess(w.access)):
            return RedirectResponse(f"/cases/{case_id}", status_code=303)
        w.require(CC.can_break_glass(s, case_id, CaseAccess(w.access)))
    page = BreakGlassPage(**_base(w, _("Emergency access")), case_id=case_id, can_break=True)
    return render("break_glass.html.j2", page)


@router.post("/cases/{case_id}/break-glass", dependencies=CSRF)
async def glass_break(
    request: Request, w: Annotated[Web, Depends(web)], case_id: RecordId
) -> Response:
    ctx = _ctx(w)
    form = await request.form()
    values = {k: str(v).strip() for k, v in form.items() if k in ("reason", "minutes")}
    try:
        data = M.BreakGlassIn.model_validate(values)
    except PydanticError as exc:
        with w.platform.session() as s:
            w.require(
                CC.reaches(s, case_id, CaseAccess(w.access))
                or CC.can_break_glass(s, case_id, CaseAccess(w.access))
            )
        page = BreakGlassPage(**_base(w, _("Emergency access")), case_id=case_id, can_break=True)
        page.error = _message(exc)
        return render("break_glass.html.j2", page, status=422)

    def save() -> bool:
        with w.platform.session(write=True) as s:
            return CC.break_glass(s, case_id, data, ctx) is not None

    granted = await run_in_threadpool(save)
    return RedirectResponse(
        f"/cases/{case_id}" + ("?message=emergency" if granted else ""), status_code=303
    )


@router.post("/cases/{case_id}/break-glass/{glass_id}/acknowledge", dependencies=CSRF)
def glass_seen(w: Annotated[Web, Depends(web)], case_id: RecordId, glass_id: RecordId) -> Response:
    ctx = _ctx(w)
    with w.platform.session(write=True) as s:
        CC.acknowledge_glass(s, glass_id, ctx, case_id=case_id)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.get("/cases/{case_id}/access-log")
def log_page(w: Annotated[Web, Depends(web)], case_id: RecordId) -> Response:
    ctx = _ctx(w)
    with w.platform.session(write=True) as s:
        rows = CC.access_log(s, case_id, ctx)
    page = AccessLogPage(
        **_base(w, _("Access log of the case"), [Crumb(f"/cases/{case_id}", _("Case"))]),
        case_id=case_id,
        rows=rows,
    )
    return render("case_log.html.j2", page)


@router.get("/cases/{case_id}/access-log.{fmt}")
def log_file(w: Annotated[Web, Depends(web)], case_id: RecordId, fmt: str) -> Response:
    ctx = _ctx(w)
    if fmt not in ("csv", "json"):
        from mesocare.errors import NotFoundError

        raise NotFoundError(fmt)
    with w.platform.session(write=True) as s:
        rows = CC.access_log(s, case_id, ctx)
    body = CC.access_log_csv(rows) if fmt == "csv" else CC.access_log_json(rows)
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
    name = f"case-{case_id}-access-log.{fmt}"
    return Response(
        body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


# ----- who to reach first ----------------------------------------------------------------------
@router.get("/t/{territory}/practices/{practice_id}/targets")
def targets_page(w: Annotated[Web, Depends(web)], territory: str, practice_id: str) -> Response:
    ctx = _ctx(w)
    entry = w.platform.entry(territory)
    with w.platform.session(write=True) as s:
        tl = TG.target_list(s, entry, w.platform.data_dir, practice_id, ctx)
    page = TargetsPage(
        **_base(w, _("Whom to reach first: practice {id}").format(id=practice_id)),
        territory=entry.id,
        targets=target_out(tl),
    )
    return render("targets.html.j2", page)


@router.post("/t/{territory}/practices/{practice_id}/targets/case", dependencies=CSRF)
async def target_case(
    request: Request, w: Annotated[Web, Depends(web)], territory: str, practice_id: str
) -> Response:
    ctx = _ctx(w)
    entry = w.platform.entry(territory)
    person = str((await request.form()).get("person_id") or "")[:40]

    def save() -> int:
        with w.platform.session(write=True) as s:
            return TG.open_from_list(s, entry, w.platform.data_dir, practice_id, person, ctx).id

    cid = await run_in_threadpool(save)
    return RedirectResponse(f"/cases/{cid}?message=opened", status_code=303)
