"""The analysis grid's pages: the matrix of cases × dimensions (a filter by tag; exports as XLSX,
PDF and the flat CSV table), a new case, a case's page (its cells with the guidance, the engines'
proposals to accept, evidence, dated versions and the difference between two), a template's
dimensions (add, rename, retire), and workshop mode (the facilitator's page, and each group's
page, opened by its link without an account)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError as PydanticError
from starlette.concurrency import run_in_threadpool

from mesocare.errors import ConflictError, MesocareError, NotFoundError, ValidationError
from mesocare.i18n import N_, _
from mesocare.organisation.grid import CaseCreate, Cell, CellsUpdate, Evidence
from mesocare.organisation.templates import Labels
from mesocare.reports import grid as R
from mesocare.services.platform import grid as G
from mesocare.services.platform import grid_views as V
from mesocare.services.platform.plan_progress import MAX_EVIDENCE
from mesocare.services.platform.records import Ctx
from mesocare.web.deps import RecordId, Web, check_csrf, web
from mesocare.web.pages.common import base
from mesocare.web.pages.grid_case import case_page
from mesocare.web.render import Crumb, Page, render

router = APIRouter()
CSRF = [Depends(check_csrf)]
Tag = Annotated[str, Query(max_length=40)]
DimKey = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
KIND_LABELS = {
    "flemish_zone": N_("Flemish primary care zone"),
    "cpts": N_("CPTS"),
    "ols": N_("Walloon local health system (OLS)"),
    "network": N_("Local network"),
    "other": N_("Other model"),
}


def ctx_of(w: Web) -> Ctx:
    return Ctx(w.access, w.request_id)


def crumbs() -> list[Crumb]:
    return [Crumb("/grid", _("Analysis grid"))]


def input_error(exc: Exception) -> str | None:
    """The message of a refused input (None: not the user's input, let it through)."""
    if isinstance(exc, PydanticError):
        e = exc.errors()[0]
        where = ".".join(str(x) for x in e["loc"])
        return f"{where}: {e['msg'].removeprefix('Value error, ')}" if where else e["msg"]
    if isinstance(exc, ValidationError | ConflictError):
        return str(exc)
    return None


@dataclass
class GridPage(Page):
    matrix: V.Matrix | None = None
    tag: str = ""
    tags: list[str] = field(default_factory=list)
    templates: list[tuple[int, str]] = field(default_factory=list)
    zones: list[tuple[str, str]] = field(default_factory=list)
    kinds: list[tuple[str, str]] = field(default_factory=list)
    lang: str = "en"


def _grid_page(w: Web, tag: str, error: str | None = None) -> GridPage:
    with w.platform.session() as s:
        seeded = G.find_default(s) is not None
    if not seeded:  # the first visit seeds the project's template
        with w.platform.session(write=True) as s:
            G.ensure_default(s, ctx_of(w))
    with w.platform.session() as s:
        every = G.list_cases(s, w.access)
        shown = [c for c in every if not tag or tag.lower() in c.tags]
        m = V.matrix(s, shown)
        templates = [
            (t.id, str(t.label.get(w.language) or t.name)) for t in G.list_templates(s, w.access)
        ]
    zones = [
        (f"{e.id}/{z}", f"{e.unit_name(z)} ({z})")
        for e in w.platform.territories.values()
        for z in e.zones
        if w.access.can_create_grid_case(e.id, z)
    ]
    page = GridPage(
        **base(w, _("Analysis grid"), crumbs=crumbs()),
        matrix=m,
        tag=tag,
        tags=G.all_tags(every),
        templates=templates,
        zones=zones,
        kinds=[(k, _(v)) for k, v in KIND_LABELS.items()],
        lang=w.language,
    )
    page.error = error
    return page


@router.get("/grid")
def grid_home(w: Annotated[Web, Depends(web)], tag: Tag = "") -> Response:
    w.require_login()
    return render("grid_matrix.html.j2", _grid_page(w, tag))


@router.get("/grid/export/{fmt}")
def grid_export(w: Annotated[Web, Depends(web)], fmt: str, tag: Tag = "") -> Response:
    w.require_login()
    if fmt not in R.FORMATS:
        raise NotFoundError(_("unknown format '{fmt}'").format(fmt=fmt[:10]))
    with w.platform.session() as s:
        cases = G.list_cases(s, w.access, tag=tag or None)
        m = V.matrix(s, cases)
    body = R.export(m, fmt, _("Analysis grid"))
    headers = (
        {}
        if fmt == "html"
        else {"Content-Disposition": f'attachment; filename="analysis-grid.{fmt}"'}
    )
    return Response(body, media_type=R.FORMATS[fmt], headers=headers)


@router.post("/grid/cases", dependencies=CSRF)
def grid_case_create(
    w: Annotated[Web, Depends(web)],
    title: Annotated[str, Form(max_length=300)] = "",
    kind: Annotated[str, Form(max_length=20)] = "other",
    template_id: Annotated[int, Form(ge=1, le=2**31 - 1)] = 1,
    zone: Annotated[str, Form(max_length=200)] = "",
    tags: Annotated[str, Form(max_length=1000)] = "",
    description: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    w.require_login()
    territory, _sep, code = zone.partition("/")
    try:
        data = CaseCreate(
            title=title,
            kind=kind,  # type: ignore[arg-type]
            template_id=template_id,
            territory=territory or None,
            zone_code=code or None,
            tags=[t for t in tags.split(",") if t.strip()],
            description=description,
        )
        entry = w.platform.entry(territory) if territory else None
        with w.platform.session(write=True) as s:
            cid = G.create_case(s, data, ctx_of(w), entry).id
    except (PydanticError, MesocareError) as exc:
        msg = input_error(exc)
        if msg is None:
            raise
        return render("grid_matrix.html.j2", _grid_page(w, "", msg), status=422)
    return RedirectResponse(f"/grid/cases/{cid}", status_code=303)


# ----- one case ----------------------------------------------------------------------------------
@router.get("/grid/cases/{grid_case_id}")
def grid_case_show(
    w: Annotated[Web, Depends(web)],
    grid_case_id: RecordId,
    v: Annotated[int | None, Query(ge=1, le=100_000)] = None,
    a: Annotated[int | None, Query(ge=1, le=100_000)] = None,
    b: Annotated[int | None, Query(ge=1, le=100_000)] = None,
    message: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    w.require_login()
    page = case_page(w, grid_case_id, shown=v, diff=(a, b) if a and b else None)
    page.message = {"saved": _("Saved."), "merged": _("The workshop's answers are merged.")}.get(
        message
    )
    return render("grid_case.html.j2", page)


def _case_act(w: Web, case_id: int, change: Any, message: str = "saved") -> Response:
    """Run a change of the case; back to its page, or the page with the reason it was refused."""
    w.require_login()
    try:
        with w.platform.session(write=True) as s:
            change(s, ctx_of(w))
    except (PydanticError, MesocareError) as exc:
        msg = input_error(exc)
        if msg is None:
            raise
        page = case_page(w, case_id)
        page.error = msg
        return render(
            "grid_case.html.j2", page, status=409 if isinstance(exc, ConflictError) else 422
        )
    return RedirectResponse(f"/grid/cases/{case_id}?message={message}", status_code=303)


def _urls(text: str) -> list[Evidence]:
    return [Evidence(kind="url", url=u.strip()) for u in text.split() if u.strip()]  # type: ignore[arg-type]


@router.post("/grid/cases/{grid_case_id}/cells", dependencies=CSRF)
async def grid_case_cells(
    request: Request, w: Annotated[Web, Depends(web)], grid_case_id: RecordId
) -> Response:
    """A new dated version from the form: ``text-<key>``, ``urls-<key>`` (one URL a line),
    ``accept-<key>`` (take the engines' proposal), ``version``, ``note``, ``upgrade``."""
    w.require_login()
    form = await request.form()
    fields = {k: str(v) for k, v in form.items() if isinstance(v, str)}

    def change(s: Any, ctx: Ctx) -> None:
        c = G.editable_case(s, grid_case_id, ctx)
        current = G.cells_of(G.case_version(s, c))
        proposed: dict[str, Cell] = {}
        if any(k.startswith("accept-") for k in fields):
            entry = w.platform.entry(c.territory) if c.territory else None
            d = entry.diagnosis(c.zone_code) if entry and c.zone_code else None
            proposed = V.proposals(c, G.dimensions_of(s, G.case_version(s, c)), d)
        cells: dict[str, Cell] = {}
        for k, text in fields.items():
            if not k.startswith("text-"):
                continue
            key = k[5:]
            if f"accept-{key}" in fields and key in proposed:
                cells[key] = proposed[key]
                continue
            kept = [e for e in (current[key].evidence if key in current else []) if e.kind != "url"]
            cells[key] = Cell(text=text, evidence=kept + _urls(fields.get(f"urls-{key}", "")))
        G.save_cells(
            s,
            grid_case_id,
            CellsUpdate(
                version=int(fields.get("version", "0") or 0),
                cells=cells,
                note=fields.get("note", "")[:1000],
                upgrade_template=bool(fields.get("upgrade")),
            ),
            ctx,
        )

    return await run_in_threadpool(_case_act, w, grid_case_id, change)


@router.post("/grid/cases/{grid_case_id}/edit", dependencies=CSRF)
def grid_case_edit(
    w: Annotated[Web, Depends(web)],
    grid_case_id: RecordId,
    version: Annotated[int, Form(ge=1)] = 1,
    title: Annotated[str, Form(max_length=300)] = "",
    tags: Annotated[str, Form(max_length=1000)] = "",
    description: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    values = {
        "title": title,
        "tags": [t for t in tags.split(",") if t.strip()],
        "description": description,
    }
    return _case_act(
        w, grid_case_id, lambda s, ctx: G.update_case(s, grid_case_id, version, values, ctx)
    )


@router.post("/grid/cases/{grid_case_id}/documents", dependencies=CSRF)
async def grid_document_add(
    w: Annotated[Web, Depends(web)],
    grid_case_id: RecordId,
    file: Annotated[UploadFile, File()],
    dimension: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Upload an evidence document; with ``dimension``, it becomes evidence of that cell."""
    data = await file.read(MAX_EVIDENCE + 1)
    name, ctype = file.filename or "document", file.content_type or ""

    def change(s: Any, ctx: Ctx) -> None:
        doc = G.add_document(s, grid_case_id, name, ctype, data, ctx)
        if dimension:
            c = G.get_case(s, grid_case_id, ctx.access)
            cur = G.cells_of(G.case_version(s, c)).get(dimension, Cell())
            cell = Cell(
                text=cur.text,
                evidence=[
                    *cur.evidence,
                    Evidence(kind="document", document_id=doc.id, label=doc.filename),
                ],
            )
            G.save_cells(s, c.id, CellsUpdate(version=c.version, cells={dimension: cell}), ctx)

    return await run_in_threadpool(_case_act, w, grid_case_id, change)


@router.get("/grid/documents/{document_id}")
def grid_document(w: Annotated[Web, Depends(web)], document_id: RecordId) -> Response:
    w.require_login()
    with w.platform.session() as s:
        d = G.get_document(s, document_id, w.access)
        body, media, name = d.data, d.media_type, d.filename
    safe = "".join(ch for ch in name if ch.isalnum() or ch in "._- ") or "document"
    return Response(
        body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{safe}"'}
    )


# ----- templates -------------------------------------------------------------------------------
@dataclass
class TemplatePage(Page):
    template_id: int = 0
    version: int = 0
    number: int = 0
    dimensions: list[Any] = field(default_factory=list)
    can_edit: bool = False
    lang: str = "en"


def _template_page(w: Web, template_id: int, error: str | None = None) -> TemplatePage:
    with w.platform.session() as s:
        t = G.get_template(s, template_id, w.access)
        tv = G.template_version(s, t.id)
        page = TemplatePage(
            **base(w, str(t.label.get(w.language) or t.name), crumbs=crumbs()),
            template_id=t.id,
            version=t.version,
            number=tv.number,
            dimensions=G.dimensions(tv),
            can_edit=w.access.can_edit_grid_template(t.created_by),
            lang=w.language,
        )
    page.error = error
    return page


@router.get("/grid/templates/{template_id}")
def grid_template(w: Annotated[Web, Depends(web)], template_id: RecordId) -> Response:
    w.require_login()
    return render("grid_template.html.j2", _template_page(w, template_id))


def _template_act(w: Web, template_id: int, change: Any) -> Response:
    w.require_login()
    try:
        with w.platform.session(write=True) as s:
            out = change(s, ctx_of(w))
    except (PydanticError, MesocareError) as exc:
        msg = input_error(exc)
        if msg is None:
            raise
        return render("grid_template.html.j2", _template_page(w, template_id, msg), status=422)
    target = out.id if hasattr(out, "name") else template_id
    return RedirectResponse(f"/grid/templates/{target}", status_code=303)


@router.post("/grid/templates/{template_id}/copy", dependencies=CSRF)
def grid_template_copy(
    w: Annotated[Web, Depends(web)],
    template_id: RecordId,
    name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    return _template_act(w, template_id, lambda s, ctx: G.copy_template(s, template_id, name, ctx))


def _labels(en: str, nl: str, fr: str) -> Labels:
    en = en.strip()
    return Labels(en=en, nl=nl.strip() or en, fr=fr.strip() or en)


@router.post("/grid/templates/{template_id}/dimensions", dependencies=CSRF)
def grid_dimension_add(
    w: Annotated[Web, Depends(web)],
    template_id: RecordId,
    version: Annotated[int, Form(ge=1)] = 1,
    label_en: Annotated[str, Form(min_length=1, max_length=200)] = "",
    label_nl: Annotated[str, Form(max_length=200)] = "",
    label_fr: Annotated[str, Form(max_length=200)] = "",
    guidance_en: Annotated[str, Form(max_length=1000)] = "",
    guidance_nl: Annotated[str, Form(max_length=1000)] = "",
    guidance_fr: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    def change(s: Any, ctx: Ctx) -> Any:
        if not label_en.strip():
            raise ValidationError(_("a dimension needs a name"), column="label_en")
        return G.add_dimension(
            s,
            template_id,
            version,
            _labels(label_en, label_nl, label_fr),
            _labels(guidance_en, guidance_nl, guidance_fr),
            ctx,
        )

    return _template_act(w, template_id, change)


@router.post("/grid/templates/{template_id}/dimensions/{key}", dependencies=CSRF)
def grid_dimension_edit(
    w: Annotated[Web, Depends(web)],
    template_id: RecordId,
    key: DimKey,
    version: Annotated[int, Form(ge=1)] = 1,
    action: Annotated[str, Form(max_length=10)] = "rename",
    label_en: Annotated[str, Form(max_length=200)] = "",
    label_nl: Annotated[str, Form(max_length=200)] = "",
    label_fr: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    def change(s: Any, ctx: Ctx) -> Any:
        if action in ("retire", "restore"):
            return G.retire_dimension(s, template_id, version, key, ctx, retired=action == "retire")
        if not label_en.strip():
            raise ValidationError(_("a dimension needs a name"), column="label_en")
        return G.rename_dimension(
            s, template_id, version, key, _labels(label_en, label_nl, label_fr), ctx
        )

    return _template_act(w, template_id, change)
