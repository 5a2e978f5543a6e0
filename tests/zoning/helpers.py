"""Small hand-built instances: grids of square areas."""

from __future__ import annotations

import numpy as np
import shapely

from mesocare.zoning import ZoningProblem, from_geometry


def grid(nx: int, ny: int, population=None, size_m: float = 1000.0) -> ZoningProblem:
    """``nx`` × ``ny`` unit squares (row-major from the south-west), rook contiguity."""
    boxes = [
        shapely.box(x * size_m, y * size_m, (x + 1) * size_m, (y + 1) * size_m)
        for y in range(ny)
        for x in range(nx)
    ]
    xy = np.array([[(x + 0.5) * size_m, (y + 0.5) * size_m] for y in range(ny) for x in range(nx)])
    pop = np.ones(nx * ny) * 100 if population is None else np.asarray(population, float)
    codes = np.array([f"A{i:03d}" for i in range(nx * ny)])
    return ZoningProblem(codes, pop, xy, from_geometry(boxes, "rook"))


def contiguous(problem: ZoningProblem, labels: np.ndarray) -> bool:
    g = problem.graph
    for z in np.unique(labels):
        mask = labels == z
        if g.components(mask)[mask].max() != 0:
            return False
    return True
