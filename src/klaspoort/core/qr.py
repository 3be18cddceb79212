"""QR codes as inline SVG (segno): made on our own server, so no page asks another site."""

from __future__ import annotations

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(data: str, *, title: str, scale: int = 4) -> SafeString:
    """segno's inline SVG (it escapes the title itself), marked safe for templates."""
    return mark_safe(segno.make(data, error="m").svg_inline(scale=scale, border=2, title=title))
