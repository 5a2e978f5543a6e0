"""A workshop of the analysis grid in a real browser, with screenshots
(``$MESOCARE_SCREENSHOTS/grid``, else ``/tmp/mesocare-screenshots/grid``): the coordinator makes a
case of the zone and accepts the engines' population cell, opens a workshop and makes two groups;
two devices without an account open their links and answer (one the whole case, one a dimension);
the facilitator merges the answers into a new version, and compares it with the one before; the
matrix shows the case."""

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
    _login,
    _not_too_wide,
    browser,  # noqa: F401  (a fixture)
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _shots() -> Shots:
    env = os.environ.get("MESOCARE_SCREENSHOTS")
    root = Path(env) if env else Path(os.environ.get("TMPDIR", "/tmp")) / "mesocare-screenshots"
    shots = Shots(root / "grid")
    shots.folder.mkdir(parents=True, exist_ok=True)
    for old in shots.folder.glob("*.png"):
        old.unlink()
    print(f"\nscreenshots in {shots.folder}")
    return shots


def _new_link(page: Any) -> str:
    return str(page.locator("#new-link input").input_value())


def test_a_workshop_with_two_groups(browser, live) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    shots = _shots()
    console = Console()
    ctx = _context(browser, live)
    page = console.watch(ctx.new_page())
    page.goto("/login")
    _login(page, ACCOUNTS["coordinator"][0])

    page.get_by_role("link", name="Analysis grid").first.click()
    assert page.locator("h1").inner_text() == "Analysis grid"
    assert "No case yet" in page.content()
    shots.take(page, "grid-empty")

    form = page.locator("#new-case")
    form.get_by_label("Title").fill("Our zone")
    form.get_by_label("Kind of organisation").select_option("flemish_zone")
    form.get_by_label("Attached to a zone").select_option("leuven/Z01")
    form.get_by_label("Tags, separated by commas").fill("flanders, pilot")
    with page.expect_navigation():
        form.get_by_role("button", name="Create the case").click()
    assert page.locator("h1").inner_text() == "Our zone"
    # the engines propose the population cell; the coordinator accepts it and writes values
    pop = page.locator("#cell-population")
    assert "inhabitants" in pop.locator(".mc-proposal").inner_text()
    pop.get_by_label("Use this proposal").check()
    page.locator("#cell-values").get_by_label("Text").fill("Care close to home")
    _not_too_wide(page)
    shots.take(page, "case-proposals")
    with page.expect_navigation():
        page.get_by_role("button", name="Save as a new version").click()
    assert "Saved." in page.content()
    assert "inhabitants" in page.locator("textarea[name=text-population]").input_value()

    # a workshop and two groups
    with page.expect_navigation():
        page.get_by_role("button", name="Open a workshop").click()
    add = page.locator("#add-group")
    add.get_by_label("Group").fill("Table 1")
    with page.expect_navigation():
        add.get_by_role("button", name="Make a group and its link").click()
    link1 = _new_link(page)
    add = page.locator("#add-group")
    add.get_by_label("Group").fill("Table 2")
    add.get_by_label("Fills").select_option("values")
    with page.expect_navigation():
        add.get_by_role("button", name="Make a group and its link").click()
    link2 = _new_link(page)
    assert link1 != link2 and "/w/" in link1
    _not_too_wide(page)
    shots.take(page, "workshop-links")

    # two devices, no account
    for n, (link, answers) in enumerate(
        [
            (link1, {"Obstacles": "Too little time for meetings", "Successes": "A shared map"}),
            (link2, {"Values": "Trust between professions"}),
        ],
        start=1,
    ):
        device = browser.new_context(
            viewport={"width": 390, "height": 800}, locale="en-GB", is_mobile=True
        )
        group = console.watch(device.new_page())
        group.goto(link)
        assert f"Table {n}" in group.content()
        legends = group.locator("legend").all_inner_texts()
        assert (legends == ["Values"]) if n == 2 else (len(legends) == 12)
        for dim, text in answers.items():
            group.locator("fieldset", has=group.locator("legend", has_text=dim)).get_by_label(
                "Your answer"
            ).fill(text)
        shots.take(group, f"group-{n}")
        with group.expect_navigation():
            group.get_by_role("button", name="Save our answers").click()
        assert "Your answers are saved" in group.content()
        shots.take(group, f"group-{n}-saved")
        # the link opens nothing else
        assert group.goto(f"{live.url}/grid").url.startswith(f"{live.url}/login")
        device.close()

    # the facilitator merges
    page.reload()
    assert page.locator("#groups").inner_text().count("saved") == 2
    merge = page.locator("#merge")
    assert (
        merge.get_by_label("Values").input_value()
        == "Care close to home\n\n[Table 2] Trust between professions"
    )
    shots.take(page, "workshop-merge")
    with page.expect_navigation():
        merge.get_by_role("button", name="Merge and close the workshop").click()
    assert "merged" in page.content()
    page.get_by_role("button", name="Compare").click()
    page.wait_for_load_state()
    diff = page.locator("#diff-table").inner_text()
    assert "Trust between professions" in diff and "Too little time" in diff
    _not_too_wide(page)
    shots.take(page, "case-diff")

    page.goto("/grid")
    assert "Too little time for meetings" in page.locator("#matrix").inner_text()
    _not_too_wide(page)
    shots.take(page, "matrix")
    # a closed workshop's link is refused
    other = browser.new_context()
    r = other.new_page().goto(f"{link1}")
    assert r is not None and r.status == 404
    other.close()
    assert not console.problems(allow=("404",)), console.problems()
    ctx.close()
