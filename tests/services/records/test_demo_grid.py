"""The demo's analysis grid: four cases whose matrix shows text in every case, the zone's case
with the engines' population cell and a second dated version."""

from __future__ import annotations

from tests.platform_fixtures import Served
from tests.services.records.test_grid import ctx

from mesocare.services.platform import grid as G
from mesocare.services.platform import grid_views as V
from mesocare.services.platform.demo_grid import build_demo_grid


def test_the_demo_grid_has_four_filled_cases(served: Served) -> None:
    p = served.platform
    co = ctx(served, "coordinator")
    with p.session(write=True) as s:  # type: ignore[attr-defined]
        ids = build_demo_grid(s, p.entry("leuven"), "Z01", co)  # type: ignore[attr-defined]
    with p.session() as s:  # type: ignore[attr-defined]
        cases = [G.get_case(s, i, ctx(served, "viewer").access) for i in ids]
        m = V.matrix(s, cases)
        assert len(m.cases) == 4 and [d.key for d in m.columns][:3] == [
            "values",
            "governance",
            "funding",
        ]
        for i in range(4):
            assert sum(bool(m.text(i, d.key)) for d in m.columns) >= 7
        zone = cases[0]
        vs = G.versions(s, zone.id)
        assert [v.number for v in vs] == [1, 2, 3]
        changed = {c.key for c in V.diff(s, vs[1], vs[2], "en")}
        assert {"population", "prospects"} <= changed
        assert "inhabitants" in m.text(0, "population")
        # foreign models: readable by a coordinator of another zone, the zone's case is not
        other = [c.id for c in G.list_cases(s, ctx(served, "other").access)]
        assert sorted(other) == sorted(ids[1:])
