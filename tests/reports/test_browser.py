"""The demo report in a real browser at 1024 px: no sideways page scroll, tables sort, screenshots.

Screenshots go to ``$MESOCARE_SCREENSHOTS`` when set, else to a temporary folder (printed).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def browser_page(leuven, tmp_path_factory):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: bash scripts/ensure-chromium.sh")
    from mesocare.reports.diagnosis import write_report
    from mesocare.reports.sections.geo import ZoneGeometry
    from mesocare.services.diagnosis import diagnose

    folder = tmp_path_factory.mktemp("report")
    report = write_report(
        diagnose(leuven, "Z01"), ZoneGeometry.of(leuven, "Z01"), folder / "diagnosis-Z01.html"
    )
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1024, "height": 768})
        page.goto(report.as_uri())
        page.wait_for_function("document.querySelectorAll('.main-svg').length > 4")
        yield page
        browser.close()


def _shots() -> Path:
    env = os.environ.get("MESOCARE_SCREENSHOTS")
    return Path(env) if env else Path(os.environ.get("TMPDIR", "/tmp")) / "mesocare-screenshots"


def test_page_never_scrolls_sideways_at_1024(browser_page):
    width = browser_page.evaluate("document.documentElement.scrollWidth")
    inner = browser_page.evaluate("window.innerWidth")
    wide = browser_page.evaluate(
        """() => [...document.querySelectorAll('main *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                    && !e.closest('.tablewrap'))
            .slice(0, 5).map(e => e.tagName + '.' + e.className)"""
    )
    assert width <= inner, wide


def test_clicking_a_header_sorts_the_rows(browser_page):
    table = browser_page.locator("table.sortable").nth(0)
    col = 2  # the zone's values
    table.locator("thead th").nth(col).locator("button").click()

    def values():
        return table.locator("tbody tr").evaluate_all(
            f"rows => rows.map(r => r.cells[{col}].getAttribute('data-v'))"
        )

    got = [float(v) for v in values() if v]
    assert len(got) > 3 and got == sorted(got)
    assert table.locator("thead th").nth(col).get_attribute("aria-sort") == "ascending"
    table.locator("thead th").nth(col).locator("button").click()
    got = [float(v) for v in values() if v]
    assert got == sorted(got, reverse=True)


def test_every_table_and_figure_offers_csv(browser_page):
    n_tables = browser_page.locator("table.sortable").count()
    n_figures = browser_page.locator("figure.figure").count()
    n_csv = browser_page.locator("a.csv[download]").count()
    assert n_tables > 3 and n_csv == n_tables + n_figures


def test_screenshots(browser_page):
    folder = _shots()
    folder.mkdir(parents=True, exist_ok=True)
    # a sticky bar would be painted once in the middle of a full-page screenshot
    browser_page.add_style_tag(content="nav { position: static !important; }")
    browser_page.screenshot(path=str(folder / "report-1024.png"), full_page=True)
    for sid in ("overview", "indicators", "supply", "accessibility"):
        loc = browser_page.locator(f"section#{sid}")
        if loc.count():
            loc.screenshot(path=str(folder / f"section-{sid}.png"))
    print(f"screenshots in {folder}")
    assert (folder / "report-1024.png").stat().st_size > 10_000
