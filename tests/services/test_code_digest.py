"""A cached diagnosis is reused only by the same code AND the same packaged rules."""

from __future__ import annotations

from mesocare.services.platform.territories import tree_digest


def test_a_changed_parameter_file_changes_the_digest(tmp_path):
    (tmp_path / "engine.py").write_text("x = 1\n", "utf-8")
    params = tmp_path / "params" / "apl_drees_2023.toml"
    params.parent.mkdir()
    params.write_text("threshold = 2.5\n", "utf-8")
    (tmp_path / "notes.txt").write_text("not a rule", "utf-8")
    before = tree_digest(tmp_path)
    (tmp_path / "notes.txt").write_text("still not a rule", "utf-8")
    assert tree_digest(tmp_path) == before
    params.write_text("threshold = 3.0\n", "utf-8")
    changed = tree_digest(tmp_path)
    assert changed != before
    (tmp_path / "params" / "missions.csv").write_text("a,b\n", "utf-8")
    assert tree_digest(tmp_path) != changed
