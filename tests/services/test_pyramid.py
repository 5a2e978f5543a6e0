"""The population pyramid's fast counting agrees with a plain pivot table."""

from __future__ import annotations

import pandas as pd

from mesocare.services.diagnosis.shared import pyramid_shares


def test_pyramid_shares_equal_a_plain_pivot(leuven):
    codes = leuven.areas.set_index(leuven.areas["area_code"].astype(str))
    fast = pyramid_shares(leuven.population, codes["zone_code"])
    p = leuven.population.merge(leuven.areas[["area_code", "zone_code"]], on="area_code")
    assert sorted(fast) == sorted(p["zone_code"].unique())
    for zone, df in p.groupby("zone_code"):
        tab = df.pivot_table(index="age_band", columns="sex", values="count", aggfunc="sum")
        tab = tab.reindex(fast[zone].index)[["M", "F"]].astype(float)
        expected = tab / tab.to_numpy().sum() * 100
        pd.testing.assert_frame_equal(
            expected, fast[zone], check_names=False, check_column_type=False, check_index_type=False
        )
        assert fast[zone].to_numpy().sum() == 100.0 or abs(fast[zone].to_numpy().sum() - 100) < 1e-9
