"""The FastAPI app: pages, the JSON API, static files (the platform's own and Plotly's bundle from
the installed package), ``/healthz``; security headers, request ids, languages and errors."""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import plotly
from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response

from mesocare import __version__
from mesocare.errors import NotFoundError
from mesocare.services.platform import Platform
from mesocare.web import errors
from mesocare.web.api import cases as cases_api
from mesocare.web.api import governance as governance_api
from mesocare.web.api import grid as grid_api
from mesocare.web.api import library as library_api
from mesocare.web.api import maturity as maturity_api
from mesocare.web.api import plans as plans_api
from mesocare.web.api import v1
from mesocare.web.middleware import PlatformMiddleware
from mesocare.web.pages import (
    actors,
    auth,
    cafe,
    cases,
    governance,
    governance_meetings,
    grid,
    grid_workshop,
    library,
    maturity,
    members,
    plan_items,
    plans,
    workshops,
    zones,
)
from mesocare.web.views import ViewCache

#: the largest request body accepted (uploads included); beyond it: 413
MAX_BODY = 6_000_000

STATIC: dict[str, tuple[str, str]] = {
    "report.css": ("mesocare.reports", "text/css"),
    "report.js": ("mesocare.reports", "text/javascript"),
    "web.css": ("mesocare.web", "text/css"),
    "web.js": ("mesocare.web", "text/javascript"),
}


@lru_cache(maxsize=8)
def _static(name: str) -> bytes:
    if name == "plotly.min.js":
        return (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_bytes()
    package, _type = STATIC[name]
    return files(package).joinpath("static", name).read_bytes()


def create_app(
    platform: Platform, *, secure_cookies: bool = False, max_body: int = MAX_BODY
) -> FastAPI:
    app = FastAPI(
        title="Mesocare",
        version=__version__,
        description="The Mesocare platform's API: territories, zone diagnoses, actors, members, "
        "the audit log. Authenticate with a bearer token from `mesocare users token EMAIL`.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.platform = platform
    app.state.views = ViewCache()
    app.state.secure_cookies = secure_cookies

    @app.get("/healthz", tags=["health"])
    async def healthz() -> JSONResponse:
        """``{"status": "ok"}`` once the platform can serve."""
        return JSONResponse({"status": "ok"})

    @app.get("/static/{name}", include_in_schema=False)
    async def static(name: str) -> Response:
        if name != "plotly.min.js" and name not in STATIC:
            raise NotFoundError(name)
        media = "text/javascript" if name.endswith(".js") else "text/css"
        return Response(
            _static(name),
            media_type=media,
            headers={"Cache-Control": "public, max-age=86400"},
        )

    for module in (
        auth,
        zones,
        actors,
        members,
        plans,
        plan_items,
        governance,
        cafe,
        cases,
        governance,
        governance_meetings,
        grid,
        grid_workshop,
        library,
        maturity,
        members,
        plan_items,
        plans,
        workshops,
    ):
        app.include_router(module.router, include_in_schema=False)
    app.include_router(v1.router)
    app.include_router(plans_api.router)
    app.include_router(governance_api.router)
    app.include_router(cases_api.router)
    app.include_router(grid_api.router)
    app.include_router(maturity_api.router)
    app.include_router(library_api.router)
    errors.install(app)
    app.add_middleware(PlatformMiddleware, max_body=max_body, secure=secure_cookies)
    _problem_schema(app)
    return app


def route_table(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path) the app answers, included routers too (for the authorisation matrix)."""
    out: list[tuple[str, str]] = []
    for r in app.router.routes:
        contexts = getattr(r, "effective_route_contexts", None)
        for route in contexts() if callable(contexts) else [r]:
            for method in sorted(getattr(route, "methods", None) or []):
                if method != "HEAD":
                    out.append((method, str(getattr(route, "path", ""))))
    return sorted(set(out))


def _problem_schema(app: FastAPI) -> None:
    """Add the Problem schema (RFC 9457) that the API's error responses refer to."""
    from fastapi.openapi.utils import get_openapi

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        comps = schema.setdefault("components", {}).setdefault("schemas", {})
        comps["Problem"] = v1.Problem.model_json_schema()
        schema["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
        schema["security"] = [{"bearer": []}]
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
