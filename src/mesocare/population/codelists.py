"""Code lists: which codes define a condition, a measurement or a vaccination, with their source.

A code list is data (``data/codelists.csv``, one row per code): ``list_id, kind, label, system,
code, match, description, source``. ``match`` is ``prefix`` (ICPC-2 rubrics, ICD-10 categories, ATC
groups: ``E11`` matches ``E11.9`` and ``E119``) or ``exact`` (SNOMED CT concept ids, LOINC, CVX).
Users can pass their own file with the same columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from mesocare.errors import ValidationError

COLUMNS = ("list_id", "kind", "label", "system", "code", "match", "description", "source")
KINDS = ("condition", "measurement", "vaccination", "medication")
MATCHES = ("prefix", "exact")


@dataclass(frozen=True)
class CodeLists:
    """A validated table of code lists."""

    frame: pd.DataFrame

    def ids(self, kind: str) -> list[str]:
        """The list ids of one kind, in file order."""
        f = self.frame
        return list(dict.fromkeys(f.loc[f["kind"] == kind, "list_id"]))

    def conditions(self) -> list[str]:
        return self.ids("condition")

    def label(self, list_id: str) -> str:
        row = self.frame.loc[self.frame["list_id"] == list_id, "label"]
        return str(row.iloc[0]) if len(row) else list_id

    def entries(self, list_id: str) -> pd.DataFrame:
        """The rows of one list (system, code, match)."""
        f = self.frame
        out = f.loc[f["list_id"] == list_id, ["system", "code", "match"]]
        if not len(out):
            raise ValidationError(
                f"unknown code list '{list_id}'", expected="one of " + ", ".join(self.ids_all())
            )
        return out

    def ids_all(self) -> list[str]:
        return list(dict.fromkeys(self.frame["list_id"]))

    def kind_of(self, list_id: str) -> str:
        self.entries(list_id)
        return str(self.frame.loc[self.frame["list_id"] == list_id, "kind"].iloc[0])

    def sources(self) -> pd.DataFrame:
        """One row per list and system with its source (for reports and notes)."""
        return self.frame.drop_duplicates(["list_id", "system"])[
            ["list_id", "label", "system", "source"]
        ].reset_index(drop=True)


def load_codelists(path: str | Path | None = None) -> CodeLists:
    """The packaged code lists, or a user's CSV with the same columns."""
    if path is None:
        src = "mesocare/population/data/codelists.csv"
        with resources.files("mesocare.population").joinpath("data/codelists.csv").open() as fh:
            df = pd.read_csv(fh, dtype=str, keep_default_na=False)
    else:
        src = str(path)
        try:
            df = pd.read_csv(path, dtype=str, keep_default_na=False)
        except (OSError, pd.errors.ParserError) as exc:
            raise ValidationError(f"unreadable CSV ({type(exc).__name__})", file=src) from None
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise ValidationError(
            f"missing column(s) {', '.join(missing)}", file=src, expected=", ".join(COLUMNS)
        )
    for col, allowed in (("kind", KINDS), ("match", MATCHES)):
        bad = ~df[col].isin(allowed)
        if bool(bad.any()):
            i = int(bad.to_numpy().nonzero()[0][0])
            raise ValidationError(
                "unknown value",
                file=src,
                column=col,
                row=i + 2,
                found=df[col].iloc[i],
                expected="one of " + ", ".join(allowed),
            )
    for col in ("list_id", "system", "code", "source"):
        empty = df[col].str.strip() == ""
        if bool(empty.any()):
            raise ValidationError(
                "empty value",
                file=src,
                column=col,
                row=int(empty.to_numpy().nonzero()[0][0]) + 2,
            )
    kinds = df.groupby("list_id")["kind"].nunique()
    if bool((kinds > 1).any()):
        raise ValidationError(
            "a code list with several kinds",
            file=src,
            column="kind",
            found=str(kinds[kinds > 1].index[0]),
            expected="one kind per list_id",
        )
    return CodeLists(df[list(COLUMNS)].reset_index(drop=True))
