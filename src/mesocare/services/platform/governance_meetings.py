"""Meetings of a governance body, their agenda items and decisions, and the members' votes.

Recording the votes of a decision is one versioned edit of the decision (:func:`record_votes`):
the outcome is computed by the body's rule (:func:`mesocare.organisation.decisions.decide`) and
kept with its per-cluster tally. Two coordinators recording votes at once: the second gets a
:class:`~mesocare.errors.ConflictError`, nothing is lost.

A decision may adopt a record (its *subject*: a type, an id and the version adopted, e.g. a plan).
When such a decision passes, the hook registered for its subject type is called in the same
transaction (:func:`register_subject`), e.g. the action plans' ``mark_adopted(s, plan_id,
plan_version, decision_ref, ctx)``; if the hook refuses, the votes are not saved either. A decision
whose subject was adopted keeps its votes. The subject type may also register a check, called when
the decision is created, e.g. that the plan is one of the body's zone (a decision about another
zone's plan is refused). :func:`decisions_about` lists the decisions about a record, with their
meeting and body, for the record's page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mesocare.errors import ConflictError, NotFoundError, ValidationError
from mesocare.i18n import _
from mesocare.organisation.decisions import Ballot, Outcome, Vote, decide
from mesocare.organisation.governance_records import (
    DecisionCreate,
    DecisionPublic,
    ItemCreate,
    ItemPublic,
    MeetingCreate,
    MeetingPublic,
    TallyPublic,
    VotesIn,
)
from mesocare.services.platform import records
from mesocare.services.platform.access import Access
from mesocare.services.platform.governance import (
    get_body,
    members_of,
    organ_of,
    require_manage,
)
from mesocare.services.platform.records import Ctx
from mesocare.store.models_governance import (
    GovernanceBody,
    GovernanceDecision,
    GovernanceItem,
    GovernanceMeeting,
)

MEETING_FIELDS = ("body_id", "held_on", "title", "place", "zone_code")
ITEM_FIELDS = ("meeting_id", "position", "title", "notes", "zone_code")
DECISION_FIELDS = (
    "item_id",
    "motion",
    "subject_type",
    "subject_id",
    "subject_version",
    "votes",
    "outcome",
    "zone_code",
)

#: ``hook(session, subject_id, subject_version, decision_ref, ctx)``
SubjectHook = Callable[[Session, int, int, str, Ctx], Any]
#: ``check(session, subject_id, territory, zone)``: raises when the decision may not be about it
SubjectCheck = Callable[[Session, int, str, str], None]
_HOOKS: dict[str, SubjectHook] = {}
_CHECKS: dict[str, SubjectCheck] = {}


def register_subject(
    subject_type: str, hook: SubjectHook, check: SubjectCheck | None = None
) -> None:
    """Call ``hook`` when a decision about a ``subject_type`` record passes, and ``check`` (if
    given) when such a decision is created in a body of ``territory``/``zone``."""
    _HOOKS[subject_type] = hook
    if check is not None:
        _CHECKS[subject_type] = check


def unregister_subject(subject_type: str) -> None:
    _HOOKS.pop(subject_type, None)
    _CHECKS.pop(subject_type, None)


def subject_types() -> list[str]:
    return sorted(_HOOKS)


def decision_ref(d: GovernanceDecision) -> str:
    """How a subject refers to the decision that adopted it."""
    return f"governance-decision:{d.id}"


# ----- reading ---------------------------------------------------------------------------------
def get_meeting(s: Session, meeting_id: int, access: Access) -> GovernanceMeeting:
    m = s.get(GovernanceMeeting, meeting_id)
    if m is None or not access.can_read_governance(m.territory, m.zone_code):
        raise NotFoundError(_("no meeting {id}").format(id=meeting_id))
    return m


def meetings_of(s: Session, body_id: int) -> list[GovernanceMeeting]:
    return list(
        s.scalars(
            select(GovernanceMeeting)
            .where(GovernanceMeeting.body_id == body_id)
            .order_by(GovernanceMeeting.held_on.desc(), GovernanceMeeting.id.desc())
        )
    )


def get_item(s: Session, item_id: int, access: Access) -> GovernanceItem:
    i = s.get(GovernanceItem, item_id)
    if i is None or not access.can_read_governance(i.territory, i.zone_code):
        raise NotFoundError(_("no agenda item {id}").format(id=item_id))
    return i


def get_decision(s: Session, decision_id: int, access: Access) -> GovernanceDecision:
    d = s.get(GovernanceDecision, decision_id)
    if d is None or not access.can_read_governance(d.territory, d.zone_code):
        raise NotFoundError(_("no decision {id}").format(id=decision_id))
    return d


def body_of_decision(s: Session, d: GovernanceDecision) -> GovernanceBody:
    item = s.get_one(GovernanceItem, d.item_id)
    meeting = s.get_one(GovernanceMeeting, item.meeting_id)
    return s.get_one(GovernanceBody, meeting.body_id)


@dataclass(frozen=True)
class SubjectDecision:
    """A decision about a record, where it was taken (for the record's page)."""

    decision_id: int
    motion: str
    outcome: str
    subject_version: int | None
    decided_at: datetime | None
    meeting_id: int
    meeting_title: str
    held_on: date
    body_id: int
    body_name: str


def decisions_about(
    s: Session, subject_type: str, subject_id: int, access: Access
) -> list[SubjectDecision]:
    """The decisions about a record that one may read, the latest meeting first."""
    rows = s.execute(
        select(GovernanceDecision, GovernanceMeeting, GovernanceBody)
        .join(GovernanceItem, GovernanceItem.id == GovernanceDecision.item_id)
        .join(GovernanceMeeting, GovernanceMeeting.id == GovernanceItem.meeting_id)
        .join(GovernanceBody, GovernanceBody.id == GovernanceMeeting.body_id)
        .where(
            GovernanceDecision.subject_type == subject_type,
            GovernanceDecision.subject_id == subject_id,
        )
        .order_by(GovernanceMeeting.held_on.desc(), GovernanceDecision.id.desc())
    )
    return [
        SubjectDecision(
            decision_id=d.id,
            motion=d.motion,
            outcome=d.outcome,
            subject_version=d.subject_version,
            decided_at=d.decided_at,
            meeting_id=m.id,
            meeting_title=m.title,
            held_on=m.held_on,
            body_id=b.id,
            body_name=b.name,
        )
        for d, m, b in rows
        if access.can_read_governance(d.territory, d.zone_code)
    ]


def _tally(outcome: Outcome, body: GovernanceBody) -> list[dict[str, Any]]:
    organ = organ_of(body)
    return [
        {
            "cluster": c.cluster,
            "label": organ.cluster(c.cluster).label.model_dump(),
            "votes": c.votes,
            "members": c.members,
            "for_": c.for_,
            "against": c.against,
            "abstain": c.abstain,
            "absent": c.absent,
            "quorum_needed": c.quorum_needed,
            "quorum_met": c.quorum_met,
            "base": c.base,
            "majority_needed": c.majority_needed,
            "majority_met": c.majority_met,
            "passed": c.passed,
        }
        for c in outcome.clusters
    ]


def decision_public(d: GovernanceDecision) -> DecisionPublic:
    from mesocare.organisation.governance import Labels

    return DecisionPublic(
        id=d.id,
        item_id=d.item_id,
        motion=d.motion,
        subject_type=d.subject_type,
        subject_id=d.subject_id,
        subject_version=d.subject_version,
        votes={int(k): Vote(v) for k, v in d.votes.items()},
        outcome=d.outcome,
        tally=[
            TallyPublic(**{**t, "label": Labels.model_validate(t["label"]).get()})
            for t in d.tally or []
        ],
        decided_at=d.decided_at,
        version=d.version,
    )


def meeting_public(s: Session, m: GovernanceMeeting) -> MeetingPublic:
    items = list(
        s.scalars(
            select(GovernanceItem)
            .where(GovernanceItem.meeting_id == m.id)
            .order_by(GovernanceItem.position, GovernanceItem.id)
        )
    )
    decisions: dict[int, list[GovernanceDecision]] = {}
    if items:
        for d in s.scalars(
            select(GovernanceDecision)
            .where(GovernanceDecision.item_id.in_([i.id for i in items]))
            .order_by(GovernanceDecision.id)
        ):
            decisions.setdefault(d.item_id, []).append(d)
    return MeetingPublic(
        id=m.id,
        body_id=m.body_id,
        territory=m.territory,
        zone_code=m.zone_code,
        held_on=m.held_on,
        title=m.title,
        place=m.place,
        items=[
            ItemPublic(
                id=i.id,
                meeting_id=i.meeting_id,
                position=i.position,
                title=i.title,
                notes=i.notes,
                decisions=[decision_public(d) for d in decisions.get(i.id, [])],
                version=i.version,
            )
            for i in items
        ],
        version=m.version,
    )


# ----- changing --------------------------------------------------------------------------------
def create_meeting(s: Session, body_id: int, data: MeetingCreate, ctx: Ctx) -> GovernanceMeeting:
    b = get_body(s, body_id, ctx.access)
    require_manage(ctx.access, b.territory, b.zone_code)
    m = GovernanceMeeting(
        territory=b.territory, zone_code=b.zone_code, body_id=b.id, **data.model_dump()
    )
    return records.create(s, m, ctx, "governance_meeting", MEETING_FIELDS)


def _check_subject(s: Session, data: DecisionCreate, territory: str, zone: str) -> None:
    given = [data.subject_id is not None, data.subject_version is not None]
    if data.subject_type is None:
        if any(given):
            raise ValidationError(_("a subject id needs a subject type"), column="subject_type")
        return
    if data.subject_type not in _HOOKS:
        raise ValidationError(
            _("a decision cannot adopt this kind of record"),
            column="subject_type",
            found=data.subject_type,
            expected=", ".join(subject_types()) or _("none yet"),
        )
    if not all(given):
        raise ValidationError(
            _("give the id and the version of the record the decision adopts"),
            column="subject_id" if data.subject_id is None else "subject_version",
        )
    check = _CHECKS.get(data.subject_type)
    if check is not None:
        assert data.subject_id is not None
        check(s, data.subject_id, territory, zone)


def add_item(s: Session, meeting_id: int, data: ItemCreate, ctx: Ctx) -> GovernanceItem:
    """An agenda item at the end of the meeting's agenda, with its decision if one is given."""
    m = get_meeting(s, meeting_id, ctx.access)
    require_manage(ctx.access, m.territory, m.zone_code)
    if data.decision is not None:
        _check_subject(s, data.decision, m.territory, m.zone_code)
    last = s.scalar(
        select(func.max(GovernanceItem.position)).where(GovernanceItem.meeting_id == m.id)
    )
    i = GovernanceItem(
        territory=m.territory,
        zone_code=m.zone_code,
        meeting_id=m.id,
        position=(last or 0) + 1,
        title=data.title,
        notes=data.notes,
    )
    records.create(s, i, ctx, "governance_item", ITEM_FIELDS)
    if data.decision is not None:
        add_decision(s, i.id, data.decision, ctx)
    return i


def add_decision(s: Session, item_id: int, data: DecisionCreate, ctx: Ctx) -> GovernanceDecision:
    i = get_item(s, item_id, ctx.access)
    require_manage(ctx.access, i.territory, i.zone_code)
    _check_subject(s, data, i.territory, i.zone_code)
    d = GovernanceDecision(
        territory=i.territory,
        zone_code=i.zone_code,
        item_id=i.id,
        votes={},
        outcome="open",
        tally=None,
        **data.model_dump(),
    )
    return records.create(s, d, ctx, "governance_decision", DECISION_FIELDS)


def record_votes(s: Session, decision_id: int, data: VotesIn, ctx: Ctx) -> GovernanceDecision:
    """Record every member's vote (members not named: absent), made on ``data.version``."""
    d = get_decision(s, decision_id, ctx.access)
    require_manage(ctx.access, d.territory, d.zone_code)
    if d.version != data.version:
        raise records.conflict(d.version)
    if d.outcome == "passed" and d.subject_type is not None:
        raise ConflictError(
            _("this decision adopted a record: its votes can no longer change"),
            current_version=None,
        )
    body = body_of_decision(s, d)
    members = {m.id: m for m in members_of(s, body.id)}
    unknown = sorted(set(data.votes) - set(members))
    if unknown:
        raise ValidationError(
            _("not a member of this body"), column="votes", found=", ".join(map(str, unknown))
        )
    votes = {mid: data.votes.get(mid, Vote.ABSENT) for mid in members}
    organ = organ_of(body)
    outcome = decide(
        [Ballot(mid, members[mid].cluster, v) for mid, v in votes.items()],
        organ.decision,
        organ.voting,
    )
    result = "passed" if outcome.passed else "failed"
    fresh = records.update(
        s,
        d,
        data.version,
        {
            "votes": {str(k): v.value for k, v in votes.items()},
            "outcome": result,
            "tally": _tally(outcome, body),
            "decided_at": records.now(),
        },
        ctx,
        "governance_decision",
        DECISION_FIELDS,
    )
    if result == "passed" and fresh.subject_type is not None:
        hook = _HOOKS.get(fresh.subject_type)
        if hook is None:
            raise ValidationError(
                _("a decision cannot adopt this kind of record"),
                column="subject_type",
                found=fresh.subject_type,
            )
        assert fresh.subject_id is not None and fresh.subject_version is not None
        try:
            hook(s, fresh.subject_id, fresh.subject_version, decision_ref(fresh), ctx)
        except ConflictError as exc:  # the record changed since the decision was put
            raise ConflictError(
                _(
                    "the record this decision adopts has changed since (it is at version {now}, "
                    "the decision is about version {version}): the votes are not saved; put the "
                    "current version to a new decision"
                ).format(now=exc.current_version, version=fresh.subject_version),
                current_version=None,
            ) from None
    return fresh


__all__ = [
    "SubjectCheck",
    "SubjectDecision",
    "SubjectHook",
    "add_decision",
    "add_item",
    "create_meeting",
    "decision_public",
    "decision_ref",
    "decisions_about",
    "get_decision",
    "get_meeting",
    "meeting_public",
    "meetings_of",
    "record_votes",
    "register_subject",
    "subject_types",
    "unregister_subject",
]

# the subjects a decision may adopt register themselves when imported
from mesocare.services.platform import plans as _plans  # noqa: E402, F401  (isort: skip)
