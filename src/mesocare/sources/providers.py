"""Read a provider list (CSV or XLSX) into a territory's ``providers`` table.

A :class:`ProviderMapping` says which column of the file holds each field (name, discipline,
practice, coordinates or area code, FTE, age, accepting new patients) and how the file's words for
a discipline translate into :class:`~mesocare.territory.Discipline` values. Without a mapping the
file's columns carry the field names themselves. Presets for a Sociale Kaart or RIZIV export and a
French RPPS or FINESS extract are packaged in ``sources/data/providers/<preset>.toml``; a user's
mapping file has the same TOML layout (see the README, "Importing providers").

Each provider is placed in its area by its coordinates (in the mapping's CRS, WGS84 by default; a
point outside every area is refused) or else by its area code (then at the area's representative
point). Addresses are not geocoded. Every bad cell raises a
:class:`~mesocare.errors.ValidationError` naming the file, the column and the row (the header is
row 1, as a spreadsheet counts).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
from pydantic import Field

from mesocare.atomic import read_text
from mesocare.errors import ParameterError, ValidationError
from mesocare.params import Strict, packaged_text, parse
from mesocare.sources import _read as R
from mesocare.territory import Discipline, Territory
from mesocare.territory import schema as S

PRESETS: tuple[str, ...] = ("sociale-kaart", "riziv", "rpps", "finess")
FIELDS = (
    "provider_id",
    "name",
    "discipline",
    "practice",
    "x",
    "y",
    "area_code",
    "fte",
    "age",
    "accepting_new_patients",
)
_TRUE = frozenset({"1", "true", "yes", "y", "ja", "j", "oui", "o", "vrai", "x"})
_FALSE = frozenset({"0", "false", "no", "n", "nee", "non", "faux"})


class Columns(Strict):
    """The file's column for each field; a list is joined with spaces (e.g. first and last name).

    ``discipline`` as a list is joined with `` | `` before it is looked up."""

    provider_id: str | None = None
    name: str | list[str] = "name"
    discipline: str | list[str] = "discipline"
    practice: str | None = None
    x: str | None = None
    y: str | None = None
    area_code: str | None = None
    fte: str | None = None
    age: str | None = None
    accepting_new_patients: str | None = None


class ProviderMapping(Strict):
    """How to read one kind of provider file."""

    description: str = ""
    delimiter: str | None = None
    encoding: str = "utf-8-sig"
    sheet: str | int = 0
    crs: str = "EPSG:4326"
    default_fte: float = Field(default=1.0, ge=0)
    #: left-pad area codes with zeros to this many characters (Excel drops leading zeros)
    area_code_digits: int | None = Field(default=None, ge=1, le=12)
    #: a discipline word not in ``disciplines``: refuse the file, count it as "other", or skip it
    unknown_discipline: Literal["refuse", "other", "skip"] = "refuse"
    columns: Columns = Field(default_factory=Columns)
    #: fields whose column may be absent from a file (a preset's columns some exports lack)
    optional: list[str] = Field(default_factory=list)
    #: the file's words (any case) → a discipline; the discipline values themselves always work
    disciplines: dict[str, Discipline] = Field(default_factory=dict)


def load_mapping(file: Path | None = None, preset: str | None = None) -> ProviderMapping | None:
    """The mapping of a TOML file or a packaged preset; None for the default (field names)."""
    if file is not None and preset is not None:
        raise ParameterError("give either a mapping file or a preset, not both")
    if preset is not None:
        if preset not in PRESETS:
            raise ParameterError(f"unknown preset '{preset}'; known: {', '.join(PRESETS)}")
        text = packaged_text("mesocare.sources", f"data/providers/{preset}.toml")
        return parse(text, ProviderMapping, file=f"preset {preset}")
    if file is not None:
        R.require_file(file, "a provider column mapping (TOML)")
        return parse(read_text(file), ProviderMapping, file=str(file))
    return None


@dataclass(frozen=True)
class ProviderRead:
    """The providers of a file, checked against the territory, and what was left out."""

    providers: pd.DataFrame
    skipped: int  # rows whose discipline the mapping skips


def read_providers(
    path: Path, territory: Territory, mapping: ProviderMapping | None = None
) -> ProviderRead:
    """The providers of ``path`` placed in the areas of ``territory`` (checked, not yet saved)."""
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".txt", ".tsv", ".xlsx"):
        raise ValidationError(
            "unsupported provider list format",
            file=path,
            found=path.suffix or "no extension",
            expected="a .csv or .xlsx file",
        )
    m = mapping or ProviderMapping()
    df = R.read_table(
        path, "one provider per row", delimiter=m.delimiter, encoding=m.encoding, sheet=m.sheet
    )
    cols = m.columns if mapping is not None else _default_columns(df)
    absent = {
        f: None
        for f in m.optional
        if getattr(cols, f, None) is not None
        and not set(_as_list(getattr(cols, f))) <= set(df.columns)
    }
    cols = cols.model_copy(update=absent)
    named = {f: getattr(cols, f) for f in FIELDS if getattr(cols, f) is not None}
    R.require_columns(df, sorted({c for v in named.values() for c in _as_list(v)}), path)
    if df.empty:
        raise ValidationError("no provider in the file", file=path, expected="one row per provider")
    rows = pd.Series(np.arange(len(df)) + 2, index=df.index)  # header = row 1

    discipline, keep = _disciplines(df, cols.discipline, m, path)
    if not bool(keep.any()):
        raise ValidationError(
            "no row of a discipline the mapping reads",
            file=path,
            column=" | ".join(_as_list(cols.discipline)),
            expected="words of the mapping's [disciplines] or discipline values",
        )
    df, rows, discipline = df[keep], rows[keep], discipline[keep]
    name = _joined(df, cols.name, " ")
    _require_filled(name, _as_list(cols.name)[0], rows, path, "a name")
    out = pd.DataFrame(
        {
            "provider_id": df[cols.provider_id] if cols.provider_id else "P" + rows.astype(str),
            "discipline": discipline,
            "practice_id": df[cols.practice] if cols.practice else pd.NA,
            "name": name,
        }
    )
    if cols.provider_id:
        _require_filled(out["provider_id"], cols.provider_id, rows, path, "an identifier")
        dup = out["provider_id"].duplicated()
        if bool(dup.any()):
            raise ValidationError(
                "duplicate provider identifier",
                file=path,
                column=cols.provider_id,
                row=int(rows[dup].iloc[0]),
                found=str(out["provider_id"][dup].iloc[0]),
                expected="each provider once",
            )
    area, x, y = _place(df, cols, m, territory, rows, path)
    out["area_code"], out["x"], out["y"] = area, x, y
    out["fte"] = (
        _numbers(df[cols.fte], cols.fte, rows, path, 0, 10, fill=m.default_fte)
        if cols.fte
        else m.default_fte
    )
    out["age"] = _numbers(df[cols.age], cols.age, rows, path, 15, 100) if cols.age else np.nan
    out["accepting_new_patients"] = (
        _booleans(df[cols.accepting_new_patients], cols.accepting_new_patients, rows, path)
        if cols.accepting_new_patients
        else pd.NA
    )
    return ProviderRead(out.reset_index(drop=True), int((~keep).sum()))


# ----- fields -------------------------------------------------------------------------------------
def _default_columns(df: pd.DataFrame) -> Columns:
    """Columns named as the fields themselves (``practice`` may also be ``practice_id``)."""
    present = {f: f for f in FIELDS if f in df.columns}
    if "practice" not in present and "practice_id" in df.columns:
        present["practice"] = "practice_id"
    return Columns(**{"name": "name", "discipline": "discipline", **present})


def _as_list(v: str | list[str]) -> list[str]:
    return [v] if isinstance(v, str) else list(v)


def _joined(df: pd.DataFrame, cols: str | list[str], sep: str) -> pd.Series:
    parts = [df[c].fillna("") for c in _as_list(cols)]
    out = parts[0]
    for p in parts[1:]:
        out = out.str.cat(p, sep=sep)
    out = out.str.strip(" |")
    return out.where(out != "", pd.NA)


def _require_filled(
    values: pd.Series, column: str, rows: pd.Series, path: Path, expected: str
) -> None:
    bad = values.isna()
    if bool(bad.any()):
        raise ValidationError(
            "empty cell", file=path, column=column, row=int(rows[bad].iloc[0]), expected=expected
        )


def _disciplines(
    df: pd.DataFrame, cols: str | list[str], m: ProviderMapping, path: Path
) -> tuple[pd.Series, pd.Series]:
    words = {k.strip().casefold(): v.value for k, v in m.disciplines.items()}
    words.update({d.value: d.value for d in Discipline})
    text = _joined(df, cols, " | ")
    found = text.str.casefold().map(words)
    unknown = found.isna()
    keep = pd.Series(True, index=df.index)
    if bool(unknown.any()):
        if m.unknown_discipline == "refuse":
            i = int(np.flatnonzero(unknown.to_numpy())[0])
            raise ValidationError(
                "unknown discipline",
                file=path,
                column=" | ".join(_as_list(cols)),
                row=i + 2,
                found=None if pd.isna(text.iloc[i]) else str(text.iloc[i]),
                expected="one of "
                + ", ".join(d.value for d in Discipline)
                + (" or a word of the mapping's [disciplines]" if m.disciplines else ""),
            )
        if m.unknown_discipline == "other":
            found = found.fillna(Discipline.OTHER.value)
        else:
            keep = ~unknown
    return found, keep


def _place(
    df: pd.DataFrame,
    cols: Columns,
    m: ProviderMapping,
    territory: Territory,
    rows: pd.Series,
    path: Path,
) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Area code and x/y (territory CRS) of each row: by coordinates, else by area code."""
    areas = territory.areas
    n = len(df)
    x = np.full(n, np.nan)
    y = np.full(n, np.nan)
    area = pd.Series(pd.NA, index=df.index, dtype="string")
    has_xy = np.zeros(n, dtype=bool)
    if (cols.x is None) != (cols.y is None):
        raise ParameterError(f"{path}: coordinates need both an x and a y column")
    if cols.x is not None and cols.y is not None:
        fx = pd.to_numeric(df[cols.x].str.replace(",", ".", regex=False), errors="coerce")
        fy = pd.to_numeric(df[cols.y].str.replace(",", ".", regex=False), errors="coerce")
        for col, raw, num in ((cols.x, df[cols.x], fx), (cols.y, df[cols.y], fy)):
            bad = raw.notna() & num.isna()
            if bool(bad.any()):
                raise ValidationError(
                    "not a coordinate",
                    file=path,
                    column=col,
                    row=int(rows[bad].iloc[0]),
                    found=str(raw[bad].iloc[0]),
                    expected=f"a number in {m.crs}",
                )
        has_xy = (fx.notna() & fy.notna()).to_numpy()
        try:
            tf = pyproj.Transformer.from_crs(m.crs, territory.areas.crs, always_xy=True)
        except pyproj.exceptions.CRSError as exc:
            raise ParameterError(f"{path}: unknown CRS '{m.crs}' ({exc})") from None
        px, py = tf.transform(fx.to_numpy(float)[has_xy], fy.to_numpy(float)[has_xy])
        x[has_xy], y[has_xy] = px, py
        pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(px, py), crs=areas.crs)
        hit = gpd.sjoin(pts, areas[["area_code", "geometry"]], how="left", predicate="within")
        hit = hit[~hit.index.duplicated()]
        codes = hit["area_code"].astype("string").to_numpy()
        outside = pd.isna(codes)
        if bool(outside.any()):
            i = int(np.flatnonzero(has_xy)[np.flatnonzero(outside)[0]])
            raise ValidationError(
                "provider outside the territory's areas",
                file=path,
                column=f"{cols.x}, {cols.y}",
                row=int(rows.iloc[i]),
                found=f"({df[cols.x].iloc[i]}, {df[cols.y].iloc[i]})",
                expected=f"coordinates in {m.crs} inside one of the areas",
            )
        area[has_xy] = codes
    if cols.area_code is not None:
        given = _area_codes(df[cols.area_code], m)
        known = set(areas["area_code"].astype(str))
        bad = given.notna() & ~given.isin(known)
        if bool(bad.any()):
            raise ValidationError(
                "unknown area code",
                file=path,
                column=cols.area_code,
                row=int(rows[bad].iloc[0]),
                found=str(df[cols.area_code][bad].iloc[0]),
                expected="the code of one of the territory's areas",
            )
        differ = has_xy & given.notna().to_numpy() & (given != area).fillna(False).to_numpy()
        if bool(differ.any()):
            i = int(np.flatnonzero(differ)[0])
            raise ValidationError(
                "coordinates and area code disagree",
                file=path,
                column=cols.area_code,
                row=int(rows.iloc[i]),
                found=f"{given.iloc[i]}, but the point lies in {area.iloc[i]}",
                expected=f"coordinates in {m.crs} inside the given area",
            )
        by_code = ~has_xy & given.notna().to_numpy()
        rep = areas.set_index(areas["area_code"].astype(str)).geometry.representative_point()
        area[by_code] = given[by_code]
        x[by_code] = rep.x.reindex(given[by_code]).to_numpy()
        y[by_code] = rep.y.reindex(given[by_code]).to_numpy()
    nowhere = area.isna()
    if bool(nowhere.any()):
        where = [c for c in (cols.x, cols.y, cols.area_code) if c]
        raise ValidationError(
            "provider without a place",
            file=path,
            column=", ".join(where) if where else None,
            row=int(rows[nowhere].iloc[0]),
            expected="coordinates or an area code in every row (addresses are not geocoded)",
        )
    return area, x, y


def _area_codes(values: pd.Series, m: ProviderMapping) -> pd.Series:
    text = values.str.replace(r"\.0$", "", regex=True)
    return text.str.zfill(m.area_code_digits) if m.area_code_digits else text


def _numbers(
    values: pd.Series,
    column: str,
    rows: pd.Series,
    path: Path,
    lo: float,
    hi: float,
    *,
    fill: float | None = None,
) -> np.ndarray:
    num = pd.to_numeric(values.str.replace(",", ".", regex=False), errors="coerce")
    bad = (values.notna() & num.isna()) | (num < lo) | (num > hi)
    if bool(bad.any()):
        raise ValidationError(
            "not a number in range",
            file=path,
            column=column,
            row=int(rows[bad].iloc[0]),
            found=str(values[bad].iloc[0]),
            expected=f"a number from {lo:g} to {hi:g}",
        )
    return (num.fillna(fill) if fill is not None else num).to_numpy(float)


def _booleans(values: pd.Series, column: str, rows: pd.Series, path: Path) -> pd.Series:
    low = values.str.casefold()
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    out[low.isin(_TRUE)] = True
    out[low.isin(_FALSE)] = False
    bad = values.notna() & out.isna()
    if bool(bad.any()):
        raise ValidationError(
            "not yes or no",
            file=path,
            column=column,
            row=int(rows[bad].iloc[0]),
            found=str(values[bad].iloc[0]),
            expected="yes/no, true/false, 1/0, ja/nee or oui/non (or empty: unknown)",
        )
    return out


def empty_providers() -> pd.DataFrame:
    """A providers table without rows (every column of the schema)."""
    return pd.DataFrame({c.name: pd.Series(dtype=object) for c in S.PROVIDERS.columns})


__all__ = [
    "PRESETS",
    "ProviderMapping",
    "ProviderRead",
    "empty_providers",
    "load_mapping",
    "read_providers",
]
