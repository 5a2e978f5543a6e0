"""The demo database's finished world café: a case study written for it (synthetic, without any
identifying detail), three tables, six synthetic participants from health care, welfare, local
government and a carer, two rounds with their pads, take-home messages, and harvested points
turned into an objective of the zone's example plan, a cell of the zone's grid case (what helps) and a practice of the zone in the library."""

from __future__ import annotations

from sqlalchemy import select

from mesocare.organisation import workshops as W
from mesocare.services.platform import Platform
from mesocare.services.platform import accounts as A
from mesocare.services.platform import workshop_harvest as H
from mesocare.services.platform import workshop_room as R
from mesocare.services.platform import workshops as S
from mesocare.services.platform.records import Ctx
from mesocare.store.models_plans import Plan
from mesocare.store.models_workshops import Workshop

TITLE = "Casusworkshop: diabetes en schulden"
CASE_STUDY = (
    "Een vrouw van in de vijftig woont alleen in een sociale woning. Ze heeft diabetes type 2; "
    "haar HbA1c is al twee jaar te hoog. Ze heeft schulden bij de energieleverancier en slaapt "
    "slecht. Zelf zegt ze: 'Ik wil weer zelf boodschappen kunnen doen.'\n\n"
    "Het zorgteam: een huisarts, een thuisverpleegkundige, een maatschappelijk werker van het "
    "OCMW en een diëtist."
)
PEOPLE = [
    ("An", "Huisarts", "care"),
    ("Bram", "Maatschappelijk werker", "welfare"),
    ("Chloé", "Thuisverpleegkundige", "care"),
    ("Dirk", "Schepen van welzijn", "local_government"),
    ("Eva", "Apotheker", "care"),
    ("Fatima", "Mantelzorger", "patient"),
]
PADS = {
    1: [
        "Schulden en slecht slapen wegen zwaarder dan de suiker\nEenzaamheid",
        "De energiefactuur\nDiabetes slecht geregeld\nWeinig beweging",
        "Slaapt slecht\nWeet niet waar ze hulp kan vragen",
    ],
    2: [
        "Huisarts: luisteren naar wat zij eerst wil\nOCMW: budgetbegeleiding",
        "Verpleegkundige: dagelijkse opvolging\nPatiënte: zelf een doel kiezen",
        "Apotheker: medicatie eenvoudiger maken\nSchepen: toegang tot sociale kruidenier",
    ],
}
TAKE_HOME = [
    "Begin bij het doel dat de patiënt zelf noemt",
    "Eén aanspreekpunt voor zorg en welzijn",
    "Een vast casusoverleg tussen huisarts en OCMW maakt de samenwerking makkelijker",
]


def prepare_workshop(platform: Platform, territory: str, zone: str, coordinator: str) -> int:
    """The finished demo workshop's id (made once)."""
    entry = platform.entry(territory)
    with platform.session() as s:
        done = s.scalar(
            select(Workshop.id).where(Workshop.territory == entry.id, Workshop.title == TITLE)
        )
        principal = A.principal_of(A.get_user(s, coordinator))
    if done is not None:
        return int(done)
    ctx = Ctx(platform.access(principal), "demo")
    with platform.session(write=True) as s:
        w = S.create_workshop(
            s,
            entry,
            zone,
            W.WorkshopCreate(title=TITLE, language="nl", case_study=CASE_STUDY, rounds=2, tables=3),
            ctx,
        )
        secret = R.open_join(s, platform.data_dir, w.id, ctx)
        tokens = [
            R.join(s, secret, W.ParticipantIn(name=n, profession=p, sector=sector))[1]
            for n, p, sector in PEOPLE
        ]
        for t, pid in zip(
            S.tables(s, w.id), [p.id for p in S.participants(s, w.id)][:3], strict=True
        ):
            S.set_host(s, t.id, pid, ctx)
        for r in (1, 2):
            w = S.next_round(s, w.id, w.version, ctx)
            written: set[int] = set()
            for token in tokens:
                g = R.guest(s, token)
                view = R.view(s, g, w.id)
                if view.pad is None or view.pad.table_id in written:
                    continue
                written.add(view.pad.table_id)
                text = PADS[r][view.pad.table - 1]
                R.write_pad(s, g, w.id, W.PadIn(version=view.pad.version, text=text))
        w = S.next_round(s, w.id, w.version, ctx)
        points = [H.add_point(s, w.id, W.PointIn(text=t), ctx) for t in TAKE_HOME]
        H.harvest_pad(s, S.pads(s, w.id)[0].id, ctx)  # its points stay for the visitor to turn
        plan = s.scalar(
            select(Plan.id).where(Plan.territory == entry.id, Plan.zone_code == zone).limit(1)
        )
        if plan is not None:
            H.point_to(
                s,
                points[1].id,
                W.PointTo(version=1, destination=W.Destination.PLAN_ITEM, plan_id=plan),
                ctx,
            )
        H.point_to(
            s, points[0].id, W.PointTo(version=1, destination=W.Destination.LIBRARY), ctx, entry
        )
        cases, dims = H.grid_targets(s, w.id, ctx, "nl")
        if cases and "facilitators" in dict(dims):
            to = W.PointTo(
                version=1,
                destination=W.Destination.GRID,
                grid_case_id=cases[0][0],
                dimension="facilitators",
            )
            H.point_to(s, points[2].id, to, ctx)
        return w.id
