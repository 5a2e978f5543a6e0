"""Maturity self-assessments of a zone: create one on a framework, invite participants, each
scores alone (blind), the group sets the consensus, a priority becomes a plan objective.

Who may do what (zone records, decided by :class:`~.access.Access`):

- **read** an assessment: who reads the zone (participants are invited among them);
- **manage** it (invite, open the consensus round, set consensus scores, close, turn a priority
  into an objective): who edits the zone's records (its coordinators, admins);
- **score**: an invited participant, their own scores only, while the assessment is blind.

Blindness is kept here, not by the pages: while an assessment is ``blind`` no function of this
module or of :mod:`.maturity_view` gives anyone's scores but the asker's own (not even to the
coordinator, who sees who has submitted). The results appear when the consensus round opens.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mesocare.errors import NotFoundError, PermissionDeniedError, ValidationError
from mesocare.i18n import _
from mesocare.organisation.maturity import Framework, load_shipped
from mesocare.organisation.maturity_records import (
    AssessmentCreate,
    ConsensusIn,
    ObjectiveIn,
    ParticipantCreate,
    ScoresIn,
    Status,
)
from mesocare.organisation.plans import ItemCreate, Level
from mesocare.services.platform import accounts, plans, records
from mesocare.services.platform.access import Access
from mesocare.services.platform.records import Ctx
from mesocare.services.platform.territories import TerritoryEntry
from mesocare.store.models import User
from mesocare.store.models_learning import (
    MaturityAssessment,
    MaturityConsensus,
    MaturityParticipant,
    MaturityScore,
)
from mesocare.store.models_plans import PlanItem

ASSESSMENT_FIELDS = ("title", "assessed_on", "framework_name", "status", "rules")
PARTICIPANT_FIELDS = ("assessment_id", "user_id", "cluster", "submitted_at")
SCORE_FIELDS = ("assessment_id", "participant_id", "item", "score", "comment")
CONSENSUS_FIELDS = ("assessment_id", "item", "score", "rationale", "importance", "plan_item_id")
#: the order of the statuses (a round never goes back)
ORDER = (Status.BLIND, Status.CONSENSUS, Status.CLOSED)


#: the largest framework file accepted (a few hundred criteria fit in far less)
MAX_FRAMEWORK_BYTES = 2_000_000


def framework_from_upload(data: bytes, filename: str) -> Framework:
    """A framework from an uploaded CSV or XLSX (layout: :mod:`mesocare.organisation.
    maturity_file`), named after the file; bad cells are refused by name."""
    import re
    import tempfile
    from pathlib import Path

    from mesocare.errors import TooLargeError
    from mesocare.organisation.maturity_file import load_framework_file

    if len(data) > MAX_FRAMEWORK_BYTES:
        raise TooLargeError(_("the file is too large"), file=filename)
    base = Path(filename or "framework.csv").name
    suffix = Path(base).suffix.lower()
    name = re.sub(r"[^a-z0-9._-]+", "-", Path(base).stem.lower()).strip("-.") or "framework"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        return load_framework_file(path, name[:80], source=f"user file {base}", shown_as=base)


def framework_of(a: MaturityAssessment) -> Framework:
    return Framework.model_validate(a.framework)


# ----- reading ---------------------------------------------------------------------------------
def participants(s: Session, assessment_id: int) -> list[MaturityParticipant]:
    return list(
        s.scalars(
            select(MaturityParticipant)
            .where(MaturityParticipant.assessment_id == assessment_id)
            .order_by(MaturityParticipant.id)
        )
    )


def participant_of(s: Session, a: MaturityAssessment, access: Access) -> MaturityParticipant | None:
    p = access.principal
    if p is None:
        return None
    return s.scalar(
        select(MaturityParticipant).where(
            MaturityParticipant.assessment_id == a.id, MaturityParticipant.user_id == p.user_id
        )
    )


def can_manage(access: Access, a: MaturityAssessment) -> bool:
    return access.can_edit_records(a.territory, a.zone_code)


def get_assessment(s: Session, assessment_id: int, access: Access) -> MaturityAssessment:
    """The assessment, if one reads its zone (else: not found). Participants are users of the
    zone (checked when invited); one who no longer reads it no longer reads the assessment."""
    a = s.get(MaturityAssessment, assessment_id)
    if a is not None and access.can_read_zone(a.territory, a.zone_code):
        return a
    raise NotFoundError(_("no assessment {id}").format(id=assessment_id))


def list_assessments(
    s: Session, entry: TerritoryEntry, zone: str, access: Access
) -> list[MaturityAssessment]:
    entry.require_zone(zone)
    if not access.can_read_zone(entry.id, zone):
        raise PermissionDeniedError(_("you may not read zone {zone}").format(zone=zone))
    return list(
        s.scalars(
            select(MaturityAssessment)
            .where(MaturityAssessment.territory == entry.id, MaturityAssessment.zone_code == zone)
            .order_by(MaturityAssessment.assessed_on.desc(), MaturityAssessment.id.desc())
        )
    )


def zone_users(s: Session, a: MaturityAssessment, access: Access) -> list[tuple[str, str]]:
    """(email, name) of the enabled users who read the assessment's zone: whom one may invite
    or name as an anchor (for the forms of those who manage it)."""
    if not can_manage(access, a):
        return []
    out = []
    for u in s.scalars(select(User).where(User.disabled.is_(False)).order_by(User.email)):
        if Access(accounts.principal_of(u), access.hierarchy).can_read_zone(
            a.territory, a.zone_code
        ):
            out.append((u.email, u.display_name or u.email))
    return out


def _managed(s: Session, assessment_id: int, ctx: Ctx) -> MaturityAssessment:
    a = get_assessment(s, assessment_id, ctx.access)
    if not can_manage(ctx.access, a):
        raise PermissionDeniedError(_("you may not manage this assessment"))
    return a


# ----- changing --------------------------------------------------------------------------------
def create_assessment(
    s: Session,
    entry: TerritoryEntry,
    zone: str,
    data: AssessmentCreate,
    ctx: Ctx,
    *,
    framework: Framework | None = None,
) -> MaturityAssessment:
    """A new blind assessment on ``data.framework`` (shipped) or on ``framework`` (a user's file)."""
    entry.require_zone(zone)
    if not ctx.access.can_edit_records(entry.id, zone):
        raise PermissionDeniedError(
            _("you may not edit the records of zone {zone}").format(zone=zone)
        )
    fw = framework or load_shipped(data.framework)
    a = MaturityAssessment(
        territory=entry.id,
        zone_code=zone,
        title=data.title,
        assessed_on=data.assessed_on,
        framework_name=fw.name,
        framework=fw.model_dump(mode="json"),
        status=Status.BLIND.value,
        rules={
            "agreement": data.agreement.model_dump(),
            "clusters": data.clusters.model_dump(),
        },
    )
    return records.create(s, a, ctx, "maturity_assessment", ASSESSMENT_FIELDS)


def invite(
    s: Session, assessment_id: int, data: ParticipantCreate, ctx: Ctx
) -> MaturityParticipant:
    """Invite a platform user of the zone, in a cluster (e.g. a zorgraad cluster)."""
    a = _managed(s, assessment_id, ctx)
    if a.status != Status.BLIND:
        raise ValidationError(
            _("participants are invited before the consensus round"), column="status"
        )
    user = accounts.get_user(s, data.email)
    if user.disabled or not Access(accounts.principal_of(user), ctx.access.hierarchy).can_read_zone(
        a.territory, a.zone_code
    ):
        raise ValidationError(
            _("not a user of zone {zone}").format(zone=a.zone_code),
            column="email",
            found=data.email,
        )
    if any(p.user_id == user.id for p in participants(s, a.id)):
        raise ValidationError(_("already invited"), column="email", found=data.email)
    p = MaturityParticipant(
        territory=a.territory,
        zone_code=a.zone_code,
        assessment_id=a.id,
        user_id=user.id,
        cluster=data.cluster,
    )
    return records.create(s, p, ctx, "maturity_participant", PARTICIPANT_FIELDS)


def own_scores(s: Session, participant_id: int) -> dict[int, MaturityScore]:
    rows = s.scalars(select(MaturityScore).where(MaturityScore.participant_id == participant_id))
    return {r.id: r for r in rows}


def submit_scores(s: Session, assessment_id: int, data: ScoresIn, ctx: Ctx) -> MaturityParticipant:
    """The asker's own scores (only theirs, only while blind); ``submit`` marks them done."""
    a = get_assessment(s, assessment_id, ctx.access)
    me = participant_of(s, a, ctx.access)
    if me is None:
        raise PermissionDeniedError(_("you are not a participant of this assessment"))
    if a.status != Status.BLIND:
        raise ValidationError(
            _("scoring is closed: the consensus round has opened"), column="status"
        )
    fw = framework_of(a)
    known = {c.id for c in fw.criteria()}
    for item, score in data.scores.items():
        if item not in known:
            raise ValidationError(_("not an item of this framework"), column="item", found=item)
        if not fw.low <= score <= fw.high:
            raise ValidationError(
                _("score out of the scale"),
                column=item,
                found=score,
                expected=f"{fw.low}..{fw.high}",
            )
    for item in data.comments:
        if item not in known:
            raise ValidationError(_("not an item of this framework"), column="item", found=item)
    by_item = {r.item: r for r in own_scores(s, me.id).values()}
    for item in sorted(set(data.scores) | set(data.comments)):
        row = by_item.get(item)
        values: dict[str, Any] = {}
        if item in data.scores:
            values["score"] = data.scores[item]
        if item in data.comments:
            values["comment"] = data.comments[item][:5000]
        if row is None:
            if "score" not in values:
                raise ValidationError(_("a comment needs a score"), column=item)
            records.create(
                s,
                MaturityScore(
                    territory=a.territory,
                    zone_code=a.zone_code,
                    assessment_id=a.id,
                    participant_id=me.id,
                    item=item,
                    score=values["score"],
                    comment=values.get("comment", ""),
                ),
                ctx,
                "maturity_score",
                SCORE_FIELDS,
            )
        else:
            records.update(s, row, row.version, values, ctx, "maturity_score", SCORE_FIELDS)
    if data.submit and me.submitted_at is None:
        me = records.update(
            s,
            me,
            me.version,
            {"submitted_at": records.now()},
            ctx,
            "maturity_participant",
            PARTICIPANT_FIELDS,
        )
    return me


def set_status(
    s: Session, assessment_id: int, version: int, status: Status, ctx: Ctx
) -> MaturityAssessment:
    """Open the consensus round (blind → consensus) or close it (consensus → closed)."""
    a = _managed(s, assessment_id, ctx)
    if ORDER.index(status) != ORDER.index(Status(a.status)) + 1:
        raise ValidationError(
            _("an assessment goes blind → consensus → closed"), column="status", found=status.value
        )
    if status == Status.CONSENSUS and not s.scalar(
        select(MaturityScore.id).where(MaturityScore.assessment_id == a.id).limit(1)
    ):
        raise ValidationError(_("no participant has scored yet"), column="status")
    return records.update(
        s, a, version, {"status": status.value}, ctx, "maturity_assessment", ASSESSMENT_FIELDS
    )


def consensus_rows(s: Session, assessment_id: int) -> dict[str, MaturityConsensus]:
    rows = s.scalars(
        select(MaturityConsensus).where(MaturityConsensus.assessment_id == assessment_id)
    )
    return {r.item: r for r in rows}


def set_consensus(s: Session, assessment_id: int, data: ConsensusIn, ctx: Ctx) -> MaturityConsensus:
    """The group's score of an item with its rationale (during the consensus round)."""
    a = _managed(s, assessment_id, ctx)
    if a.status != Status.CONSENSUS:
        raise ValidationError(_("the consensus round is not open"), column="status")
    fw = framework_of(a)
    fw.criterion(data.item)
    if not fw.low <= data.score <= fw.high:
        raise ValidationError(
            _("score out of the scale"),
            column="score",
            found=data.score,
            expected=f"{fw.low}..{fw.high}",
        )
    row = consensus_rows(s, a.id).get(data.item)
    values = {"score": data.score, "rationale": data.rationale, "importance": data.importance}
    if row is None:
        return records.create(
            s,
            MaturityConsensus(
                territory=a.territory,
                zone_code=a.zone_code,
                assessment_id=a.id,
                item=data.item,
                **values,
            ),
            ctx,
            "maturity_consensus",
            CONSENSUS_FIELDS,
        )
    return records.update(s, row, row.version, values, ctx, "maturity_consensus", CONSENSUS_FIELDS)


def to_objective(
    s: Session, assessment_id: int, data: ObjectiveIn, ctx: Ctx, lang: str
) -> PlanItem:
    """A priority becomes a strategic objective of a plan of the same zone, carried by an anchor
    person (a user of the zone); the item's consensus keeps the link."""
    a = _managed(s, assessment_id, ctx)
    row = consensus_rows(s, a.id).get(data.item)
    if row is None:
        raise ValidationError(
            _("this item has no consensus score yet"), column="item", found=data.item
        )
    if row.plan_item_id is not None and s.get(PlanItem, row.plan_item_id) is not None:
        raise ValidationError(
            _("this priority is already an objective"), column="item", found=data.item
        )
    plan = plans.get_plan(s, data.plan_id, ctx.access)
    if (plan.territory, plan.zone_code) != (a.territory, a.zone_code):
        raise ValidationError(
            _("the plan is not of this zone"), column="plan_id", found=data.plan_id
        )
    anchor = s.scalar(select(User).where(User.email == data.anchor.strip().lower()))
    if anchor is None or not Access(
        accounts.principal_of(anchor), ctx.access.hierarchy
    ).can_read_zone(a.territory, a.zone_code):
        raise ValidationError(
            _("not a user of zone {zone}").format(zone=a.zone_code),
            column="anchor",
            found=data.anchor,
        )
    fw = framework_of(a)
    crit, dim = fw.criterion(data.item), fw.dimension_of(data.item)
    title = _("Improve: {dimension}").format(dimension=dim.label.get(lang))
    description = "\n".join(
        [
            crit.text.get(lang),
            _("Consensus score {score} of {high} ({assessment}, {date}).").format(
                score=row.score, high=fw.high, assessment=a.title, date=a.assessed_on.isoformat()
            ),
            row.rationale,
        ]
    )
    item = plans.add_item(
        s,
        plan.id,
        ItemCreate(
            level=Level.STRATEGIC,
            title=title[:300],
            description=description[:5000],
            assignee=anchor.email,
        ),
        ctx,
    )
    records.update(
        s, row, row.version, {"plan_item_id": item.id}, ctx, "maturity_consensus", CONSENSUS_FIELDS
    )
    return item


__all__ = [
    "can_manage",
    "create_assessment",
    "framework_of",
    "get_assessment",
    "invite",
    "list_assessments",
    "participant_of",
    "participants",
    "set_consensus",
    "set_status",
    "submit_scores",
    "to_objective",
    "zone_users",
]
