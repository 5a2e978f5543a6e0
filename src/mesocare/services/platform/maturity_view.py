"""What readers see of maturity assessments: one assessment's view (blind: the asker's own scores
only), the anonymised comparison of zones, and each zone's strengths and weaknesses.

The per-item arithmetic is :mod:`mesocare.organisation.maturity_scores`; here it is applied to
the stored scores, once the consensus round has opened (see :mod:`.maturity` on blindness).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from mesocare.organisation.maturity_records import (
    AssessmentPublic,
    AssessmentView,
    Dot,
    ItemResult,
    ParticipantPublic,
    PriorityPublic,
    Status,
    ZoneScores,
)
from mesocare.organisation.maturity_scores import (
    AgreementRule,
    ClusterRule,
    cluster_flags,
    item_stats,
    priorities,
)
from mesocare.services.platform.access import Access
from mesocare.services.platform.maturity import (
    consensus_rows,
    framework_of,
    get_assessment,
    participant_of,
    participants,
)
from mesocare.services.platform.territories import TerritoryEntry
from mesocare.store.models import User
from mesocare.store.models_learning import MaturityAssessment, MaturityScore

#: a dimension whose consensus reaches this share of the scale is a strength; at most the weak one
STRONG_SHARE = 0.7
WEAK_SHARE = 0.4


def public(s: Session, a: MaturityAssessment) -> AssessmentPublic:
    ps = participants(s, a.id)
    names = {
        u.id: u.display_name or u.email
        for u in s.scalars(select(User).where(User.id.in_([p.user_id for p in ps])))
    }
    return AssessmentPublic(
        id=a.id,
        territory=a.territory,
        zone_code=a.zone_code,
        title=a.title,
        assessed_on=a.assessed_on,
        framework=a.framework_name,
        status=Status(a.status),
        version=a.version,
        participants=[
            ParticipantPublic(
                id=p.id,
                name=names.get(p.user_id, "?"),
                cluster=p.cluster,
                submitted=p.submitted_at is not None,
            )
            for p in ps
        ],
    )


def previous(s: Session, a: MaturityAssessment) -> MaturityAssessment | None:
    """The zone's latest earlier assessment on the same framework that reached consensus."""
    return s.scalar(
        select(MaturityAssessment)
        .where(
            MaturityAssessment.territory == a.territory,
            MaturityAssessment.zone_code == a.zone_code,
            MaturityAssessment.framework_name == a.framework_name,
            MaturityAssessment.assessed_on < a.assessed_on,
            MaturityAssessment.status != Status.BLIND.value,
        )
        .order_by(MaturityAssessment.assessed_on.desc())
        .limit(1)
    )


def view(s: Session, assessment_id: int, access: Access) -> AssessmentView:
    a = get_assessment(s, assessment_id, access)
    fw = framework_of(a)
    me = participant_of(s, a, access)
    ps = participants(s, a.id)
    all_scores = list(s.scalars(select(MaturityScore).where(MaturityScore.assessment_id == a.id)))
    mine = [r for r in all_scores if me is not None and r.participant_id == me.id]
    out = AssessmentView(
        assessment=public(s, a),
        my_participant_id=me.id if me else None,
        my_scores={r.item: r.score for r in mine},
        my_comments={r.item: r.comment for r in mine if r.comment},
        submitted=sum(p.submitted_at is not None for p in ps),
        results=[],
        priorities=[],
        previous_id=None,
    )
    if a.status == Status.BLIND:
        return out  # blind: nobody's scores but one's own
    rule = AgreementRule.model_validate(a.rules.get("agreement", {}))
    crule = ClusterRule.model_validate(a.rules.get("clusters", {}))
    cluster = {p.id: p.cluster for p in ps}
    by_item: dict[str, list[MaturityScore]] = defaultdict(list)
    for r in all_scores:
        by_item[r.item].append(r)
    cons = consensus_rows(s, a.id)
    prev = previous(s, a)
    before = {k: v.score for k, v in consensus_rows(s, prev.id).items()} if prev else {}
    results = []
    for d in fw.dimensions:
        for c in d.criteria:
            rows = by_item.get(c.id, [])
            st = item_stats([r.score for r in rows], rule) if rows else None
            groups: dict[str, list[int]] = defaultdict(list)
            for r in rows:
                if cluster.get(r.participant_id):
                    groups[cluster[r.participant_id]].append(r.score)
            flags = [f"{f.cluster_a} / {f.cluster_b}" for f in cluster_flags(groups, crule)]
            con = cons.get(c.id)
            results.append(
                ItemResult(
                    item=c.id,
                    dimension=d.key,
                    median=st.median if st else None,
                    q1=st.q1 if st else None,
                    q3=st.q3 if st else None,
                    iqr=st.iqr if st else None,
                    outside=st.outside if st else 0,
                    agreement=st.agreement if st else None,
                    dots=sorted(
                        (
                            Dot(cluster=cluster.get(r.participant_id, ""), score=r.score)
                            for r in rows
                        ),
                        key=lambda x: (x.score, x.cluster),
                    ),
                    cluster_flags=flags,
                    consensus=con.score if con else None,
                    rationale=con.rationale if con else "",
                    importance=con.importance if con else c.importance,
                    previous=before.get(c.id),
                    change=(con.score - before[c.id]) if con and c.id in before else None,
                    plan_item_id=con.plan_item_id if con else None,
                )
            )
    ranked = priorities(
        {k: v.score for k, v in cons.items()}, {k: v.importance for k, v in cons.items()}, fw.high
    )
    out.results = results
    out.priorities = [
        PriorityPublic(
            item=p.item,
            score=p.score,
            gap=p.gap,
            importance=p.importance,
            weight=p.weight,
            plan_item_id=cons[p.item].plan_item_id,
        )
        for p in ranked
    ]
    out.previous_id = prev.id if prev else None
    return out


# ----- across zones ----------------------------------------------------------------------------
def _latest_by_zone(
    s: Session, entry: TerritoryEntry, framework: str
) -> dict[str, MaturityAssessment]:
    rows = s.scalars(
        select(MaturityAssessment)
        .where(
            MaturityAssessment.territory == entry.id,
            MaturityAssessment.framework_name == framework,
            MaturityAssessment.status != Status.BLIND.value,
        )
        .order_by(MaturityAssessment.assessed_on, MaturityAssessment.id)
    )
    return {a.zone_code: a for a in rows}  # the last one per zone wins


def zone_scores(s: Session, a: MaturityAssessment) -> dict[str, float]:
    """The consensus per dimension: the mean of its items that have one."""
    fw = framework_of(a)
    cons = consensus_rows(s, a.id)
    out = {}
    for d in fw.dimensions:
        vals = [cons[c.id].score for c in d.criteria if c.id in cons]
        if vals:
            out[d.key] = sum(vals) / len(vals)
    return out


def compare_zones(
    s: Session, entry: TerritoryEntry, access: Access, framework: str = "mesocare-integration"
) -> list[ZoneScores]:
    """Each zone's latest consensus per dimension, for the zones whose figures the viewer reads;
    no participant, score of a participant or name in it."""
    out = []
    for zone, a in sorted(_latest_by_zone(s, entry, framework).items()):
        if not access.can_read_figures(entry.id, zone):
            continue
        dims = zone_scores(s, a)
        if dims:
            out.append(
                ZoneScores(
                    zone_code=zone, assessment_id=a.id, assessed_on=a.assessed_on, dimensions=dims
                )
            )
    return out


@dataclass(frozen=True)
class Profile:
    """A zone's strengths and weaknesses (dimension keys) from its latest assessment."""

    zone: str
    strengths: list[str]
    weaknesses: list[str]


def profiles(
    s: Session, entry: TerritoryEntry, framework: str = "mesocare-integration"
) -> dict[str, Profile]:
    """Every assessed zone's profile (strong: consensus ≥ 70 % of the scale; weak: ≤ 40 %).
    Callers filter by what the viewer may read."""
    out = {}
    for zone, a in _latest_by_zone(s, entry, framework).items():
        fw = framework_of(a)
        span = fw.high - fw.low
        dims = zone_scores(s, a)
        out[zone] = Profile(
            zone,
            [k for k, v in dims.items() if (v - fw.low) >= STRONG_SHARE * span],
            [k for k, v in dims.items() if (v - fw.low) <= WEAK_SHARE * span],
        )
    return out


__all__ = ["Profile", "compare_zones", "previous", "profiles", "public", "view", "zone_scores"]
