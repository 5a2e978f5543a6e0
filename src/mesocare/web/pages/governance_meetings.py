"""A governance body's meeting: its agenda, the form that adds an item with its decision (which may
adopt one of the zone's action plans), and a vote form per decision showing each cluster's tally
and the outcome."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError as PydanticError
from starlette.concurrency import run_in_threadpool

from mesocare.errors import ConflictError, MesocareError, NotFoundError
from mesocare.i18n import _
from mesocare.organisation.decisions import VOTE_LABELS, Vote
from mesocare.organisation.governance_records import (
    BodyPublic,
    ClusterPublic,
    DecisionCreate,
    ItemCreate,
    MeetingPublic,
    MemberPublic,
    VotesIn,
)
from mesocare.services.platform import governance as G
from mesocare.services.platform import governance_meetings as M
from mesocare.services.platform import plans as P
from mesocare.web.deps import RecordId, Web, web
from mesocare.web.pages.common import territory_crumbs
from mesocare.web.pages.governance import (
    CSRF,
    MESSAGES,
    _ctx,
    _form,
    _grouped,
    _invalid,
    _said,
    _zone_page,
)
from mesocare.web.render import Crumb, Page, render

router = APIRouter()


@dataclass
class MeetingPage(Page):
    meeting: MeetingPublic | None = None
    body: BodyPublic | None = None
    clusters: list[tuple[ClusterPublic, list[MemberPublic]]] = field(default_factory=list)
    can_manage: bool = False
    votes: list[tuple[str, str]] = field(default_factory=list)
    #: the decision whose votes were refused as stale (its form shows the votes as they are now)
    conflict: int | None = None
    #: the zone's plans a decision may adopt: ("plan:ID:VERSION", title, status, version)
    plans: list[tuple[str, str, str, int]] = field(default_factory=list)
    #: the titles of the plans the decisions are about (those one may read)
    plan_titles: dict[int, str] = field(default_factory=dict)


# ----- one meeting -----------------------------------------------------------------------------
def _meeting_page(
    w: Web,
    meeting_id: int,
    *,
    message: str = "",
    error: str | None = None,
    status: int = 200,
    conflict: int | None = None,
) -> Response:
    with w.platform.session() as s:
        m = M.get_meeting(s, meeting_id, w.access)
        meeting = M.meeting_public(s, m)
        body = G.public(s, G.get_body(s, m.body_id, w.access))
        entry = w.platform.entry(body.territory)
        plans = [
            (f"plan:{p.id}:{p.version}", p.title, p.status, p.version)
            for p in P.adoptable(s, entry, body.zone_code, w.access)
        ]
        titles = {}
        for d in (d for i in meeting.items for d in i.decisions):
            if d.subject_type == "plan" and d.subject_id is not None:
                with suppress(NotFoundError):  # a plan one may not read: no title
                    titles[d.subject_id] = P.get_plan(s, d.subject_id, w.access).title
    page = MeetingPage(
        **_zone_page(
            w,
            entry,
            body.zone_code,
            meeting.title,
            crumbs=[
                *territory_crumbs(entry, body.zone_code),
                Crumb(f"/t/{entry.id}/z/{body.zone_code}/governance", _("Governance")),
                Crumb(f"/governance/bodies/{body.id}", body.name),
            ],
        ),
        meeting=meeting,
        body=body,
        clusters=_grouped(body),
        can_manage=w.access.can_manage_governance(body.territory, body.zone_code),
        votes=[(v.value, _(VOTE_LABELS[v.value])) for v in Vote],
        conflict=conflict,
        plans=plans,
        plan_titles=titles,
    )
    page.message = MESSAGES.get(message)
    page.error = error
    return render("governance_meeting.html.j2", page, status=status)


@router.get("/governance/meetings/{meeting_id}")
def meeting(
    w: Annotated[Web, Depends(web)],
    meeting_id: RecordId,
    message: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    w.require_login()
    return _meeting_page(w, meeting_id, message=message)


async def _manage_meeting(w: Web, meeting_id: int) -> MeetingPublic:
    w.require_login()

    def load() -> MeetingPublic:
        with w.platform.session() as s:
            return M.meeting_public(s, M.get_meeting(s, meeting_id, w.access))

    m = await run_in_threadpool(load)
    w.require(w.access.can_manage_governance(m.territory, m.zone_code))
    return m


def _subject(adopts: str) -> dict[str, Any]:
    """The form's "this decision adopts" choice, ``plan:ID:VERSION``, as the decision's subject
    (something else is passed on as it is, for the service to refuse)."""
    if not adopts:
        return {}
    kind, _sep, rest = adopts.partition(":")
    sid, _sep, version = rest.partition(":")
    return {"subject_type": kind, "subject_id": sid or None, "subject_version": version or None}


@router.post("/governance/meetings/{meeting_id}/items", dependencies=CSRF)
async def item_add(
    request: Request, w: Annotated[Web, Depends(web)], meeting_id: RecordId
) -> Response:
    await _manage_meeting(w, meeting_id)
    values = _form(await request.form(), "title", "notes", "motion", "adopts")
    motion = values.pop("motion", None)
    subject = _subject(values.pop("adopts", ""))
    if subject and not motion:
        motion = _("Adopt the action plan at version {version}").format(
            version=subject["subject_version"]
        )
    try:
        data = ItemCreate.model_validate(
            {**values, "decision": DecisionCreate(motion=motion, **subject) if motion else None}
        )
    except PydanticError as exc:
        return _meeting_page(w, meeting_id, error=_invalid(exc), status=422)

    def save() -> None:
        with w.platform.session(write=True) as s:
            M.add_item(s, meeting_id, data, _ctx(w))

    try:
        await run_in_threadpool(save)
    except MesocareError as exc:
        return _meeting_page(w, meeting_id, error=_said(exc), status=422)
    return RedirectResponse(f"/governance/meetings/{meeting_id}?message=saved", status_code=303)


@router.post("/governance/decisions/{decision_id}/votes", dependencies=CSRF)
async def votes_record(
    request: Request, w: Annotated[Web, Depends(web)], decision_id: RecordId
) -> Response:
    def load() -> tuple[int, str, str]:
        with w.platform.session() as s:
            d = M.get_decision(s, decision_id, w.access)
            item = M.get_item(s, d.item_id, w.access)
            return item.meeting_id, d.territory, d.zone_code

    w.require_login()
    meeting_id, territory, zone = await run_in_threadpool(load)
    w.require(w.access.can_manage_governance(territory, zone))
    form = await request.form()
    votes = {
        k.removeprefix("vote-"): v
        for k, v in form.items()
        if k.startswith("vote-") and isinstance(v, str)
    }
    try:
        data = VotesIn.model_validate({"version": form.get("version"), "votes": votes})
    except PydanticError as exc:
        return _meeting_page(w, meeting_id, error=_invalid(exc), status=422)

    def save() -> None:
        with w.platform.session(write=True) as s:
            M.record_votes(s, decision_id, data, _ctx(w))

    try:
        await run_in_threadpool(save)
    except ConflictError as exc:
        stale = exc.current_version is not None
        error = (
            _(
                "Someone else recorded votes on this decision while you were entering yours: "
                "yours are not saved. The form shows the votes as they are now."
            )
            if stale
            else _said(exc)
        )
        return await run_in_threadpool(
            lambda: _meeting_page(w, meeting_id, error=error, status=409, conflict=decision_id)
        )
    except MesocareError as exc:
        return _meeting_page(w, meeting_id, error=_said(exc), status=422)
    return RedirectResponse(
        f"/governance/meetings/{meeting_id}?message=votes#decision-{decision_id}", status_code=303
    )
