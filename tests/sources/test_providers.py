"""``mesocare providers import``: provider lists placed in their areas, with the packaged presets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyproj
import pytest
from tests.sources.helpers import grid, run_main, write_inputs

from mesocare.errors import ParameterError
from mesocare.services.providers import import_providers
from mesocare.sources.files import import_files
from mesocare.sources.providers import PRESETS, load_mapping
from mesocare.territory import load_territory, save_territory

#: INSEE-like five-digit codes for the 12 cells, so that the French presets can place by code
INSEE = [f"{75101 + k}" for k in range(12)]


@pytest.fixture
def territory(tmp_path) -> Path:
    g = grid().assign(area_code=INSEE)
    g.to_file(tmp_path / "areas.gpkg", driver="GPKG", engine="pyogrio")
    pd.DataFrame({"area_code": INSEE, "population": 1000}).to_csv(tmp_path / "p.csv", index=False)
    t = import_files(tmp_path / "areas.gpkg", tmp_path / "p.csv", year=2024, crs="EPSG:3067")
    return save_territory(t.territory, tmp_path / "t")


def test_every_preset_parses():
    for preset in PRESETS:
        m = load_mapping(preset=preset)
        assert m is not None and m.disciplines


def test_rpps_extract_by_commune_code(territory, tmp_path):
    """Pipe-separated RPPS columns; a GP by savoir-faire, a specialist skipped, a nurse kept."""
    rows = [
        ["810001", "Dupont", "Anne", "Médecin", "Qualifié en Médecine Générale", "MSP", "75101"],
        ["810002", "Martin", "Paul", "Médecin", "Cardiologie", "", "75102"],
        ["810003", "Durand", "Léa", "Infirmier", "", "Cabinet", "75112"],
    ]
    header = [
        "Identification nationale PP",
        "Nom d'exercice",
        "Prénom d'exercice",
        "Libellé profession",
        "Libellé savoir-faire",
        "Raison sociale site",
        "Code commune (coord. structure)",
    ]
    path = tmp_path / "rpps.txt"
    path.write_text("\n".join("|".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    done = import_providers(territory, path, preset="rpps")
    assert (done.added, done.skipped) == (2, 1)
    p = load_territory(territory).providers.set_index("provider_id")
    assert p.loc["810001", "discipline"] == "gp" and p.loc["810001", "name"] == "Anne Dupont"
    assert p.loc["810003", "discipline"] == "home_nurse" and p.loc["810003", "area_code"] == "75112"
    assert p.loc["810001", "practice_id"] == "MSP"
    # placed by code: at a point inside its area
    t = load_territory(territory)
    area = t.areas.set_index("area_code").geometry["75101"]
    from shapely.geometry import Point

    assert area.contains(Point(p.loc["810001", "x"], p.loc["810001", "y"]))
    assert any(s.name == "Care providers: rpps.txt" for s in t.manifest.sources)


def test_finess_extract_by_lambert93_coordinates(territory, tmp_path):
    """FINESS coordinates in Lambert-93 are reprojected and placed in the area they fall in."""
    t = load_territory(territory)
    centre = t.areas.set_index("area_code").geometry["75106"].centroid
    to93 = pyproj.Transformer.from_crs(t.areas.crs, "EPSG:2154", always_xy=True)
    x, y = to93.transform(centre.x, centre.y)
    frame = pd.DataFrame(
        {
            "nofinesset": ["750000001", "750000002"],
            "rs": ["Pharmacie du Centre", "Maison de santé"],
            "libcategetab": ["Pharmacie d'Officine", "Maison de santé (L.6223-3)"],
            "coordxet": [f"{x:.1f}", f"{x:.1f}"],
            "coordyet": [f"{y:.1f}", f"{y:.1f}"],
        }
    )
    frame.to_csv(tmp_path / "finess.csv", sep=";", index=False)
    done = import_providers(territory, tmp_path / "finess.csv", preset="finess")
    p = done.territory.providers
    assert p["area_code"].tolist() == ["75106", "75106"]
    assert p["discipline"].tolist() == ["pharmacist", "other"]
    assert np.allclose(p["x"], centre.x, atol=1) and np.allclose(p["y"], centre.y, atol=1)


def test_own_mapping_file_and_append(territory, tmp_path):
    (tmp_path / "map.toml").write_text(
        'delimiter = ","\n[columns]\nname = "Naam"\ndiscipline = "Beroep"\narea_code = "Gemeente"\n'
        'fte = "VTE"\n[disciplines]\nHuisarts = "gp"\n',
        encoding="utf-8",
    )
    pd.DataFrame(
        {"Naam": ["Dr X"], "Beroep": ["HUISARTS"], "Gemeente": [75103], "VTE": ["0,8"]}
    ).to_csv(tmp_path / "list.csv", index=False)
    done = import_providers(territory, tmp_path / "list.csv", mapping_file=tmp_path / "map.toml")
    assert done.territory.providers[["discipline", "area_code", "fte"]].values.tolist() == [
        ["gp", "75103", 0.8]
    ]
    pd.DataFrame({"name": ["Ph Y"], "discipline": ["pharmacist"], "area_code": ["75104"]}).assign(
        provider_id="ph1"
    ).to_csv(tmp_path / "more.csv", index=False)
    again = import_providers(territory, tmp_path / "more.csv", append=True)
    assert sorted(again.by_discipline.items()) == [("gp", 1), ("pharmacist", 1)]


def test_riziv_list_as_xlsx_with_numeric_codes(territory, tmp_path):
    """Excel turns NIS-like codes into numbers; names are joined; other professions skipped."""
    pd.DataFrame(
        {
            "RIZIV-nummer": ["1-12345-67-001", "1-12345-67-002", "4-000-01"],
            "Voornaam": ["Jan", "Els", "Piet"],
            "Naam": ["Peeters", "Janssens", "Claes"],
            "Beroep": ["Huisarts", "Apotheker", "Audioloog"],
            "NIS-code": [75101, 75107, 75107],
        }
    ).to_excel(tmp_path / "riziv.xlsx", index=False)
    done = import_providers(territory, tmp_path / "riziv.xlsx", preset="riziv")
    p = done.territory.providers
    assert (done.added, done.skipped) == (2, 1)
    assert p[["name", "discipline", "area_code"]].values.tolist() == [
        ["Jan Peeters", "gp", "75101"],
        ["Els Janssens", "pharmacist", "75107"],
    ]


def test_a_list_with_only_skipped_disciplines_is_refused(territory, tmp_path):
    from mesocare.errors import ValidationError

    before = load_territory(territory).providers
    pd.DataFrame(
        {"Voornaam": ["A"], "Naam": ["B"], "Beroep": ["Audioloog"], "NIS-code": ["75101"]}
    ).to_csv(tmp_path / "r.csv", sep=";", index=False)
    with pytest.raises(ValidationError, match="column 'Beroep'"):
        import_providers(territory, tmp_path / "r.csv", preset="riziv")
    assert load_territory(territory).providers.equals(before)


def test_mapping_and_preset_together_are_refused(territory, tmp_path):
    with pytest.raises(ParameterError, match="not both"):
        import_providers(
            territory, tmp_path / "x.csv", mapping_file=tmp_path / "m.toml", preset="rpps"
        )
    with pytest.raises(ParameterError, match="unknown preset"):
        import_providers(territory, tmp_path / "x.csv", preset="nope")


def test_cli_prints_what_it_wrote(tmp_path, monkeypatch, capsys):
    f = write_inputs(tmp_path / "in")
    t = import_files(f["areas"], f["population"], year=2024).territory
    save_territory(t, tmp_path / "t")
    code, text = run_main(
        monkeypatch, capsys, "providers", "import", str(tmp_path / "t"), str(f["providers"])
    )
    assert code == 0 and "3 providers written" in text and "gp: 3" in text
