"""Compute a territory's diagnoses into the platform's cache file, in a process of its own.

    python -m mesocare.services.platform.compute TERRITORY_DIR OUT.json WORKERS

Prints ``zone CODE`` as each zone is done (the server reads them as progress).
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path

from mesocare.errors import MesocareError
from mesocare.services.diagnosis import diagnose_zones
from mesocare.services.platform.territories import write_diagnoses
from mesocare.territory import load_territory


def main(argv: list[str]) -> int:
    folder, out, workers = Path(argv[0]), Path(argv[1]), int(argv[2])
    try:
        territory = load_territory(folder)
        # the territory lives as long as this process: out of the garbage collector's passes,
        # which would walk it again and again as the diagnoses are made (here and in the forked
        # workers)
        gc.freeze()
        diagnoses = diagnose_zones(
            territory, workers=workers, on_done=lambda z: print(f"zone {z}", flush=True)
        )
        write_diagnoses(diagnoses, out)
    except MesocareError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
