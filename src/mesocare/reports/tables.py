"""HTML tables of a report: locale-formatted cells that sort by their raw value, and CSV links.

Each cell shows its value formatted with :mod:`mesocare.i18n` and keeps the raw number in a
``data-v`` attribute, which ``static/report.js`` sorts by when a header is clicked. Every table
and figure carries its data as a ``data:text/csv`` link with a ``download`` attribute: it works
offline, with no server and without JavaScript.
"""

from __future__ import annotations

import html
import math
import re
import urllib.parse
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from mesocare.i18n import MISSING, _, fmt_decimal, fmt_eur, fmt_int, fmt_number, fmt_percent
from mesocare.reports.base import Table

FORMATS: dict[str, Callable[[Any], str]] = {
    "int": fmt_int,
    "decimal1": lambda v: fmt_decimal(v, 1),
    "decimal2": lambda v: fmt_decimal(v, 2),
    "decimal3": lambda v: fmt_decimal(v, 3),
    "percent": fmt_percent,
    "eur": fmt_eur,
    "number": lambda v: fmt_number(v, 3 if abs(v) >= 1 else 2),
}


def _missing(v: Any) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, float) and not math.isfinite(v)


def format_cell(v: Any, kind: str | None = None) -> tuple[str, str | None]:
    """The text a reader sees and the raw sort value (None for text) of one cell.

    ``kind`` is one of :data:`FORMATS` or "text"; without it the value's type decides: booleans
    yes/no, integers grouped, other numbers to three significant figures (two below 1), missing –.
    """
    if isinstance(v, np.generic):
        v = v.item()  # numpy scalars format as the Python values they hold
    if _missing(v):
        return MISSING, ""
    if kind == "text" or isinstance(v, str):
        return str(v), None
    if isinstance(v, bool):
        return (_("yes") if v else _("no")), str(int(v))
    if isinstance(v, int | float):
        if kind not in FORMATS:
            if kind is not None:
                raise ValueError(f"unknown cell format '{kind}'; expected one of {list(FORMATS)}")
            kind = "int" if isinstance(v, int) else "number"
        return FORMATS[kind](v), repr(float(v))
    return str(v), None


def _fmt(v: Any) -> str:
    return format_cell(v)[0]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "data"


def csv_href(frame: pd.DataFrame) -> str:
    """The frame as a ``data:`` URI of UTF-8 CSV (with a byte-order mark for spreadsheets)."""
    text = "\ufeff" + frame.to_csv(index=False, lineterminator="\r\n")
    return "data:text/csv;charset=utf-8," + urllib.parse.quote(text, safe="")


def csv_link(frame: pd.DataFrame, name: str) -> str:
    return (
        f'<a class="csv" download="{html.escape(slug(name))}.csv" href="{csv_href(frame)}" '
        f'title="{html.escape(_("Download the data of this table or figure as CSV"))}">'
        f"{html.escape(_('CSV'))}</a>"
    )


def _column(frame: pd.DataFrame, table: pd.DataFrame | None, c: Any) -> int | None:
    if table is None or c not in table.columns:
        return None
    j = table.columns.get_loc(c)
    if not isinstance(j, int | np.integer):
        raise ValueError(f"table: column {c!r} is not unique")
    return int(j)


def _header(c: Any, note: str | None) -> str:
    label = html.escape(str(c))
    if note:
        label = f'<span class="note" title="{html.escape(note)}">{label}</span>'
    return f'<th scope="col" aria-sort="none"><button type="button">{label}</button></th>'


def table_html(t: Table) -> str:
    """A table that fits its box, sorts by any column and offers its data as CSV."""
    df = t.frame
    head = "".join(_header(c, t.header_notes.get(str(c))) for c in df.columns)
    cls_cols = [_column(df, t.classes, c) for c in df.columns]
    links = {str(c): list(h) for c, h in t.links.items()}
    for c, hrefs in links.items():
        if len(hrefs) != len(df):
            raise ValueError(f"table links: column {c!r} has {len(hrefs)} links for {len(df)} rows")
    rows = []
    for i in range(len(df)):
        cells = []
        for j, c in enumerate(df.columns):
            text, raw = format_cell(df.iat[i, j], t.formats.get(str(c)))
            attrs = "" if raw is None else f' data-v="{html.escape(raw)}"'
            jc = cls_cols[j]
            k = t.classes.iat[i, jc] if t.classes is not None and jc is not None else None
            if isinstance(k, str) and k:
                attrs += f' class="{html.escape(k)}"'
            body = html.escape(text)
            if str(c) in links:
                body = f'<a href="{html.escape(links[str(c)][i])}">{body}</a>'
            cells.append(f"<td{attrs}>{body}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<div class="tablewrap"><table class="{"sortable wide" if df.shape[1] > 7 else "sortable"}">'
        f"<caption>{html.escape(t.caption)} {csv_link(df, t.caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def figure_frame(fig: Any) -> pd.DataFrame | None:
    """The x/y values of a figure's traces (``go.Figure`` or a dictionary), for its CSV download."""
    traces = fig.get("data", ()) if isinstance(fig, dict) else getattr(fig, "data", ())
    parts = []
    for k, tr in enumerate(traces or ()):
        get = tr.get if isinstance(tr, dict) else lambda a, tr=tr: getattr(tr, a, None)
        x, y = get("x"), get("y")
        if x is None or y is None or not len(y):
            continue
        n = len(y)
        if len(x) == n:
            cols = {"x": list(x)}
        elif all(hasattr(level, "__len__") and len(level) == n for level in x):
            cols = {f"x{i + 1}": list(level) for i, level in enumerate(x)}  # multi-category axis
        else:
            continue
        name = get("name") or _("series {n}").format(n=k + 1)
        parts.append(pd.DataFrame({_("series"): name, **cols, "y": list(y)}))
    return pd.concat(parts, ignore_index=True) if parts else None
