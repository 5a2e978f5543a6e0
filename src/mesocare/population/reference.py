"""A straightforward pandas version of the engine's logic.

It is the tests' obviously-correct oracle and the benchmark's pandas baseline; the product runs
:mod:`mesocare.population.engine`. Same inputs (the six tables as DataFrames), same outputs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mesocare.population.codelists import CodeLists
from mesocare.population.engine import N_BANDS, count_columns
from mesocare.population.rules import HealthParams


def _matches(ev: pd.DataFrame, entries: pd.DataFrame) -> np.ndarray:
    """Rows whose (system, code) is in the list: exact codes, or code prefixes of a length."""
    hit = np.zeros(len(ev), dtype=bool)
    for (system, match), grp in entries.groupby(["system", "match"]):
        same = (ev["system"] == system).to_numpy(dtype=bool)
        if match == "exact":
            hit |= same & ev["code"].isin(set(grp["code"])).to_numpy(dtype=bool)
            continue
        for n, cs in grp.groupby(grp["code"].str.len())["code"]:
            hit |= same & ev["code"].str[:n].isin(set(cs)).to_numpy(dtype=bool)
    return hit


def person_features(
    t: dict[str, pd.DataFrame], codelists: CodeLists, params: HealthParams
) -> pd.DataFrame:
    ref = pd.Timestamp(params.reference_date)
    start = pd.Timestamp(params.window_start())
    p = t["persons"]
    p = p[(p["birth_date"] <= ref) & (p["death_date"].isna() | (p["death_date"] > ref))]
    bd = p["birth_date"]
    not_yet = (bd.dt.month * 100 + bd.dt.day) > ref.month * 100 + ref.day
    f = p[["person_id", "area_code", "practice_id", "sex", "bim"]].copy()
    f["age"] = (ref.year - bd.dt.year - not_yet.astype(int)).astype("int32")
    f["age_band_idx"] = np.minimum(f["age"] // 5, N_BANDS - 1).astype("int32")

    d = t["diagnoses"]
    d = d[(d["start_date"] <= ref) & (d["end_date"].isna() | (d["end_date"] >= ref))]
    conditions = codelists.conditions()
    for c in conditions:
        ids = d.loc[_matches(d, codelists.entries(c)), "person_id"].unique()
        f[f"has_{c}"] = f["person_id"].isin(ids).astype("int32")

    rx = t["prescriptions"]
    rx = rx[(rx["date"] > start) & (rx["date"] <= ref)]
    n_drugs = rx.groupby("person_id")["code"].nunique()
    f["n_drugs"] = f["person_id"].map(n_drugs).fillna(0).astype("int32")

    contacts = t["contacts"]
    contacts = contacts[(contacts["date"] > start) & (contacts["date"] <= ref)]
    for col, kind in (("n_hospital_stays", "hospital_stay"), ("n_emergency_visits", "emergency")):
        n = contacts[contacts["kind"] == kind].groupby("person_id").size()
        f[col] = f["person_id"].map(n).fillna(0).astype("int32")

    f["n_conditions"] = f[[f"has_{c}" for c in conditions]].sum(axis=1).astype("int32")
    f["polypharmacy"] = (f["n_drugs"] >= params.polypharmacy_min_drugs).astype("int32")
    stratum = np.ones(len(f), dtype="int32")
    for rule in params.strata:  # highest first; keep the first (highest) match
        ok = np.ones(len(f), dtype=bool)
        if rule.min_conditions is not None:
            ok &= (f["n_conditions"] >= rule.min_conditions).to_numpy()
        if rule.min_hospital_stays is not None:
            ok &= (f["n_hospital_stays"] >= rule.min_hospital_stays).to_numpy()
        if rule.min_emergency_visits is not None:
            ok &= (f["n_emergency_visits"] >= rule.min_emergency_visits).to_numpy()
        if rule.polypharmacy is not None:
            ok &= (f["polypharmacy"] == int(rule.polypharmacy)).to_numpy()
        if rule.min_age is not None:
            ok &= (f["age"] >= rule.min_age).to_numpy()
        stratum = np.where(ok & (stratum < rule.stratum), rule.stratum, stratum)
    f["stratum"] = np.where(f["n_conditions"] >= 1, stratum, 0).astype("int32")

    for g in params.care_gaps:
        table = t[codelists.kind_of(g.needs) + "s"]
        w0 = pd.Timestamp(params.window_start(g.window_months))
        ev = table[(table["date"] > w0) & (table["date"] <= ref)]
        done = ev.loc[_matches(ev, codelists.entries(g.needs)), "person_id"].unique()
        elig = np.ones(len(f), dtype=bool)
        if g.condition is not None:
            elig &= (f[f"has_{g.condition}"] == 1).to_numpy()
        if g.min_age is not None:
            elig &= (f["age"] >= g.min_age).to_numpy()
        f[f"eligible_{g.id}"] = elig.astype("int32")
        f[f"gap_{g.id}"] = (elig & ~f["person_id"].isin(done).to_numpy()).astype("int32")
    return f.reset_index(drop=True)


def stratified_counts(
    features: pd.DataFrame,
    codelists: CodeLists,
    params: HealthParams,
    by: str = "area_code",
    *,
    by_sex: bool = True,
) -> pd.DataFrame:
    f = features.assign(
        chronic=(features["n_conditions"] >= 1).astype("int64"),
        multimorbid=(features["n_conditions"] >= 2).astype("int64"),
        stratum_1=(features["stratum"] == 1).astype("int64"),
        stratum_2=(features["stratum"] == 2).astype("int64"),
        stratum_3=(features["stratum"] == 3).astype("int64"),
        persons=1,
    )
    if by == "practice_id":
        f = f[f["practice_id"].notna()]
    cols = ["persons", *count_columns(codelists, params)]
    keys = [by, "sex", "age_band_idx"] if by_sex else [by, "age_band_idx"]
    return f.groupby(keys, as_index=False, observed=True)[cols].sum()


def unit_counts(features: pd.DataFrame, codelists: CodeLists, params: HealthParams) -> pd.DataFrame:
    """Counts per area and per practice × age band (the engine's :func:`unit_counts`)."""
    parts = []
    for level, by in (("area", "area_code"), ("practice", "practice_id")):
        c = stratified_counts(features, codelists, params, by, by_sex=False)
        parts.append(c.rename(columns={by: "unit_code"}).assign(level=level))
    return pd.concat(parts, ignore_index=True)
