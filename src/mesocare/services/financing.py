"""Financing use cases, shared by ``mesocare fund …`` and the report's financing section."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from mesocare.errors import ParameterError
from mesocare.financing import allocation, cpts, income, need, parameters
from mesocare.territory import Territory
from mesocare.territory.practice_lists import tables_of

LEVELS = ("network", "zone", "practice", "area")


def _zone_filter(territory: Territory, zone_code: str | None) -> None:
    if zone_code is not None:
        territory.require_zone(zone_code)


def practice_tables(
    territory: Territory, zone_code: str | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The practices and their lists (from the territory or synthetic), limited to a zone."""
    _zone_filter(territory, zone_code)
    prac, lists = tables_of(territory)
    if zone_code is not None:
        prac = prac[prac["zone_code"] == zone_code].reset_index(drop=True)
        lists = lists[lists["practice_id"].isin(set(prac["practice_id"]))].reset_index(drop=True)
    return prac, lists


def practice_tables_by_zone(territory: Territory) -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    """:func:`practice_tables` of every zone with practices, derived and split once: for reports
    on many zones of one territory (a zone missing from the result has no practice)."""
    prac, lists = tables_of(territory)
    zone_of = dict(zip(prac["practice_id"], prac["zone_code"], strict=True))
    lists_by_zone = {
        str(z): g.reset_index(drop=True)
        for z, g in lists.groupby(lists["practice_id"].map(zone_of), sort=False)
    }
    return {
        str(z): (g.reset_index(drop=True), lists_by_zone.get(str(z), lists.iloc[0:0]))
        for z, g in prac.groupby("zone_code", sort=False, observed=True)
    }


@dataclass(frozen=True)
class IncomeResult:
    params: parameters.PracticePaymentParams
    budget_neutral: bool
    practices: pd.DataFrame
    income: pd.DataFrame  # long: practice_id, model, layer, kind, cents, eur
    by_practice: pd.DataFrame
    by_network: pd.DataFrame  # network_code, model, layer, kind, cents, eur, share
    overall: pd.DataFrame  # model, layer, kind, cents, eur, share

    def network_totals(self) -> pd.DataFrame:
        t = self.by_network.pivot_table(
            index="network_code", columns="model", values="eur", aggfunc="sum"
        )
        models = [m for m in income.MODELS if m in t.columns]
        return t[models].add_suffix("_eur").reset_index()


def practice_income(
    territory: Territory,
    zone_code: str | None = None,
    *,
    params_path: str | Path | None = None,
    budget_neutral: bool = False,
    models: Sequence[str] = income.DEFAULT_MODELS,
    tables: tuple[pd.DataFrame, pd.DataFrame] | None = None,
) -> IncomeResult:
    """Each practice's yearly income under the payment models (optionally budget-neutral).

    ``tables``: the zone's practices and lists when already at hand (from
    :func:`practice_tables_by_zone`), else derived from the territory."""
    params = parameters.load_practice_payment(params_path)
    if tables is None:
        prac, lists = practice_tables(territory, zone_code)
    else:
        _zone_filter(territory, zone_code)
        prac, lists = tables
    if prac.empty:
        raise ParameterError(f"no GP practice in zone '{zone_code}'")
    inc = income.practice_income(prac, lists, params, tuple(models))
    if budget_neutral:
        inc = income.make_budget_neutral(inc)
    return IncomeResult(
        params=params,
        budget_neutral=budget_neutral,
        practices=prac,
        income=inc,
        by_practice=income.by_practice(inc, prac),
        by_network=income.layer_shares(inc, "network_code", prac),
        overall=income.layer_shares(inc),
    )


def _weights(
    weights_path: str | Path | None, overrides: Mapping[str, float] | None
) -> dict[str, float]:
    w = parameters.load_need_weights(weights_path).as_floats()
    if overrides:
        w.update(need.check_weights(overrides))
    return w


def allocate_budget(
    territory: Territory,
    budget_eur: float,
    *,
    level: str = "network",
    zone_code: str | None = None,
    weights_path: str | Path | None = None,
    weights: Mapping[str, float] | None = None,
    features: pd.DataFrame | None = None,
) -> allocation.Allocation:
    """Split ``budget_eur`` among the networks / zones / practices / areas (of a zone) by need.

    ``features``: the territory's :func:`need.area_features` when already at hand."""
    if level not in LEVELS:
        raise ParameterError(f"unknown level '{level}'; expected one of {', '.join(LEVELS)}")
    _zone_filter(territory, zone_code)
    w = _weights(weights_path, weights)
    feats = need.area_features(territory) if features is None else features
    if level == "practice":
        prac, lists = practice_tables(territory, zone_code)
        pf = need.practice_features(prac, lists, feats)
        units = pd.DataFrame(
            {
                "unit_code": pf["practice_id"],
                "name": pf["network_code"],
                "population": pf["population"],
                "need": need.weighted_population(pf, w),
            }
        )
    else:
        if zone_code is not None:
            feats = feats[feats["zone_code"] == zone_code]
        units = need.need_by_unit(feats, w, level)
        units.insert(1, "name", [territory.unit_name(c) for c in units["unit_code"]])
    return allocation.allocate(units, budget_eur)


def zorgraad_grant(
    territory: Territory, *, params_path: str | Path | None = None, budget_eur: float | None = None
) -> allocation.Allocation:
    """The zorgraad grant shared among the territory's zones per weighted inhabitant."""
    p = parameters.load_zorgraad(params_path)
    budget = p.grant.budget_eur_per_year.value if budget_eur is None else budget_eur
    units = need.need_by_unit(need.area_features(territory), p.as_floats(), "zone")
    units.insert(1, "name", [territory.unit_name(c) for c in units["unit_code"]])
    return allocation.allocate(units, budget)


def cpts_contract(
    *,
    territory: Territory | None = None,
    zone_code: str | None = None,
    network_codes: Sequence[str] = (),
    area_codes: Sequence[str] = (),
    population: int | None = None,
    params_path: str | Path | None = None,
    missions_path: str | Path | None = None,
    achievement: float | Mapping[int, float] = 1.0,
    missions: Sequence[str] | None = None,
) -> cpts.CptsSimulation:
    """Simulate a CPTS contract for a population given directly or as a set of areas, networks or
    a zone of the territory."""
    if population is None:
        if territory is None:
            raise ParameterError("give a population or a territory with a zone, networks or areas")
        pop = territory.population_by_area().merge(
            territory.areas[["area_code", "network_code", "zone_code"]], on="area_code"
        )
        if zone_code is not None:
            territory.require_zone(zone_code)
            pop = pop[pop["zone_code"] == zone_code]
        if network_codes:
            unknown = set(network_codes) - set(pop["network_code"])
            if unknown:
                raise ParameterError(f"unknown network(s): {', '.join(sorted(unknown))}")
            pop = pop[pop["network_code"].isin(network_codes)]
        if area_codes:
            unknown = set(area_codes) - set(pop["area_code"])
            if unknown:
                raise ParameterError(f"unknown area(s): {', '.join(sorted(unknown)[:10])}")
            pop = pop[pop["area_code"].isin(area_codes)]
        population = int(pop["population"].sum())
    return cpts.simulate(
        population,
        parameters.load_cpts(params_path),
        cpts.load_missions(missions_path),
        achievement=achievement,
        selected=missions,
    )
