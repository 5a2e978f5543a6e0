"""The QR code of a workshop's join link, as inline SVG drawn on the server (segno, pure Python).
Without segno installed, None: the page shows the link big instead."""

from __future__ import annotations


def qr_svg(url: str) -> str | None:
    try:
        import segno  # noqa: PLC0415  (optional at run time: pinned in pyproject.toml)
    except ImportError:
        return None
    return str(segno.make(url, error="m").svg_inline(scale=6, border=2, omitsize=True))
