"""The authorisation matrix: every route of the app × every role × (own zone, other zone) and no
login, with its expected answer. The routes come from the app's own route table: a route missing
from :data:`MATRIX` fails the test.

The roles are those of ``tests.platform_fixtures.ACCOUNTS``: admin (everywhere), analyst (region
R1), coordinator, member and viewer of zone Z01. "Own" is Z01, "other" is Z02 (same region).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.platform_fixtures import ACCOUNTS, PASSWORD, Served, csrf_of, login
from tests.web import maturity_matrix
from tests.web.maturity_matrix import score

ROLES = ("admin", "analyst", "coordinator", "member", "viewer")
#: a world café participant: no account, a token of a workshop of the own zone (in its own
#: cookie); "own": the token is for the route's workshop, "other": for another workshop
PARTICIPANT = "participant"
OWN, OTHER = "Z01", "Z02"

# outcomes: ok (2xx, or a 303 that is not to the login page), deny (403), hide (404: a record
# of a zone one may not read answers as absent), login (303 to /login for pages, 401 for the API),
# invalid (422: allowed, but the request's input is refused)
Rule = Callable[[str, bool], str]


def public(role: str, own: bool) -> str:
    return "ok"


def logged_in(role: str, own: bool) -> str:
    return "ok"


def to_login(role: str, own: bool) -> str:
    return "login"


def refused_input(role: str, own: bool) -> str:
    return "invalid"


def figures(role: str, own: bool) -> str:
    return "ok" if role in ("admin", "analyst") or own else "deny"


def read(role: str, own: bool) -> str:
    return "ok" if role == "admin" or (own and role != "analyst") else "deny"


def read_by_id(role: str, own: bool) -> str:
    return "ok" if role == "admin" or (own and role != "analyst") else "hide"


def edit(role: str, own: bool) -> str:
    return "ok" if role == "admin" or (own and role == "coordinator") else "deny"


def edit_by_id(role: str, own: bool) -> str:
    if role == "admin" or (own and role == "coordinator"):
        return "ok"
    return "deny" if own and role in ("member", "viewer") else "hide"


def figures_by_id(role: str, own: bool) -> str:
    return "ok" if role in ("admin", "analyst") or own else "hide"


def enter_by_id(role: str, own: bool) -> str:
    """Actuals of an action assigned to the member: coordinators and that member."""
    if role == "admin" or (own and role in ("coordinator", "member")):
        return "ok"
    return "deny" if own and role == "viewer" else "hide"


def admin_only(role: str, own: bool) -> str:
    return "ok" if role == "admin" else "deny"


# A case of each zone is opened by that zone's coordinator ("coordinator" for own, "other" for the
# other zone); its team holds an account of no role here. So the member and the viewer of the
# zone are not on its team: 403 on every case route, like the admin and the analyst.
def case_team(role: str, own: bool) -> str:
    return "ok" if own and role == "coordinator" else "deny"


def open_case(role: str, own: bool) -> str:
    return "ok" if role == "admin" or (own and role in ("coordinator", "member")) else "deny"


def break_glass(role: str, own: bool) -> str:
    """A coordinator or member of the case's zone (the coordinator of the case: to the case)."""
    return "ok" if own and role in ("coordinator", "member") else "deny"


# The member of the zone is a member of a practice of their zone; nobody else is.
def practice(role: str, own: bool) -> str:
    return "ok" if own and role == "member" else "deny"


def practice_open(role: str, own: bool) -> str:
    """A member of the practice may ask; the person asked for is not on its list."""
    return "invalid" if own and role == "member" else "deny"


def no_token(role: str, own: bool) -> str:
    """A participant's page: an account is not a participant's token."""
    return "login"


def participant_own(role: str, own: bool) -> str:
    return "ok" if own else "deny"


@dataclass(frozen=True)
class Case:
    rule: Rule
    #: what an anonymous request gets
    anonymous: str = "login"
    #: what a participant's token gets (None: what an anonymous request gets)
    participant: Rule | None = None


T, Z = "/t/{territory}", "/t/{territory}/z/{zone}"
A = "/api/v1/territories/{territory}"
MATRIX: dict[tuple[str, str], Case] = {
    ("GET", "/healthz"): Case(public, "ok"),
    ("GET", "/openapi.json"): Case(public, "ok"),
    ("GET", "/static/{name}"): Case(public, "ok"),
    ("GET", "/login"): Case(public, "ok"),
    ("POST", "/login"): Case(public, "ok"),
    # logging out ends on the login page, logged in or not
    ("POST", "/logout"): Case(to_login),
    ("POST", "/language"): Case(logged_in, "ok"),
    ("GET", "/account"): Case(logged_in),
    # the request gives a wrong current password: a logged-in user gets the form's refusal
    ("POST", "/account/password"): Case(refused_input),
    ("GET", "/"): Case(logged_in),
    ("GET", T): Case(logged_in),
    ("GET", T + "/map.json"): Case(logged_in),
    ("GET", Z): Case(figures),
    ("GET", Z + "/figures/{index}.json"): Case(figures),
    ("GET", Z + "/actors"): Case(read),
    ("GET", Z + "/actors/map.json"): Case(read),
    ("GET", Z + "/actors.csv"): Case(read),
    ("GET", Z + "/history"): Case(read),
    ("GET", Z + "/actors/new"): Case(edit),
    ("POST", Z + "/actors"): Case(edit),
    ("POST", Z + "/actors/import"): Case(edit),
    ("GET", "/actors/{actor_id}/edit"): Case(edit_by_id),
    ("POST", "/actors/{actor_id}/edit"): Case(edit_by_id),
    ("POST", "/actors/{actor_id}/delete"): Case(edit_by_id),
    ("GET", "/actors/{actor_id}/history"): Case(read_by_id),
    ("GET", Z + "/members"): Case(edit),
    ("POST", Z + "/members"): Case(edit),
    ("POST", Z + "/members/{grant_id}/revoke"): Case(edit),
    ("GET", "/audit"): Case(admin_only),
    ("GET", "/api/v1/me"): Case(logged_in),
    ("GET", "/api/v1/territories"): Case(logged_in),
    ("GET", A + "/status"): Case(logged_in),
    ("GET", A + "/zones"): Case(logged_in),
    ("GET", A + "/zones/{zone}/diagnosis"): Case(figures),
    ("GET", A + "/zones/{zone}/actors"): Case(read),
    ("GET", A + "/zones/{zone}/actors.csv"): Case(read),
    ("POST", A + "/zones/{zone}/actors"): Case(edit),
    ("POST", A + "/zones/{zone}/actors/import"): Case(edit),
    ("GET", A + "/zones/{zone}/members"): Case(edit),
    ("POST", A + "/zones/{zone}/members"): Case(edit),
    ("DELETE", A + "/zones/{zone}/members/{grant_id}"): Case(edit),
    ("GET", "/api/v1/actors/{actor_id}"): Case(read_by_id),
    ("GET", "/api/v1/actors/{actor_id}/history"): Case(read_by_id),
    ("PATCH", "/api/v1/actors/{actor_id}"): Case(edit_by_id),
    ("DELETE", "/api/v1/actors/{actor_id}"): Case(edit_by_id),
    ("GET", "/api/v1/audit"): Case(admin_only),
    # governance: coordinators of the zone manage, its people read, analysts do not see it
    ("GET", Z + "/governance"): Case(read),
    ("POST", Z + "/governance"): Case(edit),
    ("GET", "/governance/bodies/{body_id}"): Case(read_by_id),
    ("POST", "/governance/bodies/{body_id}/seats"): Case(edit_by_id),
    ("POST", "/governance/bodies/{body_id}/members"): Case(edit_by_id),
    ("POST", "/governance/members/{member_id}/delete"): Case(edit_by_id),
    ("POST", "/governance/bodies/{body_id}/meetings"): Case(edit_by_id),
    ("GET", "/governance/meetings/{meeting_id}"): Case(read_by_id),
    ("POST", "/governance/meetings/{meeting_id}/items"): Case(edit_by_id),
    ("POST", "/governance/decisions/{decision_id}/votes"): Case(edit_by_id),
    ("GET", "/api/v1/governance/templates"): Case(logged_in),
    ("GET", A + "/zones/{zone}/governance/bodies"): Case(read),
    ("POST", A + "/zones/{zone}/governance/bodies"): Case(edit),
    ("GET", "/api/v1/governance/bodies/{body_id}"): Case(read_by_id),
    ("PATCH", "/api/v1/governance/bodies/{body_id}"): Case(edit_by_id),
    ("POST", "/api/v1/governance/bodies/{body_id}/members"): Case(edit_by_id),
    ("PATCH", "/api/v1/governance/members/{member_id}"): Case(edit_by_id),
    ("DELETE", "/api/v1/governance/members/{member_id}"): Case(edit_by_id),
    ("GET", "/api/v1/governance/bodies/{body_id}/meetings"): Case(read_by_id),
    ("POST", "/api/v1/governance/bodies/{body_id}/meetings"): Case(edit_by_id),
    ("GET", "/api/v1/governance/meetings/{meeting_id}"): Case(read_by_id),
    ("POST", "/api/v1/governance/meetings/{meeting_id}/items"): Case(edit_by_id),
    ("GET", "/api/v1/governance/decisions/{decision_id}"): Case(read_by_id),
    ("PUT", "/api/v1/governance/decisions/{decision_id}/votes"): Case(edit_by_id),
    # cases: access follows the care team
    ("GET", "/cases"): Case(logged_in),
    ("GET", Z + "/cases/new"): Case(open_case),
    ("POST", Z + "/cases"): Case(open_case),
    ("GET", "/cases/{case_id}"): Case(case_team),
    ("POST", "/cases/{case_id}/goals"): Case(case_team),
    ("POST", "/cases/{case_id}/problems"): Case(case_team),
    ("POST", "/cases/{case_id}/team"): Case(case_team),
    ("POST", "/cases/{case_id}/actions"): Case(case_team),
    ("POST", "/cases/{case_id}/actions/{action_id}/status"): Case(case_team),
    ("POST", "/cases/{case_id}/consents"): Case(case_team),
    ("POST", "/cases/{case_id}/consents/{consent_id}/revoke"): Case(case_team),
    ("POST", "/cases/{case_id}/priority"): Case(case_team),
    ("GET", "/cases/{case_id}/break-glass"): Case(break_glass),
    ("POST", "/cases/{case_id}/break-glass"): Case(break_glass),
    ("POST", "/cases/{case_id}/break-glass/{glass_id}/acknowledge"): Case(case_team),
    ("GET", "/cases/{case_id}/access-log"): Case(case_team),
    ("GET", "/cases/{case_id}/access-log.{fmt}"): Case(case_team),
    ("GET", T + "/practices/{practice_id}/targets"): Case(practice),
    ("POST", T + "/practices/{practice_id}/targets/case"): Case(practice_open),
    ("GET", "/api/v1/cases"): Case(logged_in),
    ("POST", A + "/zones/{zone}/cases"): Case(open_case),
    ("POST", A + "/zones/{zone}/cases/fhir"): Case(open_case),
    ("GET", "/api/v1/cases/{case_id}"): Case(case_team),
    ("POST", "/api/v1/cases/{case_id}/goals"): Case(case_team),
    ("POST", "/api/v1/cases/{case_id}/problems"): Case(case_team),
    ("POST", "/api/v1/cases/{case_id}/team"): Case(case_team),
    ("POST", "/api/v1/cases/{case_id}/actions"): Case(case_team),
    ("POST", "/api/v1/cases/{case_id}/actions/{action_id}/status"): Case(case_team),
    ("POST", "/api/v1/cases/{case_id}/consents"): Case(case_team),
    ("POST", "/api/v1/cases/{case_id}/consents/{consent_id}/revoke"): Case(case_team),
    ("PUT", "/api/v1/cases/{case_id}/priority"): Case(case_team),
    ("POST", "/api/v1/cases/{case_id}/break-glass"): Case(break_glass),
    ("GET", "/api/v1/cases/{case_id}/access-log"): Case(case_team),
    ("GET", "/api/v1/cases/{case_id}/access-log.csv"): Case(case_team),
    ("GET", "/api/v1/cases/{case_id}/fhir"): Case(case_team),
    ("GET", A + "/practices/{practice_id}/targets"): Case(practice),
    ("POST", A + "/practices/{practice_id}/targets/{person_id}/case"): Case(practice_open),
    ("POST", A + "/practices/{practice_id}/members"): Case(edit),
    # action plans (zone records)
    ("GET", Z + "/plans"): Case(read),
    ("POST", Z + "/plans"): Case(edit),
    ("POST", Z + "/plans/import"): Case(edit),
    ("GET", "/plans/{plan_id}"): Case(read_by_id),
    ("POST", "/plans/{plan_id}/edit"): Case(edit_by_id),
    ("POST", "/plans/{plan_id}/adopt"): Case(edit_by_id),
    ("POST", "/plans/{plan_id}/needs"): Case(edit_by_id),
    ("POST", "/plans/{plan_id}/items"): Case(edit_by_id),
    ("POST", "/plans/{plan_id}/indicators"): Case(edit_by_id),
    ("GET", "/plans/{plan_id}/figures/{name}.json"): Case(read_by_id),
    ("GET", "/plans/{plan_id}/export/{fmt}"): Case(read_by_id),
    ("GET", "/plans/{plan_id}/history"): Case(read_by_id),
    ("GET", "/plan-items/{item_id}/edit"): Case(edit_by_id),
    ("POST", "/plan-items/{item_id}/edit"): Case(edit_by_id),
    ("POST", "/plan-items/{item_id}/budget"): Case(edit_by_id),
    ("GET", "/plan-indicators/{indicator_id}"): Case(read_by_id),
    ("POST", "/plan-indicators/{indicator_id}/actuals"): Case(enter_by_id),
    ("POST", "/plan-actuals/{actual_id}/submit"): Case(enter_by_id),
    ("POST", "/plan-actuals/{actual_id}/review"): Case(edit_by_id),
    ("POST", "/plan-actuals/{actual_id}/evidence"): Case(enter_by_id),
    ("GET", "/plan-evidence/{evidence_id}"): Case(read_by_id),
    ("GET", A + "/zones/{zone}/plans"): Case(read),
    ("POST", A + "/zones/{zone}/plans"): Case(edit),
    ("GET", A + "/zones/{zone}/resources"): Case(read),
    ("GET", "/api/v1/plans/{plan_id}"): Case(read_by_id),
    ("GET", "/api/v1/plans/{plan_id}/progress"): Case(figures_by_id),
    ("PATCH", "/api/v1/plans/{plan_id}"): Case(edit_by_id),
    ("POST", "/api/v1/plans/{plan_id}/adopt"): Case(edit_by_id),
    ("POST", "/api/v1/plans/{plan_id}/items"): Case(edit_by_id),
    ("PATCH", "/api/v1/plan-items/{item_id}"): Case(edit_by_id),
    ("POST", "/api/v1/plan-indicators/{indicator_id}/actuals"): Case(enter_by_id),
    ("POST", "/api/v1/plan-actuals/{actual_id}/submit"): Case(enter_by_id),
    ("POST", "/api/v1/plan-actuals/{actual_id}/review"): Case(edit_by_id),
    # analysis grid: the matrix's case is attached to the zone (the zone's rules); templates are
    # read by every logged-in user, the fixture's template is an admin's (its author and admins
    # edit it); a workshop group's link opens its own page, account or not
    ("GET", "/grid"): Case(logged_in),
    ("GET", "/grid/export/{fmt}"): Case(logged_in),
    ("POST", "/grid/cases"): Case(edit),
    ("GET", "/grid/cases/{grid_case_id}"): Case(read_by_id),
    ("POST", "/grid/cases/{grid_case_id}/cells"): Case(edit_by_id),
    ("POST", "/grid/cases/{grid_case_id}/edit"): Case(edit_by_id),
    ("POST", "/grid/cases/{grid_case_id}/documents"): Case(edit_by_id),
    ("GET", "/grid/documents/{document_id}"): Case(read_by_id),
    ("GET", "/grid/templates/{template_id}"): Case(logged_in),
    ("POST", "/grid/templates/{template_id}/copy"): Case(logged_in),
    ("POST", "/grid/templates/{template_id}/dimensions"): Case(admin_only),
    ("POST", "/grid/templates/{template_id}/dimensions/{key}"): Case(admin_only),
    ("POST", "/grid/cases/{grid_case_id}/workshops"): Case(edit_by_id),
    ("GET", "/grid/workshops/{workshop_id}"): Case(edit_by_id),
    ("POST", "/grid/workshops/{workshop_id}/groups"): Case(edit_by_id),
    ("POST", "/grid/workshops/{workshop_id}/merge"): Case(edit_by_id),
    ("GET", "/w/{token}"): Case(public, "ok"),
    ("POST", "/w/{token}"): Case(public, "ok"),
    ("GET", "/api/v1/grid/cases"): Case(logged_in),
    ("GET", "/api/v1/grid/cases/{grid_case_id}"): Case(read_by_id),
    ("GET", "/api/v1/grid/cases/{grid_case_id}/versions/{number}"): Case(read_by_id),
    ("POST", "/api/v1/grid/cases/{grid_case_id}/versions"): Case(edit_by_id),
    ("GET", "/api/v1/grid/matrix"): Case(logged_in),
    ("GET", "/api/v1/grid/templates/{template_id}"): Case(logged_in),
    # world café workshops: coordinators of the zone facilitate; participants have only a token
    ("GET", Z + "/workshops"): Case(read),
    ("GET", Z + "/workshops/new"): Case(edit),
    ("POST", Z + "/workshops"): Case(edit),
    ("GET", "/workshops/{workshop_id}"): Case(edit_by_id),
    ("GET", "/workshops/{workshop_id}/live.json"): Case(edit_by_id),
    ("GET", "/workshops/{workshop_id}/summary"): Case(read_by_id),
    ("POST", "/workshops/{workshop_id}/edit"): Case(edit_by_id),
    ("POST", "/workshops/{workshop_id}/join-link"): Case(edit_by_id),
    ("POST", "/workshops/{workshop_id}/tables/{table_id}/host"): Case(edit_by_id),
    ("POST", "/workshops/{workshop_id}/rotation"): Case(edit_by_id),
    ("POST", "/workshops/{workshop_id}/next"): Case(edit_by_id),
    ("POST", "/workshops/{workshop_id}/points"): Case(edit_by_id),
    ("POST", "/workshops/{workshop_id}/pads/{pad_id}/harvest"): Case(edit_by_id),
    ("POST", "/workshops/{workshop_id}/points/{point_id}/to"): Case(edit_by_id),
    # the join link is the secret: anyone holding it joins
    ("GET", "/cafe/{secret}"): Case(public, "ok"),
    ("POST", "/cafe/{secret}"): Case(public, "ok"),
    ("GET", "/cafe/w/{workshop_id}"): Case(no_token, participant=participant_own),
    ("GET", "/cafe/w/{workshop_id}/live.json"): Case(no_token, participant=participant_own),
    ("POST", "/cafe/w/{workshop_id}/pad"): Case(no_token, participant=participant_own),
    # maturity self-assessments (zone records); scores: the invited participants only
    ("GET", Z + "/maturity"): Case(read),
    ("POST", Z + "/maturity"): Case(edit),
    ("POST", Z + "/maturity/from-file"): Case(edit),
    ("POST", A + "/zones/{zone}/maturity/assessments/from-file"): Case(edit),
    ("GET", T + "/maturity"): Case(logged_in),
    ("GET", "/maturity/{assessment_id}"): Case(read_by_id),
    ("GET", "/maturity/{assessment_id}/figures/{name}.json"): Case(read_by_id),
    ("POST", "/maturity/{assessment_id}/participants"): Case(edit_by_id),
    ("POST", "/maturity/{assessment_id}/scores"): Case(score),
    ("POST", "/maturity/{assessment_id}/status"): Case(edit_by_id),
    ("POST", "/maturity/{assessment_id}/consensus"): Case(edit_by_id),
    ("POST", "/maturity/{assessment_id}/objectives"): Case(edit_by_id),
    ("GET", "/api/v1/maturity/frameworks"): Case(logged_in),
    # the learning library: read across the territory, recorded by the zone, adopted into a plan
    ("GET", T + "/library"): Case(logged_in),
    ("GET", Z + "/library"): Case(read),
    ("POST", Z + "/library"): Case(edit),
    ("GET", "/library/{library_id}"): Case(logged_in),
    ("POST", "/library/{library_id}/adopt"): Case(edit_by_id),
    ("GET", "/api/v1/library/vocabulary"): Case(logged_in),
    ("GET", A + "/library/practices"): Case(logged_in),
    ("POST", A + "/zones/{zone}/library/practices"): Case(edit),
    ("GET", A + "/zones/{zone}/library/suggested"): Case(read),
    ("GET", "/api/v1/library/practices/{library_id}"): Case(logged_in),
    ("POST", "/api/v1/library/practices/{library_id}/adopt"): Case(edit_by_id),
    ("GET", A + "/zones/{zone}/maturity/assessments"): Case(read),
    ("POST", A + "/zones/{zone}/maturity/assessments"): Case(edit),
    ("GET", A + "/maturity/comparison"): Case(logged_in),
    ("GET", "/api/v1/maturity/assessments/{assessment_id}"): Case(read_by_id),
    ("POST", "/api/v1/maturity/assessments/{assessment_id}/participants"): Case(edit_by_id),
    ("PUT", "/api/v1/maturity/assessments/{assessment_id}/scores"): Case(score),
    ("POST", "/api/v1/maturity/assessments/{assessment_id}/status"): Case(edit_by_id),
    ("PUT", "/api/v1/maturity/assessments/{assessment_id}/consensus"): Case(edit_by_id),
    ("POST", "/api/v1/maturity/assessments/{assessment_id}/objectives"): Case(edit_by_id),
}

TARGET = "target@test.mesocare.org"
CSV = b"name,discipline,address\nNew practice,gp,Main street 1\n"


@dataclass
class Fixture:
    """What one request needs: the objects it acts on, made fresh in the target zone."""

    zone: str
    actor_id: int
    actor_version: int
    grant_id: int
    case: dict[str, int]
    practice_id: str
    plan: PlanFixture
    #: a zorgraad with one member, a meeting, an agenda item and its decision
    body_id: int = 0
    member_id: int = 0
    meeting_id: int = 0
    decision_id: int = 0
    #: an analysis grid case of the zone (version 1), its document, a workshop on it with a
    #: group's token, and a grid template of the admin's
    grid: dict[str, Any] = field(default_factory=dict)
    #: a running world café: its ids, versions, join secret and a participant's token
    cafe: dict[str, Any] | None = None
    #: a blind assessment and one in its consensus round (tests/web/maturity_matrix.py)
    maturity: dict[str, int] = field(default_factory=dict)


@dataclass
class PlanFixture:
    """A plan of the zone: an action assigned to the member, its indicator, a draft actual with
    an evidence file and a submitted one."""

    plan_id: int
    item_id: int
    indicator_id: int
    draft_id: int
    draft_version: int
    submitted_id: int
    submitted_version: int
    evidence_id: int


def _plan(s: Any, entry: Any, zone: str, ctx: Any) -> PlanFixture:
    import datetime as dt

    from mesocare.organisation.plans import ActualCreate, IndicatorCreate, ItemCreate, PlanCreate
    from mesocare.services.platform import plan_progress as G
    from mesocare.services.platform import plans as P

    p = P.create_plan(
        s,
        entry,
        zone,
        PlanCreate(
            title="Matrix plan",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 12, 31),
        ),
        ctx,
    )
    top = P.add_item(s, p.id, ItemCreate(level="strategic", title="S"), ctx)
    op = P.add_item(s, p.id, ItemCreate(level="operational", parent_id=top.id, title="O"), ctx)
    act = P.add_item(
        s,
        p.id,
        ItemCreate(level="action", parent_id=op.id, title="A", assignee=ACCOUNTS["member"][0]),
        ctx,
    )
    ind = G.add_indicator(s, p.id, IndicatorCreate(item_id=act.id, name="I"), ctx)
    draft = G.enter_actual(s, ind.id, ActualCreate(period="2026-01", value=1), ctx)
    ev = G.add_evidence(s, draft.id, "e.csv", "text/csv", b"a,b\n1,2\n", ctx)
    sub = G.enter_actual(s, ind.id, ActualCreate(period="2026-02", value=2), ctx)
    sub = G.submit_actual(s, sub.id, sub.version, ctx)
    return PlanFixture(p.id, act.id, ind.id, draft.id, draft.version, sub.id, sub.version, ev.id)


def _xlsx(served: Served, f: Fixture) -> bytes:
    from mesocare.services.platform import accounts as Acc
    from mesocare.services.platform.plan_doc import document
    from mesocare.services.platform.plan_xlsx import to_xlsx

    p = served.platform
    access = p.access(Acc.principal_of(_user(p, ACCOUNTS["admin"][0])))  # type: ignore[attr-defined]
    with p.session() as s:  # type: ignore[attr-defined]
        return to_xlsx(document(s, f.plan.plan_id, access))


def _fresh(served: Served, zone: str, n: int) -> Fixture:
    from mesocare.organisation.actors import ActorCreate
    from mesocare.organisation.roles import Scope
    from mesocare.services.platform import accounts as Acc
    from mesocare.services.platform import actors as S

    p = served.platform
    entry = p.entry("leuven")  # type: ignore[attr-defined]
    system = p.access(  # type: ignore[attr-defined]
        Acc.principal_of(_user(p, ACCOUNTS["admin"][0]))
    )
    with p.session(write=True) as s:  # type: ignore[attr-defined]
        a = S.create_actor(
            s,
            entry,
            zone,
            ActorCreate(name=f"Matrix actor {n}", discipline="gp", address="Somewhere 1"),
            S.Ctx(system, "matrix"),
        )
        email = TARGET
        try:
            Acc.get_user(s, email)
        except Exception:
            Acc.create_user(s, email, PASSWORD, by=None, request_id="matrix")
        g = Acc.grant(
            s,
            email,
            "viewer",
            Scope(territory="leuven", unit=zone),
            access=None,
            request_id="matrix",
        )
        case = _case(p, s, entry, zone, email)
        practice = _practice(p, s, entry, zone, system)
        return Fixture(
            zone,
            a.id,
            a.version,
            g.id,
            case,
            practice,
            _plan(s, entry, zone, S.Ctx(system, "matrix")),
            *_governance(s, entry, zone, S.Ctx(system, "m")),
            grid=_grid(s, entry, zone, S.Ctx(system, "grid")),
            cafe=_cafe(p, s, entry, zone),
        )


def _case(p: Any, s: Any, entry: Any, zone: str, team_email: str) -> dict[str, int]:
    """A case of ``zone`` opened by its coordinator, with a team entry (an account of no role
    here), an action, a consent and an emergency access to acknowledge."""
    from datetime import date, timedelta

    from mesocare.organisation import cases as M
    from mesocare.services.platform import accounts as Acc
    from mesocare.services.platform import case_changes as CC
    from mesocare.services.platform import cases as C
    from mesocare.services.platform.records import Ctx
    from mesocare.store.models_cases import BreakGlass

    opener = ACCOUNTS["coordinator" if zone == OWN else "other"][0]
    ctx = Ctx(p.access(Acc.principal_of(Acc.get_user(s, opener))), "matrix")
    case = C.open_case(s, entry, zone, M.CaseOpen(code=None), ctx)
    team = CC.add_team_member(
        s, case.id, M.TeamIn(user=team_email, role="GP", start=date(2020, 1, 1)), ctx
    )
    action = CC.add_action(s, case.id, M.ActionIn(text="x", performer_id=team.id), ctx)
    consent = CC.add_consent(
        s, case.id, M.ConsentIn(category="primary_care", given_on=date(2020, 1, 1)), ctx
    )
    g = BreakGlass(
        case_id=case.id,
        user_id=None,
        who="someone",
        reason="matrix",
        ends_at=C.utcnow() + timedelta(minutes=5),
    )
    s.add(g)
    s.flush()
    return {
        "case_id": case.id,
        "action_id": action.id,
        "consent_id": consent.id,
        "glass_id": g.id,
        "case_version": case.version,
    }


def _cafe(p: Any, s: Any, entry: Any, zone: str) -> dict[str, Any]:
    """A workshop of ``zone`` in its first round: two participants, a pad with text, a point."""
    from mesocare.organisation import workshops as W
    from mesocare.services.platform import accounts as Acc
    from mesocare.services.platform import workshop_harvest as H
    from mesocare.services.platform import workshop_room as R
    from mesocare.services.platform import workshops as WS
    from mesocare.services.platform.records import Ctx

    opener = ACCOUNTS["coordinator" if zone == OWN else "other"][0]
    ctx = Ctx(p.access(Acc.principal_of(Acc.get_user(s, opener))), "matrix")
    w = WS.create_workshop(
        s, entry, zone, W.WorkshopCreate(title="Matrix café", case_study="A case", tables=1), ctx
    )
    secret = R.open_join(s, p.data_dir, w.id, ctx)
    people = [
        R.join(s, secret, W.ParticipantIn(name=n, profession="GP", sector="care"))
        for n in ("A", "B")
    ]
    w = WS.next_round(s, w.id, w.version, ctx)
    g = R.guest(s, people[0][1])
    pad = R.write_pad(s, g, w.id, W.PadIn(version=1, text="one\ntwo"))
    point = H.add_point(s, w.id, W.PointIn(text="take home"), ctx)
    return {
        "workshop_id": w.id,
        "version": w.version,
        "table_id": WS.tables(s, w.id)[0].id,
        "participant_id": people[1][0].id,
        "pad_id": pad.id,
        "pad_version": pad.version,
        "point_id": point.id,
        "secret": secret,
        "token": people[0][1],
    }


def _practice(p: Any, s: Any, entry: Any, zone: str, system: Any) -> str:
    """A practice of ``zone``; the member of Z01 is a member of Z01's."""
    from mesocare.services.platform import targets as TG
    from mesocare.services.platform.records import Ctx

    practice = next(iter(TG.practices(entry, zone)))
    if zone == OWN:
        TG.add_member(s, entry, practice, ACCOUNTS["member"][0], Ctx(system, "matrix"))
    return practice


def _grid(s: Any, entry: Any, zone: str, ctx: Any) -> dict[str, Any]:
    from mesocare.organisation.grid import CaseCreate
    from mesocare.services.platform import grid as G
    from mesocare.services.platform import grid_workshop as W

    default = G.ensure_default(s, ctx)
    t = G.copy_template(s, default.id, "Matrix grid", ctx)
    c = G.create_case(
        s,
        CaseCreate(title="Matrix case", template_id=default.id, territory="leuven", zone_code=zone),
        ctx,
        entry,
    )
    doc = G.add_document(s, c.id, "d.txt", "text/plain", b"doc", ctx)
    w = W.open_workshop(s, c.id, "Matrix workshop", 2, ctx)
    _g, token = W.add_group(s, w.id, "Table", None, ctx)
    return {
        "grid_case_id": c.id,
        "document_id": doc.id,
        "template_id": t.id,
        "default_template": default.id,
        "workshop_id": w.id,
        "token": token,
        "number": 1,
        "key": "values",
    }


def _grid_request(method: str, path: str, f: Fixture, form: dict[str, str]) -> dict[str, Any]:
    """A valid body for an analysis grid route."""
    if method == "GET":
        return {}
    if path.startswith("/api/"):
        return {"json": {"version": 1, "cells": {"values": {"text": "From the API"}}}}
    bodies: dict[str, dict[str, str]] = {
        "/grid/cases": {
            "title": "Matrix case 2",
            "template_id": str(f.grid["default_template"]),
            "zone": f"leuven/{f.zone}",
        },
        "/cells": {"version": "1", "text-values": "Solidarity"},
        "/edit": {"version": "1", "title": "Renamed case"},
        "/workshops": {"title": "Another workshop", "hours": "2"},
        "/groups": {"label": "Table 2"},
        "/merge": {"text-values": "Merged"},
        "/copy": {"name": "My grid"},
        "/dimensions": {"version": "1", "label_en": "Patient voice"},
        "/dimensions/{key}": {"version": "1", "action": "retire"},
        "/w/{token}": {"text-values": "Our answer"},
    }
    if path.endswith("/documents"):
        return {"files": {"file": ("e.txt", b"evidence", "text/plain")}, "data": form}
    body = next(b for k, b in bodies.items() if path.endswith(k))
    return {"data": {**body, **form}}


def _governance(s: Any, entry: Any, zone: str, ctx: Any) -> tuple[int, int, int, int]:
    from mesocare.organisation import governance_records as R
    from mesocare.services.platform import governance as G
    from mesocare.services.platform import governance_meetings as M

    b = G.create_body(
        s, entry, zone, R.BodyCreate(template="zorgraad", organ="council", name="Matrix"), ctx
    )
    m = G.add_member(s, b.id, R.MemberCreate(cluster="welfare", name="Matrix member"), ctx)
    meeting = M.create_meeting(
        s, b.id, R.MeetingCreate(held_on="2026-11-05", title="Matrix meeting"), ctx
    )
    item = M.add_item(s, meeting.id, R.ItemCreate(title="Matrix item"), ctx)
    d = M.add_decision(s, item.id, R.DecisionCreate(motion="Matrix motion"), ctx)
    return b.id, m.id, meeting.id, d.id


def _governance_request(method: str, path: str, f: Fixture, form: dict[str, str]) -> dict[str, Any]:
    """A valid body for a governance route (every record made fresh is at version 1)."""
    api = path.startswith("/api/")
    body: dict[str, Any] = {}
    if method == "DELETE":
        return {"params": {"version": 1}}
    if path.endswith("/governance") or path.endswith("/governance/bodies"):
        body = {"template": "zorgraad", "organ": "council", "name": "Matrix body"}
        if not api:
            body = {"organ": "zorgraad/council", "name": "Matrix body"}
    elif path.endswith("/seats"):
        body = {"version": "1", **{f"seats-{c}": str(n) for c, n in SEATS.items()}}
    elif path.endswith("/members"):
        body = {"cluster": "welfare", "name": "Another member"}
    elif method == "PATCH":
        body = {"version": 1, "name": "Renamed"}
    elif path.endswith("/delete"):
        body = {"version": "1"}
    elif path.endswith("/meetings"):
        body = {"held_on": "2026-11-06", "title": "Another meeting"}
    elif path.endswith("/items"):
        body = {"title": "Another item"}
        if api:
            body["decision"] = {"motion": "Another motion"}
    elif path.endswith("/votes"):
        body = (
            {"version": 1, "votes": {str(f.member_id): "for"}}
            if api
            else {"version": "1", f"vote-{f.member_id}": "for"}
        )
    if method == "GET":
        return {}
    return {"json": body} if api else {"data": {**body, **form}}


SEATS = {"care_providers": 4, "welfare": 4, "local_government": 4, "patients": 2, "extra": 0}


def _user(p: Any, email: str) -> Any:
    from mesocare.services.platform import accounts as Acc

    with p.session() as s:
        return Acc.get_user(s, email)


def _request(
    method: str, path: str, f: Fixture, csrf: str | None, n: int, served: Served
) -> dict[str, Any]:
    """The path with its parameters, and a valid body for the route."""
    pf = f.plan
    if maturity_matrix.needed(path):  # made only for the routes that need them
        f.maturity = maturity_matrix.make_for(served, f.zone)
    url = path.format(
        territory="leuven",
        zone=f.zone,
        actor_id=f.actor_id,
        grant_id=f.grant_id,
        body_id=f.body_id,
        member_id=f.member_id,
        meeting_id=f.meeting_id,
        decision_id=f.decision_id,
        index=0,
        name=maturity_matrix.figure_name(path)
        or ("timeline" if path.startswith("/plans/") else "web.css"),
        practice_id=f.practice_id,
        person_id="1",
        plan_id=pf.plan_id,
        item_id=pf.item_id,
        indicator_id=pf.indicator_id,
        actual_id=pf.submitted_id if path.endswith("/review") else pf.draft_id,
        evidence_id=pf.evidence_id,
        fmt="json" if path.startswith("/plans/") else "csv",
        assessment_id=maturity_matrix.assessment_id(path, f.maturity),
        library_id=f.maturity.get("practice", 0),
        **f.case,
        **_ids(path, f),
    )
    if "/grid" in path or path.startswith("/w/"):
        form = {"csrf_token": csrf or ""}
        return {"method": method, "url": url, **_grid_request(method, path, f, form)}
    mat_kw = maturity_matrix.request(
        method, path, f.zone, pf.plan_id, {"csrf_token": csrf or ""}, n
    )
    if mat_kw is not None:
        return {"method": method, "url": url, **mat_kw}
    plan_kw = _plan_request(method, path, f, csrf, n, served)
    if plan_kw is not None:
        return {"method": method, "url": url, **plan_kw}
    form = {"csrf_token": csrf or ""}
    kw: dict[str, Any] = {}
    api = path.startswith("/api/")
    if "/governance" in path:
        return {"method": method, "url": url, **_governance_request(method, path, f, form)}
    if "/workshops" in path or "/cafe/" in path:
        return {"method": method, "url": url, **_cafe_request(method, path, f, form)}
    if (method, path) == ("POST", "/login"):
        kw["data"] = {"email": ACCOUNTS["viewer"][0], "password": PASSWORD, **form}
    elif path == "/language":
        kw["data"] = {"language": "fr", **form}
    elif path == "/account/password":
        kw["data"] = {"current": "wrong password", "new": "another password 1", **form}
    elif path.endswith("/actors/import"):
        kw["files"] = {"file": ("actors.csv", CSV, "text/csv")}
        if not api:
            kw["data"] = form
    elif api and method == "POST" and path.endswith("/actors"):
        kw["json"] = {"name": f"API actor {n}", "discipline": "gp", "address": "Street 2"}
    elif api and method == "POST" and path.endswith("/members"):
        # to the fixture's own user: a grant to an account of the matrix would change its rights
        # for the routes tested after this one
        kw["json"] = {"email": TARGET, "role": "viewer", "unit": f.zone}
    elif method == "PATCH":
        kw["json"] = {"version": f.actor_version, "contact": "x@example.org"}
    elif method == "DELETE" and "/actors/" in path:
        kw["params"] = {"version": f.actor_version}
    elif method == "POST" and path.endswith("/actors"):
        kw["data"] = {"name": f"Page actor {n}", "discipline": "gp", "address": "Street 3", **form}
    elif method == "POST" and path.endswith("/edit"):
        kw["data"] = {
            "version": str(f.actor_version),
            "name": "Renamed",
            "discipline": "gp",
            "address": "Street 4",
            **form,
        }
    elif method == "POST" and path.endswith("/delete"):
        kw["data"] = {"version": str(f.actor_version), **form}
    elif "/cases" in path or "/practices/" in path:
        kw.update(_case_body(method, path, f, form, api, n))
    elif method == "POST" and path.endswith("/members"):
        kw["data"] = {"email": TARGET, "role": "viewer", "unit": f.zone, **form}
    elif method == "POST":
        kw["data"] = form
    return {"method": method, "url": url, **kw}


def _case_body(
    method: str, path: str, f: Fixture, form: dict[str, str], api: bool, n: int
) -> dict[str, Any]:
    """A valid body for a case route (JSON for the API, a form for the pages)."""
    if method == "GET":
        return {}
    v = {"version": 1}
    bodies: dict[str, dict[str, Any]] = {
        "/goals": {"text": "A goal", "expressed_by": "patient"},
        "/problems": {"domain": "social", "text": "A problem"},
        "/team": {"role": "Nurse", "start": "2026-01-01"},
        "/actions": {"text": "An action"},
        "/status": {**v, "status": "accepted"},
        "/consents": {"category": "welfare", "given_on": "2026-01-01"},
        "/priority": {"version": f.case["case_version"], "problem_ids": []},
        "/break-glass": {"reason": "Emergency on the ward tonight", "minutes": 30},
        "/members": {"email": ACCOUNTS["viewer"][0]},
        "/targets/case": {"person_id": "1"},
        "/cases": {"code": f"MX-{n}"},
    }
    if path.endswith("/revoke"):
        return {"params": v} if api else {"data": {"version": "1", **form}}
    if path.endswith("/cases/fhir"):
        patient = {
            "resourceType": "Patient",
            "id": "patient",
            "identifier": [{"system": "urn:mesocare:case-code", "value": f"FX-{n}"}],
        }
        return {
            "json": {
                "resourceType": "Bundle",
                "type": "collection",
                "entry": [{"resource": patient}],
            }
        }
    body = next((b for k, b in bodies.items() if path.endswith(k)), {})
    return {"json": body} if api else {"data": {**body, **form}}


CAFE_IDS = ("workshop_id", "table_id", "pad_id", "point_id", "secret")


def _ids(path: str, f: Fixture) -> dict[str, Any]:
    """The grid's and the world café's ids for a path (both name their workshop ``workshop_id``)."""
    cafe = {k: v for k, v in (f.cafe or {}).items() if k in CAFE_IDS}
    grid = dict(f.grid)
    return {**cafe, **grid} if "/grid/" in path else {**grid, **cafe}


def _cafe_request(method: str, path: str, f: Fixture, form: dict[str, str]) -> dict[str, Any]:
    """A valid form for a workshop or participant route."""
    cafe = f.cafe or {}
    if method == "GET":
        return {}
    bodies: dict[str, dict[str, str]] = {
        "/workshops": {"title": "Another café", "case_study": "Another case"},
        "/edit": {"version": str(cafe["version"]), "title": "Renamed café"},
        "/join-link": {"hours": "2"},
        "/host": {"host_id": str(cafe["participant_id"])},
        "/next": {"version": str(cafe["version"])},
        "/points": {"kind": "take_home", "text": "Another message"},
        "/to": {"version": "1", "destination": "library"},
        "/pad": {"version": str(cafe["pad_version"]), "text": "three"},
    }
    if path == "/cafe/{secret}":
        return {"data": {"name": "Joiner", "profession": "Nurse", "sector": "care", **form}}
    body = next((b for k, b in bodies.items() if path.endswith(k)), {})
    return {"data": {**body, **form}}


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plan_request(
    method: str, path: str, f: Fixture, csrf: str | None, n: int, served: Served
) -> dict[str, Any] | None:
    """A valid body for a plan route (None: not a plan route with a body)."""
    pf = f.plan
    form = {"csrf_token": csrf or ""}
    api = path.startswith("/api/")
    period = {"period_start": "2026-01-01", "period_end": "2026-12-31"}
    if method == "GET" or "plan" not in path:
        return None
    if path.endswith("/plans/import"):
        return {"files": {"file": ("plan.xlsx", _xlsx(served, f), XLSX)}, "data": form}
    if path.endswith("/plans"):
        body = {"title": f"Plan {n}", "template": "blank", **period}
        return {"json": body} if api else {"data": {**body, **form}}
    if path.endswith("/adopt"):
        body = {"version": 1, "decision_ref": f"D{n}"}
        return {"json": body} if api else {"data": {**body, **form}}
    if path.endswith("/needs"):
        return {"data": {"title": "A need", "source": "a consultation", **form}}
    if path.endswith("/items"):
        body = {"level": "strategic", "title": f"S {n}"}
        return {"json": body} if api else {"data": {**body, **form}}
    if path.endswith("/indicators"):
        return {"data": {"name": "An indicator", "targets": "2026=3", **form}}
    if path.endswith("/budget"):
        return {"data": {"label": "L", "funder": "F", "planned_eur": "10", **form}}
    if path.endswith("/actuals"):
        body = {"period": "2026-03", "value": "3"}
        return {"json": body} if api else {"data": {**body, **form}}
    if path.endswith("/submit"):
        return (
            {"json": {"version": pf.draft_version}}
            if api
            else {"data": {"version": str(pf.draft_version), **form}}
        )
    if path.endswith("/review"):
        if api:
            return {"json": {"version": pf.submitted_version, "approve": True}}
        return {"data": {"version": str(pf.submitted_version), "decision": "approve", **form}}
    if path.endswith("/evidence"):
        return {"files": {"file": ("e2.csv", b"x,y\n", "text/csv")}, "data": form}
    if path == "/plans/{plan_id}/edit":
        return {"data": {"version": "1", "title": "Renamed plan", **form}}
    if path == "/plan-items/{item_id}/edit":
        return {"data": {"version": "1", "title": "Renamed action", "status": "ongoing", **form}}
    if method == "PATCH" and "/plan-items/" in path:
        return {"json": {"version": 1, "title": "Renamed"}}
    if method == "PATCH":
        return {"json": {"version": 1, "title": "Renamed"}}
    return None


def _outcome(r: Any, api: bool) -> str:
    loc = r.headers.get("location", "")
    if r.status_code in (200, 201, 204) or (r.status_code == 303 and "/login" not in loc):
        return "ok"
    if r.status_code == 401 or (r.status_code == 303 and loc.startswith("/login")):
        return "login"
    if (r.status_code, api) == (401, False):
        return "login"
    return {403: "deny", 404: "hide", 422: "invalid"}.get(r.status_code, f"status {r.status_code}")


def _client(app: Any, role: str | None) -> tuple[TestClient, str | None, dict[str, str]]:
    c = TestClient(app, base_url="http://testserver", follow_redirects=False)
    if role is None:
        page = c.get("/login")
        return c, csrf_of(page.text), {}
    assert login(c, ACCOUNTS[role][0]).status_code == 303
    page = c.get("/account")
    return c, csrf_of(page.text), {}


def test_every_route_is_in_the_matrix(app: Any) -> None:
    from mesocare.web.app import route_table

    routes = set(route_table(app))
    missing = sorted(routes - set(MATRIX))
    stale = sorted(set(MATRIX) - routes)
    assert not missing, f"routes without an expected answer in MATRIX: {missing}"
    assert not stale, f"MATRIX lists routes the app does not have: {stale}"


def _changes(method: str, path: str, want: str) -> bool:
    """Whether a request may change the records it is made on, so that it needs its own: a
    change that is to be allowed. A read (GET, which at most audits) or a change that is to be
    refused (deny, hide, login, invalid: its transaction is rolled back) shares the zone's
    records; if the app wrongly allowed one, the matrix reports that request first."""
    if path == "/logout" or "/cafe/" in path:
        return True
    return method != "GET" and want == "ok"


@pytest.mark.slow
def test_authorisation_matrix(served: Served, app: Any) -> None:
    tokens = served.tokens
    failures: list[str] = []
    n = 0
    clients: dict[str | None, tuple[TestClient, str | None, dict[str, str]]] = {}
    last_token = ""
    #: per zone, records shared by the requests that change nothing (see _changes)
    readable: dict[str, Fixture] = {}
    for (method, path), case in sorted(MATRIX.items()):
        api = path.startswith("/api/")
        zoned = "{zone}" in path or "_id}" in path
        for role in (None, *ROLES, PARTICIPANT):
            for own in (True, False) if zoned else (True,):
                n += 1
                guest = role == PARTICIPANT
                if guest:
                    want = case.participant(role, own) if case.participant else case.anonymous
                else:
                    want = case.anonymous if role is None else case.rule(role, own)
                # a participant's token is always of a workshop of the own zone: the route's
                # own ("own"), or the one made for the request before ("other")
                zone = OWN if own or guest else OTHER
                if guest or _changes(method, path, want):
                    f = _fresh(served, zone, n)
                else:  # a read, or a change to be refused: the zone's records for reading
                    if zone not in readable:
                        readable[zone] = _fresh(served, zone, n)
                    f = readable[zone]
                key = None if api and not guest else role
                if key not in clients:
                    clients[key] = _client(app, None if guest else key)
                c, csrf, _h = clients[key]
                if guest:
                    token = (f.cafe or {})["token"] if own else last_token
                    c.cookies.set("mc_cafe", token)
                    last_token = (f.cafe or {})["token"]
                account = role if role in ROLES else None
                headers = {"Authorization": f"Bearer {tokens[account]}"} if api and account else {}
                r = c.request(**_request(method, path, f, csrf, n, served), headers=headers)
                if path in ("/logout", "/login"):  # its session changed: log in again next time
                    clients.pop(key).__getitem__(0).close()
                got = _outcome(r, api)
                if got != want:
                    failures.append(
                        f"{method} {path} as {role or 'anonymous'} on "
                        f"{'own' if own else 'other'} zone: expected {want}, got {got}"
                    )
    for c, _csrf, _h in clients.values():
        c.close()
    assert not failures, "\n".join(failures)
