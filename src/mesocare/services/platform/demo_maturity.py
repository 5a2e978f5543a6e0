"""The demo's maturity self-assessments (synthetic): last year's, closed, and this year's, whose
three participants (the coordinator, a board member, a welfare worker; each in a zorgraad
cluster) scored alone before the group set each score with a rationale; plus a new blind one.
Idempotent through :func:`prepare_maturity`."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from mesocare.organisation.maturity_records import (
    AssessmentCreate,
    ConsensusIn,
    ParticipantCreate,
    ScoresIn,
    Status,
)
from mesocare.services.platform import maturity as M
from mesocare.services.platform.records import Ctx
from mesocare.services.platform.territories import TerritoryEntry
from mesocare.store.models_learning import MaturityAssessment

TITLE = "Zelfevaluatie integrale zorg 2026 (synthetic)"
ITEMS = (
    "readiness",
    "governance",
    "digital",
    "coordination",
    "funding",
    "barriers",
    "population",
    "empowerment",
    "evaluation",
    "breadth",
    "innovation",
    "capacity",
)
#: each participant's blind scores, in the order of ITEMS
#: each cluster's scores, keyed by the cluster as a coordinator types it (the zorgraad's names)
SCORES = {
    "Zorgaanbieders": (4, 3, 1, 3, 2, 2, 3, 2, 1, 3, 2, 3),
    "Lokale besturen": (3, 4, 2, 2, 1, 3, 2, 2, 2, 4, 2, 2),
    "Welzijn": (4, 2, 1, 1, 1, 2, 3, 3, 1, 2, 3, 2),
}
#: the group's scores and rationale (importance 2: the zorgraad's own emphasis)
CONSENSUS = {
    "readiness": (4, "Shared vision written down in the zorgraad's charter", 1.0),
    "governance": (3, "The zorgraad meets; sub-networks have no mandate yet", 1.0),
    "digital": (1, "No shared care plan tool; e-mail and phone", 2.0),
    "coordination": (2, "Care paths for diabetes only; welfare not involved", 2.0),
    "funding": (1, "Project money, renewed yearly", 1.0),
    "barriers": (2, "Privacy rules block sharing between OCMW and GPs", 1.0),
    "population": (3, "Diagnosis by risk group done for two networks", 1.0),
    "empowerment": (2, "Goal-oriented care piloted in one practice", 1.0),
    "evaluation": (1, "No indicator followed over time yet", 1.5),
    "breadth": (3, "Housing and local authorities at the table", 1.0),
    "innovation": (2, "Pilots exist but are not spread", 1.0),
    "capacity": (2, "Training on goal-oriented care started", 1.0),
}
LAST_YEAR = {
    "readiness": 3,
    "governance": 2,
    "digital": 1,
    "coordination": 1,
    "funding": 1,
    "barriers": 1,
    "population": 2,
    "empowerment": 1,
    "evaluation": 1,
    "breadth": 2,
    "innovation": 1,
    "capacity": 1,
}


def _run(
    s: Session,
    entry: TerritoryEntry,
    zone: str,
    coordinator: Ctx,
    people: list[tuple[Ctx, str, str]],
    title: str,
    on: dt.date,
    consensus: dict[str, tuple[int, str, float]],
    close: bool,
) -> int:
    a = M.create_assessment(
        s, entry, zone, AssessmentCreate(title=title, assessed_on=on), coordinator
    )
    for _ctx, email, cluster in people:
        M.invite(s, a.id, ParticipantCreate(email=email, cluster=cluster), coordinator)
    for ctx, _email, cluster in people:
        scores = dict(zip(ITEMS, SCORES[cluster], strict=True))
        M.submit_scores(s, a.id, ScoresIn(scores=scores, submit=True), ctx)
    a = M.set_status(s, a.id, a.version, Status.CONSENSUS, coordinator)
    for item, (score, why, importance) in consensus.items():
        M.set_consensus(
            s,
            a.id,
            ConsensusIn(item=item, score=score, rationale=why, importance=importance),
            coordinator,
        )
    if close:
        a = M.set_status(s, a.id, a.version, Status.CLOSED, coordinator)
    return a.id


def build_demo_assessments(
    s: Session,
    entry: TerritoryEntry,
    zone: str,
    coordinator: Ctx,
    people: list[tuple[Ctx, str, str]],
) -> dict[str, int]:
    """Last year's (closed), this year's (in its consensus round) and a blind one; ``people``:
    three (ctx, email, cluster) with clusters from :data:`SCORES`. Returns their ids."""
    last = _run(
        s,
        entry,
        zone,
        coordinator,
        people,
        "Zelfevaluatie 2025 (synthetic)",
        dt.date(2025, 3, 12),
        {k: (v, "2025", 1.0) for k, v in LAST_YEAR.items()},
        True,
    )
    current = _run(
        s, entry, zone, coordinator, people, TITLE, dt.date(2026, 3, 10), CONSENSUS, False
    )
    blind = M.create_assessment(
        s,
        entry,
        zone,
        AssessmentCreate(
            title="Zelfevaluatie najaar 2026 (synthetic)", assessed_on=dt.date(2026, 10, 1)
        ),
        coordinator,
    )
    for _ctx, email, cluster in people:
        M.invite(s, blind.id, ParticipantCreate(email=email, cluster=cluster), coordinator)
    ctx, _e, cluster = people[0]
    M.submit_scores(s, blind.id, ScoresIn(scores={"funding": 2, "digital": 1}), ctx)
    return {"last": last, "current": current, "blind": blind.id}


def already_built(s: Session, entry: TerritoryEntry, zone: str) -> bool:
    return (
        s.scalar(
            select(MaturityAssessment.id).where(
                MaturityAssessment.territory == entry.id,
                MaturityAssessment.zone_code == zone,
                MaturityAssessment.title == TITLE,
            )
        )
        is not None
    )


__all__ = ["CONSENSUS", "SCORES", "TITLE", "already_built", "build_demo_assessments"]


def build_demo_practices(s: Session, entry: TerritoryEntry, zone: str, ctx: Ctx) -> list[int]:
    """Two practices of the zone (synthetic): one leading, with an outcome from the zone's
    diagnosis when it has one; one stopped, with its lessons."""
    from mesocare.organisation.library import (
        Outcome,
        PracticeCreate,
        PracticeStatus,
        Rating,
        SelfRating,
    )
    from mesocare.services.platform import library as L

    d = entry.diagnosis(zone)
    finding = (
        d.themes.indicators.findings[0] if d is not None and d.themes.indicators.findings else None
    )
    outcomes = (
        [
            Outcome(
                indicator=finding.indicator_id,
                indicator_id=finding.indicator_id,
                before=finding.value,
                before_year=finding.reference_year - 1,
            )
        ]
        if finding is not None and finding.value is not None
        else []
    )
    first = PracticeCreate(
        title="Huisbezoeken door een duo verpleegkundige en maatschappelijk werker (synthetic)",
        themes=["older_people", "care_coordination"],
        dimensions=["coordination", "breadth"],
        target_group="Thuiswonende 75-plussers met een kwetsbaarheidsscore boven 4",
        actors_resources="Thuisverpleging, OCMW, huisartsen; 0,5 VTE coördinatie",
        what_was_done="Een verpleegkundige en een maatschappelijk werker bezoeken samen, maken een "
        "gedeeld zorgplan met de persoon en spreken een vaste contactpersoon af.",
        status=PracticeStatus("leading"),
        outcomes=outcomes,
        lessons="In het eerste jaar te weinig doorverwijzingen: de huisartsen kenden het aanbod "
        "niet. Een vaste contactpersoon per praktijk loste dat op.",
        contacts="zorgraad@example.org",
        self_assessment={
            "relevance": SelfRating(rating=Rating("met")),
            "equity": SelfRating(rating=Rating("partly"), note="Anderstaligen bereiken we minder"),
            "transferability": SelfRating(rating=Rating("met")),
        },
    )
    second = PracticeCreate(
        title="Atelier numérique pour le dossier partagé (synthetic)",
        themes=["digital", "participation"],
        dimensions=["digital", "empowerment"],
        target_group="Patients chroniques et leurs aidants",
        what_was_done="Des ateliers mensuels en bibliothèque pour ouvrir et lire son dossier.",
        status=PracticeStatus("stopped"),
        lessons="Arrêté après six mois : trop peu de participants, horaires en journée. À refaire "
        "le soir, avec les pharmaciens.",
        self_assessment={"sustainability": SelfRating(rating=Rating("not_met"))},
    )
    return [L.create_practice(s, entry, zone, p, ctx).id for p in (first, second)]
