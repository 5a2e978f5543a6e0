"""Split a budget among units by need, compared with an equal amount per inhabitant.

Both splits are in integer cents by the largest-remainder rule (:mod:`mesocare.financing.money`),
so each sums exactly to the budget. The concentration index of money against need tells whether
money goes to the units with more need per inhabitant (> 0), evenly (0) or the opposite (< 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from mesocare.errors import ParameterError
from mesocare.financing.money import split_cents, to_cents


@dataclass(frozen=True)
class Allocation:
    table: pd.DataFrame
    budget_cents: int
    #: concentration index of need-based money per inhabitant, ranked by need per inhabitant
    concentration_need_rule: float
    #: the same for an equal amount per inhabitant (0 by construction, up to rounding)
    concentration_equal_rule: float


def allocate(units: pd.DataFrame, budget_eur: float) -> Allocation:
    """``units`` has ``unit_code``, ``population`` and ``need``; returns one row per unit with
    ``need_share``, ``need_rule_eur``, ``equal_rule_eur``, ``difference_eur`` and the amounts per
    inhabitant (and the exact ``*_cents`` columns)."""
    for col in ("unit_code", "population", "need"):
        if col not in units.columns:
            raise ParameterError(f"allocation units lack the column '{col}'")
    if len(units) == 0:
        raise ParameterError("nothing to allocate to: no units")
    budget = to_cents(budget_eur)
    if budget < 0:
        raise ParameterError(f"the budget must be >= 0; found {budget_eur!r}")
    pop = units["population"].to_numpy(dtype=float)
    need = units["need"].to_numpy(dtype=float)
    by_need = split_cents(need, budget)
    by_head = split_cents(pop, budget)
    t = units[["unit_code"]].copy().reset_index(drop=True)
    if "name" in units.columns:
        t["name"] = units["name"].to_numpy()
    t["population"] = units["population"].to_numpy()
    t["need"] = np.round(need, 1)
    t["need_share"] = need / need.sum() if need.sum() > 0 else 0.0
    t["need_rule_cents"] = by_need
    t["equal_rule_cents"] = by_head
    t["need_rule_eur"] = by_need / 100
    t["equal_rule_eur"] = by_head / 100
    t["difference_eur"] = (by_need - by_head) / 100
    safe = np.where(pop > 0, pop, np.nan)
    t["need_per_inhabitant"] = need / safe
    t["need_rule_eur_per_inhabitant"] = by_need / 100 / safe
    t["equal_rule_eur_per_inhabitant"] = by_head / 100 / safe
    return Allocation(
        table=t,
        budget_cents=budget,
        concentration_need_rule=concentration_index(by_need, need, pop),
        concentration_equal_rule=concentration_index(by_head, need, pop),
    )


def concentration_index(money: np.ndarray, need: np.ndarray, population: np.ndarray) -> float:
    """Concentration index of money per inhabitant over units ranked by need per inhabitant.

    ``C = 2 / mu * sum_i f_i y_i R_i - 1`` with ``f_i`` the population share, ``y_i`` money per
    inhabitant, ``mu`` its population-weighted mean and ``R_i`` the fractional rank (cumulative
    population share up to the middle of unit ``i``) when units are sorted by need per inhabitant.
    It ranges over (-1, 1): 0 when money per inhabitant is equal, > 0 when it favours need.
    Units without population are left out.
    """
    money = np.asarray(money, dtype=float)
    need = np.asarray(need, dtype=float)
    pop = np.asarray(population, dtype=float)
    keep = pop > 0
    money, need, pop = money[keep], need[keep], pop[keep]
    if len(pop) == 0 or money.sum() <= 0:
        return 0.0
    order = np.lexsort((np.arange(len(pop)), need / pop))
    f = pop[order] / pop.sum()
    y = money[order] / pop[order]
    mu = float((f * y).sum())
    rank = np.cumsum(f) - f / 2
    return float(2 / mu * (f * y * rank).sum() - 1)
