"""Use case: diagnose a zone of a territory, and write the report (HTML or JSON)."""

from __future__ import annotations

import multiprocessing as mp
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Literal

from mesocare.errors import MesocareError
from mesocare.reports.base import ReportContext, Section, SectionBuilder
from mesocare.reports.diagnosis import CLOSING_BUILDERS, INDEPENDENT_BUILDERS, SECTION_BUILDERS
from mesocare.reports.render import Diagnosis, render_html, render_json
from mesocare.territory import Territory

Format = Literal["html", "json"]


def diagnose_zone(
    territory: Territory,
    zone_code: str,
    *,
    on_step: Callable[[str], None] | None = None,
    cache: dict | None = None,
    workers: int = 1,
) -> Diagnosis:
    """Build every section of a zone's diagnosis.

    ``cache`` may be shared between zones of the same territory so that territory-wide results
    (indicators for every unit, shortage flags) are computed once. With ``workers=2`` (and the
    ``fork`` start method), the independent sections of a lone report are built in a second
    process at the same time; the result is the same.
    """
    territory.require_zone(zone_code)
    ctx = ReportContext(territory, zone_code, cache if cache is not None else {})
    m = territory.manifest
    diag = Diagnosis(
        territory_name=m.name,
        zone_code=zone_code,
        zone_name=territory.unit_name(zone_code),
        reference_year=m.reference_year,
        synthetic=m.synthetic,
        sources=[s.model_dump() for s in m.sources],
    )
    builders = [*SECTION_BUILDERS, *CLOSING_BUILDERS]
    side = [i for i, b in enumerate(builders) if b in INDEPENDENT_BUILDERS]
    parallel = workers > 1 and len(side) > 1 and "fork" in mp.get_all_start_methods()
    results: dict[int, Section | None] = {}
    pool = None
    global _SHARED
    if parallel:
        _SHARED = (ctx, builders)
        pool = ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("fork"))
        future = pool.submit(_build_many, side)
    try:
        for i, build in enumerate(builders):
            if parallel and i in side:
                continue
            if on_step:
                on_step(_name(build))
            results[i] = build(ctx)
        if pool is not None:
            for i, section in future.result():
                if on_step:
                    on_step(_name(builders[i]))
                results[i] = section
    finally:
        if pool is not None:
            pool.shutdown()
            _SHARED = None
    diag.sections.extend(s for i in sorted(results) if (s := results[i]) is not None)
    return diag


#: (context, builders) inherited by the forked process of a parallel lone report.
_SHARED: tuple[ReportContext, list[SectionBuilder]] | None = None


def _build_many(indices: list[int]) -> list[tuple[int, Section | None]]:
    assert _SHARED is not None
    ctx, builders = _SHARED
    return [(i, builders[i](ctx)) for i in indices]


def _name(build: SectionBuilder) -> str:
    return build.__module__.rsplit(".", 1)[-1].replace("_", " ")


def write_report(diagnosis: Diagnosis, out: str | Path, fmt: Format = "html") -> Path:
    """Write the report atomically (a temporary file renamed into place)."""
    if fmt not in ("html", "json"):
        raise MesocareError(f"unknown report format '{fmt}'; expected html or json")
    text = render_html(diagnosis) if fmt == "html" else render_json(diagnosis)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def default_zone(territory: Territory) -> str:
    """The zone a report is about when none is named: the first zone."""
    zones = territory.zone_codes()
    if not zones:
        raise MesocareError(f"territory '{territory.manifest.name}' has no zones")
    return zones[0]
