"""Population health at Belgian scale: DuckDB (the engine) vs a straightforward pandas version vs
Spark local mode, on the same synthetic person-level records.

    python benchmarks/population_health.py                      # 11.7 M persons (preset belgium)
    python benchmarks/population_health.py --scale 0.25         # a quarter of the zones and people
    python benchmarks/population_health.py --engines duckdb,pandas --threads 2

Steps: generate (territory + persons, streamed to Parquet; row counts printed), then per engine,
each in its own process so peaks do not mix: load (register or read the Parquet files), query
(per person: conditions, polypharmacy, hospital and emergency use, stratum of the risk pyramid,
care gaps; then the counts per area, network, zone, region and practice × age band: DuckDB and
Spark run it as one query, as the service does, without storing the person rows; pandas builds
the person table, then groups it), measures (rates with Wilson and Dobson intervals, suppression:
the same pandas code for every engine). Peak memory is the highest resident set size of the
process and its children (Spark's JVM) sampled every 50 ms during the step. With ``--repeat N``
the engines run in N rounds (each engine once per round, so that all see the same spells of a
busy machine) and the medians are reported, with the ratio of each round (this machine is
shared: single runs vary by ±20 %). The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, replace
from datetime import date
from pathlib import Path

REF = date(2020, 12, 31)


class Peak:
    """Highest RSS (GiB) of this process and its descendants while the block runs."""

    def __enter__(self) -> Peak:
        self.peak, self._stop = 0, threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()
        return self

    def _rss(self) -> int:
        pids, total = {os.getpid()}, 0
        try:
            for d in os.listdir("/proc"):
                if d.isdigit():
                    try:
                        with open(f"/proc/{d}/stat") as fh:
                            ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
                        if ppid in pids or int(d) in pids:
                            pids.add(int(d))
                    except OSError:
                        pass
            for pid in pids:
                try:
                    with open(f"/proc/{pid}/statm") as fh:
                        total += int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
                except OSError:
                    pass
        except OSError:
            pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            time.sleep(0.05)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()
        self.peak = max(self.peak, self._rss())

    @property
    def gib(self) -> float:
        return self.peak / 2**30


def step(results: dict, name: str, fn):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    with Peak() as p:
        out = fn()
    results[name] = {"seconds": round(time.perf_counter() - t0, 2), "peak_gib": round(p.gib, 2)}
    print(
        f"  {name:<11} {results[name]['seconds']:8.1f} s  {results[name]['peak_gib']:6.2f} GiB",
        flush=True,
    )
    return out


def child(engine: str, work: Path, threads: int, memory_limit: str) -> dict:
    import pandas as pd

    from mesocare.population import engine as E
    from mesocare.population import reference as R
    from mesocare.population.aggregate import compute_measures
    from mesocare.population.codelists import load_codelists
    from mesocare.population.rules import HealthParams
    from mesocare.population.tables import table_paths
    from mesocare.territory.person_tables import TABLES

    cl, params = load_codelists(), HealthParams(reference_date=REF)
    areas = pd.read_parquet(work / "areas.parquet")
    codes = areas[["area_code", "network_code", "zone_code", "region_code"]]
    paths = table_paths(work / "persons")
    res: dict = {}

    if engine == "pandas":

        def load() -> dict[str, pd.DataFrame]:
            out = {}
            for n in TABLES:
                df = pd.read_parquet(paths[n])
                for c in ("birth_date", "death_date", "start_date", "end_date", "date"):
                    if c in df.columns:
                        df[c] = df[c].astype("datetime64[s]")
                out[n] = df
            return out

        t = step(res, "load", load)
        counts = step(
            res,
            "query",
            lambda: R.unit_counts(R.person_features(t, cl, params), cl, params),
        )
    else:
        spark = None
        if engine == "spark":
            from pyspark.sql import SparkSession

            spark = step(
                res,
                "start",
                lambda: (
                    SparkSession.builder.master(f"local[{threads}]")
                    .config("spark.sql.shuffle.partitions", str(4 * threads))
                    .config("spark.driver.memory", "6g")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.session.timeZone", "UTC")
                    .getOrCreate()
                ),
            )
            spark.sparkContext.setLogLevel("ERROR")
        mem = {"memory_limit": memory_limit} if engine == "duckdb" else {}
        con = E.connect(engine, threads=threads, spark=spark, **mem)
        t = step(res, "load", lambda: E.read_tables(con, paths))

        # what the service runs (mesocare.services.population_health.analyse): one query from
        # the person-level tables to the counts per level × unit × age band
        counts = step(
            res,
            "query",
            lambda: E.fetch(E.unit_counts(E.person_features(t, cl, params), cl, params)),
        )
    m = step(res, "measures", lambda: compute_measures(counts, cl, params, areas=codes))
    total = sum(v["seconds"] for k, v in res.items() if k != "start")
    res["pipeline"] = {
        "seconds": round(total, 2),
        "peak_gib": max(v["peak_gib"] for v in res.values()),
    }
    res["measure_rows"] = len(m)
    res["checksum"] = int(m["numerator"].fillna(0).sum())
    return res


def median_run(runs: list[dict]) -> dict:
    """One result from several runs of an engine: the median seconds of each step (and the runs'
    seconds), the highest peak; the checksums must agree."""
    if len({r["checksum"] for r in runs}) > 1:
        raise SystemExit("runs of the same engine gave different results")
    out = dict(runs[0])
    for name, v in runs[0].items():
        if isinstance(v, dict) and "seconds" in v:
            secs = [r[name]["seconds"] for r in runs]
            out[name] = {
                "seconds": round(statistics.median(secs), 2),
                "peak_gib": max(r[name]["peak_gib"] for r in runs),
                "runs": secs,
            }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--preset", default="belgium")
    ap.add_argument("--scale", type=float, default=1.0, help="share of the preset's zones/people")
    ap.add_argument("--engines", default="duckdb,pandas,spark")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--memory-limit", default="6GB", help="DuckDB's memory_limit")
    ap.add_argument(
        "--reuse", action="store_true", help="reuse the data already generated in --workdir"
    )
    ap.add_argument(
        "--repeat", type=int, default=1, help="runs per engine; steps and ratios use the medians"
    )
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        result = child(a.child, a.workdir, a.threads, a.memory_limit)
        print("RESULT " + json.dumps(result), flush=True)
        return

    from mesocare.population.synthetic import write_synthetic
    from mesocare.territory.synthetic import PRESETS, generate

    spec = PRESETS[a.preset]
    if a.scale != 1.0:
        spec = replace(
            spec,
            population=int(spec.population * a.scale),
            n_zones=max(1, round(spec.n_zones * a.scale)),
        )
    work = a.workdir or Path(tempfile.mkdtemp(prefix="mc-health-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(
        f"population health benchmark: {spec.name}, {spec.population:,} persons, "
        f"{a.threads} threads, work in {work}",
        flush=True,
    )
    gen: dict = {}
    if a.reuse and (work / "areas.parquet").exists() and (work / "persons").is_dir():
        import pyarrow.parquet as pq

        from mesocare.population.tables import table_paths
        from mesocare.territory.person_tables import TABLES

        paths = table_paths(work / "persons")
        rows = {n: pq.ParquetFile(paths[n]).metadata.num_rows for n in TABLES}
        print("  reusing the generated data", flush=True)
    else:
        terr = step(gen, "territory", lambda: generate(spec))
        terr.areas.drop(columns="geometry").to_parquet(work / "areas.parquet")
        rows = step(
            gen,
            "persons",
            lambda: write_synthetic(terr, work / "persons", reference_date=REF, chunk_size=500_000),
        )
    print(
        "  rows: "
        + ", ".join(f"{k} {v:,}" for k, v in rows.items())
        + f" (total {sum(rows.values()):,})",
        flush=True,
    )
    out: dict = {
        "persons": rows["persons"],
        "rows": rows,
        "threads": a.threads,
        "generate": gen,
        "spec": {k: v for k, v in asdict(spec).items() if k in ("name", "population", "n_zones")},
    }
    engines = a.engines.split(",")
    runs: dict[str, list[dict]] = {e: [] for e in engines}
    failed: dict[str, list[str]] = {}
    # rounds: every engine once per round, so that all engines see the same spells of a busy
    # machine (running one engine's repeats after the other's would let them drift apart)
    for i in range(a.repeat):
        for engine in engines:
            if engine in failed:
                continue
            print(
                f"{engine}:" + (f" run {i + 1} of {a.repeat}" if a.repeat > 1 else ""), flush=True
            )
            proc = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    engine,
                    "--workdir",
                    str(work),
                    "--threads",
                    str(a.threads),
                    "--memory-limit",
                    a.memory_limit,
                ],
                capture_output=True,
                text=True,
                env=os.environ,
            )
            for line in proc.stdout.splitlines():
                if line.startswith("RESULT "):
                    runs[engine].append(json.loads(line[7:]))
                else:
                    print(line, flush=True)
            if proc.returncode != 0:
                failed[engine] = proc.stderr.strip().splitlines()[-1:] or ["failed"]
                print(f"  failed: {failed[engine]}", flush=True)
    for engine in engines:
        if engine in failed:
            out[engine] = {"error": failed[engine]}
            continue
        out[engine] = median_run(runs[engine])
        if len(runs[engine]) > 1:
            p = out[engine]["pipeline"]
            print(
                f"{engine}: median of {len(runs[engine])}: pipeline {p['seconds']:.1f} s "
                f"(runs {', '.join(f'{s:.1f}' for s in p['runs'])}), peak {p['peak_gib']:.2f} GiB",
                flush=True,
            )
    d = out.get("duckdb", {}).get("pipeline", {}).get("seconds")
    for other in ("pandas", "spark"):
        o = out.get(other, {}).get("pipeline", {}).get("seconds")
        if d and o:
            out[f"{other}_over_duckdb"] = round(o / d, 2)
            line = f"{other} / duckdb: {o / d:.1f}x (medians)"
            pairs = list(zip(runs.get(other, []), runs.get("duckdb", []), strict=False))
            if len(pairs) > 1:  # the same round: run i of one engine against run i of the other
                ratios = sorted(
                    x["pipeline"]["seconds"] / y["pipeline"]["seconds"] for x, y in pairs
                )
                out[f"{other}_over_duckdb_per_round"] = [round(r, 2) for r in ratios]
                line += f"; per round {', '.join(f'{r:.1f}' for r in ratios)}"
            print(line, flush=True)
    sums = {
        e: out[e]["checksum"] for e in ("duckdb", "pandas", "spark") if "checksum" in out.get(e, {})
    }
    out["same_results"] = len(set(sums.values())) <= 1
    if d:
        out["goal_met"] = bool(
            d < 60
            and out["duckdb"]["pipeline"]["peak_gib"] < 8
            and out.get("pandas_over_duckdb", 0) >= 5
        )
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
