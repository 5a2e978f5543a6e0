"""The room of a world café: participants join from their phones without an account.

- The **join link** of a workshop holds a secret ``HMAC-SHA256(platform key, id:nonce)``: the
  facilitator's screen can show it again (link and QR code) while only its SHA-256 is looked up;
  it expires after ``hours`` (a parameter) and a new link replaces the old one.
- Joining gives the participant their own **token** (random, 32 bytes; only its SHA-256 is
  stored; it expires after ``hours``). With it a participant reads the workshop's case study
  and questions and writes the pad of their own table in the current round — nothing else: it
  is not a session, every other route sees no one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from mesocare.errors import AuthenticationError, PermissionDeniedError, ValidationError
from mesocare.i18n import _
from mesocare.organisation import workshops as W
from mesocare.services.platform import case_link, records
from mesocare.services.platform import workshops as S
from mesocare.services.platform.access import Access, Principal
from mesocare.services.platform.records import Ctx, Private
from mesocare.store.models_workshops import (
    Workshop,
    WorkshopPad,
    WorkshopParticipant,
    WorkshopSeat,
)

PARTICIPANT_FIELDS = ("name", "profession", "sector", "expires_at")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _hours(hours: int) -> timedelta:
    if not 1 <= hours <= W.MAX_TOKEN_HOURS:
        raise ValidationError(
            _("a link lasts 1 to {n} hours").format(n=W.MAX_TOKEN_HOURS),
            column="hours",
            found=str(hours),
        )
    return timedelta(hours=hours)


def _join_secret(data_dir: Path, w: Workshop) -> str:
    msg = f"workshop-join:{w.id}:{w.join_nonce}".encode()
    return hmac.new(case_link.secret(data_dir), msg, hashlib.sha256).hexdigest()


def open_join(
    s: Session, data_dir: Path, workshop_id: int, ctx: Ctx, hours: int = W.DEFAULT_TOKEN_HOURS
) -> str:
    """A new join link's secret (the old link stops working)."""
    w = S.facilitated(s, workshop_id, ctx.access)
    if w.status == W.Status.FINISHED.value:
        raise ValidationError(_("this workshop is over"), column="status")
    nonce = secrets.token_hex(16)
    msg = f"workshop-join:{w.id}:{nonce}".encode()
    secret = hmac.new(case_link.secret(data_dir), msg, hashlib.sha256).hexdigest()
    values = {
        "join_nonce": nonce,
        "join_hash": _digest(secret),
        "join_expires_at": records.now() + _hours(hours),
    }
    records.update(s, w, w.version, values, ctx, "workshop", S.FIELDS, note="join link")
    return secret


def join_secret(data_dir: Path, w: Workshop) -> str | None:
    """The current join link's secret, for the facilitator's screen (None: none or expired)."""
    if w.join_nonce is None or w.join_expires_at is None or w.join_expires_at <= records.now():
        return None
    return _join_secret(data_dir, w)


def _by_join(s: Session, secret: str) -> Workshop:
    w = s.scalar(select(Workshop).where(Workshop.join_hash == _digest(secret)))
    if (
        w is None
        or w.join_expires_at is None
        or w.join_expires_at <= records.now()
        or w.status == W.Status.FINISHED.value
    ):
        raise AuthenticationError(_("this workshop link is not valid or has expired"))
    return w


def workshop_of_link(s: Session, secret: str) -> Workshop:
    return _by_join(s, secret)


def join(
    s: Session, secret: str, data: W.ParticipantIn, hours: int = W.DEFAULT_TOKEN_HOURS
) -> tuple[WorkshopParticipant, str]:
    """Join by the link: the participant and their token (shown once: the phone keeps it)."""
    w = _by_join(s, secret)
    token = secrets.token_urlsafe(32)
    p = WorkshopParticipant(
        territory=w.territory,
        zone_code=w.zone_code,
        workshop_id=w.id,
        name=data.name,
        profession=data.profession,
        sector=data.sector,
        token_hash=_digest(token),
        expires_at=records.now() + _hours(hours),
    )
    records.create(
        s,
        p,
        _ctx(p),
        "workshop",
        PARTICIPANT_FIELDS,
        private=Private("workshop", w.id, "participant"),
    )
    if w.status == W.Status.RUNNING.value:
        _seat_late(s, w, p)
    return p, token


def _seat_late(s: Session, w: Workshop, p: WorkshopParticipant) -> None:
    """A participant who joins a running workshop sits at the smallest table from now on."""
    for r in range(w.current_round, w.rounds + 1):
        here = S.seats(s, w.id, r)
        sizes = {t.id: 0 for t in S.tables(s, w.id)}
        for x in here:
            sizes[x.table_id] += 1
        table = min(sizes, key=lambda t: (sizes[t], t))
        s.add(WorkshopSeat(workshop_id=w.id, round=r, table_id=table, participant_id=p.id))
    s.flush()


@dataclass(frozen=True)
class Guest:
    """A participant's token, resolved: who, in which workshop."""

    participant_id: int
    workshop_id: int


def guest(s: Session, token: str | None) -> Guest | None:
    if not token:
        return None
    p = s.scalar(
        select(WorkshopParticipant).where(WorkshopParticipant.token_hash == _digest(token))
    )
    if p is None or p.expires_at is None or p.expires_at <= records.now():
        return None
    return Guest(p.id, p.workshop_id)


def _ctx(p: WorkshopParticipant) -> Ctx:
    """A participant acts as no user: the audit log names them by their seat, not by name."""
    return Ctx(Access(Principal(0, f"participant {p.id or 'new'}"), _NoUnits()), "cafe")


class _NoUnits:
    def ancestors(self, territory: str, unit: str) -> list[str]:
        return []


def _require(s: Session, g: Guest | None, workshop_id: int) -> tuple[Workshop, WorkshopParticipant]:
    if g is None:
        raise AuthenticationError(_("join the workshop with its link first"))
    if g.workshop_id != workshop_id:
        raise PermissionDeniedError(_("your link is for another workshop"))
    w = s.get_one(Workshop, workshop_id)
    return w, s.get_one(WorkshopParticipant, g.participant_id)


def _my_pad(
    s: Session, w: Workshop, p: WorkshopParticipant
) -> tuple[int | None, WorkshopPad | None]:
    if w.current_round < 1:
        return None, None
    seat = s.scalar(
        select(WorkshopSeat).where(
            WorkshopSeat.workshop_id == w.id,
            WorkshopSeat.round == w.current_round,
            WorkshopSeat.participant_id == p.id,
        )
    )
    if seat is None:
        return None, None
    pad = s.scalar(
        select(WorkshopPad).where(
            WorkshopPad.table_id == seat.table_id, WorkshopPad.round == w.current_round
        )
    )
    return seat.table_id, pad


def view(s: Session, g: Guest | None, workshop_id: int) -> W.ParticipantView:
    """What the participant's phone shows."""
    w, p = _require(s, g, workshop_id)
    table_id, pad = _my_pad(s, w, p)
    by_id = {t.id: t for t in S.tables(s, w.id)}
    running = w.status == W.Status.RUNNING.value
    return W.ParticipantView(
        workshop_id=w.id,
        title=w.title,
        case_study=w.case_study,
        questions=list(w.questions),
        question=S.question(w, w.current_round) if running else None,
        current_round=w.current_round,
        rounds=w.rounds,
        status=w.status,
        name=p.name,
        table=by_id[table_id].number if table_id and running else None,
        pad=S.pad_out(pad, by_id) if pad is not None and running else None,
    )


def write_pad(s: Session, g: Guest | None, workshop_id: int, data: W.PadIn) -> WorkshopPad:
    """Write the pad of one's own table in the current round (a stale version: a conflict)."""
    w, p = _require(s, g, workshop_id)
    if w.status != W.Status.RUNNING.value:
        raise PermissionDeniedError(_("the pads are open only while a round runs"))
    _table, pad = _my_pad(s, w, p)
    if pad is None:
        raise PermissionDeniedError(_("you have no table in this round"))
    return records.update(
        s,
        pad,
        data.version,
        {"text": data.text},
        _ctx(p),
        "workshop",
        ("text",),
        private=Private("workshop", w.id, "pad"),
    )


def live(s: Session, workshop_id: int, access: Access) -> dict[str, object]:
    """The facilitator screen's live state: what changed is enough to redraw the pads."""
    w = S.facilitated(s, workshop_id, access)
    people = S.participants(s, w.id)
    return {
        "version": w.version,
        "round": w.current_round,
        "status": w.status,
        "participants": len(people),
        "pads": [{"id": p.id, "version": p.version, "text": p.text} for p in S.pads(s, w.id)],
    }


def language_of(s: Session, workshop_id: int) -> str:
    """The workshop's language: its phones speak it."""
    w = s.get(Workshop, workshop_id)
    return w.language if w is not None else "en"
