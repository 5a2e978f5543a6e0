"""Who a request is from, resolved once per request: a session cookie (pages) or a bearer token
(API), the user's grants, what they may do, and their language."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Path, Request
from starlette.concurrency import run_in_threadpool

from mesocare.errors import AuthenticationError, PermissionDeniedError
from mesocare.i18n import _, set_language
from mesocare.services.platform import Access, Platform, Principal
from mesocare.services.platform import accounts as A

#: a record's id in a path: a positive 32-bit integer (what every database stores)
RecordId = Annotated[int, Path(ge=1, le=2**31 - 1)]
#: a figure's index in a page
FigureIndex = Annotated[int, Path(ge=0, le=1000)]

SESSION_COOKIE = "mc_session"
LOGIN_CSRF_COOKIE = "mc_csrf"


@dataclass
class Web:
    """One request's view of the platform."""

    platform: Platform
    request: Request
    principal: Principal | None
    access: Access
    request_id: str
    language: str
    csrf: str | None
    via_token: bool = False

    @property
    def platform_views(self):  # type: ignore[no-untyped-def]
        """The rendered views kept by this app (see :mod:`mesocare.web.views`)."""
        return self.request.app.state.views

    @property
    def logged_in(self) -> bool:
        return self.principal is not None

    def require_login(self) -> Principal:
        if self.principal is None:
            raise AuthenticationError(_("please log in"))
        return self.principal

    def require(self, allowed: bool, message: str | None = None) -> None:
        self.require_login()
        if not allowed:
            raise PermissionDeniedError(message or _("you may not do this here"))


def _lookup(
    platform: Platform, secret: str | None, token: str | None
) -> tuple[Principal, str | None] | None:
    with platform.session() as s:
        if token is not None:
            p = A.token_principal(s, token)
            return (p, None) if p else None
        if secret is not None:
            return A.session_principal(s, secret)
    return None


async def web(request: Request) -> Web:
    """The dependency every route takes."""
    platform: Platform = request.app.state.platform
    state = request.scope.setdefault("state", {})
    if "web" in state:
        return state["web"]
    auth = request.headers.get("authorization", "")
    token = auth[7:].strip() if auth[:7].lower() == "bearer " else None
    secret = request.cookies.get(SESSION_COOKIE)
    found = await run_in_threadpool(_lookup, platform, secret, token) if (token or secret) else None
    if token is not None and found is None:
        raise AuthenticationError(_("the API token is not valid"))
    principal, csrf = found if found else (None, None)
    language = (principal.language if principal else None) or state.get("language", "en")
    w = Web(
        platform=platform,
        request=request,
        principal=principal,
        access=platform.access(principal),
        request_id=state.get("request_id", "-"),
        language=language,
        csrf=csrf,
        via_token=token is not None,
    )
    state["web"] = w
    set_language(language)  # the user's own, from here on (the middleware set the browser's)
    return w


def login_csrf(request: Request) -> str:
    """The CSRF token of the login form (no session yet): a cookie it must echo."""
    return request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)


async def check_csrf(request: Request) -> None:
    """Refuse a state-changing form post (or cookie-authenticated API call) without the token."""
    w = await web(request)
    if w.via_token:
        return  # a bearer token is not sent by a browser on its own
    if w.principal is None and request.url.path.startswith("/api/"):
        raise AuthenticationError(_("please log in"))
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    expected = w.csrf if w.csrf is not None else request.cookies.get(LOGIN_CSRF_COOKIE)
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        raise PermissionDeniedError(
            _("the form has expired or did not come from this site; reload the page and try again")
        )
