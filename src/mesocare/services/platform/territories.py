"""The territories a platform serves, and their diagnoses, computed once per content.

:func:`load_territories` reads every territory folder in the data folder. Each
:class:`TerritoryEntry` knows its units (for scopes), and its zones' diagnoses: they are read from
the cache (``DATA/.mesocare-cache/``, keyed by the SHA-256 of the territory's files and of the code
that computes them) or computed in a separate process started in the background, whose progress the
entry reports (state, zones done). A page never waits for an engine: while the diagnoses are being
computed it says so.

With ``cache=False`` (a benchmark's baseline) nothing is precomputed: :meth:`TerritoryEntry.diagnosis`
computes the zone's diagnosis when asked, as a page would without this module.
"""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

import pandas as pd
from pydantic import TypeAdapter

from mesocare import __version__
from mesocare.atomic import write_bytes
from mesocare.errors import MesocareError, NotFoundError
from mesocare.i18n import _
from mesocare.services.diagnosis import ZoneDiagnosis, diagnose
from mesocare.services.diagnosis.model import SCHEMA_VERSION
from mesocare.territory import Territory, load_territory

log = logging.getLogger("mesocare.platform")

CACHE_DIR = ".mesocare-cache"
MARKER = "territory.toml"
_DIAGNOSES = TypeAdapter(dict[str, ZoneDiagnosis])


#: What a diagnosis depends on besides the territory: the code and the packaged rules and data
#: (parameter files such as ``accessibility/params/apl_drees_2023.toml``, code lists).
RULE_SUFFIXES = (".py", ".toml", ".csv")


def tree_digest(root: Path) -> str:
    """SHA-256 of the version and of every code and rule file under ``root`` (names and bytes)."""
    h = hashlib.sha256(f"{__version__}/{SCHEMA_VERSION}".encode())
    files = (p for p in root.rglob("*") if p.suffix in RULE_SUFFIXES and p.is_file())
    for p in sorted(files):
        h.update(p.relative_to(root).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()


@cache
def code_digest() -> str:
    """The package's :func:`tree_digest`: a diagnosis is reused only by the same code with the
    same parameter files."""
    return tree_digest(Path(__file__).resolve().parents[2])


def content_digest(folder: Path) -> str:
    """SHA-256 of a territory folder's files (names and bytes)."""
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder)
        if rel.parts[0].startswith((".", "mesocare.db")):
            continue  # the platform's own cache and database, when they live in the folder
        if p.is_file() and not p.name.startswith("."):
            h.update(p.relative_to(folder).as_posix().encode() + b"\0")
            h.update(p.read_bytes())
    return h.hexdigest()


@dataclass
class Progress:
    """Where the diagnoses of a territory stand."""

    state: str = "waiting"  # waiting | computing | ready | failed | on-demand
    done: int = 0
    total: int = 0
    error: str | None = None
    seconds: float | None = None


@dataclass
class TerritoryEntry:
    id: str
    folder: Path
    territory: Territory
    digest: str
    cache_root: Path
    cache: bool = True
    progress: Progress = field(default_factory=Progress)
    _diagnoses: dict[str, ZoneDiagnosis] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # ----- units --------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.territory.manifest.name

    @property
    def language(self) -> str | None:
        return self.territory.manifest.language

    @cached_property
    def zones(self) -> list[str]:
        return self.territory.zone_codes()

    @cached_property
    def _parents(self) -> dict[str, str | None]:
        u = self.territory.units
        return {
            str(c): (None if pd.isna(p) else str(p))
            for c, p in zip(u["unit_code"], u["parent_code"].astype(object), strict=True)
        }

    @cached_property
    def levels(self) -> dict[str, str]:
        u = self.territory.units
        return dict(zip(u["unit_code"].astype(str), u["level"].astype(str), strict=True))

    def ancestors(self, unit: str) -> list[str]:
        out: list[str] = []
        cur: str | None = unit
        while cur is not None and cur in self._parents and cur not in out:
            out.append(cur)
            cur = self._parents[cur]
        return out

    @cached_property
    def networks_by_zone(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {z: [] for z in self.zones}
        for code, level in self.levels.items():
            parent = self._parents.get(code)
            if level == "network" and parent in out:
                out[parent].append(code)
        return {z: sorted(n) for z, n in out.items()}

    def find_zones(self, query: str, visible: Callable[[str], bool]) -> list[str]:
        """The zones a user may see (``visible``) whose code or name holds ``query`` (any case)."""
        want = query.strip().casefold()
        return [
            z
            for z in self.zones
            if visible(z)
            and (not want or want in z.casefold() or want in self.unit_name(z).casefold())
        ]

    def unit_name(self, code: str) -> str:
        return self.territory.unit_name(code)

    def require_zone(self, zone: str) -> str:
        if zone not in self.levels or self.levels[zone] != "zone":
            raise NotFoundError(
                _("unknown zone '{zone}' in territory '{territory}'").format(
                    zone=zone, territory=self.id
                )
            )
        return zone

    # ----- diagnoses ----------------------------------------------------------------------
    @property
    def cache_file(self) -> Path:
        key = hashlib.sha256(f"{self.digest}/{code_digest()}".encode()).hexdigest()[:32]
        return self.cache_root / f"{self.id}-{key}.json"

    @property
    def ready(self) -> bool:
        return self.progress.state in ("ready", "on-demand")

    def diagnosis(self, zone: str) -> ZoneDiagnosis | None:
        """The zone's diagnosis, or None while it is being computed."""
        self.require_zone(zone)
        if not self.cache:
            return diagnose(self.territory, zone)
        return self._diagnoses.get(zone)

    def diagnoses(self) -> dict[str, ZoneDiagnosis]:
        return dict(self._diagnoses)

    def load_cached(self) -> bool:
        """Read the diagnoses from the cache file when there is one for this content."""
        if not self.cache:
            self.progress = Progress(state="on-demand", total=len(self.zones))
            return True
        path = self.cache_file
        if not path.is_file():
            return False
        try:
            diagnoses = _DIAGNOSES.validate_json(path.read_bytes())
        except Exception:  # an old or damaged cache file: compute again
            log.warning("cache file %s unreadable; computing the diagnoses again", path.name)
            return False
        if set(diagnoses) != set(self.zones):
            return False
        self._diagnoses = diagnoses
        self.progress = Progress(state="ready", done=len(diagnoses), total=len(diagnoses))
        return True

    def compute(self, workers: int = 2, on_loaded: Callable[[], None] | None = None) -> None:
        """Compute every zone's diagnosis in a separate process, then cache and hold them.

        Runs in the caller's thread (start it in a background thread); progress is updated from
        the process's output, one line per zone. ``on_loaded`` is called once they are held.
        """
        with self._lock:
            if self.progress.state in ("computing", "ready"):
                return
            self.progress = Progress(state="computing", total=len(self.zones))
        started = time.perf_counter()
        out = self.cache_file
        out.parent.mkdir(parents=True, exist_ok=True)
        cmd = [
            sys.executable,
            "-m",
            "mesocare.services.platform.compute",
            str(self.folder),
            str(out),
            str(workers),
        ]
        log.info("territory %s: computing %d diagnoses", self.id, len(self.zones))
        try:
            proc = subprocess.Popen(
                cmd,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
            assert proc.stdout is not None and proc.stderr is not None
            for line in proc.stdout:
                if line.startswith("zone "):
                    self.progress.done += 1
                    if self.progress.done % 10 == 0 or self.progress.done == self.progress.total:
                        log.info(
                            "territory %s: %d/%d diagnoses",
                            self.id,
                            self.progress.done,
                            self.progress.total,
                        )
            err = proc.stderr.read()
            if proc.wait() != 0:
                last = (err.strip().splitlines() or ["no message"])[-1]
                raise MesocareError(last)
            if not self.load_cached():
                raise MesocareError("the diagnoses computed could not be read back")
            if on_loaded is not None:
                on_loaded()
            self.progress.seconds = time.perf_counter() - started
            log.info("territory %s: diagnoses ready in %.1f s", self.id, self.progress.seconds or 0)
        except Exception as exc:
            self.progress.state = "failed"
            self.progress.error = str(exc)
            log.error("territory %s: the diagnoses failed: %s", self.id, exc)


def write_diagnoses(diagnoses: dict[str, ZoneDiagnosis], path: Path) -> None:
    """The cache file: every zone's diagnosis as one JSON object, written atomically."""
    write_bytes(path, _DIAGNOSES.dump_json(diagnoses))


def territory_folders(data_dir: Path) -> list[Path]:
    """The territory folders of a data folder: itself if it is one, else its sub-folders."""
    if not data_dir.is_dir():
        raise MesocareError(_("--data {path}: not a folder").format(path=data_dir))
    if (data_dir / MARKER).is_file():
        return [data_dir]
    return sorted(
        p
        for p in data_dir.iterdir()
        if p.is_dir() and not p.name.startswith(".") and (p / MARKER).is_file()
    )


def load_territories(data_dir: Path, *, cache: bool = True) -> dict[str, TerritoryEntry]:
    """Every territory of the data folder, by id (its folder name), without computing anything."""
    out: dict[str, TerritoryEntry] = {}
    for folder in territory_folders(data_dir):
        tid = folder.name
        territory = load_territory(folder)
        entry = TerritoryEntry(
            tid, folder, territory, content_digest(folder), data_dir / CACHE_DIR, cache=cache
        )
        entry.load_cached()
        out[tid] = entry
    return out
