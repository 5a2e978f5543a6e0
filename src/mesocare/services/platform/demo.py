"""The demo platform's accounts and example records (synthetic, like its territory).

One account per role in the Leuven-like territory; a few actors added by hand (welfare actors the
providers table does not hold), two assigned to the member, and one edited so the audit log has a
history; an example zorgraad with a past meeting; an example case (see :mod:`.demo_cases`); an
example action plan with a year of actuals (:mod:`.demo_plan`); an analysis grid with four
organisation cases (:mod:`.demo_grid`); a finished world café case workshop
(:mod:`.demo_workshop`). Idempotent: what exists is left
as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from mesocare.organisation.actors import ActorCreate, ActorUpdate, Sector
from mesocare.organisation.roles import Scope
from mesocare.services.platform import Platform, Principal, TerritoryEntry
from mesocare.services.platform import accounts as A
from mesocare.services.platform import actors as S
from mesocare.store.models import Actor, User
from mesocare.territory.schema import Discipline


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    role: str
    unit: str | None
    name: str


def demo_accounts(zone: str = "Z01", network: str = "Z01-N1") -> list[DemoAccount]:
    return [
        DemoAccount("admin@demo.mesocare.org", "demo-admin-2026", "admin", None, "Demo admin"),
        DemoAccount(
            "analyst@demo.mesocare.org", "demo-analyst-2026", "analyst", "R1", "Regional analyst"
        ),
        DemoAccount(
            "coordinator@demo.mesocare.org",
            "demo-coordinator-2026",
            "coordinator",
            zone,
            "Zone coordinator",
        ),
        DemoAccount(
            "member@demo.mesocare.org", "demo-member-2026", "member", network, "Network member"
        ),
        DemoAccount("viewer@demo.mesocare.org", "demo-viewer-2026", "viewer", zone, "Board member"),
        DemoAccount(
            "welfare@demo.mesocare.org", "demo-welfare-2026", "member", zone, "Welfare worker"
        ),
    ]


EXAMPLES = [
    ActorCreate(
        name="OCMW Leuven (synthetic)",
        organisation="OCMW",
        discipline=Discipline("social_service"),
        address="Grote Markt 1, Leuven",
        network_code="Z01-N1",
        contact="sociale.dienst@example.org",
    ),
    ActorCreate(
        name="CAW Oost-Brabant (synthetic)",
        organisation="CAW",
        discipline=Discipline("welfare_organisation"),
        address="Diestsevest 10, Leuven",
        network_code="Z01-N1",
    ),
    ActorCreate(
        name="Buurtzorg Kessel-Lo (synthetic)",
        discipline=Discipline("home_nurse"),
        address="Martelarenlaan 5, Kessel-Lo",
        network_code="Z01-N2",
    ),
    ActorCreate(
        name="Sociaal verpleegkundige, praktijk De Linde (synthetic)",
        organisation="Huisartsenpraktijk De Linde",
        discipline=Discipline("social_service"),
        sector=Sector.WELFARE,
        address="Lindestraat 1, Leuven",
        network_code="Z01-N1",
    ),
]


def prepare(platform: Platform, territory: str, zone: str = "Z01") -> list[DemoAccount]:
    """Create the demo accounts and records in ``territory``; return the accounts."""
    entry = platform.entry(territory)
    networks = entry.networks_by_zone.get(zone, [])
    accounts = demo_accounts(zone, networks[0] if networks else zone)
    platform.seed_actors()
    with platform.session(write=True) as s:
        for a in accounts:
            if s.scalar(select(User.id).where(User.email == a.email)) is None:
                A.create_user(
                    s, a.email, a.password, by=None, request_id="demo", display_name=a.name
                )
            scope = Scope() if a.unit is None else Scope(territory=entry.id, unit=a.unit)
            A.grant(s, a.email, a.role, scope, access=None, request_id="demo")
    with platform.session() as s:
        coordinator = A.principal_of(A.get_user(s, accounts[2].email))
        has_examples = s.scalar(
            select(Actor.id).where(Actor.territory == entry.id, Actor.source == "manual").limit(1)
        )
    if has_examples is None:
        ctx = S.Ctx(platform.access(coordinator), "demo")
        with platform.session(write=True) as s:
            made = [
                S.create_actor(
                    s,
                    entry,
                    zone,
                    e.model_copy(update={"assignee": accounts[3].email} if i < 2 else {}),
                    ctx,
                )
                for i, e in enumerate(EXAMPLES)
            ]
            first = made[0]
            S.update_actor(
                s,
                entry,
                first.id,
                ActorUpdate(version=first.version, contact="onthaal@example.org"),
                ctx,
            )
    demo_governance(platform, entry.id, zone, coordinator)
    from mesocare.services.platform.demo_cases import prepare_cases

    prepare_cases(platform, entry.id, zone, accounts[3].email, accounts[2].email, accounts[5].email)
    _example_plan(platform, entry, zone, coordinator, accounts[3].email)
    from mesocare.services.platform.demo_grid import prepare_grid

    prepare_grid(platform, entry, zone, S.Ctx(platform.access(coordinator), "demo"))
    from mesocare.services.platform.demo_workshop import prepare_workshop

    prepare_workshop(platform, entry.id, zone, accounts[2].email)
    demo_maturity(platform, entry, zone, [accounts[2].email, accounts[4].email, accounts[5].email])
    return accounts


def demo_maturity(platform: Platform, entry: TerritoryEntry, zone: str, emails: list[str]) -> None:
    """The demo's maturity assessments (:mod:`.demo_maturity`), once: the coordinator (care
    providers), the board member (local government) and the welfare worker (welfare)."""
    from mesocare.services.platform.demo_maturity import (
        SCORES,
        already_built,
        build_demo_assessments,
        build_demo_practices,
    )

    with platform.session() as s:
        if already_built(s, entry, zone):
            return
        ctxs = [S.Ctx(platform.access(A.principal_of(A.get_user(s, e))), "demo") for e in emails]
    people = [(c, e, k) for c, e, k in zip(ctxs, emails, SCORES, strict=True)]
    with platform.session(write=True) as s:
        build_demo_assessments(s, entry, zone, ctxs[0], people)
        build_demo_practices(s, entry, zone, ctxs[0])


#: the demo zorgraad's members: (cluster, name, organisation), synthetic people
ZORGRAAD_MEMBERS = [
    ("care_providers", "An Peeters", "Huisartsenkring Leuven"),
    ("care_providers", "Bart Janssens", "Thuisverpleging"),
    ("care_providers", "Chloé Maes", "Apothekers Leuven"),
    ("care_providers", "Dirk Claes", "Kinesitherapeuten"),
    ("welfare", "Els Wouters", "OCMW Leuven (synthetic)"),
    ("welfare", "Filip Mertens", "CAW Oost-Brabant (synthetic)"),
    ("welfare", "Greet Jacobs", "Thuiszorgdienst"),
    ("welfare", "Hans Willems", "Ziekenfonds, dienst maatschappelijk werk"),
    ("local_government", "Ilse Goossens", "Stad Leuven"),
    ("local_government", "Jan Dubois", "Gemeente Herent"),
    ("local_government", "Karen Lambert", "Gemeente Kortenberg"),
    ("local_government", "Luc Vermeulen", "Gemeente Bertem"),
    ("patients", "Marie Hermans", "Vlaams Patiëntenplatform"),
    ("patients", "Nico Aerts", "Mantelzorgvereniging"),
    ("extra", "Olga Smets", "UZ Leuven, liaison"),
]


def demo_governance(platform: Platform, territory: str, zone: str, coordinator: object) -> None:
    """A zorgraad for the zone with its members, and one past meeting whose decision passed with
    a majority in each cluster (one member of each of the first clusters abstaining or against)."""
    from datetime import date

    from mesocare.organisation import governance_records as R
    from mesocare.organisation.decisions import Vote
    from mesocare.services.platform import governance as G
    from mesocare.services.platform import governance_meetings as M
    from mesocare.store.models_governance import GovernanceBody

    entry = platform.entry(territory)
    with platform.session() as s:
        exists = s.scalar(
            select(GovernanceBody.id).where(
                GovernanceBody.territory == entry.id, GovernanceBody.zone_code == zone
            )
        )
    if exists is not None:
        return
    ctx = S.Ctx(platform.access(coordinator), "demo")  # type: ignore[arg-type]
    with platform.session(write=True) as s:
        name = f"Zorgraad {entry.unit_name(zone)}"
        body = G.create_body(
            s,
            entry,
            zone,
            R.BodyCreate(template="zorgraad", organ="council", name=name, seats={"extra": 2}),
            ctx,
        )
        ocmw = s.scalar(
            select(Actor.id).where(
                Actor.territory == entry.id, Actor.name == "OCMW Leuven (synthetic)"
            )
        )
        members = [
            G.add_member(
                s,
                body.id,
                R.MemberCreate(
                    cluster=cluster,
                    name=person,
                    organisation=org,
                    actor_id=ocmw if org.startswith("OCMW") else None,
                    since=date(2025, 1, 1),
                ),
                ctx,
            )
            for cluster, person, org in ZORGRAAD_MEMBERS
        ]
        meeting = M.create_meeting(
            s,
            body.id,
            R.MeetingCreate(held_on=date(2026, 10, 14), title="Zorgraad, October", place="Leuven"),
            ctx,
        )
        M.add_item(s, meeting.id, R.ItemCreate(title="Approval of the minutes"), ctx)
        item = M.add_item(
            s,
            meeting.id,
            R.ItemCreate(
                title="Priorities for 2027",
                notes="From the zone's diagnosis: access to a GP and home care for people over 75.",
                decision=R.DecisionCreate(
                    motion="The zorgraad adopts access to a GP and home care for people over 75 "
                    "as its two priorities for 2027."
                ),
            ),
            ctx,
        )
        decision = M.meeting_public(s, meeting).items[-1].decisions[0]
        assert decision.item_id == item.id
        votes = {m.id: Vote.FOR for m in members}
        votes[members[1].id] = Vote.AGAINST  # care providers: 3 for, 1 against
        votes[members[6].id] = Vote.ABSTAIN  # welfare: 3 for, 1 abstention
        votes[members[11].id] = Vote.ABSENT  # local government: 3 of 4 present
        M.record_votes(s, decision.id, R.VotesIn(version=1, votes=votes), ctx)


def _example_plan(
    platform: Platform, entry: TerritoryEntry, zone: str, coordinator: Principal, member: str
) -> None:
    from mesocare.services.platform.demo_plan import TITLE, build_example_plan
    from mesocare.store.models_plans import Plan

    with platform.session() as s:
        if s.scalar(select(Plan.id).where(Plan.territory == entry.id, Plan.title == TITLE)):
            return
    if entry.diagnosis(zone) is None:  # its needs come from the diagnosis
        entry.compute(workers=platform.workers)
    with platform.session(write=True) as s:
        build_example_plan(
            s, entry, zone, S.Ctx(platform.access(coordinator), "demo"), member_email=member
        )
