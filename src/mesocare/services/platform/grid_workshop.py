"""Workshop mode of the analysis grid. The facilitator (who edits the case) opens a session on a
case and makes small groups, each filling the whole case or one dimension. Each group gets a link
with a random token (shown once; only its SHA-256 is stored) that expires with the session: whoever
holds the link opens that group's page and saves its answers, and nothing else (no account). The
facilitator then merges the answers into the case: a new dated version, and the session closes."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from mesocare.errors import NotFoundError, ValidationError
from mesocare.i18n import _
from mesocare.organisation.grid import Cell, CellsUpdate, Dimension
from mesocare.services.platform import grid as G
from mesocare.services.platform import records
from mesocare.services.platform.access import Access, Principal
from mesocare.services.platform.records import Ctx
from mesocare.store.models_grid import GridCase, GridWorkshop, GridWorkshopGroup

WORKSHOP_FIELDS = ("case_id", "title", "expires_at", "status", "merged_version")
GROUP_FIELDS = ("workshop_id", "label", "dimension_key", "submitted_at")
MAX_HOURS = 24


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_workshop(s: Session, case_id: int, title: str, hours: float, ctx: Ctx) -> GridWorkshop:
    c = G.editable_case(s, case_id, ctx)
    if not 0 < hours <= MAX_HOURS:
        raise ValidationError(
            _("a workshop lasts more than 0 and at most {n} hours").format(n=MAX_HOURS),
            column="hours",
            found=str(hours),
        )
    w = GridWorkshop(
        territory=c.territory,
        zone_code=c.zone_code,
        case_id=c.id,
        title=" ".join(title.split())[:300] or c.title,
        expires_at=records.now() + dt.timedelta(hours=hours),
        status="open",
    )
    return records.create(s, w, ctx, "grid_workshop", WORKSHOP_FIELDS)


def get_workshop(s: Session, workshop_id: int, ctx: Ctx) -> tuple[GridWorkshop, GridCase]:
    """The workshop, for its facilitator (one who edits its case)."""
    w = s.get(GridWorkshop, workshop_id)
    if w is None:
        raise NotFoundError(_("no workshop {id}").format(id=workshop_id))
    return w, G.editable_case(s, w.case_id, ctx)


def workshops_of(s: Session, case_id: int) -> list[GridWorkshop]:
    return list(
        s.scalars(
            select(GridWorkshop)
            .where(GridWorkshop.case_id == case_id)
            .order_by(GridWorkshop.id.desc())
        )
    )


def groups(s: Session, workshop_id: int) -> list[GridWorkshopGroup]:
    return list(
        s.scalars(
            select(GridWorkshopGroup)
            .where(GridWorkshopGroup.workshop_id == workshop_id)
            .order_by(GridWorkshopGroup.id)
        )
    )


def add_group(
    s: Session, workshop_id: int, label: str, dimension_key: str | None, ctx: Ctx
) -> tuple[GridWorkshopGroup, str]:
    """A group and its link's token (returned once, never stored)."""
    w, c = get_workshop(s, workshop_id, ctx)
    if w.status != "open":
        raise ValidationError(_("this workshop is closed"))
    if dimension_key:
        dims = G.dimensions_of(s, G.case_version(s, c))
        if dimension_key not in {d.key for d in dims if not d.retired}:
            raise ValidationError(
                _("no dimension '{key}' in this grid").format(key=dimension_key),
                column="dimension_key",
            )
    token = secrets.token_urlsafe(24)
    g = GridWorkshopGroup(
        territory=w.territory,
        zone_code=w.zone_code,
        workshop_id=w.id,
        label=" ".join(label.split())[:200] or _("Group"),
        dimension_key=dimension_key or None,
        token_hash=token_hash(token),
        cells={},
    )
    return records.create(s, g, ctx, "grid_workshop_group", GROUP_FIELDS), token


def group_of(s: Session, workshop_id: int, token: str) -> GridWorkshopGroup | None:
    """The group of this workshop the token opens (None: none)."""
    return s.scalars(
        select(GridWorkshopGroup).where(
            GridWorkshopGroup.workshop_id == workshop_id,
            GridWorkshopGroup.token_hash == token_hash(token),
        )
    ).first()


@dataclass(frozen=True)
class GroupView:
    group: GridWorkshopGroup
    workshop: GridWorkshop
    case: GridCase
    dimensions: list[Dimension]
    current: dict[str, Cell]


def by_token(s: Session, token: str) -> GroupView:
    """The group a link opens; refused when unknown, expired or closed (one message for all)."""
    g = s.scalars(
        select(GridWorkshopGroup).where(GridWorkshopGroup.token_hash == token_hash(token or ""))
    ).first()
    w = s.get(GridWorkshop, g.workshop_id) if g else None
    if g is None or w is None or w.status != "open" or w.expires_at <= records.now():
        raise NotFoundError(_("this workshop link is unknown or has expired"))
    c = s.get_one(GridCase, w.case_id)
    v = G.case_version(s, c)
    dims = [d for d in G.dimensions_of(s, v) if not d.retired]
    if g.dimension_key:
        dims = [d for d in dims if d.key == g.dimension_key]
    return GroupView(g, w, c, dims, G.cells_of(v))


def save_answers(s: Session, token: str, texts: dict[str, str], ctx: Ctx) -> GridWorkshopGroup:
    """A group saves its answers (it may save again until the facilitator merges)."""
    gv = by_token(s, token)
    keys = {d.key for d in gv.dimensions}
    unknown = sorted(set(texts) - keys)
    if unknown:
        raise ValidationError(
            _("no dimension '{key}' in this grid").format(key=unknown[0]), column=unknown[0]
        )
    cells = {
        k: Cell(text=t.strip()[:20_000]).model_dump(mode="json")
        for k, t in texts.items()
        if t.strip()
    }
    who = Ctx(
        Access(Principal(0, f"workshop-group:{gv.group.id}"), ctx.access.hierarchy), ctx.request_id
    )
    return records.update(
        s,
        gv.group,
        gv.group.version,
        {"cells": cells, "submitted_at": records.now()},
        who,
        "grid_workshop_group",
        GROUP_FIELDS,
    )


def merged_proposal(s: Session, workshop_id: int, ctx: Ctx) -> dict[str, str]:
    """Per dimension, the text the merge form starts from: the case's current text, then each
    group's answer under its label."""
    w, c = get_workshop(s, workshop_id, ctx)
    current = G.cells_of(G.case_version(s, c))
    out: dict[str, str] = {k: v.text for k, v in current.items()}
    for g in groups(s, w.id):
        for key, cell in g.cells.items():
            text = Cell.model_validate(cell).text
            if not text:
                continue
            prev = out.get(key, "")
            out[key] = f"{prev}\n\n[{g.label}] {text}".strip() if prev else text
    return out


def merge(
    s: Session, workshop_id: int, texts: dict[str, str], ctx: Ctx, *, note: str = ""
) -> GridWorkshop:
    """Write the facilitator's merged texts as the case's next version and close the session."""
    w, c = get_workshop(s, workshop_id, ctx)
    if w.status != "open":
        raise ValidationError(_("this workshop is closed"))
    current = G.cells_of(G.case_version(s, c))
    cells = {
        k: Cell(text=t.strip(), evidence=current[k].evidence if k in current else [])
        for k, t in texts.items()
    }
    v = G.save_cells(
        s,
        c.id,
        CellsUpdate(
            version=c.version,
            cells=cells,
            note=note or _("merged from workshop {title}").format(title=w.title),
        ),
        ctx,
    )
    return records.update(
        s,
        w,
        w.version,
        {"status": "closed", "merged_version": v.number},
        ctx,
        "grid_workshop",
        WORKSHOP_FIELDS,
    )


def anonymous_ctx(access: Access, request_id: str) -> Ctx:
    """Who acts for a group's link before it is known (the audit names the group)."""
    return Ctx(Access(None, access.hierarchy), request_id)
