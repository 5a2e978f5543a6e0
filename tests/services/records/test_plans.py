"""Action plans as records: needs drafted from the diagnosis (exactly the indicators it marks
significantly worse, with frozen snapshots), the tree, conflicts, the review of actuals and who may
do it, evidence files, adoption with the plan's version, and the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.platform_fixtures import ACCOUNTS, Served

from mesocare.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    UnsupportedTypeError,
    ValidationError,
)
from mesocare.organisation.plans import (
    ActualCreate,
    IndicatorCreate,
    ItemCreate,
    ItemUpdate,
    Level,
    PlanCreate,
    Review,
)
from mesocare.services.platform import accounts as A
from mesocare.services.platform import audit
from mesocare.services.platform import plan_needs as N
from mesocare.services.platform import plan_progress as G
from mesocare.services.platform import plans as P
from mesocare.services.platform.demo_plan import build_example_plan
from mesocare.services.platform.records import Ctx


def ctx(served: Served, role: str) -> Ctx:
    p = served.platform
    with p.session() as s:  # type: ignore[attr-defined]
        principal = A.principal_of(A.get_user(s, ACCOUNTS[role][0]))
    return Ctx(p.access(principal), f"test-{role}")  # type: ignore[attr-defined]


def new_plan(served: Served, template: str = "integreo", **kw: object) -> int:
    p = served.platform
    with p.session(write=True) as s:  # type: ignore[attr-defined]
        return P.create_plan(
            s,
            p.entry("leuven"),  # type: ignore[attr-defined]
            "Z01",
            PlanCreate(
                title="Plan 2026",
                template=template,
                period_start=dt.date(2026, 1, 1),
                period_end=dt.date(2028, 12, 31),
                **kw,  # type: ignore[arg-type]
            ),
            ctx(served, "coordinator"),
        ).id


def test_drafted_needs_are_exactly_the_worse_indicators(served: Served) -> None:
    p = served.platform
    entry = p.entry("leuven")  # type: ignore[attr-defined]
    some = 0
    for zone in entry.zones:
        d = entry.diagnosis(zone)
        worse = {
            f.indicator_id
            for t in d.themes.present()
            for f in t.findings
            if f.significance == "worse"
        }
        drafted = N.draft_needs(d, dt.date(2026, 1, 5))
        found = [n for n in drafted if n.kind in ("finding", "care_gap")]
        assert {n.snapshot.indicator_id for n in found} == worse, zone
        assert len(found) == len(worse), zone  # each once
        some += len(worse)
        for n in found:
            f = next(
                f
                for t in d.themes.present()
                for f in t.findings
                if f.indicator_id == n.snapshot.indicator_id
            )
            snap = n.snapshot
            assert (snap.value, snap.lower, snap.upper, snap.comparator_value) == pytest.approx(
                (f.value, f.lower, f.upper, f.region_value), rel=1e-11
            )
            assert snap.taken_on == dt.date(2026, 1, 5) and snap.comparator == "region"
    if some == 0:  # the synthetic zones are all similar or better: make three of them worse
        d = entry.diagnosis("Z01")
        targets = {"home_nurse_per_10000", "dentist_per_10000", "bim_share"}
        themes = {}
        for name in type(d.themes).model_fields:
            t = getattr(d.themes, name)
            if t is not None:
                t = t.model_copy(
                    update={
                        "findings": [
                            f.model_copy(update={"significance": "worse"})
                            if f.indicator_id in targets
                            else f
                            for f in t.findings
                        ]
                    }
                )
            themes[name] = t
        d = d.model_copy(update={"themes": d.themes.model_copy(update=themes)})
        drafted = N.draft_needs(d, dt.date(2026, 1, 5))
        found = [n.snapshot.indicator_id for n in drafted if n.kind == "finding"]
        assert sorted(found) == sorted(targets)  # each once, though two themes show two of them


def test_the_demo_zone_plan_from_the_diagnosis_stores_frozen_snapshots(served: Served) -> None:
    p = served.platform
    entry = p.entry("leuven")  # type: ignore[attr-defined]
    pid = new_plan(served)
    c = ctx(served, "coordinator")
    with p.session(write=True) as s:  # type: ignore[attr-defined]
        N.draft_from_diagnosis(s, entry, pid, c, today=dt.date(2026, 1, 5))
    d = entry.diagnosis("Z01")
    want = [n.snapshot.model_dump(mode="json") for n in N.draft_needs(d, dt.date(2026, 1, 5))]
    with p.session() as s:  # type: ignore[attr-defined]
        got = [n.snapshot for n in P.needs(s, pid)]
        worse = {x.indicator_id for _t, x in N.worse_findings(d)}
        kinds = {n.snapshot["indicator_id"] for n in P.needs(s, pid) if n.kind == "finding"}
    assert got == want and kinds == worse
    # Z01 is in partial shortage: its networks in shortage are needs, with the rule's threshold
    assert any(n["comparator"] == "shortage threshold" for n in got)


def test_a_template_gives_its_objectives_and_cpts_its_missions(served: Served) -> None:
    pid = new_plan(served, "cpts", contract_date=dt.date(2026, 3, 31))
    with served.platform.session() as s:  # type: ignore[attr-defined]
        its = P.items(s, pid)
    assert [i.mission for i in its] == [
        "access",
        "pathways",
        "prevention",
        "crisis",
        "quality",
        "attractiveness",
    ]
    assert all(i.level == "strategic" for i in its)
    with pytest.raises(ValidationError), served.platform.session(write=True) as s:  # type: ignore[attr-defined]
        P.create_plan(
            s,
            served.platform.entry("leuven"),  # type: ignore[attr-defined]
            "Z01",
            PlanCreate(
                title="x",
                template="nope",
                period_start=dt.date(2026, 1, 1),
                period_end=dt.date(2026, 12, 31),
            ),
            ctx(served, "coordinator"),
        )


def test_two_coordinators_editing_one_action_conflict(served: Served) -> None:
    p = served.platform
    pid = new_plan(served)
    c = ctx(served, "coordinator")
    with p.session(write=True) as s:  # type: ignore[attr-defined]
        top = P.items(s, pid)[0]
        op = P.add_item(s, pid, ItemCreate(level=Level.OPERATIONAL, parent_id=top.id, title="O"), c)
        act = P.add_item(s, pid, ItemCreate(level=Level.ACTION, parent_id=op.id, title="A"), c)
        aid, v = act.id, act.version
    with p.session(write=True) as s:  # type: ignore[attr-defined]
        P.update_item(s, aid, ItemUpdate(version=v, title="First"), c)
    with pytest.raises(ConflictError), p.session(write=True) as s:  # type: ignore[attr-defined]
        P.update_item(s, aid, ItemUpdate(version=v, title="Second"), ctx(served, "admin"))
    with p.session() as s:  # type: ignore[attr-defined]
        assert P.get_item(s, aid, c.access).title == "First"
        assert [r.action for r in audit.history(s, "plan_item", aid)] == ["create", "update"]
    # a level's parent is checked, and an action's owner must be an actor of the zone
    with pytest.raises(ValidationError), p.session(write=True) as s:  # type: ignore[attr-defined]
        P.add_item(s, pid, ItemCreate(level=Level.ACTION, parent_id=top.id, title="bad"), c)
    with pytest.raises(ValidationError), p.session(write=True) as s:  # type: ignore[attr-defined]
        P.add_item(
            s,
            pid,
            ItemCreate(level=Level.ACTION, parent_id=op.id, title="x", owner_actor_id=999999),
            c,
        )


def test_only_editors_edit_and_other_zones_see_nothing(served: Served) -> None:
    p = served.platform
    pid = new_plan(served)
    with p.session(write=True) as s:  # type: ignore[attr-defined]
        for role in ("member", "viewer"):
            with pytest.raises(PermissionDeniedError):
                P.add_item(s, pid, ItemCreate(level=Level.STRATEGIC, title="x"), ctx(served, role))
        for role in ("other", "analyst"):
            with pytest.raises(NotFoundError):
                P.get_plan(s, pid, ctx(served, role).access)
        assert P.get_plan(s, pid, ctx(served, "analyst").access, figures=True).id == pid


def _action_with_indicator(served: Served, assignee: str | None) -> tuple[int, int]:
    p = served.platform
    pid = new_plan(served)
    c = ctx(served, "coordinator")
    with p.session(write=True) as s:  # type: ignore[attr-defined]
        top = P.items(s, pid)[0]
        op = P.add_item(s, pid, ItemCreate(level=Level.OPERATIONAL, parent_id=top.id, title="O"), c)
        act = P.add_item(
            s,
            pid,
            ItemCreate(level=Level.ACTION, parent_id=op.id, title="A", assignee=assignee),
            c,
        )
        ind = G.add_indicator(
            s, pid, IndicatorCreate(item_id=act.id, name="n", targets={"2026": 10}), c
        )
        return pid, ind.id


def test_an_actual_goes_from_draft_to_approved(served: Served) -> None:
    p = served.platform
    pid, iid = _action_with_indicator(served, ACCOUNTS["member"][0])
    m, c = ctx(served, "member"), ctx(served, "coordinator")
    with p.session(write=True) as s:  # type: ignore[attr-defined]
        a = G.enter_actual(s, iid, ActualCreate(period="2026", value=7, comment="first"), m)
        G.add_evidence(s, a.id, "list.csv", "text/csv", b"practice,n\nA,7\n", m)
        with pytest.raises(UnsupportedTypeError):
            G.add_evidence(s, a.id, "x.pdf", "application/pdf", b"not a pdf", m)
        with pytest.raises(UnsupportedTypeError):
            G.add_evidence(s, a.id, "x.exe", "application/x-msdownload", b"MZ", m)
        a = G.submit_actual(s, a.id, a.version, m)
        with pytest.raises(PermissionDeniedError):  # a member does not review
            G.review_actual(s, a.id, Review(version=a.version, approve=True), m)
        with pytest.raises(ValidationError):  # returning needs a reason
            G.review_actual(s, a.id, Review(version=a.version, approve=False), c)
        a = G.review_actual(s, a.id, Review(version=a.version, approve=False, comment="source?"), c)
        assert a.status == "returned"
        a = G.enter_actual(s, iid, ActualCreate(period="2026", value=8), m)
        a = G.submit_actual(s, a.id, a.version, m)
        a = G.review_actual(s, a.id, Review(version=a.version, approve=True), c)
        assert (a.status, a.value) == ("approved", 8)
        with pytest.raises(ValidationError):  # an approved actual is not entered again
            G.enter_actual(s, iid, ActualCreate(period="2026", value=9), m)
        pr = G.progress(s, pid)[0]
        assert pr.periods == ["2026"] and pr.off_target and pr.actuals == [8]
        history = [r.after["status"] for r in audit.history(s, "plan_actual", a.id)]
    assert history == ["draft", "submitted", "returned", "draft", "submitted", "approved"]


def test_a_member_not_responsible_and_a_viewer_may_not_enter_actuals(served: Served) -> None:
    _pid, iid = _action_with_indicator(served, None)
    with served.platform.session(write=True) as s:  # type: ignore[attr-defined]
        for role in ("member", "viewer"):
            with pytest.raises(PermissionDeniedError):
                G.enter_actual(s, iid, ActualCreate(period="2026", value=1), ctx(served, role))


def test_adoption_records_the_plans_version_and_refuses_a_stale_one(served: Served) -> None:
    p = served.platform
    pid = new_plan(served)
    c = ctx(served, "coordinator")
    with pytest.raises(ConflictError), p.session(write=True) as s:  # type: ignore[attr-defined]
        P.mark_adopted(s, pid, 7, "ZR-2026-04", c)
    with p.session(write=True) as s:  # type: ignore[attr-defined]
        plan = P.mark_adopted(s, pid, 1, "ZR-2026-04", c)
        assert (plan.status, plan.adopted_ref, plan.adopted_version) == ("adopted", "ZR-2026-04", 1)
        last = audit.history(s, "plan", pid)[-1]
    assert "ZR-2026-04" in (last.note or "") and "version 1" in (last.note or "")
    assert last.after["adopted_version"] == 1


def test_off_target_and_worsening(served: Served) -> None:
    p = served.platform
    c = ctx(served, "coordinator")
    with p.session(write=True) as s:  # type: ignore[attr-defined]
        pid = build_example_plan(s, p.entry("leuven"), "Z01", c, member_email=ACCOUNTS["member"][0])  # type: ignore[attr-defined]
        rows = {r.indicator.name: r for r in G.progress(s, pid)}
        budget = G.budget_by_objective(s, pid)
    q = rows["Frail older people with a care coordinator"]
    # 41, 44, 43, 42 against 40, 45, 50, 55: off target and worse than the quarter before
    assert q.off_target and q.worsening
    screened = rows["People over 75 screened (cumulative)"]
    assert screened.off_target and not screened.worsening  # 1330 < 1800, but rising
    assert sum(b.planned_eur for b in budget) == 108000
    assert {b.funder for b in budget} == {"Flemish government", "Zorgraad", "Municipality"}


def test_resources_and_what_is_missing_against_a_norm(served: Served) -> None:
    p = served.platform
    entry = p.entry("leuven")  # type: ignore[attr-defined]
    d = entry.diagnosis("Z01")
    zone = next(r for r in d.themes.shortage.rows if r.unit.code == "Z01")
    population = d.finding("population", "population").value
    access = ctx(served, "viewer").access
    with p.session() as s:  # type: ignore[attr-defined]
        have, (gap,) = N.resources(s, entry, "Z01", access)
        _h, (strict,) = N.resources(s, entry, "Z01", access, [N.Norm("gp_under65", 200.0)])
        _h, (gp,) = N.resources(s, entry, "Z01", access, [N.Norm("gp", 50.0)])
    assert gap.per_100k == d.themes.shortage.rule.gp_per_100k_below
    assert gap.available == zone.gp_under65
    # 200 per 100,000 of the zone's inhabitants, rounded up; what is missing is the difference
    assert strict.needed == -(-int(200 * population) // 100_000)
    assert strict.missing == max(0, strict.needed - zone.gp_under65)
    gps = sum(r.actors for r in have if r.discipline == "gp")
    assert gp.available == gps and {r.sector for r in have} <= {"care", "welfare"}
    with pytest.raises(PermissionDeniedError), p.session() as s:  # type: ignore[attr-defined]
        N.resources(s, entry, "Z01", ctx(served, "other").access)
