"""What the authorisation matrix needs for the maturity routes: a blind assessment of the zone
(the zone's coordinator and member invited, the member has scored) and one in its consensus
round with a consensus score, and a valid body per route."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.platform_fixtures import ACCOUNTS

OWN = "Z01"
HSO = b"dimension,criterion_id,text,scale\nLeadership,1.1,A shared vision,0-3\n"


def score(role: str, own: bool) -> str:
    """One's own scores: the invited coordinator and member of the zone; others are refused."""
    if own and role in ("coordinator", "member"):
        return "ok"
    return "deny" if role == "admin" or (own and role == "viewer") else "hide"


def make(s: Any, entry: Any, zone: str, ctx: Any) -> dict[str, int]:
    from mesocare.organisation.maturity_records import (
        AssessmentCreate,
        ConsensusIn,
        ParticipantCreate,
        ScoresIn,
        Status,
    )
    from mesocare.services.platform import accounts as Acc
    from mesocare.services.platform import maturity as M
    from mesocare.services.platform.access import Access
    from mesocare.services.platform.records import Ctx

    people = ("coordinator", "member") if zone == OWN else ("other",)
    ids = []
    for title in ("Matrix blind", "Matrix consensus"):
        a = M.create_assessment(
            s, entry, zone, AssessmentCreate(title=title, assessed_on=dt.date(2026, 5, 1)), ctx
        )
        for role in people:
            M.invite(s, a.id, ParticipantCreate(email=ACCOUNTS[role][0], cluster="care"), ctx)
        who = ACCOUNTS[people[-1]][0]
        as_them = Ctx(Access(Acc.principal_of(Acc.get_user(s, who)), ctx.access.hierarchy), "m")
        M.submit_scores(s, a.id, ScoresIn(scores={"funding": 2}), as_them)
        ids.append(a.id)
    a = M.get_assessment(s, ids[1], ctx.access)
    M.set_status(s, a.id, a.version, Status.CONSENSUS, ctx)
    M.set_consensus(s, a.id, ConsensusIn(item="funding", score=2, rationale="Matrix"), ctx)
    from mesocare.organisation.library import PracticeCreate
    from mesocare.services.platform import library as L

    practice = L.create_practice(s, entry, zone, PracticeCreate(title="Matrix practice"), ctx)
    return {"blind": ids[0], "consensus": ids[1], "practice": practice.id}


def assessment_id(path: str, m: dict[str, int]) -> int:
    if path.endswith(("/consensus", "/objectives", ".json")) and "{assessment_id}" in path:
        return m["consensus"]
    return m.get("blind", 0)


def request(
    method: str, path: str, zone: str, plan_id: int, form: dict[str, str], n: int
) -> dict[str, Any] | None:
    """A valid body for a maturity route (None: not one)."""
    if "library" in path:
        if method == "GET":
            return {}
        body = {"plan_id": plan_id} if path.endswith("/adopt") else {"title": f"Practice {n}"}
        return {"json": body} if path.startswith("/api/") else {"data": {**body, **form}}
    if "maturity" not in path:
        return None
    api = path.startswith("/api/")
    if path.endswith("/from-file"):
        fields = {"title": f"From file {n}", "assessed_on": "2026-06-01"}
        return {"files": {"file": ("hso.csv", HSO, "text/csv")}, "data": {**fields, **form}}
    if method == "GET":
        return {}
    guest = "target@test.mesocare.org"  # the matrix's TARGET: a viewer of each fresh zone
    anchor = ACCOUNTS["member" if zone == OWN else "other"][0]
    body: dict[str, Any] = {}
    if path.endswith(("/assessments", "/maturity")):
        body = {"title": f"Assessment {n}", "assessed_on": "2026-06-01"}
    elif path.endswith("/participants"):
        body = {"email": guest, "cluster": "welfare"}
    elif path.endswith("/scores"):
        body = {"scores": {"funding": 3}} if api else {"score-funding": "3"}
    elif path.endswith("/status"):
        body = {"version": 1, "status": "consensus"}
    elif path.endswith("/consensus"):
        body = {"item": "funding", "score": 3, "rationale": "Agreed"}
    elif path.endswith("/objectives"):
        body = {"item": "funding", "plan_id": plan_id, "anchor": anchor}
    return {"json": body} if api else {"data": {**{k: str(v) for k, v in body.items()}, **form}}


def figure_name(path: str) -> str | None:
    return "dots" if path.startswith("/maturity/") else None


def needed(path: str) -> bool:
    return "maturity" in path or "library" in path


def make_for(served: Any, zone: str) -> dict[str, int]:
    """:func:`make` in its own transaction, as the admin."""
    from mesocare.services.platform import accounts as Acc
    from mesocare.services.platform.records import Ctx

    p = served.platform
    with p.session(write=True) as s:
        admin = p.access(Acc.principal_of(Acc.get_user(s, ACCOUNTS["admin"][0])))
        return make(s, p.entry("leuven"), zone, Ctx(admin, "matrix"))
