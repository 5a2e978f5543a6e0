"""Workshop mode's pages: the facilitator opens a session on a case, makes groups (each gets a
link, shown once), follows their answers and merges them into the case; a group opens its page by
its link, without an account (the link's token opens that page and nothing else)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from mesocare.errors import MesocareError
from mesocare.i18n import _
from mesocare.organisation.grid import Cell, Dimension
from mesocare.services.platform import grid as G
from mesocare.services.platform import grid_workshop as W
from mesocare.web.deps import LOGIN_CSRF_COOKIE, RecordId, Web, check_csrf, login_csrf, web
from mesocare.web.pages.common import base
from mesocare.web.pages.grid import ctx_of, input_error
from mesocare.web.render import Crumb, Page, render

router = APIRouter()
CSRF = [Depends(check_csrf)]
Token = Annotated[str, Path(min_length=10, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")]


@dataclass
class WorkshopPage(Page):
    workshop: Any = None
    case: Any = None
    groups: list[Any] = field(default_factory=list)
    dimensions: list[Dimension] = field(default_factory=list)
    merged: dict[str, str] = field(default_factory=dict)
    #: the link of the group just made (its token is shown this once)
    new_link: str = ""
    new_label: str = ""
    lang: str = "en"


def _page(w: Web, workshop_id: int, **kw: Any) -> WorkshopPage:
    with w.platform.session() as s:
        wk, c = W.get_workshop(s, workshop_id, ctx_of(w))
        dims = [d for d in G.dimensions_of(s, G.case_version(s, c)) if not d.retired]
        page = WorkshopPage(
            **base(
                w,
                _("Workshop: {title}").format(title=wk.title),
                crumbs=[Crumb("/grid", _("Analysis grid")), Crumb(f"/grid/cases/{c.id}", c.title)],
            ),
            workshop=wk,
            case=c,
            groups=W.groups(s, wk.id),
            dimensions=dims,
            merged=W.merged_proposal(s, wk.id, ctx_of(w)),
            lang=w.language,
            **kw,
        )
    return page


@router.post("/grid/cases/{grid_case_id}/workshops", dependencies=CSRF)
def workshop_open(
    w: Annotated[Web, Depends(web)],
    grid_case_id: RecordId,
    title: Annotated[str, Form(max_length=300)] = "",
    hours: Annotated[float, Form(gt=0, le=W.MAX_HOURS)] = 3,
) -> Response:
    w.require_login()
    with w.platform.session(write=True) as s:
        wid = W.open_workshop(s, grid_case_id, title, hours, ctx_of(w)).id
    return RedirectResponse(f"/grid/workshops/{wid}", status_code=303)


@router.get("/grid/workshops/{workshop_id}")
def workshop_show(
    request: Request,
    w: Annotated[Web, Depends(web)],
    workshop_id: RecordId,
    new: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    """The facilitator's page; ``new``: the token of the group just made, shown this once (only
    when it is a group of this workshop)."""
    w.require_login()
    kw: dict[str, str] = {}
    if new:
        with w.platform.session() as s:
            g = W.group_of(s, workshop_id, new)
        if g is not None:
            kw = {
                "new_link": str(request.url_for("workshop_group_page", token=new)),
                "new_label": g.label,
            }
    resp = render("grid_workshop.html.j2", _page(w, workshop_id, **kw))
    resp.headers["Referrer-Policy"] = "no-referrer"
    resp.headers["Cache-Control"] = "no-store"
    return resp


@router.post("/grid/workshops/{workshop_id}/groups", dependencies=CSRF)
def workshop_group(
    w: Annotated[Web, Depends(web)],
    workshop_id: RecordId,
    label: Annotated[str, Form(max_length=200)] = "",
    dimension: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    w.require_login()
    try:
        with w.platform.session(write=True) as s:
            _g, token = W.add_group(s, workshop_id, label, dimension or None, ctx_of(w))
    except MesocareError as exc:
        msg = input_error(exc)
        if msg is None:
            raise
        page = _page(w, workshop_id)
        page.error = msg
        return render("grid_workshop.html.j2", page, status=422)
    return RedirectResponse(f"/grid/workshops/{workshop_id}?new={token}", status_code=303)


@router.post("/grid/workshops/{workshop_id}/merge", dependencies=CSRF)
async def workshop_merge(
    request: Request, w: Annotated[Web, Depends(web)], workshop_id: RecordId
) -> Response:
    w.require_login()
    form = await request.form()
    texts = {k[5:]: str(v) for k, v in form.items() if k.startswith("text-") and isinstance(v, str)}
    note = str(form.get("note") or "")[:1000]
    try:
        with w.platform.session(write=True) as s:
            wk = W.merge(s, workshop_id, texts, ctx_of(w), note=note)
            case_id = wk.case_id
    except MesocareError as exc:
        msg = input_error(exc)
        if msg is None:
            raise
        page = _page(w, workshop_id)
        page.error = msg
        return render("grid_workshop.html.j2", page, status=422)
    return RedirectResponse(f"/grid/cases/{case_id}?message=merged", status_code=303)


# ----- a group's page (no account) -----------------------------------------------------------------
@dataclass
class GroupPage(Page):
    label: str = ""
    workshop_title: str = ""
    case_title: str = ""
    dimensions: list[Dimension] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)
    current: dict[str, Cell] = field(default_factory=dict)
    submitted: bool = False
    action: str = ""
    lang: str = "en"


def _group_page(request: Request, w: Web, token: str, message: str | None = None) -> Response:
    with w.platform.session() as s:
        gv = W.by_token(s, token)
        answers = {k: Cell.model_validate(c).text for k, c in gv.group.cells.items()}
        csrf = w.csrf or login_csrf(request)
        page = GroupPage(
            title=_("Workshop: {title}").format(title=gv.workshop.title),
            user=w.principal,
            csrf=csrf,
            label=gv.group.label,
            workshop_title=gv.workshop.title,
            case_title=gv.case.title,
            dimensions=gv.dimensions,
            answers=answers,
            current=gv.current,
            submitted=gv.group.submitted_at is not None,
            action=request.url.path,
            lang=w.language,
        )
    page.message = message
    resp = render("grid_group.html.j2", page)
    if w.csrf is None:
        resp.set_cookie(
            LOGIN_CSRF_COOKIE,
            csrf,
            httponly=True,
            samesite="strict",
            secure=bool(request.app.state.secure_cookies),
            max_age=3600 * 24,
        )
    resp.headers["Referrer-Policy"] = "no-referrer"  # the link is the secret
    resp.headers["Cache-Control"] = "no-store"
    return resp


@router.get("/w/{token}", name="workshop_group_page")
def workshop_group_page(
    request: Request, w: Annotated[Web, Depends(web)], token: Token, saved: str = ""
) -> Response:
    msg = _("Your answers are saved. You may still change them.") if saved else None
    return _group_page(request, w, token, msg)


@router.post("/w/{token}", dependencies=CSRF)
async def workshop_group_save(
    request: Request, w: Annotated[Web, Depends(web)], token: Token
) -> Response:
    form = await request.form()
    texts = {
        k[5:]: str(v)[:20_000]
        for k, v in form.items()
        if k.startswith("text-") and isinstance(v, str)
    }
    with w.platform.session(write=True) as s:
        W.save_answers(s, token, texts, W.anonymous_ctx(w.access, w.request_id))
    return RedirectResponse(f"{request.url.path}?saved=1", status_code=303)
