"""The PDF report: real A4 pages, printed by headless Chromium, with something drawn on them."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest

from mesocare.errors import MesocareError
from mesocare.reports import pdf
from mesocare.reports.render import render_html

A4_MM = (210.0, 297.0)


def _pdf_page_sizes_mm(path) -> list[tuple[float, float]]:
    pdfium = pytest.importorskip("pypdfium2")
    doc = pdfium.PdfDocument(str(path))
    try:
        return [tuple(v * 25.4 / 72 for v in doc[i].get_size()) for i in range(len(doc))]
    finally:
        doc.close()


def _read_pgm(path) -> np.ndarray:
    raw = path.read_bytes()
    magic, w, h, maxval, rest = raw.split(maxsplit=4)
    assert magic == b"P5" and maxval == b"255"
    return np.frombuffer(rest[: int(w) * int(h)], dtype=np.uint8).reshape(int(h), int(w))


@pytest.mark.slow
def test_report_prints_to_a4_pages_that_are_not_blank(small_diagnosis, tmp_path):
    try:
        pdf.find_chromium()
    except MesocareError as e:
        pytest.skip(str(e))
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is missing: bash scripts/ensure-chromium.sh")
    out = pdf.html_to_pdf(render_html(small_diagnosis), tmp_path / "report.pdf")
    assert out.read_bytes()[:5] == b"%PDF-"
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]  # no temporary file left
    sizes = _pdf_page_sizes_mm(out)
    assert len(sizes) >= 1
    for w, h in sizes:
        assert abs(w - A4_MM[0]) <= 1 and abs(h - A4_MM[1]) <= 1, (w, h)
    subprocess.run(["pdftoppm", "-r", "40", "-gray", str(out), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page*.pgm"))
    assert len(images) == len(sizes)
    for img in images:
        px = _read_pgm(img)
        assert (px < 200).mean() > 0.0005, f"{img.name} looks blank"
    # the map was drawn (Plotly ran before printing): its fills cover much of the first page
    first = _read_pgm(images[0])
    assert (first < 240).mean() > 0.15


def test_a_missing_browser_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setenv("MESOCARE_CHROMIUM", str(tmp_path / "nowhere"))
    with pytest.raises(MesocareError, match="MESOCARE_CHROMIUM"):
        pdf.find_chromium()
    monkeypatch.delenv("MESOCARE_CHROMIUM")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(MesocareError, match="apt-get install chromium"):
        pdf.html_to_pdf("<p>x</p>", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()
