"""Save and load a Territory folder: ``territory.toml``, ``areas.gpkg`` and Parquet tables.

Writes go to a temporary sibling folder that replaces the target only once complete, so a failed
save leaves the previous folder untouched. A failed load raises before anything is returned.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pydantic
import tomli_w

from mesocare.atomic import folder_lock, folder_swap, read_text
from mesocare.errors import MesocareError, ValidationError
from mesocare.territory.bundle import Manifest, Territory

MANIFEST_FILE = "territory.toml"
AREAS_FILE = "areas.gpkg"
TABLE_FILES = {
    "units": "units.parquet",
    "population": "population.parquet",
    "area_attributes": "area_attributes.parquet",
    "providers": "providers.parquet",
}


def _drop_none(obj: object) -> object:
    if isinstance(obj, dict):
        return {k: _drop_none(v) for k, v in obj.items() if v is not None}
    if isinstance(obj, list):
        return [_drop_none(v) for v in obj]
    return obj


def save_territory(territory: Territory, folder: str | Path) -> Path:
    """Write ``territory`` to ``folder`` atomically (replacing a previous version)."""
    target = Path(folder)
    with folder_swap(target, marker=MANIFEST_FILE, what="territory") as tmp:
        manifest = _drop_none(territory.manifest.model_dump(mode="json"))
        (tmp / MANIFEST_FILE).write_bytes(tomli_w.dumps(manifest).encode())  # type: ignore[arg-type]
        territory.areas.to_file(tmp / AREAS_FILE, layer="areas", driver="GPKG", engine="pyogrio")
        for name, fname in TABLE_FILES.items():
            getattr(territory, name).to_parquet(tmp / fname, index=False)
        if territory.tables:
            (tmp / "tables").mkdir()
            for name, df in territory.tables.items():
                df.to_parquet(tmp / "tables" / f"{name}.parquet", index=False)
    return target


def save_tables(folder: str | Path, **tables: pd.DataFrame) -> Path:
    """Add or replace optional tables of the territory saved in ``folder``, keeping every other.

    A read-merge-write under the folder's lock: two commands saving tables into the same
    territory at once both keep theirs (the second waits for the first).
    """
    with folder_lock(folder):
        return save_territory(load_territory(folder).with_tables(**tables), folder)


def load_manifest(folder: str | Path) -> Manifest:
    path = Path(folder) / MANIFEST_FILE
    if not path.exists():
        raise ValidationError(
            "no territory here",
            file=path,
            expected=f"a folder with {MANIFEST_FILE} (see `mesocare demo`)",
        )
    try:
        data = tomllib.loads(read_text(path))
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(f"malformed TOML ({exc})", file=path) from None
    try:
        return Manifest.model_validate(data)
    except pydantic.ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"])
        raise ValidationError(
            err["msg"],
            file=path,
            column=key,
            found=err.get("input") if err["type"] != "missing" else None,
        ) from None


def _read(path: Path, reader):  # type: ignore[no-untyped-def]
    if not path.exists():
        raise ValidationError("missing file", file=path, expected="it in the territory folder")
    try:
        return reader(path)
    except MesocareError:
        raise
    except Exception as exc:  # a corrupt file: name it and what the reader said
        raise ValidationError(f"unreadable file ({type(exc).__name__}: {exc})", file=path) from None


def load_territory(folder: str | Path) -> Territory:
    """Read and validate a territory folder written by :func:`save_territory`."""
    root = Path(folder)
    manifest = load_manifest(root)
    areas = _read(root / AREAS_FILE, lambda p: gpd.read_file(p, engine="pyogrio"))
    tables = {name: _read(root / f, pd.read_parquet) for name, f in TABLE_FILES.items()}
    optional = {
        name: _read(root / "tables" / f"{name}.parquet", pd.read_parquet)
        for name in manifest.optional_tables
    }
    return Territory.build(manifest, areas, tables=optional, source=str(root), **tables)
