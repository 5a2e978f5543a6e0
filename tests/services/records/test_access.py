"""Access decisions on a hand-built hierarchy (region R → zones A, B → networks A1, A2, B1), and
invariants: nothing outside a scope, grants never widen."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mesocare.organisation.roles import GRANTABLE, Grant, Role, Scope
from mesocare.services.platform.access import Access, Principal

PARENTS = {"R": None, "A": "R", "B": "R", "A1": "A", "A2": "A", "B1": "B"}
UNITS = list(PARENTS)
ZONES = ["A", "B"]


class Tree:
    def ancestors(self, territory: str, unit: str) -> list[str]:
        if territory != "t":
            return []
        out, cur = [], unit
        while cur is not None and cur in PARENTS:
            out.append(cur)
            cur = PARENTS[cur]
        return out


def who(*grants: tuple[str, str | None]) -> Access:
    gs = tuple(
        Grant(role=Role(r), scope=Scope() if u == "*" else Scope(territory="t", unit=u))
        for r, u in grants
    )
    return Access(Principal(1, "u@x.org", gs), Tree())


def test_nobody_reads_or_edits() -> None:
    a = Access(None, Tree())
    assert not a.can_read_zone("t", "A")
    assert not a.can_read_figures("t", "A")
    assert not a.can_edit_records("t", "A")


def test_coordinator_of_a_zone() -> None:
    a = who(("coordinator", "A"))
    assert a.can_read_zone("t", "A") and a.can_edit_records("t", "A", "A1")
    assert not a.can_read_zone("t", "B") and not a.can_edit_records("t", "B")
    assert a.can_manage_members("t", "A") and not a.can_manage_members("t", "B")
    assert a.can_grant(Role.MEMBER, Scope(territory="t", unit="A1"))
    assert a.can_grant(Role.COORDINATOR, Scope(territory="t", unit="A"))
    assert not a.can_grant(Role.ADMIN, Scope(territory="t", unit="A"))
    assert not a.can_grant(Role.ANALYST, Scope(territory="t", unit="A"))
    assert not a.can_grant(Role.MEMBER, Scope(territory="t", unit="B"))
    assert not a.can_grant(Role.MEMBER, Scope(territory="t", unit="R"))
    assert not a.can_grant(Role.MEMBER, Scope(territory="t"))  # the whole territory is wider
    assert not a.can_grant(Role.MEMBER, Scope(territory="other", unit="A"))


def test_network_member_reads_its_zone_edits_only_assigned() -> None:
    a = who(("member", "A1"))
    assert a.can_read_zone("t", "A") and not a.can_read_zone("t", "B")
    assert not a.can_edit_records("t", "A", "A1")
    assert a.can_edit_actor("t", "A", "A1", assignee_id=1)
    assert not a.can_edit_actor("t", "A", "A1", assignee_id=2)
    assert not a.can_grant(Role.VIEWER, Scope(territory="t", unit="A1"))


def test_analyst_reads_figures_not_records() -> None:
    a = who(("analyst", "R"))
    assert all(a.can_read_figures("t", z) for z in ZONES)
    assert not any(a.can_read_zone("t", z) for z in ZONES)
    assert not a.can_edit_records("t", "A")


def test_admin_everywhere() -> None:
    a = who(("admin", "*"))
    assert a.is_admin and a.can_read_audit_log()
    assert a.can_edit_records("t", "B", "B1") and a.can_grant(Role.ADMIN, Scope())


ROLE = st.sampled_from(list(Role))
UNIT = st.sampled_from(UNITS)


@given(st.lists(st.tuples(ROLE, UNIT), max_size=4), UNIT, st.sampled_from(ZONES))
def test_edits_stay_inside_the_scopes_held(grants, target, zone) -> None:
    a = who(*[(r.value, u) for r, u in grants])
    tree = Tree()
    if a.can_edit_records("t", zone, None):
        assert any(
            r in (Role.ADMIN, Role.COORDINATOR) and u in tree.ancestors("t", zone)
            for r, u in grants
        )
    if a.can_read_zone("t", zone):
        assert any(
            u in tree.ancestors("t", zone) or zone in tree.ancestors("t", u) for _r, u in grants
        )


@given(st.lists(st.tuples(ROLE, UNIT), max_size=4), ROLE, UNIT)
def test_a_grant_never_widens(grants, role, unit) -> None:
    """Whoever may grant ``role`` on ``unit`` holds a role that passes it on, covering ``unit``."""
    a = who(*[(r.value, u) for r, u in grants])
    if a.can_grant(role, Scope(territory="t", unit=unit)):
        assert any(role in GRANTABLE[r] and u in Tree().ancestors("t", unit) for r, u in grants)


def test_governance_is_managed_by_the_zones_coordinators_and_read_by_its_people() -> None:
    for grants, reads, manages in [
        ((("coordinator", "A"),), True, True),
        ((("admin", "*"),), True, True),
        ((("member", "A"),), True, False),
        ((("viewer", "A"),), True, False),
        ((("member", "A1"),), True, False),  # a network's member reads its zone's governance
        ((("coordinator", "A1"),), True, False),  # a network's coordinator does not manage it
        ((("analyst", "R"),), False, False),  # analysts read figures, not governance
        ((("coordinator", "B"),), False, False),
    ]:
        a = who(*grants)
        assert a.can_read_governance("t", "A") is reads, grants
        assert a.can_manage_governance("t", "A") is manages, grants


def test_plans_are_zone_records() -> None:
    coord, member, viewer, analyst = (
        who(("coordinator", "A")),
        who(("member", "A1")),
        who(("viewer", "A")),
        who(("analyst", "R")),
    )
    assert coord.can_edit_plan("t", "A") and coord.can_review_actual("t", "A")
    assert not coord.can_edit_plan("t", "B")
    for a in (member, viewer):
        assert a.can_read_plan("t", "A") and not a.can_edit_plan("t", "A")
        assert not a.can_review_actual("t", "A")
    assert not analyst.can_read_plan("t", "A") and analyst.can_read_plan_figures("t", "A")
    assert not analyst.can_edit_plan("t", "A")
    # actuals: a member of the zone for an action they are responsible for (user id 1)
    assert member.can_enter_actual("t", "A", {1})
    assert not member.can_enter_actual("t", "A", {2})
    assert not member.can_enter_actual("t", "B", {1})
    assert not viewer.can_enter_actual("t", "A", {1})  # a viewer only reads
    assert not analyst.can_enter_actual("t", "A", {1})
    assert coord.can_enter_actual("t", "A", set())
