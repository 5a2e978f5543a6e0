"""The demo database's maturity assessments and practices: this year's assessment has three
participants who scored alone and a consensus with a rationale per item, last year's gives the
change, and two practices are in the library (beside the one the demo workshop harvested);
preparing the demo twice adds nothing."""

from __future__ import annotations

from typing import Any

from tests.platform_fixtures import Served

from mesocare.services.platform import accounts as A
from mesocare.services.platform import library as L
from mesocare.services.platform import maturity as M
from mesocare.services.platform import maturity_view as V
from mesocare.services.platform.demo import demo_accounts, prepare
from mesocare.services.platform.demo_maturity import CONSENSUS, TITLE
from mesocare.services.platform.demo_workshop import TAKE_HOME


def test_the_demo_assessment_went_from_blind_round_to_consensus(served: Served) -> None:
    p: Any = served.platform
    prepare(p, "leuven")
    prepare(p, "leuven")  # idempotent
    entry = p.entry("leuven")
    with p.session() as s:
        viewer = p.access(A.principal_of(A.get_user(s, demo_accounts()[4].email)))
        rows = M.list_assessments(s, entry, "Z01", viewer)
        assert len(rows) == 3
        (current,) = [a for a in rows if a.title == TITLE]
        v = V.view(s, current.id, viewer)
        assert len(v.assessment.participants) == 3 and v.submitted == 3
        assert {r.item: r.consensus for r in v.results} == {k: c[0] for k, c in CONSENSUS.items()}
        assert all(len(r.dots) == 3 for r in v.results)
        assert next(r for r in v.results if r.item == "coordination").change == 1
        assert v.priorities[0].item == "digital"  # gap 4 × importance 2
        practices = L.list_practices(s, entry, viewer)
    assert sorted(x.status for x in practices) == ["emerging", "leading", "stopped"]
    assert [x.title for x in practices if x.status == "emerging"] == [TAKE_HOME[0]]
