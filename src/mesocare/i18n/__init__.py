"""Words and numbers for people, in Dutch, French or English.

One gettext domain (``mesocare``) shared by the CLI, the reports and the web app. English is the
source language: a message id is the English text. Catalogs live in ``i18n/locale/<lang>/
LC_MESSAGES/mesocare.po``; the compiled ``.mo`` files are made when the package is built, and a
catalog whose ``.mo`` is missing or older than its ``.po`` is compiled in memory on first use.

The language is a context variable: ``with use_locale("nl"): ...`` makes every ``_()`` and every
``fmt_*`` below speak Dutch in that block (and in the threads and tasks started from it).
Numbers follow the CLDR conventions of the language as spoken in Belgium (``nl_BE``, ``fr_BE``) or
``en_GB``: ``102.275`` and ``16,5 %`` in Dutch, ``102 275`` and ``16,5 %`` in French.
"""

from __future__ import annotations

import decimal
import gettext as _gettext
import io
import math
import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel import dates as _dates
from babel import numbers as _numbers

from mesocare.errors import MesocareError

DOMAIN = "mesocare"
LANGUAGES: tuple[str, ...] = ("nl", "fr", "en")
DEFAULT_LANGUAGE = "en"
#: The CLDR locale used for numbers and dates of each language.
LOCALES: dict[str, str] = {"nl": "nl_BE", "fr": "fr_BE", "en": "en_GB"}
LOCALE_DIR = Path(__file__).parent / "locale"
#: shown where a value is missing or suppressed
MISSING = "–"

_SLACK_S = 2.0

_current: ContextVar[str] = ContextVar("mesocare_language", default=DEFAULT_LANGUAGE)


def check_language(lang: str) -> str:
    """``lang`` normalised to one of :data:`LANGUAGES` (``nl_BE`` → ``nl``), or a clear error."""
    code = lang.strip().replace("-", "_").split("_")[0].split(".")[0].lower()
    if code not in LANGUAGES:
        raise MesocareError(f"unknown language '{lang}'; expected one of {', '.join(LANGUAGES)}")
    return code


def language_from_environment() -> str | None:
    """The first supported language of ``MESOCARE_LANG``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``."""
    for var in ("MESOCARE_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        for part in os.environ.get(var, "").split(":"):
            code = part.replace("-", "_").split("_")[0].split(".")[0].lower()
            if code in LANGUAGES:
                return code
    return None


def resolve_language(explicit: str | None = None, territory_default: str | None = None) -> str:
    """The language to use: the one asked for, else the territory's, else the environment's."""
    if explicit:
        return check_language(explicit)
    if territory_default:
        return check_language(territory_default)
    return language_from_environment() or DEFAULT_LANGUAGE


def current_language() -> str:
    return _current.get()


def current_locale() -> str:
    return LOCALES[_current.get()]


def set_language(lang: str) -> None:
    """Set the language of the current context (the CLI does this once per command)."""
    _current.set(check_language(lang))


@contextmanager
def use_locale(lang: str) -> Iterator[str]:
    """Speak ``lang`` inside the block."""
    token = _current.set(check_language(lang))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> _gettext.NullTranslations:
    """The catalog of ``lang`` (compiled ``.mo`` when current, else compiled from the ``.po``)."""
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    # an installed wheel has both files with its install time, the .po often a moment later: a
    # .mo counts as current unless its .po was changed more than a couple of seconds after it
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime - _SLACK_S):
        with mo.open("rb") as fh:
            return _gettext.GNUTranslations(fh)
    if po.exists():
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with po.open("rb") as fh:
            catalog = read_po(fh, locale=lang, domain=DOMAIN)
        buf = io.BytesIO()
        write_mo(buf, catalog)
        buf.seek(0)
        return _gettext.GNUTranslations(buf)
    return _gettext.NullTranslations()


def _(message: str) -> str:
    """``message`` (English) in the current language."""
    if not message:
        return message
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form of a message for ``n``, in the current language."""
    return translations(_current.get()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for translation without translating it now (translate it with ``_``)."""
    return message


def _finite(v: object) -> float | None:
    if v is None:
        return None
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _precision(digits: int) -> AbstractContextManager[decimal.Context]:
    """A decimal context precise enough for ``digits`` digits (Babel rounds in the current one)."""
    return decimal.localcontext(prec=max(decimal.getcontext().prec, digits + 2))


def fmt_int(v: object) -> str:
    """A whole number with the locale's grouping: ``102.275`` (nl), ``102,275`` (en)."""
    f = _finite(v)
    if f is None:
        return MISSING
    whole = round(f)
    with _precision(len(str(abs(whole)))):
        return _numbers.format_decimal(whole, format="#,##0", locale=current_locale())


def fmt_decimal(v: object, digits: int = 1) -> str:
    """A number with ``digits`` decimals and grouping: ``1.234,5`` (nl)."""
    f = _finite(v)
    if f is None:
        return MISSING
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    with _precision(max(0, math.floor(math.log10(abs(f)))) + 1 + max(digits, 0) if f else 1):
        return _numbers.format_decimal(f, format=pattern, locale=current_locale())


def fmt_number(v: object, significant: int = 3) -> str:
    """A number rounded to ``significant`` figures but never in scientific notation.

    Values of 1,000 and more are shown whole (``2.170``, not ``2.17e+03``).
    """
    f = _finite(v)
    if f is None:
        return MISSING
    if f == 0:
        return fmt_int(0)
    magnitude = math.floor(math.log10(abs(f)))
    digits = max(0, significant - 1 - magnitude)
    return fmt_decimal(f, digits) if digits else fmt_int(f)


def fmt_percent(v: object, digits: int = 1, *, fraction: bool = False) -> str:
    """A percentage: ``16,5 %`` (nl, fr), ``16.5%`` (en).

    ``v`` is already in percent unless ``fraction`` is true (then 0.165 → 16,5 %).
    """
    f = _finite(v)
    if f is None:
        return MISSING
    value = f if fraction else f / 100
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "") + " %"
    text = _numbers.format_percent(value, format=pattern, locale=current_locale())
    return text.replace("\xa0%", "%").replace(" %", "%") if current_language() == "en" else text


def fmt_eur(v: object, digits: int = 0) -> str:
    """An amount in euros in the locale's pattern: ``€ 1.000.000`` (nl), ``1 000 000 €`` (fr)."""
    f = _finite(v)
    if f is None:
        return MISSING
    pattern = Locale.parse(current_locale()).currency_formats["standard"].pattern.split(";")[0]
    if digits == 0:
        pattern = pattern.replace(".00", "")
    return _numbers.format_currency(
        f, "EUR", format=pattern, locale=current_locale(), currency_digits=digits != 0
    )


def fmt_date(d: date | datetime | None, form: str = "long") -> str:
    """A date in the locale: ``1 januari 2020`` (nl, long), ``01/01/2020`` (fr, short)."""
    if d is None:
        return MISSING
    return _dates.format_date(d, format=form, locale=current_locale())


def fmt_datetime(d: datetime | None) -> str:
    if d is None:
        return MISSING
    return _dates.format_datetime(d, format="medium", locale=current_locale())


def language_name(lang: str) -> str:
    """The name of a language in that language (``Nederlands``, ``français``, ``English``)."""
    return Locale.parse(LOCALES[check_language(lang)]).get_language_name() or lang


__all__ = [
    "LANGUAGES",
    "MISSING",
    "N_",
    "_",
    "check_language",
    "current_language",
    "current_locale",
    "fmt_date",
    "fmt_datetime",
    "fmt_decimal",
    "fmt_eur",
    "fmt_int",
    "fmt_number",
    "fmt_percent",
    "language_name",
    "ngettext",
    "resolve_language",
    "set_language",
    "use_locale",
]
