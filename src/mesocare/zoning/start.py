"""Starting partitions for the local search: METIS, seeds, or an existing zoning made contiguous."""

from __future__ import annotations

import numpy as np
import pymetis
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from mesocare.zoning.graph import Contiguity


def dense(labels: np.ndarray) -> np.ndarray:
    """Labels renumbered 0..k-1 in order of first appearance."""
    _, first, inv = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.argsort(np.argsort(first, kind="stable"), kind="stable")
    return rank[inv].astype(np.int64)


def make_contiguous(graph: Contiguity, labels: np.ndarray, population: np.ndarray) -> np.ndarray:
    """Keep the most populous connected piece of each zone; neighbouring zones absorb the rest.

    A stray piece is absorbed one node at a time by the zone it touches most, so every zone stays
    connected. Deterministic: ties go to the lowest label.
    """
    lab = np.asarray(labels, dtype=np.int64).copy()
    pop = np.asarray(population, dtype=float)
    orphan = np.zeros(len(lab), bool)
    for z in np.unique(lab):
        nodes = np.flatnonzero(lab == z)
        mask = np.zeros(len(lab), bool)
        mask[nodes] = True
        comp = graph.components(mask)[nodes]
        if comp.max() > 0:
            keep = int(np.argmax(np.bincount(comp, weights=pop[nodes] + 1e-9)))
            orphan[nodes[comp != keep]] = True
    adj = graph.adjacency_lists()
    while orphan.any():
        changed = False
        for i in np.flatnonzero(orphan).tolist():
            counts: dict[int, int] = {}
            for j in adj[i]:
                if not orphan[j]:
                    counts[int(lab[j])] = counts.get(int(lab[j]), 0) + 1
            if counts:
                lab[i] = max(sorted(counts), key=lambda z: counts[z])
                orphan[i] = False
                changed = True
        if not changed:  # a piece touching no settled zone: it becomes its own zone
            i = int(np.flatnonzero(orphan)[0])
            lab[i] = lab.max() + 1
            orphan[i] = False
    return dense(lab)


def metis_start(graph: Contiguity, population: np.ndarray, k: int, seed: int) -> np.ndarray:
    """A balanced contiguous partition into ``k`` parts (fewer if METIS leaves some empty)."""
    n = graph.n
    if k <= 1 or n <= 1:
        return np.zeros(n, dtype=np.int64)
    k = min(k, n)
    vw = np.rint(np.asarray(population, dtype=float)).astype(np.int64) + 1
    opts = pymetis.Options(contig=1, seed=int(seed) % (2**31))
    _, parts = pymetis.part_graph(
        k, xadj=graph.indptr, adjncy=graph.indices, vweights=vw, options=opts
    )
    return make_contiguous(graph, np.asarray(parts, dtype=np.int64), population)


def seed_start(graph: Contiguity, xy: np.ndarray, seeds: list[int]) -> np.ndarray:
    """Each node joins the seed nearest along the graph (edges weighted by centroid distance)."""
    src, dst = graph.edges()
    d = np.hypot(*(xy[src] - xy[dst]).T) + 1e-9
    m = csr_matrix((d, (src, dst)), shape=(graph.n, graph.n))
    _, _, source = dijkstra(
        m, directed=False, indices=seeds, min_only=True, return_predecessors=True
    )
    pos = {s: z for z, s in enumerate(seeds)}
    return np.array([pos[int(s)] for s in source], dtype=np.int64)
