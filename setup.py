"""Build hook: compile the gettext catalogs (``.po`` → ``.mo``) into the build output.

Everything else is in ``pyproject.toml``. The ``.mo`` files are not kept in git; wheels ship them,
and an editable install (or a checkout on ``PYTHONPATH``) compiles a catalog in memory when its
``.mo`` is missing or older than its ``.po``.
"""

from __future__ import annotations

import io
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

LOCALE = Path("mesocare") / "i18n" / "locale"


class BuildPyWithCatalogs(build_py):
    """``build_py`` that also writes ``<lang>/LC_MESSAGES/mesocare.mo`` beside each ``.po``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            self.announce("editable install: catalogs are compiled at run time", level=2)
            return
        for mo in self._compile(Path(self.build_lib)):
            self.announce(f"compiled {mo}", level=2)

    def _compile(self, build_lib: Path) -> list[Path]:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        written = []
        for po in sorted((Path("src") / LOCALE).glob("*/LC_MESSAGES/*.po")):
            lang = po.parent.parent.name
            with po.open("rb") as fh:
                catalog = read_po(fh, locale=lang, domain=po.stem)
            buf = io.BytesIO()
            write_mo(buf, catalog, use_fuzzy=False)
            target = build_lib / LOCALE / lang / "LC_MESSAGES" / f"{po.stem}.mo"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(buf.getvalue())
            written.append(target)
        return written

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = list(super().get_outputs(include_bytecode))
        if not getattr(self, "editable_mode", False):
            for po in sorted((Path("src") / LOCALE).glob("*/LC_MESSAGES/*.po")):
                rel = po.relative_to("src").with_suffix(".mo")
                outputs.append(str(Path(self.build_lib) / rel))
        return outputs


setup(cmdclass={"build_py": BuildPyWithCatalogs})
