"""Tables of the Flanders importer keyed by 2020 municipality: population and income.

Both open tables date from 2013 and use the municipality codes from before the 2019 mergers; the
code map (:func:`code_map`) sends each to its 2020 municipality.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from mesocare.errors import ValidationError
from mesocare.sources import _read as R
from mesocare.sources._belgium import (
    AGE_SEX,
    AGE_STRUCTURE_YEAR,
    BRUSSELS,
    FLANDERS,
    INCOME,
    INCOME_YEAR,
    MUNICIPALITIES,
    REFERENCE_YEAR,
    SECTORS,
    TECHNICAL_MUNICIPALITY_PREFIX,
    region_of,
)
from mesocare.territory import AGE_BANDS
from mesocare.territory import schema as S


# ----- pre-2019 codes ---------------------------------------------------------------------------
def code_map(data: Path, codes_2020: set[str]) -> dict[str, str]:
    """Pre-2019 (and current) municipality code → 2020 code, for Flanders and Brussels.

    Statistical sector codes begin with the code of the municipality the sector was drawn in;
    the 2019 mergers kept them, so each retired code is the prefix of the sectors of exactly one
    2020 municipality.
    """
    path = data / SECTORS
    sectors = R.read_excel(path, ["statsec2024", "gemeente2024"], "sector → municipality table")
    muni = R.nis_codes(sectors["gemeente2024"], path, "gemeente2024")
    prefix = R.nis_codes(sectors["statsec2024"].astype("string").str[:5], path, "statsec2024")
    pairs = pd.DataFrame({"old": prefix, "new": muni})
    pairs = pairs[~pairs["new"].str.startswith(TECHNICAL_MUNICIPALITY_PREFIX)].drop_duplicates()
    ambiguous = pairs["old"].duplicated(keep=False)
    if bool(ambiguous.any()):
        old = pairs.loc[ambiguous, "old"].iloc[0]
        raise ValidationError(
            "sector code prefix split over several municipalities",
            file=path,
            column="statsec2024",
            found=f"{old} → {', '.join(sorted(pairs.loc[pairs['old'] == old, 'new']))}",
            expected="each pre-2019 municipality inside one 2020 municipality",
        )
    outside = ~pairs["new"].isin(codes_2020)
    if bool(outside.any()):
        raise ValidationError(
            "unknown municipality code",
            file=path,
            column="gemeente2024",
            found=pairs.loc[outside, "new"].iloc[0],
            expected=f"a 2019–2024 NIS code of Flanders or Brussels in {MUNICIPALITIES}",
        )
    mapping = dict(zip(pairs["old"], pairs["new"], strict=True))
    mapping.update({c: c for c in codes_2020})
    return mapping


#: The region of a NIS code among the regions imported, None outside them.
RegionOf = Callable[[str], "str | None"]


def _map_codes(
    codes: pd.Series, code_map: dict[str, str], file: Path, column: str, region: RegionOf
) -> pd.Series:
    """2020 codes of municipality codes; None outside the regions imported.

    A code of those regions (by NIS structure) with no 2020 successor raises.
    """
    mapped = codes.map(code_map)
    is_muni = ~codes.str.endswith("000")
    ours = codes.map(lambda c: region(c) is not None) & is_muni
    lost = ours & mapped.isna()
    if bool(lost.any()):
        i = int(lost.to_numpy().nonzero()[0][0])
        raise ValidationError(
            "municipality code with no 2020 successor",
            file=file,
            column=column,
            row=i + 2 if file.suffix != ".json" else f"fact {i + 1}",
            found=codes.iloc[i],
            expected=f"a 2019–2024 NIS code, or a pre-2019 one found in {SECTORS}",
        )
    return mapped


# ----- population -------------------------------------------------------------------------------
def band_of_upper(upper: int) -> str | None:
    """Age band label of the 'C' value (upper bound of the band; 100 for 100+)."""
    if upper in (99, 100):
        return "95+"
    if upper % 5 == 4 and 4 <= upper <= 94:
        return f"{upper - 4}-{upper}"
    return None


def population(
    data: Path,
    munis: pd.DataFrame,
    code_map: dict[str, str],
    *,
    region: RegionOf = region_of,
    regions: tuple[str, ...] = (FLANDERS, BRUSSELS),
) -> pd.DataFrame:
    path = data / AGE_SEX
    doc = R.read_json(path, "population by municipality, sex and age band ('facts' list)")
    if not isinstance(doc, dict) or not isinstance(doc.get("facts"), list):
        raise ValidationError(
            "no 'facts' list", file=path, expected='{"facts": [{"g", "s", "C", "M", "y"}, …]}'
        )
    facts = pd.DataFrame(doc["facts"])
    R.require_columns(facts, ["g", "s", "C", "M", "y"], path)
    facts["y"] = R.numbers(facts["y"], path, "y", row_offset=1)
    facts = facts[facts["y"] == AGE_STRUCTURE_YEAR].reset_index(drop=True)
    if facts.empty:
        raise ValidationError(
            f"no facts for {AGE_STRUCTURE_YEAR}",
            file=path,
            column="y",
            expected=str(AGE_STRUCTURE_YEAR),
        )
    facts["g"] = R.nis_codes(facts["g"], path, "g")
    facts["M"] = R.numbers(facts["M"], path, "M", row_offset=1)
    bad_sex = ~facts["s"].isin(S.SEXES)
    if bool(bad_sex.any()):
        raise ValidationError(
            "unknown sex",
            file=path,
            column="s",
            found=str(facts["s"][bad_sex].iloc[0]),
            expected="M or F",
        )
    band = R.numbers(facts["C"], path, "C", row_offset=1).astype(int).map(band_of_upper)
    if bool(band.isna().any()):
        raise ValidationError(
            "unknown age band",
            file=path,
            column="C",
            found=int(facts["C"][band.isna()].iloc[0]),
            expected="4, 9, …, 99 (upper bound of a 5-year band) or 100 (100+)",
        )
    facts["age_band"] = band
    facts["area_code"] = _map_codes(facts["g"], code_map, path, "g", region)
    ours = facts[facts["area_code"].notna()]
    for reg in regions:  # every pre-2019 municipality found its 2020 successor
        expected = facts.loc[facts["g"] == reg, "M"].sum()
        got = ours.loc[ours["area_code"].map(region) == reg, "M"].sum()
        if expected and got != expected:
            raise ValidationError(
                f"municipalities of {AGE_STRUCTURE_YEAR} do not add up to the region",
                file=path,
                column="M",
                row=f"g = {reg}",
                found=int(got),
                expected=str(int(expected)),
            )
    grid = pd.MultiIndex.from_product(
        [munis["area_code"], list(S.SEXES), list(AGE_BANDS)], names=["area_code", "sex", "age_band"]
    )
    summed = ours.groupby(["area_code", "s", "age_band"])["M"].sum()
    summed.index.names = ["area_code", "sex", "age_band"]
    counts = summed.reindex(grid, fill_value=0).reset_index(name="base")
    target = pd.concat(
        [
            pd.DataFrame(
                {"area_code": munis["area_code"], "sex": "M", "target": munis["men_2020"]}
            ),
            pd.DataFrame(
                {"area_code": munis["area_code"], "sex": "F", "target": munis["women_2020"]}
            ),
        ]
    )
    counts = counts.merge(target, on=["area_code", "sex"])
    base_total = counts.groupby(["area_code", "sex"])["base"].transform("sum")
    empty = (base_total == 0) & (counts["target"] > 0)
    if bool(empty.any()):
        raise ValidationError(
            f"no {AGE_STRUCTURE_YEAR} population for a municipality",
            file=path,
            column="g",
            found=f"{counts['area_code'][empty].iloc[0]} ({counts['sex'][empty].iloc[0]})",
            expected="facts for every municipality imported (or its predecessors)",
        )
    counts["count"] = largest_remainder(
        counts["base"].to_numpy(dtype=float),
        counts["target"].to_numpy(dtype=np.int64),
        counts.groupby(["area_code", "sex"], sort=False).ngroup().to_numpy(),
    )
    return counts[["area_code", "sex", "age_band", "count"]].assign(year=REFERENCE_YEAR)


def largest_remainder(weights: np.ndarray, totals: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Whole numbers proportional to ``weights`` within each group, adding up to its total.

    ``totals`` repeats each group's total on each of its rows. Each row gets the floor of its
    quota; the remaining units go to the largest fractional parts (earlier rows first on ties).
    """
    frame = pd.DataFrame({"w": weights, "t": totals, "g": groups})
    wsum = frame.groupby("g")["w"].transform("sum").to_numpy()
    quota = np.divide(weights * totals, wsum, out=np.zeros_like(weights), where=wsum > 0)
    base = np.floor(quota + 1e-9).astype(np.int64)
    frame["base"], frame["frac"] = base, quota - base
    short = totals - frame.groupby("g")["base"].transform("sum").to_numpy()
    order = frame.sort_values(["g", "frac"], ascending=[True, False], kind="stable")
    rank = order.groupby("g").cumcount()
    extra = (rank < short[order.index]).astype(np.int64)
    return base + extra.reindex(frame.index).to_numpy()


# ----- income -----------------------------------------------------------------------------------
def income(
    data: Path, munis: pd.DataFrame, code_map: dict[str, str], *, region: RegionOf = region_of
) -> pd.DataFrame:
    path = data / INCOME
    cols = ["CD_YEAR", "CD_MUNTY_REFNIS", "MS_TOT_NET_TAXABLE_INC", "MS_TOT_RESIDENTS"]
    table = R.read_csv(
        path, cols, "Statbel fiscal income per municipality", sep="|", encoding="utf-8-sig"
    )
    year = R.numbers(table["CD_YEAR"], path, "CD_YEAR")
    table = table[year == INCOME_YEAR].reset_index(drop=True)
    if table.empty:
        raise ValidationError(
            f"no rows for {INCOME_YEAR}", file=path, column="CD_YEAR", expected=str(INCOME_YEAR)
        )
    code = R.nis_codes(table["CD_MUNTY_REFNIS"], path, "CD_MUNTY_REFNIS")
    frame = pd.DataFrame(
        {
            "area_code": _map_codes(code, code_map, path, "CD_MUNTY_REFNIS", region),
            "income": R.numbers(table["MS_TOT_NET_TAXABLE_INC"], path, "MS_TOT_NET_TAXABLE_INC"),
            "residents": R.numbers(table["MS_TOT_RESIDENTS"], path, "MS_TOT_RESIDENTS"),
        }
    ).dropna(subset=["area_code"])
    sums = frame.groupby("area_code")[["income", "residents"]].sum()
    missing = ~munis["area_code"].isin(sums.index[sums["residents"] > 0])
    if bool(missing.any()):
        raise ValidationError(
            f"municipality without {INCOME_YEAR} income",
            file=path,
            column="CD_MUNTY_REFNIS",
            found=munis["area_code"][missing].iloc[0],
            expected="a row with residents for every municipality (or its predecessors)",
        )
    mean = (sums["income"] / sums["residents"]).round(2)
    return pd.DataFrame(
        {
            "area_code": munis["area_code"].to_numpy(),
            "mean_taxable_income_eur": mean.loc[munis["area_code"]].to_numpy(),
        }
    )
