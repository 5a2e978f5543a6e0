"""Use case: put a real provider list into a territory folder (``mesocare providers import``).

The list is read and placed by :mod:`mesocare.sources.providers`, the territory is rebuilt and
checked as a whole, and only then written back through :func:`~mesocare.territory.save_territory`
(an atomic folder swap): a refused file leaves the folder byte for byte as it was.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from mesocare.errors import ValidationError
from mesocare.sources.providers import ProviderMapping, load_mapping, read_providers
from mesocare.territory import Source, Territory, load_territory, save_territory

#: the manifest source that says where a territory's providers come from
PROVIDER_SOURCE = "Care providers"


@dataclass(frozen=True)
class ProvidersImported:
    territory: Territory
    added: int
    replaced: int  # providers the territory had before and no longer has
    skipped: int  # rows of a discipline the mapping skips
    by_discipline: dict[str, int]


def with_providers(
    territory: Territory,
    file: Path,
    mapping: ProviderMapping | None = None,
    *,
    append: bool = False,
    note: str | None = None,
) -> tuple[Territory, int]:
    """``territory`` with the providers of ``file`` (added to or replacing its own); skipped rows."""
    read = read_providers(file, territory, mapping)
    new = read.providers
    old = territory.providers
    if append:
        clash = new["provider_id"].isin(set(old["provider_id"].astype(str)))
        if bool(clash.any()):
            raise ValidationError(
                "provider identifier already in the territory",
                file=file,
                found=str(new["provider_id"][clash].iloc[0]),
                expected="new identifiers (or import without --append to replace the list)",
            )
        new = pd.concat([old.astype(object), new.astype(object)], ignore_index=True)
    m = territory.manifest
    source = Source(
        name=f"{PROVIDER_SOURCE}: {Path(file).name}",
        licence="as published by the list's owner",
        note=note,
    )
    sources = [s for s in m.sources if append or not s.name.startswith(PROVIDER_SOURCE)]
    manifest = m.model_copy(update={"sources": [*sources, source]})
    built = Territory.build(
        manifest,
        territory.areas,
        territory.units,
        territory.population,
        territory.area_attributes,
        new,
        territory.tables,
    )
    return built, read.skipped


def import_providers(
    territory_dir: Path,
    file: Path,
    *,
    mapping_file: Path | None = None,
    preset: str | None = None,
    append: bool = False,
) -> ProvidersImported:
    """Read ``file`` into the territory at ``territory_dir`` and save it there atomically."""
    mapping = load_mapping(mapping_file, preset)
    territory = load_territory(territory_dir)
    note = f"read with the '{preset}' preset" if preset else None
    if mapping_file is not None:
        note = f"read with the column mapping {Path(mapping_file).name}"
    built, skipped = with_providers(territory, file, mapping, append=append, note=note)
    save_territory(built, territory_dir)
    before = len(territory.providers)
    return ProvidersImported(
        territory=built,
        added=len(built.providers) - (before if append else 0),
        replaced=0 if append else before,
        skipped=skipped,
        by_discipline=dict(sorted(Counter(built.providers["discipline"].astype(str)).items())),
    )


__all__ = ["PROVIDER_SOURCE", "ProvidersImported", "import_providers", "with_providers"]
