"""Who sees what of a case (:mod:`mesocare.services.platform.case_access`), on hand-built facts:
the team, not the zone; within the consent; emergency access limited in time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from mesocare.organisation.cases import CATEGORIES
from mesocare.organisation.roles import Grant, Role, Scope
from mesocare.services.platform.access import Access, Principal
from mesocare.services.platform.case_access import (
    CaseAccess,
    CaseFacts,
    Consent,
    Glass,
    Reach,
    Seat,
)

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
COORD, NURSE, WELFARE, ZONE_COORD, ADMIN, STRANGER = 1, 2, 3, 4, 5, 6


class Flat:
    def ancestors(self, territory: str, unit: str) -> list[str]:
        return [unit, "R"] if territory == "t" else []


def user(uid: int, *grants: tuple[str, str | None]) -> CaseAccess:
    gs = tuple(
        Grant(role=Role(r), scope=Scope() if u is None else Scope(territory="t", unit=u))
        for r, u in grants
    )
    return CaseAccess(Access(Principal(uid, f"u{uid}@x.org", gs), Flat()))


def case(**kw: object) -> CaseFacts:
    base: dict[str, object] = {
        "territory": "t",
        "zone": "Z1",
        "coordinator_id": COORD,
        "seats": (
            Seat(NURSE, "primary_care", date(2026, 1, 1)),
            Seat(WELFARE, "welfare", date(2026, 1, 1), date(2026, 12, 31)),
        ),
        "consents": (
            Consent("primary_care", date(2026, 1, 1)),
            Consent("welfare", date(2026, 1, 1), date(2026, 12, 31)),
        ),
    }
    base.update(kw)
    return CaseFacts(**base)  # type: ignore[arg-type]


def test_the_team_reaches_the_case_not_the_zone() -> None:
    c = case()
    assert user(COORD, ("member", "Z1")).reach(c, NOW) == Reach.COORDINATOR
    assert user(NURSE).reach(c, NOW) == Reach.TEAM
    assert user(WELFARE).reach(c, NOW) == Reach.TEAM
    # a coordinator of the zone, an admin everywhere, a stranger: no
    assert user(ZONE_COORD, ("coordinator", "Z1")).reach(c, NOW) is None
    assert user(ADMIN, ("admin", None)).reach(c, NOW) is None
    assert not user(STRANGER, ("member", "Z1")).can_read(c, NOW)
    assert CaseAccess(Access(None, Flat())).reach(c, NOW) is None


def test_a_team_member_only_during_their_period() -> None:
    c = case(seats=(Seat(NURSE, "primary_care", date(2026, 7, 1), date(2026, 8, 31)),))
    nurse = user(NURSE)
    assert not nurse.can_read(c, NOW)
    assert nurse.can_read(c, NOW.replace(month=7))
    assert not nurse.can_read(c, NOW.replace(month=9))


def test_content_within_the_consent() -> None:
    c = case()
    welfare, nurse = user(WELFARE), user(NURSE)
    assert welfare.sees(c, ["welfare"], NOW)
    assert not welfare.sees(c, ["primary_care"], NOW)
    assert nurse.sees(c, ["primary_care", "welfare"], NOW)
    assert user(COORD).sees(c, [], NOW)  # the coordinator sees all, even unshared notes
    # revoked: the welfare member sees nothing of what was shared with welfare, at once
    revoked = case(
        consents=(
            Consent("primary_care", date(2026, 1, 1)),
            Consent("welfare", date(2026, 1, 1), None, NOW - timedelta(seconds=1)),
        )
    )
    assert not welfare.sees(revoked, ["welfare"], NOW)
    assert welfare.categories(revoked, NOW) == set()
    assert welfare.can_read(revoked, NOW)  # still on the team: the case, not its content
    assert not welfare.can_contribute(revoked, NOW)
    # expired the day after its last day
    assert welfare.sees(c, ["welfare"], datetime(2026, 12, 31, 23, tzinfo=UTC))
    expired = case(seats=(Seat(WELFARE, "welfare", date(2026, 1, 1)),))
    assert not welfare.sees(expired, ["welfare"], datetime(2027, 1, 1, 1, tzinfo=UTC))


def test_break_the_glass_is_limited_in_time_and_for_the_zone() -> None:
    c = case()
    other = user(STRANGER, ("member", "Z1"))
    assert other.can_break_glass(c, NOW)
    assert not user(STRANGER, ("member", "Z2")).can_break_glass(c, NOW)
    assert not user(STRANGER, ("viewer", "Z1")).can_break_glass(c, NOW)
    assert not user(STRANGER, ("analyst", "Z1")).can_break_glass(c, NOW)
    assert not user(NURSE, ("member", "Z1")).can_break_glass(c, NOW)  # already on the team
    glassed = case(glasses=(Glass(STRANGER, NOW + timedelta(minutes=30)),))
    assert other.reach(glassed, NOW) == Reach.EMERGENCY
    assert other.sees(glassed, ["hospital"], NOW)
    assert not other.can_contribute(glassed, NOW)
    assert not other.can_export_access_log(glassed, NOW)
    assert other.reach(glassed, NOW + timedelta(minutes=30)) is None


def test_only_the_coordinator_manages() -> None:
    c = case()
    assert user(COORD).can_manage(c, NOW)
    assert not user(NURSE).can_manage(c, NOW)
    assert user(NURSE).can_contribute(c, NOW)
    assert user(NURSE).can_export_access_log(c, NOW)


def test_who_opens_a_case() -> None:
    assert user(1, ("member", "Z1")).can_open_case("t", "Z1")
    assert user(1, ("coordinator", "Z1")).can_open_case("t", "Z1")
    assert not user(1, ("viewer", "Z1")).can_open_case("t", "Z1")
    assert not user(1, ("analyst", "Z1")).can_open_case("t", "Z1")
    assert not user(1, ("member", "Z2")).can_open_case("t", "Z1")


cats = st.lists(st.sampled_from(CATEGORIES), max_size=3, unique=True)


@given(
    mine=st.sampled_from(CATEGORIES),
    consented=cats,
    shared=cats,
    revoked=st.booleans(),
)
def test_a_member_sees_exactly_what_is_shared_and_consented(
    mine: str, consented: list[str], shared: list[str], revoked: bool
) -> None:
    c = case(
        seats=(Seat(NURSE, mine, date(2026, 1, 1)),),
        consents=tuple(
            Consent(k, date(2026, 1, 1), None, NOW if revoked else None) for k in consented
        ),
    )
    expected = mine in shared and mine in consented and not revoked
    assert user(NURSE).sees(c, shared, NOW) == expected
    # the zone's coordinator never sees it, whatever the consent
    assert not user(ZONE_COORD, ("coordinator", "Z1")).sees(c, shared, NOW)
