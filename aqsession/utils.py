"""Small helpers shared by the client modules (URL joining, JSON checks and formatting)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any


def url_build(*parts: Any) -> str:
    """Join URL pieces with exactly one ``/`` between them.

    Leading and trailing slashes of every piece are stripped, empty pieces are skipped, so
    ``url_build("http://x/", "/json")`` is ``"http://x/json"`` whichever way the pieces were
    written.
    """
    stripped = (str(part).strip("/") for part in parts)
    return "/".join(piece for piece in stripped if piece)


def none_paths(data: Any, path: str = "") -> Iterator[str]:
    """Yield the JSON path (``$.a[0].b``) of every ``None`` inside ``data``, at any depth."""
    here = path or "$"
    if data is None:
        yield here
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from none_paths(value, f"{here}.{key}")
    elif isinstance(data, (list, tuple)):
        for index, value in enumerate(data):
            yield from none_paths(value, f"{here}[{index}]")


def pretty_text(text: str) -> str:
    """Return ``text`` as 2-space indented JSON when it parses, unchanged otherwise."""
    try:
        return json.dumps(json.loads(text), indent=2)
    except ValueError:
        return text


def format_errors(errors: Any) -> str:
    """Render the value of an ``errors`` key for a message: lists one entry per line."""
    if isinstance(errors, (list, tuple)):
        return "\n".join(str(error) for error in errors)
    if isinstance(errors, str):
        return errors
    return json.dumps(errors, default=str)
