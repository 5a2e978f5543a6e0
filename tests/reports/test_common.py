"""Territory-wide tables split by zone once: each zone gets exactly its own rows plus the regions'."""

from __future__ import annotations

import pandas as pd

from mesocare.indicators import compute_indicators
from mesocare.reports.base import ReportContext
from mesocare.reports.sections import common


def test_zone_split_equals_a_plain_filter(leuven):
    full = compute_indicators(leuven)
    cache = {"indicators": full}
    a = leuven.areas
    for zone in leuven.zone_codes():
        got = common.indicator_table(ReportContext(leuven, zone, cache))
        mine = (
            set(a.loc[a["zone_code"] == zone, "area_code"])
            | set(a.loc[a["zone_code"] == zone, "network_code"].dropna())
            | {zone}
        )
        expected = full[full["unit_code"].isin(mine) | (full["level"] == "region")]
        pd.testing.assert_frame_equal(got.sort_index(), expected.sort_index())
