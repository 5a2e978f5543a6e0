"""Use case: the diagnosis of a zone, or of every zone of a territory in one pass.

:func:`diagnose` returns a frozen :class:`ZoneDiagnosis` (see ``model.py``): per theme, findings
(value, interval, comparators, significance, rank, year, source) and the typed detail its maps and
tables need. Territory-wide results are computed once in a :class:`TerritoryResults` shared by all
zones. The report, ``--format json`` and the web pages only render this object.
"""

from __future__ import annotations

import difflib
import multiprocessing as mp
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor

from mesocare import __version__
from mesocare.errors import MesocareError, UnknownCodeError
from mesocare.indicators import INDICATORS
from mesocare.services.diagnosis import access, other, themes
from mesocare.services.diagnosis.findings import zone_findings
from mesocare.services.diagnosis.model import (
    SCHEMA_VERSION,
    AttributeRef,
    GeometryRef,
    IndicatorDefinition,
    SourceRef,
    Themes,
    UnitRef,
    ZoneDiagnosis,
    json_schema,
)
from mesocare.services.diagnosis.shared import TerritoryResults
from mesocare.territory import Territory

#: The steps of one zone's diagnosis, in order (for progress bars).
STEPS: tuple[str, ...] = (
    "indicators",
    "population",
    "supply",
    "shortage",
    "accessibility",
    "zoning",
    "financing",
    "population health",
)


def diagnose(
    territory: Territory,
    zone: str,
    *,
    shared: TerritoryResults | None = None,
    on_step: Callable[[str], None] | None = None,
) -> ZoneDiagnosis:
    """The diagnosis of one zone; pass ``shared`` to reuse territory-wide results across zones."""
    territory.require_zone(zone)
    if territory.population.empty:
        raise MesocareError(
            f"territory '{territory.manifest.name}' has no population by sex and age, which the "
            "zone diagnosis needs; for a French CPTS write its report with "
            f"`mesocare cpts TERRITORY --cpts {zone} --out FILE.html`"
        )
    sh = shared if shared is not None else TerritoryResults(territory)

    def step(name: str) -> None:
        if on_step:
            on_step(name)

    m = territory.manifest
    areas = sh.zone_areas(zone)
    networks = sorted(areas["network_code"].dropna().astype(str).unique().tolist())
    region = sh.zone_region[zone]
    step("indicators")
    findings = zone_findings(sh, zone)
    ind = themes.indicators(sh, zone, findings, networks)
    step("population")
    pop = themes.population(sh, zone, findings)
    step("supply")
    sup = themes.supply(sh, zone, findings)
    step("shortage")
    short = access.shortage(sh, zone, networks, findings)
    step("accessibility")
    acc = access.accessibility(sh, zone, short)
    step("zoning")
    zon = other.zoning(sh, zone)
    step("financing")
    fin = other.financing(sh, zone)
    step("population health")
    ph = other.population_health(sh, zone)
    region_zones = [z for z, r in sh.zone_region.items() if r == region]
    used = {f.indicator_id for f in findings}
    return ZoneDiagnosis(
        mesocare_version=__version__,
        territory=m.name,
        synthetic=m.synthetic,
        seed=m.seed,
        crs=m.crs,
        language=m.language,
        reference_year=m.reference_year,
        zone=UnitRef(code=zone, name=sh.names.get(zone, zone), level="zone"),
        region=UnitRef(code=region, name=sh.names.get(region, region), level="region"),
        zones_in_region=len(region_zones),
        neighbours=[
            UnitRef(code=z, name=sh.names.get(z, z), level="zone")
            for z in sh.neighbours.get(zone, [])
        ],
        networks=[UnitRef(code=n, name=sh.names.get(n, n), level="network") for n in networks],
        area_level=str(areas["level"].iloc[0]),
        areas=len(areas),
        themes=Themes(
            population=pop,
            indicators=ind,
            supply=sup,
            shortage=short,
            accessibility=acc,
            zoning=zon,
            financing=fin,
            population_health=ph,
        ),
        definitions=[
            IndicatorDefinition(
                id=d.id,
                label=d.label,
                unit=d.unit,
                method=d.method,
                polarity=d.polarity,  # type: ignore[arg-type]
                description=d.description,
            )
            for d in INDICATORS.values()
            if d.id in used
        ],
        sources=[SourceRef(**s.model_dump()) for s in m.sources],
        attributes=[AttributeRef(id=k, **a.model_dump()) for k, a in m.attributes.items()],
        area_geometry=GeometryRef(**m.area_geometry.model_dump()) if m.area_geometry else None,
        not_computed=access.not_computed(sh),
    )


def diagnose_zones(
    territory: Territory,
    zones: Iterable[str] | None = None,
    *,
    shared: TerritoryResults | None = None,
    workers: int = 1,
    on_done: Callable[[str], None] | None = None,
) -> dict[str, ZoneDiagnosis]:
    """The diagnosis of every zone (or of ``zones``) in one pass over shared results.

    With ``workers > 1`` (and the ``fork`` start method) the territory-wide results are computed
    first, then the zones are shared among forked processes that inherit them; same result.
    """
    global _SHARED
    sh = shared if shared is not None else TerritoryResults(territory)
    codes = list(zones) if zones is not None else territory.zone_codes()
    for z in codes:
        territory.require_zone(z)
    out: dict[str, ZoneDiagnosis] = {}
    n = max(1, min(workers, len(codes)))
    if n == 1 or "fork" not in mp.get_all_start_methods():
        for z in codes:
            out[z] = diagnose(territory, z, shared=sh)
            if on_done:
                on_done(z)
        return out
    sh.prepare()
    chunks = [codes[i::n] for i in range(n)]
    _SHARED = (territory, sh)
    try:
        with ProcessPoolExecutor(max_workers=n, mp_context=mp.get_context("fork")) as pool:
            for part in pool.map(_diagnose_chunk, chunks):
                for z, d in part:
                    out[z] = d
                    if on_done:
                        on_done(z)
    finally:
        _SHARED = None
    return {z: out[z] for z in codes}


#: (territory, shared results) inherited by forked workers during a pool's lifetime.
_SHARED: tuple[Territory, TerritoryResults] | None = None


def _diagnose_chunk(zones: list[str]) -> list[tuple[str, ZoneDiagnosis]]:
    assert _SHARED is not None
    territory, sh = _SHARED
    return [(z, diagnose(territory, z, shared=sh)) for z in zones]


def resolve_zone(territory: Territory, text: str | None) -> str:
    """A zone code from what a user typed: a code in any case, or a name (or a unique prefix).

    An unknown zone raises an error listing the closest matches with their names.
    """
    zones = territory.zone_codes()
    if not zones:
        raise UnknownCodeError(f"territory '{territory.manifest.name}' has no zones")
    if text is None or not text.strip():
        return zones[0]
    want = text.strip().casefold()
    names = {z: territory.unit_name(z) for z in zones}
    for z in zones:
        if z.casefold() == want:
            return z
    by_name = [z for z in zones if names[z].casefold() == want]
    if len(by_name) == 1:
        return by_name[0]
    prefix = [z for z in zones if names[z].casefold().startswith(want)]
    if len(prefix) == 1:
        return prefix[0]
    keys = {z.casefold(): z for z in zones} | {names[z].casefold(): z for z in zones}
    close = difflib.get_close_matches(want, list(keys), n=5, cutoff=0.5)
    cands = list(dict.fromkeys([keys[c] for c in close] + prefix))[:5]
    hint = (
        "; closest: " + ", ".join(f"{z} ({names[z]})" for z in cands)
        if cands
        else f"; zones: {', '.join(zones[:10])}{' …' if len(zones) > 10 else ''}"
    )
    raise UnknownCodeError(f"unknown zone '{text}'{hint}")


__all__ = [
    "SCHEMA_VERSION",
    "STEPS",
    "TerritoryResults",
    "ZoneDiagnosis",
    "diagnose",
    "diagnose_zones",
    "json_schema",
    "resolve_zone",
]
