"""Every message of the code has a translation in nl, fr and en, with the same placeholders.

The messages are extracted from the source tree exactly as ``python -m mesocare.i18n.catalogs``
does; a message added to the code without its translations fails here (run ``... update``, then
fill the empty ``msgstr`` in ``locale/nl`` and ``locale/fr``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from mesocare.i18n import LANGUAGES
from mesocare.i18n import catalogs as C


@pytest.fixture(scope="module")
def template() -> Catalog:
    return C.extract()


def test_extraction_finds_python_plural_and_marked_messages(template):
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id}
    assert "Summary" in ids  # _() in cli/zone.py
    assert "Reading taxable income" in ids  # N_() in sources/flanders.py
    plural = [m for m in template if isinstance(m.id, tuple)]
    assert plural and all(len(m.id) == 2 for m in plural)
    assert all(loc.startswith("mesocare/") for m in template for loc, _ in m.locations)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated(template, lang):
    problems = C.check(template, languages=[lang])
    assert not problems, (
        f"{len(problems)} message(s) of the code lack a {lang} translation or differ in "
        "placeholders; run `python -m mesocare.i18n.catalogs update` and translate:\n"
        + "\n".join(map(str, problems[:40]))
    )


def test_catalogs_are_up_to_date_and_stable(template):
    """``update`` would not change the committed .po files (sorted, no dates, no line numbers)."""
    for lang in LANGUAGES:
        path = C.po_path(lang)
        current = C.read_catalog(path, lang)
        rendered = C.render_po(C.merged(template, lang, current))
        assert rendered == path.read_bytes(), f"{path} is not what `update` writes"
        assert b"POT-Creation-Date" not in rendered and b"PO-Revision-Date" not in rendered


def test_no_message_hidden_in_an_f_string():
    """``f"{_('x')}"`` works at run time but Babel cannot extract it."""
    root = Path(C.PACKAGE_DIR)
    pattern = re.compile(r"""\bf(["']).*?\{(?:_|N_|ngettext)\(""")
    bad = [
        f"{p.relative_to(root)}:{i}"
        for p in root.rglob("*.py")
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line) and "_SHORT" not in line
    ]
    assert not bad, bad


# ----- the tool itself, on a small catalog ---------------------------------------------------------
def _template() -> Catalog:
    t = Catalog(domain="mesocare", fuzzy=False)
    for msg in ("Hello {name}", "[bold]{n}[/] rows", "Plain", "%(count)s files in %s"):
        t.add(msg, locations=[("mesocare/x.py", None)])
    t.add(("{n} zone", "{n} zones"), locations=[("mesocare/x.py", None)])
    return t


def test_update_adds_new_drops_obsolete_fills_english_and_is_idempotent(tmp_path):
    C.update(("nl", "en"), locale_dir=tmp_path, template=_template())
    nl = C.read_catalog(C.po_path("nl", tmp_path), "nl")
    assert {m.id if isinstance(m.id, str) else m.id[0] for m in nl if m.id} == {
        "Hello {name}", "[bold]{n}[/] rows", "Plain", "%(count)s files in %s", "{n} zone",
    }  # fmt: skip
    assert all(not m.string or m.string == ("", "") for m in nl if m.id)
    en = C.read_catalog(C.po_path("en", tmp_path), "en")
    assert en["Plain"].string == "Plain" and en["{n} zone"].string == ("{n} zone", "{n} zones")
    nl["Plain"].string = "Gewoon"
    C._write_atomic(C.po_path("nl", tmp_path), C.render_po(nl))
    smaller = _template()
    smaller.delete("Hello {name}")
    assert C.update(("nl", "en"), locale_dir=tmp_path, template=smaller)
    nl = C.read_catalog(C.po_path("nl", tmp_path), "nl")
    assert nl.get("Hello {name}") is None and nl["Plain"].string == "Gewoon"
    assert b"Hello" not in C.po_path("nl", tmp_path).read_bytes()  # no obsolete #~ entries
    assert C.update(("nl", "en"), locale_dir=tmp_path, template=smaller) == []


def test_check_names_each_kind_of_problem(tmp_path):
    template = _template()
    C.update(("fr",), locale_dir=tmp_path, template=template)
    fr = C.read_catalog(C.po_path("fr", tmp_path), "fr")
    fr["Hello {name}"].string = "Bonjour {nom}"  # placeholder renamed
    fr["[bold]{n}[/] rows"].string = "{n} lignes"  # markup lost
    fr["Plain"].string = "Simple"
    fr["Plain"].flags.add("fuzzy")
    fr["%(count)s files in %s"].string = "%(count)s fichiers"  # positional lost
    # the plural stays empty
    C._write_atomic(C.po_path("fr", tmp_path), C.render_po(fr))
    problems = {(p.msgid, p.what.split(" ")[0]) for p in C.check(template, ["fr"], tmp_path)}
    assert problems == {
        ("Hello {name}", "placeholders"),
        ("[bold]{n}[/] rows", "markup"),
        ("Plain", "fuzzy"),
        ("%(count)s files in %s", "placeholders"),
        ("{n} zone", "empty"),
    }
    (tmp_path / "fr").rename(tmp_path / "gone")
    assert {p.what for p in C.check(template, ["fr"], tmp_path)} == {"missing"}
    assert C.main(["check"]) == 0


def test_compile_writes_mo_files_that_gettext_reads(tmp_path):
    import gettext

    out = C.compile_catalogs(out_dir=tmp_path)
    assert sorted(p.parent.parent.name for p in out) == sorted(LANGUAGES)
    with (tmp_path / "nl" / "LC_MESSAGES" / "mesocare.mo").open("rb") as fh:
        nl = gettext.GNUTranslations(fh)
    assert nl.gettext("Summary") == "Samenvatting"


def test_placeholders():
    named, positional, markup = C.placeholders(
        "[bold red]{a}[/] {b!r:>3} {{c}} %(d)s %s %d 5%% [x]"
    )
    assert named == {"{a}", "{b}", "%(d)"}
    assert positional == {"%s": 1, "%d": 1}
    assert markup == {"[bold red]": 1, "[/]": 1}
