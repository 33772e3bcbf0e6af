"""Copying JSON-shaped data (so models never share containers with their callers)."""

from __future__ import annotations

from typing import Any

#: The container types a copy descends into (tuples become lists).
CONTAINERS = frozenset({dict, list, tuple})


def json_copy(value: Any) -> Any:
    """Copy of nested dicts/lists (the JSON containers); other values are returned as is.

    Scalars inside a container are taken without a call per value (a record is mostly scalars).
    """
    kind = type(value)
    if kind is dict:
        return {k: json_copy(v) if type(v) in CONTAINERS else v for k, v in value.items()}
    if kind is list or kind is tuple:
        return [json_copy(v) if type(v) in CONTAINERS else v for v in value]
    return value
