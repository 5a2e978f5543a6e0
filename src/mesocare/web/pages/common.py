"""What several pages share: the crumbs and zone links, and the base of a page's context."""

from __future__ import annotations

from typing import Any

from mesocare.i18n import _
from mesocare.services.platform import TerritoryEntry
from mesocare.web.deps import Web
from mesocare.web.render import Crumb


def base(w: Web, title: str, **kw: Any) -> dict[str, Any]:
    """The fields of :class:`~mesocare.web.render.Page` for this request."""
    return {
        "title": title,
        "user": w.principal,
        "csrf": w.csrf,
        "is_admin": w.access.is_admin,
        **kw,
    }


def territory_crumbs(entry: TerritoryEntry, zone: str | None = None) -> list[Crumb]:
    out = [Crumb(f"/t/{entry.id}", entry.name)]
    if zone:
        out.append(Crumb(f"/t/{entry.id}/z/{zone}", f"{entry.unit_name(zone)} ({zone})"))
    return out


def zone_links(
    w: Web, entry: TerritoryEntry, zone: str, active: str
) -> list[tuple[str, str, bool]]:
    root = f"/t/{entry.id}/z/{zone}"
    links = [("workspace", root, _("Diagnosis"))]
    if w.access.can_read_zone(entry.id, zone):
        links.append(("actors", f"{root}/actors", _("Actors and networks")))
        links.append(("plans", f"{root}/plans", _("Action plans")))
        links.append(("governance", f"{root}/governance", _("Governance")))
        links.append(("workshops", f"{root}/workshops", _("Case workshops")))
        links.append(("maturity", f"{root}/maturity", _("Maturity")))
        links.append(("library", f"{root}/library", _("Practices")))
        links.append(("history", f"{root}/history", _("Changes")))
    if w.access.can_manage_members(entry.id, zone):
        links.append(("members", f"{root}/members", _("Members and roles")))
    return [(href, label, key == active) for key, href, label in links]
