"""Copying JSON-shaped data (so models never share containers with their callers)."""

from __future__ import annotations

from typing import Any


def json_copy(value: Any) -> Any:
    """Copy of nested dicts/lists (the JSON containers); other values are returned as is."""
    kind = type(value)
    if kind is dict:
        return {k: json_copy(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [json_copy(v) for v in value]
    return value
