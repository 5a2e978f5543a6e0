"""Keep the catalogs in step with the code: extract, update, compile and check.

``python -m mesocare.i18n.catalogs extract`` prints the template (every message of the package);
``update`` merges it into ``locale/<lang>/LC_MESSAGES/mesocare.po`` (new messages get an empty
translation, gone ones are dropped, English is filled with the message id itself); ``compile``
writes the ``.mo`` files; ``check`` lists, per language, what is missing, empty or fuzzy and every
translation whose placeholders or Rich markup differ from the message id, and exits 1 if any.

Messages are found in ``mesocare/**/*.py`` (``_``, ``N_``, ``ngettext``) and in the Jinja templates
``mesocare/**/templates/**/*.j2`` (``_`` and ``ngettext``). The ``.po`` files are written sorted by
message id, with file names but no line numbers and no dates, so that they change only when a
message does.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from mesocare.i18n import DOMAIN, LANGUAGES, LOCALE_DIR

PACKAGE_DIR = Path(__file__).resolve().parents[1]
KEYWORDS: dict[str, tuple[int, ...] | None] = {"_": None, "N_": None, "ngettext": (1, 2)}
METHOD_MAP: list[tuple[str, str]] = [
    ("**/templates/**.j2", "jinja2.ext:babel_extract"),
    ("**.py", "python"),
]
#: Jinja templates are extracted with the same extensions as they are rendered with
OPTIONS_MAP: dict[str, dict[str, str]] = {
    "**/templates/**.j2": {"trimmed": "true", "silent": "false"},
}
HEADER = (
    "# Mesocare messages ({lang}).\n"
    "# English is the source language; regenerate with\n"
    "#   python -m mesocare.i18n.catalogs update\n"
    "#"
)
_DATE_HEADERS = (b'"POT-Creation-Date:', b'"PO-Revision-Date:')

_BRACE = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*|\d*)(?:[!:][^{}]*)?\}(?!\})")
_NAMED_PERCENT = re.compile(r"%\(([A-Za-z_][A-Za-z0-9_]*)\)[-#0 +]*\d*(?:\.\d+)?[sdifgeExXr]")
_POSITIONAL_PERCENT = re.compile(r"%(?!\()[-#0 +]*\d*(?:\.\d+)?[sdifgeExXr]")
_TAG = re.compile(r"\[(/?)([a-z_ ]*)\]")
#: words of Rich styles: a bracketed text made of them is markup (``[bold red]``, ``[/]``)
_COLOURS = ("black", "red", "green", "yellow", "blue", "magenta", "cyan", "white")
RICH_STYLE_WORDS = frozenset(
    ("bold", "dim", "italic", "underline", "strike", "reverse", "blink", "not", "on", "link")
    + ("default", "grey", "gray", *_COLOURS, *(f"bright_{c}" for c in _COLOURS))
)


def po_path(lang: str, locale_dir: Path = LOCALE_DIR) -> Path:
    return locale_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _relative(root: Path, filename: str) -> str:
    return (root / filename).resolve().relative_to(root.parent).as_posix()


def extract(package_dir: Path = PACKAGE_DIR) -> Catalog:
    """The template catalog: every message of the package, with the files it occurs in."""
    template = Catalog(
        domain=DOMAIN,
        project="mesocare",
        header_comment=HEADER.format(lang="template"),
        fuzzy=False,
    )
    found = extract_from_dir(
        package_dir, METHOD_MAP, OPTIONS_MAP, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
    )
    for filename, _lineno, message, comments, context in found:
        where = _relative(package_dir, filename)
        if isinstance(message, tuple) and message[0] == "":
            continue
        if message == "":
            continue
        existing = template.get(message, context)
        # no line numbers: a location is the file alone, so edits elsewhere leave the .po alone
        location: Any = (where, None)
        if existing is not None:
            if location not in existing.locations:
                existing.locations.append(location)
            continue
        template.add(message, None, [location], auto_comments=comments, context=context)
    for msg in template:
        msg.locations = sorted(set(msg.locations))
    return template


def read_catalog(path: Path, lang: str) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


def _fresh(lang: str) -> Catalog:
    return Catalog(
        locale=lang,
        domain=DOMAIN,
        project="mesocare",
        header_comment=HEADER.format(lang=lang),
        fuzzy=False,
    )


def merged(template: Catalog, lang: str, current: Catalog | None) -> Catalog:
    """``current`` (or an empty catalog) brought in line with ``template``."""
    catalog = current if current is not None else _fresh(lang)
    catalog.header_comment = HEADER.format(lang=lang)
    catalog.update(template, no_fuzzy_matching=False, update_creation_date=False)
    catalog.obsolete.clear()
    catalog.fuzzy = False
    if lang == "en":
        for msg in catalog:
            if msg.id and (msg.fuzzy or not _complete(msg)):
                msg.string = msg.id
                msg.flags.discard("fuzzy")
                msg.previous_id = []
    return catalog


def render_po(catalog: Catalog) -> bytes:
    """The ``.po`` text, sorted, without line numbers and without the date headers."""
    buf = io.BytesIO()
    write_po(buf, catalog, width=100, sort_output=True, ignore_obsolete=True, include_lineno=False)
    lines = buf.getvalue().splitlines(keepends=True)
    return b"".join(line for line in lines if not line.startswith(_DATE_HEADERS))


def _write_atomic(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` if it differs; whether it did."""
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return True


def update(
    languages: Sequence[str] = LANGUAGES,
    locale_dir: Path = LOCALE_DIR,
    template: Catalog | None = None,
) -> list[Path]:
    """Merge the extracted messages into each language's ``.po``; the files that changed."""
    template = template if template is not None else extract()
    changed = []
    for lang in languages:
        path = po_path(lang, locale_dir)
        current = read_catalog(path, lang) if path.exists() else None
        if _write_atomic(path, render_po(merged(template, lang, current))):
            changed.append(path)
    return changed


def compile_catalogs(
    languages: Sequence[str] = LANGUAGES, locale_dir: Path = LOCALE_DIR, out_dir: Path | None = None
) -> list[Path]:
    """Write ``<lang>/LC_MESSAGES/mesocare.mo`` (under ``out_dir``, default beside the ``.po``)."""
    written = []
    for lang in languages:
        src = po_path(lang, locale_dir)
        if not src.exists():
            continue
        buf = io.BytesIO()
        write_mo(buf, read_catalog(src, lang), use_fuzzy=False)
        target = po_path(lang, out_dir or locale_dir).with_suffix(".mo")
        _write_atomic(target, buf.getvalue())
        written.append(target)
    return written


# ----- checks -------------------------------------------------------------------------------------
def _is_markup(tag: re.Match[str]) -> bool:
    closing, words = tag.group(1), tag.group(2).split()
    return bool(closing and not words) or (bool(words) and set(words) <= RICH_STYLE_WORDS)


def placeholders(text: str) -> tuple[frozenset[str], Counter[str], Counter[str]]:
    """The named placeholders (``{name}``, ``%(name)s``), positional ones and Rich markup tags."""
    named = {f"{{{m}}}" for m in _BRACE.findall(text)} | {
        f"%({m})" for m in _NAMED_PERCENT.findall(text)
    }
    positional = Counter(m.group(0) for m in _POSITIONAL_PERCENT.finditer(text.replace("%%", "")))
    tags = Counter(m.group(0) for m in _TAG.finditer(text) if _is_markup(m))
    return frozenset(named), positional, tags


def _forms(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return [""]
    return [value] if isinstance(value, str) else list(value)


def _complete(msg: Message) -> bool:
    return all(_forms(msg.string))


@dataclass(frozen=True)
class Problem:
    lang: str
    msgid: str
    what: str

    def __str__(self) -> str:
        return f"{self.lang}: {self.what}: {self.msgid!r}"


def check_message(lang: str, msg: Message) -> list[Problem]:
    """What is wrong with one translated message (empty list when it is fine)."""
    ids = _forms(msg.id)
    key = ids[0]
    if not _complete(msg):
        return [Problem(lang, key, "empty")]
    out = []
    if msg.fuzzy:
        out.append(Problem(lang, key, "fuzzy"))
    expected = placeholders(ids[0])
    plural_ok = placeholders(ids[-1])
    for form in _forms(msg.string):
        got = placeholders(form)
        if got[0] not in (expected[0], plural_ok[0]) or got[1] not in (expected[1], plural_ok[1]):
            out.append(Problem(lang, key, f"placeholders differ in {form!r}"))
        if got[2] != expected[2]:
            out.append(Problem(lang, key, f"markup differs in {form!r}"))
    return out


def check(
    template: Catalog | None = None,
    languages: Iterable[str] = LANGUAGES,
    locale_dir: Path = LOCALE_DIR,
) -> list[Problem]:
    """Every problem of every language's catalog against the extracted messages."""
    template = template if template is not None else extract()
    problems: list[Problem] = []
    for lang in languages:
        path = po_path(lang, locale_dir)
        catalog = read_catalog(path, lang) if path.exists() else _fresh(lang)
        for wanted in template:
            if not wanted.id:
                continue
            msg = catalog.get(wanted.id, wanted.context)
            key = _forms(wanted.id)[0]
            if msg is None:
                problems.append(Problem(lang, key, "missing"))
            else:
                problems.extend(check_message(lang, msg))
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mesocare.i18n.catalogs", description=__doc__)
    parser.add_argument("action", choices=("extract", "update", "compile", "check"))
    parser.add_argument("--out", type=Path, help="extract: .pot file; compile: locale folder")
    args = parser.parse_args(argv)
    if args.action == "extract":
        template = extract()
        text = render_po(template)
        if args.out:
            _write_atomic(args.out, text)
            print(f"{len(template)} messages written to {args.out}")
        else:
            sys.stdout.buffer.write(text)
    elif args.action == "update":
        changed = update()
        for path in changed:
            print(f"updated {path}")
        print(f"{len(changed)} catalog(s) changed")
    elif args.action == "compile":
        for path in compile_catalogs(out_dir=args.out):
            print(f"compiled {path}")
    else:
        problems = check()
        for problem in problems:
            print(problem)
        counts = Counter(p.lang for p in problems)
        summary = ", ".join(f"{lang} {counts.get(lang, 0)}" for lang in LANGUAGES)
        print(f"{len(problems)} problem(s): {summary}")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
