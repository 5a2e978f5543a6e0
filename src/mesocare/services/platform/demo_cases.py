"""The demo's case work (synthetic): a population-health folder for the territory, the network
member as a member of a GP practice of the zone, and an example case opened from that practice's
target list by the member (a social nurse): goals in the patient's words, problems in the three
domains in the patient's order, a care team across health and welfare, a referral whose result
was reported back, and consent for welfare. Idempotent."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from mesocare.organisation import cases as M
from mesocare.population.synthetic import write_synthetic
from mesocare.services.platform import Platform
from mesocare.services.platform import accounts as A
from mesocare.services.platform import case_changes as CC
from mesocare.services.platform import targets as TG
from mesocare.services.platform.records import Ctx
from mesocare.store.models import Actor
from mesocare.store.models_cases import Case

REFERENCE_DATE = date(2020, 12, 31)


def _ctx(platform: Platform, email: str) -> Ctx:
    with platform.session() as s:
        return Ctx(platform.access(A.principal_of(A.get_user(s, email))), "demo")


def prepare_cases(
    platform: Platform, territory: str, zone: str, nurse: str, coordinator: str, welfare: str
) -> int | None:
    """The example case (its id), or None when the zone has no GP practice or nobody is listed."""
    entry = platform.entry(territory)
    folder = TG.population_dir(platform.data_dir, entry.id)
    if not (folder / "persons.parquet").exists():
        write_synthetic(entry.territory, folder, reference_date=REFERENCE_DATE)
    practices = list(TG.practices(entry, zone))
    if not practices:
        return None
    practice = practices[0]
    with platform.session(write=True) as s:
        TG.add_member(s, entry, practice, nurse, _ctx(platform, coordinator))
        done = s.scalar(select(Case.id).where(Case.territory == entry.id, Case.code == "DEMO-001"))
    if done is not None:
        return int(done)
    ctx = _ctx(platform, nurse)
    with platform.session(write=True) as s:
        tl = TG.target_list(s, entry, platform.data_dir, practice, ctx)
    if tl.rows.empty:
        return None
    person = str(tl.rows["person_id"].iloc[0])
    with platform.session(write=True) as s:
        case = TG.open_from_list(
            s, entry, platform.data_dir, practice, person, ctx, code="DEMO-001"
        )
        cid = case.id
        caw = s.scalar(
            select(Actor.id).where(
                Actor.territory == entry.id, Actor.zone_code == zone, Actor.organisation == "CAW"
            )
        )
        gp = s.scalar(
            select(Actor.id)
            .where(Actor.territory == entry.id, Actor.zone_code == zone, Actor.discipline == "gp")
            .order_by(Actor.id)
        )
        doctor = CC.add_team_member(
            s,
            cid,
            M.TeamIn(
                actor_id=gp,
                role="Huisarts",
                added_value="Volgt de diabetes op; kent de familie al twintig jaar",
                category="primary_care",
                start=date(2026, 1, 5),
            ),
            ctx,
        )
        worker = CC.add_team_member(
            s,
            cid,
            M.TeamIn(
                actor_id=caw,
                user=welfare,
                role="Maatschappelijk werker",
                added_value="Schuldhulpverlening en huisvesting",
                category="welfare",
                start=date(2026, 1, 5),
            ),
            ctx,
        )
        for category in ("primary_care", "welfare"):
            CC.add_consent(s, cid, M.ConsentIn(category=category, given_on=date(2026, 1, 5)), ctx)
        CC.add_goal(s, cid, M.GoalIn(text="Ik wil weer zelf boodschappen kunnen doen"), ctx)
        CC.add_goal(
            s,
            cid,
            M.GoalIn(
                text="Dat mijn dochter zich geen zorgen meer hoeft te maken",
                expressed_by="relative",
            ),
            ctx,
        )
        debt = CC.add_problem(
            s,
            cid,
            M.ProblemIn(domain="social", text="Achterstand met de huur en de energie", icpc2="Z01"),
            ctx,
        )
        low = CC.add_problem(
            s,
            cid,
            M.ProblemIn(
                domain="psychological",
                text="Voelt zich somber en alleen",
                icpc2="P76",
                shared_with=["primary_care"],
            ),
            ctx,
        )
        sugar = CC.add_problem(
            s, cid, M.ProblemIn(domain="somatic", text="Suiker slecht geregeld", icpc2="T90"), ctx
        )
        version = s.get_one(Case, cid).version
        CC.set_priority(
            s, cid, M.PriorityIn(version=version, problem_ids=[debt.id, sugar.id, low.id]), ctx
        )
        ref = CC.add_action(
            s,
            cid,
            M.ActionIn(
                kind=M.ActionKind.REFERRAL,
                text="Aanmelding schuldhulpverlening",
                problem_id=debt.id,
                performer_id=worker.id,
            ),
            ctx,
        )
        CC.add_action(
            s,
            cid,
            M.ActionIn(
                text="HbA1c-controle en medicatienazicht",
                problem_id=sugar.id,
                performer_id=doctor.id,
                shared_with=["primary_care"],
            ),
            ctx,
        )
        ref_id = ref.id
    w = _ctx(platform, welfare)
    with platform.session(write=True) as s:
        a = CC.set_action_status(
            s, ref_id, M.ActionStatusIn(version=1, status=M.ActionStatus.ACCEPTED), w
        )
        CC.set_action_status(
            s,
            ref_id,
            M.ActionStatusIn(
                version=a.version,
                status=M.ActionStatus.DONE,
                result="Budgetbegeleiding gestart; afbetalingsplan met de verhuurder",
            ),
            w,
        )
    return cid
