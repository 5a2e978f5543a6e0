"""The 2025 Belgian municipal mergers: old NIS code → new NIS code and name.

Reads a two-column table (tab- or comma-separated, header row) such as ``fusies-2025.tsv``:
``Name (code) + Name (code) + …`` in the first column, ``New name (code)`` in the second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from mesocare.atomic import read_text
from mesocare.errors import ValidationError

_CODE = re.compile(r"\((\d{5})\)")


@dataclass(frozen=True)
class Merger:
    old_codes: tuple[str, ...]
    new_code: str
    new_name: str


def read_mergers(path: str | Path) -> list[Merger]:
    """Every merger in the file, in file order; an error names the line that cannot be read."""
    p = Path(path)
    if not p.exists():
        raise ValidationError("missing file", file=p, expected="the table of municipal mergers")
    lines = read_text(p, encoding="utf-8-sig").splitlines()
    out: list[Merger] = []
    seen: set[str] = set()
    for row, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = [
            c.strip().rstrip(",").strip() for c in re.split(r"\t|,\s*(?=[^,]*\(\d{5}\)\s*$)", line)
        ]
        cells = [c for c in cells if c]
        if len(cells) != 2:
            raise ValidationError(
                "cannot read the merger", file=p, row=row, found=line,
                expected="'Name (code) + Name (code)' and 'New name (code)' in two columns",
            )  # fmt: skip
        olds = tuple(_CODE.findall(cells[0]))
        new = _CODE.findall(cells[1])
        if len(olds) < 2 or len(new) != 1:
            raise ValidationError(
                "a merger needs two or more old codes and one new code", file=p, row=row,
                found=line,
            )  # fmt: skip
        dup = seen.intersection(olds)
        if dup:
            raise ValidationError(
                "municipality in two mergers", file=p, row=row, found=sorted(dup)[0]
            )
        seen.update(olds)
        name = _CODE.sub("", cells[1]).strip()
        out.append(Merger(olds, new[0], name))
    return out


def code_map(mergers: list[Merger]) -> dict[str, str]:
    """Old code → new code for every merging municipality."""
    return {old: m.new_code for m in mergers for old in m.old_codes}
