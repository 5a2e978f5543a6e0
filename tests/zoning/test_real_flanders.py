"""The real Flemish municipalities and primary care zones (skipped without ../shared/data)."""

import pytest

from mesocare.services import zoning as svc
from mesocare.sources.be_mergers import code_map, read_mergers
from mesocare.zoning import ZoningParams

FLANDERS = "02000"
pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def flanders(shared_data):
    from mesocare.sources.flanders import import_flanders

    return import_flanders(shared_data)


def test_todays_zones_scored(flanders):
    ev = svc.evaluate_zoning(
        flanders, region_code=FLANDERS, min_population=75_000, max_population=125_000
    )
    s = ev.summary
    assert s["zones"] == 56 and s["areas"] == 300
    # Antwerpen en rand (606,244) and Gent (263,927) among those above; AMALO-like small ones below
    assert s["above_maximum"] == 10 and s["below_minimum"] == 4


def test_proposal_keeps_municipalities_whole_within_bounds(flanders):
    params = ZoningParams(75_000, 125_000, allow_oversized_units=True)
    o = svc.draw_zones(flanders, params, region_code=FLANDERS)
    s = o.evaluation.summary
    # Antwerpen (11002) and Gent (44021) alone exceed 125,000: their own zones, reported
    assert set(o.result.oversized) == {"11002", "44021"}
    assert s["above_maximum"] == 2 and s["below_minimum"] == 0 and s["not_contiguous"] == 0
    assert any("73066" in n for n in o.notes)  # Voeren, cut off from the rest of Flanders
    assert 0.55 < s["adjusted_rand_index"] < 0.8  # 0.652 when written


def test_mergers_of_2025_mapped_and_repaired(flanders, shared_data):
    m = code_map(read_mergers(shared_data / "be_mergers_2025" / "fusies-2025.tsv"))
    o = svc.redraw_after_mergers(flanders, m, ZoningParams(75_000, 125_000), region_code=FLANDERS)
    assert len(o.repaired) == 285  # 300 Flemish municipalities, 15 fewer after the mergers
    assert "merger across zones" not in set(o.flags["issue"])  # the 2019 zones anticipated them
    assert o.evaluation.summary["not_contiguous"] == 0
