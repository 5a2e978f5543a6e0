"""Draw zones: contract kept-whole units, check feasibility, start, local search, expand.

``draw(problem, params)`` is the engine's entry point. The steps:

1. bridge islands (reported), contract units that must stay whole into single nodes;
2. units above the maximum: an error naming them, or their own zones when allowed (reported);
3. per connected component: check that some number of zones fits its population
   (``ceil(P / max) <= floor(P / min)``), choose that number (the target, the seeds, the existing
   zoning, or as many as the bounds allow), start (METIS, seeds or the existing zoning) and run the
   local search of :mod:`mesocare.zoning.search`; with a free number of zones, one zone fewer is
   tried while the bounds are not met;
4. expand node labels back to areas and say what could not be met.
"""

from __future__ import annotations

import math
import time

import numpy as np

from mesocare.errors import ParameterError
from mesocare.zoning.feasibility import check_components, check_units, describe_violations
from mesocare.zoning.graph import Contiguity, bridge_islands
from mesocare.zoning.model import ZoningParams, ZoningProblem, ZoningResult
from mesocare.zoning.search import Search
from mesocare.zoning.start import dense, label_matching, make_contiguous, metis_start, seed_start


def _weighted_mean(values: np.ndarray, groups: np.ndarray, w: np.ndarray, k: int) -> np.ndarray:
    tot = np.bincount(groups, weights=w, minlength=k)
    out = np.zeros((k, values.shape[1]))
    np.add.at(out, groups, w[:, None] * values)
    return out / tot[:, None]


def _features(xy: np.ndarray, attrs: np.ndarray | None, w: np.ndarray, hw: float) -> np.ndarray:
    """Coordinates scaled so that their total weighted sum of squares is 1; attributes to ``hw``."""

    def scaled(v: np.ndarray, total: float) -> np.ndarray:
        c = v - (w[:, None] * v).sum(0) / w.sum()
        ss = float((w[:, None] * c * c).sum())
        return c * math.sqrt(total / ss) if ss > 0 else c * 0.0

    parts = [scaled(xy, 1.0)]
    if attrs is not None and hw > 0:
        a = np.asarray(attrs, dtype=float)
        sd = np.sqrt((w[:, None] * (a - (w[:, None] * a).sum(0) / w.sum()) ** 2).sum(0) / w.sum())
        a = a / np.where(sd > 0, sd, 1.0)
        parts.append(scaled(a, hw))
    return np.hstack(parts)


def _allocate(n_zones: int, kmin: list[int], kmax: list[float], pops: list[float]) -> list[int]:
    ks = list(kmin)
    for _ in range(n_zones - sum(ks)):
        open_ = [c for c in range(len(ks)) if ks[c] < kmax[c]]
        c = max(open_, key=lambda c: (pops[c] / (ks[c] + 1), -c))
        ks[c] += 1
    return ks


def _match(start: np.ndarray, existing: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Existing zone label of each node translated to the start's label it overlaps most (−1)."""
    ex = dense(existing)
    return label_matching(start, ex, w)[ex]


def _solve_component(
    g: Contiguity,
    pop: np.ndarray,
    xy: np.ndarray,
    feats: np.ndarray,
    k_options: list[int],
    params: ZoningParams,
    seeds: list[int],
    existing: np.ndarray | None,
    cost: np.ndarray,
) -> tuple[np.ndarray, Search]:
    best: tuple[tuple[float, int], np.ndarray, Search] | None = None
    from_existing = existing is not None and params.n_zones is None and not seeds
    # start from today's zones; if stuck, from METIS with as many zones
    if from_existing and existing is not None:
        k_options = [len(np.unique(existing))]
    restarts = 1 if seeds else params.restarts
    tries = [(k, r) for k in k_options for r in range(restarts + int(from_existing))]
    for k, r in tries:
        origin = None
        if seeds:
            start = seed_start(g, xy, seeds)
        elif from_existing and existing is not None and r == 0:
            start = make_contiguous(g, dense(existing), pop)
            origin = start.copy()
        else:
            start = metis_start(g, pop, k, params.seed * 7919 + r)
        if existing is not None and origin is None:
            origin = _match(start, existing, pop + 1.0)
        locked = np.zeros(g.n, bool)
        locked[seeds] = True
        s = Search(
            g, pop, feats, start, params.min_population, params.max_population,
            locked=locked, origin=origin, change_cost=cost,
        )  # fmt: skip
        s.run(params.max_sweeps)
        key = (s.total_violation(), -s.k)
        if best is None or key < best[0]:
            best = (key, s.lab.copy(), s)
        if key[0] <= 1e-9:
            break
    assert best is not None
    return best[1], best[2]


def draw(problem: ZoningProblem, params: ZoningParams) -> ZoningResult:
    """Zones of whole areas (and whole groups), contiguous, within the bounds when possible."""
    t0 = time.perf_counter()
    codes = np.asarray(problem.codes).astype(str)
    n = len(codes)
    lo, hi = params.min_population, params.max_population
    messages: list[str] = []
    graph = problem.graph
    if n and graph.components().max() > 0:
        graph = bridge_islands(graph, problem.xy)
        added = graph.bridges[len(problem.graph.bridges) :]
        messages += [f"island linked: {codes[a]} – {codes[b]}" for a, b in added]
    bridges = tuple((str(codes[a]), str(codes[b])) for a, b in graph.bridges)

    groups = dense(np.asarray(problem.groups)) if problem.groups is not None else np.arange(n)
    ng = int(groups.max()) + 1 if n else 0
    area_pop = np.asarray(problem.population, dtype=float)
    gpop = np.bincount(groups, weights=area_pop, minlength=ng)
    gw = area_pop + 1.0
    gxy = _weighted_mean(np.asarray(problem.xy, dtype=float), groups, gw, ng)
    gattr = None
    if problem.attributes is not None and params.homogeneity_weight > 0:
        gattr = _weighted_mean(np.asarray(problem.attributes, dtype=float), groups, gw, ng)
    G = graph.contract(groups)
    feats = _features(gxy, gattr, gpop + 1.0, params.homogeneity_weight)
    cost = params.stay_close_weight * (gpop + 1.0) / (gpop.sum() + ng)
    gexist = None
    if problem.existing is not None:
        ex = dense(np.asarray(problem.existing).astype(str))
        tab = np.zeros((ng, ex.max() + 1))
        np.add.at(tab, (groups, ex), area_pop + 1e-9)
        gexist = tab.argmax(1)
    gseeds = sorted({int(groups[s]) for s in problem.seeds})
    if len(gseeds) < len(problem.seeds):
        raise ParameterError("two seeds lie in one unit that must stay whole")

    oversized = check_units(codes, groups, gpop, hi, params.allow_oversized_units)
    active = np.ones(ng, bool)
    active[oversized] = False
    comp = G.components(active)
    nc = int(comp.max()) + 1 if active.any() else 0
    members = [np.flatnonzero(comp == c) for c in range(nc)]
    kmin, kmax = check_components(codes, groups, members, gpop, lo, hi)
    pops = [float(gpop[m].sum()) for m in members]
    seeds_in = [[s for s in gseeds if comp[s] == c] for c in range(nc)]
    if gseeds:
        for c in range(nc):
            if not kmin[c] <= len(seeds_in[c]) <= kmax[c]:
                raise ParameterError(
                    f"{len(seeds_in[c])} seeds among the areas connected to "
                    f"{codes[groups == members[c][0]][0]}; the bounds need "
                    f"{kmin[c]}–{kmax[c]} zones there"
                )
        fixed = [len(s) for s in seeds_in]
    elif params.n_zones is not None:
        if not sum(kmin) <= params.n_zones - len(oversized) <= sum(kmax):
            raise ParameterError(
                f"{params.n_zones} zones cannot meet the bounds: between "
                f"{sum(kmin) + len(oversized)} and {sum(kmax) + len(oversized)} are possible"
            )
        fixed = _allocate(params.n_zones - len(oversized), kmin, kmax, pops)
    else:
        fixed = []

    glab = np.full(ng, -1, dtype=np.int64)
    offset, sweeps, moves = 0, 0, 0
    for c, nodes in enumerate(members):
        if fixed:
            options = [fixed[c]]
        else:
            # aim above the minimum by the headroom, or by one typical unit when units are
            # coarse (population-weighted mean unit size), so that the bounds can be met
            p_c = gpop[nodes]
            unit = float((p_c**2).sum() / p_c.sum()) if p_c.sum() > 0 else 0.0
            mean = lo + max(params.headroom * (hi - lo), min(unit, 0.5 * (hi - lo)))
            k0 = int(
                np.clip(math.floor(pops[c] / mean) if mean > 0 else len(nodes), kmin[c], kmax[c])
            )
            options = sorted(
                {max(kmin[c], math.floor(k0 * 0.97**r)) for r in range(params.max_retries + 1)},
                reverse=True,
            )
        options = [min(k, len(nodes)) for k in options]
        sub = G.subgraph(nodes)
        pos = {int(v): i for i, v in enumerate(nodes)}
        lab, s = _solve_component(
            sub, gpop[nodes], gxy[nodes], feats[nodes], options, params,
            [pos[v] for v in seeds_in[c]], None if gexist is None else gexist[nodes], cost[nodes],
        )  # fmt: skip
        glab[nodes] = lab + offset
        offset += int(lab.max()) + 1
        sweeps += s.stats.sweeps
        moves += s.stats.moves
    for v in oversized:
        glab[v] = offset
        offset += 1
    labels = dense(glab[groups]) if n else np.zeros(0, dtype=np.int64)
    k = int(labels.max()) + 1 if n else 0
    zpop = np.bincount(labels, weights=area_pop, minlength=k)
    over = {int(labels[np.flatnonzero(groups == v)[0]]) for v in oversized}
    problems = describe_violations(codes, labels, zpop, lo, hi, skip=over)
    messages += [
        f"unit kept whole above the maximum, made its own zone: {codes[groups == v][0]}"
        f" ({gpop[v]:,.0f} > {hi:,.0f})"
        for v in oversized
    ]
    messages += problems
    return ZoningResult(
        labels=labels,
        n_zones=k,
        feasible=not problems,
        messages=tuple(messages),
        sweeps=sweeps,
        moves=moves,
        seconds=time.perf_counter() - t0,
        bridges=bridges,
        oversized=tuple(str(codes[groups == v][0]) for v in oversized),
    )
