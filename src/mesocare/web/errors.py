"""Errors as a user meets them: ``application/problem+json`` (RFC 9457) naming the field under
``/api``, an error page in the user's language elsewhere. No traceback reaches a user; an
unexpected error is logged with its request id (never a request body) and answered with that id."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from mesocare.errors import (
    AuthenticationError,
    ConflictError,
    MesocareError,
    NotFoundError,
    PermissionDeniedError,
    ThrottledError,
    TooLargeError,
    UnknownCodeError,
    UnsupportedTypeError,
    ValidationError,
)
from mesocare.i18n import _

STATUS: list[tuple[type[MesocareError], int]] = [
    (AuthenticationError, 401),
    (PermissionDeniedError, 403),
    (NotFoundError, 404),
    (UnknownCodeError, 404),
    (ConflictError, 409),
    (TooLargeError, 413),
    (UnsupportedTypeError, 415),
    (ValidationError, 422),
    (ThrottledError, 429),
    (MesocareError, 400),
]


def status_of(exc: MesocareError) -> int:
    return next(code for cls, code in STATUS if isinstance(exc, cls))


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def problem(status: int, title: str, detail: str, request: Request, **extra: Any) -> JSONResponse:
    body = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        "request_id": request.scope.get("state", {}).get("request_id"),
        **extra,
    }
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(
        body, status_code=status, media_type="application/problem+json", headers=headers
    )


def _titles() -> dict[int, str]:
    return {
        400: _("Bad request"),
        401: _("Please log in"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("Method not allowed"),
        409: _("Changed by someone else"),
        413: _("Too large"),
        415: _("Unsupported type"),
        422: _("Invalid input"),
        429: _("Too many attempts"),
        500: _("Something went wrong"),
    }


def error_page(request: Request, status: int, detail: str) -> Response:
    from mesocare.web.render import error_response

    return error_response(request, status, _titles().get(status, str(status)), detail)


def install(app: FastAPI) -> None:
    @app.exception_handler(MesocareError)
    async def mesocare_error(request: Request, exc: MesocareError) -> Response:
        status = status_of(exc)
        if is_api(request):
            extra: dict[str, Any] = {}
            if isinstance(exc, ValidationError):
                extra = {
                    k: v
                    for k, v in (("field", exc.column), ("row", exc.row), ("file", exc.file))
                    if v is not None
                }
            if isinstance(exc, ConflictError) and exc.current_version is not None:
                extra["current_version"] = exc.current_version
            return problem(status, _titles().get(status, ""), str(exc), request, **extra)
        if status == 401:
            nxt = request.url.path
            return RedirectResponse(f"/login?next={nxt}", status_code=303)
        return error_page(request, status, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {
                "field": ".".join(
                    str(x) for x in e.get("loc", ()) if x not in ("body", "query", "path")
                ),
                "in": str(e.get("loc", ("",))[0]),
                "message": e.get("msg", ""),
            }
            for e in exc.errors()
        ]
        detail = "; ".join(f"{e['field'] or e['in']}: {e['message']}" for e in errors)
        if is_api(request):
            return problem(422, _titles()[422], detail, request, errors=errors)
        return error_page(request, 422, detail)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else _titles().get(exc.status_code, "")
        if exc.status_code == 404:
            detail = _("there is no page at this address")
        if exc.status_code == 405:
            detail = _("this address does not accept this method")
        if is_api(request):
            return problem(exc.status_code, _titles().get(exc.status_code, ""), detail, request)
        return error_page(request, exc.status_code, detail)
