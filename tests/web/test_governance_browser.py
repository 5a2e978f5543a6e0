"""A coordinator sets up the zone's zorgraad in a real browser: the governance tab, a body from the
zorgraad template, seats refused beyond the rule (the message names the cluster), members seated,
a meeting with a motion, the votes recorded with each cluster's tally and the outcome, and two
tabs recording votes at once (the second gets a conflict). Screenshots go to
``$MESOCARE_SCREENSHOTS/governance`` (else ``/tmp/mesocare-screenshots/governance``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from tests.platform_fixtures import ACCOUNTS, TERRITORY
from tests.web.test_browser import (  # noqa: F401  (the browser fixture)
    Console,
    Shots,
    _context,
    _login,
    _not_too_wide,
    browser,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ZONE = "Z01"
PEOPLE = {
    "care_providers": ["An Peeters", "Bart Janssens", "Chloé Maes", "Dirk Claes"],
    "welfare": ["Els Wouters", "Filip Mertens", "Greet Jacobs", "Hans Willems"],
    "local_government": ["Ilse Goossens", "Jan Dubois", "Karen Lambert", "Luc Vermeulen"],
    "patients": ["Marie Hermans", "Nico Aerts"],
}


def _folder() -> Path:
    env = os.environ.get("MESOCARE_SCREENSHOTS")
    root = Path(env) if env else Path(os.environ.get("TMPDIR", "/tmp")) / "mesocare-screenshots"
    return root / "governance"


def _seat_the_rest(live: Any, body_id: int, skip: int) -> None:
    """Seat the members not seated through the form (as a coordinator would, one by one)."""
    from mesocare.organisation.governance_records import MemberCreate
    from mesocare.services.platform import accounts as A
    from mesocare.services.platform import governance as G
    from mesocare.services.platform.records import Ctx

    p = live.served.platform
    with p.session(write=True) as s:
        c = Ctx(p.access(A.principal_of(A.get_user(s, ACCOUNTS["coordinator"][0]))), "browser")
        people = [(k, n) for k, names in PEOPLE.items() for n in names][skip:]
        for cluster, name in people:
            G.add_member(s, body_id, MemberCreate(cluster=cluster, name=name), c)


def test_a_coordinator_sets_up_the_zorgraad_and_records_a_decision(browser, live) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    shots = Shots(_folder())
    shots.folder.mkdir(parents=True, exist_ok=True)
    for old in shots.folder.glob("*.png"):
        old.unlink()
    print(f"\nscreenshots in {shots.folder}")
    console = Console()
    ctx = _context(browser, live)
    page = console.watch(ctx.new_page())
    page.goto(f"/t/{TERRITORY}/z/{ZONE}")
    _login(page, ACCOUNTS["coordinator"][0])

    # 1. the zone's governance tab: no body yet; set up the zorgraad
    page.locator("nav.mc-zone a[href$='/governance']").click()
    page.wait_for_url(f"**/z/{ZONE}/governance")
    assert "This zone has no governance body yet." in page.inner_text("body")
    _not_too_wide(page)
    shots.take(page, "no-body")
    page.get_by_label("Kind").select_option("zorgraad/council")
    page.get_by_label("Name").fill("Zorgraad Leuven")
    with page.expect_navigation():
        page.get_by_role("button", name="Set up the body").click()
    assert page.locator("h1").inner_text() == "Zorgraad Leuven"
    assert page.locator(".mc-message").inner_text() == "Saved."
    assert "14 seats are vacant." in page.locator(".mc-compliant").inner_text()
    body_id = int(page.url.split("?")[0].rsplit("/", 1)[1])
    _not_too_wide(page)
    shots.take(page, "body-new")

    # 2. more seats than the rule allows: refused, naming the cluster and the rule
    page.get_by_label("Seats of Patients, informal carers and volunteers").fill("4")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the seats").click()
    error = page.locator(".mc-error").inner_text()
    assert "Patients, informal carers and volunteers" in error and "more than the 3" in error
    _not_too_wide(page)
    shots.take(page, "seats-refused")

    # 3. seat two members through the form, the rest as the same coordinator did before
    for cluster, name in (("care_providers", "An Peeters"), ("care_providers", "Bart Janssens")):
        page.goto(f"/governance/bodies/{body_id}")
        page.get_by_label("Cluster").select_option(cluster)
        page.get_by_label("Name").fill(name)
        with page.expect_navigation():
            page.get_by_role("button", name="Seat the member").click()
        assert page.locator(".mc-message").inner_text() == "The member is seated."
    _seat_the_rest(live, body_id, 2)
    page.goto(f"/governance/bodies/{body_id}")
    assert page.locator(".mc-compliant").inner_text() == "The composition complies with the rules."
    # a full cluster cannot be chosen for a new member
    assert page.locator("select[name=cluster] option[value=welfare]").is_disabled()
    _not_too_wide(page)
    shots.take(page, "body-complete")

    # 4. a meeting, a motion on its agenda
    page.get_by_label("Date").fill("2026-11-05")
    page.get_by_label("Title").fill("Zorgraad, November")
    with page.expect_navigation():
        page.get_by_role("button", name="Plan the meeting").click()
    meeting_url = page.url.split("?")[0]
    page.get_by_label("Title").fill("Priorities for 2027")
    page.get_by_label("Motion to vote on (optional)").fill("Adopt access to a GP as a priority.")
    with page.expect_navigation():
        page.get_by_role("button", name="Add the item").click()
    assert "no votes recorded yet" in page.inner_text("body")
    _not_too_wide(page)
    shots.take(page, "meeting-agenda")

    # 5. the votes: everyone for, but the patients split 1-1: not passed, the patients failing
    def vote(p: Any, name: str, choice: str) -> None:
        p.get_by_label(f"{name}: {choice}", exact=True).check()

    for names in PEOPLE.values():
        for name in names:
            vote(page, name, "for")
    vote(page, "Nico Aerts", "against")
    with page.expect_navigation():
        page.get_by_role("button", name="Record the votes").last.click()
    assert page.locator(".mc-message").inner_text() == "The votes are recorded."
    assert page.locator(".mc-decision .mc-badge").inner_text() == "not passed"
    failing = page.locator("table.mc-tally tr.mc-failing")
    assert failing.count() == 1 and "Patients" in failing.inner_text()
    reason = page.locator(".mc-reasons").inner_text()
    assert reason == "Patients, informal carers and volunteers: no majority (1 for, 2 needed)"
    _not_too_wide(page)
    shots.take(page, "decision-failed")

    # 6. two tabs correct the votes at once: the second is refused, and shows the votes now
    other = console.watch(ctx.new_page())
    other.goto(meeting_url)
    page.locator("summary", has_text="Correct the votes").click()
    vote(page, "Nico Aerts", "for")
    with page.expect_navigation():
        page.get_by_role("button", name="Record the votes").last.click()
    assert page.locator(".mc-decision .mc-badge").inner_text() == "passed"
    assert page.locator("table.mc-tally tr.mc-failing").count() == 0
    _not_too_wide(page)
    shots.take(page, "decision-passed")
    other.locator("summary", has_text="Correct the votes").click()
    vote(other, "Marie Hermans", "abstain")
    with other.expect_response(lambda r: r.request.method == "POST") as answer:
        other.get_by_role("button", name="Record the votes").last.click()
    assert answer.value.status == 409
    assert "yours are not saved" in other.locator(".mc-error").inner_text()
    assert other.get_by_label("Nico Aerts: for", exact=True).is_checked()
    _not_too_wide(other)
    shots.take(other, "votes-conflict")
    other.close()
    ctx.close()

    # 7. a viewer of the zone reads the body and the decision, without any form
    ctx = _context(browser, live)
    page = console.watch(ctx.new_page())
    page.goto(meeting_url)
    _login(page, ACCOUNTS["viewer"][0])
    assert page.locator(".mc-decision .mc-badge").inner_text() == "passed"
    assert page.locator("form.mc-votes").count() == 0
    _not_too_wide(page)
    shots.take(page, "viewer-meeting")
    ctx.close()
    assert console.problems(allow=(r"status of 409", r"status of 422")) == [], console.messages
