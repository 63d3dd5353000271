"""A card as a barcode (Code 128) and a QR code, as SVG a register scans from the customer's screen.

python-barcode encodes the number (its modules), drawn here as one path of bars with a viewBox (no inline styles,
so the SVG may be put into a page under a strict Content-Security-Policy); segno draws the QR code. Both pure Python.
"""

import io
import logging
from html import escape

# python-barcode says at import, at INFO, that it draws no raster images without Pillow: SVG is all we draw.
logging.getLogger("pyBarcode").setLevel(logging.WARNING)

import barcode  # noqa: E402
import segno  # noqa: E402

BAR_HEIGHT = 60
QUIET_ZONE = 10  # modules of white on each side, as scanners need


def barcode_svg(value: str, *, title: str = "") -> str:
    """Code 128 of `value`, the text below it."""
    modules = barcode.get("code128", value).build()[0]
    width = len(modules) + 2 * QUIET_ZONE
    bars = []
    x = 0
    while x < len(modules):
        if modules[x] == "1":
            run = len(modules[x:]) - len(modules[x:].lstrip("1"))
            bars.append(f"M{x + QUIET_ZONE} 0h{run}v{BAR_HEIGHT}h-{run}z")
            x += run
        else:
            x += 1
    height = BAR_HEIGHT + 16
    label = escape(title or value)
    text = escape(value)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" aria-label="{label}">'
        f'<rect width="{width}" height="{height}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(bars)}"/>'
        f'<text x="{width / 2:g}" y="{height - 3}" font-family="monospace" font-size="11" text-anchor="middle"'
        f' fill="#000">{text}</text></svg>'
    )


def qr_svg(value: str, *, title: str = "") -> str:
    """A QR code of `value` (error correction M), dark on white, sized by its viewBox."""
    out = io.BytesIO()
    segno.make(value, error="m", micro=False).save(
        out,
        kind="svg",
        xmldecl=False,
        svgns=True,
        omitsize=True,
        svgclass=None,
        lineclass=None,
        border=4,
        dark="#000",
        light="#fff",
        title=title or value,
    )
    return out.getvalue().decode()
