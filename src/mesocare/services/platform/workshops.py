"""World café case workshops: create one (its case study written for it or drawn from a case with
every identifying detail removed), its tables and hosts, the rotation plan, the rounds.

A workshop is a zone record: the coordinators of the zone (and admins) create and facilitate it;
those who read the zone read its summary. Participants have no account: see
:mod:`.workshop_room`. Harvested points and the summary: :mod:`.workshop_harvest`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from mesocare.errors import NotFoundError, PermissionDeniedError, ValidationError
from mesocare.i18n import _, use_locale
from mesocare.organisation import workshops as W
from mesocare.organisation.cafe import Participant, rotate
from mesocare.services.platform import cases as C
from mesocare.services.platform import records
from mesocare.services.platform.access import Access
from mesocare.services.platform.case_access import Reach
from mesocare.services.platform.records import Ctx
from mesocare.services.platform.territories import TerritoryEntry
from mesocare.store.models_workshops import (
    Workshop,
    WorkshopPad,
    WorkshopParticipant,
    WorkshopPoint,
    WorkshopSeat,
    WorkshopTable,
)

FIELDS = ("title", "language", "source_case_id", "questions", "rounds", "current_round", "status")
TABLE_FIELDS = ("workshop_id", "number", "host_id")


def can_facilitate(access: Access, territory: str, zone: str) -> bool:
    return access.can_edit_records(territory, zone)


def _absent(workshop_id: int) -> NotFoundError:
    return NotFoundError(_("no workshop {id}").format(id=workshop_id))


def get(s: Session, workshop_id: int, access: Access) -> Workshop:
    """The workshop, if one may read its zone (else: absent)."""
    w = s.get(Workshop, workshop_id)
    if w is None or not access.can_read_zone(w.territory, w.zone_code):
        raise _absent(workshop_id)
    return w


def facilitated(s: Session, workshop_id: int, access: Access) -> Workshop:
    w = get(s, workshop_id, access)
    if not can_facilitate(access, w.territory, w.zone_code):
        raise PermissionDeniedError(_("only the coordinators of the zone facilitate a workshop"))
    return w


def list_workshops(s: Session, entry: TerritoryEntry, zone: str, access: Access) -> list[Workshop]:
    entry.require_zone(zone)
    if not access.can_read_zone(entry.id, zone):
        raise PermissionDeniedError(_("you may not read zone {zone}").format(zone=zone))
    return list(
        s.scalars(
            select(Workshop)
            .where(Workshop.territory == entry.id, Workshop.zone_code == zone)
            .order_by(Workshop.created_at.desc(), Workshop.id)
        )
    )


# ----- a case study drawn from a case -------------------------------------------------------------
def draft_from_case(s: Session, case_id: int, ctx: Ctx, language: str) -> str:
    """A case study from a case the user is on the team of: its goals, problems and the team's
    roles as text, to review and edit before it is saved. No case code, no link, no dates, no
    names of actors or users (the read is audited under the case, as every case read)."""
    d = C.read_case(s, case_id, ctx)
    if d.reach not in (Reach.TEAM.value, Reach.COORDINATOR.value):
        raise PermissionDeniedError(
            _("only a member of the care team of a case may draw a case study from it")
        )
    with use_locale(language):
        lines = [_("The patient's goals, in their own words:")]
        lines += [f"- {g.text}" for g in d.goals]
        lines += ["", _("Problems:")]
        order = {pid: i for i, pid in enumerate(d.priority)}
        for p in sorted(d.problems, key=lambda p: order.get(p.id, len(order))):
            domain = _(p.domain)
            lines.append(f"- ({domain}) {p.text}")
        lines += ["", _("The care team:")]
        lines += [f"- {t.role}" for t in d.team]
    return "\n".join(lines)


def _check_source(s: Session, w_territory: str, case_id: int, ctx: Ctx) -> None:
    d = C.read_case(s, case_id, ctx)
    if d.reach not in (Reach.TEAM.value, Reach.COORDINATOR.value) or d.territory != w_territory:
        raise PermissionDeniedError(
            _("only a member of the care team of a case may draw a case study from it")
        )


# ----- creating and changing -----------------------------------------------------------------------
def create_workshop(
    s: Session, entry: TerritoryEntry, zone: str, data: W.WorkshopCreate, ctx: Ctx
) -> Workshop:
    entry.require_zone(zone)
    if not can_facilitate(ctx.access, entry.id, zone):
        raise PermissionDeniedError(_("only the coordinators of the zone facilitate a workshop"))
    if data.source_case_id is not None:
        _check_source(s, entry.id, data.source_case_id, ctx)
    w = Workshop(
        territory=entry.id,
        zone_code=zone,
        title=data.title,
        language=data.language,
        facilitator_id=ctx.user_id,
        case_study=data.case_study,
        source_case_id=data.source_case_id,
        questions=data.questions or W.default_questions(data.language),
        rounds=data.rounds,
        current_round=0,
        status=W.Status.DRAFT.value,
    )
    records.create(s, w, ctx, "workshop", FIELDS)
    for n in range(1, data.tables + 1):
        add_table(s, w, n, ctx)
    return w


def add_table(s: Session, w: Workshop, number: int, ctx: Ctx) -> WorkshopTable:
    t = WorkshopTable(territory=w.territory, zone_code=w.zone_code, workshop_id=w.id, number=number)
    return records.create(s, t, ctx, "workshop_table", TABLE_FIELDS)


def update_workshop(s: Session, workshop_id: int, data: W.WorkshopUpdate, ctx: Ctx) -> Workshop:
    w = facilitated(s, workshop_id, ctx.access)
    values = data.model_dump(exclude={"version"}, exclude_none=True)
    if "rounds" in values and values["rounds"] < w.current_round:
        raise ValidationError(
            _("round {n} has already started").format(n=w.current_round), column="rounds"
        )
    return records.update(s, w, data.version, values, ctx, "workshop", FIELDS)


def tables(s: Session, workshop_id: int) -> list[WorkshopTable]:
    return list(
        s.scalars(
            select(WorkshopTable)
            .where(WorkshopTable.workshop_id == workshop_id)
            .order_by(WorkshopTable.number)
        )
    )


def participants(s: Session, workshop_id: int) -> list[WorkshopParticipant]:
    return list(
        s.scalars(
            select(WorkshopParticipant)
            .where(WorkshopParticipant.workshop_id == workshop_id)
            .order_by(WorkshopParticipant.id)
        )
    )


def set_host(s: Session, table_id: int, participant_id: int | None, ctx: Ctx) -> WorkshopTable:
    t = s.get(WorkshopTable, table_id)
    if t is None:
        raise NotFoundError(_("no table {id}").format(id=table_id))
    w = facilitated(s, t.workshop_id, ctx.access)
    if participant_id is not None:
        p = s.get(WorkshopParticipant, participant_id)
        if p is None or p.workshop_id != w.id:
            raise ValidationError(
                _("the host must be a participant of this workshop"),
                column="host_id",
                found=str(participant_id),
            )
        for other in tables(s, w.id):
            if other.id != t.id and other.host_id == participant_id:
                records.update(
                    s, other, other.version, {"host_id": None}, ctx, "workshop_table", TABLE_FIELDS
                )
    return records.update(
        s, t, t.version, {"host_id": participant_id}, ctx, "workshop_table", TABLE_FIELDS
    )


# ----- the rotation plan and the rounds ---------------------------------------------------------
def plan_rotation(s: Session, w: Workshop, ctx: Ctx) -> None:
    """Seat the participants for the rounds still to come (hosts stay; a table without a host
    gets the first participant who hosts none)."""
    tabs = tables(s, w.id)
    people = participants(s, w.id)
    hosting = {t.host_id for t in tabs if t.host_id is not None}
    for t in tabs:
        if t.host_id is None:
            free = next((p for p in people if p.id not in hosting), None)
            if free is None:
                raise ValidationError(
                    _("every table needs a host: {n} participants for {t} tables").format(
                        n=len(people), t=len(tabs)
                    ),
                    column="host_id",
                )
            records.update(
                s, t, t.version, {"host_id": free.id}, ctx, "workshop_table", TABLE_FIELDS
            )
            hosting.add(free.id)
    tabs = tables(s, w.id)
    first = max(w.current_round, 1) if w.status == W.Status.DRAFT.value else w.current_round + 1
    left = w.rounds - first + 1
    s.execute(
        delete(WorkshopSeat).where(WorkshopSeat.workshop_id == w.id, WorkshopSeat.round >= first)
    )
    if left <= 0:
        return
    rot = rotate(
        [Participant(p.id, p.profession.lower(), p.sector) for p in people],
        [t.host_id for t in tabs if t.host_id is not None],
        left,
    )
    for r, seating in enumerate(rot.rounds):
        for t, seats in zip(tabs, seating, strict=True):
            for pid in seats:
                s.add(
                    WorkshopSeat(
                        workshop_id=w.id, round=first + r, table_id=t.id, participant_id=pid
                    )
                )
    s.flush()


def replan(s: Session, workshop_id: int, ctx: Ctx) -> Workshop:
    w = facilitated(s, workshop_id, ctx.access)
    plan_rotation(s, w, ctx)
    return w


def next_round(s: Session, workshop_id: int, version: int, ctx: Ctx) -> Workshop:
    """Start the first or the next round (its pads open; the last round's stay), or end the
    workshop after its last round."""
    w = facilitated(s, workshop_id, ctx.access)
    if w.version != version:
        raise records.conflict(w.version)
    if w.status == W.Status.FINISHED.value:
        raise ValidationError(_("this workshop is over"), column="status")
    if w.current_round >= w.rounds:
        return records.update(
            s, w, version, {"status": W.Status.FINISHED.value}, ctx, "workshop", FIELDS
        )
    if w.status == W.Status.DRAFT.value:
        plan_rotation(s, w, ctx)
    n = w.current_round + 1
    for t in tables(s, w.id):
        s.add(
            WorkshopPad(
                territory=w.territory,
                zone_code=w.zone_code,
                workshop_id=w.id,
                table_id=t.id,
                round=n,
                text="",
                version=1,
            )
        )
    return records.update(
        s,
        w,
        version,
        {"current_round": n, "status": W.Status.RUNNING.value},
        ctx,
        "workshop",
        FIELDS,
    )


def question(w: Workshop, round_number: int) -> str | None:
    if round_number < 1 or not w.questions:
        return None
    return w.questions[(round_number - 1) % len(w.questions)]


def seats(s: Session, workshop_id: int, round_number: int) -> list[WorkshopSeat]:
    return list(
        s.scalars(
            select(WorkshopSeat)
            .where(WorkshopSeat.workshop_id == workshop_id, WorkshopSeat.round == round_number)
            .order_by(WorkshopSeat.id)
        )
    )


def pads(s: Session, workshop_id: int) -> list[WorkshopPad]:
    return list(
        s.scalars(
            select(WorkshopPad)
            .where(WorkshopPad.workshop_id == workshop_id)
            .order_by(WorkshopPad.round, WorkshopPad.table_id)
        )
    )


def points(s: Session, workshop_id: int) -> list[WorkshopPoint]:
    return list(
        s.scalars(
            select(WorkshopPoint)
            .where(WorkshopPoint.workshop_id == workshop_id)
            .order_by(WorkshopPoint.id)
        )
    )


def out(s: Session, w: Workshop) -> W.WorkshopOut:
    """The facilitator's view: participants, this round's tables (the first's before the start),
    every pad and point."""
    people = {p.id: p for p in participants(s, w.id)}
    tabs = tables(s, w.id)
    by_id = {t.id: t for t in tabs}
    hosts = {t.host_id for t in tabs}

    def seat(pid: int) -> W.SeatOut:
        p = people[pid]
        return W.SeatOut(
            participant_id=p.id,
            name=p.name,
            profession=p.profession,
            sector=p.sector,
            host=p.id in hosts,
        )

    shown = seats(s, w.id, max(w.current_round, 1))
    table_out = [
        W.TableOut(
            id=t.id,
            number=t.number,
            host_id=t.host_id,
            seats=[seat(x.participant_id) for x in shown if x.table_id == t.id],
        )
        for t in tabs
    ]
    return W.WorkshopOut(
        id=w.id,
        version=w.version,
        territory=w.territory,
        zone_code=w.zone_code,
        title=w.title,
        language=w.language,
        case_study=w.case_study,
        drawn_from_case=w.source_case_id is not None,
        questions=list(w.questions),
        rounds=w.rounds,
        current_round=w.current_round,
        status=w.status,
        join_expires_at=w.join_expires_at,
        participants=[seat(pid) for pid in people],
        tables=table_out,
        pads=[pad_out(p, by_id) for p in pads(s, w.id)],
        points=[
            W.PointOut(
                id=p.id,
                version=p.version,
                kind=p.kind,
                text=p.text,
                pad_id=p.pad_id,
                destination=p.destination,
                target_id=p.target_id,
            )
            for p in points(s, w.id)
        ],
    )


def pad_out(p: WorkshopPad, by_id: dict[int, Any]) -> W.PadOut:
    return W.PadOut(
        id=p.id,
        version=p.version,
        table_id=p.table_id,
        table=by_id[p.table_id].number,
        round=p.round,
        text=p.text,
    )
