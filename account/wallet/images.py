"""The pass's icon and logo, drawn here (a PNG of a square with a point badge): no image file to ship."""

import struct
import zlib
from functools import lru_cache

BRAND = (79, 70, 229)
WHITE = (255, 255, 255)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


@lru_cache(maxsize=8)
def badge_png(width: int, height: int) -> bytes:
    """A brand-coloured rectangle with a white disc in the middle."""
    radius = min(width, height) * 0.3
    cx, cy = width / 2, height / 2
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # no filter
        for x in range(width):
            inside = (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= radius**2
            rows.extend(WHITE if inside else BRAND)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + _chunk(b"IEND", b"")
    )


def pass_images() -> dict[str, bytes]:
    """Apple's required icon (29 pt, and @2x), and the logo on the pass's front."""
    return {
        "icon.png": badge_png(29, 29),
        "icon@2x.png": badge_png(58, 58),
        "logo.png": badge_png(50, 50),
        "logo@2x.png": badge_png(100, 100),
    }
