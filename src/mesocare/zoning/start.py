"""Starting partitions for the local search: METIS, seeds, or an existing zoning made contiguous."""

from __future__ import annotations

import numpy as np
import pymetis
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from mesocare.zoning.graph import Contiguity


def dense(labels: np.ndarray) -> np.ndarray:
    """Labels renumbered 0..k-1 in order of first appearance."""
    _, first, inv = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.argsort(np.argsort(first, kind="stable"), kind="stable")
    return rank[inv].astype(np.int64)


def label_matching(a: np.ndarray, b: np.ndarray, w: np.ndarray) -> np.ndarray:
    """For each label of ``b`` (dense), the label of ``a`` (dense) it overlaps most by weight in a
    one-to-one matching (Hungarian), or −1 when ``b`` has more labels than ``a``."""
    m = np.zeros((int(a.max()) + 1, int(b.max()) + 1))
    np.add.at(m, (a, b), w)
    r, c = linear_sum_assignment(-m)
    out = np.full(m.shape[1], -1, dtype=np.int64)
    out[c] = r
    return out


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


def ensure_count(graph: Contiguity, labels: np.ndarray, k: int) -> np.ndarray:
    """Split single nodes off the largest zones until there are ``k`` zones (at most one per node).

    The node split off is the last one a breadth-first search of its zone reaches, a leaf of the
    search tree, so the rest of the zone stays connected.
    """
    lab = dense(labels)
    adj = graph.adjacency_lists()
    while lab.max() + 1 < min(k, len(lab)):
        z = int(np.argmax(np.bincount(lab)))
        nodes = np.flatnonzero(lab == z)
        seen, order = {int(nodes[0])}, [int(nodes[0])]
        for v in order:
            for u in adj[v]:
                if u not in seen and lab[u] == z:
                    seen.add(u)
                    order.append(u)
        lab[order[-1]] = lab.max() + 1
    return lab


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
    lab = make_contiguous(graph, np.asarray(parts, dtype=np.int64), population)
    return ensure_count(graph, lab, k)


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
