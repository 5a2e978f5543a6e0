"""``/api/v1`` governance: the templates, a zone's bodies with their members and composition
check, meetings with agenda items and decisions, and the members' votes (optimistic locking: a
stale version is 409). The same services as the pages (:mod:`mesocare.web.pages.governance`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from mesocare.organisation.governance import Template, templates
from mesocare.organisation.governance_records import (
    BodyCreate,
    BodyPublic,
    BodyUpdate,
    DecisionPublic,
    ItemCreate,
    MeetingCreate,
    MeetingPublic,
    MemberCreate,
    MemberPublic,
    MemberUpdate,
    VotesIn,
)
from mesocare.services.platform import governance as G
from mesocare.services.platform import governance_meetings as M
from mesocare.services.platform.records import Ctx
from mesocare.web.api.v1 import CSRF, ERRORS, PROBLEM
from mesocare.web.deps import RecordId, Web, web

router = APIRouter(prefix="/api/v1", tags=["governance"])
Z = "/territories/{territory}/zones/{zone}/governance"
STALE = {**ERRORS, 409: {"description": "Changed since that version", **PROBLEM}}
Version = Annotated[int, Query(ge=1, le=2**31 - 1)]


def _ctx(w: Web) -> Ctx:
    return Ctx(w.access, w.request_id)


@router.get("/governance/templates", responses=ERRORS)
def governance_templates(w: Annotated[Web, Depends(web)]) -> list[Template]:
    """The governance bodies one can set up (labels in nl, fr and en; each rule with its source)."""
    w.require_login()
    return templates()


@router.get(Z + "/bodies", responses=ERRORS)
def list_bodies(w: Annotated[Web, Depends(web)], territory: str, zone: str) -> list[BodyPublic]:
    w.require_login()
    entry = w.platform.entry(territory)
    with w.platform.session() as s:
        return [G.public(s, b) for b in G.list_bodies(s, entry, zone, w.access)]


@router.post(Z + "/bodies", status_code=201, dependencies=CSRF, responses=ERRORS)
def create_body(
    w: Annotated[Web, Depends(web)], territory: str, zone: str, data: BodyCreate
) -> BodyPublic:
    """A body from a template's organ (e.g. ``zorgraad``/``council``); seats per cluster within
    the template's rules (a cluster not given: its minimum)."""
    w.require_login()
    entry = w.platform.entry(territory)
    with w.platform.session(write=True) as s:
        return G.public(s, G.create_body(s, entry, zone, data, _ctx(w)))


@router.get("/governance/bodies/{body_id}", responses=ERRORS)
def get_body(w: Annotated[Web, Depends(web)], body_id: RecordId) -> BodyPublic:
    """The body, its members, its seats and vacancies per cluster, and the rules it breaks."""
    w.require_login()
    with w.platform.session() as s:
        return G.public(s, G.get_body(s, body_id, w.access))


@router.patch("/governance/bodies/{body_id}", dependencies=CSRF, responses=STALE)
def update_body(w: Annotated[Web, Depends(web)], body_id: RecordId, data: BodyUpdate) -> BodyPublic:
    w.require_login()
    with w.platform.session(write=True) as s:
        return G.public(s, G.update_body(s, body_id, data, _ctx(w)))


@router.post(
    "/governance/bodies/{body_id}/members", status_code=201, dependencies=CSRF, responses=ERRORS
)
def add_member(
    w: Annotated[Web, Depends(web)], body_id: RecordId, data: MemberCreate
) -> MemberPublic:
    """Seat a member in a cluster (refused, naming the rule, when its seats are taken)."""
    w.require_login()
    with w.platform.session(write=True) as s:
        return G.member_public(G.add_member(s, body_id, data, _ctx(w)))


@router.patch("/governance/members/{member_id}", dependencies=CSRF, responses=STALE)
def update_member(
    w: Annotated[Web, Depends(web)], member_id: RecordId, data: MemberUpdate
) -> MemberPublic:
    w.require_login()
    with w.platform.session(write=True) as s:
        return G.member_public(G.update_member(s, member_id, data, _ctx(w)))


@router.delete(
    "/governance/members/{member_id}", status_code=204, dependencies=CSRF, responses=STALE
)
def remove_member(
    w: Annotated[Web, Depends(web)], member_id: RecordId, version: Version
) -> Response:
    w.require_login()
    with w.platform.session(write=True) as s:
        G.remove_member(s, member_id, version, _ctx(w))
    return Response(status_code=204)


@router.get("/governance/bodies/{body_id}/meetings", responses=ERRORS)
def list_meetings(w: Annotated[Web, Depends(web)], body_id: RecordId) -> list[MeetingPublic]:
    """The body's meetings, newest first, with their agenda and decisions."""
    w.require_login()
    with w.platform.session() as s:
        b = G.get_body(s, body_id, w.access)
        return [M.meeting_public(s, m) for m in M.meetings_of(s, b.id)]


@router.post(
    "/governance/bodies/{body_id}/meetings", status_code=201, dependencies=CSRF, responses=ERRORS
)
def create_meeting(
    w: Annotated[Web, Depends(web)], body_id: RecordId, data: MeetingCreate
) -> MeetingPublic:
    w.require_login()
    with w.platform.session(write=True) as s:
        return M.meeting_public(s, M.create_meeting(s, body_id, data, _ctx(w)))


@router.get("/governance/meetings/{meeting_id}", responses=ERRORS)
def get_meeting(w: Annotated[Web, Depends(web)], meeting_id: RecordId) -> MeetingPublic:
    w.require_login()
    with w.platform.session() as s:
        return M.meeting_public(s, M.get_meeting(s, meeting_id, w.access))


@router.post(
    "/governance/meetings/{meeting_id}/items",
    status_code=201,
    dependencies=CSRF,
    responses=ERRORS,
)
def add_item(
    w: Annotated[Web, Depends(web)], meeting_id: RecordId, data: ItemCreate
) -> MeetingPublic:
    """An agenda item at the end of the agenda, with the decision to take on it if any; the
    meeting as it is then."""
    w.require_login()
    with w.platform.session(write=True) as s:
        item = M.add_item(s, meeting_id, data, _ctx(w))
        return M.meeting_public(s, M.get_meeting(s, item.meeting_id, w.access))


@router.get("/governance/decisions/{decision_id}", responses=ERRORS)
def get_decision(w: Annotated[Web, Depends(web)], decision_id: RecordId) -> DecisionPublic:
    w.require_login()
    with w.platform.session() as s:
        return M.decision_public(M.get_decision(s, decision_id, w.access))


@router.put("/governance/decisions/{decision_id}/votes", dependencies=CSRF, responses=STALE)
def record_votes(
    w: Annotated[Web, Depends(web)], decision_id: RecordId, data: VotesIn
) -> DecisionPublic:
    """Every member's vote (a member not named is absent), made on the decision's ``version``;
    the outcome and each cluster's tally by the body's rule."""
    w.require_login()
    with w.platform.session(write=True) as s:
        return M.decision_public(M.record_votes(s, decision_id, data, _ctx(w)))
