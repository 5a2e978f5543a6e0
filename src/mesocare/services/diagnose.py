"""Use case: diagnose a zone of a territory, and write the report (HTML or JSON)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from mesocare.errors import MesocareError
from mesocare.reports.base import ReportContext
from mesocare.reports.diagnosis import CLOSING_BUILDERS, SECTION_BUILDERS
from mesocare.reports.render import Diagnosis, render_html, render_json
from mesocare.territory import Territory

Format = Literal["html", "json"]


def diagnose_zone(
    territory: Territory,
    zone_code: str,
    *,
    on_step: Callable[[str], None] | None = None,
    cache: dict | None = None,
) -> Diagnosis:
    """Build every section of a zone's diagnosis.

    ``cache`` may be shared between zones of the same territory so that territory-wide results
    (indicators for every unit, shortage flags) are computed once.
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
    for build in [*SECTION_BUILDERS, *CLOSING_BUILDERS]:
        name = build.__module__.rsplit(".", 1)[-1].replace("_", " ")
        if on_step:
            on_step(name)
        section = build(ctx)
        if section is not None:
            diag.sections.append(section)
    return diag


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
