"""Score any zoning: population against bounds, contiguity, compactness, homogeneity, agreement.

Compactness is the population-weighted mean distance (km) from each area's centroid to its zone's
population centre. Homogeneity is the share of the (standardised) attributes' variance left within
zones: 0 when every zone is uniform, 1 when zones explain nothing. Agreement between two zonings
uses the adjusted Rand index (1 = identical, about 0 = unrelated), the variation of information
(0 = identical, in nats) and the areas that change zone once each zone is matched to the zone of
the other zoning it overlaps most (by population; Hungarian matching).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from mesocare.zoning.graph import Contiguity


@dataclass(frozen=True)
class Agreement:
    ari: float
    vi: float
    changed: np.ndarray  # bool per area: its zone is not the match of its reference zone


@dataclass(frozen=True)
class Evaluation:
    zones: pd.DataFrame
    summary: dict[str, float | int | None] = field(default_factory=dict)
    changed_codes: tuple[str, ...] = ()


def _codes(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    uniq, inv = np.unique(np.asarray(labels).astype(str), return_inverse=True)
    return uniq, inv.astype(np.int64)


def agreement(a: np.ndarray, b: np.ndarray, weights: np.ndarray | None = None) -> Agreement:
    """Agreement of zoning ``a`` with reference ``b`` (labels per area; any hashable values)."""
    _, x = _codes(a)
    _, y = _codes(b)
    n = len(x)
    table = np.zeros((x.max() + 1 if n else 0, y.max() + 1 if n else 0))
    np.add.at(table, (x, y), 1)

    def comb2(v: np.ndarray) -> float:
        return float((v * (v - 1) / 2).sum())

    sij, sa, sb = comb2(table), comb2(table.sum(1)), comb2(table.sum(0))
    total = n * (n - 1) / 2
    expected = sa * sb / total if total else 0.0
    maxi = (sa + sb) / 2
    ari = 1.0 if maxi == expected else (sij - expected) / (maxi - expected)
    p = table / max(n, 1)
    pa, pb = p.sum(1), p.sum(0)
    nz = p > 0
    outer = np.outer(pa, pb)
    mi = float((p[nz] * np.log(p[nz] / outer[nz])).sum())

    def ent(q: np.ndarray) -> float:
        q = q[q > 0]
        return float(-(q * np.log(q)).sum())

    vi = max(0.0, ent(pa) + ent(pb) - 2 * mi)
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float) + 1e-9
    wt = np.zeros_like(table)
    np.add.at(wt, (x, y), w)
    r, c = linear_sum_assignment(-wt)
    match = np.full(table.shape[1], -1, dtype=np.int64)
    match[c] = r
    return Agreement(ari=float(ari), vi=vi, changed=match[y] != x)


def evaluate(
    codes: np.ndarray,
    population: np.ndarray,
    xy: np.ndarray,
    graph: Contiguity,
    labels: np.ndarray,
    *,
    min_population: float | None = None,
    max_population: float | None = None,
    attributes: np.ndarray | None = None,
    reference: np.ndarray | None = None,
) -> Evaluation:
    """Per-zone table and summary of a zoning given as one label per area."""
    codes = np.asarray(codes).astype(str)
    pop = np.asarray(population, dtype=float)
    xy = np.asarray(xy, dtype=float)
    names, z = _codes(labels)
    k = len(names)
    w = pop + 1e-9
    zp = np.bincount(z, weights=pop, minlength=k)
    zw = np.bincount(z, weights=w, minlength=k)
    cx = np.bincount(z, weights=w * xy[:, 0], minlength=k) / zw
    cy = np.bincount(z, weights=w * xy[:, 1], minlength=k) / zw
    d_km = np.hypot(xy[:, 0] - cx[z], xy[:, 1] - cy[z]) / 1000.0
    comp_km = np.bincount(z, weights=w * d_km, minlength=k) / zw
    pieces = np.zeros(k, dtype=np.int64)
    for j in range(k):
        mask = z == j
        pieces[j] = int(graph.components(mask)[mask].max()) + 1
    lo = -np.inf if min_population is None else min_population
    hi = np.inf if max_population is None else max_population
    status = np.where(zp < lo, "below minimum", np.where(zp > hi, "above maximum", "within"))
    table = pd.DataFrame(
        {
            "zone": names,
            "areas": np.bincount(z, minlength=k),
            "population": zp.round().astype("int64"),
            "bounds": status,
            "contiguous": pieces == 1,
            "pieces": pieces,
            "compactness_km": comp_km.round(3),
        }
    )
    summary: dict[str, float | int | None] = {
        "zones": k,
        "areas": len(codes),
        "population": float(pop.sum()),
        "below_minimum": int((zp < lo).sum()),
        "above_maximum": int((zp > hi).sum()),
        "not_contiguous": int((pieces > 1).sum()),
        "compactness_km": float((w * d_km).sum() / w.sum()) if len(codes) else None,
        "min_zone_population": float(zp.min()) if k else None,
        "max_zone_population": float(zp.max()) if k else None,
    }
    if attributes is not None:
        a = np.asarray(attributes, dtype=float).reshape(len(codes), -1)
        mean = (w[:, None] * a).sum(0) / w.sum()
        sd = np.sqrt((w[:, None] * (a - mean) ** 2).sum(0) / w.sum())
        s = (a - mean) / np.where(sd > 0, sd, 1.0)
        zm = np.zeros((k, s.shape[1]))
        np.add.at(zm, z, w[:, None] * s)
        zm /= zw[:, None]
        within = (w[:, None] * (s - zm[z]) ** 2).sum(1)
        total = float((w[:, None] * s**2).sum())
        table["homogeneity_sd"] = np.sqrt(
            np.bincount(z, weights=within, minlength=k) / zw / s.shape[1]
        ).round(3)
        summary["within_zone_variance_share"] = float(within.sum() / total) if total else 0.0
    changed: tuple[str, ...] = ()
    if reference is not None:
        ag = agreement(labels, reference, pop)
        summary["adjusted_rand_index"] = ag.ari
        summary["variation_of_information"] = ag.vi
        summary["areas_changed"] = int(ag.changed.sum())
        summary["population_changed"] = float(pop[ag.changed].sum())
        changed = tuple(codes[ag.changed].tolist())
    return Evaluation(zones=table, summary=summary, changed_codes=changed)
