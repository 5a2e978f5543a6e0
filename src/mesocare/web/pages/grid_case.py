"""The context of an organisation case's page (see :mod:`.grid`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mesocare.i18n import _
from mesocare.organisation.grid import Cell, Dimension
from mesocare.services.platform import grid as G
from mesocare.services.platform import grid_views as V
from mesocare.services.platform import grid_workshop as W
from mesocare.web.deps import Web
from mesocare.web.pages.common import base
from mesocare.web.render import Crumb, Page


@dataclass
class CasePage(Page):
    case: Any = None
    shown: Any = None
    latest: int = 0
    dimensions: list[Dimension] = field(default_factory=list)
    cells: dict[str, Cell] = field(default_factory=dict)
    proposals: dict[str, Cell] = field(default_factory=dict)
    versions: list[Any] = field(default_factory=list)
    diff: list[V.Change] | None = None
    diff_pair: tuple[int, int] | None = None
    documents: dict[int, str] = field(default_factory=dict)
    workshops: list[Any] = field(default_factory=list)
    can_edit: bool = False
    upgrade: bool = False
    zone_label: str = ""
    lang: str = "en"


def case_page(
    w: Web, case_id: int, *, shown: int | None = None, diff: tuple[int, int] | None = None
) -> CasePage:
    with w.platform.session() as s:
        c = G.get_case(s, case_id, w.access)
        v = G.case_version(s, c, shown)
        can_edit = w.access.can_edit_grid_case(c.territory, c.zone_code, c.created_by)
        dims = G.dimensions_of(s, v)
        entry = w.platform.territories.get(c.territory or "")
        proposals: dict[str, Cell] = {}
        if can_edit and v.number == c.latest and entry and c.zone_code:
            proposals = V.proposals(c, dims, entry.diagnosis(c.zone_code))
            current = G.cells_of(v)
            proposals = {  # what the case already says is not proposed again
                k: p for k, p in proposals.items() if k not in current or current[k].text != p.text
            }
        changes = None
        if diff:
            changes = V.diff(
                s, G.case_version(s, c, diff[0]), G.case_version(s, c, diff[1]), w.language
            )
        latest_tv = G.template_version(s, c.template_id)
        workshops = W.workshops_of(s, c.id) if can_edit else []
        zone_label = (
            f"{entry.unit_name(c.zone_code)} ({c.zone_code})" if entry and c.zone_code else ""
        )
        page = CasePage(
            **base(w, c.title, crumbs=[Crumb("/grid", _("Analysis grid"))]),
            case=c,
            shown=v,
            latest=c.latest,
            dimensions=dims,
            cells=G.cells_of(v),
            proposals=proposals,
            versions=G.versions(s, c.id),
            diff=changes,
            diff_pair=diff,
            documents={d.id: d.filename for d in G.documents(s, c.id)},
            workshops=workshops,
            can_edit=can_edit,
            upgrade=latest_tv.id != v.template_version_id,
            zone_label=zone_label,
            lang=w.language,
        )
    return page
