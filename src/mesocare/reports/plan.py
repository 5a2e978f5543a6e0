"""A plan as a printable document (one self-contained HTML page, A4 when printed; PDF through
:mod:`mesocare.reports.pdf`) and its figures (Plotly): the actions' timeline (a Gantt chart),
budget against spending per objective and funder, and an indicator's actuals against its targets.
All words in the reader's language."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from mesocare import __version__, i18n
from mesocare.errors import ValidationError
from mesocare.i18n import _
from mesocare.organisation.plans import ItemDoc, Level, PlanDocument
from mesocare.reports.pdf import html_to_pdf
from mesocare.reports.render import _env
from mesocare.services.platform.plan_view import PlanView
from mesocare.services.platform.plan_xlsx import to_xlsx

LEVEL_LABELS = {
    "strategic": "Strategic objective",
    "operational": "Operational objective",
    "action": "Action",
}
STATUS_LABELS = {
    "draft": "draft",
    "submitted": "submitted",
    "adopted": "adopted",
    "closed": "closed",
    "approved": "approved",
    "returned": "returned",
    "planned": "planned",
    "ongoing": "ongoing",
    "done": "done",
    "delayed": "delayed",
    "cancelled": "cancelled",
}


NEED_KINDS = {
    "finding": "worse than the region",
    "shortage": "GP shortage",
    "access": "low access",
    "care_gap": "care gap",
    "manual": "from a consultation",
}


def need_kind_label(code: object) -> str:
    return _(NEED_KINDS.get(str(getattr(code, "value", code)), str(code)))


def level_label(code: object) -> str:
    return _(LEVEL_LABELS.get(str(getattr(code, "value", code)), str(code)))


def status_label(code: object) -> str:
    return _(STATUS_LABELS.get(str(getattr(code, "value", code)), str(code)))


# gettext extraction sees the words once
_WORDS = (
    _("Strategic objective"),
    _("Operational objective"),
    _("Action"),
    _("draft"),
    _("submitted"),
    _("adopted"),
    _("closed"),
    _("approved"),
    _("returned"),
    _("planned"),
    _("ongoing"),
    _("done"),
    _("delayed"),
    _("cancelled"),
    _("worse than the region"),
    _("GP shortage"),
    _("low access"),
    _("care gap"),
    _("from a consultation"),
    _("region"),
    _("shortage threshold"),
    _("APL threshold"),
)


def render_plan_html(
    doc: PlanDocument, *, zone_name: str, actors: dict[int, str], generated: dt.date | None = None
) -> str:
    """The plan as one printable page (no script, no external file)."""
    env = _env()
    env.globals.setdefault("level_label", level_label)
    env.globals.setdefault("status_label", status_label)
    return env.get_template("plan.html.j2").render(
        doc=doc,
        zone_name=zone_name,
        actors=actors,
        generated=generated or dt.date.today(),
        version=__version__,
        depth={"strategic": 0, "operational": 1, "action": 2},
        needs={n.key: n for n in doc.needs},
        lang=i18n.current_language(),
    )


def write_plan_pdf(html: str, out: Path) -> Path:
    return html_to_pdf(html, out, budget_ms=2_000)


# ----- figures ---------------------------------------------------------------------------------
def _figure(fig: go.Figure) -> dict[str, Any]:
    fig.update_layout(margin={"l": 10, "r": 10, "t": 40, "b": 10}, template="plotly_white")
    return fig.to_plotly_json()  # type: ignore[no-any-return]


def gantt(items: list[ItemDoc]) -> dict[str, Any]:
    """The actions with dates as bars from start to end, coloured by status."""
    acts = [i for i in items if i.level == Level.ACTION and i.start_date and i.end_date]
    fig = go.Figure()
    for status in sorted({a.status.value for a in acts}):
        these = [a for a in acts if a.status.value == status]
        fig.add_trace(
            go.Bar(
                name=status_label(status),
                orientation="h",
                y=[f"{a.key} {a.title[:40]}" for a in these],
                base=[a.start_date.isoformat() for a in these],  # type: ignore[union-attr]
                x=[
                    ((a.end_date - a.start_date).days + 1) * 86_400_000  # type: ignore[operator]
                    for a in these
                ],
                hovertext=[f"{a.start_date} – {a.end_date}" for a in these],
            )
        )
    fig.update_layout(
        title=_("Timeline of the actions"),
        barmode="overlay",
        xaxis={"type": "date"},
        yaxis={"autorange": "reversed"},
        height=max(260, 60 + 34 * len(acts)),
    )
    return _figure(fig)


def budget_chart(rows: list[tuple[str, str, float, float, float]]) -> dict[str, Any]:
    """Planned, committed and spent euros per objective and funder."""
    labels = [f"{o[:40]} · {f}" for o, f, *_r in rows]
    fig = go.Figure(
        [
            go.Bar(name=_("planned"), y=labels, x=[r[2] for r in rows], orientation="h"),
            go.Bar(name=_("committed"), y=labels, x=[r[3] for r in rows], orientation="h"),
            go.Bar(name=_("spent"), y=labels, x=[r[4] for r in rows], orientation="h"),
        ]
    )
    fig.update_layout(
        title=_("Budget against spending, per objective and funder (EUR)"),
        barmode="group",
        height=max(260, 80 + 70 * len(rows)),
        yaxis={"autorange": "reversed"},
    )
    return _figure(fig)


def indicator_chart(
    name: str, periods: list[str], targets: list[float | None], actuals: list[float | None]
) -> dict[str, Any]:
    fig = go.Figure(
        [
            go.Scatter(
                name=_("target"), x=periods, y=targets, mode="lines+markers", line={"dash": "dash"}
            ),
            go.Scatter(name=_("actual"), x=periods, y=actuals, mode="lines+markers"),
        ]
    )
    fig.update_layout(title=name, height=300, xaxis={"type": "category"})
    return _figure(fig)


FORMATS = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def export(view: PlanView, fmt: str) -> bytes:
    """The plan in one of :data:`FORMATS` (words in the current language)."""
    if fmt == "json":
        return view.doc.model_dump_json(indent=2).encode()
    if fmt == "xlsx":
        return to_xlsx(view.doc)
    html = render_plan_html(view.doc, zone_name=view.zone_name, actors=view.actors)
    if fmt == "html":
        return html.encode()
    if fmt == "pdf":
        with tempfile.TemporaryDirectory(prefix="mesocare-plan-") as work:
            out = write_plan_pdf(html, Path(work) / "plan.pdf")
            return out.read_bytes()
    raise ValidationError(
        _("unknown format '{fmt}'").format(fmt=fmt), found=fmt, expected=", ".join(FORMATS)
    )
