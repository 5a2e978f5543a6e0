"""Use case: the profile of a French CPTS from the DREES APL of its communes.

A CPTS is a zone of a territory imported by ``mesocare import france --cpts FILE``. Its profile:
the size class (T1–T4) of its municipal population, its APL to GPs (all GPs and GPs up to 65)
against its département, its région and France, the share of its inhabitants in under-served
communes, its poverty rate (when the territory has it) and the ACI amounts of its class.

Aggregation rules (the DREES note of the APL workbook): an APL over several communes is weighted
by the *standardised* population; a share of inhabitants under an APL threshold uses the
*total* population of the DREES file. A commune is under-served when its APL is below 2.5 (zoning
decree of 13 November 2017; sources differ on < or ≤, this uses <). A poverty rate over several
communes is weighted by the municipal population (communes without a published rate left out,
and counted). The comparators are computed from every commune of the territory with an APL: the
département and région are those holding most of the CPTS's inhabitants.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict

from mesocare.errors import MesocareError
from mesocare.services.financing import cpts_contract
from mesocare.territory import Territory

UNDERSERVED_APL = 2.5
YEARS = (2022, 2023)


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AplComparison(_Frozen):
    """The APL of a unit (the CPTS, its département, its région, France)."""

    level: str  # cpts | department | region | country
    code: str
    name: str
    apl: float
    apl_under65: float
    underserved_share_pct: float


class CptsCommune(_Frozen):
    code: str
    name: str
    population: int
    apl: float | None
    apl_under65: float | None
    population_standardised: float | None
    underserved: bool | None
    poverty_rate_pct: float | None


class FundingLine(_Frozen):
    item: str
    fixed_eur_per_year: float
    variable_max_eur_per_year: float
    total_eur_per_year: float


class CptsProfile(_Frozen):
    territory: str
    code: str
    name: str
    year: int
    population: int
    size_class: str
    comparisons: list[AplComparison]
    underserved_population: int
    poverty_rate_pct: float | None
    poverty_communes: int
    #: amounts per year once every mission is deployed (last contract year), full achievement
    funding: list[FundingLine]
    funding_year: int
    communes: list[CptsCommune]
    sources: list[str]


def _apl(rows: pd.DataFrame, year: int) -> tuple[float, float, float]:
    """(APL, APL up to 65, % of inhabitants with APL < 2.5) of a set of communes."""
    r = rows.dropna(subset=[f"apl_{year}"])
    w = r[f"population_standardised_{year}"]
    p = r[f"population_apl_{year}"]
    if w.sum() <= 0:
        raise MesocareError(f"no APL {year} for these communes")
    apl = float((r[f"apl_{year}"] * w).sum() / w.sum())
    u65 = float((r[f"apl_under65_{year}"] * w).sum() / w.sum())
    share = float(100 * p[r[f"apl_{year}"] < UNDERSERVED_APL].sum() / p.sum())
    return apl, u65, share


def cpts_profile(territory: Territory, cpts: str, *, year: int = 2023) -> CptsProfile:
    """The profile of the CPTS ``cpts`` (a zone code) for the APL of ``year`` (2022 or 2023)."""
    if year not in YEARS:
        raise MesocareError(f"no APL for {year}; the DREES file has {', '.join(map(str, YEARS))}")
    attrs = territory.area_attributes
    if f"apl_{year}" not in attrs.columns:
        raise MesocareError(
            f"territory '{territory.manifest.name}' has no DREES APL: import it with "
            "`mesocare import france DATA_DIR --out DIR --cpts FILE`"
        )
    territory.require_zone(cpts)
    a = territory.areas[["area_code", "name", "zone_code", "region_code", "department_code"]]
    table = pd.DataFrame(a).merge(attrs, on="area_code", how="left")
    mine = table[(table["zone_code"] == cpts).fillna(False).to_numpy(dtype=bool)]
    population = int(mine["population_municipal"].sum())
    sim = cpts_contract(population=population)

    def main(col: str) -> str:
        return str(mine.groupby(col)["population_municipal"].sum().idxmax())

    comparisons = []
    for level, code, rows in (
        ("cpts", cpts, mine),
        ("department", main("department_code"), table[table["department_code"] == main("department_code")]),
        ("region", main("region_code"), table[table["region_code"] == main("region_code")]),
        ("country", "FR", table),
    ):  # fmt: skip
        apl, u65, share = _apl(rows, year)
        name = "France" if level == "country" else territory.unit_name(code)
        comparisons.append(
            AplComparison(
                level=level, code=code, name=name, apl=apl, apl_under65=u65,
                underserved_share_pct=share,
            )
        )  # fmt: skip
    rate = mine.get("poverty_rate_pct")
    pov, pov_n = None, 0
    if rate is not None and bool(rate.notna().any()):
        has = mine[rate.notna()]
        pov_n = len(has)
        pov = float((has["poverty_rate_pct"] * has["population_municipal"]).sum())
        pov /= float(has["population_municipal"].sum())
    last = int(sim.yearly["year"].max())
    y = sim.yearly[sim.yearly["year"] == last]
    funding = [
        FundingLine(
            item=str(r["item"]),
            fixed_eur_per_year=float(r["fixed_eur"]),
            variable_max_eur_per_year=float(r["variable_eur"]),
            total_eur_per_year=float(r["total_eur"]),
        )
        for r in y.to_dict("records")
    ]
    under = mine[f"apl_{year}"] < UNDERSERVED_APL
    communes = [
        CptsCommune(
            code=str(r["area_code"]),
            name=str(r["name"]),
            population=int(r["population_municipal"]),
            apl=_num(r[f"apl_{year}"]),
            apl_under65=_num(r[f"apl_under65_{year}"]),
            population_standardised=_num(r[f"population_standardised_{year}"]),
            underserved=None if pd.isna(r[f"apl_{year}"]) else bool(u),
            poverty_rate_pct=_num(r["poverty_rate_pct"]) if "poverty_rate_pct" in r else None,
        )
        for (_, r), u in zip(mine.iterrows(), under, strict=True)
    ]
    return CptsProfile(
        territory=territory.manifest.name,
        code=cpts,
        name=territory.unit_name(cpts),
        year=year,
        population=population,
        size_class=sim.size_class,
        comparisons=comparisons,
        underserved_population=int(mine.loc[under.to_numpy(), f"population_apl_{year}"].sum()),
        poverty_rate_pct=pov,
        poverty_communes=pov_n,
        funding=funding,
        funding_year=last,
        communes=sorted(communes, key=lambda c: c.code),
        sources=[s.name for s in territory.manifest.sources],
    )


def _num(v: Any) -> float | None:
    return None if v is None or pd.isna(v) else float(v)
