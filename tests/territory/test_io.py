"""Save/load round trip, validation messages, and nothing half-written."""

from __future__ import annotations

import pandas as pd
import pytest

from mesocare.errors import MesocareError, ValidationError, WriteError
from mesocare.territory import Territory, load_territory, save_territory


def _frames(t: Territory) -> dict[str, pd.DataFrame]:
    return dict(
        units=t.units,
        population=t.population,
        area_attributes=t.area_attributes,
        providers=t.providers,
    )


def test_round_trip_is_lossless(leuven, tmp_path):
    t = leuven.with_tables(extra=pd.DataFrame({"a": [1, 2]}))
    save_territory(t, tmp_path / "t")
    u = load_territory(tmp_path / "t")
    assert u.manifest == t.manifest
    for name, df in _frames(t).items():
        pd.testing.assert_frame_equal(df, getattr(u, name), check_exact=True, obj=name)
    pd.testing.assert_frame_equal(
        pd.DataFrame(t.areas.drop(columns="geometry")),
        pd.DataFrame(u.areas.drop(columns="geometry")),
    )
    assert t.areas.geometry.geom_equals_exact(u.areas.geometry, 0).all()
    assert u.areas.crs == t.areas.crs
    pd.testing.assert_frame_equal(u.tables["extra"], t.tables["extra"])


def test_failed_save_keeps_the_previous_version(leuven, tmp_path, monkeypatch):
    save_territory(leuven, tmp_path / "t")
    before = sorted(p.name for p in (tmp_path / "t").iterdir())

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", boom)
    with pytest.raises(WriteError, match="cannot write"):
        save_territory(leuven, tmp_path / "t")
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == before
    assert [p.name for p in tmp_path.iterdir()] == ["t"]  # no temporary folder left behind
    monkeypatch.undo()
    assert load_territory(tmp_path / "t").manifest == leuven.manifest


def test_refuses_to_replace_a_folder_that_is_not_a_territory(leuven, tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "thesis.txt").write_text("precious")
    with pytest.raises(MesocareError, match="not a territory"):
        save_territory(leuven, tmp_path / "docs")
    assert (tmp_path / "docs" / "thesis.txt").read_text() == "precious"


@pytest.fixture()
def saved(leuven, tmp_path):
    return save_territory(leuven, tmp_path / "t")


def test_missing_folder_or_manifest(tmp_path):
    with pytest.raises(ValidationError, match="territory.toml"):
        load_territory(tmp_path / "nowhere")


def test_malformed_manifest_names_file_and_key(saved):
    (saved / "territory.toml").write_text('name = "x"\nreference_year = "soon"\n')
    with pytest.raises(ValidationError) as e:
        load_territory(saved)
    assert "territory.toml" in str(e.value) and "reference_year" in str(e.value)
    (saved / "territory.toml").write_text("name = [unclosed\n")
    with pytest.raises(ValidationError, match="malformed TOML"):
        load_territory(saved)


def test_missing_column_is_named(saved):
    df = pd.read_parquet(saved / "population.parquet").drop(columns="count")
    df.to_parquet(saved / "population.parquet")
    with pytest.raises(ValidationError) as e:
        load_territory(saved)
    assert "population.parquet" in str(e.value) and "count" in str(e.value)


def test_wrong_type_and_row_are_named(saved):
    df = pd.read_parquet(saved / "providers.parquet")
    df["fte"] = df["fte"].astype(str)
    df.loc[3, "fte"] = "full time"
    df.to_parquet(saved / "providers.parquet")
    with pytest.raises(ValidationError) as e:
        load_territory(saved)
    msg = str(e.value)
    assert "providers.parquet" in msg and "'fte'" in msg and "row 4" in msg and "full time" in msg


def test_unknown_code_is_named(saved):
    df = pd.read_parquet(saved / "population.parquet")
    df.loc[10, "area_code"] = "XX999"
    df.to_parquet(saved / "population.parquet")
    with pytest.raises(ValidationError, match="XX999"):
        load_territory(saved)


def test_unknown_age_band_and_negative_count(saved):
    df = pd.read_parquet(saved / "population.parquet")
    df.loc[0, "age_band"] = "100-104"
    df.to_parquet(saved / "population.parquet")
    with pytest.raises(ValidationError, match="age_band"):
        load_territory(saved)
    df.loc[0, "age_band"] = "0-4"
    df.loc[5, "count"] = -3
    df.to_parquet(saved / "population.parquet")
    with pytest.raises(ValidationError, match="too small"):
        load_territory(saved)


def test_corrupt_file_is_named(saved):
    (saved / "areas.gpkg").write_bytes(b"this is not a geopackage")
    with pytest.raises(ValidationError, match="areas.gpkg"):
        load_territory(saved)


def test_unprojected_crs_is_refused(leuven):
    with pytest.raises(ValidationError, match="projected"):
        Territory.build(leuven.manifest, leuven.areas.to_crs(4326), **_frames(leuven))


def test_attribute_without_definition_is_refused(leuven):
    f = _frames(leuven)
    f["area_attributes"] = f["area_attributes"].assign(mystery=1.0)
    with pytest.raises(ValidationError, match="mystery"):
        Territory.build(leuven.manifest, leuven.areas, **f)
