"""Helpers of ``mesocare fund …``: the territory to use, tables printed with Rich in the
reader's language, and the ``--csv`` / ``--json`` outputs (written atomically)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from mesocare.atomic import write_json, write_text
from mesocare.cli._common import console
from mesocare.errors import ParameterError
from mesocare.i18n import N_, _, fmt_decimal, fmt_int


def territory(path: Path | None):  # type: ignore[no-untyped-def]
    if path is None:
        from mesocare.territory.synthetic import generate

        console.print(_("[dim]No --territory given: using the synthetic demo territory.[/]"))
        return generate("leuven")
    from mesocare.territory import load_territory

    return load_territory(path)


def outputs(
    df: pd.DataFrame, csv: Path | None, js: Path | None, extra: dict[str, Any] | None = None
) -> None:
    if csv is not None:
        write_text(csv, df.to_csv(index=False))
        console.print(_("CSV written to {path}").format(path=csv))
    if js is not None:
        payload = {**(extra or {}), "rows": json.loads(df.to_json(orient="records"))}
        write_json(js, payload)
        console.print(_("JSON written to {path}").format(path=js))


#: short names of the payment models (translated when shown)
SHORT = {
    "classic": N_("classic"),
    "new_deal": "New Deal",
    "cappuccino": "Cappuccino",
    "forfait": N_("forfait"),
}


TEXT_COLUMNS = ("unit_code", "network_code", "practice_id", "model", "layer", "date")


def fmt(v: Any, whole: bool = False) -> str:
    if isinstance(v, bool | str) or v is None:
        return str(v)
    if isinstance(v, int) or (hasattr(v, "dtype") and getattr(v.dtype, "kind", "") in "iu"):
        return fmt_int(v)
    if isinstance(v, float) or hasattr(v, "dtype"):
        return fmt_int(v) if whole else fmt_decimal(v, 2)
    return str(v)


def print(
    df: pd.DataFrame, title: str, columns: dict[str, str], max_rows: int = 60, whole: bool = False
) -> None:
    """``columns``: column name → heading (already translated); text columns are left-aligned."""
    t = Table(title=title, show_lines=False)
    for c, label in columns.items():
        left = c in TEXT_COLUMNS
        t.add_column(label, justify="left" if left else "right", no_wrap=True)
    sub = df.head(max_rows)
    cells = {c: sub[c].tolist() for c in columns}
    for i in range(len(sub)):
        t.add_row(*[fmt(cells[c][i], whole and c.endswith("_eur")) for c in columns])
    # piped or redirected output gets a wide console so tables are not truncated
    (console if console.is_terminal else Console(width=120)).print(t)
    if len(df) > max_rows:
        console.print(
            _("[dim]… {n} more rows (use --csv for all)[/]").format(n=fmt_int(len(df) - max_rows))
        )


def signed(v: float) -> str:
    """A concentration index with its sign and four decimals (``+0,0123`` in Dutch)."""
    v = round(v, 4) + 0.0
    return ("+" if v >= 0 else "-") + fmt_decimal(abs(v), 4)


def parse_weights(items: list[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in items:
        key, sep, val = item.partition("=")
        try:
            if not sep:
                raise ValueError
            out[key.strip()] = float(val)
        except ValueError:
            raise ParameterError(
                _("--weight expects NAME=NUMBER; found {item!r}").format(item=item)
            ) from None
    return out
