"""Workshop mode: groups fill a case or a dimension through a link (no account), the token is
stored hashed and expires with the session, and the facilitator's merge is the case's next
version."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update
from tests.platform_fixtures import Served
from tests.services.records.test_grid import ctx, new_case, save

from mesocare.errors import NotFoundError, PermissionDeniedError, ValidationError
from mesocare.services.platform import grid as G
from mesocare.services.platform import grid_workshop as W
from mesocare.store.models_grid import GridWorkshop, GridWorkshopGroup


def test_two_groups_then_a_merge(served: Served) -> None:
    cid = new_case(served)
    save(served, cid, values="Solidarity")
    co = ctx(served, "coordinator")
    p = served.platform
    with p.session(write=True) as s:  # type: ignore[attr-defined]
        w = W.open_workshop(s, cid, "Spring workshop", 3, co)
        g1, t1 = W.add_group(s, w.id, "Table 1", None, co)
        g2, t2 = W.add_group(s, w.id, "Table 2", "values", co)
        wid = w.id
        with pytest.raises(ValidationError):
            W.add_group(s, w.id, "Table 3", "nope", co)
    with p.session() as s:  # type: ignore[attr-defined]
        stored = list(s.scalars(select(GridWorkshopGroup.token_hash)))
        assert t1 not in stored and W.token_hash(t1) in stored  # hashed, never the token
        assert [d.key for d in W.by_token(s, t2).dimensions] == ["values"]
        assert len(W.by_token(s, t1).dimensions) == 12
    anon = W.anonymous_ctx(co.access, "r")
    with p.session(write=True) as s:  # type: ignore[attr-defined]
        W.save_answers(s, t1, {"governance": "A board", "missions": ""}, anon)
        W.save_answers(s, t2, {"values": "Trust"}, anon)
        with pytest.raises(ValidationError):  # a group fills only its own dimension
            W.save_answers(s, t2, {"governance": "x"}, anon)
    with p.session(write=True) as s:  # type: ignore[attr-defined]
        with pytest.raises(PermissionDeniedError):
            W.merged_proposal(s, wid, ctx(served, "member"))
        texts = W.merged_proposal(s, wid, co)
        assert texts["values"] == "Solidarity\n\n[Table 2] Trust"
        assert texts["governance"] == "A board"
        W.merge(s, wid, texts, co)
    with p.session() as s:  # type: ignore[attr-defined]
        c = G.get_case(s, cid, co.access)
        cells = G.cells_of(G.case_version(s, c))
        assert cells["values"].text == "Solidarity\n\n[Table 2] Trust" and c.latest == 3
        with pytest.raises(NotFoundError):  # closed with the merge
            W.by_token(s, t1)


def test_an_expired_or_unknown_link_opens_nothing(served: Served) -> None:
    cid = new_case(served)
    co = ctx(served, "coordinator")
    with served.platform.session(write=True) as s:  # type: ignore[attr-defined]
        with pytest.raises(ValidationError):
            W.open_workshop(s, cid, "Too long", 48, co)
        w = W.open_workshop(s, cid, "W", 1, co)
        _g, token = W.add_group(s, w.id, "T", None, co)
        W.by_token(s, token)
        s.execute(
            update(GridWorkshop).values(
                expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
            )
        )
    with served.platform.session() as s:  # type: ignore[attr-defined]
        for t in (token, "", "guess"):
            with pytest.raises(NotFoundError):
                W.by_token(s, t)
