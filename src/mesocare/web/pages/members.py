"""A zone's members and their roles, for its coordinator; the whole audit log, for admins."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query
from fastapi.responses import RedirectResponse, Response

from mesocare.errors import MesocareError, NotFoundError
from mesocare.i18n import _
from mesocare.organisation.roles import Role, Scope
from mesocare.services.platform import accounts as A
from mesocare.services.platform import audit
from mesocare.services.platform.audit import AuditEntry
from mesocare.web.deps import RecordId, Web, check_csrf, web
from mesocare.web.pages.common import base, territory_crumbs, zone_links
from mesocare.web.render import Page, render

router = APIRouter()


@dataclass
class Member:
    grant_id: int
    email: str
    display_name: str | None
    role: str
    scope: str
    disabled: bool
    can_revoke: bool


@dataclass
class MembersPage(Page):
    territory: str = ""
    zone: str = ""
    members: list[Member] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    scopes: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class AuditPage(Page):
    entries: list[AuditEntry] = field(default_factory=list)
    total: int = 0
    offset: int = 0
    limit: int = 50
    #: the request id of each change (for support; the zone's history pages leave it out)
    show_request: bool = True


def _members_page(
    w: Web, territory: str, zone: str, *, message: str | None = None, error: str | None = None
) -> MembersPage:
    entry = w.platform.entry(territory)
    entry.require_zone(zone)
    w.require(w.access.can_manage_members(entry.id, zone))
    units = {zone, *entry.networks_by_zone.get(zone, [])}
    with w.platform.session() as s:
        rows = A.members(s, entry.id, units)
        members = [
            Member(
                g.id,
                u.email,
                u.display_name,
                g.role,
                g.unit or "",
                u.disabled,
                w.access.can_grant(Role(g.role), Scope(territory=g.territory, unit=g.unit)),
            )
            for g, u in rows
        ]
    scopes = [(zone, f"{entry.unit_name(zone)} ({zone})")] + [
        (n, f"{entry.unit_name(n)} ({n})") for n in entry.networks_by_zone.get(zone, [])
    ]
    roles = [r.value for r in Role if w.access.can_grant(r, Scope(territory=entry.id, unit=zone))]
    page = MembersPage(
        **base(
            w,
            _("Members and roles of {zone}").format(zone=entry.unit_name(zone)),
            crumbs=territory_crumbs(entry, zone),
            zone_links=zone_links(w, entry, zone, "members"),
            synthetic=entry.territory.manifest.synthetic,
            message=message,
            error=error,
        ),
        territory=entry.id,
        zone=zone,
        members=members,
        roles=roles,
        scopes=scopes,
    )
    return page


@router.get("/t/{territory}/z/{zone}/members")
def members(
    w: Annotated[Web, Depends(web)],
    territory: str,
    zone: str,
    message: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    w.require_login()
    texts = {
        "granted": _("The role has been given."),
        "revoked": _("The role has been taken back."),
    }
    return render("members.html.j2", _members_page(w, territory, zone, message=texts.get(message)))


@router.post("/t/{territory}/z/{zone}/members", dependencies=[Depends(check_csrf)])
def grant(
    w: Annotated[Web, Depends(web)],
    territory: str,
    zone: str,
    email: Annotated[str, Form(max_length=254)],
    role: Annotated[str, Form(max_length=20)],
    unit: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=200)] = "",
    display_name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    w.require_login()
    entry = w.platform.entry(territory)
    entry.require_zone(zone)
    w.require(w.access.can_manage_members(entry.id, zone))
    if unit not in {zone, *entry.networks_by_zone.get(zone, [])}:
        return render(
            "members.html.j2",
            _members_page(
                w, territory, zone, error=_("not a unit of this zone: {unit}").format(unit=unit)
            ),
            status=422,
        )
    try:
        with w.platform.session(write=True) as s:
            try:
                A.get_user(s, email)
            except NotFoundError:
                if not password:
                    raise MesocareError(
                        _(
                            "{email} has no account yet: give a first password (10 characters or more) to create it"
                        ).format(email=email.strip().lower())
                    ) from None
                A.create_user(
                    s,
                    email,
                    password,
                    by=w.principal,
                    request_id=w.request_id,
                    display_name=display_name or None,
                )
            A.grant(
                s,
                email,
                role,
                Scope(territory=entry.id, unit=unit),
                access=w.access,
                request_id=w.request_id,
            )
    except MesocareError as exc:
        return render(
            "members.html.j2", _members_page(w, territory, zone, error=str(exc)), status=422
        )
    return RedirectResponse(f"/t/{entry.id}/z/{zone}/members?message=granted", status_code=303)


@router.post(
    "/t/{territory}/z/{zone}/members/{grant_id}/revoke", dependencies=[Depends(check_csrf)]
)
def revoke(
    w: Annotated[Web, Depends(web)], territory: str, zone: str, grant_id: RecordId
) -> Response:
    w.require_login()
    entry = w.platform.entry(territory)
    entry.require_zone(zone)
    w.require(w.access.can_manage_members(entry.id, zone))
    units = {zone, *entry.networks_by_zone.get(zone, [])}
    with w.platform.session(write=True) as s:
        if grant_id not in {g.id for g, _u in A.members(s, entry.id, units)}:
            raise NotFoundError(_("no role grant {id} in this zone").format(id=grant_id))
        A.revoke(s, grant_id, access=w.access, request_id=w.request_id)
    return RedirectResponse(f"/t/{entry.id}/z/{zone}/members?message=revoked", status_code=303)


@router.get("/audit")
def audit_log(
    w: Annotated[Web, Depends(web)],
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    w.require_login()
    w.require(w.access.can_read_audit_log())
    with w.platform.session() as s:
        entries, total = audit.log_page(s, offset=offset, limit=50)
    page = AuditPage(**base(w, _("Audit log")), entries=entries, total=total, offset=offset)
    return render("audit.html.j2", page)
