"""Helpers of the population-health tests (imported by the test modules)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mesocare.population import engine as E
from mesocare.population.tables import save_person_tables, table_paths
from mesocare.territory.person_tables import PersonTables


def run_engine(engine, tables: PersonTables, folder: Path, codelists, params, by="area_code"):
    """Save ``tables`` as Parquet, run the engine; return (features, counts) sorted, as pandas."""
    _, con = engine
    save_person_tables(tables, folder)
    t = E.read_tables(con, table_paths(folder))
    feats = E.person_features(t, codelists, params)
    counts = E.stratified_counts(feats, codelists, params, by=by)
    f = feats.to_pandas().sort_values("person_id", ignore_index=True)
    c = counts.to_pandas().sort_values([by, "sex", "age_band_idx"], ignore_index=True)
    return f, c


def ints(df: pd.DataFrame) -> pd.DataFrame:
    """Normalise dtypes so results from both engines compare exactly."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_integer_dtype(out[col].dtype) or pd.api.types.is_bool_dtype(
            out[col].dtype
        ):
            out[col] = out[col].astype("int64")
        elif not pd.api.types.is_float_dtype(out[col].dtype):
            out[col] = out[col].astype("string")
    return out
