"""Generate the Flemish-scale synthetic region and diagnose every one of its zones.

Prints the time and the process's peak memory after each step, then the figures as one JSON line.
Goal (issue 2): one zone's report in under 2 s and all 60 zones in under 30 s once the territory is
generated, on a 2-core machine.

    .venv/bin/python benchmarks/diagnose_flanders.py [--preset flanders] [--zones 60]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from pathlib import Path

from mesocare.services.diagnose import diagnose_zone, write_report
from mesocare.services.diagnose_all import diagnose_all
from mesocare.territory import load_territory, save_territory
from mesocare.territory.synthetic import generate


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--preset", default="flanders")
    ap.add_argument("--zones", type=int, default=0, help="diagnose only the first N zones")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    rows: list[tuple[str, float, float]] = []

    def step(name: str, t0: float) -> float:
        dt = time.perf_counter() - t0
        rows.append((name, dt, peak_mb()))
        print(f"{name:<52} {dt:8.2f} s   peak {peak_mb():8.0f} MB", flush=True)
        return dt

    t0 = time.perf_counter()
    territory = generate(args.preset)
    step(f"generate '{args.preset}' ({len(territory.areas):,} areas)", t0)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        save_territory(territory, Path(tmp) / "t")
        step("save territory", t0)
        t0 = time.perf_counter()
        territory = load_territory(Path(tmp) / "t")
        step("load and validate territory", t0)
        zones = territory.zone_codes()[: args.zones or None]
        # one zone alone, cold: computes the territory-wide results it needs itself
        t0 = time.perf_counter()
        write_report(
            diagnose_zone(territory, zones[0], workers=args.workers), Path(tmp) / "one.html"
        )
        one = step(f"one zone report, cold ({zones[0]}, first in process)", t0)
        # a second zone with an empty cache: modules and compiled kernels already loaded
        t0 = time.perf_counter()
        write_report(
            diagnose_zone(territory, zones[-1], workers=args.workers), Path(tmp) / "two.html"
        )
        fresh = step(f"one zone report, empty cache ({zones[-1]})", t0)
        # every zone: territory-wide results once, then the zones spread over the cores
        t0 = time.perf_counter()
        paths = diagnose_all(territory, Path(tmp) / "all", workers=args.workers, zones=zones)
        all_s = step(f"all {len(paths)} zones, HTML written ({args.workers} workers)", t0)
    print(
        json.dumps(
            {
                "benchmark": "diagnose_flanders",
                "preset": args.preset,
                "areas": len(territory.areas),
                "zones": len(zones),
                "workers": args.workers,
                "generate_s": round(rows[0][1], 2),
                "one_zone_cold_s": round(one, 2),
                "one_zone_empty_cache_s": round(fresh, 2),
                "all_zones_s": round(all_s, 2),
                "peak_mb_parent": round(peak_mb()),
                "goal_met": bool(one < 2 and all_s < 30),
            }
        )
    )


if __name__ == "__main__":
    main()
