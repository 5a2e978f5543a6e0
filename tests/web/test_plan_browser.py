"""A plan in a real browser, from the zone's diagnosis to an approved actual, with screenshots
(``$MESOCARE_SCREENSHOTS/plans``, else ``/tmp/mesocare-screenshots/plans``): the coordinator drafts
a plan from the diagnosis, adds an objective and an action, assigns it to a member and gives it an
indicator; the member enters and submits an actual; the coordinator approves it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from tests.platform_fixtures import ACCOUNTS
from tests.web.test_browser import (
    Console,
    Shots,
    _context,
    _draw_every_figure,
    _login,
    _not_too_wide,
    browser,  # noqa: F401  (a fixture)
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _shots() -> Shots:
    env = os.environ.get("MESOCARE_SCREENSHOTS")
    root = Path(env) if env else Path(os.environ.get("TMPDIR", "/tmp")) / "mesocare-screenshots"
    shots = Shots(root / "plans")
    shots.folder.mkdir(parents=True, exist_ok=True)
    for old in shots.folder.glob("*.png"):
        old.unlink()
    print(f"\nscreenshots in {shots.folder}")
    return shots


def _logout(page: Any) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Log out").click()


def test_from_the_diagnosis_to_an_approved_actual(browser, live) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    shots = _shots()
    console = Console()
    ctx = _context(browser, live)
    page = console.watch(ctx.new_page())
    page.goto("/login")
    _login(page, ACCOUNTS["coordinator"][0])

    # the zone's diagnosis, then its action plans
    page.goto("/t/leuven/z/Z01")
    page.get_by_role("link", name="Action plans").click()
    assert page.locator("h1").inner_text() == "Action plans"
    assert "no action plan yet" in page.content()
    _not_too_wide(page)
    shots.take(page, "plans-empty")

    # a new plan, its needs drafted from the diagnosis
    page.get_by_label("Title").fill("Zorgzaam Z01 2027–2029")
    page.get_by_label("Template").select_option("integreo")
    with page.expect_navigation():
        page.get_by_role("button", name="Create the plan").click()
    assert page.locator("h1").inner_text() == "Zorgzaam Z01 2027–2029"
    needs = page.locator("#needs tbody tr")
    assert needs.count() >= 1 and "GP shortage" in page.locator("#needs").inner_text()
    shots.take(page, "plan-drafted")

    # an operational objective under S1, then an action under it
    form = page.locator("form[action$='/items']")
    form.get_by_label("Add").select_option("operational")
    form.get_by_label("under").select_option(label="S1 Identify and follow the people at risk")
    form.get_by_label("Title").fill("Every frail older person has a care coordinator")
    with page.expect_navigation():
        form.get_by_role("button", name="Add").click()
    form = page.locator("form[action$='/items']")
    form.get_by_label("Add").select_option("action")
    form.get_by_label("under").select_option(
        label="S1.1 Every frail older person has a care coordinator"
    )
    form.get_by_label("Title").fill("Screen people over 75 in every practice")
    with page.expect_navigation():
        form.get_by_role("button", name="Add").click()
    assert "S1.1.1" in page.locator("#logframe").inner_text()

    # the action: the member responsible, dates, a status, a need it answers
    page.locator("#logframe tr", has_text="S1.1.1").get_by_role("link", name="edit").click()
    page.get_by_label("Responsible member (enters the actuals)").select_option(
        ACCOUNTS["member"][0]
    )
    page.get_by_label("Start").fill("2027-02-01")
    page.get_by_label("End").fill("2027-12-31")
    page.get_by_label("Status").select_option("ongoing")
    page.get_by_label("Needs it answers").select_option(index=0)
    _not_too_wide(page)
    shots.take(page, "action-form")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Saved.").is_visible()

    # an indicator of the action, with yearly targets
    form = page.locator("form[action$='/indicators']")
    form.get_by_label("For the objective or action").select_option(
        label="S1.1.1 Screen people over 75 in every practice"
    )
    form.get_by_label("Name").fill("People over 75 screened")
    form.get_by_label("Unit").fill("persons")
    form.get_by_label("Baseline", exact=True).fill("0")
    form.get_by_label("Targets (period=value").fill("2027=600, 2028=1200")
    with page.expect_navigation():
        form.get_by_role("button", name="Add the indicator").click()
    assert "People over 75 screened" in page.locator("#indicators").inner_text()
    _draw_every_figure(page)
    _not_too_wide(page)
    shots.take(page, "plan-with-action")
    indicator_url = page.locator("#indicators a", has_text="People over 75 screened").get_attribute(
        "href"
    )
    _logout(page)

    # the member enters the actual and submits it
    _login(page, ACCOUNTS["member"][0])
    page.goto(indicator_url)
    page.get_by_label("Period").fill("2027")
    page.get_by_label("Value").fill("540")
    page.get_by_label("Comment").last.fill("Counted in the practices' records")
    with page.expect_navigation():
        page.get_by_role("button", name="Save as draft").click()
    page.get_by_label("Evidence file").set_input_files(
        files=[
            {"name": "count.csv", "mimeType": "text/csv", "buffer": b"practice,screened\nA,540\n"}
        ]
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Attach").click()
    assert "count.csv" in page.locator("#actuals").inner_text()
    shots.take(page, "member-draft")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit for approval").click()
    assert "submitted" in page.locator("#actuals").inner_text()
    assert page.get_by_role("button", name="Approve").count() == 0
    shots.take(page, "member-submitted")
    _logout(page)

    # the coordinator approves it; the plan shows it, off target (540 of 600)
    _login(page, ACCOUNTS["coordinator"][0])
    page.goto(indicator_url)
    with page.expect_navigation():
        page.get_by_role("button", name="Approve").click()
    assert "approved" in page.locator("#actuals").inner_text()
    _draw_every_figure(page)
    _not_too_wide(page)
    shots.take(page, "approved")
    page.get_by_role("link", name="Back to the plan").click()
    row = page.locator("#indicators tr", has_text="People over 75 screened")
    assert "off target" in row.inner_text()
    page.get_by_label("Decision reference").fill("Zorgraad 2027/02")
    with page.expect_navigation():
        page.get_by_role("button", name="Mark as adopted").click()
    assert page.get_by_text("Adopted.").is_visible()
    assert "Zorgraad 2027/02" in page.locator(".mc-facts").inner_text()
    _draw_every_figure(page)
    shots.take(page, "plan-adopted")
    assert console.problems() == [], console.problems()
