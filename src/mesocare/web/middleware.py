"""What every request passes through (a plain ASGI middleware, so the language and request id
reach the routes' threads): a request id, the language, the security headers, the upload limit, and
one log line per request (method, path without its query, status, time; never a body)."""

from __future__ import annotations

import html
import json
import logging
import re
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mesocare.i18n import use_locale

log = logging.getLogger("mesocare.web")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def pick_language(scope: Scope) -> str:
    """The language of a request before its user is known: the ``mc_lang`` cookie, then the
    browser's Accept-Language, else English."""
    headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}
    for part in headers.get("cookie", "").split(";"):
        k, _, v = part.strip().partition("=")
        if k == "mc_lang" and v in ("nl", "fr", "en"):
            return v
    ranked: list[tuple[float, str]] = []
    for item in headers.get("accept-language", "").split(","):
        tag, _, q = item.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        code = tag.strip().lower()[:2]
        if code in ("nl", "fr", "en"):
            ranked.append((weight, code))
    return max(ranked)[1] if ranked else "en"


class TooLarge(Exception):
    pass


class PlatformMiddleware:
    def __init__(self, app: ASGIApp, *, max_body: int, secure: bool = False) -> None:
        self.app = app
        self.max_body = max_body
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = dict(scope.get("headers", []))
        rid = headers.get(b"x-request-id", b"").decode("latin-1")
        rid = rid if _REQUEST_ID.match(rid) else uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = rid
        lang = pick_language(scope)
        scope["state"]["language"] = lang
        status = {"code": 500}
        path = scope.get("path", "")
        static = path.startswith("/static/")

        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            await self._too_large(send, rid)
            self._log(scope, 413, started, rid)
            return
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise TooLarge
            return message

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                extra: list[tuple[bytes, bytes]] = [
                    (b"x-request-id", rid.encode()),
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"same-origin"),
                ]
                if self.secure:
                    extra.append((b"strict-transport-security", b"max-age=31536000"))
                names = {k.lower() for k, _ in message.get("headers", [])}
                if b"cache-control" not in names:
                    extra.append((b"cache-control", b"no-store"))
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        started_response = False

        async def tracked_send(message: Message) -> None:
            nonlocal started_response
            if message["type"] == "http.response.start":
                started_response = True
            await send_with_headers(message)

        try:
            with use_locale(lang):
                await self.app(scope, limited_receive, tracked_send)
        except TooLarge:
            await self._too_large(send, rid)
            status["code"] = 413
        except Exception as exc:  # a bug: logged with its request id, never shown to the user
            log.error(
                "unexpected %s in %s %s rid=%s",
                type(exc).__name__,
                scope.get("method"),
                path,
                rid,
                exc_info=exc,
            )
            if not started_response:
                with use_locale(lang):
                    await self._server_error(tracked_send, rid, api=path.startswith("/api/"))
            status["code"] = 500
        finally:
            # the request's Web refers to the request, whose scope holds it: a cycle that only
            # the garbage collector's slow passes would free
            scope["state"].pop("web", None)
            if not static:
                self._log(scope, status["code"], started, rid)

    async def _too_large(self, send: Send, rid: str) -> None:
        body = (
            b'{"type":"about:blank","title":"Payload Too Large","status":413,'
            b'"detail":"the request body is larger than the limit of '
            + str(self.max_body).encode()
            + b' bytes"}'
        )
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"x-request-id", rid.encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def _server_error(self, send: Send, rid: str, *, api: bool) -> None:
        from mesocare.i18n import _

        detail = _("an unexpected error; it has been logged as request {rid}").format(rid=rid)
        if api:
            body = json.dumps(
                {
                    "type": "about:blank",
                    "title": _("Something went wrong"),
                    "status": 500,
                    "detail": detail,
                    "request_id": rid,
                }
            ).encode()
            ctype = b"application/problem+json"
        else:
            title = html.escape(_("Something went wrong"))
            home = html.escape(_("Back to the start page"))
            body = (
                f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>'
                f'<link rel="stylesheet" href="/static/web.css"></head><body><div class="mc-main">'
                f'<h1>{title}</h1><p class="mc-error">{html.escape(detail)}</p>'
                f'<p><a href="/">{home}</a></p></div></body></html>'
            ).encode()
            ctype = b"text/html; charset=utf-8"
        await send(
            {
                "type": "http.response.start",
                "status": 500,
                "headers": [(b"content-type", ctype), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})

    @staticmethod
    def _log(scope: Scope, status: int, started: float, rid: str) -> None:
        ms = (time.perf_counter() - started) * 1000
        log.info("%s %s %d %.1fms rid=%s", scope.get("method"), scope.get("path"), status, ms, rid)


def request_state(scope: dict[str, Any]) -> dict[str, Any]:
    return scope.setdefault("state", {})
