"""Territory-wide results that every zone's diagnosis reads, computed once and kept by name.

:class:`TerritoryResults` replaces a string-keyed cache: each attribute is a ``cached_property``
computed on first use (so a zone that needs no accessibility never pays for it) and shared by the
diagnoses of every zone of the territory. Tables with one row per unit are split by zone once, so
each zone reads small tables instead of filtering the whole territory again.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from mesocare.errors import MesocareError
from mesocare.indicators import INDICATORS, compute_indicators, gp_shortage, unit_counts
from mesocare.services.diagnosis.model import Spread
from mesocare.territory import Territory
from mesocare.territory.schema import AGE_BANDS

RANKED_SIGNIFICANCE = ("better", "worse", "similar", "higher", "lower")


@dataclass(frozen=True)
class ZoneStats:
    """Per (indicator, zone): its rank among the region's zones (and how many have a value);
    per (indicator, region): the spread of its zones' values."""

    rank: dict[tuple[str, str], tuple[int, int]]
    spread: dict[tuple[str, str], Spread]


class TerritoryResults:
    """The shared, lazily computed results of one territory (see the module docstring)."""

    def __init__(self, territory: Territory) -> None:
        #: areas outside every zone take no part in zone results (see ``Territory.zoned``)
        self.territory = territory.zoned()

    def prepare(self) -> None:
        """Compute every territory-wide result now (before forking workers that share them)."""
        names = ["names", "unit_zone", "zone_region", "area_rows", "neighbours", "pyramids"]
        names += ["indicators_by_zone", "zone_stats", "provider_places", "providers_by_zone"]
        if len(self.territory.providers):
            names.append("supply_counts")
        if self.has_gps:
            names += ["shortage_by_zone", "apl_units", "origins"]
        for name in names:
            getattr(self, name)
        self.wide("area")
        self.wide("network")
        for name in ("practice_tables", "area_features"):
            with contextlib.suppress(MesocareError):  # no practices: no financing theme
                getattr(self, name)

    # --- units and places -----------------------------------------------------------------
    @cached_property
    def names(self) -> dict[str, str]:
        t = self.territory
        out = dict(zip(t.units["unit_code"].astype(str), t.units["name"].astype(str), strict=True))
        out.update(zip(t.areas["area_code"].astype(str), t.areas["name"].astype(str), strict=True))
        return out

    @cached_property
    def unit_zone(self) -> dict[str, str]:
        """Zone code of every area, network and zone code."""
        a = self.territory.areas
        m = dict(zip(a["area_code"].astype(str), a["zone_code"].astype(str), strict=True))
        nets = a.dropna(subset=["network_code"]).drop_duplicates("network_code")
        m.update(zip(nets["network_code"].astype(str), nets["zone_code"].astype(str), strict=True))
        m.update({z: z for z in a["zone_code"].astype(str).unique()})
        return m

    @cached_property
    def zone_region(self) -> dict[str, str]:
        a = self.territory.areas.drop_duplicates("zone_code")
        return dict(zip(a["zone_code"].astype(str), a["region_code"].astype(str), strict=True))

    @cached_property
    def area_rows(self) -> dict[str, np.ndarray]:
        """Row positions of each zone's areas in ``territory.areas``."""
        return rows_by_label(self.territory.areas["zone_code"].astype(str).to_numpy())

    def zone_areas(self, zone: str) -> Any:
        return self.territory.areas.iloc[self.area_rows[zone]]

    @cached_property
    def neighbours(self) -> dict[str, list[str]]:
        """Zones that share a border (or a corner) with each zone, by area contiguity."""
        from mesocare.zoning.graph import from_geometry

        a = self.territory.areas
        graph = from_geometry(a.geometry.to_numpy())
        zone = a["zone_code"].astype(str).to_numpy()
        src, dst = graph.edges()
        pairs = {(zone[i], zone[j]) for i, j in zip(src.tolist(), dst.tolist(), strict=True)}
        out: dict[str, set[str]] = {z: set() for z in np.unique(zone).tolist()}
        for i, j in pairs:
            if i != j:
                out[i].add(j)
                out[j].add(i)
        return {z: sorted(v) for z, v in out.items()}

    # --- population -----------------------------------------------------------------------
    @cached_property
    def pop_by_area(self) -> pd.Series:
        return self.territory.population_by_area().set_index("area_code")["population"]

    @cached_property
    def pyramids(self) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
        """Percent per age band and sex of every zone and of every region."""
        t = self.territory
        codes = t.areas.set_index(t.areas["area_code"].astype(str))
        return (
            pyramid_shares(t.population, codes["zone_code"]),
            pyramid_shares(t.population, codes["region_code"]),
        )

    # --- indicators -----------------------------------------------------------------------
    @cached_property
    def unit_counts(self) -> pd.DataFrame:
        return unit_counts(self.territory)

    @cached_property
    def indicators(self) -> pd.DataFrame:
        return compute_indicators(self.territory, counts=self.unit_counts)

    @cached_property
    def indicators_by_zone(self) -> dict[str, pd.DataFrame]:
        return self._split_by_zone(self.indicators)

    @cached_property
    def zone_stats(self) -> ZoneStats:
        """Ranks and spreads of every indicator (and of the APL) over the zones of each region."""
        ind = self.indicators
        z = ind.loc[(ind["level"] == "zone").to_numpy(), ["indicator_id", "unit_code", "value"]]
        if self.has_gps:
            u = self.apl.units
            apl = u.loc[(u["level"] == "zone").to_numpy(), ["unit_code", "accessibility"]]
            z = pd.concat(
                [z, apl.rename(columns={"accessibility": "value"}).assign(indicator_id="apl")]
            )
        z = z.assign(region=z["unit_code"].astype(str).map(self.zone_region))
        rank: dict[tuple[str, str], tuple[int, int]] = {}
        spread: dict[tuple[str, str], Spread] = {}
        for (iid, region), g in z.groupby(["indicator_id", "region"], sort=False):
            v = g["value"].to_numpy(dtype=float)
            ok = np.isfinite(v)
            if not ok.any():
                continue
            d = INDICATORS.get(str(iid))
            ascending = d is not None and d.polarity == "lower_is_better"
            s = pd.Series(v[ok], index=g["unit_code"].to_numpy()[ok])
            ranks = s.rank(ascending=ascending, method="min").astype(int)
            for code, r in ranks.items():
                rank[(str(iid), str(code))] = (int(r), int(ok.sum()))
            q = [float(x) for x in np.quantile(v[ok], [0, 0.25, 0.5, 0.75, 1])]
            spread[(str(iid), str(region))] = Spread(
                zones=int(ok.sum()), min=q[0], q1=q[1], median=q[2], q3=q[3], max=q[4]
            )
        return ZoneStats(rank=rank, spread=spread)

    def wide(self, level: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Values and comparisons of every unit of ``level`` (rows) and indicator (columns)."""
        cache = self.__dict__.setdefault("_wide", {})
        if level not in cache:
            ind = self.indicators
            sub = ind[(ind["level"] == level).to_numpy()]
            cache[level] = (
                sub.pivot(index="unit_code", columns="indicator_id", values="value"),
                sub.pivot(index="unit_code", columns="indicator_id", values="comparison"),
            )
        return cache[level]

    # --- supply and shortage --------------------------------------------------------------
    @cached_property
    def supply_counts(self) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
        """Per (zone, discipline): providers, FTE, accepting, accepting known; providers per
        (region, discipline); population per region."""
        p = self.provider_places.assign(
            discipline=lambda d: d["discipline"].astype(str),
            acc=lambda d: d["accepting_new_patients"].astype("boolean"),
        )
        by_zone = p.groupby(["zone_code", "discipline"]).agg(
            providers=("provider_id", "size"),
            fte=("fte", "sum"),
            accepting=("acc", "sum"),
            known=("acc", "count"),
        )
        by_region = p.groupby(["region_code", "discipline"]).size()
        a = self.territory.areas
        region_pop = self.pop_by_area.groupby(
            a.set_index("area_code")["region_code"].reindex(self.pop_by_area.index)
        ).sum()
        return by_zone, by_region, region_pop

    @cached_property
    def origins(self) -> Any:
        from mesocare.services.accessibility import area_origins

        return area_origins(self.territory)

    @cached_property
    def has_gps(self) -> bool:
        return bool((self.territory.providers["discipline"] == "gp").any())

    @cached_property
    def shortage(self) -> pd.DataFrame:
        return gp_shortage(self.territory, counts=self.unit_counts)

    @cached_property
    def shortage_by_zone(self) -> dict[str, pd.DataFrame]:
        return self._split_by_zone(self.shortage)

    @cached_property
    def provider_places(self) -> pd.DataFrame:
        """Providers with the zone and region they practise in, and their area's name."""
        a = self.territory.areas
        p = self.territory.providers
        code = p["area_code"].astype(str)
        keys = a["area_code"].astype(str)
        return p.assign(
            zone_code=code.map(dict(zip(keys, a["zone_code"].astype(str), strict=True))),
            region_code=code.map(dict(zip(keys, a["region_code"].astype(str), strict=True))),
            area_name=code.map(dict(zip(keys, a["name"].astype(str), strict=True))),
        )

    @cached_property
    def providers_by_zone(self) -> dict[str, pd.DataFrame]:
        p = self.provider_places
        return {str(z): g for z, g in p.groupby("zone_code", sort=False)}

    @cached_property
    def apl(self) -> Any:
        """The APL to GPs of every area (``services.accessibility.AccessResult``)."""
        from mesocare.services.accessibility import AccessRequest, Method, compute_accessibility

        return compute_accessibility(self.territory, AccessRequest(method=Method.APL))

    @cached_property
    def apl_units(self) -> pd.DataFrame:
        return self.apl.units.set_index(["level", "unit_code"])

    # --- zoning and financing -------------------------------------------------------------
    @cached_property
    def practice_tables(self) -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
        from mesocare.services.financing import practice_tables_by_zone

        return practice_tables_by_zone(self.territory)

    @cached_property
    def area_features(self) -> pd.DataFrame:
        from mesocare.financing.need import area_features

        return area_features(self.territory)

    def region_zoning(self, region: str, lo: float, hi: float) -> Any:
        key = (region, lo, hi)
        cache = self.__dict__.setdefault("_region_zoning", {})
        if key not in cache:
            from mesocare.services.zoning import evaluate_zoning

            cache[key] = evaluate_zoning(
                self.territory, region_code=region, min_population=lo, max_population=hi
            )
        return cache[key]

    # --- helpers --------------------------------------------------------------------------
    def _split_by_zone(self, table: pd.DataFrame) -> dict[str, pd.DataFrame]:
        """Rows of ``table`` (with unit_code and level) per zone, each with the region rows."""
        # zone of each distinct code once (lookups on Arrow strings are slow), then integer rows
        codes, uniques = pd.factorize(table["unit_code"].to_numpy(dtype=object))
        zone_of = self.unit_zone
        zone_names = np.array([zone_of.get(str(u), "") for u in uniques], dtype=object)
        regions = table[(table["level"] == "region").to_numpy()]
        return {
            z: pd.concat([table.iloc[rows], regions])
            for z, rows in rows_by_label(zone_names[codes]).items()
            if z
        }


def rows_by_label(labels: np.ndarray) -> dict[str, np.ndarray]:
    """The row positions of each distinct label, in first-seen order of the labels, each in row
    order (one stable sort instead of one comparison per label)."""
    codes, uniques = pd.factorize(labels)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    return {str(u): order[bounds[i] : bounds[i + 1]] for i, u in enumerate(uniques)}


def pyramid_shares(population: pd.DataFrame, group_of_area: pd.Series) -> dict[str, pd.DataFrame]:
    """Percent of each group's population in each age band (rows) and sex (columns M, F).

    ``group_of_area`` maps area codes to a group (a zone or a region code). Counted with integer
    codes and one ``bincount`` (a string group-by over every row costs a second at 9,000 areas).
    """
    area_idx, areas = pd.factorize(population["area_code"])
    grp_idx, groups = pd.factorize(pd.Series(group_of_area.reindex(areas.astype(str)).to_numpy()))
    band = pd.Categorical(population["age_band"], categories=list(AGE_BANDS)).codes
    female = (population["sex"] == "F").to_numpy().astype(np.int64)
    flat = (grp_idx[area_idx] * len(AGE_BANDS) + band) * 2 + female
    counts = np.bincount(
        flat,
        weights=population["count"].to_numpy(dtype=float),
        minlength=len(groups) * len(AGE_BANDS) * 2,
    )
    cube = counts.reshape(len(groups), len(AGE_BANDS), 2)
    out = {}
    for i, g in enumerate(groups):
        total = float(cube[i].sum())
        shares = cube[i] / total * 100 if total else cube[i]
        out[str(g)] = pd.DataFrame(shares, index=list(AGE_BANDS), columns=["M", "F"])
    return out
