"""Bytes of the uploads a built lab seeds, so their download links serve real files.

Upload rows live in the store, but their bytes do not (Aquarium keeps them in S3). A lab
builder registers the bytes of each upload it seeds here, keyed by the row's identity (id,
file name, size, creation time), so a fake restored from a snapshot of that lab serves the
same bytes. Seeded files are small text documents (gel images as SVG, sequencing traces as
CSV), generated from the seed.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

_Key = tuple[int, Any, Any, Any]
_SEEDED: dict[_Key, bytes] = {}
_LOCK = threading.Lock()


def upload_key(row: Mapping[str, Any]) -> _Key:
    """What identifies one upload row across snapshots (a reused id with another file differs)."""
    return (row["id"], row["upload_file_name"], row["upload_file_size"], row["created_at"])


def register_seeded(row: Mapping[str, Any], data: bytes) -> None:
    """Remember the bytes of an upload a lab builder seeded."""
    with _LOCK:
        _SEEDED[upload_key(row)] = data


def seeded_bytes(row: Mapping[str, Any]) -> bytes | None:
    """The bytes a lab builder seeded for the upload ``row``, or None."""
    with _LOCK:
        return _SEEDED.get(upload_key(row))


def gel_image(label: str, lanes: int, seed: int) -> bytes:
    """A small SVG picture of a gel with ``lanes`` bands (deterministic in ``seed``)."""
    bands = "".join(
        f'<rect x="{20 + 30 * lane}" y="{40 + (seed * (lane + 3)) % 120}" width="20" height="4"/>'
        for lane in range(lanes)
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200">'
        f"<title>{label}</title>{bands}</svg>"
    ).encode()


def sequencing_trace(sample: str, sequence: str) -> bytes:
    """A small CSV of base calls and qualities, as a sequencing vendor sends them."""
    lines = ["position,base,quality"]
    lines += [f"{i + 1},{base},{30 + (i * 7) % 30}" for i, base in enumerate(sequence)]
    return (f"# {sample}\n" + "\n".join(lines) + "\n").encode()
