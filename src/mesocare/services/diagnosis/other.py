"""The zoning, financing and population-health themes of a zone's diagnosis."""

from __future__ import annotations

import pandas as pd

from mesocare.errors import MesocareError
from mesocare.financing.parameters import unconfirmed_figures
from mesocare.services.diagnosis.findings import num
from mesocare.services.diagnosis.model import (
    AllocationRow,
    FinancingTheme,
    Finding,
    IncomeLayer,
    LayerShare,
    MeasureRow,
    PopulationHealthTheme,
    PracticeIncome,
    UnitRef,
    ZoningRow,
    ZoningTheme,
)
from mesocare.services.diagnosis.shared import TerritoryResults

#: Bounds of a Flemish primary care zone in the 2017 call (DOMAIN.md); a documented default.
ZONE_MIN_POPULATION = 75_000
ZONE_MAX_POPULATION = 125_000
#: Vicinity networks are scored against their mean population ± this share.
NETWORK_TOLERANCE = 0.3
#: The budget shared in the diagnosis's allocation example (a documented illustration).
EXAMPLE_BUDGET_EUR = 1_000_000.0
HEALTH_TABLE = "population_health"
MAP_MEASURE = "multimorbidity"


def _zoning_rows(shared: TerritoryResults, zones: pd.DataFrame, level: str) -> list[ZoningRow]:
    return [
        ZoningRow(
            unit=UnitRef(
                code=str(r.zone), name=shared.names.get(str(r.zone), str(r.zone)), level=level
            ),  # type: ignore[arg-type]
            areas=int(r.areas),
            population=int(r.population),
            bounds=str(r.bounds),  # type: ignore[arg-type]
            contiguous=bool(r.contiguous),
            pieces=int(r.pieces),
            compactness_km=float(r.compactness_km),
        )
        for r in zones.itertuples(index=False)
    ]


def zoning(shared: TerritoryResults, zone: str) -> ZoningTheme | None:
    from mesocare.services.zoning import evaluate_zoning, network_bounds

    areas = shared.zone_areas(zone)
    if not len(areas):
        return None
    nets = areas["network_code"]
    kw: dict = {}
    if nets.notna().any():
        n_nets = int(nets.nunique())
        pop = float(shared.pop_by_area.reindex(areas["area_code"]).sum())
        lo, hi = network_bounds(pop, n_nets, NETWORK_TOLERANCE)
        ev = evaluate_zoning(
            shared.territory, level="network", zone_code=zone, min_population=lo, max_population=hi
        )
        kw = {
            "network_min": lo,
            "network_max": hi,
            "network_tolerance": NETWORK_TOLERANCE,
            "networks": _zoning_rows(shared, ev.zones, "network"),
            "area_network": [None if pd.isna(n) else str(n) for n in nets],
            "area_codes": areas["area_code"].astype(str).tolist(),
        }
    region = shared.zone_region[zone]
    ev_region = shared.region_zoning(region, ZONE_MIN_POPULATION, ZONE_MAX_POPULATION)
    return ZoningTheme(
        zone_min=ZONE_MIN_POPULATION,
        zone_max=ZONE_MAX_POPULATION,
        zones=_zoning_rows(shared, ev_region.zones, "zone"),
        **kw,
    )


def financing(shared: TerritoryResults, zone: str) -> FinancingTheme | None:
    from mesocare.services.financing import allocate_budget, practice_income

    t = shared.territory
    try:
        tables = shared.practice_tables
        if zone not in tables:
            return None  # no practice in the zone: the theme is left out
        inc = practice_income(t, zone, tables=tables[zone])
        alloc = allocate_budget(
            t, EXAMPLE_BUDGET_EUR, level="network", zone_code=zone, features=shared.area_features
        )
    except MesocareError:
        return None  # no practices or data for this zone
    net_of = dict(zip(inc.practices["practice_id"], inc.practices["network_code"], strict=True))
    layers = [
        IncomeLayer(
            practice_id=str(r.practice_id),
            network_code=str(net_of.get(r.practice_id, "")),
            model=str(r.model),
            layer=str(r.layer),
            kind=str(r.kind),
            eur=float(r.eur),
        )
        for r in inc.income.itertuples(index=False)
    ]
    practices = [
        PracticeIncome(
            practice_id=str(r.practice_id),
            network_code=str(r.network_code),
            gps=int(r.n_gps),
            patients=None if pd.isna(r.patients) else int(r.patients),
            classic_eur=float(r.classic_eur),
            new_deal_eur=float(r.new_deal_eur),
            cappuccino_eur=float(r.cappuccino_eur),
            new_deal_outcome=str(r.new_deal_outcome),
            cappuccino_outcome=str(r.cappuccino_outcome),
        )
        for r in inc.by_practice.sort_values(["network_code", "practice_id"]).itertuples(
            index=False
        )
    ]
    return FinancingTheme(
        parameter_set=inc.params.meta.name,
        parameter_version=str(inc.params.meta.version),
        unconfirmed_figures=len(unconfirmed_figures(inc.params)),
        lists_from_territory="practice_lists" in t.tables,
        practices=practices,
        layers=layers,
        shares=[
            LayerShare(
                model=r.model, layer=r.layer, kind=r.kind, eur=float(r.eur), share=float(r.share)
            )
            for r in inc.overall.itertuples(index=False)
        ],
        budget_eur=EXAMPLE_BUDGET_EUR,
        allocation=[
            AllocationRow(
                unit=UnitRef(code=str(r.unit_code), name=str(r.name), level="network"),
                population=float(r.population),
                need=float(r.need),
                need_per_inhabitant=float(r.need_per_inhabitant),
                need_rule_eur=float(r.need_rule_eur),
                equal_rule_eur=float(r.equal_rule_eur),
                difference_eur=float(r.difference_eur),
                need_rule_eur_per_inhabitant=float(r.need_rule_eur_per_inhabitant),
                equal_rule_eur_per_inhabitant=float(r.equal_rule_eur_per_inhabitant),
            )
            for r in alloc.table.itertuples(index=False)
        ],
        concentration_need_rule=float(alloc.concentration_need_rule),
        concentration_equal_rule=float(alloc.concentration_equal_rule) + 0.0,
    )


def _measures(m: pd.DataFrame, zone: str, region: str, kind: str) -> list[MeasureRow]:
    def unit(level: str, code: str) -> pd.DataFrame:
        sel = (m["level"] == level) & (m["unit_code"] == code) & (m["measure_kind"] == kind)
        return m[sel.to_numpy()].set_index("measure")

    z, r = unit("zone", zone), unit("region", region)

    def col(frame: pd.DataFrame, name: str, key: str) -> float | None:
        if name not in frame.columns or key not in frame.index:
            return None
        return num(frame.at[key, name])

    return [
        MeasureRow(
            measure=str(k),
            kind=kind,
            numerator=col(z, "numerator", k),
            denominator=col(z, "denominator", k),
            rate=col(z, "rate", k),
            lower=col(z, "rate_lower", k),
            upper=col(z, "rate_upper", k),
            dsr=col(z, "dsr", k),
            dsr_lower=col(z, "dsr_lower", k),
            dsr_upper=col(z, "dsr_upper", k),
            region_rate=col(r, "rate", k),
            region_dsr=col(r, "dsr", k),
            note=_note(z, k),
        )
        for k in z.index
    ]


def population_health(shared: TerritoryResults, zone: str) -> PopulationHealthTheme | None:
    m = shared.territory.tables.get(HEALTH_TABLE)
    if m is None or m.empty:
        return None
    region = shared.zone_region[zone]
    areas = shared.zone_areas(zone)["area_code"].astype(str).tolist()
    am = m[((m["level"] == "area") & (m["measure"] == MAP_MEASURE)).to_numpy()]
    rates = am.set_index("unit_code")["rate"].reindex(areas)
    findings = [
        Finding(
            indicator_id=f"{row.kind}:{row.measure}",
            unit_code=zone,
            level="zone",
            value=row.rate,
            unit="share of persons",
            numerator=row.numerator,
            denominator=row.denominator,
            lower=row.lower,
            upper=row.upper,
            interval_method="wilson",
            region_value=row.region_rate,
            significance=_significance(row),  # type: ignore[arg-type]
            polarity="lower_is_better",
            reference_year=shared.territory.manifest.reference_year,
            source="population health records (suppressed aggregates)",
        )
        for row in _measures(m, zone, region, "care_gap")
    ]
    return PopulationHealthTheme(
        findings=findings,
        strata=_measures(m, zone, region, "stratum"),
        prevalences=_measures(m, zone, region, "prevalence"),
        care_gaps=_measures(m, zone, region, "care_gap"),
        map_measure=MAP_MEASURE,
        area_codes=areas,
        area_rates=[num(v) for v in rates.to_numpy(dtype=float)],
    )


def _note(frame: pd.DataFrame, key: str) -> str | None:
    if "note" not in frame.columns or key not in frame.index:
        return None
    v = frame.at[key, "note"]
    return str(v) if isinstance(v, str) and v else None


def _significance(row: MeasureRow) -> str:
    if row.lower is None or row.upper is None or row.region_rate is None:
        return "not_compared"
    if row.region_rate < row.lower:
        return "worse"
    if row.region_rate > row.upper:
        return "better"
    return "similar"
