"""Just enough PNG reading to check a screenshot: its size, and that it is not blank."""

from __future__ import annotations

import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"
_BYTES_PER_PIXEL = {2: 3, 6: 4, 0: 1, 4: 2}  # colour type -> bytes per pixel at 8 bits


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data.startswith(SIGNATURE), "not a PNG"
    found = []
    position = len(SIGNATURE)
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        found.append((kind, data[position + 8 : position + 8 + length]))
        position += 12 + length
    return found


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) of a PNG."""
    kind, header = _chunks(data)[0]
    assert kind == b"IHDR"
    width, height = struct.unpack(">II", header[:8])
    return width, height


def distinct_scanlines(data: bytes) -> int:
    """How many different scanlines the (8-bit, non-interlaced) image holds, as stored (filter
    byte and filtered bytes). A blank image gives a handful whatever filters the encoder
    picked (each row of a uniform image filters to the same bytes); a page of text, hundreds."""
    chunks = _chunks(data)
    width, height, depth, colour = struct.unpack(">IIBB", chunks[0][1][:10])
    assert depth == 8, f"bit depth {depth}"
    stride = width * _BYTES_PER_PIXEL[colour] + 1
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    assert len(raw) == stride * height, "not a non-interlaced 8-bit PNG"
    return len({raw[y * stride : (y + 1) * stride] for y in range(height)})
