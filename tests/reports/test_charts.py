"""The spine chart: region at the centre, worse on the left whichever way better runs."""

from __future__ import annotations

import pytest

from mesocare.i18n import use_locale
from mesocare.reports.charts import SpineRow, spine_chart
from mesocare.reports.maps import BETTER, WORSE


def _row(label, zone, polarity, significance) -> SpineRow:
    return SpineRow(
        label=label, unit="%", zone=zone, region=20.0, zones_min=10.0, zones_q1=15.0,
        zones_q3=24.0, zones_max=40.0, significance=significance, polarity=polarity,
    )  # fmt: skip


ROWS = [
    _row("low and worse", 12.0, "higher_is_better", "worse"),  # lower than the region
    _row("high and worse", 35.0, "lower_is_better", "worse"),  # higher than the region
    _row("high and better", 35.0, "higher_is_better", "better"),
    _row("low and better", 12.0, "lower_is_better", "better"),
    _row("no polarity", 2170.0, "none", "not compared"),
    SpineRow("missing", "", None, None, None, None, None, None),
]


def _traces(fig):
    rng, iqr, region, zone = fig["data"]
    return rng, iqr, region, zone


def test_worse_dots_are_left_of_centre_for_both_polarities():
    _rng, _iqr, region, zone = _traces(spine_chart(ROWS))
    x = zone["x"]
    assert region["x"][:5] == [0.0] * 5
    assert x[0] < 0 and x[1] < 0  # worse: left, for higher- and lower-is-better alike
    assert x[2] > 0 and x[3] > 0  # better: right
    assert zone["marker"]["color"][0] == WORSE == zone["marker"]["color"][1]
    assert zone["marker"]["color"][2] == BETTER
    assert x[5] is None


def test_rows_are_normalised_around_the_region():
    rng, iqr, _region, zone = _traces(spine_chart(ROWS))
    # row 0: region 20, farthest of min 10 / max 40 / zone 12 is 20 away -> ±1
    assert rng["base"][0] == pytest.approx(-0.5) and rng["x"][0] == pytest.approx(1.5)
    assert iqr["base"][0] == pytest.approx(-0.25) and iqr["x"][0] == pytest.approx(0.45)
    # mirrored: min 10 -> +0.5, max 40 -> -1
    assert rng["base"][1] == pytest.approx(-1.0) and rng["x"][1] == pytest.approx(1.5)
    assert all(v is None or -1 <= v <= 1 for v in zone["x"])


def test_hover_is_formatted_and_the_table_holds_raw_values():
    with use_locale("nl"):
        fig = spine_chart(ROWS, zone_name="Leuven")
    text = fig["data"][3]["text"][4]
    assert "2.170 %" in text and "Leuven" in text and "e+" not in text
    assert fig.table.shape == (6, 10)
    assert fig.table.iloc[4, 2] == 2170.0


def test_unknown_polarity_is_refused():
    with pytest.raises(ValueError, match="polarity"):
        SpineRow("x", "", 1, 1, 1, 1, 1, 1, "worse", "up")
