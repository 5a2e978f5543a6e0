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


def _zorgraad_and_plan(live: Any) -> tuple[int, int]:
    """A full zorgraad of the zone (seated as before) and a draft plan of the zone; their ids."""
    from datetime import date

    from mesocare.organisation.governance_records import BodyCreate
    from mesocare.organisation.plans import PlanCreate
    from mesocare.services.platform import accounts as A
    from mesocare.services.platform import governance as G
    from mesocare.services.platform import plans as P
    from mesocare.services.platform.records import Ctx

    p = live.served.platform
    with p.session(write=True) as s:
        c = Ctx(p.access(A.principal_of(A.get_user(s, ACCOUNTS["coordinator"][0]))), "browser")
        entry = p.entry(TERRITORY)
        body = G.create_body(
            s, entry, ZONE, BodyCreate(template="zorgraad", organ="council", name="Zorgraad"), c
        )
        plan = P.create_plan(
            s,
            entry,
            ZONE,
            PlanCreate(
                title="Loco-regional plan 2027-2029",
                period_start=date(2027, 1, 1),
                period_end=date(2029, 12, 31),
            ),
            c,
        )
        ids = body.id, plan.id
    _seat_the_rest(live, ids[0], 0)
    return ids


def test_a_coordinator_has_the_zorgraad_adopt_the_action_plan(browser, live) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    shots = Shots(_folder())
    shots.folder.mkdir(parents=True, exist_ok=True)
    for old in shots.folder.glob("*-adopt-*.png"):
        old.unlink()
    body_id, plan_id = _zorgraad_and_plan(live)
    console = Console()
    ctx = _context(browser, live)
    page = console.watch(ctx.new_page())
    page.goto(f"/plans/{plan_id}")
    _login(page, ACCOUNTS["coordinator"][0])

    # 1. the plan page: a draft; the coordinator submits it for adoption (its version 2)
    page.get_by_label("Status").select_option("submitted")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the plan").click()
    assert "Status\nsubmitted" in page.locator(".mc-facts").inner_text()
    shots.take(page, "adopt-plan-submitted")

    # 2. the zorgraad's meeting, from the zone's governance tab
    page.locator("nav.mc-zone a[href$='/governance']").click()
    page.locator(f"a[href='/governance/bodies/{body_id}']").first.click()
    page.get_by_label("Date").fill("2026-12-03")
    page.get_by_label("Title").fill("Zorgraad, December")
    with page.expect_navigation():
        page.get_by_role("button", name="Plan the meeting").click()
    meeting_url = page.url.split("?")[0]

    # 3. an agenda item whose decision adopts the plan, at the version submitted
    adopts = page.get_by_label("This decision adopts the action plan (optional)")
    options = adopts.locator("option").all_inner_texts()
    assert options == ["no plan", "Loco-regional plan 2027-2029 — submitted, version 2"], options
    page.get_by_label("Title").fill("The action plan 2027-2029")
    adopts.select_option(label="Loco-regional plan 2027-2029 — submitted, version 2")
    _not_too_wide(page)
    shots.take(page, "adopt-item-form")
    with page.expect_navigation():
        page.get_by_role("button", name="Add the item").click()
    subject = page.locator(".mc-subject").inner_text()
    assert subject == "This decision adopts the action plan Loco-regional plan 2027-2029, version 2"
    assert "Adopt the action plan at version 2" in page.locator(".mc-decision").inner_text()

    # 4. the plan page says where it was submitted, with a link to the meeting
    page.locator(".mc-subject a").click()
    page.wait_for_url(f"**/plans/{plan_id}")
    said = page.locator("#plan-decisions").inner_text()
    assert said == "submitted to Zorgraad on 3 December 2026 (version 2) — Zorgraad, December", said
    shots.take(page, "adopt-plan-on-agenda")
    page.locator("#plan-decisions a").click()
    page.wait_for_url(f"**{meeting_url[-30:]}*")

    # 5. the votes: a majority in all four clusters (one against in each of the first three)
    for names in PEOPLE.values():
        for name in names:
            page.get_by_label(f"{name}: for", exact=True).check()
    for name in ("An Peeters", "Els Wouters", "Ilse Goossens"):
        page.get_by_label(f"{name}: against", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Record the votes").click()
    assert page.locator(".mc-decision .mc-badge").inner_text() == "passed"
    assert page.locator("table.mc-tally tr.mc-failing").count() == 0
    assert page.locator(".mc-subject").inner_text().endswith("— adopted")
    assert page.locator("form.mc-votes").count() == 0  # an adopting decision is final
    _not_too_wide(page)
    shots.take(page, "adopt-decision-passed")

    # 6. the plan is adopted at the version decided; no longer offered for adoption
    page.locator(".mc-subject a").click()
    page.wait_for_url(f"**/plans/{plan_id}")
    facts = page.locator(".mc-facts").inner_text()
    assert "adopted — at version 2" in facts, facts
    said = page.locator("#plan-decisions").inner_text()
    assert said.startswith("adopted by decision ") and said.endswith(
        " of Zorgraad on 3 December 2026, at version 2 — Zorgraad, December"
    ), said
    _not_too_wide(page)
    assert page.get_by_role("button", name="Mark as adopted").count() == 0
    shots.take(page, "adopt-plan-adopted")
    page.goto(meeting_url)
    assert page.get_by_label("This decision adopts the action plan (optional)").locator(
        "option"
    ).all_inner_texts() == ["no plan"]
    ctx.close()
    assert console.problems() == [], console.messages
