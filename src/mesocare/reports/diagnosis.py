"""The zone diagnosis report: every registered section, in order."""

from __future__ import annotations

from mesocare.reports.base import SectionBuilder
from mesocare.reports.sections import (
    accessibility,
    financing,
    indicators,
    overview,
    population,
    sources,
    supply,
)
from mesocare.reports.sections import population_health as population_health_section
from mesocare.reports.sections import zoning as zoning_section

#: Section builders in report order. Each engine adds its own (see ``reports/base.py``); a builder
#: returns None when the territory lacks what it needs. ``sources`` stays last.
SECTION_BUILDERS: list[SectionBuilder] = [
    overview.build,
    population.build,
    indicators.build,
    supply.build,
    accessibility.build,
    financing.build,
    zoning_section.build,
    population_health_section.build,
]
CLOSING_BUILDERS: list[SectionBuilder] = [sources.build]

#: Builders that share nothing with the others through the report cache (each engine computes its
#: own territory-wide results), so a lone report may build them in a second process while the
#: first builds the rest (see ``services.diagnose.diagnose_zone(workers=2)``).
INDEPENDENT_BUILDERS: frozenset[SectionBuilder] = frozenset(
    {
        accessibility.build,
        financing.build,
        zoning_section.build,
        population_health_section.build,
    }
)
