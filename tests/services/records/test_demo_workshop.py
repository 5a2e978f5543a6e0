"""The demo database holds a finished world café: two rounds harvested, take-home messages, a
point become an objective of the example plan, one a cell of the zone's grid case and one a practice
in the library; preparing the demo twice changes nothing."""

from __future__ import annotations

from typing import Any

from tests.platform_fixtures import Served

from mesocare.services.platform import grid as G
from mesocare.services.platform import library as L
from mesocare.services.platform import plans as P
from mesocare.services.platform import workshops as S
from mesocare.services.platform.demo import prepare
from mesocare.services.platform.demo_workshop import TAKE_HOME, TITLE
from mesocare.store.models_workshops import Workshop

from .test_cases import ctx


def test_the_demo_workshop(served: Served) -> None:
    p: Any = served.platform
    prepare(p, "leuven")
    prepare(p, "leuven")
    coord = ctx(served, "coordinator@demo.mesocare.org")
    with p.session() as s:
        rows = s.query(Workshop).filter_by(title=TITLE).all()
        assert len(rows) == 1
        d = S.out(s, S.facilitated(s, rows[0].id, coord.access))
        item = next(x for x in d.points if x.destination == "plan_item")
        plan_titles = [
            i.title
            for pl in s.query(P.Plan).filter_by(zone_code="Z01").all()
            for i in P.items(s, pl.id)
        ]
        to = {x.destination: x for x in d.points if x.target_id}
        grid_case = G.get_case(s, to["grid"].target_id, coord.access)
        cell = G.cells_of(G.case_version(s, grid_case))["facilitators"]
        practice = L.get_practice(s, to["library"].target_id, coord.access)
    assert (d.status, d.current_round, len(d.participants)) == ("finished", 2, 6)
    assert len([x for x in d.pads if x.text]) == 6
    assert [x.text for x in d.points if x.kind == "take_home"] == TAKE_HOME
    assert item.text in plan_titles
    assert set(to) == {"plan_item", "library", "grid"}
    assert (grid_case.zone_code, cell.text.splitlines()[-1]) == ("Z01", TAKE_HOME[2])
    assert (practice.zone_code, practice.title, practice.status) == (
        "Z01",
        TAKE_HOME[0],
        "emerging",
    )
