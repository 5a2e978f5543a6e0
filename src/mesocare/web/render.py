"""Pages: one Jinja2 environment, and a typed context object per page (a dataclass whose base,
:class:`Page`, carries what the layout needs). Every page template extends ``layout.html.j2``."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from mesocare import __version__, i18n
from mesocare.i18n import _
from mesocare.reports import plan as plan_words
from mesocare.services.platform import Principal
from mesocare.web import words

STATIC_VERSION = __version__


@dataclass(frozen=True)
class Crumb:
    href: str
    label: str


@dataclass
class Page:
    """What every page has: its title, who is reading, where they are, in which language."""

    title: str
    user: Principal | None = None
    csrf: str | None = None
    crumbs: list[Crumb] = field(default_factory=list)
    #: links of the current zone (workspace, actors, members, history), when in a zone
    zone_links: list[tuple[str, str, bool]] = field(default_factory=list)
    message: str | None = None
    error: str | None = None
    synthetic: bool = False
    is_admin: bool = False


@lru_cache(maxsize=1)
def env() -> Environment:
    e = Environment(
        loader=PackageLoader("mesocare.web", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    e.globals.update(
        _=_,
        ngettext=i18n.ngettext,
        fmt_int=i18n.fmt_int,
        fmt_decimal=i18n.fmt_decimal,
        fmt_number=i18n.fmt_number,
        fmt_percent=i18n.fmt_percent,
        fmt_date=i18n.fmt_date,
        fmt_datetime=i18n.fmt_datetime,
        language_name=i18n.language_name,
        LANGUAGES=("nl", "fr", "en"),
        static_version=STATIC_VERSION,
        role_label=words.role_label,
        sector_label=words.sector_label,
        discipline_label=words.discipline_label,
        action_label=words.action_label,
        source_label=words.source_label,
        field_label=words.field_label,
        object_label=words.object_label,
        case_label=words.case_label,
        plan_level_label=plan_words.level_label,
        plan_status_label=plan_words.status_label,
        need_kind_label=plan_words.need_kind_label,
        fmt_eur=i18n.fmt_eur,
    )
    return e


#: where :func:`render` puts ``slot``: a page field given SLOT (shown with ``| safe``) is replaced
#: by those bytes
SLOT = "\x00mesocare-slot\x00"


def render(
    template: str, page: Page, *, status: int = 200, slot: bytes | None = None, **extra: Any
) -> HTMLResponse:
    """The page as HTML; ``slot``: encoded HTML to put where the page says :data:`SLOT` (a big
    fragment rendered and encoded once, such as a zone's report sections)."""
    html = env().get_template(template).render(page=page, lang=i18n.current_language(), **extra)
    if slot is None:
        return HTMLResponse(html, status_code=status)
    head, found, tail = html.partition(SLOT)
    if not found:
        raise ValueError(f"{template}: no slot in the page")
    return HTMLResponse(b"".join((head.encode(), slot, tail.encode())), status_code=status)


def error_response(request: Request, status: int, title: str, detail: str) -> HTMLResponse:
    w = request.scope.get("state", {}).get("web")
    page = ErrorPage(
        title=title,
        detail=detail,
        status=status,
        request_id=request.scope.get("state", {}).get("request_id", "-"),
        user=w.principal if w else None,
        csrf=w.csrf if w else None,
    )
    return render("error.html.j2", page, status=status)


@dataclass
class ErrorPage(Page):
    detail: str = ""
    status: int = 500
    request_id: str = "-"
