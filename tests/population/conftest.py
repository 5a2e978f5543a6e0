"""Fixtures of the population-health tests: one parametrised engine fixture (DuckDB and Spark).

Spark starts once per test session (local[1], 2 shuffle partitions) and is skipped cleanly when
pyspark or Java is missing. Every spec test that takes ``engine`` runs on both.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from mesocare.population import engine as E
from mesocare.population.codelists import load_codelists

sys.path.insert(0, str(Path(__file__).parent))  # the helper modules beside this file


@pytest.fixture(scope="session")
def spark_session():
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("Java is not installed")
    from pyspark.sql import SparkSession

    s = (
        SparkSession.builder.master("local[1]")
        .appName("mesocare-tests")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


@pytest.fixture(scope="session", params=["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def engine(request):
    """(name, Ibis connection): the one fixture through which every spec test runs."""
    if request.param == "duckdb":
        return "duckdb", E.connect("duckdb", threads=1)
    return "spark", E.connect("spark", spark=request.getfixturevalue("spark_session"))


@pytest.fixture(scope="session")
def codelists():
    return load_codelists()
