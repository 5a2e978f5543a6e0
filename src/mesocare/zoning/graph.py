"""Contiguity graphs of areas: built from geometry (queen or rook) or from an edge list.

A :class:`Contiguity` is an undirected graph in CSR form (``indptr``/``indices``), one node per
area in the order of the input. Islands (areas or groups of areas touching nothing else) can be
bridged to their nearest neighbour by centroid distance; every added link is reported, and so are
enclaves (areas whose whole boundary lies on one other area).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree


class Rule(StrEnum):
    """Which shared boundaries make two areas neighbours."""

    QUEEN = "queen"  # any shared point
    ROOK = "rook"  # a shared edge of positive length


@dataclass(frozen=True)
class Contiguity:
    """An undirected graph in CSR form; ``bridges`` are links added between disconnected parts."""

    indptr: np.ndarray
    indices: np.ndarray
    bridges: tuple[tuple[int, int], ...] = field(default=())

    @property
    def n(self) -> int:
        return len(self.indptr) - 1

    def neighbours(self, i: int) -> np.ndarray:
        return self.indices[self.indptr[i] : self.indptr[i + 1]]

    def degree(self) -> np.ndarray:
        return np.diff(self.indptr)

    def edges(self) -> tuple[np.ndarray, np.ndarray]:
        """Directed edge arrays (each undirected edge appears twice)."""
        src = np.repeat(np.arange(self.n), np.diff(self.indptr))
        return src, self.indices

    def adjacency_lists(self) -> list[list[int]]:
        ind = self.indices.tolist()
        ptr = self.indptr.tolist()
        return [ind[ptr[i] : ptr[i + 1]] for i in range(self.n)]

    def components(self, mask: np.ndarray | None = None) -> np.ndarray:
        """Component label per node (−1 for nodes outside ``mask``)."""
        src, dst = self.edges()
        keep = np.ones(self.n, bool) if mask is None else np.asarray(mask, bool)
        e = keep[src] & keep[dst]
        m = coo_matrix((np.ones(int(e.sum())), (src[e], dst[e])), shape=(self.n, self.n))
        _, lab = connected_components(m.tocsr(), directed=False)
        out = np.full(self.n, -1, dtype=np.int64)
        _, dense = np.unique(lab[keep], return_inverse=True)
        out[keep] = dense
        return out

    def subgraph(self, nodes: np.ndarray) -> Contiguity:
        """The graph induced by ``nodes`` (renumbered 0..len(nodes)-1 in that order)."""
        nodes = np.asarray(nodes, dtype=np.int64)
        pos = np.full(self.n, -1, dtype=np.int64)
        pos[nodes] = np.arange(len(nodes))
        src, dst = self.edges()
        e = (pos[src] >= 0) & (pos[dst] >= 0)
        return from_edges(len(nodes), pos[src[e]], pos[dst[e]])

    def contract(self, groups: np.ndarray) -> Contiguity:
        """The graph of groups: two groups are neighbours when any of their members are."""
        groups = np.asarray(groups, dtype=np.int64)
        src, dst = self.edges()
        g1, g2 = groups[src], groups[dst]
        e = g1 != g2
        return from_edges(int(groups.max()) + 1 if len(groups) else 0, g1[e], g2[e])


def from_edges(n: int, i: Sequence[int] | np.ndarray, j: Sequence[int] | np.ndarray) -> Contiguity:
    """A graph of ``n`` nodes from edge end lists (either direction; duplicates and loops dropped)."""
    i = np.asarray(i, dtype=np.int64)
    j = np.asarray(j, dtype=np.int64)
    keep = i != j
    a = np.concatenate([i[keep], j[keep]])
    b = np.concatenate([j[keep], i[keep]])
    if len(a):
        key = np.unique(a * max(n, 1) + b)
        a, b = key // max(n, 1), key % max(n, 1)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.add.at(indptr, a + 1, 1)
    return Contiguity(np.cumsum(indptr), b.astype(np.int64))


def from_geometry(
    geoms: Sequence[shapely.Geometry] | np.ndarray, rule: Rule = Rule.QUEEN
) -> Contiguity:
    """Neighbours from polygons: any shared point (queen) or a shared edge (rook).

    Slightly overlapping polygons (digitising slivers) count as neighbours under both rules.
    """
    g = np.asarray(geoms, dtype=object)
    tree = shapely.STRtree(g)
    i, j = tree.query(g, predicate="intersects")
    keep = i < j
    i, j = i[keep], j[keep]
    if Rule(rule) is Rule.ROOK and len(i):
        inter = shapely.intersection(shapely.boundary(g[i]), shapely.boundary(g[j]))
        overlap = shapely.area(shapely.intersection(g[i], g[j])) > 0
        ok = (shapely.length(inter) > 0) | overlap
        i, j = i[ok], j[ok]
    return from_edges(len(g), i, j)


def bridge_islands(graph: Contiguity, xy: np.ndarray) -> Contiguity:
    """Link every component but the largest to its nearest area outside it, by centroid distance.

    Repeats until the graph is connected. The added links are kept in ``bridges`` so that callers
    can report them (e.g. Baarle-Hertog's enclaves, Voeren).
    """
    xy = np.asarray(xy, dtype=float)
    bridges = list(graph.bridges)
    src, dst = graph.edges()
    src_l, dst_l = [src], [dst]
    comp = graph.components()
    while comp.max() > 0:
        sizes = np.bincount(comp)
        main = int(np.argmax(sizes))
        others = [c for c in range(len(sizes)) if c != main]
        c = min(others, key=lambda k: (sizes[k], int(np.flatnonzero(comp == k)[0])))
        inside = np.flatnonzero(comp == c)
        outside = np.flatnonzero(comp != c)
        d, nearest = cKDTree(xy[outside]).query(xy[inside])
        k = int(np.argmin(d))
        a, b = int(inside[k]), int(outside[nearest[k]])
        bridges.append((min(a, b), max(a, b)))
        src_l.append(np.array([a, b]))
        dst_l.append(np.array([b, a]))
        g = from_edges(graph.n, np.concatenate(src_l), np.concatenate(dst_l))
        comp = g.components()
    g = from_edges(graph.n, np.concatenate(src_l), np.concatenate(dst_l))
    return Contiguity(g.indptr, g.indices, tuple(bridges))


def islands(graph: Contiguity) -> list[list[int]]:
    """Nodes of every component except the largest (empty when the graph is connected)."""
    comp = graph.components()
    if graph.n == 0 or comp.max() == 0:
        return []
    main = int(np.argmax(np.bincount(comp)))
    return [np.flatnonzero(comp == c).tolist() for c in range(comp.max() + 1) if c != main]


def enclaves(
    graph: Contiguity, geoms: Sequence[shapely.Geometry] | np.ndarray
) -> list[tuple[int, int]]:
    """(enclave, host) pairs: areas with one neighbour whose boundary lies wholly on that neighbour."""
    g = np.asarray(geoms, dtype=object)
    out = []
    for i in np.flatnonzero(graph.degree() == 1):
        host = int(graph.neighbours(int(i))[0])
        ring = shapely.boundary(g[i])
        rest = shapely.difference(
            ring, shapely.buffer(g[host], 1e-6 * max(1.0, shapely.length(ring)))
        )
        if shapely.length(rest) <= 1e-6 * shapely.length(ring):
            out.append((int(i), host))
    return out
