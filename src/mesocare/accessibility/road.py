"""Road travel times from an OpenStreetMap extract (``.osm.pbf``): pyrosm reads the drivable
network, scipy's csgraph Dijkstra computes many-to-many shortest times.

Edge time = length ÷ speed, the speed from the ``maxspeed`` tag when numeric, otherwise a default
per ``highway`` class (a parameter). One-way streets are respected. Each origin and destination is
joined to its nearest node of the network's largest strongly connected part (a one-way stub cut
off at the extract's edge would reach nothing and give a silent 0) at ``connector_speed_kmh``
along the straight line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from mesocare.accessibility.travel import Locations, TravelTimes
from mesocare.errors import ParameterError, ValidationError

#: km/h by OSM ``highway`` class where ``maxspeed`` is missing (typical European values).
DEFAULT_SPEEDS_KMH: Mapping[str, float] = MappingProxyType(
    {
        "motorway": 110.0,
        "motorway_link": 60.0,
        "trunk": 90.0,
        "trunk_link": 50.0,
        "primary": 70.0,
        "primary_link": 40.0,
        "secondary": 60.0,
        "secondary_link": 40.0,
        "tertiary": 50.0,
        "tertiary_link": 30.0,
        "unclassified": 40.0,
        "residential": 30.0,
        "living_street": 10.0,
        "service": 20.0,
        "road": 30.0,
    }
)


@dataclass(frozen=True, eq=False)
class RoadNetwork:
    """A directed road graph (CSR of minutes between node indices) with node coordinates."""

    graph: sp.csr_matrix
    node_x: np.ndarray
    node_y: np.ndarray
    crs: str
    connector_speed_kmh: float = 15.0
    block: int = field(default=256, repr=False)

    @property
    def by_code(self) -> bool:
        return False

    @classmethod
    def from_pbf(
        cls,
        path: str | Path,
        crs: str,
        *,
        speeds_kmh: Mapping[str, float] = DEFAULT_SPEEDS_KMH,
        fallback_speed_kmh: float = 30.0,
        connector_speed_kmh: float = 15.0,
    ) -> RoadNetwork:
        """Read the drivable network of an ``.osm.pbf`` extract, projected to ``crs`` (metric)."""
        from pyrosm import OSM  # heavy import, only when a network is used

        p = Path(path)
        if not p.is_file():
            raise ValidationError("OpenStreetMap extract not found", file=p)
        try:
            nodes, edges = OSM(str(p)).get_network(network_type="driving", nodes=True)
        except Exception as exc:  # pyrosm raises plain exceptions on bad files
            raise ValidationError(
                "cannot read OpenStreetMap extract", file=p, found=str(exc)
            ) from exc
        if edges is None or len(edges) == 0:
            raise ValidationError("no drivable road in the extract", file=p)
        return cls.from_edges(
            nodes["id"].to_numpy(),
            nodes["lon"].to_numpy(dtype=float),
            nodes["lat"].to_numpy(dtype=float),
            edges[["u", "v", "length", "highway", "maxspeed", "oneway"]],
            crs,
            speeds_kmh=speeds_kmh,
            fallback_speed_kmh=fallback_speed_kmh,
            connector_speed_kmh=connector_speed_kmh,
        )

    @classmethod
    def from_edges(
        cls,
        node_ids: np.ndarray,
        lon: np.ndarray,
        lat: np.ndarray,
        edges: pd.DataFrame,
        crs: str,
        *,
        speeds_kmh: Mapping[str, float] = DEFAULT_SPEEDS_KMH,
        fallback_speed_kmh: float = 30.0,
        connector_speed_kmh: float = 15.0,
    ) -> RoadNetwork:
        """Build from OSM-style edges (u, v, length in metres, highway, maxspeed, oneway)."""
        import pyproj

        tf = pyproj.Transformer.from_crs(4326, crs, always_xy=True)
        if not pyproj.CRS(crs).is_projected:
            raise ParameterError(f"road network needs a projected metric CRS; found {crs}")
        x, y = tf.transform(np.asarray(lon, float), np.asarray(lat, float))
        index = pd.Index(node_ids)
        u = index.get_indexer(edges["u"].to_numpy())
        v = index.get_indexer(edges["v"].to_numpy())
        ok = (u >= 0) & (v >= 0)
        maxspeed = pd.to_numeric(edges["maxspeed"], errors="coerce").to_numpy(dtype=float)
        by_class = edges["highway"].map(dict(speeds_kmh)).to_numpy(dtype=float)
        speed = np.where(np.isfinite(maxspeed) & (maxspeed > 0), maxspeed, by_class)
        speed = np.where(np.isfinite(speed), speed, fallback_speed_kmh)
        minutes = edges["length"].to_numpy(dtype=float) / (speed * 1000.0 / 60.0)
        oneway = edges["oneway"].astype("string").fillna("no").to_numpy(dtype=str)
        fwd = ok & (oneway != "-1")
        back = ok & ~np.isin(oneway, ("yes", "true", "1"))
        src = np.concatenate([u[fwd], v[back]])
        dst = np.concatenate([v[fwd], u[back]])
        t = np.concatenate([minutes[fwd], minutes[back]])
        # parallel edges: keep the fastest (a COO → CSR conversion would add them up)
        best = pd.DataFrame({"s": src, "d": dst, "t": t}).groupby(["s", "d"], sort=True)["t"].min()
        n = len(index)
        graph = sp.csr_matrix(
            (
                np.maximum(best.to_numpy(), 1e-9),  # a 0 would read as "no edge"
                (best.index.get_level_values(0), best.index.get_level_values(1)),
            ),
            shape=(n, n),
        )
        return cls(graph, np.asarray(x), np.asarray(y), crs, connector_speed_kmh)

    @cached_property
    def snap_nodes(self) -> np.ndarray:
        """Indices of the nodes origins and destinations are joined to: the largest strongly
        connected component, where every node reaches every other."""
        _, label = connected_components(self.graph, directed=True, connection="strong")
        return np.flatnonzero(label == np.bincount(label).argmax())

    def covered(self, origins: Locations, tolerance_m: float = 250.0) -> np.ndarray:
        """Whether each origin lies within the extract: inside the convex hull of the network's
        nodes, or within ``tolerance_m`` of it."""
        import shapely

        hull = shapely.convex_hull(shapely.multipoints(np.column_stack([self.node_x, self.node_y])))
        return np.asarray(
            shapely.dwithin(hull, shapely.points(origins.x, origins.y), tolerance_m), dtype=bool
        )

    def travel_times(
        self, origins: Locations, destinations: Locations, max_minutes: float
    ) -> TravelTimes:
        snap = self.snap_nodes
        tree = cKDTree(np.column_stack([self.node_x[snap], self.node_y[snap]]))
        per_min = self.connector_speed_kmh * 1000.0 / 60.0
        od, on = tree.query(np.column_stack([origins.x, origins.y]))
        dd, dn = tree.query(np.column_stack([destinations.x, destinations.y]))
        on, dn = snap[on], snap[dn]
        o_conn, d_conn = od / per_min, dd / per_min
        rows, cols, vals = [], [], []
        uniq, inv = np.unique(dn, return_inverse=True)
        rev = self.graph.T.tocsr()  # times *to* a destination = times from it on the reversed graph
        for a in range(0, len(uniq), self.block):
            nodes = uniq[a : a + self.block]
            dist = dijkstra(rev, directed=True, indices=nodes, limit=max_minutes)  # nodes × N
            sel = np.flatnonzero((inv >= a) & (inv < a + len(nodes)))
            for k in sel:  # per destination: every origin through its nearest node
                t = dist[inv[k] - a, on] + o_conn + d_conn[k]
                hit = np.flatnonzero(t <= max_minutes)
                rows.append(hit)
                cols.append(np.full(len(hit), k))
                vals.append(t[hit])
        r = np.concatenate(rows) if rows else np.zeros(0, int)
        c = np.concatenate(cols) if cols else np.zeros(0, int)
        v = np.concatenate(vals) if vals else np.zeros(0)
        m = sp.csr_matrix((v, (r, c)), shape=(len(origins), len(destinations)))
        return TravelTimes(origins.codes, destinations.codes, m, float(max_minutes))
