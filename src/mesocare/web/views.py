"""What pages show, rendered once and kept: a zone's report sections (HTML with figure
placeholders, and each figure's JSON) and a territory's zone list and map, per language.

The diagnoses come ready from the platform (computed when the territory was loaded); rendering them
into sections takes a fraction of a second per zone and language, done on first view and kept (an
LRU of :data:`MAX_VIEWS`). Two requests for the same view wait for one rendering.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.io as pio

from mesocare.i18n import _, use_locale
from mesocare.reports.batch import index_table
from mesocare.reports.diagnosis import build_report
from mesocare.reports.maps import choropleth
from mesocare.reports.render import SectionsFragment, render_fragment
from mesocare.reports.sections.geo import ZoneGeometry
from mesocare.reports.tables import table_html
from mesocare.services.diagnosis import ZoneDiagnosis
from mesocare.services.platform import TerritoryEntry

MAX_VIEWS = 256


@dataclass(frozen=True)
class ZoneSections:
    """A zone's report sections, and their HTML already encoded for the page (a quarter of a
    megabyte: encoding it once, not per view)."""

    fragment: SectionsFragment
    html_bytes: bytes


@dataclass(frozen=True)
class HomeView:
    table_html: str
    rows: list[dict[str, Any]]
    map_json: str | None


class ViewCache:
    def __init__(self, max_items: int = MAX_VIEWS) -> None:
        self.max_items = max_items
        self._items: OrderedDict[tuple, Any] = OrderedDict()
        self._locks: dict[tuple, threading.Lock] = {}
        self._guard = threading.Lock()

    def peek(self, key: tuple) -> Any:
        """The value kept under ``key``, or None: never makes it (cheap enough for the event
        loop; what must be made is made in a worker thread, by :meth:`get`)."""
        with self._guard:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def get(self, key: tuple, make: Callable[[], Any]) -> Any:
        """The value kept under ``key``, else ``make()``'s, kept unless None (nothing to show
        yet, e.g. while the diagnoses are being computed: asked again, it is made again)."""
        with self._guard:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            with self._guard:
                if key in self._items:
                    return self._items[key]
            value = make()
            with self._guard:
                self._locks.pop(key, None)
                if value is not None:
                    self._items[key] = value
                    while len(self._items) > self.max_items:
                        self._items.popitem(last=False)
            return value


def figure_url(entry: TerritoryEntry, zone: str, lang: str) -> Callable[[int], str]:
    return lambda i: f"/t/{entry.id}/z/{zone}/figures/{i}.json?lang={lang}&v={entry.digest[:12]}"


def _zone_key(entry: TerritoryEntry, zone: str, lang: str) -> tuple:
    return ("zone", entry.id, entry.digest, entry.cache, zone, lang)


def kept_zone_sections(
    cache: ViewCache, entry: TerritoryEntry, zone: str, lang: str
) -> ZoneSections | None:
    """The zone's sections if they are kept, else None (see :meth:`ViewCache.peek`)."""
    return cache.peek(_zone_key(entry, zone, lang)) if entry.cache else None


def zone_sections(
    cache: ViewCache, entry: TerritoryEntry, zone: str, diag: ZoneDiagnosis, lang: str
) -> ZoneSections:
    def make() -> ZoneSections:
        with use_locale(lang):
            report = build_report(diag, ZoneGeometry.of(entry.territory, zone))
            fragment = render_fragment(report, figure_url(entry, zone, lang))
            return ZoneSections(fragment, fragment.html.encode())

    if not entry.cache:  # the baseline: nothing kept
        return make()
    return cache.get(_zone_key(entry, zone, lang), make)


def home(
    cache: ViewCache,
    entry: TerritoryEntry,
    diagnoses: dict[str, ZoneDiagnosis],
    lang: str,
    zones: list[str],
) -> HomeView:
    """The zones (those the user may open) with key figures against the region, and a map."""

    def make() -> HomeView:
        with use_locale(lang):
            sub = {z: diagnoses[z] for z in zones if z in diagnoses}
            links = {z: f"/t/{entry.id}/z/{z}" for z in sub}
            table = index_table(sub, links) if sub else None
            rows = [
                {"code": z, "name": entry.unit_name(z), "href": f"/t/{entry.id}/z/{z}"}
                for z in zones
            ]
            html = table_html(table) if table is not None else ""
            return HomeView(html, rows, _zone_map(entry, sub) if sub else None)

    key = ("home", entry.id, entry.digest, lang, tuple(zones), len(diagnoses))
    return cache.get(key, make)


def _zone_map(entry: TerritoryEntry, diagnoses: dict[str, ZoneDiagnosis]) -> str:
    areas = entry.territory.areas
    zones = areas.loc[areas["zone_code"].isin(list(diagnoses))].dissolve(by="zone_code")
    zones = zones.reset_index()
    values = []
    regions: set[float] = set()
    for z in zones["zone_code"]:
        f = diagnoses[z].finding("gp_per_1000")
        values.append(f.value if f is not None and f.value is not None else float("nan"))
        if f is not None and f.region_value is not None:
            regions.add(round(float(f.region_value), 9))
    # the colours centre on the region's value: a zone above it is "better" even when alone
    midpoint = regions.pop() if len(regions) == 1 else None
    label = _("GPs per 1,000")
    fig = choropleth(
        zones,
        pd.Series(values, dtype=float),
        title=label,
        key="zone_code",
        label=[f"{entry.unit_name(z)} ({z})" for z in zones["zone_code"]],
        polarity="higher_is_better",
        value_label=label,
        colorbar_title=label,
        tolerance_m=200.0,
        midpoint=midpoint,
    )
    body = fig if isinstance(fig, dict) else fig.to_plotly_json()
    if len({v for v in values if math.isfinite(v)}) < 2:  # one value: a colour bar of nothing
        for trace in body.get("data", []):
            if isinstance(trace.get("marker"), dict) and trace["marker"].get("showscale"):
                trace["marker"]["showscale"] = False
    return pio.to_json(
        {
            "data": body.get("data", []),
            "layout": body.get("layout", {}),
            "config": {"displaylogo": False, "responsive": True},
        },
        validate=False,
    )
