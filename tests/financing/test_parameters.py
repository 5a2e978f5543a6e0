"""Payment rules as data: packaged sets load, wrong user files are rejected naming the key."""

from __future__ import annotations

import pytest

from mesocare.errors import ParameterError
from mesocare.financing import parameters as P


@pytest.mark.parametrize("kind", list(P.PACKAGED))
def test_packaged_sets_load(kind):
    params = P.load(kind)
    assert params.meta.version


def test_unconfirmed_figures_are_marked_and_confirmed_ones_not():
    params = P.load_practice_payment()
    unconf = P.unconfirmed_figures(params)
    assert "classic.home_visit_fee_eur" in unconf
    assert "new_deal.consultation_fee_eur" not in unconf  # about EUR 16, DOMAIN.md
    cells = {(c.age_from, c.bim): c.eur_per_patient_year for c in params.new_deal.capitation}
    assert cells[(25, False)].value == 66 and not cells[(25, False)].unconfirmed
    assert cells[(25, True)].value == 130 and cells[(75, True)].value == 202
    assert cells[(0, False)].unconfirmed


def _user_file(tmp_path, old, new):
    text = P.packaged_text("practice_payment_be_2024.toml").replace(old, new, 1)
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_unknown_key_is_named(tmp_path):
    path = _user_file(tmp_path, "[classic]\n", "[classic]\nconsultaton_fee = 3\n")
    with pytest.raises(
        ParameterError, match=r"mine.toml: key 'classic.consultaton_fee': unknown key"
    ):
        P.load_practice_payment(path)


def test_wrong_type_is_named(tmp_path):
    path = _user_file(tmp_path, "value = 16.0", 'value = "sixteen"')
    with pytest.raises(ParameterError, match=r"key 'new_deal.consultation_fee_eur.value'"):
        P.load_practice_payment(path)


def test_missing_key_is_named(tmp_path):
    path = _user_file(tmp_path, "valid_from = 2024-04-01\n", "")
    with pytest.raises(ParameterError, match=r"key 'meta.valid_from': missing key"):
        P.load_practice_payment(path)


def test_capitation_gap_is_rejected(tmp_path):
    path = _user_file(tmp_path, "age_from = 60", "age_from = 61")
    with pytest.raises(ParameterError, match="capitation cells"):
        P.load_practice_payment(path)


def test_unknown_need_criterion(tmp_path):
    text = (
        P.packaged_text("need_weights_default.toml")
        + '\n[weights.shoe_size]\nvalue = 1.0\nsource = "x"\ndate = 2024-01-01\n'
    )
    path = tmp_path / "w.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParameterError, match="unknown criterion 'shoe_size'"):
        P.load_need_weights(path)


def test_zorgraad_has_nine_criteria():
    z = P.load_zorgraad()
    assert len(z.weights) == 9
    assert z.grant.budget_eur_per_year.value == 9_000_000


def test_missing_file():
    with pytest.raises(ParameterError, match="not found"):
        P.load_cpts("/nonexistent/cpts.toml")
