"""From stratified counts to the published measures, with small-number suppression.

Input: counts per level × unit × age band (from the engine). Output: one long table,
one row per level × unit × measure: numerator, denominator, crude rate with a Wilson interval and,
for prevalences, the directly age-standardised rate with a Dobson interval (ESP 2013), both from
:mod:`mesocare.indicators.stats`. :func:`suppress` blanks every count under ``min_count`` (but
not zero numerators of large denominators) and every count that would let one be recovered by
subtraction, sets ``suppressed`` and says why in ``note``; nothing person-level leaves.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

from mesocare.errors import ParameterError
from mesocare.indicators.stats import directly_standardised_rate, wilson_interval
from mesocare.population.codelists import CodeLists
from mesocare.population.disclosure import suppress_rows
from mesocare.population.rules import HealthParams
from mesocare.territory.schema import AGE_BANDS

LEVELS = ("area", "network", "zone", "region")
STRATA = ("stratum_1", "stratum_2", "stratum_3")
RESULT_COLUMNS = [
    "level",
    "unit_code",
    "measure_kind",
    "measure",
    "numerator",
    "denominator",
    "rate",
    "rate_lower",
    "rate_upper",
    "dsr",
    "dsr_lower",
    "dsr_upper",
    "suppressed",
    "note",
]

#: why a row's numbers are not (all) published (the ``note`` column; empty when they are)
NOTES = {
    "small_count": "a count, denominator or complement under the threshold",
    "secondary": "hidden so that a hidden count cannot be recovered by subtraction",
    "not_computable": "needs a table the import did not have",
    "dsr_few_events": "age-standardised rate not published under the minimum of events",
}


def measures(codelists: CodeLists, params: HealthParams) -> list[tuple[str, str, str, str]]:
    """(kind, measure, numerator column, denominator column) of every published measure.

    Prevalences are of all persons; the strata of the risk pyramid are of the persons with a
    chronic condition (``chronic``, itself published as a prevalence); care gaps of the eligible.
    """
    out: list[tuple[str, str, str, str]] = []
    for c in codelists.conditions():
        out.append(("prevalence", c, f"has_{c}", "persons"))
    out.append(("prevalence", "chronic", "chronic", "persons"))
    out.append(("prevalence", "multimorbidity", "multimorbid", "persons"))
    out.append(("prevalence", "polypharmacy", "polypharmacy", "persons"))
    for s in (1, 2, 3):
        out.append(("stratum", f"stratum_{s}", f"stratum_{s}", "chronic"))
    for g in params.care_gaps:
        out.append(("care_gap", g.id, f"gap_{g.id}", f"eligible_{g.id}"))
    return out


def not_computable(
    missing: tuple[str, ...] | list[str], codelists: CodeLists, params: HealthParams
) -> frozenset[str]:
    """The measures that need one of the ``missing`` event tables (an import without them).

    Conditions (and so every prevalence, the pyramid's base and the care gaps of a condition)
    need the diagnoses; polypharmacy the prescriptions; the pyramid every table its rules read;
    a care gap the table of what it needs (measurements or vaccinations).
    """
    gone = set(missing)
    rule_tables = {"diagnoses"}
    for r in params.strata:
        if r.min_hospital_stays is not None or r.min_emergency_visits is not None:
            rule_tables.add("contacts")
        if r.polypharmacy is not None:
            rule_tables.add("prescriptions")
    out: set[str] = set()
    for kind, name, num_col, _den in measures(codelists, params):
        if kind == "prevalence":
            need = {"prescriptions"} if num_col == "polypharmacy" else {"diagnoses"}
        elif kind == "stratum":
            need = rule_tables
        else:
            g = next(g for g in params.care_gaps if g.id == name)
            need = {codelists.kind_of(g.needs) + "s"} | ({"diagnoses"} if g.condition else set())
        if need & gone:
            out.add(name)
    return frozenset(out)


def compute_measures(
    counts: pd.DataFrame,
    codelists: CodeLists,
    params: HealthParams,
    level_col: str = "level",
    *,
    areas: pd.DataFrame | None = None,
    not_computable: frozenset[str] = frozenset(),
) -> pd.DataFrame:
    """Rates per unit from counts per unit × age band (columns level, unit_code, age_band_idx, …).

    Rows of the same unit and band are summed (e.g. one per sex). With ``areas`` (area_code →
    network_code, zone_code, region_code) the areas are also summed into their network, zone and
    region (:func:`_roll_up`), which is how the engine's area counts
    (:func:`mesocare.population.engine.unit_counts`) reach every level; an area without a code at
    a level, or unknown to ``areas``, adds nothing there. Measures named in ``not_computable``
    (their input table was missing) are published without numerator or rate, noted so.
    """
    rows = []
    value_cols = [
        c for c in counts.columns if c not in (level_col, "unit_code", "sex", "age_band_idx")
    ]
    # the cube unit × age band × column, summed with one bincount per column (the same unit may
    # come in several rows, e.g. one per sex): several times faster than a pandas groupby on the
    # ~0.5-1 M rows of a country; units keep their order of first appearance (the result is
    # sorted once, by :func:`suppress`)
    level_idx, level_values = pd.factorize(counts[level_col])
    code_idx, code_values = pd.factorize(counts["unit_code"])
    unit_idx, pairs = pd.factorize(level_idx.astype(np.int64) * len(code_values) + code_idx)
    units = pd.DataFrame(
        {
            level_col: np.asarray(level_values)[pairs // len(code_values)],
            "unit_code": np.asarray(code_values)[pairs % len(code_values)],
        }
    )
    n_units, n_bands = len(units), len(AGE_BANDS)
    band = counts["age_band_idx"].to_numpy(dtype=np.int64)
    if len(band) and (band.min() < 0 or band.max() >= n_bands):
        raise ParameterError(f"age_band_idx must lie in 0..{n_bands - 1}")
    cell = unit_idx * n_bands + band
    # one contiguous unit × age band block per column (the reductions below run along bands)
    cube = {
        c: np.bincount(
            cell, weights=counts[c].to_numpy(dtype=float), minlength=n_units * n_bands
        ).reshape(n_units, n_bands)
        for c in value_cols
    }
    if areas is not None:
        units, cube = _roll_up(units.rename(columns={level_col: "level"}), cube, areas)
        level_col = "level"

    persons = cube["persons"]
    for kind, name, num_col, den_col in measures(codelists, params):
        num_b = cube[num_col]
        num = num_b.sum(1)
        den = cube[den_col].sum(1)
        lo, hi = wilson_interval(num, den)
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = np.where(den > 0, num / den, np.nan)
        if kind == "prevalence":
            dsr, dlo, dhi = directly_standardised_rate(num_b, persons, multiplier=1.0)
        else:
            dsr = dlo = dhi = np.full(len(units), np.nan)
        rows.append(
            units.assign(
                measure_kind=kind,
                measure=name,
                num_col=None if name in not_computable else num_col,
                den_col=den_col,
                numerator=num.astype("int64"),
                denominator=den.astype("int64"),
                rate=rate,
                rate_lower=lo,
                rate_upper=hi,
                dsr=dsr,
                dsr_lower=dlo,
                dsr_upper=dhi,
            )
        )
    out = pd.concat(rows, ignore_index=True)
    out = out.rename(columns={level_col: "level"})
    return suppress(out, params.min_count, areas=areas, dsr_min_events=params.dsr_min_events)


def _roll_up(
    units: pd.DataFrame, cube: dict[str, np.ndarray], areas: pd.DataFrame
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Append each network, zone and region to the units, its cube rows the sum of its areas'.

    A sparse 0/1 matrix (parents × units) times each unit × band block: the sums over a
    country's 20,000 areas take milliseconds.
    """
    codes = areas.drop_duplicates("area_code").set_index("area_code")
    is_area = (units["level"] == "area").to_numpy()
    area_pos = np.flatnonzero(is_area)
    area_codes = units["unit_code"].to_numpy()[is_area]
    new_units, blocks = [units], {c: [m] for c, m in cube.items()}
    for level in LEVELS[1:]:
        parent = pd.Series(area_codes).map(codes[f"{level}_code"])
        idx, uniques = pd.factorize(parent)  # -1: no parent at this level
        keep = idx >= 0
        if not keep.any():
            continue
        m = sparse.csr_matrix(
            (np.ones(int(keep.sum())), (idx[keep], area_pos[keep])),
            shape=(len(uniques), len(units)),
        )
        new_units.append(pd.DataFrame({"level": level, "unit_code": np.asarray(uniques)}))
        for c, block in cube.items():
            blocks[c].append(m @ block)
    return pd.concat(new_units, ignore_index=True), {c: np.vstack(b) for c, b in blocks.items()}


def suppress(
    result: pd.DataFrame,
    min_count: int,
    *,
    areas: pd.DataFrame | None = None,
    dsr_min_events: int = 0,
) -> pd.DataFrame:
    """Blank what could disclose a count under ``min_count``, and note why (``NOTES``).

    Primary: a numerator, denominator or complement (denominator − numerator) in
    ``1..min_count-1``, and the numerators of a denominator under it. Secondary (see
    :mod:`mesocare.population.disclosure`): whatever else would let one be recovered by
    subtraction within a unit (the strata add up to the chronically ill), across units of a level
    and across the area → network → zone → region hierarchy given by ``areas``. An age-standardised
    rate of fewer than ``dsr_min_events`` events is not published. ``result`` has ``num_col`` and
    ``den_col`` (the count columns; ``num_col`` None for a measure that is not computable).
    """
    if "num_col" not in result.columns:
        result = result.assign(num_col="numerator", den_col="denominator")
    num_hidden, den_hidden, primary = suppress_rows(
        result, min_count, areas=areas, partitions={"chronic": STRATA}
    )
    not_computable = result["num_col"].isna().to_numpy()
    hide = num_hidden | den_hidden | not_computable
    out = result.copy()
    cols = ["rate", "rate_lower", "rate_upper", "dsr", "dsr_lower", "dsr_upper"]
    out[["numerator", "denominator"]] = out[["numerator", "denominator"]].astype("Int64")
    out.loc[hide, ["numerator"]] = pd.NA
    out.loc[den_hidden, ["denominator"]] = pd.NA
    out.loc[hide, cols] = np.nan
    few = ~hide & (result["numerator"].to_numpy() < dsr_min_events) & out["dsr"].notna().to_numpy()
    out.loc[few, ["dsr", "dsr_lower", "dsr_upper"]] = np.nan
    note = np.where(
        not_computable,
        "not_computable",
        np.where(
            hide & primary,
            "small_count",
            np.where(hide, "secondary", np.where(few, "dsr_few_events", "")),
        ),
    )
    out["suppressed"] = hide
    out["note"] = note
    return out[RESULT_COLUMNS].sort_values(
        ["level", "unit_code", "measure_kind", "measure"], ignore_index=True
    )


def age_band_label(idx: pd.Series) -> pd.Series:
    return idx.map(dict(enumerate(AGE_BANDS)))
