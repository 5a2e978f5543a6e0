from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mesocare.accessibility import Locations, MatrixFile
from mesocare.errors import ValidationError


def _write(tmp_path, rows, name="m.csv"):
    p = tmp_path / name
    df = pd.DataFrame(rows)
    if name.endswith(".csv"):
        df.to_csv(p, index=False)
    else:
        df.to_parquet(p, index=False)
    return p


GOOD = {"origin": ["A", "A", "B"], "destination": ["A", "B", "B"], "minutes": [0, 12.5, 3]}


@pytest.mark.parametrize("name", ["m.csv", "m.parquet"])
def test_reads_csv_and_parquet(tmp_path, name):
    mf = MatrixFile.read(_write(tmp_path, GOOD, name))
    t = mf.travel_times(Locations.from_codes(["A", "B"]), Locations.from_codes(["A", "B"]), 10.0)
    assert t.pairs == 2  # A→A at 0 minutes is kept; A→B (12.5) is beyond 10
    assert t.minutes[0, 0] == 0 and t.minutes.has_canonical_format is not None
    assert t.minutes.toarray().tolist() == [[0.0, 0.0], [0.0, 3.0]]


@pytest.mark.parametrize(
    ("rows", "match"),
    [
        (
            {**GOOD, "minutes": [0, -1, 3]},
            r"column 'minutes', row 2: negative travel time; found -1",
        ),
        ({**GOOD, "minutes": [0, None, 3]}, r"column 'minutes', row 2: missing travel time"),
        ({**GOOD, "minutes": [0, "soon", 3]}, r"row 2: travel time is not a number; found 'soon'"),
        ({"origin": ["A"], "dest": ["B"], "minutes": [1]}, r"missing column\(s\) destination"),
        (
            {"origin": ["A", "A"], "destination": ["B", "B"], "minutes": [1, 2]},
            r"row 2: duplicate pair; found 'A → B'",
        ),
        ({**GOOD, "origin": ["A", None, "B"]}, r"column 'origin', row 2: empty code"),
    ],
)
def test_bad_files_rejected(tmp_path, rows, match):
    p = _write(tmp_path, rows)
    with pytest.raises(ValidationError, match=match) as e:
        MatrixFile.read(p)
    assert str(p) in str(e.value)


def test_unknown_codes_named(tmp_path):
    rows = {"origin": ["A", "Z9", "Z8"], "destination": ["A", "B", "Q"], "minutes": [1, 2, 3]}
    mf = MatrixFile.read(_write(tmp_path, rows))
    with pytest.raises(
        ValidationError, match=r"2 unknown code\(s\) \(not among the areas\): Z9, Z8"
    ):
        mf.travel_times(Locations.from_codes(["A", "B"]), Locations.from_codes(["A", "B"]), 30)


def test_unreadable_and_missing_files(tmp_path):
    with pytest.raises(ValidationError, match="not found"):
        MatrixFile.read(tmp_path / "nope.csv")
    bad = tmp_path / "m.xlsx"
    bad.write_text("x")
    with pytest.raises(ValidationError, match="unsupported"):
        MatrixFile.read(bad)
    broken = tmp_path / "m.parquet"
    broken.write_bytes(b"not parquet")
    with pytest.raises(ValidationError, match="cannot read"):
        MatrixFile.read(broken)


def test_codes_read_as_text(tmp_path):
    p = tmp_path / "m.csv"
    p.write_text("origin,destination,minutes\n01001,01002,4\n")
    t = MatrixFile.read(p).travel_times(
        Locations.from_codes(np.array(["01001"])), Locations.from_codes(np.array(["01002"])), 30
    )
    assert t.pairs == 1
