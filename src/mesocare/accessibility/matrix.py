"""Travel times from a matrix file the user supplies (CSV or Parquet).

The file has one row per (origin, destination) pair with the columns ``origin``, ``destination``
and ``minutes``. Origins and destinations are area codes (the service counts supply per area). Pairs absent from the file are out of reach.
Every problem is reported with the file, the column, the (1-based) row and the value found.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from mesocare.accessibility.travel import Locations, TravelTimes
from mesocare.errors import ValidationError

ORIGIN, DESTINATION, MINUTES = "origin", "destination", "minutes"


def read_matrix(path: str | Path) -> pd.DataFrame:
    """Read and check the shape of a matrix file; codes are read as text."""
    p = Path(path)
    if not p.is_file():
        raise ValidationError("travel-time matrix file not found", file=p)
    suffix = p.suffix.lower()
    try:
        if suffix == ".parquet":
            df = pd.read_parquet(p)
        elif suffix in (".csv", ".txt"):
            _require_complete(p)
            df = pd.read_csv(p, dtype={ORIGIN: str, DESTINATION: str}, keep_default_na=True)
        else:
            raise ValidationError(
                "unsupported travel-time matrix format",
                file=p,
                found=suffix,
                expected=".csv or .parquet",
            )
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise ValidationError("cannot read travel-time matrix", file=p, found=str(exc)) from exc
    return check_matrix(df, file=str(p))


def _require_complete(p: Path) -> None:
    """A text matrix ends with a line break: one cut off mid-line (a copy or a download that
    stopped) would otherwise give a last travel time read from a partial number."""
    with p.open("rb") as fh:
        fh.seek(0, 2)
        if fh.tell() == 0:
            raise ValidationError("empty travel-time matrix file", file=p)
        fh.seek(-1, 2)
        if fh.read(1) not in (b"\n", b"\r"):
            raise ValidationError(
                "the file does not end with a line break: it looks truncated",
                file=p,
                expected="a complete file (if it is, end its last line with a line break)",
            )


def check_matrix(df: pd.DataFrame, *, file: str = "travel-time matrix") -> pd.DataFrame:
    """Columns present, codes present, minutes numeric, finite and >= 0, no duplicate pair."""
    missing = [c for c in (ORIGIN, DESTINATION, MINUTES) if c not in df.columns]
    if missing:
        raise ValidationError(
            f"missing column(s) {', '.join(missing)}",
            file=file,
            found=list(map(str, df.columns)),
            expected="columns origin, destination, minutes",
        )
    out = pd.DataFrame(
        {
            ORIGIN: df[ORIGIN].astype("string"),
            DESTINATION: df[DESTINATION].astype("string"),
        }
    )
    for col in (ORIGIN, DESTINATION):
        _first(out[col].isna(), file, col, out[col], "empty code", "a code in every row")
    raw = df[MINUTES]
    minutes = pd.to_numeric(raw, errors="coerce").astype("float64")
    _first(raw.isna(), file, MINUTES, raw, "missing travel time", "minutes in every row")
    _first(minutes.isna(), file, MINUTES, raw, "travel time is not a number", "a number of minutes")
    _first(
        ~np.isfinite(minutes), file, MINUTES, raw, "travel time is not finite", "a finite number"
    )
    _first(minutes < 0, file, MINUTES, raw, "negative travel time", "minutes >= 0")
    dup = out.duplicated([ORIGIN, DESTINATION])
    _first(
        dup,
        file,
        ORIGIN,
        out[ORIGIN] + " → " + out[DESTINATION],
        "duplicate pair",
        "each pair once",
    )
    out[MINUTES] = minutes.to_numpy()
    return out


def _first(
    mask: pd.Series | np.ndarray, file: str, col: str, values: pd.Series, what: str, expected: str
) -> None:
    m = np.asarray(mask, dtype=bool)
    if m.any():
        i = int(np.flatnonzero(m)[0])
        raise ValidationError(
            what, file=file, column=col, row=i + 1, found=_show(values.iloc[i]), expected=expected
        )


def _show(v: object) -> object:
    if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
        return None
    return v.item() if isinstance(v, np.generic) else v


@dataclass(frozen=True, eq=False)
class MatrixFile:
    """A travel-time provider reading a user matrix; codes must all be known places."""

    table: pd.DataFrame
    file: str = "travel-time matrix"

    @classmethod
    def read(cls, path: str | Path) -> MatrixFile:
        return cls(read_matrix(path), str(path))

    @property
    def by_code(self) -> bool:
        return True

    def travel_times(
        self, origins: Locations, destinations: Locations, max_minutes: float
    ) -> TravelTimes:
        t = self.table
        o_index = pd.Index(origins.codes.astype(str))
        d_index = pd.Index(destinations.codes.astype(str))
        oi = o_index.get_indexer(t[ORIGIN].to_numpy(dtype=str))
        di = d_index.get_indexer(t[DESTINATION].to_numpy(dtype=str))
        for col, idx, what in ((ORIGIN, oi, "areas"), (DESTINATION, di, "destinations")):
            bad = idx < 0
            if bad.any():
                codes = pd.unique(t[col].to_numpy()[bad])
                shown = ", ".join(map(str, codes[:10])) + (" …" if len(codes) > 10 else "")
                raise ValidationError(
                    f"{len(codes)} unknown code(s) (not among the {what}): {shown}",
                    file=self.file,
                    column=col,
                    row=int(np.flatnonzero(bad)[0]) + 1,
                    expected=f"codes of the {what}",
                )
        keep = t[MINUTES].to_numpy() <= max_minutes
        m = sp.coo_matrix(
            (t[MINUTES].to_numpy()[keep], (oi[keep], di[keep])),
            shape=(len(origins), len(destinations)),
        ).tocsr()
        return TravelTimes(origins.codes, destinations.codes, m, float(max_minutes))
