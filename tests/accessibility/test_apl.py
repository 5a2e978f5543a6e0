"""APL as DREES computes it: each rule against a hand-computed example, the activity bounds at
their boundaries, the packaged vintage against DREES's parameter sheet, and the engine's rules
against the published 2023 APL file (when ``../shared/data`` is present)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers import times_from_pairs
from hypothesis import given, settings
from hypothesis import strategies as st

from mesocare.accessibility import (
    AplParams,
    ShortageRule,
    apl,
    gp_consultations,
    load_apl_params,
    standardised_population,
    weighted_by_unit,
)
from mesocare.accessibility.apl import ActivityBounds
from mesocare.errors import ParameterError

DREES = AplParams()  # the 2023 vintage


def test_default_is_the_2023_vintage_with_its_distance_weights():
    assert DREES.vintage == "drees-2023"
    assert load_apl_params(vintage="2023") == DREES
    w = DREES.steps.weights(np.array([0, 10, 10.01, 15, 15.01, 20, 20.01]))
    assert w == pytest.approx([1, 1, 2 / 3, 2 / 3, 1 / 3, 1 / 3, 0])
    assert DREES.max_minutes == 20
    assert (DREES.max_gp_age, DREES.shortage_threshold, DREES.shortage_inclusive) == (
        65,
        2.5,
        False,
    )
    assert load_apl_params(vintage="2022").band_weights()["90-94"] == 2.39
    with pytest.raises(ParameterError, match="unknown APL vintage"):
        load_apl_params(vintage="2012")


def test_apl_by_hand():
    """Three communes, four GPs (standardised demand A 1,000, B 600, C 300).

    G1 in A: activity 4,000 (as recorded); reached from A at 5 min (weight 1), B at 12 (2/3),
    C at 18 (1/3): demand 1,000 + 400 + 100 = 1,500, ratio 4,000 / 1,500 = 8/3.
    G2 in B: activity 200 (≤ 250: counts 0).
    G3 in B: activity 3,000 (251-3,600: counts 3,600); reached from B at 0 and A at exactly 10
    (weight 1), C at 21 (out): demand 1,600, ratio 3,600 / 1,600 = 2.25.
    G4 in C: activity 7,000 (counts 6,000) but aged 66: counts 0.
    APL A = 8/3 + 2.25 = 4.9167; B = 2/3 × 8/3 + 2.25 = 4.0278; C = 1/3 × 8/3 = 0.8889.
    """
    t = times_from_pairs(
        [
            ("A", "G1", 5),
            ("B", "G1", 12),
            ("C", "G1", 18),
            ("B", "G2", 0),
            ("B", "G3", 0),
            ("A", "G3", 10),
            ("C", "G3", 21),
            ("C", "G4", 0),
        ],
        ["A", "B", "C"],
        ["G1", "G2", "G3", "G4"],
        30,
    )
    cons = gp_consultations(
        np.ones(4), np.array([50, 40, 45, 66]), DREES, activity=np.array([4000, 200, 3000, 7000])
    )
    assert list(cons) == [4000, 0, 3600, 0]
    r = apl(t, np.array([1000.0, 600.0, 300.0]), cons)
    assert r.accessibility == pytest.approx([8 / 3 + 2.25, 2 / 3 * 8 / 3 + 2.25, 8 / 9])
    # Σ APL × standardised demand = the supply that reaches someone (4,000 + 3,600)
    assert (r.accessibility * [1000, 600, 300]).sum() == pytest.approx(7600)


@pytest.mark.parametrize(
    ("activity", "counted"),
    [
        (0, 0),
        (249, 0),
        (250, 0),  # "moins de 250" then "entre 251 et 3 600": 250 closes the first class
        (251, 3600),
        (3600, 3600),
        (3601, 3601),
        (5999, 5999),
        (6000, 6000),
        (6001, 6000),
        (20000, 6000),
    ],
)
def test_activity_bounds_at_their_boundaries(activity, counted):
    assert gp_consultations([1.0], [50.0], DREES, activity=np.array([activity]))[0] == counted


def test_imputed_activity_health_centres_fte_and_age():
    c = gp_consultations(
        np.array([1.0, 1.0, 1.0, 1.0, 1.0]),
        np.array([np.nan, 65, 65.5, 40, 40]),
        DREES,
        activity=np.array([np.nan, 3000, 4000, 200, 7000]),
        unbounded=np.array([False, False, False, True, True]),
    )
    # no activity the year before: 5,400; aged 65 counts, over 65 not; health centres unbounded
    assert list(c) == [5400, 3600, 0, 200, 7000]
    # FTE only: activity = FTE × 5,400, then bounded (0.04 → 216 → 0; 0.5 → 2,700 → 3,600)
    f = gp_consultations(np.array([0.04, 0.5, 0.9, 1.2]), np.full(4, np.nan), DREES)
    assert f == pytest.approx([0, 3600, 4860, 6000])
    free = AplParams(activity=None)
    assert gp_consultations(np.array([0.04]), np.array([50.0]), free)[0] == pytest.approx(216)
    with pytest.raises(ParameterError, match="activity bounds"):
        ActivityBounds(zero_up_to=4000, floor=3600, cap=6000)


def _pop(rows):
    return pd.DataFrame(rows, columns=["area_code", "age_band", "count"])


def test_demand_is_standardised_against_the_nation_not_the_territory():
    """A: 100 aged 0-4 (1.12) and 100 aged 80-84 (1.63): 112 + 163 = 275 standardised
    inhabitants; B: 200 aged 30-34 (0.82): 164. The territory has 400 inhabitants but 439
    standardised ones: it is older than France, and nothing rescales it back to 400."""
    pop = _pop([("A", "0-4", 100), ("A", "80-84", 100), ("B", "30-34", 200)])
    s = standardised_population(pop, np.array(["A", "B", "C"]), DREES)
    assert s == pytest.approx([275, 164, 0])
    assert DREES.band_weights()["95+"] == 2.26  # the last DREES band is 90+


def test_raw_consumption_is_normalised_by_the_national_age_structure():
    """Raw visits per head 2 (0-24), 1 (25-79), 4 (80+) with national shares 25%, 50%, 25%:
    the national mean is 0.5 + 0.5 + 1 = 2 visits, so the weights are 1, 0.5 and 2.
    A: 100 × 1 + 100 × 2 = 300; B: 200 × 0.5 = 100."""
    p = AplParams(
        age_weights=((0, 2.0), (25, 1.0), (80, 4.0)),
        national_age_shares=((0, 0.25), (25, 0.5), (80, 0.25)),
    )
    pop = _pop([("A", "0-4", 100), ("A", "80-84", 100), ("B", "30-34", 200)])
    assert standardised_population(pop, np.array(["A", "B"]), p) == pytest.approx([300, 100])
    with pytest.raises(ParameterError, match="age classes"):
        AplParams(age_weights=((0, 1.0), (25, 2.0)), national_age_shares=((0, 1.0),))
    with pytest.raises(ParameterError, match="start at age 0"):
        AplParams(age_weights=((5, 1.0),))


def test_under_served_is_below_the_threshold():
    scores = np.array([2.49, 2.5, 2.51])
    assert list(ShortageRule(2.5).flags(scores)) == [True, False, False]
    assert list(ShortageRule(2.5, inclusive=True).flags(scores)) == [True, True, False]
    from mesocare.services.accessibility import AccessRequest, Method

    rule = AccessRequest(method=Method.APL).shortage
    assert rule is not None and list(rule.flags(scores)) == [True, False, False]


def test_user_file_names_the_key(tmp_path):
    from mesocare.params import packaged_text

    text = packaged_text("mesocare.accessibility", "params/apl_drees_2023.toml")
    bad = tmp_path / "apl.toml"
    bad.write_text(text.replace('comparison = "below"', 'comparison = "under"'), "utf-8")
    with pytest.raises(ParameterError, match=r"apl.toml: key 'shortage.comparison'"):
        load_apl_params(bad)
    ok = tmp_path / "ok.toml"
    ok.write_text(text.replace("value = 2.5,", "value = 3.0,"), "utf-8")
    assert load_apl_params(ok).shortage_threshold == 3.0


# ----- against DREES's own files --------------------------------------------------------------
XLSX = "fr_apl_drees/apl_generalistes_2022_2023.xlsx"


@pytest.fixture(scope="module")
def parameter_sheet(shared_data):
    return pd.read_excel(shared_data / XLSX, sheet_name="Paramètres", header=None)


def test_packaged_vintages_are_drees_parameter_sheet(parameter_sheet):
    s = parameter_sheet
    start = s.index[s[0].astype(str).str.startswith("Moins de 5 ans")][0]
    table = s.iloc[start : start + 19, [1, 2]].astype(float).to_numpy()
    for col, vintage in ((0, "2022"), (1, "2023")):
        p = load_apl_params(vintage=vintage)
        assert [w for _, w in p.age_weights] == pytest.approx(list(table[:, col]))
        assert [a for a, _ in p.age_weights] == list(range(0, 95, 5))
        row = s.index[s[0].astype(str).str.startswith("Entre 10 et 15")][0]
        assert [w for _, w in p.steps.steps] == pytest.approx(
            [float(s.iat[row - 1, 1]), float(s.iat[row, 1]), float(s.iat[row + 1, 1])]
        )
        assert float(s.iat[row + 2, 1]) == 0  # "Plus de 20 minutes"
        act = s.index[s[0].astype(str).str.startswith("Entre 251")][0]
        assert p.activity is not None
        assert (p.activity.floor, p.activity.cap) == (s.iat[act, 1], s.iat[act + 2, 1])
        assert float(s.iat[act - 1, 1]) == 0  # "Moins de 250" counts 0


@pytest.fixture(scope="module")
def apl_2023(shared_data):
    d = pd.read_excel(shared_data / XLSX, sheet_name="APL 2023", skiprows=10, header=None)
    d = d.iloc[:, :6].set_axis(["code", "name", "apl", "apl65", "std", "pop"], axis=1)
    d = d[pd.to_numeric(d["apl"], errors="coerce").notna()]
    return d.astype({"apl": float, "apl65": float, "std": float, "pop": float})


def test_engine_rules_reproduce_the_published_2023_figures(apl_2023):
    """DREES publishes each commune's APL, standardised and total population, not the GPs'
    activity nor the road times, so the commune APLs cannot be recomputed; what the engine does
    with them can: the national APL (3.745 all GPs, 3.295 GPs up to 65) is the mean weighted by
    the standardised population, the standardised population sums to the national one, and the
    strict threshold moves 16 communes (GPs up to 65)."""
    d = apl_2023
    assert len(d) == 34_954
    nation = np.array(["FR"] * len(d))
    for col, published in (("apl", 3.745), ("apl65", 3.295)):
        mean = weighted_by_unit(d[col].to_numpy(), d["std"].to_numpy(), nation)["value"][0]
        assert mean == pytest.approx(published, abs=5e-4)
    assert d["std"].sum() / d["pop"].sum() == pytest.approx(1.0, abs=1e-6)
    ratio = d["std"] / d["pop"]
    weights = [w for _, w in DREES.age_weights]
    assert ratio.min() >= min(weights) and ratio.max() <= max(weights)
    below = ShortageRule(2.5).flags(d["apl65"].to_numpy()).sum()
    at_or_below = ShortageRule(2.5, inclusive=True).flags(d["apl65"].to_numpy()).sum()
    assert (below, at_or_below - below) == (17_143, 16)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 50_000, allow_nan=False), min_size=1, max_size=30))
def test_bounded_activity_is_zero_or_between_floor_and_cap_and_never_decreases(activity):
    a = np.sort(np.array(activity))
    b = DREES.activity.apply(a) if DREES.activity is not None else a
    assert ((b == 0) | ((b >= 3600) & (b <= 6000))).all()
    assert (np.diff(b) >= 0).all()  # more activity never counts less
    assert (b[(a > 3600) & (a <= 6000)] == a[(a > 3600) & (a <= 6000)]).all()
