"""The learning library: full-text search finds a practice by a word in each language (and by a
theme's label in another language) on SQLite (FTS5) and PostgreSQL (tsvector); outcomes from the
zone's diagnosis; adopting a practice drafts actions in one's own plan and records who adopted
it; a zone weak on a dimension is shown the zones strong on it and their practices."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.platform_fixtures import ACCOUNTS, Served
from tests.services.records.test_plans import ctx, new_plan

from mesocare.errors import PermissionDeniedError, ValidationError
from mesocare.organisation.library import AdoptIn, Outcome, PracticeCreate, SelfRating
from mesocare.organisation.maturity_records import (
    AssessmentCreate,
    ConsensusIn,
    ParticipantCreate,
    ScoresIn,
    Status,
)
from mesocare.services.platform import library as L
from mesocare.services.platform import maturity as M
from mesocare.services.platform import plans as P

PRACTICES = {
    "nl": PracticeCreate(
        title="Huisbezoeken bij kwetsbare ouderen",
        themes=["older_people"],
        dimensions=["digital"],
        what_was_done="Een verpleegkundige en een maatschappelijk werker bezoeken samen.",
        lessons="De eerste opzet mislukte: te weinig doorverwijzingen.",
        status="promising",
    ),
    "fr": PracticeCreate(
        title="Éducation thérapeutique du diabète en maison médicale",
        themes=["chronic_care", "informal_carers"],
        what_was_done="Ateliers collectifs animés par une infirmière.",
        status="leading",
        self_assessment={"equity": SelfRating(rating="partly", note="peu de non-francophones")},
    ),
    "en": PracticeCreate(
        title="Tackling loneliness through social prescribing",
        themes=["social_prescribing"],
        what_was_done="Link workers connect patients with community groups.",
        status="stopped",
        lessons="Stopped when the funding ended.",
    ),
}


def _add(served: Served, zone: str = "Z01", role: str = "coordinator") -> dict[str, int]:
    p = served.platform
    with p.session(write=True) as s:  # type: ignore[attr-defined]
        return {
            k: L.create_practice(s, p.entry("leuven"), zone, v, ctx(served, role)).id  # type: ignore[attr-defined]
            for k, v in PRACTICES.items()
        }


def _search(served: Served, q: str, role: str = "viewer") -> list[str]:
    p = served.platform
    with p.session() as s:  # type: ignore[attr-defined]
        return [x.title for x in L.search(s, p.entry("leuven"), ctx(served, role).access, q)]  # type: ignore[attr-defined]


def test_search_finds_a_practice_by_a_word_in_each_language(served_any: Served) -> None:
    _add(served_any)
    assert _search(served_any, "ouderen") == [PRACTICES["nl"].title]
    assert _search(served_any, "infirmière ateliers") == [PRACTICES["fr"].title]
    assert _search(served_any, "Loneliness") == [PRACTICES["en"].title]
    # a theme's label in another language finds it: the French practice is about informal carers
    assert _search(served_any, "mantelzorgers") == [PRACTICES["fr"].title]
    assert _search(served_any, "loneliness ouderen") == []  # every word must be there
    assert _search(served_any, '" OR 1=1 --') == []  # words only, no query syntax
    # an edit is searched as it is now
    p = served_any.platform
    with p.session(write=True) as s:  # type: ignore[attr-defined]
        pr = L.search(s, p.entry("leuven"), ctx(served_any, "viewer").access, "loneliness")[0]  # type: ignore[attr-defined]
        L.update_practice(
            s,
            p.entry("leuven"),
            pr.id,
            pr.version,  # type: ignore[attr-defined]
            PRACTICES["en"].model_copy(update={"title": "Befriending older people"}),
            ctx(served_any, "coordinator"),
        )
    assert _search(served_any, "befriending") == ["Befriending older people"]
    assert _search(served_any, "tackling") == []


def test_who_records_and_reads(served: Served) -> None:
    p = served.platform
    with p.session(write=True) as s, pytest.raises(PermissionDeniedError):  # type: ignore[attr-defined]
        L.create_practice(s, p.entry("leuven"), "Z01", PRACTICES["en"], ctx(served, "member"))  # type: ignore[attr-defined]
    _add(served)
    # another zone's coordinator reads the library (it is shared across the territory)
    assert len(_search(served, "ouderen", role="other")) == 1
    with pytest.raises(ValueError, match="unknown theme"):
        PracticeCreate(title="x", themes=["astrology"])


def test_outcomes_are_taken_from_the_diagnosis(served: Served) -> None:
    p = served.platform
    entry = p.entry("leuven")  # type: ignore[attr-defined]
    d = entry.diagnosis("Z01")
    f = d.themes.indicators.findings[0]
    data = PRACTICES["nl"].model_copy(
        update={"outcomes": [Outcome(indicator="x", indicator_id=f.indicator_id, before=1.0)]}
    )
    with p.session(write=True) as s:  # type: ignore[attr-defined]
        pr = L.public(s, L.create_practice(s, entry, "Z01", data, ctx(served, "coordinator")))
    o = pr.outcomes[0]
    assert (o.before, o.after, o.after_year) == (1.0, f.value, f.reference_year)
    assert "diagnosis" in o.source
    bad = data.model_copy(update={"outcomes": [Outcome(indicator="x", indicator_id="nothing")]})
    with p.session(write=True) as s, pytest.raises(ValidationError, match="finding"):  # type: ignore[attr-defined]
        L.create_practice(s, entry, "Z01", bad, ctx(served, "coordinator"))


def test_adopt_drafts_actions_and_records_the_adopter(served: Served) -> None:
    ids = _add(served)  # practices of Z01
    p = served.platform
    entry = p.entry("leuven")  # type: ignore[attr-defined]
    own_plan = new_plan(served)  # of Z01
    with p.session(write=True) as s:  # type: ignore[attr-defined]
        from mesocare.organisation.plans import PlanCreate

        plan = P.create_plan(
            s,
            entry,
            "Z02",
            PlanCreate(
                title="Z02 plan",
                template="blank",
                period_start=dt.date(2026, 1, 1),
                period_end=dt.date(2026, 12, 31),
            ),
            ctx(served, "other"),
        )
        a = L.adopt(
            s,
            ids["nl"],
            AdoptIn(plan_id=plan.id, actions=["Train two nurses", "Visit"]),
            ctx(served, "other"),
            "en",
        )
        items = P.items(s, plan.id)
        assert [i.level for i in items] == ["strategic", "operational", "action", "action"]
        assert {i.status for i in items if i.level == "action"} == {"planned"}
        assert sorted(a.item_ids) == sorted(i.id for i in items)
        pub = L.public(s, L.get_practice(s, ids["nl"], ctx(served, "viewer").access))
        assert [(x.zone_code, x.adopted_by) for x in pub.adoptions] == [
            ("Z02", ACCOUNTS["other"][0])
        ]
        # one may not adopt into another zone's plan
        with pytest.raises(Exception):  # noqa: B017  (hidden or refused)
            L.adopt(s, ids["nl"], AdoptIn(plan_id=own_plan), ctx(served, "other"), "en")


def _assess(served: Served, zone: str, role: str, scores: dict[str, int]) -> None:
    p = served.platform
    c = ctx(served, role)
    with p.session(write=True) as s:  # type: ignore[attr-defined]
        a = M.create_assessment(
            s,
            p.entry("leuven"),
            zone,
            AssessmentCreate(title="A", assessed_on="2026-01-01"),
            c,  # type: ignore[attr-defined]
        )
        M.invite(s, a.id, ParticipantCreate(email=ACCOUNTS[role][0]), c)
        M.submit_scores(s, a.id, ScoresIn(scores=scores), c)
        a = M.set_status(s, a.id, a.version, Status.CONSENSUS, c)
        for k, v in scores.items():
            M.set_consensus(s, a.id, ConsensusIn(item=k, score=v, rationale="r"), c)


def test_a_weak_zone_is_shown_the_strong_zones_and_their_practices(served: Served) -> None:
    _assess(served, "Z01", "coordinator", {"digital": 1, "funding": 4})
    _assess(served, "Z02", "other", {"digital": 5, "funding": 1})
    p = served.platform
    with p.session(write=True) as s:  # type: ignore[attr-defined]
        z2 = L.create_practice(
            s,
            p.entry("leuven"),
            "Z02",  # type: ignore[attr-defined]
            PracticeCreate(title="Shared care plan app", dimensions=["digital"]),
            ctx(served, "other"),
        ).id
    with p.session() as s:  # type: ignore[attr-defined]
        got = L.suggestions(s, p.entry("leuven"), "Z01", ctx(served, "coordinator").access)  # type: ignore[attr-defined]
    assert list(got) == ["digital"]
    assert [(z, [x.id for x in prs]) for z, prs in got["digital"]] == [("Z02", [z2])]
