"""The analysis grid's templates and organisation cases, as records.

**Templates** are seeded from the shipped data (:func:`~mesocare.organisation.grid.load_grid`); a
user adds, renames or retires dimensions. A template keeps numbered versions: a change to a version
no case uses yet edits it, a change to a version a case uses makes a new one, so a version a case
was filled with never changes and the case stays readable under it.

**Cases** have dated versions (never changed either): saving cells writes the next version, under
the case's template version (or the template's latest, when the user moves the case to it). Who
reads and edits a case is decided in :class:`~.access.Access` (attached to a zone: the zone's
rules; not attached: its author and admins edit, every logged-in user reads).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mesocare.errors import NotFoundError, PermissionDeniedError, ValidationError
from mesocare.i18n import _
from mesocare.organisation.grid import (
    CaseCreate,
    Cell,
    CellsUpdate,
    Dimension,
    clean_tags,
    load_grid,
    slug,
)
from mesocare.organisation.templates import Labels
from mesocare.services.platform import records
from mesocare.services.platform.access import Access
from mesocare.services.platform.plan_progress import checked_file
from mesocare.services.platform.records import Ctx
from mesocare.services.platform.territories import TerritoryEntry
from mesocare.store.models_grid import (
    GridCase,
    GridCaseVersion,
    GridDocument,
    GridTemplateRow,
    GridTemplateVersion,
)

TEMPLATE_FIELDS = ("name", "label", "latest")
TVERSION_FIELDS = ("template_id", "number", "dimensions")
CASE_FIELDS = ("template_id", "title", "kind", "tags", "description", "latest")
CVERSION_FIELDS = ("case_id", "number", "template_version_id", "dated", "note")
DOCUMENT_FIELDS = ("case_id", "filename", "media_type", "size")


# ----- templates -------------------------------------------------------------------------------
def dimensions(tv: GridTemplateVersion) -> list[Dimension]:
    return [Dimension.model_validate(d) for d in tv.dimensions]


def find_default(s: Session) -> GridTemplateRow | None:
    return s.scalars(
        select(GridTemplateRow).where(
            GridTemplateRow.name == "default", GridTemplateRow.created_by.is_(None)
        )
    ).first()


def ensure_default(s: Session, ctx: Ctx) -> GridTemplateRow:
    """The project's default template, seeded from its data the first time it is asked for."""
    row = find_default(s)
    if row is not None:
        return row
    g = load_grid("default")
    system = Ctx.system(ctx.access.hierarchy, ctx.request_id)
    row = records.create(
        s,
        GridTemplateRow(name="default", label=g.label.model_dump(), latest=1),
        system,
        "grid_template",
        TEMPLATE_FIELDS,
    )
    tv = GridTemplateVersion(
        template_id=row.id, number=1, dimensions=[d.model_dump(mode="json") for d in g.dimensions]
    )
    records.create(s, tv, system, "grid_template_version", TVERSION_FIELDS)
    return row


def list_templates(s: Session, access: Access) -> list[GridTemplateRow]:
    if not access.can_read_grid_template():
        raise PermissionDeniedError(_("log in to see the analysis grids"))
    return list(s.scalars(select(GridTemplateRow).order_by(GridTemplateRow.id)))


def get_template(s: Session, template_id: int, access: Access) -> GridTemplateRow:
    t = s.get(GridTemplateRow, template_id)
    if t is None or not access.can_read_grid_template():
        raise NotFoundError(_("no grid template {id}").format(id=template_id))
    return t


def template_version(
    s: Session, template_id: int, number: int | None = None
) -> GridTemplateVersion:
    t = s.get_one(GridTemplateRow, template_id)
    n = t.latest if number is None else number
    tv = s.scalars(
        select(GridTemplateVersion).where(
            GridTemplateVersion.template_id == template_id, GridTemplateVersion.number == n
        )
    ).first()
    if tv is None:
        raise NotFoundError(_("no version {n} of grid template {id}").format(n=n, id=template_id))
    return tv


def copy_template(s: Session, template_id: int, name: str, ctx: Ctx) -> GridTemplateRow:
    """A user's own template, starting from the latest version of another."""
    src = get_template(s, template_id, ctx.access)
    name = " ".join(name.split())[:200]
    if not name:
        raise ValidationError(_("a template needs a name"), column="name")
    row = records.create(
        s,
        GridTemplateRow(name=name, label={"en": name, "nl": name, "fr": name}, latest=1),
        ctx,
        "grid_template",
        TEMPLATE_FIELDS,
    )
    dims = template_version(s, src.id).dimensions
    records.create(
        s,
        GridTemplateVersion(template_id=row.id, number=1, dimensions=list(dims)),
        ctx,
        "grid_template_version",
        TVERSION_FIELDS,
    )
    return row


def _in_use(s: Session, tv: GridTemplateVersion) -> bool:
    n = s.scalar(
        select(func.count())
        .select_from(GridCaseVersion)
        .where(GridCaseVersion.template_version_id == tv.id)
    )
    return bool(n)


def _change(
    s: Session, template_id: int, version: int, dims: list[Dimension], ctx: Ctx, note: str
) -> GridTemplateVersion:
    t = get_template(s, template_id, ctx.access)
    if not ctx.access.can_edit_grid_template(t.created_by):
        raise PermissionDeniedError(_("you may not edit grid template {id}").format(id=t.id))
    if t.version != version:
        raise records.conflict(t.version)
    tv = template_version(s, t.id)
    data = [d.model_dump(mode="json") for d in dims]
    if _in_use(s, tv):
        new = records.create(
            s,
            GridTemplateVersion(template_id=t.id, number=tv.number + 1, dimensions=data),
            ctx,
            "grid_template_version",
            TVERSION_FIELDS,
            note=note,
        )
        records.update(
            s, t, version, {"latest": new.number}, ctx, "grid_template", TEMPLATE_FIELDS, note=note
        )
        return new
    records.update(s, t, version, {"latest": tv.number}, ctx, "grid_template", TEMPLATE_FIELDS)
    return records.update(
        s,
        tv,
        tv.version,
        {"dimensions": data},
        ctx,
        "grid_template_version",
        TVERSION_FIELDS,
        note=note,
    )


def _current(s: Session, template_id: int) -> list[Dimension]:
    return dimensions(template_version(s, template_id))


def add_dimension(
    s: Session, template_id: int, version: int, label: Labels, guidance: Labels, ctx: Ctx
) -> GridTemplateVersion:
    dims = _current(s, template_id)
    key = slug(label.en, {d.key for d in dims})
    dims.append(Dimension(key=key, label=label, guidance=guidance))
    return _change(s, template_id, version, dims, ctx, f"add {key}")


def _one(dims: list[Dimension], key: str) -> int:
    for i, d in enumerate(dims):
        if d.key == key:
            return i
    raise NotFoundError(_("no dimension '{key}' in this grid").format(key=key))


def rename_dimension(
    s: Session,
    template_id: int,
    version: int,
    key: str,
    label: Labels,
    ctx: Ctx,
    guidance: Labels | None = None,
) -> GridTemplateVersion:
    dims = _current(s, template_id)
    i = _one(dims, key)
    dims[i] = dims[i].model_copy(update={"label": label, "guidance": guidance or dims[i].guidance})
    return _change(s, template_id, version, dims, ctx, f"rename {key}")


def retire_dimension(
    s: Session, template_id: int, version: int, key: str, ctx: Ctx, *, retired: bool = True
) -> GridTemplateVersion:
    dims = _current(s, template_id)
    i = _one(dims, key)
    dims[i] = dims[i].model_copy(update={"retired": retired})
    if not any(not d.retired for d in dims):
        raise ValidationError(_("a grid keeps at least one dimension"), column="key", found=key)
    return _change(
        s, template_id, version, dims, ctx, f"{'retire' if retired else 'restore'} {key}"
    )


# ----- cases -----------------------------------------------------------------------------------
def _readable(access: Access, c: GridCase) -> bool:
    return access.can_read_grid_case(c.territory, c.zone_code)


def list_cases(s: Session, access: Access, *, tag: str | None = None) -> list[GridCase]:
    if not access.logged_in:
        raise PermissionDeniedError(_("log in to see the analysis grids"))
    rows = s.scalars(select(GridCase).order_by(GridCase.title, GridCase.id))
    tag = (tag or "").strip().lower()
    return [c for c in rows if _readable(access, c) and (not tag or tag in c.tags)]


def all_tags(cases: list[GridCase]) -> list[str]:
    return sorted({t for c in cases for t in c.tags})


def get_case(s: Session, case_id: int, access: Access) -> GridCase:
    c = s.get(GridCase, case_id)
    if c is None or not _readable(access, c):
        raise NotFoundError(_("no organisation case {id}").format(id=case_id))
    return c


def editable_case(s: Session, case_id: int, ctx: Ctx) -> GridCase:
    c = get_case(s, case_id, ctx.access)
    if not ctx.access.can_edit_grid_case(c.territory, c.zone_code, c.created_by):
        raise PermissionDeniedError(_("you may not edit case {id}").format(id=case_id))
    return c


def create_case(
    s: Session,
    data: CaseCreate,
    ctx: Ctx,
    entry: TerritoryEntry | None = None,
    *,
    dated: dt.date | None = None,
) -> GridCase:
    territory, zone = data.territory or None, data.zone_code or None
    if (territory is None) != (zone is None):
        raise ValidationError(
            _("a case attached to a zone names its territory and its zone"), column="zone_code"
        )
    if zone is not None:
        if entry is None or entry.id != territory:
            raise NotFoundError(_("no territory {id}").format(id=territory))
        entry.require_zone(zone)
    if not ctx.access.can_create_grid_case(territory, zone):
        raise PermissionDeniedError(_("you may not add a case to zone {zone}").format(zone=zone))
    t = get_template(s, data.template_id, ctx.access)
    tv = template_version(s, t.id)
    c = records.create(
        s,
        GridCase(
            territory=territory,
            zone_code=zone,
            template_id=t.id,
            title=data.title.strip(),
            kind=data.kind.value,
            tags=clean_tags(data.tags),
            description=data.description,
            latest=1,
        ),
        ctx,
        "grid_case",
        CASE_FIELDS,
    )
    records.create(
        s,
        GridCaseVersion(
            territory=territory,
            zone_code=zone,
            case_id=c.id,
            number=1,
            template_version_id=tv.id,
            dated=dated or dt.date.today(),
            cells={},
            note="",
        ),
        ctx,
        "grid_case_version",
        CVERSION_FIELDS,
    )
    return c


def update_case(
    s: Session, case_id: int, version: int, values: dict[str, Any], ctx: Ctx
) -> GridCase:
    c = editable_case(s, case_id, ctx)
    allowed = {k: v for k, v in values.items() if k in ("title", "tags", "description")}
    if "tags" in allowed:
        allowed["tags"] = clean_tags(list(allowed["tags"]))
    if "title" in allowed and not str(allowed["title"]).strip():
        raise ValidationError(_("a case needs a title"), column="title")
    return records.update(s, c, version, allowed, ctx, "grid_case", CASE_FIELDS)


def versions(s: Session, case_id: int) -> list[GridCaseVersion]:
    return list(
        s.scalars(
            select(GridCaseVersion)
            .where(GridCaseVersion.case_id == case_id)
            .order_by(GridCaseVersion.number)
        )
    )


def case_version(s: Session, case: GridCase, number: int | None = None) -> GridCaseVersion:
    n = case.latest if number is None else number
    v = s.scalars(
        select(GridCaseVersion).where(
            GridCaseVersion.case_id == case.id, GridCaseVersion.number == n
        )
    ).first()
    if v is None:
        raise NotFoundError(_("no version {n} of case {id}").format(n=n, id=case.id))
    return v


def cells_of(v: GridCaseVersion) -> dict[str, Cell]:
    return {k: Cell.model_validate(c) for k, c in v.cells.items()}


def dimensions_of(s: Session, v: GridCaseVersion) -> list[Dimension]:
    """The dimensions of the template version this case version was filled with."""
    return dimensions(s.get_one(GridTemplateVersion, v.template_version_id))


def save_cells(
    s: Session, case_id: int, data: CellsUpdate, ctx: Ctx, *, dated: dt.date | None = None
) -> GridCaseVersion:
    """Write the case's next dated version: its cells with ``data.cells`` applied (an empty
    cell clears one); conflict when the case changed since ``data.version``."""
    c = editable_case(s, case_id, ctx)
    if c.version != data.version:
        raise records.conflict(c.version)
    last = case_version(s, c)
    tv_id = (
        template_version(s, c.template_id).id if data.upgrade_template else last.template_version_id
    )
    dims = {d.key: d for d in dimensions(s.get_one(GridTemplateVersion, tv_id))}
    docs = {d.id for d in documents(s, c.id)}
    cells = dict(last.cells)
    for key, cell in data.cells.items():
        d = dims.get(key)
        if d is None:
            raise ValidationError(
                _("no dimension '{key}' in this grid").format(key=key), column=key
            )
        if d.retired and cell.text != Cell.model_validate(cells.get(key, {})).text:
            raise ValidationError(_("dimension '{key}' is retired").format(key=key), column=key)
        for e in cell.evidence:
            if e.kind == "document" and e.document_id not in docs:
                raise ValidationError(
                    _("no document {id} in this case").format(id=e.document_id), column=key
                )
        if cell.text.strip() or cell.evidence:
            cells[key] = cell.model_dump(mode="json")
        else:
            cells.pop(key, None)
    v = records.create(
        s,
        GridCaseVersion(
            territory=c.territory,
            zone_code=c.zone_code,
            case_id=c.id,
            number=c.latest + 1,
            template_version_id=tv_id,
            dated=dated or dt.date.today(),
            cells=cells,
            note=data.note,
        ),
        ctx,
        "grid_case_version",
        CVERSION_FIELDS,
    )
    records.update(s, c, data.version, {"latest": v.number}, ctx, "grid_case", CASE_FIELDS)
    return v


# ----- evidence documents ------------------------------------------------------------------------
def documents(s: Session, case_id: int) -> list[GridDocument]:
    return list(
        s.scalars(
            select(GridDocument).where(GridDocument.case_id == case_id).order_by(GridDocument.id)
        )
    )


def add_document(
    s: Session, case_id: int, filename: str, media_type: str, data: bytes, ctx: Ctx
) -> GridDocument:
    c = editable_case(s, case_id, ctx)
    name, media = checked_file(filename, media_type, data)
    row = GridDocument(
        territory=c.territory,
        zone_code=c.zone_code,
        case_id=c.id,
        filename=name,
        media_type=media,
        size=len(data),
        data=data,
    )
    return records.create(s, row, ctx, "grid_document", DOCUMENT_FIELDS)


def get_document(s: Session, document_id: int, access: Access) -> GridDocument:
    d = s.get(GridDocument, document_id)
    if d is None or not access.can_read_grid_case(d.territory, d.zone_code):
        raise NotFoundError(_("no document {id}").format(id=document_id))
    return d
