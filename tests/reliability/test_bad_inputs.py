"""Bad input never crashes: a broad set of wrong invocations, undecodable files and empty files,
each answered by one message on stderr, a non-zero exit and no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from mesocare.atomic import read_text
from mesocare.errors import ValidationError

#: bytes that are not UTF-8 (a Latin-1 export, say)
LATIN1 = "area_code,zone_code\nB1,Zürich\n".encode("latin-1") + b"\xff\xfe\n"


@pytest.fixture
def bad_files(tmp_path) -> dict[str, Path]:
    """Undecodable files of each kind a user hands in, and an empty Synthea export."""
    folder = tmp_path / "bad"
    folder.mkdir()
    files = {}
    for name in ("rules.toml", "params.toml", "mergers.tsv", "missions.csv", "zoning.csv",
                 "mapping.csv", "calibration.toml", "matrix.csv"):  # fmt: skip
        files[name] = folder / name
        files[name].write_bytes(LATIN1)
    (folder / "fhir").mkdir()
    files["fhir"] = folder / "fhir" / "bundle.json"
    files["fhir"].write_bytes(b'{"resourceType": "Bundle", "id": "\xe9t\xe9"}')
    for name in ("synthea-latin1", "synthea-empty"):
        (folder / name).mkdir()
        files[name] = folder / name
    (folder / "synthea-latin1" / "patients.csv").write_bytes(b"Id,BIRTHDATE,GENDER\n\xff,1,M\n")
    (folder / "synthea-empty" / "patients.csv").write_bytes(b"")
    return files


def test_read_text_names_the_file_of_a_wrong_encoding(tmp_path):
    p = tmp_path / "x.toml"
    p.write_bytes(LATIN1)
    with pytest.raises(ValidationError, match=r"x\.toml: not a UTF-8 text file \(byte"):
        read_text(p)
    with pytest.raises(ValidationError, match="missing file"):
        read_text(tmp_path / "absent.toml")
    with pytest.raises(ValidationError, match="cannot read"):
        read_text(tmp_path)  # a folder


UNDECODABLE = [
    (["health", "run", "{T}", "{P}", "--params", "{rules.toml}"], "rules.toml"),
    (["fund", "params", "zorgraad", "--check", "{params.toml}"], "params.toml"),
    (["fund", "income", "-t", "{T}", "--zone", "Z01", "--params", "{params.toml}"],
     "params.toml"),
    (["fund", "cpts", "--population", "100000", "--missions", "{missions.csv}"], "missions.csv"),
    (["zone", "redraw-mergers", "{T}", "--mergers", "{mergers.tsv}"], "mergers.tsv"),
    (["zone", "evaluate", "{T}", "--zoning", "{zoning.csv}"], "zoning.csv"),
    (["access", "compute", "{T}", "--out", "{tmp}/a.csv", "--matrix", "{matrix.csv}"],
     "matrix.csv"),
    (["health", "import-fhir", "{fhir}", "{T}", "--out", "{tmp}/p"], "bundle.json"),
    (["health", "import-synthea", "{synthea-latin1}", "{T}", "--out", "{tmp}/p"], "patients.csv"),
    (["health", "import-synthea", "{synthea-empty}", "{T}", "--out", "{tmp}/p"], "patients.csv"),
    (["health", "import-synthea", "{synthea-empty}", "{T}", "--out", "{tmp}/p", "--mapping",
      "{mapping.csv}"], "mapping.csv"),
]  # fmt: skip


@pytest.mark.parametrize(("argv", "named"), UNDECODABLE, ids=lambda v: str(v)[:40])
def test_undecodable_and_empty_files(
    cli, tmp_path, territory_dir, persons_dir, bad_files, argv, named
):
    names = {k: str(v) for k, v in bad_files.items()}
    args = [_fill(a, territory_dir, persons_dir, tmp_path, names) for a in argv]
    run = cli(*args)
    assert run.failed_cleanly() and run.code == 2, (run.code, run.err[-1500:])
    assert named in run.err


def _fill(arg: str, territory_dir, persons_dir, tmp, names: dict[str, str]) -> str:
    values = {"T": str(territory_dir), "P": str(persons_dir), "tmp": str(tmp), **names}
    for key, value in values.items():
        arg = arg.replace("{" + key + "}", value)
    return arg


#: wrong invocations of every kind: options out of their domain, non-finite numbers, missing or
#: wrong inputs, unknown codes
BAD = [
    ["health", "import-synthea", "{tmp}", "{T}", "--out", "{tmp}/p", "--map-by", "bogus"],
    ["health", "import-fhir", "{tmp}", "{T}", "--out", "{tmp}/p", "--seed", "-1"],
    ["access", "compute", "{T}", "--out", "{tmp}/a.csv", "--method", "bogus"],
    ["access", "compute", "{T}", "--out", "{tmp}/a.csv", "--speed-kmh", "nan"],
    ["access", "compute", "{T}", "--out", "{tmp}/a.csv", "--max-minutes", "inf"],
    ["access", "compute", "{T}", "--out", "{tmp}/a.csv", "--detour-factor", "0.5"],
    ["access", "compute", "{T}", "--out", "{tmp}/a.txt"],
    ["access", "site", "{T}", "--fte", "-2", "--out", "{tmp}/s.csv"],
    ["access", "site", "{T}", "--fte", "1", "--out", "{tmp}/s.csv", "--solver", "magic"],
    ["health", "synth", "{T}", "--out", "{tmp}/p", "--seed", "-1"],
    ["health", "synth", "{T}", "--out", "{tmp}/p", "--reference-date", "2020-13-01"],
    ["health", "run", "{T}", "{P}", "--threads", "-1"],
    ["health", "run", "{T}", "{P}", "--threads", "0"],
    ["health", "run", "{T}", "{P}", "--engine", "oracle"],
    ["health", "run", "{T}", "{P}", "--min-count", "-3"],
    ["health", "run", "{T}", "{T}"],
    ["diagnose-all", "{T}", "--out", "{tmp}/r", "--workers", "0"],
    ["diagnose-all", "{T}", "--out", "{tmp}/r", "--format", "docx"],
    ["diagnose", "{T}", "--out", "{tmp}/r.docx"],
    ["diagnose", "{T}", "--out", "{tmp}/r.html", "--zone", "Z99"],
    ["diagnose", "{tmp}/nowhere", "--out", "{tmp}/r.html"],
    ["diagnose", "{T}/territory.toml", "--out", "{tmp}/r.html"],
    ["generate", "--out", "{tmp}/g", "--preset", "atlantis"],
    ["generate", "--out", "{tmp}/g", "--seed", "-5"],
    ["zone", "draw", "{T}", "--min", "-1"],
    ["zone", "draw", "{T}", "--count", "0"],
    ["zone", "draw", "{T}", "--seed", "-1"],
    ["zone", "networks", "{T}", "--zone", "Z01", "--tolerance", "3"],
    ["zone", "evaluate", "{T}", "--level", "street"],
    ["zone", "evaluate", "{T}", "--zoning", "{tmp}/absent.csv"],
    ["fund", "allocate", "-t", "{T}", "--zone", "Z01", "--budget", "inf"],
    ["fund", "allocate", "-t", "{T}", "--zone", "Z01", "--budget", "-1"],
    ["fund", "income", "-t", "{T}", "--zone", "Z01", "--by", "street"],
    ["fund", "lists", "-t", "{T}", "--seed", "-1"],
    ["fund", "cpts", "--population", "-10"],
    ["fund", "cpts", "--population", "100000", "--achievement", "1.5"],
    ["fund", "params", "nonsense"],
    ["--lang", "de", "fund", "cpts"],
    ["access", "compute"],
    ["access", "compute", "{T}", "--nope"],
]


@pytest.mark.parametrize("argv", BAD, ids=lambda a: " ".join(a)[:60])
def test_bad_invocations_end_in_one_clear_message(cli, tmp_path, territory_dir, persons_dir, argv):
    run = cli(*[_fill(a, territory_dir, persons_dir, tmp_path, {}) for a in argv])
    assert run.failed_cleanly(), (run.code, run.out[-800:], run.err[-1500:])
    assert run.code == 2
    assert not (tmp_path / "p").exists() and not (tmp_path / "g").exists()
