"""Log in, log out, the language switch and the account page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from mesocare.errors import AuthenticationError, MesocareError, ThrottledError
from mesocare.i18n import _, set_language
from mesocare.organisation.roles import Grant
from mesocare.services.platform import accounts as A
from mesocare.web.deps import LOGIN_CSRF_COOKIE, SESSION_COOKIE, Web, check_csrf, login_csrf, web
from mesocare.web.render import Page, render

router = APIRouter()


@dataclass
class LoginPage(Page):
    next: str = "/"
    email: str = ""


@dataclass
class AccountPage(Page):
    email: str = ""
    display_name: str | None = None
    language: str | None = None
    grants: tuple[Grant, ...] = ()


def _safe_next(nxt: str | None) -> str:
    """Only a path of this site (no scheme, no host, no //), else the start page."""
    if not nxt or not nxt.startswith("/") or nxt.startswith("//") or "\\" in nxt:
        return "/"
    parts = urlsplit(nxt)
    return "/" if parts.scheme or parts.netloc else nxt


def _secure(request: Request) -> bool:
    return bool(request.app.state.secure_cookies)


def _login_page(
    request: Request, nxt: str, email: str = "", error: str | None = None, status: int = 200
) -> Response:
    token = login_csrf(request)
    resp = render(
        "login.html.j2",
        LoginPage(title=_("Log in"), csrf=token, next=_safe_next(nxt), email=email, error=error),
        status=status,
    )
    resp.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        max_age=3600,
    )
    return resp


@router.get("/login")
async def login_form(
    request: Request, w: Annotated[Web, Depends(web)], next: str = "/"
) -> Response:
    if w.logged_in:
        return RedirectResponse(_safe_next(next), status_code=303)
    return _login_page(request, next)


@router.post("/login", dependencies=[Depends(check_csrf)])
def login(
    request: Request,
    w: Annotated[Web, Depends(web)],
    email: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    client = request.client.host if request.client else "-"
    try:
        with w.platform.session(write=True) as s:
            user = A.authenticate(s, email, password, client)
            secret, _csrf = A.open_session(s, user)
            language = user.language
    except (AuthenticationError, ThrottledError) as exc:
        status = 429 if isinstance(exc, ThrottledError) else 401
        if status == 401:
            with w.platform.session(write=True) as s:
                A.record_failure(s, email, client)
        return _login_page(request, next, email=email[:254], error=str(exc), status=status)
    if language:
        set_language(language)
    resp = RedirectResponse(_safe_next(next), status_code=303)
    resp.set_cookie(
        SESSION_COOKIE,
        secret,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        max_age=int(A.SESSION_LIFETIME.total_seconds()),
    )
    resp.delete_cookie(LOGIN_CSRF_COOKIE)
    return resp


@router.post("/logout", dependencies=[Depends(check_csrf)])
def logout(request: Request, w: Annotated[Web, Depends(web)]) -> Response:
    secret = request.cookies.get(SESSION_COOKIE)
    if secret:
        with w.platform.session(write=True) as s:
            A.close_session(s, secret)
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(SESSION_COOKIE)
    return resp


@router.post("/language", dependencies=[Depends(check_csrf)])
def language(
    request: Request,
    w: Annotated[Web, Depends(web)],
    language: Annotated[str, Form(pattern="^(nl|fr|en)$")],
) -> Response:
    if w.principal is not None:
        with w.platform.session(write=True) as s:
            A.set_language(s, w.principal.user_id, language, request_id=w.request_id)
    back = _safe_next(urlsplit(request.headers.get("referer", "/")).path or "/")
    resp = RedirectResponse(back, status_code=303)
    resp.set_cookie("mc_lang", language, samesite="lax", secure=_secure(request), max_age=31536000)
    return resp


def _account_page(w: Web, message: str | None = None, error: str | None = None) -> Page:
    p = w.require_login()
    return AccountPage(
        title=_("Your account"),
        user=p,
        csrf=w.csrf,
        is_admin=p.is_admin,
        email=p.email,
        display_name=p.display_name,
        language=p.language,
        grants=p.grants,
        message=message,
        error=error,
    )


@router.get("/account")
async def account(w: Annotated[Web, Depends(web)]) -> Response:
    return render("account.html.j2", _account_page(w))


@router.post("/account/password", dependencies=[Depends(check_csrf)])
def password(
    w: Annotated[Web, Depends(web)],
    current: Annotated[str, Form(max_length=200)],
    new: Annotated[str, Form(max_length=200)],
) -> Response:
    p = w.require_login()
    try:
        with w.platform.session(write=True) as s:
            A.change_password(s, p.user_id, current, new, request_id=w.request_id)
    except MesocareError as exc:
        return render("account.html.j2", _account_page(w, error=str(exc)), status=422)
    return render("account.html.j2", _account_page(w, message=_("Your password has been changed.")))
