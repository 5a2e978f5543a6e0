"""The participant's phone in a world café: join by the link (name, profession, sector; no
account), then the workshop's case study, this round's question, one's table and its pad.

The participant's token lives in its own cookie (``mc_cafe``, HttpOnly, SameSite=Lax, expiring
with the token); it is not a session: every other route of the site sees no one. The forms carry
the double-submit CSRF token of the login form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import ValidationError as PydanticError
from starlette.concurrency import run_in_threadpool

from mesocare.errors import AuthenticationError, MesocareError
from mesocare.i18n import _, use_locale
from mesocare.organisation import workshops as W
from mesocare.services.platform import workshop_room as R
from mesocare.web.deps import LOGIN_CSRF_COOKIE, RecordId, Web, check_csrf, login_csrf, web
from mesocare.web.pages.cases import _message
from mesocare.web.render import Page, render

router = APIRouter()
CSRF = [Depends(check_csrf)]
COOKIE = "mc_cafe"


@dataclass
class JoinPage(Page):
    secret: str = ""
    workshop_title: str = ""
    sectors: dict[str, str] = field(default_factory=dict)
    name: str = ""
    profession: str = ""
    sector: str = ""


@dataclass
class PhonePage(Page):
    view: W.ParticipantView | None = None


def _token(request: Request) -> str | None:
    return request.cookies.get(COOKIE)


def _with_csrf(request: Request, resp: Response, token: str) -> Response:
    resp.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=bool(request.app.state.secure_cookies),
        max_age=12 * 3600,
    )
    return resp


def _join_page(
    w: Web, secret: str, *, error: str | None = None, status: int = 200, **values: str
) -> Response:
    token = login_csrf(w.request)
    title = ""
    try:
        with w.platform.session() as s:
            row = R.workshop_of_link(s, secret)
            title, language = row.title, row.language
    except AuthenticationError as exc:
        language, error, status = w.language, str(exc), 401
    with use_locale(language):
        page = JoinPage(
            title=_("Join the workshop"),
            csrf=token,
            secret=secret if title else "",
            workshop_title=title,
            sectors={k: _(v) for k, v in W.SECTORS.items()},
            name=values.get("name", ""),
            profession=values.get("profession", ""),
            sector=values.get("sector", ""),
        )
        page.error = error
        return _with_csrf(w.request, render("cafe_join.html.j2", page, status=status), token)


@router.get("/cafe/{secret}")
def join_form(w: Annotated[Web, Depends(web)], secret: str) -> Response:
    return _join_page(w, secret[:100])


@router.post("/cafe/{secret}", dependencies=CSRF)
async def join(request: Request, w: Annotated[Web, Depends(web)], secret: str) -> Response:
    form = await request.form()
    values = {k: str(form.get(k) or "").strip() for k in ("name", "profession", "sector")}
    try:
        data = W.ParticipantIn.model_validate(values)

        def save() -> tuple[int, str]:
            with w.platform.session(write=True) as s:
                p, token = R.join(s, secret[:100], data)
                return p.workshop_id, token

        wid, token = await run_in_threadpool(save)
    except AuthenticationError:
        return await run_in_threadpool(lambda: _join_page(w, secret[:100]))
    except (MesocareError, PydanticError) as exc:
        msg = _message(exc)
        return await run_in_threadpool(
            lambda: _join_page(w, secret[:100], error=msg, status=422, **values)
        )
    resp = RedirectResponse(f"/cafe/w/{wid}", status_code=303)
    resp.set_cookie(
        COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=bool(request.app.state.secure_cookies),
        max_age=W.DEFAULT_TOKEN_HOURS * 3600,
        path="/cafe",
    )
    return resp


def _phone(
    w: Web, workshop_id: int, *, error: str | None = None, status: int = 200, message: str = ""
) -> Response:
    with w.platform.session() as s:
        g = R.guest(s, _token(w.request))
        v = R.view(s, g, workshop_id)
        lang = R.language_of(s, workshop_id)
    token = login_csrf(w.request)
    with use_locale(lang):
        page = PhonePage(title=v.title, csrf=token, view=v)
        page.error = error
        page.message = _("Saved.") if message == "saved" else None
        return _with_csrf(w.request, render("cafe_phone.html.j2", page, status=status), token)


@router.get("/cafe/w/{workshop_id}")
def phone(w: Annotated[Web, Depends(web)], workshop_id: RecordId, message: str = "") -> Response:
    return _phone(w, workshop_id, message=message[:10])


@router.get("/cafe/w/{workshop_id}/live.json")
def phone_live(w: Annotated[Web, Depends(web)], workshop_id: RecordId) -> Response:
    with w.platform.session() as s:
        v = R.view(s, R.guest(s, _token(w.request)), workshop_id)
    state = {"round": v.current_round, "status": v.status, "table": v.table}
    return JSONResponse(state, headers={"Cache-Control": "no-store"})


@router.post("/cafe/w/{workshop_id}/pad", dependencies=CSRF)
async def pad(request: Request, w: Annotated[Web, Depends(web)], workshop_id: RecordId) -> Response:
    form = await request.form()
    raw = str(form.get("version") or "")
    text = str(form.get("text") or "")
    try:
        data = W.PadIn(version=int(raw) if raw.isdigit() else -1, text=text)
    except PydanticError as exc:
        msg = _message(exc)
        return await run_in_threadpool(lambda: _phone(w, workshop_id, error=msg, status=422))

    def save() -> None:
        with w.platform.session(write=True) as s:
            R.write_pad(s, R.guest(s, _token(request)), workshop_id, data)

    try:
        await run_in_threadpool(save)
    except MesocareError as exc:
        if exc.__class__.__name__ != "ConflictError":
            raise
        msg = _("Someone at your table saved the pad first: here is their text; add yours again.")
        return await run_in_threadpool(lambda: _phone(w, workshop_id, error=msg, status=409))
    return RedirectResponse(f"/cafe/w/{workshop_id}?message=saved", status_code=303)
