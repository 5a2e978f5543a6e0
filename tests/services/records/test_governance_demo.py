"""The demo database's zorgraad: its members fill the four clusters by the rules, and its past
meeting's decision passed with a majority in each cluster; preparing the demo twice adds nothing."""

from __future__ import annotations

from typing import Any

from tests.platform_fixtures import Served

from mesocare.services.platform import accounts as A
from mesocare.services.platform import governance as G
from mesocare.services.platform import governance_meetings as M
from mesocare.services.platform.demo import demo_accounts, prepare


def test_the_demo_zorgraad_complies_and_its_decision_passed(served: Served) -> None:
    p: Any = served.platform
    prepare(p, "leuven")
    prepare(p, "leuven")  # idempotent
    with p.session() as s:
        viewer = p.access(A.principal_of(A.get_user(s, demo_accounts()[4].email)))
        (body,) = G.list_bodies(s, p.entry("leuven"), "Z01", viewer)
        pub = G.public(s, body)
        (meeting,) = M.meetings_of(s, body.id)
        agenda = M.meeting_public(s, meeting)
    assert pub.breaches == [] and len(pub.members) == 15
    assert [c.members for c in pub.clusters] == [4, 4, 4, 2, 1]
    assert any(m.actor_id for m in pub.members)  # the OCMW's member represents its actor
    (decision,) = [d for i in agenda.items for d in i.decisions]
    assert decision.outcome == "passed"
    assert [(t.for_, t.against, t.abstain, t.absent) for t in decision.tally][:4] == [
        (3, 1, 0, 0),
        (3, 0, 1, 0),
        (3, 0, 0, 1),
        (2, 0, 0, 0),
    ]
