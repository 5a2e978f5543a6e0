"""The zone diagnosis report: every registered section, rendered to HTML or JSON."""

from __future__ import annotations

from mesocare.reports.base import SectionBuilder

#: Section builders in report order. Each engine adds its own (see ``reports/base.py``).
SECTION_BUILDERS: list[SectionBuilder] = []
