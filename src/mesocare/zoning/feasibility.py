"""Why bounds cannot be met, in words that name the areas responsible."""

from __future__ import annotations

import math

import numpy as np

from mesocare.zoning.model import InfeasibleZoningError


def _names(codes: np.ndarray, limit: int = 8) -> str:
    shown = ", ".join(str(c) for c in codes[:limit])
    return shown + (f" … ({len(codes)} areas)" if len(codes) > limit else "")


def check_units(
    codes: np.ndarray, groups: np.ndarray, gpop: np.ndarray, hi: float, allow: bool
) -> list[int]:
    """Units (areas or kept-whole groups) above the maximum: an error unless ``allow``."""
    big = np.flatnonzero(gpop > hi).tolist()
    if big and not allow:
        parts = [f"{_names(codes[groups == v])} ({gpop[v]:,.0f} people)" for v in big]
        raise InfeasibleZoningError(
            f"{len(big)} unit(s) that cannot be split exceed the maximum of {hi:,.0f}: "
            + "; ".join(parts)
            + " (raise the maximum, split them, or allow oversized units as their own zones)",
            [str(c) for v in big for c in codes[groups == v]],
        )
    return big


def check_components(
    codes: np.ndarray,
    groups: np.ndarray,
    members: list[np.ndarray],
    gpop: np.ndarray,
    lo: float,
    hi: float,
) -> tuple[list[int], list[float]]:
    """Smallest and largest zone count of each connected component; an error if none fits."""
    kmin: list[int] = []
    kmax: list[float] = []
    for nodes in members:
        p = float(gpop[nodes].sum())
        a = math.ceil(p / hi - 1e-9)
        b = math.floor(p / lo + 1e-9) if lo > 0 else math.inf
        b = min(b, len(nodes))
        if a > b:
            areas = codes[np.isin(groups, nodes)]
            if p < lo:
                why = f"its {p:,.0f} people are fewer than the minimum of {lo:,.0f}"
            else:
                why = (
                    f"its {p:,.0f} people need at least {a} zones of at most {hi:,.0f} "
                    f"but allow at most {b} of at least {lo:,.0f}"
                )
            raise InfeasibleZoningError(
                f"areas connected to no others ({_names(areas)}) cannot form zones: {why}",
                [str(c) for c in areas],
            )
        kmin.append(max(a, 1))
        kmax.append(b)
    return kmin, kmax


def describe_violations(
    codes: np.ndarray,
    labels: np.ndarray,
    zpop: np.ndarray,
    lo: float,
    hi: float,
    skip: set[int] | None = None,
) -> list[str]:
    """One line per zone out of bounds, naming a few of its areas."""
    out = []
    for z in range(len(zpop)):
        if skip and z in skip:
            continue
        if zpop[z] < lo or zpop[z] > hi:
            side = f"< {lo:,.0f}" if zpop[z] < lo else f"> {hi:,.0f}"
            out.append(
                f"zone {z + 1} ({_names(codes[labels == z], 4)}) has {zpop[z]:,.0f} people {side}"
                " and could not be brought within bounds"
            )
    return out
