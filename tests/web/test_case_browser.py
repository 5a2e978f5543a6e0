"""A case in a real browser, as a social nurse and a welfare worker use it, with screenshots.

The nurse (a member of the zone) opens a case, writes the patient's goal and two problems, adds
the welfare worker to the team, records the consent and refers; the welfare worker, in a browser
of their own, accepts and reports the result back; the zone's coordinator, not on the team, is
refused and breaks the glass; the nurse sees the flag and the access log. Screenshots go to
``$MESOCARE_SCREENSHOTS/cases`` (else ``/tmp/mesocare-screenshots/cases``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from tests.platform_fixtures import ACCOUNTS, PASSWORD
from tests.web.test_browser import (  # noqa: F401 (the browser fixture)
    Console,
    Shots,
    _context,
    _login,
    _not_too_wide,
    browser,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
NURSE = ACCOUNTS["member"][0]
WELFARE = "welfare.worker@test.mesocare.org"


def _shots() -> Path:
    env = os.environ.get("MESOCARE_SCREENSHOTS")
    root = Path(env) if env else Path(os.environ.get("TMPDIR", "/tmp")) / "mesocare-screenshots"
    return root / "cases"


def _welfare_worker(live: Any) -> None:
    from mesocare.organisation.roles import Scope
    from mesocare.services.platform import accounts as A

    with live.served.platform.session(write=True) as s:
        A.create_user(s, WELFARE, PASSWORD, by=None, request_id="t", display_name="Welfare worker")
        A.grant(
            s, WELFARE, "member", Scope(territory="leuven", unit="Z01"), access=None, request_id="t"
        )


def _open(page: Any, summary: str) -> None:
    page.locator("summary", has_text=summary).click()


def test_a_case_from_goals_to_the_result_reported_back(browser, live) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    shots = Shots(_shots())
    shots.folder.mkdir(parents=True, exist_ok=True)
    _welfare_worker(live)
    console = Console()
    nurse_ctx = _context(browser, live)
    page = console.watch(nurse_ctx.new_page())
    page.goto("/login")
    _login(page, NURSE)
    page.goto("/cases")
    shots.take(page, "my-cases-empty")
    page.get_by_role("link", name="Open a case in").first.click()
    shots.take(page, "open-a-case")
    page.get_by_role("button", name="Open the case").click()
    page.wait_for_url("**/cases/*")
    shots.take(page, "case-opened")
    case_url = page.url.split("?")[0]

    _open(page, "Add a goal")
    page.get_by_label("The goal, in the patient's words").fill(
        "Ik wil weer zelf boodschappen kunnen doen"
    )
    page.get_by_role("button", name="Add the goal").click()
    page.wait_for_url("**message=saved")
    for domain, text, code in (
        ("social", "Achterstand met de huur", "Z01"),
        ("somatic", "Suiker slecht geregeld", "T90"),
    ):
        _open(page, "Add a problem")
        form = page.locator("form[action$='/problems']")
        form.get_by_label("Domain").select_option(domain)
        form.get_by_label("The problem, as the patient sees it").fill(text)
        form.get_by_label("ICPC-2 code (optional)").select_option(code)
        form.get_by_role("button", name="Add the problem").click()
        page.wait_for_url("**message=saved")
    _open(page, "Add someone to the team")
    form = page.locator("form[action$='/team']")
    form.get_by_label("Their account (e-mail), to give them access").fill(WELFARE)
    form.get_by_label("Role").fill("Maatschappelijk werker")
    form.get_by_label("The added value they bring").fill("Schuldhulp")
    form.get_by_label("They see what is shared with").select_option("welfare")
    form.get_by_label("From").fill("2026-01-01")
    form.get_by_role("button", name="Add to the team").click()
    page.wait_for_url("**message=saved")
    _open(page, "Record a consent")
    form = page.locator("form[action$='/consents']")
    form.get_by_label("Sharing with").select_option("welfare")
    form.get_by_label("Given on").fill("2026-01-01")
    form.get_by_role("button", name="Record the consent").click()
    page.wait_for_url("**message=saved")
    _open(page, "Add an action or a referral")
    form = page.locator("form[action$='/actions']")
    form.get_by_label("Kind").select_option("referral")
    form.get_by_label("What is to be done").fill("Aanmelding schuldhulpverlening")
    form.get_by_label("Who is asked to act").select_option(index=1)
    form.get_by_role("button", name="Add", exact=True).click()
    page.wait_for_url("**message=saved")
    _not_too_wide(page)
    shots.take(page, "case-filled")

    # the welfare worker, on their own phone or computer
    w_ctx = _context(browser, live)
    wpage = console.watch(w_ctx.new_page())
    wpage.goto("/login")
    _login(wpage, WELFARE)
    wpage.goto(case_url)
    assert "Achterstand met de huur" in wpage.content()
    step = wpage.locator("form[action*='/status']")
    step.get_by_label("Next step").select_option("accepted")
    step.get_by_role("button", name="Update").click()
    wpage.wait_for_url("**message=saved")
    step = wpage.locator("form[action*='/status']")
    step.get_by_label("Next step").select_option("done")
    step.get_by_label("Result (needed when done)").fill("Budgetbegeleiding gestart")
    step.get_by_role("button", name="Update").click()
    wpage.wait_for_url("**message=saved")
    shots.take(wpage, "welfare-reported-back")

    # the zone's coordinator is not on the team
    c_ctx = _context(browser, live)
    cpage = console.watch(c_ctx.new_page())
    cpage.goto("/login")
    _login(cpage, ACCOUNTS["coordinator"][0])
    r = cpage.goto(case_url)
    assert r is not None and r.status == 403
    assert "Ik wil weer" not in cpage.content()
    shots.take(cpage, "not-on-the-team")
    cpage.get_by_label("Reason (at least 10 characters)").fill(
        "Patient on the emergency ward tonight, the nurse is unreachable"
    )
    cpage.get_by_label("For how long (minutes, at most 480)").fill("30")
    cpage.get_by_role("button", name="Open in an emergency").click()
    cpage.wait_for_url("**message=emergency")
    assert "Ik wil weer" in cpage.content()
    shots.take(cpage, "emergency-access")

    page.goto("/cases")
    assert "1 emergency access to review" in page.content()
    shots.take(page, "my-cases-flag")
    page.goto(case_url)
    assert "Budgetbegeleiding gestart" in page.content()
    shots.take(page, "case-flag-and-result")
    page.get_by_role("link", name="Access log").click()
    _not_too_wide(page)
    shots.take(page, "access-log")
    assert not console.problems(allow=("status of 403",)), console.problems()
    print(f"screenshots: {shots.folder}")
    for c in (nurse_ctx, w_ctx, c_ctx):
        c.close()
