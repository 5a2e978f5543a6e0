"""A report as a real PDF (A4), printed by headless Chromium from its HTML.

Chromium is found in ``MESOCARE_CHROMIUM`` or on the PATH (``chromium``, ``chromium-browser``,
``google-chrome``). The page is written to a temporary file and printed with a virtual-time budget
so that Plotly has drawn every figure first; the window is as wide as an A4 page's text (180 mm)
so that figures are laid out at the width they are printed. The PDF is written atomically.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from mesocare.atomic import path_write
from mesocare.errors import MesocareError

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: 210 mm − 2 × 15 mm margins at 96 CSS px per inch
PRINT_WIDTH_PX = 680
INSTALL_HINT = (
    "install one (Debian/Ubuntu: `sudo apt-get install chromium`, or run "
    "`bash scripts/ensure-chromium.sh`) or set MESOCARE_CHROMIUM to its path"
)


def find_chromium() -> str:
    """The path of a Chromium-family browser, or a :class:`MesocareError` saying how to get one."""
    env = os.environ.get("MESOCARE_CHROMIUM")
    if env:
        if Path(env).is_file() and os.access(env, os.X_OK):
            return env
        raise MesocareError(
            f"MESOCARE_CHROMIUM is '{env}', which is not an executable file; {INSTALL_HINT}"
        )
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise MesocareError(
        f"no Chromium browser found to print the PDF (looked for {', '.join(CANDIDATES)}); "
        + INSTALL_HINT
    )


def html_to_pdf(html: str, out: Path, *, budget_ms: int = 20_000, timeout_s: int = 180) -> Path:
    """Print ``html`` to the PDF file ``out`` (A4, as the page's print stylesheet says)."""
    browser = find_chromium()
    out = Path(out)
    with path_write(out) as tmp_pdf, tempfile.TemporaryDirectory(prefix="mesocare-pdf-") as work:
        page = Path(work) / "report.html"
        page.write_text(html, encoding="utf-8")
        cmd = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--hide-scrollbars",
            f"--user-data-dir={Path(work) / 'profile'}",
            f"--window-size={PRINT_WIDTH_PX},960",
            f"--virtual-time-budget={budget_ms}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={tmp_pdf}",
            page.as_uri(),
        ]
        try:
            run = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s)
        except subprocess.TimeoutExpired as e:
            raise MesocareError(f"{browser} did not print the PDF in {timeout_s} s") from e
        head = tmp_pdf.read_bytes()[:5] if tmp_pdf.is_file() else b""
        if run.returncode != 0 or head != b"%PDF-":
            tail = (run.stderr or "").strip().splitlines()[-3:]
            raise MesocareError(
                f"{browser} could not print the PDF {out} (exit {run.returncode}): "
                + " | ".join(tail)
            )
    return out
