import numpy as np
import pytest

from mesocare.errors import ValidationError
from mesocare.sources.be_mergers import code_map, read_mergers
from mesocare.zoning.mergers import apply_mergers


def test_merger_across_zones_goes_to_the_zone_of_most_people_and_is_flagged():
    codes = np.array(["1", "2", "3", "4"])
    zones = np.array(["Z1", "Z1", "Z2", "Z2"])
    pop = np.array([50.0, 50.0, 30.0, 80.0])
    mz = apply_mergers(codes, zones, pop, {"2": "9", "3": "9"}, min_population=60)
    m = mz.municipalities.set_index("new_code")
    assert m.loc["9", "zone"] == "Z1" and m.loc["9", "split"] and m.loc["9", "population"] == 80
    assert mz.new_code.tolist() == ["1", "9", "9", "4"]
    issues = set(zip(mz.flags["zone"], mz.flags["issue"], strict=True))
    assert ("Z1", "merger across zones") in issues
    assert ("Z2", "above maximum") not in issues and ("Z2", "below minimum") not in issues


def test_malformed_merger_line_is_named(tmp_path):
    f = tmp_path / "m.tsv"
    f.write_text("old,\tnew\nA (11001) + B (11002),\tC (11003)\nonly one (12000),\tX (12001)\n")
    with pytest.raises(ValidationError, match="row 3"):
        read_mergers(f)


def test_real_merger_table(shared_data):
    ms = read_mergers(shared_data / "be_mergers_2025" / "fusies-2025.tsv")
    m = code_map(ms)
    assert m["11007"] == "11002" and m["46014"] == "46029" and m["44045"] == "46029"
    assert sum(len(x.old_codes) for x in ms) - len(ms) == 16  # 581 -> 565
