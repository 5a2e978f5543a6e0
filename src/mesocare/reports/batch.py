"""Every zone's report of a territory: shared results once, then each zone diagnosed and written
by parallel workers,
the Plotly bundle written once beside the reports, and a sortable index of the zones."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import pandas as pd

from mesocare.atomic import remove_temporaries, write_text
from mesocare.i18n import _, use_locale
from mesocare.reports.base import Table
from mesocare.reports.diagnosis import write_report
from mesocare.reports.render import PLOTLY_FILE, render_index, write_shared_assets
from mesocare.reports.sections.geo import ZoneGeometry
from mesocare.services.diagnosis import TerritoryResults, ZoneDiagnosis, diagnose
from mesocare.territory import Territory

#: (territory, shared results, language, format) inherited by forked workers during a pool's
#: lifetime: each worker diagnoses its zones over the prepared shared results and writes them.
_SHARED: tuple[Territory, TerritoryResults, str, str] | None = None


def report_name(zone: str, fmt: str) -> str:
    return f"diagnosis-{zone}.{fmt}"


def _one(zone: str, out_dir: str) -> tuple[str, str, ZoneDiagnosis]:
    assert _SHARED is not None
    territory, shared, lang, fmt = _SHARED
    diagnosis = diagnose(territory, zone, shared=shared)
    path = write_report(
        diagnosis,
        ZoneGeometry.of(territory, zone),
        Path(out_dir) / report_name(zone, fmt),
        fmt,
        lang=lang,
        plotly_src=PLOTLY_FILE if fmt == "html" else None,
    )
    return zone, str(path), diagnosis


def _ignore_sigint() -> None:
    """Workers leave Ctrl-C to the parent, which stops them (no traceback from each worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel what has not started and end the running workers now (Ctrl-C, a failed zone)."""
    processes = list(getattr(pool, "_processes", {}).values())  # no public handle on them
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        proc.terminate()
    for proc in processes:
        proc.join(timeout=1)


def write_all(
    territory: Territory,
    out_dir: str | Path,
    *,
    fmt: str = "html",
    lang: str = "en",
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
    shared = TerritoryResults(territory)
    shared.prepare()
    diagnoses: dict[str, ZoneDiagnosis] = {}
    if fmt == "html":
        write_shared_assets(out)
    n = max(1, min(workers or os.cpu_count() or 1, len(codes)))
    done: dict[str, Path] = {}
    _SHARED = (territory, shared, lang, fmt)
    try:
        if n == 1 or "fork" not in mp.get_all_start_methods():
            for z in codes:
                _, p, diagnoses[z] = _one(z, str(out))
                done[z] = Path(p)
                if on_done:
                    on_done(z)
        else:
            pool = ProcessPoolExecutor(
                max_workers=n, mp_context=mp.get_context("fork"), initializer=_ignore_sigint
            )
            try:
                futures = [pool.submit(_one, z, str(out)) for z in codes]
                for f in as_completed(futures):
                    z, p, diagnoses[z] = f.result()
                    done[z] = Path(p)
                    if on_done:
                        on_done(z)
            except BaseException:
                _stop(pool)
                remove_temporaries(out)  # a report a stopped worker was writing
                raise
            pool.shutdown()
    finally:
        _SHARED = None
    with use_locale(lang):
        _write_index(territory, {z: diagnoses[z] for z in codes}, done, out)
    return {z: done[z] for z in codes}


def index_table(diagnoses: dict[str, ZoneDiagnosis], links: dict[str, str]) -> Table:
    """Every zone with its key figures and the region's value; ``links``: each zone's href."""
    rows = []
    for z, d in diagnoses.items():
        row: dict[str, object] = {_("code"): z, _("zone"): d.zone.name}
        for iid, label in (
            ("population", _("inhabitants")),
            ("share_65plus", _("aged 65+ (%)")),
            ("gp_per_1000", _("GPs per 1,000")),
            ("gp_under65_per_100k", _("GPs under 65 per 100,000")),
        ):
            f = d.finding(iid)
            row[label] = f.value if f else None
            if iid != "population":
                row[_("{label}, region").format(label=label)] = f.region_value if f else None
        sh = d.themes.shortage
        row[_("networks in GP shortage")] = (
            sum(
                1
                for r in sh.rows
                if r.unit.level == "network" and (r.rule_shortage or r.apl_shortage)
            )
            if sh
            else None
        )
        rows.append(row)
    table = Table(_("Zones"), pd.DataFrame(rows))
    return Table(table.caption, table.frame, links={_("zone"): [links[z] for z in diagnoses]})


def _write_index(
    territory: Territory, diagnoses: dict[str, ZoneDiagnosis], done: dict[str, Path], out: Path
) -> None:
    table = index_table(diagnoses, {z: p.name for z, p in done.items()})
    title = _("Zone diagnoses: {name}").format(name=territory.manifest.name)
    sub = _("{n} zones; reference year {year}").format(
        n=len(diagnoses), year=territory.manifest.reference_year
    )
    page = render_index(
        title, sub, table, synthetic=territory.manifest.synthetic, plotly_src=PLOTLY_FILE
    )
    write_text(out / "index.html", page)
