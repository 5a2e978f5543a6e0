"""Passing unit counts computed once gives the same tables as computing them inside."""

from __future__ import annotations

import pandas as pd

from mesocare.indicators import compute_indicators, gp_shortage, unit_counts


def test_shared_unit_counts_change_nothing(leuven):
    counts = unit_counts(leuven)
    pd.testing.assert_frame_equal(
        compute_indicators(leuven, counts=counts), compute_indicators(leuven)
    )
    pd.testing.assert_frame_equal(gp_shortage(leuven, counts=counts), gp_shortage(leuven))
