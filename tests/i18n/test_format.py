"""Locale-aware numbers and the choice of language."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, localcontext

import pytest
from babel.numbers import parse_decimal
from hypothesis import given
from hypothesis import strategies as st

from mesocare.errors import MesocareError
from mesocare.i18n import (
    _,
    fmt_decimal,
    fmt_int,
    fmt_number,
    fmt_percent,
    resolve_language,
    use_locale,
)


def _plain(text: str) -> str:
    """Spaces of any width (CLDR uses no-break and narrow no-break ones) as plain spaces."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_dutch_french_english_numbers():
    with use_locale("nl"):
        assert fmt_int(102275) == "102.275"
        assert _plain(fmt_percent(16.5)) == "16,5 %"
        assert fmt_decimal(1234.5) == "1.234,5"
    with use_locale("fr"):
        assert _plain(fmt_int(102275)) == "102 275"
        assert _plain(fmt_percent(16.5)) == "16,5 %"
    with use_locale("en"):
        assert fmt_int(102275) == "102,275"
        assert fmt_percent(16.5) == "16.5%"


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_fmt_number_is_never_scientific(lang):
    with use_locale(lang):
        assert "e" not in fmt_number(2170.3).lower()
        assert _plain(fmt_number(2170.3)) in ("2.170", "2 170", "2,170")
        assert fmt_number(0.000123).endswith("123")


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_fmt_number_round_trips_in_dutch(v):
    with use_locale("nl"):
        text = fmt_number(v)
    assert "e" not in text.lower()
    digits = len(text.split(",")[1]) if "," in text else 0
    shown = parse_decimal(text, locale="nl_BE")
    # decimals: the number as Python shows it (its shortest repr: 2.675, 5e-324), rounded
    # half-even, not its exact binary expansion (2.67499…, 4.94e-324); whole numbers (1,000 and
    # more) are the float's exact integer value, every digit of it
    source = Decimal(repr(v)) if digits else Decimal(v)
    with localcontext(prec=800):  # floats reach 1e308 and 5e-324
        expected = source.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN)
    assert shown == expected


@pytest.fixture
def clean_env(monkeypatch):
    for var in ("MESOCARE_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)
    return monkeypatch


def test_resolve_language_order(clean_env):
    assert resolve_language() == "en"
    clean_env.setenv("LANG", "fr_BE.UTF-8")
    assert resolve_language() == "fr"
    clean_env.setenv("MESOCARE_LANG", "nl")
    assert resolve_language() == "nl"
    assert resolve_language(territory_default="fr") == "fr"
    assert resolve_language("en", territory_default="fr") == "en"
    assert resolve_language("nl-BE") == "nl"
    clean_env.setenv("LANG", "C.UTF-8")
    clean_env.delenv("MESOCARE_LANG")
    assert resolve_language() == "en"


def test_unknown_language_is_named(clean_env):
    with pytest.raises(MesocareError, match="'de'"):
        resolve_language("de")
    with pytest.raises(MesocareError, match="'xx'"):
        resolve_language(None, territory_default="xx")


def test_translation_follows_the_block():
    with use_locale("fr"):
        assert _("Summary") == "Synthèse"
        with use_locale("nl"):
            assert _("Summary") == "Samenvatting"
        assert _("Summary") == "Synthèse"
    assert _("Summary") == "Summary"
