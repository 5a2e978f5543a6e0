"""The demo's analysis grid: four organisation cases on the default template, filled with short,
qualitative example text (no figures are claimed): the demo zone's Flemish primary care zone
(attached to the zone; its population cell accepted from the engines, and a second dated version),
a French CPTS, Zorgzaam Leuven and a Walloon local health system (OLS), the last three as foreign
models. Idempotent: nothing is added when the cases exist."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from mesocare.organisation.grid import CaseCreate, CaseKind, Cell, CellsUpdate
from mesocare.services.platform import grid as G
from mesocare.services.platform import grid_views as V
from mesocare.services.platform.records import Ctx
from mesocare.services.platform.territories import TerritoryEntry
from mesocare.store.models_grid import GridCase

TAG = "demo example"

FLEMISH = {
    "values": "Example: the person's own goals first; care and welfare as equals; local choices "
    "made together with the municipalities.",
    "governance": "Example: a zorgraad with clusters for care providers, welfare, local "
    "government and patients; decisions need a majority in each cluster.",
    "missions": "Example: the missions set by the Flemish government (person-centred care, "
    "prevention, cooperation, enough providers) and a local focus on frail older people at home.",
    "involvement": "Example: GPs, home nurses and pharmacists sit in the care cluster; social "
    "workers of the OCMW and the CAW in the welfare cluster; physiotherapists asked to join.",
    "successes": "Example: a shared list of who to call for home care in each vicinity network.",
    "failures": "Example: a first joint intake form was dropped; it duplicated the forms each "
    "organisation already used.",
    "obstacles": "Example: little time of GPs for meetings; data shared late and per sector.",
    "facilitators": "Example: a coordinator who knows the field; the support of the city.",
    "prospects": "Example: move from meeting to acting together on two themes chosen from the "
    "diagnosis.",
}
CPTS = {
    "values": "Example: a professionals' initiative: coordination decided by those who provide "
    "the care.",
    "governance": "Example: an association under the 1901 law; a board elected by its member "
    "professionals; a health project agreed with the regional health agency.",
    "funding": "Example: the national ACI agreement, a functioning grant by size class and a "
    "payment per mission, part of it tied to indicators.",
    "population": "Example: the territory the professionals drew themselves, across several "
    "communes.",
    "missions": "Example: access to a GP and unscheduled care, care pathways, prevention, crisis "
    "response.",
    "involvement": "Example: GPs, nurses, pharmacists and physiotherapists are members; social "
    "services are partners rather than members.",
    "indicators": "Example: indicators agreed in the ACI contract, reported yearly.",
    "obstacles": "Example: few volunteers for the board; reporting takes coordinators' time.",
    "prospects": "Example: open the board to social care and patients' representatives.",
}
LEUVEN = {
    "values": "Example: caring for each other in the neighbourhood; care and welfare close to "
    "home.",
    "governance": "Example: a city-wide programme with the city, care and welfare organisations "
    "as partners; neighbourhood teams as its working units.",
    "missions": "Example: neighbourhood care points where residents find help and are referred.",
    "involvement": "Example: social workers and community workers lead; GPs take part per "
    "neighbourhood.",
    "successes": "Example: residents name the neighbourhood point as their first address.",
    "facilitators": "Example: the city's commitment and existing neighbourhood work.",
    "prospects": "Example: link the neighbourhood teams to the primary care zone's vicinity "
    "networks.",
}
OLS = {
    "values": "Example: people-centred, integrated care built with the people of the area.",
    "governance": "Example: a local partnership of care, social and local actors, supported by "
    "the regional programme for integrated care.",
    "funding": "Example: project funding from the region; its continuation is to be decided.",
    "missions": "Example: a local diagnosis, then priorities and actions chosen with the "
    "population.",
    "involvement": "Example: GP circles, home care services and CPAS social workers in the "
    "steering group.",
    "indicators": "Example: a maturity self-assessment repeated each year.",
    "obstacles": "Example: short funding cycles; many structures already in the field.",
    "prospects": "Example: become the local health system's lasting organisation.",
}


def _fill(s: Session, case_id: int, texts: dict[str, str], ctx: Ctx, day: dt.date) -> None:
    c = s.get_one(GridCase, case_id)
    cells = {k: Cell(text=t) for k, t in texts.items()}
    G.save_cells(s, c.id, CellsUpdate(version=c.version, cells=cells, note="demo"), ctx, dated=day)


def build_demo_grid(s: Session, entry: TerritoryEntry, zone: str, ctx: Ctx) -> list[int]:
    """The four cases (ids); the zone's case takes the engines' proposals when its diagnosis is
    computed."""
    tid = G.ensure_default(s, ctx).id
    specs = [
        (
            "Primary care zone (synthetic example)",
            CaseKind.FLEMISH_ZONE,
            ["flanders", "zone"],
            True,
            FLEMISH,
        ),
        ("CPTS (example)", CaseKind.CPTS, ["france", "cpts"], False, CPTS),
        ("Zorgzaam Leuven (example)", CaseKind.NETWORK, ["flanders", "city"], False, LEUVEN),
        (
            "Walloon local health system, OLS (example)",
            CaseKind.OLS,
            ["wallonia", "ols"],
            False,
            OLS,
        ),
    ]
    ids = []
    for title, kind, tags, attached, texts in specs:
        c = G.create_case(
            s,
            CaseCreate(
                title=title,
                kind=kind,
                template_id=tid,
                tags=[*tags, TAG],
                territory=entry.id if attached else None,
                zone_code=zone if attached else None,
            ),
            ctx,
            entry,
            dated=dt.date(2025, 1, 15),
        )
        ids.append(c.id)
        first = dict(texts)
        if attached:  # a first version without its prospects, so the diff shows a change
            first.pop("prospects")
        _fill(s, c.id, first, ctx, dt.date(2025, 3, 1))
    zone_case = s.get_one(GridCase, ids[0])
    last = G.case_version(s, zone_case)
    proposed = V.proposals(zone_case, G.dimensions_of(s, last), entry.diagnosis(zone))
    cells = {**proposed, "prospects": Cell(text=FLEMISH["prospects"])}
    G.save_cells(
        s,
        zone_case.id,
        CellsUpdate(
            version=zone_case.version, cells=cells, note="demo: the engines' proposals accepted"
        ),
        ctx,
        dated=dt.date(2025, 9, 1),
    )
    return ids


def prepare_grid(platform: object, entry: TerritoryEntry, zone: str, ctx: Ctx) -> None:
    with platform.session() as s:  # type: ignore[attr-defined]
        if s.scalar(select(GridCase.id).where(GridCase.title == "CPTS (example)").limit(1)):
            return
    with platform.session(write=True) as s:  # type: ignore[attr-defined]
        build_demo_grid(s, entry, zone, ctx)
