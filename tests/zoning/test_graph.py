import numpy as np
import shapely

from mesocare.zoning import bridge_islands, from_edges, from_geometry
from mesocare.zoning.graph import enclaves, islands


def _squares():
    return [shapely.box(x, y, x + 1, y + 1) for y in range(3) for x in range(3)]


def test_queen_and_rook_on_a_grid():
    q = from_geometry(_squares(), "queen")
    r = from_geometry(_squares(), "rook")
    assert q.degree().tolist() == [3, 5, 3, 5, 8, 5, 3, 5, 3]
    assert r.degree().tolist() == [2, 3, 2, 3, 4, 3, 2, 3, 2]
    assert sorted(r.neighbours(4).tolist()) == [1, 3, 5, 7]


def test_islands_are_linked_to_the_nearest_area_and_reported():
    geoms = _squares() + [shapely.box(10, 0, 11, 1), shapely.box(0, 10, 1, 11)]
    g = from_geometry(geoms)
    assert [sorted(c) for c in islands(g)] == [[9], [10]]
    xy = np.array([[p.centroid.x, p.centroid.y] for p in geoms])
    b = bridge_islands(g, xy)
    assert b.components().max() == 0
    assert set(b.bridges) == {(2, 9), (6, 10)}


def test_enclave_is_found():
    outer = shapely.box(0, 0, 10, 10).difference(shapely.box(4, 4, 6, 6))
    inner = shapely.box(4, 4, 6, 6)
    other = shapely.box(10, 0, 20, 10)
    g = from_geometry([outer, inner, other])
    assert enclaves(g, [outer, inner, other]) == [(1, 0)]


def test_from_edges_drops_loops_and_duplicates_and_contracts():
    g = from_edges(4, [0, 0, 1, 2, 2], [1, 1, 0, 2, 3])
    assert g.degree().tolist() == [1, 1, 1, 1]
    c = g.contract(np.array([0, 0, 1, 1]))
    assert c.n == 2 and c.degree().tolist() == [0, 0]
