"""Diagnose every zone of the Flemish-scale synthetic region, side by side with the code before the
typed diagnosis (a git revision, run from its own sources on the same territory).

Steps, each with its time and the peak memory of the process that ran it:
1. the ``ZoneDiagnosis`` of all zones in one pass, after the territory is loaded (goal: < 5 s);
2. one zone's HTML report from a cold process (a new Python process: imports, load, diagnose,
   write; goal: < 1 s for the part after the territory is loaded);
3. all zones' HTML reports with the Plotly bundle written once (goal: < 15 s);
then the baseline revision's lone report and all reports on the same folder, the ratios, and one
JSON line.

    .venv/bin/python benchmarks/diagnose_flanders.py [--preset flanders] [--baseline REV|none]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from mesocare.reports.batch import write_all
from mesocare.services.diagnosis import TerritoryResults, diagnose_zones
from mesocare.territory import load_territory, save_territory
from mesocare.territory.synthetic import generate

REPO = Path(__file__).resolve().parents[1]
#: the last revision whose report was built by section builders with a string-keyed cache
BASELINE = "2d77c6d"

COLD = """
import sys, time
t0 = time.perf_counter()
from mesocare.reports.diagnosis import write_report
from mesocare.reports.sections.geo import ZoneGeometry
from mesocare.services.diagnosis import diagnose
from mesocare.territory import load_territory
t1 = time.perf_counter()
t = load_territory(sys.argv[1])
t2 = time.perf_counter()
write_report(diagnose(t, sys.argv[2]), ZoneGeometry.of(t, sys.argv[2]), sys.argv[3])
t3 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2)
"""

BASELINE_COLD = """
import sys, time
t0 = time.perf_counter()
from mesocare.services.diagnose import diagnose_zone, write_report
from mesocare.territory import load_territory
t1 = time.perf_counter()
t = load_territory(sys.argv[1])
t2 = time.perf_counter()
write_report(diagnose_zone(t, sys.argv[2], workers=2), sys.argv[3])
t3 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2)
"""

BASELINE_ALL = """
import sys, time
from mesocare.services.diagnose_all import diagnose_all
from mesocare.territory import load_territory
t = load_territory(sys.argv[1])
t0 = time.perf_counter()
diagnose_all(t, sys.argv[2], workers=int(sys.argv[3]))
print(time.perf_counter() - t0)
"""


def peak_mb() -> float:
    """This process's peak memory (a child started by fork and exec inherits its parent's figure
    on Linux, so the subprocess steps print none)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(code: str, *args: str, src: Path | None = None) -> list[float]:
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True
    )
    return [float(x) for x in out.stdout.split()]


def baseline_sources(rev: str, into: Path) -> Path:
    """The package sources of ``rev`` (from git), to run the baseline beside this code."""
    tar = into / "baseline.tar"
    with tar.open("wb") as fh:
        subprocess.run(["git", "-C", str(REPO), "archive", rev, "src"], stdout=fh, check=True)
    with tarfile.open(tar) as tf:
        tf.extractall(into, filter="data")
    return into / "src"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--preset", default="flanders")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--baseline", default=BASELINE, help="git revision to compare with, or none")
    args = ap.parse_args()

    def show(name: str, seconds: float, mb: float | None) -> float:
        peak = f"   peak {mb:7.0f} MB" if mb is not None else ""
        print(f"{name:<58} {seconds:8.2f} s{peak}", flush=True)
        return seconds

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "t"
        t0 = time.perf_counter()
        save_territory(generate(args.preset), folder)
        show(f"generate and save '{args.preset}'", time.perf_counter() - t0, peak_mb())
        t0 = time.perf_counter()
        territory = load_territory(folder)
        show(f"load ({len(territory.areas):,} areas)", time.perf_counter() - t0, peak_mb())
        zones = territory.zone_codes()
        t0 = time.perf_counter()
        diagnose_zones(territory, shared=TerritoryResults(territory))
        one_pass = show(
            f"ZoneDiagnosis of all {len(zones)} zones, one pass, 1 process",
            time.perf_counter() - t0,
            peak_mb(),
        )
        t0 = time.perf_counter()
        diagnose_zones(territory, shared=TerritoryResults(territory), workers=args.workers)
        one_pass_w = show(
            f"ZoneDiagnosis of all {len(zones)} zones, {args.workers} processes",
            time.perf_counter() - t0,
            peak_mb(),
        )
        imp, load, cold = run(COLD, str(folder), zones[0], str(Path(tmp) / "one.html"))
        show(f"  cold process: imports {imp:.2f} s, load {load:.2f} s", imp + load, None)
        show(f"one zone's HTML report after load, cold process ({zones[0]})", cold, None)
        t0 = time.perf_counter()
        write_all(territory, Path(tmp) / "all", workers=args.workers)
        all_html = show(
            f"all {len(zones)} HTML reports ({args.workers} workers)",
            time.perf_counter() - t0,
            peak_mb(),
        )
        size = sum(p.stat().st_size for p in (Path(tmp) / "all").iterdir()) / 1e6
        print(f"{'  reports folder':<58} {size:8.1f} MB")
        result = {
            "benchmark": "diagnose_flanders",
            "preset": args.preset,
            "areas": len(territory.areas),
            "zones": len(zones),
            "workers": args.workers,
            "all_diagnoses_s": round(one_pass, 2),
            "all_diagnoses_workers_s": round(one_pass_w, 2),
            "one_report_cold_after_load_s": round(cold, 2),
            "one_report_cold_process_s": round(imp + load + cold, 2),
            "all_reports_s": round(all_html, 2),
            "all_reports_mb": round(size, 1),
            "goal_met": bool(min(one_pass, one_pass_w) < 5 and cold < 1 and all_html < 15),
        }
        if args.baseline != "none":
            src = baseline_sources(args.baseline, Path(tmp))
            _, _, bcold = run(
                BASELINE_COLD, str(folder), zones[0], str(Path(tmp) / "b.html"), src=src
            )
            show(f"baseline {args.baseline}: one zone's report after load, cold", bcold, None)
            (ball,) = run(
                BASELINE_ALL, str(folder), str(Path(tmp) / "ball"), str(args.workers), src=src
            )
            bsize = sum(p.stat().st_size for p in (Path(tmp) / "ball").iterdir()) / 1e6
            show(f"baseline {args.baseline}: all {len(zones)} reports ({bsize:.0f} MB)", ball, None)
            print(
                f"ratio baseline / now: one zone {bcold / cold:.2f}x, all reports {ball / all_html:.2f}x"
            )
            result |= {
                "baseline": args.baseline,
                "baseline_one_report_s": round(bcold, 2),
                "baseline_all_reports_s": round(ball, 2),
                "baseline_all_reports_mb": round(bsize, 1),
                "ratio_one": round(bcold / cold, 2),
                "ratio_all": round(ball / all_html, 2),
            }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
