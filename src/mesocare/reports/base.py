"""The building blocks of a report: sections made of paragraphs, figures and tables.

Every engine contributes one section builder (``reports/sections/<engine>.py``): a function
``build(ctx: ReportContext) -> Section | None`` registered in ``reports/diagnosis.py``. A section
holds Plotly figures and tables for the HTML report and plain data for ``--format json``; the two
are made from the same objects, so they always agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import plotly.graph_objects as go


@dataclass(frozen=True)
class Table:
    caption: str
    frame: pd.DataFrame
    #: optional CSS class per cell, same shape as ``frame`` (e.g. "better", "worse", "similar")
    classes: pd.DataFrame | None = None
    #: column → "int" | "decimal1" | "decimal2" | "decimal3" | "percent" (values in percent) | "eur" | "text";
    #: other columns are formatted by their type
    formats: Mapping[str, str] = field(default_factory=dict)
    #: column → definition, shown on hover over the header
    header_notes: Mapping[str, str] = field(default_factory=dict)
    #: column → one href per row: that column's cells become links
    links: Mapping[str, Sequence[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Figure:
    """A captioned figure: a ``plotly.graph_objects.Figure`` or a plain figure dictionary."""

    caption: str
    figure: go.Figure | dict[str, Any]
    #: the figure's data, offered as CSV beside it (maps and charts carry their own: see
    #: :class:`PlotDict`)
    data: pd.DataFrame | None = None


class PlotDict(dict):
    """A Plotly figure as a plain dictionary (``data`` and ``layout``), rendered unvalidated.

    ``table`` holds the values drawn, in plain columns, for the figure's CSV download.
    """

    table: pd.DataFrame | None = None

    @property
    def data(self) -> list[dict]:
        return self["data"]

    @property
    def layout(self) -> dict:
        return self["layout"]


@dataclass
class Section:
    id: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
