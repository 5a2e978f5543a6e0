"""Contiguity-preserving local search: repair the population bounds, then improve the objective.

The state is a zone label per node (an area, or a group of areas kept whole). A move takes a node
on a zone's border into a neighbouring zone; it is allowed only when the zone it leaves stays
connected and non-empty and the node is not locked. Moves are ranked lexicographically: first by
the change in total bound violation (people below the minimum or above the maximum), then by the
change in the objective: within-zone weighted sum of squares of the features (scaled coordinates,
and attributes when asked; an exact Hartigan update) plus the cost of leaving the existing zone.
When no single move reduces the violation, an ejection chain shifts population along a path of
zones from one with slack to the one in deficit (or from the one in excess to one with room).
Every choice is ordered, so the search is deterministic.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from mesocare.zoning.graph import Contiguity

TOL = 1e-12


@dataclass
class SearchStats:
    sweeps: int = 0
    moves: int = 0


class Search:
    """Mutable search state over one connected graph; see the module docstring."""

    def __init__(
        self,
        graph: Contiguity,
        population: np.ndarray,
        features: np.ndarray,
        labels: np.ndarray,
        lo: float,
        hi: float,
        *,
        locked: np.ndarray | None = None,
        origin: np.ndarray | None = None,
        change_cost: np.ndarray | None = None,
    ) -> None:
        self.graph = graph
        self.adj = graph.adjacency_lists()
        self.src, self.dst = graph.edges()
        self.pop = np.asarray(population, dtype=float)
        self.popl = self.pop.tolist()
        self.w = self.pop + 1.0  # weights of the sum of squares: never zero
        self.F = np.asarray(features, dtype=float)
        self.lab = np.asarray(labels, dtype=np.int64).copy()
        self.k = int(self.lab.max()) + 1
        self.lo, self.hi = float(lo), float(hi)
        n = len(self.pop)
        self.locked = np.zeros(n, bool) if locked is None else np.asarray(locked, bool)
        self.origin = None if origin is None else np.asarray(origin, dtype=np.int64)
        self.cost = np.zeros(n) if change_cost is None else np.asarray(change_cost, float)
        self.stats = SearchStats()
        self._recount()

    # ----- bookkeeping ---------------------------------------------------------------------
    def _recount(self) -> None:
        k = self.k
        self.P = np.bincount(self.lab, weights=self.pop, minlength=k)
        self.WS = np.bincount(self.lab, weights=self.w, minlength=k)
        self.S = np.zeros((k, self.F.shape[1]))
        np.add.at(self.S, self.lab, self.w[:, None] * self.F)
        self.cnt = np.bincount(self.lab, minlength=k)

    def viol(self, p: float) -> float:
        return max(0.0, self.lo - p) + max(0.0, p - self.hi)

    def total_violation(self) -> float:
        P = self.P
        return float(np.maximum(0, self.lo - P).sum() + np.maximum(0, P - self.hi).sum())

    def _delta(self, i: int, a: int, b: int) -> tuple[float, float]:
        """(change in violation, change in objective) of moving node ``i`` from ``a`` to ``b``."""
        p, w, f = self.popl[i], self.w[i], self.F[i]
        P = self.P
        dv = self.viol(P[a] - p) + self.viol(P[b] + p) - self.viol(P[a]) - self.viol(P[b])
        wa, wb = self.WS[a], self.WS[b]
        da = f - self.S[a] / wa
        db = f - self.S[b] / wb
        rem = w * wa / (wa - w) * float(da @ da) if wa - w > 0 else 0.0
        add = w * wb / (wb + w) * float(db @ db)
        dobj = add - rem
        if self.origin is not None:
            o = self.origin[i]
            dobj += self.cost[i] * (float(b != o) - float(a != o))
        return dv, dobj

    def _apply(self, i: int, b: int) -> None:
        a = int(self.lab[i])
        p, w, f = self.popl[i], self.w[i], self.F[i]
        self.P[a] -= p
        self.P[b] += p
        self.WS[a] -= w
        self.WS[b] += w
        self.S[a] -= w * f
        self.S[b] += w * f
        self.cnt[a] -= 1
        self.cnt[b] += 1
        self.lab[i] = b
        self.stats.moves += 1

    def can_leave(self, i: int) -> bool:
        """Does zone ``lab[i]`` stay connected and non-empty without node ``i``?"""
        a = self.lab[i]
        if self.locked[i] or self.cnt[a] <= 1:
            return False
        lab, adj = self.lab, self.adj
        nb = [j for j in adj[i] if lab[j] == a]
        if len(nb) <= 1:
            return True
        targets = set(nb)
        # cheap test first: are the neighbours connected among themselves?
        seen = {nb[0]}
        stack = [nb[0]]
        while stack:
            v = stack.pop()
            for u in adj[v]:
                if u in targets and u not in seen:
                    seen.add(u)
                    stack.append(u)
        if len(seen) == len(targets):
            return True
        found = len(seen)
        seen.add(i)
        stack = list(seen - {i})
        while stack:
            v = stack.pop()
            for u in adj[v]:
                if u not in seen and lab[u] == a:
                    seen.add(u)
                    if u in targets:
                        found += 1
                        if found == len(targets):
                            return True
                    stack.append(u)
        return False

    # ----- improving sweeps ----------------------------------------------------------------
    def _candidates(self) -> np.ndarray:
        """Border moves (node, zone) that improve, best first, from vectorised deltas."""
        lab = self.lab
        a, b = lab[self.src], lab[self.dst]
        m = (a != b) & ~self.locked[self.src] & (self.cnt[a] > 1)
        if not m.any():
            return np.empty((0, 2), dtype=np.int64)
        key = np.unique(self.src[m] * self.k + b[m])
        u, zb = key // self.k, key % self.k
        za = lab[u]
        p, w = self.pop[u], self.w[u]
        P = self.P

        def viol(x: np.ndarray) -> np.ndarray:
            return np.maximum(0, self.lo - x) + np.maximum(0, x - self.hi)

        dv = viol(P[za] - p) + viol(P[zb] + p) - viol(P[za]) - viol(P[zb])
        wa, wb = self.WS[za], self.WS[zb]
        da = self.F[u] - self.S[za] / wa[:, None]
        db = self.F[u] - self.S[zb] / wb[:, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            rem = np.where(wa - w > 0, w * wa / (wa - w) * (da * da).sum(1), 0.0)
        dobj = w * wb / (wb + w) * (db * db).sum(1) - rem
        if self.origin is not None:
            o = self.origin[u]
            dobj = dobj + self.cost[u] * ((zb != o).astype(float) - (za != o).astype(float))
        good = (dv < -TOL) | ((np.abs(dv) <= TOL) & (dobj < -TOL))
        order = np.lexsort((u[good], dobj[good], np.round(dv[good], 6)))
        return np.column_stack([u[good], zb[good]])[order]

    def sweep(self) -> int:
        """One pass over the improving border moves; returns how many were applied."""
        applied = 0
        for i, b in self._candidates().tolist():
            a = int(self.lab[i])
            if a == b or self.cnt[a] <= 1:
                continue
            if not any(self.lab[j] == b for j in self.adj[i]):
                continue
            dv, dobj = self._delta(i, a, b)
            if not (dv < -TOL or (abs(dv) <= TOL and dobj < -TOL)):
                continue
            if not self.can_leave(i):
                continue
            self._apply(i, b)
            applied += 1
        self.stats.sweeps += 1
        return applied

    # ----- ejection chains -----------------------------------------------------------------
    def _zone_graph(self) -> list[set[int]]:
        a, b = self.lab[self.src], self.lab[self.dst]
        m = a != b
        nbrs: list[set[int]] = [set() for _ in range(self.k)]
        for x, y in zip(a[m].tolist(), b[m].tolist(), strict=True):
            nbrs[x].add(y)
        return nbrs

    def _paths(self, start: int, ok, zg: list[set[int]], limit: int = 4) -> list[list[int]]:
        """Up to ``limit`` shortest zone paths from ``start`` to zones where ``ok(z)`` holds."""
        prev = {start: -1}
        q = deque([start])
        out: list[list[int]] = []
        while q and len(out) < limit:
            z = q.popleft()
            for y in sorted(zg[z]):
                if y in prev:
                    continue
                prev[y] = z
                if ok(y):
                    path = [y]
                    while prev[path[-1]] != -1:
                        path.append(prev[path[-1]])
                    out.append(path[::-1])
                else:
                    q.append(y)
        return out

    def _pick(self, giver: int, taker: int, amount: float) -> int | None:
        best, best_key = None, None
        for i in np.flatnonzero(self.lab == giver).tolist():
            if self.locked[i] or not any(self.lab[j] == taker for j in self.adj[i]):
                continue
            key = (abs(self.popl[i] - amount), self._delta(i, giver, taker)[1], i)
            if (best_key is None or key < best_key) and self.can_leave(i):
                best, best_key = i, key
        return best

    def _chain(self, path: list[int], amount: float) -> bool:
        """Shift about ``amount`` people along ``path`` (giver first); keep it only if it helps."""
        before = self.total_violation()
        done: list[tuple[int, int]] = []
        for j in range(len(path) - 1, 0, -1):  # the last hop (into the end) first
            giver, taker = path[j - 1], path[j]
            i = self._pick(giver, taker, amount)
            if i is None:
                break
            done.append((i, giver))
            amount = self.popl[i]
            self._apply(i, taker)
        else:
            if self.total_violation() < before - TOL:
                return True
        for i, back in reversed(done):
            self._apply(i, back)
        return False

    def repair_step(self) -> bool:
        """Try ejection chains for each zone out of bounds; True if any reduced the violation."""
        zg = self._zone_graph()
        progress = False
        bad = [z for z in range(self.k) if self.viol(self.P[z]) > TOL]
        bad.sort(key=lambda z: (-self.viol(float(self.P[z])), z))
        for z in bad:
            if self.P[z] < self.lo:
                need = self.lo - self.P[z]
                for path in self._paths(z, lambda y: self.P[y] - self.lo > TOL, zg):
                    giver_path = path[::-1]  # slack zone … z
                    if self._chain(giver_path, min(need, self.P[giver_path[0]] - self.lo)):
                        progress = True
                        break
            elif self.P[z] > self.hi:
                need = self.P[z] - self.hi
                for path in self._paths(z, lambda y: self.hi - self.P[y] > TOL, zg):
                    if self._chain(path, min(need, self.hi - self.P[path[-1]])):
                        progress = True
                        break
            if progress:
                zg = self._zone_graph()
        return progress

    def run(self, max_sweeps: int) -> None:
        """Sweep until nothing improves; when stuck out of bounds, chain; repeat while it helps."""
        stalls = 0
        while self.stats.sweeps < max_sweeps:
            if self.sweep():
                continue
            if self.total_violation() <= TOL or stalls > 3 * self.k:
                break
            if not self.repair_step():
                break
            stalls += 1
