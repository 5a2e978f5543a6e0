import numpy as np
import pytest
from tests.zoning.helpers import grid

from mesocare.zoning import agreement, evaluate


def test_identical_zonings_agree_fully_whatever_the_names():
    a = np.array(["x", "x", "y", "y", "z"])
    b = np.array([3, 3, 1, 1, 2])
    ag = agreement(a, b)
    assert ag.ari == pytest.approx(1.0) and ag.vi == pytest.approx(0.0) and not ag.changed.any()


def test_ari_matches_the_textbook_value_and_sklearn():
    a = np.array([0, 0, 0, 1, 1, 1])
    b = np.array([0, 0, 1, 1, 2, 2])
    assert agreement(a, b).ari == pytest.approx(0.24242424, abs=1e-6)
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(1)
    for _ in range(5):
        x, y = rng.integers(0, 4, 50), rng.integers(0, 5, 50)
        assert agreement(x, y).ari == pytest.approx(metrics.adjusted_rand_score(y, x))
        h = metrics.mutual_info_score(x, y)
        ent = lambda v: -sum(p * np.log(p) for p in np.bincount(v) / len(v) if p > 0)  # noqa: E731
        assert agreement(x, y).vi == pytest.approx(ent(x) + ent(y) - 2 * h)


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
