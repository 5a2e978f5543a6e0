"""Yearly income of GP practices under the classic model, the New Deal and a Cappuccino mix.

Inputs are the ``gp_practices`` and ``practice_lists`` tables
(:mod:`mesocare.territory.practice_lists`) and a
:class:`~mesocare.financing.parameters.PracticePaymentParams`. Output is a long table, one row per
practice x model x layer with the amount in integer cents (``cents``) and euros (``eur``), and a
``kind`` that groups layers across models: ``service`` (fees per act: fee-for-service, milk),
``patient`` (per enrolled patient: GMD fees, capitation, coffee, forfait) and ``premium`` (premiums,
cream).

Rules (amounts from the parameter file):
- classic: consultations x fee + home visits x fee; GMD patients x yearly GMD fee; premiums per GP
  FTE and per practice;
- new_deal: the reduced fees; the classic GMD fee, which continues, with the capitation on top:
  per GMD patient from the age x BIM cell plus a supplement per chronic patient; premiums: the
  classic premiums that continue (``new_deal.continues``) plus the practice-management premium
  of the highest tier whose three thresholds (GPs, employees, patients) are met, x 4 quarters,
  plus the practice-nurse premium: with more than ``first_patients`` and at least
  ``min_nurse_hours_per_week``, the first amount plus one step per further *complete*
  ``step_patients`` (patients counted up to ``max_patients``) for which the nurse also works
  ``step_nurse_hours_per_week`` more, capped at ``max_eur_per_year``;
- cappuccino: coffee per patient weighted by (capitation cell + chronic supplement) / the 25-year-
  old non-BIM cell; milk fees per act; cream = patients x amount x quality achievement (0-1);
- forfait (optional): the maison médicale GP forfait, patients x monthly amount x 12.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mesocare.errors import ParameterError
from mesocare.financing.money import split_cents
from mesocare.financing.parameters import NewDeal, PracticePaymentParams
from mesocare.territory.schema import age_band_lower

MODELS: tuple[str, ...] = ("classic", "new_deal", "cappuccino", "forfait")
DEFAULT_MODELS: tuple[str, ...] = ("classic", "new_deal", "cappuccino")
LAYERS: dict[str, tuple[tuple[str, str], ...]] = {
    "classic": (("fee_for_service", "service"), ("gmd_fees", "patient"), ("premiums", "premium")),
    "new_deal": (
        ("fee_for_service", "service"),
        ("gmd_fees", "patient"),
        ("capitation", "patient"),
        ("premiums", "premium"),
    ),
    "cappuccino": (("milk", "service"), ("coffee", "patient"), ("cream", "premium")),
    "forfait": (("forfait", "patient"),),
}


def capitation_weight(nd: NewDeal, age_band: str, bim: bool, chronic: bool) -> float:
    """Capitation of one patient in euros per year under the New Deal."""
    eur = nd.capitation_eur(age_band_lower(age_band), bim)
    return eur + (nd.chronic_supplement_eur_per_patient_year.value if chronic else 0.0)


def new_deal_capitation(lists: pd.DataFrame, params: PracticePaymentParams) -> pd.Series:
    """Yearly New Deal capitation per practice (euros, unrounded)."""
    nd = params.new_deal
    # one weight per distinct (age band, BIM, chronic) cell, then spread to the rows
    cells = pd.MultiIndex.from_arrays([lists["age_band"], lists["bim"], lists["chronic"]])
    codes, uniq = cells.factorize(use_na_sentinel=False)
    per = np.array([capitation_weight(nd, a, bool(b), bool(c)) for a, b, c in uniq], dtype=float)[
        codes
    ]
    amount = lists["patients"].to_numpy(dtype=float) * per
    return pd.Series(amount, index=lists.index).groupby(lists["practice_id"]).sum()


def management_premium(nd: NewDeal, n_gps: int, employees: int, patients: int) -> float:
    """Yearly practice-management premium (4 quarters of the highest tier met; 0 if none)."""
    best = 0.0
    for tier in nd.management_premium:
        if (
            n_gps >= tier.min_gps
            and employees >= tier.min_employees
            and patients >= tier.min_patients
        ):
            best = max(best, tier.eur_per_quarter.value)
    return 4 * best


def nurse_premium(nd: NewDeal, nurse_hours_per_week: float, patients: int) -> float:
    """Yearly practice-nurse premium (see the module doc)."""
    p = nd.nurse_premium
    base_hours = p.min_nurse_hours_per_week.value
    if nurse_hours_per_week < base_hours or patients <= p.first_patients.value:
        return 0.0
    counted = min(patients, p.max_patients.value) - p.first_patients.value
    by_patients = int(max(counted, 0) // p.step_patients.value)
    by_hours = int((nurse_hours_per_week - base_hours) // p.step_nurse_hours_per_week.value)
    steps = min(by_patients, by_hours)
    return min(
        p.first_eur_per_year.value + steps * p.step_eur_per_year.value, p.max_eur_per_year.value
    )


def practice_income(
    practices: pd.DataFrame,
    lists: pd.DataFrame,
    params: PracticePaymentParams,
    models: tuple[str, ...] = DEFAULT_MODELS,
) -> pd.DataFrame:
    """Long table: practice_id, model, layer, kind, cents, eur."""
    for m in models:
        if m not in MODELS:
            raise ParameterError(f"unknown payment model '{m}'; known: {', '.join(MODELS)}")
    pid = practices["practice_id"].to_numpy()
    g = lists.groupby("practice_id")
    cons = g["consultations"].sum().reindex(pid, fill_value=0).to_numpy(dtype=float)
    hv = g["home_visits"].sum().reindex(pid, fill_value=0).to_numpy(dtype=float)
    pats = g["patients"].sum().reindex(pid, fill_value=0).to_numpy(dtype=float)
    cap = new_deal_capitation(lists, params).reindex(pid, fill_value=0).to_numpy(dtype=float)
    c, nd, cp = params.classic, params.new_deal, params.cappuccino
    ref = nd.capitation_eur(25, False)
    if ref <= 0:
        raise ParameterError(
            "new_deal.capitation: the 25-59 non-BIM cell must be > 0 (coffee weights)"
        )
    quality = np.clip(practices["quality_achievement"].to_numpy(dtype=float), 0, 1)
    n_gps = practices["n_gps"].to_numpy()
    emp = practices["employees"].to_numpy()
    nurse_h = practices["nurse_hours_per_week"].to_numpy(dtype=float)
    nd_prem = np.array(
        [
            management_premium(nd, int(n), int(e), int(p)) + nurse_premium(nd, float(h), int(p))
            for n, e, p, h in zip(n_gps, emp, pats, nurse_h, strict=True)
        ]
    )
    gmd = pats * c.gmd_fee_eur_per_patient_year.value
    gp_prem = practices["gp_fte"].to_numpy(dtype=float) * c.premium_eur_per_gp_fte_year.value
    practice_prem = np.full(len(pid), c.premium_eur_per_practice_year.value)
    kept = nd.continues
    amounts: dict[str, dict[str, np.ndarray]] = {
        "classic": {
            "fee_for_service": cons * c.consultation_fee_eur.value
            + hv * c.home_visit_fee_eur.value,
            "gmd_fees": gmd,
            "premiums": gp_prem + practice_prem,
        },
        "new_deal": {
            "fee_for_service": cons * nd.consultation_fee_eur.value
            + hv * nd.home_visit_fee_eur.value,
            "gmd_fees": gmd * kept.gmd_fee.kept,
            "capitation": cap,
            "premiums": nd_prem
            + gp_prem * kept.gp_premiums.kept
            + practice_prem * kept.practice_premium.kept,
        },
        "cappuccino": {
            "milk": cons * cp.milk_consultation_fee_eur.value
            + hv * cp.milk_home_visit_fee_eur.value,
            "coffee": cap / ref * cp.coffee_eur_per_weighted_patient_year.value,
            "cream": pats * cp.cream_eur_per_patient_year_at_full_achievement.value * quality,
        },
        "forfait": {
            "forfait": pats * params.maison_medicale.gp_eur_per_patient_month.value * 12,
        },
    }
    parts = []
    for m in models:
        for layer, kind in LAYERS[m]:
            eur = amounts[m][layer]
            parts.append(
                pd.DataFrame(
                    {
                        "practice_id": pid,
                        "model": m,
                        "layer": layer,
                        "kind": kind,
                        "cents": np.round(eur * 100).astype(np.int64),
                    }
                )
            )
    out = pd.concat(parts, ignore_index=True)
    out["eur"] = out["cents"] / 100
    return out


def make_budget_neutral(income: pd.DataFrame, reference: str = "classic") -> pd.DataFrame:
    """Scale every other model so its total equals the reference model's total, to the cent.

    Each model's cells (practice x layer) share the reference total in proportion to their own
    amounts, by the largest-remainder rule; the layer mix of each practice is kept.
    """
    if reference not in set(income["model"]):
        raise ParameterError(f"budget neutrality needs the reference model '{reference}'")
    target = int(income.loc[income["model"] == reference, "cents"].sum())
    out = income.copy()
    for m in out["model"].unique():
        if m == reference:
            continue
        rows = out["model"] == m
        out.loc[rows, "cents"] = split_cents(out.loc[rows, "cents"].to_numpy(dtype=float), target)
    out["eur"] = out["cents"] / 100
    return out


def by_practice(
    income: pd.DataFrame, practices: pd.DataFrame, *, tolerance: float = 0.01
) -> pd.DataFrame:
    """One row per practice: total per model, each reform's change against classic and whether
    the practice wins (> +tolerance), loses (< -tolerance) or stays about equal."""
    tot = income.pivot_table(index="practice_id", columns="model", values="cents", aggfunc="sum")
    models = [m for m in MODELS if m in tot.columns]
    keep = ["practice_id", "network_code", "n_gps", "patients"]
    out = practices[[c for c in keep if c in practices.columns]].set_index("practice_id")
    for m in models:
        out[f"{m}_eur"] = tot[m] / 100
    if "classic" in models:
        for m in models:
            if m == "classic":
                continue
            diff = (tot[m] - tot["classic"]) / 100
            out[f"{m}_change_eur"] = diff
            rel = diff / (tot["classic"] / 100).where(tot["classic"] > 0)
            out[f"{m}_change_pct"] = (100 * rel).round(1)
            out[f"{m}_outcome"] = np.select(
                [rel > tolerance, rel < -tolerance], ["wins", "loses"], "about equal"
            )
    return out.reset_index()


def layer_shares(
    income: pd.DataFrame, by: str | None = None, practices: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Amount and share of each layer per model, overall or per ``by`` ('practice_id' or
    'network_code', the latter needing ``practices``)."""
    df = income
    keys = ["model", "layer", "kind"]
    if by == "network_code":
        if practices is None:
            raise ParameterError("layer shares per network need the practices table")
        df = df.merge(practices[["practice_id", "network_code"]], on="practice_id")
    group = ([by] if by else []) + keys
    out = pd.DataFrame(df.groupby(group, as_index=False, sort=False)["cents"].sum())
    total = out.groupby(([by] if by else []) + ["model"])["cents"].transform("sum")
    out["eur"] = out["cents"] / 100
    out["share"] = np.where(total > 0, out["cents"] / total.where(total > 0, 1), 0.0)
    return out
