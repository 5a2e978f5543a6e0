"""Tables that format, sort and download; pages that share their JavaScript."""

from __future__ import annotations

import io
import re
import urllib.parse

import pandas as pd
import pytest

from mesocare.i18n import use_locale
from mesocare.reports import maps
from mesocare.reports.base import Figure, Section, Table
from mesocare.reports.render import (
    CSS_FILE,
    JS_FILE,
    PLOTLY_FILE,
    Diagnosis,
    render_html,
    render_index,
    static_text,
    table_html,
    write_shared_assets,
)
from mesocare.reports.tables import format_cell


def _csv(page: str, n: int = 0) -> pd.DataFrame:
    href = re.findall(r'href="data:text/csv;charset=utf-8,([^"]*)"', page)[n]
    return pd.read_csv(io.StringIO(urllib.parse.unquote(href).lstrip("\ufeff")))


FRAME = pd.DataFrame(
    {
        "indicator": ["GPs", "Density"],
        "zone": [0.123, 2170.4],
        "people": [102275, 5],
        "share": [16.54, None],
        "ok": [True, False],
    }
)


def test_cells_are_locale_formatted_and_keep_their_raw_value():
    with use_locale("nl"):
        assert format_cell(2170.4) == ("2.170", "2170.4")
        assert format_cell(102275) == ("102.275", "102275.0")
        pct = format_cell(16.54, "percent")[0]
        assert pct.startswith("16,5") and pct.endswith("%")
        assert format_cell(True)[0] == "ja"
    assert format_cell(float("nan")) == ("–", "")
    assert "€" in format_cell(1234.5, "eur")[0] and "1,23" in format_cell(1234.5, "eur")[0]
    assert format_cell("Leuven") == ("Leuven", None)
    with pytest.raises(ValueError, match="format"):
        format_cell(1.0, "bogus")


def test_table_html_formats_classes_notes_links_and_csv():
    classes = pd.DataFrame({"zone": ["worse", ""]})
    t = Table(
        "Zone & region",
        FRAME,
        classes,
        formats={"share": "percent"},
        header_notes={"zone": "Value in the zone"},
        links={"indicator": ["a.html", "b.html"]},
    )
    with use_locale("nl"):
        page = table_html(t)
    assert '<td data-v="0.123" class="worse">0,12</td>' in page
    assert '<td data-v="2170.4">2.170</td>' in page
    assert '<td data-v="16.54">16,5' in page and '<td data-v="">–</td>' in page
    assert '<span class="note" title="Value in the zone">zone</span>' in page
    assert '<a href="a.html">GPs</a>' in page
    assert 'class="sortable"' in page and 'download="zone-region.csv"' in page
    got = _csv(page)
    pd.testing.assert_frame_equal(got, FRAME, check_dtype=False)
    with pytest.raises(ValueError, match="links"):
        table_html(Table("x", FRAME, links={"indicator": ["a.html"]}))


def _diagnosis() -> Diagnosis:
    import geopandas as gpd
    from shapely.geometry import box

    areas = gpd.GeoDataFrame(
        {"area_code": ["A", "B"], "name": ["Alpha", "Beta"]},
        geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)],
        crs="EPSG:31370",
    )
    fig = maps.choropleth(areas, [1.0, 2.0], title="Map", label=areas["name"])
    sec = Section("s", "Section", ["A paragraph."], [Figure("A map", fig)], [Table("T", FRAME)])
    return Diagnosis("Territory", "Z01", "Zone one", 2024, True, [], [sec])


def test_page_is_self_contained_by_default_and_language_tagged():
    with use_locale("fr"):
        page = render_html(_diagnosis())
    assert '<html lang="fr">' in page
    assert not re.search(r"<script[^>]+src=", page) and "<link" not in page
    assert static_text("report.js")[:40] in page and "@page { size: A4" in page
    assert len(page) > 3_000_000  # Plotly inlined
    assert _csv(page, 0)["Map"].tolist() == [1.0, 2.0]  # the map's CSV, beside the figure


def test_shared_assets_make_small_pages(tmp_path):
    write_shared_assets(tmp_path)
    assert (tmp_path / PLOTLY_FILE).stat().st_size > 3_000_000
    assert (tmp_path / CSS_FILE).read_text() == static_text("report.css")
    assert (tmp_path / JS_FILE).read_text() == static_text("report.js")
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind
    page = render_html(_diagnosis(), plotly_src="assets/plotly.min.js")
    assert len(page) < 200_000
    assert '<script src="assets/plotly.min.js"></script>' in page
    assert f'href="assets/{CSS_FILE}"' in page and f'src="assets/{JS_FILE}"' in page


def test_index_lists_zones_with_links_and_csv():
    t = Table(
        "Zones",
        pd.DataFrame({"zone": ["Z01", "Z02"], "inhabitants": [102275, 9000]}),
        links={"zone": ["diagnosis-Z01.html", "diagnosis-Z02.html"]},
    )
    page = render_index("Zones of Leuven", "4 zones", t, synthetic=True)
    assert '<a href="diagnosis-Z02.html">Z02</a>' in page and "SYNTHETIC DATA" in page
    assert "102,275" in page and "data:text/csv" in page and "<script" in page
    assert "Plotly" not in page[:2000] and len(page) < 100_000


def test_css_uses_the_maps_better_and_worse_colours():
    css = static_text("report.css")
    assert f"--better:{maps.BETTER}" in css and f"--worse:{maps.WORSE}" in css
    assert f"--similar:{maps.SIMILAR}" in css
