import numpy as np
import pytest
from tests.zoning.helpers import grid

from mesocare.zoning import agreement, evaluate


def test_identical_zonings_agree_fully_whatever_the_names():
    a = np.array(["x", "x", "y", "y", "z"])
    b = np.array([3, 3, 1, 1, 2])
    ag = agreement(a, b)
    assert ag.ari == pytest.approx(1.0) and ag.vi == pytest.approx(0.0) and not ag.changed.any()


def _slow_ari(x, y):
    """Pair counting, the definition: (index − expected) / (max − expected)."""
    n = len(x)
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    both = sum(x[i] == x[j] and y[i] == y[j] for i, j in pairs)
    sx = sum(x[i] == x[j] for i, j in pairs)
    sy = sum(y[i] == y[j] for i, j in pairs)
    expected = sx * sy / len(pairs)
    return (both - expected) / ((sx + sy) / 2 - expected)


def _slow_vi(x, y):
    n = len(x)
    vi = 0.0
    for a in set(x):
        for b in set(y):
            r = sum(1 for i in range(n) if x[i] == a and y[i] == b) / n
            if r > 0:
                px, py = x.count(a) / n, y.count(b) / n
                vi -= r * (np.log(r / px) + np.log(r / py))
    return vi


def test_ari_and_vi_match_their_definitions():
    a = np.array([0, 0, 0, 1, 1, 1])
    b = np.array([0, 0, 1, 1, 2, 2])
    assert agreement(a, b).ari == pytest.approx(0.24242424, abs=1e-6)
    rng = np.random.default_rng(1)
    for _ in range(5):
        x, y = rng.integers(0, 4, 40).tolist(), rng.integers(0, 5, 40).tolist()
        assert agreement(np.array(x), np.array(y)).ari == pytest.approx(_slow_ari(x, y))
        assert agreement(np.array(x), np.array(y)).vi == pytest.approx(_slow_vi(x, y))


def test_changed_areas_after_matching():
    ref = np.array(["A"] * 4 + ["B"] * 4)
    new = np.array(["1"] * 3 + ["2"] * 5)
    ag = agreement(new, ref)
    assert ag.changed.tolist() == [False] * 3 + [True] + [False] * 4


def test_evaluation_flags_bounds_and_broken_zones():
    p = grid(3, 1)
    ev = evaluate(p.codes, p.population, p.xy, p.graph, np.array(["a", "b", "a"]),
                  min_population=150, max_population=300)  # fmt: skip
    z = ev.zones.set_index("zone")
    assert z.loc["a", "contiguous"] == False  # noqa: E712
    assert z.loc["a", "pieces"] == 2
    assert z.loc["b", "bounds"] == "below minimum"
    assert z.loc["a", "compactness_km"] == pytest.approx(1.0)
    assert ev.summary["not_contiguous"] == 1 and ev.summary["below_minimum"] == 1


def test_homogeneity_is_zero_for_uniform_zones():
    p = grid(4, 1)
    attrs = np.array([[1.0], [1.0], [5.0], [5.0]])
    ev = evaluate(p.codes, p.population, p.xy, p.graph, np.array([0, 0, 1, 1]), attributes=attrs)
    assert ev.summary["within_zone_variance_share"] == pytest.approx(0.0)
    ev = evaluate(p.codes, p.population, p.xy, p.graph, np.array([0, 1, 0, 1]), attributes=attrs)
    assert ev.summary["within_zone_variance_share"] == pytest.approx(1.0)
