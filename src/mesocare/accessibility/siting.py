"""Where to add GP capacity: choose sites for N new FTEs that most help the worst served.

Objective (maximised): Σ_i P_i · min(A_i', T) over the areas in scope, where P_i is the
population, A_i' the accessibility after adding the new FTEs and T a target (e.g. the APL shortage
threshold 2.5). Equivalently: minimise the population-weighted shortfall Σ_i P_i · max(0, T − A_i'),
so only people below the target count, and the farther below, the more.

A new FTE at site s does not change other supply points' ratios (2SFCA ratios depend on demand
only), so A_i' = A_i + Σ_s x_s G_is with G_is = w(t_is) · supply_per_fte / Σ_k w(t_ks) D_k, linear
in the FTEs x_s. Hence:

* ``milp`` (default) solves it exactly with HiGHS: max Σ P_i y_i s.t. y_i ≤ Σ_s δ G_is u_s,
  0 ≤ y_i ≤ T − A_i, Σ u_s ≤ K, u_s integer (δ FTE per unit, K = N/δ units).
* ``greedy`` adds one unit at a time where it gains most. The objective is a non-decreasing concave
  function of a non-negative sum, hence monotone submodular in the units placed, so greedy reaches
  at least (1 − 1/e) ≈ 63% of the optimal gain (Nemhauser, Wolsey & Fisher 1978).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import highspy
import numpy as np
import scipy.sparse as sp

from mesocare.accessibility.decay import Decay
from mesocare.accessibility.fca import weighted
from mesocare.accessibility.travel import TravelTimes
from mesocare.errors import ParameterError


@dataclass(frozen=True)
class SitingParams:
    new_fte: float
    target: float
    fte_step: float = 1.0
    max_fte_per_site: float | None = None
    method: Literal["milp", "greedy"] = "milp"
    time_limit_s: float = 30.0

    def __post_init__(self) -> None:
        if not self.new_fte > 0 or not self.fte_step > 0:
            raise ParameterError("new_fte and fte_step must be > 0")
        units = self.new_fte / self.fte_step
        if abs(units - round(units)) > 1e-9:
            raise ParameterError(
                f"new_fte ({self.new_fte}) must be a multiple of fte_step ({self.fte_step})"
            )
        if self.method not in ("milp", "greedy"):
            raise ParameterError(f"unknown siting method '{self.method}'; use milp or greedy")

    @property
    def units(self) -> int:
        return round(self.new_fte / self.fte_step)

    @property
    def units_per_site(self) -> int:
        if self.max_fte_per_site is None:
            return self.units
        return max(0, int(np.floor(self.max_fte_per_site / self.fte_step + 1e-9)))


@dataclass(frozen=True, eq=False)
class SitingResult:
    fte: np.ndarray  # per candidate site
    before: np.ndarray  # accessibility per area
    after: np.ndarray
    shortfall_before: float  # Σ P · max(0, T − A) over the scope
    shortfall_after: float
    method: str
    optimality: str  # what is guaranteed about the result


def gain_per_fte(
    times: TravelTimes, demand: np.ndarray, decay: Decay, supply_per_fte: float = 1.0
) -> sp.csr_matrix:
    """G (areas × candidate sites): accessibility added in each area by 1 FTE at each site."""
    w = weighted(times, decay)
    reached = w.T @ np.asarray(demand, dtype=float)
    scale = np.divide(supply_per_fte, reached, out=np.zeros_like(reached), where=reached > 0)
    return sp.csr_matrix(w @ sp.diags(scale))


def shortfall(
    access: np.ndarray, population: np.ndarray, target: float, scope: np.ndarray
) -> float:
    return float((population * np.maximum(0.0, target - access))[scope].sum())


def choose_sites(
    access: np.ndarray,
    population: np.ndarray,
    gain: sp.csr_matrix,
    params: SitingParams,
    scope: np.ndarray | None = None,
) -> SitingResult:
    """Place ``params.new_fte`` FTEs on the candidate sites (columns of ``gain``)."""
    a = np.asarray(access, dtype=float)
    p = np.asarray(population, dtype=float)
    n, c = gain.shape
    if a.shape != (n,) or p.shape != (n,):
        raise ParameterError(f"access and population need {n} values (one per area)")
    s = np.ones(n, dtype=bool) if scope is None else np.asarray(scope, dtype=bool)
    rel = np.flatnonzero(s & (a < params.target) & (p > 0))
    g = sp.csr_matrix(gain[rel] * params.fte_step)
    if params.method == "milp":
        units, note = _milp(a[rel], p[rel], g, params)
    else:
        units = _greedy(a[rel], p[rel], g, params)
        note = "greedy: at least 1 − 1/e ≈ 63% of the optimal gain (submodular objective)"
    fte = units * params.fte_step
    after = a + gain @ fte
    return SitingResult(
        fte,
        a,
        after,
        shortfall(a, p, params.target, s),
        shortfall(after, p, params.target, s),
        params.method,
        note,
    )


def _greedy(a: np.ndarray, p: np.ndarray, g: sp.csr_matrix, params: SitingParams) -> np.ndarray:
    c = g.shape[1]
    coo = g.tocoo()
    rows, cols, vals = coo.row, coo.col, coo.data
    gc = g.tocsc()
    t = params.target
    cur = np.minimum(a, t)
    units = np.zeros(c, dtype=np.int64)
    for _ in range(params.units):
        contrib = p[rows] * (np.minimum(cur[rows] + vals, t) - cur[rows])
        gains = np.bincount(cols, weights=contrib, minlength=c)
        gains[units >= params.units_per_site] = -1.0
        best = int(np.argmax(gains))
        if gains[best] <= 0:
            break
        units[best] += 1
        lo, hi = gc.indptr[best], gc.indptr[best + 1]
        r = gc.indices[lo:hi]
        cur[r] = np.minimum(cur[r] + gc.data[lo:hi], t)
    return units


def _milp(
    a: np.ndarray, p: np.ndarray, g: sp.csr_matrix, params: SitingParams
) -> tuple[np.ndarray, str]:
    r, c = g.shape
    if r == 0 or c == 0 or g.nnz == 0:
        return np.zeros(c, dtype=np.int64), "exact (nothing to improve)"
    # columns: u_s (c, integer) then y_i (r, continuous); rows: y_i − Σ_s g_is u_s ≤ 0; Σ u ≤ K
    a_mat = sp.vstack(
        [
            sp.hstack([-g, sp.identity(r, format="csr")]),
            sp.hstack([sp.csr_matrix(np.ones((1, c))), sp.csr_matrix((1, r))]),
        ]
    ).tocsc()
    lp = highspy.HighsLp()
    lp.num_col_ = c + r
    lp.num_row_ = r + 1
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = np.concatenate([np.zeros(c), p])
    lp.col_lower_ = np.zeros(c + r)
    lp.col_upper_ = np.concatenate([np.full(c, float(params.units_per_site)), params.target - a])
    lp.row_lower_ = np.full(r + 1, -highspy.kHighsInf)
    lp.row_upper_ = np.concatenate([np.zeros(r), [float(params.units)]])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a_mat.indptr
    lp.a_matrix_.index_ = a_mat.indices
    lp.a_matrix_.value_ = a_mat.data
    lp.integrality_ = [highspy.HighsVarType.kInteger] * c + [highspy.HighsVarType.kContinuous] * r
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(params.time_limit_s))
    h.setOptionValue("mip_rel_gap", 1e-9)
    h.passModel(lp)
    h.run()
    status = h.getModelStatus()
    sol = np.asarray(h.getSolution().col_value[:c])
    if len(sol) != c:
        raise ParameterError(f"the siting MILP found no solution ({h.modelStatusToString(status)})")
    gap = h.getInfo().mip_gap
    units = np.rint(sol).astype(np.int64)
    if status == highspy.HighsModelStatus.kOptimal:
        return units, "exact (HiGHS MILP, optimal)"
    return units, f"HiGHS MILP stopped ({h.modelStatusToString(status)}), gap {gap:.2%}"
