"""Use case: diagnose every zone of a territory, in parallel, with an index page.

Territory-wide results (indicators of every unit, shortage flags, accessibility, practice lists…)
are computed once in the parent process by the first zone's diagnosis; worker processes are then
forked with that cache, so each zone only pays for its own sections.
"""

from __future__ import annotations

import html
import multiprocessing as mp
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from mesocare.services.diagnose import Format, diagnose_zone, write_report
from mesocare.territory import Territory

#: (territory, shared cache) inherited by forked workers; set only around a pool's lifetime.
_SHARED: tuple[Territory, dict[str, Any]] | None = None


def _one(zone: str, out_dir: str, fmt: Format) -> tuple[str, str]:
    assert _SHARED is not None
    territory, cache = _SHARED
    path = write_report(
        diagnose_zone(territory, zone, cache=cache), Path(out_dir) / f"diagnosis-{zone}.{fmt}", fmt
    )
    return zone, str(path)


def diagnose_all(
    territory: Territory,
    out_dir: str | Path,
    *,
    fmt: Format = "html",
    workers: int | None = None,
    zones: list[str] | None = None,
    on_done: Callable[[str], None] | None = None,
) -> dict[str, Path]:
    """Write one report per zone into ``out_dir`` (and ``index.html``); returns zone → path."""
    global _SHARED
    codes = zones or territory.zone_codes()
    for z in codes:
        territory.require_zone(z)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    cache: dict[str, Any] = {}
    done: dict[str, Path] = {}
    first = codes[0]
    done[first] = write_report(
        diagnose_zone(territory, first, cache=cache), out / f"diagnosis-{first}.{fmt}", fmt
    )
    if on_done:
        on_done(first)
    rest = codes[1:]
    n = max(1, min(workers or os.cpu_count() or 1, len(rest)))
    _SHARED = (territory, cache)
    try:
        if n == 1 or "fork" not in mp.get_all_start_methods():
            for z in rest:
                done[z] = Path(_one(z, str(out), fmt)[1])
                if on_done:
                    on_done(z)
        else:
            with ProcessPoolExecutor(max_workers=n, mp_context=mp.get_context("fork")) as pool:
                futures = [pool.submit(_one, z, str(out), fmt) for z in rest]
                for f in as_completed(futures):
                    z, p = f.result()
                    done[z] = Path(p)
                    if on_done:
                        on_done(z)
    finally:
        _SHARED = None
    _write_index(territory, codes, done, out)
    return {z: done[z] for z in codes}


def _write_index(territory: Territory, codes: list[str], done: dict[str, Path], out: Path) -> None:
    pop = territory.population_by_area().merge(
        territory.areas[["area_code", "zone_code"]], on="area_code"
    )
    by_zone = pop.groupby("zone_code")["population"].sum()
    rows = "".join(
        f'<tr><td><a href="{html.escape(done[z].name)}">{html.escape(z)}</a></td>'
        f"<td>{html.escape(territory.unit_name(z))}</td>"
        f'<td style="text-align:right">{int(by_zone.get(z, 0)):,}</td></tr>'
        for z in codes
    )
    label = " — SYNTHETIC DATA" if territory.manifest.synthetic else ""
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Zones of {html.escape(territory.manifest.name)}</title>"
        "<style>body{font-family:system-ui,sans-serif;margin:2rem}td,th{padding:.3rem .8rem;"
        "border-bottom:1px solid #ddd}</style></head><body>"
        f"<h1>Zone diagnoses: {html.escape(territory.manifest.name)}{label}</h1>"
        "<table><thead><tr><th>zone</th><th>name</th><th>inhabitants</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></body></html>"
    )
    tmp = out / ".index.html.tmp"
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, out / "index.html")
