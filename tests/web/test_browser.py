"""The platform in a real browser, as a zone coordinator uses it, with a screenshot of each page.

One walk through the served platform (uvicorn, SQLite) in headless Chromium at 1280 px: log in,
the territory's zones (sort, search, map), a zone's diagnosis (figures drawn, no console error),
the language switch, an actor's edit, a stale edit refused with the record as it is now, the
history, log out; then the admin's audit log, members and account pages. Every page is checked not
to scroll sideways. Screenshots go to ``$MESOCARE_SCREENSHOTS/platform`` (else
``/tmp/mesocare-screenshots/platform``); the folder is printed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from tests.platform_fixtures import ACCOUNTS, PASSWORD, TERRITORY

CHROMIUM = "/usr/bin/chromium"
WIDTH = 1280
ZONE = "Z01"
#: a figure drawn by Plotly (web.js draws into the placeholder itself)
DRAWN = ".mc-figure.js-plotly-plot, .mc-figure .plot-container"
pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _shots() -> Path:
    env = os.environ.get("MESOCARE_SCREENSHOTS")
    root = Path(env) if env else Path(os.environ.get("TMPDIR", "/tmp")) / "mesocare-screenshots"
    return root / "platform"


@dataclass
class Console:
    """What the pages said on the console, and the script errors they raised."""

    messages: list[str] = field(default_factory=list)

    def watch(self, page: Any) -> Any:
        page.on("console", lambda m: self.messages.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: self.messages.append(f"pageerror: {e}"))
        return page

    def problems(self, *, allow: tuple[str, ...] = ()) -> list[str]:
        """Errors, warnings and CSP violations, but those matching ``allow``."""
        bad = [
            m
            for m in self.messages
            if m.startswith(("error", "warning", "pageerror")) or "Content Security Policy" in m
        ]
        return [m for m in bad if not any(re.search(a, m) for a in allow)]

    def clear(self) -> None:
        self.messages.clear()


@dataclass
class Shots:
    folder: Path
    n: int = 0

    def take(self, page: Any, name: str) -> Path:
        self.n += 1
        path = self.folder / f"{self.n:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: bash scripts/ensure-chromium.sh")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield b
        finally:
            b.close()


def _reads_the_region(live: Any, key: str) -> None:
    """Let an account read the figures of every zone of the region too (an analyst grant on R1),
    as a coordinator comparing their zone with the others would; else its list has one zone."""
    from mesocare.organisation.roles import Scope
    from mesocare.services.platform import accounts as A

    with live.served.platform.session(write=True) as s:
        A.grant(
            s,
            ACCOUNTS[key][0],
            "analyst",
            Scope(territory=TERRITORY, unit="R1"),
            access=None,
            request_id="test",
        )


def _context(browser: Any, live: Any, *, scripts: bool = True) -> Any:
    ctx = browser.new_context(
        base_url=live.url,
        viewport={"width": WIDTH, "height": 800},
        locale="en-GB",
        java_script_enabled=scripts,
    )
    ctx.set_default_timeout(20_000)
    return ctx


def _not_too_wide(page: Any) -> None:
    """The page does not scroll sideways at 1280 px (wide tables scroll in their own box)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                    && !e.closest('.tablewrap, .table-wrap, .mc-figure'))
            .slice(0, 5).map(e => e.tagName + '.' + e.className)"""
    )
    assert width <= WIDTH, f"{page.url} is {width} px wide: {wide}"


def _login(page: Any, email: str) -> None:
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()


def _draw_every_figure(page: Any) -> None:
    """Bring each lazily drawn figure into view, in turn, and wait until it is drawn (or failed)."""
    figures = page.locator("div.mc-figure[data-src]")
    for i in range(figures.count()):
        fig = figures.nth(i)
        fig.scroll_into_view_if_needed()
        fig.locator(".plot-container, .mc-error").first.wait_for(state="attached")
    page.evaluate("window.scrollTo(0, 0)")


def _column(table: Any, header: str) -> int:
    heads = table.locator("thead th").all_inner_texts()
    for i, h in enumerate(heads):
        if h.strip().lower().startswith(header):
            return i
    raise AssertionError(f"no column '{header}' in {heads}")


def _codes_and_values(table: Any, col: int) -> list[tuple[str, float]]:
    rows = table.locator("tbody tr").evaluate_all(
        f"rows => rows.map(r => [r.cells[0].textContent.trim(), r.cells[{col}].dataset.v])"
    )
    return [(code, float(v)) for code, v in rows]


def test_a_coordinator_walks_through_the_platform(browser, live) -> None:  # type: ignore[no-untyped-def]
    shots = Shots(_shots())
    shots.folder.mkdir(parents=True, exist_ok=True)
    for old in shots.folder.glob("*.png"):
        old.unlink()
    print(f"\nscreenshots in {shots.folder}")
    entry = live.served.platform.entry(TERRITORY)
    population = {
        z: d.finding("population").value for z, d in entry.diagnoses().items() if z in entry.zones
    }
    _reads_the_region(live, "coordinator")
    console = Console()
    ctx = _context(browser, live)
    page = console.watch(ctx.new_page())

    # 1. the start page sends to the login form; log in as the coordinator of Z01
    page.goto("/")
    assert "/login" in page.url
    assert page.locator("h1").inner_text() == "Log in"
    _not_too_wide(page)
    shots.take(page, "login")
    _login(page, ACCOUNTS["coordinator"][0])

    # 2. the territory's home: a map, the zones in a sortable table; sort; search
    assert page.url.endswith(f"/t/{TERRITORY}")
    page.locator(DRAWN).first.wait_for()
    table = page.locator("table.sortable").first
    assert table.locator("tbody tr").count() == len(population)
    col = _column(table, "inhabitants")
    button = table.locator("thead th").nth(col).locator("button")
    button.click()
    assert table.locator("thead th").nth(col).get_attribute("aria-sort") == "ascending"
    got = _codes_and_values(table, col)
    assert [c for c, _v in got] == sorted(population, key=lambda z: population[z])
    button.click()
    assert table.locator("thead th").nth(col).get_attribute("aria-sort") == "descending"
    got = _codes_and_values(table, col)
    assert [c for c, _v in got] == sorted(population, key=lambda z: -population[z])
    _not_too_wide(page)
    assert console.problems() == []
    shots.take(page, "territory-sorted")

    wanted = "Z03"
    name = entry.unit_name(wanted)
    page.get_by_role("searchbox").fill(name)
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    assert "q=" in page.url
    rows = page.locator("table.sortable tbody tr")
    assert rows.count() == 1 and name in rows.first.inner_text()
    page.locator(DRAWN).first.wait_for()
    shots.take(page, "territory-search")
    page.get_by_role("link", name="Show every zone").click()
    page.locator("table.sortable tbody tr").nth(len(population) - 1).wait_for()

    # 3. zone Z01's workspace: the diagnosis, its figures drawn, a quiet console
    console.clear()
    page.locator("table.sortable tbody").get_by_role(
        "link", name=entry.unit_name(ZONE), exact=True
    ).click()
    page.wait_for_url(f"**/t/{TERRITORY}/z/{ZONE}")
    assert page.locator(".mc-report section").count() > 3
    page.locator(DRAWN).first.wait_for()
    _draw_every_figure(page)
    assert page.locator(".mc-figure .mc-error").count() == 0
    assert console.problems() == [], console.messages
    _not_too_wide(page)
    shots.take(page, "workspace")

    # 4. the language: Dutch, French, back to English (html lang, the pressed button, the
    # report's own section titles, which the catalogs have)
    for lang, indicators in (("nl", "Indicatoren"), ("fr", "Indicateurs"), ("en", "Indicators")):
        with page.expect_navigation():
            page.locator(f"form.mc-lang button[value={lang}]").click()
        assert page.locator("html").get_attribute("lang") == lang
        pressed = page.locator("form.mc-lang button[aria-current=true]")
        assert pressed.count() == 1 and pressed.get_attribute("value") == lang
        assert page.locator("section#indicators h2").inner_text().startswith(indicators)
        assert page.url.endswith(f"/z/{ZONE}")
        if lang != "en":
            page.locator(DRAWN).first.wait_for()
            shots.take(page, f"workspace-{lang}")
    assert console.problems() == [], console.messages

    # 5. the zone's actors: edit one's contact, save, see it in the list
    page.locator("nav.mc-zone a[href$='/actors']").click()
    page.wait_for_url(f"**/z/{ZONE}/actors")
    page.locator("#actors tbody tr").first.wait_for()
    _draw_every_figure(page)
    assert page.locator(".mc-figure .mc-error").count() == 0
    _not_too_wide(page)
    shots.take(page, "actors")
    first = page.locator("#actors tbody tr").first
    actor = first.locator("td").first.inner_text().strip()
    edit_href = first.get_by_role("link", name="edit").get_attribute("href")
    assert edit_href
    actor_id = re.search(r"/actors/(\d+)/edit", edit_href).group(1)  # type: ignore[union-attr]
    first.get_by_role("link", name="edit").click()
    page.wait_for_url(f"**/actors/{actor_id}/edit")
    contact = page.get_by_label("Contact")
    old_contact = contact.input_value()
    # deleting asks to tick a box first (no script needed)
    assert page.locator(".mc-danger input[type=checkbox][required]").count() == 1
    _not_too_wide(page)
    shots.take(page, "actor-edit")
    contact.fill("first.change@zone01.example")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert page.locator(".mc-message").inner_text() == "Saved."
    row = page.locator("#actors tbody tr", has_text=actor).first
    assert "first.change@zone01.example" in row.inner_text()
    shots.take(page, "actors-saved")

    # 6. a stale edit: two forms on the same version; the second save is refused (409), with the
    # record as it is now shown above the user's own change
    page.goto(f"/actors/{actor_id}/edit")
    other = console.watch(ctx.new_page())
    other.goto(f"/actors/{actor_id}/edit")
    page.get_by_label("Contact").fill("second.change@zone01.example")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert page.locator(".mc-message").inner_text() == "Saved."
    other.get_by_label("Contact").fill("stale.change@zone01.example")
    with other.expect_response(lambda r: r.request.method == "POST") as answer:
        other.get_by_role("button", name="Save").click()
    assert answer.value.status == 409
    box = other.locator(".mc-conflict")
    box.wait_for()
    assert "second.change@zone01.example" in box.inner_text()
    assert ACCOUNTS["coordinator"][0] in box.inner_text()
    assert other.get_by_label("Contact").input_value() == "stale.change@zone01.example"
    differs = other.locator(".mc-compare tr.mc-differs")
    assert differs.count() == 1 and differs.first.locator("th").inner_text() == "Contact"
    _not_too_wide(other)
    shots.take(other, "actor-conflict")
    other.close()

    # 7. the zone's changes and the actor's history: who, the old and the new contact
    page.locator("nav.mc-zone a[href$='/history']").click()
    page.wait_for_url(f"**/z/{ZONE}/history")
    changes = page.locator("table.mc-audit tbody tr", has_text="second.change@zone01.example")
    assert changes.count() >= 1
    text = changes.first.inner_text()
    assert ACCOUNTS["coordinator"][0] in text and "first.change@zone01.example" in text
    _not_too_wide(page)
    shots.take(page, "zone-history")
    page.goto(f"/actors/{actor_id}/history")
    rows = page.locator("table.mc-audit tbody tr", has_text="first.change@zone01.example")
    assert rows.count() == 2  # set, then replaced
    text = page.locator("table.mc-audit tbody").inner_text()
    assert ACCOUNTS["coordinator"][0] in text and "second.change@zone01.example" in text
    if old_contact:
        assert old_contact in text
    assert "stale.change" not in text
    _not_too_wide(page)
    shots.take(page, "actor-history")

    # 8. log out; the zone is then behind the login form again
    with page.expect_navigation():
        page.get_by_role("button", name="Log out").click()
    assert "/login" in page.url
    page.goto(f"/t/{TERRITORY}/z/{ZONE}")
    assert re.search(r"/login\?next=/t/leuven/z/Z01$", page.url), page.url
    assert page.get_by_role("button", name="Log in").is_visible()
    problems = console.problems(allow=(r"status of 409",))
    assert problems == [], problems
    ctx.close()

    # the admin, in a fresh context: the audit log, the zone's members, the account page
    ctx = _context(browser, live)
    page = console.watch(ctx.new_page())
    page.goto("/audit")
    _login(page, ACCOUNTS["admin"][0])
    assert page.url.endswith("/audit")
    assert page.locator("table.mc-audit tbody tr", has_text="second.change").count() >= 1
    _not_too_wide(page)
    shots.take(page, "admin-audit")
    page.goto(f"/t/{TERRITORY}/z/{ZONE}/members")
    members = page.locator("table.sortable tbody")
    assert ACCOUNTS["coordinator"][0] in members.inner_text()
    _not_too_wide(page)
    shots.take(page, "admin-members")
    page.goto("/account")
    assert ACCOUNTS["admin"][0] in page.locator("main, .mc-main").first.inner_text()
    _not_too_wide(page)
    shots.take(page, "admin-account")
    problems = console.problems(allow=(r"status of 409",))
    assert problems == [], problems
    ctx.close()

    # without scripts: the pages and forms still work; figures keep their caption and CSV link
    ctx = _context(browser, live, scripts=False)
    page = ctx.new_page()
    page.goto(f"/t/{TERRITORY}/z/{ZONE}")
    _login(page, ACCOUNTS["coordinator"][0])
    assert page.url.endswith(f"/z/{ZONE}")
    assert page.locator(".mc-report section").count() > 3
    assert page.locator("figure.figure figcaption").first.is_visible()
    assert not page.locator(".mc-loading").first.is_visible()
    shots.take(page, "no-scripts-workspace")
    ctx.close()
    assert len(list(shots.folder.glob("*.png"))) == shots.n
