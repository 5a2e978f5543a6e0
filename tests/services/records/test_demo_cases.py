"""The demo database holds an example case opened from a practice's target list, readable by its
team only, and preparing the demo twice changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from tests.platform_fixtures import Served
from tests.services.records.test_cases import ctx

from mesocare.errors import PermissionDeniedError
from mesocare.services.platform import cases as C
from mesocare.services.platform.demo import prepare
from mesocare.store.models_cases import Case


def test_the_demo_case(served: Served) -> None:
    p: Any = served.platform
    prepare(p, "leuven")
    prepare(p, "leuven")  # idempotent
    with p.session() as s:
        rows = s.query(Case).filter_by(code="DEMO-001").all()
    assert len(rows) == 1 and rows[0].link_hash and rows[0].practice_id
    with p.session(write=True) as s:
        mine = C.read_case(s, rows[0].id, ctx(served, "member@demo.mesocare.org"))
    assert mine.reach == "coordinator" and len(mine.problems) == 3 and len(mine.goals) == 2
    assert [p.domain for p in sorted(mine.problems, key=lambda x: mine.priority.index(x.id))] == [
        "social",
        "somatic",
        "psychological",
    ]
    assert mine.actions[0].status == "done" and mine.actions[0].result
    with p.session(write=True) as s:
        theirs = C.read_case(s, rows[0].id, ctx(served, "welfare@demo.mesocare.org"))
    assert theirs.reach == "team" and "psychological" not in {x.domain for x in theirs.problems}
    with p.session(write=True) as s, pytest.raises(PermissionDeniedError):
        C.read_case(s, rows[0].id, ctx(served, "coordinator@demo.mesocare.org"))
