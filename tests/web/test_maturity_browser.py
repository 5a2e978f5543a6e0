"""A maturity self-assessment in a real browser, three participants on three devices (browser
contexts), with screenshots (``$MESOCARE_SCREENSHOTS/maturity``, else
``/tmp/mesocare-screenshots/maturity``): the coordinator starts an assessment and invites the
member and the viewer; all three score alone, none sees another's scores; the coordinator opens
the consensus round, sets a score with its rationale and turns the top priority into an objective
of the zone's plan with the member as its anchor."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from tests.platform_fixtures import ACCOUNTS
from tests.services.records.test_plans import new_plan
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

#: each participant's scores of the first dimensions (readiness, governance, digital, …)
SCORES = {
    "coordinator": {"readiness": "4", "governance": "3", "digital": "1", "funding": "2"},
    "member": {"readiness": "4", "governance": "3", "digital": "2", "funding": "4"},
    "viewer": {"readiness": "3", "governance": "4", "digital": "1", "funding": "1"},
}


def _shots() -> Shots:
    env = os.environ.get("MESOCARE_SCREENSHOTS")
    root = Path(env) if env else Path(os.environ.get("TMPDIR", "/tmp")) / "mesocare-screenshots"
    shots = Shots(root / "maturity")
    shots.folder.mkdir(parents=True, exist_ok=True)
    for old in shots.folder.glob("*.png"):
        old.unlink()
    print(f"\nscreenshots in {shots.folder}")
    return shots


def _score(page: Any, aid: int, scores: dict[str, str]) -> None:
    page.goto(f"/maturity/{aid}")
    form = page.locator("#my-scores")
    for item, value in scores.items():
        form.locator(f"select[name='score-{item}']").select_option(value)
    form.locator("input[name='comment-funding']").fill("Yearly project money only")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and submit").click()
    assert "Your scores are submitted." in page.content()


def test_three_participants_from_blind_round_to_a_plan_objective(browser, live) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    shots = _shots()
    console = Console()
    plan_id = new_plan(live.served)
    pages: dict[str, Any] = {}
    for role in ("coordinator", "member", "viewer"):
        page = console.watch(_context(browser, live).new_page())
        page.goto("/login")
        _login(page, ACCOUNTS[role][0])
        pages[role] = page
    co = pages["coordinator"]

    # the coordinator starts an assessment from the zone's Maturity tab
    co.goto("/t/leuven/z/Z01")
    co.get_by_role("link", name="Maturity").click()
    assert co.locator("h1").inner_text().startswith("Maturity of")
    co.locator("#start").get_by_label("Title").fill("Self-assessment spring 2026")
    with co.expect_navigation():
        co.get_by_role("button", name="Start the assessment").click()
    aid = int(re.search(r"/maturity/(\d+)", co.url).group(1))  # type: ignore[union-attr]
    for role, cluster in (
        ("coordinator", "Care providers"),
        ("member", "Care providers"),
        ("viewer", "Welfare"),
    ):
        co.locator("#invite select[name='email']").select_option(ACCOUNTS[role][0])
        co.locator("#invite input[name='cluster']").fill(cluster)
        with co.expect_navigation():
            co.get_by_role("button", name="Invite").click()
        assert "The participant is invited." in co.content()
    _not_too_wide(co)
    shots.take(co, "1-invited")

    # each scores alone, on their own device
    for role in ("member", "viewer", "coordinator"):
        _score(pages[role], aid, SCORES[role])
    shots.take(pages["viewer"], "2-viewer-blind")
    # blind: the viewer's page shows the viewer's own choices and nobody else's
    viewer_page = pages["viewer"]
    viewer_page.reload()
    assert viewer_page.locator("select[name='score-funding']").input_value() == "1"
    assert viewer_page.locator("#results").count() == 0
    r = viewer_page.request.get(f"/maturity/{aid}/figures/dots.json")
    assert r.status == 404
    co.reload()
    assert "3 of 3 participants have submitted." in co.content()
    shots.take(co, "3-coordinator-all-submitted")

    # the consensus round opens: the ratings appear, by cluster, with the disagreement flagged
    with co.expect_navigation():
        co.get_by_role("button", name="Open the consensus round").click()
    funding = co.locator("#item-funding")
    assert "Care providers / Welfare" in funding.inner_text()  # medians 3 vs 1
    co.locator("#consensus select[name='item']").select_option("funding")
    co.locator("#consensus select[name='score']").select_option("2")
    co.get_by_label("Rationale").fill("Only yearly project money; no structural funding")
    co.get_by_label("Importance of the gap (1 to 10)").fill("2")
    with co.expect_navigation():
        co.get_by_role("button", name="Save the consensus score").click()
    assert "The consensus score is saved." in co.content()
    _draw_every_figure(co)
    _not_too_wide(co)
    shots.take(co, "4-consensus")

    # the top priority becomes an objective of the plan, the member as its anchor
    form = co.locator("#objective-funding")
    form.locator("select[name='anchor']").select_option(ACCOUNTS["member"][0])
    with co.expect_navigation():
        form.get_by_role("button", name="Make it an objective").click()
    assert "The priority is now an objective of the plan." in co.content()
    shots.take(co, "5-objective")
    co.goto(f"/plans/{plan_id}")
    assert "Improve: Funding" in co.content()
    shots.take(co, "6-plan")
    pages["member"].goto(f"/maturity/{aid}")
    _draw_every_figure(pages["member"])
    shots.take(pages["member"], "7-member-results")
    # the learning library: the zone's practices, one practice with its lessons
    from tests.services.records.test_plans import ctx as record_ctx

    from mesocare.services.platform.demo_maturity import build_demo_practices

    with live.served.platform.session(write=True) as s:
        build_demo_practices(
            s, live.served.platform.entry("leuven"), "Z01", record_ctx(live.served, "coordinator")
        )
    co.goto("/t/leuven/z/Z01")
    co.get_by_role("link", name="Practices").click()
    _not_too_wide(co)
    shots.take(co, "8-zone-practices")
    co.goto("/t/leuven/library?q=pharmaciens")
    co.locator("table.practices a").first.click()
    assert "Arrêté après six mois" in co.content()
    shots.take(co, "9-practice")
    assert not console.problems(), console.problems()
    with live.served.platform.session() as s:  # the anchor carries it
        from mesocare.services.platform import plans as P

        tops = [i for i in P.items(s, plan_id) if i.title == "Improve: Funding"]
        assert len(tops) == 1 and tops[0].assignee_id is not None
