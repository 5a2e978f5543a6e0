"""Person-level population health: tables, code lists, the engine (DuckDB or Spark), aggregates."""
