"""Practice income: hand-computed New Deal capitation, premiums, classic fees, budget neutrality."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mesocare.financing import income as I
from mesocare.financing.parameters import load_practice_payment

PARAMS = load_practice_payment()


def _practice(**kw):
    row = dict(
        practice_id="P1",
        network_code="Z01-N1",
        zone_code="Z01",
        area_code="A1",
        n_gps=1,
        gp_fte=1.0,
        employees=0,
        nurse_hours_per_week=0.0,
        quality_achievement=0.5,
        patients=0,
    )
    row.update(kw)
    return pd.DataFrame([row])


def _lists(rows):
    return pd.DataFrame(
        rows,
        columns=[
            "practice_id",
            "age_band",
            "sex",
            "bim",
            "chronic",
            "patients",
            "consultations",
            "home_visits",
        ],
    )


HAND_LIST = _lists(
    [
        ("P1", "30-34", "F", False, False, 10, 40, 0),  # 10 x 66  =   660
        ("P1", "40-44", "M", True, False, 5, 25, 0),  #  5 x 130 =   650
        ("P1", "75-79", "F", True, False, 2, 10, 4),  #  2 x 202 =   404
        ("P1", "85-89", "M", True, False, 1, 3, 5),  #  1 x 202 =   202
    ]
)


def test_new_deal_capitation_by_hand():
    cap = I.new_deal_capitation(HAND_LIST, PARAMS)
    assert cap["P1"] == pytest.approx(660 + 650 + 404 + 202)  # 1,916 EUR a year


def test_chronic_supplement_is_added():
    lst = _lists([("P1", "30-34", "F", False, True, 3, 9, 0)])
    sup = PARAMS.new_deal.chronic_supplement_eur_per_patient_year.value
    assert I.new_deal_capitation(lst, PARAMS)["P1"] == pytest.approx(3 * (66 + sup))


def test_practice_income_layers_by_hand():
    inc = I.practice_income(_practice(patients=18), HAND_LIST, PARAMS)
    get = inc.set_index(["model", "layer"])["eur"]
    c = PARAMS.classic
    # classic: 78 consultations x 30 + 9 home visits x fee; 18 GMD patients x fee; 1 FTE premium
    assert get["classic", "fee_for_service"] == pytest.approx(
        78 * 30 + 9 * c.home_visit_fee_eur.value
    )
    assert get["classic", "gmd_fees"] == pytest.approx(18 * c.gmd_fee_eur_per_patient_year.value)
    assert get["new_deal", "fee_for_service"] == pytest.approx(
        78 * 16 + 9 * PARAMS.new_deal.home_visit_fee_eur.value
    )
    assert get["new_deal", "capitation"] == pytest.approx(1916)
    assert get["new_deal", "premiums"] == 0  # solo practice, no nurse
    cp = PARAMS.cappuccino
    assert get["cappuccino", "coffee"] == pytest.approx(
        1916 / 66 * cp.coffee_eur_per_weighted_patient_year.value, abs=0.01
    )
    assert get["cappuccino", "cream"] == pytest.approx(
        18 * cp.cream_eur_per_patient_year_at_full_achievement.value * 0.5
    )


@pytest.mark.parametrize(
    ("gps", "emp", "patients", "per_year"),
    [
        (1, 5, 5000, 0.0),
        (2, 1, 999, 0.0),
        (2, 1, 1000, 4 * 1794.0),
        (3, 1, 1500, 4 * 2392.0),
        (4, 1, 2500, 4 * 2392.0),  # only one employee: tier 2
        (4, 2, 2000, 4 * 3588.0),
    ],
)
def test_management_premium_tiers(gps, emp, patients, per_year):
    assert I.management_premium(PARAMS.new_deal, gps, emp, patients) == per_year


@pytest.mark.parametrize(
    ("hours", "patients", "per_year"),
    [
        (11.9, 5000, 0.0),
        (12, 999, 0.0),
        (12, 1000, 19881.0),
        (12, 1499, 19881.0),
        (12, 1500, 19881.0 + 9373.5),
        (20, 3100, 19881.0 + 4 * 9373.5),
        (38, 100_000, 198811.0),  # capped
    ],
)
def test_nurse_premium(hours, patients, per_year):
    assert I.nurse_premium(PARAMS.new_deal, hours, patients) == pytest.approx(per_year)


def test_outcomes_and_shares(leuven):
    from mesocare.services.financing import practice_income

    r = practice_income(leuven, "Z01")
    assert set(r.by_practice["new_deal_outcome"]) <= {"wins", "loses", "about equal"}
    shares = r.overall.groupby("model")["share"].sum()
    assert shares.to_numpy() == pytest.approx([1, 1, 1])
    classic = r.overall[r.overall["model"] == "classic"].set_index("layer")["share"]
    # the classic mix of DOMAIN.md: about 77% fee-for-service, 17% GMD fees, 7% premiums
    assert 0.70 < classic["fee_for_service"] < 0.82
    assert 0.12 < classic["gmd_fees"] < 0.22
    assert len(r.network_totals()) == 9


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 3000), st.integers(0, 20000), st.floats(0, 1)),
        min_size=1,
        max_size=8,
    )
)
def test_budget_neutrality_holds(rows):
    prac = pd.concat(
        [
            _practice(practice_id=f"P{i}", quality_achievement=q, patients=n)
            for i, (n, _, q) in enumerate(rows)
        ],
        ignore_index=True,
    )
    lists = _lists(
        [
            (f"P{i}", "60-64", "F", i % 2 == 0, False, n, c, c // 10)
            for i, (n, c, _) in enumerate(rows)
        ]
    )
    inc = I.practice_income(prac, lists, PARAMS, I.MODELS)
    bn = I.make_budget_neutral(inc)
    totals = bn.groupby("model")["cents"].sum()
    assert (totals == totals["classic"]).all()
    classic = bn[bn["model"] == "classic"]
    assert classic["cents"].tolist() == inc[inc["model"] == "classic"]["cents"].tolist()
